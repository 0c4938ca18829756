"""Slack user → traveller."""

from __future__ import annotations

from sqlalchemy import select

from core.identity import Caller
from core.models import User
from core.runtime import Runtime

NOT_LINKED = (
    "Hi! I can't book travel for you yet: your Slack account isn't linked to a traveller "
    "profile. Please ask your travel administrator to link it, then try again."
)


async def caller_for_slack_user(rt: Runtime, slack_user_id: str) -> Caller | None:
    """The traveller linked to this Slack user, or ``None`` (never a guess by name or email)."""
    if not slack_user_id:
        return None
    async with rt.db.uow(write=False) as session:
        user = await session.scalar(select(User).where(User.slack_user_id == slack_user_id))
        return Caller.of(user) if user is not None else None
