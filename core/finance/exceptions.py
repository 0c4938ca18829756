"""Reconciliation exceptions: what finance must look at, scoped to the caller's organization."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, cast, exists, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import insert_ignoring_duplicates
from core.errors import Forbidden, NotFound
from core.identity import Caller
from core.models import ExceptionResolution, ReconciliationException, Role

#: Who may see and resolve an organization's reconciliation exceptions and invoices.
FINANCE_ROLES = frozenset({Role.FINANCE, Role.ADMIN, Role.VP_FINANCE})

ExceptionStatus = Literal["open", "resolved", "all"]


def require_finance(caller: Caller) -> None:
    if caller.role not in FINANCE_ROLES:
        raise Forbidden("Only finance (finance, VP Finance, admin) can see reconciliation data")


async def record_exception(
    session: AsyncSession,
    *,
    org_id: str | None,
    booking_id: str | None,
    kind: str,
    source: str,
    reference: str,
    dedupe_key: str,
    now: datetime,
    detail: str = "",
    segment_id: str | None = None,
    expected_minor: int | None = None,
    actual_minor: int | None = None,
    currency: str | None = None,
) -> bool:
    """Add an exception unless one with ``dedupe_key`` exists. True if added."""
    values: dict[str, Any] = {
        "org_id": org_id,
        "booking_id": booking_id,
        "segment_id": segment_id,
        "kind": str(kind),
        "source": source,
        "reference": reference[:120],
        "dedupe_key": dedupe_key[:200],
        "expected_minor": expected_minor,
        "actual_minor": actual_minor,
        "currency": currency,
        "detail": detail[:500],
        "created_at": now,
    }
    stmt = insert_ignoring_duplicates(session, ReconciliationException).values(**values)
    # RETURNING, not rowcount: psycopg reports no rowcount for ORM-executed inserts.
    added = await session.scalar(stmt.returning(ReconciliationException.id))
    return added is not None


def not_flagged(key_prefix: str, row_id: Any) -> ColumnElement[bool]:
    """No exception filed yet under ``key_prefix`` + the row's id. Checked in the query,
    so rows flagged on earlier ticks never fill the batch and hide newer ones."""
    key = literal(key_prefix, String) + cast(row_id, String)
    return ~exists().where(ReconciliationException.dedupe_key == key)


async def list_exceptions(
    session: AsyncSession,
    caller: Caller,
    *,
    status: ExceptionStatus = "open",
    kind: str | None = None,
    limit: int = 100,
) -> list[ReconciliationException]:
    """The caller's organization's exceptions, newest first."""
    require_finance(caller)
    query = select(ReconciliationException).where(ReconciliationException.org_id == caller.org_id)
    if status == "open":
        query = query.where(ReconciliationException.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(ReconciliationException.resolved_at.is_not(None))
    if kind:
        query = query.where(ReconciliationException.kind == kind)
    query = query.order_by(
        ReconciliationException.created_at.desc(), ReconciliationException.id.desc()
    ).limit(limit)
    return list((await session.scalars(query)).all())


async def resolve_exception(
    session: AsyncSession, caller: Caller, exception_id: int, *, now: datetime
) -> ReconciliationException:
    """Mark an exception handled (``resolved``; the review queue, ``core.review``, also
    takes a note and finance's other outcomes). Resolving twice is harmless (the first
    time stands)."""
    require_finance(caller)
    row = await session.scalar(
        select(ReconciliationException).where(
            ReconciliationException.id == exception_id,
            ReconciliationException.org_id == caller.org_id,
        )
    )
    if row is None:
        raise NotFound(f"No reconciliation exception {exception_id}")
    await session.execute(
        update(ReconciliationException)
        .where(
            ReconciliationException.id == exception_id,
            ReconciliationException.resolved_at.is_(None),
        )
        .values(
            resolved_at=now, resolution=ExceptionResolution.RESOLVED, resolved_by=caller.user_id
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(row)
    return row
