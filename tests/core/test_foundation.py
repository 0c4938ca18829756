from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from core.db import is_lock_timeout
from core.errors import LockTimeout
from core.models import Organization
from tests.factories import make_org


async def test_unit_of_work_commits_and_rolls_back(database):
    async with database.uow() as session:
        await make_org(session)
    try:
        async with database.uow() as session:
            await make_org(session, id="globex", name="Globex")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with database.uow(write=False) as session:
        ids = (await session.scalars(select(Organization.id))).all()
    assert ids == ["acme"]


async def test_datetimes_come_back_timezone_aware(database):
    async with database.uow() as session:
        await make_org(session)
    async with database.uow(write=False) as session:
        org = await session.get(Organization, "acme")
        assert org is not None
        assert org.created_at.tzinfo is not None


async def test_a_lock_waited_for_past_its_timeout_is_lock_timeout_not_a_driver_error(database):
    """Contention is not a fault: the waiter gets ``LOCK_TIMEOUT`` (503, to retry), on
    either database, and the holder's transaction is untouched."""
    async with database.uow() as session:
        await make_org(session)
    rename = update(Organization).where(Organization.id == "acme").values(name="Acme 2")

    async def rename_waiting_50_ms() -> None:
        # A short wait instead of the engine's (5 s on PostgreSQL, 30 s on SQLite). On
        # SQLite a reader that wants to write waits on the busy timeout.
        async with database.uow(write=not database.is_sqlite) as waiter:
            if database.is_sqlite:
                await waiter.execute(text("PRAGMA busy_timeout = 50"))
            else:
                await waiter.execute(text("SET LOCAL lock_timeout = '50ms'"))
            await waiter.execute(rename)

    async with database.uow() as holder:
        # PostgreSQL: the row's lock; SQLite: the database's write lock (BEGIN IMMEDIATE).
        await holder.execute(select(Organization.id).with_for_update())
        with pytest.raises(LockTimeout) as caught:
            await rename_waiting_50_ms()
        await holder.execute(rename.values(name="Acme Corp"))
    assert is_lock_timeout(caught.value.__cause__)
    assert (caught.value.code, caught.value.status, caught.value.extra) == (
        "LOCK_TIMEOUT", 503, {"retry_after": 1}
    )
    async with database.uow(write=False) as session:
        assert await session.scalar(select(Organization.name)) == "Acme Corp"
