"""Compact output shapes shared by the tools: money, policy verdicts, bookings.

Outputs go into a prompt, so they carry what the model needs to act and to tell
the traveller (ids, prices, verdict reasons, seats left, hold expiry) and nothing
else (no internal ids, no audit data, never another organization's rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.approval.service import approvers_for, waiting_on
from core.approval.views import TripSummary
from core.booking.access import ActingRights, acting_rights
from core.booking.passengers import PassengerSpec
from core.booking.service import get_booking
from core.booking.views import (
    BookingView,
    FlightSegmentView,
    HotelSegmentView,
    PassengerView,
    booking_view,
    booking_views,
)
from core.catalogue.fares import FareOut
from core.catalogue.hubs import hubs
from core.checkin.views import BoardingPassView
from core.clock import utc
from core.identity import Caller
from core.models import Booking, FlightStatus, User
from core.money import Money, money_text
from core.policy.engine import Verdict
from core.runtime import Runtime
from core.views import iso_z
from tools.base import Named

MoneyOut = Money


class PolicyOut(BaseModel):
    status: str = Field(
        description="green (within policy), amber (needs approval) or red (not allowed)."
    )
    violations: list[str] = Field(default_factory=list, description="Why it is amber or red.")
    approvals_required: list[str] = Field(
        default_factory=list, description="Roles that must approve before it can be confirmed."
    )

    @classmethod
    def of(cls, verdict: Verdict | dict[str, Any] | None) -> PolicyOut:
        data = verdict.to_dict() if isinstance(verdict, Verdict) else dict(verdict or {})
        return cls(
            status=str(data.get("status", "green")),
            violations=[str(v["message"]) for v in data.get("violations", ())],
            approvals_required=[str(r) for r in data.get("approvals_required", ())],
        )


# A search's ``traveler_id`` (search_flights, search_hotels): who travels when it is not the
# caller, so the approvers its options name are that traveller's.
TravellerSearched = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=64,
        description="Who travels when it is not the caller (a colleague they book for): "
        "the approvers named are that traveller's.",
    ),
]


async def approvers_of(
    session: AsyncSession, caller: Caller, traveler_id: str | None, options: Sequence[Listed]
) -> dict[str, str]:
    """Who the options needing approval would wait on, by name, for their traveller
    (``traveler_id``, else the caller): as the approval workflow will resolve them."""
    roles = [r for o in options if o.policy.status == "amber" for r in o.policy.approvals_required]
    return await approvers_for(session, caller, traveler_id, roles) if roles else {}


POLICY_ORDER = {"green": 0, "amber": 1, "red": 2}
# A direct flight up to this much dearer than the cheapest connection is the better buy.
DIRECT_PREMIUM = 1.15


class Listed(Protocol):
    option: int
    policy: PolicyOut


L = TypeVar("L", bound=Listed)


def compliant_first(options: Sequence[L]) -> list[L]:
    """Options within policy first, then those needing approval, then the blocked ones,
    each group in the order searched; renumbered 1… in that order, so "option 2" is the
    second one every channel lists."""
    ranked = sorted(options, key=lambda o: POLICY_ORDER.get(o.policy.status, 1))
    for n, option in enumerate(ranked, start=1):
        option.option = n
    return ranked


def recommend(
    options: Sequence[L], price: Callable[[L], int], stops: Callable[[L], int] = lambda _: 0
) -> int | None:
    """The one option worth suggesting: the cheapest within policy (else the cheapest
    needing approval), or a direct flight that costs at most 15 % more than it. None when
    nothing can be booked."""
    for status in ("green", "amber"):
        fits = [o for o in options if o.policy.status == status]
        if not fits:
            continue
        cheapest = min(fits, key=price)
        direct = [o for o in fits if stops(o) == 0]
        if stops(cheapest) and direct:
            best_direct = min(direct, key=price)
            if price(best_direct) <= price(cheapest) * DIRECT_PREMIUM:
                return best_direct.option
        return cheapest.option
    return None


def airport_zone(code: str) -> dt.tzinfo:
    found = hubs().get(code)
    return ZoneInfo(found.tz) if found is not None else dt.UTC


def local_iso(moment: dt.datetime, airport: str) -> str:
    """Local wall time at the airport with its offset, to the minute: what a traveller reads."""
    return utc(moment).astimezone(airport_zone(airport)).isoformat(timespec="minutes")


def city_of(code: str) -> str:
    found = hubs().get(code)
    return found.city if found is not None else code


def spoken_time(moment: dt.datetime, airport: str) -> str:
    """``Fri 18 Dec 08:05`` in the airport's local time."""
    local = utc(moment).astimezone(airport_zone(airport))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def spoken_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def day_range(start: dt.date, end: dt.date) -> str:
    """``18–22 Dec`` (or ``30 Dec – 2 Jan`` across months)."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b}"
    return f"{start.day} {start:%b} – {end.day} {end:%b}"


class SegmentOut(BaseModel):
    segment_id: str
    kind: str = Field(description="flight or hotel.")
    status: str
    flight: str | None = Field(default=None, description="Carrier and number, e.g. BA 117.")
    origin: str | None = None
    destination: str | None = None
    depart: str | None = Field(
        default=None, description="Local time at the origin, with its UTC offset."
    )
    arrive: str | None = Field(
        default=None, description="Local time at the destination, with its UTC offset."
    )
    cabin: str | None = None
    passengers: int | None = None
    flight_status: str | None = Field(default=None, description="scheduled, delayed or cancelled.")
    hotel: str | None = None
    address: str | None = Field(default=None, description="Hotels: the street address.")
    city: str | None = None
    check_in: str | None = None
    check_out: str | None = None
    check_in_from: str | None = Field(
        default=None, description="When the room is ready: local time at the hotel."
    )
    check_out_by: str | None = Field(
        default=None, description="When the room must be left: local time at the hotel."
    )
    rooms: int | None = None
    price: MoneyOut
    fare: FareOut | None = Field(
        default=None,
        description="price as base + taxes (by code) + fees, as sold: what to answer when "
        "asked about taxes (the trip's are its segments' added up).",
    )
    refundable: bool
    locator: str | None = Field(default=None, description="Supplier reference once confirmed.")
    tickets: dict[str, str] | None = Field(
        default=None, description="Flights, once confirmed: each passenger's e-ticket number."
    )
    seats: dict[str, str] | None = Field(
        default=None, description="Flights: each seated passenger's seat (choose_seats)."
    )
    checked_in: list[str] | None = Field(
        default=None, description="Flights: who is checked in (get_boarding_pass shows the passes)."
    )


def named_by(segments: Sequence[SegmentOut]) -> Named:
    """What these parts of a booking may be named by (:class:`tools.base.Named`): the one
    answer for every gated question about a booking — confirming it, cancelling it,
    moving a flight of it."""
    places: list[str] = []
    dates: list[str] = []
    for s in segments:
        for code in (s.origin, s.destination):
            if code:
                places += [code, city_of(code)]
        if s.city:
            places.append(s.city)
        dates += [day[:10] for day in (s.depart, s.check_in, s.check_out) if day]
    return Named(
        places=tuple(dict.fromkeys(p for p in places if p)),
        dates=tuple(dict.fromkeys(dates)),
        kinds=tuple(dict.fromkeys(s.kind for s in segments)),
    )


class PassengerOut(BaseModel):
    passenger_id: str
    name: str = Field(description="Legal names (a colleague's from their profile).")
    traveler_id: str | None = Field(default=None, description="A colleague's user id.")


class PassengerIn(BaseModel):
    """A colleague (``traveler_id``: the traveller themselves or someone in can_book_for;
    their profile has the legal names) or a guest (``given_name`` + ``family_name``)."""

    model_config = ConfigDict(extra="forbid")

    traveler_id: str | None = Field(default=None, min_length=1, max_length=40)
    given_name: str | None = Field(default=None, max_length=200, description="A guest's.")
    family_name: str | None = Field(default=None, max_length=200, description="A guest's.")

    def spec(self) -> PassengerSpec:
        return PassengerSpec(
            traveler_id=self.traveler_id, given_name=self.given_name, family_name=self.family_name
        )


class RefundOut(BaseModel):
    refunded: MoneyOut = Field(description="Refunded so far.")
    due: MoneyOut = Field(description="Refund owed in all.")
    status: str = Field(description="pending or refunded.")
    fare: FareOut | None = Field(
        default=None, description="due as base + taxes + fees: the refunded parts."
    )


class DisruptionOut(BaseModel):
    kind: str = Field(description="cancelled or delayed.")
    delay_minutes: int = 0
    segment_id: str = Field(description="The disrupted flight segment (rebook's segment_id).")


class BookingOut(BaseModel):
    booking_id: str
    status: str = Field(
        description="held, pending_approval, confirming, confirmed, pending_confirmation, "
        "requires_attention, cancelled, expired or failed."
    )
    traveler_id: str
    traveler: str = Field(description="The traveller's name.")
    total: MoneyOut
    policy: PolicyOut
    hold_expires_at: str | None = Field(
        default=None, description="UTC time the held seats/rooms are released if not confirmed."
    )
    approval_id: str | None = None
    purpose: str | None = Field(
        default=None, description="What the trip is for, as the traveller said (approvers see it)."
    )
    failure_reason: str | None = None
    passengers: list[PassengerOut] = Field(default_factory=list, description="Who flies.")
    unnamed_seats: int | None = Field(
        default=None,
        description="Held seats nobody is named on yet: ask the traveller who flies and call "
        "name_passengers before confirm_booking.",
    )
    segments: list[SegmentOut]
    refund: RefundOut | None = Field(
        default=None, description="Money given back after a cancel or cheaper rebook."
    )
    disruption: DisruptionOut | None = Field(
        default=None,
        description="The airline cancelled or delayed a flight; see get_booking's suggestions.",
    )
    view_only: bool | None = Field(
        default=None,
        description="True: the caller may see this booking but not cancel, move or change "
        "it (their role acts for their own trips only); absent when they may.",
    )


def _name(passenger: PassengerView, users: dict[str, str]) -> str:
    if passenger.given_name and passenger.family_name:
        return f"{passenger.given_name} {passenger.family_name}"
    who = users.get(passenger.traveler_id or "", passenger.traveler_id or "?")
    return f"{who} (no legal names on file)"


def _segment(
    view: FlightSegmentView | HotelSegmentView, names: dict[str, str] | None = None
) -> SegmentOut:
    seg = SegmentOut(
        segment_id=view.segment_id,
        kind=str(view.kind),
        status=str(view.status),
        price=view.price,
        fare=view.fare,
        refundable=view.refundable,
        locator=view.locator,
    )
    if isinstance(view, FlightSegmentView):
        seg.flight = f"{view.carrier} {view.number}"
        seg.origin = view.origin
        seg.destination = view.destination
        seg.depart = view.depart_local.isoformat(timespec="minutes")
        seg.arrive = view.arrive_local.isoformat(timespec="minutes")
        seg.cabin = view.cabin
        seg.passengers = view.quantity
        tickets = {
            (names or {}).get(p.passenger_id, p.passenger_id): p.ticket_number
            for p in view.passengers
            if p.ticket_number
        }
        seg.tickets = tickets or None
        seats = {
            (names or {}).get(p.passenger_id, p.passenger_id): p.seat
            for p in view.passengers
            if p.seat
        }
        seg.seats = seats or None
        checked_in = [
            (names or {}).get(p.passenger_id, p.passenger_id)
            for p in view.passengers
            if p.boarding_pass_id
        ]
        seg.checked_in = checked_in or None
        status = view.flight_status
        seg.flight_status = None if status == FlightStatus.SCHEDULED else str(status)
    else:
        seg.hotel = view.name
        seg.address = view.address
        seg.city = view.city
        seg.check_in = view.check_in.isoformat()
        seg.check_out = view.check_out.isoformat()
        seg.check_in_from = view.check_in_from.isoformat(timespec="minutes")
        seg.check_out_by = view.check_out_by.isoformat(timespec="minutes")
        seg.rooms = view.rooms
    return seg


def _refund(view: BookingView) -> RefundOut | None:
    if view.refund is None:
        return None
    return RefundOut(
        refunded=Money(amount=view.refund.amount, currency=view.refund.currency),
        due=view.refund.due,
        status=view.refund.status,
        fare=view.refund.fare,
    )


def _disruption(view: BookingView) -> DisruptionOut | None:
    if view.disruption is None:
        return None
    return DisruptionOut(
        kind=str(view.disruption.kind),
        delay_minutes=view.disruption.delay_minutes,
        segment_id=view.disruption.segment_id,
    )


async def booking_out(
    session: AsyncSession, booking: Booking, caller: Caller, *, fresh: bool = False
) -> BookingOut:
    """The compact booking for a prompt, from the core's own view of it, as ``caller``
    (who sees it) reads it (``fresh``: held in this very transaction, see
    :func:`core.booking.views.booking_view`)."""
    view = await booking_view(session, booking, fresh=fresh)
    return await view_out(session, view, caller)


async def bookings_out(
    session: AsyncSession, bookings: Sequence[Booking], caller: Caller
) -> list[BookingOut]:
    """:func:`booking_out` of each booking, read together (a list of trips)."""
    views = await booking_views(session, bookings)
    names_of = await _names_of(session, views, caller_name(caller))
    acting = await acting_rights(session, caller)
    return [_out(view, names_of, view_only=_view_only(acting, view)) for view in views]


async def own_booking_out(session: AsyncSession, caller: Caller, booking_id: str) -> BookingOut:
    """The compact view of a booking the caller may see (``get_booking``), the caller's
    own name as authenticated (:func:`caller_name`)."""
    booking = await get_booking(session, caller, booking_id)
    return await booking_out(session, booking, caller)


def _view_only(acting: ActingRights, view: BookingView) -> bool:
    """Whether the caller sees ``view`` without being allowed to act on it: the core's
    rule (:class:`core.booking.access.ActingRights`), the one its writes are guarded by."""
    return not acting.may_act_on(view.traveler_id, view.created_by)


def booked_key(booking_id: str) -> str:
    """The turn memo's key (``ToolContext.turn_memo``) of a booking's compact view."""
    return f"booking:{booking_id}"


class WaitingOnOut(BaseModel):
    name: str = Field(description="Who decides the approval step open now.")
    role: str = Field(description="The role they approve as (manager, vp_finance, ...).")
    you: bool = Field(description="Whether that is the caller.")


async def waiting_out(
    session: AsyncSession, caller: Caller, out: BookingOut
) -> WaitingOnOut | None:
    """Whose decision ``out`` waits on now, by name (pending_approval only): the
    traveller's approver as the workflow resolved it, never the caller's manager (Mia
    booking for her report Ava waits on Victor)."""
    if out.status != "pending_approval" or not out.approval_id:
        return None
    now = await waiting_on(session, caller.org_id, out.approval_id)
    if now is None:
        return None
    return WaitingOnOut(name=now.name, role=now.role, you=now.user_id == caller.user_id)


async def saga_booking_out(rt: Runtime, view: BookingView, caller: Caller) -> BookingOut:
    """:func:`booking_out` for a view the core already built (a flow's answer).

    The flow has committed and closed its transactions; the people's names other than
    the caller's are read in a short read-only one of our own. The flow acted on the
    booking for ``caller`` (the core let it: ``load_visible_booking(to_act=True)``), so
    it is theirs to act on.
    """
    names = _known_names([view], caller_name(caller))
    if names is None:
        async with rt.db.uow(write=False) as session:
            names = await _names_of(session, [view], caller_name(caller))
    return _out(view, names, view_only=False)


async def _names_of(
    session: AsyncSession, views: Sequence[BookingView], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The travellers and the colleagues flying, in one read (none when ``known`` names
    them all)."""
    names = _known_names(views, known)
    if names is not None:
        return names
    found = await session.execute(
        select(User.id, User.name).where(User.id.in_(sorted(_people(views))))
    )
    return dict(found.tuples().all())


def _people(views: Sequence[BookingView]) -> set[str]:
    """The user ids a booking's answer names: its traveller and the colleagues flying."""
    return {
        person
        for view in views
        for person in (view.traveler_id, *(p.traveler_id for p in view.passengers))
        if person
    }


def _known_names(
    views: Sequence[BookingView], known: Mapping[str, str] | None
) -> dict[str, str] | None:
    """The names of every person of ``views`` when ``known`` has them all, else None."""
    people = _people(views)
    names = {person: known[person] for person in people if known and known.get(person)}
    return names if len(names) == len(people) else None


def caller_name(caller: Caller) -> dict[str, str]:
    """The caller's name as authentication read it, for ``known`` (issue 15: a traveller
    booking for themselves is not read again for the answer's name)."""
    return {caller.user_id: caller.name} if caller.name else {}


async def view_out(session: AsyncSession, view: BookingView, caller: Caller) -> BookingOut:
    """:func:`booking_out` of a view a flow built, in the caller's transaction (the
    caller's own name as authenticated, not read again)."""
    names_of = await _names_of(session, [view], caller_name(caller))
    acting = await acting_rights(session, caller)
    return _out(view, names_of, view_only=_view_only(acting, view))


def _out(view: BookingView, names_of: dict[str, str], *, view_only: bool) -> BookingOut:
    names = {p.passenger_id: _name(p, names_of) for p in view.passengers}
    return BookingOut(
        booking_id=view.booking_id,
        status=str(view.status),
        traveler_id=view.traveler_id,
        traveler=names_of.get(view.traveler_id, view.traveler_id),
        total=view.total,
        policy=PolicyOut.of(view.policy),
        hold_expires_at=None if view.hold_expires_at is None else iso_z(view.hold_expires_at),
        approval_id=view.approval_id,
        purpose=view.purpose,
        failure_reason=view.failure_reason,
        passengers=[
            PassengerOut(
                passenger_id=p.passenger_id, name=names[p.passenger_id], traveler_id=p.traveler_id
            )
            for p in view.passengers
        ],
        unnamed_seats=view.unnamed_seats,
        segments=[_segment(s, names) for s in view.segments],
        refund=_refund(view),
        disruption=_disruption(view),
        view_only=view_only or None,
    )


_ROLE_WORDS = {
    "manager": "the traveller's manager",
    "vp_finance": "the VP Finance",
    "executive": "an executive",
    "finance": "finance",
    "admin": "an administrator",
}


def role_list(roles: list[str]) -> str:
    words = [_ROLE_WORDS.get(r, r) for r in roles]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def segment_phrases(booking: BookingOut, *, detail: bool) -> list[str]:
    """Each flight and stay in a few words; ``detail`` adds cabin, passengers and rooms."""
    parts: list[str] = []
    for seg in booking.segments:
        if seg.kind == "flight" and seg.depart and seg.origin:
            when = spoken_time(dt.datetime.fromisoformat(seg.depart), seg.origin)
            phrase = f"{seg.flight} {seg.origin}→{seg.destination} {when}"
            if detail:
                count = seg.passengers or 1
                phrase += f", {seg.cabin}, {count} passenger{'s' if count != 1 else ''}"
                if count > 1 and len(booking.passengers) == count:
                    phrase += f" ({', '.join(p.name for p in booking.passengers)})"
            parts.append(phrase)
        elif seg.check_in and seg.check_out:
            stay = day_range(
                dt.date.fromisoformat(seg.check_in), dt.date.fromisoformat(seg.check_out)
            )
            phrase = f"{seg.hotel}, {seg.city} {stay}"
            if detail:
                rooms = seg.rooms or 1
                phrase += f", {rooms} room{'s' if rooms != 1 else ''}"
            parts.append(phrase)
    return parts


def trip_phrase(booking: BookingOut) -> str:
    """``BA 117 JFK→LHR Fri 18 Dec 08:05, economy, 1 passenger + London Grand, London 18–22 Dec, 1 room``."""
    return " + ".join(segment_phrases(booking, detail=True))


def amount_text(money: Money) -> str:
    return money_text(money.minor(), money.currency)


def trip_label(summary: TripSummary) -> str:
    """``New York→London (JFK→LHR) 18–22 Dec`` from a core ``trip_summary``: the cities
    as people name them, the airports as the airline does."""
    start, end = summary.start_date, summary.end_date
    when = ""
    if start and end and start != end:
        when = day_range(start, end)
    elif start:
        when = spoken_day(start)
    route = summary.route
    codes = route.split("→")
    if len(codes) > 1 and all(code in hubs() for code in codes):
        route = f"{'→'.join(city_of(code) for code in codes)} ({route})"
    return " ".join(p for p in (route, when) if p)


class BoardingPassOut(BaseModel):
    """A boarding pass, as the traveller is told of it (the barcode is in the files)."""

    pass_id: str
    booking_id: str
    segment_id: str
    passenger: str = Field(description="Legal names.")
    flight: str = Field(description="Carrier and number, e.g. BA 117.")
    origin: str
    destination: str
    depart: str = Field(description="Local time at the origin, with its UTC offset.")
    seat: str | None = Field(default=None, description="Null: allocated at the gate.")
    sequence_number: int = Field(description="The flight's check-in sequence number.")
    locator: str = Field(description="The airline's record locator for this flight.")
    pdf: str = Field(description="The printable pass (GET, the caller's token).")
    png: str = Field(description="The barcode image (GET, the caller's token).")


def boarding_pass_out(view: BoardingPassView) -> BoardingPassOut:
    return BoardingPassOut(
        pass_id=view.pass_id,
        booking_id=view.booking_id,
        segment_id=view.segment_id,
        passenger=view.passenger,
        flight=f"{view.carrier} {view.number}",
        origin=view.origin,
        destination=view.destination,
        depart=view.depart_local.isoformat(timespec="minutes"),
        seat=view.seat,
        sequence_number=view.sequence_number,
        locator=view.locator,
        pdf=view.pdf,
        png=view.png,
    )
