"""Advance passenger information: the passports an airline is given before check-in.

A flight between two countries is checked in only once the airline holds each
passenger's passport (APIS; ``SSR DOCS`` on the reservation). The check-in transaction
checks that a valid passport is on file (:mod:`core.checkin.documents`, expiry dates
only); this module is what hands the airline the document itself, the one place a
number is decrypted (``core.travellers.service.clear_document_number`` for a colleague,
``core.booking.guest_documents.clear_guest_number`` for a guest) and it goes straight
into the supplier call, never into a log, a row, an event or an error.

It is a flow step: it reads in a short read-only transaction, then calls the supplier
with no transaction open (ARCHITECTURE: no transaction across an outside call), with our
own key ``booking:{id}:segment:{sid}:apis:{digest}``. The digest covers the passengers
and the stored ciphertext of each passport, so a passport replaced since is sent again
while a retried check-in (or the job's next tick) repeats the same call, which the
airline accepts once. Nothing is sent when check-in would be refused anyway (booking not
confirmed, window shut, a passport missing, everyone already checked in): the check-in
transaction that follows gives the refusal its code. A refusal by the airline is
``SUPPLIER_REJECTED`` (409) and the airline being unreachable ``SUPPLIER_UNAVAILABLE``
(503); either way no pass is issued.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.access import load_visible_booking
from core.booking.guest_documents import clear_guest_number
from core.checkin.documents import is_international, missing_documents
from core.checkin.passes import CURRENT
from core.checkin.window import checkin_window
from core.errors import SupplierRejected, SupplierUnavailable
from core.identity import Caller
from core.models import (
    BoardingPass,
    Booking,
    BookingStatus,
    DocumentType,
    Flight,
    FlightStatus,
    Passenger,
    Segment,
    SegmentKind,
    SegmentPassenger,
    SegmentStatus,
    TravelDocument,
    TravellerDetails,
    User,
)
from core.runtime import Runtime
from core.supplier.base import (
    ApisPassenger,
    ApisRequest,
    SupplierRejectedError,
    SupplierTimeoutError,
    SupplierTransientError,
)
from core.travellers.service import clear_document_number


@dataclass(frozen=True)
class _Outgoing:
    request: ApisRequest
    key: str


async def send_documents(
    rt: Runtime,
    booking_id: str,
    segment_id: str,
    *,
    caller: Caller | None = None,
    only: Collection[str] | None = None,
) -> bool:
    """Give the airline the passports of the passengers of ``segment_id`` about to be
    checked in (``only``: these passenger ids), when the flight crosses a border.
    ``caller``: the person checking in (who must be allowed to act on the booking; the
    job passes none). Answers whether anything was sent."""
    async with rt.db.uow(write=False) as session:
        outgoing = await _outgoing(rt, session, booking_id, segment_id, caller=caller, only=only)
    if outgoing is None:
        return False
    try:
        await rt.supplier_for("flight").send_apis(outgoing.request, idempotency_key=outgoing.key)
    except SupplierRejectedError as exc:
        raise SupplierRejected(
            f"The airline did not accept the travel documents for this flight ({exc}); "
            "check the passports on file and check in again"
        ) from None
    except (SupplierTransientError, SupplierTimeoutError):
        raise SupplierUnavailable(
            "The airline could not be reached to send the travel documents; check in again shortly"
        ) from None
    return True


async def _outgoing(
    rt: Runtime,
    session: AsyncSession,
    booking_id: str,
    segment_id: str,
    *,
    caller: Caller | None,
    only: Collection[str] | None,
) -> _Outgoing | None:
    now = rt.clock.now()
    booking: Booking | None = (
        await load_visible_booking(session, caller, booking_id, to_act=True)
        if caller is not None
        else await session.get(Booking, booking_id)
    )
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        return None
    segment = await session.scalar(
        select(Segment).where(Segment.id == segment_id, Segment.booking_id == booking.id)
    )
    if (
        segment is None
        or segment.kind != SegmentKind.FLIGHT
        or segment.status != SegmentStatus.BOOKED
        or segment.replaced_by is not None
        or segment.flight_id is None
        or not segment.locator
    ):
        return None
    flight = await session.get(Flight, segment.flight_id)
    if flight is None or flight.status == FlightStatus.CANCELLED:
        return None
    if not checkin_window(flight, rt.settings).is_open(now):
        return None
    if not await is_international(session, flight):
        return None
    issued = set(
        await session.scalars(
            select(BoardingPass.passenger_id).where(BoardingPass.segment_id == segment.id, CURRENT)
        )
    )
    passengers = [
        p
        for p in await session.scalars(
            select(Passenger)
            .join(SegmentPassenger, SegmentPassenger.passenger_id == Passenger.id)
            .where(SegmentPassenger.segment_id == segment.id)
            .order_by(Passenger.position, Passenger.id)
        )
        if p.id not in issued and (only is None or p.id in only)
    ]
    travel_date = flight.arrive_at.date()
    if not passengers or await missing_documents(session, passengers, travel_date=travel_date):
        return None
    sent: list[ApisPassenger] = []
    digest = hashlib.sha256()
    for p in passengers:
        document = await _document_of(rt, session, p, travel_date=travel_date)
        if document is None:
            return None
        passenger, token = document
        sent.append(passenger)
        digest.update(f"{p.id}|{token}|{passenger.expires_on.isoformat()};".encode())
    request = ApisRequest(
        booking_ref=booking.id,
        segment_id=segment.id,
        locator=segment.locator,
        details={
            "carrier": flight.carrier,
            "number": flight.number,
            "date": flight.date.isoformat(),
            "origin": flight.origin,
            "destination": flight.destination,
        },
        passengers=tuple(sent),
    )
    return _Outgoing(request, f"booking:{booking.id}:segment:{segment.id}:apis:{digest.hexdigest()[:16]}")


async def _document_of(
    rt: Runtime, session: AsyncSession, p: Passenger, *, travel_date: date
) -> tuple[ApisPassenger, str] | None:
    """The passenger's passport as the airline is given it, and the ciphertext it came
    from (for the key): a colleague's valid passport expiring last, a guest's own."""
    given, family = p.given_name or "", p.family_name or ""
    if p.user_id is None:
        number = clear_guest_number(rt.pii, p)
        if (
            number is None
            or p.passport_token is None
            or p.passport_expires_on is None
            or p.passport_issuing_country is None
        ):
            return None
        return (
            ApisPassenger(
                ref=p.id, given_name=given, family_name=family,
                issuing_country=p.passport_issuing_country,
                nationality=p.passport_nationality or p.passport_issuing_country,
                expires_on=p.passport_expires_on, date_of_birth=p.date_of_birth,
                document_number=number,
            ),
            p.passport_token,
        )
    user = await session.get(User, p.user_id)
    document = await session.scalar(
        select(TravelDocument)
        .where(
            TravelDocument.user_id == p.user_id,
            TravelDocument.kind == DocumentType.PASSPORT,
            TravelDocument.expires_on >= travel_date,
        )
        .order_by(TravelDocument.expires_on.desc(), TravelDocument.issuing_country)
        .limit(1)
    )
    if user is None or document is None:
        return None
    number = await clear_document_number(session, rt.pii, user, document.issuing_country)
    if number is None:
        return None
    details = await session.get(TravellerDetails, p.user_id)
    return (
        ApisPassenger(
            ref=p.id, given_name=given, family_name=family,
            issuing_country=document.issuing_country, nationality=document.nationality,
            expires_on=document.expires_on,
            date_of_birth=details.date_of_birth if details is not None else None,
            document_number=number,
        ),
        document.number_token,
    )


__all__ = ["send_documents"]
