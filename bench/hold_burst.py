"""Hold burst: N concurrent HTTP holds on one flight against one API process.

A flight with ``--seats`` economy seats (default 145) goes on sale and ``--requests``
travellers (default 435, three per seat; each their own account and token) send
``POST /v1/bookings`` for one seat at the same moment, each with its own
``Idempotency-Key``, to one ``concierge serve`` process (uvicorn, a subprocess) on
PostgreSQL + Redis. Exactly ``seats`` must be answered 201 and the rest 409
``SOLD_OUT``; anything else (a 503 ``LOCK_TIMEOUT``, a 500) is counted by status and
code.

Figures: answers by status and problem code, request latency p50/p99 and the wall
time of the burst (noise on a shared machine), and the **server's CPU per request**
(user + system time of the server process and its children over the burst, from
``/proc``, divided by the requests): the figure a busy machine disturbs least. Then
the database: ``held + sold <= capacity`` and held seats = 201 answers = active hold
units = held bookings. The last line is the summary::

    burst: 201=145 409=290 5xx=0 cpu_ms_per_request=N

Usage::

    createdb -h 127.0.0.1 -U postgres concierge_burst
    python bench/hold_burst.py                          # 435 holds on 145 seats, once
    python bench/hold_burst.py --rounds 3               # three bursts (a fresh flight each)
    python bench/hold_burst.py --database-url sqlite+aiosqlite:///var/burst.db --no-redis

Every round is a fresh flight on the same server; the warm-up (off the clock) holds
on another flight first. The caps on what users and organizations may hold
(``core.booking.quota``) are off by default, as in ``booking_race.py``: 435 travellers of
one organization would meet the organization's long before the seats run out, and while
any cap is on every hold of the organization queues on its row lock before it reaches
the flight's row. ``--caps user`` keeps the per-user caps (and so that queue).

The bench drops and recreates the schema of the database it is given: never point it
at one you care about. It also empties the Redis database it is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

if __package__ in (None, ""):
    # Run as a script (``python bench/hold_burst.py``): make the project importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis.asyncio as aioredis
from sqlalchemy import func, select, text

from core import migrations
from core.config import normalize_database_url
from core.db import Database
from core.identity import hash_token
from core.models import (
    Airport,
    Booking,
    BookingStatus,
    Carrier,
    FareInventory,
    Flight,
    Hold,
    HoldStatus,
    Organization,
    User,
)
from core.policy.rules import acme_default
from core.policy.service import set_rules
from core.search.offers import flight_offer_id

ROOT = Path(__file__).resolve().parents[1]
ORG_ID = "acme"
FARE_MINOR = 15_000
WARMUP_HOLDS = 24
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ the world


@dataclass(frozen=True)
class World:
    burst_fares: tuple[int, ...]  # one flight per round
    warmup_fare: int
    tokens: tuple[str, ...]  # one traveller per request
    warmup_tokens: tuple[str, ...]


async def prepare(args: argparse.Namespace) -> World:
    """Fresh schema (migrations), one organization, its travellers and the flights."""
    url = args.database_url
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    else:
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await db.dispose()
    await migrations.upgrade_async(url)
    db = Database(url)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    tokens = tuple(f"burst-{n:04d}" for n in range(args.requests))
    warmup_tokens = tuple(f"warm-{n:02d}" for n in range(WARMUP_HOLDS))
    try:
        async with db.uow() as s:
            s.add(Organization(id=ORG_ID, name="Acme Corp", currency="USD", created_at=now))
            await s.flush()
            for token in tokens + warmup_tokens:
                s.add(
                    User(
                        id=token,
                        org_id=ORG_ID,
                        name=token.title(),
                        email=f"{token}@example.com",
                        role="traveler",
                        department="Engineering",
                        home_airport="JFK",
                        token_hash=hash_token(token),
                        preferences={},
                        created_at=now,
                    )
                )
            s.add_all(
                [
                    Airport(
                        code="JFK",
                        name="New York JFK",
                        city="New York",
                        country="US",
                        region="NA",
                        tz="America/New_York",
                        lat=40.64,
                        lon=-73.78,
                    ),
                    Airport(
                        code="BOS",
                        name="Boston BOS",
                        city="Boston",
                        country="US",
                        region="NA",
                        tz="America/New_York",
                        lat=42.36,
                        lon=-71.01,
                    ),
                    Carrier(code="B6", name="JetBlue", region="NA"),
                ]
            )
            await s.flush()
            await set_rules(s, ORG_ID, acme_default(), now=now)
            # 30 days out, 75 minutes, economy: green under Acme's policy.
            depart = now + timedelta(days=30)

            async def flight(number: str, offset_min: int, capacity: int) -> int:
                at = depart + timedelta(minutes=offset_min)
                row = Flight(
                    carrier="B6",
                    number=number,
                    date=at.date(),
                    origin="JFK",
                    destination="BOS",
                    depart_at=at,
                    arrive_at=at + timedelta(minutes=75),
                    duration_minutes=75,
                    distance_km=300,
                )
                s.add(row)
                await s.flush()
                fare = FareInventory(
                    flight_id=row.id,
                    cabin="economy",
                    capacity=capacity,
                    fare_minor=FARE_MINOR,
                    currency="USD",
                )
                s.add(fare)
                await s.flush()
                return fare.id

            warmup = await flight("99", 0, WARMUP_HOLDS * 2)
            burst = tuple(
                [await flight(str(100 + r), 10 + r, args.seats) for r in range(args.rounds)]
            )
    finally:
        await db.dispose()
    if args.redis_url:
        redis = aioredis.from_url(args.redis_url)
        try:
            await redis.flushdb()
        finally:
            await redis.aclose()
    return World(burst, warmup, tokens, warmup_tokens)


async def audit(database_url: str, fare_id: int) -> dict[str, int]:
    """What the database says about one flight after its burst."""
    db = Database(database_url)
    try:
        async with db.uow(write=False) as s:
            inv = await s.get(FareInventory, fare_id)
            assert inv is not None
            units = await s.scalar(
                select(func.coalesce(func.sum(Hold.quantity), 0)).where(
                    Hold.fare_inventory_id == fare_id, Hold.status == HoldStatus.ACTIVE
                )
            )
            bookings = await s.scalar(
                select(func.count(func.distinct(Booking.id)))
                .join(Hold, Hold.booking_id == Booking.id)
                .where(Hold.fare_inventory_id == fare_id, Booking.status == BookingStatus.HELD)
            )
            return {
                "capacity": inv.capacity,
                "held": inv.held,
                "sold": inv.sold,
                "hold_units": int(units or 0),
                "held_bookings": int(bookings or 0),
            }
    finally:
        await db.dispose()


# ------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(args: argparse.Namespace, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONCIERGE_")} | {
        "CONCIERGE_DATABASE_URL": args.database_url,
        "CONCIERGE_MODEL": "local",
        "CONCIERGE_RUN_JOBS_IN_PROCESS": "false",
        "CONCIERGE_LOG_LEVEL": "WARNING",
    }
    if args.redis_url:
        env["CONCIERGE_REDIS_URL"] = args.redis_url
    env |= {"CONCIERGE_HOLD_MAX_PLACES_PER_ORG": "0", "CONCIERGE_HOLD_MAX_OPEN_PER_ORG": "0"}
    if args.caps == "off":
        env |= {"CONCIERGE_HOLD_MAX_PLACES_PER_USER": "0", "CONCIERGE_HOLD_MAX_OPEN_PER_USER": "0"}
    serve = ["serve", "--port", str(port), "--workers", "1"]
    command = [sys.executable, "-m", "api.cli", *serve]
    if args.profile is not None:
        # The server's event loop (its main thread) under cProfile with a CPU clock, the
        # statistics written when it stops (uvicorn returns on SIGTERM).
        command = [sys.executable, "-c", _PROFILED, str(args.profile.resolve()), *serve]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


_PROFILED = """
import cProfile, signal, sys, time
out, sys.argv = sys.argv[1], ["concierge", *sys.argv[2:]]
from api.cli import app
# uvicorn raises the signal again once it has shut down: exit through the finally below.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
profiler = cProfile.Profile(time.process_time)
profiler.enable()
try:
    app()
except SystemExit:
    pass
finally:
    profiler.disable()
    profiler.dump_stats(out)
"""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found.extend(int(c) for c in f.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (Linux ``/proc``)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
        todo.extend(_children(current))
    return total


async def wait_healthy(base: str, server: subprocess.Popen[bytes], within: float = 120) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                if (await client.get(f"{base}/healthz", timeout=1)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.25)
    raise TimeoutError(f"{base} not healthy")


# ------------------------------------------------------------------ the burst


@dataclass
class Answer:
    status: int
    code: str
    ms: float


@dataclass
class Round:
    answers: list[Answer] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0
    db: dict[str, int] = field(default_factory=dict)

    def by_status(self) -> Counter[int]:
        return Counter(a.status for a in self.answers)

    def by_code(self) -> Counter[str]:
        return Counter(f"{a.status} {a.code}" for a in self.answers)


async def hold(client: httpx.AsyncClient, base: str, token: str, fare_id: int) -> Answer:
    started = time.perf_counter()
    try:
        response = await client.post(
            f"{base}/v1/bookings",
            json={"items": [{"offer_id": flight_offer_id(fare_id), "quantity": 1}]},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
    except httpx.HTTPError as exc:
        return Answer(0, type(exc).__name__, (time.perf_counter() - started) * 1000)
    ms = (time.perf_counter() - started) * 1000
    code = ""
    if response.status_code >= 400:
        try:
            code = str(response.json().get("code", ""))
        except (ValueError, AttributeError):
            code = "?"
    return Answer(response.status_code, code, ms)


async def run(args: argparse.Namespace) -> tuple[list[Round], Path]:
    world = await prepare(args)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkstemp(prefix="hold-burst-", suffix=".log")[1])
    server = start_server(args, port, log_path)
    rounds: list[Round] = []
    try:
        await wait_healthy(base, server)
        # A client per burst: every traveller comes on a connection of their own, and no
        # keep-alive connection the server has since closed is reused (a ReadError).
        limits = httpx.Limits(max_connections=args.requests, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=args.timeout, limits=limits) as client:
            # Warm-up off the clock: lazy imports, statement caches, the pool (some at once).
            for token in world.warmup_tokens[:4]:
                await hold(client, base, token, world.warmup_fare)
            await asyncio.gather(
                *(hold(client, base, t, world.warmup_fare) for t in world.warmup_tokens[4:])
            )
        for r, fare_id in enumerate(world.burst_fares):
            # The same travellers in every round (one hold each per round stays far
            # below the per-user caps), each round on a flight of its own.
            result = Round()
            async with httpx.AsyncClient(timeout=args.timeout, limits=limits) as client:
                cpu_before = process_tree_cpu(server.pid)
                started = time.perf_counter()
                result.answers = list(
                    await asyncio.gather(*(hold(client, base, t, fare_id) for t in world.tokens))
                )
                result.wall_s = time.perf_counter() - started
                result.cpu_s = process_tree_cpu(server.pid) - cpu_before
            result.db = await audit(args.database_url, fare_id)
            rounds.append(result)
            print(f"  round {r + 1}: {_line(args, [result])}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return rounds, log_path


def show_server_errors(log_path: Path) -> None:
    """Point at the server's log when it logged errors; remove it otherwise."""
    errors = [line for line in log_path.read_text(errors="replace").splitlines() if "Error" in line]
    if errors:
        print(f"server log {log_path}: {len(errors)} lines naming an error, e.g. {errors[0][:160]}")
    else:
        log_path.unlink(missing_ok=True)


# ------------------------------------------------------------------ the report


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _line(args: argparse.Namespace, rounds: list[Round]) -> str:
    statuses: Counter[int] = Counter()
    for r in rounds:
        statuses.update(r.by_status())
    requests = sum(len(r.answers) for r in rounds)
    cpu_ms = 1000 * sum(r.cpu_s for r in rounds) / requests if requests else float("nan")
    fivexx = sum(n for s, n in statuses.items() if s >= 500)
    line = (
        f"burst: 201={statuses.get(201, 0)} 409={statuses.get(409, 0)} 5xx={fivexx} "
        f"cpu_ms_per_request={cpu_ms:.1f}"
    )
    if statuses.get(0):  # no HTTP answer at all (the client's transport error)
        line += f" no_answer={statuses[0]}"
    return line + (f" rounds={len(rounds)}" if len(rounds) > 1 else "")


def report(args: argparse.Namespace, rounds: list[Round]) -> bool:
    """Print the table; True when every round sold exactly the seats and nothing else."""
    ok = True
    print(
        f"hold burst: {args.requests} concurrent POST /v1/bookings on {args.seats} seats, "
        f"one API process, {args.database_url.split('://', 1)[0]} + "
        f"{'Redis' if args.redis_url else 'no Redis'}, caps {args.caps}; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"{'round':>5} {'wall s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10}  answers")
    for n, r in enumerate(rounds, 1):
        ms = [a.ms for a in r.answers]
        codes = ", ".join(f"{k}×{v}" for k, v in sorted(r.by_code().items()))
        print(
            f"{n:>5} {r.wall_s:>7.2f} {_pct(ms, 0.5):>7.0f} {_pct(ms, 0.99):>7.0f} "
            f"{1000 * r.cpu_s / len(r.answers):>10.1f}  {codes}"
        )
        d = r.db
        won = r.by_status().get(201, 0)
        problems = []
        if d["held"] + d["sold"] > d["capacity"]:
            problems.append(f"held {d['held']} + sold {d['sold']} > capacity {d['capacity']}")
        if not d["held"] == d["hold_units"] == d["held_bookings"] == won:
            problems.append(
                f"held {d['held']}, hold units {d['hold_units']}, held bookings "
                f"{d['held_bookings']}, 201 answers {won}: not all equal"
            )
        if won != args.seats or len(r.answers) - won != r.by_status().get(409, 0):
            problems.append(f"expected {args.seats}×201 and the rest 409")
        print(f"      DB: {d} — {'; '.join(problems) if problems else 'ok'}")
        ok = ok and not problems
    if len(rounds) > 1:
        cpu = [1000 * r.cpu_s / len(r.answers) for r in rounds]
        print(f"CPU ms/request median of {len(rounds)} rounds: {statistics.median(cpu):.1f}")
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=435, help="concurrent holds (default 435)")
    parser.add_argument("--seats", type=int, default=145, help="seats on the flight (default 145)")
    parser.add_argument("--rounds", type=int, default=1, help="bursts, each on a fresh flight")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CONCIERGE_BURST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/concierge_burst",
        help="database the bench may wipe (env CONCIERGE_BURST_DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("CONCIERGE_BURST_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="Redis database the bench empties (env CONCIERGE_BURST_REDIS_URL; default db 9)",
    )
    parser.add_argument("--no-redis", action="store_true", help="run the server without Redis")
    parser.add_argument(
        "--caps",
        choices=("off", "user"),
        default="off",
        help="hold caps: off (default) or the per-user ones only (see the docstring)",
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request HTTP timeout")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--profile",
        type=Path,
        help="run the server under cProfile (CPU clock, warm-up included) and write its "
        "statistics here (read them with python -m pstats); the CPU figures then include "
        "the profiler's own cost",
    )
    args = parser.parse_args(argv)
    args.database_url = normalize_database_url(args.database_url)
    if args.no_redis:
        args.redis_url = None
    if min(args.requests, args.seats, args.rounds) < 1:
        parser.error("requests, seats and rounds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rounds, log_path = asyncio.run(run(args))
    show_server_errors(log_path)
    ok = report(args, rounds)
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "statuses": {str(k): v for k, v in r.by_code().items()},
                        "wall_s": r.wall_s,
                        "cpu_ms_per_request": 1000 * r.cpu_s / len(r.answers),
                        "p50_ms": _pct([a.ms for a in r.answers], 0.5),
                        "p99_ms": _pct([a.ms for a in r.answers], 0.99),
                        "db": r.db,
                    }
                    for r in rounds
                ],
                indent=2,
            )
        )
    print(_line(args, rounds))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
