"""Guards for the held-out gaps of batch 78 closed by g35c (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``: 40 days of flights from 1 Dec, so the schedule ends on 10 Jan 2027).

Kinds: a window of days said as a numeric range after "any day" ("any day 15/12–17/12"), as a
day "either side" / "give or take" of a date, or as "the weekend of the <n>th" is flexible —
each day of it is searched, not a trip out on the first day and back on the last;
cabin words and their abbreviations and typos ("prem eco", "premium econ", "busness") name
the cabin; a date beyond the flight schedule is answered plainly (how far ahead flights can
be booked, that this date isn't open yet), not with "Some details weren't valid: …".

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g35c.py, 15:01 UTC, main at e6ae052):
5/20 — flexible_window 2/10, cabin_abbreviation 3/6, beyond_schedule 0/4.
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

PLAINLY = [
    [
        *("can't", "can’t", "cannot", "not able", "unable", "don't", "don’t", "only"),
        *("not yet", "isn't open", "not open", "not available"),
    ]
]
HOW_FAR = [["10 Jan", "January 10", "Jan 10", "2027-01-10", "10 January"]]
NOT_DIGEST = ["Some details weren't valid", "couldn't search everything"]


def beyond(*turns: str, **more: Any) -> Case:
    return dialogue(
        *turns,
        nothing_changed=True,
        tools_exclude=["reserve"],
        reply_contains_any=[*PLAINLY, *HOW_FAR],
        reply_not_contains=NOT_DIGEST,
        **more,
    )


def cabin(origin: str, destination: str, date: str, name: str) -> dict[str, Any]:
    return flight_search(origin, destination, date, cabin=name)


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ flexible_window
    (
        "flexible_window",
        dialogue(
            "London to Dublin, any day 10/12-12/12, cheapest one please",
            calls=[flex_search("london", "dublin", "2026-12-10", "2026-12-12", 3)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "Flexible on dates: any day 21/12 – 23/12. Chicago to Miami, lowest fare",
            calls=[flex_search("chicago", "miami", "2026-12-21", "2026-12-23", 3)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "boston to miami, any day 12/14-12/16 works, whichever is cheapest",
            calls=[flex_search("boston", "miami", "2026-12-14", "2026-12-16", 3)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "NYC to Atlanta around the 10th, give or take a day. Cheapest please.",
            calls=[flex_search("new york", "atlanta", "2026-12-09", "2026-12-11", 3)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "SFO to Chicago on the 20th - a day either way is fine, I want the cheapest",
            calls=[flex_search("SFO", "chicago", "2026-12-19", "2026-12-21", 3)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "Chicago to Boston on the 15th plus or minus a day, whatever's cheapest",
            calls=[flex_search("chicago", "boston", "2026-12-14", "2026-12-16", 3)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "Paris to London the weekend of the 19th, either day, cheapest",
            calls=[flex_search("paris", "london", "2026-12-19", "2026-12-20", 2)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "miami to new york, sat or sun the weekend of the 5th, whichever's cheaper",
            calls=[flex_search("miami", "new york", "2026-12-05", "2026-12-06", 2)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "Boston to Atlanta sometime over the weekend of 19 December, cheapest fare",
            calls=[flex_search("boston", "atlanta", "2026-12-19", "2026-12-20", 2)],
        ),
    ),
    (
        "flexible_window",
        dialogue(
            "I could go any day 8-10 Dec, JFK to London. Lowest price please",
            calls=[flex_search("JFK", "london", "2026-12-08", "2026-12-10", 3)],
        ),
    ),
    # ------------------------------------------------------------ cabin_abbreviation
    (
        "cabin_abbreviation",
        dialogue(
            "prem economy boston to london 12/16",
            calls=[cabin("boston", "london", "2026-12-16", "premium")],
        ),
    ),
    (
        "cabin_abbreviation",
        dialogue(
            "premium eco from NYC to Paris on 14 Dec please",
            calls=[cabin("new york", "paris", "2026-12-14", "premium")],
        ),
    ),
    (
        "cabin_abbreviation",
        dialogue(
            "Prem. eco. O'Hare to Heathrow 16/12",
            calls=[cabin("ORD", "LHR", "2026-12-16", "premium")],
        ),
    ),
    (
        "cabin_abbreviation",
        dialogue(
            "premium ecomony to madrid from london on the 17th",
            calls=[cabin("london", "madrid", "2026-12-17", "premium")],
        ),
    ),
    (
        "cabin_abbreviation",
        dialogue(
            "busness class sfo to jfk dec 11",
            calls=[cabin("SFO", "JFK", "2026-12-11", "business")],
        ),
    ),
    (
        "cabin_abbreviation",
        dialogue(
            "Could I get prem econ from Dublin to New York on the 18th?",
            calls=[cabin("dublin", "new york", "2026-12-18", "premium")],
        ),
    ),
    # ------------------------------------------------------------ beyond_schedule
    (
        "beyond_schedule",
        beyond("flights to paris on feb 2nd?"),
    ),
    (
        "beyond_schedule",
        beyond("Can you find me Boston to Chicago on 20 January?"),
    ),
    (
        "beyond_schedule",
        beyond("I need a flight from London to New York on 3/4/2027"),
    ),
    (
        "beyond_schedule",
        beyond("search SFO to Chicago 12/15", "actually what about january 30th instead"),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35c_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
