"""get_traveler_profile: who the caller is, and whom they may book for."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.conversation.profile import traveller_profile
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
    async with ctx.rt.db.uow(write=False) as session:
        profile = await traveller_profile(session, ctx.caller, reports=MAX_REPORTS)
    return GetTravelerProfileOutput(
        user_id=profile.user_id,
        name=profile.name,
        role=profile.role,
        department=profile.department,
        title=profile.title,
        company=profile.company,
        currency=profile.currency,
        home_airport=profile.home_airport,
        home_city=city_of(profile.home_airport) if profile.home_airport else None,
        manager=PersonOut(user_id=profile.manager.user_id, name=profile.manager.name)
        if profile.manager is not None
        else None,
        preferences=profile.preferences,
        can_book_for=[PersonOut(user_id=p.user_id, name=p.name) for p in profile.can_book_for],
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
