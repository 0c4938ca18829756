"""Check-in: the boarding pass each passenger gets on each flight, and the airline's
check-in sequence per flight.

A boarding pass hangs off its passenger's row on the flight (``segment_passengers``,
ADR 0010): one per passenger and segment, never two. It keeps what was printed on it
(the seat, the sequence number, the IATA BCBP string), so a pass shown again is the
same pass. A seat changed after check-in re-issues the pass: the old row is kept,
``superseded_at`` / ``superseded_by`` set, and a new row (new id, the flight's next
sequence number) carries the new seat; only one pass per passenger row is current.
``checkin_counters`` numbers the passes of one flight 1, 2, 3…: the number
is taken by one conditional ``UPDATE … SET last_sequence = last_sequence + n``, so two
check-ins on one flight never print the same number (ADR 0012).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime

#: IATA Resolution 792, format "M", one leg, no conditional items: 60 characters.
BCBP_LENGTH = 60


class BoardingPass(Base):
    """A passenger's boarding pass for one flight segment of a confirmed booking."""

    __tablename__ = "boarding_passes"
    __table_args__ = (
        # One current pass per passenger per flight; superseded passes stay as printed.
        Index(
            "boarding_pass_current",
            "segment_passenger_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        UniqueConstraint("flight_id", "sequence_number", name="boarding_pass_flight_sequence"),
        Index("ix_boarding_passes_booking", "booking_id"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"))
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id"))
    passenger_id: Mapped[str] = mapped_column(ForeignKey("passengers.id"))
    segment_passenger_id: Mapped[int] = mapped_column(ForeignKey("segment_passengers.id"))
    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id"))
    #: The seat printed on the pass ("12C"); None: allocated at the gate.
    seat: Mapped[str | None] = mapped_column(String(4))
    #: The order in which the flight's passengers checked in (1, 2, …).
    sequence_number: Mapped[int]
    bcbp: Mapped[str] = mapped_column(String(BCBP_LENGTH))
    #: Who checked in: a user, or ``auto`` (the job, on the traveller's standing opt-in).
    checked_in_by: Mapped[str] = mapped_column(String(40))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when a seat change re-issued the pass: it is void, ``superseded_by`` is current.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by: Mapped[str | None] = mapped_column(String(16))


class CheckinCounter(Base):
    """The last check-in sequence number given on a flight."""

    __tablename__ = "checkin_counters"

    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id"), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(default=0)
