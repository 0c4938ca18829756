"""Slack thread → conversation: one ``threads`` row per (org, channel, thread ts)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.identity import Caller
from core.models.conversation import Thread
from core.runtime import Runtime

CHANNEL = "slack"


def external_key(channel: str, thread_ts: str) -> str:
    return f"{channel}:{thread_ts}"


async def find_thread(rt: Runtime, org_id: str, channel: str, thread_ts: str) -> Thread | None:
    async with rt.db.uow(write=False) as session:
        found: Thread | None = await session.scalar(
            select(Thread).where(
                Thread.org_id == org_id,
                Thread.channel == CHANNEL,
                Thread.external_key == external_key(channel, thread_ts),
            )
        )
        return found


async def thread_for(
    rt: Runtime, caller: Caller, channel: str, thread_ts: str, *, title: str = ""
) -> Thread:
    """The conversation of this Slack thread, created for ``caller`` on first use.

    Two first messages racing in a new Slack thread both try the INSERT; the
    unique (org, channel, external_key) constraint lets one win and the other
    reads the winner's row, so the thread never splits into two conversations.
    """
    found = await find_thread(rt, caller.org_id, channel, thread_ts)
    if found is not None:
        return found
    now = rt.clock.now()
    row = Thread(
        id=f"th_{uuid.uuid4().hex[:24]}",  # the same shape concierge.service gives threads
        org_id=caller.org_id,
        user_id=caller.user_id,
        channel=CHANNEL,
        external_key=external_key(channel, thread_ts),
        title=title[:200] or None,
        created_at=now,
        updated_at=now,
    )
    try:
        async with rt.db.uow() as session:
            session.add(row)
    except IntegrityError:
        found = await find_thread(rt, caller.org_id, channel, thread_ts)
        if found is None:  # pragma: no cover - the winner's row cannot vanish
            raise
        return found
    return row
