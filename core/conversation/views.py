"""What the core answers about conversations: a thread as listed (ADR 0008)."""

from __future__ import annotations

from core.models import Thread
from core.views import UtcTime, View


class ThreadSummary(View):
    """One conversation in the caller's list: its title and when it was last active."""

    thread_id: str
    title: str | None
    channel: str
    created_at: UtcTime
    last_activity_at: UtcTime

    @classmethod
    def of(cls, thread: Thread) -> ThreadSummary:
        return cls(
            thread_id=thread.id,
            title=thread.title,
            channel=thread.channel,
            created_at=thread.created_at,
            last_activity_at=thread.updated_at,
        )


class ThreadPage(View):
    """A page of the caller's conversations, last activity first."""

    threads: list[ThreadSummary]
    next_cursor: str | None = None
