"""Flight search: direct and one-stop offers over the catalogue, and offer reloads.

Two queries answer a search: every departure from the origin airports on the
date (the direct flights and the first legs of connections), then every flight
into the destination airports that leaves one of those first legs' arrival
airports inside the connection window. Pairing, filtering, sorting and paging
happen in Python over a few hundred rows at most.

An offer's price is read from inventory at search time, but its id
(``FL-<fare id>[-<fare id>]``) carries no price: a hold re-reads inventory with
:func:`load_flight_offer`, so a stale offer can never set what is charged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue.fares import FareBreakdown, combine, flight_fare
from core.catalogue.hubs import hubs
from core.catalogue.places import Place, resolve_place
from core.clock import utc
from core.errors import BeyondSchedule, NotFound, ValidationFailed
from core.models import Carrier, FareInventory, Flight
from core.money import from_major
from core.policy.items import FlightItem
from core.search.offers import FlightOfferRef, check_sale_window, flight_offer_id

CABINS: Final = ("economy", "premium", "business", "first")
SORTS: Final = ("price", "depart", "arrive", "duration")
MIN_CONNECTION: Final = timedelta(minutes=45)
MAX_CONNECTION: Final = timedelta(hours=6)
MAX_PASSENGERS: Final = 9
MAX_LIMIT: Final = 100
# kg CO2 per passenger-km by cabin. Economy follows the usual ~0.09 kg/pkm of a
# modern narrow/wide-body at typical load; premium cabins are charged for the
# floor space their seats take (about 1.5x, 3x and 4x an economy seat).
CO2_KG_PER_KM: Final = {"economy": 0.09, "premium": 0.14, "business": 0.26, "first": 0.36}
CANCELLED: Final = "cancelled"


class SearchCache(Protocol):
    """What :class:`core.cache.RedisCache` and ``NullCache`` offer."""

    async def get(self, key: str) -> Any | None: ...

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None: ...


class FlightSegment(BaseModel):
    """One leg of an offer, in one cabin."""

    model_config = ConfigDict(frozen=True)

    flight_id: int
    carrier: str
    carrier_name: str
    number: str
    date: dt.date  # local departure date at the origin
    origin: str
    destination: str
    depart_at: datetime  # UTC
    arrive_at: datetime  # UTC
    duration_minutes: int
    distance_km: int
    aircraft: str
    cabin: str
    fare_inventory_id: int
    fare_minor: int  # per passenger
    currency: str
    refundable: bool
    change_fee_minor: int
    seats_left: int

    @property
    def flight_label(self) -> str:
        return f"{self.carrier} {self.number}"

    @property
    def fare(self) -> FareBreakdown:
        """One passenger's ``fare_minor`` split by the catalogue's fare model."""
        return flight_fare(
            self.fare_minor,
            self.currency,
            origin=self.origin,
            destination=self.destination,
            carrier=self.carrier,
            cabin=self.cabin,
            distance_km=self.distance_km,
        )


class FlightOffer(BaseModel):
    """A priced itinerary: one or two legs in the same cabin."""

    model_config = ConfigDict(frozen=True)

    offer_id: str
    segments: tuple[FlightSegment, ...]
    cabin: str
    stops: int
    passengers: int
    price_minor: int  # per passenger, sum of the legs
    total_minor: int  # price_minor x passengers
    currency: str
    seats_left: int  # the fewest over the legs
    co2_kg: int  # per passenger
    duration_minutes: int  # first departure to last arrival
    flying_minutes: int  # sum of the legs, without layovers
    refundable: bool  # only if every leg is
    change_fee_minor: int  # per passenger, sum of the legs

    @property
    def origin(self) -> str:
        return self.segments[0].origin

    @property
    def destination(self) -> str:
        return self.segments[-1].destination

    @property
    def depart_at(self) -> datetime:
        return self.segments[0].depart_at

    @property
    def arrive_at(self) -> datetime:
        return self.segments[-1].arrive_at

    @property
    def carriers(self) -> tuple[str, ...]:
        return tuple(s.carrier for s in self.segments)

    @property
    def fare(self) -> FareBreakdown:
        """``total_minor`` split into base, taxes and fees (every leg, every passenger).

        Worked out when read, not when the offer is built: a search builds every
        matching itinerary but shows one page, and the split is most of the cost of
        building one."""
        return combine((s.fare.times(self.passengers) for s in self.segments), self.currency)

    def policy_item(self) -> FlightItem:
        return FlightItem(
            carriers=self.carriers,
            cabin=self.cabin,
            flying_minutes=self.flying_minutes,
            longest_leg_minutes=max(s.duration_minutes for s in self.segments),
            depart_at=self.depart_at,
            origin=self.origin,
            destination=self.destination,
            amount_minor=self.total_minor,
            currency=self.currency,
            passengers=self.passengers,
        )


class FlightSearchResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    offers: tuple[FlightOffer, ...]
    total: int  # matching offers before paging
    limit: int
    offset: int
    origin: tuple[str, ...]  # the airports searched
    destination: tuple[str, ...]
    origin_name: str
    destination_name: str
    date: dt.date
    cabin: str
    passengers: int
    max_stops: int
    # matching offers the airline filters (carriers, exclude_carriers) left out, then
    # of the rest those over max_price: neither is in ``total``
    left_out_airline: int = 0
    left_out_price: int = 0

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.offers) < self.total


def build_offer(segments: Sequence[FlightSegment], passengers: int) -> FlightOffer:
    """Price an itinerary for ``passengers`` from its legs."""
    price = sum(s.fare_minor for s in segments)
    cabin = segments[0].cabin
    return FlightOffer(
        offer_id=flight_offer_id(*(s.fare_inventory_id for s in segments)),
        segments=tuple(segments),
        cabin=cabin,
        stops=len(segments) - 1,
        passengers=passengers,
        price_minor=price,
        total_minor=price * passengers,
        currency=segments[0].currency,
        seats_left=min(s.seats_left for s in segments),
        co2_kg=round(sum(s.distance_km for s in segments) * CO2_KG_PER_KM.get(cabin, 0.09)),
        duration_minutes=int(
            (segments[-1].arrive_at - segments[0].depart_at).total_seconds() // 60
        ),
        flying_minutes=sum(s.duration_minutes for s in segments),
        refundable=all(s.refundable for s in segments),
        change_fee_minor=sum(s.change_fee_minor for s in segments),
    )


@lru_cache(maxsize=8)
def _leg_select(cabin: str | None = None) -> Select[*tuple[Any, ...]]:
    """A leg's columns, in one cabin when named: built once a cabin (a statement is
    immutable; building it was most of the CPU of a search's reads: issue 15, perf33)."""
    query = (
        select(
            Flight.id,
            Flight.carrier,
            Carrier.name,
            Flight.number,
            Flight.date,
            Flight.origin,
            Flight.destination,
            Flight.depart_at,
            Flight.arrive_at,
            Flight.duration_minutes,
            Flight.distance_km,
            Flight.aircraft,
            FareInventory.cabin,
            FareInventory.id,
            FareInventory.fare_minor,
            FareInventory.currency,
            FareInventory.refundable,
            FareInventory.change_fee_minor,
            (FareInventory.capacity - FareInventory.held - FareInventory.sold),
            Flight.status,
        )
        .join(FareInventory, FareInventory.flight_id == Flight.id)
        .join(Carrier, Carrier.code == Flight.carrier)
    )
    if cabin is not None:
        query = query.where(FareInventory.cabin == cabin, Flight.status != CANCELLED)
    return query


def _segment(row: Any) -> FlightSegment:
    return FlightSegment(
        flight_id=row[0],
        carrier=row[1],
        carrier_name=row[2],
        number=row[3],
        date=row[4],
        origin=row[5],
        destination=row[6],
        depart_at=utc(row[7]),
        arrive_at=utc(row[8]),
        duration_minutes=row[9],
        distance_km=row[10],
        aircraft=row[11],
        cabin=row[12],
        fare_inventory_id=row[13],
        fare_minor=row[14],
        currency=row[15],
        refundable=bool(row[16]),
        change_fee_minor=row[17],
        seats_left=max(0, int(row[18])),
    )


def _tz(code: str) -> ZoneInfo:
    found = hubs().get(code)
    return ZoneInfo(found.tz if found is not None else "UTC")


def _local_day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = datetime.combine(day + timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return start, end


def _check_common(
    cabin: str, passengers: int, max_stops: int, sort: str, limit: int, offset: int
) -> None:
    if cabin not in CABINS:
        raise ValidationFailed(
            f"Unknown cabin {cabin!r}; choose one of {', '.join(CABINS)}", field="cabin"
        )
    if not 1 <= passengers <= MAX_PASSENGERS:
        raise ValidationFailed(
            f"passengers must be between 1 and {MAX_PASSENGERS}", field="passengers"
        )
    if max_stops not in (0, 1):
        raise ValidationFailed("max_stops must be 0 (direct only) or 1", field="max_stops")
    if sort not in SORTS:
        raise ValidationFailed(
            f"Unknown sort {sort!r}; choose one of {', '.join(SORTS)}", field="sort"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if offset < 0:
        raise ValidationFailed("offset must not be negative", field="offset")


def _resolve_pair(origin: str, destination: str) -> tuple[Place, Place]:
    src, dst = resolve_place(origin), resolve_place(destination)
    if set(src.airports) & set(dst.airports) or src.city == dst.city:
        raise ValidationFailed(
            f"Origin and destination are the same place ({src.label()} and {dst.label()})",
            field="destination",
        )
    return src, dst


async def _itineraries(
    session: AsyncSession,
    *,
    origins: tuple[str, ...],
    destinations: tuple[str, ...],
    day: dt.date,
    cabin: str,
    max_stops: int,
) -> list[tuple[FlightSegment, ...]]:
    """Every direct and (if allowed) one-stop itinerary, before any filter."""
    start, end = _local_day_bounds(day, _tz(origins[0]))
    # The depart_at range lets the (origin, depart_at) index do the work; the
    # date test keeps the meaning exact ("local departure date"). The slack
    # covers rows whose date was written as a UTC date (time zones span ±14 h).
    first = _leg_select(cabin).where(
        Flight.origin.in_(origins),
        Flight.date == day,
        Flight.depart_at >= start - timedelta(hours=14),
        Flight.depart_at < end + timedelta(hours=14),
    )
    if max_stops == 0:
        first = first.where(Flight.destination.in_(destinations))
    legs = [_segment(r) for r in (await session.execute(first)).all()]
    found: list[tuple[FlightSegment, ...]] = [(s,) for s in legs if s.destination in destinations]
    if max_stops == 0:
        return found

    blocked = set(origins) | set(destinations)
    arriving: dict[str, list[FlightSegment]] = defaultdict(list)
    for leg in legs:
        if leg.destination not in blocked:
            arriving[leg.destination].append(leg)
    if not arriving:
        return found
    earliest = min(leg.arrive_at for group in arriving.values() for leg in group) + MIN_CONNECTION
    latest = max(leg.arrive_at for group in arriving.values() for leg in group) + MAX_CONNECTION
    second = _leg_select(cabin).where(
        Flight.origin.in_(sorted(arriving)),
        Flight.destination.in_(destinations),
        Flight.depart_at >= earliest,
        Flight.depart_at <= latest,
    )
    onward: dict[str, list[FlightSegment]] = defaultdict(list)
    for row in (await session.execute(second)).all():
        seg = _segment(row)
        onward[seg.origin].append(seg)
    for hub_code, firsts in arriving.items():
        for leg1 in firsts:
            for leg2 in onward.get(hub_code, ()):
                if MIN_CONNECTION <= leg2.depart_at - leg1.arrive_at <= MAX_CONNECTION:
                    found.append((leg1, leg2))
    return found


def _cache_key(
    origins: Iterable[str], destinations: Iterable[str], day: dt.date, cabin: str, max_stops: int
) -> str:
    raw = json.dumps([sorted(origins), sorted(destinations), day.isoformat(), cabin, max_stops])
    return "search:flights:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cacheable(itineraries: Sequence[tuple[FlightSegment, ...]]) -> dict[str, Any]:
    """What the cache keeps of a search: each leg once, without its seat count (which
    only the database knows), and the itineraries as lists of fare ids."""
    legs: dict[str, Any] = {}
    for itinerary in itineraries:
        for leg in itinerary:
            legs.setdefault(
                str(leg.fare_inventory_id), leg.model_dump(mode="json", exclude={"seats_left"})
            )
    return {"legs": legs, "itineraries": [[s.fare_inventory_id for s in it] for it in itineraries]}


async def _with_fresh_seats(
    session: AsyncSession, cached: Any
) -> list[tuple[FlightSegment, ...]] | None:
    """The cached itineraries with today's seat counts, read by primary key; an itinerary
    with a cancelled (or vanished) flight is dropped. ``None`` for an unreadable entry
    (written by an older version): the caller searches afresh."""
    if not isinstance(cached, dict) or not isinstance(cached.get("legs"), dict):
        return None
    ids = sorted(int(fare_id) for fare_id in cached["legs"])
    free: dict[int, int] = {}
    if ids:
        rows = await session.execute(
            select(
                FareInventory.id, FareInventory.capacity - FareInventory.held - FareInventory.sold
            )
            .join(Flight, Flight.id == FareInventory.flight_id)
            .where(FareInventory.id.in_(ids), Flight.status != CANCELLED)
        )
        free = {int(fare_id): max(0, int(seats)) for fare_id, seats in rows.all()}
    legs = {
        fare_id: FlightSegment.model_validate({**cached["legs"][str(fare_id)], "seats_left": seats})
        for fare_id, seats in free.items()
    }
    return [
        tuple(legs[fare_id] for fare_id in it)
        for it in cached["itineraries"]
        if all(fare_id in legs for fare_id in it)
    ]


_SORT_KEYS: Final = {
    "price": lambda o: (o.price_minor, o.duration_minutes, o.depart_at, o.offer_id),
    "depart": lambda o: (o.depart_at, o.price_minor, o.duration_minutes, o.offer_id),
    "arrive": lambda o: (o.arrive_at, o.price_minor, o.duration_minutes, o.offer_id),
    "duration": lambda o: (o.duration_minutes, o.price_minor, o.depart_at, o.offer_id),
}


async def search_flights(
    session: AsyncSession,
    *,
    origin: str,
    destination: str,
    date: dt.date,
    now: datetime,
    cabin: str = "economy",
    passengers: int = 1,
    max_stops: int = 1,
    depart_after: dt.time | None = None,
    depart_before: dt.time | None = None,
    sort: str = "price",
    limit: int = 20,
    offset: int = 0,
    carriers: Sequence[str] | None = None,
    exclude_carriers: Sequence[str] | None = None,
    max_price: Decimal | None = None,
    cache: SearchCache | None = None,
    cache_ttl_seconds: int = 30,
) -> FlightSearchResult:
    """Search direct and one-stop flights on one local departure date.

    ``origin`` and ``destination`` take codes, cities, metros or near-miss
    spellings. ``depart_after``/``depart_before`` bound the first leg's local
    departure time; ``carriers`` keeps itineraries whose every leg is flown by
    one of them, ``exclude_carriers`` those with no leg flown by one of them, and
    ``max_price`` (per passenger, in the offer's currency) those priced at most that;
    what they leave out is counted (``left_out_airline``, ``left_out_price``). Only
    offers with at least ``passengers`` seats on every leg, not yet departed at
    ``now``, are returned.

    With a ``cache``, the unfiltered itineraries are kept for ``cache_ttl_seconds``
    without their seat counts: every search reads the counts (and which flights the
    airline cancelled) fresh, in one query by primary key, so a hold, a release or a
    sale shows in the very next search, in every process, with nothing to invalidate.
    (The hold still re-checks inventory with its conditional write: a search can only
    be as fresh as the moment it ran.)
    """
    cabin = (cabin or "").strip().lower()
    _check_common(cabin, passengers, max_stops, sort, limit, offset)
    src, dst = _resolve_pair(origin, destination)
    now = utc(now)
    today_there = now.astimezone(ZoneInfo(src.tz)).date()
    if date < today_there:
        raise ValidationFailed(
            f"{date.isoformat()} is in the past in {src.name} (today there is {today_there.isoformat()})",
            field="date",
        )
    check_sale_window(date, today_there, field="date")
    if depart_after and depart_before and depart_after > depart_before:
        raise ValidationFailed(
            "depart_after must be earlier than depart_before", field="depart_after"
        )
    wanted_carriers = {c.strip().upper() for c in carriers} if carriers else None
    unwanted_carriers = {c.strip().upper() for c in exclude_carriers or ()}
    if max_price is not None and max_price <= 0:
        raise ValidationFailed("max_price must be more than 0", field="max_price")

    itineraries: list[tuple[FlightSegment, ...]] | None = None
    key = _cache_key(src.airports, dst.airports, date, cabin, max_stops)
    if cache is not None:
        cached = await cache.get(key)
        if cached is not None:
            itineraries = await _with_fresh_seats(session, cached)
    if itineraries is None:
        itineraries = await _itineraries(
            session,
            origins=src.airports,
            destinations=dst.airports,
            day=date,
            cabin=cabin,
            max_stops=max_stops,
        )
        if cache is not None:
            await cache.set(key, _cacheable(itineraries), cache_ttl_seconds)
    if not itineraries:
        await _check_horizon(session, src, date)

    offers: list[FlightOffer] = []
    left_out_airline = left_out_price = 0
    for legs in itineraries:
        first = legs[0]
        if first.depart_at <= now or min(s.seats_left for s in legs) < passengers:
            continue
        local = first.depart_at.astimezone(_tz(first.origin)).time()
        if depart_after is not None and local < depart_after:
            continue
        if depart_before is not None and local > depart_before:
            continue
        if (
            wanted_carriers is not None and any(s.carrier not in wanted_carriers for s in legs)
        ) or any(s.carrier in unwanted_carriers for s in legs):
            left_out_airline += 1
            continue
        if max_price is not None and sum(s.fare_minor for s in legs) > from_major(
            max_price, first.currency
        ):
            left_out_price += 1
            continue
        offers.append(build_offer(legs, passengers))
    offers.sort(key=_SORT_KEYS[sort])
    return FlightSearchResult(
        offers=tuple(offers[offset : offset + limit]),
        total=len(offers),
        limit=limit,
        offset=offset,
        origin=src.airports,
        destination=dst.airports,
        origin_name=src.name,
        destination_name=dst.name,
        date=date,
        cabin=cabin,
        passengers=passengers,
        max_stops=max_stops,
        left_out_airline=left_out_airline,
        left_out_price=left_out_price,
    )


async def _check_horizon(session: AsyncSession, src: Place, day: dt.date) -> None:
    """Explain an empty answer when the date lies beyond the loaded schedule."""
    last = await session.scalar(
        select(func.max(Flight.date)).where(Flight.origin.in_(src.airports))
    )
    if last is not None and day > last:
        raise BeyondSchedule(
            f"Flights from {src.name} are scheduled up to {last.isoformat()}; "
            f"{day.isoformat()} is beyond the schedule",
            field="date",
            bookable_until=last.isoformat(),
            asked=day.isoformat(),
        )


def _flight(row: Any) -> Flight:
    """The flight of one of :data:`_OFFER_LEGS`' rows, as a detached row object (no
    session holds it; read-only)."""
    return Flight(
        id=row[0], carrier=row[1], number=row[3], date=row[4], origin=row[5],
        destination=row[6], depart_at=utc(row[7]), arrive_at=utc(row[8]),
        duration_minutes=row[9], distance_km=row[10], aircraft=row[11], status=row[19],
        delay_minutes=row[20],
    )


#: An offer's legs (:func:`_leg_select`) with what else makes up their flights' rows.
_OFFER_LEGS = _leg_select().add_columns(Flight.delay_minutes)


async def load_flight_offer(
    session: AsyncSession,
    ref: FlightOfferRef,
    passengers: int,
    *,
    now: datetime | None = None,
    flights: MutableMapping[int, Flight] | None = None,
) -> FlightOffer:
    """Rebuild an offer from its id with today's inventory (the hold prices from this).

    ``NotFound`` when a fare id does not exist; ``ValidationFailed`` when the legs
    do not form a valid itinerary (more than two legs, different cabins, not
    chained, connection outside 45 min - 6 h), a flight is cancelled, or — when
    ``now`` is given — already departed. Seat counts are reported, not enforced:
    the hold's conditional write is the judge of availability.

    ``flights``: the legs' flights are added to it, by id, as read (:func:`_flight`), for
    a caller that needs them too (the confirmation saga: issue 15, read twice before).
    """
    if not 1 <= passengers <= MAX_PASSENGERS:
        raise ValidationFailed(
            f"passengers must be between 1 and {MAX_PASSENGERS}", field="passengers"
        )
    ids = ref.fare_inventory_ids
    if not 1 <= len(ids) <= 2 or len(set(ids)) != len(ids):
        raise ValidationFailed(f"Offer {ref.offer_id} is not a valid itinerary", field="offer_id")
    rows = (await session.execute(_OFFER_LEGS.where(FareInventory.id.in_(ids)))).all()
    by_id = {row[13]: row for row in rows}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise NotFound(f"Offer {ref.offer_id} does not exist", offer_id=ref.offer_id)
    if flights is not None:
        flights.update((row[0], _flight(row)) for row in rows)
    legs = [_segment(by_id[i]) for i in ids]
    for i in ids:
        if by_id[i][19] == CANCELLED:
            seg = _segment(by_id[i])
            raise ValidationFailed(
                f"Flight {seg.flight_label} on {seg.date.isoformat()} is cancelled",
                field="offer_id",
            )
    if len({s.cabin for s in legs}) != 1:
        raise ValidationFailed(f"Offer {ref.offer_id} mixes cabins", field="offer_id")
    if len(legs) == 2:
        leg1, leg2 = legs
        if leg1.destination != leg2.origin or leg2.destination == leg1.origin:
            raise ValidationFailed(
                f"Offer {ref.offer_id}: the flights do not connect", field="offer_id"
            )
        if not MIN_CONNECTION <= leg2.depart_at - leg1.arrive_at <= MAX_CONNECTION:
            raise ValidationFailed(
                f"Offer {ref.offer_id}: the connection at {leg1.destination} is outside 45 min - 6 h",
                field="offer_id",
            )
    if now is not None and legs[0].depart_at <= utc(now):
        raise ValidationFailed(
            f"Flight {legs[0].flight_label} has already departed", field="offer_id"
        )
    return build_offer(legs, passengers)


__all__ = [
    "CABINS",
    "CO2_KG_PER_KM",
    "FlightOffer",
    "FlightSearchResult",
    "FlightSegment",
    "SearchCache",
    "build_offer",
    "load_flight_offer",
    "search_flights",
]
