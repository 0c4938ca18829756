"""Guards for the batch 54 gaps closed by fix54b (now = Tue 1 Dec 2026; world "trips": Ava's
London trip BA 19 JFK→LHR Mon 14 Dec 22:30, Holiday Inn Express London Tower Bridge
15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45; her Paris flight DL 15 BOS→CDG Thu 3 Dec 22:10
waiting for Mia, nothing paid).

Mechanisms (the held-out cases are tests/concierge/heldout/batch_54.yaml
b54_cf_outbound_day_later_same_flight, b54_cf_swap_return_american,
b54_ch_stay_through_weekend, b54_ch_extra_night_then_confirm, b54_cx_kill_dec3_flight,
b54_rf_paris_cancel_cost):
- rebook_pick: in a change's options (one list), the details said in several clauses
  describe one option ("the BA flight - the 22:30"): a time wins over a loose carrier;
  "switch me to that one" after asking whether an airline flies that day is the option
  the question was about.
- cancel_phrase: cancel verbs as data ("kill", "ditch", "axe", "bin" the <trip/flight>).
- question_as_cancel: a what-if or cost question about cancelling ("would cancelling …
  cost anything?", "what would it cost to cancel …") is answered from the refund quote,
  never put up for a yes.
- hotel_night_added: "1 more hotel night", "an extra hotel night": nights added to the
  booked stay.
- change_as_new_trip: the flight home moved plus hotel nights ("+" joining the clauses;
  "hotel nights 18th and 19th": the nights of both days, check-out the day after).

Every phrasing here is a guard, written before its first run (committed as the first
fix54b commit, before any fix). First try (pytest -q -n 2 tests/concierge/test_planner_fix54b.py,
15:45 UTC, 46.3 s, after the fixes for the six held-out cases): 11/13 — rebook_pick 3/4,
cancel_phrase 3/3, question_as_cancel 3/3, hotel_night_added 1/1, change_as_new_trip 1/2.
Failures: CASES 2 ("could I change my return? does American fly home on the 19th?" is cut
into two requests, the change without its day and a question without a route: left as a
known gap, GAPS); CASES 12 ("find me a hotel night for the 18th" after a change: "a hotel
night" counted no night, so the hotel asked how many; numbers.nights now reads "a / 1 / two
hotel night(s)", then 1/1).
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

worlds = worlds_fixture("empty", "trips")

NOTHING_YET: dict[str, Any] = {"nothing_changed": True, "new_bookings": 0}

CASES: list[tuple[str, Case]] = [
    # ---------------------------------------------------------------- rebook_pick
    (
        "rebook_pick",
        dialogue(
            "can you move my outbound to tuesday the 15th?",
            "the BA flight - the 22:30 one",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            reply_contains=["BA 19"],
            reply_not_contains=["BA 17 JFK"],
            booking_status={"london": "confirmed"},
        ),
    ),
    (
        "rebook_pick",
        dialogue(
            "push my london flight back one day please",
            "British Airways again, the 10:30pm",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            reply_contains=["BA 19"],
            reply_not_contains=["BA 17 JFK"],
        ),
    ),
    (
        "rebook_pick",
        dialogue(
            "could I change my return? does American fly home on the 19th?",
            "ok put me on that one",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            reply_contains=["AA 22"],
        ),
    ),
    (
        "rebook_pick",
        dialogue(
            "Is there an American flight back from London on Sat 19 Dec instead of my BA one?",
            "move me to that one then",
            "yes",
            world="trips",
            tools_include=["rebook"],
            booking_status={"london": "confirmed"},
            reply_contains_any=[["48.10"]],
        ),
    ),
    # ---------------------------------------------------------------- cancel_phrase
    (
        "cancel_phrase",
        dialogue(
            "ditch my london trip pls, project got pulled",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            booking_status={"london": "confirmed", "paris": "pending_approval"},
        ),
    ),
    (
        "cancel_phrase",
        dialogue(
            "can you axe the boston flight on the 3rd",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@paris"},
            booking_status={"paris": "pending_approval"},
        ),
    ),
    (
        "cancel_phrase",
        dialogue(
            "bin the dec 14 trip, not happening",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            booking_status={"london": "confirmed"},
        ),
    ),
    # ---------------------------------------------------------------- question_as_cancel
    (
        "question_as_cancel",
        dialogue(
            "what would it cost me to cancel london?",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains_any=[["1,944.90", "1944.90"]],
        ),
    ),
    (
        "question_as_cancel",
        dialogue(
            "is there any charge for cancelling the paris flight?",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains_any=[["nothing", "not been paid", "hasn't been paid", "no charge", "0.00", "not paid"]],
        ),
    ),
    (
        "question_as_cancel",
        dialogue(
            "does cancelling the london trip cost anything at this point",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains_any=[["1,944.90", "1944.90"]],
        ),
    ),
    # ---------------------------------------------------------------- hotel_night_added
    (
        "hotel_night_added",
        dialogue(
            "can i get 1 extra hotel night in london on the 18th, same place",
            "the first one",
            "yes",
            world="trips",
            new_bookings=1,
            new_status="confirmed",
            segments=[{"kind": "hotel", "city": "London", "check_in": "2026-12-18", "check_out": "2026-12-19"}],
            booking_status={"london": "confirmed"},
        ),
    ),
    # ---------------------------------------------------------------- change_as_new_trip
    (
        "change_as_new_trip",
        dialogue(
            "move my flight home to Sun 20 Dec + hotel nights 18th and 19th",
            world="trips",
            calls=[
                flight_search("London", "New York", "2026-12-20"),
                hotel_search("London", "2026-12-18", "2026-12-20"),
            ],
            booking_status={"london": "confirmed"},
            **NOTHING_YET,
        ),
    ),
    (
        "change_as_new_trip",
        dialogue(
            "Staying longer in London. Could you look at changing my return to Saturday 19 December, "
            "and find me a hotel night for the 18th?",
            world="trips",
            calls=[
                flight_search("London", "New York", "2026-12-19"),
                hotel_search("London", "2026-12-18", "2026-12-19"),
            ],
            booking_status={"london": "confirmed"},
            **NOTHING_YET,
        ),
    ),
]

# CASES 2 (a change asked, then its day and airline in a question of its own) passes since
# g32b's c0fc900 (a sentence naming no place after a change with no day is that change).
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_fix54b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
