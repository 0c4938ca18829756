"""The OpenAI-compatible endpoint, driven by the official ``openai`` SDK itself."""

from __future__ import annotations

import httpx
import openai
import pytest
from fastapi import FastAPI

from api.app import create_app
from core.runtime import Runtime
from tests.api.conftest import TOKENS
from tests.fakes.scripted_concierge import ScriptedConcierge


@pytest.fixture
def agent(runtime: Runtime) -> ScriptedConcierge:
    return ScriptedConcierge(runtime)  # with thread rows: the history keys live on them


@pytest.fixture
def app(runtime: Runtime, agent: ScriptedConcierge) -> FastAPI:
    return create_app(runtime=runtime, concierge=agent)


@pytest.fixture
def http(client: httpx.AsyncClient) -> httpx.AsyncClient:
    return client  # named apart: in these tests `client` is the OpenAI SDK's


def sdk(http: httpx.AsyncClient, user: str = "ava") -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url="http://api.test/v1", api_key=TOKENS[user], http_client=http, max_retries=0
    )


async def test_models_lists_concierge(http: httpx.AsyncClient) -> None:
    models = await sdk(http).models.list()
    assert [m.id for m in models.data] == ["concierge"]


async def test_bad_api_key_is_401(http: httpx.AsyncClient) -> None:
    client = openai.AsyncOpenAI(
        base_url="http://api.test/v1", api_key="nope", http_client=http, max_retries=0
    )
    with pytest.raises(openai.AuthenticationError):
        await client.chat.completions.create(
            model="concierge", messages=[{"role": "user", "content": "hi"}]
        )


async def test_completion_not_streamed(http: httpx.AsyncClient) -> None:
    completion = await sdk(http).chat.completions.create(
        model="concierge", messages=[{"role": "user", "content": "hello"}]
    )
    assert completion.object == "chat.completion"
    assert completion.model == "concierge"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == "You said: hello"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (11, 7)
    assert completion.usage.total_tokens == 18


async def test_completion_streamed_in_chunk_format(http: httpx.AsyncClient) -> None:
    stream = await sdk(http).chat.completions.create(
        model="concierge",
        messages=[{"role": "system", "content": "be nice"}, {"role": "user", "content": "hello"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]

    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip() == "You said: hello"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop"
    assert set(finishes[:-1]) == {None}
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == 18


async def test_resent_history_continues_one_thread_through_a_confirmation(
    http: httpx.AsyncClient, agent: ScriptedConcierge
) -> None:
    client = sdk(http)
    history: list[dict[str, str]] = [{"role": "user", "content": "book me a flight to London"}]

    first = await client.chat.completions.create(model="concierge", messages=history)
    question = first.choices[0].message.content or ""
    assert "⚙ `search_flights`" in question  # tool activity, as text
    assert "Please confirm:" in question
    assert "Reply **yes** or **no**" in question

    history += [{"role": "assistant", "content": question}, {"role": "user", "content": "yes"}]
    stream = await client.chat.completions.create(model="concierge", messages=history, stream=True)
    answer = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert "Booked: BK-TEST01 is confirmed." in answer
    assert len(agent.threads) == 1

    # Clients may trim or re-wrap what they show; whitespace does not matter.
    history += [{"role": "assistant", "content": "  " + " \n".join(answer.split()) + "\n"}]
    history += [{"role": "user", "content": "thanks"}]
    third = await client.chat.completions.with_raw_response.create(
        model="concierge", messages=history
    )
    assert len(agent.threads) == 1
    thread_id = next(iter(agent.threads))
    assert third.headers["x-concierge-thread-id"] == thread_id


async def test_unknown_history_starts_a_new_thread(
    http: httpx.AsyncClient, agent: ScriptedConcierge
) -> None:
    history = [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "something we never said"},
        {"role": "user", "content": "hi again"},
    ]
    await sdk(http).chat.completions.create(model="concierge", messages=history)
    await sdk(http).chat.completions.create(model="concierge", messages=history[:1])
    assert len(agent.threads) == 2


async def test_same_history_of_another_user_is_not_shared(
    http: httpx.AsyncClient, agent: ScriptedConcierge
) -> None:
    history = [{"role": "user", "content": "hello"}]
    first = await sdk(http, "ava").chat.completions.create(model="concierge", messages=history)
    history += [
        {"role": "assistant", "content": first.choices[0].message.content or ""},
        {"role": "user", "content": "more"},
    ]
    await sdk(http, "mia").chat.completions.create(model="concierge", messages=history)
    owners = sorted(t.user_id for t in agent.threads.values())
    assert owners == ["ava", "mia"]


async def test_explicit_thread_header(http: httpx.AsyncClient, agent: ScriptedConcierge) -> None:
    client = sdk(http)
    raw = await client.chat.completions.with_raw_response.create(
        model="concierge", messages=[{"role": "user", "content": "hello"}]
    )
    thread_id = raw.headers["x-concierge-thread-id"]

    await client.chat.completions.create(
        model="concierge",
        messages=[{"role": "user", "content": "unrelated"}],
        extra_headers={"X-Concierge-Thread-Id": thread_id},
    )

    assert len(agent.threads) == 1
    with pytest.raises(openai.NotFoundError):
        await sdk(http, "gus").chat.completions.create(
            model="concierge",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"X-Concierge-Thread-Id": thread_id},
        )


async def test_last_message_must_be_from_the_user(http: httpx.AsyncClient) -> None:
    with pytest.raises(openai.UnprocessableEntityError):
        await sdk(http).chat.completions.create(
            model="concierge", messages=[{"role": "assistant", "content": "hi"}]
        )


async def test_oversized_message_is_413(http: httpx.AsyncClient) -> None:
    with pytest.raises(openai.APIStatusError) as caught:
        await sdk(http).chat.completions.create(
            model="concierge", messages=[{"role": "user", "content": "x" * 9000}]
        )
    assert caught.value.status_code == 413
