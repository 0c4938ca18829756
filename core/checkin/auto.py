"""Automatic check-in: the job that checks in, as soon as a flight's check-in opens, the
passengers whose traveller profile asks for it (``traveller_details.auto_check_in``).

A flow: it finds who is due in one read, then checks each passenger in in a
transaction of their own under the booking's row lock (the same lock a person's
check-in takes, so the two never issue two passes), and the pass leaves through the
outbox like any other (the e-mail carries it). A passenger whose international flight
finds no valid passport on file is told once, by name of the flight, never with a
number, and tried again at every tick until the window closes: adding a passport is
enough.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.checkin.apis import send_documents
from core.checkin.flow import in_check_in_transaction
from core.checkin.passes import CURRENT
from core.checkin.service import AUTO, check_in_segment
from core.checkin.window import checkin_window
from core.errors import CoreError, DocumentsRequired
from core.models import (
    BoardingPass,
    Booking,
    BookingStatus,
    Flight,
    FlightStatus,
    OutboxEvent,
    Passenger,
    Segment,
    SegmentKind,
    SegmentPassenger,
    SegmentStatus,
    TravellerDetails,
)
from core.runtime import Runtime

log = logging.getLogger(__name__)

#: Passengers checked in per tick at most; the rest wait for the next tick.
BATCH = 200
#: How far past the timetable a delayed flight is still looked for.
_DELAY_SLACK = timedelta(hours=24)

DOCUMENTS_TOPIC = "checkin.documents_required"


@dataclass(frozen=True)
class _Due:
    booking_id: str
    segment_id: str
    passenger_id: str
    user_id: str
    org_id: str


async def _due(rt: Runtime) -> list[_Due]:
    """Opted-in passengers of confirmed bookings, not checked in, whose flight's window
    is open now."""
    now = rt.clock.now()
    settings = rt.settings
    async with rt.db.uow(write=False) as session:
        rows = (
            await session.execute(
                select(
                    Booking.id, Segment.id, Passenger.id, Passenger.user_id, Booking.org_id, Flight
                )
                .join(Segment, Segment.booking_id == Booking.id)
                .join(Flight, Flight.id == Segment.flight_id)
                .join(SegmentPassenger, SegmentPassenger.segment_id == Segment.id)
                .join(Passenger, Passenger.id == SegmentPassenger.passenger_id)
                .join(TravellerDetails, TravellerDetails.user_id == Passenger.user_id)
                .outerjoin(
                    BoardingPass,
                    (BoardingPass.segment_passenger_id == SegmentPassenger.id) & CURRENT,
                )
                .where(
                    Booking.status == BookingStatus.CONFIRMED,
                    Segment.kind == SegmentKind.FLIGHT,
                    Segment.status == SegmentStatus.BOOKED,
                    Segment.replaced_by.is_(None),
                    TravellerDetails.auto_check_in.is_(True),
                    BoardingPass.id.is_(None),
                    Flight.status != FlightStatus.CANCELLED,
                    and_(
                        Flight.depart_at
                        <= now + timedelta(hours=settings.checkin_opens_hours_before),
                        Flight.depart_at > now - _DELAY_SLACK,
                    ),
                )
                .order_by(Flight.depart_at, Booking.id, Passenger.position)
                .limit(BATCH)
            )
        ).all()
    return [
        _Due(booking_id, segment_id, passenger_id, str(user_id), org_id)
        for booking_id, segment_id, passenger_id, user_id, org_id, flight in rows
        if checkin_window(flight, settings).is_open(now)
    ]


async def auto_check_in(rt: Runtime) -> int:
    """One tick: check in every passenger due; answers how many passes were issued."""
    issued = 0
    for due in await _due(rt):
        try:
            await send_documents(rt, due.booking_id, due.segment_id, only={due.passenger_id})
            issued += await in_check_in_transaction(rt, functools.partial(_check_in_one, rt, due))
        except DocumentsRequired:
            await _tell_documents_missing(rt, due)
        except CoreError as exc:
            # The booking moved on since the read (cancelled, window closed…): nothing to do.
            log.info("auto check-in of %s on %s skipped: %s", due.passenger_id, due.segment_id,
                     exc.code)
    return issued


async def _check_in_one(rt: Runtime, due: _Due, session: AsyncSession) -> int:
    """One passenger, under the booking's row lock; answers 1 for a pass issued now."""
    booking = await session.scalar(
        select(Booking)
        .where(Booking.id == due.booking_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert booking is not None
    if await _has_pass(session, due):
        return 0
    passes = await check_in_segment(
        session, booking, due.segment_id, now=rt.clock.now(), settings=rt.settings,
        actor=AUTO, only={due.passenger_id},
    )
    return len(passes)


async def _has_pass(session: AsyncSession, due: _Due) -> bool:
    found = await session.scalar(
        select(BoardingPass.id).where(
            BoardingPass.segment_id == due.segment_id,
            BoardingPass.passenger_id == due.passenger_id,
            CURRENT,
        )
    )
    return found is not None


async def _tell_documents_missing(rt: Runtime, due: _Due) -> None:
    """Once per passenger and flight: the job could not check them in, and why."""
    key = f"auto_checkin:{due.segment_id}:{due.passenger_id}:documents"
    async with rt.db.uow() as session:
        if await session.scalar(select(OutboxEvent.id).where(OutboxEvent.key == key)) is not None:
            return
        segment = await session.get(Segment, due.segment_id)
        flight = await session.get(Flight, segment.flight_id) if segment is not None else None
        if flight is None:
            return
        what = f"{flight.carrier} {flight.number} {flight.origin}→{flight.destination}"
        outbox.emit(
            session,
            org_id=due.org_id,
            topic=DOCUMENTS_TOPIC,
            key=key,
            payload={
                "booking_id": due.booking_id,
                "segment_id": due.segment_id,
                "notify": [due.user_id],
                "subject": f"Check-in needs your passport: {what}",
                "message": f"Check-in for {what} on {flight.date.isoformat()} is open, but "
                "there is no passport valid on the travel date in your travel profile, so "
                "you were not checked in automatically. Add it to your profile and you will "
                "be checked in at once.",
            },
            at=rt.clock.now(),
        )
