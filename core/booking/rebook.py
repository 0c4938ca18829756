"""Rebooking one flight of a paid booking: a saga with recovery points, like confirmation.

``held`` ─(approval?)─ ``authorized`` ─ ``booked`` ─ ``captured`` ─ ``swapped`` ─ ``old_cancelled`` ─ done

1. **held** (one transaction): the new flight's seats are held with the conditional
   write (sold out → ``SOLD_OUT``, nothing stored), the trip is re-evaluated against
   the org's policy (red → ``POLICY_BLOCKED``), the money is worked out and the
   change recorded. One open change per booking (unique ``active_booking_id``).
   A change that needs approval starts an approval workflow here and waits; the
   old itinerary stays valid meanwhile.
2. **authorized**: the fare difference plus change fee, when positive, is
   authorized on the company card (manual capture, ``booking:{id}:rebook:{cid}:authorize``).
3. **booked**: the new legs are booked at the supplier
   (``booking:{id}:segment:{sid}:book``) — the point of no return. With virtual cards
   on, the supplier charges a card of the change's own
   (``booking:{id}:rebook:{cid}:card``, limited to the new legs' price; closed if the
   change is undone).
4. **captured**: the authorization is captured.
5. **swapped** (one transaction): new seats sold, old seats given back, old legs
   marked replaced, the booking total updated, the booking back to ``confirmed``,
   the disruption resolved, the traveller told.
6. **old_cancelled**: the old legs are cancelled at the supplier with our key;
   then a negative balance (cheaper flight) is refunded and the change is done.

Before the pivot a failure compensates (cancel what was booked, void, release the
new holds) and the booking is as it was. A crash anywhere leaves the change
``running`` at its last recovery point and :func:`complete_stuck_changes` (run by
the saga completer job) resumes it: every outbound call carries our key, so no
step charges, books or refunds twice, and the traveller ends with exactly one
itinerary and the right balance.

Money and approval rules:

* fare difference = new offer total − what the replaced legs cost;
* change fee = the replaced legs' fare rule fee × passengers, **waived** when the
  airline disrupted the flight (cancelled or delayed) and the new flight is one of the
  alternatives the disruption offers: the same airports or metro areas, leaving within
  its window (``core.disruption.waiver``); any other flight pays the fee;
* balance = difference + fee: charged when positive, refunded when negative;
* approval is needed when the new trip is amber or the new flight costs more than
  the old one (the approvers are the policy's, or its amber approver when the
  policy names none). For airline-caused changes the advance-purchase rule is not
  judged: the traveller did not choose to book late.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, outbox
from core.approval.service import start_workflow
from core.booking import states
from core.booking.access import load_visible_booking
from core.booking.cancel import finish_cancel
from core.booking.cards import CardRef, card_to_pay_with, close_cards_of, record_card_payment
from core.booking.changes import (
    cancel_at_supplier,
    capture_payment,
    change_slot,
    close_change,
    crash_point,
    ensure_no_open_change,
    refund_change,
    release_sold,
    void_payment,
)
from core.booking.items import other_items, plan_flight, red_reasons, segment_request
from core.booking.keys import change_key, segment_book_key, supplier_cancel_key
from core.booking.passengers import carry_over, record_tickets
from core.booking.recovery import (
    advance,
    authorization_row,
    load_fresh,
    record_authorization,
    resume_stale,
)
from core.booking.seat_purchase import run_seat_purchase
from core.booking.views import RebookView, load_booking_view
from core.disruption.suggestions import list_suggestions
from core.disruption.waiver import waiving_disruption
from core.errors import (
    ConcurrentUpdate,
    CoreError,
    InvalidTransition,
    NotFound,
    PaymentDeclined,
    PolicyBlocked,
    SoldOut,
    SupplierRejected,
    SupplierUnavailable,
    ValidationFailed,
)
from core.identity import Caller
from core.ids import new_id
from core.inventory.holds import (
    convert_booking_holds,
    extend_booking_holds,
    release_booking_holds,
    take_holds,
)
from core.models import (
    Booking,
    BookingChange,
    ChangeKind,
    ChangeStatus,
    Disruption,
    DisruptionStatus,
    Flight,
    Organization,
    Payment,
    PaymentStatus,
    Segment,
    SegmentKind,
    SegmentStatus,
    Suggestion,
    SuggestionStatus,
)
from core.models import BookingStatus as S
from core.money import format_money
from core.payment.gateway import Authorization
from core.policy.engine import PolicyStatus, evaluate
from core.policy.items import FlightItem, PolicyItem
from core.policy.service import get_rules
from core.runtime import Runtime
from core.search.offers import FlightOfferRef, parse_offer_id
from core.supplier.base import (
    SupplierRejectedError,
    SupplierTimeoutError,
    SupplierTransientError,
)

log = logging.getLogger(__name__)

HELD = "held"
AUTHORIZED = "authorized"
BOOKED = "booked"
CAPTURED = "captured"
SWAPPED = "swapped"
OLD_CANCELLED = "old_cancelled"

PAID = (S.CONFIRMED, S.REQUIRES_ATTENTION)
#: A running change untouched this long is resumed by the completer.
STALE_AFTER = timedelta(seconds=60)
#: New seats stay held this long while the saga runs (the sweeper never takes
#: holds of confirmed bookings, this is for the record and for diagnostics).
RUNNING_HOLD = timedelta(hours=2)


# -- start -------------------------------------------------------------------------------


async def rebook_booking(
    rt: Runtime, caller: Caller, booking_id: str, segment_id: str, offer_id: str
) -> RebookView:
    """Replace the flight of ``segment_id`` (all legs of its offer) with ``offer_id``.

    Returns the booking view with this change under ``change``; the booking is
    ``confirmed`` on the new flight when it went through at once, or still on the
    old flight with the change ``pending_approval`` (see its ``approval_id``).
    ``SOLD_OUT`` on a disrupted booking carries the next ``suggestions``.
    """
    now = rt.clock.now()
    try:
        async with rt.db.uow() as session:
            change = await _start(rt, session, caller, booking_id, segment_id, offer_id, now)
            change_id, status = change.id, change.status
    except SoldOut as exc:
        raise await _sold_out(rt, caller, booking_id, offer_id, exc) from exc
    except IntegrityError as exc:
        raise ConcurrentUpdate(
            f"Booking {booking_id} is being changed by another request; try again"
        ) from exc
    if status == ChangeStatus.RUNNING:
        crash_point(rt, "after_rebook_held")
        await run_rebook(rt, change_id)
    view = await load_booking_view(rt, booking_id)
    # This request's change, apart from the booking's history.
    this = next(c for c in view.changes if c.change_id == change_id)
    return RebookView(**dict(view), change=this)


async def _start(
    rt: Runtime,
    session: AsyncSession,
    caller: Caller,
    booking_id: str,
    segment_id: str,
    offer_id: str,
    now: datetime,
) -> BookingChange:
    booking = await load_visible_booking(
        session, caller, booking_id, for_update=True, to_act=True
    )
    if booking.status not in PAID:
        raise InvalidTransition(
            f"Booking {booking_id} is {booking.status}; only confirmed bookings can be rebooked"
        )
    await ensure_no_open_change(session, booking_id)
    segments = list(
        (
            await session.scalars(
                select(Segment).where(Segment.booking_id == booking_id).order_by(Segment.position)
            )
        ).all()
    )
    chosen = next((s for s in segments if s.id == segment_id), None)
    if chosen is None or chosen.replaced_by is not None or chosen.status != SegmentStatus.BOOKED:
        raise NotFound(f"Segment {segment_id} is not a booked segment of {booking_id}")
    if chosen.kind != SegmentKind.FLIGHT:
        raise ValidationFailed("Only flights can be rebooked", field="segment_id")
    old = [
        s
        for s in segments
        if s.offer_id == chosen.offer_id
        and s.status == SegmentStatus.BOOKED
        and s.replaced_by is None
    ]
    ref = parse_offer_id(offer_id)
    if not isinstance(ref, FlightOfferRef):
        raise ValidationFailed("Rebook onto a flight offer (FL-…)", field="offer_id")
    if ref.offer_id == chosen.offer_id:
        raise ValidationFailed("That is the flight already booked", field="offer_id")

    quantity = chosen.quantity
    position = max(s.position for s in segments) + 1
    planned = await plan_flight(session, ref, quantity, booking_id, position, now)
    new_item = planned[0].item
    assert isinstance(new_item, FlightItem)

    # Airline-caused (one of the alternatives an open disruption of the old legs
    # offers): no change fee, no advance-purchase judgement, and the chosen suggestion
    # is remembered. Any other flight is the traveller's own change.
    disruption = await waiving_disruption(
        session, rt.settings, booking_id=booking_id, old_legs=old, new=new_item
    )
    involuntary = disruption is not None
    suggestion = None
    if involuntary:
        suggestion = await session.scalar(
            select(Suggestion).where(
                Suggestion.booking_id == booking_id,
                Suggestion.offer_id == ref.offer_id,
                Suggestion.status == SuggestionStatus.OPEN,
            )
        )
    if any(p.segment.currency != booking.currency for p in planned):
        raise ValidationFailed(f"Offers must be priced in {booking.currency}", field="offer_id")
    new_amount = sum(p.segment.amount_minor for p in planned)
    old_amount = sum(s.amount_minor for s in old)
    fee = 0 if involuntary else sum(s.change_fee_minor * s.quantity for s in old)
    difference = new_amount - old_amount
    balance = difference + fee

    items = await other_items(session, segments, exclude_offer=chosen.offer_id)
    items.append(planned[0].item)
    rules = await get_rules(session, booking.org_id)
    judged_at = now - timedelta(days=3650) if involuntary else now
    verdict = evaluate(rules, items, now=judged_at)
    verdict_dict: dict[str, Any] = verdict.to_dict()
    if verdict.status == PolicyStatus.RED:
        raise PolicyBlocked(
            f"The travel policy does not allow this: {red_reasons(verdict_dict)}",
            policy=verdict_dict,
        )
    needs_approval = verdict.status == PolicyStatus.AMBER or difference > 0
    if needs_approval and not verdict_dict["approvals_required"]:
        verdict_dict["approvals_required"] = [rules.amber_requires]

    change = BookingChange(
        id=new_id("CH", 10),
        org_id=booking.org_id,
        booking_id=booking_id,
        active_booking_id=change_slot(booking_id),
        kind=ChangeKind.REBOOK,
        status=ChangeStatus.PENDING_APPROVAL if needs_approval else ChangeStatus.RUNNING,
        step=HELD,
        old_segment_ids=[s.id for s in old],
        new_segment_ids=[p.segment.id for p in planned],
        offer_id=ref.offer_id,
        quantity=quantity,
        old_amount_minor=old_amount,
        new_amount_minor=new_amount,
        change_fee_minor=fee,
        charge_minor=max(balance, 0),
        refund_minor=max(-balance, 0),
        currency=booking.currency,
        policy=verdict_dict,
        suggestion_id=suggestion.id if suggestion is not None else None,
        reason="disruption" if involuntary else None,
        created_by=caller.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(change)
    session.add_all([p.segment for p in planned])
    await session.flush()
    # The same people fly the new flight; the airline tickets them again when it is booked.
    await carry_over(session, booking_id, chosen.id, [p.segment.id for p in planned])
    if suggestion is not None:
        suggestion.status = SuggestionStatus.CHOSEN
    hold_until = now + (
        timedelta(seconds=rt.settings.approval_hold_deadline_seconds)
        if needs_approval
        else RUNNING_HOLD
    )
    audit.record(
        session,
        org_id=booking.org_id,
        actor_id=caller.user_id,
        action="booking.rebook_started",
        entity="booking",
        entity_id=booking_id,
        at=now,
        change_id=change.id,
        offer_id=ref.offer_id,
        balance_minor=balance,
        needs_approval=needs_approval,
    )
    if needs_approval:
        workflow = await start_workflow(
            session,
            booking=booking,
            verdict=verdict_dict,
            now=now,
            subject="rebook",
            subject_id=change.id,
            settings=rt.settings,
        )
        change.approval_id = workflow.id
        outbox.emit(
            session,
            org_id=booking.org_id,
            topic="rebook.pending_approval",
            key=f"booking:{booking_id}:rebook:{change.id}:pending_approval",
            payload={
                "booking_id": booking_id,
                "change_id": change.id,
                "approval_id": workflow.id,
                "notify": [booking.traveler_id],
                "message": f"Your change of {booking_id} to {_label(planned[0].item)} is waiting "
                "for approval; your current flight stays booked meanwhile.",
            },
            at=now,
        )
    # Inventory last, as in the hold path (and, like it, without an application lock: the
    # conditional UPDATE is the guard): the hot rows stay locked only briefly.
    await session.flush()
    await take_holds(
        session,
        org_id=booking.org_id,
        booking_id=booking_id,
        lines=[line for p in planned for line in p.lines],
        now=now,
        expires_at=hold_until,
    )
    return change


def _label(item: PolicyItem) -> str:
    if item.kind == "flight":
        return f"{item.origin}→{item.destination} on {item.depart_at:%a %d %b %H:%M} UTC"  # type: ignore[union-attr]
    return "the new booking"


async def _sold_out(
    rt: Runtime, caller: Caller, booking_id: str, offer_id: str, exc: SoldOut
) -> SoldOut:
    """Mark the suggestion taken by someone else and hand back the next ones."""
    async with rt.db.uow() as session:
        await session.execute(
            update(Suggestion)
            .where(
                Suggestion.booking_id == booking_id,
                Suggestion.offer_id == offer_id.strip(),
                Suggestion.status == SuggestionStatus.OPEN,
            )
            .values(status=SuggestionStatus.UNAVAILABLE)
            .execution_options(synchronize_session=False)
        )
    async with rt.db.uow(write=False) as session:
        try:
            nexts = (await list_suggestions(session, caller, booking_id)).suggestions
        except NotFound:
            nexts = []
    return SoldOut(
        f"{exc.detail}: that flight has no seat left for you. "
        + ("Here are the next options." if nexts else "Search for another flight."),
        suggestions=[s.model_dump(mode="json") for s in nexts[:3]],
    )


# -- run (and resume) --------------------------------------------------------------------------


async def _load(session: AsyncSession, change_id: str) -> BookingChange:
    return await load_fresh(session, BookingChange, change_id)


async def _set_step(
    rt: Runtime, change_id: str, *, expected: str, step: str, **values: Any
) -> bool:
    async with rt.db.uow() as session:
        return await advance(
            session, BookingChange, change_id,
            active=BookingChange.status == ChangeStatus.RUNNING,
            step_column=BookingChange.step, expected=expected, step=step,
            now=rt.clock.now(), **values,
        )


async def run_rebook(rt: Runtime, change_id: str) -> None:
    """Run or resume a running rebook from its recovery point (safe to call again)."""
    async with rt.db.uow(write=False) as session:
        change = await _load(session, change_id)
        if change.status != ChangeStatus.RUNNING:
            return
        booking = await session.get(Booking, change.booking_id)
        assert booking is not None
        org = await session.get(Organization, booking.org_id)
        assert org is not None
        step, booking_id = change.step, change.booking_id
        charge, currency, payment_method = change.charge_minor, change.currency, org.payment_method

    if step == HELD:
        payment_id: str | None = None
        if charge > 0:
            auth = await rt.payments.authorize(
                amount_minor=charge,
                currency=currency,
                payment_method=payment_method,
                idempotency_key=change_key(booking_id, change_id, "authorize"),
                metadata={"booking_id": booking_id, "change_id": change_id},
            )
            crash_point(rt, "after_rebook_authorize_call")
            payment_id = await _record_payment(rt, change_id, auth, charge)
            if auth.declined:
                await compensate(rt, change_id, f"Payment declined ({auth.decline_code})")
                raise PaymentDeclined(
                    f"The company card was declined for the {format_money(charge, currency)} "
                    "difference; your booking is unchanged"
                )
        await _set_step(rt, change_id, expected=HELD, step=AUTHORIZED, payment_id=payment_id)
        crash_point(rt, "after_rebook_authorized")
        step = AUTHORIZED

    if step == AUTHORIZED:
        if not await _book_new(rt, change_id, booking_id):
            return  # supplier timeout: the completer retries with the same key
        await _set_step(rt, change_id, expected=AUTHORIZED, step=BOOKED)
        step = BOOKED

    if step == BOOKED:
        if not await _capture(rt, change_id, booking_id):
            return
        await _set_step(rt, change_id, expected=BOOKED, step=CAPTURED)
        step = CAPTURED

    if step == CAPTURED:
        await _swap(rt, change_id)
        crash_point(rt, "after_rebook_swapped")
        step = SWAPPED

    if step == SWAPPED:
        async with rt.db.uow(write=False) as session:
            old_ids = list((await _load(session, change_id)).old_segment_ids)
        if not await cancel_at_supplier(rt, booking_id, old_ids):
            return
        await _set_step(rt, change_id, expected=SWAPPED, step=OLD_CANCELLED)
        step = OLD_CANCELLED

    if step == OLD_CANCELLED:
        if not await refund_change(rt, change_id):
            return
        async with rt.db.uow() as session:
            await close_change(session, change_id, status=ChangeStatus.DONE, now=rt.clock.now())


async def _record_payment(
    rt: Runtime, change_id: str, auth: Authorization, amount: int
) -> str:
    async with rt.db.uow() as session:
        change = await _load(session, change_id)
        payment = await record_authorization(
            session,
            authorization_row(
                key=change_key(change.booking_id, change_id, "authorize"),
                org_id=change.org_id,
                booking_id=change.booking_id,
                gateway=rt.payments.name,
                auth=auth,
                amount_minor=amount,
                now=rt.clock.now(),
                purpose="rebook",
            ),
        )
        return payment.id


async def _book_new(rt: Runtime, change_id: str, booking_id: str) -> bool:
    """Book every new leg not booked yet; ``False`` when the supplier did not answer."""
    async with rt.db.uow(write=False) as session:
        change = await _load(session, change_id)
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        segs = (
            await session.scalars(
                select(Segment)
                .where(
                    Segment.id.in_(list(change.new_segment_ids)),
                    Segment.status == SegmentStatus.HELD,
                )
                .order_by(Segment.position)
            )
        ).all()
        pending = [
            (s.id, s.kind, await segment_request(session, booking, s, cipher=rt.pii))
            for s in segs
        ]
        org_id, currency = booking.org_id, booking.currency
    # With virtual cards on, the new legs are paid with a card of this change's own.
    price = sum(request.amount_minor for _, _, request in pending)
    card: CardRef | None = None
    if price > 0:
        try:
            card = await card_to_pay_with(
                rt, booking_id, change_id=change_id, amount_minor=price, currency=currency
            )
        except CoreError as exc:
            if exc.extra.get("transient"):
                log.warning("rebook %s: the card issuer is down; the completer retries", change_id)
                return False
            await compensate(rt, change_id, f"The virtual card could not be issued ({exc.code})")
            raise
    for seg_id, kind, request in pending:
        if card is not None:
            request = dataclasses.replace(request, card_ref=card.provider_ref)
        try:
            confirmation = await rt.supplier_for(kind).book(
                request, idempotency_key=segment_book_key(booking_id, seg_id)
            )
        except SupplierTimeoutError:
            log.warning("rebook %s: no answer booking %s; the completer retries", change_id, seg_id)
            return False
        except SupplierRejectedError as exc:
            await compensate(rt, change_id, f"Supplier refused: {exc}")
            raise SupplierRejected(
                f"The airline refused the new flight ({exc}); your booking is unchanged"
            ) from exc
        except SupplierTransientError as exc:
            await compensate(rt, change_id, f"Supplier unavailable: {exc}")
            raise SupplierUnavailable(
                "The airline's system is unavailable; your booking is unchanged, try again later",
                retry_after=getattr(exc, "retry_after", None),
            ) from exc
        crash_point(rt, "after_rebook_supplier_call")
        async with rt.db.uow() as session:
            await session.execute(
                update(Segment)
                .where(Segment.id == seg_id, Segment.status == SegmentStatus.HELD)
                .values(
                    status=SegmentStatus.BOOKED,
                    locator=confirmation.locator,
                    supplier=confirmation.supplier,
                )
                .execution_options(synchronize_session=False)
            )
            if card is not None and confirmation.card_authorization is not None:
                await record_card_payment(
                    session, card=card, org_id=org_id, booking_id=booking_id,
                    segment_id=seg_id, auth=confirmation.card_authorization, now=rt.clock.now(),
                )
            await record_tickets(session, seg_id, confirmation.tickets)
            await session.execute(
                update(BookingChange)
                .where(BookingChange.id == change_id)
                .values(updated_at=rt.clock.now())
                .execution_options(synchronize_session=False)
            )
    return True


async def _capture(rt: Runtime, change_id: str, booking_id: str) -> bool:
    async with rt.db.uow(write=False) as session:
        change = await _load(session, change_id)
        payment = await session.get(Payment, change.payment_id) if change.payment_id else None
        if payment is None or payment.status == PaymentStatus.CAPTURED:
            return True
        ref = payment.provider_ref
        payment_id = payment.id
    assert ref is not None
    return await capture_payment(
        rt,
        payment_id,
        ref,
        key=change_key(booking_id, change_id, "capture"),
        crash_at="after_rebook_capture_call",
        flow=f"rebook {change_id}",
    )


async def _swap(rt: Runtime, change_id: str) -> None:
    """New legs in, old legs out, in one transaction (idempotent on the step)."""
    now = rt.clock.now()
    async with rt.db.uow() as session:
        change = await _load(session, change_id)
        if change.status != ChangeStatus.RUNNING or change.step != CAPTURED:
            return
        booking = await session.get(Booking, change.booking_id, populate_existing=True)
        assert booking is not None
        await convert_booking_holds(session, booking.id, now=now)
        await release_sold(session, booking.id, change.old_segment_ids, now=now)
        first_new = change.new_segment_ids[0]
        await session.execute(
            update(Segment)
            .where(Segment.id.in_(list(change.old_segment_ids)))
            .values(replaced_by=first_new)
            .execution_options(synchronize_session=False)
        )
        new_total = booking.total_minor - change.old_amount_minor + change.new_amount_minor
        # The booking now shows the re-evaluated trip (total and verdict).
        trip: dict[str, Any] = {
            "total_minor": new_total,
            "policy": change.policy,
            "policy_status": change.policy.get("status", booking.policy_status),
        }
        if booking.status == S.REQUIRES_ATTENTION:
            await states.move(
                session,
                booking.id,
                expected=S.REQUIRES_ATTENTION,
                to=S.CONFIRMED,
                now=now,
                **trip,
            )
        else:
            await session.execute(
                update(Booking)
                .where(Booking.id == booking.id)
                .values(**trip, updated_at=now, version=Booking.version + 1)
                .execution_options(synchronize_session=False)
            )
        old_flights = (
            await session.scalars(
                select(Segment.flight_id).where(Segment.id.in_(list(change.old_segment_ids)))
            )
        ).all()
        await session.execute(
            update(Disruption)
            .where(
                Disruption.booking_id == booking.id,
                Disruption.status == DisruptionStatus.OPEN,
                Disruption.flight_id.in_([f for f in old_flights if f is not None]),
            )
            .values(status=DisruptionStatus.RESOLVED, resolved_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(BookingChange)
            .where(BookingChange.id == change_id, BookingChange.step == CAPTURED)
            .values(step=SWAPPED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        new_seg = await session.get(Segment, first_new)
        assert new_seg is not None
        flight = await session.get(Flight, new_seg.flight_id) if new_seg.flight_id else None
        where = (
            f"{flight.carrier} {flight.number} {flight.origin}→{flight.destination} "
            f"on {flight.depart_at:%a %d %b %H:%M} UTC"
            if flight is not None
            else "the new flight"
        )
        money = ""
        if change.charge_minor:
            money = f" {format_money(change.charge_minor, change.currency)} was charged."
        elif change.refund_minor:
            money = f" {format_money(change.refund_minor, change.currency)} will be refunded."
        audit.record(
            session,
            org_id=booking.org_id,
            actor_id="system",
            action="booking.rebooked",
            entity="booking",
            entity_id=booking.id,
            at=now,
            change_id=change_id,
            total_minor=new_total,
        )
        outbox.emit(
            session,
            org_id=booking.org_id,
            topic="booking.rebooked",
            key=f"booking:{booking.id}:rebook:{change_id}:done",
            payload={
                "booking_id": booking.id,
                "change_id": change_id,
                "notify": sorted({booking.traveler_id, change.created_by}),
                "message": f"Booking {booking.id} is now on {where}.{money}",
            },
            at=now,
        )


async def compensate(
    rt: Runtime, change_id: str, reason: str, *, status: ChangeStatus = ChangeStatus.FAILED
) -> None:
    """Undo a rebook before its pivot: cancel new legs booked, void, release the new seats."""
    async with rt.db.uow(write=False) as session:
        change = await _load(session, change_id)
        booking_id = change.booking_id
        booked_new = (
            await session.scalars(
                select(Segment).where(
                    Segment.id.in_(list(change.new_segment_ids)),
                    Segment.status == SegmentStatus.BOOKED,
                )
            )
        ).all()
        to_cancel = [(s.id, s.kind, s.locator) for s in booked_new]
        payment = await session.get(Payment, change.payment_id) if change.payment_id else None
        void_ref = (
            payment.provider_ref if payment is not None and payment.status == PaymentStatus.AUTHORIZED else None
        )
        payment_id = payment.id if payment is not None else None
    for seg_id, kind, locator in to_cancel:
        if locator:
            try:
                await rt.supplier_for(kind).cancel(
                    locator, idempotency_key=supplier_cancel_key(booking_id, seg_id)
                )
            except Exception:
                log.exception("rebook %s: compensating cancel of %s failed", change_id, locator)
    if void_ref is not None and payment_id is not None:
        await void_payment(
            rt, payment_id, void_ref, key=change_key(booking_id, change_id, "void"),
            flow=f"rebook {change_id}",
        )
    # Nothing more will be paid with the change's card (the card closer retries a failure).
    await close_cards_of(rt, booking_id, change_id=change_id)
    now = rt.clock.now()
    async with rt.db.uow() as session:
        change = await _load(session, change_id)
        await release_booking_holds(session, booking_id, now=now)
        await session.execute(
            update(Segment)
            .where(
                Segment.id.in_(list(change.new_segment_ids)),
                Segment.status.in_([SegmentStatus.HELD, SegmentStatus.BOOKED]),
            )
            .values(status=SegmentStatus.RELEASED)
            .execution_options(synchronize_session=False)
        )
        if change.suggestion_id:
            await session.execute(
                update(Suggestion)
                .where(Suggestion.id == change.suggestion_id)
                .values(status=SuggestionStatus.UNAVAILABLE if status == ChangeStatus.FAILED else SuggestionStatus.OPEN)
                .execution_options(synchronize_session=False)
            )
        closed = await close_change(
            session, change_id, status=status, now=now, failure_reason=reason[:500]
        )
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        if closed:
            verb = "was not approved" if status == ChangeStatus.REJECTED else "could not be made"
            outbox.emit(
                session,
                org_id=booking.org_id,
                topic=f"rebook.{status}",
                key=f"booking:{booking_id}:rebook:{change_id}:{status}",
                payload={
                    "booking_id": booking_id,
                    "change_id": change_id,
                    "reason": reason,
                    "notify": [booking.traveler_id],
                    "message": f"The change of {booking_id} {verb} ({reason}); "
                    "your booking is unchanged.",
                },
                at=now,
            )


# -- approvals and the completer ----------------------------------------------------------------


async def on_approval_decided(
    rt: Runtime, rebook_id: str, approved: bool, note: str | None = None
) -> None:
    """Called by the approval workflow when a rebook's approval ends (after its commit).

    Approved: the saga runs from ``held``. Rejected or expired: the new seats go
    back and the booking stays as it was. Safe to call again.
    """
    action: str | None = None
    async with rt.db.uow() as session:
        change = await session.get(BookingChange, rebook_id, populate_existing=True)
        if change is None:
            return
        if change.status == ChangeStatus.RUNNING:
            action = "run"  # told twice: resume what the first call started
        elif change.status == ChangeStatus.PENDING_APPROVAL and not approved:
            action = "reject"
        elif change.status == ChangeStatus.PENDING_APPROVAL:
            if await begin_after_approval(rt, session, rebook_id):
                action = "run"
    if action == "reject":
        await compensate(
            rt,
            rebook_id,
            f"approval: {note}" if note else "approval declined",
            status=ChangeStatus.REJECTED,
        )
    elif action == "run":
        try:
            await run_rebook(rt, rebook_id)
        except CoreError as exc:  # compensated; the traveller is told through the outbox
            log.info("approved rebook %s did not go through: %s", rebook_id, exc)


async def begin_after_approval(rt: Runtime, session: AsyncSession, rebook_id: str) -> bool:
    """The change's side of its approval, in the caller's transaction (the decision's own,
    so that a cancel of the booking cannot slip in between): ``pending_approval`` →
    ``running``, its new seats kept for the run. True when this call moved it."""
    change = await session.get(BookingChange, rebook_id, populate_existing=True)
    if change is None:
        return False
    moved = await session.execute(
        update(BookingChange)
        .where(
            BookingChange.id == rebook_id,
            BookingChange.status == ChangeStatus.PENDING_APPROVAL,
        )
        .values(status=ChangeStatus.RUNNING, updated_at=rt.clock.now())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await extend_booking_holds(session, change.booking_id, until=rt.clock.now() + RUNNING_HOLD)
    return True


async def complete_stuck_changes(rt: Runtime, *, limit: int = 50) -> int:
    """Resume cancellations, rebooks and seat purchases left half-way (a crash, a timeout, a failed call)."""

    async def resume(row: Row[Any]) -> None:
        if row.kind == ChangeKind.REBOOK:
            await run_rebook(rt, row.id)
        elif row.kind == ChangeKind.SEATS:
            await run_seat_purchase(rt, row.id)
        else:
            await finish_cancel(rt, row.id)

    return await resume_stale(
        rt, model=BookingChange, active=BookingChange.status == ChangeStatus.RUNNING,
        attempts_column=BookingChange.attempts, stale_after=STALE_AFTER, run=resume,
        columns=(BookingChange.kind,), limit=limit, label="change ",
    )
