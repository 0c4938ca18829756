"""OpenAIChatModel against a real local HTTP server speaking the OpenAI streaming protocol."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from concierge.models.base import ModelRequest
from concierge.models.factory import build_model
from concierge.models.openai_model import OpenAIChatModel
from core.config import Settings
from tests.core.booking_world import AVA
from tests.fakes.openai_fake import OpenAIFake, Scripted

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "search_flights",
            "description": "Search flights",
            "parameters": {"type": "object", "properties": {"origin": {"type": "string"}}},
        },
    }
]


@pytest.fixture
def fake() -> Iterator[OpenAIFake]:
    server = OpenAIFake().start()
    yield server
    server.stop()


def request(*messages) -> ModelRequest:
    return ModelRequest(
        messages=list(messages) or [SystemMessage("sys"), HumanMessage("hi")],
        tools=TOOLS,
        now=datetime(2026, 12, 1, 9, tzinfo=UTC),
        caller=AVA,
    )


def model_for(fake: OpenAIFake, **kw) -> OpenAIChatModel:
    return OpenAIChatModel("gpt-test", base_url=fake.url, api_key="sk-test", timeout=5, **kw)


async def test_text_streams_in_deltas_with_usage(fake: OpenAIFake) -> None:
    fake.reply("Hello Ava, where are you headed?", usage=(321, 9))
    deltas: list[str] = []

    async def sink(d: str) -> None:
        deltas.append(d)

    model = model_for(fake)
    result = await model.generate(request(), on_text=sink)
    await model.aclose()
    assert len(deltas) > 3
    assert "".join(deltas) == "Hello Ava, where are you headed?"
    assert result.message.content == "Hello Ava, where are you headed?"
    assert result.usage == {"prompt_tokens": 321, "completion_tokens": 9}
    sent = fake.requests[0]
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["tools"] == TOOLS
    assert sent["messages"] == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "hi"},
    ]
    assert fake.headers[0]["authorization"] == "Bearer sk-test"


async def test_parallel_tool_calls_split_across_chunks_are_assembled(fake: OpenAIFake) -> None:
    fake.reply(
        "Searching both.",
        tool_calls=[
            (
                "call_a",
                "search_flights",
                {"origin": "New York", "destination": "London", "date": "2026-12-18"},
            ),
            (
                "call_b",
                "search_hotels",
                {"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-21"},
            ),
        ],
        chunk_chars=3,
    )
    model = model_for(fake)
    result = await model.generate(request())
    await model.aclose()
    assert [(c["id"], c["name"], c["args"]) for c in result.message.tool_calls] == [
        (
            "call_a",
            "search_flights",
            {"origin": "New York", "destination": "London", "date": "2026-12-18"},
        ),
        (
            "call_b",
            "search_hotels",
            {"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-21"},
        ),
    ]
    assert result.message.content == "Searching both."
    assert fake.requests[0]["parallel_tool_calls"] is True


async def test_invalid_argument_json_becomes_a_readable_argument(fake: OpenAIFake) -> None:
    fake.reply(tool_calls=[("call_x", "search_flights", '{"origin": "JF')])
    model = model_for(fake)
    result = await model.generate(request())
    await model.aclose()
    assert result.message.tool_calls[0]["args"] == {"_invalid_json": '{"origin": "JF'}


async def test_history_with_tool_calls_is_sent_in_openai_form(fake: OpenAIFake) -> None:
    fake.reply("ok")
    model = model_for(fake)
    await model.generate(
        request(
            SystemMessage("sys"),
            HumanMessage("find"),
            AIMessage(
                "", tool_calls=[{"id": "c1", "name": "search_flights", "args": {"origin": "JFK"}}]
            ),
            ToolMessage('{"offers": []}', tool_call_id="c1", name="search_flights"),
        )
    )
    await model.aclose()
    sent = fake.requests[0]["messages"]
    assert sent[2]["tool_calls"][0]["id"] == "c1"
    assert sent[2]["tool_calls"][0]["function"]["name"] == "search_flights"
    assert {k: sent[3][k] for k in ("role", "tool_call_id", "content")} == {
        "role": "tool",
        "tool_call_id": "c1",
        "content": '{"offers": []}',
    }


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_rate_limits_and_server_errors_are_retried(fake: OpenAIFake, status: int) -> None:
    fake.fail(status, times=2).reply("third time lucky")
    model = model_for(fake, max_retries=3)
    result = await model.generate(request())
    await model.aclose()
    assert result.message.content == "third time lucky"
    assert len(fake.requests) == 3


async def test_retries_are_bounded(fake: OpenAIFake) -> None:
    fake.fail(500, times=10)
    model = model_for(fake, max_retries=2)
    with pytest.raises(openai.InternalServerError):
        await model.generate(request())
    await model.aclose()
    assert len(fake.requests) == 3  # one try and two retries, then the error


async def test_client_errors_are_not_retried(fake: OpenAIFake) -> None:
    fake.fail(400, times=3)
    model = model_for(fake, max_retries=3)
    with pytest.raises(openai.BadRequestError):
        await model.generate(request())
    await model.aclose()
    assert len(fake.requests) == 1


def test_build_model_picks_the_endpoint_for_a_model_name(fake: OpenAIFake) -> None:
    settings = Settings(
        model="gpt-test", openai_base_url=fake.url, openai_api_key="k", openai_max_retries=1
    )
    model = build_model(settings)
    assert isinstance(model, OpenAIChatModel)
    assert model.name == "gpt-test"
    assert model.client.max_retries == 1
    assert str(model.client.base_url).rstrip("/") == fake.url


async def test_a_turn_through_the_graph_on_the_endpoint_records_the_api_usage(
    fake: OpenAIFake, world_rt
) -> None:
    from sqlalchemy import select

    from concierge.events import TextDelta, ToolFinished
    from concierge.service import Concierge
    from core.models import TurnUsage
    from tests.concierge.conftest import collect
    from tests.concierge.scripted import Counters, make_tools

    fake.reply(tool_calls=[("call_1", "lookup", {"query": "JFK-LHR"})], usage=(500, 20))
    fake.reply("Found BA 117.", usage=(650, 5))
    counters = Counters()
    concierge = await Concierge.open(world_rt, model_for(fake), tools=make_tools(counters))
    try:
        events = await collect(concierge.turn(AVA, message="find me a flight"))
    finally:
        await concierge.aclose()
    assert counters.lookups == ["JFK-LHR"]
    assert [e.name for e in events if isinstance(e, ToolFinished)] == ["lookup"]
    assert "".join(e.delta for e in events if isinstance(e, TextDelta)) == "Found BA 117."
    assert events[-1].usage["prompt_tokens"] == 1150
    assert events[-1].usage["completion_tokens"] == 25
    second = fake.requests[1]["messages"]
    assert second[0]["role"] == "system"
    assert [m["role"] for m in second[1:]] == ["user", "assistant", "tool"]
    async with world_rt.db.uow(write=False) as s:
        row = await s.scalar(select(TurnUsage))
    assert (row.model, row.model_calls, row.prompt_tokens, row.completion_tokens) == (
        "gpt-test",
        2,
        1150,
        25,
    )
    assert row.counted_prompt_tokens > 0  # our own count sits next to the API figure


async def test_latency_delays_each_answer_and_answers_overlap() -> None:
    """The fake's latency is a remote model's time to first token; parallel calls wait
    side by side, as they do on a real endpoint (what bench/chat_load.py relies on)."""
    server = OpenAIFake(latency=0.3).start()
    try:
        model = model_for(server)
        started = time.perf_counter()
        results = await asyncio.gather(*(model.generate(request()) for _ in range(4)))
        elapsed = time.perf_counter() - started
        await model.aclose()
    finally:
        server.stop()
    assert [r.message.content for r in results] == ["OK."] * 4
    assert 0.3 <= elapsed < 1.0


async def test_a_responder_answers_what_the_script_does_not() -> None:
    def responder(body: dict) -> Scripted:
        said = body["messages"][-1]["content"]
        return Scripted(tool_calls=[("call_9", "search_flights", {"origin": said})])

    server = OpenAIFake(responder=responder).start()
    try:
        server.reply("scripted first")
        model = model_for(server)
        first = await model.generate(request())
        second = await model.generate(request(SystemMessage("sys"), HumanMessage("JFK")))
        await model.aclose()
    finally:
        server.stop()
    assert first.message.content == "scripted first"
    assert second.message.tool_calls[0]["args"] == {"origin": "JFK"}
