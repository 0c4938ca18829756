"""Transactional outbox: events are rows written with the change they describe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import OutboxEvent

#: ``session.info`` key: the organizations this transaction wrote events for. Once it
#: commits, ``core.events`` wakes those organizations' event streams (``Database.commit_listeners``).
EMITTED_FOR = "outbox.emitted_for"


def emit(
    session: AsyncSession,
    *,
    org_id: str,
    topic: str,
    key: str,
    payload: dict[str, Any],
    at: datetime,
) -> None:
    """``key`` is unique: emitting the same event twice in a retried step is a no-op upstream."""
    note_emitted(session, org_id)
    session.add(
        OutboxEvent(
            org_id=org_id, topic=topic, key=key, payload=payload, created_at=at, available_at=at
        )
    )


def note_emitted(session: AsyncSession, org_id: str) -> None:
    """Note an event row written for ``org_id`` (by :func:`emit`, or a statement of its own)."""
    session.info.setdefault(EMITTED_FOR, set()).add(org_id)
