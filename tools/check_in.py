"""check_in: check in every passenger of a confirmed booking's flight and issue their
boarding passes.

Moves no money and undoes nothing, and the airline's own online check-in asks no more
than "check me in", so it runs without a confirmation. Passengers without a seat get one
by their seat preference; the passes are e-mailed too.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.checkin.flow import check_in_flight
from core.checkin.service import next_flight_to_check_in
from core.idempotency import IdempotencyContext
from tools.base import Effect, Offer, ToolContext, ToolSpec, run_once
from tools.views import BoardingPassOut, boarding_pass_out


class CheckInInput(BaseModel):
    """Which booking's flight to check in."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="A confirmed booking.")
    segment_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="One flight segment of it (default: its next flight still to check in).",
    )


class CheckInOutput(BaseModel):
    booking_id: str
    segment_id: str
    boarding_passes: list[BoardingPassOut] = Field(description="One per passenger of the flight.")
    message: str


async def run(ctx: ToolContext, data: CheckInInput) -> CheckInOutput:
    booking_id = data.booking_id.strip()

    async def check(_idem: IdempotencyContext) -> CheckInOutput:
        segment_id = data.segment_id.strip() if data.segment_id else None
        if segment_id is None:
            async with ctx.rt.db.uow(write=False) as session:
                segment_id = await next_flight_to_check_in(
                    session, ctx.caller, booking_id, now=ctx.rt.clock.now(),
                    settings=ctx.rt.settings,
                )
        view = await check_in_flight(ctx.rt, ctx.caller, booking_id, segment_id)
        passes = [boarding_pass_out(p) for p in view.boarding_passes]
        return CheckInOutput(
            booking_id=view.booking_id,
            segment_id=view.segment_id,
            boarding_passes=passes,
            message="Checked in; the boarding passes are e-mailed and shown by get_boarding_pass.",
        )

    return await run_once(ctx, "check_in", data, CheckInOutput, check)


TOOL: ToolSpec[CheckInInput, CheckInOutput] = ToolSpec(
    name="check_in",
    description=(
        "Check in the passengers of a confirmed booking's flight (its next one by default) "
        "and issue boarding passes. Open from 24 h to 60 min before departure "
        "(CHECKIN_NOT_OPEN / CHECKIN_CLOSED say when); a flight abroad needs each "
        "passenger's passport in their profile (DOCUMENTS_REQUIRED names who)."
    ),
    input_model=CheckInInput,
    output_model=CheckInOutput,
    effect=Effect.WRITE,
    needs_confirmation=False,
    # Check-in exists only for confirmed flights (161 prompt tokens a call for a traveller
    # with none; issue 10's token figure). get_boarding_pass stays: "where do I get my
    # boarding pass" is answered from it.
    offer=Offer.WITH_CONFIRMED_TRIPS,
    run=run,
)
