"""What the policy engine looks at: neutral descriptions of what is being bought.

Search offers, holds and confirmations all turn into these, so one engine judges
all three the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class FlightItem:
    carriers: tuple[str, ...]  # one per leg
    cabin: str
    flying_minutes: int  # sum of the legs' durations (not the layovers)
    longest_leg_minutes: int
    depart_at: datetime
    origin: str
    destination: str
    amount_minor: int  # total for all passengers
    currency: str
    passengers: int = 1
    kind: str = field(default="flight", init=False)


@dataclass(frozen=True)
class HotelItem:
    hotel_id: str
    chain: str
    city: str
    check_in: date
    check_out: date
    nightly_rate_minor: int  # the highest night's rate
    rooms: int
    amount_minor: int  # total for all nights and rooms
    currency: str
    kind: str = field(default="hotel", init=False)


@dataclass(frozen=True)
class SeatFeesItem:
    """Seats with a fee (extra legroom) bought with the trip, on any of its flights."""

    seats: int
    highest_fee_minor: int
    amount_minor: int  # every seat fee together
    currency: str
    kind: str = field(default="seats", init=False)


PolicyItem = FlightItem | HotelItem | SeatFeesItem
