"""Threads: the caller's conversations — listed, read in full, renamed, deleted — and a
conversation's live stream.

A thread belongs to the user who started it; anybody else — including a colleague in
the same organization — gets 404, as if it did not exist, and so does a deleted one.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from api.routes.chat import SSE_RESPONSE, parse_event_id, ui_stream_response
from api.turns import TurnHandle, turns_of
from concierge.service import ThreadView
from core.conversation.threads import (
    TITLE_MAX,
    delete_thread,
    list_threads,
    rename_thread,
    was_deleted,
)
from core.conversation.views import ThreadPage, ThreadSummary
from core.errors import NotFound
from core.identity import Caller
from core.runtime import Runtime

router = APIRouter(
    prefix="/v1/threads", tags=["chat"], responses=problem_responses(400, 401, 404, 422, 500)
)

ThreadIdPath = Annotated[
    str,
    Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$", description="Thread id."),
]


class ThreadPatch(BaseModel):
    """What the owner may change about a conversation: its title."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"title": "Offsite"}]}
    )

    title: str = Field(min_length=1, max_length=TITLE_MAX)


def _plain(view: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        data: Any = dataclasses.asdict(view)
    elif isinstance(view, BaseModel):
        data = view.model_dump(mode="json")
    else:
        data = view
    plain: dict[str, Any] = jsonable_encoder(data)
    return plain


@router.get("", summary="The caller's conversations", response_model=ThreadPage)
async def get_threads(
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
) -> JSONResponse:
    """The caller's conversations (web, Slack, the OpenAI-compatible face), last activity
    first: `{threads: [{thread_id, title, channel, created_at, last_activity_at}],
    next_cursor}`. `next_cursor` is absent on the last page; a malformed one → 422."""
    async with runtime.db.uow(write=False) as session:
        page = await list_threads(session, caller, limit=limit, cursor=cursor or None)
    return JSONResponse(page.model_dump(mode="json"))


@router.get("/{thread_id}", summary="One conversation", response_model=ThreadView)
async def get_thread(request: Request, thread_id: ThreadIdPath, caller: CallerDep) -> JSONResponse:
    """The conversation as its owner saw it, as AI SDK `UIMessage`s (`{id, role, parts,
    metadata}`): `text` parts, `tool-<name>` parts with their `input` and `output` (the
    cards are drawn from them) or `errorText`, and `data-confirmation` parts
    (`{interrupt_id, action, summary, outcome: pending|approved|declined}`) where the
    concierge asked for a yes. One `user` message per message sent (a button's carries
    `metadata.action`), one `assistant` message for everything until the next. Also the
    confirmation it waits for now (`pending_confirmation`), its title and last activity."""
    view = await turns_of(request.app.state).thread(caller, thread_id)
    return JSONResponse(_plain(view))


@router.patch("/{thread_id}", summary="Rename a conversation", response_model=ThreadSummary)
async def patch_thread(
    runtime: RuntimeDep, caller: CallerDep, thread_id: ThreadIdPath, body: ThreadPatch
) -> JSONResponse:
    """Set the conversation's title (one line; blank → 422). Its last activity stays."""
    async with runtime.db.uow() as session:
        summary = await rename_thread(session, caller, thread_id, body.title)
    return JSONResponse(summary.model_dump(mode="json"))


@router.delete(
    "/{thread_id}",
    summary="Delete a conversation",
    status_code=204,
    response_class=Response,
)
async def remove_thread(
    request: Request, runtime: RuntimeDep, caller: CallerDep, thread_id: ThreadIdPath
) -> Response:
    """Delete the conversation (soft): from then on it is a 404 — listed nowhere, read by
    nobody, its stream not replayed, no turn runs on it (a running one stops between
    effects); a second delete is a 404 too. A Slack thread's next message starts a new
    conversation."""
    async with runtime.db.uow() as session:
        await delete_thread(session, caller, thread_id, now=runtime.clock.now())
    await turns_of(request.app.state).forget_thread(caller, thread_id)
    return Response(status_code=204)


async def _not_deleted(runtime: Runtime, caller: Caller, thread_id: str) -> None:
    async with runtime.db.uow(write=False) as session:
        if await was_deleted(session, caller, thread_id):
            raise NotFound("Conversation not found")


@router.get(
    "/{thread_id}/stream",
    summary="Resume a thread's stream",
    response_class=EventSourceResponse,
    responses=SSE_RESPONSE,
)
async def stream_thread(
    request: Request,
    runtime: RuntimeDep,
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
    still kept (turns are kept for an hour), the thread is not the caller's or was
    deleted.
    """
    await _not_deleted(runtime, caller, thread_id)
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


class TurnStop(BaseModel):
    """The answer to a stop: which turn, and whether it was still running."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"turn_id": "turn_4f2a", "stopping": True}]}
    )

    turn_id: str
    stopping: bool = Field(
        description="True: the turn was running and will end `stopped`; false: it had "
        "already finished."
    )


@router.post(
    "/{thread_id}/stop",
    summary="Stop the thread's running turn",
    status_code=202,
    response_model=TurnStop,
)
async def stop_thread(
    request: Request, runtime: RuntimeDep, thread_id: ThreadIdPath, caller: CallerDep
) -> TurnStop:
    """The Stop button: the thread's latest turn stops between effects, from any API
    process. A model call in flight is abandoned; a tool already running (a booking, a
    payment) finishes and is recorded, so nothing is left half-made; no later step
    starts. The stream then ends with `finish` whose `messageMetadata.stopped` is
    true. Stopping a finished turn is harmless (`stopping: false`). 404 when the
    thread has no turn kept, is not the caller's or was deleted.
    """
    await _not_deleted(runtime, caller, thread_id)
    runner = turns_of(request.app.state)
    latest = await runner.latest_turn(caller, thread_id)
    if latest is None:
        raise NotFound("No turn of this thread to stop.")
    stopping = await runner.stop_turn(caller, latest.turn_id)
    return TurnStop(turn_id=latest.turn_id, stopping=stopping)
