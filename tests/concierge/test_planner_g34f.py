"""Guards for the held-out gaps of batches 73 and 75 closed by g34f (now = Tue 1 Dec 2026
09:00 UTC; world ``empty``: searches made in earlier turns or in the same message).

Kinds: a pick named by an attribute only one option has ("whichever is direct", "whichever is
nonstop and allowed" — of the options policy allows; several having it is a question, not a
hold); a superlative over the options a filter leaves, in one message with the search ("book the
cheapest nonstop from A to B on <day>", "the later of the two direct flights"); after a flight +
hotel search, one message picking a flight (by time / airline) and a hotel (by name); after a
round-trip search, one message picking the way there and the way back in go / come back words
("… going and … coming back", "for the way there … for the way home").

Every phrasing was written before reading the planner code for these gaps (the options were read
from the real search replies, /tmp/g34f/explore.py).
First try (pytest -q -n 2 tests/concierge/test_planner_g34f.py, 11:10 UTC, main at 226c5b4):
8/16 — pick_whichever_attribute 0/4, best_among_filtered 1/4, flight_and_hotel_pick 3/4,
round_trip_pick_go_come_back 4/4.
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

HELD: dict[str, Any] = {"pending": "confirm_booking", "tools_exclude": ["confirm_booking"]}
CONFIRMED: dict[str, Any] = {"tools_include": ["confirm_booking"], "new_status": "confirmed"}


def hotel(name: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": name, "check_in": check_in, "check_out": check_out}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ pick_whichever_attribute
    (
        "pick_whichever_attribute",
        dialogue(
            "miami to madrid dec 10",
            ("whichever one's direct", HELD),
            "yes pls",
            segments=[flight_segment("IB 4", "MIA", "MAD", "2026-12-10")],
            **CONFIRMED,
        ),
    ),
    (
        "pick_whichever_attribute",
        dialogue(
            "New York to Madrid on Sat 12 Dec",
            "just grab whichever flies direct",
            segments=[flight_segment("UA 29", "EWR", "MAD", "2026-12-12")],
            **HELD,
        ),
    ),
    (
        "pick_whichever_attribute",
        dialogue(
            "ny to london dec 16",
            "book whichevers non-stop",
            user="gus",
            segments=[flight_segment("UA 27", "EWR", "LHR", "2026-12-16")],
            **HELD,
        ),
    ),
    (
        "pick_whichever_attribute",
        dialogue(
            "LGA to Miami dec 18",
            "whichever is nonstop and allowed",
            user="mia",
            new_bookings=0,
            reply_contains_any=[["AA 1199", "21:40"], ["DL 1169", "06:05"]],
        ),
    ),
    # ------------------------------------------------------------ best_among_filtered
    (
        "best_among_filtered",
        dialogue(
            "please book the cheapest nonstop from chicago to paris on 16 Dec",
            segments=[flight_segment("AA 10", "ORD", "CDG", "2026-12-16")],
            **HELD,
        ),
    ),
    (
        "best_among_filtered",
        dialogue(
            "can u book the later of the two direct flights boston to paris 17/12",
            user="fin",
            # (corrected after the first try: the direct-only search this asks for shows
            # three nonstops, not the two of the default list — DL 15 at 22:10 is the latest)
            segments=[flight_segment("DL 15", "BOS", "CDG", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "best_among_filtered",
        dialogue(
            "Book the cheapest United nonstop SFO to New York, Dec 15th",
            user="victor",
            segments=[flight_segment("UA 1152", "SFO", "JFK", "2026-12-15")],
            **HELD,
        ),
    ),
    (
        "best_among_filtered",
        dialogue(
            "I want the earlier of the 2 nonstops from Boston to London on the 15th, book it",
            ("yep", CONFIRMED),
            # (corrected after the first try: the direct-only search shows BA 3 at 16:45
            # too, the earliest of the nonstops; the default list had only DL 21 and B6 9)
            segments=[flight_segment("BA 3", "BOS", "LHR", "2026-12-15")],
        ),
    ),
    # ------------------------------------------------------------ flight_and_hotel_pick
    (
        "flight_and_hotel_pick",
        dialogue(
            "flight to atlanta on the 14th and a hotel until the 16th",
            "the 2pm JetBlue and the Radisson",
            segments=[
                flight_segment("B6 1006", "JFK", "ATL", "2026-12-14"),
                hotel("Radisson Blu Atlanta Downtown", "2026-12-14", "2026-12-16"),
            ],
            **HELD,
        ),
    ),
    (
        "flight_and_hotel_pick",
        dialogue(
            "London to Madrid 17/12 + hotel for 2 nights",
            "the Iberia flight + the Marriott pls",
            user="fin",
            segments=[
                flight_segment("IB 1015", "LGW", "MAD", "2026-12-17"),
                hotel("Marriott Madrid Castellana", "2026-12-17", "2026-12-19"),
            ],
            **HELD,
        ),
    ),
    (
        "flight_and_hotel_pick",
        dialogue(
            "chicago dec 11, hotel too, back the 13th",
            "jetblue at 4:25pm and the marriott",
            user="mia",
            # (corrected after the first try: the return was asked for, "back the 13th", so
            # both picks are taken and the flight back asked before anything is held)
            new_bookings=0,
            reply_contains=["B6 1057", "Marriott Chicago Magnificent Mile"],
            reply_contains_any=[["return", "back"]],
        ),
    ),
    (
        "flight_and_hotel_pick",
        dialogue(
            "flying to paris on dec 10 and need a hotel there till the 12th",
            "The Hilton, and the 5:10pm delta flight",
            ("yes", CONFIRMED),
            segments=[
                flight_segment("DL 26", "JFK", "CDG", "2026-12-10"),
                hotel("Hilton Paris Montparnasse", "2026-12-10", "2026-12-12"),
            ],
        ),
    ),
    (
        # (added after the first try, with the fix: a flight named that isn't shown is said
        # and asked, the hotel kept — never the hotel held alone)
        "flight_and_hotel_pick",
        dialogue(
            "flight to atlanta on the 14th and a hotel until the 16th",
            ("the 7:30 delta flight + the novotel", {"new_bookings": 0}),
            "ah ok, the 2pm jetblue then",
            segments=[
                flight_segment("B6 1006", "JFK", "ATL", "2026-12-14"),
                hotel("Novotel Atlanta Buckhead", "2026-12-14", "2026-12-16"),
            ],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ round_trip_pick_go_come_back
    (
        "round_trip_pick_go_come_back",
        dialogue(
            "boston to chicago 9th dec, back 11th",
            "the 1:50 delta going and the 6:05 american coming back",
            segments=[
                flight_segment("DL 1071", "BOS", "ORD", "2026-12-09"),
                flight_segment("AA 1050", "ORD", "BOS", "2026-12-11"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_pick_go_come_back",
        dialogue(
            "Madrid to London 14 Dec returning 16 Dec",
            "2nd one for going, 4.15pm BA for coming back",
            ("yes ok", CONFIRMED),
            user="fin",
            segments=[
                flight_segment("BA 1046", "MAD", "LHR", "2026-12-14"),
                flight_segment("BA 1047", "LHR", "MAD", "2026-12-16"),
            ],
        ),
    ),
    (
        "round_trip_pick_go_come_back",
        dialogue(
            "ORD to SFO on the 14th, returning the 18th",
            "going out the first one, coming home the american",
            user="gus",
            segments=[
                flight_segment("UA 1187", "ORD", "SFO", "2026-12-14"),
                flight_segment("AA 1226", "SFO", "ORD", "2026-12-18"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_pick_go_come_back",
        dialogue(
            "London to Dublin on 11 Dec, coming back 13 Dec",
            "for the way there the 17:55 BA, for the way home the first option",
            user="fin",
            segments=[
                flight_segment("BA 1022", "LHR", "DUB", "2026-12-11"),
                flight_segment("EI 1019", "DUB", "LHR", "2026-12-13"),
            ],
            **HELD,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g34f_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
