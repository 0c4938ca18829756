"""The default notifier: one log line per notification (what ``make run`` shows)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from core.notify.base import Delivery

if TYPE_CHECKING:
    from core.runtime import Runtime

log = logging.getLogger("concierge.notifications")


class LogNotifier:
    name = "log"

    async def deliver(self, rt: Runtime, delivery: Delivery) -> None:
        log.info(
            "notify %s (%s) [%s]: %s",
            delivery.recipient.name,
            delivery.recipient.user_id,
            delivery.topic,
            delivery.message,
        )
