"""A serving process opens its database connections before its first request (issue 15)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core.db import open_pooled
from tests.conftest import fresh_database


async def test_warm_opens_connections_the_pool_keeps(tmp_path: Path) -> None:
    db = await fresh_database(tmp_path)
    try:
        opened = await db.warm(3)
        if db.is_sqlite:
            assert opened == 0  # nothing to open ahead
            return
        assert opened == 3
        assert db.engine.sync_engine.pool.checkedin() >= 3  # type: ignore[attr-defined]
        assert db.engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await db.dispose()


async def test_open_pooled_gives_back_what_opened_and_logs_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The warm-up helper behind the database's, the checkpointer's and Redis's pools: what
    opened goes back to the pool; a connection that failed is counted out and logged, never
    raised (the process serves and the pool opens on use)."""
    calls = 0
    given_back: list[int] = []

    async def take() -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionRefusedError("server down")
        return calls

    async def give_back(conn: int) -> None:
        given_back.append(conn)

    with caplog.at_level(logging.WARNING, logger="core.db"):
        opened = await open_pooled(take, give_back, 3, "Redis")
    assert opened == 2
    assert sorted(given_back) == [1, 3]
    assert "opened 2 of 3 Redis connections" in caplog.text
    assert "server down" in caplog.text
