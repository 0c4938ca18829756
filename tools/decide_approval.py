"""decide_approval: approve or reject the approval step waiting on the caller.

Gated: the approver says yes to :func:`describe`'s line first. The core decides who
may decide (the step's approver, the manager it was escalated to, an admin); a
traveller approving their own trip gets ``Forbidden``, another organization's
approval is ``NotFound``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.approval.service import get_approval, trip_summary
from core.approval.views import ApprovalView
from core.booking.on_approval import decide_approval
from core.errors import NotFound
from core.idempotency import IdempotencyContext
from core.models import OPEN_STEP_STATUSES, ApprovalStatus, Booking
from core.money import Money
from tools.base import Effect, Offer, ToolContext, ToolSpec, run_once
from tools.views import MoneyOut, amount_text, trip_label


class DecideApprovalInput(BaseModel):
    """Approve or reject an approval request assigned to the caller."""

    model_config = ConfigDict(extra="forbid")

    approval_id: str = Field(min_length=1, max_length=40, description="From list_approvals.")
    decision: Literal["approve", "reject"] = Field(description="approve or reject.")
    note: str = Field(
        default="",
        max_length=500,
        description="The approver's reason; required to reject (the traveller sees it).",
    )


class DecideApprovalOutput(BaseModel):
    approval_id: str
    status: str = Field(
        description="pending (more approvers to go), approved, rejected or expired."
    )
    booking_id: str
    booking_status: str = Field(
        description="Where the booking got to (confirmed after the last approval)."
    )
    traveler: str
    amount: MoneyOut
    next_approver_role: str | None = Field(
        default=None, description="Whose turn it is now, if still pending."
    )
    message: str


def _outcome(view: ApprovalView) -> DecideApprovalOutput:
    booking = view.booking
    status = str(view.status)
    open_steps = [s for s in view.steps if s.status in OPEN_STEP_STATUSES]
    nxt = open_steps[0].role if view.status == ApprovalStatus.PENDING and open_steps else None
    traveler = booking.traveler.name or booking.traveler.id
    if view.status == ApprovalStatus.PENDING:
        message = f"Approved your step; it now waits on the {nxt}." if nxt else "Recorded."
    elif view.status == ApprovalStatus.APPROVED:
        message = f"Approved. {traveler}'s booking {booking.booking_id} is now {booking.status}."
    elif view.status == ApprovalStatus.REJECTED:
        message = f"Rejected. {traveler} is told; booking {booking.booking_id} is {booking.status}."
    else:
        message = f"The approval is {status}."
    return DecideApprovalOutput(
        approval_id=view.approval_id,
        status=status,
        booking_id=booking.booking_id,
        booking_status=str(booking.status),
        traveler=traveler,
        amount=view.amount,
        next_approver_role=nxt,
        message=message,
    )


async def run(ctx: ToolContext, data: DecideApprovalInput) -> DecideApprovalOutput:
    approval_id = data.approval_id.strip()

    async def decide(_idem: IdempotencyContext) -> DecideApprovalOutput:
        # decide_approval commits the decision, then runs the booking's saga outside it.
        view = await decide_approval(
            ctx.rt, ctx.caller, approval_id, decision=data.decision, note=data.note
        )
        return _outcome(view)

    return await run_once(ctx, "decide_approval", data, DecideApprovalOutput, decide)


async def describe(ctx: ToolContext, data: DecideApprovalInput) -> str:
    """``Approve Ava Adams's trip JFK→LHR 18–22 Dec, 6,120.00 USD?``"""
    async with ctx.rt.db.uow(write=False) as session:
        wf = await get_approval(session, ctx.caller, data.approval_id.strip())
        booking = await session.get(Booking, wf.booking_id)
        if booking is None:  # pragma: no cover - a workflow always has its booking
            raise NotFound(f"Approval {wf.id} not found")
        summary = await trip_summary(session, booking)
    what = "rebooking" if str(wf.subject) == "rebook" else "trip"
    name = summary.traveler.name or summary.traveler.id
    amount = amount_text(Money.of(wf.amount_minor, wf.currency))
    line = f"{data.decision.title()} {name}'s {what} {trip_label(summary)}, {amount}"
    if data.note.strip():
        line += f' (note: "{data.note.strip()}")'
    return line + "?"


TOOL: ToolSpec[DecideApprovalInput, DecideApprovalOutput] = ToolSpec(
    name="decide_approval",
    description=(
        "Approve or reject a request waiting on the caller (the last approval pays and "
        "confirms; a rejection cancels). Asks the approver first."
    ),
    input_model=DecideApprovalInput,
    output_model=DecideApprovalOutput,
    effect=Effect.WRITE,
    needs_confirmation=True,
    run=run,
    describe=describe,
    offer=Offer.TO_APPROVERS,
)
