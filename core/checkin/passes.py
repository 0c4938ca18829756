"""Issuing boarding passes, and issuing them again when a seat changes. Session
services; they never commit. The caller holds the booking's row lock.

A pass keeps what was printed (ADR 0012). When a passenger checked in moves to another
seat (``PUT …/seats``, a seat bought after confirmation), the pass in their hand names
the wrong seat: :func:`reissue_moved_passes` supersedes it (kept, ``superseded_at`` and
``superseded_by`` set, read as 410 ``BOARDING_PASS_SUPERSEDED``) and issues a new one
with the new seat and the flight's next check-in sequence number, so the old barcode
and the new never carry the same sequence number and a gate scanner can tell them apart.
The partial unique index ``boarding_pass_current`` keeps one current pass per passenger
per flight.

This module imports no booking service, so the seat services (``core.booking.seats``)
call it in the transaction that moves the seat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, outbox
from core.checkin.bcbp import Leg, encode
from core.checkin.documents import display_name
from core.db import insert_ignoring_duplicates
from core.ids import new_id
from core.models import (
    BoardingPass,
    Booking,
    CheckinCounter,
    Flight,
    Passenger,
    Segment,
    SegmentPassenger,
)

#: The outbox topic of a boarding pass issued (the e-mail carries the pass).
ISSUED_TOPIC = "checkin.completed"

#: Only passes nobody superseded are shown, counted and checked in again.
CURRENT = BoardingPass.superseded_at.is_(None)


async def take_sequence(
    session: AsyncSession, flight_id: int, count: int, *, guarded: bool = True
) -> int:
    """Reserve ``count`` consecutive check-in sequence numbers on the flight; answers
    the first. One ``UPDATE … SET last_sequence = last_sequence + :n … RETURNING``: the
    row lock it takes orders concurrent check-ins on the flight, each reads what the
    one before it wrote. ``guarded=False`` reads and then writes the value read, which
    two concurrent check-ins both read the same; it exists only so the race tests can
    show what the single statement prevents."""
    await session.execute(
        insert_ignoring_duplicates(session, CheckinCounter).values(
            flight_id=flight_id, last_sequence=0
        )
    )
    if guarded:
        last = await session.scalar(
            update(CheckinCounter)
            .where(CheckinCounter.flight_id == flight_id)
            .values(last_sequence=CheckinCounter.last_sequence + count)
            .returning(CheckinCounter.last_sequence)
            .execution_options(synchronize_session=False)
        )
    else:
        read = await session.scalar(
            select(CheckinCounter.last_sequence).where(CheckinCounter.flight_id == flight_id)
        )
        last = int(read or 0) + count
        await session.execute(
            update(CheckinCounter)
            .where(CheckinCounter.flight_id == flight_id)
            .values(last_sequence=last)
            .execution_options(synchronize_session=False)
        )
    assert last is not None
    return int(last) - count + 1


def new_pass(
    booking: Booking,
    segment: Segment,
    flight: Flight,
    link: SegmentPassenger,
    passenger: Passenger,
    *,
    seat: str | None,
    sequence: int,
    actor: str,
    now: datetime,
) -> BoardingPass:
    """A pass as printed: the passenger, the flight, the seat and the sequence number in
    its BCBP string (not added to the session)."""
    return BoardingPass(
        id=new_id("BP", 10),
        org_id=booking.org_id,
        booking_id=booking.id,
        segment_id=segment.id,
        passenger_id=passenger.id,
        segment_passenger_id=link.id,
        flight_id=flight.id,
        seat=seat,
        sequence_number=sequence,
        bcbp=encode(
            Leg(
                family_name=passenger.family_name or "",
                given_name=passenger.given_name or "",
                pnr=segment.locator or "",
                origin=flight.origin,
                destination=flight.destination,
                carrier=flight.carrier,
                flight_number=flight.number,
                flight_date=flight.date,
                cabin=segment.cabin or "economy",
                seat=seat,
                sequence=sequence,
            )
        ),
        checked_in_by=actor,
        issued_at=now,
    )


def tell(
    session: AsyncSession,
    booking: Booking,
    flight: Flight,
    bp: BoardingPass,
    passenger: Passenger,
    *,
    now: datetime,
    reissued: bool = False,
) -> None:
    """The pass goes to the passenger (a colleague) and to the booking's traveller; the
    e-mail carries it (core.notify.smtp)."""
    notify = list(dict.fromkeys(u for u in (passenger.user_id, booking.traveler_id) if u))
    seat = f"seat {bp.seat}" if bp.seat else "seat at the gate"
    name = display_name(passenger)
    what = f"{flight.carrier} {flight.number} {flight.origin}→{flight.destination}"
    if reissued:
        message = (
            f"{name}'s boarding pass for {what} on {flight.date.isoformat()} was issued again "
            f"for the new seat ({seat}, sequence {bp.sequence_number}); the pass issued "
            f"before is no longer valid. The new pass is attached and at "
            f"/v1/boarding-passes/{bp.id}.pdf."
        )
    else:
        message = (
            f"{name} is checked in on {what} on {flight.date.isoformat()} ({seat}, "
            f"sequence {bp.sequence_number}). The boarding pass is attached and at "
            f"/v1/boarding-passes/{bp.id}.pdf."
        )
    outbox.emit(
        session,
        org_id=booking.org_id,
        topic=ISSUED_TOPIC,
        key=f"boarding_pass:{bp.id}",
        payload={
            "booking_id": booking.id,
            "segment_id": bp.segment_id,
            "pass_id": bp.id,
            "notify": notify,
            "subject": f"{'New boarding pass' if reissued else 'Boarding pass'}: {what}",
            "message": message,
        },
        at=now,
    )


async def reissue_moved_passes(
    session: AsyncSession, booking_id: str, *, now: datetime, actor: str
) -> list[BoardingPass]:
    """Issue again every current pass of the booking whose printed seat is no longer its
    passenger's seat; answers the new passes. The old pass is superseded (kept as it was
    printed, pointing at the new one), the new one carries the new seat and the flight's
    next sequence number, and leaves through the outbox like a first pass. Call it in the
    transaction that moved the seats, under the booking's row lock."""
    rows = (
        await session.execute(
            select(BoardingPass, SegmentPassenger)
            .join(SegmentPassenger, SegmentPassenger.id == BoardingPass.segment_passenger_id)
            .where(BoardingPass.booking_id == booking_id, CURRENT)
            .order_by(BoardingPass.flight_id, BoardingPass.sequence_number)
            .execution_options(populate_existing=True)
        )
    ).all()
    moved = [(bp, link) for bp, link in rows if link.seat is not None and bp.seat != link.seat]
    if not moved:
        return []
    booking = await session.get(Booking, booking_id)
    assert booking is not None
    fresh: list[BoardingPass] = []
    for old, link in moved:
        segment = await session.get(Segment, old.segment_id)
        flight = await session.get(Flight, old.flight_id)
        passenger = await session.get(Passenger, old.passenger_id)
        assert segment is not None
        assert flight is not None
        assert passenger is not None
        sequence = await take_sequence(session, flight.id, 1)
        bp = new_pass(
            booking, segment, flight, link, passenger,
            seat=link.seat, sequence=sequence, actor=actor, now=now,
        )
        # The old pass leaves the current set before the new one joins it (one current
        # pass per passenger: the partial unique index).
        await session.execute(
            update(BoardingPass)
            .where(BoardingPass.id == old.id, CURRENT)
            .values(superseded_at=now, superseded_by=bp.id)
            .execution_options(synchronize_session=False)
        )
        session.add(bp)
        await session.flush()
        audit.record(
            session,
            org_id=booking.org_id,
            actor_id=actor,
            action="booking.boarding_pass_reissued",
            entity="booking",
            entity_id=booking.id,
            at=now,
            segment_id=segment.id,
            superseded=old.id,
            pass_id=bp.id,
            seat=bp.seat,
        )
        tell(session, booking, flight, bp, passenger, now=now, reissued=True)
        fresh.append(bp)
    return fresh
