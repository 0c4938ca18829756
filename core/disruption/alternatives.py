"""Alternatives for a disrupted flight: found once per flight, ranked per booking.

Found: same origin and destination airports, same cabin, direct or one stop,
leaving within the disruption's :class:`Window` around the original departure (by
default from six hours before it to 30 hours after it; settings
``disruption_window_before_hours`` / ``_after_hours``) and not yet gone, with seats
for the booking's passengers, never on the disrupted flight.

The same window, between the same airports or their metro areas (JFK or EWR to LHR or
LGW), is what the disruption covers: :func:`covers` decides whether a rebook is one
of its alternatives, without the change fee (``core.booking.rebook``), or an ordinary
change.

Ranked against the booking's own organization's policy, the rest of its trip
included: within policy (green) first, then amber; red alternatives are dropped;
then the earliest arrival, then the lowest price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.errors import ValidationFailed
from core.models import Airport
from core.policy.engine import PolicyStatus, Verdict, evaluate
from core.policy.items import PolicyItem
from core.policy.rules import PolicyRules
from core.search.flights import FlightOffer, search_flights

#: Suggestions kept per disrupted booking (the traveller is told the first three).
KEEP = 5
#: Advance purchase is not judged for airline-caused changes (see core.booking.rebook).
_LONG_AGO = timedelta(days=3650)


@dataclass(frozen=True)
class Window:
    """How far from a disrupted itinerary's scheduled departure its alternatives leave."""

    before: timedelta
    after: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Window:
        return cls(
            before=timedelta(hours=settings.disruption_window_before_hours),
            after=timedelta(hours=settings.disruption_window_after_hours),
        )

    def contains(self, original_depart: datetime, depart: datetime) -> bool:
        return original_depart - self.before <= depart <= original_depart + self.after


async def covers(
    session: AsyncSession,
    window: Window,
    *,
    original: tuple[str, str, datetime],
    new: tuple[str, str, datetime],
) -> bool:
    """Whether a flight ``new`` (origin, destination, departure) is an alternative to the
    disrupted ``original``: the same airport or metro area at each end (``airports.city``
    is the metro), leaving within ``window`` of the original's scheduled departure."""
    (old_from, old_to, old_depart), (new_from, new_to, new_depart) = original, new
    if not window.contains(old_depart, new_depart):
        return False
    codes = {old_from, old_to, new_from, new_to}
    rows = await session.execute(select(Airport.code, Airport.city).where(Airport.code.in_(codes)))
    city = {code: name for code, name in rows.all()}

    def same_place(a: str, b: str) -> bool:
        return a == b or (a in city and b in city and city[a] == city[b])

    return same_place(old_from, new_from) and same_place(old_to, new_to)


async def find_alternatives(
    session: AsyncSession,
    *,
    origin: str,
    destination: str,
    cabin: str,
    passengers: int,
    original_depart: datetime,
    avoid_flight_ids: Sequence[int],
    window: Window,
    now: datetime,
) -> list[FlightOffer]:
    latest = original_depart + window.after
    found: dict[str, FlightOffer] = {}
    day = (original_depart - window.before).date()
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
            if offer.depart_at <= now or not window.contains(original_depart, offer.depart_at):
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
