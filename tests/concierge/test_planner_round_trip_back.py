"""A round trip said as a way there and a way *back to* where it starts (issue 10;
now = Tue 1 Dec 2026 09:00 UTC, ava lives in New York).

"to chicago on the 9th and back to new york on the 11th" was read, after the multi-city
reader learnt that a first leg naming only where it goes leaves from home, as two legs
of an itinerary ("Leg 1 / Leg 2") rather than out and back; and "london on the 14th,
returning to new york on the 18th" flew from London to New York and back. The place the
way back goes to is where the trip starts; someone *in* a place going back home is one
flight.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")


def _out_and_back(there: str, out: str, back: str) -> list[dict[str, object]]:
    return [
        {
            "tool": "search_flights",
            "args": {"origin": "New York", "destination": there, "date": out},
        },
        {
            "tool": "search_flights",
            "args": {"origin": there, "destination": "New York", "date": back, "leg": "return"},
        },
    ]


@pytest.mark.parametrize(
    ("text", "there", "out", "back"),
    [
        (
            "flights to chicago on the 9th and back to new york on the 11th",
            "Chicago",
            "2026-12-09",
            "2026-12-11",
        ),
        ("fly to boston dec 9, back to nyc dec 11", "Boston", "2026-12-09", "2026-12-11"),
        (
            "london on the 14th, returning to new york on the 18th",
            "London",
            "2026-12-14",
            "2026-12-18",
        ),
        ("Paris dec 10, back to JFK dec 13", "Paris", "2026-12-10", "2026-12-13"),
        (
            "need to get to Atlanta on the 15th and fly back to new york the 17th",
            "Atlanta",
            "2026-12-15",
            "2026-12-17",
        ),
    ],
)
async def test_a_way_back_to_the_start_is_a_round_trip(
    text: str, there: str, out: str, back: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(text, calls=_out_and_back(there, out, back), reply_not_contains="Leg 1")
    await runs_as_expected(case, worlds, tmp_path)


async def test_someone_in_a_place_going_back_home_is_one_flight(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "I'm in London and need to get back to Boston on the 18th",
        calls=[
            {
                "tool": "search_flights",
                "args": {"origin": "London", "destination": "Boston", "date": "2026-12-18"},
            }
        ],
        tools_exclude=["search_hotels"],
    )
    await runs_as_expected(case, worlds, tmp_path)


async def test_a_chain_that_ends_at_home_stays_an_itinerary(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "london on the 14th then paris on the 17th and back to new york on the 20th",
        calls=[
            {"tool": "search_flights", "args": {"destination": "London", "date": "2026-12-14"}},
            {
                "tool": "search_flights",
                "args": {"origin": "London", "destination": "Paris", "date": "2026-12-17"},
            },
            {
                "tool": "search_flights",
                "args": {"origin": "Paris", "destination": "New York", "date": "2026-12-20"},
            },
        ],
    )
    await runs_as_expected(case, worlds, tmp_path)
