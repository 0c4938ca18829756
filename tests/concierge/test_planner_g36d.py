"""Guards for batch 84's whole-trip picks and what follows them, closed by g36d (now = Tue 1 Dec
2026 09:00 UTC; world ``empty``, Ava flies from JFK/New York).

Kinds: a round trip picked leg by leg with a superlative or a feature ("the earliest out and the
nonstop back", "cheapest allowed both ways", "the latest going, the earliest coming home") holds
both flights; flights and a hotel picked in one message ("second flight each way and the
Marriott") hold all three; "is all of that within policy?" right after such a hold answers for
what is held (green, or which part needs approval), not with the whole policy; "go ahead, all of
it" at the confirmation confirms everything held; "same for my colleague <Name>" at the
confirmation re-holds the same flights with two seats and asks again.

Every phrasing was written before reading the planner code for these gaps; the flights and
hotels were checked with the real search tools on a copy of the empty world (BOS→SFO 8 Dec:
DL 1075 05:50 cheapest and earliest, B6 1038 the one SFO→BOS nonstop on the 11th; New
York→Chicago 10 Dec: 1st DL 1171, 2nd AA 1171 06:05 earliest, 3rd UA 1171 21:30 latest;
Chicago→New York 12 Dec: 1st AA 1140 05:40 earliest and cheapest, 2nd UA 1170; Chicago 10–12:
citizenM O'Hare, Marriott Magnificent Mile green, Sofitel The Loop amber; New York→Miami 9 Dec:
cheapest green DL 1141 (Spirit red), Miami→New York 11 Dec: cheapest green B6 1056; Miami 9–11:
Hyatt Regency South Beach green).
First try (pytest -q -n 2 tests/concierge/test_planner_g36d.py, 18:43 UTC, main at 2859b89):
6/17 — round_trip_attr_pick 3/4 ("cheapest going, nonstop coming back" held nothing),
flights_and_hotel_pick 1/3 ("first flights both ways"/"second flight each way" with a hotel held
nothing), policy_of_the_hold 1/3 (the whole policy quoted, or nothing held), confirm_all_of_it 0/4
(three held nothing at the pick; "ok go ahead with both of them" proposed a cancel),
same_for_colleague 1/3 ("same for my coworker Liam Chen", "book the same for Priya Shah as well"
did nothing).
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

HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
CONFIRMED: dict[str, Any] = {"new_status": "confirmed", "pending": "none"}
ASKS = {"pending": "confirm_booking"}
GREEN = [["within policy", "in policy", "green", "compliant"]]

CHI_OUT = flight_segment("DL 1171", "LGA", "ORD", "2026-12-10")
CHI_BACK = flight_segment("AA 1140", "ORD", "EWR", "2026-12-12")
CITIZENM = {
    "kind": "hotel",
    "hotel": "citizenM Chicago O'Hare",
    "check_in": "2026-12-10",
    "check_out": "2026-12-12",
}
CHI_TRIP = "New York to Chicago 10–12 Dec, flights and a hotel"

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ round_trip_attr_pick
    (
        "round_trip_attr_pick",
        dialogue(
            "Boston to SF on the 8th, returning the 11th",
            "cheapest going, nonstop coming back",
            segments=[
                flight_segment("DL 1075", "BOS", "SFO", "2026-12-08"),
                flight_segment("B6 1038", "SFO", "BOS", "2026-12-11"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_attr_pick",
        dialogue(
            "nyc to miami dec 9 back dec 11",
            "cheapest in-policy one each way pls",
            segments=[
                flight_segment("DL 1141", "JFK", "MIA", "2026-12-09"),
                flight_segment("B6 1056", "MIA", "JFK", "2026-12-11"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_attr_pick",
        dialogue(
            "New York to Chicago on the 10th, back on the 12th",
            "the earliest flight both ways",
            segments=[
                flight_segment("AA 1171", "JFK", "ORD", "2026-12-10"),
                flight_segment("AA 1140", "ORD", "EWR", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_attr_pick",
        dialogue(
            "i need new york to chicago the tenth and back the twelfth",
            "the latest one going and the earliest one coming home",
            segments=[
                flight_segment("UA 1171", "LGA", "ORD", "2026-12-10"),
                flight_segment("AA 1140", "ORD", "EWR", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ flights_and_hotel_pick
    (
        "flights_and_hotel_pick",
        dialogue(
            CHI_TRIP,
            "second flight each way and the Marriott",
            segments=[
                flight_segment("AA 1171", "JFK", "ORD", "2026-12-10"),
                flight_segment("UA 1170", "ORD", "LGA", "2026-12-12"),
                {
                    "kind": "hotel",
                    "hotel": "Marriott Chicago Magnificent Mile",
                    "check_in": "2026-12-10",
                    "check_out": "2026-12-12",
                },
            ],
            **HELD,
        ),
    ),
    (
        "flights_and_hotel_pick",
        dialogue(
            "Miami from New York, 9 to 11 December, with a hotel please",
            "the cheapest allowed flight each way, plus the Hyatt",
            segments=[
                flight_segment("DL 1141", "JFK", "MIA", "2026-12-09"),
                flight_segment("B6 1056", "MIA", "JFK", "2026-12-11"),
                {
                    "kind": "hotel",
                    "hotel": "Hyatt Regency Miami South Beach",
                    "check_in": "2026-12-09",
                    "check_out": "2026-12-11",
                },
            ],
            **HELD,
        ),
    ),
    (
        "flights_and_hotel_pick",
        dialogue(
            CHI_TRIP,
            "the citizenM and the first flights both ways",
            segments=[CHI_OUT, CHI_BACK, CITIZENM],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ policy_of_the_hold
    (
        "policy_of_the_hold",
        dialogue(
            CHI_TRIP,
            ("first flight each way and the citizenM", {"segments": [CHI_OUT, CHI_BACK, CITIZENM]}),
            "all of this in policy?",
            reply_contains_any=GREEN,
            reply_not_contains=["amber", "out of policy", "# Acme"],
            tools_exclude=["confirm_booking"],
            new_status="held",
        ),
    ),
    (
        "policy_of_the_hold",
        dialogue(
            CHI_TRIP,
            ("option 1 both ways and option 1 for the hotel", ASKS),
            "Before I say yes — are these compliant with our travel policy?",
            reply_contains_any=GREEN,
            reply_not_contains=["amber", "out of policy", "# Acme"],
            tools_exclude=["confirm_booking"],
            new_status="held",
        ),
    ),
    (
        "policy_of_the_hold",
        dialogue(
            CHI_TRIP,
            ("first flight each way and the Sofitel", ASKS),
            "is everything there within policy?",
            reply_contains_any=[["amber", "approval", "approve"]],
            reply_not_contains=["# Acme"],
            tools_exclude=["confirm_booking"],
        ),
    ),
    # ------------------------------------------------------------ confirm_all_of_it
    (
        "confirm_all_of_it",
        dialogue(
            CHI_TRIP,
            ("first flight each way and the citizenM", ASKS),
            "yes book all of it",
            segments=[CHI_OUT, CHI_BACK, CITIZENM],
            **CONFIRMED,
        ),
    ),
    (
        "confirm_all_of_it",
        dialogue(
            CHI_TRIP,
            ("first flight each way and the citizenM", ASKS),
            "Please confirm the whole lot, thanks.",
            segments=[CHI_OUT, CHI_BACK, CITIZENM],
            **CONFIRMED,
        ),
    ),
    (
        "confirm_all_of_it",
        dialogue(
            CHI_TRIP,
            ("first flight each way and the citizenM", ASKS),
            "go for it, everything",
            segments=[CHI_OUT, CHI_BACK, CITIZENM],
            **CONFIRMED,
        ),
    ),
    (
        "confirm_all_of_it",
        dialogue(
            "New York to Chicago on the 10th, back on the 12th",
            ("option 1 both ways", ASKS),
            "ok go ahead with both of them",
            segments=[CHI_OUT, CHI_BACK],
            **CONFIRMED,
        ),
    ),
    # ------------------------------------------------------------ same_for_colleague
    (
        "same_for_colleague",
        dialogue(
            "New York to Chicago on the 10th, back on the 12th",
            ("option 1 both ways", ASKS),
            "my colleague Daniel Okoro is coming too, same flights for him",
            segments=[
                flight_segment("DL 1171", "LGA", "ORD", "2026-12-10", passengers=2),
                flight_segment("AA 1140", "ORD", "EWR", "2026-12-12", passengers=2),
            ],
            not_new_status="confirmed",
            pending="confirm_booking",
        ),
    ),
    (
        "same_for_colleague",
        dialogue(
            "jfk to boston dec 10",
            ("first one", ASKS),
            "same for my coworker Liam Chen pls",
            segments=[flight_segment("B6 1024", "JFK", "BOS", "2026-12-10", passengers=2)],
            not_new_status="confirmed",
            pending="confirm_booking",
        ),
    ),
    (
        "same_for_colleague",
        dialogue(
            "Boston to SF on the 8th, returning the 11th",
            ("option 1 out and option 4 back", ASKS),
            "oh and book the same for Priya Shah as well, she's joining me",
            segments=[
                flight_segment("DL 1075", "BOS", "SFO", "2026-12-08", passengers=2),
                flight_segment("B6 1038", "SFO", "BOS", "2026-12-11", passengers=2),
            ],
            not_new_status="confirmed",
            pending="confirm_booking",
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g36d_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
