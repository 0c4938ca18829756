"""Spend analytics: what an organization spent on travel, by whom, where, how compliant.

Counted: bookings that were confirmed (``confirmed`` or later ``requires_attention``)
with ``confirmed_at`` inside the period. Who sees what:

- finance, VP Finance, executive and admin: the whole organization;
- managers: their own trips and their direct reports' (the same people whose
  bookings they can see);
- travellers: refused (403) — they have their trip list.

Answers are cached (``rt.cache``: Redis when configured, nothing otherwise) for
``CONCIERGE_ANALYTICS_CACHE_TTL_SECONDS``; the cache key carries the period's end to
the minute, so a cached answer is never older than the TTL nor for another window.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.analytics.views import (
    DepartmentSpend,
    DestinationCount,
    PolicyCompliance,
    SpendSummary,
    TravelerSpend,
)
from core.errors import Forbidden, ValidationFailed
from core.identity import Caller
from core.models import (
    Airport,
    Booking,
    BookingStatus,
    Flight,
    Hotel,
    Organization,
    Role,
    Segment,
    User,
)
from core.money import Money
from core.search.flights import CO2_KG_PER_KM

if TYPE_CHECKING:
    from core.runtime import Runtime

PERIODS: dict[str, int] = {"7d": 7, "30d": 30, "90d": 90}
ORG_WIDE_ROLES = frozenset({Role.FINANCE, Role.VP_FINANCE, Role.EXECUTIVE, Role.ADMIN})
COUNTED = (BookingStatus.CONFIRMED, BookingStatus.REQUIRES_ATTENTION)
TOP_N = 5
# A leg arriving where the next one leaves within this long is a connection, not a stop.
CONNECTION_WINDOW = timedelta(hours=24)


def period_days(period: str) -> int:
    try:
        return PERIODS[period]
    except KeyError:
        raise ValidationFailed(
            f"period must be one of {', '.join(PERIODS)}", field="period"
        ) from None


async def _scope(session: AsyncSession, caller: Caller) -> list[str] | None:
    """None = the whole organization; else the traveller ids the caller may see."""
    if caller.role in ORG_WIDE_ROLES:
        return None
    if caller.role == Role.MANAGER:
        reports = (
            await session.scalars(
                select(User.id).where(
                    User.org_id == caller.org_id, User.manager_id == caller.user_id
                )
            )
        ).all()
        return [caller.user_id, *reports]
    raise Forbidden("Spend analytics are for finance, executives, admins and managers")


async def spend_summary(
    session: AsyncSession, caller: Caller, *, period: str, now: datetime
) -> SpendSummary:
    """The spend of the bookings confirmed in ``period`` up to ``now``, as the caller may see it."""
    days = period_days(period)
    scope = await _scope(session, caller)
    since = now - timedelta(days=days)
    org = await session.get(Organization, caller.org_id)
    currency = org.currency if org is not None else "USD"

    query = (
        select(Booking, User)
        .join(User, User.id == Booking.traveler_id)
        .where(
            Booking.org_id == caller.org_id,
            Booking.status.in_(COUNTED),
            Booking.confirmed_at >= since,
            Booking.confirmed_at <= now,
        )
        .order_by(Booking.confirmed_at)
    )
    if scope is not None:
        query = query.where(Booking.traveler_id.in_(scope))
    rows = (await session.execute(query)).all()

    total = 0
    green = 0
    by_department: dict[str, dict[str, int]] = defaultdict(lambda: {"amount": 0, "trips": 0})
    by_traveller: dict[str, dict[str, Any]] = {}
    for booking, user in rows:
        amount = booking.total_minor if booking.currency == currency else 0
        total += amount
        green += booking.policy_status == "green"
        dept = by_department[user.department or "Unassigned"]
        dept["amount"] += amount
        dept["trips"] += 1
        entry = by_traveller.setdefault(
            user.id,
            {
                "traveler_id": user.id,
                "name": user.name,
                "department": user.department,
                "amount": 0,
                "trips": 0,
            },
        )
        entry["amount"] += amount
        entry["trips"] += 1

    destinations, co2 = await _trips(session, [b.id for b, _ in rows])

    def money(minor: int) -> Money:
        return Money.of(minor, currency)

    count = len(rows)
    return SpendSummary(
        period=period,
        from_=since,
        to=now,
        scope="organization" if scope is None else "reports",
        bookings=count,
        total_spend=money(total),
        spend_by_department=[
            DepartmentSpend(department=name, spend=money(v["amount"]), trips=v["trips"])
            for name, v in sorted(by_department.items(), key=lambda kv: (-kv[1]["amount"], kv[0]))
        ],
        spend_by_traveler=[
            TravelerSpend(
                traveler_id=t["traveler_id"],
                name=t["name"],
                department=t["department"],
                trips=t["trips"],
                spend=money(t["amount"]),
            )
            for t in sorted(by_traveller.values(), key=lambda t: (-t["amount"], t["traveler_id"]))
        ],
        policy_compliance=PolicyCompliance(
            green=green, total=count, rate=round(green / count, 4) if count else None
        ),
        top_destinations=[
            DestinationCount(city=city, trips=n) for city, n in destinations.most_common(TOP_N)
        ],
        co2_kg_by_cabin=dict(sorted(co2.items())),
    )


async def _trips(
    session: AsyncSession, booking_ids: list[str]
) -> tuple[Counter[str], dict[str, int]]:
    """Destinations (one count per booking and city) and flight CO2 by cabin."""
    destinations: Counter[str] = Counter()
    co2: dict[str, float] = defaultdict(float)
    if not booking_ids:
        return destinations, {}
    segments = (
        await session.execute(
            select(Segment, Flight, Hotel)
            .outerjoin(Flight, Flight.id == Segment.flight_id)
            .outerjoin(Hotel, Hotel.id == Segment.hotel_id)
            .where(Segment.booking_id.in_(booking_ids), Segment.status == "booked")
            .order_by(Segment.booking_id, Segment.position)
        )
    ).all()
    codes = {f.origin for _, f, _ in segments if f} | {f.destination for _, f, _ in segments if f}
    cities = (
        dict(
            (
                await session.execute(
                    select(Airport.code, Airport.city).where(Airport.code.in_(codes))
                )
            ).all()
        )
        if codes
        else {}
    )
    per_booking: dict[str, list[tuple[Segment, Flight | None, Hotel | None]]] = defaultdict(list)
    for seg, flight, hotel in segments:
        per_booking[seg.booking_id].append((seg, flight, hotel))
        if flight is not None and seg.cabin:
            co2[seg.cabin] += flight.distance_km * CO2_KG_PER_KM.get(seg.cabin, 0.09) * seg.quantity
    for items in per_booking.values():
        legs = [(s, f) for s, f, _ in items if f is not None]
        legs.sort(key=lambda sf: sf[1].depart_at)
        home = cities.get(legs[0][1].origin) if legs else None
        places: set[str] = set()
        for i, (_, flight) in enumerate(legs):
            nxt = legs[i + 1][1] if i + 1 < len(legs) else None
            if (
                nxt is not None
                and nxt.origin == flight.destination
                and nxt.depart_at - flight.arrive_at <= CONNECTION_WINDOW
            ):
                continue  # a connection
            city = cities.get(flight.destination, flight.destination)
            if city != home:
                places.add(city)
        places.update(h.city for _, _, h in items if h is not None)
        destinations.update(places)
    return destinations, {cabin: round(kg) for cabin, kg in co2.items()}


async def cached_spend_summary(rt: Runtime, caller: Caller, *, period: str) -> SpendSummary:
    """:func:`spend_summary` behind the short-TTL cache (correct without one)."""
    period_days(period)  # refuse a bad period before touching the cache
    now = rt.clock.now()
    key = f"analytics:summary:{caller.org_id}:{caller.role}:{caller.user_id}:{period}:{now:%Y%m%d%H%M}"
    if caller.role in ORG_WIDE_ROLES:  # the same answer for every org-wide reader
        key = f"analytics:summary:{caller.org_id}:org:{period}:{now:%Y%m%d%H%M}"
    cached = await rt.cache.get(key)
    if isinstance(cached, dict):
        return SpendSummary.model_validate(cached)
    async with rt.db.uow(write=False) as session:
        summary = await spend_summary(session, caller, period=period, now=now)
    await rt.cache.set(key, summary.model_dump(mode="json"), rt.settings.analytics_cache_ttl_seconds)
    return summary


__all__ = ["PERIODS", "cached_spend_summary", "period_days", "spend_summary"]
