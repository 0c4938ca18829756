"""Chat turn streams when Redis goes away in the middle of a turn, and comes back.

A REAL redis-server of the test's own: a turn opened on Redis keeps its first events
there; when Redis dies its writer goes on in memory and a reader that was following
it on Redis carries on from memory without a gap or a repeat; the turn stays in memory
after Redis returns, and the next turn goes to Redis again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from api.streams import FallbackStreams, TurnMeta, build_streams
from core.redis_health import RedisHealth
from tests.redis_server import RedisServer, requires_redis_server

pytestmark = requires_redis_server


def meta(turn_id: str) -> TurnMeta:
    return TurnMeta(turn_id=turn_id, thread_id="th_1", user_id="ava", org_id="acme")


@pytest.fixture
async def streams(redis_server: RedisServer) -> AsyncIterator[FallbackStreams]:
    built = build_streams(redis_server.url, health=RedisHealth(retry_seconds=0))
    assert isinstance(built, FallbackStreams)
    yield built
    await built.aclose()


async def test_a_turn_that_loses_redis_half_way_goes_on_in_memory(
    streams: FallbackStreams, redis_server: RedisServer
) -> None:
    await streams.open(meta("t1"))
    for n in (1, 2):
        await streams.append("t1", {"n": n})
    seen = await streams.read("t1")
    assert [e["n"] for _id, e in seen] == [1, 2]
    cursor = seen[-1][0]  # a Redis entry id
    assert redis_server.keys("chat:turn:t1")

    redis_server.kill()
    for n in (3, 4):
        await streams.append("t1", {"n": n})

    rest = await streams.read("t1", after=cursor)
    assert [e["n"] for _id, e in rest] == [3, 4]
    assert await streams.read("t1", after=rest[-1][0], block_ms=50) == []
    assert await streams.meta("t1") == meta("t1")
    assert await streams.latest_turn("th_1") == "t1"

    redis_server.start()
    await streams.append("t1", {"n": 5})  # the turn is not split again
    assert [e["n"] for _id, e in await streams.read("t1", after=rest[-1][0])] == [5]
    assert not redis_server.keys("chat:turn:t1")  # the restarted server is empty
    await streams.open(meta("t2"))
    await streams.append("t2", {"n": 1})
    assert redis_server.keys("chat:turn:t2")
    assert await streams.latest_turn("th_1") == "t2"


async def test_a_turn_opened_while_redis_is_down_lives_in_memory(
    streams: FallbackStreams, redis_server: RedisServer
) -> None:
    redis_server.kill()
    await streams.open(meta("t1"))
    await streams.append("t1", {"n": 1})
    await streams.remember("usechat:k", "th_1", 60)

    assert [e["n"] for _id, e in await streams.read("t1")] == [1]
    assert (await streams.last("t1") or ("", {}))[1] == {"n": 1}
    assert await streams.recall("usechat:k") == "th_1"
    # A turn this process never held: nothing to read, no error (its reader waits).
    assert await streams.read("elsewhere", block_ms=20) == []
    assert await streams.meta("elsewhere") is None

    redis_server.start()
    assert await streams.recall("usechat:k") == "th_1"  # remembered here meanwhile
    assert [e["n"] for _id, e in await streams.read("t1")] == [1]
