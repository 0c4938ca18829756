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
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    copy_checkpoint,
)
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from core.config import Settings
from core.db import open_pooled

#: The checkpointer's own connections (PostgreSQL): a turn's checkpoint reads and writes
#: run on them side by side, up to this many at once.
CHECKPOINT_POOL_SIZE = 10


#: The ``configurable`` key of a turn's :class:`TurnRead` ("__": never copied into a
#: checkpoint's metadata, never seen by a node).
TURN_READ_KEY = "__concierge_turn_read"


class TurnRead:
    """One turn's read of its thread's latest checkpoint, read once (issue 15).

    A turn reads its thread's state before ``start`` (``aget_state``: what is pending,
    what to feed the graph) and the graph reads it again as its run begins — the same
    row, fetched and decoded twice. Put one of these in the turn's config
    (:func:`with_turn_read`): the first read of the thread's latest checkpoint is kept
    here, and the next one takes it instead of the database; any write to the thread
    through the saver drops it, so a read after a write is the database's. Only the
    latest checkpoint of the root namespace is kept (no ``checkpoint_id``). The thread's
    turn claim (``concierge.locks``) is what makes the kept tuple still the latest: no
    other turn writes the thread in between.
    """

    __slots__ = ("reused", "saved")

    def __init__(self) -> None:
        self.saved: CheckpointTuple | None = None
        self.reused = 0  # how many reads it answered (tests)


def with_turn_read(config: dict[str, Any], read: TurnRead) -> dict[str, Any]:
    """``config`` with ``read`` in its ``configurable``."""
    return {**config, "configurable": {**config.get("configurable", {}), TURN_READ_KEY: read}}


def _turn_read(config: RunnableConfig) -> TurnRead | None:
    configurable = config.get("configurable") or {}
    read = configurable.get(TURN_READ_KEY)
    if not isinstance(read, TurnRead):
        return None
    if configurable.get("checkpoint_id") or configurable.get("checkpoint_ns"):
        return None
    return read


class ReadOnce:
    """A saver mixin: the latest checkpoint read once a turn (:class:`TurnRead`)."""

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        read = _turn_read(config)
        if read is not None and read.saved is not None:
            saved, read.saved = read.saved, None  # one reuse: the graph's run takes it
            read.reused += 1
            return saved
        saved = await super().aget_tuple(config)  # type: ignore[misc]
        if read is not None and saved is not None:
            read.saved = _kept(saved)
        return saved  # type: ignore[no-any-return]

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        _forget(config)
        return await super().aput(config, checkpoint, metadata, new_versions)  # type: ignore[misc,no-any-return]

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        _forget(config)
        await super().aput_writes(config, writes, task_id, task_path)  # type: ignore[misc]


def _kept(saved: CheckpointTuple) -> CheckpointTuple:
    """``saved`` as the graph's run will find it: the first reader (``aget_state``)
    writes into the checkpoint's version maps (``apply_writes`` with a step's pending
    writes) and the run writes into its channel values, so the kept tuple has its own
    containers (LangGraph's ``copy_checkpoint``). The values in them are shared:
    LangGraph's channels replace a value, they never change it (``add_messages``
    builds a new list)."""
    kept: Checkpoint = {**saved.checkpoint, **copy_checkpoint(saved.checkpoint)}
    return saved._replace(
        checkpoint=kept,
        metadata=dict(saved.metadata),  # type: ignore[arg-type]
        pending_writes=None if saved.pending_writes is None else list(saved.pending_writes),
    )


def _forget(config: RunnableConfig) -> None:
    read = (config.get("configurable") or {}).get(TURN_READ_KEY)
    if isinstance(read, TurnRead):
        read.saved = None


class ReadOnceSqliteSaver(ReadOnce, AsyncSqliteSaver):
    """``AsyncSqliteSaver`` reading a turn's checkpoint once (:class:`TurnRead`)."""


class PooledPostgresSaver(ReadOnce, AsyncPostgresSaver):
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
        saver = await stack.enter_async_context(ReadOnceSqliteSaver.from_conn_string(path))
        await saver.setup()
        return saver

    pool: AsyncConnectionPool = AsyncConnectionPool(
        postgres_conninfo(settings.database_url),
        min_size=1,
        max_size=CHECKPOINT_POOL_SIZE,
        open=False,
        # What the saver needs: autocommit, dict rows. prepare_threshold 0 prepares every
        # statement on its first use (server-side, named: not for PgBouncer in
        # transaction mode, which is not in play); measured against None (no prepared
        # statements) in perf28, 3 rounds on PostgreSQL at load 11-18: CPU a turn not
        # told apart (sum of the four turns' medians 186 ms against 191), so kept.
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
    )
    await pool.open(wait=True, timeout=30)
    stack.push_async_callback(pool.close)
    pg_saver = PooledPostgresSaver(pool, concurrency=CHECKPOINT_POOL_SIZE)
    await pg_saver.setup()
    return pg_saver
