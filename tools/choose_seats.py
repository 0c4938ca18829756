"""choose_seats: seat passengers on a booking's flights, by seat number or by position.

Moves no money itself, so it runs without a confirmation, on a held or a confirmed
booking alike: a seat with a fee (extra legroom) is SEAT_REQUIRES_PAYMENT unless the
traveller agreed to it (``accept_fees``), and then only on a held booking, whose total
grows by the fee — paid through confirm_booking, which asks the human first. All seats
or none; a seat somebody has is SEAT_TAKEN naming it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.seats import (
    SeatChoice,
    SeatWish,
    choose_seats,
    choose_seats_by_position,
)
from core.catalogue.aircraft import SeatPosition
from core.checkin.service import list_boarding_passes
from core.errors import ValidationFailed
from core.idempotency import IdempotencyContext
from tools.base import Effect, ToolContext, ToolSpec, run_once
from tools.views import BoardingPassOut, BookingOut, boarding_pass_out, own_booking_out


class SeatAssignmentIn(BaseModel):
    """One passenger's seat: a seat number, or a position to pick a free one."""

    model_config = ConfigDict(extra="forbid")

    passenger_id: str = Field(min_length=1, max_length=40, description="From the booking.")
    segment_id: str | None = Field(
        default=None, min_length=1, max_length=40,
        description="The flight segment (default: every flight of the booking).",
    )
    seat: str | None = Field(default=None, min_length=1, max_length=8, description="E.g. 12C.")
    position: Literal["window", "aisle", "middle", "any"] | None = Field(
        default=None,
        description="Instead of seat: a free window / aisle / middle seat beside the party.",
    )

    @model_validator(mode="after")
    def _one(self) -> SeatAssignmentIn:
        if (self.seat is None) == (self.position is None):
            raise ValueError("give seat or position")
        return self


class ChooseSeatsInput(BaseModel):
    """Seats for passengers of one booking."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="A held or confirmed booking.")
    assignments: list[SeatAssignmentIn] = Field(
        min_length=1, max_length=36, description="One per passenger (and flight)."
    )
    accept_fees: bool = Field(
        default=False,
        description="The traveller agreed to the extra-legroom fee: added to a held booking's "
        "total, paid at confirmation. Never without their yes.",
    )


class SeatChosenOut(BaseModel):
    segment_id: str
    passenger_id: str
    seat: str


class ChooseSeatsOutput(BookingOut):
    seats: list[SeatChosenOut] = Field(description="The seats chosen by this call.")
    new_boarding_passes: list[BoardingPassOut] | None = Field(
        default=None,
        description="Passengers already checked in: their passes issued again with the new "
        "seat (the old ones no longer valid).",
    )
    message: str


async def passes_of(ctx: ToolContext, session: AsyncSession, booking: BookingOut) -> set[str]:
    """The current boarding pass ids of a confirmed booking (none before it is paid)."""
    if booking.status != "confirmed":
        return set()
    return {
        p.pass_id
        for p in await list_boarding_passes(
            session, ctx.caller, now=ctx.rt.clock.now(), settings=ctx.rt.settings,
            booking_id=booking.booking_id,
        )
    }


async def new_passes(
    ctx: ToolContext, session: AsyncSession, booking: BookingOut, before: set[str]
) -> list[BoardingPassOut] | None:
    """The passes a seat change issued again (those not current ``before`` it)."""
    if booking.status != "confirmed" or not before:
        return None
    fresh = [
        boarding_pass_out(p)
        for p in await list_boarding_passes(
            session, ctx.caller, now=ctx.rt.clock.now(), settings=ctx.rt.settings,
            booking_id=booking.booking_id,
        )
        if p.pass_id not in before
    ]
    return fresh or None


def reissued_text(passes: list[BoardingPassOut] | None) -> str:
    if not passes:
        return ""
    return " " + " ".join(
        f"New boarding pass for {p.passenger} on {p.flight}, seat {p.seat} ({p.pass_id}); "
        "the old one is no longer valid." for p in passes
    )


def _segments(booking: BookingOut, given: str | None) -> list[str]:
    flights = [s.segment_id for s in booking.segments if s.kind == "flight"
               and s.status in ("held", "booked")]
    if given is not None:
        return [given.strip()]
    if not flights:
        raise ValidationFailed(f"Booking {booking.booking_id} has no flight to seat",
                               field="assignments")
    return flights


async def run(ctx: ToolContext, data: ChooseSeatsInput) -> ChooseSeatsOutput:
    booking_id = data.booking_id.strip()

    async def choose(_idem: IdempotencyContext) -> ChooseSeatsOutput:
        async with ctx.rt.db.uow() as session:
            before = await own_booking_out(session, ctx.caller, booking_id)
            passes_before = await passes_of(ctx, session, before)
            numbered: list[SeatChoice] = []
            wishes: list[SeatWish] = []
            for a in data.assignments:
                for segment_id in _segments(before, a.segment_id):
                    if a.seat is not None:
                        numbered.append(SeatChoice(segment_id, a.passenger_id.strip(), a.seat))
                    else:
                        position = None if a.position == "any" else SeatPosition(str(a.position))
                        wishes.append(SeatWish(segment_id, a.passenger_id.strip(), position))
            now = ctx.rt.clock.now()
            if numbered and wishes:
                raise ValidationFailed("Give seat numbers or positions in one call, not both",
                                       field="assignments")
            if numbered:
                await choose_seats(
                    session, ctx.caller, booking_id, numbered, now=now,
                    accept_fees=data.accept_fees,
                )
                chosen = numbered
            else:
                chosen = await choose_seats_by_position(
                    session, ctx.caller, booking_id, wishes, now=now
                )
        async with ctx.rt.db.uow(write=False) as session:
            out = await own_booking_out(session, ctx.caller, booking_id)
            reissued = await new_passes(ctx, session, out, passes_before)
        seats = [SeatChosenOut(segment_id=c.segment_id, passenger_id=c.passenger_id,
                               seat=c.seat.strip().upper()) for c in chosen]
        return ChooseSeatsOutput(
            **out.model_dump(), seats=seats, new_boarding_passes=reissued,
            message="Seats chosen: " + ", ".join(s.seat for s in seats) + "."
            + reissued_text(reissued),
        )

    return await run_once(ctx, "choose_seats", data, ChooseSeatsOutput, choose)


TOOL: ToolSpec[ChooseSeatsInput, ChooseSeatsOutput] = ToolSpec(
    name="choose_seats",
    description=(
        "Choose seats on a held or confirmed booking: per passenger_id a seat number (12C) "
        "or a position (window / aisle / middle / any: a free one, the party together). All or none; "
        "a taken seat is SEAT_TAKEN, a seat with a fee SEAT_REQUIRES_PAYMENT unless "
        "accept_fees (held bookings; paid at confirmation)."
    ),
    input_model=ChooseSeatsInput,
    output_model=ChooseSeatsOutput,
    effect=Effect.WRITE,
    needs_confirmation=False,
    run=run,
)
