"""Seats: which passenger sits where on a flight. Taken and given back by conditional writes.

A seat is a column of the passenger's row on that flight (``segment_passengers.seat``,
with ``flight_id`` beside it). The guard is the database's unique index on
``(flight_id, seat)`` (``SEAT_INDEX``): of two bookings writing the same seat at once,
the second one's UPDATE waits for the first to commit (PostgreSQL) or runs after it
(SQLite's one writer) and is refused; it is answered ``SEAT_TAKEN`` naming the seat,
and its whole transaction rolls back (all seats of a request or none). No application
lock is taken: the index is the queue, as the row is for holds (ADR 0002, ADR 0011).

Seats follow places: whatever gives places back (a hold released or expired, a sold
seat refunded) clears their seats in the same transaction (:func:`give_back_seats`), so
seats assigned on a cabin never exceed its ``held + sold``, and the cabin has exactly
``capacity`` seats (``core.catalogue.aircraft``): every place can be seated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import SeatTaken
from core.models import SegmentPassenger
from core.models.passenger import SEAT_INDEX


@dataclass(frozen=True, order=True)
class SeatWrite:
    """Put the passenger of link ``link_id`` in ``seat`` on ``flight_id``."""

    flight_id: int
    seat: str
    link_id: int


async def taken_seats(session: AsyncSession, flight_id: int) -> dict[str, int]:
    """Every seat taken on the flight, with the link (passenger on a segment) in it."""
    rows = (
        await session.execute(
            select(SegmentPassenger.seat, SegmentPassenger.id).where(
                SegmentPassenger.flight_id == flight_id, SegmentPassenger.seat.is_not(None)
            )
        )
    ).all()
    return {str(seat): int(link_id) for seat, link_id in rows}


async def clear_seats(session: AsyncSession, link_ids: Iterable[int]) -> None:
    """These passengers leave their seats (before they move to others)."""
    ids = sorted(set(link_ids))
    if ids:
        await session.execute(
            update(SegmentPassenger)
            .where(SegmentPassenger.id.in_(ids))
            .values(seat=None, flight_id=None)
            .execution_options(synchronize_session=False)
        )


def _is_seat_conflict(error: IntegrityError) -> bool:
    text = str(error.orig)
    return SEAT_INDEX in text or "segment_passengers.flight_id, segment_passengers.seat" in text


async def take_seats(session: AsyncSession, writes: Sequence[SeatWrite]) -> None:
    """Write every seat or raise ``SeatTaken`` (the caller's transaction rolls back).

    Writes go in (flight, seat) order, so two requests for overlapping seats wait on
    each other in one order and never deadlock.
    """
    for write in sorted(writes):
        try:
            await session.execute(
                update(SegmentPassenger)
                .where(SegmentPassenger.id == write.link_id)
                .values(seat=write.seat, flight_id=write.flight_id)
                .execution_options(synchronize_session=False)
            )
        except IntegrityError as exc:
            if not _is_seat_conflict(exc):
                raise
            raise SeatTaken(
                f"Seat {write.seat} was just taken; choose another", seats=[write.seat]
            ) from exc


async def give_back_seats(session: AsyncSession, segment_ids: Iterable[str]) -> None:
    """The places of these segments went back to inventory: so do their seats."""
    ids = sorted(set(segment_ids))
    if ids:
        await session.execute(
            update(SegmentPassenger)
            .where(SegmentPassenger.segment_id.in_(ids), SegmentPassenger.seat.is_not(None))
            .values(seat=None, flight_id=None)
            .execution_options(synchronize_session=False)
        )
