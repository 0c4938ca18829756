"""Gateway-neutral helpers: our deterministic keys and request checks both gateways share.

Checking the request on our side first means LocalGateway and StripeGateway refuse
the same malformed calls with the same named error, before anything leaves the
process.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from core.errors import ValidationFailed

PaymentStep = Literal["authorize", "capture", "void", "refund"]

# Both the local gateway's columns and Stripe's Idempotency-Key header cap the length.
MAX_IDEMPOTENCY_KEY_LENGTH = 120


def payment_idempotency_key(booking_id: str, step: PaymentStep, suffix: str | None = None) -> str:
    """``booking:{id}:{step}`` (plus ``:{suffix}``, e.g. one key per partial refund).

    Deterministic on purpose: a retry after a crash sends the same key, so the
    gateway answers with the first result instead of charging twice.
    """
    key = f"booking:{booking_id}:{step}"
    return f"{key}:{suffix}" if suffix else key


def check_idempotency_key(key: str) -> str:
    if not key or not key.strip():
        raise ValidationFailed("an idempotency key is required for every payment call")
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValidationFailed(
            f"idempotency key is longer than {MAX_IDEMPOTENCY_KEY_LENGTH} characters"
        )
    return key


def check_amount(amount_minor: int, *, what: str = "amount") -> int:
    # bool is an int subclass; True must not authorize one cent.
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ValidationFailed(f"{what} must be an integer number of minor units")
    if amount_minor <= 0:
        raise ValidationFailed(f"{what} must be positive, got {amount_minor}")
    return amount_minor


def normalize_currency(currency: str) -> str:
    """ISO 4217 in upper case (Stripe speaks lower case; we convert at its edge)."""
    code = currency.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValidationFailed(f"currency must be a three-letter ISO code, got {currency!r}")
    return code


def check_payment_method(payment_method: str) -> str:
    if not payment_method or not payment_method.strip():
        raise ValidationFailed("a payment method is required")
    return payment_method.strip()


def request_fingerprint(params: dict[str, Any]) -> str:
    """A stable digest of a request's parameters, to tell a replay from a key reuse.

    Only the digest is kept, never the parameters, so a card number given to the
    local gateway is not stored in clear.
    """
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
