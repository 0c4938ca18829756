"""Disruptions: the signed feed, many travellers on one flight, ranking, choosing a suggestion."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, true, update

from core.booking.rebook import rebook_booking
from core.booking.service import ItemRequest, hold_booking
from core.disruption.alternatives import Window, find_alternatives, rank
from core.disruption.feed import receive_flight_status, sign, verify_signature
from core.disruption.suggestions import list_suggestions
from core.errors import ConcurrentUpdate, CoreError, SoldOut, Unauthorized, ValidationFailed
from core.identity import Caller
from core.inventory import holds
from core.models import (
    Booking,
    Disruption,
    FareInventory,
    FeedEvent,
    Flight,
    OutboxEvent,
    Suggestion,
)
from core.policy.rules import acme_default, default_rules
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, GUS, MIA, build_world
from tests.core.changes_world import (
    LONG_DEPART,
    add_flight,
    assert_one_valid_itinerary,
    booking,
    confirmed,
    inventory,
)
from tests.factories import as_json, make_user

SECRET = "dev-flight-webhook-secret"


def _message(status: str = "cancelled", delay: int = 0, number: str = "117") -> bytes:
    return json.dumps(
        {
            "carrier": "BA",
            "number": number,
            "date": LONG_DEPART.date().isoformat(),
            "status": status,
            "delay_minutes": delay,
        }
    ).encode()


async def _post(rt, body: bytes, *, ts: int | None = None, secret: str = SECRET):
    ts = int(rt.clock.now().timestamp()) if ts is None else ts
    return await receive_flight_status(
        rt, body, timestamp=str(ts), signature=sign(secret, ts, body)
    )


async def _count(rt, model, *where):
    async with rt.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


async def _alternatives(rt):
    """Three ways to London instead of BA 117 (economy): ranked by arrival for a green policy."""
    last_seat = await add_flight(rt, number="119", fare=40000, hours_later=4, capacity=1)
    dear = await add_flight(rt, number="121", fare=90000, hours_later=2)
    async with rt.db.uow() as s:
        await s.execute(
            update(FareInventory).where(FareInventory.capacity == 2).values(capacity=20)
        )  # the JFK→BOS hop of the one-stop
    onward = await add_flight(rt, number="243", fare=30000, hours_later=5.5, origin="BOS")
    return last_seat, dear, onward


# -- the feed's door ------------------------------------------------------------------------


def test_signature_checks(clock):
    now = clock.now()
    ts = int(now.timestamp())
    body = _message()
    assert verify_signature(SECRET, str(ts), sign(SECRET, ts, body), body, now=now) == ts
    for timestamp, signature in [
        (str(ts), sign("wrong", ts, body)),
        (str(ts), sign(SECRET, ts, body + b" ")),
        (str(ts - 301), sign(SECRET, ts - 301, body)),
        (str(ts + 301), sign(SECRET, ts + 301, body)),
        ("soon", sign(SECRET, ts, body)),
        (None, sign(SECRET, ts, body)),
        (str(ts), None),
        (str(ts), "sha256=" + "0" * 64),
    ]:
        with pytest.raises(Unauthorized):
            verify_signature(SECRET, timestamp, signature, body, now=now)


async def test_bad_or_stale_signature_stores_nothing(runtime):
    w = await build_world(runtime)
    body = _message()
    ts = int(runtime.clock.now().timestamp())
    with pytest.raises(Unauthorized):
        await receive_flight_status(runtime, body, timestamp=str(ts), signature=sign("x", ts, body))
    with pytest.raises(Unauthorized):
        await _post(runtime, body, ts=ts - 600)
    assert await _count(runtime, FeedEvent) == 0
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(Flight, w.long_haul.id)).status == "scheduled"


async def test_signed_but_malformed_is_a_validation_error(runtime):
    await build_world(runtime)
    with pytest.raises(ValidationFailed):
        await _post(runtime, b'{"carrier": "BA", "status": "landed"}')
    assert await _count(runtime, FeedEvent) == 0


async def test_unknown_flight_is_accepted_and_ignored(runtime):
    await build_world(runtime)
    outcome = await _post(runtime, _message(number="999"))
    assert outcome.status_code == 202
    async with runtime.db.uow(write=False) as s:
        assert (await s.scalar(select(FeedEvent))).outcome == "unknown_flight"


# -- many travellers on a cancelled flight ---------------------------------------------------


async def test_cancelled_flight_with_many_travellers(runtime):
    w = await build_world(runtime)
    _last_seat, _dear, _onward = await _alternatives(runtime)
    async with runtime.db.uow() as s:
        for i in range(4):
            await make_user(s, id=f"t{i}", manager_id="mia")
    travellers = [AVA, MIA, GUS] + [
        Caller(user_id=f"t{i}", org_id="acme", role="traveler", name=f"T{i}") for i in range(4)
    ]
    offer = flight_offer_id(w.long_inv["economy"].id)
    bookings = {c.user_id: await confirmed(runtime, c, (offer, 1)) for c in travellers}
    untouched = await confirmed(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))

    outcome = await _post(runtime, _message())
    assert outcome.status_code == 200
    assert outcome.body["affected_bookings"] == len(travellers)
    for caller in travellers:
        bid = bookings[caller.user_id]
        assert (await booking(runtime, bid)).status == "requires_attention"
        async with runtime.db.uow(write=False) as s:
            listed = as_json(await list_suggestions(s, caller, bid))
        assert listed["disruption"]["kind"] == "cancelled"
        numbers = [sg["summary"].split(" JFK")[0] for sg in listed["suggestions"]]
        # Earliest arrival first (all green): BA 121, BA 119, then the one-stops via Boston
        # (both JetBlue hops reach BA 243; same arrival and price, so by offer id).
        assert numbers == ["BA 121", "BA 119", "B6 1001 + BA 243", "B6 1003 + BA 243"]
        assert listed["suggestions"][2]["stops"] == 1
        # Times on the airports' own clocks, as the trips and the chat show them.
        first = listed["suggestions"][0]
        departs = datetime.fromisoformat(first["depart_at"]).astimezone(ZoneInfo("America/New_York"))
        arrives = datetime.fromisoformat(first["arrive_at"]).astimezone(ZoneInfo("Europe/London"))
        assert f"departs {departs:%a %d %b %H:%M} JFK time" in first["summary"], first["summary"]
        assert f"arrives {arrives:%a %d %b %H:%M} LHR time" in first["summary"], first["summary"]
        assert "UTC" not in first["summary"]
    assert (await booking(runtime, untouched)).status == "confirmed"
    async with runtime.db.uow(write=False) as s:
        events = (
            await s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "disruption.detected"))
        ).all()
    assert len(events) == len(travellers)
    for event in events:
        assert len(event.payload["suggestions"]) == 3
        assert event.payload["notify"] == [
            (await booking(runtime, event.payload["booking_id"])).traveler_id
        ]
        assert "BA 117" in event.payload["message"]
        assert "cancelled" in event.payload["message"]

    # A replay is recognised and changes nothing.
    again = await _post(runtime, _message())
    assert again.body["status"] == "duplicate"
    assert await _count(runtime, Disruption) == len(travellers)
    assert await _count(runtime, Suggestion) == 4 * len(travellers)


async def test_choosing_a_cheaper_suggestion_confirms_at_once_without_a_fee(runtime):
    w = await build_world(runtime)
    last_seat, _, _ = await _alternatives(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    await _post(runtime, _message())
    async with runtime.db.uow(write=False) as s:
        listed = as_json(await list_suggestions(s, AVA, bid))
    choice = next(
        sg for sg in listed["suggestions"] if sg["offer_id"] == flight_offer_id(last_seat)
    )
    assert choice["needs_approval"] is False
    view = as_json(await rebook_booking(runtime, AVA, bid, choice["segment_id"], choice["offer_id"]))
    assert view["status"] == "confirmed"
    [change] = view["changes"]
    assert change["change_fee"]["amount"] == "0.00"  # the airline's doing
    assert change["refund"]["amount"] == "212.40"
    assert "disruption" not in view
    await assert_one_valid_itinerary(runtime, bid)
    async with runtime.db.uow(write=False) as s:
        assert (
            await s.scalar(select(Suggestion).where(Suggestion.offer_id == choice["offer_id"]))
        ).status == "chosen"
        assert (await s.scalar(select(Disruption))).status == "resolved"


async def test_a_dearer_suggestion_goes_to_approval(runtime):
    w = await build_world(runtime)
    _, dear, _ = await _alternatives(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    await _post(runtime, _message())
    [seg_id] = [sg["segment_id"] for sg in (await _listed(runtime, AVA, bid))["suggestions"]][:1]
    view = as_json(await rebook_booking(runtime, AVA, bid, seg_id, flight_offer_id(dear)))
    assert view["status"] == "requires_attention"
    assert view["changes"][0]["status"] == "pending_approval"


async def _listed(rt, caller, bid):
    async with rt.db.uow(write=False) as s:
        return as_json(await list_suggestions(s, caller, bid))


async def test_two_travellers_race_for_the_last_seat(runtime):
    w = await build_world(runtime)
    last_seat, _, _ = await _alternatives(runtime)
    offer = flight_offer_id(w.long_inv["economy"].id)
    ava_bid = await confirmed(runtime, AVA, (offer, 1))
    mia_bid = await confirmed(runtime, MIA, (offer, 1))
    await _post(runtime, _message())
    segs = {
        bid: (await _listed(runtime, c, bid))["suggestions"][0]["segment_id"]
        for c, bid in ((AVA, ava_bid), (MIA, mia_bid))
    }

    async def choose(caller, bid):
        try:
            return as_json(await rebook_booking(runtime, caller, bid, segs[bid], flight_offer_id(last_seat)))
        except CoreError as exc:
            return exc

    results = await asyncio.gather(choose(AVA, ava_bid), choose(MIA, mia_bid))
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if isinstance(r, SoldOut)]
    assert len(won) == 1
    assert len(lost) == 1
    assert won[0]["status"] == "confirmed"
    # The loser hears the next options, without the seat that is gone.
    assert lost[0].extra["suggestions"]
    assert flight_offer_id(last_seat) not in [s["offer_id"] for s in lost[0].extra["suggestions"]]
    assert await inventory(runtime, last_seat) == (0, 1)
    loser = mia_bid if won[0]["booking_id"] == ava_bid else ava_bid
    assert (await booking(runtime, loser)).status == "requires_attention"


@pytest.mark.race
async def test_without_the_conditional_write_the_last_seat_loser_hears_no_options(
    runtime, monkeypatch
):
    """The pair of the race above, with the hold's guard switched off (the
    ``held + sold + n <= capacity`` condition dropped from the real UPDATE): the
    loser is no longer told SOLD_OUT with the next options. Only the table's CHECK
    stops the second seat, and the rebook reports it as a concurrent change."""
    w = await build_world(runtime)
    last_seat, _, _ = await _alternatives(runtime)
    offer = flight_offer_id(w.long_inv["economy"].id)
    ava_bid = await confirmed(runtime, AVA, (offer, 1))
    mia_bid = await confirmed(runtime, MIA, (offer, 1))
    await _post(runtime, _message())
    segs = {
        bid: (await _listed(runtime, c, bid))["suggestions"][0]["segment_id"]
        for c, bid in ((AVA, ava_bid), (MIA, mia_bid))
    }
    monkeypatch.setattr(holds, "fits", lambda table, quantity: true())

    async def choose(caller, bid):
        try:
            return as_json(await rebook_booking(runtime, caller, bid, segs[bid], flight_offer_id(last_seat)))
        except CoreError as exc:
            return exc

    results = await asyncio.gather(choose(AVA, ava_bid), choose(MIA, mia_bid))
    assert sum(isinstance(r, dict) for r in results) == 1
    assert not any(isinstance(r, SoldOut) for r in results), "nobody hears the next options"
    assert any(isinstance(r, ConcurrentUpdate) for r in results)


# -- delays, and each org's own policy -----------------------------------------------------------


async def test_short_delay_only_notifies(runtime):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    outcome = await _post(runtime, _message("delayed", 30))
    assert outcome.body["affected_bookings"] == 1
    assert (await booking(runtime, bid)).status == "confirmed"
    assert await _count(runtime, Disruption) == 0
    async with runtime.db.uow(write=False) as s:
        event = await s.scalar(select(OutboxEvent).where(OutboxEvent.topic == "flight.delayed"))
        assert event.payload["notify"] == ["ava"]
        assert (await s.get(Flight, w.long_haul.id)).delay_minutes == 30


async def test_long_delay_then_cancellation(runtime, clock):
    w = await build_world(runtime)
    await _alternatives(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    await _post(runtime, _message("delayed", 180))
    assert (await booking(runtime, bid)).status == "requires_attention"
    clock.advance(minutes=10)
    await _post(runtime, _message("cancelled"))
    async with runtime.db.uow(write=False) as s:
        [d] = (await s.scalars(select(Disruption))).all()
        assert d.kind == "cancelled"
        assert await s.scalar(select(func.count()).select_from(Suggestion)) == 4


async def test_each_org_ranks_by_its_own_policy(runtime):
    """Business JFK→LHR direct (6 h 55) is green for Acme but amber for Globex (business
    from 9 h); a one-stop with 9 h 15 of flying is green for both."""
    w = await build_world(runtime)
    await add_flight(runtime, number="125", fare=300000, hours_later=1, cabin="business")
    await add_flight(
        runtime,
        number="245",
        fare=250000,
        hours_later=2,
        cabin="business",
        origin="BOS",
        duration=480,
    )  # after B6 1001 JFK→BOS (business)
    async with runtime.db.uow(write=False) as s:
        offers = await find_alternatives(
            s,
            origin="JFK",
            destination="LHR",
            cabin="business",
            passengers=1,
            original_depart=LONG_DEPART,
            avoid_flight_ids=[w.long_haul.id],
            window=Window.of(runtime.settings),
            now=runtime.clock.now(),
        )
    now = runtime.clock.now()
    acme = rank(acme_default(), offers, rest_of_trip=[], now=now)
    globex = rank(default_rules(), offers, rest_of_trip=[], now=now)
    assert [o.segments[0].number for o, _ in acme] == ["125", "1001"]  # earliest arrival
    assert [(o.segments[0].number, v.status) for o, v in globex] == [
        ("1001", "green"),
        ("125", "amber"),
    ]


async def test_held_bookings_on_the_flight_are_left_alone(runtime):
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        held = (
            await hold_booking(
                runtime, s, AVA, [ItemRequest(flight_offer_id(w.long_inv["economy"].id), 1)]
            )
        ).id
    outcome = await _post(runtime, _message())
    assert outcome.body["affected_bookings"] == 0
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(Booking, held)).status == "held"
        assert (await s.get(Flight, w.long_haul.id)).status == "cancelled"


async def test_processing_resumes_when_the_first_delivery_died(runtime, clock):
    w = await build_world(runtime)
    await _alternatives(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    body = _message()
    ts = int(clock.now().timestamp())
    async with runtime.db.uow() as s:  # what a crash right after the first commit leaves
        import hashlib

        s.add(
            FeedEvent(
                body_hash=hashlib.sha256(f"{ts}.".encode() + body).hexdigest(),
                carrier="BA",
                number="117",
                date=LONG_DEPART.date(),
                status="cancelled",
                outcome="received",
                received_at=clock.now(),
            )
        )
    clock.advance(timedelta(seconds=30))
    outcome = await _post(runtime, body, ts=ts)
    assert outcome.body["status"] == "processed"
    assert (await booking(runtime, bid)).status == "requires_attention"
