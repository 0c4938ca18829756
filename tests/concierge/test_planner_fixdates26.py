"""Guards for the held-out gaps of dates and trip shapes closed by fixdates26 (now = Tue
1 Dec 2026): a two-way arrow between two places ("NYC ⇄ San Francisco") as the route out
and home, as written; "the <weekday>" told as the day of something else in a clause with
no travel word, beside a calendar date to fly on; "any weekday next week"; a weekday
offered beside one that names its week ("next Tuesday or Wednesday"); a hotel "for the
nights in between" the flights out and home (flights searched too, the stay from the day
the flight there lands); a carrier named with a time ("the 3:05 American") that names no
flight home too.

Every phrasing here is a guard, written after the fix (the held-out cases themselves are
tests/concierge/heldout/batch_41.yaml and batch_43.yaml). First try, run once after the
fixes on fixdates26 (pytest -n 0 tests/concierge/test_planner_fixdates26.py, 09:10 UTC):
9/10 — route_direction 1/2: "jfk <-> lhr ..." (two lower-case codes joined by a
two-way arrow) searched nothing; fixed (the two-way arrows join codes and names as the
one-way ones do), 10/10 since; context_date 2/2, flexible_weekdays 1/1,
flexible_named_days 2/2, flight_hotel 2/2, implied_return 1/1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    dialogue,
    flex_search,
    flight_search,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")


CASES: list[Case] = [
    # guard, written after the fix: route_direction
    dialogue(
        "Boston ↔ Chicago, out Dec 14 and back Dec 16",
        calls=[
            flight_search("boston", "chicago", "2026-12-14"),
            flight_search("chicago", "boston", "2026-12-16"),
        ],
    ),
    # guard, written after the fix: route_direction
    dialogue(
        "jfk <-> lhr leaving 15 dec returning 19 dec",
        calls=[
            flight_search("JFK", "london", "2026-12-15"),
            flight_search("london", "JFK", "2026-12-19"),
        ],
    ),
    # guard, written after the fix: context_date
    dialogue(
        "Morning. We've got the board meeting at the Chicago office on the Thursday, so can "
        "you find me flights from Boston to Chicago on Wednesday 16th December?",
        calls=[flight_search("boston", "chicago", "2026-12-16")],
        tools_exclude=["list_trips"],
    ),
    # guard, written after the fix: context_date
    dialogue(
        "My team offsite is in Miami on the Friday. Could you look at flights Atlanta to "
        "Miami on 10 Dec please?",
        calls=[flight_search("atlanta", "miami", "2026-12-10")],
    ),
    # guard, written after the fix: flexible_weekdays
    dialogue(
        "Chicago to Boston any weekday next week, cheapest please",
        calls=[flex_search("chicago", "boston", "2026-12-07", "2026-12-11", 5)],
    ),
    # guard, written after the fix: flexible_named_days
    dialogue(
        "Miami to Atlanta next Monday or Tuesday, whichever's cheapest",
        calls=[
            flight_search("miami", "atlanta", "2026-12-07"),
            flight_search("miami", "atlanta", "2026-12-08"),
        ],
    ),
    # guard, written after the fix: flexible_named_days
    dialogue(
        "BOS to ATL the following thursday or friday, whichever is cheaper",
        calls=[
            flight_search("boston", "atlanta", "2026-12-10"),
            flight_search("boston", "atlanta", "2026-12-11"),
        ],
    ),
    # guard, written after the fix: flight_hotel
    dialogue(
        "Paris trip: out of JFK on Monday 14 Dec, back Thursday the 17th, plus a hotel for "
        "the nights in between",
        calls=[
            flight_search("JFK", "paris", "2026-12-14"),
            flight_search("paris", "JFK", "2026-12-17"),
            hotel_search("paris", "2026-12-15", "2026-12-17"),
        ],
    ),
    # guard, written after the fix: flight_hotel
    dialogue(
        "flying Newark to London on the 20th, home on the 23rd, and I need a room between "
        "the flights",
        calls=[
            flight_search("EWR", "london", "2026-12-20"),
            flight_search("london", "EWR", "2026-12-23"),
            hotel_search("london", "2026-12-21", "2026-12-23"),
        ],
    ),
    # guard, written after the fix: implied_return
    dialogue(
        "need to be in chicago 12/14 to 12/16 - flight from LGA on the 14th and a hotel "
        "until the 16th please",
        ("the 8:55 Delta and the cheapest hotel", {"pending": "confirm_booking"}),
        segments=[
            {"kind": "flight", "flight": "DL 1171", "origin": "LGA", "date": "2026-12-14"},
            {"kind": "hotel", "check_in": "2026-12-14", "check_out": "2026-12-16"},
        ],
    ),
]

# Indexes of CASES still failing (strict xfail), with the reason.
GAPS: dict[int, str] = {}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=GAPS[i])) if i in GAPS else c
        for i, c in enumerate(CASES)
    ],
    ids=lambda c: c.id,
)
async def test_fixdates26_guard(case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
