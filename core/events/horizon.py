"""How far the feed may read: never past an outbox id that a transaction may still commit.

An outbox id is taken when its row is inserted and becomes visible when its transaction
commits. On PostgreSQL two transactions commit in any order: T1 takes 10, T2 takes 11
and commits first; a stream that read 11 and moved its cursor there would never see 10.
So a stream reads only up to its **horizon**: the last id before the first id that is
not visible yet (a *gap*) — unless that gap is settled, i.e. no transaction can fill it
any more (it rolled back, or its ``INSERT`` failed on the unique key).

A gap is settled when every transaction that may own it has ended. Which one owns it is
not recorded, but its owner had the id before the visible ids above it, so it was running
by the time the gap was seen. A gap first seen ``settle_seconds`` ago (by then its owner's
insert has its transaction id) records the snapshot's ``xmax``; once the oldest running
transaction (``xmin``) is past that, every owner it could have has ended. A transaction
that stays open (an idle session anywhere on the server holds ``xmin`` back) cannot hold
the feed for more than ``grace_seconds``: past that the gap is let go. A gap is usually
filled within milliseconds (its commit wakes the stream, which reads again), and settled
within a second when its transaction rolled back.

SQLite has one writer at a time: ids commit in their order and nothing is ever held.
The gaps are remembered per process (one :class:`CommitHorizon` per runtime, shared by
its streams), so a gap many streams see is timed once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import OutboxEvent

#: Ids walked per read (the stream reads again at once when a walk was full).
WALK = 1000
#: How long after a gap is first seen its owner surely has a transaction id.
SETTLE_SECONDS = 0.5
#: A stream that opens without ``Last-Event-ID`` starts here below the newest id, to
#: pick up the ids then still in flight (and only those: the rest is "before now").
LOOK_BACK = 200
#: Gaps remembered at most (the oldest are dropped; seen again, they are timed again).
MAX_GAPS = 10_000

_SNAPSHOT = text(
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,"
    " pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
)


@dataclass
class _Gap:
    seen: float  # when first seen (monotonic seconds)
    xmax: int | None = None  # PostgreSQL's next transaction id, settle_seconds later


@dataclass(frozen=True)
class Reach:
    """Where a stream may read up to now."""

    upto: int | None  # read ids up to this one (None: no limit — ids commit in order)
    holding: bool = False  # a gap not settled yet stops it: read again soon
    more: bool = False  # the walk was full: read again at once


@dataclass
class FeedCursor:
    """A stream's place in the feed: ``after`` is delivered (or not the caller's); ids up
    to ``skip_through`` were committed before the stream opened — except ``late``, then
    still in flight, whose commit is news."""

    after: int
    skip_through: int = 0
    late: frozenset[int] = frozenset()

    def wanted(self, event_id: int) -> bool:
        return event_id > self.skip_through or event_id in self.late


class CommitHorizon:
    """One per runtime: the feed's horizon, from the gaps this process has seen."""

    def __init__(
        self,
        *,
        grace_seconds: float,
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.grace_seconds = grace_seconds
        self.settle_seconds = settle_seconds
        self.clock = clock
        self._gaps: dict[int, _Gap] = {}

    @staticmethod
    def _ordered(session: AsyncSession) -> bool:
        """Whether ids commit in their order (one writer at a time: SQLite)."""
        return session.get_bind().dialect.name != "postgresql"

    async def start(self, session: AsyncSession) -> FeedCursor:
        """Where a stream opened without ``Last-Event-ID`` starts: after everything
        committed so far, and before the ids still in flight (they are news)."""
        newest = int(await session.scalar(select(func.max(OutboxEvent.id))) or 0)
        if self._ordered(session):
            return FeedCursor(after=newest)
        after = max(newest - LOOK_BACK, 0)
        visible = set(
            (
                await session.scalars(
                    select(OutboxEvent.id).where(
                        OutboxEvent.id > after, OutboxEvent.id <= newest
                    )
                )
            ).all()
        )
        late = frozenset(set(range(after + 1, newest + 1)) - visible)
        if not late:
            return FeedCursor(after=newest)
        return FeedCursor(after=min(late) - 1, skip_through=newest, late=late)

    async def reach(self, session: AsyncSession, after: int) -> Reach:
        """How far past ``after`` every id is committed or never will be."""
        if self._ordered(session):
            return Reach(upto=None)
        # The snapshot before the ids: a gap whose owners all ended by then is read filled.
        xmin, xmax = (int(v) for v in (await session.execute(_SNAPSHOT)).one())
        ids = (
            await session.scalars(
                select(OutboxEvent.id)
                .where(OutboxEvent.id > after)
                .order_by(OutboxEvent.id)
                .limit(WALK)
            )
        ).all()
        now = self.clock()
        # Every gap of the walk is timed from now on, not only the first: a stream far
        # behind passes old gaps (rolled back long ago) together, not one by one.
        missing: list[int] = []
        previous = after
        for event_id in ids:
            self._gaps.pop(event_id, None)  # filled
            missing.extend(range(previous + 1, event_id)[: WALK - len(missing)])
            previous = event_id
        for gap_id in missing:
            gap = self._gaps.setdefault(gap_id, _Gap(seen=now))
            if gap.xmax is None and now - gap.seen >= self.settle_seconds:
                gap.xmax = xmax  # every transaction that may own it is older than this
        while len(self._gaps) > MAX_GAPS:
            del self._gaps[next(iter(self._gaps))]
        horizon = after
        for event_id in ids:
            for gap_id in range(horizon + 1, event_id):
                if not self._settled(gap_id, now, xmin):
                    return Reach(upto=horizon, holding=True)
            horizon = event_id
        return Reach(upto=horizon, more=len(ids) == WALK)

    def _settled(self, gap_id: int, now: float, xmin: int) -> bool:
        gap = self._gaps.get(gap_id)
        if gap is None:  # past this walk's budget: timed on a later read
            return False
        if now - gap.seen >= self.grace_seconds:
            return True
        return gap.xmax is not None and xmin >= gap.xmax
