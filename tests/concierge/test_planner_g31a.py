"""Guards for the held-out gaps of batch 61 closed by g31a (now = Tue 1 Dec 2026; world
``empty``; ava, mia and victor live at JFK, gus at ORD).

Every phrasing here was written before reading the planner and run once before any fix (the
held-out cases themselves are in tests/concierge/heldout/batch_61.yaml).

- ``month_end_day``: "the last day of the month", "the last <weekday> of the month",
  "the last day of December" are dates (Thu 31 Dec, Fri 25 Dec, Tue 29 Dec), read by the date
  reader in general, with or without an origin (none said: the home airport).
- ``hotel_days_by_weekday``: after a dated trip ("next Monday", "on the 14th"), "a hotel from
  the Tuesday to the Friday" means the days of that trip's week, and asks for no flight home.
- ``plus_as_and``: "<flight> + a hotel …" asks for both (the "+" is an "and").
- ``pick_in_filtered_list``: a pick by position after an airline-only (or airline-excluded)
  search holds the option at that place in the list shown (New York → Atlanta 18 Dec American
  only: AA 1010 JFK 21:35 first; New York → Chicago 9 Dec United only: UA 1107, UA 1171; Delta
  only: DL 1171 LGA 08:55 first; without American: UA 1107 first; New York → Miami 15 Dec Delta
  only: DL 1141 JFK 11:15, DL 1169 LGA 06:05).

First try (pytest -q -n 2 tests/concierge/test_planner_g31a.py, 00:07 UTC, main 71a2657):
8/18 — month_end_day 2/5 (only "the last <weekday> of the month / in December" were read; "the
last day of …" searched nothing), hotel_days_by_weekday 0/4 (the stay's weekdays read from
today: "the Friday" was Fri 4 Dec, no stay, a flight home searched; "Atlanta next Monday pls,
hotel …" searched the hotel alone), plus_as_and 3/4 (gus's "ORD to Boston on 15/12 + hotel in
Boston …" searched the hotel alone), pick_in_filtered_list 3/5 (an airline leading the request,
"United flights nyc to chicago", and "just delta please" after a search filtered nothing, so
the pick was from the full list). One guard was reworded after that run, its date being
ambiguous ("Boston next Sunday" on a Tuesday: the 6th or the 13th; now "on Sunday the 13th").
After the fixes: 18/18.
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

worlds = worlds_fixture("empty")

NO_HOLD: dict[str, Any] = {"tools_exclude": ["reserve"]}
HELD: dict[str, Any] = {"new_bookings": 1, "new_status": "held", "pending": "confirm_booking"}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------------ month_end_day
    (
        "month_end_day",
        dialogue(
            "new york to boston on the last day of the month please",
            calls=[flight_search("new york", "boston", "2026-12-31")],
            **NO_HOLD,
        ),
    ),
    (
        "month_end_day",
        dialogue(
            "I need to be in Atlanta on the last day of the month, what's flying?",
            calls=[flight_search("new york", "atlanta", "2026-12-31")],
            **NO_HOLD,
        ),
    ),
    (
        "month_end_day",
        dialogue(
            "chicago to miami, last friday of the month",
            user="gus",
            calls=[flight_search("chicago", "miami", "2026-12-25")],
            **NO_HOLD,
        ),
    ),
    (
        "month_end_day",
        dialogue(
            "nyc to london the last tuesday in december pls",
            user="mia",
            calls=[flight_search("new york", "london", "2026-12-29")],
            **NO_HOLD,
        ),
    ),
    (
        "month_end_day",
        dialogue(
            "SFO to JFK on the last day of December",
            calls=[flight_search("SFO", "JFK", "2026-12-31")],
            **NO_HOLD,
        ),
    ),
    # ------------------------------------------------------------------ hotel_days_by_weekday
    (
        "hotel_days_by_weekday",
        dialogue(
            "Atlanta next Monday pls, hotel from the Tuesday till the Thursday",
            calls=[
                flight_search("new york", "atlanta", "2026-12-07"),
                hotel_search("atlanta", "2026-12-08", "2026-12-10"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "hotel_days_by_weekday",
        dialogue(
            "I'm flying to Chicago on the 14th - could you also find me a hotel from the "
            "Tuesday to the Friday?",
            calls=[
                flight_search("new york", "chicago", "2026-12-14"),
                hotel_search("chicago", "2026-12-15", "2026-12-18"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "hotel_days_by_weekday",
        dialogue(
            "Boston on Sunday the 13th, and a hotel from the Monday to the Wednesday",
            user="gus",
            calls=[
                flight_search("ORD", "boston", "2026-12-13"),
                hotel_search("boston", "2026-12-14", "2026-12-16"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "hotel_days_by_weekday",
        dialogue(
            "miami on monday 21 december and a hotel from the wednesday to the saturday",
            user="mia",
            calls=[
                flight_search("new york", "miami", "2026-12-21"),
                hotel_search("miami", "2026-12-23", "2026-12-26"),
            ],
            **NO_HOLD,
        ),
    ),
    # ------------------------------------------------------------------ plus_as_and
    (
        "plus_as_and",
        dialogue(
            "ORD to Boston on 15/12 + hotel in Boston 15/12 to 17/12",
            user="gus",
            calls=[
                flight_search("ORD", "boston", "2026-12-15"),
                hotel_search("boston", "2026-12-15", "2026-12-17"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "plus_as_and",
        dialogue(
            "JFK-MIA 12/14 + a hotel 12/14 - 12/16",
            calls=[
                flight_search("JFK", "miami", "2026-12-14"),
                hotel_search("miami", "2026-12-14", "2026-12-16"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "plus_as_and",
        dialogue(
            "flight to atlanta on the 9th + hotel for 2 nights",
            user="mia",
            calls=[
                flight_search("new york", "atlanta", "2026-12-09"),
                hotel_search("atlanta", "2026-12-09", "2026-12-11"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "plus_as_and",
        dialogue(
            "nyc to london 21/12 +hotel london 22/12-24/12",
            user="victor",
            calls=[
                flight_search("new york", "london", "2026-12-21"),
                hotel_search("london", "2026-12-22", "2026-12-24"),
            ],
            **NO_HOLD,
        ),
    ),
    # ------------------------------------------------------------------ pick_in_filtered_list
    (
        "pick_in_filtered_list",
        dialogue(
            "American only, new york to atlanta on dec 18",
            "the first one",
            segments=[{"kind": "flight", "flight": "AA 1010", "date": "2026-12-18"}],
            **HELD,
        ),
    ),
    (
        "pick_in_filtered_list",
        dialogue(
            "new york to chicago dec 9",
            "just delta please",
            "option 1",
            segments=[{"kind": "flight", "flight": "DL 1171", "date": "2026-12-09"}],
            **HELD,
        ),
    ),
    (
        "pick_in_filtered_list",
        dialogue(
            "United flights nyc to chicago on the 9th",
            "the second one",
            segments=[{"kind": "flight", "flight": "UA 1171", "date": "2026-12-09"}],
            **HELD,
        ),
    ),
    (
        "pick_in_filtered_list",
        dialogue(
            "NYC to Miami Dec 15, Delta only",
            "I'll take the 2nd",
            segments=[{"kind": "flight", "flight": "DL 1169", "date": "2026-12-15"}],
            **HELD,
        ),
    ),
    (
        "pick_in_filtered_list",
        dialogue(
            "new york to chicago dec 9, no american please",
            "first one",
            segments=[{"kind": "flight", "flight": "UA 1107", "date": "2026-12-09"}],
            **HELD,
        ),
    ),
]


GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g31a_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
