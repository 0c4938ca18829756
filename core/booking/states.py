"""The one table of allowed booking status moves, and the conditional update that makes them.

Every move is ``UPDATE bookings SET status = :to WHERE id = :id AND status = :expected``;
a row count of 0 means somebody else moved the booking first and the caller lost the race.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import ConcurrentUpdate, InvalidTransition
from core.models import Booking
from core.models import BookingStatus as S

ALLOWED_MOVES: dict[S, frozenset[S]] = {
    S.HELD: frozenset({S.PENDING_APPROVAL, S.CONFIRMING, S.CANCELLED, S.EXPIRED, S.FAILED}),
    S.PENDING_APPROVAL: frozenset({S.CONFIRMING, S.CANCELLED, S.EXPIRED, S.FAILED}),
    S.CONFIRMING: frozenset({S.CONFIRMED, S.FAILED, S.PENDING_CONFIRMATION}),
    S.PENDING_CONFIRMATION: frozenset({S.CONFIRMING, S.CONFIRMED, S.FAILED}),
    S.CONFIRMED: frozenset({S.CANCELLED, S.REQUIRES_ATTENTION}),
    S.REQUIRES_ATTENTION: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
    S.FAILED: frozenset(),
}

TERMINAL = frozenset({S.CANCELLED, S.EXPIRED, S.FAILED})
#: Statuses whose holds still take inventory and may expire.
HOLDING = frozenset({S.HELD, S.PENDING_APPROVAL})


def can_move(current: str, to: str) -> bool:
    return S(to) in ALLOWED_MOVES[S(current)]


def check_move(current: str, to: str, *, booking_id: str = "") -> None:
    if not can_move(current, to):
        raise InvalidTransition(
            f"Booking {booking_id} is {current}; it cannot become {to}",
            current=current,
            requested=to,
        )


def _still(expected: str) -> ColumnElement[bool]:
    """The guard of every move: the booking is still in the status the caller read."""
    return Booking.status == expected


async def move(
    session: AsyncSession,
    booking_id: str,
    *,
    expected: str,
    to: str,
    now: datetime,
    **values: Any,
) -> None:
    """Move ``booking_id`` from ``expected`` to ``to`` or raise ``ConcurrentUpdate``."""
    check_move(expected, to, booking_id=booking_id)
    # The row as written comes back with the UPDATE (RETURNING), and refreshes an
    # instance the session already holds: no read after it (issue 15).
    moved = await session.scalar(
        update(Booking)
        .where(Booking.id == booking_id, _still(expected))
        .values(
            status=to, updated_at=now, status_changed_at=now, version=Booking.version + 1, **values
        )
        .returning(Booking)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    if moved is None:
        raise ConcurrentUpdate(
            f"Booking {booking_id} is no longer {expected}; another request changed it",
            expected=expected,
        )


async def move_among(
    session: AsyncSession,
    booking_id: str,
    *,
    among: frozenset[S],
    to: S,
    now: datetime,
    **values: Any,
) -> Booking | None:
    """Move ``booking_id`` to ``to`` if it is in one of ``among`` (each of which the
    table lets move there), in one conditional UPDATE that returns the row as written;
    ``None`` when it is in none of them (another request moved it first). No read before
    it: the status it was in is the guard itself (issue 15)."""
    for current in among:
        check_move(current, to, booking_id=booking_id)
    return await session.scalar(
        update(Booking)
        .where(Booking.id == booking_id, or_(*(_still(s) for s in sorted(among))))
        .values(
            status=to, updated_at=now, status_changed_at=now, version=Booking.version + 1, **values
        )
        .returning(Booking)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


async def move_from_any(
    session: AsyncSession,
    booking_id: str,
    *,
    among: frozenset[S],
    to: S,
    now: datetime,
) -> bool:
    """Move ``booking_id`` to ``to`` if it is in one of ``among`` now; ``False`` if it is
    in none of them or another request moved it first. The move itself is ``move``:
    the table is checked and the update is conditional on the status just read."""
    current = await session.scalar(select(Booking.status).where(Booking.id == booking_id))
    if current is None or S(current) not in among:
        return False
    try:
        await move(session, booking_id, expected=current, to=to, now=now)
    except ConcurrentUpdate:
        return False
    return True
