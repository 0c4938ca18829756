"""How the spend summary reads (``GET /v1/analytics/summary``)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from core.money import Money
from core.views import OffsetTime, View


class DepartmentSpend(View):
    department: str
    spend: Money
    trips: int


class TravelerSpend(View):
    traveler_id: str
    name: str
    department: str | None
    trips: int
    spend: Money


class PolicyCompliance(View):
    green: int = Field(description="Confirmed bookings that were green.")
    total: int
    rate: float | None = Field(description="green / total, None without bookings.")


class DestinationCount(View):
    city: str
    trips: int


class SpendSummary(View):
    """Spend of the bookings confirmed in the period, by department and traveller."""

    # ``from`` is a keyword: the field is ``from_``, its JSON name ``from``.
    model_config = ConfigDict(frozen=True, validate_by_name=True, serialize_by_alias=True)

    period: str
    from_: OffsetTime = Field(alias="from")
    to: OffsetTime
    scope: Literal["organization", "reports"]
    bookings: int
    total_spend: Money
    spend_by_department: list[DepartmentSpend]
    spend_by_traveler: list[TravelerSpend]
    policy_compliance: PolicyCompliance
    top_destinations: list[DestinationCount]
    co2_kg_by_cabin: dict[str, int]
