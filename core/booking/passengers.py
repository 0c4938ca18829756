"""Passengers: who flies on a booking's flights. Session services; they never commit.

A flight item (one offer: all its legs) names one passenger per seat: a person of the
organization by user id — their traveller profile fills the legal names — or a guest
by given and family name. Naming a colleague follows who may book for whom
(``core.orgchart.RIGHTS``, through :func:`core.booking.access.resolve_traveler`): one the
caller may not book for is refused as a trip for them would be.

A guest's name that is a colleague's is that colleague, not a guest: the rule is not
bypassed by typing a name instead of an id. Names are compared as people write them —
case, accents, apostrophes and dots ignored, hyphens as spaces (:func:`name_parts`) —
against each colleague's legal names (profile) and account name; they match when their
first and last parts are the same, in either order ("Mia Chen", "Chen Mia", "Mia L.
Chen", "MIA CHÉN"), a match of every part winning over one of first and last only. One
colleague matched: booked as that colleague if the caller may book for them, else
``PassengerNotBookable`` (403 ``PASSENGER_NOT_BOOKABLE``); several the caller may book
for: ``PassengerAmbiguous`` (name them by id); none: a real guest, as typed. Only the
caller's organization is compared (another's names are nobody's here). The errors name
the field, never the person.

A hold may leave seats unnamed (``quantity`` alone); a hold of one seat with no name is
the booking's traveller's. Confirming needs every seat named, each colleague with legal
names on file (``PassengerDetailsRequired``, naming what is missing), and copies the
colleagues' names from their profiles one last time: the airline tickets those names.

Each passenger is linked to every segment of their item (``segment_passengers``); the
confirmation records there the e-ticket the airline issued, and the seat and check-in
of that passenger on that flight will live there too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking.access import load_visible_booking, resolve_traveler
from core.errors import (
    Forbidden,
    HoldExpired,
    InvalidTransition,
    NotFound,
    PassengerAmbiguous,
    PassengerCountMismatch,
    PassengerDetailsRequired,
    PassengerNotBookable,
    ValidationFailed,
)
from core.identity import Caller
from core.ids import new_id
from core.models import (
    Booking,
    BookingStatus,
    LoyaltyMembership,
    Passenger,
    Segment,
    SegmentKind,
    SegmentPassenger,
    SegmentStatus,
    TravellerDetails,
    User,
)
from core.supplier.base import SupplierPassenger
from core.travellers.crypto import PiiCipher
from core.travellers.service import clear_airline_numbers, clear_airline_numbers_of
from core.travellers.validate import legal_name

MAX_PASSENGERS = 9


@dataclass(frozen=True)
class PassengerSpec:
    """One passenger as the booker names them: a colleague (``traveler_id``) or a guest
    (``given_name`` and ``family_name``, as in their passport)."""

    traveler_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None


@dataclass(frozen=True)
class ItemPassengers:
    """The passengers of one flight item, in seat order. ``offer_id`` None: of every
    flight of the booking. ``field`` is where they were given, for error messages."""

    offer_id: str | None
    passengers: Sequence[PassengerSpec]
    field: str = "passengers"


@dataclass(frozen=True)
class _Item:
    """One item of a booking: an offer and its segments (a connection has two)."""

    number: int  # 1-based, in the booking's order, hotels counted: "item 2"
    offer_id: str
    kind: str
    quantity: int
    segment_ids: tuple[str, ...]


@dataclass(frozen=True)
class _Person:
    key: tuple[str, ...]
    user_id: str | None
    given_name: str | None
    family_name: str | None
    label: str


def _key(row: Passenger) -> tuple[str, ...]:
    if row.user_id is not None:
        return ("user", row.user_id)
    return ("guest", (row.given_name or "").casefold(), (row.family_name or "").casefold())


async def _items(session: AsyncSession, booking_id: str) -> list[_Item]:
    """The booking's items as they stand (not legs a rebook replaced or gave back)."""
    segments = (
        await session.scalars(
            select(Segment)
            .where(
                Segment.booking_id == booking_id,
                Segment.replaced_by.is_(None),
                Segment.status.in_((SegmentStatus.HELD, SegmentStatus.BOOKED)),
            )
            .order_by(Segment.position)
        )
    ).all()
    return _grouped(segments)


def _grouped(segments: Sequence[Segment]) -> list[_Item]:
    """Segments in position order (those :func:`_items` reads) as the booking's items."""
    grouped: dict[str, list[Segment]] = {}
    for seg in segments:
        grouped.setdefault(seg.offer_id, []).append(seg)
    return [
        _Item(n, offer_id, segs[0].kind, segs[0].quantity, tuple(s.id for s in segs))
        for n, (offer_id, segs) in enumerate(grouped.items(), start=1)
    ]


# -- naming --------------------------------------------------------------------------------


async def name_passengers(
    session: AsyncSession,
    caller: Caller,
    booking_id: str,
    named: Sequence[ItemPassengers],
    *,
    now: datetime,
) -> Booking:
    """Name the passengers of a held booking (``PUT /v1/bookings/{id}/passengers``).

    The items named get exactly these passengers (one per seat); the others keep
    theirs. The same names twice leave the same passengers, ids included. The booking's
    row lock orders this against a confirmation: once it has left ``held`` the names
    are the airline's and stay as they are (``InvalidTransition``).
    """
    booking = await load_visible_booking(session, caller, booking_id, for_update=True, to_act=True)
    if booking.status != BookingStatus.HELD:
        raise InvalidTransition(
            f"Booking {booking_id} is {booking.status}; passengers are named while it is held"
        )
    assert booking.hold_expires_at is not None
    if booking.hold_expires_at <= now:
        raise HoldExpired(f"The hold on {booking_id} has expired; search again to book")
    if not named:
        raise ValidationFailed("Name the passengers of at least one flight", field="passengers")
    count = await _assign(session, caller, booking, named, now=now)
    await session.execute(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(updated_at=now, version=Booking.version + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        org_id=booking.org_id,
        actor_id=caller.user_id,
        action="booking.passengers_named",
        entity="booking",
        entity_id=booking.id,
        at=now,
        passengers=count,
    )
    return booking


async def name_held(
    session: AsyncSession,
    caller: Caller,
    booking: Booking,
    named: Sequence[ItemPassengers],
    *,
    now: datetime,
    replaced: str | None = None,
) -> None:
    """The passengers given with a new hold. A flight item given none carries those of
    the hold it ``replaced`` ("yes, but the later flight": the same people), when they fill
    its seats; else a one-seat item is the booking's traveller's."""
    given = {n.offer_id for n in named}
    before = await _passengers_of(session, replaced) if replaced is not None else []
    defaults: list[ItemPassengers] = []
    for item in await _items(session, booking.id):
        if item.kind != SegmentKind.FLIGHT or item.offer_id in given:
            continue
        if before and len(before) == item.quantity:
            defaults.append(ItemPassengers(item.offer_id, before))
        elif item.quantity == 1:
            defaults.append(
                ItemPassengers(item.offer_id, [PassengerSpec(traveler_id=booking.traveler_id)])
            )
    if named or defaults:
        await _assign(session, caller, booking, [*named, *defaults], now=now)


async def _passengers_of(session: AsyncSession, booking_id: str) -> list[PassengerSpec]:
    """A booking's passengers as they were named (a colleague by id, a guest by name)."""
    rows = (
        await session.scalars(
            select(Passenger).where(Passenger.booking_id == booking_id).order_by(Passenger.position)
        )
    ).all()
    return [
        PassengerSpec(traveler_id=p.user_id)
        if p.user_id
        else PassengerSpec(given_name=p.given_name, family_name=p.family_name)
        for p in rows
    ]


async def _assign(
    session: AsyncSession,
    caller: Caller,
    booking: Booking,
    named: Sequence[ItemPassengers],
    *,
    now: datetime,
) -> int:
    """Validate everything, then write: each item named gets exactly its passengers.
    Answers how many passengers the booking has now."""
    items = await _items(session, booking.id)
    by_offer = {item.offer_id: item for item in items}
    flights = [item for item in items if item.kind == SegmentKind.FLIGHT]
    wanted: dict[str, list[_Person]] = {}
    for entry in named:
        if entry.offer_id is None:
            if len(named) > 1:
                raise ValidationFailed(
                    "Name the passengers of every flight at once or item by item, not both",
                    field=entry.field,
                )
            if not flights:
                raise ValidationFailed(
                    f"Booking {booking.id} has no flight to name passengers on",
                    field=entry.field,
                )
            targets = flights
        else:
            item = by_offer.get(entry.offer_id)
            if item is None:
                raise ValidationFailed(
                    f"Offer {entry.offer_id} is not on booking {booking.id}", field=entry.field
                )
            if item.kind != SegmentKind.FLIGHT:
                raise ValidationFailed(
                    f"Item {item.number} is a hotel stay; passengers are named on flights",
                    field=entry.field,
                )
            if item.offer_id in wanted:
                raise ValidationFailed(f"Item {item.number} is named twice", field=entry.field)
            targets = [item]
        people = await _resolve(session, caller, booking, entry.passengers, entry.field)
        for item in targets:
            if len(people) != item.quantity:
                raise PassengerCountMismatch(
                    f"Item {item.number} holds {_seats(item.quantity)}: name "
                    f"{item.quantity} passenger{_s(item.quantity)}, not {len(people)}",
                    field=entry.field,
                )
            wanted[item.offer_id] = people
    return await _write(session, booking, items, wanted, now=now)


async def _resolve(
    session: AsyncSession,
    caller: Caller,
    booking: Booking,
    specs: Sequence[PassengerSpec],
    field: str,
) -> list[_Person]:
    if len(specs) > MAX_PASSENGERS:
        raise ValidationFailed(f"At most {MAX_PASSENGERS} passengers per item", field=field)
    people: list[_Person] = []
    members: list[_Member] | None = None  # read once, at the first guest
    for i, spec in enumerate(specs):
        here = f"{field}[{i}]"
        if spec.traveler_id is not None:
            if spec.given_name is not None or spec.family_name is not None:
                raise ValidationFailed(
                    "A passenger is a colleague (traveler_id, their profile has the names) "
                    "or a guest (given_name and family_name), not both",
                    field=here,
                )
            person = await _colleague(session, caller, booking, spec.traveler_id)
        else:
            given = legal_name(spec.given_name or "", field=f"{here}.given_name")
            family = legal_name(spec.family_name or "", field=f"{here}.family_name")
            if members is None:
                members = await _members(session, booking.org_id)
            person = await _guest(session, caller, booking, given, family, members, i, here)
        if any(p.key == person.key for p in people):
            raise ValidationFailed(f"{person.label} is named twice on one flight", field=here)
        people.append(person)
    return people


#: Apostrophes and dots join a name's letters ("O'Brien" is "OBrien"); dashes part it.
_NAME_FOLD = str.maketrans(
    {
        **dict.fromkeys("'’‘ʼ`´.", None),
        **dict.fromkeys("-‐‑‒–—", " "),
    }
)


def name_parts(*parts: str | None) -> tuple[str, ...]:
    """A name's parts as they are compared: accents dropped, case folded, apostrophes and
    dots left out, hyphens as spaces (``"Zoë O'Brien-Lee"`` → ``("zoe", "obrien", "lee")``)."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p))
    plain = "".join(c for c in text if not unicodedata.combining(c))
    return tuple(plain.casefold().translate(_NAME_FOLD).split())


def name_match(typed: Sequence[str], known: Sequence[str]) -> int:
    """How closely two names' :func:`name_parts` match: 2 every part (in either order of
    given and family name), 1 the first and last parts (in either order), 0 not at all."""
    if not typed or not known:
        return 0
    if sorted(typed) == sorted(known):
        return 2
    return 1 if sorted((typed[0], typed[-1])) == sorted((known[0], known[-1])) else 0


@dataclass(frozen=True)
class _Member:
    """A person of the organization by the names a booker may type for them."""

    user_id: str
    names: tuple[tuple[str, ...], ...]  # legal names (profile), account name


async def _members(session: AsyncSession, org_id: str) -> list[_Member]:
    rows = (
        await session.execute(
            select(User.id, User.name, TravellerDetails.given_name, TravellerDetails.family_name)
            .outerjoin(TravellerDetails, TravellerDetails.user_id == User.id)
            .where(User.org_id == org_id)
            .order_by(User.id)
        )
    ).all()
    return [
        _Member(user_id, (name_parts(given, family), name_parts(name)))
        for user_id, name, given, family in rows
    ]


def colleagues_named(members: Sequence[_Member], given: str, family: str) -> list[str]:
    """The colleagues (user ids) a guest's name is: the best :func:`name_match` there is."""
    typed = name_parts(given, family)
    scored = [(max(name_match(typed, n) for n in m.names), m.user_id) for m in members]
    best = max((score for score, _ in scored), default=0)
    return [user_id for score, user_id in scored if best and score == best]


async def _guest(
    session: AsyncSession,
    caller: Caller,
    booking: Booking,
    given: str,
    family: str,
    members: Sequence[_Member],
    index: int,
    field: str,
) -> _Person:
    """A guest by name, unless the name is a colleague's (:func:`colleagues_named`): then
    the passenger is that colleague, under the same rules of who may book for whom as by
    id. Typing a colleague's name books nobody one may not book for."""
    matched = colleagues_named(members, given, family)
    if not matched:
        return _Person(
            ("guest", given.casefold(), family.casefold()), None, given, family, f"{given} {family}"
        )
    bookable: list[_Person] = []
    for user_id in matched:
        try:
            bookable.append(await _colleague(session, caller, booking, user_id))
        except (NotFound, Forbidden):
            continue
    if not bookable:
        raise PassengerNotBookable(
            f"Passenger {index + 1} is, by name, a colleague you may not book for (by name "
            "or otherwise): name only yourself, the people you may book for, and guests "
            "from outside the organization",
            field=field,
        )
    if len(bookable) > 1:
        raise PassengerAmbiguous(
            f"Passenger {index + 1}'s name is more than one colleague's: name them by "
            "traveler_id",
            field=field,
        )
    return bookable[0]


async def _colleague(
    session: AsyncSession, caller: Caller, booking: Booking, user_id: str
) -> _Person:
    """A person of the organization the caller may book for (the booking's own traveller
    always: whoever may act on the booking may seat them)."""
    user = await session.get(User, user_id) if user_id == booking.traveler_id else None
    if user is None or user.org_id != booking.org_id:
        user = await resolve_traveler(session, caller, user_id)
    details = await session.get(TravellerDetails, user.id)
    return _Person(
        ("user", user.id),
        user.id,
        details.given_name if details else None,
        details.family_name if details else None,
        f"{user.name} ({user.id})",
    )


@dataclass(frozen=True)
class _OnFile:
    """A booking's passengers and their links as read before a change writes."""

    passengers: list[Passenger]
    links: list[SegmentPassenger]


async def _on_file(session: AsyncSession, booking_id: str) -> _OnFile:
    passengers = (
        await session.scalars(
            select(Passenger).where(Passenger.booking_id == booking_id).order_by(Passenger.position)
        )
    ).all()
    links = (
        await session.scalars(
            select(SegmentPassenger).where(SegmentPassenger.booking_id == booking_id)
        )
    ).all()
    return _OnFile(list(passengers), list(links))


async def _write(
    session: AsyncSession,
    booking: Booking,
    items: Sequence[_Item],
    wanted: Mapping[str, Sequence[_Person]],
    *,
    now: datetime,
) -> int:
    """Make the items of ``wanted`` carry exactly those people, from what is on file.
    What is on file is read once, first: the booking's row lock (taken by every caller
    that names passengers) keeps it true until this transaction ends."""
    on_file = await _on_file(session, booking.id)
    links = on_file.links
    by_key = {_key(row): row for row in on_file.passengers}
    ids: dict[str, list[str]] = {}
    for offer_id, people in wanted.items():
        ids[offer_id] = []
        for person in people:
            row = by_key.get(person.key)
            if row is None:
                row = Passenger(
                    id=new_id("PX", 8),
                    org_id=booking.org_id,
                    booking_id=booking.id,
                    position=0,
                    user_id=person.user_id,
                    created_at=now,
                )
                session.add(row)
                by_key[person.key] = row
            # A guest's spelling as last given; a colleague's names as their profile has them.
            row.given_name, row.family_name = person.given_name, person.family_name
            ids[offer_id].append(row.id)
    await session.flush()  # the passengers before the links to them

    position = {row.id: row.position for row in by_key.values()}
    order: list[str] = []
    for item in items:
        if item.offer_id in ids:
            chosen = ids[item.offer_id]
            for seg_id in item.segment_ids:
                current = {link.passenger_id: link for link in links if link.segment_id == seg_id}
                for passenger_id, link in current.items():
                    if passenger_id not in chosen:
                        await session.delete(link)
                for passenger_id in chosen:
                    if passenger_id not in current:
                        session.add(
                            SegmentPassenger(
                                booking_id=booking.id,
                                segment_id=seg_id,
                                passenger_id=passenger_id,
                            )
                        )
        else:
            chosen = sorted(
                {link.passenger_id for link in links if link.segment_id in item.segment_ids},
                key=lambda pid: position.get(pid, 0),
            )
        order.extend(pid for pid in chosen if pid not in order)
    await session.flush()  # links gone before the passengers left without one

    kept = 0
    for row in by_key.values():
        if row.id in order:
            row.position = order.index(row.id) + 1
            kept += 1
        else:
            await session.delete(row)
    await session.flush()
    return kept


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _seats(n: int) -> str:
    return f"{n} seat{_s(n)}"


# -- confirming ---------------------------------------------------------------------------


async def ready_for_ticketing(
    session: AsyncSession,
    booking: Booking,
    *,
    segments: Sequence[Segment] | None = None,
    people: Manifest | None = None,
) -> list[TravellerDetails]:
    """Before a held booking is sent for approval or paid: every seat of every flight
    named, each colleague with legal names on file. Copies those names from the
    profiles (the airline tickets them as they are now). ``PassengerDetailsRequired``
    names everything missing at once; its ``missing`` lists it for programs.
    ``segments``: all the booking's, in position order, read already by the caller.

    Returns the profiles read: a caller that keeps them has them answered from the
    session (``session.get``) for the rest of the transaction, as the suppliers' requests
    are (the identity map holds unchanged rows only weakly: issue 15, read twice before).
    ``people``: the booking's :func:`manifest`, read already in this transaction: its
    passengers get the names copied, and nothing is read for them here."""
    standing = await _items(session, booking.id) if segments is None else _standing(segments)
    items = [i for i in standing if i.kind == SegmentKind.FLIGHT]
    profiles: list[TravellerDetails] = []
    if not items:
        return profiles
    named_on: dict[str, int] = {}
    if people is not None:
        named_on = {seg_id: len(links) for seg_id, links in people.by_segment.items()}
    else:
        for seg_id, _ in (
            await session.execute(
                select(SegmentPassenger.segment_id, SegmentPassenger.passenger_id).where(
                    SegmentPassenger.booking_id == booking.id
                )
            )
        ).all():
            named_on[seg_id] = named_on.get(seg_id, 0) + 1
    problems: list[str] = []
    missing: list[dict[str, Any]] = []
    for item in items:
        named = named_on.get(item.segment_ids[0], 0)
        if named < item.quantity:
            unnamed = item.quantity - named
            problems.append(
                f"{unnamed} of {item.quantity} passenger{_s(item.quantity)} unnamed "
                f"on item {item.number}"
            )
            missing.append(
                {
                    "item": item.number,
                    "offer_id": item.offer_id,
                    "unnamed": unnamed,
                    "quantity": item.quantity,
                }
            )
    rows = (
        [p for p in people.passengers if p.user_id is not None]
        if people is not None
        else (
            await session.scalars(
                select(Passenger)
                .where(Passenger.booking_id == booking.id, Passenger.user_id.is_not(None))
                .order_by(Passenger.position)
            )
        ).all()
    )
    on_file = people.details if people is not None else None
    for row in rows:
        assert row.user_id is not None
        details = (
            on_file.get(row.user_id)
            if on_file is not None
            else await session.get(TravellerDetails, row.user_id)
        )
        if details is not None:
            profiles.append(details)
        row.given_name = details.given_name if details else None
        row.family_name = details.family_name if details else None
        fields = [f for f in ("given_name", "family_name") if not getattr(row, f)]
        if fields:
            user = await session.get(User, row.user_id)
            who = f"{user.name} ({user.id})" if user else row.user_id
            what = "legal names" if len(fields) == 2 else f"legal {fields[0].replace('_', ' ')}"
            problems.append(f"{who} has no {what} in their traveller profile")
            missing.append({"passenger_id": row.id, "traveler_id": row.user_id, "fields": fields})
    if problems:
        raise PassengerDetailsRequired(
            f"Booking {booking.id} needs every passenger's legal names before it is "
            f"confirmed: {'; '.join(problems)}",
            missing=missing,
        )
    return profiles


async def unnamed_seats(session: AsyncSession, booking_id: str) -> int:
    """Seats of the booking's flights with nobody named on them yet."""
    items = [i for i in await _items(session, booking_id) if i.kind == SegmentKind.FLIGHT]
    if not items:
        return 0
    firsts = [item.segment_ids[0] for item in items]
    named = (
        await session.scalars(
            select(SegmentPassenger.segment_id).where(SegmentPassenger.segment_id.in_(firsts))
        )
    ).all()
    return sum(max(item.quantity - named.count(item.segment_ids[0]), 0) for item in items)


def _standing(segments: Sequence[Segment]) -> list[_Item]:
    """:func:`_items` from all a booking's segments in position order, read already."""
    return _grouped(
        [
            seg
            for seg in segments
            if seg.replaced_by is None
            and seg.status in (SegmentStatus.HELD, SegmentStatus.BOOKED)
        ]
    )


def unnamed_seats_of(segments: Sequence[Segment], people: Manifest) -> int:
    """:func:`unnamed_seats` from a booking's segments in position order and its
    manifest, already read (the batched views of ``core.booking.views``)."""
    items = [i for i in _standing(segments) if i.kind == SegmentKind.FLIGHT]
    return sum(
        max(item.quantity - len(people.by_segment.get(item.segment_ids[0], [])), 0)
        for item in items
    )


# -- the airline's side ---------------------------------------------------------------------


async def supplier_passengers(
    session: AsyncSession,
    segment_id: str,
    *,
    carrier: str | None = None,
    cipher: PiiCipher | None = None,
) -> tuple[SupplierPassenger, ...]:
    """The segment's passengers as the airline is asked to ticket them, in order; with
    ``cipher``, a colleague's frequent-flyer number with ``carrier`` and known-traveller
    number go with them (decrypted for the airline only)."""
    rows = (
        await session.scalars(
            select(Passenger)
            .join(SegmentPassenger, SegmentPassenger.passenger_id == Passenger.id)
            .where(SegmentPassenger.segment_id == segment_id)
            .order_by(Passenger.position)
        )
    ).all()
    out = []
    for p in rows:
        loyalty = known = None
        if cipher is not None and carrier and p.user_id is not None:
            loyalty, known = await clear_airline_numbers(session, cipher, p.user_id, carrier)
        out.append(
            SupplierPassenger(
                ref=p.id, given_name=p.given_name or "", family_name=p.family_name or "",
                loyalty_number=loyalty, known_traveller_number=known,
            )
        )
    return tuple(out)


async def supplier_passengers_of(
    session: AsyncSession,
    carriers: Mapping[str, str],
    *,
    cipher: PiiCipher | None = None,
    people: Manifest | None = None,
) -> dict[str, tuple[SupplierPassenger, ...]]:
    """:func:`supplier_passengers` for several flight segments (``carriers``: each
    segment's carrier, by segment id), read together: their passengers in one read and
    their numbers in one more (issue 15: those two reads a segment before). ``people``:
    the booking's :func:`manifest` as it stands in this transaction (names copied by
    :func:`ready_for_ticketing`): the passengers are not read again."""
    if not carriers:
        return {}
    rows: Sequence[tuple[str, Passenger]]
    if people is not None:
        by_id = {p.id: p for p in people.passengers}
        rows = sorted(
            (
                (segment_id, by_id[link.passenger_id])
                for segment_id in carriers
                for link in people.by_segment.get(segment_id, [])
            ),
            key=lambda row: row[1].position,
        )
    else:
        rows = [
            (segment_id, p)
            for segment_id, p in (
                await session.execute(
                    select(SegmentPassenger.segment_id, Passenger)
                    .join(SegmentPassenger, SegmentPassenger.passenger_id == Passenger.id)
                    .where(SegmentPassenger.segment_id.in_(sorted(carriers)))
                    .order_by(Passenger.position)
                )
            ).all()
        ]
    numbers = (
        await clear_airline_numbers_of(
            session,
            cipher,
            sorted(
                {
                    (p.user_id, carriers[segment_id])
                    for segment_id, p in rows
                    if p.user_id is not None and carriers[segment_id]
                }
            ),
            memberships=people.memberships if people is not None else None,
        )
        if cipher is not None
        else {}
    )
    out: dict[str, list[SupplierPassenger]] = {segment_id: [] for segment_id in carriers}
    for segment_id, p in rows:
        loyalty, known = (
            numbers.get((p.user_id, carriers[segment_id]), (None, None))
            if p.user_id is not None
            else (None, None)
        )
        out[segment_id].append(
            SupplierPassenger(
                ref=p.id, given_name=p.given_name or "", family_name=p.family_name or "",
                loyalty_number=loyalty, known_traveller_number=known,
            )
        )
    return {segment_id: tuple(people) for segment_id, people in out.items()}


async def record_tickets(
    session: AsyncSession, segment_id: str, tickets: Mapping[str, str]
) -> None:
    """The e-tickets the airline issued for ``segment_id``, by passenger (kept if set)."""
    for passenger_id, number in sorted(tickets.items()):
        await session.execute(
            update(SegmentPassenger)
            .where(
                SegmentPassenger.segment_id == segment_id,
                SegmentPassenger.passenger_id == passenger_id,
                SegmentPassenger.ticket_number.is_(None),
            )
            .values(ticket_number=number)
            .execution_options(synchronize_session=False)
        )


async def carry_over(
    session: AsyncSession, booking_id: str, from_segment_id: str, to_segment_ids: Sequence[str]
) -> None:
    """A rebook's new legs carry the passengers of the flight they replace."""
    passenger_ids = (
        await session.scalars(
            select(SegmentPassenger.passenger_id).where(
                SegmentPassenger.segment_id == from_segment_id
            )
        )
    ).all()
    session.add_all(
        SegmentPassenger(booking_id=booking_id, segment_id=seg_id, passenger_id=pid)
        for seg_id in to_segment_ids
        for pid in passenger_ids
    )
    await session.flush()


# -- what the booking shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """A booking's passengers in order, and each segment's links in that order.

    Read for ticketing (:func:`ticketing_manifest`), also what its people have on file:
    ``details`` each passenger's traveller details by user id (absent: none on file) and
    ``memberships`` all their frequent-flyer memberships by (user id, airline); None when
    not read."""

    passengers: list[Passenger]
    by_segment: dict[str, list[SegmentPassenger]]
    details: dict[str, TravellerDetails] | None = None
    memberships: dict[tuple[str, str], LoyaltyMembership] | None = None


#: Every passenger of the bookings ``ids`` (in booking, position order) with each of
#: their segment links (None: a passenger on no segment yet), built once.
_MANIFESTS = (
    select(Passenger, SegmentPassenger)
    .outerjoin(
        SegmentPassenger,
        and_(
            SegmentPassenger.passenger_id == Passenger.id,
            SegmentPassenger.booking_id == Passenger.booking_id,
        ),
    )
    .where(Passenger.booking_id.in_(bindparam("ids", expanding=True)))
    .order_by(Passenger.booking_id, Passenger.position, Passenger.id, SegmentPassenger.id)
)

#: :data:`_MANIFESTS` with each passenger's traveller details and every frequent-flyer
#: membership (a row per link and membership: a booking has a few of each).
_TICKETING_MANIFESTS = (
    _MANIFESTS.add_columns(TravellerDetails, LoyaltyMembership)
    .outerjoin(TravellerDetails, TravellerDetails.user_id == Passenger.user_id)
    .outerjoin(LoyaltyMembership, LoyaltyMembership.user_id == Passenger.user_id)
    .order_by(LoyaltyMembership.id)
)


async def manifest(session: AsyncSession, booking_id: str) -> Manifest:
    return (await manifests(session, [booking_id]))[booking_id]


async def ticketing_manifest(session: AsyncSession, booking_id: str) -> Manifest:
    """:func:`manifest` with what its people have on file for their tickets (their legal
    names for :func:`ready_for_ticketing`, their airline numbers for
    :func:`supplier_passengers_of`) in the same read (issue 15: three reads before)."""
    rows = (await session.execute(_TICKETING_MANIFESTS, {"ids": [booking_id]})).all()
    details: dict[str, TravellerDetails] = {}
    memberships: dict[tuple[str, str], LoyaltyMembership] = {}
    for _, _, detail, membership in rows:
        if detail is not None:
            details[detail.user_id] = detail
        if membership is not None:
            memberships[(membership.user_id, membership.airline)] = membership
    people = _manifests([booking_id], [(p, link) for p, link, _, _ in rows])[booking_id]
    return Manifest(people.passengers, people.by_segment, details, memberships)


async def manifests(session: AsyncSession, booking_ids: Sequence[str]) -> dict[str, Manifest]:
    """:func:`manifest` of several bookings in one read (a list of trips): each passenger
    with their segment links, joined (issue 15, perf33: it was two reads, passengers then
    links; a link is its passenger's, in the passenger's booking)."""
    ids = sorted(set(booking_ids))
    rows = (await session.execute(_MANIFESTS, {"ids": ids})).all()
    return _manifests(ids, [(p, link) for p, link in rows])


def _manifests(
    ids: Sequence[str], rows: Sequence[tuple[Passenger, SegmentPassenger | None]]
) -> dict[str, Manifest]:
    passengers: list[Passenger] = []
    links: list[SegmentPassenger] = []
    for passenger, link in rows:
        if not passengers or passengers[-1] is not passenger:
            passengers.append(passenger)
        if link is not None and (not links or links[-1] is not link):
            links.append(link)  # (a link's rows follow each other, one per membership)
    theirs: dict[str, list[Passenger]] = {booking_id: [] for booking_id in ids}
    for p in passengers:
        theirs[p.booking_id].append(p)
    rank = {p.id: n for people in theirs.values() for n, p in enumerate(people)}
    by_segment: dict[str, dict[str, list[SegmentPassenger]]] = {b: {} for b in ids}
    for link in sorted(links, key=lambda link: rank.get(link.passenger_id, 0)):
        by_segment[link.booking_id].setdefault(link.segment_id, []).append(link)
    return {b: Manifest(theirs[b], by_segment[b]) for b in ids}
