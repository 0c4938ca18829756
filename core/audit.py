"""Audit log: who did what, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import AuditEntry


def record(
    session: AsyncSession,
    *,
    org_id: str,
    actor_id: str,
    action: str,
    entity: str,
    entity_id: str,
    at: datetime,
    **data: Any,
) -> None:
    session.add(
        AuditEntry(
            org_id=org_id,
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            data=data,
            at=at,
        )
    )
