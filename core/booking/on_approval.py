"""What a booking does when its approval workflow ends (a flow: it owns its transactions).

``core.approval`` decides, escalates and expires workflows inside the caller's
transaction and returns the outcome (:class:`~core.approval.service.Finished`); it
never imports booking. A decision's subject makes its first move in the decision's
own transaction (:func:`move_subject`: confirming, cancelled, a rebook running), so
a cancel is either refused by the decision or refuses it, never in between. After
the commit, the functions here hand the rest to the subject:

* booking approved → the confirmation saga resumes (authorize, book, capture);
* booking rejected → cancelled, expired → expired, the inventory given back;
* rebook → ``core.booking.rebook.on_approval_decided``.

Telling the subject is idempotent and recorded (``settled_at``); a crash in between
leaves it empty and :func:`run_expiries` (the approval expiry job) tells it again.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from core.approval.service import (
    Finished,
    approval_view,
    cancel_orphaned,
    decide,
    expire_overdue,
    load_workflow,
    mark_settled,
    unsettled,
)
from core.approval.views import ApprovalView
from core.booking import rebook, saga
from core.errors import CoreError
from core.identity import Caller
from core.models import ApprovalStatus, ApprovalSubject, BookingStatus
from core.runtime import Runtime

log = logging.getLogger(__name__)


async def settle(rt: Runtime, done: Finished, *, saga_started: bool = False) -> bool:
    """Hand a finished workflow's outcome to its subject, outside any transaction.

    ``saga_started``: the decision's own transaction already moved the booking to
    ``confirming`` (:func:`decide_approval`); the saga is run from there.
    Returns True once the subject has been told; False leaves ``settled_at`` empty
    for the expiry job to try again (every step it calls is idempotent).
    """
    try:
        if done.subject == ApprovalSubject.BOOKING:
            if done.status == ApprovalStatus.APPROVED and saga_started:
                await saga.run_saga(rt, done.booking_id)
            elif done.status == ApprovalStatus.APPROVED:
                await saga.resume_after_approval(rt, done.booking_id)
            else:
                why = (
                    f"Approval rejected: {done.note}"
                    if done.status == ApprovalStatus.REJECTED
                    else "Approval not given before the deadline"
                )
                to = (
                    BookingStatus.CANCELLED
                    if done.status == ApprovalStatus.REJECTED
                    else BookingStatus.EXPIRED
                )
                await saga.end_pending_approval(rt, done.booking_id, to=to, reason=why)
        else:
            await rebook.on_approval_decided(
                rt, done.subject_id, done.status == ApprovalStatus.APPROVED, done.note
            )
    except CoreError as exc:
        # A business outcome of the subject (card declined, seats gone): recorded on
        # the booking by the saga itself. The workflow's part is done.
        log.info("approval %s settled with %s: %s", done.workflow_id, exc.code, exc)
    except Exception:
        log.exception(
            "approval %s: telling the %s failed; will retry", done.workflow_id, done.subject
        )
        return False
    async with rt.db.uow() as session:
        await mark_settled(session, done.workflow_id, now=rt.clock.now())
    return True


async def decide_approval(
    rt: Runtime, caller: Caller, approval_id: str, *, decision: str, note: str | None = None
) -> ApprovalView:
    """Decide, commit, then (if the workflow ended) run the booking's next step.

    Returns the workflow view; its ``booking.status`` shows where the booking got to
    (``confirmed`` after the last approval, ``cancelled`` after a rejection).
    """
    saga_started = False
    async with rt.db.uow() as session:
        wf, finished = await decide(
            session,
            caller,
            approval_id,
            decision=decision,
            note=note,
            now=rt.clock.now(),
            settings=rt.settings,
        )
        wf_id = wf.id
        if finished is not None:
            saga_started = await move_subject(rt, session, finished)
    if finished is not None:
        await settle(rt, finished, saga_started=saga_started)
    async with rt.db.uow(write=False) as session:
        return await approval_view(session, await load_workflow(session, caller.org_id, wf_id))


async def move_subject(rt: Runtime, session: AsyncSession, done: Finished) -> bool:
    """The subject's first move, in the decision's own transaction.

    The decision locked the subject and found it waiting (``_hold_subject``); moving it
    now, before the commit, leaves no moment in which the workflow is decided while its
    booking still waits — a cancel in that moment ended ``approved`` on a cancelled
    booking. Approved booking → ``confirming`` (True: run the saga after the commit);
    rejected → ``cancelled``; approved rebook → ``running``. What needs the outside (the
    saga, a rebook's run or its compensation) is left to :func:`settle`.
    """
    if done.subject == ApprovalSubject.BOOKING:
        if done.status == ApprovalStatus.APPROVED:
            return await saga.begin_after_approval(rt, session, done.booking_id)
        if done.status == ApprovalStatus.REJECTED:
            await saga.end_pending_in(
                rt, session, done.booking_id, to=BookingStatus.CANCELLED,
                reason=f"Approval rejected: {done.note}",
            )
    elif done.status == ApprovalStatus.APPROVED:
        await rebook.begin_after_approval(rt, session, done.subject_id)
    return False


async def run_expiries(rt: Runtime) -> int:
    """Expire overdue workflows, then settle them and any earlier straggler."""
    now = rt.clock.now()
    async with rt.db.uow() as session:
        await cancel_orphaned(session, now=now)
        expired = await expire_overdue(session, now=now)
    for done in expired:
        await settle(rt, done)
    async with rt.db.uow(write=False) as session:
        stragglers = await unsettled(session, now=now)
    for done in stragglers:
        await settle(rt, done)
    return len(expired)
