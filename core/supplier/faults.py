"""Fault injection for the simulated suppliers.

Configured from settings at start-up and changed at run time by tests, evaluations
and demos::

    supplier.faults.set(mode="5xx", times=2)            # fail the next two calls, then work
    supplier.faults.set(mode="4xx", reason="fare class closed")
    supplier.faults.set(mode="timeout_after_write", operations={"book"}, times=1)
    supplier.faults.set(mode="none", latency_ms=200)    # slow but healthy
    supplier.faults.clear()

Modes:

- ``5xx``: the call fails before anything is written (safe to retry).
- ``4xx``: the supplier refuses (``SupplierRejectedError``); nothing is written.
- ``timeout``: the supplier hangs before writing anything, then gives up.
- ``timeout_after_write``: the supplier *records* the change, then hangs. The caller
  sees a timeout although the booking exists — the case the saga's ``lookup()``
  has to discover.

The injector decides synchronously (no ``await`` between reading and consuming the
``times`` budget), so concurrent calls on one event loop never over-consume it.
A rate of 1.0 or 0.0 is deterministic; fractional rates draw from a seeded
:class:`random.Random`, so a run with the same seed and call order repeats.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class FaultMode(StrEnum):
    NONE = "none"
    SERVER_ERROR = "5xx"
    REJECTED = "4xx"
    TIMEOUT = "timeout"
    TIMEOUT_AFTER_WRITE = "timeout_after_write"


OPERATIONS: frozenset[str] = frozenset({"book", "cancel", "lookup", "send_apis"})


@dataclass(frozen=True)
class Fault:
    """One injected fault, decided for one call."""

    mode: FaultMode
    reason: str | None
    hang_seconds: float


class FaultInjector:
    """The fault switchboard of one simulated supplier."""

    def __init__(
        self,
        *,
        mode: FaultMode | str = FaultMode.NONE,
        rate: float = 0.0,
        latency_ms: int = 0,
        hang_seconds: float = 5.0,
        seed: int = 0,
    ) -> None:
        self._rng = random.Random(seed)
        self._default_hang_seconds = hang_seconds
        self.mode = FaultMode.NONE
        self.rate = 0.0
        self.times: int | None = None
        self.latency_ms = 0
        self.operations: frozenset[str] = OPERATIONS
        self.reason: str | None = None
        self.hang_seconds = hang_seconds
        self.injected = 0
        self.set(mode=mode, rate=rate, latency_ms=latency_ms)

    def set(
        self,
        *,
        mode: FaultMode | str = FaultMode.NONE,
        rate: float = 1.0,
        times: int | None = None,
        latency_ms: int | None = None,
        operations: Iterable[str] | None = None,
        reason: str | None = None,
        hang_seconds: float | None = None,
    ) -> None:
        """Replace the fault configuration.

        ``rate`` is the probability that a call gets the fault; ``times`` caps the
        number of faults injected from now on (with ``rate=1.0``: exactly the next
        ``times`` calls fail, later ones succeed). ``operations`` restricts the
        fault to some of ``book``/``cancel``/``lookup``. ``latency_ms`` (kept when
        omitted) delays every call, faulty or not. ``hang_seconds`` is how long a
        timeout hangs before the supplier itself gives up.
        """
        fault_mode = FaultMode(mode)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be within [0, 1], got {rate}")
        if times is not None and times < 0:
            raise ValueError(f"times must be >= 0, got {times}")
        if latency_ms is not None and latency_ms < 0:
            raise ValueError(f"latency_ms must be >= 0, got {latency_ms}")
        if hang_seconds is not None and hang_seconds < 0:
            raise ValueError(f"hang_seconds must be >= 0, got {hang_seconds}")
        ops = OPERATIONS if operations is None else frozenset(operations)
        if unknown := ops - OPERATIONS:
            raise ValueError(f"unknown supplier operations: {sorted(unknown)}")
        self.mode = fault_mode
        self.rate = rate
        self.times = times
        self.operations = ops
        self.reason = reason
        self.hang_seconds = self._default_hang_seconds if hang_seconds is None else hang_seconds
        if latency_ms is not None:
            self.latency_ms = latency_ms

    def clear(self) -> None:
        """Healthy and fast again."""
        self.set(mode=FaultMode.NONE, rate=0.0, latency_ms=0)

    @property
    def latency_seconds(self) -> float:
        return self.latency_ms / 1000.0

    def decide(self, operation: str) -> Fault | None:
        """Whether this call fails, and how. Consumes one unit of ``times`` if so."""
        if operation not in OPERATIONS:
            raise ValueError(f"unknown supplier operation {operation!r}")
        if self.mode is FaultMode.NONE or operation not in self.operations:
            return None
        if self.times is not None and self.times <= 0:
            return None
        if self.rate <= 0.0:
            return None
        # Draw only for fractional rates so 0.0/1.0 never disturb the seeded sequence.
        if self.rate < 1.0 and self._rng.random() >= self.rate:
            return None
        if self.times is not None:
            self.times -= 1
        self.injected += 1
        return Fault(mode=self.mode, reason=self.reason, hang_seconds=self.hang_seconds)
