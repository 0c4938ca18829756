"""The database in trouble: a 503 the client may retry, never a 500.

A pooled connection the database closed (a restart, a failover) without pool pre-ping:
``core.db`` sends no ``SELECT 1`` before each transaction (issue 15): the first request to
meet a dead connection gets 503 ``DATABASE_UNAVAILABLE`` with ``Retry-After``, SQLAlchemy
invalidates the whole pool, and the next request works on fresh connections.

A row lock held past PostgreSQL's ``lock_timeout`` (another request, a job, a slow
transaction): 503 ``LOCK_TIMEOUT`` with ``Retry-After``, and the retry with the same
``Idempotency-Key`` goes through once the lock is free.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from core.db import Database
from core.models import Booking
from core.runtime import Runtime
from tests.api.conftest import World
from tests.conftest import PG_URL, fresh_database, requires_postgres


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """The test database, giving up on a row lock after 300 ms (not 5 s)."""
    db = await fresh_database(tmp_path, lock_timeout_ms=300)
    yield db
    await db.dispose()


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


@requires_postgres
async def test_a_row_lock_held_past_the_lock_timeout_is_a_503_to_retry(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer}]},
        headers={**seeded.auth("ava"), "Idempotency-Key": "hold-1"},
    )
    assert held.status_code == 201, held.text
    booking_id = held.json()["booking_id"]
    cancel = {**seeded.auth("ava"), "Idempotency-Key": "cancel-1"}

    async with runtime.db.uow() as other:  # another transaction holds the booking's row
        await other.execute(select(Booking.id).where(Booking.id == booking_id).with_for_update())
        busy = await client.post(f"/v1/bookings/{booking_id}/cancel", headers=cancel)

    assert busy.status_code == 503, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.json()["code"] == "LOCK_TIMEOUT"
    assert busy.headers["retry-after"] == "1"
    again = await client.post(f"/v1/bookings/{booking_id}/cancel", headers=cancel)
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "cancelled"
