"""The final state of a trial, read from the database through the core models.

The graders judge this snapshot, never the agent's words: a booking is confirmed
because its row says so, money came back because the payment rows say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from core.models import (
    ApprovalStep,
    ApprovalWorkflow,
    Booking,
    FareInventory,
    Flight,
    Hold,
    HoldStatus,
    Hotel,
    Payment,
    Segment,
    SegmentKind,
)
from core.money import to_major_str
from core.runtime import Runtime
from core.search.offers import FlightOfferRef, parse_offer_id


async def snapshot(rt: Runtime, *, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Bookings (with segments and money), approval workflows and active holds.

    ``only``: just these bookings (and their approvals and holds) — for a database
    shared with other runs, such as a running server's.
    """
    wanted = set(only) if only is not None else None

    def scoped(stmt: Any, column: Any) -> Any:
        return stmt if wanted is None else stmt.where(column.in_(wanted))

    async with rt.db.uow(write=False) as session:
        bookings = list(
            await session.scalars(
                scoped(select(Booking), Booking.id).order_by(Booking.created_at, Booking.id)
            )
        )
        segments = list(
            await session.scalars(
                scoped(select(Segment), Segment.booking_id).order_by(
                    Segment.booking_id, Segment.position
                )
            )
        )
        flights = {
            f.id: f
            for f in await session.scalars(
                select(Flight).where(Flight.id.in_({s.flight_id for s in segments if s.flight_id}))
            )
        }
        hotels = {
            h.id: h
            for h in await session.scalars(
                select(Hotel).where(Hotel.id.in_({s.hotel_id for s in segments if s.hotel_id}))
            )
        }
        payments = list(await session.scalars(scoped(select(Payment), Payment.booking_id)))
        workflows = list(
            await session.scalars(
                scoped(select(ApprovalWorkflow), ApprovalWorkflow.booking_id).order_by(
                    ApprovalWorkflow.created_at
                )
            )
        )
        steps = list(
            await session.scalars(
                select(ApprovalStep)
                .where(ApprovalStep.workflow_id.in_({wf.id for wf in workflows}))
                .order_by(ApprovalStep.workflow_id, ApprovalStep.ordinal)
            )
        )
        active_holds = await session.scalar(
            scoped(
                select(func.count()).select_from(Hold).where(Hold.status == HoldStatus.ACTIVE),
                Hold.booking_id,
            )
        )

    out_bookings = []
    for b in bookings:
        mine = [p for p in payments if p.booking_id == b.id]
        segs = [s for s in segments if s.booking_id == b.id]
        out_bookings.append(
            {
                "booking_id": b.id,
                "traveler": b.traveler_id,
                "created_by": b.created_by,
                "status": str(b.status),
                "policy": str(b.policy_status),
                "total": float(to_major_str(b.total_minor, b.currency)),
                "currency": b.currency,
                "approval_id": b.approval_id,
                "captured_minor": sum(p.captured_minor for p in mine),
                "refunded_minor": sum(p.refunded_minor for p in mine),
                "flights": [
                    _flight_segment(s, flights.get(s.flight_id or -1))
                    for s in segs
                    if s.kind == SegmentKind.FLIGHT
                ],
                "hotels": [
                    _hotel_segment(s, hotels.get(s.hotel_id or ""))
                    for s in segs
                    if s.kind == SegmentKind.HOTEL
                ],
            }
        )
    out_approvals = [
        {
            "approval_id": wf.id,
            "booking_id": wf.booking_id,
            "traveler": wf.traveler_id,
            "status": str(wf.status),
            "steps": [
                {"role": s.role, "approver": s.approver_id, "status": str(s.status)}
                for s in steps
                if s.workflow_id == wf.id
            ],
        }
        for wf in workflows
    ]
    return {
        "bookings": out_bookings,
        "approvals": out_approvals,
        "active_holds": int(active_holds or 0),
    }


def _flight_segment(s: Segment, f: Flight | None) -> dict[str, Any]:
    return {
        "segment_id": s.id,
        "status": str(s.status),
        "date": f.date.isoformat() if f else None,
        "origin": f.origin if f else None,
        "destination": f.destination if f else None,
        "flight": f"{f.carrier} {f.number}" if f else None,
        "cabin": s.cabin,
        "quantity": s.quantity,
        "refundable": s.refundable,
    }


def _hotel_segment(s: Segment, h: Hotel | None) -> dict[str, Any]:
    return {
        "segment_id": s.id,
        "status": str(s.status),
        "city": h.city if h else None,
        "hotel": h.name if h else None,
        "check_in": s.check_in.isoformat() if s.check_in else None,
        "check_out": s.check_out.isoformat() if s.check_out else None,
        "quantity": s.quantity,
    }


async def resolve_offers(rt: Runtime, offer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What each offer id stands for: route, date, cabin (flights); city and dates (hotels).

    Lets an expectation say "the offer chosen is on the 18th to London" instead of
    naming an id that depends on the seed.
    """
    resolved: dict[str, dict[str, Any]] = {}
    async with rt.db.uow(write=False) as session:
        for offer_id in set(offer_ids):
            try:
                ref = parse_offer_id(offer_id)
            except Exception:
                continue
            if isinstance(ref, FlightOfferRef):
                legs = []
                for fare_id in ref.fare_inventory_ids:
                    row = (
                        await session.execute(
                            select(FareInventory, Flight)
                            .join(Flight, Flight.id == FareInventory.flight_id)
                            .where(FareInventory.id == fare_id)
                        )
                    ).first()
                    if row is not None:
                        legs.append(row)
                if not legs:
                    continue
                first_fare, first = legs[0]
                last = legs[-1][1]
                resolved[offer_id] = {
                    "kind": "flight",
                    "date": first.date.isoformat(),
                    "origin": first.origin,
                    "destination": last.destination,
                    "cabin": first_fare.cabin,
                    "stops": len(legs) - 1,
                    "flights": [f"{f.carrier} {f.number}" for _, f in legs],
                    "carrier": first.carrier,
                    "refundable": first_fare.refundable,
                }
            else:
                hotel = await session.get(Hotel, ref.hotel_id)
                resolved[offer_id] = {
                    "kind": "hotel",
                    "city": hotel.city if hotel else None,
                    "hotel": hotel.name if hotel else None,
                    "check_in": ref.check_in.isoformat(),
                    "check_out": ref.check_out.isoformat(),
                }
    return resolved
