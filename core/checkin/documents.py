"""The travel documents a flight needs at check-in.

A flight between two countries needs, for each passenger checked in, a passport on
file that is still valid on the day the flight lands. A colleague's passports are on
their traveller profile (``travel_documents``, ADR 0007); a guest has no profile, so
their passport is kept on their passenger (``core.booking.guest_documents``), and a
guest without one is refused (reason ``guest``). What is missing is said by name and
reason, never with a number: the check reads the expiry dates only and decrypts nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import DocumentsRequired
from core.models import Airport, DocumentType, Flight, Passenger, TravelDocument


@dataclass(frozen=True)
class MissingDocument:
    passenger_id: str
    name: str
    reason: str  # "no_passport" | "passport_expired" | "guest"

    def as_json(self) -> dict[str, Any]:
        return {"passenger_id": self.passenger_id, "name": self.name, "reason": self.reason}


_SAID = {
    "no_passport": "has no passport on file",
    "passport_expired": "has no passport valid on {day}",
    "guest": "is a guest with no passport on file (add it to the booking's passenger)",
}


async def is_international(session: AsyncSession, flight: Flight) -> bool:
    countries = (
        await session.scalars(
            select(Airport.country).where(Airport.code.in_((flight.origin, flight.destination)))
        )
    ).all()
    return len(set(countries)) > 1


def display_name(passenger: Passenger) -> str:
    return " ".join(n for n in (passenger.given_name, passenger.family_name) if n) or passenger.id


async def missing_documents(
    session: AsyncSession, passengers: Sequence[Passenger], *, travel_date: date
) -> list[MissingDocument]:
    """The passengers without a passport valid on ``travel_date``, in the order given."""
    user_ids = [p.user_id for p in passengers if p.user_id]
    expiries: dict[str, list[date]] = {}
    if user_ids:
        rows = await session.execute(
            select(TravelDocument.user_id, TravelDocument.expires_on).where(
                TravelDocument.user_id.in_(user_ids),
                TravelDocument.kind == DocumentType.PASSPORT,
            )
        )
        for user_id, expires_on in rows.all():
            expiries.setdefault(user_id, []).append(expires_on)
    missing: list[MissingDocument] = []
    for p in passengers:
        if p.user_id is None:
            if p.passport_expires_on is None:
                missing.append(MissingDocument(p.id, display_name(p), "guest"))
            elif p.passport_expires_on < travel_date:
                missing.append(MissingDocument(p.id, display_name(p), "passport_expired"))
        elif not expiries.get(p.user_id):
            missing.append(MissingDocument(p.id, display_name(p), "no_passport"))
        elif max(expiries[p.user_id]) < travel_date:
            missing.append(MissingDocument(p.id, display_name(p), "passport_expired"))
    return missing


def documents_required(flight: Flight, missing: Sequence[MissingDocument], travel_date: date) -> DocumentsRequired:
    who = "; ".join(
        f"{m.name} {_SAID[m.reason].format(day=travel_date.isoformat())}" for m in missing
    )
    return DocumentsRequired(
        f"{flight.carrier} {flight.number} {flight.origin}→{flight.destination} crosses a "
        f"border: {who}. Add a passport to the traveller profile (a guest's to their passenger "
        "on the booking) and check in again.",
        missing=[m.as_json() for m in missing],
    )
