"""Alternatives for a disrupted flight: found once per flight, ranked per booking.

Found: same origin and destination airports, same cabin, direct or one stop,
leaving from six hours before the original departure to 30 hours after it (and
not yet gone), with seats for the booking's passengers, never on the disrupted flight.

Ranked against the booking's own organization's policy, the rest of its trip
included: within policy (green) first, then amber; red alternatives are dropped;
then the earliest arrival, then the lowest price.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import ValidationFailed
from core.policy.engine import PolicyStatus, Verdict, evaluate
from core.policy.items import PolicyItem
from core.policy.rules import PolicyRules
from core.search.flights import FlightOffer, search_flights

EARLIER = timedelta(hours=6)
LATER = timedelta(hours=30)
#: Suggestions kept per disrupted booking (the traveller is told the first three).
KEEP = 5
#: Advance purchase is not judged for airline-caused changes (see core.booking.rebook).
_LONG_AGO = timedelta(days=3650)


async def find_alternatives(
    session: AsyncSession,
    *,
    origin: str,
    destination: str,
    cabin: str,
    passengers: int,
    original_depart: datetime,
    avoid_flight_ids: Sequence[int],
    now: datetime,
) -> list[FlightOffer]:
    earliest = max(original_depart - EARLIER, now)
    latest = original_depart + LATER
    found: dict[str, FlightOffer] = {}
    day = (original_depart - EARLIER).date()
    while day <= latest.date():
        try:
            result = await search_flights(
                session,
                origin=origin,
                destination=destination,
                date=day,
                now=now,
                cabin=cabin,
                passengers=passengers,
                max_stops=1,
                limit=100,
            )
        except ValidationFailed:
            day += timedelta(days=1)
            continue  # a day in the past at the origin, or beyond the schedule
        for offer in result.offers:
            if offer.origin != origin or offer.destination != destination:
                continue
            if not earliest < offer.depart_at <= latest:
                continue
            if any(leg.flight_id in avoid_flight_ids for leg in offer.segments):
                continue
            found[offer.offer_id] = offer
        day += timedelta(days=1)
    return list(found.values())


def rank(
    rules: PolicyRules,
    offers: Sequence[FlightOffer],
    *,
    rest_of_trip: Sequence[PolicyItem],
    now: datetime,
) -> list[tuple[FlightOffer, Verdict]]:
    """Compliant first, then arrival time, then price; red ones dropped."""
    judged: list[tuple[FlightOffer, Verdict]] = []
    for offer in offers:
        verdict = evaluate(rules, [*rest_of_trip, offer.policy_item()], now=now - _LONG_AGO)
        if verdict.status != PolicyStatus.RED:
            judged.append((offer, verdict))

    def key(pair: tuple[FlightOffer, Verdict]) -> tuple[Any, ...]:
        offer, verdict = pair
        return (verdict.status != PolicyStatus.GREEN, offer.arrive_at, offer.total_minor, offer.offer_id)

    return sorted(judged, key=key)
