"""Periodic jobs that any number of processes can run without running a tick twice.

Each tick is claimed in the database, not in memory: a conditional UPDATE on the
job's ``job_leases`` row moves ``leased_until`` forward by the job's interval only
if the previous lease has run out. Row count 1 means this process won the tick;
every other process sees 0 and waits for the next one. The lease doubles as the
schedule, so a worker that dies mid-tick costs at most that one tick, and adding
workers adds no duplicate work. PostgreSQL re-checks the WHERE clause after a
concurrent UPDATE commits (READ COMMITTED), and SQLite serializes writers at
``BEGIN IMMEDIATE``, so both give exactly one winner.

A job that takes longer than its interval can overlap with the next tick on
another worker; the jobs we run are idempotent sweeps, so that costs time, not
correctness.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from core.db import insert_ignoring_duplicates
from core.models import JobLease

if TYPE_CHECKING:
    from core.runtime import Runtime

log = logging.getLogger(__name__)

# Upper bound on one sleep, so a runner notices a clock that jumped (tests,
# evaluations) or a lease another worker gave up, without busy polling.
MAX_SLEEP_SECONDS = 30.0
MIN_SLEEP_SECONDS = 0.05
CLAIM_RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Job:
    """A periodic job. ``run`` does one tick and returns how many things it handled."""

    name: str
    interval_seconds: float
    run: Callable[[Runtime], Awaitable[int]]


@dataclass(frozen=True)
class TickOutcome:
    job: str
    ran: bool  # this runner claimed (and ran) the tick
    processed: int = 0
    error: str | None = None


def default_owner(role: str = "worker") -> str:
    """Who holds a lease, as shown in ``job_leases.owner``: host, pid and a nonce."""
    return f"{role}:{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


async def _ensure_lease_row(session: AsyncSession, name: str) -> None:
    """Insert the job's lease row if it is missing; a concurrent insert is not an error."""
    await session.execute(insert_ignoring_duplicates(session, JobLease).values(name=name, ticks=0))


async def claim_tick(
    session: AsyncSession,
    *,
    name: str,
    owner: str,
    now: datetime,
    interval_seconds: float,
    guarded: bool = True,
) -> bool:
    """Take the next tick of job ``name`` if its lease has run out. True = run it.

    ``guarded=False`` drops the lease condition (every caller "wins"); it exists only
    so the race tests can show what the condition prevents.
    """
    await _ensure_lease_row(session, name)
    condition = [JobLease.name == name]
    if guarded:
        condition.append(or_(JobLease.leased_until.is_(None), JobLease.leased_until <= now))
    result = await session.execute(
        update(JobLease)
        .where(*condition)
        .values(
            owner=owner,
            leased_until=now + timedelta(seconds=interval_seconds),
            ticks=JobLease.ticks + 1,
            last_tick_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


class JobRunner:
    """Runs a set of jobs against one runtime; many runners may share a database."""

    def __init__(
        self, rt: Runtime, jobs: Sequence[Job], owner: str | None = None, *, guarded: bool = True
    ) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate job names: {names}")
        self.rt = rt
        self.jobs = list(jobs)
        self.owner = owner or default_owner()
        self.guarded = guarded  # False only in race tests

    async def claim(self, job: Job) -> bool:
        # The claim commits on its own, before the job runs, so other workers see
        # it at once and the job's own transaction stays independent of it.
        async with self.rt.db.uow() as session:
            return await claim_tick(
                session,
                name=job.name,
                owner=self.owner,
                now=self.rt.clock.now(),
                interval_seconds=job.interval_seconds,
                guarded=self.guarded,
            )

    async def tick(self, job: Job) -> TickOutcome:
        """Claim and, if won, run one tick of ``job``. Never raises for a job's failure."""
        try:
            if not await self.claim(job):
                return TickOutcome(job=job.name, ran=False)
        except Exception as exc:
            log.exception("job %s: could not claim a tick", job.name)
            return TickOutcome(job=job.name, ran=False, error=f"claim failed: {exc!r}")
        try:
            processed = int(await job.run(self.rt))
        except Exception as exc:
            # One broken job must not take the others (or the process) down.
            log.exception("job %s failed", job.name)
            return TickOutcome(job=job.name, ran=True, error=repr(exc))
        if processed:
            log.info("job %s handled %d", job.name, processed)
        else:
            log.debug("job %s: nothing to do", job.name)
        return TickOutcome(job=job.name, ran=True, processed=processed)

    async def run_once(self) -> list[TickOutcome]:
        """One pass over every job (each still subject to its lease)."""
        return [await self.tick(job) for job in self.jobs]

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        """Run every job on its own schedule until ``stop_event`` is set.

        Each job has its own loop so a slow job (the daily catalogue extension)
        never delays a frequent one (the hold sweeper). A tick in progress is
        allowed to finish after ``stop_event`` is set.
        """
        log.info("job runner %s starting: %s", self.owner, ", ".join(j.name for j in self.jobs))
        loops = [
            asyncio.create_task(self._loop(job, stop_event), name=f"job:{job.name}")
            for job in self.jobs
        ]
        try:
            await asyncio.gather(*loops)
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            log.info("job runner %s stopped", self.owner)

    async def _loop(self, job: Job, stop_event: asyncio.Event) -> None:
        while not stop_event.is_set():
            outcome = await self.tick(job)
            if outcome.error and not outcome.ran:
                # The database is unreachable or failing: back off instead of spinning.
                delay = min(job.interval_seconds, CLAIM_RETRY_SECONDS)
            else:
                delay = await self._seconds_until_due(job)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), timeout=delay)

    async def _seconds_until_due(self, job: Job) -> float:
        """Sleep until the current lease runs out (whoever holds it), within bounds."""
        try:
            async with self.rt.db.uow(write=False) as session:
                until = await session.scalar(
                    select(JobLease.leased_until).where(JobLease.name == job.name)
                )
        except Exception:
            log.warning("job %s: could not read its lease", job.name, exc_info=True)
            until = None
        if until is None:
            return min(job.interval_seconds, MAX_SLEEP_SECONDS)
        remaining = (utc(until) - self.rt.clock.now()).total_seconds()
        return max(MIN_SLEEP_SECONDS, min(remaining, MAX_SLEEP_SECONDS))
