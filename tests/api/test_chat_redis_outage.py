"""Chat keeps answering while a configured Redis is down, and goes back to it (issue 14 §10).

A REAL ``redis-server`` of the test's own, on a free port: a conversation starts with
it up, the server is killed in the middle, the conversation goes on (no 500; the reply
arrives, streamed and through the OpenAI-compatible endpoint; the hold and the
confirmation still happen), the server is started again and the conversation finishes
on it. The outage is logged once, not per request, and so is the recovery.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openai
import pytest
from sqlalchemy import select

from api.app import create_app
from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.models import Booking
from core.runtime import Runtime, build_runtime
from core.seed import seed_demo
from tests.api.inprocess import client_of
from tests.api.sse import chunks, types
from tests.conftest import NOW
from tests.redis_server import RedisServer, requires_redis_server

pytestmark = requires_redis_server

AVA = {"Authorization": "Bearer demo-ava"}
HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW")
FIRST = "I need a flight from New York to London on 2026-12-18, economy"


@pytest.fixture
async def rt(
    redis_server: RedisServer, settings: Settings, database: Database, clock: FrozenClock
) -> AsyncIterator[Runtime]:
    # Try Redis again on every call while it is down: the test need not wait for a retry.
    configured = settings.model_copy(
        update={"redis_url": redis_server.url, "redis_retry_seconds": 0}
    )
    runtime = build_runtime(configured, clock=clock, db=database)
    async with runtime.db.uow() as session:
        await seed_demo(
            session, today=NOW.date(), days_ahead=30, hubs=HUBS, settings=configured, now=NOW
        )
    yield runtime
    if runtime.redis is not None:
        await runtime.redis.aclose()


@pytest.fixture
async def client(rt: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(create_app(runtime=rt)) as c:
        yield c


def _of(data: list[Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in data if c != "[DONE]" and c["type"] == kind]


async def _say(client: httpx.AsyncClient, body: dict[str, Any]) -> list[Any]:
    response = await client.post("/v1/chat", json=body, headers=AVA)
    assert response.status_code == 200, response.text
    turn = chunks(response)
    assert types(turn)[-2:] == ["finish", "[DONE]"], types(turn)
    assert not _of(turn, "error"), turn
    return turn


def _outage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "Redis is unreachable" in r.getMessage()]


def _recovery_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "Redis answers again" in r.getMessage()]


async def test_a_conversation_survives_redis_going_down_and_coming_back(
    client: httpx.AsyncClient,
    rt: Runtime,
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    first = await _say(client, {"message": FIRST})
    thread_id = first[0]["messageMetadata"]["thread_id"]
    assert _of(first, "tool-output-available"), "the search answered"
    assert redis_server.keys(f"chat:turn:{first[0]['messageId']}"), (
        "the turn was streamed through Redis"
    )

    redis_server.kill()

    # Two turns and a read of the thread while Redis is down: each answers in full.
    picked = await _say(client, {"thread_id": thread_id, "message": "book option 1"})
    [confirmation] = _of(picked, "data-confirmation")
    booking_id = confirmation["data"]["action"]["args"]["booking_id"]
    assert (await client.get(f"/v1/threads/{thread_id}", headers=AVA)).status_code == 200
    held = (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()
    assert held["status"] == "held"
    [outage] = _outage_lines(caplog)  # logged once, not per request
    assert "this process" in outage
    assert "conditional writes" in outage  # what still guards the booking core

    redis_server.start()

    done = await _say(client, {"thread_id": thread_id, "message": "yes"})
    assert redis_server.keys(f"chat:turn:{done[0]['messageId']}"), "back on Redis"
    confirmed = [
        c["output"]
        for c in _of(done, "tool-output-available")
        if c["output"].get("booking_id") == booking_id
    ]
    assert confirmed, types(done)
    assert confirmed[0]["status"] == "confirmed"
    assert len(_recovery_lines(caplog)) == 1
    assert len(_outage_lines(caplog)) == 1


async def test_the_openai_compatible_endpoint_answers_while_redis_is_down(
    client: httpx.AsyncClient,
    rt: Runtime,
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    sdk = openai.AsyncOpenAI(
        base_url="http://api.test/v1", api_key="demo-ava", http_client=client, max_retries=0
    )
    history: list[dict[str, str]] = [{"role": "user", "content": FIRST}]
    reply = await sdk.chat.completions.create(model="concierge", messages=history)
    history += [
        {"role": "assistant", "content": reply.choices[0].message.content or ""},
        {"role": "user", "content": "book option 1"},
    ]

    redis_server.kill()

    reply = await sdk.chat.completions.create(model="concierge", messages=history)
    text = reply.choices[0].message.content or ""
    assert "Please confirm:" in text
    history += [{"role": "assistant", "content": text}, {"role": "user", "content": "yes"}]
    stream = await sdk.chat.completions.create(model="concierge", messages=history, stream=True)
    final = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert "confirm_booking" in final
    async with rt.db.uow(write=False) as session:
        statuses = [str(s) for s in await session.scalars(select(Booking.status))]
    assert statuses == ["confirmed"]
    assert len(_outage_lines(caplog)) == 1
