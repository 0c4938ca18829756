"""Seat race: N bookings choose the same seat at the same instant, round after round.

Each round, ``--contenders`` one-seat bookings on one flight (each with its own
connection from the pool) call ``core.booking.seats.choose_seats`` for the same seat,
released together from a barrier. Exactly one must get it; every other one must hear
``SEAT_TAKEN``. The latency of each call (barrier to answer: the booking's row lock,
the read, the UPDATE that waits on the unique index for the winner's commit, the
rollback) is collected over ``--rounds`` rounds, each on a fresh seat.

Baseline: the same calls one at a time, each for a free seat of its own (no contention).
The ratio race p50 / solo p50 is the price of the race.

Usage::

    createdb -h 127.0.0.1 -U postgres bench_seats
    python bench/seat_race.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_seats

The bench drops and recreates every table of the database it is given: never point it
at a database you care about. Exit status 1 if a round had other than one winner.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from core.booking.seats import SeatChoice, choose_seats
from core.booking.service import ItemRequest, hold_booking
from core.catalogue.aircraft import seat_plan
from core.clock import FrozenClock
from core.config import Settings, normalize_database_url
from core.db import Database
from core.errors import SeatTaken
from core.identity import Caller
from core.models import (
    Airport,
    Base,
    Carrier,
    FareInventory,
    Flight,
    Organization,
    SegmentPassenger,
    TravellerDetails,
    User,
)
from core.policy.rules import acme_default
from core.policy.service import set_rules
from core.runtime import Runtime, build_runtime
from core.search.offers import flight_offer_id

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ORG = "acme"
CAPACITY = 180  # economy on an A320neo: 30 rows of 3-3


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _seed(rt: Runtime, contenders: int) -> list[tuple[Caller, str, str, str]]:
    """A flight and ``contenders`` one-seat bookings on it: (caller, booking, segment, passenger)."""
    async with rt.db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    async with rt.db.uow() as s:
        s.add(Organization(id=ORG, name="Acme Corp", currency="USD", created_at=NOW,
                           payment_method="4242424242424242"))
        for code, city, tz in (("JFK", "New York", "America/New_York"), ("BOS", "Boston", "America/New_York")):
            s.add(Airport(code=code, name=code, city=city, country="US", region="north_america",
                          tz=tz, lat=40.0, lon=-73.0))
        s.add(Carrier(code="B6", name="JetBlue", region="north_america"))
        await s.flush()
        for i in range(contenders):
            uid = f"u{i:03d}"
            s.add(User(id=uid, org_id=ORG, name=f"User {i}", email=f"{uid}@example.com",
                       role="traveler", department="Engineering", home_airport="JFK",
                       preferences={}, created_at=NOW))
            await s.flush()
            s.add(TravellerDetails(user_id=uid, org_id=ORG, given_name="User", family_name=f"N{i}",
                                   updated_at=NOW, updated_by="bench"))
        depart = NOW + timedelta(days=20)
        flight = Flight(carrier="B6", number="1001", date=depart.date(), origin="JFK",
                        destination="BOS", depart_at=depart, arrive_at=depart + timedelta(minutes=75),
                        duration_minutes=75, distance_km=300, aircraft="A320neo")
        s.add(flight)
        await s.flush()
        inventory = FareInventory(flight_id=flight.id, cabin="economy", capacity=CAPACITY,
                                  fare_minor=15000, currency="USD")
        s.add(inventory)
        await s.flush()
        await set_rules(s, ORG, acme_default(), now=NOW)
        offer = flight_offer_id(inventory.id)
    out: list[tuple[Caller, str, str, str]] = []
    for i in range(contenders):
        caller = Caller(user_id=f"u{i:03d}", org_id=ORG, role="traveler", name=f"User {i}")
        async with rt.db.uow() as s:
            booking = await hold_booking(rt, s, caller, [ItemRequest(offer, 1)])
            link = (await s.scalars(
                select(SegmentPassenger).where(SegmentPassenger.booking_id == booking.id))).one()
            out.append((caller, booking.id, link.segment_id, link.passenger_id))
    return out


async def _choose(rt: Runtime, who: tuple[Caller, str, str, str], seat: str) -> tuple[bool, float]:
    caller, booking_id, segment_id, passenger_id = who
    start = time.perf_counter()
    try:
        async with rt.db.uow() as s:
            await choose_seats(s, caller, booking_id, [SeatChoice(segment_id, passenger_id, seat)],
                               now=rt.clock.now())
        won = True
    except SeatTaken:
        won = False
    return won, (time.perf_counter() - start) * 1000


async def _race_round(rt: Runtime, people: list[tuple[Caller, str, str, str]], seat: str) -> tuple[int, list[float]]:
    gate = asyncio.Event()

    async def one(who: tuple[Caller, str, str, str]) -> tuple[bool, float]:
        await gate.wait()
        return await _choose(rt, who, seat)

    tasks = [asyncio.create_task(one(who)) for who in people]
    await asyncio.sleep(0.05)  # every task is parked at the gate
    gate.set()
    results = await asyncio.gather(*tasks)
    async with rt.db.uow(write=False) as s:
        sitting = await s.scalar(select(func.count()).select_from(SegmentPassenger)
                                 .where(SegmentPassenger.seat == seat))
    winners = sum(1 for won, _ in results if won)
    assert sitting == winners, (seat, sitting, winners)
    return winners, [ms for _, ms in results]


async def run(args: argparse.Namespace) -> int:
    url = normalize_database_url(args.database_url)
    db = Database(url, pool_size=args.contenders + 5)
    settings = Settings(env="test", database_url=url, hold_max_places_per_user=0,
                        hold_max_places_per_org=0, hold_max_open_per_user=0, hold_max_open_per_org=0)
    rt = build_runtime(settings, clock=FrozenClock(NOW), db=db)
    try:
        people = await _seed(rt, args.contenders)
        # Warm the pool: one connection per contender, opened before anything is timed.
        await asyncio.gather(*(_warm(rt) for _ in people))
        plan = seat_plan("A320neo", [("economy", CAPACITY)], 300).cabin("economy")
        assert plan is not None
        free = [spec.seat for row in plan.rows for spec in row if not spec.price_minor]
        race_seats, solo_seats = free[: args.rounds], free[args.rounds :]
        solo = [await _choose(rt, who, seat) for who, seat in zip(people, solo_seats, strict=False)]
        assert all(won for won, _ in solo)
        race: list[float] = []
        bad_rounds = 0
        for seat in race_seats:
            winners, latencies = await _race_round(rt, people, seat)
            bad_rounds += winners != 1
            race.extend(latencies)
        solo_ms = [ms for _, ms in solo]
        solo_p50 = statistics.median(solo_ms)
        p50, p99 = _percentile(race, 50), _percentile(race, 99)
        print(f"database: {db.engine.dialect.name}; contenders {args.contenders}; rounds {args.rounds}; "
              f"samples {len(race)}")
        print(f"solo (no contention): p50 {solo_p50:.1f} ms  p99 {_percentile(solo_ms, 99):.1f} ms")
        print(f"race: p50 {p50:.1f} ms  p90 {_percentile(race, 90):.1f} ms  p99 {p99:.1f} ms  "
              f"max {max(race):.1f} ms")
        print(f"rounds with exactly one winner: {args.rounds - bad_rounds}/{args.rounds}")
        print(f"seat race ({args.contenders}-way, one seat): p50 {p50:.0f} ms, p99 {p99:.0f} ms; "
              f"race/solo p50 {p50 / solo_p50:.1f}x; one winner per round: "
              f"{'yes' if not bad_rounds else f'NO ({bad_rounds} bad)'}")
        return 1 if bad_rounds else 0
    finally:
        await db.dispose()


async def _warm(rt: Runtime) -> None:
    async with rt.db.uow(write=False) as s:
        await s.execute(select(1))
        await asyncio.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "CONCIERGE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_seats"))
    parser.add_argument("--contenders", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
