"""Blind probe p31mail: how busy people write when several things come in one message or
in an unusual shape (now = Tue 1 Dec 2026; ava's home is JFK; world ``empty``).

Pasted e-mails with greetings and sign-offs, bullet lists, a request plus a question, a
request plus a condition, corrections inside one message, a trip told by its purpose,
fuzzy dates ("the Monday after next", "mid-December", "the 2nd week of December") and
times ("first thing", "after lunch", "red-eye", "before the kids' bedtime ~7pm"), cabin
and seat hints in passing, and yes/no answers with extra words.

Every phrasing here was written before any planner code or test was read, checked only
against the demo data (routes, times, prices, policy colours).
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
    flex_search,
    flight_search,
    flight_segment,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
NOT_CONFIRMED: dict[str, Any] = {
    "not_new_status": "confirmed",
    "tools_exclude": ["confirm_booking"],
}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------------ bullet lists
    (
        "bullets",
        dialogue(
            "Chicago trip from NYC:\n- flight out Mon\n- back Thu\n- hotel near the office",
            calls=[
                flight_search("new york", "chicago", "2026-12-07"),
                flight_search("chicago", "new york", "2026-12-10"),
                hotel_search("chicago", "2026-12-07", "2026-12-10"),
            ],
        ),
    ),
    (
        "bullets",
        dialogue(
            "London trip please:\n* out Weds 16/12 from JFK\n* back Sat 19/12\n"
            "* hotel for the nights I'm there\nCheers, Ava",
            calls=[
                flight_search("JFK", "london", "2026-12-16"),
                flight_search("london", "JFK", "2026-12-19"),
                hotel_search("london", {"between": ["2026-12-16", "2026-12-17"]}, "2026-12-19"),
            ],
        ),
    ),
    (
        "bullets",
        dialogue(
            "nyc>mia\n- dep 12/15 am\n- ret 12/18 pm",
            calls=[
                flight_search("new york", "miami", "2026-12-15", depart_before={"le": "12:00"}),
                flight_search("miami", "new york", "2026-12-18", depart_after={"ge": "12:00"}),
            ],
        ),
    ),
    # ------------------------------------------------------------------ pasted e-mails
    (
        "email",
        dialogue(
            "Fwd: travel\n\nHi team,\nCould someone please book me on a flight from Boston "
            "to Atlanta on Thursday 10 December, returning Friday 11 December? Economy is "
            "fine.\n\nMany thanks,\nJordan\nSent from my iPhone",
            calls=[
                flight_search("boston", "atlanta", "2026-12-10"),
                flight_search("atlanta", "boston", "2026-12-11"),
            ],
        ),
    ),
    (
        "email",
        dialogue(
            "Good morning,\n\nI'll be in Paris for meetings from 14 to 17 December and will "
            "need a hotel for those nights. Please let me know the options.\n\nKind "
            "regards,\nAva Patel",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-17")],
            tools_exclude=["search_flights"],
        ),
    ),
    (
        "email",
        dialogue(
            "Hi there! Hope you're well. Quick one - I've got the annual sales kickoff in "
            "Miami, it runs Wed 9 to Fri 11 Dec. Could you sort flights from LaGuardia, "
            "arriving the evening before ideally, and coming back after it wraps on the "
            "Friday afternoon? No need for a hotel, the company's covering that. Thanks so "
            "much!",
            calls=[
                flight_search("LGA", "miami", "2026-12-08"),
                flight_search("miami", "LGA", "2026-12-11"),
            ],
            tools_exclude=["search_hotels"],
        ),
    ),
    (
        "email",
        dialogue(
            "Hello,\n\nPlease find below my travel request.\n\nFrom: New York\nTo: Chicago\n"
            "Date: 14/12/2026\nReturn: 17/12/2026\n\nThank you,\nAva",
            calls=[
                flight_search("new york", "chicago", "2026-12-14"),
                flight_search("chicago", "new york", "2026-12-17"),
            ],
        ),
    ),
    # ------------------------------------------------------------------ request + question
    (
        "request_question",
        dialogue(
            "Boston to Chicago on Dec 15",
            "book the 6:10 and is that in policy?",
            segments=[flight_segment("AA 1049", "BOS", "ORD", "2026-12-15")],
            reply_contains="policy",
            **HELD,
        ),
    ),
    (
        "request_question",
        dialogue(
            "hold the 6:05 american JFK-Chicago on the 14th - will I need approval for it?",
            segments=[flight_segment("AA 1171", "JFK", "ORD", "2026-12-14")],
            reply_contains="approv",
            **HELD,
        ),
    ),
    (
        "request_question",
        dialogue(
            "Could you find me something London to New York on Friday 18th? Premium economy "
            "would be lovely if it's allowed - is it?",
            calls=[flight_search("london", "new york", "2026-12-18", cabin="premium")],
        ),
    ),
    # ------------------------------------------------------------------ request + condition
    (
        "request_condition",
        dialogue(
            "the cheapest nonstop NYC to Miami on the 15th, as long as it's under $400",
            calls=[flight_search("new york", "miami", "2026-12-15", max_stops=0)],
        ),
    ),
    (
        "request_condition",
        dialogue(
            "JFK to Madrid on the 18th, business if policy allows since it's a long one",
            calls=[flight_search("JFK", "madrid", "2026-12-18", cabin="business")],
        ),
    ),
    (
        "request_condition",
        dialogue(
            "hotel in London 15-18 Dec, within the policy cap please",
            calls=[hotel_search("london", "2026-12-15", "2026-12-18")],
        ),
    ),
    # ------------------------------------------------------------------ corrections
    (
        "correction",
        dialogue(
            "flight to Boston, sorry I mean Chicago, from JFK on the 9th",
            calls=[flight_search("JFK", "chicago", "2026-12-09")],
        ),
    ),
    (
        "correction",
        dialogue(
            "NY to Atlanta on the 17th - no wait, the 18th",
            calls=[flight_search("new york", "atlanta", "2026-12-18")],
            tools_exclude=["search_hotels"],
        ),
    ),
    (
        "correction",
        dialogue(
            "Need LGA to Miami, actually make that Newark, Dec 12",
            calls=[flight_search("EWR", "miami", "2026-12-12")],
        ),
    ),
    (
        "correction",
        dialogue(
            "2 rooms in Paris Dec 14-16... actually just 1 room, and make it to the 17th",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-17", rooms=1)],
        ),
    ),
    (
        "correction",
        dialogue(
            "JFK to Chicago on the 14th, the 6:05 american",
            ("hmm no, the later one at 4:25 instead", {"pending": "confirm_booking"}),
            segments=[flight_segment("B6 1057", "JFK", "ORD", "2026-12-14")],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------------ trip told by its purpose
    (
        "purpose",
        dialogue(
            "client offsite in Paris the week of the 14th, 3 nights, flying from New York",
            calls=[flight_search("new york", "paris", "2026-12-14")],
            any_call=[
                hotel_search("paris", "2026-12-14", "2026-12-17"),
                hotel_search("paris", "2026-12-15", "2026-12-18"),
            ],
        ),
    ),
    # ------------------------------------------------------------------ fuzzy dates
    (
        "date_phrase",
        dialogue(
            "Boston to Chicago the Monday after next, morning please",
            calls=[flight_search("boston", "chicago", "2026-12-14")],
            options={"depart_before": "12:00"},
        ),
    ),
    (
        "date_phrase",
        dialogue(
            "Looking at Boston to Dublin mid-December, I'm flexible, just want the cheapest day",
            calls=[flex_search("boston", "dublin", "2026-12-12", "2026-12-18", 3)],
        ),
    ),
    (
        "date_phrase",
        dialogue(
            "need to get to Atlanta from NYC sometime the 2nd week of December, cheapest day pls",
            calls=[flex_search("new york", "atlanta", "2026-12-07", "2026-12-13", 3)],
        ),
    ),
    # ------------------------------------------------------------------ time phrases
    (
        "time_phrase",
        dialogue(
            "can you get me on a flight first thing Tuesday, JFK to Boston",
            calls=[flight_search("JFK", "boston", "2026-12-08")],
            options={"depart_before": "10:00"},
        ),
    ),
    (
        "time_phrase",
        dialogue(
            "Chicago to NYC on Friday 11th, something after lunch",
            calls=[flight_search("chicago", "new york", "2026-12-11")],
            options={"depart_after": "12:00"},
        ),
    ),
    (
        "time_phrase",
        dialogue(
            "red-eye SFO to JFK on Dec 10",
            calls=[flight_search("SFO", "JFK", "2026-12-10")],
            options={"depart_after": "20:00"},
        ),
    ),
    (
        "time_phrase",
        dialogue(
            "Flying home from Boston to NYC Thursday the 10th, need to be home before the "
            "kids' bedtime ~7pm",
            calls=[
                flight_search("boston", "new york", "2026-12-10", depart_before={"le": "18:00"})
            ],
        ),
    ),
    (
        "seat_hint",
        dialogue(
            "JFK to London Dec 16, aisle seat if poss",
            calls=[flight_search("JFK", "london", "2026-12-16")],
        ),
    ),
    # ------------------------------------------------------------------ yes/no with extra words
    (
        "yes_extra",
        dialogue(
            "new york to chicago dec 14, the 11:10 united",
            ("yes but only if it's refundable", {}),
            reply_contains="refundable",
            **NOT_CONFIRMED,
        ),
    ),
    (
        "yes_extra",
        dialogue(
            "new york to chicago dec 14, the 4:25 jetblue",
            "yes but only if it's refundable",
            tools_include=["confirm_booking"],
            new_status="confirmed",
        ),
    ),
    (
        "yes_extra",
        dialogue(
            "JFK to Chicago Dec 14, the 4:25 jetblue",
            "ok go - and add a hotel",
            tools_include=["confirm_booking"],
            calls=[hotel_search("chicago", "2026-12-14", {"ge": "2026-12-15"})],
        ),
    ),
]


GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p31mail(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
