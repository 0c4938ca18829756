"""list_trips: the caller's bookings (managers: also their reports'), newest first."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from core.booking.service import list_bookings
from core.models import BookingStatus
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import (
    BookingOut,
    MoneyOut,
    booked_key,
    bookings_out,
    city_of,
    segment_phrases,
)

MAX_TRIPS = 20


class ListTripsInput(BaseModel):
    """List bookings the caller may see."""

    model_config = ConfigDict(extra="forbid")

    status: BookingStatus | None = Field(
        default=None,
        description="Only this status.",
    )
    limit: int = Field(default=10, ge=1, le=MAX_TRIPS, strict=True, description="Max bookings.")


class TripLegOut(BaseModel):
    kind: str = Field(description="flight or hotel.")
    what: str = Field(description="The flight (BA 117 JFK→LHR) or the hotel and its city.")
    starts: str = Field(
        description="Departure, or check-in from: local time there, with its UTC offset."
    )
    ends: str = Field(
        description="Arrival, or check-out by: local time there, with its UTC offset."
    )


class TripOut(BaseModel):
    booking_id: str
    status: str
    traveler: str
    summary: str = Field(description="Flights and hotels in one line.")
    origin: str | None = Field(default=None, description="City the trip starts from.")
    places: list[str] = Field(
        default_factory=list, description="Cities the trip goes to (not where it starts)."
    )
    flights: list[str] = Field(default_factory=list, description="Flight numbers, e.g. BA 117.")
    legs: list[TripLegOut] = Field(
        default_factory=list,
        description="The trip's flights and hotel stays in the order they happen, in local times.",
    )
    start: str | None = Field(default=None, description="First day (local date).")
    end: str | None = Field(default=None, description="Last day (local date).")
    total: MoneyOut
    hold_expires_at: str | None = None
    approval_id: str | None = None
    view_only: bool | None = Field(
        default=None,
        description="True: the caller may see this trip but not cancel, move or change it "
        "(their role acts for their own trips only); absent when they may.",
    )


class ListTripsOutput(BaseModel):
    trips: list[TripOut]
    more: bool = Field(description="True when older bookings exist beyond this list.")


def trip_origin(booking: BookingOut) -> str | None:
    """The city a trip starts from: its first flight's (None for a hotel alone)."""
    flights = [s for s in booking.segments if s.kind == "flight" and s.origin and s.destination]
    return city_of(flights[0].origin) if flights and flights[0].origin else None


def trip_places(booking: BookingOut) -> list[str]:
    """The cities a trip goes to, in order: flight destinations other than the city the
    trip starts from, and hotel cities (``["London"]`` for JFK→LHR, LHR→JFK + a hotel)."""
    home = trip_origin(booking)
    places: list[str] = []
    for seg in booking.segments:
        if seg.kind == "flight" and seg.destination:
            city = city_of(seg.destination)
        else:
            city = seg.city or ""
        if city and city != home and city not in places:
            places.append(city)
    return places


def trip_days(booking: BookingOut) -> tuple[str | None, str | None]:
    """First and last local dates of a trip (departures, arrivals, check-in and -out)."""
    days = [
        day[:10]
        for seg in booking.segments
        for day in (seg.depart, seg.arrive, seg.check_in, seg.check_out)
        if day
    ]
    return (min(days), max(days)) if days else (None, None)


def trip_legs(booking: BookingOut) -> list[TripLegOut]:
    """Flights and stays together, in the order they happen, each on its place's clock."""
    legs: list[TripLegOut] = []
    for seg in booking.segments:
        if seg.kind == "flight" and seg.depart and seg.arrive:
            what = f"{seg.flight} {seg.origin}→{seg.destination}"
            legs.append(TripLegOut(kind="flight", what=what, starts=seg.depart, ends=seg.arrive))
        elif seg.check_in_from and seg.check_out_by:
            what = f"{seg.hotel}, {seg.city}"
            legs.append(
                TripLegOut(kind="hotel", what=what, starts=seg.check_in_from, ends=seg.check_out_by)
            )
    # The same instant: the flight that lands first, then the stay it leads to.
    return sorted(legs, key=lambda leg: (dt.datetime.fromisoformat(leg.starts), leg.kind))


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
        bookings = await bookings_out(session, rows, ctx.caller)
    for b in bookings:
        # A question about one of them in this turn ("what time does my flight leave?":
        # get_booking next) takes it from here instead of reading it again (issue 15).
        ctx.remember(booked_key(b.booking_id), b)
    return ListTripsOutput(
        trips=[
            TripOut(
                booking_id=b.booking_id,
                status=b.status,
                traveler=b.traveler,
                summary=summary_line(b),
                origin=trip_origin(b),
                places=trip_places(b),
                flights=[s.flight for s in b.segments if s.flight],
                legs=trip_legs(b),
                start=trip_days(b)[0],
                end=trip_days(b)[1],
                total=b.total,
                hold_expires_at=b.hold_expires_at,
                approval_id=b.approval_id,
                view_only=b.view_only,
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
