"""Plain factory functions with keyword defaults. They add rows; the caller commits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.passengers import PassengerSpec
from core.booking.service import ItemRequest
from core.models import (
    Airport,
    Carrier,
    FareInventory,
    Flight,
    Hotel,
    Organization,
    RoomInventory,
    TravellerDetails,
    User,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GUEST_FAMILY_NAMES = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel", "Ivy")


def guests(n: int) -> list[PassengerSpec]:
    """``n`` guests with legal names: Guest Alder, Guest Birch, …"""
    return [PassengerSpec(given_name="Guest", family_name=f) for f in GUEST_FAMILY_NAMES[:n]]


def guests_json(n: int) -> list[dict[str, str]]:
    """``guests(n)`` as the API and the tools take them."""
    return [{"given_name": "Guest", "family_name": f} for f in GUEST_FAMILY_NAMES[:n]]


def named_item(offer_id: str, quantity: int = 1) -> ItemRequest:
    """A hold's item with every seat named, as confirming needs: a single seat is the
    traveller's (the core's own default), more seats are guests."""
    several = offer_id.startswith("FL-") and quantity > 1
    return ItemRequest(offer_id, quantity, passengers=guests(quantity) if several else None)


async def make_org(session: AsyncSession, *, id: str = "acme", name: str = "Acme Corp",
                   currency: str = "USD", payment_method: str = "4242424242424242") -> Organization:
    org = Organization(id=id, name=name, currency=currency, payment_method=payment_method, created_at=T0)
    session.add(org)
    await session.flush()
    return org


async def make_user(session: AsyncSession, *, id: str = "ava", org_id: str = "acme",
                    role: str = "traveler", manager_id: str | None = None,
                    department: str = "Engineering", home_airport: str | None = "JFK",
                    token_hash: str | None = None,
                    legal_names: tuple[str, str] | None = ("", "Example")) -> User:
    """``legal_names``: the profile's (given, family), as confirming a flight needs them
    (an empty given name is the user's own, ``Ava``); None: no profile on file."""
    user = User(id=id, org_id=org_id, name=id.title(), email=f"{id}@example.com", role=role,
                manager_id=manager_id, department=department, home_airport=home_airport,
                token_hash=token_hash, preferences={}, created_at=T0)
    session.add(user)
    await session.flush()
    if legal_names is not None:
        given, family = legal_names
        session.add(TravellerDetails(user_id=id, org_id=org_id, given_name=given or id.title(),
                                     family_name=family, updated_at=T0, updated_by="factory"))
        await session.flush()
    return user


async def make_airports(session: AsyncSession, codes: tuple[str, ...] = ("JFK", "LHR", "BOS")) -> None:
    info: dict[str, tuple[str, str, str, str, float, float]] = {
        "JFK": ("New York", "US", "NA", "America/New_York", 40.64, -73.78),
        "BOS": ("Boston", "US", "NA", "America/New_York", 42.36, -71.01),
        "LHR": ("London", "GB", "EU", "Europe/London", 51.47, -0.45),
        "CDG": ("Paris", "FR", "EU", "Europe/Paris", 49.01, 2.55),
        "ORD": ("Chicago", "US", "NA", "America/Chicago", 41.97, -87.91),
    }
    for code in codes:
        city, country, region, tz, lat, lon = info[code]
        session.add(Airport(code=code, name=f"{city} {code}", city=city, country=country,
                            region=region, tz=tz, lat=lat, lon=lon))
    await session.flush()


async def make_carrier(session: AsyncSession, *, code: str = "BA", name: str = "British Airways") -> Carrier:
    carrier = Carrier(code=code, name=name, region="EU")
    session.add(carrier)
    await session.flush()
    return carrier


async def make_flight(session: AsyncSession, *, carrier: str = "BA", number: str = "117",
                      origin: str = "JFK", destination: str = "LHR",
                      depart_at: datetime = T0 + timedelta(days=17), duration_minutes: int = 415,
                      cabins: dict[str, tuple[int, int]] | None = None,
                      refundable: bool = False, change_fee_minor: int = 15000,
                      **extra: Any) -> tuple[Flight, dict[str, FareInventory]]:
    """cabins maps cabin → (capacity, fare in minor units)."""
    cabins = cabins or {"economy": (150, 61240), "business": (20, 420000), "first": (8, 900000)}
    flight = Flight(carrier=carrier, number=number, date=depart_at.date(), origin=origin,
                    destination=destination, depart_at=depart_at,
                    arrive_at=depart_at + timedelta(minutes=duration_minutes),
                    duration_minutes=duration_minutes, distance_km=5540, **extra)
    session.add(flight)
    await session.flush()
    inv: dict[str, FareInventory] = {}
    for cabin, (capacity, fare) in cabins.items():
        row = FareInventory(flight_id=flight.id, cabin=cabin, capacity=capacity, fare_minor=fare,
                            currency="USD", refundable=refundable, change_fee_minor=change_fee_minor)
        session.add(row)
        inv[cabin] = row
    await session.flush()
    return flight, inv


async def make_hotel(session: AsyncSession, *, id: str = "HTL-LON-1", city: str = "London",
                     airport_code: str = "LHR", rate_minor: int = 22000, rooms: int = 10,
                     first_night: date = date(2026, 12, 18), nights: int = 5) -> Hotel:
    hotel = Hotel(id=id, name=f"{city} Grand", city=city, airport_code=airport_code, stars=4,
                  address="1 High St", chain="Grand", currency="USD", refundable=True)
    session.add(hotel)
    await session.flush()
    for i in range(nights):
        session.add(RoomInventory(hotel_id=hotel.id, night=first_night + timedelta(days=i),
                                  capacity=rooms, rate_minor=rate_minor, currency="USD"))
    await session.flush()
    return hotel


def as_json(view: BaseModel) -> dict[str, Any]:
    """A core view as the API answers it (the tests that check the JSON contract read this)."""
    return view.model_dump(mode="json")
