"""A single-use virtual card per booking (issue 14, item 11).

With ``virtual_cards`` on, confirming issues the booking a card (one cardholder per
organization) limited to its total and to travel merchants; the suppliers charge it,
each authorization is kept with its segment, reconciliation matches them, and the card
closes when the booking is cancelled or fails and when the trip is over. Off (the
default) nothing of this happens.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from core.booking import cards as cards_module
from core.booking.cancel import cancel_booking
from core.booking.cards import close_finished_cards
from core.booking.changes import SimulatedCrash
from core.booking.rebook import rebook_booking
from core.booking.saga import complete_stuck_sagas, confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.booking.views import load_booking_view
from core.clock import FrozenClock
from core.errors import PaymentError, SupplierRejected
from core.finance import reconcile
from core.models import (
    AuditEntry,
    Booking,
    CardAuthorization,
    InvoiceLine,
    IssuerCard,
    IssuerCardholder,
    Organization,
    OutboxEvent,
    Payment,
    ReconciliationException,
    Segment,
    StripeEvent,
    SupplierReservation,
    VirtualCard,
)
from core.payment.issuing import HOTELS, SPENDING_CONTROLS, TRAVEL_CATEGORIES
from core.payment.stripe_gateway import StripeGateway
from core.payment.stripe_issuing import StripeIssuing
from core.payment.webhooks import process_stripe_events, store_stripe_event
from core.runtime import Runtime, build_runtime
from core.search.offers import flight_offer_id, hotel_offer_id
from tests.core.booking_world import AVA, GUS, build_world
from tests.core.changes_world import add_flight, itinerary
from tests.fakes.stripe_fake import StripeFake

FLIGHT = 61240  # BA 117 economy
STAY = 2 * 22000  # two nights at LON01
TOTAL = FLIGHT + STAY


@pytest.fixture
def cards_on(runtime: Runtime) -> Runtime:
    return dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"virtual_cards": True})
    )


async def _hold(rt: Runtime, *offers: str) -> str:
    async with rt.db.uow() as s:
        return (await hold_booking(rt, s, AVA, [ItemRequest(o, 1) for o in offers])).id


async def _trip(rt: Runtime) -> tuple[str, str]:
    """A world and the offers of BA 117 and two nights at LON01."""
    w = await build_world(rt)
    return (
        flight_offer_id(w.long_inv["economy"].id),
        hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20)),
    )


async def _rows(rt: Runtime, model: Any, *where: Any) -> list[Any]:
    async with rt.db.uow(write=False) as s:
        return list((await s.scalars(select(model).where(*where))).all())


async def _count(rt: Runtime, model: Any) -> int:
    async with rt.db.uow(write=False) as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


# -- issuing on confirm ---------------------------------------------------------------------


async def test_confirming_issues_a_card_limited_to_the_total_that_pays_each_supplier(cards_on):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    view = await confirm_booking(rt, AVA, bid)
    assert view.status == "confirmed"

    [card] = await _rows(rt, VirtualCard)
    assert (card.booking_id, card.change_id, card.status) == (bid, None, "active")
    assert card.spending_limit_minor == TOTAL == view.total.minor()
    [issued] = await _rows(rt, IssuerCard)
    assert issued.id == card.provider_ref
    assert issued.spending_limit_minor == TOTAL
    assert set(issued.allowed_categories) == set(TRAVEL_CATEGORIES)
    assert issued.last4 == card.last4

    # Each supplier charged the card for its own segment, and we kept the authorization.
    segments = {s.id: s for s in await _rows(rt, Segment, Segment.booking_id == bid)}
    auths = await _rows(rt, CardAuthorization)
    assert sorted((a.segment_id, a.amount_minor, a.approved) for a in auths) == sorted(
        (sid, seg.amount_minor, True) for sid, seg in segments.items()
    )
    assert {a.merchant_category for a in auths} == {"airlines_air_carriers", HOTELS}

    shown = view.model_dump(mode="json")["virtual_cards"]
    assert shown == [
        {
            "card_id": card.id,
            "last4": card.last4,
            "status": "active",
            "spending_limit": {"amount": "1052.40", "currency": "USD"},
        }
    ]


async def test_cards_are_off_by_default(runtime):
    bid = await _hold(runtime, *await _trip(runtime))
    view = await confirm_booking(runtime, AVA, bid)
    assert view.status == "confirmed"
    assert await _count(runtime, VirtualCard) == 0
    assert await _count(runtime, IssuerCardholder) == 0
    assert "virtual_cards" not in view.model_dump(mode="json")


async def test_one_cardholder_per_organization_created_once(cards_on):
    rt = cards_on
    flight, hotel = await _trip(rt)
    first = await _hold(rt, flight)
    second = await _hold(rt, hotel)
    await confirm_booking(rt, AVA, first)
    await confirm_booking(rt, AVA, second)
    cards = await _rows(rt, VirtualCard)
    assert len(cards) == 2
    [holder] = await _rows(rt, IssuerCardholder)
    assert {c.cardholder_ref for c in cards} == {holder.id}
    async with rt.db.uow(write=False) as s:
        assert (await s.get(Organization, "acme")).issuing_cardholder_id == holder.id
    assert holder.name == "Acme Corp"


async def test_the_card_is_single_use_a_further_charge_is_declined(cards_on):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    await confirm_booking(rt, AVA, bid)
    [card] = await _rows(rt, VirtualCard)
    # The hotel tries to add a minibar bill: nothing is left on the card.
    extra = await rt.issuing.authorize_purchase(
        card.provider_ref,
        amount_minor=1500,
        currency="USD",
        merchant_category=HOTELS,
        merchant_name="sim-hotels",
        idempotency_key="minibar-1",
    )
    assert not extra.approved
    assert extra.decline_reason == SPENDING_CONTROLS


# -- closing ------------------------------------------------------------------------------------


async def test_cancelling_closes_the_card(cards_on):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    await confirm_booking(rt, AVA, bid)
    view = await cancel_booking(rt, AVA, bid)
    assert view.status == "cancelled"
    [card] = await _rows(rt, VirtualCard)
    assert card.status == "canceled"
    assert card.closed_at is not None
    assert (await rt.issuing.retrieve_card(card.provider_ref)).status == "canceled"
    assert view.model_dump(mode="json")["virtual_cards"][0]["status"] == "canceled"


async def test_a_card_the_issuer_did_not_close_at_cancel_is_closed_by_the_job(
    cards_on, monkeypatch
):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    await confirm_booking(rt, AVA, bid)
    real_close = rt.issuing.close_card

    async def down(*_a: Any, **_k: Any) -> Any:
        raise ConnectionError("issuer down")

    monkeypatch.setattr(rt.issuing, "close_card", down)
    await cancel_booking(rt, AVA, bid)
    [card] = await _rows(rt, VirtualCard)
    assert card.status == "active"
    monkeypatch.setattr(rt.issuing, "close_card", real_close)
    assert await close_finished_cards(rt) == 1
    [card] = await _rows(rt, VirtualCard)
    assert card.status == "canceled"


async def test_a_completed_trip_closes_its_card_the_day_after(cards_on, clock: FrozenClock):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    await confirm_booking(rt, AVA, bid)
    # The flight lands on 18 Dec, the stay checks out on the 20th: the card stays open
    # through the 21st for late adjustments.
    clock.set(clock.now().replace(day=21, hour=23))
    assert await close_finished_cards(rt) == 0
    clock.set(clock.now().replace(day=22, hour=1))
    assert await close_finished_cards(rt) == 1
    [card] = await _rows(rt, VirtualCard)
    assert card.status == "canceled"
    async with rt.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "confirmed"


async def test_a_refused_supplier_undoes_the_booking_and_closes_its_card(cards_on):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    rt.supplier_for("hotel").faults.set(mode="4xx", rate=1.0)
    with pytest.raises(SupplierRejected):
        await confirm_booking(rt, AVA, bid)
    async with rt.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "failed"
    [card] = await _rows(rt, VirtualCard)
    assert card.status == "canceled"


# -- crash between issuing and paying -------------------------------------------------------


@pytest.mark.parametrize(
    "point", ["after_card_issue_call", "after_card_issued", "after_supplier_call"]
)
async def test_a_crash_between_issuing_and_paying_recovers_with_the_same_card(
    cards_on, clock: FrozenClock, point
):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    rt.extras["crash_at"] = point
    with pytest.raises(SimulatedCrash):
        await confirm_booking(rt, AVA, bid)
    clock.advance(minutes=2)
    assert await complete_stuck_sagas(rt) == 1
    async with rt.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "confirmed"
    assert await _count(rt, IssuerCard) == 1  # the issuer made one card, not two
    assert await _count(rt, VirtualCard) == 1
    auths = await _rows(rt, CardAuthorization)
    assert len(auths) == 2
    assert all(a.segment_id for a in auths)
    [card] = await _rows(rt, VirtualCard)
    assert (
        sum(a.amount_minor for a in await rt.issuing.list_authorizations(card.provider_ref))
        == TOTAL
    )


# -- reconciliation -----------------------------------------------------------------------------


async def test_reconciliation_matches_the_card_authorizations_to_the_booking(cards_on):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    await confirm_booking(rt, AVA, bid)
    stats = await reconcile(rt)
    assert stats.exceptions == 0
    assert len(await _rows(rt, InvoiceLine, InvoiceLine.booking_id == bid)) == 2


async def test_a_charge_on_a_closed_card_is_declined_and_moves_nothing(cards_on):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    await confirm_booking(rt, AVA, bid)
    await cancel_booking(rt, AVA, bid)
    [card] = await _rows(rt, VirtualCard)
    late = await rt.issuing.authorize_purchase(
        card.provider_ref,
        amount_minor=100,
        currency="USD",
        merchant_category=HOTELS,
        merchant_name="Hotel minibar",
        idempotency_key="late-1",
    )
    assert not late.approved
    await reconcile(rt)
    assert await _rows(rt, ReconciliationException) == []


class Overcharging:
    """The card network as the hotel's terminal sees it: it keys in 10.00 less than the
    stay costs (a wrong amount), passing everything else through."""

    def __init__(self, issuer: Any) -> None:
        self._issuer = issuer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._issuer, name)

    async def authorize_purchase(self, card_ref: str, *, amount_minor: int, **kw: Any) -> Any:
        return await self._issuer.authorize_purchase(
            card_ref, amount_minor=amount_minor - 1000, **kw
        )


async def test_reconciliation_flags_card_charges_that_do_not_match(cards_on):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    hotel_supplier = rt.supplier_for("hotel").inner  # type: ignore[attr-defined]
    hotel_supplier.card_network = Overcharging(rt.issuing)
    await confirm_booking(rt, AVA, bid)
    [card] = await _rows(rt, VirtualCard)
    # 10.00 left on the card: a charge nobody booked takes it.
    stray = await rt.issuing.authorize_purchase(
        card.provider_ref,
        amount_minor=1000,
        currency="USD",
        merchant_category=HOTELS,
        merchant_name="Hotel minibar",
        idempotency_key="stray-1",
    )
    assert stray.approved

    await reconcile(rt)
    found = {(e.kind, e.source, e.actual_minor) for e in await _rows(rt, ReconciliationException)}
    assert found == {("amount_mismatch", "card", STAY - 1000), ("unknown_charge", "card", 1000)}
    unknown = (
        await _rows(rt, ReconciliationException, ReconciliationException.kind == "unknown_charge")
    )[0]
    assert (unknown.org_id, unknown.booking_id) == ("acme", bid)
    assert card.last4 in unknown.reference
    # Nothing is invoiced while the card does not add up; a second pass adds nothing.
    assert await _rows(rt, InvoiceLine) == []
    assert (await reconcile(rt)).exceptions == 0


# -- Stripe Issuing through the real SDK against the fake ------------------------------------


@pytest.fixture
async def stripe_cards(runtime: Runtime) -> AsyncIterator[tuple[Runtime, StripeFake]]:
    fake = StripeFake().start()
    gateway = StripeGateway("sk_test_concierge", api_base=fake.url, max_network_retries=0)
    issuer = StripeIssuing("sk_test_concierge", api_base=fake.url, max_network_retries=0)
    settings = runtime.settings.model_copy(update={"virtual_cards": True})
    rt = build_runtime(
        settings, clock=runtime.clock, db=runtime.db, payments=gateway, issuing=issuer
    )
    try:
        yield rt, fake
    finally:
        await gateway.aclose()
        await issuer.aclose()
        if rt.redis is not None:
            await rt.redis.aclose()
        fake.stop()


async def test_stripe_issues_one_card_with_our_key_even_after_a_crash(
    stripe_cards, clock: FrozenClock
):
    rt, fake = stripe_cards
    bid = await _hold(rt, *await _trip(rt))
    rt.extras["crash_at"] = "after_card_issue_call"
    with pytest.raises(SimulatedCrash):
        await confirm_booking(rt, AVA, bid)
    clock.advance(minutes=2)
    await complete_stuck_sagas(rt)
    async with rt.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "confirmed"
    [card] = fake.cards.values()
    creates = fake.requests_to("POST", "/v1/issuing/cards")
    assert [r.idempotency_key for r in creates] == [f"booking:{bid}:card"] * 2
    assert creates[1].replayed
    assert card["spending_controls"]["spending_limits"] == [
        {"amount": TOTAL, "interval": "all_time", "categories": None}
    ]
    assert set(card["spending_controls"]["allowed_categories"]) == set(TRAVEL_CATEGORIES)
    assert sorted(a["amount"] for a in fake.authorizations.values()) == sorted([FLIGHT, STAY])
    assert len(fake.cardholders) == 1


async def test_the_card_number_is_nowhere_in_our_records_logs_or_events(stripe_cards, caplog):
    rt, fake = stripe_cards
    caplog.set_level(logging.DEBUG)
    bid = await _hold(rt, *await _trip(rt))
    await confirm_booking(rt, AVA, bid)
    for event in fake.events:  # the webhooks Stripe would send, as we store and process them
        async with rt.db.uow() as s:
            await store_stripe_event(s, event, now=rt.clock.now())
    await process_stripe_events(rt)
    await reconcile(rt)
    await cancel_booking(rt, AVA, bid)
    [card] = fake.cards.values()
    number = card["number"]

    stored: list[str] = []
    async with rt.db.uow(write=False) as s:
        for model in (
            VirtualCard,
            CardAuthorization,
            AuditEntry,
            OutboxEvent,
            ReconciliationException,
            StripeEvent,
            Booking,
        ):
            stored += [repr(row.__dict__) for row in (await s.scalars(select(model))).all()]
    view = (await load_booking_view(rt, bid)).model_dump_json()
    assert card["last4"] in view
    for text in (*stored, view, caplog.text):
        assert number not in text


async def test_a_stray_stripe_authorization_reaches_reconciliation_by_webhook(stripe_cards):
    rt, fake = stripe_cards
    bid = await _hold(rt, *await _trip(rt))
    hotel_supplier = rt.supplier_for("hotel").inner  # type: ignore[attr-defined]
    hotel_supplier.card_network = Overcharging(rt.issuing)
    await confirm_booking(rt, AVA, bid)
    [card] = await _rows(rt, VirtualCard)
    await rt.issuing.authorize_purchase(
        card.provider_ref,
        amount_minor=1000,
        currency="USD",
        merchant_category=HOTELS,
        merchant_name="Hotel minibar",
        idempotency_key="stray-1",
    )
    for event in fake.events:
        async with rt.db.uow() as s:
            await store_stripe_event(s, event, now=rt.clock.now())
    await process_stripe_events(rt)
    stray = await _rows(rt, CardAuthorization, CardAuthorization.segment_id.is_(None))
    assert [(a.amount_minor, a.merchant_name) for a in stray] == [(1000, "Hotel minibar")]
    await reconcile(rt)
    kinds = {e.kind for e in await _rows(rt, ReconciliationException)}
    assert kinds == {"amount_mismatch", "unknown_charge"}


# -- the organization's one cardholder under concurrent first cards ------------------------------


async def _two_first_cards_at_once(rt: Runtime, monkeypatch) -> None:
    """Two bookings of one organization confirm at once, both before it has a cardholder;
    each waits (briefly) for the other at the issuer, so both ask for one."""
    flight, hotel = await _trip(rt)
    first, second = await _hold(rt, flight), await _hold(rt, hotel)
    real = rt.issuing.create_cardholder
    arrived = {"n": 0}
    both = asyncio.Event()

    async def meet(**kw: Any) -> Any:
        arrived["n"] += 1
        if arrived["n"] == 2:
            both.set()
        await asyncio.wait_for(both.wait(), timeout=5)
        return await real(**kw)

    monkeypatch.setattr(rt.issuing, "create_cardholder", meet)
    views = await asyncio.gather(confirm_booking(rt, AVA, first), confirm_booking(rt, AVA, second))
    assert [v.status for v in views] == ["confirmed", "confirmed"]


@pytest.mark.race
async def test_concurrent_first_cards_share_one_cardholder(cards_on, monkeypatch):
    await _two_first_cards_at_once(cards_on, monkeypatch)
    [holder] = await _rows(cards_on, IssuerCardholder)
    assert {c.cardholder_ref for c in await _rows(cards_on, VirtualCard)} == {holder.id}


@pytest.mark.race
async def test_without_the_organization_key_concurrent_first_cards_make_two_cardholders(
    cards_on, monkeypatch
):
    keys = iter(range(100))
    monkeypatch.setattr(cards_module, "cardholder_key", lambda org: f"org:{org}:{next(keys)}")
    await _two_first_cards_at_once(cards_on, monkeypatch)
    assert await _count(cards_on, IssuerCardholder) == 2


async def test_another_organization_gets_its_own_cardholder(cards_on):
    rt = cards_on
    flight, _ = await _trip(rt)
    await confirm_booking(rt, AVA, await _hold(rt, flight))
    async with rt.db.uow() as s:
        gus = await hold_booking(rt, s, GUS, [ItemRequest(flight, 1)])
    await confirm_booking(rt, GUS, gus.id)
    holders = await _rows(rt, IssuerCardholder)
    assert sorted(h.name for h in holders) == ["Acme Corp", "Globex"]
    by_org = {c.org_id: c.cardholder_ref for c in await _rows(rt, VirtualCard)}
    assert by_org["acme"] != by_org["globex"]


# -- rebooks, and an issuer that refuses or is down --------------------------------------------


async def test_a_rebook_pays_its_new_leg_with_a_card_of_its_own(cards_on):
    rt = cards_on
    flight, _ = await _trip(rt)
    bid = await _hold(rt, flight)
    await confirm_booking(rt, AVA, bid)
    [old_seg] = await itinerary(rt, bid)
    new_inv = await add_flight(rt, number="119", fare=40000)
    view = await rebook_booking(rt, AVA, bid, old_seg.id, flight_offer_id(new_inv))
    assert view.status == "confirmed"
    [new_seg] = await itinerary(rt, bid)

    own, change_card = sorted(await _rows(rt, VirtualCard), key=lambda c: c.change_id or "")
    assert (own.change_id, own.spending_limit_minor) == (None, FLIGHT)
    assert change_card.change_id == view.changes[0].change_id
    assert change_card.spending_limit_minor == 40000
    [paid_new] = await _rows(rt, CardAuthorization, CardAuthorization.segment_id == new_seg.id)
    assert (paid_new.card_id, paid_new.amount_minor, paid_new.approved) == (
        change_card.id,
        40000,
        True,
    )
    await reconcile(rt)
    assert await _rows(rt, ReconciliationException) == []
    assert [line.segment_id for line in await _rows(rt, InvoiceLine)] == [new_seg.id]


async def test_a_rebook_the_airline_refuses_closes_its_card_and_keeps_the_booking_s(cards_on):
    rt = cards_on
    flight, _ = await _trip(rt)
    bid = await _hold(rt, flight)
    await confirm_booking(rt, AVA, bid)
    [seg] = await itinerary(rt, bid)
    new_inv = await add_flight(rt, number="119", fare=55000)
    rt.supplier_for("flight").faults.set(mode="4xx", rate=1.0)
    with pytest.raises(SupplierRejected):
        await rebook_booking(rt, AVA, bid, seg.id, flight_offer_id(new_inv))
    status = {c.change_id is None: c.status for c in await _rows(rt, VirtualCard)}
    assert status == {True: "active", False: "canceled"}


async def test_an_issuer_that_refuses_fails_the_booking_and_releases_the_payment(
    cards_on, monkeypatch
):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))

    async def refuse(**_kw: Any) -> Any:
        raise PaymentError("Stripe refused the request: Issuing is not enabled", code="x")

    monkeypatch.setattr(rt.issuing, "create_card", refuse)
    with pytest.raises(PaymentError):
        await confirm_booking(rt, AVA, bid)
    async with rt.db.uow(write=False) as s:
        booking = await s.get(Booking, bid)
        assert booking.status == "failed"
        assert "virtual card" in booking.failure_reason
        assert [p.status for p in (await s.scalars(select(Payment))).all()] == ["voided"]
    assert await _count(rt, SupplierReservation) == 0


async def test_an_issuer_that_is_down_leaves_the_saga_to_the_completer(
    cards_on, clock: FrozenClock, monkeypatch
):
    rt = cards_on
    bid = await _hold(rt, *await _trip(rt))
    real = rt.issuing.create_card

    async def down(**_kw: Any) -> Any:
        raise PaymentError("Stripe is unavailable", transient=True)

    monkeypatch.setattr(rt.issuing, "create_card", down)
    with pytest.raises(PaymentError):
        await confirm_booking(rt, AVA, bid)
    async with rt.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "confirming"
    monkeypatch.setattr(rt.issuing, "create_card", real)
    clock.advance(minutes=2)
    assert await complete_stuck_sagas(rt) == 1
    async with rt.db.uow(write=False) as s:
        assert (await s.get(Booking, bid)).status == "confirmed"
    assert await _count(rt, VirtualCard) == 1
