"""POST /v1/chat end to end on the REAL agent: Concierge + offline planner + tools + core,
on the demo data (a few hubs, a month of flights). Search → options → hold → confirmation
part → "yes" → confirmed, and the same through the OpenAI-compatible endpoint."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from sqlalchemy import func, select

from core.models import Booking
from core.runtime import Runtime
from tests.api.sse import chunks, types

AVA = {"Authorization": "Bearer demo-ava"}
GUS = {"Authorization": "Bearer demo-gus"}
FIRST = "I need a flight from New York to London on 2026-12-18, economy"
# What a traveller says after seeing options; the planner takes the first it understands.
FOLLOW_UPS = ("book option 1", "confirm it")


@pytest.fixture
def client(demo_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return demo_client


def _of(data: list[Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in data if c != "[DONE]" and c["type"] == kind]


async def _until_confirmation(
    client: httpx.AsyncClient, first: str
) -> tuple[str, list[list[Any]], dict[str, Any]]:
    turns = [chunks(await client.post("/v1/chat", json={"message": first}, headers=AVA))]
    thread_id = turns[0][0]["messageMetadata"]["thread_id"]
    for follow_up in FOLLOW_UPS:
        if _of(turns[-1], "data-confirmation"):
            break
        body = {"thread_id": thread_id, "message": follow_up}
        turns.append(chunks(await client.post("/v1/chat", json=body, headers=AVA)))
    confirmations = _of(turns[-1], "data-confirmation")
    assert confirmations, [types(t) for t in turns]
    return thread_id, turns, confirmations[0]["data"]


async def test_booking_conversation_over_sse(client: httpx.AsyncClient, demo: Runtime) -> None:
    thread_id, turns, confirmation = await _until_confirmation(client, FIRST)

    searched = [c for t in turns for c in _of(t, "tool-input-available")]
    assert searched[0]["toolName"] == "search_flights"
    offers = _of(turns[0], "tool-output-available")[0]["output"]
    assert offers, "the search found options"
    for turn in turns:
        assert types(turn)[0] == "start"
        assert types(turn)[-2:] == ["finish", "[DONE]"]
        assert not _of(turn, "error"), turn
    assert confirmation["action"]["tool"] == "confirm_booking"
    booking_id = confirmation["action"]["args"]["booking_id"]
    assert confirmation["summary"]

    # The thread view shows the same pending confirmation.
    view = (await client.get(f"/v1/threads/{thread_id}", headers=AVA)).json()
    assert view["pending_confirmation"]["interrupt_id"] == confirmation["interrupt_id"]
    assert (await client.get(f"/v1/threads/{thread_id}", headers=GUS)).status_code == 404

    done = chunks(
        await client.post("/v1/chat", json={"thread_id": thread_id, "message": "yes"}, headers=AVA)
    )
    confirmed = [
        c["output"]
        for c in _of(done, "tool-output-available")
        if c["output"].get("booking_id") == booking_id
    ]
    assert confirmed, types(done)
    assert confirmed[0]["status"] == "confirmed"
    booking = (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()
    assert booking["status"] == "confirmed"
    async with demo.db.uow(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Booking)) == 1


async def test_confirm_body_on_the_real_agent(client: httpx.AsyncClient) -> None:
    thread_id, _turns, confirmation = await _until_confirmation(client, FIRST)
    body = {
        "thread_id": thread_id,
        "confirm": {"interrupt_id": confirmation["interrupt_id"], "approved": False},
    }

    declined = chunks(await client.post("/v1/chat", json=body, headers=AVA))

    assert not [
        c
        for c in _of(declined, "tool-output-available")
        if c["output"].get("status") == "confirmed"
    ]
    view = (await client.get(f"/v1/threads/{thread_id}", headers=AVA)).json()
    assert view["pending_confirmation"] is None
    # The same interrupt cannot be answered twice.
    again = await client.post("/v1/chat", json=body, headers=AVA)
    assert again.status_code == 409


async def test_booking_through_the_openai_sdk(client: httpx.AsyncClient, demo: Runtime) -> None:
    sdk = openai.AsyncOpenAI(
        base_url="http://api.test/v1", api_key="demo-ava", http_client=client, max_retries=0
    )
    history: list[dict[str, str]] = [{"role": "user", "content": FIRST}]
    for say in (*FOLLOW_UPS, "yes"):
        reply = await sdk.chat.completions.create(model="concierge", messages=history)
        text = reply.choices[0].message.content or ""
        history += [{"role": "assistant", "content": text}]
        if "Please confirm:" in text:
            say = "yes"
        history += [{"role": "user", "content": say}]
        if say == "yes":
            break
    stream = await sdk.chat.completions.create(model="concierge", messages=history, stream=True)
    final = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert "confirm_booking" in final
    async with demo.db.uow(write=False) as session:
        statuses = list(await session.scalars(select(Booking.status)))
    assert [str(s) for s in statuses] == ["confirmed"]


async def test_a_client_that_draws_cards_gets_no_list_in_words(client: httpx.AsyncClient) -> None:
    """One rendering of results (issue 12): the page sends `cards: true` and the reply
    does not list the options its cards show; a text-only client gets them in words."""

    async def ask(cards: bool) -> tuple[str, list[dict[str, Any]]]:
        body: dict[str, Any] = {"message": FIRST}
        if cards:
            body["cards"] = True
        data = chunks(await client.post("/v1/chat", json=body, headers=AVA))
        text = "".join(c["delta"] for c in _of(data, "text-delta"))
        [output] = [c["output"] for c in _of(data, "tool-output-available")]
        return text, output["options"]

    words, options = await ask(cards=False)
    drawn, same_options = await ask(cards=True)

    assert [o["offer_id"] for o in same_options] == [o["offer_id"] for o in options]
    flights = [" + ".join(o["flights"]) for o in options]
    assert all(f in words for f in flights), words
    assert not any(f in drawn for f in flights), drawn
    assert drawn.strip(), "the reply still says what to do next"
    assert len(drawn) < len(words) / 3


async def test_cards_must_be_a_json_boolean(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/chat", json={"message": FIRST, "cards": "yes"}, headers=AVA)
    assert response.status_code == 422
