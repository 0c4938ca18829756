"""Guards for the batch 51 gaps closed by b51b (now = Tue 1 Dec 2026; world "trips": Ava's
London trip BA 19 JFK→LHR Mon 14 Dec, Holiday Inn Express London Tower Bridge 15–18 Dec,
BA 18 LHR→JFK Fri 18 Dec 08:45; her Paris flight DL 15 BOS→CDG Thu 3 Dec 22:10 waiting for
Mia).

Mechanisms (the held-out cases are tests/concierge/heldout/batch_51.yaml b51_cs_*,
b51_at_mia_hotel_for_ava_paris, b51_mv_mia_two_questions, b51_ar_mia_reason_and_amount,
b51_bo_victor_hotel_for_mia; and tests/concierge/test_planner_stay27.py held_moved 4, 5):
- stay_extension: nights added to one's booked hotel ("add another night at the holiday
  inn") are searched from its check-out even when the flight home is named; the flight
  home said beside them moves too ("… and fly home Sat the 19th") as a request of its own
  (flows/several.py), unless only told of ("I'm moving my flight home anyway").
- held_moved_end: the end of a held stay moved ("push check-out to the 12th", "I'll be
  leaving on the 16th") is its check-out, not a new check-in.
- two_questions: each question of a message is answered ("Where's Ava staying …, and is
  her Paris trip …?", "why …, and how much is it?").
- book_for_other: a person named as the reference ("same as Ava", "near Ava") is not the
  traveller; "X is joining Y" is no seat beside the speaker's.
- other_trip_hotel: a hotel "for her paris trip" is a hotel alone for the booked trip.

Every phrasing here is a guard, written after the fix and before its first run. First try
(pytest -q -n 2 tests/concierge/test_planner_b51b.py, 14:19 UTC, 98.8 s): 12/12 —
stay_extension 3/3, held_moved_end 2/2, two_questions 3/3, book_for_other 2/2,
other_trip_hotel 2/2. Then (after "book the holiday inn express" at both lists was read as a
flight to switch to: flows/booking select looks in the hotel list for a hotel named) one
more, written before its run, CASES 3: first try 0/1 ("one more night in London please, and
get me a flight back …" named no booked stay: "more / extra / another night(s) in / at" now
does, extend_stay.booked), then 1/1.
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


def _stay(check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "check_in": check_in, "check_out": check_out}


ASKS_ONLY: dict[str, Any] = {
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "decide_approval"],
    "nothing_changed": True,
}

CASES: list[tuple[str, Case]] = [
    # ---------------------------------------------------------------- stay_extension
    (
        "stay_extension",
        dialogue(
            "can I keep my london room two more nights? I'll sort my own flight home",
            world="trips",
            calls=[hotel_search("London", "2026-12-18", "2026-12-20")],
            tools_exclude=["search_flights"],
            nothing_changed=True,
        ),
    ),
    (
        "stay_extension",
        dialogue(
            "staying an extra night in london, so add a night at my hotel and move my flight "
            "home to saturday the 19th",
            world="trips",
            calls=[
                hotel_search("London", "2026-12-18", "2026-12-19"),
                flight_search("London", "New York", "2026-12-19"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "stay_extension",
        dialogue(
            "Add 2 more nights to my London hotel and push my return flight back two days",
            world="trips",
            calls=[
                hotel_search("London", "2026-12-18", "2026-12-20"),
                flight_search("London", "New York", "2026-12-20"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        # both lists shown: the hotel named is the hotel list's, the flight the change's
        "stay_extension",
        dialogue(
            "one more night in London please, and get me a flight back on sat 19 dec",
            "the holiday inn express one",
            "yes",
            "and move me to BA 20",
            world="trips",
            pending="rebook",
            segments=[_stay("2026-12-18", "2026-12-19")],
            booking_status={"london": "confirmed"},
        ),
    ),
    # ---------------------------------------------------------------- held_moved_end
    (
        "held_moved_end",
        dialogue(
            "hotel in Paris 10th to 12th December",
            "the first one",
            "can we move check out to the 13th?",
            segments=[_stay("2026-12-10", "2026-12-13")],
            pending="confirm_booking",
        ),
    ),
    (
        "held_moved_end",
        dialogue(
            "need a room in Boston Dec 8 to Dec 10",
            "2",
            "oh I'm actually leaving on the 9th",
            segments=[_stay("2026-12-08", "2026-12-09")],
            pending="confirm_booking",
        ),
    ),
    # ---------------------------------------------------------------- two_questions
    (
        "two_questions",
        dialogue(
            "What hotel has Ava got in London, and when does her flight home leave?",
            world="trips",
            user="mia",
            reply_contains=["Holiday Inn Express"],
            reply_contains_any=[["08:45", "8:45"]],
            **ASKS_ONLY,
        ),
    ),
    (
        "two_questions",
        dialogue(
            "how much is ava's london trip and who's her paris flight waiting on?",
            world="trips",
            user="victor",
            reply_contains=["Mia"],
            reply_contains_any=[["1,944.90", "1944.90"]],
            **ASKS_ONLY,
        ),
    ),
    (
        "two_questions",
        dialogue(
            "why is ava's paris trip waiting for approval, and when does it leave?",
            world="trips",
            user="mia",
            reply_contains_any=[
                ["7 days", "2 days ahead", "seven days"],
                ["22:10", "10:10 PM", "10:10 pm", "10:10pm"],
            ],
            **ASKS_ONLY,
        ),
    ),
    # ---------------------------------------------------------------- book_for_other
    (
        "book_for_other",
        dialogue(
            "Mia needs a hotel in London 15-18 Dec",
            "put her near Ava, the Holiday Inn Express",
            world="trips",
            user="victor",
            calls=[{"tool": "reserve", "args": {"traveler_id": "mia"}}],
            pending="confirm_booking",
            segments=[
                {
                    "kind": "hotel",
                    "city": "London",
                    "check_in": "2026-12-15",
                    "check_out": "2026-12-18",
                }
            ],
        ),
    ),
    (
        "book_for_other",
        dialogue(
            "find Mia a hotel in london for the 15th to the 18th",
            "same place as Ava is staying - the holiday inn express",
            world="trips",
            user="victor",
            calls=[{"tool": "reserve", "args": {"traveler_id": "mia"}}],
            pending="confirm_booking",
        ),
    ),
    # ---------------------------------------------------------------- other_trip_hotel
    (
        "other_trip_hotel",
        dialogue(
            (
                "can you find ava a hotel for her london trip, 18th to 19th dec?",
                {
                    "calls": [hotel_search("London", "2026-12-18", "2026-12-19")],
                    "tools_exclude": ["search_flights"],
                },
            ),
            "the cheapest",
            world="trips",
            user="mia",
            calls=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
            pending="confirm_booking",
            segments=[_stay("2026-12-18", "2026-12-19")],
        ),
    ),
    (
        "other_trip_hotel",
        dialogue(
            "Ava will need somewhere to stay on her Paris trip, Dec 3 to Dec 5",
            world="trips",
            user="mia",
            calls=[hotel_search("Paris", "2026-12-03", "2026-12-05")],
            tools_exclude=["search_flights"],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_b51b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
