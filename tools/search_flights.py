"""search_flights: the best few flight options for one day, with the policy verdict on each."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue import CARRIERS
from core.catalogue.fares import FareOut
from core.errors import UnknownAirline, ValidationFailed
from core.money import Money, money_text
from core.policy.engine import evaluate_offer, format_duration
from core.policy.rules import PolicyRules, cabin_label
from core.search.flights import FlightOffer, FlightSearchResult, search_flights
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import (
    MoneyOut,
    PolicyOut,
    TravellerSearched,
    approvers_of,
    city_of,
    compliant_first,
    local_iso,
    recommend,
    spoken_day,
)

Cabin = Literal["economy", "premium", "business", "first"]
Leg = Literal["outbound", "return"]
HH_MM = r"^([01]\d|2[0-3]):[0-5]\d$"
MAX_OPTIONS = 10
MAX_AIRLINES = 8


class SearchFlightsInput(BaseModel):
    """Find flights on one date. Pass places as the traveller says them."""

    model_config = ConfigDict(extra="forbid")

    origin: str = Field(
        min_length=2,
        max_length=64,
        description="City, metro or airport code, as the traveller says it.",
    )
    destination: str = Field(min_length=2, max_length=64, description="Same forms as origin.")
    date: dt.date = Field(description="Local departure date, YYYY-MM-DD.")
    cabin: Cabin = Field(default="economy", description="Cabin class.")
    passengers: int = Field(default=1, ge=1, le=9, strict=True, description="Seats.")
    max_stops: int = Field(default=1, ge=0, le=1, strict=True, description="0: direct only.")
    depart_after: str | None = Field(
        default=None, pattern=HH_MM, description="Earliest local departure, HH:MM."
    )
    depart_before: str | None = Field(
        default=None, pattern=HH_MM, description="Latest local departure, HH:MM."
    )
    sort: Literal["price", "duration", "depart", "arrive"] = Field(
        default="price", description="Order of options."
    )
    limit: int = Field(default=5, ge=1, le=MAX_OPTIONS, strict=True, description="Max options.")
    leg: Leg | None = Field(
        default=None,
        description="Round trip searched together: 'return' for the flight home, else 'outbound'.",
    )
    rebooking: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Looking for a new flight for a booking: its booking_id.",
    )
    traveler_id: TravellerSearched = None
    airlines: list[str] | None = Field(
        default=None, max_length=MAX_AIRLINES, description="Only these airlines (code or name)."
    )
    exclude_airlines: list[str] | None = Field(
        default=None, max_length=MAX_AIRLINES, description="Not these airlines."
    )
    max_price: float | None = Field(
        default=None, gt=0, description="Most per passenger, in the prices' currency."
    )


class PlaceOut(BaseModel):
    name: str
    airports: list[str] = Field(description="The airports searched.")


class FlightOption(BaseModel):
    option: int = Field(
        description="1 = first listed: within policy first, each group in the chosen sort order."
    )
    offer_id: str = Field(description="Pass to reserve or evaluate_policy.")
    flights: list[str] = Field(description="Carrier and number of each leg, e.g. 'BA 117'.")
    carrier: str = Field(description="Airline name(s).")
    origin: str
    origin_city: str
    destination: str
    destination_city: str
    depart: str = Field(description="Local time at the origin, with UTC offset.")
    arrive: str = Field(description="Local time at the destination, with UTC offset.")
    stops: int
    via: str | None = Field(default=None, description="Connection airport, if any.")
    duration: str = Field(description="Door to door, e.g. 7h15.")
    cabin: str
    price: MoneyOut = Field(description="Per passenger.")
    total: MoneyOut = Field(description="For all passengers.")
    seats_left: int
    co2_kg: int = Field(description="Per passenger.")
    refundable: bool
    fare: FareOut = Field(
        description="total as base fare + taxes (by code, e.g. US, AY, XF, GB, UB) + carrier "
        "fees (YQ, YR): what to answer when asked about taxes."
    )
    policy: PolicyOut


class FilteredOut(BaseModel):
    airline: int = Field(description="Left out by airlines / exclude_airlines.")
    price: int = Field(description="Left out by max_price.")


class SearchFlightsOutput(BaseModel):
    origin: PlaceOut
    destination: PlaceOut
    date: str
    cabin: str
    passengers: int
    leg: Leg | None = Field(default=None, description="As asked: outbound or return.")
    rebooking: str | None = Field(default=None, description="As asked: the booking to change.")
    matches: int = Field(
        description="How many flights matched in all (only the top ones are listed)."
    )
    options: list[FlightOption] = Field(
        description="Within policy first, then needing approval, then not allowed."
    )
    recommended: int | None = Field(
        default=None,
        description="The option to suggest: the best value that can be booked (None: none can).",
    )
    filtered: FilteredOut | None = Field(
        default=None, description="Flights the filters left out (not in matches)."
    )
    note: str | None = Field(default=None, description="What to try when nothing matched.")
    approvers: dict[str, str] = Field(
        default_factory=dict,
        description="Who approves, by name, each role the options need (approvals_required), "
        "for this traveller.",
    )


def _option(n: int, offer: FlightOffer, rules: PolicyRules, now: dt.datetime) -> FlightOption:
    carriers = dict.fromkeys(s.carrier_name for s in offer.segments)
    return FlightOption(
        option=n,
        offer_id=offer.offer_id,
        flights=[s.flight_label for s in offer.segments],
        carrier=" / ".join(carriers),
        origin=offer.origin,
        origin_city=city_of(offer.origin),
        destination=offer.destination,
        destination_city=city_of(offer.destination),
        depart=local_iso(offer.depart_at, offer.origin),
        arrive=local_iso(offer.arrive_at, offer.destination),
        stops=offer.stops,
        via=offer.segments[0].destination if offer.stops else None,
        duration=format_duration(offer.duration_minutes),
        cabin=offer.cabin,
        price=Money.of(offer.price_minor, offer.currency),
        total=Money.of(offer.total_minor, offer.currency),
        seats_left=offer.seats_left,
        co2_kg=offer.co2_kg,
        refundable=offer.refundable,
        fare=offer.fare.out(),
        policy=PolicyOut.of(evaluate_offer(rules, offer.policy_item(), now=now)),
    )


async def _cheapest(
    session: AsyncSession, data: SearchFlightsInput, now: dt.datetime, **changes: object
) -> FlightSearchResult | None:
    args: dict[str, object] = {
        "origin": data.origin,
        "destination": data.destination,
        "date": data.date,
        "cabin": data.cabin,
        "passengers": data.passengers,
        "max_stops": data.max_stops,
        "depart_after": _hh_mm(data.depart_after),
        "depart_before": _hh_mm(data.depart_before),
        **_filters(data),
    }
    args.update(changes)
    try:
        result = await search_flights(session, now=now, sort="price", limit=1, **args)  # type: ignore[arg-type]
    except ValidationFailed:
        return None  # a neighbouring date in the past or beyond the schedule: no hint
    return result if result.offers else None


async def _nearest(session: AsyncSession, data: SearchFlightsInput, now: dt.datetime) -> str:
    """What does exist near an empty answer.

    The traveller's own filters (time window, direct only) are relaxed first: when
    that finds flights, the filter was the reason and other cabins or days would only
    be noise. Otherwise other cabins on the day, then the nearest days.
    """
    cabin = cabin_label(data.cabin).lower()
    what = (
        f"No {cabin} flights for {data.passengers} passenger(s) on {data.date.isoformat()} match."
    )

    def cheapest(found: FlightSearchResult) -> str:
        offer = found.offers[0]
        return money_text(offer.price_minor, offer.currency)

    filters: list[str] = []
    if data.depart_after or data.depart_before:
        found = await _cheapest(session, data, now, depart_after=None, depart_before=None)
        if found:
            offer = found.offers[0]
            at = local_iso(offer.depart_at, offer.origin)[11:16]
            filters.append(
                f"at other times of day ({_flights(found.total)}, cheapest {cheapest(found)} at {at})"
            )
    if data.max_stops == 0:
        found = await _cheapest(session, data, now, max_stops=1)
        if found:
            filters.append(f"with one stop ({_flights(found.total)}, from {cheapest(found)})")
    if filters:
        return what + " Available " + "; ".join(filters) + "."

    hints: list[str] = []
    for other in ("economy", "premium", "business", "first"):
        if other != data.cabin:
            found = await _cheapest(session, data, now, cabin=other)
            if found:
                hints.append(f"in {cabin_label(other).lower()} (from {cheapest(found)})")
    for delta in (-1, 1, -2, 2):
        day = data.date + dt.timedelta(days=delta)
        found = await _cheapest(session, data, now, date=day)
        if found:
            hints.append(f"on {spoken_day(day)} {day.isoformat()} (from {cheapest(found)})")
        if len(hints) >= 4:
            break
    if not hints:
        return what + " Nothing close either: try other dates or airports."
    return what + " Available " + "; ".join(hints) + "."


async def _unfiltered(session: AsyncSession, data: SearchFlightsInput, now: dt.datetime) -> str:
    """What the airline and price filters left out, when they left nothing."""
    found = await _cheapest(
        session, data, now, carriers=None, exclude_carriers=None, max_price=None
    )
    what = "No flights match the airline or price filters."
    if found is None:
        return what
    offer = found.offers[0]
    carriers = " / ".join(dict.fromkeys(s.carrier_name for s in offer.segments))
    return (
        f"{what} Without them: {_flights(found.total)}, cheapest "
        f"{money_text(offer.price_minor, offer.currency)} ({carriers})."
    )


@functools.cache
def _carrier_names() -> dict[str, str]:
    """Each airline by its code, its name and, when no other airline shares it, its first
    word alone or with "airlines"/"airways" ("delta", "delta airlines", "british")."""
    names: dict[str, str] = {}
    firsts = Counter(c.name.split()[0].casefold() for c in CARRIERS)
    for c in CARRIERS:
        names[c.code.casefold()] = c.code
        names[c.name.casefold()] = c.code
        first = c.name.split()[0].casefold()
        if firsts[first] == 1:
            for form in (first, f"{first} airlines", f"{first} airways", f"{first} air lines"):
                names.setdefault(form, c.code)
    return names


def carrier_codes(raw: list[str] | None, field: str) -> tuple[str, ...]:
    """Airline codes for names or codes, as the catalogue knows them; an unknown one is
    refused (``UNKNOWN_AIRLINE``) rather than matching nothing."""
    codes: list[str] = []
    for text in raw or ():
        code = _carrier_names().get(" ".join(text.casefold().split()))
        if code is None:
            known = ", ".join(f"{c.code} {c.name}" for c in CARRIERS)
            raise UnknownAirline(f"{field}: no airline {text!r}; one of {known}", field=field)
        codes.append(code)
    return tuple(dict.fromkeys(codes))


def _filters(data: SearchFlightsInput) -> dict[str, object]:
    """The airline and price filters as the core search takes them."""
    only = carrier_codes(data.airlines, "airlines")
    never = carrier_codes(data.exclude_airlines, "exclude_airlines")
    if set(only) & set(never):
        raise ValidationFailed(
            "airlines and exclude_airlines name the same airline", field="exclude_airlines"
        )
    return {
        "carriers": only or None,
        "exclude_carriers": never or None,
        "max_price": None if data.max_price is None else Decimal(str(data.max_price)),
    }


def _flights(n: int) -> str:
    return f"{n} flight" if n == 1 else f"{n} flights"


def _hh_mm(value: str | None) -> dt.time | None:
    return None if value is None else dt.time(int(value[:2]), int(value[3:5]))


async def run(ctx: ToolContext, data: SearchFlightsInput) -> SearchFlightsOutput:
    now = ctx.rt.clock.now()
    filters = _filters(data)
    async with ctx.rt.db.uow(write=False) as session:
        result = await search_flights(
            session,
            origin=data.origin,
            destination=data.destination,
            date=data.date,
            now=now,
            cabin=data.cabin,
            passengers=data.passengers,
            max_stops=data.max_stops,
            depart_after=_hh_mm(data.depart_after),
            depart_before=_hh_mm(data.depart_before),
            sort=data.sort,
            limit=data.limit,
            cache=ctx.rt.cache,
            cache_ttl_seconds=ctx.rt.settings.search_cache_ttl_seconds,
            **filters,  # type: ignore[arg-type]
        )
        rules = await ctx.policy_rules(session)
        left_out = result.left_out_airline or result.left_out_price
        note = (
            None
            if result.offers
            else await (_unfiltered if left_out else _nearest)(session, data, now)
        )
        options = compliant_first(
            [_option(i, o, rules, now) for i, o in enumerate(result.offers, 1)]
        )
        approvers = await approvers_of(session, ctx.caller, data.traveler_id, options)
    return SearchFlightsOutput(
        origin=PlaceOut(name=result.origin_name, airports=list(result.origin)),
        destination=PlaceOut(name=result.destination_name, airports=list(result.destination)),
        date=result.date.isoformat(),
        cabin=result.cabin,
        passengers=result.passengers,
        leg=data.leg,
        rebooking=data.rebooking,
        matches=result.total,
        options=options,
        recommended=recommend(options, price=lambda o: o.total.minor(), stops=lambda o: o.stops),
        filtered=(
            FilteredOut(airline=result.left_out_airline, price=result.left_out_price)
            if any(v is not None for v in filters.values())
            else None
        ),
        note=note,
        approvers=approvers,
    )


TOOL: ToolSpec[SearchFlightsInput, SearchFlightsOutput] = ToolSpec(
    name="search_flights",
    description=(
        "Search flights on one date. Returns numbered options with offer_id, price and "
        "policy status (green ok, amber needs approval, red not allowed), bookable ones "
        "first, and the one to recommend."
    ),
    input_model=SearchFlightsInput,
    output_model=SearchFlightsOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
