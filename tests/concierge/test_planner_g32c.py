"""Guards for the held-out gaps of batch 69 closed by g32c (now = Tue 1 Dec 2026 09:00 UTC;
world ``trips``: ava's confirmed London trip, BA 19 JFK→LHR Mon 14 Dec, BA 18 LHR→JFK Fri
18 Dec, and her Paris trip waiting for Mia's approval; world ``empty``: searches made in
earlier turns).

Kinds: a purpose stated tersely about a trip named by its place ("<city> trip is for …
fyi", "add purpose to the <city> one: …"); a purpose said with the search carried to the
hold's confirmation; a window / aisle seat chosen on a booked flight names its kind in the
reply; "what seat … on <flight no>" answered without asking which trip; "<city> booked yet
y/n" answers the trip's status; "<n> both ways" after a round-trip search holds both legs.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g32c.py, 05:19 UTC, main at 2ec3373):
0/9 — purpose_terse 0/2, purpose_with_search 0/2, seat_kind_in_reply 0/2,
seat_question_by_flight_number 0/1, trip_status_terse 0/1, round_trip_pick_terse 0/1.
After the fixes: 8/9; round_trip_pick_terse stayed a known gap until g33b (a bare option
number with "each way" in its clause, picks._bare_number).
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

T: dict[str, Any] = {"world": "trips"}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ purpose_terse
    (
        "purpose_terse",
        dialogue(
            "paris trip is for the customer kickoff btw",
            tools_include=["set_trip_purpose"],
            tools_exclude=["search_flights", "search_hotels"],
            booking_status={"paris": "pending_approval"},
            **T,
        ),
    ),
    (
        "purpose_terse",
        dialogue(
            "add a purpose to my london one pls: board meeting prep",
            tools_include=["set_trip_purpose"],
            tools_exclude=["search_flights", "search_hotels"],
            booking_status={"london": "confirmed"},
            **T,
        ),
    ),
    # ------------------------------------------------------------ purpose_with_search
    (
        "purpose_with_search",
        dialogue(
            "jfk-bos dec 10, it's for a sales pitch",
            "the first one",
            pending="confirm_booking",
            pending_args_contains={"purpose": "sales pitch"},
        ),
    ),
    (
        "purpose_with_search",
        dialogue(
            "flights nyc to boston on the 14th - its for the vendor summit",
            "option 2",
            pending="confirm_booking",
            pending_args_contains={"purpose": "vendor summit"},
        ),
    ),
    # ------------------------------------------------------------ seat_kind_in_reply
    (
        "seat_kind_in_reply",
        dialogue(
            "aisle seat on my flight home pls",
            tools_include=["choose_seats"],
            reply_contains="aisle",
            booking_status={"london": "confirmed"},
            **T,
        ),
    ),
    (
        "seat_kind_in_reply",
        dialogue(
            "can i get a window on the paris flight",
            tools_include=["choose_seats"],
            reply_contains="window",
            booking_status={"paris": "pending_approval"},
            **T,
        ),
    ),
    # ------------------------------------------------------------ seat_question_by_flight_number
    (
        "seat_question_by_flight_number",
        dialogue(
            "which seat am i in on ba 18",
            tools_exclude=["choose_seats", "buy_seats"],
            reply_contains_any=[["no seat", "not chosen", "haven't", "not yet", "none"]],
            nothing_changed=True,
            **T,
        ),
    ),
    # ------------------------------------------------------------ trip_status_terse
    (
        "trip_status_terse",
        dialogue(
            "london booked yet y/n",
            reply_contains_any=[["confirmed", "booked"]],
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            **T,
        ),
    ),
    # ------------------------------------------------------------ round_trip_pick_terse
    (
        "round_trip_pick_terse",
        dialogue(
            "ord-sfo 14th back 17th",
            "1 each way",
            user="gus",
            segments=[
                {"kind": "flight", "origin": "ORD", "destination": "SFO", "date": "2026-12-14"},
                {"kind": "flight", "origin": "SFO", "destination": "ORD", "date": "2026-12-17"},
            ],
            pending="confirm_booking",
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g32c_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
