"""A pick must fit every detail it names, or ask — never silently take another option.

"the 22:30 British Airways one" once held the cheaper British Airways flight of another
time: the time and the carrier were read as two separate picks and the second overwrote
the first. These tests name options by time and carrier in other words (12-hour
clocks, spoken times, carrier by name or by code) on a list with two flights of one
carrier, and check that the one held is the one meant — or that the concierge asks.
"""

from __future__ import annotations

from typing import Any

import pytest

from concierge.planner.flows.options import pick
from concierge.planner.nlu import picks
from tests.concierge.planner_kit import Dialogue, FakeBackend
from tests.concierge.test_planner_picks import ROUND_TRIP, held, reserved, round_trip


def _flight(option: int, number: str, carrier: str, clock: str, price: str) -> dict[str, Any]:
    return {
        "option": option,
        "offer_id": f"FL-{option}",
        "flights": [number],
        "carrier": carrier,
        "depart": f"2026-12-15T{clock}:00-05:00",
        "total": {"amount": price, "currency": "USD"},
        "policy": {"status": "green"},
    }


# Two British Airways flights, cheaper one first (as the search lists them).
SHOWN = [
    _flight(1, "BA 17", "British Airways", "16:45", "520.00"),
    _flight(2, "AA 100", "American Airlines", "18:10", "560.00"),
    _flight(3, "BA 19", "British Airways", "22:30", "581.50"),
    _flight(4, "VS 3", "Virgin Atlantic", "10:30", "610.00"),
]


def _one(text: str) -> picks.OptionRef:
    refs = picks.read(text)
    assert len(refs) == 1, refs
    return refs[0]


@pytest.mark.parametrize(
    "text",
    [
        "The 22:30 British Airways one, please.",
        "the 10:30pm BA flight",
        "the 10.30 pm British Airways one please",
        "I'll take the BA one at 22:30",
        "the British Airways one at half ten",
        "the half ten BA flight",
        "the BA one that leaves at half past ten at night",
    ],
)
def test_time_and_carrier_pick_the_flight_with_both(text: str) -> None:
    chosen = pick(SHOWN, _one(text))
    assert isinstance(chosen, dict), chosen
    assert chosen["flights"] == ["BA 19"]


@pytest.mark.parametrize(
    "text",
    [
        "the 18:10 British Airways one",
        "the 6:10pm BA flight",
        "the American one at 22:30",
        "the Virgin one at half ten at night",
    ],
)
def test_time_and_carrier_that_fit_no_single_option_ask(text: str) -> None:
    answer = pick(SHOWN, _one(text))
    assert isinstance(answer, str), answer
    assert "which one" in answer.lower()


def test_number_and_carrier_that_disagree_ask() -> None:
    ref = picks.OptionRef(index=1, carrier="AA")
    assert isinstance(pick(SHOWN, ref), str)
    assert pick(SHOWN, picks.OptionRef(index=2, carrier="AA"))["flights"] == ["AA 100"]  # type: ignore[index]


def test_spoken_times_are_read_as_clocks() -> None:
    assert _one("the one that leaves at ten at night").clock == "22:00"
    assert _one("the seven in the morning one").clock == "07:00"
    assert _one("the quarter to eleven flight").clock == "10:45"
    half = _one("the half ten one")
    assert (half.clock, half.either_half) == ("10:30", True)
    # A morning half ten exists: it wins over the evening one.
    assert pick(SHOWN, half)["flights"] == ["VS 3"]  # type: ignore[index]


def test_a_time_wish_in_a_request_names_no_option() -> None:
    assert picks.read("something leaving at nine in the morning please") == []
    assert picks.read("two of us, after 6pm") == []


def test_cheapest_of_a_carrier() -> None:
    ref = _one("the cheapest BA one")
    assert (ref.best, ref.carrier) == ("cheapest", "BA")
    assert pick(SHOWN, ref)["flights"] == ["BA 17"]  # type: ignore[index]


# --- through the dialogue: the fake backend lists BA 07:05, AA 10:05, VS 13:05, DL 16:05


def dialogue() -> Dialogue:
    return Dialogue(backend=FakeBackend(distinct_returns=True, real_segments=True))


async def test_dialogue_time_and_carrier_hold_that_flight() -> None:
    d = dialogue()
    await round_trip(d, ROUND_TRIP)
    reply = await d.say("the 7:05am British Airways one out and the Delta one at 2pm back")
    assert reply == "<confirm confirm_booking>"
    assert held(d) == ["FL-101", "FL-203"]


async def test_dialogue_time_of_another_carrier_asks_and_holds_nothing() -> None:
    d = dialogue()
    await d.say("JFK to London Dec 18, one way")
    reply = await d.say("the 10:05 BA one please")
    assert not reserved(d), reply
    assert "which one" in reply.lower()
