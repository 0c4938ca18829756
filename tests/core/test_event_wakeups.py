"""The live-event hint channel is per Redis database: pub/sub is server-wide."""

from __future__ import annotations

import redis.asyncio as aioredis

from core.config import Settings
from core.events.wakeups import EventWakeups
from core.redis_health import RedisHealth


def test_each_redis_database_has_its_own_channel() -> None:
    settings = Settings(env="test")
    on = {
        db: EventWakeups(
            settings, redis=aioredis.from_url(f"redis://127.0.0.1:6379/{db}"), health=RedisHealth()
        ).channel
        for db in (0, 7, 15)
    }
    assert on == {0: "concierge:events:0", 7: "concierge:events:7", 15: "concierge:events:15"}
    bare = EventWakeups(settings, redis=aioredis.from_url("redis://127.0.0.1:6379"), health=RedisHealth())
    assert bare.channel == "concierge:events:0"
