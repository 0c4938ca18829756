"""StripeGateway against the local Stripe fake: the shared contract, the wire, the faults.

The fake is a real HTTP server speaking Stripe's protocol, so these tests drive the
official SDK end to end (form encoding, Idempotency-Key, error classes, retries).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import stripe

from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.errors import PaymentError, ValidationFailed
from core.payment.gateway import IntentStatus
from core.payment.local import LocalGateway
from core.payment.stripe_gateway import StripeGateway
from core.runtime import build_runtime
from tests.core.test_payment_local import (
    AUTH_KEY,
    CAPTURE_KEY,
    VISA,
    Counter,
    authorize,
)
from tests.core.test_payment_local import GatewayContract as _GatewayContract
from tests.fakes.stripe_fake import StripeFake, sign_webhook, stripe_fake  # noqa: F401

API_KEY = "sk_test_concierge"


@pytest.fixture
async def gateway(stripe_fake: StripeFake) -> AsyncIterator[StripeGateway]:  # noqa: F811
    # No SDK retries by default: a test that wants them builds its own gateway.
    gw = StripeGateway(API_KEY, api_base=stripe_fake.url, max_network_retries=0)
    yield gw
    await gw.aclose()


@pytest.fixture
def count_intents(stripe_fake: StripeFake) -> Counter:  # noqa: F811
    async def count() -> int:
        return len(stripe_fake.intents)

    return count


@pytest.fixture
def count_refunds(stripe_fake: StripeFake) -> Counter:  # noqa: F811
    async def count() -> int:
        return len(stripe_fake.refunds)

    return count


class TestStripeGatewayContract(_GatewayContract):
    """The same behavioural suite LocalGateway passes."""


# -- what goes over the wire -----------------------------------------------------------


async def test_authorize_sends_a_manual_capture_intent_with_our_key(
    gateway: StripeGateway,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    await authorize(gateway, metadata={"booking_id": "BK-TEST01"})

    [request] = stripe_fake.requests_to("POST", "/v1/payment_intents")
    assert request.idempotency_key == AUTH_KEY
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.params["amount"] == "50000"
    assert request.params["currency"] == "usd"
    assert request.params["capture_method"] == "manual"
    assert request.params["confirm"] == "true"
    # A test card number travels as its Stripe test PaymentMethod, never in clear.
    assert request.params["payment_method"] == "pm_card_visa"
    assert request.params["metadata"] == {"booking_id": "BK-TEST01", "idempotency_key": AUTH_KEY}
    assert gateway.name == "stripe"


async def test_every_mutation_carries_our_deterministic_key(
    gateway: StripeGateway,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    auth = await authorize(gateway)
    await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=10_000)
    await gateway.refund(auth.ref, amount_minor=1_000, idempotency_key="booking:BK-TEST01:refund:1")

    keys = [r.idempotency_key for r in stripe_fake.requests if r.method == "POST"]
    assert keys == [AUTH_KEY, CAPTURE_KEY, "booking:BK-TEST01:refund:1"]


async def test_a_raw_card_number_is_never_sent_to_stripe(
    gateway: StripeGateway,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    with pytest.raises(ValidationFailed):
        await authorize(gateway, card="4111111111111111")
    assert stripe_fake.requests == []


async def test_the_decline_carries_stripes_failed_intent(
    gateway: StripeGateway,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    auth = await authorize(gateway, card="4000000000009995")

    intent = stripe_fake.intents[auth.ref]
    assert intent["status"] == "requires_payment_method"
    assert intent["last_payment_error"]["decline_code"] == "insufficient_funds"
    assert auth.raw["code"] == "card_declined"


async def test_partial_capture_books_the_release_on_the_charge_not_as_our_refund(
    gateway: StripeGateway,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    auth = await authorize(gateway)
    captured = await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=30_000)

    charge = stripe_fake.charges[stripe_fake.intents[auth.ref]["latest_charge"]]
    assert charge["amount_refunded"] == 20_000  # Stripe's view: the release
    assert captured.amount_refunded == 0  # ours: nothing given back yet
    await gateway.refund(auth.ref, amount_minor=5_000, idempotency_key="booking:BK-TEST01:refund:1")
    assert (await gateway.retrieve(auth.ref)).amount_refunded == 5_000


# -- faults ------------------------------------------------------------------------


async def test_a_stripe_5xx_is_a_payment_error_and_nothing_happened(
    gateway: StripeGateway,
    stripe_fake: StripeFake,  # noqa: F811
    count_intents: Counter,
) -> None:
    stripe_fake.fail_next(1, status=500)

    with pytest.raises(PaymentError) as raised:
        await authorize(gateway)
    assert raised.value.extra.get("transient") is True
    assert await count_intents() == 0

    # The caller's retry with the same key goes through, once.
    assert (await authorize(gateway)).status is IntentStatus.REQUIRES_CAPTURE
    assert await count_intents() == 1


async def test_sdk_retries_reuse_our_key_so_a_blip_charges_once(
    stripe_fake: StripeFake,  # noqa: F811
    count_intents: Counter,
) -> None:
    stripe_fake.fail_next(1, status=503)
    gateway = StripeGateway(API_KEY, api_base=stripe_fake.url, max_network_retries=1)
    try:
        auth = await authorize(gateway)
    finally:
        await gateway.aclose()

    assert auth.status is IntentStatus.REQUIRES_CAPTURE
    attempts = stripe_fake.requests_to("POST", "/v1/payment_intents")
    assert [r.status for r in attempts] == [503, 200]
    assert {r.idempotency_key for r in attempts} == {AUTH_KEY}
    assert await count_intents() == 1


async def test_an_unreachable_stripe_is_a_payment_error(stripe_fake: StripeFake) -> None:  # noqa: F811
    url = stripe_fake.url
    stripe_fake.stop()
    gateway = StripeGateway(API_KEY, api_base=url, max_network_retries=0, timeout_seconds=2)
    try:
        with pytest.raises(PaymentError):
            await authorize(gateway)
        with pytest.raises(PaymentError):
            await gateway.find_by_idempotency_key(AUTH_KEY)
    finally:
        await gateway.aclose()


async def test_a_bad_api_key_is_a_payment_error(stripe_fake: StripeFake) -> None:  # noqa: F811
    gateway = StripeGateway("rk_wrong", api_base=stripe_fake.url + "/", max_network_retries=0)
    try:
        with pytest.raises(PaymentError):
            await gateway.retrieve("pi_anything")
    finally:
        await gateway.aclose()


def test_an_api_key_is_required() -> None:
    with pytest.raises(ValueError, match="API key"):
        StripeGateway("")


# -- the fake itself, over raw HTTP ---------------------------------------------------------


def _post(fake: StripeFake, path: str, data: dict[str, str], key: str | None = None,
          api_key: str = API_KEY) -> httpx.Response:
    headers = {"Authorization": f"Bearer {api_key}"}
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(fake.url + path, data=data, headers=headers)


def test_fake_replays_and_refuses_reused_keys_like_stripe(stripe_fake: StripeFake) -> None:  # noqa: F811
    form = {"amount": "1000", "currency": "usd", "payment_method": "pm_card_visa",
            "capture_method": "manual", "confirm": "true"}

    first = _post(stripe_fake, "/v1/payment_intents", form, key="k1")
    again = _post(stripe_fake, "/v1/payment_intents", form, key="k1")
    other = _post(stripe_fake, "/v1/payment_intents", {**form, "amount": "2000"}, key="k1")

    assert first.status_code == 200
    assert first.json()["object"] == "payment_intent"
    assert first.json()["status"] == "requires_capture"
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"
    assert len(stripe_fake.intents) == 1


def test_fake_speaks_stripes_error_shapes(stripe_fake: StripeFake) -> None:  # noqa: F811
    declined = _post(stripe_fake, "/v1/payment_intents",
                     {"amount": "1000", "currency": "usd", "confirm": "true",
                      "payment_method": "pm_card_chargeDeclinedLostCard"})
    missing = httpx.get(stripe_fake.url + "/v1/payment_intents/pi_nope",
                        headers={"Authorization": f"Bearer {API_KEY}"})
    unauthenticated = _post(stripe_fake, "/v1/refunds", {}, api_key="nope")

    assert declined.status_code == 402
    error = declined.json()["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "lost_card"
    )
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "resource_missing"
    assert unauthenticated.status_code == 401


def test_fake_search_supports_metadata_and_status_clauses(stripe_fake: StripeFake) -> None:  # noqa: F811
    for n, method in enumerate(["pm_card_visa", "pm_card_chargeDeclined", "pm_card_visa"]):
        _post(stripe_fake, "/v1/payment_intents",
              {"amount": "1000", "currency": "usd", "confirm": "true", "capture_method": "manual",
               "payment_method": method, "metadata[trip]": "T1" if n < 2 else "T2"})

    def search(query: str) -> list[dict[str, Any]]:
        response = httpx.get(stripe_fake.url + "/v1/payment_intents/search",
                             params={"query": query},
                             headers={"Authorization": f"Bearer {API_KEY}"})
        assert response.json()["object"] == "search_result"
        data: list[dict[str, Any]] = response.json()["data"]
        return data

    assert len(search("metadata['trip']:'T1'")) == 2
    assert len(search("metadata['trip']:'T1' AND status:'requires_capture'")) == 1
    assert search("metadata['trip']:'none'") == []


async def test_fake_records_events_for_webhook_tests(
    gateway: StripeGateway,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    auth = await authorize(gateway)
    await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

    types = [event["type"] for event in stripe_fake.events]
    assert types[:3] == [
        "payment_intent.created",
        "payment_intent.amount_capturable_updated",
        "payment_intent.succeeded",
    ]
    payload = json.dumps(stripe_fake.events[2])
    header = sign_webhook(payload, "whsec_test")
    event = stripe.Webhook.construct_event(payload, header, "whsec_test")
    assert event["data"]["object"]["id"] == auth.ref


def test_fake_helpers(stripe_fake: StripeFake) -> None:  # noqa: F811
    _post(stripe_fake, "/v1/payment_intents",
          {"amount": "1000", "currency": "usd", "payment_method": VISA, "confirm": "true"})
    # A raw card number is refused, as Stripe refuses it without special access.
    assert stripe_fake.requests[-1].status == 400
    assert stripe_fake.intent_by_key("anything") is None
    stripe_fake.reset()
    assert stripe_fake.requests == []
    with pytest.raises(RuntimeError, match="not running"):
        StripeFake().url  # noqa: B018


# -- wiring ------------------------------------------------------------------------


async def test_runtime_uses_stripe_when_a_key_is_configured(
    stripe_fake: StripeFake,  # noqa: F811
    settings: Settings,
    database: Database,
    clock: FrozenClock,
) -> None:
    configured = settings.model_copy(
        update={"stripe_api_key": API_KEY, "stripe_api_base": stripe_fake.url, "redis_url": None}
    )
    runtime = build_runtime(configured, clock=clock, db=database)
    assert isinstance(runtime.payments, StripeGateway)
    auth = await authorize(runtime.payments)
    assert stripe_fake.intents[auth.ref]["capture_method"] == "manual"
    await runtime.payments.aclose()

    local = build_runtime(settings.model_copy(update={"redis_url": None}), clock=clock, db=database)
    assert isinstance(local.payments, LocalGateway)
