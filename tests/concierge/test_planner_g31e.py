"""Guards for the held-out gaps of batch 66 taken by g31e (now = Tue 1 Dec 2026; world
``trips``: ava's confirmed London trip BA 19 JFK→LHR 14 Dec, Holiday Inn Express, 1,944.90 USD;
her DL 15 BOS→CDG 3 Dec waiting for Mia's approval; mia approves for ava, victor and fin have
nothing to approve; Acme: first class never, business from 6 h).

Gaps:
- ``approval_queue_empty``: someone with nothing to approve asking whether anything waits in
  their approval queue / inbox is shown their (empty) approvals, plainly.
- ``policy_for_team``: whether anyone / the team / staff may fly a cabin is a policy question.
- ``report_overview``: an overview / rundown / summary of a report's trips lists them all.
- ``no_trips_wording``: a report with no trips: say plainly they have no trips booked.
- ``name_possessive_question``: "Has / Is / Did <name>'s ..." — the question word before the
  name is no part of it.

Every phrasing here was written before the planner was read (the held-out cases themselves
are in tests/concierge/heldout/batch_66.yaml). First try (pytest -q -n 2
tests/concierge/test_planner_g31e.py, 01:57 UTC): 5/15 — approval_queue_empty 1/3 ("my
approvals queue" read as one's own trip: "You can't approve your own trip"), policy_for_team
3/3, report_overview 0/3 (an overview / rundown / summary of Ava's trips: not understood, a
policy answer, or one trip), no_trips_wording 1/3 ("I don't see any upcoming trip for Ava";
"does Ava Patel have any upcoming travel?" not understood), name_possessive_question 0/3
("Is / Did / Has Ava" read as the name). Guard 3 (approval_queue_empty, reply only) added
after the first try. After the fixes (02:03 UTC): 14/14 of those that can pass; 0 and 2 stay
known gaps (GAPS below).
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

NONE_WORDS = [
    "nothing",
    "no approval",
    "none",
    "no pending",
    "no request",
    "don't have any",
    "all clear",
    "empty",
]
NO_TRIPS = [
    "nothing",
    "no trips",
    "no upcoming",
    "none",
    "no bookings",
    "doesn't have",
    "hasn't",
    "no travel",
]
QUIET: dict[str, Any] = {"nothing_changed": True}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ approval_queue_empty
    (
        "approval_queue_empty",
        dialogue(
            "anything in my approvals queue right now?",
            world="trips",
            user="fin",
            tools_include=["list_approvals"],
            reply_contains_any=[NONE_WORDS],
            **QUIET,
        ),
    ),
    (
        "approval_queue_empty",
        dialogue(
            "is there something sitting in my inbox to approve?",
            world="trips",
            user="victor",
            tools_include=["list_approvals"],
            reply_contains_any=[NONE_WORDS],
            reply_not_contains="732.10",
            **QUIET,
        ),
    ),
    (
        "approval_queue_empty",
        dialogue(
            "hi, do i have anything waiting on my approval",
            world="empty",
            user="fin",
            tools_include=["list_approvals"],
            reply_contains_any=[NONE_WORDS],
            **QUIET,
        ),
    ),
    (
        # the same as 0 without the tool: what the reply says (fin approves nothing)
        "approval_queue_empty",
        dialogue(
            "got anything sitting in my approval inbox?",
            world="trips",
            user="fin",
            reply_contains_any=[[*NONE_WORDS, "no approvals"]],
            reply_not_contains="can't approve",
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------ policy_for_team
    (
        "policy_for_team",
        dialogue(
            "Is anybody on my team allowed to fly first on long flights?",
            user="mia",
            tools_include=["get_policy"],
            tools_exclude=["search_flights"],
            reply_contains_any=[["not allowed", "never", "red", "cannot", "can't", "no one"]],
            **QUIET,
        ),
    ),
    (
        "policy_for_team",
        dialogue(
            "could my people book first class on a really long flight?",
            user="victor",
            tools_include=["get_policy"],
            tools_exclude=["search_flights"],
            reply_contains_any=[["not allowed", "never", "red", "cannot", "can't", "no one"]],
            **QUIET,
        ),
    ),
    (
        "policy_for_team",
        dialogue(
            "can staff fly business when the flight is over 6 hours?",
            user="fin",
            tools_include=["get_policy"],
            tools_exclude=["search_flights"],
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------ report_overview
    (
        "report_overview",
        dialogue(
            "give me a rundown of Ava's trips",
            world="trips",
            user="victor",
            tools_include=["list_trips"],
            reply_contains=["London", "Paris"],
            **QUIET,
        ),
    ),
    (
        "report_overview",
        dialogue(
            "can I get a summary of Ava Patel's upcoming trips?",
            world="trips",
            user="mia",
            tools_include=["list_trips"],
            reply_contains=["London", "Paris"],
            **QUIET,
        ),
    ),
    (
        "report_overview",
        dialogue(
            "overview of Ava's travel please",
            world="trips",
            user="fin",
            tools_include=["list_trips"],
            reply_contains=["London", "Paris"],
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------ no_trips_wording
    (
        "no_trips_wording",
        dialogue(
            "what's Ava got booked?",
            user="victor",
            tools_include=["list_trips"],
            reply_contains_any=[NO_TRIPS],
            **QUIET,
        ),
    ),
    (
        "no_trips_wording",
        dialogue(
            "show me Ava's trips",
            user="mia",
            tools_include=["list_trips"],
            reply_contains_any=[NO_TRIPS],
            **QUIET,
        ),
    ),
    (
        "no_trips_wording",
        dialogue(
            "does Ava Patel have any upcoming travel?",
            user="fin",
            tools_include=["list_trips"],
            reply_contains_any=[NO_TRIPS],
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------ name_possessive_question
    (
        "name_possessive_question",
        dialogue(
            "Is Ava's Paris trip confirmed?",
            world="trips",
            user="mia",
            reply_contains_any=[["not yet", "waiting", "pending", "approval", "not confirmed"]],
            booking_status={"paris": "pending_approval"},
            **QUIET,
        ),
    ),
    (
        "name_possessive_question",
        dialogue(
            "Did Ava's London flight get confirmed?",
            world="trips",
            user="victor",
            reply_contains="confirmed",
            reply_contains_any=[["London", "BA 19", "BA19"]],
            **QUIET,
        ),
    ),
    (
        "name_possessive_question",
        dialogue(
            "Has Ava's trip to Paris been approved yet?",
            world="trips",
            user="mia",
            reply_contains_any=[["not yet", "waiting", "pending", "not approved"]],
            booking_status={"paris": "pending_approval"},
            **QUIET,
        ),
    ),
]


# 0 and 2 (fin, an analyst, no approver, was not offered list_approvals) pass since g32b
# offers list_approvals to everyone (tools/list_approvals.py ``Offer.ALWAYS``).
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g31e_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
