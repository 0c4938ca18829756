"""Finding the user's own bookings from what they say ("cancel my Paris trip", "it")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from concierge.planner import render
from concierge.planner.flows.base import INACTIVE, Call, Context, Reply
from concierge.planner.flows.options import pick
from concierge.planner.nlu.flight_numbers import flight_numbers as flight_numbers
from concierge.planner.nlu.intents import Understanding
from concierge.planner.nlu.parts import TripPart
from concierge.planner.state import State, Turn, typed
from core.catalogue.places import lookup_place
from tools.list_trips import TripOut
from tools.views import BookingOut, city_of


def trip_matches(
    trip: dict[str, Any], u: Understanding, ctx: Context, *, from_ok: bool = False
) -> bool:
    """Whether a ``list_trips`` row is the trip the message names, by its fields: the
    cities it goes to (and, for a place named as where a flight leaves from, the one it
    starts from: "my Boston to Paris flight"), its days, its traveller and its flight
    numbers. ``from_ok``: a place named with no role may be where the trip starts ("the
    boston one" for the trip from Boston to Paris)."""
    t = typed(TripOut, trip)
    if t is None:
        return False
    for mention in u.places:
        if mention.place is None:
            continue
        city = mention.place.city
        starts = (mention.role == "origin" or (from_ok and mention.role is None)) and (
            city == t.origin
        )
        if city not in t.places and not starts:
            return False
    if u.dates.depart is not None:
        if not (t.start and t.end and t.start <= u.dates.depart.isoformat() <= t.end):
            return False
    if u.person and u.person.lower() not in t.traveler.lower():
        return False
    if u.status and t.status != u.status:
        return False
    numbers = {f.replace(" ", "").upper() for f in t.flights}
    return all(code in numbers for code in flight_numbers(u.text))


_ROUTE = re.compile(r"\b([A-Z]{3})→([A-Z]{3})\b")


def home_city(ctx: Context) -> str | None:
    place = lookup_place(str(ctx.profile.get("home_airport") or ""), fuzzy=False)
    return place.city if place is not None else None


def flies_home(trip: TripOut, home: str | None) -> bool:
    """Whether a trip has a flight home: one into the traveller's home city, or back to
    the city the trip starts from, from somewhere else (a one-way trip has none)."""
    back_to = {c for c in (home, trip.origin) if c}
    for leg in trip.legs:
        route = _ROUTE.search(leg.what) if leg.kind == "flight" else None
        if route and city_of(route.group(2)) in back_to and city_of(route.group(1)) not in back_to:
            return True
    return False


def with_flight_home(trips: list[TripOut], home: str | None) -> list[TripOut]:
    """The trips "my flight home", "the return" can mean: those with one, when any has."""
    return [t for t in trips if flies_home(t, home)] or trips


# The caller's own trips ("my trip", "my flight"): never a report's a manager may see.
_MINE: Final = re.compile(r"\bmy\b")


def is_me(traveler: str, me: str) -> bool:
    """Whether a trip's traveller is the caller: the same name, or, when either is a first
    name alone ("Ava" for "Ava Patel"), the same first name. An unnamed traveller is."""
    if not traveler or not me or traveler == me:
        return True
    said, mine = traveler.lower().split(), me.lower().split()
    return (len(said) == 1 or len(mine) == 1) and said[0] == mine[0]


_IT = re.compile(
    r"\b(?:it|that|this|the hold|the booking|this booking|that booking|the reservation)\b"
)


def find_booking(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    purpose: str,
    *,
    homeward: bool = False,
) -> str | Reply | list[Call]:
    """:func:`_find_booking`, refused when the caller may see that booking but not act on
    it: nothing is offered that the core would refuse."""
    found = _find_booking(state, turn, ctx, u, purpose, homeward=homeward)
    if isinstance(found, str):
        refused = not_theirs_to_change(state, found, purpose)
        if refused is not None:
            return refused
    return found


def not_theirs_to_change(
    state: State, booking_id: str, purpose: str, row: dict[str, Any] | None = None
) -> Reply | None:
    """The refusal when the tools said ``booking_id`` is one the caller may see but not
    act on (``view_only``: finance sees the organization's trips but changes none of
    them, the booking core's rule); None when the caller may act on it, or when it isn't
    loaded yet (the core still checks). ``row``: the booking as loaded, if it is."""
    rows = [t for t in state.trips or [] if str(t.get("booking_id")) == booking_id]
    row = row or (rows[0] if rows else state.bookings.get(booking_id) or {})
    seen = typed(TripOut, row) or typed(BookingOut, row)
    if seen is None or not seen.view_only:
        return None
    first = seen.traveler.split(" ")[0]
    return Reply(
        f"I can't {purpose} {first}'s trip **{booking_id}**: you can see {first}'s trips, "
        f"but your role doesn't allow changing or cancelling them — {first}, or someone "
        "who books for them, can. I haven't changed anything."
    )


def _find_booking(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    purpose: str,
    *,
    homeward: bool = False,
) -> str | Reply | list[Call]:
    """The booking a request is about: named, picked from the trips list, "it" (the one
    in this conversation), else the one trip of ``list_trips`` the message fits; a reply
    listing the candidates when several or none do. ``homeward``: the request is about a
    flight home ("move my return flight"), which only a trip with one can mean."""
    if u.booking_id:
        return u.booking_id
    index_refs = [r for r in u.options if r.index is not None]
    if index_refs and state.trips and state.last_shown == "trips":
        # "cancel the second one" right after the trips list.
        picked = pick(state.trips, index_refs[0])
        if isinstance(picked, str):
            return Reply(picked)
        if picked is not None:
            return str(picked["booking_id"])
    if state.trips and state.last_shown == "trips":
        # "the later one", "the earlier one" right after the trips list: by when they start
        in_order = _by_date(state.trips, u)
        if in_order is not None:
            return in_order
    current = state.bookings.get(state.current_booking or "") or {}
    # A status that is not the current booking's ("the one waiting for approval") names another.
    hinted = bool(u.places or u.dates.depart or u.person) or (
        u.status is not None and current.get("status") != u.status
    )
    if not hinted and state.current_booking and (_IT.search(u.text.lower()) or state.trips is None):
        if current.get("status") not in INACTIVE:
            return state.current_booking
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    if listing.error:
        return Reply(f"I couldn't load your trips: {render.error_text(listing.error)}")
    rows = [t for t in (state.trips or []) if t.get("status") not in INACTIVE]
    matches = [t for t in rows if trip_matches(t, u, ctx)]
    if not matches and u.places:
        # "the boston one": no trip goes there, the one leaving from there.
        matches = [t for t in rows if trip_matches(t, u, ctx, from_ok=True)]
    if homeward and len(matches) > 1:
        typed_rows = {t.booking_id: t for t in (typed(TripOut, r) for r in matches) if t}
        home = home_city(ctx)
        kept = {t.booking_id for t in with_flight_home(list(typed_rows.values()), home)}
        matches = [r for r in matches if r.get("booking_id") in kept]
    where = ""
    if u.places and u.places[0].place is not None:
        where = f" to {u.places[0].place.city}"
    me = str(ctx.profile.get("name") or "")
    if me and matches and not u.person and _MINE.search(u.text.lower()):
        # "cancel my trip to London" from a manager who sees a report's London trip: "my"
        # names the caller's own trips, never someone else's they may act on.
        mine = [t for t in matches if is_me(str(t.get("traveler") or ""), me)]
        if not mine:
            theirs = [t for t in (typed(TripOut, r) for r in matches) if t is not None]
            return Reply(
                f"You have no trip{where} of your own. "
                + ("The one I can see is" if len(theirs) == 1 else "Those I can see are")
                + " someone else's:\n"
                + trip_lines(theirs, me)
                + f'\n\nIf you mean theirs, say whose (e.g. "{purpose} '
                + f"{theirs[0].traveler.split(' ')[0]}'s trip\"); I haven't changed anything."
            )
        matches = mine
    if len(matches) == 1:
        return str(matches[0]["booking_id"])
    trips = [t for t in (typed(TripOut, r) for r in rows) if t is not None]
    if not matches:
        if not trips:
            return Reply("You don't have any active trips right now.")
        return Reply(
            f"I couldn't find an active trip{where}. Your trips:\n"
            + trip_lines(trips)
            + f"\n\nWhich one do you want to {purpose}?"
        )
    found = [t for t in (typed(TripOut, r) for r in matches) if t is not None]
    return Reply(
        f"You have {len(matches)} trips{where}:\n"
        + trip_lines(found)
        + f"\n\nWhich one do you want to {purpose}? (give me the booking reference)"
    )


# A ranking said of trips, by the day they start (picks.yaml "best" and "comparatives":
# "the later one", "the earlier one", "the soonest").
_IN_TIME: Final = {"earliest": min, "latest": max}


def _by_date(trips: list[dict[str, Any]], u: Understanding) -> str | None:
    """The active trip a ranking by time names among those listed ("the later one": the
    one that starts last), or None when the message names none, or more than that."""
    refs = [r for r in u.options if r.best in _IN_TIME and r.index is None]
    if len(refs) != 1 or len(u.options) != 1 or u.places or u.dates.depart or u.person:
        return None
    dated = [t for t in trips if t.get("status") not in INACTIVE and t.get("start")]
    if len(dated) < 2:
        return None
    ranked = _IN_TIME[str(refs[0].best)](dated, key=lambda t: str(t["start"]))
    return str(ranked["booking_id"])


def trip_lines(trips: list[TripOut], me: str = "") -> str:
    """The trips, numbered as listed; a trip someone else takes (a manager's report's)
    says whose it is, when ``me`` (the caller's name) is given."""
    lines = []
    for i, t in enumerate(trips, start=1):
        expiry = f", hold until {render.hold_time(t.hold_expires_at)}" if t.status == "held" else ""
        where = f"{' and '.join(t.places)}: " if t.places else ""
        whose = f"{t.traveler} — " if me and t.traveler and t.traveler != me else ""
        lines.append(
            f"{i}. {whose}**{t.booking_id}** — {where}{t.summary} · {render.money(t.total.model_dump())} · "
            f"{render.status_text(t.status)}{expiry}"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class BookedPart:
    """A flight or a stay of a booking, as a request about part of it sees it."""

    kind: str  # flight | hotel
    origin: str | None = None  # a flight's airports
    destination: str | None = None
    what: str | None = None  # a flight's number and route ("BA 18 LHR→JFK"), a hotel's name


def booking_parts(state: State, booking_id: str) -> list[BookedPart]:
    """The live flights and stays of a booking, in order: from its last ``get_booking`` or
    ``reserve`` output in this conversation, else from its ``list_trips`` row."""
    booking = state.bookings.get(booking_id) or {}
    segments = [s for s in booking.get("segments") or [] if s.get("status") not in INACTIVE]
    if segments:
        return [
            BookedPart(
                str(s.get("kind")),
                s.get("origin"),
                s.get("destination"),
                _part_what(s),
            )
            for s in segments
        ]
    row = next((t for t in state.trips or [] if t.get("booking_id") == booking_id), None)
    trip = typed(TripOut, row)
    parts = []
    for leg in trip.legs if trip is not None else []:
        route = _ROUTE.search(leg.what) if leg.kind == "flight" else None
        parts.append(
            BookedPart(
                leg.kind,
                route.group(1) if route else None,
                route.group(2) if route else None,
                leg.what,
            )
        )
    return parts


def _part_what(segment: dict[str, Any]) -> str | None:
    """A booked segment as a refusal names it: the flight and its route, or the hotel."""
    if segment.get("kind") == "flight" and segment.get("flight"):
        route = " → ".join(str(segment.get(k)) for k in ("origin", "destination") if segment.get(k))
        return f"{segment['flight']} {route}".strip()
    return str(segment.get("hotel") or "") or None


def parts_named(
    parts: list[BookedPart], part: TripPart, home: str | None
) -> list[BookedPart] | None:
    """The parts of a booking a request names ("just the hotel", "the return leg", "the
    flights, keep the hotel"); None when it names the booking as a whole."""
    flights = [p for p in parts if p.kind == "flight"]
    if part.kind == "hotel":
        return [p for p in parts if p.kind == "hotel"]
    if part.leg == "out":
        return flights[:1]
    if part.leg == "home":
        start = city_of(flights[0].origin) if flights and flights[0].origin else None
        back_to = {c for c in (home, start) if c}
        return [
            p
            for p in flights
            if city_of(p.destination or "") in back_to and city_of(p.origin or "") not in back_to
        ]
    if part.kind == "flight" and part.rest_stays:
        return flights
    return None
