"""Guards for the held-out gaps of batches 80 and 81 closed by g35h (now = Tue 1 Dec 2026 09:00 UTC;
worlds ``empty`` and ``trips``: Ava's confirmed London trip — BA 19 JFK→LHR Mon 14 Dec, Holiday
Inn Express London Tower Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec — and her Boston→Paris DL 15
on Thu 3 Dec waiting for approval; gus works for another company, Globex).

Kinds: a remark about one option and then a pick of another in the same message holds the pick,
not "you named two options"; "I meant <A> not <B>" swaps the place said before; "the same the
following week" / "a week later" searches the same route seven days on; "back — yes go ahead"
after "brb" confirms the hold; a question at a confirmation is answered about the held option and
the yes after it confirms; "who's on this booking?" right after a hold names its travellers (or
says nobody is named yet), and someone of another company asking about another person's trip
gets an honest refusal, not a search.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -n 2 tests/concierge/test_planner_g35h.py, 16:03 UTC, main at 318fc15):
9/20 — pick_in_chatter 3/4, correction_meant_not 1/3, same_a_week_later 2/3, back_then_yes 0/2,
yes_after_question 3/3, who_on_the_hold 0/5. Two corrections were rewritten after that run
(same kind): one failed only on the harness's place names (Dallas), the other started from
Austin, which the catalogue doesn't know. "the following Monday" (a weekday after the trip's
day) stays a known gap.
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
CONFIRMED: dict[str, Any] = {"new_status": "confirmed", "pending": "none"}
ASKS = {"pending": "confirm_booking"}
NOBODY = [
    ["nobody", "no one", "not named", "unnamed", "no names", "not yet", "without a passenger"]
]
REFUSED = [["can't", "cannot", "no ", "not ", "don't"]]

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ pick_in_chatter
    (
        "pick_in_chatter",
        dialogue(
            "jfk to boston dec 10",
            "haha the 5:40 is way too early for me, the third one pls",
            segments=[flight_segment("DL 1058", "JFK", "BOS", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "pick_in_chatter",
        dialogue(
            "ORD to ATL 14th",
            "the first one leaves at silly o'clock. I'll take the second one",
            user="gus",
            segments=[flight_segment("DL 1034", "ORD", "ATL", "2026-12-14")],
            **HELD,
        ),
    ),
    (
        "pick_in_chatter",
        dialogue(
            "London to Dublin on Friday the 11th",
            "hmm the 21:50 gets in way too late... go with the fourth then",
            segments=[flight_segment("BA 1022", "LHR", "DUB", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "pick_in_chatter",
        dialogue(
            "New York to Madrid on the 10th",
            "the 22:25 is too late for me tbh. the Iberia one then",
            user="victor",
            segments=[flight_segment("IB 1", "JFK", "MAD", "2026-12-10")],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ correction_meant_not
    (
        "correction_meant_not",
        dialogue(
            "flight denver to atlanta on the 12th",
            "oops I meant Miami not Denver",
            calls=[flight_search("miami", "atlanta", "2026-12-12")],
        ),
    ),
    (
        "correction_meant_not",
        dialogue(
            "need a flight boston to chicago on the 10th",
            "sorry, I meant Miami, not Chicago",
            calls=[flight_search("boston", "miami", "2026-12-10")],
        ),
    ),
    (
        "correction_meant_not",
        dialogue(
            "Boston to Atlanta 10 Dec",
            "my bad — I meant Chicago, not Boston",
            calls=[flight_search("chicago", "atlanta", "2026-12-10")],
        ),
    ),
    # ------------------------------------------------------------ same_a_week_later
    (
        "same_a_week_later",
        dialogue(
            "Boston to Chicago, Thursday 10th",
            "what about the same a week later?",
            calls=[flight_search("boston", "chicago", "2026-12-17")],
        ),
    ),
    (
        "same_a_week_later",
        dialogue(
            "JFK to Miami on the 8th",
            "and the same again the week after?",
            calls=[flight_search("JFK", "miami", "2026-12-15")],
        ),
    ),
    (
        "same_a_week_later",
        dialogue(
            "Chicago to Denver on 14 Dec",
            "same thing the following Monday?",
            calls=[flight_search("chicago", "denver", "2026-12-21")],
        ),
    ),
    # ------------------------------------------------------------ back_then_yes
    (
        "back_then_yes",
        dialogue(
            "ORD to ATL 14th",
            ("2", ASKS),
            ("one sec", {"new_status": "held"}),
            "ok I'm back, go ahead and book it",
            user="gus",
            segments=[flight_segment("DL 1034", "ORD", "ATL", "2026-12-14")],
            **CONFIRMED,
        ),
    ),
    (
        "back_then_yes",
        dialogue(
            "jfk to boston dec 10",
            ("first one", ASKS),
            ("hang on, phone", {"new_status": "held"}),
            "sorry, back now - yes confirm",
            segments=[flight_segment("B6 1024", "JFK", "BOS", "2026-12-10")],
            **CONFIRMED,
        ),
    ),
    # ------------------------------------------------------------ yes_after_question
    (
        "yes_after_question",
        dialogue(
            "New York to Madrid on the 10th",
            ("the Iberia nonstop", ASKS),
            ("when does it land?", {"reply_contains": "07:00", "not_new_status": "confirmed"}),
            "great, book it",
            user="victor",
            segments=[flight_segment("IB 1", "JFK", "MAD", "2026-12-10")],
            **CONFIRMED,
        ),
    ),
    (
        "yes_after_question",
        dialogue(
            "jfk to boston dec 10",
            ("first one", ASKS),
            ("how long is that flight?", {"reply_matches": "0\\s*h\\s*50|50 min"}),
            "ok yes confirm",
            segments=[flight_segment("B6 1024", "JFK", "BOS", "2026-12-10")],
            **CONFIRMED,
        ),
    ),
    (
        "yes_after_question",
        dialogue(
            "ORD to ATL 14th",
            ("2", ASKS),
            ("is that one direct?", {"not_new_status": "confirmed"}),
            "yes please",
            user="gus",
            segments=[flight_segment("DL 1034", "ORD", "ATL", "2026-12-14")],
            **CONFIRMED,
        ),
    ),
    # ------------------------------------------------------------ who_on_the_hold
    (
        "who_on_the_hold",
        dialogue(
            "me and Daniel Okoro jfk to boston 10 dec",
            "first one",
            "who's booked on it?",
            reply_contains=["Daniel Okoro", "Ava Patel"],
            new_status="held",
        ),
    ),
    (
        "who_on_the_hold",
        dialogue(
            "me and Liam Chen ORD to ATL on the 14th",
            "2",
            "which passengers are on this one?",
            user="gus",
            reply_contains=["Liam Chen"],
            new_status="held",
        ),
    ),
    (
        "who_on_the_hold",
        dialogue(
            "3 seats JFK to Boston on the 10th",
            "the first one",
            "who's on the booking at the moment?",
            reply_contains_any=NOBODY,
            new_status="held",
        ),
    ),
    (
        "who_on_the_hold",
        dialogue(
            "who is travelling on Ava's London booking?",
            world="trips",
            user="gus",
            nothing_changed=True,
            reply_not_contains=["BA 19", "Holiday Inn"],
            reply_contains_any=REFUSED,
        ),
    ),
    (
        "who_on_the_hold",
        dialogue(
            "can you tell me who's on Ava Patel's Paris flight?",
            world="trips",
            user="gus",
            nothing_changed=True,
            reply_not_contains=["DL 15"],
            reply_contains_any=REFUSED,
        ),
    ),
]

GAPS: set[int] = {9}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35h_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
