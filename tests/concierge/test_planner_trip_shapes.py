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


async def test_one_flight_over_a_stay_still_offers_the_return_rather_than_searching_it() -> None:
    d = Dialogue()
    reply = await d.say("be in London for the Dec 18–22 offsite, book me a flight and a hotel")
    assert sorted(d.backend.names()) == ["search_flights", "search_hotels"]
    assert "add the return flight" in reply


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
