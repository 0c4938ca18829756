"""Buttons' structured actions (DESIGN §6.1): what a click means, as the tool calls a
model would make — never a sentence for the planner to re-parse.

A click on Book, Cancel trip, Approve or Reject arrives as an action on
``POST /v1/chat``. :func:`prepare` checks it against this thread and the core
*before* the turn starts (an offer this thread never showed → ``NotFound``, a red
option → ``PolicyBlocked``, another user's booking or approval → ``NotFound``), so a
refusal is a plain 4xx and nothing is held. It then gives the service two things to
append to the conversation: a user message that says in words what was clicked (a
remote model reads that) and carries the action itself as an :class:`ActionRecord`
in ``additional_kwargs[ACTION_KEY]`` (the offline planner reads that), and the tool
calls, which the graph runs like any model's — gated ones pause for a yes.

Round trips: an outbound and a return search made in the same assistant step are a
pair. Picking one direction while the other is not chosen yet only records the
choice (nothing is held; the record says what is missing, and the concierge asks
for it); picking the second holds both, plus any hotel picked from that step
meanwhile, as ONE booking. A hotel picked after the pair was held, or any offer of a
step without a pair, is held on its own. The quantity is always the search's own
(its passengers, the hotel option's rooms). An option of a search for a booking's
new flight (``search_flights`` ``rebooking``) is a ``rebook`` of that booking's
matching flight segment, not a new hold.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolCall, ToolMessage
from pydantic import BaseModel, ValidationError

from core.approval.service import get_approval, list_approvals
from core.booking.service import get_booking
from core.errors import (
    ApprovalClosed,
    Forbidden,
    InvalidTransition,
    NotFound,
    PolicyBlocked,
    RejectionNoteRequired,
    ValidationFailed,
)
from core.identity import Caller
from core.runtime import Runtime
from tools.decide_approval import DecideApprovalInput
from tools.search_flights import FlightOption, SearchFlightsOutput
from tools.search_hotels import HotelOption, SearchHotelsOutput
from tools.views import day_range, own_booking_out, spoken_day

ACTION_KEY = "concierge_action"
Kind = Literal["outbound", "return", "hotel"]
DIRECTIONS: tuple[Kind, Kind] = ("outbound", "return")
_ORDER: tuple[Kind, ...] = ("outbound", "return", "hotel")
_CLOSED = frozenset({"cancelled", "expired", "failed"})


# ---------------------------------------------------------------- what a button sends


@dataclass(frozen=True)
class SelectOffer:
    """Book *this* option of a search shown in the thread."""

    offer_id: str


@dataclass(frozen=True)
class CancelBooking:
    booking_id: str


@dataclass(frozen=True)
class DecideApproval:
    approval_id: str
    decision: Literal["approve", "reject"]
    note: str = ""


@dataclass(frozen=True)
class SeatChoice:
    """One passenger's seat, as a seat map's click names it."""

    segment_id: str
    passenger_id: str
    seat: str


@dataclass(frozen=True)
class ChooseSeats:
    """Seat these passengers of *this* booking (a click on a seat map)."""

    booking_id: str
    assignments: tuple[SeatChoice, ...]


@dataclass(frozen=True)
class ShowSeatMap:
    """Show the seats of *this* booking's flights (a "Choose seats" button)."""

    booking_id: str


@dataclass(frozen=True)
class CheckIn:
    """Check in *this* booking's flight (a "Check in" button); its next one without
    ``segment_id``."""

    booking_id: str
    segment_id: str | None = None


@dataclass(frozen=True)
class ChangeFlight:
    """Find flights on ``date`` to replace *this* flight of *this* booking (a "Change
    flight" button): a search for the booking's new flight, whose options rebook it."""

    booking_id: str
    segment_id: str
    date: dt.date


Action = (
    SelectOffer | CancelBooking | DecideApproval | ChooseSeats | ShowSeatMap | CheckIn | ChangeFlight
)


# ---------------------------------------------------------------- what the thread keeps


class Pick(BaseModel):
    """One chosen offer of a search step."""

    offer_id: str
    kind: Kind
    quantity: int
    label: str


class ActionRecord(BaseModel):
    """The action on its user message (``additional_kwargs[ACTION_KEY]``)."""

    type: Literal[
        "select_offer",
        "cancel_booking",
        "decide_approval",
        "choose_seats",
        "seat_map",
        "check_in",
        "change_flight",
    ]
    offer_id: str | None = None
    booking_id: str | None = None  # cancel_booking; select_offer: the booking it rebooks
    segment_id: str | None = None  # change_flight: the flight to replace
    approval_id: str | None = None
    decision: Literal["approve", "reject"] | None = None
    note: str | None = None
    # select_offer: the search step (its first search call id) the offer came from,
    # that step's picks so far (this one included), what is still to choose before
    # anything is held, and whether this turn holds them.
    batch: str | None = None
    picks: list[Pick] = []
    waiting_for: list[Kind] = []
    held: bool = False


def record_of(message: BaseMessage | None) -> ActionRecord | None:
    """The action a user message carries, if it came from a button."""
    if not isinstance(message, HumanMessage):
        return None
    raw = (message.additional_kwargs or {}).get(ACTION_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return ActionRecord.model_validate(raw)
    except ValidationError:
        return None


@dataclass(frozen=True)
class ActionTurn:
    """What the service appends: the user message, then (if any) one assistant step's calls."""

    message: HumanMessage
    calls: list[ToolCall]


def title_of(action: Action) -> str:
    """A new thread's title when an action starts it."""
    if isinstance(action, CancelBooking):
        return f"Cancel {action.booking_id}"
    if isinstance(action, DecideApproval):
        return f"{action.decision.title()} {action.approval_id}"
    if isinstance(action, ChooseSeats | ShowSeatMap):
        return f"Seats on {action.booking_id}"
    if isinstance(action, CheckIn):
        return f"Check in {action.booking_id}"
    if isinstance(action, ChangeFlight):
        return f"Change {action.booking_id}"
    return f"Book {action.offer_id}"


async def prepare(
    rt: Runtime, caller: Caller, messages: Sequence[BaseMessage], action: Action
) -> ActionTurn:
    """Check ``action`` and turn it into the conversation's next messages (or raise)."""
    if isinstance(action, SelectOffer):
        return await _select(rt, caller, list(messages), action)
    if isinstance(action, CancelBooking):
        return await _cancel(rt, caller, action)
    if isinstance(action, ChooseSeats | ShowSeatMap):
        return await _seats(rt, caller, action)
    if isinstance(action, CheckIn):
        return await _check_in(rt, caller, action)
    if isinstance(action, ChangeFlight):
        return await _change_flight(rt, caller, action)
    return await _decide(rt, caller, action)


# ---------------------------------------------------------------- select_offer


@dataclass(frozen=True)
class _Result:
    kind: Kind
    quantity: int  # flights: the search's passengers (hotels: per option)
    options: list[FlightOption] | list[HotelOption]
    hotels: SearchHotelsOutput | None = None
    rebooking: str | None = None  # a search for a new flight for this booking


@dataclass
class _Batch:
    """The searches one assistant step made, with their results."""

    key: str
    index: int
    results: list[_Result] = field(default_factory=list)

    def kind_of(self, offer_id: str) -> Kind | None:
        for result in self.results:
            if any(o.offer_id == offer_id for o in result.options):
                return result.kind
        return None

    @property
    def has_pair(self) -> bool:
        kinds = {r.kind for r in self.results if r.options}
        return all(d in kinds for d in DIRECTIONS)


def _batches(messages: list[BaseMessage]) -> list[_Batch]:
    """Every search step of the thread with the results it got, oldest first."""
    started: dict[str, tuple[int, str, str, dict[str, Any]]] = {}
    batches: dict[int, _Batch] = {}
    for index, message in enumerate(messages):
        if isinstance(message, AIMessage):
            searches = [c for c in message.tool_calls if c["name"] in _SEARCHES and c.get("id")]
            for call in searches:
                key = str(searches[0]["id"])
                started[str(call["id"])] = (index, key, call["name"], dict(call["args"]))
        elif isinstance(message, ToolMessage) and message.tool_call_id in started:
            at, key, name, args = started[message.tool_call_id]
            result = _result(name, args, message)
            if result is not None:
                batches.setdefault(at, _Batch(key=key, index=at)).results.append(result)
    return [batches[i] for i in sorted(batches)]


_SEARCHES = frozenset({"search_flights", "search_hotels"})


def _result(name: str, args: dict[str, Any], message: ToolMessage) -> _Result | None:
    """A search's output through the tool's own output model (errors and declines: None)."""
    content = message.content if isinstance(message.content, str) else json.dumps(message.content)
    try:
        if name == "search_hotels":
            hotels = SearchHotelsOutput.model_validate_json(content)
            return _Result(kind="hotel", quantity=1, options=hotels.options, hotels=hotels)
        flights = SearchFlightsOutput.model_validate_json(content)
    except ValidationError:
        return None
    leg = flights.leg or args.get("leg")
    return _Result(
        kind="return" if leg == "return" else "outbound",
        quantity=flights.passengers,
        options=flights.options,
        rebooking=flights.rebooking,
    )


def _find(batches: list[_Batch], offer_id: str) -> tuple[_Batch, _Result, Any] | None:
    for batch in reversed(batches):  # the newest step that showed it
        for result in batch.results:
            for option in result.options:
                if option.offer_id == offer_id:
                    return batch, result, option
    return None


def _label(result: _Result, option: FlightOption | HotelOption) -> str:
    if isinstance(option, HotelOption):
        stay = ""
        if result.hotels is not None:
            try:
                start = dt.date.fromisoformat(result.hotels.check_in)
                end = dt.date.fromisoformat(result.hotels.check_out)
                stay = f", {day_range(start, end)}"
            except ValueError:
                stay = ""
        return f"{option.name}{stay}"
    depart = dt.datetime.fromisoformat(option.depart)
    arrive = dt.datetime.fromisoformat(option.arrive)
    return (
        f"{' + '.join(option.flights)} {option.origin} {depart:%H:%M} → "
        f"{option.destination} {arrive:%H:%M}, {spoken_day(depart.date())}"
    )


def _picks_so_far(batch: _Batch, messages: list[BaseMessage]) -> tuple[dict[Kind, Pick], bool]:
    """The step's choices not yet held, and whether its pair was held already.

    Read from the records of earlier clicks and from every ``reserve`` since the
    step (a hold made from a typed message counts too): a hold uses up the picks.
    """
    picks: dict[Kind, Pick] = {}
    paired = False
    for message in messages[batch.index + 1 :]:
        record = record_of(message)
        if record is not None and record.type == "select_offer" and record.batch == batch.key:
            picks = {} if record.held else {p.kind: p for p in record.picks}
        elif isinstance(message, AIMessage):
            for call in message.tool_calls:
                if call["name"] != "reserve":
                    continue
                items = [i for i in call["args"].get("items") or [] if isinstance(i, dict)]
                kinds = {k for i in items if (k := batch.kind_of(str(i.get("offer_id"))))}
                if kinds:
                    picks = {}
                    paired = paired or all(d in kinds for d in DIRECTIONS)
    return picks, paired


async def _select(
    rt: Runtime, caller: Caller, messages: list[BaseMessage], action: SelectOffer
) -> ActionTurn:
    offer_id = action.offer_id.strip()
    batches = _batches(messages)
    found = _find(batches, offer_id)
    if found is None:
        raise NotFound(
            f"Offer {offer_id} is not among the options shown in this conversation; "
            "search again and pick one of those."
        )
    batch, result, option = found
    label = _label(result, option)
    if option.policy.status == "red":
        reasons = "; ".join(option.policy.violations) or "company travel policy"
        raise PolicyBlocked(
            f"{label} can't be booked under company policy: {reasons}.",
            offer_id=offer_id,
            violations=list(option.policy.violations),
        )
    if result.rebooking is not None and isinstance(option, FlightOption):
        return await _rebook(rt, caller, result.rebooking, option, label)
    quantity = option.rooms if isinstance(option, HotelOption) else result.quantity
    pick = Pick(offer_id=offer_id, kind=result.kind, quantity=quantity, label=label)

    picks: dict[Kind, Pick] = {pick.kind: pick}
    waiting: list[Kind] = []
    if batch.has_pair:
        earlier, paired = _picks_so_far(batch, messages)
        lone_hotel = pick.kind == "hotel" and paired and not any(d in earlier for d in DIRECTIONS)
        if not lone_hotel:
            picks = {**earlier, pick.kind: pick}
            waiting = [d for d in DIRECTIONS if d not in picks]
    ordered = [picks[k] for k in _ORDER if k in picks]
    record = ActionRecord(
        type="select_offer",
        offer_id=offer_id,
        batch=batch.key,
        picks=ordered,
        waiting_for=waiting,
        held=not waiting,
    )
    if waiting:
        missing = _and([f"the {k} flight" for k in waiting])
        text = (
            f"I choose {_what(pick, batch.has_pair)}. "
            f"Nothing is held yet: I still need to choose {missing}."
        )
        return ActionTurn(message=_message(text, record), calls=[])
    chosen = _and([_what(p, batch.has_pair) for p in ordered])
    items = [{"offer_id": p.offer_id, "quantity": p.quantity} for p in ordered]
    return ActionTurn(
        message=_message(f"Book {chosen}.", record),
        calls=[_call("reserve", {"items": items})],
    )


def _what(pick: Pick, paired: bool) -> str:
    if pick.kind == "hotel":
        return f"the hotel {pick.label} (offer {pick.offer_id})"
    direction = f"{pick.kind} " if paired else ""
    return f"the {direction}flight {pick.label} (offer {pick.offer_id})"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


async def _rebook(
    rt: Runtime, caller: Caller, booking_id: str, option: FlightOption, label: str
) -> ActionTurn:
    """An option of a search for a booking's new flight: rebook that flight (gated)."""
    async with rt.db.uow(write=False) as session:
        booking = await own_booking_out(session, caller, booking_id)
    flights = [s for s in booking.segments if s.kind == "flight"]
    same = [s for s in flights if (s.origin, s.destination) == (option.origin, option.destination)]
    segment = (same or [s for s in flights if s.origin == option.origin] or flights[-1:])[0:1]
    if booking.status in _CLOSED or not segment:
        raise InvalidTransition(f"Booking {booking_id} has no flight left to change.")
    record = ActionRecord(type="select_offer", offer_id=option.offer_id, booking_id=booking_id)
    args = {
        "booking_id": booking_id,
        "segment_id": segment[0].segment_id,
        "offer_id": option.offer_id,
    }
    return ActionTurn(
        message=_message(
            f"Change my booking {booking_id} to the flight {label} (offer {option.offer_id}).",
            record,
        ),
        calls=[_call("rebook", args)],
    )


# ---------------------------------------------------------------- cancel_booking


async def _cancel(rt: Runtime, caller: Caller, action: CancelBooking) -> ActionTurn:
    booking_id = action.booking_id.strip()
    async with rt.db.uow(write=False) as session:
        booking = await get_booking(session, caller, booking_id)  # someone else's: NotFound
        status = str(booking.status)
    if status in _CLOSED:
        raise InvalidTransition(f"Booking {booking_id} is already {status}.")
    record = ActionRecord(type="cancel_booking", booking_id=booking_id)
    return ActionTurn(
        message=_message(f"Cancel my booking {booking_id}.", record),
        calls=[_call("cancel_booking", {"booking_id": booking_id})],
    )


# ---------------------------------------------------------------- choose_seats, seat_map


async def _seats(rt: Runtime, caller: Caller, action: ChooseSeats | ShowSeatMap) -> ActionTurn:
    """A seat clicked on a booking's map (``choose_seats``, which checks every seat in the
    core: all or none), or the map asked for (``get_seat_map``). Another user's booking:
    ``NotFound`` before anything runs."""
    booking_id = action.booking_id.strip()
    async with rt.db.uow(write=False) as session:
        booking = await own_booking_out(session, caller, booking_id)
    if booking.status in _CLOSED:
        raise InvalidTransition(f"Booking {booking_id} is {booking.status}; it has no seats to choose.")
    if isinstance(action, ShowSeatMap):
        record = ActionRecord(type="seat_map", booking_id=booking_id)
        return ActionTurn(
            message=_message(f"Show me the seats of booking {booking_id}.", record),
            calls=[_call("get_seat_map", {"booking_id": booking_id})],
        )
    names = {p.passenger_id: p.name for p in booking.passengers}
    flights = {s.segment_id: s.flight or "" for s in booking.segments}
    said = _and([
        f"{names.get(a.passenger_id, 'me')} in {a.seat.strip().upper()}"
        + (f" on {flights[a.segment_id]}" if flights.get(a.segment_id) else "")
        for a in action.assignments
    ])
    record = ActionRecord(type="choose_seats", booking_id=booking_id)
    args = {
        "booking_id": booking_id,
        "assignments": [
            {"passenger_id": a.passenger_id, "segment_id": a.segment_id, "seat": a.seat}
            for a in action.assignments
        ],
    }
    return ActionTurn(
        message=_message(f"Seat {said} (booking {booking_id}).", record),
        calls=[_call("choose_seats", args)],
    )


# ---------------------------------------------------------------- check_in


async def _check_in(rt: Runtime, caller: Caller, action: CheckIn) -> ActionTurn:
    """A "Check in" click: the ``check_in`` tool on that booking (the core says whether
    check-in is open and who lacks a passport, in the reply). Another user's booking:
    ``NotFound``; one not confirmed: ``InvalidTransition``, before anything runs."""
    booking_id = action.booking_id.strip()
    async with rt.db.uow(write=False) as session:
        booking = await get_booking(session, caller, booking_id)
        status = str(booking.status)
    if status != "confirmed":
        raise InvalidTransition(f"Booking {booking_id} is {status}; only a confirmed one is checked in.")
    args: dict[str, Any] = {"booking_id": booking_id}
    if action.segment_id:
        args["segment_id"] = action.segment_id.strip()
    record = ActionRecord(type="check_in", booking_id=booking_id)
    return ActionTurn(
        message=_message(f"Check me in for booking {booking_id}.", record),
        calls=[_call("check_in", args)],
    )


# ---------------------------------------------------------------- change_flight

_CHANGEABLE = frozenset({"confirmed", "requires_attention"})


async def _change_flight(rt: Runtime, caller: Caller, action: ChangeFlight) -> ActionTurn:
    """A "Change flight" click: ``search_flights`` for the booking's new flight on that
    day (``rebooking``), the same route, cabin and passengers. A Book click on one of its
    options is then a ``rebook`` (gated). Another user's booking or a flight not on it:
    ``NotFound``; one not paid: ``InvalidTransition``; a day gone: ``ValidationFailed`` —
    before anything runs."""
    booking_id = action.booking_id.strip()
    async with rt.db.uow(write=False) as session:
        booking = await own_booking_out(session, caller, booking_id)
    if booking.status not in _CHANGEABLE:
        raise InvalidTransition(
            f"Booking {booking_id} is {booking.status}; only a confirmed trip's flight is changed."
        )
    segment = next(
        (
            s
            for s in booking.segments
            if s.segment_id == action.segment_id.strip() and s.kind == "flight"
        ),
        None,
    )
    if segment is None or segment.status != "booked" or not segment.origin:
        raise NotFound(f"Flight {action.segment_id} is not a booked flight of {booking_id}")
    if action.date < rt.clock.now().date():
        raise ValidationFailed("Pick a day that has not passed", field="date")
    args: dict[str, Any] = {
        "origin": segment.origin,
        "destination": segment.destination,
        "date": action.date.isoformat(),
        "cabin": segment.cabin or "economy",
        "passengers": segment.passengers or 1,
        "limit": 5,
        "rebooking": booking_id,
    }
    record = ActionRecord(
        type="change_flight", booking_id=booking_id, segment_id=segment.segment_id
    )
    return ActionTurn(
        message=_message(
            f"Change {segment.flight} ({segment.origin} → {segment.destination}) of my booking "
            f"{booking_id} to a flight on {spoken_day(action.date)}.",
            record,
        ),
        calls=[_call("search_flights", args)],
    )


# ---------------------------------------------------------------- decide_approval


async def _decide(rt: Runtime, caller: Caller, action: DecideApproval) -> ActionTurn:
    try:
        data = DecideApprovalInput(
            approval_id=action.approval_id.strip(),
            decision=action.decision,
            note=action.note.strip(),
        )
    except ValidationError as exc:
        raise ValidationFailed(f"Invalid decision: {exc.errors()[0]['msg']}") from None
    if data.decision == "reject" and not data.note:
        raise RejectionNoteRequired(
            "Say why when you reject: the traveller is told.", field="note"
        )
    async with rt.db.uow(write=False) as session:
        wf = await get_approval(session, caller, data.approval_id)  # not theirs to see: NotFound
        waiting = await list_approvals(session, caller, status="pending", limit=200)
        if not any(a.approval_id == wf.id for a in waiting):
            if caller.user_id in (wf.traveler_id, wf.requested_by):
                raise Forbidden("Nobody approves a trip they take or booked.")
            if str(wf.status) != "pending":
                raise ApprovalClosed(f"Approval {wf.id} is already {wf.status}.")
            if not caller.is_admin:
                raise Forbidden(f"Approval {wf.id} is not waiting on you.")
    record = ActionRecord(
        type="decide_approval",
        approval_id=data.approval_id,
        decision=data.decision,
        note=data.note or None,
    )
    verb = "Approve" if data.decision == "approve" else "Reject"
    text = f"{verb} approval request {data.approval_id}" + (
        f" with the note: {data.note}" if data.note else "."
    )
    return ActionTurn(
        message=_message(text, record),
        calls=[_call("decide_approval", data.model_dump())],
    )


# ---------------------------------------------------------------- messages


def _message(text: str, record: ActionRecord) -> HumanMessage:
    return HumanMessage(
        content=text, additional_kwargs={ACTION_KEY: record.model_dump(exclude_defaults=True)}
    )


def _call(name: str, args: dict[str, Any]) -> ToolCall:
    return ToolCall(id=f"call_act_{uuid.uuid4().hex[:16]}", name=name, args=args, type="tool_call")
