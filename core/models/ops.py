from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class IdempotencyStatus(StrEnum):
    IN_FLIGHT = "in_flight"
    DONE = "done"


class PaymentStatus(StrEnum):
    AUTHORIZED = "authorized"
    DECLINED = "declined"
    CAPTURED = "captured"
    VOIDED = "voided"
    REFUNDED = "refunded"


class IdempotencyRecord(Base):
    """One ``Idempotency-Key`` per caller and route, kept at least 24 h."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("org_id", "user_id", "scope", "key", name="caller_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default=IdempotencyStatus.IN_FLIGHT)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Recovery point for multi-step work (e.g. the booking the request created).
    recovery_point: Mapped[str | None] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(40))
    response_status: Mapped[int | None]
    response_body: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Payment(Base):
    """Our record of money for one booking (the gateway holds its own state)."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(12))
    provider_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int]
    captured_minor: Mapped[int] = mapped_column(default=0)
    refunded_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    purpose: Mapped[str] = mapped_column(String(20), default="booking")
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    decline_code: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GatewayIntent(Base):
    """LocalGateway's own state: a PaymentIntent-like object in our database."""

    __tablename__ = "local_gateway_intents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(30))
    amount_captured: Mapped[int] = mapped_column(default=0)
    amount_refunded: Mapped[int] = mapped_column(default=0)
    payment_method: Mapped[str] = mapped_column(String(100))
    decline_code: Mapped[str | None] = mapped_column(String(60))
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GatewayRefund(Base):
    __tablename__ = "local_gateway_refunds"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    intent_id: Mapped[str] = mapped_column(ForeignKey("local_gateway_intents.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    amount_minor: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SupplierReservation(Base):
    """The simulated supplier's memory: one reservation per idempotency key."""

    __tablename__ = "supplier_reservations"
    __table_args__ = (Index("ix_supplier_res_ref", "booking_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    supplier: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    locator: Mapped[str] = mapped_column(String(12))
    booking_ref: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="booked")
    amount_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobLease(Base):
    """Which worker owns a periodic job's tick (so no tick runs twice)."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(80))
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_tick_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ticks: Mapped[int] = mapped_column(default=0)
