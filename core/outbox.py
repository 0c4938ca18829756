"""Transactional outbox: events are rows written with the change they describe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import OutboxEvent


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
    session.add(
        OutboxEvent(
            org_id=org_id, topic=topic, key=key, payload=payload, created_at=at, available_at=at
        )
    )
