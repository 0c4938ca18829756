"""Concurrent workers never run one tick twice — across processes, on SQLite and PostgreSQL.

Each child process is a real ``JobRunner`` on its own engine (as ``concierge worker``
would be), released at the same instant; a probe job writes one audit row per run. The
children are started once for the module and run both races.
The race pair: with the lease condition switched off every worker runs the tick;
with it, exactly one does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.jobs import Job, JobRunner, default_jobs
from core.models import AuditEntry, JobLease
from core.runtime import Runtime, build_runtime

WORKERS = 4
ROOT = Path(__file__).resolve().parents[2]


async def probe(rt: Runtime) -> int:
    """One audit row per run: what the parent counts."""
    async with rt.db.uow() as session:
        session.add(
            AuditEntry(
                org_id="-",
                actor_id=rt.extras["owner"],
                action="probe.tick",
                entity="job",
                entity_id="probe",
                data={},
                at=rt.clock.now(),
            )
        )
    return 1


async def _round(url: str, owner: str, guarded: bool) -> None:
    """One race in the child: ``ready`` once warmed up, then one tick on the parent's ``go``."""
    from tests.conftest import NOW

    settings = Settings(env="test", database_url=url)
    rt = build_runtime(settings, clock=FrozenClock(NOW), db=Database(url))
    rt.extras["owner"] = owner
    runner = JobRunner(rt, [Job("probe", 60, probe)], owner=owner, guarded=guarded)
    try:
        # Warm the connection pool so the race is between claims, not connects.
        async with rt.db.uow(write=False) as session:
            await session.scalar(select(func.count()).select_from(JobLease))
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # the parent's "go", to all at once
        [outcome] = await runner.run_once()
        print(f"{owner} ran={outcome.ran} error={outcome.error}", flush=True)
    finally:
        await rt.close()


def _child(owner: str) -> None:
    """A worker process, started once for the module: a race per ``<url> <guarded>`` line
    (each test has its own database), until its stdin closes."""
    print("up", flush=True)
    for line in sys.stdin:
        url, guarded = line.split()
        asyncio.run(_round(url, owner, guarded == "True"))
    # Every round closed its runtime: skip the interpreter's teardown of the modules
    # (~0.5 s of CPU a child).
    os._exit(0)


class WorkerProcesses:
    """``WORKERS`` child processes, each a real ``JobRunner`` on its own engine per race.

    Started once for the module: the two halves of the race pair run in the same
    processes (a child's start, importing the core, is most of a race's cost).
    """

    def __init__(self, logs: Path) -> None:
        self.logs = [logs / f"w{i}.log" for i in range(WORKERS)]
        self._stderr = [log.open("w") for log in self.logs]
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.core.test_workers", f"w{i}"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
            for i, stderr in enumerate(self._stderr)
        ]
        self._expect("up")

    def _send(self, line: str) -> None:
        for p in self.procs:
            assert p.stdin is not None
            p.stdin.write(f"{line}\n")
            p.stdin.flush()

    def _lines(self) -> list[str]:
        """One line from each child (a child that died: its stderr)."""
        out = []
        for p, log in zip(self.procs, self.logs, strict=True):
            assert p.stdout is not None
            line = p.stdout.readline()
            if not line:
                p.wait(timeout=30)
                raise AssertionError(f"worker exited ({p.returncode}): {log.read_text()[-3000:]}")
            out.append(line.strip())
        return out

    def _expect(self, word: str) -> None:
        lines = self._lines()
        assert lines == [word] * WORKERS, lines

    def race(self, url: str, *, guarded: bool) -> list[str]:
        """Every child warms up on ``url``, then all are released at the same instant."""
        self._send(f"{url} {guarded}")
        self._expect("ready")
        self._send("go")
        return self._lines()

    def close(self) -> None:
        for p in self.procs:
            assert p.stdin is not None
            p.stdin.close()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for p in self.procs:
            assert p.stdout is not None
            p.stdout.close()
        for stderr in self._stderr:
            stderr.close()


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcesses]:
    pool = WorkerProcesses(tmp_path_factory.mktemp("workers"))
    try:
        yield pool
    finally:
        pool.close()


async def probe_runs(db: Database) -> int:
    async with db.uow(write=False) as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "probe.tick")
            )
            or 0
        )


@pytest.mark.race
async def test_race_without_the_lease_condition_every_worker_process_runs_the_tick(
    database, workers
):
    outputs = await asyncio.to_thread(workers.race, database.url, guarded=False)

    assert sum("ran=True" in line for line in outputs) == WORKERS
    assert await probe_runs(database) == WORKERS


@pytest.mark.race
async def test_race_with_the_lease_condition_exactly_one_worker_process_runs_the_tick(
    database, workers
):
    outputs = await asyncio.to_thread(workers.race, database.url, guarded=True)

    assert sum("ran=True" in line for line in outputs) == 1, outputs
    assert all("error=None" in line for line in outputs), outputs
    assert await probe_runs(database) == 1
    async with database.uow(write=False) as session:
        lease = await session.scalar(select(JobLease).where(JobLease.name == "probe"))
        assert lease is not None
        assert lease.ticks == 1


async def test_concurrent_runners_of_the_default_jobs_run_each_job_once_per_tick(runtime, clock):
    rt = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"catalogue_days_ahead": 1})
    )
    runners = [JobRunner(rt, default_jobs(), owner=f"worker-{i}") for i in range(3)]

    rounds = await asyncio.gather(*(r.run_once() for r in runners))

    ran: dict[str, int] = {}
    for outcomes in rounds:
        for outcome in outcomes:
            ran[outcome.job] = ran.get(outcome.job, 0) + int(outcome.ran)
    assert set(ran) >= {"outbox_relay", "stripe_events", "reconciliation"}
    assert all(count == 1 for count in ran.values()), ran


if __name__ == "__main__":
    _child(sys.argv[1])
