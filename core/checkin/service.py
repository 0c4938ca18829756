"""Check-in: session services; they never commit.

``check_in`` checks in the passengers of one flight segment of a confirmed booking and
answers every boarding pass the segment has. It runs under the booking's row lock
(taken by :func:`core.booking.access.load_visible_booking`), which orders it against a
second check-in, a cancellation and a rebook of the same booking: a passenger checked
in once keeps the pass they got (same id, seat and sequence number), so checking in
again — another request, the job, a retry — answers the same passes.

A flight's check-in sequence numbers come from :func:`take_sequence`, one conditional
``UPDATE`` of the flight's counter row; ``UNIQUE (flight_id, sequence_number)`` stands
behind it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking.access import load_visible_booking
from core.booking.seats import assign_remaining_seats
from core.catalogue.zones import airport_zone, on_clock
from core.checkin.documents import (
    display_name,
    documents_required,
    is_international,
    missing_documents,
)
from core.checkin.links import signature_holds
from core.checkin.passes import CURRENT, ISSUED_TOPIC, new_pass, take_sequence, tell
from core.checkin.views import BoardingPassView, CheckInView
from core.checkin.window import checkin_window, require_open
from core.config import Settings
from core.errors import (
    BoardingPassSuperseded,
    BoardingPassVoid,
    BookingNotConfirmed,
    CheckinClosed,
    NotFound,
    PassengerDetailsRequired,
    ValidationFailed,
)
from core.identity import Caller
from core.models import (
    BoardingPass,
    Booking,
    BookingStatus,
    Flight,
    FlightStatus,
    Passenger,
    Segment,
    SegmentKind,
    SegmentPassenger,
    SegmentStatus,
)

#: Who checked in when the job did, on the traveller's standing opt-in.
AUTO = "auto"

__all__ = ["AUTO", "ISSUED_TOPIC", "check_in", "check_in_segment", "take_sequence"]


async def check_in(
    session: AsyncSession,
    caller: Caller,
    booking_id: str,
    segment_id: str,
    *,
    now: datetime,
    settings: Settings,
) -> CheckInView:
    """Check in every passenger of ``segment_id`` (``POST /v1/bookings/{id}/check-in``).
    Whoever may act on the booking may check it in; nothing changes on any error."""
    booking = await load_visible_booking(session, caller, booking_id, for_update=True, to_act=True)
    passes = await check_in_segment(
        session, booking, segment_id, now=now, settings=settings, actor=caller.user_id
    )
    return CheckInView(
        booking_id=booking.id,
        segment_id=segment_id,
        boarding_passes=[await boarding_pass_view(session, bp, settings) for bp in passes],
    )


async def check_in_segment(
    session: AsyncSession,
    booking: Booking,
    segment_id: str,
    *,
    now: datetime,
    settings: Settings,
    actor: str,
    only: Collection[str] | None = None,
) -> list[BoardingPass]:
    """Check in the passengers of ``segment_id`` (``only``: these passenger ids) and
    answer their passes, in the booking's order. The caller holds the booking's row lock."""
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingNotConfirmed(
            f"Booking {booking.id} is {str(booking.status).replace('_', ' ')}; "
            "only a confirmed booking is checked in"
        )
    segment = await _flight_segment(session, booking, segment_id)
    assert segment.flight_id is not None
    flight = await session.get(Flight, segment.flight_id)
    assert flight is not None
    rows = (
        await session.execute(
            select(SegmentPassenger, Passenger)
            .join(Passenger, Passenger.id == SegmentPassenger.passenger_id)
            .where(SegmentPassenger.segment_id == segment.id)
            .order_by(Passenger.position, Passenger.id)
        )
    ).all()
    wanted = [(link, p) for link, p in rows if only is None or p.id in only]
    if not rows:
        raise PassengerDetailsRequired(
            f"Booking {booking.id} has no named passengers on this flight; the airline "
            "checks in named, ticketed passengers only"
        )
    issued = {
        bp.segment_passenger_id: bp
        for bp in await session.scalars(
            select(BoardingPass).where(BoardingPass.segment_id == segment.id, CURRENT)
        )
    }
    todo = [(link, p) for link, p in wanted if link.id not in issued]
    if todo:
        require_open(flight, settings, now, zone=await airport_zone(session, flight.origin))
        if await is_international(session, flight):
            travel_date = flight.arrive_at.date()
            missing = await missing_documents(session, [p for _, p in todo], travel_date=travel_date)
            if missing:
                raise documents_required(flight, missing, travel_date)
        seats = await seats_for_check_in(session, segment, [link for link, _ in todo], now=now)
        first = await take_sequence(session, flight.id, len(todo))
        new: list[BoardingPass] = []
        for n, (link, passenger) in enumerate(todo):
            bp = new_pass(
                booking, segment, flight, link, passenger,
                seat=seats.get(link.id), sequence=first + n, actor=actor, now=now,
            )
            session.add(bp)
            issued[link.id] = bp
            new.append(bp)
        await session.flush()
        audit.record(
            session,
            org_id=booking.org_id,
            actor_id=actor,
            action="booking.checked_in",
            entity="booking",
            entity_id=booking.id,
            at=now,
            segment_id=segment.id,
            passengers=len(new),
        )
        for bp, (_, passenger) in zip(new, todo, strict=True):
            tell(session, booking, flight, bp, passenger, now=now)
    return [issued[link.id] for link, _ in wanted if link.id in issued]


async def _flight_segment(session: AsyncSession, booking: Booking, segment_id: str) -> Segment:
    segment = await session.scalar(
        select(Segment).where(Segment.id == segment_id, Segment.booking_id == booking.id)
    )
    if segment is not None and segment.kind != SegmentKind.FLIGHT:
        raise ValidationFailed(
            f"Segment {segment_id} is a hotel stay; only flights are checked in",
            field="segment_id",
        )
    if segment is None or segment.replaced_by is not None or segment.status != SegmentStatus.BOOKED:
        raise NotFound(f"Flight segment {segment_id} is not on booking {booking.id}")
    return segment


async def seats_for_check_in(
    session: AsyncSession, segment: Segment, links: Sequence[SegmentPassenger], *, now: datetime
) -> dict[int, str | None]:
    """The seat each passenger checked in sits in, by their ``segment_passengers`` id:
    the one they chose, else one given now by their seat preference with the party
    together (:func:`core.booking.seats.assign_remaining_seats`, under the booking's row
    lock the caller holds). ``None`` (allocated at the gate) only if a seat is missing."""
    seats = await assign_remaining_seats(session, segment.booking_id, segment.id, now=now)
    return {link.id: seats.get(link.passenger_id) for link in links}


# -- reading -------------------------------------------------------------------------------


async def boarding_pass_view(
    session: AsyncSession, bp: BoardingPass, settings: Settings
) -> BoardingPassView:
    passenger = await session.get(Passenger, bp.passenger_id)
    segment = await session.get(Segment, bp.segment_id)
    flight = await session.get(Flight, bp.flight_id)
    link = await session.get(SegmentPassenger, bp.segment_passenger_id)
    assert passenger is not None
    assert segment is not None
    assert flight is not None
    return BoardingPassView(
        pass_id=bp.id,
        booking_id=bp.booking_id,
        segment_id=bp.segment_id,
        passenger_id=bp.passenger_id,
        traveler_id=passenger.user_id,
        passenger=display_name(passenger),
        given_name=passenger.given_name or "",
        family_name=passenger.family_name or "",
        carrier=flight.carrier,
        number=flight.number,
        date=flight.date,
        origin=flight.origin,
        destination=flight.destination,
        depart_at=flight.depart_at,
        depart_local=on_clock(flight.depart_at, await airport_zone(session, flight.origin)),
        cabin=segment.cabin or "economy",
        seat=bp.seat,
        sequence_number=bp.sequence_number,
        locator=segment.locator or "",
        ticket_number=link.ticket_number if link is not None else None,
        bcbp=bp.bcbp,
        checkin_closes_at=checkin_window(flight, settings).closes_at,
        issued_at=bp.issued_at,
        png=f"/v1/boarding-passes/{bp.id}.png",
        pdf=f"/v1/boarding-passes/{bp.id}.pdf",
    )


async def read_boarding_pass(
    session: AsyncSession, caller: Caller, pass_id: str, *, settings: Settings
) -> BoardingPassView:
    """A pass, for its passenger, the booking's traveller and whoever booked it; anyone
    else — a manager who sees the trip included — gets ``NotFound``. A pass whose booking
    was cancelled or whose flight was changed or cancelled since is ``BoardingPassVoid``."""
    bp = await session.scalar(
        select(BoardingPass).where(BoardingPass.id == pass_id, BoardingPass.org_id == caller.org_id)
    )
    if bp is None:
        raise NotFound(f"Boarding pass {pass_id} not found")
    booking = await session.get(Booking, bp.booking_id)
    passenger = await session.get(Passenger, bp.passenger_id)
    assert booking is not None
    assert passenger is not None
    if caller.user_id not in {booking.traveler_id, booking.created_by, passenger.user_id}:
        raise NotFound(f"Boarding pass {pass_id} not found")
    await _still_valid(session, bp, booking)
    return await boarding_pass_view(session, bp, settings)


async def signed_boarding_pass(
    session: AsyncSession,
    pass_id: str,
    *,
    expires: int,
    signature: str,
    now: datetime,
    settings: Settings,
) -> BoardingPassView:
    """A pass opened by a signed link (``core.checkin.links``) instead of a caller: the
    link must be ours, for this pass and not expired, else ``NotFound`` (a guessed or
    stale link learns nothing); a void or superseded pass is ``BoardingPassVoid``."""
    secret = settings.signed_url_secret.get_secret_value() if settings.signed_url_secret else ""
    if not signature_holds(pass_id, expires, signature, secret=secret, now=now):
        raise NotFound(f"Boarding pass {pass_id} not found")
    bp = await session.get(BoardingPass, pass_id)
    booking = await session.get(Booking, bp.booking_id) if bp is not None else None
    if bp is None or booking is None:
        raise NotFound(f"Boarding pass {pass_id} not found")
    await _still_valid(session, bp, booking)
    return await boarding_pass_view(session, bp, settings)


async def org_boarding_pass(
    session: AsyncSession, org_id: str, pass_id: str, *, settings: Settings
) -> BoardingPassView | None:
    """A pass of the organization, still valid, for a notifier (no caller): None otherwise."""
    bp = await session.scalar(
        select(BoardingPass).where(BoardingPass.id == pass_id, BoardingPass.org_id == org_id)
    )
    booking = await session.get(Booking, bp.booking_id) if bp is not None else None
    if bp is None or booking is None:
        return None
    try:
        await _still_valid(session, bp, booking)
    except BoardingPassVoid:
        return None
    return await boarding_pass_view(session, bp, settings)


async def _still_valid(session: AsyncSession, bp: BoardingPass, booking: Booking) -> None:
    if bp.superseded_by is not None:
        raise BoardingPassSuperseded(
            f"Boarding pass {bp.id} was issued again for a new seat: use {bp.superseded_by}",
            superseded_by=bp.superseded_by,
        )
    segment = await session.get(Segment, bp.segment_id)
    flight = await session.get(Flight, bp.flight_id)
    assert segment is not None
    assert flight is not None
    if (
        booking.status != BookingStatus.CONFIRMED
        or segment.status != SegmentStatus.BOOKED
        or segment.replaced_by is not None
        or flight.status == FlightStatus.CANCELLED
    ):
        raise BoardingPassVoid(
            f"Boarding pass {bp.id} is void: booking {booking.id} is "
            f"{str(booking.status).replace('_', ' ')} or its flight changed"
        )


# -- which flight, which passes ------------------------------------------------------------


async def next_flight_to_check_in(
    session: AsyncSession, caller: Caller, booking_id: str, *, now: datetime, settings: Settings
) -> str:
    """The flight of the booking a plain "check me in" means: the first one (in time
    order) whose check-in has not closed and that still has someone to check in; else
    the first whose check-in has not closed (checking in again shows its passes).
    ``CheckinClosed`` when every flight's check-in has closed; ``BookingNotConfirmed``
    for a booking that is not confirmed."""
    booking = await load_visible_booking(session, caller, booking_id)
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingNotConfirmed(
            f"Booking {booking.id} is {str(booking.status).replace('_', ' ')}; "
            "only a confirmed booking is checked in"
        )
    rows = (
        await session.execute(
            select(Segment, Flight)
            .join(Flight, Flight.id == Segment.flight_id)
            .where(
                Segment.booking_id == booking.id,
                Segment.kind == SegmentKind.FLIGHT,
                Segment.status == SegmentStatus.BOOKED,
                Segment.replaced_by.is_(None),
            )
            .order_by(Flight.depart_at, Segment.position)
        )
    ).all()
    open_ones = [
        seg for seg, flight in rows
        if flight.status != FlightStatus.CANCELLED and now < checkin_window(flight, settings).closes_at
    ]
    if not open_ones:
        raise CheckinClosed(f"Booking {booking.id} has no flight left to check in")
    for seg in open_ones:
        links = set(
            await session.scalars(
                select(SegmentPassenger.id).where(SegmentPassenger.segment_id == seg.id)
            )
        )
        issued = set(
            await session.scalars(
                select(BoardingPass.segment_passenger_id).where(
                    BoardingPass.segment_id == seg.id, CURRENT
                )
            )
        )
        if links - issued:
            return seg.id
    return open_ones[0].id


async def list_boarding_passes(
    session: AsyncSession,
    caller: Caller,
    *,
    now: datetime,
    settings: Settings,
    booking_id: str | None = None,
) -> list[BoardingPassView]:
    """The valid passes the caller may read (theirs as passenger, traveller or booker),
    of flights still to leave, soonest first; ``booking_id``: of that booking only."""
    stmt = (
        select(BoardingPass)
        .join(Booking, Booking.id == BoardingPass.booking_id)
        .join(Passenger, Passenger.id == BoardingPass.passenger_id)
        .join(Flight, Flight.id == BoardingPass.flight_id)
        .where(
            BoardingPass.org_id == caller.org_id,
            Booking.status == BookingStatus.CONFIRMED,
            (Booking.traveler_id == caller.user_id)
            | (Booking.created_by == caller.user_id)
            | (Passenger.user_id == caller.user_id),
            Flight.depart_at > now - timedelta(hours=1),
            CURRENT,
        )
        .order_by(Flight.depart_at, BoardingPass.booking_id, Passenger.position)
    )
    if booking_id is not None:
        await load_visible_booking(session, caller, booking_id)  # someone else's: NotFound
        stmt = stmt.where(BoardingPass.booking_id == booking_id)
    views = []
    for bp in await session.scalars(stmt):
        booking = await session.get(Booking, bp.booking_id)
        assert booking is not None
        try:
            await _still_valid(session, bp, booking)
        except BoardingPassVoid:
            continue
        views.append(await boarding_pass_view(session, bp, settings))
    return views
