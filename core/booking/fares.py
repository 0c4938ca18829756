"""A booking's prices as base + taxes + fees: each segment's fare as sold, and what part
of them a refund gives back.

Session services (they never commit). A segment keeps the split it was held with
(``segments.fare``, from the offer the catalogue's fare model priced), so the hold,
the confirmation, the receipt, the invoice line and a refund all show the same
parts, adding up to the same amounts. Segments held before fares were split have no
stored split: theirs is worked out by the same model from what the row knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue.fares import Charge, FareBreakdown, combine, empty, flight_fare, stay_fare
from core.models import (
    Booking,
    BookingChange,
    ChangeKind,
    ChangeStatus,
    Flight,
    Hotel,
    Segment,
    SegmentStatus,
)
from core.money import money_text

CHANGE_FEE_CODE = "CHANGE"


#: The fee line a seat with a fee adds to its flight's fare (core.booking.seats).
SEAT_FEE_CODE = "SEAT"


async def sold_after_ticketing(session: AsyncSession, booking_id: str) -> dict[str, int]:
    """Seat fees bought on the paid booking (``core.booking.seat_purchase``), by segment:
    part of the segment's price as we sold it, never part of what the airline charged
    when it ticketed the flight (the supplier interface sells no seats after booking), so
    reconciliation compares the supplier's charge with the price less these."""
    out: dict[str, int] = {}
    changes = await session.scalars(
        select(BookingChange).where(
            BookingChange.booking_id == booking_id,
            BookingChange.kind == ChangeKind.SEATS,
            (BookingChange.status == ChangeStatus.DONE) | (BookingChange.step == "seated"),
        )
    )
    for change in changes:
        for row in change.seats or []:
            out[str(row["segment_id"])] = out.get(str(row["segment_id"]), 0) + int(
                row.get("price_minor") or 0
            )
    return out


async def segment_fare(session: AsyncSession, seg: Segment) -> FareBreakdown:
    """``seg.amount_minor`` as base + taxes + fees (the split it was sold with)."""
    if seg.fare:
        return FareBreakdown.from_stored(seg.fare)
    quantity = max(1, seg.quantity)
    each = seg.amount_minor // quantity
    fare = empty(seg.currency).model_copy(update={"base_minor": each}).times(quantity)
    if seg.flight_id is not None:
        flight = await session.get(Flight, seg.flight_id)
        if flight is not None:
            fare = flight_fare(
                each,
                seg.currency,
                origin=flight.origin,
                destination=flight.destination,
                carrier=flight.carrier,
                cabin=seg.cabin or "economy",
                distance_km=flight.distance_km,
            ).times(quantity)
    elif seg.hotel_id is not None and seg.check_in is not None and seg.check_out is not None:
        hotel = await session.get(Hotel, seg.hotel_id)
        nights = max(1, (seg.check_out - seg.check_in).days)
        if hotel is not None:
            fare = stay_fare(
                [each // nights] * nights,
                quantity,
                seg.currency,
                city=hotel.city,
                stars=hotel.stars,
            )
    return with_total(fare, seg.amount_minor)


async def segments_fare(
    session: AsyncSession, segments: Sequence[Segment], currency: str
) -> FareBreakdown:
    """Several segments' fares as one breakdown (the same code added up)."""
    return combine([await segment_fare(session, s) for s in segments], currency)


async def booked_fare(session: AsyncSession, booking: Booking) -> FareBreakdown:
    """What the booking's booked segments cost, split (the receipt's lines)."""
    segments = (
        await session.scalars(
            select(Segment)
            .where(
                Segment.booking_id == booking.id,
                Segment.status == SegmentStatus.BOOKED,
                Segment.replaced_by.is_(None),
            )
            .order_by(Segment.position)
        )
    ).all()
    return await segments_fare(session, segments, booking.currency)


def receipt_text(fare: FareBreakdown) -> str:
    """``612.40 USD (base fare 481.40 USD + taxes 33.00 USD + fees 98.00 USD)``."""
    parts = [f"base fare {money_text(fare.base_minor, fare.currency)}"]
    if fare.taxes:
        parts.append(f"taxes {money_text(fare.taxes_minor, fare.currency)}")
    if fare.fees:
        parts.append(f"fees {money_text(fare.fees_minor, fare.currency)}")
    return f"{money_text(fare.total_minor, fare.currency)} ({' + '.join(parts)})"


def with_total(fare: FareBreakdown, total_minor: int) -> FareBreakdown:
    """``fare`` made to add up to ``total_minor``: odd cents of a division go to the base."""
    return fare.model_copy(update={"base_minor": fare.base_minor + total_minor - fare.total_minor})


def refund_split(fares: Iterable[FareBreakdown], refund_minor: int, currency: str) -> FareBreakdown:
    """What a refund of ``refund_minor`` is made of, given the fares of the segments it
    pays back: their parts in full; in proportion when less is paid back (a refund is
    capped by what was paid); and, when more is paid back (all of the payment within
    24 hours, or after the airline cancelled), the rest is change fees paid by rebooks."""
    whole = combine(list(fares), currency)
    extra = refund_minor - whole.total_minor
    if extra <= 0:
        return whole.scaled_to(refund_minor)
    fee = Charge(code=CHANGE_FEE_CODE, name="Change fees paid", amount_minor=extra)
    return whole.model_copy(update={"fees": (*whole.fees, fee)})


__all__ = [
    "CHANGE_FEE_CODE",
    "booked_fare",
    "receipt_text",
    "refund_split",
    "segment_fare",
    "segments_fare",
    "with_total",
]
