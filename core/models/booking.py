from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class BookingStatus(StrEnum):
    HELD = "held"
    PENDING_APPROVAL = "pending_approval"
    CONFIRMING = "confirming"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FAILED = "failed"
    PENDING_CONFIRMATION = "pending_confirmation"
    REQUIRES_ATTENTION = "requires_attention"


class SegmentKind(StrEnum):
    FLIGHT = "flight"
    HOTEL = "hotel"


class SegmentStatus(StrEnum):
    HELD = "held"
    BOOKED = "booked"
    RELEASED = "released"
    CANCELLED = "cancelled"


class HoldStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    CONVERTED = "converted"


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_org_traveler", "org_id", "traveler_id", "created_at"),
        Index("ix_bookings_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    traveler_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(24), default=BookingStatus.HELD)
    total_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    policy_status: Mapped[str] = mapped_column(String(8))
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approval_id: Mapped[str | None] = mapped_column(String(40))
    payment_id: Mapped[str | None] = mapped_column(String(40))
    # What the traveller says the trip is for (the approver sees it), and the conversation
    # it was confirmed from (where the approver's decision is told): core.booking.purpose.
    purpose: Mapped[str | None] = mapped_column(String(300))
    thread_id: Mapped[str | None] = mapped_column(String(40))
    # Saga progress: the last recovery point reached (see core.booking.saga).
    saga_step: Mapped[str | None] = mapped_column(String(32))
    saga_attempts: Mapped[int] = mapped_column(default=0)
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the booking entered its status (set by core.booking.states.move; NULL: rows from
    # before it was kept, read as updated_at). The review queue's age and episode.
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default=SegmentStatus.HELD)
    quantity: Mapped[int]
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    # amount_minor split as sold (core.catalogue.fares.FareBreakdown.stored()): kept, not
    # recomputed, so receipts, invoices and refunds show the split the traveller was quoted.
    # NULL on rows from before fares were split (read through core.booking.fares).
    fare: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Flights
    flight_id: Mapped[int | None] = mapped_column(ForeignKey("flights.id"))
    fare_inventory_id: Mapped[int | None] = mapped_column(ForeignKey("fare_inventory.id"))
    cabin: Mapped[str | None] = mapped_column(String(10))
    refundable: Mapped[bool] = mapped_column(default=False)
    change_fee_minor: Mapped[int] = mapped_column(default=0)
    # Hotels
    hotel_id: Mapped[str | None] = mapped_column(ForeignKey("hotels.id"))
    check_in: Mapped[date | None] = mapped_column(Date)
    check_out: Mapped[date | None] = mapped_column(Date)
    # Supplier side
    supplier: Mapped[str | None] = mapped_column(String(40))
    locator: Mapped[str | None] = mapped_column(String(12))
    offer_id: Mapped[str] = mapped_column(String(80))
    replaced_by: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Hold(Base):
    """Units taken from one inventory row (a cabin on a flight, or a hotel night)."""

    __tablename__ = "holds"
    __table_args__ = (
        Index("ix_holds_fare_active", "fare_inventory_id", "status", "expires_at"),
        Index("ix_holds_room_active", "room_inventory_id", "status", "expires_at"),
        Index("ix_holds_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id"))
    fare_inventory_id: Mapped[int | None] = mapped_column(ForeignKey("fare_inventory.id"))
    room_inventory_id: Mapped[int | None] = mapped_column(ForeignKey("room_inventory.id"))
    quantity: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=HoldStatus.ACTIVE)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxEvent(Base):
    """Side effects after commit: written with the change, drained by a relay."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(120), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # The relay gave up (too many failed attempts); kept for operators, never retried.
    abandoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A person looked at the abandoned event (core.review): when, who, and what they noted.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(40))
    resolution_note: Mapped[str | None] = mapped_column(String(1000))


class ReviewItem(Base):
    """Why a booking is on the manual-review queue (a supplier timeout, a cancel the
    supplier refused…), and how it was resolved: by the flow that fixed it
    (``resolved_by`` NULL) or by a person with a note (core.review)."""

    __tablename__ = "review_queue"
    __table_args__ = (UniqueConstraint("booking_id", "reason", name="booking_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(40))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"))
    reason: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(40))
    resolution_note: Mapped[str | None] = mapped_column(String(1000))
