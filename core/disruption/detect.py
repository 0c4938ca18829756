"""Turning a flight's disruption into per-booking disruptions and suggestions."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.booking import states
from core.booking.items import other_items
from core.catalogue.zones import airport_zone, on_clock
from core.disruption.alternatives import KEEP, Window, find_alternatives, rank
from core.errors import ConcurrentUpdate
from core.ids import new_id
from core.models import (
    Booking,
    Disruption,
    DisruptionStatus,
    Flight,
    Segment,
    SegmentStatus,
    Suggestion,
    SuggestionStatus,
)
from core.models import BookingStatus as S
from core.money import format_money
from core.policy.service import get_rules
from core.runtime import Runtime
from core.search.flights import FlightOffer

log = logging.getLogger(__name__)

TOLD = 3


async def affected_bookings(session: AsyncSession, flight_id: int) -> list[str]:
    """Bookings of every organization with a booked, not replaced leg on the flight."""
    rows = (
        await session.scalars(
            select(Segment.booking_id)
            .join(Booking, Booking.id == Segment.booking_id)
            .where(
                Segment.flight_id == flight_id,
                Segment.status == SegmentStatus.BOOKED,
                Segment.replaced_by.is_(None),
                Booking.status.in_([S.CONFIRMED, S.REQUIRES_ATTENTION]),
            )
            .distinct()
        )
    ).all()
    return sorted(rows)


async def offer_summary(session: AsyncSession, offer: FlightOffer) -> str:
    """One line for a suggested flight, on the airports' own clocks (as the trips and
    the chat show times): departure on the origin's, arrival on the destination's."""
    legs = " + ".join(f"{s.carrier} {s.number}" for s in offer.segments)
    via = f" via {offer.segments[0].destination}" if offer.stops else ""
    departs = on_clock(offer.depart_at, await airport_zone(session, offer.origin))
    arrives = on_clock(offer.arrive_at, await airport_zone(session, offer.destination))
    return (
        f"{legs} {offer.origin}→{offer.destination}{via}, departs "
        f"{departs:%a %d %b %H:%M} {offer.origin} time, arrives "
        f"{arrives:%a %d %b %H:%M} {offer.destination} time"
    )[:200]


async def handle_booking(
    rt: Runtime,
    session: AsyncSession,
    booking_id: str,
    flight_id: int,
    *,
    kind: str,
    delay_minutes: int,
    disruptive: bool,
    cache: dict[Any, Any],
) -> bool:
    """Deal with one booking on a disrupted flight; ``True`` when it was affected.

    Idempotent: a re-sent message finds the disruption already recorded (a delay
    that becomes a cancellation replaces its suggestions).
    """
    now = rt.clock.now()
    booking = await session.get(Booking, booking_id, populate_existing=True)
    flight = await session.get(Flight, flight_id)
    if (
        booking is None
        or flight is None
        or booking.status not in (S.CONFIRMED, S.REQUIRES_ATTENTION)
    ):
        return False
    label = f"{flight.carrier} {flight.number} on {flight.date.isoformat()}"
    if not disruptive:
        outbox.emit(
            session,
            org_id=booking.org_id,
            topic="flight.delayed",
            key=f"booking:{booking_id}:flight:{flight_id}:delay:{delay_minutes}",
            payload={
                "booking_id": booking_id,
                "flight_id": flight_id,
                "delay_minutes": delay_minutes,
                "notify": [booking.traveler_id],
                "message": f"{label} is delayed by {delay_minutes} minutes; "
                "your booking is unchanged.",
            },
            at=now,
        )
        return True

    existing = await session.scalar(
        select(Disruption).where(
            Disruption.booking_id == booking_id, Disruption.flight_id == flight_id
        )
    )
    if existing is not None and existing.kind == kind and existing.delay_minutes == delay_minutes:
        return True  # already handled (a replay of the same news)
    segments = list(
        (
            await session.scalars(
                select(Segment).where(Segment.booking_id == booking_id).order_by(Segment.position)
            )
        ).all()
    )
    hit = next(
        s
        for s in segments
        if s.flight_id == flight_id and s.status == SegmentStatus.BOOKED and s.replaced_by is None
    )
    legs = [s for s in segments if s.offer_id == hit.offer_id and s.status == SegmentStatus.BOOKED]
    leg_flights = [await session.get(Flight, s.flight_id) for s in legs if s.flight_id]
    first, last = leg_flights[0], leg_flights[-1]
    assert first is not None
    assert last is not None

    if booking.status == S.CONFIRMED:
        try:
            await states.move(
                session, booking_id, expected=S.CONFIRMED, to=S.REQUIRES_ATTENTION, now=now
            )
        except ConcurrentUpdate:
            return False  # cancelled or changed meanwhile: nothing to rebook
    if existing is None:
        disruption = Disruption(
            id=new_id("DS", 10),
            org_id=booking.org_id,
            booking_id=booking_id,
            flight_id=flight_id,
            segment_id=hit.id,
            kind=kind,
            delay_minutes=delay_minutes,
            status=DisruptionStatus.OPEN,
            created_at=now,
        )
        session.add(disruption)
        await session.flush()
    else:
        disruption = existing
        disruption.kind, disruption.delay_minutes, disruption.status = kind, delay_minutes, DisruptionStatus.OPEN
        disruption.resolved_at = None
        await session.execute(delete(Suggestion).where(Suggestion.disruption_id == disruption.id))

    # One search per itinerary shape for the whole flight; policy per booking.
    search_key = (first.origin, last.destination, hit.cabin, hit.quantity, first.depart_at)
    if search_key not in cache:
        cache[search_key] = await find_alternatives(
            session,
            origin=first.origin,
            destination=last.destination,
            cabin=hit.cabin or "economy",
            passengers=hit.quantity,
            original_depart=first.depart_at,
            avoid_flight_ids=[flight_id],
            window=Window.of(rt.settings),
            now=now,
        )
    rules = await get_rules(session, booking.org_id)
    rest = await other_items(session, segments, exclude_offer=hit.offer_id)
    ranked = rank(rules, cache[search_key], rest_of_trip=rest, now=now)[:KEEP]
    old_amount = sum(s.amount_minor for s in legs)
    stored: list[Suggestion] = []
    for position, (offer, verdict) in enumerate(ranked, start=1):
        suggestion = Suggestion(
            id=new_id("SU", 10),
            org_id=booking.org_id,
            disruption_id=disruption.id,
            booking_id=booking_id,
            segment_id=hit.id,
            rank=position,
            offer_id=offer.offer_id,
            summary=await offer_summary(session, offer),
            depart_at=offer.depart_at,
            arrive_at=offer.arrive_at,
            stops=offer.stops,
            price_minor=offer.total_minor,
            fare_difference_minor=offer.total_minor - old_amount,
            currency=offer.currency,
            policy_status=str(verdict.status),
            policy=verdict.to_dict(),
            status=SuggestionStatus.OPEN,
            created_at=now,
        )
        session.add(suggestion)
        stored.append(suggestion)
    what = "cancelled" if kind == "cancelled" else f"delayed by {delay_minutes} minutes"
    top = stored[:TOLD]
    if top:
        options = "; ".join(
            f"{i}. {s.summary} ({format_money(s.price_minor, s.currency)}, {s.policy_status})"
            for i, s in enumerate(top, start=1)
        )
        message = f"{label} is {what}. Options to rebook {booking_id}: {options}"
    else:
        message = f"{label} is {what}. No alternative flight was found; contact the travel desk."
    outbox.emit(
        session,
        org_id=booking.org_id,
        topic="disruption.detected",
        key=f"booking:{booking_id}:disruption:{disruption.id}:{kind}:{delay_minutes}",
        payload={
            "booking_id": booking_id,
            "disruption_id": disruption.id,
            "flight_id": flight_id,
            "kind": kind,
            "delay_minutes": delay_minutes,
            "suggestions": [
                {
                    "suggestion_id": s.id,
                    "offer_id": s.offer_id,
                    "summary": s.summary,
                    "price_minor": s.price_minor,
                    "currency": s.currency,
                    "policy_status": s.policy_status,
                }
                for s in top
            ],
            "notify": [booking.traveler_id],
            "message": message[:1000],
        },
        at=now,
    )
    await session.flush()
    return True
