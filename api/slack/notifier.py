"""Notifications as Slack DMs (issue 3: "... and Slack DMs once the Slack bot exists").

Registered with core.notify by the api layer when the bot is configured. A
request for a decision (``approval.requested`` / ``approval.escalated``) comes
with Approve / Reject buttons; a click is checked against the clicker's rights
when it arrives, so a forwarded message grants nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from api.notices import TOLD_IN_THREAD, notice_text
from api.slack import blocks
from api.slack.threads import CHANNEL as SLACK_CHANNEL
from core.approval.service import approval_view, load_workflow
from core.approval.views import ApprovalView
from core.checkin.passes import ISSUED_TOPIC
from core.conversation.threads import booking_thread
from core.errors import NotFound
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
        if await self._in_slack_thread(rt, delivery):
            return
        opened = await self.client.conversations_open(users=slack_user)
        channel = opened["channel"]["id"]
        approval_id = delivery.payload.get("approval_id")
        if delivery.topic in DECISION_TOPICS and approval_id:
            view = await _approval(rt, delivery.org_id, str(approval_id))
            body = blocks.approval_request(str(approval_id), delivery.message, view)
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

    async def _in_slack_thread(self, rt: Runtime, delivery: Delivery) -> bool:
        """A decision on a trip confirmed in a Slack thread is posted back in that thread,
        to its traveller (instead of a DM). False when the trip has no such thread."""
        booking_id = delivery.payload.get("booking_id")
        if delivery.topic not in TOLD_IN_THREAD or not booking_id:
            return False
        async with rt.db.uow(write=False) as session:
            thread = await booking_thread(session, delivery.org_id, str(booking_id))
        if (
            thread is None
            or thread.channel != SLACK_CHANNEL
            or thread.user_id != delivery.recipient.user_id
            or not thread.external_key
        ):
            return False
        channel, _, thread_ts = thread.external_key.rpartition(":")
        if not channel or not thread_ts:
            return False
        text = notice_text(delivery)
        await self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=text,
            blocks=[blocks.section(blocks.escape(text))],
            metadata={
                "event_type": "concierge_notification",
                "event_payload": {"key": delivery.key},
            },
        )
        return True


async def _approval(rt: Runtime, org_id: str, approval_id: str) -> ApprovalView | None:
    """The workflow as the approver judges it (the page's card shows the same facts);
    None when it is gone (the request is still sent, with its sentence only)."""
    async with rt.db.uow(write=False) as session:
        try:
            return await approval_view(session, await load_workflow(session, org_id, approval_id))
        except NotFound:
            return None
