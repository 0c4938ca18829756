"""Slack answers stream (``chat.update`` of one message, paced) and show trip cards with
the page's facts — against the local fake Slack Web API and the real agent."""

from __future__ import annotations

import asyncio
import itertools
import re
from typing import Any

import pytest

from api.slack import blocks, streaming
from concierge import planner
from concierge.planner import OfflinePlanner
from tests.api.test_slack import (  # noqa: F401 - the Slack fixture and its helpers
    FLIGHT_DAY,
    Slack,
    _all_text,
    slack,
)

DELTA_PAUSE = 0.06
INTERVAL = 0.4


@pytest.fixture
def paced(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that streams word by word, a little slower than Slack edits are paced."""
    monkeypatch.setattr(planner, "_chunks", lambda text: re.findall(r"\S+\s*", text))
    original = OfflinePlanner.generate

    async def slow(self: OfflinePlanner, request: Any, on_text: Any = None) -> Any:
        async def paced_text(delta: str) -> None:
            await asyncio.sleep(DELTA_PAUSE)
            await on_text(delta)

        return await original(self, request, paced_text if on_text is not None else None)

    monkeypatch.setattr(OfflinePlanner, "generate", slow)


async def _answer(slack: Slack, user: str, text: str) -> list[Any]:  # noqa: F811
    before = len(slack.fake.calls)
    await slack.message(user, text)
    await slack.fake.wait_for("chat.postMessage", count=1)
    await slack.idle()
    return [c for c in slack.fake.calls[before:] if c.method.startswith("chat.")]


async def test_a_long_answer_is_posted_then_edited_as_it_streams(
    slack: Slack,  # noqa: F811
    paced: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ask = f"Fly me from New York to London on {FLIGHT_DAY}"
    # The same question, not streamed (every edit held back): the answer to match.
    monkeypatch.setattr(streaming, "UPDATE_SECONDS", 3600.0)
    [whole] = await _answer(slack, "U0AVA", ask)
    assert whole.method == "chat.postMessage"

    monkeypatch.setattr(streaming, "UPDATE_SECONDS", INTERVAL)
    calls = await _answer(slack, "U0AVA", ask)

    first, *edits = calls
    assert first.method == "chat.postMessage"  # one message...
    assert edits, "…then edited as the answer grew"
    assert {c.method for c in edits} == {"chat.update"}
    assert all(c.params["ts"] == edits[0].params["ts"] for c in edits)
    # Paced: no two edits closer than the interval (a little slack for the fake's clock).
    times = [c.at for c in calls]
    gaps = [b - a for a, b in itertools.pairwise(times[:-1])]
    assert all(g >= INTERVAL * 0.8 for g in gaps), gaps
    # Each interim edit says more than the one before; the last is the whole answer.
    texts = [c.params["text"] for c in calls]
    interim = [t.removesuffix(" …") for t in texts[:-1] if t != streaming.WORKING]
    assert all(b.startswith(a) for a, b in itertools.pairwise(interim)), interim
    final = calls[-1]
    assert final.params["text"] == whole.params["text"]
    assert _all_text(final) == _all_text(whole)
    assert [b["type"] for b in final.params["blocks"]] == [
        b["type"] for b in whole.params["blocks"]
    ]
    assert not final.params["text"].endswith(" …")


async def test_a_quick_answer_is_posted_once(slack: Slack) -> None:  # noqa: F811
    calls = await _answer(slack, "U0AVA", "hello")
    assert [c.method for c in calls] == ["chat.postMessage"]


async def test_without_pacing_every_part_would_be_an_edit(
    slack: Slack,  # noqa: F811
    paced: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pacing is what keeps edits near 1/s: with no interval there are many more
    edits than with it (the Tier 3 budget is ~50 a minute)."""
    ask = f"Fly me from New York to London on {FLIGHT_DAY}"
    monkeypatch.setattr(streaming, "UPDATE_SECONDS", INTERVAL)
    paced_edits = len(await _answer(slack, "U0AVA", ask)) - 1
    monkeypatch.setattr(streaming, "UPDATE_SECONDS", 0.0)
    unpaced_edits = len(await _answer(slack, "U0AVA", ask)) - 1
    assert unpaced_edits > paced_edits * 2, (paced_edits, unpaced_edits)


async def test_a_confirmed_trip_gets_the_trip_card_with_the_pages_facts(
    slack: Slack,  # noqa: F811
) -> None:
    await slack.message("U0AVA", f"Fly me from New York to London on {FLIGHT_DAY}")
    [options] = await slack.fake.wait_for("chat.postMessage")
    await slack.click("U0AVA", options, f"{blocks.ACTION_BOOK}:flight:1")
    ask = (await slack.fake.wait_for("chat.postMessage", count=2))[-1]
    await slack.click("U0AVA", ask, blocks.ACTION_CONFIRM)
    answer = (await slack.fake.wait_for("chat.postMessage", count=3))[-1]
    await slack.idle()

    trips = await slack.client.get("/v1/trips", headers={"Authorization": "Bearer demo-ava"})
    [trip] = trips.json()["trips"]
    assert trip["status"] == "confirmed"
    said = _all_text(answer)
    assert trip["booking_id"] in said
    for fact in (trip["title"], trip["status_text"], trip["total_text"], trip["payment"]["text"]):
        assert blocks.escape(fact) in said, fact
    assert trip["policy"]["label"] in said
    for entry in trip["entries"]:
        assert blocks.escape(entry["title"]) in said
        if entry.get("locator"):
            assert entry["locator"] in said
        for person in entry.get("passengers", []):
            assert person["name"] in said
            if person.get("seat"):
                assert f"seat {person['seat']}" in said
        if entry.get("day_marker"):
            assert entry["day_marker"] in said
        assert entry["start"][11:16] in said  # local time, as the page shows it
    assert any(b["type"] == "divider" for b in answer.params["blocks"])
