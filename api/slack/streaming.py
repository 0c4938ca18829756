"""A Slack answer that streams: posted once the turn has run for a moment, then edited
in place (``chat.update``) as its parts arrive, and finally replaced by the whole answer.

Slack has no token stream for bots' ordinary messages, so the answer is one message
edited as it grows. Edits are paced: at most one every ``UPDATE_SECONDS`` (Slack's
``chat.update`` is a Tier 3 method, about 50 a minute per workspace, and every edit
re-renders the message for everyone in the thread). A turn that is done before the
first edit would be due posts its answer once, as before — no message that flickers
from "…" to the answer within a second. The last call (``chat.update`` of the streamed
message, or the one ``chat.postMessage``) carries exactly the blocks and text a
non-streamed answer has.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

UPDATE_SECONDS = 1.0
WORKING = "_Working on it…_"


class StreamedReply:
    def __init__(
        self,
        client: Any,
        channel: str,
        thread_ts: str,
        *,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.interval = UPDATE_SECONDS if interval is None else interval
        self.clock = clock
        self.ts: str | None = None  # the streamed message, once posted
        self._latest: tuple[str, list[dict[str, Any]]] | None = None
        self._sent: tuple[str, list[dict[str, Any]]] | None = None
        self._lock = asyncio.Lock()
        self._pacer: asyncio.Task[None] | None = None
        self.edits = 0

    def progress(self, text: str, blocks: list[dict[str, Any]]) -> None:
        """The answer so far (sent at the next paced edit, if it is still the latest)."""
        self._latest = (text, blocks)
        if self._pacer is None:
            self._pacer = asyncio.create_task(self._pace(), name="slack-stream")

    async def _pace(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            latest = self._latest
            if latest is None or latest == self._sent:
                continue
            try:
                async with self._lock:
                    await self._send(*latest)
            except Exception:  # a failed edit: the final answer still comes
                log.warning("streaming a Slack answer failed", exc_info=True)

    async def _send(self, text: str, blocks: list[dict[str, Any]]) -> None:
        if self.ts is None:
            reply = await self.client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, text=text, blocks=blocks
            )
            self.ts = str(reply["ts"])
        else:
            await self.client.chat_update(channel=self.channel, ts=self.ts, text=text, blocks=blocks)
            self.edits += 1
        self._sent = (text, blocks)

    async def abandon(self) -> None:
        """No more edits (the turn's stream failed; the caller says what happened)."""
        if self._pacer is not None:
            self._pacer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pacer
            self._pacer = None

    async def finish(self, text: str, blocks: list[dict[str, Any]]) -> None:
        """The whole answer: the streamed message becomes it, or it is posted."""
        await self.abandon()
        async with self._lock:
            if self.ts is None:
                await self.client.chat_postMessage(
                    channel=self.channel, thread_ts=self.thread_ts, text=text, blocks=blocks
                )
            else:
                await self.client.chat_update(
                    channel=self.channel, ts=self.ts, text=text, blocks=blocks
                )
                self.edits += 1
