"""Questions about one's own trips, approvals, policy answers and honest "can't do that"
answers, as users write them (issue 10; trips23).

Written from the user's side BEFORE reading the planner code for these areas (only the
harness, the demo people — ava reports to mia, mia to victor (VP Finance) — the Acme
policy rules and the hotel check-in/out times were looked at). World ``trips``: ava's
confirmed London trip (BA 19 JFK→LHR Mon 14 Dec 22:30, lands 10:30; Holiday Inn Express
London Tower Bridge 15–18 Dec; BA 18 LHR→JFK Fri 18 Dec 08:45) and her BOS→CDG flight
of Thu 3 Dec (22:10) waiting for mia's approval. Now = Tue 1 Dec 2026 09:00 UTC.

First try (CASES, 36 phrasings), run once at 21:28 UTC on main 80a567d before any fix:
**25/36 = 69 %**. Two failures were invalid expectations (corrected with a comment: BA
19 lands 10:55, not the 10:30 guessed; a cost given as "1,944.90 USD" not "$…"), so
27/36 = 75 %. By kind: own_trip 10/13, approvals 5/9, policy 6/8, cant_answer 6/6.
Gaps: a hotel's check-in time not given (only the day); "what time do I need to be out
of the hotel" after "tell me about my london trip" answered about the Paris trip; "and
is that one confirmed?" after a trip question not understood; a bare "reject" rejected
at once with a stock note instead of asking why; "who has to sign off on a trip over
$10,000" answered with the manager only (and "over 10 grand" with the profile); "my
team's upcoming travel" / "what's my team got booked" not understood; "can I ever fly
first class?" asked where to go. After the fixes: 36/36.

GUARDS (22 phrasings) were written AFTER the fixes, as guards of the same kinds, and are
no first-try figure: on their first run 18/20 of the first 20 passed ("could I ever book
first on a long haul?" — "first" after a verb of booking not read as the cabin; "need
an exec to sign it off" not read as a policy question), fixed the same way; the last 2
("who has to sign off my London booking?", "who's approving my paris trip?": that
trip's status, not the policy's thresholds) were written with their fix, as were the
round-2 guards (a flight's length, the airport one lands at, a hotel named by its
brand, a hotel's extras, expenses outside the policy, Global Entry numbers) and round 3
(a report's name or a flight number in lower case, asked by the manager) after a probe
of further phrasings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)

QUIET: dict[str, Any] = {"nothing_changed": True}
NO_SEARCH: dict[str, Any] = {"tools_exclude": ["search_flights", "search_hotels", "reserve"]}


def _trip(*turns: Any, user: str = "ava", **expect: Any) -> Case:
    return dialogue(*turns, world="trips", user=user, **{**QUIET, **NO_SEARCH, **expect})


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ own_trip
    (
        "own_trip",
        _trip("what hotel have i got in london again?", reply_contains="Holiday Inn Express"),
    ),
    (
        "own_trip",
        _trip(
            "Whats the address of my hotel in London?",
            reply_contains_any=[["Tower Bridge", "London"]],
            reply_matches=r"\d+ [A-Z][a-z]+",
        ),
    ),
    (
        "own_trip",
        _trip(
            "When can I check in to my London hotel on the 15th?",
            reply_contains_any=[["15:00", "3pm", "3 pm", "3:00"]],
        ),
    ),
    (
        "own_trip",
        _trip(
            "what time does my flight to london land?",
            # corrected: written as 10:30 (a guess); the catalogue's BA 19
            # lands 10:55, and the reply said so
            reply_contains="10:55",
        ),
    ),
    (
        "own_trip",
        _trip(
            "What time is my flight home from London on Friday?",
            reply_contains_any=[["08:45", "8:45"]],
        ),
    ),
    (
        "own_trip",
        _trip(
            "How much is my London trip costing all in?",
            # corrected: written as "$…"; the reply gave "1,944.90 USD"
            reply_matches=r"\$\s?\d|\d[\d,]*\.\d\d USD",
        ),
    ),
    (
        "own_trip",
        _trip(
            "is my trip to paris confirmed yet?",
            reply_contains_any=[["waiting", "pending", "not yet", "awaiting"]],
        ),
    ),
    (
        "own_trip",
        _trip(
            "which terminal do I arrive at in Heathrow?",
            reply_contains="terminal",
            reply_contains_any=[["BA 19", "10:55", "22:30"]],
        ),
    ),
    (
        "own_trip",
        _trip(
            "Tell me about my london trip",
            "what time do i need to be out of the hotel on the last day?",
            reply_contains_any=[["11:00", "11am", "11 am"]],
        ),
    ),
    (
        "own_trip",
        _trip(
            "when am I flying back from London?",
            "and is that one confirmed?",
            reply_contains="confirmed",
        ),
    ),
    ("own_trip", _trip("what trips do i have coming up", reply_contains=["London", "Paris"])),
    (
        "own_trip",
        _trip(
            "my flight to paris on thursday - what time does it leave boston?",
            reply_contains_any=[["22:10", "10:10"]],
        ),
    ),
    (
        "own_trip",
        _trip(
            "whats the flight number for my flight back from london",
            reply_contains_any=[["BA 18", "BA18"]],
        ),
    ),
    # ------------------------------------------------------------ approvals
    (
        "approvals",
        _trip(
            "anything waiting for me to approve?",
            user="mia",
            reply_contains="Ava",
            pending=None,
            tools_exclude=["decide_approval", "search_flights"],
        ),
    ),
    (
        "approvals",
        _trip(
            "what approvals do I have",
            ("reject", {"pending": None, **QUIET}),
            user="mia",
            pending=None,
            reply_contains_any=[["why", "reason"]],
        ),
    ),
    (
        "approvals",
        dialogue(
            "show me pending approvals",
            "approve it, note: fine, it's a client visit",
            world="trips",
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "approve"},
            pending_args_contains={"note": "client visit"},
        ),
    ),
    (
        "approvals",
        dialogue(
            "Reject Ava's Paris trip because the dates don't work for the team",
            world="trips",
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "dates don"},
        ),
    ),
    (
        "approvals",
        _trip("who needs to approve my paris trip?", reply_contains_any=[["Mia", "manager"]]),
    ),
    (
        "approvals",
        _trip(
            "Who has to sign off on a trip that costs over $10,000?",
            reply_contains_any=[["VP Finance", "Victor", "vp_finance"]],
        ),
    ),
    (
        "approvals",
        _trip(
            "show me my team's upcoming travel",
            user="victor",
            reply_contains="Ava",
            reply_not_contains="Your trips",
        ),
    ),
    (
        "approvals",
        _trip(
            "any approvals waiting on me?",
            user="victor",
            tools_exclude=["decide_approval"],
            reply_contains_any=[
                ["nothing", "no approvals", "none", "no pending", "no requests", "no trips"]
            ],
        ),
    ),
    (
        "approvals",
        _trip(
            "what's my team got booked this month?",
            user="mia",
            reply_contains="Ava",
            reply_not_contains="Your trips",
        ),
    ),
    # ------------------------------------------------------------ policy
    (
        "policy",
        dialogue(
            "can I book business class to London from NYC?",
            **QUIET,
            tools_exclude=["reserve"],
            reply_matches=r"(?i)\byes\b|allowed|permitted|can fly business|"
            r"business is (fine|ok)",
        ),
    ),
    (
        "policy",
        dialogue(
            "Am I allowed business class New York to San Francisco?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="economy",
        ),
    ),
    (
        "policy",
        dialogue(
            "whats the hotel limit per night in Paris?", **QUIET, **NO_SEARCH, reply_contains="300"
        ),
    ),
    (
        "policy",
        dialogue(
            "how far in advance do i have to book flights?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="7",
        ),
    ),
    (
        "policy",
        dialogue(
            "Can I ever fly first class?",
            **QUIET,
            **NO_SEARCH,
            reply_contains_any=[
                [
                    "not allowed",
                    "blocked",
                    "isn't allowed",
                    "never",
                    "not permitted",
                    "red",
                    "not covered",
                ]
            ],
        ),
    ),
    (
        "policy",
        dialogue(
            "what's the nightly cap for hotels in Madrid?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="250",
        ),
    ),
    (
        "policy",
        dialogue(
            "who approves trips over 10 grand?",
            **QUIET,
            **NO_SEARCH,
            reply_contains_any=[["VP Finance", "Victor"]],
        ),
    ),
    (
        "policy",
        dialogue(
            "premium economy to chicago - ok or not?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="economy",
            reply_contains_any=[["not", "only", "under 6", "isn't"]],
        ),
    ),
    # ------------------------------------------------------------ cant_answer
    (
        "cant_answer",
        _trip(
            "can you get me a rental car at Heathrow for the 15th?",
            reply_contains_any=[["car", "rental"]],
        ),
    ),
    ("cant_answer", _trip("Do I need a visa for the UK as a US citizen?", reply_contains="visa")),
    (
        "cant_answer",
        dialogue(
            "book me a train from NYC to Boston on Friday",
            **QUIET,
            tools_exclude=["reserve", "search_flights"],
            reply_contains_any=[["train", "rail"]],
        ),
    ),
    (
        "cant_answer",
        _trip("how much of the fare is taxes on my London flight?", reply_contains="tax"),
    ),
    (
        "cant_answer",
        dialogue(
            "Can you order me an Uber to JFK for tonight?",
            **QUIET,
            **NO_SEARCH,
            reply_contains_any=[["taxi", "car", "ride", "Uber"]],
        ),
    ),
    (
        "cant_answer",
        _trip("can I get lounge access at JFK before my BA flight?", reply_contains="lounge"),
    ),
]


# Guards, written AFTER the fixes (not first-try figures): other phrasings of each kind.
GUARDS: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ own_trip
    (
        "own_trip",
        _trip(
            "where's my hotel in london? need the address for the cab",
            reply_contains="Holiday Inn Express",
            reply_not_contains="don't have",
        ),
    ),
    (
        "own_trip",
        _trip("what time can i get into my room in london on the 15th", reply_contains="15:00"),
    ),
    (
        "own_trip",
        _trip(
            "which terminal am I flying home from at Heathrow?",
            reply_contains="terminal",
            reply_contains_any=[["BA 18", "08:45"]],
        ),
    ),
    ("own_trip", _trip("when do I land in Paris?", reply_contains="11:35")),
    (
        "own_trip",
        _trip(
            "what's the plan for my London trip",
            "how much did it come to?",
            reply_contains="1,944.90",
        ),
    ),
    (
        "own_trip",
        _trip(
            "when's my flight to paris",
            "has that been signed off yet?",
            reply_contains_any=[["waiting", "pending", "not yet"]],
        ),
    ),
    # (round 2 of guards, written with their fixes: a flight's length, where one lands,
    # a hotel named by its brand, what a hotel offers)
    ("own_trip", _trip("how long is my flight to london?", reply_contains="7h25")),
    (
        "own_trip",
        _trip(
            "Which airport do I fly back into?",
            reply_contains="JFK",
            reply_not_contains="fly out of",
        ),
    ),
    ("own_trip", _trip("what time is check-in at the holiday inn?", reply_contains="15:00")),
    (
        "own_trip",
        _trip(
            "is breakfast included at my hotel in london?",
            reply_contains="breakfast",
            tools_exclude=["search_hotels"],
        ),
    ),
    # ------------------------------------------------------------ approvals
    (
        "approvals",
        dialogue(
            "pending approvals pls",
            ("decline", {"pending": None, **QUIET}),
            "she should book a week ahead like everyone else",
            world="trips",
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "week ahead"},
        ),
    ),
    (
        "approvals",
        dialogue(
            "anything for me to sign off?",
            "reject 1",
            "no reason",
            world="trips",
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "reject"},
        ),
    ),
    (
        "approvals",
        dialogue(
            "what approvals do I have",
            "reject it",
            "actually approve it",
            world="trips",
            user="mia",
            pending="decide_approval",
            pending_args={"decision": "approve"},
        ),
    ),
    (
        "approvals",
        _trip(
            "who has to sign off my London booking?",
            reply_contains="confirmed",
            tools_exclude=["get_policy"],
        ),
    ),
    (
        "approvals",
        _trip(
            "so who's approving my paris trip then?",
            reply_contains_any=[["waiting", "pending"]],
            reply_contains="manager",
        ),
    ),
    (
        "approvals",
        _trip(
            "show me my trips", user="victor", reply_contains="Ava", reply_not_contains="Your trips"
        ),
    ),
    (
        "approvals",
        _trip("are any of my people travelling in december?", user="mia", reply_contains="Ava"),
    ),
    # (round 3, written with the fix: a report named in chat lower case, a flight number
    # in lower case, asked by the manager)
    (
        "approvals",
        _trip("how much is ava's paris flight?", user="mia", reply_contains="732.10"),
    ),
    (
        "approvals",
        _trip(
            "what time does ba 19 land?",
            user="mia",
            reply_contains=["10:55", "Ava"],
            reply_not_contains="You land",
        ),
    ),
    # ------------------------------------------------------------ policy
    (
        "policy",
        dialogue(
            "is business class ok on the flight to San Francisco? pretty sure it's about 6 hrs",
            **QUIET,
            **NO_SEARCH,
            reply_contains=["economy", "5h40"],
        ),
    ),
    (
        "policy",
        dialogue(
            "who else needs to approve a 12k trip besides me?",
            user="mia",
            **QUIET,
            **NO_SEARCH,
            reply_contains="VP Finance",
        ),
    ),
    (
        "policy",
        dialogue(
            "max nightly rate for a hotel in london?", **QUIET, **NO_SEARCH, reply_contains="350"
        ),
    ),
    (
        "policy",
        dialogue(
            "could I ever book first on a long haul?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="not allowed",
        ),
    ),
    (
        "policy",
        dialogue(
            "does a trip above 15 grand need an exec to sign it off?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="executive",
        ),
    ),
    (
        "policy",
        dialogue(
            "can I expense a taxi from the airport?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="taxi",
            reply_not_contains="# Acme",
        ),
    ),
    (
        "cant_answer",
        _trip(
            "can you add my global entry number to the booking?",
            reply_contains="Global Entry",
        ),
    ),
    # ------------------------------------------------------------ cant_answer
    (
        "cant_answer",
        dialogue(
            "can you get me eurostar tickets london to paris on dec 16? don't want to fly",
            **QUIET,
            **NO_SEARCH,
            reply_contains="train",
        ),
    ),
    (
        "cant_answer",
        dialogue(
            "I'd rather go by amtrak from new york to boston on the 10th, can u sort that?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="train",
        ),
    ),
    (
        "cant_answer",
        dialogue(
            "can you rent me a car in Boston on the 10th?",
            **QUIET,
            **NO_SEARCH,
            reply_contains="car",
        ),
    ),
    (
        "cant_answer",
        dialogue("do I need a visa for France?", **QUIET, **NO_SEARCH, reply_contains="visa"),
    ),
]


worlds = worlds_fixture("empty", "trips")


@pytest.mark.parametrize(
    "case",
    [
        *(pytest.param(c, id=f"{kind}-{i:02d}-{c.id[:30]}") for i, (kind, c) in enumerate(CASES)),
        *(
            pytest.param(c, id=f"guard-{kind}-{i:02d}-{c.id[:30]}")
            for i, (kind, c) in enumerate(GUARDS)
        ),
    ],
)
async def test_a_question_about_trips_approvals_or_policy_is_answered(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
