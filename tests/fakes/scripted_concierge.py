"""A scripted stand-in for ``concierge.service.Concierge`` (docs/agent-contract.md).

It speaks the turn API exactly — the same events, ownership rules and yes/no
resumption — without a graph or a model, so the HTTP and stream layers can be
tested on their own. Messages steer it:

- containing "book": a search tool call, options text, then a confirmation pause;
- "yes"/"no" (or ``confirm``) while paused: the confirm tool runs or is declined;
- "slow": a few text deltas, each after ``gate`` is set (tests control the pace;
  ``at_gate`` is set once a slow turn waits there, inside its turn slot);
- "boom": the turn fails after its first text;
- anything else: an echo.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from concierge.events import (
    AgentEvent,
    ConfirmationRequested,
    TextDelta,
    TextEnd,
    TextStart,
    ToolFinished,
    ToolStarted,
    TurnFinished,
    TurnStarted,
)
from core.errors import NotFound
from core.identity import Caller
from core.models import Thread

YES = {"yes", "y", "yes please", "confirm", "ok"}
NO = {"no", "n", "no thanks", "cancel"}


@dataclass
class _Thread:
    user_id: str
    org_id: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    pending: ConfirmationRequested | None = None


async def _first(gate: asyncio.Event, stop: asyncio.Event | None, at_gate: asyncio.Event) -> None:
    """Wait for the test's gate, or for a stop (the scripted turn honours it like the agent)."""
    at_gate.set()
    waits = [asyncio.ensure_future(gate.wait())]
    if stop is not None:
        waits.append(asyncio.ensure_future(stop.wait()))
    _done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()


def _ui(role: str, text: str, index: int) -> dict[str, Any]:
    """A text-only UIMessage, as ``GET /v1/threads/{id}`` answers."""
    return {"id": f"msg_{index}", "role": role, "parts": [{"type": "text", "text": text}]}


class ScriptedConcierge:
    """Pass ``rt`` to get ``threads`` rows too, as the real agent writes them."""

    def __init__(self, rt: Any | None = None) -> None:
        self.rt = rt
        self.threads: dict[str, _Thread] = {}
        self._ids = itertools.count(1)
        self.gate = asyncio.Event()
        self.at_gate = asyncio.Event()
        self.turns_started = 0
        self.turns_finished = 0

    def _own(self, caller: Caller, thread_id: str) -> _Thread:
        thread = self.threads.get(thread_id)
        if thread is None or thread.user_id != caller.user_id or thread.org_id != caller.org_id:
            raise NotFound("No such thread.")
        return thread

    def turn(
        self,
        caller: Caller,
        *,
        thread_id: str | None = None,
        message: str | None = None,
        confirm: Any | None = None,
        action: Any | None = None,
        stop: asyncio.Event | None = None,
    ) -> AsyncIterator[AgentEvent]:
        if action is not None:  # a button: said back like a message
            message = f"action {type(action).__name__}"
        return self._turn(caller, thread_id, message, confirm, stop)

    async def _turn(
        self,
        caller: Caller,
        thread_id: str | None,
        message: str | None,
        confirm: Any | None,
        stop: asyncio.Event | None = None,
    ) -> AsyncIterator[AgentEvent]:
        if thread_id is None:
            thread_id = f"TH-{next(self._ids):04d}"
            self.threads[thread_id] = _Thread(caller.user_id, caller.org_id)
            if self.rt is not None:
                now = self.rt.clock.now()
                async with self.rt.db.uow() as session:
                    session.add(
                        Thread(
                            id=thread_id,
                            org_id=caller.org_id,
                            user_id=caller.user_id,
                            created_at=now,
                            updated_at=now,
                        )
                    )
        thread = self._own(caller, thread_id)
        turn_id = f"TU-{next(self._ids):04d}"
        self.turns_started += 1
        yield TurnStarted(thread_id=thread_id, turn_id=turn_id)
        if message is not None:
            thread.messages.append(_ui("user", message, len(thread.messages)))
        answer: bool | None = None
        if thread.pending is not None:
            if confirm is not None and confirm.interrupt_id == thread.pending.interrupt_id:
                answer = bool(confirm.approved)
            elif message is not None and message.strip().lower() in YES | NO:
                answer = message.strip().lower() in YES
        if answer is not None and thread.pending is not None:
            pending, thread.pending = thread.pending, None
            async for event in self._resume(thread, turn_id, pending, answer):
                yield event
        elif message is not None and "book" in message.lower():
            async for event in self._book(thread, turn_id):
                yield event
        elif message is not None and "slow" in message.lower():
            async for event in self._say(
                thread, turn_id, ["one ", "two ", "three ", "four"], slow=True, stop=stop
            ):
                yield event
        elif message is not None and "boom" in message.lower():
            async for event in self._say(thread, turn_id, ["about to fail"]):
                yield event
            raise RuntimeError("scripted failure")
        else:
            async for event in self._say(thread, turn_id, [f"You said: {message}"]):
                yield event
        self.turns_finished += 1
        yield TurnFinished(
            thread_id=thread_id,
            turn_id=turn_id,
            usage={"prompt_tokens": 11, "completion_tokens": 7},
            awaiting_confirmation=thread.pending is not None,
            stopped=stop is not None and stop.is_set(),
        )

    async def _say(
        self,
        thread: _Thread,
        turn_id: str,
        pieces: list[str],
        *,
        slow: bool = False,
        stop: asyncio.Event | None = None,
    ) -> AsyncIterator[AgentEvent]:
        text_id = f"{turn_id}-t{len(thread.messages)}"
        yield TextStart(id=text_id)
        for piece in pieces:
            if slow:
                await _first(self.gate, stop, self.at_gate)
                if stop is not None and stop.is_set():
                    pieces = pieces[: pieces.index(piece)]
                    break
            yield TextDelta(id=text_id, delta=piece)
        yield TextEnd(id=text_id)
        thread.messages.append(_ui("assistant", "".join(pieces), len(thread.messages)))

    async def _book(self, thread: _Thread, turn_id: str) -> AsyncIterator[AgentEvent]:
        args = {"origin": "New York", "destination": "London", "date": "2026-12-18"}
        yield ToolStarted(call_id="call-1", name="search_flights", args=args)
        output = {
            "offers": [
                {"option": 1, "offer_id": "FL-1", "price": {"amount": "612.40", "currency": "USD"}}
            ]
        }
        yield ToolFinished(call_id="call-1", name="search_flights", output=output)
        async for event in self._say(thread, turn_id, ["Option 1: BA 117 for 612.40 USD."]):
            yield event
        pending = ConfirmationRequested(
            interrupt_id=f"IR-{turn_id}",
            action={"tool": "confirm_booking", "args": {"booking_id": "BK-TEST01"}},
            summary="Confirm BA 117 JFK→LHR, economy, 612.40 USD on the company card?",
        )
        thread.pending = pending
        yield pending

    async def _resume(
        self, thread: _Thread, turn_id: str, pending: ConfirmationRequested, approved: bool
    ) -> AsyncIterator[AgentEvent]:
        if not approved:
            async for event in self._say(thread, turn_id, ["OK, I did not book it."]):
                yield event
            return
        call_id = "call-confirm"
        yield ToolStarted(call_id=call_id, name="confirm_booking", args=pending.action["args"])
        yield ToolFinished(
            call_id=call_id,
            name="confirm_booking",
            output={"booking_id": "BK-TEST01", "status": "confirmed"},
        )
        async for event in self._say(thread, turn_id, ["Booked: BK-TEST01 is confirmed."]):
            yield event

    async def thread(self, caller: Caller, thread_id: str) -> dict[str, Any]:
        thread = self._own(caller, thread_id)
        pending = None
        if thread.pending is not None:
            pending = {
                "interrupt_id": thread.pending.interrupt_id,
                "action": thread.pending.action,
                "summary": thread.pending.summary,
            }
        return {
            "thread_id": thread_id,
            "messages": thread.messages,
            "pending_confirmation": pending,
        }
