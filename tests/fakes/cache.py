"""An in-process stand-in for ``core.cache.RedisCache`` (one process, no Redis)."""

from __future__ import annotations

from typing import Any


class DictCache:
    """Keeps every entry (no TTL) and counts the hits."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.hits = 0

    async def get(self, key: str) -> Any | None:
        self.hits += key in self.data
        return self.data.get(key)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        self.data[key] = value
