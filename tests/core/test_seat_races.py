"""Race pair for seat choice (STYLE: pretix's concurrency tests), on the real code.

The guard is the unique index on ``(flight_id, seat)`` (``core.inventory.seats``). The
read before the write (``core.booking.seats._occupied``) answers the common case, but
two requests may both read the seat free before either commits (PostgreSQL, READ
COMMITTED): these tests make that read stale on purpose, then show two bookings in one
seat once the index is dropped, and exactly one winner while it stands. Run on SQLite
and, with ``CONCIERGE_TEST_DATABASE_URL``, on PostgreSQL with concurrent connections.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text, update

from core.booking import seats as seats_module
from core.booking.seats import SeatChoice, choose_seats
from core.booking.service import ItemRequest, hold_booking
from core.errors import SeatTaken
from core.identity import Caller
from core.models import SegmentPassenger
from core.models.passenger import SEAT_INDEX
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, MIA, build_world

pytestmark = pytest.mark.race

SEAT = "15C"
CONTENDERS = 8
NO_CAPS = {
    "hold_max_places_per_user": 0,
    "hold_max_places_per_org": 0,
    "hold_max_open_per_user": 0,
    "hold_max_open_per_org": 0,
}


async def _bookings(runtime: Runtime, n: int) -> list[tuple[Caller, str, SeatChoice]]:
    """``n`` one-seat bookings on the same flight, each with the choice of ``SEAT``."""
    runtime.settings = runtime.settings.model_copy(update=NO_CAPS)
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    out: list[tuple[Caller, str, SeatChoice]] = []
    for i in range(n):
        caller = AVA if i % 2 else MIA
        async with runtime.db.uow() as s:
            booking = await hold_booking(runtime, s, caller, [ItemRequest(offer, 1)])
            link = (
                await s.scalars(select(SegmentPassenger).where(SegmentPassenger.booking_id == booking.id))
            ).one()
        out.append((caller, booking.id, SeatChoice(link.segment_id, link.passenger_id, SEAT)))
    return out


async def _race(runtime: Runtime, contenders: list[tuple[Caller, str, SeatChoice]]) -> list[object]:
    async def attempt(caller: Caller, booking_id: str, choice: SeatChoice) -> object:
        try:
            async with runtime.db.uow() as s:
                await choose_seats(s, caller, booking_id, [choice], now=runtime.clock.now())
            return True
        except SeatTaken as exc:
            return exc

    return list(await asyncio.gather(*(attempt(*c) for c in contenders)))


async def _sitting_in_the_seat(runtime: Runtime) -> int:
    async with runtime.db.uow(write=False) as s:
        return int(
            await s.scalar(
                select(func.count()).select_from(SegmentPassenger).where(SegmentPassenger.seat == SEAT)
            )
        )


def _stale_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request reads the seats as they were before anybody wrote (the read of two
    requests that both look before either commits)."""

    async def nobody_sits_anywhere(session, flight_ids):  # type: ignore[no-untyped-def]
        return {}

    monkeypatch.setattr(seats_module, "_occupied", nobody_sits_anywhere)


@pytest.fixture
async def without_the_seat_index(runtime: Runtime) -> AsyncIterator[None]:
    """The guard switched off: the unique index dropped for this test, put back after."""
    async with runtime.db.engine.begin() as conn:
        await conn.execute(text(f"DROP INDEX {SEAT_INDEX}"))
    try:
        yield
    finally:
        async with runtime.db.engine.begin() as conn:
            await conn.execute(update(SegmentPassenger).values(seat=None, flight_id=None))
            await conn.execute(
                text(f"CREATE UNIQUE INDEX {SEAT_INDEX} ON segment_passengers (flight_id, seat)")
            )


async def test_without_the_unique_index_two_bookings_sit_in_one_seat(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, without_the_seat_index: None
) -> None:
    contenders = await _bookings(runtime, 2)
    _stale_read(monkeypatch)

    outcomes = await _race(runtime, contenders)

    assert outcomes == [True, True], "without the index nobody hears SEAT_TAKEN"
    assert await _sitting_in_the_seat(runtime) == 2


async def test_two_bookings_that_both_read_the_seat_free_one_gets_it(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    contenders = await _bookings(runtime, 2)
    _stale_read(monkeypatch)

    outcomes = await _race(runtime, contenders)

    assert outcomes.count(True) == 1
    (lost,) = [o for o in outcomes if o is not True]
    assert isinstance(lost, SeatTaken)
    assert lost.extra["seats"] == [SEAT]
    assert SEAT in str(lost)
    assert await _sitting_in_the_seat(runtime) == 1


async def test_many_bookings_racing_for_one_seat_exactly_one_wins(runtime: Runtime) -> None:
    contenders = await _bookings(runtime, CONTENDERS)

    outcomes = await _race(runtime, contenders)

    assert outcomes.count(True) == 1
    assert all(isinstance(o, SeatTaken) and o.extra["seats"] == [SEAT] for o in outcomes if o is not True)
    assert await _sitting_in_the_seat(runtime) == 1
