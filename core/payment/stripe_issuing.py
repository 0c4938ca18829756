"""StripeIssuing: virtual cards through Stripe Issuing with the official SDK.

Every write carries our key as Stripe's ``Idempotency-Key``, so a retried issue
answers with the first card. We never ask for a card's number (no ``expand`` of
``number`` or ``cvc``): Stripe answers its id and last four digits, which is all we
keep. A merchant's charge (:meth:`authorize_purchase`) is Stripe's test helper for an
incoming authorization — what the simulated suppliers use; in live mode the card
networks make them, and they reach us as ``issuing_authorization.created`` webhooks
(``core.payment.webhooks``).

Errors map as in :mod:`core.payment.stripe_gateway` (``translate_errors``).
"""

from __future__ import annotations

from typing import Any

import stripe

from core.errors import ValidationFailed
from core.payment.issuing import (
    BillingAddress,
    Cardholder,
    IssuedCard,
    PurchaseAuthorization,
    check_categories,
)
from core.payment.service import check_amount, check_idempotency_key, normalize_currency
from core.payment.stripe_gateway import stripe_client, translate_errors


class StripeIssuing:
    """Stripe Issuing (test or live keys); ``api_base`` points the SDK at the test fake."""

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
            "StripeIssuing", api_key, api_base, max_network_retries, timeout_seconds
        )

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    async def create_cardholder(
        self,
        *,
        name: str,
        billing: BillingAddress,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> Cardholder:
        check_idempotency_key(idempotency_key)
        if not name.strip():
            raise ValidationFailed("a cardholder needs a name")
        address: stripe.params.issuing.CardholderCreateParamsBillingAddress = {
            "line1": billing.line1,
            "city": billing.city,
            "postal_code": billing.postal_code,
            "country": billing.country,
        }
        if billing.state:
            address["state"] = billing.state
        with translate_errors():
            holder = await self._client.v1.issuing.cardholders.create_async(
                {
                    "name": name,
                    "type": "company",
                    "billing": {"address": address},
                    "metadata": dict(metadata or {}),
                },
                {"idempotency_key": idempotency_key},
            )
        return Cardholder(ref=holder.id, name=holder.name)

    async def create_card(
        self,
        *,
        cardholder_ref: str,
        currency: str,
        spending_limit_minor: int,
        allowed_categories: tuple[str, ...],
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> IssuedCard:
        check_idempotency_key(idempotency_key)
        limit = check_amount(spending_limit_minor, what="spending limit")
        categories = check_categories(allowed_categories)
        with translate_errors():
            card = await self._client.v1.issuing.cards.create_async(
                {
                    "cardholder": cardholder_ref,
                    "currency": normalize_currency(currency).lower(),
                    "type": "virtual",
                    "status": "active",
                    "spending_controls": {
                        "spending_limits": [{"amount": limit, "interval": "all_time"}],
                        "allowed_categories": list(categories),
                    },
                    "metadata": dict(metadata or {}),
                },
                {"idempotency_key": idempotency_key},
            )
        return _card(card.to_dict())

    async def close_card(self, card_ref: str, *, idempotency_key: str) -> IssuedCard:
        check_idempotency_key(idempotency_key)
        # Stripe refuses any change to a canceled card: closed is closed, answer it.
        current = await self.retrieve_card(card_ref)
        if current.status == "canceled":
            return current
        with translate_errors(card_ref):
            card = await self._client.v1.issuing.cards.update_async(
                card_ref, {"status": "canceled"}, {"idempotency_key": idempotency_key}
            )
        return _card(card.to_dict())

    async def retrieve_card(self, card_ref: str) -> IssuedCard:
        with translate_errors(card_ref):
            card = await self._client.v1.issuing.cards.retrieve_async(card_ref)
        return _card(card.to_dict())

    async def authorize_purchase(
        self,
        card_ref: str,
        *,
        amount_minor: int,
        currency: str,
        merchant_category: str,
        merchant_name: str,
        idempotency_key: str,
    ) -> PurchaseAuthorization:
        check_idempotency_key(idempotency_key)
        with translate_errors(card_ref):
            auth = await self._client.v1.test_helpers.issuing.authorizations.create_async(
                {
                    "card": card_ref,
                    "amount": check_amount(amount_minor),
                    "currency": normalize_currency(currency).lower(),
                    "merchant_data": {
                        "category": merchant_category,
                        "name": merchant_name,
                    },
                },
                {"idempotency_key": idempotency_key},
            )
        return purchase_authorization(auth.to_dict())

    async def list_authorizations(self, card_ref: str) -> list[PurchaseAuthorization]:
        found: list[PurchaseAuthorization] = []
        with translate_errors(card_ref):
            page = await self._client.v1.issuing.authorizations.list_async(
                {"card": card_ref, "limit": 100}
            )
            async for auth in page.auto_paging_iter():
                found.append(purchase_authorization(auth.to_dict()))
        # Stripe lists newest first; ties within a second keep that order reversed.
        found.reverse()
        found.sort(key=lambda a: int(a.raw.get("created") or 0))
        return found


def purchase_authorization(auth: dict[str, Any]) -> PurchaseAuthorization:
    """An ``issuing.authorization`` object (API answer or webhook) in our terms."""
    history: list[dict[str, Any]] = auth.get("request_history") or []
    approved = bool(auth.get("approved"))
    reason = None if approved or not history else history[-1].get("reason")
    card = auth.get("card")
    card_ref = card.get("id") if isinstance(card, dict) else card
    merchant: dict[str, Any] = auth.get("merchant_data") or {}
    return PurchaseAuthorization(
        ref=str(auth["id"]),
        card_ref=str(card_ref or ""),
        amount_minor=_authorized_amount(auth, approved),
        currency=str(auth.get("currency") or "").upper(),
        approved=approved,
        decline_reason=str(reason) if reason else None,
        merchant_category=str(merchant.get("category") or ""),
        merchant_name=str(merchant.get("name") or ""),
        raw={"created": auth.get("created"), "status": auth.get("status")},
    )


def _authorized_amount(auth: dict[str, Any], approved: bool) -> int:
    """What was asked: a declined authorization's ``amount`` is 0 on Stripe, the request
    it refused is in ``request_history``."""
    if approved:
        return int(auth.get("amount") or 0)
    history: list[dict[str, Any]] = auth.get("request_history") or []
    if history:
        return int(history[-1].get("amount") or 0)
    return int(auth.get("amount") or 0)


def _card(card: dict[str, Any]) -> IssuedCard:
    controls: dict[str, Any] = card.get("spending_controls") or {}
    limits: list[dict[str, Any]] = controls.get("spending_limits") or []
    all_time = [int(x["amount"]) for x in limits if x.get("interval") == "all_time"]
    holder = card.get("cardholder")
    holder_ref = holder.get("id") if isinstance(holder, dict) else holder
    return IssuedCard(
        ref=str(card["id"]),
        cardholder_ref=str(holder_ref or ""),
        last4=str(card.get("last4") or ""),
        currency=str(card.get("currency") or "").upper(),
        status=str(card.get("status") or ""),
        spending_limit_minor=min(all_time) if all_time else 0,
        allowed_categories=tuple(controls.get("allowed_categories") or ()),
        metadata={str(k): str(v) for k, v in (card.get("metadata") or {}).items()},
    )
