"""The manual-review queue in the core: episodes, what settling does to invoicing, and
the race pair of its guard (issue 14, item 12)."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select, true, update
from sqlalchemy.orm.attributes import set_committed_value

from core.booking.rebook import rebook_booking
from core.booking.saga import complete_stuck_sagas, confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.disruption.feed import receive_flight_status, sign
from core.errors import ReviewItemClosed
from core.finance import reconcile
from core.identity import Caller
from core.models import (
    ExceptionResolution,
    InvoiceLine,
    ReconciliationException,
    SupplierReservation,
)
from core.review import service
from core.review.service import list_review_items, resolve_review_item
from core.search.offers import flight_offer_id
from tests.conftest import supplier_times_out
from tests.core.booking_world import AVA, build_world
from tests.core.changes_world import add_flight, itinerary

FIN = Caller(user_id="fin", org_id="acme", role="finance", name="Fin")
FIN2 = Caller(user_id="fin2", org_id="acme", role="finance", name="Fin Two")
ADMIN = Caller(user_id="admin", org_id="acme", role="admin", name="Sam")

R = ExceptionResolution


async def _confirmed(rt, offer: str) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, AVA, [ItemRequest(offer, 1)])
    await confirm_booking(rt, AVA, booking.id)
    return booking.id


async def _queue(rt, caller=FIN, **kw) -> list[str]:
    async with rt.db.uow(write=False) as s:
        page = await list_review_items(s, caller, now=rt.clock.now(), limit=100, **kw)
    return [i.item_id for i in page.items]


async def _resolve(rt, caller, item_id, outcome=R.RESOLVED, note="looked at it"):
    async with rt.db.uow() as s:
        return await resolve_review_item(
            s, caller, item_id, outcome=outcome, note=note, now=rt.clock.now()
        )


async def _mismatch(rt) -> tuple[str, str]:
    """A confirmed JFK→BOS booking the supplier charged 5.00 more for: (booking, item id)."""
    w = await build_world(rt)
    bid = await _confirmed(rt, flight_offer_id(w.short_inv["economy"].id))
    async with rt.db.uow() as s:
        await s.execute(
            update(SupplierReservation)
            .where(SupplierReservation.booking_ref == bid)
            .values(amount_minor=15500)
        )
    await reconcile(rt)
    async with rt.db.uow(write=False) as s:
        exc = await s.scalar(select(ReconciliationException))
    return bid, f"exception:{exc.id}"


async def _lines(rt, bid: str) -> int:
    async with rt.db.uow(write=False) as s:
        return len(
            (await s.scalars(select(InvoiceLine).where(InvoiceLine.booking_id == bid))).all()
        )


# -- what settling an exception does to the booking ----------------------------------------


@pytest.mark.parametrize(
    ("outcome", "invoiced"), [(R.WRITTEN_OFF, 1), (R.ADJUSTED, 1), (R.DISPUTED, 0)]
)
async def test_a_settled_difference_lets_the_booking_be_invoiced_a_disputed_one_not(
    runtime, outcome, invoiced
):
    bid, item = await _mismatch(runtime)
    await _resolve(runtime, FIN, item, outcome, note="GDS fare filing error")

    stats = await reconcile(runtime)

    assert await _lines(runtime, bid) == invoiced
    assert stats.exceptions == 0  # nothing reported twice
    assert (item in await _queue(runtime)) is (outcome == R.DISPUTED)


async def test_a_resolved_difference_that_is_still_there_opens_again(runtime):
    bid, item = await _mismatch(runtime)
    await _resolve(runtime, ADMIN, item, note="Supplier says it is fixed")
    assert item not in await _queue(runtime)

    assert (await reconcile(runtime)).exceptions == 1  # the charge is still 155.00

    assert await _queue(runtime) == [item]
    assert await _lines(runtime, bid) == 0
    # Once the supplier really corrects it, the booking is invoiced.
    async with runtime.db.uow() as s:
        await s.execute(
            update(SupplierReservation)
            .where(SupplierReservation.booking_ref == bid)
            .values(amount_minor=15000)
        )
    await _resolve(runtime, ADMIN, item, note="Corrected now")
    await reconcile(runtime)
    assert await _lines(runtime, bid) == 1


# -- bookings: one resolution per episode --------------------------------------------------


async def _cancel_ba117(rt) -> None:
    body = json.dumps(
        {"carrier": "BA", "number": "117", "date": "2026-12-18", "status": "cancelled"}
    ).encode()
    ts = str(int(rt.clock.now().timestamp()))
    await receive_flight_status(
        rt, body, timestamp=ts, signature=sign(rt.settings.flight_webhook_secret, ts, body)
    )


async def test_a_disrupted_booking_comes_back_when_it_needs_review_again(runtime, clock):
    w = await build_world(runtime)
    bid = await _confirmed(runtime, flight_offer_id(w.long_inv["economy"].id))
    onward = await add_flight(runtime, number="119", fare=61240, hours_later=4)
    await _cancel_ba117(runtime)
    item = f"booking:{bid}"
    assert await _queue(runtime) == [item]
    resolved = await _resolve(runtime, ADMIN, item, note="Ava chooses tomorrow")
    assert (resolved.state, resolved.cause) == ("resolved", "disruption")
    assert await _queue(runtime) == []

    # Rebooked (confirmed again), then the new flight is cancelled too: a new episode.
    clock.advance(minutes=5)
    [seg] = await itinerary(runtime, bid)
    await rebook_booking(runtime, AVA, bid, seg.id, flight_offer_id(onward))
    body = json.dumps(
        {"carrier": "BA", "number": "119", "date": "2026-12-18", "status": "cancelled"}
    ).encode()
    clock.advance(minutes=5)
    ts = str(int(clock.now().timestamp()))
    await receive_flight_status(
        runtime,
        body,
        timestamp=ts,
        signature=sign(runtime.settings.flight_webhook_secret, ts, body),
    )
    async with runtime.db.uow(write=False) as s:
        [again] = (await list_review_items(s, FIN, now=clock.now())).items
    assert (again.item_id, again.state, again.age_seconds) == (item, "open", 0)
    assert "BA 119" in again.detail
    assert (await _resolve(runtime, FIN, item, note="again")).resolution.note == "again"


async def test_a_supplier_timeout_resolved_by_hand_then_finished_by_the_completer(runtime, clock):
    w = await build_world(runtime)
    with supplier_times_out(runtime):
        bid = await _confirmed(runtime, flight_offer_id(w.short_inv["economy"].id))
    item = f"booking:{bid}"
    [listed] = (await _listed(runtime)).items
    assert (listed.item_id, listed.cause, listed.booking_status) == (
        item,
        "supplier_timeout",
        "pending_confirmation",
    )
    await _resolve(runtime, FIN, item, note="Ticket issued by phone")
    assert await _queue(runtime) == []
    clock.advance(minutes=5)
    assert await complete_stuck_sagas(runtime) == 1
    assert await _queue(runtime) == []


async def _listed(rt):
    async with rt.db.uow(write=False) as s:
        return await list_review_items(s, FIN, now=rt.clock.now())


# -- the race pair -------------------------------------------------------------------------


def _stale_first_read(monkeypatch) -> None:
    """The resolver's first read of the exception sees it as it was before another
    resolution committed (PostgreSQL, READ COMMITTED; SQLite serializes write
    transactions, so there it cannot happen by itself)."""
    real = service._load_exception
    calls = {"n": 0}

    async def stale(session, org_id, exception_id):
        row = await real(session, org_id, exception_id)
        calls["n"] += 1
        if calls["n"] == 1 and row is not None:
            for name in ("resolution", "resolution_note", "resolved_by", "resolved_at"):
                set_committed_value(row, name, None)
        return row

    monkeypatch.setattr(service, "_load_exception", stale)


async def test_a_settlement_that_read_before_another_committed_loses(runtime, monkeypatch):
    _, item = await _mismatch(runtime)
    await _resolve(runtime, FIN, item, R.WRITTEN_OFF, note="Not worth chasing")
    _stale_first_read(monkeypatch)
    with pytest.raises(ReviewItemClosed, match="written_off by fin"):
        await _resolve(runtime, FIN2, item, R.ADJUSTED, note="Credit note 42")
    async with runtime.db.uow(write=False) as s:
        row = await s.scalar(select(ReconciliationException))
    assert (row.resolution, row.resolved_by) == ("written_off", "fin")


async def test_without_the_guard_the_late_settlement_overwrites_the_first(runtime, monkeypatch):
    """The same lost race with the conditional UPDATE's guard switched off (the
    still-unsettled condition dropped): the second settlement is accepted and silently
    replaces the first — finance's write-off is lost."""
    _, item = await _mismatch(runtime)
    await _resolve(runtime, FIN, item, R.WRITTEN_OFF, note="Not worth chasing")
    _stale_first_read(monkeypatch)
    monkeypatch.setattr(service, "_unsettled", lambda outcome: true())
    view = await _resolve(runtime, FIN2, item, R.ADJUSTED, note="Credit note 42")
    assert view.state == "adjusted"
    async with runtime.db.uow(write=False) as s:
        row = await s.scalar(select(ReconciliationException))
    assert (row.resolution, row.resolved_by) == ("adjusted", "fin2")


@pytest.mark.parametrize("rounds", range(3))
async def test_two_settlements_at_once_exactly_one_wins(runtime, rounds):
    _, item = await _mismatch(runtime)

    async def settle(caller, outcome, note):
        try:
            return await _resolve(runtime, caller, item, outcome, note=note)
        except ReviewItemClosed as exc:
            return exc

    results = await asyncio.gather(
        settle(FIN, R.WRITTEN_OFF, "Not worth chasing"), settle(FIN2, R.ADJUSTED, "Credit note")
    )
    won = [r for r in results if not isinstance(r, ReviewItemClosed)]
    assert len(won) == 1
    async with runtime.db.uow(write=False) as s:
        row = await s.scalar(select(ReconciliationException))
    assert row.resolution == won[0].state
