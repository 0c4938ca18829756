from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from core.cache import RedisCache
from core.catalogue.seed import seed_catalogue
from core.errors import NotFound, ValidationFailed
from core.models import FareInventory, Flight, RoomInventory
from core.policy.items import FlightItem, HotelItem
from core.search.flights import (
    CO2_KG_PER_KM,
    MAX_CONNECTION,
    MIN_CONNECTION,
    load_flight_offer,
    search_flights,
)
from core.search.hotels import load_hotel_offer, search_hotels
from core.search.offers import FlightOfferRef, HotelOfferRef, parse_offer_id
from tests.conftest import REDIS_URL, requires_redis

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
DAY = date(2026, 12, 3)
HUBS = ("JFK", "LGA", "EWR", "BOS", "ORD", "LHR", "LGW", "CDG", "ZRH", "DUB")


@pytest.fixture
async def db(database):
    async with database.uow() as session:
        await seed_catalogue(session, today=TODAY, days_ahead=3, hubs=HUBS)
    return database


async def _search(db, **kwargs: Any):
    params: dict[str, Any] = {"origin": "JFK", "destination": "BOS", "date": DAY, "now": NOW}
    params.update(kwargs)
    async with db.uow(write=False) as session:
        return await search_flights(session, **params)


def _local(dt: datetime, code: str) -> datetime:
    tz = {"JFK": "America/New_York", "LGA": "America/New_York", "EWR": "America/New_York",
          "BOS": "America/New_York", "ORD": "America/Chicago"}.get(code, "Europe/London")
    return dt.astimezone(ZoneInfo(tz))


# --- flights -------------------------------------------------------------------


async def test_direct_search_returns_priced_offers_sorted_by_price(db) -> None:
    result = await _search(db, max_stops=0, limit=100)
    assert result.total == len(result.offers) >= 4  # JFK-BOS is a trunk route
    prices = [o.price_minor for o in result.offers]
    assert prices == sorted(prices)
    for offer in result.offers:
        assert offer.stops == 0
        (seg,) = offer.segments
        assert (seg.origin, seg.destination, seg.date, seg.cabin) == ("JFK", "BOS", DAY, "economy")
        assert seg.arrive_at > seg.depart_at
        assert seg.depart_at.tzinfo is not None
        assert offer.offer_id == f"FL-{seg.fare_inventory_id}"
        assert offer.total_minor == offer.price_minor
        assert offer.co2_kg == round(seg.distance_km * CO2_KG_PER_KM["economy"])
        assert offer.duration_minutes == offer.flying_minutes == seg.duration_minutes
        assert offer.seats_left >= 130
        assert seg.carrier_name  # joined from the carriers table


async def test_metro_search_covers_every_airport_of_both_cities(db) -> None:
    result = await _search(db, origin="New York", destination="london", max_stops=0, limit=100)
    origins = {o.origin for o in result.offers}
    destinations = {o.destination for o in result.offers}
    assert origins == {"JFK", "EWR"}  # LGA has no transatlantic gateway flights
    assert destinations <= {"LHR", "LGW"}
    assert "LHR" in destinations
    assert result.origin == ("JFK", "LGA", "EWR")
    assert result.origin_name == "New York"


async def test_one_stop_offers_for_a_non_gateway_pair(db) -> None:
    direct = await _search(db, origin="ORD", destination="ZRH", max_stops=0)
    assert direct.total == 0
    result = await _search(db, origin="ORD", destination="Zurich", limit=100)
    assert result.total >= 1
    for offer in result.offers:
        first, second = offer.segments
        assert offer.stops == 1
        assert first.origin == "ORD"
        assert second.destination == "ZRH"
        assert first.destination == second.origin
        assert MIN_CONNECTION <= second.depart_at - first.arrive_at <= MAX_CONNECTION
        assert offer.price_minor == first.fare_minor + second.fare_minor
        assert offer.flying_minutes == first.duration_minutes + second.duration_minutes
        assert offer.duration_minutes > offer.flying_minutes
        assert offer.offer_id == f"FL-{first.fare_inventory_id}-{second.fare_inventory_id}"
        assert offer.seats_left == min(first.seats_left, second.seats_left)


async def test_max_stops_one_adds_connections_to_direct_flights(db) -> None:
    direct = await _search(db, origin="BOS", destination="LHR", max_stops=0, limit=100)
    both = await _search(db, origin="BOS", destination="LHR", max_stops=1, limit=100)
    assert {o.offer_id for o in direct.offers} < {o.offer_id for o in both.offers}
    assert any(o.stops == 1 for o in both.offers)


async def test_sorting_and_pagination(db) -> None:
    everything = await _search(db, origin="New York", destination="Boston", limit=100)
    assert everything.total > 10
    for sort, key in (
        ("depart", lambda o: o.depart_at),
        ("arrive", lambda o: o.arrive_at),
        ("duration", lambda o: o.duration_minutes),
        ("price", lambda o: o.price_minor),
    ):
        result = await _search(db, origin="New York", destination="Boston", sort=sort, limit=100)
        values = [key(o) for o in result.offers]
        assert values == sorted(values), sort
    pages = []
    for offset in range(0, everything.total, 4):
        page = await _search(db, origin="New York", destination="Boston", limit=4, offset=offset)
        assert page.total == everything.total
        assert page.has_more == (offset + 4 < everything.total)
        pages.extend(o.offer_id for o in page.offers)
    assert pages == [o.offer_id for o in everything.offers]


async def test_time_window_and_carrier_filters(db) -> None:
    result = await _search(db, depart_after=time(9, 0), depart_before=time(15, 0), limit=100)
    assert result.offers
    for offer in result.offers:
        local = _local(offer.depart_at, "JFK").time()
        assert time(9, 0) <= local <= time(15, 0)
    everything = await _search(db, limit=100)
    carriers = {o.segments[0].carrier for o in everything.offers}
    chosen = sorted(carriers)[0]
    only = await _search(db, carriers=[chosen.lower()], limit=100)
    assert only.offers
    assert {c for o in only.offers for c in o.carriers} == {chosen}


async def test_business_cabin_and_passengers(db) -> None:
    result = await _search(db, origin="JFK", destination="LHR", cabin="Business", passengers=3, max_stops=0)
    offer = result.offers[0]
    assert offer.cabin == "business"
    assert offer.total_minor == 3 * offer.price_minor
    assert offer.refundable
    assert offer.co2_kg == round(offer.segments[0].distance_km * CO2_KG_PER_KM["business"])
    item = offer.policy_item()
    assert item == FlightItem(
        carriers=(offer.segments[0].carrier,),
        cabin="business",
        flying_minutes=offer.flying_minutes,
        longest_leg_minutes=offer.flying_minutes,
        depart_at=offer.depart_at,
        origin="JFK",
        destination="LHR",
        amount_minor=offer.total_minor,
        currency="USD",
        passengers=3,
    )


async def test_offers_need_enough_seats_on_every_leg(db) -> None:
    result = await _search(db, max_stops=0, limit=100)
    target = result.offers[0].segments[0].fare_inventory_id
    async with db.uow() as session:
        await session.execute(
            update(FareInventory)
            .where(FareInventory.id == target)
            .values(sold=FareInventory.capacity - 2, held=1)
        )
    one = await _search(db, max_stops=0, limit=100)
    two = await _search(db, max_stops=0, passengers=2, limit=100)
    assert next(o for o in one.offers if o.segments[0].fare_inventory_id == target).seats_left == 1
    assert target not in {o.segments[0].fare_inventory_id for o in two.offers}
    assert two.total == one.total - 1


async def test_cancelled_and_departed_flights_are_not_offered(db) -> None:
    result = await _search(db, max_stops=0, limit=100)
    victim = result.offers[0].segments[0].flight_id
    async with db.uow() as session:
        await session.execute(update(Flight).where(Flight.id == victim).values(status="cancelled"))
    after = await _search(db, max_stops=0, limit=100)
    assert victim not in {o.segments[0].flight_id for o in after.offers}
    assert after.total == result.total - 1

    # Searching today at 14:00 in New York: only later departures remain.
    afternoon = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    today = await _search(db, date=TODAY, now=afternoon, max_stops=0, limit=100)
    assert today.offers
    assert all(o.depart_at > afternoon for o in today.offers)


FLIGHT_SEARCH_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"origin": "Gotham"}, "Unknown airport or city"),
    ({"origin": "New York", "destination": "JFK"}, "same place"),
    ({"origin": "JFK", "destination": "LGA"}, "same place"),
    ({"date": TODAY - timedelta(days=1)}, "in the past"),
    ({"date": TODAY + timedelta(days=30)}, "beyond the schedule"),
    ({"passengers": 0}, "passengers"),
    ({"passengers": 10}, "passengers"),
    ({"cabin": "luxury"}, "Unknown cabin"),
    ({"max_stops": 2}, "max_stops"),
    ({"sort": "cheapest"}, "Unknown sort"),
    ({"limit": 0}, "limit"),
    ({"offset": -1}, "offset"),
    ({"depart_after": time(18), "depart_before": time(9)}, "depart_after"),
]


async def test_flight_search_validation(db) -> None:
    # One seeded database for every case: the cases only differ in their arguments.
    for kwargs, message in FLIGHT_SEARCH_ERRORS:
        with pytest.raises(ValidationFailed, match=message):
            await _search(db, **kwargs)


async def test_past_date_is_judged_in_the_origin_time_zone(db) -> None:
    # 03:00 UTC on Dec 2 is still Dec 1 in New York: Dec 1 departures are not "past".
    late = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    await _search(db, date=date(2026, 12, 1), now=late)
    with pytest.raises(ValidationFailed, match="in the past"):
        await _search(db, origin="LHR", destination="CDG", date=date(2026, 12, 1), now=late)


async def test_load_flight_offer_round_trips_search_offers(db) -> None:
    result = await _search(db, origin="ORD", destination="ZRH", limit=100)
    for offer in result.offers[:3]:
        ref = parse_offer_id(offer.offer_id)
        assert isinstance(ref, FlightOfferRef)
        async with db.uow(write=False) as session:
            loaded = await load_flight_offer(session, ref, passengers=2)
        assert loaded.segments == offer.segments
        assert loaded.price_minor == offer.price_minor
        assert loaded.total_minor == 2 * offer.price_minor
        assert loaded.offer_id == offer.offer_id


async def test_load_flight_offer_rejects_invalid_itineraries(db) -> None:
    async with db.uow(write=False) as session:
        rows = (
            await session.execute(
                select(Flight.origin, Flight.destination, Flight.date, FareInventory.cabin,
                       FareInventory.id, Flight.depart_at, Flight.arrive_at)
                .join(FareInventory, FareInventory.flight_id == Flight.id)
                .where(Flight.date == DAY)
            )
        ).all()

        def fare(origin: str, destination: str, cabin: str = "economy") -> Any:
            return next(r for r in rows if (r[0], r[1], r[3]) == (origin, destination, cabin))

        jfk_bos, lhr_cdg = fare("JFK", "BOS"), fare("LHR", "CDG")
        with pytest.raises(ValidationFailed, match="do not connect"):
            await load_flight_offer(session, FlightOfferRef((jfk_bos[4], lhr_cdg[4])), 1)
        bos_lhr_business = fare("BOS", "LHR", "business")
        with pytest.raises(ValidationFailed, match="mixes cabins"):
            await load_flight_offer(session, FlightOfferRef((jfk_bos[4], bos_lhr_business[4])), 1)
        # A BOS-LHR flight leaving more than 6 h after JFK-BOS lands (or before it lands).
        bad_gap = next(
            r for r in rows
            if (r[0], r[1], r[3]) == ("BOS", "LHR", "economy")
            and not MIN_CONNECTION <= r[5] - jfk_bos[6] <= MAX_CONNECTION
        )
        with pytest.raises(ValidationFailed, match="outside 45 min"):
            await load_flight_offer(session, FlightOfferRef((jfk_bos[4], bad_gap[4])), 1)
        with pytest.raises(NotFound):
            await load_flight_offer(session, FlightOfferRef((99_999_999,)), 1)
        with pytest.raises(ValidationFailed, match="passengers"):
            await load_flight_offer(session, FlightOfferRef((jfk_bos[4],)), 0)
        with pytest.raises(ValidationFailed, match="already departed"):
            await load_flight_offer(session, FlightOfferRef((jfk_bos[4],)), 1, now=NOW + timedelta(days=5))


async def test_load_flight_offer_refuses_cancelled_flights(db) -> None:
    offer = (await _search(db, max_stops=0)).offers[0]
    async with db.uow() as session:
        await session.execute(
            update(Flight).where(Flight.id == offer.segments[0].flight_id).values(status="cancelled")
        )
    async with db.uow(write=False) as session:
        with pytest.raises(ValidationFailed, match="cancelled"):
            await load_flight_offer(session, FlightOfferRef((offer.segments[0].fare_inventory_id,)), 1)


class DictCache:
    """An in-memory stand-in for RedisCache (records what it was asked)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.hits = 0

    async def get(self, key: str) -> Any | None:
        if key in self.data:
            self.hits += 1
        return self.data.get(key)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        assert ttl_seconds == 30
        self.data[key] = value


async def test_cache_keeps_itineraries_and_applies_filters_afterwards(db) -> None:
    cache = DictCache()
    first = await _search(db, cache=cache, limit=100)
    assert len(cache.data) == 1
    async with db.uow() as session:  # a change within the TTL is not seen...
        await session.execute(update(FareInventory).values(fare_minor=FareInventory.fare_minor + 100))
    cached = await _search(db, cache=cache, limit=100)
    assert cache.hits == 1
    assert [o.model_dump() for o in cached.offers] == [o.model_dump() for o in first.offers]
    # ...but per-request filters still apply to cached itineraries.
    filtered = await _search(db, cache=cache, depart_after=time(12), passengers=2, limit=100)
    assert cache.hits == 2
    assert all(_local(o.depart_at, "JFK").time() >= time(12) for o in filtered.offers)
    assert all(o.total_minor == 2 * o.price_minor for o in filtered.offers)
    uncached = await _search(db, limit=100)
    assert uncached.offers[0].price_minor != first.offers[0].price_minor


@requires_redis
async def test_redis_cache_round_trip(db) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL, decode_responses=True)
    await client.flushdb()
    try:
        cache = RedisCache(client)
        first = await _search(db, cache=cache, limit=100)
        again = await _search(db, cache=cache, limit=100)
        assert [o.model_dump() for o in again.offers] == [o.model_dump() for o in first.offers]
        assert await client.dbsize() == 1
    finally:
        await client.aclose()


# --- hotels --------------------------------------------------------------------


async def _hotels(db, **kwargs: Any):
    params: dict[str, Any] = {
        "city": "London", "check_in": DAY, "check_out": DAY + timedelta(days=2), "now": NOW,
    }
    params.update(kwargs)
    async with db.uow(write=False) as session:
        return await search_hotels(session, **params)


async def test_hotel_search_prices_the_stay(db) -> None:
    result = await _hotels(db)
    assert result.total == len(result.offers) == 5
    assert [o.nightly_minor for o in result.offers] == sorted(o.nightly_minor for o in result.offers)
    for offer in result.offers:
        assert offer.city == "London"
        assert offer.nights == 2
        assert offer.nightly_minor == max(offer.night_rates_minor)
        assert offer.total_minor == sum(offer.night_rates_minor)
        assert offer.offer_id == f"HT-{offer.hotel_id}-20261203-20261205"
        assert offer.rooms_left >= 20
    nightly = [o.nightly_minor for o in result.offers]
    assert min(nightly) < 250_00 < max(nightly)  # both sides of a usual cap
    by_airport = await _hotels(db, city="lhr")
    assert {o.hotel_id for o in by_airport.offers} == {o.hotel_id for o in result.offers}


async def test_hotel_filters_sorting_and_rooms(db) -> None:
    capped = await _hotels(db, max_nightly=Decimal("300"))
    assert capped.offers
    assert all(o.nightly_minor <= 300_00 for o in capped.offers)
    assert capped.total < 5
    assert capped.left_out_price == 5 - capped.total
    stars = await _hotels(db, sort="stars")
    assert [o.stars for o in stars.offers] == sorted((o.stars for o in stars.offers), reverse=True)
    page = await _hotels(db, limit=2, offset=2)
    assert page.total == 5
    assert len(page.offers) == 2
    three = await _hotels(db, rooms=3)
    offer = three.offers[0]
    assert offer.total_minor == 3 * sum(offer.night_rates_minor)
    assert offer.policy_item() == HotelItem(
        hotel_id=offer.hotel_id, chain=offer.chain, city="London", check_in=DAY,
        check_out=DAY + timedelta(days=2), nightly_rate_minor=offer.nightly_minor, rooms=3,
        amount_minor=offer.total_minor, currency="USD",
    )


async def test_hotel_needs_rooms_on_every_night(db) -> None:
    cheapest = (await _hotels(db)).offers[0]
    async with db.uow() as session:
        await session.execute(
            update(RoomInventory)
            .where(RoomInventory.hotel_id == cheapest.hotel_id, RoomInventory.night == DAY + timedelta(days=1))
            .values(sold=RoomInventory.capacity - 1)
        )
    one = await _hotels(db)
    two = await _hotels(db, rooms=2)
    assert next(o for o in one.offers if o.hotel_id == cheapest.hotel_id).rooms_left == 1
    assert cheapest.hotel_id not in {o.hotel_id for o in two.offers}
    async with db.uow() as session:
        await session.execute(
            RoomInventory.__table__.delete().where(
                RoomInventory.hotel_id == cheapest.hotel_id, RoomInventory.night == DAY
            )
        )
    gone = await _hotels(db)
    assert cheapest.hotel_id not in {o.hotel_id for o in gone.offers}


HOTEL_SEARCH_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"check_out": DAY}, "after check_in"),
    ({"check_out": DAY - timedelta(days=1)}, "after check_in"),
    ({"check_out": DAY + timedelta(days=31)}, "at most 30 nights"),
    ({"check_in": TODAY - timedelta(days=1)}, "in the past"),
    ({"rooms": 0}, "rooms"),
    ({"rooms": 10}, "rooms"),
    ({"city": "Gotham"}, "Unknown airport or city"),
    ({"sort": "cheapest"}, "Unknown sort"),
    ({"check_in": DAY + timedelta(days=10), "check_out": DAY + timedelta(days=12)}, "up to"),
]


async def test_hotel_search_validation(db) -> None:
    for kwargs, message in HOTEL_SEARCH_ERRORS:
        with pytest.raises(ValidationFailed, match=message):
            await _hotels(db, **kwargs)


async def test_load_hotel_offer_round_trip_and_errors(db) -> None:
    offer = (await _hotels(db, rooms=2)).offers[0]
    ref = parse_offer_id(offer.offer_id)
    assert isinstance(ref, HotelOfferRef)
    async with db.uow(write=False) as session:
        assert await load_hotel_offer(session, ref, rooms=2) == offer
        with pytest.raises(NotFound):
            await load_hotel_offer(session, HotelOfferRef("NOPE01", DAY, DAY + timedelta(days=1)), 1)
        with pytest.raises(NotFound, match="no rooms on sale"):
            await load_hotel_offer(
                session, HotelOfferRef(offer.hotel_id, DAY, DAY + timedelta(days=20)), 1
            )
        with pytest.raises(ValidationFailed, match="rooms"):
            await load_hotel_offer(session, ref, rooms=0)
