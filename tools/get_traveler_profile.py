"""get_traveler_profile: who the caller is, their travel details, and whom they may book for.

Numbers (passport, loyalty, known-traveller) are shown masked, as the core stores
them for reading: the clear numbers never reach this tool, so never the model."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.conversation.profile import traveller_profile
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import city_of


class GetTravelerProfileInput(BaseModel):
    """The profile is always the signed-in caller's."""

    model_config = ConfigDict(extra="forbid")

    named: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Someone the caller wants to book for, by full or first name: "
        "can_book_for then lists only the people of that name the caller may book for, "
        "however long the whole list is.",
    )


class PersonOut(BaseModel):
    user_id: str
    name: str


class DocumentOut(BaseModel):
    type: str = Field(examples=["passport"])
    issuing_country: str = Field(description="ISO country code", examples=["US"])
    number: str = Field(description="Masked: only the last characters show.")
    expires_on: date


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
    given_name: str | None = Field(default=None, description="Legal given name(s).")
    family_name: str | None = Field(default=None, description="Legal family name.")
    seat_preference: str = Field(default="none", description="aisle, window or none.")
    loyalty: dict[str, str] = Field(
        default_factory=dict, description="Airline code → loyalty number (masked)."
    )
    known_traveller_number: str | None = Field(default=None, description="Masked.")
    documents: list[DocumentOut] = Field(default_factory=list)
    preferences: dict[str, Any] = Field(default_factory=dict)
    can_book_for: list[PersonOut] = Field(
        default_factory=list,
        description="People this caller may book for (reserve's traveler_id), besides themselves.",
    )
    can_book_for_partial: bool = Field(
        default=False,
        description="can_book_for is not everyone (it stops at 25 people, or lists only those "
        "named): for someone not in it, ask again with `named`.",
    )


MAX_REPORTS = 25


async def run(ctx: ToolContext, data: GetTravelerProfileInput) -> GetTravelerProfileOutput:
    async with ctx.rt.db.uow(write=False) as session:
        profile = await traveller_profile(
            session, ctx.caller, reports=MAX_REPORTS, personal=True, named=data.named
        )
    personal = profile.personal
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
        given_name=personal.given_name if personal else None,
        family_name=personal.family_name if personal else None,
        seat_preference=str(personal.seat_preference) if personal else "none",
        loyalty=dict(personal.loyalty) if personal else {},
        known_traveller_number=personal.known_traveller_number if personal else None,
        documents=[
            DocumentOut(
                type=d.type, issuing_country=d.issuing_country, number=d.number,
                expires_on=d.expires_on,
            )
            for d in (personal.documents if personal else ())
        ],
        preferences=profile.preferences,
        can_book_for=[PersonOut(user_id=p.user_id, name=p.name) for p in profile.can_book_for],
        can_book_for_partial=profile.can_book_for_partial,
    )


TOOL: ToolSpec[GetTravelerProfileInput, GetTravelerProfileOutput] = ToolSpec(
    name="get_traveler_profile",
    description=(
        "The caller's profile: home airport, manager, legal names, seat preference, loyalty "
        "numbers and passports on file (numbers masked), preferences, people they may book for."
    ),
    input_model=GetTravelerProfileInput,
    output_model=GetTravelerProfileOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
