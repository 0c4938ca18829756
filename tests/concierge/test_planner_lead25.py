"""Guards for two regressions the full planner run found after today's landings (now = Tue
1 Dec 2026): a yes ending on a verb whose object follows it ("can you add Tom Reed to
that?") was taken as a yes followed by a request, and booked the hold as it stood; the
approval reply dropped the booking's new state when the tool's line did not say it.

Every phrasing here is a guard, written after the fix. First try, run once after the fix
(pytest -n 0 tests/concierge/test_planner_lead25.py): 3/3; the two yes-verb cases book the
hold as it stood on the code before the fix (checked with yes_then on main 2d5aa53).
"""

from __future__ import annotations

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

worlds = worlds_fixture("empty")

_HELD = ("JFK to Miami on the 15th", ("option 2", {"pending": "confirm_booking"}))

# guard, written after the fix
CASES: list[tuple[str, Case]] = [
    # a yes-verb with its object right after it: a change of the hold, never a booking of it
    (
        "yes_verb_object",
        dialogue(
            *_HELD,
            "could you add Priya Shah to it? she is on the same project",
            not_new_status="confirmed",
        ),
    ),
    (
        "yes_verb_object",
        dialogue(
            *_HELD,
            "can you book Tom Reed on it as well? hes my colleague",
            not_new_status="confirmed",
        ),
    ),
    # a yes, a break, then a request of its own: booked, then the request
    (
        "yes_then_request",
        dialogue(
            *_HELD, "go ahead and book it. also a hotel in miami 15-17 dec", new_status="confirmed"
        ),
    ),
]
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_lead25(kind: str, case: Case, worlds: dict[str, World], tmp_path: Any) -> None:
    await runs_as_expected(case, worlds, tmp_path)
