"""Check-in as a flow: the transaction around :func:`core.checkin.service.check_in`.

Check-in gives a seat to whoever on the flight has none
(:func:`core.booking.seats.assign_remaining_seats`). Two check-ins on one flight may pick
the same free seat at the same instant; the unique index on ``(flight_id, seat)``
decides, the loser hears ``SeatTaken`` and its transaction is spoiled (PostgreSQL). It
is run again from the start, in a new transaction, where it sees the winner's seat and
takes another: a retry, never a refusal, since the cabin has a seat for every place.
Concurrent check-ins all prefer the same best free seat, so each round has one winner:
the retries wait a short random while first, which spreads the herd out.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.checkin.apis import send_documents
from core.checkin.service import check_in
from core.checkin.views import CheckInView
from core.errors import SeatTaken
from core.identity import Caller
from core.runtime import Runtime

#: Transactions tried per check-in when a seat is taken under it.
SEAT_ATTEMPTS = 8
#: The longest wait before a retry (seconds), times the attempt number.
_RETRY_JITTER = 0.02

T = TypeVar("T")


async def in_check_in_transaction(rt: Runtime, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``work`` in a write transaction of its own, again in a new one when a seat it was
    giving was taken by a concurrent check-in (at most :data:`SEAT_ATTEMPTS` times)."""
    for attempt in range(1, SEAT_ATTEMPTS + 1):
        try:
            async with rt.db.uow() as session:
                return await work(session)
        except SeatTaken:
            if attempt == SEAT_ATTEMPTS:
                raise
            await asyncio.sleep(random.uniform(0, _RETRY_JITTER * attempt))
    raise AssertionError("unreachable")


async def check_in_flight(
    rt: Runtime, caller: Caller, booking_id: str, segment_id: str
) -> CheckInView:
    """Check in every passenger of one flight of the booking (``POST …/check-in``, the
    ``check_in`` tool): on a flight between two countries the airline is first given
    their passports (:func:`core.checkin.apis.send_documents`, no transaction open), then
    the service runs in its own transaction, retried on a seat race."""
    await send_documents(rt, booking_id, segment_id, caller=caller)

    async def work(session: AsyncSession) -> CheckInView:
        return await check_in(
            session, caller, booking_id, segment_id, now=rt.clock.now(), settings=rt.settings
        )

    return await in_check_in_transaction(rt, work)
