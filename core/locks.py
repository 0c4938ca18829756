"""Contention locks. They only reduce contention; correctness never depends on them.

Keys are taken in sorted order, each with a lease (so a crashed holder cannot
block forever) and a blocking timeout (so a waiter gives up with ``LockTimeout``).
The Redis flavour is ``SET key token NX PX lease`` released by a compare-and-delete
script. If Redis is unreachable we log and carry on: the database's conditional
writes are the truth.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any, Protocol

from core.errors import LockTimeout

log = logging.getLogger(__name__)

RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class LockManager(Protocol):
    def hold(
        self, keys: Iterable[str], *, lease_ms: int | None = None, wait_ms: int | None = None
    ) -> Any: ...


class NoLocks:
    """Switch contention locks off (used by the race tests' unprotected side)."""

    @asynccontextmanager
    async def hold(
        self, keys: Iterable[str], *, lease_ms: int | None = None, wait_ms: int | None = None
    ) -> AsyncIterator[None]:
        yield


class InProcessLocks:
    """asyncio locks per key, for the embedded single-process mode."""

    def __init__(self, *, lease_ms: int = 5000, wait_ms: int = 3000) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self.lease_ms = lease_ms
        self.wait_ms = wait_ms

    @asynccontextmanager
    async def hold(
        self, keys: Iterable[str], *, lease_ms: int | None = None, wait_ms: int | None = None
    ) -> AsyncIterator[None]:
        wait = (wait_ms if wait_ms is not None else self.wait_ms) / 1000
        taken: list[asyncio.Lock] = []
        try:
            for key in sorted(set(keys)):
                lock = self._locks.setdefault(key, asyncio.Lock())
                try:
                    await asyncio.wait_for(lock.acquire(), timeout=wait)
                except TimeoutError as exc:
                    raise LockTimeout(f"timed out waiting for {key}") from exc
                taken.append(lock)
            yield
        finally:
            for lock in reversed(taken):
                lock.release()


class RedisLocks:
    def __init__(self, redis: Any, *, lease_ms: int = 5000, wait_ms: int = 3000, prefix: str = "lock:") -> None:
        self.redis = redis
        self.lease_ms = lease_ms
        self.wait_ms = wait_ms
        self.prefix = prefix
        self._release = redis.register_script(RELEASE_SCRIPT)

    async def _acquire(self, key: str, token: str, lease_ms: int, deadline: float) -> None:
        delay = 0.002
        while True:
            if await self.redis.set(self.prefix + key, token, nx=True, px=lease_ms):
                return
            if time.monotonic() >= deadline:
                raise LockTimeout(f"timed out waiting for {key}")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    @asynccontextmanager
    async def hold(
        self, keys: Iterable[str], *, lease_ms: int | None = None, wait_ms: int | None = None
    ) -> AsyncIterator[None]:
        lease = lease_ms if lease_ms is not None else self.lease_ms
        wait = wait_ms if wait_ms is not None else self.wait_ms
        token = secrets.token_hex(16)
        deadline = time.monotonic() + wait / 1000
        taken: list[str] = []
        redis_ok = True
        try:
            for key in sorted(set(keys)):
                try:
                    await self._acquire(key, token, lease, deadline)
                except LockTimeout:
                    raise
                except Exception as exc:  # Redis down: correctness is the database's job.
                    log.warning("redis lock unavailable (%s); continuing without it", exc)
                    redis_ok = False
                    break
                taken.append(key)
            yield
        finally:
            if redis_ok or taken:
                for key in reversed(taken):
                    try:
                        await self._release(keys=[self.prefix + key], args=[token])
                    except Exception as exc:
                        log.warning("redis lock release failed for %s: %s", key, exc)
