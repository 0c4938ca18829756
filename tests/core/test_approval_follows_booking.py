"""Approvals follow their booking (issue 14, item 5).

Before: a cancelled booking's approval stayed pending until a job closed it (a
rebook's, for ever), approving it answered 200, and an approve racing a cancel
ended ``approved`` on a cancelled booking. Now a cancel closes the booking's open
approvals in its own transaction; a decision first updates its subject
conditionally (still waiting, under this approval), holding it until commit, and
moves it (confirming, cancelled, a rebook running) in that same transaction.

Race pair: the cancel lands right after the last approval commits. With the
subject's move out of the decision's transaction (the guard switched off) the
cancel wins the gap: approved, yet cancelled and never paid. With it, the cancel
finds the booking already confirming and is refused; the trip is paid and booked.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from core.approval import service
from core.approval.service import list_approvals
from core.booking import cancel as cancel_flow
from core.booking import on_approval
from core.booking.cancel import cancel_booking
from core.booking.on_approval import decide_approval
from core.booking.rebook import rebook_booking
from core.errors import ApprovalClosed, ConcurrentUpdate, InvalidTransition
from core.models import ApprovalStep, ApprovalWorkflow, Booking, BookingChange, OutboxEvent
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA as WORLD_AVA
from tests.core.booking_world import MIA as WORLD_MIA
from tests.core.booking_world import build_world
from tests.core.changes_world import add_flight, confirmed, itinerary
from tests.core.test_approval import AVA, MIA, build_approval_world, pending_trip


async def _state(rt: Runtime, booking_id: str, approval_id: str) -> tuple[str, str, list[str]]:
    async with rt.db.uow(write=False) as s:
        wf = await s.get(ApprovalWorkflow, approval_id, populate_existing=True)
        booking = await s.get(Booking, booking_id, populate_existing=True)
        steps = (
            await s.scalars(
                select(ApprovalStep.status)
                .where(ApprovalStep.workflow_id == approval_id)
                .order_by(ApprovalStep.ordinal)
            )
        ).all()
        assert wf is not None
        assert booking is not None
        return wf.status, booking.status, list(steps)


async def test_cancelling_a_booking_waiting_for_approval_closes_its_approval(
    runtime: Runtime,
) -> None:
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    await cancel_booking(runtime, AVA, booking_id, reason="plans changed")
    # At once, in the cancel's transaction: no job needed.
    assert await _state(runtime, booking_id, approval_id) == ("cancelled", "cancelled", ["skipped"])
    async with runtime.db.uow(write=False) as s:
        assert await list_approvals(s, MIA) == []
        told = await s.scalar(
            select(OutboxEvent).where(OutboxEvent.topic == "approval.cancelled")
        )
        assert told is not None
        assert told.payload["notify"] == ["mia"]
        assert (await s.get(ApprovalWorkflow, approval_id)).settled_at is not None
    with pytest.raises(ApprovalClosed, match="cancelled"):
        await decide_approval(runtime, MIA, approval_id, decision="approve")


async def _pending_rebook(rt: Runtime) -> tuple[str, str, str]:
    """A paid booking whose move to a dearer flight waits for Mia: (booking, change, approval)."""
    w = await build_world(rt)
    booking_id = await confirmed(rt, WORLD_AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    [seg] = await itinerary(rt, booking_id)
    dearer = await add_flight(rt, number="121", fare=90000)
    view = await rebook_booking(rt, WORLD_AVA, booking_id, seg.id, flight_offer_id(dearer))
    assert view.change.status == "pending_approval"
    assert view.change.approval_id is not None
    return booking_id, view.change.change_id, view.change.approval_id


async def test_cancelling_a_paid_booking_closes_its_pending_rebook_approval(
    runtime: Runtime,
) -> None:
    booking_id, change_id, approval_id = await _pending_rebook(runtime)
    await cancel_booking(runtime, WORLD_AVA, booking_id)
    async with runtime.db.uow(write=False) as s:
        wf = await s.get(ApprovalWorkflow, approval_id)
        change = await s.get(BookingChange, change_id)
        assert wf is not None
        assert change is not None
        assert (wf.status, change.status) == ("cancelled", "failed")
    with pytest.raises(ApprovalClosed, match="cancelled"):
        await decide_approval(runtime, WORLD_MIA, approval_id, decision="approve")
    async with runtime.db.uow(write=False) as s:
        booking = await s.get(Booking, booking_id)
        assert booking is not None
        assert booking.status == "cancelled"


def _stale_decision_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """``decide`` reads the workflow and its steps as they were before a cancel committed
    (PostgreSQL, READ COMMITTED; SQLite serializes whole write transactions)."""
    real_load, real_steps = service.load_workflow, service._steps

    async def stale_load(session: Any, org_id: str, approval_id: str) -> Any:
        wf = await real_load(session, org_id, approval_id)
        set_committed_value(wf, "status", "pending")
        return wf

    async def stale_steps(session: Any, workflow_id: str) -> Any:
        steps = await real_steps(session, workflow_id)
        for step in steps:
            set_committed_value(step, "status", "pending")
        return steps

    monkeypatch.setattr(service, "load_workflow", stale_load)
    monkeypatch.setattr(service, "_steps", stale_steps)


async def test_a_decision_that_read_before_the_cancel_committed_is_refused(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    await cancel_booking(runtime, AVA, booking_id)
    _stale_decision_reads(monkeypatch)
    with pytest.raises(ApprovalClosed, match=f"Booking {booking_id} is cancelled"):
        await decide_approval(runtime, MIA, approval_id, decision="approve")
    monkeypatch.undo()
    assert await _state(runtime, booking_id, approval_id) == ("cancelled", "cancelled", ["skipped"])


# -- the race pair: a cancel in the gap after the last approval commits --------------------


def _cancel_right_after_the_decision(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, booking_id: str
) -> list[Any]:
    """Run Ava's cancel the moment the decision's transaction has committed, before its
    subject is told (where a second request lands when it arrives at the same time).
    Returns what the cancel answered (a view, or the error it raised)."""
    answers: list[Any] = []
    real_settle = on_approval.settle

    async def cancel_then_settle(rt: Runtime, done: Any, **kwargs: Any) -> bool:
        try:
            answers.append(await cancel_booking(rt, AVA, booking_id, reason="race"))
        except (InvalidTransition, ConcurrentUpdate) as exc:
            answers.append(exc)
        return await real_settle(rt, done, **kwargs)

    monkeypatch.setattr(on_approval, "settle", cancel_then_settle)
    return answers


@pytest.mark.race
async def test_without_the_subject_moving_with_the_decision_a_cancel_wins_the_gap(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)

    async def guard_off(*args: Any, **kwargs: Any) -> bool:
        return False

    monkeypatch.setattr(on_approval, "move_subject", guard_off)
    answers = _cancel_right_after_the_decision(runtime, monkeypatch, booking_id)
    await decide_approval(runtime, MIA, approval_id, decision="approve")
    assert not isinstance(answers[0], Exception)  # the cancel went through
    # Approved, yet cancelled and never paid: the probe, 4 rounds in 6.
    assert await _state(runtime, booking_id, approval_id) == ("approved", "cancelled", ["approved"])


@pytest.mark.race
async def test_with_the_subject_moving_with_the_decision_the_cancel_is_refused(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    answers = _cancel_right_after_the_decision(runtime, monkeypatch, booking_id)
    view = await decide_approval(runtime, MIA, approval_id, decision="approve")
    assert isinstance(answers[0], InvalidTransition)
    assert "confirming" in str(answers[0])
    assert view.booking.status == "confirmed"
    assert await _state(runtime, booking_id, approval_id) == ("approved", "confirmed", ["approved"])


@pytest.mark.race
async def test_with_the_change_moving_with_the_decision_a_paid_cancel_waits_for_the_rebook(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same gap for a rebook's approval: the change is already running, so the
    cancel is told another change is in progress instead of dropping an approved one."""
    booking_id, change_id, approval_id = await _pending_rebook(runtime)
    answers: list[Any] = []
    real_settle = on_approval.settle

    async def cancel_then_settle(rt: Runtime, done: Any, **kwargs: Any) -> bool:
        try:
            answers.append(await cancel_booking(rt, WORLD_AVA, booking_id))
        except ConcurrentUpdate as exc:
            answers.append(exc)
        return await real_settle(rt, done, **kwargs)

    monkeypatch.setattr(on_approval, "settle", cancel_then_settle)
    await decide_approval(runtime, WORLD_MIA, approval_id, decision="approve")
    assert isinstance(answers[0], ConcurrentUpdate)
    async with runtime.db.uow(write=False) as s:
        change = await s.get(BookingChange, change_id)
        booking = await s.get(Booking, booking_id)
        assert change is not None
        assert booking is not None
        assert (change.status, booking.status) == ("done", "confirmed")


@pytest.mark.race
@pytest.mark.parametrize("rounds", range(4))
async def test_concurrent_approve_and_cancel_never_leave_an_approval_on_a_cancelled_trip(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, rounds: int
) -> None:
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    if not runtime.db.is_sqlite:
        # PostgreSQL: both requests read "pending" before either writes, so the locks and
        # conditional updates (not timing) decide. SQLite serializes write transactions.
        # Both take the booking's row lock (the decision's subject guard, the cancel's
        # SELECT … FOR UPDATE) at the same moment; whichever gets it wins.
        barrier = asyncio.Barrier(2)
        real_hold, real_load = service._hold_subject, cancel_flow.load_visible_booking

        async def hold_after_both_read(*args: Any, **kwargs: Any) -> bool:
            await barrier.wait()
            return await real_hold(*args, **kwargs)

        async def lock_after_both_read(*args: Any, **kwargs: Any) -> Any:
            await barrier.wait()
            return await real_load(*args, **kwargs)

        monkeypatch.setattr(service, "_hold_subject", hold_after_both_read)
        monkeypatch.setattr(cancel_flow, "load_visible_booking", lock_after_both_read)

    async def approve() -> str:
        try:
            await decide_approval(runtime, MIA, approval_id, decision="approve")
            return "approved"
        except ApprovalClosed:
            return "lost"

    async def cancel() -> str:
        try:
            await cancel_booking(runtime, AVA, booking_id)
            return "cancelled"
        except (InvalidTransition, ConcurrentUpdate):
            return "lost"

    pair = [approve(), cancel()] if rounds % 2 else [cancel(), approve()]
    results = sorted(await asyncio.gather(*pair))
    wf_status, booking_status, _ = await _state(runtime, booking_id, approval_id)
    async with runtime.db.uow(write=False) as s:
        booking = await s.get(Booking, booking_id)
        assert booking is not None
        paid = booking.confirmed_at is not None
        pending = await s.scalar(
            select(func.count())
            .select_from(ApprovalWorkflow)
            .where(ApprovalWorkflow.status == "pending")
        )
    assert pending == 0
    if wf_status == "approved":
        # The approval won: the trip was paid for before any cancel could touch it.
        assert paid, (results, booking_status)
        assert booking_status in ("confirmed", "cancelled")
    else:
        assert (wf_status, booking_status, paid) == ("cancelled", "cancelled", False)
        assert results == ["cancelled", "lost"]
