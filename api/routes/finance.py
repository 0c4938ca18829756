"""Finance: reconciliation exceptions and finalized invoice lines.

Only finance, VP Finance and admins of the organization may read them (others:
403); another organization's exceptions are never visible (404 on resolve).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.finance import invoice_line_views, list_exceptions, require_finance
from core.finance import resolve_exception as resolve
from core.finance.views import ExceptionView, InvoiceLineView

router = APIRouter(
    prefix="/v1/finance", tags=["finance"], responses=problem_responses(401, 403, 422, 500)
)


class ExceptionListOut(BaseModel):
    exceptions: list[ExceptionView]


class InvoiceLineListOut(BaseModel):
    lines: list[InvoiceLineView]


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
        return ExceptionListOut(exceptions=[ExceptionView.of(r) for r in rows])


@router.post(
    "/exceptions/{exception_id}/resolve",
    summary="Mark an exception handled",
    response_model=ExceptionView,
    responses=problem_responses(404),
)
async def resolve_exception(
    runtime: RuntimeDep,
    caller: CallerDep,
    exception_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> ExceptionView:
    """Idempotent: resolving again keeps the first resolution time."""
    async with runtime.db.uow() as session:
        row = await resolve(session, caller, exception_id, now=runtime.clock.now())
        return ExceptionView.of(row)


@router.get("/invoice-lines", summary="Finalized invoice lines", response_model=InvoiceLineListOut)
async def get_invoice_lines(
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> InvoiceLineListOut:
    """Segments whose payment and supplier charge matched to the cent, newest first, each
    with its amount split as sold (base, taxes by code, fees) and the VAT in it."""
    require_finance(caller)
    async with runtime.db.uow(write=False) as session:
        return InvoiceLineListOut(
            lines=await invoice_line_views(session, caller.org_id, limit=limit)
        )
