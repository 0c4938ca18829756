"""The recovery-point step machine the booking flows run on (confirm, cancel, rebook).

A flow's row — the booking for the confirmation saga, a ``BookingChange`` for cancel
and rebook — records the last step that committed in its step column. Each step
moves it forward with a conditional UPDATE (still active, still at the expected
step), so a flow resumed twice never advances twice; a payment authorization is
recorded once per key. The completer finds flows untouched for a while, claims each
with a conditional UPDATE on ``updated_at`` (one resumer at a time, in any number of
processes) and runs it again from its recovery point; outbound calls repeat with
the same keys (``core.booking.keys``), so nothing is charged or booked twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.ids import new_id
from core.models import Booking, BookingChange, Payment, PaymentStatus
from core.payment.gateway import Authorization
from core.runtime import Runtime

log = logging.getLogger(__name__)

FlowRow = TypeVar("FlowRow", Booking, BookingChange)


async def load_fresh(session: AsyncSession, model: type[FlowRow], row_id: str) -> FlowRow:
    """The flow's row as committed now (not as this session last saw it)."""
    row = await session.get(model, row_id, populate_existing=True)
    assert row is not None
    return row


async def advance(
    session: AsyncSession,
    model: type[Booking] | type[BookingChange],
    row_id: str,
    *,
    active: ColumnElement[bool],
    step_column: InstrumentedAttribute[Any],
    expected: str | None,
    step: str,
    now: datetime,
    **values: Any,
) -> bool:
    """Record ``step`` as the flow's recovery point if it is still ``active`` and at
    ``expected``; False when another run moved it first."""
    result = await session.execute(
        update(model)
        .where(model.id == row_id, active, step_column == expected)
        .values({step_column.key: step, "updated_at": now, **values})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def authorization_row(
    *,
    key: str,
    org_id: str,
    booking_id: str,
    gateway: str,
    auth: Authorization,
    amount_minor: int,
    now: datetime,
    purpose: str = "booking",
) -> dict[str, Any]:
    """The payment row of an authorization, declined or not, every column of
    :data:`PAYMENT_COLUMNS` set: what :func:`record_authorization` writes, and the saga's
    one-statement step on PostgreSQL (``core.booking.saga._AUTHORIZED``) binds."""
    return {
        "id": new_id("PAY"),
        "org_id": org_id,
        "booking_id": booking_id,
        "gateway": gateway,
        "provider_ref": None if auth.declined else auth.ref,
        "status": PaymentStatus.DECLINED if auth.declined else PaymentStatus.AUTHORIZED,
        "amount_minor": amount_minor,
        "captured_minor": 0,
        "refunded_minor": 0,
        "currency": auth.currency,
        "purpose": purpose,
        "idempotency_key": key,
        "decline_code": auth.decline_code,
        "created_at": now,
        "updated_at": now,
    }


#: The columns :func:`authorization_row` sets, in its order.
PAYMENT_COLUMNS = (
    "id", "org_id", "booking_id", "gateway", "provider_ref", "status", "amount_minor",
    "captured_minor", "refunded_minor", "currency", "purpose", "idempotency_key",
    "decline_code", "created_at", "updated_at",
)


async def record_authorization(session: AsyncSession, row: Mapping[str, Any]) -> Payment:
    """The payment row of an authorization (:func:`authorization_row`), once per key (a
    re-run finds the first).

    One ``INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING`` (issue 15: a
    read before the insert on every first run); the key's row is read only when the
    insert found one already there."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(Payment) if dialect == "postgresql" else sqlite.insert(Payment)
    payment: Payment | None = await session.scalar(
        insert.values(dict(row))
        .on_conflict_do_nothing(index_elements=[Payment.idempotency_key])
        .returning(Payment)
    )
    if payment is None:
        key = row["idempotency_key"]
        payment = await session.scalar(select(Payment).where(Payment.idempotency_key == key))
        assert payment is not None
    return payment


async def resume_stale(
    rt: Runtime,
    *,
    model: type[Booking] | type[BookingChange],
    active: ColumnElement[bool],
    attempts_column: InstrumentedAttribute[int],
    stale_after: timedelta,
    run: Callable[[Row[Any]], Awaitable[Any]],
    columns: Sequence[InstrumentedAttribute[Any]] = (),
    limit: int = 50,
    label: str = "",
) -> int:
    """The completer: resume every ``active`` flow untouched for ``stale_after``.

    ``run`` gets the row (``id``, ``updated_at`` and ``columns``). One stuck flow
    never stops the others. Returns how many ran without raising.
    """
    now = rt.clock.now()
    async with rt.db.uow(write=False) as session:
        rows = (
            await session.execute(
                select(model.id, *columns, model.updated_at)
                .where(active, model.updated_at <= now - stale_after)
                .order_by(model.updated_at)
                .limit(limit)
            )
        ).all()
    resumed = 0
    for row in rows:
        # Claim it: only one completer (or worker) resumes a given flow at a time.
        async with rt.db.uow() as session:
            claimed = await session.execute(
                update(model)
                .where(model.id == row.id, model.updated_at == row.updated_at)
                .values({"updated_at": now, attempts_column.key: attempts_column + 1})
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
        try:
            await run(row)
            resumed += 1
        except Exception as exc:  # one stuck flow must not stop the others
            log.warning("completer: %s%s still stuck: %s", label, row.id, exc)
    return resumed
