"""Conversations: who owns a thread, and what each turn cost in tokens.

The LangGraph checkpoint holds the messages; ownership, the channel mapping
(a Slack thread, an OpenAI-endpoint history) and usage live here so they can be
queried, scoped by organization, and joined like any other row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (
        # The caller's conversations, last activity first, keyset-paginated on
        # (updated_at, id): one index range scan per page however many there are.
        Index("ix_threads_org_user_activity", "org_id", "user_id", "updated_at", "id"),
        # One conversation per channel key (e.g. a Slack thread ts) within an org.
        UniqueConstraint("org_id", "channel", "external_key", name="org_channel_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    external_key: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The turn now running on this thread, claimed with a conditional UPDATE so that
    # two API processes never run turns of one conversation at once, Redis or not.
    turn_id: Mapped[str | None] = mapped_column(String(40))
    turn_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Soft delete: the owner no longer sees it (404 like any other missing thread);
    # the checkpoint and the usage rows stay for audit and accounting.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TurnUsage(Base):
    """Tokens of one turn: the model's own usage figures when it reports them,
    our tiktoken count of the request otherwise."""

    __tablename__ = "turn_usage"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"), index=True)
    turn_id: Mapped[str] = mapped_column(String(40), unique=True)
    model: Mapped[str] = mapped_column(String(100))
    model_calls: Mapped[int] = mapped_column(default=0)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    # Our own count of what we sent (the budget's view), next to the API's figure.
    counted_prompt_tokens: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
