"""Cancel and refund: every fare rule, unpaid bookings, crashes, races."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.booking import cancel as cancel_module
from core.booking import states
from core.booking.cancel import cancel_booking
from core.booking.changes import SimulatedCrash
from core.booking.rebook import complete_stuck_changes
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.catalogue.fares import FareBreakdown
from core.errors import ConcurrentUpdate, CoreError, InvalidTransition, NotFound
from core.models import (
    Booking,
    BookingChange,
    Flight,
    GatewayRefund,
    OutboxEvent,
    Payment,
    Refund,
    ReviewItem,
    Segment,
    SupplierReservation,
)
from core.search.offers import flight_offer_id, hotel_offer_id
from tests.core.booking_world import AVA, GUS, MIA, build_world
from tests.core.changes_world import add_flight, confirmed, inventory, live_reservations, paid
from tests.factories import as_json, named_item

FARE = 61240


async def _count(rt, model, *where):
    async with rt.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


async def test_within_24_hours_everything_comes_back(runtime, clock):
    w = await build_world(runtime)
    inv = w.long_inv["economy"].id
    bid = await confirmed(runtime, AVA, (flight_offer_id(inv), 1))
    clock.advance(hours=23)
    view = as_json(await cancel_booking(runtime, AVA, bid, reason="trip moved"))
    assert view["status"] == "cancelled"
    assert view["refund"]["amount"] == "612.40"
    assert view["refund"]["status"] == "refunded"
    assert view["changes"][0]["refund_rule"] == "within_24_hours"
    assert await inventory(runtime, inv) == (0, 0)
    assert await live_reservations(runtime, bid) == []
    assert await paid(runtime, bid) == 0
    async with runtime.db.uow(write=False) as s:
        refund = await s.scalar(select(Refund))
        assert refund.idempotency_key == f"booking:{bid}:refund"
        event = await s.scalar(select(OutboxEvent).where(OutboxEvent.topic == "booking.cancelled"))
        assert event.payload["notify"] == ["ava"]
        assert "612.40 USD will be refunded" in event.payload["message"]


async def test_non_refundable_fare_is_kept_after_24_hours(runtime, clock):
    w = await build_world(runtime)
    inv = w.long_inv["economy"].id
    bid = await confirmed(runtime, AVA, (flight_offer_id(inv), 1))
    clock.advance(days=2)
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["status"] == "cancelled"
    assert "refund" not in view  # nothing is owed
    assert view["changes"][0]["refund_rule"] == "non_refundable_kept"
    assert await paid(runtime, bid) == FARE
    # The seat and the supplier reservation are given back all the same.
    assert await inventory(runtime, inv) == (0, 0)
    assert await live_reservations(runtime, bid) == []
    assert await _count(runtime, GatewayRefund) == 0


async def test_refundable_fare_comes_back(runtime, clock):
    await build_world(runtime)
    inv = await add_flight(runtime, number="177", fare=80000, refundable=True)
    bid = await confirmed(runtime, AVA, (flight_offer_id(inv), 1))
    clock.advance(days=3)
    view = as_json(await cancel_booking(runtime, AVA, bid))
    fare = view["refund"].pop("fare")  # what comes back, part by part: the fare as sold
    assert view["refund"] == {
        "amount": "800.00",
        "currency": "USD",
        "due": {"amount": "800.00", "currency": "USD"},
        "status": "refunded",
    }
    assert fare == view["segments"][0]["fare"]
    assert fare["total"] == view["refund"]["due"]
    assert view["changes"][0]["refund_rule"] == "refundable_fare"
    assert await paid(runtime, bid) == 0


async def test_airline_cancelled_flight_is_refunded_in_full(runtime, clock):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    clock.advance(days=3)
    async with runtime.db.uow() as s:
        await s.execute(
            update(Flight).where(Flight.id == w.long_haul.id).values(status="cancelled")
        )
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["changes"][0]["refund_rule"] == "airline_cancelled"
    assert view["refund"]["amount"] == "612.40"
    assert await paid(runtime, bid) == 0


async def test_hotel_refundable_until_check_in_flight_kept(runtime, clock):
    w = await build_world(runtime)
    hotel = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20))
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1), (hotel, 1))
    clock.advance(days=3)
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["changes"][0]["refund_rule"] == "partial_non_refundable_kept"
    assert view["refund"]["amount"] == "440.00"  # two nights at 220; the flight is kept
    assert await paid(runtime, bid) == FARE


async def test_hotel_after_check_in_is_kept(runtime, clock):
    await build_world(runtime)
    hotel = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20))
    bid = await confirmed(runtime, AVA, (hotel, 1))
    clock.set(clock.now().replace(day=18, hour=12))
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["changes"][0]["refund_rule"] == "non_refundable_kept"
    assert await paid(runtime, bid) == 44000


async def test_cancel_a_held_booking_releases_the_seats(runtime):
    w = await build_world(runtime)
    inv = w.short_inv["economy"].id
    async with runtime.db.uow() as s:
        bid = (await hold_booking(runtime, s, AVA, [named_item(flight_offer_id(inv), 2)])).id
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["status"] == "cancelled"
    assert await inventory(runtime, inv) == (0, 0)
    assert "refund" not in view
    # Cancelling again is harmless.
    assert as_json(await cancel_booking(runtime, AVA, bid))["status"] == "cancelled"


async def test_cancel_pending_approval_releases_the_seats(runtime):
    w = await build_world(runtime)
    inv = w.short_inv["business"].id  # amber: needs the manager
    async with runtime.db.uow() as s:
        bid = (await hold_booking(runtime, s, AVA, [ItemRequest(flight_offer_id(inv), 1)])).id
    assert as_json(await confirm_booking(runtime, AVA, bid))["status"] == "pending_approval"
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["status"] == "cancelled"
    assert await inventory(runtime, inv) == (0, 0)
    assert await _count(runtime, Payment) == 0


async def test_another_org_gets_not_found(runtime):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    with pytest.raises(NotFound):
        await cancel_booking(runtime, GUS, bid)
    assert as_json(await cancel_booking(runtime, MIA, bid))["status"] == "cancelled"  # her report


async def test_crash_after_the_decision_is_finished_by_the_completer(runtime, clock):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    runtime.extras["crash_at"] = "after_cancel_decided"
    with pytest.raises(SimulatedCrash):
        await cancel_booking(runtime, AVA, bid)
    assert (await live_reservations(runtime, bid)) != []
    clock.advance(minutes=2)
    assert await complete_stuck_changes(runtime) == 1
    assert await live_reservations(runtime, bid) == []
    assert await paid(runtime, bid) == 0
    assert await _count(runtime, BookingChange, BookingChange.status == "done") == 1


@pytest.mark.parametrize("point", ["after_supplier_cancel_call", "after_refund_call"])
async def test_crash_in_the_outside_calls_never_refunds_twice(runtime, clock, point):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    runtime.extras["crash_at"] = point
    with pytest.raises(SimulatedCrash):
        await cancel_booking(runtime, AVA, bid)
    clock.advance(minutes=2)
    await complete_stuck_changes(runtime)
    assert await paid(runtime, bid) == 0
    assert await _count(runtime, GatewayRefund) == 1
    assert await _count(runtime, SupplierReservation, SupplierReservation.status == "booked") == 0


async def test_supplier_outage_leaves_the_cancel_for_the_completer(runtime, clock):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    faults = runtime.supplier_for("flight").faults
    faults.set(mode="5xx", rate=1.0)
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["status"] == "cancelled"
    assert view["refund"]["status"] == "pending"  # the refund waits for the supplier
    faults.set(mode="none")
    clock.advance(minutes=2)
    assert await complete_stuck_changes(runtime) == 1
    assert await paid(runtime, bid) == 0
    assert await live_reservations(runtime, bid) == []


async def test_supplier_rejection_goes_to_review_and_still_refunds(runtime, clock):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    runtime.supplier_for("flight").faults.set(mode="4xx", rate=1.0)
    view = as_json(await cancel_booking(runtime, AVA, bid))
    assert view["refund"]["status"] == "refunded"
    assert await _count(runtime, ReviewItem, ReviewItem.reason == "supplier_cancel_rejected") == 1


async def test_confirming_bookings_cannot_be_cancelled(runtime):
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        bid = (
            await hold_booking(
                runtime, s, AVA, [ItemRequest(flight_offer_id(w.short_inv["economy"].id), 1)]
            )
        ).id
        await s.execute(update(Booking).where(Booking.id == bid).values(status="confirming"))
    with pytest.raises(InvalidTransition):
        await cancel_booking(runtime, AVA, bid)


# -- race pair: two cancels of one paid booking ----------------------------------------------


def _read_before_the_first_cancel_committed(monkeypatch) -> None:
    """The cancel's read of the booking sees it still ``confirmed``, as when two clicks
    read before either commits (PostgreSQL, READ COMMITTED; SQLite serializes them)."""
    real = cancel_module.load_visible_booking

    async def stale(session, caller, booking_id, **kwargs):
        booking = await real(session, caller, booking_id, **kwargs)
        set_committed_value(booking, "status", "confirmed")
        return booking

    monkeypatch.setattr(cancel_module, "load_visible_booking", stale)


@pytest.mark.race
async def test_a_second_cancel_that_read_confirmed_loses_on_the_conditional_move(
    runtime, monkeypatch
):
    """The guard: the move to cancelled is conditional on the status read
    (``states.move``); a second cancel that read ``confirmed`` before the first one
    committed is refused, and the booking is refunded once."""
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    await cancel_booking(runtime, AVA, bid)
    _read_before_the_first_cancel_committed(monkeypatch)
    with pytest.raises(ConcurrentUpdate, match="no longer confirmed") as refused:
        await cancel_booking(runtime, AVA, bid)
    assert refused.value.__cause__ is None  # the state machine refused it, nothing below
    assert await _count(runtime, GatewayRefund) == 1
    assert await _count(runtime, BookingChange) == 1


@pytest.mark.race
async def test_without_the_conditional_move_a_second_cancel_gets_past_the_state_machine(
    runtime, monkeypatch
):
    """The same lost race with the real guard switched off (``WHERE status = :expected``
    dropped from ``states.move``): the second cancel moves the booking again and decides
    a second cancellation; only the outbox's unique event key stops it, as a database
    error, not the state machine."""
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    await cancel_booking(runtime, AVA, bid)
    _read_before_the_first_cancel_committed(monkeypatch)
    monkeypatch.setattr(states, "_still", lambda expected: true())
    with pytest.raises(ConcurrentUpdate) as stopped:
        await cancel_booking(runtime, AVA, bid)
    assert isinstance(stopped.value.__cause__, IntegrityError)
    assert "outbox" in str(stopped.value.__cause__)


@pytest.mark.race
async def test_double_cancel_refunds_once(runtime):
    w = await build_world(runtime)
    inv = w.long_inv["economy"].id
    bid = await confirmed(runtime, AVA, (flight_offer_id(inv), 1))

    async def click():
        try:
            return as_json(await cancel_booking(runtime, AVA, bid))["status"]
        except CoreError as exc:
            return exc.code

    results = await asyncio.gather(*(click() for _ in range(4)))
    assert "cancelled" in results
    assert set(results) <= {"cancelled", "INVALID_TRANSITION"}
    assert await _count(runtime, GatewayRefund) == 1
    assert await _count(runtime, BookingChange) == 1
    assert await paid(runtime, bid) == 0
    assert await inventory(runtime, inv) == (0, 0)


async def test_cancel_after_a_day_then_again_is_a_no_op(runtime, clock):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    clock.advance(timedelta(days=1, minutes=1))
    first = as_json(await cancel_booking(runtime, AVA, bid))
    second = as_json(await cancel_booking(runtime, AVA, bid))
    assert first["changes"] == second["changes"]
    assert await _count(runtime, BookingChange) == 1


async def test_cancel_drops_a_rebook_waiting_for_approval(runtime, clock):
    from core.booking.rebook import rebook_booking
    from tests.core.changes_world import itinerary

    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    dearer = await add_flight(runtime, number="121", fare=90000)
    [seg] = await itinerary(runtime, bid)
    view = as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(dearer)))
    assert view["change"]["status"] == "pending_approval"
    assert await inventory(runtime, dearer) == (1, 0)
    cancelled = as_json(await cancel_booking(runtime, AVA, bid))
    assert cancelled["status"] == "cancelled"
    assert await inventory(runtime, dearer) == (0, 0)
    assert await inventory(runtime, w.long_inv["economy"].id) == (0, 0)
    assert sorted((c["kind"], c["status"]) for c in cancelled["changes"]) == [
        ("cancel", "done"), ("rebook", "failed")]


async def _refund_fare(rt, booking_id):
    async with rt.db.uow(write=False) as s:
        change = await s.scalar(select(BookingChange).where(BookingChange.booking_id == booking_id))
        segments = (
            await s.scalars(
                select(Segment).where(Segment.booking_id == booking_id).order_by(Segment.position)
            )
        ).all()
        return FareBreakdown.from_stored(change.refund_fare), [
            FareBreakdown.from_stored(seg.fare) for seg in segments
        ]


async def test_a_refund_is_made_of_the_refunded_segments_fares(runtime, clock):
    w = await build_world(runtime)
    hotel = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20))
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1), (hotel, 1))
    clock.advance(days=3)
    await cancel_booking(runtime, AVA, bid)
    refund, (_flight_fare, hotel_fare) = await _refund_fare(runtime, bid)
    # The non-refundable flight is kept; the hotel comes back, VAT and all.
    assert refund == hotel_fare
    assert refund.total_minor == 44000
    assert [t.code for t in refund.taxes] == ["VAT"]


async def test_a_full_refund_adds_the_change_fees_paid(runtime, clock):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    async with runtime.db.uow() as s:  # as if a rebook had charged a 75.00 change fee
        await s.execute(
            update(Payment).where(Payment.booking_id == bid).values(captured_minor=FARE + 7500)
        )
    clock.advance(hours=2)
    await cancel_booking(runtime, AVA, bid)
    refund, (flight_fare,) = await _refund_fare(runtime, bid)
    assert refund.total_minor == FARE + 7500
    assert refund.base_minor == flight_fare.base_minor
    assert refund.taxes == flight_fare.taxes
    assert refund.fees[-1].code == "CHANGE"
    assert refund.fees[-1].amount_minor == 7500


async def test_nothing_refunded_is_an_empty_split(runtime, clock):
    w = await build_world(runtime)
    bid = await confirmed(runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    clock.advance(days=2)
    await cancel_booking(runtime, AVA, bid)
    refund, _ = await _refund_fare(runtime, bid)
    assert refund.total_minor == 0
    assert not refund.taxes
    assert not refund.fees
