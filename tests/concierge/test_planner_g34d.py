"""Guards for the held-out gaps of batch 74 closed by g34d (now = Tue 1 Dec 2026 09:00 UTC;
world ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec, Holiday Inn Express
London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec — and her one-way Boston→Paris DL 15
of Thu 3 Dec waiting for Mia's approval).

Kinds: a question about one's booked hotel in a city (its confirmation number, its price) is
answered from the booking, not read as a hotel search; a request to extend the booked hotel's
stay is answered honestly (no tool changes a booked stay's dates) and nothing is booked or
cancelled; how long a request waiting for approval is held; withdrawing a request waiting for
approval is cancelling it (asked, then done on the yes); a hotel for the trip that waits for
approval is searched, picked and booked as its own booking; the flight back of a one-way trip
searches in the direction the user says (Paris→Boston), not the trip's.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g34d.py, 11:07 UTC, main at 226c5b4):
10/24 — own_hotel_read_as_search 3/4, extend_own_hotel 0/4, approval_hold_until 1/4,
withdraw_request 1/4, hotel_for_pending_trip 2/4, return_for_one_way 3/4.
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

worlds = worlds_fixture("trips")

T = "trips"
CANT = [
    "can't",
    "cannot",
    "not able",
    "unable",
    "separate",
    "another booking",
    "new booking",
    "extra night",
    "not possible",
]
HOLD_DAY = ["3 Dec", "Dec 3", "3rd", "Thursday", "12-03"]
UNTOUCHED: dict[str, Any] = {"nothing_changed": True, "pending": "none"}


def paris_hotel(check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "city": "Paris", "check_in": check_in, "check_out": check_out}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ own_hotel_read_as_search
    (
        "own_hotel_read_as_search",
        dialogue(
            "what's the booking reference for my hotel in London?",
            world=T,
            nothing_changed=True,
            reply_contains=["@london.hotel.locator"],
        ),
    ),
    (
        "own_hotel_read_as_search",
        dialogue(
            "how much am i paying for my london hotel",
            world=T,
            nothing_changed=True,
            reply_contains_any=[["585.00", "585"]],
        ),
    ),
    (
        "own_hotel_read_as_search",
        dialogue(
            "My hotel in London - could you give me the confirmation code? Checking in on the 15th.",
            world=T,
            nothing_changed=True,
            reply_contains=["@london.hotel.locator"],
        ),
    ),
    (
        "own_hotel_read_as_search",
        dialogue(
            "the london hotel - what's it setting me back?",
            world=T,
            nothing_changed=True,
            reply_contains_any=[["585.00", "585"]],
        ),
    ),
    # ------------------------------------------------------------ extend_own_hotel
    (
        "extend_own_hotel",
        dialogue(
            "can I stay an extra night at my hotel in london? check out on the 19th instead",
            world=T,
            tools_exclude=["cancel_booking", "confirm_booking"],
            reply_contains_any=[CANT],
            **UNTOUCHED,
        ),
    ),
    (
        "extend_own_hotel",
        dialogue(
            "pls add another night to my london hotel booking",
            world=T,
            tools_exclude=["cancel_booking", "confirm_booking"],
            reply_contains_any=[CANT],
            **UNTOUCHED,
        ),
    ),
    (
        "extend_own_hotel",
        dialogue(
            "Could my stay at the Holiday Inn in London be lengthened until 19/12, please?",
            world=T,
            tools_exclude=["cancel_booking", "confirm_booking"],
            reply_contains_any=[CANT],
            **UNTOUCHED,
        ),
    ),
    (
        "extend_own_hotel",
        dialogue(
            "extend my hotel stay in london til saturday",
            world=T,
            tools_exclude=["cancel_booking", "confirm_booking"],
            reply_contains_any=[CANT],
            **UNTOUCHED,
        ),
    ),
    # ------------------------------------------------------------ approval_hold_until
    (
        "approval_hold_until",
        dialogue(
            "has the paris trip been approved?",
            "how long will they hold the seat for if she doesn't approve it?",
            world=T,
            nothing_changed=True,
            tools_exclude=["decide_approval"],
            reply_contains_any=[HOLD_DAY],
        ),
    ),
    (
        "approval_hold_until",
        dialogue(
            "When does the hold on my Paris flight expire?",
            world=T,
            nothing_changed=True,
            reply_contains_any=[HOLD_DAY],
        ),
    ),
    (
        "approval_hold_until",
        dialogue(
            "until what date is my boston-paris seat kept while it waits for approval",
            world=T,
            nothing_changed=True,
            reply_contains_any=[HOLD_DAY],
        ),
    ),
    (
        "approval_hold_until",
        dialogue(
            "is my paris booking still waiting on mia?",
            "ok — how long have I got before the reservation lapses?",
            world=T,
            nothing_changed=True,
            reply_contains_any=[HOLD_DAY],
        ),
    ),
    # ------------------------------------------------------------ withdraw_request
    (
        "withdraw_request",
        dialogue(
            ("withdraw my paris booking request please", {"pending": "cancel_booking"}),
            "yes",
            world=T,
            booking_status={"paris": "cancelled", "london": "confirmed"},
            new_bookings=0,
        ),
    ),
    (
        "withdraw_request",
        dialogue(
            (
                "I no longer need the Paris trip - pull the request before Mia approves it",
                {"pending": "cancel_booking"},
            ),
            "yes please",
            world=T,
            booking_status={"paris": "cancelled", "london": "confirmed"},
            new_bookings=0,
        ),
    ),
    (
        "withdraw_request",
        dialogue(
            (
                "Could you retract my request for the Boston to Paris flight?",
                {"pending": "cancel_booking"},
            ),
            "yep, go ahead",
            world=T,
            booking_status={"paris": "cancelled", "london": "confirmed"},
            new_bookings=0,
        ),
    ),
    (
        "withdraw_request",
        dialogue(
            "take back my paris approval request, plans changed",
            world=T,
            pending="cancel_booking",
            pending_args={"booking_id": "@paris"},
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ hotel_for_pending_trip
    (
        "hotel_for_pending_trip",
        dialogue(
            "I'll need somewhere to stay in paris for my trip, dec 4th-6th",
            "the cheapest",
            "yes",
            world=T,
            new_bookings=1,
            segments=[paris_hotel("2026-12-04", "2026-12-06")],
            booking_status={"london": "confirmed", "paris": "pending_approval"},
        ),
    ),
    (
        "hotel_for_pending_trip",
        dialogue(
            "add a paris hotel to go with my flight, 4 Dec to 6 Dec",
            "option 1",
            "yes please",
            world=T,
            new_bookings=1,
            segments=[paris_hotel("2026-12-04", "2026-12-06")],
            booking_status={"london": "confirmed", "paris": "pending_approval"},
        ),
    ),
    (
        "hotel_for_pending_trip",
        dialogue(
            "Please find a hotel for the Paris trip, 4th-6th December",
            "the cheapest one",
            "go ahead",
            world=T,
            new_bookings=1,
            segments=[paris_hotel("2026-12-04", "2026-12-06")],
            booking_status={"london": "confirmed", "paris": "pending_approval"},
        ),
    ),
    (
        "hotel_for_pending_trip",
        dialogue(
            "book me a hotel in paris from the 4th to the 6th to go with my boston flight",
            world=T,
            calls=[hotel_search("paris", "2026-12-04", "2026-12-06")],
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ return_for_one_way
    (
        "return_for_one_way",
        dialogue(
            "I only have a one way ticket to Paris, need to get back to Boston on the 7th - "
            "what flights are there?",
            world=T,
            calls=[flight_search("paris", "boston", "2026-12-07")],
            nothing_changed=True,
        ),
    ),
    (
        "return_for_one_way",
        dialogue(
            "my paris booking is one-way. flight home from paris to boston mon dec 7 please",
            world=T,
            calls=[flight_search("paris", "boston", "2026-12-07")],
            nothing_changed=True,
        ),
    ),
    (
        "return_for_one_way",
        dialogue(
            "Could you look for a return from Paris back to Boston on Monday 7th December? I've only booked "
            "the way out.",
            world=T,
            calls=[flight_search("paris", "boston", "2026-12-07")],
            nothing_changed=True,
        ),
    ),
    (
        "return_for_one_way",
        dialogue(
            "paris trip is one way only - whats flying CDG to BOS on monday the 7th?",
            world=T,
            calls=[flight_search("CDG", "BOS", "2026-12-07")],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g34d_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
