"""First requests and the booking flow, as new users write them (issue 10; explore22).

Written from the user's side BEFORE reading the planner, over the areas where new users
start: one-way and round-trip searches, hotels, flight + hotel in one message, party
sizes, dates in every common form, preferences, picks, confirmations, policy questions,
flexible dates, multi-city, small talk mid-flow and honest answers to what the service
can't do. Every flight, time, carrier and hotel named was checked against the real
search tools at the harness clock (Tue 2026-12-01 09:00 UTC; ava flies from JFK / New
York, gus from ORD; bookings 7+ days ahead so a yes confirms).

First try (run once at 01:40 UTC on main 5eafc5c, before any fix): see FIRST_TRY below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import Case, World, build_worlds, dialogue, runs_as_expected

HONEST = [["can't", "cannot", "not able", "unable", "don't", "isn't something", "not something"]]


def _fs(dest: str, date: str, **args: Any) -> dict[str, Any]:
    return {"tool": "search_flights", "args": {"destination": dest, "date": date, **args}}


def _leg(origin: str, dest: str, date: str, **args: Any) -> dict[str, Any]:
    return {
        "tool": "search_flights",
        "args": {"origin": origin, "destination": dest, "date": date, **args},
    }


def _hotel(city: str, check_in: Any, check_out: Any) -> dict[str, Any]:
    return {
        "tool": "search_hotels",
        "args": {"city": city, "check_in": check_in, "check_out": check_out},
    }


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ one-way searches
    ("ow", dialogue("flight to boston thursday the 10th", calls=[_fs("Boston", "2026-12-10")])),
    (
        "ow",
        dialogue(
            "Hi there, I'm heading to a conference in San Francisco and need to be there on "
            "15 December. Could you check flights from New York?",
            calls=[_leg("New York", "San Francisco", "2026-12-15")],
        ),
    ),
    ("ow", dialogue("nyc -> atl dec 9", calls=[_leg("New York", "Atlanta", "2026-12-09")])),
    (
        "ow",
        dialogue(
            "I need go to Dublin on 5 January, please can you search a flight for me",
            calls=[_fs("Dublin", "2027-01-05")],
        ),
    ),
    (
        "ow",
        dialogue(
            "one way ord to miami 17th",
            user="gus",
            calls=[_leg("Chicago", "Miami", "2026-12-17")],
        ),
    ),
    (
        "ow",
        dialogue(
            "can you look up flights to londn on monday 14th", calls=[_fs("London", "2026-12-14")]
        ),
    ),
    (
        "ow",
        dialogue(
            "What flights are there from Boston to New York on Friday Dec 11?",
            calls=[_leg("Boston", "New York", "2026-12-11")],
        ),
    ),
    # ------------------------------------------------------------ round trips
    (
        "rt",
        dialogue(
            "round trip to chicago, leaving tues 8th, back thurs 10th",
            calls=[_fs("Chicago", "2026-12-08"), _leg("Chicago", "New York", "2026-12-10")],
        ),
    ),
    (
        "rt",
        dialogue(
            "I need to be in Boston from the 10th to the 11th of December, flights there and "
            "back please",
            calls=[_fs("Boston", "2026-12-10"), _leg("Boston", "New York", "2026-12-11")],
        ),
    ),
    (
        "rt",
        dialogue(
            "SFO 15-18 Dec return",
            calls=[
                _fs("San Francisco", "2026-12-15"),
                _leg("San Francisco", "New York", "2026-12-18"),
            ],
        ),
    ),
    (
        "rt",
        dialogue(
            "paris, out 30 dec back 3 jan",
            calls=[_fs("Paris", "2026-12-30"), _leg("Paris", "New York", "2027-01-03")],
        ),
    ),
    (
        "rt",
        dialogue(
            "Flying to London on the 14th and coming home on the 18th — what are my options?",
            calls=[_fs("London", "2026-12-14"), _leg("London", "New York", "2026-12-18")],
        ),
    ),
    (
        "rt",
        dialogue(
            "return flights to miami 17/12 - 20/12",
            user="gus",
            calls=[_leg("Chicago", "Miami", "2026-12-17"), _leg("Miami", "Chicago", "2026-12-20")],
        ),
    ),
    # ------------------------------------------------------------ hotels
    (
        "ho",
        dialogue(
            "hotel in chicago 10th-12th dec", calls=[_hotel("Chicago", "2026-12-10", "2026-12-12")]
        ),
    ),
    (
        "ho",
        dialogue(
            "I need somewhere to stay in London for 3 nights from 15 December",
            calls=[_hotel("London", "2026-12-15", "2026-12-18")],
        ),
    ),
    (
        "ho",
        dialogue(
            "Can you find me a hotel in Boston for the night of the 10th?",
            calls=[_hotel("Boston", "2026-12-10", "2026-12-11")],
        ),
    ),
    (
        "ho",
        dialogue(
            "any hotels in paris from dec 30 to jan 2?",
            calls=[_hotel("Paris", "2026-12-30", "2027-01-02")],
        ),
    ),
    (
        "ho",
        dialogue(
            "looking for a hotel in san fran, checking in on the 15th and out on the 18th, "
            "something under $250 a night",
            calls=[_hotel("San Francisco", "2026-12-15", "2026-12-18")],
            reply_contains="Novotel San Francisco",
        ),
    ),
    ("ho", dialogue("hotel madrid 21-23/12", calls=[_hotel("Madrid", "2026-12-21", "2026-12-23")])),
    (
        "ho",
        dialogue(
            "hotel in boston on the 10th for one night",
            "the novotel please",
            "yes",
            new_status="confirmed",
            segments=[{"city": "Boston"}],
            reply_not_contains="?.",
        ),
    ),
    # ------------------------------------------------------------ flight + hotel
    (
        "fh",
        dialogue(
            "I need a flight to Boston on the 10th and a hotel for one night",
            calls=[_fs("Boston", "2026-12-10"), _hotel("Boston", "2026-12-10", "2026-12-11")],
        ),
    ),
    (
        "fh",
        dialogue(
            "flights and a hotel for chicago, dec 8 to dec 10",
            calls=[
                _fs("Chicago", "2026-12-08"),
                _leg("Chicago", "New York", "2026-12-10"),
                _hotel("Chicago", "2026-12-08", "2026-12-10"),
            ],
        ),
    ),
    (
        "fh",
        dialogue(
            "Could you sort out flights to San Francisco on the 15th, back on the 18th, plus a "
            "hotel for those nights?",
            calls=[
                _fs("San Francisco", "2026-12-15"),
                _leg("San Francisco", "New York", "2026-12-18"),
                _hotel("San Francisco", "2026-12-15", "2026-12-18"),
            ],
        ),
    ),
    (
        "fh",
        dialogue(
            "london trip 14th-18th dec: flights + hotel pls",
            calls=[
                _fs("London", "2026-12-14"),
                _leg("London", "New York", "2026-12-18"),
                _hotel("London", {"between": ["2026-12-14", "2026-12-15"]}, "2026-12-18"),
            ],
        ),
    ),
    # ------------------------------------------------------------ party sizes
    (
        "px",
        dialogue(
            "two of us flying to atlanta on the 9th",
            calls=[_fs("Atlanta", "2026-12-09", passengers=2)],
        ),
    ),
    (
        "px",
        dialogue(
            "Need 3 seats to Boston on Thursday 10 Dec",
            calls=[_fs("Boston", "2026-12-10", passengers=3)],
        ),
    ),
    (
        "px",
        dialogue(
            "me and Leo Martin need to go to Chicago on the 8th",
            calls=[_fs("Chicago", "2026-12-08", passengers=2)],
        ),
    ),
    (
        "px",
        dialogue(
            "flights to miami for four people, dec 11",
            calls=[_fs("Miami", "2026-12-11", passengers=4)],
        ),
    ),
    (
        "px",
        dialogue(
            "Book me and my two colleagues on a flight to SF on the 15th",
            calls=[_fs("San Francisco", "2026-12-15", passengers=3)],
        ),
    ),
    (
        "px",
        dialogue(
            "a flight for myself and a colleague to Atlanta Wednesday 9 December",
            calls=[_fs("Atlanta", "2026-12-09", passengers=2)],
        ),
    ),
    # ------------------------------------------------------------ dates
    (
        "dt",
        dialogue(
            "flight to boston next thursday",
            calls=[_fs("Boston", {"between": ["2026-12-03", "2026-12-10"]})],
        ),
    ),
    (
        "dt",
        dialogue(
            "fly to chicago this weekend",
            calls=[_fs("Chicago", {"between": ["2026-12-05", "2026-12-06"]})],
        ),
    ),
    (
        "dt",
        dialogue("Need to be in Atlanta in two weeks' time", calls=[_fs("Atlanta", "2026-12-15")]),
    ),
    ("dt", dialogue("flights to miami tomorrow", calls=[_fs("Miami", "2026-12-02")])),
    ("dt", dialogue("flight to boston on 14/12", calls=[_fs("Boston", "2026-12-14")])),
    ("dt", dialogue("flight to boston on 12/14", calls=[_fs("Boston", "2026-12-14")])),
    ("dt", dialogue("fly to london 14th Dec", calls=[_fs("London", "2026-12-14")])),
    (
        "dt",
        dialogue("flight to chicago the day after tomorrow", calls=[_fs("Chicago", "2026-12-03")]),
    ),
    ("dt", dialogue("flight to madrid on new year's eve", calls=[_fs("Madrid", "2026-12-31")])),
    ("dt", dialogue("boston jan 4th", calls=[_fs("Boston", "2027-01-04")])),
    ("dt", dialogue("flight to paris a week from friday", calls=[_fs("Paris", "2026-12-11")])),
    (
        "dt",
        dialogue(
            "Flight to San Francisco on Monday the 7th", calls=[_fs("San Francisco", "2026-12-07")]
        ),
    ),
    ("dt", dialogue("fly to dublin 2nd of jan", calls=[_fs("Dublin", "2027-01-02")])),
    (
        "dt",
        dialogue(
            "I'd like to fly to Atlanta on the 5th of next month",
            calls=[_fs("Atlanta", "2027-01-05")],
        ),
    ),
    # ------------------------------------------------------------ preferences
    (
        "pf",
        dialogue(
            "direct flights to Madrid on the 21st", calls=[_fs("Madrid", "2026-12-21", max_stops=0)]
        ),
    ),
    (
        "pf",
        dialogue(
            "morning flight to boston on the 10th",
            calls=[_fs("Boston", "2026-12-10")],
            options={"depart_before": "12:00"},
        ),
    ),
    (
        "pf",
        dialogue(
            "evening flight to chicago tuesday 8th",
            calls=[_fs("Chicago", "2026-12-08")],
            options={"depart_after": "16:00"},
        ),
    ),
    (
        "pf",
        dialogue(
            "is there a red-eye from SFO back to New York on the 18th?",
            calls=[_leg("San Francisco", "New York", "2026-12-18")],
            reply_contains="AA 1146",
        ),
    ),
    (
        "pf",
        dialogue(
            "any delta flights to atlanta on the 9th?",
            calls=[_fs("Atlanta", "2026-12-09")],
            reply_contains="DL 1020",
        ),
    ),
    (
        "pf",
        dialogue(
            "flight to miami on the 11th, budget is under $250",
            calls=[_fs("Miami", "2026-12-11")],
            reply_contains="B6 1055",
        ),
    ),
    (
        "pf",
        dialogue(
            "aisle seat please, flying to boston on the 10th", calls=[_fs("Boston", "2026-12-10")]
        ),
    ),
    (
        "pf",
        dialogue(
            "window seat, nonstop, to SF on the 15th, united if poss",
            calls=[_fs("San Francisco", "2026-12-15", max_stops=0)],
            reply_contains="UA 1151",
        ),
    ),
    # ------------------------------------------------------------ picks
    (
        "pk",
        dialogue(
            "flight to boston on the 10th",
            "the cheapest",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "B6 1024", "date": "2026-12-10"}],
        ),
    ),
    (
        "pk",
        dialogue(
            "flights to boston thursday 10th",
            "the earliest one please",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "AA 1038"}],
        ),
    ),
    (
        "pk",
        dialogue(
            "atlanta 9th dec",
            "the delta one",
            "go ahead",
            new_status="confirmed",
            segments=[{"flight": "DL 1020"}],
        ),
    ),
    (
        "pk",
        dialogue(
            "nyc to chicago round trip 8th to 10th",
            "the 8:55 out and the 11:10 back",
            "yes",
            new_status="confirmed",
            segments=[
                {"flight": "DL 1171", "date": "2026-12-08"},
                {"flight": "UA 1150", "date": "2026-12-10"},
            ],
        ),
    ),
    (
        "pk",
        dialogue(
            "boston 10th to 11th return",
            "cheapest both ways",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "B6 1024"}, {"flight": "DL 1059"}],
        ),
    ),
    (
        "pk",
        dialogue(
            "miami on the 11th",
            "the 6:15 one",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "B6 1053"}],
        ),
    ),
    (
        "pk",
        dialogue(
            "london 14th dec",
            "the BA one at 10:30pm",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "BA 19"}],
        ),
    ),
    (
        "pk",
        dialogue(
            "flights to SF on the 15th",
            "the united one at 1:50",
            "yes please",
            new_status="confirmed",
            segments=[{"flight": "UA 1151"}],
        ),
    ),
    # ------------------------------------------------------------ confirmations
    (
        "cf",
        dialogue(
            "boston on the 10th",
            "the 9:15",
            "yep do it",
            new_status="confirmed",
            segments=[{"flight": "B6 1022"}],
        ),
    ),
    (
        "cf",
        dialogue(
            "flight to boston on the 10th", "the cheapest", "sure thing", new_status="confirmed"
        ),
    ),
    (
        "cf",
        dialogue(
            "flight to boston on the 10th",
            "the cheapest",
            "nah leave it for now",
            not_new_status="confirmed",
        ),
    ),
    (
        "cf",
        dialogue(
            "flight to boston on the 10th",
            "the earliest",
            "actually make it the 12:05 instead",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "DL 1058"}],
        ),
    ),
    (
        "cf",
        dialogue(
            "flight to boston on the 10th",
            "the cheapest",
            "hmm actually can we do the day after instead",
            calls=[_fs("Boston", "2026-12-11")],
            not_new_status="confirmed",
        ),
    ),
    (
        "cf",
        dialogue(
            "flight to boston on the 10th",
            "the cheapest",
            "ok great thanks, book it",
            new_status="confirmed",
        ),
    ),
    (
        "cf",
        dialogue(
            "flight to boston on the 10th",
            "cheapest please",
            "no wait, not yet",
            not_new_status="confirmed",
        ),
    ),
    ("cf", dialogue("flight to boston on the 10th", "the cheapest", "👍", new_status="confirmed")),
    # ------------------------------------------------------------ policy questions
    (
        "pl",
        dialogue(
            "what's the hotel limit in london?",
            tools_include=["get_policy"],
            reply_contains="350",
            nothing_changed=True,
        ),
    ),
    (
        "pl",
        dialogue(
            "am I allowed to fly business class to london?",
            tools_include=["get_policy"],
            tools_exclude=["search_flights"],
            nothing_changed=True,
        ),
    ),
    (
        "pl",
        dialogue(
            "how far ahead do i have to book flights?",
            tools_include=["get_policy"],
            reply_contains="7",
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ flexible dates
    (
        "fx",
        dialogue(
            "cheapest day to fly to boston next week?",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {
                        "destination": "Boston",
                        "date": {"between": ["2026-12-07", "2026-12-13"]},
                    },
                    "count_at_least": 3,
                    "distinct": "date",
                }
            ],
        ),
    ),
    (
        "fx",
        dialogue(
            "I can go to Chicago any day between the 14th and 17th, whichever is cheapest",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {
                        "destination": "Chicago",
                        "date": {"between": ["2026-12-14", "2026-12-17"]},
                    },
                    "count_at_least": 3,
                    "distinct": "date",
                }
            ],
        ),
    ),
    # ------------------------------------------------------------ multi-city
    (
        "mc",
        dialogue(
            "New York to Boston on the 10th, then Boston to Chicago on the 12th, then home on "
            "the 14th",
            calls=[
                _leg("New York", "Boston", "2026-12-10"),
                _leg("Boston", "Chicago", "2026-12-12"),
                _leg("Chicago", "New York", "2026-12-14"),
            ],
        ),
    ),
    (
        "mc",
        dialogue(
            "I need to go london on the 14th, then paris on the 17th, then back to new york on "
            "the 19th",
            calls=[
                _fs("London", "2026-12-14"),
                _leg("London", "Paris", "2026-12-17"),
                _leg("Paris", "New York", "2026-12-19"),
            ],
        ),
    ),
    # ------------------------------------------------------------ small talk mid-flow
    (
        "st",
        dialogue(
            "boston on the 10th",
            "thanks!",
            "the cheapest one",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "B6 1024"}],
        ),
    ),
    ("st", dialogue("hi, how are you?", no_tools=True)),
    (
        "st",
        dialogue(
            "flight to boston on the 10th",
            "the cheapest",
            "yes",
            "thank you so much!",
            new_status="confirmed",
            tools_exclude=["search_flights", "reserve"],
        ),
    ),
    # ------------------------------------------------------------ what it can't do
    (
        "cd",
        dialogue(
            "can you book me a rental car in boston?",
            reply_contains_any=HONEST,
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
        ),
    ),
    (
        "cd",
        dialogue(
            "can you get me a train ticket from new york to boston on the 10th?",
            reply_contains_any=HONEST,
            tools_exclude=["reserve"],
            nothing_changed=True,
        ),
    ),
    (
        "cd",
        dialogue(
            "book me a table for dinner in chicago on friday",
            reply_contains_any=HONEST,
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
        ),
    ),
    (
        "cd",
        dialogue(
            "What's the weather going to be like in London next week?",
            reply_contains_any=HONEST,
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
        ),
    ),
]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    return build_worlds(tmp_path_factory.mktemp("explore-s22-worlds"), {"empty"})


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=f"{area}-{i:02d}-{c.id[:30]}") for i, (area, c) in enumerate(CASES)],
)
async def test_a_first_request_runs_as_a_user_means_it(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
