"""Graph state (what is checkpointed) and the per-turn runtime context (what is not).

The state is the conversation only. Who is asking, the runtime, the system prompt
and the thread id travel in :class:`TurnContext` (LangGraph ``context_schema``), so
a checkpoint never carries a caller a later turn could be tricked into reusing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage, ToolCall
from langgraph.graph.message import add_messages
from langgraph.managed import RemainingSteps
from pydantic import BaseModel

from core.identity import Caller
from core.runtime import Runtime


class AgentState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]
    remaining_steps: RemainingSteps


class ToolTask(TypedDict):
    """The input of one ``tool`` task (sent with ``Send``): one call, nothing else."""

    call: ToolCall


@dataclass(frozen=True)
class TurnContext:
    rt: Runtime
    caller: Caller
    thread_id: str
    turn_id: str
    system_prompt: str
    profile: dict[str, Any] = field(default_factory=dict)
    # The tools offered to the model this turn (None: all). Only what is offered is
    # narrowed: a call to any tool still runs, and the core checks it.
    offered_tools: frozenset[str] | None = None
    # The client draws search results as cards (``ModelRequest.cards``).
    cards: bool = False
    # Set when the user pressed stop (``concierge.graph``: honoured between effects).
    stop: asyncio.Event | None = None
    # The confirmations this turn answers: their line as asked, by interrupt id. A gated
    # call that resumes takes its question from here instead of phrasing it again
    # (which read the booking and its view a second time, ~15 statements; issue 15).
    asked: Mapping[str, str] = field(default_factory=dict)
    # The tools' memo for this turn (``ToolContext.turn_memo``).
    tool_memo: dict[str, BaseModel] = field(default_factory=dict)
    # The turn's time, read once as it starts: every model call of the turn reads the
    # conversation at that instant (None: the clock at each call). The offline planner's
    # readings of a message are cached by it, so with the clock read at each call a
    # turn's second call read its message afresh (issue 15: ~7 ms a turn in production,
    # where the clock moves; the benches' frozen clock hid it).
    now: datetime | None = None


@dataclass(frozen=True)
class UsageReport:
    """Written to the custom stream after each model call; the service sums them."""

    prompt_tokens: int
    completion_tokens: int
    counted_prompt_tokens: int
