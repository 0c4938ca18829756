"""Guards for the held-out gaps of batch 86 closed by g36h (now = Tue 1 Dec 2026 09:00 UTC;
worlds ``empty`` and ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec,
Holiday Inn Express London Tower Bridge 15–18 Dec (check-in from 15:00), BA 18 LHR→JFK Fri 18
Dec — and her Boston→Paris DL 15 on Thu 3 Dec waiting for Mia's approval).

Kinds: questions about trips that exist are answered from them, never a new search —
others_trips (finance asking who travels where or a booking's status, a manager asking whose
request waits in her queue), own_trip_detail (the hotel's check-in time, the departure time and
airport of the flight just booked), booked_or_not (are my trips approved / booked — the one
waiting names its approver, also right after a yes that went to approval), cancel_refund (the
refund is said when the trip just booked is cancelled).

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g36h.py, 19:42 UTC, main at 9cf74f1):
4/8 — others_trips 2/3, own_trip_detail 2/2, booked_or_not 0/2, cancel_refund 0/1. After the
fix 7/8; "wait so am I confirmed on it?" (a pause word leading a question, read as a pause)
stays a known gap (GAPS).
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

WAITING = [["pending", "waiting", "not yet", "hasn't", "has not", "awaiting"]]
CONFIRMED: dict[str, Any] = {"new_status": "confirmed"}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ others_trips
    (
        "others_trips",
        dialogue(
            "Is anyone from the team flying to Paris soon?",
            world="trips",
            user="fin",
            nothing_changed=True,
            reply_contains="Ava",
        ),
    ),
    (
        "others_trips",
        dialogue(
            "where does the london booking stand — approved or still pending?",
            world="trips",
            user="fin",
            nothing_changed=True,
            reply_contains_any=[["confirmed", "approved"]],
        ),
    ),
    (
        "others_trips",
        dialogue(
            "who asked for the Paris trip that's waiting on me?",
            world="trips",
            user="mia",
            nothing_changed=True,
            reply_contains="Ava",
        ),
    ),
    # ------------------------------------------------------------ own_trip_detail
    (
        "own_trip_detail",
        dialogue(
            "what's the check in time for my london hotel",
            world="trips",
            nothing_changed=True,
            reply_contains_any=[["15:00", "3 pm", "3pm", "3:00 pm", "3:00pm"]],
        ),
    ),
    (
        "own_trip_detail",
        dialogue(
            "JFK to Boston on the 15th",
            ("the first one", {"pending": "confirm_booking"}),
            ("yes", CONFIRMED),
            "great. remind me when that flight departs?",
            new_bookings=1,
            new_status="confirmed",
            reply_contains_any=[["15:05", "3:05"]],
        ),
    ),
    # ------------------------------------------------------------ booked_or_not
    (
        "booked_or_not",
        dialogue(
            "is everything booked and approved for my trips?",
            world="trips",
            nothing_changed=True,
            reply_contains=["Paris", "Mia"],
        ),
    ),
    (
        "booked_or_not",
        dialogue(
            "flight JFK to Boston tomorrow evening",
            ("the delta one at 9:50pm", {"pending": "confirm_booking"}),
            ("yes", {"new_status": "pending_approval"}),
            "wait so am I confirmed on it?",
            new_bookings=1,
            new_status="pending_approval",
            reply_contains="Mia",
        ),
    ),
    # ------------------------------------------------------------ cancel_refund
    (
        "cancel_refund",
        dialogue(
            ("book me the cheapest flight JFK to Miami on 11 Dec", {"pending": "confirm_booking"}),
            ("yes", CONFIRMED),
            ("plans changed, please cancel it", {"pending": "cancel_booking"}),
            "yes cancel",
            new_bookings=1,
            new_status="cancelled",
            reply_contains="208.90",
        ),
    ),
]

GAPS: set[int] = {6}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g36h_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
