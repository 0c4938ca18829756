"""A price question at a hold's confirmation (held-out b35_cf_ava_wait_how_much).

Before the fix, "how much is that all in?" at a confirmation got "Sorry, I didn't quite
get that" and the pending confirmation was declined, so the "yes" after it booked
nothing. Now the hold's total is said and the confirmation is asked again.

Guards, written after the fix: other price questions at a hold, then a yes that books,
and a fare breakdown at a hold left to its own flow. First try 5/6: "how much will that
be in total" reads as a search with nothing to search for (intent SEARCH, no trip
details), which the fix had not counted; it now does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import World, dialogue, runs_as_expected, worlds_fixture

worlds = worlds_fixture("empty")

HELD = {"pending": "confirm_booking"}


@pytest.mark.parametrize(
    "question",
    [
        "how much is it?",
        "what's the total?",
        "sorry, what's the price again?",
        "how much will that be in total",
        "whats the damage",
    ],
)
async def test_a_price_question_at_a_hold_keeps_its_confirmation(
    question: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "JFK to Boston on the 14th",
        ("option 1", HELD),
        (question, {**HELD, "reply_contains": ["USD in all"], "no_tools": True}),
        "yes",
        new_bookings=1,
        new_status="confirmed",
        pending="none",
    )
    await runs_as_expected(case, worlds, tmp_path)


async def test_a_fare_breakdown_at_a_hold_is_not_the_total(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "JFK to Boston on the 14th",
        ("option 1", HELD),
        "how much of that is taxes?",
        reply_not_contains=["in all, taxes and fees included"],
    )
    await runs_as_expected(case, worlds, tmp_path)
