"""Cancelling a booking, with the refund its fare rules allow.

Unpaid bookings (``held``, ``pending_approval``) are cancelled in one transaction:
the holds go back and any uncaptured authorization is voided.

Paid bookings (``confirmed``, ``requires_attention``) are cancelled in two parts.
The decision is one transaction: the conditional status move (of two concurrent
cancels exactly one wins), the sold seats and rooms given back, and a
``BookingChange`` that records the refund owed and the rule behind it. The
outside work follows, each call with our key and recorded when it answers:
cancel every booked segment at its supplier
(``booking:{id}:segment:{sid}:cancel``) and refund the payments
(``booking:{id}:refund``). If anything there fails or the process dies, the
completer (:func:`core.booking.rebook.complete_stuck_changes`) finishes it. Last,
the booking's virtual cards close (``core.booking.cards``).

Refund rules, applied to what was paid (captured minus already refunded):

* cancelled within 24 hours of the purchase (``confirmed_at``) → everything back;
* otherwise per segment still booked:
  - a flight the airline cancelled (``Flight.status == "cancelled"``) → its price back;
  - a refundable fare (``FareInventory.refundable``, copied onto the segment) → back;
  - a non-refundable fare → kept;
  - a refundable hotel → back until its check-in day starts (00:00 UTC); kept after;
  - a non-refundable hotel → kept.
* When everything booked was cancelled by the airline the whole payment comes back,
  change fees included; otherwise change fees already paid are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, outbox
from core.approval.service import close_open_for_booking
from core.booking import states
from core.booking.access import load_visible_booking
from core.booking.cards import close_cards_of
from core.booking.changes import (
    cancel_at_supplier,
    change_slot,
    close_change,
    crash_point,
    ensure_no_open_change,
    net_paid,
    open_change,
    payments_of,
    refund_change,
    release_sold,
    void_payment,
)
from core.booking.fares import refund_split, segment_fare
from core.booking.keys import void_key
from core.booking.service import cancel_unpaid
from core.booking.views import BookingView, load_booking_view
from core.catalogue.fares import FareBreakdown
from core.errors import ConcurrentUpdate
from core.identity import Caller
from core.ids import new_id
from core.inventory.holds import release_booking_holds
from core.models import (
    Booking,
    BookingChange,
    ChangeKind,
    ChangeStatus,
    Disruption,
    DisruptionStatus,
    Flight,
    FlightStatus,
    PaymentStatus,
    Segment,
    SegmentKind,
    SegmentStatus,
)
from core.models import BookingStatus as S
from core.money import format_money
from core.runtime import Runtime

log = logging.getLogger(__name__)

FREE_CANCELLATION = timedelta(hours=24)
UNPAID = (S.HELD, S.PENDING_APPROVAL)
PAID = (S.CONFIRMED, S.REQUIRES_ATTENTION)

# Recovery points of a cancellation.
DECIDED = "decided"
SUPPLIER_CANCELLED = "supplier_cancelled"


@dataclass(frozen=True)
class RefundQuote:
    paid_minor: int
    refund_minor: int
    rule: str
    fare: FareBreakdown  # refund_minor as base + taxes + fees (core.booking.fares.refund_split)

    @property
    def kept_minor(self) -> int:
        return self.paid_minor - self.refund_minor


async def quote_refund(session: AsyncSession, booking: Booking, *, now: datetime) -> RefundQuote:
    """What cancelling ``booking`` now would give back (see the module docstring)."""
    paid = await net_paid(session, booking.id)
    segments = (
        await session.scalars(
            select(Segment)
            .where(Segment.booking_id == booking.id, Segment.status == SegmentStatus.BOOKED)
            .order_by(Segment.position)
        )
    ).all()
    fares = {seg.id: await segment_fare(session, seg) for seg in segments}

    def quote(refund: int, rule: str, back: Sequence[Segment] = segments) -> RefundQuote:
        fare = refund_split((fares[s.id] for s in back), refund, booking.currency)
        return RefundQuote(paid, refund, rule, fare)

    if booking.confirmed_at is not None and now - booking.confirmed_at <= FREE_CANCELLATION:
        return quote(paid, "within_24_hours")
    back = 0
    refunded: list[Segment] = []
    reasons: list[str] = []
    kept_any = False
    for seg in segments:
        reason: str | None = None
        if seg.kind == SegmentKind.FLIGHT:
            flight = await session.get(Flight, seg.flight_id) if seg.flight_id else None
            if flight is not None and flight.status == FlightStatus.CANCELLED:
                reason = "airline_cancelled"
            elif seg.refundable:
                reason = "refundable_fare"
        elif seg.refundable and seg.check_in is not None:
            if now < datetime.combine(seg.check_in, time(0), tzinfo=UTC):
                reason = "refundable_hotel"
        if reason is None:
            kept_any = True
        else:
            back += seg.amount_minor
            refunded.append(seg)
            reasons.append(reason)
    if segments and reasons and all(r == "airline_cancelled" for r in reasons) and not kept_any:
        return quote(paid, "airline_cancelled")
    refund = min(paid, back)
    if not kept_any and refund == paid:
        rule = reasons[0] if len(set(reasons)) == 1 else "refundable"
    elif refund > 0:
        rule = "partial_non_refundable_kept"
    else:
        rule = "non_refundable_kept"
    return quote(refund, rule, refunded)


async def cancel_booking(
    rt: Runtime, caller: Caller, booking_id: str, *, reason: str = ""
) -> BookingView:
    """Cancel a booking the caller may see and return its view (with ``refund``).

    Allowed from held, pending_approval, confirmed and requires_attention; a booking
    already cancelled is returned as it is (a repeated cancel is harmless); any
    other state is ``InvalidTransition``. Another org's booking is ``NotFound``.
    """
    now = rt.clock.now()
    change_id: str | None = None
    to_void: list[tuple[str, str]] = []
    try:
        async with rt.db.uow() as session:
            booking = await load_visible_booking(
                session, caller, booking_id, for_update=True, to_act=True
            )
            current = S(booking.status)
            if current in UNPAID:
                await cancel_unpaid(rt, session, caller, booking, reason=reason)
                to_void = [
                    (p.id, p.provider_ref)
                    for p in await payments_of(session, booking_id)
                    if p.status == PaymentStatus.AUTHORIZED and p.provider_ref
                ]
            elif current in PAID:
                change_id = await _decide_paid_cancel(session, booking, caller, reason, now)
            elif current != S.CANCELLED:
                states.check_move(current, S.CANCELLED, booking_id=booking_id)
    except IntegrityError as exc:
        # The unique active change per booking: a rebook or cancel started in between.
        raise ConcurrentUpdate(
            f"Booking {booking_id} is being changed by another request; try again"
        ) from exc
    for payment_id, ref in to_void:
        await _void(rt, booking_id, payment_id, ref)
    if change_id is not None:
        crash_point(rt, "after_cancel_decided")
        await finish_cancel(rt, change_id)
    return await load_booking_view(rt, booking_id)


async def _decide_paid_cancel(
    session: AsyncSession, booking: Booking, caller: Caller, reason: str, now: datetime
) -> str:
    pending = await open_change(session, booking.id)
    if pending is not None and pending.status == ChangeStatus.PENDING_APPROVAL:
        # A rebook still waiting for approval has moved nothing yet: drop it with
        # the booking (its held seats go back below with the other holds).
        await session.execute(
            update(Segment)
            .where(
                Segment.id.in_(list(pending.new_segment_ids)), Segment.status == SegmentStatus.HELD
            )
            .values(status=SegmentStatus.RELEASED)
            .execution_options(synchronize_session=False)
        )
        await close_change(
            session,
            pending.id,
            status=ChangeStatus.FAILED,
            now=now,
            failure_reason="the booking was cancelled",
        )
        # And its approval with it: approving a change of a cancelled booking is refused.
        await close_open_for_booking(
            session, booking.id, now=now, note="The booking was cancelled"
        )
    await ensure_no_open_change(session, booking.id)
    quote = await quote_refund(session, booking, now=now)
    booked = (
        await session.scalars(
            select(Segment.id).where(
                Segment.booking_id == booking.id, Segment.status == SegmentStatus.BOOKED
            )
        )
    ).all()
    current = booking.status
    await states.move(
        session,
        booking.id,
        expected=current,
        to=S.CANCELLED,
        now=now,
        cancelled_at=now,
        failure_reason=(reason[:500] or None),
    )
    await release_sold(session, booking.id, booked, now=now)
    await release_booking_holds(session, booking.id, now=now)
    change = BookingChange(
        id=new_id("CH", 10),
        org_id=booking.org_id,
        booking_id=booking.id,
        active_booking_id=change_slot(booking.id),
        kind=ChangeKind.CANCEL,
        status=ChangeStatus.RUNNING,
        step=DECIDED,
        old_segment_ids=list(booked),
        new_segment_ids=[],
        quantity=0,
        old_amount_minor=quote.paid_minor,
        refund_minor=quote.refund_minor,
        currency=booking.currency,
        refund_rule=quote.rule,
        refund_fare=quote.fare.stored(),
        reason=reason[:500] or None,
        created_by=caller.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(change)
    await session.flush()
    await session.execute(
        update(Disruption)
        .where(Disruption.booking_id == booking.id, Disruption.status == DisruptionStatus.OPEN)
        .values(status=DisruptionStatus.RESOLVED, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        org_id=booking.org_id,
        actor_id=caller.user_id,
        action="booking.cancelled",
        entity="booking",
        entity_id=booking.id,
        at=now,
        reason=reason,
        refund_minor=quote.refund_minor,
        kept_minor=quote.kept_minor,
        rule=quote.rule,
    )
    money = format_money(quote.refund_minor, booking.currency)
    kept = format_money(quote.kept_minor, booking.currency)
    outbox.emit(
        session,
        org_id=booking.org_id,
        topic="booking.cancelled",
        key=f"booking:{booking.id}:cancelled",
        payload={
            "booking_id": booking.id,
            "change_id": change.id,
            "traveler_id": booking.traveler_id,
            "refund_minor": quote.refund_minor,
            "refund_fare": quote.fare.as_json(),
            "currency": booking.currency,
            "rule": quote.rule,
            "notify": sorted({booking.traveler_id, caller.user_id}),
            "message": f"Booking {booking.id} is cancelled; {money} will be refunded"
            + (f" ({kept} non-refundable kept)." if quote.kept_minor else "."),
        },
        at=now,
    )
    return change.id


async def finish_cancel(rt: Runtime, change_id: str) -> bool:
    """The outside half of a paid cancellation; safe to run again. ``True`` when done."""
    async with rt.db.uow(write=False) as session:
        change = await session.get(BookingChange, change_id)
        assert change is not None
        if change.status != ChangeStatus.RUNNING:
            return True
        booking_id, segment_ids = change.booking_id, list(change.old_segment_ids)
    if not await cancel_at_supplier(rt, booking_id, segment_ids):
        return False
    if not await refund_change(rt, change_id):
        return False
    async with rt.db.uow() as session:
        await close_change(
            session,
            change_id,
            status=ChangeStatus.DONE,
            now=rt.clock.now(),
            step=SUPPLIER_CANCELLED,
        )
    # Nothing more will be paid with the booking's virtual cards (the card closer job
    # retries one the issuer did not close now).
    await close_cards_of(rt, booking_id)
    return True


async def _void(rt: Runtime, booking_id: str, payment_id: str, ref: str) -> None:
    """Release an uncaptured authorization of a booking cancelled before payment."""
    await void_payment(rt, payment_id, ref, key=void_key(booking_id), flow=f"cancel {booking_id}")
