"""buy_seats: seats with a fee (extra legroom) on a confirmed booking, charged at once.

Gated: it moves money, so the traveller says yes to :func:`describe`'s line (the seats
and what they cost) first. The core authorizes the fee with its own key, seats the
passengers, then captures (``core.booking.seat_purchase``); a seat taken meanwhile
charges nothing. On a held booking the fee is added by ``choose_seats`` instead
(``accept_fees``) and paid with ``confirm_booking``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.booking.seat_purchase import choose_or_buy_seats
from core.booking.seats import SeatChoice, quote_seats
from core.errors import ValidationFailed
from core.idempotency import IdempotencyContext
from core.money import Money
from tools.base import Effect, Offer, ToolContext, ToolSpec, run_once
from tools.choose_seats import new_passes, passes_of, reissued_text
from tools.views import (
    BoardingPassOut,
    BookingOut,
    amount_text,
    own_booking_out,
    trip_phrase,
)


class SeatToBuyIn(BaseModel):
    """One passenger's seat by number."""

    model_config = ConfigDict(extra="forbid")

    passenger_id: str = Field(min_length=1, max_length=40, description="From the booking.")
    segment_id: str | None = Field(
        default=None, min_length=1, max_length=40,
        description="The flight segment (default: the booking's first flight).",
    )
    seat: str = Field(min_length=1, max_length=8, description="E.g. 8A.")


class BuySeatsInput(BaseModel):
    """Seats with a fee for passengers of one confirmed booking."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="A confirmed booking.")
    assignments: list[SeatToBuyIn] = Field(min_length=1, max_length=36)


class BuySeatsOutput(BookingOut):
    charged: Money | None = Field(default=None, description="What the seats cost, charged now.")
    new_boarding_passes: list[BoardingPassOut] | None = Field(
        default=None, description="Passes issued again with the new seats (checked in already)."
    )
    message: str


async def _choices(ctx: ToolContext, data: BuySeatsInput) -> tuple[str, list[SeatChoice]]:
    booking_id = data.booking_id.strip()
    async with ctx.rt.db.uow(write=False) as session:
        out = await own_booking_out(session, ctx.caller, booking_id)
    flights = [s.segment_id for s in out.segments if s.kind == "flight" and s.status == "booked"]
    if not flights:
        raise ValidationFailed(f"Booking {out.booking_id} has no booked flight", field="booking_id")
    return out.booking_id, [
        SeatChoice((a.segment_id or flights[0]).strip(), a.passenger_id.strip(), a.seat)
        for a in data.assignments
    ]


async def run(ctx: ToolContext, data: BuySeatsInput) -> BuySeatsOutput:
    async def buy(_idem: IdempotencyContext) -> BuySeatsOutput:
        booking_id, choices = await _choices(ctx, data)
        async with ctx.rt.db.uow(write=False) as session:
            before = await passes_of(
                ctx, session, await own_booking_out(session, ctx.caller, booking_id)
            )
        chosen = await choose_or_buy_seats(
            ctx.rt, ctx.caller, booking_id, choices, accept_fees=True
        )
        async with ctx.rt.db.uow(write=False) as session:
            out = await own_booking_out(session, ctx.caller, booking_id)
            reissued = await new_passes(ctx, session, out, before)
        seats = ", ".join(c.seat.strip().upper() for c in choices)
        charged = Money.of(chosen.charged_minor, out.total.currency) if chosen.charged_minor else None
        message = (
            f"Seats {seats} are yours; {amount_text(charged)} was charged to the company card."
            if charged is not None
            else f"Seats {seats} are yours; nothing was charged."
        )
        return BuySeatsOutput(
            **out.model_dump(), charged=charged, new_boarding_passes=reissued,
            message=message + reissued_text(reissued),
        )

    return await run_once(ctx, "buy_seats", data, BuySeatsOutput, buy)


async def describe(ctx: ToolContext, data: BuySeatsInput) -> str:
    """``Buy seat 8A on BK-… (BA 117 …) for 85.00 USD, charged to the company card now?``"""
    booking_id, choices = await _choices(ctx, data)
    # The quote checks as the purchase will (the booking row-locked, expired holds given
    # back where they block a seat), then undoes it: not a read-only unit.
    async with ctx.rt.db.dry_run() as session:
        quote = await quote_seats(session, ctx.caller, booking_id, choices, now=ctx.rt.clock.now())
        out = await own_booking_out(session, ctx.caller, booking_id)
    seats = ", ".join(f.seat for f in quote.fees) or ", ".join(c.seat for c in choices)
    plural = "s" if len(quote.fees) > 1 else ""
    if not quote.fees:
        return f"Seat{plural} {seats} on {out.booking_id} ({trip_phrase(out)}) — no fee?"
    cost = amount_text(Money.of(quote.total_minor, quote.fees[0].currency))
    return (
        f"Buy seat{plural} {seats} on {out.booking_id} ({trip_phrase(out)}) for {cost}, "
        "charged to the company card now?"
    )


TOOL: ToolSpec[BuySeatsInput, BuySeatsOutput] = ToolSpec(
    name="buy_seats",
    description=(
        "Buy seats with a fee (extra legroom) on a CONFIRMED booking: the fee is charged "
        "to the company card at once. Asks the traveller first. Held bookings: "
        "choose_seats with accept_fees instead."
    ),
    input_model=BuySeatsInput,
    output_model=BuySeatsOutput,
    effect=Effect.WRITE,
    needs_confirmation=True,
    run=run,
    describe=describe,
    offer=Offer.WITH_CONFIRMED_TRIPS,
)
