"""Notifications: the outbox relay and the notifiers it delivers to.

See :mod:`core.notify.base` for the notifier contract (``register_notifier``) and
:mod:`core.notify.relay` for the delivery guarantees.
"""

from core.notify.base import (
    Delivery,
    Notifier,
    Recipient,
    register_notifier,
    unregister_notifier,
)
from core.notify.log import LogNotifier
from core.notify.relay import RelayStats, notifiers_for, relay_outbox
from core.notify.smtp import SmtpNotifier

__all__ = [
    "Delivery",
    "LogNotifier",
    "Notifier",
    "Recipient",
    "RelayStats",
    "SmtpNotifier",
    "notifiers_for",
    "register_notifier",
    "relay_outbox",
    "unregister_notifier",
]
