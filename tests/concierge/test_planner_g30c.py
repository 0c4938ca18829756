"""Guards for the held-out gaps of batches 58 and 60 closed by g30c (now = Tue 1 Dec 2026,
world ``empty`` unless said).

Gaps: a travel day said relative to the day of an event ("first thing Thursday 10th …
flights on the Wednesday before": the day before that date, and nothing else searched);
a part of the day kept beside a one-sided limit ("that morning … nothing before 7": both
bounds); "within the company limit" said of a hotel (only the hotels under the city's
cap, from the policy's rules) with a flight home told as context, not asked for; whether
flying out on a day needs approval (the advance-booking rule, from the policy's rules,
against that day); a hotel dated by the flight of the same message ("from when I land"
after an overnight flight: the day it lands; "the two nights, checking out on the 9th":
the nights before the check-out said).

Every phrasing here was written before it was run (the held-out cases themselves are in
tests/concierge/heldout/batch_58.yaml and batch_60.yaml). First try (pytest -q -n 2
tests/concierge/test_planner_g30c.py, 20:45 UTC, main 53dfafe): 3/17 — passed: the
Thursday and the Sunday before an event (without "in the room"), a red-eye's hotel from
when one lands; failed: "everyone in the room first thing <date>" (a hotel and a return
searched, the date itself flown), every part of the day beside "nothing before <hour>"
(the lower bound only), every hotel "within the company limit" (over-cap hotels listed)
and every flight home told beside a hotel asked for (flights both ways searched), every
"do I need approval if I fly <day>" (the amount thresholds, or a search), a hotel "from
when I arrive" after a flight that lands the next day (checked in the day it leaves), and
"N nights, checking out on <date>" (the check-out read as the check-in). After the fix:
17/17.

Older open items (a window "between lunch and <hour>", a day left open "sometime after
<day>, cheapest day"): their four guards were written after the fix and run once on main
53dfafe (a scratch worktree, 20:58 UTC): 0/4 (no window; one day searched). After: 4/4.
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
    hotel_search,
    run_case,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

ONLY_FLIGHTS: dict[str, Any] = {"tools_exclude": ["search_hotels"], "nothing_changed": True}
ONLY_HOTELS: dict[str, Any] = {"tools_exclude": ["search_flights"], "nothing_changed": True}
POLICY: dict[str, Any] = {
    "tools_exclude": ["search_flights", "search_hotels", "reserve"],
    "nothing_changed": True,
}
ADVANCE = ["7 days", "seven days", "a week"]

CASES: list[tuple[str, Case]] = [
    # -- a travel day said relative to the day of an event
    (
        "relative_day_anchor",
        dialogue(
            "The board wants me in Boston first thing Friday 18 December. Could you look at "
            "flights from Chicago on the Thursday before?",
            user="gus",
            calls=[flight_search("chicago", "boston", "2026-12-17")],
            **ONLY_FLIGHTS,
        ),
    ),
    (
        "relative_day_anchor",
        dialogue(
            "Kickoff is in Atlanta at 9am Monday 14th Dec, so please find me flights from New "
            "York the Sunday before",
            calls=[flight_search("new york", "atlanta", "2026-12-13")],
            **ONLY_FLIGHTS,
        ),
    ),
    (
        "relative_day_anchor",
        dialogue(
            "we've got a client workshop in Miami, everyone in the room first thing Wednesday "
            "16 December. can you check flights from Boston on the tuesday before? nothing "
            "before 9am",
            calls=[flight_search("boston", "miami", "2026-12-15")],
            options={"depart_after": "09:00"},
            **ONLY_FLIGHTS,
        ),
    ),
    # -- a part of the day kept beside a one-sided limit
    (
        "time_window_both_bounds",
        dialogue(
            "Could you find flights from Boston to Chicago on Thursday 10 December in the "
            "morning? Nothing before 8 please.",
            calls=[flight_search("boston", "chicago", "2026-12-10")],
            options={"depart_after": "08:00", "depart_before": "12:00"},
        ),
    ),
    (
        "time_window_both_bounds",
        dialogue(
            "need to get from Chicago to Atlanta on Mon 14 Dec. morning flights ideally, "
            "nothing earlier than 7:30",
            user="gus",
            calls=[flight_search("chicago", "atlanta", "2026-12-14")],
            options={"depart_after": "07:30", "depart_before": "12:00"},
        ),
    ),
    (
        "time_window_both_bounds",
        dialogue(
            "JFK to Miami on the 15th, in the afternoon, but not before 2pm",
            calls=[flight_search("JFK", "miami", "2026-12-15")],
            options={"depart_after": "14:00", "depart_before": "17:00"},
        ),
    ),
    # -- a hotel within the company's limit; a flight home told, not asked for
    (
        "in_policy_filter",
        dialogue(
            "Hotel in San Francisco from the 10th to the 12th of December, within the company "
            "limit please",
            calls=[hotel_search("san francisco", "2026-12-10", "2026-12-12")],
            reply_not_contains=["Sofitel San Francisco Union Square"],
            **ONLY_HOTELS,
        ),
    ),
    (
        "in_policy_filter",
        dialogue(
            "I land in Paris on the 14th and fly back on Thursday 17th. Could you find me a "
            "hotel for those nights? Nothing over the company cap.",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-17")],
            reply_not_contains=["Sofitel Paris Opera"],
            **ONLY_HOTELS,
        ),
    ),
    (
        "in_policy_filter",
        dialogue(
            "I'm flying into Boston on Tuesday 15 December and I head home on the 17th. Can you "
            "find me a hotel?",
            calls=[hotel_search("boston", "2026-12-15", "2026-12-17")],
            **ONLY_HOTELS,
        ),
    ),
    # -- whether a day to fly needs approval
    (
        "approval_rule_for_date",
        dialogue(
            "would I need sign-off if I flew to Boston tomorrow?",
            reply_contains_any=[["manager", "Mia"], ADVANCE],
            **POLICY,
        ),
    ),
    (
        "approval_rule_for_date",
        dialogue(
            "if I book a flight for this Thursday, does it need approving?",
            reply_contains_any=[["manager", "Mia"], ADVANCE],
            **POLICY,
        ),
    ),
    (
        "approval_rule_for_date",
        dialogue(
            "do I need my manager's ok if I travel on Monday?",
            user="gus",
            reply_contains_any=[["manager"], ADVANCE],
            **POLICY,
        ),
    ),
    (
        "approval_rule_for_date",
        dialogue(
            "do I need approval if I fly out on the 18th?",
            reply_contains_any=[ADVANCE, ["no approval", "don't need", "no need", "not needed"]],
            reply_not_contains=["needs your manager's approval"],
            **POLICY,
        ),
    ),
    # -- a hotel dated by the flight of the same message
    (
        "hotel_dates_from_flight",
        dialogue(
            "Red-eye from San Francisco to New York on Monday 14 Dec, plus a hotel for 2 nights "
            "from when I land",
            calls=[
                flight_search("san francisco", "new york", "2026-12-14"),
                hotel_search("new york", "2026-12-15", "2026-12-17"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "hotel_dates_from_flight",
        dialogue(
            "Flight from Boston to Paris on Friday 11 December and a hotel for three nights "
            "from when I arrive",
            calls=[
                flight_search("boston", "paris", "2026-12-11"),
                hotel_search("paris", "2026-12-12", "2026-12-15"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "hotel_dates_from_flight",
        dialogue(
            "I'm presenting in Atlanta on Monday 14 and Tuesday 15 December. Could you look at a "
            "flight from Boston on the Sunday evening, and a hotel for the two nights (checking "
            "out on the 15th)?",
            calls=[
                flight_search("boston", "atlanta", "2026-12-13"),
                hotel_search("atlanta", "2026-12-13", "2026-12-15"),
            ],
            nothing_changed=True,
        ),
    ),
    (
        "hotel_dates_from_flight",
        dialogue(
            "Can you get me a flight to Miami from New York on Thu 10 Dec and a room for 2 "
            "nights, checking out on the 12th",
            calls=[
                flight_search("new york", "miami", "2026-12-10"),
                hotel_search("miami", "2026-12-10", "2026-12-12"),
            ],
            nothing_changed=True,
        ),
    ),
    # -- older open items: a window with one end said as a meal; a day open after another
    (
        "window_from_lunch",
        dialogue(
            "JFK to Boston on Wed 9 Dec, between lunch and 6pm",
            calls=[flight_search("JFK", "boston", "2026-12-09")],
            options={"depart_after": "13:00", "depart_before": "18:00"},
        ),
    ),
    (
        "window_from_lunch",
        dialogue(
            "flights from Boston to Chicago on the 10th, anytime between lunch and 5pm please",
            calls=[flight_search("boston", "chicago", "2026-12-10")],
            options={"depart_after": "13:00", "depart_before": "17:00"},
        ),
    ),
    (
        "open_after_a_day",
        dialogue(
            "JFK to Miami sometime after christmas, whichever day is cheapest",
            calls=[flex_search("JFK", "miami", "2026-12-26", "2027-01-01", 5)],
            nothing_changed=True,
        ),
    ),
    (
        "open_after_a_day",
        dialogue(
            "Boston to Atlanta some time after the 14th, cheapest day please",
            user="gus",
            calls=[flex_search("boston", "atlanta", "2026-12-15", "2026-12-21", 5)],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g30c_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    outcome = await run_case(case, worlds[case.world], tmp_path)
    failures = list(outcome.failures)
    if kind == "relative_day_anchor":
        # The day before the event is asked for, one way: no flight home nobody asked for.
        back = [
            s.args
            for turn in outcome.turns
            for s, _ in turn.calls()
            if s.name == "search_flights" and s.args.get("leg") == "return"
        ]
        if back:
            failures.append(f"a return searched though none was asked for: {back}")
    assert not failures, "\n".join(failures)
