"""Reading a disrupted booking's suggestions (``GET /v1/bookings/{id}/suggestions``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.access import load_visible_booking
from core.disruption.views import ListedDisruption, SuggestionsView, SuggestionView
from core.identity import Caller
from core.models import (
    Disruption,
    DisruptionStatus,
    FareInventory,
    Segment,
    Suggestion,
    SuggestionStatus,
)
from core.money import Money
from core.policy.engine import PolicyStatus
from core.policy.views import PolicySummary
from core.search.offers import FlightOfferRef, parse_offer_id


async def open_disruption(session: AsyncSession, booking_id: str) -> Disruption | None:
    """The booking's open disruption (the latest, should there be several): the one its
    view links to and its suggestions are listed under."""
    return await session.scalar(
        select(Disruption)
        .where(Disruption.booking_id == booking_id, Disruption.status == DisruptionStatus.OPEN)
        .order_by(Disruption.created_at.desc())
        .limit(1)
    )


async def _seats_left(session: AsyncSession, offer_id: str) -> int:
    ref = parse_offer_id(offer_id)
    assert isinstance(ref, FlightOfferRef)
    rows = (
        await session.execute(
            select(FareInventory.capacity - FareInventory.held - FareInventory.sold).where(
                FareInventory.id.in_(list(ref.fare_inventory_ids))
            )
        )
    ).all()
    return max(0, min((int(r[0]) for r in rows), default=0))


def suggestion_view(s: Suggestion, seats_left: int) -> SuggestionView:
    return SuggestionView(
        suggestion_id=s.id,
        rank=s.rank,
        offer_id=s.offer_id,
        segment_id=s.segment_id,
        summary=s.summary,
        depart_at=s.depart_at,
        arrive_at=s.arrive_at,
        stops=s.stops,
        total=Money.of(s.price_minor, s.currency),
        fare_difference=Money.of(s.fare_difference_minor, s.currency),
        policy=PolicySummary.of(s.policy, status=s.policy_status),
        # What choosing it means (core.booking.rebook): at once, or an approval first.
        needs_approval=s.policy_status != PolicyStatus.GREEN or s.fare_difference_minor > 0,
        seats_left=seats_left,
    )


async def list_suggestions(
    session: AsyncSession, caller: Caller, booking_id: str
) -> SuggestionsView:
    """The open disruption of a booking the caller may see, with its open suggestions
    that still have seats for the booking's passengers, best first."""
    booking = await load_visible_booking(session, caller, booking_id)
    disruption = await open_disruption(session, booking.id)
    if disruption is None:
        return SuggestionsView(booking_id=booking.id, disruption=None, suggestions=[])
    rows = (
        await session.scalars(
            select(Suggestion)
            .where(Suggestion.disruption_id == disruption.id, Suggestion.status == SuggestionStatus.OPEN)
            .order_by(Suggestion.rank)
        )
    ).all()
    segment = await session.get(Segment, disruption.segment_id)
    needed = segment.quantity if segment is not None else 1
    views: list[SuggestionView] = []
    for row in rows:
        seats = await _seats_left(session, row.offer_id)
        if seats >= needed:
            views.append(suggestion_view(row, seats))
    return SuggestionsView(
        booking_id=booking.id,
        disruption=ListedDisruption(
            disruption_id=disruption.id,
            kind=disruption.kind,
            delay_minutes=disruption.delay_minutes,
            segment_id=disruption.segment_id,
            created_at=disruption.created_at,
        ),
        suggestions=views,
    )
