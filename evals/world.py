"""A fresh database per trial, fast: one migrated + seeded template, copied per trial.

Seeding the demo catalogue is the slow part (seconds), a file copy is not
(milliseconds), so the template is built once and kept under
``var/evals/cache/`` keyed by everything that shapes it (schema head, seed code,
hubs, window, anchor date): the next run reuses it. Each trial gets its own
copy, its own frozen clock at the scenario's time and its own runtime with jobs
*not* in process (a scenario runs them explicitly, e.g. approval escalation).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core import migrations
from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.runtime import Runtime, build_runtime
from core.seed import seed_demo
from evals.schema import DEFAULT_CLOCK, Scenario

# Enough of the world for every flow (metros with several airports, cross-region
# gateways, one-stop connections such as BOS→NRT, a blocked airline on LGW–DUB) at a
# fraction of the full seed.
EVAL_HUBS = (
    "JFK", "LGA", "EWR", "BOS", "ORD", "SFO", "LHR", "LGW", "CDG", "ORY", "DUB", "NRT", "HND",
)  # fmt: skip
EVAL_DAYS_AHEAD = 30
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO_ROOT / "var" / "evals" / "cache"

_SEED_SOURCES = ("core/seed.py", "core/catalogue", "core/policy", "core/migrations/versions")


def _template_key(anchor: date, hubs: tuple[str, ...], days: int) -> str:
    digest = hashlib.sha256(f"{anchor}|{','.join(hubs)}|{days}".encode())
    for rel in _SEED_SOURCES:
        path = REPO_ROOT / rel
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


async def _build_template(path: Path, anchor: datetime, hubs: tuple[str, ...], days: int) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{tmp}"
    await migrations.upgrade_async(url)
    settings = Settings(env="test", database_url=url)
    db = Database(url)
    try:
        async with db.uow() as session:
            await seed_demo(
                session,
                today=anchor.date(),
                days_ahead=days,
                hubs=hubs,
                settings=settings,
                now=anchor,
            )
    finally:
        await db.dispose()
    # Fold the WAL into the main file so a plain copy is the whole database.
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    tmp.replace(path)  # atomic: a concurrent run sees a whole template or none


@dataclass
class World:
    """Where the template lives and how trials get their runtime."""

    workdir: Path
    cache_dir: Path = DEFAULT_CACHE
    anchor: datetime = DEFAULT_CLOCK
    hubs: tuple[str, ...] = EVAL_HUBS
    days_ahead: int = EVAL_DAYS_AHEAD
    base_settings: dict[str, Any] | None = None
    template: Path | None = None

    async def prepare(self) -> Path:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        path = (
            self.cache_dir
            / f"template-{_template_key(self.anchor.date(), self.hubs, self.days_ahead)}.db"
        )
        if not path.exists():
            await _build_template(path, self.anchor, self.hubs, self.days_ahead)
        self.template = path
        return path

    def trial_settings(self, scenario: Scenario, name: str) -> Settings:
        assert self.template is not None, "prepare() first"
        db_path = self.workdir / f"{name}.db"
        shutil.copyfile(self.template, db_path)
        overrides: dict[str, Any] = {
            "env": "test",
            "database_url": f"sqlite+aiosqlite:///{db_path}",
            "redis_url": None,
            "run_jobs_in_process": False,
            # Evaluations measure behaviour, not the rate limiter.
            "chat_rate_per_minute": 0,
            "bookings_rate_per_minute": 0,
        }
        overrides.update(self.base_settings or {})
        overrides.update(scenario.settings)
        return Settings(**overrides)

    def trial_runtime(self, scenario: Scenario, name: str) -> Runtime:
        settings = self.trial_settings(scenario, name)
        return build_runtime(settings, clock=FrozenClock(scenario.clock))

    def discard(self, name: str) -> None:
        """Delete a trial's database, its WAL files and its checkpoints file."""
        for leftover in self.workdir.glob(f"{name}.*"):
            leftover.unlink(missing_ok=True)
