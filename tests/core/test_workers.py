"""Concurrent workers never run one tick twice — across processes, on SQLite and PostgreSQL.

Each child process is a real ``JobRunner`` on its own engine (as ``concierge worker``
would be), released at the same instant; a probe job writes one audit row per run.
The race pair: with the lease condition switched off every worker runs the tick;
with it, exactly one does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
import time
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


async def _child(url: str, owner: str, guarded: bool, gate: Path) -> None:
    from tests.conftest import NOW

    settings = Settings(env="test", database_url=url)
    rt = build_runtime(settings, clock=FrozenClock(NOW), db=Database(url))
    rt.extras["owner"] = owner
    runner = JobRunner(rt, [Job("probe", 60, probe)], owner=owner, guarded=guarded)
    try:
        # Warm the connection pool so the race is between claims, not connects.
        async with rt.db.uow(write=False) as session:
            await session.scalar(select(func.count()).select_from(JobLease))
        (gate / f"ready-{owner}").touch()
        await asyncio.to_thread(sys.stdin.readline)  # the parent's "go", to all at once
        [outcome] = await runner.run_once()
        print(f"{owner} ran={outcome.ran} error={outcome.error}")
    finally:
        await rt.close()


def run_workers(url: str, gate: Path, *, guarded: bool) -> list[str]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.core.test_workers",
                url,
                f"w{i}",
                str(guarded),
                str(gate),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    deadline = time.monotonic() + 120
    while len(list(gate.glob("ready-*"))) < WORKERS:
        if time.monotonic() > deadline or any(p.poll() not in (None, 0) for p in procs):
            for p in procs:
                p.kill()
            raise AssertionError([p.communicate() for p in procs])
        time.sleep(0.01)
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outputs.append(out.strip())
    return outputs


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
    database, tmp_path
):
    outputs = await asyncio.to_thread(run_workers, database.url, tmp_path, guarded=False)

    assert sum("ran=True" in line for line in outputs) == WORKERS
    assert await probe_runs(database) == WORKERS


@pytest.mark.race
async def test_race_with_the_lease_condition_exactly_one_worker_process_runs_the_tick(
    database, tmp_path
):
    outputs = await asyncio.to_thread(run_workers, database.url, tmp_path, guarded=True)

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
    _, url, owner, guarded, gate = sys.argv
    asyncio.run(_child(url, owner, guarded == "True", Path(gate)))
