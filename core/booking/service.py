"""Booking service: hold, read, list, cancel an unpaid booking. The confirmation saga lives in
``saga.py``, the booking's view in ``views.py``.

Services take the session first and never commit; the edge (request, job tick,
tool call) opens the unit of work and commits once.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, outbox
from core.approval.service import close_open_for_booking
from core.booking import one_statement, quota, states
from core.booking.access import load_visible_booking, resolve_traveler
from core.booking.items import PlannedSegment, judge, plan_flight, plan_hotel, red_reasons
from core.booking.passengers import ItemPassengers, PassengerSpec, name_held
from core.clock import utc
from core.errors import InvalidTransition, PolicyBlocked, ValidationFailed
from core.identity import Caller
from core.ids import booking_reference
from core.inventory.holds import active_holds, release_booking_holds, take_holds
from core.models import (
    Booking,
    BookingStatus,
    Hold,
    Organization,
    Segment,
    SegmentStatus,
)
from core.orgchart import reports_select, visible_clause
from core.policy.engine import PolicyStatus
from core.policy.items import PolicyItem
from core.runtime import Runtime
from core.search.offers import FlightOfferRef, parse_offer_id

MAX_ITEMS = 10
MAX_QUANTITY = 9


@dataclass(frozen=True)
class ItemRequest:
    offer_id: str
    quantity: int = 1
    #: Who flies (flights): one per seat, or None to name them later (a single seat with
    #: no names is the traveller's).
    passengers: Sequence[PassengerSpec] | None = None


def _validate_items(items: Sequence[ItemRequest], *, max_quantity: int) -> None:
    if not items:
        raise ValidationFailed("A booking needs at least one item", field="items")
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(f"At most {MAX_ITEMS} items per booking", field="items")
    seen: set[str] = set()
    for item in items:
        if not 1 <= item.quantity <= max_quantity:
            raise ValidationFailed(
                f"Quantity must be between 1 and {max_quantity}", field="quantity"
            )
        if item.offer_id in seen:
            raise ValidationFailed(f"Offer {item.offer_id} appears twice", field="items")
        seen.add(item.offer_id)


async def hold_booking(
    rt: Runtime,
    session: AsyncSession,
    caller: Caller,
    items: Sequence[ItemRequest],
    traveler_id: str | None = None,
    *,
    replaces: str | None = None,
) -> Booking:
    """Hold every item for one traveller, all or nothing, and return the ``held`` booking.

    Red policy verdicts cannot be held (``PolicyBlocked``); amber ones can, and will
    need approval at confirmation.

    ``replaces``: the traveller's hold, not yet confirmed, that this one takes the place
    of ("yes, but the later flight", "make it two seats"). It is cancelled and what it
    holds given back in this same transaction: never both held, and if the new hold
    fails the old one stands. One that expired meanwhile is left as it is; any other
    status (sent for approval, paid, already cancelled or replaced) is refused.
    """
    per_item = rt.settings.hold_max_places_per_item
    _validate_items(items, max_quantity=min(MAX_QUANTITY, per_item) if per_item > 0 else MAX_QUANTITY)
    refs = [parse_offer_id(item.offer_id) for item in items]
    if one_statement.applies(
        session, rt, caller, refs,
        passengers_named=any(item.passengers is not None for item in items),
        traveler_id=traveler_id, replaces=replaces,
    ):
        assert isinstance(refs[0], FlightOfferRef)
        held = await one_statement.hold_one_statement(rt, session, caller, refs[0], items[0].quantity)
        if held is not None:
            return held
    now = rt.clock.now()
    traveler = await resolve_traveler(session, caller, traveler_id)
    replaced = (
        await _replaceable(session, caller, replaces, traveler.id) if replaces is not None else None
    )
    org = await session.get(Organization, caller.org_id)
    assert org is not None
    booking_id = booking_reference()
    planned: list[PlannedSegment] = []
    position = 0
    for item, ref in zip(items, refs, strict=True):
        if isinstance(ref, FlightOfferRef):
            segs = await plan_flight(session, ref, item.quantity, booking_id, position, now)
            planned.extend(segs)
            position += len(segs)
        else:
            planned.append(await plan_hotel(session, ref, item.quantity, booking_id, position, now))
            position += 1
    currencies = {p.segment.currency for p in planned}
    if currencies != {org.currency}:
        raise ValidationFailed(f"Offers must be priced in {org.currency}")

    # One policy item per offer (a connection's two legs are one flight item).
    policy_items: list[PolicyItem] = []
    for p in planned:
        if not policy_items or policy_items[-1] is not p.item:
            policy_items.append(p.item)
    verdict = await judge(session, caller.org_id, policy_items, now=now)
    verdict_dict: dict[str, Any] = verdict.to_dict()
    if verdict.status == PolicyStatus.RED:
        raise PolicyBlocked(
            f"The travel policy does not allow this: {red_reasons(verdict_dict)}",
            policy=verdict_dict,
        )

    expires_at = now + timedelta(seconds=rt.settings.hold_ttl_seconds)
    booking = Booking(
        id=booking_id,
        org_id=caller.org_id,
        traveler_id=traveler.id,
        created_by=caller.user_id,
        status=BookingStatus.HELD,
        total_minor=sum(p.segment.amount_minor for p in planned),
        currency=org.currency,
        policy_status=verdict.status,
        policy=verdict_dict,
        hold_expires_at=expires_at,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    session.add_all([p.segment for p in planned])
    await session.flush()
    await name_held(
        session, caller, booking,
        [
            ItemPassengers(item.offer_id, item.passengers, field=f"items[{n}].passengers")
            for n, item in enumerate(items)
            if item.passengers is not None
        ],
        now=now,
        replaced=replaced.id if replaced is not None else None,
    )

    audit.record(
        session, org_id=caller.org_id, actor_id=caller.user_id, action="booking.held",
        entity="booking", entity_id=booking_id, at=now, total_minor=booking.total_minor,
        traveler_id=traveler.id,
    )
    outbox.emit(
        session, org_id=caller.org_id, topic="booking.held", key=f"booking:{booking_id}:held",
        payload={"booking_id": booking_id, "traveler_id": traveler.id}, at=now,
    )
    giving_back: Sequence[Hold] = ()
    if replaced is not None:
        # The old booking's conditional move comes before the hot rows (a confirmation
        # that got there first wins, and this whole hold rolls back); its seats and rooms
        # go back in the inventory pass below, row by row in the one sorted order.
        await cancel_unpaid(
            rt, session, caller, replaced, reason=f"Replaced by {booking_id}", release=False
        )
        giving_back = await active_holds(session, replaced.id)
    # Inventory last: the hot rows stay locked only for the writes below and COMMIT.
    await session.flush()
    # The caps on what one user and one organization may hold, checked under their locks
    # (user, then organization, then the inventory rows: one order for every hold).
    await quota.check_caps(
        session, rt.settings, org_id=caller.org_id, user_id=caller.user_id,
        booking_id=booking_id, places=sum(item.quantity for item in items), bucket="held",
        now=now,
    )
    # No application lock around them (ADR 0002): the conditional UPDATE is the guard, and
    # waiters queue on the row lock, first come first served, until this COMMIT. A Redis
    # lock in front, released before the COMMIT, added no throughput and turned a burst
    # into 503 LOCK_TIMEOUTs (issue 15, bench/hold_burst.py).
    await take_holds(
        session, org_id=caller.org_id, booking_id=booking_id,
        lines=[line for p in planned for line in p.lines], now=now, expires_at=expires_at,
        giving_back=giving_back,
    )
    return booking


async def _replaceable(
    session: AsyncSession, caller: Caller, booking_id: str, traveler_id: str
) -> Booking | None:
    """The hold a new one replaces; None when it has expired (nothing to give back)."""
    booking = await load_visible_booking(session, caller, booking_id)
    if booking.traveler_id != traveler_id:
        raise ValidationFailed(
            f"Booking {booking_id} is for another traveller; a hold only replaces one of "
            "the same traveller",
            field="replaces",
        )
    current = BookingStatus(booking.status)
    if current == BookingStatus.EXPIRED:
        return None  # it ran out while the traveller made up their mind
    if current != BookingStatus.HELD:
        # Confirmed or waiting for approval: cancel or rebook it; already cancelled: a
        # second "switch" (a double click) must not hold twice.
        raise InvalidTransition(
            f"Booking {booking_id} is {current}; only a hold not yet confirmed can be replaced"
        )
    return booking


async def get_booking(session: AsyncSession, caller: Caller, booking_id: str) -> Booking:
    return await load_visible_booking(session, caller, booking_id)


#: Which of the bookings a caller sees a list shows (:func:`list_bookings`).
ListedFor = Literal["visible", "mine", "team"]


def _encode_cursor(booking: Booking) -> str:
    raw = f"{booking.created_at.isoformat()}|{booking.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, booking_id = base64.urlsafe_b64decode(padded.encode()).decode().split("|", 1)
        return utc(datetime.fromisoformat(created)), booking_id
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ValidationFailed("Malformed cursor", field="cursor") from exc


@lru_cache(maxsize=4096)
def _listing(caller: Caller, whose: ListedFor) -> Select[Booking]:
    """The bookings ``whose`` names for ``caller``, before a page's cursor, status and
    limit: built once per caller (a statement is immutable; building this one, with
    its recursive CTE down the org chart, cost more CPU than running it: issue 15,
    perf33). Who the caller may see is read in the list's own statement
    (core.orgchart's clauses: one statement fewer a list)."""
    stmt = select(Booking).where(Booking.org_id == caller.org_id)
    if whose == "visible":
        visible = visible_clause(caller, Booking.traveler_id)
        if visible is not None:
            stmt = stmt.where(or_(visible, Booking.created_by == caller.user_id))
        return stmt
    reports = reports_select(caller)
    if whose == "team":
        return stmt.where(Booking.traveler_id.in_(reports))
    return stmt.where(
        or_(
            Booking.traveler_id == caller.user_id,
            and_(Booking.created_by == caller.user_id, Booking.traveler_id.not_in(reports)),
        )
    )


async def list_bookings(
    session: AsyncSession,
    caller: Caller,
    *,
    limit: int = 20,
    cursor: str | None = None,
    status: str | None = None,
    whose: ListedFor = "visible",
) -> tuple[list[Booking], str | None]:
    """The caller's bookings (managers: also their reports'), newest first.

    ``whose`` narrows them: ``"mine"`` — the caller travels, or booked the trip for
    someone who does not report to them; ``"team"`` — someone reporting to the caller
    (at any depth) travels. The two never share a booking."""
    if not 1 <= limit <= 100:
        raise ValidationFailed("limit must be between 1 and 100", field="limit")
    stmt = _listing(caller, whose)
    if status is not None:
        try:
            stmt = stmt.where(Booking.status == BookingStatus(status))
        except ValueError as exc:
            raise ValidationFailed(f"Unknown status {status!r}", field="status") from exc
    if cursor:
        created, last_id = _decode_cursor(cursor)
        stmt = stmt.where(
            or_(
                Booking.created_at < created,
                and_(Booking.created_at == created, Booking.id < last_id),
            )
        )
    stmt = stmt.order_by(Booking.created_at.desc(), Booking.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


async def cancel_held_booking(
    rt: Runtime, session: AsyncSession, caller: Caller, booking_id: str, *, reason: str = ""
) -> Booking:
    """Cancel a booking that has not been paid yet (held or waiting for approval).

    The status move is conditional, so of two concurrent cancels exactly one wins and
    the inventory is given back exactly once; the loser gets ``InvalidTransition``.
    """
    booking = await load_visible_booking(session, caller, booking_id, to_act=True)
    current = BookingStatus(booking.status)
    if current not in (BookingStatus.HELD, BookingStatus.PENDING_APPROVAL):
        states.check_move(current, BookingStatus.CANCELLED, booking_id=booking_id)
        raise _paid_cancel_error(booking_id, current)
    await cancel_unpaid(rt, session, caller, booking, reason=reason)
    return booking


async def cancel_unpaid(
    rt: Runtime,
    session: AsyncSession,
    caller: Caller,
    booking: Booking,
    *,
    reason: str = "",
    release: bool = True,
) -> None:
    """The move itself, for a held or pending_approval ``booking`` the caller already
    loaded (and may see) in this transaction. ``release=False``: the caller gives its
    holds back itself (a replacing hold, in its own inventory pass)."""
    now = rt.clock.now()
    booking_id, current = booking.id, BookingStatus(booking.status)
    await states.move(
        session, booking_id, expected=current, to=BookingStatus.CANCELLED, now=now,
        cancelled_at=now, failure_reason=(reason or None),
    )
    if release:
        await release_booking_holds(session, booking_id, now=now)
    await session.execute(
        update(Segment)
        .where(Segment.booking_id == booking_id, Segment.status == SegmentStatus.HELD)
        .values(status=SegmentStatus.RELEASED)
        .execution_options(synchronize_session=False)
    )
    # Its approval ends with it, in this transaction: nobody is left to approve a trip
    # that is gone, and a decision racing this cancel is refused or waits for it.
    await close_open_for_booking(
        session, booking_id, now=now, note="The booking was cancelled"
    )
    audit.record(
        session, org_id=booking.org_id, actor_id=caller.user_id, action="booking.cancelled",
        entity="booking", entity_id=booking_id, at=now, reason=reason,
    )
    outbox.emit(
        session, org_id=booking.org_id, topic="booking.cancelled",
        key=f"booking:{booking_id}:cancelled",
        payload={"booking_id": booking_id, "traveler_id": booking.traveler_id}, at=now,
    )


def _paid_cancel_error(booking_id: str, current: str) -> Exception:
    return InvalidTransition(
        f"Booking {booking_id} is {current}; paid bookings are cancelled with a refund "
        "through the cancellation flow"
    )
