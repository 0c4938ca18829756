"""Virtual cards (Stripe Issuing): ours, and the local issuer's own memory.

Ours: :class:`VirtualCard` (one single-use card per booking, or per rebook that books
new legs) and :class:`CardAuthorization` (every authorization on one of our cards, as
the issuer reported it). The ``local_issuing_*`` tables are the local issuer's
(``core.payment.local_issuing``), which stands in for Stripe Issuing the way the
local gateway stands in for PaymentIntents.

No card number is stored anywhere: the Stripe card id and its last four digits only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class VirtualCardStatus(StrEnum):
    ACTIVE = "active"
    CANCELED = "canceled"  # Stripe's spelling: closed for good


class VirtualCard(Base):
    """A single-use card we issued to pay a booking's suppliers.

    Its spending limit is what the booking (or the rebook's new legs) costs, for all
    time, in travel merchant categories only. The row is the flow's recovery point:
    written once per ``idempotency_key`` right after the issuer answered, so a resumed
    flow finds it; a crash before it is written repeats the issue call with the same
    key and the issuer answers with the same card.
    """

    __tablename__ = "virtual_cards"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    # The rebook whose new legs this card pays; NULL for the booking's own card.
    change_id: Mapped[str | None] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(12))  # "local" | "stripe"
    provider_ref: Mapped[str] = mapped_column(String(80), unique=True)  # ic_…
    cardholder_ref: Mapped[str] = mapped_column(String(80))  # ich_…
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    last4: Mapped[str] = mapped_column(String(4))
    currency: Mapped[str] = mapped_column(String(3))
    spending_limit_minor: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=VirtualCardStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CardAuthorization(Base):
    """An authorization on one of our virtual cards.

    Recorded when a supplier charged the card for a segment (``segment_id`` set), or
    when the issuer told us of one we did not make (a Stripe webhook, or the local
    issuer's records read by reconciliation: ``segment_id`` NULL). Reconciliation
    matches these to the booking.
    """

    __tablename__ = "card_authorizations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(40))
    card_id: Mapped[str] = mapped_column(ForeignKey("virtual_cards.id"), index=True)
    booking_id: Mapped[str] = mapped_column(String(12), index=True)
    segment_id: Mapped[str | None] = mapped_column(String(16))
    provider_ref: Mapped[str] = mapped_column(String(80), unique=True)  # iauth_…
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    approved: Mapped[bool]
    decline_reason: Mapped[str | None] = mapped_column(String(60))
    merchant_category: Mapped[str | None] = mapped_column(String(60))
    merchant_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# -- the local issuer's own tables (an outside system kept in our database) ----------------


class IssuerCardholder(Base):
    __tablename__ = "local_issuing_cardholders"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # {"metadata": {...}, "fingerprint": "<digest of the create request>"}
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IssuerCard(Base):
    __tablename__ = "local_issuing_cards"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    cardholder_id: Mapped[str] = mapped_column(ForeignKey("local_issuing_cardholders.id"))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12))
    last4: Mapped[str] = mapped_column(String(4))
    spending_limit_minor: Mapped[int]
    allowed_categories: Mapped[list[Any]] = mapped_column(default=list)
    # {"metadata": {...}, "fingerprint": ..., "ops": {"close": {"key", "fingerprint"}}}
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IssuerAuthorization(Base):
    __tablename__ = "local_issuing_authorizations"

    # The order authorizations arrived in (the clock may stand still in tests).
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("local_issuing_cards.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    approved: Mapped[bool]
    decline_reason: Mapped[str | None] = mapped_column(String(60))
    merchant_category: Mapped[str] = mapped_column(String(60))
    merchant_name: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
