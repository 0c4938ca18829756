"""Guards for the held-out gaps of batches 58–60 closed by g30b (now = Tue 1 Dec 2026;
world ``trips``: Ava's confirmed London trip, BA 19 JFK→LHR Mon 14 Dec, Holiday Inn
Express London 15–18 Dec, BA 18 back Fri 18 Dec — listed first —; her DL 15 BOS→CDG Thu
3 Dec waiting for Mia Chen's approval — listed second; world ``empty``: the demo data).

Gaps: someone added by name to the flight just held ("add my colleague <First Last> on
the same flight", a manager's "add <report> on that too, she's coming with me") is one
more seat on the same hold, named; a question about one's booked flight ("what's
happening with my <city> flight?") is that trip, so that "cancel it then" has it in view;
"can I get to <city> <day>? anything <part of day>" is a search with that window; a
deferral at a confirmation that puts the dates or times in question with someone else
("let me confirm the dates with my assistant first") keeps the hold and closes the question; "the later one" / "the earlier one" /
"the first one" after "which one do you want to cancel?" picks among the trips listed;
"find me a flight … cheapest is fine" lists the options (the preference orders them),
holding nothing.

Every phrasing here was written before it was run (the held-out cases themselves are in
tests/concierge/heldout/batch_58.yaml, batch_59.yaml and batch_60.yaml). First try
(pytest -q -n 2 tests/concierge/test_planner_g30b.py, 21:05 UTC, main 53dfafe): 4/21 —
passed: three of four "can/could I get to <city> <day>? <window>" (only "anything in the
evening" after "can I get to" was read as a trips question) and "the first one" among the
trips to cancel; failed: all four additions of a traveller (the flight held again for one,
or a search), the three questions about one's booked flight (a new search asked for; the
status one answered the approval but named no flight), the three deferrals (the
confirmation asked again), three of four picks by order of the trips to cancel (the list
again), the three preferences for the list (held in the same turn). After the fixes:
21/21, except that "the first one" among the trips turned out to depend on the world's
list order (both trips are made at the same frozen instant, ties broken by their random
ids), so that guard now says "the later trip, thanks" (written after the fix). A deferral
to someone asked first closes the question only when it puts the trip's details in
question (the dates, the times): held-out b36 "let me check with Mia first" → "ok she's
fine with it, go ahead" books at once; a guard of that kind follows the deferrals.
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"pending": "confirm_booking"}
KEPT: dict[str, Any] = {
    "new_bookings": 1,
    "new_status": "held",
    "pending": "none",
    "tools_exclude": ["confirm_booking", "cancel_booking", "search_flights", "search_hotels"],
    "reply_not_contains": ["Booked!", "didn't quite get", "release the hold now"],
}
TRIPS: dict[str, Any] = {"world": "trips"}
LISTED_ONLY: dict[str, Any] = {"nothing_changed": True, "tools_exclude": ["reserve"]}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ add_traveller
    (
        "add_traveller",
        dialogue(
            "Boston to Chicago on the 10th",
            ("option 1", HELD),
            "could you put my coworker Dana Whitfield on that flight as well?",
            segments=[flight_segment("DL 1071", "BOS", "ORD", "2026-12-10", passengers=2)],
            not_new_status="confirmed",
            tools_exclude=["search_flights"],
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "JFK to Atlanta dec 9",
            ("the second one", HELD),
            "add my friend Leo Martin on the same flight please",
            segments=[flight_segment("B6 1006", "JFK", "ATL", "2026-12-09", passengers=2)],
            not_new_status="confirmed",
            tools_exclude=["search_flights"],
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "LGA to Chicago on the 15th",
            ("option 2", HELD),
            "add Ava to that too, she's travelling with me",
            user="mia",
            segments=[flight_segment("DL 1171", "LGA", "ORD", "2026-12-15", passengers=2)],
            not_new_status="confirmed",
            tools_exclude=["search_flights"],
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "find me a flight JFK to Miami on the 11th",
            ("the first", HELD),
            "can you add Ava on it as well? she's joining me",
            user="mia",
            segments=[flight_segment("B6 1055", "JFK", "MIA", "2026-12-11", passengers=2)],
            not_new_status="confirmed",
            tools_exclude=["search_flights"],
        ),
    ),
    # ------------------------------------------------------ trip_question_as_search
    (
        "trip_question",
        dialogue(
            (
                "what's going on with my london flight?",
                {"tools_exclude": ["search_flights"], "reply_contains": ["BA 19"]},
            ),
            (
                "ok cancel it then",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@london"}},
            ),
            **TRIPS,
        ),
    ),
    (
        "trip_question",
        dialogue(
            ("any news on my paris trip?", {"tools_exclude": ["search_flights"]}),
            "fine, just cancel it",
            ("yes", {}),
            booking_status={"paris": "cancelled", "london": "confirmed"},
            **TRIPS,
        ),
    ),
    (
        "trip_question",
        dialogue(
            "what's the status of my Paris flight",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains=["DL 15"],
            reply_contains_any=[["approval", "Mia"]],
            **TRIPS,
        ),
    ),
    # ------------------------------------------------------ search_as_trip_question
    (
        "search_window",
        dialogue(
            "can I get to Chicago on Friday? anything in the evening",
            calls=[flight_search("new york", "chicago", "2026-12-04")],
            options={"depart_after": "17:00"},
            **LISTED_ONLY,
        ),
    ),
    (
        "search_window",
        dialogue(
            "could I get to Atlanta the day after tomorrow? something after lunch",
            calls=[flight_search("new york", "atlanta", "2026-12-03")],
            options={"depart_after": "12:00"},
            **LISTED_ONLY,
        ),
    ),
    (
        "search_window",
        dialogue(
            "can i get to boston tomorrow? ideally after lunch",
            user="gus",
            calls=[flight_search("chicago", "boston", "2026-12-02")],
            options={"depart_after": "12:00"},
            **LISTED_ONLY,
        ),
    ),
    (
        "search_window",
        dialogue(
            "is there any way to get to Miami on the 10th? morning ideally",
            calls=[flight_search("new york", "miami", "2026-12-10")],
            options={"depart_before": "12:00"},
            **LISTED_ONLY,
        ),
    ),
    # ------------------------------------------------------ deferral_at_confirmation
    (
        "deferral",
        dialogue(
            "JFK to Boston dec 9",
            ("option 2", HELD),
            "Hang on — I need to check the dates with my manager first.",
            **KEPT,
        ),
    ),
    (
        "deferral",
        dialogue(
            "flights from new york to chicago on 15 december",
            ("option 1", HELD),
            "Wait, let me run the times past my assistant first.",
            user="victor",
            **KEPT,
        ),
    ),
    (
        "deferral",
        dialogue(
            "hotel in boston 9-11 dec",
            ("the first one", HELD),
            "hold on, let me confirm the dates with the client first",
            **KEPT,
        ),
    ),
    (
        # (written after the fix, from held-out b36: checking only whether to go ahead
        # keeps the question, and the next "go ahead" books)
        "deferral",
        dialogue(
            "JFK to Boston dec 9",
            ("option 2", HELD),
            ("hang on, let me check with my boss first", {"not_new_status": "confirmed"}),
            "ok he's fine with it, go ahead",
            new_bookings=1,
            new_status="confirmed",
            pending="none",
        ),
    ),
    # ------------------------------------------------------ cancel_pick_by_order
    (
        "cancel_by_order",
        dialogue(
            "I want to cancel one of my bookings",
            (
                "the earlier one",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@paris"}},
            ),
            "yes",
            booking_status={"paris": "cancelled", "london": "confirmed"},
            **TRIPS,
        ),
    ),
    (
        "cancel_by_order",
        dialogue(
            "cancel one of my trips please",
            "the later trip, thanks",
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            **TRIPS,
        ),
    ),
    (
        "cancel_by_order",
        dialogue(
            "need to cancel a trip",
            "the later one please",
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            **TRIPS,
        ),
    ),
    (
        "cancel_by_order",
        dialogue(
            "can you cancel one of my trips",
            "the sooner one",
            pending="cancel_booking",
            pending_args={"booking_id": "@paris"},
            **TRIPS,
        ),
    ),
    # ------------------------------------------------------ preference_as_pick
    (
        "preference_list",
        dialogue(
            "can you find me a flight to Boston on the 9th? cheapest is fine",
            calls=[flight_search("new york", "boston", "2026-12-09")],
            **LISTED_ONLY,
        ),
    ),
    (
        "preference_list",
        dialogue(
            "could you look for flights from JFK to Atlanta on Friday, the cheapest will do",
            calls=[flight_search("JFK", "atlanta", "2026-12-04")],
            **LISTED_ONLY,
        ),
    ),
    (
        "preference_list",
        dialogue(
            "please find me a hotel in Chicago 14-16 Dec, happy with the cheapest",
            calls=[hotel_search("chicago", "2026-12-14", "2026-12-16")],
            **LISTED_ONLY,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g30b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
