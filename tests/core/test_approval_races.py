"""Race pair for approval decisions (STYLE: pretix's concurrency tests).

Unprotected, an approve and a reject that both read "pending" both win: the trip
is paid for *and* the traveller is told it was rejected. With the conditional
UPDATE on the step, exactly one wins and the booking follows the winner.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, update

from core.approval import service
from core.booking.on_approval import decide_approval
from core.errors import ApprovalAlreadyDecided, ApprovalClosed
from core.inventory.holds import sold_units
from core.models import ApprovalStep, ApprovalWorkflow, Booking, OutboxEvent, Payment
from tests.core.test_approval import ADMIN, MIA, build_approval_world, pending_trip

pytestmark = pytest.mark.race


async def test_naive_read_then_decide_lets_approve_and_reject_both_win(runtime):
    """Unprotected: read the step's status, then write the decision. Both 'win'."""
    w = await build_approval_world(runtime)
    _, approval_id = await pending_trip(runtime, w.short_business)
    barrier = asyncio.Barrier(2)

    async def naive_decide(decision: str) -> bool:
        async with runtime.db.uow(write=False) as s:
            step = await s.scalar(
                select(ApprovalStep).where(ApprovalStep.workflow_id == approval_id)
            )
        await barrier.wait()  # both have read "pending" before either writes
        if step.status != "pending":
            return False
        final = "approved" if decision == "approve" else "rejected"
        async with runtime.db.uow() as s:
            await s.execute(
                update(ApprovalStep).where(ApprovalStep.id == step.id).values(status=final)
            )
            await s.execute(
                update(ApprovalWorkflow)
                .where(ApprovalWorkflow.id == approval_id)
                .values(status=final)
            )
            s.add(
                OutboxEvent(
                    org_id="acme",
                    topic="approval.decided",
                    key=f"naive:{approval_id}:{decision}",
                    payload={"decision": final},
                    created_at=runtime.clock.now(),
                    available_at=runtime.clock.now(),
                )
            )
        return True

    wins = await asyncio.gather(naive_decide("approve"), naive_decide("reject"))
    assert wins == [True, True], "without the condition both decisions go through"
    async with runtime.db.uow(write=False) as s:
        told = await s.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.topic == "approval.decided")
        )
    assert told == 2  # the traveller hears both "approved" and "rejected"


@pytest.mark.parametrize("rounds", range(3))
async def test_concurrent_approve_and_reject_exactly_one_wins(runtime, rounds, monkeypatch):
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    if not runtime.db.is_sqlite:
        # PostgreSQL: make both transactions read "pending" before either writes, so the
        # conditional UPDATE (not luck or timing) is what picks the winner. SQLite
        # serializes write transactions at BEGIN IMMEDIATE, so there the second simply
        # reads the first's outcome.
        barrier = asyncio.Barrier(2)
        real_claim = service._claim_step

        async def claim_after_both_read(*args, **kwargs):
            await barrier.wait()
            return await real_claim(*args, **kwargs)

        monkeypatch.setattr(service, "_claim_step", claim_after_both_read)

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
