"""Changes of a booking the planner must tie to the right booking and leg: another flight
asked for right after the yes changes the booking just made (never a second one paid
for beside it), and a new trip, a hotel or a flight home the booking lacks do not."""

from __future__ import annotations

import re
from typing import Any

import pytest

from concierge.planner.flows.lookup import flies_home, with_flight_home
from tests.concierge.planner_kit import Dialogue, FakeBackend, trip
from tools.list_trips import TripOut


async def _booked_london() -> Dialogue:
    d = Dialogue()
    await d.say("flight to London Dec 18")
    await d.say("option 1")  # BA 101, booked as leaving at 08:05
    await d.confirm(True)
    return d


@pytest.mark.parametrize(
    ("message", "day"),
    [
        ("can we push it to the 20th?", "2026-12-20"),
        ("ugh, the meeting moved. could I go on Sunday the 20th instead?", "2026-12-20"),
        ("what about the day after?", "2026-12-19"),
        ("can you move it a day earlier", "2026-12-17"),
    ],
)
async def test_another_day_right_after_booking_changes_that_booking(message: str, day: str) -> None:
    d = await _booked_london()
    reply = await d.say(message)
    assert d.backend.names()[-2:] == ["get_booking", "search_flights"]
    search = d.backend.last("search_flights")
    assert (search["origin"], search["destination"], search["date"]) == ("JFK", "LHR", day)
    assert search["rebooking"] == "BK-TEST01"
    assert "Options to move BA 101" in reply
    assert await d.say("option 2") == "<confirm rebook>"
    assert d.asked("rebook") == {
        "booking_id": "BK-TEST01",
        "segment_id": "SG-0",
        "offer_id": "FL-102",
    }
    assert d.backend.names().count("reserve") == 1  # the first hold only


@pytest.mark.parametrize(
    ("message", "window"),
    [
        ("actually can I get on an earlier flight that same day?", {"depart_before": "08:04"}),
        ("anything later that day?", {"depart_after": "08:06"}),
    ],
)
async def test_another_time_the_same_day_searches_around_the_booked_flight(
    message: str, window: dict[str, str]
) -> None:
    d = await _booked_london()
    await d.say(message)
    search = d.backend.last("search_flights")
    assert search["date"] == "2026-12-18"
    assert search["rebooking"] == "BK-TEST01"
    assert {k: search.get(k) for k in window} == window
    assert "reserve" not in d.backend.names()[3:]


@pytest.mark.parametrize(
    "message",
    [
        "too early, switch me to the 10:05 instead",
        "can you put me on the American one at 10:05 instead?",
    ],
)
async def test_a_flight_named_with_the_change_is_rebooked_in_one_go(message: str) -> None:
    d = await _booked_london()
    reply = await d.say(message)
    assert reply == "<confirm rebook>"
    search = d.backend.last("search_flights")
    assert search["date"] == "2026-12-18"
    assert search["depart_after"] < "10:05" < search["depart_before"]
    assert d.asked("rebook")["offer_id"] == "FL-102"
    assert d.backend.names().count("reserve") == 1


@pytest.mark.parametrize(
    ("message", "tool"),
    [
        ("and a hotel there for 2 nights", "search_hotels"),
        ("now a flight to Paris on the 22nd", "search_flights"),
        ("and a flight back on the 22nd", "search_flights"),
    ],
)
async def test_a_new_trip_a_hotel_or_the_flight_home_is_no_change(message: str, tool: str) -> None:
    d = await _booked_london()
    await d.say(message)
    assert d.backend.names()[-1] == tool
    assert "get_booking" not in d.backend.names()
    assert "rebooking" not in d.backend.last(tool)


def _with_legs(row: dict[str, Any]) -> dict[str, Any]:
    """A ``list_trips`` row with its legs, as the real tool gives them (from the summary)."""
    legs = [
        {"kind": "flight", "what": f"{flight} {a}→{b}", "starts": "", "ends": ""}
        for flight, a, b in re.findall(
            r"\b([A-Z0-9]{2} \d{1,4}) ([A-Z]{3})→([A-Z]{3})", row["summary"]
        )
    ]
    return {**row, "legs": legs}


PARIS_ONE_WAY = _with_legs(
    trip("BK-PAR001", "DL 15 BOS→CDG Thu 3 Dec 22:10", 700, "pending_approval")
)
LONDON_RETURN = _with_legs(
    trip("BK-LON001", "BA 19 JFK→LHR Mon 14 Dec 22:30; BA 18 LHR→JFK Fri 18 Dec 08:45", 1900)
)


def test_a_trip_flies_home_when_a_flight_goes_back_to_home_or_to_where_it_started() -> None:
    home = "New York"
    paris, london = (TripOut.model_validate(t) for t in (PARIS_ONE_WAY, LONDON_RETURN))
    assert not flies_home(paris, home)
    assert flies_home(london, home)
    # Not from the traveller's home, but back to where the trip starts: a flight home too.
    boston = TripOut.model_validate(
        _with_legs(trip("BK-BOS001", "DL 15 BOS→CDG Thu 3 Dec 22:10; AF 8 CDG→BOS Sat 5 Dec", 900))
    )
    assert flies_home(boston, home)
    assert with_flight_home([paris, london], home) == [london]
    assert with_flight_home([paris], home) == [paris]  # none has one: the request says which


@pytest.mark.parametrize(
    "message",
    [
        "move my return flight to the 19th please",
        "move my flight home to Saturday the 19th",
        "can you change my flight back to the 19th",
    ],
)
async def test_a_change_of_the_flight_home_finds_the_trip_that_has_one(message: str) -> None:
    backend = FakeBackend(trips=[PARIS_ONE_WAY, LONDON_RETURN])
    backend.bookings["BK-LON001"] = backend._booking(
        "BK-LON001", "confirmed", [{"offer_id": "FL-101", "quantity": 1}]
    )
    d = Dialogue(backend=backend)
    await d.say(message)
    assert d.backend.names()[:2] == ["list_trips", "get_booking"]
    assert d.backend.last("get_booking") == {"booking_id": "BK-LON001"}


async def test_a_question_about_the_flight_home_is_about_the_trip_that_has_one() -> None:
    backend = FakeBackend(trips=[PARIS_ONE_WAY, LONDON_RETURN])
    backend.bookings["BK-LON001"] = backend._booking(
        "BK-LON001", "confirmed", [{"offer_id": "FL-101", "quantity": 1}]
    )
    d = Dialogue(backend=backend)
    await d.say("what's my flight home?")
    assert d.backend.last("get_booking") == {"booking_id": "BK-LON001"}
