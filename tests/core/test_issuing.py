"""The card-issuing contract (Stripe Issuing semantics), for the local issuer and for
StripeIssuing driving the real ``stripe`` SDK against the local Stripe fake.

``IssuingContract`` is the behaviour both must show: a cardholder and a card per
idempotency key, a spending limit for all time, travel categories only, a closed card
declining, a decline returned as an answer. Each module-level fixture pair gives the
issuer and how many cards / cardholders exist at the provider.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.errors import IdempotencyKeyReused
from core.models import IssuerAuthorization, IssuerCard, IssuerCardholder
from core.payment import local_issuing as local_module
from core.payment.issuing import (
    AIRLINES,
    CARD_CANCELED,
    HOTELS,
    SPENDING_CONTROLS,
    TRAVEL_CATEGORIES,
    BillingAddress,
    CardIssuer,
    IssuedCard,
    PurchaseAuthorization,
)
from core.payment.local_issuing import LocalIssuing
from core.payment.stripe_issuing import StripeIssuing
from tests.conftest import requires_postgres
from tests.fakes.stripe_fake import StripeFake

Counter = Callable[[], Awaitable[int]]
ADDRESS = BillingAddress(
    line1="1 Market Street", city="San Francisco", postal_code="94105", country="US", state="CA"
)
LIMIT = 83240  # a booking's total


async def cardholder(
    issuer: CardIssuer, *, key: str = "org:acme:cardholder", name: str = "Acme Corp"
) -> str:
    holder = await issuer.create_cardholder(
        name=name, billing=ADDRESS, idempotency_key=key, metadata={"org_id": "acme"}
    )
    return holder.ref


async def card(
    issuer: CardIssuer,
    *,
    key: str = "booking:BK-TEST01:card",
    limit: int = LIMIT,
    holder: str | None = None,
) -> IssuedCard:
    holder = holder or await cardholder(issuer)
    return await issuer.create_card(
        cardholder_ref=holder,
        currency="USD",
        spending_limit_minor=limit,
        allowed_categories=TRAVEL_CATEGORIES,
        idempotency_key=key,
        metadata={"booking_id": "BK-TEST01"},
    )


async def charge(
    issuer: CardIssuer,
    card_ref: str,
    amount: int,
    *,
    key: str,
    category: str = AIRLINES,
    merchant: str = "sim-gds",
) -> PurchaseAuthorization:
    return await issuer.authorize_purchase(
        card_ref,
        amount_minor=amount,
        currency="USD",
        merchant_category=category,
        merchant_name=merchant,
        idempotency_key=key,
    )


class IssuingContract:
    async def test_a_card_is_issued_active_with_its_limit_and_travel_categories(
        self, issuer: CardIssuer
    ) -> None:
        issued = await card(issuer)
        assert issued.status == "active"
        assert issued.spending_limit_minor == LIMIT
        assert set(issued.allowed_categories) == {
            "airlines_air_carriers",
            "hotels_motels_and_resorts",
            "travel_agencies_and_tour_operators",
        }
        assert issued.currency == "USD"
        assert len(issued.last4) == 4
        assert issued.last4.isdigit()
        assert issued.ref.startswith("ic_")

    async def test_the_same_key_answers_the_same_card_and_cardholder(
        self, issuer: CardIssuer, count_cards: Counter, count_cardholders: Counter
    ) -> None:
        first = await card(issuer)
        again = await card(issuer)
        assert again.ref == first.ref
        assert await count_cards() == 1
        assert await count_cardholders() == 1

    async def test_a_key_reused_for_another_card_is_refused(self, issuer: CardIssuer) -> None:
        await card(issuer)
        with pytest.raises(IdempotencyKeyReused):
            await card(issuer, limit=LIMIT + 1)

    async def test_charges_up_to_the_limit_are_approved_and_one_more_is_declined(
        self, issuer: CardIssuer
    ) -> None:
        issued = await card(issuer)
        flight = await charge(issuer, issued.ref, 61240, key="k:flight")
        hotel = await charge(issuer, issued.ref, 22000, key="k:hotel", category=HOTELS)
        again = await charge(issuer, issued.ref, 100, key="k:more")
        assert flight.approved
        assert hotel.approved
        assert not again.approved
        assert again.decline_reason == SPENDING_CONTROLS
        assert again.amount_minor == 100  # what was asked, though nothing was approved

    async def test_one_charge_over_the_limit_is_declined(self, issuer: CardIssuer) -> None:
        issued = await card(issuer)
        over = await charge(issuer, issued.ref, LIMIT + 1, key="k:over")
        assert not over.approved
        assert over.decline_reason == SPENDING_CONTROLS

    async def test_a_merchant_outside_travel_is_declined(self, issuer: CardIssuer) -> None:
        issued = await card(issuer)
        dinner = await charge(
            issuer, issued.ref, 5000, key="k:dinner", category="eating_places_restaurants"
        )
        assert not dinner.approved
        assert dinner.decline_reason == SPENDING_CONTROLS

    async def test_a_retried_charge_answers_the_first_authorization(
        self, issuer: CardIssuer
    ) -> None:
        issued = await card(issuer)
        first = await charge(issuer, issued.ref, 61240, key="k:flight")
        again = await charge(issuer, issued.ref, 61240, key="k:flight")
        assert again.ref == first.ref
        assert [a.ref for a in await issuer.list_authorizations(issued.ref)] == [first.ref]

    async def test_a_closed_card_declines_and_closing_again_is_harmless(
        self, issuer: CardIssuer
    ) -> None:
        issued = await card(issuer)
        closed = await issuer.close_card(issued.ref, idempotency_key="k:close")
        assert closed.status == "canceled"
        assert (
            await issuer.close_card(issued.ref, idempotency_key="k:close2")
        ).status == "canceled"
        assert (await issuer.retrieve_card(issued.ref)).status == "canceled"
        late = await charge(issuer, issued.ref, 100, key="k:late")
        assert not late.approved
        assert late.decline_reason == CARD_CANCELED

    async def test_authorizations_are_listed_oldest_first(self, issuer: CardIssuer) -> None:
        issued = await card(issuer)
        other = await card(issuer, key="booking:BK-OTHER1:card")
        a = await charge(issuer, issued.ref, 1000, key="k:1")
        await charge(issuer, other.ref, 1000, key="k:other")
        b = await charge(issuer, issued.ref, 2000, key="k:2", category=HOTELS)
        listed = await issuer.list_authorizations(issued.ref)
        assert [x.ref for x in listed] == [a.ref, b.ref]
        assert [(x.amount_minor, x.merchant_category) for x in listed] == [
            (1000, AIRLINES),
            (2000, HOTELS),
        ]


# -- the local issuer ---------------------------------------------------------------


@pytest.fixture
def local(database: Database, clock: Any) -> LocalIssuing:
    return LocalIssuing(database, clock)


def _counter(database: Database, model: Any) -> Counter:
    async def count() -> int:
        async with database.uow(write=False) as s:
            return int(await s.scalar(select(func.count()).select_from(model)) or 0)

    return count


class TestLocalIssuing(IssuingContract):
    @pytest.fixture
    def issuer(self, local: LocalIssuing) -> CardIssuer:
        return local

    @pytest.fixture
    def count_cards(self, database: Database) -> Counter:
        return _counter(database, IssuerCard)

    @pytest.fixture
    def count_cardholders(self, database: Database) -> Counter:
        return _counter(database, IssuerCardholder)


# -- StripeIssuing against the fake, through the real SDK ------------------------------


@pytest.fixture
def fake() -> Any:
    server = StripeFake().start()
    yield server
    server.stop()


@pytest.fixture
async def stripe_issuer(fake: StripeFake) -> AsyncIterator[StripeIssuing]:
    issuer = StripeIssuing("sk_test_concierge", api_base=fake.url, max_network_retries=0)
    yield issuer
    await issuer.aclose()


class TestStripeIssuing(IssuingContract):
    @pytest.fixture
    def issuer(self, stripe_issuer: StripeIssuing) -> CardIssuer:
        return stripe_issuer

    @pytest.fixture
    def count_cards(self, fake: StripeFake) -> Counter:
        async def count() -> int:
            return len(fake.cards)

        return count

    @pytest.fixture
    def count_cardholders(self, fake: StripeFake) -> Counter:
        async def count() -> int:
            return len(fake.cardholders)

        return count


async def test_stripe_is_asked_for_a_virtual_card_with_an_all_time_limit(
    stripe_issuer: StripeIssuing, fake: StripeFake
) -> None:
    issued = await card(stripe_issuer)
    [create] = fake.requests_to("POST", "/v1/issuing/cards")
    assert create.idempotency_key == "booking:BK-TEST01:card"
    assert create.params["type"] == "virtual"
    assert create.params["status"] == "active"
    assert create.params["spending_controls"]["spending_limits"] == [
        {"amount": str(LIMIT), "interval": "all_time"}
    ]
    assert fake.cards[issued.ref]["cardholder"]["type"] == "company"


async def test_the_card_number_is_never_asked_for_nor_kept(
    stripe_issuer: StripeIssuing, fake: StripeFake
) -> None:
    issued = await card(stripe_issuer)
    await charge(stripe_issuer, issued.ref, 1000, key="k:1")
    await stripe_issuer.list_authorizations(issued.ref)
    await stripe_issuer.close_card(issued.ref, idempotency_key="k:close")
    number = fake.cards[issued.ref]["number"]
    assert len(number) == 16
    assert number.endswith(issued.last4)
    assert not any("number" in (r.params.get("expand") or []) for r in fake.requests)
    assert number not in repr(issued)
    assert number not in repr(await stripe_issuer.list_authorizations(issued.ref))


# -- the spending limit under concurrent charges (local issuer) ----------------------------


async def _two_charges_at_once(local: LocalIssuing, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Two merchants charge the whole limit at once; each waits (briefly) for the other
    after reading what the card has spent, so both read before either writes unless
    the card row is locked."""
    issued = await card(local)
    arrived = asyncio.Event()
    waiting = {"n": 0}
    real = local_module._decline_reason

    async def meet_then_decide(session: Any, row: IssuerCard, amount: int, category: str) -> Any:
        reason = await real(session, row, amount, category)
        waiting["n"] += 1
        if waiting["n"] == 2:
            arrived.set()
        try:
            await asyncio.wait_for(arrived.wait(), timeout=1.0)
        except TimeoutError:
            pass  # the other one is blocked on the card's lock: go on alone
        return reason

    monkeypatch.setattr(local_module, "_decline_reason", meet_then_decide)
    results = await asyncio.gather(
        charge(local, issued.ref, LIMIT, key="k:a"),
        charge(local, issued.ref, LIMIT, key="k:b", category=HOTELS),
    )
    return [r.approved for r in results]


@pytest.mark.race
async def test_concurrent_charges_never_pass_the_limit(
    local: LocalIssuing, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sorted(await _two_charges_at_once(local, monkeypatch)) == [False, True]


@pytest.mark.race
@requires_postgres  # SQLite serializes writers (BEGIN IMMEDIATE): no lock to take away
async def test_without_the_card_lock_two_charges_pass_the_limit(
    local: LocalIssuing, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unlocked(session: Any, ref: str) -> IssuerCard:
        """The card read without ``FOR UPDATE``: the guard switched off."""
        return (await session.execute(select(IssuerCard).where(IssuerCard.id == ref))).scalar_one()

    monkeypatch.setattr(local_module, "_locked_card", unlocked)
    assert await _two_charges_at_once(local, monkeypatch) == [True, True]
    async with database.uow(write=False) as s:
        spent = await s.scalar(
            select(func.sum(IssuerAuthorization.amount_minor)).where(
                IssuerAuthorization.approved.is_(True)
            )
        )
    assert spent == 2 * LIMIT
