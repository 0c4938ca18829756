"""Slack retries an event it thinks we missed (``X-Slack-Retry-Num``) with the same
``event_id``; this makes each event id run once.

The claim is an INSERT into ``idempotency_keys`` (unique per org/user/scope/key), so
it holds across API processes and restarts, and is reaped after the usual 24 h —
Slack gives up retrying long before that.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError

from core.models import IdempotencyRecord
from core.runtime import Runtime

SCOPE = "slack:event"


async def claim_event(rt: Runtime, *, team_id: str, event_id: str) -> bool:
    """True for the first delivery of ``event_id``, False for every retry of it."""
    now = rt.clock.now()
    try:
        async with rt.db.uow() as session:
            session.add(
                IdempotencyRecord(
                    org_id=f"slack:{team_id}"[:40],
                    user_id="slack",
                    scope=SCOPE,
                    key=event_id[:255],
                    request_hash=hashlib.sha256(event_id.encode()).hexdigest(),
                    status="done",
                    response_status=200,
                    response_body={},
                    created_at=now,
                    updated_at=now,
                )
            )
    except IntegrityError:
        return False
    return True
