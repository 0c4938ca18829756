"""Outbox relay: at-least-once delivery, idempotent consumers, backoff, races."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from core import outbox
from core.models import NotificationDelivery, OutboxEvent
from core.notify import Delivery, notifiers_for, register_notifier, relay_outbox
from core.notify.relay import CLAIM_LEASE, MAX_ATTEMPTS, RelayCrash, backoff
from core.runtime import Runtime
from tests.core.booking_world import AVA, build_world
from tests.factories import T0


class Consumer:
    """A notifier that remembers what it was handed and processes each key once."""

    def __init__(self, name: str = "rec", *, fail_times: int = 0, delay: float = 0.0) -> None:
        self.name = name
        self.fail_times = fail_times
        self.delay = delay
        self.received: list[Delivery] = []
        self.processed: list[Delivery] = []
        self._seen: set[str] = set()

    async def deliver(self, rt: Runtime, delivery: Delivery) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("mail server down")
        self.received.append(delivery)
        if delivery.key not in self._seen:  # the idempotent consumer
            self._seen.add(delivery.key)
            self.processed.append(delivery)


async def emit(
    rt: Runtime, topic: str, key: str, payload: dict[str, Any], org_id: str = "acme"
) -> None:
    async with rt.db.uow() as session:
        outbox.emit(
            session, org_id=org_id, topic=topic, key=key, payload=payload, at=rt.clock.now()
        )


async def event_row(rt: Runtime, key: str) -> OutboxEvent:
    async with rt.db.uow(write=False) as session:
        row = await session.scalar(select(OutboxEvent).where(OutboxEvent.key == key))
        assert row is not None
        session.expunge(row)
    return row


async def delivery_count(rt: Runtime) -> int:
    async with rt.db.uow(write=False) as session:
        return int(
            await session.scalar(select(func.count()).select_from(NotificationDelivery)) or 0
        )


@pytest.fixture
async def world(runtime: Runtime):
    return await build_world(runtime)


async def test_a_booking_event_reaches_the_traveller_with_a_default_sentence(runtime, world):
    from core.booking.service import ItemRequest, hold_booking

    consumer = Consumer()
    register_notifier(consumer, rt=runtime)
    async with runtime.db.uow() as session:
        booking = await hold_booking(
            runtime,
            session,
            AVA,
            [ItemRequest(offer_id=f"FL-{world.short_inv['economy'].id}", quantity=1)],
        )

    stats = await relay_outbox(runtime)

    assert (stats.claimed, stats.delivered) == (1, 1)
    [delivery] = consumer.processed
    assert delivery.topic == "booking.held"
    assert delivery.recipient.user_id == "ava"
    assert delivery.recipient.email == "ava@example.com"
    assert booking.id in delivery.message
    assert "hold" in delivery.message
    row = await event_row(runtime, f"booking:{booking.id}:held")
    assert row.delivered_at == T0
    assert row.attempts == 1
    assert row.last_error is None
    # The log notifier and ours, each once for Ava.
    assert await delivery_count(runtime) == 2
    # Nothing is due any more.
    assert (await relay_outbox(runtime)).claimed == 0


async def test_payload_notify_and_message_win_and_stay_inside_the_organization(runtime, world):
    consumer = Consumer()
    register_notifier(consumer, rt=runtime)
    await emit(
        runtime,
        "approval.requested",
        "e1",
        {
            "booking_id": "BK-NOPE",
            "notify": ["mia", "victor", "gus", "mia"],
            "message": "Ava's trip to London needs your approval.",
        },
    )

    await relay_outbox(runtime)

    # gus is Globex: an Acme event never reaches him; mia is told once.
    assert [d.recipient.user_id for d in consumer.processed] == ["mia", "victor"]
    assert {d.message for d in consumer.processed} == {"Ava's trip to London needs your approval."}


async def test_empty_notify_means_nobody_and_the_event_is_still_settled(runtime, world):
    consumer = Consumer()
    register_notifier(consumer, rt=runtime)
    await emit(runtime, "booking.held", "e2", {"booking_id": "BK-X", "notify": []})

    stats = await relay_outbox(runtime)

    assert stats.delivered == 1
    assert consumer.received == []
    assert (await event_row(runtime, "e2")).delivered_at is not None


async def test_a_failing_notifier_is_retried_with_backoff_and_others_are_not_repeated(
    runtime, clock, world
):
    flaky = Consumer("flaky", fail_times=2)
    steady = Consumer("steady")
    register_notifier(flaky, rt=runtime)
    register_notifier(steady, rt=runtime)
    await emit(runtime, "booking.confirmed", "e3", {"booking_id": "BK-1", "traveler_id": "ava"})

    first = await relay_outbox(runtime)
    assert (first.delivered, first.retrying) == (0, 1)
    row = await event_row(runtime, "e3")
    assert row.delivered_at is None
    assert "mail server down" in (row.last_error or "")
    assert row.available_at == clock.now() + backoff(1)

    # Not due before the backoff has passed.
    clock.advance(backoff(1) - timedelta(seconds=1))
    assert (await relay_outbox(runtime)).claimed == 0
    clock.advance(seconds=1)
    second = await relay_outbox(runtime)
    assert second.retrying == 1
    assert (await event_row(runtime, "e3")).available_at == clock.now() + backoff(2)
    assert backoff(2) == 2 * backoff(1)

    clock.advance(backoff(2))
    third = await relay_outbox(runtime)
    assert third.delivered == 1
    row = await event_row(runtime, "e3")
    assert row.delivered_at == clock.now()
    assert row.attempts == 3
    assert row.last_error is None
    # The steady notifier got it on the first pass and was never asked again.
    assert len(steady.received) == 1
    assert len(flaky.received) == 1


async def test_a_relay_crash_after_sending_redelivers_and_the_consumer_drops_the_copy(
    runtime, clock, world
):
    consumer = Consumer()
    register_notifier(consumer, rt=runtime)
    await emit(runtime, "booking.cancelled", "e4", {"booking_id": "BK-2", "traveler_id": "ava"})
    runtime.extras["relay_crash_at"] = "after_deliver"
    # The log notifier runs first and is recorded; crash after it, before its record...
    with pytest.raises(RelayCrash):
        await relay_outbox(runtime)
    assert (await event_row(runtime, "e4")).delivered_at is None
    assert await delivery_count(runtime) == 0

    # ...the claim holds the event until its lease runs out,
    assert (await relay_outbox(runtime)).claimed == 0
    clock.advance(CLAIM_LEASE)
    stats = await relay_outbox(runtime)

    # then it is delivered again: at least once.
    assert stats.delivered == 1
    assert len(consumer.received) == 1
    assert await delivery_count(runtime) == 2


async def test_a_crash_between_our_consumer_and_its_record_is_a_duplicate_it_ignores(
    runtime, clock, world
):
    consumer = Consumer()
    register_notifier(consumer, rt=runtime)
    await emit(runtime, "booking.cancelled", "e5", {"booking_id": "BK-3", "traveler_id": "ava"})
    # The log notifier goes first (and is recorded); our consumer gets the event and
    # the relay dies before recording that.
    assert [n.name for n in notifiers_for(runtime)] == ["log", "rec"]
    original = consumer.deliver

    async def deliver_then_crash(rt: Runtime, delivery: Delivery) -> None:
        await original(rt, delivery)
        rt.extras["relay_crash_at"] = "after_deliver"

    consumer.deliver = deliver_then_crash  # type: ignore[method-assign]
    with pytest.raises(RelayCrash):
        await relay_outbox(runtime)
    consumer.deliver = original  # type: ignore[method-assign]
    clock.advance(CLAIM_LEASE)
    await relay_outbox(runtime)

    assert len(consumer.received) == 2  # delivered twice...
    assert len(consumer.processed) == 1  # ...acted on once
    assert consumer.received[0].key == consumer.received[1].key
    assert (await event_row(runtime, "e5")).delivered_at is not None


async def test_an_event_is_abandoned_after_max_attempts(runtime, clock, world):
    register_notifier(Consumer("dead", fail_times=10**6), rt=runtime)
    await emit(runtime, "booking.confirmed", "e6", {"booking_id": "BK-4", "traveler_id": "ava"})
    for _ in range(MAX_ATTEMPTS):
        await relay_outbox(runtime)
        clock.advance(hours=2)
    row = await event_row(runtime, "e6")
    assert row.abandoned_at is not None
    assert row.delivered_at is None
    assert row.attempts == MAX_ATTEMPTS
    clock.advance(days=1)
    assert (await relay_outbox(runtime)).claimed == 0


@pytest.mark.race
async def test_race_without_the_claim_two_relays_deliver_the_same_event_twice(runtime, world):
    consumer = Consumer(delay=0.02)
    register_notifier(consumer, rt=runtime)
    for i in range(3):
        await emit(
            runtime, "booking.confirmed", f"r{i}", {"booking_id": f"BK-{i}", "traveler_id": "ava"}
        )

    await asyncio.gather(relay_outbox(runtime, guarded=False), relay_outbox(runtime, guarded=False))

    # The naive relay (read pending, send, mark): both relays read the same pending rows
    # and both send them (all six on SQLite; PostgreSQL may connect the second relay
    # late enough for the first to have settled an event).
    assert len({d.key for d in consumer.received}) == 3
    assert len(consumer.received) > 3
    assert len(consumer.processed) == 3


@pytest.mark.race
async def test_race_with_the_claim_concurrent_relays_deliver_each_event_once(runtime, world):
    consumer = Consumer(delay=0.02)
    register_notifier(consumer, rt=runtime)
    for i in range(6):
        await emit(
            runtime, "booking.confirmed", f"r{i}", {"booking_id": f"BK-{i}", "traveler_id": "ava"}
        )

    results = await asyncio.gather(
        relay_outbox(runtime, limit=4),
        relay_outbox(runtime, limit=4),
        relay_outbox(runtime, limit=4),
    )

    assert len(consumer.received) == 6
    assert len({d.key for d in consumer.received}) == 6
    assert sum(r.claimed for r in results) == 6
    assert sum(r.delivered for r in results) == 6


async def test_an_event_exists_only_if_its_change_committed(runtime, world):
    from core.booking.service import ItemRequest, hold_booking
    from core.errors import SoldOut

    tiny = f"FL-{world.tiny_inv['economy'].id}"  # two seats
    with pytest.raises(SoldOut):
        async with runtime.db.uow() as session:
            await hold_booking(runtime, session, AVA, [ItemRequest(offer_id=tiny, quantity=3)])
    async with runtime.db.uow(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEvent)) == 0
    assert (await relay_outbox(runtime)).claimed == 0
