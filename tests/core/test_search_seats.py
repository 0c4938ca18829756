"""Search never shows seats that a hold, a release or a sale has already changed.

Issue 14 §7: a cached search kept showing the seats of the last 30 s (145 seats shown
after the flight sold out in a race), so a user could be offered a sold-out flight
again and again. Every case runs twice: one process with an in-process cache, and two
runtimes — two API processes as far as anything is concerned: their own database pools
and Redis clients — sharing one database and one Redis cache, one searching and the
other booking.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import update

from core.booking.cancel import cancel_booking
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, cancel_held_booking, hold_booking
from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.inventory.holds import release_expired_holds
from core.models import Flight
from core.runtime import Runtime, build_runtime
from core.search.flights import FlightSearchResult, search_flights
from core.search.offers import flight_offer_id
from tests.conftest import REDIS_URL
from tests.core.booking_world import AVA, World, build_world
from tests.fakes.cache import DictCache

DAY = date(2026, 12, 18)  # the world's JFK→BOS flights; "tiny" has 2 economy seats


@pytest.fixture(params=["one process", "two processes on redis"])
async def pair(
    request: pytest.FixtureRequest, runtime: Runtime, settings: Settings, clock: FrozenClock
) -> AsyncIterator[tuple[Runtime, Runtime]]:
    """(searcher, booker)."""
    if request.param == "one process":
        runtime.cache = DictCache()
        yield runtime, runtime
        return
    if REDIS_URL is None:
        pytest.skip("CONCIERGE_TEST_REDIS_URL not set")
    other = build_runtime(settings, clock=clock, db=Database(settings.database_url))
    try:
        yield runtime, other
    finally:
        await other.close()


async def search(rt: Runtime, passengers: int = 1) -> FlightSearchResult:
    async with rt.db.uow(write=False) as session:
        return await search_flights(
            session,
            origin="JFK",
            destination="BOS",
            date=DAY,
            now=rt.clock.now(),
            max_stops=0,
            passengers=passengers,
            cache=rt.cache,
            cache_ttl_seconds=rt.settings.search_cache_ttl_seconds,
        )


def seats_of(result: FlightSearchResult, world: World) -> int | None:
    """Seats shown for the tiny flight's economy offer; None when it is not offered."""
    wanted = flight_offer_id(world.tiny_inv["economy"].id)
    return next((o.seats_left for o in result.offers if o.offer_id == wanted), None)


async def hold(rt: Runtime, world: World, quantity: int) -> str:
    offer_id = flight_offer_id(world.tiny_inv["economy"].id)
    async with rt.db.uow() as session:
        booking = await hold_booking(rt, session, AVA, [ItemRequest(offer_id, quantity)])
        return booking.id


@pytest.fixture
async def world(pair: tuple[Runtime, Runtime]) -> World:
    return await build_world(pair[0])


async def test_a_hold_that_sells_a_flight_out_hides_it_from_the_next_search(
    pair: tuple[Runtime, Runtime], world: World
) -> None:
    searcher, booker = pair
    assert seats_of(await search(searcher), world) == 2  # the search is now cached

    booking_id = await hold(booker, world, 2)

    assert seats_of(await search(searcher), world) is None, "a sold-out flight was offered again"

    async with booker.db.uow() as session:
        await cancel_held_booking(booker, session, AVA, booking_id)
    assert seats_of(await search(searcher), world) == 2, "released seats were not shown"


async def test_a_partial_hold_and_its_expiry_show_at_once(
    pair: tuple[Runtime, Runtime], world: World
) -> None:
    searcher, booker = pair
    assert seats_of(await search(searcher, passengers=2), world) == 2

    await hold(booker, world, 1)

    assert seats_of(await search(searcher), world) == 1
    assert seats_of(await search(searcher, passengers=2), world) is None
    assert isinstance(booker.clock, FrozenClock)
    booker.clock.advance(seconds=booker.settings.hold_ttl_seconds + 1)
    async with booker.db.uow() as session:  # the sweeper
        assert await release_expired_holds(session, now=booker.clock.now()) == 1
    assert seats_of(await search(searcher, passengers=2), world) == 2


async def test_a_sale_and_its_cancellation_show_at_once(
    pair: tuple[Runtime, Runtime], world: World
) -> None:
    searcher, booker = pair
    assert seats_of(await search(searcher), world) == 2
    first = await hold(booker, world, 1)
    await confirm_booking(booker, AVA, first)
    second = await hold(booker, world, 1)
    await confirm_booking(booker, AVA, second)

    assert seats_of(await search(searcher), world) is None

    await cancel_booking(booker, AVA, first, reason="plans changed")
    assert seats_of(await search(searcher), world) == 1


async def test_a_flight_cancelled_by_the_airline_leaves_the_cached_search(
    pair: tuple[Runtime, Runtime], world: World
) -> None:
    searcher, booker = pair
    assert seats_of(await search(searcher), world) == 2
    async with booker.db.uow() as session:
        await session.execute(
            update(Flight).where(Flight.id == world.tiny.id).values(status="cancelled")
        )
    assert seats_of(await search(searcher), world) is None


async def test_the_cache_still_answers_the_itineraries(
    pair: tuple[Runtime, Runtime], world: World
) -> None:
    """What is cached stays cached: a second search reads no itinerary query."""
    searcher, _booker = pair
    first = await search(searcher)
    again = await search(searcher)
    assert [o.model_dump() for o in again.offers] == [o.model_dump() for o in first.offers]
    if isinstance(searcher.cache, DictCache):
        assert searcher.cache.hits == 1


async def test_an_entry_cached_by_the_old_version_is_searched_afresh(runtime: Runtime) -> None:
    """During a rolling deploy Redis still holds entries with seat counts in them."""
    world = await build_world(runtime)
    runtime.cache = cache = DictCache()
    await search(runtime)
    [key] = cache.data
    cache.data[key] = [[{"seats_left": 145}]]  # the old shape: itineraries of whole legs

    assert seats_of(await search(runtime), world) == 2
    assert isinstance(cache.data[key], dict)  # rewritten in the new shape
