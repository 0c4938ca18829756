"""Whether a change is the airline's doing: the change-fee waiver of a disruption.

A disruption waives the change fee (and the advance-purchase rule) for the
alternatives it offers — a flight between the same airports or metro areas leaving
within its window (:func:`core.disruption.alternatives.covers`) — and for nothing
else: moving a delayed JFK→LHR trip to BOS→ORD months later is an ordinary change.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.disruption.alternatives import Window, covers
from core.models import Disruption, DisruptionStatus, Flight, Segment
from core.policy.items import FlightItem


async def waiving_disruption(
    session: AsyncSession,
    settings: Settings,
    *,
    booking_id: str,
    old_legs: Sequence[Segment],
    new: FlightItem,
) -> Disruption | None:
    """The open disruption of one of ``old_legs`` (the flight being replaced, every leg)
    when ``new`` is one of its alternatives; ``None`` when the change is the traveller's."""
    legs = sorted((s for s in old_legs if s.flight_id is not None), key=lambda s: s.position)
    flight_ids = [s.flight_id for s in legs]
    disruption = await session.scalar(
        select(Disruption)
        .where(
            Disruption.booking_id == booking_id,
            Disruption.status == DisruptionStatus.OPEN,
            Disruption.flight_id.in_(flight_ids),
        )
        .order_by(Disruption.created_at.desc())
        .limit(1)
    )
    if disruption is None:
        return None
    first = await session.get(Flight, flight_ids[0])
    last = await session.get(Flight, flight_ids[-1])
    assert first is not None
    assert last is not None
    if await covers(
        session,
        Window.of(settings),
        original=(first.origin, last.destination, first.depart_at),
        new=(new.origin, new.destination, new.depart_at),
    ):
        return disruption
    return None
