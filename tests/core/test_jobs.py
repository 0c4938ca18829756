"""Job leases: any number of runners, each tick exactly once, failures isolated."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import SystemClock
from core.jobs import Job, JobRunner, default_jobs, start_in_process, stop_in_process
from core.jobs.builtin import count_of
from core.models import JobLease
from core.runtime import Runtime


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, rt: Runtime) -> int:
        self.calls += 1
        await asyncio.sleep(0)  # let concurrent runners interleave
        return 1


async def lease(rt: Runtime, name: str) -> JobLease:
    async with rt.db.uow(write=False) as session:
        row = await session.scalar(select(JobLease).where(JobLease.name == name))
        assert row is not None
        session.expunge(row)  # keep the loaded values past the read-only rollback
    return row


async def test_a_tick_runs_once_across_runners_and_again_after_the_interval(runtime, clock):
    counter = Counter()
    job = Job("count", 60, counter)
    first = JobRunner(runtime, [job], owner="worker-1")
    second = JobRunner(runtime, [job], owner="worker-2")

    [won] = await first.run_once()
    [lost] = await second.run_once()
    assert (won.ran, won.processed) == (True, 1)
    assert lost.ran is False
    assert counter.calls == 1

    clock.advance(seconds=59)
    assert [o.ran for o in await first.run_once() + await second.run_once()] == [False, False]

    clock.advance(seconds=1)
    [again] = await second.run_once()
    assert again.ran is True
    assert counter.calls == 2
    row = await lease(runtime, "count")
    assert (row.owner, row.ticks) == ("worker-2", 2)
    assert row.last_tick_at == clock.now()
    assert row.leased_until == clock.now() + timedelta(seconds=60)


async def test_five_concurrent_runners_share_each_tick(runtime, clock):
    counter = Counter()
    job = Job("count", 30, counter)
    runners = [JobRunner(runtime, [job], owner=f"worker-{i}") for i in range(5)]

    for round_number in range(1, 4):
        outcomes = await asyncio.gather(*(runner.tick(job) for runner in runners))
        assert sum(o.ran for o in outcomes) == 1, outcomes
        assert all(o.error is None for o in outcomes)
        assert counter.calls == round_number
        clock.advance(seconds=30)

    assert (await lease(runtime, "count")).ticks == 3


async def test_a_failing_job_does_not_stop_the_others(runtime, clock):
    async def boom(rt: Runtime) -> int:
        raise RuntimeError("supplier exploded")

    counter = Counter()
    runner = JobRunner(runtime, [Job("boom", 10, boom), Job("count", 10, counter)], owner="w")

    failed, succeeded = await runner.run_once()
    assert failed.ran is True
    assert "supplier exploded" in (failed.error or "")
    assert (succeeded.ran, succeeded.error, counter.calls) == (True, None, 1)

    # The failed tick is spent like any other; the job is tried again next interval.
    clock.advance(seconds=10)
    failed_again, _ = await runner.run_once()
    assert failed_again.ran is True
    assert (await lease(runtime, "boom")).ticks == 2
    assert counter.calls == 2


async def test_duplicate_job_names_are_refused(runtime):
    counter = Counter()
    with pytest.raises(ValueError, match="duplicate"):
        JobRunner(runtime, [Job("a", 1, counter), Job("a", 2, counter)])


async def test_in_process_loop_keeps_ticking_and_stops_cleanly(runtime):
    rt = dataclasses.replace(runtime, clock=SystemClock())
    counter = Counter()
    task = start_in_process(rt, [Job("fast", 0.05, counter)], owner="api-test")
    for _ in range(200):
        if counter.calls >= 3:
            break
        await asyncio.sleep(0.02)
    assert counter.calls >= 3

    await stop_in_process(task, grace_seconds=5)
    assert task.done()
    stopped_at = counter.calls
    await asyncio.sleep(0.2)
    assert counter.calls == stopped_at


def test_default_jobs_cover_the_sweepers():
    jobs = {job.name: job.interval_seconds for job in default_jobs()}
    assert set(jobs) >= {"hold_sweeper", "saga_completer", "idempotency_reaper", "catalogue_extender"}
    assert jobs["approval_escalator"] <= 60
    assert jobs["approval_expirer"] <= 60
    assert jobs["hold_sweeper"] <= 60
    assert jobs["catalogue_extender"] == 24 * 3600


def test_count_of_reads_service_results():
    assert count_of(3) == 3
    assert count_of(None) == 0
    assert count_of({"flights": 10, "hotels": 2, "note": "x", "done": True}) == 12


async def test_default_jobs_run_cleanly_on_an_empty_database(runtime):
    rt = dataclasses.replace(runtime, settings=runtime.settings.model_copy(update={"catalogue_days_ahead": 1}))
    runner = JobRunner(rt, default_jobs(), owner="w")
    outcomes = await runner.run_once()
    assert [o.error for o in outcomes] == [None] * len(outcomes), outcomes
    assert all(o.ran for o in outcomes)


def test_count_of_sums_a_stats_dataclass():
    @dataclasses.dataclass(frozen=True)
    class Stats:
        flights: int
        fares: int
        label: str

    assert count_of(Stats(flights=2, fares=6, label="x")) == 8


async def test_hold_sweeper_job_frees_expired_holds_once_across_workers(runtime, clock):
    from core.booking.service import ItemRequest, hold_booking
    from core.models import Booking, FareInventory
    from core.search.offers import flight_offer_id
    from tests.core.booking_world import AVA, build_world

    world = await build_world(runtime)
    fare_id = world.short_inv["economy"].id
    async with runtime.db.uow() as session:
        booking = await hold_booking(runtime, session, AVA, [ItemRequest(flight_offer_id(fare_id), 2)])
        booking_id = booking.id

    sweeper = next(job for job in default_jobs() if job.name == "hold_sweeper")
    workers = [JobRunner(runtime, [sweeper], owner=f"worker-{i}") for i in range(3)]
    # Before the TTL nothing is released.
    [early, *_] = await asyncio.gather(*(w.tick(sweeper) for w in workers))
    assert early.processed == 0

    clock.advance(seconds=runtime.settings.hold_ttl_seconds + sweeper.interval_seconds)
    outcomes = await asyncio.gather(*(w.tick(sweeper) for w in workers))

    assert [o.processed for o in outcomes if o.ran] == [1]
    async with runtime.db.uow(write=False) as session:
        assert (await session.get(FareInventory, fare_id)).held == 0
        assert (await session.get(Booking, booking_id)).status == "expired"
