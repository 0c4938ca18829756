"""Trips: the caller's bookings as trips ("My trips"), their reports' ("Team trips"),
and one trip. Session services; they only read.

Who sees a trip is the booking's rule (:func:`core.booking.access.load_visible_booking`:
anyone else gets ``NotFound``); which list it is on is
:func:`core.booking.service.list_bookings`'s ``whose`` (the two lists never share a
booking); which actions it offers is decided here, from the booking's status, the
clock and the reader's rights, so that a button is only drawn when the core would
accept what it sends.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.access import ActingRights, acting_rights, load_visible_booking
from core.booking.changes import payments_of
from core.booking.service import list_bookings
from core.booking.views import BookingView, FlightSegmentView, booking_view, booking_views
from core.catalogue.zones import on_clock
from core.checkin.window import checkin_window, departure
from core.config import Settings
from core.errors import Forbidden
from core.identity import Caller
from core.itinerary.views import ItineraryFlight, ItineraryStay, itinerary_of
from core.models import (
    Airport,
    ApprovalStatus,
    ApprovalWorkflow,
    Booking,
    BookingStatus,
    ChangeKind,
    ChangeStatus,
    Flight,
    FlightStatus,
    PaymentStatus,
    Segment,
    SegmentStatus,
    User,
)
from core.money import Money, money_text
from core.orgchart import report_ids
from core.policy.render import role_label
from core.trips.views import (
    TripAction,
    TripBoardingPass,
    TripCheckIn,
    TripFlight,
    TripGuest,
    TripHold,
    TripList,
    TripPayment,
    TripPerson,
    TripPolicy,
    TripView,
    Whose,
)

S = BookingStatus
_HOLDING = (S.HELD, S.PENDING_APPROVAL)
_PAID = (S.CONFIRMED, S.REQUIRES_ATTENTION)
_CANCELLABLE = (S.HELD, S.PENDING_APPROVAL, S.CONFIRMED)
_SEATABLE = (S.HELD, S.PENDING_APPROVAL, S.CONFIRMED)
_CLOSED = (S.CANCELLED, S.EXPIRED, S.FAILED)
_OPEN_CHANGE = (ChangeStatus.PENDING_APPROVAL, ChangeStatus.RUNNING)
_CHANGE_WORDS = {
    ChangeKind.REBOOK: "flight change",
    ChangeKind.CANCEL: "cancellation",
    ChangeKind.SEATS: "seat purchase",
}

STATUS_TEXT: dict[BookingStatus, str] = {
    S.HELD: "Held, not paid yet",
    S.PENDING_APPROVAL: "Waiting for approval",
    S.CONFIRMING: "Confirming",
    S.PENDING_CONFIRMATION: "Waiting for the airline or hotel",
    S.CONFIRMED: "Confirmed",
    S.REQUIRES_ATTENTION: "Needs attention",
    S.CANCELLED: "Cancelled",
    S.EXPIRED: "Expired",
    S.FAILED: "Failed",
}
POLICY_LABEL = {"green": "In policy", "amber": "Needs approval", "red": "Out of policy"}


def in_words(seconds: float) -> str:
    """A span as people say it: ``2 days``, ``3 hours``, ``15 minutes``; rounded to the
    unit that fits, never a clock (``47h 59:59``)."""
    if seconds < 60:
        return "less than a minute"
    minutes = _nearest(seconds / 60)
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = _nearest(seconds / 3600)
    if hours < 36:
        return f"{hours} hours"
    return f"{_nearest(seconds / 86400)} days"


def _nearest(value: float) -> int:
    """Half up, as the page's ``Math.round`` (``round`` would go to the even one)."""
    return int(value + 0.5)


def hold_text(seconds: float) -> str:
    return f"Hold expires in {in_words(seconds)}" if seconds > 0 else "Hold expired"


def _money_text(money: Money) -> str:
    return money_text(money.minor(), money.currency)


def _policy(raw: dict[str, object]) -> TripPolicy:
    status = str(raw.get("status") or "green")
    findings = raw.get("violations")
    reasons = (
        [str(v.get("message")) for v in findings if isinstance(v, dict) and v.get("message")]
        if isinstance(findings, list)
        else []
    )
    roles = raw.get("approvals_required")
    return TripPolicy(
        status=status,
        label=POLICY_LABEL.get(status, "Policy unknown"),
        reasons=reasons,
        approvals_required=[role_label(str(r)) for r in roles] if isinstance(roles, list) else [],
    )


async def _payment(session: AsyncSession, view: BookingView) -> TripPayment:
    """What was charged and given back, from our payment records and the refund due."""
    payments = await payments_of(session, view.booking_id)
    currency = view.total.currency
    captured = sum(p.captured_minor for p in payments)
    refunded = sum(p.refunded_minor for p in payments)
    authorized = any(p.status == PaymentStatus.AUTHORIZED for p in payments)
    due = view.refund.due.minor() if view.refund is not None else 0
    if captured == 0:
        if authorized and view.status not in _CLOSED:
            return TripPayment(state="authorizing", text="Card authorized, not charged yet")
        text = "Nothing was charged" if view.status in _CLOSED else "Not charged yet"
        return TripPayment(state="not_charged", text=text)
    paid = Money.of(captured, currency)
    back = Money.of(refunded, currency) if refunded else None
    if due > refunded:
        owed = Money.of(due - refunded, currency)
        return TripPayment(
            state="refund_pending",
            text=f"Paid {_money_text(paid)}; refund of {_money_text(owed)} on its way",
            paid=paid,
            refunded=back,
            refund_due=owed,
        )
    if back is not None:
        whole = refunded >= captured
        return TripPayment(
            state="refunded" if whole else "partly_refunded",
            text=(
                f"Refunded {_money_text(back)}"
                if whole
                else f"Paid {_money_text(paid)}, {_money_text(back)} refunded"
            ),
            paid=paid,
            refunded=back,
        )
    return TripPayment(state="paid", text=f"Paid {_money_text(paid)}", paid=paid)


async def _flights(session: AsyncSession, booking_id: str) -> dict[str, Flight]:
    rows = await session.execute(
        select(Segment.id, Flight)
        .join(Flight, Flight.id == Segment.flight_id)
        .where(Segment.booking_id == booking_id)
    )
    return {seg_id: flight for seg_id, flight in rows.tuples().all()}


def _day_marker(days: int) -> str | None:
    return None if days == 0 else f"{days:+d}"


def _trip_flight(
    entry: ItineraryFlight,
    seg: FlightSegmentView,
    flight: Flight,
    names: dict[str, str],
    settings: Settings,
    now: dt.datetime,
) -> TripFlight:
    days = (entry.end.date() - entry.start.date()).days
    window = checkin_window(flight, settings)
    return TripFlight(
        **dict(entry),
        arrives_days_later=days,
        day_marker=_day_marker(days),
        duration_minutes=int((seg.arrive_at - seg.depart_at).total_seconds() // 60),
        check_in=TripCheckIn(
            opens_at=window.opens_at,
            closes_at=window.closes_at,
            opens_local=on_clock(window.opens_at, ZoneInfo(entry.origin.tz)),
            closes_local=on_clock(window.closes_at, ZoneInfo(entry.origin.tz)),
            open=window.is_open(now) and flight.status != FlightStatus.CANCELLED,
        ),
        boarding_passes=[
            TripBoardingPass(pass_id=p.boarding_pass_id, passenger=names.get(p.passenger_id, ""))
            for p in seg.passengers
            if p.boarding_pass_id
        ],
    )


def _open_change(view: BookingView) -> str | None:
    """A cancellation or rebooking under way, in words (one at a time per booking)."""
    for change in view.changes:
        if change.status in _OPEN_CHANGE:
            what = _CHANGE_WORDS.get(change.kind, "change")
            if change.status == ChangeStatus.PENDING_APPROVAL:
                return f"A {what} is waiting for approval ({change.approval_id})"
            return f"A {what} is under way"
    return None


def _actions(
    view: BookingView,
    flights: list[tuple[TripFlight, FlightSegmentView, Flight]],
    *,
    may_act: bool,
    hold_live: bool,
    now: dt.datetime,
) -> list[TripAction]:
    """What the reader may do now: each one the core would accept at this moment."""
    bid = view.booking_id
    out: list[TripAction] = []
    live = view.status not in _HOLDING or hold_live
    changing = _open_change(view) is not None  # the core takes one change at a time
    ahead = [
        (trip, seg, flight)
        for trip, seg, flight in flights
        if departure(flight) > now and seg.status != SegmentStatus.CANCELLED
    ]
    if may_act and live:
        booked = [f for f in ahead if f[1].status == SegmentStatus.BOOKED]
        for trip, seg, _ in booked:
            everyone_in = seg.passengers and all(p.boarding_pass_id for p in seg.passengers)
            if view.status == S.CONFIRMED and trip.check_in.open and not everyone_in:
                out.append(
                    TripAction(
                        action="check_in",
                        label=f"Check in {trip.carrier} {trip.number}",
                        segment_id=seg.segment_id,
                    )
                )
        if view.status in _SEATABLE and ahead:
            out.append(TripAction(action="choose_seats", label="Choose seats"))
        if view.status in _PAID and not view.disruption and not changing:
            for trip, seg, _ in booked:
                out.append(
                    TripAction(
                        action="change_flight",
                        label=f"Change {trip.carrier} {trip.number}",
                        segment_id=seg.segment_id,
                        date=trip.start.date(),
                    )
                )
    if view.status in _PAID:
        for trip, _, _ in flights:
            for bp in trip.boarding_passes:
                out.append(
                    TripAction(
                        action="boarding_pass",
                        label=f"Boarding pass {trip.carrier} {trip.number} · {bp.passenger}",
                        pass_id=bp.pass_id,
                        segment_id=trip.segment_id,
                        href=f"/v1/boarding-passes/{bp.pass_id}.pdf",
                    )
                )
    if view.status not in (S.EXPIRED, S.FAILED) and view.segments:
        out.append(
            TripAction(
                action="add_to_calendar",
                label="Add to calendar",
                href=f"/v1/bookings/{bid}/itinerary.ics",
            )
        )
        out.append(
            TripAction(action="itinerary", label="Itinerary", href=f"/v1/bookings/{bid}/itinerary")
        )
    if may_act and live and view.status in _CANCELLABLE and not changing:
        out.append(TripAction(action="cancel", label="Cancel trip"))
    return out


async def _guests(
    session: AsyncSession, caller: Caller, view: BookingView, flights: dict[str, Flight]
) -> list[TripGuest]:
    """The booking's guests and their passports (masked): whether a flight between two
    countries needs one they lack — what check-in's document check would refuse
    (``core.checkin.documents``: valid until that flight lands) — and whether the reader
    may add it (``core.booking.guest_documents``: booker, traveller or an admin)."""
    guests = [p for p in view.passengers if p.traveler_id is None]
    if not guests:
        return []
    codes = sorted({code for f in flights.values() for code in (f.origin, f.destination)})
    rows = await session.execute(
        select(Airport.code, Airport.country).where(Airport.code.in_(codes))
    )
    countries = dict(rows.tuples().all())
    lands: dict[str, dt.date] = {}  # a passenger's last landing across a border
    for seg in view.segments:
        if not isinstance(seg, FlightSegmentView) or seg.status == SegmentStatus.CANCELLED:
            continue
        if countries.get(seg.origin) == countries.get(seg.destination):
            continue
        day = seg.arrive_at.date()
        for link in seg.passengers:
            lands[link.passenger_id] = max(day, lands.get(link.passenger_id, day))
    live = view.status not in _CLOSED
    may_edit = live and (caller.user_id in (view.traveler_id, view.created_by) or caller.is_admin)
    out = []
    for p in guests:
        ends = lands.get(p.passenger_id)
        lacking = p.document is None or (ends is not None and p.document.expires_on < ends)
        out.append(
            TripGuest(
                passenger_id=p.passenger_id,
                name=" ".join(n for n in (p.given_name, p.family_name) if n) or p.passenger_id,
                passport=p.document,
                passport_needed=live and ends is not None and lacking,
                may_edit=may_edit,
            )
        )
    return out


async def _names(session: AsyncSession, ids: set[str]) -> dict[str, str]:
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(sorted(ids))))
    return {uid: name for uid, name in rows.tuples().all()}


async def trip_of(
    session: AsyncSession,
    caller: Caller,
    booking: Booking,
    *,
    settings: Settings,
    now: dt.datetime,
    reports: set[str],
    acting: ActingRights,
    view: BookingView | None = None,
) -> TripView:
    """One visible booking as a trip, for ``caller`` (``reports``, ``acting``: theirs;
    ``view``: the booking's, read already with a list's others)."""
    if view is None:
        view = await booking_view(session, booking)
    itinerary = await itinerary_of(session, view)
    people = await _names(session, {view.traveler_id, view.created_by})
    passenger_names = {
        p.passenger_id: " ".join(n for n in (p.given_name, p.family_name) if n)
        or people.get(p.traveler_id or "", "")
        for p in view.passengers
    }
    rows = await _flights(session, view.booking_id)
    segments = {s.segment_id: s for s in view.segments}
    entries: list[TripFlight | ItineraryStay] = []
    flights: list[tuple[TripFlight, FlightSegmentView, Flight]] = []
    for entry in itinerary.entries:
        seg = segments.get(entry.segment_id)
        if isinstance(entry, ItineraryFlight) and isinstance(seg, FlightSegmentView):
            flight = rows[entry.segment_id]
            trip = _trip_flight(entry, seg, flight, passenger_names, settings, now)
            flights.append((trip, seg, flight))
            entries.append(trip)
        elif isinstance(entry, ItineraryStay):
            entries.append(entry)

    hold = None
    hold_live = False
    if view.status in _HOLDING and view.hold_expires_at is not None:
        left = max(0, int((view.hold_expires_at - now).total_seconds()))
        hold_live = left > 0
        hold = TripHold(expires_at=view.hold_expires_at, seconds_left=left, text=hold_text(left))

    whose: Whose = "organization"
    if view.traveler_id == caller.user_id:
        whose = "mine"
    elif view.traveler_id in reports:
        whose = "team"
    elif view.created_by == caller.user_id:
        whose = "mine"
    may_act = acting.may_act_on(view.traveler_id, view.created_by)
    places = [e for e in entries if isinstance(e, TripFlight)]
    if places:
        home = places[0].origin.city
        away = next((f.destination.city for f in places if f.destination.city != home), home)
        title = f"{home} → {away}"
    else:
        stays = [e for e in entries if isinstance(e, ItineraryStay)]
        title = f"Stay in {stays[0].city}" if stays else view.booking_id
    return TripView(
        booking_id=view.booking_id,
        status=view.status,
        status_text=STATUS_TEXT.get(view.status, str(view.status)),
        whose=whose,
        title=title,
        starts=min((e.start.date() for e in entries), default=None),
        ends=max((e.end.date() for e in entries), default=None),
        traveler=TripPerson(
            id=view.traveler_id, name=people.get(view.traveler_id, view.traveler_id)
        ),
        booked_by=(
            TripPerson(id=view.created_by, name=people.get(view.created_by, view.created_by))
            if view.created_by != view.traveler_id
            else None
        ),
        entries=entries,
        guests=await _guests(session, caller, view, rows),
        total=view.total,
        total_text=_money_text(view.total),
        policy=_policy(view.policy),
        hold=hold,
        payment=await _payment(session, view),
        approval_id=view.approval_id,
        disrupted=view.disruption is not None,
        change=_open_change(view),
        outcome=await _approval_outcome(session, view),
        actions=_actions(view, flights, may_act=may_act, hold_live=hold_live, now=now),
        updated_at=view.updated_at,
    )


async def _approval_outcome(session: AsyncSession, view: BookingView) -> str | None:
    """A trip its approval ended (rejected → cancelled, ran out → expired), in words: the
    trip says why, as the conversation did when it happened."""
    if view.approval_id is None or view.status not in (S.CANCELLED, S.EXPIRED):
        return None
    wf = await session.get(ApprovalWorkflow, view.approval_id)
    if wf is None or wf.booking_id != view.booking_id:
        return None
    if wf.status == ApprovalStatus.REJECTED:
        names = await _names(session, {wf.decided_by}) if wf.decided_by else {}
        who = names.get(wf.decided_by or "")
        said = f"Rejected by {who}" if who else "Rejected"
        return f"{said}: “{wf.note}”" if wf.note else said
    if wf.status == ApprovalStatus.EXPIRED:
        return "Nobody approved it before the deadline; its seats and rooms were let go"
    return None


async def _rights(session: AsyncSession, caller: Caller) -> tuple[set[str], ActingRights]:
    return (
        await report_ids(session, caller) - {caller.user_id},
        await acting_rights(session, caller),
    )


async def load_trip(
    session: AsyncSession, caller: Caller, booking_id: str, *, settings: Settings, now: dt.datetime
) -> TripView:
    """One trip the caller may see (anyone else's: ``NotFound``, its existence untold)."""
    booking = await load_visible_booking(session, caller, booking_id)
    reports, acting = await _rights(session, caller)
    return await trip_of(
        session, caller, booking, settings=settings, now=now, reports=reports, acting=acting
    )


async def list_trips(
    session: AsyncSession,
    caller: Caller,
    scope: Literal["mine", "team"],
    *,
    settings: Settings,
    now: dt.datetime,
    limit: int = 20,
    cursor: str | None = None,
) -> TripList:
    """ "My trips" (the caller's own) or "Team trips" (their reports', for a manager:
    anyone else is ``Forbidden``), newest first."""
    reports, acting = await _rights(session, caller)
    if scope == "team" and not reports:
        raise Forbidden("Team trips are for managers: nobody reports to you")
    rows, next_cursor = await list_bookings(
        session, caller, limit=limit, cursor=cursor, whose=scope
    )
    # The bookings' views in one read per table (issue 15), then each trip's own extras.
    views = await booking_views(session, rows)
    trips = [
        await trip_of(
            session,
            caller,
            row,
            settings=settings,
            now=now,
            reports=reports,
            acting=acting,
            view=view,
        )
        for row, view in zip(rows, views, strict=True)
    ]
    return TripList(
        scope=scope, now=now, has_team=bool(reports), trips=trips, next_cursor=next_cursor
    )
