"""Buttons' structured actions through ``Concierge.turn`` on the real planner, tools and
core (demo data): a round trip picked by two clicks is ONE booking with both
directions, a first pick holds nothing, and every refusal happens before the turn."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from concierge.actions import CancelBooking, DecideApproval, SelectOffer, record_of
from concierge.service import Concierge
from core.errors import Forbidden, NotFound, PolicyBlocked
from core.models import Booking
from core.runtime import Runtime
from tests.concierge.test_planner_e2e import Chat, booking_status, caller, concierge, demo

__all__ = ["concierge", "demo"]  # fixtures shared with the planner's end-to-end tests

ROUND_TRIP = "Fly me from New York to London on Dec 18, returning Dec 22"


def searches(chat: Chat) -> dict[str, dict[str, Any]]:
    """This turn's search outputs by leg (outbound / return / hotel)."""
    found: dict[str, dict[str, Any]] = {}
    for event in chat.events:
        if getattr(event, "name", None) == "search_flights" and getattr(event, "output", None):
            found[event.output.get("leg") or "outbound"] = event.output
        if getattr(event, "name", None) == "search_hotels" and getattr(event, "output", None):
            found["hotel"] = event.output
    return found


def bookable(output: dict[str, Any]) -> str:
    return next(o["offer_id"] for o in output["options"] if o["policy"]["status"] != "red")


async def bookings(rt: Runtime) -> int:
    async with rt.db.uow(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Booking)) or 0)


async def test_a_round_trip_picked_by_two_clicks_is_one_booking(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say(ROUND_TRIP)
    found = searches(ava)
    assert found["return"]["leg"] == "return"  # the planner labels the flight home
    outbound, home = bookable(found["outbound"]), bookable(found["return"])

    reply = await ava._run(action=SelectOffer(outbound))
    assert ava.tools() == []  # nothing held on the first direction
    assert ava.confirmation is None
    assert "return flight" in reply
    assert await bookings(demo) == 0

    await ava._run(action=SelectOffer(home))
    assert ava.tools() == ["reserve"]
    asked = ava.confirmation
    assert asked is not None
    assert asked.action["tool"] == "confirm_booking"
    booking_id = asked.action["args"]["booking_id"]
    held = ava.output("reserve")
    assert len([s for s in held["segments"] if s["kind"] == "flight"]) >= 2
    await ava.answer(True)
    assert await booking_status(demo, booking_id) == "confirmed"
    assert await bookings(demo) == 1
    flights = [s for s in ava.output("confirm_booking")["segments"] if s["kind"] == "flight"]
    origins = {s["origin"] for s in flights}
    assert "LHR" in origins  # the flight home is in the same booking
    assert origins & {"JFK", "EWR", "LGA"}


async def test_the_other_direction_can_also_be_typed(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say(ROUND_TRIP)
    await ava._run(action=SelectOffer(bookable(searches(ava)["return"])))
    await ava.say("outbound 1")
    assert ava.tools() == ["reserve"]
    held = ava.output("reserve")  # the hold took both directions
    assert {s["destination"] for s in held["segments"]} & {"JFK", "EWR", "LGA"}
    assert {s["destination"] for s in held["segments"]} & {"LHR", "LGW"}


async def test_the_action_rides_on_the_user_message(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("Fly me from New York to London on Dec 18")
    offer = bookable(searches(ava)["outbound"])
    await ava._run(action=SelectOffer(offer))
    assert ava.tools() == ["reserve"]  # one way: held at once
    snapshot = await concierge.graph.aget_state({"configurable": {"thread_id": ava.thread_id}})
    records = [r for m in snapshot.values["messages"] if (r := record_of(m))]
    assert [(r.type, r.offer_id, r.held) for r in records] == [("select_offer", offer, True)]
    view = await concierge.thread(ava.who, str(ava.thread_id))
    clicked = [m.metadata["action"] for m in view.messages if m.metadata]
    assert [a["offer_id"] for a in clicked] == [offer]


async def test_refusals_hold_nothing(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("Fly me from New York to London on Dec 18 in first class")
    red = next(o for o in searches(ava)["outbound"]["options"] if o["policy"]["status"] == "red")
    with pytest.raises(PolicyBlocked) as blocked:
        await ava._run(action=SelectOffer(red["offer_id"]))
    assert blocked.value.extra["violations"]
    with pytest.raises(NotFound):
        await ava._run(action=SelectOffer("FL-999999"))
    with pytest.raises(NotFound):
        await ava._run(action=CancelBooking("BK-NOPE00"))
    with pytest.raises(NotFound):
        await ava._run(action=DecideApproval("AP-NOPE", "approve"))
    assert await bookings(demo) == 0


async def test_cancel_click_asks_then_cancels(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("Fly me from New York to London on Dec 18")
    await ava._run(action=SelectOffer(bookable(searches(ava)["outbound"])))
    booking_id = ava.output("reserve")["booking_id"]
    # A click on Cancel trip while the booking's confirmation waits: that one is
    # declined (a click elsewhere is not a yes), the cancellation asks its own yes.
    await ava._run(action=CancelBooking(booking_id))
    asked = ava.confirmation
    assert asked is not None
    assert asked.action == {"tool": "cancel_booking", "args": {"booking_id": booking_id}}
    assert await booking_status(demo, booking_id) == "held"
    reply = await ava.answer(True)
    assert await booking_status(demo, booking_id) == "cancelled"
    assert booking_id in reply


async def test_a_manager_approves_by_action(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("flight from Boston to Paris the day after tomorrow")
    await ava._run(action=SelectOffer(bookable(searches(ava)["outbound"])))
    await ava.answer(True)
    booking_id = ava.output("confirm_booking")["booking_id"]
    assert await booking_status(demo, booking_id) == "pending_approval"
    approval_id = ava.output("confirm_booking")["approval_id"]

    # Ava cannot decide her own trip; Mia can, after saying yes at the gate.
    with pytest.raises(Forbidden):
        await Chat(concierge, ava.who)._run(action=DecideApproval(approval_id, "approve"))
    mia = Chat(concierge, await caller(demo, "mia"))
    await mia._run(action=DecideApproval(approval_id, "approve", "ok"))
    asked = mia.confirmation
    assert asked is not None
    assert asked.action["tool"] == "decide_approval"
    reply = await mia.answer(True)
    assert "Approved" in reply
    assert await booking_status(demo, booking_id) == "confirmed"


async def test_book_on_a_change_search_rebooks_the_booking(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("Fly me from New York to London on Dec 18")
    await ava._run(action=SelectOffer(bookable(searches(ava)["outbound"])))
    await ava.answer(True)
    booking_id = ava.output("confirm_booking")["booking_id"]

    await ava.say(f"change my flight on {booking_id} to the 20th")
    found = searches(ava)["outbound"]
    assert found["rebooking"] == booking_id  # the planner says what the search is for
    await ava._run(action=SelectOffer(bookable(found)))
    assert await bookings(demo) == 1  # no second booking: a change of this one
    asked = ava.confirmation
    assert asked is not None
    assert asked.action["tool"] == "rebook"
    assert asked.action["args"]["booking_id"] == booking_id
    reply = await ava.answer(True)
    assert ava.output("rebook")["booking_id"] == booking_id
    assert booking_id in reply
