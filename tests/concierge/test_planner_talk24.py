"""Small talk, thanks and honest answers (issue 10; now = Tue 1 Dec 2026).

Phrasings written from the user's side before reading the planner code for these kinds
(only the held-out gap cases of batches 33/34 were read), run once on main 461ea87
before any fix. First try, by kind:
small talk 1/5, thanks after a booking 0/4, a pause at a confirmation then a yes 0/4
(every pause lost the hold), can't answer 1/5 (weather read as a flight or a trip list,
spend as a trip list), policy with a day as background 2/5 — 4/23 = 17 %.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.nlu.answers import Answer, classify
from concierge.planner.nlu.intents import Intent, understand
from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

worlds = worlds_fixture("empty", "trips")


NOT_GOT = ["didn't quite get"]
QUIET: dict[str, Any] = {
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "confirm_booking"],
    "nothing_changed": True,
    "reply_not_contains": NOT_GOT,
}
CANT = ["can't", "cannot", "don't have", "not able", "unable", "no access"]


def _after_search(say: str) -> Case:
    """Small talk between a search and a pick: quiet, and the pick still works."""
    return dialogue(
        "JFK to Boston on the 15th please",
        (say, QUIET),
        "the first one",
        pending="confirm_booking",
    )


def _after_booking(say: str) -> Case:
    """Thanks after a booking: no tools, a polite reply."""
    return dialogue(
        "JFK to Boston on the 16th",
        ("first one", {"pending": "confirm_booking"}),
        ("yes please", {"new_status": "confirmed"}),
        say,
        no_tools=True,
        new_bookings=1,
        new_status="confirmed",
        reply_not_contains=NOT_GOT,
    )


def _pause_then_yes(pause: str, yes: str) -> Case:
    return dialogue(
        "JFK to Boston on the 16th",
        ("first one", {"pending": "confirm_booking"}),
        (
            pause,
            {"new_status": "held", "pending": "confirm_booking", "reply_not_contains": NOT_GOT},
        ),
        yes,
        new_bookings=1,
        new_status="confirmed",
    )


def _cant(say: str, *topic: str, world: str = "empty", user: str = "ava") -> Case:
    return dialogue(
        say,
        world=world,
        user=user,
        tools_exclude=["search_flights", "search_hotels", "reserve"],
        nothing_changed=True,
        reply_contains_any=[list(topic), CANT] if topic else [CANT],
    )


def _policy(say: str, *contains: str, user: str = "ava", any_of: list[str] | None = None) -> Case:
    expect: dict[str, Any] = {
        "tools_include": ["get_policy"],
        "tools_exclude": ["reserve", "search_flights"],
        "nothing_changed": True,
        "reply_contains": list(contains),
    }
    if any_of:
        expect["reply_contains_any"] = [any_of]
    return dialogue(say, user=user, **expect)


NEVER = ["never", "not allowed", "isn't allowed", "red", "can't", "cannot"]

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ small talk, no pending
    ("small_talk", _after_search("ooh that was fast, thanks!")),
    ("small_talk", _after_search("brilliant, ta very much")),
    ("small_talk", _after_search("thx!! you're a star")),
    (
        "small_talk",
        dialogue(
            "Hello there, how are you today?",
            no_tools=True,
            nothing_changed=True,
            reply_not_contains=NOT_GOT,
        ),
    ),
    (
        "small_talk",
        dialogue(
            "good afternoon :) hope your day's going well",
            no_tools=True,
            nothing_changed=True,
            reply_not_contains=NOT_GOT,
        ),
    ),
    ("thanks", _after_booking("cheers, that's everything for now")),
    ("thanks", _after_booking("perfect, thank you so much — that's all I needed")),
    ("thanks", _after_booking("great stuff, ta! all done for today")),
    ("thanks", _after_booking("many thanks, have a good one")),
    # ------------------------------------------------------------ pause at a confirmation
    (
        "pause",
        _pause_then_yes(
            "lovely, cheers — give me a sec to check with my wife", "all good, go ahead and book it"
        ),
    ),
    (
        "pause",
        _pause_then_yes(
            "nice one, thanks! just a sec while I check my calendar", "ok all fine, book it please"
        ),
    ),
    (
        "pause",
        _pause_then_yes(
            "great, ta — hang on a moment, checking with my manager", "she says yes, go ahead"
        ),
    ),
    (
        "pause",
        _pause_then_yes("perfect thank you, bear with me a minute", "right, all good - confirm it"),
    ),
    # ------------------------------------------------------------ can't answer
    (
        "cant",
        _cant("what's the weather going to be like in Paris next week?", "weather", "forecast"),
    ),
    ("cant", _cant("is it going to snow in Boston while I'm there?", "weather", "forecast")),
    ("cant", _cant("How much did my team spend on travel last month?")),
    (
        "cant",
        _cant("what's our total travel spend for the Sales department this year?", user="victor"),
    ),
    (
        "cant",
        _cant("Will it be sunny in London during my trip?", "weather", "forecast", world="trips"),
    ),
    # ------------------------------------------------------------ policy with a day as background
    (
        "policy",
        _policy(
            "I started at Acme on Monday - which airlines should I be using?", "British Airways"
        ),
    ),
    (
        "policy",
        _policy(
            "New here since last week! which hotel chains do we prefer?",
            any_of=["Marriott", "Hilton"],
        ),
    ),
    ("policy", _policy("Can I fly first class to Paris next month?", "first", any_of=NEVER)),
    (
        "policy",
        _policy(
            "could Mia go first class to London in January? she's senior",
            "first",
            user="victor",
            any_of=NEVER,
        ),
    ),
    ("policy", _policy("flying to London next Tuesday - am I allowed business class?", "business")),
]

# Still failing (strict xfail): 18 "I started at Acme on Monday - which airlines ..."
# reads as a search (the day and "at Acme" win over the question). (11, "she says yes, go
# ahead" after a pause, closed by explore24: someone's yes reported is an assurance.)
GAPS = {18}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_talk24(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- guards (written after the fix)
# Other phrasings of the kinds fixed, written after the fixes: a message wholly made of
# pleasantries is small talk, a request beside them still a request; a pause that says
# why keeps the question open; questions nobody has data for get the honest "can't".


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hey there! how's it going?", Intent.GREET),
        ("morning all 👋", Intent.GREET),
        ("wow, that was fast — cheers mate", Intent.THANKS),
        ("lovely stuff, thanks so much, bye for now", Intent.THANKS),
        ("that's everything, have a great weekend :)", Intent.THANKS),
        ("ta, you're a lifesaver", Intent.THANKS),
        ("thanks! and a hotel in Paris 14-16 Dec", Intent.SEARCH),
        ("great, now a flight to Boston on the 12th", Intent.SEARCH),
        ("will it snow in Chicago next week?", Intent.OUT_OF_SCOPE),
        ("how much did finance spend on flights last quarter?", Intent.OUT_OF_SCOPE),
        ("which hotel chains are we supposed to use?", Intent.POLICY),
        ("could Ava fly business to Paris?", Intent.POLICY),
    ],
)
def test_guard_reading(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "cheers! give me one minute to ask my manager",
        "nice one — just a sec while I check with my boss",
        "perfect, hold on a moment",
        "brilliant, bear with me",
    ],
)
def test_guard_pause(text: str) -> None:
    assert classify(text).answer == Answer.WAIT
