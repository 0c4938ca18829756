"""Holds on seats and room-nights.

The truth is a conditional write (DESIGN §4)::

    UPDATE fare_inventory SET held = held + :n
     WHERE id = :id AND held + sold + :n <= capacity

backed by ``CHECK (held + sold <= capacity)``. Rows are visited in sorted order,
late in the transaction; when a row looks full we release the expired holds on
it in the same transaction and try again, so an expired hold never blocks a new one.
Anything that fails raises, and the caller's transaction rolls back as a whole:
multi-segment holds are all or nothing.

No application lock is taken around these writes (ADR 0002): concurrent holds on one row
queue on its row lock (PostgreSQL) or on the single writer (SQLite), in arrival order,
until the holder commits — the queue a contention lock would add, without its timeouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, ScalarSelect, and_, func, literal_column, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.booking import states
from core.errors import SoldOut
from core.inventory.seats import give_back_seats
from core.models import Booking, FareInventory, Hold, HoldStatus, RoomInventory
from core.models import BookingStatus as S

InventoryKind = Literal["fare", "room"]
_TABLES: dict[str, type[FareInventory] | type[RoomInventory]] = {
    "fare": FareInventory,
    "room": RoomInventory,
}


@dataclass(frozen=True, order=True)
class HoldLine:
    """Take ``quantity`` units from one inventory row for one segment."""

    kind: InventoryKind
    inventory_id: int
    quantity: int
    segment_id: str = ""

    @property
    def row_key(self) -> str:
        """The row's name in a ``SoldOut`` error: ``inv:fare:<id>`` or ``inv:room:<id>``."""
        return f"inv:{self.kind}:{self.inventory_id}"


def _row_of(hold: Hold) -> tuple[str, int]:
    """(kind, inventory id) of the row a hold takes from, ordered like ``HoldLine``."""
    if hold.fare_inventory_id is not None:
        return "fare", hold.fare_inventory_id
    assert hold.room_inventory_id is not None
    return "room", hold.room_inventory_id


def _hold_column(kind: str):  # type: ignore[no-untyped-def]
    return Hold.fare_inventory_id if kind == "fare" else Hold.room_inventory_id


async def set_lock_timeout(session: AsyncSession, seconds: float) -> None:
    """Bound how long a row lock may be waited for (PostgreSQL; SQLite uses busy_timeout)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'"))


async def _settle_holds(
    session: AsyncSession, holds: Sequence[Hold], *, to: HoldStatus, now: datetime
) -> int:
    """Flip each active hold to ``to`` and move its units: back to free (released, and
    their seats with them) or to sold (converted). The flip is conditional, so a hold is
    settled exactly once."""
    settled = 0
    for hold in holds:
        flipped = await session.execute(
            update(Hold)
            .where(Hold.id == hold.id, Hold.status == HoldStatus.ACTIVE)
            .values(status=to, released_at=now)
            .execution_options(synchronize_session=False)
        )
        if flipped.rowcount != 1:  # type: ignore[attr-defined]
            continue  # somebody else released or converted it first
        kind, inv_id = _row_of(hold)
        await _move_units(session, kind, inv_id, hold.quantity, hold.segment_id, to=to)
        settled += 1
    return settled


async def _move_units(
    session: AsyncSession, kind: str, inv_id: int | None, quantity: int, segment_id: str, *,
    to: HoldStatus,
) -> None:
    """A settled hold's units: from held to sold (converted), or back to free with its
    seats (released)."""
    table = _TABLES[kind]
    values = {"held": table.held - quantity}
    if to == HoldStatus.CONVERTED:
        values["sold"] = table.sold + quantity
    elif kind == "fare":
        await give_back_seats(session, [segment_id])
    await session.execute(
        update(table)
        .where(table.id == inv_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def _release_holds(session: AsyncSession, holds: Sequence[Hold], *, now: datetime) -> int:
    return await _settle_holds(session, holds, to=HoldStatus.RELEASED, now=now)


async def _expire_bookings(session: AsyncSession, booking_ids: set[str], *, now: datetime) -> None:
    """A booking still waiting (held / pending approval) whose holds ran out is expired —
    through the state machine's table and its conditional move, like every status move —
    and its traveller told (``booking.expired``: the open page says so at once)."""
    for booking_id in sorted(booking_ids):
        if await states.move_from_any(
            session, booking_id, among=states.HOLDING, to=S.EXPIRED, now=now
        ):
            org_id = await session.scalar(select(Booking.org_id).where(Booking.id == booking_id))
            if org_id is not None:
                outbox.emit(
                    session,
                    org_id=org_id,
                    topic="booking.expired",
                    key=f"booking:{booking_id}:expired",
                    payload={"booking_id": booking_id},
                    at=now,
                )


async def _expired_holds_query(
    session: AsyncSession, *, now: datetime, kind: str | None = None, inventory_id: int | None = None,
    limit: int | None = None,
) -> list[Hold]:
    # Only holds of bookings still waiting (held / pending approval) may expire:
    # a booking in its confirmation saga keeps what it holds.
    stmt = (
        select(Hold)
        .join(Booking, Booking.id == Hold.booking_id)
        .where(
            Hold.status == HoldStatus.ACTIVE,
            Hold.expires_at <= now,
            Booking.status.in_(sorted(states.HOLDING | states.TERMINAL)),
        )
        .order_by(Hold.id)
    )
    if kind is not None:
        stmt = stmt.where(_hold_column(kind) == inventory_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.scalars(stmt)).all())


#: Booking statuses whose active holds may have run out (``expired_holds_on``), as SQL
#: constants (plain status names, so quoting them is safe).
_EXPIRABLE_SQL: tuple[ColumnElement[str], ...] = tuple(
    literal_column(f"'{status}'") for status in sorted(states.HOLDING | states.TERMINAL)
)
assert all(str(status).isidentifier() for status in states.HOLDING | states.TERMINAL)


def expired_holds_on(kind: InventoryKind, inventory_id: Any, *, now: Any) -> ScalarSelect[int]:
    """How many holds on one row have run out and may be given back (a scalar subquery
    for a diagnostic read; the same holds :func:`release_expired_on_row` releases)."""
    return (
        select(func.count(Hold.id))
        .join(Booking, Booking.id == Hold.booking_id)
        .where(
            Hold.status == HoldStatus.ACTIVE,
            Hold.expires_at <= now,
            # Constants written into the SQL: an expanding IN of bound values would be
            # rendered again at every execution of a statement compiled once.
            Booking.status.in_(_EXPIRABLE_SQL),
            _hold_column(kind) == inventory_id,
        )
        .scalar_subquery()
    )


async def release_expired_on_row(session: AsyncSession, line: HoldLine, *, now: datetime) -> int:
    holds = await _expired_holds_query(session, now=now, kind=line.kind, inventory_id=line.inventory_id)
    if not holds:
        return 0
    released = await _release_holds(session, holds, now=now)
    await _expire_bookings(session, {h.booking_id for h in holds}, now=now)
    return released


def fits(table: type[FareInventory] | type[RoomInventory], quantity: int) -> ColumnElement[bool]:
    """The guard of every hold: the units fit beside what is already held and sold."""
    return table.held + table.sold + quantity <= table.capacity


async def _conditional_take(session: AsyncSession, line: HoldLine) -> bool:
    table = _TABLES[line.kind]
    result = await session.execute(
        update(table)
        .where(table.id == line.inventory_id, fits(table, line.quantity))
        .values(held=table.held + line.quantity)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def take_holds(
    session: AsyncSession,
    *,
    org_id: str,
    booking_id: str,
    lines: Sequence[HoldLine],
    now: datetime,
    expires_at: datetime,
    giving_back: Sequence[Hold] = (),
) -> list[Hold]:
    """Take every line or none (raise ``SoldOut``; the caller's transaction rolls back).

    ``giving_back``: active holds released in the same pass (a hold that replaces
    another). Rows are still visited once each, in one sorted order: on each, the old
    units go back before the new ones are taken, so moving to more seats on the same
    flight needs only the difference to be free.
    """
    back: dict[tuple[str, int], list[Hold]] = {}
    for old in giving_back:
        back.setdefault(_row_of(old), []).append(old)
    created: list[Hold] = []
    for row in sorted({(line.kind, line.inventory_id) for line in lines} | set(back)):
        await _release_holds(session, back.get(row, []), now=now)
        for line in sorted(lines):
            if (line.kind, line.inventory_id) == row:
                created.append(await _take_line(session, org_id, booking_id, line, now, expires_at))
    await session.flush()
    return created


async def _take_line(
    session: AsyncSession,
    org_id: str,
    booking_id: str,
    line: HoldLine,
    now: datetime,
    expires_at: datetime,
) -> Hold:
    if line.quantity < 1:
        raise ValueError("hold quantity must be positive")
    taken = await _conditional_take(session, line)
    # Only when the row looks full do we look for expired holds to give back, then
    # try once more: an expired hold never blocks a new one, and a hold on a row
    # with free seats costs a single statement.
    if not taken and await release_expired_on_row(session, line, now=now):
        taken = await _conditional_take(session, line)
    if not taken:
        what = "seats" if line.kind == "fare" else "rooms"
        raise SoldOut(f"Not enough {what} left for {line.quantity}", inventory=line.row_key)
    hold = Hold(
        org_id=org_id,
        booking_id=booking_id,
        segment_id=line.segment_id,
        fare_inventory_id=line.inventory_id if line.kind == "fare" else None,
        room_inventory_id=line.inventory_id if line.kind == "room" else None,
        quantity=line.quantity,
        status=HoldStatus.ACTIVE,
        expires_at=expires_at,
        created_at=now,
    )
    session.add(hold)
    return hold


async def active_holds(session: AsyncSession, booking_id: str) -> Sequence[Hold]:
    return (
        await session.scalars(
            select(Hold)
            .where(Hold.booking_id == booking_id, Hold.status == HoldStatus.ACTIVE)
            .order_by(Hold.fare_inventory_id, Hold.room_inventory_id)
        )
    ).all()


async def release_booking_holds(session: AsyncSession, booking_id: str, *, now: datetime) -> int:
    """Give back everything a booking still holds (cancel, reject, failure)."""
    return await _settle_booking_holds(session, booking_id, to=HoldStatus.RELEASED, now=now)


async def convert_booking_holds(session: AsyncSession, booking_id: str, *, now: datetime) -> int:
    """Held → sold for every active hold of a booking (the confirmation commits the seats)."""
    return await _settle_booking_holds(session, booking_id, to=HoldStatus.CONVERTED, now=now)


async def _settle_booking_holds(
    session: AsyncSession, booking_id: str, *, to: HoldStatus, now: datetime
) -> int:
    """:func:`_settle_holds` for every active hold of one booking: the holds flipped in
    one conditional ``UPDATE … RETURNING`` (issue 15: a read, then an update per hold),
    then their units moved row by row in the order holds take rows (fare rows, then
    room rows, by id). A hold another flow settled first is not among those returned."""
    flipped = (
        await session.execute(
            update(Hold)
            .where(Hold.booking_id == booking_id, Hold.status == HoldStatus.ACTIVE)
            .values(status=to, released_at=now)
            .returning(
                Hold.fare_inventory_id, Hold.room_inventory_id, Hold.quantity, Hold.segment_id
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    rows = sorted(
        (
            ("fare", fare_id, quantity, segment_id)
            if fare_id is not None
            else ("room", room_id, quantity, segment_id)
            for fare_id, room_id, quantity, segment_id in flipped
        ),
        key=lambda row: (row[0], row[1]),
    )
    for kind, inv_id, quantity, segment_id in rows:
        await _move_units(session, kind, inv_id, quantity, segment_id, to=to)
    return len(rows)


async def extend_booking_holds(session: AsyncSession, booking_id: str, *, until: datetime) -> None:
    """Keep a booking's holds alive (pending approval, confirmation in progress)."""
    await session.execute(
        update(Hold)
        .where(and_(Hold.booking_id == booking_id, Hold.status == HoldStatus.ACTIVE))
        .values(expires_at=until)
        .execution_options(synchronize_session=False)
    )


async def release_expired_holds(session: AsyncSession, *, now: datetime, limit: int = 500) -> int:
    """The sweeper: release expired holds anywhere and expire their bookings."""
    holds = await _expired_holds_query(session, now=now, limit=limit)
    if not holds:
        return 0
    holds.sort(key=lambda h: (h.fare_inventory_id or 0, h.room_inventory_id or 0, h.id))
    released = await _release_holds(session, holds, now=now)
    await _expire_bookings(session, {h.booking_id for h in holds}, now=now)
    return released


async def sold_units(session: AsyncSession, kind: InventoryKind, inventory_id: int) -> tuple[int, int, int]:
    """(capacity, held, sold) of one row — for tests and diagnostics."""
    table = _TABLES[kind]
    row = (
        await session.execute(
            select(table.capacity, table.held, table.sold).where(table.id == inventory_id)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])
