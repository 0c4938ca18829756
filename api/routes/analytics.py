"""Spend analytics for finance, executives, admins (whole organization) and managers
(themselves and their direct reports); travellers get 403."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.analytics import cached_spend_summary
from core.analytics.views import SpendSummary

router = APIRouter(
    prefix="/v1/analytics", tags=["analytics"], responses=problem_responses(401, 403, 422, 500)
)


@router.get("/summary", summary="Travel spend summary", response_model=SpendSummary)
async def summary(
    runtime: RuntimeDep,
    caller: CallerDep,
    period: Annotated[
        Literal["7d", "30d", "90d"], Query(description="Look-back window ending now.")
    ] = "30d",
) -> SpendSummary:
    """Spend by department and traveller, policy compliance (green share of confirmed
    bookings), top destinations and CO2 by cabin, for bookings confirmed in the period.
    Cached for a minute when Redis is configured."""
    return await cached_spend_summary(runtime, caller, period=period)
