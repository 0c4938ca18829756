"""Changes to paid bookings (cancel, rebook), their refunds, and airline disruptions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class ChangeKind(StrEnum):
    CANCEL = "cancel"
    REBOOK = "rebook"
    #: Seats with a fee bought on a confirmed booking (core.booking.seat_purchase).
    SEATS = "seats"


class ChangeStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    REJECTED = "rejected"


class DisruptionStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class SuggestionStatus(StrEnum):
    OPEN = "open"
    CHOSEN = "chosen"
    UNAVAILABLE = "unavailable"


class BookingChange(Base):
    """One cancellation or rebooking of a booking, with its saga's recovery point.

    ``active_booking_id`` is set while the change is open and cleared when it ends:
    its unique constraint lets only one change run on a booking at a time (NULLs
    never collide, on SQLite or PostgreSQL).
    """

    __tablename__ = "booking_changes"
    __table_args__ = (Index("ix_booking_changes_status_updated", "status", "updated_at"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    active_booking_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(20))
    old_segment_ids: Mapped[list[Any]] = mapped_column(default=list)
    new_segment_ids: Mapped[list[Any]] = mapped_column(default=list)
    #: A seat purchase's assignments: ``[{segment_id, passenger_id, seat, price_minor}]``.
    seats: Mapped[list[Any] | None] = mapped_column(JSON)
    offer_id: Mapped[str | None] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(default=0)
    old_amount_minor: Mapped[int] = mapped_column(default=0)
    new_amount_minor: Mapped[int] = mapped_column(default=0)
    change_fee_minor: Mapped[int] = mapped_column(default=0)
    charge_minor: Mapped[int] = mapped_column(default=0)
    refund_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    refund_rule: Mapped[str | None] = mapped_column(String(40))
    # refund_minor as base + taxes + fees (the refunded segments' fares as sold).
    refund_fare: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    approval_id: Mapped[str | None] = mapped_column(String(40))
    suggestion_id: Mapped[str | None] = mapped_column(String(16))
    payment_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(500))
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Refund(Base):
    """Money given back on one payment for one change (one gateway refund, our key)."""

    __tablename__ = "refunds"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    change_id: Mapped[str] = mapped_column(ForeignKey("booking_changes.id"))
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    provider_ref: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedEvent(Base):
    """One accepted airline status message, kept to recognise replays (hash of the signed body)."""

    __tablename__ = "flight_feed_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    body_hash: Mapped[str] = mapped_column(String(64), unique=True)
    carrier: Mapped[str] = mapped_column(String(3))
    number: Mapped[str] = mapped_column(String(8))
    date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    delay_minutes: Mapped[int] = mapped_column(default=0)
    flight_id: Mapped[int | None] = mapped_column(ForeignKey("flights.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    affected: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Disruption(Base):
    """An airline change that hit one booking's flight, and whether it is dealt with."""

    __tablename__ = "disruptions"
    __table_args__ = (UniqueConstraint("booking_id", "flight_id", name="booking_flight"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id"))
    segment_id: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(12))
    delay_minutes: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default=DisruptionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Suggestion(Base):
    """A ranked rebooking offer for a disrupted booking (rank 1 is the best)."""

    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_disruption_rank", "disruption_id", "rank"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    disruption_id: Mapped[str] = mapped_column(ForeignKey("disruptions.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    segment_id: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int]
    offer_id: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(String(200))
    depart_at: Mapped[datetime] = mapped_column(UTCDateTime)
    arrive_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stops: Mapped[int] = mapped_column(default=0)
    price_minor: Mapped[int]
    fare_difference_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    policy_status: Mapped[str] = mapped_column(String(8))
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default=SuggestionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
