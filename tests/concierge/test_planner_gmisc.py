"""Guards for the gaps closed by gmisc (now = Tue 1 Dec 2026; Ava's home airport JFK, Gus's
ORD; world ``trips``: Ava's London trip BA 19 JFK→LHR Mon 14 Dec 22:30, Holiday Inn Express
London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45; her Paris flight DL 15
BOS→CDG Thu 3 Dec 22:10 waiting for Mia).

Kinds (the held-out cases are tests/concierge/heldout/batch_55.yaml
b55_ht_cheapest_sf_tue_2_nights, batch_56.yaml b56_ad_hotel_after_flight_hold,
b56_aq_purpose_for_mia, b56_tr_paris_approval_then_home; none of their sentences is here):
- city_abbrev: lower-case city shorthand ("la", "dc", "sf", "chi", "bos") is the place
  where a place can stand; an everyday "la" is not.
- add_hotel_to_hold: a hotel asked "too" with its own nights at a flight hold's
  confirmation searches the hotel alone, in the flight's city; the hotel picked joins the
  held flight.
- purpose_answer: "it's for …" / "the trip's for …" at an approval-bound hold's
  confirmation is the trip's purpose, recorded; the yes then sends it for approval.
- home_as_place: "flights home from <city>" fly to the traveller's home airport.
- which_flight: after a list of several trips, "the flight" asks which.
- return_day: "out in the morning, back in the evening" with no day for the way back asks it.
- number_words: no spelling fixer turns a number word into another word.

Every phrasing here is a guard, written before it was run. First try (pytest -q -n 2
tests/concierge/test_planner_gmisc.py, 17:18 UTC, main fa31af4, before any fix): dialogues
4/18 — city_abbrev 2/5 ("bos -> sf sat", "ooh la la"), add_hotel_to_hold 2/3 ("and a hotel
too" searched flights again and the hotel replaced the flight hold), purpose_answer 0/3,
home_as_place 0/3, which_flight 0/2, return_day 0/2; number words 48/49 ("three" was
"there" to the answer reader).
After the fixes (18:17 UTC): dialogues 17/18, number words 49/49. Left as GAPS: 17 — "an
evening one back" gives the way back no part of the day (the dates reader reads "back in
the evening", not "an evening one back"), so nothing is left to ask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.nlu import answers, spelling
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

worlds = worlds_fixture("empty", "trips")

NO_SEARCH: dict[str, Any] = {"tools_exclude": ["search_flights", "search_hotels", "reserve"]}

CASES: list[tuple[str, Case]] = [
    # ---------------------------------------------------------------- city_abbrev
    (
        "city_abbrev",
        dialogue(
            "hotel in la fri 18th, 2 nights",
            calls=[hotel_search("Los Angeles", "2026-12-18", "2026-12-20")],
        ),
    ),
    (
        "city_abbrev",
        dialogue(
            "need a room in dc mon the 7th for 3 nights",
            calls=[hotel_search("Washington", "2026-12-07", "2026-12-10")],
        ),
    ),
    (
        "city_abbrev",
        dialogue(
            "sf to chi thu pls",
            calls=[flight_search("San Francisco", "Chicago", "2026-12-03")],
        ),
    ),
    (
        "city_abbrev",
        dialogue(
            "bos -> sf sat",
            calls=[flight_search("Boston", "San Francisco", "2026-12-05")],
        ),
    ),
    (
        "city_abbrev",
        dialogue("ooh la la, thx!", nothing_changed=True, **NO_SEARCH),
    ),
    # ---------------------------------------------------------------- add_hotel_to_hold
    (
        "add_hotel_to_hold",
        dialogue(
            "JFK to London on the 15th",
            "BA 17",
            (
                "could you add a hotel as well? 16th to the 19th, cheapest is fine",
                {
                    "calls": [hotel_search("London", "2026-12-16", "2026-12-19")],
                    "tools_exclude": ["search_flights"],
                },
            ),
            "the cheapest",
            segments=[
                {"kind": "flight", "flight": "BA 17", "date": "2026-12-15"},
                {"kind": "hotel", "check_in": "2026-12-16", "check_out": "2026-12-19"},
            ],
            pending="confirm_booking",
        ),
    ),
    (
        "add_hotel_to_hold",
        dialogue(
            "JFK to London on the 15th",
            "the first one",
            (
                "and a hotel too, 16th-18th pls",
                {
                    "calls": [hotel_search("London", "2026-12-16", "2026-12-18")],
                    "tools_exclude": ["search_flights"],
                },
            ),
            "the Holiday Inn Express",
            segments=[
                {"kind": "flight", "flight": "BA 17", "date": "2026-12-15"},
                {
                    "kind": "hotel",
                    "hotel": "Holiday Inn Express London Tower Bridge",
                    "check_in": "2026-12-16",
                    "check_out": "2026-12-18",
                },
            ],
            pending="confirm_booking",
        ),
    ),
    (
        "add_hotel_to_hold",
        dialogue(
            "JFK to Boston on the 15th",
            "the 1st",
            (
                "also need a room, the 15th for 2 nights",
                {
                    "calls": [hotel_search("Boston", "2026-12-15", "2026-12-17")],
                    "tools_exclude": ["search_flights"],
                },
            ),
            new_bookings=1,
        ),
    ),
    # ---------------------------------------------------------------- purpose_answer
    (
        "purpose_answer",
        dialogue(
            "JFK to Boston this Friday",
            "the 2nd one",
            ("this is for a client workshop at Hooli", {"tools_include": ["set_trip_purpose"]}),
            "yes",
            new_status="pending_approval",
            segments=[{"kind": "flight", "flight": "DL 1058", "date": "2026-12-04"}],
        ),
    ),
    (
        "purpose_answer",
        dialogue(
            "JFK to Boston this Friday",
            "first one",
            (
                "the trip's for a sales meeting with Acme Corp",
                {"tools_include": ["set_trip_purpose"]},
            ),
            "ok go ahead",
            new_status="pending_approval",
        ),
    ),
    (
        "purpose_answer",
        dialogue(
            "JFK to Boston this Friday",
            "first one",
            ("purpose is a customer visit at Umbrella", {"tools_include": ["set_trip_purpose"]}),
            "yes please",
            new_status="pending_approval",
        ),
    ),
    # ---------------------------------------------------------------- home_as_place
    (
        "home_as_place",
        dialogue(
            "any flights home from Boston on the 9th?",
            calls=[flight_search("Boston", "new york", "2026-12-09")],
            tools_exclude=["reserve"],
        ),
    ),
    (
        "home_as_place",
        dialogue(
            "need to fly home from Miami friday",
            user="gus",
            calls=[flight_search("Miami", "chicago", "2026-12-04")],
        ),
    ),
    (
        "home_as_place",
        dialogue(
            "what trips do I have?",
            "thanks. could you find me a flight home from London on the 20th?",
            world="trips",
            calls=[flight_search("London", "new york", "2026-12-20")],
            tools_exclude=["reserve"],
        ),
    ),
    # ---------------------------------------------------------------- which_flight
    (
        "which_flight",
        dialogue(
            "what trips do I have?",
            "when does the flight leave?",
            world="trips",
            nothing_changed=True,
            reply_matches=r"\bwhich\b",
            reply_contains=["Paris", "London"],
            **NO_SEARCH,
        ),
    ),
    (
        "which_flight",
        dialogue(
            "show me my trips",
            "what time does the flight land?",
            world="trips",
            nothing_changed=True,
            reply_matches=r"\bwhich\b",
            reply_contains=["Paris", "London"],
            **NO_SEARCH,
        ),
    ),
    # ---------------------------------------------------------------- return_day
    (
        "return_day",
        dialogue(
            (
                "JFK to Chicago on the 15th, out in the morning, back in the evening",
                {"reply_matches": r"\b(?:which|what) (?:day|date)\b", "tools_exclude": ["reserve"]},
            ),
            "the 17th",
            calls=[flight_search("Chicago", "new york", "2026-12-17")],
        ),
    ),
    (
        "return_day",
        dialogue(
            "need Boston to Miami on Dec 10 - morning flight out and an evening one back",
            reply_matches=r"\b(?:which|what) (?:day|date)\b",
            tools_exclude=["reserve"],
        ),
    ),
]

GAPS: set[int] = {17}  # a part of the day said of "one back" is not read


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_gmisc_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred first second third fourth fifth sixth seventh eighth ninth tenth "
    "eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
    "nineteenth twentieth thirtieth"
).split()


@pytest.mark.parametrize("word", NUMBER_WORDS)
def test_number_words_are_never_corrected(word: str) -> None:
    """number_words: "three" is never "there", "fourth" never "forth"."""
    assert spelling.correct(word) == word
    assert spelling.keyword(word) == word
    assert answers._canonical(word) == word
