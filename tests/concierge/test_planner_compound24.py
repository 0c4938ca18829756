"""Trips that are more than one simple search (now = Tue 1 Dec 2026): multi-city flights
and hotels, "same hotel/flight as before", airport alternatives searched side by side,
day ranges, corrections inside a message, a few Spanish words mixed in, several named
travellers on one hold, and the cheapest fare a traveller is allowed.

Phrasings written from the user's side before reading the planner code for these kinds
(only the held-out batch headers were read, for the demo data), run once on main
2beee8b before any fix. First try, by kind: multi-city 3/5 (two hotel cities in one
message: one searched, or read as a flight), same as before 1/4 (the one pass only because
the hotel happened to be listed first), airport alternatives 0/4 (one airport or the whole
metro searched), day ranges 4/4, corrections inside a message 0/4 (the first number, or the
first origin, kept), Spanish mixed in 0/5 (no tool at all; "sí, por favor" not a yes),
named travellers 2/4 (guests named at a pick: a profile lookup; "book Fin and Mia": one seat
searched, nothing held), cheapest allowed 0/3 (answered, nothing held) — 10/33 = 30 %.
One expectation was invalid (the schedule ends 10 Jan: "same flight ... Jan 11" moved to
Jan 9 after the run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    build_worlds,
    dialogue,
    runs_as_expected,
)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    return build_worlds(tmp_path_factory.mktemp("compound24-worlds"), {"empty", "trips"})


def _fs(origin: str, dest: str, date: Any, **more: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"origin": origin, "destination": dest, "date": date, **more}
    return {"tool": "search_flights", "args": args}


def _hs(city: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {
        "tool": "search_hotels",
        "args": {"city": city, "check_in": check_in, "check_out": check_out},
    }


def _flex(origin: str, dest: str, a: str, b: str, n: int) -> dict[str, Any]:
    return {**_fs(origin, dest, {"between": [a, b]}), "count_at_least": n, "distinct": "date"}


NO_BOOK = ["reserve"]
HELD = {"pending": "confirm_booking", "new_bookings": 1, "new_status": "held"}
BOOKED = {"new_bookings": 1, "new_status": "confirmed", "pending": "none"}
TWO_SEATS = {"tool": "reserve", "args": {"items": [{"quantity": 2}]}}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ multi-city
    (
        "multi_city",
        dialogue(
            "Need a hotel in Madrid 9-11 Dec and then one in Paris 11-13 Dec",
            tools_exclude=NO_BOOK,
            calls=[
                _hs("madrid", "2026-12-09", "2026-12-11"),
                _hs("paris", "2026-12-11", "2026-12-13"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "hotels pls: dublin 14th-16th, london 16th-18th",
            tools_exclude=NO_BOOK,
            calls=[
                _hs("dublin", "2026-12-14", "2026-12-16"),
                _hs("london", "2026-12-16", "2026-12-18"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "JFK to Boston on the 14th, then Boston to Chicago on the 16th",
            ("first option on both", HELD),
            segments=[
                {"origin": "JFK", "destination": "BOS", "date": "2026-12-14"},
                {"origin": "BOS", "destination": "Chicago", "date": "2026-12-16"},
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "London to Paris on 10 Dec then Paris to Madrid 13 Dec",
            tools_exclude=NO_BOOK,
            calls=[_fs("London", "Paris", "2026-12-10"), _fs("Paris", "Madrid", "2026-12-13")],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "NYC → Atlanta Dec 9, Atlanta → Miami Dec 11",
            ("the first one for each leg please", HELD),
            segments=[
                {"origin": "New York", "destination": "ATL", "date": "2026-12-09"},
                {"origin": "ATL", "destination": "MIA", "date": "2026-12-11"},
            ],
        ),
    ),
    # ------------------------------------------------------------ same as before
    (
        "same_as_before",
        dialogue(
            "can you get me the same hotel as last time in London, 8-10 January?",
            world="trips",
            calls=[_hs("london", "2027-01-08", "2027-01-10")],
            reply_contains=["Holiday Inn Express"],
        ),
    ),
    (
        "same_as_before",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            ("yes", BOOKED),
            "great - same flight again on the 23rd please",
            calls=[_fs("JFK", "Boston", "2026-12-23")],
            pending="confirm_booking",
        ),
    ),
    (
        "same_as_before",
        dialogue(
            "hotel in Paris 9-11 Dec",
            ("second one", {"pending": "confirm_booking"}),
            ("no not yet", {"pending": "none"}),
            "ok, same hotel but 14th to 16th instead",
            calls=[_hs("paris", "2026-12-14", "2026-12-16")],
            pending="confirm_booking",
        ),
    ),
    (
        "same_as_before",
        dialogue(
            "book me on the same flight as my London one but on Jan 9",
            world="trips",
            calls=[_fs("JFK", "London", "2027-01-09")],
            reply_contains=["BA 19"],
        ),
    ),
    # ------------------------------------------------------------ airport alternatives
    (
        "airport_alternatives",
        dialogue(
            "LHR or Gatwick to Dublin on the 10th, whichever is cheaper",
            tools_exclude=NO_BOOK,
            calls=[_fs("LHR", "Dublin", "2026-12-10"), _fs("LGW", "Dublin", "2026-12-10")],
        ),
    ),
    (
        "airport_alternatives",
        dialogue(
            "JFK or Newark to Miami on the 15th - cheapest please",
            tools_exclude=NO_BOOK,
            calls=[_fs("JFK", "Miami", "2026-12-15"), _fs("EWR", "Miami", "2026-12-15")],
        ),
    ),
    (
        "airport_alternatives",
        dialogue(
            "boston to paris dec 12, into CDG or Orly, don't mind which",
            tools_exclude=NO_BOOK,
            calls=[_fs("Boston", "CDG", "2026-12-12"), _fs("Boston", "ORY", "2026-12-12")],
        ),
    ),
    (
        "airport_alternatives",
        dialogue(
            "London to Madrid on the 18th, Heathrow or Gatwick, just the cheaper one",
            tools_exclude=NO_BOOK,
            calls=[_fs("LHR", "Madrid", "2026-12-18"), _fs("LGW", "Madrid", "2026-12-18")],
        ),
    ),
    # ------------------------------------------------------------ day ranges
    (
        "flexible_dates",
        dialogue(
            "any day from 15 to 18 December, NYC to London, cheapest",
            tools_exclude=NO_BOOK,
            calls=[_flex("New York", "London", "2026-12-15", "2026-12-18", 4)],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "Boston → Miami sometime between Dec 9 and Dec 12",
            tools_exclude=NO_BOOK,
            calls=[_flex("Boston", "Miami", "2026-12-09", "2026-12-12", 4)],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "London to Paris, any day 15-18 Dec, whichever's cheapest",
            tools_exclude=NO_BOOK,
            calls=[_flex("London", "Paris", "2026-12-15", "2026-12-18", 4)],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "Chicago to Atlanta, I can go any time 20th–22nd",
            user="gus",
            tools_exclude=NO_BOOK,
            calls=[_flex("Chicago", "Atlanta", "2026-12-20", "2026-12-22", 3)],
        ),
    ),
    # ------------------------------------------------------------ corrections inside a message
    (
        "correction",
        dialogue(
            "hotel in Boston from the 9th for 3 nights, no wait, 4 nights",
            tools_exclude=NO_BOOK,
            calls=[_hs("boston", "2026-12-09", "2026-12-13")],
        ),
    ),
    (
        "correction",
        dialogue(
            "room in Paris check in 14 Dec, 2 nights - actually make that 3",
            tools_exclude=NO_BOOK,
            calls=[_hs("paris", "2026-12-14", "2026-12-17")],
        ),
    ),
    (
        "correction",
        dialogue(
            "JFK to Miami on the 15th for 2 people, sorry, 3",
            tools_exclude=NO_BOOK,
            calls=[_fs("JFK", "Miami", "2026-12-15", passengers=3)],
        ),
    ),
    (
        "correction",
        dialogue(
            "flights from Boston, no, from Chicago, to Atlanta on the 10th",
            tools_exclude=NO_BOOK,
            calls=[_fs("Chicago", "Atlanta", "2026-12-10")],
        ),
    ),
    # ------------------------------------------------------------ Spanish mixed in
    (
        "mixed_language",
        dialogue(
            "Necesito a flight from JFK to Madrid el 15 de diciembre",
            tools_exclude=NO_BOOK,
            calls=[_fs("JFK", "Madrid", "2026-12-15")],
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "hotel in Madrid del 9 al 12 de diciembre por favor",
            tools_exclude=NO_BOOK,
            calls=[_hs("madrid", "2026-12-09", "2026-12-12")],
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "hola! Boston to Miami mañana please",
            tools_exclude=NO_BOOK,
            calls=[_fs("Boston", "Miami", "2026-12-02")],
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            "sí, por favor",
            **BOOKED,
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "gracias! y un hotel en Miami 15-17 dic?",
            tools_exclude=NO_BOOK,
            nothing_changed=True,
            calls=[_hs("miami", "2026-12-15", "2026-12-17")],
        ),
    ),
    # ------------------------------------------------------------ several named travellers
    (
        "passenger_names",
        dialogue(
            "JFK to Atlanta on the 11th",
            "first one for Tom Baker and Priya Shah please",
            not_new_status="confirmed",
            any_call=[TWO_SEATS],
        ),
    ),
    (
        "passenger_names",
        dialogue(
            "book Fin and Mia on the first flight JFK to Chicago on the 10th",
            user="victor",
            not_new_status="confirmed",
            any_call=[TWO_SEATS],
        ),
    ),
    (
        "passenger_names",
        dialogue(
            "NYC to Boston on the 16th",
            "put Ava and me on the first one",
            user="mia",
            not_new_status="confirmed",
            any_call=[TWO_SEATS],
        ),
    ),
    (
        "passenger_names",
        dialogue(
            "3 seats JFK-ATL on the 11th for me, Sam Lee and Jo Park",
            tools_exclude=NO_BOOK,
            calls=[_fs("JFK", "Atlanta", "2026-12-11", passengers=3)],
        ),
    ),
    # ------------------------------------------------------------ cheapest allowed
    (
        "cheapest_allowed",
        dialogue(
            "book Ava on the cheapest flight she's actually allowed, Boston to Atlanta on the 10th",
            user="mia",
            policy_not="red",
            **HELD,
        ),
    ),
    (
        "cheapest_allowed",
        dialogue(
            "cheapest flight I'm allowed to take from Boston to Atlanta on the 16th, hold it",
            policy_not="red",
            **HELD,
        ),
    ),
    (
        "cheapest_allowed",
        dialogue(
            "find Fin the cheapest in-policy flight LGA to Miami on the 18th and hold it",
            user="victor",
            policy_not="red",
            **HELD,
        ),
    ),
]


# Still failing (strict xfail: a fix that makes one pass must take its number out).
GAPS: set[int] = set()


@pytest.mark.parametrize(
    ("kind", "case"),
    [
        pytest.param(
            k,
            c,
            id=f"{k}{i:02d}-{c.turns[-1].say[:30]}",
            marks=[pytest.mark.xfail(strict=True, reason="known gap")] if i in GAPS else [],
        )
        for i, (k, c) in enumerate(CASES)
    ],
)
async def test_compound24(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
