"""The payment gateway contract, and LocalGateway's own guarantees.

``GatewayContract`` is the behavioural suite every ``PaymentGateway`` must pass.
This module runs it against LocalGateway; ``test_payment_stripe.py`` runs the very
same class against StripeGateway talking to the local Stripe fake. A suite module
provides three fixtures: ``gateway``, ``count_intents`` and ``count_refunds``
(how many intents / refunds exist at the provider, to prove "no duplicate").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.db import Database
from core.errors import (
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    PaymentError,
    ValidationFailed,
)
from core.models import GatewayIntent, GatewayRefund
from core.payment import local as local_module
from core.payment.gateway import Authorization, IntentStatus, PaymentGateway
from core.payment.local import LocalGateway
from core.payment.service import payment_idempotency_key

Counter = Callable[[], Awaitable[int]]

VISA = "4242424242424242"
AUTH_KEY = payment_idempotency_key("BK-TEST01", "authorize")
CAPTURE_KEY = payment_idempotency_key("BK-TEST01", "capture")
VOID_KEY = payment_idempotency_key("BK-TEST01", "void")


def refund_key(n: int) -> str:
    return payment_idempotency_key("BK-TEST01", "refund", str(n))


async def authorize(gateway: PaymentGateway, *, amount: int = 50_000, key: str = AUTH_KEY,
                    card: str = VISA, **extra: Any) -> Authorization:
    return await gateway.authorize(amount_minor=amount, currency="USD", payment_method=card,
                                   idempotency_key=key, **extra)


class GatewayContract:
    """Stripe PaymentIntent semantics with manual capture, for any gateway."""

    # -- authorize -----------------------------------------------------------------

    async def test_authorize_places_a_hold_without_taking_money(
        self, gateway: PaymentGateway
    ) -> None:
        auth = await authorize(gateway, metadata={"booking_id": "BK-TEST01"})

        assert auth.status is IntentStatus.REQUIRES_CAPTURE
        assert not auth.declined
        assert (auth.amount_minor, auth.currency) == (50_000, "USD")
        assert (auth.amount_captured, auth.amount_refunded) == (0, 0)
        assert auth.ref.startswith("pi_")
        assert auth.raw["metadata"]["booking_id"] == "BK-TEST01"
        stored = await gateway.retrieve(auth.ref)
        assert (stored.ref, stored.status, stored.amount_minor) == (
            auth.ref, IntentStatus.REQUIRES_CAPTURE, 50_000
        )

    async def test_retried_authorize_replays_the_first_answer(
        self, gateway: PaymentGateway, count_intents: Counter
    ) -> None:
        first = await authorize(gateway, metadata={"booking_id": "BK-TEST01"})
        again = await authorize(gateway, metadata={"booking_id": "BK-TEST01"})

        assert again.ref == first.ref
        assert again.status is IntentStatus.REQUIRES_CAPTURE
        assert await count_intents() == 1

    @pytest.mark.parametrize(
        "changed",
        [{"amount": 50_001}, {"card": "pm_card_mastercard"}, {"metadata": {"booking_id": "X"}}],
    )
    async def test_same_key_with_different_parameters_is_refused(
        self, gateway: PaymentGateway, count_intents: Counter, changed: dict[str, Any]
    ) -> None:
        await authorize(gateway, metadata={"booking_id": "BK-TEST01"})
        params: dict[str, Any] = {"metadata": {"booking_id": "BK-TEST01"}, **changed}

        with pytest.raises(IdempotencyKeyReused):
            await authorize(gateway, **params)
        assert await count_intents() == 1

    async def test_distinct_keys_make_distinct_intents(
        self, gateway: PaymentGateway, count_intents: Counter
    ) -> None:
        a = await authorize(gateway, key="booking:A:authorize")
        b = await authorize(gateway, key="booking:B:authorize")
        assert a.ref != b.ref
        assert await count_intents() == 2

    @pytest.mark.parametrize(
        ("card", "decline_code"),
        [
            ("4000000000000002", "generic_decline"),
            ("4000000000009995", "insufficient_funds"),
            ("4000000000009987", "lost_card"),
            ("4000000000009979", "stolen_card"),
            ("4000000000000069", "expired_card"),
            ("4000000000000127", "incorrect_cvc"),
            ("pm_card_chargeDeclined", "generic_decline"),
            ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
            ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
        ],
    )
    async def test_test_cards_decline_as_an_answer_not_an_exception(
        self, gateway: PaymentGateway, card: str, decline_code: str
    ) -> None:
        auth = await authorize(gateway, card=card)

        assert auth.declined
        assert auth.status is IntentStatus.DECLINED
        assert auth.decline_code == decline_code
        assert auth.amount_captured == 0
        # The decline is the key's answer: a retry gets it again, and the
        # completer finds it by key.
        assert (await authorize(gateway, card=card)).decline_code == decline_code
        found = await gateway.find_by_idempotency_key(AUTH_KEY)
        assert found is not None
        assert found.declined
        assert found.decline_code == decline_code

    @pytest.mark.parametrize("card", [VISA, "4242 4242 4242 4242", "pm_card_visa", "pm_card_amex"])
    async def test_good_test_cards_are_authorized(self, gateway: PaymentGateway, card: str) -> None:
        assert (await authorize(gateway, card=card)).status is IntentStatus.REQUIRES_CAPTURE

    async def test_a_processing_error_is_raised_as_transient(self, gateway: PaymentGateway) -> None:
        with pytest.raises(PaymentError):
            await authorize(gateway, card="4000000000000119")
        with pytest.raises(PaymentError):
            await authorize(gateway, card="pm_card_chargeDeclinedProcessingError")

    @pytest.mark.parametrize(
        "bad",
        [{"amount": 0}, {"amount": -5}, {"currency": "US"}, {"key": ""}, {"card": " "}],
    )
    async def test_malformed_authorize_is_refused_before_it_leaves(
        self, gateway: PaymentGateway, count_intents: Counter, bad: dict[str, Any]
    ) -> None:
        params: dict[str, Any] = {"amount_minor": 1000, "currency": "USD",
                                  "payment_method": VISA, "idempotency_key": AUTH_KEY}
        rename = {"amount": "amount_minor", "key": "idempotency_key", "card": "payment_method"}
        params.update({rename.get(k, k): v for k, v in bad.items()})

        with pytest.raises(ValidationFailed):
            await gateway.authorize(**params)
        assert await count_intents() == 0

    # -- capture -------------------------------------------------------------------

    async def test_capture_takes_the_full_hold_by_default(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)

        captured = await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

        assert captured.status is IntentStatus.SUCCEEDED
        assert captured.ref == auth.ref
        assert captured.amount_captured == 50_000
        assert (await gateway.retrieve(auth.ref)).amount_captured == 50_000

    async def test_partial_capture_releases_the_rest(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)

        captured = await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=30_000)

        assert captured.status is IntentStatus.SUCCEEDED
        assert (captured.amount_minor, captured.amount_captured) == (50_000, 30_000)
        # The released remainder is not a refund, and cannot be refunded.
        assert captured.amount_refunded == 0
        with pytest.raises(ValidationFailed):
            await gateway.refund(auth.ref, amount_minor=30_001, idempotency_key=refund_key(1))

    async def test_capture_retried_with_its_key_replays(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)
        first = await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=20_000)

        again = await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=20_000)

        assert again.status is IntentStatus.SUCCEEDED
        assert again.amount_captured == first.amount_captured == 20_000

    async def test_capture_key_reused_with_another_amount_is_refused(
        self, gateway: PaymentGateway
    ) -> None:
        auth = await authorize(gateway)
        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=20_000)

        with pytest.raises(IdempotencyKeyReused):
            await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=25_000)
        assert (await gateway.retrieve(auth.ref)).amount_captured == 20_000

    async def test_capturing_twice_with_a_new_key_is_refused(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)
        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

        with pytest.raises(InvalidTransition):
            await gateway.capture(auth.ref, idempotency_key="booking:BK-TEST01:capture:2")

    async def test_capture_above_the_authorized_amount_is_refused(
        self, gateway: PaymentGateway
    ) -> None:
        auth = await authorize(gateway)

        with pytest.raises(ValidationFailed):
            await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=50_001)
        assert (await gateway.retrieve(auth.ref)).status is IntentStatus.REQUIRES_CAPTURE

    async def test_a_declined_authorization_cannot_be_captured(
        self, gateway: PaymentGateway
    ) -> None:
        auth = await authorize(gateway, card="4000000000000002")

        with pytest.raises(InvalidTransition):
            await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

    # -- void ----------------------------------------------------------------------

    async def test_void_cancels_the_hold(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)

        voided = await gateway.void(auth.ref, idempotency_key=VOID_KEY)

        assert voided.status is IntentStatus.CANCELED
        assert voided.amount_captured == 0
        assert (await gateway.retrieve(auth.ref)).status is IntentStatus.CANCELED
        assert (await gateway.void(auth.ref, idempotency_key=VOID_KEY)).status is (
            IntentStatus.CANCELED
        )

    async def test_a_voided_intent_cannot_be_captured_or_refunded(
        self, gateway: PaymentGateway
    ) -> None:
        auth = await authorize(gateway)
        await gateway.void(auth.ref, idempotency_key=VOID_KEY)

        with pytest.raises(InvalidTransition):
            await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)
        with pytest.raises(InvalidTransition):
            await gateway.refund(auth.ref, amount_minor=100, idempotency_key=refund_key(1))

    async def test_a_captured_intent_cannot_be_voided(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)
        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

        with pytest.raises(InvalidTransition):
            await gateway.void(auth.ref, idempotency_key=VOID_KEY)
        assert (await gateway.retrieve(auth.ref)).status is IntentStatus.SUCCEEDED

    async def test_a_declined_intent_can_be_voided(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway, card="4000000000009995")
        assert (await gateway.void(auth.ref, idempotency_key=VOID_KEY)).status is (
            IntentStatus.CANCELED
        )

    # -- refund --------------------------------------------------------------------

    async def test_partial_then_full_refund(
        self, gateway: PaymentGateway, count_refunds: Counter
    ) -> None:
        auth = await authorize(gateway)
        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

        first = await gateway.refund(auth.ref, amount_minor=20_000, idempotency_key=refund_key(1))
        rest = await gateway.refund(auth.ref, amount_minor=30_000, idempotency_key=refund_key(2))

        assert first.intent_ref == rest.intent_ref == auth.ref
        assert (first.amount_minor, rest.amount_minor) == (20_000, 30_000)
        assert first.ref != rest.ref
        assert first.ref.startswith("re_")
        state = await gateway.retrieve(auth.ref)
        assert (state.amount_captured, state.amount_refunded) == (50_000, 50_000)
        assert await count_refunds() == 2

    async def test_refunds_never_exceed_what_was_captured(
        self, gateway: PaymentGateway, count_refunds: Counter
    ) -> None:
        auth = await authorize(gateway)
        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)
        await gateway.refund(auth.ref, amount_minor=45_000, idempotency_key=refund_key(1))

        with pytest.raises(ValidationFailed):
            await gateway.refund(auth.ref, amount_minor=5_001, idempotency_key=refund_key(2))
        await gateway.refund(auth.ref, amount_minor=5_000, idempotency_key=refund_key(3))
        with pytest.raises(ValidationFailed):
            await gateway.refund(auth.ref, amount_minor=1, idempotency_key=refund_key(4))

        assert (await gateway.retrieve(auth.ref)).amount_refunded == 50_000
        assert await count_refunds() == 2

    async def test_retried_refund_replays_without_a_second_refund(
        self, gateway: PaymentGateway, count_refunds: Counter
    ) -> None:
        auth = await authorize(gateway)
        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)
        first = await gateway.refund(auth.ref, amount_minor=10_000, idempotency_key=refund_key(1))

        again = await gateway.refund(auth.ref, amount_minor=10_000, idempotency_key=refund_key(1))

        assert again == first
        assert await count_refunds() == 1
        assert (await gateway.retrieve(auth.ref)).amount_refunded == 10_000
        with pytest.raises(IdempotencyKeyReused):
            await gateway.refund(auth.ref, amount_minor=10_001, idempotency_key=refund_key(1))

    async def test_an_uncaptured_intent_cannot_be_refunded(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)

        with pytest.raises(InvalidTransition):
            await gateway.refund(auth.ref, amount_minor=1_000, idempotency_key=refund_key(1))

    async def test_refund_amount_must_be_positive(self, gateway: PaymentGateway) -> None:
        auth = await authorize(gateway)
        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

        with pytest.raises(ValidationFailed):
            await gateway.refund(auth.ref, amount_minor=0, idempotency_key=refund_key(1))

    # -- reads ---------------------------------------------------------------------

    async def test_find_by_idempotency_key(self, gateway: PaymentGateway) -> None:
        assert await gateway.find_by_idempotency_key(AUTH_KEY) is None

        auth = await authorize(gateway)
        found = await gateway.find_by_idempotency_key(AUTH_KEY)
        assert found is not None
        assert (found.ref, found.status, found.amount_minor) == (
            auth.ref, IntentStatus.REQUIRES_CAPTURE, 50_000
        )

        await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY, amount_minor=40_000)
        found = await gateway.find_by_idempotency_key(AUTH_KEY)
        assert found is not None
        assert (found.status, found.amount_captured) == (IntentStatus.SUCCEEDED, 40_000)
        assert await gateway.find_by_idempotency_key("booking:other:authorize") is None

    async def test_unknown_refs_are_not_found(self, gateway: PaymentGateway) -> None:
        with pytest.raises(NotFound):
            await gateway.retrieve("pi_does_not_exist")
        with pytest.raises(NotFound):
            await gateway.capture("pi_does_not_exist", idempotency_key=CAPTURE_KEY)


# ---------------------------------------------------------------------------------------
# LocalGateway
# ---------------------------------------------------------------------------------------


@pytest.fixture
def gateway(database: Database, clock: FrozenClock) -> LocalGateway:
    return LocalGateway(database, clock)


async def _count(database: Database, model: type[Any]) -> int:
    async with database.uow(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def count_intents(database: Database) -> Counter:
    return lambda: _count(database, GatewayIntent)


@pytest.fixture
def count_refunds(database: Database) -> Counter:
    return lambda: _count(database, GatewayRefund)


class TestLocalGatewayContract(GatewayContract):
    pass


async def test_ids_and_name(gateway: LocalGateway) -> None:
    auth = await authorize(gateway)
    await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)
    refund = await gateway.refund(auth.ref, amount_minor=1, idempotency_key=refund_key(1))

    assert gateway.name == "local"
    assert auth.ref.startswith("pi_local_")
    assert refund.ref.startswith("re_local_")


async def test_card_numbers_are_not_stored_in_clear(
    gateway: LocalGateway, database: Database
) -> None:
    await authorize(gateway, card=VISA)

    async with database.uow(write=False) as session:
        intent = (await session.execute(select(GatewayIntent))).scalar_one()
        stored_method, stored_extra = intent.payment_method, repr(intent.extra)
    assert stored_method == "card_****4242"
    assert VISA not in stored_extra


async def test_unknown_card_numbers_succeed_locally(gateway: LocalGateway) -> None:
    auth = await authorize(gateway, card="4111111111111111")
    assert auth.status is IntentStatus.REQUIRES_CAPTURE


async def test_processing_error_records_nothing_so_a_retry_can_go_through(
    gateway: LocalGateway, count_intents: Counter
) -> None:
    with pytest.raises(PaymentError):
        await authorize(gateway, card="4000000000000119")
    assert await count_intents() == 0


async def test_the_intent_records_the_injected_clock(
    gateway: LocalGateway, clock: FrozenClock
) -> None:
    auth = await authorize(gateway)
    assert auth.raw["created"] == clock.now().isoformat()


@pytest.mark.race
async def test_concurrent_same_key_authorizes_make_exactly_one_intent(
    gateway: LocalGateway, count_intents: Counter
) -> None:
    results = await asyncio.gather(*(authorize(gateway) for _ in range(8)))

    assert len({r.ref for r in results}) == 1
    assert all(r.status is IntentStatus.REQUIRES_CAPTURE for r in results)
    assert await count_intents() == 1


@pytest.mark.race
async def test_a_lost_authorize_race_answers_with_the_winner(
    gateway: LocalGateway, count_intents: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests passed the "key unused?" check: the unique key still decides.

    SQLite: the pre-check is blinded for the second request, as when two transactions
    read before either commits. PostgreSQL has no pre-check (the INSERT goes first,
    issue 15): the unique key decides every second request, read once after it.
    """
    winner = await authorize(gateway)
    real_lookup = local_module._intent_by_key
    blinded = {"calls": 0}
    prechecked = gateway._db.is_sqlite

    async def blind_once(session: Any, key: str) -> GatewayIntent | None:
        blinded["calls"] += 1
        return None if blinded["calls"] == 1 and prechecked else await real_lookup(session, key)

    monkeypatch.setattr(local_module, "_intent_by_key", blind_once)

    loser = await authorize(gateway)

    # SQLite: the blinded check, then the re-read after the violation; PostgreSQL: the re-read
    assert blinded["calls"] == (2 if prechecked else 1)
    assert loser.ref == winner.ref
    assert await count_intents() == 1


@pytest.mark.race
async def test_a_lost_race_with_other_parameters_is_still_refused(
    gateway: LocalGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    await authorize(gateway)
    real_lookup = local_module._intent_by_key
    calls = {"n": 0}
    prechecked = gateway._db.is_sqlite  # PostgreSQL: no pre-check, the INSERT first

    async def blind_once(session: Any, key: str) -> GatewayIntent | None:
        calls["n"] += 1
        return None if calls["n"] == 1 and prechecked else await real_lookup(session, key)

    monkeypatch.setattr(local_module, "_intent_by_key", blind_once)

    with pytest.raises(IdempotencyKeyReused):
        await authorize(gateway, amount=1)


@pytest.mark.race
async def test_concurrent_refunds_never_exceed_the_capture(
    gateway: LocalGateway, count_refunds: Counter
) -> None:
    auth = await authorize(gateway, amount=10_000)
    await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

    async def attempt(n: int) -> int:
        try:
            await gateway.refund(auth.ref, amount_minor=3_000, idempotency_key=refund_key(n))
        except ValidationFailed:
            return 0
        return 3_000

    refunded = sum(await asyncio.gather(*(attempt(n) for n in range(6))))

    assert refunded == 9_000  # three fit in 100.00, the other three are refused
    assert (await gateway.retrieve(auth.ref)).amount_refunded == 9_000
    assert await count_refunds() == 3


@pytest.mark.race
async def test_concurrent_same_key_refunds_refund_once(
    gateway: LocalGateway, count_refunds: Counter
) -> None:
    auth = await authorize(gateway)
    await gateway.capture(auth.ref, idempotency_key=CAPTURE_KEY)

    refunds = await asyncio.gather(
        *(gateway.refund(auth.ref, amount_minor=1_000, idempotency_key=refund_key(1))
          for _ in range(5))
    )

    assert len({r.ref for r in refunds}) == 1
    assert await count_refunds() == 1
    assert (await gateway.retrieve(auth.ref)).amount_refunded == 1_000


async def test_a_key_used_for_capture_cannot_void(gateway: LocalGateway) -> None:
    auth = await authorize(gateway, key="booking:A:authorize")
    await gateway.capture(auth.ref, idempotency_key="shared-key", amount_minor=1_000)

    with pytest.raises(IdempotencyKeyReused):
        await gateway.void(auth.ref, idempotency_key="shared-key")
