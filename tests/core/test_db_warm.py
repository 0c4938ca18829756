"""A serving process opens its database connections before its first request (issue 15)."""

from __future__ import annotations

from pathlib import Path

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
