"""Is Redis answering? One answer per process, so an outage is logged once, not per request.

Everything that uses Redis (contention locks, the search cache, the rate limiter, the
chat turn streams) asks :meth:`RedisHealth.should_try` first and reports how the call
went. While Redis is down they work in this process instead and try Redis again at most
every ``retry_seconds`` (one call claims each retry), so a dead Redis costs one failed
call per interval, not one per request; the first call that succeeds ends the outage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Final

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: What a Redis that cannot serve us raises: unreachable, restarting or still loading,
#: too slow (socket timeouts), or refusing writes (a read-only replica after a failover,
#: out of memory). ``OSError`` covers refused and reset connections.
REDIS_DOWN: Final[tuple[type[Exception], ...]] = (RedisError, OSError)

DEGRADED: Final = (
    "Redis is unreachable (%s): until it answers again, chat turn streams, contention "
    "locks (chat turns), rate limits and the search cache work in this process only. "
    "Degraded mode: with several API processes, locks and rate limits are per process and a "
    "chat stream can be resumed only on the process that ran the turn; nothing becomes "
    "incorrect, the database's conditional writes still guard inventory, booking states and "
    "chat turns. Trying Redis again every %s s."
)
RECOVERED: Final = (
    "Redis answers again after %.0f s: streams, locks, rate limits and the search cache use "
    "it again (turns that ran meanwhile stay readable in this process)"
)


def end_if_cancelled() -> None:
    """Raise ``CancelledError`` when the running task was asked to stop.

    redis-py's asyncio client (8.x) can swallow a cancellation that arrives during a
    command: the call returns normally and the task's cancel request is lost (a probe
    cancelling a task that loops over ``GET`` saw 31 of 60 cancels swallowed). A loop
    that awaits Redis and would otherwise go round again calls this after each call,
    so a cancelled watcher, listener or lock waiter ends instead of spinning forever
    (a test's event loop, or a shutdown, then waits on it for good)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class RedisHealth:
    """Up or down, with the time of the next retry while down."""

    def __init__(
        self, *, retry_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def should_try(self) -> bool:
        """True while Redis is up; while it is down, True for one call per ``retry_seconds``."""
        if self._down_since is None:
            return True
        now = self._clock()
        if now < self._next_try:
            return False
        self._next_try = now + self.retry_seconds
        return True

    def failed(self, exc: BaseException) -> None:
        """A call found Redis unreachable (log only the first of an outage)."""
        now = self._clock()
        if self._down_since is None:
            self._down_since = now
            log.warning(DEGRADED, f"{type(exc).__name__}: {exc}", self.retry_seconds)
        self._next_try = now + self.retry_seconds

    def succeeded(self) -> None:
        """A call reached Redis (ends an outage, logged once)."""
        if self._down_since is not None:
            log.info(RECOVERED, self._clock() - self._down_since)
            self._down_since = None


__all__ = ["DEGRADED", "RECOVERED", "REDIS_DOWN", "RedisHealth"]
