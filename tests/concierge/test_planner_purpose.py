"""The offline planner asks what a trip is for when it goes for approval, records the
answer on the booking (``set_trip_purpose``), and the approver sees it; a message that
is something else goes on as it would have. Real Concierge, tools and core on demo data."""

from __future__ import annotations

from core.approval.service import list_approvals
from core.models import Booking
from core.runtime import Runtime
from tests.concierge.test_planner_e2e import (  # noqa: F401 - fixtures
    Chat,
    booking_status,
    caller,
    concierge,
    demo,
)


async def _sent_for_approval(ava: Chat, demo: Runtime) -> tuple[str, str]:  # noqa: F811
    await ava.say("flight from Boston to Paris the day after tomorrow")
    await ava.say("the first one")
    reply = await ava.answer(True)
    booking_id = ava.output("confirm_booking")["booking_id"]
    assert await booking_status(demo, booking_id) == "pending_approval"
    return booking_id, reply


async def test_a_trip_sent_for_approval_asks_its_purpose_and_the_approver_sees_it(
    concierge, demo: Runtime  # noqa: F811
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    booking_id, reply = await _sent_for_approval(ava, demo)
    assert "What's the trip for?" in reply
    assert "Mia Chen sees it" in reply

    reply = await ava.say("customer workshop in Paris with the sales team")
    assert ava.tools() == ["set_trip_purpose"]
    assert "added" in reply
    async with demo.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.purpose == "customer workshop in Paris with the sales team"
        assert booking.thread_id == ava.thread_id  # where the decision will be told
        [item] = await list_approvals(session, await caller(demo, "mia"))
    assert item.booking.purpose == "customer workshop in Paris with the sales team"
    assert item.booking.cabin == "economy"


async def test_a_new_request_after_the_question_is_not_taken_for_a_purpose(
    concierge, demo: Runtime  # noqa: F811
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    booking_id, _reply = await _sent_for_approval(ava, demo)
    await ava.say("fly me from JFK to London on Dec 20")
    assert ava.tools() == ["search_flights"]
    async with demo.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.purpose is None
