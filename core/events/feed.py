"""The caller's events, read from the outbox: who sees which event, and how it reads.

An event is the caller's when the notification would be theirs (the outbox payload's
``notify``, else the booking's traveller: ``core.notify.messages.audience``) or when
the payload names them among its ``watchers`` (the approvers of a decided approval,
whose pending count just changed). Always within the caller's organization.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.events.horizon import FeedCursor
from core.identity import Caller
from core.models import Booking, OutboxEvent
from core.notify.messages import audience, compose, names_audience
from core.views import UtcTime, View

#: Topics a person's open page cares about (outbox topics starting with these).
LIVE_TOPICS = ("booking.", "approval.", "disruption.", "rebook.", "flight.")
#: Rows read per query; a stream that gets a full batch reads again at once.
BATCH = 100


class LiveEvent(View):
    """One change, as the page and any SSE client read it (``data:`` of ``GET /v1/events``)."""

    id: int = Field(description="The event's place in the feed: send it back as `Last-Event-ID`.")
    topic: str = Field(examples=["approval.decided"])
    booking_id: str | None = None
    approval_id: str | None = None
    status: str | None = Field(
        default=None,
        description="What it came to: the booking's new status (`confirmed`, `expired`…), "
        "an approval's decision (`approved` / `rejected`), a disruption's kind (`cancelled` / "
        "`delayed`).",
    )
    note: str | None = Field(default=None, description="The approver's note, on a decision.")
    watching: bool = Field(
        default=False,
        description="Not the caller's to be told, only a list of theirs changed (an "
        "approver's view of a decision; a trip's `booking.pending_approval`, or its "
        "`booking.cancelled` after the rejection the traveller was told).",
    )
    message: str = Field(description="One sentence for the person (the notification's words).")
    at: UtcTime


def _status(topic: str, payload: dict[str, Any]) -> str | None:
    if topic == "approval.decided":
        return str(payload.get("decision") or "") or None
    if topic.startswith("disruption.") or topic.startswith("flight."):
        return str(payload.get("kind") or topic.split(".", 1)[1])
    return topic.split(".", 1)[1]


async def events_after(
    session: AsyncSession,
    caller: Caller,
    *,
    cursor: FeedCursor,
    upto: int | None = None,
    limit: int = BATCH,
) -> tuple[list[LiveEvent], int, bool]:
    """The caller's events past ``cursor.after`` up to ``upto`` (the horizon: no id a
    transaction may still commit — ``core.events.horizon``), oldest first; the id read up
    to (the next ``after``: past the other people's events too); whether the batch was
    full (read again at once)."""
    after = cursor.after
    stmt = (
        select(OutboxEvent.id, OutboxEvent.topic, OutboxEvent.payload, OutboxEvent.created_at)
        .where(
            OutboxEvent.org_id == caller.org_id,
            OutboxEvent.id > after,
            or_(*(OutboxEvent.topic.startswith(t) for t in LIVE_TOPICS)),
        )
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    if upto is not None:
        stmt = stmt.where(OutboxEvent.id <= upto)
    rows = list((await session.execute(stmt)).all())
    full = len(rows) == limit
    # Past a short batch, everything up to the horizon is read (the rest is not ours).
    read_to = int(rows[-1][0]) if full or (rows and upto is None) else (upto or after)
    rows = [row for row in rows if cursor.wanted(int(row[0]))]
    if not rows:
        return [], max(read_to, after), full
    wanted = {
        str(p["booking_id"])
        for _, _, p, _ in rows
        if p and p.get("booking_id") and not names_audience(p)
    }
    travellers: dict[str, str] = {}
    if wanted:
        travellers = dict(
            (
                await session.execute(
                    select(Booking.id, Booking.traveler_id).where(
                        Booking.id.in_(wanted), Booking.org_id == caller.org_id
                    )
                )
            ).all()
        )
    mine: list[LiveEvent] = []
    for event_id, topic, payload, created_at in rows:
        payload = payload or {}
        booking_id = str(payload.get("booking_id") or "") or None
        people = audience(payload, travellers.get(booking_id or ""))
        watchers = [str(w) for w in payload.get("watchers") or []]
        told = caller.user_id in people
        if not told and caller.user_id not in watchers:
            continue
        note = payload.get("note") if topic == "approval.decided" else None
        mine.append(
            LiveEvent(
                id=event_id,
                topic=topic,
                booking_id=booking_id,
                approval_id=str(payload.get("approval_id") or "") or None,
                status=_status(topic, payload),
                note=str(note) if note else None,
                watching=not told,
                message=compose(topic, payload)[1],
                at=created_at,
            )
        )
    return mine, max(read_to, after), full
