"""Agent overhead and prompt size, against LangGraph's prebuilt ReAct agent and a naive prompt.

1. **Per-turn overhead.** The same scripted model (answers instantly, no sleep)
   and the same tools run through our graph (``concierge.graph``: Send per tool
   call, the confirmation gate, the token budget, typed custom-stream events) and
   through ``langgraph.prebuilt.create_react_agent`` (ToolNode with
   ``handle_tool_errors`` passed explicitly), both on an ``AsyncSqliteSaver`` file.
   A turn is: user message → model calls ``search_flights`` → tool → model answers.
   Since the model and tools cost ~0, the time per turn *is* the framework's
   overhead. Also shown: the whole ``Concierge.turn`` (thread row, turn lock,
   prompt facts from the database, usage row), for information.

2. **Prompt tokens per model call** over a 10-turn booking conversation with the
   real tools on a seeded demo catalogue (search, hotels, policy, evaluate, hold,
   confirm behind the gate, trips, booking), counted with tiktoken (tool schemas
   included), against a baseline that sends the full policy text in the system
   prompt and every tool result in full on every call.

Goals: overhead ≤ 1.2× the prebuilt agent; prompt tokens ≤ 0.5× the baseline.

    .venv/bin/python bench/agent_overhead.py            # ~1 minute
    .venv/bin/python bench/agent_overhead.py --turns 400 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ConfigDict, Field

from concierge.context import ContextBudget, policy_brief
from concierge.graph import build_graph
from concierge.models.base import ModelRequest, ModelResult, TextSink
from concierge.service import Concierge
from concierge.state import TurnContext
from concierge.tokens import TokenCounter
from core.clock import FrozenClock
from core.config import Settings
from core.identity import Caller
from core.models import Base
from core.policy.render import render_policy
from core.policy.rules import acme_default
from core.runtime import build_runtime
from tools.base import Effect, ToolContext, ToolSpec

AVA = Caller(user_id="ava", org_id="acme", role="traveler", name="Ava Patel")

# A realistic search_flights answer (5 options), the same for both agents.
SEARCH_RESULT = {
    "origin": {"query": "New York", "airports": ["JFK", "LGA", "EWR"]},
    "destination": {"query": "London", "airports": ["LHR", "LGW"]},
    "offers": [
        {
            "option": i + 1,
            "offer_id": f"FL-{1000 + i}",
            "segments": [
                {
                    "carrier": "BA",
                    "number": str(117 + i),
                    "origin": "JFK",
                    "destination": "LHR",
                    "depart_at": "2026-12-18T13:05:00Z",
                    "arrive_at": "2026-12-19T01:00:00Z",
                }
            ],
            "cabin": "economy",
            "price": {"amount": f"{612 + 40 * i}.40", "currency": "USD"},
            "total": {"amount": f"{612 + 40 * i}.40", "currency": "USD"},
            "seats_left": 9 - i,
            "co2_kg": 412,
            "policy": {"status": "green", "violations": []},
        }
        for i in range(5)
    ],
}


# --- part 1: overhead ---------------------------------------------------------------


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    origin: str = Field(description="Where from")
    destination: str = Field(description="Where to")


class SearchOut(BaseModel):
    model_config = ConfigDict(extra="allow")


async def _search(origin: str, destination: str) -> dict[str, Any]:
    return SEARCH_RESULT


def decide(messages: list[BaseMessage], n: int) -> AIMessage:
    """The script: a human message gets a search; a tool result gets an answer."""
    if isinstance(messages[-1], HumanMessage):
        return AIMessage(
            "",
            tool_calls=[
                {
                    "id": f"call_{n}",
                    "name": "search_flights",
                    "args": {"origin": "New York", "destination": "London"},
                }
            ],
        )
    return AIMessage("Option 1 is BA 117 at 612.40 USD, within policy. Shall I hold it?")


class OurScripted:
    name = "scripted"

    def __init__(self) -> None:
        self.calls = 0

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        self.calls += 1
        message = decide(request.messages, self.calls)
        if on_text is not None and message.content:
            await on_text(str(message.content))
        return ModelResult(message=message, usage={})


class PrebuiltScripted(BaseChatModel):
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        self.calls += 1
        return ChatResult(generations=[ChatGeneration(message=decide(messages, self.calls))])

    async def _agenerate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        return self._generate(messages)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def overhead(turns: int, turns_per_thread: int, workdir: Path) -> dict[str, Any]:
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
    from langgraph.prebuilt import ToolNode, create_react_agent

    settings = Settings(env="test", database_url=f"sqlite+aiosqlite:///{workdir / 'overhead.db'}")
    rt = build_runtime(settings, clock=FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC)))

    async def run_search(ctx: ToolContext, data: SearchIn) -> SearchOut:
        return SearchOut(**await _search(data.origin, data.destination))

    our_tools = {
        "search_flights": ToolSpec(
            name="search_flights",
            description="Search flights.",
            input_model=SearchIn,
            output_model=SearchOut,
            effect=Effect.READ,
            needs_confirmation=False,
            run=run_search,
        )
    }
    lc_tool = StructuredTool.from_function(
        coroutine=_search,
        name="search_flights",
        description="Search flights.",
        args_schema=SearchIn,
    )
    system = "You are the travel concierge.\n" + policy_brief(acme_default())
    results: dict[str, list[float]] = {}
    async with (
        AsyncSqliteSaver.from_conn_string(str(workdir / "ours.ckpt.sqlite")) as ours_saver,
        AsyncSqliteSaver.from_conn_string(str(workdir / "prebuilt.ckpt.sqlite")) as pre_saver,
    ):
        ours = build_graph(
            OurScripted(),
            our_tools,
            ContextBudget(TokenCounter(), budget_tokens=6000),
            checkpointer=ours_saver,
        )
        prebuilt = create_react_agent(
            PrebuiltScripted(),
            ToolNode([lc_tool], handle_tool_errors=True),
            prompt=system,
            checkpointer=pre_saver,
        )

        async def our_turn(thread: str, text: str) -> None:
            ctx = TurnContext(
                rt=rt, caller=AVA, thread_id=thread, turn_id="t", system_prompt=system
            )
            async for _ in ours.astream(
                {"messages": [HumanMessage(text)]},
                {"configurable": {"thread_id": thread}, "recursion_limit": 25},
                context=ctx,
                stream_mode="custom",
            ):
                pass

        async def prebuilt_turn(thread: str, text: str) -> None:
            async for _ in prebuilt.astream(
                {"messages": [HumanMessage(text)]},
                {"configurable": {"thread_id": thread}, "recursion_limit": 25},
                stream_mode="messages",
            ):
                pass

        # Warm up both (imports, saver tables, caches), then interleave to share noise.
        for name, fn in (("ours", our_turn), ("prebuilt", prebuilt_turn)):
            for i in range(5):
                await fn(f"warm-{name}", f"warm up {i}")
        results = {"ours": [], "prebuilt": []}
        for i in range(turns):
            thread_no = i // turns_per_thread
            for name, fn in (("ours", our_turn), ("prebuilt", prebuilt_turn)):
                start = time.perf_counter()
                await fn(f"{name}-{thread_no}", f"Find flights New York to London, turn {i}")
                results[name].append((time.perf_counter() - start) * 1000)

    # The whole service turn (thread row, lock, prompt facts, usage row) for information.
    service_ms = await service_turns(min(turns, 100), turns_per_thread, workdir, our_tools)
    await rt.close()
    return {**results, "service": service_ms}


async def service_turns(
    turns: int, per_thread: int, workdir: Path, tools: dict[str, Any]
) -> list[float]:
    from core.seed import seed_demo

    clock = FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
    settings = Settings(env="test", database_url=f"sqlite+aiosqlite:///{workdir / 'service.db'}")
    rt = build_runtime(settings, clock=clock)
    async with rt.db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with rt.db.uow() as session:
        await seed_demo(
            session, today=clock.now().date(), days_ahead=2, hubs=["JFK", "LHR"], settings=settings
        )
    concierge = await Concierge.open(rt, OurScripted(), tools=tools)  # type: ignore[arg-type]
    times: list[float] = []
    try:
        thread_id = None
        for i in range(turns + 5):
            if i % per_thread == 0:
                thread_id = None
            start = time.perf_counter()
            async for event in concierge.turn(
                AVA, thread_id=thread_id, message=f"Find flights, turn {i}"
            ):
                thread_id = getattr(event, "thread_id", thread_id)
            if i >= 5:
                times.append((time.perf_counter() - start) * 1000)
    finally:
        await concierge.aclose()
        await rt.close()
    return times


# --- part 2: prompt tokens ---------------------------------------------------------------


class BookingScript:
    """A 10-turn booking conversation with the real tools. Ids come from what the
    model was shown (it remembers them, as a real model would from its context)."""

    name = "scripted-booking"

    def __init__(self, day: str, counter: TokenCounter) -> None:
        self.day = day
        self.counter = counter
        self.sent: list[int] = []
        self.tools_sent: list[int] = []  # the tool schemas' share of each call
        self.first_system: str | None = None
        self.memory: dict[str, Any] = {}
        self.n = 0

    def _remember(self, messages: list[BaseMessage]) -> None:
        for m in messages:
            if isinstance(m, ToolMessage):
                try:
                    data = json.loads(str(m.content))
                except ValueError:
                    continue
                if isinstance(data, dict):
                    options = data.get("options") or data.get("offers")
                    if isinstance(options, dict) and "columns" in options:
                        # The model reads lists as tables (concierge.context.tabulate).
                        cols = options["columns"]
                        options = [dict(zip(cols, row, strict=False)) for row in options["rows"]]
                    if m.name == "search_flights" and options:
                        self.memory.setdefault("flight", options[0]["offer_id"])
                    if m.name == "search_hotels" and options:
                        self.memory.setdefault("hotel", options[0]["offer_id"])
                    if data.get("booking_id"):
                        self.memory["booking"] = data["booking_id"]

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        tools = self.counter.count_tools(request.tools)
        self.sent.append(self.counter.count_messages(request.messages) + tools)
        self.tools_sent.append(tools)
        if self.first_system is None:
            self.first_system = str(request.messages[0].content)
        self._remember(request.messages)
        self.n += 1
        last = request.messages[-1]
        if isinstance(last, ToolMessage):
            message = AIMessage(f"Here is what I found ({last.name}). What next?")
        else:
            text = str(last.content).lower()
            message = AIMessage("", tool_calls=[self._call_for(text)])
        if on_text is not None and message.content:
            await on_text(str(message.content))
        return ModelResult(message=message, usage={})

    def _call_for(self, text: str) -> dict[str, Any]:
        cid = f"call_{self.n}"
        out = (datetime.fromisoformat(self.day) + timedelta(days=3)).date().isoformat()
        nyc_lon = {"origin": "New York", "destination": "London", "date": self.day}
        if "hold" in text:
            items = [{"offer_id": self.memory["flight"]}, {"offer_id": self.memory["hotel"]}]
            return {"id": cid, "name": "reserve", "args": {"items": items}}
        if "confirm" in text:
            return {
                "id": cid,
                "name": "confirm_booking",
                "args": {"booking_id": self.memory["booking"]},
            }
        if "trips" in text:
            return {"id": cid, "name": "list_trips", "args": {}}
        if "details" in text:
            return {
                "id": cid,
                "name": "get_booking",
                "args": {"booking_id": self.memory["booking"]},
            }
        if "within" in text:
            return {
                "id": cid,
                "name": "evaluate_policy",
                "args": {"offer_ids": [self.memory["flight"]]},
            }
        if "policy" in text:
            return {"id": cid, "name": "get_policy", "args": {"topic": "hotels"}}
        if "business" in text:
            return {"id": cid, "name": "search_flights", "args": {**nyc_lon, "cabin": "business"}}
        if "flights" in text:
            return {"id": cid, "name": "search_flights", "args": nyc_lon}
        return {
            "id": cid,
            "name": "search_hotels",
            "args": {"city": "London", "check_in": self.day, "check_out": out},
        }


CONVERSATION = [
    "Find me flights from New York to London on {day}",
    "What about business class?",
    "And a hotel in London for 3 nights",
    "What does the policy say about hotels?",
    "Is the first flight within policy?",
    "Hold the first flight and the first hotel",
    "Please confirm the booking",
    "yes",
    "Show my trips",
    "Show me that booking's details",
]


async def prompt_tokens(workdir: Path, keep_recent_turns: int | None = None) -> dict[str, Any]:
    from core.seed import seed_demo
    from tools.registry import TOOLS

    clock = FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
    db_file = workdir / f"tokens-{keep_recent_turns}.db"
    settings = Settings(env="test", database_url=f"sqlite+aiosqlite:///{db_file}")
    if keep_recent_turns is not None:
        settings.agent_keep_recent_turns = keep_recent_turns
    rt = build_runtime(settings, clock=clock)
    async with rt.db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with rt.db.uow() as session:
        await seed_demo(
            session,
            today=clock.now().date(),
            days_ahead=30,
            hubs=["JFK", "LGA", "EWR", "LHR", "LGW"],
            settings=settings,
        )
    day = (clock.now() + timedelta(days=17)).date().isoformat()
    counter = TokenCounter()
    model = BookingScript(day, counter)
    concierge = await Concierge.open(rt, model, tools=TOOLS)  # type: ignore[arg-type]
    try:
        thread_id = None
        for line in CONVERSATION:
            async for event in concierge.turn(
                AVA, thread_id=thread_id, message=line.format(day=day)
            ):
                thread_id = getattr(event, "thread_id", thread_id)
                if getattr(event, "type", "") == "error":
                    print("  turn error:", event)
        state = await concierge.graph.aget_state({"configurable": {"thread_id": thread_id}})
    finally:
        await concierge.aclose()
        await rt.close()

    # The baseline: full policy text in the system prompt, full history, every call.
    history: list[BaseMessage] = state.values["messages"]
    assert model.first_system is not None
    rules = acme_default()
    full_system = model.first_system.replace(policy_brief(rules), render_policy(rules))
    tools_cost = counter.count_tools([t.openai_schema() for t in TOOLS.values()])
    baseline = [
        tools_cost + counter.count_messages([SystemMessage(full_system), *history[:i]])
        for i, m in enumerate(history)
        if isinstance(m, AIMessage)
    ]
    return {
        "ours": model.sent,
        "ours_tools": model.tools_sent,
        "baseline": baseline,
        "tools_cost": tools_cost,
        "keep_recent_turns": settings.agent_keep_recent_turns,
        "budget": settings.agent_token_budget,
    }


def print_tokens(t: dict[str, Any]) -> None:
    ours, base = t["ours"], t["baseline"]
    # Counted per call: should ours ever offer fewer tools, "messages only" stays right.
    ours_tools = statistics.median(t["ours_tools"])
    print(
        f"\nPrompt tokens per model call, 10-turn booking conversation ({len(ours)} calls; "
        f"budget {t['budget']}, recent turns kept whole: {t['keep_recent_turns']}; "
        f"tool schemas: baseline {t['tools_cost']}, ours {ours_tools:.0f})"
    )
    print(f"{'prompt':<34}{'median':>10}{'p95':>10}{'total':>10}")
    rows = (
        ("ours (brief policy, budget)", ours),
        ("baseline (full policy + results)", base),
        ("ours, messages only", [n - k for n, k in zip(ours, t["ours_tools"], strict=True)]),
        ("baseline, messages only", [n - t["tools_cost"] for n in base]),
    )
    for name, values in rows:
        print(
            f"{name:<34}{statistics.median(values):>10.0f}{percentile(values, 95):>10.0f}{sum(values):>10}"
        )
    for label, a, b in (
        ("with tool schemas", rows[0][1], rows[1][1]),
        ("messages only", rows[2][1], rows[3][1]),
    ):
        print(
            f"ratio ours/baseline, {label}: median {statistics.median(a) / statistics.median(b):.2f}x, "
            f"p95 {percentile(a, 95) / percentile(b, 95):.2f}x, total {sum(a) / sum(b):.2f}x (goal <= 0.5x)"
        )
    if len(ours) != len(base):
        print(f"warning: {len(ours)} model calls recorded vs {len(base)} answers in the history")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=200, help="measured turns per agent")
    parser.add_argument("--turns-per-thread", type=int, default=10)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="agent-bench-") as tmp:
        work = Path(tmp)
        o = asyncio.run(overhead(args.turns, args.turns_per_thread, work))
        tokens = [
            asyncio.run(prompt_tokens(work)),
            asyncio.run(prompt_tokens(work, keep_recent_turns=2)),
        ]

    print(f"\nPer-turn overhead, {args.turns} turns each (search turn: 2 model calls + 1 tool), ms")
    print(f"{'agent':<34}{'median':>10}{'p99':>10}")
    rows = (
        ("ours (graph)", o["ours"]),
        ("prebuilt create_react_agent", o["prebuilt"]),
        ("ours (Concierge.turn, full)", o["service"]),
    )
    for name, values in rows:
        print(f"{name:<34}{statistics.median(values):>10.2f}{percentile(values, 99):>10.2f}")
    ratio_median = statistics.median(o["ours"]) / statistics.median(o["prebuilt"])
    ratio_p99 = percentile(o["ours"], 99) / percentile(o["prebuilt"], 99)
    print(f"ratio ours/prebuilt: median {ratio_median:.2f}x, p99 {ratio_p99:.2f}x (goal <= 1.2x)")

    for t in tokens:
        print_tokens(t)
    if args.json:
        args.json.write_text(json.dumps({"overhead_ms": o, "prompt_tokens": tokens}, indent=2))


if __name__ == "__main__":
    main()
