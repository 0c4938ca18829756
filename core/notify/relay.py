"""The outbox relay: delivers committed outbox events to the notifiers, at least once.

One pass (:func:`relay_outbox`, the ``outbox_relay`` job):

1. **Claim** a batch of due events in one short transaction: a conditional UPDATE
   moves ``available_at`` a lease into the future and counts the attempt, only for
   rows still undelivered and due (``WHERE delivered_at IS NULL AND available_at <= now``).
   Of two relays racing for a row exactly one gets it back (PostgreSQL re-checks the
   WHERE after the other's commit; SQLite serializes at ``BEGIN IMMEDIATE``), and on
   PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets the loser take the next rows instead of
   waiting. A relay that dies holding a claim only delays those events by the lease.
2. **Deliver** outside any transaction: each (notifier, recipient) pair not yet in
   ``notification_deliveries`` is handed to the notifier.
3. **Settle**, one transaction per event: the pairs sent are recorded (so a retry
   skips them) and, all pairs done → ``delivered_at``; a failure → retried after an
   exponential backoff (``last_error`` kept); after :data:`MAX_ATTEMPTS` the event is
   abandoned (``abandoned_at``) for an operator to look at.

A crash between a notifier's return and the settle means that event's pairs are sent again
after the lease: the notifier gets the same ``Delivery.key`` and is expected to
drop the copy (at least once, idempotent consumers).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import insert_ignoring_duplicates
from core.models import NotificationDelivery, OutboxEvent
from core.notify.base import Delivery, Notifier, Recipient, registered_notifiers
from core.notify.log import LogNotifier
from core.notify.messages import compose, recipients
from core.notify.smtp import SmtpNotifier

if TYPE_CHECKING:
    from core.runtime import Runtime

log = logging.getLogger(__name__)

BATCH_SIZE = 50
#: How long a claimed event is ours before another relay may take it over.
CLAIM_LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)


class RelayCrash(Exception):
    """Raised at a named point when a test asks for it (``rt.extras['relay_crash_at']``)."""


def _crash_point(rt: Runtime, name: str) -> None:
    if rt.extras.get("relay_crash_at") == name:
        rt.extras.pop("relay_crash_at")
        raise RelayCrash(name)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at an hour (``attempts`` counts the failed one)."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_CAP)


@dataclass(frozen=True)
class ClaimedEvent:
    id: int
    org_id: str
    topic: str
    payload: dict[str, Any]
    attempts: int


@dataclass
class RelayStats:
    claimed: int = 0
    delivered: int = 0  # events fully delivered this pass
    sent: int = 0  # (notifier, recipient) pairs handed over this pass
    retrying: int = 0
    abandoned: int = 0


def _due(now: datetime) -> list[Any]:
    return [
        OutboxEvent.delivered_at.is_(None),
        OutboxEvent.abandoned_at.is_(None),
        OutboxEvent.available_at <= now,
    ]


async def claim_due_events(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int = BATCH_SIZE,
    lease: timedelta = CLAIM_LEASE,
    guarded: bool = True,
) -> list[ClaimedEvent]:
    """Take up to ``limit`` due events for this relay.

    ``guarded=False`` is the naive relay (read the pending rows, no claim), kept
    only so the race tests can show what the claim prevents.
    """
    if not guarded:
        rows = (
            await session.execute(
                select(
                    OutboxEvent.id,
                    OutboxEvent.org_id,
                    OutboxEvent.topic,
                    OutboxEvent.payload,
                    OutboxEvent.attempts,
                )
                .where(*_due(now))
                .order_by(OutboxEvent.id)
                .limit(limit)
            )
        ).all()
        return [ClaimedEvent(r[0], r[1], r[2], r[3] or {}, r[4]) for r in rows]
    candidates = select(OutboxEvent.id).where(*_due(now)).order_by(OutboxEvent.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list((await session.scalars(candidates)).all())
    if not ids:
        return []
    claimed = (
        await session.execute(
            update(OutboxEvent)
            # The due conditions again: they are what makes this claim conditional.
            .where(OutboxEvent.id.in_(ids), *_due(now))
            .values(available_at=now + lease, attempts=OutboxEvent.attempts + 1)
            .returning(
                OutboxEvent.id,
                OutboxEvent.org_id,
                OutboxEvent.topic,
                OutboxEvent.payload,
                OutboxEvent.attempts,
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    return sorted(
        (ClaimedEvent(r[0], r[1], r[2], r[3] or {}, r[4]) for r in claimed), key=lambda e: e.id
    )


async def _record_deliveries(
    session: AsyncSession, event: ClaimedEvent, sent: list[tuple[str, str]], now: datetime
) -> None:
    """One multi-row insert; a pair already recorded (a concurrent relay) is skipped."""
    if not sent:
        return
    rows = [
        {
            "event_id": event.id,
            "org_id": event.org_id,
            "notifier": notifier,
            "recipient_id": recipient_id,
            "delivered_at": now,
        }
        for notifier, recipient_id in sent
    ]
    await session.execute(insert_ignoring_duplicates(session, NotificationDelivery).values(rows))


@dataclass
class _Plan:
    """What one event still needs: its recipients and the pairs already recorded."""

    people: list[Recipient]
    done: set[tuple[str, str]]


async def _plan(session: AsyncSession, events: list[ClaimedEvent]) -> dict[int, _Plan]:
    done: dict[int, set[tuple[str, str]]] = {e.id: set() for e in events}
    rows = await session.execute(
        select(
            NotificationDelivery.event_id,
            NotificationDelivery.notifier,
            NotificationDelivery.recipient_id,
        ).where(NotificationDelivery.event_id.in_([e.id for e in events]))
    )
    for event_id, notifier, recipient_id in rows.all():
        done[event_id].add((notifier, recipient_id))
    plans: dict[int, _Plan] = {}
    for event in events:
        row = OutboxEvent(
            id=event.id, org_id=event.org_id, topic=event.topic, payload=event.payload
        )
        plans[event.id] = _Plan(people=await recipients(session, row), done=done[event.id])
    return plans


async def _deliver_event(
    rt: Runtime, event: ClaimedEvent, plan: _Plan, notifiers: list[Notifier]
) -> tuple[list[tuple[str, str]], list[str]]:
    """Hand the event to every notifier for every recipient not served yet.

    Returns the (notifier, recipient) pairs sent and the errors; nothing is recorded
    here, so a crash before :func:`_settle` means those pairs are sent again.
    """
    subject, message = compose(event.topic, event.payload)
    sent: list[tuple[str, str]] = []
    errors: list[str] = []
    for notifier in notifiers:
        for person in plan.people:
            if (notifier.name, person.user_id) in plan.done:
                continue
            delivery = Delivery(
                event_id=event.id,
                org_id=event.org_id,
                topic=event.topic,
                recipient=person,
                subject=subject,
                message=message,
                payload=event.payload,
                notifier=notifier.name,
            )
            try:
                await notifier.deliver(rt, delivery)
            except Exception as exc:
                log.warning(
                    "outbox %s: notifier %s failed for %s: %r",
                    event.id,
                    notifier.name,
                    person.user_id,
                    exc,
                )
                errors.append(f"{notifier.name}→{person.user_id}: {exc!r}")
                continue
            _crash_point(rt, "after_deliver")
            sent.append((notifier.name, person.user_id))
    return sent, errors


async def _settle(
    rt: Runtime,
    event: ClaimedEvent,
    sent: list[tuple[str, str]],
    errors: list[str],
    stats: RelayStats,
) -> None:
    """Record the pairs sent and settle the event, in one transaction."""
    now = rt.clock.now()
    pending = [OutboxEvent.id == event.id, OutboxEvent.delivered_at.is_(None)]
    async with rt.db.uow() as session:
        await _record_deliveries(session, event, sent, now)
        stats.sent += len(sent)
        if not errors:
            await session.execute(
                update(OutboxEvent)
                .where(*pending)
                .values(delivered_at=now, last_error=None)
                .execution_options(synchronize_session=False)
            )
            stats.delivered += 1
            return
        last_error = "; ".join(errors)[:500]
        if event.attempts >= MAX_ATTEMPTS:
            log.error(
                "outbox %s (%s): giving up after %d attempts: %s",
                event.id,
                event.topic,
                event.attempts,
                last_error,
            )
            values: dict[str, Any] = {"abandoned_at": now, "last_error": last_error}
            stats.abandoned += 1
        else:
            values = {"available_at": now + backoff(event.attempts), "last_error": last_error}
            stats.retrying += 1
        await session.execute(
            update(OutboxEvent)
            .where(*pending)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def notifiers_for(rt: Runtime) -> list[Notifier]:
    """What the relay delivers to: log, SMTP when configured, then the registered ones.

    A runtime's own registrations override process-wide ones of the same name.
    """
    found: dict[str, Notifier] = {"log": LogNotifier()}
    if rt.settings.smtp_url:
        found["email"] = SmtpNotifier.from_settings(rt.settings)
    found.update(registered_notifiers(rt))
    return list(found.values())


async def relay_outbox(rt: Runtime, *, limit: int = BATCH_SIZE, guarded: bool = True) -> RelayStats:
    """One relay pass: claim due events, deliver them, settle each. Returns counts."""
    stats = RelayStats()
    async with rt.db.uow() as session:
        events = await claim_due_events(session, now=rt.clock.now(), limit=limit, guarded=guarded)
    stats.claimed = len(events)
    if not events:
        return stats
    notifiers = notifiers_for(rt)
    async with rt.db.uow(write=False) as session:
        plans = await _plan(session, events)
    for event in events:
        sent, errors = await _deliver_event(rt, event, plans[event.id], notifiers)
        await _settle(rt, event, sent, errors, stats)
    return stats
