"""confirm_booking: pay for a held booking and book it with the suppliers (or send it for approval).

Gated: the graph pauses and the traveller says yes to :func:`describe`'s line first.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from core.approval.service import approvers_for
from core.booking.saga import confirm_booking
from core.booking.service import get_booking
from core.booking.views import BookingView
from core.errors import PassengerDetailsRequired
from core.idempotency import IdempotencyContext
from tools.base import Effect, Question, ToolContext, ToolSpec, run_once
from tools.views import (
    BookingOut,
    WaitingOnOut,
    amount_text,
    booked_key,
    booking_out,
    named_by,
    role_list,
    saga_booking_out,
    trip_phrase,
    view_out,
    waiting_out,
)


class ConfirmBookingInput(BaseModel):
    """Confirm (pay for) a held booking."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="The held booking.")
    purpose: str | None = Field(
        default=None,
        max_length=300,
        description="What the trip is for, in the traveller's words, when they said "
        "(the approver sees it with the request). Ask for it when the trip needs approval.",
    )


class ConfirmBookingOutput(BookingOut):
    message: str = Field(description="What happened, in a sentence for the traveller.")
    waiting_on: WaitingOnOut | None = Field(
        default=None,
        description="pending_approval only: whose decision it waits on now, by name (the "
        "traveller's approver, not the caller's).",
    )


def outcome(booking: BookingOut, waiting: WaitingOnOut | None = None) -> str:
    if booking.status == "confirmed":
        refs = ", ".join(
            f"{s.flight or s.hotel} {s.locator}" for s in booking.segments if s.locator
        )
        return f"Confirmed and paid ({amount_text(booking.total)}). References: {refs}."
    if booking.status == "pending_approval":
        who = (
            waiting.name
            if waiting is not None
            else role_list(booking.policy.approvals_required) or "an approver"
        )
        return (
            f"Sent for approval by {who}; nothing is paid yet. The seats and rooms stay held "
            f"until {booking.hold_expires_at}."
        )
    if booking.status in ("pending_confirmation", "confirming"):
        return "Paid and waiting for the supplier's answer; the booking will update shortly."
    return f"The booking is {booking.status}."


async def run(ctx: ToolContext, data: ConfirmBookingInput) -> ConfirmBookingOutput:
    booking_id = data.booking_id.strip()

    async def confirm(idem: IdempotencyContext) -> ConfirmBookingOutput:
        answered: list[ConfirmBookingOutput] = []

        async def answer(session: AsyncSession, view: BookingView) -> None:
            # The answer stored in the transaction that confirmed the booking and read its
            # view (issue 15): no transaction of its own after it, nor one for the names.
            out = await view_out(session, view, ctx.caller)
            waiting = await waiting_out(session, ctx.caller, out)
            result = ConfirmBookingOutput(
                **out.model_dump(), message=outcome(out, waiting), waiting_on=waiting
            )
            await idem.finish(session, 200, result.model_dump(mode="json"), now=ctx.rt.clock.now())
            answered.append(result)

        # The saga runs its own short transactions around the payment and supplier
        # calls (no transaction spans them) and keeps its own recovery points.
        try:
            view = await confirm_booking(
                ctx.rt,
                ctx.caller,
                booking_id,
                purpose=data.purpose,
                thread_id=ctx.thread_id,
                answer=answer,
            )
        except PassengerDetailsRequired as exc:
            # Nothing was paid or sent: what to do next, for the model.
            raise PassengerDetailsRequired(
                f"{exc.detail}. Nothing was paid. Ask the traveller who flies (a colleague "
                "without legal names on file adds them to their profile) and call "
                "name_passengers, then confirm_booking again.",
                **exc.extra,
            ) from None
        if answered:
            return answered[0]
        out = await saga_booking_out(ctx.rt, view, ctx.caller)
        waiting = None
        if out.status == "pending_approval":
            async with ctx.rt.db.uow(write=False) as session:
                waiting = await waiting_out(session, ctx.caller, out)
        return ConfirmBookingOutput(
            **out.model_dump(), message=outcome(out, waiting), waiting_on=waiting
        )

    return await run_once(ctx, "confirm_booking", data, ConfirmBookingOutput, confirm)


async def describe(ctx: ToolContext, data: ConfirmBookingInput) -> Question:
    """``Confirm BA 117 JFK→LHR Fri 18 Dec 08:05, economy, 1 passenger, 612.40 USD on the company card?``"""
    booking_id = data.booking_id.strip()
    # Held by reserve earlier in this turn: the view it answered with, not a second read.
    out = ctx.recall(booked_key(booking_id), BookingOut)
    named: dict[str, str] = {}
    if out is None or out.policy.approvals_required:
        # One read for what is not known yet: the booking, and who its approvers are.
        async with ctx.rt.db.uow(write=False) as session:
            if out is None:
                booking = await get_booking(session, ctx.caller, booking_id)
                out = await booking_out(session, booking, ctx.caller)
            if out.policy.approvals_required:
                named = await approvers_for(
                    session, ctx.caller, out.traveler_id, out.policy.approvals_required
                )
    someone_else = out.traveler_id != ctx.caller.user_id
    whose = f"{out.traveler}'s " if someone_else else ""
    line = f"Confirm {whose}{trip_phrase(out)}, {amount_text(out.total)} on the company card"
    if roles := out.policy.approvals_required:
        who = [named.get(r) or role_list([r]) for r in dict.fromkeys(roles)]
        line += f" (needs approval by {' and then '.join(who)} first)"
    return Question(
        line + "?",
        traveller=out.traveler if someone_else else None,
        needs_approval=bool(out.policy.approvals_required),
        refundable=all(s.refundable for s in out.segments) if out.segments else None,
        policy=out.policy.status,
        named=named_by(out.segments),
    )


TOOL: ToolSpec[ConfirmBookingInput, ConfirmBookingOutput] = ToolSpec(
    name="confirm_booking",
    description=(
        "Pay for a held booking, or send it for approval when the policy needs one. "
        "Asks the traveller first."
    ),
    input_model=ConfirmBookingInput,
    output_model=ConfirmBookingOutput,
    effect=Effect.WRITE,
    needs_confirmation=True,
    run=run,
    describe=describe,
)
