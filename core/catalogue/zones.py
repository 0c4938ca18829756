"""Local time at our airports and hotels.

The ``airports`` table's ``tz`` (an IANA name, from ``airportsdata``) is the one source of
a place's clock: a flight departs on its origin's clock and lands on its destination's, a
hotel keeps its city's (the hotel's airport is in its metro, so in its zone). Session
services; they only read.
"""

from __future__ import annotations

import datetime as dt
import weakref
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from core.models import Airport, Hotel

#: When a room is ready and when it must be left, on the hotel's clock: the times most
#: chains publish (the simulated supplier has no per-hotel times).
CHECK_IN_FROM: Final = dt.time(15, 0)
CHECK_OUT_BY: Final = dt.time(11, 0)


#: Airports' zones by database (its connection pool), remembered once read: an airport's
#: ``tz`` is the catalogue's (``airportsdata``), written by the seed and never changed, and
#: every booking view asked for two of them per flight (issue 15). A code not found is
#: not remembered (it may be seeded later).
_zones: weakref.WeakKeyDictionary[Any, dict[str, ZoneInfo]] = weakref.WeakKeyDictionary()


async def airport_zone(session: AsyncSession, code: str) -> ZoneInfo:
    """The airport's time zone (UTC for a code the catalogue does not know)."""
    bind = session.bind
    known = _zones.setdefault(bind.sync_engine.pool, {}) if bind is not None else {}
    zone = known.get(code)
    if zone is None:
        airport = await session.get(Airport, code)
        if airport is None:
            return ZoneInfo("UTC")
        zone = known[code] = ZoneInfo(airport.tz)
    return zone


async def hotel_zone(session: AsyncSession, hotel: Hotel) -> ZoneInfo:
    """The hotel's time zone: its city's, read from the airport it is listed under."""
    return await airport_zone(session, hotel.airport_code)


def on_clock(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A UTC instant on a place's clock (the same instant, with the place's offset)."""
    return utc(moment).astimezone(zone)


def stay_times(
    check_in: dt.date, check_out: dt.date, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """When a stay starts and ends on the hotel's clock: check-in from 15:00 on the first
    day, check-out by 11:00 on the last."""
    return (
        dt.datetime.combine(check_in, CHECK_IN_FROM, tzinfo=zone),
        dt.datetime.combine(check_out, CHECK_OUT_BY, tzinfo=zone),
    )
