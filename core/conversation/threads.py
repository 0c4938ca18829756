"""The one owner of ``threads`` rows: find the caller's thread, find one by its channel
key (a Slack thread, an OpenAI-endpoint history), create one, re-key one; list the
caller's conversations, rename one, delete one (soft).

Services take a session and never commit; ``thread_for_key`` and ``rekey`` own their
short transactions because the unique (org, channel, external_key) constraint is how
two racing requests agree on one row.
"""

from __future__ import annotations

import base64
import binascii
import unicodedata
import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from core.conversation.views import ThreadPage, ThreadSummary
from core.errors import NotFound, ValidationFailed
from core.identity import Caller
from core.models import Booking, Thread
from core.runtime import Runtime

TITLE_MAX = 200
PAGE_MAX = 100


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


#: A new thread's row (a Core INSERT built once: the ORM's unit of work cost more CPU
#: than the round trip, on the path before a turn's ``start``; issue 15).
_INSERT_THREAD = insert(cast(Table, Thread.__table__))


async def create_thread(
    session: AsyncSession,
    caller: Caller,
    *,
    channel: str,
    title: str | None,
    now: datetime,
    turn_id: str | None = None,
    lease_until: datetime | None = None,
) -> str:
    """A new thread of the caller's (no channel key), born claimed for ``turn_id`` until
    ``lease_until`` when given; its id. Nothing is read: the id is new."""
    thread_id = new_thread_id()
    connection = await session.connection()
    await connection.execute(
        _INSERT_THREAD,
        {
            "id": thread_id,
            "org_id": caller.org_id,
            "user_id": caller.user_id,
            "channel": channel,
            "external_key": None,
            "title": title,
            "created_at": now,
            "updated_at": now,
            "turn_id": turn_id,
            "turn_lease_until": lease_until,
            "deleted_at": None,
        },
    )
    return thread_id


async def booking_thread(session: AsyncSession, org_id: str, booking_id: str) -> Thread | None:
    """The conversation a trip was confirmed from (``bookings.thread_id``), if it still
    stands: where what happens to the trip is told."""
    thread_id = await session.scalar(
        select(Booking.thread_id).where(Booking.id == booking_id, Booking.org_id == org_id)
    )
    if not thread_id:
        return None
    thread = await session.get(Thread, thread_id)
    if thread is None or thread.org_id != org_id or thread.deleted_at is not None:
        return None
    return thread


async def own_thread(session: AsyncSession, caller: Caller, thread_id: str) -> Thread:
    """The caller's own thread; anyone else's, a deleted one (or none) is a 404."""
    thread = await session.get(Thread, thread_id)
    if (
        thread is None
        or thread.org_id != caller.org_id
        or thread.user_id != caller.user_id
        or thread.deleted_at is not None
    ):
        raise NotFound("Conversation not found")
    return thread


async def was_deleted(session: AsyncSession, caller: Caller, thread_id: str) -> bool:
    """Whether the caller's organization holds this thread, deleted: what a stream store
    may still keep of its turns (another process's memory during a Redis outage) is
    then no one's to read."""
    deleted_at = await session.scalar(
        select(Thread.deleted_at).where(Thread.id == thread_id, Thread.org_id == caller.org_id)
    )
    return deleted_at is not None


def _encode_cursor(thread: Thread) -> str:
    raw = f"{thread.updated_at.isoformat()}|{thread.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment, thread_id = base64.urlsafe_b64decode(padded.encode()).decode().split("|", 1)
        return utc(datetime.fromisoformat(moment)), thread_id
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ValidationFailed("Malformed cursor", field="cursor") from exc


async def list_threads(
    session: AsyncSession, caller: Caller, *, limit: int = 20, cursor: str | None = None
) -> ThreadPage:
    """The caller's conversations on every channel, last activity first, ``limit`` a page.

    Keyset pagination on (updated_at, id) walks ``ix_threads_org_user_activity`` from
    the cursor on, so page 500 of 10,000 threads costs what page 1 does. A conversation
    that moves (a new turn) between two pages can show on both or neither: the cursor
    is a place in the order, not a snapshot.
    """
    if not 1 <= limit <= PAGE_MAX:
        raise ValidationFailed(f"limit must be between 1 and {PAGE_MAX}", field="limit")
    stmt = select(Thread).where(
        Thread.org_id == caller.org_id,
        Thread.user_id == caller.user_id,
        Thread.deleted_at.is_(None),
    )
    if cursor:
        moment, last_id = _decode_cursor(cursor)
        # A row value, not an OR: PostgreSQL makes it the index scan's start.
        stmt = stmt.where(tuple_(Thread.updated_at, Thread.id) < tuple_(moment, last_id))
    stmt = stmt.order_by(Thread.updated_at.desc(), Thread.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return ThreadPage(
        threads=[ThreadSummary.of(row) for row in rows[:limit]], next_cursor=next_cursor
    )


def clean_title(title: str) -> str:
    """A title as people will see it: one line, no control characters, 1–200 characters."""
    text = " ".join(
        "".join(" " if unicodedata.category(c).startswith("C") else c for c in title).split()
    )
    if not text:
        raise ValidationFailed("title: must not be blank", field="title")
    if len(text) > TITLE_MAX:
        raise ValidationFailed(f"title: at most {TITLE_MAX} characters", field="title")
    return text


async def rename_thread(
    session: AsyncSession, caller: Caller, thread_id: str, title: str
) -> ThreadSummary:
    """Give the caller's conversation a title of their own (last activity unchanged)."""
    thread = await own_thread(session, caller, thread_id)
    thread.title = clean_title(title)
    await session.flush()
    return ThreadSummary.of(thread)


async def delete_thread(
    session: AsyncSession, caller: Caller, thread_id: str, *, now: datetime
) -> None:
    """Soft-delete the caller's conversation: from now on it is a 404 to everyone.

    Its channel key is let go, so the next message in that Slack thread (or the same
    OpenAI-endpoint history) starts a new conversation instead of reaching the deleted
    one. The conditional UPDATE makes a second delete a 404, like a read.
    """
    deleted = await session.execute(
        update(Thread)
        .where(
            Thread.id == thread_id,
            Thread.org_id == caller.org_id,
            Thread.user_id == caller.user_id,
            Thread.deleted_at.is_(None),
        )
        .values(deleted_at=now, external_key=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(deleted, "rowcount", 0) != 1:
        raise NotFound("Conversation not found")


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
                    Thread.deleted_at.is_(None),
                )
                .values(channel=channel, external_key=key)
            )
    except IntegrityError:
        return False
    return True
