"""Guards for the held-out batch 41/42 gaps closed by fixtrips26 (now = Tue 1 Dec 2026,
world "trips": ava's confirmed London trip — BA 19 out Mon 14 Dec, Holiday Inn Express
London Tower Bridge 15–18 Dec, BA 18 back Fri 18 Dec 08:45 — and her Paris flight waiting
for Mia's approval): a hotel request taking its city and nights from the booked stay
("cheaper than mine", "instead of the Holiday Inn"), the replaced hotel never the one
held; words saying what the answer is for ("need it for the taxi", "for my expense
form") left out of the request; "remind me ..." about one's own trip.

Every phrasing here is a guard, written after the fix (the held-out cases themselves are
in tests/concierge/heldout/batch_41.yaml and batch_42.yaml). First try, run once after the
fixes on fixtrips26 (pytest -n 0 tests/concierge/test_planner_fixtrips26.py, 09:00 UTC):
7/10 — booked_hotel_dates 1/3, context_words 4/4, own_trips 2/3. Left in GUARD_GAPS: "anything
in london cheaper than mine? same dates" (0: no word says a stay — a flight is as likely;
left), "is there a better rate than mine in London for the same nights?" (2: "nights" and
"rate" are not read as the stay asked about) and "pls remind me where I'm staying in
London" (9: "where I'm staying", a question in a statement's order, is no hotel facet).
Then fixed: 2 (a stay's "nights" or "rate" say a hotel is compared) and 9 ("where I'm
staying" is the hotel facet; "pls remind me" a question).

MORE (the follow-ups, which trip, the same flight moved, two questions in one message):
written after those fixes, first try 4/6 (09:16 UTC): "same BA flight if it runs that day"
for a day BA 18 doesn't fly was a wrong expectation (corrected to a day it does; "same
british airways flight" then needed two words before "flight": fixed), and "what refund do
I get?" after a cancellation is left in MORE_GAPS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("trips")

T = "trips"


GUARDS: list[tuple[str, Case]] = [
    (
        "booked_hotel_dates",
        dialogue(
            "anything in london cheaper than mine? same dates",
            world=T,
            calls=[hotel_search("london", "2026-12-15", "2026-12-18")],
            nothing_changed=True,
        ),
    ),
    (
        "booked_hotel_dates",
        dialogue(
            "could you book me the Novotel instead of the Holiday Inn Express, same nights?",
            world=T,
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "Novotel London Paddington",
                    "check_in": "2026-12-15",
                    "check_out": "2026-12-18",
                }
            ],
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    (
        "booked_hotel_dates",
        dialogue(
            "is there a better rate than mine in London for the same nights?",
            world=T,
            calls=[hotel_search("london", "2026-12-15", "2026-12-18")],
            nothing_changed=True,
        ),
    ),
    (
        "context_words",
        dialogue(
            "booking ref for my paris trip? need it for the expense claim",
            world=T,
            reply_matches="BK-[A-Z0-9]{6}",
            nothing_changed=True,
        ),
    ),
    (
        "context_words",
        dialogue(
            "When does my flight land in London? It's for the car service.",
            world=T,
            reply_contains="10:55",
            nothing_changed=True,
        ),
    ),
    (
        "context_words",
        dialogue(
            "What's the total for my Paris trip? I need the number for my expense report.",
            world=T,
            reply_contains_any=[["732.10"]],
            nothing_changed=True,
        ),
    ),
    (
        "context_words",
        dialogue(
            "address of my london hotel please, need it for the uber",
            world=T,
            reply_contains="7 Pepys Street",
            nothing_changed=True,
        ),
    ),
    (
        "own_trips",
        dialogue(
            "remind me what time I land in London",
            world=T,
            reply_contains="10:55",
            tools_exclude=["search_flights"],
            nothing_changed=True,
        ),
    ),
    (
        "own_trips",
        dialogue(
            "can you remind me when my flight home leaves?",
            world=T,
            reply_contains_any=[["08:45", "8:45"]],
            tools_exclude=["search_flights"],
            nothing_changed=True,
        ),
    ),
    (
        "own_trips",
        dialogue(
            "pls remind me where I'm staying in London",
            world=T,
            reply_contains="Holiday Inn Express",
            tools_exclude=["search_hotels", "reserve"],
            nothing_changed=True,
        ),
    ),
]


MORE: list[tuple[str, Case]] = [
    (
        "own_trips_which_trip",
        dialogue(
            "what's the ticket number on my flight out?",
            world=T,
            reply_contains="1252000000010",
            nothing_changed=True,
        ),
    ),
    (
        "follow_up_context",
        dialogue(
            ("when do I land in London?", {"reply_contains": "10:55"}),
            "and on the leg home?",
            world=T,
            reply_contains="11:10",
            nothing_changed=True,
        ),
    ),
    (
        "follow_up_context",
        dialogue(
            "I need to cancel my London trip",
            "yes, cancel it",
            "what refund do I get?",
            world=T,
            booking_status={"london": "cancelled"},
            reply_contains_any=[["1,944.90", "1944.90"]],
        ),
    ),
    (
        "own_trips",
        dialogue(
            ("has the boston to paris flight been approved?", {"reply_contains": "Mia"}),
            "why's it pending?",
            world=T,
            reply_contains="7 days",
            nothing_changed=True,
        ),
    ),
    (
        "rebook_same_flight",
        dialogue(
            # Corrected after the first try: BA 18 does not fly on Sat 19 Dec (the day's
            # options were rightly shown); BA 19 flies every day.
            "can my flight out move to the 15th? same british airways flight please",
            world=T,
            pending="rebook",
            pending_args={"booking_id": "@london", "offer_id": "FL-15342"},
            nothing_changed=True,
        ),
    ),
    (
        "split_questions",
        dialogue(
            "when does my flight leave JFK, and what's the hotel address?",
            world=T,
            reply_contains_any=[["22:30"], ["7 Pepys Street"]],
            nothing_changed=True,
        ),
    ),
]

# 2 ("what refund do I get?") closed by gaps46: "<refund> do I get" is an own-trip cue.
MORE_GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(MORE, MORE_GAPS))
async def test_fixtrips26_more(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# Still failing (strict xfail: a fix that makes one pass must take its number out).
GUARD_GAPS: set[int] = {0}


@pytest.mark.parametrize(("kind", "case"), case_params(GUARDS, GUARD_GAPS))
async def test_fixtrips26_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
