"""Reconciling virtual-card payments: the authorizations on a booking's cards against
the booking.

Every authorization on one of our cards is a :class:`~core.models.CardAuthorization`:
recorded with its segment when a supplier's charge paid for it (the booking flows), or
without one when the issuer told us of it — a Stripe ``issuing_authorization.created``
webhook, or for the local issuer :func:`sync_local_authorizations`, which reads its
records as reconciliation reads the local gateway's intents.

A booking paid by card reconciles when each segment to invoice has approved
authorizations on the booking's cards adding up to its price in its currency
(:func:`card_problems`); an approved authorization no segment explains — a merchant
charging the card twice, or someone else charging it — is an ``unknown_charge`` under
the card's organization and booking (:func:`flag_unmatched_card_authorizations`), and
holds the booking's invoicing back until finance settles it. Declined authorizations
moved no money and are left alone.

Exceptions name a card by our id and its last four digits only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import insert_ignoring_duplicates
from core.finance.exceptions import not_flagged, record_exception
from core.models import (
    Booking,
    CardAuthorization,
    ExceptionKind,
    IssuerAuthorization,
    Segment,
    VirtualCard,
)
from core.money import money_text
from core.payment.issuing import PurchaseAuthorization

BATCH = 200


async def record_card_authorization(
    session: AsyncSession,
    *,
    card_id: str,
    org_id: str,
    booking_id: str,
    auth: PurchaseAuthorization,
    now: datetime,
    segment_id: str | None = None,
) -> None:
    """Keep an authorization on one of our cards, once (its issuer id is unique). Given
    ``segment_id``, one recorded earlier without a segment gets it."""
    await session.execute(
        insert_ignoring_duplicates(session, CardAuthorization).values(
            org_id=org_id,
            card_id=card_id,
            booking_id=booking_id,
            segment_id=segment_id,
            provider_ref=auth.ref,
            amount_minor=auth.amount_minor,
            currency=auth.currency,
            approved=auth.approved,
            decline_reason=auth.decline_reason,
            merchant_category=auth.merchant_category or None,
            merchant_name=auth.merchant_name[:100] or None,
            created_at=now,
        )
    )
    if segment_id is not None:
        await session.execute(
            update(CardAuthorization)
            .where(
                CardAuthorization.provider_ref == auth.ref, CardAuthorization.segment_id.is_(None)
            )
            .values(segment_id=segment_id)
            .execution_options(synchronize_session=False)
        )


async def sync_local_authorizations(
    session: AsyncSession, *, now: datetime, limit: int = BATCH
) -> int:
    """Record the local issuer's authorizations on our cards that we have not (charges
    nobody told us of): the local issuer's stand-in for Stripe's webhook."""
    rows = (
        await session.execute(
            select(IssuerAuthorization, VirtualCard)
            .join(VirtualCard, VirtualCard.provider_ref == IssuerAuthorization.card_id)
            .where(
                VirtualCard.issuer == "local",
                ~exists().where(CardAuthorization.provider_ref == IssuerAuthorization.id),
            )
            .order_by(IssuerAuthorization.seq)
            .limit(limit)
        )
    ).all()
    for issued, card in rows:
        await record_card_authorization(
            session,
            card_id=card.id,
            org_id=card.org_id,
            booking_id=card.booking_id,
            auth=PurchaseAuthorization(
                ref=issued.id,
                card_ref=issued.card_id,
                amount_minor=issued.amount_minor,
                currency=issued.currency,
                approved=issued.approved,
                decline_reason=issued.decline_reason,
                merchant_category=issued.merchant_category,
                merchant_name=issued.merchant_name,
            ),
            now=now,
        )
    return len(rows)


async def card_problems(
    session: AsyncSession,
    booking: Booking,
    segments: Sequence[Segment],
    *,
    after_sale: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Each segment to invoice of a booking paid by card against the approved
    authorizations its supplier obtained; nothing for a booking with no card.
    ``after_sale``: seat fees bought after ticketing, by segment (not the airline's)."""
    has_card = await session.scalar(
        select(VirtualCard.id).where(VirtualCard.booking_id == booking.id).limit(1)
    )
    if has_card is None:
        return []
    approved = (
        await session.scalars(
            select(CardAuthorization).where(
                CardAuthorization.booking_id == booking.id,
                CardAuthorization.approved.is_(True),
                CardAuthorization.segment_id.is_not(None),
            )
        )
    ).all()
    problems: list[dict[str, Any]] = []
    for seg in segments:
        paid = [a for a in approved if a.segment_id == seg.id]
        total = sum(a.amount_minor for a in paid)
        airline_minor = seg.amount_minor - (after_sale or {}).get(seg.id, 0)
        if not paid:
            problems.append(
                dict(
                    kind=ExceptionKind.MISSING_CARD_CHARGE,
                    source="card",
                    reference=seg.id,
                    segment_id=seg.id,
                    dedupe_key=f"card:missing:{seg.id}",
                    expected_minor=seg.amount_minor,
                    currency=seg.currency,
                    detail=f"Segment {seg.id} is booked but no charge on the booking's "
                    "virtual card pays for it",
                )
            )
        elif total != airline_minor or any(a.currency != seg.currency for a in paid):
            currency = paid[0].currency
            problems.append(
                dict(
                    kind=ExceptionKind.AMOUNT_MISMATCH,
                    source="card",
                    reference=paid[0].provider_ref,
                    segment_id=seg.id,
                    dedupe_key=f"card:amount:{seg.id}:{total}{currency}",
                    expected_minor=airline_minor,
                    actual_minor=total,
                    currency=currency,
                    detail=f"The supplier charged {money_text(total, currency)} on the virtual "
                    f"card for segment {seg.id}, we priced it "
                    f"{money_text(airline_minor, seg.currency)}",
                )
            )
    return problems


async def flag_unmatched_card_authorizations(
    session: AsyncSession, *, now: datetime, limit: int = BATCH
) -> int:
    """Approved authorizations on our cards that no segment explains."""
    rows = (
        await session.execute(
            select(CardAuthorization, VirtualCard)
            .join(VirtualCard, VirtualCard.id == CardAuthorization.card_id)
            .where(
                CardAuthorization.approved.is_(True),
                CardAuthorization.segment_id.is_(None),
                not_flagged("card:unknown:", CardAuthorization.provider_ref),
            )
            .order_by(CardAuthorization.id)
            .limit(limit)
        )
    ).all()
    added = 0
    for auth, card in rows:
        merchant = auth.merchant_name or "A merchant"
        added += await record_exception(
            session,
            org_id=card.org_id,
            booking_id=card.booking_id,
            kind=ExceptionKind.UNKNOWN_CHARGE,
            source="card",
            reference=f"{card.id} ••••{card.last4}",
            dedupe_key=f"card:unknown:{auth.provider_ref}",
            actual_minor=auth.amount_minor,
            currency=auth.currency,
            now=now,
            detail=f"{merchant} charged {money_text(auth.amount_minor, auth.currency)} on the "
            f"virtual card ••••{card.last4} of {card.booking_id}; no segment of the booking "
            "explains it",
        )
    return added
