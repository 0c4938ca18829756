"""Reconciliation: perfect matches become invoice lines, discrepancies become exceptions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.booking.saga import confirm_booking
from core.booking.service import hold_booking
from core.catalogue.fares import FareBreakdown
from core.errors import Forbidden, NotFound
from core.finance import invoice_line_views, list_exceptions, reconcile, resolve_exception
from core.identity import Caller
from core.models import (
    Booking,
    GatewayIntent,
    InvoiceLine,
    Payment,
    ReconciliationException,
    Segment,
    SupplierReservation,
)
from core.runtime import Runtime
from tests.core.booking_world import AVA, GUS, World, build_world
from tests.factories import named_item

FIN = Caller(user_id="fin", org_id="acme", role="finance", name="Fin")


async def confirmed(rt: Runtime, items: list[tuple[str, int]], caller: Caller = AVA) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, caller, [named_item(o, q) for o, q in items])
    view = await confirm_booking(rt, caller, booking.id)
    assert view.status == "confirmed", view
    return booking.id


@pytest.fixture
async def world(runtime: Runtime) -> World:
    return await build_world(runtime)


def flight_and_hotel(world: World) -> list[tuple[str, int]]:
    return [
        (f"FL-{world.short_inv['economy'].id}", 1),
        ("HT-LON01-20261218-20261220", 1),
    ]


async def lines_of(rt: Runtime, booking_id: str) -> list[InvoiceLine]:
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(InvoiceLine)
                    .where(InvoiceLine.booking_id == booking_id)
                    .order_by(InvoiceLine.id)
                )
            ).all()
        )


async def exceptions(rt: Runtime) -> list[ReconciliationException]:
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(ReconciliationException).order_by(ReconciliationException.id)
                )
            ).all()
        )


async def test_a_perfect_match_finalizes_one_invoice_line_per_segment_once(runtime, world):
    booking_id = await confirmed(runtime, flight_and_hotel(world))

    stats = await reconcile(runtime)

    assert (stats.invoice_lines, stats.exceptions) == (2, 0)
    flight, hotel = await lines_of(runtime, booking_id)
    assert (flight.kind, flight.amount_minor, flight.currency) == ("flight", 15000, "USD")
    assert flight.description.startswith("B6 1001 JFK→BOS")
    assert (hotel.kind, hotel.amount_minor) == ("hotel", 2 * 22000)
    assert flight.locator
    assert flight.supplier == "sim-gds"
    assert flight.payment_id is not None
    # Idempotent: a second tick adds nothing.
    again = await reconcile(runtime)
    assert (again.invoice_lines, again.exceptions, again.bookings_checked) == (0, 0, 0)
    assert await exceptions(runtime) == []


async def test_a_supplier_amount_mismatch_is_an_exception_and_blocks_invoicing(runtime, world):
    booking_id = await confirmed(runtime, flight_and_hotel(world))
    async with runtime.db.uow() as s:
        await s.execute(
            update(SupplierReservation)
            .where(
                SupplierReservation.booking_ref == booking_id, SupplierReservation.kind == "hotel"
            )
            .values(amount_minor=47000)
        )

    stats = await reconcile(runtime)

    assert (stats.invoice_lines, stats.exceptions) == (0, 1)
    [exc] = await exceptions(runtime)
    assert (exc.kind, exc.source, exc.booking_id, exc.org_id) == (
        "amount_mismatch",
        "supplier",
        booking_id,
        "acme",
    )
    assert (exc.expected_minor, exc.actual_minor, exc.currency) == (44000, 47000, "USD")
    # Finance reads the amounts as money, not minor units.
    assert "charged 470.00 USD" in exc.detail
    assert "we priced it 440.00 USD" in exc.detail
    assert await lines_of(runtime, booking_id) == []
    # Not reported twice, and the booking stays out of invoicing while it is open.
    assert (await reconcile(runtime)).exceptions == 0
    assert len(await exceptions(runtime)) == 1


async def test_a_capture_that_differs_from_the_booking_total_is_an_exception(runtime, world):
    booking_id = await confirmed(runtime, flight_and_hotel(world))
    async with runtime.db.uow() as s:
        ref = await s.scalar(select(Payment.provider_ref).where(Payment.booking_id == booking_id))
        await s.execute(
            update(GatewayIntent).where(GatewayIntent.id == ref).values(amount_captured=1)
        )

    await reconcile(runtime)

    [exc] = await exceptions(runtime)
    assert (exc.kind, exc.source, exc.reference) == ("amount_mismatch", "gateway", ref)
    assert (exc.expected_minor, exc.actual_minor) == (59000, 1)
    assert exc.detail == "The gateway captured 0.01 USD, our payment says 590.00 USD"


async def test_orphan_supplier_and_gateway_charges_are_unknown_charges(runtime, world, clock):
    await confirmed(runtime, flight_and_hotel(world))
    async with runtime.db.uow() as s:
        # The supplier bills us for a booking we never made...
        s.add(
            SupplierReservation(
                supplier="sim-gds",
                idempotency_key="ghost",
                locator="GHOST1",
                booking_ref="BK-GHOST1",
                kind="flight",
                status="booked",
                amount_minor=99900,
                currency="USD",
                payload={},
                created_at=clock.now(),
            )
        )
        # ...and the gateway captured money no payment of ours explains.
        s.add(
            GatewayIntent(
                id="pi_orphan",
                idempotency_key="orphan",
                amount_minor=5000,
                currency="USD",
                status="succeeded",
                amount_captured=5000,
                payment_method="4242424242424242",
                extra={},
                created_at=clock.now(),
            )
        )

    stats = await reconcile(runtime)

    found = {
        (e.source, e.kind, e.reference, e.actual_minor, e.org_id) for e in await exceptions(runtime)
    }
    assert found == {
        ("supplier", "unknown_charge", "sim-gds:GHOST1", 99900, None),
        ("gateway", "unknown_charge", "pi_orphan", 5000, None),
    }
    assert stats.invoice_lines == 2  # the real booking still reconciles
    assert (await reconcile(runtime)).exceptions == 0


async def test_charges_flagged_earlier_do_not_hide_newer_ones_from_a_full_batch(runtime, clock):
    from core.finance.reconcile import flag_orphan_supplier_charges

    async with runtime.db.uow() as s:
        for n in (1, 2):
            s.add(
                SupplierReservation(
                    supplier="sim-gds",
                    idempotency_key=f"ghost{n}",
                    locator=f"GHOST{n}",
                    booking_ref=f"BK-GHOST{n}",
                    kind="flight",
                    status="booked",
                    amount_minor=100 * n,
                    currency="USD",
                    payload={},
                    created_at=clock.now(),
                )
            )

    for _ in range(2):  # a batch of one: the second tick must reach the second charge
        async with runtime.db.uow() as s:
            assert await flag_orphan_supplier_charges(s, now=clock.now(), limit=1) == 1

    assert [e.reference for e in await exceptions(runtime)] == ["sim-gds:GHOST1", "sim-gds:GHOST2"]


async def test_a_supplier_charge_left_on_a_failed_booking_belongs_to_its_org(runtime, world):
    booking_id = await confirmed(runtime, flight_and_hotel(world))
    async with runtime.db.uow() as s:
        await s.execute(update(Booking).where(Booking.id == booking_id).values(status="failed"))

    await reconcile(runtime)

    kinds = {(e.kind, e.source, e.org_id, e.booking_id) for e in await exceptions(runtime)}
    # Both supplier charges are unexplained, and the captured money was never refunded.
    assert ("unknown_charge", "supplier", "acme", booking_id) in kinds
    assert ("unrefunded_charge", "gateway", "acme", booking_id) in kinds
    assert len(kinds) == 2


async def test_finance_sees_only_its_org_and_others_are_refused(runtime, world, clock):
    booking_id = await confirmed(runtime, flight_and_hotel(world))
    async with runtime.db.uow() as s:
        await s.execute(
            update(SupplierReservation)
            .where(SupplierReservation.booking_ref == booking_id)
            .values(amount_minor=1)
        )
    await reconcile(runtime)
    globex_fin = Caller(user_id="gf", org_id="globex", role="finance")

    async with runtime.db.uow(write=False) as s:
        acme = await list_exceptions(s, FIN, status="all")
        assert len(acme) == 2
        assert await list_exceptions(s, globex_fin, status="all") == []
        with pytest.raises(Forbidden):
            await list_exceptions(s, AVA)
        with pytest.raises(Forbidden):
            await list_exceptions(s, GUS)

    async with runtime.db.uow() as s:
        with pytest.raises(NotFound):
            await resolve_exception(s, globex_fin, acme[0].id, now=clock.now())
        resolved = await resolve_exception(s, FIN, acme[0].id, now=clock.now())
        assert resolved.resolved_at == clock.now()
    clock.advance(timedelta(minutes=5))
    async with runtime.db.uow() as s:
        again = await resolve_exception(s, FIN, acme[0].id, now=clock.now())
        assert again.resolved_at == clock.now() - timedelta(minutes=5)
    async with runtime.db.uow(write=False) as s:
        assert len(await list_exceptions(s, FIN)) == 1
        assert len(await list_exceptions(s, FIN, status="resolved")) == 1


async def test_invoice_lines_carry_the_fare_split_as_sold(runtime, world):
    """Finance reads VAT off the invoice: each line is base + taxes + fees, the split the
    hold stored on the segment, and a line from before fares were split gets one too."""
    booking_id = await confirmed(runtime, flight_and_hotel(world))
    await reconcile(runtime)
    async with runtime.db.uow(write=False) as s:
        segments = {
            seg.id: seg.fare
            for seg in (await s.scalars(select(Segment).where(Segment.booking_id == booking_id)))
        }
        views = {v.segment_id: v for v in await invoice_line_views(s, "acme")}
    flight, hotel = await lines_of(runtime, booking_id)
    for line in (flight, hotel):
        assert line.fare == segments[line.segment_id]  # the split as held, not recomputed
        fare = FareBreakdown.from_stored(line.fare)
        assert fare.total_minor == line.amount_minor
        assert views[line.segment_id].fare == fare.out()
    flight_fare = FareBreakdown.from_stored(flight.fare)
    assert {"US", "ZP", "AY", "XF"} <= {t.code for t in flight_fare.taxes}  # JFK→BOS
    assert views[flight.segment_id].vat.minor() == 0
    hotel_fare = FareBreakdown.from_stored(hotel.fare)
    vat = views[hotel.segment_id].vat.minor()
    assert vat == sum(t.amount_minor for t in hotel_fare.taxes if t.code == "VAT") > 0
    assert abs(vat - hotel_fare.base_minor * 0.20) < 3  # UK VAT on the London room

    # A line finalized before fares were split: its segment's split, worked out again.
    async with runtime.db.uow() as s:
        await s.execute(update(InvoiceLine).where(InvoiceLine.id == hotel.id).values(fare=None))
        await s.execute(update(Segment).where(Segment.id == hotel.segment_id).values(fare=None))
    async with runtime.db.uow(write=False) as s:
        old = {v.segment_id: v for v in await invoice_line_views(s, "acme")}[hotel.segment_id]
    assert old.fare.total == old.amount
    assert old.vat.minor() > 0
