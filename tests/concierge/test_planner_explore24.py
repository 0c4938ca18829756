"""A mixed help-desk day (now = Tue 1 Dec 2026): managers, a policy question then an
action, booking for several named colleagues, corrections, small talk and thanks in the
middle of a flow, phone shorthand, UK dates, clock times, everyday answers at a
confirmation, things the product can't do, check-in questions and bad input.

Phrasings written from the user's side before reading the planner code (only the
held-out harness, compound23's module, the seed's people/policy and the tools' input
models were read), run once on main 2beee8b unchanged. First try, by kind:
managers 6/7 ("find her a hotel" after the manager's approvals list booked it for the
manager herself), policy then an action 2/4 ("find me one under that", "get me a room
there" after a cap answer searched nothing), several colleagues 3/4 ("i and tom" read as
one seat), corrections 4/4, small talk at a hold 2/4 ("how's your day going?" and a
weather question dropped the pending confirmation), phone shorthand 5/6 ("atlnta" not
read: searched from home), UK dates 2/3 ("3/1" read as 1 March, beyond the schedule),
clock times 1/3 ("16th 10am" ignored; "10 am" read as "morning"), answers at a
confirmation 3/4 ("she says yes, go ahead" after "let me check with my manager" offered
to cancel), can't-do 1/2 ("email me the itinerary": "didn't quite get that"), check-in
1/2 ("what time can I get into my hotel room" answered with the hotel cap), bad input
2/2 — 31/45 as run; one invalid expectation (a search checked on the wrong turn) was
corrected, so 32/45 = 71 %.

After the fixes (explore24): 44/45. Still open: "Madrid to London, 3/1" (a numeric date
read month-first for a US traveller though the route is European).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.nlu.answers import yes_or_no
from concierge.planner.nlu.intents import Intent, understand
from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

worlds = worlds_fixture("empty", "trips")


NO_BOOK = ["reserve", "confirm_booking"]
NO_SEARCH = ["search_flights", "search_hotels", "reserve", "confirm_booking"]
HELD = {"pending": "confirm_booking", "new_bookings": 1, "new_status": "held"}
BOOKED = {"new_bookings": 1, "new_status": "confirmed", "pending": "none"}
CANT = [["can't", "cannot", "not able", "unable", "don't", "isn't something"]]


def _at_hold(*after: str | tuple[str, dict[str, Any]], **expect: Any) -> Case:
    """JFK→Boston on the 16th, the first option held, then ``after``."""
    return dialogue(
        "JFK to Boston on the 16th",
        ("first one", {"pending": "confirm_booking"}),
        *after,
        **expect,
    )


def _wait(*after: str | tuple[str, dict[str, Any]]) -> Case:
    return _at_hold(
        *after,
        tools_exclude=["confirm_booking", "cancel_booking", "reserve", "search_flights"],
        **HELD,
    )


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ managers
    (
        "manager",
        dialogue(
            "anything waiting on me?",
            user="mia",
            world="trips",
            tools_include=["list_approvals"],
            nothing_changed=True,
            reply_contains=["Paris"],
        ),
    ),
    (
        "manager",
        dialogue(
            "what needs my approval today",
            user="mia",
            world="trips",
            nothing_changed=True,
            reply_contains=["Ava"],
        ),
    ),
    (
        "manager",
        dialogue(
            "approve ava's paris trip pls",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "approve"},
        ),
    ),
    (
        "manager",
        dialogue(
            "whats pending for me?",
            "reject it - not enough notice",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
        ),
    ),
    (
        "manager",
        dialogue(
            (
                "book Ava on JFK to Boston on the 16th",
                {"calls": [flight_search("JFK", "Boston", "2026-12-16")]},
            ),
            "first one",
            user="mia",
            any_call=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
        ),
    ),
    (
        "manager",
        dialogue(
            "Can you find Ava Patel a hotel in London 14-16 Dec",
            "the first please",
            user="mia",
            any_call=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
        ),
    ),
    (
        "manager",
        dialogue(
            "what's waiting for me?",
            "ok and find her a hotel in Paris from the 3rd to the 5th",
            "first one",
            user="mia",
            world="trips",
            any_call=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
        ),
    ),
    # ------------------------------------------------------------ policy, then an action
    (
        "policy_then_act",
        dialogue(
            ("ok so what's the cap in Paris for hotels?", {"reply_contains": ["300"]}),
            "fine, find me one under that for 14-16 dec",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-16")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "policy_then_act",
        dialogue(
            ("whats the nightly limit for london", {"reply_contains": ["350"]}),
            "ok get me a room there for the 9th-11th",
            calls=[hotel_search("london", "2026-12-09", "2026-12-11")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "policy_then_act",
        dialogue(
            ("how far ahead do I have to book flights?", {"reply_contains": ["7"]}),
            "ok then JFK to Miami on the 20th",
            calls=[flight_search("JFK", "Miami", "2026-12-20")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "policy_then_act",
        dialogue(
            "what's the hotel cap in paris",
            user="gus",
            reply_contains=["275"],
            nothing_changed=True,
            tools_exclude=NO_SEARCH,
        ),
    ),
    # ------------------------------------------------------------ several named colleagues
    (
        "colleagues",
        dialogue(
            "JFK to Boston on the 16th for me, Fin and Mia",
            calls=[flight_search("JFK", "Boston", "2026-12-16", passengers=3)],
        ),
    ),
    (
        "colleagues",
        dialogue(
            "flights NYC to Chicago on the 10th for me and tom",
            calls=[flight_search("New York", "Chicago", "2026-12-10", passengers=2)],
        ),
    ),
    (
        "colleagues",
        dialogue(
            "i and tom need to get to miami from jfk on the 15th",
            calls=[flight_search("JFK", "Miami", "2026-12-15", passengers=2)],
        ),
    ),
    (
        "colleagues",
        dialogue(
            "Fin and Mia Chen need flights JFK to Boston on the 16th, together please",
            "first one",
            any_call=[{"tool": "reserve", "args": {"items": [{"quantity": 2}]}}],
            not_new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ corrections
    (
        "correction",
        dialogue(
            "JFK to Atlanta tue 8 dec",
            "sorry, thursday not tuesday",
            calls=[flight_search("JFK", "Atlanta", "2026-12-10")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "correction",
        dialogue(
            "hotel in paris 14-16 dec",
            "oops I meant london",
            calls=[hotel_search("london", "2026-12-14", "2026-12-16")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "correction",
        dialogue(
            "Boston to Miami on the 18th for 2 people",
            "actually it's just me",
            calls=[flight_search("Boston", "Miami", "2026-12-18", passengers=1)],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "correction",
        dialogue(
            "ORD to SFO on the 9th",
            "hmm sorry I meant the 19th",
            user="gus",
            calls=[flight_search("Chicago", "San Francisco", "2026-12-19")],
            tools_exclude=NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ small talk mid-flow
    ("small_talk", _wait("thanks so much, you're a star")),
    ("small_talk", _wait("haha nice. how's your day going?")),
    ("small_talk", _at_hold("cheers", "yes book it", **BOOKED)),
    (
        "small_talk",
        _at_hold(
            "oh what's the weather like in boston that week?",
            tools_exclude=["confirm_booking", "cancel_booking", "search_flights"],
            reply_contains_any=CANT,
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ phone shorthand
    (
        "shorthand",
        dialogue("jfk to bos tmrw pls", calls=[flight_search("JFK", "Boston", "2026-12-02")]),
    ),
    (
        "shorthand",
        dialogue(
            "nxt wk tues lhr to cdg 2 ppl",
            calls=[flight_search("LHR", "Paris", "2026-12-08", passengers=2)],
        ),
    ),
    (
        "shorthand",
        dialogue(
            "flts nyc to chicgo fri", calls=[flight_search("New York", "Chicago", "2026-12-04")]
        ),
    ),
    (
        "shorthand",
        dialogue(
            "hotel in bostn 2 nts from the 12th",
            calls=[hotel_search("boston", "2026-12-12", "2026-12-14")],
        ),
    ),
    ("shorthand", dialogue("jfk to mia on the 15th", "opt 2 pls", pending="confirm_booking")),
    (
        "shorthand",
        dialogue("atlnta to miami thurs", calls=[flight_search("Atlanta", "Miami", "2026-12-03")]),
    ),
    # ------------------------------------------------------------ UK dates
    (
        "uk_dates",
        dialogue(
            "London to Dublin on 12/12", calls=[flight_search("London", "Dublin", "2026-12-12")]
        ),
    ),
    (
        "uk_dates",
        dialogue(
            "Madrid to London, 3/1 please", calls=[flight_search("Madrid", "London", "2027-01-03")]
        ),
    ),
    (
        "uk_dates",
        dialogue(
            "hotel in London from 21/12 to 23/12",
            calls=[hotel_search("london", "2026-12-21", "2026-12-23")],
        ),
    ),
    # ------------------------------------------------------------ clock times
    (
        "times",
        dialogue(
            "JFK to Boston on the 16th 10am",
            calls=[flight_search("JFK", "Boston", "2026-12-16", depart_after={"le": "10:00"})],
        ),
    ),
    (
        "times",
        dialogue(
            "JFK to Boston 16th, 10 am flight pls",
            calls=[flight_search("JFK", "Boston", "2026-12-16", depart_after={"le": "10:00"})],
        ),
    ),
    (
        "times",
        dialogue(
            "ORD to SFO dec 9 around 6pm",
            user="gus",
            calls=[
                flight_search(
                    "Chicago", "San Francisco", "2026-12-09", depart_before={"ge": "18:00"}
                )
            ],
        ),
    ),
    # ------------------------------------------------------------ answers at a confirmation
    ("confirm", _at_hold("yeah go on then", **BOOKED)),
    ("confirm", _wait("hang on")),
    ("confirm", _at_hold("nope", not_new_status="confirmed", pending="none")),
    (
        "confirm",
        _at_hold(
            ("let me check with my manager", {"pending": "confirm_booking"}),
            "she says yes, go ahead",
            **BOOKED,
        ),
    ),
    # ------------------------------------------------------------ can't do
    (
        "cant_do",
        dialogue(
            "can you email me the itinerary?",
            world="trips",
            tools_exclude=NO_SEARCH,
            nothing_changed=True,
            reply_contains_any=CANT,
        ),
    ),
    (
        "cant_do",
        dialogue(
            "book me a table at a nice restaurant in paris",
            tools_exclude=NO_SEARCH,
            nothing_changed=True,
            reply_contains_any=CANT,
        ),
    ),
    # ------------------------------------------------------------ check-in questions
    (
        "check_in",
        dialogue(
            "when can I check in?",
            world="trips",
            tools_exclude=NO_SEARCH,
            nothing_changed=True,
            reply_contains_any=[["13 Dec", "Dec 13", "Sun 13", "24 hours", "15:00"]],
        ),
    ),
    (
        "check_in",
        dialogue(
            "what time can I get into my hotel room in london?",
            world="trips",
            tools_exclude=NO_SEARCH,
            nothing_changed=True,
            reply_contains=["15:00"],
        ),
    ),
    # ------------------------------------------------------------ bad input
    ("bad_input", dialogue("asdfgh jkl", tools_exclude=NO_SEARCH, nothing_changed=True)),
    ("bad_input", dialogue("JFK to JFK tomorrow", tools_exclude=NO_BOOK, nothing_changed=True)),
]


# Still failing (strict xfail: a fix that makes one pass must take its number out).
GAPS = {30}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_explore24(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- guards (written after the fix)
# Other phrasings of the kinds fixed, written after the fixes as guards: a pronoun for the
# person last named, someone's yes reported, laughter, sending by e-mail, a question in
# passing at a hold, a follow-up to a cap, "x and i", a clock time alone, a misspelt start.
# First try: 21/22 — "lol cheers" was still not small talk (laughter was read only
# before praise words); laughter is now read before any pleasantry. One guard, "the 7 am
# to london on the 14th", was reworded ("london on the 14th, 7 am please") once the held-
# out suite showed "the <time>" names a flight shown or booked (b27), not a wish.


@pytest.mark.parametrize(
    ("text", "them"),
    [
        ("can you book him on the 8am to boston tomorrow", True),
        ("she needs a hotel in london 14-16 dec", True),
        ("send it to her for approval", False),
    ],
)
def test_a_pronoun_names_someone_else(text: str, them: bool) -> None:
    assert understand(text, NOW).for_them is them


@pytest.mark.parametrize("text", ["my boss said yes, book it", "he gave it the ok - go ahead"])
def test_a_yes_reported_is_a_yes(text: str) -> None:
    assert yes_or_no(text) is True


@pytest.mark.parametrize("text", ["lol cheers", "hahaha great stuff"])
def test_laughter_is_small_talk(text: str) -> None:
    assert understand(text, NOW).intent == Intent.THANKS


@pytest.mark.parametrize(
    "text", ["could you email the confirmation to my assistant?", "text me the trip details pls"]
)
def test_sending_by_email_is_honestly_not_done(text: str) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.UNSUPPORTED
    assert u.unsupported is not None
    assert u.unsupported.feature == "send_out"


@pytest.mark.parametrize(
    ("text", "seats"), [("me and sam to chicago tmrw", 2), ("sam and i are flying to boston", 2)]
)
def test_someone_and_i_are_two(text: str, seats: int) -> None:
    assert understand(text, NOW).passengers == seats


def test_a_stay_for_days_is_no_party() -> None:
    assert understand("hotel in dublin for 9-11 jan", NOW).passengers is None


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("bos to jfk 8.30pm on the 12th", ("19:30", "21:30")),
        ("london on the 14th, 7 am please", ("06:00", "08:00")),
    ],
)
def test_a_clock_time_alone_is_about_then(text: str, window: tuple[str, str]) -> None:
    d = understand(text, NOW).dates
    assert (d.depart_after, d.depart_before) == window


@pytest.mark.parametrize(
    ("text", "city"),
    [("chicgo to atlanta on the 9th", "Chicago"), ("miammi - boston 12 dec", "Miami")],
)
def test_a_misspelt_start_of_a_route(text: str, city: str) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.origin.place is not None
    assert u.origin.place.city == city


GUARD_DIALOGUES = [
    dialogue(
        "anything for me to approve?",
        "book her on JFK to Boston on the 16th",
        "first one",
        user="mia",
        world="trips",
        any_call=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
    ),
    _wait("is it going to rain in boston on the 16th?"),
    dialogue(
        ("what's the hotel limit in Dublin?", {"reply_contains": ["Dublin"]}),
        "ok find me a room there 21-23 dec",
        calls=[hotel_search("dublin", "2026-12-21", "2026-12-23")],
    ),
]


@pytest.mark.parametrize("case", GUARD_DIALOGUES, ids=lambda c: c.turns[-1].say[:30])
async def test_guard_dialogues(case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
