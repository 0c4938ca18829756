"""A guest passenger's passport, kept on the booking's passenger. Session services; they
never commit.

A guest (named by name, not a person of the organization) has no traveller profile, so
an international flight could not check them in online. Their passport — number,
issuing country, nationality, expiry and optionally date of birth — is stored on their
``passengers`` row exactly as a profile stores one (``core.travellers``): the number
encrypted with the runtime's :class:`~core.travellers.crypto.PiiCipher` under a context
binding it to this passenger, its mask (``•••••1234``) beside it; reads never decrypt.

Who may write it: the booking's booker, its traveller, or an admin of the organization;
anyone else — and anyone in another organization — gets ``NotFound``. A colleague's
passport belongs on their own profile (``INVALID_DOCUMENT``). The passport must still be
valid on the day the passenger's last flight of the booking lands (``DOCUMENT_EXPIRED``).
Setting the same passport twice leaves the same passenger. No error, audit entry or
event ever carries the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.errors import DocumentExpired, InvalidDocument, InvalidTransition, NotFound
from core.identity import Caller
from core.models import (
    Booking,
    BookingStatus,
    DocumentType,
    Flight,
    Passenger,
    Segment,
    SegmentPassenger,
)
from core.travellers import validate
from core.travellers.crypto import PiiCipher, mask

#: Bookings that are over: nobody flies on them, so no passport is taken for them.
_CLOSED = frozenset({BookingStatus.CANCELLED, BookingStatus.EXPIRED, BookingStatus.FAILED})


@dataclass(frozen=True)
class GuestDocument:
    """A guest's passport as typed (validated by :func:`set_guest_document`)."""

    number: str
    issuing_country: str
    nationality: str
    expires_on: str
    type: str = DocumentType.PASSPORT
    date_of_birth: str | None = None


def guest_document_context(passenger_id: str, issuing_country: str) -> str:
    """The additional data that binds a guest's token to its passenger and country."""
    return f"passenger:{passenger_id}|{DocumentType.PASSPORT}:{issuing_country}"


async def _guest_of(
    session: AsyncSession, caller: Caller, booking_id: str, passenger_id: str
) -> tuple[Booking, Passenger]:
    """The booking (row-locked) and its passenger, if the caller may write its documents."""
    booking = await session.scalar(
        select(Booking)
        .where(Booking.id == booking_id, Booking.org_id == caller.org_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if booking is None or not (
        caller.user_id in (booking.traveler_id, booking.created_by) or caller.is_admin
    ):
        raise NotFound(f"Booking {booking_id} not found")
    passenger = await session.scalar(
        select(Passenger).where(Passenger.id == passenger_id, Passenger.booking_id == booking.id)
    )
    if passenger is None:
        raise NotFound(f"Passenger {passenger_id} is not on booking {booking_id}")
    if booking.status in _CLOSED:
        raise InvalidTransition(
            f"Booking {booking.id} is {booking.status}: nobody flies on it any more"
        )
    if passenger.user_id is not None:
        raise InvalidDocument(
            "This passenger is a person of the organization: their passport belongs on "
            "their traveller profile",
            field="passenger_id",
        )
    return booking, passenger


async def trip_ends_on(session: AsyncSession, passenger_id: str) -> date | None:
    """The day the passenger's last flight of the booking lands (None: no flight)."""
    landing = await session.scalar(
        select(func.max(Flight.arrive_at))
        .select_from(SegmentPassenger)
        .join(Segment, Segment.id == SegmentPassenger.segment_id)
        .join(Flight, Flight.id == Segment.flight_id)
        .where(SegmentPassenger.passenger_id == passenger_id)
    )
    if landing is None:
        return None
    return landing.date() if isinstance(landing, datetime) else landing


async def set_guest_document(
    session: AsyncSession,
    cipher: PiiCipher,
    caller: Caller,
    booking_id: str,
    passenger_id: str,
    document: GuestDocument,
    *,
    now: datetime,
) -> Booking:
    """Validate, then store the guest's passport (replacing the one on file)."""
    booking, passenger = await _guest_of(session, caller, booking_id, passenger_id)
    if document.type != DocumentType.PASSPORT:
        raise InvalidDocument("Only passports are kept on file", field="type")
    country = validate.country(document.issuing_country, field="issuing_country")
    number = validate.document_number(document.number, field="number")
    nationality = validate.country(document.nationality, field="nationality")
    expires_on = validate.iso_date(document.expires_on, field="expires_on")
    born = (
        validate.birth_date(document.date_of_birth, today=now.date())
        if document.date_of_birth is not None
        else None
    )
    if expires_on < now.date():
        raise DocumentExpired(
            f"The {country} passport expired on {expires_on.isoformat()}", field="expires_on"
        )
    ends = await trip_ends_on(session, passenger.id)
    if ends is not None and expires_on < ends:
        raise DocumentExpired(
            f"The {country} passport expires on {expires_on.isoformat()}, before the trip "
            f"ends on {ends.isoformat()}",
            field="expires_on",
        )
    passenger.passport_token = cipher.encrypt(
        number, context=guest_document_context(passenger.id, country)
    )
    passenger.passport_masked = mask(number)
    passenger.passport_issuing_country = country
    passenger.passport_nationality = nationality
    passenger.passport_expires_on = expires_on
    passenger.date_of_birth = born
    passenger.document_updated_at = now
    audit.record(
        session, org_id=booking.org_id, actor_id=caller.user_id,
        action="passenger.document_set", entity="passenger", entity_id=passenger.id, at=now,
        booking_id=booking.id, fields=["passport"],
    )
    await session.flush()
    return booking


async def clear_guest_document(
    session: AsyncSession, caller: Caller, booking_id: str, passenger_id: str, *, now: datetime
) -> Booking:
    """Forget the guest's passport (and date of birth). Clearing twice is clearing once."""
    booking, passenger = await _guest_of(session, caller, booking_id, passenger_id)
    if passenger.passport_token is None and passenger.date_of_birth is None:
        return booking
    passenger.passport_token = passenger.passport_masked = None
    passenger.passport_issuing_country = passenger.passport_nationality = None
    passenger.passport_expires_on = passenger.date_of_birth = None
    passenger.document_updated_at = now
    audit.record(
        session, org_id=booking.org_id, actor_id=caller.user_id,
        action="passenger.document_cleared", entity="passenger", entity_id=passenger.id, at=now,
        booking_id=booking.id, fields=["passport"],
    )
    await session.flush()
    return booking


def clear_guest_number(cipher: PiiCipher, passenger: Passenger) -> str | None:
    """The guest's passport number in clear, for the airline and nothing else."""
    if passenger.passport_token is None or passenger.passport_issuing_country is None:
        return None
    return cipher.decrypt(
        passenger.passport_token,
        context=guest_document_context(passenger.id, passenger.passport_issuing_country),
    )


__all__ = [
    "GuestDocument",
    "clear_guest_document",
    "clear_guest_number",
    "guest_document_context",
    "set_guest_document",
    "trip_ends_on",
]
