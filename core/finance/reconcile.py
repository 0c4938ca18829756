"""Reconciliation: match what was charged to what was booked.

Three sources must agree for a confirmed booking: our booking (segments and their
prices), the payment (our ``payments`` row and, with the local gateway, the
gateway's own intent), and the supplier's record of what it charged
(``supplier_reservations``). When they agree to the minor unit the booking's
segments become finalized :class:`~core.models.InvoiceLine` s (one per segment,
unique, so a re-run adds nothing). When they do not, a
:class:`~core.models.ReconciliationException` says what differs and by how much,
and the booking waits until finance settles it: written off or adjusted, the booking
is invoiced at our prices; resolved (the cause fixed) but still there on the next
pass, the exception opens again; disputed, it keeps waiting.

It also looks for money nobody explains: supplier charges with no billable booking
behind them, gateway captures with no payment of ours, and captured payments of
bookings that never happened (failed / expired) that were not refunded.

Stripe-side discrepancies arrive through webhooks (core.payment.webhooks).

The money is checked against the booking's **ledger**, on every pass that has
segments to invoice (the first, and the one after each rebook): every capture on the
booking (its own payment and each change's) less every refund must equal what the
booking now costs plus the change fees its rebooks kept. A booking rebooked before
its first pass (captured 612.40, refunded 62.40 → 550.00 = a 400.00 flight + a 150.00
fee) is right. While a change is running its money moves ahead of its itinerary (a
refund still to pay after the swap), so the booking waits for the change to end.

With virtual cards, the suppliers' charges on the booking's cards must pay for each
segment to invoice, and a charge on them no segment explains is an exception of the
card's booking (:mod:`core.finance.cards`).

A charge no booking explains is filed under the organization its Stripe customer or
card belongs to (:func:`core.finance.attribution.org_paying_with`), so that
organization's finance sees it; a card several organizations share names none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking.fares import segment_fare, sold_after_ticketing, with_total
from core.catalogue.fares import FareBreakdown, empty
from core.finance.attribution import org_paying_with
from core.finance.cards import (
    card_problems,
    flag_unmatched_card_authorizations,
    sync_local_authorizations,
)
from core.finance.exceptions import not_flagged, record_exception
from core.finance.views import InvoiceLineView
from core.models import (
    Booking,
    BookingChange,
    BookingStatus,
    ChangeKind,
    ChangeStatus,
    ExceptionKind,
    ExceptionResolution,
    Flight,
    GatewayIntent,
    Hotel,
    InvoiceLine,
    Payment,
    ReconciliationException,
    Segment,
    SegmentStatus,
    SupplierReservation,
)
from core.money import money_text

if TYPE_CHECKING:
    from core.runtime import Runtime

BILLABLE = (BookingStatus.CONFIRMED, BookingStatus.REQUIRES_ATTENTION)
# A saga on its way has supplier records before the booking is billable.
IN_PROGRESS = (BookingStatus.CONFIRMING, BookingStatus.PENDING_CONFIRMATION)
NEVER_HAPPENED = (BookingStatus.FAILED, BookingStatus.EXPIRED)
# Exceptions raised here; an open one holds its booking back from invoicing.
RECON_SOURCES = ("supplier", "gateway", "card")
BATCH = 200
#: Settled differences that no longer hold a booking back from invoicing (core.review).
ACCEPTED = frozenset({ExceptionResolution.WRITTEN_OFF, ExceptionResolution.ADJUSTED})


@dataclass
class ReconcileStats:
    bookings_checked: int = 0
    invoice_lines: int = 0
    exceptions: int = 0


async def reconcile(rt: Runtime, *, limit: int = BATCH) -> ReconcileStats:
    """The ``reconciliation`` job: one transaction per tick."""
    now = rt.clock.now()
    async with rt.db.uow() as session:
        await sync_local_authorizations(session, now=now, limit=limit)
        stats = await reconcile_bookings(session, now=now, limit=limit)
        # After the bookings: a charge on a card that no segment explains does not change
        # whether the segments were paid right, but holds back what is still to invoice.
        stats.exceptions += await flag_unmatched_card_authorizations(session, now=now, limit=limit)
        stats.exceptions += await flag_orphan_supplier_charges(session, now=now, limit=limit)
        stats.exceptions += await flag_orphan_gateway_captures(session, now=now, limit=limit)
        stats.exceptions += await flag_unrefunded_charges(session, now=now, limit=limit)
    return stats


async def reconcile_bookings(
    session: AsyncSession, *, now: datetime, limit: int = BATCH
) -> ReconcileStats:
    stats = ReconcileStats()
    open_exception = exists().where(
        ReconciliationException.booking_id == Booking.id,
        ReconciliationException.resolved_at.is_(None),
        ReconciliationException.source.in_(RECON_SOURCES),
    )
    invoiced = exists().where(InvoiceLine.segment_id == Segment.id)
    segment_to_invoice = exists().where(
        Segment.booking_id == Booking.id, Segment.status == SegmentStatus.BOOKED, ~invoiced
    )
    # A running change moves money and segments in several steps: wait for its end.
    change_running = exists().where(
        BookingChange.booking_id == Booking.id, BookingChange.status == ChangeStatus.RUNNING
    )
    bookings = (
        await session.scalars(
            select(Booking)
            .where(
                Booking.status.in_(BILLABLE),
                segment_to_invoice,
                ~open_exception,
                ~change_running,
            )
            .order_by(Booking.id)
            .limit(limit)
        )
    ).all()
    for booking in bookings:
        stats.bookings_checked += 1
        added, lines = await _reconcile_booking(session, booking, now=now)
        stats.exceptions += added
        stats.invoice_lines += lines
    return stats


async def _reconcile_booking(
    session: AsyncSession, booking: Booking, *, now: datetime
) -> tuple[int, int]:
    """(exceptions added, invoice lines added) for one billable booking."""
    segments = (
        await session.scalars(
            select(Segment)
            .where(Segment.booking_id == booking.id, Segment.status == SegmentStatus.BOOKED)
            .order_by(Segment.position)
        )
    ).all()
    already = set(
        (
            await session.scalars(
                select(InvoiceLine.segment_id).where(InvoiceLine.booking_id == booking.id)
            )
        ).all()
    )
    todo = [s for s in segments if s.id not in already]
    problems: list[dict[str, Any]] = []

    payments = (
        await session.scalars(
            select(Payment)
            .where(Payment.booking_id == booking.id)
            .order_by(Payment.created_at, Payment.id)
        )
    ).all()
    captured = [p for p in payments if p.captured_minor > 0]
    payment = next((p for p in captured if p.purpose == "booking"), None)
    problems.extend(await _ledger_problems(session, booking, payments))
    for p in captured:
        problems.extend(await _payment_problems(session, booking, p))
    reservations = (
        await session.scalars(
            select(SupplierReservation).where(SupplierReservation.booking_ref == booking.id)
        )
    ).all()
    by_segment = {str(r.payload.get("segment_id")): r for r in reservations}
    after_sale = await sold_after_ticketing(session, booking.id)
    problems.extend(await card_problems(session, booking, todo, after_sale=after_sale))
    for seg in todo:
        airline_minor = seg.amount_minor - after_sale.get(seg.id, 0)
        res = by_segment.get(seg.id)
        if res is None or res.status != "booked":
            state = "no record" if res is None else f"status {res.status}"
            problems.append(
                dict(
                    kind=ExceptionKind.MISSING_SUPPLIER_CHARGE,
                    source="supplier",
                    reference=f"{seg.supplier}:{seg.locator}",
                    segment_id=seg.id,
                    dedupe_key=f"supplier:missing:{seg.id}",
                    expected_minor=seg.amount_minor,
                    actual_minor=None if res is None else res.amount_minor,
                    currency=seg.currency,
                    detail=f"Segment {seg.id} is booked with us but the supplier has {state}",
                )
            )
        elif res.currency != seg.currency:
            problems.append(
                dict(
                    kind=ExceptionKind.CURRENCY_MISMATCH,
                    source="supplier",
                    reference=f"{res.supplier}:{res.locator}",
                    segment_id=seg.id,
                    dedupe_key=f"supplier:currency:{res.id}",
                    expected_minor=seg.amount_minor,
                    actual_minor=res.amount_minor,
                    currency=res.currency,
                    detail=f"The supplier charged in {res.currency}, the segment is in {seg.currency}",
                )
            )
        elif res.amount_minor != airline_minor:
            problems.append(
                dict(
                    kind=ExceptionKind.AMOUNT_MISMATCH,
                    source="supplier",
                    reference=f"{res.supplier}:{res.locator}",
                    segment_id=seg.id,
                    dedupe_key=f"supplier:amount:{res.id}:{res.amount_minor}",
                    expected_minor=airline_minor,
                    actual_minor=res.amount_minor,
                    currency=res.currency,
                    detail=f"The supplier charged {money_text(res.amount_minor, res.currency)} for "
                    f"segment {seg.id}, we priced it {money_text(airline_minor, seg.currency)}",
                )
            )

    # What finance settled: a difference written off or adjusted no longer holds the
    # booking back; one "resolved" (fixed) that is still there is reported again.
    rows = await session.execute(
        select(ReconciliationException.dedupe_key, ReconciliationException.resolution).where(
            ReconciliationException.dedupe_key.in_([p["dedupe_key"] for p in problems]),
            ReconciliationException.resolved_at.is_not(None),
        )
    )
    settled = {key: resolution for key, resolution in rows.all()}
    problems = [p for p in problems if settled.get(p["dedupe_key"]) not in ACCEPTED]
    if problems:
        added = 0
        for problem in problems:
            if problem["dedupe_key"] in settled:
                added += await _reopen(session, problem["dedupe_key"], now=now)
            else:
                added += await record_exception(
                    session, org_id=booking.org_id, booking_id=booking.id, now=now, **problem
                )
        return added, 0

    lines = 0
    for seg in todo:
        res = by_segment[seg.id]
        session.add(
            InvoiceLine(
                org_id=booking.org_id,
                booking_id=booking.id,
                segment_id=seg.id,
                payment_id=payment.id if payment else None,
                kind=seg.kind,
                description=await _describe(session, seg),
                supplier=res.supplier,
                locator=res.locator,
                amount_minor=seg.amount_minor,
                currency=seg.currency,
                fare=(await segment_fare(session, seg)).stored(),
                finalized_at=now,
            )
        )
        lines += 1
    await session.flush()
    return 0, lines


async def _reopen(session: AsyncSession, dedupe_key: str, *, now: datetime) -> int:
    """An exception resolved as fixed whose discrepancy is still there: open again."""
    row = await session.scalar(
        select(ReconciliationException).where(ReconciliationException.dedupe_key == dedupe_key)
    )
    if row is None or row.resolved_at is None:
        return 0
    await session.execute(
        update(ReconciliationException)
        .where(
            ReconciliationException.id == row.id,
            ReconciliationException.resolved_at.is_not(None),
        )
        .values(resolved_at=None, resolution=None, resolved_by=None, resolution_note=None)
        .execution_options(synchronize_session=False)
    )
    if row.org_id is not None:
        audit.record(
            session, org_id=row.org_id, actor_id="system", action="review.reopened",
            entity="reconciliation_exception", entity_id=str(row.id), at=now,
            previous_resolution=row.resolution, previous_resolved_by=row.resolved_by,
        )
    return 1


async def _ledger_problems(
    session: AsyncSession, booking: Booking, payments: Sequence[Payment]
) -> list[dict[str, Any]]:
    """Captured less refunded, over every payment, against the price plus kept change fees."""
    captured = sum(p.captured_minor for p in payments)
    refunded = sum(p.refunded_minor for p in payments)
    fees = int(
        await session.scalar(
            select(func.coalesce(func.sum(BookingChange.change_fee_minor), 0)).where(
                BookingChange.booking_id == booking.id,
                BookingChange.kind == ChangeKind.REBOOK,
                BookingChange.status == ChangeStatus.DONE,
            )
        )
        or 0
    )
    expected, net = booking.total_minor + fees, captured - refunded
    if net == expected:
        return []
    first = next((p for p in payments if p.purpose == "booking" and p.captured_minor > 0), None)
    cur = booking.currency
    owed = f"the booking costs {money_text(booking.total_minor, cur)}"
    if fees:
        owed += f" plus {money_text(fees, cur)} in change fees: {money_text(expected, cur)}"
    paid = f"Paid {money_text(net, cur)}"
    if refunded:
        paid += f" (captured {money_text(captured, cur)}, refunded {money_text(refunded, cur)})"
    return [
        dict(
            kind=ExceptionKind.AMOUNT_MISMATCH,
            source="gateway",
            reference=(first.provider_ref or first.id) if first else booking.id,
            # Per discrepancy: the same one is reported once, a new one (after a
            # later change) again.
            dedupe_key=f"gateway:ledger:{booking.id}:{expected}:{net}",
            expected_minor=expected,
            actual_minor=net,
            currency=cur,
            detail=f"{paid}, {owed}",
        )
    ]


async def _payment_problems(
    session: AsyncSession, booking: Booking, p: Payment
) -> list[dict[str, Any]]:
    """One captured payment against its currency and, with the local gateway, its intent."""
    problems: list[dict[str, Any]] = []
    if p.currency != booking.currency:
        problems.append(
            dict(
                kind=ExceptionKind.CURRENCY_MISMATCH,
                source="gateway",
                reference=p.id,
                dedupe_key=f"gateway:currency:{p.id}",
                actual_minor=p.captured_minor,
                currency=p.currency,
                detail=f"Payment in {p.currency}, booking in {booking.currency}",
            )
        )
    if p.provider_ref and p.gateway == "local":
        intent = await session.get(GatewayIntent, p.provider_ref)
        gateway_captured = intent.amount_captured if intent is not None else 0
        gateway_refunded = intent.amount_refunded if intent is not None else 0
        if gateway_captured != p.captured_minor:
            problems.append(
                dict(
                    kind=ExceptionKind.AMOUNT_MISMATCH,
                    source="gateway",
                    reference=p.provider_ref,
                    dedupe_key=f"gateway:intent:{p.provider_ref}",
                    expected_minor=p.captured_minor,
                    actual_minor=gateway_captured,
                    currency=p.currency,
                    detail=f"The gateway captured {money_text(gateway_captured, p.currency)}, our "
                    f"payment says {money_text(p.captured_minor, p.currency)}",
                )
            )
        elif gateway_refunded != p.refunded_minor:
            problems.append(
                dict(
                    kind=ExceptionKind.REFUND_MISMATCH,
                    source="gateway",
                    reference=p.provider_ref,
                    dedupe_key=f"gateway:intent_refund:{p.provider_ref}:{gateway_refunded}",
                    expected_minor=p.refunded_minor,
                    actual_minor=gateway_refunded,
                    currency=p.currency,
                    detail=f"The gateway refunded {money_text(gateway_refunded, p.currency)}, our "
                    f"payment says {money_text(p.refunded_minor, p.currency)}",
                )
            )
    return problems


async def _describe(session: AsyncSession, seg: Segment) -> str:
    if seg.flight_id is not None:
        flight = await session.get(Flight, seg.flight_id)
        if flight is not None:
            return (
                f"{flight.carrier} {flight.number} {flight.origin}→{flight.destination} "
                f"{flight.date.isoformat()} {seg.cabin or ''} ×{seg.quantity}"
            ).strip()
    if seg.hotel_id is not None:
        hotel = await session.get(Hotel, seg.hotel_id)
        name = hotel.name if hotel is not None else seg.hotel_id
        return f"{name} {seg.check_in}→{seg.check_out} ×{seg.quantity} room(s)"
    return f"{seg.kind} {seg.id}"


async def flag_orphan_supplier_charges(
    session: AsyncSession, *, now: datetime, limit: int = BATCH
) -> int:
    """Supplier charges (still booked) with no billable or in-progress booking of ours."""
    rows = (
        await session.execute(
            select(SupplierReservation, Booking.org_id, Booking.status)
            .outerjoin(Booking, Booking.id == SupplierReservation.booking_ref)
            .where(
                SupplierReservation.status == "booked",
                (Booking.id.is_(None)) | (Booking.status.not_in(BILLABLE + IN_PROGRESS)),
                not_flagged("supplier:unknown:", SupplierReservation.id),
            )
            .order_by(SupplierReservation.id)
            .limit(limit)
        )
    ).all()
    added = 0
    for res, org_id, status in rows:
        why = "no such booking" if org_id is None else f"booking is {status}"
        added += await record_exception(
            session,
            org_id=org_id,
            booking_id=res.booking_ref if org_id else None,
            kind=ExceptionKind.UNKNOWN_CHARGE,
            source="supplier",
            reference=f"{res.supplier}:{res.locator}",
            dedupe_key=f"supplier:unknown:{res.id}",
            actual_minor=res.amount_minor,
            currency=res.currency,
            now=now,
            detail=f"{res.supplier} charged {money_text(res.amount_minor, res.currency)} for "
            f"{res.booking_ref} ({why})",
        )
    return added


async def flag_orphan_gateway_captures(
    session: AsyncSession, *, now: datetime, limit: int = BATCH
) -> int:
    """Local-gateway captures that no payment of ours points at."""
    rows = (
        await session.scalars(
            select(GatewayIntent)
            .outerjoin(Payment, Payment.provider_ref == GatewayIntent.id)
            .where(
                GatewayIntent.amount_captured > 0,
                Payment.id.is_(None),
                not_flagged("gateway:unknown:", GatewayIntent.id),
            )
            .order_by(GatewayIntent.created_at)
            .limit(limit)
        )
    ).all()
    added = 0
    for intent in rows:
        booking_id = (intent.extra or {}).get("booking_id")
        org_id = None
        if isinstance(booking_id, str):
            org_id = await session.scalar(select(Booking.org_id).where(Booking.id == booking_id))
        booking_org = org_id
        if org_id is None:  # no booking of ours named: the organization of the card
            org_id = await org_paying_with(session, payment_method=intent.payment_method)
        added += await record_exception(
            session,
            org_id=org_id,
            booking_id=booking_id if booking_org else None,
            kind=ExceptionKind.UNKNOWN_CHARGE,
            source="gateway",
            reference=intent.id,
            dedupe_key=f"gateway:unknown:{intent.id}",
            actual_minor=intent.amount_captured,
            currency=intent.currency,
            now=now,
            detail=f"The gateway captured {money_text(intent.amount_captured, intent.currency)} "
            "that matches no payment of ours",
        )
    return added


async def flag_unrefunded_charges(
    session: AsyncSession, *, now: datetime, limit: int = BATCH
) -> int:
    """Money kept for bookings that never happened (failed or expired after capture)."""
    rows = (
        await session.execute(
            select(Payment, Booking)
            .join(Booking, Booking.id == Payment.booking_id)
            .where(
                Booking.status.in_(NEVER_HAPPENED),
                Payment.captured_minor > Payment.refunded_minor,
                not_flagged("gateway:unrefunded:", Payment.id),
            )
            .order_by(Payment.created_at)
            .limit(limit)
        )
    ).all()
    added = 0
    for payment, booking in rows:
        kept = payment.captured_minor - payment.refunded_minor
        added += await record_exception(
            session,
            org_id=booking.org_id,
            booking_id=booking.id,
            kind=ExceptionKind.UNREFUNDED_CHARGE,
            source="gateway",
            reference=payment.provider_ref or payment.id,
            dedupe_key=f"gateway:unrefunded:{payment.id}",
            expected_minor=0,
            actual_minor=kept,
            currency=payment.currency,
            now=now,
            detail=f"Booking {booking.id} is {booking.status} but "
            f"{money_text(kept, payment.currency)} is still captured",
        )
    return added


async def invoice_lines(
    session: AsyncSession, org_id: str, *, limit: int = 200
) -> list[InvoiceLine]:
    return list(
        (
            await session.scalars(
                select(InvoiceLine)
                .where(InvoiceLine.org_id == org_id)
                .order_by(InvoiceLine.finalized_at.desc(), InvoiceLine.id.desc())
                .limit(limit)
            )
        ).all()
    )


async def invoice_line_views(
    session: AsyncSession, org_id: str, *, limit: int = 200
) -> list[InvoiceLineView]:
    """The organization's invoice lines, newest first, each with its fare split (lines
    finalized before fares were split take their segment's)."""
    views: list[InvoiceLineView] = []
    for line in await invoice_lines(session, org_id, limit=limit):
        if line.fare:
            fare = FareBreakdown.from_stored(line.fare)
        else:
            seg = await session.get(Segment, line.segment_id)
            fare = await segment_fare(session, seg) if seg is not None else empty(line.currency)
            fare = with_total(fare, line.amount_minor)
        views.append(InvoiceLineView.of(line, fare))
    return views


__all__ = [
    "ReconcileStats",
    "flag_orphan_gateway_captures",
    "flag_orphan_supplier_charges",
    "flag_unrefunded_charges",
    "invoice_line_views",
    "invoice_lines",
    "reconcile",
    "reconcile_bookings",
]
