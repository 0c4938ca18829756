"""Booking race: our holds against a naive read-then-write baseline, side by side.

N worker processes (spawned, each with its own event loop and its own
``core.runtime.Runtime``) hammer holds:

* **hot**: every attempt wants one economy seat on one flight with few seats;
* **spread**: the same load spread at random over ``--flights`` flights.

Each scenario runs with these variants (``--variants``):

``ours``
    ``hold_booking`` in one ``rt.db.uow()``: the full booking path (traveller,
    offer, policy, booking + segment rows, audit, outbox) and the conditional
    ``UPDATE … WHERE held + sold + n <= capacity``, with no application lock (the
    Redis contention lock it had until issue 15 added no throughput, a worse p99 and
    ``LockTimeout``s: ``ours`` vs the old ``ours-nolocks``, 36 vs 38 holds/s, p99
    2.5 s vs 0.8 s, median of 3 hot runs).
``ours-rows``
    the same ``hold_booking`` with ``hold_one_statement`` off: the booking path row by
    row (statics read in the transaction, one statement per row), as it was before
    issue 15's one-statement hold and as it still is on SQLite. ``ours`` vs
    ``ours-rows`` is that change's before/after in one run.
``naive``
    the classic read-then-write an ORM invites, at READ COMMITTED: read the
    inventory row, check it in Python, write ``held = <value read> + 1`` back (no
    condition, no lock) and insert a minimal hold row (against a placeholder
    booking per worker). Nothing else.
``naive-full``
    ``hold_booking`` doing all of our work, but with the inventory step swapped for
    the naive read-then-write above. Comparing ``ours``
    with it isolates the price of the concurrency control itself.

To let the naive variants oversell on PostgreSQL, the bench drops the
``held + sold <= capacity`` CHECK constraint(s) of ``fare_inventory`` before a
naive run and adds them back afterwards as ``NOT VALID`` (the oversold rows
would fail validation); every run starts from a freshly created schema, so each
``ours`` run has the constraint. On SQLite the constraint stays: there a write
transaction starts with ``BEGIN IMMEDIATE``, which serializes the whole
read-then-write, so the naive code cannot oversell (and never trips the CHECK).

Throughput: the hot flight sells out within the first few dozen attempts, so
holds/s counts **attempts answered per second** (held or sold out) over a
fixed number of attempts per worker, from the moment every worker is ready to
the last answer. Oversell = successful holds beyond capacity, summed per flight
(from the answers the workers got). After each run the bench also reads the
database: ``lost`` = holds answered as successful but missing from ``held``
(lost updates), and the DB check verifies ``held + sold <= capacity``, that
``held`` equals the successes and equals the active hold rows.

Usage::

    python bench/booking_race.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        --redis-url redis://127.0.0.1:6379/8 --workers 16
    python bench/booking_race.py --quick
    python bench/booking_race.py --database-url sqlite+aiosqlite:///var/bench.db

The bench drops and recreates every table of the database it is given: never
point it at a database you care about.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import multiprocessing as mp
import os
import random
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

if __package__ in (None, ""):
    # Run as a script (``python bench/booking_race.py``): make the project importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table
from sqlalchemy import event, func, select, text
from sqlalchemy.engine.default import CACHE_HIT, CACHE_MISS, CACHING_DISABLED, NO_CACHE_KEY
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.one_statement import fare_state
from core.cache import RedisCache
from core.config import Settings, normalize_database_url
from core.db import Database
from core.errors import SoldOut
from core.identity import Caller
from core.inventory.holds import HoldLine
from core.models import (
    Airport,
    Base,
    Booking,
    BookingStatus,
    Carrier,
    FareInventory,
    Flight,
    Hold,
    HoldStatus,
    Organization,
    Segment,
    SegmentKind,
    SegmentStatus,
    User,
)
from core.policy.rules import acme_default
from core.policy.service import set_rules
from core.runtime import Runtime, build_runtime
from core.search.offers import flight_offer_id

SCENARIOS = ("hot", "spread")
VARIANTS = ("ours", "ours-rows", "naive", "naive-full")
DEFAULT_VARIANTS = ("ours", "ours-rows", "naive", "naive-full")
NAIVE_VARIANTS = frozenset({"naive", "naive-full"})
OURS_VARIANTS = frozenset({"ours", "ours-rows"})
GOAL_RATIO = 0.8

ORG_ID = "acme"
FARE_MINOR = 15_000
HOLD_TTL = timedelta(minutes=15)
WARMUP_ATTEMPTS = 3


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class BenchConfig:
    database_url: str
    redis_url: str | None
    workers: int
    attempts_per_worker: int
    seconds: float
    seats: int
    flights: int
    spread_seats: int
    scenarios: tuple[str, ...]
    variants: tuple[str, ...]
    seed: int
    json_path: str | None
    repeat: int = 1
    phases: bool = False

    @property
    def total_attempts(self) -> int:
        return self.workers * self.attempts_per_worker

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@dataclass(frozen=True)
class World:
    """Ids the workers need; the same on every run because the schema is recreated."""

    hot_fare_id: int
    spread_fare_ids: tuple[int, ...]
    warmup_fare_id: int
    #: A flight with no seats: every variant's warm-up meets a sold-out answer too.
    full_fare_id: int
    capacities: dict[int, int]
    users: tuple[str, ...]
    # (booking id, segment id) per worker: the parent rows of the bare baseline's holds.
    naive_parents: tuple[tuple[str, str], ...]

    def fares_for(self, scenario: str) -> tuple[int, ...]:
        return (self.hot_fare_id,) if scenario == "hot" else self.spread_fare_ids


@dataclass(frozen=True)
class WorkerJob:
    index: int
    scenario: str
    variant: str
    database_url: str
    redis_url: str | None
    user_id: str
    fare_ids: tuple[int, ...]
    warmup_fare_id: int
    full_fare_id: int
    naive_parent: tuple[str, str]
    attempts: int
    seconds: float
    seed: int
    phases: bool = False


@dataclass
class WorkerResult:
    index: int
    successes: int = 0
    sold_out: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    per_fare: dict[int, int] = field(default_factory=dict)
    statements: int = 0
    cpu_s: float = 0.0
    attempts: int = 0
    started: float = 0.0
    finished: float = 0.0
    hit_deadline: bool = False
    fatal: str | None = None
    #: With ``--phases``: per answered attempt, ms in each phase (see ``PhaseClock``).
    phases: dict[str, list[float]] = field(default_factory=dict)
    #: With ``--phases``: statements by compiled-cache outcome (hit, miss, ...).
    cache: dict[str, int] = field(default_factory=dict)


@dataclass
class RunResult:
    scenario: str
    variant: str
    attempts: int
    answered: int
    successes: int
    sold_out: int
    errors: dict[str, int]
    wall_s: float
    holds_per_s: float
    p50_ms: float
    p99_ms: float
    oversell: int
    lost_updates: int
    db_ok: bool
    db_problems: list[str]
    statements_per_attempt: float
    cpu_ms_per_attempt: float
    hit_deadline: bool
    #: With ``--phases``: phase → (mean over all attempts, mean over the slowest 1 %) in ms.
    phases: dict[str, tuple[float, float]] = field(default_factory=dict)
    cache: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- world


async def reset_world(cfg: BenchConfig) -> World:
    """Fresh schema plus one org, a user per worker, Acme's policy and the flights."""
    db = Database(cfg.database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        users = tuple(f"bench-{i:03d}" for i in range(cfg.workers))
        async with db.uow() as s:
            s.add(Organization(id=ORG_ID, name="Acme Corp", currency="USD", created_at=now))
            await s.flush()
            for user_id in users:
                s.add(
                    User(
                        id=user_id, org_id=ORG_ID, name=user_id.title(),
                        email=f"{user_id}@example.com", role="traveler", department="Engineering",
                        home_airport="JFK", preferences={}, created_at=now,
                    )
                )
            s.add_all(
                [
                    Airport(code="JFK", name="New York JFK", city="New York", country="US",
                            region="NA", tz="America/New_York", lat=40.64, lon=-73.78),
                    Airport(code="BOS", name="Boston BOS", city="Boston", country="US",
                            region="NA", tz="America/New_York", lat=42.36, lon=-71.01),
                    Carrier(code="B6", name="JetBlue", region="NA"),
                ]
            )
            await s.flush()
            await set_rules(s, ORG_ID, acme_default(), now=now)
            # 30 days out, 75 minutes, economy: green under Acme's policy.
            depart = now + timedelta(days=30)
            capacities: dict[int, int] = {}

            async def flight(number: str, offset_min: int, capacity: int) -> int:
                at = depart + timedelta(minutes=offset_min)
                row = Flight(
                    carrier="B6", number=number, date=at.date(), origin="JFK", destination="BOS",
                    depart_at=at, arrive_at=at + timedelta(minutes=75), duration_minutes=75,
                    distance_km=300,
                )
                s.add(row)
                await s.flush()
                fare = FareInventory(
                    flight_id=row.id, cabin="economy", capacity=capacity, fare_minor=FARE_MINOR,
                    currency="USD",
                )
                s.add(fare)
                await s.flush()
                capacities[fare.id] = capacity
                return fare.id

            hot = await flight("100", 0, cfg.seats)
            warmup = await flight("99", 5, cfg.workers * WARMUP_ATTEMPTS * 2)
            full = await flight("98", 6, 0)
            spread = tuple(
                [await flight(str(1000 + i), 10 + i, cfg.spread_seats) for i in range(cfg.flights)]
            )
            parents: list[tuple[str, str]] = []
            for i, user_id in enumerate(users):
                booking_id, segment_id = f"BK-N{i:05d}", f"SG_NAIVE{i:05d}"
                s.add(
                    Booking(
                        id=booking_id, org_id=ORG_ID, traveler_id=user_id, created_by=user_id,
                        status=BookingStatus.HELD, total_minor=0, currency="USD",
                        policy_status="green", policy={}, created_at=now, updated_at=now,
                    )
                )
                await s.flush()
                s.add(
                    Segment(
                        id=segment_id, booking_id=booking_id, kind=SegmentKind.FLIGHT,
                        status=SegmentStatus.HELD, quantity=1, amount_minor=0, currency="USD",
                        offer_id="bench-naive", created_at=now,
                    )
                )
                parents.append((booking_id, segment_id))
        if cfg.redis_url:
            # Same ids every run: never let a cached answer from the last run leak in.
            import redis.asyncio as aioredis

            redis = aioredis.from_url(cfg.redis_url)
            try:
                await RedisCache(redis).delete_prefix("")
            finally:
                await redis.aclose()
        return World(hot, spread, warmup, full, capacities, users, tuple(parents))
    finally:
        await db.dispose()


_CAPACITY_CHECKS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'fare_inventory'::regclass AND contype = 'c'
   AND pg_get_constraintdef(oid) LIKE '%capacity%'
"""


async def drop_capacity_checks(cfg: BenchConfig) -> list[tuple[str, str]]:
    """Let the naive baseline oversell on PostgreSQL: drop the capacity CHECK(s)."""
    if cfg.is_sqlite:
        return []  # BEGIN IMMEDIATE serializes the naive code there; see the module docstring.
    db = Database(cfg.database_url)
    try:
        async with db.engine.begin() as conn:
            found = [(str(r[0]), str(r[1])) for r in (await conn.execute(text(_CAPACITY_CHECKS)))]
            for name, _definition in found:
                await conn.execute(text(f'ALTER TABLE fare_inventory DROP CONSTRAINT "{name}"'))
        return found
    finally:
        await db.dispose()


async def restore_capacity_checks(cfg: BenchConfig, dropped: list[tuple[str, str]]) -> None:
    """Put the CHECK(s) back, ``NOT VALID`` because the baseline left oversold rows."""
    if not dropped:
        return
    db = Database(cfg.database_url)
    try:
        async with db.engine.begin() as conn:
            for name, definition in dropped:
                await conn.execute(
                    text(f'ALTER TABLE fare_inventory ADD CONSTRAINT "{name}" {definition} NOT VALID')
                )
    finally:
        await db.dispose()


async def inspect_inventory(
    cfg: BenchConfig, fare_ids: Sequence[int]
) -> dict[int, tuple[int, int, int, int]]:
    """fare id → (capacity, held, sold, units in active hold rows)."""
    db = Database(cfg.database_url)
    try:
        async with db.uow(write=False) as s:
            rows = (
                await s.execute(
                    select(
                        FareInventory.id, FareInventory.capacity, FareInventory.held,
                        FareInventory.sold,
                    ).where(FareInventory.id.in_(list(fare_ids)))
                )
            ).all()
            units = {
                row[0]: row[1]
                for row in await s.execute(
                    select(Hold.fare_inventory_id, func.sum(Hold.quantity))
                    .where(
                        Hold.status == HoldStatus.ACTIVE,
                        Hold.fare_inventory_id.in_(list(fare_ids)),
                    )
                    .group_by(Hold.fare_inventory_id)
                )
            }
        return {
            int(r[0]): (int(r[1]), int(r[2]), int(r[3]), int(units.get(r[0]) or 0)) for r in rows
        }
    finally:
        await db.dispose()


# --------------------------------------------------------------------------- attempts


async def naive_take_holds(
    session: AsyncSession,
    *,
    org_id: str,
    booking_id: str,
    lines: Sequence[HoldLine],
    now: datetime,
    expires_at: datetime,
    giving_back: Sequence[Hold] = (),
) -> list[Hold]:
    """What an ORM invites: read the row, check in Python, write the value back.

    Two transactions that read the same ``held`` both write ``held + 1``: one
    update is lost and both callers are told they hold a seat. (Same signature as
    ``take_holds``; the bench never replaces a hold, so ``giving_back`` stays empty.)
    """
    assert not giving_back, "the bench's holds replace nothing"
    created: list[Hold] = []
    for line in sorted(lines):
        inv = await session.get(FareInventory, line.inventory_id)
        assert inv is not None
        if inv.held + inv.sold + line.quantity > inv.capacity:
            raise SoldOut("Not enough seats left")
        inv.held = inv.held + line.quantity  # flushed as SET held = <absolute value>
        hold = Hold(
            org_id=org_id, booking_id=booking_id, segment_id=line.segment_id,
            fare_inventory_id=line.inventory_id, quantity=line.quantity,
            status=HoldStatus.ACTIVE, expires_at=expires_at, created_at=now,
        )
        session.add(hold)
        created.append(hold)
    await session.flush()
    return created


Attempt = Callable[[int], Awaitable[None]]


def make_attempt(rt: Runtime, job: WorkerJob) -> Attempt:
    """One hold attempt of the job's variant on a given fare row (raises SoldOut when full)."""
    from core.booking.service import ItemRequest, hold_booking

    caller = Caller(user_id=job.user_id, org_id=ORG_ID, role="traveler", name=job.user_id)

    async def ours(fare_id: int) -> None:
        async with rt.db.uow() as s:
            await hold_booking(rt, s, caller, [ItemRequest(flight_offer_id(fare_id), 1)])

    async def naive(fare_id: int) -> None:
        now = rt.clock.now()
        booking_id, segment_id = job.naive_parent
        async with rt.db.uow() as s:
            await naive_take_holds(
                s, org_id=ORG_ID, booking_id=booking_id,
                lines=[HoldLine("fare", fare_id, 1, segment_id)], now=now,
                expires_at=now + HOLD_TTL,
            )

    return naive if job.variant == "naive" else ours


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, math.ceil(q * len(sorted_values)) - 1)
    return sorted_values[min(rank, len(sorted_values) - 1)]


# --------------------------------------------------------------------------- phases


_CACHE_OUTCOMES: dict[Any, str] = {CACHE_HIT: "hit", CACHE_MISS: "miss", CACHING_DISABLED: "disabled",
                   NO_CACHE_KEY: "no_key"}
PHASES = ("checkout", "before", "sql", "between", "after", "end", "total")


class PhaseClock:
    """Where one attempt's wall time goes (``--phases``), from the engine's own events:

    ``checkout``  waiting for and getting a pooled connection (``Engine.raw_connection``);
    ``before``    client Python before the first statement (statics, policy, parameters,
                  compiling or finding the compiled statement), checkout excluded;
    ``sql``       inside the driver's execute: the round trips, the server's work and any
                  row-lock wait (BEGIN is sent by psycopg with the first statement);
    ``between``   client Python between statements (results, the next statement);
    ``after``     client Python from the last result to COMMIT/ROLLBACK (objects, session);
    ``end``       COMMIT or ROLLBACK and giving the connection back;
    ``total``     the attempt, as its latency is measured.
    """

    def __init__(self, engine: Any) -> None:
        self.cache: Counter[str] = Counter()
        self.start()
        sync_engine = engine.sync_engine
        raw_connection = sync_engine.raw_connection

        def timed_raw_connection(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return raw_connection(*args, **kwargs)
            finally:
                self.checkout += time.perf_counter() - t0

        sync_engine.raw_connection = timed_raw_connection
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)
        event.listen(sync_engine, "commit", self._end)
        event.listen(sync_engine, "rollback", self._end)

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self.checkout = self.sql = 0.0
        self.first: float | None = None
        self.last: float | None = None
        self.ending: float | None = None
        self._exec = 0.0

    def _before(self, *_args: Any) -> None:
        now = time.perf_counter()
        self._exec = now
        if self.first is None:
            self.first = now

    def _after(self, _conn: Any, _cursor: Any, _stmt: str, _params: Any, context: Any, _many: Any) -> None:
        now = time.perf_counter()
        self.sql += now - self._exec
        self.last = now
        if context is not None and getattr(context, "compiled", None) is not None:
            hit = getattr(context, "cache_hit", None)
            name = _CACHE_OUTCOMES.get(hit, "other")
            self.cache[name] += 1
        else:
            self.cache["text"] += 1

    def _end(self, *_args: Any) -> None:
        if self.ending is None:
            self.ending = time.perf_counter()

    def stop(self, into: dict[str, list[float]]) -> None:
        now = time.perf_counter()
        total = now - self.t0
        ending = self.ending or now
        first = self.first if self.first is not None else ending
        last = self.last if self.last is not None else first
        before = max(0.0, first - self.t0 - self.checkout)
        after = max(0.0, ending - last)
        end = now - ending
        between = max(0.0, total - self.checkout - before - self.sql - after - end)
        for name, value in zip(
            PHASES, (self.checkout, before, self.sql, between, after, end, total), strict=True
        ):
            into.setdefault(name, []).append(1000 * value)


# --------------------------------------------------------------------------- workers


async def _run_job(job: WorkerJob, barrier: Any) -> WorkerResult:
    import core.booking.service as booking_service

    settings = Settings(
        env="test", database_url=job.database_url, redis_url=job.redis_url,
        run_jobs_in_process=False,
        # Every worker holds again and again in one organization: the caps on holds
        # (core.booking.quota) would answer before the inventory does. This bench
        # measures the inventory's conditional write, so they are off here.
        hold_max_places_per_user=0, hold_max_places_per_org=0,
        hold_max_open_per_user=0, hold_max_open_per_org=0,
        # ours-rows is the hold before issue 15's one statement (row by row, as on SQLite);
        # naive-full swaps the row-by-row path's inventory step, so it takes that path too.
        hold_one_statement=job.variant == "ours",
    )
    rt = build_runtime(settings)
    swap = contextlib.ExitStack()
    if job.variant == "naive-full":
        # Process-local swap: hold_booking unchanged except for the inventory step.
        swap.enter_context(mock.patch.object(booking_service, "take_holds", naive_take_holds))
    result = WorkerResult(index=job.index)
    statements = 0

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal statements
        if not statement.lstrip().upper().startswith("BEGIN"):
            statements += 1

    try:
        attempt = make_attempt(rt, job)
        # Warm up pools, lazy imports and statement caches off the clock, on flights
        # nobody measures, and the same way for every variant: holds that succeed, one
        # that is sold out, and (ours) the read a hold makes when its statement waited for
        # the row and took nothing. Without it every worker of `ours` compiled that read
        # on the clock, right when the hot flight sold out: 6-70 ms each, in the p99.
        for fare_id in (job.warmup_fare_id,) * WARMUP_ATTEMPTS + (job.full_fare_id,):
            try:
                await attempt(fare_id)
            except Exception:  # sold out; or a pool timeout while 16 cold workers pile up
                continue
        if job.variant == "ours":
            async with rt.db.uow(write=False) as s:
                await fare_state(s, ORG_ID, job.full_fare_id, rt.clock.now())
        # What the warm-up and the imports left is not the measured attempts' garbage.
        gc.collect()
        gc.freeze()
        event.listen(rt.db.engine.sync_engine, "before_cursor_execute", count)
        clock = PhaseClock(rt.db.engine) if job.phases else None
        phases: dict[str, list[float]] = {}
        rng = random.Random(job.seed)
        per_fare: Counter[int] = Counter()
        errors: Counter[str] = Counter()
        await asyncio.to_thread(barrier.wait, 300)
        result.started = time.monotonic()
        cpu_started = time.process_time()
        deadline = result.started + job.seconds
        for _ in range(job.attempts):
            if time.monotonic() >= deadline:
                result.hit_deadline = True
                break
            fare_id = job.fare_ids[0] if len(job.fare_ids) == 1 else rng.choice(job.fare_ids)
            if clock is not None:
                clock.start()
            t0 = time.perf_counter()
            try:
                await attempt(fare_id)
            except SoldOut:
                result.sold_out += 1
                result.latencies_ms.append((time.perf_counter() - t0) * 1000)
            except Exception as exc:  # the bench reports every other failure by type
                errors[type(exc).__name__] += 1
            else:
                result.successes += 1
                per_fare[fare_id] += 1
                result.latencies_ms.append((time.perf_counter() - t0) * 1000)
            if clock is not None:
                clock.stop(phases)
            result.attempts += 1
        result.finished = time.monotonic()
        result.cpu_s = time.process_time() - cpu_started
        result.per_fare = dict(per_fare)
        result.errors = dict(errors)
        result.statements = statements
        result.phases = phases
        result.cache = dict(clock.cache) if clock is not None else {}
        return result
    finally:
        gc.unfreeze()
        swap.close()
        await rt.close()


def worker_main(jobs: Any, results: Any, barrier: Any) -> None:
    """Long-lived worker: one job per run until it receives ``None``."""
    while True:
        job: WorkerJob | None = jobs.get()
        if job is None:
            return
        try:
            results.put(asdict(asyncio.run(_run_job(job, barrier))))
        except BaseException:
            barrier.abort()  # don't leave the others waiting for us
            results.put(asdict(WorkerResult(index=job.index, fatal=traceback.format_exc(limit=-4))))


class WorkerPool:
    """``workers`` spawned processes sharing one (cyclic) start barrier with the parent."""

    def __init__(self, size: int) -> None:
        ctx = mp.get_context("spawn")
        self.barrier = ctx.Barrier(size + 1)
        self.results: Any = ctx.Queue()
        self.queues: list[Any] = [ctx.Queue() for _ in range(size)]
        self.processes = [
            ctx.Process(target=worker_main, args=(q, self.results, self.barrier), daemon=True)
            for q in self.queues
        ]
        for process in self.processes:
            process.start()

    def run(self, jobs: Sequence[WorkerJob], *, timeout: float) -> list[WorkerResult]:
        for queue, job in zip(self.queues, jobs, strict=True):
            queue.put(job)
        try:
            self.barrier.wait(timeout=300)  # every worker has warmed up: go
        except threading.BrokenBarrierError:
            self.barrier.reset()
        collected: list[WorkerResult] = []
        for _ in jobs:
            raw = self.results.get(timeout=timeout)
            raw["per_fare"] = {int(k): v for k, v in raw["per_fare"].items()}
            collected.append(WorkerResult(**raw))
        return sorted(collected, key=lambda r: r.index)

    def close(self) -> None:
        for queue in self.queues:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)


# --------------------------------------------------------------------------- runs


def run_scenario(
    cfg: BenchConfig, pool: WorkerPool, scenario: str, variant: str
) -> RunResult:
    world = asyncio.run(reset_world(cfg))
    dropped = asyncio.run(drop_capacity_checks(cfg)) if variant in NAIVE_VARIANTS else []
    try:
        jobs = [
            WorkerJob(
                index=i, scenario=scenario, variant=variant, database_url=cfg.database_url,
                redis_url=cfg.redis_url, user_id=world.users[i],
                fare_ids=world.fares_for(scenario), warmup_fare_id=world.warmup_fare_id,
                full_fare_id=world.full_fare_id,
                naive_parent=world.naive_parents[i], attempts=cfg.attempts_per_worker,
                seconds=cfg.seconds, seed=cfg.seed * 1000 + i, phases=cfg.phases,
            )
            for i in range(cfg.workers)
        ]
        results = pool.run(jobs, timeout=cfg.seconds + 120)
    finally:
        asyncio.run(restore_capacity_checks(cfg, dropped))
    # Workers that only saw the barrier break are victims; show the cause first.
    fatal = sorted({r.fatal for r in results if r.fatal}, key=lambda f: "BrokenBarrierError" in f)
    if fatal:
        raise RuntimeError(f"{scenario}/{variant}: worker failed:\n" + "\n".join(fatal[:3]))
    fare_ids = world.fares_for(scenario)
    return summarize(scenario, variant, world, results, asyncio.run(inspect_inventory(cfg, fare_ids)))


def summarize(
    scenario: str,
    variant: str,
    world: World,
    results: Sequence[WorkerResult],
    inventory: dict[int, tuple[int, int, int, int]],
) -> RunResult:
    per_fare: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    for r in results:
        per_fare.update(r.per_fare)
        errors.update(r.errors)
        latencies.extend(r.latencies_ms)
    latencies.sort()
    successes = sum(r.successes for r in results)
    sold_out = sum(r.sold_out for r in results)
    attempts = sum(r.attempts for r in results)
    answered = successes + sold_out
    wall = max(r.finished for r in results) - min(r.started for r in results)
    oversell = sum(max(0, n - world.capacities[fare]) for fare, n in per_fare.items())
    problems: list[str] = []
    lost = 0
    for fare, (capacity, held, sold, units) in sorted(inventory.items()):
        won = per_fare.get(fare, 0)
        lost += max(0, won - held)
        if held + sold > capacity:
            problems.append(f"fare {fare}: held {held} + sold {sold} > capacity {capacity}")
        if held != won:
            problems.append(f"fare {fare}: held {held} != {won} successful holds")
        if units != won:
            problems.append(f"fare {fare}: {units} units in active holds != {won} successes")
    phase_summary: dict[str, tuple[float, float]] = {}
    cache: Counter[str] = Counter()
    if all(r.phases for r in results):
        rows = [
            dict(zip(PHASES, values, strict=True))
            for r in results
            for values in zip(*(r.phases[name] for name in PHASES), strict=True)
        ]
        rows.sort(key=lambda row: row["total"])
        tail = rows[-max(1, len(rows) // 100) :]
        for name in PHASES:
            phase_summary[name] = (
                sum(row[name] for row in rows) / len(rows),
                sum(row[name] for row in tail) / len(tail),
            )
        for r in results:
            cache.update(r.cache)
    return RunResult(
        scenario=scenario, variant=variant, attempts=attempts, answered=answered,
        successes=successes, sold_out=sold_out, errors=dict(errors), wall_s=wall,
        holds_per_s=answered / wall if wall > 0 else 0.0,
        p50_ms=_percentile(latencies, 0.50), p99_ms=_percentile(latencies, 0.99),
        oversell=oversell, lost_updates=lost, db_ok=not problems, db_problems=problems,
        statements_per_attempt=sum(r.statements for r in results) / attempts if attempts else 0.0,
        cpu_ms_per_attempt=1000 * sum(r.cpu_s for r in results) / attempts if attempts else 0.0,
        hit_deadline=any(r.hit_deadline for r in results),
        phases=phase_summary, cache=dict(cache),
    )


# --------------------------------------------------------------------------- report


def pick_medians(cfg: BenchConfig, every_run: Sequence[RunResult]) -> list[RunResult]:
    """With ``--repeat``, the run with the median holds/s of each (scenario, variant)."""
    picked: list[RunResult] = []
    for scenario in cfg.scenarios:
        for variant in cfg.variants:
            same = sorted(
                (r for r in every_run if r.scenario == scenario and r.variant == variant),
                key=lambda r: r.holds_per_s,
            )
            if same:
                picked.append(same[len(same) // 2])
    return picked


def paired_ratios(cfg: BenchConfig, every_run: Sequence[RunResult]) -> str:
    """ours/naive holds/s of each round, the two runs minutes apart rather than the
    medians of runs far apart: on a shared box the load drifts between rounds."""
    parts: list[str] = []
    for scenario in cfg.scenarios:
        ours = [r for r in every_run if r.scenario == scenario and r.variant == "ours"]
        naive = [r for r in every_run if r.scenario == scenario and r.variant == "naive"]
        paired = sorted(
            a.holds_per_s / b.holds_per_s for a, b in zip(ours, naive, strict=False) if b.holds_per_s
        )
        if paired:
            each = " ".join(f"{x:.2f}" for x in paired)
            parts.append(f"{scenario} {each} (median {paired[len(paired) // 2]:.2f})")
    return "ours/naive round by round: " + ("; ".join(parts) or "n/a")


def ratios(runs: Sequence[RunResult]) -> list[tuple[str, str, str, float]]:
    """(scenario, ours variant, baseline variant, ours/baseline holds/s)."""
    by_key = {(r.scenario, r.variant): r for r in runs}
    out: list[tuple[str, str, str, float]] = []
    for scenario in SCENARIOS:
        for mine in sorted(OURS_VARIANTS):
            for base in ("naive", "naive-full"):
                a, b = by_key.get((scenario, mine)), by_key.get((scenario, base))
                if a and b and b.holds_per_s > 0:
                    out.append((scenario, mine, base, a.holds_per_s / b.holds_per_s))
    return out


def render(cfg: BenchConfig, runs: Sequence[RunResult], console: Console) -> None:
    backend = "SQLite" if cfg.is_sqlite else "PostgreSQL"
    redis = "Redis" if cfg.redis_url else "no Redis"
    table = Table(
        title=(
            f"Booking race — {backend} + {redis}, {cfg.workers} workers × "
            f"{cfg.attempts_per_worker} attempts; hot: 1 flight × {cfg.seats} seats; "
            f"spread: {cfg.flights} flights × {cfg.spread_seats} seats"
        )
    )
    for name in ("scenario", "variant", "holds/s", "p50 ms", "p99 ms", "held", "sold out",
                 "errors", "oversell", "lost", "SQL/attempt", "CPU ms/attempt", "DB check"):
        table.add_column(name, justify="left" if name in ("scenario", "variant", "DB check") else "right")
    for r in runs:
        errors = ", ".join(f"{k}×{v}" for k, v in sorted(r.errors.items())) or "0"
        table.add_row(
            r.scenario, r.variant, f"{r.holds_per_s:,.0f}" + ("*" if r.hit_deadline else ""),
            f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", str(r.successes), str(r.sold_out), errors,
            f"[red]{r.oversell}[/red]" if r.oversell else "0",
            f"[red]{r.lost_updates}[/red]" if r.lost_updates else "0",
            f"{r.statements_per_attempt:.1f}", f"{r.cpu_ms_per_attempt:.1f}",
            "[green]ok[/green]" if r.db_ok else f"[red]{len(r.db_problems)} violations[/red]",
        )
    console.print(table)
    console.print(
        "holds/s = attempts answered (held or sold out) per second of wall time over a fixed "
        "number of attempts (the hot flight sells out fast). oversell = successful holds beyond "
        "capacity; lost = successful holds missing from fare_inventory.held (lost updates). "
        "SQL/attempt excludes BEGIN/COMMIT; CPU ms/attempt is the workers' own (client-side) CPU, "
        "a figure that machine load disturbs less than holds/s. * = stopped by the --seconds bound."
    )
    for r in runs:
        if r.phases:
            console.print(
                f"phases {r.scenario}/{r.variant} ms, mean (slowest 1 %): "
                + ", ".join(f"{k} {a:.1f} ({b:.1f})" for k, (a, b) in r.phases.items())
                + "; statements by compiled cache: "
                + ", ".join(f"{k} {v}" for k, v in sorted(r.cache.items())),
                highlight=False,
            )
    for scenario, mine, base, ratio in ratios(runs):
        verdict = "[green]meets[/green]" if ratio >= GOAL_RATIO else "[yellow]below[/yellow]"
        console.print(
            f"{scenario}: {mine}/{base} throughput = {ratio:.2f}x ({verdict} the {GOAL_RATIO}x goal)"
        )
    for r in runs:
        if r.variant in OURS_VARIANTS and (r.oversell or not r.db_ok):
            console.print(f"[red bold]{r.scenario}/{r.variant}: INVARIANT BROKEN[/red bold]")
            for problem in r.db_problems[:10]:
                console.print(f"  {problem}")


def summary_line(runs: Sequence[RunResult]) -> str:
    """The last line: ``holds: ours/naive hot X.XX spread X.XX; p99 hot N ms; oversell 0``."""
    by_key = {(r.scenario, r.variant): r for r in runs}
    ratio = {(s, b): x for s, m, b, x in ratios(runs) if m == "ours"}
    hot = by_key.get(("hot", "ours"))
    parts = " ".join(
        f"{scenario} {ratio[(scenario, 'naive')]:.2f}" if (scenario, "naive") in ratio
        else f"{scenario} n/a"
        for scenario in SCENARIOS
    )
    p99 = f"{hot.p99_ms:.0f} ms" if hot else "n/a"
    oversell = sum(r.oversell for r in runs if r.variant in OURS_VARIANTS)
    return f"holds: ours/naive {parts}; p99 hot {p99}; oversell {oversell}"


# --------------------------------------------------------------------------- CLI


def _default_redis(database_url: str) -> str | None:
    if "CONCIERGE_BENCH_REDIS_URL" in os.environ:
        return os.environ["CONCIERGE_BENCH_REDIS_URL"] or None
    return None if database_url.startswith("sqlite") else "redis://127.0.0.1:6379/0"


def parse_args(argv: Sequence[str] | None = None) -> BenchConfig:
    parser = argparse.ArgumentParser(
        prog="booking_race",
        description="Hammer holds with N processes: our conditional writes vs a naive baseline.",
    )
    parser.add_argument("--workers", type=int, default=16, help="worker processes (default 16)")
    parser.add_argument("--attempts-per-worker", type=int, default=None,
                        help="hold attempts per worker and run (default 60; 20 with --quick)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="upper bound on one run's measured time (default 20; 10 with --quick)")
    parser.add_argument("--seats", type=int, default=50, help="economy seats on the hot flight")
    parser.add_argument("--flights", type=int, default=100, help="flights in the spread scenario")
    parser.add_argument("--spread-seats", type=int, default=None,
                        help="seats per spread flight (default: 1.25 × attempts / flights)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CONCIERGE_BENCH_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/concierge_bench",
        help="database the bench may wipe (env CONCIERGE_BENCH_DATABASE_URL)",
    )
    parser.add_argument("--redis-url", default=None,
                        help="default redis://127.0.0.1:6379/0 on PostgreSQL, none on SQLite")
    parser.add_argument("--no-redis", action="store_true", help="run without Redis at all")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help=f"comma-separated subset of {','.join(SCENARIOS)}")
    parser.add_argument("--variants", default=None,
                        help=f"comma-separated subset of {','.join(VARIANTS)} "
                        f"(default {','.join(DEFAULT_VARIANTS)})")
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run every scenario/variant N times, interleaved, each round "
                        "starting with the next variant; report medians")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--phases", action="store_true",
                        help="time each attempt's phases (checkout, Python, SQL, commit)")
    parser.add_argument("--json", dest="json_path", default=None, help="also write results here")
    args = parser.parse_args(argv)

    attempts = args.attempts_per_worker or (20 if args.quick else 60)
    seconds = args.seconds or (10.0 if args.quick else 20.0)
    database_url = normalize_database_url(args.database_url)
    redis_url = None if args.no_redis else (args.redis_url or _default_redis(database_url))
    if args.variants:
        variants = tuple(dict.fromkeys(v.strip() for v in args.variants.split(",") if v.strip()))
    else:
        variants = DEFAULT_VARIANTS
    scenarios = tuple(s.strip() for s in args.scenarios.split(",") if s.strip())
    for value, allowed in ((variants, VARIANTS), (scenarios, SCENARIOS)):
        unknown = set(value) - set(allowed)
        if unknown:
            parser.error(f"unknown {', '.join(sorted(unknown))}; choose from {', '.join(allowed)}")
    if min(args.workers, attempts, args.seats, args.flights, args.repeat) < 1:
        parser.error("workers, attempts, seats, flights and repeat must be positive")
    spread_seats = args.spread_seats or max(1, math.ceil(1.25 * args.workers * attempts / args.flights))
    return BenchConfig(
        database_url=database_url, redis_url=redis_url, workers=args.workers,
        attempts_per_worker=attempts, seconds=seconds, seats=args.seats, flights=args.flights,
        spread_seats=spread_seats, scenarios=scenarios, variants=variants, seed=args.seed,
        json_path=args.json_path, repeat=args.repeat, phases=args.phases,
    )


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=170)  # piped or logged: don't squeeze the table
    console.print(
        f"[bold]booking race[/bold]: {cfg.database_url} "
        f"redis={cfg.redis_url or 'off'} scenarios={','.join(cfg.scenarios)} "
        f"variants={','.join(cfg.variants)}"
    )
    every_run: list[RunResult] = []
    pool = WorkerPool(cfg.workers)
    try:
        for round_no in range(1, cfg.repeat + 1):
            # Each round starts with the next variant, so none always runs first (in
            # fresh worker processes) or right after the same neighbour: medians of
            # --repeat 3 see every variant in every position once with three variants.
            shift = (round_no - 1) % len(cfg.variants)
            order = cfg.variants[shift:] + cfg.variants[:shift]
            for scenario in cfg.scenarios:
                for variant in order:
                    started = time.monotonic()
                    run = run_scenario(cfg, pool, scenario, variant)
                    console.print(
                        f"  round {round_no} {scenario:<6} {variant:<12} "
                        f"{run.holds_per_s:8,.0f} holds/s held={run.successes} "
                        f"sold_out={run.sold_out} errors={sum(run.errors.values())} "
                        f"oversell={run.oversell} ({time.monotonic() - started:.1f}s incl. setup)"
                    )
                    every_run.append(run)
    finally:
        pool.close()
    runs = pick_medians(cfg, every_run)
    render(cfg, runs, console)
    if cfg.repeat > 1:
        console.print(paired_ratios(cfg, every_run), highlight=False)
    if cfg.json_path:
        Path(cfg.json_path).write_text(
            json.dumps(
                {
                    "config": asdict(cfg),
                    "runs": [asdict(r) for r in runs],
                    "every_run": [asdict(r) for r in every_run],
                    "ratios": [
                        {"scenario": s, "ours": m, "baseline": b, "ratio": x}
                        for s, m, b, x in ratios(runs)
                    ],
                },
                indent=2,
            )
        )
    console.print(summary_line(runs), highlight=False)
    broken = [r for r in every_run if r.variant in OURS_VARIANTS and (r.oversell or not r.db_ok)]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
