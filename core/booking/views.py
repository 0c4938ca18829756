"""The booking as the core answers it: one :class:`BookingView` for every audience.

The API returns it as JSON (its ``model_dump(mode="json")`` is the booking of DESIGN
§6), the tools trim it for a prompt (``tools.views.BookingOut``), the flows return it.
Services here take a session and never commit; :func:`load_booking_view` reads in a
short read-only transaction of its own, after a flow's step has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from core.booking.fares import segment_fare
from core.booking.passengers import Manifest, manifests, unnamed_seats_of
from core.catalogue.aircraft import SeatFeature, SeatPosition
from core.catalogue.fares import FareBreakdown, FareOut, combine
from core.catalogue.zones import airport_zone, hotel_zone, on_clock, stay_times
from core.disruption.views import DisruptionFacts
from core.models import (
    BoardingPass,
    Booking,
    BookingChange,
    BookingStatus,
    ChangeKind,
    ChangeStatus,
    Disruption,
    DisruptionStatus,
    Flight,
    FlightStatus,
    Hotel,
    Passenger,
    Refund,
    Segment,
    SegmentKind,
    SegmentStatus,
    VirtualCard,
    VirtualCardStatus,
)
from core.money import Money
from core.runtime import Runtime
from core.views import LocalTime, UtcTime, View, shown_when_set

# -- segments ----------------------------------------------------------------------------


class SegmentView(View):
    """What every segment shows; :class:`FlightSegmentView` / :class:`HotelSegmentView` add the rest."""

    segment_id: str
    kind: SegmentKind
    status: SegmentStatus
    price: Money
    fare: FareOut = Field(description="`price` as base + taxes (by code) + fees, as sold.")
    refundable: bool
    locator: str | None = Field(description="Supplier reference once booked.")


class SegmentPassengerView(View):
    """A passenger on one flight: their e-ticket for it, and their seat."""

    passenger_id: str = Field(examples=["PX_7Q2M4XKD"])
    ticket_number: str | None = Field(
        description="The 13-digit e-ticket (airline code + serial) once the airline has "
        "ticketed the flight.",
        examples=["1252000000120"],
    )
    seat: str | None = Field(
        default=None,
        description="The seat (`12C`) chosen (`PUT /v1/bookings/{id}/seats`) or assigned at "
        "check-in; null while there is none.",
        examples=["12C"],
    )
    boarding_pass_id: str | None = shown_when_set()  # once checked in on this flight


class GuestDocumentView(View):
    """A guest's passport on file (``PUT …/passengers/{id}/documents``): the number masked."""

    type: str = Field(default="passport", examples=["passport"])
    number: str = Field(description="Masked.", examples=["•••••9302"])
    issuing_country: str = Field(examples=["GB"])
    nationality: str = Field(examples=["GB"])
    expires_on: dt.date


class PassengerView(View):
    """Someone flying on the booking: a colleague (``traveler_id``) or a guest."""

    passenger_id: str = Field(examples=["PX_7Q2M4XKD"])
    traveler_id: str | None = shown_when_set()
    given_name: str | None = Field(
        description="Legal names; a colleague's come from their profile (null while it has none)."
    )
    family_name: str | None
    #: A guest's passport, masked (a colleague's is on their traveller profile).
    document: GuestDocumentView | None = shown_when_set()


class FlightSegmentView(SegmentView):
    kind: Literal[SegmentKind.FLIGHT] = SegmentKind.FLIGHT
    carrier: str
    number: str
    date: dt.date
    origin: str
    destination: str
    depart_at: UtcTime
    arrive_at: UtcTime
    depart_local: LocalTime = Field(
        description="`depart_at` on the origin airport's clock, with its UTC offset.",
        examples=["2026-12-18T08:05:00-05:00"],
    )
    arrive_local: LocalTime = Field(
        description="`arrive_at` on the destination airport's clock, with its UTC offset.",
        examples=["2026-12-18T20:00:00+00:00"],
    )
    cabin: str | None
    quantity: int = Field(description="Passengers.")
    passengers: list[SegmentPassengerView] = Field(
        description="The passengers named on this flight, in the booking's order."
    )
    flight_status: FlightStatus
    change_fee: Money = Field(description="Per passenger.")


class HotelSegmentView(SegmentView):
    kind: Literal[SegmentKind.HOTEL] = SegmentKind.HOTEL
    hotel_id: str
    name: str
    address: str
    city: str
    check_in: dt.date
    check_out: dt.date
    check_in_from: LocalTime = Field(
        description="When the room is ready: `check_in` at 15:00 on the hotel's clock, "
        "with its UTC offset.",
        examples=["2026-12-18T15:00:00+00:00"],
    )
    check_out_by: LocalTime = Field(
        description="When the room must be left: `check_out` at 11:00 on the hotel's clock.",
        examples=["2026-12-22T11:00:00+00:00"],
    )
    rooms: int


AnySegmentView = Annotated[FlightSegmentView | HotelSegmentView, Field(discriminator="kind")]


# -- changes, refund, disruption ---------------------------------------------------------


class ChangeView(View):
    """One cancellation, rebooking or seat purchase (kind ``seats``) of the booking."""

    change_id: str
    kind: ChangeKind
    status: ChangeStatus
    charge: Money
    refund: Money
    refunded: Money
    change_fee: Money
    # A rebook's own fields (a rebook always has its offer and the verdict on it).
    offer_id: str | None = shown_when_set()
    replaces: list[str] | None = shown_when_set()
    new_segments: list[str] | None = shown_when_set()
    policy_status: str | None = shown_when_set()
    refund_rule: str | None = shown_when_set()
    refund_fare: FareOut | None = shown_when_set()  # what `refund` gives back, part by part
    approval_id: str | None = shown_when_set()
    failure_reason: str | None = shown_when_set()
    # A seat purchase's seats ("8A"), in the order asked; `charge` is their fees.
    seats: list[str] | None = shown_when_set()


class RefundView(Money):
    """The money given back so far (``amount``), what is due in all, and whether it is done."""

    due: Money
    status: Literal["pending", "refunded"]
    fare: FareOut | None = shown_when_set()  # `due` as base + taxes + fees, when every part is known


class VirtualCardView(View):
    """A single-use card the booking's suppliers are paid with: never its number."""

    card_id: str = Field(examples=["VC_7Q2M4XK3PA"])
    last4: str = Field(examples=["4242"])
    status: VirtualCardStatus
    spending_limit: Money = Field(description="What the card may be charged in all.")
    change_id: str | None = shown_when_set()  # the rebook whose new legs it pays


class DisruptionView(DisruptionFacts):
    """The booking's open disruption, and where its rebooking suggestions are listed."""

    suggestions: str = Field(examples=["/v1/bookings/BK-7Q2M4X/suggestions"])


# -- the booking -------------------------------------------------------------------------


class BookingView(View):
    """A booking (DESIGN §6): its segments, money, policy verdict and changes."""

    booking_id: str = Field(examples=["BK-7Q2M4X"])
    status: BookingStatus
    traveler_id: str
    created_by: str
    passengers: list[PassengerView] = Field(
        description="Who flies: one per seat once named (a hold may leave seats unnamed)."
    )
    # While held: flight seats nobody is named on yet (confirming needs them named:
    # PUT /v1/bookings/{id}/passengers); absent when there are none.
    unnamed_seats: int | None = shown_when_set()
    segments: list[AnySegmentView]
    total: Money
    fare: FareOut = Field(
        description="`total` as base + taxes (by code) + fees: the segments' fares added up."
    )
    policy: dict[str, Any] = Field(
        description="The policy verdict as stored with the booking (status, violations, "
        "approvals_required, notes, total_minor, currency)."
    )
    hold_expires_at: UtcTime | None = Field(
        description="While held or waiting for approval: when the seats and rooms go back."
    )
    created_at: UtcTime
    updated_at: UtcTime
    approval_id: str | None = shown_when_set()
    # What the traveller says the trip is for (the approver sees it).
    purpose: str | None = shown_when_set()
    failure_reason: str | None = shown_when_set()
    confirmed_at: UtcTime | None = shown_when_set()
    changes: list[ChangeView] = shown_when_set(default_factory=list)
    refund: RefundView | None = shown_when_set()
    disruption: DisruptionView | None = shown_when_set()
    virtual_cards: list[VirtualCardView] = shown_when_set(default_factory=list)


# -- seat maps ---------------------------------------------------------------------------


class SeatView(View):
    """One seat of a cabin."""

    seat: str = Field(examples=["12C"])
    available: bool = Field(description="Nobody sits there (on any booking).")
    position: SeatPosition
    features: list[SeatFeature] = Field(
        description="`bulkhead`, `exit`, `extra_legroom` (the seats with a fee)."
    )
    price: Money = Field(description="Its fee per passenger; 0 for a free seat.")
    # On a booking's map: which of its passengers sits there.
    passenger_id: str | None = shown_when_set()


class SeatRowView(View):
    row: int = Field(examples=[12])
    seats: list[SeatView] = Field(description="Left to right; a short row lacks some letters.")


class SegmentSeatMapView(View):
    """The seats of one flight's cabin: the one the offer or booking flies in."""

    segment_id: str | None = shown_when_set()  # on a booking's map
    carrier: str
    number: str
    date: dt.date
    origin: str
    destination: str
    aircraft: str = Field(examples=["A320neo"])
    cabin: str
    columns: str = Field(
        description="The letters of a full row, a space for each aisle.", examples=["ABC DEF"]
    )
    seats_free: int = Field(description="Seats of this cabin nobody sits in.")
    passengers: list[SegmentPassengerView] | None = shown_when_set()  # on a booking's map
    rows: list[SeatRowView]


class SeatMapView(View):
    """`GET /v1/offers/{offer_id}/seatmap` and `GET /v1/bookings/{id}/seatmap`."""

    offer_id: str | None = shown_when_set()
    booking_id: str | None = shown_when_set()
    segments: list[SegmentSeatMapView]


class RebookView(BookingView):
    """A rebook's answer: the booking, and this request's change apart from its history."""

    change: ChangeView


# -- building them -----------------------------------------------------------------------
#
# A list of trips reads its bookings' rows together: one read per table for all of them
# (``booking_views``), not one per booking (issue 15). One booking is a list of one.


async def segment_views(
    session: AsyncSession, booking_id: str
) -> list[FlightSegmentView | HotelSegmentView]:
    """The booking's itinerary, in order."""
    booking = await session.get(Booking, booking_id)
    assert booking is not None
    return (await booking_view(session, booking, fresh=True)).segments


def _guest_document(p: Passenger) -> GuestDocumentView | None:
    """Built from the mask stored beside the token: nothing is decrypted."""
    if (
        p.passport_masked is None
        or p.passport_issuing_country is None
        or p.passport_nationality is None
        or p.passport_expires_on is None
    ):
        return None
    return GuestDocumentView(
        number=p.passport_masked, issuing_country=p.passport_issuing_country,
        nationality=p.passport_nationality, expires_on=p.passport_expires_on,
    )


def passenger_views(people: Manifest) -> list[PassengerView]:
    return [
        PassengerView(
            passenger_id=p.id, traveler_id=p.user_id, given_name=p.given_name,
            family_name=p.family_name, document=_guest_document(p),
        )
        for p in people.passengers
    ]


def _paid(booking: Booking) -> bool:
    return booking.status in (BookingStatus.CONFIRMED, BookingStatus.REQUIRES_ATTENTION)


async def _rows_by_id(session: AsyncSession, model: type[Any], ids: set[Any]) -> dict[Any, Any]:
    """Rows by primary key in one read, those the session already holds without one.
    The caller keeps the answer: the session's identity map holds rows only weakly, and
    ``session.get`` (``segment_fare``) answers these from it while they live."""
    held = session.sync_session.identity_map
    found: dict[Any, Any] = {}
    missing = []
    for key in sorted(ids):
        row = held.get(identity_key(model, key))
        if row is None:
            missing.append(key)
        else:
            found[key] = row
    if missing:
        for row in (await session.scalars(select(model).where(model.id.in_(missing)))).all():
            found[row.id] = row
    return found


async def _boarding_passes(session: AsyncSession, booking_ids: list[str]) -> dict[int, str]:
    """The bookings' boarding pass ids (core.checkin), by ``segment_passengers`` row."""
    if not booking_ids:
        return {}
    rows = await session.execute(
        select(BoardingPass.segment_passenger_id, BoardingPass.id).where(
            BoardingPass.booking_id.in_(booking_ids),
            BoardingPass.superseded_at.is_(None),  # a pass a seat change replaced is not shown
        )
    )
    return {int(link_id): pass_id for link_id, pass_id in rows.all()}


async def _itinerary(
    session: AsyncSession,
    booking: Booking,
    segments: list[Segment],
    people: Manifest,
    passes: dict[int, str],
    flights: dict[int, Flight],
    hotels: dict[str, Hotel],
) -> list[tuple[FlightSegmentView | HotelSegmentView, FareBreakdown]]:
    """The itinerary's segment views, each with its fare as sold."""
    paid = _paid(booking)
    views: list[tuple[FlightSegmentView | HotelSegmentView, FareBreakdown]] = []
    for seg in segments:
        # The itinerary only: not legs a rebook replaced, nor a rebook's new legs
        # before they are booked (or after it failed and gave them back).
        if seg.replaced_by is not None or (
            paid and seg.status in (SegmentStatus.HELD, SegmentStatus.RELEASED)
        ):
            continue
        fare = await segment_fare(session, seg)
        views.append(
            (await _segment_view(session, seg, fare, people, passes, flights, hotels), fare)
        )
    return views


async def _segment_view(
    session: AsyncSession,
    seg: Segment,
    fare: FareBreakdown,
    people: Manifest,
    passes: dict[int, str],
    flights: dict[int, Flight],
    hotels: dict[str, Hotel],
) -> FlightSegmentView | HotelSegmentView:
    common: dict[str, Any] = {
        "segment_id": seg.id,
        "status": seg.status,
        "price": Money.of(seg.amount_minor, seg.currency),
        "fare": fare.out(),
        "refundable": seg.refundable,
        "locator": seg.locator,
    }
    if seg.kind == SegmentKind.FLIGHT:
        assert seg.flight_id is not None
        flight = flights[seg.flight_id]
        return FlightSegmentView(
            **common,
            carrier=flight.carrier,
            number=flight.number,
            date=flight.date,
            origin=flight.origin,
            destination=flight.destination,
            depart_at=flight.depart_at,
            arrive_at=flight.arrive_at,
            depart_local=on_clock(flight.depart_at, await airport_zone(session, flight.origin)),
            arrive_local=on_clock(
                flight.arrive_at, await airport_zone(session, flight.destination)
            ),
            cabin=seg.cabin,
            quantity=seg.quantity,
            passengers=[
                SegmentPassengerView(
                    passenger_id=link.passenger_id,
                    ticket_number=link.ticket_number,
                    seat=link.seat,
                    boarding_pass_id=passes.get(link.id),
                )
                for link in people.by_segment.get(seg.id, [])
            ],
            flight_status=flight.status,
            change_fee=Money.of(seg.change_fee_minor, seg.currency),
        )
    assert seg.hotel_id is not None
    hotel = hotels[seg.hotel_id]
    assert seg.check_in is not None
    assert seg.check_out is not None
    check_in_from, check_out_by = stay_times(
        seg.check_in, seg.check_out, await hotel_zone(session, hotel)
    )
    return HotelSegmentView(
        **common,
        hotel_id=hotel.id,
        name=hotel.name,
        address=hotel.address,
        city=hotel.city,
        check_in=seg.check_in,
        check_out=seg.check_out,
        check_in_from=check_in_from,
        check_out_by=check_out_by,
        rooms=seg.quantity,
    )


def change_view(change: BookingChange, refunded_minor: int) -> ChangeView:
    rebook = change.kind == ChangeKind.REBOOK
    return ChangeView(
        change_id=change.id,
        kind=change.kind,
        status=change.status,
        charge=Money.of(change.charge_minor, change.currency),
        refund=Money.of(change.refund_minor, change.currency),
        refunded=Money.of(refunded_minor, change.currency),
        change_fee=Money.of(change.change_fee_minor, change.currency),
        offer_id=change.offer_id if rebook else None,
        replaces=list(change.old_segment_ids) if rebook else None,
        new_segments=list(change.new_segment_ids) if rebook else None,
        policy_status=change.policy.get("status") if rebook else None,
        refund_rule=change.refund_rule or None,
        refund_fare=FareBreakdown.from_stored(change.refund_fare).out()
        if change.refund_fare
        else None,
        approval_id=change.approval_id or None,
        failure_reason=change.failure_reason or None,
        seats=[str(s["seat"]) for s in change.seats if s.get("price_minor")]
        if change.kind == ChangeKind.SEATS and change.seats
        else None,
    )


async def _changes(
    session: AsyncSession, bookings: list[Booking]
) -> dict[str, tuple[list[ChangeView], RefundView | None]]:
    """Each booking's cancel / rebook history, oldest first, and the money given back so
    far and still due."""
    ids = [b.id for b in bookings]
    every = (
        await session.scalars(
            select(BookingChange)
            .where(BookingChange.booking_id.in_(ids))
            # Oldest first; at equal times (a frozen clock) finished ones before the open one,
            # so the last entry is the change still in flight.
            .order_by(
                BookingChange.booking_id,
                BookingChange.created_at,
                BookingChange.completed_at.is_(None),
                BookingChange.completed_at,
                BookingChange.id,
            )
        )
    ).all()
    theirs: dict[str, list[BookingChange]] = {}
    for change in every:
        theirs.setdefault(change.booking_id, []).append(change)
    refunded: dict[str, int] = {}
    if theirs:
        for change_id, amount in (
            await session.execute(
                select(Refund.change_id, Refund.amount_minor).where(
                    Refund.booking_id.in_(sorted(theirs))
                )
            )
        ).all():
            refunded[change_id] = refunded.get(change_id, 0) + int(amount)
    return {
        b.id: _history(b, theirs[b.id], refunded) if b.id in theirs else ([], None)
        for b in bookings
    }


def _history(
    booking: Booking, changes: list[BookingChange], refunded: dict[str, int]
) -> tuple[list[ChangeView], RefundView | None]:
    total_due = sum(
        c.refund_minor
        for c in changes
        if c.status != ChangeStatus.FAILED and c.status != ChangeStatus.REJECTED
    )
    total_done = sum(refunded.get(c.id, 0) for c in changes)
    # The split of what is due: each paying change's refund_fare (a rebook's refunded fare
    # difference has none, and then neither has the total).
    owing = [
        c
        for c in changes
        if c.refund_minor and c.status not in (ChangeStatus.FAILED, ChangeStatus.REJECTED)
    ]
    stored = [c.refund_fare for c in owing]
    due_fare = (
        combine([FareBreakdown.from_stored(f) for f in stored if f], booking.currency)
        if stored and all(stored)
        else None
    )
    refund = (
        RefundView(
            **Money.of(total_done, booking.currency).model_dump(),
            due=Money.of(total_due, booking.currency),
            status="refunded" if total_done >= total_due else "pending",
            fare=due_fare.out() if due_fare is not None else None,
        )
        if total_due
        else None
    )
    return [change_view(c, refunded.get(c.id, 0)) for c in changes], refund


async def _open_disruptions(session: AsyncSession, ids: list[str]) -> dict[str, DisruptionView]:
    """Each booking's open disruption (the latest, should there be several: the one
    ``core.disruption.suggestions.open_disruption`` finds)."""
    rows = (
        await session.scalars(
            select(Disruption)
            .where(Disruption.booking_id.in_(ids), Disruption.status == DisruptionStatus.OPEN)
            .order_by(Disruption.created_at.desc())
        )
    ).all()
    found: dict[str, DisruptionView] = {}
    for disruption in rows:
        if disruption.booking_id in found:
            continue
        found[disruption.booking_id] = DisruptionView(
            disruption_id=disruption.id,
            kind=disruption.kind,
            delay_minutes=disruption.delay_minutes,
            segment_id=disruption.segment_id,
            suggestions=f"/v1/bookings/{disruption.booking_id}/suggestions",
        )
    return found


async def _virtual_cards(session: AsyncSession, ids: list[str]) -> dict[str, list[VirtualCardView]]:
    cards = (
        await session.scalars(
            select(VirtualCard)
            .where(VirtualCard.booking_id.in_(ids))
            .order_by(VirtualCard.booking_id, VirtualCard.created_at, VirtualCard.id)
        )
    ).all()
    found: dict[str, list[VirtualCardView]] = {}
    for card in cards:
        assert card.booking_id is not None
        found.setdefault(card.booking_id, []).append(
            VirtualCardView(
                card_id=card.id,
                last4=card.last4,
                status=VirtualCardStatus(card.status),
                spending_limit=Money.of(card.spending_limit_minor, card.currency),
                change_id=card.change_id,
            )
        )
    return found


#: The segments a hold wrote in this session's transaction, by booking (``note_held``).
_HELD = "core.booking.views.held_segments"


def note_held(
    session: AsyncSession,
    booking_id: str,
    segments: Sequence[Segment],
    *,
    manifest: Manifest | None = None,
    rows: Sequence[Any] = (),
) -> None:
    """``segments``: all the booking's, as its hold wrote them just now in this transaction,
    every column known. Its fresh view (``booking_view(..., fresh=True)``) takes them
    instead of reading them back (issue 15: one statement fewer an answered hold).
    ``manifest``: its passengers and their links, as the hold wrote them (two reads fewer);
    ``rows``: rows the hold put in the session as read (its flight), kept alive here for
    the view, which finds them in the session's identity map (it holds rows weakly)."""
    session.info.setdefault(_HELD, {})[booking_id] = (list(segments), manifest, list(rows))


async def booking_view(
    session: AsyncSession,
    booking: Booking,
    *,
    fresh: bool = False,
    confirming: bool = False,
    segments: Sequence[Segment] | None = None,
    people: Manifest | None = None,
    flights: Mapping[int, Flight] | None = None,
    cards: Sequence[VirtualCardView] | None = None,
) -> BookingView:
    """The booking as every audience reads it (DESIGN §6).

    ``fresh``: held in this very transaction, so nothing has happened to it yet (no
    change, disruption or virtual card to read). ``confirming``: confirmed in this very
    transaction, out of its saga: it was never confirmed before, and a disruption, a
    change (cancel, rebook, seats bought) and a boarding pass are only ever recorded on a
    confirmed booking (``core.disruption.detect``, ``core.booking.cancel`` / ``rebook`` /
    ``seat_purchase``, ``core.checkin``): none to read.
    ``segments``: all the booking's, in position order, read already in this transaction
    (``core.booking.items.booking_segments``) and not changed since: not read again.
    ``people``, ``flights``, ``cards``: its manifest, its segments' flights and its virtual
    cards, known as they stand now (a saga's memory of what it read and wrote: issue 15):
    not read."""
    return (
        await booking_views(
            session, [booking], fresh=fresh, confirming=confirming, segments=segments,
            people=people, flights=flights, cards=cards,
        )
    )[0]


async def booking_views(
    session: AsyncSession,
    bookings: Sequence[Booking],
    *,
    fresh: bool = False,
    confirming: bool = False,
    segments: Sequence[Segment] | None = None,
    people: Manifest | None = None,
    flights: Mapping[int, Flight] | None = None,
    cards: Sequence[VirtualCardView] | None = None,
) -> list[BookingView]:
    """:func:`booking_view` of each booking, in their order, read together: one read per
    table for the lot (a list of trips costs what one trip does). ``segments``,
    ``people``, ``flights``, ``cards``: see :func:`booking_view` (one booking only)."""
    if not bookings:
        return []
    rows = list(bookings)
    ids = sorted({b.id for b in rows})
    assert len(ids) == 1 or (people is None and flights is None and cards is None)
    history = {} if fresh or confirming else await _changes(session, rows)
    noted = session.info.get(_HELD, {}).get(ids[0]) if fresh and len(ids) == 1 else None
    manifest_of: dict[str, Manifest]
    if people is not None:
        manifest_of = {ids[0]: people}
    elif noted is not None and noted[1] is not None:
        manifest_of = {ids[0]: noted[1]}
    else:
        manifest_of = await manifests(session, ids)
    every: Sequence[Segment]
    if segments is None and noted is not None:
        segments = noted[0]
    # The segments' flights and hotels, when the segments are read here: with them, one
    # read (perf36b: a round trip fewer for every view read, two with a stay).
    joined: tuple[dict[int, Flight], dict[str, Hotel]] | None = None
    if segments is not None:
        assert len(ids) == 1
        assert all(s.booking_id == ids[0] for s in segments)
        every = segments
    else:
        read = (
            await session.execute(
                select(Segment, Flight, Hotel)
                .outerjoin(Flight, Flight.id == Segment.flight_id)
                .outerjoin(Hotel, Hotel.id == Segment.hotel_id)
                .where(Segment.booking_id.in_(ids))
                .order_by(Segment.booking_id, Segment.position)
            )
        ).all()
        every = [segment for segment, _, _ in read]
        joined = (
            {f.id: f for _, f, _ in read if f is not None},
            {h.id: h for _, _, h in read if h is not None},
        )
    by_booking: dict[str, list[Segment]] = {b: [] for b in ids}
    for seg in every:
        by_booking[seg.booking_id].append(seg)
    passes = (
        {}
        if confirming
        else await _boarding_passes(session, sorted({b.id for b in rows if _paid(b)}))
    )
    flight_ids = {s.flight_id for s in every if s.flight_id is not None}
    hotels: dict[str, Hotel]
    if joined is not None:
        flight_of, hotels = joined
    else:
        if flights is not None and flight_ids <= flights.keys():
            flight_of = dict(flights)
        else:
            flight_of = await _rows_by_id(session, Flight, flight_ids)
        hotel_ids = {s.hotel_id for s in every if s.hotel_id is not None}
        hotels = await _rows_by_id(session, Hotel, hotel_ids)
    disruptions = {} if fresh or confirming else await _open_disruptions(session, ids)
    cards_of: dict[str, list[VirtualCardView]]
    if cards is not None:
        cards_of = {ids[0]: list(cards)}
    else:
        cards_of = {} if fresh else await _virtual_cards(session, ids)
    views: list[BookingView] = []
    for booking in rows:
        changes, refund = history.get(booking.id, ([], None))
        waiting = booking.status in (BookingStatus.HELD, BookingStatus.PENDING_APPROVAL)
        manifest = manifest_of[booking.id]
        itinerary = await _itinerary(
            session, booking, by_booking[booking.id], manifest, passes, flight_of, hotels
        )
        views.append(
            BookingView(
                booking_id=booking.id,
                status=booking.status,
                traveler_id=booking.traveler_id,
                created_by=booking.created_by,
                passengers=passenger_views(manifest),
                unnamed_seats=(unnamed_seats_of(by_booking[booking.id], manifest) or None)
                if booking.status == BookingStatus.HELD
                else None,
                segments=[view for view, _ in itinerary],
                total=Money.of(booking.total_minor, booking.currency),
                fare=combine([fare for _, fare in itinerary], booking.currency).out(),
                policy=booking.policy,
                hold_expires_at=booking.hold_expires_at if waiting else None,
                created_at=booking.created_at,
                updated_at=booking.updated_at,
                approval_id=booking.approval_id or None,
                purpose=booking.purpose or None,
                failure_reason=booking.failure_reason or None,
                confirmed_at=booking.confirmed_at or None,
                changes=changes,
                refund=refund,
                disruption=disruptions.get(booking.id),
                virtual_cards=cards_of.get(booking.id, []),
            )
        )
    return views


#: What a flow's caller writes with the view it answers, in the transaction that read it
#: (a tool's stored answer: ``core.idempotency.IdempotencyContext.finish``).
Answer = Callable[[AsyncSession, BookingView], Awaitable[None]]


async def load_booking_view(
    rt: Runtime, booking_id: str, *, answer: Answer | None = None
) -> BookingView:
    """The booking's view read fresh in its own transaction (after a flow's step committed);
    with ``answer``, a write transaction that ``answer`` writes in too."""
    async with rt.db.uow(write=answer is not None) as session:
        booking = await session.get(Booking, booking_id, populate_existing=True)
        assert booking is not None
        view = await booking_view(session, booking)
        if answer is not None:
            await answer(session, view)
        return view
