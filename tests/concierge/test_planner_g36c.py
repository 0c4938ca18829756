"""Guards for the held-out gaps of batches 82 and 83 closed by g36c (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``, and ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec, Holiday
Inn Express London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec — and her Boston→Paris DL 15
on Thu 3 Dec waiting for approval).

Kinds: a pick by airline (and maybe time) that none of the listed flights matches — the list was
searched from the home airport, the airline flies from another airport of the same city — holds
that airline's flight (with the seats searched) instead of asking for a number again; "what's the
difference between the two <airline> ones?" answers about both, and "the earlier / cheaper one"
after it picks between those two; at a round trip, "2nd out, ... back" is option 2 out, not a
flight on 2 Dec; a long polite e-mail yes ("Yes, please go ahead and book it — thank you very
much!") confirms the hold; a question about travel insurance gets an honest "we don't sell
insurance", not a flight search.

Every phrasing was written before reading the planner code for these gaps; the flights were
checked with search_flights itself (e.g. United New York→Miami on 8 Dec: UA 1105 EWR 06:05, the
only nonstop; Delta New York→Chicago: DL 1171 LGA 08:55).
First try (pytest -q -n 2 tests/concierge/test_planner_g36c.py, 18:45 UTC, main at 2859b89):
3/21 — airline_off_the_list 0/5, two_of_an_airline 0/4, ordinal_out_at_round_trip 0/4,
polite_email_yes 3/4, insurance_not_sold 0/4. After g36c's fix: 12/21 (19:25 UTC); the
airline off the list and the two of an airline compared stay known gaps.
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

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
CONFIRMED: dict[str, Any] = {"new_bookings": 1, "new_status": "confirmed", "pending": "none"}
ASKS = {"pending": "confirm_booking"}
NO_BOOKING = {"new_bookings": 0, "tools_exclude": ["reserve"]}
HONEST: dict[str, Any] = {
    "tools_exclude": ["reserve", "confirm_booking", "cancel_booking", "search_flights"],
    "nothing_changed": True,
    "reply_contains": ["insurance"],
}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ airline_off_the_list
    (
        "airline_off_the_list",
        dialogue(
            "miami 8 dec",
            "the united flight pls",
            segments=[flight_segment("UA 1105", "EWR", "MIA", "2026-12-08")],
            **HELD,
        ),
    ),
    (
        "airline_off_the_list",
        dialogue(
            "chicago on the 17th",
            "I'd rather take the 8:55 Delta",
            user="victor",
            segments=[flight_segment("DL 1171", "LGA", "ORD", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "airline_off_the_list",
        dialogue(
            "boston friday 11th",
            "the 11:05 united one",
            segments=[flight_segment("UA 1024", "EWR", "BOS", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "airline_off_the_list",
        dialogue(
            "london tue 15th",
            "can i get the united at 4:50pm",
            user="mia",
            segments=[flight_segment("UA 25", "EWR", "LHR", "2026-12-15")],
            **HELD,
        ),
    ),
    (
        "airline_off_the_list",
        dialogue(
            "me and Liam Chen to atlanta on the 10th",
            "the 6:05 united",
            segments=[flight_segment("UA 1006", "EWR", "ATL", "2026-12-10", passengers=2)],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ two_of_an_airline
    (
        "two_of_an_airline",
        dialogue(
            "boston friday 11th",
            (
                "what's the difference between the two jetblue flights?",
                {**NO_BOOKING, "reply_contains": ["18:20", "09:15"]},
            ),
            "fine, the later one",
            segments=[flight_segment("B6 1024", "JFK", "BOS", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "two_of_an_airline",
        dialogue(
            "boston friday 11th",
            ("compare the 2 american ones for me", {**NO_BOOKING, "reply_contains": ["05:40", "15:05"]}),
            "the cheaper one then",
            user="victor",
            segments=[flight_segment("AA 1038", "JFK", "BOS", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "two_of_an_airline",
        dialogue(
            "miami 8 dec",
            ("how are the two jetblue options different", {**NO_BOOKING, "reply_contains": ["21:35", "06:15"]}),
            "ok the morning one",
            segments=[flight_segment("B6 1053", "JFK", "MIA", "2026-12-08")],
            **HELD,
        ),
    ),
    (
        "two_of_an_airline",
        dialogue(
            "san francisco dec 16",
            ("diff between both deltas?", {**NO_BOOKING, "reply_contains": ["06:10", "21:30"]}),
            "go with the earlier one",
            user="mia",
            segments=[flight_segment("DL 1147", "JFK", "SFO", "2026-12-16")],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ ordinal_out_at_round_trip
    (
        "ordinal_out_at_round_trip",
        dialogue(
            "jfk to miami tue 8th, back fri 11th",
            "2nd out, the cheapest back",
            segments=[
                flight_segment("B6 1055", "JFK", "MIA", "2026-12-08"),
                flight_segment("B6 1056", "MIA", "JFK", "2026-12-11"),
            ],
            **HELD,
        ),
    ),
    (
        "ordinal_out_at_round_trip",
        dialogue(
            "boston to chicago 14th returning 17th",
            "3rd out, the united nonstop back",
            segments=[
                flight_segment("DL 1071", "BOS", "ORD", "2026-12-14"),
                flight_segment("UA 1028", "ORD", "BOS", "2026-12-17"),
            ],
            **HELD,
        ),
    ),
    (
        "ordinal_out_at_round_trip",
        dialogue(
            "LHR to Dublin on the 10th, return on the 12th",
            "1st out, the 10:05 BA back",
            user="victor",
            segments=[
                flight_segment("EI 1018", "LHR", "DUB", "2026-12-10"),
                flight_segment("BA 1019", "DUB", "LHR", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    (
        "ordinal_out_at_round_trip",
        dialogue(
            "jfk to miami tue 8th, back fri 11th",
            "4th going, the delta coming back",
            segments=[
                flight_segment("B6 1053", "JFK", "MIA", "2026-12-08"),
                flight_segment("DL 1142", "MIA", "JFK", "2026-12-11"),
            ],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ polite_email_yes
    (
        "polite_email_yes",
        dialogue(
            "boston friday 11th",
            ("the 2nd one", ASKS),
            "Yes please, go ahead and confirm it – many thanks!",
            segments=[flight_segment("B6 1024", "JFK", "BOS", "2026-12-11")],
            **CONFIRMED,
        ),
    ),
    (
        "polite_email_yes",
        dialogue(
            "San Francisco on 16 December, please",
            ("The first option would be ideal.", ASKS),
            "That's perfect — yes, please book it. Thanks so much for your help!",
            user="victor",
            segments=[flight_segment("AA 1175", "JFK", "SFO", "2026-12-16")],
            **CONFIRMED,
        ),
    ),
    (
        "polite_email_yes",
        dialogue(
            "Miami on 8 December",
            ("Option 3, please.", ASKS),
            "Yes — please proceed with the booking. Thank you!",
            segments=[flight_segment("DL 1141", "JFK", "MIA", "2026-12-08")],
            **CONFIRMED,
        ),
    ),
    (
        "polite_email_yes",
        dialogue(
            "Chicago on the 17th",
            ("I'll take the United one.", ASKS),
            "Yes, please go ahead. Thank you very much for your help, much appreciated.",
            user="mia",
            segments=[flight_segment("UA 1149", "JFK", "ORD", "2026-12-17")],
            **CONFIRMED,
        ),
    ),
    # ------------------------------------------------------------ insurance_not_sold
    (
        "insurance_not_sold",
        dialogue("can you add travel insurance to my booking?", world="trips", **HONEST),
    ),
    (
        "insurance_not_sold",
        dialogue(
            "I'd like trip cancellation insurance for the Paris flight please",
            world="trips",
            **HONEST,
        ),
    ),
    (
        "insurance_not_sold",
        dialogue("do u guys sell travel insurance", user="victor", **HONEST),
    ),
    (
        "insurance_not_sold",
        dialogue(
            "need insurance cover for my london trip, medical + baggage",
            world="trips",
            **HONEST,
        ),
    ),
]

GAPS: set[int] = {0, 1, 2, 3, 4, 5, 6, 7, 8}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g36c_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
