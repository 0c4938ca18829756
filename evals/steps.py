"""Things that happen around a conversation: setup bookings, airline status
messages, a manager's decision, time passing, jobs, supplier faults.

Each goes through the same door the product uses — the signed flight-status feed,
the core approval service, the real tools, the job functions — so a scenario
exercises the system, not a shortcut into its tables.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.approval.service import list_approvals
from core.booking.on_approval import decide_approval
from core.clock import FrozenClock
from core.disruption.feed import receive_flight_status, sign
from core.identity import Caller
from core.jobs import default_jobs
from core.models import Flight, Segment, SegmentKind, User
from core.runtime import Runtime
from evals.schema import BookStep, DecisionStep, FaultStep, FlightStatusStep, Step
from tools.base import ToolContext
from tools.registry import TOOLS


class StepFailed(RuntimeError):
    """A setup step could not be carried out (the scenario or the world is wrong)."""


@dataclass
class StepLog:
    kind: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"step": self.kind, **self.detail}


async def caller_of(rt: Runtime, user_id: str) -> Caller:
    async with rt.db.uow(write=False) as session:
        user = await session.get(User, user_id)
        if user is None:
            raise StepFailed(f"no user {user_id!r}")
        return Caller.of(user)


def render_refs(text: str, refs: dict[str, str]) -> str:
    """Fill ``{last_booking}`` and the like (dates were resolved when the scenario loaded)."""
    for name, value in refs.items():
        text = text.replace("{" + name + "}", value)
    return text


async def run_step(rt: Runtime, step: Step, *, counter: int, refs: dict[str, str]) -> StepLog:
    if step.flight_status is not None:
        return await _flight_status(rt, step.flight_status, refs)
    if step.decide is not None:
        return await _decide(rt, step.decide)
    if step.book is not None:
        return await _book(rt, step.book, counter=counter)
    if step.advance is not None:
        clock = rt.clock
        if not isinstance(clock, FrozenClock):
            raise StepFailed("advance needs the frozen clock")
        now = clock.advance(timedelta(**step.advance))
        return StepLog("advance", {"now": now.isoformat()})
    if step.jobs is not None:
        return await _jobs(rt, step.jobs)
    if step.supplier_fault is not None:
        return _fault(rt, step.supplier_fault)
    raise StepFailed(f"{step.kind} is a user turn, not a step")


async def _flight_status(rt: Runtime, spec: FlightStatusStep, refs: dict[str, str]) -> StepLog:
    booking_id = render_refs(spec.booking, refs)
    async with rt.db.uow(write=False) as session:
        flights = list(
            await session.scalars(
                select(Flight)
                .join(Segment, Segment.flight_id == Flight.id)
                .where(Segment.booking_id == booking_id, Segment.kind == SegmentKind.FLIGHT)
                .order_by(Segment.position)
            )
        )
    if len(flights) <= spec.segment:
        raise StepFailed(f"booking {booking_id} has no flight segment #{spec.segment}")
    flight = flights[spec.segment]
    body = json.dumps(
        {
            "carrier": flight.carrier,
            "number": flight.number,
            "date": flight.date.isoformat(),
            "status": spec.status,
            "delay_minutes": spec.delay_minutes,
        }
    ).encode()
    stamp = str(int(rt.clock.now().timestamp()))
    outcome = await receive_flight_status(
        rt, body, timestamp=stamp, signature=sign(rt.settings.flight_webhook_secret, stamp, body)
    )
    if outcome.status_code >= 300:
        raise StepFailed(f"flight-status feed answered {outcome.status_code}: {outcome.body}")
    return StepLog(
        "flight_status",
        {
            "booking_id": booking_id,
            "flight": f"{flight.carrier} {flight.number}",
            "outcome": outcome.body,
        },
    )


async def _decide(rt: Runtime, spec: DecisionStep) -> StepLog:
    who = await caller_of(rt, spec.by)
    async with rt.db.uow(write=False) as session:
        waiting = await list_approvals(session, who, status="pending")
    if not waiting:
        raise StepFailed(f"nothing waits for {spec.by}'s decision")
    approval_id = waiting[0].approval_id
    view = await decide_approval(rt, who, approval_id, decision=spec.decision, note=spec.note)
    return StepLog(
        "decide",
        {
            "approval_id": approval_id,
            "by": spec.by,
            "decision": spec.decision,
            "status": str(view.status),
        },
    )


def _money(value: dict[str, Any]) -> float:
    return float(value["amount"])


async def _book(rt: Runtime, spec: BookStep, *, counter: int) -> StepLog:
    who = await caller_of(rt, spec.traveler)
    # Unique per trial: on a shared (server) database a repeated key would replay an
    # earlier trial's booking instead of making this one.
    thread = f"eval-setup-{uuid.uuid4().hex[:12]}-{counter}"

    def ctx(call: str) -> ToolContext:
        return ToolContext.for_call(rt, who, thread_id=thread, tool_call_id=call)

    if spec.city is not None:
        found = await TOOLS["search_hotels"].invoke(
            ctx("search"),
            {
                "city": spec.city,
                "check_in": spec.check_in,
                "check_out": spec.check_out,
                "rooms": spec.passengers,
                "limit": 10,
            },
        )
    else:
        found = await TOOLS["search_flights"].invoke(
            ctx("search"),
            {
                "origin": spec.origin,
                "destination": spec.destination,
                "date": spec.date,
                "cabin": spec.cabin,
                "passengers": spec.passengers,
                "max_stops": 0 if spec.direct else 1,
                "limit": 10,
            },
        )
    options = list(found.get("options") or [])
    if spec.pick == "refundable":
        options = [o for o in options if o.get("refundable")]
    elif spec.pick == "nonrefundable":
        options = [o for o in options if not o.get("refundable")]
    options = [o for o in options if o["policy"]["status"] != "red"]
    if not options:
        where = spec.city or f"{spec.origin}→{spec.destination}"
        raise StepFailed(f"no {spec.pick} offer for {where} on {spec.date or spec.check_in}")
    offer = min(options, key=lambda o: _money(o["total"]))
    held = await TOOLS["reserve"].invoke(
        ctx("reserve"), {"items": [{"offer_id": offer["offer_id"], "quantity": spec.passengers}]}
    )
    status = held["status"]
    if spec.confirm:
        confirmed = await TOOLS["confirm_booking"].invoke(
            ctx("confirm"), {"booking_id": held["booking_id"]}
        )
        status = confirmed["status"]
    return StepLog(
        "book",
        {
            "booking_id": held["booking_id"],
            "offer_id": offer["offer_id"],
            "status": status,
            "flights": offer.get("flights"),
            "hotel": offer.get("name"),
        },
    )


async def _jobs(rt: Runtime, names: list[str]) -> StepLog:
    jobs = {job.name: job for job in default_jobs()}
    unknown = [n for n in names if n not in jobs]
    if unknown:
        raise StepFailed(f"unknown jobs {unknown}; known: {sorted(jobs)}")
    handled = {name: await jobs[name].run(rt) for name in names}
    return StepLog("jobs", {"handled": handled})


def _fault(rt: Runtime, spec: FaultStep) -> StepLog:
    kinds = ("flight", "hotel") if spec.kind == "both" else (spec.kind,)
    for kind in kinds:
        supplier: Any = rt.suppliers[kind]
        target = getattr(supplier, "inner", supplier)
        faults = getattr(target, "faults", None)
        if faults is None:
            raise StepFailed(f"the {kind} supplier takes no fault injection")
        faults.set(mode=spec.mode, rate=spec.rate)
    return StepLog("supplier_fault", {"mode": spec.mode, "rate": spec.rate, "kind": spec.kind})
