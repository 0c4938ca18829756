"""Dates and times as people write them, in flight and hotel requests and in changes
(now = Tue 1 Dec 2026 09:00 UTC; demo flights to Sun 10 Jan 2027; worlds ``empty`` and
``trips``: Ava's confirmed London trip, BA 19 JFK→LHR Mon 14 Dec 22:30, hotel 15–18 Dec,
BA 18 LHR→JFK Fri 18 Dec 08:45).

December 2026: Tue 1, Fri 4, Sat 5, Sun 6, Mon 7, Thu 10, Fri 11, Mon 14, Tue 15,
Fri 18, Thu 24, Fri 25, Sat 26, Thu 31; Fri 1 Jan 2027, Mon 4 Jan.

Every phrasing here was written before any planner code, nlu, eval, prompt, held-out
batch or other planner test was read (times checked only against the demo schedule).
First try (pytest -q tests/concierge/test_planner_p29dates.py -n 2, main at fa31af4,
17:24 UTC): 35/40 = 88 %. Failed: "late wednesday" and "thurs eve" searched the whole day
(no evening window); "friday around 3" searched the whole day; "new year's eve, back on
the 2nd" called no tool; "early next month … whichever day is cheapest" called no tool.
Then fixed (nlu/dates.py): "late <day>", "<day> eve" are that evening; "around/about" + a bare
hour with nothing counted after it is about then; a month part names "next/this month"
(data/month_parts.yaml keys); a holiday before dates that all follow a way-home cue is the
way out. 40/40, plus 7 sibling guards written with the fixes.
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
    flex_search,
    flight_search,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

NO_HOLD: dict[str, Any] = {"tools_exclude": ["reserve", "cancel_booking", "rebook"]}


def fly(origin: str, destination: str, date: Any, **more: Any) -> dict[str, Any]:
    return flight_search(origin, destination, date, **more)


CASES: list[tuple[str, Case]] = [
    # ---- relative days
    (
        "relative_day",
        dialogue(
            "fly me new york to london the monday after next",
            calls=[fly("New York", "London", "2026-12-14")],
            **NO_HOLD,
        ),
    ),
    (
        "relative_day",
        dialogue(
            "I need to get to Paris from NYC in a fortnight",
            calls=[fly("New York", "Paris", "2026-12-15")],
            **NO_HOLD,
        ),
    ),
    (
        "relative_day",
        dialogue(
            "Boston to Atlanta, end of next week please",
            calls=[fly("Boston", "Atlanta", {"between": ["2026-12-11", "2026-12-13"]})],
            **NO_HOLD,
        ),
    ),
    (
        "relative_day",
        dialogue(
            "find me flights chicago to san francisco in ten days",
            calls=[fly("Chicago", "San Francisco", "2026-12-11")],
            **NO_HOLD,
        ),
    ),
    (
        "relative_day",
        dialogue(
            "nyc → miami a week from thursday",
            calls=[fly("New York", "Miami", "2026-12-10")],
            **NO_HOLD,
        ),
    ),
    (
        "relative_day",
        dialogue(
            "overnight flight to london a week tomorrow pls",
            calls=[fly("New York", "London", "2026-12-09")],
            **NO_HOLD,
        ),
    ),
    (
        "relative_day",
        dialogue(
            "flights from boston to atlanta",
            "the tuesday after next",
            calls=[fly("Boston", "Atlanta", "2026-12-15")],
            **NO_HOLD,
        ),
    ),
    # ---- parts of the day
    (
        "time_of_day",
        dialogue(
            "flights from new york to boston first thing thursday",
            calls=[fly("New York", "Boston", "2026-12-03")],
            options={"depart_before": "10:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "something late wednesday from NYC to Chicago",
            calls=[fly("New York", "Chicago", "2026-12-02")],
            options={"depart_after": "17:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "boston→nyc thurs eve",
            calls=[fly("Boston", "New York", "2026-12-03")],
            options={"depart_after": "16:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "flight to boston from new york friday around 3",
            calls=[fly("New York", "Boston", "2026-12-04")],
            options={"depart_after": "12:00", "depart_before": "18:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "NYC to Atlanta on the 9th, before noon if poss",
            calls=[fly("New York", "Atlanta", "2026-12-09")],
            options={"depart_before": "12:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "chicago to nyc on the 7th. no earlier than 7am, I'm not a morning person",
            calls=[fly("Chicago", "New York", "2026-12-07")],
            options={"depart_after": "07:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "I have to be in Chicago by 6pm on the 9th, flying out of LaGuardia",
            calls=[fly("LGA", "Chicago", "2026-12-09")],
            options={"depart_before": "18:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "red-eye from SFO back to new york on thursday",
            calls=[fly("San Francisco", "New York", "2026-12-03")],
            options={"depart_after": "20:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "boston to new york after work on friday",
            calls=[fly("Boston", "New York", "2026-12-04")],
            options={"depart_after": "17:00"},
            **NO_HOLD,
        ),
    ),
    # ---- ranges and stays
    (
        "range",
        dialogue(
            "hotel in london the 14th–17th",
            calls=[hotel_search("London", "2026-12-14", "2026-12-17")],
            **NO_HOLD,
        ),
    ),
    (
        "range",
        dialogue(
            "need a hotel in Paris 14–17/12",
            calls=[hotel_search("Paris", "2026-12-14", "2026-12-17")],
            **NO_HOLD,
        ),
    ),
    (
        "range",
        dialogue(
            "Round trip NYC to Boston Dec 14-17",
            calls=[
                fly("New York", "Boston", "2026-12-14"),
                fly("Boston", "New York", "2026-12-17"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "range",
        dialogue(
            "roundtrip jfk-mia 12/14-12/17",
            calls=[fly("JFK", "MIA", "2026-12-14"), fly("MIA", "JFK", "2026-12-17")],
            **NO_HOLD,
        ),
    ),
    (
        "range",
        dialogue(
            "hotel in boston from the 14th for three nights",
            calls=[hotel_search("Boston", "2026-12-14", "2026-12-17")],
            **NO_HOLD,
        ),
    ),
    (
        "range",
        dialogue(
            "a room in boston over the weekend",
            calls=[
                hotel_search(
                    "Boston",
                    {"between": ["2026-12-04", "2026-12-05"]},
                    {"between": ["2026-12-06", "2026-12-07"]},
                )
            ],
            **NO_HOLD,
        ),
    ),
    (
        "range",
        dialogue(
            "London hotel for the weekend after next",
            calls=[
                hotel_search(
                    "London",
                    {"between": ["2026-12-11", "2026-12-12"]},
                    {"between": ["2026-12-13", "2026-12-14"]},
                )
            ],
            **NO_HOLD,
        ),
    ),
    # ---- returns relative to the outbound
    (
        "return",
        dialogue(
            "fly new york to london thursday the 10th, back the following tuesday",
            calls=[
                fly("New York", "London", "2026-12-10"),
                fly("London", "New York", "2026-12-15"),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "return",
        dialogue(
            "out to paris from new york on the 8th, coming back two days later",
            calls=[fly("New York", "Paris", "2026-12-08"), fly("Paris", "New York", "2026-12-10")],
            **NO_HOLD,
        ),
    ),
    (
        "return",
        dialogue(
            "3 of us from new york to paris the monday after next, back that friday",
            calls=[
                fly("New York", "Paris", "2026-12-14", passengers=3),
                fly("Paris", "New York", "2026-12-18", passengers=3),
            ],
            **NO_HOLD,
        ),
    ),
    (
        "return",
        dialogue(
            "need to be in NYC the monday after next, back wednesday",
            user="gus",
            calls=[fly("ORD", "New York", "2026-12-14"), fly("New York", "ORD", "2026-12-16")],
            **NO_HOLD,
        ),
    ),
    (
        "return",
        dialogue(
            "nyc to dublin new year's eve, back on the 2nd",
            calls=[
                fly("New York", "Dublin", "2026-12-31"),
                fly("Dublin", "New York", "2027-01-02"),
            ],
            **NO_HOLD,
        ),
    ),
    # ---- holidays
    (
        "holiday",
        dialogue(
            "fly to miami from nyc the day after christmas",
            calls=[fly("New York", "Miami", "2026-12-26")],
            **NO_HOLD,
        ),
    ),
    (
        "holiday",
        dialogue(
            "new york to chicago on new year's day",
            calls=[fly("New York", "Chicago", "2027-01-01")],
            **NO_HOLD,
        ),
    ),
    (
        "holiday",
        dialogue(
            "Xmas eve flight boston to new york",
            calls=[fly("Boston", "New York", "2026-12-24")],
            **NO_HOLD,
        ),
    ),
    # ---- typos
    (
        "typo",
        dialogue(
            "flights nyc to paris on Decmber 18",
            calls=[fly("New York", "Paris", "2026-12-18")],
            **NO_HOLD,
        ),
    ),
    (
        "typo",
        dialogue(
            "new york to boston on wendesday",
            calls=[fly("New York", "Boston", "2026-12-02")],
            **NO_HOLD,
        ),
    ),
    (
        "typo",
        dialogue(
            "Need to fly LHR to JFK on Janury 4th",
            calls=[fly("LHR", "JFK", "2027-01-04")],
            **NO_HOLD,
        ),
    ),
    (
        "typo",
        dialogue(
            "new york to atlanta this satuday",
            calls=[fly("New York", "Atlanta", "2026-12-05")],
            **NO_HOLD,
        ),
    ),
    # ---- flexible spans
    (
        "span",
        dialogue(
            "early next month, nyc to london, whichever day is cheapest",
            calls=[flex_search("New York", "London", "2027-01-01", "2027-01-10", 3)],
            **NO_HOLD,
        ),
    ),
    (
        "span",
        dialogue(
            "cheapest day to fly NYC-Boston the second week of December?",
            calls=[flex_search("New York", "Boston", "2026-12-07", "2026-12-14", 3)],
            **NO_HOLD,
        ),
    ),
    # ---- changes
    (
        "change",
        dialogue(
            "flights from ORD to JFK on the 16th",
            "actually make it the day before",
            calls=[fly("Chicago", "JFK", "2026-12-15")],
            **NO_HOLD,
        ),
    ),
    (
        "change",
        dialogue(
            "can I come back from London on the Thursday instead?",
            world="trips",
            calls=[fly("London", "New York", "2026-12-17")],
            nothing_changed=True,
            **NO_HOLD,
        ),
    ),
    (
        "change",
        dialogue(
            "push my flight to London a day earlier",
            world="trips",
            calls=[fly("New York", "London", "2026-12-13")],
            nothing_changed=True,
            **NO_HOLD,
        ),
    ),
    # ---- siblings of the first-try gaps, written with their fixes (guards)
    (
        "time_of_day",
        dialogue(
            "JFK to Atlanta late on friday",
            calls=[fly("JFK", "Atlanta", "2026-12-04")],
            options={"depart_after": "17:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "nyc to boston tmrw eve",
            calls=[fly("New York", "Boston", "2026-12-02")],
            options={"depart_after": "17:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "boston to nyc on the 10th about 4ish",
            calls=[fly("Boston", "New York", "2026-12-10")],
            options={"depart_after": "14:00", "depart_before": "18:00"},
            **NO_HOLD,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "flights for about 3 of us nyc to miami on the 10th",
            calls=[fly("New York", "Miami", "2026-12-10", passengers=3, depart_after=None)],
            **NO_HOLD,
        ),
    ),
    (
        "holiday",
        dialogue(
            "jfk to miami christmas eve, returning the 28th",
            calls=[fly("JFK", "Miami", "2026-12-24"), fly("Miami", "JFK", "2026-12-28")],
            **NO_HOLD,
        ),
    ),
    (
        "holiday",
        dialogue(
            "new york to paris boxing day and back on the 30th",
            calls=[fly("New York", "Paris", "2026-12-26"), fly("Paris", "New York", "2026-12-30")],
            **NO_HOLD,
        ),
    ),
    (
        "span",
        dialogue(
            "cheapest day to fly boston to atlanta the end of this month",
            calls=[flex_search("Boston", "Atlanta", "2026-12-25", "2026-12-31", 3)],
            **NO_HOLD,
        ),
    ),
    # ---- round two (probed after the fix, 18:25 UTC): open
    (
        "span",
        dialogue(
            "nyc to miami sometime after christmas, cheapest day",
            calls=[flex_search("New York", "Miami", "2026-12-26", "2026-12-31", 3)],
            **NO_HOLD,
        ),
    ),
]

# 47 ("sometime after Christmas, cheapest day"): closed by g30c (the week after that day)
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_dates(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
