from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from core.booking.service import hold_booking
from core.booking.views import booking_view
from core.errors import (
    IdempotencyInProgress,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
    SoldOut,
)
from core.idempotency import StoredProblem, reap_idempotency_keys, run_idempotent
from core.models import Booking, IdempotencyRecord
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, MIA, build_world
from tests.factories import named_item


def hold_handler(rt, offer, qty=1, crash=False):
    async def handler(ctx):
        async with rt.db.uow() as s:
            if ctx.resource_id:  # resumed after a crash: the hold is already there
                booking = await s.get(Booking, ctx.resource_id)
            else:
                booking = await hold_booking(rt, s, AVA, [named_item(offer, qty)])
                await ctx.save_point(s, resource_id=booking.id)
            body = (await booking_view(s, booking)).model_dump(mode="json")
        if crash:
            raise ConnectionResetError("process died before answering")
        return 201, body
    return handler


async def bookings(rt):
    async with rt.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(Booking))


async def test_replay_returns_the_first_answer(runtime):
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    payload = {"items": [{"offer_id": offer, "quantity": 1}]}
    first = await run_idempotent(runtime, AVA, scope="POST /v1/bookings", key="k1", payload=payload,
                                 handler=hold_handler(runtime, offer))
    again = await run_idempotent(runtime, AVA, scope="POST /v1/bookings", key="k1", payload=payload,
                                 handler=hold_handler(runtime, offer))
    assert again.replayed
    assert again.body == first.body
    assert await bookings(runtime) == 1
    # Keys are per caller: Mia's "k1" is a different key.
    other = await run_idempotent(runtime, MIA, scope="POST /v1/bookings", key="k1", payload=payload,
                                 handler=hold_handler(runtime, offer))
    assert not other.replayed


async def test_same_key_different_payload_is_refused(runtime):
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    await run_idempotent(runtime, AVA, scope="s", key="k", payload={"q": 1},
                         handler=hold_handler(runtime, offer))
    with pytest.raises(IdempotencyKeyReused):
        await run_idempotent(runtime, AVA, scope="s", key="k", payload={"q": 2},
                             handler=hold_handler(runtime, offer))


async def test_missing_key(runtime):
    with pytest.raises(IdempotencyKeyMissing):
        await run_idempotent(runtime, AVA, scope="s", key=None, payload={}, handler=None)


async def test_in_flight_duplicate_gets_409_and_runs_once(runtime):
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    gate = asyncio.Event()
    inner = hold_handler(runtime, offer)

    async def slow(ctx):
        await gate.wait()
        return await inner(ctx)

    first = asyncio.create_task(run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                                               handler=slow))
    await asyncio.sleep(0.2)
    with pytest.raises(IdempotencyInProgress):
        await run_idempotent(runtime, AVA, scope="s", key="k", payload={}, handler=inner)
    gate.set()
    await first
    assert await bookings(runtime) == 1


async def test_business_errors_are_replayed(runtime):
    w = await build_world(runtime)
    offer = flight_offer_id(w.tiny_inv["economy"].id)
    with pytest.raises(SoldOut):
        await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                             handler=hold_handler(runtime, offer, qty=5))
    with pytest.raises(StoredProblem) as replay:
        await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                             handler=hold_handler(runtime, offer, qty=1))
    assert replay.value.body["code"] == "SOLD_OUT"
    assert await bookings(runtime) == 0


async def test_crashed_request_resumes_from_its_recovery_point(runtime, clock):
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    with pytest.raises(ConnectionResetError):
        await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                             handler=hold_handler(runtime, offer, crash=True))
    with pytest.raises(IdempotencyInProgress):  # still inside the first attempt's lease
        await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                             handler=hold_handler(runtime, offer))
    clock.advance(seconds=runtime.settings.idempotency_in_flight_seconds + 1)
    resumed = await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                                   handler=hold_handler(runtime, offer))
    assert resumed.status_code == 201
    assert await bookings(runtime) == 1  # resumed, not repeated


async def test_keys_are_reaped_after_their_ttl(runtime, clock):
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                         handler=hold_handler(runtime, offer))
    async with runtime.db.uow() as s:
        assert await reap_idempotency_keys(s, now=clock.now(), ttl_seconds=86400) == 0
    clock.advance(hours=25)
    async with runtime.db.uow() as s:
        assert await reap_idempotency_keys(s, now=clock.now(), ttl_seconds=86400) == 1
        assert await s.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def finishing_handler(rt, offer, crash_before_commit=False):
    """Stores its answer with its work (``ctx.finish``), as POST /v1/bookings does."""
    async def handler(ctx):
        async with rt.db.uow() as s:
            booking = await hold_booking(rt, s, AVA, [named_item(offer, 1)])
            body = (await booking_view(s, booking, fresh=True)).model_dump(mode="json")
            await ctx.finish(s, 201, body, resource_id=booking.id, now=rt.clock.now())
            if crash_before_commit:
                raise ConnectionResetError("process died before its COMMIT")
        return 201, body
    return handler


async def test_an_answer_stored_with_the_work_is_replayed_and_a_crash_before_it_redoes(
    runtime, clock
):
    """Crash injection at the one point left: before the COMMIT that holds and answers
    together nothing happened (the retry holds once); after it, the answer is replayed."""
    w = await build_world(runtime)
    offer = flight_offer_id(w.short_inv["economy"].id)
    with pytest.raises(ConnectionResetError):
        await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                             handler=finishing_handler(runtime, offer, crash_before_commit=True))
    assert await bookings(runtime) == 0
    clock.advance(seconds=runtime.settings.idempotency_in_flight_seconds + 1)
    first = await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                                 handler=finishing_handler(runtime, offer))
    again = await run_idempotent(runtime, AVA, scope="s", key="k", payload={},
                                 handler=finishing_handler(runtime, offer))
    assert (first.replayed, again.replayed) == (False, True)
    assert again.body == first.body
    assert await bookings(runtime) == 1
    async with runtime.db.uow(write=False) as s:
        record = await s.scalar(select(IdempotencyRecord))
        assert (record.status, record.resource_id) == ("done", first.body["booking_id"])
