"""Guards for the held-out gaps closed by gaps46 (batch_46.yaml; now = Tue 1 Dec 2026):
days offered as a choice for one way ("9th 10th or 11th", "Monday 14th or Tuesday 15th")
compared, never read as out and back; a time one can't leave before ("I can't leave before
3pm") as the earliest departure; a lowercase airport code before "into" ("jfk into
heathrow ...") as where the leg leaves from, so an open jaw is read and one description
picks both legs; a part of the day after where the option goes ("the one into Orly around
lunchtime"); new days as two bare numbers joined by a word after "make it" / "change it
to" ("actually make it 16 to 19"). Then the leftovers: the time of what the trip is for
("for a 9am meeting on the 15th", "a client presentation at 11:30") as an arrival limit;
"between 1 and 3" as 13-15h; "if there's anything, just book it" holds the cheapest and
still asks the yes; a dash with spaces around it as a clause boundary of a pick ("delta
both ways pls — the cheapest ones"; fixpicks26 GAPS 3 closed by it).

Every phrasing here is a guard, written after the fix and before running it. First try
(pytest -n 0 / -n 2 on gaps46, 10:50-11:08 UTC, each group run once): flexible_dates 3/3
and time_constraint 2/2 (-n 2, 88 s); multi_pick 2/2, descriptive_pick 2/2, change_mind
2/2; meeting / between / book-if-found 4/4; the dash 1/1 (a /tmp probe of the same
dialogue). "between 1 and 2" and "if you can find something, book it" already worked on
main (guards only). Last, "what refund do I get?" after a cancellation (fixtrips26 MORE 2:
"<refund> do/will I get/receive" is an own-trip cue, asks.yaml own): guard first try 0/1 —
"ok and what refund will we receive" (no "?", opened by "ok and") was no question; a
filler before the question word is allowed now (asks.yaml question), 1/1.
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
    flight_segment,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")


def _days(origin: str, dest: str, n: int) -> dict[str, Any]:
    return {
        "tool": "search_flights",
        "args": {"origin": origin, "destination": dest},
        "distinct": "date",
        "count_at_least": n,
    }


HELD: dict[str, Any] = {"pending": "confirm_booking"}

CASES: list[tuple[str, Case]] = [
    # --- days offered as a choice (flexible_dates)
    (
        "flexible_dates",
        dialogue(
            "lga to atl 14th 15th or 16th dec, whichever day is cheapest",
            calls=[_days("LGA", "atlanta", 3)],
            tools_exclude=["reserve"],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "Boston to Miami, Wednesday 16th or Thursday 17th December, either is fine",
            calls=[
                flight_search("boston", "miami", "2026-12-16"),
                flight_search("boston", "miami", "2026-12-17"),
            ],
            tools_exclude=["reserve"],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "JFK to Boston, the 14th 15th or 16th of December - cheapest day please",
            "great, go with that one",
            **HELD,
        ),
    ),
    # --- a time one can't leave before (time_constraint)
    (
        "time_constraint",
        dialogue(
            "ORD to Boston on the 11th, we cannot fly before 2pm",
            user="gus",
            calls=[flight_search("chicago", "boston", "2026-12-11")],
            options={"depart_after": "14:00"},
        ),
    ),
    (
        "time_constraint",
        dialogue(
            "Atlanta to LaGuardia 15 Dec. I'm unable to leave before 10am",
            options={"depart_after": "10:00"},
        ),
    ),
    # --- a lowercase airport code before "into" is where from (multi_pick on an open jaw)
    (
        "multi_pick",
        dialogue(
            (
                "ewr into boston dec 9, then back from atlanta to ewr on the 11th",
                {
                    "calls": [
                        flight_search("EWR", "boston", "2026-12-09"),
                        flight_search("atlanta", "EWR", "2026-12-11"),
                    ]
                },
            ),
            "the cheapest both ways",
            **HELD,
        ),
    ),
    (
        "multi_pick",
        dialogue(
            "lga into miami on 18 Dec",
            calls=[flight_search("LGA", "miami", "2026-12-18")],
            tools_exclude=["reserve"],
        ),
    ),
    # --- a part of the day after where the option goes (descriptive_pick)
    (
        "descriptive_pick",
        dialogue(
            "London to Paris thu 10 dec",
            "I'll take the flight into CDG in the morning",
            user="mia",
            segments=[flight_segment("AF 1024", "LHR", "CDG", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "London to Paris thu 10 dec",
            "the one out of Gatwick around lunchtime pls",
            user="mia",
            segments=[flight_segment("BA 1008", "LGW", "CDG", "2026-12-10")],
            **HELD,
        ),
    ),
    # --- new days as two bare numbers joined by a word (change_mind)
    (
        "change_mind",
        dialogue(
            "hotel in Boston 8-10 Dec",
            "hmm can you change it to 8 through 11",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "boston", "check_in": "2026-12-08", "check_out": "2026-12-11"},
                }
            ],
        ),
    ),
    (
        "change_mind",
        dialogue(
            "JFK to Miami Dec 14-17 round trip",
            "make it 15 to 18 instead",
            calls=[
                flight_search("JFK", "miami", "2026-12-15"),
                flight_search("miami", "JFK", "2026-12-18"),
            ],
        ),
    ),
    # --- the time of what the trip is for is an arrival limit (time_constraint)
    (
        "time_constraint",
        dialogue(
            "flying LGA to Atlanta for a 9am meeting on the 15th",
            calls=[flight_search("LGA", "atlanta", "2026-12-15")],
            options={"depart_before": "09:00"},
        ),
    ),
    (
        "time_constraint",
        dialogue(
            "I need JFK to Chicago on 9 Dec, it's for a client presentation at 11:30",
            options={"depart_before": "11:30"},
            reply_contains_any=[["landing by 11:30"]],
        ),
    ),
    (
        "time_constraint",
        dialogue(
            "Boston to Miami 16 Dec, departing between 1 and 3 please",
            options={"depart_after": "13:00", "depart_before": "15:00"},
        ),
    ),
    # --- "book it if you find one": the cheapest held, the yes still asked (pick_then_confirm)
    (
        "pick_then_confirm",
        dialogue(
            ("LGA to Chicago on the 11th - if there's anything, just book it", HELD),
            ("yes", {"new_status": "confirmed"}),
        ),
    ),
    # --- a dash with spaces around it parts the clauses of a pick (descriptive_pick)
    (
        "descriptive_pick",
        dialogue(
            "LaGuardia to Chicago and back, out Monday 21 Dec, back Wed 23 Dec",
            "delta both ways pls — the cheapest ones",
            tools_include=["reserve"],
            **HELD,
        ),
    ),
    # --- a refund asked of no trip right after a cancellation is that one's (own_trips)
    (
        "follow_up_context",
        dialogue(
            "please cancel the london trip",
            "yes go ahead",
            "ok and what refund will we receive",
            world="trips",
            booking_status={"london": "cancelled"},
            reply_contains_any=[["1,944.90", "1944.90"]],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_gaps46_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
