from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class FlightStatus(StrEnum):
    SCHEDULED = "scheduled"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class Airport(Base):
    __tablename__ = "airports"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100), index=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(20))
    tz: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Carrier(Base):
    __tablename__ = "carriers"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(20))


class Flight(Base):
    """One departure of a scheduled flight on one (local) date."""

    __tablename__ = "flights"
    __table_args__ = (
        UniqueConstraint("carrier", "number", "date", name="flight_day"),
        Index("ix_flights_route_date", "origin", "destination", "date"),
        Index("ix_flights_origin_depart", "origin", "depart_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    carrier: Mapped[str] = mapped_column(ForeignKey("carriers.code"))
    number: Mapped[str] = mapped_column(String(8))
    date: Mapped[date] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    destination: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    depart_at: Mapped[datetime] = mapped_column(UTCDateTime)
    arrive_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    distance_km: Mapped[int]
    aircraft: Mapped[str] = mapped_column(String(20), default="A320")
    status: Mapped[str] = mapped_column(String(20), default=FlightStatus.SCHEDULED)
    delay_minutes: Mapped[int] = mapped_column(default=0)


class FareInventory(Base):
    """Seats of one cabin on one flight. ``held`` = held, not yet sold."""

    __tablename__ = "fare_inventory"
    __table_args__ = (
        UniqueConstraint("flight_id", "cabin", name="flight_cabin"),
        CheckConstraint("held >= 0 AND sold >= 0", name="non_negative"),
        CheckConstraint("held + sold <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id"), index=True)
    cabin: Mapped[str] = mapped_column(String(10))
    capacity: Mapped[int]
    held: Mapped[int] = mapped_column(default=0)
    sold: Mapped[int] = mapped_column(default=0)
    fare_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    refundable: Mapped[bool] = mapped_column(default=False)
    change_fee_minor: Mapped[int] = mapped_column(default=0)
    fare_class: Mapped[str] = mapped_column(String(2), default="Y")


class Hotel(Base):
    __tablename__ = "hotels"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100), index=True)
    airport_code: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    stars: Mapped[int]
    address: Mapped[str] = mapped_column(String(200))
    chain: Mapped[str] = mapped_column(String(60))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    refundable: Mapped[bool] = mapped_column(default=True)


class RoomInventory(Base):
    """Rooms of one hotel for one night."""

    __tablename__ = "room_inventory"
    __table_args__ = (
        UniqueConstraint("hotel_id", "night", name="hotel_night"),
        CheckConstraint("held >= 0 AND sold >= 0", name="non_negative"),
        CheckConstraint("held + sold <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    hotel_id: Mapped[str] = mapped_column(ForeignKey("hotels.id"), index=True)
    night: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int]
    held: Mapped[int] = mapped_column(default=0)
    sold: Mapped[int] = mapped_column(default=0)
    rate_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
