"""The hold in one statement (PostgreSQL, issue 15): the common hold — one direct flight,
for the caller, no passengers named, replacing nothing — written by a single round trip.

Everything that can be known before the transaction is read from memory: the offer's
static leg and price by fare row, the organization's currency, its policy rules and
their version (:class:`HoldStatics`, one per database, filled on first use). The policy
verdict is made in Python, and a red one is refused before the database is touched.
Then one statement::

    WITH inv AS (UPDATE fare_inventory SET held = held + :n
                  WHERE id = :id AND held + sold + :n <= capacity      -- the guard (ADR 0002)
                    AND fare, currency, refundable, change fee = what we priced
                    AND the flight is not cancelled and leaves when we think
                    AND the organization's currency and policy version = what we judged
                 RETURNING id),
         booking AS (INSERT INTO bookings (…) SELECT r1.… FROM inv
                      JOIN json_populate_record(NULL::bookings, :row_bookings) r1 ON true),
         segment, passenger (names from traveller_details), link, hold, audit, outbox …
    SELECT count(*) FROM inv

Every row comes FROM ``inv``: when the guard fails nothing is written. Each new row is
bound as one JSON record (the columns it has a value for; the others are NULL, as they
were): 22 parameters rather than 110 typed ones, and no ORM object is built for a hold
that turns out sold out (43 % fewer Python calls per attempt, issue 15). Then one
diagnostic read says why: sold out (``SoldOut``, as the row-by-row path says it);
the price moved (``OfferChanged``, 409 with the new price, never a silent different
charge); expired holds on the row, a changed policy, currency or flight (the statics
are forgotten and the row-by-row path of :func:`core.booking.service.hold_booking` runs
in the same transaction: it releases expired holds and tries once more, and judges
with fresh rules). SQLite and every other hold take that path, with the same semantics.

The caps on what one user and one organization may hold stay where they were: their
locks and counts (``core.booking.quota``) come before the write, user, organization,
then the inventory row, the one order of every hold.
"""

from __future__ import annotations

import functools
import json
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.expression import CTE, TableValuedAlias

from core.booking import quota
from core.booking.items import plan_offer, red_reasons
from core.booking.passengers import Manifest
from core.booking.views import note_held
from core.clock import utc
from core.db import Database, UTCDateTime
from core.errors import CoreError, OfferChanged, PolicyBlocked, SoldOut, ValidationFailed
from core.identity import Caller
from core.ids import booking_reference, new_id
from core.inventory import holds
from core.models import (
    AuditEntry,
    Base,
    Booking,
    BookingStatus,
    FareInventory,
    Flight,
    Hold,
    HoldStatus,
    Organization,
    OutboxEvent,
    Passenger,
    PolicyDocument,
    Segment,
    SegmentPassenger,
    TravellerDetails,
)
from core.models.catalogue import FlightStatus
from core.money import format_money, money_json
from core.outbox import note_emitted
from core.policy.engine import PolicyStatus, evaluate
from core.policy.rules import PolicyRules
from core.policy.service import get_versioned_rules
from core.runtime import Runtime
from core.search.flights import FlightSegment, build_offer, load_flight_offer
from core.search.offers import FlightOfferRef

_MAX_LEGS = 50_000  # fare rows remembered per process; past that, start again


@dataclass
class HoldStatics:
    """What a hold reads that sales do not move, remembered per database. Each entry is
    checked by the write that relies on it; a failed check forgets it."""

    legs: dict[int, FlightSegment] = field(default_factory=dict)
    currencies: dict[str, str] = field(default_factory=dict)
    rules: dict[str, tuple[int, PolicyRules]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remember_leg(self, leg: FlightSegment) -> None:
        with self.lock:
            if len(self.legs) >= _MAX_LEGS:
                self.legs.clear()
            self.legs[leg.fare_inventory_id] = leg

    def forget(self, *, org_id: str, fare_id: int) -> None:
        with self.lock:
            self.legs.pop(fare_id, None)
            self.currencies.pop(org_id, None)
            self.rules.pop(org_id, None)


_statics: weakref.WeakKeyDictionary[Database, HoldStatics] = weakref.WeakKeyDictionary()
_statics_lock = threading.Lock()


def statics_for(db: Database) -> HoldStatics:
    with _statics_lock:
        found = _statics.get(db)
        if found is None:
            found = _statics[db] = HoldStatics()
        return found


def applies(
    session: AsyncSession,
    rt: Runtime,
    caller: Caller,
    refs: list[Any],
    *,
    passengers_named: bool,
    traveler_id: str | None,
    replaces: str | None,
) -> bool:
    """Whether a hold is the common one this module writes in one statement."""
    return (
        rt.settings.hold_one_statement
        and session.get_bind().dialect.name == "postgresql"
        and len(refs) == 1
        and isinstance(refs[0], FlightOfferRef)
        and len(refs[0].fare_inventory_ids) == 1
        and not passengers_named
        and replaces is None
        and traveler_id in (None, caller.user_id)
    )


#: ``session.info`` key: the one-statement hold refused (raised) without writing anything.
_REFUSED = "core.booking.one_statement.refused"


def refused_before_writing(session: AsyncSession) -> bool:
    """Whether the hold just attempted in this transaction was refused by this path with
    nothing written (sold out, a moved price, red policy, a cap): the transaction is as
    its caller left it, so the caller may still write (e.g. store the refusal as the
    idempotent answer) and commit. Reading it forgets it."""
    return bool(session.info.pop(_REFUSED, False))


async def hold_one_statement(
    rt: Runtime, session: AsyncSession, caller: Caller, ref: FlightOfferRef, quantity: int
) -> Booking | None:
    """The held booking, or ``None`` when the row-by-row path must decide (nothing was
    written). Raises ``SoldOut``, ``OfferChanged``, ``PolicyBlocked``, ``HoldLimitReached``,
    ``ValidationFailed``, having written nothing (:func:`refused_before_writing`)."""
    try:
        return await _hold(rt, session, caller, ref, quantity)
    except CoreError:
        session.info[_REFUSED] = True
        raise


async def _hold(
    rt: Runtime, session: AsyncSession, caller: Caller, ref: FlightOfferRef, quantity: int
) -> Booking | None:
    now = rt.clock.now()
    statics = statics_for(rt.db)
    (fare_id,) = ref.fare_inventory_ids
    leg = statics.legs.get(fare_id)
    if leg is None:
        # Refuses a cancelled or departed flight, an unknown fare, as the hold always has.
        leg = (await load_flight_offer(session, ref, quantity, now=now)).segments[0]
        statics.remember_leg(leg)
    elif leg.depart_at <= now:
        return None  # departed: the row-by-row path says so
    currency = statics.currencies.get(caller.org_id)
    if currency is None:
        currency = await session.scalar(
            select(Organization.currency).where(Organization.id == caller.org_id)
        )
        assert currency is not None
        statics.currencies[caller.org_id] = currency
    versioned = statics.rules.get(caller.org_id)
    if versioned is None:
        versioned = await get_versioned_rules(session, caller.org_id)
        statics.rules[caller.org_id] = versioned
    version, rules = versioned

    offer = build_offer([leg], quantity)
    if offer.currency != currency:
        raise ValidationFailed(f"Offers must be priced in {currency}")
    booking_id = booking_reference()
    (planned,) = plan_offer(offer, booking_id, 0, now)
    verdict = evaluate(rules, [planned.item], now=now)
    verdict_dict: dict[str, Any] = verdict.to_dict()
    if verdict.status == PolicyStatus.RED:
        raise PolicyBlocked(
            f"The travel policy does not allow this: {red_reasons(verdict_dict)}",
            policy=verdict_dict,
        )
    await quota.check_caps(
        session,
        rt.settings,
        org_id=caller.org_id,
        user_id=caller.user_id,
        booking_id=booking_id,
        places=quantity,
        bucket="held",
        now=now,
    )

    expires_at = now + timedelta(seconds=rt.settings.hold_ttl_seconds)
    segment = planned.segment
    segment_values = _values(segment)
    booking_values = _with_defaults(
        Booking,
        id=booking_id,
        org_id=caller.org_id,
        traveler_id=caller.user_id,
        created_by=caller.user_id,
        status=BookingStatus.HELD,
        total_minor=segment.amount_minor,
        currency=currency,
        policy_status=verdict.status,
        policy=verdict_dict,
        hold_expires_at=expires_at,
        created_at=now,
        updated_at=now,
    )
    # Every new row is one JSON record, read by json_populate_record in the statement: 20
    # parameters instead of 110 typed ones, a statement short enough for psycopg to cache
    # its conversion, and no ORM object built for a hold that turns out sold out.
    rows: dict[type[Base], dict[str, Any]] = {
        Booking: booking_values,
        Segment: segment_values,
        Hold: _with_defaults(
            Hold,
            org_id=caller.org_id,
            booking_id=booking_id,
            segment_id=segment.id,
            fare_inventory_id=fare_id,
            quantity=quantity,
            status=HoldStatus.ACTIVE,
            expires_at=expires_at,
            created_at=now,
        ),
        AuditEntry: _with_defaults(
            AuditEntry,
            org_id=caller.org_id,
            actor_id=caller.user_id,
            action="booking.held",
            entity="booking",
            entity_id=booking_id,
            at=now,
            data={"total_minor": segment.amount_minor, "traveler_id": caller.user_id},
        ),
        OutboxEvent: _with_defaults(
            OutboxEvent,
            org_id=caller.org_id,
            topic="booking.held",
            key=f"booking:{booking_id}:held",
            payload={"booking_id": booking_id, "traveler_id": caller.user_id},
            created_at=now,
            available_at=now,
        ),
    }
    if quantity == 1:
        # One seat with no name is the traveller's (core.booking.passengers.name_held):
        # their legal names as their profile has them now, read by the statement.
        passenger_id = new_id("PX", 8)
        rows[SegmentPassenger] = _with_defaults(
            SegmentPassenger,
            booking_id=booking_id,
            segment_id=segment.id,
            passenger_id=passenger_id,
        )
        rows[Passenger] = _with_defaults(
            Passenger,
            id=passenger_id,
            org_id=caller.org_id,
            booking_id=booking_id,
            position=1,
            user_id=caller.user_id,
            created_at=now,
        )
    params: dict[str, Any] = {
        "guard_fare_id": fare_id,
        "guard_quantity": quantity,
        "guard_fare_minor": leg.fare_minor,
        "guard_fare_currency": leg.currency,
        "guard_refundable": leg.refundable,
        "guard_change_fee_minor": leg.change_fee_minor,
        "guard_flight_id": leg.flight_id,
        "guard_depart_at": leg.depart_at,
        "guard_org_id": caller.org_id,
        "guard_currency": currency,
        "guard_policy_version": version,
        "guard_now": now,
    }
    shape: list[tuple[type[Base], tuple[str, ...]]] = []
    for model, values in rows.items():
        present = {key: value for key, value in values.items() if value is not None}
        params[f"row_{model.__tablename__}"] = _record(present)
        shape.append((model, tuple(present)))
    statement = _statement(holds.fits, version > 0, tuple(shape))
    result = (await session.execute(statement, params)).one_or_none()
    if result is not None and result[_TAKEN] == 1:
        # In the session as if just read back: every column as written, nothing to flush.
        booking = Booking(**booking_values)
        state = segment.__dict__
        for key, value in segment_values.items():
            if key not in state:
                setattr(segment, key, value)  # a Python default the flush would have applied
        written: list[Base] = [booking, segment]
        # The flight and the passenger as the statement read and wrote them: the answer's
        # view reads neither back (issue 15: 3 statements fewer an answered hold).
        extra = list(result[_TAKEN + 1 :])
        flight_values = dict(zip(_FLIGHT_KEYS, extra[: len(_FLIGHT_KEYS)], strict=True))
        kept: list[Base] = []
        if session.sync_session.identity_map.get(identity_key(Flight, leg.flight_id)) is None:
            flight = Flight(**flight_values)
            written.append(flight)
            kept.append(flight)
        manifest = Manifest([], {})
        if quantity == 1:
            given, family, link_id = extra[len(_FLIGHT_KEYS) :]
            names = {"given_name": given, "family_name": family}
            passenger = Passenger(**(rows[Passenger] | names))
            link = SegmentPassenger(**(rows[SegmentPassenger] | {"id": link_id}))
            written += [passenger, link]
            manifest = Manifest([passenger], {segment.id: [link]})
        for row in written:
            make_transient_to_detached(row)
            session.add(row)
        note_held(session, booking_id, [segment], manifest=manifest, rows=kept)
        # The statement wrote the outbox row itself: once this commits, the organization's
        # event streams are woken as for any other event (``core.outbox.emit``).
        note_emitted(session, caller.org_id)
        return booking
    # Nothing taken. The statement also read the row as it stood when it began: enough to
    # tell sold out or a moved price at once, the usual case under contention.
    seen = result[:_TAKEN] if result is not None else None
    if _why(seen, statics, caller, leg, quantity, version, currency) == "fits":
        # Seats were free as the statement began, so the row changed under it: read again.
        fresh = await fare_state(session, caller.org_id, fare_id, now)
        _why(fresh, statics, caller, leg, quantity, version, currency)
    return None


#: A passenger's legal names come from their profile, read by the statement itself.
_PROFILE_NAMES = ("given_name", "family_name")


def _columns(model: type[Base]) -> list[Any]:
    """The columns a new row is written with: all but an integer key the database numbers."""
    table = model.__table__
    return [c for c in table.columns if not (c.primary_key and isinstance(c.type, Integer))]


def _values(row: Base) -> dict[str, Any]:
    """A new row's column values as a flush would write them (Python defaults applied)."""
    return _with_defaults(type(row), **row.__dict__)


def _with_defaults(model: type[Base], **given: Any) -> dict[str, Any]:
    """Column key → value of a new ``model`` row: ``given``, else the column's Python
    default (as a flush applies it), else ``None``."""
    values: dict[str, Any] = {}
    for column in model.__table__.columns:
        value = given.get(column.key)
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        elif value is None and column.default is not None and column.default.is_callable:
            value = column.default.arg(None)
        values[column.key] = value
    return values


def _record(values: dict[str, Any]) -> str:
    """A row as the JSON object ``json_populate_record`` reads: columns by name (one left
    out is NULL), JSON columns nested, times and dates in ISO 8601 (UTC)."""
    return json.dumps(values, default=_json_value, separators=(",", ":"))


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@functools.lru_cache(maxsize=64)
def _statement(
    fits: Callable[[type[FareInventory], Any], ColumnElement[bool]],
    policy_stored: bool,
    shape: tuple[tuple[type[Base], tuple[str, ...]], ...],
) -> Select[*tuple[Any, ...]]:
    """The hold's one statement, built once per shape (its bound values vary, not which
    rows and columns it writes); keyed by ``holds.fits`` too, so a race test that switches
    the guard off gets its own. ``shape``: each new row's model and the columns it has a
    value for; the others are left out, NULL as before (no server defaults but those
    kept)."""
    stored = exists().where(PolicyDocument.org_id == bindparam("guard_org_id"))
    inv = (
        update(FareInventory)
        .where(
            FareInventory.id == bindparam("guard_fare_id"),
            fits(FareInventory, bindparam("guard_quantity", type_=Integer())),  # ADR 0002
            FareInventory.fare_minor == bindparam("guard_fare_minor"),
            FareInventory.currency == bindparam("guard_fare_currency"),
            FareInventory.refundable == bindparam("guard_refundable"),
            FareInventory.change_fee_minor == bindparam("guard_change_fee_minor"),
            exists().where(
                Flight.id == bindparam("guard_flight_id"),
                Flight.status != FlightStatus.CANCELLED,
                Flight.depart_at == bindparam("guard_depart_at"),
            ),
            exists().where(
                Organization.id == bindparam("guard_org_id"),
                Organization.currency == bindparam("guard_currency"),
            ),
            stored.where(PolicyDocument.version == bindparam("guard_policy_version"))
            if policy_stored
            else ~stored,
        )
        .values(held=FareInventory.held + bindparam("guard_quantity", type_=Integer()))
        .returning(FareInventory.id)
        .cte("inv")
    )
    writes: list[CTE] = []
    written: list[Any] = []
    links: Any = None
    for number, (model, keys) in enumerate(shape, 1):
        columns = [
            c
            for c in _columns(model)
            if (c.key in keys or c.server_default is not None) and c.key not in _PROFILE_NAMES
        ]
        name = f"r{number}"
        row = _populated(model, name)
        chosen = select(*(_of(name, c) for c in columns))
        names = [c.key for c in columns]
        if model is Passenger:
            # A passenger's legal names as the traveller's profile has them now.
            chosen = chosen.add_columns(
                TravellerDetails.given_name, TravellerDetails.family_name
            ).select_from(
                inv.join(row, true()).outerjoin(
                    TravellerDetails, TravellerDetails.user_id == row.c.user_id
                )
            )
            names += _PROFILE_NAMES
        else:
            chosen = chosen.select_from(inv.join(row, true()))
        write = insert(model).from_select(names, chosen)
        if model is Passenger:
            write = write.returning(Passenger.given_name, Passenger.family_name)
        elif model is SegmentPassenger:
            write = write.returning(SegmentPassenger.id)
        new = write.cte(f"new_{model.__tablename__}")
        writes.append(new)
        if model is Passenger:
            written += [
                select(new.c.given_name).scalar_subquery(),
                select(new.c.family_name).scalar_subquery(),
            ]
        elif model is SegmentPassenger:
            links = select(new.c.id).scalar_subquery()
    taken = select(func.count()).select_from(inv).scalar_subquery()
    state = _state(
        bindparam("guard_org_id"),
        bindparam("guard_fare_id"),
        bindparam("guard_now", type_=UTCDateTime()),
    )
    # After the guard's state and the count: the flight as the statement read it, then
    # the passenger's names and link id as written (the answer's view takes them).
    flight = [Flight.__table__.c[key].label(f"flight_{key}") for key in _FLIGHT_KEYS]
    tail = written + ([links] if links is not None else [])
    return state.add_columns(taken, *flight, *tail).add_cte(*writes)


#: Where the hold statement's row has its count of inventory rows taken (after the guard's
#: state, :func:`_state`); the flight's columns and the passenger's follow it.
_TAKEN = 12
_FLIGHT_KEYS = tuple(c.key for c in Flight.__table__.columns)


async def fare_state(session: AsyncSession, org_id: str, fare_id: int, now: Any) -> Any:
    """A fare row as a hold's guard sees it now (:func:`_state`), or ``None``: the read a
    hold makes when its statement took nothing although seats looked free as it began.
    One statement object, so it is compiled once per engine (a bench warms it up with
    this function, as a long-running process has)."""
    params = {"guard_org_id": org_id, "guard_fare_id": fare_id, "guard_now": now}
    return (await session.execute(_reread(), params)).one_or_none()


@functools.cache
def _reread() -> Select[*tuple[Any, ...]]:
    return _state(
        bindparam("guard_org_id"),
        bindparam("guard_fare_id", type_=Integer()),
        bindparam("guard_now", type_=UTCDateTime()),
    )


def _of(row: str, column: Any) -> ColumnElement[Any]:
    """``<row>.<column>``, unlabelled: the statement is long enough as it is."""
    return literal_column(f"{row}.{column.name}")


def _populated(model: type[Base], name: str) -> TableValuedAlias:
    """The new ``model`` row the statement's ``row_<table>`` parameter holds, as a table of
    one row: ``json_populate_record(NULL::<table>, <the row as JSON>)``."""
    table = model.__tablename__
    return func.json_populate_record(
        literal_column(f"NULL::{table}"),
        cast(bindparam(f"row_{table}", type_=Text()), JSON()),
    ).table_valued(*(c.name for c in model.__table__.columns), name=name)


def _state(org_id: Any, fare_id: Any, now: Any) -> Select[*tuple[Any, ...]]:
    """A fare row as a hold's guard sees it: seats, price and terms, its flight, the expired
    holds on it, and the organization's policy version and currency."""
    return (
        select(
            FareInventory.capacity,
            FareInventory.held,
            FareInventory.sold,
            FareInventory.fare_minor,
            FareInventory.currency,
            FareInventory.refundable,
            FareInventory.change_fee_minor,
            Flight.status,
            Flight.depart_at,
            holds.expired_holds_on("fare", fare_id, now=now),
            select(func.coalesce(func.max(PolicyDocument.version), 0))
            .where(PolicyDocument.org_id == org_id)
            .scalar_subquery(),
            select(Organization.currency).where(Organization.id == org_id).scalar_subquery(),
        )
        .join(Flight, Flight.id == FareInventory.flight_id)
        .where(FareInventory.id == fare_id)
    )


def _why(
    row: Any,
    statics: HoldStatics,
    caller: Caller,
    leg: FlightSegment,
    quantity: int,
    version: int,
    currency: str,
) -> str:
    """Why the write took nothing: raise ``SoldOut`` or ``OfferChanged``; answer "rows" for
    the row-by-row path (expired holds to release, something else changed: the statics are
    forgotten) or "fits" when this state would have let the hold through."""
    fare_id = leg.fare_inventory_id
    if row is None:
        statics.forget(org_id=caller.org_id, fare_id=fare_id)
        return "rows"
    (
        capacity,
        held,
        sold,
        fare,
        fare_currency,
        refundable,
        fee,
        status,
        depart_at,
        expired,
        policy_version,
        org_currency,
    ) = row
    moved = (fare, fare_currency) != (leg.fare_minor, leg.currency)
    if (
        moved
        or (refundable, fee) != (leg.refundable, leg.change_fee_minor)
        or status == FlightStatus.CANCELLED
        or utc(depart_at) != leg.depart_at
        or policy_version != version
        or org_currency != currency
    ):
        statics.forget(org_id=caller.org_id, fare_id=fare_id)
        if moved and status != FlightStatus.CANCELLED:
            raise OfferChanged(
                f"The fare of {leg.flight_label} is now {format_money(fare, fare_currency)} "
                f"a seat (it was {format_money(leg.fare_minor, leg.currency)}); nothing was "
                "held. Search again, or hold it at the new price.",
                offer_id=f"FL-{fare_id}",
                price=money_json(fare, fare_currency),
                total=money_json(fare * quantity, fare_currency),
            )
        return "rows"
    if held + sold + quantity <= capacity:
        return "fits"
    if expired:
        return "rows"  # expired holds to give back first: released, then one more try
    raise SoldOut(f"Not enough seats left for {quantity}", inventory=f"inv:fare:{fare_id}")
