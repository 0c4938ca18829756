"""Short-TTL JSON cache. Redis when configured; a failure is a miss, never an error.

While Redis is down (``core.redis_health``, logged once per outage) every read is a
miss without a round trip, and writes are skipped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from core.redis_health import REDIS_DOWN, RedisHealth

log = logging.getLogger(__name__)


class NullCache:
    async def get(self, key: str) -> Any | None:
        return None

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        return None

    async def delete_prefix(self, prefix: str) -> None:
        return None


class RedisCache:
    def __init__(
        self, redis: Any, prefix: str = "cache:", *, health: RedisHealth | None = None
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.health = health or RedisHealth()

    async def get(self, key: str) -> Any | None:
        if not self.health.should_try():
            return None
        try:
            raw = await self.redis.get(self.prefix + key)
        except REDIS_DOWN as exc:
            self.health.failed(exc)
            return None
        except Exception as exc:
            log.warning("redis cache read failed (%s); answering from the database", exc)
            return None
        self.health.succeeded()
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        if not self.health.should_try():
            return
        try:
            await self.redis.set(self.prefix + key, json.dumps(value, default=str), ex=ttl_seconds)
        except REDIS_DOWN as exc:
            self.health.failed(exc)
        except Exception as exc:
            log.warning("redis cache write failed (%s)", exc)
        else:
            self.health.succeeded()

    async def delete_prefix(self, prefix: str) -> None:
        if not self.health.should_try():
            return
        try:
            async for key in self.redis.scan_iter(match=self.prefix + prefix + "*", count=500):
                await self.redis.delete(key)
        except REDIS_DOWN as exc:
            self.health.failed(exc)
        except Exception as exc:
            log.warning("redis cache invalidation failed (%s)", exc)
        else:
            self.health.succeeded()
