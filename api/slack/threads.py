"""Slack thread → conversation: one ``threads`` row per (org, channel, thread ts).

The rows are owned by ``core.conversation.threads``; this module only spells the key.
"""

from __future__ import annotations

from core.conversation.threads import find_thread_for_key, thread_for_key
from core.identity import Caller
from core.models import Thread
from core.runtime import Runtime

CHANNEL = "slack"


def external_key(channel: str, thread_ts: str) -> str:
    return f"{channel}:{thread_ts}"


async def find_thread(rt: Runtime, org_id: str, channel: str, thread_ts: str) -> Thread | None:
    return await find_thread_for_key(rt, org_id, CHANNEL, external_key(channel, thread_ts))


async def thread_for(
    rt: Runtime, caller: Caller, channel: str, thread_ts: str, *, title: str = ""
) -> Thread:
    """The conversation of this Slack thread, created for ``caller`` on first use (two
    first messages racing in a new Slack thread get the same row)."""
    return await thread_for_key(rt, caller, CHANNEL, external_key(channel, thread_ts), title=title)
