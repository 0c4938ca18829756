"""Thread view, and resuming a turn's stream after the client dropped (Last-Event-ID)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
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


@pytest.fixture
async def live(app: FastAPI, seeded: World) -> AsyncIterator[str]:
    """The app on a real socket (httpx's ASGI transport buffers whole responses)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    if app.state.turns is not None:
        await app.state.turns.aclose()
    server.should_exit = True
    await task


async def test_thread_shows_history_and_pending_confirmation(client: httpx.AsyncClient) -> None:
    first = chunks(
        await client.post("/v1/chat", json={"message": "book a flight"}, headers=World.auth("ava"))
    )
    thread_id = first[0]["messageMetadata"]["thread_id"]

    response = await client.get(f"/v1/threads/{thread_id}", headers=World.auth("ava"))

    assert response.status_code == 200
    view = response.json()
    assert view["thread_id"] == thread_id
    assert [m["role"] for m in view["messages"]] == ["user", "assistant"]
    assert view["pending_confirmation"]["interrupt_id"] == first[6]["data"]["interrupt_id"]


async def test_thread_of_another_user_is_not_found(client: httpx.AsyncClient) -> None:
    first = chunks(await client.post("/v1/chat", json={"message": "hi"}, headers=World.auth("ava")))
    thread_id = first[0]["messageMetadata"]["thread_id"]

    for user in ("gus", "mia"):
        view = await client.get(f"/v1/threads/{thread_id}", headers=World.auth(user))
        stream = await client.get(f"/v1/threads/{thread_id}/stream", headers=World.auth(user))
        assert (view.status_code, stream.status_code) == (404, 404)
        assert view.json()["code"] == stream.json()["code"] == "NOT_FOUND"


async def test_unknown_thread_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/threads/TH-NOPE", headers=World.auth("ava"))
    assert response.status_code == 404
    response = await client.get("/v1/threads/TH-NOPE/stream", headers=World.auth("ava"))
    assert response.status_code == 404


async def test_stream_replays_latest_turn_and_resumes_after_an_id(
    client: httpx.AsyncClient,
) -> None:
    posted = parse_sse(
        (await client.post("/v1/chat", json={"message": "book"}, headers=World.auth("ava"))).text
    )
    thread_id = posted[0][1]["messageMetadata"]["thread_id"]

    replay = await client.get(f"/v1/threads/{thread_id}/stream", headers=World.auth("ava"))
    assert parse_sse(replay.text) == posted

    cut = 3
    resumed = await client.get(
        f"/v1/threads/{thread_id}/stream",
        headers={**World.auth("ava"), "Last-Event-ID": posted[cut - 1][0]},
    )
    assert parse_sse(resumed.text) == posted[cut:]

    # Resuming after the last event of a finished turn ends at once.
    last_id = posted[-2][0]
    done = await client.get(
        f"/v1/threads/{thread_id}/stream", headers={**World.auth("ava"), "Last-Event-ID": last_id}
    )
    assert chunks(done) == ["[DONE]"]


async def test_last_event_id_of_another_thread_is_not_found(client: httpx.AsyncClient) -> None:
    one = parse_sse(
        (await client.post("/v1/chat", json={"message": "a"}, headers=World.auth("ava"))).text
    )
    two = parse_sse(
        (await client.post("/v1/chat", json={"message": "b"}, headers=World.auth("ava"))).text
    )
    thread_two = two[0][1]["messageMetadata"]["thread_id"]

    response = await client.get(
        f"/v1/threads/{thread_two}/stream",
        headers={**World.auth("ava"), "Last-Event-ID": one[1][0]},
    )

    assert response.status_code == 404


async def test_disconnect_mid_turn_then_resume_with_last_event_id(
    live: str, agent: ScriptedConcierge
) -> None:
    """Hanging up does not stop the turn; Last-Event-ID gets exactly the rest."""
    seen: list[tuple[str | None, object]] = []
    async with httpx.AsyncClient(base_url=live, timeout=10) as http:
        async with http.stream(
            "POST", "/v1/chat", json={"message": "slow please"}, headers=World.auth("ava")
        ) as response:
            assert response.status_code == 200
            event_id: str | None = None
            async for line in response.aiter_lines():
                if line.startswith("id:"):
                    event_id = line[3:].strip()
                elif line.startswith("data:"):
                    seen.append((event_id, json.loads(line[5:])))
                    if seen[-1][1]["type"] == "text-start":  # the deltas wait for the gate
                        break
        # The connection is closed here, mid-turn.
        assert agent.turns_finished == 0
        agent.gate.set()
        thread_id = seen[0][1]["messageMetadata"]["thread_id"]

        rest = await http.get(
            f"/v1/threads/{thread_id}/stream",
            headers={**World.auth("ava"), "Last-Event-ID": seen[-1][0]},
        )

    data = chunks(rest)
    assert types(data) == [
        "text-delta",
        "text-delta",
        "text-delta",
        "text-delta",
        "text-end",
        "finish",
        "[DONE]",
    ]
    assert "".join(c["delta"] for c in data[:4]) == "one two three four"
    assert agent.turns_finished == 1


# ------------------------------------------------------------------ a deleted thread


@pytest.fixture
def recorded(runtime: Runtime) -> ScriptedConcierge:
    """A scripted agent that writes ``threads`` rows, as the real one does (DELETE needs one)."""
    return ScriptedConcierge(runtime)


@pytest.fixture
async def deleting(
    runtime: Runtime, recorded: ScriptedConcierge, seeded: World
) -> AsyncIterator[tuple[FastAPI, str]]:
    app = create_app(runtime=runtime, concierge=recorded)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield app, f"http://127.0.0.1:{port}"
    if app.state.turns is not None:
        await app.state.turns.aclose()
    server.should_exit = True
    await task


async def _kept(app: FastAPI, thread_id: str, turn_id: str) -> list[object]:
    """What the app's stream store still holds of the thread and its turn."""
    streams = app.state.turns.streams
    held: list[object] = [
        await streams.latest_turn(thread_id),
        await streams.meta(turn_id),
        await streams.last(turn_id),
        await streams.read(turn_id),
    ]
    primary = getattr(streams, "primary", None)
    if primary is not None:  # Redis: no key of the thread or the turn is left
        held.append(sorted(await primary.redis.keys(f"*{thread_id}*")))
        held.append(sorted(await primary.redis.keys(f"*{turn_id}*")))
    return [h for h in held if h]


async def test_a_deleted_threads_last_turn_is_not_replayed(
    deleting: tuple[FastAPI, str],
) -> None:
    """Deleting makes the stream store forget the thread: replay, resume with
    Last-Event-ID and stop are 404 like every other read of a deleted thread."""
    app, base = deleting
    ava = World.auth("ava")
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        posted = parse_sse((await http.post("/v1/chat", json={"message": "book"}, headers=ava)).text)
        thread_id = posted[0][1]["messageMetadata"]["thread_id"]
        turn_id = posted[0][1]["messageMetadata"]["turn_id"]
        before = await http.get(f"/v1/threads/{thread_id}/stream", headers=ava)
        assert parse_sse(before.text) == posted  # kept for an hour, until…
        assert await _kept(app, thread_id, turn_id)

        assert (await http.delete(f"/v1/threads/{thread_id}", headers=ava)).status_code == 204

        for response in (
            await http.get(f"/v1/threads/{thread_id}/stream", headers=ava),
            await http.get(
                f"/v1/threads/{thread_id}/stream",
                headers={**ava, "Last-Event-ID": posted[1][0]},
            ),
            await http.post(f"/v1/threads/{thread_id}/stop", headers=ava),
        ):
            assert response.status_code == 404, response.text
            assert response.json()["code"] == "NOT_FOUND"
    assert await _kept(app, thread_id, turn_id) == []


async def test_deleting_a_thread_mid_turn_stops_it_and_keeps_nothing_of_it(
    deleting: tuple[FastAPI, str], recorded: ScriptedConcierge
) -> None:
    app, base = deleting
    ava = World.auth("ava")
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        async with http.stream(
            "POST", "/v1/chat", json={"message": "slow please"}, headers=ava
        ) as response:
            seen: list[dict[str, object]] = []
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    seen.append(json.loads(line[5:]))
                    if seen[-1]["type"] == "text-start":  # the deltas wait for the gate
                        break
        meta = seen[0]["messageMetadata"]
        assert isinstance(meta, dict)
        thread_id, turn_id = meta["thread_id"], meta["turn_id"]

        assert (await http.delete(f"/v1/threads/{thread_id}", headers=ava)).status_code == 204
        # The delete stopped the turn (between effects): it ends without the gate.
        await asyncio.wait_for(app.state.turns.wait_idle(), 5)
        assert recorded.turns_finished == 1
        replay = await http.get(f"/v1/threads/{thread_id}/stream", headers=ava)
        assert replay.status_code == 404
    # What the turn said after the delete was not written back: nothing is kept.
    assert await _kept(app, thread_id, turn_id) == []
