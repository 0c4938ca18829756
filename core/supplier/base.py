"""The supplier contract.

Every call carries our deterministic idempotency key (``booking:{id}:segment:{sid}:book``);
a retried booking returns the same locator. Errors are classified so the saga can
decide: transient (retry, then give up as unavailable), rejected (4xx: fail the
booking with its reason), timeout (unknown outcome: manual review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from core.payment.issuing import PurchaseAuthorization


class SupplierError(Exception):
    pass


class SupplierTransientError(SupplierError):
    """5xx or connection reset: safe to retry with the same idempotency key."""


class SupplierRejectedError(SupplierError):
    """4xx: the supplier said no; retrying will not help."""


class SupplierTimeoutError(SupplierError):
    """No answer in time: the outcome is unknown."""


class CircuitOpenError(SupplierTransientError):
    """The breaker is open; we did not call. ``retry_after``: whole seconds until it lets
    a call through again."""

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class SupplierPassenger:
    """A passenger as the airline tickets them: our reference and the legal names, and a
    colleague's frequent-flyer number with this airline and known-traveller number when
    on file (in clear, for the airline only: kept out of ``repr``)."""

    ref: str
    given_name: str
    family_name: str
    loyalty_number: str | None = field(default=None, repr=False)
    known_traveller_number: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SegmentRequest:
    booking_ref: str
    segment_id: str
    kind: str  # "flight" | "hotel"
    quantity: int
    amount_minor: int
    currency: str
    details: dict[str, Any] = field(default_factory=dict)
    # The virtual card (its issuer id, ``ic_…``; never a number) the supplier charges
    # ``amount_minor`` to; None: the supplier invoices us (company-card charging).
    card_ref: str | None = None
    #: Flights: who flies, one per seat (empty for hotels).
    passengers: tuple[SupplierPassenger, ...] = ()


@dataclass(frozen=True)
class SupplierConfirmation:
    locator: str
    supplier: str
    raw: dict[str, Any] = field(default_factory=dict)
    # The authorization the supplier's charge on ``SegmentRequest.card_ref`` obtained.
    card_authorization: PurchaseAuthorization | None = None
    #: Flights: the e-ticket number issued to each passenger, by their ``ref``.
    tickets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApisPassenger:
    """A passenger's advance passenger information (APIS, the passport as the airline's
    ``SSR DOCS`` carries it): the one place a document number leaves us in clear. It is
    kept out of ``repr`` so a logged request never prints it."""

    ref: str
    given_name: str
    family_name: str
    issuing_country: str
    nationality: str
    expires_on: date
    date_of_birth: date | None
    document_number: str = field(repr=False)


@dataclass(frozen=True)
class ApisRequest:
    """The travel documents of the passengers about to be checked in on one flight of a
    ticketed reservation (``locator``), sent before the boarding passes are issued."""

    booking_ref: str
    segment_id: str
    locator: str
    details: dict[str, Any]
    passengers: tuple[ApisPassenger, ...]


class Supplier(Protocol):
    name: str

    async def book(self, request: SegmentRequest, *, idempotency_key: str) -> SupplierConfirmation: ...

    async def cancel(self, locator: str, *, idempotency_key: str) -> None: ...

    async def lookup(self, idempotency_key: str) -> SupplierConfirmation | None:
        """Did a booking with this key reach the supplier? (for the completer)"""
        ...

    async def send_apis(self, request: ApisRequest, *, idempotency_key: str) -> None:
        """Give the airline the passengers' passports (APIS) for one flight before they
        are checked in; a replay with the same key is accepted once. A refusal (a
        document the airline will not take) is :class:`SupplierRejectedError`, whose
        message names the passenger by reference, never by number."""
        ...
