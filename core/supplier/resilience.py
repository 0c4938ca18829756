"""Timeouts, retries and a circuit breaker around any :class:`Supplier`.

What is retried, and why:

- ``SupplierTransientError`` (5xx, connection reset): retried with bounded,
  fully jittered exponential backoff, always with the *same* idempotency key,
  so a booking that did land is replayed rather than duplicated.
- ``SupplierRejectedError`` (4xx): never retried; the supplier said no.
- ``SupplierTimeoutError`` (no answer within ``timeout_seconds``): never retried
  for ``book`` — the outcome is unknown and the saga parks the booking in
  ``pending_confirmation`` for the completer to ``lookup()``. ``lookup`` and
  ``cancel`` are safe to repeat, so they are retried.
- ``CircuitOpenError``: never retried; it means "stop calling for a while".

One :class:`CircuitBreaker` per supplier: it opens after ``failure_threshold``
consecutive transient failures or timeouts, fails fast while open, lets exactly
one trial call through once ``reset_timeout`` has passed (half-open) and closes
on its success. A 4xx counts as a healthy answer.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from core.supplier.base import (
    ApisRequest,
    CircuitOpenError,
    SegmentRequest,
    Supplier,
    SupplierConfirmation,
    SupplierRejectedError,
    SupplierTimeoutError,
    SupplierTransientError,
)
from core.supplier.faults import FaultInjector

log = logging.getLogger(__name__)

T = TypeVar("T")


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class Permit:
    """A ticket to make one call; ``trial`` marks the single half-open probe."""

    trial: bool


class CircuitBreaker:
    """Consecutive-failure circuit breaker on an injectable monotonic clock.

    Not thread-safe by design: it lives on one event loop, and every method is
    synchronous, so no ``await`` can interleave between a check and its update.
    A success or failure reported by a call that was let through *before* the
    breaker opened is ignored — only the half-open trial decides the way back.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        name: str = "supplier",
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be >= 1")
        if reset_timeout < 0:
            raise ValueError("reset_timeout must be >= 0")
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self.name = name
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        if (
            self._state is BreakerState.OPEN
            and self._clock() - self._opened_at >= self.reset_timeout
        ):
            self._move(BreakerState.HALF_OPEN)
        return self._state

    @property
    def failures(self) -> int:
        """Consecutive failures counted while closed."""
        return self._failures

    def retry_after(self) -> int | None:
        """Whole seconds (at least 1) until a call would be let through; ``None`` when one
        would be now. Asks without taking the half-open trial."""
        state = self.state
        if state is BreakerState.CLOSED:
            return None
        if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
            return None
        remaining = self._opened_at + self.reset_timeout - self._clock()
        return max(1, math.ceil(remaining))

    def acquire(self) -> Permit:
        """Allow one call, or raise :class:`CircuitOpenError` without calling."""
        state = self.state
        if state is BreakerState.CLOSED:
            return Permit(trial=False)
        if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return Permit(trial=True)
        retry_in = max(0.0, self._opened_at + self.reset_timeout - self._clock())
        raise CircuitOpenError(
            f"{self.name}: circuit open, not calling (retry in {retry_in:.1f}s)",
            retry_after=max(1, math.ceil(retry_in)),
        )

    def record_success(self, permit: Permit) -> None:
        if permit.trial:
            self._trial_in_flight = False
            self._failures = 0
            self._move(BreakerState.CLOSED)
        elif self._state is BreakerState.CLOSED:
            self._failures = 0

    def record_failure(self, permit: Permit) -> None:
        if permit.trial:
            self._trial_in_flight = False
            self._open()
        elif self._state is BreakerState.CLOSED:
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._open()

    def release(self, permit: Permit) -> None:
        """The call ended without a verdict (cancelled by our caller): free the trial slot."""
        if permit.trial:
            self._trial_in_flight = False

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._failures = 0
        self._move(BreakerState.OPEN)

    def _move(self, state: BreakerState) -> None:
        if state is not self._state:
            log.warning("circuit %s: %s -> %s", self.name, self._state, state)
            self._state = state


def _retry_transient(error: BaseException) -> bool:
    return isinstance(error, SupplierTransientError) and not isinstance(error, CircuitOpenError)


def _retry_transient_or_timeout(error: BaseException) -> bool:
    return _retry_transient(error) or isinstance(error, SupplierTimeoutError)


class ResilientSupplier:
    """Wraps a :class:`Supplier` with per-attempt timeouts, retries and a breaker.

    It is itself a :class:`Supplier`. ``faults`` reaches the inner supplier's fault
    injector (simulated suppliers only), so tests can steer faults through the
    wrapper the runtime hands out.
    """

    def __init__(
        self,
        inner: Supplier,
        *,
        max_attempts: int = 3,
        timeout_seconds: float = 5.0,
        base_delay: float = 0.05,
        max_delay: float = 1.0,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be > 0")
        self.inner = inner
        self.name = inner.name
        self.kind: str = getattr(inner, "kind", "unknown")
        self.max_attempts = max_attempts
        self.timeout_seconds = timeout_seconds
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.breaker = breaker or CircuitBreaker(name=inner.name)

    @property
    def faults(self) -> FaultInjector:
        faults = getattr(self.inner, "faults", None)
        if not isinstance(faults, FaultInjector):
            raise AttributeError(f"supplier {self.name!r} has no fault injection")
        return faults

    async def book(self, request: SegmentRequest, *, idempotency_key: str) -> SupplierConfirmation:
        async def attempt() -> SupplierConfirmation:
            return await self.inner.book(request, idempotency_key=idempotency_key)

        return await self._call("book", attempt, retry_on=_retry_transient)

    async def cancel(self, locator: str, *, idempotency_key: str) -> None:
        async def attempt() -> None:
            await self.inner.cancel(locator, idempotency_key=idempotency_key)

        await self._call("cancel", attempt, retry_on=_retry_transient_or_timeout)

    async def lookup(self, idempotency_key: str) -> SupplierConfirmation | None:
        async def attempt() -> SupplierConfirmation | None:
            return await self.inner.lookup(idempotency_key)

        return await self._call("lookup", attempt, retry_on=_retry_transient_or_timeout)

    async def send_apis(self, request: ApisRequest, *, idempotency_key: str) -> None:
        async def attempt() -> None:
            await self.inner.send_apis(request, idempotency_key=idempotency_key)

        # Idempotent by our key: a timeout is safe to try again.
        await self._call("send_apis", attempt, retry_on=_retry_transient_or_timeout)

    async def _call(
        self,
        operation: str,
        attempt: Callable[[], Awaitable[T]],
        *,
        retry_on: Callable[[BaseException], bool],
    ) -> T:
        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.warning(
                "%s.%s attempt %d/%d failed (%s); retrying",
                self.name, operation, state.attempt_number, self.max_attempts, error,
            )

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=wait_random_exponential(multiplier=self.base_delay, max=self.max_delay),
            retry=retry_if_exception(retry_on),
            before_sleep=before_sleep,
            reraise=True,  # callers see our error classes, never tenacity.RetryError
        )
        result: T = await retrying(self._guarded, operation, attempt)
        return result

    async def _guarded(self, operation: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """One attempt: through the breaker, under the deadline, with a verdict recorded."""
        permit = self.breaker.acquire()
        deadline = asyncio.timeout(self.timeout_seconds)
        try:
            async with deadline:
                result = await attempt()
        except TimeoutError:
            self.breaker.record_failure(permit)
            if not deadline.expired():
                raise  # somebody else's timeout (a pool, a socket): not our deadline
            raise SupplierTimeoutError(
                f"{self.name}: no answer to {operation} within {self.timeout_seconds:g}s"
            ) from None
        except (SupplierTransientError, SupplierTimeoutError):
            self.breaker.record_failure(permit)
            raise
        except SupplierRejectedError:
            # The supplier answered; it is healthy even though it said no.
            self.breaker.record_success(permit)
            raise
        except asyncio.CancelledError:
            self.breaker.release(permit)
            raise
        except Exception:
            # Unknown failure (a bug, a broken connection pool): count it, do not retry it.
            self.breaker.record_failure(permit)
            raise
        self.breaker.record_success(permit)
        return result


def circuit_retry_after(supplier: Supplier) -> int | None:
    """Seconds until ``supplier``'s open circuit lets a call through; ``None`` when calls
    go through now (or the supplier has no breaker)."""
    breaker = getattr(supplier, "breaker", None)
    return breaker.retry_after() if isinstance(breaker, CircuitBreaker) else None
