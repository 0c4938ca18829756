"""Trip shapes the offline planner reads from one message: direct-only wishes,
implied returns, multi-city itineraries, day-first ranges, and messages that
must set up nothing (now = Tue 1 Dec 2026 09:00 UTC)."""

from __future__ import annotations

import pytest

from concierge.planner.nlu.intents import Intent, understand
from tests.concierge.planner_kit import NOW, Dialogue

# ------------------------------------------------------------------ direct only


@pytest.mark.parametrize(
    "text",
    [
        "any nonstops from Boston to Atlanta on the 9th?",
        "non-stops only please, LGA to ORD Dec 10",
        "JFK to London 15 Dec, no connecting flights",
        "Boston to Miami on the 9th, I don't want to change planes",
        "fly directly from boston to paris on the 12th",
        "SFO to JFK Dec 9 without any layovers",
    ],
)
def test_direct_only_wishes_set_zero_stops(text: str) -> None:
    assert understand(text, NOW).max_stops == 0


@pytest.mark.parametrize(
    "text", ["London to Paris on the 12th, one stop is fine", "flights to Paris Dec 12"]
)
def test_stops_are_allowed_unless_excluded(text: str) -> None:
    assert understand(text, NOW).max_stops != 0


async def test_direct_only_applies_to_both_legs_of_a_round_trip() -> None:
    d = Dialogue()
    await d.say("nonstops only: Boston to Madrid on the 10th, back on the 14th")
    searches = [a for n, a in d.backend.calls if n == "search_flights"]
    assert [(a["date"], a["max_stops"]) for a in searches] == [
        ("2026-12-10", 0),
        ("2026-12-14", 0),
    ]


# ------------------------------------------------------------------ implied return


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("Paris trip Dec 10-14, flying out of Boston, and a hotel please", "Boston", "Paris"),
        ("flights from Newark + hotel for Miami, 12/9 to 12/12", "EWR", "Miami"),
        ("Chicago Dec 15–18: need flights and a room", "JFK", "Chicago"),
    ],
)
async def test_a_trip_or_flights_over_a_day_range_include_the_flight_home(
    text: str, origin: str, destination: str
) -> None:
    d = Dialogue()
    await d.say(text)
    searches = [a for n, a in d.backend.calls if n == "search_flights"]
    assert [(a["origin"], a["destination"]) for a in searches] == [
        (origin, destination),
        (destination, origin),
    ]
    hotel = d.backend.last("search_hotels")
    assert (hotel["check_in"], hotel["check_out"]) == (searches[0]["date"], searches[1]["date"])


async def test_one_flight_over_a_stay_shows_the_return_without_asking_for_it() -> None:
    """A flight and a hotel over a day range: the flight home on the stay's last day is
    likely, so it is searched too, but only held if picked (the way there is enough)."""
    d = Dialogue()
    reply = await d.say("be in London for the Dec 18–22 offsite, book me a flight and a hotel")
    back = d.backend.last("search_flights")
    assert (back["origin"], back["destination"], back["date"]) == ("London", "JFK", "2026-12-22")
    assert "leave them out to book just the way there" in reply
    reply = await d.say("flight 1 and hotel 1")
    assert reply == "<confirm confirm_booking>"
    assert len(d.backend.last("reserve")["items"]) == 2


# ------------------------------------------------------------------ a yes that asks for another option


@pytest.mark.parametrize(
    ("text", "after", "before", "shift"),
    [
        ("sure, but is there a later flight?", None, None, "later"),
        ("yes but something earlier", None, None, "earlier"),
        ("great but do you have an earlier option", None, None, "earlier"),
        ("fine, but anything before 9am?", None, "09:00", None),
        ("ok but could I get one after 6pm?", "18:00", None, None),
    ],
)
def test_a_yes_asking_for_another_time_is_a_new_search(
    text: str, after: str | None, before: str | None, shift: str | None
) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.SEARCH
    assert (u.dates.depart_after, u.dates.depart_before, u.time_shift) == (after, before, shift)


def test_asking_about_the_rules_is_still_a_policy_question() -> None:
    assert understand("can I get a later one or is that against policy?", NOW).intent == (
        Intent.POLICY
    )
    assert understand("can I book business to London?", NOW).intent == Intent.POLICY


async def test_at_a_confirmation_a_later_flight_request_searches_again_and_books_nothing() -> None:
    d = Dialogue()
    await d.say("LGA to Chicago on the 11th")
    assert await d.say("2") == "<confirm confirm_booking>"
    await d.say("yeah ok but can I get something after 7pm instead?")
    again = d.backend.last("search_flights")
    assert (again["destination"], again["date"], again["depart_after"]) == (
        "Chicago",
        "2026-12-11",
        "19:00",
    )
    assert "confirm_booking" not in d.backend.names()


# ------------------------------------------------------------------ multi-city


@pytest.mark.parametrize(
    ("text", "legs"),
    [
        (
            "Boston to Paris Jan 4, then on to Madrid on the 7th, then Madrid to Boston on the 10th",
            [
                ("Boston", "Paris", "2027-01-04"),
                ("Paris", "Madrid", "2027-01-07"),
                ("Madrid", "Boston", "2027-01-10"),
            ],
        ),
        (
            "fly NYC-Chicago Dec 9; Chicago-SFO Dec 11; SFO-NYC Dec 13",
            [
                ("New York", "Chicago", "2026-12-09"),
                ("Chicago", "SFO", "2026-12-11"),
                ("SFO", "New York", "2026-12-13"),
            ],
        ),
        (  # open jaw: two legs that do not come back
            "JFK to London 14 Dec and then London to Paris on 16 Dec",
            [("JFK", "London", "2026-12-14"), ("London", "Paris", "2026-12-16")],
        ),
    ],
)
async def test_a_multi_city_trip_searches_each_leg(
    text: str, legs: list[tuple[str, str, str]]
) -> None:
    d = Dialogue()
    reply = await d.say(text)
    searches = [a for n, a in d.backend.calls if n == "search_flights"]
    got = [(a["origin"], a["destination"], a["date"]) for a in searches]
    assert len(got) == len(legs)
    for (o, dst, day), (wo, wd, wday) in zip(got, legs, strict=True):
        assert (day, wo in o or o in wo, wd in dst or dst in wd) == (wday, True, True)
    assert "Leg 2 flights" in reply
    assert "each leg" in reply


@pytest.mark.parametrize(
    "text",
    [
        "JFK to London on 15 Dec, London to JFK on 19 Dec",  # there and back
        "Paris to London on Dec 12 and back on the 16th",
        "London to New York on 19 December",
    ],
)
def test_there_and_back_or_one_flight_is_not_multi_city(text: str) -> None:
    assert understand(text, NOW).legs == []


async def test_each_leg_is_picked_and_the_legs_are_held_together() -> None:
    d = Dialogue()
    await d.say(
        "Boston to Paris Jan 4, then Paris to Madrid on the 7th, Madrid to Boston on the 10th"
    )
    reply = await d.say("1 and 2")
    assert "leg 3" in reply.lower()
    assert "reserve" not in d.backend.names()
    assert await d.say("3") == "<confirm confirm_booking>"
    held = d.backend.last("reserve")["items"]
    assert len(held) == 3
