"""Every message typed while a confirmation is pending (now = Tue 1 Dec 2026): a yes with
something more, a question that must not decline, a no with a different request, a yes
that changes something, a refund question outside a confirmation, the other confirmations
(a cancel, an approval, a rebook) and a reject reply that must not say things twice.

Phrasings written from the user's side before reading the planner or the service (only the
held-out harness and the tools' input/output models were read; flights, times, seats and
refundability checked against search_flights / get_booking / cancel_booking.describe in a
scratch script at the frozen clock). JFK→Boston on the 16th: option 1 is DL 1058 12:05→12:55,
non-refundable, 161 seats left; JFK→Chicago Wed 9 Dec: option 2 is B6 1057, refundable.
Ava's London trip was confirmed at the frozen clock, so cancelling it now refunds all of
1,944.90 USD (within 24 hours); her Paris flight waits for approval, nothing paid.

First try, run once on main ccf0680 unchanged (pytest -n 0 tests/concierge/
test_planner_confirm25.py, 03:58 UTC): 12/40 = 30 % — yes with something more 0/10 (a yes
and a question or a can't-do: "Sorry, I didn't quite get that" and nothing booked; a yes and
a second request: only the request, the hold left unconfirmed), a question at a hold 1/11
(only "does it have wifi" kept the hold; "money back if I cancel?" offered to cancel the
hold, the others declined it with "didn't quite get that" or searched again), a no with
another request 5/6 ("no — cancel the hotel only" at a trip's cancel listed the trips), a
yes that changes something 3/3, a refund question without a confirmation 1/4 (two proposed
the cancel, one lost the trip just talked about), the other confirmations 0/4 (a refund
question at a cancel answered about another booking and dropped it; a price question at an
approval and a cost question at a rebook declined them; at a reject's reason a question was
taken as the reason), a reject reply said once 2/2. One expectation was invalid (a reject
asks for the reason before its confirmation) and was corrected; it still fails.

After the fix (confirm25): 40/40. A yes and a request: the service answers the
confirmation with the yes and the message goes on, what follows the yes marked for the
planner (nlu/yes_then.py), which tells what the confirmed action came to and then handles
the rest; a question at a hold, a cancellation, an approval or a rebooking: answered
(flows/hold_questions.py; what cancelling gives back from get_booking's new quote_cancel)
and the same confirmation asked again. Guards written after the fix (GUARDS): first try
8/9 — "who am I flying with?" read as a question about one's profile; now answered at a
hold. The reject-reply test passed on first try (its check was too weak: the reply said
"Rejected" and "cancelled" twice); it was strengthened after the fix.
"""

from __future__ import annotations

import re
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
    run_case,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

PENDING = {"pending": "confirm_booking", "tools_exclude": ["confirm_booking", "cancel_booking"]}
BOOKED = {"new_bookings": 1, "new_status": "confirmed", "pending": "none"}
CANT = ["can't", "cannot", "not able", "unable", "don't", "isn't something", "no way to"]
NONREF = ["non-refundable", "not refundable", "isn't refundable", "nonrefundable", "no refund"]


DL1058 = {"kind": "flight", "flight": "DL 1058", "origin": "JFK", "destination": "BOS"}


def _at_hold(*after: str | tuple[str, dict[str, Any]], **expect: Any) -> Case:
    """JFK→Boston on the 16th, the first option (DL 1058) held, then ``after``."""
    return dialogue(
        "JFK to Boston on the 16th",
        ("first one", {"pending": "confirm_booking"}),
        *after,
        **expect,
    )


def _asked(question: str, then: str = "yes", **shown: Any) -> Case:
    """A question at the hold keeps it pending; the yes after it books."""
    return _at_hold((question, {**PENDING, **shown}), then, **BOOKED)


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ a yes with something more
    (
        "yes_plus",
        _at_hold(
            "yes pls, and a hotel in boston for 2 nights too",
            tools_include=["confirm_booking"],
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            segments=[{**DL1058, "status": "booked"}],
        ),
    ),
    (
        "yes_plus",
        _at_hold(
            "yep go ahead, also need a car?",
            reply_contains_any=[CANT],
            **BOOKED,
        ),
    ),
    (
        "yes_plus",
        _at_hold("yes please — and what time does it land?", reply_contains="12:55", **BOOKED),
    ),
    (
        "yes_plus",
        _at_hold(
            "book it and then find me a hotel there till friday",
            tools_include=["confirm_booking"],
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            segments=[{**DL1058, "status": "booked"}],
        ),
    ),
    (
        "yes_plus",
        _at_hold(
            "book it, then find me a hotel near the office for 2 nights",
            tools_include=["confirm_booking"],
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            segments=[{**DL1058, "status": "booked"}],
        ),
    ),
    (
        "yes_plus",
        _at_hold(
            "Confirm. Also what terminal do I leave from?", reply_contains_any=[CANT], **BOOKED
        ),
    ),
    (
        "yes_plus",
        _at_hold(
            "ok do it. and find me a flight back on the 18th",
            tools_include=["confirm_booking"],
            calls=[flight_search("boston", "new york", "2026-12-18")],
            segments=[{**DL1058, "status": "booked"}],
        ),
    ),
    ("yes_plus", _at_hold("yes!! thanks. whats the weather like there?", **BOOKED)),
    (
        "yes_plus",
        _at_hold(
            "Yes please, go ahead and book it. Could you also sort a hotel for 2 nights?",
            tools_include=["confirm_booking"],
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            segments=[{**DL1058, "status": "booked"}],
        ),
    ),
    ("yes_plus", _at_hold("yea and whats the arrival tiem?", reply_contains="12:55", **BOOKED)),
    # ------------------------------------------------------------ a question keeps it pending
    ("question", _asked("is it refundable?", reply_contains_any=[NONREF])),
    ("question", _asked("money back if I cancel?", reply_contains_any=[NONREF])),
    ("question", _asked("is it refundible", "go ahead", reply_contains_any=[NONREF])),
    ("question", _asked("what time does it land?", "ok yes book it", reply_contains="12:55")),
    ("question", _asked("which terminal?", reply_contains_any=[CANT])),
    ("question", _asked("how many seats are left", "yep", reply_matches=r"\b1[56]\d\b")),
    ("question", _asked("does it have wifi", "go ahead", reply_contains_any=[CANT])),
    (
        "question",
        _asked("wait is that the direct one?", reply_contains_any=[["nonstop", "direct"]]),
    ),
    ("question", _asked("hmm, how long is the flight?", "sure", reply_contains="50")),
    ("question", _asked("what airline is that again?", reply_contains="Delta")),
    (
        "question",
        dialogue(
            "JFK to Chicago on Wed 9 Dec",
            ("the second one", {"pending": "confirm_booking"}),
            (
                "refundable?",
                {**PENDING, "reply_contains": "refundable", "reply_not_contains": NONREF},
            ),
            "yes",
            **BOOKED,
        ),
    ),
    # ------------------------------------------------------------ a no with another request
    (
        "no_plus",
        _at_hold(
            "no, the 6:20pm one instead",
            pending="confirm_booking",
            tools_exclude=["confirm_booking"],
            reply_contains="B6 1024",
        ),
    ),
    (
        "no_plus",
        _at_hold(
            "nah make it Thursday instead",
            tools_exclude=["confirm_booking"],
            calls=[flight_search("new york", "boston", "2026-12-17")],
            not_new_status="confirmed",
        ),
    ),
    (
        "no_plus",
        _at_hold(
            "no, 17/12 instead",
            tools_exclude=["confirm_booking"],
            calls=[flight_search("new york", "boston", "2026-12-17")],
            not_new_status="confirmed",
        ),
    ),
    (
        "no_plus",
        _at_hold(
            "no thanks, I'd rather go from LGA",
            tools_exclude=["confirm_booking"],
            calls=[flight_search("LGA", "boston", "2026-12-16")],
            not_new_status="confirmed",
        ),
    ),
    (
        "no_plus",
        _at_hold(
            "not yet — first find me a hotel in Boston for the 16th to the 18th",
            tools_exclude=["confirm_booking"],
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            not_new_status="confirmed",
        ),
    ),
    (
        "no_plus",
        dialogue(
            ("cancel my london trip", {"pending": "cancel_booking"}),
            "no — cancel the hotel only",
            world="trips",
            booking_status={"london": "confirmed"},
            reply_contains_any=[["whole", "entire", "only", *CANT]],
        ),
    ),
    # ------------------------------------------------------------ a yes that changes something
    (
        "yes_but",
        _at_hold(
            "yes but in business",
            not_new_status="confirmed",
            tools_exclude=["confirm_booking"],
            any_call=[flight_search("new york", "boston", "2026-12-16", cabin="business")],
        ),
    ),
    (
        "yes_but",
        _at_hold(
            "ok but make it for 2 people",
            not_new_status="confirmed",
            tools_exclude=["confirm_booking"],
            any_call=[
                {"tool": "search_flights", "args": {"passengers": 2}},
                {"tool": "reserve", "args": {"items": [{"quantity": 2}]}},
            ],
        ),
    ),
    (
        "yes_but",
        _at_hold(
            "sure, but the 9:15 one",
            segments=[{"kind": "flight", "flight": "B6 1022", "date": "2026-12-16"}],
        ),
    ),
    # ------------------------------------------------------------ a refund question, no confirmation
    (
        "refund_question",
        dialogue(
            "would I get a refund if I cancelled the London trip",
            world="trips",
            nothing_changed=True,
            pending="none",
            tools_exclude=["cancel_booking"],
            reply_contains="refund",
        ),
    ),
    (
        "refund_question",
        dialogue(
            "when do I fly to london?",
            "money back if I cancel?",
            world="trips",
            nothing_changed=True,
            pending="none",
            reply_contains="refund",
        ),
    ),
    (
        "refund_question",
        dialogue(
            "is my london hotel refundable?",
            world="trips",
            nothing_changed=True,
            pending="none",
            reply_contains="refundable",
        ),
    ),
    (
        "refund_question",
        dialogue(
            "if i cancel paris do i lose anything",
            world="trips",
            nothing_changed=True,
            pending="none",
            reply_contains_any=[["nothing", "not been paid", "hasn't been paid", "no charge"]],
        ),
    ),
    # ------------------------------------------------------------ other confirmations
    (
        "other_confirm",
        dialogue(
            ("cancel my london trip", {"pending": "cancel_booking"}),
            (
                "wait, do I get my money back?",
                {
                    "pending": "cancel_booking",
                    "nothing_changed": True,
                    "reply_contains": "1,944.90",
                },
            ),
            "ok yes",
            world="trips",
            booking_status={"london": "cancelled"},
        ),
    ),
    (
        "other_confirm",
        dialogue(
            ("approve ava's paris trip", {"pending": "decide_approval"}),
            (
                "how much is it?",
                {"pending": "decide_approval", "nothing_changed": True, "reply_contains": "732.10"},
            ),
            "yes",
            user="mia",
            world="trips",
            tools_include=["decide_approval"],
        ),
    ),
    (
        "other_confirm",
        dialogue(
            # corrected after the run: a reject asks for the reason first (turn 1 had
            # expected the confirmation); a question there is not the reason
            "reject ava's paris request",
            "which flight is it?",
            user="mia",
            world="trips",
            nothing_changed=True,
            reply_contains="DL 15",
            reply_not_contains='note: "which flight',
        ),
    ),
    (
        "other_confirm",
        dialogue(
            "move my return from london to saturday the 19th",
            ("the first one", {"pending": "rebook"}),
            ("will that cost me more?", {"pending": "rebook", "nothing_changed": True}),
            "yes",
            world="trips",
            tools_include=["rebook"],
        ),
    ),
]


# Still failing (strict xfail: a fix that makes one pass must take its number out).
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_confirm25(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# guard, written after the fix
GUARDS: list[tuple[str, Case]] = [
    (
        "yes_plus",
        _at_hold(
            "sounds good, book it — can you also find me a hotel in boston 16th to 18th?",
            tools_include=["confirm_booking"],
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            segments=[{**DL1058, "status": "booked"}],
        ),
    ),
    (
        "yes_plus",
        _at_hold("go for it. oh and does it have wifi?", reply_contains_any=[CANT], **BOOKED),
    ),
    (
        "yes_but",
        _at_hold(
            "yes, and make it business",
            not_new_status="confirmed",
            tools_exclude=["confirm_booking"],
        ),
    ),
    ("question", _asked("what time do I get in?", "perfect, book it", reply_contains="12:55")),
    ("question", _asked("is it a nonstop?", reply_contains="nonstop")),
    ("question", _asked("who am I flying with?", reply_contains="Delta")),
    (
        "refund_question",
        dialogue(
            "do I get my money back if I cancel the paris trip?",
            world="trips",
            nothing_changed=True,
            pending="none",
            reply_contains_any=[["nothing has been paid", "wouldn't lose"]],
        ),
    ),
    (
        "other_confirm",
        dialogue(
            ("cancel my london trip", {"pending": "cancel_booking"}),
            "how much would I get back?",
            world="trips",
            pending="cancel_booking",
            nothing_changed=True,
            reply_contains="1,944.90",
        ),
    ),
    (
        "other_confirm",
        dialogue(
            ("approve ava's paris trip", {"pending": "decide_approval"}),
            "when does she fly?",
            user="mia",
            world="trips",
            pending="decide_approval",
            nothing_changed=True,
            reply_contains="22:10",
        ),
    ),
]
GUARD_GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(GUARDS, GUARD_GAPS))
async def test_confirm25_guards(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


def _sentences(text: str) -> list[str]:
    return [s.strip().lower() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


@pytest.mark.parametrize(
    ("turns", "reason"),
    [
        (("reject ava's paris trip — not enough notice", "yes"), "not enough notice"),
        (("whats waiting for me", "reject it, she booked too late", "yes"), "booked too late"),
    ],
)
async def test_a_reject_reply_says_each_thing_once(
    turns: tuple[str, ...], reason: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(*turns, user="mia", world="trips", tools_include=["decide_approval"])
    outcome = await run_case(case, worlds["trips"], tmp_path)
    assert not outcome.failures, "\n".join(outcome.failures)
    said = _sentences(outcome.turns[-1].text)
    assert said, "empty reply"
    assert len(said) == len(set(said)), outcome.turns[-1].text
    said_once = outcome.turns[-1].text.lower()
    assert said_once.count(reason) <= 1, outcome.turns[-1].text
    # strengthened after the fix ("Rejected … The booking is now cancelled. Rejected. Ava
    # Patel is told; booking BK-… is cancelled." had passed the checks above)
    assert said_once.count("rejected") == 1, outcome.turns[-1].text
    assert said_once.count("cancelled") <= 1, outcome.turns[-1].text
