"""Who flies on a booking: its passengers, and each one's place on each flight segment.

A passenger is a person of the organization (``user_id``; their traveller profile fills
the legal names) or a guest named by the booker. ``segment_passengers`` links a
passenger to a flight segment: the e-ticket the airline issued for that flight, and
where the seat and check-in of that passenger on that flight will live.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime

#: As on a passport; the traveller profile's names have the same bound.
NAME_LENGTH = 50
#: Three digits of the airline's accounting code and a ten-digit serial.
TICKET_LENGTH = 13
#: ``12C``, ``104K``.
SEAT_LENGTH = 4
SEAT_INDEX = "ux_segment_passengers_flight_seat"


class Passenger(Base):
    """One person on a booking (once, however many of its flights they are on)."""

    __tablename__ = "passengers"
    __table_args__ = (
        # A colleague is on a booking once; guests (no user_id) are told apart by name.
        UniqueConstraint("booking_id", "user_id", name="booking_user"),
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
