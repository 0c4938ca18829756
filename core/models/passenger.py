"""Who flies on a booking: its passengers, and each one's place on each flight segment.

A passenger is a person of the organization (``user_id``; their traveller profile fills
the legal names) or a guest named by the booker. ``segment_passengers`` links a
passenger to a flight segment: the e-ticket the airline issued for that flight, and
where the seat and check-in of that passenger on that flight will live.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime

#: As on a passport; the traveller profile's names have the same bound.
NAME_LENGTH = 50
#: Three digits of the airline's accounting code and a ten-digit serial.
TICKET_LENGTH = 13
#: ``12C``, ``104K``.
SEAT_LENGTH = 4
SEAT_INDEX = "ux_segment_passengers_flight_seat"
#: As ``travel_documents``' token and mask (core.models.traveller).
PII_TOKEN_LENGTH = 255
PII_MASKED_LENGTH = 16


class Passenger(Base):
    """One person on a booking (once, however many of its flights they are on)."""

    __tablename__ = "passengers"
    __table_args__ = (
        # A colleague is on a booking once; guests (no user_id) are told apart by name.
        UniqueConstraint("booking_id", "user_id", name="booking_user"),
        # A guest's passport: all of it or none of it, and only on a guest (a colleague's
        # passports are on their traveller profile). Migration 0017.
        CheckConstraint(
            "(passport_token IS NULL) = (passport_masked IS NULL) "
            "AND (passport_token IS NULL) = (passport_issuing_country IS NULL) "
            "AND (passport_token IS NULL) = (passport_nationality IS NULL) "
            "AND (passport_token IS NULL) = (passport_expires_on IS NULL)",
            name="guest_passport_complete",
        ),
        CheckConstraint("passport_token IS NULL OR user_id IS NULL", name="guest_passport_only"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    #: Order on the booking (1, 2, …): the first named comes first everywhere.
    position: Mapped[int]
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    #: Legal names. A colleague's come from their profile (None while it has none) and are
    #: copied again when the booking is confirmed: the ticket keeps the names it was issued in.
    given_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    family_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A guest's passport (``core.booking.guest_documents``): the number as a ``pii1`` token
    #: bound to this passenger (``core.travellers.crypto``) and its mask; reads show the mask.
    passport_token: Mapped[str | None] = mapped_column(String(PII_TOKEN_LENGTH))
    passport_masked: Mapped[str | None] = mapped_column(String(PII_MASKED_LENGTH))
    passport_issuing_country: Mapped[str | None] = mapped_column(String(2))
    passport_nationality: Mapped[str | None] = mapped_column(String(2))
    passport_expires_on: Mapped[date | None] = mapped_column(Date)
    #: A guest's date of birth, given with their passport (optional).
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    document_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SegmentPassenger(Base):
    """A passenger on one flight segment, and the e-ticket the airline issued for it."""

    __tablename__ = "segment_passengers"
    __table_args__ = (
        UniqueConstraint("segment_id", "passenger_id", name="segment_passenger"),
        UniqueConstraint("ticket_number", name="ticket_number"),
        CheckConstraint(
            f"ticket_number IS NULL OR length(ticket_number) = {TICKET_LENGTH}",
            name="ticket_number_length",
        ),
        Index("ix_segment_passengers_passenger", "passenger_id"),
        # The seat guard: one passenger per seat per flight, whichever booking they are on
        # (core.inventory.seats). An index rather than a table constraint, so that the race
        # test can drop it and watch two bookings sit in one seat.
        Index(SEAT_INDEX, "flight_id", "seat", unique=True),
        CheckConstraint("(seat IS NULL) = (flight_id IS NULL)", name="seat_on_flight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id"))
    passenger_id: Mapped[str] = mapped_column(ForeignKey("passengers.id"))
    #: Set when the airline tickets the segment (the confirmation saga).
    ticket_number: Mapped[str | None] = mapped_column(String(TICKET_LENGTH))
    #: The seat (``12C``) and, with it, the flight it is on: set together, cleared together
    #: when the places are given back (core.inventory.seats).
    seat: Mapped[str | None] = mapped_column(String(SEAT_LENGTH))
    flight_id: Mapped[int | None] = mapped_column(ForeignKey("flights.id"))
