"""Who may see and act on which booking. A caller never learns that another
organization's object exists: everything out of reach is ``NotFound``.

Who sees whom (org chart, org-wide roles) is ``core.orgchart``'s."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Forbidden, NotFound
from core.identity import Caller
from core.models import Booking, BookingStatus, User
from core.orgchart import bookable_traveler_ids, visible_traveler_ids


async def resolve_traveler(session: AsyncSession, caller: Caller, traveler_id: str | None) -> User:
    """The traveller a booking is for: the caller, or someone the caller may book for
    (``core.orgchart.RIGHTS``). Someone the caller may see but not book for is
    ``Forbidden``; anyone else ``NotFound``."""
    target = traveler_id or caller.user_id
    user = await session.get(User, target)
    if user is None or user.org_id != caller.org_id:
        raise NotFound(f"Traveller {target!r} not found")
    if user.id != caller.user_id:
        allowed = await bookable_traveler_ids(session, caller)
        if allowed is not None and user.id not in allowed:
            visible = await visible_traveler_ids(session, caller)
            if visible is not None and user.id not in visible:
                raise NotFound(f"Traveller {target!r} not found")
            raise Forbidden(f"You may see {user.name}'s trips but not book for them")
    return user


async def load_visible_booking(
    session: AsyncSession,
    caller: Caller,
    booking_id: str,
    *,
    for_update: bool = False,
    to_act: bool = False,
) -> Booking:
    """A booking the caller may see; ``to_act``: and may act on (confirm, cancel, change).
    Out of sight is ``NotFound``; in sight but not the caller's to act on, ``Forbidden``."""
    stmt = select(Booking).where(Booking.id == booking_id, Booking.org_id == caller.org_id)
    if for_update:
        stmt = stmt.with_for_update()
    booking = await session.scalar(stmt.execution_options(populate_existing=True))
    if booking is None:
        raise NotFound(f"Booking {booking_id} not found")
    if booking.traveler_id == caller.user_id or booking.created_by == caller.user_id:
        return booking  # one's own trips, and those one booked, are one's to act on
    visible = await visible_traveler_ids(session, caller)
    if visible is not None and booking.traveler_id not in visible:
        raise NotFound(f"Booking {booking_id} not found")
    if to_act:
        bookable = await bookable_traveler_ids(session, caller)
        if bookable is not None and booking.traveler_id not in bookable:
            raise Forbidden(f"You may see booking {booking_id} but not change it")
    return booking


async def has_confirmed_trips(session: AsyncSession, caller: Caller) -> bool:
    """Whether ``caller`` travels on, or booked, a booking that can be changed
    (confirmed, or disrupted by the airline)."""
    return bool(await session.scalar(select(confirmed_trips_clause(caller))))


def confirmed_trips_clause(caller: Caller) -> ColumnElement[bool]:
    """:func:`has_confirmed_trips` as a column, to read with other facts in one statement."""
    changeable = (BookingStatus.CONFIRMED, BookingStatus.REQUIRES_ATTENTION)
    return exists().where(
        Booking.org_id == caller.org_id,
        or_(Booking.traveler_id == caller.user_id, Booking.created_by == caller.user_id),
        Booking.status.in_(changeable),
    )
