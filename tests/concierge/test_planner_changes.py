"""Changes of a booking the planner must tie to the right booking and leg: another flight
asked for right after the yes changes the booking just made (never a second one paid
for beside it), and a new trip, a hotel or a flight home the booking lacks do not."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from concierge.planner.flows.lookup import flies_home, with_flight_home
from concierge.planner.nlu.answers import Answer, classify
from concierge.planner.nlu.dates import day_part, read_dates
from concierge.planner.nlu.intents import understand
from concierge.planner.nlu.parts import read_part
from tests.concierge.planner_kit import NOW, Dialogue, FakeBackend, trip
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


@pytest.mark.parametrize(
    ("message", "kind", "leg", "only", "kept_kinds"),
    [
        (
            "cancel just the hotel in London please. keep the flights",
            "hotel",
            None,
            True,
            {"flight"},
        ),
        ("could you cancel just the return leg?", "flight", "home", True, set()),
        (
            "drop my flight back from Paris, leave the hotel as it is",
            "flight",
            "home",
            False,
            {"hotel"},
        ),
        ("cancel only the outbound", "flight", "out", True, set()),
        ("cancel the paris flight but keep london as is", "flight", None, False, set()),
        ("cancel my london trip", None, None, False, set()),
    ],
)
def test_the_part_of_a_trip_a_message_names_and_what_it_keeps(
    message: str, kind: str | None, leg: str | None, only: bool, kept_kinds: set[str]
) -> None:
    part = read_part(message)
    assert (part.kind, part.leg, part.only, set(part.kept_kinds)) == (kind, leg, only, kept_kinds)


def test_a_place_said_to_be_kept_is_inside_what_is_kept() -> None:
    text = "cancel the paris flight but keep london as is"
    part = read_part(text)
    assert part.in_kept(text.index("london"))
    assert not part.in_kept(text.index("paris"))


LONDON_FULL = {
    **LONDON_RETURN,
    "legs": [
        LONDON_RETURN["legs"][0],
        {"kind": "hotel", "what": "Hilton, London", "starts": "", "ends": ""},
        LONDON_RETURN["legs"][1],
    ],
}


@pytest.mark.parametrize(
    "message",
    [
        "cancel just the hotel in London please, I'll stay with a friend. keep the flights",
        "I shan't need the flight back from London after all - could you cancel just the return leg?",
        "please cancel only my London hotel",
        "cancel the flights to london but keep the hotel",
    ],
)
async def test_cancelling_part_of_a_booking_cancels_nothing_and_says_why(message: str) -> None:
    d = Dialogue(backend=FakeBackend(trips=[PARIS_ONE_WAY, LONDON_FULL]))
    reply = await d.say(message)
    assert "cancel_booking" not in d.backend.names()
    assert "BK-LON001" in reply
    assert "haven't cancelled anything" in reply


@pytest.mark.parametrize(
    ("message", "booking_id"),
    [
        ("cancel the paris flight but keep london as is", "BK-PAR001"),
        ("keep London, but cancel my Paris flight", "BK-PAR001"),
        ("cancel my london trip", "BK-LON001"),
        ("cancel the whole london booking, hotel and flights", "BK-LON001"),
    ],
)
async def test_a_cancellation_of_a_whole_booking_asks_for_the_yes(
    message: str, booking_id: str
) -> None:
    d = Dialogue(backend=FakeBackend(trips=[PARIS_ONE_WAY, LONDON_FULL]))
    assert await d.say(message) == "<confirm cancel_booking>"
    assert d.asked("cancel_booking") == {"booking_id": booking_id}


@pytest.mark.parametrize(
    ("message", "window"),
    [
        (
            "can I get a later flight home on the 18th? something after 5pm",
            {"depart_after": "17:00"},
        ),
        ("is there an earlier flight back on the 18th, before noon?", {"depart_before": "12:00"}),
    ],
)
async def test_another_time_for_a_booked_leg_with_nothing_planned_here_is_a_change(
    message: str, window: dict[str, str]
) -> None:
    backend = FakeBackend(trips=[PARIS_ONE_WAY, LONDON_RETURN])
    backend.bookings["BK-LON001"] = backend._booking(
        "BK-LON001", "confirmed", [{"offer_id": "FL-101", "quantity": 1}]
    )
    d = Dialogue(backend=backend)
    await d.say(message)
    assert d.backend.names() == ["list_trips", "get_booking", "search_flights"]
    assert d.backend.last("get_booking") == {"booking_id": "BK-LON001"}
    search = d.backend.last("search_flights")
    assert (search["date"], search["rebooking"]) == ("2026-12-18", "BK-LON001")
    assert {k: search.get(k) for k in window} == window


async def test_a_day_moved_of_a_booked_flight_with_nothing_planned_here_is_a_change() -> None:
    backend = FakeBackend(trips=[PARIS_ONE_WAY, LONDON_RETURN])
    backend.bookings["BK-LON001"] = backend._booking(
        "BK-LON001", "confirmed", [{"offer_id": "FL-101", "quantity": 1}]
    )
    d = Dialogue(backend=backend)
    await d.say(
        "The London office wants me a day later. Could I fly out on Saturday the 19th "
        "instead of Friday the 18th?"
    )
    assert d.backend.names() == ["list_trips", "get_booking", "search_flights"]
    search = d.backend.last("search_flights")
    assert (search["date"], search["rebooking"]) == ("2026-12-19", "BK-LON001")
    assert "reserve" not in d.backend.names()


@pytest.mark.parametrize(
    "message",
    [
        "Now I need to get back on the 22nd, late afternoon or evening.",
        "and I'll fly home on Tuesday the 22nd",
    ],
)
async def test_the_flight_back_after_a_booked_way_there_searches_the_return_only(
    message: str,
) -> None:
    d = await _booked_london()
    before = len(d.backend.names())
    await d.say(message)
    searched = d.backend.names()[before:]
    assert searched == ["search_flights"]
    search = d.backend.last("search_flights")
    assert (search["origin"], search["date"], search.get("leg")) == (
        "London",
        "2026-12-22",
        "return",
    )
    assert "rebooking" not in search


def test_parts_of_the_day_offered_as_alternatives_span_them_all() -> None:
    assert day_part("late afternoon or evening") == ("15:00", None)
    assert day_part("late morning or lunchtime") == ("09:00", "14:00")
    assert day_part("late afternoon") == ("15:00", "18:00")
    assert day_part("first thing in the morning") == (None, "09:00")


@pytest.mark.parametrize(
    ("text", "day", "corrected"),
    [
        ("Could I fly out on Tuesday the 15th instead of Monday the 14th?", 15, 14),
        ("the 12th rather than Wed the 9th", 12, 9),
        ("I meant the 10th, not the 8th", 10, 8),
    ],
)
def test_a_day_corrected_away_with_its_weekday_is_no_range_end(
    text: str, day: int, corrected: int
) -> None:
    reading = read_dates(text, NOW)
    assert reading.question is None
    assert (reading.depart, reading.corrected) == (date(2026, 12, day), date(2026, 12, corrected))


def test_too_early_or_too_late_complains_and_names_no_flight_nor_hours() -> None:
    u = understand("thats way too early actually, switch me to the 4:40pm instead", NOW)
    assert (u.dates.depart_after, u.dates.depart_before) == (None, None)
    assert [r.best for r in u.options] == [None]
    assert understand("the late one", NOW).options[0].best == "latest"
    assert understand("something late afternoon", NOW).options == []


@pytest.mark.parametrize("text", ["yep, book that too", "book it as well", "yes, that one too"])
def test_agreeing_to_a_second_booking_like_the_first_is_a_yes(text: str) -> None:
    assert classify(text, cancelling=None).answer == Answer.YES


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Yes please — and do I need to do anything else after this?", Answer.YES),
        ("yes - what happens next?", Answer.YES),
        ("yep. anything else I should know?", Answer.YES),
        # A question that may need its answer before the yes, or asks for something: no yes.
        ("yes, is it refundable?", None),
        ("yes — but is there anything cheaper after this?", None),
        ("Yes please, and can you book a hotel too? what next?", None),
        ("no — what happens next?", None),
    ],
)
def test_a_yes_then_a_question_about_what_comes_next_is_a_yes(
    text: str, answer: Answer | None
) -> None:
    assert classify(text, cancelling=False).answer == answer


@pytest.mark.parametrize(
    ("message", "day"),
    [("I also need a flight on the 22nd", "2026-12-22"), ("and one on the 23rd too", "2026-12-23")],
)
async def test_a_flight_asked_for_on_top_of_the_booked_one_is_a_new_search(
    message: str, day: str
) -> None:
    d = await _booked_london()
    await d.say(message)
    search = d.backend.last("search_flights")
    assert search["date"] == day
    assert "rebooking" not in search
    assert "get_booking" not in d.backend.names()


def _london_booked() -> FakeBackend:
    backend = FakeBackend(trips=[PARIS_ONE_WAY, LONDON_RETURN])
    backend.bookings["BK-LON001"] = backend._booking(
        "BK-LON001", "confirmed", [{"offer_id": "FL-101", "quantity": 1}]
    )
    return backend


@pytest.mark.parametrize(
    ("message", "day"),
    [
        # a weekday alone: the one nearest the flight moved (Fri 18 Dec), not next from today
        ("could you shift my flight home to wednesday?", "2026-12-16"),
        ("push my return back to sunday please", "2026-12-20"),
        ("please change my return flight to tuesday", "2026-12-15"),
    ],
)
async def test_a_weekday_for_a_booked_flight_is_the_one_of_the_trip(message: str, day: str) -> None:
    d = Dialogue(backend=_london_booked())
    await d.say(message)
    search = d.backend.last("search_flights")
    assert (search["date"], search["rebooking"]) == (day, "BK-LON001")


@pytest.mark.parametrize(
    ("follow_up", "day"),
    [("hmm, make that sunday", "2026-12-20"), ("no wait, the 21st instead", "2026-12-21")],
)
async def test_another_day_after_the_change_options_searches_that_day_instead(
    follow_up: str, day: str
) -> None:
    d = Dialogue(backend=_london_booked())
    await d.say("move my return flight to the 19th please")
    await d.say(follow_up)
    search = d.backend.last("search_flights")
    assert (search["date"], search["rebooking"]) == (day, "BK-LON001")
    assert "reserve" not in d.backend.names()


@pytest.mark.parametrize(
    "message",
    [
        "switch my flight back to DL 7 on the 19th",
        "could you switch my return onto the AA 100 on the 19th",
    ],
)
async def test_a_flight_number_switched_to_names_no_trip(message: str) -> None:
    d = Dialogue(backend=_london_booked())
    await d.say(message)
    assert d.backend.last("get_booking") == {"booking_id": "BK-LON001"}
    search = d.backend.last("search_flights")
    assert search["date"] == "2026-12-19"
    assert search["limit"] == 10  # enough options to hold the flight named


@pytest.mark.parametrize(
    "message",
    [
        "any later flight back on the 18th? 08:05 is far too early",
        "can I get something later home on the 18th, the 8:05am is too early",
    ],
)
async def test_the_booked_flight_said_by_its_time_is_the_one_moved_away_from(
    message: str,
) -> None:
    d = Dialogue(backend=_london_booked())
    await d.say(message)
    search = d.backend.last("search_flights")
    assert (search["date"], search["rebooking"]) == ("2026-12-18", "BK-LON001")
    assert search.get("depart_after") == "08:06"
    assert "depart_before" not in search


@pytest.mark.parametrize(
    ("message", "window"),
    [
        (
            "the 8:05am on the 18th is painfully early. anything leaving after 5pm that day?",
            ("depart_after", "17:00"),
        ),
        (
            "the 08:05 on the 18th doesn't suit me, anything nonstop in the afternoon that day?",
            ("depart_after", "12:00"),
        ),
    ],
)
async def test_a_booked_flight_named_by_its_time_with_other_hours_asked_is_a_change(
    message: str, window: tuple[str, str]
) -> None:
    d = Dialogue(backend=_london_booked())
    await d.say(message)
    assert d.backend.names() == ["list_trips", "get_booking", "search_flights"]
    search = d.backend.last("search_flights")
    assert (search["date"], search["rebooking"]) == ("2026-12-18", "BK-LON001")
    assert search.get(window[0]) == window[1]


@pytest.mark.parametrize(
    "text",
    [
        "Tom's flight out on the 14th has to move to the 15th, please",
        "could you change Priya's return to the 20th?",
    ],
)
def test_moving_someone_elses_flight_is_a_change(text: str) -> None:
    u = understand(text, NOW)
    assert u.intent.value == "change"
