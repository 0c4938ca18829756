"""CPU and round trips of one chat turn, by kind, in one process (issue 15, the chat part).

A fixed script of turns runs through ``POST /v1/chat`` in process (httpx's ASGI
transport, the offline planner, the demo catalogue): a search, "book option 1",
"yes", then a question about the trip. Each conversation is a fresh thread of one
of the demo travellers, on its own day, so holds never run out. For every turn it
records the process's CPU time (``time.process_time``: the event loop, SQLAlchemy,
the drivers' client side; not the database server's) and the booking database's
round trips (``tests.roundtrips``), and prints the medians per turn kind.

Baseline: ``--baseline REV`` runs the same script on the code of another commit,
checked out with ``git worktree`` into a temporary folder and run in a child
process, interleaved with this tree (A B A B …) so the box's load hits both alike;
the ratio printed is this tree / the baseline.

    python bench/chat_turn_cpu.py                                   # SQLite, this tree only
    python bench/chat_turn_cpu.py --baseline main --rounds 3
    python bench/chat_turn_cpu.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/concierge_perf15
    python bench/chat_turn_cpu.py --profile yes                     # cProfile of the "yes" turns
    python bench/chat_turn_cpu.py --profile all                     # … of every turn

The clock starts at the script's date and moves with real time (``--clock ticking``), as a
server's does; ``--clock frozen`` keeps it still (what this bench did before perf36a: it hid
whatever is cached by the instant asked at, like the planner's readings of a message).

The PostgreSQL database named is emptied (every table dropped and recreated).
Last line: ``chat turns: cpu_ms search N book N yes N question N; statements … ;
ratio vs BASE …``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# ``--code-root DIR``: import the code under test from DIR (the baseline's worktree)
# while this script drives it.
CODE = Path(sys.argv[sys.argv.index("--code-root") + 1]) if "--code-root" in sys.argv else ROOT
sys.path.insert(0, str(CODE))

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW", "CDG", "ORD")
KINDS = ("search", "book", "yes", "question")


class StartClock:
    """Wraps the app: the process's CPU time and the round trips counted so far when a
    response sends its ``start`` chunk (the turn's prologue, issue 15)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: Any = None
        self.at: tuple[float, int] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def timed(message: Any) -> None:
            if (
                self.at is None
                and message["type"] == "http.response.body"
                and b'"type":"start"' in message.get("body", b"")
            ):
                self.at = (time.process_time(), self.seen.total if self.seen is not None else 0)
            await send(message)

        await self.app(scope, receive, timed)


def script(day: int) -> list[tuple[str, str]]:
    date = (NOW + timedelta(days=day)).date().isoformat()
    return [
        ("search", f"I need a flight from New York to London on {date}, economy"),
        ("book", "book option 1"),
        ("yes", "yes"),
        ("question", "what time does my flight leave?"),
    ]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    import httpx
    from sqlalchemy import text

    from api.app import create_app
    from core.clock import FrozenClock
    from core.config import Settings, normalize_database_url
    from core.db import Database
    from core.models import Base
    from core.runtime import build_runtime
    from core.seed import seed_demo
    from tests.api.sse import parse_sse
    from tests.roundtrips import count_round_trips

    folder = Path(tempfile.mkdtemp(prefix="chat-turn-cpu-"))
    if args.database_url:
        url = normalize_database_url(args.database_url)
        db = Database(url, pool_size=20)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
            await conn.run_sync(Base.metadata.create_all)
    else:
        url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    settings = Settings(env="test", database_url=url, redis_url=None, chat_rate_per_minute=0)
    class TickingClock(FrozenClock):
        """Starts at NOW and moves with real time, as a server's clock does: a turn's
        model calls, tools and writes each read their own instant (a frozen clock hides
        whatever is cached by the time asked at)."""

        def __init__(self, at: datetime) -> None:
            super().__init__(at)
            self._started = time.monotonic()

        def now(self) -> datetime:
            return self._at + timedelta(seconds=time.monotonic() - self._started)

    clock = FrozenClock(NOW) if args.clock == "frozen" else TickingClock(NOW)
    rt = build_runtime(settings, clock=clock, db=db)
    async with rt.db.uow() as session:
        await seed_demo(session, today=NOW.date(), days_ahead=40, hubs=HUBS, settings=settings, now=NOW)
    app = create_app(runtime=rt)
    cpu: dict[str, list[float]] = {k: [] for k in KINDS}
    trips: dict[str, list[int]] = {k: [] for k in KINDS}
    start_cpu: dict[str, list[float]] = {k: [] for k in KINDS}
    start_trips: dict[str, list[int]] = {k: [] for k in KINDS}
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    headers = {"Authorization": "Bearer demo-ava"}
    clock_app = StartClock(app)
    transport = httpx.ASGITransport(app=clock_app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test", timeout=120) as c:
            for n in range(args.warmup + args.conversations):
                thread_id: str | None = None
                for kind, say in script(8 + n % 25):
                    body: dict[str, Any] = {"message": say}
                    if thread_id:
                        body["thread_id"] = thread_id
                    profiling = profiler is not None and args.profile in (kind, "all") and n >= args.warmup
                    with count_round_trips(rt.db.engine) as seen:
                        clock_app.seen, clock_app.at = seen, None
                        if profiling:
                            profiler.enable()  # type: ignore[union-attr]
                        t0 = time.process_time()
                        response = await c.post("/v1/chat", json=body, headers=headers)
                        await app.state.turns.wait_idle()
                        spent = time.process_time() - t0
                        if profiling:
                            profiler.disable()  # type: ignore[union-attr]
                    events = [d for _i, d in parse_sse(response.text)]
                    errors = [e for e in events if e != "[DONE]" and e.get("type") == "error"]
                    if response.status_code != 200 or errors:
                        raise SystemExit(f"turn {kind!r} failed: {response.status_code} {errors}")
                    if thread_id is None:
                        thread_id = events[0]["messageMetadata"]["thread_id"]
                    if kind == "yes" and not any(
                        "confirmed" in json.dumps(e).lower() for e in events if e != "[DONE]"
                    ):
                        raise SystemExit("the 'yes' turn did not confirm")
                    if args.dump == kind and n == args.warmup:
                        print(seen, file=sys.stderr)
                    if n >= args.warmup:
                        cpu[kind].append(spent * 1000)
                        trips[kind].append(seen.total)
                        if clock_app.at is not None:
                            start_cpu[kind].append((clock_app.at[0] - t0) * 1000)
                            start_trips[kind].append(clock_app.at[1])
    finally:
        if app.state.turns is not None:
            await app.state.turns.aclose()
        await db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    if profiler is not None:
        stats = pstats.Stats(profiler)
        if args.profile_out:
            stats.dump_stats(args.profile_out)
        stats.sort_stats(args.sort).print_stats(args.top)
    return {
        "cpu_ms": {k: statistics.median(v) for k, v in cpu.items()},
        "round_trips": {k: statistics.median(v) for k, v in trips.items()},
        # Up to the `start` chunk: the request, authentication and the turn's prologue.
        "start_cpu_ms": {k: statistics.median(v) for k, v in start_cpu.items()},
        "start_round_trips": {k: statistics.median(v) for k, v in start_trips.items()},
    }


def child(tree: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--code-root",
        str(tree),
        "--json-only",
        "--conversations",
        str(args.conversations),
        "--warmup",
        str(args.warmup),
        "--clock",
        args.clock,
    ]
    if args.database_url:
        cmd += ["--database-url", args.database_url]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{tree}: {out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--conversations", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--baseline", default=None, help="a git revision to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", choices=(*KINDS, "all"), default=None)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--profile-out", default=None, help="also write the cProfile stats here")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--dump", choices=KINDS, default=None, help="print one turn's SQL")
    parser.add_argument(
        "--clock",
        choices=("ticking", "frozen"),
        default="ticking",
        help="ticking (default): starts at the script's date and moves, as a server's clock does",
    )
    parser.add_argument("--json-only", action="store_true")
    parser.add_argument("--code-root", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(ROOT / "var" / "tiktoken"))

    if args.json_only or args.baseline is None:
        result = asyncio.run(run(args))
        if args.json_only:
            print(json.dumps(result))
            return
        cpu, rts = result["cpu_ms"], result["round_trips"]
        scpu, srts = result["start_cpu_ms"], result["start_round_trips"]
        print(
            "before start: cpu_ms "
            + " ".join(f"{k} {scpu[k]:.1f}" for k in KINDS)
            + "; round trips "
            + " ".join(f"{k} {srts[k]:.0f}" for k in KINDS)
        )
        print(
            "chat turns: cpu_ms "
            + " ".join(f"{k} {cpu[k]:.0f}" for k in KINDS)
            + "; round trips "
            + " ".join(f"{k} {rts[k]:.0f}" for k in KINDS)
        )
        return

    base_dir = Path(tempfile.mkdtemp(prefix="chat-turn-base-")) / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(base_dir), args.baseline],
        cwd=ROOT, check=True, capture_output=True,
    )
    try:
        ours: list[dict[str, Any]] = []
        base: list[dict[str, Any]] = []
        for _ in range(args.rounds):
            base.append(child(base_dir, args))
            ours.append(child(ROOT, args))

        def med(results: list[dict[str, Any]], part: str, kind: str) -> float:
            return statistics.median(r[part][kind] for r in results)

        print(f"{'turn':10} {'cpu ms base':>12} {'cpu ms ours':>12} {'ratio':>6} {'rt base':>8} {'rt ours':>8}")
        for k in KINDS:
            b, o = med(base, "cpu_ms", k), med(ours, "cpu_ms", k)
            print(
                f"{k:10} {b:12.1f} {o:12.1f} {o / b:6.2f} "
                f"{med(base, 'round_trips', k):8.0f} {med(ours, 'round_trips', k):8.0f}"
            )
        print(f"{'to start':10} {'cpu ms base':>12} {'cpu ms ours':>12} {'ratio':>6} {'rt base':>8} {'rt ours':>8}")
        for k in KINDS:
            b, o = med(base, "start_cpu_ms", k), med(ours, "start_cpu_ms", k)
            print(
                f"{k:10} {b:12.1f} {o:12.1f} {o / b:6.2f} "
                f"{med(base, 'start_round_trips', k):8.0f} {med(ours, 'start_round_trips', k):8.0f}"
            )
        tb = sum(med(base, "cpu_ms", k) for k in KINDS)
        to = sum(med(ours, "cpu_ms", k) for k in KINDS)
        print(
            "chat turns: cpu_ms "
            + " ".join(f"{k} {med(ours, 'cpu_ms', k):.0f}" for k in KINDS)
            + "; round trips "
            + " ".join(f"{k} {med(ours, 'round_trips', k):.0f}" for k in KINDS)
            + f"; ratio vs {args.baseline} {to / tb:.2f}"
        )
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(base_dir)], cwd=ROOT, check=False
        )


if __name__ == "__main__":
    main()
