"""``POST /v1/chat``: one chat turn, streamed as the AI SDK UI message stream v1 over SSE.

The turn runs in the background (``api.turns``); this response only reads its
per-turn stream, so hanging up does not stop the agent, and
``GET /v1/threads/{id}/stream`` with ``Last-Event-ID`` picks up where the client
left off. Every SSE ``data`` is JSON (a UI message chunk), then ``[DONE]``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.auth import CallerDep
from api.problems import PayloadTooLarge, problem_responses
from api.schemas import SSE_EVENT_SCHEMA
from api.turns import TurnHandle, TurnRunner, turns_of
from concierge import actions
from concierge.events import (
    AgentEvent,
    ConfirmationRequested,
    TextDelta,
    TextEnd,
    TextStart,
    ToolFinished,
    ToolStarted,
    TurnError,
    TurnFinished,
    TurnQueued,
    TurnStarted,
)
from concierge.service import Confirm
from core.errors import NotFound, ValidationFailed
from core.identity import Caller

log = logging.getLogger(__name__)

router = APIRouter(tags=["chat"], responses=problem_responses(400, 401, 422, 429, 500))

UI_STREAM_HEADER = "x-vercel-ai-ui-message-stream"
THREAD_HEADER = "X-Concierge-Thread-Id"
MAX_MESSAGE_BYTES = 8 * 1024
PING_SECONDS = 15
# A useChat client's own chat id → our thread id (kept as long as a turn stream).
_USECHAT_KEY_TTL = 30 * 24 * 3600

ThreadId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")]


class ConfirmIn(BaseModel):
    """The answer to a pending confirmation (the `data-confirmation` part's `interrupt_id`)."""

    model_config = ConfigDict(extra="forbid")

    interrupt_id: str = Field(min_length=1, max_length=100)
    approved: bool = Field(strict=True)  # a yes that pays is a JSON true, not "yes" or 1


class SelectOfferIn(BaseModel):
    """Book *this* option (an `offer_id` from a search shown in the thread).

    One direction of a round trip searched together waits for the other: nothing is
    held until both are picked, then both (and a hotel picked meanwhile) are held as
    one booking. An option of a search for a booking's new flight rebooks that booking
    (after a yes). A red option → 403 `POLICY_BLOCKED`; an offer the thread never
    showed → 404."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["select_offer"]
    offer_id: str = Field(min_length=1, max_length=80)


class ConfirmActionIn(BaseModel):
    """Yes or no to *this* pending confirmation (same as the `confirm` field)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["confirm"]
    interrupt_id: str = Field(min_length=1, max_length=100)
    approved: bool = Field(strict=True)  # a yes that pays is a JSON true, not "yes" or 1


class CancelBookingIn(BaseModel):
    """Cancel *this* booking (the concierge asks for a yes first, quoting the refund)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["cancel_booking"]
    booking_id: str = Field(min_length=1, max_length=40)


class DecideApprovalIn(BaseModel):
    """Approve or reject *this* approval waiting on the caller (a yes is asked first)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["decide_approval"]
    approval_id: str = Field(min_length=1, max_length=40)
    decision: Literal["approve", "reject"]
    note: str = Field(default="", max_length=500, description="Required to reject.")


class SeatClickIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    segment_id: str = Field(min_length=1, max_length=40)
    passenger_id: str = Field(min_length=1, max_length=40)
    seat: str = Field(min_length=1, max_length=8, examples=["21A"])


class ChooseSeatsIn(BaseModel):
    """Seat passengers of *this* booking (a click on its seat map): the core checks every
    seat, all or none (`SEAT_TAKEN` is said in the reply, nothing changes)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["choose_seats"]
    booking_id: str = Field(min_length=1, max_length=40)
    assignments: list[SeatClickIn] = Field(min_length=1, max_length=9)


class SeatMapIn(BaseModel):
    """Show the seats of *this* booking's flights (a "Choose seats" button)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["seat_map"]
    booking_id: str = Field(min_length=1, max_length=40)


class CheckInIn(BaseModel):
    """Check in *this* booking's flight (a "Check in" button): its next flight still to
    check in, or `segment_id`. Whether check-in is open is said in the reply."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["check_in"]
    booking_id: str = Field(min_length=1, max_length=40)
    segment_id: str | None = Field(default=None, min_length=1, max_length=40)


class ChangeFlightIn(BaseModel):
    """Find flights on `date` to replace *this* flight (`segment_id`) of *this* confirmed
    booking (a "Change flight" button): the options come as cards, and a Book click on
    one of them rebooks the flight after a yes (fare difference and change fee quoted)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["change_flight"]
    booking_id: str = Field(min_length=1, max_length=40)
    segment_id: str = Field(min_length=1, max_length=40)
    date: dt.date = Field(description="The local day to fly instead, YYYY-MM-DD.")


ActionIn = Annotated[
    SelectOfferIn
    | ConfirmActionIn
    | CancelBookingIn
    | DecideApprovalIn
    | ChooseSeatsIn
    | SeatMapIn
    | CheckInIn
    | ChangeFlightIn,
    Field(discriminator="type"),
]


class UIMessagePart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(max_length=100)
    text: str | None = None


class UIMessageIn(BaseModel):
    """An AI SDK `UIMessage` (only its text parts are read)."""

    model_config = ConfigDict(extra="allow")

    id: str | None = Field(default=None, max_length=200)
    role: Literal["system", "user", "assistant"]
    parts: list[UIMessagePart] = Field(default_factory=list, max_length=200)
    content: str | None = None  # AI SDK v4 clients


class ChatRequest(BaseModel):
    """One of four shapes:

    - `{"thread_id"?, "message"}` — a message (a new thread without `thread_id`);
    - `{"id", "messages": [...]}` — the AI SDK `useChat` body: the last user
      message is the turn, `id` the conversation;
    - `{"thread_id", "confirm": {"interrupt_id", "approved"}}` — answer a pending
      confirmation (a message "yes" / "no" does the same);
    - `{"thread_id", "action": {"type", ...}}` — a button's structured action, never
      text to re-parse: `select_offer {offer_id}`, `confirm {interrupt_id, approved}`,
      `cancel_booking {booking_id}`, `decide_approval {approval_id, decision, note?}`,
      `choose_seats {booking_id, assignments: [{segment_id, passenger_id, seat}]}`,
      `seat_map {booking_id}`, `check_in {booking_id, segment_id?}`,
      `change_flight {booking_id, segment_id, date}`.
      Each becomes the tool calls a model would make, through the same confirmation
      gate. `thread_id` is required for `select_offer` and `confirm`; without it
      the other two start a new thread. A refused action is a problem+json 4xx and
      changes nothing: unknown offer, another user's booking or approval → 404, a red
      option → 403 `POLICY_BLOCKED`, a stale or foreign interrupt id → 409
      `CONFIRMATION_NOT_PENDING`.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"message": "Book me a flight from New York to London on 2026-12-18"},
                {"thread_id": "TH-8K2M4X7Q", "message": "yes"},
                {"thread_id": "TH-8K2M4X7Q", "confirm": {"interrupt_id": "IR-1", "approved": True}},
                {
                    "thread_id": "TH-8K2M4X7Q",
                    "action": {"type": "select_offer", "offer_id": "FL-1234"},
                },
                {
                    "thread_id": "TH-8K2M4X7Q",
                    "action": {"type": "confirm", "interrupt_id": "cf_1", "approved": True},
                },
                {"action": {"type": "cancel_booking", "booking_id": "BK-7Q2M4X"}},
                {
                    "action": {
                        "type": "decide_approval",
                        "approval_id": "AP-3K9Q",
                        "decision": "approve",
                        "note": "Fine by me",
                    }
                },
            ]
        },
    )

    thread_id: ThreadId | None = None
    message: str | None = Field(default=None, min_length=1)
    confirm: ConfirmIn | None = None
    action: ActionIn | None = None
    id: str | None = Field(default=None, min_length=1, max_length=200)
    messages: list[UIMessageIn] | None = Field(default=None, max_length=500)
    cards: bool = Field(
        default=False,
        strict=True,
        description=(
            "The client draws tool outputs (search results) as cards, so the reply's text "
            "does not list the options again. Leave it off for text-only clients."
        ),
    )

    @model_validator(mode="after")
    def _one_shape(self) -> ChatRequest:
        given = [
            n for n in ("message", "confirm", "action", "messages") if getattr(self, n) is not None
        ]
        if len(given) != 1:
            raise ValueError("send exactly one of `message`, `confirm`, `action` or `messages`")
        if self.confirm is not None and not (self.thread_id or self.id):
            raise ValueError("`confirm` needs the `thread_id` it answers")
        if isinstance(self.action, SelectOfferIn | ConfirmActionIn) and not (
            self.thread_id or self.id
        ):
            raise ValueError(f"`{self.action.type}` needs the `thread_id` of its conversation")
        return self


@dataclass(frozen=True)
class TurnInput:
    thread_id: str | None
    message: str | None
    confirm: Any | None
    client_chat_id: str | None = None  # useChat's own id, when the body came from useChat
    action: Any | None = None
    cards: bool = False  # the client draws search results as cards


def make_confirm(interrupt_id: str, approved: bool) -> Confirm:
    """The agent's ``Confirm``."""
    return Confirm(interrupt_id=interrupt_id, approved=approved)


def make_action(
    action: SelectOfferIn
    | CancelBookingIn
    | DecideApprovalIn
    | ChooseSeatsIn
    | SeatMapIn
    | CheckInIn
    | ChangeFlightIn,
) -> actions.Action:
    """The agent's action (``concierge.actions``)."""
    if isinstance(action, SelectOfferIn):
        return actions.SelectOffer(offer_id=action.offer_id)
    if isinstance(action, CancelBookingIn):
        return actions.CancelBooking(booking_id=action.booking_id)
    if isinstance(action, ChooseSeatsIn):
        return actions.ChooseSeats(
            booking_id=action.booking_id,
            assignments=tuple(
                actions.SeatChoice(a.segment_id, a.passenger_id, a.seat) for a in action.assignments
            ),
        )
    if isinstance(action, SeatMapIn):
        return actions.ShowSeatMap(booking_id=action.booking_id)
    if isinstance(action, CheckInIn):
        return actions.CheckIn(booking_id=action.booking_id, segment_id=action.segment_id)
    if isinstance(action, ChangeFlightIn):
        return actions.ChangeFlight(
            booking_id=action.booking_id, segment_id=action.segment_id, date=action.date
        )
    return actions.DecideApproval(
        approval_id=action.approval_id, decision=action.decision, note=action.note
    )


def _text_of(message: UIMessageIn) -> str:
    texts = [p.text for p in message.parts if p.type == "text" and p.text]
    if not texts and message.content:
        texts = [message.content]
    return "\n".join(texts)


def check_message_size(text: str) -> None:
    if len(text.encode()) > MAX_MESSAGE_BYTES:
        raise PayloadTooLarge(f"A chat message may be at most {MAX_MESSAGE_BYTES // 1024} KB.")


def turn_input(body: ChatRequest) -> TurnInput:
    return dataclasses.replace(_turn_input(body), cards=body.cards)


def _turn_input(body: ChatRequest) -> TurnInput:
    thread_id = body.thread_id or body.id
    if isinstance(body.action, ConfirmActionIn):
        confirm = make_confirm(body.action.interrupt_id, body.action.approved)
        return TurnInput(thread_id=thread_id, message=None, confirm=confirm)
    if body.action is not None:
        return TurnInput(
            thread_id=thread_id, message=None, confirm=None, action=make_action(body.action)
        )
    if body.confirm is not None:
        return TurnInput(
            thread_id=body.thread_id or body.id,
            message=None,
            confirm=make_confirm(body.confirm.interrupt_id, body.confirm.approved),
        )
    if body.message is not None:
        check_message_size(body.message)
        if not body.message.strip():
            raise ValidationFailed("message: must not be blank", field="message")
        return TurnInput(thread_id=body.thread_id, message=body.message, confirm=None)
    users = [m for m in body.messages or [] if m.role == "user"]
    if not users or not _text_of(users[-1]).strip():
        raise ValidationFailed("messages: the last user message has no text", field="messages")
    text = _text_of(users[-1])
    check_message_size(text)
    return TurnInput(thread_id=body.thread_id, message=text, confirm=None, client_chat_id=body.id)


async def start(runner: TurnRunner, caller: Caller, turn: TurnInput) -> TurnHandle:
    """Start the turn; a useChat id we have not seen yet starts a new thread and is remembered."""
    if turn.client_chat_id is None or turn.thread_id is not None:
        return await runner.start_turn(
            caller,
            thread_id=turn.thread_id,
            message=turn.message,
            confirm=turn.confirm,
            action=turn.action,
            cards=turn.cards,
        )
    key = f"usechat:{caller.org_id}:{caller.user_id}:{turn.client_chat_id}"
    known = await runner.streams.recall(key)
    candidate = known or turn.client_chat_id
    try:
        return await runner.start_turn(
            caller, thread_id=candidate, message=turn.message, cards=turn.cards
        )
    except NotFound:
        if known is not None:
            raise
    handle = await runner.start_turn(
        caller, thread_id=None, message=turn.message, cards=turn.cards
    )
    await runner.streams.remember(key, handle.thread_id, _USECHAT_KEY_TTL)
    return handle


# ------------------------------------------------------------------- the wire


def ui_chunk(event: AgentEvent) -> dict[str, Any] | None:
    """One agent event as an AI SDK UI message stream v1 chunk."""
    if isinstance(event, TurnStarted):
        return {
            "type": "start",
            "messageId": event.turn_id,
            "messageMetadata": {"thread_id": event.thread_id, "turn_id": event.turn_id},
        }
    if isinstance(event, TurnQueued):
        # Transient (AI SDK): told to the client as it streams, never part of the message.
        return {
            "type": "data-queued",
            "id": f"queued-{event.turn_id}",
            "data": {"turn_id": event.turn_id, "position": event.position},
            "transient": True,
        }
    if isinstance(event, TextStart):
        return {"type": "text-start", "id": event.id}
    if isinstance(event, TextDelta):
        return {"type": "text-delta", "id": event.id, "delta": event.delta}
    if isinstance(event, TextEnd):
        return {"type": "text-end", "id": event.id}
    if isinstance(event, ToolStarted):
        return {
            "type": "tool-input-available",
            "toolCallId": event.call_id,
            "toolName": event.name,
            "input": event.args,
        }
    if isinstance(event, ToolFinished):
        if event.error is not None:
            return {
                "type": "tool-output-error",
                "toolCallId": event.call_id,
                "errorText": event.error.get("message") or event.error.get("code", "error"),
            }
        return {
            "type": "tool-output-available",
            "toolCallId": event.call_id,
            "output": event.output,
        }
    if isinstance(event, ConfirmationRequested):
        return {
            "type": "data-confirmation",
            "data": {
                "interrupt_id": event.interrupt_id,
                "action": event.action,
                "summary": event.summary,
            },
        }
    if isinstance(event, TurnError):
        return {"type": "error", "errorText": event.message}
    if isinstance(event, TurnFinished):
        return {
            "type": "finish",
            "messageMetadata": {
                "thread_id": event.thread_id,
                "turn_id": event.turn_id,
                "awaiting_confirmation": event.awaiting_confirmation,
                "stopped": event.stopped,
                "usage": event.usage,
            },
        }
    return None  # pragma: no cover - every AgentEvent is handled above


def sse_event_id(turn_id: str, entry_id: str) -> str:
    """SSE ids are ``<turn id>:<stream entry id>``: enough to resume on any process."""
    return f"{turn_id}:{entry_id}"


def parse_event_id(value: str | None) -> tuple[str, str] | None:
    if not value or ":" not in value:
        return None
    turn_id, _, entry_id = value.rpartition(":")
    if not turn_id or not entry_id or len(value) > 200:
        return None
    return turn_id, entry_id


def _sse(turn_id: str, entry_id: str, event: AgentEvent) -> ServerSentEvent | None:
    chunk = ui_chunk(event)
    if chunk is None:
        return None
    event_id = sse_event_id(turn_id, entry_id) if entry_id else None
    return ServerSentEvent(data=json.dumps(chunk, separators=(",", ":")), id=event_id)


async def ui_stream(
    runner: TurnRunner,
    turn_id: str,
    *,
    after: str | None = None,
    started: tuple[str, AgentEvent] | None = None,
) -> AsyncIterator[ServerSentEvent]:
    """The turn's events as SSE; ``started``: its first event, already known (not read
    back from the stream), then what follows it."""
    if started is not None and after is None:
        after, event = started
        first = _sse(turn_id, after, event)
        if first is not None:
            yield first
    async for entry_id, event in runner.read_events(turn_id, after=after):
        sse = _sse(turn_id, entry_id, event)
        if sse is not None:
            yield sse
    yield ServerSentEvent(data="[DONE]")


def ui_stream_response(
    runner: TurnRunner, handle: TurnHandle, *, after: str | None = None
) -> EventSourceResponse:
    return EventSourceResponse(
        ui_stream(runner, handle.turn_id, after=after, started=handle.started),
        ping=PING_SECONDS,
        headers={
            UI_STREAM_HEADER: "v1",
            THREAD_HEADER: handle.thread_id,
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        },
    )


SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "`text/event-stream`: AI SDK UI message stream v1 (header "
            "`x-vercel-ai-ui-message-stream: v1`). Each event's `data` is one JSON chunk "
            "(`start`, `data-queued` while the turn waits for a free slot, "
            "`text-start`/`text-delta`/`text-end`, `tool-input-available`, "
            "`tool-output-available`/`tool-output-error`, `data-confirmation`, `error`, "
            "`finish`), then `[DONE]`. "
            "Event ids resume with `Last-Event-ID` on `GET /v1/threads/{id}/stream`."
        ),
        "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
        "headers": {
            UI_STREAM_HEADER: {"schema": {"type": "string", "enum": ["v1"]}},
            THREAD_HEADER: {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/v1/chat",
    summary="Chat turn (streamed)",
    response_class=EventSourceResponse,
    responses={**SSE_RESPONSE, **problem_responses(404, 409, 413, 503)},
)
async def chat(
    request: Request,
    caller: CallerDep,
    body: Annotated[ChatRequest, Body()],
) -> EventSourceResponse:
    """Send a message, answer a confirmation or send a button's action; stream the answer.

    The thread id is in the `start` chunk's `messageMetadata` and the
    `X-Concierge-Thread-Id` header. `start` comes at once, busy or not; while the
    process runs as many turns as it may, a transient `data-queued` part
    (`{turn_id, position}`) follows it, and the turn's own parts come when a slot frees. When the agent needs a yes before a booking,
    payment or cancellation it sends a `data-confirmation` part and finishes; reply
    "yes"/"no" in the same thread, or send `confirm` (or a `confirm` action).
    Buttons send `action` (see the body's shapes): the same tool calls a model would
    make, through the same gate. Messages over 8 KB → 413. Another user's thread,
    booking or approval, or an offer the thread never showed → 404; a red option →
    403 `POLICY_BLOCKED`; a turn already running, or a confirmation no longer
    pending → 409.
    """
    runner = turns_of(request.app.state)
    handle = await start(runner, caller, turn_input(body))
    return ui_stream_response(runner, handle)
