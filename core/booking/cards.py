"""Virtual cards: a single-use Stripe Issuing card per booking (``settings.virtual_cards``).

With the setting on, the confirmation saga pays the suppliers with a card of the
booking's own instead of letting them invoice us: after the company card is
authorized, :func:`card_to_pay_with` issues a virtual card to the organization's
cardholder (created once, its id kept on the organization) with a spending limit of
the booking's total for all time and travel merchant categories only; each supplier
charges it for its segment, and :func:`record_card_payment` keeps the authorization
next to the segment. A rebook that books new legs pays them with a card of the
change's own. The card closes (Stripe status ``canceled``) when the booking is
cancelled or fails, and when its trip is over (:func:`close_finished_cards`, a job).
With the setting off nothing here runs: company-card charging is the default.

These are flows: each outside call (the issuer) happens with no transaction of ours
open and carries our key (``org:{id}:cardholder``, ``booking:{id}:card``,
``booking:{id}:card:{card}:close``); what it answered is recorded right after in a
short transaction. The recorded card is the recovery point: a flow resumed after a
crash finds it, and a crash before it was recorded repeats the issue call with the
same key, which the issuer answers with the same card — never a second one.

A card's number never reaches us (the issuer answers its id and last four digits),
so no log line, event, error or prompt can carry it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking.changes import crash_point
from core.booking.keys import card_close_key, card_key, cardholder_key
from core.db import insert_ignoring_duplicates
from core.finance.cards import record_card_authorization
from core.ids import new_id
from core.models import (
    Booking,
    BookingStatus,
    Flight,
    Organization,
    Segment,
    SegmentStatus,
    VirtualCard,
    VirtualCardStatus,
)
from core.payment.issuing import TRAVEL_CATEGORIES, BillingAddress, PurchaseAuthorization
from core.runtime import Runtime

log = logging.getLogger(__name__)

#: A trip is over (and its card closed) this long after its last flight lands or its
#: last stay's check-out day: late supplier adjustments still find the card open.
CLOSE_AFTER_TRIP = timedelta(days=1)
#: Bookings whose cards have nothing left to pay.
ENDED = (BookingStatus.CANCELLED, BookingStatus.FAILED, BookingStatus.EXPIRED)
BILLABLE = (BookingStatus.CONFIRMED, BookingStatus.REQUIRES_ATTENTION)


@dataclass(frozen=True)
class CardRef:
    """Which card pays: our id, the issuer's id and the last four digits."""

    card_id: str
    provider_ref: str
    last4: str


# -- issuing ---------------------------------------------------------------------------------


async def issued_card(
    session: AsyncSession, booking_id: str, change_id: str | None = None
) -> CardRef | None:
    """The card issued already for this booking (or rebook), in the caller's transaction:
    what :func:`card_to_pay_with` answers when virtual cards are off (a card issued while
    they were on is still the one its suppliers charge)."""
    issued = await session.scalar(
        select(VirtualCard).where(VirtualCard.idempotency_key == card_key(booking_id, change_id))
    )
    return None if issued is None else _ref(issued)


async def card_to_pay_with(
    rt: Runtime,
    booking_id: str,
    *,
    amount_minor: int,
    currency: str,
    change_id: str | None = None,
) -> CardRef | None:
    """The card the suppliers charge for this booking (or rebook): the one issued
    already, else a new one when virtual cards are on; ``None``: company-card charging."""
    key = card_key(booking_id, change_id)
    async with rt.db.uow(write=False) as session:
        issued = await issued_card(session, booking_id, change_id)
        if issued is not None:
            return issued
        if not rt.settings.virtual_cards:
            return None
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        org_id = booking.org_id
    holder = await ensure_cardholder(rt, org_id)
    card = await rt.issuing.create_card(
        cardholder_ref=holder,
        currency=currency,
        spending_limit_minor=amount_minor,
        allowed_categories=TRAVEL_CATEGORIES,
        idempotency_key=key,
        metadata={"booking_id": booking_id, "org_id": org_id, **_change(change_id)},
    )
    crash_point(rt, "after_card_issue_call")
    now = rt.clock.now()
    async with rt.db.uow() as session:
        await session.execute(
            insert_ignoring_duplicates(session, VirtualCard).values(
                id=new_id("VC"),
                org_id=org_id,
                booking_id=booking_id,
                change_id=change_id,
                issuer=rt.issuing.name,
                provider_ref=card.ref,
                cardholder_ref=card.cardholder_ref,
                idempotency_key=key,
                last4=card.last4,
                currency=card.currency,
                spending_limit_minor=card.spending_limit_minor,
                status=VirtualCardStatus.ACTIVE,
                created_at=now,
            )
        )
        # The row of whoever recorded it first (a concurrent resume records the same card).
        recorded = await session.scalar(
            select(VirtualCard).where(VirtualCard.idempotency_key == key)
        )
        assert recorded is not None
        audit.record(
            session,
            org_id=org_id,
            actor_id="system",
            action="booking.card_issued",
            entity="booking",
            entity_id=booking_id,
            at=now,
            card_id=recorded.id,
            last4=recorded.last4,
            spending_limit_minor=recorded.spending_limit_minor,
            **_change(change_id),
        )
        return _ref(recorded)


async def ensure_cardholder(rt: Runtime, org_id: str) -> str:
    """The organization's Issuing cardholder, created on its first card and kept.

    Two first cards at once both ask the issuer with the organization's one key and get
    the same cardholder; the conditional UPDATE keeps the first answer recorded.
    """
    async with rt.db.uow(write=False) as session:
        org = await session.get(Organization, org_id)
        assert org is not None
        if org.issuing_cardholder_id:
            return org.issuing_cardholder_id
        name = org.name
    address = rt.settings.virtual_card_billing
    holder = await rt.issuing.create_cardholder(
        name=name,
        billing=BillingAddress(
            line1=address.line1,
            city=address.city,
            postal_code=address.postal_code,
            country=address.country,
            state=address.state,
        ),
        idempotency_key=cardholder_key(org_id),
        metadata={"org_id": org_id},
    )
    async with rt.db.uow() as session:
        await session.execute(
            update(Organization)
            .where(Organization.id == org_id, Organization.issuing_cardholder_id.is_(None))
            .values(issuing_cardholder_id=holder.ref)
            .execution_options(synchronize_session=False)
        )
        stored = await session.scalar(
            select(Organization.issuing_cardholder_id).where(Organization.id == org_id)
        )
    return str(stored)


async def record_card_payment(
    session: AsyncSession,
    *,
    card: CardRef,
    org_id: str,
    booking_id: str,
    segment_id: str,
    auth: PurchaseAuthorization,
    now: datetime,
) -> None:
    """Keep the authorization a supplier's charge obtained for ``segment_id`` (once per
    authorization; one the issuer reported first gets its segment)."""
    await record_card_authorization(
        session,
        card_id=card.card_id,
        org_id=org_id,
        booking_id=booking_id,
        segment_id=segment_id,
        auth=auth,
        now=now,
    )


# -- closing ---------------------------------------------------------------------------------


async def close_card(rt: Runtime, card_id: str) -> bool:
    """Close one card at the issuer, then record it. ``True`` when it is closed; a
    failure is logged and left to :func:`close_finished_cards` to retry."""
    async with rt.db.uow(write=False) as session:
        card = await session.get(VirtualCard, card_id)
        assert card is not None
        if card.status == VirtualCardStatus.CANCELED:
            return True
        ref, booking_id = card.provider_ref, card.booking_id
    try:
        await rt.issuing.close_card(ref, idempotency_key=card_close_key(booking_id, card_id))
    except Exception as exc:
        log.warning("closing card %s of %s failed; retried later: %s", card_id, booking_id, exc)
        return False
    now = rt.clock.now()
    async with rt.db.uow() as session:
        closed = await session.execute(
            update(VirtualCard)
            .where(VirtualCard.id == card_id, VirtualCard.status == VirtualCardStatus.ACTIVE)
            .values(status=VirtualCardStatus.CANCELED, closed_at=now)
            .execution_options(synchronize_session=False)
        )
        if closed.rowcount == 1:  # type: ignore[attr-defined]
            org_id = await session.scalar(
                select(VirtualCard.org_id).where(VirtualCard.id == card_id)
            )
            audit.record(
                session,
                org_id=str(org_id),
                actor_id="system",
                action="booking.card_closed",
                entity="booking",
                entity_id=booking_id,
                at=now,
                card_id=card_id,
            )
    return True


async def close_cards_of(rt: Runtime, booking_id: str, *, change_id: str | None = None) -> bool:
    """Close the booking's open cards (only the rebook's, given ``change_id``)."""
    async with rt.db.uow(write=False) as session:
        query = select(VirtualCard.id).where(
            VirtualCard.booking_id == booking_id, VirtualCard.status == VirtualCardStatus.ACTIVE
        )
        if change_id is not None:
            query = query.where(VirtualCard.change_id == change_id)
        ids = list((await session.scalars(query.order_by(VirtualCard.id))).all())
    results = [await close_card(rt, card_id) for card_id in ids]
    return all(results)


async def close_finished_cards(rt: Runtime, *, limit: int = 100) -> int:
    """The ``card_closer`` job: close the open cards of bookings cancelled, failed or
    expired, and of trips over (:data:`CLOSE_AFTER_TRIP` after the last flight lands or
    the last stay's check-out day). Returns how many it closed."""
    now = rt.clock.now()
    async with rt.db.uow(write=False) as session:
        ids = (
            await session.scalars(
                select(VirtualCard.id)
                .join(Booking, Booking.id == VirtualCard.booking_id)
                .where(
                    VirtualCard.status == VirtualCardStatus.ACTIVE,
                    or_(Booking.status.in_(ENDED), _trip_over(now - CLOSE_AFTER_TRIP)),
                )
                .order_by(VirtualCard.created_at, VirtualCard.id)
                .limit(limit)
            )
        ).all()
    closed = 0
    for card_id in ids:
        closed += await close_card(rt, card_id)
    return closed


def _trip_over(cutoff: datetime) -> ColumnElement[bool]:
    """A billable booking none of whose booked flights lands, and none of whose booked
    stays checks out, after ``cutoff``."""
    flying_later = exists().where(
        Segment.booking_id == Booking.id,
        Segment.status == SegmentStatus.BOOKED,
        Segment.flight_id == Flight.id,
        Flight.arrive_at > cutoff,
    )
    staying_later = exists().where(
        Segment.booking_id == Booking.id,
        Segment.status == SegmentStatus.BOOKED,
        Segment.check_out >= cutoff.date(),
    )
    return Booking.status.in_(BILLABLE) & ~flying_later & ~staying_later


def _ref(card: VirtualCard) -> CardRef:
    return CardRef(card_id=card.id, provider_ref=card.provider_ref, last4=card.last4)


def _change(change_id: str | None) -> dict[str, str]:
    return {"change_id": change_id} if change_id is not None else {}
