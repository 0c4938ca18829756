"""Operations follow-through: Stripe events, notification deliveries, invoice lines,
reconciliation exceptions.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class StripeEventStatus(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    IGNORED = "ignored"  # a type we do not act on
    FAILED = "failed"  # gave up after repeated errors


class StripeEvent(Base):
    """A verified Stripe webhook event, stored once per Stripe event id.

    Stripe delivers at least once; the unique ``event_id`` turns a redelivery into
    a no-op, and the worker processes stored events outside the request.
    """

    __tablename__ = "stripe_events"
    __table_args__ = (Index("ix_stripe_events_pending", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    livemode: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Set when processing attributes the event to one of our payments.
    org_id: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=StripeEventStatus.RECEIVED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationDelivery(Base):
    """One notification handed to one notifier for one recipient.

    The unique (event, notifier, recipient) triple is what makes the relay's
    consumers idempotent: a redelivered outbox event skips every pair already here.
    """

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "notifier", "recipient_id", name="event_notifier_recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    org_id: Mapped[str] = mapped_column(String(40), index=True)
    notifier: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[str] = mapped_column(String(40))
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InvoiceLine(Base):
    """A reconciled, finalized charge: one per booked segment."""

    __tablename__ = "invoice_lines"
    __table_args__ = (Index("ix_invoice_lines_org_finalized", "org_id", "finalized_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id"), unique=True)
    payment_id: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str | None] = mapped_column(String(40))
    locator: Mapped[str | None] = mapped_column(String(12))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    # amount_minor as base + taxes (VAT among them) + fees: the segment's fare as sold.
    fare: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    finalized_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExceptionKind(StrEnum):
    AMOUNT_MISMATCH = "amount_mismatch"  # supplier or gateway amount differs from ours
    CURRENCY_MISMATCH = "currency_mismatch"
    MISSING_SUPPLIER_CHARGE = "missing_supplier_charge"  # booked segment, no supplier record
    MISSING_CARD_CHARGE = "missing_card_charge"  # paid by virtual card, no charge on it
    UNKNOWN_CHARGE = "unknown_charge"  # a charge no booking of ours explains
    UNREFUNDED_CHARGE = "unrefunded_charge"  # money kept for a booking that did not happen
    REFUND_MISMATCH = "refund_mismatch"
    DISPUTE = "dispute"  # the cardholder disputed a charge


class ExceptionResolution(StrEnum):
    """How finance settled an exception (core.review). ``disputed`` keeps it open: the
    booking stays out of invoicing until it is settled as one of the others."""

    RESOLVED = "resolved"  # the cause was fixed; should it recur, it is reported again
    DISPUTED = "disputed"  # contested with the supplier or the bank, outcome pending
    WRITTEN_OFF = "written_off"  # the difference is accepted as a loss
    ADJUSTED = "adjusted"  # the difference was booked elsewhere (a credit note, a manual entry)


class ReconciliationException(Base):
    """Something finance must look at. ``dedupe_key`` keeps a recurring job from
    reporting the same discrepancy twice."""

    __tablename__ = "reconciliation_exceptions"
    __table_args__ = (Index("ix_recon_exc_org_open", "org_id", "resolved_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    # NULL when the charge cannot be attributed to any organization (platform level).
    org_id: Mapped[str | None] = mapped_column(String(40))
    booking_id: Mapped[str | None] = mapped_column(String(40), index=True)
    segment_id: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20))  # supplier | gateway | stripe | card
    reference: Mapped[str] = mapped_column(String(120))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    expected_minor: Mapped[int | None]
    actual_minor: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # ExceptionResolution; NULL while nobody has settled it.
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolution_note: Mapped[str | None] = mapped_column(String(1000))
    resolved_by: Mapped[str | None] = mapped_column(String(40))
