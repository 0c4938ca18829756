"""Seats with a fee on a confirmed booking (issue 11): a payment of its own, through the
gateway with our keys, recorded in the booking's ledger; a decline or a seat taken
meanwhile charges nothing; a crash is resumed without charging twice; two purchases at
once charge once (the race pair: the booking's one open-change slot switched off, then on).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from core.approval.service import approval_view
from core.booking import seat_purchase as purchase_module
from core.booking.cancel import cancel_booking
from core.booking.changes import SimulatedCrash
from core.booking.rebook import complete_stuck_changes
from core.booking.saga import confirm_booking
from core.booking.seat_purchase import choose_or_buy_seats
from core.booking.seats import SeatChoice, booking_seat_map, choose_seats
from core.booking.service import hold_booking
from core.booking.views import load_booking_view
from core.errors import (
    ConcurrentUpdate,
    CoreError,
    LockTimeout,
    PaymentDeclined,
    PolicyBlocked,
    SeatRequiresPayment,
    SeatTaken,
)
from core.finance.reconcile import reconcile
from core.models import (
    ApprovalWorkflow,
    Booking,
    BookingChange,
    GatewayIntent,
    Hold,
    Organization,
    Payment,
    ReconciliationException,
    Segment,
    SegmentPassenger,
)
from core.policy.engine import evaluate
from core.policy.items import SeatFeesItem
from core.policy.render import render_policy
from core.policy.rules import acme_default
from core.policy.service import set_rules
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, MIA, build_world
from tests.core.changes_world import booking, confirmed, paid
from tests.factories import T0, named_item


async def _world(rt: Runtime) -> tuple[str, str, str, str, str]:
    """A confirmed one-passenger booking on the long-haul flight: (booking, segment,
    passenger, a free seat with a fee, a free seat without)."""
    w = await build_world(rt)
    bid = await confirmed(rt, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    async with rt.db.uow(write=False) as s:
        link = await s.scalar(select(SegmentPassenger).where(SegmentPassenger.booking_id == bid))
        seat_map = await booking_seat_map(s, AVA, bid)
    assert link is not None
    seats = [seat for row in seat_map.segments[0].rows for seat in row.seats if seat.available]
    with_fee = next(seat.seat for seat in seats if seat.price.minor())
    free = next(seat.seat for seat in reversed(seats) if not seat.price.minor())
    return bid, link.segment_id, link.passenger_id, with_fee, free


async def _payments(rt: Runtime, bid: str) -> list[Payment]:
    async with rt.db.uow(write=False) as s:
        return list(
            (await s.scalars(select(Payment).where(Payment.booking_id == bid).order_by(Payment.created_at, Payment.id))).all()
        )


async def _seat(rt: Runtime, bid: str) -> str | None:
    async with rt.db.uow(write=False) as s:
        return await s.scalar(select(SegmentPassenger.seat).where(SegmentPassenger.booking_id == bid))


async def _fee_of(rt: Runtime, bid: str, seat: str) -> int:
    async with rt.db.uow(write=False) as s:
        seat_map = await booking_seat_map(s, AVA, bid)
    return next(x.price.minor() for row in seat_map.segments[0].rows for x in row.seats if x.seat == seat)


async def test_a_seat_with_a_fee_on_a_confirmed_booking_is_charged_and_joins_the_ledger(
    runtime: Runtime,
) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    before = (await booking(runtime, bid)).total_minor
    fee = await _fee_of(runtime, bid, with_fee)
    choice = [SeatChoice(seg, pax, with_fee)]

    with pytest.raises(SeatRequiresPayment) as refused:
        await choose_or_buy_seats(runtime, AVA, bid, choice)
    assert refused.value.extra["seats"] == [with_fee]
    assert len(await _payments(runtime, bid)) == 1  # nothing charged without the yes

    chosen = await choose_or_buy_seats(runtime, AVA, bid, choice, accept_fees=True)

    assert chosen.change_id is not None
    assert chosen.charged_minor == fee
    assert await _seat(runtime, bid) == with_fee
    [extra] = [p for p in await _payments(runtime, bid) if p.purpose == "seat"]
    assert (extra.purpose, extra.status, extra.amount_minor, extra.captured_minor) == ("seat", "captured", fee, fee)
    assert extra.idempotency_key == f"booking:{bid}:seats:{chosen.change_id}:authorize"
    after = await booking(runtime, bid)
    assert after.total_minor == before + fee
    assert await paid(runtime, bid) == after.total_minor  # the ledger balances
    view = await load_booking_view(runtime, bid)
    seat_lines = [f for f in view.segments[0].fare.fees if f.code == "SEAT"]  # type: ignore[union-attr]
    assert [line.amount.minor() for line in seat_lines] == [fee]
    [change] = view.changes or []
    assert (change.kind, change.status, change.charge.minor()) == ("seats", "done", fee)

    # The same request again: the seat is already hers, nothing is charged twice.
    again = await choose_or_buy_seats(runtime, AVA, bid, choice, accept_fees=True)
    assert again.change_id is None
    assert len(await _payments(runtime, bid)) == 2
    assert (await booking(runtime, bid)).total_minor == before + fee


async def test_a_declined_card_seats_nobody_and_charges_nothing(runtime: Runtime) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    old_seat = await _seat(runtime, bid)
    before = (await booking(runtime, bid)).total_minor
    async with runtime.db.uow() as s:
        await s.execute(update(Organization).where(Organization.id == "acme").values(payment_method="4000000000000002"))

    with pytest.raises(PaymentDeclined):
        await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)

    assert await _seat(runtime, bid) == old_seat
    assert (await booking(runtime, bid)).total_minor == before
    assert await paid(runtime, bid) == before
    async with runtime.db.uow(write=False) as s:
        change = await s.scalar(select(BookingChange).where(BookingChange.booking_id == bid))
    assert change is not None
    assert (change.status, change.active_booking_id) == ("failed", None)


async def test_a_seat_taken_after_the_authorization_voids_it_and_seats_nobody(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    old_seat = await _seat(runtime, bid)
    before = (await booking(runtime, bid)).total_minor
    async with runtime.db.uow(write=False) as s:
        segment = await s.get(Segment, seg)
        assert segment is not None
        w_offer = flight_offer_id(int(segment.fare_inventory_id or 0))
    real = runtime.payments.authorize

    async def authorize_then_someone_takes_the_seat(**kwargs: Any) -> Any:
        auth = await real(**kwargs)
        # Mia holds the same flight and sits in the seat while Ava's card is charged.
        async with runtime.db.uow() as s:
            held = await hold_booking(runtime, s, MIA, [named_item(w_offer, 1)])
        async with runtime.db.uow() as s:
            link = await s.scalar(select(SegmentPassenger).where(SegmentPassenger.booking_id == held.id))
            assert link is not None
            await choose_seats(
                s, MIA, held.id, [SeatChoice(link.segment_id, link.passenger_id, with_fee)],
                now=runtime.clock.now(), accept_fees=True,
            )
        return auth

    monkeypatch.setattr(runtime.payments, "authorize", authorize_then_someone_takes_the_seat)

    with pytest.raises(SeatTaken):
        await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)

    assert await _seat(runtime, bid) == old_seat
    assert (await booking(runtime, bid)).total_minor == before
    [extra] = [p for p in await _payments(runtime, bid) if p.purpose == "seat"]
    assert (extra.status, extra.captured_minor) == ("voided", 0)
    assert await paid(runtime, bid) == before
    async with runtime.db.uow(write=False) as s:
        change = await s.scalar(select(BookingChange).where(BookingChange.booking_id == bid))
    assert change is not None
    assert change.status == "failed"
    assert "SEAT_TAKEN" in (change.failure_reason or "")


@pytest.mark.parametrize("crash_at", ["after_seat_authorize_call", "after_seat_seated", "after_seat_capture_call"])
async def test_a_crash_is_resumed_by_the_completer_without_charging_twice(runtime: Runtime, crash_at: str) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    before = (await booking(runtime, bid)).total_minor
    fee = await _fee_of(runtime, bid, with_fee)
    runtime.extras["crash_at"] = crash_at

    with pytest.raises(SimulatedCrash):
        await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)

    runtime.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    assert await complete_stuck_changes(runtime) == 1
    assert await _seat(runtime, bid) == with_fee
    assert (await booking(runtime, bid)).total_minor == before + fee
    assert await paid(runtime, bid) == before + fee
    payments = await _payments(runtime, bid)
    assert sorted(p.purpose for p in payments) == ["booking", "seat"]
    async with runtime.db.uow(write=False) as s:
        intents = await s.scalar(select(func.count()).select_from(GatewayIntent))
    assert intents == 2  # the booking's and the seat's: the resumed call was replayed


# -- race pair: two purchases on one booking at once ----------------------------------------


async def _two_purchases(runtime: Runtime, bid: str, seg: str, pax: str, with_fee: str, *, barrier: bool) -> list[Any]:
    real = runtime.payments.authorize
    both_started = asyncio.Barrier(2)
    paying: set[asyncio.Task[Any] | None] = set()  # the attempts that reached the card

    async def authorize(**kwargs: Any) -> Any:
        paying.add(asyncio.current_task())
        if barrier:
            await both_started.wait()  # both past the open-change check before either pays
        return await real(**kwargs)

    runtime.payments.authorize = authorize  # type: ignore[method-assign]

    async def attempt() -> Any:
        # The two queue on the booking's row lock; on a loaded machine the second can wait
        # past the lock timeout before it has written anything (LOCK_TIMEOUT): it tries
        # again, as a client told 503 with Retry-After does, so the race is still run.
        for _ in range(5):
            try:
                return await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)
            except LockTimeout as exc:
                if asyncio.current_task() in paying:
                    return exc  # past its first transaction: a retry would be another purchase
            except CoreError as exc:
                return exc
        raise AssertionError("the booking's row stayed locked through five lock timeouts")

    try:
        return list(await asyncio.gather(attempt(), attempt()))
    finally:
        runtime.payments.authorize = real  # type: ignore[method-assign]


@pytest.mark.race
async def test_without_the_open_change_slot_two_purchases_charge_the_seat_twice(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(purchase_module, "change_slot", lambda booking_id: None)
    bid, seg, pax, with_fee, _ = await _world(runtime)
    fee = await _fee_of(runtime, bid, with_fee)

    results = await _two_purchases(runtime, bid, seg, pax, with_fee, barrier=True)

    assert not [r for r in results if isinstance(r, BaseException)], results
    seat_payments = [p for p in await _payments(runtime, bid) if p.purpose == "seat"]
    assert [p.captured_minor for p in seat_payments] == [fee, fee]  # charged twice for one seat


@pytest.mark.race
async def test_two_purchases_at_once_charge_the_seat_once(runtime: Runtime) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    fee = await _fee_of(runtime, bid, with_fee)

    results = await _two_purchases(runtime, bid, seg, pax, with_fee, barrier=False)

    assert all(isinstance(r, ConcurrentUpdate) or r.change_id is None or r.charged_minor == fee for r in results), results
    seat_payments = [p for p in await _payments(runtime, bid) if p.purpose == "seat"]
    assert [p.captured_minor for p in seat_payments] == [fee]
    assert await _seat(runtime, bid) == with_fee
    assert await paid(runtime, bid) == (await booking(runtime, bid)).total_minor



# -- the policy counts seat fees -----------------------------------------------------------


async def _paid_seat_rule(rt: Runtime, severity: str, max_fee_minor: int = 0) -> None:
    async with rt.db.uow() as s:
        rules = acme_default().model_copy(
            update={"paid_seats": {"max_fee_minor": max_fee_minor, "severity": severity}}
        )
        await set_rules(s, "acme", rules, now=T0)


def test_the_engine_counts_seat_fees_and_applies_the_paid_seat_rule() -> None:
    seats = SeatFeesItem(seats=2, highest_fee_minor=8500, amount_minor=17000, currency="USD")
    free_hand = evaluate(acme_default(), [seats], now=T0)
    assert (free_hand.status, free_hand.total_minor, free_hand.violations) == ("green", 17000, ())

    capped = acme_default().model_copy(update={"paid_seats": {"max_fee_minor": 5000, "severity": "amber"}})
    verdict = evaluate(capped, [seats], now=T0)
    assert verdict.status == "amber"
    [finding] = verdict.violations
    assert finding.code == "PAID_SEAT"
    assert finding.message == "Paid seats (2 seats with a fee, 170.00 USD): the travel policy pays up to 50.00 USD a seat"
    assert verdict.approvals_required == ("manager",)
    assert evaluate(capped, [SeatFeesItem(1, 4500, 4500, "USD")], now=T0).status == "green"
    assert "## Seats" in render_policy(capped)
    assert "## Seats" not in render_policy(acme_default())


async def test_a_held_bookings_seat_fee_counts_in_its_policy_and_a_red_rule_refuses_it(runtime: Runtime) -> None:
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        held = await hold_booking(runtime, s, AVA, [named_item(flight_offer_id(w.long_inv["economy"].id), 1)])
    bid = held.id
    async with runtime.db.uow(write=False) as s:
        link = await s.scalar(select(SegmentPassenger).where(SegmentPassenger.booking_id == bid))
        seat_map = await booking_seat_map(s, AVA, bid)
    assert link is not None
    paid_seats = [x for row in seat_map.segments[0].rows for x in row.seats if x.available and x.price.minor()]
    before = await booking(runtime, bid)

    async with runtime.db.uow() as s:
        await choose_seats(
            s, AVA, bid, [SeatChoice(link.segment_id, link.passenger_id, paid_seats[0].seat)],
            now=runtime.clock.now(), accept_fees=True,
        )
    after = await booking(runtime, bid)
    fee = paid_seats[0].price.minor()
    assert after.total_minor == before.total_minor + fee
    assert after.policy["total_minor"] == before.policy["total_minor"] + fee

    await _paid_seat_rule(runtime, "red")
    with pytest.raises(PolicyBlocked, match="does not pay for seat fees"):
        async with runtime.db.uow() as s:
            await choose_seats(
                s, AVA, bid, [SeatChoice(link.segment_id, link.passenger_id, paid_seats[1].seat)],
                now=runtime.clock.now(), accept_fees=True,
            )
    assert await _seat(runtime, bid) == paid_seats[0].seat  # nothing changed
    assert (await booking(runtime, bid)).total_minor == after.total_minor


async def test_an_amber_paid_seat_on_a_held_booking_is_sent_for_approval_with_its_fee(runtime: Runtime) -> None:
    w = await build_world(runtime)
    await _paid_seat_rule(runtime, "amber")
    async with runtime.db.uow() as s:
        held = await hold_booking(runtime, s, AVA, [named_item(flight_offer_id(w.long_inv["economy"].id), 1)])
    async with runtime.db.uow(write=False) as s:
        link = await s.scalar(select(SegmentPassenger).where(SegmentPassenger.booking_id == held.id))
        seat_map = await booking_seat_map(s, AVA, held.id)
    assert link is not None
    paid_seat = next(x for row in seat_map.segments[0].rows for x in row.seats if x.available and x.price.minor())
    async with runtime.db.uow() as s:
        await choose_seats(
            s, AVA, held.id, [SeatChoice(link.segment_id, link.passenger_id, paid_seat.seat)],
            now=runtime.clock.now(), accept_fees=True,
        )

    view = await confirm_booking(runtime, AVA, held.id)

    assert view.status == "pending_approval"
    after = await booking(runtime, held.id)
    async with runtime.db.uow(write=False) as s:
        wf = await s.get(ApprovalWorkflow, view.approval_id)
        assert wf is not None
        card = await approval_view(s, wf)
    assert wf.amount_minor == after.total_minor  # the fee is in the total approvers see
    assert card.amount.minor() == after.total_minor
    assert any(v["code"] == "PAID_SEAT" for v in after.policy["violations"])


@pytest.mark.parametrize(("severity", "words"), [("red", "does not allow"), ("amber", "would need")])
async def test_a_paid_seat_rule_refuses_a_seat_on_a_paid_trip_before_charging(
    runtime: Runtime, severity: str, words: str
) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    await _paid_seat_rule(runtime, severity)
    old_seat = await _seat(runtime, bid)

    with pytest.raises(PolicyBlocked, match=words):
        await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)

    assert await _seat(runtime, bid) == old_seat
    assert [p.purpose for p in await _payments(runtime, bid)] == ["booking"]


async def test_a_seat_bought_on_a_paid_trip_joins_its_policy_total(runtime: Runtime) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    before = await booking(runtime, bid)
    fee = await _fee_of(runtime, bid, with_fee)

    await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)

    after = await booking(runtime, bid)
    assert after.policy["total_minor"] == before.total_minor + fee == after.total_minor
    assert after.policy_status == before.policy_status


async def test_cancelling_the_trip_refunds_the_seat_fee_with_the_fare(runtime: Runtime) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    fee = await _fee_of(runtime, bid, with_fee)
    await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)

    view = await cancel_booking(runtime, AVA, bid)  # within 24 h of purchase: all back

    assert view.status == "cancelled"
    assert await paid(runtime, bid) == 0
    refunded = {p.purpose: p.refunded_minor for p in await _payments(runtime, bid)}
    assert refunded["seat"] == fee
    assert await _seat(runtime, bid) is None  # seats follow the places


async def test_a_seat_bought_on_a_paid_trip_reconciles(runtime: Runtime) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    await choose_or_buy_seats(runtime, AVA, bid, [SeatChoice(seg, pax, with_fee)], accept_fees=True)

    stats = await reconcile(runtime)

    assert stats.exceptions == 0  # captured - refunded = the total with the seat fee
    async with runtime.db.uow(write=False) as s:
        assert await s.scalar(select(func.count()).select_from(ReconciliationException)) == 0


async def test_the_put_path_gives_back_a_seat_an_expired_hold_sat_in(runtime: Runtime) -> None:
    """choose_or_buy_seats checks seats before anything else (to charge nobody for a taken
    seat): a seat of an expired, unswept hold is free there too, as on the hold path."""
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    holds = []
    for who in (AVA, MIA):
        async with runtime.db.uow() as s:
            held = await hold_booking(runtime, s, who, [named_item(offer, 1)])
        async with runtime.db.uow(write=False) as s:
            link = await s.scalar(select(SegmentPassenger).where(SegmentPassenger.booking_id == held.id))
        assert link is not None
        holds.append((held.id, link))
    (first, first_link), (second, second_link) = holds
    await choose_or_buy_seats(runtime, AVA, first, [SeatChoice(first_link.segment_id, first_link.passenger_id, "15C")])
    async with runtime.db.uow() as s:  # the first hold ran out (its rows say so), unswept
        past = runtime.clock.now() - timedelta(seconds=1)
        await s.execute(update(Booking).where(Booking.id == first).values(hold_expires_at=past))
        await s.execute(update(Hold).where(Hold.booking_id == first).values(expires_at=past))

    await choose_or_buy_seats(runtime, MIA, second, [SeatChoice(second_link.segment_id, second_link.passenger_id, "15C")])

    assert await _seat(runtime, second) == "15C"
    assert await _seat(runtime, first) is None


async def test_a_seat_number_as_typed_is_bought_as_the_map_names_it(runtime: Runtime) -> None:
    bid, seg, pax, with_fee, _ = await _world(runtime)
    fee = await _fee_of(runtime, bid, with_fee)

    chosen = await choose_or_buy_seats(
        runtime, AVA, bid, [SeatChoice(seg, pax, f" {with_fee.lower()} ")], accept_fees=True
    )

    assert chosen.charged_minor == fee
    assert await _seat(runtime, bid) == with_fee
    assert await paid(runtime, bid) == (await booking(runtime, bid)).total_minor
