"""get_traveler_profile: who the caller is, and whom they may book for."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from core.errors import NotFound
from core.models import Organization, User
from core.orgchart import report_ids
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import city_of


class GetTravelerProfileInput(BaseModel):
    """No arguments: the profile is always the signed-in caller's."""

    model_config = ConfigDict(extra="forbid")


class PersonOut(BaseModel):
    user_id: str
    name: str


class GetTravelerProfileOutput(BaseModel):
    user_id: str
    name: str
    role: str
    department: str | None = None
    title: str | None = None
    company: str
    currency: str = Field(description="The company's currency; prices are in it.")
    home_airport: str | None = None
    home_city: str | None = None
    manager: PersonOut | None = None
    preferences: dict[str, Any] = Field(default_factory=dict)
    can_book_for: list[PersonOut] = Field(
        default_factory=list,
        description="People this caller may book for (reserve's traveler_id), besides themselves.",
    )


MAX_REPORTS = 25


async def run(ctx: ToolContext, data: GetTravelerProfileInput) -> GetTravelerProfileOutput:
    caller = ctx.caller
    async with ctx.rt.db.uow(write=False) as session:
        user = await session.get(User, caller.user_id)
        org = await session.get(Organization, caller.org_id)
        if user is None or org is None or user.org_id != caller.org_id:
            raise NotFound("Your profile was not found")
        manager = await session.get(User, user.manager_id) if user.manager_id else None
        reports = sorted(await report_ids(session, caller))[:MAX_REPORTS]
        people = (
            (
                await session.execute(
                    select(User.id, User.name)
                    .where(User.org_id == caller.org_id, User.id.in_(reports))
                    .order_by(User.name)
                )
            ).all()
            if reports
            else []
        )
    return GetTravelerProfileOutput(
        user_id=user.id,
        name=user.name,
        role=user.role,
        department=user.department,
        title=user.title,
        company=org.name,
        currency=org.currency,
        home_airport=user.home_airport,
        home_city=city_of(user.home_airport) if user.home_airport else None,
        manager=PersonOut(user_id=manager.id, name=manager.name)
        if manager is not None and manager.org_id == caller.org_id
        else None,
        preferences=dict(user.preferences or {}),
        can_book_for=[PersonOut(user_id=uid, name=name) for uid, name in people],
    )


TOOL: ToolSpec[GetTravelerProfileInput, GetTravelerProfileOutput] = ToolSpec(
    name="get_traveler_profile",
    description=(
        "The caller's profile: home airport, manager, preferences, people they may book for."
    ),
    input_model=GetTravelerProfileInput,
    output_model=GetTravelerProfileOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
