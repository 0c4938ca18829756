"""POST /v1/webhooks/stripe: signatures, dedupe by event id, processing by the worker job."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import stripe
from sqlalchemy import func, select, update

from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.models import (
    Organization,
    OutboxEvent,
    Payment,
    ReconciliationException,
    StripeEvent,
)
from core.payment import webhooks
from core.payment.webhooks import process_stripe_events
from core.runtime import Runtime
from tests.core.booking_world import AVA, build_world
from tests.factories import make_user

SECRET = "whsec_test_secret"
URL = "/v1/webhooks/stripe"


@pytest.fixture(autouse=True)
def configured(runtime: Runtime) -> None:
    runtime.settings = runtime.settings.model_copy(update={"stripe_webhook_secret": SECRET})


def signed(
    event: dict[str, Any], *, secret: str = SECRET, at: int | None = None
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=at)
    return body.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}


def event(event_id: str, type_: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "livemode": False,
        "created": int(time.time()),
        "data": {"object": obj},
    }


async def stored(rt: Runtime) -> list[StripeEvent]:
    async with rt.db.uow(write=False) as s:
        return list((await s.scalars(select(StripeEvent).order_by(StripeEvent.id))).all())


async def exceptions(rt: Runtime) -> list[ReconciliationException]:
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(ReconciliationException).order_by(ReconciliationException.id)
                )
            ).all()
        )


@pytest.fixture
async def paid(runtime: Runtime) -> Payment:
    """A confirmed, captured booking paid through the local gateway; Fin works in finance."""
    world = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance", department="Finance")
        booking = await hold_booking(
            runtime, s, AVA, [ItemRequest(f"FL-{world.short_inv['economy'].id}", 1)]
        )
    await confirm_booking(runtime, AVA, booking.id)
    async with runtime.db.uow(write=False) as s:
        payment = await s.scalar(select(Payment).where(Payment.booking_id == booking.id))
        assert payment is not None
        assert (payment.status, payment.captured_minor) == ("captured", 15000)
        s.expunge(payment)
    return payment


async def test_a_signed_event_is_stored_once_and_a_redelivery_is_acknowledged(api_client, runtime):
    body, headers = signed(event("evt_1", "customer.created", {"id": "cus_1"}))

    first = await api_client.post(URL, content=body, headers=headers)
    again = await api_client.post(URL, content=body, headers=headers)

    assert first.status_code == 200, first.text
    assert first.json() == {"received": True, "duplicate": False, "event_id": "evt_1"}
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    [row] = await stored(runtime)
    assert (row.event_id, row.type, row.status) == ("evt_1", "customer.created", "received")


@pytest.mark.parametrize(
    ("case", "make_headers"),
    [
        ("wrong secret", lambda body: signed(json.loads(body), secret="whsec_other")[1]),
        ("stale", lambda body: signed(json.loads(body), at=int(time.time()) - 600)[1]),
        ("missing", lambda body: {"Content-Type": "application/json"}),
        ("garbage", lambda body: {"Stripe-Signature": "t=abc,v1=zzz"}),
    ],
)
async def test_bad_or_stale_signatures_are_401_and_nothing_is_stored(
    api_client, runtime, case, make_headers
):
    body, _ = signed(event("evt_bad", "payment_intent.succeeded", {"id": "pi_x"}))

    response = await api_client.post(URL, content=body, headers=make_headers(body))

    assert response.status_code == 401, case
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "INVALID_SIGNATURE"
    assert await stored(runtime) == []


async def test_a_tampered_body_is_401(api_client, runtime):
    body, headers = signed(event("evt_t", "payment_intent.succeeded", {"id": "pi_x", "amount": 1}))
    tampered = body.replace(b'"amount": 1', b'"amount": 9')

    response = await api_client.post(URL, content=tampered, headers=headers)

    assert response.status_code == 401
    assert await stored(runtime) == []


async def test_without_a_secret_the_endpoint_is_503(api_client, runtime):
    runtime.settings = runtime.settings.model_copy(update={"stripe_webhook_secret": None})
    body, headers = signed(event("evt_2", "customer.created", {}))

    response = await api_client.post(URL, content=body, headers=headers)

    assert response.status_code == 503
    assert response.json()["code"] == "WEBHOOK_NOT_CONFIGURED"
    assert await stored(runtime) == []


async def test_a_signed_body_that_is_not_an_event_is_422(api_client, runtime):
    raw = "not json"
    header = stripe.WebhookSignature.generate_signature_header(raw, SECRET)
    no_id = json.dumps({"type": "x"})
    header2 = stripe.WebhookSignature.generate_signature_header(no_id, SECRET)

    bad_json = await api_client.post(URL, content=raw, headers={"Stripe-Signature": header})
    missing_id = await api_client.post(URL, content=no_id, headers={"Stripe-Signature": header2})

    assert (bad_json.status_code, bad_json.json()["code"]) == (422, "VALIDATION_ERROR")
    assert (missing_id.status_code, missing_id.json()["code"]) == (422, "VALIDATION_ERROR")
    assert await stored(runtime) == []


async def post(api_client, ev: dict[str, Any]) -> None:
    body, headers = signed(ev)
    response = await api_client.post(URL, content=body, headers=headers)
    assert response.status_code == 200, response.text


async def test_a_matching_capture_is_processed_without_exceptions(api_client, runtime, paid):
    await post(
        api_client,
        event(
            "evt_ok",
            "payment_intent.succeeded",
            {
                "id": paid.provider_ref,
                "amount": 15000,
                "amount_received": 15000,
                "currency": "usd",
            },
        ),
    )
    await post(api_client, event("evt_other", "invoice.created", {"id": "in_1"}))

    assert await process_stripe_events(runtime) == 2

    ok, other = await stored(runtime)
    assert (ok.status, ok.org_id, ok.processed_at) == ("processed", "acme", runtime.clock.now())
    assert other.status == "ignored"
    assert await exceptions(runtime) == []
    assert await process_stripe_events(runtime) == 0


async def test_capture_mismatch_unknown_intent_and_over_refund_become_exceptions(
    api_client, runtime, paid
):
    await post(
        api_client,
        event(
            "evt_a",
            "payment_intent.succeeded",
            {
                "id": paid.provider_ref,
                "amount_received": 14000,
                "currency": "usd",
            },
        ),
    )
    await post(
        api_client,
        event(
            "evt_b",
            "payment_intent.succeeded",
            {
                "id": "pi_nobody",
                "amount_received": 777,
                "currency": "usd",
            },
        ),
    )
    await post(
        api_client,
        event(
            "evt_c",
            "charge.refunded",
            {
                "id": "ch_1",
                "payment_intent": paid.provider_ref,
                "amount_refunded": 20000,
                "currency": "usd",
            },
        ),
    )

    await process_stripe_events(runtime)

    found = {
        (e.kind, e.source, e.org_id, e.expected_minor, e.actual_minor)
        for e in await exceptions(runtime)
    }
    assert found == {
        ("amount_mismatch", "stripe", "acme", 15000, 14000),
        ("unknown_charge", "stripe", None, None, 777),
        ("refund_mismatch", "stripe", "acme", 15000, 20000),
    }
    async with runtime.db.uow(write=False) as s:
        payment = await s.get(Payment, paid.id)
        assert payment is not None
        assert (payment.refunded_minor, payment.status) == (20000, "refunded")


async def test_a_dispute_is_an_exception_and_finance_is_told(api_client, runtime, paid):
    await post(
        api_client,
        event(
            "evt_d",
            "charge.dispute.created",
            {
                "id": "dp_1",
                "payment_intent": paid.provider_ref,
                "amount": 15000,
                "currency": "usd",
                "reason": "fraudulent",
            },
        ),
    )

    await process_stripe_events(runtime)

    [exc] = await exceptions(runtime)
    assert (exc.kind, exc.booking_id, exc.reference) == ("dispute", paid.booking_id, "dp_1")
    async with runtime.db.uow(write=False) as s:
        note = await s.scalar(select(OutboxEvent).where(OutboxEvent.topic == "payment.disputed"))
    assert note is not None
    assert note.payload["notify"] == ["fin"]
    assert "fraudulent" in note.payload["message"]


@pytest.mark.race
async def test_concurrent_processors_apply_each_event_once(api_client, runtime, paid):
    for i in range(4):
        await post(
            api_client,
            event(
                f"evt_r{i}",
                "charge.dispute.created",
                {
                    "id": f"dp_r{i}",
                    "payment_intent": paid.provider_ref,
                    "amount": 100,
                    "currency": "usd",
                },
            ),
        )

    counts = await asyncio.gather(*(process_stripe_events(runtime) for _ in range(3)))

    assert sum(counts) == 4
    async with runtime.db.uow(write=False) as s:
        disputes = await s.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.topic == "payment.disputed")
        )
    assert disputes == 4
    assert all(row.status == "processed" and row.attempts == 1 for row in await stored(runtime))


@pytest.mark.race
async def test_race_without_the_claim_concurrent_processors_apply_events_twice(
    api_client, runtime, monkeypatch
):
    for i in range(4):
        await post(api_client, event(f"evt_n{i}", "invoice.created", {"id": f"in_{i}"}))

    # The race made certain, not left to the machine's load: each processor applies its
    # first event only once both have read the pending ones.
    both_read = asyncio.Barrier(2)
    started: set[asyncio.Task[Any] | None] = set()
    apply_one = webhooks._process_one

    async def after_both_read(rt: Runtime, event_id: Any, *, guarded: bool) -> bool:
        if asyncio.current_task() not in started:
            started.add(asyncio.current_task())
            await asyncio.wait_for(both_read.wait(), 10)
        return await apply_one(rt, event_id, guarded=guarded)

    monkeypatch.setattr(webhooks, "_process_one", after_both_read)
    counts = await asyncio.gather(
        *(process_stripe_events(runtime, guarded=False) for _ in range(2))
    )

    # Each processor read the pending events before the other marked them.
    assert sum(counts) > 4
    assert any(row.attempts > 1 for row in await stored(runtime))


@pytest.mark.race
async def test_race_with_the_claim_concurrent_processors_apply_each_event_once(api_client, runtime):
    for i in range(4):
        await post(api_client, event(f"evt_n{i}", "invoice.created", {"id": f"in_{i}"}))

    counts = await asyncio.gather(*(process_stripe_events(runtime) for _ in range(2)))

    assert sum(counts) == 4
    assert all(row.attempts == 1 for row in await stored(runtime))


async def test_an_unknown_charge_belongs_to_the_org_of_its_stripe_customer_or_card(
    api_client, runtime, paid
):
    """Money on an intent we never made is finance's to see: under the organization whose
    Stripe customer it was charged to, else whose payment method it used (only when one
    organization uses it); with neither, no organization."""
    async with runtime.db.uow() as s:
        await s.execute(
            update(Organization)
            .where(Organization.id == "globex")
            .values(stripe_customer_id="cus_globex", payment_method="pm_globex_card")
        )
    for n, extra in enumerate(
        [{"customer": "cus_globex"}, {"payment_method": "pm_globex_card"}, {"customer": "cus_x"}]
    ):
        obj = {"id": f"pi_stray{n}", "amount_received": 500 + n, "currency": "usd", **extra}
        await post(api_client, event(f"evt_s{n}", "payment_intent.succeeded", obj))
    await post(
        api_client,
        event(
            "evt_r",
            "charge.refunded",
            {"id": "ch_stray", "payment_intent": "pi_gone", "amount_refunded": 300,
             "currency": "usd", "customer": "cus_globex"},
        ),
    )

    await process_stripe_events(runtime)

    found = {(e.reference, e.kind, e.org_id) for e in await exceptions(runtime)}
    assert found == {
        ("pi_stray0", "unknown_charge", "globex"),
        ("pi_stray1", "unknown_charge", "globex"),
        ("pi_stray2", "unknown_charge", None),
        ("ch_stray", "refund_mismatch", "globex"),
    }
    assert {e.org_id for e in await stored(runtime) if e.event_id != "evt_s2"} == {"globex"}
