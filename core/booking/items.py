"""A booking's items: planning segments from offers, the trip as the policy sees it,
and a segment as the supplier is asked to book it.

Session services (they never commit), shared by the hold, the confirmation saga,
the rebook and disruption handling.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.fares import SEAT_FEE_CODE, segment_fare
from core.booking.passengers import Manifest, supplier_passengers, supplier_passengers_of
from core.errors import NotFound, ValidationFailed
from core.ids import new_id
from core.inventory.holds import HoldLine
from core.models import (
    Airport,
    Booking,
    Flight,
    Hotel,
    Organization,
    PolicyDocument,
    RoomInventory,
    Segment,
    SegmentKind,
    SegmentStatus,
)
from core.policy.engine import Verdict, evaluate
from core.policy.items import PolicyItem, SeatFeesItem
from core.policy.service import get_rules, versioned_rules
from core.search.flights import FlightOffer, load_flight_offer
from core.search.hotels import load_hotel_offer
from core.search.offers import FlightOfferRef, HotelOfferRef, parse_offer_id
from core.supplier.base import SegmentRequest
from core.travellers.crypto import PiiCipher

# -- planning: offers into segments and inventory lines ------------------------------------


@dataclass
class PlannedSegment:
    """A segment about to be held: the row, its inventory lines, its offer as policy sees it."""

    segment: Segment
    lines: list[HoldLine]
    item: PolicyItem


async def plan_flight(
    session: AsyncSession, ref: FlightOfferRef, quantity: int, booking_id: str, position: int,
    now: datetime,
) -> list[PlannedSegment]:
    """One segment per leg, priced from the offer (which also refuses cancelled or departed flights)."""
    offer = await load_flight_offer(session, ref, quantity, now=now)
    return plan_offer(offer, booking_id, position, now)


def plan_offer(
    offer: FlightOffer, booking_id: str, position: int, now: datetime
) -> list[PlannedSegment]:
    """A priced flight offer's legs as segments about to be held (no I/O)."""
    quantity = offer.passengers
    item = offer.policy_item()
    planned: list[PlannedSegment] = []
    for leg_no, leg in enumerate(offer.segments):
        seg_id = new_id("SG", 8)
        segment = Segment(
            id=seg_id,
            booking_id=booking_id,
            position=position + leg_no,
            kind=SegmentKind.FLIGHT,
            status=SegmentStatus.HELD,
            quantity=quantity,
            amount_minor=leg.fare_minor * quantity,
            currency=leg.currency,
            fare=leg.fare.times(quantity).stored(),
            flight_id=leg.flight_id,
            fare_inventory_id=leg.fare_inventory_id,
            cabin=leg.cabin,
            refundable=leg.refundable,
            change_fee_minor=leg.change_fee_minor,
            offer_id=offer.offer_id,
            created_at=now,
        )
        planned.append(
            PlannedSegment(segment, [HoldLine("fare", leg.fare_inventory_id, quantity, seg_id)], item)
        )
    return planned


async def plan_hotel(
    session: AsyncSession, ref: HotelOfferRef, rooms: int, booking_id: str, position: int,
    now: datetime,
) -> PlannedSegment:
    # "Today" is the hotel's own date: a stay that began yesterday there cannot be held,
    # while one that begins tonight in New York can, though UTC is already tomorrow.
    place = (
        await session.execute(
            select(Hotel.city, Airport.tz)
            .join(Airport, Airport.code == Hotel.airport_code)
            .where(Hotel.id == ref.hotel_id)
        )
    ).first()
    if place is not None:  # an unknown hotel is load_hotel_offer's NotFound below
        today_there = now.astimezone(ZoneInfo(place.tz)).date()
        if ref.check_in < today_there:
            raise ValidationFailed(
                f"Check-in {ref.check_in.isoformat()} is in the past in {place.city} "
                f"(today there is {today_there.isoformat()})",
                field="offer_id",
            )
    # The offer refuses stays with a night not on sale, so every night has a row below.
    offer = await load_hotel_offer(session, ref, rooms)
    night_ids = (
        await session.scalars(
            select(RoomInventory.id)
            .where(
                RoomInventory.hotel_id == ref.hotel_id,
                RoomInventory.night >= ref.check_in,
                RoomInventory.night < ref.check_out,
            )
            .order_by(RoomInventory.night)
        )
    ).all()
    seg_id = new_id("SG", 8)
    segment = Segment(
        id=seg_id,
        booking_id=booking_id,
        position=position,
        kind=SegmentKind.HOTEL,
        status=SegmentStatus.HELD,
        quantity=rooms,
        amount_minor=offer.total_minor,
        currency=offer.currency,
        fare=offer.fare.stored(),
        hotel_id=offer.hotel_id,
        check_in=ref.check_in,
        check_out=ref.check_out,
        refundable=offer.refundable,
        offer_id=ref.offer_id,
        created_at=now,
    )
    lines = [HoldLine("room", night_id, rooms, seg_id) for night_id in night_ids]
    return PlannedSegment(segment, lines, offer.policy_item())


# -- judging: the trip as the policy sees it -------------------------------------------------


def red_reasons(verdict: dict[str, Any]) -> str:
    """The messages of a verdict's blocking (red) findings, for the traveller."""
    return "; ".join(v["message"] for v in verdict["violations"] if v["severity"] == "red")


async def judge(
    session: AsyncSession, org_id: str, items: Sequence[PolicyItem], *, now: datetime
) -> Verdict:
    """The organization's current rules applied to ``items``."""
    return evaluate(await get_rules(session, org_id), list(items), now=now)


async def judge_to_pay(
    session: AsyncSession, org_id: str, items: Sequence[PolicyItem], *, now: datetime
) -> tuple[Verdict, str]:
    """:func:`judge`, and the organization's payment method read in the same statement
    (the confirmation saga needs both: issue 15, a read of the organization fewer)."""
    row = (
        await session.execute(
            select(Organization.payment_method, PolicyDocument.version, PolicyDocument.rules)
            .outerjoin(PolicyDocument, PolicyDocument.org_id == Organization.id)
            .where(Organization.id == org_id)
        )
    ).one()
    rules = versioned_rules(org_id, None if row[1] is None else (row[1], row[2]))[1]
    return evaluate(rules, list(items), now=now), str(row[0])


async def _offer_item(
    session: AsyncSession,
    offer_id: str,
    quantity: int,
    flights: MutableMapping[int, Flight] | None = None,
) -> PolicyItem:
    ref = parse_offer_id(offer_id)
    if isinstance(ref, FlightOfferRef):
        return (await load_flight_offer(session, ref, quantity, flights=flights)).policy_item()
    return (await load_hotel_offer(session, ref, quantity)).policy_item()


async def booking_segments(session: AsyncSession, booking_id: str) -> list[Segment]:
    """All the booking's segments in position order, as committed now (fares a seat
    choice just changed): what :func:`policy_items` reads, for a caller to share."""
    return list(
        (
            await session.scalars(
                select(Segment)
                .where(Segment.booking_id == booking_id)
                .order_by(Segment.position)
                .execution_options(populate_existing=True)
            )
        ).all()
    )


async def policy_items(
    session: AsyncSession,
    booking: Booking,
    *,
    segments: Sequence[Segment] | None = None,
    flights: MutableMapping[int, Flight] | None = None,
) -> list[PolicyItem]:
    """The booking's offers as the policy sees them today (one item per offer), and the
    seats with a fee chosen on its flights (one item, when there are any). ``segments``:
    :func:`booking_segments`, read already in this transaction; ``flights``: the offers'
    flights are added to it as read (``load_flight_offer``), for :func:`segment_flights`."""
    if segments is None:
        segments = await booking_segments(session, booking.id)
    quantities = {seg.offer_id: seg.quantity for seg in segments}  # ordered, one per offer
    items: list[PolicyItem] = [
        await _offer_item(session, offer_id, q, flights) for offer_id, q in quantities.items()
    ]
    seats = await seat_fees_item(
        session,
        [s for s in segments if s.replaced_by is None and s.status != SegmentStatus.RELEASED],
        booking.currency,
    )
    if seats is not None:
        items.append(seats)
    return items


async def seat_fees_item(
    session: AsyncSession, segments: Sequence[Segment], currency: str, extra: Sequence[int] = ()
) -> SeatFeesItem | None:
    """The seat fees on these segments' fares (``SEAT`` lines), plus ``extra`` fees about
    to be bought, as the policy sees them; None when there are none."""
    fees = [
        line.amount_minor
        for seg in segments
        if seg.kind == SegmentKind.FLIGHT
        for line in (await segment_fare(session, seg)).fees
        if line.code == SEAT_FEE_CODE
    ] + list(extra)
    if not fees:
        return None
    return SeatFeesItem(
        seats=len(fees), highest_fee_minor=max(fees), amount_minor=sum(fees), currency=currency
    )


async def other_items(
    session: AsyncSession, segments: Sequence[Segment], *, exclude_offer: str
) -> list[PolicyItem]:
    """The rest of the trip as the policy sees it (one item per offer still booked)."""
    quantities: dict[str, int] = {}
    for seg in segments:
        if (
            seg.status == SegmentStatus.BOOKED
            and seg.replaced_by is None
            and seg.offer_id != exclude_offer
        ):
            quantities.setdefault(seg.offer_id, seg.quantity)
    items: list[PolicyItem] = []
    for offer_id, quantity in quantities.items():
        try:
            items.append(await _offer_item(session, offer_id, quantity))
        except (ValidationFailed, NotFound):
            # A leg the airline cancelled elsewhere in the trip is judged by its own change.
            continue
    return items


# -- the supplier's view of a segment ----------------------------------------------------------


async def segment_requests(
    session: AsyncSession,
    booking: Booking,
    segments: Sequence[Segment],
    *,
    cipher: PiiCipher | None = None,
    flights: Mapping[int, Flight] | None = None,
    people: Manifest | None = None,
) -> list[SegmentRequest]:
    """:func:`segment_request` for each of ``segments``, in their order, read together:
    their flights in one read, their passengers in one and those passengers' airline
    numbers in one (issue 15: the three reads a flight segment before). ``flights``
    (:func:`segment_flights`) and ``people`` (the booking's manifest), read already in
    this transaction: not read again."""
    if flights is None:
        flights = await segment_flights(session, segments)
    carriers = {
        seg.id: flights[seg.flight_id].carrier for seg in segments if seg.flight_id is not None
    }
    passengers = await supplier_passengers_of(session, carriers, cipher=cipher, people=people)
    return [
        SegmentRequest(
            booking_ref=booking.id, segment_id=seg.id, kind=seg.kind, quantity=seg.quantity,
            amount_minor=seg.amount_minor, currency=seg.currency,
            details=_segment_details(seg, flights.get(seg.flight_id) if seg.flight_id else None),
            passengers=passengers.get(seg.id, ()),
        )
        for seg in segments
    ]


async def segment_flights(
    session: AsyncSession, segments: Sequence[Segment], *, known: Mapping[int, Flight] | None = None
) -> dict[int, Flight]:
    """The flights of ``segments``, by id, in one read (none for hotels only, or when
    ``known``, flights read already in this transaction, has them all)."""
    flight_ids = {seg.flight_id for seg in segments if seg.flight_id is not None}
    found = {i: known[i] for i in flight_ids if known is not None and i in known}
    missing = sorted(flight_ids - found.keys())
    if missing:
        rows = await session.scalars(select(Flight).where(Flight.id.in_(missing)))
        found.update((f.id, f) for f in rows.all())
    return found


def _segment_details(seg: Segment, flight: Flight | None) -> dict[str, Any]:
    if flight is not None:
        return {
            "carrier": flight.carrier, "number": flight.number, "date": flight.date.isoformat(),
            "origin": flight.origin, "destination": flight.destination, "cabin": seg.cabin,
        }
    return {
        "hotel_id": seg.hotel_id,
        "check_in": seg.check_in.isoformat() if seg.check_in else None,
        "check_out": seg.check_out.isoformat() if seg.check_out else None,
    }


async def segment_request(
    session: AsyncSession, booking: Booking, seg: Segment, *, cipher: PiiCipher | None = None
) -> SegmentRequest:
    """What the supplier is asked to book for ``seg`` (the same on every retry); with
    ``cipher``, a flight's passengers carry their frequent-flyer numbers with its carrier
    and their known-traveller numbers."""
    flight = await session.get(Flight, seg.flight_id) if seg.flight_id is not None else None
    assert flight is not None or seg.flight_id is None
    details = _segment_details(seg, flight)
    return SegmentRequest(
        booking_ref=booking.id, segment_id=seg.id, kind=seg.kind, quantity=seg.quantity,
        amount_minor=seg.amount_minor, currency=seg.currency, details=details,
        passengers=(
            await supplier_passengers(
                session, seg.id, carrier=str(details.get("carrier") or ""), cipher=cipher
            )
            if seg.flight_id
            else ()
        ),
    )
