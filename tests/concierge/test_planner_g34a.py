"""Guards for the held-out gaps of batch 70 closed by g34a (now = Tue 1 Dec 2026 09:00 UTC;
worlds ``empty`` and ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec
581.50, Holiday Inn Express London Tower Bridge 15–18 Dec 585.00, BA 18 LHR→JFK Fri 18 Dec
778.40, 1,944.90 in all — and her Boston→Paris DL 15 on Thu 3 Dec, 732.10, waiting for Mia's
approval, so not charged).

Kinds: "is the <option> allowed?" about a list shown is a policy question about that option
(its verdict and the rule behind it), not a description of it; "what did the <part> of my trip
cost?" and "have I been charged for the <part> yet?" are questions about a booked trip, not
searches; "I'd like <cabin> to <place> on <day>" is a search in that cabin, not a question about
a booked trip; "who approves it?" names the caller's manager (from the traveller profile).

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g34a.py, 10:43 UTC, main at ad50f54):
9/18 — option_allowed_question 1/4, own_trip_price_question 3/3, own_trip_charged_question 0/3,
cabin_request_read_as_own_trip 3/4, approver_not_named 2/4.
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

ASKED: dict[str, Any] = {"nothing_changed": True}
NEEDS_APPROVAL = [["approval", "approve", "6 h", "under 6", "economy"]]
NOTHING_YET = [
    [
        *("0.00", "nothing", "not been charged", "haven't been charged", "no charge"),
        *("not charged", "unpaid", "not paid", "isn't charged", "won't be charged"),
    ]
]


def cabin_search(origin: str, destination: str, date: str, cabin: str) -> dict[str, Any]:
    return flight_search(origin, destination, date, cabin=cabin)


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ option_allowed_question
    (
        "option_allowed_question",
        dialogue(
            "business class JFK to SFO on 12/15",
            "would the American nonstop be allowed?",
            reply_contains_any=NEEDS_APPROVAL,
            **ASKED,
        ),
    ),
    (
        "option_allowed_question",
        dialogue(
            "Business, Boston to Atlanta 10 Dec",
            "is the delta direct one permitted??",
            reply_contains_any=NEEDS_APPROVAL,
            **ASKED,
        ),
    ),
    (
        "option_allowed_question",
        dialogue(
            "business class ORD to LHR 16 Dec",
            "Is the United nonstop allowed for me?",
            user="gus",
            reply_contains_any=[["9 h", "9h", "9 hours", "nine hours", "approval", "approve"]],
            **ASKED,
        ),
    ),
    (
        "option_allowed_question",
        dialogue(
            "biz JFK-LHR dec 16th",
            "am I allowed the BA one at 22:30?",
            reply_contains_any=[["within policy", "in policy", "allowed", "green"]],
            reply_not_contains=["needs approval", "not allowed"],
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ own_trip_price_question
    (
        "own_trip_price_question",
        dialogue(
            "How much did I pay for the London hotel?",
            world="trips",
            reply_contains="585",
            **ASKED,
        ),
    ),
    (
        "own_trip_price_question",
        dialogue(
            "remind me what the flight back from london cost",
            world="trips",
            reply_contains="778.40",
            **ASKED,
        ),
    ),
    (
        "own_trip_price_question",
        dialogue(
            "hw much did my paris flight come to?",
            world="trips",
            reply_contains="732.10",
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ own_trip_charged_question
    (
        "own_trip_charged_question",
        dialogue(
            "did you already bill me for the flight to Paris?",
            world="trips",
            reply_contains_any=NOTHING_YET,
            **ASKED,
        ),
    ),
    (
        "own_trip_charged_question",
        dialogue(
            "Has my card been charged for the London hotel yet?",
            world="trips",
            reply_contains="585",
            **ASKED,
        ),
    ),
    (
        "own_trip_charged_question",
        dialogue(
            "Am I paying anything yet for the paris trip",
            world="trips",
            reply_contains_any=NOTHING_YET,
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ cabin_request_read_as_own_trip
    (
        "cabin_request_read_as_own_trip",
        dialogue(
            "I'd like business class from JFK to San Francisco on Dec 15th",
            calls=[cabin_search("JFK", "san francisco", "2026-12-15", "business")],
            reply_contains="business",
        ),
    ),
    (
        "cabin_request_read_as_own_trip",
        dialogue(
            "i want premium economy to Paris from New York on 14 December - ok for a long flight?",
            calls=[cabin_search("new york", "paris", "2026-12-14", "premium")],
        ),
    ),
    (
        "cabin_request_read_as_own_trip",
        dialogue(
            "I'd like to fly business to Miami from JFK on the 15th, that's fine isn't it?",
            calls=[cabin_search("JFK", "miami", "2026-12-15", "business")],
            reply_contains_any=[["approval", "approve", "economy", "6 h"]],
        ),
    ),
    (
        "cabin_request_read_as_own_trip",
        dialogue(
            "I'd like business class to London from O'Hare on 16/12, it's over 8 hours so should be ok?",
            user="gus",
            calls=[cabin_search("ORD", "london", "2026-12-16", "business")],
        ),
    ),
    # ------------------------------------------------------------ approver_not_named
    (
        "approver_not_named",
        dialogue("who approves my out-of-policy bookings?", reply_contains="Mia", **ASKED),
    ),
    (
        "approver_not_named",
        dialogue(
            "if a flight of mine needs approval, who signs off on it?",
            user="fin",
            reply_contains="Victor",
            **ASKED,
        ),
    ),
    (
        "approver_not_named",
        dialogue(
            "Who'd have to OK it if I booked a hotel over the cap?",
            user="mia",
            reply_contains="Victor",
            **ASKED,
        ),
    ),
    (
        "approver_not_named",
        dialogue("who's my approver for travel", reply_contains="Mia", **ASKED),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g34a_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
