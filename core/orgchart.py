"""The org chart: who reports to whom, and whose trips a caller may see.

Shared by bookings and approvals (and the traveller-profile tool), so neither has
to import the other to answer "is this one of my reports?"."""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.identity import Caller
from core.models import ApprovalStep, Role, User

ORG_WIDE_ROLES = frozenset({Role.ADMIN, Role.FINANCE})
# Roles an approval workflow can route a step to whatever the chart says.
APPROVING_ROLES = frozenset({Role.MANAGER, Role.VP_FINANCE, Role.EXECUTIVE, Role.ADMIN})


async def report_ids(session: AsyncSession, manager: Caller) -> set[str]:
    """Everyone who reports to ``manager``, directly or through other managers."""
    rows = (
        await session.execute(select(User.id, User.manager_id).where(User.org_id == manager.org_id))
    ).all()
    children: dict[str, list[str]] = {}
    for user_id, manager_id in rows:
        if manager_id:
            children.setdefault(manager_id, []).append(user_id)
    found: set[str] = set()
    stack = list(children.get(manager.user_id, []))
    while stack:
        uid = stack.pop()
        if uid not in found:
            found.add(uid)
            stack.extend(children.get(uid, []))
    return found


async def visible_traveler_ids(session: AsyncSession, caller: Caller) -> set[str] | None:
    """``None`` means the whole organization."""
    if caller.role in ORG_WIDE_ROLES:
        return None
    return {caller.user_id} | await report_ids(session, caller)


async def may_approve(session: AsyncSession, caller: Caller) -> bool:
    """Whether approval requests can ever wait on ``caller``: an approving role,
    someone reporting to them (the manager step and escalations go up the chart),
    or a step already assigned to them. Only decides what the concierge offers;
    deciding is checked on every call by the approval service."""
    if caller.role in APPROVING_ROLES:
        return True
    has_reports = exists().where(User.org_id == caller.org_id, User.manager_id == caller.user_id)
    assigned = exists().where(
        ApprovalStep.org_id == caller.org_id,
        or_(ApprovalStep.approver_id == caller.user_id, ApprovalStep.escalated_to == caller.user_id),
    )
    return bool(await session.scalar(select(or_(has_reports, assigned))))

