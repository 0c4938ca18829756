"""Race pair for approval decisions (STYLE: pretix's concurrency tests).

An approve and a reject that both read "pending": with the real conditional
UPDATEs switched off (monkeypatched) both win and the traveller is told both; with
them, exactly one wins and the booking follows the winner.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.approval import service
from core.booking.on_approval import decide_approval, settle
from core.errors import ApprovalAlreadyDecided, ApprovalClosed
from core.inventory.holds import sold_units
from core.models import ApprovalStep, ApprovalWorkflow, Booking, OutboxEvent, Payment
from tests.core.test_approval import ADMIN, MIA, build_approval_world, pending_trip

pytestmark = pytest.mark.race


def _stale_reads(monkeypatch) -> None:
    """``decide`` reads the workflow and its steps as they were before another decision
    committed (two requests that both read "pending": PostgreSQL, READ COMMITTED;
    SQLite serializes whole write transactions, so there it cannot happen by itself)."""
    real_load, real_steps = service.load_workflow, service._steps

    async def stale_load(session, org_id, approval_id):
        wf = await real_load(session, org_id, approval_id)
        set_committed_value(wf, "status", "pending")
        return wf

    async def stale_steps(session, workflow_id):
        steps = await real_steps(session, workflow_id)
        for step in steps:
            set_committed_value(step, "status", "pending")
            set_committed_value(step, "decided_by", None)
        return steps

    monkeypatch.setattr(service, "load_workflow", stale_load)
    monkeypatch.setattr(service, "_steps", stale_steps)


async def _approve_then_stale_reject(runtime, monkeypatch, approval_id: str) -> None:
    """Mia's approval commits; the admin's rejection read "pending" before it did and
    goes through the real flow; then Mia's approval is settled (the saga's turn).
    Undoes ``monkeypatch`` before settling."""
    async with runtime.db.uow() as s:
        _, mia_done = await service.decide(
            s, MIA, approval_id, decision="approve", note=None,
            now=runtime.clock.now(), settings=runtime.settings,
        )
    _stale_reads(monkeypatch)
    try:
        await decide_approval(runtime, ADMIN, approval_id, decision="reject", note="race")
    finally:
        monkeypatch.undo()
        assert mia_done is not None
        await settle(runtime, mia_done)


async def _decided_events(runtime) -> int:
    async with runtime.db.uow(write=False) as s:
        return await s.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.topic == "approval.decided")
        )


async def test_a_decision_that_read_before_another_committed_loses(runtime, monkeypatch):
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    with pytest.raises(ApprovalAlreadyDecided):
        await _approve_then_stale_reject(runtime, monkeypatch, approval_id)
    assert await _decided_events(runtime) == 1
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(ApprovalWorkflow, approval_id)).status == "approved"
        assert (await s.get(Booking, booking_id)).status == "confirmed"


async def test_without_the_conditional_updates_the_late_rejection_is_not_refused(
    runtime, monkeypatch
):
    """The same lost race with the decision's guards switched off (the open-step and
    still-pending conditions dropped from the real UPDATEs): the rejection is not
    refused. It overwrites Mia's approved step and workflow and emits a second
    decision; only the outbox's unique event key stops it, with a database error (a
    500 to the admin) instead of APPROVAL_ALREADY_DECIDED."""
    w = await build_approval_world(runtime)
    _, approval_id = await pending_trip(runtime, w.short_business)
    monkeypatch.setattr(service, "_step_still_open", lambda: true())
    monkeypatch.setattr(service, "_workflow_still_at", lambda step: true())
    with pytest.raises(IntegrityError, match="outbox"):
        await _approve_then_stale_reject(runtime, monkeypatch, approval_id)


@pytest.mark.parametrize("rounds", range(3))
async def test_concurrent_approve_and_reject_exactly_one_wins(runtime, rounds, monkeypatch):
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    if not runtime.db.is_sqlite:
        # PostgreSQL: make both transactions read "pending" before either writes, so the
        # conditional UPDATEs (not luck or timing) pick the winner: the first write of a
        # decision is its guard on the subject (which holds the booking until commit).
        # SQLite serializes write transactions at BEGIN IMMEDIATE, so there the second
        # simply reads the first's outcome.
        barrier = asyncio.Barrier(2)
        real_hold = service._hold_subject

        async def hold_after_both_read(*args, **kwargs):
            await barrier.wait()
            return await real_hold(*args, **kwargs)

        monkeypatch.setattr(service, "_hold_subject", hold_after_both_read)

    async def attempt(caller, decision: str):
        try:
            await decide_approval(runtime, caller, approval_id, decision=decision, note="race")
            return decision
        except (ApprovalAlreadyDecided, ApprovalClosed):
            return "lost"

    # The approver approves while an admin rejects (or the other way round).
    pair = [(MIA, "approve"), (ADMIN, "reject")]
    if rounds % 2:
        pair.reverse()
    results = await asyncio.gather(*(attempt(c, d) for c, d in pair))
    assert sorted(results).count("lost") == 1, results
    winner = next(r for r in results if r != "lost")

    async with runtime.db.uow(write=False) as s:
        wf = await s.get(ApprovalWorkflow, approval_id)
        step = await s.scalar(select(ApprovalStep).where(ApprovalStep.workflow_id == approval_id))
        booking = await s.get(Booking, booking_id)
        decided = await s.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.topic == "approval.decided")
        )
        payments = await s.scalar(
            select(func.count()).select_from(Payment).where(Payment.booking_id == booking_id)
        )
        held, sold = (await sold_units(s, "fare", w.short_business))[1:]
    assert decided == 1
    if winner == "approve":
        assert (wf.status, step.status, booking.status) == ("approved", "approved", "confirmed")
        assert (payments, held, sold) == (1, 0, 1)
    else:
        assert (wf.status, step.status, booking.status) == ("rejected", "rejected", "cancelled")
        assert (payments, held, sold) == (0, 0, 0)
