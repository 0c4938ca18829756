"""Guards for the held-out gaps of batch 52 closed by opts28 (now = Tue 1 Dec 2026):
questions about the options shown answered from their policy verdicts ("which of these
are over the cap?", "why are some of them red?"); a question about a named option
answered, never held ("does the american nonstop get in before 10am?"); picks by
composed descriptions ("the cheapest nonstop that isn't at the crack of dawn") and by an
airline with a part of the day ("the delta one in the afternoon"); where the traveller
is and where they need to be ("I'm in Chicago and need to be in Miami").

Every phrasing here is a guard, written before running any of them (the held-out cases
themselves are tests/concierge/heldout/batch_52.yaml). First try, run once after the fix
on opts28 (pytest -n 0 tests/concierge/test_planner_opts28.py, 14:09 UTC): 14/14 —
options_question 3/3, question_as_pick 3/3, descriptive_pick 5/5, direction 3/3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    build_worlds,
    case_params,
    dialogue,
    runs_as_expected,
)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    return build_worlds(tmp_path_factory.mktemp("opts28-worlds"), {"empty"})


def _fl(flight: str, origin: str, dest: str, day: str) -> dict[str, Any]:
    return {"kind": "flight", "flight": flight, "origin": origin, "destination": dest, "date": day}


def _fs(origin: str, dest: str, day: str) -> dict[str, Any]:
    return {"tool": "search_flights", "args": {"origin": origin, "destination": dest, "date": day}}


HELD: dict[str, Any] = {"pending": "confirm_booking", "new_status": "held"}
ASKED: dict[str, Any] = {"tools_exclude": ["reserve"], "pending": "none", "nothing_changed": True}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ options_question
    (
        "options_question",
        dialogue(
            "LGA to Atlanta on the 15th",
            "which of those can't I book?",
            reply_contains_any=[["Spirit", "NK 1009"], ["blocked"]],
            **ASKED,
        ),
    ),
    (
        "options_question",
        dialogue(
            "hotel in New York 10 to 12 Dec",
            "which ones go over the limit?",
            reply_contains=["Hyatt", "Radisson", "InterContinental"],
            **ASKED,
        ),
    ),
    (
        "options_question",
        dialogue(
            "ORD to ATL 12/10",
            "how come one of them is red?",
            user="gus",
            reply_contains_any=[["Spirit", "NK 1009"], ["blocked"]],
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ question_as_pick
    (
        "question_as_pick",
        dialogue(
            "ORD to MIA friday 12/11",
            "does the united one land before midnight?",
            user="gus",
            reply_contains_any=[["01:35", "1:35"]],
            **ASKED,
        ),
    ),
    (
        "question_as_pick",
        dialogue(
            "JFK to Heathrow on Monday the 14th",
            "does the american nonstop leave after 9pm?",
            reply_contains=["21:15"],
            **ASKED,
        ),
    ),
    (
        "question_as_pick",
        dialogue(
            "LGA to BOS on 12/9",
            "does the 12:25 jetblue arrive before 2pm?",
            reply_contains=["13:15"],
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ descriptive_pick
    (
        "descriptive_pick",
        dialogue(
            "LGA to Atlanta on the 15th",
            "the american one in the evening",
            segments=[_fl("AA 1016", "LGA", "ATL", "2026-12-15")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "LGA to Atlanta on the 15th",
            "I'll take the late morning American flight",
            segments=[_fl("AA 1014", "LGA", "ATL", "2026-12-15")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "Boston to Miami on the 11th",
            "the cheapest one that doesn't leave at the crack of dawn",
            segments=[_fl("DL 1069", "BOS", "MIA", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "ORD to SFO 12/16",
            "cheapest direct flight but not in the morning",
            user="gus",
            segments=[_fl("AA 1225", "ORD", "SFO", "2026-12-16")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "ORD to ATL 12/10",
            "the latest flight that isn't at night",
            user="gus",
            segments=[_fl("UA 1016", "ORD", "ATL", "2026-12-10")],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ direction
    (
        "direction",
        dialogue(
            "I'm in Boston at the moment and need to be in Atlanta on the 15th",
            calls=[_fs("boston", "atlanta", "2026-12-15")],
            nothing_changed=True,
        ),
    ),
    (
        "direction",
        dialogue(
            "have to be in San Francisco on 12/16, I'm in Chicago",
            user="gus",
            calls=[_fs("chicago", "san francisco", "2026-12-16")],
            nothing_changed=True,
        ),
    ),
    (
        "direction",
        dialogue(
            "We're in New York and we've got to be in Miami on Dec 11",
            calls=[_fs("new york", "miami", "2026-12-11")],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_opts28_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
