"""cancel_booking: cancel a booking, with the refund its fare rules allow.

Gated: the traveller says yes to :func:`describe`'s line (which quotes the refund)
first. The core decides what is refundable; this tool only reports it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.booking.cancel import cancel_booking, quote_refund
from core.booking.service import get_booking
from core.idempotency import IdempotencyContext
from core.models import BookingStatus
from core.money import Money
from tools.base import Effect, Question, ToolContext, ToolSpec, run_once
from tools.views import (
    BookingOut,
    amount_text,
    booking_out,
    named_by,
    saga_booking_out,
    trip_phrase,
)

UNPAID = (BookingStatus.HELD, BookingStatus.PENDING_APPROVAL)


class CancelBookingInput(BaseModel):
    """Cancel one booking the caller may see."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="The booking.")
    reason: str = Field(default="", max_length=500, description="Why, in the traveller's words.")


class CancelBookingOutput(BookingOut):
    message: str = Field(description="What happened, for the traveller.")


def _outcome(out: BookingOut) -> str:
    if out.status != "cancelled":
        return f"Booking {out.booking_id} is {out.status}."
    if out.refund is not None:
        due = amount_text(out.refund.due)
        if out.refund.status == "refunded":
            return f"Cancelled; {due} has been refunded to the company card."
        return f"Cancelled; {due} will be refunded to the company card."
    if any(segment.locator for segment in out.segments):
        # Booked with the suppliers, so it was paid; the fare rules left nothing to return.
        return f"Cancelled {out.booking_id}; under the fare rules nothing is refunded."
    return f"Cancelled {out.booking_id}; nothing was paid, the seats and rooms are released."


async def run(ctx: ToolContext, data: CancelBookingInput) -> CancelBookingOutput:
    booking_id = data.booking_id.strip()

    async def cancel(_idem: IdempotencyContext) -> CancelBookingOutput:
        # The core commits the decision, then cancels at the suppliers and refunds with
        # its own keys outside that transaction (a completer finishes it after a crash).
        view = await cancel_booking(ctx.rt, ctx.caller, booking_id, reason=data.reason.strip())
        out = await saga_booking_out(ctx.rt, view, ctx.caller)
        return CancelBookingOutput(**out.model_dump(), message=_outcome(out))

    return await run_once(ctx, "cancel_booking", data, CancelBookingOutput, cancel)


async def describe(ctx: ToolContext, data: CancelBookingInput) -> Question:
    """``Cancel BK-… (BA 117 …) — refund 412.00 USD, 200.00 USD kept under the fare rules?``,
    with what it cancels (places, dates, kinds: "yes, cancel the Boston flight")."""
    async with ctx.rt.db.uow(write=False) as session:
        booking = await get_booking(session, ctx.caller, data.booking_id.strip())
        out = await booking_out(session, booking, ctx.caller)
        quote = (
            None
            if booking.status in UNPAID
            else await quote_refund(session, booking, now=ctx.rt.clock.now())
        )
    line = f"Cancel {out.booking_id} ({trip_phrase(out)})"
    if quote is None:
        line += " — nothing has been paid, the hold is released?"
    else:
        refund = amount_text(Money.of(quote.refund_minor, booking.currency))
        if quote.kept_minor > 0:
            kept = amount_text(Money.of(quote.kept_minor, booking.currency))
            line += f" — refund {refund}, {kept} kept under the fare rules?"
        else:
            line += f" — full refund of {refund}?"
    return Question(line, named=named_by(out.segments))


TOOL: ToolSpec[CancelBookingInput, CancelBookingOutput] = ToolSpec(
    name="cancel_booking",
    description=(
        "Cancel a booking: a hold is released, a paid one refunded as its fare rules allow. "
        "Asks the traveller first."
    ),
    input_model=CancelBookingInput,
    output_model=CancelBookingOutput,
    effect=Effect.WRITE,
    needs_confirmation=True,
    run=run,
    describe=describe,
)
