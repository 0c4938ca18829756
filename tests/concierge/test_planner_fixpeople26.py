"""Who a request is for (now = Tue 1 Dec 2026; world "trips" as in test_planner_team26:
ava's confirmed London trip 14-18 Dec and her Paris flight waiting for Mia). Users: ava
(Acme, manager Mia Chen, books for nobody), mia (books for ava), victor (Victor Alvarez,
books for ava, fin and mia), gus (Globex, books for nobody).

The held-out gaps closed by fixpeople26 (book_for_not_allowed, batches 41 and 42): "can
you book mia on a flight to boston" (a first name that is also an airport code, with the
trip going on after it in words) and "pls book ava patel jfk to miami" (a lower-case name
and surname, then the route) were not read as someone else's trip, so the caller saw
options with no word that they may not book for that person.

CASES: phrasings written before any change for what team26 left (lower-case names in a
list, "can i book for ava" in lower case, "my report" with several reports, options for
someone else that do not say whom they are for) and guards for the two gaps' mechanisms;
run once on fixpeople26 after the two gap fixes (`pytest -q -n 0
tests/concierge/test_planner_fixpeople26.py`, 08:58 UTC): first try 6/12 = 50 %, by kind:
names_in_list 1/2 ("what have fin, mia and ava got booked?" lists only Fin: "mia" read as
Miami), code_in_route 1/1, may_book_for_lower 0/2 ("can i book for ava", "am i allowed to
book travel for ava?" answer with the policy), my_report_several 0/1 (victor's "my
report" searches for himself), options_say_whom 0/2 (options for Ava that do not say so),
not_allowed 3/3, allowed 1/1.

After the fix 12/12 (09:12 UTC, same command), by mechanism: a code the places reader left
alone, beside names in a list ("fin, mia and ava"), is a person ("jfk to mia" stays
Miami); "can i book (travel) for <name>" in lower case asks the org chart, not the policy;
"my report" when the caller books for several asks which of them (the answer, "fin",
searches the trip asked for, for them); options for someone else say first whom they are
for ("For Ava Patel:").
"""

from __future__ import annotations

from pathlib import Path

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
NO = ["can't", "cannot", "not able", "unable", "isn't allowed", "not allowed", "aren't among"]
SEARCHES = ["search_flights", "search_hotels"]

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ lower-case names in a list
    (
        "names_in_list",
        dialogue(
            "what have fin, mia and ava got booked?",
            world=T,
            user="victor",
            tools_exclude=SEARCHES,
            nothing_changed=True,
            reply_contains=["London"],
        ),
    ),
    (
        "names_in_list",
        dialogue(
            "anything coming up for mia or ava travel-wise?",
            world=T,
            user="victor",
            tools_exclude=SEARCHES,
            nothing_changed=True,
            reply_contains=["London"],
        ),
    ),
    (
        "code_in_route",
        dialogue(
            "jfk to mia on the 16th pls",
            world=T,
            user="victor",
            tools_include=["search_flights"],
            reply_contains=["MIA"],
            reply_not_contains=["can't book"],
        ),
    ),
    # ------------------------------------------------------------ whom one may book for
    (
        "may_book_for_lower",
        dialogue(
            "can i book for ava",
            world=T,
            user="mia",
            tools_exclude=["get_policy", "reserve", *SEARCHES],
            nothing_changed=True,
            reply_contains_any=[["yes", "you can"]],
        ),
    ),
    (
        "may_book_for_lower",
        dialogue(
            "am i allowed to book travel for ava?",
            world=T,
            user="gus",
            tools_exclude=["get_policy", "reserve", *SEARCHES],
            nothing_changed=True,
            reply_contains_any=[NO],
        ),
    ),
    # ------------------------------------------------------------ "my report"
    (
        "my_report_several",
        dialogue(
            "find my report a flight to boston on the 10th",
            world=T,
            user="victor",
            tools_exclude=["reserve"],
            nothing_changed=True,
            reply_contains=["Ava", "Fin"],
        ),
    ),
    (
        "options_say_whom",
        dialogue(
            "get my report a hotel in London 15-18",
            world=T,
            user="mia",
            tools_include=["search_hotels"],
            reply_contains=["Ava"],
        ),
    ),
    (
        "options_say_whom",
        dialogue(
            "flights to chicago on the 9th for my direct report pls",
            world=T,
            user="mia",
            tools_include=["search_flights"],
            reply_contains=["Ava"],
        ),
    ),
    # ------------------------------------------------------------ guards: the gaps' mechanisms
    (
        "not_allowed",
        dialogue(
            "could you get mia on the 8am to boston on the 10th",
            world=T,
            user="ava",
            tools_exclude=["reserve"],
            nothing_changed=True,
            reply_contains_any=[NO],
        ),
    ),
    (
        "not_allowed",
        dialogue(
            "book victor alvarez lga to chicago on the 9th",
            world=T,
            user="mia",
            tools_exclude=["reserve"],
            nothing_changed=True,
            reply_contains_any=[NO],
        ),
    ),
    (
        "not_allowed",
        dialogue(
            "Please book Mia Chen on a flight from JFK to Miami on the 12th.",
            world=T,
            user="gus",
            tools_exclude=["reserve"],
            nothing_changed=True,
            reply_contains_any=[NO],
        ),
    ),
    (
        "allowed",
        dialogue(
            "book ava patel jfk to boston on the 10th",
            "option 1",
            world=T,
            user="mia",
            calls=[{"tool": "reserve", "args": {"traveler_id": "ava"}}],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_fixpeople26(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
