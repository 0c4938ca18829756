"""Approval workflows: start, list, decide, escalate, expire.

The policy engine says *which roles* must approve (``verdict["approvals_required"]``,
already in the organization's chain order); this module turns them into ordered
steps with people from the org chart and walks them one at a time:

* ``manager`` is the traveller's manager; VP Finance, the executive and any other
  role is the first user of the organization holding it. Nobody approves their own
  trip or a trip they booked: such a candidate hands over to their own manager, and
  an organization without anyone suitable falls back to its admin.
* A person who would approve twice (Mia is both the manager and the VP Finance)
  is asked once: their approval covers both roles.
* Exactly one step is open at a time (``pending``, or ``escalated`` past its SLA).
  Deciding it is a conditional UPDATE (``… WHERE status IN ('pending','escalated')``),
  so of two concurrent decisions exactly one wins; the loser gets
  ``ApprovalAlreadyDecided``.

Services take the session and never commit. A decision or an expiry that *ends* a
workflow returns a :class:`Finished`: the outcome, nothing more. This package never
imports booking (import-linter holds it to that); the booking flows react to the
outcome after the commit (``core.booking.on_approval``: decide, expire, settle).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, outbox
from core.approval.views import (
    ApprovalItemView,
    ApprovalView,
    StepView,
    TravelerRef,
    TripSummary,
    WaitingOn,
)
from core.clock import utc
from core.config import Settings
from core.errors import (
    ApprovalAlreadyDecided,
    ApprovalClosed,
    ApprovalStepNotReached,
    ApproverNotFound,
    Forbidden,
    NotFound,
    RejectionNoteRequired,
    ValidationFailed,
)
from core.identity import Caller
from core.ids import random_code
from core.models import (
    OPEN_STEP_STATUSES,
    ApprovalStatus,
    ApprovalStep,
    ApprovalSubject,
    ApprovalWorkflow,
    Booking,
    BookingChange,
    BookingStatus,
    ChangeStatus,
    Flight,
    Hotel,
    Role,
    Segment,
    SegmentKind,
    StepStatus,
    User,
)
from core.money import Money, format_money, money_text
from core.orgchart import ORG_WIDE_ROLES, report_ids
from core.policy.views import PolicySummary
from core.runtime import Runtime

log = logging.getLogger(__name__)

DECISIONS = ("approve", "reject")
NOTE_MAX = 500
#: A finished workflow whose subject was not told within this long is retried by the job.
SETTLE_RETRY_AFTER = timedelta(seconds=60)
LIST_STATUSES = ("pending", "all", *(s.value for s in StepStatus))


def approval_reference() -> str:
    """``AP-7Q2M4X9K``: read aloud and typed like booking references."""
    return f"AP-{random_code(8)}"


@dataclass(frozen=True)
class Finished:
    """A workflow that ended in this transaction; its subject is told after commit."""

    workflow_id: str
    subject: str
    subject_id: str
    booking_id: str
    status: str  # approved / rejected / expired
    note: str

    @classmethod
    def of(cls, wf: ApprovalWorkflow) -> Finished:
        return cls(
            workflow_id=wf.id,
            subject=wf.subject,
            subject_id=wf.subject_id,
            booking_id=wf.booking_id,
            status=wf.status,
            note=wf.note or "",
        )


# -- starting -------------------------------------------------------------------------


async def _first_with_role(
    session: AsyncSession, org_id: str, role: str, exclude: set[str]
) -> User | None:
    users = (
        await session.scalars(
            select(User).where(User.org_id == org_id, User.role == role).order_by(User.id)
        )
    ).all()
    return next((u for u in users if u.id not in exclude), None)


async def _up_the_chain(session: AsyncSession, start: str | None, exclude: set[str]) -> User | None:
    """``start`` or the first of their managers who is not excluded (cycles are cut)."""
    seen: set[str] = set()
    current = start
    while current is not None and current not in seen:
        seen.add(current)
        user = await session.get(User, current)
        if user is None:
            return None
        if user.id not in exclude:
            return user
        current = user.manager_id
    return None


async def resolve_approver(
    session: AsyncSession, *, org_id: str, role: str, traveler: User, exclude: set[str]
) -> User:
    """Who approves ``role`` for ``traveler``'s trip (see the module docstring)."""
    if role == Role.MANAGER:
        found = await _up_the_chain(session, traveler.manager_id, exclude)
    else:
        holder = await _first_with_role(session, org_id, role, set())
        if holder is not None and holder.id in exclude:
            found = await _up_the_chain(session, holder.manager_id, exclude)
        else:
            found = holder
    if found is None or found.org_id != org_id:
        found = await _first_with_role(session, org_id, Role.ADMIN, exclude)
    if found is None:
        raise ApproverNotFound(
            f"Nobody in the organization can approve as {role_label(role)}; "
            "ask an admin to set up the org chart"
        )
    return found


async def approvers_for(
    session: AsyncSession, caller: Caller, traveler_id: str | None, roles: list[str]
) -> dict[str, str]:
    """Who each of ``roles`` would wait on, by name, for a trip ``caller`` books for
    ``traveler_id`` (the caller when None): resolved as :func:`start_workflow` will
    resolve them once the trip is held, so a search's options name the traveller's
    approver, not the caller's manager (Mia booking for her report Ava: Ava's manager is
    Mia, who booked it, so it goes up to Victor; an admin booking for Ava: Mia). A role
    nobody fills is left out. Read only; the caller's right to book for the traveller is
    checked where the trip is held (``core.booking.access.resolve_traveler``)."""
    traveler = await session.get(User, traveler_id or caller.user_id)
    if traveler is None or traveler.org_id != caller.org_id:
        return {}
    exclude = {traveler.id, caller.user_id}
    named: dict[str, str] = {}
    for role in dict.fromkeys(roles):
        try:
            approver = await resolve_approver(
                session, org_id=caller.org_id, role=role, traveler=traveler, exclude=exclude
            )
        except ApproverNotFound:
            continue
        named[role] = approver.name
    return named


async def _approval_deadline(
    session: AsyncSession, booking: Booking, *, now: datetime, settings: Settings
) -> datetime:
    """The configured hold deadline, but never past the trip's first departure: an
    approval that arrives after the plane has left is worth nothing."""
    deadline = now + timedelta(seconds=settings.approval_hold_deadline_seconds)
    first = await session.scalar(
        select(Flight.depart_at)
        .join(Segment, Segment.flight_id == Flight.id)
        .where(Segment.booking_id == booking.id)
        .order_by(Flight.depart_at)
        .limit(1)
    )
    if first is not None and now < utc(first) < deadline:
        deadline = utc(first)
    return deadline


async def start_workflow(
    session: AsyncSession,
    *,
    booking: Booking,
    verdict: dict[str, Any],
    now: datetime,
    subject: str = "booking",
    subject_id: str | None = None,
    settings: Settings,
) -> ApprovalWorkflow:
    """Create the workflow for ``verdict["approvals_required"]`` and open its first step.

    Emits ``approval.requested`` to the first approver. Raises ``ApproverNotFound``
    when a role has nobody to fill it (the caller's transaction rolls back).
    ``subject="rebook"`` with ``subject_id`` is for a change of ``booking`` that
    needs approval; ``core.booking.on_approval`` hands its outcome to the rebook.
    """
    subject = ApprovalSubject(subject)
    roles: list[str] = []
    for role in verdict.get("approvals_required") or []:
        if role not in roles:
            roles.append(str(role))
    if not roles:
        raise ValidationFailed("Nothing to approve: the policy asks for no approver")
    traveler = await session.get(User, booking.traveler_id)
    assert traveler is not None
    exclude = {booking.traveler_id, booking.created_by}
    chosen: list[tuple[str, User]] = []
    for role in roles:
        approver = await resolve_approver(
            session, org_id=booking.org_id, role=role, traveler=traveler, exclude=exclude
        )
        if all(approver.id != a.id for _, a in chosen):
            chosen.append((role, approver))

    if subject == ApprovalSubject.BOOKING:
        deadline = await _approval_deadline(session, booking, now=now, settings=settings)
    else:
        # A rebook's flights are not the booking's current ones: the changes flow
        # keeps its own holds, so only the configured deadline applies here.
        deadline = now + timedelta(seconds=settings.approval_hold_deadline_seconds)
    workflow = ApprovalWorkflow(
        id=approval_reference(),
        org_id=booking.org_id,
        booking_id=booking.id,
        subject=subject,
        subject_id=subject_id or booking.id,
        status=ApprovalStatus.PENDING,
        traveler_id=booking.traveler_id,
        requested_by=booking.created_by,
        policy=verdict,
        amount_minor=int(verdict.get("total_minor") or booking.total_minor),
        currency=str(verdict.get("currency") or booking.currency),
        current_step=1,
        deadline=deadline,
        created_at=now,
        updated_at=now,
    )
    session.add(workflow)
    await session.flush()
    steps = [
        ApprovalStep(
            workflow_id=workflow.id,
            org_id=booking.org_id,
            ordinal=n,
            role=role,
            approver_id=approver.id,
            status=StepStatus.WAITING,
        )
        for n, (role, approver) in enumerate(chosen, start=1)
    ]
    first = steps[0]
    first.status = StepStatus.PENDING
    first.opened_at = now
    first.due_at = _due(now, deadline, settings)
    session.add_all(steps)
    await session.flush()
    audit.record(
        session,
        org_id=booking.org_id,
        actor_id=booking.created_by,
        action="approval.started",
        entity="approval",
        entity_id=workflow.id,
        at=now,
        booking_id=booking.id,
        subject=subject,
        approvers=[a.id for _, a in chosen],
    )
    await _emit_requested(session, workflow, first, booking, now=now)
    return workflow


def _due(now: datetime, deadline: datetime, settings: Settings) -> datetime:
    return min(now + timedelta(seconds=settings.approval_step_sla_seconds), deadline)


# -- wording and views ------------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else utc(dt).isoformat().replace("+00:00", "Z")


def _when(dt: datetime) -> str:
    return f"{utc(dt):%a %d %b %H:%M} UTC"


async def trip_summary(session: AsyncSession, booking: Booking) -> TripSummary:
    """What an approver needs to judge a trip: who, where, when, how much."""
    traveler = await session.get(User, booking.traveler_id)
    segments = (
        await session.scalars(
            select(Segment).where(Segment.booking_id == booking.id).order_by(Segment.position)
        )
    ).all()
    stops: list[str] = []
    dates: list[date] = []
    hotels: list[str] = []
    cabins: list[str] = []
    for seg in segments:
        if seg.kind == SegmentKind.FLIGHT and seg.cabin and seg.cabin not in cabins:
            cabins.append(seg.cabin)
        if seg.kind == SegmentKind.FLIGHT and seg.flight_id is not None:
            flight = await session.get(Flight, seg.flight_id)
            if flight is None:
                continue
            if not stops or stops[-1] != flight.origin:
                stops.append(flight.origin)
            stops.append(flight.destination)
            dates.append(flight.date)
        elif seg.hotel_id is not None:
            hotel = await session.get(Hotel, seg.hotel_id)
            if hotel is not None:
                hotels.append(f"{hotel.name}, {hotel.city}")
            if seg.check_in is not None:
                dates.append(seg.check_in)
            if seg.check_out is not None:
                dates.append(seg.check_out)
    route = "→".join(stops) if stops else (hotels[0] if hotels else "")
    return TripSummary(
        booking_id=booking.id,
        status=booking.status,
        traveler=TravelerRef(id=booking.traveler_id, name=traveler.name if traveler else ""),
        route=route,
        hotels=hotels,
        start_date=min(dates) if dates else None,
        end_date=max(dates) if dates else None,
        cabin=" / ".join(cabins) or None,
        total=Money.of(booking.total_minor, booking.currency),
        total_text=money_text(booking.total_minor, booking.currency),
        purpose=booking.purpose,
    )


async def _summary_of(session: AsyncSession, wf: ApprovalWorkflow) -> TripSummary:
    booking = await session.get(Booking, wf.booking_id)
    assert booking is not None
    return await trip_summary(session, booking)


ROLE_LABELS = {"manager": "manager", "vp_finance": "VP Finance", "executive": "executive"}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " "))


def _reasons(wf: ApprovalWorkflow) -> list[str]:
    """Why approval is needed: the amber findings, and the total when it is what asks
    for approvers beyond the manager (or there is no finding at all)."""
    reasons = [str(v.get("message", "")) for v in wf.policy.get("violations", [])]
    roles = [str(r) for r in wf.policy.get("approvals_required", [])]
    if not reasons or any(r != "manager" for r in roles):
        who = ", ".join(role_label(r) for r in roles)
        reasons.append(
            f"Trip total {format_money(wf.amount_minor, wf.currency)} needs approval from {who}"
        )
    return reasons


def _trip_phrase(summary: TripSummary, wf: ApprovalWorkflow) -> str:
    start = summary.start_date.isoformat() if summary.start_date else ""
    parts = [p for p in (summary.route, start) if p]
    parts.append(format_money(wf.amount_minor, wf.currency))
    what = "rebooking of" if wf.subject == ApprovalSubject.REBOOK else "trip"
    return f"{summary.traveler.name}'s {what} {wf.booking_id} ({', '.join(parts)})"


def step_view(step: ApprovalStep) -> StepView:
    return StepView(
        ordinal=step.ordinal,
        role=step.role,
        approver_id=step.approver_id,
        status=step.status,
        due_at=step.due_at,
        decided_by=step.decided_by,
        decided_at=step.decided_at,
        note=step.note,
        escalated_to=step.escalated_to,
        escalated_at=step.escalated_at,
    )


async def _steps(session: AsyncSession, workflow_id: str) -> list[ApprovalStep]:
    return list(
        (
            await session.scalars(
                select(ApprovalStep)
                .where(ApprovalStep.workflow_id == workflow_id)
                .order_by(ApprovalStep.ordinal)
                .execution_options(populate_existing=True)
            )
        ).all()
    )


async def approval_view(session: AsyncSession, wf: ApprovalWorkflow) -> ApprovalView:
    """The workflow with its steps and the trip it is about."""
    booking = await session.get(Booking, wf.booking_id, populate_existing=True)
    assert booking is not None
    return ApprovalView(
        approval_id=wf.id,
        status=wf.status,
        subject=wf.subject,
        subject_id=wf.subject_id,
        booking=await trip_summary(session, booking),
        amount=Money.of(wf.amount_minor, wf.currency),
        reasons=_reasons(wf),
        approvals_required=list(wf.policy.get("approvals_required", [])),
        requested_by=wf.requested_by,
        current_step=wf.current_step,
        deadline=wf.deadline,
        decided_by=wf.decided_by,
        note=wf.note,
        created_at=wf.created_at,
        finished_at=wf.finished_at,
        steps=[step_view(s) for s in await _steps(session, wf.id)],
    )


# -- reading ----------------------------------------------------------------------------


async def load_workflow(session: AsyncSession, org_id: str, approval_id: str) -> ApprovalWorkflow:
    wf = await session.scalar(
        select(ApprovalWorkflow)
        .where(ApprovalWorkflow.id == approval_id, ApprovalWorkflow.org_id == org_id)
        .execution_options(populate_existing=True)
    )
    if wf is None:
        raise NotFound(f"Approval {approval_id} not found")
    return wf


async def get_approval(session: AsyncSession, caller: Caller, approval_id: str) -> ApprovalWorkflow:
    """A workflow the caller takes part in (approver, traveller, booker, their managers,
    admins and finance); anything else — another organization's above all — is 404."""
    wf = await load_workflow(session, caller.org_id, approval_id)
    if caller.role in ORG_WIDE_ROLES or caller.user_id in (wf.traveler_id, wf.requested_by):
        return wf
    steps = await _steps(session, wf.id)
    if any(caller.user_id in (s.approver_id, s.escalated_to) for s in steps):
        return wf
    if wf.traveler_id in await report_ids(session, caller):
        return wf
    raise NotFound(f"Approval {approval_id} not found")


async def waiting_on(session: AsyncSession, org_id: str, approval_id: str) -> WaitingOn | None:
    """Whose decision a pending workflow waits on now (its current open step), or None
    when it is decided, expired or unknown. The caller has already been allowed to see
    the booking it belongs to. One read: the workflow, its open step and the approver's
    name together."""
    who = func.coalesce(ApprovalStep.escalated_to, ApprovalStep.approver_id)
    row = (
        await session.execute(
            select(who, User.name, ApprovalStep.role)
            .select_from(ApprovalWorkflow)
            .join(
                ApprovalStep,
                (ApprovalStep.workflow_id == ApprovalWorkflow.id)
                & (ApprovalStep.ordinal == ApprovalWorkflow.current_step),
            )
            .outerjoin(User, User.id == who)
            .where(
                ApprovalWorkflow.id == approval_id,
                ApprovalWorkflow.org_id == org_id,
                ApprovalWorkflow.status == ApprovalStatus.PENDING,
                ApprovalStep.status.in_(OPEN_STEP_STATUSES),
            )
        )
    ).first()
    if row is None:
        return None
    user_id, name, role = row
    return WaitingOn(user_id=user_id, name=name or user_id, role=role)


def _still_wanted() -> ColumnElement[bool]:
    """A booking's workflow matters only while the booking waits for it: the
    traveller may cancel meanwhile, or the hold sweeper may expire it."""
    return or_(
        ApprovalWorkflow.subject != ApprovalSubject.BOOKING,
        ApprovalWorkflow.booking_id.in_(
            select(Booking.id).where(Booking.status == BookingStatus.PENDING_APPROVAL)
        ),
    )


async def list_approvals(
    session: AsyncSession, caller: Caller, *, status: str = "pending", limit: int = 50
) -> list[ApprovalItemView]:
    """The approval steps assigned (or escalated) to the caller.

    ``pending``: exactly the steps waiting on the caller now, soonest due first.
    ``all``: every step of theirs; any step status (``approved``, ``escalated``…) filters.
    """
    if status not in LIST_STATUSES:
        raise ValidationFailed(
            f"Unknown status {status!r}; use one of {', '.join(LIST_STATUSES)}", field="status"
        )
    if not 1 <= limit <= 200:
        raise ValidationFailed("limit must be between 1 and 200", field="limit")
    stmt = (
        select(ApprovalStep, ApprovalWorkflow)
        .join(ApprovalWorkflow, ApprovalWorkflow.id == ApprovalStep.workflow_id)
        .where(
            ApprovalStep.org_id == caller.org_id,
            ApprovalWorkflow.org_id == caller.org_id,
            or_(
                ApprovalStep.approver_id == caller.user_id,
                ApprovalStep.escalated_to == caller.user_id,
            ),
        )
    )
    if status == "pending":
        stmt = stmt.where(
            ApprovalStep.status.in_(OPEN_STEP_STATUSES),
            ApprovalWorkflow.status == ApprovalStatus.PENDING,
            _still_wanted(),
        ).order_by(ApprovalStep.due_at, ApprovalStep.id)
    else:
        if status != "all":
            stmt = stmt.where(ApprovalStep.status == status)
        stmt = stmt.order_by(ApprovalWorkflow.created_at.desc(), ApprovalStep.id.desc())
    rows = (await session.execute(stmt.limit(limit))).all()
    items: list[ApprovalItemView] = []
    for step, wf in rows:
        booking = await session.get(Booking, wf.booking_id)
        assert booking is not None
        items.append(
            ApprovalItemView(
                approval_id=wf.id,
                status=wf.status,
                subject=wf.subject,
                subject_id=wf.subject_id,
                step=step_view(step),
                due_at=step.due_at,
                deadline=wf.deadline,
                booking=await trip_summary(session, booking),
                amount=Money.of(wf.amount_minor, wf.currency),
                reasons=_reasons(wf),
                policy=PolicySummary.of(wf.policy),
            )
        )
    return items


# -- deciding ---------------------------------------------------------------------------


def _checked_note(decision: str, note: str | None) -> str:
    if decision not in DECISIONS:
        raise ValidationFailed("decision must be 'approve' or 'reject'", field="decision")
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise ValidationFailed(f"The note is longer than {NOTE_MAX} characters", field="note")
    if decision == "reject" and not text:
        raise RejectionNoteRequired("Say why when you reject: the traveller is told", field="note")
    return text


def _may_decide(caller: Caller, wf: ApprovalWorkflow, step: ApprovalStep) -> bool:
    # Nobody approves a trip they take or booked, admins included.
    if caller.user_id in (wf.traveler_id, wf.requested_by):
        return False
    return caller.is_admin or caller.user_id in (step.approver_id, step.escalated_to)


def _subject_waits(wf: ApprovalWorkflow) -> ColumnElement[bool]:
    """The subject still waits for this workflow: its booking in ``pending_approval`` under
    this very approval, or its rebook still ``pending_approval``."""
    if wf.subject == ApprovalSubject.BOOKING:
        return and_(
            Booking.status == BookingStatus.PENDING_APPROVAL, Booking.approval_id == wf.id
        )
    return BookingChange.status == ChangeStatus.PENDING_APPROVAL


async def _hold_subject(session: AsyncSession, wf: ApprovalWorkflow, *, now: datetime) -> bool:
    """The decision's guard on its subject, first of its writes: a conditional UPDATE of the
    subject's row that succeeds only while :func:`_subject_waits`. The row stays locked
    until the decision commits, so a cancel either committed first (this decision is
    refused) or waits for it (and finds the booking already moving). Subject before step
    before workflow: the order a cancel takes them in too."""
    if wf.subject == ApprovalSubject.BOOKING:
        stmt = update(Booking).where(Booking.id == wf.booking_id, _subject_waits(wf))
    else:
        stmt = update(BookingChange).where(BookingChange.id == wf.subject_id, _subject_waits(wf))
    result = await session.execute(
        stmt.values(updated_at=now).execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _why_not_waiting(session: AsyncSession, wf: ApprovalWorkflow) -> str:
    booking = await session.get(Booking, wf.booking_id, populate_existing=True)
    assert booking is not None
    if wf.subject == ApprovalSubject.BOOKING:
        return f"Booking {booking.id} is {booking.status}; nothing left to approve"
    change = await session.get(BookingChange, wf.subject_id, populate_existing=True)
    state = change.status if change is not None else "gone"
    return (
        f"The change of booking {booking.id} is {state} (the booking is {booking.status}); "
        "nothing left to approve"
    )


def _step_still_open() -> ColumnElement[bool]:
    """Guard of a decision: nobody decided the step (nor expired it) meanwhile."""
    return ApprovalStep.status.in_(OPEN_STEP_STATUSES)


def _workflow_still_at(step: int) -> ColumnElement[bool]:
    """Guard of a workflow move: still pending, still at the step that was decided."""
    return and_(
        ApprovalWorkflow.status == ApprovalStatus.PENDING,
        ApprovalWorkflow.current_step == step,
    )


async def _claim_step(
    session: AsyncSession,
    step: ApprovalStep,
    *,
    to: StepStatus,
    caller: Caller,
    note: str,
    now: datetime,
) -> bool:
    """The race guard: the step moves only if it is still open. True if this caller won."""
    result = await session.execute(
        update(ApprovalStep)
        .where(ApprovalStep.id == step.id, _step_still_open())
        .values(status=to, decided_by=caller.user_id, decided_at=now, note=note or None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _move_workflow(
    session: AsyncSession,
    wf: ApprovalWorkflow,
    *,
    expected_step: int,
    now: datetime,
    **values: Any,
) -> None:
    """Conditional on the workflow still pending at the step we decided (an expiry or
    another decision may have ended it meanwhile)."""
    result = await session.execute(
        update(ApprovalWorkflow)
        .where(ApprovalWorkflow.id == wf.id, _workflow_still_at(expected_step))
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ApprovalClosed(f"Approval {wf.id} was finished by another request")


async def decide(
    session: AsyncSession,
    caller: Caller,
    approval_id: str,
    *,
    decision: str,
    note: str | None,
    now: datetime,
    settings: Settings,
) -> tuple[ApprovalWorkflow, Finished | None]:
    """Approve or reject the open step of a workflow.

    Only its approver, the manager it was escalated to, or an admin of the
    organization may decide. Errors: another organization's workflow → ``NotFound``;
    a colleague who is not the approver → ``Forbidden``; deciding again →
    ``ApprovalAlreadyDecided``; a finished workflow → ``ApprovalClosed``; a step whose
    turn has not come → ``ApprovalStepNotReached``.
    """
    text = _checked_note(decision, note)
    wf = await load_workflow(session, caller.org_id, approval_id)
    steps = await _steps(session, wf.id)
    open_step = next((s for s in steps if s.status in OPEN_STEP_STATUSES), None)
    decided_before = any(s.decided_by == caller.user_id for s in steps)
    if wf.status != ApprovalStatus.PENDING or open_step is None:
        if decided_before:
            raise ApprovalAlreadyDecided(f"You already decided approval {wf.id}; it is {wf.status}")
        raise ApprovalClosed(f"Approval {wf.id} is already {wf.status}")
    if not _may_decide(caller, wf, open_step):
        if decided_before:
            raise ApprovalAlreadyDecided(f"You already decided your step of approval {wf.id}")
        if any(s.approver_id == caller.user_id and s.status == StepStatus.WAITING for s in steps):
            raise ApprovalStepNotReached(
                f"Approval {wf.id} is waiting on step {open_step.ordinal} ({open_step.role}) "
                "before it reaches you"
            )
        raise Forbidden(f"Approval {wf.id} is not waiting on you")
    if not await _hold_subject(session, wf, now=now):
        raise ApprovalClosed(await _why_not_waiting(session, wf))
    booking = await session.get(Booking, wf.booking_id, populate_existing=True)
    assert booking is not None

    approve = decision == "approve"
    to = StepStatus.APPROVED if approve else StepStatus.REJECTED
    if not await _claim_step(session, open_step, to=to, caller=caller, note=text, now=now):
        raise ApprovalAlreadyDecided(
            f"Step {open_step.ordinal} of approval {wf.id} was decided by someone else first"
        )
    audit.record(
        session,
        org_id=wf.org_id,
        actor_id=caller.user_id,
        action=f"approval.step_{to}",
        entity="approval",
        entity_id=wf.id,
        at=now,
        step=open_step.ordinal,
        note=text,
    )
    later = [s for s in steps if s.ordinal > open_step.ordinal]
    finished: Finished | None = None
    if approve and later:
        nxt = later[0]
        await _move_workflow(
            session, wf, expected_step=open_step.ordinal, now=now, current_step=nxt.ordinal
        )
        opened = await session.execute(
            update(ApprovalStep)
            .where(ApprovalStep.id == nxt.id, ApprovalStep.status == StepStatus.WAITING)
            .values(
                status=StepStatus.PENDING, opened_at=now, due_at=_due(now, wf.deadline, settings)
            )
            .execution_options(synchronize_session=False)
        )
        if opened.rowcount != 1:  # type: ignore[attr-defined]
            raise ApprovalClosed(f"Approval {wf.id} changed while you decided; look again")
        steps = await _steps(session, wf.id)
        await _emit_requested(session, wf, steps[nxt.ordinal - 1], booking, now=now)
    else:
        final = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        await _move_workflow(
            session,
            wf,
            expected_step=open_step.ordinal,
            now=now,
            status=final,
            decided_by=caller.user_id,
            note=text or None,
            finished_at=now,
        )
        await _skip_waiting(session, wf.id)
        await session.refresh(wf)
        await _emit_decided(session, wf, booking, caller, now=now)
        finished = Finished.of(wf)
    await session.refresh(wf)
    return wf, finished


async def _skip_waiting(session: AsyncSession, workflow_id: str) -> None:
    await session.execute(
        update(ApprovalStep)
        .where(ApprovalStep.workflow_id == workflow_id, ApprovalStep.status == StepStatus.WAITING)
        .values(status=StepStatus.SKIPPED)
        .execution_options(synchronize_session=False)
    )


# -- notifications (outbox, same transaction as the change) -----------------------------


async def _emit_requested(
    session: AsyncSession,
    wf: ApprovalWorkflow,
    step: ApprovalStep,
    booking: Booking,
    *,
    now: datetime,
) -> None:
    summary = await trip_summary(session, booking)
    assert step.due_at is not None
    outbox.emit(
        session,
        org_id=wf.org_id,
        topic="approval.requested",
        key=f"approval:{wf.id}:step:{step.ordinal}:requested",
        payload={
            "approval_id": wf.id,
            "booking_id": wf.booking_id,
            "subject": wf.subject,
            "subject_id": wf.subject_id,
            "step": step.ordinal,
            "role": step.role,
            "approver_id": step.approver_id,
            "due_at": _iso(step.due_at),
            "notify": [step.approver_id],
            "message": (
                f"{_trip_phrase(summary, wf)} needs your approval as "
                f"{role_label(step.role)} by {_when(step.due_at)}."
                + (f" Purpose: {summary.purpose}" if summary.purpose else "")
            ),
        },
        at=now,
    )


async def tell_purpose(session: AsyncSession, booking: Booking, *, now: datetime) -> bool:
    """The traveller said what a trip waiting for approval is for: tell whoever it waits on
    now (``approval.purpose_added``; their inbox shows it). False when nothing waits."""
    if booking.approval_id is None or booking.status != BookingStatus.PENDING_APPROVAL:
        return False
    wf = await load_workflow(session, booking.org_id, booking.approval_id)
    open_step = next(
        (s for s in await _steps(session, wf.id) if s.status in OPEN_STEP_STATUSES), None
    )
    if wf.status != ApprovalStatus.PENDING or open_step is None:
        return False
    summary = await trip_summary(session, booking)
    outbox.emit(
        session,
        org_id=wf.org_id,
        topic="approval.purpose_added",
        key=f"approval:{wf.id}:purpose:{now.timestamp():.0f}",
        payload={
            "approval_id": wf.id,
            "booking_id": wf.booking_id,
            "notify": [p for p in (open_step.approver_id, open_step.escalated_to) if p],
            "message": f"{_trip_phrase(summary, wf)}: the purpose is {summary.purpose}",
        },
        at=now,
    )
    return True


def _audience(wf: ApprovalWorkflow) -> list[str]:
    return list(dict.fromkeys([wf.traveler_id, wf.requested_by]))


async def _emit_decided(
    session: AsyncSession,
    wf: ApprovalWorkflow,
    booking: Booking,
    caller: Caller,
    *,
    now: datetime,
) -> None:
    summary = await trip_summary(session, booking)
    steps = await _steps(session, wf.id)
    who = caller.name or caller.user_id
    if wf.status == ApprovalStatus.APPROVED:
        message = f"{_trip_phrase(summary, wf)} was approved by {who}; booking it now."
    else:
        message = f"{_trip_phrase(summary, wf)} was rejected by {who}: {wf.note}"
    outbox.emit(
        session,
        org_id=wf.org_id,
        topic="approval.decided",
        key=f"approval:{wf.id}:decided",
        payload={
            "approval_id": wf.id,
            "booking_id": wf.booking_id,
            "subject": wf.subject,
            "subject_id": wf.subject_id,
            "decision": wf.status,
            "decided_by": caller.user_id,
            "note": wf.note,
            "notify": _audience(wf),
            # Not told, but their open inbox changes (core.events: the pending count).
            "watchers": sorted(
                {who for s in steps for who in (s.approver_id, s.escalated_to) if who}
            ),
            "message": message,
        },
        at=now,
    )


# -- the SLA jobs -------------------------------------------------------------------------


async def escalate_overdue(session: AsyncSession, *, now: datetime, limit: int = 200) -> int:
    """Steps past their SLA: mark them escalated and tell the approver's manager (once).

    The step stays open: the approver may still decide, and so may the manager it was
    escalated to. The move is conditional (``WHERE status = 'pending'``), so two job
    ticks never escalate a step twice.
    """
    rows = (
        await session.execute(
            select(ApprovalStep, ApprovalWorkflow)
            .join(ApprovalWorkflow, ApprovalWorkflow.id == ApprovalStep.workflow_id)
            .where(
                ApprovalStep.status == StepStatus.PENDING,
                ApprovalStep.due_at <= now,
                ApprovalWorkflow.status == ApprovalStatus.PENDING,
                _still_wanted(),
            )
            .order_by(ApprovalStep.due_at, ApprovalStep.id)
            .limit(limit)
        )
    ).all()
    escalated = 0
    for step, wf in rows:
        approver = await session.get(User, step.approver_id)
        target = await _up_the_chain(
            session, approver.manager_id if approver else None, {step.approver_id}
        )
        if target is None:
            target = await _first_with_role(session, wf.org_id, Role.ADMIN, {step.approver_id})
        won = await session.execute(
            update(ApprovalStep)
            .where(ApprovalStep.id == step.id, ApprovalStep.status == StepStatus.PENDING)
            .values(
                status=StepStatus.ESCALATED,
                escalated_at=now,
                escalated_to=target.id if target else None,
            )
            .execution_options(synchronize_session=False)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            continue
        escalated += 1
        summary = await _summary_of(session, wf)
        approver_name = approver.name if approver else step.approver_id
        assert step.due_at is not None
        notify = [target.id] if target else []
        outbox.emit(
            session,
            org_id=wf.org_id,
            topic="approval.escalated",
            key=f"approval:{wf.id}:step:{step.ordinal}:escalated",
            payload={
                "approval_id": wf.id,
                "booking_id": wf.booking_id,
                "step": step.ordinal,
                "approver_id": step.approver_id,
                "escalated_to": target.id if target else None,
                "notify": notify,
                "message": (
                    f"{approver_name} has not decided on {_trip_phrase(summary, wf)} since it was "
                    f"due {_when(step.due_at)}; you may approve or reject it in their place."
                ),
            },
            at=now,
        )
        audit.record(
            session,
            org_id=wf.org_id,
            actor_id="system",
            action="approval.escalated",
            entity="approval",
            entity_id=wf.id,
            at=now,
            step=step.ordinal,
            escalated_to=target.id if target else None,
        )
    return escalated


async def _end_pending(
    session: AsyncSession, workflow_id: str, to: ApprovalStatus, *, now: datetime, **values: Any
) -> bool:
    """The jobs' race guard: a workflow ends only if still pending (a decision that got
    there first wins). True if this caller ended it."""
    won = await session.execute(
        update(ApprovalWorkflow)
        .where(
            ApprovalWorkflow.id == workflow_id, ApprovalWorkflow.status == ApprovalStatus.PENDING
        )
        .values(status=to, finished_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(won.rowcount == 1)  # type: ignore[attr-defined]


async def expire_overdue(
    session: AsyncSession, *, now: datetime, limit: int = 200
) -> list[Finished]:
    """Workflows past their deadline become ``expired`` (conditionally: a decision that
    got there first wins). Their subjects are released by :func:`settle` after commit."""
    rows = (
        await session.scalars(
            select(ApprovalWorkflow)
            .where(
                ApprovalWorkflow.status == ApprovalStatus.PENDING, ApprovalWorkflow.deadline <= now
            )
            .order_by(ApprovalWorkflow.deadline, ApprovalWorkflow.id)
            .limit(limit)
        )
    ).all()
    finished: list[Finished] = []
    for wf in rows:
        if not await _end_pending(
            session, wf.id, ApprovalStatus.EXPIRED, now=now, note="No decision before the deadline"
        ):
            continue
        steps = await _steps(session, wf.id)
        waiting_on = [s.approver_id for s in steps if s.status in OPEN_STEP_STATUSES]
        await session.execute(
            update(ApprovalStep)
            .where(ApprovalStep.workflow_id == wf.id, ApprovalStep.status.in_(OPEN_STEP_STATUSES))
            .values(status=StepStatus.EXPIRED)
            .execution_options(synchronize_session=False)
        )
        await _skip_waiting(session, wf.id)
        await session.refresh(wf)
        summary = await _summary_of(session, wf)
        outbox.emit(
            session,
            org_id=wf.org_id,
            topic="approval.expired",
            key=f"approval:{wf.id}:expired",
            payload={
                "approval_id": wf.id,
                "booking_id": wf.booking_id,
                "subject": wf.subject,
                "subject_id": wf.subject_id,
                "notify": list(dict.fromkeys([*_audience(wf), *waiting_on])),
                "message": (
                    f"{_trip_phrase(summary, wf)} was not approved before its deadline "
                    f"({_when(wf.deadline)}); the seats and rooms were released."
                ),
            },
            at=now,
        )
        audit.record(
            session,
            org_id=wf.org_id,
            actor_id="system",
            action="approval.expired",
            entity="approval",
            entity_id=wf.id,
            at=now,
        )
        finished.append(Finished.of(wf))
    return finished


async def cancel_orphaned(session: AsyncSession, *, now: datetime, limit: int = 200) -> int:
    """Close pending workflows whose booking no longer waits for them (the hold ran out, or
    a cancel from before cancels closed their approvals) and tell the approver they need
    not decide. Nothing to settle."""
    rows = (
        await session.scalars(
            select(ApprovalWorkflow)
            .where(
                ApprovalWorkflow.status == ApprovalStatus.PENDING,
                # Past the deadline it is an expiry (expire_overdue), not a cancellation.
                ApprovalWorkflow.deadline > now,
                ~_still_wanted(),
            )
            .order_by(ApprovalWorkflow.id)
            .limit(limit)
        )
    ).all()
    closed = 0
    for wf in rows:
        if await _close(session, wf, now=now, note="The booking no longer waits for approval"):
            closed += 1
    return closed


async def close_open_for_booking(
    session: AsyncSession, booking_id: str, *, now: datetime, note: str
) -> int:
    """Close every pending workflow of a booking — its own approval or a rebook's — in the
    caller's transaction (a cancel's), and tell the approvers they need not decide."""
    rows = (
        await session.scalars(
            select(ApprovalWorkflow)
            .where(
                ApprovalWorkflow.booking_id == booking_id,
                ApprovalWorkflow.status == ApprovalStatus.PENDING,
            )
            .order_by(ApprovalWorkflow.id)
        )
    ).all()
    closed = 0
    for wf in rows:
        if await _close(session, wf, now=now, note=note):
            closed += 1
    return closed


async def _close(session: AsyncSession, wf: ApprovalWorkflow, *, now: datetime, note: str) -> bool:
    """End a pending workflow as ``cancelled`` (conditionally: a decision that got there
    first wins), skip its steps and tell whoever it waited on. Nothing to settle."""
    if not await _end_pending(
        session, wf.id, ApprovalStatus.CANCELLED, now=now, note=note, settled_at=now
    ):
        return False
    steps = await _steps(session, wf.id)
    waiting_on = [
        a
        for s in steps
        if s.status in OPEN_STEP_STATUSES
        for a in (s.approver_id, s.escalated_to)
        if a
    ]
    await session.execute(
        update(ApprovalStep)
        .where(
            ApprovalStep.workflow_id == wf.id,
            ApprovalStep.status.in_([*OPEN_STEP_STATUSES, StepStatus.WAITING]),
        )
        .values(status=StepStatus.SKIPPED)
        .execution_options(synchronize_session=False)
    )
    summary = await _summary_of(session, wf)
    what = _trip_phrase(summary, wf)
    outbox.emit(
        session,
        org_id=wf.org_id,
        topic="approval.cancelled",
        key=f"approval:{wf.id}:cancelled",
        payload={
            "approval_id": wf.id,
            "booking_id": wf.booking_id,
            "subject": wf.subject,
            "subject_id": wf.subject_id,
            "notify": list(dict.fromkeys(waiting_on)),
            "message": f"{what} is {summary.status}; no approval needed any more.",
        },
        at=now,
    )
    audit.record(
        session,
        org_id=wf.org_id,
        actor_id="system",
        action="approval.cancelled",
        entity="approval",
        entity_id=wf.id,
        at=now,
        note=note,
    )
    return True


async def unsettled(session: AsyncSession, *, now: datetime, limit: int = 100) -> list[Finished]:
    """Finished workflows whose subject was never told (the process died in between)."""
    rows = (
        await session.scalars(
            select(ApprovalWorkflow)
            .where(
                ApprovalWorkflow.status.in_(
                    [ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED]
                ),
                ApprovalWorkflow.settled_at.is_(None),
                ApprovalWorkflow.finished_at <= now - SETTLE_RETRY_AFTER,
            )
            .order_by(ApprovalWorkflow.finished_at)
            .limit(limit)
        )
    ).all()
    return [Finished.of(wf) for wf in rows]


async def mark_settled(session: AsyncSession, workflow_id: str, *, now: datetime) -> None:
    """Record that a finished workflow's subject has been told (once)."""
    await session.execute(
        update(ApprovalWorkflow)
        .where(ApprovalWorkflow.id == workflow_id, ApprovalWorkflow.settled_at.is_(None))
        .values(settled_at=now)
        .execution_options(synchronize_session=False)
    )


# -- jobs --------------------------------------------------------------------------------


async def run_escalations(rt: Runtime) -> int:
    async with rt.db.uow() as session:
        return await escalate_overdue(session, now=rt.clock.now())


__all__ = [
    "Finished",
    "approval_view",
    "cancel_orphaned",
    "close_open_for_booking",
    "decide",
    "escalate_overdue",
    "expire_overdue",
    "get_approval",
    "list_approvals",
    "load_workflow",
    "mark_settled",
    "resolve_approver",
    "run_escalations",
    "start_workflow",
    "trip_summary",
    "unsettled",
]
