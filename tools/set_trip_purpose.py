"""set_trip_purpose: say what a trip is for; the approver sees it with the request.

Moves no money and changes nothing the traveller agreed to, so it runs without a
confirmation. Allowed while the trip is held or waits for approval; when it waits,
the approver it waits on is told.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.booking.purpose import PURPOSE_MAX, set_purpose
from core.idempotency import IdempotencyContext
from tools.base import Effect, ToolContext, ToolSpec, run_once


class SetTripPurposeInput(BaseModel):
    """What a held trip (or one waiting for approval) is for."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="The trip.")
    purpose: str = Field(
        min_length=1,
        max_length=PURPOSE_MAX,
        description="The traveller's own words: what the trip is for.",
    )


class SetTripPurposeOutput(BaseModel):
    booking_id: str
    status: str
    purpose: str
    message: str = Field(description="What happened, in a sentence for the traveller.")


async def run(ctx: ToolContext, data: SetTripPurposeInput) -> SetTripPurposeOutput:
    booking_id = data.booking_id.strip()

    async def record(_idem: IdempotencyContext) -> SetTripPurposeOutput:
        async with ctx.rt.db.uow() as session:
            booking = await set_purpose(
                session, ctx.caller, booking_id, data.purpose, now=ctx.rt.clock.now()
            )
            status, purpose = str(booking.status), str(booking.purpose)
        waiting = status == "pending_approval"
        message = (
            "Added to the approval request: the approver sees it."
            if waiting
            else "Noted: the approver will see it if the trip needs approval."
        )
        return SetTripPurposeOutput(
            booking_id=booking_id, status=status, purpose=purpose, message=message
        )

    return await run_once(ctx, "set_trip_purpose", data, SetTripPurposeOutput, record)


TOOL: ToolSpec[SetTripPurposeInput, SetTripPurposeOutput] = ToolSpec(
    name="set_trip_purpose",
    description=(
        "Record what a held trip, or one waiting for approval, is for (the traveller's "
        "words); the approver sees it. Ask for it when a trip needs approval."
    ),
    input_model=SetTripPurposeInput,
    output_model=SetTripPurposeOutput,
    effect=Effect.WRITE,
    needs_confirmation=False,
    run=run,
)
