"""Messages that say more than one thing, corrections, flexible dates, multi-city,
everyday answers at a confirmation and hotel nights (issue 10; now = Tue 1 Dec 2026).

Phrasings written from the user's side before reading the planner code for these kinds
(only the held-out batch headers were read, for the demo data), run once on main
80a567d before any fix. First try, by kind:
two requests in one 3/6, corrections 3/6, flexible dates 3/6, multi-city 2/4,
at a confirmation 7/12 (every pause/small talk lost the pending hold; "Yes, that's lovely"
was not a yes), hotel nights / added guest 2/4 ("Friday and Saturday night(s)" read as
one night from Saturday) — 20/38 = 53 %.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.nlu.answers import Answer, classify, yes_or_no
from concierge.planner.nlu.intents import Intent, understand
from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flex_search,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

worlds = worlds_fixture("empty", "trips")


def _fs(origin: str, dest: str, date: Any, **more: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"origin": origin, "destination": dest, "date": date}
    return {"tool": "search_flights", "args": args, **more}


NO_BOOK = ["reserve"]
HELD = {"pending": "confirm_booking", "new_bookings": 1, "new_status": "held"}
BOOKED = {"new_bookings": 1, "new_status": "confirmed", "pending": "none"}


def _yes(say: str, user: str = "ava") -> Case:
    """A pick that holds a green flight, then an everyday yes: booked."""
    first, pick = (
        ("ord to boston dec 14", "the first")
        if user == "gus"
        else (
            "JFK to Boston on the 16th",
            "first one",
        )
    )
    return dialogue(first, (pick, {"pending": "confirm_booking"}), say, user=user, **BOOKED)


def _wait(say: str) -> Case:
    """Small talk or a pause at a confirmation: the hold stays, still waiting."""
    return dialogue(
        "JFK to Boston on the 16th",
        ("first one", {"pending": "confirm_booking"}),
        say,
        tools_exclude=["confirm_booking", "cancel_booking", "reserve", "search_flights"],
        **HELD,
    )


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ two requests in one
    (
        "two",
        dialogue(
            "flight JFK to Miami on the 15th and a hotel there till the 18th",
            tools_exclude=NO_BOOK,
            calls=[
                _fs("JFK", "Miami", "2026-12-15"),
                hotel_search("miami", "2026-12-15", "2026-12-18"),
            ],
        ),
    ),
    (
        "two",
        dialogue(
            "what time does my flight to London leave, and which hotel am I staying at?",
            world="trips",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains=["Holiday Inn Express"],
            reply_contains_any=[["22:30", "10:30"]],
        ),
    ),
    (
        "two",
        dialogue(
            "Show me flights from New York to London on the 14th. Also, what's the hotel "
            "limit in London?",
            tools_exclude=NO_BOOK,
            calls=[_fs("New York", "London", "2026-12-14")],
            reply_contains=["350"],
        ),
    ),
    (
        "two",
        dialogue(
            "pls cancel my paris flight and find me one on the 11th instead",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@paris"},
            booking_status={"paris": "pending_approval"},
            calls=[_fs("Boston", "Paris", "2026-12-11")],
        ),
    ),
    (
        "two",
        dialogue(
            "Flights from Chicago to Atlanta Dec 10, plus a hotel in Atlanta for 2 nights",
            tools_exclude=NO_BOOK,
            calls=[
                _fs("Chicago", "Atlanta", "2026-12-10"),
                hotel_search("atlanta", "2026-12-10", "2026-12-12"),
            ],
        ),
    ),
    (
        "two",
        dialogue(
            "Can you find a hotel in Paris 9-11 Dec? and how far in advance am I meant to "
            "book flights?",
            tools_exclude=NO_BOOK,
            calls=[hotel_search("paris", "2026-12-09", "2026-12-11")],
            reply_contains=["7"],
        ),
    ),
    # ------------------------------------------------------------ corrections
    (
        "correction",
        dialogue(
            "JFK to Atlanta on the 9th, no sorry, the 10th",
            tools_exclude=NO_BOOK,
            calls=[_fs("JFK", "Atlanta", "2026-12-10")],
        ),
    ),
    (
        "correction",
        dialogue(
            "Boston to Chicago on the 20th",
            "actually, make it the 21st",
            tools_exclude=NO_BOOK,
            calls=[_fs("Boston", "Chicago", "2026-12-21")],
        ),
    ),
    (
        "correction",
        dialogue(
            "Paris to London on the 3rd",
            "sorry I meant January",
            tools_exclude=NO_BOOK,
            calls=[_fs("Paris", "London", "2027-01-03")],
        ),
    ),
    (
        "correction",
        dialogue(
            "flights NYC to Boston on the 12th",
            "no wait I meant Miami",
            tools_exclude=NO_BOOK,
            calls=[_fs("New York", "Miami", "2026-12-12")],
        ),
    ),
    (
        "correction",
        dialogue(
            "hotel in london 14-16 dec",
            "make it 4 nights",
            tools_exclude=NO_BOOK,
            calls=[hotel_search("london", "2026-12-14", "2026-12-18")],
        ),
    ),
    (
        "correction",
        dialogue(
            "Chicago to SF on Dec 17th - scratch that, Dec 18th",
            tools_exclude=NO_BOOK,
            calls=[_fs("Chicago", "San Francisco", "2026-12-18")],
        ),
    ),
    # ------------------------------------------------------------ flexible dates
    (
        "flexible",
        dialogue(
            "JFK to Miami mon or tue next week, whichever is cheaper",
            tools_exclude=NO_BOOK,
            calls=[flex_search("JFK", "Miami", "2026-12-07", "2026-12-08", 2)],
        ),
    ),
    (
        "flexible",
        dialogue(
            "Atlanta to Boston any day from the 9th to the 11th, cheapest one I can book",
            tools_exclude=NO_BOOK,
            calls=[flex_search("Atlanta", "Boston", "2026-12-09", "2026-12-11", 3)],
        ),
    ),
    (
        "flexible",
        dialogue(
            "I'm flexible - sometime the week of the 21st, NYC to Chicago",
            tools_exclude=NO_BOOK,
            calls=[flex_search("New York", "Chicago", "2026-12-21", "2026-12-27", 3)],
        ),
    ),
    (
        "flexible",
        dialogue(
            "London to Dublin thurs or fri, whichever's cheapest",
            tools_exclude=NO_BOOK,
            calls=[flex_search("London", "Dublin", "2026-12-03", "2026-12-04", 2)],
        ),
    ),
    (
        "flexible",
        dialogue(
            "New York to Atlanta between the 15th and 17th, whichever day's cheapest",
            "go with the cheapest",
            policy_not="red",
            **HELD,
        ),
    ),
    (
        "flexible",
        dialogue(
            "either the 9th or the 10th, ORD to SFO, cheaper one please",
            user="gus",
            tools_exclude=NO_BOOK,
            calls=[flex_search("Chicago", "San Francisco", "2026-12-09", "2026-12-10", 2)],
        ),
    ),
    # ------------------------------------------------------------ multi-city
    (
        "multi_city",
        dialogue(
            "hotel in London 14-16 Dec then Paris 16-18 Dec",
            tools_exclude=NO_BOOK,
            calls=[
                hotel_search("london", "2026-12-14", "2026-12-16"),
                hotel_search("paris", "2026-12-16", "2026-12-18"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "I need rooms in Boston from the 9th to the 11th and then in Chicago the 11th "
            "to the 13th",
            tools_exclude=NO_BOOK,
            calls=[
                hotel_search("boston", "2026-12-09", "2026-12-11"),
                hotel_search("chicago", "2026-12-11", "2026-12-13"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "NYC to Miami on the 9th, Miami to Atlanta on the 11th, then back to New York "
            "on the 13th",
            tools_exclude=NO_BOOK,
            calls=[
                _fs("New York", "Miami", "2026-12-09"),
                _fs("Miami", "Atlanta", "2026-12-11"),
                _fs("Atlanta", "New York", "2026-12-13"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "Flying Chicago→Boston Dec 14, Boston→Atlanta Dec 16, and home Dec 18",
            user="gus",
            tools_exclude=NO_BOOK,
            calls=[
                _fs("Chicago", "Boston", "2026-12-14"),
                _fs("Boston", "Atlanta", "2026-12-16"),
                _fs("Atlanta", "ORD", "2026-12-18"),
            ],
        ),
    ),
    # ------------------------------------------------------------ at a confirmation
    ("confirm", _wait("thanks! one moment, checking with my boss")),
    # Written expecting the confirmation to stay pending; held-out b14_cn_* reads "let me
    # think about it and get back to you" as a no that keeps the hold (pending none), and
    # that earlier regression case decides: the hold stays, nothing is booked.
    (
        "confirm",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            "let me think about it for a bit",
            new_bookings=1,
            new_status="held",
            tools_exclude=["confirm_booking", "cancel_booking"],
        ),
    ),
    ("confirm", _wait("hmm, hold on, is that a good time?")),
    (
        "confirm",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            ("great thanks, just need to ask my manager", {"pending": "confirm_booking"}),
            "ok she's fine with it, go ahead",
            **BOOKED,
        ),
    ),
    ("confirm", _yes("Yes, that's lovely")),
    ("confirm", _yes("yep do it")),
    ("confirm", _yes("sounds good, book it")),
    ("confirm", _yes("go for it mate", user="gus")),
    ("confirm", _yes("cool cool, lock it in")),
    ("confirm", _yes("Absolutely, please proceed.")),
    (
        "confirm",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            "nah leave it",
            not_new_status="confirmed",
            pending="none",
        ),
    ),
    (
        "confirm",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            "yes but make it the second one",
            not_new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ hotel nights, guests
    (
        "hotel_dates",
        dialogue(
            "hotel in Boston this weekend, Friday and Saturday nights",
            calls=[hotel_search("boston", "2026-12-04", "2026-12-06")],
        ),
    ),
    (
        "hotel_dates",
        dialogue(
            "room in London next weekend pls - fri & sat night",
            calls=[hotel_search("london", "2026-12-11", "2026-12-13")],
        ),
    ),
    (
        "hotel_dates",
        dialogue(
            "Chicago hotel for the nights of Fri 11 and Sat 12 Dec",
            calls=[hotel_search("chicago", "2026-12-11", "2026-12-13")],
        ),
    ),
    (
        "hotel_dates",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            "actually there'll be two of us - add Sam Lee",
            not_new_status="confirmed",
            any_call=[
                {"tool": "search_flights", "args": {"passengers": 2}},
                {"tool": "reserve", "args": {"items": [{"quantity": 2}]}},
            ],
        ),
    ),
]


# Still failing (strict xfail: a fix that makes one pass must take its number out).
GAPS: set[int] = set()  # 1-3 (two requests) closed by tworeq24, 18, 19 by compound24


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_compound23(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- guards (written after the fix)
# Other phrasings of the kinds fixed, written after the fixes as guards: they read the
# message as a whole kind (a pause, a yes, a correction, days compared, nights slept).


@pytest.mark.parametrize(
    "text",
    [
        "one moment please, just checking with my manager",
        "cheers! give me a minute, need to check my diary",
        "hold on - I'll run it past my boss real quick",
        "bear with me",
        "ok one sec",
        "brb, checking with finance",
        "thank you! let me just double check the dates with my team first",
    ],
)
def test_a_pause_at_a_confirmation_is_neither_yes_nor_no(text: str) -> None:
    assert classify(text).answer == Answer.WAIT
    assert yes_or_no(text) is None
    assert understand(text, NOW).intent == Intent.WAIT


@pytest.mark.parametrize(
    "text",
    [
        "no, hang on, don't book it",
        "wait, no - cancel that",
        "not yet, I need to ask my boss first",
    ],
)
def test_a_pause_with_a_no_is_a_no(text: str) -> None:
    assert yes_or_no(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "that's brilliant, book it",
        "Yes, that'll do nicely",
        "yep, happy with that",
        "right, he's fine with it, go ahead",
        "fab, go for it",
        "that's grand so",
    ],
)
def test_everyday_yeses(text: str) -> None:
    assert yes_or_no(text) is True


@pytest.mark.parametrize(
    ("text", "depart"),
    [
        ("Boston to Chicago on the 11th, sorry I mean the 12th", "2026-12-12"),
        ("NYC to Miami dec 20 - no, dec 21", "2026-12-21"),
        ("fly to atlanta on the 8th, or rather the 9th", "2026-12-09"),
        ("London to Paris Fri 11 Dec, oops, Sat 12 Dec", "2026-12-12"),
    ],
)
def test_a_day_corrected_as_it_is_said(text: str, depart: str) -> None:
    d = understand(text, NOW).dates
    assert (str(d.depart), d.ret) == (depart, None)


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("Boston to Atlanta wed or thurs, whichever is cheaper", ("2026-12-02", "2026-12-03")),
        ("jfk-mia the 15th or the 16th, cheaper one pls", ("2026-12-15", "2026-12-16")),
        ("either friday or saturday to Chicago, I don't mind which", ("2026-12-04", "2026-12-05")),
    ],
)
def test_two_days_joined_by_or_are_compared(text: str, window: tuple[str, str]) -> None:
    flex = understand(text, NOW).dates.flexible
    assert flex is not None
    assert (str(flex[0]), str(flex[1])) == window


@pytest.mark.parametrize(
    ("text", "stay"),
    [
        ("hotel in Miami next weekend, Fri and Sat nights", ("2026-12-11", "2026-12-13")),
        ("a room in Dublin friday & saturday night", ("2026-12-04", "2026-12-06")),
        (
            "hotel in Madrid this weekend - friday, saturday and sunday nights",
            ("2026-12-04", "2026-12-07"),
        ),
    ],
)
def test_weekdays_then_nights_are_the_nights_slept(text: str, stay: tuple[str, str]) -> None:
    d = understand(text, NOW).dates
    assert (str(d.depart), str(d.ret)) == stay


async def test_a_lone_month_moves_the_trip(worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(
        dialogue(
            "Boston to Atlanta on the 8th please",
            "sorry, I meant February",
            tools_exclude=NO_BOOK,
            calls=[_fs("Boston", "Atlanta", "2027-02-08")],
        ),
        worlds,
        tmp_path,
    )
