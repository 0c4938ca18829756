"""Guards for the held-out gaps taken by g32b (now = Tue 1 Dec 2026; worlds ``empty`` and
``trips``: ava's confirmed London trip BA 19 JFK→LHR Mon 14 Dec, hotel 15–18 Dec, BA 18 LHR→JFK
Fri 18 Dec; her DL 15 BOS→CDG Thu 3 Dec waiting for Mia).

Gaps (held-out cases in tests/concierge/heldout/batch_65.yaml, batch_30.yaml, batch_66.yaml):
- ``pick_cheapest_filtered``: "I need to be back by <time>" from a traveller whose home is the
  destination is a time to land by, not a return; "the cheapest one" then holds it.
- ``request_with_policy_question``: "<cabin> to <city> … — does that need approval?" searches
  and says whether approval is needed.
- ``travel_day_from_event``: "fly in the day before and back to <origin> on the <weekday>"
  beside an event: out the day before, home on that weekday (while "red-eye … back to <home>
  on <day>" stays a one-way home).
- ``email_to_the_traveller``: an e-mail addressed to the traveller with their own request under
  it searches what the request asks, on the e-mail's day.
- ``change_said_in_clauses``: a change of a booked trip told over several sentences is one
  change.
- ``approval_queue_empty``: someone who approves nothing asking whether anything waits for
  their approval is told honestly that nothing does.

Every phrasing here was written before the planner was read. First try (pytest -q -n 2
tests/concierge/test_planner_g32b.py, main at 7473ffc, 03:30 UTC): 5/20 —
pick_cheapest_filtered 0/3, request_with_policy_question 2/4 (the Chicago one with no dash
trouble and the booked-flight dash question passed), travel_day_from_event 1/4 (the one-way
home passed), email_to_the_traveller 0/3, change_said_in_clauses 2/3, approval_queue_empty
0/3. After the fixes (04:12 UTC, same command): 20/20.
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


def _fl(origin: str, destination: str, date: str, **more: Any) -> dict[str, Any]:
    return {
        "tool": "search_flights",
        "args": {"origin": origin, "destination": destination, "date": date, **more},
    }


def _ho(city: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {
        "tool": "search_hotels",
        "args": {"city": city, "check_in": check_in, "check_out": check_out},
    }


HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
NOTHING_FOR_YOU = [
    "nothing",
    "no approval",
    "none",
    "no pending",
    "no request",
    "don't have any",
    "all clear",
    "empty",
]

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------------ pick_cheapest_filtered
    (
        "pick_cheapest_filtered",
        dialogue(
            "Boston to Chicago Thu 10 Dec, need to be back by 7pm",
            "cheapest one",
            user="gus",
            segments=[{"kind": "flight", "origin": "BOS", "destination": "ORD", "date": "2026-12-10"}],
            **HELD,
        ),
    ),
    (
        "pick_cheapest_filtered",
        dialogue(
            "Miami to New York on the 9th, I have to be back by 5pm",
            "the cheapest please",
            segments=[{"kind": "flight", "origin": "MIA", "date": "2026-12-09"}],
            **HELD,
        ),
    ),
    (
        "pick_cheapest_filtered",
        dialogue(
            "atlanta to new york dec 12 - gotta be back home by 6pm",
            "cheapest",
            segments=[{"kind": "flight", "origin": "ATL", "date": "2026-12-12"}],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------------ request_with_policy_question
    (
        "request_with_policy_question",
        dialogue(
            "business class New York to Chicago on the 14th — will I need approval for it?",
            calls=[_fl("new york", "chicago", "2026-12-14", cabin="business")],
            nothing_changed=True,
            reply_contains=["approval"],
        ),
    ),
    (
        "request_with_policy_question",
        dialogue(
            "business to Boston from NYC on Dec 15 — is that going to need approval?",
            calls=[_fl("new york", "boston", "2026-12-15", cabin="business")],
            nothing_changed=True,
            reply_contains=["approval"],
        ),
    ),
    (
        "request_with_policy_question",
        dialogue(
            "Business to Miami from New York, 9 Dec – does it need sign-off / approval?",
            calls=[_fl("new york", "miami", "2026-12-09", cabin="business")],
            nothing_changed=True,
            reply_contains=["approval"],
        ),
    ),
    (
        # a dash before a question about a booked flight stays one message about it
        "request_with_policy_question",
        dialogue(
            "The flight out to London on 14/12 — what time does it leave?",
            world="trips",
            reply_contains_any=[["22:30", "10:30"]],
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------------ travel_day_from_event
    (
        "travel_day_from_event",
        dialogue(
            "Team offsite in Boston on Tuesday 15 Dec. Fly me there from New York the day before "
            "and back to New York on the Wednesday.",
            calls=[_fl("new york", "boston", "2026-12-14"), _fl("boston", "new york", "2026-12-16")],
        ),
    ),
    (
        "travel_day_from_event",
        dialogue(
            "Client meeting in Chicago Thursday 10 Dec at 2pm. Get me there from Boston the day "
            "before and back to Boston on Friday.",
            calls=[_fl("boston", "chicago", "2026-12-09"), _fl("chicago", "boston", "2026-12-11")],
        ),
    ),
    (
        "travel_day_from_event",
        dialogue(
            "Seminar in London on Wed 16 Dec. I'd like to get there from Paris the evening before "
            "and fly back to Paris on the Thursday.",
            user="mia",
            calls=[_fl("paris", "london", "2026-12-15"), _fl("london", "paris", "2026-12-17")],
        ),
    ),
    (
        # a flight home said alone stays one way
        "travel_day_from_event",
        dialogue(
            "late flight from Chicago back to New York on Wednesday 9 December",
            calls=[_fl("chicago", "new york", "2026-12-09")],
            tools_exclude=["search_hotels"],
        ),
    ),
    # ------------------------------------------------------------------ email_to_the_traveller
    (
        "email_to_the_traveller",
        dialogue(
            "Hello Ava,\n\nWe'd love you to join the Miami kickoff on Monday 14 December at 1pm."
            "\n\nThanks,\nPriya\n\n---\n^ please fly me down that morning and find me a hotel "
            "for that night",
            calls=[_fl("new york", "miami", "2026-12-14"), _ho("miami", "2026-12-14", "2026-12-15")],
        ),
    ),
    (
        "email_to_the_traveller",
        dialogue(
            "Hi Ava,\n\nThe quarterly review in Boston is on Friday, December 11th, 10am to 3pm."
            "\n\nBest,\nChris\n\n---\n^ could you book me a flight there that morning and a hotel "
            "for that night?",
            calls=[_fl("new york", "boston", "2026-12-11"), _ho("boston", "2026-12-11", "2026-12-12")],
        ),
    ),
    (
        "email_to_the_traveller",
        dialogue(
            "Ava -\n\nSee you at the Chicago office on Wed Dec 9, we start at 11.\n\nRegards,\nDana"
            "\n\n^^ get me there that morning + a hotel that night pls",
            calls=[_fl("new york", "chicago", "2026-12-09"), _ho("chicago", "2026-12-09", "2026-12-10")],
        ),
    ),
    # ------------------------------------------------------------------ change_said_in_clauses
    (
        "change_said_in_clauses",
        dialogue(
            "Quick change to my London trip. Just the flight home. Can I come back on 17/12 in "
            "the afternoon instead? Everything else stays.",
            world="trips",
            calls=[_fl("london", "new york", "2026-12-17")],
            tools_exclude=["rebook", "cancel_booking", "reserve"],
        ),
    ),
    (
        "change_said_in_clauses",
        dialogue(
            "One change on my London trip please. The return only. I want to fly back Thursday "
            "17 Dec in the evening rather than Friday.",
            world="trips",
            calls=[_fl("london", "new york", "2026-12-17")],
            tools_exclude=["rebook", "cancel_booking", "reserve"],
        ),
    ),
    (
        "change_said_in_clauses",
        dialogue(
            "Hello! Need to tweak my London trip. Outbound is fine. Could I fly home on 16/12 "
            "in the evening instead?",
            world="trips",
            calls=[_fl("london", "new york", "2026-12-16")],
            tools_exclude=["rebook", "cancel_booking", "reserve"],
        ),
    ),
    # ------------------------------------------------------------------ approval_queue_empty
    (
        "approval_queue_empty",
        dialogue(
            "anything waiting for my approval?",
            world="trips",
            user="fin",
            tools_include=["list_approvals"],
            reply_contains_any=[NOTHING_FOR_YOU],
            reply_not_contains="732.10",
            nothing_changed=True,
        ),
    ),
    (
        "approval_queue_empty",
        dialogue(
            "Do I have any trips to approve?",
            world="trips",
            user="gus",
            tools_include=["list_approvals"],
            reply_contains_any=[NOTHING_FOR_YOU],
            nothing_changed=True,
        ),
    ),
    (
        # ava's own Paris trip waits for Mia: it is not hers to approve
        "approval_queue_empty",
        dialogue(
            "is there anything in my approvals queue?",
            world="trips",
            user="ava",
            tools_include=["list_approvals"],
            reply_contains_any=[NOTHING_FOR_YOU],
            nothing_changed=True,
        ),
    ),
]


GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g32b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
