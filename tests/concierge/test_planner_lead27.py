"""Guards for held-out b51_cs_cancel_hotel_keep_flights (closed at the end of stop 27): a
cancellation of one part of a booked trip whose message says what stays by naming it as
the subject of "stay / remain / is fine" ("The flights stay exactly as they are") cancels
nothing and says a booking is cancelled only as a whole (nlu/data/parts.yaml ``stays``).
Before, the kept part counted as a part asked about, so hotel + flights read as the whole
trip and the next "yes" cancelled it, flights included.

Written after the fix, before running them (now = Tue 1 Dec 2026, world ``trips``: ava's
London booking holds BA 19, the Holiday Inn Express 15-18 Dec and BA 18). First try
(pytest -q tests/concierge/test_planner_lead27.py, 13:05 UTC): see the commit message.
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


KEPT = {"booking_status": {"london": "confirmed", "paris": "pending_approval"}}

CASES: list[tuple[str, Case]] = [
    (
        "partial_cancel",
        dialogue(
            "please cancel the london hotel, my flights should stay as booked",
            "yes",
            world="trips",
            **KEPT,
        ),
    ),
    (
        "partial_cancel",
        dialogue(
            "Can you drop the return flight from my London trip? The hotel is fine.",
            "yes please",
            world="trips",
            **KEPT,
        ),
    ),
    (
        "partial_cancel",
        dialogue(
            "cancel only the hotel bit of london - the flights remain",
            world="trips",
            reply_contains_any=[["whole"]],
            **KEPT,
        ),
    ),
]
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_case(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
