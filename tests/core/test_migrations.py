"""The migrations build exactly the schema the models describe, on both backends.

If this fails after a model change, write a revision:
``.venv/bin/concierge db revision -m "what changed"`` (see README, "Changing the schema").
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError

from core import migrations
from core.config import normalize_database_url
from core.db import Database
from core.models import Base, FareInventory, RoomInventory
from tests.factories import make_airports, make_carrier, make_flight, make_hotel

PG_URL = os.environ.get("CONCIERGE_TEST_DATABASE_URL") or None


def _scratch_postgres() -> tuple[str, Any]:
    """A throw-away database next to the test one, so other tests' tables don't interfere."""
    import psycopg

    assert PG_URL is not None
    base = make_url(normalize_database_url(PG_URL))
    name = f"{base.database}_mig_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
        return
    if PG_URL is None:
        pytest.skip("CONCIERGE_TEST_DATABASE_URL not set")
    url, drop = _scratch_postgres()
    try:
        yield url
    finally:
        drop()


async def _schema_diff(url: str) -> list[Any]:
    def diff(connection: Connection) -> list[Any]:
        options = migrations.context_options(connection)
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": options["render_as_batch"]},
        )
        return list(compare_metadata(context, Base.metadata))

    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(diff)
    finally:
        await db.dispose()


async def test_upgrade_head_builds_exactly_the_models_schema(empty_url: str) -> None:
    assert await migrations.current_async(empty_url) is None

    await migrations.upgrade_async(empty_url)

    assert await migrations.current_async(empty_url) == migrations.head_revision()
    differences = await _schema_diff(empty_url)
    assert differences == [], (
        "models and migrations disagree; write a revision "
        "(.venv/bin/concierge db revision -m '...'): " + repr(differences)
    )


async def test_upgrade_is_idempotent_and_downgrade_reverses_it(empty_url: str) -> None:
    await migrations.upgrade_async(empty_url)
    await migrations.upgrade_async(empty_url)  # already at head: nothing to do, no error

    await migrations.downgrade_async(empty_url, "base")

    db = Database(empty_url)
    try:
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await db.dispose()
    assert set(tables) <= {"alembic_version"}
    await migrations.upgrade_async(empty_url)
    assert await migrations.current_async(empty_url) == migrations.head_revision()


async def test_capacity_checks_are_enforced_after_migrating(empty_url: str) -> None:
    await migrations.upgrade_async(empty_url)
    db = Database(empty_url)
    try:
        async with db.uow() as session:
            await make_airports(session)
            await make_carrier(session)
            _, inv = await make_flight(session, cabins={"economy": (5, 10000)})
            await make_hotel(session, rooms=3, nights=1)
            fare_id = inv["economy"].id

        # Filling to capacity is fine...
        async with db.uow() as session:
            await session.execute(
                update(FareInventory).where(FareInventory.id == fare_id).values(held=3, sold=2)
            )
        # ...one more seat is refused by the database itself, whatever the code does.
        with pytest.raises(IntegrityError):
            async with db.uow() as session:
                await session.execute(
                    update(FareInventory)
                    .where(FareInventory.id == fare_id)
                    .values(held=FareInventory.held + 1)
                )
        with pytest.raises(IntegrityError):
            async with db.uow() as session:
                await session.execute(update(RoomInventory).values(held=4))
        with pytest.raises(IntegrityError):
            async with db.uow() as session:
                await session.execute(update(RoomInventory).values(held=-1))

        async with db.uow(write=False) as session:
            row = (
                await session.execute(
                    text("SELECT held, sold FROM fare_inventory WHERE id = :id"), {"id": fare_id}
                )
            ).one()
        assert tuple(row) == (3, 2)
    finally:
        await db.dispose()


def test_blocking_helpers_work_outside_an_event_loop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"  # the sync spelling is normalized too
    migrations.upgrade(url)
    assert migrations.current(url) == migrations.head_revision()


async def test_0006_moves_the_seat_preference_out_of_users_preferences(empty_url: str) -> None:
    """Data, not only schema: ``{"seat": "window"}`` in users.preferences becomes the
    traveller's seat_preference (other preferences stay), and going back puts it back."""
    await migrations.upgrade_async(empty_url, "0005")
    db = Database(empty_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO organizations (id, name, currency, payment_method, created_at)"
                " VALUES ('acme', 'Acme', 'USD', '4242', CURRENT_TIMESTAMP)"
            ))
            for uid, prefs in (("ava", '{"seat": "window", "meal": "vegetarian"}'),
                               ("mia", '{"seat": "middle"}'), ("fin", "{}")):
                await conn.execute(
                    text("INSERT INTO users (id, org_id, name, email, role, preferences, created_at)"
                         " VALUES (:id, 'acme', :id, :id, 'traveler', :prefs, CURRENT_TIMESTAMP)"),
                    {"id": uid, "prefs": prefs},
                )

        await migrations.upgrade_async(empty_url)

        async with db.engine.connect() as conn:
            seats = dict((await conn.execute(
                text("SELECT user_id, seat_preference FROM traveller_details"))).all())
            prefs = {uid: json.loads(p) if isinstance(p, str) else p for uid, p in
                     (await conn.execute(text("SELECT id, preferences FROM users"))).all()}
        assert seats == {"ava": "window", "mia": "none"}
        assert prefs == {"ava": {"meal": "vegetarian"}, "mia": {}, "fin": {}}

        await migrations.downgrade_async(empty_url, "0005")

        async with db.engine.connect() as conn:
            prefs = {uid: json.loads(p) if isinstance(p, str) else p for uid, p in
                     (await conn.execute(text("SELECT id, preferences FROM users"))).all()}
        assert prefs == {"ava": {"meal": "vegetarian", "seat": "window"}, "mia": {}, "fin": {}}
    finally:
        await db.dispose()
