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

Prologues first (issue 15): while requests that start a turn are still on their way
to their ``start`` (authentication, the thread, the stream; counted by the API with
:meth:`CpuGate.prologue`), a turn does not take a place, and a turn that holds one
gives it back at its next step (:func:`prologues_first`, at the start of each graph
node, where no transaction is open) until they have all sent ``start`` — for at most
``prologue_wait`` seconds each time, so a stream of new requests slows the running
turns but never stops them. Forty first messages at once used to reach ``start``
together, each step of each one queued behind the computing turns' steps.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class _Held:
    gate: CpuGate
    holding: bool = False


_current: ContextVar[_Held | None] = ContextVar("concierge_cpu_gate", default=None)


#: How long a turn gives way to prologues at one step, at most (seconds).
PROLOGUE_WAIT_SECONDS = 0.25


class CpuGate:
    """At most ``places`` turns compute at once; the others wait, first come first served."""

    def __init__(self, places: int, *, prologue_wait: float = PROLOGUE_WAIT_SECONDS) -> None:
        self.places = max(1, int(places))
        self.prologue_wait = prologue_wait
        self._sem = asyncio.Semaphore(self.places)
        self._prologues = 0
        self._no_prologues = asyncio.Event()
        self._no_prologues.set()

    @property
    def prologues(self) -> int:
        """Requests on their way to a turn's ``start`` now."""
        return self._prologues

    def prologue(self) -> Callable[[], None]:
        """Count a request that starts a turn; call what this returns once its ``start``
        is sent, or it failed (a second call does nothing)."""
        self._prologues += 1
        self._no_prologues.clear()
        ended = False

        def end() -> None:
            nonlocal ended
            if ended:
                return
            ended = True
            self._prologues -= 1
            if self._prologues == 0:
                self._no_prologues.set()

        return end

    async def _after_prologues(self) -> None:
        if self._prologues:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._no_prologues.wait(), self.prologue_wait)

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
            await self._after_prologues()
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


async def prologues_first() -> None:
    """At a step of a gated turn with no transaction open: while requests are on their
    way to their ``start``, give the place back until they are there (at most the
    gate's ``prologue_wait``), then take one again."""
    held = _current.get()
    if held is None or not held.holding or not held.gate._prologues:
        return
    gate = held.gate
    held.holding = False
    gate._sem.release()
    try:
        await gate._after_prologues()
    finally:
        await gate._sem.acquire()
        held.holding = True
