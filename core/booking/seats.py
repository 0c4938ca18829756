"""Seat maps and seat choice. Session services; they never commit.

A flight's seats come from its aircraft (``core.catalogue.aircraft``): each cabin has
exactly its fare row's capacity. A passenger's seat is their ``segment_passengers`` row
on that flight, written through ``core.inventory.seats`` (the unique index on
``(flight_id, seat)`` decides races).

* :func:`offer_seat_map` / :func:`booking_seat_map`: the cabin an offer or a booking flies
  in, seat by seat, with what is free.
* :func:`choose_seats` (``PUT /v1/bookings/{id}/seats``): several passengers' seats at
  once, all or none, on a held (or pending approval) or confirmed booking.
* :func:`assign_remaining_seats`: the passengers of one flight with no seat get one, by
  their seat preference and keeping the party together (check-in calls it).

Seats with a fee (extra legroom) are bought with a held booking when the fee is agreed
to (``accept_fees``): a ``SEAT`` fee line on the flight's fare and the booking's total,
paid at confirmation; otherwise ``SEAT_REQUIRES_PAYMENT``. Check-in may give one away
at no charge when nothing else is left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking import states
from core.booking.access import load_visible_booking
from core.booking.fares import SEAT_FEE_CODE, segment_fare
from core.booking.items import judge, policy_items, red_reasons
from core.booking.views import (
    SeatMapView,
    SeatRowView,
    SeatView,
    SegmentPassengerView,
    SegmentSeatMapView,
)
from core.catalogue.aircraft import (
    CabinLayout,
    SeatPlan,
    SeatPosition,
    SeatSpec,
    normalise_seat,
    seat_plan,
)
from core.catalogue.fares import Charge
from core.checkin.passes import reissue_moved_passes
from core.errors import (
    HoldExpired,
    InvalidTransition,
    NotFound,
    PassengerNotOnSegment,
    PolicyBlocked,
    SeatNotInCabin,
    SeatRequiresPayment,
    SeatTaken,
    UnknownSeat,
    ValidationFailed,
)
from core.identity import Caller
from core.inventory.holds import HoldLine, release_expired_on_row
from core.inventory.seats import SeatWrite, clear_seats, take_seats, taken_seats
from core.models import (
    Booking,
    BookingStatus,
    FareInventory,
    Flight,
    Passenger,
    SeatPreference,
    Segment,
    SegmentKind,
    SegmentPassenger,
    SegmentStatus,
    TravellerDetails,
)
from core.money import Money, format_money
from core.search.offers import FlightOfferRef, parse_offer_id

#: Where seats may be chosen: while the places are held, and once they are sold.
CHOOSABLE = frozenset({BookingStatus.HELD, BookingStatus.PENDING_APPROVAL, BookingStatus.CONFIRMED})
#: Nine passengers, each on up to four flights.
MAX_ASSIGNMENTS = 36


@dataclass(frozen=True)
class SeatChoice:
    """Put ``passenger_id`` in ``seat`` on the booking's flight ``segment_id``."""

    segment_id: str
    passenger_id: str
    seat: str


# -- reading the seats ---------------------------------------------------------------------


async def flight_seat_plan(session: AsyncSession, flight: Flight) -> SeatPlan:
    """The seats of ``flight``: its aircraft, with each cabin as big as its inventory."""
    cabins = (
        await session.execute(
            select(FareInventory.cabin, FareInventory.capacity).where(
                FareInventory.flight_id == flight.id
            )
        )
    ).all()
    return seat_plan(flight.aircraft, [(str(c), int(n)) for c, n in cabins], flight.distance_km)


def _rows(
    layout: CabinLayout, taken: Mapping[str, int], mine: Mapping[int, str], currency: str
) -> list[SeatRowView]:
    return [
        SeatRowView(
            row=row[0].row,
            seats=[
                SeatView(
                    seat=spec.seat,
                    available=spec.seat not in taken,
                    position=spec.position,
                    features=list(spec.features),
                    price=Money.of(spec.price_minor, currency),
                    passenger_id=mine.get(taken.get(spec.seat, 0)),
                )
                for spec in row
            ],
        )
        for row in layout.rows
    ]


async def _segment_map(
    session: AsyncSession,
    inventory: FareInventory,
    *,
    segment: Segment | None = None,
    links: Sequence[SegmentPassenger] = (),
) -> SegmentSeatMapView:
    flight = await session.get(Flight, inventory.flight_id)
    assert flight is not None
    plan = await flight_seat_plan(session, flight)
    layout = plan.cabin(inventory.cabin)
    assert layout is not None  # every fare row with places has its cabin
    taken = await taken_seats(session, flight.id)
    mine = {link.id: link.passenger_id for link in links}
    seats = [spec for row in layout.rows for spec in row]
    return SegmentSeatMapView(
        segment_id=segment.id if segment is not None else None,
        carrier=flight.carrier,
        number=flight.number,
        date=flight.date,
        origin=flight.origin,
        destination=flight.destination,
        aircraft=flight.aircraft,
        cabin=inventory.cabin,
        columns=layout.columns,
        seats_free=sum(1 for spec in seats if spec.seat not in taken),
        passengers=[
            SegmentPassengerView(
                passenger_id=link.passenger_id, ticket_number=link.ticket_number, seat=link.seat
            )
            for link in links
        ]
        if segment is not None
        else None,
        rows=_rows(layout, taken, mine, inventory.currency),
    )


async def offer_seat_map(session: AsyncSession, offer_id: str) -> SeatMapView:
    """The seats of a flight offer's cabin on each of its flights (``NotFound`` for an
    offer that does not exist; a hotel offer has no seats: ``ValidationFailed``)."""
    ref = parse_offer_id(offer_id)
    if not isinstance(ref, FlightOfferRef):
        raise ValidationFailed(f"Offer {ref.offer_id} is a hotel stay; it has no seats", field="offer_id")
    rows = {
        inv.id: inv
        for inv in (
            await session.scalars(
                select(FareInventory).where(FareInventory.id.in_(ref.fare_inventory_ids))
            )
        ).all()
    }
    if len(rows) != len(set(ref.fare_inventory_ids)):
        raise NotFound(f"Offer {ref.offer_id} does not exist", offer_id=ref.offer_id)
    return SeatMapView(
        offer_id=ref.offer_id,
        segments=[await _segment_map(session, rows[i]) for i in ref.fare_inventory_ids],
    )


async def _flights_of(session: AsyncSession, booking_id: str) -> list[Segment]:
    """The booking's flights as they stand (not legs a rebook replaced or gave back)."""
    return list(
        (
            await session.scalars(
                select(Segment)
                .where(
                    Segment.booking_id == booking_id,
                    Segment.kind == SegmentKind.FLIGHT,
                    Segment.replaced_by.is_(None),
                    Segment.status.in_((SegmentStatus.HELD, SegmentStatus.BOOKED)),
                )
                .order_by(Segment.position)
            )
        ).all()
    )


async def _links_by_segment(
    session: AsyncSession, booking_id: str
) -> dict[str, list[SegmentPassenger]]:
    rows = (
        await session.execute(
            select(SegmentPassenger)
            .join(Passenger, Passenger.id == SegmentPassenger.passenger_id)
            .where(SegmentPassenger.booking_id == booking_id)
            .order_by(Passenger.position, Passenger.id)
        )
    ).scalars()
    out: dict[str, list[SegmentPassenger]] = {}
    for link in rows:
        out.setdefault(link.segment_id, []).append(link)
    return out


async def booking_seat_map(session: AsyncSession, caller: Caller, booking_id: str) -> SeatMapView:
    """The seats of each of the booking's flights, in its cabin, showing where its own
    passengers sit. Who may read it: as for the booking (anyone else gets ``NotFound``)."""
    booking = await load_visible_booking(session, caller, booking_id)
    links = await _links_by_segment(session, booking.id)
    segments: list[SegmentSeatMapView] = []
    for seg in await _flights_of(session, booking.id):
        assert seg.fare_inventory_id is not None
        inventory = await session.get(FareInventory, seg.fare_inventory_id)
        assert inventory is not None
        segments.append(
            await _segment_map(session, inventory, segment=seg, links=links.get(seg.id, []))
        )
    return SeatMapView(booking_id=booking.id, segments=segments)


# -- choosing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    segment: Segment
    flight: Flight
    plan: SeatPlan


async def _occupied(session: AsyncSession, flight_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """Who sits where on these flights, read before writing: the common case of a taken
    seat is answered here, naming every seat at once. What this read cannot see (a seat
    written by a transaction not yet committed) the unique index refuses."""
    out: dict[tuple[int, str], int] = {}
    for flight_id in sorted(set(flight_ids)):
        for seat, link_id in (await taken_seats(session, flight_id)).items():
            out[flight_id, seat] = link_id
    return out


def _conflicts(
    writes: Sequence[SeatWrite], occupied: Mapping[tuple[int, str], int], moving: set[int]
) -> list[str]:
    return [
        w.seat
        for w in writes
        if occupied.get((w.flight_id, w.seat)) not in (None, w.link_id)
        and occupied[w.flight_id, w.seat] not in moving
    ]


async def _open_for_seats(
    session: AsyncSession, caller: Caller, booking_id: str, *, now: datetime
) -> Booking:
    """The booking, row-locked, if the caller may act on it and its seats may be chosen."""
    booking = await load_visible_booking(session, caller, booking_id, for_update=True, to_act=True)
    if booking.status not in CHOOSABLE:
        raise InvalidTransition(
            f"Booking {booking_id} is {booking.status}; seats are chosen while it is held "
            "or once it is confirmed"
        )
    if booking.status in states.HOLDING:
        assert booking.hold_expires_at is not None
        if booking.hold_expires_at <= now:
            raise HoldExpired(f"The hold on {booking_id} has expired; search again to book")
    return booking


async def _targets(session: AsyncSession, booking_id: str) -> dict[str, _Target]:
    targets: dict[str, _Target] = {}
    for seg in await _flights_of(session, booking_id):
        assert seg.flight_id is not None
        flight = await session.get(Flight, seg.flight_id)
        assert flight is not None
        targets[seg.id] = _Target(seg, flight, await flight_seat_plan(session, flight))
    return targets


async def _links_index(
    session: AsyncSession, booking_id: str
) -> dict[tuple[str, str], SegmentPassenger]:
    return {
        (link.segment_id, link.passenger_id): link
        for group in (await _links_by_segment(session, booking_id)).values()
        for link in group
    }


async def choose_seats(
    session: AsyncSession,
    caller: Caller,
    booking_id: str,
    choices: Sequence[SeatChoice],
    *,
    now: datetime,
    accept_fees: bool = False,
    paid: Sequence[SeatFee] = (),
) -> Booking:
    """Seat the passengers named, all or none (``PUT /v1/bookings/{id}/seats``).

    A seat with a fee (extra legroom) is bought with the booking: while it is held (or
    waiting for approval) and ``accept_fees`` says the fee is agreed to, the fee joins
    the flight's fare (a ``SEAT`` fee line) and the booking's total, and is paid with the
    rest when the booking is confirmed — through the confirmation gate and the payment.
    Once the booking is confirmed, a seat with a fee is bought as a payment of its own
    (``core.booking.seat_purchase``, which calls this with the fees it has authorized in
    ``paid``; the fee joins the flight's fare as sold); without that, or without
    ``accept_fees`` on a held booking, it is ``SEAT_REQUIRES_PAYMENT``. Leaving a seat
    with a fee before confirming drops its fee.

    Every choice is checked before anything is written: a segment that is not one of the
    booking's flights, a passenger not on it (``PASSENGER_NOT_ON_SEGMENT``), a seat the
    aircraft does not have (``UNKNOWN_SEAT``) or that is in another cabin
    (``SEAT_NOT_IN_CABIN``), a seat with a fee (``SEAT_REQUIRES_PAYMENT``), a seat or
    passenger given twice. A seat somebody else sits in is ``SEAT_TAKEN``, naming it
    (seats of holds that have expired are given back first, as the hold path does). The
    booking's row lock orders this against its confirmation, cancellation and another
    choice; seats of several bookings meet at the unique index.
    """
    booking = await _open_for_seats(session, caller, booking_id, now=now)
    return await _choose(
        session, caller.user_id, booking, choices, now=now, accept_fees=accept_fees, paid=paid
    )


@dataclass(frozen=True)
class _Checked:
    """One choice, checked: the passenger's row on the flight and the seat wanted."""

    target: _Target
    link: SegmentPassenger
    spec: SeatSpec

    @property
    def moves(self) -> bool:
        return self.link.seat != self.spec.seat


async def _check(
    session: AsyncSession, booking: Booking, choices: Sequence[SeatChoice]
) -> tuple[dict[str, _Target], list[_Checked]]:
    """Every choice checked against the booking's flights and their aircraft before
    anything is written (see :func:`choose_seats`); fees are the caller's to judge."""
    if not choices:
        raise ValidationFailed("Choose at least one seat", field="assignments")
    if len(choices) > MAX_ASSIGNMENTS:
        raise ValidationFailed(f"At most {MAX_ASSIGNMENTS} seats at once", field="assignments")
    targets = await _targets(session, booking.id)
    links = await _links_index(session, booking.id)
    checked: list[_Checked] = []
    seen: set[tuple[str, str]] = set()
    for i, choice in enumerate(choices):
        here = f"assignments[{i}]"
        target = targets.get(choice.segment_id)
        if target is None:
            raise ValidationFailed(
                f"Segment {choice.segment_id!r} is not a flight of booking {booking.id}",
                field=f"{here}.segment_id",
            )
        link = links.get((choice.segment_id, choice.passenger_id))
        label = f"{target.flight.carrier}{target.flight.number}"
        if link is None:
            raise PassengerNotOnSegment(
                f"Passenger {choice.passenger_id!r} does not fly on {label} on this booking",
                field=f"{here}.passenger_id",
            )
        seat = normalise_seat(choice.seat)
        spec = target.plan.seat(seat) if seat is not None else None
        if spec is None:
            raise UnknownSeat(
                f"There is no seat {choice.seat[:8]!r} on {label} ({target.flight.aircraft})",
                field=f"{here}.seat",
                seats=[choice.seat[:8]],
            )
        if spec.cabin != target.segment.cabin:
            raise SeatNotInCabin(
                f"Seat {spec.seat} is in {spec.cabin}; this booking flies {target.segment.cabin} "
                f"on {label}",
                field=f"{here}.seat",
                seats=[spec.seat],
            )
        for key, what in (
            ((choice.segment_id, f"seat:{spec.seat}"), f"Seat {spec.seat} is given twice"),
            ((choice.segment_id, f"pax:{link.passenger_id}"), "A passenger is given two seats"),
        ):
            if key in seen:
                raise ValidationFailed(f"{what} on {label}", field=here)
            seen.add(key)
        checked.append(_Checked(target, link, spec))
    return targets, checked


@dataclass(frozen=True)
class SeatFee:
    """A seat with a fee a passenger would move to: what buying it costs."""

    segment_id: str
    passenger_id: str
    seat: str
    price_minor: int
    currency: str


@dataclass(frozen=True)
class SeatQuote:
    """Seat choices on a booking, checked: its status and the fees of the seats wanted."""

    booking_id: str
    status: BookingStatus
    fees: list[SeatFee]

    @property
    def total_minor(self) -> int:
        return sum(f.price_minor for f in self.fees)


async def quote_seats(
    session: AsyncSession,
    caller: Caller,
    booking_id: str,
    choices: Sequence[SeatChoice],
    *,
    now: datetime,
) -> SeatQuote:
    """Check the choices as :func:`choose_seats` does (the booking row-locked, nothing
    written) and answer the fees of the seats with a fee someone moves to. A seat taken
    now is ``SEAT_TAKEN`` already, before anyone is charged for it."""
    booking = await _open_for_seats(session, caller, booking_id, now=now)
    targets, checked = await _check(session, booking, choices)
    moving = [c for c in checked if c.moves]
    if moving:
        writes = [SeatWrite(c.target.flight.id, c.spec.seat, c.link.id) for c in moving]
        await _free_or_taken(session, writes, targets.values(), now=now)
    return SeatQuote(
        booking_id=booking.id,
        status=BookingStatus(booking.status),
        fees=[
            SeatFee(
                c.target.segment.id, c.link.passenger_id, c.spec.seat, c.spec.price_minor,
                c.target.segment.currency,
            )
            for c in moving
            if c.spec.price_minor
        ],
    )


async def give_bought_seats(
    session: AsyncSession,
    booking_id: str,
    choices: Sequence[SeatChoice],
    paid: Sequence[SeatFee],
    *,
    now: datetime,
    actor: str,
) -> Booking:
    """The seat purchase's seating step (``core.booking.seat_purchase``, which may run it
    from the completer, with no caller): the booking row-locked and still confirmed, the
    choices checked again and written with their authorized fees, or nothing written
    (``SEAT_TAKEN`` for a seat taken since the quote)."""
    booking = await session.scalar(
        select(Booking)
        .where(Booking.id == booking_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert booking is not None
    if booking.status != BookingStatus.CONFIRMED:
        raise InvalidTransition(
            f"Booking {booking_id} is {booking.status}; the seats were not given"
        )
    return await _choose(session, actor, booking, choices, now=now, paid=paid)


async def _choose(
    session: AsyncSession,
    actor: str,
    booking: Booking,
    choices: Sequence[SeatChoice],
    *,
    now: datetime,
    accept_fees: bool = False,
    paid: Sequence[SeatFee] = (),
) -> Booking:
    """``paid``: seats with a fee on a confirmed booking whose fee the seat purchase
    (``core.booking.seat_purchase``) has authorized; each joins its flight's fare."""
    targets, checked = await _check(session, booking, choices)
    bought = {(f.segment_id, f.passenger_id, f.seat): f for f in paid}
    writes: list[SeatWrite] = []
    fees: list[_FeeMove] = []
    for c in checked:
        if not c.moves:
            continue  # already there
        spec, target, link = c.spec, c.target, c.link
        if spec.price_minor:
            fee = format_money(spec.price_minor, target.segment.currency)
            if booking.status not in states.HOLDING:
                if (target.segment.id, link.passenger_id, spec.seat) not in bought:
                    raise SeatRequiresPayment(
                        f"Seat {spec.seat} has extra legroom for {fee}: on a confirmed booking "
                        "it is bought as a payment of its own, charged to the company card "
                        "once the traveller agrees to the fee",
                        seats=[spec.seat],
                    )
            elif not accept_fees:
                raise SeatRequiresPayment(
                    f"Seat {spec.seat} has extra legroom for {fee}: agree to the fee "
                    "(accept_fees) to add it to the booking's total, paid when it is confirmed",
                    seats=[spec.seat],
                )
        old = target.plan.seat(link.seat) if link.seat else None
        if booking.status in states.HOLDING and (spec.price_minor or (old and old.price_minor)):
            fees.append(_FeeMove(target.segment, old, spec))
        elif booking.status not in states.HOLDING and spec.price_minor:
            # Bought after confirmation: the fee joins the fare as sold (a fee paid for a
            # seat left later is kept, like a change fee).
            fees.append(_FeeMove(target.segment, None, spec))
        writes.append(SeatWrite(target.flight.id, spec.seat, link.id))

    if writes:
        await _write_seats(session, writes, targets.values(), now=now)
    added = await _reprice(session, fees)
    if fees and booking.status in states.HOLDING:
        # The trip as the policy sees it now counts the seat fees (and any paid-seat
        # rule): judged again, refused here if red, else stored for the confirmation.
        await _judge_again(session, booking, now=now)
    await session.execute(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(
            updated_at=now,
            version=Booking.version + 1,
            total_minor=Booking.total_minor + added,
        )
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        org_id=booking.org_id,
        actor_id=actor,
        action="booking.seats_chosen",
        entity="booking",
        entity_id=booking.id,
        at=now,
        seats=sorted(w.seat for w in writes),
        fees_minor=added,
    )
    if booking.status == BookingStatus.CONFIRMED and writes:
        # A passenger checked in holds a pass with the old seat on it: issue it again.
        await reissue_moved_passes(session, booking.id, now=now, actor=actor)
    return booking


async def _judge_again(session: AsyncSession, booking: Booking, *, now: datetime) -> None:
    verdict = await judge(session, booking.org_id, await policy_items(session, booking), now=now)
    verdict_dict = verdict.to_dict()
    if verdict.is_blocked:
        raise PolicyBlocked(
            f"The travel policy does not allow this: {red_reasons(verdict_dict)}",
            policy=verdict_dict,
        )
    await session.execute(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(policy=verdict_dict, policy_status=verdict.status)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class _FeeMove:
    """A passenger of a held booking leaving ``old`` for ``new``, one of them with a fee."""

    segment: Segment
    old: SeatSpec | None
    new: SeatSpec


def _fee_name(spec: SeatSpec) -> str:
    return f"Seat {spec.seat} (extra legroom)"


async def _reprice(session: AsyncSession, moves: Sequence[_FeeMove]) -> int:
    """The seat fees of a held booking's flights after these moves: each paid seat one
    ``SEAT`` fee line on its segment's fare (and its amount); answers the change to the
    booking's total. Fees of seats left go before those of seats taken (a swap)."""
    added = 0
    for segment_id in dict.fromkeys(m.segment.id for m in moves):
        group = [m for m in moves if m.segment.id == segment_id]
        seg = group[0].segment
        fare = await segment_fare(session, seg)
        lines = list(fare.fees)
        for move in group:
            if move.old is not None and move.old.price_minor:
                name = _fee_name(move.old)
                at = next((i for i, c in enumerate(lines) if c.code == SEAT_FEE_CODE and c.name == name), None)
                if at is not None:
                    lines.pop(at)
        for move in group:
            if move.new.price_minor:
                lines.append(
                    Charge(code=SEAT_FEE_CODE, name=_fee_name(move.new), amount_minor=move.new.price_minor)
                )
        priced = fare.model_copy(update={"fees": tuple(lines)})
        delta = priced.total_minor - fare.total_minor
        if delta or priced != fare:
            await session.execute(
                update(Segment)
                .where(Segment.id == seg.id)
                .values(fare=priced.stored(), amount_minor=Segment.amount_minor + delta)
                .execution_options(synchronize_session=False)
            )
        added += delta
    return added


@dataclass(frozen=True)
class SeatWish:
    """A passenger on one of the booking's flights who wants a window or an aisle seat
    (``position`` None: any seat, beside the rest of the party)."""

    segment_id: str
    passenger_id: str
    position: SeatPosition | None = None


async def choose_seats_by_position(
    session: AsyncSession,
    caller: Caller,
    booking_id: str,
    wishes: Sequence[SeatWish],
    *,
    now: datetime,
) -> list[SeatChoice]:
    """"An aisle seat", "window seats for both of us": free seats (no fee) that meet
    every wish, the passengers of one flight in one row when a row has them all (else as
    near each other as can be), then chosen as :func:`choose_seats` does. Answers the
    seats chosen. No seat fits: ``SeatTaken`` (``seats`` empty) saying what is missing."""
    booking = await _open_for_seats(session, caller, booking_id, now=now)
    targets = await _targets(session, booking.id)
    links = await _links_index(session, booking.id)
    by_segment: dict[str, list[SeatWish]] = {}
    for i, wish in enumerate(wishes):
        if wish.segment_id not in targets:
            raise ValidationFailed(
                f"Segment {wish.segment_id!r} is not a flight of booking {booking.id}",
                field=f"assignments[{i}].segment_id",
            )
        if (wish.segment_id, wish.passenger_id) not in links:
            raise PassengerNotOnSegment(
                f"Passenger {wish.passenger_id!r} does not fly on that flight of this booking",
                field=f"assignments[{i}].passenger_id",
            )
        by_segment.setdefault(wish.segment_id, []).append(wish)
    choices: list[SeatChoice] = []
    for segment_id, group in by_segment.items():
        target = targets[segment_id]
        layout = target.plan.cabin(target.segment.cabin or "")
        assert layout is not None
        party = {w.passenger_id for w in group}
        occupied = await taken_seats(session, target.flight.id)
        mine = {
            link.id for (seg, pid), link in links.items() if seg == segment_id and pid in party
        }
        free = {
            spec.seat
            for row in layout.rows
            for spec in row
            if not spec.price_minor and occupied.get(spec.seat, 0) in (0, *mine)
        }
        seated = [
            int(str(link.seat)[:-1])
            for (seg, pid), link in links.items()
            if seg == segment_id and pid not in party and link.seat is not None
        ]
        seats = seats_wished(layout, free, [w.position for w in group], seated)
        if seats is None:
            wanted = ", ".join(sorted({str(w.position or "any") for w in group}))
            raise SeatTaken(
                f"No free seats left for {len(group)} ({wanted}) on "
                f"{target.flight.carrier}{target.flight.number}; choose seats from the map",
                seats=[],
            )
        choices.extend(
            SeatChoice(segment_id, wish.passenger_id, spec.seat)
            for wish, spec in zip(group, seats, strict=True)
        )
    await _choose(session, caller.user_id, booking, choices, now=now)
    return choices


async def _write_seats(
    session: AsyncSession,
    writes: Sequence[SeatWrite],
    targets: Iterable[_Target],
    *,
    now: datetime,
) -> None:
    """Check the seats are free (after giving back expired holds' seats), then write."""
    moving = {w.link_id for w in writes}
    occupied = await _free_or_taken(session, writes, targets, now=now)
    # Those moving leave their seats first (a party may swap seats in one request).
    await clear_seats(session, moving & set(occupied.values()))
    await take_seats(session, writes)


async def _free_or_taken(
    session: AsyncSession,
    writes: Sequence[SeatWrite],
    targets: Iterable[_Target],
    *,
    now: datetime,
) -> dict[tuple[int, str], int]:
    """Who sits where on the flights written to, once ``SEAT_TAKEN`` is ruled out: a seat
    somebody else sits in (after giving back the seats of expired holds) is refused."""
    moving = {w.link_id for w in writes}
    flights = [w.flight_id for w in writes]
    occupied = await _occupied(session, flights)
    taken = _conflicts(writes, occupied, moving)
    if taken:
        # As on the hold path: an expired hold never blocks. Give back the expired holds
        # of these cabins (and so their seats), then look again.
        rows = sorted(
            {
                t.segment.fare_inventory_id
                for t in targets
                if t.flight.id in flights and t.segment.fare_inventory_id is not None
            }
        )
        released = 0
        for row in rows:
            released += await release_expired_on_row(session, HoldLine("fare", row, 0), now=now)
        if released:
            occupied = await _occupied(session, flights)
            taken = _conflicts(writes, occupied, moving)
    if taken:
        raise SeatTaken(
            f"Seat{'s' if len(taken) > 1 else ''} {', '.join(sorted(taken))} "
            f"{'are' if len(taken) > 1 else 'is'} taken; choose another",
            seats=sorted(taken),
        )
    return occupied


# -- assigning at check-in -----------------------------------------------------------------


_PREFERS: dict[str, SeatPosition | None] = {
    SeatPreference.AISLE: SeatPosition.AISLE,
    SeatPreference.WINDOW: SeatPosition.WINDOW,
    SeatPreference.NONE: None,
}


def _match(group: Sequence[SeatSpec], prefs: Sequence[SeatPosition | None]) -> tuple[list[SeatSpec], int]:
    """Give each passenger (in order) a seat of ``group``, those with a preference first:
    the seats in passenger order, and how many preferences were met."""
    left = list(group)
    given: dict[int, SeatSpec] = {}
    met = 0
    for i, pref in enumerate(prefs):
        if pref is None:
            continue
        spec = next((s for s in left if s.position == pref), None)
        if spec is not None:
            given[i] = spec
            left.remove(spec)
            met += 1
    for i in range(len(prefs)):
        if i not in given:
            given[i] = left.pop(0)
    return [given[i] for i in range(len(prefs))], met


def seat_party(
    layout: CabinLayout,
    free: set[str],
    prefs: Sequence[SeatPosition | None],
    near_rows: Sequence[int] = (),
) -> list[SeatSpec] | None:
    """Seats for a party, in passenger order: side by side in one row if any row has room
    (one block between aisles first, free seats before paid ones, most preferences met,
    nearest the party's seated members, then the front); else row by row from the front.
    None when the cabin has fewer free seats than the party."""
    n = len(prefs)
    if n == 0:
        return []
    best: tuple[tuple[int, ...], list[SeatSpec]] | None = None
    for row in layout.rows:
        for start in range(len(row) - n + 1):
            group = row[start : start + n]
            if any(s.seat not in free for s in group):
                continue
            seats, met = _match(group, prefs)
            score = (
                len({s.block for s in group}) - 1,  # aisles between them
                sum(1 for s in group if s.price_minor),
                -met,
                min((abs(group[0].row - r) for r in near_rows), default=0),
                group[0].row,
                start,
            )
            if best is None or score < best[0]:
                best = (score, seats)
    if best is not None:
        return best[1]
    ordered = [
        s
        for s in sorted(
            (s for row in layout.rows for s in row if s.seat in free),
            key=lambda s: (s.price_minor > 0, s.row),
        )
    ]
    if len(ordered) < n:
        return None
    return _match(ordered[:n], prefs)[0]


def seats_wished(
    layout: CabinLayout,
    free: set[str],
    wishes: Sequence[SeatPosition | None],
    near_rows: Sequence[int] = (),
) -> list[SeatSpec] | None:
    """Seats for wishes said out loud: every wish met, all in one row when a row has them
    (side by side first, nearest the party's seated members, then the front); else each
    in the row nearest the first one's. None when some wish cannot be met at all."""
    if all(w is None for w in wishes):
        return seat_party(layout, free, wishes, near_rows)
    best: tuple[tuple[int, ...], list[SeatSpec]] | None = None
    for row in layout.rows:
        left = [s for s in row if s.seat in free]
        picked: list[SeatSpec] = []
        for wish in wishes:
            spec = next((s for s in left if wish is not None and s.position == wish), None)
            if spec is not None:
                picked.append(spec)
                left.remove(spec)
        for i, wish in enumerate(wishes):
            if wish is None and left:  # beside the others: the free seat nearest them
                at = row.index(picked[0] if picked else left[0])
                spec = min(left, key=lambda s: abs(row.index(s) - at))
                picked.insert(i, spec)
                left.remove(spec)
        if len(picked) != len(wishes):
            continue
        indexes = sorted(row.index(s) for s in picked)
        score = (
            indexes[-1] - indexes[0],  # how far apart
            min((abs(row[0].row - r) for r in near_rows), default=0),
            row[0].row,
        )
        if best is None or score < best[0]:
            best = (score, picked)
    if best is not None:
        return best[1]
    out: list[SeatSpec] = []
    taken: set[str] = set()
    for wish in wishes:
        candidates = [
            s
            for r in layout.rows
            for s in r
            if s.seat in free and s.seat not in taken and (wish is None or s.position == wish)
        ]
        if not candidates:
            return None
        base = out[0].row if out else (near_rows[0] if near_rows else 0)
        spec = min(candidates, key=lambda s: (abs(s.row - base), s.row, s.letter))
        out.append(spec)
        taken.add(spec.seat)
    return out


async def _preferences(
    session: AsyncSession, links: Sequence[SegmentPassenger]
) -> list[SeatPosition | None]:
    out: list[SeatPosition | None] = []
    for link in links:
        passenger = await session.get(Passenger, link.passenger_id)
        details = (
            await session.get(TravellerDetails, passenger.user_id)
            if passenger is not None and passenger.user_id is not None
            else None
        )
        out.append(_PREFERS.get(details.seat_preference) if details is not None else None)
    return out


async def assign_remaining_seats(
    session: AsyncSession, booking_id: str, segment_id: str, *, now: datetime
) -> dict[str, str]:
    """Seat every passenger of one of the booking's flights who has no seat yet, by
    their profile's seat preference (aisle / window), keeping the party together and
    near those already seated; free seats first, a seat with a fee only when nothing
    else is left (at no charge). Answers every passenger's seat on that flight.

    For check-in: call it inside the transaction that checks the passengers in, after
    taking the booking's row lock. Seats given back by expired holds are freed first;
    ``SeatTaken`` means another booking took a chosen seat in the same instant (the
    transaction is spoiled: run it again). ``NotFound`` when the segment is not one of
    the booking's flights; ``InvalidTransition`` / ``HoldExpired`` when its places are gone; ``SoldOut``-like shortage cannot happen (a cabin has a seat for
    every place), so a full cabin raises ``SeatTaken`` naming none.
    """
    seg = await session.get(Segment, segment_id)
    if (
        seg is None
        or seg.booking_id != booking_id
        or seg.kind != SegmentKind.FLIGHT
        or seg.flight_id is None
        or seg.cabin is None
    ):
        raise NotFound(f"Segment {segment_id} is not a flight of booking {booking_id}")
    # Seats follow places: a booking whose places are gone (or whose hold has run out,
    # swept or not) has none to seat.
    booking = await session.get(Booking, booking_id, populate_existing=True)
    assert booking is not None
    if booking.status not in CHOOSABLE or seg.status not in (
        SegmentStatus.HELD,
        SegmentStatus.BOOKED,
    ):
        raise InvalidTransition(f"Booking {booking_id} is {booking.status}; it has no seats to assign")
    if booking.status in states.HOLDING and (
        booking.hold_expires_at is None or booking.hold_expires_at <= now
    ):
        raise HoldExpired(f"The hold on {booking_id} has expired")
    flight = await session.get(Flight, seg.flight_id)
    assert flight is not None
    plan = await flight_seat_plan(session, flight)
    layout = plan.cabin(seg.cabin)
    assert layout is not None
    links = (await _links_by_segment(session, booking_id)).get(seg.id, [])
    unseated = [link for link in links if link.seat is None]
    if unseated:
        target = _Target(seg, flight, plan)
        if seg.fare_inventory_id is not None:
            await release_expired_on_row(
                session, HoldLine("fare", seg.fare_inventory_id, 0), now=now
            )
        occupied = await taken_seats(session, flight.id)
        free = {s.seat for row in layout.rows for s in row if s.seat not in occupied}
        seated_rows = [int(link.seat[:-1]) for link in links if link.seat is not None]
        chosen = seat_party(layout, free, await _preferences(session, unseated), seated_rows)
        if chosen is None:
            raise SeatTaken(f"No seat left in {seg.cabin} on {flight.carrier}{flight.number}", seats=[])
        writes = [
            SeatWrite(flight.id, spec.seat, link.id)
            for link, spec in zip(unseated, chosen, strict=True)
        ]
        await _write_seats(session, writes, [target], now=now)
        seats = {link.passenger_id: spec.seat for link, spec in zip(unseated, chosen, strict=True)}
    else:
        seats = {}
    return {link.passenger_id: seats.get(link.passenger_id) or str(link.seat) for link in links}
