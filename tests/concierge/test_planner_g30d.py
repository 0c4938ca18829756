"""Guards for the held-out gaps of batch 63 taken by g30d (now = Tue 1 Dec 2026; worlds as in
test_planner_f29.py: ``trips`` has Ava's confirmed London trip, BA 19 JFK→LHR Mon 14 Dec, and
her DL 15 BOS→CDG Thu 3 Dec waiting for Mia (due 2 Dec 09:00 UTC); Gus has no trips).

Gaps: "any <trips|flights|hotels> booked?" is one's trips (the noun after "any" is no name);
no trips is said plainly; booking what no tool books ("I want to book a car") beside a
question about one's flight is no request; a terse "<city> approved y/n" is where one's trip
stands; a manager's list of approvals says by when each is due.

Every phrasing was written before it was run. First try (pytest -q -n 2
tests/concierge/test_planner_g30d.py, ~22:39 UTC, main 61dee8f): 4/10 — failed: both "any
flights/hotels booked" (a search), both no-trips answers ("no active bookings"), "paris trip
aprooved?" (searched), the manager's deadline (no due date). The cab sibling was added after
the fix. After the fixes: 11/11. Added later (22:57 UTC, run before the fix): the day one books on
said beside the travel day ("... the 9th today ...": 1/2 first try, the thresholds listed),
after the fix 2/2.
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

QUIET: dict[str, Any] = {"nothing_changed": True, "pending": "none"}
NONE_FOUND = [
    "no trips",
    "nothing booked",
    "no upcoming",
    "don't have any",
    "no bookings",
    "nothing coming up",
    "no flights",
    "none",
    "no pending",
]
NOT_WAITING = ["not yet", "pending", "waiting", "awaiting", "hasn't", "has not"]

CASES: list[tuple[str, Case]] = [
    # a noun after "any" is not a person's name
    (
        "nothing_booked",
        dialogue(
            "have I got any flights booked?",
            user="gus",
            world="trips",
            reply_contains_any=[NONE_FOUND],
            reply_not_contains=["BA 19"],
            **QUIET,
        ),
    ),
    (
        "nothing_booked",
        dialogue(
            "are there any hotels booked for me?",
            user="gus",
            world="trips",
            reply_contains_any=[NONE_FOUND],
            reply_not_contains=["Holiday Inn"],
            **QUIET,
        ),
    ),
    # no trips at all: said plainly
    (
        "no_trips_plain",
        dialogue("what time is my next departure?", reply_contains_any=[NONE_FOUND], **QUIET),
    ),
    (
        "no_trips_plain",
        dialogue(
            "is anything of mine still pending sign-off?", reply_contains_any=[NONE_FOUND], **QUIET
        ),
    ),
    # a word in an e-mail is not a car rental
    (
        "land_time_mail",
        dialogue(
            "Hi,\nWhat time does my flight get into London on the 15th? I need to arrange a "
            "taxi.\nThanks, Ava",
            world="trips",
            reply_contains=["10:55"],
            **QUIET,
        ),
    ),
    (
        "land_time_mail",
        dialogue(
            "remind me when I get back to JFK on the 18th, need to book a cab home",
            world="trips",
            reply_contains=["11:10"],
            **QUIET,
        ),
    ),
    # terse approval status with a typo
    (
        "terse_status",
        dialogue("paris trip aprooved?", world="trips", reply_contains_any=[NOT_WAITING], **QUIET),
    ),
    (
        "terse_status",
        dialogue("is paris approvd yet", world="trips", reply_contains_any=[NOT_WAITING], **QUIET),
    ),
    # a manager asking where a report's approval stands gets the deadline
    (
        "approval_deadline",
        dialogue(
            "what's the status of Ava's Paris approval? by when do I need to sign off?",
            user="mia",
            world="trips",
            reply_contains_any=[["2 Dec", "Dec 2", "December 2", "tomorrow"]],
            **QUIET,
        ),
    ),
    # a policy question about a booked flight's cabin
    (
        "cabin_allowed",
        dialogue(
            "I'm on the London flight on the 14th, am I allowed business class on it?",
            world="trips",
            reply_contains=["business"],
            reply_contains_any=[["yes", "allowed", "within policy", "in policy"]],
            **QUIET,
        ),
    ),
    # approval for a date: the advance rule
    (
        "approval_for_date",
        dialogue(
            "if I book a flight to Boston for Sunday the 6th, would that need approval?",
            reply_contains_any=[["7 days", "seven days"], ["approval", "approve"]],
            nothing_changed=True,
        ),
    ),
    # the day one books on ("today", "right now") said beside the travel day: no travel day
    (
        "approval_for_date",
        dialogue(
            "if we book a flight to Chicago for Friday the 4th right now, would it need sign-off?",
            reply_contains_any=[["7 days", "seven days"], ["approval", "approve"]],
            nothing_changed=True,
        ),
    ),
    (
        "approval_for_date",
        dialogue(
            "if I book the 9th today to Boston does my manager need to approve?",
            reply_contains_any=[["7 days", "seven days"]],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g30d_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
