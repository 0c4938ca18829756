"""The traveller profile: who the caller is, their company, their manager, and whom
they may book for — and, when asked, their travel details (legal names, seat
preference, loyalty, documents; every number masked, from ``core.travellers``).
The one place that reads it; the agent's prompt and the ``get_traveler_profile``
tool both go through ``traveller_profile``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.booking.access import confirmed_trips_clause, has_confirmed_trips
from core.errors import NotFound
from core.identity import Caller
from core.models import Organization, PolicyDocument, User
from core.orgchart import bookable_traveler_ids, may_approve, may_approve_clause
from core.policy.rules import PolicyRules
from core.policy.service import get_rules, versioned_rules
from core.travellers.service import personal_profile
from core.travellers.views import PersonalProfile


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str


@dataclass(frozen=True)
class TravellerProfile:
    user_id: str
    name: str
    role: str
    department: str | None
    title: str | None
    company: str
    currency: str
    home_airport: str | None
    manager: Person | None
    preferences: dict[str, Any] = field(default_factory=dict)
    #: People this caller may book for besides themselves (only when asked for).
    can_book_for: list[Person] = field(default_factory=list)
    #: ``can_book_for`` is not everyone the caller may book for: it stopped at the number
    #: asked for, or lists only the people of the name asked about.
    can_book_for_partial: bool = False
    #: Travel details, numbers masked (only when asked for).
    personal: PersonalProfile | None = None


async def find_traveller_profile(
    session: AsyncSession,
    caller: Caller,
    *,
    reports: int = 0,
    personal: bool = False,
    named: str | None = None,
) -> TravellerProfile | None:
    """The caller's profile, or ``None`` if their user or organization row is gone.
    ``reports`` > 0 also lists up to that many people they may book for, by name — with
    ``named``, only those of that full or first name ("Zoe", "Zoe Young"), wherever they
    stand in the whole list; ``personal`` adds the travel details (masked)."""
    row = (await session.execute(_profile_rows(caller))).one_or_none()
    if row is None:
        return None
    user, org, manager = row
    return await _profile(
        session,
        caller,
        _Who.of(user, org, manager),
        reports,
        personal=user if personal else None,
        named=named,
    )


def _profile_rows(caller: Caller, *facts: Any) -> Select[Any]:
    """The caller's user, organization and manager (None when out of their organization)
    in one statement, and ``facts`` (columns) with them; no row when the user or the
    organization is gone."""
    manager = aliased(User)
    return (
        select(User, Organization, manager, *facts)
        .join(Organization, Organization.id == User.org_id)
        .outerjoin(manager, and_(manager.id == User.manager_id, manager.org_id == User.org_id))
        .where(User.id == caller.user_id, User.org_id == caller.org_id)
    )


@dataclass(frozen=True)
class PromptFacts:
    """What the concierge's prompt says about the caller (``concierge.service``)."""

    traveller: TravellerProfile | None
    approver: bool  # approval requests can wait on them (core.orgchart.may_approve)
    rules: PolicyRules
    confirmed_trips: bool  # they have a booking that can be changed


class _Who(NamedTuple):
    """The caller's fields a profile shows, from their user, organization and manager."""

    user_id: str
    name: str
    role: str
    department: str | None
    title: str | None
    home_airport: str | None
    preferences: dict[str, Any] | None
    company: str
    currency: str
    manager_id: str | None
    manager_name: str | None

    @classmethod
    def of(cls, user: User, org: Organization, manager: User | None) -> _Who:
        return cls(
            user.id, user.name, user.role, user.department, user.title, user.home_airport,
            user.preferences, org.name, org.currency,
            manager.id if manager is not None else None,
            manager.name if manager is not None else None,
        )  # fmt: skip


@lru_cache(maxsize=4096)
def _prompt_facts_statement(caller: Caller) -> Select[Any]:
    """:func:`prompt_facts`' statement, built once per caller (a statement is immutable;
    building it cost more CPU than running it, on every turn: issue 15). :class:`_Who`'s
    columns, not the ORM's rows: the prompt keeps nothing, and loading three entities
    (identity map, instance state) cost more CPU than the rest of the read."""
    manager = aliased(User)
    approver = may_approve_clause(caller).label("approver")
    confirmed = confirmed_trips_clause(caller).label("confirmed")
    policy = select(PolicyDocument.version, PolicyDocument.rules).where(
        PolicyDocument.org_id == caller.org_id
    )
    version = policy.with_only_columns(PolicyDocument.version).scalar_subquery()
    rules = policy.with_only_columns(PolicyDocument.rules).scalar_subquery()
    who = (
        User.id, User.name, User.role, User.department, User.title, User.home_airport,
        User.preferences, Organization.name, Organization.currency, manager.id, manager.name,
    )  # fmt: skip
    return (
        select(*who, approver, confirmed, version, rules)
        .join(Organization, Organization.id == User.org_id)
        .outerjoin(manager, and_(manager.id == User.manager_id, manager.org_id == User.org_id))
        .where(User.id == caller.user_id, User.org_id == caller.org_id)
    )


async def prompt_facts(session: AsyncSession, caller: Caller, *, reports: int) -> PromptFacts:
    """The caller's profile (with up to ``reports`` people they may book for when they
    approve trips), whether they approve, their organization's policy and whether they
    have confirmed trips: one statement (two for an approver with ``reports``)."""
    row = (await session.execute(_prompt_facts_statement(caller))).one_or_none()
    if row is None:  # the user or the organization is gone: the facts one by one
        return PromptFacts(
            traveller=None,
            approver=await may_approve(session, caller),
            rules=await get_rules(session, caller.org_id),
            confirmed_trips=await has_confirmed_trips(session, caller),
        )
    who = _Who(*row[: len(_Who._fields)])
    may, has_confirmed, policy_version, raw_rules = row[len(_Who._fields) :]
    return PromptFacts(
        traveller=await _profile(session, caller, who, reports if may else 0),
        approver=bool(may),
        rules=versioned_rules(caller.org_id, (policy_version, raw_rules))[1],
        confirmed_trips=bool(has_confirmed),
    )


async def _profile(
    session: AsyncSession,
    caller: Caller,
    who: _Who,
    reports: int,
    *,
    personal: User | None = None,
    named: str | None = None,
) -> TravellerProfile:
    """``personal``: the caller's user, to add their travel details (masked)."""
    people: list[Person] = []
    partial = False
    if reports > 0:
        # Exactly whom the booking core lets this caller book for (core.orgchart.RIGHTS).
        bookable = await bookable_traveler_ids(session, caller)
        stmt = select(User.id, User.name).where(
            User.org_id == caller.org_id, User.id != caller.user_id
        )
        if bookable is not None:
            stmt = stmt.where(User.id.in_(sorted(bookable)))
        said = " ".join((named or "").lower().split())
        if said:
            like = said.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            lowered = func.lower(User.name)
            stmt = stmt.where(or_(lowered == said, lowered.like(f"{like} %", escape="\\")))
        # One more than asked for tells whether the list stops short.
        rows = (await session.execute(stmt.order_by(User.name, User.id).limit(reports + 1))).all()
        people = [Person(user_id=uid, name=name) for uid, name in rows[:reports]]
        partial = bool(said) or len(rows) > reports
    return TravellerProfile(
        user_id=who.user_id,
        name=who.name,
        role=who.role,
        department=who.department,
        title=who.title,
        company=who.company,
        currency=who.currency,
        home_airport=who.home_airport,
        manager=Person(user_id=who.manager_id, name=who.manager_name or "")
        if who.manager_id is not None
        else None,
        preferences=dict(who.preferences or {}),
        can_book_for=people,
        can_book_for_partial=partial,
        personal=await personal_profile(session, personal) if personal is not None else None,
    )


async def traveller_profile(
    session: AsyncSession,
    caller: Caller,
    *,
    reports: int = 0,
    personal: bool = False,
    named: str | None = None,
) -> TravellerProfile:
    """``find_traveller_profile`` or ``NotFound``."""
    profile = await find_traveller_profile(
        session, caller, reports=reports, personal=personal, named=named
    )
    if profile is None:
        raise NotFound("Your profile was not found")
    return profile
