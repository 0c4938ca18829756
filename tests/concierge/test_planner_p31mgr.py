"""Blind probe p31mgr: managers, approvers and finance people (now = Tue 1 Dec 2026 09:00 UTC).

Acme's chart: ava → mia (Engineering Manager) → victor (VP Finance) → erin; fin (T&E analyst,
finance: sees every trip, acts for herself only) → victor. gus is at Globex. World ``trips``:
ava's confirmed London trip (BA 19 JFK→LHR Mon 14 Dec, Holiday Inn Express 15–18 Dec, BA 18
back Fri 18 Dec; $1,944.90) and her Boston→Paris DL 15 Thu 3 Dec 22:10 ($732.10), amber
(booked 2 days ahead, policy asks 7), waiting on Mia: due Wed 2 Dec 09:00 UTC, expires Thu
3 Dec 09:00 UTC. Acme policy: economy under 6 h, business allowed from 6 h; hotel caps
London $350, New York $325, Paris $300 (else $250); 7 days' advance; over $5k a manager,
over $10k VP Finance, over $15k an executive; a rejection needs a reason.

Every phrasing was written before it was run and before reading the planner or its tests.
First try (pytest -q -n 2 tests/concierge/test_planner_p31mgr.py, main at bbac637, 00:58 UTC):
27/33 — waiting 3/3, approve 4/5, reject 4/4, one_request 0/3, policy 6/6, report_trips 2/2,
book_for 2/3, cancel_for 2/2, refuse 4/5. Failed: "ok approve it" after the list of what
waits; "by when do I have to decide on …" (answered the flight's times), "why does it need
me?" (no reason given), "tell me more … before I approve it" (asked to approve); victor
"flights for Mia and Fin" (one seat, for Mia); "book Victor on …" (no refusal by mia).
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

T: dict[str, Any] = {"world": "trips", "user": "mia"}
APPROVE: dict[str, Any] = {"pending": "decide_approval", "pending_args": {"decision": "approve"}}
REJECT: dict[str, Any] = {"pending": "decide_approval", "pending_args": {"decision": "reject"}}
UNCHANGED: dict[str, Any] = {"nothing_changed": True, "pending": None}
REFUSED_WORDS = ["can't", "cannot", "not able", "only", "not one of", "isn't", "not allowed"]

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ what is waiting on me
    (
        "waiting",
        dialogue(
            "anything waiting for my approval?",
            **T,
            tools_include=["list_approvals"],
            reply_contains=["Ava", "Paris"],
            **UNCHANGED,
        ),
    ),
    (
        "waiting",
        dialogue(
            "Morning! Do I have any travel requests to sign off? Busy day so just the short version pls",
            **T,
            tools_include=["list_approvals"],
            reply_contains=["Paris"],
            **UNCHANGED,
        ),
    ),
    (
        "waiting",
        dialogue(
            "What needs my sign-off today?",
            world="trips",
            user="victor",
            tools_include=["list_approvals"],
            reply_not_contains=["Paris"],
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------ approve
    (
        "approve",
        dialogue(
            ("approve ava's paris one", APPROVE),
            "yes",
            **T,
            booking_status={"paris": "confirmed"},
        ),
    ),
    (
        "approve",
        dialogue(
            "whats pending",
            ("ok approve it", APPROVE),
            "yep go ahead",
            **T,
            booking_status={"paris": "confirmed"},
        ),
    ),
    (
        "approve",
        dialogue(
            ("Please approve everything from Ava.", APPROVE),
            "Yes",
            **T,
            booking_status={"paris": "confirmed"},
        ),
    ),
    (
        "approve",
        dialogue(
            "approve Ava's Boston to Paris trip - note: the client moved the kickoff, it's fine",
            **T,
            **APPROVE,
            pending_args_contains={"note": "client moved the kickoff"},
        ),
    ),
    (
        "approve",
        dialogue(
            ("aprove the paris request pls", APPROVE),
            "no wait, hold off for now",
            **T,
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------ reject
    (
        "reject",
        dialogue(
            "Reject Ava's Paris trip please, it's too last minute - she should book a week ahead",
            **T,
            **REJECT,
            pending_args_contains={"note": "too last minute"},
        ),
    ),
    (
        "reject",
        dialogue(
            ("decline the paris request, we have a travel freeze until January", REJECT),
            "yes",
            **T,
            booking_status={"paris": "cancelled"},
        ),
    ),
    (
        "reject",
        dialogue(
            "reject the paris one",
            **T,
            **UNCHANGED,
            reply_contains_any=[["why", "reason"]],
        ),
    ),
    (
        "reject",
        dialogue(
            "reject ava's request",
            ("budget for Q4 is spent", REJECT),
            "yes",
            **T,
            booking_status={"paris": "cancelled"},
        ),
    ),
    # ------------------------------------------------------------ one request, deadlines
    (
        "one_request",
        dialogue(
            "tell me more about Ava's Paris request before I approve it",
            **T,
            reply_contains=["732.10"],
            reply_contains_any=[["7 days", "2 days", "advance"]],
            **UNCHANGED,
        ),
    ),
    (
        "one_request",
        dialogue(
            "by when do I have to decide on Ava's Paris trip?",
            **T,
            reply_contains_any=[["2 Dec", "Dec 2", "December 2", "tomorrow"]],
            **UNCHANGED,
        ),
    ),
    (
        "one_request",
        dialogue(
            "how much is ava's paris flight and why does it need me?",
            **T,
            reply_contains=["732.10"],
            reply_contains_any=[["7 days", "2 days", "advance"]],
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------ policy a manager asks
    (
        "policy",
        dialogue(
            "Ava is asking for business class JFK to London. Is that within policy?",
            **T,
            tools_include=["get_policy"],
            reply_contains=["business"],
            reply_not_contains=["not allowed"],
            **UNCHANGED,
        ),
    ),
    (
        "policy",
        dialogue(
            "can my team fly business to chicago?",
            user="mia",
            tools_include=["get_policy"],
            reply_contains=["economy"],
            **UNCHANGED,
        ),
    ),
    (
        "policy",
        dialogue(
            "what's our hotel cap in Paris?",
            user="mia",
            reply_contains=["300"],
            **UNCHANGED,
        ),
    ),
    (
        "policy",
        dialogue(
            "What's the nightly hotel limit for London, and for New York, please?",
            user="victor",
            reply_contains=["350", "325"],
            **UNCHANGED,
        ),
    ),
    (
        "policy",
        dialogue(
            "how many days ahead do people have to book before it needs my sign-off?",
            user="mia",
            reply_contains=["7 days"],
            **UNCHANGED,
        ),
    ),
    (
        "policy",
        dialogue(
            "Who has to approve a $12,000 trip?",
            user="fin",
            reply_contains_any=[["VP Finance", "vp_finance"]],
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------ a report's trips
    (
        "report_trips",
        dialogue(
            "what has Ava got coming up?",
            **T,
            tools_include=["list_trips"],
            reply_contains=["London", "Paris"],
            **UNCHANGED,
        ),
    ),
    (
        "report_trips",
        dialogue(
            "How much is Ava Patel's London trip costing us?",
            world="trips",
            user="fin",
            reply_contains_any=[["1,944.90", "1944.90"]],
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------ book for reports
    (
        "book_for",
        dialogue(
            "can you book Ava on a flight new york to chicago on dec 9",
            "the 4:10 american",
            user="mia",
            segments=[{"kind": "flight", "flight": "AA 1141", "date": "2026-12-09"}],
            new_status="held",
            pending="confirm_booking",
            reply_contains=["Ava"],
        ),
    ),
    (
        "book_for",
        dialogue(
            "I need flights for me and Ava from New York to Chicago on the 9th",
            user="mia",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {
                        "origin": "new york",
                        "destination": "chicago",
                        "date": "2026-12-09",
                        "passengers": 2,
                    },
                }
            ],
        ),
    ),
    (
        "book_for",
        dialogue(
            "Could you look at flights for Mia and Fin from NYC to London on 16/12? Both going to the"
            " partner summit.",
            user="victor",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {
                        "origin": "new york",
                        "destination": "london",
                        "date": "2026-12-16",
                        "passengers": 2,
                    },
                }
            ],
        ),
    ),
    # ------------------------------------------------------------ cancel a report's trip
    (
        "cancel_for",
        dialogue(
            (
                "cancel Ava's London trip, the conference got cancelled",
                {"pending": "cancel_booking"},
            ),
            "yes please",
            **T,
            booking_status={"london": "cancelled"},
        ),
    ),
    (
        "cancel_for",
        dialogue(
            ("please cancel ava's trip to london", {"pending": "cancel_booking"}),
            "actually no, leave it",
            **T,
            booking_status={"london": "confirmed"},
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------ refusals change nothing
    (
        "refuse",
        dialogue(
            # The refusal is checked on the turn that asks (first try checked it on the
            # "yes" after it, where "which option?" is a fair reply: the expectation was
            # wrong, not the product; moved after the first run).
            (
                "book Victor on the first flight boston to chicago on Dec 10",
                {"reply_contains_any": [REFUSED_WORDS]},
            ),
            "yes",
            user="mia",
            tools_exclude=["confirm_booking"],
            new_bookings=0,
        ),
    ),
    (
        "refuse",
        dialogue(
            "approve my paris trip",
            "yes",
            world="trips",
            user="ava",
            tools_exclude=["decide_approval"],
            **UNCHANGED,
        ),
    ),
    (
        "refuse",
        dialogue(
            "Fin here - please approve Ava's Paris request, Mia is out sick",
            "yes",
            world="trips",
            user="fin",
            tools_exclude=["decide_approval"],
            **UNCHANGED,
        ),
    ),
    (
        "refuse",
        dialogue(
            "book Gus Novak on a flight chicago to new york dec 10, he's visiting us from Globex",
            "the first one",
            user="mia",
            tools_exclude=["confirm_booking"],
            new_bookings=0,
        ),
    ),
    (
        "refuse",
        dialogue(
            "boston to paris on dec 3 for me",
            "the first one",
            ("yes", {"new_status": "pending_approval"}),
            "great, now approve it",
            user="mia",
            pending=None,
            new_status="pending_approval",
            tools_exclude=["confirm_booking"],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p31mgr(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
