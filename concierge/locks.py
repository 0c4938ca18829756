"""One turn at a time per thread.

A double click, two tabs or a Slack retry must not run two turns of one
conversation at once: they would both read the same checkpoint and fork it. The
lock is ``rt.locks`` (in-process asyncio locks, or Redis ``SET NX PX`` with a
lease when Redis is configured), keyed by thread id, with a lease long enough for
a whole turn and a bounded wait, after which the second turn is refused with
``TURN_IN_PROGRESS`` instead of queueing forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.errors import ConcurrentUpdate, LockTimeout
from core.locks import LockManager


class TurnInProgress(ConcurrentUpdate):
    code = "TURN_IN_PROGRESS"
    title = "Another message in this conversation is still being answered"


@asynccontextmanager
async def thread_turn(
    locks: LockManager, thread_id: str, *, lease_ms: int, wait_ms: int
) -> AsyncIterator[None]:
    try:
        cm = locks.hold([f"thread-turn:{thread_id}"], lease_ms=lease_ms, wait_ms=wait_ms)
        await cm.__aenter__()
    except LockTimeout as exc:
        raise TurnInProgress() from exc
    try:
        yield
    except BaseException as exc:
        if not await cm.__aexit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        await cm.__aexit__(None, None, None)
