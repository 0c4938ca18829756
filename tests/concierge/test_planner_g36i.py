"""Guards for the held-out gaps of batches 86 and 87 taken by g36i (now = Tue 1 Dec 2026 09:00 UTC;
worlds ``empty`` and ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec, Holiday
Inn Express London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec — and her Boston→Paris DL 15
on Thu 3 Dec waiting for approval).

Kinds: a UK relative day ("a week on Wednesday") in a flight + hotel request searches that day;
an airline named in a question ("why can't I book Ryanair to Dublin?") is never a place, and a
blocked one is answered from the policy; booking expenses / receipts is an honest "can't"; a
long polite e-mail asking to cancel a whole trip proposes that cancel.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g36i.py, 19:44 UTC, main at 9cf74f1):
6/11 — week_on_weekday 3/3, airline_not_place 0/3, expenses_cant 1/3, cancel_email 2/2 (the
held-out e-mail fails on its "money back" cue, which these two didn't say: the cancel_email
guards pass for the wrong reason and only keep the polite cancel working). The "a week on
Wednesday" held-out gap (b87_fh_dublin_week_on_wednesday) is not this: all three phrasings here
search; it stays open. "how come I can't fly Ryanair to Madrid?" (with "fly", not "book") still
starts a search: left as a known gap.
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

CANT = [["can't", "cannot", "not able", "unable", "don't"]]
BLOCKED = [
    [
        "blocked",
        "not allowed",
        "isn't allowed",
        "no corporate fares",
        "can't be booked",
        "cannot be booked",
    ]
]
NO_CHANGE: dict[str, Any] = {
    "nothing_changed": True,
    "tools_exclude": ["reserve", "confirm_booking", "cancel_booking"],
}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ week_on_weekday
    (
        "week_on_weekday",
        dialogue(
            "flight and hotel: Heathrow to Madrid a week on Thursday, two nights please",
            calls=[
                flight_search("LHR", "madrid", "2026-12-10"),
                hotel_search("madrid", "2026-12-10", "2026-12-12"),
            ],
        ),
    ),
    (
        "week_on_weekday",
        dialogue(
            "need to get from London to Paris a week on Friday and a hotel there till the Sunday",
            calls=[
                flight_search("london", "paris", "2026-12-11"),
                hotel_search("paris", "2026-12-11", "2026-12-13"),
            ],
        ),
    ),
    (
        "week_on_weekday",
        dialogue(
            "Could you book me flights London to Dublin a week on Wednesday, returning on the Friday, plus a hotel?",
            calls=[
                flight_search("london", "dublin", "2026-12-09"),
                flight_search("dublin", "london", "2026-12-11"),
            ],
        ),
    ),
    # ------------------------------------------------------------ airline_not_place
    (
        "airline_not_place",
        dialogue(
            "how come I can't fly Ryanair to Madrid? it's half the price",
            reply_contains="Ryanair",
            reply_contains_any=BLOCKED,
            **NO_CHANGE,
        ),
    ),
    (
        "airline_not_place",
        dialogue(
            "why won't you let me book Spirit to Miami?",
            reply_contains="Spirit",
            reply_contains_any=BLOCKED,
            **NO_CHANGE,
        ),
    ),
    (
        "airline_not_place",
        dialogue(
            "Is there a reason I can't take Ryanair from Gatwick to Dublin?",
            reply_contains="Ryanair",
            reply_contains_any=BLOCKED,
            **NO_CHANGE,
        ),
    ),
    # ------------------------------------------------------------ expenses_cant
    (
        "expenses_cant",
        dialogue(
            "could you file my expense claim for the Paris trip please",
            world="trips",
            reply_contains_any=CANT,
            **NO_CHANGE,
        ),
    ),
    (
        "expenses_cant",
        dialogue(
            "pls submit my receipts from london for reimbursement",
            world="trips",
            reply_contains_any=CANT,
            **NO_CHANGE,
        ),
    ),
    (
        "expenses_cant",
        dialogue(
            "Can you do my expenses for last week's trip?",
            world="trips",
            reply_contains_any=CANT,
            **NO_CHANGE,
        ),
    ),
    # ------------------------------------------------------------ cancel_email
    (
        "cancel_email",
        dialogue(
            "Hi there, unfortunately the London meetings have been postponed. Could you please cancel the whole trip and tell me whether we get a refund? Thanks, Ava",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
        ),
    ),
    (
        "cancel_email",
        dialogue(
            "Good morning — I'm sorry to say the Paris visit is off. Would you kindly cancel that booking for me? Best regards",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@paris"},
        ),
    ),
]

GAPS: set[int] = {3}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g36i_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
