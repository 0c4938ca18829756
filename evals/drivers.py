"""Drivers: how a trial talks to the concierge — in process, or over HTTP (SSE).

Both record a turn the same way: the agent's events as the plain dicts of
``concierge.events.to_dict`` (``tool-start``, ``tool-result``, ``confirmation``,
``text-delta``, ``error``, ``turn-finish`` …), so the graders never care which
path produced them. Each acting user has their own thread; the driver remembers
it and the confirmation pending in it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from concierge.actions import Action, CancelBooking, DecideApproval, SelectOffer
from concierge.events import to_dict
from concierge.service import Concierge, Confirm
from core.errors import CoreError
from core.identity import Caller
from core.models import User
from core.runtime import Runtime
from core.seed import demo_token
from evals.schema import ClickStep


@dataclass
class TurnRecord:
    """One user turn and everything the agent emitted for it."""

    user: str
    # {"message": "..."}, {"confirm": true|false} or a button's {"action": {...}}
    # (a yes/no card pressed: both "confirm" and "action")
    sent: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    thread_id: str | None = None
    latency_ms: float = 0.0
    harness_error: str | None = None  # the script could not be followed (nothing to confirm)

    @property
    def text(self) -> str:
        # The confirmation question is shown to the user too: it counts as said.
        text = "".join(e["delta"] for e in self.events if e["type"] == "text-delta")
        asked = [e["summary"] for e in self.events if e["type"] == "confirmation"]
        return "\n".join([text, *asked]) if asked else text

    @property
    def confirmation(self) -> dict[str, Any] | None:
        found = [e for e in self.events if e["type"] == "confirmation"]
        return found[-1] if found else None

    @property
    def usage(self) -> dict[str, int]:
        for e in self.events:
            if e["type"] == "turn-finish":
                return dict(e.get("usage") or {})
        return {}

    @property
    def refused(self) -> bool:
        """Never reached the agent: the script could not send it, or the service
        refused it before the turn began (a stale card, an unknown offer, a blank
        message). The thread, and any confirmation pending in it, are unchanged."""
        return self.harness_error is not None or (
            bool(self.events) and all(e["type"] == "error" for e in self.events)
        )

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == "error"]

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "sent": self.sent,
            "thread_id": self.thread_id,
            "latency_ms": round(self.latency_ms, 1),
            "text": self.text,
            "harness_error": self.harness_error,
            "events": [
                e for e in self.events if e["type"] not in ("text-delta", "text-start", "text-end")
            ],
        }


class Driver:
    """Threads, pending confirmations and the cards shown, per acting user;
    subclasses run the turn.

    A turn is sent as the body ``POST /v1/chat`` takes, less the thread: exactly one
    of ``{"message"}``, ``{"confirm": {interrupt_id, approved}}`` or ``{"action":
    {type, …}}`` (a button). :meth:`click` turns a scripted button press into that
    action from what this user was shown, as the chat page's cards do.
    """

    def __init__(self) -> None:
        self.threads: dict[str, str] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self.cards: dict[str, list[dict[str, Any]]] = {}  # every confirmation, oldest first
        self.lists: dict[str, dict[str, list[dict[str, Any]]]] = {}  # newest options per kind

    async def send(
        self, user: str, *, message: str | None = None, confirm: bool | None = None
    ) -> TurnRecord:
        if message is not None:
            return await self._send(user, {"message": message})
        pending = self.pending.get(user)
        if pending is None:
            return TurnRecord(
                user=user,
                sent={"confirm": confirm},
                harness_error="the script answers a confirmation, but none was asked",
            )
        return await self._send(
            user,
            {"confirm": {"interrupt_id": pending["interrupt_id"], "approved": bool(confirm)}},
            sent={"confirm": confirm},
        )

    async def click(self, user: str, click: ClickStep, refs: dict[str, str]) -> TurnRecord:
        """Press a button: the structured action the card carries, never text."""
        action, missing = self._action(user, click, refs)
        if action is None:
            return TurnRecord(
                user=user,
                sent={"click": click.model_dump(exclude_none=True)},
                harness_error=missing,
            )
        if action["type"] == "confirm":
            sent: dict[str, Any] = {"confirm": action["approved"], "action": action}
        else:
            sent = {"action": action}
        return await self._send(user, {"action": action}, sent=sent)

    def _action(
        self, user: str, click: ClickStep, refs: dict[str, str]
    ) -> tuple[dict[str, Any] | None, str]:
        def fill(text: str) -> str:
            for name, value in refs.items():
                text = text.replace("{" + name + "}", value)
            return text

        if click.offer_id is not None:
            return {"type": "select_offer", "offer_id": fill(click.offer_id)}, ""
        if click.book is not None:
            shown = self.lists.get(user, {}).get(click.of, [])
            for option in shown:
                if option.get("option") == click.book and option.get("offer_id"):
                    return {"type": "select_offer", "offer_id": option["offer_id"]}, ""
            return None, f"no option {click.book} on a {click.of} list shown to {user}"
        if click.cancel is not None:
            return {"type": "cancel_booking", "booking_id": fill(click.cancel)}, ""
        if click.decide is not None:
            approval = fill(click.approval)
            if "{" in approval:
                return None, "no approval seen to decide"
            return {
                "type": "decide_approval",
                "approval_id": approval,
                "decision": click.decide,
                "note": click.note,
            }, ""
        cards = self.cards.get(user, [])
        if len(cards) < -click.card:
            return None, f"no confirmation card {click.card} in {user}'s thread"
        card = cards[click.card]
        return {
            "type": "confirm",
            "interrupt_id": card["interrupt_id"],
            "approved": bool(click.confirm),
        }, ""

    async def _send(
        self, user: str, body: dict[str, Any], *, sent: dict[str, Any] | None = None
    ) -> TurnRecord:
        record = TurnRecord(user=user, sent=sent or body)
        started = time.perf_counter()
        record.events = await self._turn(user, self.threads.get(user), body)
        record.latency_ms = (time.perf_counter() - started) * 1000
        for event in record.events:
            if event["type"] == "turn-start" and event.get("thread_id"):
                self.threads[user] = event["thread_id"]
        record.thread_id = self.threads.get(user)
        self._remember(user, record)
        return record

    def _remember(self, user: str, record: TurnRecord) -> None:
        if record.refused:
            return
        asked = record.confirmation
        if asked is not None:
            self.pending[user] = asked
            self.cards.setdefault(user, []).append(asked)
        else:
            self.pending.pop(user, None)
        shown = self.lists.setdefault(user, {})
        starts = {e["call_id"]: e for e in record.events if e["type"] == "tool-start"}
        for event in record.events:
            if event["type"] != "tool-result" or not isinstance(event.get("output"), dict):
                continue
            output = event["output"]
            if event.get("name") == "search_hotels":
                shown["hotel"] = list(output.get("options") or [])
            elif event.get("name") == "search_flights":
                args = (starts.get(event["call_id"]) or {}).get("args") or {}
                leg = output.get("leg") or args.get("leg")
                shown["return" if leg == "return" else "flight"] = list(output.get("options") or [])

    async def _turn(
        self, user: str, thread_id: str | None, body: dict[str, Any]
    ) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


class InProcessDriver(Driver):
    """``Concierge.turn`` in this process (the default)."""

    def __init__(self, concierge: Concierge, rt: Runtime) -> None:
        super().__init__()
        self.concierge = concierge
        self.rt = rt
        self._callers: dict[str, Caller] = {}

    async def caller(self, user: str) -> Caller:
        if user not in self._callers:
            async with self.rt.db.uow(write=False) as session:
                row = await session.get(User, user)
                if row is None:
                    raise ValueError(f"no user {user!r} in the evaluation world")
                self._callers[user] = Caller.of(row)
        return self._callers[user]

    async def _turn(
        self, user: str, thread_id: str | None, body: dict[str, Any]
    ) -> list[dict[str, Any]]:
        who = await self.caller(user)
        confirm: Confirm | None = None
        action: Action | None = None
        raw = body.get("confirm") or body.get("action") or {}
        if "confirm" in body or raw.get("type") == "confirm":
            confirm = Confirm(raw["interrupt_id"], bool(raw["approved"]))
        elif raw.get("type") == "select_offer":
            action = SelectOffer(offer_id=raw["offer_id"])
        elif raw.get("type") == "cancel_booking":
            action = CancelBooking(booking_id=raw["booking_id"])
        elif raw.get("type") == "decide_approval":
            action = DecideApproval(
                approval_id=raw["approval_id"], decision=raw["decision"], note=raw.get("note", "")
            )
        try:
            return [
                to_dict(e)
                async for e in self.concierge.turn(
                    who,
                    thread_id=thread_id,
                    message=body.get("message"),
                    confirm=confirm,
                    action=action,
                    channel="eval",
                )
            ]
        except CoreError as exc:  # refused before the first event (e.g. an empty message)
            return [{"type": "error", "code": exc.code, "message": str(exc)}]


class HttpDriver(Driver):
    """``POST /v1/chat`` with the demo bearer tokens, reading the AI SDK UI stream."""

    def __init__(
        self, client: httpx.AsyncClient, token_for: Callable[[str], str] = demo_token
    ) -> None:
        super().__init__()
        self.client = client
        self.token_for = token_for

    async def _turn(
        self, user: str, thread_id: str | None, body: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if thread_id is not None:
            body = {"thread_id": thread_id, **body}
        headers = {"Authorization": f"Bearer {self.token_for(user)}"}
        events: list[dict[str, Any]] = []
        names: dict[str, str] = {}
        async with aconnect_sse(
            self.client, "POST", "/v1/chat", json=body, headers=headers
        ) as source:
            response = source.response
            if response.status_code >= 300:
                await response.aread()
                try:
                    problem = response.json()
                except ValueError:
                    problem = {"detail": response.text}
                return [
                    {
                        "type": "error",
                        "code": problem.get("code", f"HTTP_{response.status_code}"),
                        "message": problem.get("detail") or problem.get("title", ""),
                    }
                ]
            async for sse in source.aiter_sse():
                if not sse.data:
                    # A keep-alive comment: httpx-sse reports it as an empty event once an
                    # id has been seen (browsers' EventSource do not). Not a chat event.
                    continue
                if sse.data == "[DONE]":
                    break
                event = ui_to_event(json.loads(sse.data), names)
                if event is not None:
                    events.append(event)
        return events


def ui_to_event(chunk: dict[str, Any], names: dict[str, str]) -> dict[str, Any] | None:
    """An AI SDK UI stream chunk back to the agent event it came from."""
    kind = chunk.get("type")
    meta = chunk.get("messageMetadata") or {}
    if kind == "start":
        return {
            "type": "turn-start",
            "thread_id": meta.get("thread_id"),
            "turn_id": meta.get("turn_id"),
        }
    if kind == "text-delta":
        return {"type": "text-delta", "id": chunk.get("id"), "delta": chunk.get("delta", "")}
    if kind == "tool-input-available":
        names[chunk["toolCallId"]] = chunk["toolName"]
        return {
            "type": "tool-start",
            "call_id": chunk["toolCallId"],
            "name": chunk["toolName"],
            "args": chunk.get("input") or {},
        }
    if kind == "tool-output-available":
        call_id = chunk["toolCallId"]
        return {
            "type": "tool-result",
            "call_id": call_id,
            "name": names.get(call_id, ""),
            "output": chunk.get("output"),
            "error": None,
        }
    if kind == "tool-output-error":
        call_id = chunk["toolCallId"]
        return {
            "type": "tool-result",
            "call_id": call_id,
            "name": names.get(call_id, ""),
            "output": None,
            "error": {"code": "TOOL_ERROR", "message": chunk.get("errorText", "")},
        }
    if kind == "data-confirmation":
        data = chunk.get("data") or {}
        return {"type": "confirmation", **data}
    if kind == "error":
        return {"type": "error", "code": "ERROR", "message": chunk.get("errorText", "")}
    if kind == "finish":
        return {
            "type": "turn-finish",
            "thread_id": meta.get("thread_id"),
            "turn_id": meta.get("turn_id"),
            "usage": meta.get("usage") or {},
            "awaiting_confirmation": bool(meta.get("awaiting_confirmation")),
        }
    return None
