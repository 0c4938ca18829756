"""Booking what a colleague has booked: "put me on her flight out on the 14th", "the same
hotel as Ava in London, same nights as her", "book Mia on Ava's flight home".

The colleague's trip is one of those the caller may see (``list_trips``: their own and,
for a manager, their reports' — the core's rule, never the planner's). Its flight (out,
back, or the one of the day said) is searched on its route and day, or its hotel in its
city for its nights (or the nights said), and the same flight or hotel is held from that
search for the traveller of the request (the caller, or whom they book for); its
confirmation is then asked as for any hold. No such trip the caller may see: the request
is read as it reads otherwise (a place and a day said are searched).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any, Final

from concierge.planner.flows import booking, search
from concierge.planner.flows.base import INACTIVE, Call, Context, Decision, Reply
from concierge.planner.nlu.colleague_trip import TripOf
from concierge.planner.nlu.intents import Intent, OptionRef, Understanding
from concierge.planner.state import Draft, State, Turn
from core.catalogue.places import lookup_place
from tools.list_trips import ListTripsOutput, TripLegOut, TripOut

# "BA 19 JFK→LHR", "UA 1024 + BA 3 EWR→LHR": the flight numbers and the two airports
_FLIGHT_LEG: Final = re.compile(
    r"^(?P<numbers>.+?)\s+(?P<origin>[A-Z]{3})→(?P<destination>[A-Z]{3})$"
)

_ASKS: Final = {Intent.SEARCH, Intent.SELECT, Intent.UNKNOWN, Intent.BOOKING}


def applies(u: Understanding, intent: Intent) -> bool:
    return u.trip_of is not None and intent in _ASKS


def decide(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    ref = u.trip_of
    if ref is None:
        return None
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    out = listing.typed(ListTripsOutput)
    city = _city_said(u)
    trip = _trip(out.trips if out is not None else [], ref, city, u.dates.depart)
    if trip is None:
        return None  # no such trip the caller may see: the request as it reads otherwise
    fresh = Draft(
        traveller=None if u.for_self else state.draft.traveller,
        passengers=state.draft.passengers,
        companions=list(state.draft.companions),
        guests=list(state.draft.guests),
        with_self=state.draft.with_self,
        cabin=state.draft.cabin,
        started=True,
    )
    if ref.part == "hotel":
        target = _stay(trip, city, u, fresh)
        kind, what = "hotel", f"{ref.who}'s hotel"
    else:
        target = _flight(trip, ref, city, u.dates.depart, fresh)
        kind, what = "flight", f"{ref.who}'s flight"
    if target is None:
        return None
    state.draft = fresh
    asked = Understanding(
        text=u.text,
        intent=Intent.SEARCH,
        book_for=u.book_for,
        for_self=u.for_self,
        want_flight=kind == "flight",
        want_hotel=kind == "hotel",
    )
    decision = search.search(state, turn, ctx, asked)
    searched = turn.last("search_hotels" if kind == "hotel" else "search_flights")
    if searched is None or isinstance(decision, list):
        return decision
    listed = state.shown.get("hotels" if kind == "hotel" else "flights")
    option = next(
        (o for o in (listed.items if listed is not None else []) if _same(kind, o, target)), None
    )
    if option is None:
        note = f"{what.capitalize()} ({target}) isn't among these options, so nothing is held."
        text = decision.text if isinstance(decision, Reply) else ""
        return Reply("\n\n".join(p for p in (text, note) if p))
    pick_it = replace(asked, intent=Intent.SELECT)
    return booking.hold_named(
        state, turn, ctx, pick_it, [OptionRef(index=int(option["option"]), kind=kind)]
    )


def _city_said(u: Understanding) -> str | None:
    """The city the message names for the trip ("in London", "home from London")."""
    for mention in (u.destination, u.origin, *u.places):
        if mention is not None and mention.place is not None:
            return mention.place.city
    return None


def _first(name: str) -> str:
    return (name.split() or [""])[0].lower()


def _trip(trips: list[TripOut], ref: TripOf, city: str | None, day: date | None) -> TripOut | None:
    """The colleague's active trip meant: to the city said, around the day said."""
    theirs = [
        t for t in trips if t.status not in INACTIVE and _first(t.traveler) == ref.who.lower()
    ]
    if city:
        theirs = [t for t in theirs if city in t.places or t.origin == city]
    if day is not None:
        dated = [t for t in theirs if t.start and t.end and t.start <= day.isoformat() <= t.end]
        theirs = dated or theirs
    return min(theirs, key=lambda t: t.start or "", default=None)


def _flight(trip: TripOut, ref: TripOf, city: str | None, day: date | None, d: Draft) -> str | None:
    """The trip's flight meant (of the day said, else out or back, else into the city
    said, else the first), put on the draft as a one-way search: its numbers."""
    flights = [
        (leg, m)
        for leg in trip.legs
        if leg.kind == "flight"
        for m in [_FLIGHT_LEG.match(leg.what)]
        if m
    ]
    if not flights:
        return None
    chosen = None
    if day is not None:
        chosen = next((f for f in flights if f[0].starts[:10] == day.isoformat()), None)
    if chosen is None and ref.direction == "back":
        chosen = flights[-1]
    if chosen is None and ref.direction is None and city:
        chosen = next((f for f in flights if _city_of(f[1].group("destination")) == city), None)
    chosen = chosen or flights[0]
    leg, m = chosen
    d.origin, d.destination = m.group("origin"), m.group("destination")
    d.origin_city, d.destination_city = _city_of(d.origin), _city_of(d.destination)
    d.depart = date.fromisoformat(leg.starts[:10])
    d.want_flight, d.want_hotel, d.one_way = True, False, True
    return str(m.group("numbers"))


def _stay(trip: TripOut, city: str | None, u: Understanding, d: Draft) -> str | None:
    """The trip's hotel (in the city said), its nights or those said, put on the draft: its
    name."""
    stays = [leg for leg in trip.legs if leg.kind == "hotel" and ", " in leg.what]
    if city:
        stays = [leg for leg in stays if leg.what.rsplit(", ", 1)[1] == city] or stays
    if not stays:
        return None
    leg: TripLegOut = stays[0]
    name, where = leg.what.rsplit(", ", 1)
    check_in, check_out = date.fromisoformat(leg.starts[:10]), date.fromisoformat(leg.ends[:10])
    if u.dates.depart is not None and u.dates.ret is not None and u.dates.ret > u.dates.depart:
        check_in, check_out = u.dates.depart, u.dates.ret  # "the same hotel as Ava, 15-17"
    d.destination = d.destination_city = where
    d.depart, d.ret, d.nights = check_in, check_out, None
    d.stay = (check_in, check_out)
    d.want_hotel, d.want_flight = True, False
    return name


def _city_of(code: str) -> str | None:
    place = lookup_place(code, fuzzy=False)
    return place.city if place is not None else None


def _same(kind: str, option: dict[str, Any], target: str) -> bool:
    if kind == "hotel":
        return str(option.get("name") or "") == target
    numbers = [str(n) for n in option.get("flights") or []]
    return " + ".join(numbers) == target
