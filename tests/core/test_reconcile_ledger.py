"""Reconciliation reads the booking's ledger (issue 14, item 4).

What the company paid for a booking, net, is every capture on it (the booking's
payment and each change's) less every refund; it must equal the current itinerary's
price plus the change fees of its rebooks. A booking rebooked before its first
reconciliation pass is right, not an ``amount_mismatch``. And a charge no booking
explains is filed under the organization its card or Stripe customer belongs to, so
that organization's finance sees it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from core.booking.changes import SimulatedCrash
from core.booking.rebook import complete_stuck_changes, rebook_booking
from core.finance import list_exceptions, reconcile
from core.identity import Caller
from core.models import (
    GatewayIntent,
    InvoiceLine,
    Organization,
    Payment,
    ReconciliationException,
    Segment,
)
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, build_world
from tests.core.changes_world import add_flight, confirmed, itinerary, paid

FIN = Caller(user_id="fin", org_id="acme", role="finance", name="Fin")
GLOBEX_FIN = Caller(user_id="gf", org_id="globex", role="finance", name="Gf")
FARE = 61240  # BA 117 economy, change fee 150.00


async def _exceptions(rt) -> list[ReconciliationException]:
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(ReconciliationException).order_by(ReconciliationException.id)
                )
            ).all()
        )


async def _invoiced(rt, booking_id: str) -> list[str]:
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(InvoiceLine.segment_id)
                    .where(InvoiceLine.booking_id == booking_id)
                    .order_by(InvoiceLine.id)
                )
            ).all()
        )


async def _booked(rt) -> tuple[str, str]:
    w = await build_world(rt)
    bid = await confirmed(rt, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    [seg] = await itinerary(rt, bid)
    return bid, seg.id


@pytest.mark.parametrize(
    ("fare", "money"),
    [
        (40000, {"refund": "62.40"}),  # cheaper by more than the fee: part refunded
        (55000, {"charge": "87.60"}),  # cheaper by less than the fee: a second capture
    ],
)
async def test_a_booking_rebooked_before_its_first_pass_reconciles(runtime, fare, money):
    bid, seg_id = await _booked(runtime)
    new = await add_flight(runtime, number="119", fare=fare)
    view = (await rebook_booking(runtime, AVA, bid, seg_id, flight_offer_id(new))).model_dump(
        mode="json"
    )
    for what, amount in money.items():
        assert view["change"][what]["amount"] == amount
    assert await paid(runtime, bid) == fare + 15000  # the ledger: new fare + the kept fee

    stats = await reconcile(runtime)

    assert await _exceptions(runtime) == []
    assert (stats.exceptions, stats.invoice_lines) == (0, 1)
    [now_booked] = await itinerary(runtime, bid)
    assert await _invoiced(runtime, bid) == [now_booked.id]


async def test_a_rebook_after_the_first_pass_is_invoiced_on_the_next(runtime):
    bid, seg_id = await _booked(runtime)
    assert (await reconcile(runtime)).invoice_lines == 1
    new = await add_flight(runtime, number="119", fare=55000)
    await rebook_booking(runtime, AVA, bid, seg_id, flight_offer_id(new))

    stats = await reconcile(runtime)

    assert await _exceptions(runtime) == []
    assert stats.invoice_lines == 1
    [now_booked] = await itinerary(runtime, bid)
    assert await _invoiced(runtime, bid) == [seg_id, now_booked.id]


async def test_a_refund_short_of_the_change_is_a_ledger_mismatch(runtime):
    """The ledger still catches money that is wrong: 62.40 was due back, 10.00 came back."""
    bid, seg_id = await _booked(runtime)
    new = await add_flight(runtime, number="119", fare=40000)
    await rebook_booking(runtime, AVA, bid, seg_id, flight_offer_id(new))
    async with runtime.db.uow() as s:
        await s.execute(
            update(Payment).where(Payment.booking_id == bid).values(refunded_minor=1000)
        )

    await reconcile(runtime)

    ledger, refund = await _exceptions(runtime)
    assert (ledger.kind, ledger.booking_id, ledger.org_id) == ("amount_mismatch", bid, "acme")
    assert (ledger.expected_minor, ledger.actual_minor) == (40000 + 15000, FARE - 1000)
    assert ledger.detail == (
        "Paid 602.40 USD (captured 612.40 USD, refunded 10.00 USD), the booking costs "
        "400.00 USD plus 150.00 USD in change fees: 550.00 USD"
    )
    # The gateway's own record says what was really refunded.
    assert (refund.kind, refund.expected_minor, refund.actual_minor) == (
        "refund_mismatch",
        1000,
        6240,
    )
    assert await _invoiced(runtime, bid) == []


async def test_a_rebook_half_way_waits_for_its_end(runtime):
    """A rebook that stopped after the swap has not refunded yet: the ledger is ahead of
    the itinerary. No exception then; the booking reconciles once the completer ends it."""
    bid, seg_id = await _booked(runtime)
    new = await add_flight(runtime, number="119", fare=40000)
    runtime.extras["crash_at"] = "after_rebook_swapped"
    with pytest.raises(SimulatedCrash):
        await rebook_booking(runtime, AVA, bid, seg_id, flight_offer_id(new))
    assert await paid(runtime, bid) == FARE  # 62.40 still to refund

    stats = await reconcile(runtime)
    assert (stats.exceptions, stats.invoice_lines) == (0, 0)
    assert await _exceptions(runtime) == []

    runtime.clock.advance(minutes=5)
    assert await complete_stuck_changes(runtime) == 1
    stats = await reconcile(runtime)
    assert (stats.exceptions, stats.invoice_lines) == (0, 1)
    assert await _exceptions(runtime) == []


async def _orphan_intent(rt, *, card: str) -> None:
    async with rt.db.uow() as s:
        s.add(
            GatewayIntent(
                id="pi_orphan",
                idempotency_key="orphan",
                amount_minor=5000,
                currency="USD",
                status="succeeded",
                amount_captured=5000,
                payment_method=card,
                extra={},
                created_at=rt.clock.now(),
            )
        )


async def test_an_unknown_capture_belongs_to_the_org_of_its_card(runtime):
    await build_world(runtime)
    async with runtime.db.uow() as s:
        await s.execute(
            update(Organization)
            .where(Organization.id == "globex")
            .values(payment_method="5555555555554444")
        )
    await _orphan_intent(runtime, card="5555555555554444")

    await reconcile(runtime)

    [exc] = await _exceptions(runtime)
    assert (exc.kind, exc.org_id, exc.booking_id) == ("unknown_charge", "globex", None)
    async with runtime.db.uow(write=False) as s:
        assert [e.reference for e in await list_exceptions(s, GLOBEX_FIN)] == ["pi_orphan"]
        assert await list_exceptions(s, FIN) == []


async def test_a_card_two_orgs_share_names_neither(runtime):
    """Filing it under one of them would show one company another's charge."""
    await build_world(runtime)  # Acme and Globex both pay with 4242…
    await _orphan_intent(runtime, card="4242424242424242")

    await reconcile(runtime)

    [exc] = await _exceptions(runtime)
    assert exc.org_id is None


async def test_segments_of_a_rebooked_booking_are_all_accounted_for(runtime):
    """The old flight is cancelled at the supplier and never invoiced; the new one is."""
    bid, seg_id = await _booked(runtime)
    new = await add_flight(runtime, number="119", fare=40000)
    await rebook_booking(runtime, AVA, bid, seg_id, flight_offer_id(new))
    await reconcile(runtime)
    async with runtime.db.uow(write=False) as s:
        old = await s.get(Segment, seg_id)
        assert old.status == "cancelled"
    assert seg_id not in await _invoiced(runtime, bid)
