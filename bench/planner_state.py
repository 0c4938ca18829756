"""Planner CPU per turn: resuming from the state snapshot vs replaying every past turn.

A 10-turn conversation (search, changes, hold, confirm, hotel, trips) runs through
``Concierge`` + ``OfflinePlanner`` + the real tools on a seeded demo catalogue
(SQLite). On every model call the planner's ``plan()`` is timed twice on the same
request: as it runs (resuming from the state the last reply carried) and with every
snapshot stripped from the history (the replay of all past turns, which is what
every call did before, and still does for threads without snapshots). Both must
produce the same message. CPU time (``time.process_time``), best of ``--repeat``,
summed over the model calls of each turn. "warm" keeps the readers' memos of past
messages, as in a running server; "cold" clears them before each call (another
worker, or memos evicted), keeping the tables every process loads once.

    .venv/bin/python bench/planner_state.py            # ~20 s
    .venv/bin/python bench/planner_state.py --repeat 9
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import json
import pkgutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import AIMessage, BaseMessage

import concierge.planner.nlu as nlu_package
from concierge.models.base import ModelRequest, ModelResult, TextSink
from concierge.planner import OfflinePlanner, plan
from concierge.planner.snapshot import STATE_KEY
from concierge.service import Concierge
from core.catalogue import places as catalogue_places
from core.clock import FrozenClock
from core.config import Settings
from core.identity import Caller
from core.models import Base
from core.runtime import build_runtime
from core.seed import seed_demo
from tools.registry import TOOLS

AVA = Caller(user_id="ava", org_id="acme", role="traveler", name="Ava Patel")
CONVERSATION = [
    "hi, I need to fly from New York to London on {day}",
    "make it business class",
    "actually economy, and for 2 people",
    "anything earlier?",
    "option 1",
    "yes please",
    "I also need a hotel in London for 3 nights from {day}",
    "the cheapest one",
    "sounds good, book it",
    "show my trips",
]


def _caches() -> list[Any]:
    modules = [
        importlib.import_module(f"concierge.planner.nlu.{m.name}")
        for m in pkgutil.iter_modules(nlu_package.__path__)
    ]
    return [
        f
        for module in [*modules, catalogue_places]
        for f in vars(module).values()
        # Per-message memos only: tables loaded once per process (maxsize 1) stay.
        if hasattr(f, "cache_info") and f.cache_info().maxsize not in (None, 1)
    ]


def _stripped(messages: list[BaseMessage]) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for m in messages:
        if isinstance(m, AIMessage) and STATE_KEY in m.additional_kwargs:
            kwargs = {k: v for k, v in m.additional_kwargs.items() if k != STATE_KEY}
            m = m.model_copy(update={"additional_kwargs": kwargs})
        out.append(m)
    return out


def _cpu(request: ModelRequest, repeat: int, cold: bool, caches: list[Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        if cold:
            for f in caches:
                f.cache_clear()
        start = time.process_time()
        plan(request)
        best = min(best, time.process_time() - start)
    return best


class TimedPlanner(OfflinePlanner):
    """The offline planner, timing each call both ways before answering."""

    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.turn = 0
        self.caches = _caches()
        self.rows: dict[tuple[int, str, str], float] = {}
        self.calls: dict[int, int] = {}
        self.snapshot_bytes: list[int] = []

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        replay = dataclasses.replace(
            request,
            messages=_stripped(list(request.messages)),
            history=_stripped(list(request.history)),
        )
        ours, theirs = plan(request), plan(replay)
        assert (ours.content, ours.tool_calls) == (theirs.content, theirs.tool_calls), "differ"
        if STATE_KEY in ours.additional_kwargs:
            self.snapshot_bytes.append(len(json.dumps(ours.additional_kwargs[STATE_KEY])))
        self.calls[self.turn] = self.calls.get(self.turn, 0) + 1
        for cold in (False, True):
            for name, req in (("snapshot", request), ("replay", replay)):
                key = (self.turn, name, "cold" if cold else "warm")
                self.rows[key] = self.rows.get(key, 0.0) + _cpu(req, self.repeat, cold, self.caches)
        return await super().generate(request, on_text)


async def run(repeat: int) -> TimedPlanner:
    clock = FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as workdir:
        settings = Settings(
            env="test", database_url=f"sqlite+aiosqlite:///{Path(workdir) / 'planner.db'}"
        )
        rt = build_runtime(settings, clock=clock)
        async with rt.db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with rt.db.uow() as session:
            await seed_demo(
                session,
                today=clock.now().date(),
                days_ahead=30,
                hubs=["JFK", "LGA", "EWR", "LHR", "LGW"],
                settings=settings,
                now=clock.now(),
            )
        day = (clock.now() + timedelta(days=17)).strftime("%B %-d")
        model = TimedPlanner(repeat)
        concierge = await Concierge.open(rt, model, tools=TOOLS)  # type: ignore[arg-type]
        try:
            thread_id = None
            for n, line in enumerate(CONVERSATION, start=1):
                model.turn = n
                async for event in concierge.turn(
                    AVA, thread_id=thread_id, message=line.format(day=day)
                ):
                    thread_id = getattr(event, "thread_id", thread_id)
                    if getattr(event, "type", "") == "error":
                        print("  turn error:", event)
        finally:
            await concierge.aclose()
            await rt.close()
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    model = asyncio.run(run(args.repeat))
    print(f"Planner CPU per turn (ms, best of {args.repeat}, summed over the turn's model calls)")
    print(
        f"{'turn':>4} {'calls':>5} {'warm snap':>10} {'warm replay':>12} {'x':>6}"
        f" {'cold snap':>10} {'cold replay':>12} {'x':>6}"
    )
    totals: dict[tuple[str, str], float] = {}
    for turn in range(1, len(CONVERSATION) + 1):
        cells = []
        for mode in ("warm", "cold"):
            snap = model.rows.get((turn, "snapshot", mode), 0.0)
            replay = model.rows.get((turn, "replay", mode), 0.0)
            totals[mode, "snapshot"] = totals.get((mode, "snapshot"), 0.0) + snap
            totals[mode, "replay"] = totals.get((mode, "replay"), 0.0) + replay
            cells.append(f"{snap * 1000:>10.2f} {replay * 1000:>12.2f} {replay / snap:>5.1f}x")
        print(f"{turn:>4} {model.calls.get(turn, 0):>5} {cells[0]} {cells[1]}")
    for mode in ("warm", "cold"):
        snap, replay = totals[mode, "snapshot"], totals[mode, "replay"]
        print(
            f"{mode}: {snap / len(CONVERSATION) * 1000:.2f} ms/turn with the snapshot, "
            f"{replay / len(CONVERSATION) * 1000:.2f} ms/turn replaying; "
            f"replay / snapshot = {replay / snap:.2f}x"
        )
    sizes = model.snapshot_bytes
    print(f"snapshot size: median {sorted(sizes)[len(sizes) // 2]} B, max {max(sizes)} B (JSON)")


if __name__ == "__main__":
    main()
