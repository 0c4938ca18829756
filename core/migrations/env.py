"""Alembic environment: async engines, run through ``connection.run_sync``.

Normally :mod:`core.migrations` hands us a connection that is already inside a
transaction (``config.attributes["connection"]``). Run another way (the plain
``alembic`` command with a config built by :func:`core.migrations.alembic_config`),
we open our own from ``config.attributes["database_url"]``.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from core.migrations import context_options, create_migration_engine, render_item
from core.models import Base

config = context.config


def run_with_connection(connection: Connection) -> None:
    context.configure(connection=connection, **context_options(connection))
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_connection(database_url: str) -> None:
    engine = create_migration_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_with_connection)
    finally:
        await engine.dispose()


def run_offline(database_url: str) -> None:
    """``--sql`` mode: print the DDL instead of running it."""
    context.configure(
        url=database_url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=database_url.startswith("sqlite"),
        render_item=render_item,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = config.attributes.get("connection")
    database_url = config.attributes.get("database_url")
    if context.is_offline_mode():
        if not database_url:
            raise RuntimeError("offline migrations need config.attributes['database_url']")
        run_offline(database_url)
    elif connection is not None:
        run_with_connection(connection)
    elif database_url:
        asyncio.run(run_with_own_connection(database_url))
    else:
        raise RuntimeError(
            "no database: build the config with core.migrations.alembic_config(url)"
        )


main()
