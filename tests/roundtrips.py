"""Count a database's round trips: statements, transaction control and pool pings.

Every exchange with the server counts once: each statement (an ``executemany``
too), each BEGIN the driver sends (psycopg sends one before a transaction's first
statement; SQLite's ``BEGIN IMMEDIATE`` is a statement here), each COMMIT or
ROLLBACK, each pool pre-ping. ``kinds`` says which, ``statements`` keeps the SQL
(and ``-- BEGIN`` / ``-- COMMIT`` / ``-- ROLLBACK`` where a transaction starts and ends)
so a failing test shows what crept in and in which transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class RoundTrips:
    kinds: Counter[str] = field(default_factory=Counter)
    statements: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def __str__(self) -> str:
        lines = [f"{self.total} round trips: {dict(self.kinds)}"]
        lines += [f"  {s[:160]}" for s in self.statements]
        return "\n".join(lines)


def _autocommit(conn: Any) -> bool:
    return bool(conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT")


@contextmanager
def count_round_trips(engine: AsyncEngine) -> Iterator[RoundTrips]:
    sync = engine.sync_engine
    seen = RoundTrips()
    postgres = sync.dialect.name == "postgresql"

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.kinds["statement"] += 1
        seen.statements.append(" ".join(statement.split()))

    def on_begin(conn: Any) -> None:
        # SQLite's BEGIN is a statement (core.db's begin hook); a PostgreSQL connection
        # in autocommit (core.db.Database.single) sends none.
        if postgres and not _autocommit(conn):
            seen.kinds["begin"] += 1
            seen.statements.append("-- BEGIN")

    def on_commit(conn: Any) -> None:
        if _autocommit(conn):
            return  # nothing is open: the driver sends nothing
        seen.kinds["commit"] += 1
        seen.statements.append("-- COMMIT")

    def on_rollback(conn: Any) -> None:
        if _autocommit(conn):
            return
        seen.kinds["rollback"] += 1
        seen.statements.append("-- ROLLBACK")

    ping = sync.dialect.do_ping

    def counted_ping(dbapi_connection: Any) -> bool:
        seen.kinds["ping"] += 1
        return ping(dbapi_connection)

    hooks = [
        ("before_cursor_execute", on_statement),
        ("begin", on_begin),
        ("commit", on_commit),
        ("rollback", on_rollback),
    ]
    for name, fn in hooks:
        event.listen(sync, name, fn)
    sync.dialect.do_ping = counted_ping  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        for name, fn in hooks:
            event.remove(sync, name, fn)
        sync.dialect.do_ping = ping  # type: ignore[method-assign]
