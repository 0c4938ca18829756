"""A scripted ChatModel and tiny counting tools for graph tests (no network, no sleep)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage
from pydantic import BaseModel, ConfigDict, Field

from concierge.models.base import ModelRequest, ModelResult, TextSink
from core.errors import SoldOut
from tools.base import Effect, ToolContext, ToolSpec

Step = AIMessage | Callable[[ModelRequest], AIMessage]


def say(text: str) -> AIMessage:
    return AIMessage(content=text)


def call(name: str, args: dict[str, Any] | None = None, id: str | None = None) -> dict[str, Any]:
    return {"name": name, "args": args or {}, "id": id or f"call_{name}", "type": "tool_call"}


def calls(*tool_calls: dict[str, Any], text: str = "") -> AIMessage:
    return AIMessage(content=text, tool_calls=list(tool_calls))


@dataclass
class ScriptedModel:
    """Answers from a script; once it runs out, says "Done." Records every request."""

    script: list[Step] = field(default_factory=list)
    name: str = "scripted"
    requests: list[ModelRequest] = field(default_factory=list)
    delay: float = 0.0
    in_flight: int = 0
    max_in_flight: int = 0
    fail_with: Exception | None = None

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        self.requests.append(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fail_with is not None:
                raise self.fail_with
            step = self.script.pop(0) if self.script else say("Done.")
            message = step(request) if callable(step) else step
            text = message.content if isinstance(message.content, str) else ""
            if on_text is not None and text:
                # Stream in two pieces, like a real endpoint would.
                half = max(1, len(text) // 2)
                await on_text(text[:half])
                if text[half:]:
                    await on_text(text[half:])
            return ModelResult(
                message=message, usage={"prompt_tokens": 100, "completion_tokens": 10}
            )
        finally:
            self.in_flight -= 1

    def last_tool_messages(self) -> list[ToolMessage]:
        return [m for m in self.requests[-1].messages if isinstance(m, ToolMessage)]


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(description="What to look up")


class PayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    booking_id: str
    amount: str = "612.40 USD"


class Result(BaseModel):
    ok: bool = True
    query: str | None = None
    booking_id: str | None = None
    status: str | None = None
    caller: str | None = None
    key: str | None = None


@dataclass
class Counters:
    lookups: list[str] = field(default_factory=list)
    payments: list[tuple[str, str | None]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # booking ids pay's question was phrased for


def make_tools(counters: Counters) -> dict[str, ToolSpec[Any, Any]]:
    async def lookup(ctx: ToolContext, data: LookupIn) -> Result:
        counters.lookups.append(data.query)
        if data.query == "sold-out":
            raise SoldOut("Only 0 seats left on that flight")
        if data.query == "crash":
            raise RuntimeError("secret internal detail /etc/passwd")
        return Result(query=data.query, caller=ctx.caller.user_id)

    async def pay(ctx: ToolContext, data: PayIn) -> Result:
        counters.payments.append((data.booking_id, ctx.idempotency_key))
        return Result(
            booking_id=data.booking_id,
            status="confirmed",
            caller=ctx.caller.user_id,
            key=ctx.idempotency_key,
        )

    async def describe_pay(ctx: ToolContext, data: PayIn) -> str:
        counters.questions.append(data.booking_id)
        return f"Pay {data.amount} for {data.booking_id} on the company card?"

    return {
        "lookup": ToolSpec(
            name="lookup",
            description="Look something up (read only).",
            input_model=LookupIn,
            output_model=Result,
            effect=Effect.READ,
            needs_confirmation=False,
            run=lookup,
        ),
        "pay": ToolSpec(
            name="pay",
            description="Pay for a booking (moves money).",
            input_model=PayIn,
            output_model=Result,
            effect=Effect.WRITE,
            needs_confirmation=True,
            run=pay,
            describe=describe_pay,
        ),
    }
