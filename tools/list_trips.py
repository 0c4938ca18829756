"""list_trips: the caller's bookings (managers: also their reports'), newest first."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.booking.service import list_bookings
from core.models import BookingStatus
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import BookingOut, MoneyOut, booking_out, segment_phrases

MAX_TRIPS = 20


class ListTripsInput(BaseModel):
    """List bookings the caller may see."""

    model_config = ConfigDict(extra="forbid")

    status: BookingStatus | None = Field(
        default=None,
        description="Only this status.",
    )
    limit: int = Field(default=10, ge=1, le=MAX_TRIPS, description="Max bookings.")


class TripOut(BaseModel):
    booking_id: str
    status: str
    traveler: str
    summary: str = Field(description="Flights and hotels in one line.")
    total: MoneyOut
    hold_expires_at: str | None = None
    approval_id: str | None = None


class ListTripsOutput(BaseModel):
    trips: list[TripOut]
    more: bool = Field(description="True when older bookings exist beyond this list.")


def summary_line(booking: BookingOut) -> str:
    """``BA 117 JFK→LHR Fri 18 Dec 08:05; London Grand, London 18–22 Dec``."""
    return "; ".join(segment_phrases(booking, detail=False))


async def run(ctx: ToolContext, data: ListTripsInput) -> ListTripsOutput:
    async with ctx.rt.db.uow(write=False) as session:
        rows, next_cursor = await list_bookings(
            session,
            ctx.caller,
            limit=data.limit,
            status=data.status.value if data.status is not None else None,
        )
        bookings = [await booking_out(session, row) for row in rows]
    return ListTripsOutput(
        trips=[
            TripOut(
                booking_id=b.booking_id,
                status=b.status,
                traveler=b.traveler,
                summary=summary_line(b),
                total=b.total,
                hold_expires_at=b.hold_expires_at,
                approval_id=b.approval_id,
            )
            for b in bookings
        ],
        more=next_cursor is not None,
    )


TOOL: ToolSpec[ListTripsInput, ListTripsOutput] = ToolSpec(
    name="list_trips",
    description="The caller's bookings (and their reports'), newest first.",
    input_model=ListTripsInput,
    output_model=ListTripsOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
