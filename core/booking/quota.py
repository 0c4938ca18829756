"""How many seats and rooms one user, and one organization, may keep on hold.

Holds cost nothing and last 15 minutes, so without a ceiling one account could hold a
whole flight (issue 14: 161 seats in 18 requests). Two buckets, counted separately:

* ``held`` — bookings in ``held`` whose hold has not run out;
* ``pending_approval`` — bookings waiting for approvers, whose holds live up to 48 h.

Each bucket has a cap on *places* (seats or rooms: an item's quantity, a connection's
two legs being one item) and on *open bookings*, per user (the one who made the hold)
and per organization (``Settings.hold_max_*`` / ``approval_max_*``). Going over is
429 ``HOLD_LIMIT_REACHED`` with ``Retry-After``: when the first of those holds runs out.

The check is a count of what is held now (nothing to keep in step on release, cancel or
expiry) made atomic by serializing the holds of one user and one organization:
``SELECT … FOR NO KEY UPDATE`` on the user's and the organization's rows (PostgreSQL), taken
late and always in that order (user, organization, then inventory rows), and SQLite's
single writer (``BEGIN IMMEDIATE``). Two holds by one user can no longer both count
"18 held" and both add 9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.errors import HoldLimitReached
from core.models import Booking, BookingStatus, Organization, Segment, User

Bucket = Literal["held", "pending_approval"]


@dataclass(frozen=True)
class Caps:
    places_per_user: int
    places_per_org: int
    open_per_user: int
    open_per_org: int


def caps_for(settings: Settings, bucket: Bucket) -> Caps:
    if bucket == "held":
        return Caps(
            places_per_user=settings.hold_max_places_per_user,
            places_per_org=settings.hold_max_places_per_org,
            open_per_user=settings.hold_max_open_per_user,
            open_per_org=settings.hold_max_open_per_org,
        )
    return Caps(
        places_per_user=settings.approval_max_places_per_user,
        places_per_org=settings.approval_max_places_per_org,
        open_per_user=settings.approval_max_open_per_user,
        open_per_org=settings.approval_max_open_per_org,
    )


@dataclass(frozen=True)
class Usage:
    places: int
    bookings: int
    first_expiry: datetime | None


async def lock_holders(session: AsyncSession, *, org_id: str, user_id: str) -> None:
    """Serialize the holds of this user and this organization until commit (PostgreSQL;
    SQLite already has one writer at a time). Always user first, then organization."""
    # FOR NO KEY UPDATE (key_share): serializes the holds of one user among themselves, but
    # not with the KEY SHARE locks that rows pointing at the user (the booking just
    # inserted) take; FOR UPDATE would deadlock two holds that both inserted first.
    await session.execute(
        select(User.id).where(User.id == user_id).with_for_update(key_share=True)
    )
    await session.execute(
        select(Organization.id).where(Organization.id == org_id).with_for_update(key_share=True)
    )


def _usage_columns(
    *,
    org_id: str,
    bucket: Bucket,
    now: datetime,
    user_id: str | None = None,
    excluding: str | None = None,
) -> tuple[ScalarSelect[Any], ScalarSelect[Any], ScalarSelect[Any]]:
    """Places, open bookings and the first expiry the organization (or one user of it)
    holds in ``bucket`` now, as three scalar subqueries of one statement."""
    status = BookingStatus.HELD if bucket == "held" else BookingStatus.PENDING_APPROVAL
    live = [
        Booking.org_id == org_id,
        Booking.status == status,
        Booking.hold_expires_at > now,  # run out but not swept yet: not held any more
    ]
    if user_id is not None:
        live.append(Booking.created_by == user_id)
    if excluding is not None:
        live.append(Booking.id != excluding)
    bookings = select(Booking.id, Booking.hold_expires_at).where(*live).subquery()
    # One place per seat or room of an item: a connection's legs share their offer id.
    items = (
        select(Segment.booking_id, func.max(Segment.quantity).label("quantity"))
        .join(bookings, bookings.c.id == Segment.booking_id)
        .group_by(Segment.booking_id, Segment.offer_id)
        .subquery()
    )
    return (
        select(func.coalesce(func.sum(items.c.quantity), 0)).scalar_subquery(),
        select(func.count(bookings.c.id)).scalar_subquery(),
        select(func.min(bookings.c.hold_expires_at)).scalar_subquery(),
    )


def _usage(row: Sequence[Any]) -> Usage:
    places, count, first = row
    return Usage(places=int(places or 0), bookings=int(count or 0), first_expiry=first)


async def usage(
    session: AsyncSession,
    *,
    org_id: str,
    bucket: Bucket,
    now: datetime,
    user_id: str | None = None,
    excluding: str | None = None,
) -> Usage:
    """What the organization (or one user of it) holds in ``bucket`` now."""
    columns = _usage_columns(
        org_id=org_id, bucket=bucket, now=now, user_id=user_id, excluding=excluding
    )
    return _usage((await session.execute(select(*columns))).one())


async def usages(
    session: AsyncSession,
    *,
    org_id: str,
    user_id: str,
    bucket: Bucket,
    now: datetime,
    excluding: str | None = None,
) -> tuple[Usage, Usage]:
    """:func:`usage` of the user and of the organization, read by one statement (issue
    15: four before). It runs after the holders' locks, so it sees every hold they
    serialized (READ COMMITTED: a statement's snapshot is taken when it starts)."""
    mine = _usage_columns(
        org_id=org_id, bucket=bucket, now=now, user_id=user_id, excluding=excluding
    )
    org = _usage_columns(org_id=org_id, bucket=bucket, now=now, excluding=excluding)
    row = (await session.execute(select(*mine, *org))).one()
    return _usage(row[:3]), _usage(row[3:])


def over_cap(
    caps: Caps, *, mine: Usage, org: Usage, places: int
) -> tuple[str, str, int, Usage] | None:
    """The first cap that ``places`` more (in one more booking) would pass:
    (scope, what, limit, usage of that scope), or ``None``."""
    checks = (
        ("user", "places", caps.places_per_user, mine, mine.places + places),
        ("user", "bookings", caps.open_per_user, mine, mine.bookings + 1),
        ("organization", "places", caps.places_per_org, org, org.places + places),
        ("organization", "bookings", caps.open_per_org, org, org.bookings + 1),
    )
    for scope, what, limit, used, after in checks:
        if limit > 0 and after > limit:
            return scope, what, limit, used
    return None


async def check_caps(
    session: AsyncSession,
    settings: Settings,
    *,
    org_id: str,
    user_id: str,
    booking_id: str,
    places: int,
    bucket: Bucket,
    now: datetime,
) -> None:
    """Raise ``HoldLimitReached`` if one more booking of ``places`` in ``bucket`` would pass
    a cap. Call late in the transaction that puts the booking there: the locks it takes
    last until that transaction ends."""
    caps = caps_for(settings, bucket)
    if max(caps.places_per_user, caps.places_per_org, caps.open_per_user, caps.open_per_org) <= 0:
        return  # every cap off: nothing to count, nothing to serialize
    await lock_holders(session, org_id=org_id, user_id=user_id)
    mine, org = await usages(
        session, org_id=org_id, user_id=user_id, bucket=bucket, now=now, excluding=booking_id
    )
    over = over_cap(caps, mine=mine, org=org, places=places)
    if over is None:
        return
    scope, what, limit, used = over
    retry_after = (
        max(1, math.ceil((used.first_expiry - now).total_seconds()))
        if used.first_expiry is not None
        else None
    )
    who = "You have" if scope == "user" else "Your organization has"
    unit = "seats or rooms" if what == "places" else "bookings"
    count = used.places if what == "places" else used.bookings
    if bucket == "held":
        detail = f"{who} {count} {unit} on hold; at most {limit} are allowed. Confirm or cancel one first"
    else:
        detail = (
            f"{who} {count} {unit} waiting for approval; at most {limit} are allowed. "
            "Wait for the approvers, or cancel one first"
        )
    if retry_after is not None:
        detail += f", or try again in {retry_after} s when a hold runs out"
    raise HoldLimitReached(
        detail + ".",
        scope=scope,
        bucket=bucket,
        limit=limit,
        held=count,
        requested=places if what == "places" else 1,
        retry_after=retry_after,
    )


async def places_of(session: AsyncSession, booking_id: str) -> int:
    """A booking's places: its items' quantities (seats or rooms)."""
    items = (
        select(func.max(Segment.quantity).label("quantity"))
        .where(Segment.booking_id == booking_id)
        .group_by(Segment.offer_id)
        .subquery()
    )
    return int(await session.scalar(select(func.coalesce(func.sum(items.c.quantity), 0))) or 0)
