"""Guards for the held-out gaps of batch 78 closed by g35d (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``).

Kind ``cheapest_red``: "the cheapest" holds the cheapest option the user can book and that
meets what they said, and says which cheaper ones were skipped and why —
- a cheaper blocked airline (Spirit NK 1001 EWR→MIA, NK 1003 LGA→MIA, NK 1009 BOS→ATL, Ryanair
  FR 1001 LGW→DUB, FR 1004 MAD→DUB: red, listed last) is skipped and named, whether the user
  says "book", "hold", "reserve", "put it on hold" or only "the cheapest one please";
- "that doesn't need approval" / "within policy" / "no sign-off" keeps to green options: business
  JFK→SFO nonstops (5h40) are amber under Acme's 6 h rule, the connection B6 1057 + UA 1189 via
  ORD is green (flying time counted) and is the one held; when nothing is green (business
  BOS→ATL) nothing is held and the rule is named;
- "the cheapest N-star hotel within our limit, book it if there is one": the stars and the cap
  both hold (over-cap hotels are amber in core/policy/engine.py, so "within the limit" leaves
  them out): none → nothing held, the cap named; one → that one held, not a cheaper hotel of
  other stars.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g35d.py, 15:02 UTC, main at e6ae052):
5/17 — cheaper_blocked_airline 2/7, cheapest_without_approval 1/4, hotel_stars_within_cap 1/5,
nothing_bookable 1/1 (the second "go with the cheapest" case was added after it).
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
    flight_segment,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

SPIRIT = [["Spirit", "NK 1001", "NK 1003", "NK 1009"]]
RYANAIR = [["Ryanair", "FR 1001", "FR 1004"]]
SIX_HOURS = [["6 h", "6h", "six hours", "6 hours", "5h40"]]
NOTHING: dict[str, Any] = {"nothing_changed": True, "tools_exclude": ["reserve"]}


def held(*segments: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"new_status": "held", "segments": list(segments), **more}


def hotel(name: str, city: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {
        "kind": "hotel",
        "hotel": name,
        "city": city,
        "check_in": check_in,
        "check_out": check_out,
    }


def sfo_connection(date: str) -> list[dict[str, Any]]:
    return [
        flight_segment("B6 1057", "JFK", "ORD", date),
        {"kind": "flight", "flight": "UA 1189", "origin": "ORD", "destination": "SFO"},
    ]


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ cheaper_blocked_airline
    (
        "cheaper_blocked_airline",
        dialogue(
            "hold the cheapest flight Newark to Miami on Dec 18",
            **held(flight_segment("AA 1137", "EWR", "MIA", "2026-12-18")),
            reply_contains_any=SPIRIT,
        ),
    ),
    (
        "cheaper_blocked_airline",
        dialogue(
            "BOS-ATL 12/10 cheapest please",
            **held(flight_segment("DL 1002", "BOS", "ATL", "2026-12-10")),
            reply_contains_any=SPIRIT,
        ),
    ),
    (
        "cheaper_blocked_airline",
        dialogue(
            "Gatwick → Dublin 11/12, lowest fare, put it on hold",
            **held(flight_segment("EI 1014", "LGW", "DUB", "2026-12-11")),
            reply_contains_any=RYANAIR,
        ),
    ),
    (
        "cheaper_blocked_airline",
        dialogue(
            "cheapest one from LGA to MIA on Thursday the 17th, reserve it",
            **held(flight_segment("DL 1169", "LGA", "MIA", "2026-12-17")),
            reply_contains_any=SPIRIT,
        ),
    ),
    (
        "cheaper_blocked_airline",
        dialogue(
            "I'm on a budget. MAD to DUB on 16 December, just get me the cheapest",
            **held(flight_segment("IB 1010", "MAD", "DUB", "2026-12-16")),
            reply_contains_any=RYANAIR,
        ),
    ),
    (
        "cheaper_blocked_airline",
        dialogue(
            "newark to miami on the 15th",
            "hold the cheapest",
            **held(flight_segment("UA 1105", "EWR", "MIA", "2026-12-15")),
            reply_contains_any=SPIRIT,
        ),
    ),
    (
        "cheaper_blocked_airline",
        dialogue(
            "cheapest lga to mia dec 17 pls, hold it",
            user="mia",
            **held(flight_segment("DL 1169", "LGA", "MIA", "2026-12-17")),
            reply_contains_any=SPIRIT,
        ),
    ),
    # ------------------------------------------------------------ cheapest_without_approval
    (
        "cheapest_without_approval",
        dialogue(
            "Cheapest business class from JFK to San Francisco on Dec 16 that's within policy - "
            "book it",
            **held(*sfo_connection("2026-12-16"), pending="confirm_booking", policy_not="amber"),
            reply_contains_any=SIX_HOURS,
        ),
    ),
    (
        "cheapest_without_approval",
        dialogue(
            "biz JFK to SFO 14 Dec, whatever's cheapest without needing approval, please hold it",
            **held(*sfo_connection("2026-12-14"), policy_not="amber"),
            reply_contains_any=SIX_HOURS,
        ),
    ),
    (
        "cheapest_without_approval",
        dialogue(
            "I'd like to fly business JFK→SFO on the 16th. Book the cheapest one that won't need "
            "my manager's sign-off.",
            **held(*sfo_connection("2026-12-16"), policy_not="amber"),
            reply_contains_any=SIX_HOURS,
        ),
    ),
    (
        "cheapest_without_approval",
        dialogue(
            "book the cheapest business class BOS to ATL on the 14th that doesn't need approval",
            **NOTHING,
            reply_contains_any=SIX_HOURS,
        ),
    ),
    # ------------------------------------------------------------ hotel_stars_within_cap
    (
        "hotel_stars_within_cap",
        dialogue(
            "Book me the cheapest 4-star in New York 14-16 Dec, if one is under our cap",
            **NOTHING,
            reply_contains="325",
        ),
    ),
    (
        "hotel_stars_within_cap",
        dialogue(
            "What's the cheapest 4 star NYC hotel from New Year's Eve to Jan 2 that doesn't need "
            "approval? If there's one, hold it.",
            **NOTHING,
            reply_contains="325",
        ),
    ),
    (
        "hotel_stars_within_cap",
        dialogue(
            "cheapest five star hotel in San Francisco 31 Dec to 2 Jan within our limit - book it if "
            "there is one",
            **NOTHING,
            reply_contains="300",
        ),
    ),
    (
        "hotel_stars_within_cap",
        dialogue(
            "cheapest four-star hotel in London 15-18 Dec that's within policy, book it",
            **held(hotel("Hilton London Park Lane", "London", "2026-12-15", "2026-12-18")),
        ),
    ),
    (
        "hotel_stars_within_cap",
        dialogue(
            "Any 4★ in Paris for 20–22 Dec under the limit? Book the cheapest if so.",
            **held(hotel("Hyatt Regency Paris La Defense", "Paris", "2026-12-20", "2026-12-22")),
        ),
    ),
    (
        "cheaper_blocked_airline",
        # (added after the first try: the cheapest held at once, then picked again at its
        # confirmation, stays the one hold — b31_cb_dub_mad_early_start's shape)
        dialogue(
            "MAD to DUB 16/12, the cheapest one please",
            "go with the cheapest",
            new_bookings=1,
            pending="confirm_booking",
            **held(flight_segment("IB 1010", "MAD", "DUB", "2026-12-16")),
        ),
    ),
    # ------------------------------------------------------------ nothing_bookable
    (
        "nothing_bookable",
        dialogue(
            "book the cheapest first class seat JFK to LHR on the 14th",
            **NOTHING,
            reply_contains_any=[["not allowed", "can't", "cannot", "never"]],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35d_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
