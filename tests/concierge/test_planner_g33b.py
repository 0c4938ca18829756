"""Guards g33b: batch 68/69 gap kinds, new wordings written before reading the planner.

A search relative to the booked trip's dates (a day later / earlier, both directions or the
return only) searches the trip's routes on the shifted dates; "the same nights / dates" at a
hotel named by brand means the booked stay's nights in the booked stay's city; a terse pick of
the same option number in both directions after a round-trip search ("2 both ways") holds
both legs; a traveller reporting that the airline cancelled a booked flight gets the flight
named, what the booking shows (still scheduled in our data) and what can be done (move /
rebook), nothing changed. World ``trips``: ava's London trip (BA 19 JFK→LHR Mon 14 Dec,
Holiday Inn Express 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec), her Paris request (BOS→CDG Thu
3 Dec, waiting for Mia's approval).

First try (pytest -q -n 2 tests/concierge/test_planner_g33b.py, run once on the unfixed
code, 07:13 UTC, main at ec38479):
2/16 — whole_trip_shifted 1/4, switch_hotel_same_nights 0/4, round_trip_pick_terse 1/4,
disruption_claim 0/4. (After that run the disruption guards' "scheduled" also accepts "on
schedule", the wording the planner already used for a flight the airline reports nothing
about; the count above is under the narrower word and is the same under the wider one.) The fourth round-trip guard searched from "mia" on the first try, which is
also a colleague's name here (Mia): it searches from "atl" now. The first hotel guard
("Can I get the Hyatt for the same nights instead?") expected nothing held; it now expects
the Hyatt held, as a request naming the hotel holds it elsewhere (test_planner_fixtrips26
"could you book me the Novotel instead of the Holiday Inn Express, same nights?").
After the fixes: 16/16. (That fix, 3762646, was reverted in f1eab35 for breaking batch 42's
b42_hc_switch_to_hilton; g34c closed these four again: see test_planner_g34c.py.)
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

T: dict[str, Any] = {"world": "trips"}

SEARCH_ONLY: dict[str, Any] = {
    "nothing_changed": True,
    "tools_exclude": ["cancel_booking", "rebook"],
    **T,
}

DISRUPTION: dict[str, Any] = {
    "nothing_changed": True,
    "tools_exclude": ["rebook", "cancel_booking"],
    "pending": None,
    # what the booking shows, and what can be done
    "reply_contains_any": [["scheduled", "on schedule"], ["move", "rebook", "change"]],
    "reply_not_contains": ["one part of a booking", "cancelled whole"],
    **T,
}


def _switch(say: str, brand: str) -> Case:
    return dialogue(
        say,
        calls=[hotel_search("London", "2026-12-15", "2026-12-18")],
        reply_contains=brand,
        **SEARCH_ONLY,
    )


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ whole_trip_shifted
    (
        "whole_trip_shifted",
        dialogue(
            "my meetings moved up, can you look for flights a day earlier both ways than "
            "what's booked?",
            calls=[
                flight_search("New York", "London", "2026-12-13"),
                flight_search("London", "New York", "2026-12-17"),
            ],
            **SEARCH_ONLY,
        ),
    ),
    (
        "whole_trip_shifted",
        dialogue(
            "what flights are there if i go out and come back one day later than my london trip?",
            calls=[
                flight_search("New York", "London", "2026-12-15"),
                flight_search("London", "New York", "2026-12-19"),
            ],
            **SEARCH_ONLY,
        ),
    ),
    (
        "whole_trip_shifted",
        dialogue(
            "Could you search flights home from London a day later than my booked return?",
            calls=[flight_search("London", "New York", "2026-12-19")],
            **SEARCH_ONLY,
        ),
    ),
    (
        "whole_trip_shifted",
        dialogue(
            "pls find flights 2 days later in both directions vs what i have for london",
            calls=[
                flight_search("New York", "London", "2026-12-16"),
                flight_search("London", "New York", "2026-12-20"),
            ],
            **SEARCH_ONLY,
        ),
    ),
    # ------------------------------------------------------------ switch_hotel_same_nights
    (
        "switch_hotel_same_nights",
        # (a request naming the hotel holds it, as "book me the Novotel instead of the
        # Holiday Inn Express, same nights" does in test_planner_fixtrips26)
        dialogue(
            "Can I get the Hyatt for the same nights instead? This one is too far out.",
            calls=[hotel_search("London", "2026-12-15", "2026-12-18")],
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "Hyatt Regency London Kings Cross",
                    "check_in": "2026-12-15",
                    "check_out": "2026-12-18",
                }
            ],
            new_status="held",
            pending="confirm_booking",
            tools_exclude=["cancel_booking"],
            **T,
        ),
    ),
    (
        "switch_hotel_same_nights",
        _switch("is the sofitel available on the same dates? would prefer it", "Sofitel"),
    ),
    (
        "switch_hotel_same_nights",
        _switch(
            "Not a fan of the Holiday Inn. Any chance the Novotel has a room for the same nights?",
            "Novotel",
        ),
    ),
    (
        "switch_hotel_same_nights",
        _switch("same nights but at the hilton - free?", "Hilton"),
    ),
    # ------------------------------------------------------------ round_trip_pick_terse
    (
        "round_trip_pick_terse",
        dialogue(
            "jfk-lhr 14th back 18th",
            "2 both ways",
            segments=[
                {"kind": "flight", "origin": "JFK", "destination": "LHR", "date": "2026-12-14"},
                {"kind": "flight", "origin": "LHR", "destination": "JFK", "date": "2026-12-18"},
            ],
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    (
        "round_trip_pick_terse",
        dialogue(
            "boston to atlanta on the 10th, back the 12th",
            "option 1 both directions pls",
            segments=[
                {"kind": "flight", "origin": "BOS", "destination": "ATL", "date": "2026-12-10"},
                {"kind": "flight", "origin": "ATL", "destination": "BOS", "date": "2026-12-12"},
            ],
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    (
        "round_trip_pick_terse",
        dialogue(
            "sfo-ord 15th, return 18th",
            "the first for both legs",
            segments=[
                {"kind": "flight", "origin": "SFO", "destination": "ORD", "date": "2026-12-15"},
                {"kind": "flight", "origin": "ORD", "destination": "SFO", "date": "2026-12-18"},
            ],
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    (
        "round_trip_pick_terse",
        dialogue(
            "atl to lga dec 11 back dec 14",
            "3 there and back",
            segments=[
                {"kind": "flight", "origin": "ATL", "destination": "LGA", "date": "2026-12-11"},
                {"kind": "flight", "origin": "LGA", "destination": "ATL", "date": "2026-12-14"},
            ],
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    # ------------------------------------------------------------ disruption_claim
    (
        "disruption_claim",
        dialogue(
            "British Airways says my flight home from London is cancelled?? what now",
            reply_contains="BA 18",
            **DISRUPTION,
        ),
    ),
    (
        "disruption_claim",
        dialogue(
            "Got an email that BA19 was cancelled. What are my options?",
            reply_contains="BA 19",
            **DISRUPTION,
        ),
    ),
    (
        "disruption_claim",
        dialogue(
            "the airline just cancelled my london flight out, help!",
            reply_contains="BA 19",
            **DISRUPTION,
        ),
    ),
    (
        "disruption_claim",
        dialogue(
            "My outbound to London was cancelled by the airline - what should I do?",
            reply_contains="BA 19",
            **DISRUPTION,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g33b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
