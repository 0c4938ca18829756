"""Guards for the held-out gaps of batch 84 closed by g36e (now = Tue 1 Dec 2026 09:00 UTC;
worlds ``empty`` and ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec, Holiday
Inn Express London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec — and her Boston→Paris DL 15
on Thu 3 Dec waiting for approval).

Kinds: a return day said alone after a one-way search ("return 18/12", "back 13/12 thanks", a UK
day/month included) searches the way back on that day, and "a hotel for those nights" after it
covers the nights between; a way back said relative to the way out ("and home the day after",
"back two days later") searches the reverse route that many days on, not the way out again; a
side trip from a stay already booked ("I'm already booked in London 15–18 Dec — London to Paris on
the 16th") takes the booked stay as context, searches the day asked, and the night away is a
hotel where the side trip goes (not the booked city), the booked trip untouched; a new day for the
way back (or the way out) at a round trip's confirmation moves that leg, not the other one, and
nothing is confirmed.

Every phrasing was written before reading the planner code for these gaps; the flights and stays
were checked with the real tools (search_flights / search_hotels on the empty world).
First try (pytest -q -n 2 tests/concierge/test_planner_g36e.py, 18:45 UTC, main at 2859b89):
3/17 — return_day_alone 1/4 ("return 17/12" and "return 13/12" searched nothing, "Return flight
on the 12th" moved the way out), back_days_after 0/4 (the way out searched again on the later
day), side_trip 0/4 (the booked stay's 15–18 taken as the side trip's dates; the night away
searched in London 17–18), move_leg_at_confirmation 2/5 ("the return … on the 12th", "the way
back to the 13th", "the return to saturday" moved the way out; "the flight home the 18th" and
"fly out on the 8th" passed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

ASKS: dict[str, Any] = {"pending": "confirm_booking"}
NOTHING_CONFIRMED: dict[str, Any] = {
    "tools_exclude": ["confirm_booking"],
    "not_new_status": "confirmed",
}
LONDON_KEPT: dict[str, Any] = {
    "booking_status": {"london": "confirmed"},
    "tools_exclude": ["cancel_booking", "rebook"],
}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ return_day_alone
    (
        "return_day_alone",
        dialogue(
            "Boston to Chicago on 14/12 pls",
            "return 17/12",
            calls=[flight_search("chicago", "boston", "2026-12-17")],
        ),
    ),
    (
        "return_day_alone",
        dialogue(
            "London → Madrid, 10/12",
            "back 13/12 thanks",
            calls=[flight_search("madrid", "london", "2026-12-13")],
        ),
    ),
    (
        "return_day_alone",
        dialogue(
            "NYC to Dublin 9/12",
            ("return 13/12", {"calls": [flight_search("dublin", "new york", "2026-12-13")]}),
            "and a hotel for those nights pls",
            calls=[hotel_search("dublin", {"between": ["2026-12-09", "2026-12-10"]}, "2026-12-13")],
        ),
    ),
    (
        "return_day_alone",
        dialogue(
            "I need to fly from London to Madrid on Thursday 10 December.",
            "Return flight on the 12th, please.",
            calls=[flight_search("madrid", "london", "2026-12-12")],
        ),
    ),
    # ------------------------------------------------------------ back_days_after
    (
        "back_days_after",
        dialogue(
            "boston to miami on the 10th",
            "and back the day after",
            calls=[flight_search("miami", "boston", "2026-12-11")],
        ),
    ),
    (
        "back_days_after",
        dialogue(
            "JFK to Chicago dec 15",
            "home two days later pls",
            calls=[flight_search("chicago", "new york", "2026-12-17")],
        ),
    ),
    (
        "back_days_after",
        dialogue(
            "Atlanta from Newark on Dec 9",
            "then I come home the next day",
            calls=[flight_search("atlanta", "new york", "2026-12-10")],
        ),
    ),
    (
        "back_days_after",
        dialogue(
            "London to Madrid on Tuesday 8 Dec",
            "flying back 3 days after that",
            calls=[flight_search("madrid", "london", "2026-12-11")],
        ),
    ),
    # ------------------------------------------------------------ side_trip
    (
        "side_trip",
        dialogue(
            (
                "I'm in London 15-18 Dec already (all booked). Could you look at London to "
                "Dublin on the 16th?",
                {"calls": [flight_search("london", "dublin", "2026-12-16")]},
            ),
            "back to London on the 17th, and a hotel in Dublin for the night",
            world="trips",
            calls=[
                flight_search("dublin", "london", "2026-12-17"),
                hotel_search("dublin", "2026-12-16", "2026-12-17"),
            ],
            **LONDON_KEPT,
        ),
    ),
    (
        "side_trip",
        dialogue(
            (
                "My London hotel is booked 15–18 December. I need to pop over to Madrid on "
                "Wednesday 16th",
                {"calls": [flight_search("london", "madrid", "2026-12-16")]},
            ),
            "return to London the 17th + a Madrid hotel for 1 night",
            world="trips",
            calls=[
                flight_search("madrid", "london", "2026-12-17"),
                hotel_search("madrid", "2026-12-16", "2026-12-17"),
            ],
            **LONDON_KEPT,
        ),
    ),
    (
        "side_trip",
        dialogue(
            "I'm booked in London from the 15th to the 18th of December; can you find me a "
            "London to Paris flight on the 16th, back to London on the 17th, and a hotel in "
            "Paris for the night of the 16th?",
            world="trips",
            calls=[
                flight_search("london", "paris", "2026-12-16"),
                flight_search("paris", "london", "2026-12-17"),
                hotel_search("paris", "2026-12-16", "2026-12-17"),
            ],
            **LONDON_KEPT,
        ),
    ),
    (
        "side_trip",
        dialogue(
            (
                "already got london sorted 15-18/12. paris wed 16th from london?",
                {"calls": [flight_search("london", "paris", "2026-12-16")]},
            ),
            "coming back thu 17th, and I'll need a room in paris for the night",
            world="trips",
            calls=[
                flight_search("paris", "london", "2026-12-17"),
                hotel_search("paris", "2026-12-16", "2026-12-17"),
            ],
            **LONDON_KEPT,
        ),
    ),
    # ------------------------------------------------------------ move_leg_at_confirmation
    (
        "move_leg_at_confirmation",
        dialogue(
            "New York to Boston, 9th to 11th December",
            ("option 1 both ways", ASKS),
            "actually, can the return be on the 12th instead?",
            calls=[flight_search("boston", "new york", "2026-12-12")],
            **NOTHING_CONFIRMED,
        ),
    ),
    (
        "move_leg_at_confirmation",
        dialogue(
            "Chicago 15–17 Dec from New York, flights only",
            ("first of each", ASKS),
            "hmm make the flight home the 18th",
            calls=[flight_search("chicago", "new york", "2026-12-18")],
            **NOTHING_CONFIRMED,
        ),
    ),
    (
        "move_leg_at_confirmation",
        dialogue(
            "London to Madrid 10 Dec, back 12 Dec",
            ("option 1 both ways", ASKS),
            "sorry — could we move the way back to the 13th?",
            calls=[flight_search("madrid", "london", "2026-12-13")],
            **NOTHING_CONFIRMED,
        ),
    ),
    (
        "move_leg_at_confirmation",
        dialogue(
            "New York to Miami 16th, back 18th",
            ("the first one each way", ASKS),
            "change the return to saturday pls",
            calls=[flight_search("miami", "new york", "2026-12-19")],
            **NOTHING_CONFIRMED,
        ),
    ),
    (
        "move_leg_at_confirmation",
        dialogue(
            "New York to Atlanta, 9th to 11th December",
            ("option 1 both ways", ASKS),
            "actually can we fly out on the 8th instead?",
            calls=[flight_search("new york", "atlanta", "2026-12-08")],
            **NOTHING_CONFIRMED,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g36e_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
