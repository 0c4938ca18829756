"""Guards for the held-out gaps of batch 64 closed by g32a (now = Tue 1 Dec 2026 09:00 UTC;
world ``trips``: ava's confirmed London trip, BA 19 JFK→LHR Mon 14 Dec 22:30 landing Tue 15
Dec 10:55, BA 18 LHR→JFK Fri 18 Dec 08:45 landing 11:10, extra legroom 85.00 USD; world
``empty``: bookings made in earlier turns — JFK→Boston 10 Dec first B6 1024 18:20 (extra
legroom 25.00 USD), JFK→Boston Fri 4 Dec first AA 1040, amber → pending_approval, ORD→ATL
11 Dec first DL 1034, LGA→ATL 21 Dec first DL 1024).

Kinds: a guest named in an aside ("me and <name> (not an employee)") then yes confirms; a
paid seat asked for on a hold then yes confirms; "book me … — <pick> is fine" in the first
message holds that option; an extra-legroom seat on a booked flight named by number quotes
its fee; a booked flight named by number and day answers its times; a purpose inside the
yes is recorded.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g32a.py, 03:29 UTC, main at 7473ffc):
3/16 — guest_named_in_aside 0/3, paid_seat_on_hold_yes 0/2, purpose_at_hold 0/3,
seat_fee_by_flight_number 2/2, trip_flight_by_number_day 1/3, yes_with_purpose 0/3.
One phrasing changed after the fix: purpose_at_hold05 said "the first flight works for
me", which reads as the earliest flight (picks.yaml book_best: "first" + a noun is a
superlative), not the first option listed the case expects; it now says "the first
option". After the fixes: 16/16.
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

T: dict[str, Any] = {"world": "trips"}
AMBER = {"flight": "AA 1040", "origin": "JFK", "destination": "BOS", "date": "2026-12-04"}
HELD_AMBER: dict[str, Any] = {
    "new_status": "pending_approval",
    "segments": [{"kind": "flight", **AMBER}],
}
WITH_YES: dict[str, Any] = {
    "any_call": [
        {"tool": "set_trip_purpose"},
        {"tool": "confirm_booking", "args": {"purpose": {"ge": " "}}},
    ],
    **HELD_AMBER,
}
B6 = {"flight": "B6 1024", "origin": "JFK", "destination": "BOS", "date": "2026-12-10"}
ON_HOLD: tuple[Any, ...] = ("JFK to Boston on 12/10", "the first one")
TWO_DONE: dict[str, Any] = {"new_status": "confirmed", "pending": None}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ guest named in an aside
    (
        "guest_named_in_aside",
        dialogue(
            "2 seats LGA to Atlanta on 21/12 please",
            "first",
            "me and Sam Ortiz (he's a contractor, not on staff)",
            "yes",
            segments=[{"kind": "flight", "flight": "DL 1024", "passengers": 2}],
            **TWO_DONE,
        ),
    ),
    (
        "guest_named_in_aside",
        dialogue(
            "ORD to ATL 12/11, 2 seats",
            "option 1",
            "myself and leo brandt (external consultant, not an employee)",
            "ok go ahead",
            user="gus",
            segments=[{"kind": "flight", "flight": "DL 1034", "passengers": 2}],
            **TWO_DONE,
        ),
    ),
    (
        "guest_named_in_aside",
        dialogue(
            "ORD to ATL 12/11, 2 seats",
            "the first one",
            "it's me and Nora Quist (a guest of ours from the client)",
            ("sure", {"new_status": "confirmed"}),
            "aisle for me and a window for Nora",
            user="gus",
            tools_include=["choose_seats"],
            tools_exclude=["buy_seats"],
            reply_matches=r"\b\d{1,2}[AF]\b.*\b\d{1,2}[CD]\b|\b\d{1,2}[CD]\b.*\b\d{1,2}[AF]\b",
            new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ paid seat on a hold, then yes
    (
        "paid_seat_on_hold_yes",
        dialogue(
            *ON_HOLD,
            (
                "I'd like a seat with more legroom, I don't mind paying",
                {"reply_contains": "25", "new_status": "held", "tools_exclude": ["buy_seats"]},
            ),
            "ok, yes",
            segments=[{"kind": "flight", **B6}],
            **TWO_DONE,
        ),
    ),
    (
        "paid_seat_on_hold_yes",
        dialogue(
            *ON_HOLD,
            (
                "put me in an extra legroom seat please, the fee is fine",
                {"reply_contains": "25", "new_status": "held", "tools_exclude": ["buy_seats"]},
            ),
            "yes please",
            segments=[{"kind": "flight", **B6}],
            **TWO_DONE,
        ),
    ),
    # ------------------------------------------------------------ "book me … — first is fine"
    (
        "purpose_at_hold",
        dialogue(
            "Please book JFK to Boston for Friday 4 Dec; the first option works for me.",
            "yes",
            "Purpose: quarterly planning with the Boston team.",
            user="victor",
            tools_include=["set_trip_purpose"],
            **HELD_AMBER,
        ),
    ),
    (
        "purpose_at_hold",
        dialogue(
            "book me JFK to Boston on December 4 - option 1 is fine",
            "yes please",
            **HELD_AMBER,
        ),
    ),
    (
        "purpose_at_hold",
        dialogue(
            "Could you book me JFK to BOS Fri 4 Dec, I'll take the first one.",
            "ok",
            **HELD_AMBER,
        ),
    ),
    # ------------------------------------------------------------ paid seat on a flight by number
    (
        "seat_fee_by_flight_number",
        dialogue(
            (
                "any extra-legroom seat on BA 18 please",
                {"reply_contains": "85", "tools_exclude": ["buy_seats"]},
            ),
            "no thanks, too pricey",
            tools_exclude=["buy_seats"],
            pending=None,
            nothing_changed=True,
            **T,
        ),
    ),
    (
        "seat_fee_by_flight_number",
        dialogue(
            "Could I get a seat with more legroom on BA19? any that's free",
            reply_contains="85",
            tools_exclude=["buy_seats"],
            nothing_changed=True,
            **T,
        ),
    ),
    # ------------------------------------------------------------ a trip's flight by number + day
    (
        "trip_flight_by_number_day",
        dialogue(
            "when does BA 19 land in London on Tuesday?",
            reply_contains_any=[["10:55", "10.55"]],
            nothing_changed=True,
            **T,
        ),
    ),
    (
        "trip_flight_by_number_day",
        dialogue(
            "What time is BA 18 due into New York on the 18th? need to book a car",
            reply_contains_any=[["11:10", "11.10"]],
            nothing_changed=True,
            **T,
        ),
    ),
    (
        "trip_flight_by_number_day",
        dialogue(
            "BA 18 on Friday - what time does it arrive at JFK?",
            reply_contains_any=[["11:10", "11.10"]],
            nothing_changed=True,
            **T,
        ),
    ),
    # ------------------------------------------------------------ purpose inside the yes
    (
        "yes_with_purpose",
        dialogue(
            "Fri 4 Dec JFK to BOS",
            "option 1",
            "ok book it — it's for a customer workshop",
            **WITH_YES,
        ),
    ),
    (
        "yes_with_purpose",
        dialogue(
            "JFK to Boston 4 December",
            "first",
            "Yes please. This trip is for the annual partner summit.",
            **WITH_YES,
        ),
    ),
    (
        "yes_with_purpose",
        dialogue("jfk-bos dec 4", "the 1st one", "sure, reason: vendor negotiation", **WITH_YES),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g32a_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
