"""Check-in and boarding passes on one's own booked flights: "check me in", "check in for
my London flight", "show my boarding pass" (``check_in``, ``get_boarding_pass``).

The booking is the one named (``BK-…``), the confirmed one this conversation last read,
or — from the traveller's trips, as for their other questions about their own trips —
the confirmed trip with flights to the city named, else the soonest one. The core says
which of its flights is next, whether check-in is open, and who lacks a passport.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from concierge.planner import render
from concierge.planner.flows import seats, trips
from concierge.planner.flows.base import INACTIVE, Call, Context, Decision, Reply
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import Offer, State, Turn, typed
from tools.check_in import CheckInOutput
from tools.get_boarding_pass import GetBoardingPassOutput
from tools.get_booking import CheckInWindowOut
from tools.views import BoardingPassOut

#: Bookings that are checked in (core.checkin: only a confirmed one).
CHECKABLE = frozenset({"confirmed"})
_WHERE = "They're in your e-mail too, and under Boarding pass in your trips panel."


def _booking(state: State, turn: Turn, ctx: Context, u: Understanding) -> str | Decision:
    """The booking to check in: the one named, the confirmed one of this conversation when
    the message names no other trip, else the traveller's trip the message names (by
    place, day or weekday, flight number) — one not confirmed yet is said to be so, never
    swapped for another — else their soonest confirmed trip."""
    if u.booking_id:
        return u.booking_id
    current = state.bookings.get(state.current_booking or "")
    named = bool(u.places or u.dates.mentions or seats.flight_numbers(u.text))
    if current is not None and str(current.get("status")) in CHECKABLE:
        if not named or seats.flights_meant(seats.booked_flights(current), u, ctx, strict=True):
            return str(state.current_booking)
    listed = turn.last("list_trips")
    if listed is None:
        return [Call("list_trips", {})]
    active = [
        t
        for t in (listed.output or {}).get("trips") or []
        if str(t.get("status")) not in INACTIVE and t.get("flights")
    ]
    meant = seats.trips_named(active, u, ctx) if named else []
    if meant and not any(str(t.get("status")) in CHECKABLE for t in meant):
        # Not confirmed yet: when its check-in would open, from the booking's own window.
        return _window_answer(state, turn, ctx, u, str(meant[0].get("booking_id")))
    trips = [t for t in (meant or active) if str(t.get("status")) in CHECKABLE]
    if not trips:
        return Reply(
            "You have no confirmed flight to check in for. Once a trip is booked, check-in "
            "opens 24 hours before departure."
        )
    today = ctx.today.isoformat()
    coming = sorted(
        (t for t in trips if str(t.get("end") or t.get("start") or "") >= today),
        key=lambda t: str(t.get("start") or ""),
    )
    return str((coming or trips)[0]["booking_id"])


def check_in(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    done = turn.last("check_in")
    if done is not None and done.done:
        return after_check_in(done.typed(CheckInOutput), done.error)
    current = state.bookings.get(state.current_booking or "") or {}
    kinds = {str(s.get("kind")) for s in current.get("segments") or []}
    if not u.booking_id and "hotel" in kinds and not seats.booked_flights(current):
        # "when can I check in?" right after booking a hotel alone: the hotel's check-in.
        hotel = replace(
            u,
            intent=Intent.ASK_TRIP,
            facets=frozenset({"check_in", "time"}),
            booking_id=state.current_booking,
        )
        return trips.HANDLERS[Intent.ASK_TRIP](state, turn, ctx, hotel)
    found = _booking(state, turn, ctx, u)
    if not isinstance(found, str):
        return found
    if u.status_question:
        return _window_answer(state, turn, ctx, u, found)
    if not seats.names_a_flight(u):
        return [Call("check_in", {"booking_id": found})]
    # "the flight home on the 18th", "BA 18", "the way out": that flight of the booking.
    booking = state.bookings.get(found)
    if booking is None or not booking.get("segments"):
        fetched = turn.last("get_booking")
        if fetched is None:
            return [Call("get_booking", {"booking_id": found})]
        booking = fetched.output or {}
    flights = seats.booked_flights(booking)
    meant = seats.flights_meant(flights, u, ctx, strict=True) if len(flights) > 1 else []
    args = {"booking_id": found}
    if len(meant) == 1:
        args["segment_id"] = str(meant[0]["segment_id"])
    return [Call("check_in", args)]


def _window_answer(
    state: State, turn: Turn, ctx: Context, u: Understanding, booking_id: str
) -> Decision:
    """ "can I check in yet?", "when does check-in open?": whether online check-in for the
    booking's flight (the one named, else its next one) is open, and when it opens or
    closes — the window the core applies to that flight (``get_booking``'s ``check_in``),
    an answer, nothing done; when it is open, a yes then checks in."""
    fetched = turn.last("get_booking")
    if fetched is None or str((fetched.output or {}).get("booking_id")) != booking_id:
        return [Call("get_booking", {"booking_id": booking_id})]
    booking = fetched.output or {}
    if fetched.error is not None or not booking.get("segments"):
        return Reply(f"I couldn't read {booking_id}: {render.error_text(fetched.error or {})}")
    windows = {
        w.segment_id: w
        for w in (typed(CheckInWindowOut, raw) for raw in booking.get("check_in") or [])
        if w is not None
    }
    flights = seats.booked_flights(booking)
    if seats.names_a_flight(u) and len(flights) > 1:
        flights = seats.flights_meant(flights, u, ctx, strict=True) or flights
    coming = [(at, f) for f in flights if (at := _leaves(f)) is not None and at > ctx.now]
    if not coming:
        return Reply(f"{booking_id} has no flight still to leave, so there is nothing to check in.")
    leaves, flight = coming[0]
    window = windows.get(str(flight.get("segment_id")))
    if window is None:  # no window read: say nothing about when rather than guess
        return Reply(
            f"I couldn't read when online check-in opens for {flight.get('flight')}; "
            'say "check me in" and the airline will tell.'
        )
    opens, closes = datetime.fromisoformat(window.opens), datetime.fromisoformat(window.closes)
    what = f"{flight.get('flight')} {flight.get('origin')}→{flight.get('destination')}"
    ahead = _ahead(leaves - opens)
    if str(booking.get("status")) not in CHECKABLE:
        once = "approved" if booking.get("status") == "pending_approval" else "confirmed"
        return Reply(
            f"Not yet: {booking_id} is {render.status_text(str(booking.get('status')))}, so it "
            f"can't be checked in yet — check-in for {what} opens {render.when(window.opens)} "
            f"({ahead} before it leaves) once it's {once}."
        )
    if ctx.now < opens:
        return Reply(
            f"Not yet — online check-in for {what} opens {render.when(window.opens)}, "
            f"{ahead} before it leaves at {render.when(flight.get('depart'))}, and closes "
            f"{render.when(window.closes)}. Ask me then and I'll check you in."
        )
    if ctx.now >= closes or not window.open:
        return Reply(
            f"Online check-in for {what} has closed (it leaves at "
            f"{render.clock(flight.get('depart'))}); the airline's desk at the airport can help."
        )
    if flight.get("checked_in") or flight.get("boarding_passes"):
        return Reply(f"You're already checked in on {what}. {_WHERE}")
    args = {"booking_id": booking_id, "segment_id": str(flight.get("segment_id"))}
    return Reply(
        f"Yes — online check-in for {what} (leaving {render.when(flight.get('depart'))}) is "
        f"open now, until {render.clock(window.closes)}. Shall I check you in?",
        Offer("check_in", args),
    )


def _ahead(span: timedelta) -> str:
    """ "24 hours", "2 days", "90 minutes": how long before departure a window opens."""
    minutes = int(span.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
        return f"{minutes // (24 * 60)} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def _leaves(flight: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(flight.get("depart")))
    except ValueError:
        return None


def check_in_offered(turn: Turn, args: dict[str, Any]) -> Decision:
    """The yes to "Shall I check you in?": that flight checked in."""
    done = turn.last("check_in")
    if done is not None and done.done:
        return after_check_in(done.typed(CheckInOutput), done.error)
    return [Call("check_in", dict(args))]


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]


def _pass_line(p: BoardingPassOut) -> str:
    seat = f"seat {p.seat}" if p.seat else "seat given at the gate"
    return f"{p.passenger}, {seat} (boarding pass {p.pass_id}, sequence {p.sequence_number})"


def _flight_of(p: BoardingPassOut) -> str:
    return f"{p.flight} {p.origin}→{p.destination}, leaving {render.when(p.depart)}"


def after_check_in(out: CheckInOutput | None, error: dict[str, Any] | None) -> Reply:
    if error is not None:
        code = str(error.get("code"))
        message = str(error.get("message") or "").rstrip(".")
        if code == "CHECKIN_NOT_OPEN":
            return Reply(
                f"I can't check you in yet — {_lower(message)}. "
                "Ask me then, or turn on automatic check-in in your profile and I'll do it "
                "and e-mail your boarding pass."
            )
        if code == "CHECKIN_CLOSED":
            return Reply(
                f"I can't check you in online any more — {_lower(message)}. The airline's "
                "desk at the airport can still help."
            )
        if code == "DOCUMENTS_REQUIRED":
            return Reply(
                f"I couldn't check you in — that flight crosses a border: {message}."
            )
        return Reply(f"I couldn't check you in: {render.error_text(error)}")
    if out is None or not out.boarding_passes:
        return Reply("The check-in didn't go through. Shall I try again?")
    first = out.boarding_passes[0]
    people = "; ".join(_pass_line(p) for p in out.boarding_passes)
    return Reply(f"You're checked in on {_flight_of(first)}: {people}. {_WHERE}")


def boarding_pass(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    got = turn.last("get_boarding_pass")
    if got is not None and got.done:
        passes = got.typed(GetBoardingPassOutput)
        if got.error is None and passes is not None and not passes.boarding_passes:
            # None yet: when check-in opens for the caller's own flight meant (the one
            # named, else the soonest), from that booking's window.
            opens = _when_it_opens(state, turn, ctx, u)
            if opens is not None:
                return opens
        return _after_passes(passes, got.error)
    return [Call("get_boarding_pass", {"booking_id": u.booking_id} if u.booking_id else {})]


def _when_it_opens(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """No boarding pass yet: the caller's own trip with a flight still to fly (the one the
    message names, else the soonest confirmed one), and when its check-in opens (the
    booking's window, ``_window_answer``). None when the caller has no such trip of their
    own (a manager who sees only others' trips is not told about theirs)."""
    listed = turn.last("list_trips")
    if listed is None:
        return [Call("list_trips", {})]
    me = str(ctx.profile.get("name") or "")
    today = ctx.today.isoformat()
    own = [
        t
        for t in (listed.output or {}).get("trips") or []
        if str(t.get("status")) not in INACTIVE
        and t.get("flights")
        and (not me or str(t.get("traveler") or "") == me)
        and str(t.get("end") or t.get("start") or "") >= today
    ]
    named = bool(u.booking_id or u.places or u.dates.mentions or seats.flight_numbers(u.text))
    meant = (
        [t for t in own if t.get("booking_id") == u.booking_id]
        if u.booking_id
        else seats.trips_named(own, u, ctx)
        if named
        else []
    )
    if named and not meant:
        return None
    trips = meant or sorted(
        (t for t in own if str(t.get("status")) in CHECKABLE),
        key=lambda t: str(t.get("start") or ""),
    )
    if not trips:
        return None
    answer = _window_answer(state, turn, ctx, u, str(trips[0]["booking_id"]))
    if isinstance(answer, Reply):
        text = answer.text
        if answer.offer is None:
            text += ' Say "check me in" then.'
        return replace(
            answer,
            text="You have no boarding pass yet — you get one once you're checked in. " + text,
        )
    return answer


def _after_passes(out: GetBoardingPassOutput | None, error: dict[str, Any] | None) -> Reply:
    if error is not None or out is None:
        return Reply(f"I couldn't read your boarding passes: {render.error_text(error or {})}")
    if not out.boarding_passes:
        return Reply(
            "You have no boarding pass yet — you get one when you're checked in. Say "
            '"check me in" once check-in opens, 24 hours before departure.'
        )
    flights: dict[str, list[BoardingPassOut]] = {}
    for p in out.boarding_passes:
        flights.setdefault(p.segment_id, []).append(p)
    lines = [
        f"{_flight_of(ps[0])}: " + "; ".join(_pass_line(p) for p in ps) for ps in flights.values()
    ]
    return Reply("Your boarding passes — " + " · ".join(lines) + f". {_WHERE}")


HANDLERS = {Intent.CHECK_IN: check_in, Intent.BOARDING_PASS: boarding_pass}
