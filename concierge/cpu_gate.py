"""A cap on how many chat turns of one process compute at once (issue 15).

A turn on the offline planner is CPU from end to end: a few milliseconds of Python
between each of its database round trips. Sixteen such turns running side by side
keep sixteen tasks in the event loop's ready queue, and anything else the loop has
to do waits behind all of them at every await: a new request's ``start`` event went
through ~15 awaits (authentication, its thread, the checkpoint read, the stream)
at ~25-50 ms each. More running turns do not finish sooner either — they share the
same core. So a turn *computes* only while it holds one of a few places in the
gate (``chat_max_computing_turns``); a turn waiting for a place waits on a future,
not in the ready queue, and the requests' prologues pass the queue at once.

Time spent waiting on something that is not this process's CPU — a remote model's
answer, seconds long — is spent out of the gate (:func:`waiting_elsewhere`), so the
turn slots, not the gate, bound how many turns wait on a model (Little's law).

The gate travels with the turn in a context variable: the runner opens it around the
turn (:meth:`CpuGate.turn`), and the graph's nodes, run in tasks that inherit the
context, find it there. Code run outside a gated turn (evaluations, tests calling
the service directly) sees no gate and is never held.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class _Held:
    gate: CpuGate
    holding: bool = False


_current: ContextVar[_Held | None] = ContextVar("concierge_cpu_gate", default=None)


class CpuGate:
    """At most ``places`` turns compute at once; the others wait, first come first served."""

    def __init__(self, places: int) -> None:
        self.places = max(1, int(places))
        self._sem = asyncio.Semaphore(self.places)

    @property
    def free(self) -> int:
        """Places free now (tests and metrics)."""
        return self._sem._value

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold a place for the turn run inside (the current task and the tasks it starts)."""
        held = _Held(self)
        token = _current.set(held)
        try:
            await self._sem.acquire()
            held.holding = True
            yield
        finally:
            if held.holding:
                held.holding = False
                self._sem.release()
            _current.reset(token)


@asynccontextmanager
async def waiting_elsewhere() -> AsyncIterator[None]:
    """Give the current turn's place back while it waits on something else (a remote
    model), and take one again before it computes on."""
    held = _current.get()
    if held is None or not held.holding:
        yield
        return
    held.holding = False
    held.gate._sem.release()
    try:
        yield
    finally:
        await held.gate._sem.acquire()
        held.holding = True
