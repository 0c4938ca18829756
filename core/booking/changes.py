"""What cancellations and rebooks share: our outbound keys, the money ledger of a
booking, refunds spread over its payments, giving sold seats back. How a booking's changes
show in its view is ``views.py``'s.

Outbound calls (gateway refunds, supplier cancels) happen outside any of our
transactions, each with a deterministic key, and are recorded afterwards in a
short transaction of their own. A crash between the call and the record is
harmless: the retry computes the same call (same key, same amount) and the
outside system answers with its first result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.keys import refund_key, supplier_cancel_key
from core.errors import ConcurrentUpdate, InvalidTransition
from core.ids import new_id
from core.inventory.seats import give_back_seats
from core.models import (
    Booking,
    BookingChange,
    ChangeStatus,
    FareInventory,
    Hold,
    HoldStatus,
    Payment,
    PaymentStatus,
    Refund,
    ReviewItem,
    RoomInventory,
    Segment,
    SegmentStatus,
)
from core.runtime import Runtime
from core.supplier.base import SupplierRejectedError

log = logging.getLogger(__name__)

OPEN_CHANGE = (ChangeStatus.PENDING_APPROVAL, ChangeStatus.RUNNING)


class SimulatedCrash(Exception):
    """Raised at a named point when a test asks for it (``rt.extras['crash_at']``)."""


def crash_point(rt: Runtime, name: str) -> None:
    if rt.extras.get("crash_at") == name:
        rt.extras.pop("crash_at")
        raise SimulatedCrash(name)


# -- the ledger ------------------------------------------------------------------------


async def payments_of(session: AsyncSession, booking_id: str) -> list[Payment]:
    return list(
        (
            await session.scalars(
                select(Payment)
                .where(Payment.booking_id == booking_id)
                .order_by(Payment.created_at, Payment.id)
            )
        ).all()
    )


async def net_paid(session: AsyncSession, booking_id: str) -> int:
    """Captured minus refunded over every payment of the booking."""
    return sum(p.captured_minor - p.refunded_minor for p in await payments_of(session, booking_id))


def change_slot(booking_id: str) -> str | None:
    """The guard of one open change per booking: what a change holds in the unique
    ``active_booking_id`` while it is open (``close_change`` clears it)."""
    return booking_id


async def open_change(session: AsyncSession, booking_id: str) -> BookingChange | None:
    return await session.scalar(
        select(BookingChange).where(BookingChange.active_booking_id == booking_id)
    )


async def ensure_no_open_change(session: AsyncSession, booking_id: str) -> None:
    found = await open_change(session, booking_id)
    if found is not None:
        raise ConcurrentUpdate(
            f"Booking {booking_id} already has a {found.kind} in progress ({found.id}, "
            f"{found.status}); wait for it to finish",
            change_id=found.id,
        )


# -- inventory ---------------------------------------------------------------------------


async def release_sold(
    session: AsyncSession, booking_id: str, segment_ids: Sequence[str], *, now: datetime
) -> int:
    """Give the sold seats and room-nights of these segments back to inventory (the
    passengers' seats on those flights go with them).

    Each converted hold is flipped to released with a conditional UPDATE first, so
    however often this runs (a retry, a racing completer) a unit returns once.
    """
    holds = (
        await session.scalars(
            select(Hold)
            .where(
                Hold.booking_id == booking_id,
                Hold.segment_id.in_(list(segment_ids)),
                Hold.status == HoldStatus.CONVERTED,
            )
            .order_by(Hold.fare_inventory_id, Hold.room_inventory_id)
        )
    ).all()
    released = 0
    for hold in holds:
        flipped = await session.execute(
            update(Hold)
            .where(Hold.id == hold.id, Hold.status == HoldStatus.CONVERTED)
            .values(status=HoldStatus.RELEASED, released_at=now)
            .execution_options(synchronize_session=False)
        )
        if flipped.rowcount != 1:  # type: ignore[attr-defined]
            continue
        table: type[FareInventory] | type[RoomInventory]
        if hold.fare_inventory_id is not None:
            table, inv_id = FareInventory, hold.fare_inventory_id
            await give_back_seats(session, [hold.segment_id])
        else:
            assert hold.room_inventory_id is not None
            table, inv_id = RoomInventory, hold.room_inventory_id
        await session.execute(
            update(table)
            .where(table.id == inv_id)
            .values(sold=table.sold - hold.quantity)
            .execution_options(synchronize_session=False)
        )
        released += 1
    return released


# -- outbound steps ------------------------------------------------------------------------


async def cancel_at_supplier(rt: Runtime, booking_id: str, segment_ids: Sequence[str]) -> bool:
    """Cancel each still-booked segment at its supplier with our key; ``True`` when all are done.

    A transient failure or timeout leaves the segment booked for the completer to
    retry (same key). A rejection (the supplier has no such reservation) is marked
    cancelled and queued for a person to check.
    """
    async with rt.db.uow(write=False) as session:
        rows = (
            await session.scalars(
                select(Segment).where(
                    Segment.booking_id == booking_id,
                    Segment.id.in_(list(segment_ids)),
                    Segment.status == SegmentStatus.BOOKED,
                )
            )
        ).all()
        todo = [(s.id, s.kind, s.locator) for s in rows]
    all_done = True
    for seg_id, kind, locator in todo:
        rejected: str | None = None
        if locator:
            try:
                await rt.supplier_for(kind).cancel(
                    locator, idempotency_key=supplier_cancel_key(booking_id, seg_id)
                )
            except SupplierRejectedError as exc:
                rejected = str(exc)
            except Exception as exc:
                log.warning("cancel of %s (%s) at the supplier failed: %s", seg_id, locator, exc)
                all_done = False
                continue
        crash_point(rt, "after_supplier_cancel_call")
        now = rt.clock.now()
        async with rt.db.uow() as session:
            await session.execute(
                update(Segment)
                .where(Segment.id == seg_id, Segment.status == SegmentStatus.BOOKED)
                .values(status=SegmentStatus.CANCELLED)
                .execution_options(synchronize_session=False)
            )
            if rejected is not None:
                booking = await session.get(Booking, booking_id)
                assert booking is not None
                exists = await session.scalar(
                    select(ReviewItem.id).where(
                        ReviewItem.booking_id == booking_id,
                        ReviewItem.reason == "supplier_cancel_rejected",
                    )
                )
                if exists is None:
                    session.add(
                        ReviewItem(
                            org_id=booking.org_id,
                            booking_id=booking_id,
                            reason="supplier_cancel_rejected",
                            detail=f"{seg_id} ({locator}): {rejected}"[:500],
                            created_at=now,
                        )
                    )
    return all_done


async def capture_payment(
    rt: Runtime, payment_id: str, ref: str, *, key: str, crash_at: str, flow: str
) -> bool:
    """Capture an authorized change payment under ``key`` and record it as captured.

    False (logged) when the gateway call failed: the flow stays at its step and the
    completer runs it again with the same key. ``crash_at`` is the crash-injection
    point right after the gateway call.
    """
    try:
        captured = await rt.payments.capture(ref, idempotency_key=key)
    except Exception as exc:
        log.warning("%s: capture failed, the completer retries: %s", flow, exc)
        return False
    crash_point(rt, crash_at)
    async with rt.db.uow() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == payment_id)
            .values(
                status=PaymentStatus.CAPTURED,
                captured_minor=captured.amount_captured or captured.amount_minor,
                updated_at=rt.clock.now(),
            )
            .execution_options(synchronize_session=False)
        )
    return True


async def void_payment(rt: Runtime, payment_id: str, ref: str, *, key: str, flow: str) -> bool:
    """Void an uncaptured authorization under ``key`` and record it as voided.

    False (logged) when the gateway refused or failed: an uncaptured authorization
    lapses on its own at the bank, and the review queue sees the failed flow. The
    row changes only while it is still ``authorized``.
    """
    try:
        await rt.payments.void(ref, idempotency_key=key)
    except InvalidTransition:
        log.info("%s: payment %s was not voidable any more", flow, ref)
        return False
    except Exception as exc:
        log.warning("%s: void of %s failed: %s", flow, ref, exc)
        return False
    async with rt.db.uow() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == payment_id, Payment.status == PaymentStatus.AUTHORIZED)
            .values(status=PaymentStatus.VOIDED, updated_at=rt.clock.now())
            .execution_options(synchronize_session=False)
        )
    return True


async def refund_change(rt: Runtime, change_id: str) -> bool:
    """Pay back ``change.refund_minor`` over the booking's payments, newest first.

    ``True`` when the whole amount is refunded. The split depends only on what is
    recorded, so a retry after a crash asks the gateway for the same refunds with
    the same keys and amounts, and the gateway replays them.
    """
    while True:
        async with rt.db.uow(write=False) as session:
            change = await session.get(BookingChange, change_id, populate_existing=True)
            assert change is not None
            made = (
                await session.execute(
                    select(Refund.amount_minor, Refund.payment_id).where(
                        Refund.change_id == change_id
                    )
                )
            ).all()
            remaining = change.refund_minor - sum(amount for amount, _ in made)
            if remaining <= 0:
                return True
            refunded_payments = {payment_id for _, payment_id in made}
            candidates = [
                p
                for p in reversed(await payments_of(session, change.booking_id))
                if p.captured_minor > p.refunded_minor
                and p.provider_ref
                and p.id not in refunded_payments
            ]
            if not candidates:
                log.error(
                    "change %s: %s left to refund but no payment to refund from",
                    change_id,
                    remaining,
                )
                return False
            payment = candidates[0]
            amount = min(remaining, payment.captured_minor - payment.refunded_minor)
            key = refund_key(change.booking_id, change, payment)
            ref = payment.provider_ref
            assert ref is not None
            payment_id, booking_id, org_id = payment.id, change.booking_id, change.org_id
            currency = payment.currency
        try:
            result = await rt.payments.refund(ref, amount_minor=amount, idempotency_key=key)
        except Exception as exc:
            log.warning("refund %s failed (the completer retries): %s", key, exc)
            return False
        crash_point(rt, "after_refund_call")
        async with rt.db.uow() as session:
            exists = await session.scalar(select(Refund.id).where(Refund.idempotency_key == key))
            if exists is not None:
                continue
            session.add(
                Refund(
                    id=new_id("RF", 12),
                    org_id=org_id,
                    booking_id=booking_id,
                    change_id=change_id,
                    payment_id=payment_id,
                    amount_minor=amount,
                    currency=currency,
                    idempotency_key=key,
                    provider_ref=result.ref,
                    created_at=rt.clock.now(),
                )
            )
            await session.execute(
                update(Payment)
                .where(Payment.id == payment_id)
                .values(refunded_minor=Payment.refunded_minor + amount, updated_at=rt.clock.now())
                .execution_options(synchronize_session=False)
            )


async def close_change(
    session: AsyncSession,
    change_id: str,
    *,
    status: ChangeStatus,
    now: datetime,
    expected: Sequence[ChangeStatus] = OPEN_CHANGE,
    **values: Any,
) -> bool:
    """End a change (conditional on it still being open); frees the booking for the next one."""
    result = await session.execute(
        update(BookingChange)
        .where(BookingChange.id == change_id, BookingChange.status.in_(list(expected)))
        .values(status=status, active_booking_id=None, updated_at=now, completed_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
