"""Guards for the held-out gaps of batches 55 and 57 closed by gquest: a sentence shaped as
a question about the options shown, one's trips, their approvals or the policy is answered
from the tools' outputs, never acted on (now = Tue 1 Dec 2026; world ``trips``: Ava's
confirmed London trip — BA 19 JFK→LHR Mon 14 Dec, Holiday Inn Express London Tower Bridge
15–18 Dec, BA 18 back Fri 18 Dec, 1,944.90 in all — and her DL 15 BOS→CDG Thu 3 Dec,
732.10, waiting for Mia Chen's approval; Mia reports to Victor, VP Finance).

Every phrasing here is a sibling of a held-out sentence, written before it was run (the
held-out cases themselves are in tests/concierge/heldout/batch_55.yaml and batch_57.yaml).
Mechanisms: a reason asked ("why's the <hotel> amber", "why r they all yellow") is a
question (asks.yaml ``question`` has "why"); amber said yellow (option_questions.yaml
``facts``/``statuses``), "everything", "theyre" ask of every option (``all_options``); the
facts asked of the option a measure singles out ("how much is the cheapest one", "the
priciest one", "when does the fastest one land") are answered, not picked
(option_questions ``_best_asked``); "what's the hotel / flight for <city>" is one's booked
trip's part (intents.yaml ``part_of_trip_to``, asks.yaml ``flight``); "conf #" / "conf
code" ask the locator (asks.yaml ``locator``); "is my <city> trip approved, or …" and
"<A>–<B>" routes with any dash ask that booking's state (intents.yaml
``who_approves_mine``); an authority claim beside a policy question ("am I allowed first
class …? I'm a VP lol") still only asks the policy (intents ``_INSIST`` applies to
requests); a team question asking amounts ("how much has my team got booked for
December?", "… spending …") lists each trip's total and the sum, within the month named
(trips ``_others_trips``, ``_window``; intents ``no_data`` gives way to it).

First try (pytest -q tests/concierge/test_planner_gquest.py -n 2, 17:08 UTC, before any
fix): 12/24. The approval, policy and "my hotel"/"confirmation number" siblings already
passed; the held-out sentences failed on "why" (no question word), yellow, "the
cheapest one" read as a pick, "the hotel for <city>", "conf #", an en dash, "I'm a VP"
and amounts. One guard's expectation was wrong about the world and was corrected, not
softened: the Paris flight waits for approval and has no airline locator yet (the reply
said so), so the flight-locator guard asks of the confirmed London flight. After the fix:
24/24.
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

# A question about the options shown: nothing held, nothing searched again.
Q: dict[str, Any] = {"nothing_changed": True, "tools_exclude": ["reserve"], "pending": "none"}
# A question about one's booked trips: nothing searched, nothing changed.
T: dict[str, Any] = {
    "world": "trips",
    "nothing_changed": True,
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "cancel_booking"],
}

CASES: list[tuple[str, Case]] = [
    # ---- question_as_pick: the price of the option a measure singles out
    (
        "question_as_pick",
        dialogue(
            "jfk-lhr 16th", "what does the cheapest option cost?", **Q, reply_contains="522.00"
        ),
    ),
    (
        "question_as_pick",
        dialogue("jfk-lhr 16th", "how much is the priciest one", **Q, reply_contains="633.40"),
    ),
    (
        "question_as_pick",
        dialogue(
            "hotel london 9-11 dec",
            "how much is the cheapest hotel",
            user="gus",
            **Q,
            reply_contains_any=[["197.00", "384.00"]],
        ),
    ),
    # ---- question_as_pick: why one named option has its colour
    (
        "question_as_pick",
        dialogue(
            "hotel london 9-11 dec",
            "why is the sofitel amber?",
            user="gus",
            **Q,
            reply_contains="325",
        ),
    ),
    (
        "question_as_pick",
        dialogue(
            "LGA to Miami Dec 20",
            "how come the spirit flight is red",
            **Q,
            reply_contains_any=[["blocked"]],
        ),
    ),
    (
        "question_as_pick",
        dialogue(
            "hotel in paris 14/12 to 17/12",
            "why does the sofitel need approval",
            **Q,
            reply_contains="300",
        ),
    ),
    # ---- options_question: the colour of all of them, said in other words
    (
        "options_question",
        dialogue(
            "jfk-mia fri, 2 of us",
            "how come theyre all orange?",
            **Q,
            reply_contains_any=[["7 days", "seven days", "a week"]],
        ),
    ),
    (
        "options_question",
        dialogue(
            "jfk-mia fri",
            "why is everything yellow",
            **Q,
            reply_contains_any=[["7 days", "seven days", "a week"]],
        ),
    ),
    (
        "options_question",
        dialogue(
            "hotel london 9-11 dec",
            "why are some of them yellow?",
            user="gus",
            **Q,
            reply_contains="325",
        ),
    ),
    # ---- trip_question_as_search: a part of one's booked trip asked for
    (
        "trip_question_as_search",
        dialogue("what hotel am I in for london?", reply_contains="Holiday Inn Express", **T),
    ),
    (
        "trip_question_as_search",
        dialogue("whats my hotel in london", reply_contains="Holiday Inn Express", **T),
    ),
    (
        "trip_question_as_search",
        dialogue("whats the flight for paris", reply_contains="DL 15", **T),
    ),
    # ---- trip_question_unanswered: the supplier's confirmation number (locator)
    (
        "trip_question_unanswered",
        dialogue(
            "what's the confirmation number for my london hotel?",
            reply_contains="@london.hotel.locator",
            **T,
        ),
    ),
    (
        "trip_question_unanswered",
        dialogue("hotel conf code for london pls?", reply_contains="@london.hotel.locator", **T),
    ),
    (
        "trip_question_unanswered",
        dialogue(
            "whats the confirmation # on my london flight",
            reply_contains="@london.flight.locator",
            **T,
        ),
    ),
    # ---- approval_status: one trip's approval, its state (not the policy's rules)
    (
        "approval_status",
        dialogue("who needs to sign off on my paris trip?", reply_contains="Mia", **T),
    ),
    (
        "approval_status",
        dialogue("who's approving my Paris flight?", reply_contains="Mia", **T),
    ),
    (
        "approval_status",
        dialogue(
            "is the london booking approved yet or still waiting on mia?",
            reply_contains="confirmed",
            **T,
        ),
    ),
    # ---- policy_as_trip_question: a cabin allowed somewhere, some month
    (
        "policy_as_trip_question",
        dialogue(
            "can I take first class to Paris in February?",
            user="victor",
            nothing_changed=True,
            tools_exclude=["search_flights"],
            reply_contains_any=[["not allowed", "never", "is red", "isn't allowed"]],
        ),
    ),
    (
        "policy_as_trip_question",
        dialogue(
            "am i allowed to fly first to Boston next month?",
            user="victor",
            nothing_changed=True,
            tools_exclude=["search_flights"],
            reply_contains_any=[["not allowed", "never", "is red", "isn't allowed"]],
        ),
    ),
    (
        "policy_as_trip_question",
        dialogue(
            "am I allowed business class to london in january?",
            nothing_changed=True,
            tools_exclude=["search_flights"],
            reply_contains="business",
            reply_not_contains="I don't see any trip",
        ),
    ),
    # ---- spend_question: what the team has booked, with amounts and a total
    (
        "spend_question",
        dialogue(
            "what's my team's total booked for december?",
            user="victor",
            reply_contains="2,677.00",
            **{**T, "world": "trips"},
        ),
    ),
    (
        "spend_question",
        dialogue(
            "how much have my reports booked this month?",
            user="mia",
            reply_contains_any=[["2,677.00", "1,944.90"]],
            **T,
        ),
    ),
    (
        "spend_question",
        dialogue(
            "how much is my team spending on travel in december?",
            user="victor",
            reply_contains_any=[["2,677.00", "1,944.90"]],
            **T,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_gquest_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
