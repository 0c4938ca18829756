"""``POST /v1/webhooks/stripe``: Stripe-signed events, stored once per event id.

The signature (``Stripe-Signature``, checked by ``stripe.Webhook.construct_event``
against ``CONCIERGE_STRIPE_WEBHOOK_SECRET`` with a 5-minute tolerance) is the only
authentication. A missing, wrong or stale signature is a 401 and nothing is
stored; without a configured secret the endpoint answers 503
``WEBHOOK_NOT_CONFIGURED``. A redelivered event id is acknowledged (200,
``duplicate: true``) and ignored. Events are applied later by the worker's
``stripe_events`` job, so Stripe gets its answer fast.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel

from api.deps import RuntimeDep
from api.problems import problem_responses
from core.payment.webhooks import store_stripe_event, verify_stripe_event

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


class StripeWebhookOut(BaseModel):
    received: bool
    duplicate: bool
    event_id: str


@router.post(
    "/stripe",
    summary="Receive a Stripe event",
    response_model=StripeWebhookOut,
    responses=problem_responses(401, 413, 422, 500, 503),
)
async def stripe_webhook(
    request: Request,
    runtime: RuntimeDep,
    stripe_signature: Annotated[
        str | None, Header(alias="Stripe-Signature", max_length=2048)
    ] = None,
) -> StripeWebhookOut:
    """Verify and store one Stripe event; the worker applies it (payments, refunds, disputes)."""
    payload = await request.body()
    event = verify_stripe_event(payload, stripe_signature, runtime.settings.stripe_webhook_secret)
    async with runtime.db.uow() as session:
        stored = await store_stripe_event(session, event, now=runtime.clock.now())
    return StripeWebhookOut(received=True, duplicate=not stored, event_id=event["id"])
