"""Contention locks. They only reduce contention; correctness never depends on them.

Keys are taken in sorted order, each with a lease (so a crashed holder cannot
block forever) and a blocking timeout (so a waiter gives up with ``LockTimeout``).
The Redis flavour is ``SET key token NX PX lease`` released by a compare-and-delete
script. While Redis is unreachable (``core.redis_health``: logged once per outage) the
Redis flavour falls back to the in-process one: waiters in this process still queue,
waiters in other processes no longer see them. That is only safe because nothing is
correct *because* a lock was held — the database's conditional writes are the truth.
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
from core.redis_health import REDIS_DOWN, RedisHealth, end_if_cancelled

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
    """Locks shared by every process through Redis; in-process ones while Redis is down."""

    def __init__(
        self,
        redis: Any,
        *,
        lease_ms: int = 5000,
        wait_ms: int = 3000,
        prefix: str = "lock:",
        health: RedisHealth | None = None,
    ) -> None:
        self.redis = redis
        self.lease_ms = lease_ms
        self.wait_ms = wait_ms
        self.prefix = prefix
        self.health = health or RedisHealth()
        self.fallback = InProcessLocks(lease_ms=lease_ms, wait_ms=wait_ms)
        self._release = redis.register_script(RELEASE_SCRIPT)

    async def _acquire(self, key: str, token: str, lease_ms: int, deadline: float) -> None:
        delay = 0.002
        while True:
            if await self.redis.set(self.prefix + key, token, nx=True, px=lease_ms):
                return
            end_if_cancelled()
            if time.monotonic() >= deadline:
                raise LockTimeout(f"timed out waiting for {key}")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    async def _take_all(
        self, keys: list[str], token: str, lease_ms: int, deadline: float
    ) -> list[str] | None:
        """Every key in order, or ``LockTimeout``; ``None`` when Redis is unreachable."""
        taken: list[str] = []
        try:
            for key in keys:
                await self._acquire(key, token, lease_ms, deadline)
                taken.append(key)
        except REDIS_DOWN as exc:
            self.health.failed(exc)
            await self._release_all(taken, token)  # best effort: their leases lapse anyway
            return None
        except BaseException:  # LockTimeout, or the caller cancelled while waiting
            await self._release_all(taken, token)
            raise
        self.health.succeeded()
        return taken

    async def _release_all(self, taken: list[str], token: str) -> None:
        for key in reversed(taken):
            try:
                await self._release(keys=[self.prefix + key], args=[token])
            except REDIS_DOWN as exc:
                self.health.failed(exc)
                return  # the rest lapse with their leases
            except Exception as exc:
                log.warning("redis lock release failed for %s: %s", key, exc)

    @asynccontextmanager
    async def hold(
        self, keys: Iterable[str], *, lease_ms: int | None = None, wait_ms: int | None = None
    ) -> AsyncIterator[None]:
        lease = lease_ms if lease_ms is not None else self.lease_ms
        wait = wait_ms if wait_ms is not None else self.wait_ms
        ordered = sorted(set(keys))
        token = secrets.token_hex(16)
        taken: list[str] | None = None
        if self.health.should_try():
            taken = await self._take_all(ordered, token, lease, time.monotonic() + wait / 1000)
        if taken is None:  # Redis is down: this process's locks (see the module docstring)
            async with self.fallback.hold(ordered, lease_ms=lease, wait_ms=wait):
                yield
            return
        try:
            yield
        finally:
            await self._release_all(taken, token)
