"""Cancel refunds and rebook charges through StripeGateway (the local Stripe fake, real SDK)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.booking.cancel import cancel_booking
from core.booking.changes import SimulatedCrash
from core.booking.rebook import complete_stuck_changes, rebook_booking
from core.booking.seat_purchase import choose_or_buy_seats
from core.booking.seats import SeatChoice
from core.models import SegmentPassenger
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


async def test_a_seat_bought_on_a_paid_trip_is_a_stripe_payment_of_its_own_retried_once(
    stripe_runtime: Runtime,
    stripe_fake: StripeFake,  # noqa: F811
) -> None:
    w = await build_world(stripe_runtime)
    bid = await confirmed(stripe_runtime, AVA, (flight_offer_id(w.long_inv["economy"].id), 1))
    async with stripe_runtime.db.uow(write=False) as s:
        link = await s.scalar(select(SegmentPassenger).where(SegmentPassenger.booking_id == bid))
    assert link is not None
    choice = [SeatChoice(link.segment_id, link.passenger_id, "8A")]  # extra legroom, 85 USD
    stripe_runtime.extras["crash_at"] = "after_seat_authorize_call"

    with pytest.raises(SimulatedCrash):
        await choose_or_buy_seats(stripe_runtime, AVA, bid, choice, accept_fees=True)
    stripe_runtime.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    assert await complete_stuck_changes(stripe_runtime) == 1  # the completer finishes it

    assert await paid(stripe_runtime, bid) == 61240 + 8500
    seat_intents = [pi for pi in stripe_fake.intents.values() if pi["amount"] == 8500]
    assert len(seat_intents) == 1  # the resumed authorize was Stripe's replay, not a second charge
    [intent] = seat_intents
    assert intent["status"] == "succeeded"
    assert intent["metadata"]["idempotency_key"].startswith(f"booking:{bid}:seats:")
