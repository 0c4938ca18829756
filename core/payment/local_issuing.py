"""LocalIssuing: Stripe Issuing semantics (cardholders, virtual cards, spending controls,
authorizations) kept in our database.

It is the embedded default and, like :class:`core.payment.local.LocalGateway`, stands
in for a *remote* service: every call opens and commits its own transaction, so
callers never call it inside one of theirs. Its memory is the ``local_issuing_*``
tables; a create with an idempotency key it has seen answers the first result (the
same key with other parameters is refused like Stripe's ``idempotency_error``), and
the unique key settles two identical requests racing.

Spending controls are enforced as Stripe enforces them: an authorization is approved
only while the card is active, the merchant's category is allowed and the approved
authorizations so far plus this one stay within the all-time limit. That check and
the insert run under a lock on the card row (``FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already serializes writers), so two merchants charging at once
can never together pass the limit.

Card numbers: a local card has none, only four random last digits.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.db import Database
from core.errors import IdempotencyKeyReused, NotFound, ValidationFailed
from core.ids import new_id
from core.models import IssuerAuthorization, IssuerCard, IssuerCardholder
from core.payment.issuing import (
    CARD_CANCELED,
    CARD_INACTIVE,
    SPENDING_CONTROLS,
    BillingAddress,
    Cardholder,
    IssuedCard,
    PurchaseAuthorization,
    check_categories,
)
from core.payment.service import (
    check_amount,
    check_idempotency_key,
    normalize_currency,
    request_fingerprint,
)

CARDHOLDER_PREFIX = "ich_local"
CARD_PREFIX = "ic_local"
AUTHORIZATION_PREFIX = "iauth_local"

Row = TypeVar("Row", IssuerCardholder, IssuerCard, IssuerAuthorization)
Created = TypeVar("Created", IssuerCardholder, IssuerCard)


class LocalIssuing:
    """The embedded card issuer. See the module docstring for its guarantees."""

    name = "local"

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- cardholders and cards --------------------------------------------------------

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
        meta = _metadata(metadata)
        fingerprint = request_fingerprint(
            {"name": name, "billing": billing.__dict__, "metadata": meta}
        )

        def build() -> IssuerCardholder:
            return IssuerCardholder(
                id=new_id(CARDHOLDER_PREFIX, 16),
                idempotency_key=idempotency_key,
                name=name,
                extra={"metadata": meta, "fingerprint": fingerprint},
                created_at=self._clock.now(),
            )

        row = await self._create_once(IssuerCardholder, idempotency_key, fingerprint, build)
        return Cardholder(ref=row.id, name=row.name)

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
        currency = normalize_currency(currency)
        limit = check_amount(spending_limit_minor, what="spending limit")
        categories = check_categories(allowed_categories)
        meta = _metadata(metadata)
        fingerprint = request_fingerprint(
            {
                "cardholder": cardholder_ref,
                "currency": currency,
                "limit": limit,
                "categories": list(categories),
                "metadata": meta,
            }
        )
        async with self._db.uow(write=False) as session:
            if await session.get(IssuerCardholder, cardholder_ref) is None:
                raise NotFound(f"no cardholder {cardholder_ref}")

        def build() -> IssuerCard:
            return IssuerCard(
                id=new_id(CARD_PREFIX, 16),
                idempotency_key=idempotency_key,
                cardholder_id=cardholder_ref,
                currency=currency,
                status="active",
                last4=f"{secrets.randbelow(10_000):04d}",
                spending_limit_minor=limit,
                allowed_categories=list(categories),
                extra={"metadata": meta, "fingerprint": fingerprint, "ops": {}},
                created_at=self._clock.now(),
            )

        return _card(await self._create_once(IssuerCard, idempotency_key, fingerprint, build))

    async def close_card(self, card_ref: str, *, idempotency_key: str) -> IssuedCard:
        check_idempotency_key(idempotency_key)
        async with self._db.uow() as session:
            card = await _locked_card(session, card_ref)
            # Closing is final and closing again changes nothing, so any key may repeat it.
            if card.status != "canceled":
                card.status = "canceled"
                card.extra = {**card.extra, "ops": {"close": {"key": idempotency_key}}}
                await session.flush()
            return _card(card)

    async def retrieve_card(self, card_ref: str) -> IssuedCard:
        async with self._db.uow(write=False) as session:
            card = await session.get(IssuerCard, card_ref)
            if card is None:
                raise NotFound(f"no card {card_ref}")
            return _card(card)

    # -- the network's side --------------------------------------------------------------

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
        amount = check_amount(amount_minor)
        currency = normalize_currency(currency)
        fingerprint = request_fingerprint(
            {
                "card": card_ref,
                "amount": amount,
                "currency": currency,
                "category": merchant_category,
                "merchant": merchant_name,
            }
        )
        try:
            async with self._db.uow() as session:
                card = await _locked_card(session, card_ref)
                existing = await _by_key(session, IssuerAuthorization, idempotency_key)
                if existing is not None:
                    return _replay_authorization(existing, fingerprint)
                if currency != card.currency:
                    raise ValidationFailed(
                        f"the card is in {card.currency}; this simulation does not convert "
                        f"{currency}"
                    )
                decline = await _decline_reason(session, card, amount, merchant_category)
                row = IssuerAuthorization(
                    id=new_id(AUTHORIZATION_PREFIX, 16),
                    card_id=card.id,
                    idempotency_key=idempotency_key,
                    amount_minor=amount,
                    currency=currency,
                    approved=decline is None,
                    decline_reason=decline,
                    merchant_category=merchant_category,
                    merchant_name=merchant_name[:100],
                    fingerprint=fingerprint,
                    created_at=self._clock.now(),
                )
                session.add(row)
                await session.flush()
                return _authorization(row)
        except IntegrityError:
            async with self._db.uow(write=False) as session:
                winner = await _by_key(session, IssuerAuthorization, idempotency_key)
                if winner is None:  # pragma: no cover - the violation was not the key
                    raise
                return _replay_authorization(winner, fingerprint)

    async def list_authorizations(self, card_ref: str) -> list[PurchaseAuthorization]:
        async with self._db.uow(write=False) as session:
            rows = await authorizations_on(session, card_ref)
            return [_authorization(row) for row in rows]

    # -- internals ---------------------------------------------------------------------

    async def _create_once(
        self, model: type[Created], key: str, fingerprint: str, build: Callable[[], Created]
    ) -> Created:
        try:
            async with self._db.uow() as session:
                existing = await _by_key(session, model, key)
                if existing is not None:
                    return _replayed(existing, key, fingerprint)
                row = build()
                session.add(row)
                await session.flush()
                return row
        except IntegrityError:
            # The same key committed first in a concurrent request: its answer stands.
            async with self._db.uow(write=False) as session:
                winner = await _by_key(session, model, key)
                if winner is None:  # pragma: no cover - the violation was not the key
                    raise
                return _replayed(winner, key, fingerprint)


async def authorizations_on(session: AsyncSession, card_ref: str) -> list[IssuerAuthorization]:
    """The local issuer's record of a card's authorizations, oldest first (reconciliation
    reads it as it reads the local gateway's intents)."""
    return list(
        (
            await session.scalars(
                select(IssuerAuthorization)
                .where(IssuerAuthorization.card_id == card_ref)
                .order_by(IssuerAuthorization.seq)
            )
        ).all()
    )


async def _decline_reason(
    session: AsyncSession, card: IssuerCard, amount: int, category: str
) -> str | None:
    if card.status == "canceled":
        return CARD_CANCELED
    if card.status != "active":
        return CARD_INACTIVE
    if category not in card.allowed_categories:
        return SPENDING_CONTROLS
    spent = await session.scalar(
        select(func.coalesce(func.sum(IssuerAuthorization.amount_minor), 0)).where(
            IssuerAuthorization.card_id == card.id, IssuerAuthorization.approved.is_(True)
        )
    )
    if int(spent or 0) + amount > card.spending_limit_minor:
        return SPENDING_CONTROLS
    return None


async def _by_key(session: AsyncSession, model: type[Row], key: str) -> Row | None:
    result = await session.execute(select(model).where(model.idempotency_key == key))
    return result.scalar_one_or_none()


async def _locked_card(session: AsyncSession, ref: str) -> IssuerCard:
    card = (
        await session.execute(select(IssuerCard).where(IssuerCard.id == ref).with_for_update())
    ).scalar_one_or_none()
    if card is None:
        raise NotFound(f"no card {ref}")
    return card


def _replayed(row: Created, key: str, fingerprint: str) -> Created:
    if row.extra.get("fingerprint") != fingerprint:
        raise IdempotencyKeyReused(
            f"idempotency key {key!r} was already used for a different request"
        )
    return row


def _replay_authorization(row: IssuerAuthorization, fingerprint: str) -> PurchaseAuthorization:
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"idempotency key {row.idempotency_key!r} was already used for a different request"
        )
    return _authorization(row)


def _metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (metadata or {}).items()}


def _card(row: IssuerCard) -> IssuedCard:
    return IssuedCard(
        ref=row.id,
        cardholder_ref=row.cardholder_id,
        last4=row.last4,
        currency=row.currency,
        status=row.status,
        spending_limit_minor=row.spending_limit_minor,
        allowed_categories=tuple(row.allowed_categories),
        metadata=dict(row.extra.get("metadata", {})),
    )


def _authorization(row: IssuerAuthorization) -> PurchaseAuthorization:
    raw: dict[str, Any] = {"created": row.created_at.isoformat()}
    return PurchaseAuthorization(
        ref=row.id,
        card_ref=row.card_id,
        amount_minor=row.amount_minor,
        currency=row.currency,
        approved=row.approved,
        decline_reason=row.decline_reason,
        merchant_category=row.merchant_category,
        merchant_name=row.merchant_name,
        raw=raw,
    )
