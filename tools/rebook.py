"""rebook: move one flight of a confirmed booking onto another flight offer.

Gated: the traveller says yes to :func:`describe`'s line (fare difference and change
fee) first. The core prices the change, asks for approval when the new flight is
amber or dearer, and runs the change as a saga; this tool reports where it got to.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from core.booking.rebook import rebook_booking
from core.booking.service import get_booking
from core.disruption.waiver import waiving_disruption
from core.errors import NotFound, ValidationFailed
from core.idempotency import IdempotencyContext
from core.models import ChangeKind, Segment
from core.money import Money
from core.search.flights import load_flight_offer
from core.search.offers import FlightOfferRef, parse_offer_id
from tools.base import Effect, Offer, Question, ToolContext, ToolSpec, run_once
from tools.views import (
    BookingOut,
    amount_text,
    booking_out,
    named_by,
    saga_booking_out,
    spoken_time,
)


class RebookInput(BaseModel):
    """Replace one flight of a confirmed booking."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="The confirmed booking.")
    segment_id: str = Field(
        min_length=1,
        max_length=40,
        description="The flight segment to replace (from get_booking).",
    )
    offer_id: str = Field(
        min_length=1,
        max_length=80,
        description="The new flight: from search_flights or get_booking's suggestions.",
    )


class ChangeOut(BaseModel):
    status: str = Field(description="done, running, pending_approval, failed or rejected.")
    charge: Money = Field(description="Charged to the company card (fare difference plus fee).")
    refund: Money = Field(description="Given back when the new flight is cheaper.")
    change_fee: Money
    approval_id: str | None = None
    failure_reason: str | None = None


class RebookOutput(BookingOut):
    change: ChangeOut | None = Field(default=None, description="This change.")
    message: str


def _outcome(out: BookingOut, change: ChangeOut | None) -> str:
    if change is None:
        return f"Booking {out.booking_id} is {out.status}."
    if change.status == "pending_approval":
        return (
            "The change waits for approval; the current flight stays booked meanwhile "
            f"(approval {change.approval_id})."
        )
    if change.status == "done":
        charged = change.charge.minor()
        refunded = change.refund.minor()
        money = (
            f"{amount_text(change.charge)} charged"
            if charged
            else f"{amount_text(change.refund)} refunded"
            if refunded
            else "no fare difference"
        )
        return f"Changed; {money}. The booking is {out.status}."
    if change.status in ("failed", "rejected"):
        return f"The change did not go through ({change.failure_reason or change.status}); the booking is unchanged."
    return "The change is in progress; the booking will update shortly."


async def run(ctx: ToolContext, data: RebookInput) -> RebookOutput:
    booking_id = data.booking_id.strip()

    async def change(_idem: IdempotencyContext) -> RebookOutput:
        view = await rebook_booking(
            ctx.rt, ctx.caller, booking_id, data.segment_id.strip(), data.offer_id.strip()
        )
        out = await saga_booking_out(ctx.rt, view, ctx.caller)
        rebooks = [c for c in view.changes if c.kind == ChangeKind.REBOOK]
        latest = rebooks[-1] if rebooks else None
        this = (
            ChangeOut(
                status=str(latest.status),
                charge=latest.charge,
                refund=latest.refund,
                change_fee=latest.change_fee,
                approval_id=latest.approval_id,
                failure_reason=latest.failure_reason,
            )
            if latest is not None
            else None
        )
        return RebookOutput(**out.model_dump(), change=this, message=_outcome(out, this))

    return await run_once(ctx, "rebook", data, RebookOutput, change)


async def describe(ctx: ToolContext, data: RebookInput) -> Question:
    """``Change BA 117 JFK→LHR Fri 18 Dec 04:00 to BA 119 … Sat 19 Dec 08:00, fare difference
    +120.00 USD plus 75.00 USD change fee?`` — an estimate; the core prices the change —,
    with what it moves (the legs replaced: places, dates, kinds; "yes, move the Friday
    flight")."""
    ref = parse_offer_id(data.offer_id.strip())
    if not isinstance(ref, FlightOfferRef):
        raise ValidationFailed("Rebook onto a flight offer (FL-…)", field="offer_id")
    async with ctx.rt.db.uow(write=False) as session:
        booking = await get_booking(session, ctx.caller, data.booking_id.strip())
        out = await booking_out(session, booking, ctx.caller)
        chosen = await session.get(Segment, data.segment_id.strip())
        if chosen is None or chosen.booking_id != booking.id or chosen.kind != "flight":
            raise NotFound(f"Segment {data.segment_id} is not a flight of {booking.id}")
        # Every booked leg of the same offer is replaced together (a connection).
        legs = [
            seg
            for s in out.segments
            if s.kind == "flight"
            and s.status == "booked"
            and (seg := await session.get(Segment, s.segment_id)) is not None
            and seg.offer_id == chosen.offer_id
            and seg.replaced_by is None
        ] or [chosen]
        offer = await load_flight_offer(session, ref, chosen.quantity, now=ctx.rt.clock.now())
        # The core's own rule: a disruption waives the fee for its alternatives only.
        waived = (
            await waiving_disruption(
                session,
                ctx.rt.settings,
                booking_id=booking.id,
                old_legs=legs,
                new=offer.policy_item(),
            )
            is not None
        )
    old_views = [s for s in out.segments if s.segment_id in {leg.id for leg in legs}]
    old_label = ", ".join(f"{s.flight} {s.origin}→{s.destination}" for s in old_views)
    first = old_views[0] if old_views else None
    if first is not None and first.depart and first.origin:
        old_label += " " + spoken_time(dt.datetime.fromisoformat(first.depart), first.origin)
    new_label = (
        " + ".join(s.flight_label for s in offer.segments)
        + f" {offer.origin}→{offer.destination} {spoken_time(offer.depart_at, offer.origin)}"
    )
    difference = offer.total_minor - sum(leg.amount_minor for leg in legs)
    fee = 0 if waived else sum(leg.change_fee_minor * leg.quantity for leg in legs)
    sign = "+" if difference >= 0 else "-"
    diff_text = sign + amount_text(Money.of(abs(difference), booking.currency))
    fee_text = (
        "no change fee (the airline disrupted the flight)"
        if waived
        else f"{amount_text(Money.of(fee, booking.currency))} change fee"
    )
    return Question(
        f"Change {old_label} to {new_label}, {offer.cabin}, fare difference {diff_text} "
        f"plus {fee_text}?",
        named=named_by(old_views),
    )


TOOL: ToolSpec[RebookInput, RebookOutput] = ToolSpec(
    name="rebook",
    description=(
        "Move one flight of a confirmed booking to another; the fare difference plus any "
        "change fee is charged or refunded. Asks the traveller first."
    ),
    input_model=RebookInput,
    output_model=RebookOutput,
    effect=Effect.WRITE,
    needs_confirmation=True,
    run=run,
    describe=describe,
    offer=Offer.WITH_CONFIRMED_TRIPS,
)
