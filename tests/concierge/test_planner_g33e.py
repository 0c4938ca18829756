"""Guards for the held-out gaps of batches 71 and 72 closed by g33e (now = Tue 1 Dec 2026
09:00 UTC; world ``empty``: searches made in earlier turns).

Kinds: an ordinal weekday read relative to an anchor day — a holiday or a day of the month
("the last Friday before xmas", "the first Thursday after New Year's Day", "the Monday before
the 21st", "the first Friday after the 10th"); after a "no" at a hold's confirmation, another
option of the same list replaces the declined hold (one hold, not two); "no, <another hotel>"
at a hotel's confirmation is a no plus a pick of the named hotel from the list shown.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g33e.py, 08:44 UTC, main at 2f8cde3):
2/10 — ordinal_weekday_around_anchor 0/4, pick_after_no_replaces_hold 0/3,
other_hotel_after_no 2/3.
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

HELD: dict[str, Any] = {"not_new_status": "confirmed", "pending": "confirm_booking"}


def hotel(name: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": name, "check_in": check_in, "check_out": check_out}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ ordinal_weekday_around_holiday
    (
        "ordinal_weekday_around_anchor",
        dialogue(
            "Chicago to Boston the last Friday before xmas, please",
            calls=[flight_search("chicago", "boston", "2026-12-18")],
        ),
    ),
    (
        "ordinal_weekday_around_anchor",
        dialogue(
            "hotel in boston checking in the first thursday after new year's day, out on the 9th",
            calls=[hotel_search("boston", "2027-01-07", "2027-01-09")],
        ),
    ),
    (
        "ordinal_weekday_around_anchor",
        dialogue(
            "Can you find me flights from New York to Boston on the Monday before the 21st?",
            calls=[flight_search("new york", "boston", "2026-12-14")],
        ),
    ),
    (
        "ordinal_weekday_around_anchor",
        dialogue(
            "LHR to Dublin, the first Friday after the 10th",
            user="fin",
            calls=[flight_search("LHR", "dublin", "2026-12-11")],
        ),
    ),
    # ------------------------------------------------------------ pick_after_no_keeps_declined_hold
    (
        "pick_after_no_replaces_hold",
        dialogue(
            "Boston to Chicago on the 14th",
            ("option 2", {"pending": "confirm_booking"}),
            ("nah", {"not_new_status": "confirmed"}),
            "ok give me the third one",
            segments=[flight_segment("DL 1071", "BOS", "ORD", "2026-12-14")],
            **HELD,
        ),
    ),
    (
        "pick_after_no_replaces_hold",
        dialogue(
            "LGA to Miami dec 18",
            ("the first one", {"pending": "confirm_booking"}),
            "no, don't book that",
            "number 2 then",
            user="mia",
            segments=[flight_segment("DL 1169", "LGA", "MIA", "2026-12-18")],
            **HELD,
        ),
    ),
    (
        "pick_after_no_replaces_hold",
        dialogue(
            "hotel in london 15-17 dec",
            ("the first", {"pending": "confirm_booking"}),
            "no",
            "the second one then",
            segments=[hotel("Novotel London Paddington", "2026-12-15", "2026-12-17")],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ other_hotel_after_no
    (
        "other_hotel_after_no",
        dialogue(
            "hotels in new york dec 10 to 12",
            ("option 1", {"pending": "confirm_booking"}),
            "nah, let's go with the Holiday Inn Express",
            segments=[hotel("Holiday Inn Express New York Chelsea", "2026-12-10", "2026-12-12")],
            **HELD,
        ),
    ),
    (
        "other_hotel_after_no",
        dialogue(
            "boston hotel 20th to 22nd",
            ("the cheapest", {"pending": "confirm_booking"}),
            "no thanks - the Hilton instead",
            segments=[hotel("Hilton Boston Cambridge", "2026-12-20", "2026-12-22")],
            **HELD,
        ),
    ),
    (
        "other_hotel_after_no",
        dialogue(
            "hotel in london 15-17 dec",
            ("first one", {"pending": "confirm_booking"}),
            "No. I'd prefer the Park Lane one",
            segments=[hotel("Hilton London Park Lane", "2026-12-15", "2026-12-17")],
            **HELD,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g33e_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
