"""Simulated suppliers, fault injection, retries and the circuit breaker."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.ids import ALPHABET
from core.models import SupplierReservation
from core.supplier import simulated
from core.supplier.base import (
    ApisRequest,
    CircuitOpenError,
    SegmentRequest,
    SupplierConfirmation,
    SupplierPassenger,
    SupplierRejectedError,
    SupplierTimeoutError,
    SupplierTransientError,
)
from core.supplier.faults import FaultInjector
from core.supplier.resilience import BreakerState, CircuitBreaker, ResilientSupplier
from core.supplier.simulated import SimulatedSupplier

KEY = "booking:BK-7Q2M4X:segment:seg_1:book"


def flight_request(**overrides: object) -> SegmentRequest:
    fields: dict[str, object] = {
        "booking_ref": "BK-7Q2M4X",
        "segment_id": "seg_1",
        "kind": "flight",
        "quantity": 1,
        "amount_minor": 61240,
        "currency": "USD",
        "details": {"carrier": "BA", "number": "117"},
    }
    fields.update(overrides)
    return SegmentRequest(**fields)  # type: ignore[arg-type]


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingSupplier:
    """Passes calls through and remembers the idempotency keys it was given."""

    def __init__(self, inner: SimulatedSupplier) -> None:
        self.inner = inner
        self.name = inner.name
        self.kind = inner.kind
        self.faults = inner.faults
        self.keys: list[str] = []

    async def book(self, request: SegmentRequest, *, idempotency_key: str) -> SupplierConfirmation:
        self.keys.append(idempotency_key)
        return await self.inner.book(request, idempotency_key=idempotency_key)

    async def cancel(self, locator: str, *, idempotency_key: str) -> None:
        self.keys.append(idempotency_key)
        await self.inner.cancel(locator, idempotency_key=idempotency_key)

    async def lookup(self, idempotency_key: str) -> SupplierConfirmation | None:
        self.keys.append(idempotency_key)
        return await self.inner.lookup(idempotency_key)

    async def send_apis(self, request: ApisRequest, *, idempotency_key: str) -> None:
        self.keys.append(idempotency_key)
        await self.inner.send_apis(request, idempotency_key=idempotency_key)


@pytest.fixture
def sim(database: Database, clock: FrozenClock, settings: Settings) -> SimulatedSupplier:
    return SimulatedSupplier(database, clock, name="sim-gds", kind="flight", settings=settings)


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


def resilient(inner: object, **kwargs: object) -> ResilientSupplier:
    options: dict[str, object] = {"max_attempts": 3, "timeout_seconds": 1.0, "base_delay": 0.001,
                                  "max_delay": 0.005}
    options.update(kwargs)
    return ResilientSupplier(inner, **options)  # type: ignore[arg-type]


async def reservations(database: Database) -> list[SupplierReservation]:
    async with database.uow(write=False) as session:
        rows = list((await session.scalars(select(SupplierReservation))).all())
        session.expunge_all()  # a read uow ends in rollback, which would expire them
        return rows


# -- the simulated supplier ---------------------------------------------------------------


async def test_book_records_a_reservation_with_a_readable_locator(sim, database, clock):
    confirmation = await sim.book(flight_request(), idempotency_key=KEY)

    assert len(confirmation.locator) == 6
    assert set(confirmation.locator) <= set(ALPHABET)
    assert confirmation.supplier == "sim-gds"
    assert confirmation.raw["status"] == "booked"
    [row] = await reservations(database)
    assert (row.locator, row.idempotency_key, row.booking_ref) == (confirmation.locator, KEY, "BK-7Q2M4X")
    assert (row.amount_minor, row.currency, row.kind) == (61240, "USD", "flight")
    assert row.created_at == clock.now()


async def test_retried_book_with_same_key_returns_same_locator_and_creates_nothing(sim, database):
    first = await sim.book(flight_request(), idempotency_key=KEY)
    second = await sim.book(flight_request(), idempotency_key=KEY)
    other = await sim.book(flight_request(segment_id="seg_2"), idempotency_key=KEY + ":2")

    assert second == first
    assert other.locator != first.locator
    assert len(await reservations(database)) == 2


async def test_tickets_come_from_the_reservation_id_and_a_taken_locator_is_drawn_again(
    sim, database, monkeypatch
):
    """A reservation's tickets come from the id it took (``_issue_tickets``, their one
    formula: derived when the row is read, not stored), the same on a replay; on
    PostgreSQL a locator the supplier has given already leaves the one-statement INSERT
    without a row, and the read-then-write path draws another."""
    drawn = itertools.chain(["AAAAAA", "AAAAAA", "BBBBBB"], (f"C{i:05d}" for i in itertools.count()))
    monkeypatch.setattr(simulated, "random_code", lambda _n: next(drawn))
    party = tuple(
        SupplierPassenger(ref=f"PX_{i}", given_name="Ava", family_name=f"Patel{i}",
                          loyalty_number="BA123" if i == 1 else None)
        for i in range(3)
    )
    request = flight_request(quantity=3, passengers=party)
    first = await sim.book(request, idempotency_key=KEY)
    second = await sim.book(flight_request(segment_id="seg_2"), idempotency_key=KEY + ":2")
    replay = await sim.book(request, idempotency_key=KEY)

    rows = {row.idempotency_key: row for row in await reservations(database)}
    assert (first.locator, second.locator) == ("AAAAAA", "BBBBBB")
    refs = [p.ref for p in party]
    assert first.tickets == simulated._issue_tickets(rows[KEY].id, "BA", refs) == replay.tickets
    assert first.tickets == {
        f"PX_{i}": f"125{2_000_000_000 + rows[KEY].id * 10 + i:010d}" for i in range(3)
    }
    assert "tickets" not in rows[KEY].payload  # derived from the row, never a second copy
    assert (await sim.lookup(KEY)) == first
    assert [t[:3] for t in first.tickets.values()] == ["125"] * 3  # BA's accounting code
    assert len(set(first.tickets.values())) == 3
    assert "tickets" not in rows[KEY + ":2"].payload
    assert second.tickets == {}
    assert sim.loyalty == {("AAAAAA", "PX_1"): "BA123"}


async def test_same_key_for_a_different_request_is_rejected(sim, database):
    await sim.book(flight_request(), idempotency_key=KEY)
    with pytest.raises(SupplierRejectedError, match="different request"):
        await sim.book(flight_request(amount_minor=1), idempotency_key=KEY)
    assert len(await reservations(database)) == 1


async def test_a_flight_supplier_refuses_hotel_requests(sim):
    with pytest.raises(SupplierRejectedError):
        await sim.book(flight_request(kind="hotel"), idempotency_key=KEY)


async def test_cancel_is_idempotent(sim, database, clock):
    confirmation = await sim.book(flight_request(), idempotency_key=KEY)
    clock.advance(minutes=5)

    await sim.cancel(confirmation.locator, idempotency_key=KEY + ":cancel")
    clock.advance(minutes=5)
    await sim.cancel(confirmation.locator, idempotency_key=KEY + ":cancel")

    [row] = await reservations(database)
    assert row.status == "cancelled"
    assert row.cancelled_at == clock.now() - timedelta(minutes=5)
    assert row.payload["cancel_idempotency_key"] == KEY + ":cancel"
    found = await sim.lookup(KEY)
    assert found is not None
    assert found.raw["status"] == "cancelled"


async def test_cancel_of_an_unknown_locator_is_rejected(sim):
    with pytest.raises(SupplierRejectedError):
        await sim.cancel("ZZZZZZ", idempotency_key="x")


async def test_lookup_finds_only_what_was_booked(sim):
    assert await sim.lookup(KEY) is None
    confirmation = await sim.book(flight_request(), idempotency_key=KEY)
    assert await sim.lookup(KEY) == confirmation


async def test_ten_concurrent_books_with_the_same_key_make_one_reservation(sim, database):
    results = await asyncio.gather(
        *(sim.book(flight_request(), idempotency_key=KEY) for _ in range(10))
    )

    assert {r.locator for r in results} == {results[0].locator}
    assert len(await reservations(database)) == 1
    assert sim.calls["book"] == 10


# -- fault injection ----------------------------------------------------------------------


async def test_5xx_fails_before_writing_then_recovers_after_n_times(sim, database):
    sim.faults.set(mode="5xx", times=2)

    for _ in range(2):
        with pytest.raises(SupplierTransientError):
            await sim.book(flight_request(), idempotency_key=KEY)
    assert await reservations(database) == []
    confirmation = await sim.book(flight_request(), idempotency_key=KEY)

    assert confirmation.locator
    assert sim.calls["book"] == 3


@pytest.mark.parametrize(("kind", "reason"), [("flight", "fare no longer available"),
                                              ("hotel", "room no longer available")])
async def test_4xx_rejects_with_a_reason(database, clock, settings, kind, reason):
    supplier = SimulatedSupplier(database, clock, name=f"sim-{kind}", kind=kind, settings=settings)
    supplier.faults.set(mode="4xx")

    with pytest.raises(SupplierRejectedError, match=reason):
        await supplier.book(flight_request(kind=kind), idempotency_key=KEY)
    assert await reservations(database) == []

    supplier.faults.set(mode="4xx", reason="fare class closed")
    with pytest.raises(SupplierRejectedError, match="fare class closed"):
        await supplier.book(flight_request(kind=kind), idempotency_key=KEY)


async def test_timeout_hangs_then_raises_without_writing(sim, database):
    sim.faults.set(mode="timeout", hang_seconds=0.02)
    started = time.monotonic()

    with pytest.raises(SupplierTimeoutError):
        await sim.book(flight_request(), idempotency_key=KEY)

    assert time.monotonic() - started >= 0.02
    assert await reservations(database) == []


async def test_timeout_after_write_leaves_a_booking_that_lookup_finds(sim, database):
    sim.faults.set(mode="timeout_after_write", hang_seconds=0, times=1)

    with pytest.raises(SupplierTimeoutError):
        await sim.book(flight_request(), idempotency_key=KEY)

    found = await sim.lookup(KEY)
    assert found is not None
    [row] = await reservations(database)
    assert found.locator == row.locator
    # A later retry with the same key is a replay, not a second booking.
    assert (await sim.book(flight_request(), idempotency_key=KEY)).locator == row.locator


async def test_latency_delays_every_call(sim):
    sim.faults.set(mode="none", latency_ms=50)
    started = time.monotonic()
    await sim.lookup(KEY)
    assert time.monotonic() - started >= 0.05


async def test_faults_can_target_one_operation(sim):
    sim.faults.set(mode="5xx", operations={"book"})
    with pytest.raises(SupplierTransientError):
        await sim.book(flight_request(), idempotency_key=KEY)
    assert await sim.lookup(KEY) is None


async def test_settings_configure_faults(database, clock, settings):
    faulty = settings.model_copy(update={"supplier_fault": "5xx", "supplier_fault_rate": 1.0})
    supplier = SimulatedSupplier(database, clock, name="sim-gds", kind="flight", settings=faulty)
    with pytest.raises(SupplierTransientError):
        await supplier.lookup(KEY)


def test_fractional_rates_are_reproducible_from_the_seed():
    def pattern(seed: int) -> list[bool]:
        faults = FaultInjector(mode="5xx", rate=0.3, seed=seed)
        return [faults.decide("book") is not None for _ in range(200)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 30 <= sum(pattern(7)) <= 90


@pytest.mark.parametrize("bad", [{"rate": 1.5}, {"times": -1}, {"operations": {"pay"}},
                                 {"mode": "teapot"}])
def test_fault_settings_are_validated(bad):
    with pytest.raises(ValueError):  # noqa: PT011 - any of several messages
        FaultInjector().set(**bad)


# -- retries and timeouts -----------------------------------------------------------------


async def test_transient_errors_are_retried_with_the_same_key(sim, database):
    recorder = RecordingSupplier(sim)
    supplier = resilient(recorder, max_attempts=3)
    sim.faults.set(mode="5xx", times=2)

    confirmation = await supplier.book(flight_request(), idempotency_key=KEY)

    assert recorder.keys == [KEY, KEY, KEY]
    assert sim.calls["book"] == 3
    [row] = await reservations(database)
    assert row.locator == confirmation.locator


async def test_retries_are_bounded(sim, database):
    supplier = resilient(sim, max_attempts=3)
    sim.faults.set(mode="5xx")

    with pytest.raises(SupplierTransientError):
        await supplier.book(flight_request(), idempotency_key=KEY)

    assert sim.calls["book"] == 3
    assert await reservations(database) == []


async def test_rejections_are_not_retried(sim):
    supplier = resilient(sim, max_attempts=5)
    sim.faults.set(mode="4xx")

    with pytest.raises(SupplierRejectedError, match="fare no longer available"):
        await supplier.book(flight_request(), idempotency_key=KEY)

    assert sim.calls["book"] == 1
    assert supplier.breaker.failures == 0


async def test_book_timeout_is_not_retried(sim, database):
    supplier = resilient(sim, max_attempts=3, timeout_seconds=0.05)
    sim.faults.set(mode="timeout", hang_seconds=5)
    started = time.monotonic()

    with pytest.raises(SupplierTimeoutError):
        await supplier.book(flight_request(), idempotency_key=KEY)

    assert time.monotonic() - started < 1.0  # our deadline cut it, not the supplier's hang
    assert sim.calls["book"] == 1
    assert await reservations(database) == []


async def test_timeout_after_write_surfaces_as_timeout_and_lookup_resolves_it(sim):
    supplier = resilient(sim, timeout_seconds=0.5)
    sim.faults.set(mode="timeout_after_write", operations={"book"}, hang_seconds=5)

    with pytest.raises(SupplierTimeoutError):
        await supplier.book(flight_request(), idempotency_key=KEY)

    found = await supplier.lookup(KEY)
    assert found is not None
    assert found.raw["status"] == "booked"
    assert sim.calls["book"] == 1


async def test_lookup_and_cancel_timeouts_are_retried(sim):
    supplier = resilient(sim, timeout_seconds=0.5)
    confirmation = await supplier.book(flight_request(), idempotency_key=KEY)
    sim.faults.set(mode="timeout", times=1, hang_seconds=5)

    assert await supplier.lookup(KEY) == confirmation
    assert sim.calls["lookup"] == 2

    sim.faults.set(mode="timeout_after_write", times=1, hang_seconds=5)
    await supplier.cancel(confirmation.locator, idempotency_key=KEY + ":cancel")
    assert sim.calls["cancel"] == 2
    found = await supplier.lookup(KEY)
    assert found is not None
    assert found.raw["status"] == "cancelled"


async def test_wrapper_exposes_name_kind_and_faults(sim):
    supplier = resilient(sim)
    assert (supplier.name, supplier.kind) == ("sim-gds", "flight")
    assert supplier.faults is sim.faults

    class Bare:
        name = "bare"

    assert not hasattr(resilient(Bare()), "faults")


# -- the circuit breaker ------------------------------------------------------------------


def test_breaker_opens_fails_fast_half_opens_and_closes(monotonic):
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=30, clock=monotonic)
    for _ in range(2):
        breaker.record_failure(breaker.acquire())
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure(breaker.acquire())
    assert breaker.state is BreakerState.OPEN

    with pytest.raises(CircuitOpenError):
        breaker.acquire()
    monotonic.advance(29.9)
    with pytest.raises(CircuitOpenError):
        breaker.acquire()

    monotonic.advance(0.1)
    assert breaker.state is BreakerState.HALF_OPEN
    trial = breaker.acquire()
    with pytest.raises(CircuitOpenError):  # only one trial at a time
        breaker.acquire()
    breaker.record_success(trial)
    assert breaker.state is BreakerState.CLOSED
    breaker.acquire()


def test_a_failed_trial_reopens_for_a_full_reset_timeout(monotonic):
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=monotonic)
    breaker.record_failure(breaker.acquire())
    monotonic.advance(10)
    breaker.record_failure(breaker.acquire())

    assert breaker.state is BreakerState.OPEN
    monotonic.advance(9)
    with pytest.raises(CircuitOpenError):
        breaker.acquire()
    monotonic.advance(1)
    assert breaker.state is BreakerState.HALF_OPEN


def test_only_consecutive_failures_count(monotonic):
    breaker = CircuitBreaker(failure_threshold=3, clock=monotonic)
    for _ in range(5):
        breaker.record_failure(breaker.acquire())
        breaker.record_failure(breaker.acquire())
        breaker.record_success(breaker.acquire())
    assert breaker.state is BreakerState.CLOSED


def test_late_verdicts_of_calls_started_before_opening_are_ignored(monotonic):
    breaker = CircuitBreaker(failure_threshold=1, clock=monotonic)
    slow = breaker.acquire()
    breaker.record_failure(breaker.acquire())
    breaker.record_success(slow)
    assert breaker.state is BreakerState.OPEN


def test_a_cancelled_trial_frees_the_slot(monotonic):
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=1, clock=monotonic)
    breaker.record_failure(breaker.acquire())
    monotonic.advance(1)
    breaker.release(breaker.acquire())
    breaker.record_success(breaker.acquire())
    assert breaker.state is BreakerState.CLOSED


async def test_open_breaker_fails_fast_without_calling_the_supplier(sim, monotonic):
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=30, clock=monotonic)
    supplier = resilient(sim, max_attempts=1, breaker=breaker)
    sim.faults.set(mode="5xx")
    for _ in range(3):
        with pytest.raises(SupplierTransientError):
            await supplier.lookup(KEY)
    assert breaker.state is BreakerState.OPEN

    with pytest.raises(CircuitOpenError):
        await supplier.book(flight_request(), idempotency_key=KEY)
    assert sim.calls == {"lookup": 3}

    sim.faults.clear()
    monotonic.advance(30)
    confirmation = await supplier.book(flight_request(), idempotency_key=KEY)
    assert confirmation.locator
    assert breaker.state is BreakerState.CLOSED


async def test_retries_stop_as_soon_as_the_breaker_opens(sim, monotonic):
    breaker = CircuitBreaker(failure_threshold=2, clock=monotonic)
    supplier = resilient(sim, max_attempts=5, breaker=breaker)
    sim.faults.set(mode="5xx")

    with pytest.raises(CircuitOpenError):
        await supplier.book(flight_request(), idempotency_key=KEY)
    assert sim.calls["book"] == 2


async def test_timeouts_count_towards_opening(sim, monotonic):
    breaker = CircuitBreaker(failure_threshold=2, clock=monotonic)
    supplier = resilient(sim, timeout_seconds=0.02, breaker=breaker)
    sim.faults.set(mode="timeout", hang_seconds=5)
    for _ in range(2):
        with pytest.raises(SupplierTimeoutError):
            await supplier.book(flight_request(), idempotency_key=KEY)
    assert breaker.state is BreakerState.OPEN


async def test_runtime_wires_one_resilient_supplier_per_kind(runtime):
    flights, hotels = runtime.supplier_for("flight"), runtime.supplier_for("hotel")
    assert isinstance(flights, ResilientSupplier)
    assert (flights.kind, hotels.kind) == ("flight", "hotel")
    assert flights.breaker is not hotels.breaker
    assert flights.timeout_seconds == runtime.settings.supplier_timeout_seconds

    flights.faults.set(mode="4xx", times=1)
    with pytest.raises(SupplierRejectedError):
        await flights.book(flight_request(), idempotency_key=KEY)
    assert (await flights.book(flight_request(), idempotency_key=KEY)).locator
