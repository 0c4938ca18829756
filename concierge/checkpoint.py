"""Where conversations are checkpointed: next to the booking database.

SQLite database → ``AsyncSqliteSaver`` on a sibling file (``var/concierge.db`` →
``var/concierge.checkpoints.sqlite``), so agent writes never queue behind booking
writes on the same file lock; an in-memory database gets an in-memory saver.
PostgreSQL → ``AsyncPostgresSaver`` on its own psycopg pool in the same database
(``setup()`` creates or migrates its tables). Either way a conversation outlives the
process that started it.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from core.config import Settings
from core.db import open_pooled

#: The checkpointer's own connections (PostgreSQL): a turn's checkpoint reads and writes
#: run on them side by side, up to this many at once.
CHECKPOINT_POOL_SIZE = 10


class PooledPostgresSaver(AsyncPostgresSaver):
    """``AsyncPostgresSaver`` that uses its pool side by side.

    LangGraph's saver runs every read and write under one ``asyncio.Lock`` per saver
    (langgraph#7259, open upstream): right for the single connection it guards, but on a
    pool it queued the whole process's checkpoint traffic behind one connection. At 40
    chat users on one API process, a new turn's checkpoint read — before its ``start``
    event — waited 260 ms (p50) behind the running turns' writes (issue 15). Each call
    takes its own pooled connection here; the semaphore only keeps callers from
    outnumbering the pool (they would queue in the pool instead, up to its timeout).
    """

    def __init__(self, pool: AsyncConnectionPool, *, concurrency: int) -> None:
        super().__init__(pool)  # type: ignore[arg-type]
        self.lock = asyncio.Semaphore(concurrency)  # type: ignore[assignment]


async def warm_checkpointer(saver: object, connections: int = CHECKPOINT_POOL_SIZE) -> int:
    """Open ``connections`` of a pooled PostgreSQL saver's pool now (a serving process at
    startup, issue 15: the first burst of turns opened them one by one, before their
    `start`); the pool keeps them while they are used. Returns how many were open; a
    failure is logged, never raised. Any other saver: nothing."""
    pool = getattr(saver, "conn", None)
    if not isinstance(saver, PooledPostgresSaver) or not isinstance(pool, AsyncConnectionPool):
        return 0

    async def take() -> Any:
        return await pool.getconn(timeout=30)

    return await open_pooled(take, pool.putconn, connections, "checkpointer")


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
        max_size=CHECKPOINT_POOL_SIZE,
        open=False,
        # What the saver needs: autocommit, dict rows, no server-side prepared
        # statements (safe behind PgBouncer in transaction mode).
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
    )
    await pool.open(wait=True, timeout=30)
    stack.push_async_callback(pool.close)
    pg_saver = PooledPostgresSaver(pool, concurrency=CHECKPOINT_POOL_SIZE)
    await pg_saver.setup()
    return pg_saver
