"""What a turn of the concierge emits, as typed events.

The graph produces these; the channels (SSE chat, Slack, the OpenAI-compatible
endpoint) and the evaluation runner consume them. They are plain data: every
field is JSON-serialisable, and ``to_dict`` gives the wire form (``type`` plus the
fields), so a stream can be stored (Redis Streams, memory) and replayed.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class TurnStarted:
    """First event of every turn. ``turn_id`` is unique per turn."""

    thread_id: str
    turn_id: str
    type: Literal["turn-start"] = "turn-start"


@dataclass(frozen=True)
class TurnQueued:
    """The turn waits for a free slot before it runs (the API's backpressure:
    ``CONCIERGE_CHAT_MAX_CONCURRENT_TURNS`` turns per process). Not the graph's: the
    API's turn runner sends it right after ``TurnStarted``, and only when it must wait.
    ``position``: 1 when it is next, counted when it joined the queue."""

    thread_id: str
    turn_id: str
    position: int
    type: Literal["turn-queued"] = "turn-queued"


@dataclass(frozen=True)
class TextStart:
    """A new assistant text part begins; deltas with the same ``id`` follow."""

    id: str
    type: Literal["text-start"] = "text-start"


@dataclass(frozen=True)
class TextDelta:
    id: str
    delta: str
    type: Literal["text-delta"] = "text-delta"


@dataclass(frozen=True)
class TextEnd:
    id: str
    type: Literal["text-end"] = "text-end"


@dataclass(frozen=True)
class ToolStarted:
    """The agent called a tool with these (validated) arguments."""

    call_id: str
    name: str
    args: dict[str, Any]
    type: Literal["tool-start"] = "tool-start"


@dataclass(frozen=True)
class ToolFinished:
    """A tool returned. ``output`` is the tool's output model as JSON; on a business
    error ``output`` is ``None`` and ``error`` carries ``{code, message}``."""

    call_id: str
    name: str
    output: dict[str, Any] | None
    error: dict[str, str] | None = None
    type: Literal["tool-result"] = "tool-result"


@dataclass(frozen=True)
class ConfirmationRequested:
    """The turn is paused before a WRITE tool until the human says yes or no.

    ``action`` is ``{"tool": name, "args": {...}}`` — exactly what will run on yes.
    ``summary`` is the human question ("Confirm BA 117 JFK→LHR ... ?").
    """

    interrupt_id: str
    action: dict[str, Any]
    summary: str
    type: Literal["confirmation"] = "confirmation"


@dataclass(frozen=True)
class TurnError:
    """Something the user should know went wrong (not a traceback)."""

    message: str
    code: str = "INTERNAL"
    type: Literal["error"] = "error"


@dataclass(frozen=True)
class TurnFinished:
    """Last event of every turn, also after an error or a confirmation pause."""

    thread_id: str
    turn_id: str
    usage: dict[str, int] = field(default_factory=dict)  # prompt_tokens, completion_tokens
    awaiting_confirmation: bool = False
    # The user stopped the turn (``POST /v1/threads/{id}/stop``) before it ended.
    stopped: bool = False
    type: Literal["turn-finish"] = "turn-finish"


AgentEvent = (
    TurnStarted
    | TurnQueued
    | TextStart
    | TextDelta
    | TextEnd
    | ToolStarted
    | ToolFinished
    | ConfirmationRequested
    | TurnError
    | TurnFinished
)

_BY_TYPE: dict[str, type[Any]] = {
    str(next(f.default for f in dataclasses.fields(cls) if f.name == "type")): cls
    for cls in (
        TurnStarted,
        TurnQueued,
        TextStart,
        TextDelta,
        TextEnd,
        ToolStarted,
        ToolFinished,
        ConfirmationRequested,
        TurnError,
        TurnFinished,
    )
}


def text_part(text: str, text_id: str | None = None) -> tuple[TextStart, TextDelta, TextEnd]:
    """A whole text part at once (canned replies, models that do not stream)."""
    text_id = text_id or f"txt_{uuid.uuid4().hex[:12]}"
    return TextStart(id=text_id), TextDelta(id=text_id, delta=text), TextEnd(id=text_id)


_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _BY_TYPE.values()
}


def to_dict(event: AgentEvent) -> dict[str, Any]:
    """The wire form: the event's fields as they are (JSON values already), not copied —
    it is serialized at once (``asdict`` deep-copied every tool output: ~2 ms a search
    turn, issue 15)."""
    names = _FIELDS.get(type(event))
    if names is None:  # pragma: no cover - every AgentEvent is in _BY_TYPE
        return asdict(event)
    return {name: getattr(event, name) for name in names}


def from_dict(data: dict[str, Any]) -> AgentEvent:
    cls = _BY_TYPE[data["type"]]
    event: AgentEvent = cls(**data)
    return event
