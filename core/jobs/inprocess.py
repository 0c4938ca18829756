"""Running the job loop inside the API process (embedded mode) instead of a worker."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.jobs.builtin import default_jobs
from core.jobs.runner import Job, JobRunner, default_owner

if TYPE_CHECKING:
    from core.runtime import Runtime

log = logging.getLogger(__name__)

_stop_events: weakref.WeakKeyDictionary[asyncio.Task[None], asyncio.Event] = (
    weakref.WeakKeyDictionary()
)


def start_in_process(
    rt: Runtime, jobs: Sequence[Job] | None = None, *, owner: str | None = None
) -> asyncio.Task[None]:
    """Start the job loop as a task of the running event loop (the API's lifespan).

    Leases live in the database, so this is safe next to any number of
    ``concierge worker`` processes: each tick still runs once.
    """
    stop = asyncio.Event()
    runner = JobRunner(rt, default_jobs() if jobs is None else jobs, owner or default_owner("api"))
    task = asyncio.create_task(runner.run_forever(stop), name="concierge-jobs")
    _stop_events[task] = stop
    return task


async def stop_in_process(task: asyncio.Task[None], *, grace_seconds: float = 10.0) -> None:
    """Ask the loop to stop, let a tick in progress finish, cancel after ``grace_seconds``."""
    stop = _stop_events.pop(task, None)
    if stop is not None:
        stop.set()
    done, _ = await asyncio.wait({task}, timeout=grace_seconds)
    if not done:
        log.warning("jobs did not stop within %.0fs; cancelling", grace_seconds)
        task.cancel()
    results = await asyncio.gather(task, return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            log.error("job loop ended with an error", exc_info=result)
