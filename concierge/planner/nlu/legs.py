"""Multi-city itineraries: "JFK → London on 14 Dec, then London → Dublin on the 17th,
and Dublin back to New York on the 19th" is three flights, not a round trip.

The message is cut into clauses at the words that chain legs ("then", "after that",
"and", ";", a comma); a clause with a place to fly from (named, or where the last leg landed),
a place to fly to and one day is a leg. Each clause is read by the same place and
date readers as a whole message; a bare day counts from the previous leg ("on the
17th" after 14 Jan is 17 Jan). It is an itinerary only when the legs chain on
(each starts where the last one landed) and are not simply there and back. A first leg
naming only where it goes leaves from home ("London on the 14th, then Paris on the 17th,
then back on the 20th").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import pairwise
from typing import Final

from concierge.planner.nlu.dates import read_dates
from concierge.planner.nlu.places import PlaceMention, find_places, roles

_CLAUSE: Final = re.compile(
    r"(?:;|\.\s|,?\s*\b(?:and then|then|after that|afterwards|followed by|and finally|finally)\b|,\s*and\b|,"
    # "and" before the way on or home ("on to Atlanta on the 10th and home on the 12th")
    r"|\s+and\s+(?=(?:(?:fly|flying|head|heading|go|going|come|coming)\s+)?(?:back|home|on\s*to)\b))"
)


# An arrow between two stops ("JFK > BOS 10 dec > ORD 12 dec > JFK 14 dec").
_ARROW: Final = re.compile(r"\s*(?:->|=>|→|⇒|➡️?|>)\s*")


def _arrow_chain(clause: str, now: datetime, month_first: bool) -> list[str]:
    """ "JFK > BOS 10 dec > ORD 12 dec > JFK 14 dec", one clause drawn as a chain: cut
    before each arrow that follows a day, so each part is one leg ("> ORD 12 dec", read
    from where the last leg landed)."""
    arrows = list(_ARROW.finditer(clause))
    if len(arrows) < 2:
        return [clause]
    parts, begin = [], 0
    for arrow in arrows:
        if read_dates(clause[begin : arrow.start()], now, month_first=month_first).depart:
            parts.append(clause[begin : arrow.start()])
            begin = arrow.start()
    parts.append(clause[begin:])
    return parts


# "then home on the 18th", "Boston back home on the 11th", "and back on the 20th" (no place
# named): a leg to the traveller's home (the dialogue knows where that is;
# ``LegReading.to_home``).
_HOME: Final = re.compile(r"\bhome\b")
# The way home left to the traveller ("I'll sort out getting home myself", "no need for a
# flight back"): a remark after the legs, not a leg without a day.
_OWN_WAY: Final = re.compile(
    r"\b(?:myself|my own|own way|sort(?:ing)? (?:\w+ )?out|no need|(?:do not|don't|won't|"
    r"will not) need|not needed|one[- ]way)\b",
    re.IGNORECASE,
)
_BACK: Final = re.compile(r"\bback\b")


@dataclass(frozen=True)
class LegReading:
    origin: PlaceMention
    destination: PlaceMention  # place None: home (``to_home``)
    day: date

    @property
    def to_home(self) -> bool:
        return self.destination.place is None

    @property
    def from_home(self) -> bool:
        """ "London on the 14th, then Paris on the 17th, ...": the first leg names only where
        it goes, so it leaves from the traveller's home."""
        return self.origin.place is None


def _city(m: PlaceMention) -> str | None:
    return m.place.city if m.place is not None else None


def read_legs(text: str, now: datetime, *, month_first: bool = True) -> list[LegReading]:
    """The legs of a multi-city trip in ``text``, or [] when it is not one."""
    clauses = [
        part
        for c in _CLAUSE.split(text)
        if c and c.strip()
        for part in _arrow_chain(c, now, month_first)
    ]
    if len(clauses) < 2:
        return []
    legs: list[LegReading] = []
    stop: PlaceMention | None = None  # a stop named alone, where the next leg leaves from
    for said in clauses:
        arrow = _ARROW.match(said)
        # "> ORD 12 dec": from where the last leg landed, named so the arrow reads as a route
        homeward = _HOME.search(said) or _BACK.search(said)
        clause = f"{legs[-1].destination.text}{said}" if arrow and legs and not homeward else said
        places = [p for p in find_places(clause) if p.place is not None]
        # "coming back from Paris on the 18th": a place flown back from is no destination
        from_only = all(p.role == "origin" for p in places)
        home = (
            (_HOME.search(clause) or (_BACK.search(clause) if from_only else None))
            if legs
            else None
        )
        if not places and home is None:
            continue  # "Economy is fine."
        if not places and legs and _OWN_WAY.search(clause):
            continue  # "I'll sort out getting home myself": no leg, the trip ends there
        anchor = now if not legs else datetime.combine(legs[-1].day, now.timetz())
        dates = read_dates(clause, anchor, month_first=month_first)
        if home is None and len(places) == 1 and dates.depart is None and not dates.question:
            # "JFK > BOS 10 dec > ...": the first stop, named with no day
            stop = replace(places[0], role="origin")
            continue
        if home is not None and len(places) <= 1 and all(p.role != "destination" for p in places):
            # "then home fri 18th", "Boston back home on the 11th": from where the last leg
            # landed (or the place named), to home; its one day may read as a return.
            day = dates.ret if dates.depart is None or dates.depart == legs[-1].day else None
            day = day or dates.depart
            if day is None or dates.question or (dates.ret and dates.ret != day):
                return []
            start = places[0] if places else legs[-1].destination
            there = PlaceMention(home.start(), home.end(), home.group(0), None, "destination")
            began = legs[0].origin
            if places and not _HOME.search(clause) and began.place is not None:
                # "Boston to Madrid Jan 3, back from Dublin Jan 8": back where it began
                there = replace(began, role="destination")
            legs.append(LegReading(start, there, day))
            continue
        if dates.depart is None or dates.ret is not None or dates.question:
            return []
        origin, destination = roles(places)
        if origin is None and stop is not None and destination is not None:
            origin = stop  # "... > BOS 10 dec": from the stop named before it
        elif origin is None and legs and destination is not None:
            origin = legs[-1].destination  # "then on to Dublin on the 17th"
        elif origin is None and not legs and destination is not None and len(places) == 1:
            # "I need to go london on the 14th, then ...": from home
            origin = PlaceMention(destination.start, destination.start, "", None, "origin")
        if origin is None or destination is None or len(places) > 2:
            return []
        if _city(origin) == _city(destination):
            return []  # a clause whose second place went unread is no flight
        legs.append(LegReading(origin, destination, dates.depart))
        stop = None
    if len(legs) < 2:
        return []
    for before, after in pairwise(legs):
        # Home from another city than the last one landed in ("fly into Madrid ..., home
        # out of London"): an open jaw, the way between is the traveller's own.
        open_jaw = after is legs[-1] and (
            after.to_home or _city(after.destination) == _city(legs[0].origin)
        )
        if (_city(after.origin) != _city(before.destination) and not open_jaw) or (
            after.day < before.day
        ):
            return []
    if any(leg.to_home for leg in legs[:-1]):
        return []  # only the last leg goes home
    if len(legs) == 2 and _city(legs[1].origin) == _city(legs[0].destination) and (
        legs[1].to_home or _city(legs[1].destination) == _city(legs[0].origin)
    ):
        return []  # there and back: a round trip, read as one
    return legs


_AND: Final = re.compile(r"\s+and\s+")


@dataclass(frozen=True)
class StayReading:
    """One city's stay of a trip with hotels in several ("Madrid 14–16 Dec, then Paris
    16–18 Dec")."""

    place: PlaceMention
    check_in: date
    check_out: date

    @property
    def city(self) -> str:
        assert self.place.place is not None
        return self.place.place.city


def read_stays(text: str, now: datetime, *, month_first: bool = True) -> list[StayReading]:
    """The stays of a request for hotels in two or more cities, each with its own nights
    ("I'll be in Madrid 14–16 Dec and then Paris 16–18 Dec, need a hotel in both", "hotels:
    dublin 14th-16th, london 16th-18th"), in order; [] when it is not one. Cut into clauses
    like legs; a clause naming one city and a first and last night is a stay, a clause
    naming none is the rest of the request ("need a hotel in both please")."""
    stays: list[StayReading] = []
    # "... London 22-24 Dec and Dublin 24-27 Dec": each stay names its own nights, so a
    # plain "and" parts two of them too.
    for clause in (c for part in _CLAUSE.split(text) if part for c in _AND.split(part)):
        if not clause or not clause.strip():
            continue
        places = [p for p in find_places(clause) if p.place is not None]
        if not places:
            continue
        if len(places) > 1:
            return []
        anchor = now if not stays else datetime.combine(stays[-1].check_in, now.timetz())
        dates = read_dates(clause, anchor, month_first=month_first)
        if dates.depart is None or dates.ret is None or dates.ret <= dates.depart:
            return []
        stays.append(StayReading(places[0], dates.depart, dates.ret))
    if len(stays) < 2 or len({s.city for s in stays}) < len(stays):
        return []
    if any(after.check_in < before.check_in for before, after in pairwise(stays)):
        return []
    return stays
