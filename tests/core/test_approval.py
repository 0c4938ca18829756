"""Approval workflows: chains from the Acme rules, decisions, errors, SLA and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.approval.service import (
    Finished,
    approvers_for,
    get_approval,
    list_approvals,
    run_escalations,
    start_workflow,
)
from core.booking import rebook, saga
from core.booking.on_approval import decide_approval, run_expiries, settle
from core.booking.saga import complete_stuck_sagas, confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.booking.views import booking_view
from core.errors import (
    ApprovalAlreadyDecided,
    ApprovalClosed,
    ApprovalStepNotReached,
    ApproverNotFound,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from core.identity import Caller
from core.inventory.holds import release_expired_holds, sold_units
from core.models import (
    ApprovalStep,
    ApprovalWorkflow,
    Booking,
    BookingChange,
    OutboxEvent,
    Payment,
    User,
)
from core.policy.rules import acme_default
from core.policy.service import set_rules
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.factories import (
    T0,
    as_json,
    make_airports,
    make_carrier,
    make_flight,
    make_org,
    make_user,
    named_item,
)

AVA = Caller(user_id="ava", org_id="acme", role="traveler", name="Ava")
MIA = Caller(user_id="mia", org_id="acme", role="manager", name="Mia")
VICTOR = Caller(user_id="victor", org_id="acme", role="vp_finance", name="Victor")
ERIN = Caller(user_id="erin", org_id="acme", role="executive", name="Erin")
ADMIN = Caller(user_id="admin", org_id="acme", role="admin", name="Sam")
GUS = Caller(user_id="gus", org_id="globex", role="manager", name="Gus")

BUSINESS_FARE = 400_000  # 4,000.00 USD


@dataclass
class ApprovalWorld:
    long_business: int  # fare inventory id: JFK→LHR 6h55, business (within policy)
    short_business: int  # JFK→BOS 1h15, business (amber: economy is the rule)
    soon_economy: int  # JFK→BOS in 2 days (amber: under 7 days ahead)


async def build_approval_world(rt: Runtime) -> ApprovalWorld:
    """Acme's org chart (DESIGN §7) and flights priced so that 1, 3 and 4 business
    seats make 4,000 / 12,000 / 16,000 USD trips."""
    async with rt.db.uow() as s:
        await make_org(s)
        await make_org(s, id="globex", name="Globex")
        await make_user(s, id="erin", role="executive", department="Leadership")
        await make_user(s, id="victor", role="vp_finance", manager_id="erin", department="Finance")
        await make_user(s, id="mia", role="manager", manager_id="victor")
        await make_user(s, id="ava", manager_id="mia")
        await make_user(s, id="admin", role="admin", department="IT")
        await make_user(s, id="gus", org_id="globex", role="manager", home_airport="ORD")
        await set_rules(s, "acme", acme_default(), now=T0)
        await make_airports(s, ("JFK", "LHR", "BOS"))
        await make_carrier(s, code="BA", name="British Airways")
        await make_carrier(s, code="B6", name="JetBlue")
        _, long_inv = await make_flight(
            s, cabins={"economy": (150, 61_240), "business": (20, BUSINESS_FARE)}
        )
        _, short_inv = await make_flight(
            s,
            carrier="B6",
            number="1001",
            origin="JFK",
            destination="BOS",
            duration_minutes=75,
            cabins={"economy": (100, 15_000), "business": (10, BUSINESS_FARE)},
        )
        _, soon_inv = await make_flight(
            s,
            carrier="B6",
            number="1005",
            origin="JFK",
            destination="BOS",
            depart_at=T0 + timedelta(days=2),
            duration_minutes=75,
            cabins={"economy": (100, 15_000)},
        )
    return ApprovalWorld(long_inv["business"].id, short_inv["business"].id, soon_inv["economy"].id)


async def pending_trip(rt: Runtime, inventory_id: int, seats: int = 1) -> tuple[str, str]:
    """Hold and confirm as Ava; the trip waits for approval. (booking id, approval id)."""
    async with rt.db.uow() as s:
        booking = await hold_booking(
            rt, s, AVA, [named_item(flight_offer_id(inventory_id), seats)]
        )
    view = as_json(await confirm_booking(rt, AVA, booking.id))
    assert view["status"] == "pending_approval"
    assert view["approval_id"].startswith("AP-")
    return booking.id, view["approval_id"]


async def steps_of(rt: Runtime, approval_id: str) -> list[tuple[str, str, str]]:
    async with rt.db.uow(write=False) as s:
        rows = (
            await s.scalars(
                select(ApprovalStep)
                .where(ApprovalStep.workflow_id == approval_id)
                .order_by(ApprovalStep.ordinal)
            )
        ).all()
    return [(r.role, r.approver_id, r.status) for r in rows]


async def events(rt: Runtime, topic: str) -> list[dict]:
    async with rt.db.uow(write=False) as s:
        rows = (
            await s.scalars(
                select(OutboxEvent).where(OutboxEvent.topic == topic).order_by(OutboxEvent.id)
            )
        ).all()
    return [r.payload for r in rows]


async def booking_row(rt: Runtime, booking_id: str) -> Booking:
    async with rt.db.uow(write=False) as s:
        booking = await s.get(Booking, booking_id)
        assert booking is not None
        return booking


async def inventory(rt: Runtime, inv_id: int) -> tuple[int, int, int]:
    async with rt.db.uow(write=False) as s:
        return await sold_units(s, "fare", inv_id)


# -- the chains from the Acme rules ----------------------------------------------------


@pytest.mark.parametrize(
    ("trip", "seats", "chain"),
    [
        ("short_business", 1, [("manager", MIA)]),  # 4,000 USD, amber → manager
        ("long_business", 3, [("manager", MIA), ("vp_finance", VICTOR)]),  # 12,000 USD
        ("long_business", 4, [("manager", MIA), ("vp_finance", VICTOR), ("executive", ERIN)]),
    ],
    ids=["4000-amber", "12000", "16000"],
)
async def test_full_chain_ends_confirmed_and_captured(runtime, trip, seats, chain):
    w = await build_approval_world(runtime)
    inv_id = getattr(w, trip)
    booking_id, approval_id = await pending_trip(runtime, inv_id, seats)
    assert (await booking_row(runtime, booking_id)).total_minor == BUSINESS_FARE * seats

    expected = [(role, who.user_id) for role, who in chain]
    assert [(r, a) for r, a, _ in await steps_of(runtime, approval_id)] == expected
    assert [st for _, _, st in await steps_of(runtime, approval_id)] == (
        ["pending"] + ["waiting"] * (len(chain) - 1)
    )

    for n, (_role, approver) in enumerate(chain, start=1):
        # Exactly this approver sees it now; the others do not (yet, or any more).
        for _r, other in chain:
            async with runtime.db.uow(write=False) as s:
                mine = await list_approvals(s, other, status="pending")
            assert [i.approval_id for i in mine] == ([approval_id] if other is approver else [])
        requested = await events(runtime, "approval.requested")
        assert requested[-1]["notify"] == [approver.user_id]
        assert requested[-1]["step"] == n
        view = as_json(await decide_approval(runtime, approver, approval_id, decision="approve", note="ok"))
        if n < len(chain):
            assert view["status"] == "pending"
            assert view["booking"]["status"] == "pending_approval"

    assert view["status"] == "approved"
    assert view["booking"]["status"] == "confirmed"
    assert [st for _, _, st in await steps_of(runtime, approval_id)] == ["approved"] * len(chain)
    async with runtime.db.uow(write=False) as s:
        payment = await s.scalar(select(Payment).where(Payment.booking_id == booking_id))
        assert payment is not None
        assert (payment.status, payment.captured_minor) == ("captured", BUSINESS_FARE * seats)
        wf = await s.get(ApprovalWorkflow, approval_id)
        assert wf.settled_at is not None
    assert (await inventory(runtime, inv_id))[1:] == (0, seats)  # held → sold
    decided = await events(runtime, "approval.decided")
    assert decided[-1]["notify"] == ["ava"]
    assert decided[-1]["decision"] == "approved"


async def test_booking_view_shows_the_approval_and_holds_until_the_deadline(runtime):
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    async with runtime.db.uow(write=False) as s:
        booking = await s.get(Booking, booking_id)
        view = as_json(await booking_view(s, booking))
        wf = await s.get(ApprovalWorkflow, approval_id)
    assert view["approval_id"] == approval_id
    assert wf.deadline == T0 + timedelta(seconds=runtime.settings.approval_hold_deadline_seconds)
    assert booking.hold_expires_at == wf.deadline
    step = (await steps_of(runtime, approval_id))[0]
    assert step == ("manager", "mia", "pending")


async def test_deadline_never_passes_the_first_departure(runtime):
    w = await build_approval_world(runtime)  # the flight leaves in 2 days: amber, < 7 days ahead
    _, approval_id = await pending_trip(runtime, w.soon_economy)
    async with runtime.db.uow(write=False) as s:
        wf = await s.get(ApprovalWorkflow, approval_id)
        step = await s.scalar(select(ApprovalStep).where(ApprovalStep.workflow_id == approval_id))
    assert wf.deadline == T0 + timedelta(days=2)
    assert step.due_at == T0 + timedelta(hours=24)


# -- rejections and named errors ----------------------------------------------------------


async def test_reject_mid_chain_cancels_releases_and_tells_the_traveller(runtime):
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.long_business, 4)
    assert (await inventory(runtime, w.long_business))[1] == 4
    await decide_approval(runtime, MIA, approval_id, decision="approve")
    with pytest.raises(ValidationFailed):
        await decide_approval(runtime, VICTOR, approval_id, decision="reject", note="  ")
    view = as_json(
        await decide_approval(
            runtime, VICTOR, approval_id, decision="reject", note="Fly economy, it is a 7h day flight"
        )
    )
    assert view["status"] == "rejected"
    assert view["booking"]["status"] == "cancelled"
    assert [st for _, _, st in await steps_of(runtime, approval_id)] == [
        "approved",
        "rejected",
        "skipped",
    ]
    assert (await inventory(runtime, w.long_business))[1:] == (0, 0)
    booking = await booking_row(runtime, booking_id)
    assert "Fly economy" in booking.failure_reason
    decided = await events(runtime, "approval.decided")
    assert decided[-1]["notify"] == ["ava"]
    assert "Fly economy, it is a 7h day flight" in decided[-1]["message"]
    # The booking's own move is written too (an open page sees it leave "pending"); Ava
    # was told by the decision, so this one only moves her lists.
    (cancelled,) = await events(runtime, "booking.cancelled")
    assert cancelled["booking_id"] == booking_id
    assert (cancelled["notify"], cancelled["watchers"]) == ([], ["ava"])
    async with runtime.db.uow(write=False) as s:
        assert await s.scalar(select(Payment).where(Payment.booking_id == booking_id)) is None
    # Erin's step was never reached; now the workflow is over.
    with pytest.raises(ApprovalClosed):
        await decide_approval(runtime, ERIN, approval_id, decision="approve")


async def test_out_of_order_wrong_approver_other_org_and_twice(runtime):
    w = await build_approval_world(runtime)
    _, approval_id = await pending_trip(runtime, w.long_business, 3)  # mia, then victor
    with pytest.raises(ApprovalStepNotReached):
        await decide_approval(runtime, VICTOR, approval_id, decision="approve")
    with pytest.raises(Forbidden):
        await decide_approval(runtime, ERIN, approval_id, decision="approve")
    with pytest.raises(Forbidden):  # the traveller cannot approve her own trip
        await decide_approval(runtime, AVA, approval_id, decision="approve")
    with pytest.raises(NotFound):
        await decide_approval(runtime, GUS, approval_id, decision="approve")
    async with runtime.db.uow(write=False) as s:
        with pytest.raises(NotFound):
            await get_approval(s, GUS, approval_id)
        with pytest.raises(NotFound):  # same org, no part in it
            await get_approval(s, Caller("ned", "acme", "traveler"), approval_id)
        assert (await get_approval(s, AVA, approval_id)).id == approval_id
    await decide_approval(runtime, MIA, approval_id, decision="approve")
    with pytest.raises(ApprovalAlreadyDecided):
        await decide_approval(runtime, MIA, approval_id, decision="reject", note="changed my mind")
    with pytest.raises(ValidationFailed):
        await decide_approval(runtime, VICTOR, approval_id, decision="maybe")
    # An admin may decide any open step of the organization.
    view = as_json(await decide_approval(runtime, ADMIN, approval_id, decision="approve", note="cover"))
    assert view["steps"][1]["decided_by"] == "admin"
    assert view["booking"]["status"] == "confirmed"
    with pytest.raises(ApprovalAlreadyDecided):
        await decide_approval(runtime, ADMIN, approval_id, decision="approve")


async def test_cancelled_booking_cannot_be_approved(runtime):
    from core.booking.service import cancel_held_booking

    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    async with runtime.db.uow() as s:
        await cancel_held_booking(runtime, s, AVA, booking_id)
    with pytest.raises(ApprovalClosed):
        await decide_approval(runtime, MIA, approval_id, decision="approve")
    assert (await booking_row(runtime, booking_id)).status == "cancelled"
    async with runtime.db.uow(write=False) as s:
        assert await list_approvals(s, MIA) == []
    await run_expiries(runtime)  # closes the orphaned workflow and tells Mia
    assert await steps_of(runtime, approval_id) == [("manager", "mia", "skipped")]
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(ApprovalWorkflow, approval_id)).status == "cancelled"
    [cancelled] = await events(runtime, "approval.cancelled")
    assert cancelled["notify"] == ["mia"]


async def test_nobody_to_approve_keeps_the_booking_held(runtime):
    w = await build_approval_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="solo", manager_id=None)  # no manager, and no admin either
        await s.execute(update(User).where(User.id == "admin").values(role="traveler"))
        booking = await hold_booking(
            runtime,
            s,
            Caller("solo", "acme", "traveler"),
            [ItemRequest(flight_offer_id(w.short_business), 1)],
        )
    with pytest.raises(ApproverNotFound):
        await confirm_booking(runtime, Caller("solo", "acme", "traveler"), booking.id)
    assert (await booking_row(runtime, booking.id)).status == "held"


async def test_a_manager_booking_for_a_report_is_not_their_own_approver(runtime):
    w = await build_approval_world(runtime)
    async with runtime.db.uow() as s:
        booking = await hold_booking(
            runtime, s, MIA, [ItemRequest(flight_offer_id(w.short_business), 1)], "ava"
        )
    view = as_json(await confirm_booking(runtime, MIA, booking.id))
    # Mia booked it, so her manager approves instead.
    assert await steps_of(runtime, view["approval_id"]) == [("manager", "victor", "pending")]


async def test_an_admin_cannot_approve_a_trip_they_booked(runtime):
    w = await build_approval_world(runtime)
    async with runtime.db.uow() as s:
        booking = await hold_booking(
            runtime, s, ADMIN, [ItemRequest(flight_offer_id(w.short_business), 1)], "ava"
        )
    view = as_json(await confirm_booking(runtime, ADMIN, booking.id))
    with pytest.raises(Forbidden):
        await decide_approval(runtime, ADMIN, view["approval_id"], decision="approve")
    view = as_json(await decide_approval(runtime, MIA, view["approval_id"], decision="approve"))
    assert view["booking"]["status"] == "confirmed"


async def test_one_person_holding_two_roles_is_asked_once(runtime):
    w = await build_approval_world(runtime)
    async with runtime.db.uow() as s:  # Mia is now also the VP Finance
        await s.execute(update(User).where(User.id == "mia").values(role="vp_finance"))
        await s.execute(update(User).where(User.id == "victor").values(role="manager"))
    _, approval_id = await pending_trip(runtime, w.long_business, 3)
    assert await steps_of(runtime, approval_id) == [("manager", "mia", "pending")]


# -- SLA: escalation and expiry with a frozen clock ---------------------------------------


async def test_overdue_step_is_escalated_once_to_the_approvers_manager(runtime, clock):
    w = await build_approval_world(runtime)
    _, approval_id = await pending_trip(runtime, w.short_business)
    clock.advance(hours=23, minutes=59)
    assert await run_escalations(runtime) == 0
    clock.advance(minutes=2)
    assert await run_escalations(runtime) == 1
    assert await run_escalations(runtime) == 0  # once
    async with runtime.db.uow(write=False) as s:
        step = await s.scalar(select(ApprovalStep).where(ApprovalStep.workflow_id == approval_id))
        assert (step.status, step.escalated_to) == ("escalated", "victor")
        # Still waiting on Mia, and now also on Victor.
        assert [i.approval_id for i in await list_approvals(s, MIA)] == [approval_id]
        assert [i.approval_id for i in await list_approvals(s, VICTOR)] == [approval_id]
    escalated = await events(runtime, "approval.escalated")
    assert len(escalated) == 1
    assert escalated[0]["notify"] == ["victor"]
    assert "Mia" in escalated[0]["message"]
    view = as_json(await decide_approval(runtime, VICTOR, approval_id, decision="approve"))
    assert view["booking"]["status"] == "confirmed"


async def test_expiry_releases_inventory_and_the_sweeper_waits_for_the_deadline(runtime, clock):
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.long_business, 3)
    deadline = T0 + timedelta(seconds=runtime.settings.approval_hold_deadline_seconds)

    clock.set(deadline - timedelta(minutes=1))
    async with runtime.db.uow() as s:
        assert await release_expired_holds(s, now=clock.now()) == 0
    assert await run_expiries(runtime) == 0
    assert (await booking_row(runtime, booking_id)).status == "pending_approval"
    assert (await inventory(runtime, w.long_business))[1] == 3

    clock.set(deadline)
    assert await run_expiries(runtime) == 1
    assert (await booking_row(runtime, booking_id)).status == "expired"
    assert (await inventory(runtime, w.long_business))[1:] == (0, 0)
    assert [st for _, _, st in await steps_of(runtime, approval_id)] == ["expired", "skipped"]
    expired = await events(runtime, "approval.expired")
    assert expired[0]["notify"] == ["ava", "mia"]
    (moved,) = await events(runtime, "booking.expired")
    assert (moved["booking_id"], moved["notify"], moved["watchers"]) == (booking_id, [], ["ava"])
    with pytest.raises(ApprovalClosed):
        await decide_approval(runtime, MIA, approval_id, decision="approve")


async def test_expiry_after_the_sweeper_got_there_first(runtime, clock):
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    clock.advance(seconds=runtime.settings.approval_hold_deadline_seconds + 1)
    async with runtime.db.uow() as s:
        assert await release_expired_holds(s, now=clock.now()) == 1
    assert await run_expiries(runtime) == 1
    async with runtime.db.uow(write=False) as s:
        wf = await s.get(ApprovalWorkflow, approval_id)
        assert (wf.status, wf.settled_at is not None) == ("expired", True)
    assert (await booking_row(runtime, booking_id)).status == "expired"
    assert (await inventory(runtime, w.short_business))[1] == 0


async def test_a_crash_after_the_last_approval_is_finished_by_the_completer(
    runtime, clock, monkeypatch
):
    """The decision moved the booking to ``confirming`` in its own transaction; the
    process dies before the saga runs. The completer runs it; the expiry job records
    the workflow as settled."""
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)

    async def crash(rt, booking_id):
        raise RuntimeError("process died")

    monkeypatch.setattr(saga, "run_saga", crash)
    view = as_json(await decide_approval(runtime, MIA, approval_id, decision="approve"))
    assert (view["status"], view["booking"]["status"]) == ("approved", "confirming")
    monkeypatch.undo()
    assert await run_expiries(runtime) == 0
    assert (await booking_row(runtime, booking_id)).status == "confirming"  # not stale yet
    clock.advance(minutes=2)
    await complete_stuck_sagas(runtime)
    await run_expiries(runtime)
    assert (await booking_row(runtime, booking_id)).status == "confirmed"
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(ApprovalWorkflow, approval_id)).settled_at is not None


# -- rebooks (subject "rebook", settled through core.booking.rebook) ---------------------


async def test_rebook_workflow_is_settled_through_the_rebook_module(runtime, monkeypatch):
    w = await build_approval_world(runtime)
    async with runtime.db.uow() as s:
        booking = await hold_booking(
            runtime, s, AVA, [ItemRequest(flight_offer_id(w.short_business), 1)]
        )
        wf = await start_workflow(
            s,
            booking=booking,
            verdict={
                "status": "amber",
                "approvals_required": ["manager"],
                "violations": [],
                "total_minor": 50_000,
                "currency": "USD",
            },
            now=T0,
            subject="rebook",
            subject_id="CH-1",
            settings=runtime.settings,
        )
        approval_id = wf.id
        # The change the workflow is about, still waiting (the decision checks it).
        s.add(BookingChange(
            id="CH-1", org_id="acme", booking_id=booking.id, kind="rebook",
            status="pending_approval", step="held", currency="USD", created_by="ava",
            created_at=T0, updated_at=T0,
        ))
    calls = []

    async def on_approval_decided(rt, rebook_id, approved, note):
        calls.append((rebook_id, approved, note))

    monkeypatch.setattr(rebook, "on_approval_decided", on_approval_decided)
    view = as_json(await decide_approval(runtime, MIA, approval_id, decision="approve", note="fine"))
    assert view["subject"] == "rebook"
    assert view["amount"] == {"amount": "500.00", "currency": "USD"}
    assert calls == [("CH-1", True, "fine")]
    assert (await booking_row(runtime, booking.id)).status == "held"  # not the booking saga


async def test_settle_waits_when_telling_the_rebook_fails(runtime, monkeypatch):
    async def broken(rt, rebook_id, approved, note):
        raise RuntimeError("process died")

    monkeypatch.setattr(rebook, "on_approval_decided", broken)
    done = Finished("AP-X", "rebook", "CH-1", "BK-X", "approved", "")
    assert await settle(runtime, done) is False


async def test_the_default_jobs_escalate_and_expire(runtime, clock):
    from core.jobs import default_jobs

    jobs = {job.name: job for job in default_jobs()}
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    clock.advance(hours=25)
    assert await jobs["approval_escalator"].run(runtime) == 1
    clock.advance(hours=24)
    assert await jobs["approval_expirer"].run(runtime) == 1
    assert [st for _, _, st in await steps_of(runtime, approval_id)] == ["expired"]
    assert (await booking_row(runtime, booking_id)).status == "expired"


async def test_an_approval_that_comes_after_the_hold_ran_out_tells_the_traveller(runtime, clock):
    """The approval's "approved" is not the end of it: the trip expired, and Ava hears so."""
    w = await build_approval_world(runtime)
    booking_id, approval_id = await pending_trip(runtime, w.short_business)
    async with runtime.db.uow() as s:
        booking = await s.get(Booking, booking_id)
        assert booking is not None
        booking.hold_expires_at = clock.now() + timedelta(minutes=1)
    clock.advance(seconds=120)
    view = as_json(await decide_approval(runtime, MIA, approval_id, decision="approve"))
    assert view["booking"]["status"] == "expired"
    (moved,) = await events(runtime, "booking.expired")
    assert moved["booking_id"] == booking_id
    assert "notify" not in moved  # the traveller is told: news after "approved"
    assert "ran out" in moved["reason"]


async def test_approvers_for_resolve_as_the_workflow_will(runtime):
    """approvers_for (left28): who a search's amber options would wait on, for the
    traveller and the one booking — the traveller's manager, up the chain when that is
    the booker; a role nobody holds left out."""
    await build_approval_world(runtime)
    admin = Caller(user_id="admin", org_id="acme", role="admin", name="Admin")
    async with runtime.db.uow() as s:
        assert await approvers_for(s, AVA, None, ["manager"]) == {"manager": "Mia"}
        assert await approvers_for(s, MIA, "ava", ["manager"]) == {"manager": "Victor"}
        assert await approvers_for(s, admin, "ava", ["manager"]) == {"manager": "Mia"}
        both = await approvers_for(s, MIA, "ava", ["manager", "vp_finance"])
        assert both == {"manager": "Victor", "vp_finance": "Victor"}
        assert await approvers_for(s, AVA, "nobody", ["manager"]) == {}
