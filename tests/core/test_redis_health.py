"""Redis down: one log line per outage, paced retries, and the locks' in-process fallback.

The locks run against a REAL redis-server of the test's own that the test kills. The
race pair: while Redis is down two holders of one key in this process still take turns
(the fallback holds); with the fallback switched off they overlap (what the old code
did: "continuing without it").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from core.cache import RedisCache
from core.locks import NoLocks, RedisLocks
from core.redis_health import RedisHealth
from core.runtime import REDIS_MAX_CONNECTIONS, runtime_redis
from tests.redis_server import RedisServer, requires_redis_server


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_outage_is_logged_once_and_retried_at_its_pace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="core.redis_health")
    ticks = Ticks()
    health = RedisHealth(retry_seconds=5, clock=ticks)
    assert health.should_try()

    for _ in range(3):  # three requests fail at once
        health.failed(ConnectionError("refused"))
    assert health.down
    assert [health.should_try() for _ in range(3)] == [False] * 3  # no round trip at all
    ticks.now += 5
    assert [health.should_try() for _ in range(3)] == [True, False, False]  # one retry claims it
    health.failed(ConnectionError("still refused"))
    ticks.now += 4.9
    assert not health.should_try()
    ticks.now += 0.1
    assert health.should_try()
    health.succeeded()
    health.succeeded()

    assert not health.down
    assert all(health.should_try() for _ in range(3))
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("Redis is unreachable (ConnectionError: refused)")
    assert lines[1].startswith("Redis answers again after 10 s")


@pytest.fixture
async def dead_redis(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(redis_server.url, socket_connect_timeout=0.5)
    await client.ping()
    redis_server.kill()
    yield client
    await client.aclose()


async def _overlap(locks: RedisLocks | NoLocks) -> int:
    """The most holders of one key inside it at once, of two that try together."""
    inside = most = 0

    async def holder() -> None:
        nonlocal inside, most
        async with locks.hold(["inv:fare:1"], wait_ms=2000):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.05)
            inside -= 1

    await asyncio.gather(holder(), holder())
    return most


@requires_redis_server
async def test_locks_fall_back_to_this_process_while_redis_is_down(
    dead_redis: aioredis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="core.redis_health")
    locks = RedisLocks(dead_redis, health=RedisHealth(retry_seconds=60))

    assert await _overlap(locks) == 1
    assert await _overlap(locks) == 1
    assert len(caplog.records) == 1  # one outage, however many holds


@requires_redis_server
async def test_without_the_fallback_holders_overlap_while_redis_is_down(
    dead_redis: aioredis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    locks = RedisLocks(dead_redis, health=RedisHealth(retry_seconds=60))
    monkeypatch.setattr(locks, "fallback", NoLocks())

    assert await _overlap(locks) == 2


@requires_redis_server
async def test_locks_and_cache_go_back_to_redis_when_it_returns(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.redis_health")
    client = aioredis.from_url(redis_server.url, socket_connect_timeout=0.5)
    health = RedisHealth(retry_seconds=0)
    locks, cache = RedisLocks(client, health=health), RedisCache(client, health=health)
    try:
        redis_server.kill()
        async with locks.hold(["k"]):
            assert await cache.get("x") is None  # a miss, never an error
        await cache.set("x", 1, 60)
        assert health.down

        redis_server.start()
        async with locks.hold(["k"]):
            assert redis_server.keys("lock:k")  # the lock is in Redis again
        await cache.set("x", 1, 60)
        assert await cache.get("x") == 1
    finally:
        await client.aclose()
    assert not health.down
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]


async def _burst(client: aioredis.Redis, health: RedisHealth, commands: int) -> None:
    """``commands`` cache reads at once through one client, as a burst of requests does."""
    cache = RedisCache(client, health=health)
    await asyncio.gather(*(cache.get(f"burst:{n}") for n in range(commands)))


@requires_redis_server
async def test_a_burst_of_commands_waits_for_a_connection_and_redis_stays_up(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The runtime's client: 300 commands at once through its 100 connections queue for
    one; none fails, so a healthy Redis is not taken for down."""
    caplog.set_level(logging.WARNING, logger="core.redis_health")
    client, health = runtime_redis(redis_server.url), RedisHealth(retry_seconds=60)
    try:
        await _burst(client, health, 3 * REDIS_MAX_CONNECTIONS)
    finally:
        await client.aclose()
    assert not health.down
    assert caplog.records == []


@requires_redis_server
async def test_with_a_pool_that_refuses_the_burst_redis_is_taken_for_down(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The same burst through redis-py's default pool (what the runtime used): the 101st
    concurrent command fails at once, and the process declares an outage."""
    caplog.set_level(logging.WARNING, logger="core.redis_health")
    client = aioredis.from_url(redis_server.url, decode_responses=True)
    try:
        await _burst(client, RedisHealth(retry_seconds=60), 3 * REDIS_MAX_CONNECTIONS)
    finally:
        await client.aclose()
    assert [r.getMessage()[:50] for r in caplog.records] == [
        "Redis is unreachable (MaxConnectionsError: Too man"
    ]
