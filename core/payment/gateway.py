"""The gateway contract (Stripe semantics: authorize with manual capture).

A gateway is an *outside* system: it is never called inside one of our database
transactions, and every call carries our deterministic idempotency key
(``booking:{id}:authorize``), so a retry after a crash returns the first answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class IntentStatus(StrEnum):
    REQUIRES_CAPTURE = "requires_capture"  # authorized
    SUCCEEDED = "succeeded"  # captured
    CANCELED = "canceled"  # voided
    DECLINED = "declined"


@dataclass(frozen=True)
class Authorization:
    ref: str
    status: IntentStatus
    amount_minor: int
    currency: str
    amount_captured: int = 0
    amount_refunded: int = 0
    decline_code: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def declined(self) -> bool:
        return self.status == IntentStatus.DECLINED


@dataclass(frozen=True)
class Refund:
    ref: str
    intent_ref: str
    amount_minor: int


class PaymentGateway(Protocol):
    name: str

    async def authorize(
        self,
        *,
        amount_minor: int,
        currency: str,
        payment_method: str,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> Authorization:
        """Place a hold on the card (manual capture). A decline is returned, not raised."""
        ...

    async def capture(
        self, ref: str, *, idempotency_key: str, amount_minor: int | None = None
    ) -> Authorization: ...

    async def void(self, ref: str, *, idempotency_key: str) -> Authorization: ...

    async def refund(self, ref: str, *, amount_minor: int, idempotency_key: str) -> Refund:
        """Refund part or all of the captured amount (never more than captured)."""
        ...

    async def retrieve(self, ref: str) -> Authorization: ...

    async def find_by_idempotency_key(self, idempotency_key: str) -> Authorization | None:
        """Used by the completer to learn whether an authorize reached the gateway."""
        ...
