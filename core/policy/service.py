"""Reading and writing an organization's policy; turning a red verdict into an error.

Services take the session first and never commit: the edge does (Database.uow).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import NotFound, PolicyBlocked, ValidationFailed
from core.models import Organization, PolicyDocument
from core.policy.engine import Verdict
from core.policy.rules import PolicyRules, default_rules

# Parsed rules per (org, version). Parsing costs ~0.1 ms and the engine runs for
# every search, so it is worth keeping. The raw document is kept next to the parsed
# one and compared on every hit: a version number alone is not proof of content
# (a rolled-back write can leave a version that a later write reuses).
_CACHE_MAX = 512
_cache: dict[tuple[str, int], tuple[dict[str, Any], PolicyRules]] = {}
_cache_lock = threading.Lock()


async def get_rules(session: AsyncSession, org_id: str) -> PolicyRules:
    """The organization's policy; an organization without one gets :func:`default_rules`."""
    return (await get_versioned_rules(session, org_id))[1]


async def get_versioned_rules(session: AsyncSession, org_id: str) -> tuple[int, PolicyRules]:
    """The organization's policy and its version (0: none stored, :func:`default_rules`)."""
    row = (
        await session.execute(
            select(PolicyDocument.version, PolicyDocument.rules).where(
                PolicyDocument.org_id == org_id
            )
        )
    ).one_or_none()
    return versioned_rules(org_id, None if row is None else (row[0], row[1]))


def versioned_rules(org_id: str, row: tuple[Any, Any] | None) -> tuple[int, PolicyRules]:
    """:func:`get_versioned_rules` from the ``(version, rules)`` of the organization's
    ``policies`` row read elsewhere (None: it has none)."""
    if row is None or row[0] is None:
        return 0, default_rules()
    version, raw = int(row[0]), dict(row[1] or {})
    key = (org_id, version)
    cached = _cache.get(key)
    if cached is not None and cached[0] == raw:
        return version, cached[1]
    rules = _parse(raw)
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()  # policies change rarely; a full reset is simpler than LRU
        _cache[key] = (raw, rules)
    return version, rules


async def get_rules_version(session: AsyncSession, org_id: str) -> int:
    """Current policy version (0 when the organization runs on the default policy)."""
    version = await session.scalar(
        select(PolicyDocument.version).where(PolicyDocument.org_id == org_id)
    )
    return int(version or 0)


async def set_rules(
    session: AsyncSession,
    org_id: str,
    rules: PolicyRules | Mapping[str, Any],
    now: datetime,
) -> int:
    """Store ``rules`` as the organization's policy and return the new version.

    The first document is version 1; each write after that adds one. The upsert
    is one statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), so two
    concurrent writers get distinct versions instead of a duplicate-key error.
    """
    parsed = rules if isinstance(rules, PolicyRules) else _parse(dict(rules), bad_input=True)
    if await session.get(Organization, org_id) is None:
        raise NotFound("Organization not found")
    document = parsed.to_document()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(PolicyDocument).values(org_id=org_id, version=1, rules=document, updated_at=now)
    upsert = stmt.on_conflict_do_update(
        index_elements=[PolicyDocument.org_id],
        set_={
            "version": PolicyDocument.version + 1,
            "rules": stmt.excluded.rules,
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(PolicyDocument.version)
    version = int((await session.execute(upsert)).scalar_one())
    # The upsert bypassed the ORM: a PolicyDocument already loaded in this session
    # would be stale. Refresh it (expiring would make a later attribute read do
    # implicit I/O, which async sessions refuse).
    existing = session.sync_session.identity_map.get(
        session.sync_session.identity_key(PolicyDocument, org_id)
    )
    if existing is not None:
        await session.refresh(existing)
    return version


def ensure_not_blocked(verdict: Verdict) -> None:
    """Raise :class:`PolicyBlocked` when the verdict is red: red cannot be held."""
    if not verdict.is_blocked:
        return
    messages = verdict.red_messages()
    raise PolicyBlocked(
        "Blocked by the travel policy: " + "; ".join(messages),
        violations=[v.to_dict() for v in verdict.violations],
    )


def clear_cache() -> None:
    """Forget parsed policies (tests, or after an out-of-band edit of the table)."""
    with _cache_lock:
        _cache.clear()


def _parse(raw: dict[str, Any], *, bad_input: bool = False) -> PolicyRules:
    try:
        return PolicyRules.model_validate(raw)
    except ValidationError as exc:
        if bad_input:
            raise ValidationFailed(
                f"Invalid travel policy: {exc.error_count()} problem(s)",
                errors=exc.errors(include_url=False, include_context=False),
            ) from exc
        # A stored document that no longer parses is our bug, not the caller's.
        raise
