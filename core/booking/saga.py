"""The confirmation saga (DESIGN §4).

re-check policy → authorize payment (manual capture) → book each supplier segment
(the point of no return) → capture → confirmed → outbox event.

Each step runs in its own short transaction and records a recovery point
(``bookings.saga_step``, a segment's locator, the payment row). No transaction is
open while we talk to the payment gateway or a supplier, and every outbound call
carries our deterministic key (``booking:{id}:authorize``, ``booking:{id}:segment:{sid}:book``),
so re-running the saga from its last recovery point — after a crash, by the
completer job — never charges or books twice.

With virtual cards on (``settings.virtual_cards``), the suppliers are paid with the
booking's single-use card, issued between the authorization and the first supplier
call (``core.booking.cards``; the recorded card is that step's recovery point, and
``booking:{id}:card`` makes a repeated issue answer the same card); each segment's
booking records the authorization its supplier's charge obtained. Compensation
closes the card.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    Row,
    String,
    Table,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from core import audit, outbox
from core.approval.service import start_workflow
from core.booking import quota, states
from core.booking.access import load_visible_booking
from core.booking.cards import (
    CardRef,
    card_to_pay_with,
    close_cards_of,
    issued_card,
    record_card_payment,
)
from core.booking.changes import SimulatedCrash as SimulatedCrash
from core.booking.changes import crash_point, void_payment
from core.booking.fares import receipt_text, segments_fare
from core.booking.items import (
    booking_segments,
    judge,
    judge_to_pay,
    policy_items,
    red_reasons,
    segment_flights,
    segment_requests,
)
from core.booking.keys import (
    authorize_key,
    capture_key,
    segment_book_key,
    supplier_cancel_key,
    void_key,
)
from core.booking.passengers import (
    Manifest,
    manifest,
    ready_for_ticketing,
    record_tickets,
    ticketing_manifest,
)
from core.booking.purpose import note_request
from core.booking.recovery import (
    PAYMENT_COLUMNS,
    advance,
    authorization_row,
    load_fresh,
    record_authorization,
    resume_stale,
)
from core.booking.views import Answer, BookingView, booking_view, load_booking_view
from core.errors import (
    CoreError,
    HoldExpired,
    InvalidTransition,
    PaymentDeclined,
    PolicyBlocked,
    SupplierRejected,
    SupplierUnavailable,
)
from core.identity import Caller
from core.inventory.holds import convert_booking_holds, extend_booking_holds, release_booking_holds
from core.models import (
    Booking,
    Flight,
    Organization,
    Payment,
    PaymentStatus,
    ReviewItem,
    Segment,
    SegmentKind,
    SegmentPassenger,
    SegmentStatus,
)
from core.models import BookingStatus as S
from core.payment.gateway import Authorization
from core.policy.engine import PolicyStatus
from core.runtime import Runtime
from core.supplier.base import (
    SegmentRequest,
    SupplierConfirmation,
    SupplierRejectedError,
    SupplierTimeoutError,
    SupplierTransientError,
)
from core.supplier.resilience import circuit_retry_after

log = logging.getLogger(__name__)

# Recovery points, in order.
STARTED = "started"
AUTHORIZED = "authorized"
BOOKED = "booked"
CAPTURED = "captured"

#: A saga untouched for this long is considered stuck and resumed by the completer.
STALE_AFTER = timedelta(seconds=60)
#: While confirming, holds are kept well past any sweep.
CONFIRMING_HOLD = timedelta(hours=2)


async def _request_approval(
    rt: Runtime,
    session: AsyncSession,
    booking: Booking,
    verdict: dict[str, Any],
    now: datetime,
    noted: dict[str, str],
) -> None:
    """Park the booking until the approvers decide; its holds live until the workflow's
    deadline (the approval job expires both together)."""
    # Holds awaiting approval live up to 48 h: they have caps of their own.
    await quota.check_caps(
        session, rt.settings, org_id=booking.org_id, user_id=booking.created_by,
        booking_id=booking.id, places=await quota.places_of(session, booking.id),
        bucket="pending_approval", now=now,
    )
    # The workflow emits approval.requested to its first approver.
    workflow = await start_workflow(
        session, booking=booking, verdict=verdict, now=now, settings=rt.settings
    )
    await states.move(
        session, booking.id, expected=S.HELD, to=S.PENDING_APPROVAL, now=now,
        hold_expires_at=workflow.deadline, policy=verdict, policy_status=verdict["status"],
        approval_id=workflow.id, **noted,
    )
    await extend_booking_holds(session, booking.id, until=workflow.deadline)
    # The booking's own move, watched like the end of its approval (``_end_pending``): a
    # page open elsewhere (the trip confirmed from Slack) stops counting a hold down.
    outbox.emit(
        session, org_id=booking.org_id, topic="booking.pending_approval",
        key=f"booking:{booking.id}:pending_approval:{workflow.id}",
        payload={
            "booking_id": booking.id, "traveler_id": booking.traveler_id,
            "approval_id": workflow.id, "notify": [],
            "watchers": sorted({booking.traveler_id, booking.created_by}),
            "message": f"Booking {booking.id} is waiting for approval.",
        },
        at=now,
    )


async def resume_after_approval(rt: Runtime, booking_id: str) -> BookingView:
    """The last approval came in: run the rest of the confirmation saga.

    Safe to call again: only the call that moves the booking out of
    ``pending_approval`` (:func:`begin_after_approval`) runs the saga; a saga already
    under way is left to itself and the completer job.
    """
    async with rt.db.uow() as session:
        run = await begin_after_approval(rt, session, booking_id)
    if run:
        return await run_saga(rt, booking_id)
    return await load_booking_view(rt, booking_id)


async def begin_after_approval(rt: Runtime, session: AsyncSession, booking_id: str) -> bool:
    """The booking's side of its last approval, in the caller's transaction (the
    decision's own, so that a cancel cannot slip in between): ``pending_approval`` →
    ``confirming``, or ``expired`` / ``failed``. True when the saga is to run.

    Policy is checked again first (the approvers approved what they were shown; a
    trip that has since turned red, or now needs an approver nobody asked, is not
    paid for). A booking no longer waiting is left as it is.
    """
    now = rt.clock.now()
    booking = await load_fresh(session, Booking, booking_id)
    if booking.status != S.PENDING_APPROVAL:
        return False
    assert booking.hold_expires_at is not None
    if booking.hold_expires_at <= now:
        await _end_pending(session, booking, to=S.EXPIRED, now=now,
                           reason="The hold ran out before the approval arrived")
        return False
    items = await policy_items(session, booking)
    verdict = await judge(session, booking.org_id, items, now=now)
    verdict_dict: dict[str, Any] = verdict.to_dict()
    granted = set(booking.policy.get("approvals_required", []))
    missing = [r for r in verdict.approvals_required if r not in granted]
    if verdict.status == PolicyStatus.RED or missing:
        reasons = "; ".join(verdict.red_messages()) or (
            "the trip now also needs approval from " + ", ".join(missing)
        )
        await _end_pending(session, booking, to=S.FAILED, now=now,
                           reason=f"Policy: {reasons}", policy=verdict_dict)
        return False
    await states.move(
        session, booking.id, expected=S.PENDING_APPROVAL, to=S.CONFIRMING,
        now=now, saga_step=STARTED,
    )
    await extend_booking_holds(session, booking.id, until=now + CONFIRMING_HOLD)
    audit.record(
        session, org_id=booking.org_id, actor_id="system",
        action="booking.confirm_started", entity="booking", entity_id=booking.id,
        at=now, approval_id=booking.approval_id,
    )
    return True


async def end_pending_approval(rt: Runtime, booking_id: str, *, to: str, reason: str) -> BookingView:
    """A rejected (→ ``cancelled``) or expired (→ ``expired``) approval: give the seats
    and rooms back. A booking no longer waiting for approval is left as it is."""
    async with rt.db.uow() as session:
        await end_pending_in(rt, session, booking_id, to=to, reason=reason)
    return await load_booking_view(rt, booking_id)


async def end_pending_in(
    rt: Runtime, session: AsyncSession, booking_id: str, *, to: str, reason: str
) -> None:
    """:func:`end_pending_approval` in the caller's transaction (a rejection's own)."""
    booking = await load_fresh(session, Booking, booking_id)
    if booking.status == S.PENDING_APPROVAL:
        await _end_pending(
            session, booking, to=S(to), now=rt.clock.now(), reason=reason, told=True
        )


async def _end_pending(
    session: AsyncSession,
    booking: Booking,
    *,
    to: S,
    now: datetime,
    reason: str,
    told: bool = False,
    **values: Any,
) -> None:
    await release_booking_holds(session, booking.id, now=now)
    await session.execute(
        update(Segment)
        .where(Segment.booking_id == booking.id, Segment.status == SegmentStatus.HELD)
        .values(status=SegmentStatus.RELEASED)
        .execution_options(synchronize_session=False)
    )
    if to == S.CANCELLED:
        values["cancelled_at"] = now
    await states.move(
        session, booking.id, expected=S.PENDING_APPROVAL, to=to, now=now,
        failure_reason=reason[:500], **values,
    )
    audit.record(
        session, org_id=booking.org_id, actor_id="system", action=f"booking.{to}",
        entity="booking", entity_id=booking.id, at=now, reason=reason,
    )
    # The booking's own move, as every other move of it writes one: an open page (and
    # any feed reader) sees it leave "pending approval" at once. After a rejection or an
    # approval that ran out the traveller was just told by the approval's event: this one
    # only moves their lists (``watchers``), no second message. A trip that fails or
    # runs out after its approval is news, told like any other.
    payload: dict[str, Any] = {
        "booking_id": booking.id, "traveler_id": booking.traveler_id, "reason": reason[:500],
    }
    if told:
        payload["notify"] = []
        payload["watchers"] = sorted({booking.traveler_id, booking.created_by})
    outbox.emit(
        session, org_id=booking.org_id, topic=f"booking.{to}", key=f"booking:{booking.id}:{to}",
        payload=payload, at=now,
    )


async def confirm_booking(
    rt: Runtime,
    caller: Caller,
    booking_id: str,
    *,
    purpose: str | None = None,
    thread_id: str | None = None,
    answer: Answer | None = None,
) -> BookingView:
    """Confirm a held booking: approval, or payment + supplier booking + capture.

    ``purpose`` (what the trip is for) goes to the approver with the request;
    ``thread_id`` is the conversation it was confirmed from, where a decision is told.
    ``answer``: written with the view the flow answers, in the transaction that read it
    (for a confirmed booking, the one that confirmed it); not called when the flow ends
    another way (an error, a supplier's answer still to come).

    Returns the booking view; its status is ``confirmed``, or ``pending_approval`` /
    ``pending_confirmation`` / ``confirming`` when the outcome is still on its way.
    """
    now = rt.clock.now()
    failure: Exception | None = None
    run = False
    started: SagaStart | None = None
    async with rt.db.uow() as session:
        booking = await load_visible_booking(
            session, caller, booking_id, for_update=True, to_act=True
        )
        status = S(booking.status)
        if status == S.HELD:
            assert booking.hold_expires_at is not None
            if booking.hold_expires_at <= now:
                await release_booking_holds(session, booking.id, now=now)
                await states.move(session, booking.id, expected=S.HELD, to=S.EXPIRED, now=now)
                failure = HoldExpired(
                    f"The hold on {booking.id} expired at {booking.hold_expires_at:%H:%M} UTC; "
                    "search again to book"
                )
            else:
                # Names first: nothing is sent for approval or paid for unnamed seats
                # (raised here, it rolls this transaction back: nothing changes).
                # The segments read once for the names, the policy and the suppliers.
                segments = await booking_segments(session, booking.id)
                # Who flies, read once with their legal names and airline numbers: for
                # the names, the suppliers' requests and the confirmed booking's answer
                # (issue 15: read three times before, then with two reads of their own).
                people = (
                    await ticketing_manifest(session, booking.id)
                    if any(seg.kind == SegmentKind.FLIGHT for seg in segments)
                    else None
                )
                # The profiles kept, so the suppliers' requests below find them in the
                # session instead of reading them again.
                profiles = await ready_for_ticketing(
                    session, booking, segments=segments, people=people
                )
                noted = note_request(booking, purpose=purpose, thread_id=thread_id)
                # The offers' flights as their policy items read them, for the suppliers'
                # requests and the answer below (issue 15: read twice before).
                seen: dict[int, Flight] = {}
                items = await policy_items(session, booking, segments=segments, flights=seen)
                # The rules and the payment method in one read (issue 15: two before).
                verdict, payment_method = await judge_to_pay(
                    session, booking.org_id, items, now=now
                )
                verdict_dict: dict[str, Any] = verdict.to_dict()
                if verdict.status == PolicyStatus.RED:
                    reasons = red_reasons(verdict_dict)
                    await release_booking_holds(session, booking.id, now=now)
                    await states.move(
                        session, booking.id, expected=S.HELD, to=S.FAILED, now=now,
                        failure_reason=f"Policy: {reasons}"[:500], policy=verdict_dict,
                        policy_status=PolicyStatus.RED,
                    )
                    failure = PolicyBlocked(f"The travel policy does not allow this: {reasons}")
                elif verdict_dict.get("approvals_required"):
                    await _request_approval(rt, session, booking, verdict_dict, now, noted)
                elif (retry_after := _open_circuit(rt, segments)) is not None:
                    # Nothing is called, authorized or released: the booking stays held
                    # and the client is told when to try again.
                    failure = SupplierUnavailable(
                        "The supplier is not taking bookings right now; your hold is kept "
                        f"until {booking.hold_expires_at:%H:%M} UTC, try again in "
                        f"{retry_after} s",
                        retry_after=retry_after,
                    )
                else:
                    await states.move(
                        session, booking.id, expected=S.HELD, to=S.CONFIRMING, now=now,
                        saga_step=STARTED, policy=verdict_dict, policy_status=verdict.status,
                        **noted,
                    )
                    await extend_booking_holds(session, booking.id, until=now + CONFIRMING_HOLD)
                    audit.record(
                        session, org_id=booking.org_id, actor_id=caller.user_id,
                        action="booking.confirm_started", entity="booking", entity_id=booking.id,
                        at=now,
                    )
                    if people is None:
                        people = await manifest(session, booking.id)
                    flights = await segment_flights(session, segments, known=seen)
                    started = SagaStart(
                        payment_method=payment_method, amount_minor=booking.total_minor,
                        currency=booking.currency, org_id=booking.org_id,
                        # What each supplier is asked, read here with the names just
                        # copied, not in a transaction of its own before the calls.
                        requests=await _requests(
                            rt, session, booking, segments, flights=flights, people=people
                        ),
                        segments=tuple(segments), people=people, flights=flights,
                    )
                    del profiles  # kept until the requests were read
                    run = True
        elif status == S.EXPIRED:
            failure = HoldExpired(f"The hold on {booking.id} has expired; search again to book")
        elif status in (S.CANCELLED, S.FAILED):
            failure = InvalidTransition(f"Booking {booking.id} is {status} and cannot be confirmed")
        # confirmed / pending_approval / confirming / pending_confirmation: report as is.
    if failure is not None:
        raise failure
    if run:
        crash_point(rt, "after_start")
        return await run_saga(rt, booking_id, started=started, answer=answer)
    return await load_booking_view(rt, booking_id, answer=answer)


def _open_circuit(rt: Runtime, segments: Sequence[Segment]) -> int | None:
    """Seconds until every supplier of the booking's held segments takes calls again;
    ``None`` when they all do now."""
    kinds = {seg.kind for seg in segments if seg.status == SegmentStatus.HELD}
    waits = [circuit_retry_after(rt.supplier_for(kind)) for kind in sorted(kinds)]
    return max((w for w in waits if w is not None), default=None)


#: A booking whose saga is under way (the completer resumes these).
SAGA_ACTIVE = (S.CONFIRMING, S.PENDING_CONFIRMATION)
_SAGA_ACTIVE = frozenset(SAGA_ACTIVE)


async def _set_step(
    session: AsyncSession, booking_id: str, *, expected_step: str | None, step: str, now: datetime,
    **values: Any,
) -> bool:
    return await advance(
        session, Booking, booking_id, active=Booking.status.in_(SAGA_ACTIVE),
        step_column=Booking.saga_step, expected=expected_step, step=step, now=now, **values,
    )


#: A held segment to book: its id, kind and what its supplier is asked.
_Pending = tuple[str, str, SegmentRequest]


async def _requests(
    rt: Runtime,
    session: AsyncSession,
    booking: Booking,
    segments: Sequence[Segment],
    *,
    flights: Mapping[int, Flight] | None = None,
    people: Manifest | None = None,
) -> tuple[_Pending, ...]:
    """What each supplier is asked for the booking's held segments, in position order
    (read together: ``core.booking.items.segment_requests``; ``flights`` and ``people``
    read already)."""
    held = [seg for seg in segments if seg.status == SegmentStatus.HELD]
    asked = await segment_requests(
        session, booking, held, cipher=rt.pii, flights=flights, people=people
    )
    return tuple((seg.id, seg.kind, request) for seg, request in zip(held, asked, strict=True))


@dataclasses.dataclass(frozen=True)
class SagaStart:
    """What the transaction that started a saga (``confirming`` at ``started``) read and
    committed, so that the run it starts does not read it back (issue 15: the suppliers'
    requests and the organization were read again, in two transactions more).

    A saga started just now has no payment, card or booked segment yet: every held
    segment is still to book, with no card (one is issued only after the authorization
    this run makes). A resumed saga reads where it stands instead.

    ``segments`` (all the booking's, in position order), ``people`` (its manifest, the
    names copied) and ``flights`` (its segments' flights), as that transaction read and
    wrote them: while the booking is ``confirming`` nothing but its saga changes them
    (names and seats are chosen while it is held, check-in and changes once it is
    confirmed), so the confirmed booking's answer is built from them and what the
    suppliers answered (:class:`_Booked`), not read back."""

    payment_method: str
    amount_minor: int
    currency: str
    org_id: str
    requests: tuple[_Pending, ...]
    segments: tuple[Segment, ...] = ()
    people: Manifest | None = None
    flights: Mapping[int, Flight] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class _Booked:
    """What this run's supplier bookings wrote, each seen to apply (``written``: the
    segment's row moved from held to booked by this run's statement)."""

    answers: dict[str, SupplierConfirmation] = dataclasses.field(default_factory=dict)
    written: set[str] = dataclasses.field(default_factory=set)

    def remembered(self, started: SagaStart) -> tuple[list[Segment], Manifest] | None:
        """The booking's segments and manifest as they stand once every held segment of
        ``started`` is booked, from memory (``None`` when one was not written by this
        run: then they are read). The rows are detached copies' values set in place:
        no session holds them any more (the transaction that read them ended)."""
        held = [seg_id for seg_id, _, _ in started.requests]
        if started.people is None or not started.segments or set(held) != self.written:
            return None
        by_id = {seg.id: seg for seg in started.segments}
        for seg_id in held:
            answer = self.answers[seg_id]
            seg = by_id[seg_id]
            seg.status = SegmentStatus.BOOKED
            seg.locator = answer.locator
            seg.supplier = answer.supplier
            for link in started.people.by_segment.get(seg_id, []):
                number = answer.tickets.get(link.passenger_id)
                if link.ticket_number is None and number is not None:
                    link.ticket_number = number
        return list(started.segments), started.people


async def run_saga(
    rt: Runtime,
    booking_id: str,
    *,
    started: SagaStart | None = None,
    answer: Answer | None = None,
) -> BookingView:
    """Run (or resume) the saga of a booking in ``confirming`` / ``pending_confirmation``.

    ``started``: the saga was started just now by the caller's committed transaction
    (:func:`confirm_booking`); a resumed one reads where it stands. ``answer``: see
    :func:`confirm_booking`."""
    step: str | None
    status: str
    if started is not None:
        payment_method, step, status = started.payment_method, STARTED, S.CONFIRMING
        amount, currency = started.amount_minor, started.currency
    else:
        async with rt.db.uow(write=False) as session:
            booking = await load_fresh(session, Booking, booking_id)
            org = await session.get(Organization, booking.org_id)
            assert org is not None
            payment_method = org.payment_method
            step = booking.saga_step
            status = booking.status
            amount, currency = booking.total_minor, booking.currency
    if status not in SAGA_ACTIVE:
        return await load_booking_view(rt, booking_id, answer=answer)
    # The authorization's reference, once this run has recorded it (capture needs it).
    ref: str | None = None

    # 1. Authorize (manual capture).
    if step == STARTED:
        auth = await rt.payments.authorize(
            amount_minor=amount, currency=currency, payment_method=payment_method,
            idempotency_key=authorize_key(booking_id), metadata={"booking_id": booking_id},
        )
        crash_point(rt, "after_authorize_call")
        if auth.declined:
            await _record_payment(
                rt, booking_id, auth, org_id=started.org_id if started is not None else None
            )
            await _fail(rt, booking_id, f"Payment declined ({auth.decline_code or 'card_declined'})")
            raise PaymentDeclined(
                f"The company card was declined ({auth.decline_code or 'card_declined'}); "
                "nothing was booked or charged"
            )
        ref = await _record_payment(
            rt, booking_id, auth, org_id=started.org_id if started is not None else None
        )
        crash_point(rt, "after_authorized")
        step = AUTHORIZED

    # What this run booked, for a saga started just now: its answer is built from it.
    booked: _Booked | None = None
    # 2. Book each supplier segment: the point of no return (paid with the booking's
    #    virtual card when virtual cards are on).
    if step == AUTHORIZED:
        # With virtual cards off nothing is issued: a card issued while they were on is
        # read with the segments (issue 15: one transaction fewer).
        issuing = rt.settings.virtual_cards
        card = await _card(rt, booking_id, amount, currency) if issuing else None
        crash_point(rt, "after_card_issued")
        # A saga started just now with no card issued (virtual cards off) has none at all.
        booked = _Booked() if started is not None and card is None else None
        outcome = await _book_segments(
            rt, booking_id, card, read_card=not issuing,
            known=(started.org_id, started.requests) if started is not None else None,
            booked=booked,
        )
        if outcome is not None:
            return outcome
        step = BOOKED  # recorded with the last segment (or here, when none was left)

    # 3. Capture, then confirmed + outbox event, in one transaction.
    if step == BOOKED:
        if ref is None:
            async with rt.db.uow(write=False) as session:
                payment = await session.scalar(
                    select(Payment).where(Payment.idempotency_key == authorize_key(booking_id))
                )
                assert payment is not None
                assert payment.provider_ref is not None
                ref = payment.provider_ref
        try:
            captured = await rt.payments.capture(ref, idempotency_key=capture_key(booking_id))
        except Exception:
            log.exception("capture failed for %s; the completer will retry", booking_id)
            return await load_booking_view(rt, booking_id)
        crash_point(rt, "after_capture_call")
        remembered = (
            booked.remembered(started) if booked is not None and started is not None else None
        )
        confirmed = await _finish(
            rt, booking_id, captured, answer,
            known=(*remembered, started.flights) if remembered and started else None,
        )
        if confirmed is not None:
            return confirmed
    return await load_booking_view(rt, booking_id, answer=answer)


async def _record_payment(
    rt: Runtime, booking_id: str, auth: Authorization, *, org_id: str | None = None
) -> str | None:
    """Record the authorization (and the step past it); its reference as stored.
    ``org_id``: the booking's, when the caller knows it (the step's guard checks the
    booking is still where the saga left it)."""
    now = rt.clock.now()
    if org_id is not None and not auth.declined and not rt.db.is_sqlite:
        # PostgreSQL: the payment and the step past it as one autocommitted statement
        # (issue 15: 1 round trip, where BEGIN, the INSERT, the UPDATE and COMMIT were 4).
        # No row back: the key's payment was there already, or another run moved the
        # step; the transaction below answers either as before (its INSERT finds the row).
        async with rt.db.single() as session:
            recorded = (
                await session.execute(
                    _AUTHORIZED, _authorized_params(rt, booking_id, auth, org_id=org_id, now=now)
                )
            ).first()
        if recorded is not None:
            return str(recorded.provider_ref)
    async with rt.db.uow() as session:
        if org_id is None:
            org_id = (await load_fresh(session, Booking, booking_id)).org_id
        payment = await record_authorization(session, _authorization(rt, booking_id, auth, org_id, now))
        if not auth.declined:
            await _set_step(
                session, booking_id, expected_step=STARTED, step=AUTHORIZED, now=now,
                payment_id=payment.id,
            )
        return payment.provider_ref


def _authorized() -> ReturningUpdate[Any]:
    """:func:`_record_payment`'s transaction as one PostgreSQL statement: the payment's
    ``INSERT … ON CONFLICT (idempotency_key) DO NOTHING`` a data-modifying CTE of the
    booking's UPDATE to ``authorized`` (if still at ``started``) with the new payment's
    id; bound per call (:func:`_authorized_params`). A row (the authorization's reference)
    only when both wrote. Built once (building it cost about what the round trips it
    saves did)."""
    payments, bookings = Payment.__table__, Booking.__table__
    assert isinstance(payments, Table)
    assert isinstance(bookings, Table)
    paid = (
        postgresql.insert(payments)
        .values({c: bindparam(f"p_{c}", type_=payments.c[c].type) for c in PAYMENT_COLUMNS})
        .on_conflict_do_nothing(index_elements=[payments.c.idempotency_key])
        .returning(payments.c.id, payments.c.provider_ref)
        .cte("paid")
    )
    return (
        update(bookings)
        .add_cte(paid)
        .where(
            bookings.c.id == bindparam("booking_id", type_=String),
            # constants, not an expanding IN (rendered again at each execution)
            or_(*(bookings.c.status == literal_column(f"'{s}'") for s in SAGA_ACTIVE)),
            bookings.c.saga_step == STARTED,
            select(paid.c.id).exists(),
        )
        .values(
            saga_step=AUTHORIZED,
            updated_at=bindparam("now", type_=bookings.c.updated_at.type),
            payment_id=select(paid.c.id).scalar_subquery(),
        )
        .returning(select(paid.c.provider_ref).scalar_subquery().label("provider_ref"))
    )


_AUTHORIZED = _authorized()


def _authorized_params(
    rt: Runtime, booking_id: str, auth: Authorization, *, org_id: str, now: datetime
) -> dict[str, Any]:
    """:data:`_AUTHORIZED`'s values: an authorization that was not declined (the row
    :func:`core.booking.recovery.record_authorization` writes)."""
    row = _authorization(rt, booking_id, auth, org_id, now)
    return {"booking_id": booking_id, "now": now} | {f"p_{k}": v for k, v in row.items()}


def _authorization(
    rt: Runtime, booking_id: str, auth: Authorization, org_id: str, now: datetime
) -> dict[str, Any]:
    """The booking's payment row for ``auth`` (its key: :func:`authorize_key`)."""
    return authorization_row(
        key=authorize_key(booking_id), org_id=org_id, booking_id=booking_id,
        gateway=rt.payments.name, auth=auth, amount_minor=auth.amount_minor, now=now,
    )


async def _card(rt: Runtime, booking_id: str, amount: int, currency: str) -> CardRef | None:
    """The virtual card the suppliers charge (``None``: company-card charging). An issuer
    that is down leaves the saga to the completer; one that refuses ends it."""
    try:
        return await card_to_pay_with(rt, booking_id, amount_minor=amount, currency=currency)
    except CoreError as exc:
        if exc.extra.get("transient"):
            raise
        await _compensate(rt, booking_id, f"The virtual card could not be issued ({exc.code})")
        raise


async def _book_segments(
    rt: Runtime,
    booking_id: str,
    card: CardRef | None,
    *,
    read_card: bool = False,
    known: tuple[str, Sequence[_Pending]] | None = None,
    booked: _Booked | None = None,
) -> BookingView | None:
    """Book every segment not booked yet and record the saga's ``booked`` step with the
    last one (in its transaction). ``None`` when all are booked. ``read_card``: the card
    is the one issued already, if any, read here with the segments. ``known``: the
    booking's organization and its held segments' requests, from the transaction that
    started the saga just now (nothing booked or issued since): nothing is read.
    ``booked``: told each supplier's answer, and which segments this run's writes moved."""
    pending: Sequence[_Pending]
    if known is not None:
        org_id, pending = known
    else:
        async with rt.db.uow(write=False) as session:
            if read_card:
                card = await issued_card(session, booking_id)
            booking = await load_fresh(session, Booking, booking_id)
            org_id = booking.org_id
            pending = await _requests(
                rt, session, booking,
                (
                    await session.scalars(
                        select(Segment)
                        .where(Segment.booking_id == booking_id)
                        .order_by(Segment.position)
                    )
                ).all(),
            )
    if not pending:  # a run that stopped after the last segment's answer was recorded
        async with rt.db.uow() as session:
            await _set_step(
                session, booking_id, expected_step=AUTHORIZED, step=BOOKED, now=rt.clock.now()
            )
        return None
    for index, (seg_id, kind, request) in enumerate(pending):
        if card is not None:
            request = dataclasses.replace(request, card_ref=card.provider_ref)
        supplier = rt.supplier_for(kind)
        try:
            confirmation = await supplier.book(request, idempotency_key=segment_book_key(booking_id, seg_id))
        except SupplierTimeoutError:
            await _needs_review(rt, booking_id, "supplier_timeout", f"No answer for segment {seg_id}")
            return await load_booking_view(rt, booking_id)
        except SupplierRejectedError as exc:
            await _compensate(rt, booking_id, f"Supplier refused: {exc}")
            raise SupplierRejected(f"The supplier refused the booking: {exc}") from exc
        except SupplierTransientError as exc:
            await _compensate(rt, booking_id, f"Supplier unavailable: {exc}")
            raise SupplierUnavailable(
                "The supplier is unavailable right now; nothing was booked or charged",
                retry_after=getattr(exc, "retry_after", None),
            ) from exc
        crash_point(rt, "after_supplier_call")
        last = index == len(pending) - 1
        if booked is not None:
            booked.answers[seg_id] = confirmation
        if card is None and not rt.db.is_sqlite:
            # The segment, its tickets and the booking's step (or its touch) in one
            # statement, its own transaction (issue 15: 1 round trip, not 5).
            async with rt.db.single() as session:
                moved = await session.scalar(
                    _segment_booked(booking_id, seg_id, confirmation, last=last, now=rt.clock.now())
                )
            if booked is not None and moved:
                booked.written.add(seg_id)
            continue
        async with rt.db.uow() as session:
            result = await session.execute(
                update(Segment)
                .where(Segment.id == seg_id, Segment.status == SegmentStatus.HELD)
                .values(status=SegmentStatus.BOOKED, locator=confirmation.locator,
                        supplier=confirmation.supplier)
                .execution_options(synchronize_session=False)
            )
            if booked is not None and result.rowcount == 1:  # type: ignore[attr-defined]
                booked.written.add(seg_id)
            if card is not None and confirmation.card_authorization is not None:
                await record_card_payment(
                    session, card=card, org_id=org_id, booking_id=booking_id,
                    segment_id=seg_id, auth=confirmation.card_authorization, now=rt.clock.now(),
                )
            # The tickets with the locator: one recovery point.
            await record_tickets(session, seg_id, confirmation.tickets)
            if last:
                # Every segment booked: the saga's next step, in the same commit.
                if not await _set_step(
                    session, booking_id, expected_step=AUTHORIZED, step=BOOKED,
                    now=rt.clock.now(),
                ) and booked is not None:
                    booked.written.discard(seg_id)  # another run is ahead of this one
            else:
                await session.execute(
                    update(Booking).where(Booking.id == booking_id)
                    .values(updated_at=rt.clock.now())
                    .execution_options(synchronize_session=False)
                )
    return None


def _segment_booked(
    booking_id: str, seg_id: str, confirmation: SupplierConfirmation, *, last: bool,
    now: datetime,
) -> ReturningUpdate[int]:
    """What a segment's booking records, as one PostgreSQL statement: the segment booked
    with its locator (if still held), its passengers' e-tickets (those not set yet), and
    the booking touched or, for the ``last`` segment, moved to the saga's ``booked`` step
    (if still at ``authorized``) — the same writes as the transaction of three statements
    SQLite runs, data-modifying CTEs of the booking's UPDATE. It returns how many segments
    it moved (1, or 0 when the segment was no longer held), with no row when it did not
    touch the booking (the ``last`` one, another run having moved the step)."""
    booked = (
        update(Segment)
        .where(Segment.id == seg_id, Segment.status == SegmentStatus.HELD)
        .values(status=SegmentStatus.BOOKED, locator=confirmation.locator,
                supplier=confirmation.supplier)
        .returning(Segment.id)
        .cte("booked")
    )
    ctes: list[CTE] = [booked]
    if confirmation.tickets:
        # The tickets as two bound arrays, unnested: a VALUES list of literal rows has no
        # cache key, so the statement was compiled anew on every call (~4 ms of CPU a
        # segment, perf36b); with arrays its shape is the same whatever the tickets.
        passengers, numbers = zip(*sorted(confirmation.tickets.items()), strict=True)
        tickets = func.unnest(
            bindparam("ticket_passengers", list(passengers), type_=postgresql.ARRAY(String)),
            bindparam("ticket_numbers", list(numbers), type_=postgresql.ARRAY(String)),
        ).table_valued(
            column("passenger_id", String), column("number", String)
        ).render_derived(name="tickets")
        ctes.append(
            update(SegmentPassenger)
            .where(
                SegmentPassenger.segment_id == seg_id,
                SegmentPassenger.passenger_id == tickets.c.passenger_id,
                SegmentPassenger.ticket_number.is_(None),
            )
            .values(ticket_number=tickets.c.number)
            .returning(SegmentPassenger.id)
            .cte("ticketed")
        )
    touched = update(Booking).where(Booking.id == booking_id)
    if last:  # as _set_step(expected_step=AUTHORIZED, step=BOOKED)
        touched = touched.where(
            Booking.status.in_(SAGA_ACTIVE), Booking.saga_step == AUTHORIZED
        ).values(saga_step=BOOKED, updated_at=now)
    else:
        touched = touched.values(updated_at=now)
    return (
        touched.add_cte(*ctes)
        .returning(select(func.count()).select_from(booked).scalar_subquery())
        .execution_options(synchronize_session=False)
    )


async def _finish(
    rt: Runtime,
    booking_id: str,
    captured: Authorization,
    answer: Answer | None,
    *,
    known: tuple[list[Segment], Manifest, Mapping[int, Flight]] | None = None,
) -> BookingView | None:
    """Captured: the booking confirmed, with its outbox event, in one transaction, and its
    view read (and ``answer`` written) in it too, not in one more after it (issue 15).
    ``None`` when another run had finished it already. ``known``: the booking's segments,
    manifest and flights as they stand, and no virtual card (a saga started and booked by
    this run, :meth:`_Booked.remembered`): the view is built from them, nothing read."""
    now = rt.clock.now()
    try:
        return await _finish_in(rt, booking_id, captured, answer, known=known, now=now)
    except _FinishedAlready:
        return None


class _FinishedAlready(Exception):
    """Another run had moved the booking out of its saga: :func:`_finish_in`'s writes
    are rolled back."""


async def _finish_in(
    rt: Runtime,
    booking_id: str,
    captured: Authorization,
    answer: Answer | None,
    *,
    known: tuple[list[Segment], Manifest, Mapping[int, Flight]] | None,
    now: datetime,
) -> BookingView:
    async with rt.db.uow() as session:
        # Rows locked in the order they always were (payment, holds and inventory, then
        # the booking). The booking's move is guarded by its saga being under way and
        # returns its row (issue 15: read before it): when another run finished it
        # already, nothing moves and this transaction is rolled back.
        await session.execute(
            update(Payment)
            .where(Payment.idempotency_key == authorize_key(booking_id))
            .values(status=PaymentStatus.CAPTURED, captured_minor=captured.amount_captured or captured.amount_minor,
                    updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await convert_booking_holds(session, booking_id, now=now)
        booking = await states.move_among(
            session, booking_id, among=_SAGA_ACTIVE, to=S.CONFIRMED, now=now,
            saga_step=CAPTURED, confirmed_at=now, hold_expires_at=None,
        )
        if booking is None:
            raise _FinishedAlready(booking_id)
        await session.execute(
            update(ReviewItem)
            .where(ReviewItem.booking_id == booking_id, ReviewItem.resolved_at.is_(None))
            .values(resolved_at=now)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session, org_id=booking.org_id, actor_id="system", action="booking.confirmed",
            entity="booking", entity_id=booking_id, at=now, total_minor=booking.total_minor,
        )
        # The receipt: what was paid, split as it was sold. The segments read once, for
        # it and for the view below (issue 15: read twice before), or known.
        segments = known[0] if known is not None else await booking_segments(session, booking_id)
        fare = await segments_fare(
            session,
            [
                seg
                for seg in segments
                if seg.status == SegmentStatus.BOOKED and seg.replaced_by is None
            ],
            booking.currency,
        )
        outbox.emit(
            session, org_id=booking.org_id, topic="booking.confirmed",
            key=f"booking:{booking_id}:confirmed",
            payload={
                "booking_id": booking_id,
                "traveler_id": booking.traveler_id,
                "fare": fare.as_json(),
                "message": f"Your booking {booking_id} is confirmed and paid: {receipt_text(fare)}.",
            },
            at=now,
        )
        # As moved (its UPDATE returned it); a booking confirmed only now has no
        # disruption to read.
        view = (
            await booking_view(
                session, booking, confirming=True, segments=segments, people=known[1],
                flights=known[2], cards=[],
            )
            if known is not None
            else await booking_view(session, booking, confirming=True, segments=segments)
        )
        if answer is not None:
            await answer(session, view)
        return view


async def _needs_review(rt: Runtime, booking_id: str, reason: str, detail: str) -> None:
    now = rt.clock.now()
    async with rt.db.uow() as session:
        booking = await load_fresh(session, Booking, booking_id)
        if booking.status == S.CONFIRMING:
            await states.move(session, booking_id, expected=S.CONFIRMING, to=S.PENDING_CONFIRMATION, now=now)
        existing = await session.scalar(
            select(ReviewItem).where(ReviewItem.booking_id == booking_id, ReviewItem.reason == reason)
        )
        if existing is None:
            session.add(ReviewItem(org_id=booking.org_id, booking_id=booking_id, reason=reason,
                                   detail=detail, created_at=now))
        else:
            existing.resolved_at = None


async def _fail(rt: Runtime, booking_id: str, reason: str) -> None:
    now = rt.clock.now()
    async with rt.db.uow() as session:
        booking = await load_fresh(session, Booking, booking_id)
        if booking.status not in SAGA_ACTIVE:
            return
        await release_booking_holds(session, booking_id, now=now)
        await session.execute(
            update(Segment)
            .where(Segment.booking_id == booking_id, Segment.status == SegmentStatus.HELD)
            .values(status=SegmentStatus.RELEASED)
            .execution_options(synchronize_session=False)
        )
        await states.move(session, booking_id, expected=booking.status, to=S.FAILED, now=now,
                          failure_reason=reason[:500])
        outbox.emit(
            session, org_id=booking.org_id, topic="booking.failed", key=f"booking:{booking_id}:failed",
            payload={"booking_id": booking_id, "reason": reason}, at=now,
        )


async def _compensate(rt: Runtime, booking_id: str, reason: str) -> None:
    """Undo what the saga did before the pivot completed: cancel booked segments, void, release."""
    async with rt.db.uow(write=False) as session:
        booked = (
            await session.scalars(
                select(Segment).where(Segment.booking_id == booking_id,
                                      Segment.status == SegmentStatus.BOOKED)
            )
        ).all()
        to_cancel = [(s.id, s.kind, s.locator) for s in booked]
        payment = await session.scalar(
            select(Payment).where(Payment.idempotency_key == authorize_key(booking_id))
        )
        payment_ref = payment.provider_ref if payment and payment.status == PaymentStatus.AUTHORIZED else None
        payment_id = payment.id if payment is not None else None
    for seg_id, kind, locator in to_cancel:
        if locator:
            try:
                await rt.supplier_for(kind).cancel(locator, idempotency_key=supplier_cancel_key(booking_id, seg_id))
            except Exception:
                log.exception("compensation: cancelling %s failed", locator)
                await _needs_review(rt, booking_id, "compensation_failed", f"cancel {locator} failed")
    if payment_ref and payment_id is not None:
        await void_payment(rt, payment_id, payment_ref, key=void_key(booking_id), flow=f"compensation of {booking_id}")
    async with rt.db.uow() as session:
        await session.execute(
            update(Segment).where(Segment.booking_id == booking_id, Segment.status == SegmentStatus.BOOKED)
            .values(status=SegmentStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )
    # Nothing more will be paid with the booking's card (the card closer retries a failure).
    await close_cards_of(rt, booking_id)
    await _fail(rt, booking_id, reason)


async def complete_stuck_sagas(rt: Runtime, *, limit: int = 50) -> int:
    """The completer job: resume sagas left half-way (a crash, a supplier timeout)."""

    async def resume(row: Row[Any]) -> None:
        await run_saga(rt, row.id)

    return await resume_stale(
        rt, model=Booking, active=Booking.status.in_(SAGA_ACTIVE),
        attempts_column=Booking.saga_attempts, stale_after=STALE_AFTER, run=resume, limit=limit,
    )
