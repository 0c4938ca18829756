"""A conversation as AI SDK ``UIMessage``s, rebuilt from its checkpoint.

The LangGraph checkpoint is where a conversation lives (``concierge.checkpoint``): every
user message, every model reply with its tool calls, every tool's full output (the
``ToolMessage``), and — on a gated call — the confirmation that was asked and how it was
answered (the ``ToolMessage``'s artifact, :func:`confirmation_record`). This module reads
them back into the shape the stream had (``POST /v1/chat``), so a reload or another
device shows what was there: the text, the tool parts the cards are drawn from, the
confirmations and their outcome.

One user message opens a ``user`` UIMessage; everything the concierge did until the next
one (model text, tool calls and outputs, confirmations, the turns that answered them)
is one ``assistant`` UIMessage. Parts keep the stream's order: a gated call's
confirmation stands where the call was made, its tool part (when approved) right after.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, ConfigDict, Field

from concierge.actions import record_of
from concierge.tokens import content_text
from core.views import shown_when_set

CONFIRMATION_KEY = "confirmation"

Outcome = Literal["pending", "approved", "declined"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class TextPart(_Part):
    type: Literal["text"] = "text"
    text: str
    state: Literal["done"] = "done"


class ToolPart(_Part):
    """``tool-<name>``: the call's input and its output (or its error)."""

    type: str = Field(description="`tool-` and the tool's name, e.g. `tool-search_flights`.")
    toolCallId: str  # the AI SDK's field name
    state: Literal["input-available", "output-available", "output-error"]
    input: dict[str, Any]
    output: dict[str, Any] | None = shown_when_set()
    errorText: str | None = shown_when_set()  # the AI SDK's field name


class ConfirmationData(_Part):
    interrupt_id: str
    action: dict[str, Any]
    summary: str
    outcome: Outcome = Field(
        description="`pending` while it waits for a yes, then `approved` or `declined`."
    )


class ConfirmationPart(_Part):
    """``data-confirmation``: what the concierge asked a yes for, and the answer."""

    type: Literal["data-confirmation"] = "data-confirmation"
    id: str
    data: ConfirmationData


UIPart = TextPart | ToolPart | ConfirmationPart


class UIMessage(BaseModel):
    """An AI SDK ``UIMessage``: ``{id, role, parts, metadata}``."""

    model_config = ConfigDict(frozen=True)

    id: str
    role: Literal["user", "assistant"]
    parts: list[UIPart]
    # On a user message sent by a button: `{action: {type, offer_id…}}`.
    metadata: dict[str, Any] | None = shown_when_set()


def confirmation_record(
    interrupt_id: str, action: Mapping[str, Any], summary: str, *, approved: bool
) -> dict[str, Any]:
    """The artifact a gated call's ``ToolMessage`` keeps: what was asked, and the answer."""
    return {
        CONFIRMATION_KEY: {
            "interrupt_id": interrupt_id,
            "action": dict(action),
            "summary": summary,
            "approved": approved,
        }
    }


def ui_messages(
    history: Sequence[BaseMessage], pending: Iterable[Mapping[str, Any]] = ()
) -> list[UIMessage]:
    """The conversation's UIMessages. ``pending``: the interrupts' payloads now waiting
    (``interrupt_id``, ``action``, ``summary``, ``call_id``)."""
    waiting = {str(p.get("call_id")): p for p in pending if p.get("call_id")}
    results = {m.tool_call_id: m for m in history if isinstance(m, ToolMessage)}
    messages: list[UIMessage] = []
    parts: list[UIPart] = []
    opened: str | None = None

    def close() -> None:
        nonlocal parts, opened
        if opened is not None and parts:
            messages.append(UIMessage(id=opened, role="assistant", parts=parts))
        parts, opened = [], None

    for index, message in enumerate(history):
        if isinstance(message, HumanMessage):
            close()
            record = record_of(message)
            messages.append(
                UIMessage(
                    id=message.id or f"msg_{index}",
                    role="user",
                    parts=[TextPart(text=content_text(message))],
                    metadata={"action": record.model_dump(exclude_defaults=True)}
                    if record
                    else None,
                )
            )
        elif isinstance(message, AIMessage):
            opened = opened or message.id or f"msg_{index}"
            text = content_text(message)
            if text:
                parts.append(TextPart(text=text))
            for call in message.tool_calls:
                call_id = call["id"] or ""
                parts.extend(_call_parts(call_id, call["name"], call["args"], results, waiting))
    close()
    return messages


def _call_parts(
    call_id: str,
    name: str,
    args: dict[str, Any],
    results: Mapping[str, ToolMessage],
    waiting: Mapping[str, Mapping[str, Any]],
) -> list[UIPart]:
    parts: list[UIPart] = []
    result = results.get(call_id)
    if result is None:
        asked = waiting.get(call_id)
        if asked is not None:
            parts.append(_confirmation(asked, "pending"))
        return parts  # still running when the checkpoint was read, or waiting for a yes
    asked_then = (
        (result.artifact or {}).get(CONFIRMATION_KEY) if isinstance(result.artifact, dict) else None
    )
    if asked_then:
        outcome: Outcome = "approved" if asked_then.get("approved") else "declined"
        parts.append(_confirmation(asked_then, outcome))
        if outcome == "declined":
            return parts  # nothing ran, as the stream showed
    body = _json_object(content_text(result))
    if result.status == "error" or "error" in body:
        raw = body.get("error")
        error: dict[str, Any] = raw if isinstance(raw, dict) else {}
        parts.append(
            ToolPart(
                type=f"tool-{name}",
                toolCallId=call_id,
                state="output-error",
                input=args,
                errorText=str(error.get("message") or error.get("code") or "The tool failed."),
            )
        )
    else:
        parts.append(
            ToolPart(
                type=f"tool-{name}",
                toolCallId=call_id,
                state="output-available",
                input=args,
                output=body,
            )
        )
    return parts


def _confirmation(asked: Mapping[str, Any], outcome: Outcome) -> ConfirmationPart:
    interrupt_id = str(asked.get("interrupt_id") or "")
    return ConfirmationPart(
        id=interrupt_id,
        data=ConfirmationData(
            interrupt_id=interrupt_id,
            action=dict(asked.get("action") or {}),
            summary=str(asked.get("summary") or ""),
            outcome=outcome,
        ),
    )


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}
