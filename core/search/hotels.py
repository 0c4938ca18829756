"""Hotel search: stays in one city with rooms for every night, and offer reloads.

One query reads the city's hotels with their room-nights for the stay; a hotel
is offered only when every night is on sale with enough rooms left. The offer id
(``HT-<hotel>-<check-in>-<check-out>``) carries no price: the hold re-reads
inventory with :func:`load_hotel_offer`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue.fares import FareBreakdown, stay_fare
from core.catalogue.places import Place, resolve_place
from core.clock import utc
from core.errors import NotFound, ValidationFailed
from core.models import Hotel, RoomInventory
from core.money import from_major
from core.policy.items import HotelItem
from core.search.offers import HotelOfferRef, check_sale_window, hotel_offer_id

MAX_NIGHTS: Final = 30
MAX_ROOMS: Final = 9
MAX_LIMIT: Final = 100
SORTS: Final = ("price", "stars", "name")


class HotelOffer(BaseModel):
    model_config = ConfigDict(frozen=True)

    offer_id: str
    hotel_id: str
    name: str
    chain: str
    stars: int
    city: str
    address: str
    airport_code: str
    check_in: dt.date
    check_out: dt.date
    nights: int
    rooms: int
    nightly_minor: int  # the highest night's rate (what nightly caps compare)
    night_rates_minor: tuple[int, ...]  # one per night, in order
    total_minor: int  # sum of the nights x rooms
    currency: str
    rooms_left: int  # the fewest over the nights
    refundable: bool

    @property
    def fare(self) -> FareBreakdown:
        """``total_minor`` split into base, taxes and fees (every night, every room);
        worked out when read, so only the offers a page shows pay for it."""
        return stay_fare(
            self.night_rates_minor, self.rooms, self.currency, city=self.city, stars=self.stars
        )

    def policy_item(self) -> HotelItem:
        return HotelItem(
            hotel_id=self.hotel_id,
            chain=self.chain,
            city=self.city,
            check_in=self.check_in,
            check_out=self.check_out,
            nightly_rate_minor=self.nightly_minor,
            rooms=self.rooms,
            amount_minor=self.total_minor,
            currency=self.currency,
        )


class HotelSearchResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    offers: tuple[HotelOffer, ...]
    total: int
    limit: int
    offset: int
    city: str
    check_in: dt.date
    check_out: dt.date
    nights: int
    rooms: int
    left_out_price: int = 0  # hotels over max_nightly: not in ``total``

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.offers) < self.total


def _check_stay(check_in: dt.date, check_out: dt.date, rooms: int) -> int:
    if check_out <= check_in:
        raise ValidationFailed("check_out must be after check_in", field="check_out")
    nights = (check_out - check_in).days
    if nights > MAX_NIGHTS:
        raise ValidationFailed(f"A stay can be at most {MAX_NIGHTS} nights", field="check_out")
    if not 1 <= rooms <= MAX_ROOMS:
        raise ValidationFailed(f"rooms must be between 1 and {MAX_ROOMS}", field="rooms")
    return nights


_HOTEL_COLUMNS: Final = (
    Hotel.id, Hotel.name, Hotel.chain, Hotel.stars, Hotel.city, Hotel.address, Hotel.airport_code,
    Hotel.currency, Hotel.refundable,
)
# Column reads, not ORM entities: the booking service updates these rows with
# conditional writes, and stale objects in the session's identity map would
# only mislead it.
_NIGHT_COLUMNS: Final = (
    RoomInventory.night, RoomInventory.rate_minor,
    RoomInventory.capacity - RoomInventory.held - RoomInventory.sold,
)


def _offer(hotel: Any, nights: list[Any], check_in: dt.date, check_out: dt.date,
           rooms: int) -> HotelOffer:
    """Build an offer from a hotel row and its stay's night rows (sorted by night)."""
    rates = tuple(int(n[1]) for n in nights)
    return HotelOffer(
        offer_id=hotel_offer_id(hotel[0], check_in, check_out),
        hotel_id=hotel[0],
        name=hotel[1],
        chain=hotel[2],
        stars=hotel[3],
        city=hotel[4],
        address=hotel[5],
        airport_code=hotel[6],
        check_in=check_in,
        check_out=check_out,
        nights=len(nights),
        rooms=rooms,
        nightly_minor=max(rates),
        night_rates_minor=rates,
        total_minor=sum(rates) * rooms,
        currency=hotel[7],
        rooms_left=max(0, min(int(n[2]) for n in nights)),
        refundable=bool(hotel[8]),
    )


_SORT_KEYS: Final = {
    "price": lambda o: (o.nightly_minor, o.total_minor, -o.stars, o.hotel_id),
    "stars": lambda o: (-o.stars, o.nightly_minor, o.hotel_id),
    "name": lambda o: (o.name, o.hotel_id),
}


async def search_hotels(
    session: AsyncSession,
    *,
    city: str,
    check_in: dt.date,
    check_out: dt.date,
    now: datetime,
    rooms: int = 1,
    limit: int = 20,
    offset: int = 0,
    sort: str = "price",
    max_nightly: Decimal | None = None,
) -> HotelSearchResult:
    """Hotels in ``city`` (any spelling ``resolve_place`` knows, or an airport) for the stay.

    Only hotels with ``rooms`` rooms free on every night are offered.
    ``max_nightly`` (per room, in the hotel's currency) drops hotels whose dearest night
    costs more; ``left_out_price`` counts them.
    """
    nights = _check_stay(check_in, check_out, rooms)
    if sort not in SORTS:
        raise ValidationFailed(f"Unknown sort {sort!r}; choose one of {', '.join(SORTS)}", field="sort")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if offset < 0:
        raise ValidationFailed("offset must not be negative", field="offset")
    if max_nightly is not None and max_nightly <= 0:
        raise ValidationFailed("max_nightly must be more than 0", field="max_nightly")
    place = resolve_place(city)
    today_there = utc(now).astimezone(ZoneInfo(place.tz)).date()
    if check_in < today_there:
        raise ValidationFailed(
            f"check_in {check_in.isoformat()} is in the past in {place.city} "
            f"(today there is {today_there.isoformat()})",
            field="check_in",
        )
    check_sale_window(check_in, today_there, field="check_in")

    rows = (
        await session.execute(
            select(*_HOTEL_COLUMNS, *_NIGHT_COLUMNS)
            .join(RoomInventory, RoomInventory.hotel_id == Hotel.id)
            .where(
                Hotel.city == place.city,
                RoomInventory.night >= check_in,
                RoomInventory.night < check_out,
            )
            .order_by(Hotel.id, RoomInventory.night)
        )
    ).all()
    split = len(_HOTEL_COLUMNS)
    hotels: dict[str, Any] = {}
    stay: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        hotels[row[0]] = row[:split]
        stay[row[0]].append(row[split:])
    if not rows:
        await _check_horizon(session, place, check_out)

    offers = []
    left_out_price = 0
    for hotel_id, hotel_nights in stay.items():
        if len(hotel_nights) != nights:
            continue  # some night is not on sale
        offer = _offer(hotels[hotel_id], hotel_nights, check_in, check_out, rooms)
        if offer.rooms_left < rooms:
            continue
        if max_nightly is not None and offer.nightly_minor > from_major(
            max_nightly, offer.currency
        ):
            left_out_price += 1
            continue
        offers.append(offer)
    offers.sort(key=_SORT_KEYS[sort])
    return HotelSearchResult(
        offers=tuple(offers[offset : offset + limit]),
        total=len(offers),
        limit=limit,
        offset=offset,
        city=place.city,
        check_in=check_in,
        check_out=check_out,
        nights=nights,
        rooms=rooms,
        left_out_price=left_out_price,
    )


async def _check_horizon(session: AsyncSession, place: Place, check_out: dt.date) -> None:
    last = await session.scalar(
        select(func.max(RoomInventory.night))
        .join(Hotel, Hotel.id == RoomInventory.hotel_id)
        .where(Hotel.city == place.city)
    )
    if last is not None and check_out - dt.timedelta(days=1) > last:
        raise ValidationFailed(
            f"Hotels in {place.city} can be booked for nights up to {last.isoformat()}",
            field="check_out",
        )


async def load_hotel_offer(session: AsyncSession, ref: HotelOfferRef, rooms: int) -> HotelOffer:
    """Rebuild a hotel offer from its id with current rates and rooms left.

    ``NotFound`` when the hotel does not exist or some night of the stay is not
    on sale. Rooms left are reported, not enforced (the hold's conditional write
    decides).
    """
    nights = _check_stay(ref.check_in, ref.check_out, rooms)
    hotel = (await session.execute(select(*_HOTEL_COLUMNS).where(Hotel.id == ref.hotel_id))).first()
    if hotel is None:
        raise NotFound(f"Hotel {ref.hotel_id} does not exist", offer_id=ref.offer_id)
    rows = list(
        (
            await session.execute(
                select(*_NIGHT_COLUMNS)
                .where(
                    RoomInventory.hotel_id == ref.hotel_id,
                    RoomInventory.night >= ref.check_in,
                    RoomInventory.night < ref.check_out,
                )
                .order_by(RoomInventory.night)
            )
        ).all()
    )
    if len(rows) != nights:
        raise NotFound(
            f"{hotel[1]} has no rooms on sale for every night from {ref.check_in.isoformat()} "
            f"to {ref.check_out.isoformat()}",
            offer_id=ref.offer_id,
        )
    return _offer(hotel, rows, ref.check_in, ref.check_out, rooms)


__all__ = ["HotelOffer", "HotelSearchResult", "load_hotel_offer", "search_hotels"]
