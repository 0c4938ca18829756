"""Guards for the held-out gaps of batches 70 and 62 taken by g34b (now = Tue 1 Dec 2026
09:00 UTC; world ``empty``: searches made in earlier turns).

Kinds: a blocked option picked by what it is (its airline) with a reason after the pick
("…, it's the cheapest") is refused as blocked — the reason names no second option; after a
blocked pick is refused, "the cheapest one I'm allowed then" holds the cheapest option of the
list shown that policy allows; "<A> to <B> on <day> — or is it cheaper on <other day>?"
searches both days and compares them (the second day is no return); the flight home added to
an outbound on hold with a time of day, then picked by time and airline.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g34b.py, 10:44 UTC, main at ad50f54):
9/14 — blocked_named_as_cheapest 3/4, cheapest_allowed_after_block 4/4,
cheaper_on_another_day 0/4, add_return 2/2.
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

HELD: dict[str, Any] = {"not_new_status": "confirmed", "pending": "confirm_booking"}
REFUSED: dict[str, Any] = {
    "nothing_changed": True,
    "pending": None,
    "reply_contains_any": [["blocked", "not allowed", "can't", "cannot", "isn't allowed"]],
}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ blocked_named_as_cheapest
    (
        "blocked_named_as_cheapest",
        dialogue("LGA to Miami Dec 18", "I'll take the spirit flight, it's the cheapest", **REFUSED),
    ),
    (
        "blocked_named_as_cheapest",
        dialogue("dublin to madrid 16/12", "Ryanair one pls since its cheapest", **REFUSED),
    ),
    (
        "blocked_named_as_cheapest",
        dialogue("Boston to Atlanta Dec 10", "put me on spirit - it's the lowest fare", **REFUSED),
    ),
    (
        "blocked_named_as_cheapest",
        dialogue(
            "London to Dublin 10 Dec",
            "go with the ryanair flight because it's cheapest by far",
            **REFUSED,
        ),
    ),
    # ------------------------------------------------------------ cheapest_allowed_after_block
    (
        "cheapest_allowed_after_block",
        dialogue(
            "LGA to Miami Dec 18",
            "the spirit one",
            "ok then the cheapest allowed one",
            segments=[flight_segment("AA 1199", "LGA", "MIA", "2026-12-18")],
            **HELD,
        ),
    ),
    (
        "cheapest_allowed_after_block",
        dialogue(
            "dublin to madrid 16/12",
            "ryanair please",
            "fine, cheapest one within policy then",
            segments=[flight_segment("IB 1009", "DUB", "MAD", "2026-12-16")],
            **HELD,
        ),
    ),
    (
        "cheapest_allowed_after_block",
        dialogue(
            "Boston to Atlanta Dec 10",
            "book the spirit flight",
            "alright just give me the cheapest one I can book",
            segments=[flight_segment("DL 1002", "BOS", "ATL", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "cheapest_allowed_after_block",
        dialogue(
            "London to Dublin 10 Dec",
            "ryanair",
            "meh. cheapest permitted option then pls",
            segments=[flight_segment("EI 1018", "LHR", "DUB", "2026-12-10")],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ cheaper_on_another_day
    (
        "cheaper_on_another_day",
        dialogue(
            "bos to chicago dec 16th, or would the 17th be cheaper?",
            calls=[
                flight_search("boston", "chicago", "2026-12-16"),
                flight_search("boston", "chicago", "2026-12-17"),
            ],
            reply_contains="143.60",
        ),
    ),
    (
        "cheaper_on_another_day",
        dialogue(
            "Flights Boston to Chicago on 12/17 - is 12/16 any cheaper?",
            calls=[
                flight_search("boston", "chicago", "2026-12-17"),
                flight_search("boston", "chicago", "2026-12-16"),
            ],
            reply_contains="143.60",
        ),
    ),
    (
        "cheaper_on_another_day",
        dialogue(
            "Newark to Miami on the 15th, or is it cheaper on the 16th?",
            calls=[
                flight_search("EWR", "miami", "2026-12-15"),
                flight_search("EWR", "miami", "2026-12-16"),
            ],
            reply_contains="201.70",
        ),
    ),
    (
        "cheaper_on_another_day",
        dialogue(
            "LGA to Miami 18 Dec, or is the 19th cheaper",
            calls=[
                flight_search("LGA", "miami", "2026-12-18"),
                flight_search("LGA", "miami", "2026-12-19"),
            ],
            reply_contains="213.70",
        ),
    ),
    # ------------------------------------------------------------ add_return
    (
        "add_return",
        dialogue(
            "Boston to Chicago 14th",
            ("option 1", {"pending": "confirm_booking"}),
            (
                "add the return wednesday evening pls",
                {
                    "calls": [flight_search("chicago", "boston", "2026-12-16")],
                    "options": {"depart_after": "17:00"},
                },
            ),
            "the 9:25pm united",
            segments=[
                flight_segment("UA 1027", "BOS", "ORD", "2026-12-14"),
                flight_segment("UA 1028", "ORD", "BOS", "2026-12-16"),
            ],
            **HELD,
        ),
    ),
    (
        "add_return",
        dialogue(
            "Newark to Miami Dec 15",
            ("the first one", {"pending": "confirm_booking"}),
            "and the flight back friday morning please",
            "the jetblue",
            segments=[
                flight_segment("UA 1105", "EWR", "MIA", "2026-12-15"),
                flight_segment("B6 1054", "MIA", "JFK", "2026-12-18"),
            ],
            **HELD,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g34b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
