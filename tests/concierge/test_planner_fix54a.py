"""Guards for the held-out gaps of batch 54 closed by fix54a (now = Tue 1 Dec 2026, world
``trips``: Ava's confirmed London trip, BA 19 JFK→LHR Mon 14 Dec 22:30 landing Tue 15 Dec
10:55, Holiday Inn Express London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45
landing 11:10, 1,944.90 in all; her DL 15 BOS→CDG Thu 3 Dec 22:10 landing Fri 4 Dec 11:35,
732.10, waiting for Mia Chen's approval; Mia reports to Victor).

Mechanisms: "what time do I get into <airport>?" is one's own landing ("get into", "touch
down" among the own-trip verbs, asks.yaml ``own``); "is everything booked for <city>?" asks
where one's trip stands (asks.yaml ``own`` and ``status``); "which trip is on <date>?" is
the trip of that day (asks.yaml ``on_day``), named, not answered with a yes; "if the <city>
trip goes ahead" is no list of trips to come ("ahead" after "go", intents.yaml ``trips``);
"what time is my flight on <date>" is no status question ("is my flight on" before a day,
intents.yaml ``disrupted``), so the flight of that day is answered; "which one's first?",
"I've got two trips right?" list the trips soonest first, the first named (asks.yaml
``order``, trip_answers ``in_order``); one's trips asked for some days ("the week of the
14th") are those days' (state ``trips_days``/``within_days``), and "the flight" asked next
is the listed trip's (dispatch ``_THE_PART``); "where is <name>'s <city> request at? is it
waiting on me?" is where that booking stands and whom it waits on (intents, before the
caller's queue; several ``_read_after`` takes "it" up), "Not on you — … Mia Chen"; "anything
pending from my team?" is the caller's queue, with amounts (intents.yaml
``approvals_listing``); two questions answered alike are told once (several ``_say_once``).

Every phrasing here was written before it was run (the held-out cases themselves are in
tests/concierge/heldout/batch_54.yaml). First try (pytest -q
tests/concierge/test_planner_fix54a.py, 15:38 UTC): 11/12. Then fixed: "what time is the
flight on 14/12?" asked for a destination (no "my": "the flight" with a day and no place is
one's own, intents ``_THE_FLIGHT``). 12/12.
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

worlds = worlds_fixture("trips")

T: dict[str, Any] = {
    "world": "trips",
    "nothing_changed": True,
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "cancel_booking"],
}

CASES: list[tuple[str, Case]] = [
    (
        "trip_question_as_search",
        dialogue("what time do I touch down at Heathrow?", reply_contains_any=[["10:55"]], **T),
    ),
    (
        "trip_question_as_search",
        dialogue(
            "is it all sorted for London - flight and hotel?",
            reply_contains=["confirmed", "Holiday Inn Express"],
            **T,
        ),
    ),
    (
        "trip_question_as_search",
        dialogue("what booking do I have for the 15th?", reply_contains=["London"], **T),
    ),
    (
        "trip_question_as_search",
        dialogue(
            ("what have I got booked between the 1st and the 5th?", {"reply_contains": ["Paris"]}),
            "when does the flight leave?",
            reply_contains=["22:10"],
            **T,
        ),
    ),
    (
        "trip_question_unanswered",
        dialogue(
            "if the london trip goes ahead, when would I land?", reply_contains=["10:55"], **T
        ),
    ),
    (
        "trip_question_unanswered",
        dialogue("which of my trips comes first?", reply_contains=["Paris", "3 Dec"], **T),
    ),
    (
        "trip_question_unanswered",
        dialogue("I have two bookings, right? which is sooner?", reply_contains=["Paris"], **T),
    ),
    (
        "trip_by_date",
        dialogue("what time is my flight on Friday the 18th", reply_contains=["08:45"], **T),
    ),
    (
        "trip_by_date",
        dialogue("what time is the flight on 14/12?", reply_contains=["22:30"], **T),
    ),
    (
        "approval_status",
        dialogue(
            "where's Ava's Paris trip at? is it sitting with me?",
            user="victor",
            world="trips",
            nothing_changed=True,
            tools_exclude=["decide_approval"],
            reply_contains=["Mia"],
        ),
    ),
    (
        "approval_status",
        dialogue(
            "anything waiting from my reports? what's the total?",
            user="mia",
            world="trips",
            nothing_changed=True,
            tools_include=["list_approvals"],
            reply_contains=["Ava", "732.10"],
        ),
    ),
    (
        "approval_status",
        dialogue(
            "what's the status of Ava's Paris request?",
            user="victor",
            world="trips",
            nothing_changed=True,
            tools_exclude=["decide_approval"],
            reply_contains=["Mia"],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_fix54a_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
