"""A read-only unit of work on PostgreSQL runs in autocommit (issue 15): its reads cost one
round trip each, no BEGIN and ROLLBACK around them, and it refuses what a transaction
would have given it (a write rolled back at its end, a row lock held to its end)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from core.db import ReadOnlyViolation
from core.models import Organization
from tests.conftest import fresh_database, requires_postgres
from tests.roundtrips import count_round_trips


@requires_postgres
async def test_reads_of_a_read_only_unit_are_one_round_trip_each(tmp_path: Path) -> None:
    db = await fresh_database(tmp_path)
    try:
        with count_round_trips(db.engine) as seen:
            async with db.uow(write=False) as session:
                assert (await session.scalar(text("SELECT 1"))) == 1
                assert (await session.scalars(select(Organization.id))).all() == []
        assert seen.total == 2, str(seen)
        assert seen.kinds.keys() == {"statement"}, str(seen)
    finally:
        await db.dispose()


@requires_postgres
@pytest.mark.parametrize(
    "statement",
    [
        update(Organization).values(name="x"),
        text("INSERT INTO organizations (id) VALUES ('org_x')"),
        text("WITH gone AS (DELETE FROM organizations RETURNING id) SELECT count(*) FROM gone"),
        select(Organization.id).with_for_update(),
        select(Organization.id).with_for_update(key_share=True, skip_locked=True),
        select(Organization.id).with_for_update(read=True),
    ],
    ids=["update", "insert", "delete-in-with", "for-update", "for-key-share", "for-share"],
)
async def test_a_read_only_unit_refuses_writes_and_locks(tmp_path: Path, statement: object) -> None:
    db = await fresh_database(tmp_path)
    try:
        with pytest.raises(ReadOnlyViolation):
            async with db.uow(write=False) as session:
                await session.execute(statement)  # type: ignore[call-overload]
        # A SELECT after common table expressions is a read.
        async with db.uow(write=False) as session:
            counted = await session.scalar(
                text("WITH o AS (SELECT id FROM organizations) SELECT count(*) FROM o")
            )
        assert counted == 0
    finally:
        await db.dispose()
