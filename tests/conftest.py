"""Shared fixtures.

Every test gets a fresh schema: a new SQLite file by default, or — when
``CONCIERGE_TEST_DATABASE_URL`` is set — the PostgreSQL database truncated.
Redis-backed tests run when ``CONCIERGE_TEST_REDIS_URL`` is set.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from core.clock import FrozenClock
from core.config import Settings, normalize_database_url
from core.db import Database
from core.models import Base
from core.runtime import Runtime, build_runtime

PG_URL = os.environ.get("CONCIERGE_TEST_DATABASE_URL") or None
REDIS_URL = os.environ.get("CONCIERGE_TEST_REDIS_URL") or None
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

requires_postgres = pytest.mark.skipif(PG_URL is None, reason="CONCIERGE_TEST_DATABASE_URL not set")
requires_redis = pytest.mark.skipif(REDIS_URL is None, reason="CONCIERGE_TEST_REDIS_URL not set")

_pg_schema_ready = False


async def fresh_database(tmp_path: Path) -> Database:
    """A database with an empty, current schema."""
    global _pg_schema_ready
    if PG_URL:
        db = Database(normalize_database_url(PG_URL), pool_size=20)
        async with db.engine.begin() as conn:
            if not _pg_schema_ready:
                await conn.run_sync(Base.metadata.drop_all)
                await conn.run_sync(Base.metadata.create_all)
                _pg_schema_ready = True
            else:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return db
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    return db


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=normalize_database_url(PG_URL) if PG_URL else f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
        redis_url=REDIS_URL,
        supplier_max_attempts=3,
        supplier_timeout_seconds=2.0,
    )


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = await fresh_database(tmp_path)
    yield db
    await db.dispose()


@pytest.fixture
async def runtime(settings: Settings, database: Database, clock: FrozenClock) -> AsyncIterator[Runtime]:
    if REDIS_URL:
        import redis.asyncio as aioredis

        r = aioredis.from_url(REDIS_URL)
        await r.flushdb()
        await r.aclose()
    rt = build_runtime(settings, clock=clock, db=database)
    yield rt
    if rt.redis is not None:
        await rt.redis.aclose()
