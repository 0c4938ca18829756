"""list_approvals: the approval requests waiting on the caller (managers, VP Finance, executives)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.approval.service import list_approvals
from core.views import iso_z
from tools.base import Effect, Offer, ToolContext, ToolSpec
from tools.views import MoneyOut, trip_label

MAX_APPROVALS = 20


class ListApprovalsInput(BaseModel):
    """Approval requests assigned to the caller."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["pending", "all", "approved", "rejected", "escalated", "expired"] = Field(
        default="pending",
        description="pending: waiting on the caller now; all: every one.",
    )
    limit: int = Field(default=10, ge=1, le=MAX_APPROVALS, strict=True, description="Max requests.")


class ApprovalItem(BaseModel):
    approval_id: str = Field(description="Pass to decide_approval.")
    status: str = Field(description="The request: pending, approved, rejected, expired, cancelled.")
    what: str = Field(description="booking (a new trip) or rebook (a change).")
    booking_id: str
    traveler: str
    trip: str = Field(description="Route and dates.")
    hotels: list[str] = Field(default_factory=list)
    amount: MoneyOut
    reasons: list[str] = Field(description="Why approval is needed.")
    your_role: str = Field(description="The role the caller approves as.")
    your_step: str = Field(description="pending / escalated (your turn), approved, rejected ...")
    due_at: str | None = Field(default=None, description="When your decision is due (UTC).")
    deadline: str | None = Field(default=None, description="When the request expires (UTC).")


class ListApprovalsOutput(BaseModel):
    approvals: list[ApprovalItem]


async def run(ctx: ToolContext, data: ListApprovalsInput) -> ListApprovalsOutput:
    async with ctx.rt.db.uow(write=False) as session:
        items = await list_approvals(session, ctx.caller, status=data.status, limit=data.limit)
    return ListApprovalsOutput(
        approvals=[
            ApprovalItem(
                approval_id=item.approval_id,
                status=str(item.status),
                what=str(item.subject),
                booking_id=item.booking.booking_id,
                traveler=item.booking.traveler.name or item.booking.traveler.id,
                trip=trip_label(item.booking),
                hotels=list(item.booking.hotels),
                amount=item.amount,
                reasons=list(item.reasons),
                your_role=item.step.role,
                your_step=str(item.step.status),
                due_at=None if item.due_at is None else iso_z(item.due_at),
                deadline=iso_z(item.deadline),
            )
            for item in items
        ]
    )


TOOL: ToolSpec[ListApprovalsInput, ListApprovalsOutput] = ToolSpec(
    name="list_approvals",
    description="Approval requests waiting on the caller (or decided by them).",
    input_model=ListApprovalsInput,
    output_model=ListApprovalsOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
    # Offered to everyone: "is anything waiting for my approval?" from a traveller is
    # answered from the (empty) list, not guessed; decide_approval stays with approvers.
    offer=Offer.ALWAYS,
)
