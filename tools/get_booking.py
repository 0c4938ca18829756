"""get_booking: one booking in full (segments, verdict, hold expiry, approval)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.booking.service import get_booking
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import BookingOut, booking_out


class GetBookingInput(BaseModel):
    """Read one booking the caller may see."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(
        min_length=1, max_length=40, description="Booking reference, e.g. BK-7Q2M4X."
    )


class GetBookingOutput(BookingOut):
    pass


async def run(ctx: ToolContext, data: GetBookingInput) -> GetBookingOutput:
    async with ctx.rt.db.uow(write=False) as session:
        booking = await get_booking(session, ctx.caller, data.booking_id.strip())
        out = await booking_out(session, booking)
    return GetBookingOutput.model_validate(out.model_dump())


TOOL: ToolSpec[GetBookingInput, GetBookingOutput] = ToolSpec(
    name="get_booking",
    description=(
        "Read one booking: status, traveller, each flight and hotel (local times, cabin, "
        "supplier locator), total, policy verdict, hold expiry and approval id."
    ),
    input_model=GetBookingInput,
    output_model=GetBookingOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
