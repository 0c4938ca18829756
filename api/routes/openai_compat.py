"""The OpenAI-compatible face of the concierge: ``/v1/chat/completions`` and ``/v1/models``.

Any OpenAI client (the ``openai`` SDK, Open WebUI, LibreChat) talks to the
concierge unchanged: the API key is the user's bearer token, the model is
``concierge``. Such clients resend the whole history every turn while the
concierge keeps its own; the two are tied together like this:

1. an ``X-Concierge-Thread-Id`` header names the thread explicitly (every answer
   carries that header, so a client that can keep it, should);
2. otherwise the history itself is the key: after each turn the thread row gets
   ``channel = "openai"`` and ``external_key = sha256(org, user, history + our
   reply)``. The next request's history minus its last user message hashes to
   the same key, which finds the thread — across API processes and restarts,
   because the key lives in the database. Texts are compared with whitespace
   collapsed and system messages ignored (clients inject their own). Two of a
   user's conversations with *identical* histories share a key; the newest one
   keeps it.

A history with no earlier turns, or one we do not recognise, starts a new
thread. Tool activity is rendered as text; a pending confirmation is rendered as
the question, and the user's next "yes" / "no" answers it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.auth import CallerDep
from api.problems import problem_responses
from api.routes.chat import THREAD_HEADER, check_message_size
from api.schemas import SSE_EVENT_SCHEMA
from api.turns import TurnHandle, TurnRunner, turns_of
from concierge.events import (
    AgentEvent,
    ConfirmationRequested,
    TextDelta,
    TextEnd,
    ToolFinished,
    ToolStarted,
    TurnError,
    TurnFinished,
)
from core.conversation.threads import find_thread_for_key, rekey
from core.errors import ValidationFailed
from core.identity import Caller

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/v1", tags=["openai-compatible"], responses=problem_responses(401, 422, 500)
)

MODEL_ID = "concierge"
CHANNEL = "openai"
PING_SECONDS = 15


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(max_length=50)
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class CompletionRequest(BaseModel):
    """An OpenAI chat completion request. Sampling options are accepted and ignored."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "concierge",
                    "messages": [
                        {"role": "user", "content": "Flights New York to London on Dec 18"}
                    ],
                    "stream": True,
                }
            ]
        },
    )

    model: str = Field(default=MODEL_ID, max_length=100)
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=500)
    stream: bool = False
    stream_options: StreamOptions | None = None


# --------------------------------------------------------------- history keys


def _text(content: str | list[ContentPart] | None) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "\n".join(p.text for p in content if p.type == "text" and p.text)


def _normal(text: str) -> str:
    return " ".join(text.split())


def conversation(messages: list[ChatMessageIn]) -> list[tuple[str, str]]:
    """The user/assistant turns that identify a conversation (system prompts vary by client)."""
    return [
        (m.role, _normal(_text(m.content))) for m in messages if m.role in ("user", "assistant")
    ]


def history_key(caller: Caller, turns: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{caller.org_id}\x1f{caller.user_id}".encode())
    for role, text in turns:
        digest.update(f"\x1e{role}\x1f{text}".encode())
    return digest.hexdigest()


async def find_thread(runner: TurnRunner, caller: Caller, key: str) -> str | None:
    found = await find_thread_for_key(
        runner.rt, caller.org_id, CHANNEL, key, user_id=caller.user_id
    )
    return found.id if found is not None else None


async def remember_history(runner: TurnRunner, caller: Caller, thread_id: str, key: str) -> None:
    """Point the thread at the history that now ends with our reply (see module docstring)."""
    if not await rekey(runner.rt, caller, thread_id, channel=CHANNEL, key=key):
        # Another thread of this user has the very same history; it keeps the key.
        log.info("openai history key already taken; thread %s not re-keyed", thread_id)


# ----------------------------------------------------------------- rendering


def render(event: AgentEvent) -> str:
    """How an agent event reads in a plain-text chat client."""
    if isinstance(event, TextDelta):
        return event.delta
    if isinstance(event, TextEnd):
        return "\n\n"
    if isinstance(event, ToolStarted):
        args = json.dumps(event.args, ensure_ascii=False, separators=(", ", ": "))
        return f"⚙ `{event.name}` {args}\n\n"
    if isinstance(event, ToolFinished) and event.error is not None:
        return f"✗ `{event.name}`: {event.error.get('message', event.error.get('code', ''))}\n\n"
    if isinstance(event, ConfirmationRequested):
        return f"**Please confirm:** {event.summary}\n\nReply **yes** or **no**.\n\n"
    if isinstance(event, TurnError):
        return f"⚠ {event.message}\n\n"
    return ""


def _usage(usage: dict[str, int]) -> dict[str, int]:
    prompt = int(usage.get("prompt_tokens", 0))
    completion = int(usage.get("completion_tokens", 0))
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


class _Transcript:
    """Collects what the client sees, so the history key matches what it will send back."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.usage: dict[str, int] = {}

    def add(self, event: AgentEvent) -> str:
        if isinstance(event, TurnFinished):
            self.usage = dict(event.usage)
        piece = render(event)
        if piece:
            self.parts.append(piece)
        return piece

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()


async def remember_reply(
    runner: TurnRunner,
    caller: Caller,
    thread_id: str,
    turns: list[tuple[str, str]],
    transcript: _Transcript,
) -> None:
    """Key the thread by the history the client will send next: ``turns`` plus our reply."""
    reply = ("assistant", _normal(transcript.text))
    await remember_history(runner, caller, thread_id, history_key(caller, [*turns, reply]))


# --------------------------------------------------------------------- routes


@router.get("/models", summary="Models (OpenAI-compatible)", responses=problem_responses(401))
async def list_models(request: Request, caller: CallerDep) -> dict[str, Any]:
    """The one model, `concierge`."""
    created = int(request.app.state.runtime.clock.now().timestamp())
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": created, "owned_by": "concierge"}],
    }


@router.post(
    "/chat/completions",
    summary="Chat completion (OpenAI-compatible)",
    responses={
        200: {
            "description": (
                "A `chat.completion`, or with `stream: true` an SSE stream of "
                "`chat.completion.chunk` objects ending with `data: [DONE]`."
            ),
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/event-stream": {"schema": SSE_EVENT_SCHEMA},
            },
            "headers": {THREAD_HEADER: {"schema": {"type": "string"}}},
        },
        **problem_responses(400, 401, 404, 409, 413, 422, 429, 500, 503),
    },
)
async def chat_completions(
    request: Request,
    body: CompletionRequest,
    caller: CallerDep,
    thread_header: Annotated[
        str | None,
        Header(
            alias=THREAD_HEADER,
            max_length=40,
            pattern=r"^[A-Za-z0-9_.:-]+$",
            description="Continue this thread (otherwise it is found from the history).",
        ),
    ] = None,
) -> Any:
    """Run one concierge turn on the last user message of `messages`.

    Authenticate with the user's token as the API key. See the module notes for
    how the conversation is matched to a thread.
    """
    turns = conversation(body.messages)
    if not turns or turns[-1][0] != "user" or not turns[-1][1]:
        raise ValidationFailed("messages: the last message must be a user message with text")
    message = _text(body.messages[-1].content) if body.messages[-1].role == "user" else turns[-1][1]
    check_message_size(message)
    runner = turns_of(request.app.state)
    thread_id = thread_header
    if thread_id is None and len(turns) > 1:
        thread_id = await find_thread(runner, caller, history_key(caller, turns[:-1]))
    handle = await runner.start_turn(caller, thread_id=thread_id, message=message)
    completion_id = f"chatcmpl-{handle.turn_id}"
    created = int(runner.rt.clock.now().timestamp())
    headers = {THREAD_HEADER: handle.thread_id}
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return EventSourceResponse(
            _chunks(runner, caller, handle, turns, completion_id, created, include_usage),
            ping=PING_SECONDS,
            headers={**headers, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    transcript = _Transcript()
    async for _entry, event in runner.read_events(handle.turn_id):
        transcript.add(event)
    await remember_reply(runner, caller, handle.thread_id, turns, transcript)
    return JSONResponse(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": transcript.text},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": _usage(transcript.usage),
        },
        headers=headers,
    )


async def _chunks(
    runner: TurnRunner,
    caller: Caller,
    handle: TurnHandle,
    turns: list[tuple[str, str]],
    completion_id: str,
    created: int,
    include_usage: bool,
) -> AsyncIterator[ServerSentEvent]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> ServerSentEvent:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }
        return ServerSentEvent(data=json.dumps(body, ensure_ascii=False, separators=(",", ":")))

    transcript = _Transcript()
    done = False
    try:
        yield chunk({"role": "assistant", "content": ""})
        async for _entry, event in runner.read_events(handle.turn_id):
            piece = transcript.add(event)
            if piece:
                yield chunk({"content": piece})
        # Keyed before [DONE]: a client that sends its next turn at once must find the thread.
        await remember_reply(runner, caller, handle.thread_id, turns, transcript)
        done = True
        yield chunk({}, "stop")
        if include_usage:
            usage = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL_ID,
                "choices": [],
                "usage": _usage(transcript.usage),
            }
            yield ServerSentEvent(data=json.dumps(usage, separators=(",", ":")))
        yield ServerSentEvent(data="[DONE]")
    finally:
        if not done:
            # The client left mid-turn; the turn goes on, and so must its history key.
            _spawn(_remember_later(runner, caller, handle, turns))


_BACKGROUND: set[asyncio.Task[None]] = set()


def _spawn(coro: Any) -> None:
    task = asyncio.ensure_future(coro)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


async def _remember_later(
    runner: TurnRunner, caller: Caller, handle: TurnHandle, turns: list[tuple[str, str]]
) -> None:
    started = time.monotonic()
    transcript = _Transcript()
    try:
        async for _entry, event in runner.read_events(handle.turn_id):
            transcript.add(event)
        await remember_reply(runner, caller, handle.thread_id, turns, transcript)
    except Exception:
        log.warning(
            "could not key thread %s after %.1fs",
            handle.thread_id,
            time.monotonic() - started,
            exc_info=True,
        )
