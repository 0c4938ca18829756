"""Guards for the held-out gaps of batch 75 closed by g34e (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``; first messages that got no search or the wrong one).

Kinds: well-known city nicknames ("the Windy City", "Beantown", "the City of Light") name their
city; a non-native hotel request ("please to book hotel London 3 nights from 15") is a stay;
"N nights in <city> from <day>" is a stay even without the word hotel; a bare day range beside
"hotel" ("nyc hotel 15-17") is a stay; "rt" beside a day range is a round trip; "I need from A
to B <day>, return <day>, and hotel" is a trip (with a stay).

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -p no:cacheprovider -n 2 --dist loadfile tests/concierge/test_planner_g34e.py,
11:07 UTC, main at 226c5b4): 10/24 — city_nickname 1/4, non_native_hotel 2/4,
nights_from_day_read_as_flight 0/4, terse_hotel_range 3/4, terse_round_trip 2/4,
non_native_round_trip_hotel 2/4. The Windy City case then passed only because Gus's home is
Chicago (the origin defaulted to it); it was moved to Ava (home New York) after that run. The
"Mile High City" → "Emerald City" case read right after the fix, but neither city is in the
harness's slice of the network (no options; its place check then compares names only and
wants a code): the case became "the Emerald City from the City of Angels on the 19th",
expected as LAX → SEA.
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


def round_trip(a: str, b: str, out: str, back: str, **more: Any) -> list[dict[str, Any]]:
    return [flight_search(a, b, out, **more), flight_search(b, a, back, **more)]


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ city_nickname
    (
        "city_nickname",
        dialogue(
            "flights from the windy city to the big apple on the 18th",
            calls=[flight_search("chicago", "new york", "2026-12-18")],
        ),
    ),
    (
        "city_nickname",
        dialogue(
            "Beantown to Hotlanta, Dec 14 pls",
            calls=[flight_search("boston", "atlanta", "2026-12-14")],
        ),
    ),
    (
        "city_nickname",
        dialogue(
            "a hotel in the City of Light from 9 to 11 december please",
            calls=[hotel_search("paris", "2026-12-09", "2026-12-11")],
        ),
    ),
    (
        "city_nickname",
        dialogue(
            "I need to get to the Emerald City from the City of Angels on the 19th",
            calls=[flight_search("LAX", "SEA", "2026-12-19")],
        ),
    ),
    # ------------------------------------------------------------ non_native_hotel
    (
        "non_native_hotel",
        dialogue(
            "please to find hotel Paris 2 nights from 10",
            calls=[hotel_search("paris", "2026-12-10", "2026-12-12")],
        ),
    ),
    (
        "non_native_hotel",
        dialogue(
            "i want book hotel in Madrid 4 night from 20 december",
            user="fin",
            calls=[hotel_search("madrid", "2026-12-20", "2026-12-24")],
        ),
    ),
    (
        "non_native_hotel",
        dialogue(
            "for me hotel Boston, 3 nights, from the 14",
            calls=[hotel_search("boston", "2026-12-14", "2026-12-17")],
        ),
    ),
    (
        "non_native_hotel",
        dialogue(
            "Hello, is possible to reserve hotel Chicago 2 nights from 16?",
            user="victor",
            calls=[hotel_search("chicago", "2026-12-16", "2026-12-18")],
        ),
    ),
    # ------------------------------------------------------------ nights_from_day_read_as_flight
    (
        "nights_from_day_read_as_flight",
        dialogue(
            "3 nights in Boston from the 14th please",
            calls=[hotel_search("boston", "2026-12-14", "2026-12-17")],
        ),
    ),
    (
        "nights_from_day_read_as_flight",
        dialogue(
            "two nights in Paris starting Wednesday 9th",
            user="mia",
            calls=[hotel_search("paris", "2026-12-09", "2026-12-11")],
        ),
    ),
    (
        "nights_from_day_read_as_flight",
        dialogue(
            "staying 2 nights in chicago from friday the 11th",
            calls=[hotel_search("chicago", "2026-12-11", "2026-12-13")],
        ),
    ),
    (
        "nights_from_day_read_as_flight",
        dialogue(
            "Could you sort out four nights in London from 15 Dec? Ta",
            user="fin",
            calls=[hotel_search("london", "2026-12-15", "2026-12-19")],
        ),
    ),
    # ------------------------------------------------------------ terse_hotel_range
    (
        "terse_hotel_range",
        dialogue(
            "hotel sf 9-11",
            calls=[hotel_search("san francisco", "2026-12-09", "2026-12-11")],
        ),
    ),
    (
        "terse_hotel_range",
        dialogue(
            "boston hotels 14\u201316",
            user="mia",
            calls=[hotel_search("boston", "2026-12-14", "2026-12-16")],
        ),
    ),
    (
        "terse_hotel_range",
        dialogue(
            "miami hotel 18-21?",
            user="gus",
            calls=[hotel_search("miami", "2026-12-18", "2026-12-21")],
        ),
    ),
    (
        "terse_hotel_range",
        dialogue(
            "hotel dublin 10 - 12 pls",
            user="fin",
            calls=[hotel_search("dublin", "2026-12-10", "2026-12-12")],
        ),
    ),
    # ------------------------------------------------------------ terse_round_trip
    (
        "terse_round_trip",
        dialogue(
            "bos rt 10-12",
            calls=round_trip("new york", "boston", "2026-12-10", "2026-12-12"),
        ),
    ),
    (
        "terse_round_trip",
        dialogue(
            "RT to Chicago 15-18 Dec",
            user="mia",
            calls=round_trip("new york", "chicago", "2026-12-15", "2026-12-18"),
        ),
    ),
    (
        "terse_round_trip",
        dialogue(
            "atl r/t dec 9-11 please",
            user="gus",
            calls=round_trip("chicago", "atlanta", "2026-12-09", "2026-12-11"),
        ),
    ),
    (
        "terse_round_trip",
        dialogue(
            "jfk-mia rt 12th-15th",
            calls=round_trip("JFK", "MIA", "2026-12-12", "2026-12-15"),
        ),
    ),
    # ------------------------------------------------------------ non_native_round_trip_hotel
    (
        "non_native_round_trip_hotel",
        dialogue(
            "I need from New York to Chicago 14 december, return 17, and hotel too",
            calls=[
                *round_trip("new york", "chicago", "2026-12-14", "2026-12-17"),
                hotel_search("chicago", "2026-12-14", "2026-12-17"),
            ],
        ),
    ),
    (
        "non_native_round_trip_hotel",
        dialogue(
            "please i need from Boston to Miami the 10, come back 13, hotel all the nights",
            user="mia",
            calls=[
                *round_trip("boston", "miami", "2026-12-10", "2026-12-13"),
                hotel_search("miami", "2026-12-10", "2026-12-13"),
            ],
        ),
    ),
    (
        "non_native_round_trip_hotel",
        dialogue(
            "We need from Madrid to London 20 december, return 22 december, with hotel",
            user="fin",
            calls=[
                *round_trip("madrid", "london", "2026-12-20", "2026-12-22"),
                hotel_search("london", "2026-12-20", "2026-12-22"),
            ],
        ),
    ),
    (
        "non_native_round_trip_hotel",
        dialogue(
            "I need from Boston to Atlanta on 12 december",
            user="victor",
            calls=[flight_search("boston", "atlanta", "2026-12-12")],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g34e_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
