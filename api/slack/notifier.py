"""Notifications as Slack DMs (issue 3: "... and Slack DMs once the Slack bot exists").

Registered with core.notify by the api layer when the bot is configured. A
request for a decision (``approval.requested`` / ``approval.escalated``) comes
with Approve / Reject buttons; a click is checked against the clicker's rights
when it arrives, so a forwarded message grants nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from api.slack import blocks
from core.checkin.passes import ISSUED_TOPIC
from core.notify.base import Delivery

if TYPE_CHECKING:
    from core.runtime import Runtime

DECISION_TOPICS = frozenset({"approval.requested", "approval.escalated"})


class SlackDMNotifier:
    name = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def deliver(self, rt: Runtime, delivery: Delivery) -> None:
        """DM the recipient; people without a linked Slack account are skipped (done).

        Raising (a Slack error) tells the relay to retry later.
        """
        slack_user = delivery.recipient.slack_user_id
        if not slack_user:
            return
        opened = await self.client.conversations_open(users=slack_user)
        channel = opened["channel"]["id"]
        approval_id = delivery.payload.get("approval_id")
        if delivery.topic in DECISION_TOPICS and approval_id:
            body = blocks.approval_request(str(approval_id), delivery.message)
        else:
            body = [blocks.section(blocks.escape(delivery.message))]
        pass_id = delivery.payload.get("pass_id")
        if delivery.topic == ISSUED_TOPIC and pass_id:
            # The boarding pass itself: its barcode, by a signed link Slack can fetch.
            url = blocks.barcode_url(rt.settings, rt.clock.now())(str(pass_id))
            if url:
                body.append(blocks.barcode_image(url, "", None))
        await self.client.chat_postMessage(
            channel=channel,
            text=delivery.message,
            blocks=body,
            # Slack has no idempotency key for posts; the deterministic id at least lets
            # a duplicate from an at-least-once redelivery be spotted.
            metadata={
                "event_type": "concierge_notification",
                "event_payload": {"key": delivery.key},
            },
        )
