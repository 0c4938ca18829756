"""Finance: reconciliation exceptions and finalized invoice lines.

Only finance, VP Finance and admins of the organization may read them (others:
403); another organization's exceptions are never visible (404 on resolve).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.finance import exception_view, invoice_lines, list_exceptions, require_finance
from core.finance import resolve_exception as resolve
from core.money import Money

router = APIRouter(
    prefix="/v1/finance", tags=["finance"], responses=problem_responses(401, 403, 422, 500)
)


class ExceptionOut(BaseModel):
    id: int
    kind: str
    source: str
    booking_id: str | None
    segment_id: str | None
    reference: str
    expected: Money | None
    actual: Money | None
    detail: str
    created_at: str
    resolved_at: str | None


class ExceptionListOut(BaseModel):
    exceptions: list[ExceptionOut]


class InvoiceLineOut(BaseModel):
    id: int
    booking_id: str
    segment_id: str
    kind: str
    description: str
    supplier: str | None
    locator: str | None
    amount: Money
    finalized_at: str


class InvoiceLineListOut(BaseModel):
    lines: list[InvoiceLineOut]


def _out(view: dict[str, Any]) -> ExceptionOut:
    currency = view["currency"]

    def money(minor: int | None) -> Money | None:
        return Money.of(minor, currency) if minor is not None and currency else None

    return ExceptionOut(
        id=view["id"],
        kind=view["kind"],
        source=view["source"],
        booking_id=view["booking_id"],
        segment_id=view["segment_id"],
        reference=view["reference"],
        expected=money(view["expected_minor"]),
        actual=money(view["actual_minor"]),
        detail=view["detail"],
        created_at=view["created_at"].isoformat(),
        resolved_at=view["resolved_at"].isoformat() if view["resolved_at"] else None,
    )


@router.get("/exceptions", summary="Reconciliation exceptions", response_model=ExceptionListOut)
async def get_exceptions(
    runtime: RuntimeDep,
    caller: CallerDep,
    status: Annotated[Literal["open", "resolved", "all"], Query()] = "open",
    kind: Annotated[str | None, Query(max_length=30)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ExceptionListOut:
    """Amount mismatches, unknown charges, disputes… newest first (open ones by default)."""
    async with runtime.db.uow(write=False) as session:
        rows = await list_exceptions(session, caller, status=status, kind=kind, limit=limit)
        return ExceptionListOut(exceptions=[_out(exception_view(r)) for r in rows])


@router.post(
    "/exceptions/{exception_id}/resolve",
    summary="Mark an exception handled",
    response_model=ExceptionOut,
    responses=problem_responses(404),
)
async def resolve_exception(
    runtime: RuntimeDep,
    caller: CallerDep,
    exception_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> ExceptionOut:
    """Idempotent: resolving again keeps the first resolution time."""
    async with runtime.db.uow() as session:
        row = await resolve(session, caller, exception_id, now=runtime.clock.now())
        return _out(exception_view(row))


@router.get("/invoice-lines", summary="Finalized invoice lines", response_model=InvoiceLineListOut)
async def get_invoice_lines(
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> InvoiceLineListOut:
    """Segments whose payment and supplier charge matched to the cent, newest first."""
    require_finance(caller)
    async with runtime.db.uow(write=False) as session:
        rows = await invoice_lines(session, caller.org_id, limit=limit)
        return InvoiceLineListOut(
            lines=[
                InvoiceLineOut(
                    id=r.id,
                    booking_id=r.booking_id,
                    segment_id=r.segment_id,
                    kind=r.kind,
                    description=r.description,
                    supplier=r.supplier,
                    locator=r.locator,
                    amount=Money.of(r.amount_minor, r.currency),
                    finalized_at=r.finalized_at.isoformat(),
                )
                for r in rows
            ]
        )
