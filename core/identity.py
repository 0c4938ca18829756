"""The caller: always from authentication, never from model or request arguments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Unauthorized
from core.models import Role, User


@dataclass(frozen=True)
class Caller:
    user_id: str
    org_id: str
    role: str
    name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @classmethod
    def of(cls, user: User) -> Caller:
        return cls(user_id=user.id, org_id=user.org_id, role=user.role, name=user.name)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def authenticate(session: AsyncSession, token: str | None) -> Caller:
    if not token:
        raise Unauthorized("Missing bearer token")
    user = await session.scalar(select(User).where(User.token_hash == hash_token(token)))
    if user is None:
        raise Unauthorized("Unknown or revoked token")
    return Caller.of(user)
