"""Race pairs (STYLE: pretix's concurrency tests).

Each lock or conditional write gets two tests: one runs the real code with that
guard switched off (monkeypatched) and watches it break, one shows the guard holds.
They run on SQLite and, in CI, on PostgreSQL with real concurrent connections.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.booking import saga, states
from core.booking import service as booking_service
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, cancel_held_booking, hold_booking
from core.errors import ConcurrentUpdate, CoreError, InvalidTransition, SoldOut
from core.inventory import holds
from core.locks import InProcessLocks
from core.models import Booking, FareInventory, GatewayIntent, Payment
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, MIA, build_world
from tests.factories import as_json

pytestmark = pytest.mark.race

CONTENDERS = 8
NO_CAPS = {
    "hold_max_places_per_user": 0,
    "hold_max_places_per_org": 0,
    "hold_max_open_per_user": 0,
    "hold_max_open_per_org": 0,
}


# Both hold paths: one statement (PostgreSQL's common hold) and row by row (the rest).
hold_paths = pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement", "rows"])


@hold_paths
async def test_without_the_conditional_write_holds_pass_capacity(runtime, monkeypatch, one_statement):
    """The real hold path with its guard switched off (``held + sold + n <= capacity``
    dropped from the UPDATE): nobody is told SOLD_OUT any more. Every hold takes its
    seat until the table's CHECK, the last line of defence, fails the third with a
    database error — a 500 for that caller instead of a 409."""
    w = await build_world(runtime)
    monkeypatch.setattr(holds, "fits", lambda table, quantity: true())
    offer = flight_offer_id(w.tiny_inv["economy"].id)  # 2 seats

    async def attempt(i: int) -> bool:
        caller = AVA if i % 2 else MIA
        try:
            async with runtime.db.uow() as s:
                await hold_booking(runtime, s, caller, [ItemRequest(offer, 1)])
            return True
        except SoldOut:
            return False

    outcomes = await asyncio.gather(
        *(attempt(i) for i in range(CONTENDERS)), return_exceptions=True
    )
    assert outcomes.count(True) == 2
    assert False not in outcomes, "without the guard nobody hears SOLD_OUT"
    # (the outcomes in the message: once, at load 15 on PostgreSQL, one was something else)
    assert all(isinstance(o, IntegrityError) for o in outcomes if o is not True), [
        repr(o) for o in outcomes if o is not True
    ]


@hold_paths
async def test_conditional_write_never_oversells(runtime, one_statement):
    """Protected: many concurrent holds on the last seats — exactly capacity succeed and
    every other one hears SOLD_OUT. The hold path takes no application lock (ADR 0002), so
    even a contention lock that gives up after 1 ms times nobody out (LOCK_TIMEOUT was a
    503 for a burst's unlucky waiters). The caps are off: their row locks would queue the
    holds of one organization before they reach the inventory."""
    w = await build_world(runtime)
    runtime.locks = InProcessLocks(wait_ms=1)
    runtime.settings = runtime.settings.model_copy(
        update=NO_CAPS | {"hold_one_statement": one_statement}
    )
    offer = flight_offer_id(w.tiny_inv["economy"].id)

    async def attempt(i: int) -> bool:
        caller = AVA if i % 2 else MIA
        try:
            async with runtime.db.uow() as s:
                await hold_booking(runtime, s, caller, [ItemRequest(offer, 1)])
            return True
        except SoldOut:
            return False

    wins = sum(await asyncio.gather(*(attempt(i) for i in range(CONTENDERS))))
    assert wins == 2
    async with runtime.db.uow(write=False) as s:
        inv = await s.get(FareInventory, w.tiny_inv["economy"].id)
        assert (inv.held, inv.sold) == (2, 0)
        assert await s.scalar(select(func.count()).select_from(Booking)) == 2


async def _held(runtime, offer: str) -> str:
    async with runtime.db.uow() as s:
        return (await hold_booking(runtime, s, AVA, [ItemRequest(offer, 1)])).id


def _stale_confirm_read(monkeypatch, runtime) -> None:
    """The confirm's read of the booking sees it still ``held`` (two clicks that both
    read before either commits: PostgreSQL, READ COMMITTED)."""
    real = saga.load_visible_booking

    async def stale(session, caller, booking_id, **kwargs):
        booking = await real(session, caller, booking_id, **kwargs)
        set_committed_value(booking, "status", "held")
        set_committed_value(booking, "hold_expires_at", runtime.clock.now() + timedelta(minutes=5))
        return booking

    monkeypatch.setattr(saga, "load_visible_booking", stale)


async def _count_intents(runtime) -> int:
    async with runtime.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(GatewayIntent))


async def test_a_confirm_that_read_before_another_committed_loses(runtime, monkeypatch):
    w = await build_world(runtime)
    bid = await _held(runtime, flight_offer_id(w.short_inv["economy"].id))
    assert as_json(await confirm_booking(runtime, AVA, bid))["status"] == "confirmed"
    _stale_confirm_read(monkeypatch, runtime)
    with pytest.raises(ConcurrentUpdate):
        await confirm_booking(runtime, AVA, bid)
    assert await _count_intents(runtime) == 1


async def test_without_the_conditional_move_a_second_confirm_runs_the_saga_again(
    runtime, monkeypatch
):
    """The same lost race with the state machine's guard switched off: the second
    click moves the confirmed booking back to ``confirming`` and runs the whole saga
    again. Our deterministic payment and supplier keys keep it to one charge; the
    outbox's unique event key stops it at the end, with a database error (a 500)."""
    w = await build_world(runtime)
    bid = await _held(runtime, flight_offer_id(w.short_inv["economy"].id))
    assert as_json(await confirm_booking(runtime, AVA, bid))["status"] == "confirmed"
    _stale_confirm_read(monkeypatch, runtime)
    monkeypatch.setattr(states, "_still", lambda expected: true())
    with pytest.raises(IntegrityError, match="outbox"):
        await confirm_booking(runtime, AVA, bid)
    assert await _count_intents(runtime) == 1
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "confirming"


async def test_double_confirm_charges_once(runtime):
    w = await build_world(runtime)
    bid = await _held(runtime, flight_offer_id(w.short_inv["economy"].id))

    async def click():
        try:
            return as_json(await confirm_booking(runtime, AVA, bid))
        except CoreError as exc:
            return exc

    results = await asyncio.gather(*(click() for _ in range(4)))
    statuses = [r["status"] if isinstance(r, dict) else r.code for r in results]
    assert "confirmed" in statuses
    async with runtime.db.uow(write=False) as s:
        assert await s.scalar(select(func.count()).select_from(Payment)) == 1
        assert (await s.get(Booking, bid)).status == "confirmed"
        inv = await s.get(FareInventory, w.short_inv["economy"].id)
        assert (inv.held, inv.sold) == (0, 1)
    found = await runtime.payments.find_by_idempotency_key(f"booking:{bid}:authorize")
    assert found is not None


def _stale_read(monkeypatch) -> None:
    """The cancel's read of the booking sees it still ``held``, as when two requests
    read before either commits (PostgreSQL, READ COMMITTED; SQLite serializes them)."""
    real = booking_service.load_visible_booking

    async def stale(session, caller, booking_id, **kwargs):
        booking = await real(session, caller, booking_id, **kwargs)
        set_committed_value(booking, "status", "held")
        return booking

    monkeypatch.setattr(booking_service, "load_visible_booking", stale)


async def _cancel(runtime, bid: str) -> None:
    async with runtime.db.uow() as s:
        await cancel_held_booking(runtime, s, AVA, bid)


async def test_a_cancel_that_read_before_another_committed_loses_on_the_conditional_move(
    runtime, monkeypatch
):
    w = await build_world(runtime)
    inv_id = w.short_inv["economy"].id
    await _held(runtime, flight_offer_id(inv_id))
    bid = await _held(runtime, flight_offer_id(inv_id))
    await _cancel(runtime, bid)
    _stale_read(monkeypatch)
    with pytest.raises(ConcurrentUpdate):
        await _cancel(runtime, bid)
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(FareInventory, inv_id)).held == 1


async def test_without_the_conditional_move_a_second_cancel_runs_again(runtime, monkeypatch):
    """The same lost race with the state machine's guard switched off
    (``WHERE status = :expected`` dropped from the real move): the second cancel is
    not refused. It cancels the cancelled booking again and only the outbox's unique
    event key stops it, with a database error (a 500) instead of INVALID_TRANSITION."""
    w = await build_world(runtime)
    inv_id = w.short_inv["economy"].id
    await _held(runtime, flight_offer_id(inv_id))
    bid = await _held(runtime, flight_offer_id(inv_id))
    await _cancel(runtime, bid)
    _stale_read(monkeypatch)
    monkeypatch.setattr(states, "_still", lambda expected: true())
    with pytest.raises(IntegrityError, match="outbox"):
        await _cancel(runtime, bid)


async def test_double_cancel_releases_once(runtime):
    w = await build_world(runtime)
    inv_id = w.short_inv["economy"].id
    await _held(runtime, flight_offer_id(inv_id))
    bid = await _held(runtime, flight_offer_id(inv_id))

    async def cancel():
        try:
            async with runtime.db.uow() as s:
                await cancel_held_booking(runtime, s, AVA, bid)
            return "ok"
        except InvalidTransition:
            return "lost"

    results = await asyncio.gather(*(cancel() for _ in range(4)))
    assert results.count("ok") == 1
    async with runtime.db.uow(write=False) as s:
        inv = await s.get(FareInventory, inv_id)
        assert inv.held == 1


# ---------------------------------------------------------------- a hold that replaces another


async def _replace(runtime, old: str, offer: str) -> str:
    async with runtime.db.uow() as s:
        return (await hold_booking(runtime, s, AVA, [ItemRequest(offer, 1)], replaces=old)).id


async def test_a_replace_that_read_the_hold_before_its_confirmation_committed_loses(
    runtime, monkeypatch
):
    """"Yes, but the later flight" racing the confirmation of the first hold: the
    confirmation got there first, so the replacing hold is refused as a whole — no new
    booking, and the paid one keeps its seat."""
    w = await build_world(runtime)
    inv_id = w.short_inv["economy"].id
    bid = await _held(runtime, flight_offer_id(inv_id))
    assert as_json(await confirm_booking(runtime, AVA, bid))["status"] == "confirmed"
    _stale_read(monkeypatch)
    with pytest.raises(ConcurrentUpdate):
        await _replace(runtime, bid, flight_offer_id(w.long_inv["economy"].id))
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "confirmed"
        assert await s.scalar(select(func.count()).select_from(Booking)) == 1
        inv = await s.get(FareInventory, inv_id)
        assert (inv.held, inv.sold) == (0, 1)


async def test_without_the_conditional_move_a_replace_cancels_a_paid_booking(
    runtime, monkeypatch
):
    """The same lost race with the state machine's guard switched off (``WHERE status =
    :expected`` dropped from the real move): the replacing hold goes through and the
    booking that was just paid for is marked cancelled, with its payment kept and no
    refund — the traveller loses a paid seat without being told."""
    w = await build_world(runtime)
    bid = await _held(runtime, flight_offer_id(w.short_inv["economy"].id))
    assert as_json(await confirm_booking(runtime, AVA, bid))["status"] == "confirmed"
    _stale_read(monkeypatch)
    monkeypatch.setattr(states, "_still", lambda expected: true())
    new = await _replace(runtime, bid, flight_offer_id(w.long_inv["economy"].id))
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "cancelled"
        assert (await s.get(Booking, new)).status == "held"
        payment = await s.scalar(select(Payment).where(Payment.booking_id == bid))
        assert payment is not None
        assert (payment.captured_minor > 0, payment.refunded_minor) == (True, 0)


async def test_two_replaces_of_one_hold_leave_one_new_hold(runtime):
    """A double click on "switch to the later flight": one replacing hold wins, the
    other is refused; the old seat is given back once."""
    w = await build_world(runtime)
    old_inv, new_inv = w.short_inv["economy"].id, w.long_inv["economy"].id
    bid = await _held(runtime, flight_offer_id(old_inv))

    async def switch() -> str:
        try:
            await _replace(runtime, bid, flight_offer_id(new_inv))
            return "ok"
        except (InvalidTransition, ConcurrentUpdate):
            return "lost"

    results = await asyncio.gather(*(switch() for _ in range(4)))
    assert results.count("ok") == 1
    async with runtime.db.uow(write=False) as s:
        assert (await s.get(FareInventory, old_inv)).held == 0
        assert (await s.get(FareInventory, new_inv)).held == 1
