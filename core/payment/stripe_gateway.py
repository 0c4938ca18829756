"""StripeGateway: PaymentIntents with manual capture through the official SDK (async).

Every mutating call passes our deterministic key as Stripe's ``Idempotency-Key``,
so the SDK's own network retries and our saga's retries after a crash both get
Stripe's first answer back instead of a second charge. The key is also written to
the intent's metadata so :meth:`StripeGateway.find_by_idempotency_key` can find an
authorization whose answer we never received.

Errors: a card decline (``stripe.CardError``) is an answer, returned as an
``Authorization`` with status ``DECLINED``; ``processing_error`` is transient and
raises :class:`PaymentError`. Stripe's refusals map to our named errors (state →
``InvalidTransition``, amounts → ``ValidationFailed``, key reuse →
``IdempotencyKeyReused``, unknown id → ``NotFound``); network failures, 5xx,
rate limits and authentication problems become :class:`PaymentError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import stripe

from core.errors import (
    CoreError,
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    PaymentError,
    ValidationFailed,
)
from core.payment.gateway import Authorization, IntentStatus, Refund
from core.payment.service import (
    check_amount,
    check_idempotency_key,
    check_payment_method,
    normalize_currency,
)
from core.payment.testcards import stripe_payment_method_for

# The metadata field holding our key; searched by find_by_idempotency_key.
IDEMPOTENCY_METADATA_KEY = "idempotency_key"

# Stripe's invalid_request_error codes we can name precisely.
_STATE_CODES = frozenset({"payment_intent_unexpected_state", "charge_already_captured"})
_AMOUNT_CODES = frozenset(
    {"amount_too_large", "amount_too_small", "charge_already_refunded", "charge_exceeds_source_limit"}
)
# PaymentIntent statuses that mean "no authorization was obtained".
_UNAUTHORIZED_STATUSES = frozenset(
    {"requires_payment_method", "requires_action", "requires_confirmation"}
)


def stripe_client(
    who: str,
    api_key: str,
    api_base: str | None,
    max_network_retries: int,
    timeout_seconds: float,
) -> tuple[stripe.HTTPXClient, stripe.StripeClient]:
    """The SDK client every Stripe face uses (payments, Issuing), and its HTTP client to
    close; ``api_base`` points it elsewhere (the test fake)."""
    if not api_key:
        raise ValueError(f"{who} needs an API key (CONCIERGE_STRIPE_API_KEY)")
    http = stripe.HTTPXClient(timeout=timeout_seconds)
    client = stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base.rstrip("/")} if api_base else None,
        http_client=http,
        # Safe because every POST carries an idempotency key (ours, or the SDK's).
        max_network_retries=max_network_retries,
    )
    return http, client


class StripeGateway:
    """Stripe (test or live keys). ``api_base`` points the SDK elsewhere (the test fake)."""

    name = "stripe"

    def __init__(
        self,
        api_key: str,
        api_base: str | None = None,
        *,
        max_network_retries: int = 2,
        timeout_seconds: float = 30.0,
    ) -> None:
        self._http, self._client = stripe_client(
            "StripeGateway", api_key, api_base, max_network_retries, timeout_seconds
        )

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    # -- authorize -----------------------------------------------------------------

    async def authorize(
        self,
        *,
        amount_minor: int,
        currency: str,
        payment_method: str,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> Authorization:
        """Create and confirm a manual-capture PaymentIntent. A decline is returned."""
        check_idempotency_key(idempotency_key)
        amount_minor = check_amount(amount_minor)
        currency = normalize_currency(currency)
        method = stripe_payment_method_for(check_payment_method(payment_method))
        if method is None:
            # Raw card numbers never go to Stripe's API; only test numbers have a
            # PaymentMethod twin (pm_card_*), everything else needs a real pm_ id.
            raise ValidationFailed(
                "a card number cannot be sent to Stripe; use a PaymentMethod id (pm_...)"
            )
        meta = {str(k): str(v) for k, v in (metadata or {}).items()}
        meta[IDEMPOTENCY_METADATA_KEY] = idempotency_key
        try:
            with translate_errors():
                intent = await self._client.v1.payment_intents.create_async(
                    {
                        "amount": amount_minor,
                        "currency": currency.lower(),
                        "payment_method": method,
                        # Cards only: no redirect-based method (and no return_url) applies.
                        "allowed_payment_method_types": ["card"],
                        "capture_method": "manual",
                        "confirm": True,
                        # No redirect flow can complete here: a card that needs 3-D
                        # Secure fails now (as a decline) instead of hanging.
                        "error_on_requires_action": True,
                        "metadata": meta,
                    },
                    {"idempotency_key": idempotency_key},
                )
        except stripe.CardError as exc:
            return _declined(exc, amount_minor, currency)
        return _authorization(intent.to_dict())

    # -- capture / void / refund ---------------------------------------------------------

    async def capture(
        self, ref: str, *, idempotency_key: str, amount_minor: int | None = None
    ) -> Authorization:
        check_idempotency_key(idempotency_key)
        params: stripe.params.PaymentIntentCaptureParams = {"expand": ["latest_charge"]}
        if amount_minor is not None:
            params["amount_to_capture"] = check_amount(amount_minor, what="capture amount")
        with translate_errors(ref):
            intent = await self._client.v1.payment_intents.capture_async(
                ref, params, {"idempotency_key": idempotency_key}
            )
        return _authorization(intent.to_dict())

    async def void(self, ref: str, *, idempotency_key: str) -> Authorization:
        check_idempotency_key(idempotency_key)
        with translate_errors(ref):
            intent = await self._client.v1.payment_intents.cancel_async(
                ref, {"expand": ["latest_charge"]}, {"idempotency_key": idempotency_key}
            )
        return _authorization(intent.to_dict())

    async def refund(self, ref: str, *, amount_minor: int, idempotency_key: str) -> Refund:
        check_idempotency_key(idempotency_key)
        check_amount(amount_minor, what="refund amount")
        with translate_errors(ref):
            refund = await self._client.v1.refunds.create_async(
                {
                    "payment_intent": ref,
                    "amount": amount_minor,
                    "metadata": {IDEMPOTENCY_METADATA_KEY: idempotency_key},
                },
                {"idempotency_key": idempotency_key},
            )
        return Refund(ref=refund.id, intent_ref=ref, amount_minor=refund.amount)

    # -- reads ----------------------------------------------------------------------

    async def retrieve(self, ref: str) -> Authorization:
        with translate_errors(ref):
            intent = await self._client.v1.payment_intents.retrieve_async(
                ref, {"expand": ["latest_charge"]}
            )
        return _authorization(intent.to_dict())

    async def find_by_idempotency_key(self, idempotency_key: str) -> Authorization | None:
        """Search intents by the key we put in their metadata.

        Stripe's search index lags writes (up to about a minute), so an empty answer
        right after a crash is not proof that nothing happened. The certain way to
        settle an in-doubt authorize is to repeat it with the same key and
        parameters: Stripe replays the first answer or performs it once.
        """
        check_idempotency_key(idempotency_key)
        escaped = idempotency_key.replace("\\", "\\\\").replace("'", "\\'")
        with translate_errors():
            result = await self._client.v1.payment_intents.search_async(
                {
                    "query": f"metadata['{IDEMPOTENCY_METADATA_KEY}']:'{escaped}'",
                    "expand": ["data.latest_charge"],
                    "limit": 10,
                }
            )
        found = [intent.to_dict() for intent in result.data]
        if not found:
            return None
        # One key creates one intent; should several match, the newest is the answer.
        found.sort(key=lambda intent: int(intent.get("created") or 0), reverse=True)
        return _authorization(found[0])


# -- translation --------------------------------------------------------------------


@contextmanager
def translate_errors(ref: str | None = None) -> Iterator[None]:
    """Turn Stripe's exceptions into our named errors (card errors pass through)."""
    extra: dict[str, Any] = {"payment_ref": ref} if ref else {}
    try:
        yield
    except stripe.CardError as exc:
        if exc.code == "processing_error":
            raise PaymentError(_message(exc), decline_code=exc.code, **extra) from exc
        raise
    except stripe.IdempotencyError as exc:
        raise IdempotencyKeyReused(_message(exc), **extra) from exc
    except stripe.InvalidRequestError as exc:
        raise _invalid_request(exc, extra) from exc
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        raise PaymentError(
            f"Stripe is unavailable: {_message(exc)}", transient=True, **extra
        ) from exc
    except stripe.StripeError as exc:  # authentication, permission, anything new
        raise PaymentError(f"Stripe refused the request: {_message(exc)}", **extra) from exc


def _invalid_request(exc: stripe.InvalidRequestError, extra: dict[str, Any]) -> CoreError:
    message = _message(exc)
    if exc.code == "resource_missing":
        return NotFound(message, **extra)
    if exc.code in _STATE_CODES:
        return InvalidTransition(message, **extra)
    if exc.code in _AMOUNT_CODES:
        return ValidationFailed(message, **extra)
    return PaymentError(f"Stripe refused the request: {message}", code=exc.code, **extra)


def _message(exc: stripe.StripeError) -> str:
    return exc.user_message or type(exc).__name__


def _declined(exc: stripe.CardError, amount_minor: int, currency: str) -> Authorization:
    """A decline on create: the error carries the (failed) PaymentIntent."""
    body = exc.json_body if isinstance(exc.json_body, dict) else {}
    error: dict[str, Any] = body.get("error") or {}
    intent: dict[str, Any] = error.get("payment_intent") or {}
    return Authorization(
        ref=str(intent.get("id") or ""),
        status=IntentStatus.DECLINED,
        amount_minor=int(intent.get("amount") or amount_minor),
        currency=str(intent.get("currency") or currency).upper(),
        decline_code=error.get("decline_code") or exc.code or "card_declined",
        raw=error,
    )


def _authorization(intent: dict[str, Any]) -> Authorization:
    raw_status = str(intent.get("status"))
    last_error: dict[str, Any] = intent.get("last_payment_error") or {}
    decline_code = last_error.get("decline_code") or last_error.get("code")
    if raw_status in _UNAUTHORIZED_STATUSES:
        status = IntentStatus.DECLINED
        decline_code = decline_code or raw_status
    else:
        try:
            status = IntentStatus(raw_status)
        except ValueError:
            # e.g. "processing": not an answer yet; the caller should ask again later.
            raise PaymentError(
                f"payment {intent.get('id')} is {raw_status}; no final answer yet",
                payment_ref=intent.get("id"),
                transient=True,
            ) from None
    return Authorization(
        ref=str(intent["id"]),
        status=status,
        amount_minor=int(intent["amount"]),
        currency=str(intent["currency"]).upper(),
        amount_captured=int(intent.get("amount_received") or 0),
        amount_refunded=_refunded(intent.get("latest_charge")),
        decline_code=decline_code,
        raw=intent,
    )


def _refunded(charge: Any) -> int:
    """Money given back after capture, from the (expanded) latest charge.

    Stripe books the remainder released by a partial capture as refunded on the
    charge; that was never taken from the card, so it is not a refund to us.
    """
    if not isinstance(charge, dict) or not charge.get("captured"):
        return 0
    released = int(charge.get("amount") or 0) - int(charge.get("amount_captured") or 0)
    return max(0, int(charge.get("amount_refunded") or 0) - released)
