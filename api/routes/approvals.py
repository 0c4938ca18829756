"""Approvals: what waits on me, one workflow, decide.

Deciding runs under ``Idempotency-Key`` like every booking POST: the same key and
body replay the first answer (errors included), so a double-clicked "Approve" or a
retried Slack action never decides twice.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import CallerDep
from api.deps import IdempotencyKey, RuntimeDep
from api.problems import idempotent_response, problem_responses
from core.approval.service import approval_view, get_approval, list_approvals
from core.approval.views import ApprovalItemView, ApprovalView
from core.booking.on_approval import decide_approval
from core.idempotency import IdempotencyContext, run_idempotent
from core.models import StepStatus

router = APIRouter(
    prefix="/v1/approvals", tags=["approvals"], responses=problem_responses(401, 422, 500)
)

DECISION_SCOPE = "POST /v1/approvals/{id}/decision"

ApprovalId = Annotated[
    str, Path(min_length=1, max_length=40, description="Approval reference, e.g. `AP-7Q2M4X9K`.")
]


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Decision
    note: str = Field(
        default="",
        max_length=500,
        description="Why. Required to reject: the traveller is told.",
        examples=["Within the offsite budget."],
    )


class ListStatus(StrEnum):
    PENDING = "pending"
    ALL = "all"
    WAITING = StepStatus.WAITING.value
    ESCALATED = StepStatus.ESCALATED.value
    APPROVED = StepStatus.APPROVED.value
    REJECTED = StepStatus.REJECTED.value
    EXPIRED = StepStatus.EXPIRED.value
    SKIPPED = StepStatus.SKIPPED.value


class ApprovalListOut(BaseModel):
    approvals: list[ApprovalItemView]


@router.get("", summary="Approvals waiting on me", response_model=ApprovalListOut)
async def list_my_approvals(
    runtime: RuntimeDep,
    caller: CallerDep,
    status: Annotated[
        ListStatus,
        Query(
            description="`pending` (default): the steps waiting on you now; `all`; or a step status."
        ),
    ] = ListStatus.PENDING,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ApprovalListOut:
    """The approval steps assigned (or escalated) to the caller, with the trip summary
    (traveller, route, dates, total), the policy reasons and when each is due."""
    async with runtime.db.uow(write=False) as session:
        items = await list_approvals(session, caller, status=str(status.value), limit=limit)
    return ApprovalListOut(approvals=items)


@router.get(
    "/{approval_id}",
    summary="Get an approval workflow",
    response_model=ApprovalView,
    responses=problem_responses(404),
)
async def read_approval(
    approval_id: ApprovalId, runtime: RuntimeDep, caller: CallerDep
) -> ApprovalView:
    """A workflow the caller takes part in; anything else is 404 (its existence is not revealed)."""
    async with runtime.db.uow(write=False) as session:
        return await approval_view(session, await get_approval(session, caller, approval_id))


@router.post(
    "/{approval_id}/decision",
    summary="Approve or reject",
    response_model=ApprovalView,
    responses={
        200: {
            "description": "Decided. After the last approval the booking is confirmed and paid; "
            "after a rejection it is cancelled. Replays carry `Idempotent-Replayed: true`.",
            "headers": {"Idempotent-Replayed": {"schema": {"type": "string"}}},
        },
        **problem_responses(400, 403, 404, 409),
    },
)
async def decide(
    approval_id: ApprovalId,
    body: DecisionIn,
    runtime: RuntimeDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Decide the step of `approval_id` that waits on the caller.

    Only its approver (or the manager it was escalated to, or an admin) may decide:
    403 `FORBIDDEN` otherwise, 404 for another organization's approval. 409
    `APPROVAL_ALREADY_DECIDED` when deciding twice or losing to a concurrent decision,
    `APPROVAL_CLOSED` when the workflow is over, `APPROVAL_STEP_NOT_REACHED` before an
    earlier approver has decided. Requires `Idempotency-Key`.
    """

    async def handler(_ctx: IdempotencyContext) -> tuple[int, dict[str, Any]]:
        # decide_approval commits the decision, then runs the booking saga outside it.
        view = await decide_approval(
            runtime, caller, approval_id, decision=body.decision.value, note=body.note
        )
        return 200, view.model_dump(mode="json")

    result = await run_idempotent(
        runtime,
        caller,
        scope=DECISION_SCOPE,
        key=idempotency_key or None,
        payload={"approval_id": approval_id, **body.model_dump(mode="json")},
        handler=handler,
    )
    return idempotent_response(result)
