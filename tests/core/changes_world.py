"""Helpers for cancel / rebook / disruption tests, on top of ``booking_world``."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.booking.changes import net_paid
from core.booking.saga import confirm_booking
from core.booking.service import hold_booking
from core.models import (
    Booking,
    BookingChange,
    FareInventory,
    Flight,
    Segment,
    SegmentStatus,
    SupplierReservation,
)
from core.runtime import Runtime
from tests.factories import T0, make_flight, named_item

LONG_DEPART = T0 + timedelta(days=17)


async def add_flight(
    rt: Runtime,
    *,
    number: str,
    fare: int,
    hours_later: float = 4,
    capacity: int = 50,
    refundable: bool = False,
    change_fee: int = 15000,
    origin: str = "JFK",
    destination: str = "LHR",
    cabin: str = "economy",
    carrier: str = "BA",
    duration: int = 415,
) -> int:
    """Another JFK→LHR departure; returns its fare inventory id for ``cabin``."""
    async with rt.db.uow() as s:
        _, inv = await make_flight(
            s,
            carrier=carrier,
            number=number,
            origin=origin,
            destination=destination,
            depart_at=LONG_DEPART + timedelta(hours=hours_later),
            duration_minutes=duration,
            cabins={cabin: (capacity, fare)},
            refundable=refundable,
            change_fee_minor=change_fee,
        )
        return inv[cabin].id


async def confirmed(rt: Runtime, caller, *items: tuple[str, int]) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, caller, [named_item(o, q) for o, q in items])
    view = await confirm_booking(rt, caller, booking.id)
    assert view.status == "confirmed", view
    return booking.id


async def inventory(rt: Runtime, fare_id: int) -> tuple[int, int]:
    async with rt.db.uow(write=False) as s:
        row = await s.get(FareInventory, fare_id, populate_existing=True)
        return row.held, row.sold


async def booking(rt: Runtime, booking_id: str) -> Booking:
    async with rt.db.uow(write=False) as s:
        return await s.get(Booking, booking_id, populate_existing=True)


async def itinerary(rt: Runtime, booking_id: str) -> list[Segment]:
    """The segments the traveller holds a ticket for (booked, not replaced)."""
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(Segment)
                    .where(
                        Segment.booking_id == booking_id,
                        Segment.status == SegmentStatus.BOOKED,
                        Segment.replaced_by.is_(None),
                    )
                    .order_by(Segment.position)
                )
            ).all()
        )


async def live_reservations(rt: Runtime, booking_id: str) -> list[SupplierReservation]:
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(SupplierReservation).where(
                        SupplierReservation.booking_ref == booking_id,
                        SupplierReservation.status == "booked",
                    )
                )
            ).all()
        )


async def paid(rt: Runtime, booking_id: str) -> int:
    async with rt.db.uow(write=False) as s:
        return await net_paid(s, booking_id)


async def fees_paid(rt: Runtime, booking_id: str) -> int:
    async with rt.db.uow(write=False) as s:
        return int(
            await s.scalar(
                select(func.coalesce(func.sum(BookingChange.change_fee_minor), 0)).where(
                    BookingChange.booking_id == booking_id,
                    BookingChange.kind == "rebook",
                    BookingChange.status == "done",
                )
            )
            or 0
        )


async def flight_of(rt: Runtime, segment: Segment) -> Flight:
    async with rt.db.uow(write=False) as s:
        return await s.get(Flight, segment.flight_id)


async def assert_one_valid_itinerary(rt: Runtime, booking_id: str) -> list[Segment]:
    """Exactly the booked segments have live supplier reservations, and the money adds up."""
    segs = await itinerary(rt, booking_id)
    live = await live_reservations(rt, booking_id)
    assert sorted(s.locator for s in segs) == sorted(r.locator for r in live)
    b = await booking(rt, booking_id)
    assert b.total_minor == sum(s.amount_minor for s in segs)
    assert await paid(rt, booking_id) == b.total_minor + await fees_paid(rt, booking_id)
    return segs
