"""Token by token: when the model streams, ``POST /v1/chat`` streams its words as they come.

The real agent (``concierge.service.Concierge``) on a local OpenAI-compatible server
(``tests/fakes/openai_fake.py``) that sends one reply in small chunks, 0.15 s apart, as a
model's tokens arrive. Over a real socket the client sees several ``text-delta`` parts
of that one reply arrive separately — the first long before the last was even sent —
not one block at the end (issue 12: "token-by-token streaming when the model streams").
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import uvicorn

from api.app import create_app
from concierge.models.openai_model import OpenAIChatModel
from concierge.service import Concierge
from core.runtime import Runtime
from tests.api.conftest import World
from tests.fakes.openai_fake import OpenAIFake

REPLY = "Hello Ava, where are you headed, and on which days?"
CHUNK_CHARS = 6
CHUNK_DELAY = 0.15


@pytest.fixture
def fake() -> Iterator[OpenAIFake]:
    server = OpenAIFake().start()
    yield server
    server.stop()


@pytest.fixture
async def live(runtime: Runtime, seeded: World, fake: OpenAIFake) -> AsyncIterator[str]:
    model = OpenAIChatModel("gpt-test", base_url=fake.url, api_key="sk-test", timeout=10)
    concierge = await Concierge.open(runtime, model)
    app = create_app(runtime=runtime, concierge=concierge)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if app.state.turns is not None:
            await app.state.turns.aclose()
        await concierge.aclose()
        server.should_exit = True
        await task


async def test_a_streamed_reply_arrives_delta_by_delta(live: str, fake: OpenAIFake) -> None:
    fake.reply(REPLY, chunk_chars=CHUNK_CHARS, chunk_delay=CHUNK_DELAY)
    arrivals: list[tuple[float, str]] = []
    started = time.monotonic()
    async with (
        httpx.AsyncClient(base_url=live, timeout=30) as http,
        http.stream(
            "POST", "/v1/chat", json={"message": "hi"}, headers=World.auth("ava")
        ) as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            part = json.loads(line[5:])
            if part["type"] == "text-delta":
                arrivals.append((time.monotonic() - started, part["delta"]))

    assert "".join(delta for _at, delta in arrivals) == REPLY
    chunks = -(-len(REPLY) // CHUNK_CHARS)
    assert len(arrivals) >= chunks // 2, arrivals  # not one block: several deltas
    # They came as the model sent them: the first well before the model had finished
    # (it took (chunks - 1) x 0.15 s to send them all), and spread over that time.
    first, last = arrivals[0][0], arrivals[-1][0]
    sending = (chunks - 1) * CHUNK_DELAY
    assert last - first >= 0.6 * sending, arrivals
    moments = sorted({round(at, 2) for at, _delta in arrivals})
    assert len(moments) >= chunks // 2, arrivals  # distinct moments, not one flush
    print(f"{len(arrivals)} deltas over {last - first:.2f} s (the model took {sending:.2f} s)")
