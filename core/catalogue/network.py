"""The route network: which carrier flies where, when, on what, at what base fare.

Pure and deterministic. Every choice comes from hashing stable inputs (never
``random``), and the plan is always built for the *full* hub list — a seed
restricted to a few hubs takes the subset — so a flight number means the same
route and slot whatever was seeded.

Shape (DESIGN §7):

* within a region, every hub pair in different metros has at least two direct
  flights a day each way (trunk routes several); flights between two airports of
  one metro (JFK–LGA) would be absurd and do not exist;
* across regions the gateways fly direct (``GATEWAYS``);
* every non-gateway hub also has one long-haul *feeder* to the nearest gateway of
  each other region, which is what makes every cross-region pair reachable with
  one stop (a → feeder gateway → b, or a → own gateway → b);
* Spirit (NK) and Ryanair (FR) — carriers the Acme policy blocks — add a cheap
  extra frequency on a few routes that others fly too, so they are never the
  only way to travel.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import combinations
from typing import Final
from zoneinfo import ZoneInfo

from core.catalogue.hubs import AP, EU, HUB_CODES, NA, hubs, same_metro


def stable_hash(*parts: object) -> int:
    """A 64-bit hash of the parts that is the same on every run and machine."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def unit(*parts: object) -> float:
    """A deterministic number in [0, 1) derived from the parts."""
    return stable_hash(*parts) / 2**64


@dataclass(frozen=True)
class CarrierInfo:
    code: str
    name: str
    region: str
    bases: tuple[str, ...]
    #: The airline's IATA accounting code: the first three digits of its e-tickets.
    ticket_prefix: str
    low_cost: bool = False

    @property
    def short_name(self) -> str | None:
        """The first word of the airline's name when it names the airline alone, lower case
        ("delta", "ryanair", "jetblue"): five letters or more, and no place or people
        ("British", "Japan") — else None."""
        first = self.name.split()[0].lower()
        return first if len(first) >= 5 and first not in _PLACE_WORDS else None


# First words of airlines' names that are also places or peoples ("fly to Japan").
_PLACE_WORDS: Final = frozenset({"british", "japan", "singapore", "korean", "china", "swiss"})


CARRIERS: Final[tuple[CarrierInfo, ...]] = (
    CarrierInfo("AA", "American Airlines", NA, ("DFW", "MIA", "ORD", "LAX", "JFK", "LGA", "DCA"), "001"),
    CarrierInfo("UA", "United Airlines", NA, ("EWR", "ORD", "DEN", "SFO", "IAD", "LAX"), "016"),
    CarrierInfo("DL", "Delta Air Lines", NA, ("ATL", "JFK", "LGA", "SEA", "LAX", "BOS"), "006"),
    CarrierInfo("B6", "JetBlue", NA, ("JFK", "BOS"), "279"),
    CarrierInfo("AC", "Air Canada", NA, ("YYZ",), "014"),
    CarrierInfo("NK", "Spirit Airlines", NA, (), "487", low_cost=True),
    CarrierInfo("BA", "British Airways", EU, ("LHR", "LGW"), "125"),
    CarrierInfo("AF", "Air France", EU, ("CDG", "ORY"), "057"),
    CarrierInfo("LH", "Lufthansa", EU, ("FRA",), "220"),
    CarrierInfo("KL", "KLM Royal Dutch Airlines", EU, ("AMS",), "074"),
    CarrierInfo("IB", "Iberia", EU, ("MAD",), "075"),
    CarrierInfo("AZ", "ITA Airways", EU, ("FCO",), "055"),
    CarrierInfo("LX", "Swiss International Air Lines", EU, ("ZRH",), "724"),
    CarrierInfo("EI", "Aer Lingus", EU, ("DUB",), "053"),
    CarrierInfo("FR", "Ryanair", EU, (), "210", low_cost=True),
    CarrierInfo("JL", "Japan Airlines", AP, ("HND", "NRT"), "131"),
    CarrierInfo("NH", "All Nippon Airways", AP, ("HND", "NRT"), "205"),
    CarrierInfo("KE", "Korean Air", AP, ("ICN",), "180"),
    CarrierInfo("SQ", "Singapore Airlines", AP, ("SIN",), "618"),
    CarrierInfo("CX", "Cathay Pacific", AP, ("HKG",), "160"),
    CarrierInfo("QF", "Qantas", AP, ("SYD",), "081"),
    CarrierInfo("EK", "Emirates", AP, ("DXB",), "176"),
    CarrierInfo("AI", "Air India", AP, ("DEL",), "098"),
)
CARRIER_BY_CODE: Final = {c.code: c for c in CARRIERS}


def ticket_prefix(carrier: str) -> str:
    """The three digits an airline's e-ticket numbers start with. A carrier the catalogue
    does not know (a test's own) gets a stable one from the unassigned 9xx range."""
    info = CARRIER_BY_CODE.get(carrier.upper())
    return info.ticket_prefix if info else f"9{stable_hash('ticket', carrier.upper()) % 100:02d}"

# Who fills in when no carrier is based at either end of a route.
_REGION_DEFAULTS: Final = {NA: ("AA", "UA", "DL"), EU: ("BA", "AF", "LH"), AP: ("EK", "SQ", "CX")}

# Cross-region gateway sets: every pair (a in left, b in right) is flown direct.
GATEWAYS: Final[tuple[tuple[frozenset[str], frozenset[str]], ...]] = (
    (frozenset({"JFK", "EWR", "BOS", "ORD", "SFO", "LAX", "MIA", "SEA", "ATL"}),
     frozenset({"LHR", "CDG", "FRA", "AMS", "MAD", "DUB"})),
    (frozenset({"LAX", "SFO", "SEA"}), frozenset({"NRT", "HND", "ICN"})),
    # DXB is in the AP region; Europe's gateways reach it and the far east directly.
    (frozenset({"LHR", "FRA"}), frozenset({"DXB", "SIN", "HKG", "DEL", "SYD"})),
)

# Busy routes: (undirected pair) -> daily frequencies each way.
TRUNKS: Final[dict[frozenset[str], int]] = {
    frozenset(p): n
    for p, n in (
        (("JFK", "BOS"), 6), (("LGA", "BOS"), 6), (("LGA", "DCA"), 6), (("LGA", "ORD"), 6),
        (("JFK", "LAX"), 6), (("JFK", "SFO"), 5), (("EWR", "SFO"), 4), (("LAX", "SFO"), 6),
        (("SFO", "SEA"), 4), (("LAX", "SEA"), 4), (("ORD", "LAX"), 4), (("ATL", "LGA"), 5),
        (("JFK", "MIA"), 4), (("ORD", "DFW"), 4), (("YYZ", "LGA"), 4), (("BOS", "DCA"), 5),
        (("LHR", "CDG"), 6), (("LHR", "AMS"), 5), (("LHR", "FRA"), 5), (("LHR", "DUB"), 5),
        (("LHR", "MAD"), 4), (("LHR", "ZRH"), 4), (("CDG", "FRA"), 4), (("AMS", "CDG"), 4),
        (("HND", "ICN"), 4), (("SIN", "HKG"), 4), (("DXB", "DEL"), 4), (("HKG", "HND"), 3),
        (("JFK", "LHR"), 5), (("JFK", "CDG"), 3), (("BOS", "LHR"), 3), (("EWR", "LHR"), 3),
        (("LAX", "LHR"), 2), (("SFO", "LHR"), 2), (("ORD", "LHR"), 2), (("LHR", "SIN"), 2),
        (("LHR", "HKG"), 2), (("LHR", "DXB"), 3), (("LAX", "HND"), 2), (("SFO", "NRT"), 2),
    )
}
_BIG: Final = frozenset({
    "JFK", "LGA", "EWR", "BOS", "ORD", "ATL", "LAX", "SFO", "DFW", "DEN", "SEA", "IAD",
    "LHR", "CDG", "FRA", "AMS", "MAD", "NRT", "HND", "SIN", "HKG", "DXB", "ICN",
})
# Extra low-cost frequencies (undirected pairs, operated both ways).
LOW_COST_ROUTES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "NK": (("EWR", "MIA"), ("LGA", "MIA"), ("DFW", "LAX"), ("ORD", "DEN"), ("BOS", "ATL")),
    "FR": (("LGW", "DUB"), ("DUB", "MAD"), ("LGW", "FCO"), ("MAD", "FCO"), ("DUB", "AMS")),
}

CABINS: Final = ("economy", "premium", "business", "first")
FARE_CLASS: Final = {"economy": "Y", "premium": "W", "business": "J", "first": "F"}
SHORT_HAUL_KM: Final = 2500
LONG_HAUL_KM: Final = 5000


@dataclass(frozen=True)
class CabinPlan:
    cabin: str
    capacity: int
    base_fare_minor: int  # USD cents before the per-day variation


@dataclass(frozen=True)
class ScheduledFlight:
    """One daily departure of one route (a "slot"): the same every day."""

    carrier: str
    number: str
    origin: str
    destination: str
    depart_local: time
    duration_minutes: int
    distance_km: int
    aircraft: str
    cabins: tuple[CabinPlan, ...]
    kind: str  # "intra" | "gateway" | "feeder" | "low_cost"

    @property
    def key(self) -> tuple[str, str]:
        return self.carrier, self.number


def great_circle_km(a: str, b: str) -> int:
    ha, hb = hubs()[a], hubs()[b]
    lat1, lon1, lat2, lon2 = map(math.radians, (ha.lat, ha.lon, hb.lat, hb.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return round(2 * 6371 * math.asin(math.sqrt(h)))


def block_minutes(distance_km: int) -> int:
    """Cruise at ~800 km/h plus 30 minutes of taxi, rounded to 5 minutes."""
    raw = distance_km / 800 * 60 + 30
    return max(5, int(5 * round(raw / 5)))


def _is_gateway_pair(a: str, b: str) -> bool:
    return any((a in left and b in right) or (b in left and a in right) for left, right in GATEWAYS)


def _gateways_towards(region: str, other: str) -> frozenset[str]:
    """Hubs of ``region`` that fly direct to ``other``'s gateways."""
    out: set[str] = set()
    for left, right in GATEWAYS:
        for side, far in ((left, right), (right, left)):
            if any(hubs()[c].region == other for c in far):
                out |= {c for c in side if hubs()[c].region == region}
    return frozenset(out)


def _undirected_routes() -> dict[frozenset[str], str]:
    """Every undirected route with its kind."""
    routes: dict[frozenset[str], str] = {}
    for a, b in combinations(HUB_CODES, 2):
        if same_metro(a, b):
            continue
        ra, rb = hubs()[a].region, hubs()[b].region
        if ra == rb:
            routes[frozenset((a, b))] = "intra"
        elif _is_gateway_pair(a, b):
            routes[frozenset((a, b))] = "gateway"
    # Feeders: each hub that is not a gateway towards another region gets one
    # long-haul link to the nearest of that region's gateways towards it.
    for code in HUB_CODES:
        region = hubs()[code].region
        for other in (r for r in (NA, EU, AP) if r != region):
            if code in _gateways_towards(region, other):
                continue
            far = sorted(_gateways_towards(other, region), key=lambda g: (great_circle_km(code, g), g))
            if far:
                routes.setdefault(frozenset((code, far[0])), "feeder")
    return routes


def _frequency(pair: frozenset[str], kind: str, distance: int) -> int:
    if pair in TRUNKS:
        return TRUNKS[pair]
    if kind == "intra":
        both_big = all(c in _BIG for c in pair)
        return 2 + int(both_big) + int(distance < 1200)
    if kind == "gateway":
        return 1 + int(all(c in _BIG for c in pair) and unit("freq", *sorted(pair)) < 0.3)
    return 1


def _carriers_for(pair: frozenset[str]) -> list[str]:
    """Carriers for a route, in a stable per-route order (slot i takes [i % n])."""
    based = [c.code for c in CARRIERS if any(code in c.bases for code in pair)]
    regions = {hubs()[code].region for code in pair}
    if len(based) < 2 and len(regions) == 1:
        (region,) = regions
        extra = [c for c in _REGION_DEFAULTS[region] if c not in based]
        extra.sort(key=lambda c: stable_hash("fill", *sorted(pair), c))
        based.append(extra[0])
    if not based:  # a cross-region route with nobody based at either end
        based = list(_REGION_DEFAULTS[hubs()[min(pair)].region])
    based.sort(key=lambda c: stable_hash("carrier", *sorted(pair), c))
    return based


# Local departure windows (start, end) in minutes after midnight, by direction.
def _window(origin: str, destination: str, kind: str) -> tuple[int, int]:
    ro, rd = hubs()[origin].region, hubs()[destination].region
    if kind in ("intra", "low_cost"):
        return 6 * 60, 21 * 60 + 30
    if (ro, rd) == (NA, EU):
        return 17 * 60, 22 * 60 + 30  # overnight eastbound, morning arrival
    if (ro, rd) == (EU, NA):
        return 8 * 60 + 30, 17 * 60 + 30
    if (ro, rd) == (NA, AP):
        return 10 * 60, 14 * 60
    if (ro, rd) == (AP, NA):
        return 16 * 60, 20 * 60
    if (ro, rd) == (EU, AP):
        return 19 * 60, 22 * 60 + 30
    return 8 * 60, 23 * 60


def _departure(origin: str, destination: str, kind: str, slot: int, slots: int) -> time:
    start, end = _window(origin, destination, kind)
    base = start if slots == 1 else start + slot * (end - start) / (slots - 1)
    if slots == 1:
        base = start + unit("dep1", origin, destination) * (end - start)
    jitter = (unit("dep", origin, destination, slot) - 0.5) * 40
    minutes = int(5 * round((base + jitter) / 5))
    minutes = min(max(minutes, 5 * 60), 23 * 60 + 55)
    return time(minutes // 60, minutes % 60)


def _aircraft(distance: int, low_cost: bool, seed: str) -> str:
    pick = unit("aircraft", seed) < 0.5
    if low_cost:
        return "A321neo" if pick else "A320neo"
    if distance < SHORT_HAUL_KM:
        return "A320neo" if pick else "737-800"
    if distance < LONG_HAUL_KM:
        return "A321neo" if pick else "757-200"
    if distance < 9000:
        return "787-9" if pick else "A330-300"
    return "777-300ER" if pick else "A350-900"


def base_economy_fare_usd(distance_km: int) -> float:
    """A one-way economy fare level: a fixed part plus a per-km part."""
    return 39 + 0.105 * distance_km


def _cabins(distance: int, low_cost: bool, seed: str) -> tuple[CabinPlan, ...]:
    u = unit("cabins", seed)
    economy = base_economy_fare_usd(distance) * (0.62 if low_cost else 1.0)
    if low_cost:
        return (CabinPlan("economy", 180 + int(u * 20), round(economy * 100)),)
    plans = [CabinPlan("economy", 138 + int(u * 36), round(economy * 100))]
    if distance >= SHORT_HAUL_KM:
        plans.append(CabinPlan("premium", 24 + int(u * 9), round(economy * 1.65 * 100)))
    business_factor = 2.4 if distance < SHORT_HAUL_KM else 3.2 if distance < LONG_HAUL_KM else 4.3
    business_seats = 12 + int(u * 6) if distance < SHORT_HAUL_KM else 20 + int(u * 9)
    plans.append(CabinPlan("business", business_seats, round(economy * business_factor * 100)))
    if distance >= LONG_HAUL_KM:
        plans.append(CabinPlan("first", 6 + int(u * 3), round(economy * 7.0 * 100)))
    return tuple(plans)


class _Numbers:
    """Per-carrier flight numbers: long haul from 1, regional from 1001.

    A route's two directions share a pair of numbers (odd one way, even back),
    as airlines do.
    """

    def __init__(self) -> None:
        self._next: dict[tuple[str, bool], int] = defaultdict(lambda: 0)

    def pair(self, carrier: str, long_haul: bool) -> tuple[str, str]:
        start = 1 if long_haul else 1001
        n = start + 2 * self._next[carrier, long_haul]
        self._next[carrier, long_haul] += 1
        return str(n), str(n + 1)


def _flight(carrier: str, number: str, origin: str, destination: str, depart: time,
            kind: str) -> ScheduledFlight:
    distance = great_circle_km(origin, destination)
    low_cost = CARRIER_BY_CODE[carrier].low_cost
    seed = f"{carrier}{number}"
    return ScheduledFlight(
        carrier=carrier,
        number=number,
        origin=origin,
        destination=destination,
        depart_local=depart,
        duration_minutes=block_minutes(distance),
        distance_km=distance,
        aircraft=_aircraft(distance, low_cost, seed),
        cabins=_cabins(distance, low_cost, seed),
        kind=kind,
    )


@lru_cache(maxsize=1)
def schedule() -> tuple[ScheduledFlight, ...]:
    """The full daily schedule (every route and slot), sorted and stable."""
    numbers = _Numbers()
    out: list[ScheduledFlight] = []

    def emit(a: str, b: str, carrier: str, slot: int, slots: int, kind: str) -> None:
        forward, back = numbers.pair(carrier, long_haul=kind in ("gateway", "feeder"))
        for (o, d), number in (((a, b), forward), ((b, a), back)):
            out.append(_flight(carrier, number, o, d, _departure(o, d, kind, slot, slots), kind))

    routes = _undirected_routes()
    for pair in sorted(routes, key=sorted):
        a, b = sorted(pair)
        kind = routes[pair]
        distance = great_circle_km(a, b)
        slots = _frequency(pair, kind, distance)
        carriers = _carriers_for(pair)
        for slot in range(slots):
            emit(a, b, carriers[slot % len(carriers)], slot, slots, kind)
    for carrier, pairs in LOW_COST_ROUTES.items():
        for a, b in pairs:
            # Midday, between the others' slots: one extra, cheap frequency.
            emit(a, b, carrier, 1, 3, "low_cost")
    _bridge_gaps(out, numbers, routes)
    out.sort(key=lambda f: (f.origin, f.destination, f.depart_local, f.carrier, f.number))
    return tuple(out)


# --- one-stop connectivity ---------------------------------------------------
#
# Routes alone do not make a one-stop trip possible: the second flight must
# leave 45 min - 6 h after the first lands. After laying out the regular slots,
# we check every pair without a direct flight on a winter and a summer day
# (time-zone offsets move with daylight saving) and, where no connection
# exists, add one "bridge" frequency timed to leave about 3 hours after the
# feeding flight lands: the margin absorbs the one- or two-hour DST drift
# between regions on other days.

_REFERENCE_DAYS: Final = (date(2027, 1, 13), date(2027, 7, 14))
_MIN_CONNECTION = timedelta(minutes=45)
_MAX_CONNECTION = timedelta(hours=6)
_BRIDGE_GAP = timedelta(hours=3)


def _utc_departure(f: ScheduledFlight, day: date) -> datetime:
    local = datetime.combine(day, f.depart_local, tzinfo=ZoneInfo(hubs()[f.origin].tz))
    return local.astimezone(UTC)


def _departures(flights: list[ScheduledFlight], day: date) -> dict[str, list[tuple[ScheduledFlight, datetime, datetime]]]:
    """origin -> (flight, departure, arrival) in UTC, from the day before ``day`` to two after.

    The day before matters: westbound across the date line, a flight can land
    on the previous local date.
    """
    out: dict[str, list[tuple[ScheduledFlight, datetime, datetime]]] = defaultdict(list)
    for f in flights:
        for k in range(-1, 3):
            dep = _utc_departure(f, day + timedelta(days=k))
            out[f.origin].append((f, dep, dep + timedelta(minutes=f.duration_minutes)))
    return out


def _connects(a: str, b: str, deps: dict[str, list[tuple[ScheduledFlight, datetime, datetime]]],
              day: date) -> bool:
    tz = ZoneInfo(hubs()[a].tz)
    first_day_start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    first_day_end = datetime.combine(day, time(23, 59), tzinfo=tz).astimezone(UTC)
    for f1, dep1, arr1 in deps[a]:
        x = f1.destination
        if not first_day_start <= dep1 <= first_day_end or same_metro(x, b):
            continue
        for f2, dep2, _ in deps[x]:
            if f2.destination == b and _MIN_CONNECTION <= dep2 - arr1 <= _MAX_CONNECTION:
                return True
    return False


def _local_time(code: str, at: datetime) -> time:
    local = at.astimezone(ZoneInfo(hubs()[code].tz))
    minutes = int(5 * round((local.hour * 60 + local.minute) / 5)) % (24 * 60)
    return time(minutes // 60, minutes % 60)


def _bridge_gaps(out: list[ScheduledFlight], numbers: _Numbers,
                 routes: dict[frozenset[str], str]) -> None:
    direct = {(f.origin, f.destination) for f in out}
    for day in _REFERENCE_DAYS:
        deps = _departures(out, day)
        gaps = [
            (a, b)
            for a in HUB_CODES
            for b in HUB_CODES
            if not same_metro(a, b) and (a, b) not in direct and not _connects(a, b, deps, day)
        ]
        for a, b in gaps:
            if _connects(a, b, deps, day):
                continue  # an earlier bridge already serves this pair
            bridge = _best_bridge(a, b, deps, routes, day)
            kind = routes[frozenset((bridge[0], bridge[1]))]
            carriers = _carriers_for(frozenset(bridge[:2]))
            carrier = carriers[stable_hash("bridge", *bridge[:2]) % len(carriers)]
            number, _ = numbers.pair(carrier, long_haul=kind in ("gateway", "feeder"))
            flight = _flight(carrier, number, bridge[0], bridge[1], bridge[2], kind)
            out.append(flight)
            for k in range(-1, 3):
                dep = _utc_departure(flight, day + timedelta(days=k))
                deps[flight.origin].append((flight, dep, dep + timedelta(minutes=flight.duration_minutes)))


def _best_bridge(
    a: str,
    b: str,
    deps: dict[str, list[tuple[ScheduledFlight, datetime, datetime]]],
    routes: dict[frozenset[str], str],
    day: date,
) -> tuple[str, str, time]:
    """The added slot (origin, destination, local departure) giving the quickest a -> b trip."""
    options: list[tuple[timedelta, str, str, str, time]] = []
    for f1, dep1, arr1 in deps[a]:
        x = f1.destination
        if dep1.date() > day + timedelta(days=1) or same_metro(x, b) or frozenset((x, b)) not in routes:
            continue
        leave = arr1 + _BRIDGE_GAP
        trip = leave + timedelta(minutes=block_minutes(great_circle_km(x, b))) - dep1
        options.append((trip, x, b, "after", _local_time(x, leave)))
    for x, flights in deps.items():
        if same_metro(x, a) or frozenset((a, x)) not in routes:
            continue
        for f2, dep2, arr2 in flights:
            if f2.destination != b:
                continue
            leave = dep2 - _BRIDGE_GAP - timedelta(minutes=block_minutes(great_circle_km(a, x)))
            options.append((arr2 - leave, a, x, "before", _local_time(a, leave)))
    if not options:  # pragma: no cover - the route design always offers one
        raise RuntimeError(f"no way to connect {a} and {b}")
    _, origin, destination, _, depart = min(options)
    return origin, destination, depart


def schedule_for(selected: frozenset[str] | None = None) -> tuple[ScheduledFlight, ...]:
    """The schedule restricted to routes whose both ends are in ``selected``."""
    if selected is None:
        return schedule()
    return tuple(f for f in schedule() if f.origin in selected and f.destination in selected)


# --- flying times, as the schedule flies them -----------------------------------


@dataclass(frozen=True)
class RouteTime:
    """The quickest way the schedule flies between two places (what a policy's cabin
    rule looks at before any search: direct when there is a direct flight)."""

    origin: str
    destination: str
    flying_minutes: int  # the legs' durations, layovers excluded
    longest_leg_minutes: int
    via: str | None = None  # the connecting airport of a one-stop route


@lru_cache(maxsize=1)
def _leg_minutes() -> dict[tuple[str, str], int]:
    """Shortest scheduled duration of every direct (origin, destination)."""
    legs: dict[tuple[str, str], int] = {}
    for f in schedule():
        key = (f.origin, f.destination)
        legs[key] = min(legs.get(key, f.duration_minutes), f.duration_minutes)
    return legs


def quickest_route(origins: Iterable[str], destinations: Iterable[str]) -> RouteTime | None:
    """The shortest direct flight between any of ``origins`` and ``destinations``; the
    quickest one-stop route only when no direct flight exists; None when neither does
    (two airports of one metro: nobody flies JFK–LGA)."""
    legs = _leg_minutes()
    pairs = [(a, b) for a in origins for b in destinations if not same_metro(a, b)]
    direct = [
        RouteTime(a, b, legs[(a, b)], legs[(a, b)]) for a, b in pairs if (a, b) in legs
    ]
    if direct:
        return min(direct, key=lambda r: (r.flying_minutes, r.origin, r.destination))
    via = [
        RouteTime(a, b, legs[(a, x)] + legs[(x, b)], max(legs[(a, x)], legs[(x, b)]), x)
        for a, b in pairs
        for x in HUB_CODES
        if (a, x) in legs and (x, b) in legs
    ]
    if via:
        return min(via, key=lambda r: (r.flying_minutes, r.origin, r.destination, r.via or ""))
    return None
