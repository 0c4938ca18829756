"""Cancel refunds and rebook charges through StripeGateway (the local Stripe fake, real SDK)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.booking.cancel import cancel_booking
from core.booking.rebook import rebook_booking
from core.payment.stripe_gateway import StripeGateway
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, build_world
from tests.core.changes_world import (
    add_flight,
    assert_one_valid_itinerary,
    confirmed,
    itinerary,
    paid,
)
from tests.fakes.stripe_fake import StripeFake, stripe_fake  # noqa: F401


@pytest.fixture
async def stripe_runtime(runtime: Runtime, stripe_fake: StripeFake) -> AsyncIterator[Runtime]:  # noqa: F811
    gateway = StripeGateway("sk_test_concierge", api_base=stripe_fake.url, max_network_retries=0)
    runtime.payments = gateway
    yield runtime
    await gateway.aclose()


async def test_cancel_refunds_through_stripe_with_our_key(
    stripe_runtime: Runtime,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    w = await build_world(stripe_runtime)
    bid = await confirmed(stripe_runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    view = await cancel_booking(stripe_runtime, AVA, bid)
    assert view.refund.status == "refunded"
    assert await paid(stripe_runtime, bid) == 0
    [refund] = stripe_fake.refunds.values()
    assert refund["amount"] == 61240


async def test_rebook_charges_and_captures_through_stripe(stripe_runtime: Runtime) -> None:
    w = await build_world(stripe_runtime)
    bid = await confirmed(stripe_runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    [seg] = await itinerary(stripe_runtime, bid)
    new_inv = await add_flight(stripe_runtime, number="119", fare=55000)
    view = await rebook_booking(stripe_runtime, AVA, bid, seg.id, flight_offer_id(new_inv))
    assert view.change.status == "done"
    await assert_one_valid_itinerary(stripe_runtime, bid)
