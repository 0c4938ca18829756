"""What tells an event stream to read the outbox now, in this process and in every other.

A hint, never the data: the streams read the events themselves from the outbox
(``feed.py``), so a hint lost (Redis down, a reconnect) only delays an event until the
next poll, and a hint too many costs one empty read.

* A commit that wrote outbox rows (``core.outbox`` notes their organizations in
  ``session.info``; ``Database.commit_listeners`` calls :meth:`EventWakeups.committed`)
  wakes this process's streams of those organizations at once, and publishes each
  organization's id on one Redis channel (per Redis database number: pub/sub channels
  belong to the whole server, so deployments — or test workers — that keep their keys
  in separate databases of one Redis would otherwise wake each other's streams).
* One subscription per process (started with its first stream, stopped with its last)
  turns those messages into the same local wake-ups: a decision taken on one API process
  reaches a page open on another within a round trip.
* While the subscription is live, streams still read every ``events_redis_poll_seconds``
  (pub/sub delivers at most once); without Redis, or while it is down, every
  ``events_poll_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from core.config import Settings
from core.events.horizon import CommitHorizon
from core.outbox import EMITTED_FOR
from core.redis_health import REDIS_DOWN, RedisHealth, end_if_cancelled

log = logging.getLogger(__name__)

CHANNEL = "concierge:events"


def channel_of(redis: Any | None) -> str:
    """``concierge:events:<db>``: the channel of the Redis database ``redis`` uses."""
    kwargs = getattr(getattr(redis, "connection_pool", None), "connection_kwargs", None) or {}
    return f"{CHANNEL}:{kwargs.get('db', 0)}"


class EventWakeups:
    """The wake-ups of one runtime's event streams (one per process)."""

    def __init__(self, settings: Settings, *, redis: Any | None, health: RedisHealth) -> None:
        self.settings = settings
        self.redis = redis
        self.health = health
        self.channel = channel_of(redis)
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._listener: asyncio.Task[None] | None = None
        #: Whether this process's Redis subscription is live (streams may poll slowly).
        self.subscribed = False
        #: Tests switch the publishing off to show what it carries.
        self.publish_enabled = True
        #: How far the streams may read (``core.events.horizon``): one per process, so a
        #: gap all its streams see is timed once.
        self.horizon = CommitHorizon(grace_seconds=settings.events_gap_grace_seconds)

    # -- writers ----------------------------------------------------------------------

    async def committed(self, info: Mapping[str, Any]) -> None:
        """A unit of work committed (``Database.commit_listeners``)."""
        orgs = sorted(info.get(EMITTED_FOR) or ())
        if not orgs:
            return
        self._wake(orgs)
        await self._publish(orgs)

    async def _publish(self, orgs: list[str]) -> None:
        if self.redis is None or not self.publish_enabled or not self.health.should_try():
            return
        try:
            for org in orgs:
                await self.redis.publish(self.channel, org)
        except REDIS_DOWN as exc:
            self.health.failed(exc)
        else:
            self.health.succeeded()

    def _wake(self, orgs: Iterable[str]) -> None:
        for org in orgs:
            for woken in self._waiting.get(org, ()):
                woken.set()

    # -- readers ----------------------------------------------------------------------

    def poll_seconds(self) -> float:
        """How long a stream may wait for a wake-up before it reads anyway."""
        if self.subscribed:
            return self.settings.events_redis_poll_seconds
        return self.settings.events_poll_seconds

    @contextlib.asynccontextmanager
    async def watch(self, org_id: str) -> AsyncIterator[asyncio.Event]:
        """An event set whenever ``org_id`` may have new events, while the block runs."""
        woken = asyncio.Event()
        self._waiting.setdefault(org_id, set()).add(woken)
        if self.redis is not None and self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="event-wakeups")
        try:
            yield woken
        finally:
            waiting = self._waiting.get(org_id)
            if waiting is not None:
                waiting.discard(woken)
                if not waiting:
                    del self._waiting[org_id]
            if not self._waiting and self._listener is not None:
                await self.aclose()

    async def _listen(self) -> None:
        """Hold the process's subscription; on a Redis failure, poll and try again later."""
        assert self.redis is not None
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self.subscribed = True
                self.health.succeeded()
                while True:
                    # Shorter than the client's socket timeout: an idle channel is no error.
                    message = await pubsub.get_message(timeout=1.0)
                    end_if_cancelled()
                    if message is not None and message.get("type") == "message":
                        data = message.get("data")
                        self._wake([data.decode() if isinstance(data, bytes) else str(data)])
            except REDIS_DOWN as exc:
                self.subscribed = False
                self.health.failed(exc)
                await asyncio.sleep(self.settings.redis_retry_seconds)
            finally:
                self.subscribed = False
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def aclose(self) -> None:
        task, self._listener = self._listener, None
        self.subscribed = False
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
