"""get_booking: one booking in full, with rebooking suggestions when a flight is disrupted."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from core.booking.cancel import UNPAID, quote_refund
from core.booking.service import get_booking
from core.checkin.window import checkin_window_at
from core.disruption.suggestions import list_suggestions
from core.models import BookingStatus
from core.money import Money
from core.views import iso_z
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import (
    BookingOut,
    MoneyOut,
    PolicyOut,
    WaitingOnOut,
    booked_key,
    booking_out,
    waiting_out,
)

MAX_SUGGESTIONS = 5


class GetBookingInput(BaseModel):
    """Read one booking the caller may see."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(min_length=1, max_length=40, description="E.g. BK-7Q2M4X.")
    quote_cancel: bool = Field(
        default=False,
        description="Also say what cancelling it now would give back (if_cancelled): to "
        "answer 'would I get a refund if I cancelled?' without cancelling anything.",
    )


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


class CheckInWindowOut(BaseModel):
    segment_id: str
    opens: str = Field(description="When online check-in opens: local time at the origin.")
    closes: str = Field(description="When it closes: local time at the origin.")
    open: bool = Field(description="Open now (a cancelled flight never is).")


class CancelQuoteOut(BaseModel):
    paid: MoneyOut = Field(description="Paid so far (captured minus refunded): 0 on a hold.")
    refund: MoneyOut = Field(description="What cancelling now would give back.")
    kept: MoneyOut = Field(description="What the fare rules would keep.")
    rule: str = Field(
        description="unpaid (nothing paid: a hold or an approval request is released), "
        "within_24_hours, refundable_fare, refundable_hotel, refundable, airline_cancelled, "
        "partial_non_refundable_kept or non_refundable_kept."
    )


# The statuses a booking may be cancelled from (core.booking.cancel).
_CANCELLABLE = frozenset({*UNPAID, BookingStatus.CONFIRMED, BookingStatus.REQUIRES_ATTENTION})


class GetBookingOutput(BookingOut):
    waiting_on: WaitingOnOut | None = Field(
        default=None,
        description="pending_approval only: whose decision it waits on now (a VP asked to "
        "approve a step that is the manager's is told it is theirs).",
    )
    suggestions: list[SuggestionOut] = Field(
        default_factory=list,
        description="Alternatives for the disrupted flight, best first (only when disrupted).",
    )
    check_in: list[CheckInWindowOut] = Field(
        default_factory=list,
        description="Each flight's online check-in window, as the core applies it.",
    )
    if_cancelled: CancelQuoteOut | None = Field(
        default=None,
        description="Asked for (quote_cancel) and the booking can be cancelled: what "
        "cancelling it now would give back, as cancel_booking would.",
    )


def check_in_windows(booking: BookingOut, ctx: ToolContext) -> list[CheckInWindowOut]:
    """Each flight's online check-in window as the core applies it (core.checkin.window,
    the runtime's settings), counted from its departure as it stands (a delay included)."""
    out = []
    now = ctx.rt.clock.now()
    late = booking.disruption
    for seg in booking.segments:
        if seg.kind != "flight" or not seg.depart:
            continue
        leaves = dt.datetime.fromisoformat(seg.depart)
        if late is not None and late.segment_id == seg.segment_id:
            leaves += dt.timedelta(minutes=late.delay_minutes)
        window = checkin_window_at(leaves, ctx.rt.settings)
        out.append(
            CheckInWindowOut(
                segment_id=seg.segment_id,
                opens=window.opens_at.isoformat(timespec="minutes"),
                closes=window.closes_at.isoformat(timespec="minutes"),
                open=window.is_open(now) and seg.flight_status != "cancelled",
            )
        )
    return out


async def run(ctx: ToolContext, data: GetBookingInput) -> GetBookingOutput:
    booking_id = data.booking_id.strip()
    # Read in this turn already, by a call that may see it (list_trips, reserve), and
    # nothing written since (the graph empties the memo before every write): answered
    # from there (issue 15: a read of the booking and its view). A disrupted one is read
    # again with its suggestions.
    known = ctx.recall(booked_key(booking_id), BookingOut)
    if (
        known is not None
        and known.disruption is None
        and known.status != "pending_approval"
        and not data.quote_cancel
    ):
        return GetBookingOutput(
            **known.model_dump(include=set(BookingOut.model_fields)),
            suggestions=[],
            check_in=check_in_windows(known, ctx),
        )
    async with ctx.rt.db.uow(write=False) as session:
        booking = await get_booking(session, ctx.caller, booking_id)
        out = await booking_out(session, booking, ctx.caller)
        found = (
            (await list_suggestions(session, ctx.caller, booking.id)).suggestions
            if out.disruption is not None
            else []
        )
        waiting = await waiting_out(session, ctx.caller, out)
        if_cancelled: CancelQuoteOut | None = None
        if data.quote_cancel and booking.status in _CANCELLABLE:
            zero = Money.of(0, booking.currency)
            if booking.status in UNPAID:
                if_cancelled = CancelQuoteOut(paid=zero, refund=zero, kept=zero, rule="unpaid")
            else:
                quote = await quote_refund(session, booking, now=ctx.rt.clock.now())
                if_cancelled = CancelQuoteOut(
                    paid=Money.of(quote.paid_minor, booking.currency),
                    refund=Money.of(quote.refund_minor, booking.currency),
                    kept=Money.of(quote.kept_minor, booking.currency),
                    rule=quote.rule,
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
    return GetBookingOutput(
        **out.model_dump(),
        waiting_on=waiting,
        suggestions=suggestions,
        check_in=check_in_windows(out, ctx),
        if_cancelled=if_cancelled,
    )


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
