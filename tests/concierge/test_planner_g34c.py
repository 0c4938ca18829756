"""Guards g34c: batch 68's ``switch_hotel_same_nights`` and batch 65's ``vague_dates``, new
wordings written before reading the planner (now = Tue 1 Dec 2026 09:00 UTC).

World ``trips``: ava's London trip (BA 19 JFK→LHR Mon 14 Dec, Holiday Inn Express London
Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec). A hotel named by brand "for the same
nights" and asked about (is it free, has it rooms) is searched in the booked stay's city on
its nights, nothing changed, the reply naming it; the same hotel named in a request to book
it ("book it", "reserve it", "book me into") is held on those nights, as batch 42's
b42_hc_switch_to_hilton is ("I'd rather stay at the Hilton … instead of the Holiday Inn,
same dates. Can you book it?").

World ``empty``: a trip in a part of a month ("early jan", "mid-Jan", "towards the end of
December") whose length is only roughly said ("3 or 4 days", "roughly a week") or whose days
the traveller says are not settled asks which days, searching nothing; a part of a month
with a firm length or no length at all still searches the days to compare.

First try (pytest -q -p no:cacheprovider -n 2 tests/concierge/test_planner_g34c.py, run once
on the unfixed code, UTC time and main hash below):
10:42 UTC, main at ad50f54: 3/14 — switch_hotel_same_nights 0/4 (no tool, or the trips
listed), switch_hotel_booked 1/4 (only "Can you book me into the Hilton …" held), vague_dates
0/4 (the days of the part of the month searched; "3 or 4 days" also read as 3 passengers and
"early jan" as a morning), month_part_searched 2/2.
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

T: dict[str, Any] = {"world": "trips"}
BOOKED_NIGHTS = ("2026-12-15", "2026-12-18")


def _asked(say: str, brand: str) -> Case:
    """A hotel asked about for the booked stay's nights: searched there, nothing changed."""
    return dialogue(
        say,
        calls=[hotel_search("London", *BOOKED_NIGHTS)],
        reply_contains=brand,
        nothing_changed=True,
        tools_exclude=["cancel_booking", "rebook"],
        **T,
    )


def _booked(say: str, hotel: str) -> Case:
    """A hotel asked to be booked for the booked stay's nights: held on them."""
    return dialogue(
        say,
        segments=[
            {
                "kind": "hotel",
                "hotel": hotel,
                "check_in": BOOKED_NIGHTS[0],
                "check_out": BOOKED_NIGHTS[1],
            }
        ],
        new_status="held",
        pending="confirm_booking",
        tools_exclude=["cancel_booking"],
        **T,
    )


ASKS_DAYS: dict[str, Any] = {
    "tools_exclude": ["search_flights", "search_hotels", "reserve"],
    "nothing_changed": True,
    "reply_matches": r"\?",
    "reply_contains_any": [["date", "when", "which day", "what day"]],
}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ switch_hotel_same_nights
    (
        "switch_hotel_same_nights",
        _asked(
            "Holiday Inn's too far from everything - does the Sofitel have rooms on the same "
            "nights? Would much rather be there",
            "Sofitel",
        ),
    ),
    (
        "switch_hotel_same_nights",
        _asked(
            "could you check if the novotel has availability for those same nights? i'd "
            "prefer it to where im staying",
            "Novotel",
        ),
    ),
    (
        "switch_hotel_same_nights",
        _asked(
            "Is there space at the Hyatt for the same dates as my current hotel? I'd rather "
            "be near Kings Cross.",
            "Hyatt",
        ),
    ),
    (
        "switch_hotel_same_nights",
        _asked(
            "same nights at the park lane hilton, any rooms? the holiday inn is a trek", "Hilton"
        ),
    ),
    # ------------------------------------------------------------ the named hotel asked to be booked
    (
        "switch_hotel_booked",
        _booked(
            "Swap my Holiday Inn for the Hyatt, same dates, and book it please",
            "Hyatt Regency London Kings Cross",
        ),
    ),
    (
        "switch_hotel_booked",
        _booked(
            "I'd prefer the Sofitel over the Holiday Inn Express - same nights. Go ahead and "
            "reserve it.",
            "Sofitel London Canary Wharf",
        ),
    ),
    (
        "switch_hotel_booked",
        _booked(
            "Can you book me into the Hilton for the same nights instead of the Holiday Inn?",
            "Hilton London Park Lane",
        ),
    ),
    (
        "switch_hotel_booked",
        _booked(
            "The Novotel would suit me better than the holiday inn, same nights. Could you "
            "book that for me?",
            "Novotel London Paddington",
        ),
    ),
    # ------------------------------------------------------------ vague_dates
    (
        "vague_dates",
        dialogue("need to be in chicago sometime early jan for 3 or 4 days", **ASKS_DAYS),
    ),
    (
        "vague_dates",
        dialogue(
            "Off to Paris towards the end of December for roughly a week, can you sort it out?",
            **ASKS_DAYS,
        ),
    ),
    (
        "vague_dates",
        dialogue(
            "I've got to get over to our Boston office in late January, 2-3 nights probably. "
            "Dates aren't fixed yet.",
            **ASKS_DAYS,
        ),
    ),
    (
        "vague_dates",
        dialogue(
            "Fancy a few days in Dublin around mid-Jan, haven't pinned down the days. What do "
            "you need from me?",
            user="fin",
            **ASKS_DAYS,
        ),
    ),
    # ------------------------------------------------------------ a part of a month still searched
    (
        "month_part_searched",
        dialogue(
            "flights to boston late december",
            calls=[flight_search("new york", "boston", {"between": ["2026-12-22", "2026-12-28"]})],
        ),
    ),
    (
        "month_part_searched",
        dialogue(
            "hotel in london early january, 2 nights",
            calls=[
                hotel_search(
                    "london",
                    {"between": ["2027-01-01", "2027-01-07"]},
                    {"between": ["2027-01-03", "2027-01-09"]},
                )
            ],
        ),
    ),
]

# Written after the fix (the answer to the question): the days said then are searched, with
# nothing of the vague message read as a head count or a time of day.
AFTER: list[tuple[str, Case]] = [
    (
        "vague_then_days",
        dialogue(
            "need to be in chicago sometime early jan for 3 or 4 days",
            # (a bare "the 4th" here is read in December: the month of the period asked
            # about is not carried to the answer — left open)
            "out on jan 4th, back the 7th",
            calls=[
                flight_search("new york", "chicago", "2027-01-04", passengers=1),
                flight_search("chicago", "new york", "2027-01-07", passengers=1),
            ],
            tools_exclude=["reserve"],
        ),
    ),
    (
        "vague_then_days",
        dialogue(
            "I need to go to London mid-December for about a week",
            "14th to the 20th",
            calls=[
                flight_search("new york", "london", "2026-12-14"),
                flight_search("london", "new york", "2026-12-20"),
            ],
        ),
    ),
]
CASES += AFTER

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g34c_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
