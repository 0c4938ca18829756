from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class Role(StrEnum):
    TRAVELER = "traveler"
    MANAGER = "manager"
    VP_FINANCE = "vp_finance"
    EXECUTIVE = "executive"
    FINANCE = "finance"
    ADMIN = "admin"


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # Payment method token the company card is charged with (test numbers in demo).
    payment_method: Mapped[str] = mapped_column(String(100), default="4242424242424242")
    # The Stripe customer (``cus_…``) the company's cards belong to, when it has one: a
    # charge on that account that no booking explains is filed under this organization.
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The Stripe Issuing cardholder (``ich_…``) its virtual cards are issued to: created
    # once, on its first card (core.booking.cards).
    issuing_cardholder_id: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.TRAVELER)
    department: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(100))
    manager_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    home_airport: Mapped[str | None] = mapped_column(String(3))
    # sha256 hex of the bearer token; the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PolicyDocument(Base):
    """An organization's travel policy as data (see core.policy.rules)."""

    __tablename__ = "policies"

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
