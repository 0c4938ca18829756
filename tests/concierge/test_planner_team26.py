"""Managers and colleagues (now = Tue 1 Dec 2026; world "trips": ava's confirmed London trip
BA 19 JFK->LHR Mon 14 Dec 22:30, Holiday Inn Express London Tower Bridge 15-18 Dec, BA 18
LHR->JFK Fri 18 Dec 08:45 landing 11:10, total 1,944.90 USD; her DL 15 BOS->CDG Thu 3 Dec
22:10, 732.10 USD, waiting for Mia: "Booked 2 days ahead; policy asks for 7 days").

Users: ava (Acme traveller, manager mia), mia (Acme engineering manager, may book for ava),
victor (Acme VP Finance above mia; may book for ava, fin, mia), fin (Acme finance analyst,
reports to victor), gus (Globex, books for nobody). Facts checked with the real tools on a
copy of the "trips" world (scratch script outside the repo): list_approvals (mia: the Paris
request AP-…, reasons as above; victor, ava, gus: nothing), list_trips (mia and victor see
both of ava's trips), get_traveler_profile.can_book_for (mia: ava; victor: ava, fin, mia;
ava, gus: nobody), New York->Boston 10 Dec x3 (B6 1024 18:20 option 1, green), New York->
Chicago 9 Dec (AA 1141 16:10 option 1), search_hotels London 15-18 Dec (Holiday Inn Express
option 1, green).

Phrasings written from the user's side before reading the planner, run once on main b1eedca
(team26's first commit, 07:22 UTC, `pytest -q -n 0 tests/concierge/test_planner_team26.py`):
first try 29/38 = 76 %, by kind: approvals_queue 3/4 ("hey do i have anything to approve rn"
proposes approving), approve 5/5, reject 3/3, approve_no 2/2, waiting_on 1/2 ("whos ava's
paris booking waiting on" asks for a travel date), approval_reason 2/2, self_approve 2/2,
not_approver 0/1, vp_view 2/2, team_trips 2/6 ("is ava's hotel booked?" answers the status
without the hotel; "which flight Ava is taking out to London" and "whats fin and ava got
coming up travel wise" are not read as questions about her trips), book_for 3/4 ("get my
report a hotel in London 15-18" searches nothing), book_for_not_allowed 1/2 ("can you book
for Ben?" not understood), group_names 2/2.
Two failures were invalid expectations, corrected (see their notes): not_approver (the
right answer, "waiting on Mia Chen", came at the first turn, the "yes" after it has nothing
to answer) and "who on my team is travelling next week?" ("I don't see any upcoming trip
... for anyone on your team" is a right answer): 31 pass, 7 gaps.

After the fix 38/38, by mechanism: chat shorthand written out ("rn" right now, "whos",
"hows", "abt"); a status question naming the hotel ("is ava's hotel booked?") names the
hotel and its nights with the status; a name before what the person does ("which flight
Ava is taking", "what flight is ava on") names whose trip; several people named together
("fin and ava", "Fin, Mia and Ava") are all whose trips are listed, and those with none are
said; "can you book for Ben?", "am I allowed to book for Fin?" ask the org chart
(can_book_for) and say yes or no, never the policy; a bare day range "15-18" (forward, at
most three weeks, never a count, clock or amount) is days of the month; "my report" is the
one person a caller may book for when there is one.
Guards (GUARDS, written after the fix): first try 9/9 (`pytest -q -n 0
tests/concierge/test_planner_team26.py -k guards`, 07:44 UTC).
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

T = "trips"
NO = ["can't", "cannot", "not able", "unable", "only", "isn't", "aren't", "not allowed"]
NOTHING = ["nothing", "no pending", "none", "no approvals", "no requests", "all clear", "don't have"]


def _approve(decision: str) -> dict[str, Any]:
    return {"pending": "decide_approval", "pending_args": {"decision": decision}}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ the queue
    (
        "approvals_queue",
        dialogue(
            "anything waiting for me?",
            world=T,
            user="mia",
            tools_include=["list_approvals"],
            nothing_changed=True,
            pending=None,
            reply_contains=["Ava", "Paris"],
        ),
    ),
    (
        "approvals_queue",
        dialogue(
            "hey do i have anything to approve rn",
            world=T,
            user="mia",
            tools_include=["list_approvals"],
            nothing_changed=True,
            pending=None,
            reply_contains="Paris",
        ),
    ),
    (
        "approvals_queue",
        dialogue(
            "Good morning! I was at an offsite all of last week and I'm only now catching up on "
            "everything. Could you let me know whether any of my team's travel requests are "
            "sitting with me for sign-off? Thanks so much.",
            world=T,
            user="mia",
            tools_include=["list_approvals"],
            nothing_changed=True,
            pending=None,
            reply_contains=["Ava", "Paris"],
        ),
    ),
    (
        "approvals_queue",
        dialogue(
            "any approvals for me today?",
            user="mia",
            tools_include=["list_approvals"],
            nothing_changed=True,
            pending=None,
            reply_contains_any=[NOTHING],
        ),
    ),
    # ------------------------------------------------------------ approve / reject
    (
        "approve",
        dialogue("approve ava's", world=T, user="mia", **_approve("approve")),
    ),
    (
        "approve",
        dialogue(
            "anything waiting for me?",
            "ok approve the paris one",
            world=T,
            user="mia",
            **_approve("approve"),
        ),
    ),
    (
        "approve",
        dialogue(
            "what's waiting on my approval?",
            "approve all of them",
            "yep",
            world=T,
            user="mia",
            booking_status={"paris": "confirmed"},
        ),
    ),
    (
        "approve",
        dialogue(
            "approve avas paris trip pls",
            "yup go for it",
            world=T,
            user="mia",
            booking_status={"paris": "confirmed"},
        ),
    ),
    (
        "approve",
        dialogue(
            "aprove the pending one for ava",
            "sure thing",
            world=T,
            user="mia",
            booking_status={"paris": "confirmed"},
        ),
    ),
    (
        "reject",
        dialogue(
            ("whats pending for me", {"pending": None}),
            (
                "reject it — too late to book, tell her to use the train",
                {**_approve("reject"), "pending_args_contains": {"note": "train"}},
            ),
            "yes do it",
            world=T,
            user="mia",
            booking_status={"paris": "cancelled"},
        ),
    ),
    (
        "reject",
        dialogue(
            "Please decline Ava's Paris flight. She needs to give more notice for trips like "
            "this one, so let her know to book at least a week ahead next time.",
            world=T,
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "week ahead"},
        ),
    ),
    (
        "reject",
        dialogue(
            "reject ava's paris request",
            "budget's frozen till january",
            "confirm",
            world=T,
            user="mia",
            booking_status={"paris": "cancelled"},
        ),
    ),
    (
        "approve_no",
        dialogue(
            "approve the paris one",
            "actually no, hold off for now",
            world=T,
            user="mia",
            nothing_changed=True,
            pending=None,
        ),
    ),
    (
        "approve_no",
        dialogue(
            "Approve Ava's Paris request please",
            "hmm wait, not yet — I want to talk to her first",
            world=T,
            user="mia",
            nothing_changed=True,
            pending=None,
        ),
    ),
    # ------------------------------------------------------------ why / waiting on whom
    (
        "waiting_on",
        dialogue(
            "what's ava's paris trip waiting on?",
            world=T,
            user="victor",
            nothing_changed=True,
            reply_contains="Mia",
        ),
    ),
    (
        "waiting_on",
        dialogue(
            "whos ava's paris booking waiting on",
            world=T,
            user="victor",
            nothing_changed=True,
            reply_contains="Mia",
        ),
    ),
    (
        "approval_reason",
        dialogue(
            "anything waiting for me?",
            "why does it need my ok?",
            world=T,
            user="mia",
            nothing_changed=True,
            pending=None,
            reply_contains_any=[["7 days", "seven days", "2 days ahead", "two days"]],
        ),
    ),
    (
        "approval_reason",
        dialogue(
            "why was ava's paris trip flagged for approval?",
            world=T,
            user="mia",
            nothing_changed=True,
            pending=None,
            reply_contains_any=[["7 days", "seven days", "2 days ahead", "two days"]],
        ),
    ),
    # ------------------------------------------------------------ own trip / not the approver
    (
        "self_approve",
        dialogue(
            "approve my paris trip",
            world=T,
            nothing_changed=True,
            pending=None,
            reply_contains="Mia",
        ),
    ),
    (
        "self_approve",
        dialogue(
            "mia's on leave this week, can i just approve the paris one myself?",
            "yes",
            world=T,
            nothing_changed=True,
            booking_status={"paris": "pending_approval"},
        ),
    ),
    (
        "not_approver",
        dialogue(
            # note: first written with reply_contains "Mia" on the "yes"; the right answer
            # ("isn't waiting on you: its approval is with Mia Chen") comes at the first turn.
            ("approve ava's paris trip", {"reply_contains": "Mia", "pending": None}),
            "yes",
            world=T,
            user="victor",
            nothing_changed=True,
            booking_status={"paris": "pending_approval"},
        ),
    ),
    (
        "vp_view",
        dialogue(
            "what's pending approval across my org?",
            world=T,
            user="victor",
            nothing_changed=True,
            pending=None,
            reply_contains=["Ava", "Paris"],
        ),
    ),
    (
        "vp_view",
        dialogue(
            "do I have anything to approve?",
            world=T,
            user="victor",
            nothing_changed=True,
            pending=None,
            reply_contains_any=[NOTHING],
        ),
    ),
    # ------------------------------------------------------------ the team's trips
    (
        "team_trips",
        dialogue(
            "who on my team is travelling this month?",
            world=T,
            user="mia",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains=["Ava", "London"],
        ),
    ),
    (
        "team_trips",
        dialogue(
            "who on my team is travelling next week?",
            user="mia",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            # note: "don't see any" added after the first try: "I don't see any upcoming trip
            # between Mon 7 Dec and Sun 13 Dec for anyone on your team" is a right answer.
            reply_contains_any=[
                ["nobody", "no one", "no trips", "no upcoming", "nothing", "none", "no travel",
                 "don't see any"]
            ],
        ),
    ),
    (
        "team_trips",
        dialogue(
            "when's Ava back from London?",
            world=T,
            user="mia",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains_any=[["18 Dec", "Dec 18", "18th", "Fri 18", "18 December"]],
        ),
    ),
    (
        "team_trips",
        dialogue(
            "what's ava's london trip costing us?",
            world=T,
            user="mia",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains_any=[["1,944.90", "1944.90"]],
        ),
    ),
    (
        "team_trips",
        dialogue(
            "is ava's hotel booked?",
            world=T,
            user="mia",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains="Holiday Inn",
        ),
    ),
    (
        "team_trips",
        dialogue(
            "Hi there, quick one: could you remind me which flight Ava is taking out to London? "
            "I'd like to catch her at the airport before she leaves.",
            world=T,
            user="mia",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains="BA 19",
            reply_contains_any=[["22:30", "10:30 pm", "10:30pm"]],
        ),
    ),
    (
        "team_trips",
        dialogue(
            "whats fin and ava got coming up travel wise",
            world=T,
            user="victor",
            tools_exclude=["search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains="London",
        ),
    ),
    # ------------------------------------------------------------ booking for someone else
    (
        "book_for",
        dialogue(
            ("get my report a hotel in London 15-18", {
                "calls": [{"tool": "search_hotels", "args": {
                    "city": "London", "check_in": "2026-12-15", "check_out": "2026-12-18"}}],
            }),
            "first one",
            world=T,
            user="mia",
            calls=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
        ),
    ),
    (
        "book_for",
        dialogue(
            "Could you please book Ava Patel on a flight from New York to Chicago on Wednesday "
            "9 December?",
            "the first one",
            world=T,
            user="mia",
            calls=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
        ),
    ),
    (
        "book_for",
        dialogue(
            "fly me from new york to chicago on wed the 9th",
            "option 1",
            "yes",
            "now book Ava on the same flight as me",
            world=T,
            user="mia",
            calls=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
            segments=[
                {"kind": "flight", "flight": "AA 1141", "date": "2026-12-09"},
                {"kind": "flight", "flight": "AA 1141", "date": "2026-12-09"},
            ],
        ),
    ),
    (
        "book_for",
        dialogue(
            "book fin a hotel in boston 10-12 dec",
            "cheapest pls",
            world=T,
            user="victor",
            calls=[{"tool": "reserve", "args": {"traveler_id": "fin"}}],
        ),
    ),
    (
        "book_for_not_allowed",
        dialogue(
            "can you book for Ben?",
            world=T,
            user="mia",
            tools_exclude=["reserve", "search_flights", "search_hotels"],
            nothing_changed=True,
            reply_contains_any=[NO],
        ),
    ),
    (
        "book_for_not_allowed",
        dialogue(
            "can u book my manager mia a flight to boston on the 10th",
            world=T,
            tools_exclude=["reserve"],
            nothing_changed=True,
            reply_contains_any=[NO],
        ),
    ),
    # ------------------------------------------------------------ groups with names
    (
        "group_names",
        dialogue(
            "me, Ava and Tom to Boston on the 10th",
            world=T,
            user="mia",
            calls=[{"tool": "search_flights", "args": {
                "origin": "new york", "destination": "boston", "date": "2026-12-10",
                "passengers": 3}}],
        ),
    ),
    (
        "group_names",
        dialogue(
            "need flights for me and ava, nyc to miami dec 16",
            world=T,
            user="mia",
            calls=[{"tool": "search_flights", "args": {
                "origin": "new york", "destination": "miami", "date": "2026-12-16",
                "passengers": 2}}],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_team26(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# Written after the fix, for the same mechanisms (shorthand, the hotel named with a status,
# a name before what they do, several people named, whom one may book for, a bare day
# range, "my report"), run once before any change for them.
GUARDS: list[tuple[str, Case]] = [
    (
        "shorthand",
        dialogue(
            "anything i need to sign off rn",
            world=T,
            user="mia",
            tools_include=["list_approvals"],
            nothing_changed=True,
            pending=None,
            reply_contains="Ava",
        ),
    ),
    (
        "shorthand",
        dialogue(
            "hows ava's paris trip looking, whos it waiting on",
            world=T,
            user="victor",
            nothing_changed=True,
            reply_contains="Mia",
        ),
    ),
    (
        "status_names_hotel",
        dialogue(
            "is my london hotel confirmed?",
            world=T,
            tools_exclude=["search_hotels", "search_flights"],
            nothing_changed=True,
            reply_contains=["Holiday Inn", "confirmed"],
        ),
    ),
    (
        "name_then_verb",
        dialogue(
            "what flight is Ava on coming home from London?",
            world=T,
            user="mia",
            tools_exclude=["search_hotels", "search_flights"],
            nothing_changed=True,
            reply_contains="BA 18",
        ),
    ),
    (
        "several_named",
        dialogue(
            "What have Mia and Ava got coming up?",
            world=T,
            user="erin",
            tools_exclude=["search_hotels", "search_flights"],
            nothing_changed=True,
            reply_contains=["London", "Mia"],
        ),
    ),
    (
        "may_book_for",
        dialogue(
            "can I book travel for Gus?",
            world=T,
            user="victor",
            tools_exclude=["reserve", "search_flights", "search_hotels", "get_policy"],
            nothing_changed=True,
            reply_contains_any=[NO],
        ),
    ),
    (
        "may_book_for",
        dialogue(
            "Could I book a trip for Victor?",
            world=T,
            user="erin",
            tools_exclude=["reserve", "get_policy"],
            nothing_changed=True,
            reply_contains_any=[["yes", "you can"]],
        ),
    ),
    (
        "bare_day_range",
        dialogue(
            "need a hotel in paris 20-22 for ava",
            world=T,
            user="mia",
            calls=[{"tool": "search_hotels", "args": {
                "city": "Paris", "check_in": "2026-12-20", "check_out": "2026-12-22"}}],
        ),
    ),
    (
        "my_report",
        dialogue(
            "can you find my direct report a flight to boston on the 10th",
            "option 1",
            world=T,
            user="mia",
            calls=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
        ),
    ),
]
GUARD_GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(GUARDS, GUARD_GAPS))
async def test_team26_guards(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
