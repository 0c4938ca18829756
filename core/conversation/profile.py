"""The traveller profile: who the caller is, their company, their manager, and whom
they may book for — and, when asked, their travel details (legal names, seat
preference, loyalty, documents; every number masked, from ``core.travellers``).
The one place that reads it; the agent's prompt and the ``get_traveler_profile``
tool both go through ``traveller_profile``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import NotFound
from core.identity import Caller
from core.models import Organization, User
from core.orgchart import bookable_traveler_ids
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
    #: Travel details, numbers masked (only when asked for).
    personal: PersonalProfile | None = None


async def find_traveller_profile(
    session: AsyncSession, caller: Caller, *, reports: int = 0, personal: bool = False
) -> TravellerProfile | None:
    """The caller's profile, or ``None`` if their user or organization row is gone.
    ``reports`` > 0 also lists up to that many people they may book for, by name;
    ``personal`` adds the travel details (masked)."""
    user = await session.get(User, caller.user_id)
    org = await session.get(Organization, caller.org_id)
    if user is None or org is None or user.org_id != caller.org_id:
        return None
    manager = await session.get(User, user.manager_id) if user.manager_id else None
    people: list[Person] = []
    if reports > 0:
        # Exactly whom the booking core lets this caller book for (core.orgchart.RIGHTS).
        bookable = await bookable_traveler_ids(session, caller)
        stmt = select(User.id, User.name).where(
            User.org_id == caller.org_id, User.id != caller.user_id
        )
        if bookable is not None:
            stmt = stmt.where(User.id.in_(sorted(bookable)))
        rows = await session.execute(stmt.order_by(User.name, User.id).limit(reports))
        people = [Person(user_id=uid, name=name) for uid, name in rows.all()]
    return TravellerProfile(
        user_id=user.id,
        name=user.name,
        role=user.role,
        department=user.department,
        title=user.title,
        company=org.name,
        currency=org.currency,
        home_airport=user.home_airport,
        manager=Person(user_id=manager.id, name=manager.name)
        if manager is not None and manager.org_id == caller.org_id
        else None,
        preferences=dict(user.preferences or {}),
        can_book_for=people,
        personal=await personal_profile(session, user) if personal else None,
    )


async def traveller_profile(
    session: AsyncSession, caller: Caller, *, reports: int = 0, personal: bool = False
) -> TravellerProfile:
    """``find_traveller_profile`` or ``NotFound``."""
    profile = await find_traveller_profile(session, caller, reports=reports, personal=personal)
    if profile is None:
        raise NotFound("Your profile was not found")
    return profile
