"""The one owner of ``threads`` rows: find the caller's thread, find one by its channel
key (a Slack thread, an OpenAI-endpoint history), create one, re-key one.

Services take a session and never commit; ``thread_for_key`` and ``rekey`` own their
short transactions because the unique (org, channel, external_key) constraint is how
two racing requests agree on one row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import NotFound
from core.identity import Caller
from core.models import Thread
from core.runtime import Runtime

TITLE_MAX = 200


def new_thread_id() -> str:
    return f"th_{uuid.uuid4().hex[:24]}"


def _new_thread(
    caller: Caller, *, channel: str, external_key: str | None, title: str | None, now: datetime
) -> Thread:
    return Thread(
        id=new_thread_id(),
        org_id=caller.org_id,
        user_id=caller.user_id,
        channel=channel,
        external_key=external_key,
        title=title,
        created_at=now,
        updated_at=now,
    )


async def own_thread(session: AsyncSession, caller: Caller, thread_id: str) -> Thread:
    """The caller's own thread; anyone else's (or none) is a 404."""
    thread = await session.get(Thread, thread_id)
    if thread is None or thread.org_id != caller.org_id or thread.user_id != caller.user_id:
        raise NotFound("Conversation not found")
    return thread


async def find_by_key(
    session: AsyncSession,
    org_id: str,
    channel: str,
    external_key: str,
    *,
    user_id: str | None = None,
) -> Thread | None:
    """The thread of this channel key in the organization (only ``user_id``'s, if given)."""
    stmt = select(Thread).where(
        Thread.org_id == org_id, Thread.channel == channel, Thread.external_key == external_key
    )
    if user_id is not None:
        stmt = stmt.where(Thread.user_id == user_id)
    found: Thread | None = await session.scalar(stmt)
    return found


async def open_thread(
    session: AsyncSession,
    caller: Caller,
    *,
    thread_id: str | None,
    channel: str,
    external_key: str | None,
    title: str | None,
    now: datetime,
) -> Thread:
    """The thread a turn runs on: the caller's ``thread_id``, else the caller's thread of
    ``external_key`` on ``channel``, else a new one. Touches ``updated_at``."""
    thread: Thread | None = None
    if thread_id is not None:
        thread = await own_thread(session, caller, thread_id)
    elif external_key is not None:
        thread = await find_by_key(session, caller.org_id, channel, external_key)
        if thread is not None and thread.user_id != caller.user_id:
            raise NotFound("Conversation not found")
    if thread is None:
        thread = _new_thread(
            caller, channel=channel, external_key=external_key, title=title, now=now
        )
        session.add(thread)
    else:
        thread.updated_at = now
    return thread


async def find_thread_for_key(
    rt: Runtime, org_id: str, channel: str, external_key: str, *, user_id: str | None = None
) -> Thread | None:
    """``find_by_key`` in its own read transaction."""
    async with rt.db.uow(write=False) as session:
        return await find_by_key(session, org_id, channel, external_key, user_id=user_id)


async def thread_for_key(
    rt: Runtime, caller: Caller, channel: str, external_key: str, *, title: str = ""
) -> Thread:
    """The conversation of this channel key, created for ``caller`` on first use.

    Two first messages racing on a new key both try the INSERT; the unique
    (org, channel, external_key) constraint lets one win and the other reads the
    winner's row, so the conversation never splits in two.
    """
    found = await find_thread_for_key(rt, caller.org_id, channel, external_key)
    if found is not None:
        return found
    row = _new_thread(
        caller,
        channel=channel,
        external_key=external_key,
        title=title[:TITLE_MAX] or None,
        now=rt.clock.now(),
    )
    try:
        async with rt.db.uow() as session:
            session.add(row)
    except IntegrityError:
        found = await find_thread_for_key(rt, caller.org_id, channel, external_key)
        if found is None:  # pragma: no cover - the winner's row cannot vanish
            raise
        return found
    return row


async def rekey(rt: Runtime, caller: Caller, thread_id: str, *, channel: str, key: str) -> bool:
    """Point the caller's thread at a new channel key; ``False`` when another thread of
    the organization already has that key (it keeps it)."""
    try:
        async with rt.db.uow() as session:
            await session.execute(
                update(Thread)
                .where(
                    Thread.id == thread_id,
                    Thread.org_id == caller.org_id,
                    Thread.user_id == caller.user_id,
                )
                .values(channel=channel, external_key=key)
            )
    except IntegrityError:
        return False
    return True
