"""Who may see and act on which booking. A caller never learns that another
organization's object exists: everything out of reach is ``NotFound``.

Who sees whom (org chart, org-wide roles) is ``core.orgchart``'s."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Forbidden, NotFound
from core.identity import Caller
from core.models import Booking, BookingStatus, User
from core.orgchart import bookable_traveler_ids, rights_of, visible_traveler_ids


@dataclass(frozen=True)
class ActingRights:
    """Which of the bookings a caller sees the caller may also act on (confirm, cancel,
    move, change): the one rule :func:`load_visible_booking` guards every write with, and
    that the tools' outputs tell the model and the planner (``view_only``)."""

    caller_id: str
    #: Whose trips the caller acts for, when narrower than whose they see (finance: its
    #: own); None: every booking the caller sees is theirs to act on.
    travelers: frozenset[str] | None

    def may_act_on(self, traveler_id: str, created_by: str) -> bool:
        """Whether the caller may act on a booking they see, travelled by ``traveler_id``
        and booked by ``created_by``: one's own trips and those one booked always."""
        if self.caller_id in (traveler_id, created_by):
            return True
        return self.travelers is None or traveler_id in self.travelers


async def acting_rights(session: AsyncSession, caller: Caller) -> ActingRights:
    """The caller's :class:`ActingRights` (``core.orgchart.RIGHTS``): no read when the
    role acts for everyone whose trips it sees, as every role but finance does."""
    rights = rights_of(caller)
    if rights.acts_for == rights.sees:
        return ActingRights(caller.user_id, None)
    bookable = await bookable_traveler_ids(session, caller)
    return ActingRights(caller.user_id, None if bookable is None else frozenset(bookable))


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
        rights = await acting_rights(session, caller)
        if not rights.may_act_on(booking.traveler_id, booking.created_by):
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
