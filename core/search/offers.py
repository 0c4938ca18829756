"""Offer ids: the stable handle the search returns and a hold takes back.

* flight: ``FL-<fare_inventory_id>[-<fare_inventory_id>]`` — one id per leg, same cabin;
* hotel:  ``HT-<hotel_id>-<YYYYMMDD check-in>-<YYYYMMDD check-out>``.

Ids carry no price: the hold re-reads inventory, so a stale offer cannot set a price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from core.errors import ValidationFailed

_FLIGHT = re.compile(r"^FL-(\d{1,12})(?:-(\d{1,12}))?$")
#: Fare inventory ids are 32-bit integer keys: a larger number names no offer, and
#: PostgreSQL would refuse to compare it with the column (a 500, not a 422).
MAX_ROW_ID = 2**31 - 1
#: Nothing is sold further ahead than this (airlines open about 330 days out). Dates
#: beyond it are refused up front rather than met by date arithmetic near year 9999.
MAX_DAYS_AHEAD: Final = 366
_HOTEL = re.compile(r"^HT-([A-Z0-9]{2,20})-(\d{8})-(\d{8})$")


@dataclass(frozen=True)
class FlightOfferRef:
    fare_inventory_ids: tuple[int, ...]

    @property
    def offer_id(self) -> str:
        return "FL-" + "-".join(str(i) for i in self.fare_inventory_ids)


@dataclass(frozen=True)
class HotelOfferRef:
    hotel_id: str
    check_in: date
    check_out: date

    @property
    def offer_id(self) -> str:
        return f"HT-{self.hotel_id}-{self.check_in:%Y%m%d}-{self.check_out:%Y%m%d}"

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days


OfferRef = FlightOfferRef | HotelOfferRef


def flight_offer_id(*fare_inventory_ids: int) -> str:
    return FlightOfferRef(tuple(fare_inventory_ids)).offer_id


def hotel_offer_id(hotel_id: str, check_in: date, check_out: date) -> str:
    return HotelOfferRef(hotel_id, check_in, check_out).offer_id


def _ymd(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def parse_offer_id(offer_id: str) -> OfferRef:
    """Parse an offer id or raise ``ValidationFailed`` (never a 500 for a bad id)."""
    text = (offer_id or "").strip()
    match = _FLIGHT.match(text)
    if match:
        ids = tuple(int(g) for g in match.groups() if g is not None)
        if any(not 1 <= i <= MAX_ROW_ID for i in ids):
            raise ValidationFailed(f"Malformed offer id {offer_id!r}", field="offer_id")
        return FlightOfferRef(ids)
    match = _HOTEL.match(text)
    if match:
        try:
            check_in = _ymd(match.group(2))
            check_out = _ymd(match.group(3))
        except ValueError as exc:
            raise ValidationFailed(f"Malformed offer id {offer_id!r}", field="offer_id") from exc
        if check_out <= check_in or (check_out - check_in).days > 30:
            raise ValidationFailed(f"Malformed offer id {offer_id!r}", field="offer_id")
        return HotelOfferRef(match.group(1), check_in, check_out)
    raise ValidationFailed(f"Malformed offer id {offer_id!r}", field="offer_id")


def check_sale_window(day: date, today: date, *, field: str) -> None:
    """Refuse a travel date more than :data:`MAX_DAYS_AHEAD` days after ``today``."""
    if (day - today).days > MAX_DAYS_AHEAD:
        raise ValidationFailed(
            f"{day.isoformat()} is more than a year ahead; nothing is on sale that far out",
            field=field,
        )
