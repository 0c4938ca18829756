"""Flight numbers as people type them — lower case, with or without the space, codes with
a digit ("ba 18", "ba18", "b6 20", "Dl 15") — read by the one reading every part of the
planner uses (``nlu/flight_numbers.py``): in a change request, a question about a trip,
and the intent of a message. World ``trips``: ava's London trip (BA 19 JFK→LHR Mon 14 Dec,
Holiday Inn Express 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45), her Paris request (DL 15).
Catalogue: LHR→JFK daily BA 18 08:45, DL 40 10:55, B6 20 13:00, AA 22 15:35, BA 20 17:20.

Run once on the unfixed code (main d406461): "b6 1001" read no trip question (its own
pattern took letters only), and "…on b6 20 instead?" found no trip (the change flow's
pattern left a lower-case number not the trip's in the text the trip is matched by).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from concierge.planner.nlu.flight_numbers import flight_numbers, is_flight_number
from concierge.planner.nlu.intents import Intent, understand
from tests.concierge.heldout.harness import (
    Case,
    World,
    dialogue,
    flight_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("trips")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("what time does BA 19 leave", {"BA19"}),
        ("what time does ba 19 leave", {"BA19"}),
        ("ba19 or Dl 15?", {"BA19", "DL15"}),
        ("move me to b6 20", {"B620"}),
        ("UA1187 then ZZ 12", {"UA1187", "ZZ12"}),  # capitals as written, any code
        ("fly on 14 dec at 9", set()),  # no airline's code in lower case
        ("ba 2 nights, aa 10am, at 12:30, 1.5 hours", set()),  # counts and times
        ("is KL 1002 amsterdam on time", {"KL1002"}),
    ],
)
def test_one_reading_of_flight_numbers(text: str, numbers: set[str]) -> None:
    assert flight_numbers(text) == numbers


def test_a_pick_word_is_a_flight_number_only_whole() -> None:
    assert [is_flight_number(w) for w in ("ba 20", "B6 20", "dl15")] == [True, True, True]
    assert [is_flight_number(w) for w in ("on 14", "ba 20 please", "zz 12")] == [False] * 3


@pytest.mark.parametrize(
    "text",
    [
        "what time does b6 1001 leave?",
        "what time does B6 1001 leave?",
        "when does ba19 land",
        "which terminal is Ua 1187 from",
    ],
)
def test_a_question_naming_a_flight_number_asks_about_a_trip(text: str) -> None:
    assert understand(text, NOW).intent == Intent.ASK_TRIP


CASES: list[Case] = [
    # change requests
    dialogue(
        "can you move ba 18 to saturday the 19th?",
        world="trips",
        calls=[flight_search("London", "New York", "2026-12-19")],
        tools_exclude=["rebook", "cancel_booking"],
        nothing_changed=True,
    ),
    dialogue(
        "move my flight home a day later, same ba18 please",
        world="trips",
        calls=[flight_search("London", "New York", "2026-12-19")],
        tools_exclude=["rebook", "cancel_booking"],
        nothing_changed=True,
    ),
    dialogue(
        "can I come home on saturday the 19th on b6 20 instead?",
        world="trips",
        calls=[flight_search("London", "New York", "2026-12-19")],
        tools_exclude=["rebook", "cancel_booking"],
        nothing_changed=True,
        reply_contains="B6 20",
    ),
    dialogue(
        "switch my flight home from ba 18 to b6 20 please",
        world="trips",
        calls=[flight_search("London", "New York", "2026-12-18")],
        tools_exclude=["rebook", "cancel_booking"],
        nothing_changed=True,
        reply_contains="B6 20",
    ),
    # questions about a trip
    dialogue(
        "what time does ba 18 leave?",
        world="trips",
        reply_contains="8:45",
        tools_exclude=["search_flights"],
        nothing_changed=True,
    ),
    dialogue(
        "when does ba19 get in",
        world="trips",
        reply_contains="BA 19",
        tools_exclude=["search_flights"],
        nothing_changed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_flight_numbers_typed_any_way(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
