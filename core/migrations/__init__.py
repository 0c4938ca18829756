"""Schema migrations (Alembic), configured in code: there is no ``alembic.ini``.

The script directory is this package, found from its own path, so migrations work
from a checkout, an installed wheel or a test run alike. Every operation opens one
connection and runs Alembic inside ``connection.run_sync`` within a single
transaction, on PostgreSQL and on SQLite (which we make transactional by taking
BEGIN away from the driver), so a failed upgrade leaves the schema as it was.

Entry points: :func:`upgrade` / :func:`current` for the CLI and scripts, and their
``*_async`` twins for code already inside an event loop (the API, tests).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from core.config import normalize_database_url
from core.db import UTCDateTime
from core.models import Base

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(database_url: str | None = None, *, connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` pointing at this package.

    The URL and connection travel in ``config.attributes`` rather than the ini
    options, which would try to %-interpolate passwords.
    """
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("version_path_separator", "os")
    if database_url is not None:
        config.attributes["database_url"] = normalize_database_url(database_url)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types as portable SQLAlchemy types in revision files.

    ``UTCDateTime`` is a Python-side conversion over ``DateTime(timezone=True)``;
    migrations must not import application code that may later move or change.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def context_options(connection: Connection) -> dict[str, Any]:
    """Options shared by env.py and the schema-drift check (``compare_metadata``)."""
    is_sqlite = connection.dialect.name == "sqlite"
    return {
        "target_metadata": Base.metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        "render_as_batch": is_sqlite,
        "compare_type": True,
        "render_item": render_item,
        # We hand Alembic a connection already inside one transaction (see
        # create_migration_engine), so the whole upgrade is atomic on SQLite too.
        "transactional_ddl": True,
    }


def create_migration_engine(database_url: str) -> AsyncEngine:
    """A short-lived engine for migrations.

    On SQLite the driver's own transaction handling is switched off and we emit
    ``BEGIN IMMEDIATE`` ourselves, which makes DDL transactional and takes the write
    lock up front. Foreign keys stay off (SQLite's default) because batch mode
    drops and recreates tables that others reference.
    """
    url = normalize_database_url(database_url)
    if not url.startswith("sqlite"):
        return create_async_engine(url, poolclass=NullPool)
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix) and url[len(prefix) :] not in ("", ":memory:"):
        Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL is a property of the file: set it here so the first process to
        # touch a fresh database leaves it ready for concurrent readers.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


async def _run_in_transaction(database_url: str, fn: Any) -> Any:
    engine = create_migration_engine(database_url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (default: the newest)."""

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(database_url, connection=connection), revision)

    await _run_in_transaction(database_url, run)


async def downgrade_async(database_url: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(database_url, connection=connection), revision)

    await _run_in_transaction(database_url, run)


async def stamp_async(database_url: str, revision: str = "head") -> None:
    """Record ``revision`` as applied without running it (adopting an existing schema)."""

    def run(connection: Connection) -> None:
        command.stamp(alembic_config(database_url, connection=connection), revision)

    await _run_in_transaction(database_url, run)


async def current_async(database_url: str) -> str | None:
    """The revision the database is at, or ``None`` for an unmigrated database."""

    def run(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    result: str | None = await _run_in_transaction(database_url, run)
    return result


async def revision_async(
    database_url: str, message: str, *, autogenerate: bool = True, rev_id: str | None = None
) -> list[str]:
    """Write a new revision file (autogenerated against ``database_url``); returns its paths.

    Autogenerate compares the models with the database, so point it at a database
    that is already at head (``concierge db revision`` migrates a scratch one first).
    """

    def run(connection: Connection) -> list[str]:
        config = alembic_config(database_url, connection=connection)
        result = command.revision(
            config, message=message, autogenerate=autogenerate, rev_id=rev_id or _next_rev_id()
        )
        scripts = result if isinstance(result, list) else [result]
        return [script.path for script in scripts if script is not None]

    paths: list[str] = await _run_in_transaction(database_url, run)
    return paths


def _next_rev_id() -> str:
    """Sequential ids (``0001``, ``0002``...) read better than random hex in a log."""
    numbers = [
        int(script.revision)
        for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
        if script.revision.isdigit()
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def head_revision() -> str | None:
    """The newest revision in the scripts (what ``upgrade`` moves to)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking :func:`upgrade_async` for the CLI (not callable inside a running loop)."""
    asyncio.run(upgrade_async(database_url, revision))


def downgrade(database_url: str, revision: str) -> None:
    asyncio.run(downgrade_async(database_url, revision))


def stamp(database_url: str, revision: str = "head") -> None:
    asyncio.run(stamp_async(database_url, revision))


def current(database_url: str) -> str | None:
    """Blocking :func:`current_async`."""
    return asyncio.run(current_async(database_url))


def revision(
    database_url: str, message: str, *, autogenerate: bool = True, rev_id: str | None = None
) -> list[str]:
    return asyncio.run(
        revision_async(database_url, message, autogenerate=autogenerate, rev_id=rev_id)
    )


__all__ = [
    "SCRIPT_LOCATION",
    "alembic_config",
    "context_options",
    "create_migration_engine",
    "current",
    "current_async",
    "downgrade",
    "downgrade_async",
    "head_revision",
    "render_item",
    "revision",
    "revision_async",
    "stamp",
    "stamp_async",
    "upgrade",
    "upgrade_async",
]
