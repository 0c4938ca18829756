"""Guards for the held-out gaps of batch 77 taken by g35b (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``: whole booking conversations, search → pick → confirm).

Kinds: a round trip asked for with the pick in the same message ("… back 13 Dec — book the
cheapest each way") holds both legs and asks to confirm; "me and my colleague <Name>" names
the second passenger, so the pick ends at a confirmation and "yes" confirms two seats; a city
followed by its airport ("New York LaGuardia", "Chicago O'Hare", "London Heathrow") searches
that airport only; a yes in another language ("sí, confirm it", "oui, book it") confirms; "cancel
that, don't book" at a pending confirmation declines it (it is no new request to cancel the hold).

Every phrasing was written before reading the planner code for these gaps.
First try on main e6ae052 (pytest -q -n 2 tests/concierge/test_planner_g35b.py, 15:02 UTC): 8/20 —
multi_pick 1/4, passengers 3/4, airport_named 2/5, confirm_yes 1/3, confirm_no 1/4. (Two
expectations were corrected before that count, not the planner's doing: the earliest LGA→MIA and
the first ORD→BOS / LHR→MAD options connect, so those guards check the airports searched.)
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
    flight_segment,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

ASKS: dict[str, Any] = {"pending": "confirm_booking"}
HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
DONE: dict[str, Any] = {"new_status": "confirmed", "pending": "none"}
DECLINED: dict[str, Any] = {"not_new_status": "confirmed", "pending": "none"}


def leg(origin: str, destination: str, date: str, **more: Any) -> dict[str, Any]:
    return {"kind": "flight", "origin": origin, "destination": destination, "date": date, **more}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ multi_pick
    (
        "multi_pick",
        dialogue(
            "BOS to MIA 10 Dec, back 13 Dec - book the cheapest each way",
            segments=[
                flight_segment("DL 1069", "BOS", "MIA", "2026-12-10"),
                flight_segment("DL 1070", "MIA", "BOS", "2026-12-13"),
            ],
            **HELD,
        ),
    ),
    (
        "multi_pick",
        dialogue(
            "JFK to Chicago on the 14th returning the 17th, just take the first option both ways please",
            segments=[
                flight_segment("UA 1149", "JFK", "ORD", "2026-12-14"),
                flight_segment("DL 1144", "ORD", "JFK", "2026-12-17"),
            ],
            **HELD,
        ),
    ),
    (
        "multi_pick",
        dialogue(
            "atlanta to boston dec 11, return dec 14. cheapest flights out and back, whatever",
            segments=[
                flight_segment("DL 1001", "ATL", "BOS", "2026-12-11"),
                flight_segment("DL 1002", "BOS", "ATL", "2026-12-14"),
            ],
            **HELD,
        ),
    ),
    (
        "multi_pick",
        dialogue(
            "Could you hold the earliest flight from LGA to Miami on 9 December, and the earliest back on the 12th?",
            segments=[  # the earliest way there connects in Atlanta
                flight_segment("DL 1024", "LGA", "ATL", "2026-12-09"),
                flight_segment("DL 1031", "ATL", "MIA", "2026-12-09"),
                flight_segment("DL 1170", "MIA", "LGA", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ passengers
    (
        "passengers",
        dialogue(
            "me and my coworker Ana Silva, JFK to Boston 15 Dec",
            ("the first one", ASKS),
            "yes",
            segments=[leg("JFK", "BOS", "2026-12-15", passengers=2)],
            **DONE,
        ),
    ),
    (
        "passengers",
        dialogue(
            "Flights for myself and my colleague Joe Park from Chicago to Atlanta on 11 Dec",
            ("option 1", ASKS),
            "go ahead",
            segments=[leg("chicago", "ATL", "2026-12-11", passengers=2)],
            **DONE,
        ),
    ),
    (
        "passengers",
        dialogue(
            "my manager Tom Reed and me, Boston to Miami 10 Dec",
            ("first", ASKS),
            "yes",
            segments=[leg("BOS", "MIA", "2026-12-10", passengers=2)],
            **DONE,
        ),
    ),
    (
        "passengers",
        dialogue(
            "me + my teammate Priya Shah, LGA to ORD on the 12th",
            ("the second", ASKS),
            "yes pls",
            segments=[leg("LGA", "ORD", "2026-12-12", passengers=2)],
            **DONE,
        ),
    ),
    # ------------------------------------------------------------ airport_named
    (
        "airport_named",
        dialogue(
            (
                "from New York LaGuardia to Miami on 10 December",
                {"calls": [flight_search("LGA", "MIA", "2026-12-10")]},
            ),
            ("the first one", ASKS),
            new_status="held",
        ),
    ),
    (
        "airport_named",
        dialogue(
            (
                "Chicago O'Hare to Boston, Dec 14",
                {"calls": [flight_search("ORD", "BOS", "2026-12-14")]},
            ),
            ("option 1 please", ASKS),
            new_status="held",
        ),
    ),
    (
        "airport_named",
        dialogue(
            (
                "London Heathrow to Madrid on 15/12 please",
                {"calls": [flight_search("LHR", "MAD", "2026-12-15")]},
            ),
            ("the first", ASKS),
            new_status="held",
        ),
    ),
    (
        "airport_named",
        dialogue(
            (
                "I need to get from Atlanta to New York JFK on the 16th",
                {"calls": [flight_search("ATL", "JFK", "2026-12-16")]},
            ),
            ("the first one", ASKS),
            new_status="held",
        ),
    ),
    (
        "airport_named",
        dialogue(
            (
                "flight from new york (newark) to chicago dec 15",
                {"calls": [flight_search("EWR", "chicago", "2026-12-15")]},
            ),
            ("first one", ASKS),
            new_status="held",
        ),
    ),
    # ------------------------------------------------------------ confirm_yes
    (
        "confirm_yes",
        dialogue(
            "MAD to Paris 14 Dec",
            ("the first", ASKS),
            "sí, confirm",
            segments=[leg("MAD", "paris", "2026-12-14")],
            **DONE,
        ),
    ),
    (
        "confirm_yes",
        dialogue(
            "Paris to London the 16th",
            ("the first please", ASKS),
            "oui, book it",
            segments=[leg("paris", "london", "2026-12-16")],
            **DONE,
        ),
    ),
    (
        "confirm_yes",
        dialogue(
            "I want fly Madrid to London 17 december",
            ("number one", ASKS),
            "ja, please confirm",
            segments=[leg("MAD", "london", "2026-12-17")],
            **DONE,
        ),
    ),
    # ------------------------------------------------------------ confirm_no
    (
        "confirm_no",
        dialogue(
            "boston to atlanta 9th",
            ("the first one", ASKS),
            "scrap that, don't book it",
            **DECLINED,
        ),
    ),
    (
        "confirm_no",
        dialogue(
            "JFK to Miami 11 Dec",
            ("option 2", ASKS),
            "cancel it, I don't want it booked",
            **DECLINED,
        ),
    ),
    (
        "confirm_no",
        dialogue(
            "SFO to JFK 10 Dec",
            ("first", ASKS),
            "no, cancel that",
            **DECLINED,
        ),
    ),
    (
        "confirm_no",
        dialogue(
            "Chicago to Boston on the 15th",
            ("the first one", ASKS),
            "cancel please, do not book",
            **DECLINED,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
