"""Live updates: ``GET /v1/events``, the caller's own changes as server-sent events.

Each event is one row of the outbox the caller may see (``core.events.feed``): their
bookings' moves (confirmed, cancelled, expired…), decisions on their approvals,
disruptions of their flights, and — for approvers — the requests waiting on them. The
``id:`` of each is its place in the feed; a client that reconnects with
``Last-Event-ID`` (or ``?after=``) gets exactly what it missed. What wakes the stream
is ``core.events.wakeups``: a commit in this process, Redis pub/sub from any other,
or a poll of the database when Redis is absent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.errors import ValidationFailed
from core.events.feed import LiveEvent, events_after
from core.events.horizon import FeedCursor
from core.events.wakeups import EventWakeups
from core.identity import Caller
from core.runtime import Runtime

router = APIRouter(prefix="/v1/events", tags=["events"], responses=problem_responses(401, 422, 500))

PING_SECONDS = 15
#: How often a stream held at a gap reads again (the commit that fills it may wake nobody).
HOLDING_POLL_SECONDS = 0.2

EVENTS_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {
        "description": (
            "`text/event-stream`, open until the client leaves. Each event: `id:` (send it "
            "back as `Last-Event-ID`) and `data:` one JSON object — "
            f"`{', '.join(LiveEvent.model_fields)}`. Comments (`: ping`) keep it alive."
        ),
        "content": {"text/event-stream": {"schema": LiveEvent.model_json_schema()}},
    }
}


def _cursor(last_event_id: str | None, after: int | None) -> int | None:
    raw = last_event_id if last_event_id not in (None, "") else after
    if raw is None:
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise ValidationFailed(
            "Last-Event-ID must be an event id from this stream (a whole number)",
            field="Last-Event-ID",
        )
    return value


async def live_events(
    runtime: Runtime, wakeups: EventWakeups, caller: Caller, *, after: int | None
) -> AsyncIterator[ServerSentEvent]:
    """The caller's events past ``after`` (or from now), until the client leaves.

    Read only up to the feed's horizon (``core.events.horizon``): an id a transaction
    may still commit holds the ids above it back, so a later commit of a lower id is
    never skipped and ``Last-Event-ID`` stays a place every earlier event is behind."""
    horizon = wakeups.horizon
    async with wakeups.watch(caller.org_id) as woken:
        if after is None:
            async with runtime.db.uow(write=False) as session:
                cursor = await horizon.start(session)
            # An opening comment: the client knows the stream is live from here on.
            yield ServerSentEvent(comment="live")
        else:
            cursor = FeedCursor(after=after)
        while True:
            woken.clear()  # before reading: a commit during the read wakes the next wait
            async with runtime.db.uow(write=False) as session:
                reach = await horizon.reach(session, cursor.after)
                mine, cursor.after, full = await events_after(
                    session, caller, cursor=cursor, upto=reach.upto
                )
            for event in mine:
                yield ServerSentEvent(id=str(event.id), data=event.model_dump_json())
            if full or reach.more:
                continue
            wait = wakeups.poll_seconds()
            if reach.holding:  # a gap another organization's commit may fill: look soon
                wait = min(wait, HOLDING_POLL_SECONDS)
            try:
                await asyncio.wait_for(woken.wait(), timeout=wait)
            except TimeoutError:
                pass


@router.get(
    "",
    summary="My live updates (SSE)",
    response_class=EventSourceResponse,
    responses={**EVENTS_RESPONSE, **problem_responses(400)},
)
async def events(
    runtime: RuntimeDep,
    caller: CallerDep,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=20, description="Resume after it.")
    ] = None,
    after: Annotated[
        int | None,
        Query(ge=0, description="Resume after this event id (for clients that cannot send headers)."),
    ] = None,
) -> EventSourceResponse:
    """The caller's booking, approval, disruption and hold-expiry changes as they happen,
    from whichever API process made them; only the caller's own (an approver's: the
    requests waiting on them too). Without `Last-Event-ID` it starts from now."""
    cursor = _cursor(last_event_id, after)
    wakeups = runtime.events
    if wakeups is None:  # a runtime built by hand; build_runtime always sets it
        wakeups = runtime.events = EventWakeups(
            runtime.settings, redis=None, health=runtime.redis_health
        )
    return EventSourceResponse(
        live_events(runtime, wakeups, caller, after=cursor),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
