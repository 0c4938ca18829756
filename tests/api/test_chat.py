"""POST /v1/chat against a scripted agent: the wire format, the body shapes, errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.turns import turns_of
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.sse import chunks, parse_sse, types
from tests.fakes.scripted_concierge import ScriptedConcierge


@pytest.fixture
def agent() -> ScriptedConcierge:
    return ScriptedConcierge()


@pytest.fixture
def app(runtime: Runtime, agent: ScriptedConcierge) -> FastAPI:
    return create_app(runtime=runtime, concierge=agent)


async def chat(client: httpx.AsyncClient, body: dict, user: str = "ava") -> httpx.Response:
    return await client.post("/v1/chat", json=body, headers=World.auth(user))


async def test_message_streams_ui_message_stream_v1(client: httpx.AsyncClient) -> None:
    response = await chat(client, {"message": "hello"})

    assert response.headers["x-vercel-ai-ui-message-stream"] == "v1"
    events = parse_sse(response.text)
    data = [d for _id, d in events]
    assert types(data) == ["start", "text-start", "text-delta", "text-end", "finish", "[DONE]"]
    thread_id = data[0]["messageMetadata"]["thread_id"]
    assert response.headers["x-concierge-thread-id"] == thread_id
    assert data[2]["delta"] == "You said: hello"
    assert data[1]["id"] == data[2]["id"] == data[3]["id"]
    assert data[4]["messageMetadata"]["thread_id"] == thread_id
    # Every event but [DONE] has an id that names its turn, for Last-Event-ID.
    turn_id = data[0]["messageId"]
    assert all(i is not None and i.startswith(f"{turn_id}:") for i, d in events if d != "[DONE]")
    assert len({i for i, _ in events}) == len(events)


async def test_booking_flow_confirmation_part_then_yes(client: httpx.AsyncClient) -> None:
    first = chunks(await chat(client, {"message": "book me a flight to London"}))
    assert types(first) == [
        "start",
        "tool-input-available",
        "tool-output-available",
        "text-start",
        "text-delta",
        "text-end",
        "data-confirmation",
        "finish",
        "[DONE]",
    ]
    tool_in, tool_out = first[1], first[2]
    assert tool_in == {
        "type": "tool-input-available",
        "toolCallId": "call-1",
        "toolName": "search_flights",
        "input": {"origin": "New York", "destination": "London", "date": "2026-12-18"},
    }
    assert tool_out["toolCallId"] == "call-1"
    assert tool_out["output"]["offers"][0]["offer_id"] == "FL-1"
    confirmation = first[6]
    assert set(confirmation) == {"type", "data"}
    assert confirmation["data"]["action"] == {
        "tool": "confirm_booking",
        "args": {"booking_id": "BK-TEST01"},
    }
    assert confirmation["data"]["summary"].startswith("Confirm BA 117")
    assert first[7]["messageMetadata"]["awaiting_confirmation"] is True

    thread_id = first[0]["messageMetadata"]["thread_id"]
    second = chunks(await chat(client, {"thread_id": thread_id, "message": "yes"}))
    assert second[0]["messageMetadata"]["thread_id"] == thread_id
    outputs = [c for c in second if c != "[DONE]" and c["type"] == "tool-output-available"]
    assert outputs[0]["output"] == {"booking_id": "BK-TEST01", "status": "confirmed"}
    assert second[-2]["messageMetadata"]["awaiting_confirmation"] is False


async def test_confirm_body_declines(client: httpx.AsyncClient) -> None:
    first = chunks(await chat(client, {"message": "book it"}))
    thread_id = first[0]["messageMetadata"]["thread_id"]
    interrupt_id = first[6]["data"]["interrupt_id"]

    second = chunks(
        await chat(
            client,
            {"thread_id": thread_id, "confirm": {"interrupt_id": interrupt_id, "approved": False}},
        )
    )

    assert "tool-input-available" not in types(second)
    assert any(c != "[DONE]" and c.get("delta") == "OK, I did not book it." for c in second)


async def test_use_chat_body_keeps_one_thread(client: httpx.AsyncClient) -> None:
    """useChat sends its own chat id and the whole history; the last user message is the turn."""
    history = [{"id": "m1", "role": "user", "parts": [{"type": "text", "text": "hello"}]}]
    first = chunks(await chat(client, {"id": "client-chat-1", "messages": history}))
    thread_id = first[0]["messageMetadata"]["thread_id"]
    history += [
        {"id": "m2", "role": "assistant", "parts": [{"type": "text", "text": "You said: hello"}]},
        {"id": "m3", "role": "user", "parts": [{"type": "text", "text": "and again"}]},
    ]

    second = chunks(await chat(client, {"id": "client-chat-1", "messages": history}))

    assert second[0]["messageMetadata"]["thread_id"] == thread_id
    assert second[2]["delta"] == "You said: and again"


async def test_use_chat_body_with_our_thread_id(client: httpx.AsyncClient) -> None:
    first = chunks(await chat(client, {"message": "hello"}))
    thread_id = first[0]["messageMetadata"]["thread_id"]
    body = {
        "id": thread_id,
        "messages": [{"role": "user", "parts": [{"type": "text", "text": "hi"}]}],
    }

    second = chunks(await chat(client, body))

    assert second[0]["messageMetadata"]["thread_id"] == thread_id


async def test_another_users_thread_is_not_found(client: httpx.AsyncClient) -> None:
    first = chunks(await chat(client, {"message": "hello"}))
    thread_id = first[0]["messageMetadata"]["thread_id"]

    for user in ("gus", "mia"):  # another org, and a colleague (her manager) alike
        response = await chat(client, {"thread_id": thread_id, "message": "hi"}, user=user)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "NOT_FOUND"


async def test_unknown_thread_is_not_found(client: httpx.AsyncClient) -> None:
    response = await chat(client, {"thread_id": "TH-NOPE", "message": "hi"})
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_message_over_8kb_is_413(client: httpx.AsyncClient) -> None:
    response = await chat(client, {"message": "x" * (8 * 1024 + 1)})
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert (await chat(client, {"message": "x" * (8 * 1024)})).status_code == 200


async def test_use_chat_message_over_8kb_is_413(client: httpx.AsyncClient) -> None:
    body = {
        "id": "c",
        "messages": [{"role": "user", "parts": [{"type": "text", "text": "é" * 4097}]}],
    }
    response = await chat(client, body)
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "VALIDATION_ERROR"),
        (
            {"message": "hi", "confirm": {"interrupt_id": "x", "approved": True}},
            422,
            "VALIDATION_ERROR",
        ),
        ({"confirm": {"interrupt_id": "x", "approved": True}}, 422, "VALIDATION_ERROR"),
        ({"message": "   "}, 422, "VALIDATION_ERROR"),
        ({"message": ""}, 422, "VALIDATION_ERROR"),
        ({"message": 7}, 422, "VALIDATION_ERROR"),
        ({"id": "c", "messages": []}, 422, "VALIDATION_ERROR"),
        ({"id": "c", "messages": [{"role": "assistant", "parts": []}]}, 422, "VALIDATION_ERROR"),
        ({"thread_id": "../../etc", "message": "hi"}, 422, "VALIDATION_ERROR"),
    ],
)
async def test_bad_bodies_are_problems(
    client: httpx.AsyncClient, body: dict, status: int, code: str
) -> None:
    response = await chat(client, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


async def test_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/chat",
        content=b'{"message": "hi"',
        headers={**World.auth("ava"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "MALFORMED_JSON"


async def test_without_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/chat", json={"message": "hi"})
    assert response.status_code == 401


async def test_failing_turn_ends_with_error_then_finish(client: httpx.AsyncClient) -> None:
    data = chunks(await chat(client, {"message": "boom"}))

    assert types(data)[-3:] == ["error", "finish", "[DONE]"]
    assert data[-3]["errorText"] == "Something went wrong on our side; please try again."
    assert "scripted failure" not in str(data)  # no internals on the wire


async def _until(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Wait for ``condition``, however loaded the machine (a deadline, not a pace)."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - a count or a stream, not an event
            await asyncio.sleep(0.01)


async def _until_async(read: Callable[[], Awaitable[list[str]]], part: str, seconds: float = 30) -> None:
    """Wait until what ``read`` answers holds ``part``."""
    async with asyncio.timeout(seconds):
        while part not in await read():  # noqa: ASYNC110 - a stream's contents, not an event
            await asyncio.sleep(0.01)


async def _stream_types(runner: object, turn_id: str) -> list[str]:
    """What the turn's stream holds right now (no waiting)."""
    return [data["type"] for _id, data in await runner.streams.read(turn_id)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("slots", "queued"), [(1, True), (2, False)])
async def test_turns_past_the_process_limit_start_at_once_then_wait_for_a_slot(
    runtime: Runtime, seeded: World, slots: int, queued: bool
) -> None:
    """Backpressure: with every slot busy a new turn is started and told it is queued
    (its thread and turn known at once), and runs only when a slot frees."""
    from api.turns import TurnRunner
    from core.identity import Caller

    runtime.settings = runtime.settings.model_copy(update={"chat_max_concurrent_turns": slots})
    agent = ScriptedConcierge()
    runner = TurnRunner(runtime, engine=agent)
    ava = Caller(user_id="ava", org_id="acme", role="traveler")
    try:
        await runner.start_turn(ava, message="slow")  # holds a slot until the gate opens
        await asyncio.wait_for(agent.at_gate.wait(), 30)
        second = await asyncio.wait_for(runner.start_turn(ava, message="hi"), 30)
        assert second.thread_id in agent.threads
        waiting = ["turn-start", "turn-queued"] if queued else ["turn-start", "text-start"]
        # Queued, it can go no further until the gate opens; with a slot, it runs to its end.
        until = "turn-queued" if queued else "turn-finish"
        await _until_async(lambda: _stream_types(runner, second.turn_id), until)
        assert (await _stream_types(runner, second.turn_id))[:2] == waiting
        assert ("text-start" in await _stream_types(runner, second.turn_id)) is not queued
        agent.gate.set()
        await runner.wait_idle()
        after = await _stream_types(runner, second.turn_id)
        assert after[-1] == "turn-finish"
        assert after.count("turn-queued") == (1 if queued else 0)
    finally:
        agent.gate.set()
        await runner.aclose()


async def test_a_queued_turn_streams_start_then_a_transient_queued_part(
    runtime: Runtime, agent: ScriptedConcierge, app: FastAPI, client: httpx.AsyncClient
) -> None:
    """On the wire: `start` (thread and turn), then `data-queued` with the turn and its
    place in the queue — transient, so useChat keeps it out of the message — then the
    turn's own parts once a slot is free."""
    runtime.settings = runtime.settings.model_copy(update={"chat_max_concurrent_turns": 1})
    busy = asyncio.create_task(chat(client, {"message": "slow"}))
    await asyncio.wait_for(agent.at_gate.wait(), 30)  # the slow turn holds the one slot
    assert agent.turns_started == 1
    waiting = asyncio.create_task(chat(client, {"message": "hi"}))
    await _until(lambda: turns_of(app.state).queued == 1)  # "hi" waits for it
    agent.gate.set()
    await busy
    data = chunks(await waiting)

    assert types(data) == [
        "start",
        "data-queued",
        "text-start",
        "text-delta",
        "text-end",
        "finish",
        "[DONE]",
    ]
    turn_id = data[0]["messageId"]
    assert data[1] == {
        "type": "data-queued",
        "id": f"queued-{turn_id}",
        "data": {"turn_id": turn_id, "position": 1},
        "transient": True,
    }
