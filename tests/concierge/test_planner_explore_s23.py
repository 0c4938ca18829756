"""New trips in everyday language, as ordinary users write them (issue 10; explore23).

Written from the user's side BEFORE reading the planner: one-way and round trips,
hotels, picks (by number, time, carrier, "cheapest", "the first one both ways"),
passenger counts and named colleagues (lowercase names too), dates in every common form
(US/UK numeric, "a week from monday", "mid-december", "this weekend, back monday the
7th", "long weekend", across the year end), preferences (nonstop, morning, evening,
under $X, window/aisle), Slack-style terse requests, chatty long ones and typos. Every
flight, time, carrier and hotel named was checked against the real search tools at the
harness clock (Tue 2026-12-01 09:00 UTC; ava flies from JFK / New York).

Batch 1 (CASES, 40 phrasings), run once at 21:13 UTC on main 80a567d before any fix:
**33/40 = 82 %** first try. By kind: one-way 4/4, round trip 3/5, hotel 4/4, picks 6/6,
party 4/5, dates 4/6, preferences 3/4, terse 1/2, chatty 1/1, typos 2/2, check-in 1/1.
One failure was an invalid expectation ("under $600" keeps the dearer options in the
list and names the ones within the budget; corrected with a comment); 6 gaps: "this weekend, back monday the 7th" came
back on Sunday (the named day back was dropped for the weekend's end); "long weekend in
miami, leaving friday the 11th" searched this weekend; "tom and priya together" flew one
(two lowercase names not counted); "mid-december" asked which day; "boston 11/12, I'm in
the London office this week" flew Boston → London (where one is now read as the
destination); "jfk-bos 12/10 am" kept
afternoon/evening options ("am" not read as the morning).

Batch 2 (ROUND_2, 20 phrasings), written after batch 1's fixes and run once at 21:46 UTC
before any fix for them: **17/20 = 85 %** first try. By kind: one-way 2/2, round trip
3/3, hotel 2/2, picks 3/3, party 1/3, dates 3/3, preferences 2/2, terse 0/1, chatty 1/1.
No failure was an invalid expectation; 3 gaps: "me, mia and erin" (the speaker in a
lowercase list of three) flew one; "Sam and Jo are both going" (a cue word after "are")
flew one; "lga-mia 16 dec pm" ("pm" after a month's name) kept the morning flights.

After the fixes: all 60 pass, with two cases for the noticed defects (DEFECTS: a refusal
beside a search now opens a new paragraph before the results; a check-in answer for a
trip waiting for approval quotes its own window). The parametrised mechanism tests at
the bottom are guards, written after the fixes (variants of each kind: weekends beside a
day, parts of a month, people listed with or without the speaker, am/pm after a date,
where the speaker is now).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from concierge.planner.nlu.dates import read_dates
from concierge.planner.nlu.intents import understand
from tests.concierge.heldout.harness import (
    Case,
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

D = date


def _fs(dest: str, date: Any, **args: Any) -> dict[str, Any]:
    return {"tool": "search_flights", "args": {"destination": dest, "date": date, **args}}


def _leg(origin: str, dest: str, date: Any, **args: Any) -> dict[str, Any]:
    return {
        "tool": "search_flights",
        "args": {"origin": origin, "destination": dest, "date": date, **args},
    }


def _hotel(city: str, check_in: Any, check_out: Any) -> dict[str, Any]:
    return {
        "tool": "search_hotels",
        "args": {"city": city, "check_in": check_in, "check_out": check_out},
    }


def _between(a: str, b: str) -> dict[str, list[str]]:
    return {"between": [a, b]}


NOT_ASKING_DATE = ["what date", "which date", "which day", "what day", "when would you"]

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ one-way
    ("ow", dialogue("need a flight nyc to atlanta wed 9 dec",
                    calls=[_leg("New York", "Atlanta", "2026-12-09")])),
    ("ow", dialogue("Could you please find me a one-way from JFK to Miami on 12/16?",
                    calls=[_leg("JFK", "Miami", "2026-12-16")])),
    ("ow", dialogue("fly me to madrid on the 7th of january", calls=[_fs("Madrid", "2027-01-07")])),
    ("ow", dialogue("one way to chicago next tuesday", calls=[_fs("Chicago", "2026-12-08")])),
    # ------------------------------------------------------------ round trips
    ("rt", dialogue("boston this weekend, back monday the 7th",
                    calls=[_fs("Boston", _between("2026-12-04", "2026-12-06")),
                           _leg("Boston", "New York", "2026-12-07")])),
    ("rt", dialogue("long weekend in miami, leaving friday the 11th",
                    calls=[_fs("Miami", "2026-12-11"),
                           _leg("Miami", "New York", _between("2026-12-13", "2026-12-14"))])),
    ("rt", dialogue("round trip sf, 15/12 to 18/12",
                    calls=[_fs("San Francisco", "2026-12-15"),
                           _leg("San Francisco", "New York", "2026-12-18")])),
    ("rt", dialogue("I need to get to London for a workshop on Jan 5th and come back Jan 8th",
                    calls=[_fs("London", "2027-01-05"), _leg("London", "New York", "2027-01-08")])),
    ("rt", dialogue("dublin over new year, out 29th back 2nd",
                    calls=[_fs("Dublin", "2026-12-29"), _leg("Dublin", "New York", "2027-01-02")])),
    # ------------------------------------------------------------ hotels
    ("ho", dialogue("hotel in paris for 3 nights from the 16th",
                    calls=[_hotel("Paris", "2026-12-16", "2026-12-19")])),
    ("ho", dialogue("need a room in boston tues to thurs next week",
                    calls=[_hotel("Boston", "2026-12-08", "2026-12-10")])),
    ("ho", dialogue("somewhere to stay in madrid 30 Dec – 2 Jan",
                    calls=[_hotel("Madrid", "2026-12-30", "2027-01-02")])),
    ("ho", dialogue("Can you book me a hotel in Chicago from 12/8 to 12/10? Something close to "
                    "downtown if possible.", calls=[_hotel("Chicago", "2026-12-08", "2026-12-10")])),
    # ------------------------------------------------------------ picks
    ("pk", dialogue("flights to boston thursday the 10th", "2", "yes",
                    new_status="confirmed", segments=[{"flight": "AA 1038"}])),
    ("pk", dialogue("boston 10th back 11th", "the first one both ways", "yes",
                    new_status="confirmed",
                    segments=[{"flight": "B6 1024"}, {"flight": "DL 1059"}])),
    ("pk", dialogue("miami on the 11th", "the afternoon american one", "yes",
                    new_status="confirmed", segments=[{"flight": "AA 1169"}])),
    ("pk", dialogue("chicago on the 8th", "cheapest", "yep",
                    new_status="confirmed", segments=[{"flight": "UA 1149"}])),
    ("pk", dialogue("round trip to atlanta 9th to 11th", "3 out, 1 back", "yes",
                    new_status="confirmed",
                    segments=[{"flight": "AA 1010"}, {"flight": "AA 1009"}])),
    ("pk", dialogue("flight to boston on the 10th", "the 12:05 please", "confirm",
                    new_status="confirmed", segments=[{"flight": "DL 1058"}])),
    # ------------------------------------------------------------ party
    ("px", dialogue("me and mia to boston on the 10th",
                    calls=[_fs("Boston", "2026-12-10", passengers=2)])),
    ("px", dialogue("tom and priya together by the window, lga to miami 16th",
                    calls=[_leg("LGA", "Miami", "2026-12-16", passengers=2)])),
    ("px", dialogue("three of us need to fly to chicago on dec 8",
                    calls=[_fs("Chicago", "2026-12-08", passengers=3)])),
    ("px", dialogue("me + 2 colleagues, boston 10th, returning 11th",
                    calls=[_fs("Boston", "2026-12-10", passengers=3),
                           _leg("Boston", "New York", "2026-12-11", passengers=3)])),
    ("px", dialogue("me and priya to atlanta 9 dec", "the cheapest",
                    calls=[{"tool": "reserve", "args": {"items": [{"quantity": 2}]}}])),
    # ------------------------------------------------------------ dates
    ("dt", dialogue("flight to boston a week from monday", calls=[_fs("Boston", "2026-12-14")])),
    ("dt", dialogue("flights to paris mid-december",
                    calls=[_fs("Paris", _between("2026-12-13", "2026-12-18"))],
                    reply_not_contains=NOT_ASKING_DATE)),
    ("dt", dialogue("miami on 12/18", calls=[_fs("Miami", "2026-12-18")])),
    ("dt", dialogue("boston 11/12 please, I'm in the London office this week",
                    calls=[_fs("Boston", "2026-12-11")])),
    ("dt", dialogue("atlanta first thing on the 2nd of jan",
                    calls=[_fs("Atlanta", "2027-01-02")], options={"depart_before": "12:00"})),
    ("dt", dialogue("chicago the day after tomorrow", calls=[_fs("Chicago", "2026-12-03")])),
    # ------------------------------------------------------------ preferences
    ("pf", dialogue("nonstop to SF on the 15th, morning please",
                    calls=[_fs("San Francisco", "2026-12-15", max_stops=0)],
                    options={"depart_before": "12:00"})),
    # Corrected after the first run (an invalid expectation): the list may keep the dearer
    # options when the reply names which ones are within the budget.
    ("pf", dialogue("paris on the 16th under $600",
                    calls=[_fs("Paris", "2026-12-16")], reply_contains="AF 6",
                    reply_matches=r"(?:within|under) your \$?600 budget: flights 1, 2\b")),
    ("pf", dialogue("aisle seat, evening flight to boston on the 10th",
                    calls=[_fs("Boston", "2026-12-10")], options={"depart_after": "17:00"})),
    ("pf", dialogue("cheapest nonstop to london on the 14th",
                    calls=[_fs("London", "2026-12-14", max_stops=0)], reply_contains="BA 19")),
    # ------------------------------------------------------------ terse / Slack
    ("tr", dialogue("jfk-bos 12/10 am", calls=[_leg("JFK", "Boston", "2026-12-10")],
                    options={"depart_before": "12:00"})),
    ("tr", dialogue("sfo 15th rt back 18th",
                    calls=[_fs("San Francisco", "2026-12-15"),
                           _leg("San Francisco", "New York", "2026-12-18")])),
    # ------------------------------------------------------------ chatty
    ("ch", dialogue("Hey! Hope you're well. So my manager just told me I need to be at our "
                    "Atlanta office next Wednesday for a planning session - it starts at 10 so "
                    "I'd rather fly in the day before. Could you see what's available from New "
                    "York?", calls=[_leg("New York", "Atlanta", "2026-12-08")])),
    # ------------------------------------------------------------ typos
    ("ty", dialogue("flihgt to chcago on teh 8th pls", calls=[_fs("Chicago", "2026-12-08")])),
    ("ty", dialogue("hotell in bostn 10-12 dec",
                    calls=[_hotel("Boston", "2026-12-10", "2026-12-12")])),
    # ------------------------------------------------------------ check-in (noticed)
    ("ci", dialogue("when can I check in for my london flight?", world="trips",
                    tools_exclude=["search_flights"], nothing_changed=True,
                    reply_contains="22:30",
                    reply_contains_any=[["13 Dec", "Dec 13", "Sunday", "13th"]])),
]

# Batch 2 (20 phrasings), written after batch 1's fixes, before running them.
ROUND_2: list[tuple[str, Case]] = [
    ("ow", dialogue("can u get me on a plane to dublin jan 4", calls=[_fs("Dublin", "2027-01-04")])),
    ("ow", dialogue("I have to be in Madrid by the morning of the 10th of December - what's "
                    "there from New York the day before?",
                    calls=[_leg("New York", "Madrid", "2026-12-09")])),
    ("rt", dialogue("atlanta next thurs, back sat",
                    calls=[_fs("Atlanta", "2026-12-10"), _leg("Atlanta", "New York", "2026-12-12")])),
    ("rt", dialogue("weekend in chicago, fly out friday 18th come back sunday",
                    calls=[_fs("Chicago", "2026-12-18"), _leg("Chicago", "New York", "2026-12-20")])),
    ("rt", dialogue("Paris 28/12 → 03/01 return",
                    calls=[_fs("Paris", "2026-12-28"), _leg("Paris", "New York", "2027-01-03")])),
    ("ho", dialogue("hotel in london from the 21st for a week",
                    calls=[_hotel("London", "2026-12-21", "2026-12-28")])),
    ("ho", dialogue("2 rooms in miami 11-13 dec",
                    calls=[{"tool": "search_hotels", "args": {
                        "city": "Miami", "check_in": "2026-12-11", "check_out": "2026-12-13",
                        "rooms": 2}}])),
    ("pk", dialogue("nyc to sf 15th", "the delta at 6:10", "yes pls",
                    new_status="confirmed", segments=[{"flight": "DL 1147"}])),
    ("pk", dialogue("boston 10th returning 11th", "cheapest out, 9am back", "yes",
                    new_status="confirmed",
                    segments=[{"flight": "B6 1024"}, {"flight": "B6 1021"}])),
    ("pk", dialogue("chicago 8th", "number 4", "ok",
                    new_status="confirmed", segments=[{"flight": "B6 1057"}])),
    ("px", dialogue("flights for 4 people to atlanta on 9th",
                    calls=[_fs("Atlanta", "2026-12-09", passengers=4)])),
    ("px", dialogue("Sam and Jo are both going to Miami on the 11th, can you find something",
                    calls=[_fs("Miami", "2026-12-11", passengers=2)])),
    ("px", dialogue("me, mia and erin to boston 10th",
                    calls=[_fs("Boston", "2026-12-10", passengers=3)])),
    ("dt", dialogue("london two weeks from today", calls=[_fs("London", "2026-12-15")])),
    ("dt", dialogue("flight to chicago on the 8th of next month",
                    calls=[_fs("Chicago", "2027-01-08")])),
    ("dt", dialogue("miami early jan", calls=[_fs("Miami", _between("2027-01-01", "2027-01-07"))],
                    reply_not_contains=NOT_ASKING_DATE)),
    ("pf", dialogue("morning nonstop to atlanta on the 9th",
                    calls=[_fs("Atlanta", "2026-12-09", max_stops=0)],
                    options={"depart_before": "12:00"})),
    ("pf", dialogue("evening flight to miami 11th, jetblue if possible",
                    calls=[_fs("Miami", "2026-12-11")], options={"depart_after": "17:00"},
                    reply_contains="B6 1055")),
    ("tr", dialogue("lga-mia 16 dec pm", calls=[_leg("LGA", "Miami", "2026-12-16")],
                    options={"depart_after": "12:00"})),
    ("ch", dialogue("Hi! Quick one - we've got an offsite in Boston that runs Wednesday the 9th "
                    "to Friday the 11th. I'll need a flight up on the Wednesday morning and back "
                    "Friday evening, plus a hotel for those two nights. Thanks so much!",
                    calls=[_fs("Boston", "2026-12-09"), _leg("Boston", "New York", "2026-12-11"),
                           _hotel("Boston", "2026-12-09", "2026-12-11")])),
]

# The noticed defects, as cases (written with the fixes): a word said beside a search
# (a refusal to book for someone else) runs into the results without a paragraph break.
DEFECTS: list[tuple[str, Case]] = [
    ("nl", dialogue("Book Victor on a flight to boston on the 10th",
                    calls=[_fs("Boston", "2026-12-10")],
                    reply_matches=r"can't book for Victor.*\.\n\n\*\*Flights")),
    # Check-in for a trip waiting for approval: when it would open, from its own window.
    ("ci", dialogue("check me in for my paris flight", world="trips",
                    tools_exclude=["check_in"], nothing_changed=True,
                    reply_contains=["approv", "DL 15", "Wed 2 Dec 22:10"])),
]


worlds = worlds_fixture("empty", "trips")


@pytest.mark.parametrize(
    "case",
    [
        *(pytest.param(c, id=f"{area}-{i:02d}-{c.id[:30]}") for i, (area, c) in enumerate(CASES)),
        *(
            pytest.param(c, id=f"r2-{area}-{i:02d}-{c.id[:30]}")
            for i, (area, c) in enumerate(ROUND_2)
        ),
        *(
            pytest.param(c, id=f"d-{area}-{i:02d}-{c.id[:30]}")
            for i, (area, c) in enumerate(DEFECTS)
        ),
    ],
)
async def test_a_new_trip_runs_as_a_user_means_it(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- mechanisms, directly


@pytest.mark.parametrize(
    ("text", "out", "back"),
    [
        ("boston this weekend, back monday the 7th", D(2026, 12, 5), D(2026, 12, 7)),
        ("this weekend in boston, back monday", D(2026, 12, 5), D(2026, 12, 7)),
        ("long weekend in miami, leaving friday the 11th", D(2026, 12, 11), D(2026, 12, 14)),
        ("a long weekend in miami, back monday the 14th", D(2026, 12, 11), D(2026, 12, 14)),
        ("weekend in boston from the 11th", D(2026, 12, 11), D(2026, 12, 13)),
        ("boston for the weekend, leaving the 11th", D(2026, 12, 11), D(2026, 12, 13)),
        ("miami for the weekend of the 12th", D(2026, 12, 12), D(2026, 12, 13)),
        ("boston this weekend", D(2026, 12, 5), D(2026, 12, 6)),
    ],
)
def test_a_weekend_beside_a_day_out_or_back(text: str, out: date, back: date) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret) == (out, back)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("flights to paris mid-december", D(2026, 12, 12), D(2026, 12, 18)),
        ("miami mid dec", D(2026, 12, 12), D(2026, 12, 18)),
        ("boston early january", D(2027, 1, 1), D(2027, 1, 7)),
        ("the end of december to london", D(2026, 12, 25), D(2026, 12, 31)),
        ("late dec to dublin", D(2026, 12, 22), D(2026, 12, 28)),
    ],
)
def test_a_part_of_a_month_is_days_to_compare_not_a_question(
    text: str, first: date, last: date
) -> None:
    reading = read_dates(text, NOW)
    assert reading.question is None
    assert reading.flexible == (first, last)


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("tom and priya together by the window, lga to miami 16th", 2),
        ("Ana and Raj both need to be in Boston on the 10th", 2),
        ("book sam, kim and lee together to chicago 8th", 3),
        ("flight and hotel together to boston 10th", None),
        ("me, mia and erin to boston 10th", 3),
        ("Sam and Jo are both going to Miami on the 11th", 2),
        ("mia and erin to boston 10th", None),
        ("Boston and Chicago are both options", None),
        ("window and aisle together pls", None),
        ("boston and chicago both on the 10th", None),
    ],
)
def test_people_named_without_the_speaker_are_the_seats(text: str, people: int | None) -> None:
    assert understand(text, NOW).passengers == people


@pytest.mark.parametrize(
    ("text", "after", "before"),
    [
        ("jfk-bos 12/10 am", None, "12:00"),
        ("jfk-bos 12/10 pm", "17:00", None),
        ("boston the 10th am", None, "12:00"),
        ("boston 12/10 at 10 am", "09:00", "11:00"),
        ("lga-mia 16 dec pm", "17:00", None),
        ("boston 10 dec am", None, "12:00"),
    ],
)
def test_am_or_pm_after_a_date_is_a_part_of_the_day(
    text: str, after: str | None, before: str | None
) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart_after, reading.depart_before) == (after, before)


@pytest.mark.parametrize(
    ("text", "origin", "dest"),
    [
        ("boston 11/12 please, I'm in the London office this week", "London", "Boston"),
        ("we're currently in dublin - london on the 14th?", "Dublin", "London"),
        ("I'm in paris till friday, need to get to madrid on the 11th", "Paris", "Madrid"),
    ],
)
def test_where_the_speaker_is_now_is_where_they_leave_from(
    text: str, origin: str, dest: str
) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.origin.place is not None
    assert u.destination is not None
    assert u.destination.place is not None
    assert (u.origin.place.city, u.destination.place.city) == (origin, dest)
