"""Companions joining the traveller, two named people on one flight, and picks by a rule
(issue 10; now = Tue 1 Dec 2026).

Phrasings written from the user's side before reading the planner code for these kinds,
run once on main 461ea87 before any fix. First try, by kind: a companion joining the
traveller 0/4 (the named guest read as "booking for Tom", or no seat added), two people
named on one flight 1/3 ("Mia Chen and Ava Patel" not counted), a pick by a rule 1/4
("whatever fits" / "the first that works" / "one that fits and hold it" searched only,
"the earliest that fits" ignored the budget) — 2/11 = 18 %. After the fix 9/11; the two
still open (a manager's two reports held on one booking; "Fin and Mia Chen on a flight
..., together please", the cue far from the list) are strict xfails. The unit tests at
the end were written after the fix, as guards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.flows.options import pick
from concierge.planner.nlu.intents import OptionRef, understand
from concierge.planner.nlu.picks import best_in_request
from tests.concierge.heldout.harness import (
    Case,
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

worlds = worlds_fixture("empty")


HELD_TWO = {"not_new_status": "confirmed", "pending": "confirm_booking"}


def _two(flight_kw: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"kind": "flight", "passengers": 2, **flight_kw}]


COMPANION = [
    dialogue(
        "JFK to Boston on the 16th",
        ("first one", {"pending": "confirm_booking"}),
        "oh wait, my colleague Sam Ortiz is coming too",
        segments=_two({"destination": "BOS"}),
        **HELD_TWO,
    ),
    dialogue(
        "JFK to Chicago on the 14th",
        ("the first one", {"pending": "confirm_booking"}),
        "yes but 2 seats please - Lena Park is joining me",
        segments=_two({"destination": "ORD"}),
        **HELD_TWO,
    ),
    dialogue(
        "boston to atlanta dec 9",
        ("cheapest", {"pending": "confirm_booking"}),
        "actually there'll be two of us, my partner Jo Blake is flying with me",
        segments=_two({"destination": "ATL"}),
        **HELD_TWO,
    ),
    dialogue(
        "JFK to Miami on the 15th",
        ("option 2", {"pending": "confirm_booking"}),
        "can you add Tom Reed to that? he's travelling with me",
        segments=_two({"destination": "MIA"}),
        **HELD_TWO,
    ),
]

_OPEN = pytest.mark.xfail(strict=True, reason="two named reports on one hold: not yet")
TWO_NAMED = [
    dialogue(
        (
            "book Mia Chen and Ava Patel on the same flight to Boston on the 15th",
            {"calls": [{"tool": "search_flights", "args": {"passengers": 2}}]},
        ),
        "the first one",
        user="victor",
        # closed by compound24 (two colleagues listed: one hold, the first its traveller)
        segments=_two({"destination": "BOS"}),
        **HELD_TWO,
    ),
    dialogue(
        (
            "Can you put Fin and Mia Chen on a flight JFK to Chicago dec 10, together please",
            {"calls": [{"tool": "search_flights", "args": {"passengers": 2}}]},
        ),
        "option 1",
        user="victor",
        note="open",
        segments=_two({"destination": "ORD"}),
        **HELD_TWO,
    ),
    dialogue(
        (
            "Me and Tom Reed need to get to Atlanta from JFK on the 9th",
            {"calls": [{"tool": "search_flights", "args": {"passengers": 2}}]},
        ),
        "the cheapest",
        segments=_two({"destination": "ATL"}),
        **HELD_TWO,
    ),
]

RULE = [
    dialogue(
        "JFK to Miami on the 17th, nonstop, under $250 - book the earliest one that fits",
        new_status="held",
        pending="confirm_booking",
        segments=[{"kind": "flight", "origin": "JFK", "destination": "MIA"}],
    ),
    dialogue(
        "jfk to boston 16th. direct only, less than 300 bucks, grab the first that works",
        new_status="held",
        pending="confirm_booking",
        segments=[{"kind": "flight", "destination": "BOS"}],
    ),
    dialogue(
        "hotel in boston 14th to 16th, under 250 a night, just book whatever fits",
        new_status="held",
        pending="confirm_booking",
        segments=[{"kind": "hotel"}],
    ),
    dialogue(
        "hotel in paris 20th-22nd under 200 per night. pick one that fits and hold it",
        new_status="held",
        pending="confirm_booking",
        segments=[{"kind": "hotel"}],
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=_OPEN) if c.expect.get("note") == "open" else c
        for c in COMPANION + TWO_NAMED + RULE
    ],
    ids=lambda c: c.id,
)
async def test_party24(case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    case.expect.pop("note", None)
    await runs_as_expected(case, worlds, tmp_path)


# Guards written after the fix.


@pytest.mark.parametrize(
    ("text", "party", "seats"),
    [
        # a count said is the total; someone joining with no count is a seat more than
        # those already asked for (two after a search for one, three after one for two)
        ("yes but make it 2 seats, my colleague Tom Reed is coming too", ["Tom Reed"], (2, None)),
        ("Lena Park is joining us, so two seats", ["Lena Park"], (2, None)),
        ("add Jo Blake to the booking please", ["Jo Blake"], (None, 1)),
        ("my friend Sam Ortiz will be travelling with me", ["Sam Ortiz"], (None, 1)),
    ],
)
def test_a_companion_joining_is_a_seat_not_a_booking_for(
    text: str, party: list[str], seats: tuple[int | None, int | None]
) -> None:
    u = understand(text, NOW)
    assert (u.party, u.book_for, (u.passengers, u.passenger_delta)) == (party, None, seats)


@pytest.mark.parametrize(
    "text", ["Tom Reed is flying to Boston on the 4th", "book Tom Reed to Paris"]
)
def test_a_named_traveller_alone_is_still_booked_for(text: str) -> None:
    u = understand(text, NOW)
    assert (u.party, u.book_for) == ([], "Tom")


def test_two_full_names_on_the_same_flight_are_two_seats() -> None:
    u = understand("book Mia Chen and Ava Patel on the same flight to Boston on the 15th", NOW)
    assert u.passengers == 2


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("hotel in rome 3 nights, max 150 a night, just book whatever fits", "cheapest"),
        ("find something that works and book it", "cheapest"),
        ("nonstop under $300, grab the first one that fits", "earliest"),
    ],
)
def test_a_pick_by_rule_is_read(text: str, best: str) -> None:
    ref = best_in_request(text)
    assert ref is not None
    assert ref.best == best


def _flight(n: int, price: float, depart: str, stops: int = 0) -> dict[str, Any]:
    money = {"amount": str(price), "currency": "USD"}
    return {"option": n, "price": money, "total": money, "depart": depart, "stops": stops}


def test_the_earliest_that_fits_skips_what_breaks_a_rule() -> None:
    items = [
        _flight(1, 310.0, "2026-12-17T06:00"),  # too dear
        _flight(2, 180.0, "2026-12-17T07:00", stops=1),  # not nonstop
        _flight(3, 240.0, "2026-12-17T09:00"),
        _flight(4, 120.0, "2026-12-17T12:00"),
    ]
    ref = OptionRef(best="earliest", direct=True, under=250)
    assert pick(items, ref) == items[2]
    assert pick(items, OptionRef(best="earliest", under=200)) == items[1]
