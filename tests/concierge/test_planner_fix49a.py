"""Guards for the held-out gaps of batch 49 closed by fix49a (now = Tue 1 Dec 2026, world
"trips": ava's confirmed London trip, BA 19 out / BA 18 back and the Holiday Inn Express
Tower Bridge; her DL 15 Boston → Paris on Thu 3 Dec, pending Mia's approval):

- own_trips: a booked trip named by its place without "my" ("<city> flight <day> — when
  does it land?"), the airline one is on ("what carrier am I flying with to paris"), the
  hotel's name asked without a question ("name of the london hotel pls");
- own_approvals: "is anything of mine pending approval", "who needs to approve my
  boston-to-paris booking" (the approver by name);
- team_trips: "u" for "you" and "pull up" beside one's team's bookings;
- approvals_listing: "4 me" for "for me", "anythng" for "anything";
- book_for_other: a full name after "for" from someone who may book for nobody.

Written before running them. First try, run once after the fixes (pytest -q -n 2
tests/concierge/test_planner_fix49a.py, 12:20 UTC): 7/8 — own_approvals 1/2: "who needs to
approve my boston-to-paris booking?" is left (GAPS 4): "boston-to-paris" (a route joined
by hyphens) is read the wrong way round (origin Paris, destination Boston), so the trip
matched is "to Boston" and none is found. Then (second commit) places.py reads "-to-"
between two places as an arrow (origin first): 8/8.
"""

from __future__ import annotations

from pathlib import Path

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


QUIET = {"tools_exclude": ["search_flights", "search_hotels"], "nothing_changed": True}

CASES: list[tuple[str, Case]] = [
    (
        "own_trips",
        dialogue(
            "london flight mon - when does it land?",
            world="trips",
            **QUIET,
            reply_contains_any=[["10:55"]],
        ),
    ),
    (
        "own_trips",
        dialogue(
            "what carrier am i flying with to paris?",
            world="trips",
            **QUIET,
            reply_contains_any=[["Delta", "DL 15"]],
        ),
    ),
    (
        "own_trips",
        dialogue(
            "name of the london hotel pls",
            world="trips",
            **QUIET,
            reply_contains=["Holiday Inn Express"],
        ),
    ),
    (
        "own_approvals",
        dialogue(
            "is anything of mine pending approval",
            world="trips",
            **QUIET,
            pending="none",
            reply_contains_any=[["Paris", "CDG", "DL 15"]],
        ),
    ),
    (
        "own_approvals",
        dialogue(
            "who needs to approve my boston-to-paris booking?",
            world="trips",
            **QUIET,
            pending="none",
            reply_contains=["Mia"],
        ),
    ),
    (
        "team_trips",
        dialogue(
            "could u pull up my team's bookings",
            world="trips",
            user="victor",
            **QUIET,
            reply_contains=["Ava", "London"],
        ),
    ),
    (
        "approvals_listing",
        dialogue(
            "got anythng waiting 4 me?",
            world="trips",
            user="mia",
            nothing_changed=True,
            pending="none",
            reply_contains=["Ava"],
            reply_contains_any=[["Paris", "CDG"]],
        ),
    ),
    (
        "book_for_other",
        dialogue(
            "can you book ava patel on a flight ord to jfk on the 15th",
            world="trips",
            user="gus",
            tools_exclude=["reserve"],
            nothing_changed=True,
            pending="none",
            reply_not_contains=["London", "Paris", "BA 19", "DL 15"],
            reply_contains_any=[
                [
                    "can't",
                    "cannot",
                    "not able",
                    "unable",
                    "only book",
                    "can only",
                    "not allowed",
                    "isn't allowed",
                    "couldn't find",
                    "don't know",
                    "no one",
                ]
            ],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_fix49a_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
