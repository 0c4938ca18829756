from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from core.booking import states
from core.booking.keys import authorize_key, capture_key
from core.booking.saga import (
    SimulatedCrash,
    _finish,
    _record_payment,
    complete_stuck_sagas,
    confirm_booking,
)
from core.booking.service import get_booking, hold_booking, list_bookings
from core.booking.views import booking_view
from core.errors import (
    HoldExpired,
    InvalidTransition,
    NotFound,
    PaymentDeclined,
    PolicyBlocked,
    SoldOut,
    SupplierRejected,
    SupplierUnavailable,
    ValidationFailed,
)
from core.inventory.holds import release_expired_holds, sold_units
from core.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Hold,
    OutboxEvent,
    Payment,
    ReviewItem,
    Segment,
    SupplierReservation,
)
from core.search.offers import flight_offer_id, hotel_offer_id
from tests.conftest import supplier_times_out
from tests.core.booking_world import AVA, GUS, MIA, build_world
from tests.factories import make_hotel, named_item


async def hold(rt, caller, *items, traveler_id=None):
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, caller, [named_item(o, q) for o, q in items],
                                     traveler_id=traveler_id)
        return booking.id


async def count(rt, model):
    async with rt.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(model))


async def status_of(rt, booking_id):
    async with rt.db.uow(write=False) as s:
        return (await s.get(Booking, booking_id)).status


async def test_hold_takes_seats_and_returns_the_contract_view(runtime):
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 2))
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", w.long_inv["economy"].id) == (150, 2, 0)
        view = (await booking_view(s, await get_booking(s, AVA, bid))).model_dump(mode="json")
    assert view["status"] == "held"
    assert view["booking_id"].startswith("BK-")
    assert view["total"] == {"amount": "1224.80", "currency": "USD"}
    seg = view["segments"][0]
    assert (seg["kind"], seg["carrier"], seg["number"], seg["origin"], seg["destination"]) == (
        "flight", "BA", "117", "JFK", "LHR")
    assert seg["quantity"] == 2
    assert view["hold_expires_at"].endswith("Z")


async def test_sold_out_writes_nothing(runtime):
    w = await build_world(runtime)
    with pytest.raises(SoldOut):
        await hold(runtime, AVA, (flight_offer_id(w.tiny_inv["economy"].id), 3))
    assert await count(runtime, Booking) == 0
    assert await count(runtime, Hold) == 0


async def test_flight_and_hotel_are_all_or_nothing(runtime):
    w = await build_world(runtime)
    hotel_offer = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 21))
    await hold(runtime, MIA, (hotel_offer, 1))  # takes the only room
    flight_offer = flight_offer_id(w.long_inv["economy"].id)
    with pytest.raises(SoldOut):
        await hold(runtime, AVA, (flight_offer, 1), (hotel_offer, 1))
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", w.long_inv["economy"].id) == (150, 0, 0)


async def test_expired_hold_never_blocks_a_new_one(runtime, clock):
    w = await build_world(runtime)
    offer = flight_offer_id(w.tiny_inv["economy"].id)
    first = await hold(runtime, AVA, (offer, 2))
    with pytest.raises(SoldOut):
        await hold(runtime, MIA, (offer, 1))
    clock.advance(seconds=runtime.settings.hold_ttl_seconds + 1)
    second = await hold(runtime, MIA, (offer, 2))
    assert await status_of(runtime, first) == "expired"
    assert await status_of(runtime, second) == "held"
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", w.tiny_inv["economy"].id) == (2, 2, 0)


async def test_sweeper_releases_expired_holds(runtime, clock):
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 3))
    clock.advance(minutes=20)
    async with runtime.db.uow() as s:
        assert await release_expired_holds(s, now=clock.now()) == 1
    assert await status_of(runtime, bid) == "expired"
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", w.short_inv["economy"].id) == (100, 0, 0)


async def test_expiry_moves_the_booking_through_the_state_table(runtime, clock, monkeypatch):
    """The hold path expires a booking with the state machine's move, not its own UPDATE:
    take HELD → EXPIRED out of the one table and the sweeper refuses the move."""
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))
    clock.advance(minutes=20)
    table = dict(states.ALLOWED_MOVES)
    table[BookingStatus.HELD] = table[BookingStatus.HELD] - {BookingStatus.EXPIRED}
    monkeypatch.setattr(states, "ALLOWED_MOVES", table)
    with pytest.raises(InvalidTransition):
        async with runtime.db.uow() as s:
            await release_expired_holds(s, now=clock.now())
    assert await status_of(runtime, bid) == "held"


async def test_red_policy_cannot_be_held(runtime):
    w = await build_world(runtime)
    with pytest.raises(PolicyBlocked):
        await hold(runtime, AVA, (flight_offer_id(w.long_inv["first"].id), 1))
    assert await count(runtime, Hold) == 0


@pytest.mark.parametrize("bad", ["FL-abc", "XX-1", "", "HT-LON01-20261222-20261218", "FL-1-2-3"])
async def test_malformed_offer_ids_are_validation_errors(runtime, bad):
    await build_world(runtime)
    with pytest.raises(ValidationFailed):
        await hold(runtime, AVA, (bad, 1))


async def test_a_stay_that_started_yesterday_in_the_hotels_city_cannot_be_held(runtime, clock):
    """'In the past' is the hotel's own date, not UTC with a day of slack (issue 14, item 6)."""
    await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_hotel(s, id="LON02", first_night=date(2026, 11, 28), nights=10)
        await make_hotel(s, id="NYC01", city="New York", airport_code="JFK",
                         first_night=date(2026, 11, 28), nights=10)
    # 03:00 UTC on 1 December: already 1 December in London, still 30 November in New York.
    clock.set(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    started_yesterday = hotel_offer_id("LON02", date(2026, 11, 30), date(2026, 12, 2))
    with pytest.raises(ValidationFailed, match="in the past"):
        await hold(runtime, AVA, (started_yesterday, 1))
    tonight_in_new_york = hotel_offer_id("NYC01", date(2026, 11, 30), date(2026, 12, 2))
    assert await hold(runtime, AVA, (tonight_in_new_york, 1))
    # 23:30 UTC: 1 December ends in London, 2 December has begun nowhere near New York.
    clock.set(datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert await hold(runtime, AVA, (hotel_offer_id("LON02", date(2026, 12, 1), date(2026, 12, 3)), 1))


async def test_unknown_offer_is_not_found(runtime):
    await build_world(runtime)
    with pytest.raises(NotFound):
        await hold(runtime, AVA, ("FL-999999", 1))


async def test_other_org_sees_nothing(runtime):
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))
    async with runtime.db.uow(write=False) as s:
        with pytest.raises(NotFound):
            await get_booking(s, GUS, bid)
        bookings, _ = await list_bookings(s, GUS)
        assert bookings == []
        mine, _ = await list_bookings(s, MIA)  # manager sees her report's booking
        assert [b.id for b in mine] == [bid]
    with pytest.raises(NotFound):
        await confirm_booking(runtime, GUS, bid)
    with pytest.raises(NotFound):
        await hold(runtime, GUS, (flight_offer_id(w.short_inv["economy"].id), 1), traveler_id="ava")


async def test_list_is_newest_first_and_paginated(runtime, clock):
    w = await build_world(runtime)
    ids = []
    for _ in range(5):
        ids.append(await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1)))
        clock.advance(seconds=1)
    async with runtime.db.uow(write=False) as s:
        page1, cursor = await list_bookings(s, AVA, limit=3)
        page2, end = await list_bookings(s, AVA, limit=3, cursor=cursor)
    assert [b.id for b in page1 + page2] == ids[::-1]
    assert end is None


async def test_confirm_green_books_pays_and_sells(runtime):
    w = await build_world(runtime)
    inv = w.long_inv["economy"].id
    bid = await hold(runtime, AVA, (flight_offer_id(inv), 1))
    view = await confirm_booking(runtime, AVA, bid)
    assert view.status == "confirmed"
    assert len(view.segments[0].locator) == 6
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", inv) == (150, 0, 1)
        payment = await s.scalar(select(Payment).where(Payment.booking_id == bid))
        assert payment.status == "captured"
        assert payment.captured_minor == 61240
    # Confirming again is harmless: same booking, no second charge.
    again = await confirm_booking(runtime, AVA, bid)
    assert again.status == "confirmed"
    assert await count(runtime, Payment) == 1
    # The saga's answer is built from what it read and wrote (issue 15), the second one
    # read back: the same booking.
    assert again == view


async def test_a_confirmed_booking_answers_as_it_reads_back(runtime):
    """Two seats named (guests, their e-tickets) and a hotel: the view the saga builds from
    its memory is the view read back afterwards."""
    w = await build_world(runtime)
    bid = await hold(
        runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 2),
        (hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 19)), 1),
    )
    view = await confirm_booking(runtime, AVA, bid)
    assert view.status == "confirmed", view
    flight = view.segments[0]
    assert flight.kind == "flight"
    assert len(flight.passengers) == 2
    assert all(p.ticket_number for p in flight.passengers)
    assert len(view.segments) == 2
    assert all(s.locator for s in view.segments)
    async with runtime.db.uow(write=False) as s:
        read = await booking_view(s, await s.get(Booking, bid))
    assert read == view


async def test_a_saga_finished_already_is_not_finished_twice(runtime):
    """The saga's last transaction moves the booking without reading it first (issue 15:
    ``states.move_among``, guarded by the saga being under way): run again after another
    run confirmed it, it answers None and its writes are rolled back — no second
    ``booking.confirmed`` event or audit line, the seat sold once."""
    w = await build_world(runtime)
    inv = w.long_inv["economy"].id
    bid = await hold(runtime, AVA, (flight_offer_id(inv), 1))
    assert (await confirm_booking(runtime, AVA, bid)).status == "confirmed"
    async with runtime.db.uow(write=False) as s:
        payment = await s.scalar(select(Payment).where(Payment.booking_id == bid))
        before = await s.get(Booking, bid)
        version = before.version
    captured = await runtime.payments.capture(payment.provider_ref, idempotency_key=capture_key(bid))
    assert await _finish(runtime, bid, captured, None) is None
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", inv) == (150, 0, 1)
        assert (await s.get(Booking, bid)).version == version
        events = await s.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.topic == "booking.confirmed")
        )
        audits = await s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "booking.confirmed")
        )
    assert (events, audits) == (1, 1)


async def test_confirm_amber_waits_for_approval(runtime):
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.short_inv["business"].id), 1))
    view = await confirm_booking(runtime, AVA, bid)
    assert view.status == "pending_approval"
    assert "manager" in view.policy["approvals_required"]
    assert await count(runtime, Payment) == 0


async def test_hold_expired_at_confirmation(runtime, clock):
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))
    clock.advance(minutes=16)
    with pytest.raises(HoldExpired):
        await confirm_booking(runtime, AVA, bid)
    assert await status_of(runtime, bid) == "expired"


async def test_declined_card_fails_cleanly(runtime):
    w = await build_world(runtime, card="4000000000009995")
    inv = w.short_inv["economy"].id
    bid = await hold(runtime, AVA, (flight_offer_id(inv), 1))
    with pytest.raises(PaymentDeclined):
        await confirm_booking(runtime, AVA, bid)
    assert await status_of(runtime, bid) == "failed"
    assert await count(runtime, SupplierReservation) == 0
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", inv) == (100, 0, 0)


async def test_supplier_rejection_voids_and_releases(runtime):
    w = await build_world(runtime)
    inv = w.short_inv["economy"].id
    bid = await hold(runtime, AVA, (flight_offer_id(inv), 1))
    runtime.supplier_for("flight").faults.set(mode="4xx", rate=1.0)
    with pytest.raises(SupplierRejected):
        await confirm_booking(runtime, AVA, bid)
    assert await status_of(runtime, bid) == "failed"
    async with runtime.db.uow(write=False) as s:
        payment = await s.scalar(select(Payment).where(Payment.booking_id == bid))
        assert payment.status == "voided"
        assert await sold_units(s, "fare", inv) == (100, 0, 0)


async def test_supplier_outage_is_503_and_compensated(runtime):
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))
    runtime.supplier_for("flight").faults.set(mode="5xx", rate=1.0)
    with pytest.raises(SupplierUnavailable):
        await confirm_booking(runtime, AVA, bid)
    async with runtime.db.uow(write=False) as s:
        payment = await s.scalar(select(Payment).where(Payment.booking_id == bid))
        assert payment.status == "voided"


async def test_supplier_timeout_goes_to_review_then_completer_finishes(runtime, clock):
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))
    with supplier_times_out(runtime):
        view = await confirm_booking(runtime, AVA, bid)
    assert view.status == "pending_confirmation"
    assert await count(runtime, ReviewItem) == 1
    clock.advance(minutes=5)
    assert await complete_stuck_sagas(runtime) == 1
    assert await status_of(runtime, bid) == "confirmed"
    async with runtime.db.uow(write=False) as s:
        item = await s.scalar(select(ReviewItem))
        assert item.resolved_at is not None


CRASH_POINTS = ["after_start", "after_authorize_call", "after_authorized", "after_supplier_call",
                "after_capture_call"]


@pytest.mark.parametrize("step_moved", [False, True])
async def test_an_authorization_is_recorded_once_whoever_moved_the_step(runtime, step_moved):
    """The saga's record of its authorization (on PostgreSQL one statement: the payment a
    CTE of the step's UPDATE, issue 15) keeps one payment row per key and moves the step
    at most once, whether it runs again after itself or after another run moved the step
    first (then its INSERT is committed alone, and the fallback answers the same ref)."""
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    runtime.extras["crash_at"] = "after_start"
    with pytest.raises(SimulatedCrash):
        await confirm_booking(runtime, AVA, bid)
    runtime.extras.pop("crash_at", None)
    async with runtime.db.uow() as s:
        booking = await s.get(Booking, bid)
        assert (booking.status, booking.saga_step) == ("confirming", "started")
        if step_moved:
            booking.saga_step = "authorized"
    auth = await runtime.payments.authorize(
        amount_minor=61240, currency="USD", payment_method="4242424242424242",
        idempotency_key=authorize_key(bid),
    )
    first = await _record_payment(runtime, bid, auth, org_id="acme")
    again = await _record_payment(runtime, bid, auth, org_id="acme")
    assert first == again == auth.ref
    async with runtime.db.uow(write=False) as s:
        payments = (await s.scalars(select(Payment))).all()
        booking = await s.get(Booking, bid)
    assert [p.provider_ref for p in payments] == [auth.ref]
    assert booking.saga_step == "authorized"
    assert booking.payment_id == (None if step_moved else payments[0].id)


@pytest.mark.parametrize("point", CRASH_POINTS)
async def test_crash_at_each_recovery_point_then_completer(runtime, clock, point):
    from core.booking.saga import SimulatedCrash

    w = await build_world(runtime)
    hotel_offer = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20))
    bid = await hold(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1), (hotel_offer, 1))
    runtime.extras["crash_at"] = point
    with pytest.raises(SimulatedCrash):
        await confirm_booking(runtime, AVA, bid)
    clock.advance(minutes=2)
    await complete_stuck_sagas(runtime)
    assert await status_of(runtime, bid) == "confirmed"
    async with runtime.db.uow(write=False) as s:
        payments = (await s.scalars(select(Payment))).all()
        assert len(payments) == 1
        assert payments[0].status == "captured"
        reservations = (await s.scalars(select(SupplierReservation))).all()
        assert len(reservations) == 2  # one locator per segment, never two
        segs = (await s.scalars(select(Segment).where(Segment.booking_id == bid))).all()
        assert {seg.locator for seg in segs} == {r.locator for r in reservations}
    gateway = runtime.payments
    found = await gateway.find_by_idempotency_key(f"booking:{bid}:authorize")
    assert found is not None
    assert found.amount_captured == 61240 + 2 * 22000


async def test_quantity_bounds(runtime):
    w = await build_world(runtime)
    for qty in (0, 10, 10_000):
        with pytest.raises(ValidationFailed):
            await hold(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), qty))


async def test_hold_for_a_report_and_not_for_a_stranger(runtime):
    w = await build_world(runtime)
    bid = await hold(runtime, MIA, (flight_offer_id(w.short_inv["economy"].id), 1), traveler_id="ava")
    async with runtime.db.uow(write=False) as s:
        assert (await get_booking(s, AVA, bid)).traveler_id == "ava"
    with pytest.raises(NotFound):
        await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1), traveler_id="mia")




# ---------------------------------------------------------------- a hold that replaces another


async def replace(rt, caller, old, *items, traveler_id=None):
    async with rt.db.uow() as s:
        booking = await hold_booking(
            rt, s, caller, [named_item(o, q) for o, q in items], traveler_id=traveler_id,
            replaces=old,
        )
        return booking.id


async def test_a_replacing_hold_gives_the_old_one_back_in_the_same_step(runtime):
    w = await build_world(runtime)
    first = await hold(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))
    second = await replace(runtime, AVA, first, (flight_offer_id(w.long_inv["economy"].id), 1))
    assert (await status_of(runtime, first), await status_of(runtime, second)) == (
        "cancelled", "held")
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", w.short_inv["economy"].id) == (100, 0, 0)
        assert await sold_units(s, "fare", w.long_inv["economy"].id) == (150, 1, 0)
        assert (await s.get(Booking, first)).failure_reason == f"Replaced by {second}"


async def test_more_seats_on_the_same_flight_need_only_the_difference(runtime):
    """The tiny flight has 2 seats: holding 2 beside the 1 held would be sold out, but
    a hold replacing it gives that seat back first."""
    w = await build_world(runtime)
    offer = flight_offer_id(w.tiny_inv["economy"].id)
    first = await hold(runtime, AVA, (offer, 1))
    second = await replace(runtime, AVA, first, (offer, 2))
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", w.tiny_inv["economy"].id) == (2, 2, 0)
        active = (await s.scalars(select(Hold).where(Hold.status == "active"))).all()
        assert [(h.booking_id, h.quantity) for h in active] == [(second, 2)]


async def test_a_replacing_hold_that_fails_leaves_the_old_one_held(runtime):
    w = await build_world(runtime)
    offer = flight_offer_id(w.tiny_inv["economy"].id)
    first = await hold(runtime, AVA, (offer, 1))
    with pytest.raises(SoldOut):
        await replace(runtime, AVA, first, (offer, 3))
    assert await status_of(runtime, first) == "held"
    async with runtime.db.uow(write=False) as s:
        assert await sold_units(s, "fare", w.tiny_inv["economy"].id) == (2, 1, 0)
    assert await count(runtime, Booking) == 1


async def test_only_a_live_hold_of_the_same_traveller_is_replaced(runtime, clock):
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    booked = await hold(runtime, AVA, (offer, 1))
    await confirm_booking(runtime, AVA, booked)
    with pytest.raises(InvalidTransition):
        await replace(runtime, AVA, booked, (offer, 1))  # paid: cancel or rebook it
    for_ava = await hold(runtime, MIA, (offer, 1), traveler_id="ava")
    with pytest.raises(ValidationFailed):
        await replace(runtime, MIA, for_ava, (offer, 1))  # Mia's own hold does not replace Ava's
    with pytest.raises(NotFound):
        await replace(runtime, GUS, for_ava, (offer, 1))
    stale = await hold(runtime, AVA, (offer, 1))
    clock.advance(seconds=runtime.settings.hold_ttl_seconds + 1)
    async with runtime.db.uow() as s:
        await release_expired_holds(s, now=clock.now())
    fresh = await replace(runtime, AVA, stale, (offer, 1))  # expired: nothing to give back
    assert (await status_of(runtime, stale), await status_of(runtime, fresh)) == (
        "expired", "held")
