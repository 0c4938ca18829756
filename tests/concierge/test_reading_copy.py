"""A cached reading is handed out as the caller's own copy (``intents.own_copy``):
whatever the dialogue writes on it never reaches the cache, and it reads as deepcopy's."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from concierge.planner.nlu.intents import understand

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

MESSAGES = [
    "flight from New York to London on Dec 14, economy, back the 18th",
    "book option 1",
    "yes",
    "hotels: dublin 14th-16th, london 16th-18th",
    "NYC to Chicago on the 9th then Chicago to Denver on the 12th",
    "window seat for me and the aisle for Sam on 12C",
    "if there's a nonstop before noon book it",
    "can u book ava jfk-bos tmrw 2ppl under $300",
]


@pytest.mark.parametrize("text", MESSAGES)
def test_a_reading_copy_is_deepcopys_and_changes_on_it_stay_its_own(text: str) -> None:
    first = understand(text, NOW)
    assert first == copy.deepcopy(first)
    pristine = copy.deepcopy(first)
    # What the dialogue does to its reading: set fields, grow lists, move dates.
    first.intent = first.intent.__class__("unknown")
    first.places.append(first.places[0] if first.places else None)  # type: ignore[arg-type]
    first.options.clear()
    first.companions.append("Zoe")
    first.dates.mentions.clear()
    first.dates.depart = None
    first.dates.read_as.append(("x", NOW.date(), NOW.date()))
    again = understand(text, NOW)
    assert again == pristine
    assert again is not first
    assert again.dates is not first.dates
    assert again.places is not first.places
    assert again.dates.mentions is not first.dates.mentions
