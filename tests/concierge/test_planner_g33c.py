"""Guards for the held-out gaps of batch 70 closed by g33c (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``: searches made in earlier turns; Spirit (NK) is blocked for Acme).

Kinds: a blocked option picked by airline with a reason ("it's the cheapest") is refused, not
read as naming two options; "the cheapest one I'm allowed then" after a refused blocked pick
holds the cheapest allowed option; "cheapest <city> hotel within policy, <dates>" searches;
"<A> to <B> on <day>, or is <other day> cheaper?" searches both days and names the cheaper;
"anything cheaper than the <option>?" lists cheaper options without holding the one named;
"anything cheaper that's still allowed?" while a hold waits names a cheaper allowed option.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g33c.py, 08:44 UTC, main at 2f8cde3):
5/18 — blocked_named_as_cheapest 1/3, cheapest_allowed_after_block 3/3,
cheapest_hotel_read_as_policy_question 1/3, cheaper_on_another_day 0/3,
cheaper_than_named_option 0/3, cheaper_after_hold 0/3.
Cases 0 and 2 (a blocked pick with a reason) and 9 and 11 (a cheaper other day) pass since
g34b (32c582d picks.yaml said_why; 86b62dc compared_days.yaml) and stay as regression cases.
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

REFUSED: dict[str, Any] = {
    "nothing_changed": True,
    "pending": None,
    "reply_contains_any": [["blocked", "not allowed", "can't", "cannot", "isn't allowed"]],
}


def _held(flight: str, origin: str, destination: str, date: str) -> dict[str, Any]:
    return {
        "segments": [
            {
                "kind": "flight",
                "flight": flight,
                "origin": origin,
                "destination": destination,
                "date": date,
            }
        ],
        "new_status": "held",
        "pending": "confirm_booking",
    }


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ blocked_named_as_cheapest
    (
        "blocked_named_as_cheapest",
        dialogue(
            "Boston to Atlanta Dec 10",
            "I'll take the spirit flight, it's the cheapest anyway",
            **REFUSED,
        ),
    ),
    (
        "blocked_named_as_cheapest",
        dialogue("ewr-mia dec 15", "go with spirit pls since its cheapest", **REFUSED),
    ),
    (
        "blocked_named_as_cheapest",
        dialogue(
            "Newark to Miami on the 15th",
            "Book the Spirit flight — it's the cheapest of the lot.",
            **REFUSED,
        ),
    ),
    # ------------------------------------------------------------ cheapest_allowed_after_block
    (
        "cheapest_allowed_after_block",
        dialogue(
            "Boston to Atlanta Dec 10",
            "spirit please",
            "fine, whichever's cheapest that I can actually book",
            **_held("DL 1002", "BOS", "ATL", "2026-12-10"),
        ),
    ),
    (
        "cheapest_allowed_after_block",
        dialogue(
            "newark to miami dec 15",
            "book NK 1001",
            "ok then the cheapest allowed one",
            **_held("UA 1105", "EWR", "MIA", "2026-12-15"),
        ),
    ),
    (
        "cheapest_allowed_after_block",
        dialogue(
            "EWR to MIA on the 15th",
            "the spirit flight",
            "alright, give me the cheapest one that's in policy instead",
            **_held("UA 1105", "EWR", "MIA", "2026-12-15"),
        ),
    ),
    # ------------------------------------------------------------ cheapest_hotel_read_as_policy_question
    (
        "cheapest_hotel_read_as_policy_question",
        dialogue(
            "What's the cheapest hotel in San Francisco within policy for Dec 14-16?",
            calls=[hotel_search("san francisco", "2026-12-14", "2026-12-16")],
            reply_contains="Novotel San Francisco",
        ),
    ),
    (
        "cheapest_hotel_read_as_policy_question",
        dialogue(
            "cheapest in-policy hotel in chicago 14th to 16th dec",
            calls=[hotel_search("chicago", "2026-12-14", "2026-12-16")],
            reply_contains="citizenM",
        ),
    ),
    (
        "cheapest_hotel_read_as_policy_question",
        dialogue(
            "Cheapest New York hotel within my policy, 14 to 16 December?",
            calls=[hotel_search("new york", "2026-12-14", "2026-12-16")],
            reply_contains="Novotel New York",
        ),
    ),
    # ------------------------------------------------------------ cheaper_on_another_day
    (
        "cheaper_on_another_day",
        dialogue(
            "JFK to Boston on the 11th, or would the 10th be cheaper?",
            calls=[
                flight_search("jfk", "boston", "2026-12-11"),
                flight_search("jfk", "boston", "2026-12-10"),
            ],
            reply_contains="66.10",
        ),
    ),
    (
        "cheaper_on_another_day",
        dialogue(
            "Is Boston to Chicago cheaper on the 15th than on the 14th?",
            calls=[
                flight_search("boston", "chicago", "2026-12-14"),
                flight_search("boston", "chicago", "2026-12-15"),
            ],
            reply_contains="194.70",
        ),
    ),
    (
        "cheaper_on_another_day",
        dialogue(
            "flights boston to chicago dec 14 - would the 15th be any cheaper?",
            calls=[
                flight_search("boston", "chicago", "2026-12-14"),
                flight_search("boston", "chicago", "2026-12-15"),
            ],
            reply_contains="194.70",
        ),
    ),
    # ------------------------------------------------------------ cheaper_than_named_option
    (
        "cheaper_than_named_option",
        dialogue(
            "London hotels 15 to 18 December",
            "something cheaper than the Hilton that's still nice?",
            nothing_changed=True,
            pending=None,
            reply_contains_any=[["Holiday Inn", "Novotel"]],
        ),
    ),
    (
        "cheaper_than_named_option",
        dialogue(
            "SF hotel 14-16 dec",
            "anything cheaper than the Marriott?",
            nothing_changed=True,
            pending=None,
            reply_contains="Novotel",
        ),
    ),
    (
        "cheaper_than_named_option",
        dialogue(
            "Chicago hotel 14 to 16 December",
            "is there anything less expensive than the Hilton but still decent",
            nothing_changed=True,
            pending=None,
            reply_contains_any=[["citizenM", "Marriott"]],
        ),
    ),
    # ------------------------------------------------------------ cheaper_after_hold
    (
        "cheaper_after_hold",
        dialogue(
            "Boston to Atlanta Dec 10",
            "option 3",
            "hmm, is there anything cheaper that's allowed?",
            reply_contains_any=[["DL 1002", "219.70"]],
        ),
    ),
    (
        "cheaper_after_hold",
        dialogue(
            "JFK to Miami dec 16",
            "the JetBlue at 6:15",
            "wait, anything cheaper?",
            reply_contains_any=[["AA 1169", "219.60"]],
        ),
    ),
    (
        "cheaper_after_hold",
        dialogue(
            "Newark to Miami 15 Dec",
            "option 2",
            "actually any cheaper option within policy?",
            reply_contains_any=[["UA 1105", "241.50"]],
        ),
    ),
]

GAPS: set[int] = {10}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g33c_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
