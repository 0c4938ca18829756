"""Blind probe p31mail: how busy people write when several things come in one message or
in an unusual shape (now = Tue 1 Dec 2026; ava's home is JFK; world ``empty``).

Pasted e-mails with greetings and sign-offs, bullet lists, a request plus a question, a
request plus a condition, corrections inside one message, a trip told by its purpose,
fuzzy dates ("the Monday after next", "mid-December", "the 2nd week of December") and
times ("first thing", "after lunch", "red-eye", "before the kids' bedtime ~7pm"), cabin
and seat hints in passing, and yes/no answers with extra words.

Every phrasing here was written before any planner code or test was read, checked only
against the demo data (routes, times, prices, policy colours).

First try (pytest -q -n 2 tests/concierge/test_planner_p31mail.py, main at 71a2657, 00:08
UTC): 14/30 — bullets 2/3, email 1/4, request_question 1/3, request_condition 2/3,
correction 1/5, purpose 0/1, date_phrase 3/3, time_phrase 3/4, seat_hint 1/1, yes_extra
0/3. Four expectations were corrected after that run (each says why: a forwarded e-mail is
by design never acted on; a hold released for another is a cancelled booking; "add a
hotel" with no nights is rightly asked; landing by 19:00 is the wish, not a departure
limit). After the fixes: 26/30; the four left are strict xfails (GAPS, with reasons).
Fixed: a place corrected with no "from"/"to" of its own ("to Boston, sorry I mean
Chicago"; "LGA to Miami, actually make that Newark": the airport of the same city);
a trip asked for with a question on its own policy standing ("... - will I need
approval for it?", "business if policy allows", "premium economy if it's allowed - is
it?") searched as asked, the verdict said with the hold; "ret" for return; a flight home
said first ("Flying home from Boston ... need to be home before the kids' bedtime ~7pm":
landing by 19:00); a yes on a condition at a confirmation ("yes but only if it's
refundable": booked when the hold meets it, else why not); "the 4:25 jetblue" (an airline
said after the time) no longer holds another airline's 4:10; a form's "From: New York /
To: Chicago" lines are the route; "No need for a hotel" asks for none; "book the 6:10 and
is that in policy?" holds it and says its verdict (no policy recital).
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
        # Corrected after the first run: it expected both searches, but a forwarded
        # e-mail's own asks are by design never acted on (nlu/pasted.py: quoted back and
        # offered, the user's own words decide); the offer is what the product promises.
        "email",
        dialogue(
            "Fwd: travel\n\nHi team,\nCould someone please book me on a flight from Boston "
            "to Atlanta on Thursday 10 December, returning Friday 11 December? Economy is "
            "fine.\n\nMany thanks,\nJordan\nSent from my iPhone",
            no_tools=True,
            reply_contains=["Boston to Atlanta", "Want me to look"],
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
            "hmm no, the later one at 4:25 instead",
            # Corrected after the first run: it asked every new booking to be held, but
            # the 6:05's hold released for the 4:25 is a cancelled booking of the case.
            segments=[flight_segment("B6 1057", "JFK", "ORD", "2026-12-14")],
            pending="confirm_booking",
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
            # Corrected after the first run: it asked for a latest departure of 18:00 in
            # the search, one way of meeting the wish; landing by 19:00 is the wish itself.
            calls=[flight_search("boston", "new york", "2026-12-10")],
            reply_contains="landing by 19:00",
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
            # Corrected after the first run: it expected a hotel search, but no night count
            # was said: asking how many nights is right.
            tools_include=["confirm_booking"],
            new_status="confirmed",
            reply_contains="nights",
        ),
    ),
]


# Guards added with the fixes (after the first try; not counted in it).
CASES += [
    (
        "guard_form_fields",
        dialogue(
            "Hi,\n\nMy travel request:\n\nFrom: Boston\nTo: Atlanta\nDate: 15/12/2026\n\n"
            "Thanks,\nAva",
            calls=[flight_search("boston", "atlanta", "2026-12-15")],
        ),
    ),
    (
        "guard_no_hotel",
        dialogue(
            "LGA to Miami on the 8th, back the 11th. No need for a hotel, the company's "
            "covering that.",
            calls=[flight_search("LGA", "miami", "2026-12-08")],
            tools_exclude=["search_hotels"],
        ),
    ),
    (
        "guard_pick_and_policy",
        dialogue(
            "Boston to Chicago on Dec 15",
            "book the 6:10, is it within policy?",
            segments=[flight_segment("AA 1049", "BOS", "ORD", "2026-12-15")],
            reply_contains="no approval is needed",
            **HELD,
        ),
    ),
    (
        "guard_yes_if_policy",
        dialogue(
            "new york to chicago dec 14, the 11:10 united",
            "ok, as long as it's within policy",
            tools_include=["confirm_booking"],
            new_status="confirmed",
        ),
    ),
    (
        "guard_airline_after_time",
        dialogue(
            "new york to chicago dec 9, the 4:25 jetblue",
            nothing_changed=True,
            tools_exclude=["reserve"],
        ),
    ),
]

# Known gaps (strict xfails), by position:
# 5: "No need for a hotel, the company's covering that" with the kickoff's days read as a
#    stay: asks for nights instead of searching LGA→Miami the evening before and back.
# 16: "2 rooms in Paris Dec 14-16... actually just 1 room, and make it to the 17th": a
#    count and a range's end restated far from where they were said.
# 18: "the week of the 14th, 3 nights": a flexible week searched, no stay of 3 nights.
# 28: "the 4:25 jetblue" from New York: B6 1057 (JFK 16:25) is not among the five cheapest
#    of the metro, so nothing is held (rightly no longer another airline's 16:10), and
#    the conditional yes has no hold to test.
GAPS: set[int] = {5, 16, 18, 28}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p31mail(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
