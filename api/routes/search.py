"""Flight and hotel search, each offer tagged with the caller's policy verdict.

Every query parameter is validated here (types, ranges, enums) so that nothing a
client sends reaches the core malformed; the core then judges what only it can
(unknown places, past dates, dates beyond the schedule) with ``ValidationFailed``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from api.schemas import (
    CabinParam,
    FlightSearchOut,
    FlightSort,
    HotelSearchOut,
    HotelSort,
)
from core.catalogue.hubs import hubs
from core.clock import utc
from core.money import money_json
from core.policy.engine import Verdict, evaluate_offer
from core.policy.rules import PolicyRules
from core.policy.service import get_rules
from core.search.flights import FlightOffer, FlightSegment, search_flights
from core.search.hotels import HotelOffer, search_hotels

router = APIRouter(tags=["search"], responses=problem_responses(401, 422, 500))

_HH_MM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

Limit = Annotated[int, Query(ge=1, le=100, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10_000, description="Offers to skip.")]
LocalTime = Annotated[
    str | None,
    Query(
        pattern=_HH_MM.pattern,
        description="Local time at the origin, `HH:MM` (24 h).",
        examples=["08:00"],
    ),
]


def _parse_hh_mm(value: str | None) -> dt.time | None:
    if value is None:
        return None
    match = _HH_MM.match(value)
    assert match is not None  # the Query pattern already checked it
    return dt.time(int(match.group(1)), int(match.group(2)))


def _local_iso(moment: dt.datetime, airport: str) -> str:
    """ISO-8601 in the airport's local time, with its UTC offset (what a traveller reads)."""
    hub = hubs().get(airport)
    zone = ZoneInfo(hub.tz) if hub is not None else dt.UTC
    return utc(moment).astimezone(zone).isoformat()


def _policy(verdict: Verdict) -> dict[str, Any]:
    data = verdict.to_dict()
    return {
        "status": data["status"],
        "violations": data["violations"],
        "approvals_required": data["approvals_required"],
        "notes": data["notes"],
    }


def _leg_json(leg: FlightSegment) -> dict[str, Any]:
    return {
        "carrier": leg.carrier,
        "carrier_name": leg.carrier_name,
        "number": leg.number,
        "date": leg.date.isoformat(),
        "origin": leg.origin,
        "destination": leg.destination,
        "depart_at": _local_iso(leg.depart_at, leg.origin),
        "arrive_at": _local_iso(leg.arrive_at, leg.destination),
        "duration_minutes": leg.duration_minutes,
        "cabin": leg.cabin,
        "aircraft": leg.aircraft,
    }


def _flight_json(offer: FlightOffer, rules: PolicyRules, now: dt.datetime) -> dict[str, Any]:
    verdict = evaluate_offer(rules, offer.policy_item(), now=now)
    return {
        "offer_id": offer.offer_id,
        "segments": [_leg_json(leg) for leg in offer.segments],
        "cabin": offer.cabin,
        "price": money_json(offer.price_minor, offer.currency),
        "total": money_json(offer.total_minor, offer.currency),
        "seats_left": offer.seats_left,
        "co2_kg": offer.co2_kg,
        "stops": offer.stops,
        "duration_minutes": offer.duration_minutes,
        "refundable": offer.refundable,
        "change_fee": money_json(offer.change_fee_minor, offer.currency),
        "fare": offer.fare.as_json(),
        "policy": _policy(verdict),
    }


@router.get(
    "/v1/flights/search",
    summary="Search flights",
    response_model=FlightSearchOut,
)
async def flights(
    runtime: RuntimeDep,
    caller: CallerDep,
    origin: Annotated[str, Query(min_length=2, max_length=64, description="Airport code or city.")],
    destination: Annotated[
        str, Query(min_length=2, max_length=64, description="Airport code or city.")
    ],
    date: Annotated[dt.date, Query(description="Local departure date, `YYYY-MM-DD`.")],
    cabin: CabinParam = CabinParam.ECONOMY,
    passengers: Annotated[int, Query(ge=1, le=9)] = 1,
    max_stops: Annotated[int, Query(ge=0, le=1, description="0 = direct only.")] = 1,
    depart_after: LocalTime = None,
    depart_before: LocalTime = None,
    sort: FlightSort = FlightSort.PRICE,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Direct and one-stop flights on one date, priced for `passengers`.

    `price` is per passenger and `total` for all of them; `fare` splits `total` into
    base fare, taxes by code and carrier fees. Each offer carries the caller's policy
    verdict (green / amber / red with the reasons). Times are local to each airport,
    with their UTC offset.
    """
    now = runtime.clock.now()
    async with runtime.db.uow(write=False) as session:
        result = await search_flights(
            session,
            origin=origin,
            destination=destination,
            date=date,
            now=now,
            cabin=cabin.value,
            passengers=passengers,
            max_stops=max_stops,
            depart_after=_parse_hh_mm(depart_after),
            depart_before=_parse_hh_mm(depart_before),
            sort=sort.value,
            limit=limit,
            offset=offset,
            cache=runtime.cache,
            cache_ttl_seconds=runtime.settings.search_cache_ttl_seconds,
        )
        rules = await get_rules(session, caller.org_id)
    return {
        "offers": [_flight_json(offer, rules, now) for offer in result.offers],
        "total": result.total,
        "limit": result.limit,
        "offset": result.offset,
    }


def _hotel_json(offer: HotelOffer, rules: PolicyRules, now: dt.datetime) -> dict[str, Any]:
    verdict = evaluate_offer(rules, offer.policy_item(), now=now)
    return {
        "offer_id": offer.offer_id,
        "hotel_id": offer.hotel_id,
        "name": offer.name,
        "city": offer.city,
        "stars": offer.stars,
        "chain": offer.chain,
        "address": offer.address,
        "check_in": offer.check_in.isoformat(),
        "check_out": offer.check_out.isoformat(),
        "nights": offer.nights,
        "rooms": offer.rooms,
        "nightly": money_json(offer.nightly_minor, offer.currency),
        "total": money_json(offer.total_minor, offer.currency),
        "rooms_left": offer.rooms_left,
        "refundable": offer.refundable,
        "fare": offer.fare.as_json(),
        "policy": _policy(verdict),
    }


@router.get(
    "/v1/hotels/search",
    summary="Search hotels",
    response_model=HotelSearchOut,
)
async def hotels(
    runtime: RuntimeDep,
    caller: CallerDep,
    city: Annotated[str, Query(min_length=2, max_length=64, description="City or airport code.")],
    check_in: Annotated[dt.date, Query(description="`YYYY-MM-DD`.")],
    check_out: Annotated[dt.date, Query(description="`YYYY-MM-DD`, after check-in.")],
    rooms: Annotated[int, Query(ge=1, le=9)] = 1,
    sort: HotelSort = HotelSort.PRICE,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Hotels with rooms free on every night of the stay, with the caller's policy verdict.

    `nightly` is the highest nightly rate of the stay (what nightly caps are
    judged on); `total` covers all nights and rooms, and `fare` splits it into the
    room rate, taxes (VAT, city tax…) and fees.
    """
    now = runtime.clock.now()
    async with runtime.db.uow(write=False) as session:
        result = await search_hotels(
            session,
            city=city,
            check_in=check_in,
            check_out=check_out,
            now=now,
            rooms=rooms,
            limit=limit,
            offset=offset,
            sort=sort.value,
        )
        rules = await get_rules(session, caller.org_id)
    return {
        "offers": [_hotel_json(offer, rules, now) for offer in result.offers],
        "total": result.total,
        "limit": result.limit,
        "offset": result.offset,
    }
