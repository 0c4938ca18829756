"""A task that loops over Redis calls ends when it is cancelled, even when the Redis client
swallows the cancellation (redis-py 8's asyncio client can: the call returns normally and
the cancel request is lost). CI once hung for 300 s on a turn's stop watcher that went on
polling after the event loop cancelled it (``core.redis_health.end_if_cancelled``)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
import redis.asyncio as aioredis

from api import turns
from api.streams import RedisStreams
from api.turns import TurnRunner
from tests.conftest import REDIS_URL, requires_redis


class SwallowingStreams:
    """``recall`` as redis-py can behave: a cancel that lands in the call is lost."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def recall(self, key: str) -> str | None:
        self.entered.set()
        try:
            await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            pass
        return None


async def _cancel_in_recall(monkeypatch: pytest.MonkeyPatch) -> asyncio.Task[None]:
    monkeypatch.setattr(turns, "STOP_POLL_SECONDS", 0.001)
    streams = SwallowingStreams()
    runner: Any = SimpleNamespace(streams=streams)
    watcher = asyncio.create_task(TurnRunner._watch_stop(runner, "turn-1", asyncio.Event()))
    await streams.entered.wait()
    watcher.cancel()
    return watcher


async def test_a_stop_watcher_ends_when_its_cancel_is_swallowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    watcher = await _cancel_in_recall(monkeypatch)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(watcher, timeout=2)


async def test_without_the_check_the_watcher_polls_on_after_its_cancel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(turns, "end_if_cancelled", lambda: None)
    watcher = await _cancel_in_recall(monkeypatch)
    done, _ = await asyncio.wait({watcher}, timeout=0.5)
    assert not done, "the swallowed cancel should have left the watcher running"
    monkeypatch.undo()  # the real check again: the next cancel ends it
    watcher.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(watcher, timeout=2)


@requires_redis
async def test_stop_watchers_on_real_redis_end_on_every_cancel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancels at many moments of a real ``GET``: every watcher ends (none spins on)."""
    monkeypatch.setattr(turns, "STOP_POLL_SECONDS", 0)
    assert REDIS_URL is not None
    client = aioredis.from_url(REDIS_URL)
    runner: Any = SimpleNamespace(streams=RedisStreams(client))
    try:
        for i in range(40):
            watcher = asyncio.create_task(TurnRunner._watch_stop(runner, f"t{i}", asyncio.Event()))
            await asyncio.sleep(0.0005 * (i % 7))
            watcher.cancel()
            done, _ = await asyncio.wait({watcher}, timeout=2)
            assert done, f"cancel {i} left the watcher polling"
            assert watcher.cancelled()
    finally:
        await client.aclose()
