"""Guards for the held-out gaps of batch 76 closed by g35a (now = Tue 1 Dec 2026 09:00 UTC;
world ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec 22:30, Holiday Inn
Express London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45 — and her Boston→Paris
DL 15 on Thu 3 Dec, waiting for Mia's approval; nobody else has a trip).

Kinds: a two-part question about a booked trip (which hotel / what flight + something the tools
can't say) answers both parts, not only the one it can't; "the confirmation numbers for <trip>"
gives every reference of the trip (the flights' and the hotel's); "who's on <trip>?" names the
travellers of the booking, not a search; "all my travels" (and other learner's words for trips)
lists the caller's trips; a question about MY bookings from someone with none says so without
listing other people's trips; "one more night … fly home a day later" searches the extra hotel
night and the flight home.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g35a.py, 15:01 UTC, main at e6ae052):
6/26 — two_part_own_trip 1/5, trip_all_references 0/4, who_is_on_booking 0/4, all_my_travels 1/4,
my_bookings_none_of_mine 1/5 (the control), extra_night_and_flight 3/4
(the second control, "show me my team's trips", added after the fix).
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

ASKED: dict[str, Any] = {"nothing_changed": True, "pending": "none"}
REFS = ["@london.flight.locator", "@london.hotel.locator"]
JUST_AVA = [["Ava", "just you", "only you"]]
OTHERS = ["BA 19", "BA 18", "Holiday Inn", "DL 15"]
NONE_BOOKED = [["no trips", "nothing booked", "don't have", "no bookings", "none", "no upcoming"]]


def trips(*turns: str, user: str = "ava", **expect: Any) -> Case:
    return dialogue(*turns, world="trips", user=user, **expect)


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ two_part_own_trip
    (
        "two_part_own_trip",
        trips(
            "what's the name of my hotel in london and do they have a gym?",
            reply_contains="Holiday Inn Express",
            **ASKED,
        ),
    ),
    (
        "two_part_own_trip",
        trips(
            "Which hotel did you put me in for London — is there parking there?",
            reply_contains="Holiday Inn Express",
            **ASKED,
        ),
    ),
    (
        "two_part_own_trip",
        trips(
            "whats the address of my london hotel, and do they do an airport shuttle?",
            reply_contains="Pepys",
            **ASKED,
        ),
    ),
    (
        "two_part_own_trip",
        trips(
            "where am I staying in london? also is wifi free there",
            reply_contains="Holiday Inn Express",
            **ASKED,
        ),
    ),
    (
        "two_part_own_trip",
        trips(
            "what time is my flight out to london, and will they serve dinner on board?",
            reply_contains="22:30",
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ trip_all_references
    (
        "trip_all_references",
        trips(
            "what are the booking refs for my london trip? flight and hotel",
            reply_contains=REFS,
            **ASKED,
        ),
    ),
    (
        "trip_all_references",
        trips("I need all the confirmation codes for London please", reply_contains=REFS, **ASKED),
    ),
    (
        "trip_all_references",
        trips(
            "send me the reference numbers for everything in my london booking",
            reply_contains=REFS,
            **ASKED,
        ),
    ),
    (
        "trip_all_references",
        trips(
            "Could you list the confirmation numbers of the London trip? It's for my expense report.",
            reply_contains=REFS,
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ who_is_on_booking
    (
        "who_is_on_booking",
        trips("who is travelling on my london trip?", reply_contains_any=JUST_AVA, **ASKED),
    ),
    (
        "who_is_on_booking",
        trips(
            "is anyone else on my paris booking or just me?", reply_contains_any=JUST_AVA, **ASKED
        ),
    ),
    (
        "who_is_on_booking",
        trips(
            "who are the passengers on my flight to london", reply_contains_any=JUST_AVA, **ASKED
        ),
    ),
    (
        "who_is_on_booking",
        trips(
            "did my coworker get added to the london booking or is it only me on it?",
            reply_contains_any=JUST_AVA,
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ all_my_travels
    (
        "all_my_travels",
        trips("I want see all my travels please", reply_contains=["London", "Paris"], **ASKED),
    ),
    (
        "all_my_travels",
        trips("please, which travels I have booked?", reply_contains=["London", "Paris"], **ASKED),
    ),
    (
        "all_my_travels",
        trips("Show me all my journeys and the dates", reply_contains=["London", "Paris"], **ASKED),
    ),
    (
        "all_my_travels",
        trips(
            "Good morning, I would like to know my all reservations. Thanks",
            reply_contains=["London", "Paris"],
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ my_bookings_none_of_mine
    (
        "my_bookings_none_of_mine",
        trips(
            "have I got any trips coming up?",
            user="fin",
            reply_not_contains=OTHERS,
            reply_contains_any=NONE_BOOKED,
            **ASKED,
        ),
    ),
    (
        "my_bookings_none_of_mine",
        trips(
            "what do I have booked?",
            user="victor",
            reply_not_contains=OTHERS,
            reply_contains_any=NONE_BOOKED,
            **ASKED,
        ),
    ),
    (
        "my_bookings_none_of_mine",
        trips(
            "am I travelling anywhere in december?",
            user="mia",
            reply_not_contains=OTHERS,
            reply_contains_any=NONE_BOOKED,
            **ASKED,
        ),
    ),
    (
        "my_bookings_none_of_mine",
        trips("show me my bookings", user="fin", reply_not_contains=OTHERS, **ASKED),
    ),
    (
        # control: other people's trips, asked for by name, are still shown
        "my_bookings_none_of_mine",
        trips("what trips has Ava got booked?", user="fin", reply_contains="London", **ASKED),
    ),
    (
        # control: a manager's team's trips are theirs, not "mine"
        "my_bookings_none_of_mine",
        trips("show me my team's trips", user="mia", reply_contains="London", **ASKED),
    ),
    # ------------------------------------------------------------ extra_night_and_flight
    (
        "extra_night_and_flight",
        trips(
            "Can I extend my London stay by one night? hotel till the 19th and fly back on the 19th",
            calls=[
                flight_search("london", "new york", "2026-12-19"),
                hotel_search("london", "2026-12-18", "2026-12-19"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "extra_night_and_flight",
        trips(
            "I'd like two more nights in London - hotel to the 20th and the flight home on the 20th, what are the options",
            calls=[
                flight_search("london", "new york", "2026-12-20"),
                hotel_search("london", "2026-12-18", "2026-12-20"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "extra_night_and_flight",
        trips(
            "add a night to my london trip and move my flight home to the 19th please",
            calls=[
                flight_search("london", "new york", "2026-12-19"),
                hotel_search("london", "2026-12-18", "2026-12-19"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "extra_night_and_flight",
        trips(
            "I want stay in London one day more, so I return 19 December and the hotel one more night",
            calls=[
                flight_search("london", "new york", "2026-12-19"),
                hotel_search("london", "2026-12-18", "2026-12-19"),
            ],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35a_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
