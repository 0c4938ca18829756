"""The disruption's change-fee waiver covers the alternatives it offers, nothing else
(issue 14, item 3).

A 60-minute delay of BA 117 JFK→LHR (Dec 18 09:00 UTC) disrupts Ava's booking. A new
flight between the same airports or metro areas leaving within the window around the
original departure (``CONCIERGE_DISRUPTION_WINDOW_BEFORE_HOURS`` / ``_AFTER_HOURS``,
6 h before to 30 h after by default) is rebooked without the 150.00 change fee; any
other flight is an ordinary change and pays it.
"""

from __future__ import annotations

import json

import pytest

from core.booking.rebook import rebook_booking
from core.disruption.feed import receive_flight_status, sign
from core.disruption.suggestions import list_suggestions
from core.models import Airport, BookingChange
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, build_world
from tests.core.changes_world import (
    LONG_DEPART,
    add_flight,
    assert_one_valid_itinerary,
    booking,
    confirmed,
    itinerary,
)
from tests.factories import as_json, make_airports

SECRET = "dev-flight-webhook-secret"
FARE = 61240  # BA 117 economy
FEE = 15000  # its change fee


async def _delay_ba117(rt, minutes: int = 60) -> None:
    body = json.dumps(
        {
            "carrier": "BA",
            "number": "117",
            "date": LONG_DEPART.date().isoformat(),
            "status": "delayed",
            "delay_minutes": minutes,
        }
    ).encode()
    ts = int(rt.clock.now().timestamp())
    await receive_flight_status(rt, body, timestamp=str(ts), signature=sign(SECRET, ts, body))


async def _disrupted(rt) -> tuple[str, str]:
    """Ava's confirmed BA 117, delayed 60 minutes: (booking id, its flight segment id)."""
    w = await build_world(rt)
    async with rt.db.uow() as s:
        await make_airports(s, ("ORD",))
        s.add(
            Airport(
                code="LGW",
                name="London Gatwick",
                city="London",
                country="GB",
                region="EU",
                tz="Europe/London",
                lat=51.15,
                lon=-0.19,
            )
        )
    bid = await confirmed(rt, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    await _delay_ba117(rt)
    assert (await booking(rt, bid)).status == "requires_attention"
    [seg] = await itinerary(rt, bid)
    return bid, seg.id


async def _rebook(rt, bid: str, seg_id: str, fare_id: int) -> dict:
    view = as_json(await rebook_booking(rt, AVA, bid, seg_id, flight_offer_id(fare_id)))
    assert view["status"] == "confirmed", view
    [change] = view["changes"]
    assert change["status"] == "done"
    return change


async def test_a_rebook_far_from_the_disruption_pays_the_change_fee(runtime):
    """The issue's case: after the delay, BOS→ORD 80 days later was free and the whole
    saving refunded at once. It is an ordinary change: 150.00 fee, kept from the refund."""
    bid, seg_id = await _disrupted(runtime)
    elsewhere = await add_flight(
        runtime,
        number="1501",
        carrier="B6",
        origin="BOS",
        destination="ORD",
        fare=15000,
        hours_later=80 * 24,
        duration=150,
    )
    change = await _rebook(runtime, bid, seg_id, elsewhere)
    assert change["change_fee"]["amount"] == "150.00"
    assert change["refund"]["amount"] == "312.40"  # 612.40 - 150.00 fare - 150.00 fee
    async with runtime.db.uow(write=False) as s:
        row = await s.get(BookingChange, change["change_id"])
        assert row.reason is None  # the traveller's choice, not the airline's
    await assert_one_valid_itinerary(runtime, bid)


@pytest.mark.parametrize(
    ("label", "origin", "destination", "hours_later", "waived"),
    [
        ("same airports, 4 h later", "JFK", "LHR", 4, True),
        ("same airports, 5 h earlier", "JFK", "LHR", -5, True),
        ("same airports, 30 h later (the window's edge)", "JFK", "LHR", 30, True),
        ("the other London airport", "JFK", "LGW", 4, True),
        ("same airports, 31 h later", "JFK", "LHR", 31, False),
        ("same airports, 7 h earlier", "JFK", "LHR", -7, False),
        ("same airports, 80 days later", "JFK", "LHR", 80 * 24, False),
        ("another destination, same time", "JFK", "BOS", 4, False),
        ("another origin, same time", "BOS", "LHR", 4, False),
    ],
)
async def test_the_waiver_covers_same_places_and_nearby_times(
    runtime, label, origin, destination, hours_later, waived
):
    bid, seg_id = await _disrupted(runtime)
    new = await add_flight(
        runtime,
        number="901",
        origin=origin,
        destination=destination,
        fare=50000,
        hours_later=hours_later,
    )
    change = await _rebook(runtime, bid, seg_id, new)
    assert change["change_fee"]["amount"] == ("0.00" if waived else "150.00"), label
    assert change["refund"]["amount"] == ("112.40" if waived else "0.00"), label
    assert change["charge"]["amount"] == ("0.00" if waived else "37.60"), label


async def test_the_window_is_a_setting(runtime):
    runtime.settings.disruption_window_after_hours = 48
    bid, seg_id = await _disrupted(runtime)
    new = await add_flight(runtime, number="901", fare=50000, hours_later=40)
    change = await _rebook(runtime, bid, seg_id, new)
    assert change["change_fee"]["amount"] == "0.00"


async def test_the_suggestions_follow_the_window(runtime):
    """What the disruption offers and what it waives are one rule: a narrower window
    suggests fewer flights."""
    runtime.settings.disruption_window_after_hours = 3
    bid, _ = await _disrupted(runtime)
    near = await add_flight(runtime, number="119", fare=50000, hours_later=2)
    await add_flight(runtime, number="121", fare=50000, hours_later=5)
    await _delay_ba117(runtime, 240)  # news again: the suggestions are worked out anew
    async with runtime.db.uow(write=False) as s:
        listed = as_json(await list_suggestions(s, AVA, bid))
    assert [sg["offer_id"] for sg in listed["suggestions"]] == [flight_offer_id(near)]
