"""Approval workflows: who must say yes before a booking (or a rebook) may be paid.

A workflow has ordered steps, one per approver role the policy asked for. Exactly
one step is open (``pending``, or ``escalated`` once its SLA has passed) at a time;
the others wait or are finished. See ``core.approval.service``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ApprovalSubject(StrEnum):
    BOOKING = "booking"
    REBOOK = "rebook"


class StepStatus(StrEnum):
    WAITING = "waiting"  # an earlier step has not been approved yet
    PENDING = "pending"  # the approver's turn
    ESCALATED = "escalated"  # still the approver's turn, past its SLA; their manager was told
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"  # the workflow's deadline passed on this step
    SKIPPED = "skipped"  # never reached: the workflow ended before it


#: Steps an approver may still decide.
OPEN_STEP_STATUSES = (StepStatus.PENDING, StepStatus.ESCALATED)


class ApprovalWorkflow(Base):
    __tablename__ = "approval_workflows"
    __table_args__ = (
        Index("ix_approval_workflows_booking", "booking_id"),
        Index("ix_approval_workflows_status_deadline", "status", "deadline"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"))
    subject: Mapped[str] = mapped_column(String(12), default=ApprovalSubject.BOOKING)
    subject_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=ApprovalStatus.PENDING)
    traveler_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    requested_by: Mapped[str] = mapped_column(String(40))
    # The policy verdict that asked for approval (reasons shown to the approvers).
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    current_step: Mapped[int] = mapped_column(default=1)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the subject (booking saga, rebook) was told the outcome; NULL on a finished
    # workflow means that still has to happen (a crash between the two is retried).
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApprovalStep(Base):
    __tablename__ = "approval_steps"
    __table_args__ = (
        UniqueConstraint("workflow_id", "ordinal", name="workflow_ordinal"),
        Index("ix_approval_steps_approver", "org_id", "approver_id", "status"),
        Index("ix_approval_steps_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("approval_workflows.id"))
    org_id: Mapped[str] = mapped_column(String(40))
    ordinal: Mapped[int]
    role: Mapped[str] = mapped_column(String(20))
    approver_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=StepStatus.WAITING)
    # Set when the step opens: its SLA.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(500))
    escalated_to: Mapped[str | None] = mapped_column(String(40))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
