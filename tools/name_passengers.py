"""name_passengers: say who flies on a held booking's flights, one passenger per seat.

Moves no money and can be changed again until the booking is confirmed, so it runs
without a confirmation. Colleagues are named by user id (the traveller themselves, or
someone in the profile's can_book_for): the airline is given the legal names on file.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.booking.passengers import ItemPassengers, name_passengers
from core.idempotency import IdempotencyContext
from tools.base import Effect, ToolContext, ToolSpec, run_once
from tools.views import BookingOut, PassengerIn, own_booking_out


class NamePassengersInput(BaseModel):
    """Who flies on a held booking."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="The held booking.")
    passengers: list[PassengerIn] = Field(
        min_length=1, max_length=9, description="One per seat, the traveller first."
    )
    offer_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="Only this flight of the booking (default: every flight).",
    )


class NamePassengersOutput(BookingOut):
    message: str = Field(description="What happens next.")


async def run(ctx: ToolContext, data: NamePassengersInput) -> NamePassengersOutput:
    booking_id = data.booking_id.strip()
    named = [
        ItemPassengers(
            data.offer_id.strip() if data.offer_id else None,
            [p.spec() for p in data.passengers],
        )
    ]

    async def name(_idem: IdempotencyContext) -> NamePassengersOutput:
        async with ctx.rt.db.uow() as session:
            await name_passengers(session, ctx.caller, booking_id, named, now=ctx.rt.clock.now())
        async with ctx.rt.db.uow(write=False) as session:
            out = await own_booking_out(session, ctx.caller, booking_id)
        if out.unnamed_seats:
            message = f"{out.unnamed_seats} seat(s) still without a passenger."
        else:
            message = "Every seat is named. Confirm with the traveller, then call confirm_booking."
        return NamePassengersOutput(**out.model_dump(), message=message)

    return await run_once(ctx, "name_passengers", data, NamePassengersOutput, name)


TOOL: ToolSpec[NamePassengersInput, NamePassengersOutput] = ToolSpec(
    name="name_passengers",
    description=(
        "Name who flies on a held booking, one per seat: colleagues by traveler_id, guests "
        "by legal given_name and family_name. Needed before confirm_booking."
    ),
    input_model=NamePassengersInput,
    output_model=NamePassengersOutput,
    effect=Effect.WRITE,
    needs_confirmation=False,
    run=run,
)
