"""Stripe webhooks: verify, store once, process later.

The endpoint only verifies the ``Stripe-Signature`` (``stripe.WebhookSignature.verify_header``
with ``CONCIERGE_STRIPE_WEBHOOK_SECRET``; 5-minute tolerance) and stores the event
under its unique Stripe id, so Stripe's retries and replays are no-ops and a bad or
stale signature stores nothing. The ``stripe_events`` job processes stored events
one transaction each:

- ``payment_intent.succeeded``: the payment is captured (if our saga has not
  recorded it yet); an amount or currency that differs from ours, or a payment
  intent we do not know, becomes a reconciliation exception.
- ``charge.refunded``: the refunded amount is recorded; more refunded than
  captured, or a refund of an unknown payment, is an exception.

An exception about money on no payment of ours goes to the organization the booking
in its metadata belongs to, else the one its Stripe customer or payment method
belongs to (``core.finance.attribution``), so that organization's finance sees it.
- ``charge.dispute.created``: a ``dispute`` exception, and finance is notified.
- ``issuing_authorization.created``: an authorization on one of our virtual cards is
  recorded (``core.finance.cards``); reconciliation matches it to the card's booking
  and flags it when no segment explains it. Cards not ours are ignored.

Other event types are stored and marked ``ignored``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import stripe
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.errors import CoreError, Unauthorized, ValidationFailed
from core.finance.attribution import org_paying_with
from core.finance.cards import record_card_authorization
from core.finance.exceptions import record_exception
from core.jsonbody import load_object
from core.models import (
    Booking,
    ExceptionKind,
    Payment,
    PaymentStatus,
    Role,
    StripeEvent,
    User,
    VirtualCard,
)
from core.models import StripeEventStatus as ES
from core.money import money_text
from core.payment.stripe_issuing import purchase_authorization

if TYPE_CHECKING:
    from core.runtime import Runtime

log = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300
MAX_PROCESS_ATTEMPTS = 5
HANDLED_TYPES = frozenset(
    {
        "payment_intent.succeeded",
        "charge.refunded",
        "charge.dispute.created",
        "issuing_authorization.created",
    }
)


class StripeSignatureInvalid(Unauthorized):
    code = "INVALID_SIGNATURE"
    title = "The webhook signature is missing, wrong or too old"


class WebhookNotConfigured(CoreError):
    code = "WEBHOOK_NOT_CONFIGURED"
    status = 503
    title = "This webhook is not configured"


def verify_stripe_event(
    payload: bytes, signature: str | None, secret: str | None
) -> dict[str, Any]:
    """The event as a dict, or a named error; nothing is stored on failure."""
    if not secret:
        raise WebhookNotConfigured(
            "Stripe webhooks are off: set CONCIERGE_STRIPE_WEBHOOK_SECRET to receive them"
        )
    if not signature:
        raise StripeSignatureInvalid("Missing Stripe-Signature header")
    try:
        # The signature only: the body is read below by our own parser, which answers
        # deep nesting or a JSON that is not an object with a 422, not a crash.
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as exc:
        raise StripeSignatureInvalid("The Stripe-Signature does not match or is too old") from exc
    except UnicodeDecodeError as exc:  # Stripe signs UTF-8 text; this was never theirs
        raise StripeSignatureInvalid("The Stripe-Signature does not match") from exc
    event = load_object(payload, what="The Stripe event")
    if (
        not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not event["id"]
    ):
        raise ValidationFailed("A Stripe event needs an id and a type")
    return event


async def store_stripe_event(
    session: AsyncSession, event: dict[str, Any], *, now: datetime
) -> bool:
    """Store a verified event. False when its id was already stored (a redelivery)."""
    existing = await session.scalar(
        select(StripeEvent.id).where(StripeEvent.event_id == event["id"])
    )
    if existing is not None:
        return False
    session.add(
        StripeEvent(
            event_id=str(event["id"])[:255],
            type=str(event["type"])[:100],
            livemode=bool(event.get("livemode", False)),
            payload=event,
            status=ES.RECEIVED,
            attempts=0,
            received_at=now,
        )
    )
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        return False  # a concurrent delivery of the same event won
    return True


# ------------------------------------------------------------------------ processing


def _object(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data") or {}
    obj = data.get("object") if isinstance(data, dict) else None
    return obj if isinstance(obj, dict) else {}


def _amount(minor: int, currency: str | None) -> str:
    """An amount Stripe reported, for the exception's detail (it may omit the currency)."""
    return money_text(minor, currency) if currency else f"{minor} (minor units, no currency)"


def _minor(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def _payment_by_intent(session: AsyncSession, intent_id: Any) -> Payment | None:
    if not isinstance(intent_id, str) or not intent_id:
        return None
    return cast(
        Payment | None,
        await session.scalar(select(Payment).where(Payment.provider_ref == intent_id)),
    )


def _stripe_id(value: Any) -> str | None:
    """An id field as Stripe sends it: the id itself, or the expanded object's ``id``."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


async def _org_of_unknown(
    session: AsyncSession, obj: dict[str, Any]
) -> tuple[str | None, str | None]:
    """(organization, booking) of a charge we have no payment for: the booking its
    metadata names, else the organization of its Stripe customer or payment method."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    booking_id = metadata.get("booking_id") if metadata else None
    if isinstance(booking_id, str) and booking_id:
        org_id = await session.scalar(select(Booking.org_id).where(Booking.id == booking_id))
        if org_id:
            return str(org_id), booking_id
    org = await org_paying_with(
        session,
        customer=_stripe_id(obj.get("customer")),
        payment_method=_stripe_id(obj.get("payment_method")),
    )
    return org, None


async def _flag_unknown(
    session: AsyncSession, row: StripeEvent, obj: dict[str, Any], **fields: Any
) -> None:
    """An exception for money on a payment we do not have, under the booking its metadata names."""
    org_id, booking_id = await _org_of_unknown(session, obj)
    row.org_id = org_id
    await record_exception(session, org_id=org_id, booking_id=booking_id, source="stripe", **fields)


async def _flag_payment(session: AsyncSession, payment: Payment, **fields: Any) -> None:
    """An exception about one of our payments, under its organization and booking."""
    await record_exception(
        session,
        org_id=payment.org_id,
        booking_id=payment.booking_id,
        source="stripe",
        reference=payment.provider_ref or "",
        **fields,
    )


async def _on_intent_succeeded(
    session: AsyncSession, row: StripeEvent, obj: dict[str, Any], now: datetime
) -> None:
    intent_id = obj.get("id")
    received = _minor(obj.get("amount_received")) or _minor(obj.get("amount")) or 0
    currency = str(obj.get("currency") or "").upper() or None
    payment = await _payment_by_intent(session, intent_id)
    if payment is None:
        await _flag_unknown(
            session,
            row,
            obj,
            kind=ExceptionKind.UNKNOWN_CHARGE,
            reference=str(intent_id),
            dedupe_key=f"stripe:unknown_intent:{intent_id}",
            actual_minor=received,
            currency=currency,
            now=now,
            detail=f"Stripe captured {_amount(received, currency)} on {intent_id}, which matches "
            "no payment of ours",
        )
        return
    row.org_id = payment.org_id
    await session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == PaymentStatus.AUTHORIZED)
        .values(status=PaymentStatus.CAPTURED, captured_minor=received, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if currency and currency != payment.currency:
        await _flag_payment(
            session,
            payment,
            kind=ExceptionKind.CURRENCY_MISMATCH,
            dedupe_key=f"stripe:currency:{intent_id}",
            expected_minor=payment.amount_minor,
            actual_minor=received,
            currency=currency,
            now=now,
            detail=f"Stripe captured in {currency}, the payment is in {payment.currency}",
        )
    elif received != payment.amount_minor:
        await _flag_payment(
            session,
            payment,
            kind=ExceptionKind.AMOUNT_MISMATCH,
            dedupe_key=f"stripe:amount:{intent_id}",
            expected_minor=payment.amount_minor,
            actual_minor=received,
            currency=payment.currency,
            now=now,
            detail=f"Stripe captured {money_text(received, payment.currency)}, we expected "
            f"{money_text(payment.amount_minor, payment.currency)}",
        )


async def _on_charge_refunded(
    session: AsyncSession, row: StripeEvent, obj: dict[str, Any], now: datetime
) -> None:
    intent_id = obj.get("payment_intent")
    refunded = _minor(obj.get("amount_refunded")) or 0
    currency = str(obj.get("currency") or "").upper() or None
    payment = await _payment_by_intent(session, intent_id)
    if payment is None:
        await _flag_unknown(
            session,
            row,
            obj,
            kind=ExceptionKind.REFUND_MISMATCH,
            reference=str(obj.get("id") or intent_id),
            dedupe_key=f"stripe:unknown_refund:{obj.get('id') or intent_id}",
            actual_minor=refunded,
            currency=currency,
            now=now,
            detail=f"Stripe refunded {_amount(refunded, currency)} on a charge we do not know",
        )
        return
    row.org_id = payment.org_id
    new_total = max(payment.refunded_minor, refunded)
    values: dict[str, Any] = {"refunded_minor": new_total, "updated_at": now}
    if payment.captured_minor and new_total >= payment.captured_minor:
        values["status"] = PaymentStatus.REFUNDED
    await session.execute(
        update(Payment)
        .where(Payment.id == payment.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if refunded > payment.captured_minor:
        await _flag_payment(
            session,
            payment,
            kind=ExceptionKind.REFUND_MISMATCH,
            dedupe_key=f"stripe:over_refund:{intent_id}",
            expected_minor=payment.captured_minor,
            actual_minor=refunded,
            currency=payment.currency,
            now=now,
            detail=f"Stripe refunded {money_text(refunded, payment.currency)}, more than the "
            f"{money_text(payment.captured_minor, payment.currency)} captured",
        )


async def _on_dispute(
    session: AsyncSession, row: StripeEvent, obj: dict[str, Any], now: datetime
) -> None:
    dispute_id = str(obj.get("id") or row.event_id)
    amount = _minor(obj.get("amount"))
    currency = str(obj.get("currency") or "").upper() or None
    payment = await _payment_by_intent(session, obj.get("payment_intent"))
    org_id = payment.org_id if payment else None
    booking_id = payment.booking_id if payment else None
    row.org_id = org_id
    reason = str(obj.get("reason") or "unspecified")
    await record_exception(
        session,
        org_id=org_id,
        booking_id=booking_id,
        kind=ExceptionKind.DISPUTE,
        source="stripe",
        reference=dispute_id,
        dedupe_key=f"stripe:dispute:{dispute_id}",
        expected_minor=payment.captured_minor if payment else None,
        actual_minor=amount,
        currency=currency,
        now=now,
        detail=f"Cardholder dispute ({reason})",
    )
    if org_id is None:
        return
    finance = (
        await session.scalars(
            select(User.id)
            .where(User.org_id == org_id, User.role.in_([Role.FINANCE, Role.ADMIN]))
            .order_by(User.id)
        )
    ).all()
    outbox.emit(
        session,
        org_id=org_id,
        topic="payment.disputed",
        key=f"stripe:dispute:{dispute_id}",
        payload={
            "booking_id": booking_id,
            "dispute_id": dispute_id,
            "notify": list(finance),
            "message": f"The card payment for booking {booking_id} was disputed ({reason}); "
            "see the finance exceptions.",
        },
        at=now,
    )


async def _on_card_authorization(
    session: AsyncSession, row: StripeEvent, obj: dict[str, Any], now: datetime
) -> None:
    card_ref = _stripe_id(obj.get("card"))
    if card_ref is None or not isinstance(obj.get("id"), str):
        return
    card = await session.scalar(select(VirtualCard).where(VirtualCard.provider_ref == card_ref))
    if card is None:
        return  # not a card of ours
    row.org_id = card.org_id
    await record_card_authorization(
        session, card_id=card.id, org_id=card.org_id, booking_id=card.booking_id,
        auth=purchase_authorization(obj), now=now,
    )


_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute,
    "issuing_authorization.created": _on_card_authorization,
}


async def _process_one(rt: Runtime, event_id: int, *, guarded: bool = True) -> bool:
    """Claim and apply one stored event in one transaction. False if someone else did.

    ``guarded=False`` drops the claim's condition (the race tests' unprotected side).
    """
    now = rt.clock.now()
    async with rt.db.uow() as session:
        row = await session.get(StripeEvent, event_id)
        if row is None or (guarded and row.status != ES.RECEIVED):
            return False
        final = ES.PROCESSED if row.type in _HANDLERS else ES.IGNORED
        condition = [StripeEvent.id == event_id]
        if guarded:
            condition.append(StripeEvent.status == ES.RECEIVED)
        claimed = await session.execute(
            update(StripeEvent)
            .where(*condition)
            .values(status=final, processed_at=now, attempts=StripeEvent.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], claimed).rowcount != 1:
            return False
        handler = _HANDLERS.get(row.type)
        if handler is not None:
            await handler(session, row, _object(row.payload), now)
    return True


async def process_stripe_events(rt: Runtime, *, limit: int = 100, guarded: bool = True) -> int:
    """The ``stripe_events`` job: apply stored events, oldest first. Returns how many."""
    async with rt.db.uow(write=False) as session:
        ids = list(
            (
                await session.scalars(
                    select(StripeEvent.id)
                    .where(StripeEvent.status == ES.RECEIVED)
                    .order_by(StripeEvent.id)
                    .limit(limit)
                )
            ).all()
        )
    done = 0
    for event_id in ids:
        try:
            done += int(await _process_one(rt, event_id, guarded=guarded))
        except Exception as exc:
            log.exception("stripe event %s could not be processed", event_id)
            await _count_failure(rt, event_id, exc)
    return done


async def _count_failure(rt: Runtime, event_id: int, exc: Exception) -> None:
    async with rt.db.uow() as session:
        row = await session.get(StripeEvent, event_id)
        if row is None or row.status != ES.RECEIVED:
            return
        row.attempts += 1
        row.last_error = repr(exc)[:500]
        if row.attempts >= MAX_PROCESS_ATTEMPTS:
            row.status = ES.FAILED
            row.processed_at = rt.clock.now()
