"""What happens to a trip, told in the conversation it was confirmed from.

A notifier (``core.notify``): when an approver decides (or an approval runs out, or a
flight is disrupted), the traveller's conversation gets the concierge's line in its
history — the same history ``GET /v1/threads/{id}`` returns — so a reload or another
device shows it where it happened. The open page already showed it live
(``GET /v1/events``); a Slack conversation also gets it in its Slack thread
(``api.slack.notifier``). Registered per runtime by the app (``create_app``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.turns import turns_of
from core.conversation.threads import booking_thread
from core.notify.base import Delivery

if TYPE_CHECKING:
    from core.runtime import Runtime

#: Topics told in the conversation, to the person whose conversation it is.
TOLD_IN_THREAD = frozenset({"approval.decided", "approval.expired", "disruption.detected"})


def notice_text(delivery: Delivery) -> str:
    """The notification's sentence, with the approver's note when it does not say it."""
    text = delivery.message
    note = str(delivery.payload.get("note") or "")
    if delivery.topic == "approval.decided" and note and note not in text:
        text = f"{text} Note: “{note}”"
    return text


class ConversationNotifier:
    name = "conversation"

    def __init__(self, app_state: Any) -> None:
        self.app_state = app_state

    async def deliver(self, rt: Runtime, delivery: Delivery) -> None:
        """Done (nothing to do) unless the event is about a trip confirmed from a
        conversation of this very recipient; a turn running there makes it retry."""
        booking_id = delivery.payload.get("booking_id")
        if delivery.topic not in TOLD_IN_THREAD or not booking_id:
            return
        async with rt.db.uow(write=False) as session:
            thread = await booking_thread(session, delivery.org_id, str(booking_id))
        if thread is None or thread.user_id != delivery.recipient.user_id:
            return
        engine = await turns_of(self.app_state).engine()
        tell = getattr(engine, "tell", None)
        if tell is None:  # an engine without a history of its own (tests' scripted one)
            return
        await tell(thread.id, notice_text(delivery), message_id=f"notice-{delivery.event_id}")
