"""A traveller profile as the core answers it (ADR 0008): the API returns these as
JSON, ``get_traveler_profile`` trims them for the model. Every number is the mask
stored beside its token: a view is built without decrypting anything (ADR 0007)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from core.models import SeatPreference
from core.views import UtcTime, View


class DocumentView(View):
    type: str = Field(examples=["passport"])
    number: str = Field(description="Masked.", examples=["•••••9302"])
    issuing_country: str = Field(examples=["US"])
    nationality: str = Field(examples=["US"])
    expires_on: date


class PersonalProfile(View):
    """The whole profile (the traveller and their organization's admins): every number masked."""

    view: Literal["full"] = "full"
    user_id: str
    name: str
    given_name: str | None
    family_name: str | None
    date_of_birth: date | None
    email: str
    phone: str | None
    seat_preference: SeatPreference = Field(examples=["aisle"])
    auto_check_in: bool = Field(
        default=False,
        description="Check in automatically when each flight's check-in opens; the "
        "boarding pass is e-mailed.",
    )
    known_traveller_number: str | None = Field(description="Masked.", examples=["•••••29QX"])
    loyalty: dict[str, str] = Field(description="Airline → number, masked.")
    documents: tuple[DocumentView, ...]
    updated_at: UtcTime | None


class TravellerNames(View):
    """What a manager (or finance) sees of someone whose trips they see: names only."""

    view: Literal["names"] = "names"
    user_id: str
    name: str
    given_name: str | None
    family_name: str | None
