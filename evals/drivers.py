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

from concierge.events import to_dict
from concierge.service import Concierge, Confirm
from core.errors import CoreError
from core.identity import Caller
from core.models import User
from core.runtime import Runtime
from core.seed import demo_token


@dataclass
class TurnRecord:
    """One user turn and everything the agent emitted for it."""

    user: str
    sent: dict[str, Any]  # {"message": "..."} or {"confirm": true|false}
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
    """Threads and pending confirmations per acting user; subclasses run the turn."""

    def __init__(self) -> None:
        self.threads: dict[str, str] = {}
        self.pending: dict[str, dict[str, Any]] = {}

    async def send(
        self, user: str, *, message: str | None = None, confirm: bool | None = None
    ) -> TurnRecord:
        record = TurnRecord(
            user=user, sent={"message": message} if message is not None else {"confirm": confirm}
        )
        thread_id = self.threads.get(user)
        interrupt_id: str | None = None
        if confirm is not None:
            pending = self.pending.get(user)
            if pending is None:
                record.harness_error = "the script answers a confirmation, but none was asked"
                return record
            interrupt_id = pending["interrupt_id"]
        started = time.perf_counter()
        record.events = await self._turn(user, thread_id, message, interrupt_id, confirm)
        record.latency_ms = (time.perf_counter() - started) * 1000
        for event in record.events:
            if event["type"] == "turn-start" and event.get("thread_id"):
                self.threads[user] = event["thread_id"]
        record.thread_id = self.threads.get(user)
        asked = record.confirmation
        if asked is not None:
            self.pending[user] = asked
        else:
            self.pending.pop(user, None)
        return record

    async def _turn(
        self,
        user: str,
        thread_id: str | None,
        message: str | None,
        interrupt_id: str | None,
        approved: bool | None,
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
        self,
        user: str,
        thread_id: str | None,
        message: str | None,
        interrupt_id: str | None,
        approved: bool | None,
    ) -> list[dict[str, Any]]:
        who = await self.caller(user)
        confirm = Confirm(interrupt_id, bool(approved)) if interrupt_id is not None else None
        try:
            return [
                to_dict(e)
                async for e in self.concierge.turn(
                    who, thread_id=thread_id, message=message, confirm=confirm, channel="eval"
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
        self,
        user: str,
        thread_id: str | None,
        message: str | None,
        interrupt_id: str | None,
        approved: bool | None,
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {}
        if thread_id is not None:
            body["thread_id"] = thread_id
        if interrupt_id is not None:
            body["confirm"] = {"interrupt_id": interrupt_id, "approved": bool(approved)}
        else:
            body["message"] = message
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
