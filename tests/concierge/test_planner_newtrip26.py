"""New trips with several details at once (now = Tue 1 Dec 2026, world "empty"; ava's home is
JFK): flexible dates, time windows, budget, carrier / nonstop / cabin, round trips and open
jaws, flight + hotel, group counts, corrections midway, picks by description, the yes/no.

Phrasings written from the user's side before reading the planner code (only the held-out
README, harness and batch headers were read); flights, times, prices and option order named
in picks checked against the search tool's own answers in a scratch script.

First try on main b1eedca (cases commit aa47573, 07:23 UTC, pytest -q -n 0
tests/concierge/test_planner_newtrip26.py): 28/35 = 80 %, by kind: flex_dates 3/5 ("leaving
the 9th or 10th" searched the 9th only; "the weekend before Christmas" searched Christmas
day and a return), time_window 4/5 ("land before 2pm" then "the cheapest one that works"
held one landing at 15:05), budget 1/2 ("the cheaper of those two nonstops" held nothing),
cabin_nonstop 2/2, round_trip 1/1, open_jaw 1/2 ("flying into London ... coming home from
Paris" listed trips), flight_hotel 3/3, group 3/3, correction 4/4, pick 3/5 ("the later of
the two nonstops" held nothing; "the second cheapest" held the cheapest), yes_no 3/3.

After the fixes (newtrip26): 35/35.
- nlu/dates.py: days offered as a choice for the way there may be followed by the way
  back ("leaving the 9th or 10th, back on the 14th"): the offered days are compared, the
  return kept. "the weekend before / after <day>" is the Saturday-Sunday before or after
  it; a Friday, Saturday or Sunday named beside such a weekend is that weekend's ("Saturday
  or Sunday" then compares the two). A weekday never labels a date across a sentence's
  end, nor a holiday falling on another weekday. "land before 2pm", "arrive by 9am", "be
  in Chicago by noon" read a latest arrival (DateReading.arrive_before).
- state.py / flows/search.py: the draft keeps that arrival; the flight-out list shows only
  the options landing by then on their day (option numbers kept, a note says how many
  land later), searched ten at a time, so picks ("the cheapest one that works") choose
  among them.
- nlu/picks.py / flows/options.py: an ordinal before a superlative ranks ("the second
  cheapest", "3rd cheapest", "the next cheapest"); "nonstop(s)" / "direct(s)" are nouns
  a comparative may describe ("the later nonstop"); a description holding a function word
  ("the later of the two nonstops") names no airline.
- nlu/data/asks.yaml: "can you look at flights?" asks for a search (it is a request, not a
  question about a booked trip).
No gap left. GUARDS (below), written after the fixes: first try 9/9 (pytest -n 0 -k guards,
07:42 UTC). A second fix (after case 2 was seen to search the whole week): "early / mid /
late next week" with any day of it compared is Mon-Wed / Tue-Thu / Thu-Fri (alone, its one
day, as "start / end of next week" was); "early this week" is no early-morning wish. Its two
guards: first try 2/2 (08:14 UTC).

The brief also named an xfail in test_planner_explore25.py ("leaving the 9th or 10th,
back on the 14th"); no such xfail exists there (its GAPS and GUARD_GAPS are empty on main
9429c4f): the phrasing is case 0 here, fixed by the offered-days reading above.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")


def _fl(origin: str, destination: str, date: str, **more: object) -> dict[str, object]:
    return {
        "tool": "search_flights",
        "args": {"origin": origin, "destination": destination, "date": date, **more},
    }


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------- flexible dates
    (
        "flex_dates",
        dialogue(
            "need nyc to london, leaving the 9th or 10th, back on the 14th. whichever "
            "outbound day is cheaper",
            calls=[
                _fl("new york", "london", "2026-12-09"),
                _fl("new york", "london", "2026-12-10"),
                _fl("london", "new york", "2026-12-14"),
            ],
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "Hi there - I have to get to Chicago from Boston at some point the week of the "
            "14th. I'm pretty flexible, any day that week works, so whichever day is cheapest "
            "please.",
            calls=[
                {
                    **_fl("boston", "chicago", {"between": ["2026-12-14", "2026-12-20"]}),
                    "count_at_least": 3,
                    "distinct": "date",
                }
            ],
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "jfk to miami early next week, cheapest day pls",
            calls=[
                {
                    **_fl("JFK", "miami", {"between": ["2026-12-07", "2026-12-09"]}),
                    "count_at_least": 2,
                    "distinct": "date",
                }
            ],
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "Could you look at JFK to Miami the weekend before Christmas? Saturday or Sunday, "
            "whichever is cheaper.",
            calls=[
                _fl("JFK", "miami", "2026-12-19"),
                _fl("JFK", "miami", "2026-12-20"),
            ],
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "boston to atlanta either the 16th or the 17th, I don't mind which",
            calls=[
                _fl("boston", "atlanta", "2026-12-16"),
                _fl("boston", "atlanta", "2026-12-17"),
            ],
        ),
    ),
    # ------------------------------------------------------------- time constraints
    (
        "time_window",
        dialogue(
            "boston to chicago tues 15th, I need to land before 2pm",
            "book the cheapest one that works",
            segments=[{"kind": "flight", "flight": "AA 1049", "date": "2026-12-15"}],
            new_status="held",
        ),
    ),
    (
        "time_window",
        dialogue(
            "London to Paris on 17/12 please. I've got a meeting at 10 so I must arrive by "
            "9am at the latest.",
            calls=[_fl("london", "paris", "2026-12-17")],
            options={"depart_before": "09:00"},
        ),
    ),
    (
        "time_window",
        dialogue(
            "JFK to Miami on the 15th, nothing before 7am please, I'm not a morning person",
            calls=[_fl("JFK", "miami", "2026-12-15")],
            options={"depart_after": "07:00"},
        ),
    ),
    (
        "time_window",
        dialogue(
            "Need to get up to Boston from New York on Thursday the 10th, after work",
            calls=[_fl("new york", "boston", "2026-12-10")],
            options={"depart_after": "16:00"},
        ),
    ),
    (
        "time_window",
        dialogue(
            "Morning flight from Chicago to Miami on Dec 19, back on the 22nd in the evening.",
            calls=[_fl("chicago", "miami", "2026-12-19"), _fl("miami", "chicago", "2026-12-22")],
        ),
    ),
    # ------------------------------------------------------------- budget / cheapest nonstop
    (
        "budget",
        dialogue(
            "whats the cheapest nonstop from jfk to miami on the 16th? book it if it's under $250",
            "yes",
            segments=[{"kind": "flight", "flight": "AA 1169", "date": "2026-12-16"}],
        ),
    ),
    (
        "budget",
        dialogue(
            "NYC to Dublin on 12 December, my budget is under $500",
            "ok the cheaper of those two nonstops",
            segments=[{"kind": "flight", "flight": "DL 30", "date": "2026-12-12"}],
            new_status="held",
        ),
    ),
    # ------------------------------------------------------------- carrier / nonstop / cabin
    (
        "cabin_nonstop",
        dialogue(
            "JFK-LHR 12/16 nonstop, business, BA if possible",
            "the BA one that leaves latest",
            segments=[{"kind": "flight", "flight": "BA 19", "date": "2026-12-16"}],
        ),
    ),
    (
        "cabin_nonstop",
        dialogue(
            "Could you find me a direct flight from Boston to Dublin on Friday 11 December in "
            "premium economy?",
            calls=[_fl("boston", "dublin", "2026-12-11", cabin="premium", max_stops=0)],
        ),
    ),
    # ------------------------------------------------------------- round trips / open jaws
    (
        "round_trip",
        dialogue(
            "Round trip New York - Paris, out 8 Dec, back 12 Dec, nonstop both ways please",
            "the united ones both ways",
            segments=[
                {"kind": "flight", "flight": "UA 8", "date": "2026-12-08"},
                {"kind": "flight", "flight": "UA 7", "date": "2026-12-12"},
            ],
            new_status="held",
        ),
    ),
    (
        "open_jaw",
        dialogue(
            "I'm flying into London on the 9th and coming home from Paris on the 13th, I'll "
            "take the train in between. Can you look at flights?",
            calls=[_fl("new york", "london", "2026-12-09"), _fl("paris", "new york", "2026-12-13")],
        ),
    ),
    (
        "open_jaw",
        dialogue(
            "boston > london 10 dec, then paris > boston 15 dec",
            calls=[_fl("boston", "london", "2026-12-10"), _fl("paris", "boston", "2026-12-15")],
        ),
    ),
    # ------------------------------------------------------------- flight + hotel
    (
        "flight_hotel",
        dialogue(
            "Need a flight JFK to Chicago on Tue 8 Dec and a hotel there for 3 nights",
            calls=[
                _fl("JFK", "chicago", "2026-12-08"),
                {
                    "tool": "search_hotels",
                    "args": {
                        "city": "chicago",
                        "check_in": "2026-12-08",
                        "check_out": "2026-12-11",
                    },
                },
            ],
        ),
    ),
    (
        "flight_hotel",
        dialogue(
            "flying to miami from laguardia on the 15th, back on the 18th, and I need a hotel "
            "for those nights too",
            calls=[
                _fl("LGA", "miami", "2026-12-15"),
                _fl("miami", "new york", "2026-12-18"),
                {
                    "tool": "search_hotels",
                    "args": {"city": "miami", "check_in": "2026-12-15", "check_out": "2026-12-18"},
                },
            ],
        ),
    ),
    (
        "flight_hotel",
        dialogue(
            "London next week: overnight flight out of JFK on Wednesday the 9th, a hotel "
            "checking out on Saturday the 12th, and the flight home that Saturday.",
            calls=[
                _fl("JFK", "london", "2026-12-09"),
                _fl("london", "new york", "2026-12-12"),
                {
                    "tool": "search_hotels",
                    "args": {"city": "london", "check_in": "2026-12-10", "check_out": "2026-12-12"},
                },
            ],
        ),
    ),
    # ------------------------------------------------------------- group counts
    (
        "group",
        dialogue(
            "three of us - me, Priya Shah and Tom Reed - boston to atlanta dec 17",
            calls=[_fl("boston", "atlanta", "2026-12-17", passengers=3)],
        ),
    ),
    (
        "group",
        dialogue(
            "Flights for a party of five from Chicago to Miami on the 19th please.",
            calls=[_fl("chicago", "miami", "2026-12-19", passengers=5)],
        ),
    ),
    (
        "group",
        dialogue(
            "Booking for myself and two others, New York to Dublin, 12 December, cheapest nonstop",
            calls=[_fl("new york", "dublin", "2026-12-12", passengers=3)],
        ),
    ),
    # ------------------------------------------------------------- corrections midway
    (
        "correction",
        dialogue(
            "JFK to Miami on the 15th",
            "actually the 16th",
            calls=[_fl("JFK", "miami", "2026-12-16")],
        ),
    ),
    (
        "correction",
        dialogue(
            "Paris for me and a colleague, flights from JFK on the 8th back the 12th, plus a hotel",
            "make that 2 rooms",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "rooms": 2},
                }
            ],
        ),
    ),
    (
        "correction",
        dialogue(
            "flights jfk to atlanta tue 8th dec",
            "hmm from Newark instead",
            calls=[_fl("EWR", "atlanta", "2026-12-08")],
        ),
    ),
    (
        "correction",
        dialogue(
            "Boston to Chicago on the 15th for two people please",
            "sorry, just me actually",
            calls=[_fl("boston", "chicago", "2026-12-15", passengers=1)],
        ),
    ),
    # ------------------------------------------------------------- picks by description
    (
        "pick",
        dialogue(
            "chicago to miami on the 19th, nonstop only",
            "the later of the two nonstops",
            segments=[{"kind": "flight", "flight": "UA 1182", "date": "2026-12-19"}],
            new_status="held",
        ),
    ),
    (
        "pick",
        dialogue(
            "JFK to London Heathrow on 9 December",
            "the second cheapest",
            segments=[{"kind": "flight", "flight": "BA 19", "date": "2026-12-09"}],
            new_status="held",
        ),
    ),
    (
        "pick",
        dialogue(
            "jfk to heathrow dec 9",
            "the 7:45 one",
            segments=[{"kind": "flight", "flight": "B6 19", "date": "2026-12-09"}],
            new_status="held",
        ),
    ),
    (
        "pick",
        dialogue(
            "JFK to Miami on Tuesday 15 December",
            "the Delta nonstop",
            segments=[{"kind": "flight", "flight": "DL 1141", "date": "2026-12-15"}],
            new_status="held",
        ),
    ),
    (
        "pick",
        dialogue(
            "laguardia to atlanta on the 21st",
            "the earliest american one please",
            segments=[{"kind": "flight", "flight": "AA 1014", "date": "2026-12-21"}],
            new_status="held",
        ),
    ),
    # ------------------------------------------------------------- yes / no at the end
    (
        "yes_no",
        dialogue(
            "Hello! I'm heading down to Atlanta for our regional sales kickoff. Could you get "
            "me on a flight out of LaGuardia on Monday the 21st? I'd prefer Delta, and "
            "something in the afternoon if possible, as I have a team call in the morning.",
            "great, the Delta one in the afternoon",
            "yep go ahead and book it",
            segments=[{"kind": "flight", "flight": "DL 1026", "date": "2026-12-21"}],
            new_status="confirmed",
        ),
    ),
    (
        "yes_no",
        dialogue(
            "bos-ord 16th cheapest nonstop",
            "ok hold that",
            "nah not yet, leave it",
            pending=None,
            not_new_status="confirmed",
        ),
    ),
    (
        "yes_no",
        dialogue(
            "ewr to miami 12/16, early morning",
            "first one",
            "perfect, confirm it",
            segments=[{"kind": "flight", "flight": "UA 1105", "date": "2026-12-16"}],
            new_status="confirmed",
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_case(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# Guards, written after the fixes, for the same mechanisms in other words.
GUARDS: list[tuple[str, Case]] = [
    (
        "flex_dates",
        dialogue(
            "BOS to ORD the 16th or 17th, returning the 20th",
            calls=[
                _fl("boston", "chicago", "2026-12-16"),
                _fl("boston", "chicago", "2026-12-17"),
                _fl("chicago", "boston", "2026-12-20"),
            ],
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "Dec 9, 10 or 11 out of Boston to Chicago please, and back on the 15th",
            calls=[
                {
                    **_fl("boston", "chicago", {"between": ["2026-12-09", "2026-12-11"]}),
                    "count_at_least": 3,
                    "distinct": "date",
                },
                _fl("chicago", "boston", "2026-12-15"),
            ],
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "JFK to Atlanta the weekend before New Year. Sat or Sun, whichever's cheaper",
            calls=[_fl("JFK", "atlanta", "2026-12-26"), _fl("JFK", "atlanta", "2026-12-27")],
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "atlanta to miami the weekend of the 12th - out friday, back sunday",
            calls=[_fl("atlanta", "miami", "2026-12-11"), _fl("miami", "atlanta", "2026-12-13")],
        ),
    ),
    (
        "open_jaw",
        dialogue(
            "I'm going out to London on Thursday 10 Dec and flying home from Paris on the 15th. "
            "Could you look at flights for me?",
            calls=[_fl("new york", "london", "2026-12-10"), _fl("paris", "new york", "2026-12-15")],
        ),
    ),
    (
        "time_window",
        dialogue(
            "Boston to Chicago on Tuesday 15 December, I have to get in by 3pm",
            "cheapest one pls",
            segments=[{"kind": "flight", "flight": "AA 1049", "date": "2026-12-15"}],
            new_status="held",
        ),
    ),
    (
        "time_window",
        dialogue(
            "london to paris 17 dec, need to arrive by 9am",
            "the latest one",
            segments=[{"kind": "flight", "flight": "BA 1037", "date": "2026-12-17"}],
            new_status="held",
        ),
    ),
    (
        "pick",
        dialogue(
            "JFK to Miami on Tuesday 15 December",
            "3rd cheapest",
            segments=[{"kind": "flight", "flight": "B6 1053", "date": "2026-12-15"}],
            new_status="held",
        ),
    ),
    (
        "pick",
        dialogue(
            "ORD-MIA dec 19, direct only",
            "the earlier nonstop please",
            segments=[{"kind": "flight", "flight": "AA 1216", "date": "2026-12-19"}],
            new_status="held",
        ),
    ),
]
# written after the second fix ("early / mid / late next week", any day of it compared)
GUARDS += [
    (
        "flex_dates",
        dialogue(
            "nyc to atlanta any day early next week, whichever is cheapest",
            calls=[
                {
                    **_fl("new york", "atlanta", {"between": ["2026-12-07", "2026-12-09"]}),
                    "count_at_least": 3,
                    "distinct": "date",
                }
            ],
            reply_contains="Wed 9 Dec",
            reply_not_contains="Thu 10 Dec",
        ),
    ),
    (
        "flex_dates",
        dialogue(
            "Could you find me the cheapest day late next week to fly Boston to Miami?",
            calls=[
                {
                    **_fl("boston", "miami", {"between": ["2026-12-10", "2026-12-11"]}),
                    "count_at_least": 2,
                    "distinct": "date",
                }
            ],
            reply_not_contains="Mon 7 Dec",
        ),
    ),
]
GUARD_GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(GUARDS, GUARD_GAPS))
async def test_guards(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
