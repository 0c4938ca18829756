"""Guards for the held-out gaps of batches 59–60 closed by f29 (now = Tue 1 Dec 2026;
world ``trips``: Ava's confirmed London trip, BA 19 JFK→LHR Mon 14 Dec, Holiday Inn
Express London 15–18 Dec, BA 18 back Fri 18 Dec; her DL 15 BOS→CDG Thu 3 Dec waiting
for Mia Chen's approval; Gus has no trips; world ``empty``: JFK→BOS 9 Dec shows B6 1022
09:15 first and AA 1040 15:05 second).

Gaps: one's own holds and bookings asked about "now" ("what am I holding right now?",
"anything booked at the moment?") are one's trips, with no person read out of "booked" or
"hold"; a nudge to the approver ("chase Mia about my Paris approval") is where that trip
stands and whom it waits on, never a search; a manager asking whether a report travels in
the next weeks is that person's trips.

Every phrasing here was written before it was run (the held-out cases themselves are in
tests/concierge/heldout/batch_59.yaml and batch_60.yaml). First try (pytest -q
tests/concierge/test_planner_f29.py -n 2, 19:00 UTC): 5/11 — failed: "what am I actually holding"
(not understood), three of four nudges ("can't approve your own trip", one searched
nothing but asked where to fly), both manager questions (not understood / "you can book
for Ava"). After the fix: 11/11.
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

HELD: dict[str, Any] = {
    "tools_exclude": ["search_flights", "reserve", "confirm_booking"],
    "new_bookings": 1,
    "new_status": "held",
}
ASKED: dict[str, Any] = {
    "world": "trips",
    "nothing_changed": True,
    "tools_exclude": ["search_flights", "search_hotels", "decide_approval"],
}
# A nudge is answered with where the trip stands, never as a decision asked of the traveller.
CHASED: dict[str, Any] = {
    **ASKED,
    "pending": "none",
    "reply_contains": ["Mia"],
    "reply_contains_any": [["waiting", "pending", "not yet", "hasn't"]],
    "reply_not_contains": ["can't approve your own"],
}
NONE_FOUND = ["no trips", "no bookings", "nothing booked", "don't have any", "no upcoming"]

CASES: list[tuple[str, Case]] = [
    (
        "own_holds_now",
        dialogue(
            "JFK to Boston dec 9",
            "option 2",
            "hang on, what am I actually holding at the moment?",
            reply_contains=["AA 1040"],
            **HELD,
        ),
    ),
    (
        "own_holds_now",
        dialogue(
            "JFK to Boston dec 9",
            "the first one",
            ("not yet", {"pending": "none", "new_status": "held"}),
            "remind me what's on hold for me right now",
            reply_contains=["B6 1022"],
            **HELD,
        ),
    ),
    (
        "own_holds_now",
        dialogue(
            "JFK to Boston dec 9",
            "option 2",
            "sorry, which flight are we holding currently?",
            reply_contains=["AA 1040"],
            **HELD,
        ),
    ),
    (
        "own_bookings_now",
        dialogue(
            "is there anything booked for me at the moment?",
            user="gus",
            reply_contains_any=[NONE_FOUND],
            reply_not_contains=["Booked", "among the trips"],
            **ASKED,
        ),
    ),
    (
        "own_bookings_now",
        dialogue(
            "have I got anything on hold at present?",
            reply_contains=["DL 15"],
            reply_not_contains=["among the trips"],
            **ASKED,
        ),
    ),
    (
        "chase_approver",
        dialogue(
            "could you nudge Mia about my Paris trip? it still hasn't been approved", **CHASED
        ),
    ),
    (
        "chase_approver",
        dialogue("please ping my manager to hurry up the approval on my paris booking", **CHASED),
    ),
    (
        "chase_approver",
        dialogue(
            "can you chase up the sign-off for my flight to Paris, I leave on the 3rd", **CHASED
        ),
    ),
    (
        "chase_approver",
        dialogue(
            "could you poke Mia about my Paris approval? I'm flying on Thursday and nothing's "
            "happened",
            **CHASED,
        ),
    ),
    (
        "report_travelling",
        dialogue(
            "is Ava flying anywhere in the next two weeks?",
            user="mia",
            reply_contains=["London"],
            **ASKED,
        ),
    ),
    (
        "report_travelling",
        dialogue(
            "will Ava be away at all over the next few weeks? planning an offsite",
            user="mia",
            reply_contains=["London"],
            **ASKED,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_f29_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
