"""Threads: a conversation's history and pending confirmation, and its live stream.

A thread belongs to the user who started it; anybody else — including a
colleague in the same organization — gets 404, as if it did not exist.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from api.auth import CallerDep
from api.problems import problem_responses
from api.routes.chat import SSE_RESPONSE, parse_event_id, ui_stream_response
from api.turns import TurnHandle, turns_of
from core.errors import NotFound

router = APIRouter(
    prefix="/v1/threads", tags=["chat"], responses=problem_responses(400, 401, 404, 422, 500)
)

ThreadIdPath = Annotated[
    str,
    Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$", description="Thread id."),
]


class ThreadMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str = Field(examples=["assistant"])
    content: str = Field(examples=["Here are three options…"])


class PendingConfirmation(BaseModel):
    model_config = ConfigDict(extra="allow")

    interrupt_id: str
    action: dict[str, Any]
    summary: str


class ThreadOut(BaseModel):
    """A thread's history (user and assistant messages, tool calls) and what waits for a yes."""

    model_config = ConfigDict(extra="allow")

    thread_id: str
    messages: list[ThreadMessage]
    pending_confirmation: PendingConfirmation | None = None


def _plain(view: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        data: Any = dataclasses.asdict(view)
    elif isinstance(view, BaseModel):
        data = view.model_dump(mode="json")
    else:
        data = view
    plain: dict[str, Any] = jsonable_encoder(data)
    return plain


@router.get("/{thread_id}", summary="Thread history", response_model=ThreadOut)
async def get_thread(request: Request, thread_id: ThreadIdPath, caller: CallerDep) -> JSONResponse:
    """The thread's messages and its pending confirmation, if the agent waits for a yes."""
    view = await turns_of(request.app.state).thread(caller, thread_id)
    return JSONResponse(_plain(view))


@router.get(
    "/{thread_id}/stream",
    summary="Resume a thread's stream",
    response_class=EventSourceResponse,
    responses=SSE_RESPONSE,
)
async def stream_thread(
    request: Request,
    thread_id: ThreadIdPath,
    caller: CallerDep,
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=200,
            description="The id of the last event received; the stream resumes after it.",
        ),
    ] = None,
) -> EventSourceResponse:
    """The thread's latest turn as the same UI message stream as `POST /v1/chat`.

    With `Last-Event-ID` only the events after it are sent (ending with `finish`
    and `[DONE]`), from whichever API process serves the request. Without it the
    latest turn is replayed from the start. 404 when no turn of the thread is
    still kept (turns are kept for an hour) or the thread is not the caller's.
    """
    runner = turns_of(request.app.state)
    resume = parse_event_id(last_event_id)
    if resume is not None:
        turn_id, after = resume
        meta = await runner.turn_for(caller, turn_id)
        if meta.thread_id != thread_id:
            raise NotFound("No such turn in this thread.")
        return ui_stream_response(runner, TurnHandle(thread_id, turn_id), after=after)
    latest = await runner.latest_turn(caller, thread_id)
    if latest is None:
        raise NotFound("No turn of this thread to stream.")
    return ui_stream_response(runner, TurnHandle(thread_id, latest.turn_id))
