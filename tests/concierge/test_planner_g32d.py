"""Guards g32d: batch 67/68 gap kinds, new wordings written before reading the planner.

finance (fin may see a colleague's trips but not change them) asking to cancel or move
one (a refusal, no confirmation, no options); the whole booked trip a day later both
ways; cancelling only one flight of a one-booking trip (refused, naming the flight); the
same nights at another hotel; the traveller reporting an airline cancellation; "I'm
flying out of X to Y on <date>" as a search; a round trip with a hotel for the nights in
between; "yes book the <city> one" after a question about another trip while a hold
waits. World ``trips``: ava's London trip (BA 19 JFK→LHR Mon 14 Dec, Holiday Inn
Express 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec), her Paris request (DL 15, Thu 3 Dec).

First try 4/9 at 05:19 UTC (main 2ec3373), run once on the unfixed code.
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

REFUSED: dict[str, Any] = {
    "nothing_changed": True,
    "tools_exclude": ["cancel_booking", "rebook", "search_flights"],
    "pending": None,
    "reply_contains_any": [["can't", "cannot", "not able", "unable", "not allowed", "permission"]],
}

CASES: list[tuple[str, Case]] = [
    (
        "finance_cannot_change",
        dialogue(
            "Please cancel Ava Patel's London trip, we're cutting costs.",
            user="fin",
            world="trips",
            **REFUSED,
        ),
    ),
    (
        "finance_cannot_change",
        dialogue(
            "can you move ava's paris flight to friday the 4th",
            user="fin",
            world="trips",
            **REFUSED,
        ),
    ),
    (
        "whole_trip_shifted",
        dialogue(
            "Everything in London got pushed back a day. Could you look for flights a day "
            "later each way than the ones I have?",
            world="trips",
            calls=[
                flight_search("New York", "London", "2026-12-15"),
                flight_search("London", "New York", "2026-12-19"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "part_cancel_names_flight",
        dialogue(
            "I'm staying on in London with family, so drop only my return flight. Keep the hotel.",
            world="trips",
            pending=None,
            tools_exclude=["cancel_booking"],
            nothing_changed=True,
            reply_contains="BA 18",
        ),
    ),
    (
        "part_cancel_names_flight",
        dialogue(
            "cancel only the return flight of my london trip please, the hotel and the "
            "flight out stay as they are",
            world="trips",
            pending=None,
            tools_exclude=["cancel_booking"],
            nothing_changed=True,
            reply_contains="BA 18",
        ),
    ),
    (
        "switch_hotel_same_nights",
        dialogue(
            "Does the Hilton have rooms for the same dates as my current London hotel? I'd like to move there.",
            world="trips",
            calls=[hotel_search("London", "2026-12-15", "2026-12-18")],
            tools_exclude=["cancel_booking"],
            nothing_changed=True,
            reply_contains="Hilton",
        ),
    ),
    (
        "disruption_claim",
        dialogue(
            "British Airways just emailed that my outbound London flight is cancelled. help?",
            world="trips",
            any_call=[{"tool": "get_booking"}, {"tool": "list_trips"}],
            tools_exclude=["rebook", "cancel_booking"],
            nothing_changed=True,
            reply_contains="BA 19",
        ),
    ),
    (
        "flying_out_read_as_own_trip",
        dialogue(
            "hi, I'm flying out of JFK to Miami on Thursday 10 December, what are my options?",
            calls=[flight_search("JFK", "Miami", "2026-12-10")],
        ),
    ),
    (
        "hotel_between_round_trip",
        dialogue(
            "Chicago trip: fly LGA to ORD Monday 14 Dec, return Thursday the 17th, plus a "
            "hotel for the nights in between.",
            calls=[
                flight_search("LGA", "ORD", "2026-12-14"),
                flight_search("ORD", "LGA", "2026-12-17"),
                hotel_search("Chicago", "2026-12-14", "2026-12-17"),
            ],
        ),
    ),
    (
        "yes_naming_the_hold_after_question",
        dialogue(
            "JFK to Miami on the 10th",
            "the first one",
            "wait, has my paris trip been approved yet?",
            "alright, yes book the miami one",
            world="trips",
            new_status="confirmed",
        ),
    ),
]

# Open (short slot): 3 "drop only my return flight" is read as a new flight search ("drop"
# is no cancel cue). (2 whole_trip_shifted: closed by g33b; 9
# yes_naming_the_hold_after_question passes since 15204da, "a yes may name the booking it
# confirms by its places".)
GAPS: set[int] = {3}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g32d(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
