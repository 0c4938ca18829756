"""Guards for a trip said to start in a city we don't serve (batch 81's "austin to chicago", then
"sorry I meant Boston not Austin"; now = Tue 1 Dec 2026 09:00 UTC, world ``empty``, Ava flies from
JFK).

Kind: the start of a route named in a city the catalogue doesn't serve is said ("from Austin"),
never silently replaced by the traveller's home airport; the next place said alone ("sorry, from
Chicago", "I meant Atlanta", "make that boston instead of tucson", "Newark") starts the trip, the
rest of the request (where to, the day) kept. A place we don't serve as the destination keeps its
own answer.

Every phrasing was written before the fix (lead, 18:20 UTC).
First try (pytest -q -n 2 tests/concierge/test_planner_g36a.py on a18cec2, before the fix, 18:23
UTC): 5/9 — unserved_origin_corrected 3/6 ("I meant Atlanta", "boston instead of tucson",
"Newark" searched from JFK or asked again), unserved_origin_said 1/2 ("houston to paris" searched
from JFK), unserved_destination 1/1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

CASES: list[tuple[str, Case]] = [
    (
        "unserved_origin_corrected",
        dialogue(
            "portland to boston dec 9",
            "sorry, from chicago",
            calls=[flight_search("chicago", "boston", "2026-12-09")],
        ),
    ),
    (
        "unserved_origin_corrected",
        dialogue(
            "Flight from Nashville to Miami on the 14th please",
            "oh, I meant Atlanta",
            calls=[flight_search("atlanta", "miami", "2026-12-14")],
        ),
    ),
    (
        "unserved_origin_corrected",
        dialogue(
            "tucson - chicago 12/10",
            "make that boston instead of tucson",
            calls=[flight_search("boston", "chicago", "2026-12-10")],
        ),
    ),
    (
        "unserved_origin_said",
        dialogue(
            "can you find me a flight out of Austin to London next Friday",
            no_tools=True,
            reply_contains=["Austin"],
        ),
    ),
    (
        "unserved_origin_said",
        dialogue(
            "houston to paris dec 16",
            tools_exclude=["search_flights"],
            reply_contains=["houston"],
        ),
    ),
    (
        "unserved_origin_corrected",
        dialogue(
            "orlando to new york on the 15th",
            "from Miami then",
            calls=[flight_search("miami", "new york", "2026-12-15")],
        ),
    ),
    (
        "unserved_origin_corrected",
        dialogue(
            "I need to get from Houston to Paris on Dec 16",
            "Newark",
            calls=[flight_search("EWR", "paris", "2026-12-16")],
        ),
    ),
    (
        "unserved_origin_corrected",
        dialogue(
            "flight tampa to atlanta 11 dec",
            "my bad, I meant miami to atlanta",
            calls=[flight_search("miami", "atlanta", "2026-12-11")],
        ),
    ),
    (
        "unserved_destination",
        dialogue(
            "nyc to orlando dec 10",
            "ok miami then",
            calls=[flight_search("new york", "miami", "2026-12-10")],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g36a_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
