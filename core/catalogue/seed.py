"""Write the demo catalogue into the database: idempotent, windowed and fast.

Flights exist for every day from yesterday to ``today + days_ahead``. A re-run
adds only what is missing, so running it on a later ``today`` extends the window
and running it twice adds nothing. Rows go in with bulk Core inserts (one
``executemany`` per batch, not ORM objects) and ``ON CONFLICT DO NOTHING``, so
two seeders racing at start-up cannot fail on the unique keys.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from core.catalogue.hotels import HotelPlan, hotel_plans, nightly_rate_minor
from core.catalogue.hubs import HUB_CODES, hubs
from core.catalogue.network import (
    CARRIER_BY_CODE,
    CARRIERS,
    FARE_CLASS,
    LONG_HAUL_KM,
    CabinPlan,
    ScheduledFlight,
    schedule_for,
)
from core.errors import ValidationFailed
from core.models import Airport, Carrier, FareInventory, Flight, Hotel, RoomInventory

_BATCH = 20_000


@dataclass(frozen=True)
class CatalogueStats:
    """Rows *added* by one seeding run (all zero on an idempotent re-run)."""

    airports: int
    carriers: int
    flights: int
    fares: int
    hotels: int
    room_nights: int
    first_date: date
    last_date: date


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _insert_ignoring_duplicates(session: AsyncSession, table: Table) -> Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    return table.insert()


async def _bulk_insert(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    statement = _insert_ignoring_duplicates(session, table)
    for start in range(0, len(rows), _BATCH):
        await session.execute(statement, list(rows[start : start + _BATCH]))


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _draws(flight: ScheduledFlight, day: date) -> tuple[float, ...]:
    """Eight deterministic numbers in [0, 1) for one flight on one day.

    One hash per flight-day (not one per cabin and purpose) keeps a full seed
    fast: two numbers per cabin, in cabin order — demand, then flexibility.
    """
    digest = hashlib.blake2b(
        f"{flight.carrier}|{flight.number}|{day.toordinal()}".encode(), digest_size=16
    ).digest()
    return tuple(n / 65536 for n in struct.unpack(">8H", digest))


def cabin_fare(
    plan: CabinPlan, flight: ScheduledFlight, day: date, demand: float, flexible: float
) -> tuple[int, bool, int]:
    """(fare in cents, refundable, change fee in cents) for one cabin on one day.

    Peak weekdays (Mon, Thu, Fri, Sun) cost more and ``demand`` spreads flights
    of the same route; fares are rounded to 10 cents. Business and first are
    flexible. Economy is mostly non-refundable with a change fee (higher on long
    haul); some flight-days sell a flexible economy or premium fare instead, a
    little dearer. Low-cost carriers never refund.
    """
    peak = 1.12 if day.weekday() in (0, 3, 4, 6) else 0.94
    fare = plan.base_fare_minor * peak * (0.82 + 0.5 * demand)
    refundable, change_fee = False, 0
    if CARRIER_BY_CODE[flight.carrier].low_cost:
        change_fee = 9900
    elif plan.cabin in ("business", "first"):
        refundable = True
    elif plan.cabin == "premium":
        refundable, change_fee = (True, 0) if flexible < 0.3 else (False, 15000)
        fare *= 1.15 if refundable else 1.0
    elif flexible < 0.15:
        refundable, fare = True, fare * 1.3
    else:
        change_fee = 20000 if flight.distance_km >= LONG_HAUL_KM else 7500
    return round(fare / 10) * 10, refundable, change_fee


def _flight_row(flight: ScheduledFlight, day: date) -> dict[str, Any]:
    local = datetime.combine(day, flight.depart_local, tzinfo=_zone(hubs()[flight.origin].tz))
    depart_at = local.astimezone(UTC)
    return {
        "carrier": flight.carrier,
        "number": flight.number,
        "date": day,
        "origin": flight.origin,
        "destination": flight.destination,
        "depart_at": depart_at,
        "arrive_at": depart_at + timedelta(minutes=flight.duration_minutes),
        "duration_minutes": flight.duration_minutes,
        "distance_km": flight.distance_km,
        "aircraft": flight.aircraft,
        "status": "scheduled",
        "delay_minutes": 0,
    }


def _fare_rows(flight_id: int, flight: ScheduledFlight, day: date) -> Iterator[dict[str, Any]]:
    draws = _draws(flight, day)
    for i, plan in enumerate(flight.cabins):
        fare, refundable, change_fee = cabin_fare(plan, flight, day, draws[2 * i], draws[2 * i + 1])
        yield {
            "flight_id": flight_id,
            "cabin": plan.cabin,
            "capacity": plan.capacity,
            "held": 0,
            "sold": 0,
            "fare_minor": fare,
            "currency": "USD",
            "refundable": refundable,
            "change_fee_minor": change_fee,
            "fare_class": FARE_CLASS[plan.cabin],
        }


def _select_hubs(selected: Sequence[str] | None) -> frozenset[str]:
    if selected is None:
        return frozenset(HUB_CODES)
    codes = frozenset(code.strip().upper() for code in selected)
    unknown = sorted(codes - set(HUB_CODES))
    if unknown:
        raise ValidationFailed(f"Not hub airports: {', '.join(unknown)}", field="hubs")
    return codes


async def seed_catalogue(
    session: AsyncSession,
    *,
    today: date,
    days_ahead: int = 90,
    hubs: Sequence[str] | None = None,
) -> CatalogueStats:
    """Add the missing part of the catalogue for ``[today - 1, today + days_ahead]``.

    ``hubs`` restricts it to routes and hotels among those airports (tests use a
    few hubs and days); flight numbers and times do not depend on the subset.
    """
    if days_ahead < 0:
        raise ValidationFailed("days_ahead must not be negative", field="days_ahead")
    selected = _select_hubs(hubs)
    first, last = today - timedelta(days=1), today + timedelta(days=days_ahead)
    days = list(_dates(first, last))

    airports = await _seed_airports(session, selected)
    carriers = await _seed_carriers(session)
    flights, fares = await _seed_flights(session, selected, days)
    hotels, nights = await _seed_hotels(session, selected, days)
    return CatalogueStats(
        airports=airports,
        carriers=carriers,
        flights=flights,
        fares=fares,
        hotels=hotels,
        room_nights=nights,
        first_date=first,
        last_date=last,
    )


async def _seed_airports(session: AsyncSession, selected: frozenset[str]) -> int:
    existing = set((await session.scalars(select(Airport.code).where(Airport.code.in_(selected)))).all())
    rows = [
        {
            "code": h.code,
            "name": h.name,
            "city": h.city,
            "country": h.country,
            "region": h.region,
            "tz": h.tz,
            "lat": h.lat,
            "lon": h.lon,
        }
        for code, h in hubs().items()
        if code in selected and code not in existing
    ]
    await _bulk_insert(session, _table(Airport), rows)
    return len(rows)


async def _seed_carriers(session: AsyncSession) -> int:
    existing = set((await session.scalars(select(Carrier.code))).all())
    rows = [
        {"code": c.code, "name": c.name, "region": c.region}
        for c in CARRIERS
        if c.code not in existing
    ]
    await _bulk_insert(session, _table(Carrier), rows)
    return len(rows)


async def _seed_flights(
    session: AsyncSession, selected: frozenset[str], days: list[date]
) -> tuple[int, int]:
    plan = schedule_for(selected)
    if not plan or not days:
        return 0, 0
    window = (Flight.date >= days[0]) & (Flight.date <= days[-1])
    existing = {
        (carrier, number, day)
        for carrier, number, day in (
            await session.execute(select(Flight.carrier, Flight.number, Flight.date).where(window))
        ).all()
    }
    missing = [
        (flight, day)
        for day in days
        for flight in plan
        if (flight.carrier, flight.number, day) not in existing
    ]
    if not missing:
        return 0, 0
    await _bulk_insert(session, _table(Flight), [_flight_row(f, d) for f, d in missing])

    # Fetch the new ids by natural key, then add each new flight's cabins.
    wanted_days = sorted({d for _, d in missing})
    ids: dict[tuple[str, str, date], int] = {}
    id_rows = await session.execute(
        select(Flight.id, Flight.carrier, Flight.number, Flight.date).where(
            Flight.date.in_(wanted_days) if len(wanted_days) < 500 else window
        )
    )
    for flight_id, carrier, number, day in id_rows.all():
        ids[carrier, number, day] = flight_id
    fares = [
        row
        for flight, day in missing
        for row in _fare_rows(ids[flight.carrier, flight.number, day], flight, day)
    ]
    await _bulk_insert(session, _table(FareInventory), fares)
    return len(missing), len(fares)


def _hotel_row(plan: HotelPlan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name": plan.name,
        "city": plan.city,
        "airport_code": plan.airport_code,
        "stars": plan.stars,
        "address": plan.address,
        "chain": plan.chain,
        "currency": "USD",
        "refundable": plan.refundable,
    }


async def _seed_hotels(
    session: AsyncSession, selected: frozenset[str], days: list[date]
) -> tuple[int, int]:
    plans = [p for p in hotel_plans() if p.airport_code in selected]
    if not plans:
        return 0, 0
    plan_ids = [p.id for p in plans]
    existing = set((await session.scalars(select(Hotel.id).where(Hotel.id.in_(plan_ids)))).all())
    new_hotels = [_hotel_row(p) for p in plans if p.id not in existing]
    await _bulk_insert(session, _table(Hotel), new_hotels)

    have = set(
        (
            await session.execute(
                select(RoomInventory.hotel_id, RoomInventory.night).where(
                    RoomInventory.hotel_id.in_(plan_ids),
                    RoomInventory.night >= days[0],
                    RoomInventory.night <= days[-1],
                )
            )
        ).all()
    )
    nights = [
        {
            "hotel_id": p.id,
            "night": night,
            "capacity": p.rooms,
            "held": 0,
            "sold": 0,
            "rate_minor": nightly_rate_minor(p, night),
            "currency": "USD",
        }
        for p in plans
        for night in days
        if (p.id, night) not in have
    ]
    await _bulk_insert(session, _table(RoomInventory), nights)
    return len(new_hotels), len(nights)


__all__ = ["CatalogueStats", "cabin_fare", "seed_catalogue"]
