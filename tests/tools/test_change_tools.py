"""cancel_booking and rebook: the core prices the change; the tools quote it and report it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.errors import InvalidTransition, NotFound
from core.models import Payment, Refund
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, GUS
from tests.core.changes_world import add_flight, confirmed
from tests.tools.conftest import ctx_for
from tools.base import Named, ToolContext
from tools.registry import get_tool

pytestmark = pytest.mark.usefixtures("world")

HOTEL = "HT-LON01-20261218-20261220"


async def count(rt, model):
    async with rt.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(model))


async def summary(rt, caller, tool, **args):
    return await get_tool(tool).summary(ctx_for(rt, caller), args)


async def invoke(rt, caller, tool, call=None, **args):
    return await get_tool(tool).invoke(ctx_for(rt, caller, call=call), args)


# -- cancel_booking ----------------------------------------------------------------------


async def test_cancel_a_hold_releases_it(runtime, world):
    held = await invoke(runtime, AVA, "reserve", items=[{"offer_id": HOTEL}])
    line = await summary(runtime, AVA, "cancel_booking", booking_id=held["booking_id"])
    assert line == (
        f"Cancel {held['booking_id']} (London Grand, London 18–20 Dec, 1 room) — nothing has "
        "been paid, the hold is released?"
    )
    out = await invoke(runtime, AVA, "cancel_booking", booking_id=held["booking_id"])
    assert out["status"] == "cancelled"
    assert "nothing was paid" in out["message"]


async def test_cancel_paid_quotes_and_refunds_per_fare_rules(runtime, clock, world):
    booking_id = await confirmed(
        runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1), (HOTEL, 1)
    )
    clock.advance(timedelta(days=2))  # past the free 24 hours: the non-refundable fare is kept
    line = await summary(runtime, AVA, "cancel_booking", booking_id=booking_id)
    assert line == (
        f"Cancel {booking_id} (BA 117 JFK→LHR Fri 18 Dec 04:00, economy, 1 passenger + "
        "London Grand, London 18–20 Dec, 1 room) — refund 440.00 USD, 612.40 USD kept under "
        "the fare rules?"
    )
    out = await invoke(
        runtime, AVA, "cancel_booking", call="call-cancel", booking_id=booking_id, reason="Trip off"
    )
    assert out["status"] == "cancelled"
    assert out["refund"]["due"] == {"amount": "440.00", "currency": "USD"}
    assert "440.00 USD" in out["message"]
    refunds = await count(runtime, Refund)
    # The same tool call again replays; nothing is refunded twice.
    again = await invoke(
        runtime, AVA, "cancel_booking", call="call-cancel", booking_id=booking_id, reason="Trip off"
    )
    assert again == out
    assert await count(runtime, Refund) == refunds


async def test_cancel_within_24_hours_is_a_full_refund(runtime, world):
    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    line = await summary(runtime, AVA, "cancel_booking", booking_id=booking_id)
    assert line.endswith("— full refund of 612.40 USD?")


async def test_cancel_paid_with_nothing_refundable_says_so(runtime, clock, world):
    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    clock.advance(timedelta(days=2))  # non-refundable fare, past the free 24 hours
    line = await summary(runtime, AVA, "cancel_booking", booking_id=booking_id)
    assert "612.40 USD kept" in line
    out = await invoke(runtime, AVA, "cancel_booking", booking_id=booking_id)
    assert out["status"] == "cancelled"
    assert out["message"] == f"Cancelled {booking_id}; under the fare rules nothing is refunded."


async def test_cancel_another_orgs_booking_is_not_found(runtime, world):
    held = await invoke(runtime, AVA, "reserve", items=[{"offer_id": HOTEL}])
    with pytest.raises(NotFound):
        await invoke(runtime, GUS, "cancel_booking", booking_id=held["booking_id"])
    with pytest.raises(NotFound):
        await summary(runtime, GUS, "cancel_booking", booking_id=held["booking_id"])


async def question(rt, caller, tool, **args):
    return await get_tool(tool).question(ctx_for(rt, caller), args)


async def test_cancel_and_rebook_questions_name_what_they_change_as_confirm_does(
    runtime, world
):
    """What a yes may name (places, dates, kinds) comes with every gated question about a
    booking, from one reading (``tools.views.named_by``): confirming and cancelling the
    whole booking, moving one flight of it (that flight only)."""
    held = await invoke(
        runtime,
        AVA,
        "reserve",
        items=[{"offer_id": flight_offer_id(world.long_inv["economy"].id)}, {"offer_id": HOTEL}],
    )
    whole = Named(
        places=("JFK", "New York", "LHR", "London"),
        dates=("2026-12-18", "2026-12-20"),
        kinds=("flight", "hotel"),
    )
    asked = {"booking_id": held["booking_id"]}
    assert (await question(runtime, AVA, "confirm_booking", **asked)).named == whole
    assert (await question(runtime, AVA, "cancel_booking", **asked)).named == whole

    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    later = flight_offer_id(await add_flight(runtime, number="119", fare=55000))
    booking = await invoke(runtime, AVA, "get_booking", booking_id=booking_id)
    segment_id = booking["segments"][0]["segment_id"]
    moving = await question(
        runtime, AVA, "rebook", booking_id=booking_id, segment_id=segment_id, offer_id=later
    )
    assert moving.text.startswith("Change BA 117 JFK→LHR Fri 18 Dec 04:00 to BA 119")
    assert moving.named == Named(
        places=("JFK", "New York", "LHR", "London"), dates=("2026-12-18",), kinds=("flight",)
    )


# -- rebook ------------------------------------------------------------------------------


async def test_rebook_quotes_then_changes_the_flight(runtime, world):
    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    later = flight_offer_id(await add_flight(runtime, number="119", fare=55000))
    booking = await invoke(runtime, AVA, "get_booking", booking_id=booking_id)
    segment_id = booking["segments"][0]["segment_id"]
    args = {"booking_id": booking_id, "segment_id": segment_id, "offer_id": later}
    line = await summary(runtime, AVA, "rebook", **args)
    assert line == (
        "Change BA 117 JFK→LHR Fri 18 Dec 04:00 to BA 119 JFK→LHR Fri 18 Dec 08:00, economy, "
        "fare difference -62.40 USD plus 150.00 USD change fee?"
    )
    payments = await count(runtime, Payment)
    out = await invoke(runtime, AVA, "rebook", call="call-rebook", **args)
    assert out["change"]["status"] == "done"
    assert out["change"]["charge"] == {"amount": "87.60", "currency": "USD"}  # 150.00 - 62.40
    assert "87.60 USD charged" in out["message"]
    assert [s["flight"] for s in out["segments"] if s["status"] == "booked"] == ["BA 119"]
    again = await invoke(runtime, AVA, "rebook", call="call-rebook", **args)
    assert again == out
    assert await count(runtime, Payment) == payments + 1


async def test_rebook_a_hold_is_refused_by_the_core(runtime, world):
    held = await invoke(
        runtime, AVA, "reserve", items=[{"offer_id": flight_offer_id(world.long_inv["economy"].id)}]
    )
    later = flight_offer_id(await add_flight(runtime, number="119", fare=55000))
    with pytest.raises(InvalidTransition):
        await invoke(
            runtime,
            AVA,
            "rebook",
            booking_id=held["booking_id"],
            segment_id=held["segments"][0]["segment_id"],
            offer_id=later,
        )


async def test_rebook_another_orgs_booking_is_not_found(runtime, world):
    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    later = flight_offer_id(await add_flight(runtime, number="119", fare=55000))
    args = {"booking_id": booking_id, "segment_id": "SG_X", "offer_id": later}
    with pytest.raises(NotFound):
        await invoke(runtime, GUS, "rebook", **args)
    with pytest.raises(NotFound):
        await summary(runtime, GUS, "rebook", **args)


# -- disruption: get_booking's suggestions, then rebook ----------------------------------


async def cancel_flight(rt, clock, carrier="BA", number="117", day="2026-12-18"):
    import json as _json

    from core.disruption.feed import receive_flight_status, sign

    body = _json.dumps(
        {"carrier": carrier, "number": number, "date": day, "status": "cancelled"}
    ).encode()
    stamp = str(int(clock.now().timestamp()))
    outcome = await receive_flight_status(
        rt, body, timestamp=stamp, signature=sign(rt.settings.flight_webhook_secret, stamp, body)
    )
    assert outcome.status_code < 300, outcome.body


async def test_disrupted_booking_shows_suggestions_and_rebooks_without_fee(runtime, clock, world):
    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    await add_flight(runtime, number="119", fare=61240)
    await cancel_flight(runtime, clock)
    booking = await invoke(runtime, AVA, "get_booking", booking_id=booking_id)
    assert booking["disruption"]["kind"] == "cancelled"
    assert booking["suggestions"], booking
    first = booking["suggestions"][0]
    assert first["option"] == 1
    assert first["offer_id"].startswith("FL-")
    assert 1 <= len(booking["suggestions"]) <= 5
    args = {
        "booking_id": booking_id,
        "segment_id": booking["disruption"]["segment_id"],
        "offer_id": first["offer_id"],
    }
    line = await summary(runtime, AVA, "rebook", **args)
    assert "no change fee (the airline disrupted the flight)" in line
    # Gus (another org) sees nothing of it.
    with pytest.raises(NotFound):
        await invoke(runtime, GUS, "get_booking", booking_id=booking_id)


async def test_a_disrupted_booking_listed_in_the_turn_is_read_again_for_its_suggestions(
    runtime, clock, world
):
    """get_booking after list_trips in one turn answers from the list (issue 15), except
    for a disrupted booking: its rebooking suggestions are read as when asked alone."""
    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    await add_flight(runtime, number="119", fare=61240)
    await cancel_flight(runtime, clock)
    memo: dict = {}
    ctx = ToolContext.for_call(runtime, AVA, thread_id="th-1", tool_call_id="c1", turn_memo=memo)
    await get_tool("list_trips").invoke(ctx, {})
    assert memo, "list_trips leaves its bookings for the turn"
    ctx = ToolContext.for_call(runtime, AVA, thread_id="th-1", tool_call_id="c2", turn_memo=memo)
    booking = await get_tool("get_booking").invoke(ctx, {"booking_id": booking_id})
    assert booking["disruption"]["kind"] == "cancelled"
    assert booking["suggestions"], booking
    assert booking == await invoke(runtime, AVA, "get_booking", booking_id=booking_id)


async def test_rebook_quotes_the_change_fee_outside_the_disruptions_alternatives(
    runtime, clock, world
):
    """The question the traveller says yes to names the fee the core will charge: none for
    a flight the disruption offers, the fare rule's 150.00 for one 80 days later."""
    booking_id = await confirmed(runtime, AVA, (flight_offer_id(world.long_inv["economy"].id), 1))
    near = await add_flight(runtime, number="119", fare=50000, hours_later=4)
    far = await add_flight(runtime, number="121", fare=50000, hours_later=80 * 24)
    await cancel_flight(runtime, clock)
    booking = await invoke(runtime, AVA, "get_booking", booking_id=booking_id)
    segment_id = booking["disruption"]["segment_id"]
    near_line = await summary(
        runtime, AVA, "rebook", booking_id=booking_id, segment_id=segment_id,
        offer_id=flight_offer_id(near),
    )
    far_line = await summary(
        runtime, AVA, "rebook", booking_id=booking_id, segment_id=segment_id,
        offer_id=flight_offer_id(far),
    )
    assert "no change fee (the airline disrupted the flight)" in near_line
    assert "plus 150.00 USD change fee" in far_line, far_line
