"""Flight search behind the cache: fresh seat counts vs the old cached counts.

Issue 14 §7: the search cache kept seat counts for 30 s, so a flight that sold out
was offered again. Two ways to fix it, measured here against the old way:

- ``fresh``  (what ``core.search.flights`` does now): the cache keeps the itineraries
  without their counts; every search reads the counts of the cached fare rows by
  primary key (one query);
- ``invalidate``: keep the old cache and delete the entry whenever a hold, release
  or sale touches one of its flights, so the next search misses and runs the
  itinerary queries again. Measured here with *ideal* invalidation (the bench knows
  the one key it touched and deletes it); a real one must find every key a flight is
  in (its airports, metro areas, first and second legs of connections), so it can
  only cost more;
- ``old``: ``core/search/flights.py`` as it was at ``OLD_COMMIT`` (loaded from git,
  run side by side): cached counts, stale for up to the TTL.

Part 1 times one search each way on a warm cache (and a miss, which is what every
search costs without a cache). Part 2 runs the same sequence of searches over a few
routes, with a write (a seat taken on one flight of the route just searched) before
every k-th search, and reports ms per search, the ratio to ``old``, and how many
answers showed a seat count that was no longer true.

    .venv/bin/python bench/search_cache.py                      # SQLite, in-process cache
    .venv/bin/python bench/search_cache.py --redis-url redis://127.0.0.1:6379/14
    .venv/bin/python bench/search_cache.py --database-url postgresql+psycopg://…/bench \\
        --redis-url redis://127.0.0.1:6379/14                   # drops every table there!
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

if __package__ in (None, ""):
    # Run as a script (``python bench/search_cache.py``): make the project importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import redis.asyncio as aioredis
from sqlalchemy import select, update

import api.routes.search as search_route
from api.app import create_app
from core.cache import RedisCache
from core.catalogue.places import resolve_place
from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.models import Base, FareInventory
from core.policy.service import get_rules
from core.runtime import build_runtime
from core.search import flights as new_flights
from core.seed import seed_demo

ROOT = Path(__file__).resolve().parents[1]
OLD_COMMIT = "bdfd43d"  # main before issue 14 §7: seat counts cached with the itineraries
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 12, 11)
HUBS = ("JFK", "LGA", "EWR", "BOS", "ORD", "MDW", "LHR", "LGW", "CDG", "ORY", "FRA", "AMS")
ROUTES = (
    ("New York", "London"),
    ("JFK", "BOS"),
    ("Chicago", "Paris"),
    ("Boston", "Frankfurt"),
    ("London", "Amsterdam"),
    ("New York", "Chicago"),
)
TTL = 30


def load_old_module() -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{OLD_COMMIT}:core/search/flights.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="bench-old-search-")) / "old_flights.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_flights", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through it
    spec.loader.exec_module(module)
    return module


class MemoryCache:
    """In-process cache (the bench without Redis); JSON round trip like Redis."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    async def get(self, key: str) -> Any | None:
        raw = self.data.get(key)
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        self.data[key] = json.dumps(value, default=str)

    async def delete(self, key: str) -> None:
        self.data.pop(key, None)


class KeyedRedisCache(RedisCache):
    async def delete(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)


Search = Callable[[str, str], Awaitable[Any]]


def searcher(
    db: Database, module: ModuleType, cache: Any | None, *, as_the_route: bool = True
) -> Search:
    """One search in its own read transaction. ``as_the_route``: followed by the policy
    read in the same transaction, as ``GET /v1/flights/search`` and the ``search_flights``
    tool run it (so the transaction is opened whatever the cache answers)."""

    async def search(origin: str, destination: str) -> Any:
        async with db.uow(write=False) as session:
            result = await module.search_flights(
                session,
                origin=origin,
                destination=destination,
                date=DAY,
                now=NOW,
                limit=20,
                cache=cache,
                cache_ttl_seconds=TTL,
            )
            if as_the_route:
                await get_rules(session, "acme")
            return result

    return search


async def timed(search: Search, route: tuple[str, str]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await search(*route)
    return (time.perf_counter() - start) * 1000, result


async def part1(
    db: Database, old: ModuleType, caches: dict[str, Any], rounds: int, *, as_the_route: bool
) -> dict[str, float]:
    ways = {
        "old (cached counts)": searcher(db, old, caches["old"], as_the_route=as_the_route),
        "fresh (counts read)": searcher(
            db, new_flights, caches["fresh"], as_the_route=as_the_route
        ),
        "miss (no cache)": searcher(db, new_flights, None, as_the_route=as_the_route),
    }
    for search in ways.values():  # warm the caches and the connection pools
        for route in ROUTES:
            await search(*route)
    samples: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for route in ROUTES:
            for name, search in ways.items():  # interleaved: machine noise hits all alike
                samples[name].append((await timed(search, route))[0])
    return {name: statistics.median(values) for name, values in samples.items()}


async def part1_endpoint(
    settings: Settings, db: Database, old: ModuleType, caches: dict[str, Any], rounds: int
) -> dict[str, float]:
    """``GET /v1/flights/search`` in process (authentication, policy verdicts, JSON), the
    route's ``search_flights`` and the runtime's cache swapped before each request."""
    rt = build_runtime(settings, clock=FrozenClock(NOW), db=db)
    app = create_app(runtime=rt)
    ways = {
        "old (cached counts)": (old.search_flights, caches["old"]),
        "fresh (counts read)": (new_flights.search_flights, caches["fresh"]),
        "miss (no cache)": (new_flights.search_flights, None),
    }
    samples: dict[str, list[float]] = {name: [] for name in ways}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for n in range(rounds + 1):
            for route in ROUTES:
                for name, (search, cache) in ways.items():
                    search_route.search_flights = search
                    rt.cache = cache
                    params = {"origin": route[0], "destination": route[1], "date": DAY.isoformat()}
                    start = time.perf_counter()
                    response = await client.get(
                        "/v1/flights/search",
                        params=params,
                        headers={"Authorization": "Bearer demo-ava"},
                    )
                    ms = (time.perf_counter() - start) * 1000
                    assert response.status_code == 200, response.text
                    if n:  # the first round warms the caches
                        samples[name].append(ms)
    search_route.search_flights = new_flights.search_flights
    if rt.redis is not None:
        await rt.redis.aclose()
    return {name: statistics.median(values) for name, values in samples.items()}


async def seats_now(db: Database) -> dict[int, int]:
    async with db.uow(write=False) as session:
        rows = await session.execute(
            select(
                FareInventory.id, FareInventory.capacity - FareInventory.held - FareInventory.sold
            )
        )
        return {int(i): int(s) for i, s in rows.all()}


def stale_offers(result: Any, truth: dict[int, int]) -> int:
    return sum(
        1
        for offer in result.offers
        if offer.seats_left != min(truth[s.fare_inventory_id] for s in offer.segments)
    )


async def take_a_seat(db: Database, fare_id: int) -> None:
    """What a hold does to the inventory row (the bench times searches, not holds)."""
    async with db.uow() as session:
        await session.execute(
            update(FareInventory)
            .where(
                FareInventory.id == fare_id,
                FareInventory.held + FareInventory.sold < FareInventory.capacity,
            )
            .values(held=FareInventory.held + 1)
        )


async def reset_holds(db: Database) -> None:
    async with db.uow() as session:
        await session.execute(update(FareInventory).values(held=0))


async def part2(
    db: Database, old: ModuleType, caches: dict[str, Any], searches: int, every: int
) -> dict[str, tuple[float, int]]:
    """ms per search (invalidation included, the write itself not) and stale answers, per
    way. The ways run interleaved over one sequence: the same writes, the same searches."""
    await reset_holds(db)
    ways = {
        name: searcher(db, new_flights if name == "fresh" else old, caches[name])
        for name in ("old", "invalidate", "fresh")
    }
    for search in ways.values():
        for route in ROUTES:  # warm
            await search(*route)
    spent = dict.fromkeys(ways, 0.0)
    stale = dict.fromkeys(ways, 0)
    for i in range(searches):
        route = ROUTES[i % len(ROUTES)]
        if every and i % every == every - 1:
            shown = (await ways["fresh"](*route)).offers  # not timed: which flight to write to
            if shown:
                await take_a_seat(db, shown[i % len(shown)].segments[0].fare_inventory_id)
                src, dst = (resolve_place(p) for p in route)
                key = old._cache_key(src.airports, dst.airports, DAY, "economy", 1)
                start = time.perf_counter()
                await caches["invalidate"].delete(key)
                spent["invalidate"] += (time.perf_counter() - start) * 1000
        truth = await seats_now(db)
        for name, search in ways.items():
            ms, result = await timed(search, route)
            spent[name] += ms
            stale[name] += stale_offers(result, truth) > 0
    return {name: (spent[name] / searches, stale[name]) for name in ways}


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("CONCIERGE_BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("CONCIERGE_BENCH_REDIS_URL"))
    parser.add_argument("--rounds", type=int, default=20, help="part 1: searches per route and way")
    parser.add_argument(
        "--searches", type=int, default=240, help="part 2: searches per way and mix"
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-search-")
    url = args.database_url or f"sqlite+aiosqlite:///{Path(workdir) / 'search.db'}"
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    settings = Settings(env="test", database_url=url, redis_url=args.redis_url or None)
    async with db.uow() as session:
        await seed_demo(
            session, today=NOW.date(), days_ahead=12, hubs=HUBS, settings=settings, now=NOW
        )
    if db.engine.dialect.name == "postgresql":  # plans as a live database's statistics give
        async with db.engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql(
                "ANALYZE"
            )

    redis = None
    if args.redis_url:
        redis = aioredis.from_url(args.redis_url, decode_responses=True)
        await redis.flushdb()
        caches: dict[str, Any] = {
            name: KeyedRedisCache(redis, prefix=f"bench-{name}:")
            for name in ("old", "invalidate", "fresh")
        }
    else:
        caches = {name: MemoryCache() for name in ("old", "invalidate", "fresh")}
    old = load_old_module()
    backend = f"{db.engine.dialect.name} + {'redis' if redis else 'in-process cache'}"
    print(f"search_cache: {backend}; {len(ROUTES)} routes on {DAY}, economy, up to 1 stop")

    for as_the_route in (False, True):
        hit = await part1(db, old, caches, args.rounds, as_the_route=as_the_route)
        base = hit["old (cached counts)"]
        what = (
            "as the route runs it (+ the policy read)" if as_the_route else "search_flights alone"
        )
        print(
            f"\npart 1 — one search on a warm cache, {what}; median of {args.rounds * len(ROUTES)}"
        )
        print(f"{'way':<22}{'ms':>8}{'vs old':>9}")
        for name, ms in hit.items():
            print(f"{name:<22}{ms:>8.2f}{ms / base:>8.2f}×")

    hit = await part1_endpoint(settings, db, old, caches, args.rounds)
    base = hit["old (cached counts)"]
    print(
        f"\npart 1 — GET /v1/flights/search on a warm cache; median of {args.rounds * len(ROUTES)}"
    )
    print(f"{'way':<22}{'ms':>8}{'vs old':>9}")
    for name, ms in hit.items():
        print(f"{name:<22}{ms:>8.2f}{ms / base:>8.2f}×")

    print(f"\npart 2 — {args.searches} searches per way; a seat taken before every k-th search")
    print(f"{'k':>4}  {'way':<12}{'ms/search':>10}{'vs old':>9}{'stale answers':>15}")
    for every in (0, 20, 5, 2):
        rows = await part2(db, old, caches, args.searches, every)
        old_ms = rows["old"][0]
        for name, (ms, stale) in rows.items():
            label = "never" if every == 0 else str(every)
            print(f"{label:>4}  {name:<12}{ms:>10.2f}{ms / old_ms:>8.2f}×{stale:>15}")
    if redis is not None:
        await redis.flushdb()
        await redis.aclose()
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
