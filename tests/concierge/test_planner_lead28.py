"""Guards for two mechanisms the lead fixed in stop 28 (now = Tue 1 Dec 2026), written
before running them.

- passengers_after_hold: someone else needing "a seat" / "a ticket" on the held flight is
  one more passenger (intents.yaml passenger_delta), never a seat chosen on it (the seat
  words belong to the count), and "this one" survives number normalising ("this 1").
- airport_answer: a bare airport answering "which airport should it be?" (or said alone
  after a search) that shares the origin's city replaces the origin airport; one that
  shares the destination's city replaces the destination; the trip is never turned round.

First try (pytest -q tests/concierge/test_planner_lead28.py, 14:40 UTC, after the fixes,
before any change to these cases): 7/7 — passengers_after_hold 3/3, airport_answer 4/4.
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
    flight_segment,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

HELD: dict[str, Any] = {"pending": "confirm_booking"}


def _pax(flight: str, origin: str, dest: str, day: str, n: int) -> dict[str, Any]:
    return {**flight_segment(flight, origin, dest, day), "passengers": n}


CASES: list[tuple[str, Case]] = [
    (
        "passengers_after_hold",
        dialogue(
            "LGA to ORD Dec 14",
            ("the 8:55 Delta", HELD),
            "my manager also needs a seat on this flight",
            not_new_status="confirmed",
            tools_exclude=["get_seat_map", "choose_seats"],
            segments=[_pax("DL 1171", "LGA", "ORD", "2026-12-14", 2)],
        ),
    ),
    (
        "passengers_after_hold",
        dialogue(
            "LGA to ORD Dec 14",
            ("option 2", HELD),
            "my colleague needs a ticket for it as well",
            not_new_status="confirmed",
            tools_exclude=["get_seat_map", "choose_seats"],
            segments=[_pax("DL 1171", "LGA", "ORD", "2026-12-14", 2)],
        ),
    ),
    (
        "passengers_after_hold",
        dialogue(
            "ORD to ATL 10 Dec",
            ("#2", HELD),
            "a teammate will need a seat on that one too",
            user="gus",
            not_new_status="confirmed",
            tools_exclude=["get_seat_map", "choose_seats"],
            segments=[_pax("UA 1016", "ORD", "ATL", "2026-12-10", 2)],
        ),
    ),
    (
        "airport_answer",
        dialogue(
            "JFK to Boston on the 10th",
            "wrong airport",
            "LGA",
            calls=[flight_search("LGA", "BOS", "2026-12-10")],
            nothing_changed=True,
        ),
    ),
    (
        "airport_answer",
        dialogue(
            "Boston to JFK on the 10th",
            "oops wrong airport",
            "newark please",
            calls=[flight_search("BOS", "EWR", "2026-12-10")],
            nothing_changed=True,
        ),
    ),
    (
        "airport_answer",
        dialogue(
            "heathrow to paris 12 dec",
            "wrong airport",
            "gatwick",
            calls=[flight_search("LGW", "paris", "2026-12-12")],
            nothing_changed=True,
        ),
    ),
    (
        "airport_answer",
        dialogue(
            "London to Paris CDG on Dec 12",
            "sorry, wrong airport",
            "Orly",
            calls=[flight_search("london", "ORY", "2026-12-12")],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_lead28_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
