"""reserve: hold seats and rooms for one traveller, all or nothing, until the hold expires.

A hold moves no money, so it runs without a confirmation; paying is confirm_booking.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.booking.one_statement import refused_before_writing
from core.booking.service import ItemRequest, get_booking, hold_booking
from core.errors import CoreError, ValidationFailed
from core.idempotency import IdempotencyContext, stores_error
from core.search.offers import parse_offer_id
from tools.base import Effect, ToolContext, ToolSpec, last_run_replayed, run_once
from tools.views import (
    BookingOut,
    PassengerIn,
    booked_key,
    booking_out,
    role_list,
)


class ReserveItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_id: str = Field(min_length=1, max_length=80, description="From a search.")
    quantity: int = Field(default=1, ge=1, le=9, strict=True, description="Seats or rooms.")
    passengers: list[PassengerIn] | None = Field(
        default=None,
        min_length=1,
        max_length=9,
        description="Flights: who flies, one per seat, when known (else name them later "
        "with name_passengers; one seat unnamed is the traveller's).",
    )

    @field_validator("offer_id")
    @classmethod
    def _parses(cls, value: str) -> str:
        try:
            parse_offer_id(value)
        except ValidationFailed as exc:
            raise ValueError(f"{value!r} is not an offer id from a search") from exc
        return value.strip()


class ReserveInput(BaseModel):
    """Hold these offers together for one traveller."""

    model_config = ConfigDict(extra="forbid")

    items: list[ReserveItem] = Field(
        min_length=1,
        max_length=10,
        description="Every flight and hotel of the trip.",
    )
    traveler_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Only to book for someone in the profile's can_book_for.",
    )
    replaces: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description=(
            "A held booking (not yet confirmed) this hold takes the place of, when the "
            "traveller changes their pick: released in the same step."
        ),
    )


class ReserveOutput(BookingOut):
    message: str = Field(description="What happens next.")


def next_step(booking: BookingOut, replaced: str | None = None) -> str:
    released = f"{replaced} is released. " if replaced else ""
    if booking.unnamed_seats:
        seats = f"{booking.unnamed_seats} seat{'s' if booking.unnamed_seats > 1 else ''}"
        return (
            f"{released}Held until {booking.hold_expires_at}. {seats} still without a "
            "passenger: ask the traveller who flies (colleagues by name, guests by their "
            "legal given and family names) and call name_passengers before confirm_booking."
        )
    if booking.policy.approvals_required:
        return (
            f"{released}Held until {booking.hold_expires_at}. Confirming will send it for "
            f"approval by {role_list(booking.policy.approvals_required)} before anything is paid."
        )
    return (
        f"{released}Held until {booking.hold_expires_at}. Confirm with the traveller, then "
        "call confirm_booking."
    )


async def run(ctx: ToolContext, data: ReserveInput) -> ReserveOutput:
    items = [
        ItemRequest(
            offer_id=i.offer_id,
            # With passengers and no count, the count is theirs.
            quantity=len(i.passengers)
            if i.passengers is not None and "quantity" not in i.model_fields_set
            else i.quantity,
            passengers=[p.spec() for p in i.passengers] if i.passengers is not None else None,
        )
        for i in data.items
    ]
    replaces = data.replaces.strip() if data.replaces else None

    async def hold(idem: IdempotencyContext) -> ReserveOutput:
        refused: CoreError | None = None
        async with ctx.rt.db.uow() as session:
            if idem.resource_id is not None:
                # An earlier run with this key committed the hold and died before
                # answering: answer with that booking rather than holding twice.
                booking = await get_booking(session, ctx.caller, idem.resource_id)
                out = await booking_out(session, booking, ctx.caller)
                return ReserveOutput(**out.model_dump(), message=next_step(out, replaces))
            try:
                booking = await hold_booking(
                    ctx.rt, session, ctx.caller, items, data.traveler_id, replaces=replaces
                )
            except CoreError as exc:
                if not (refused_before_writing(session) and stores_error(exc)):
                    raise  # rolled back; run_idempotent stores or releases the key
                # Refused with nothing written (sold out, a moved price, red policy, a
                # cap): the refusal is stored as the call's answer in this transaction, one
                # COMMIT instead of a ROLLBACK and a transaction more (issue 15, as
                # POST /v1/bookings does).
                await idem.refuse(session, exc, now=ctx.rt.clock.now())
                refused = exc
            else:
                out = await booking_out(session, booking, ctx.caller, fresh=True)
                answer = ReserveOutput(**out.model_dump(), message=next_step(out, replaces))
                # The answer is stored with the hold, in its transaction (as POST /v1/bookings).
                await idem.finish(
                    session,
                    200,
                    answer.model_dump(mode="json"),
                    resource_id=booking.id,
                    now=ctx.rt.clock.now(),
                )
                return answer
        assert refused is not None
        raise refused  # committed with its stored answer

    answer = await run_once(ctx, "reserve", data, ReserveOutput, hold)
    if not last_run_replayed():
        # Committed with its hold: confirm_booking's question in this turn reads it here.
        ctx.remember(booked_key(answer.booking_id), answer)
    return answer


TOOL: ToolSpec[ReserveInput, ReserveOutput] = ToolSpec(
    name="reserve",
    description=(
        "Hold a trip's offers together (all or nothing; nothing paid; red refused). "
        "Returns the booking_id for confirm_booking. A changed pick replaces the earlier hold."
    ),
    input_model=ReserveInput,
    output_model=ReserveOutput,
    effect=Effect.WRITE,
    needs_confirmation=False,
    run=run,
)
