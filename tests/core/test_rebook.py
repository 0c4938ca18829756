"""Rebook: down (refund), up (approval, then charge), amber, failures, every crash point."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.booking.changes import SimulatedCrash
from core.booking.rebook import complete_stuck_changes, on_approval_decided, rebook_booking
from core.errors import ConcurrentUpdate, NotFound, PolicyBlocked, SoldOut, SupplierRejected
from core.models import ApprovalWorkflow, BookingChange, GatewayRefund, Payment
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, GUS, build_world
from tests.core.changes_world import (
    add_flight,
    assert_one_valid_itinerary,
    booking,
    confirmed,
    flight_of,
    inventory,
    itinerary,
    paid,
)
from tests.factories import as_json

FARE = 61240
FEE = 15000


async def _count(rt, model, *where):
    async with rt.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


async def _start(rt):
    w = await build_world(rt)
    old_inv = w.long_inv["economy"].id
    bid = await confirmed(rt, AVA, (flight_offer_id(old_inv), 1))
    [seg] = await itinerary(rt, bid)
    return w, old_inv, bid, seg


async def test_rebook_down_refunds_the_difference_less_the_fee(runtime):
    _, old_inv, bid, seg = await _start(runtime)
    new_inv = await add_flight(runtime, number="119", fare=40000)
    view = as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(new_inv)))
    assert view["status"] == "confirmed"
    [change] = view["changes"]
    assert change["status"] == "done"
    assert change["change_fee"]["amount"] == "150.00"
    assert change["refund"]["amount"] == "62.40"  # 612.40 - 400.00 - 150.00 fee
    assert [s["number"] for s in view["segments"]] == ["119"]
    assert view["total"]["amount"] == "400.00"
    # The booking's split follows its itinerary: the new flight's fare, not the old one's.
    assert view["fare"] == view["segments"][0]["fare"]
    assert view["fare"]["total"] == view["total"]
    assert await inventory(runtime, old_inv) == (0, 0)
    assert await inventory(runtime, new_inv) == (0, 1)
    segs = await assert_one_valid_itinerary(runtime, bid)
    assert (await flight_of(runtime, segs[0])).number == "119"
    assert await paid(runtime, bid) == 40000 + FEE


async def test_rebook_with_a_fee_above_the_saving_charges_the_balance(runtime):
    _, _, bid, seg = await _start(runtime)
    new_inv = await add_flight(runtime, number="119", fare=55000)
    view = as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(new_inv)))
    assert view["status"] == "confirmed"
    assert view["changes"][0]["charge"]["amount"] == "87.60"  # 550 - 612.40 + 150
    await assert_one_valid_itinerary(runtime, bid)
    async with runtime.db.uow(write=False) as s:
        extra = await s.scalar(select(Payment).where(Payment.purpose == "rebook"))
        assert extra.status == "captured"
        assert extra.idempotency_key.startswith(f"booking:{bid}:rebook:")


async def test_rebook_up_needs_approval_then_charges(runtime):
    _, old_inv, bid, seg = await _start(runtime)
    new_inv = await add_flight(runtime, number="121", fare=90000)
    view = as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(new_inv)))
    assert view["status"] == "confirmed"  # still on the old flight
    [change] = view["changes"]
    assert change["status"] == "pending_approval"
    assert change["approval_id"]
    assert [s["number"] for s in view["segments"]] == ["117"]
    assert await inventory(runtime, new_inv) == (1, 0)  # the new seat is held meanwhile
    async with runtime.db.uow(write=False) as s:
        wf = await s.get(ApprovalWorkflow, change["approval_id"])
        assert wf.subject == "rebook"
    await on_approval_decided(runtime, change["change_id"], True, "ok")
    after = await booking(runtime, bid)
    assert after.status == "confirmed"
    assert after.total_minor == 90000
    assert await inventory(runtime, old_inv) == (0, 0)
    assert await inventory(runtime, new_inv) == (0, 1)
    await assert_one_valid_itinerary(runtime, bid)
    assert await paid(runtime, bid) == 90000 + FEE


async def test_rejected_rebook_gives_the_new_seat_back(runtime):
    _, old_inv, bid, seg = await _start(runtime)
    new_inv = await add_flight(runtime, number="121", fare=90000)
    view = as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(new_inv)))
    await on_approval_decided(runtime, view["changes"][0]["change_id"], False, "too dear")
    assert await inventory(runtime, new_inv) == (0, 0)
    assert await inventory(runtime, old_inv) == (0, 1)
    after = await booking(runtime, bid)
    assert (after.status, after.total_minor) == ("confirmed", FARE)
    await assert_one_valid_itinerary(runtime, bid)
    assert await _count(runtime, BookingChange, BookingChange.status == "rejected") == 1


async def test_rebook_into_amber_goes_to_approval(runtime):
    w, _, _bid, _ = await _start(runtime)
    # A cheaper business seat on the short hop is still amber (business under 6 h).
    short = await confirmed(runtime, AVA, (flight_offer_id(w.short_inv["economy"].id), 1))
    [seg] = await itinerary(runtime, short)
    amber = await add_flight(
        runtime,
        number="1005",
        fare=10000,
        cabin="business",
        carrier="B6",
        origin="JFK",
        destination="BOS",
        duration=75,
        change_fee=0,
    )
    view = as_json(await rebook_booking(runtime, AVA, short, seg.id, flight_offer_id(amber)))
    [change] = view["changes"]
    assert change["status"] == "pending_approval"
    assert change["policy_status"] == "amber"


async def test_red_rebook_is_refused_and_nothing_is_kept(runtime):
    w, _old_inv, bid, seg = await _start(runtime)
    first = w.long_inv["first"].id
    with pytest.raises(PolicyBlocked):
        await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(first))
    assert await _count(runtime, BookingChange) == 0
    assert await inventory(runtime, first) == (0, 0)


async def test_sold_out_keeps_the_old_flight(runtime):
    _, _old_inv, bid, seg = await _start(runtime)
    full = await add_flight(runtime, number="123", fare=40000, capacity=0)
    with pytest.raises(SoldOut):
        await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(full))
    assert await _count(runtime, BookingChange) == 0
    await assert_one_valid_itinerary(runtime, bid)


async def test_supplier_refusal_compensates(runtime):
    _, _old_inv, bid, seg = await _start(runtime)
    new_inv = await add_flight(runtime, number="119", fare=55000)  # a charge to void
    runtime.supplier_for("flight").faults.set(mode="4xx", rate=1.0)
    with pytest.raises(SupplierRejected):
        await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(new_inv))
    runtime.supplier_for("flight").faults.set(mode="none")
    assert await inventory(runtime, new_inv) == (0, 0)
    async with runtime.db.uow(write=False) as s:
        extra = await s.scalar(select(Payment).where(Payment.purpose == "rebook"))
        assert extra.status == "voided"
    await assert_one_valid_itinerary(runtime, bid)
    assert (await booking(runtime, bid)).total_minor == FARE


async def test_one_change_at_a_time(runtime):
    _, _, bid, seg = await _start(runtime)
    dear = await add_flight(runtime, number="121", fare=90000)
    other = await add_flight(runtime, number="119", fare=40000)
    as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(dear)))  # waits for approval
    with pytest.raises(ConcurrentUpdate):
        await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(other))


async def test_other_org_and_unknown_segment_are_not_found(runtime):
    _, _, bid, seg = await _start(runtime)
    new_inv = await add_flight(runtime, number="119", fare=40000)
    with pytest.raises(NotFound):
        await rebook_booking(runtime, GUS, bid, seg.id, flight_offer_id(new_inv))
    with pytest.raises(NotFound):
        await rebook_booking(runtime, AVA, bid, "SG_NOPE", flight_offer_id(new_inv))


# Every recovery point, for a rebook that charges and one that refunds.
CRASHES = [
    ("charge", "after_rebook_held"),
    ("charge", "after_rebook_authorize_call"),
    ("charge", "after_rebook_authorized"),
    ("charge", "after_rebook_supplier_call"),
    ("charge", "after_rebook_capture_call"),
    ("charge", "after_rebook_swapped"),
    ("charge", "after_supplier_cancel_call"),
    ("refund", "after_rebook_held"),
    ("refund", "after_rebook_supplier_call"),
    ("refund", "after_rebook_swapped"),
    ("refund", "after_supplier_cancel_call"),
    ("refund", "after_refund_call"),
]


@pytest.mark.parametrize(("money", "point"), CRASHES)
async def test_crash_at_each_point_ends_with_one_itinerary_and_the_right_balance(
    runtime, clock, money, point
):
    _, old_inv, bid, seg = await _start(runtime)
    fare = 55000 if money == "charge" else 40000
    new_inv = await add_flight(runtime, number="119", fare=fare)
    runtime.extras["crash_at"] = point
    with pytest.raises(SimulatedCrash):
        await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(new_inv))
    clock.advance(minutes=2)
    await complete_stuck_changes(runtime)
    clock.advance(minutes=2)
    await complete_stuck_changes(runtime)  # a second pass finds nothing left to do
    after = await booking(runtime, bid)
    assert (after.status, after.total_minor) == ("confirmed", fare)
    segs = await assert_one_valid_itinerary(runtime, bid)
    assert [(await flight_of(runtime, s)).number for s in segs] == ["119"]
    assert await paid(runtime, bid) == fare + FEE
    assert await inventory(runtime, old_inv) == (0, 0)
    assert await inventory(runtime, new_inv) == (0, 1)
    assert await _count(runtime, GatewayRefund) == (1 if money == "refund" else 0)
    assert await _count(runtime, BookingChange, BookingChange.status == "done") == 1


# -- race pair: two changes of one booking at once -----------------------------------------


@pytest.mark.race
async def test_without_the_open_change_slot_two_changes_of_one_booking_run(runtime, monkeypatch):
    """The pair below with its guard switched off: a change no longer claims the
    booking's one slot (the unique ``active_booking_id``, also what the pre-check
    reads). Two real rebooks of one booking both start and both wait for approval."""
    import asyncio

    from core.booking import rebook as rebook_module
    from core.errors import CoreError

    monkeypatch.setattr(rebook_module, "change_slot", lambda booking_id: None)
    _, _, bid, seg = await _start(runtime)
    dear = [await add_flight(runtime, number=str(130 + i), fare=90000 + i) for i in range(2)]

    async def attempt(inv: int):
        try:
            return as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(inv)))
        except CoreError as exc:
            return exc

    results = await asyncio.gather(*(attempt(inv) for inv in dear))
    assert all(isinstance(r, dict) for r in results), results
    assert await _count(runtime, BookingChange, BookingChange.status == "pending_approval") == 2
    assert [await inventory(runtime, inv) for inv in dear] == [(1, 0), (1, 0)]


@pytest.mark.race
async def test_concurrent_rebooks_of_one_booking_one_wins(runtime):
    import asyncio

    from core.errors import CoreError

    _, _, bid, seg = await _start(runtime)
    dear = [await add_flight(runtime, number=str(130 + i), fare=90000 + i) for i in range(4)]

    async def attempt(inv: int):
        try:
            return as_json(await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(inv)))
        except CoreError as exc:
            return exc

    results = await asyncio.gather(*(attempt(inv) for inv in dear))
    assert sum(isinstance(r, dict) for r in results) == 1
    assert all(isinstance(r, ConcurrentUpdate) for r in results if not isinstance(r, dict))
    assert await _count(runtime, BookingChange) == 1
    held = [await inventory(runtime, inv) for inv in dear]
    assert sorted(held) == [(0, 0), (0, 0), (0, 0), (1, 0)]
