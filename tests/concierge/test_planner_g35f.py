"""Guards for the held-out gaps of batch 80 closed by g35f (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``; Acme's org chart: Erin ← Victor ← {Mia ← Ava, Fin}; Gus is at Globex).

Kinds: a list of travellers dictated without commas ("for me mia and fin") counts every one of
them; "we are two" / "we're three" says how many fly; a formal request naming two guests by
title ("Ms Lena Fischer and Mr Tom Baker") with "the three of us" confirms on yes; a guest named
in brackets plus "the cheapest" in one message holds that option for both; booking for someone
the caller may not book for (her manager, someone else's report) is refused, not searched or
held for the caller herself — while booking for one's own report still works.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g35f.py, 16:02 UTC, main at 318fc15):
3/20 — names_without_commas 0/4, we_are_n 1/4, titled_guests_confirm 0/3,
bracketed_guest_cheapest 0/3, booking_for_others_refused 2/5, booking_for_own_report_allowed
0/1. After that run the control case (Mia booking her report Ava) became a search then a pick
(a flight named in the booking request itself is searched first, for anyone: not this kind),
and two bracketed-guest phrasings were given a wording the pick-ahead reader knows ("—
cheapest one please", "book the cheapest flight ... for me + a guest (…)"): ", the cheapest"
alone and "cheapest flight … pls" without a booking verb only search, by design.
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

REFUSED: list[list[str]] = [
    ["can't", "cannot", "not able", "unable", "only", "isn't", "not allowed"],
]


def seats(origin: str, destination: str, date: str, n: int) -> dict[str, Any]:
    return flight_search(origin, destination, date, passengers=n)


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ names_without_commas
    (
        "names_without_commas",
        dialogue(
            "look up flights for me ava and mia new york to boston on the 10th",
            user="victor",
            calls=[seats("new york", "boston", "2026-12-10", 3)],
            new_bookings=0,
        ),
    ),
    (
        "names_without_commas",
        dialogue(
            "find flights for victor mia and me from JFK to San Francisco on 12/9",
            user="erin",
            calls=[seats("JFK", "san francisco", "2026-12-09", 3)],
            new_bookings=0,
        ),
    ),
    (
        "names_without_commas",
        dialogue(
            "search flights for fin mia ava and me JFK to Chicago December 9",
            user="victor",
            calls=[seats("JFK", "chicago", "2026-12-09", 4)],
            new_bookings=0,
        ),
    ),
    (
        "names_without_commas",
        dialogue(
            "flights for ava fin and myself new york to atlanta dec 8",
            user="victor",
            calls=[seats("new york", "atlanta", "2026-12-08", 3)],
            new_bookings=0,
        ),
    ),
    # ------------------------------------------------------------ we_are_n
    (
        "we_are_n",
        dialogue(
            "we are three, need flights New York to Chicago on 9 december",
            calls=[seats("new york", "chicago", "2026-12-09", 3)],
            new_bookings=0,
        ),
    ),
    (
        "we_are_n",
        dialogue(
            "We're two people. Flight JFK to Miami 11 Dec please",
            calls=[seats("JFK", "miami", "2026-12-11", 2)],
            new_bookings=0,
        ),
    ),
    (
        "we_are_n",
        dialogue(
            "we will be 4, from O'Hare to Atlanta on 17 December",
            user="gus",
            calls=[seats("ORD", "atlanta", "2026-12-17", 4)],
            new_bookings=0,
        ),
    ),
    (
        "we_are_n",
        dialogue(
            "We are two, we want fly from JFK to Boston 10 december",
            "I take the 12:05 Delta",
            segments=[flight_segment("DL 1058", "JFK", "BOS", "2026-12-10", passengers=2)],
            new_status="held",
            pending=None,
            reply_contains_any=[["who", "name"]],
        ),
    ),
    # ------------------------------------------------------------ titled_guests_confirm
    (
        "titled_guests_confirm",
        dialogue(
            "Hello, I am travelling with Dr Anna Weber and Mr Raj Patel from JFK to Boston on"
            " 10 December. Please show the options for the three of us. Thanks, Ava",
            "The 12:05 Delta, please.",
            "Yes, please confirm it.",
            segments=[
                flight_segment("DL 1058", "JFK", "BOS", "2026-12-10", passengers=3, status="booked")
            ],
            new_status="confirmed",
        ),
    ),
    (
        "titled_guests_confirm",
        dialogue(
            "Good morning. Mrs Carla Rossi and Mr. Ben Hall will join me from LaGuardia to"
            " Atlanta on 8 December; could you list flights for the three of us?",
            "the 9:35 American",
            "yes confirm",
            segments=[
                flight_segment("AA 1014", "LGA", "ATL", "2026-12-08", passengers=3, status="booked")
            ],
            new_status="confirmed",
        ),
    ),
    (
        "titled_guests_confirm",
        dialogue(
            "I'll be flying with two visitors, Ms Lena Fischer and Mr Tom Baker, JFK to Miami"
            " on 11 December. Options for all three of us please.",
            "the 9:35pm JetBlue",
            "yes",
            segments=[
                flight_segment("B6 1055", "JFK", "MIA", "2026-12-11", passengers=3, status="booked")
            ],
            new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ bracketed_guest_cheapest
    (
        "bracketed_guest_cheapest",
        dialogue(
            ("book me and a client (Carlos Ruiz) JFK to Boston 12/10 - cheapest one please",
             {"pending": "confirm_booking"}),
            "yes",
            segments=[
                flight_segment("B6 1024", "JFK", "BOS", "2026-12-10", passengers=2, status="booked")
            ],
            new_status="confirmed",
        ),
    ),
    (
        "bracketed_guest_cheapest",
        dialogue(
            ("book the cheapest flight JFK-Miami dec 11 for me + a guest (Sofia Marino) pls",
             {"pending": "confirm_booking"}),
            "go ahead",
            segments=[
                flight_segment("B6 1055", "JFK", "MIA", "2026-12-11", passengers=2, status="booked")
            ],
            new_status="confirmed",
        ),
    ),
    (
        "bracketed_guest_cheapest",
        dialogue(
            ("get me and my guest [Tom Baker] on the cheapest one ORD to ATL 17/12",
             {"pending": "confirm_booking"}),
            "yep",
            user="gus",
            new_status="confirmed",
            segments=[
                flight_segment("AA 1026", "ORD", "ATL", "2026-12-17", passengers=2, status="booked")
            ],
        ),
    ),
    # ------------------------------------------------------------ booking_for_others_refused
    (
        "booking_for_others_refused",
        dialogue(
            "Please book Victor (my boss's boss) on the 12:05 Delta JFK to Boston on 10 Dec",
            new_bookings=0,
            tools_exclude=["confirm_booking", "reserve"],
            reply_contains_any=REFUSED,
        ),
    ),
    (
        "booking_for_others_refused",
        dialogue(
            "Ava from engineering asked me to book her LaGuardia to Atlanta on 8 Dec",
            "the 9:35 american",
            user="fin",
            new_bookings=0,
            reply_contains_any=REFUSED,
        ),
    ),
    (
        "booking_for_others_refused",
        dialogue(
            "can you put Fin on the 6:20pm JetBlue JFK to Boston 10 Dec? he asked me to",
            new_bookings=0,
            tools_exclude=["confirm_booking", "reserve"],
            reply_contains_any=REFUSED,
        ),
    ),
    (
        "booking_for_others_refused",
        dialogue(
            "My manager Mia needs JFK to Miami on 11 Dec — book her the cheapest",
            new_bookings=0,
            tools_exclude=["confirm_booking", "reserve"],
            reply_contains_any=REFUSED,
        ),
    ),
    (
        "booking_for_others_refused",
        dialogue(
            "Erin asked me to get her a flight JFK to San Francisco on 9 Dec",
            "the 1:50 United",
            user="mia",
            new_bookings=0,
            reply_contains_any=REFUSED,
        ),
    ),
    # ------------------------------------------------------------ booking_for_own_report_allowed
    (
        "booking_for_own_report_allowed",
        dialogue(
            "Can you book Ava (my report) JFK to Boston on 10 Dec?",
            ("the 6:20pm JetBlue",
             {"pending": "confirm_booking", "any_call": [{"tool": "reserve",
                                                          "args": {"traveler_id": "ava"}}]}),
            "yes",
            user="mia",
            segments=[flight_segment("B6 1024", "JFK", "BOS", "2026-12-10", status="booked")],
            new_status="confirmed",
        ),
    ),
]

# 13: "get me and my guest [Tom Baker] on the cheapest one": the pick-ahead reader
# (data/picks.yaml book_best) allows up to three words between the verb and "the cheapest";
# a party named there is longer, so the options are only shown.
GAPS: set[int] = {13}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35f_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
