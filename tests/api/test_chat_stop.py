"""The Stop button's endpoint, `POST /v1/threads/{id}/stop`, on the REAL agent.

A stop is honoured between effects: a model call in flight is abandoned, a tool
already running (here: the payment of a confirmed booking) finishes and is recorded,
nothing after it starts, and the stream ends with `finish` marked `stopped`. The
conversation stays whole: the next message in the thread is answered normally.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from api.streams import build_streams
from api.turns import TurnRunner
from concierge import graph
from concierge.planner import OfflinePlanner
from core.identity import Caller
from core.models import Booking
from core.runtime import Runtime
from tests.api.sse import chunks, types
from tests.api.test_chat_concierge import (  # noqa: F401 - the real agent's fixtures
    AVA,
    FIRST,
    GUS,
    _of,
    _until_confirmation,
    client,
)
from tests.conftest import REDIS_URL
from tests.fakes.scripted_concierge import ScriptedConcierge
from tools.base import ToolSpec


def _text(data: list[Any]) -> str:
    return "".join(c["delta"] for c in _of(data, "text-delta"))


class Held:
    """Holds the first call of one kind until the test lets it go."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()


@pytest.fixture
def model_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = OfflinePlanner.generate

    async def counted(self: OfflinePlanner, request: Any, on_text: Any = None) -> Any:
        calls.append(1)
        return await original(self, request, on_text)

    monkeypatch.setattr(OfflinePlanner, "generate", counted)
    return calls


async def _stop(client: httpx.AsyncClient, thread_id: str) -> dict[str, Any]:  # noqa: F811
    response = await client.post(f"/v1/threads/{thread_id}/stop", headers=AVA)
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_stop_while_a_booking_is_paid_finishes_the_booking_then_stops(
    client: httpx.AsyncClient,  # noqa: F811
    demo: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    model_calls: list[int],
) -> None:
    thread_id, _turns, confirmation = await _until_confirmation(client, FIRST)
    booking_id = confirmation["action"]["args"]["booking_id"]
    held = Held()
    original = ToolSpec.invoke

    async def slow_invoke(self: ToolSpec[Any, Any], ctx: Any, args: Any) -> dict[str, Any]:
        if self.name == "confirm_booking":
            held.entered.set()
            await held.gate.wait()
        return await original(self, ctx, args)

    monkeypatch.setattr(ToolSpec, "invoke", slow_invoke)
    yes = asyncio.create_task(
        client.post("/v1/chat", json={"thread_id": thread_id, "message": "yes"}, headers=AVA)
    )
    await asyncio.wait_for(held.entered.wait(), 20)
    calls_before = len(model_calls)

    stopped = await _stop(client, thread_id)

    assert stopped["stopping"] is True
    await asyncio.sleep(0.3)
    assert not yes.done()  # the payment in flight is not cut off...
    held.gate.set()
    data = chunks(await asyncio.wait_for(yes, 20))
    # ...it finishes and is recorded: the booking is whole, confirmed and paid.
    outputs = [c["output"] for c in _of(data, "tool-output-available")]
    assert any(o.get("booking_id") == booking_id and o["status"] == "confirmed" for o in outputs)
    async with demo.db.uow(write=False) as session:
        booking = await session.scalar(select(Booking).where(Booking.id == booking_id))
    assert booking is not None
    assert booking.status == "confirmed"
    # Nothing after it: no model call for a closing reply, the turn ends stopped.
    assert len(model_calls) == calls_before
    assert graph.STOPPED_TEXT in _text(data)
    finish = _of(data, "finish")[0]
    assert finish["messageMetadata"]["stopped"] is True
    assert types(data)[-2:] == ["finish", "[DONE]"]
    # The conversation is whole: the next message is answered.
    after = chunks(
        await client.post(
            "/v1/chat", json={"thread_id": thread_id, "message": "thanks"}, headers=AVA
        )
    )
    assert not _of(after, "error")
    assert _of(after, "finish")[0]["messageMetadata"]["stopped"] is False
    again = (await client.post(f"/v1/threads/{thread_id}/stop", headers=AVA)).json()
    assert again["stopping"] is False  # a finished turn: nothing to stop


async def test_stop_abandons_a_model_call_in_flight(
    client: httpx.AsyncClient,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = Held()
    original = OfflinePlanner.generate

    async def hanging(self: OfflinePlanner, request: Any, on_text: Any = None) -> Any:
        if not held.entered.is_set():
            held.entered.set()
            await held.gate.wait()  # a model that takes forever
        return await original(self, request, on_text)

    monkeypatch.setattr(OfflinePlanner, "generate", hanging)
    first = asyncio.create_task(client.post("/v1/chat", json={"message": FIRST}, headers=AVA))
    await asyncio.wait_for(held.entered.wait(), 20)
    threads = (await client.get("/v1/threads", headers=AVA)).json()
    thread_id = threads["threads"][0]["thread_id"]

    assert (await _stop(client, thread_id))["stopping"] is True
    data = chunks(await asyncio.wait_for(first, 10))  # ends without the model answering

    assert not held.gate.is_set()
    assert _of(data, "finish")[0]["messageMetadata"]["stopped"] is True
    assert _text(data) == graph.STOPPED_TEXT
    assert not _of(data, "tool-input-available")
    held.gate.set()
    after = chunks(
        await client.post("/v1/chat", json={"thread_id": thread_id, "message": FIRST}, headers=AVA)
    )
    assert not _of(after, "error")
    assert _of(after, "tool-input-available")  # searched normally this time


async def test_stop_is_the_owners_only(client: httpx.AsyncClient) -> None:  # noqa: F811
    data = chunks(await client.post("/v1/chat", json={"message": "hello"}, headers=AVA))
    thread_id = data[0]["messageMetadata"]["thread_id"]

    assert (await client.post(f"/v1/threads/{thread_id}/stop", headers=GUS)).status_code == 404
    missing = await client.post("/v1/threads/TH-nope/stop", headers=AVA)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


@pytest.mark.skipif(REDIS_URL is None, reason="needs CONCIERGE_TEST_REDIS_URL")
@pytest.mark.parametrize("watched", [True, False], ids=["watched", "watcher-off"])
async def test_a_stop_asked_on_another_process_reaches_the_turn(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, watched: bool
) -> None:
    """Two runners on one Redis, as two API processes: the stop is asked on the one
    that does not run the turn. Without the running side's watcher it never arrives."""
    if not watched:

        async def blind(self: TurnRunner, turn_id: str, stop: asyncio.Event) -> None:
            return None

        monkeypatch.setattr(TurnRunner, "_watch_stop", blind)
    agent = ScriptedConcierge()
    here = TurnRunner(runtime, engine=agent, streams=build_streams(REDIS_URL))
    there = TurnRunner(runtime, engine=agent, streams=build_streams(REDIS_URL))
    ava = Caller(user_id="ava", org_id="acme", role="traveler")
    try:
        handle = await here.start_turn(ava, message="slow")  # waits for a gate never opened
        assert await there.stop_turn(ava, handle.turn_id) is True

        async def events() -> list[Any]:
            return [event async for _id, event in there.read_events(handle.turn_id)]

        if watched:
            seen = await asyncio.wait_for(events(), 5)
            assert seen[-1].stopped is True
            assert agent.turns_finished == 1
        else:
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(events(), 2)
            assert agent.turns_finished == 0
    finally:
        agent.gate.set()
        await here.aclose()
        await there.aclose()
