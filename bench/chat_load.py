"""Chat load: K simulated travellers book over SSE against 1 and then 2 API processes.

Each simulated user (their own account and token, so per-user rate limits apply
as in production) runs a scripted booking conversation against
``concierge serve --workers N`` on PostgreSQL + Redis with the offline planner:

    "I need a flight from New York to London on <day>, economy"
    → "book option 1" → ("confirm it") → "yes"

every turn a ``POST /v1/chat`` read to its ``[DONE]`` with an SSE client. All
users ask for the same route on a handful of days, so seats run short and the
booking core's conditional writes are exercised under real contention.

Figures per configuration: turns/s over the whole run, time to first event
(request sent → first SSE event: ``start``) p50/p99, time to the turn's first own part
(past ``start`` and a ``data-queued``: text, a tool call, an error) p50/p99, how many
turns were told they were queued, turn time p50/p99, errors (non-200,
``error`` chunks, transport failures), outcomes (confirmed / sold out / other),
and from the database after the run: oversell (inventory rows with
``held + sold > capacity``) and duplicates (users with more than one confirmed
booking, or more confirmed bookings than users who were told "confirmed"). Both
must be 0. Then the 2-vs-1 ratio of turns/s.

With ``--model-latency SECONDS`` the server runs an OpenAI-compatible model instead
of the offline planner: ``tests/fakes/openai_fake.py`` in this process, answering
every call after that delay (a remote model's time to first token) with the calls a
model makes for this conversation (``booking_model``: search, list, reserve, confirm,
say what happened). A turn then spends most of its time waiting on the model, which
is what sizing the turn slots by Little's law is about.

Usage::

    createdb -h 127.0.0.1 -U postgres concierge_load
    python bench/chat_load.py                       # K=100, 1 vs 2 processes
    python bench/chat_load.py --users 50 --processes 1,2,4
    python bench/chat_load.py --users 40 --processes 1 --model-latency 1.0

The bench drops and recreates the schema of the database it is given (default
``concierge_load``) before each configuration: never point it at one you care about.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import aconnect_sse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hold_burst import _children, process_tree_cpu  # noqa: E402
from tests.fakes.openai_fake import OpenAIFake, Scripted  # noqa: E402

DEFAULT_DB = os.environ.get(
    "CONCIERGE_LOAD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/concierge_load"
)
DEFAULT_REDIS = os.environ.get("CONCIERGE_LOAD_REDIS_URL", "redis://127.0.0.1:6379/7")
HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW", "CDG", "ORD")
FOLLOW_UPS = ("book option 1", "confirm it")


# ------------------------------------------------------------------ the world


async def prepare(database_url: str, redis_url: str, users: int, days: int) -> None:
    """Fresh schema (migrations), demo data on a few hubs, and ``users`` load travellers."""
    import redis.asyncio as aioredis
    from sqlalchemy import text

    from core import migrations
    from core.config import Settings
    from core.db import Database
    from core.identity import hash_token
    from core.models import User
    from core.models.traveller import TravellerDetails
    from core.seed import seed_demo

    db = Database(database_url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.dispose()
    await asyncio.to_thread(migrations.upgrade, database_url)
    db = Database(database_url)
    now = datetime.now(UTC)
    try:
        async with db.uow() as session:
            await seed_demo(
                session,
                today=now.date(),
                days_ahead=days,
                hubs=HUBS,
                settings=Settings(database_url=database_url),
                now=now,
            )
        async with db.uow() as session:
            for n in range(users):
                name = f"load{n:03d}"
                session.add(
                    User(
                        id=name,
                        org_id="acme",
                        name=f"Load {n:03d}",
                        email=f"{name}@example.com",
                        role="traveler",
                        manager_id="mia",
                        department="Engineering",
                        home_airport="JFK",
                        token_hash=hash_token(f"token-{name}"),
                        preferences={},
                        created_at=now,
                    )
                )
                # Legal names on file, so "yes" pays without asking who flies.
                session.add(
                    TravellerDetails(
                        user_id=name,
                        org_id="acme",
                        given_name="Load",
                        family_name=f"Tester{n:03d}",
                        updated_at=now,
                        updated_by="bench",
                    )
                )
    finally:
        await db.dispose()
    redis = aioredis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()


async def audit(database_url: str) -> dict[str, int]:
    """Oversell and duplicate bookings, read from the database after the run."""
    from sqlalchemy import text

    from core.db import Database

    db = Database(database_url)
    try:
        async with db.engine.connect() as conn:
            oversold_fares = await conn.scalar(
                text("SELECT count(*) FROM fare_inventory WHERE held + sold > capacity")
            )
            oversold_rooms = await conn.scalar(
                text("SELECT count(*) FROM room_inventory WHERE held + sold > capacity")
            )
            per_user = (
                await conn.execute(
                    text(
                        "SELECT traveler_id, count(*) FROM bookings WHERE status = 'confirmed' "
                        "AND traveler_id LIKE 'load%' GROUP BY traveler_id"
                    )
                )
            ).all()
    finally:
        await db.dispose()
    return {
        "oversold_rows": int(oversold_fares or 0) + int(oversold_rooms or 0),
        "users_with_2plus": sum(1 for _u, c in per_user if c > 1),
        "most_per_user": max((c for _u, c in per_user), default=0),
        "confirmed_bookings": sum(c for _u, c in per_user),
    }


# ------------------------------------------------------------------ the remote model

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_OFFER = re.compile(r"FL-\d+(?:-\d+)?")
_BOOKING = re.compile(r"BK-[A-Z0-9]{4,}")


def _content(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content)


def _found(pattern: re.Pattern[str], messages: list[dict[str, Any]], tool: str) -> str | None:
    """The first id ``pattern`` finds in the newest result of ``tool``."""
    names = {
        call["id"]: call["function"]["name"] for m in messages for call in m.get("tool_calls") or ()
    }
    for m in reversed(messages):
        if m.get("role") == "tool" and names.get(m.get("tool_call_id", "")) == tool:
            hit = pattern.search(_content(m))
            return hit.group(0) if hit else None
    return None


def booking_model(body: dict[str, Any]) -> Scripted:
    """What a model answers at each step of the load's conversation (the fake's responder).

    It reads the request as a model would (the last message, earlier tool results)
    and calls the same tools with the same arguments the offline planner does.
    """
    messages: list[dict[str, Any]] = body.get("messages") or []
    last = messages[-1] if messages else {}
    said = _content(last)
    n = len(messages)
    if last.get("role") == "tool":
        names = {
            c["id"]: c["function"]["name"] for m in messages for c in m.get("tool_calls") or ()
        }
        tool = names.get(last.get("tool_call_id", ""), "")
        if tool == "reserve":
            booking = _BOOKING.search(said)
            if booking is None:
                return Scripted(text="Sorry, that flight is sold out now.")
            return Scripted(
                tool_calls=[(f"call_{n}", "confirm_booking", {"booking_id": booking.group(0)})]
            )
        if tool == "search_flights":
            return Scripted(text="Here are the flights I found. Option 1 is the cheapest.")
        if tool == "confirm_booking":
            return Scripted(text="Done: your booking is confirmed.")
        return Scripted(text="OK.")
    lowered = said.lower()
    if "flight from" in lowered and (day := _DAY.search(said)):
        args = {"origin": "New York", "destination": "London", "date": day.group(0)}
        return Scripted(tool_calls=[(f"call_{n}", "search_flights", args | {"cabin": "economy"})])
    if "book option" in lowered and (offer := _found(_OFFER, messages, "search_flights")):
        return Scripted(
            tool_calls=[(f"call_{n}", "reserve", {"items": [{"offer_id": offer, "quantity": 1}]})]
        )
    if "confirm" in lowered and (booking := _found(_BOOKING, messages, "reserve")):
        return Scripted(tool_calls=[(f"call_{n}", "confirm_booking", {"booking_id": booking})])
    return Scripted(text="Hello! Where would you like to go?")


# ------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    port: int,
    processes: int,
    database_url: str,
    redis_url: str,
    slots: int | None = None,
    model_url: str | None = None,
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONCIERGE_")} | {
        "CONCIERGE_DATABASE_URL": database_url,
        "CONCIERGE_REDIS_URL": redis_url,
        "CONCIERGE_MODEL": "local",
        "CONCIERGE_RUN_JOBS_IN_PROCESS": "false",
        "CONCIERGE_LOG_LEVEL": "WARNING",
    }
    if model_url is not None:
        env |= {
            "CONCIERGE_MODEL": "gpt-test",
            "CONCIERGE_OPENAI_BASE_URL": model_url,
            "CONCIERGE_OPENAI_API_KEY": "sk-bench",
        }
    if slots is not None:
        env["CONCIERGE_CHAT_MAX_CONCURRENT_TURNS"] = str(slots)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(processes),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_healthy(base: str, within_seconds: float = 300) -> None:
    deadline = time.monotonic() + within_seconds
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{base}/healthz", timeout=1)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.25)
    raise TimeoutError(f"{base} not healthy")


async def warm_up(base: str, processes: int) -> None:
    """Small turns on every process, so the agent is open before the clock starts: each on
    a connection of its own, a few at once (a keep-alive connection stays on one process,
    and so would every warm-up turn sent on it), in rounds."""

    async def hello() -> None:
        async with httpx.AsyncClient(timeout=120) as client:
            await client.post(
                f"{base}/v1/chat",
                json={"message": "hello"},
                headers={"Authorization": "Bearer demo-admin"},
            )

    for _ in range(3):
        await asyncio.gather(*(hello() for _ in range(processes * 2)))


# ------------------------------------------------------------------ the users


@dataclass
class Stats:
    ttfe: list[float] = field(default_factory=list)
    # TTFE by wave and by the turn's place: a user's first turn (a new thread, the burst
    # of ``--users`` first messages) or a follow-up on its thread.
    ttfe_first: dict[int, list[float]] = field(default_factory=dict)
    ttfe_next: dict[int, list[float]] = field(default_factory=dict)
    first_part: list[float] = field(default_factory=list)
    queued: int = 0
    turn: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    turns: int = 0


async def one_turn(
    client: httpx.AsyncClient,
    base: str,
    token: str,
    body: dict[str, Any],
    stats: Stats,
    wave: int = 0,
) -> list[dict[str, Any]]:
    started = time.perf_counter()
    first: float | None = None
    first_part: float | None = None
    out: list[dict[str, Any]] = []
    try:
        async with aconnect_sse(
            client,
            "POST",
            f"{base}/v1/chat",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ) as source:
            if source.response.status_code != 200:
                await source.response.aread()
                stats.errors[f"http {source.response.status_code}"] += 1
                return out
            async for sse in source.aiter_sse():
                if not sse.data:
                    # A keep-alive comment: httpx-sse reports it as an empty event once an
                    # id has been seen (browsers' EventSource do not). Not a chat event.
                    continue
                if first is None:
                    first = time.perf_counter()
                if sse.data == "[DONE]":
                    break
                chunk = json.loads(sse.data)
                out.append(chunk)
                if chunk["type"] == "data-queued":
                    stats.queued += 1
                elif first_part is None and chunk["type"] != "start":
                    first_part = time.perf_counter()
                if chunk["type"] == "error":
                    stats.errors["error chunk"] += 1
    except Exception as exc:
        stats.errors[type(exc).__name__] += 1
        return out
    stats.turns += 1
    stats.turn.append(time.perf_counter() - started)
    if first is not None:
        stats.ttfe.append(first - started)
        by_place = stats.ttfe_next if "thread_id" in body else stats.ttfe_first
        by_place.setdefault(wave, []).append(first - started)
    if first_part is not None:
        stats.first_part.append(first_part - started)
    return out


async def user(
    client: httpx.AsyncClient,
    base: str,
    n: int,
    days: list[date],
    stats: Stats,
    *,
    wave: int = 0,
    delay: float = 0.0,
) -> None:
    token = f"token-load{n:03d}"
    day = days[n % len(days)]
    if delay:
        await asyncio.sleep(delay)
    turn = await one_turn(
        client,
        base,
        token,
        {"message": f"I need a flight from New York to London on {day.isoformat()}, economy"},
        stats,
        wave,
    )
    if not turn:
        stats.outcomes["failed"] += 1
        return
    thread_id = turn[0]["messageMetadata"]["thread_id"]
    for say in FOLLOW_UPS:
        if any(c["type"] == "data-confirmation" for c in turn):
            break
        turn = await one_turn(
            client, base, token, {"thread_id": thread_id, "message": say}, stats, wave
        )
    if not any(c["type"] == "data-confirmation" for c in turn):
        errors = [c.get("errorText", "") for c in turn if c["type"] == "tool-output-error"]
        said = "".join(c.get("delta", "") for c in turn if c["type"] == "text-delta").lower()
        if any("sold" in e.lower() for e in errors) or "sold out" in said:
            stats.outcomes["sold out"] += 1
        elif errors:
            stats.outcomes[f"tool error: {errors[-1][:50]}"] += 1
        else:
            stats.outcomes[f"no confirmation: {said[-60:]!r}"] += 1
        return
    done = await one_turn(
        client, base, token, {"thread_id": thread_id, "message": "yes"}, stats, wave
    )
    statuses = [
        c["output"].get("status")
        for c in done
        if c["type"] == "tool-output-available" and isinstance(c.get("output"), dict)
    ]
    stats.outcomes[statuses[-1] if statuses else "no status"] += 1


def server_threads(pid: int) -> int:
    """OS threads of ``pid`` and its descendants (``/proc/<pid>/task``)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += len(os.listdir(f"/proc/{current}/task"))
        except (FileNotFoundError, ProcessLookupError):
            continue
        todo.extend(_children(current))
    return total


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_config(args: argparse.Namespace, processes: int) -> dict[str, Any]:
    await prepare(args.database_url, args.redis_url, args.users, args.days)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    model = None
    if args.model_latency is not None:
        model = OpenAIFake(latency=args.model_latency, responder=booking_model).start()
    server = start_server(
        port,
        processes,
        args.database_url,
        args.redis_url,
        args.slots,
        model.url if model is not None else None,
    )
    try:
        await wait_healthy(base)
        await warm_up(base, processes)
        today = datetime.now(UTC).date()
        days = [today + timedelta(days=17 + i) for i in range(args.spread_days)]
        stats = Stats()
        limits = httpx.Limits(max_connections=args.users * 2, max_keepalive_connections=args.users)
        async with httpx.AsyncClient(timeout=args.timeout, limits=limits) as client:
            started = time.perf_counter()
            cpu_before = process_tree_cpu(server.pid)
            threads = [server_threads(server.pid)]
            for wave in range(args.waves):
                # Each wave: every user's conversation again, on a new thread of theirs,
                # after the last wave has ended (the process warm from it).
                await asyncio.gather(
                    *(
                        user(
                            client,
                            base,
                            n,
                            days,
                            stats,
                            wave=wave,
                            delay=args.ramp * n / max(1, args.users),
                        )
                        for n in range(args.users)
                    )
                )
                threads.append(server_threads(server.pid))
            cpu = process_tree_cpu(server.pid) - cpu_before
            wall = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if model is not None:
            model.stop()
    checked = await audit(args.database_url)
    told_confirmed = stats.outcomes.get("confirmed", 0)
    # A user books once a wave.
    more = (
        checked["users_with_2plus"]
        if args.waves == 1
        else int(checked["most_per_user"] > args.waves)
    )
    duplicates = more + max(0, checked["confirmed_bookings"] - told_confirmed)
    return {
        "processes": processes,
        "users": args.users,
        "turns": stats.turns,
        "seconds": round(wall, 2),
        "turns_per_s": round(stats.turns / wall, 2),
        "ttfe_p50_ms": round(pct(stats.ttfe, 0.50) * 1000, 1),
        "ttfe_p99_ms": round(pct(stats.ttfe, 0.99) * 1000, 1),
        "first_part_p50_ms": round(pct(stats.first_part, 0.50) * 1000, 1),
        "first_part_p99_ms": round(pct(stats.first_part, 0.99) * 1000, 1),
        "queued": stats.queued,
        # TTFE of the users' first turns (new threads, all sent at once unless --ramp)
        # against their follow-ups, per wave: what the first burst costs.
        "ttfe_by_wave": [
            {
                "first_p50_ms": round(pct(stats.ttfe_first.get(w, []), 0.50) * 1000, 1),
                "first_p99_ms": round(pct(stats.ttfe_first.get(w, []), 0.99) * 1000, 1),
                "next_p50_ms": round(pct(stats.ttfe_next.get(w, []), 0.50) * 1000, 1),
                "next_p99_ms": round(pct(stats.ttfe_next.get(w, []), 0.99) * 1000, 1),
            }
            for w in range(args.waves)
        ],
        # The server's OS threads before the first wave and after each.
        "server_threads": threads,
        "turn_p50_ms": round(pct(stats.turn, 0.50) * 1000, 1),
        "turn_p99_ms": round(pct(stats.turn, 0.99) * 1000, 1),
        # The server's own CPU (its process tree, from /proc) per answered turn.
        "cpu_ms_per_turn": round(cpu * 1000 / max(1, stats.turns), 1),
        "errors": sum(stats.errors.values()),
        "error_kinds": dict(stats.errors),
        "outcomes": dict(stats.outcomes),
        "oversold_rows": checked["oversold_rows"],
        "duplicates": duplicates,
        "confirmed_in_db": checked["confirmed_bookings"],
        # The shared machine's load when the run ended: other work skews every time here.
        "load_1m": round(os.getloadavg()[0], 1),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    cols = [
        ("processes", "procs"),
        ("users", "users"),
        ("turns", "turns"),
        ("seconds", "secs"),
        ("turns_per_s", "turns/s"),
        ("ttfe_p50_ms", "TTFE p50 ms"),
        ("ttfe_p99_ms", "TTFE p99 ms"),
        ("first_part_p50_ms", "1st part p50"),
        ("first_part_p99_ms", "1st part p99"),
        ("queued", "queued"),
        ("turn_p50_ms", "turn p50 ms"),
        ("turn_p99_ms", "turn p99 ms"),
        ("cpu_ms_per_turn", "cpu ms/turn"),
        ("errors", "errors"),
        ("oversold_rows", "oversell"),
        ("duplicates", "duplicates"),
        ("load_1m", "load"),
    ]
    widths = [max(len(h), *(len(str(r[k])) for r in rows)) for k, h in cols]
    print("  ".join(h.rjust(w) for (_k, h), w in zip(cols, widths, strict=True)))
    for r in rows:
        print("  ".join(str(r[k]).rjust(w) for (k, _h), w in zip(cols, widths, strict=True)))
    for r in rows:
        print(
            f"  {r['processes']} process(es): outcomes {r['outcomes']}, errors {r['error_kinds']}"
        )
        for w, t in enumerate(r["ttfe_by_wave"]):
            print(
                f"  {r['processes']} process(es), wave {w + 1}: TTFE first turns p50 "
                f"{t['first_p50_ms']:.0f} p99 {t['first_p99_ms']:.0f} ms, follow-ups p50 "
                f"{t['next_p50_ms']:.0f} p99 {t['next_p99_ms']:.0f} ms"
            )
        print(f"  {r['processes']} process(es): server threads {r['server_threads']}")
    if len(rows) >= 2 and rows[0]["turns_per_s"]:
        base = rows[0]
        for r in rows[1:]:
            print(
                f"ratio turns/s {r['processes']} vs {base['processes']} process(es): "
                f"{r['turns_per_s'] / base['turns_per_s']:.2f}x"
            )
    print(
        "chat: "
        + "; ".join(
            f"{r['processes']}p ttfe p99 {r['ttfe_p99_ms']:.0f} ms "
            f"cpu_ms_per_turn {r['cpu_ms_per_turn']:.0f}"
            for r in rows
        )
        + f"; errors {sum(r['errors'] for r in rows)}"
        + f" oversell {sum(r['oversold_rows'] for r in rows)}"
        + f" duplicates {sum(r['duplicates'] for r in rows)}"
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100, help="concurrent simulated users (K)")
    parser.add_argument("--processes", default="1,2", help="API process counts to compare")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--days", type=int, default=30, help="catalogue days seeded")
    parser.add_argument("--spread-days", type=int, default=3, help="travel days the users share")
    parser.add_argument("--timeout", type=float, default=300.0, help="per-turn HTTP timeout")
    parser.add_argument(
        "--slots",
        type=int,
        default=None,
        help="turns one process runs at once (CONCIERGE_CHAT_MAX_CONCURRENT_TURNS; default 16)",
    )
    parser.add_argument(
        "--model-latency",
        type=float,
        default=None,
        metavar="SECONDS",
        help="run an OpenAI-compatible model (the local fake) answering after this delay, "
        "instead of the offline planner",
    )
    parser.add_argument(
        "--waves",
        type=int,
        default=1,
        help="run every user's conversation this many times, one wave after the other "
        "(TTFE is printed per wave: the first meets a process that served only the warm-up)",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="start the users evenly over this many seconds instead of all at once",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    rows = []
    for processes in (int(p) for p in args.processes.split(",")):
        print(f"… {args.users} users against {processes} API process(es)", flush=True)
        rows.append(await run_config(args, processes))
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    bad = any(r["oversold_rows"] or r["duplicates"] for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
