"""Guards for the pick gaps of batches 55 and 56 closed by gpick (now = Tue 1 Dec 2026,
world ``empty``): a pick is described by any mix of number or ordinal, time, carrier,
stops, part of the day, day, price words and direction, and the planner intersects them
over the options shown.

Sibling phrasings of the held-out gaps (the held-out cases themselves are in
tests/concierge/heldout/batch_55.yaml and batch_56.yaml): "<ordinal> out <ordinal> back"
after a round trip's two lists; a time with a stops word ("the 6:05 direct", "the 6am
one-stop"); "the nonstop in the <part of day>"; "the <ordinal> direct one" (the nth of the
direct options, in list order); "the <carrier> one on <the day shown>" after a second
day's list; "which gets me back earliest?" (by landing time); dropping the return of a
round trip ("drop the return, one way is fine", "forget the flight back, outbound only")
so the next pick holds the outbound alone; "the cheapest allowed one".

Every phrasing here was written before it was run. First try (pytest -q
tests/concierge/test_planner_gpick.py -n 2, 17:13 UTC, main fa31af4): 1/17 (only
"the first nonstop one", the one direct option of its list, passed).
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

HELD: dict[str, Any] = {"new_bookings": 1, "new_status": "held", "pending": "confirm_booking"}

CASES: list[tuple[str, Case]] = [
    # ---------------------------------------------------------------- round_trip_pick
    (
        "round_trip_pick",
        dialogue(
            "jfk-mia 10th back 12th",
            "2nd out 3rd back",
            segments=[
                flight_segment("AA 1169", "JFK", "MIA", "2026-12-10"),
                flight_segment("AA 1170", "MIA", "JFK", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_pick",
        dialogue(
            "bos to ord 14th returning 16th",
            "1st there 2nd back",
            segments=[
                flight_segment("UA 1027", "BOS", "ORD", "2026-12-14"),
                flight_segment("UA 1028", "ORD", "BOS", "2026-12-16"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_pick",
        dialogue(
            "jfk-mia 10th back 12th",
            "first out first back pls",
            segments=[
                flight_segment("B6 1055", "JFK", "MIA", "2026-12-10"),
                flight_segment("B6 1056", "MIA", "JFK", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    # ---------------------------------------------------------------- descriptive_pick
    (
        "descriptive_pick",
        dialogue(
            "ord to bos 17th",
            "the 6:05 direct please",
            segments=[flight_segment("AA 1050", "ORD", "BOS", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "ord to bos 18th",
            "the 6am one-stop",
            segments=[
                flight_segment("AA 1202", "ORD", "LGA", "2026-12-18"),
                flight_segment("B6 1028", "LGA", "BOS", "2026-12-18"),
            ],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "atl-ord 10th",
            "the nonstop in the evening",
            segments=[flight_segment("AA 1027", "ATL", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "jfk-mia 10th",
            "ok the direct in the afternoon",
            segments=[flight_segment("AA 1169", "JFK", "MIA", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "sfo to bos 11th",
            "the first nonstop one",
            segments=[flight_segment("B6 1038", "SFO", "BOS", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "descriptive_pick",
        dialogue(
            "jfk-mia 10th",
            "ok the fourth direct one",
            segments=[flight_segment("B6 1053", "JFK", "MIA", "2026-12-10")],
            **HELD,
        ),
    ),
    # ---------------------------------------------------------------- pick_by_carrier_and_day
    (
        "pick_by_carrier_and_day",
        dialogue(
            "JFK-ORD dec 10",
            "any cheaper the day after?",
            "ok the jetblue one on the 11th",
            segments=[flight_segment("B6 1057", "JFK", "ORD", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "pick_by_carrier_and_day",
        dialogue(
            "atl-ord 10th",
            "what about the 11th?",
            "fine, the delta one on friday",
            segments=[flight_segment("DL 1033", "ATL", "ORD", "2026-12-11")],
            **HELD,
        ),
    ),
    # ---------------------------------------------------------------- earliest_arrival
    (
        "earliest_arrival",
        dialogue(
            "SFO to JFK Dec 18",
            (
                "which gets me back earliest?",
                {"reply_contains": ["DL 1148"], "tools_exclude": ["reserve", "search_flights"]},
            ),
            "book that one",
            segments=[flight_segment("DL 1148", "SFO", "JFK", "2026-12-18")],
            **HELD,
        ),
    ),
    (
        "earliest_arrival",
        dialogue(
            "ord to bos 17th",
            "what gets me home soonest?",
            reply_contains=["AA 1050"],
            tools_exclude=["reserve", "search_flights"],
            nothing_changed=True,
        ),
    ),
    # ---------------------------------------------------------------- drop_return
    (
        "drop_return",
        dialogue(
            "jfk-mia 10th back 12th",
            ("drop the return, one way is fine", {"tools_exclude": ["reserve", "list_trips"]}),
            "option 2",
            segments=[flight_segment("AA 1169", "JFK", "MIA", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "drop_return",
        dialogue(
            "bos to ord 14th returning 16th",
            "forget the flight back, outbound only please",
            "the cheapest",
            segments=[flight_segment("UA 1027", "BOS", "ORD", "2026-12-14")],
            **HELD,
        ),
    ),
    (
        "drop_return",
        dialogue(
            "jfk-mia 10th back 12th",
            "only the way out for now",
            "the cheapest one that's allowed",
            segments=[flight_segment("B6 1055", "JFK", "MIA", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "policy_fit_pick",
        dialogue(
            "Boston-Atlanta 9th",
            "the cheapest allowed one",
            segments=[flight_segment("B6 1004", "BOS", "ATL", "2026-12-09")],
            **HELD,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_gpick(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
