"""Guards for the held-out gaps closed by fix49b (now = Tue 1 Dec 2026; the cases
themselves are tests/concierge/heldout/batch_47.yaml and batch_49.yaml):

- a part of the day clipped in chat ("tmrw mornin", "mrng") is that part of the day
  (shorthand.yaml words);
- a pause beside a cancelling request ("oh wait, cancel that hotel please") is the
  request, not a pause: cancelling words are never filler where they are a request
  (answers._pause).

Every phrasing here is a guard, written before it was run. First try (pytest -q -n 2
tests/concierge/test_planner_fix49b.py, 12:18 UTC): clipped_part_of_day 2/2,
pause_then_cancel 2/2.
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
    return build_worlds(tmp_path_factory.mktemp("fix49b-worlds"), {"empty"})


def _fs(origin: str, dest: str, day: str) -> dict[str, Any]:
    return {"tool": "search_flights", "args": {"origin": origin, "destination": dest, "date": day}}


CASES: list[tuple[str, Case]] = [
    (
        "clipped_part_of_day",
        dialogue(
            "need a flite bos to atlanta fri 11th mornin pls",
            calls=[_fs("BOS", "atlanta", "2026-12-11")],
            options={"depart_before": "12:00"},
        ),
    ),
    (
        "clipped_part_of_day",
        dialogue(
            "chicago to miami mon 14th, mrng flight",
            calls=[_fs("chicago", "miami", "2026-12-14")],
            options={"depart_before": "12:00"},
        ),
    ),
    (
        "pause_then_cancel",
        dialogue(
            "JFK to Boston on the 10th",
            "1",
            ("yes", {"new_status": "confirmed"}),
            ("hold on - cancel that flight please", {"pending": "cancel_booking"}),
            "yes",
            new_bookings=1,
            new_status="cancelled",
        ),
    ),
    (
        "pause_then_cancel",
        dialogue(
            "hotel in paris 9-11 dec",
            "number 1",
            ("yes", {"new_status": "confirmed"}),
            "hmm one sec, actually cancel the booking",
            pending="cancel_booking",
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_fix49b_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
