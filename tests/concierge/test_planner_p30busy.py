"""How busy people write (p30busy; now = Tue 1 Dec 2026): long e-mail-style requests with
a greeting, the context and several requirements at once; pasted notes with the ask under
them; terse mobile messages ("nyc-sfo fri am", "2 rms bos 9-11 dec", "y"); questions in
passing about one's own and a report's trips (the hotel's name, a flight's time, when
someone lands, "am I all set for X?", "where's my approval at?"; finance reading a
colleague's trips); approvals between meetings (approve and reject with the reason in the
message, nothing waiting); booking for a report, and refusals for one's manager and for
someone of another organization; policy in passing (business on a long flight, a city's
hotel cap, the advance-booking rule for a date); cancelling for oneself or a report, and
keeping after all.

World ``trips``: Ava's confirmed London trip (BA 19 JFK→LHR Mon 14 Dec 22:30, lands 10:55 on
the 15th; Holiday Inn Express London Tower Bridge 15–18 Dec; BA 18 LHR→JFK Fri 18 Dec
08:45, lands 11:10) and her DL 15 BOS→CDG Thu 3 Dec waiting for Mia Chen's approval ("Booked
2 days ahead; policy asks for 7 days"); Victor, Fin and Gus have nothing waiting; Gus has
no trips. Checked against the real tools at the frozen clock (scratch scripts calling the
tools, never the planner): New York→SFO Fri 4 Dec has morning flights (B6 1061 09:45 first
with a before-noon window); Boston 9–11 Dec for two rooms; JFK→ATL Mon 7 Dec direct after
10:00 = B6 1006 14:00 and AA 1010 21:35; ORD→BOS Wed 16 Dec; EWR⇄MIA 14/16 Dec; Dublin
16–18 Dec; New York→Chicago Tue 8 Dec for two and two rooms in Chicago 8–10 Dec; New
York→BOS Wed 9 Dec (all green); JFK→ORD Thu 10 Dec first = AA 1171 (green, for Ava);
New York→BOS Fri 11 Dec before noon first = AA 1044 09:15 (green, for Mia); Mia may book
for Ava only, Victor for Ava, Fin and Mia, Fin and Gus for nobody; JFK→LHR 7h25 (business
green); the Paris hotel cap 300; book at least 7 days ahead.

Every phrasing was written before reading concierge/planner/ or any planner test (batch_60's
header and cases were read for the worlds' facts and to keep these phrasings different).
First try (pytest -q -n 2 tests/concierge/test_planner_p30busy.py, main 53dfafe, run once at
20:58 UTC): 24/30. Failed: "2 rms bos 9-11 dec" (no tool: "rms" not read as rooms); "am I all
set for London?" (the status and references only, no flights or hotel); "what time's my
flight home on the 18th?" (answered with the flight out on the 14th); "if I book a flight for
Saturday the 5th, does Mia need to sign it off?" (asked where to fly); Mia's "can you cancel
her trip please?" for Ava's London trip (nothing asked); and Gus's "am I all set for next
week?", whose reply ("I don't see any trip — you have no active bookings right now") was right
and the expectation's word list too narrow: corrected ("no active", "don't see any").
After the fixes: 29/30; the approval rule for a date stays a gap here (g30c's work).
Tightened after the run, on reading the replies: "where's my approval at? the paris one"
passed with "You can't approve your own trip … it stays pending", no answer to the question;
it now also must not say that (it failed; fixed).
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

SEARCHED: dict[str, Any] = {"nothing_changed": True}
ASKED: dict[str, Any] = {
    "world": "trips",
    "nothing_changed": True,
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "decide_approval"],
}
WAITING = ["pending", "waiting", "awaiting", "not yet", "hasn't been approved"]
NONE_FOUND = [
    "no trips",
    "no bookings",
    "nothing booked",
    "don't have any",
    "no upcoming",
    "nothing coming up",
    "no trip",
    "no booking",
    "no active",
    "don't see any",
]
REFUSED = [
    "can't",
    "cannot",
    "not able",
    "isn't allowed",
    "not allowed",
    "unable",
    "only book",
    "permission",
    "don't know",
    "couldn't find",
]
CONFIRMED_FLIGHT: dict[str, Any] = {"new_bookings": 1, "new_status": "confirmed", "pending": "none"}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ terse mobile messages
    (
        "terse_search",
        dialogue(
            "nyc-sfo fri am",
            calls=[flight_search("new york", "san francisco", "2026-12-04")],
            options={"depart_before": "12:00"},
            **SEARCHED,
        ),
    ),
    (
        "terse_hotel",
        dialogue(
            "2 rms bos 9-11 dec",
            calls=[hotel_search("boston", "2026-12-09", "2026-12-11", rooms=2)],
            **SEARCHED,
        ),
    ),
    (
        "terse_round_trip",
        dialogue(
            "ewr-mia 14th am, back 16th pm",
            user="victor",
            calls=[
                flight_search("EWR", "miami", "2026-12-14"),
                flight_search("miami", "EWR", "2026-12-16"),
            ],
            **SEARCHED,
        ),
    ),
    (
        "terse_book",
        dialogue(
            "nyc-bos wed 9th am",
            ("1", {"pending": "confirm_booking"}),
            "y",
            segments=[
                {"kind": "flight", "origin": "new york", "destination": "BOS", "date": "2026-12-09"}
            ],
            **CONFIRMED_FLIGHT,
        ),
    ),
    # ------------------------------------------------------------ e-mails and pasted notes
    (
        "email_search",
        dialogue(
            "Hi! Hope you're well. I'm visiting the Atlanta team next week — could you find me "
            "a direct flight from JFK on Monday the 7th? Ideally after 10am so I can do the "
            "nursery drop-off first. Economy's fine obviously. Cheers, Ava",
            calls=[flight_search("JFK", "atlanta", "2026-12-07", max_stops=0)],
            options={"depart_after": "10:00"},
            **SEARCHED,
        ),
    ),
    (
        "pasted_notes",
        dialogue(
            "notes from the Acme call this morning:\n"
            "- kickoff at their Boston office Thu 17/12, 9am\n"
            "- bring the demo laptop + spare charger\n"
            "- me to fly ORD→BOS Wed 16/12, arrive the night before\n"
            "- Priya sending the agenda by Friday\n"
            "\n"
            "^ can you pull up flights for the Wednesday one?",
            user="gus",
            calls=[flight_search("chicago", "boston", "2026-12-16")],
            **SEARCHED,
        ),
    ),
    (
        "email_hotel",
        dialogue(
            "Hi there — I'll be in Dublin for the partner review from Wednesday 16 December, "
            "flying home on Friday 18th. Could you find me a hotel for those two nights, "
            "ideally somewhere central? Nothing too pricey please. Many thanks, Mia",
            user="mia",
            calls=[hotel_search("dublin", "2026-12-16", "2026-12-18")],
            **SEARCHED,
        ),
    ),
    (
        "email_flight_and_rooms",
        dialogue(
            "Hi! Tom and I are heading to Chicago for the quarterly review. Could you look at "
            "flights from New York on Tuesday 8 December for the two of us, plus two rooms for "
            "the nights of the 8th and 9th (we fly back on the 10th)? Thanks so much!",
            calls=[
                flight_search("new york", "chicago", "2026-12-08", passengers=2),
                hotel_search("chicago", "2026-12-08", "2026-12-10", rooms=2),
            ],
            **SEARCHED,
        ),
    ),
    # ------------------------------------------------------------ own trips in passing
    (
        "own_trip",
        dialogue(
            "quick one — am I all set for London? want to make sure nothing's still outstanding",
            reply_contains=["Holiday Inn Express"],
            reply_contains_any=[["confirmed", "all set", "booked"]],
            **ASKED,
        ),
    ),
    (
        "own_trip",
        dialogue(
            "what's my hotel in london called? need it for the visa letter",
            reply_contains=["Holiday Inn Express"],
            **ASKED,
        ),
    ),
    (
        "own_trip",
        dialogue(
            "what time's my flight home on the 18th? trying to sort a ride from JFK",
            reply_contains_any=[["08:45", "8:45", "11:10"]],
            **ASKED,
        ),
    ),
    (
        "own_approval",
        dialogue(
            "where's my approval at? the paris one",
            reply_contains_any=[WAITING, ["Mia", "manager"]],
            reply_not_contains=["can't approve your own"],
            pending="none",
            **ASKED,
        ),
    ),
    (
        "own_trip",
        dialogue(
            "am I all set for next week? can't remember if I booked anything",
            user="gus",
            reply_contains_any=[NONE_FOUND],
            reply_not_contains=["London", "Paris"],
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ a report's trips
    (
        "report_trip",
        dialogue(
            "Quick one — which hotel is Ava booked into in London? I want to courier some docs "
            "over to her",
            user="mia",
            reply_contains=["Holiday Inn Express"],
            **ASKED,
        ),
    ),
    (
        "report_trip",
        dialogue(
            "when does ava land in london? thinking of setting up a dinner on the 15th",
            user="mia",
            reply_contains_any=[["10:55", "10.55"]],
            **ASKED,
        ),
    ),
    (
        "report_trip",
        dialogue(
            "Hi, doing the December forecast — what trips does Ava Patel have coming up?",
            user="fin",
            reply_contains=["London", "Paris"],
            **ASKED,
        ),
    ),
    (
        "report_approval",
        dialogue(
            "is Ava's Paris trip still waiting on me?",
            user="mia",
            reply_contains_any=[WAITING],
            **ASKED,
        ),
    ),
    # ------------------------------------------------------------ approvals
    (
        "approve",
        dialogue(
            (
                "Hi, just seen Ava's request for the Paris trip on the 3rd. Please approve it — "
                "the client moved the meeting up, so the short notice isn't her fault. Thanks, Mia",
                {"pending": "decide_approval", "pending_args": {"decision": "approve"}},
            ),
            "yes",
            user="mia",
            world="trips",
            pending="none",
            booking_status={"paris": "confirmed", "london": "confirmed"},
        ),
    ),
    (
        "reject",
        dialogue(
            (
                "reject ava's paris trip pls, not in the budget this quarter",
                {
                    "pending": "decide_approval",
                    "pending_args": {"decision": "reject"},
                    "pending_args_contains": {"note": "budget"},
                },
            ),
            "yep",
            user="mia",
            world="trips",
            pending="none",
            booking_status={"paris": "cancelled", "london": "confirmed"},
        ),
    ),
    (
        "approvals_none",
        dialogue(
            "Morning — before my 10 o'clock, is there anything sitting in my approvals queue? "
            "Thanks, V",
            user="victor",
            world="trips",
            tools_include=["list_approvals"],
            nothing_changed=True,
            pending="none",
            reply_contains_any=[
                ["nothing", "no pending", "no approvals", "none", "don't have any", "all clear"]
            ],
        ),
    ),
    # ------------------------------------------------------------ for someone else
    (
        "book_for_report",
        dialogue(
            (
                "Please find Ava a flight from JFK to Chicago on Thursday 10 December — she's "
                "presenting at the Chicago office that afternoon.",
                {"calls": [flight_search("JFK", "chicago", "2026-12-10")]},
            ),
            (
                "book her on the first one",
                {
                    "calls": [{"tool": "reserve", "args": {"traveler_id": "ava"}}],
                    "pending": "confirm_booking",
                },
            ),
            "yes",
            user="mia",
            segments=[
                {
                    "kind": "flight",
                    "flight": "AA 1171",
                    "origin": "JFK",
                    "destination": "ORD",
                    "date": "2026-12-10",
                }
            ],
            **CONFIRMED_FLIGHT,
        ),
    ),
    (
        "book_for_report",
        dialogue(
            (
                "Please book Mia on a morning flight from New York to Boston on Friday 11 "
                "December.",
                {
                    "calls": [flight_search("new york", "boston", "2026-12-11")],
                    "options": {"depart_before": "12:00"},
                },
            ),
            (
                "option 1",
                {
                    "calls": [{"tool": "reserve", "args": {"traveler_id": "mia"}}],
                    "pending": "confirm_booking",
                },
            ),
            "yes",
            user="victor",
            segments=[
                {
                    "kind": "flight",
                    "flight": "AA 1044",
                    "origin": "LGA",
                    "destination": "BOS",
                    "date": "2026-12-11",
                }
            ],
            **CONFIRMED_FLIGHT,
        ),
    ),
    (
        "book_for_manager_refused",
        dialogue(
            "can you book Victor on the 9:15 from LaGuardia to Boston on Friday the 11th? he "
            "asked me to sort it",
            user="mia",
            new_bookings=0,
            pending="none",
            reply_contains_any=[REFUSED],
        ),
    ),
    (
        "book_other_org_refused",
        dialogue(
            "book Ava Patel on JFK to Boston 9 Dec, first flight pls",
            user="gus",
            new_bookings=0,
            pending="none",
            reply_contains_any=[REFUSED],
        ),
    ),
    # ------------------------------------------------------------ policy in passing
    (
        "policy_cabin",
        dialogue(
            "flying JFK to London for the workshop, that's a long one — can I go business?",
            nothing_changed=True,
            tools_exclude=["reserve", "confirm_booking"],
            reply_contains=["business"],
            reply_contains_any=[
                ["7h25", "7h 25", "7 h 25", "6 h", "6h", "6 hours", "six hours", "over 6"]
            ],
            reply_not_contains=["economy only"],
        ),
    ),
    (
        "policy_hotel_cap",
        dialogue(
            "whats the most i can spend on a hotel in paris per night",
            nothing_changed=True,
            tools_exclude=["search_hotels", "search_flights"],
            reply_contains=["300"],
        ),
    ),
    (
        "policy_advance",
        dialogue(
            "if I book a flight for Saturday the 5th, does Mia need to sign it off?",
            nothing_changed=True,
            tools_exclude=["reserve", "confirm_booking"],
            reply_contains_any=[["7 days", "seven days", "a week", "7 day"]],
        ),
    ),
    # ------------------------------------------------------------ cancel and keep
    (
        "cancel",
        dialogue(
            (
                "Hi, sadly the Paris client visit on Thursday is off — they've pushed it to the "
                "new year. Could you cancel that flight for me? Thanks, Ava",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@paris"}},
            ),
            "yes please",
            world="trips",
            pending="none",
            booking_status={"paris": "cancelled", "london": "confirmed"},
        ),
    ),
    (
        "cancel_keep",
        dialogue(
            (
                "cancel my london trip",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@london"}},
            ),
            "actually no — keep it, the workshop's back on",
            world="trips",
            pending="none",
            nothing_changed=True,
        ),
    ),
    (
        "cancel_for_report",
        dialogue(
            (
                "Ava's London workshop got cancelled — can you cancel her trip please?",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@london"}},
            ),
            "go ahead",
            user="mia",
            world="trips",
            pending="none",
            booking_status={"london": "cancelled", "paris": "pending_approval"},
        ),
    ),
]

# Guards written after reading the planner (second round of probes in the same theme, each
# failing before its fix): a weekday with a bare day ("mon 14, rtn wed 16" read Mon 7 and
# Wed 9); where one's approval is ("has mia signed off on paris?" read "Signed" as a
# person; "where's my approval at?" / "where are we with the paris approval? need to know by
# tonight" answered as the caller's queue or the day of the deadline); a report all set;
# "all sorted for paris on thurs?" (the flight's time); a hotel said to be sorted (asked
# for nights).
GUARDS: list[tuple[str, Case]] = [
    (
        "terse_round_trip",
        dialogue(
            "ord-atl mon 14, rtn wed 16",
            user="gus",
            calls=[
                flight_search("ORD", "ATL", "2026-12-14"),
                flight_search("ATL", "ORD", "2026-12-16"),
            ],
            **SEARCHED,
        ),
    ),
    (
        "own_approval",
        dialogue(
            "has mia signed off on paris?",
            reply_contains_any=[WAITING, ["Mia", "manager"]],
            reply_not_contains=["can't approve your own", "Signed"],
            pending="none",
            **ASKED,
        ),
    ),
    (
        "own_approval",
        dialogue(
            "hey where are we with the paris approval? need to know by tonight",
            reply_contains_any=[WAITING, ["Mia", "manager"]],
            reply_not_contains=["can't approve your own", "No approvals wait on you", "don't see"],
            pending="none",
            **ASKED,
        ),
    ),
    (
        "own_approval",
        dialogue(
            "where's my approval at?",
            user="gus",
            reply_contains_any=[NONE_FOUND],
            reply_not_contains=["can't approve your own"],
            **ASKED,
        ),
    ),
    (
        "report_trip",
        dialogue(
            "is Ava all set for London?",
            user="mia",
            reply_contains=["Holiday Inn Express", "confirmed"],
            **ASKED,
        ),
    ),
    (
        "own_trip",
        dialogue(
            "am I all sorted for paris on thurs?",
            reply_contains_any=[WAITING],
            **ASKED,
        ),
    ),
    (
        "hotel_sorted",
        dialogue(
            "I'm all sorted for the hotel, just need flights nyc to chicago tue 8th",
            calls=[flight_search("new york", "chicago", "2026-12-08")],
            tools_exclude=["search_hotels"],
            **SEARCHED,
        ),
    ),
]

# Known gaps (by position in CASES), each a strict xfail: a fix that makes one pass takes it out.
GAPS: set[int] = {26}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p30busy(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


@pytest.mark.parametrize(("kind", "case"), case_params(GUARDS, set()))
async def test_p30busy_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
