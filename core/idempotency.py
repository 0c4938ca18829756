"""Idempotency-Key handling for every POST that creates or changes a booking.

Same key + same payload → the stored response is replayed; same key + different
payload → 422; same key while the first is in flight → 409; missing key → 400.
Keys live at least 24 h (``reap_idempotency_keys``).

Claiming a key is an INSERT that only one request can win (unique constraint).
A request that crashed leaves its record in flight with a lease; once the lease
lapses, a retry takes the key over and the handler resumes from its recovery
point (``IdempotencyContext.resource_id``) instead of repeating the work.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import (
    CoreError,
    IdempotencyInProgress,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
    ValidationFailed,
)
from core.identity import Caller
from core.models import IdempotencyRecord, IdempotencyStatus
from core.runtime import Runtime

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 255


@dataclass
class IdempotentResult:
    status_code: int
    body: dict[str, Any]
    replayed: bool


@dataclass
class IdempotencyContext:
    """Handed to handlers: where a resumed request left off, and how to record progress."""

    record_id: int
    key: str
    resource_id: str | None = None
    recovery_point: str | None = None
    #: The answer was stored by :meth:`finish`, in the handler's own transaction.
    finished: bool = False
    #: The business error stored as the answer by :meth:`refuse` (raised once committed).
    refusal: CoreError | None = None

    async def finish(
        self,
        session: AsyncSession,
        status: int,
        body: dict[str, Any],
        *,
        resource_id: str | None = None,
        now: datetime,
    ) -> None:
        """Store the answer inside the handler's own transaction, atomic with its work: a
        crash before its COMMIT leaves the key in flight with nothing done (a retry redoes
        it), one after replays this answer. Saves the recovery point's UPDATE and the
        separate transaction that would store the answer (issue 15)."""
        values: dict[str, Any] = {
            "status": IdempotencyStatus.DONE,
            "response_status": status,
            "response_body": body,
            "locked_until": None,
            "updated_at": now,
        }
        if resource_id is not None:
            values["resource_id"] = resource_id
            self.resource_id = resource_id
        await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == self.record_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        self.finished = True

    async def refuse(self, session: AsyncSession, error: CoreError, *, now: datetime) -> None:
        """Store ``error`` (a business error, :func:`stores_error`) as the answer inside the
        handler's own transaction, which wrote nothing else and then commits; the handler
        raises it after the commit. Saves the ROLLBACK and the transaction that would store
        it afterwards (issue 15: most answers of a burst on a sold-out flight)."""
        assert stores_error(error)
        await self.finish(session, error.status, problem_body(error), now=now)
        self.refusal = error

    async def save_point(
        self, session: AsyncSession, *, resource_id: str | None = None, point: str | None = None
    ) -> None:
        """Record progress inside the handler's own transaction (atomic with its work)."""
        values: dict[str, Any] = {}
        if resource_id is not None:
            values["resource_id"] = resource_id
            self.resource_id = resource_id
        if point is not None:
            values["recovery_point"] = point
            self.recovery_point = point
        if values:
            await session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.id == self.record_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )


Handler = Callable[[IdempotencyContext], Awaitable[tuple[int, dict[str, Any]]]]


def stores_error(error: CoreError) -> bool:
    """Whether ``error`` is the request's answer, stored and replayed like a success (a
    business error, 4xx), rather than transient (5xx, a conflict in flight): the key is
    then released for a retry."""
    return error.status < 500 and error.code not in {"IDEMPOTENCY_IN_PROGRESS", "LOCK_TIMEOUT"}


def fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def problem_body(error: CoreError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://concierge.dev/problems/{error.code.lower().replace('_', '-')}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "code": error.code,
    }
    for name, value in error.extra.items():
        if isinstance(value, str | int | float | bool | dict | list) or value is None:
            body.setdefault(name, value)
    return body


class StoredProblem(CoreError):
    """A replayed error response: the same problem, status and code as the first time."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(str(body.get("detail") or body.get("title") or "error"))
        self.stored_status = status
        self.body = body


def _take_key_statement() -> Any:
    table: Table = IdempotencyRecord.__table__  # type: ignore[assignment]
    columns = (
        "org_id", "user_id", "scope", "key", "request_hash", "status", "locked_until",
        "created_at", "updated_at",
    )  # fmt: skip
    return (
        insert(table)
        .values({name: bindparam(f"k_{name}", type_=table.c[name].type) for name in columns})
        .returning(table.c.id)
    )


#: A new key's row, in flight (``_claim``).
_TAKE_KEY = _take_key_statement()


async def _claim(
    rt: Runtime, caller: Caller, scope: str, key: str, digest: str
) -> tuple[IdempotencyContext | None, IdempotentResult | None]:
    now = rt.clock.now()
    lease = now + timedelta(seconds=rt.settings.idempotency_in_flight_seconds)
    try:
        # One INSERT: in autocommit on PostgreSQL (core.db.Database.single), the key is
        # taken in one round trip, not three; a duplicate fails that statement alone.
        # A Core INSERT built once (perf36b): the ORM's object and unit of work cost more
        # CPU than the round trip (as the turn's usage row, concierge.service._record).
        async with rt.db.single() as session:
            connection = await session.connection()
            record_id = (
                await connection.execute(
                    _TAKE_KEY,
                    {
                        "k_org_id": caller.org_id, "k_user_id": caller.user_id,
                        "k_scope": scope, "k_key": key, "k_request_hash": digest,
                        "k_status": IdempotencyStatus.IN_FLIGHT, "k_locked_until": lease,
                        "k_created_at": now, "k_updated_at": now,
                    },
                )
            ).scalar_one()
            return IdempotencyContext(record_id=record_id, key=key), None
    except IntegrityError:
        pass  # somebody holds this key: look at what they left
    async with rt.db.uow() as session:
        existing = await session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.org_id == caller.org_id,
                IdempotencyRecord.user_id == caller.user_id,
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
            )
        )
        if existing is None:  # reaped between our insert and select: try once more
            raise IdempotencyInProgress("Retry the request")
        if existing.request_hash != digest:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request body"
            )
        if existing.status == IdempotencyStatus.DONE:
            assert existing.response_status is not None
            return None, IdempotentResult(
                existing.response_status, existing.response_body or {}, replayed=True
            )
        if existing.locked_until is not None and existing.locked_until > now:
            raise IdempotencyInProgress(
                "A request with this Idempotency-Key is still being processed"
            )
        # The first attempt died mid-way: take over its lease and resume.
        took = await session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == existing.id,
                IdempotencyRecord.status == IdempotencyStatus.IN_FLIGHT,
                IdempotencyRecord.locked_until == existing.locked_until,
            )
            .values(locked_until=lease, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if took.rowcount != 1:  # type: ignore[attr-defined]
            raise IdempotencyInProgress("A request with this Idempotency-Key is still being processed")
        return (
            IdempotencyContext(
                record_id=existing.id, key=key, resource_id=existing.resource_id,
                recovery_point=existing.recovery_point,
            ),
            None,
        )


async def _store(rt: Runtime, record_id: int, status: int, body: dict[str, Any]) -> None:
    async with rt.db.uow() as session:
        await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id)
            .values(status=IdempotencyStatus.DONE, response_status=status, response_body=body,
                    locked_until=None, updated_at=rt.clock.now())
            .execution_options(synchronize_session=False)
        )


async def _release(rt: Runtime, record_id: int) -> None:
    async with rt.db.uow() as session:
        await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))


async def run_idempotent(
    rt: Runtime,
    caller: Caller,
    *,
    scope: str,
    key: str | None,
    payload: Any,
    handler: Handler,
) -> IdempotentResult:
    """Run ``handler`` at most once per (caller, scope, key); replay its answer after.

    ``handler`` gets an :class:`IdempotencyContext` to record and read recovery points.
    A business error (4xx) is stored and replayed like a success; a transient one
    (5xx, 409 in-progress/lock conflicts) releases the key so the client may retry.
    """
    if key is None or not key.strip():
        raise IdempotencyKeyMissing("Send an Idempotency-Key header (any unique string, e.g. a UUID)")
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(f"Idempotency-Key is longer than {MAX_KEY_LENGTH} characters")
    digest = fingerprint(payload)
    ctx, replay = await _claim(rt, caller, scope, key, digest)
    if replay is not None:
        if replay.status_code >= 400:
            raise StoredProblem(replay.status_code, replay.body)
        return replay
    assert ctx is not None
    try:
        status, body = await handler(ctx)
    except CoreError as exc:
        if not stores_error(exc):
            await _release(rt, ctx.record_id)
        elif exc is not ctx.refusal:  # else stored, and committed, by the handler (refuse)
            await _store(rt, ctx.record_id, exc.status, problem_body(exc))
        raise
    except BaseException:
        # Unknown outcome: keep the record (and its recovery point) in flight; the lease
        # lapses and a retry resumes. Nothing is replayed from a crash.
        log.warning("idempotent request %s/%s ended abnormally; retry will resume", scope, key)
        raise
    if not ctx.finished:
        await _store(rt, ctx.record_id, status, body)
    return IdempotentResult(status, body, replayed=False)


async def reap_idempotency_keys(session: AsyncSession, *, now: datetime, ttl_seconds: int) -> int:
    """Forget keys older than the TTL (never fewer than 24 h by default)."""
    cutoff = now - timedelta(seconds=ttl_seconds)
    result = await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < cutoff,
            (IdempotencyRecord.status == IdempotencyStatus.DONE)
            | (IdempotencyRecord.locked_until.is_(None))
            | (IdempotencyRecord.locked_until < now),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
