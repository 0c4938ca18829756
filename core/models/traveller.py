"""A traveller's personal details: legal names, contact, seat preference, loyalty
memberships, known-traveller number and travel documents.

Numbers (document, loyalty, known-traveller) are stored twice: ``*_token``, the
AES-GCM ciphertext (core.travellers.crypto), and ``*_masked``, what every read shows
(``•••••1234``). There is no column holding a number in clear.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime

TOKEN_LENGTH = 255
MASKED_LENGTH = 16


class SeatPreference(StrEnum):
    AISLE = "aisle"
    WINDOW = "window"
    NONE = "none"


class DocumentType(StrEnum):
    PASSPORT = "passport"


class TravellerDetails(Base):
    """One row per user who has filled anything in; absent means nothing on file."""

    __tablename__ = "traveller_details"
    __table_args__ = (
        CheckConstraint("seat_preference IN ('aisle', 'window', 'none')", name="seat_preference"),
    )

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    given_name: Mapped[str | None] = mapped_column(String(50))
    family_name: Mapped[str | None] = mapped_column(String(50))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    seat_preference: Mapped[str] = mapped_column(String(10), default=SeatPreference.NONE)
    known_traveller_token: Mapped[str | None] = mapped_column(String(TOKEN_LENGTH))
    known_traveller_masked: Mapped[str | None] = mapped_column(String(MASKED_LENGTH))
    #: Check in by oneself when check-in opens, and send the boarding pass (core.checkin.auto).
    auto_check_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(40))


class LoyaltyMembership(Base):
    """A frequent-flyer number with one airline (one per airline and person)."""

    __tablename__ = "loyalty_memberships"
    __table_args__ = (UniqueConstraint("user_id", "airline", name="user_airline"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    airline: Mapped[str] = mapped_column(String(3))
    number_token: Mapped[str] = mapped_column(String(TOKEN_LENGTH))
    number_masked: Mapped[str] = mapped_column(String(MASKED_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TravelDocument(Base):
    """A passport. One per issuing country and person: a renewal replaces the old one."""

    __tablename__ = "travel_documents"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "issuing_country", name="user_kind_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=DocumentType.PASSPORT)
    number_token: Mapped[str] = mapped_column(String(TOKEN_LENGTH))
    number_masked: Mapped[str] = mapped_column(String(MASKED_LENGTH))
    issuing_country: Mapped[str] = mapped_column(String(2))
    nationality: Mapped[str] = mapped_column(String(2))
    expires_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
