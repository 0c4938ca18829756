"""A long message (a forwarded thread, a pasted itinerary, up to the API's 8 KB and past it)
costs the planner time in proportion to its length, not to its length squared: a 10 KB
forwarded thread took 68 s of CPU in one turn (several.read re-read the message once per
clause it merged; the place reader and the option-name reader looked at the whole text
before every word), which timed out the held-out case b31_bi_forwarded_thread_10kb on a
busy machine. Each test here fails with the old code."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from concierge.planner.flows import several
from concierge.planner.nlu import picks
from concierge.planner.nlu.places import find_places

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
UNIT = "Fwd: Re: offsite in boston -> paris, see the notes from jfk lhr and advise the team; "


def _cpu(read: Callable[[str], Any], text: str) -> float:
    start = time.process_time()
    read(text)
    return time.process_time() - start


def _growth(read: Callable[[str], Any]) -> float:
    """CPU for a text four times as long, as a multiple (linear: about 4; squared: 16)."""
    read(UNIT * 5)  # tables loaded
    small = min(_cpu(read, UNIT * 40) for _ in range(2))
    big = min(_cpu(read, UNIT * 160) for _ in range(2))
    return big / max(small, 1e-4)


def test_a_forwarded_thread_is_read_whole_not_clause_by_clause(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = several.understand

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(several, "understand", counted)
    thread = "Fwd: Re: Q1 planning offsite logistics - please see the thread below and advise. " * 120
    assert several.read(thread, NOW) is None  # one message, not 120 requests
    assert len(reads) <= 1


def test_two_requests_in_a_message_are_still_two() -> None:
    found = several.read("flights jfk to paris on the 16th? also whats the hotel cap there", NOW)
    assert found is not None
    assert len(found) == 2


def test_finding_places_grows_with_the_text_not_its_square() -> None:
    assert _growth(find_places) < 9


def test_reading_the_direction_of_every_word_grows_with_the_text() -> None:
    def every_word(text: str) -> list[str | None]:
        at = picks.directions(" ".join(text.split()))
        return [at(i) for i in range(0, len(text), 7)]

    assert _growth(every_word) < 9


def test_directions_reads_each_clause_on_its_own() -> None:
    text = "the 9:30pm delta back, and the first one out; hotel 2 please"
    low = picks.plain(text)
    at = picks.directions(text)
    assert at(low.index("delta")) == "return"
    assert at(low.index("first")) == "flight"
    assert at(low.index("2 please")) == "hotel"
    # A clause without a direction word names no list, even between two that do.
    text = "the 9:30pm delta back, thanks a lot; hotel 2 please"
    low = picks.plain(text)
    at = picks.directions(text)
    assert at(low.index("thanks")) is None
    assert (at(low.index("delta")), at(low.index("hotel"))) == ("return", "hotel")
