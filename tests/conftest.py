"""Shared fixtures.

Every test starts from an empty, current schema, built once per session:

- SQLite (default): the schema is created once in a template file; each test gets
  its own copy of that file (a file copy instead of ``create_all`` per test).
- PostgreSQL (``CONCIERGE_TEST_DATABASE_URL`` set): the schema is created once in
  that database; each test starts with every table emptied and every id sequence
  restarted, in one round trip. The database itself is kept (not dropped and
  re-created from a template per test): module-scoped server processes, such as
  the multi-process chat tests, keep pooled connections and their checkpoint
  tables in it across tests.

Redis-backed tests run when ``CONCIERGE_TEST_REDIS_URL`` is set.

Under pytest-xdist (``make test`` runs ``-n auto``) each worker process gets its own
PostgreSQL database (``<name>_gw0``, … created on first use) and its own Redis
database number, set in the environment before anything reads it, so servers the
tests start inherit them.

``CONCIERGE_TEST_BACKENDS_ONLY=1`` (CI's second pass, with the URLs set) runs only the
tests that reach PostgreSQL or Redis: a test whose fixtures never open the test
database or read the service URLs (the planner's unit tests, the held-out cases on
their own SQLite worlds, the browser tests on their own SQLite server) would only
repeat the first pass. See ``uses_backends``.

``CONCIERGE_TEST_SCHEMA=per-test`` restores the former way, kept only to measure the
difference on the same suite and machine (issue 13): SQLite runs ``create_all`` on a
new file per test, PostgreSQL truncates every table (``TRUNCATE … RESTART IDENTITY
CASCADE``) per test.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url, text

from core.clock import FrozenClock
from core.config import Settings, normalize_database_url
from core.db import Database
from core.models import Base
from core.runtime import Runtime, build_runtime
from core.supplier.resilience import ResilientSupplier
from tests.redis_server import RedisServer


def _own_services_per_worker() -> None:
    """Give this xdist worker its own PostgreSQL database and Redis database number."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # Processes a test starts inherit both the worker's name and its rewritten URLs:
    # rewriting them again would point them at "<name>_gw0_gw0".
    if not worker or os.environ.get("CONCIERGE_TEST_SERVICES_OF") == worker:
        return
    index = int(worker.removeprefix("gw"))
    if pg := os.environ.get("CONCIERGE_TEST_DATABASE_URL"):
        base = make_url(normalize_database_url(pg))
        name = f"{base.database}_{worker}"
        admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            if (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
                is None
            ):
                # Another process of this worker may create it at the same moment.
                with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                    conn.execute(f'CREATE DATABASE "{name}"')
        own = base.set(database=name).render_as_string(hide_password=False)
        os.environ["CONCIERGE_TEST_DATABASE_URL"] = own
    if redis_url := os.environ.get("CONCIERGE_TEST_REDIS_URL"):
        head, _, db = redis_url.rstrip("/").rpartition("/")
        if not db.isdigit():  # no database number in the URL: 0
            head, db = redis_url.rstrip("/"), "0"
        os.environ["CONCIERGE_TEST_REDIS_URL"] = f"{head}/{(int(db) - index) % 16}"
    os.environ["CONCIERGE_TEST_SERVICES_OF"] = worker


_own_services_per_worker()
PG_URL = os.environ.get("CONCIERGE_TEST_DATABASE_URL") or None
REDIS_URL = os.environ.get("CONCIERGE_TEST_REDIS_URL") or None
SCHEMA_PER_TEST = os.environ.get("CONCIERGE_TEST_SCHEMA") == "per-test"
BACKENDS_ONLY = os.environ.get("CONCIERGE_TEST_BACKENDS_ONLY") == "1"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

requires_postgres = pytest.mark.skipif(PG_URL is None, reason="CONCIERGE_TEST_DATABASE_URL not set")
requires_redis = pytest.mark.skipif(REDIS_URL is None, reason="CONCIERGE_TEST_REDIS_URL not set")

_sqlite_template: Path | None = None
_pg_reset_sql: str | None = None


async def _sqlite_schema_file() -> Path:
    """The session's template: an SQLite file holding the empty, current schema."""
    global _sqlite_template
    if _sqlite_template is None:
        folder = Path(tempfile.mkdtemp(prefix="concierge-test-schema-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "schema.db"
        db = Database(f"sqlite+aiosqlite:///{path}")
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        await db.dispose()  # the last connection to close folds the WAL into the file
        assert not path.with_name(f"{path.name}-wal").exists()
        _sqlite_template = path
    return _sqlite_template


async def _postgres_reset_sql(db: Database) -> str:
    """Build the schema once per session; answer the statements that empty it again."""
    global _pg_reset_sql
    if _pg_reset_sql is None:
        tables = Base.metadata.sorted_tables
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
            owned = await conn.execute(
                text(
                    "SELECT s.relname FROM pg_class s"
                    " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
                    " JOIN pg_class t ON t.oid = d.refobjid"
                    " WHERE s.relkind = 'S' AND t.relname = ANY(:names)"
                ),
                {"names": [t.name for t in tables]},
            )
            sequences = sorted(owned.scalars())
        # Children before parents; DELETE on a few small tables is far cheaper than
        # TRUNCATE, which rewrites every table's files (0.4-0.9 s per test here).
        statements = [f'DELETE FROM "{t.name}"' for t in reversed(tables)]
        statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
        _pg_reset_sql = "; ".join(statements)
    return _pg_reset_sql


async def fresh_database(tmp_path: Path, *, lock_timeout_ms: int = 5000) -> Database:
    """A database with an empty, current schema (``lock_timeout_ms``: PostgreSQL's row-lock
    wait, ``core.db``)."""
    if PG_URL:
        db = Database(
            normalize_database_url(PG_URL),
            pool_size=20,
            max_overflow=20,
            lock_timeout_ms=lock_timeout_ms,
        )
        reset = await _postgres_reset_sql(db)
        if SCHEMA_PER_TEST:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            reset = f"TRUNCATE {names} RESTART IDENTITY CASCADE"
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql(reset)
        return db
    path = tmp_path / "test.db"
    if SCHEMA_PER_TEST:
        db = Database(f"sqlite+aiosqlite:///{path}")
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        return db
    shutil.copyfile(await _sqlite_schema_file(), path)
    return Database(f"sqlite+aiosqlite:///{path}")


# A test reaches the services under test when it asks for one of these fixtures, or when
# its module or one of its fixtures' modules holds one of these names (they read the
# URLs, or open the test database themselves).
BACKEND_FIXTURES = frozenset({"settings", "database", "runtime"})
BACKEND_NAMES = frozenset(
    {"PG_URL", "REDIS_URL", "requires_postgres", "requires_redis", "fresh_database"}
)


def uses_backends(item: pytest.Item) -> bool:
    """Whether ``item`` can behave differently with PostgreSQL or Redis configured."""
    if BACKEND_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    modules = [getattr(item, "module", None)]
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info is not None else ()):
        modules += [sys.modules.get(getattr(d.func, "__module__", "")) for d in defs]
    return any(m is not None and BACKEND_NAMES & set(vars(m)) for m in modules)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not (BACKENDS_ONLY and (PG_URL or REDIS_URL)):
        return
    keep = [item for item in items if uses_backends(item)]
    if len(keep) < len(items):
        kept = set(map(id, keep))
        config.hook.pytest_deselected(items=[i for i in items if id(i) not in kept])
        items[:] = keep


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=normalize_database_url(PG_URL)
        if PG_URL
        else f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
        redis_url=REDIS_URL,
        supplier_max_attempts=3,
        # Far past any simulated call, however loaded the machine: a booking that should
        # go through is never timed out (a 202 pending_confirmation). A test of a timeout
        # makes one call time out with ``supplier_times_out``.
        supplier_timeout_seconds=30.0,
    )


@contextlib.contextmanager
def supplier_times_out(rt: Runtime, kind: str = "flight", *, deadline: float = 0.1) -> Iterator[None]:
    """The ``kind`` supplier's calls in the block hang, past a deadline of ``deadline``
    seconds (the runtime's supplier wrapper, ``core.supplier.resilience``): a timeout,
    however short the deadline (the fault is drawn as the call arrives, before any await).
    Outside the block the supplier is healthy again, on the settings' deadline."""
    supplier = rt.supplier_for(kind)
    assert isinstance(supplier, ResilientSupplier)
    usual = supplier.timeout_seconds
    supplier.timeout_seconds = deadline
    supplier.faults.set(mode="timeout", rate=1.0)
    try:
        yield
    finally:
        supplier.faults.set(mode="none")
        supplier.timeout_seconds = usual


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = await fresh_database(tmp_path)
    yield db
    await db.dispose()


@pytest.fixture
async def runtime(
    settings: Settings, database: Database, clock: FrozenClock
) -> AsyncIterator[Runtime]:
    if REDIS_URL:
        import redis.asyncio as aioredis

        r = aioredis.from_url(REDIS_URL)
        await r.flushdb()
        await r.aclose()
    rt = build_runtime(settings, clock=clock, db=database)
    yield rt
    if rt.redis is not None:
        await rt.redis.aclose()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server of the test's own, to kill and restart (tests.redis_server)."""
    server = RedisServer()
    server.start()
    yield server
    if server.proc is not None:
        server.kill()
