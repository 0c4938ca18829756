"""One turn at a time per thread.

A double click, two tabs or a Slack retry must not run two turns of one
conversation at once: they would both read the same checkpoint and fork it.

Two layers, as everywhere in this codebase:

- the **claim** is the truth: ``UPDATE threads SET turn_id = :turn, turn_lease_until
  = :until WHERE id = :id AND (turn_id IS NULL OR turn_lease_until < :now)`` — one
  row changed means this turn won. It works across API processes with or without
  Redis; a crashed process's claim lapses after the lease.
- the **contention lock** (``rt.locks``: asyncio locks in-process, ``SET NX PX`` on
  Redis) lets a waiting turn sleep on the lock instead of polling the database.

A second turn waits up to ``wait_ms``, then is refused with ``TURN_IN_PROGRESS``.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, case, insert, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import ConcurrentUpdate, LockTimeout
from core.identity import Caller
from core.models import Thread
from core.runtime import Runtime


class TurnInProgress(ConcurrentUpdate):
    code = "TURN_IN_PROGRESS"
    title = "Another message in this conversation is still being answered"


async def claim_turn(rt: Runtime, thread_id: str, turn_id: str, *, lease_ms: int) -> bool:
    """Claim the thread for ``turn_id``; False when another live turn holds it."""
    async with rt.db.uow() as session:
        return await claim_in(session, thread_id, turn_id, lease_ms=lease_ms, now=rt.clock.now())


async def claim_in(
    session: AsyncSession, thread_id: str, turn_id: str, *, lease_ms: int, now: datetime
) -> bool:
    """:func:`claim_turn` in the caller's transaction: the turn's first try, with the
    thread's own read (``concierge.service``), then :func:`thread_turn` with ``claimed``."""
    result = await session.execute(
        update(Thread)
        .where(
            Thread.id == thread_id,
            or_(Thread.turn_id.is_(None), Thread.turn_lease_until < now),
        )
        .values(turn_id=turn_id, turn_lease_until=now + timedelta(milliseconds=lease_ms))
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _claim_own_statement() -> Any:
    """``claim_own_in``'s statement, built once (Core, bound per call): building the ORM
    ``UPDATE`` cost ~2 ms of CPU a turn, more than running it (issue 15)."""
    table: Table = Thread.__table__  # type: ignore[assignment]
    t = table.c
    now = bindparam("b_now", type_=t.updated_at.type)
    claimable = or_(t.turn_id.is_(None), t.turn_lease_until < now)
    return (
        update(table)
        .where(
            t.id == bindparam("b_thread"),
            t.org_id == bindparam("b_org"),
            t.user_id == bindparam("b_user"),
            t.deleted_at.is_(None),
        )
        .values(
            updated_at=now,
            turn_id=case((claimable, bindparam("b_turn", type_=t.turn_id.type)), else_=t.turn_id),
            turn_lease_until=case(
                (claimable, bindparam("b_until", type_=t.turn_lease_until.type)),
                else_=t.turn_lease_until,
            ),
        )
        .returning(t.turn_id)
    )


_CLAIM_OWN = _claim_own_statement()


async def claim_own_in(
    session: AsyncSession,
    caller: Caller,
    thread_id: str,
    turn_id: str,
    *,
    lease_ms: int,
    now: datetime,
) -> bool | None:
    """The caller's thread touched (``updated_at``) and claimed for ``turn_id`` when no
    live turn holds it, in one statement: whether it was claimed, or ``None`` when it is
    not the caller's (anyone else's, deleted, or none) — what ``own_thread``'s read, the
    touch and :func:`claim_in` did in three (issue 15)."""
    connection = await session.connection()
    row = (
        await connection.execute(
            _CLAIM_OWN,
            {
                "b_now": now,
                "b_thread": thread_id,
                "b_org": caller.org_id,
                "b_user": caller.user_id,
                "b_turn": turn_id,
                "b_until": now + timedelta(milliseconds=lease_ms),
            },
        )
    ).first()
    if row is None:
        return None
    return bool(row[0] == turn_id)


async def release_turn(rt: Runtime, thread_id: str, turn_id: str) -> None:
    """Give the thread back, only if this turn still holds it (one statement)."""
    async with rt.db.single() as session:
        await _release(session, thread_id, turn_id)


def _release_statement() -> Any:
    table: Table = Thread.__table__  # type: ignore[assignment]
    return (
        update(table)
        .where(table.c.id == bindparam("b_thread"), table.c.turn_id == bindparam("b_turn"))
        .values(turn_id=None, turn_lease_until=None)
    )


_RELEASE = _release_statement()


async def _release(session: AsyncSession, thread_id: str, turn_id: str) -> None:
    connection = await session.connection()
    await connection.execute(_RELEASE, {"b_thread": thread_id, "b_turn": turn_id})


#: How long a turn that holds its claim already tries the contention lock (thread_turn).
CLAIMED_LOCK_WAIT_MS = 20


class _NoLock:
    async def __aexit__(self, *_exc: object) -> bool:
        return False


@dataclass
class TurnClaim:
    """The turn's hold on its thread, as :func:`thread_turn` yields it."""

    thread_id: str
    turn_id: str
    claimed: bool
    released: bool = False

    async def release_with(self, rt: Runtime, table: Table, row: Mapping[str, Any]) -> None:
        """Insert ``row`` into ``table`` and give the thread back in one transaction, once
        the turn has written its last (issue 15: the turn's usage row). On PostgreSQL
        that is one statement, autocommitted: the INSERT a CTE of the release's UPDATE
        (1 round trip, where BEGIN, the two and COMMIT were 4). When it fails, nothing is
        given back here and :func:`thread_turn` gives the thread back on its way out."""
        release = self.claimed and not self.released
        if rt.db.is_sqlite:
            async with rt.db.uow() as session:
                connection = await session.connection()
                await connection.execute(insert(table), dict(row))
                if release:
                    await _release(session, self.thread_id, self.turn_id)
        else:
            async with rt.db.single() as session:
                connection = await session.connection()
                if release:
                    await connection.execute(
                        _insert_and_release(table, tuple(row)),
                        {
                            **{f"w_{name}": value for name, value in row.items()},
                            "b_thread": self.thread_id,
                            "b_turn": self.turn_id,
                        },
                    )
                else:
                    await connection.execute(insert(table), dict(row))
        self.released = True


@functools.cache
def _insert_and_release(table: Table, columns: tuple[str, ...]) -> Any:
    """``_RELEASE`` with an INSERT of one row into ``table`` as its CTE (PostgreSQL runs a
    data-modifying CTE whether or not the statement reads it), built once per table and
    columns: the values are bound as ``w_<column>``."""
    written = (
        insert(table)
        .values({name: bindparam(f"w_{name}", type_=table.c[name].type) for name in columns})
        .cte("written")
    )
    return _release_statement().add_cte(written)


@asynccontextmanager
async def thread_turn(
    rt: Runtime,
    thread_id: str,
    turn_id: str,
    *,
    lease_ms: int,
    wait_ms: int,
    claims: bool = True,
    claimed: bool = False,
    created: bool = False,
) -> AsyncIterator[TurnClaim]:
    """Hold the thread for one turn (``claims=False`` only for the race tests).

    ``claimed``: the caller's transaction has claimed it already (:func:`claim_in`). The
    contention lock is then only tried, briefly: a turn that lost the claim may hold it
    while it waits for this one's (and a claimed turn waiting on it would wait for a
    turn that waits for it); without it, that turn polls the claim instead of sleeping.
    ``created``: the thread was created claimed in that transaction, and its id is told
    nobody before this turn's ``start``: no other turn can wait on it yet, so no lock is
    taken (issue 15: a Redis round trip fewer before `start`, and one at the end).
    """
    deadline = time.monotonic() + wait_ms / 1000
    cm: Any = None
    try:
        if not (created and claimed):
            cm = rt.locks.hold(
                [f"thread-turn:{thread_id}"],
                lease_ms=lease_ms,
                wait_ms=CLAIMED_LOCK_WAIT_MS if claimed else wait_ms,
            )
            await cm.__aenter__()
    except LockTimeout as exc:
        if not claimed:
            raise TurnInProgress() from exc
        cm = None
    except BaseException:
        if claimed:
            await asyncio.shield(release_turn(rt, thread_id, turn_id))
        raise
    if cm is None:
        cm = _NoLock()
    try:
        if claims and not claimed:
            delay = 0.01
            while not await claim_turn(rt, thread_id, turn_id, lease_ms=lease_ms):
                # Held by a turn in another process (no shared lock between us).
                if time.monotonic() >= deadline:
                    raise TurnInProgress()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.2)
        claim = TurnClaim(thread_id, turn_id, claimed=claims)
        try:
            yield claim
        finally:
            if claims and not claim.released:
                await asyncio.shield(release_turn(rt, thread_id, turn_id))
    except BaseException as exc:
        if not await cm.__aexit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        await cm.__aexit__(None, None, None)
