"""Seats with a fee on a confirmed booking: bought as a payment of their own. A flow: it
opens its own short transactions and calls the payment gateway between them.

On a held booking a seat's fee joins the total the confirmation pays (ADR 0011). Once
the booking is paid, the fee is a new payment, run like the confirmation saga on a
``BookingChange`` of kind ``seats`` (the booking's one open change, its recovery point):

``started`` ─ authorize ─ ``authorized`` ─ seat ─ ``seated`` ─ capture ─ done

1. **started** (one transaction, under the booking's row lock): the choices checked,
   the seats free now, the fees agreed to (``accept_fees``), no other change open; the
   change records the assignments and the amount.
2. **authorized**: the fee is authorized on the company card (manual capture) with our
   key ``booking:{id}:seats:{change}:authorize``; a decline ends the change
   (``PAYMENT_DECLINED``, nothing seated).
3. **seated** (one transaction): the seats are written and the fees join the flights'
   fares and the booking's total (``core.booking.seats.give_bought_seats``); a
   passenger checked in gets a new boarding pass. This is the pivot. A seat somebody
   took since step 1 (or a booking cancelled meanwhile) writes nothing: the
   authorization is voided — the traveller is never charged for a seat they did not
   get — and the change fails with the seat's ``SEAT_TAKEN``.
4. the authorization is captured (``…:capture``) and the change is done.

Every outbound call carries our key, so a retry (the completer resuming a stale change,
``complete_stuck_changes``) repeats nothing: the gateway answers its first result. Two
purchases on one booking at once: the second finds the first's open change
(``CONCURRENT_UPDATE``, 409) — one payment, never two.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.changes import (
    capture_payment,
    change_slot,
    close_change,
    crash_point,
    ensure_no_open_change,
    void_payment,
)
from core.booking.items import red_reasons, seat_fees_item
from core.booking.keys import seat_purchase_key
from core.booking.recovery import (
    advance,
    authorization_row,
    load_fresh,
    record_authorization,
)
from core.booking.seats import (
    SeatChoice,
    SeatFee,
    choose_seats,
    give_bought_seats,
    quote_seats,
)
from core.catalogue.aircraft import normalise_seat
from core.errors import CoreError, PaymentDeclined, PolicyBlocked, SeatRequiresPayment
from core.identity import Caller
from core.ids import new_id
from core.models import (
    Booking,
    BookingChange,
    BookingStatus,
    ChangeKind,
    ChangeStatus,
    Organization,
    Payment,
    PaymentStatus,
    Segment,
    SegmentStatus,
)
from core.money import format_money
from core.policy.engine import PolicyStatus, Severity, Verdict, approvals_for, evaluate
from core.policy.render import role_label
from core.policy.service import get_rules
from core.runtime import Runtime

log = logging.getLogger(__name__)

STARTED = "started"
AUTHORIZED = "authorized"
SEATED = "seated"
#: What a seat purchase's payment row says it was for (the ledger's ``purpose``).
PURPOSE = "seat"


@dataclass(frozen=True)
class SeatsChosen:
    """What ``PUT …/seats`` did: ``change_id`` when seats with a fee were bought on a
    confirmed booking (a payment of its own), else None."""

    booking_id: str
    change_id: str | None = None
    charged_minor: int = 0


async def choose_or_buy_seats(
    rt: Runtime,
    caller: Caller,
    booking_id: str,
    choices: Sequence[SeatChoice],
    *,
    accept_fees: bool = False,
) -> SeatsChosen:
    """Seat the passengers named (``PUT /v1/bookings/{id}/seats``, the ``choose_seats``
    tool). On a held booking, or with no seat with a fee to move to, this is
    :func:`core.booking.seats.choose_seats` in one transaction. On a confirmed booking,
    seats with a fee the traveller agreed to (``accept_fees``) are bought as a payment of
    their own, then given (module docstring); without ``accept_fees`` they are
    ``SEAT_REQUIRES_PAYMENT`` naming the fee."""
    now = rt.clock.now()
    async with rt.db.uow() as session:
        quote = await quote_seats(session, caller, booking_id, choices, now=now)
        if quote.status != BookingStatus.CONFIRMED or not quote.fees:
            await choose_seats(
                session, caller, booking_id, choices, now=now, accept_fees=accept_fees
            )
            return SeatsChosen(booking_id=quote.booking_id)
        total = format_money(quote.total_minor, quote.fees[0].currency)
        seats = ", ".join(f.seat for f in quote.fees)
        if not accept_fees:
            raise SeatRequiresPayment(
                f"Seat{'s' if len(quote.fees) > 1 else ''} {seats} cost{'' if len(quote.fees) > 1 else 's'} "
                f"{total} for extra legroom: agree to the fee (accept_fees) and it is charged "
                "to the company card as a payment of its own",
                seats=[f.seat for f in quote.fees],
                amount=total,
            )
        await ensure_no_open_change(session, quote.booking_id)
        booking = await session.get(Booking, quote.booking_id)
        assert booking is not None
        verdict = await _judge_purchase(session, booking, quote.fees, now=now)
        fees = {(f.segment_id, f.passenger_id, f.seat): f.price_minor for f in quote.fees}
        change = BookingChange(
            id=new_id("CH", 10),
            org_id=booking.org_id,
            booking_id=booking.id,
            active_booking_id=change_slot(booking.id),
            kind=ChangeKind.SEATS,
            status=ChangeStatus.RUNNING,
            step=STARTED,
            seats=[
                {
                    "segment_id": c.segment_id,
                    "passenger_id": c.passenger_id,
                    "seat": seat,
                    "price_minor": fees.get((c.segment_id, c.passenger_id, seat), 0),
                }
                for c in choices
                # As the quote names it ("08a" is 8A), so the fee is found again.
                for seat in [normalise_seat(c.seat) or c.seat.strip().upper()]
            ],
            charge_minor=quote.total_minor,
            currency=booking.currency,
            policy=verdict,
            created_by=caller.user_id,
            created_at=now,
            updated_at=now,
        )
        session.add(change)
        change_id = change.id
    await run_seat_purchase(rt, change_id)
    return SeatsChosen(booking_id=quote.booking_id, change_id=change_id, charged_minor=quote.total_minor)


async def _judge_purchase(
    session: AsyncSession, booking: Booking, fees: Sequence[SeatFee], *, now: datetime
) -> dict[str, Any]:
    """The paid trip with these seats as the policy sees it: its total grows by their
    fees and a paid-seat rule judges every seat fee on it. A red finding, or an approval
    the trip did not have when it was confirmed (a threshold crossed, an amber seat), is
    ``POLICY_BLOCKED``: nobody can approve a seat after the trip is paid, so it is
    refused before anyone is charged. Answers the trip's verdict with the seats."""
    rules = await get_rules(session, booking.org_id)
    segments = (
        await session.scalars(
            select(Segment).where(
                Segment.booking_id == booking.id,
                Segment.status == SegmentStatus.BOOKED,
                Segment.replaced_by.is_(None),
            )
        )
    ).all()
    item = await seat_fees_item(
        session, segments, booking.currency, extra=[f.price_minor for f in fees]
    )
    assert item is not None
    seats = evaluate(rules, [item], now=now)
    before = Verdict.from_dict(booking.policy) if booking.policy else None
    total = booking.total_minor + sum(f.price_minor for f in fees)
    violations = (*(before.violations if before else ()), *seats.violations)
    roles = approvals_for(
        rules, total, has_amber=any(v.severity is Severity.AMBER for v in violations)
    )
    status = max(
        (before.status if before else PolicyStatus.GREEN, seats.status),
        key=lambda s: (PolicyStatus.GREEN, PolicyStatus.AMBER, PolicyStatus.RED).index(s),
    )
    verdict = Verdict(
        status=status,
        violations=violations,
        approvals_required=roles,
        notes=before.notes if before else (),
        total_minor=total,
        currency=rules.currency,
    ).to_dict()
    if seats.is_blocked:
        raise PolicyBlocked(
            f"The travel policy does not allow this: {red_reasons(verdict)}", policy=verdict
        )
    granted = set(before.approvals_required) if before else set()
    missing = [r for r in roles if r not in granted]
    if missing:
        reasons = "; ".join(v.message for v in seats.violations) or (
            f"the trip would come to {format_money(total, booking.currency)}"
        )
        raise PolicyBlocked(
            f"The travel policy would need {', '.join(role_label(r) for r in missing)} to "
            f"approve this ({reasons}), and a paid trip's seats cannot wait for an approval: "
            "choose a seat without a fee",
            policy=verdict,
        )
    return verdict


async def _set_step(rt: Runtime, change_id: str, *, expected: str, step: str, **values: Any) -> bool:
    async with rt.db.uow() as session:
        return await advance(
            session, BookingChange, change_id,
            active=BookingChange.status == ChangeStatus.RUNNING,
            step_column=BookingChange.step, expected=expected, step=step,
            now=rt.clock.now(), **values,
        )


def _choices(change: BookingChange) -> tuple[list[SeatChoice], list[SeatFee]]:
    rows = list(change.seats or [])
    choices = [SeatChoice(r["segment_id"], r["passenger_id"], r["seat"]) for r in rows]
    paid = [
        SeatFee(r["segment_id"], r["passenger_id"], r["seat"], int(r["price_minor"]), change.currency)
        for r in rows
        if int(r["price_minor"])
    ]
    return choices, paid


async def run_seat_purchase(rt: Runtime, change_id: str) -> None:
    """Run or resume a seat purchase from its recovery point (safe to call again)."""
    async with rt.db.uow(write=False) as session:
        change = await load_fresh(session, BookingChange, change_id)
        if change.status != ChangeStatus.RUNNING:
            return
        booking = await session.get(Booking, change.booking_id)
        assert booking is not None
        org = await session.get(Organization, booking.org_id)
        assert org is not None
        step, booking_id, actor = change.step, change.booking_id, change.created_by
        org_id = booking.org_id
        charge, currency, payment_method = change.charge_minor, change.currency, org.payment_method
        choices, paid = _choices(change)
        verdict = dict(change.policy or {})

    if step == STARTED:
        auth = await rt.payments.authorize(
            amount_minor=charge,
            currency=currency,
            payment_method=payment_method,
            idempotency_key=seat_purchase_key(booking_id, change_id, "authorize"),
            metadata={"booking_id": booking_id, "change_id": change_id, "purpose": PURPOSE},
        )
        crash_point(rt, "after_seat_authorize_call")
        async with rt.db.uow() as session:
            payment = await record_authorization(
                session,
                authorization_row(
                    key=seat_purchase_key(booking_id, change_id, "authorize"),
                    org_id=org_id,
                    booking_id=booking_id,
                    gateway=rt.payments.name,
                    auth=auth,
                    amount_minor=charge,
                    now=rt.clock.now(),
                    purpose=PURPOSE,
                ),
            )
            payment_id = payment.id
        if auth.declined:
            await _fail(rt, change_id, f"Payment declined ({auth.decline_code})", payment_id=payment_id)
            raise PaymentDeclined(
                f"The company card was declined for the {format_money(charge, currency)} seat "
                "fee; the seats are unchanged"
            )
        await _set_step(rt, change_id, expected=STARTED, step=AUTHORIZED, payment_id=payment_id)
        step = AUTHORIZED

    if step == AUTHORIZED:
        try:
            async with rt.db.uow() as session:
                await give_bought_seats(
                    session, booking_id, choices, paid, now=rt.clock.now(), actor=actor
                )
                if verdict:  # the trip's verdict now counts these seats' fees
                    await session.execute(
                        update(Booking)
                        .where(Booking.id == booking_id)
                        .values(policy=verdict, policy_status=verdict["status"])
                        .execution_options(synchronize_session=False)
                    )
                moved = await advance(
                    session, BookingChange, change_id,
                    active=BookingChange.status == ChangeStatus.RUNNING,
                    step_column=BookingChange.step, expected=AUTHORIZED, step=SEATED,
                    now=rt.clock.now(),
                )
                if not moved:  # another run seated them first: this transaction rolls back
                    raise _AlreadySeated
        except _AlreadySeated:
            pass
        except CoreError as exc:
            # Before the pivot: nothing was seated, so nothing is charged.
            await _void(rt, change_id)
            await _fail(rt, change_id, f"Seats not given ({exc.code})")
            raise
        crash_point(rt, "after_seat_seated")
        step = SEATED

    if step == SEATED:
        if not await _capture(rt, change_id):
            return  # the completer captures again, with the same key
        async with rt.db.uow() as session:
            await close_change(session, change_id, status=ChangeStatus.DONE, now=rt.clock.now())


class _AlreadySeated(Exception):
    """The seating step was recorded by another run of the same purchase."""


async def _payment_of(rt: Runtime, change_id: str) -> tuple[str, str, str | None, str] | None:
    """(booking id, payment id, provider ref, status) of the purchase's payment."""
    async with rt.db.uow(write=False) as session:
        change = await load_fresh(session, BookingChange, change_id)
        payment = await session.get(Payment, change.payment_id) if change.payment_id else None
        if payment is None:
            return None
        return change.booking_id, payment.id, payment.provider_ref, payment.status


async def _capture(rt: Runtime, change_id: str) -> bool:
    found = await _payment_of(rt, change_id)
    if found is None:
        return True
    booking_id, payment_id, ref, status = found
    if status == PaymentStatus.CAPTURED:
        return True
    assert ref is not None
    return await capture_payment(
        rt,
        payment_id,
        ref,
        key=seat_purchase_key(booking_id, change_id, "capture"),
        crash_at="after_seat_capture_call",
        flow=f"seat purchase {change_id}",
    )


async def _void(rt: Runtime, change_id: str) -> None:
    found = await _payment_of(rt, change_id)
    if found is None:
        return
    booking_id, payment_id, ref, status = found
    if ref is None or status != PaymentStatus.AUTHORIZED:
        return
    await void_payment(
        rt, payment_id, ref, key=seat_purchase_key(booking_id, change_id, "void"),
        flow=f"seat purchase {change_id}",
    )


async def _fail(rt: Runtime, change_id: str, reason: str, **values: Any) -> None:
    async with rt.db.uow() as session:
        await close_change(
            session, change_id, status=ChangeStatus.FAILED, now=rt.clock.now(),
            failure_reason=reason[:500], **values,
        )
