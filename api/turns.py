"""Background chat turns: start one, then read its events from the turn stream.

A turn is the agent working on one user message (or one yes/no). It runs in an
asyncio task owned by the app, not by the HTTP request, and writes every event
to the per-turn stream (``api.streams``). The SSE response, the OpenAI-compatible
endpoint and the Slack bot only *read* that stream, so a client that disconnects
does not stop the turn, and a reconnect (``Last-Event-ID``) replays what it
missed — from any API process when the streams live in Redis.

Reusable API for every channel::

    handle = await start_turn(app.state, caller, thread_id=None, message="hi")
    async for event_id, event in read_events(app.state, handle.turn_id):
        ...  # concierge.events.AgentEvent, ending with TurnFinished

One ``Concierge`` per app lives in ``app.state.turns`` (opened lazily on the first
turn, or in the lifespan; closed in the lifespan).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.heap import HeapFreezer
from api.streams import FallbackStreams, TurnForgotten, TurnMeta, TurnStreams, build_streams
from concierge.cpu_gate import CpuGate
from concierge.events import (
    AgentEvent,
    TurnError,
    TurnFinished,
    TurnQueued,
    TurnStarted,
    from_dict,
    to_dict,
)
from concierge.service import Concierge
from core.errors import CoreError, NotFound
from core.identity import Caller
from core.redis_health import end_if_cancelled
from core.runtime import Runtime, warm_redis_pool

log = logging.getLogger(__name__)

# Errors of a slow or restarting Redis while reading a turn stream.
_TRANSIENT: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
)

# A reader gives up on a turn whose writer went silent this long (its process died).
DEFAULT_IDLE_SECONDS = 300.0
READ_BLOCK_MS = 1000
SHUTDOWN_GRACE_SECONDS = 5.0
# How often a running turn looks for a stop asked on another API process.
STOP_POLL_SECONDS = 0.5
MAX_FORGOTTEN_REMEMBERED = 1024
STOP_KEY_TTL_SECONDS = 600
#: Connections of the turn streams' Redis client opened at startup (``TurnRunner.warm``):
#: every open SSE response holds one in a blocking read, and appends take more.
STREAM_WARM_CONNECTIONS = 64


def _stop_key(turn_id: str) -> str:
    return f"stop:{turn_id}"


class Engine(Protocol):
    """What the runner needs of ``concierge.service.Concierge`` (see docs/agent-contract.md)."""

    def turn(
        self,
        caller: Caller,
        *,
        thread_id: str | None = None,
        message: str | None = None,
        confirm: Any | None = None,
        action: Any | None = None,
        stop: asyncio.Event | None = None,
    ) -> AsyncIterator[AgentEvent]: ...

    async def thread(self, caller: Caller, thread_id: str) -> Any: ...


@dataclass(frozen=True)
class TurnHandle:
    thread_id: str
    turn_id: str
    # The turn's first event and its stream position, when this process started it: a
    # reader sends it without reading it back (one round trip fewer before `start`).
    started: tuple[str, AgentEvent] | None = field(default=None, compare=False)


class TurnServiceUnavailable(CoreError):
    code = "SERVICE_UNAVAILABLE"
    status = 503
    title = "The concierge is not available"


async def _open_default_engine(rt: Runtime) -> tuple[Engine, Callable[[], Awaitable[None]]]:
    # Opened on the first turn: the API starts (and its other routes work) before the
    # agent exists.
    engine = await Concierge.open(rt)
    return engine, engine.aclose


class TurnRunner:
    """Starts turns as tasks that outlive requests and fans their events out via streams."""

    def __init__(
        self,
        rt: Runtime,
        *,
        engine: Engine | None = None,
        streams: TurnStreams | None = None,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        heap: HeapFreezer | None = None,
    ) -> None:
        self.rt = rt
        # A serving process freezes what its first turns loaded (api.heap); None in tests.
        self.heap = heap
        self.streams = streams or build_streams(
            rt.settings.redis_url,
            ttl_seconds=rt.settings.chat_stream_ttl_seconds,
            health=rt.redis_health,
        )
        self.idle_seconds = idle_seconds
        self._engine = engine
        self._close_engine: Callable[[], Awaitable[None]] | None = None
        self._opening = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        # Backpressure: past this many running turns a new one waits before it runs, so
        # a burst queues instead of starving every turn of CPU and connections. The wait
        # comes after the turn's start (thread known, claim taken, TurnStarted sent):
        # the client hears at once which thread and turn it is, and that it is queued.
        self._slots = asyncio.Semaphore(max(1, int(rt.settings.chat_max_concurrent_turns)))
        # Of the turns in a slot, how many compute at once (concierge.cpu_gate): the rest
        # wait out of the event loop's way, so a new request's `start` is not queued
        # behind every running turn's CPU.
        self.cpu = CpuGate(rt.settings.chat_max_computing_turns)
        self._queued = 0
        # Running turns of this process → their stop flag (``stop_turn``).
        self._stops: dict[str, asyncio.Event] = {}
        # Turns whose thread was deleted through this process: their readers here end
        # at once (elsewhere they end when the writer's silence passes ``idle_seconds``).
        self._forgotten: OrderedDict[str, None] = OrderedDict()

    @property
    def queued(self) -> int:
        """How many turns of this process are waiting for a slot now."""
        return self._queued

    async def engine(self) -> Engine:
        if self._engine is None:
            async with self._opening:
                if self._engine is None:
                    try:
                        self._engine, self._close_engine = await _open_default_engine(self.rt)
                    except ModuleNotFoundError as exc:
                        log.warning("concierge.service is not available: %s", exc)
                        raise TurnServiceUnavailable("The agent is not installed.") from exc
        return self._engine

    async def warm(self) -> None:
        """Open the agent, its checkpointer's connections and the streams' Redis
        connections now: a serving process does it in its lifespan, so that its first
        burst of turns waits for none of them before `start` (issue 15; with two
        processes, one that had served no turn yet opened the agent during the burst)."""
        engine = await self.engine()
        jobs: list[Awaitable[Any]] = []
        warm = getattr(engine, "warm", None)
        if warm is not None:
            jobs.append(warm())
        if isinstance(self.streams, FallbackStreams):
            jobs.append(warm_redis_pool(self.streams.primary.redis, STREAM_WARM_CONNECTIONS))
        await asyncio.gather(*jobs)

    # ---------------------------------------------------------------- writing

    async def start_turn(
        self,
        caller: Caller,
        *,
        thread_id: str | None = None,
        message: str | None = None,
        confirm: Any | None = None,
        action: Any | None = None,
        cards: bool = False,
    ) -> TurnHandle:
        """Start a turn in the background; return once it has a thread and turn id.

        Errors the agent raises before its first event (another user's thread →
        ``NotFound``, a turn already running → ``ConcurrentUpdate``) are raised
        here, so the HTTP answer can still be a plain problem+json. This never waits
        for a slot: the turn does, after its ``TurnStarted`` (and a ``TurnQueued``
        when every slot is taken).
        """
        engine = await self.engine()
        # ``action`` and ``cards`` only when given: an engine that takes neither (a test
        # fake) still works.
        extra: dict[str, Any] = {"action": action} if action is not None else {}
        if cards:
            extra["cards"] = True
        stop = asyncio.Event()
        events = engine.turn(
            caller, thread_id=thread_id, message=message, confirm=confirm, stop=stop, **extra
        )
        started: asyncio.Future[TurnHandle] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(self._run(caller, events, started, stop), name="chat-turn")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # shield: a client that hangs up while we wait must not cancel the turn.
        return await asyncio.shield(started)

    async def _run(
        self,
        caller: Caller,
        events: AsyncIterator[AgentEvent],
        started: asyncio.Future[TurnHandle],
        stop: asyncio.Event | None = None,
    ) -> None:
        iterator = aiter(events)
        try:
            first = await anext(iterator)
        except BaseException as exc:
            if not started.done():
                if isinstance(exc, StopAsyncIteration):
                    exc = RuntimeError("the turn produced no events")
                started.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        if not isinstance(first, TurnStarted):
            started.set_exception(RuntimeError(f"a turn must start with TurnStarted, got {first}"))
            return
        meta = TurnMeta(
            turn_id=first.turn_id,
            thread_id=first.thread_id,
            user_id=caller.user_id,
            org_id=caller.org_id,
        )
        try:
            entry_id = await self.streams.start(meta, to_dict(first))
        except BaseException as exc:
            started.set_exception(exc)
            with contextlib.suppress(BaseException):
                await _aclose(iterator)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        handle = TurnHandle(first.thread_id, first.turn_id, started=(entry_id, first))
        started.set_result(handle)

        stop = stop or asyncio.Event()
        self._stops[handle.turn_id] = stop
        watcher = asyncio.create_task(self._watch_stop(handle.turn_id, stop), name="turn-stop")
        finished = False
        forgotten = False  # its thread was deleted: the rest of the turn is told nobody
        try:
            async with self._slot(handle), self.cpu.turn():
                async for event in iterator:
                    if forgotten:
                        continue
                    try:
                        await self.streams.append(handle.turn_id, to_dict(event))
                    except TurnForgotten:
                        # Let the turn end between effects, as a Stop does; what it
                        # still says is dropped, not kept for a replay.
                        forgotten = finished = True
                        stop.set()
                        continue
                    finished = finished or isinstance(event, TurnFinished)
        except asyncio.CancelledError:
            raise
        except CoreError as exc:
            await self._append_quietly(handle, TurnError(message=exc.detail, code=exc.code))
        except Exception:
            log.exception("chat turn %s failed", handle.turn_id)
            await self._append_quietly(
                handle, TurnError(message="Something went wrong on our side; please try again.")
            )
        finally:
            watcher.cancel()
            self._stops.pop(handle.turn_id, None)
            if self.heap is not None:
                self.heap.turn_finished()
            if not finished:
                # Readers stop at TurnFinished; a turn that died without one must still end.
                await self._append_quietly(
                    handle,
                    TurnFinished(
                        thread_id=handle.thread_id, turn_id=handle.turn_id, stopped=stop.is_set()
                    ),
                )

    async def _watch_stop(self, turn_id: str, stop: asyncio.Event) -> None:
        """Sets ``stop`` when another API process was asked to stop this turn."""
        while not stop.is_set():
            await asyncio.sleep(STOP_POLL_SECONDS)
            try:
                if await self.streams.recall(_stop_key(turn_id)) is not None:
                    stop.set()
            except Exception:  # a Redis hiccup: look again next time
                log.debug("looking for a stop of turn %s failed", turn_id, exc_info=True)
            end_if_cancelled()

    async def stop_turn(self, caller: Caller, turn_id: str) -> bool:
        """Ask the caller's turn to stop; False when it has already finished.

        The turn stops between effects (``concierge.graph``): a tool already running
        finishes, nothing after it starts, and the turn ends with ``stopped``. Works from
        any API process: the flag is also left in the streams' store, which the
        process running the turn looks at every ``STOP_POLL_SECONDS``.
        """
        await self.turn_for(caller, turn_id)  # NotFound when not the caller's
        last = await self.streams.last(turn_id)
        if last is not None and last[1].get("type") == "turn-finish":
            return False
        local = self._stops.get(turn_id)
        if local is not None:
            local.set()
        else:
            await self.streams.remember(_stop_key(turn_id), "1", STOP_KEY_TTL_SECONDS)
        return True

    @contextlib.asynccontextmanager
    async def _slot(self, handle: TurnHandle) -> AsyncIterator[None]:
        """One of the process's turn slots for the rest of the turn; while every slot is
        taken, the turn says so (``TurnQueued``) and waits its turn (asyncio's semaphore
        serves waiters first come, first served)."""
        if self._slots.locked():
            self._queued += 1
            try:
                await self._append_quietly(
                    handle,
                    TurnQueued(
                        thread_id=handle.thread_id, turn_id=handle.turn_id, position=self._queued
                    ),
                )
                await self._slots.acquire()
            finally:
                self._queued -= 1
        else:
            await self._slots.acquire()
        try:
            yield
        finally:
            self._slots.release()

    async def _append_quietly(self, handle: TurnHandle, event: AgentEvent) -> None:
        try:
            await self.streams.append(handle.turn_id, to_dict(event))
        except TurnForgotten:
            pass
        except Exception:
            log.warning("could not append %s to turn %s", event.type, handle.turn_id, exc_info=True)

    # ---------------------------------------------------------------- reading

    async def read_events(
        self, turn_id: str, *, after: str | None = None
    ) -> AsyncIterator[tuple[str, AgentEvent]]:
        """Yield ``(event_id, event)`` after position ``after`` until ``TurnFinished``.

        Blocks while the turn is still running. If the writer goes silent for
        ``idle_seconds`` (its process died), ends the stream with an error and a
        synthetic ``TurnFinished`` rather than hanging forever.
        """
        cursor = after
        last_seen = time.monotonic()
        meta: TurnMeta | None = None
        while True:
            try:
                batch = await self.streams.read(turn_id, after=cursor, block_ms=READ_BLOCK_MS)
            except _TRANSIENT as exc:
                # A slow or restarting Redis: keep the client's stream open and retry
                # (the idle limit below still ends it if nothing ever comes back).
                log.warning("reading turn %s failed (%s); retrying", turn_id, exc)
                await asyncio.sleep(0.2)
                batch = []
            if batch:
                last_seen = time.monotonic()
            for event_id, data in batch:
                cursor = event_id
                event = from_dict(data)
                yield event_id, event
                if isinstance(event, TurnFinished):
                    return
            if not batch and turn_id in self._forgotten:
                yield "", TurnFinished(thread_id="", turn_id=turn_id, stopped=True)
                return
            if not batch and cursor is not None:
                # Resuming after the last event of a finished turn: nothing more will come.
                last = await self.streams.last(turn_id)
                if last is not None and last[0] == cursor and last[1].get("type") == "turn-finish":
                    return
            if not batch and time.monotonic() - last_seen > self.idle_seconds:
                meta = meta or await self.streams.meta(turn_id)
                thread_id = meta.thread_id if meta else ""
                yield "", TurnError(message="The turn stopped responding.", code="TURN_LOST")
                yield "", TurnFinished(thread_id=thread_id, turn_id=turn_id)
                return

    async def turn_for(self, caller: Caller, turn_id: str) -> TurnMeta:
        """The turn's owner record, or ``NotFound`` if it is unknown or not the caller's."""
        meta = await self.streams.meta(turn_id)
        if meta is None or meta.user_id != caller.user_id or meta.org_id != caller.org_id:
            raise NotFound("No such turn.")
        return meta

    async def latest_turn(self, caller: Caller, thread_id: str) -> TurnMeta | None:
        """The caller's latest turn on ``thread_id`` still in the streams, if any."""
        turn_id = await self.streams.latest_turn(thread_id)
        if turn_id is None:
            return None
        meta = await self.streams.meta(turn_id)
        if meta is None or meta.user_id != caller.user_id or meta.org_id != caller.org_id:
            return None
        return meta

    async def forget_thread(self, caller: Caller, thread_id: str) -> None:
        """The caller deleted the thread: its running turn is stopped (between effects,
        from any process) and the streams forget its turns, so neither a replay nor a
        resume with ``Last-Event-ID`` finds them."""
        latest = await self.latest_turn(caller, thread_id)
        if latest is not None:
            with contextlib.suppress(NotFound):
                await self.stop_turn(caller, latest.turn_id)
            self._forgotten[latest.turn_id] = None
            while len(self._forgotten) > MAX_FORGOTTEN_REMEMBERED:
                self._forgotten.popitem(last=False)
        await self.streams.forget_thread(thread_id)

    async def thread(self, caller: Caller, thread_id: str) -> Any:
        engine = await self.engine()
        return await engine.thread(caller, thread_id)

    async def aclose(self) -> None:
        """Let running turns finish for a moment, then cancel the rest and close the agent."""
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
        if self._close_engine is not None:
            closer, self._close_engine = self._close_engine, None
            self._engine = None
            await closer()
        await self.streams.aclose()

    async def wait_idle(self) -> None:
        """Wait for every running turn (tests and graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*set(self._tasks), return_exceptions=True)


async def _aclose(iterator: AsyncIterator[Any]) -> None:
    closer = getattr(iterator, "aclose", None)
    if closer is not None:
        await closer()


# ------------------------------------------------------------ per-app access


#: Requests that start a chat turn (``TurnPrologues``).
TURN_STARTS = frozenset({("POST", "/v1/chat")})


class TurnPrologues:
    """ASGI middleware: a request that starts a chat turn is a prologue of the runner's
    CPU gate (``concierge.cpu_gate``) from its arrival until its response starts (the
    turn's ``start``, or a problem): the turns computing meanwhile give way at their
    next step, so forty first messages at once reach ``start`` without queueing behind
    them at every await (issue 15)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in TURN_STARTS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        if getattr(state, "turns", None) is None and getattr(state, "runtime", None) is None:
            await self.app(scope, receive, send)
            return
        end = turns_of(state).cpu.prologue()

        async def sent(message: Any) -> None:
            if message["type"] == "http.response.start":
                end()
            await send(message)

        try:
            await self.app(scope, receive, sent)
        finally:
            end()



def turns_of(app_state: Any) -> TurnRunner:
    """The app's runner, created on first use (tests may skip the lifespan)."""
    runner: TurnRunner | None = getattr(app_state, "turns", None)
    if runner is None:
        runtime: Runtime | None = getattr(app_state, "runtime", None)
        if runtime is None:  # pragma: no cover - only if the lifespan did not run
            raise RuntimeError("the application runtime is not started")
        runner = TurnRunner(
            runtime,
            engine=getattr(app_state, "concierge", None),
            heap=getattr(app_state, "heap", None),
        )
        app_state.turns = runner
    return runner


async def start_turn(
    app_state: Any,
    caller: Caller,
    *,
    thread_id: str | None = None,
    message: str | None = None,
    confirm: Any | None = None,
    action: Any | None = None,
    cards: bool = False,
) -> TurnHandle:
    """Start a turn (exactly one of ``message``/``confirm``/``action``); see
    :meth:`TurnRunner.start_turn`."""
    return await turns_of(app_state).start_turn(
        caller, thread_id=thread_id, message=message, confirm=confirm, action=action, cards=cards
    )


def read_events(
    app_state: Any, turn_id: str, *, after: str | None = None
) -> AsyncIterator[tuple[str, AgentEvent]]:
    """The turn's ``(event_id, event)`` pairs after ``after``, ending with ``TurnFinished``."""
    return turns_of(app_state).read_events(turn_id, after=after)
