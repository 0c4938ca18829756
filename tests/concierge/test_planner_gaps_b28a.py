"""Mechanisms behind held-out gaps of batch 28 (part 1 of 2: when and which), on OTHER
phrasings of the same kind (issue 10; now = Tue 1 Dec 2026 09:00 UTC).

Each held-out case a fix closed stays in tests/concierge/heldout/ as a regression case;
these tests show the fix reads a kind of phrase, not one sentence. First try, on main
5eafc5c before any fix (unit and dialogue tests together, by kind):
part_of_day 1/5, context_time 0/5, context_weekday 0/5 (+1 that must keep working passed;
a first draft of the dialogue passed only because the coming weekday happened to be the
one meant, and was replaced by one where it is not),
confirm_phrase 0/7 (+2 that must stay no yes passed), yes_but_change 0/6,
cheapest_words 0/4, multi_city_from_home 0/5.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from concierge.planner.nlu.answers import Answer, classify
from concierge.planner.nlu.intents import understand
from concierge.planner.nlu.picks import read
from tests.concierge.heldout.harness import (
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

worlds = worlds_fixture("empty")


def _when(text: str) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    d = understand(text, NOW).dates
    return (
        d.depart.isoformat() if d.depart else None,
        d.ret.isoformat() if d.ret else None,
        d.depart_after,
        d.depart_before,
        d.return_after or d.return_before,
    )


# ---------------------------------------------------------------- part_of_day
# batch 28 b28_fs_chicago_client_monday_evening ("a client meeting ... first thing on
# Tuesday the 8th ... from New York on the Monday evening?"): the part of the day of an
# event the traveller tells of (a meeting first thing) is not when to fly; the part of
# the day asked for the flight is, even in a question that names no flight word.


@pytest.mark.parametrize(
    ("text", "depart", "window"),
    [
        (
            "My workshop in Boston kicks off first thing on Thursday the 10th, so I want to "
            "get in the day before. What do you have from New York on the Wednesday afternoon?",
            "2026-12-09",
            ("12:00", "17:00"),
        ),
        (
            "I have meetings all morning on Dec 9 so afternoon flights to Miami please",
            "2026-12-09",
            ("12:00", "17:00"),
        ),
        (
            "presentation in SF early on fri 18 dec. can u look at what's there the "
            "thursday evening from chicago?",
            "2026-12-17",
            ("17:00", None),
        ),
        (
            "The client dinner is in the evening of the 15th in London; I'd rather fly from "
            "Paris in the morning.",
            "2026-12-15",
            (None, "12:00"),
        ),
    ],
)
def test_the_part_of_the_day_of_an_event_is_not_the_flights(
    text: str, depart: str, window: tuple[str | None, str | None]
) -> None:
    got = _when(text)
    assert (got[0], got[2], got[3]) == (depart, *window)


async def test_the_flights_part_of_the_day_narrows_the_search(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "Got a training session in Boston first thing Thursday 10th Dec, so I'll go up "
            "the day before. Could you check what's around from New York the Wednesday "
            "afternoon?",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "New York", "destination": "Boston", "date": "2026-12-09"},
                }
            ],
            options={"depart_after": "12:00", "depart_before": "17:00"},
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- context_time
# batch 28 b28_rt_gus_atlanta_same_day ("meeting ... at 2pm and I wanna be back in Chicago
# the same night ... a flight out that morning and one back in the evening"): the clock
# time of the meeting is not the flight's; being back somewhere the same night is a
# return that day, and each leg keeps its own part of the day.


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "Lunch meeting in Boston on Friday 11 Dec at 1pm, and I need to be home in New "
            "York that night. A morning flight up and an evening one back please.",
            ("2026-12-11", "2026-12-11", None, "12:00", "17:00"),
        ),
        (
            "I'm seeing a client in Chicago on Wednesday the 9th at 3pm and want to get back "
            "to Boston the same evening. Fly me out in the morning and back in the evening.",
            ("2026-12-09", "2026-12-09", None, "12:00", "17:00"),
        ),
        (
            "interview in miami at 10am on the 16th, i'd like to be back in atlanta the same "
            "day. morning flight there and an evening one home",
            ("2026-12-16", "2026-12-16", None, "12:00", "17:00"),
        ),
    ],
)
def test_an_events_clock_time_is_context_and_each_leg_keeps_its_part_of_day(
    text: str, want: tuple[str | None, ...]
) -> None:
    assert _when(text) == want


def test_a_meeting_time_alone_sets_no_window() -> None:
    got = _when("Flights to Boston on the 9th please, my meeting there is at 2pm")
    assert got[:4] == ("2026-12-09", None, None, None)


async def test_a_same_day_return_around_a_meeting_searches_both_ways(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "Meeting a supplier in Boston on Friday 11th at 1pm and I have to be back in New "
            "York that night. Need a flight up in the morning and one back in the evening.",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "New York", "destination": "Boston", "date": "2026-12-11"},
                },
                {
                    "tool": "search_flights",
                    "args": {"origin": "Boston", "destination": "New York", "date": "2026-12-11"},
                },
            ],
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- context_weekday
# batch 28 b28_fh_sf_conference_wednesday_two_nights ("presenting ... on Thursday 17th
# December ... a flight out on the Wednesday"): "the <weekday>" beside a date the message
# names is that date's neighbour, not the coming one.


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        (
            "I'm speaking at an event in Dublin on Friday 18 December. Can you get me there "
            "on the Thursday?",
            "2026-12-17",
            None,
        ),
        (
            "Board meeting in Chicago Tuesday 15th Dec. Find me a flight on the Monday pls",
            "2026-12-14",
            None,
        ),
        (
            "Client workshop in Miami on Wednesday 16th. Flying on the Sunday before.",
            "2026-12-13",
            None,
        ),
        (
            "My conference in Madrid is Monday the 14th; I'd like to fly out on the Saturday, "
            "returning the Tuesday",
            "2026-12-12",
            "2026-12-15",
        ),
        # A weekday for the way home still counts from the departure.
        ("Flights to Boston on Monday 14 Dec, back on the Friday", "2026-12-14", "2026-12-18"),
    ],
)
def test_the_weekday_beside_a_named_date_is_its_neighbour(
    text: str, depart: str, ret: str | None
) -> None:
    got = _when(text)
    assert got[:2] == (depart, ret)


async def test_a_flight_and_hotel_on_the_day_before_an_event(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "the offsite is on fri 11 dec in boston. could you find me a flight up from new "
            "york on the thursday and a hotel for 2 nights",
            calls=[
                {"tool": "search_flights", "args": {"destination": "Boston", "date": "2026-12-10"}},
                {
                    "tool": "search_hotels",
                    "args": {"city": "Boston", "check_in": "2026-12-10", "check_out": "2026-12-12"},
                },
            ],
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- confirm_phrase
# batch 28 b28_pc_amber_boston_manager_knows ("ok go ahead, my manager knows about it"): a
# yes followed by an assurance that asks for nothing (someone knows, it is approved or
# urgent) is a yes; a yes followed by anything else still changes the request.


@pytest.mark.parametrize(
    "text",
    [
        "yes please, my boss already signed off on it",
        "go ahead - it's been approved by my manager",
        "sure, book it. Mia knows I'm going",
        "yep, it's urgent, the client is waiting",
        "ok confirm, I cleared it with finance",
        "alright do it, my manager is fine with it",
    ],
)
def test_a_yes_with_an_assurance_is_a_yes(text: str) -> None:
    assert classify(text).answer is Answer.YES


@pytest.mark.parametrize(
    "text", ["yes, but in business class", "ok go ahead, my manager wants the later one"]
)
def test_a_yes_with_a_change_is_no_yes(text: str) -> None:
    assert classify(text).answer is None


async def test_a_yes_with_an_assurance_books(worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(
        dialogue(
            "atlanta wed 16th dec pls",
            ("option 3", {"pending": "confirm_booking"}),
            "yes go ahead, my manager is aware of the trip",
            not_new_status="held",
            segments=[{"flight": "B6 1006", "date": "2026-12-16"}],
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- yes_but_change
# batch 28 b28_cm_atlanta_wait_not_that_one ("wait, not that one, 5:50 is way too early.
# the 2pm jetblue instead"): an option said not to suit (too early, not that one, instead
# of it) is the one given up, the other named is the choice.


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("no wait, the 5:50 is too early - give me the 2pm instead", ("14:00", None, None)),
        ("hmm not the delta one, the jetblue one please", (None, "jetblue", None)),
        ("instead of the 5:50 i'd rather take the 2pm", ("14:00", None, None)),
        ("option 1 doesn't work for me, make it option 3", (None, None, 3)),
        ("scrap that, 21:35 is way too late. the 14:00 then", ("14:00", None, None)),
    ],
)
def test_the_option_turned_down_is_not_the_choice(
    text: str, want: tuple[str | None, str | None, int | None]
) -> None:
    assert [(r.clock, r.carrier, r.index) for r in read(text)] == [want]


async def test_turning_down_the_held_option_for_another_holds_that_one(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "atlanta wed 16th dec pls",
            ("option 1", {"pending": "confirm_booking"}),
            (
                "hold on, that 5:50 is far too early for me. the 14:00 jetblue instead",
                {"pending": "confirm_booking"},
            ),
            "yes",
            not_new_status="held",
            segments=[{"flight": "B6 1006", "date": "2026-12-16"}],
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- cheapest_words
# noticed in batch 28: "the lowest priced option", "the least expensive one" are the
# cheapest, never an airline called "priced" or "least expensive".


@pytest.mark.parametrize(
    "text",
    [
        "the lowest priced option please",
        "I'll take the least expensive one",
        "book the lowest fare flight",
        "the most affordable option",
    ],
)
def test_price_superlatives_name_no_airline(text: str) -> None:
    assert [(r.best, r.carrier) for r in read(text)] == [("cheapest", None)]


# ---------------------------------------------------------------- multi_city_from_home
# noticed in batch 28: a chain whose first leg names only where it goes ("fly to London on
# the 14th, then on to Paris on the 17th ...") leaves from home, and the next leg from
# where the first one landed, not from home.


def _legs(text: str) -> list[tuple[str, str, str]]:
    return [
        (
            leg.origin.place.city if leg.origin.place else "home",
            leg.destination.place.city if leg.destination.place else "home",
            leg.day.isoformat(),
        )
        for leg in understand(text, NOW).legs
    ]


@pytest.mark.parametrize(
    ("text", "legs"),
    [
        (
            "I need to fly to London on the 14th, then on to Paris on the 17th and back home "
            "to New York on the 20th",
            [
                ("home", "London", "2026-12-14"),
                ("London", "Paris", "2026-12-17"),
                ("Paris", "New York", "2026-12-20"),
            ],
        ),
        (
            "flights to chicago on the 9th, then miami on the 11th",
            [("home", "Chicago", "2026-12-09"), ("Chicago", "Miami", "2026-12-11")],
        ),
        (
            "Going to Boston Dec 9 then Atlanta Dec 11, then home on the 13th",
            [
                ("home", "Boston", "2026-12-09"),
                ("Boston", "Atlanta", "2026-12-11"),
                ("Atlanta", "home", "2026-12-13"),
            ],
        ),
        (
            "fly me to Madrid on 14 Dec and on to Dublin on the 16th",
            [("home", "Madrid", "2026-12-14"), ("Madrid", "Dublin", "2026-12-16")],
        ),
    ],
)
def test_a_chain_starting_from_home_goes_on_from_each_landing(
    text: str, legs: list[tuple[str, str, str]]
) -> None:
    assert _legs(text) == legs


async def test_a_chain_from_home_searches_each_leg_from_the_last_landing(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "flights to chicago on the 9th, then on to miami on the 11th",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "New York", "destination": "Chicago", "date": "2026-12-09"},
                },
                {
                    "tool": "search_flights",
                    "args": {"origin": "Chicago", "destination": "Miami", "date": "2026-12-11"},
                },
            ],
        ),
        worlds,
        tmp_path,
    )
