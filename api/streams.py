"""Per-turn event logs: what a chat turn emitted, readable by any API process.

A turn runs in a background task that *appends* its events here; every channel
(SSE chat, the OpenAI-compatible endpoint, Slack) *reads* from here. Reading is
by position, so a client that dropped resumes with ``Last-Event-ID`` and gets
exactly what it missed — from this process or, with Redis, from any other.

Two backends with one interface:

- :class:`MemoryStreams` — in-process lists and a condition variable (embedded
  mode; a reconnect must reach the same process);
- :class:`RedisStreams` — one Redis Stream per turn (``XADD``/``XREAD``), whose
  entry ids (``1733043600000-0``) are the positions.

With Redis configured they are combined by :class:`FallbackStreams`: Redis while it
answers, memory while it does not (``core.redis_health``), so chat keeps working
through an outage, in the degraded way embedded mode works (see the class).

Both keep a turn for ``ttl_seconds`` after its last event, remember each turn's
owner (thread, user, organization) and each thread's latest turn, and keep a
small key → value map with a TTL (the OpenAI-compatible endpoint's history →
thread lookup). A deleted thread is forgotten at once (``forget_thread``): its turns'
events, owners and latest-turn pointer go, so no replay outlives the delete.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import redis.asyncio as aioredis

from core.redis_health import REDIS_DOWN, RedisHealth

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 3600
# XREAD BLOCK must stay under the Redis client's socket timeout (2 s in core.runtime).
MAX_BLOCK_MS = 1000
MAX_EVENTS_PER_TURN = 10_000


class TurnForgotten(KeyError):
    """An append to a turn the store does not keep: its thread was deleted while it ran
    (``forget_thread``), or it was never opened here."""


@dataclass(frozen=True)
class TurnMeta:
    """Who a turn belongs to: checked before anyone may read its events."""

    turn_id: str
    thread_id: str
    user_id: str
    org_id: str


class TurnStreams(Protocol):
    async def open(self, meta: TurnMeta) -> None: ...
    async def start(self, meta: TurnMeta, event: Mapping[str, Any]) -> str:
        """``open`` and the turn's first ``append`` together (one round trip on Redis)."""
        ...

    async def append(self, turn_id: str, event: Mapping[str, Any]) -> str: ...
    async def read(
        self, turn_id: str, *, after: str | None = None, block_ms: int = 0
    ) -> list[tuple[str, dict[str, Any]]]: ...
    async def last(self, turn_id: str) -> tuple[str, dict[str, Any]] | None: ...
    async def meta(self, turn_id: str) -> TurnMeta | None: ...
    async def latest_turn(self, thread_id: str) -> str | None: ...
    async def forget_thread(self, thread_id: str) -> None: ...
    async def remember(self, key: str, value: str, ttl_seconds: int) -> None: ...
    async def recall(self, key: str) -> str | None: ...
    async def aclose(self) -> None: ...


# ------------------------------------------------------------------------ memory


@dataclass
class _MemoryTurn:
    meta: TurnMeta
    events: list[str] = field(default_factory=list)
    touched: float = field(default_factory=time.monotonic)


class MemoryStreams:
    """In-process turn logs. Entry ids are ``1``, ``2``, … (strings)."""

    def __init__(self, *, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self._turns: dict[str, _MemoryTurn] = {}
        self._latest: dict[str, str] = {}
        self._kv: dict[str, tuple[str, float]] = {}
        self._changed = asyncio.Condition()

    def _sweep(self) -> None:
        cutoff = time.monotonic() - self.ttl_seconds
        for turn_id in [t for t, turn in self._turns.items() if turn.touched < cutoff]:
            turn = self._turns.pop(turn_id)
            if self._latest.get(turn.meta.thread_id) == turn_id:
                del self._latest[turn.meta.thread_id]
        now = time.monotonic()
        for key in [k for k, (_, exp) in self._kv.items() if exp < now]:
            del self._kv[key]

    async def open(self, meta: TurnMeta) -> None:
        self._sweep()
        self._turns.setdefault(meta.turn_id, _MemoryTurn(meta))
        self._latest[meta.thread_id] = meta.turn_id

    async def start(self, meta: TurnMeta, event: Mapping[str, Any]) -> str:
        await self.open(meta)
        return await self.append(meta.turn_id, event)

    async def append(self, turn_id: str, event: Mapping[str, Any]) -> str:
        turn = self._turns.get(turn_id)
        if turn is None:
            raise TurnForgotten(turn_id)
        turn.events.append(json.dumps(event, separators=(",", ":")))
        turn.touched = time.monotonic()
        async with self._changed:
            self._changed.notify_all()
        return str(len(turn.events))

    def _after(self, turn_id: str, after: str | None) -> list[tuple[str, dict[str, Any]]]:
        turn = self._turns.get(turn_id)
        if turn is None:
            return []
        start = _position(after)
        return [(str(i + 1), json.loads(raw)) for i, raw in enumerate(turn.events) if i >= start]

    async def read(
        self, turn_id: str, *, after: str | None = None, block_ms: int = 0
    ) -> list[tuple[str, dict[str, Any]]]:
        found = self._after(turn_id, after)
        if found or block_ms <= 0:
            return found
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(self._after(turn_id, after))),
                    timeout=block_ms / 1000,
                )
            except TimeoutError:
                return []
        return self._after(turn_id, after)

    async def last(self, turn_id: str) -> tuple[str, dict[str, Any]] | None:
        turn = self._turns.get(turn_id)
        if turn is None or not turn.events:
            return None
        return str(len(turn.events)), json.loads(turn.events[-1])

    async def meta(self, turn_id: str) -> TurnMeta | None:
        turn = self._turns.get(turn_id)
        return turn.meta if turn is not None else None

    async def latest_turn(self, thread_id: str) -> str | None:
        return self._latest.get(thread_id)

    async def forget_thread(self, thread_id: str) -> None:
        for turn_id in [t for t, turn in self._turns.items() if turn.meta.thread_id == thread_id]:
            del self._turns[turn_id]
        self._latest.pop(thread_id, None)
        async with self._changed:  # a reader blocked on a forgotten turn looks again
            self._changed.notify_all()

    async def remember(self, key: str, value: str, ttl_seconds: int) -> None:
        self._kv[key] = (value, time.monotonic() + ttl_seconds)

    async def recall(self, key: str) -> str | None:
        item = self._kv.get(key)
        if item is None or item[1] < time.monotonic():
            return None
        return item[0]

    async def aclose(self) -> None:
        return None

    def holds(self, turn_id: str) -> bool:
        """Whether this process still keeps the turn (it is forgotten ``ttl_seconds`` after
        its last event)."""
        return turn_id in self._turns


def _position(after: str | None) -> int:
    if not after:
        return 0
    try:
        return max(int(after), 0)
    except ValueError:
        return 0


# ------------------------------------------------------------------------- redis


# XADD and refresh both TTLs, only while the turn's meta hash exists; nil otherwise.
_APPEND_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return id
"""


class RedisStreams:
    """One Redis Stream per turn (``chat:turn:{id}``), shared by every API process."""

    def __init__(
        self, redis: Any, *, ttl_seconds: int = DEFAULT_TTL_SECONDS, prefix: str = "chat:"
    ) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.prefix = prefix
        self._append_script = redis.register_script(_APPEND_SCRIPT)

    def _events(self, turn_id: str) -> str:
        return f"{self.prefix}turn:{turn_id}"

    def _meta(self, turn_id: str) -> str:
        return f"{self.prefix}turn:{turn_id}:meta"

    def _latest(self, thread_id: str) -> str:
        return f"{self.prefix}thread:{thread_id}:latest"

    def _thread_turns(self, thread_id: str) -> str:
        return f"{self.prefix}thread:{thread_id}:turns"

    async def open(self, meta: TurnMeta) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            self._open_in(pipe, meta)
            await pipe.execute()

    async def start(self, meta: TurnMeta, event: Mapping[str, Any]) -> str:
        """The owner record and the first event in one MULTI: one round trip before a
        chat's ``start`` can be sent (issue 15)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            self._open_in(pipe, meta)
            pipe.xadd(
                self._events(meta.turn_id),
                {"e": json.dumps(event, separators=(",", ":"))},
                maxlen=MAX_EVENTS_PER_TURN,
                approximate=True,
            )
            pipe.expire(self._events(meta.turn_id), self.ttl_seconds)
            replies = await pipe.execute()
        return _text(replies[-2])

    def _open_in(self, pipe: Any, meta: TurnMeta) -> None:
        pipe.hset(
            self._meta(meta.turn_id),
            mapping={
                "thread_id": meta.thread_id,
                "user_id": meta.user_id,
                "org_id": meta.org_id,
            },
        )
        pipe.expire(self._meta(meta.turn_id), self.ttl_seconds)
        pipe.set(self._latest(meta.thread_id), meta.turn_id, ex=self.ttl_seconds)
        # The thread's turns, for forget_thread (outlives each of them by design).
        pipe.sadd(self._thread_turns(meta.thread_id), meta.turn_id)
        pipe.expire(self._thread_turns(meta.thread_id), self.ttl_seconds)

    async def append(self, turn_id: str, event: Mapping[str, Any]) -> str:
        # Only while the turn's owner record is kept: after its thread was deleted
        # (forget_thread) an XADD would bring the turn's events back for an hour.
        entry_id = await self._append_script(
            keys=[self._events(turn_id), self._meta(turn_id)],
            args=[json.dumps(event, separators=(",", ":")), MAX_EVENTS_PER_TURN, self.ttl_seconds],
        )
        if entry_id is None:
            raise TurnForgotten(turn_id)
        return _text(entry_id)

    async def read(
        self, turn_id: str, *, after: str | None = None, block_ms: int = 0
    ) -> list[tuple[str, dict[str, Any]]]:
        key = self._events(turn_id)
        cursor = after or "0-0"
        block = min(block_ms, MAX_BLOCK_MS) if block_ms > 0 else None
        reply = await self.redis.xread({key: cursor}, count=500, block=block)
        out: list[tuple[str, dict[str, Any]]] = []
        for _stream, entries in reply or []:
            for entry_id, fields in entries:
                raw = fields.get("e") if "e" in fields else fields.get(b"e")
                out.append((_text(entry_id), json.loads(raw)))
        return out

    async def last(self, turn_id: str) -> tuple[str, dict[str, Any]] | None:
        entries = await self.redis.xrevrange(self._events(turn_id), count=1)
        if not entries:
            return None
        entry_id, fields = entries[0]
        raw = fields.get("e") if "e" in fields else fields.get(b"e")
        return _text(entry_id), json.loads(raw)

    async def meta(self, turn_id: str) -> TurnMeta | None:
        data = await self.redis.hgetall(self._meta(turn_id))
        if not data:
            return None
        fields = {_text(k): _text(v) for k, v in data.items()}
        return TurnMeta(
            turn_id=turn_id,
            thread_id=fields["thread_id"],
            user_id=fields["user_id"],
            org_id=fields["org_id"],
        )

    async def latest_turn(self, thread_id: str) -> str | None:
        value = await self.redis.get(self._latest(thread_id))
        return _text(value) if value is not None else None

    async def forget_thread(self, thread_id: str) -> None:
        turns = {_text(t) for t in await self.redis.smembers(self._thread_turns(thread_id))}
        latest = await self.redis.get(self._latest(thread_id))
        if latest is not None:  # a turn opened before the thread's set was kept
            turns.add(_text(latest))
        keys = [k for t in sorted(turns) for k in (self._events(t), self._meta(t))]
        await self.redis.delete(*keys, self._latest(thread_id), self._thread_turns(thread_id))

    async def remember(self, key: str, value: str, ttl_seconds: int) -> None:
        await self.redis.set(f"{self.prefix}kv:{key}", value, ex=ttl_seconds)

    async def recall(self, key: str) -> str | None:
        value = await self.redis.get(f"{self.prefix}kv:{key}")
        return _text(value) if value is not None else None

    async def aclose(self) -> None:
        await self.redis.aclose()

    async def drop_connections(self) -> None:
        """Close every pooled connection (after Redis went away): a transaction pipeline
        is not retried on a connection the old server closed, so none may outlive it."""
        try:
            await self.redis.connection_pool.disconnect()
        except Exception:  # pragma: no cover - closing dead sockets
            log.debug("dropping redis connections failed", exc_info=True)


# --------------------------------------------------------------- redis, or memory

# Turns this process opened, remembered for a move to memory in the middle of a turn.
# Those running are the newest; far more than ``chat_max_concurrent_turns`` is plenty.
MAX_OPENED_REMEMBERED = 4096


class FallbackStreams:
    """Redis Streams while Redis answers; this process's memory while it does not.

    A turn opened while Redis is down lives in memory, and so does the rest of a turn
    whose append found Redis gone (its readers here carry on from memory; a Redis
    cursor reads a moved turn from its first event in memory). Such a turn stays in
    memory when Redis comes back: a turn is never split between the two after that.
    Readers of a turn this process does not hold, while Redis is down, wait as for a
    silent writer. Degraded like embedded mode: a turn in memory is readable only on
    this process. ``core.redis_health`` logs the outage once and paces the retries.
    """

    def __init__(self, primary: RedisStreams, fallback: MemoryStreams, health: RedisHealth) -> None:
        self.primary = primary
        self.fallback = fallback
        self.health = health
        self._opened: OrderedDict[str, TurnMeta] = OrderedDict()
        self._local: set[str] = set()  # turns living in memory
        self._latest_local: dict[str, str] = {}  # thread → its newest turn, when in memory

    async def _down(self, exc: BaseException) -> None:
        self.health.failed(exc)
        await self.primary.drop_connections()

    def _remember(self, meta: TurnMeta) -> None:
        self._opened[meta.turn_id] = meta
        while len(self._opened) > MAX_OPENED_REMEMBERED:
            self._opened.popitem(last=False)

    async def _go_local(self, meta: TurnMeta) -> None:
        if len(self._local) > MAX_OPENED_REMEMBERED:  # forget the turns memory forgot
            self._local = {t for t in self._local if self.fallback.holds(t)}
            self._latest_local = {
                th: t for th, t in self._latest_local.items() if self.fallback.holds(t)
            }
        await self.fallback.open(meta)
        self._local.add(meta.turn_id)
        self._latest_local[meta.thread_id] = meta.turn_id

    async def open(self, meta: TurnMeta) -> None:
        self._remember(meta)
        if self.health.should_try():
            try:
                await self.primary.open(meta)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                self._latest_local.pop(meta.thread_id, None)
                return
        await self._go_local(meta)

    async def start(self, meta: TurnMeta, event: Mapping[str, Any]) -> str:
        self._remember(meta)
        if self.health.should_try():
            try:
                entry_id = await self.primary.start(meta, event)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                self._latest_local.pop(meta.thread_id, None)
                return entry_id
        await self._go_local(meta)
        return await self.fallback.append(meta.turn_id, event)

    async def append(self, turn_id: str, event: Mapping[str, Any]) -> str:
        if turn_id not in self._local:
            if self.health.should_try():
                try:
                    entry_id = await self.primary.append(turn_id, event)
                except REDIS_DOWN as exc:
                    await self._down(exc)
                else:
                    self.health.succeeded()
                    return entry_id
            meta = self._opened.get(turn_id)
            if meta is None:  # only the process that opened a turn writes to it
                raise KeyError(f"turn {turn_id} was not opened by this process")
            await self._go_local(meta)  # Redis went away in the middle of this turn
        return await self.fallback.append(turn_id, event)

    async def read(
        self, turn_id: str, *, after: str | None = None, block_ms: int = 0
    ) -> list[tuple[str, dict[str, Any]]]:
        if turn_id not in self._local and self.health.should_try():
            try:
                found = await self.primary.read(turn_id, after=after, block_ms=block_ms)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                return found
        # Blocks like a Redis read: wakes when the turn's writer here moves it to memory.
        return await self.fallback.read(turn_id, after=after, block_ms=block_ms)

    async def last(self, turn_id: str) -> tuple[str, dict[str, Any]] | None:
        if turn_id not in self._local and self.health.should_try():
            try:
                found = await self.primary.last(turn_id)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                return found
        return await self.fallback.last(turn_id)

    async def meta(self, turn_id: str) -> TurnMeta | None:
        if turn_id not in self._local and self.health.should_try():
            try:
                found = await self.primary.meta(turn_id)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                return found
        return self._opened.get(turn_id) or await self.fallback.meta(turn_id)

    async def latest_turn(self, thread_id: str) -> str | None:
        local = self._latest_local.get(thread_id)
        if local is not None:
            return local
        if self.health.should_try():
            try:
                found = await self.primary.latest_turn(thread_id)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                return found
        return None

    async def forget_thread(self, thread_id: str) -> None:
        """Forget it in memory and on Redis. Redis down: its keys there stay until their
        TTL, unread — the thread's reads check the database's delete first."""
        for turn_id in [t for t, m in self._opened.items() if m.thread_id == thread_id]:
            del self._opened[turn_id]
            self._local.discard(turn_id)
        self._latest_local.pop(thread_id, None)
        await self.fallback.forget_thread(thread_id)
        if self.health.should_try():
            try:
                await self.primary.forget_thread(thread_id)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()

    async def remember(self, key: str, value: str, ttl_seconds: int) -> None:
        if self.health.should_try():
            try:
                await self.primary.remember(key, value, ttl_seconds)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                return
        await self.fallback.remember(key, value, ttl_seconds)

    async def recall(self, key: str) -> str | None:
        if self.health.should_try():
            try:
                found = await self.primary.recall(key)
            except REDIS_DOWN as exc:
                await self._down(exc)
            else:
                self.health.succeeded()
                if found is not None:
                    return found
        return await self.fallback.recall(key)  # remembered here during an outage

    async def aclose(self) -> None:
        await self.fallback.aclose()
        await self.primary.aclose()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# Blocking reads hold a connection for up to MAX_BLOCK_MS; under CPU load the reply can
# take much longer to be read, so the streams' own client waits far longer than the
# runtime's (2 s), whose timeouts suit short commands.
STREAM_SOCKET_TIMEOUT_SECONDS = 15.0


def build_streams(
    redis_url: str | None,
    *,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    health: RedisHealth | None = None,
) -> TurnStreams:
    """Redis Streams when Redis is configured (several processes), falling back to memory
    while it is down; memory otherwise. ``health``: the runtime's, shared with the locks,
    the cache and the rate limiter, so one outage is one log line."""
    memory = MemoryStreams(ttl_seconds=ttl_seconds)
    if redis_url:
        client = aioredis.from_url(
            redis_url,
            socket_timeout=STREAM_SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=2,
            decode_responses=True,
        )
        primary = RedisStreams(client, ttl_seconds=ttl_seconds)
        return FallbackStreams(primary, memory, health or RedisHealth())
    return memory
