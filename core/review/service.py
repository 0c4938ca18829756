"""The manual-review queue: what a person must look at, and what they decided.

Three kinds of item, each read from the rows that are its truth (nothing is copied
into a queue that could drift from them):

* ``booking:<id>`` — a booking in ``pending_confirmation`` or ``requires_attention``
  that no person has resolved since it entered that status
  (``bookings.status_changed_at``), or one with an open ``review_queue`` row (a
  supplier timeout, a cancel the supplier refused…). Its cause is that row's reason,
  else the disruption, else the status; it waits since the earlier of the two.
* ``exception:<id>`` — a reconciliation exception not yet settled; ``disputed`` ones
  stay listed (state ``disputed``) until finance settles them.
* ``outbox:<id>`` — a notification the relay abandoned, not yet looked at.

Each is listed for the organization's reviewers (``RoleRights.reviews`` in
``core/orgchart.py``: finance and admins), oldest first, by keyset pages. Resolving
takes a note and is idempotent: the same resolution again answers what was recorded,
a different one on a closed item is ``REVIEW_ITEM_CLOSED``. Finance alone
(``RoleRights.settles``) settles an exception as ``disputed``, ``written_off`` or
``adjusted`` (what reconciliation then does with it: ``core.finance.reconcile``).
Every resolution is a conditional UPDATE on the item's row, so of two people
resolving at once exactly one wins and the other is told what the first decided.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.clock import utc
from core.db import UTCDateTime, insert_ignoring_duplicates
from core.disruption.suggestions import open_disruption
from core.errors import Forbidden, NotFound, ReviewItemClosed, ValidationFailed
from core.identity import Caller
from core.models import (
    Booking,
    ExceptionResolution,
    Flight,
    OutboxEvent,
    ReconciliationException,
    ReviewItem,
)
from core.models import BookingStatus as S
from core.money import Money
from core.orgchart import rights_of
from core.review.views import ItemKind, ItemState, ResolutionView, ReviewItemView, ReviewPage

#: Booking statuses that wait for a person.
REVIEW_STATUSES = (S.PENDING_CONFIRMATION, S.REQUIRES_ATTENTION)
#: Outcomes that decide about money: finance's, and for exceptions only.
MONEY_OUTCOMES = frozenset(
    {ExceptionResolution.DISPUTED, ExceptionResolution.WRITTEN_OFF, ExceptionResolution.ADJUSTED}
)
NOTE_MAX = 1000
MAX_LIMIT = 100
_RANK: dict[str, int] = {"booking": 0, "exception": 1, "outbox": 2}
_ITEM_ID = re.compile(r"^(?:(booking):(BK-[A-Z0-9]{1,9})|(exception|outbox):([0-9]{1,10}))$")
_INT_MAX = 2**31 - 1


def require_reviewer(caller: Caller) -> None:
    if not rights_of(caller).reviews:
        raise Forbidden("Only finance and admins work the manual-review queue")


# -- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cursor:
    since: datetime
    rank: int
    key: str


def _encode_cursor(view: ReviewItemView) -> str:
    kind, _, key = view.item_id.partition(":")
    raw = f"{utc(view.since).isoformat()}|{_RANK[kind]}|{key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> _Cursor:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        since, rank, key = base64.urlsafe_b64decode(padded.encode()).decode().split("|", 2)
        parsed = _Cursor(utc(datetime.fromisoformat(since)), int(rank), key)
        if parsed.rank not in _RANK.values() or (parsed.rank and not key.isdigit()):
            raise ValueError(cursor)
        return parsed
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ValidationFailed("Malformed cursor", field="cursor") from exc


def _after(
    since: SQLColumnExpression[datetime],
    key: SQLColumnExpression[Any],
    kind: str,
    cursor: _Cursor | None,
) -> ColumnElement[bool]:
    """Rows of ``kind`` that sort after ``cursor`` in (since, kind, key) order."""
    if cursor is None:
        return true()
    rank = _RANK[kind]
    if rank < cursor.rank:
        return since > cursor.since
    if rank > cursor.rank:
        return since >= cursor.since
    last: Any = cursor.key if kind == "booking" else int(cursor.key)
    return or_(since > cursor.since, and_(since == cursor.since, key > last))


@dataclass(frozen=True)
class _Entry:
    since: datetime
    rank: int
    key: Any
    row: Any


async def list_review_items(
    session: AsyncSession,
    caller: Caller,
    *,
    now: datetime,
    kind: ItemKind | None = None,
    state: ItemState | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> ReviewPage:
    """The organization's queue, oldest first: ``state`` ``open`` (waits for a person),
    ``disputed`` (exceptions awaiting their outcome) or both when ``None``."""
    require_reviewer(caller)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if state not in (None, "open", "disputed"):
        raise ValidationFailed("state must be open or disputed", field="state")
    after = _decode_cursor(cursor) if cursor else None
    entries: list[_Entry] = []
    if kind in (None, "booking") and state in (None, "open"):
        entries += await _booking_entries(session, caller.org_id, after, limit + 1)
    if kind in (None, "exception"):
        entries += await _exception_entries(session, caller.org_id, after, limit + 1, state)
    if kind in (None, "outbox") and state in (None, "open"):
        entries += await _outbox_entries(session, caller.org_id, after, limit + 1)
    entries.sort(key=lambda e: (e.since, e.rank, e.key))
    views = [await _view(session, e, now=now) for e in entries[: limit + 1]]
    page = views[:limit]
    return ReviewPage(
        items=page, next_cursor=_encode_cursor(page[-1]) if len(views) > limit else None
    )


async def _view(session: AsyncSession, entry: _Entry, *, now: datetime) -> ReviewItemView:
    if entry.rank == _RANK["booking"]:
        items = await _open_items(session, entry.row.id)
        return await _booking_view(session, entry.row, entry.since, items, now=now)
    if entry.rank == _RANK["exception"]:
        return _exception_view(entry.row, now=now)
    return _outbox_view(entry.row, now=now)


# -- bookings ------------------------------------------------------------------------------


def _status_since() -> ColumnElement[datetime]:
    return type_coerce(func.coalesce(Booking.status_changed_at, Booking.updated_at), UTCDateTime())


def _reviewed_since_status() -> ColumnElement[bool]:
    """A person resolved the booking since it entered its status."""
    return exists().where(
        ReviewItem.booking_id == Booking.id,
        ReviewItem.resolved_by.is_not(None),
        ReviewItem.resolved_at >= _status_since(),
    )


def _waits_for_review() -> ColumnElement[bool]:
    return and_(Booking.status.in_(REVIEW_STATUSES), ~_reviewed_since_status())


async def _booking_entries(
    session: AsyncSession, org_id: str, after: _Cursor | None, limit: int
) -> list[_Entry]:
    open_items = (
        select(
            ReviewItem.booking_id.label("booking_id"),
            func.min(ReviewItem.created_at).label("since"),
        )
        .where(ReviewItem.org_id == org_id, ReviewItem.resolved_at.is_(None))
        .group_by(ReviewItem.booking_id)
        .subquery()
    )
    item_since = type_coerce(open_items.c.since, UTCDateTime())
    waits = _waits_for_review()
    since = type_coerce(
        case(
            (and_(waits, item_since.is_not(None), item_since < _status_since()), item_since),
            (waits, _status_since()),
            else_=item_since,
        ),
        UTCDateTime(),
    )
    rows = (
        await session.execute(
            select(Booking, since)
            .outerjoin(open_items, open_items.c.booking_id == Booking.id)
            .where(
                Booking.org_id == org_id,
                or_(waits, open_items.c.booking_id.is_not(None)),
                _after(since, Booking.id, "booking", after),
            )
            .order_by(since, Booking.id)
            .limit(limit)
        )
    ).all()
    return [_Entry(utc(at), _RANK["booking"], b.id, b) for b, at in rows]


async def _open_items(session: AsyncSession, booking_id: str) -> list[ReviewItem]:
    return list(
        (
            await session.scalars(
                select(ReviewItem)
                .where(ReviewItem.booking_id == booking_id, ReviewItem.resolved_at.is_(None))
                .order_by(ReviewItem.created_at, ReviewItem.id)
            )
        ).all()
    )


async def _cause(
    session: AsyncSession, booking: Booking, items: Sequence[ReviewItem]
) -> tuple[str, str]:
    reasons = [i for i in items if i.reason not in REVIEW_STATUSES]
    if reasons:
        return reasons[0].reason, "; ".join(i.detail or i.reason for i in reasons)[:1000]
    if booking.status == S.REQUIRES_ATTENTION:
        disruption = await open_disruption(session, booking.id)
        if disruption is not None:
            flight = await session.get(Flight, disruption.flight_id)
            label = (
                f"{flight.carrier} {flight.number} {flight.origin}→{flight.destination} on "
                f"{flight.date.isoformat()}"
                if flight is not None
                else "A flight of the booking"
            )
            what = (
                "was cancelled by the airline"
                if disruption.kind == "cancelled"
                else f"is delayed by {disruption.delay_minutes} minutes"
            )
            return "disruption", f"{label} {what}; the traveller has not rebooked yet"
    return str(booking.status), f"Booking {booking.id} is {booking.status}"


async def _booking_view(
    session: AsyncSession,
    booking: Booking,
    since: datetime,
    items: Sequence[ReviewItem],
    *,
    now: datetime,
    resolution: ResolutionView | None = None,
) -> ReviewItemView:
    cause, detail = await _cause(session, booking, items)
    return ReviewItemView(
        item_id=f"booking:{booking.id}",
        kind="booking",
        state="resolved" if resolution is not None else "open",
        cause=cause,
        detail=detail,
        since=since,
        age_seconds=max(0, int((now - since).total_seconds())),
        booking_id=booking.id,
        booking_status=booking.status,
        resolution=resolution,
    )


# -- exceptions and outbox events ----------------------------------------------------------


async def _exception_entries(
    session: AsyncSession, org_id: str, after: _Cursor | None, limit: int, state: str | None
) -> list[_Entry]:
    query = select(ReconciliationException).where(
        ReconciliationException.org_id == org_id,
        ReconciliationException.resolved_at.is_(None),
        _after(ReconciliationException.created_at, ReconciliationException.id, "exception", after),
    )
    if state == "open":
        query = query.where(ReconciliationException.resolution.is_(None))
    elif state == "disputed":
        query = query.where(ReconciliationException.resolution == ExceptionResolution.DISPUTED)
    rows = (
        await session.scalars(
            query.order_by(ReconciliationException.created_at, ReconciliationException.id).limit(
                limit
            )
        )
    ).all()
    return [_Entry(r.created_at, _RANK["exception"], r.id, r) for r in rows]


def _exception_view(row: ReconciliationException, *, now: datetime) -> ReviewItemView:
    def money(minor: int | None) -> Money | None:
        return Money.of(minor, row.currency) if minor is not None and row.currency else None

    resolution = (
        ResolutionView(
            outcome=row.resolution,
            note=row.resolution_note,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
        )
        if row.resolution
        else None
    )
    return ReviewItemView(
        item_id=f"exception:{row.id}",
        kind="exception",
        state=row.resolution or "open",
        cause=row.kind,
        detail=row.detail or row.kind,
        since=row.created_at,
        age_seconds=max(0, int((now - row.created_at).total_seconds())),
        booking_id=row.booking_id,
        expected=money(row.expected_minor),
        actual=money(row.actual_minor),
        resolution=resolution,
    )


async def _outbox_entries(
    session: AsyncSession, org_id: str, after: _Cursor | None, limit: int
) -> list[_Entry]:
    abandoned = type_coerce(OutboxEvent.abandoned_at, UTCDateTime())
    rows = (
        await session.scalars(
            select(OutboxEvent)
            .where(
                OutboxEvent.org_id == org_id,
                OutboxEvent.abandoned_at.is_not(None),
                OutboxEvent.resolved_at.is_(None),
                _after(abandoned, OutboxEvent.id, "outbox", after),
            )
            .order_by(OutboxEvent.abandoned_at, OutboxEvent.id)
            .limit(limit)
        )
    ).all()
    return [_Entry(r.abandoned_at, _RANK["outbox"], r.id, r) for r in rows if r.abandoned_at]


def _outbox_view(row: OutboxEvent, *, now: datetime) -> ReviewItemView:
    assert row.abandoned_at is not None
    booking_id = row.payload.get("booking_id") if isinstance(row.payload, dict) else None
    resolution = (
        ResolutionView(
            outcome="resolved",
            note=row.resolution_note,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
        )
        if row.resolved_at is not None
        else None
    )
    return ReviewItemView(
        item_id=f"outbox:{row.id}",
        kind="outbox",
        state="resolved" if resolution is not None else "open",
        cause="delivery_abandoned",
        detail=f"{row.topic} could not be delivered after {row.attempts} attempts: "
        f"{row.last_error or 'no error recorded'}"[:1000],
        since=row.abandoned_at,
        age_seconds=max(0, int((now - row.abandoned_at).total_seconds())),
        booking_id=booking_id if isinstance(booking_id, str) else None,
        resolution=resolution,
    )


# -- resolving -----------------------------------------------------------------------------


def _parse_item_id(item_id: str) -> tuple[str, str]:
    match = _ITEM_ID.match(item_id)
    if match is None:
        raise ValidationFailed(
            "item_id is booking:<booking id>, exception:<id> or outbox:<id>", field="item_id"
        )
    if match.group(1):
        return "booking", match.group(2)
    if int(match.group(4)) > _INT_MAX:
        raise ValidationFailed("item_id's number is too large", field="item_id")
    return match.group(3), match.group(4)


async def resolve_review_item(
    session: AsyncSession,
    caller: Caller,
    item_id: str,
    *,
    outcome: ExceptionResolution,
    note: str,
    now: datetime,
) -> ReviewItemView:
    """Resolve one item of the caller's organization's queue with a note."""
    require_reviewer(caller)
    kind, ref = _parse_item_id(item_id)
    note = note.strip()
    if not 1 <= len(note) <= NOTE_MAX:
        raise ValidationFailed(f"A note of 1 to {NOTE_MAX} characters is required", field="note")
    outcome = ExceptionResolution(outcome)
    if outcome in MONEY_OUTCOMES:
        if kind != "exception":
            raise ValidationFailed(
                "Only a reconciliation exception can be disputed, written off or adjusted",
                field="outcome",
            )
        if not rights_of(caller).settles:
            raise Forbidden("Only finance marks an exception disputed, written off or adjusted")
    if kind == "exception":
        return await _resolve_exception(session, caller, int(ref), outcome, note, now=now)
    if kind == "outbox":
        return await _resolve_outbox(session, caller, int(ref), note, now=now)
    return await _resolve_booking(session, caller, ref, note, now=now)


def _closed(item_id: str, outcome: str | None, by: str | None) -> ReviewItemClosed:
    who = f" by {by}" if by else ""
    return ReviewItemClosed(
        f"{item_id} is already {outcome or 'resolved'}{who}", outcome=outcome, resolved_by=by
    )


def _unsettled(outcome: ExceptionResolution) -> ColumnElement[bool]:
    """The guard of an exception's resolution: nobody settled it meanwhile (a dispute
    may still be settled; only an untouched exception may be disputed)."""
    still_open = ReconciliationException.resolved_at.is_(None)
    if outcome == ExceptionResolution.DISPUTED:
        return and_(still_open, ReconciliationException.resolution.is_(None))
    return still_open


async def _load_exception(
    session: AsyncSession, org_id: str, exception_id: int
) -> ReconciliationException | None:
    return await session.scalar(
        select(ReconciliationException)
        .where(
            ReconciliationException.id == exception_id,
            ReconciliationException.org_id == org_id,
        )
        .execution_options(populate_existing=True)
    )


async def _resolve_exception(
    session: AsyncSession,
    caller: Caller,
    exception_id: int,
    outcome: ExceptionResolution,
    note: str,
    *,
    now: datetime,
) -> ReviewItemView:
    item_id = f"exception:{exception_id}"
    row = await _load_exception(session, caller.org_id, exception_id)
    if row is None:
        raise NotFound(f"No review item {item_id}")
    if row.resolution == outcome and row.resolution_note == note:
        return _exception_view(row, now=now)  # told again: the first answer stands
    disputed_again = row.resolution == outcome == ExceptionResolution.DISPUTED
    if row.resolved_at is not None or disputed_again:
        raise _closed(item_id, row.resolution, row.resolved_by)
    settled = outcome != ExceptionResolution.DISPUTED
    result = await session.execute(
        update(ReconciliationException)
        .where(ReconciliationException.id == exception_id, _unsettled(outcome))
        .values(
            resolution=outcome,
            resolution_note=note,
            resolved_by=caller.user_id,
            resolved_at=now if settled else None,
        )
        .execution_options(synchronize_session=False)
    )
    row = await _load_exception(session, caller.org_id, exception_id)
    assert row is not None
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # Another person settled it first: their decision stands.
        if row.resolution == outcome and row.resolution_note == note:
            return _exception_view(row, now=now)
        raise _closed(item_id, row.resolution, row.resolved_by)
    audit.record(
        session,
        org_id=caller.org_id,
        actor_id=caller.user_id,
        action=f"review.{outcome}",
        entity="reconciliation_exception",
        entity_id=str(exception_id),
        at=now,
    )
    return _exception_view(row, now=now)


async def _resolve_outbox(
    session: AsyncSession, caller: Caller, event_id: int, note: str, *, now: datetime
) -> ReviewItemView:
    item_id = f"outbox:{event_id}"

    async def load() -> OutboxEvent | None:
        return await session.scalar(
            select(OutboxEvent)
            .where(
                OutboxEvent.id == event_id,
                OutboxEvent.org_id == caller.org_id,
                OutboxEvent.abandoned_at.is_not(None),
            )
            .execution_options(populate_existing=True)
        )

    row = await load()
    if row is None:
        raise NotFound(f"No review item {item_id}")
    if row.resolved_at is None:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id, OutboxEvent.resolved_at.is_(None))
            .values(resolved_at=now, resolved_by=caller.user_id, resolution_note=note)
            .execution_options(synchronize_session=False)
        )
        row = await load()
        assert row is not None
        if row.resolved_at == now and row.resolved_by == caller.user_id:
            audit.record(
                session,
                org_id=caller.org_id,
                actor_id=caller.user_id,
                action="review.resolved",
                entity="outbox",
                entity_id=str(event_id),
                at=now,
            )
    if row.resolution_note != note:
        raise _closed(item_id, "resolved", row.resolved_by)
    return _outbox_view(row, now=now)


async def _resolve_booking(
    session: AsyncSession, caller: Caller, booking_id: str, note: str, *, now: datetime
) -> ReviewItemView:
    item_id = f"booking:{booking_id}"
    booking = await session.scalar(
        select(Booking)
        .where(Booking.id == booking_id, Booking.org_id == caller.org_id)
        .execution_options(populate_existing=True)
    )
    if booking is None:
        raise NotFound(f"No review item {item_id}")
    status_since = utc(booking.status_changed_at or booking.updated_at)
    items = await _open_items(session, booking.id)
    reviewed = await session.scalar(
        select(
            exists().where(
                ReviewItem.booking_id == booking.id,
                ReviewItem.resolved_by.is_not(None),
                ReviewItem.resolved_at >= status_since,
            )
        )
    )
    waits = booking.status in REVIEW_STATUSES and not reviewed
    if not items and not waits:
        return await _booking_replay(session, caller, booking, note, now=now)
    since = min(([status_since] if waits else []) + [utc(i.created_at) for i in items])
    person = {"resolved_at": now, "resolved_by": caller.user_id, "resolution_note": note}
    resolved = await session.execute(
        update(ReviewItem)
        .where(ReviewItem.booking_id == booking.id, ReviewItem.resolved_at.is_(None))
        .values(**person)
        .execution_options(synchronize_session=False)
    )
    won = resolved.rowcount > 0  # type: ignore[attr-defined]
    if waits and not items:
        # Nothing recorded why: the resolution is kept under the status itself, one row
        # per booking and status, taken over when the booking comes back to it later.
        added = await session.scalar(
            insert_ignoring_duplicates(session, ReviewItem)
            .values(
                org_id=booking.org_id,
                booking_id=booking.id,
                reason=booking.status,
                detail="",
                created_at=status_since,
                **person,
            )
            .returning(ReviewItem.id)
        )
        if added is None:
            taken = await session.execute(
                update(ReviewItem)
                .where(
                    ReviewItem.booking_id == booking.id,
                    ReviewItem.reason == booking.status,
                    or_(ReviewItem.resolved_at.is_(None), ReviewItem.resolved_at < status_since),
                )
                .values(created_at=status_since, **person)
                .execution_options(synchronize_session=False)
            )
            added = taken.rowcount or None  # type: ignore[attr-defined]
        won = added is not None
    if not won:  # another person resolved it first
        return await _booking_replay(session, caller, booking, note, now=now)
    audit.record(
        session,
        org_id=caller.org_id,
        actor_id=caller.user_id,
        action="review.resolved",
        entity="booking",
        entity_id=booking.id,
        at=now,
    )
    resolution = ResolutionView(
        outcome="resolved", note=note, resolved_by=caller.user_id, resolved_at=now
    )
    return await _booking_view(session, booking, since, items, now=now, resolution=resolution)


async def _booking_replay(
    session: AsyncSession, caller: Caller, booking: Booking, note: str, *, now: datetime
) -> ReviewItemView:
    """A booking with nothing left to review: the same resolution told again answers
    what was recorded; anything else is REVIEW_ITEM_CLOSED."""
    item_id = f"booking:{booking.id}"
    last = (
        await session.scalars(
            select(ReviewItem)
            .where(ReviewItem.booking_id == booking.id, ReviewItem.resolved_by.is_not(None))
            .order_by(ReviewItem.resolved_at.desc(), ReviewItem.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    if not last:
        raise ReviewItemClosed(f"{item_id} has nothing to review (it is {booking.status})")
    first = last[0]
    if first.resolution_note != note:
        raise _closed(item_id, "resolved", first.resolved_by)
    assert first.resolved_at is not None
    same = [i for i in last if i.resolved_at == first.resolved_at]
    resolution = ResolutionView(
        outcome="resolved",
        note=first.resolution_note,
        resolved_by=first.resolved_by,
        resolved_at=first.resolved_at,
    )
    since = min(utc(i.created_at) for i in same)
    status_since = utc(booking.status_changed_at or booking.updated_at)
    if booking.status in REVIEW_STATUSES and status_since <= first.resolved_at:
        since = min(since, status_since)
    return await _booking_view(session, booking, since, same, now=now, resolution=resolution)
