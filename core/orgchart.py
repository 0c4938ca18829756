"""The org chart: who reports to whom, and whose trips a caller may see and act on.

Shared by bookings and approvals (and the traveller-profile tool), so neither has
to import the other to answer "is this one of my reports?"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.identity import Caller
from core.models import ApprovalStep, Role, User

Scope = Literal["own", "reports", "organization"]


@dataclass(frozen=True)
class RoleRights:
    """Whose trips a role sees, and whose it acts on (books, confirms, cancels, rebooks);
    whether it works the manual-review queue and settles money there.

    ``own``: the caller's own trips (as traveller or as the one who booked them);
    ``reports``: those and the trips of everyone who reports to the caller, at any depth;
    ``organization``: everyone's in the organization.
    """

    sees: Scope
    acts_for: Scope
    #: Works the manual-review queue (``GET /v1/admin/review``): reads it and resolves
    #: its items with a note.
    reviews: bool = False
    #: Settles a reconciliation exception as disputed, written off or adjusted.
    settles: bool = False


#: The one table of what each role may do (written out in the README, "Roles").
#: Org-wide reading is not acting: finance reads every trip and acts on its own only;
#: the admin, the travel administrator, acts for anyone.
RIGHTS: dict[Role, RoleRights] = {
    Role.TRAVELER: RoleRights(sees="reports", acts_for="reports"),
    Role.MANAGER: RoleRights(sees="reports", acts_for="reports"),
    Role.VP_FINANCE: RoleRights(sees="reports", acts_for="reports"),
    Role.EXECUTIVE: RoleRights(sees="reports", acts_for="reports"),
    Role.FINANCE: RoleRights(sees="organization", acts_for="own", reviews=True, settles=True),
    Role.ADMIN: RoleRights(sees="organization", acts_for="organization", reviews=True),
}
_UNKNOWN_ROLE = RoleRights(sees="own", acts_for="own")

ORG_WIDE_ROLES = frozenset(r for r, rights in RIGHTS.items() if rights.sees == "organization")
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


def reports_select(manager: Caller) -> Select[tuple[str]]:
    """:func:`report_ids` less the manager themself (there only on a chart with a cycle) as
    a subquery (a recursive CTE down the chart), to read with the rows it narrows in one
    statement (issue 15: one statement fewer a list of trips). ``UNION`` (not ``UNION
    ALL``) ends on a chart with a cycle, as the set does."""
    below = aliased(User)
    tree = (
        select(User.id)
        .where(User.org_id == manager.org_id, User.manager_id == manager.user_id)
        .cte("reports", recursive=True)
    )
    tree = tree.union(
        select(below.id).where(below.org_id == manager.org_id, below.manager_id == tree.c.id)
    )
    return select(tree.c.id).where(tree.c.id != manager.user_id)


def visible_clause(
    caller: Caller, traveler: SQLColumnExpression[str]
) -> ColumnElement[bool] | None:
    """:func:`visible_traveler_ids` as a condition on ``traveler`` (a traveller id column),
    read in the statement it narrows; ``None``: the whole organization."""
    scope = rights_of(caller).sees
    if scope == "organization":
        return None
    if scope == "own":
        return traveler == caller.user_id
    return or_(traveler == caller.user_id, traveler.in_(reports_select(caller)))


def rights_of(caller: Caller) -> RoleRights:
    return role_rights(caller.role)


def role_rights(role: str) -> RoleRights:
    """What a role may see and act on (an unknown role: its own trips only)."""
    try:
        return RIGHTS[Role(role)]
    except ValueError:
        return _UNKNOWN_ROLE


async def _travelers_in(session: AsyncSession, caller: Caller, scope: Scope) -> set[str] | None:
    if scope == "organization":
        return None
    if scope == "own":
        return {caller.user_id}
    return {caller.user_id} | await report_ids(session, caller)


async def visible_traveler_ids(session: AsyncSession, caller: Caller) -> set[str] | None:
    """Whose trips ``caller`` may see. ``None`` means the whole organization."""
    return await _travelers_in(session, caller, rights_of(caller).sees)


async def bookable_traveler_ids(session: AsyncSession, caller: Caller) -> set[str] | None:
    """Whose trips ``caller`` may book, confirm, cancel or change. ``None``: anyone's in
    the organization."""
    return await _travelers_in(session, caller, rights_of(caller).acts_for)


async def may_approve(session: AsyncSession, caller: Caller) -> bool:
    """Whether approval requests can ever wait on ``caller``: an approving role,
    someone reporting to them (the manager step and escalations go up the chart),
    or a step already assigned to them. Only decides what the concierge offers;
    deciding is checked on every call by the approval service."""
    if caller.role in APPROVING_ROLES:
        return True
    return bool(await session.scalar(select(may_approve_clause(caller))))


def may_approve_clause(caller: Caller) -> ColumnElement[bool]:
    """:func:`may_approve` as a column, to read with other facts in one statement."""
    if caller.role in APPROVING_ROLES:
        return true()
    has_reports = exists().where(User.org_id == caller.org_id, User.manager_id == caller.user_id)
    assigned = exists().where(
        ApprovalStep.org_id == caller.org_id,
        or_(ApprovalStep.approver_id == caller.user_id, ApprovalStep.escalated_to == caller.user_id),
    )
    return or_(has_reports, assigned)

