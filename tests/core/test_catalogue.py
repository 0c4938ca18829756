from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.catalogue import network
from core.catalogue.hotels import hotel_plans
from core.catalogue.hubs import HUB_CODES, METROS, hubs, same_metro
from core.catalogue.network import (
    CARRIER_BY_CODE,
    GATEWAYS,
    LOW_COST_ROUTES,
    block_minutes,
    quickest_route,
    schedule,
    schedule_for,
)
from core.catalogue.seed import _fare_rows, seed_catalogue
from core.errors import ValidationFailed
from core.models import Airport, Carrier, FareInventory, Flight, Hotel, RoomInventory

TODAY = date(2026, 12, 1)
SMALL = ("JFK", "LGA", "BOS", "ORD", "LHR", "LGW", "CDG", "FRA")


async def _count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


# --- the plan (pure) ---------------------------------------------------------


def test_schedule_is_deterministic_and_flight_numbers_unique() -> None:
    first = schedule()
    network.schedule.cache_clear()
    again = schedule()
    assert first == again
    keys = Counter((f.carrier, f.number) for f in first)
    assert max(keys.values()) == 1, "a flight number must name one route and slot"


def test_every_intra_region_pair_has_two_daily_flights_each_way() -> None:
    per_route = Counter((f.origin, f.destination) for f in schedule())
    for a in HUB_CODES:
        for b in HUB_CODES:
            if a == b or hubs()[a].region != hubs()[b].region:
                continue
            if same_metro(a, b):
                assert per_route[a, b] == 0, "no flights between airports of one city"
            else:
                assert per_route[a, b] >= 2, (a, b)
    assert per_route["JFK", "BOS"] >= 4
    assert per_route["LHR", "CDG"] >= 4
    assert per_route["SFO", "JFK"] >= 4
    assert per_route["JFK", "LAX"] >= 4


def test_gateways_fly_direct_across_regions() -> None:
    direct = {(f.origin, f.destination) for f in schedule()}
    for left, right in GATEWAYS:
        for a in left:
            for b in right:
                assert (a, b) in direct, (a, b)
                assert (b, a) in direct, (b, a)


def test_every_other_cross_region_pair_connects_with_one_stop() -> None:
    flights = list(schedule())
    direct = {(f.origin, f.destination) for f in flights}
    # A winter day, a summer day and the weeks when only America has moved its clocks.
    for day in (date(2026, 12, 10), date(2027, 3, 20), date(2027, 7, 1), date(2027, 11, 3)):
        deps = network._departures(flights, day)
        missing = [
            (a, b)
            for a in HUB_CODES
            for b in HUB_CODES
            if a != b and not same_metro(a, b) and (a, b) not in direct
            and not network._connects(a, b, deps, day)
        ]
        assert missing == [], day


def test_blocked_low_cost_carriers_are_never_the_only_choice() -> None:
    by_route: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in schedule():
        by_route[f.origin, f.destination].add(f.carrier)
    for carrier, pairs in LOW_COST_ROUTES.items():
        for a, b in pairs:
            assert carrier in by_route[a, b]
            assert carrier in by_route[b, a]
    routes_with_low_cost = [r for r, cs in by_route.items() if cs & {"NK", "FR"}]
    assert len(routes_with_low_cost) >= 6
    for route in routes_with_low_cost:
        others = [f for f in schedule() if (f.origin, f.destination) == route and f.carrier not in ("NK", "FR")]
        assert len(others) >= 2, route


def test_durations_cabins_and_fares_scale_with_distance() -> None:
    flights = {(f.origin, f.destination): f for f in schedule()}
    short, long_ = flights["JFK", "BOS"], flights["JFK", "LHR"]
    assert short.duration_minutes == block_minutes(short.distance_km)
    assert 5400 < long_.distance_km < 5700
    assert 400 <= long_.duration_minutes <= 480
    assert long_.duration_minutes % 5 == 0
    assert [c.cabin for c in short.cabins] == ["economy", "business"]
    assert [c.cabin for c in long_.cabins] == ["economy", "premium", "business", "first"]
    fares = [c.base_fare_minor for c in long_.cabins]
    assert fares == sorted(fares)
    assert fares[0] > short.cabins[0].base_fare_minor * 4
    for f in schedule():
        by_cabin = {c.cabin: c.capacity for c in f.cabins}
        assert 130 <= by_cabin["economy"] <= 200
        assert by_cabin.get("first", 8) <= 8
        if CARRIER_BY_CODE[f.carrier].low_cost:
            assert list(by_cabin) == ["economy"]


def test_quickest_route_is_the_schedules_own_flying_time() -> None:
    flights = [f for f in schedule() if (f.origin, f.destination) == ("JFK", "LHR")]
    found = quickest_route(("JFK", "LGA", "EWR"), ("LHR", "LGW"))
    assert found is not None
    assert found.via is None
    assert found.flying_minutes <= min(f.duration_minutes for f in flights)
    assert found.flying_minutes == min(
        f.duration_minutes
        for f in schedule()
        if f.origin in ("JFK", "LGA", "EWR") and f.destination in ("LHR", "LGW")
    )
    # No direct flight: the quickest one stop, legs summed (layover excluded).
    assert quickest_route(("DEN",), ("SYD",)) is not None
    assert not [f for f in schedule() if (f.origin, f.destination) == ("DEN", "SYD")]
    one_stop = quickest_route(("DEN",), ("SYD",))
    assert one_stop is not None
    assert one_stop.via is not None
    legs = {
        (f.origin, f.destination): f.duration_minutes
        for f in sorted(schedule(), key=lambda f: -f.duration_minutes)
    }
    assert one_stop.flying_minutes == legs[("DEN", one_stop.via)] + legs[(one_stop.via, "SYD")]
    assert one_stop.longest_leg_minutes < one_stop.flying_minutes
    # Same metro: nothing flies it.
    assert quickest_route(("JFK",), ("LGA",)) is None


def test_schedule_subset_keeps_the_same_flights() -> None:
    subset = schedule_for(frozenset(SMALL))
    assert subset
    assert set(subset) <= set(schedule())
    assert all(f.origin in SMALL and f.destination in SMALL for f in subset)


def test_hotels_cover_every_metro_with_prices_around_the_city_level() -> None:
    plans = hotel_plans()
    per_city = Counter(p.city for p in plans)
    assert set(per_city) == {m.name for m in METROS}
    assert all(3 <= n <= 5 for n in per_city.values())
    assert all(re.fullmatch(r"[A-Z0-9]{2,20}", p.id) for p in plans)
    assert len({p.id for p in plans}) == len(plans)
    london = sorted(p.base_rate_usd for p in plans if p.city == "London")
    assert london[0] < 250 < london[-1]
    delhi = max(p.base_rate_usd for p in plans if p.city == "Delhi")
    assert delhi < london[-1]


# --- seeding the database ----------------------------------------------------


async def test_seed_writes_a_consistent_window(database) -> None:
    async with database.uow() as session:
        stats = await seed_catalogue(session, today=TODAY, days_ahead=3, hubs=SMALL)
    assert (stats.first_date, stats.last_date) == (TODAY - timedelta(days=1), TODAY + timedelta(days=3))
    assert stats.airports == len(SMALL)
    assert stats.flights > 0
    assert stats.fares > stats.flights
    async with database.uow(write=False) as session:
        assert await _count(session, Airport) == len(SMALL)
        assert await _count(session, Carrier) == len(network.CARRIERS)
        assert await _count(session, Flight) == stats.flights == len(schedule_for(frozenset(SMALL))) * 5
        assert await _count(session, FareInventory) == stats.fares
        flights = (await session.scalars(select(Flight))).all()
        planned = {(f.carrier, f.number): f for f in schedule()}
        for flight in flights:
            plan = planned[flight.carrier, flight.number]
            local = flight.depart_at.astimezone(ZoneInfo(hubs()[flight.origin].tz))
            assert local.date() == flight.date
            assert local.time() == plan.depart_local
            assert flight.arrive_at > flight.depart_at
            assert flight.arrive_at - flight.depart_at == timedelta(minutes=flight.duration_minutes)
        lhr = await session.get(Airport, "LGW")
        assert lhr is not None
        assert lhr.city == "London"
        assert lhr.tz == "Europe/London"
        hotels = (await session.scalars(select(Hotel))).all()
        assert {h.city for h in hotels} == {"New York", "Boston", "Chicago", "London", "Paris", "Frankfurt"}
        assert await _count(session, RoomInventory) == len(hotels) * 5


async def test_seed_is_idempotent_and_extends_the_window(database) -> None:
    async with database.uow() as session:
        first = await seed_catalogue(session, today=TODAY, days_ahead=2, hubs=SMALL)
    async with database.uow() as session:
        again = await seed_catalogue(session, today=TODAY, days_ahead=2, hubs=SMALL)
    assert (again.airports, again.carriers, again.flights, again.fares, again.hotels, again.room_nights) == (
        0, 0, 0, 0, 0, 0,
    )
    async with database.uow() as session:
        later = await seed_catalogue(session, today=TODAY + timedelta(days=1), days_ahead=2, hubs=SMALL)
    daily = len(schedule_for(frozenset(SMALL)))
    assert later.flights == daily
    assert later.hotels == 0
    async with database.uow(write=False) as session:
        assert await _count(session, Flight) == first.flights + daily
        last = await session.scalar(select(func.max(Flight.date)))
        assert last == TODAY + timedelta(days=3)


async def test_seeded_fares_follow_the_plan(database) -> None:
    """Same inputs, same fares: the catalogue does not depend on when or where it runs."""
    async with database.uow() as session:
        await seed_catalogue(session, today=TODAY, days_ahead=1, hubs=("JFK", "BOS"))
    async with database.uow(write=False) as session:
        rows = (
            await session.execute(
                select(Flight.carrier, Flight.number, Flight.date, FareInventory.cabin,
                       FareInventory.fare_minor, FareInventory.refundable)
                .join(FareInventory, FareInventory.flight_id == Flight.id)
                .order_by(Flight.carrier, Flight.number, Flight.date, FareInventory.cabin)
            )
        ).all()
    planned = {(f.carrier, f.number): f for f in schedule()}
    for carrier, number, day, cabin, fare, refundable in rows:
        expected = next(r for r in _fare_rows(0, planned[carrier, number], day) if r["cabin"] == cabin)
        assert (fare, refundable) == (expected["fare_minor"], expected["refundable"])
    fares = [r[4] for r in rows if r[3] == "economy"]
    assert len(set(fares)) > 1, "fares vary per flight and day"


async def test_seed_rejects_unknown_hubs(database) -> None:
    async with database.uow() as session:
        with pytest.raises(ValidationFailed, match="XXX"):
            await seed_catalogue(session, today=TODAY, hubs=("JFK", "XXX"))
