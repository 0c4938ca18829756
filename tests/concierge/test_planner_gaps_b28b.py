"""Mechanisms behind held-out gaps of batch 28 (second half: booking for someone else and
approval notes), on OTHER phrasings of the same kind (issue 10; now = Tue 1 Dec 2026
09:00 UTC).

First try of these phrasings, on main at 5eafc5c before any fix: 2/21 —
book_same_for_colleague 0/6, book_for_not_allowed 0/7, approval_note 2/4, a rejection's
reason naming a place or opening with a no 0/4; then, on main + 589b48b: asking whether
check-in is open 0/8, asking about delays on one's own flight 0/4.

Each held-out case a fix closed stays in tests/concierge/heldout/ as a regression case;
these tests show the fix reads a kind of phrase, not one sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from concierge.planner.flows.base import Context, Reply
from concierge.planner.flows.dispatch import decide
from concierge.planner.nlu.intents import Intent, understand
from concierge.planner.state import State, Step, Turn
from tests.concierge.heldout.harness import (
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

worlds = worlds_fixture("empty", "trips")


_REFUSED = [["can't", "can’t", "cannot", "not able", "unable", "not allowed", "only book"]]


# ---------------------------------------------------------------- book_same_for_colleague
# batch 28 b28_bf_mia_same_flight_for_ava ("can you book the same flight for Ava as
# well?"): after a booking, "the same" for someone the caller may book for holds the
# options that booking took again, in that person's name.


@pytest.mark.parametrize(
    "ask",
    [
        "could you put Ava on that same flight too?",
        "book ava on the same flight pls",
        "Same flight for Ava as well please",
        "and the same for Ava",
        "Can you do the same booking for Ava Patel? She's joining me.",
        "ava is coming too, get her on the same one",
    ],
)
async def test_the_same_for_a_colleague_holds_the_booked_options_in_their_name(
    ask: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "boston on the 10th please",
            "option 1",
            "yes",
            (
                ask,
                {
                    "calls": [{"tool": "reserve", "args": {"traveler_id": "ava"}}],
                    "pending": "confirm_booking",
                },
            ),
            "yes",
            user="mia",
            new_bookings=2,
            new_status="confirmed",
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- book_for_not_allowed
# batch 28 b28_bn_ava_same_for_manager_mia ("could you book the same for Mia too?") and
# b28_bn_ava_for_vp_victor ("My VP Victor needs to get to Miami…, can you book him…"):
# someone the caller may not book for (core.orgchart: a traveller books for no one above
# them) is refused up front with the reason, and nothing is held — however they are
# named: after "the same", or behind who they are ("my VP", "my boss", "our CFO").


@pytest.mark.parametrize(
    "ask",
    [
        "can you get Mia on that same flight too?",
        "same for victor please",
        "Could you book the same one for my manager Mia as well?",
    ],
)
async def test_the_same_for_someone_one_may_not_book_for_is_refused(
    ask: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "boston on the 10th please",
            "option 1",
            "yes",
            ask,
            tools_exclude=["reserve"],
            pending=None,
            new_bookings=1,
            reply_contains_any=_REFUSED,
        ),
        worlds,
        tmp_path,
    )


@pytest.mark.parametrize(
    "ask",
    [
        "My manager Mia has to be in Chicago on the 15th. Could you book her on the morning flight?",
        "please book my boss mia on a flight to boston on dec 17",
        "Our COO Erin needs a hotel in London from the 15th to the 17th, can you sort it?",
        "my director Victor is flying to Atlanta on the 9th - book him the cheapest one",
    ],
)
async def test_someone_named_by_who_they_are_whom_one_may_not_book_for_is_refused(
    ask: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            ask,
            tools_exclude=["reserve"],
            pending=None,
            nothing_changed=True,
            reply_contains_any=_REFUSED,
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- approval_note
# batch 28 b28_ap_mia_reject_more_notice_uk ("…Can you reject it and tell her to book
# with more notice next time?"): a message to the traveller joined to the decision, in
# whatever sentence the decision is asked for (a question too), is the decision's note.


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "Sorry, I can't sign off on Ava's Paris trip. Could you decline it and let her "
            "know the fare is too high?",
            "fare is too high",
        ),
        (
            "Ava's paris request isn't going to work. Would you reject it and remind her to "
            "book two weeks ahead?",
            "two weeks ahead",
        ),
        (
            "Not this one. Pls turn down Ava's Paris booking and ask her to find a cheaper hotel.",
            "cheaper hotel",
        ),
        (
            "I have to say no to the Paris trip. can u reject it + tell her to check with "
            "me before booking?",
            "check with me",
        ),
    ],
)
async def test_a_message_joined_to_a_rejection_asked_for_is_its_note(
    text: str, said: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            (
                text,
                {
                    "pending": "decide_approval",
                    "pending_args": {"decision": "reject"},
                    "pending_args_contains": {"note": said},
                },
            ),
            "yes",
            world="trips",
            user="mia",
            booking_status={"paris": "cancelled"},
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- reject_reason_followup
# Also noticed on batch 28: at a rejection's confirmation, a reason that names a place
# ("go via Boston instead") or opens with a no ("no, too pricey") is still the reason for
# that rejection, its note — not a new search, not a no to the rejection.


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("go via Boston instead", "Boston"),
        ("she can fly out of Newark instead, it's cheaper", "Newark"),
        ("no, too pricey", "too pricey"),
        ("nope - way over budget, London would have been fine", "over budget"),
    ],
)
async def test_a_reason_with_a_place_or_a_no_is_the_rejections_note(
    reason: str, said: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            "anything waiting for my approval?",
            "reject it",
            (
                reason,
                {
                    "pending": "decide_approval",
                    "pending_args": {"decision": "reject"},
                    "pending_args_contains": {"note": said},
                    "tools_exclude": ["search_flights"],
                },
            ),
            "yes",
            world="trips",
            user="mia",
            booking_status={"paris": "cancelled"},
        ),
        worlds,
        tmp_path,
    )


# ---------------------------------------------------------------- checkin_question
# Also noticed on batch 28: "can I check in yet?" checked in whenever the window was
# open. Asking whether or when check-in is open is answered from the booked flight (when
# it opens, or that it is open and a yes checks in); nothing is done.


@pytest.mark.parametrize(
    "ask",
    [
        "is online check-in open for this flight?",
        "when can I check in?",
        "has check-in opened yet",
        "am I able to check in already?",
        "When does check in open for my Boston flight?",
    ],
)
async def test_asking_whether_check_in_is_open_answers_when_and_does_nothing(
    ask: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    # B6 1024 JFK→BOS leaves Thu 10 Dec 18:20: check-in opens Wed 9 Dec 18:20.
    await runs_as_expected(
        dialogue(
            "boston on the 10th please",
            "option 1",
            "yes",
            ask,
            tools_exclude=["check_in"],
            reply_contains_any=[["9 Dec"], ["18:20"]],
            segments=[{"flight": "B6 1024", "date": "2026-12-10"}],
        ),
        worlds,
        tmp_path,
    )


def _booked_today() -> tuple[State, Context]:
    booking = {
        "booking_id": "BK-TODAY1",
        "status": "confirmed",
        "segments": [
            {
                "segment_id": "SG-1",
                "kind": "flight",
                "status": "booked",
                "flight": "DL 1060",
                "origin": "JFK",
                "destination": "BOS",
                "depart": "2026-12-01T21:50:00-05:00",
            }
        ],
    }
    state = State(bookings={"BK-TODAY1": booking}, current_booking="BK-TODAY1")
    return state, Context(now=NOW, user_id="ava")


@pytest.mark.parametrize(
    "ask", ["can I check in yet?", "is check-in open?", "can we check in now?"]
)
def test_asking_while_check_in_is_open_offers_it_and_a_yes_does_it(ask: str) -> None:
    state, ctx = _booked_today()
    u = understand(ask, NOW)
    assert u.intent is Intent.CHECK_IN
    assert u.status_question
    # The window is the booking's own, read with it (get_booking's check_in; explore23).
    read = decide(state, Turn(u, [], 1, 0), ctx)
    assert isinstance(read, list)
    assert [(c.name, c.args) for c in read] == [("get_booking", {"booking_id": "BK-TODAY1"})]
    window = {
        "segment_id": "SG-1",
        "opens": "2026-11-30T21:50-05:00",
        "closes": "2026-12-01T20:50-05:00",
        "open": True,
    }
    booking = {**state.bookings["BK-TODAY1"], "check_in": [window]}
    got = Step("g1", "get_booking", {}, booking, done=True)
    asked = decide(state, Turn(u, [got], 1, 0), ctx)
    assert isinstance(asked, Reply)
    assert "open now" in asked.text
    assert "until 20:50" in asked.text
    assert asked.offer is not None
    assert asked.offer.kind == "check_in"
    state.offer = asked.offer
    yes = understand("yes please", NOW)
    done = decide(state, Turn(yes, [], 2, 0), ctx)
    assert isinstance(done, list)
    assert [c.name for c in done] == ["check_in"]
    assert done[0].args == {"booking_id": "BK-TODAY1", "segment_id": "SG-1"}


@pytest.mark.parametrize(
    "ask", ["check me in please", "can you check me in?", "check in for my flight"]
)
def test_asking_to_be_checked_in_checks_in(ask: str) -> None:
    state, ctx = _booked_today()
    u = understand(ask, NOW)
    assert u.intent is Intent.CHECK_IN
    assert not u.status_question
    done = decide(state, Turn(u, [], 1, 0), ctx)
    assert isinstance(done, list)
    assert [c.name for c in done] == ["check_in"]


# ---------------------------------------------------------------- own_flight_status
# Also noticed on batch 28: "any delays on my flight to London?" searched flights to
# London. Asking whether one's own flight is delayed or cancelled, in any words, is
# answered from the booked trip's status.


@pytest.mark.parametrize(
    "ask",
    [
        "any delays on my flight to London?",
        "is my london flight delayed?",
        "Any news on cancellations for our BA flight on the 14th?",
        "is my flight to london on monday running late",
    ],
)
async def test_asking_about_delays_on_ones_flight_answers_from_the_trip(
    ask: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(
        dialogue(
            ask,
            world="trips",
            tools_exclude=["search_flights"],
            reply_contains_any=[["BA 19"], ["on schedule", "no delay", "on time"]],
            nothing_changed=True,
        ),
        worlds,
        tmp_path,
    )
