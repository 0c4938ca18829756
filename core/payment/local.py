"""LocalGateway: Stripe PaymentIntent semantics (manual capture) kept in our database.

It is the embedded default and stands in for a *remote* service: every call opens
its own transaction with ``db.uow()`` and commits it, exactly as if the answer came
from Stripe. Callers must therefore never call it inside one of their own
transactions (the saga calls it between its own units of work).

State lives in ``local_gateway_intents`` (one row per authorize idempotency key;
the unique constraint settles a race between two identical authorizes) and
``local_gateway_refunds`` (one row per refund idempotency key). The row's JSON
``metadata`` column holds::

    {"metadata": {...caller metadata...},
     "fingerprint": "<digest of the authorize request>",
     "ops": {"capture": {"key": ..., "fingerprint": ...}, "void": {...}}}

so that a capture or void retried with the same key replays, while the same key
with different parameters is refused like Stripe's ``idempotency_error``.

Amount changes are made under a row lock (``FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` already serializes writers), so two concurrent
refunds can never together exceed the captured amount.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Table, bindparam, cast, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from core.clock import Clock
from core.db import Database
from core.errors import (
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    PaymentError,
    ValidationFailed,
)
from core.ids import new_id
from core.models import GatewayIntent, GatewayRefund
from core.money import format_money
from core.payment.gateway import Authorization, IntentStatus, Refund
from core.payment.service import (
    check_amount,
    check_idempotency_key,
    check_payment_method,
    normalize_currency,
    request_fingerprint,
)
from core.payment.testcards import CardOutcomeKind, normalize_card_number, outcome_for

INTENT_PREFIX = "pi_local"
REFUND_PREFIX = "re_local"

# Which states each change may start from (Stripe: capture needs requires_capture;
# cancel works on an uncaptured intent, including one whose card was declined).
_CAPTURABLE = frozenset({IntentStatus.REQUIRES_CAPTURE})
_VOIDABLE = frozenset({IntentStatus.REQUIRES_CAPTURE, IntentStatus.DECLINED})


class LocalGateway:
    """The embedded payment gateway. See the module docstring for its guarantees."""

    name = "local"

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- authorize -----------------------------------------------------------------

    async def authorize(
        self,
        *,
        amount_minor: int,
        currency: str,
        payment_method: str,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> Authorization:
        """Place a hold (manual capture). A decline is returned, not raised.

        A processing error (test card ``4000000000000119``) raises
        :class:`PaymentError` and records nothing, so the caller may retry.
        """
        check_idempotency_key(idempotency_key)
        amount_minor = check_amount(amount_minor)
        currency = normalize_currency(currency)
        payment_method = normalize_card_number(check_payment_method(payment_method))
        user_metadata = {str(k): str(v) for k, v in (metadata or {}).items()}
        fingerprint = request_fingerprint(
            {
                "amount": amount_minor,
                "currency": currency,
                "payment_method": payment_method,
                "metadata": user_metadata,
            }
        )
        if not self._db.is_sqlite and (
            outcome_for(payment_method).kind is not CardOutcomeKind.PROCESSING_ERROR
        ):
            # PostgreSQL: the INSERT first, alone and autocommitted (issue 15: 1 round
            # trip, where the read, the INSERT, BEGIN and COMMIT were 4); a key used
            # already fails it on its unique constraint, and is answered as below.
            try:
                async with self._db.single() as session:
                    intent = self._new_intent(
                        idempotency_key, amount_minor, currency, payment_method,
                        user_metadata, fingerprint,
                    )
                    session.add(intent)
                    await session.flush()
                    return _authorization(intent)
            except IntegrityError as exc:
                return await self._authorized_already(idempotency_key, fingerprint, exc)
        try:
            async with self._db.uow() as session:
                existing = await _intent_by_key(session, idempotency_key)
                if existing is not None:
                    return _replay_authorize(existing, fingerprint)
                outcome = outcome_for(payment_method)
                if outcome.kind is CardOutcomeKind.PROCESSING_ERROR:
                    raise PaymentError(
                        outcome.message or "the card could not be processed, try again",
                        decline_code=outcome.reason,
                    )
                intent = self._new_intent(
                    idempotency_key, amount_minor, currency, payment_method, user_metadata,
                    fingerprint,
                )
                session.add(intent)
                await session.flush()
                return _authorization(intent)
        except IntegrityError as exc:
            return await self._authorized_already(idempotency_key, fingerprint, exc)

    def _new_intent(
        self,
        idempotency_key: str,
        amount_minor: int,
        currency: str,
        payment_method: str,
        user_metadata: dict[str, str],
        fingerprint: str,
    ) -> GatewayIntent:
        """A new intent for a card that is not a processing error: authorized or declined."""
        outcome = outcome_for(payment_method)
        declined = outcome.kind is CardOutcomeKind.DECLINED
        return GatewayIntent(
            id=new_id(INTENT_PREFIX, 16),
            idempotency_key=idempotency_key,
            amount_minor=amount_minor,
            currency=currency,
            status=(IntentStatus.DECLINED if declined else IntentStatus.REQUIRES_CAPTURE).value,
            amount_captured=0,
            amount_refunded=0,
            payment_method=_display_payment_method(payment_method),
            decline_code=outcome.reason if declined else None,
            extra={"metadata": user_metadata, "fingerprint": fingerprint, "ops": {}},
            created_at=self._clock.now(),
        )

    async def _authorized_already(
        self, idempotency_key: str, fingerprint: str, error: IntegrityError
    ) -> Authorization:
        """The key's INSERT failed on its unique constraint: an authorize with the same key
        committed first. Answered with its result, as Stripe answers a retried request
        with the first response (inside the block: a read-only unit of work expires its
        objects)."""
        async with self._db.uow(write=False) as session:
            winner = await _intent_by_key(session, idempotency_key)
            if winner is None:  # pragma: no cover - the violation was not the key
                raise error
            return _replay_authorize(winner, fingerprint)

    # -- capture / void --------------------------------------------------------------

    async def capture(
        self, ref: str, *, idempotency_key: str, amount_minor: int | None = None
    ) -> Authorization:
        """Capture all (default) or part of the hold; the rest is released."""
        check_idempotency_key(idempotency_key)
        if amount_minor is not None:
            check_amount(amount_minor, what="capture amount")
        fingerprint = request_fingerprint({"ref": ref, "amount_to_capture": amount_minor})
        if not self._db.is_sqlite and amount_minor is None:
            # PostgreSQL, a whole capture: one autocommitted UPDATE when the intent is
            # authorized and no change was made to it yet (issue 15: 1 round trip, where
            # BEGIN, the locked read, the UPDATE and COMMIT were 4); anything else (a
            # replay, a key used before, an intent in another state) is answered below.
            async with self._db.single() as session:
                row = (
                    await session.execute(
                        _WHOLE_CAPTURE,
                        {"ref": ref, "key": idempotency_key, "fingerprint": fingerprint},
                    )
                ).first()
            if row is not None:
                mapping = dict(row._mapping)
                mapping["extra"] = mapping.pop("metadata")
                return _authorization(GatewayIntent(**mapping))
        async with self._db.uow() as session:
            intent = await _locked_intent(session, ref)
            if _replayed_op(intent, "capture", idempotency_key, fingerprint):
                return _authorization(intent)
            status = IntentStatus(intent.status)
            if status not in _CAPTURABLE:
                raise InvalidTransition(
                    f"payment {ref} is {status.value}; only an authorized payment "
                    "(requires_capture) can be captured",
                    payment_ref=ref,
                    payment_status=status.value,
                )
            amount = intent.amount_minor if amount_minor is None else amount_minor
            if amount > intent.amount_minor:
                raise ValidationFailed(
                    f"cannot capture {format_money(amount, intent.currency)}: only "
                    f"{format_money(intent.amount_minor, intent.currency)} was authorized",
                    payment_ref=ref,
                )
            intent.status = IntentStatus.SUCCEEDED.value
            intent.amount_captured = amount
            _record_op(intent, "capture", idempotency_key, fingerprint)
            await session.flush()
            return _authorization(intent)

    async def void(self, ref: str, *, idempotency_key: str) -> Authorization:
        """Cancel an uncaptured intent, releasing the hold on the card."""
        check_idempotency_key(idempotency_key)
        fingerprint = request_fingerprint({"ref": ref})
        async with self._db.uow() as session:
            intent = await _locked_intent(session, ref)
            if _replayed_op(intent, "void", idempotency_key, fingerprint):
                return _authorization(intent)
            status = IntentStatus(intent.status)
            if status not in _VOIDABLE:
                raise InvalidTransition(
                    f"payment {ref} is {status.value}; only an uncaptured payment can be "
                    "voided (refund a captured one instead)",
                    payment_ref=ref,
                    payment_status=status.value,
                )
            intent.status = IntentStatus.CANCELED.value
            _record_op(intent, "void", idempotency_key, fingerprint)
            await session.flush()
            return _authorization(intent)

    # -- refund ---------------------------------------------------------------------

    async def refund(self, ref: str, *, amount_minor: int, idempotency_key: str) -> Refund:
        """Refund part or all of the captured amount (never more than is left)."""
        check_idempotency_key(idempotency_key)
        check_amount(amount_minor, what="refund amount")
        try:
            async with self._db.uow() as session:
                # Lock the intent first: a concurrent refund with the same key waits
                # here and then finds the first one's row below.
                intent = await _locked_intent(session, ref)
                existing = await _refund_by_key(session, idempotency_key)
                if existing is not None:
                    return _replay_refund(existing, ref, amount_minor)
                status = IntentStatus(intent.status)
                if status is not IntentStatus.SUCCEEDED:
                    raise InvalidTransition(
                        f"payment {ref} is {status.value}; only a captured payment can be "
                        "refunded (void an authorized one instead)",
                        payment_ref=ref,
                        payment_status=status.value,
                    )
                refundable = intent.amount_captured - intent.amount_refunded
                if amount_minor > refundable:
                    raise ValidationFailed(
                        f"cannot refund {format_money(amount_minor, intent.currency)}: only "
                        f"{format_money(refundable, intent.currency)} of the "
                        f"{format_money(intent.amount_captured, intent.currency)} captured "
                        "is left to refund",
                        payment_ref=ref,
                        refundable_minor=refundable,
                    )
                row = GatewayRefund(
                    id=new_id(REFUND_PREFIX, 16),
                    intent_id=intent.id,
                    idempotency_key=idempotency_key,
                    amount_minor=amount_minor,
                    created_at=self._clock.now(),
                )
                session.add(row)
                intent.amount_refunded += amount_minor
                await session.flush()
                return Refund(ref=row.id, intent_ref=intent.id, amount_minor=row.amount_minor)
        except IntegrityError:
            # The same refund key raced in on another intent's lock; the winner stands.
            async with self._db.uow(write=False) as session:
                winner = await _refund_by_key(session, idempotency_key)
                if winner is None:  # pragma: no cover
                    raise
                return _replay_refund(winner, ref, amount_minor)

    # -- reads ----------------------------------------------------------------------

    async def retrieve(self, ref: str) -> Authorization:
        async with self._db.uow(write=False) as session:
            intent = await session.get(GatewayIntent, ref)
            if intent is None:
                raise NotFound(f"no payment {ref}")
            return _authorization(intent)

    async def find_by_idempotency_key(self, idempotency_key: str) -> Authorization | None:
        async with self._db.uow(write=False) as session:
            intent = await _intent_by_key(session, idempotency_key)
            return None if intent is None else _authorization(intent)


# -- helpers ------------------------------------------------------------------------


async def _intent_by_key(session: AsyncSession, key: str) -> GatewayIntent | None:
    result = await session.execute(select(GatewayIntent).where(GatewayIntent.idempotency_key == key))
    return result.scalar_one_or_none()


async def _refund_by_key(session: AsyncSession, key: str) -> GatewayRefund | None:
    result = await session.execute(select(GatewayRefund).where(GatewayRefund.idempotency_key == key))
    return result.scalar_one_or_none()


async def _locked_intent(session: AsyncSession, ref: str) -> GatewayIntent:
    result = await session.execute(
        select(GatewayIntent).where(GatewayIntent.id == ref).with_for_update()
    )
    intent = result.scalar_one_or_none()
    if intent is None:
        raise NotFound(f"no payment {ref}")
    return intent


def _replay_authorize(intent: GatewayIntent, fingerprint: str) -> Authorization:
    if intent.extra.get("fingerprint") != fingerprint:
        raise IdempotencyKeyReused(
            f"idempotency key {intent.idempotency_key!r} was already used to authorize "
            "with different parameters",
            payment_ref=intent.id,
        )
    return _authorization(intent)


def _replay_refund(row: GatewayRefund, ref: str, amount_minor: int) -> Refund:
    if row.intent_id != ref or row.amount_minor != amount_minor:
        raise IdempotencyKeyReused(
            f"idempotency key {row.idempotency_key!r} was already used for a different refund"
        )
    return Refund(ref=row.id, intent_ref=row.intent_id, amount_minor=row.amount_minor)


def _whole_capture() -> ReturningUpdate[Any]:
    """The capture of all of an authorized intent that has no change recorded yet, as one
    PostgreSQL statement: what :meth:`LocalGateway.capture` writes under its row lock
    (``succeeded``, the whole amount captured, the op with its key and fingerprint), the
    conditions it checks in the WHERE clause; bound with ``ref``, ``key`` and
    ``fingerprint``. No row: not that case (read and answered under the lock). The key is
    no authorize key: its intent is this one, or another intent's, which the unique
    constraint cannot tell here; so a key any intent was authorized with is left to the
    locked path. Built once (building it cost about what the round trips it saves did)."""
    intents = GatewayIntent.__table__
    assert isinstance(intents, Table)
    key = bindparam("key", type_=String)
    stored = cast(intents.c.metadata, JSONB)
    no_ops: Any = literal_column("'{}'::jsonb")
    ops = func.jsonb_build_object(
        "capture",
        func.jsonb_build_object("key", key, "fingerprint", bindparam("fingerprint", type_=String)),
    )
    return (
        update(intents)
        .where(
            intents.c.id == bindparam("ref", type_=String),
            intents.c.status == IntentStatus.REQUIRES_CAPTURE.value,
            func.coalesce(stored.op("->")("ops"), no_ops) == no_ops,
            ~select(intents.c.id).where(intents.c.idempotency_key == key).correlate(None).exists(),
        )
        .values(
            status=IntentStatus.SUCCEEDED.value,
            amount_captured=intents.c.amount_minor,
            metadata=cast(
                func.jsonb_set(stored, literal_column("'{ops}'::text[]"), ops), JSON
            ),
        )
        .returning(*intents.c)
    )


_WHOLE_CAPTURE = _whole_capture()


def _replayed_op(intent: GatewayIntent, op: str, key: str, fingerprint: str) -> bool:
    """True when ``key`` already performed ``op`` with these parameters on this intent.

    Raises :class:`IdempotencyKeyReused` when the key was used for another change
    (or the same change with other parameters), like Stripe's ``idempotency_error``.
    """
    if key == intent.idempotency_key:
        raise IdempotencyKeyReused(f"idempotency key {key!r} was already used to authorize")
    ops: dict[str, Any] = intent.extra.get("ops", {})
    for name, done in ops.items():
        if done.get("key") != key:
            continue
        if name != op or done.get("fingerprint") != fingerprint:
            raise IdempotencyKeyReused(
                f"idempotency key {key!r} was already used for a different request",
                payment_ref=intent.id,
            )
        return True
    return False


def _record_op(intent: GatewayIntent, op: str, key: str, fingerprint: str) -> None:
    # A new dict, not an in-place edit: a plain JSON column only notices reassignment.
    ops = dict(intent.extra.get("ops", {}))
    ops[op] = {"key": key, "fingerprint": fingerprint}
    intent.extra = {**intent.extra, "ops": ops}


def _display_payment_method(payment_method: str) -> str:
    """Keep PaymentMethod ids; store card numbers only by their last four digits."""
    if payment_method.isdigit():
        return f"card_****{payment_method[-4:]}"
    return payment_method


def _authorization(intent: GatewayIntent) -> Authorization:
    status = IntentStatus(intent.status)
    return Authorization(
        ref=intent.id,
        status=status,
        amount_minor=intent.amount_minor,
        currency=intent.currency,
        amount_captured=intent.amount_captured,
        amount_refunded=intent.amount_refunded,
        decline_code=intent.decline_code,
        raw={
            "id": intent.id,
            "object": "payment_intent",
            "gateway": LocalGateway.name,
            "status": status.value,
            "amount": intent.amount_minor,
            "currency": intent.currency,
            "amount_captured": intent.amount_captured,
            "amount_refunded": intent.amount_refunded,
            "payment_method": intent.payment_method,
            "decline_code": intent.decline_code,
            "metadata": dict(intent.extra.get("metadata", {})),
            "idempotency_key": intent.idempotency_key,
            "created": intent.created_at.isoformat(),
        },
    )
