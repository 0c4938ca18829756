"""Engines and the unit of work.

One transaction per request, job tick or tool call, opened at that edge with
:func:`Database.uow`. Services receive the session and never commit.

SQLite: WAL, a busy timeout, and ``BEGIN IMMEDIATE`` for write transactions so
that two writers serialize at BEGIN instead of failing at COMMIT (SQLAlchemy
renders no ``FOR UPDATE`` there). PostgreSQL: psycopg 3, READ COMMITTED, row locks
with ``FOR UPDATE`` where the services ask for them.

No pool pre-ping on PostgreSQL by default (issue 15): it is a ``SELECT 1`` round trip
before every transaction, a third of a hold's. What it guarded against is covered
otherwise: libpq's TCP keepalives find a dead server or a dropped idle connection
(the kernel probes it, the socket errors), ``pool_recycle`` retires connections before
any idle-timeout on the way can cut them, and a connection that still turns out dead
fails its first statement, which makes SQLAlchemy invalidate the whole pool (every
connection opened before that moment is replaced) and the API answer that one request
503 ``DATABASE_UNAVAILABLE`` with ``Retry-After`` (an ``Idempotency-Key`` makes the
retry safe). ``CONCIERGE_DATABASE_PRE_PING=true`` turns the ping back on for networks
that cut idle connections silently and faster than the keepalives notice.

A row-lock wait that runs out (PostgreSQL's ``lock_timeout``, SQLite's busy timeout) is
contention, not a fault: :meth:`Database.uow` raises it as ``LockTimeout`` (503
``LOCK_TIMEOUT`` with ``Retry-After`` in the API, a "try again" for the agent), never as
the driver's ``OperationalError``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

from core.clock import utc
from core.errors import LockTimeout

log = logging.getLogger(__name__)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        aware = utc(value)
        # SQLite keeps text; store a naive UTC string so comparisons sort correctly.
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc(value)


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix):
        rest = url[len(prefix) :]
        if rest and rest != ":memory:":
            return Path(rest)
    return None


#: libpq keepalives: an idle pooled connection to a dead peer is found in ~60 s.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


async def open_pooled(
    take: Callable[[], Awaitable[Any]],
    give_back: Callable[[Any], Awaitable[Any]],
    connections: int,
    what: str,
) -> int:
    """Take ``connections`` connections from a pool at once and give them back, so that the
    pool keeps them open (a serving process at startup, issue 15: the database's, the
    checkpointer's and Redis's pools). Returns how many opened; a failure (the server
    down) is logged with ``what``, never raised: the pool opens them on use then."""
    got = await asyncio.gather(*(take() for _ in range(connections)), return_exceptions=True)
    ok = [c for c in got if not isinstance(c, BaseException)]
    for conn in ok:
        await give_back(conn)
    if len(ok) < connections:
        failed = next(c for c in got if isinstance(c, BaseException))
        log.warning("opened %d of %d %s connections: %r", len(ok), connections, what, failed)
    return len(ok)


#: PostgreSQL connections an engine keeps open (issue 15). A burst of chat turns or holds
#: used up to 20 on one API process; with 10 kept and 10 of overflow, each burst opened
#: the overflow's 10 and closed them after it (a new backend each: ~1 ms of this process's
#: CPU, 14 ms wall, and the server's cold caches). Now 20 are kept and none overflow:
#: the same ceiling, no churn.
POOL_SIZE = 20


def create_engine(
    url: str,
    *,
    pool_size: int = POOL_SIZE,
    max_overflow: int = 0,
    echo: bool = False,
    lock_timeout_ms: int = 5000,
    pre_ping: bool = False,
) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30, "check_same_thread": False},
        )
        _install_sqlite_hooks(engine)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        # Row-lock waits are bounded for every transaction (DESIGN §4: locks with a timeout).
        connect_args={"options": f"-c lock_timeout={lock_timeout_ms}", **_KEEPALIVES},
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=pre_ping,
        pool_recycle=1800,
        pool_timeout=30,
    )


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def insert_ignoring_duplicates(
    session: AsyncSession, model: Any
) -> postgresql.Insert | sqlite.Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` for the session's dialect (PostgreSQL or SQLite).

    Add ``.values(...)`` and, to learn whether the row went in, ``.returning(...)``:
    psycopg reports no rowcount for ORM-executed inserts.
    """
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    return sqlite.insert(model).on_conflict_do_nothing()


#: PostgreSQL's SQLSTATE for a lock wait past ``lock_timeout`` (``lock_not_available``).
_PG_LOCK_NOT_AVAILABLE = "55P03"
#: SQLite's primary result codes for a database another connection keeps locked past
#: the busy timeout (``SQLITE_BUSY``, ``SQLITE_LOCKED``).
_SQLITE_BUSY_CODES = frozenset({5, 6})


def is_lock_timeout(error: BaseException) -> bool:
    """Whether ``error`` is a row or database lock waited for past its timeout."""
    if not isinstance(error, OperationalError):
        return False
    driver_error = error.orig
    if getattr(driver_error, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE:
        return True
    code = getattr(driver_error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _SQLITE_BUSY_CODES


def lock_timeout_error() -> LockTimeout:
    """What a lock wait past its timeout is raised as (:func:`is_lock_timeout`)."""
    return LockTimeout(
        "Another request is changing the same records; please try again in a moment.",
        retry_after=1,
    )


class ReadOnlyViolation(RuntimeError):
    """A read-only unit of work (``Database.uow(write=False)``) sent a write or a lock."""


#: A SELECT's locking clause (``FOR UPDATE``, ``FOR NO KEY UPDATE``, ``FOR
#: SHARE``, ``FOR KEY SHARE``, with ``OF …``, ``NOWAIT`` or ``SKIP LOCKED`` after it).
_LOCKING = re.compile(r"\bFOR (?:NO KEY |KEY )?(?:UPDATE|SHARE)\b")
#: How far from a statement's end a locking clause starts, at most (``FOR NO KEY UPDATE OF
#: …`` naming a few tables, ``SKIP LOCKED``).
_LOCKING_TAIL = 240
#: A data-modifying statement inside a ``WITH``.
_WRITING = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b")


def _reads_only(
    _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    """A statement of a read-only unit on PostgreSQL (in autocommit): a SELECT that locks
    nothing. A write there would be committed at once (in a transaction it was rolled
    back at the unit's end) and a lock released at once: both are refused before they
    are sent."""
    if statement.startswith("SELECT"):  # as SQLAlchemy renders one: the cheap test first
        written = False
    else:
        head = statement.lstrip()[:6].upper()
        if head == "SELECT":
            written = False
        elif head.startswith("WITH"):  # a SELECT after common table expressions
            written = _WRITING.search(statement) is not None
        else:
            written = True
    # A locking clause ends the statement: its last characters are enough.
    tail = statement[-_LOCKING_TAIL:]
    if written or ("FOR " in tail and _LOCKING.search(tail)):
        raise ReadOnlyViolation(f"a read-only unit of work sent: {statement[:80]}")


class Database:
    """The engine plus the unit-of-work factory used at every edge."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = POOL_SIZE,
        max_overflow: int = 0,
        echo: bool = False,
        pre_ping: bool = False,
        lock_timeout_ms: int = 5000,
    ) -> None:
        self.url = url
        self.pool_size = pool_size
        self.engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            echo=echo,
            pre_ping=pre_ping,
            lock_timeout_ms=lock_timeout_ms,
        )
        self.is_sqlite = url.startswith("sqlite")
        self._writer = async_sessionmaker(self.engine, expire_on_commit=False)
        # A read-only unit on PostgreSQL runs in autocommit: no BEGIN before its reads and
        # no ROLLBACK after them (issue 15: two round trips fewer for every read-only unit,
        # e.g. a chat turn's prompt facts and its search). At READ COMMITTED each statement
        # takes its own snapshot inside a transaction too, so its reads see the same; what
        # a transaction would add, a row lock held to its end or a write rolled back at
        # its end, a read-only unit must not ask for, and ``_reads_only`` refuses it. An
        # object changed in it is never flushed (no autoflush), as it was never committed.
        if self.is_sqlite:
            self._reader = async_sessionmaker(
                self.engine.execution_options(sqlite_begin="DEFERRED"), expire_on_commit=False
            )
        else:
            reader_bind = self.engine.execution_options(isolation_level="AUTOCOMMIT")
            event.listen(reader_bind.sync_engine, "before_cursor_execute", _reads_only)
            self._reader = async_sessionmaker(
                reader_bind, expire_on_commit=False, autoflush=False
            )
        # PostgreSQL in autocommit (``single``): a statement is its own transaction, with
        # no BEGIN before it and no COMMIT or ROLLBACK after it (two round trips fewer).
        self._single = (
            None
            if self.is_sqlite
            else async_sessionmaker(
                self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
            )
        )
        #: Called with a unit of work's ``session.info`` once it has committed (never on a
        #: rollback), when something was noted there (``core.outbox`` notes the
        #: organizations it wrote events for; ``core.events`` wakes the streams). A
        #: listener's failure is logged, never raised: the transaction is already done.
        self.commit_listeners: list[Callable[[Mapping[str, Any]], Awaitable[None]]] = []

    @asynccontextmanager
    async def uow(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends cleanly, rolled back otherwise.

        ``write=False``: reads only. On PostgreSQL they run in autocommit, each its own
        transaction (at READ COMMITTED a statement sees its own snapshot either way); a
        write or a row lock sent there raises ``ReadOnlyViolation``.

        A lock waited for past its timeout, in the block or at COMMIT, is raised as
        ``LockTimeout`` (:func:`is_lock_timeout`), after the rollback.
        """
        factory = self._writer if write else self._reader
        async with factory() as session:
            try:
                yield session
                if write:
                    await session.commit()
                    if self.commit_listeners and session.info:
                        await self._committed(dict(session.info))
                # A read-only unit ends with close(): the connection rolls back, and loaded
                # objects stay readable (a session rollback would expire them).
            except BaseException as exc:
                await session.rollback()
                if is_lock_timeout(exc):
                    raise lock_timeout_error() from exc
                raise

    @asynccontextmanager
    async def dry_run(self) -> AsyncIterator[AsyncSession]:
        """A transaction that is always rolled back: what a write would find (its row locks
        taken and its writes made, then undone), for a question asked before the write
        itself (a quote). A read-only unit refuses those on PostgreSQL
        (``ReadOnlyViolation``); SQLite's read-only unit is this already (``BEGIN
        DEFERRED``, rolled back)."""
        async with (self._reader if self.is_sqlite else self._writer)() as session:
            try:
                yield session
            finally:
                await session.rollback()
                # A rolled-back session's objects are expired: nothing is read after it.

    @asynccontextmanager
    async def single(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A unit of work of ONE statement (a read, or a write that is one statement):
        on PostgreSQL its connection is in autocommit, so the statement is its own
        transaction and costs one round trip, not three (BEGIN, it, COMMIT/ROLLBACK;
        issue 15: authentication's read and a chat turn's thread before `start`). Two
        statements in it would be two transactions: use :meth:`uow` for those. On
        SQLite it is :meth:`uow`."""
        if self._single is None:
            async with self.uow(write=write) as session:
                yield session
            return
        async with self._single() as session:
            try:
                yield session
                await session.commit()  # nothing open: no round trip
                if write and self.commit_listeners and session.info:
                    await self._committed(dict(session.info))
            except BaseException as exc:
                await session.rollback()
                if is_lock_timeout(exc):
                    raise lock_timeout_error() from exc
                raise

    async def _committed(self, info: Mapping[str, Any]) -> None:
        for listener in list(self.commit_listeners):
            try:
                await listener(info)
            except Exception:
                log.warning("a commit listener failed", exc_info=True)

    async def warm(self, connections: int | None = None) -> int:
        """Open up to ``connections`` (default: the pool's size) pooled connections now and
        keep them, so that the first burst of requests does not open them (a serving
        process at startup, issue 15). Returns how many are open; a failure is logged,
        never raised (the pool opens them on demand then, as before). SQLite: nothing."""
        if self.is_sqlite:
            return 0
        wanted = self.pool_size if connections is None else min(connections, self.pool_size)

        async def give_back(conn: Any) -> None:
            await conn.close()  # back to the pool, which keeps it

        return await open_pooled(self.engine.connect, give_back, wanted, "database")

    async def dispose(self) -> None:
        await self.engine.dispose()
