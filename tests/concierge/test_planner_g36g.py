"""Guards for the held-out gaps of batches 85 and 87 taken by g36g (now = Tue 1 Dec 2026 09:00 UTC;
worlds ``empty`` and ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec, Holiday
Inn Express London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45 — and her Boston→Paris
DL 15 on Thu 3 Dec waiting for Mia's approval).

Kinds: a question about one's own trip ("which hotel am I in…", "when do I fly back from…")
answers from the trip, no search; "N rooms" right after a hotel list searches again with that many
rooms, no hold; "and a hotel N nights" right after a flight list searches the hotel at the
destination from the flight's day; "the cheapest … book it" when the cheapest is blocked (Spirit,
Ryanair) holds the cheapest bookable one; a reject with a dictated reason asks to confirm the
rejection with that note; an e-mail style yes with a sign-off at a hold confirms it.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g36g.py, 19:44 UTC, main at 9cf74f1):
10/14 — own_trip_question 3/3, rooms_after_hotel_list 2/2, hotel_after_flight_list 1/2,
cheapest_blocked 3/3, reject_with_reason 1/2, email_yes 0/2. Two cases were added after that run
(same kinds, the count said right after the number: "3 rooms please", "hotel 3 nights too").
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
CONFIRMED: dict[str, Any] = {"new_status": "confirmed", "tools_include": ["confirm_booking"]}
NO_SEARCH: dict[str, Any] = {
    "tools_exclude": ["search_flights", "search_hotels"],
    "nothing_changed": True,
}
HILTON = {
    "kind": "hotel",
    "hotel": "Hilton London Park Lane",
    "check_in": "2026-12-14",
    "check_out": "2026-12-17",
}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ own_trip_question
    (
        "own_trip_question",
        dialogue(
            "which hotel am I staying at in london?",
            world="trips",
            reply_contains=["Holiday Inn Express"],
            **NO_SEARCH,
        ),
    ),
    (
        "own_trip_question",
        dialogue(
            "what day do i fly back from london",
            world="trips",
            reply_contains_any=[["18 Dec", "Dec 18", "December 18", "18 December", "18th"]],
            **NO_SEARCH,
        ),
    ),
    (
        "own_trip_question",
        dialogue(
            "my hotel in London — what's it called again?",
            world="trips",
            reply_contains=["Holiday Inn Express"],
            **NO_SEARCH,
        ),
    ),
    # ------------------------------------------------------------ rooms_after_hotel_list
    (
        "rooms_after_hotel_list",
        dialogue(
            "hotel in boston 15th to 17th",
            "make it 3 rooms",
            calls=[hotel_search("boston", "2026-12-15", "2026-12-17", rooms=3)],
            new_bookings=0,
        ),
    ),
    (
        "rooms_after_hotel_list",
        dialogue(
            "hotel paris 14-16 dec",
            "we need two rooms actually",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-16", rooms=2)],
            new_bookings=0,
        ),
    ),
    (
        "rooms_after_hotel_list",
        dialogue(
            "hotel in boston 15th to 17th",
            "3 rooms please",
            calls=[hotel_search("boston", "2026-12-15", "2026-12-17", rooms=3)],
            new_bookings=0,
        ),
    ),
    # ------------------------------------------------------------ hotel_after_flight_list
    (
        "hotel_after_flight_list",
        dialogue(
            "flight from boston to chicago on 15 dec",
            "and a hotel for 3 nights",
            calls=[hotel_search("chicago", "2026-12-15", "2026-12-18")],
            new_bookings=0,
        ),
    ),
    (
        "hotel_after_flight_list",
        dialogue(
            "JFK to Miami 10 dec",
            "plus hotel 2 nights pls",
            calls=[hotel_search("miami", "2026-12-10", "2026-12-12")],
            new_bookings=0,
        ),
    ),
    (
        "hotel_after_flight_list",
        dialogue(
            "boston to chicago dec 15",
            "hotel 3 nights too",
            calls=[hotel_search("chicago", "2026-12-15", "2026-12-18")],
            new_bookings=0,
        ),
    ),
    # ------------------------------------------------------------ cheapest_blocked
    (
        "cheapest_blocked",
        dialogue(
            "book the cheapest flight boston to atlanta dec 16",
            segments=[flight_segment("B6 1004", "BOS", "ATL", "2026-12-16", carrier_not=["NK"])],
            new_bookings=1,
            **HELD,
        ),
    ),
    (
        "cheapest_blocked",
        dialogue(
            "dublin to london fri 11th",
            "the cheapest please",
            segments=[flight_segment("BA 1021", "DUB", "LHR", "2026-12-11", carrier_not=["FR"])],
            **HELD,
        ),
    ),
    (
        "cheapest_blocked",
        dialogue(
            "DUB-LHR on the 11th",
            "cheapest",
            segments=[flight_segment("BA 1021", "DUB", "LHR", "2026-12-11", carrier_not=["FR"])],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ reject_with_reason
    (
        "reject_with_reason",
        dialogue(
            "reject ava's paris trip, reason: not booked a week ahead",
            world="trips",
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "week"},
        ),
    ),
    (
        "reject_with_reason",
        dialogue(
            "decline avas paris booking the reason is too short notice",
            world="trips",
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "notice"},
        ),
    ),
    # ------------------------------------------------------------ email_yes
    (
        "email_yes",
        dialogue(
            "hotel london 14 to 17 dec",
            "the hilton",
            "Yes, looks good — please confirm it.\n\nThanks,\nAva",
            segments=[HILTON],
            **CONFIRMED,
        ),
    ),
    (
        "email_yes",
        dialogue(
            "Madrid to London on the 18th",
            "the 11:05",
            "Great, that works for me. Please go ahead and book it.\n\nBest regards,\nAva Patel",
            segments=[flight_segment("IB 1018", "MAD", "LHR", "2026-12-18")],
            **CONFIRMED,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g36g_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
