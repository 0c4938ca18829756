"""The model seam: an OpenAI-compatible model and the offline planner look alike here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from langchain_core.messages import AIMessage, BaseMessage

from core.identity import Caller

TextSink = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class ModelRequest:
    """One model call: the (budgeted) conversation, the tool schemas and who is asking.

    ``now`` is the turn's instant (``TurnContext.now``: the runtime clock read once as the
    turn starts, frozen in tests and evaluations), the same for every call of a turn, so a
    reading cached by it holds for the turn; ``profile`` is the
    caller's traveller profile (name, role, department, home_airport, currency).
    ``history`` is the whole checkpointed conversation, tool results in full (never
    digests): a model that is a program (the offline planner) reads that, since it
    has no token budget; a language model reads only the budgeted ``messages``.
    """

    messages: list[BaseMessage]
    tools: list[dict[str, Any]]
    now: datetime
    caller: Caller
    profile: dict[str, Any] = field(default_factory=dict)
    history: Sequence[BaseMessage] = ()
    # The client draws tool outputs (search results) as cards: the reply's text must
    # not list them again (issue 12). Text-only clients (Slack text, the
    # OpenAI-compatible face, plain SSE) leave it off and get the lists in words.
    cards: bool = False


@dataclass(frozen=True)
class ModelResult:
    message: AIMessage
    usage: dict[str, int] = field(default_factory=dict)  # prompt_tokens, completion_tokens


class ChatModel(Protocol):
    name: str

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        """Answer with text and/or tool calls; stream text deltas to ``on_text``."""
        ...
