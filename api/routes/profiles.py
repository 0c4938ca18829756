"""Traveller profiles: one's own (``/v1/me/profile``) and, for admins, their
organization's people (``/v1/users/{user_id}/profile``).

Numbers — passport, loyalty, known-traveller — are encrypted at rest and always
answered masked (``•••••1234``). PATCH is a merge patch: fields left out stay as
they are, ``null`` clears one, ``loyalty`` merges per airline (``null`` drops that
airline), ``documents`` is the complete list with each passport named by its issuing
country (for one already on file, leave ``number`` out to keep it). Applying the same
PATCH twice leaves the same profile, so it takes no ``Idempotency-Key`` (which would
also keep a digest of the personal data it carried). Bad input is a 422 with its own
code (``INVALID_NAME``, ``INVALID_DATE``, ``INVALID_SEAT_PREFERENCE``,
``DOCUMENT_EXPIRED``…) and its ``field``, and nothing is changed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.identity import Caller
from core.runtime import Runtime
from core.travellers.service import (
    KEEP,
    DocumentChange,
    ProfileChanges,
    read_profile,
    update_profile,
)
from core.travellers.views import PersonalProfile, TravellerNames

router = APIRouter(tags=["profiles"], responses=problem_responses(400, 401, 404, 422, 500))

UserIdPath = Annotated[
    str, Path(min_length=1, max_length=40, description="A person of your organization.")
]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(default="passport", description="Only `passport` for now.")
    issuing_country: str = Field(description="ISO 3166 code; names the passport.", examples=["US"])
    number: str | None = Field(
        default=None, description="Required for a new passport; leave out to keep the stored one."
    )
    nationality: str | None = Field(default=None, examples=["US"])
    expires_on: str | None = Field(default=None, description="YYYY-MM-DD", examples=["2031-06-30"])


class ProfilePatch(BaseModel):
    """Only the fields sent change; `null` clears one."""

    model_config = ConfigDict(extra="forbid")

    given_name: str | None = Field(default=None, description="As printed in the passport.")
    family_name: str | None = None
    date_of_birth: str | None = Field(default=None, description="YYYY-MM-DD")
    email: str | None = None
    phone: str | None = Field(default=None, examples=["+1 212 555 0142"])
    seat_preference: str | None = Field(default=None, description="`aisle`, `window` or `none`.")
    auto_check_in: bool | None = Field(
        default=None,
        description="Check in automatically when check-in opens and e-mail the boarding "
        "pass (`null` is `false`).",
    )
    known_traveller_number: str | None = None
    loyalty: dict[str, str | None] | None = Field(
        default=None,
        description="Airline code → number; `null` for an airline drops it.",
        examples=[{"BA": "40918263"}],
    )
    documents: list[DocumentIn] | None = Field(
        default=None, description="The complete list of passports on file."
    )

    def changes(self) -> ProfileChanges:
        sent = self.model_fields_set
        documents = (
            None
            if self.documents is None
            else [DocumentChange(**d.model_dump()) for d in self.documents]
        )
        return ProfileChanges(
            given_name=self.given_name if "given_name" in sent else KEEP,
            family_name=self.family_name if "family_name" in sent else KEEP,
            date_of_birth=self.date_of_birth if "date_of_birth" in sent else KEEP,
            email=self.email if "email" in sent else KEEP,
            phone=self.phone if "phone" in sent else KEEP,
            seat_preference=self.seat_preference if "seat_preference" in sent else KEEP,
            auto_check_in=bool(self.auto_check_in) if "auto_check_in" in sent else KEEP,
            known_traveller_number=(
                self.known_traveller_number if "known_traveller_number" in sent else KEEP
            ),
            loyalty=self.loyalty if "loyalty" in sent else KEEP,
            documents=documents if "documents" in sent else KEEP,
        )


async def _read(runtime: Runtime, caller: Caller, user_id: str) -> PersonalProfile | TravellerNames:
    async with runtime.db.uow(write=False) as session:
        return await read_profile(session, caller, user_id)


async def _patch(runtime: Runtime, caller: Caller, user_id: str, body: ProfilePatch) -> PersonalProfile:
    async with runtime.db.uow() as session:
        return await update_profile(
            session, runtime.pii, caller, user_id, body.changes(), now=runtime.clock.now()
        )


@router.get("/v1/me/profile", summary="My traveller profile", response_model=PersonalProfile)
async def read_my_profile(runtime: RuntimeDep, caller: CallerDep) -> PersonalProfile | TravellerNames:
    """Legal names, birth date, contact, seat preference, loyalty and known-traveller
    numbers, passports. Numbers are masked."""
    return await _read(runtime, caller, caller.user_id)


@router.patch("/v1/me/profile", summary="Change my traveller profile", response_model=PersonalProfile)
async def patch_my_profile(
    body: ProfilePatch, runtime: RuntimeDep, caller: CallerDep
) -> PersonalProfile:
    """A merge patch (see the module notes); answers the whole profile, masked. 422
    with a code naming what is wrong (`INVALID_NAME`, `INVALID_DATE`,
    `INVALID_SEAT_PREFERENCE`, `INVALID_EMAIL`, `INVALID_PHONE`, `INVALID_COUNTRY`,
    `INVALID_DOCUMENT`, `INVALID_DOCUMENT_NUMBER`, `DOCUMENT_EXPIRED`,
    `INVALID_LOYALTY_NUMBER`, `UNKNOWN_AIRLINE`, `INVALID_KNOWN_TRAVELLER_NUMBER`)
    and its `field`; nothing is changed then."""
    return await _patch(runtime, caller, caller.user_id, body)


@router.get(
    "/v1/users/{user_id}/profile",
    summary="A person's traveller profile",
    response_model=PersonalProfile | TravellerNames,
)
async def read_user_profile(
    user_id: UserIdPath, runtime: RuntimeDep, caller: CallerDep
) -> PersonalProfile | TravellerNames:
    """Admins (and the person) get the whole profile, masked (`view: full`); whoever sees
    the person's trips — their managers up the chart, finance — their names only
    (`view: names`); anyone else 404, as for someone of another organization."""
    return await _read(runtime, caller, user_id)


@router.patch(
    "/v1/users/{user_id}/profile",
    summary="Change a person's traveller profile (admins)",
    response_model=PersonalProfile,
    responses=problem_responses(403),
)
async def patch_user_profile(
    user_id: UserIdPath, body: ProfilePatch, runtime: RuntimeDep, caller: CallerDep
) -> PersonalProfile:
    """As `PATCH /v1/me/profile`, by an admin of the person's organization (or the person).
    A manager gets 403; anyone else 404. The person is told what changed (not the values)."""
    return await _patch(runtime, caller, user_id, body)
