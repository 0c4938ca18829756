"""get_booking: one booking in full, with rebooking suggestions when a flight is disrupted."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.booking.service import get_booking
from core.disruption.suggestions import list_suggestions
from core.views import iso_z
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import BookingOut, MoneyOut, PolicyOut, booked_key, booking_out

MAX_SUGGESTIONS = 5


class GetBookingInput(BaseModel):
    """Read one booking the caller may see."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="E.g. BK-7Q2M4X.")


class SuggestionOut(BaseModel):
    option: int
    offer_id: str = Field(description="Pass to rebook with the disruption's segment_id.")
    summary: str = Field(description="The alternative flight in a few words.")
    depart_at: str = Field(description="UTC departure.")
    stops: int
    total: MoneyOut
    fare_difference: MoneyOut = Field(description="Versus the disrupted flight (no change fee).")
    policy: PolicyOut
    needs_approval: bool
    seats_left: int


class GetBookingOutput(BookingOut):
    suggestions: list[SuggestionOut] = Field(
        default_factory=list,
        description="Alternatives for the disrupted flight, best first (only when disrupted).",
    )


async def run(ctx: ToolContext, data: GetBookingInput) -> GetBookingOutput:
    booking_id = data.booking_id.strip()
    # Read in this turn already, by a call that may see it (list_trips, reserve), and
    # nothing written since (the graph empties the memo before every write): answered
    # from there (issue 15: a read of the booking and its view). A disrupted one is read
    # again with its suggestions.
    known = ctx.recall(booked_key(booking_id), BookingOut)
    if known is not None and known.disruption is None:
        return GetBookingOutput(
            **known.model_dump(include=set(BookingOut.model_fields)), suggestions=[]
        )
    async with ctx.rt.db.uow(write=False) as session:
        booking = await get_booking(session, ctx.caller, booking_id)
        out = await booking_out(session, booking)
        found = (
            (await list_suggestions(session, ctx.caller, booking.id)).suggestions
            if out.disruption is not None
            else []
        )
    suggestions = [
        SuggestionOut(
            option=n,
            offer_id=s.offer_id,
            summary=s.summary,
            depart_at=iso_z(s.depart_at),
            stops=s.stops,
            total=s.total,
            fare_difference=s.fare_difference,
            policy=PolicyOut(
                status=str(s.policy.status),
                violations=list(s.policy.violations),
            ),
            needs_approval=s.needs_approval,
            seats_left=s.seats_left,
        )
        for n, s in enumerate(found[:MAX_SUGGESTIONS], start=1)
    ]
    return GetBookingOutput(**out.model_dump(), suggestions=suggestions)


TOOL: ToolSpec[GetBookingInput, GetBookingOutput] = ToolSpec(
    name="get_booking",
    description=(
        "One booking in full: segments, status, total, approval, refund and, after an "
        "airline disruption, rebooking suggestions (for rebook)."
    ),
    input_model=GetBookingInput,
    output_model=GetBookingOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
