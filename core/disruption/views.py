"""How a disruption and its rebooking suggestions read (``GET /v1/bookings/{id}/suggestions``)."""

from __future__ import annotations

from pydantic import Field

from core.models import FlightStatus
from core.money import Money
from core.policy.views import PolicySummary
from core.views import UtcTime, View


class DisruptionFacts(View):
    """What the airline did to which flight segment of the booking."""

    disruption_id: str
    kind: FlightStatus = Field(description="cancelled or delayed.")
    delay_minutes: int
    segment_id: str = Field(description="The disrupted flight segment (rebook's segment_id).")


class ListedDisruption(DisruptionFacts):
    created_at: UtcTime


class SuggestionView(View):
    """One ranked alternative for the disrupted flight, with its live seat count."""

    suggestion_id: str
    rank: int
    offer_id: str = Field(description="Pass to rebook with the disruption's segment_id.")
    segment_id: str
    summary: str
    depart_at: UtcTime
    arrive_at: UtcTime
    stops: int
    total: Money
    fare_difference: Money = Field(description="Versus the disrupted flight (no change fee).")
    policy: PolicySummary
    needs_approval: bool = Field(description="Choosing it asks for approval first.")
    seats_left: int


class SuggestionsView(View):
    """A booking's open disruption, if any, and its suggestions best first."""

    booking_id: str
    disruption: ListedDisruption | None
    suggestions: list[SuggestionView]
