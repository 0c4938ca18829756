"""Guards for the held-out gaps of batch 51 closed by b51a (now = Tue 1 Dec 2026, world
``trips``: Ava's confirmed London trip BK, BA 19 JFK→LHR Mon 14 Dec 22:30 (581.50),
Holiday Inn Express London Tower Bridge 15–18 Dec (585.00, 3 nights), BA 18 LHR→JFK Fri
18 Dec 08:45 (778.40), 1,944.90 in all and fully refundable today; her DL 15 BOS→CDG Thu
3 Dec (732.10) waiting for Mia Chen's approval).

Mechanisms: the cost of one part of a booked trip — the hotel alone, the flight home or
out, each flight on its own line, a flight by its day, the stay per night — is answered
from the booking's segments (trip_answers ``_part_cost``/``_cost_parts``; "rate", "per
night" are cost cues and "how much was the hotel …" a price paid, one's own booking,
asks.yaml); a question naming only another part after a trip question ("… cost? And the
one out?") asks the same of it (several ``_read_after``); "paris flight - who's it
waiting on?" takes its booking up by "it" (intents ``_IT_ASKED``); "if I cancelled … today"
is when one cancels, not the trip's day (trips ``trip_ask``); "is anything on my trips
still outstanding?" lists the trips with whose approval each pending one waits on
(asks.yaml ``open_steps``, trips ``_pending_read``, trip_answers ``open_steps``); "what
flight am I on 12/18?" is the flight of that day (trip_answers ``_flight``).

Every phrasing here was written before it was run (the held-out cases themselves are in
tests/concierge/heldout/batch_51.yaml). First try (pytest -q -n 0
tests/concierge/test_planner_b51a.py, 14:07 UTC): 10/12. Then fixed: "what's the room rate
for my london stay?" gave the stay's price, not per night (a stay's "rate" is per night,
trip_answers ``_PER_NIGHT``); "paris trip — who's it stuck with?" was a flight search (a
booking named before an em dash, intents ``_PLACE_NAMED_BOOKING``; "who's it stuck" a status
cue, asks.yaml). 12/12.
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("trips")

T: dict[str, Any] = {
    "world": "trips",
    "nothing_changed": True,
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "cancel_booking"],
}

CASES: list[tuple[str, Case]] = [
    (
        "part_cost",
        dialogue("what was the price of my London hotel by itself?", reply_contains="585.00", **T),
    ),
    (
        "part_cost",
        dialogue(
            "how much did my outbound flight to London cost?",
            reply_contains="581.50",
            reply_not_contains="1,359.90",
            **T,
        ),
    ),
    (
        "part_cost",
        dialogue(
            "what did each of my london flights cost?",
            reply_contains=["581.50", "778.40"],
            **T,
        ),
    ),
    (
        "part_cost",
        dialogue(
            "how much per night is the hotel I'm booked into in London?",
            reply_contains="195.00",
            **T,
        ),
    ),
    (
        "part_cost",
        dialogue("what's the room rate for my london stay?", reply_contains="195", **T),
    ),
    (
        "part_cost",
        dialogue(
            "How much was my London hotel? And the flight back?",
            reply_contains=["585.00", "778.40"],
            **T,
        ),
    ),
    (
        "part_cost",
        dialogue("how much was my flight on the 18th?", reply_contains="778.40", **T),
    ),
    (
        "own_trip_misread",
        dialogue("paris trip — who's it stuck with?", reply_contains="Mia", **T),
    ),
    (
        "own_trip_misread",
        dialogue(
            "if I were to cancel paris tomorrow would I lose anything?",
            pending="none",
            reply_contains_any=[["Nothing has been paid", "wouldn't lose", "nothing paid"]],
            **T,
        ),
    ),
    (
        "own_trip_misread",
        dialogue(
            "what would I get back if I cancelled my London booking right now?",
            pending="none",
            reply_contains_any=[["1,944.90", "full refund"]],
            **T,
        ),
    ),
    (
        "waiting_on",
        dialogue("anything pending on my trips?", reply_contains=["Mia", "Paris"], **T),
    ),
    (
        "trip_by_date",
        dialogue("what flight am I on 18/12?", reply_contains=["BA 18", "08:45"], **T),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_b51a_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
