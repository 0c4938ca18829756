"""How approval workflows read: the trip an approver judges, the steps, the workflow.

Built by ``service.py`` (which owns the queries); returned by the API as JSON and
trimmed by the tools. Never imports ``core.booking``: the trip summary reads the
booking's rows directly.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from core.models import ApprovalStatus, ApprovalSubject, BookingStatus, StepStatus
from core.money import Money
from core.policy.views import PolicySummary
from core.views import UtcTime, View


class TravelerRef(View):
    id: str
    name: str


class WaitingOn(View):
    """Whose decision a pending approval waits on now: the open step's approver (or the
    one it was escalated to) and the role they approve as."""

    user_id: str
    name: str
    role: str = Field(examples=["manager"])


class TripSummary(View):
    """What an approver needs to judge a trip: who, where, when, how much."""

    booking_id: str
    status: BookingStatus
    traveler: TravelerRef
    route: str = Field(description="``JFK→LHR→JFK``, or the first hotel of a hotel-only trip.")
    hotels: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    cabin: str | None = Field(
        default=None, description="The flights' cabin (`business`; `economy / business` when mixed)."
    )
    total: Money
    total_text: str = Field(default="", description="The total as people read it: `8,231.10 USD`.")
    purpose: str | None = Field(
        default=None, description="What the traveller says the trip is for, when they said."
    )


class StepView(View):
    ordinal: int
    role: str = Field(examples=["manager"])
    approver_id: str
    status: StepStatus
    due_at: UtcTime | None
    decided_by: str | None
    decided_at: UtcTime | None
    note: str | None
    escalated_to: str | None
    escalated_at: UtcTime | None


class ApprovalView(View):
    """A workflow with its steps; ``booking.status`` shows where the booking got to."""

    approval_id: str = Field(examples=["AP-7Q2M4X9K"])
    status: ApprovalStatus
    subject: ApprovalSubject
    subject_id: str
    booking: TripSummary
    amount: Money
    reasons: list[str]
    approvals_required: list[str]
    requested_by: str
    current_step: int
    deadline: UtcTime
    decided_by: str | None
    note: str | None
    created_at: UtcTime
    finished_at: UtcTime | None
    steps: list[StepView]


class ApprovalItemView(View):
    """One step waiting on (or decided by) an approver, with the trip it is about."""

    approval_id: str
    status: ApprovalStatus
    subject: ApprovalSubject
    subject_id: str
    step: StepView
    due_at: UtcTime | None
    deadline: UtcTime
    booking: TripSummary
    amount: Money
    reasons: list[str]
    policy: PolicySummary
