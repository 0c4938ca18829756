"""A pooled connection the database closed (a restart, a failover) without pool pre-ping.

``core.db`` sends no ``SELECT 1`` before each transaction (issue 15): the first request to
meet a dead connection gets 503 ``DATABASE_UNAVAILABLE`` with ``Retry-After``, SQLAlchemy
invalidates the whole pool, and the next request works on fresh connections.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

import httpx
from sqlalchemy import text

from core.db import Database
from core.runtime import Runtime
from tests.api.conftest import World
from tests.conftest import PG_URL, requires_postgres


@requires_postgres
async def test_a_dead_pooled_connection_costs_one_503_then_the_pool_is_fresh(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    assert (await client.get("/v1/bookings", headers=seeded.auth("ava"))).status_code == 200
    assert PG_URL is not None
    # The backends of this app's pooled connections (and no one else's in the database).
    pids: list[int] = []
    async with AsyncExitStack() as stack:
        for _ in range(runtime.db.engine.pool.checkedin()):  # type: ignore[attr-defined]
            conn = await stack.enter_async_context(runtime.db.engine.connect())
            pids.append(int(await conn.scalar(text("SELECT pg_backend_pid()"))))
    other = Database(runtime.db.url)
    try:
        async with other.engine.connect() as conn:
            ended = await conn.scalar(
                text("SELECT count(pg_terminate_backend(pid)) FROM unnest(:pids) AS pid"),
                {"pids": pids},
            )
    finally:
        await other.dispose()
    assert ended == len(pids) >= 1

    lost = await client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert lost.status_code == 503, lost.text
    assert lost.json()["code"] == "DATABASE_UNAVAILABLE"
    assert lost.headers["retry-after"] == "1"
    again = await client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert again.status_code == 200, again.text
