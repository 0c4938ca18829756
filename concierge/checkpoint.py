"""Where conversations are checkpointed: next to the booking database.

SQLite database → ``AsyncSqliteSaver`` on a sibling file (``var/concierge.db`` →
``var/concierge.checkpoints.sqlite``), so agent writes never queue behind booking
writes on the same file lock; an in-memory database gets an in-memory saver.
PostgreSQL → ``AsyncPostgresSaver`` on its own psycopg pool in the same database
(``setup()`` creates or migrates its tables). Either way a conversation outlives the
process that started it.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from core.config import Settings


def sqlite_checkpoint_path(database_url: str) -> str:
    """``:memory:`` for in-memory databases, else ``<db stem>.checkpoints.sqlite``."""
    _, _, rest = database_url.partition(":///")
    if not rest or rest.startswith(":memory:") or database_url.rstrip("/").endswith("sqlite:"):
        return ":memory:"
    path = Path(rest.split("?", 1)[0])
    return str(path.with_name(f"{path.stem}.checkpoints.sqlite"))


def postgres_conninfo(database_url: str) -> str:
    """SQLAlchemy URL → libpq URL (drop the ``+psycopg`` driver suffix)."""
    scheme, sep, rest = database_url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}"


async def open_checkpointer(settings: Settings, stack: AsyncExitStack) -> BaseCheckpointSaver[str]:
    """A ready checkpointer whose resources close with ``stack``."""
    if settings.is_sqlite:
        path = sqlite_checkpoint_path(settings.database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        saver = await stack.enter_async_context(AsyncSqliteSaver.from_conn_string(path))
        await saver.setup()
        return saver

    pool: AsyncConnectionPool = AsyncConnectionPool(
        postgres_conninfo(settings.database_url),
        min_size=1,
        max_size=10,
        open=False,
        # What the saver needs: autocommit, dict rows, no server-side prepared
        # statements (safe behind PgBouncer in transaction mode).
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
    )
    await pool.open(wait=True, timeout=30)
    stack.push_async_callback(pool.close)
    pg_saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
    await pg_saver.setup()
    return pg_saver
