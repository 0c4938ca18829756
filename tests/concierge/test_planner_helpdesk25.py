"""A busy help-desk day (now = Tue 1 Dec 2026): requests that name what they want in one
go, and requests that build on what was just said.

- book_direct: a request that names the flight (carrier, time) or the hotel books it — a
  hold and its confirmation — instead of only searching;
- conditional: two parts, the second depending on the first ("are we allowed X? if not,
  ...", "if so, ...", "if it's under $400 book it");
- follow_up: a request that only makes sense after the answer before it ("I'd rather come
  back on saturday", "ok premium then, on the 14th", "fine, do that one", "same but a day
  later", "and from Newark?");
- rt_pick: the two flights of a round trip picked by part of day and airport, or by time
  and carrier.

Written from the user's side before reading the planner; every flight, time, carrier,
price, hotel and policy verdict checked against the real tools at the frozen clock (a
scratch script outside the repo). First try (pytest -n 0 on main ccf0680, 03:58 UTC):
8/33 — book_direct 0/9, conditional 1/8, follow_up 6/11, rt_pick 1/5. Two failures were
invalid expectations, corrected with a note (book_direct02: two Delta flights leave near
6am; rt_pick32 asked the pick's turn for the first turn's search).

After the fix (helpdesk25: a request naming its option holds it once the search shows
exactly one fitting — picks.yaml book_named, flows/booking._named_in_request; "if so /
if not" clauses take the route and cabin of the question before them — requests.yaml
conditional, flows/several.py; "the cheapest allowed X to Y on <day>" is a search within
policy — intents.yaml allowed_kind; a superlative asked in a question is answered and
"do that one" takes it; a follow-up of a route's policy answer searches that route —
state.policy_origin; "I'd rather come back on ..." is a change — changes.yaml; a pick in
each list of a round trip, one described by an airport, is a pick — booking
._described_each): 29/33. Left (GAPS): a statement about one's trip with a tag
question ("...is the 14th isn't it": answered since helpdesk26, but "what's there a day
earlier?" after it asks where to), and "the evening aer lingus out" (a part of day said
before an airline, no "one") is not read as a window. Closed by helpdesk26: the price
condition ("if it's under $400 book it", flows/conditional.py) and the policy question
about one named flight then "book it" (flows/booking._named_option_asked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    flight_segment,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")


def _ho(hotel: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": hotel, "check_in": check_in, "check_out": check_out}


HELD = {"new_status": "held", "pending": "confirm_booking"}
NO_WRITE = ["reserve", "confirm_booking", "cancel_booking", "rebook"]

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ book_direct
    (
        "book_direct",
        dialogue(
            "Book me on the 6:05am American from JFK to Chicago on the 10th",
            segments=[flight_segment("AA 1171", "JFK", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "put me on the BA one at 17:20 from heathrow to JFK on 19 Dec please",
            segments=[flight_segment("BA 20", "LHR", "JFK", "2026-12-19")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "can u book the delta 6am LGA to miami dec 12",
            # Corrected after the first try (an invalid expectation, first written as a hold
            # of DL 1169): two Delta flights leave around 6am (DL 1024 + DL 1031 at 06:00,
            # DL 1169 at 06:05), so "the delta 6am" names neither alone: both are shown.
            calls=[flight_search("LGA", "miami", "2026-12-12")],
            tools_exclude=["reserve"],
            nothing_changed=True,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "I need a hotel in London 14th-17th December, the Hilton if there is one",
            segments=[_ho("Hilton London Park Lane", "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "Book Ava on the 11:10 United from JFK to Chicago on Dec 10",
            user="mia",
            calls=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
            segments=[flight_segment("UA 1149", "JFK", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "could you reserve me the Novotel in London from the 14th to the 17th of Dec",
            segments=[_ho("Novotel London Paddington", "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "pls book the 9:20pm AA from Newark to Miami on 12/12",
            segments=[flight_segment("AA 1137", "EWR", "MIA", "2026-12-12")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "Please book Fin a room in Paris from 14 to 16 December, the citizenM if they have one",
            user="victor",
            calls=[{"tool": "reserve", "args": {"traveler_id": "fin"}}],
            segments=[_ho("citizenM Paris Saint-Germain", "2026-12-14", "2026-12-16")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "get me on the 1:40pm aer lingus heathrow to dublin on the 10th",
            "yes",
            segments=[flight_segment("EI 1018", "LHR", "DUB", "2026-12-10")],
            new_status="confirmed",
            pending=None,
        ),
    ),
    # ------------------------------------------------------------ conditional
    (
        "conditional",
        dialogue(
            "can I book spirit airlines? if not, what's the cheapest allowed from Newark to "
            "Miami on Dec 12",
            calls=[flight_search("EWR", "miami", "2026-12-12")],
            reply_contains=["Spirit"],
            tools_exclude=NO_WRITE,
        ),
    ),
    (
        "conditional",
        dialogue(
            "Is Spirit ok for us? if it isn't, get me the cheapest allowed LaGuardia-Miami on "
            "12 Dec",
            "ok book that one",
            segments=[flight_segment("DL 1169", "LGA", "MIA", "2026-12-12")],
            **HELD,
        ),
    ),
    (
        "conditional",
        dialogue(
            "am i allowed business on JFK-Heathrow? if so find me something on the 16th in "
            "business",
            calls=[flight_search("JFK", "LHR", "2026-12-16", cabin="business")],
            reply_contains_any=[["allowed", "within policy", "permitted", "in policy"]],
            nothing_changed=True,
        ),
    ),
    (
        "conditional",
        dialogue(
            "is premium economy ok for Chicago to Madrid? if yes show me flights on the 15th",
            user="gus",
            calls=[flight_search("chicago", "madrid", "2026-12-15", cabin="premium")],
            nothing_changed=True,
        ),
    ),
    (
        "conditional",
        dialogue(
            "Can we use Ryanair to get to Dublin? If not, the cheapest allowed London to "
            "Dublin on the 10th please",
            calls=[flight_search("london", "dublin", "2026-12-10")],
            reply_contains=["Ryanair"],
            tools_exclude=NO_WRITE,
        ),
    ),
    (
        "conditional",
        dialogue(
            "is business allowed Boston to Chicago? if not economy is fine, flights on Dec 8",
            calls=[flight_search("boston", "chicago", "2026-12-08")],
            tools_exclude=NO_WRITE,
            reply_contains_any=[["economy"]],
        ),
    ),
    (
        "conditional",
        dialogue(
            "find the 6am american JFK to Chicago on the 10th - if it's under $400 book it",
            segments=[flight_segment("AA 1171", "JFK", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "conditional",
        dialogue(
            "what's the 6am american JFK to Chicago on the 10th going for? if it's under $150 "
            "book it",
            calls=[flight_search("JFK", "chicago", "2026-12-10")],
            tools_exclude=["reserve"],
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ follow_up
    (
        "follow_up",
        dialogue(
            (
                "when does my flight home from London leave?",
                {"tools_exclude": ["search_flights"], "reply_contains_any": [["08:45", "8:45"]]},
            ),
            "hmm can I come back on Saturday the 19th instead, what is there?",
            world="trips",
            any_call=[flight_search("london", "new york", "2026-12-19")],
            nothing_changed=True,
        ),
    ),
    (
        "follow_up",
        dialogue(
            (
                "my flight out to london is the 14th isn't it",
                {"tools_exclude": ["search_flights"], "reply_contains_any": [["22:30", "10:30"]]},
            ),
            "what's there a day earlier?",
            world="trips",
            any_call=[flight_search("new york", "london", "2026-12-13")],
            nothing_changed=True,
        ),
    ),
    (
        "follow_up",
        dialogue(
            (
                "what cabin can I fly from New York to London?",
                {"nothing_changed": True, "reply_contains_any": [["business"]]},
            ),
            "ok business then, on the 16th please",
            calls=[flight_search("new york", "london", "2026-12-16", cabin="business")],
        ),
    ),
    (
        "follow_up",
        dialogue(
            (
                "Am I allowed business from Chicago to Madrid?",
                {"nothing_changed": True, "reply_contains_any": [["premium"]]},
            ),
            "fine, premium economy then, the 15th",
            user="gus",
            calls=[flight_search("chicago", "madrid", "2026-12-15", cabin="premium")],
        ),
    ),
    (
        "follow_up",
        dialogue(
            "how much is the cheapest JFK to Chicago on the 10th?",
            "fine, do that one",
            segments=[flight_segment("AA 1171", "JFK", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "follow_up",
        dialogue(
            "flights LGA to Miami on the 12th",
            "same but a day later",
            calls=[flight_search("LGA", "miami", "2026-12-13")],
            tools_exclude=NO_WRITE,
        ),
    ),
    (
        "follow_up",
        dialogue(
            "flights LGA to Miami on the 12th",
            "and from Newark?",
            calls=[flight_search("EWR", "miami", "2026-12-12")],
            tools_exclude=NO_WRITE,
        ),
    ),
    (
        "follow_up",
        dialogue(
            "Boston to Atlanta Dec 9 please",
            "what about the day after?",
            calls=[flight_search("boston", "atlanta", "2026-12-10")],
            tools_exclude=NO_WRITE,
        ),
    ),
    (
        "follow_up",
        dialogue(
            "is the 6am american from JFK to Chicago on the 10th within policy?",
            "great, book it",
            segments=[flight_segment("AA 1171", "JFK", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "follow_up",
        dialogue(
            "hotels in Paris Dec 14-16?",
            "and in London?",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "london", "check_in": "2026-12-14", "check_out": "2026-12-16"},
                }
            ],
            tools_exclude=NO_WRITE,
        ),
    ),
    (
        "follow_up",
        dialogue(
            "JFK to Heathrow on the 16th",
            "same thing in premium economy",
            calls=[flight_search("JFK", "LHR", "2026-12-16", cabin="premium")],
            tools_exclude=NO_WRITE,
        ),
    ),
    # ------------------------------------------------------------ rt_pick
    (
        "rt_pick",
        dialogue(
            "round trip JFK to Chicago, out the 10th back the 12th",
            "the morning American going out and the 4pm JetBlue coming back",
            segments=[
                flight_segment("AA 1171", "JFK", "ORD", "2026-12-10"),
                flight_segment("B6 1058", "ORD", "JFK", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    (
        "rt_pick",
        dialogue(
            "Could you find me a return Heathrow to Dublin, 10/12 to 12/12?",
            "the evening aer lingus out, and the 17:30 BA back please",
            segments=[
                flight_segment("EI 1020", "LHR", "DUB", "2026-12-10"),
                flight_segment("BA 1021", "DUB", "LHR", "2026-12-12"),
            ],
            **HELD,
        ),
    ),
    (
        "rt_pick",
        dialogue(
            "London to Paris return, 16th to 18th Dec",
            "the afternoon one from Heathrow out and the 6:15pm BA back",
            segments=[
                flight_segment("AF 1026", "LHR", "CDG", "2026-12-16"),
                flight_segment("BA 1013", "CDG", "LHR", "2026-12-18"),
            ],
            **HELD,
        ),
    ),
    (
        "rt_pick",
        dialogue(
            "new york to boston and back, dec 8 to dec 10",
            "the 9:15 from laguardia going, and the 6:45pm jetblue on the way home",
            segments=[
                flight_segment("AA 1044", "LGA", "BOS", "2026-12-08"),
                flight_segment("B6 1023", "BOS", "JFK", "2026-12-10"),
            ],
            **HELD,
        ),
    ),
    (
        "rt_pick",
        dialogue(
            (
                "Chicago to San Francisco return, 9th to 11th Dec",
                {"calls": [flight_search("chicago", "san francisco", "2026-12-09")]},
            ),
            # Corrected after the first try: the search is the first turn's, not the pick's.
            (
                "the 1:40 American out and whatever's cheapest back",
                {"tools_exclude": ["search_flights"]},
            ),
            user="gus",
            segments=[
                flight_segment("AA 1225", "ORD", "SFO", "2026-12-09"),
                {"kind": "flight", "date": "2026-12-11"},
            ],
            **HELD,
        ),
    ),
]


# Still failing (strict xfail: a fix that makes one pass must take its number out).
GAPS: set[int] = {18}

# guard, written after the fix: other phrasings of each kind. First try (pytest -n 0,
# 04:36 UTC): 6/7 — "hold me a seat on the 4:25pm jetblue" had four words between the
# verb and "the" (three were read); now four are.
GUARDS: list[tuple[str, Case]] = [
    (
        "book_direct",
        dialogue(
            "hold me a seat on the 4:25pm jetblue JFK to Chicago on December 10th",
            segments=[flight_segment("B6 1057", "JFK", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "book me into the Hyatt in London 14-17 Dec",
            segments=[_ho("Hyatt Regency London Kings Cross", "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "book_direct",
        dialogue(
            "can I book the united one JFK to Chicago on the 10th?",
            calls=[flight_search("JFK", "chicago", "2026-12-10")],
            tools_exclude=["reserve"],
            nothing_changed=True,
        ),
    ),
    (
        "conditional",
        dialogue(
            "Is JetBlue ok for us? if so, find me something BOS to Atlanta on the 9th",
            user="mia",
            calls=[flight_search("boston", "atlanta", "2026-12-09")],
            reply_contains=["JetBlue"],
            nothing_changed=True,
        ),
    ),
    (
        "follow_up",
        dialogue(
            ("what cabin can I fly from Chicago to San Francisco?", {"nothing_changed": True}),
            "alright economy then, on the 9th",
            user="gus",
            calls=[flight_search("chicago", "san francisco", "2026-12-09")],
        ),
    ),
    (
        "follow_up",
        dialogue(
            (
                "when do I fly back from London?",
                {"tools_exclude": ["search_flights"], "reply_contains_any": [["08:45", "8:45"]]},
            ),
            "I'd prefer to come back on the 19th, what's available?",
            world="trips",
            any_call=[flight_search("london", "new york", "2026-12-19")],
            nothing_changed=True,
        ),
    ),
    (
        "rt_pick",
        dialogue(
            "return New York to Boston 8th to 10th Dec",
            "the 6:10 from LaGuardia out and the 12:00 delta back",
            segments=[
                flight_segment("DL 1064", "LGA", "BOS", "2026-12-08"),
                flight_segment("DL 1057", "BOS", "JFK", "2026-12-10"),
            ],
            **HELD,
        ),
    ),
]
GUARD_GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(GUARDS, GUARD_GAPS))
async def test_helpdesk25_guards(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_helpdesk25(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
