"""Short-TTL JSON cache. Redis when configured; a failure is a miss, never an error."""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)


class NullCache:
    async def get(self, key: str) -> Any | None:
        return None

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        return None

    async def delete_prefix(self, prefix: str) -> None:
        return None


class RedisCache:
    def __init__(self, redis: Any, prefix: str = "cache:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def get(self, key: str) -> Any | None:
        try:
            raw = await self.redis.get(self.prefix + key)
        except Exception as exc:
            log.warning("redis cache read failed (%s); answering from the database", exc)
            return None
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        try:
            await self.redis.set(self.prefix + key, json.dumps(value, default=str), ex=ttl_seconds)
        except Exception as exc:
            log.warning("redis cache write failed (%s)", exc)

    async def delete_prefix(self, prefix: str) -> None:
        try:
            async for key in self.redis.scan_iter(match=self.prefix + prefix + "*", count=500):
                await self.redis.delete(key)
        except Exception as exc:
            log.warning("redis cache invalidation failed (%s)", exc)
