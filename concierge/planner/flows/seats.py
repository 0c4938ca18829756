"""Seats on a held or booked flight: "12C", "an aisle seat", "window seats for both of us",
"show me the seat map" (``get_seat_map``, ``choose_seats``).

The booking is the one named (``BK-…``), the one this conversation last held or read, or
the trip of ``list_trips`` the message names (by place, flight number, day or weekday, or
leg: "22K on BA 19", "Monday's flight", "the flight home"); the flight is the one named
the same way (``changes.leg_named`` for legs), else every flight of the booking.
A seat number is the speaker's (several numbers: the passengers in the booking's order);
a position is the speaker's, or everyone's when the wish says so ("for both of us",
"window seats"). The core picks the free seats that fit and keeps the party in one row.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from concierge.planner import render
from concierge.planner.flows import lookup
from concierge.planner.flows.base import Call, Context, Decision, Reply
from concierge.planner.flows.changes import leg_named, leg_word
from concierge.planner.flows.lookup import home_city, trip_matches, with_flight_home
from concierge.planner.flows.passengers import self_id
from concierge.planner.nlu import seats as seat_words
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import Offer, State, Turn, typed
from core.booking.fares import SEAT_FEE_CODE as SEAT_FEE
from tools.get_seat_map import GetSeatMapOutput, SeatMapSegmentOut
from tools.list_trips import TripOut

#: Bookings whose seats may be chosen (core.booking.seats.CHOOSABLE).
SEATABLE = frozenset({"held", "pending_approval", "confirmed"})
_HOW = 'say a seat number like 12C, "an aisle seat" or "window seats for both of us"'


def _from_trips(state: State, turn: Turn, ctx: Context, u: Understanding) -> str | Decision:
    """No booking in this conversation yet: the traveller's trips say which one, matched
    as a change or a question about one's trip is (``trip_matches``: places, traveller,
    flight numbers: "22K on BA 19", "my London flight"), then by the day or weekday one
    of its flights leaves ("Monday's flight") and by the leg named ("the flight home",
    "the way out": a trip with a flight home) — or the question which."""
    listed = turn.last("list_trips")
    if listed is None:
        return [Call("list_trips", {})]
    trips = [
        t
        for t in (listed.output or {}).get("trips") or []
        if str(t.get("status")) in SEATABLE and t.get("flights")
    ]
    # The days are the flights' own (below), not the trip's span.
    hint = Understanding(text=u.text, intent=u.intent, places=u.places, person=u.person)
    trips = [t for t in trips if trip_matches(t, hint, ctx)] or trips
    days, weekdays = _days_named(u)
    if len(trips) > 1 and (days or weekdays):
        trips = [t for t in trips if _leaves_on(t, days, weekdays)] or trips
    per_leg = (u.seat_request or seat_words.read(u.text)).per_leg
    if len(trips) > 1 and (leg_word(u.text) or per_leg):
        rows = {t.booking_id: t for t in (typed(TripOut, r) for r in trips) if t is not None}
        kept = {t.booking_id for t in with_flight_home(list(rows.values()), home_city(ctx))}
        trips = [t for t in trips if t.get("booking_id") in kept]
    if len(trips) == 1:
        return str(trips[0]["booking_id"])
    if not trips:
        return Reply(
            "You have no flight held or booked to choose seats on. Book one first, then "
            f"{_HOW}."
        )
    listing = "; ".join(f"{t['booking_id']} ({t.get('summary')})" for t in trips[:5])
    return Reply(f"Which trip are the seats for? {listing}. Say its reference (BK-…) and the seat.")


_WEEKDAY = re.compile(r"\b(mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?(?:'?s)?\b")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _days_named(u: Understanding) -> tuple[set[dt.date], set[int]]:
    """The days a message names (dates) and its bare weekdays ("Monday's flight": any
    Monday, the reading's next Monday being perhaps not the trip's)."""
    days = {m.first for m in u.dates.mentions if m.kind != "weekday"}
    if u.dates.depart is not None:
        days.add(u.dates.depart)
    weekdays = {m.first.weekday() for m in u.dates.mentions if m.kind == "weekday"}
    weekdays |= {_WEEKDAYS.index(w[:3]) for w in _WEEKDAY.findall(u.text.lower())}
    return days, weekdays


def _on_day(iso: Any, days: set[dt.date], weekdays: set[int]) -> bool:
    day = render.day_of(str(iso or ""))
    return day is not None and (day in days or day.weekday() in weekdays)


def _leaves_on(trip: dict[str, Any], days: set[dt.date], weekdays: set[int]) -> bool:
    t = typed(TripOut, trip)
    return t is not None and any(
        leg.kind == "flight" and _on_day(leg.starts, days, weekdays) for leg in t.legs
    )


def _flights(booking: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in booking.get("segments") or []
        if s.get("kind") == "flight" and s.get("status", "held") in ("held", "booked")
    ]


def _speaker(booking: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    """The speaker's own place on the booking (else its first passenger)."""
    people = list(booking.get("passengers") or [])
    me = self_id(ctx, booking)
    return next((p for p in people if me and p.get("traveler_id") == me), people[0] if people else None)


def seats(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    request = u.seat_request or seat_words.read(u.text)
    bought = turn.last("buy_seats")
    if bought is not None and bought.done:
        return after_purchase(bought.output, bought.error)
    chosen = turn.last("choose_seats")
    if chosen is not None and chosen.done:
        purchase = purchase_call(state, chosen.args, chosen.error)
        if purchase is not None:
            return [purchase]
        done = after_choice(chosen.output, chosen.error, chosen.args)
        held = str(chosen.args.get("booking_id") or "")
        if (
            chosen.error is None
            and done.offer is None
            and str((state.bookings.get(held) or {}).get("status")) == "held"
            and turn.last("confirm_booking") is None
            and (not ctx.tools or "confirm_booking" in ctx.tools)
        ):
            # Seats chosen on a hold waiting for its yes ("can we sit together?" at the
            # confirmation): the confirmation is asked again, so that the next yes ("yes
            # please book it") books it.
            return [Call("confirm_booking", {"booking_id": held}, say=done.text)]
        return done
    shown = turn.last("get_seat_map")
    if shown is not None and shown.done:
        meant = state.bookings.get(str(shown.args.get("booking_id")))
        only = {str(f["segment_id"]) for f in _meant(_flights(meant), u, ctx)} if meant else None
        seat_map = shown.typed(GetSeatMapOutput)
        if meant is not None and only and len(only) < len(_flights(meant)):
            # The map of one flight of the trip ("extra legroom on my flight back?"): the
            # seat named next ("ok, 12C then") is on that flight, not the trip's first.
            state.seat_segments = sorted(only)
        if request.feature and meant is not None and seat_map is not None:
            return with_feature(meant, ctx, request, seat_map, only, u.text)
        confirmed = str((meant or {}).get("status")) == "confirmed"
        return after_map(seat_map, shown.error, only, u.text, paid_now=confirmed)
    if u.booking_id and u.booking_id not in state.bookings:
        fetched = turn.last("get_booking")
        if fetched is None:
            return [Call("get_booking", {"booking_id": u.booking_id})]
        if fetched.error:
            return Reply(f"I couldn't find that booking: {render.error_text(fetched.error)}")
    booking_id = u.booking_id or state.current_booking
    booking = state.bookings.get(booking_id or "")
    if booking is None or str(booking.get("status")) not in SEATABLE:
        found = _from_trips(state, turn, ctx, u)
        if not isinstance(found, str):
            return found
        booking_id, booking = found, state.bookings.get(found)
        if booking is None:
            return [Call("get_booking", {"booking_id": found})]
    flights = _flights(booking)
    if not flights:
        return Reply(f"Booking {booking_id} has no flight to choose seats on.")
    people = list(booking.get("passengers") or [])
    if request.show_map or request.feature or not (request.seats or request.position):
        return [Call("get_seat_map", {"booking_id": booking_id})]
    if not people:
        return Reply(
            "First tell me who flies on it (names for every seat); then I can choose their seats."
        )
    if len(request.seats) > len(people):
        return Reply(
            f"You named {len(request.seats)} seats but {len(people)} "
            f"{'person flies' if len(people) == 1 else 'people fly'} on {booking_id}: "
            "one seat each, please."
        )
    strangers = _not_on_booking(booking, ctx, request, u.text)
    if strangers:
        names = ", ".join(str(p.get("name")) for p in people)
        return Reply(
            f"I can't find {' or '.join(strangers)} among the passengers of {booking_id} "
            f"({names}). Whose seats are they? Name them as on the booking."
        )
    wished_for = flights_meant(flights, u, ctx)
    if not wished_for and state.last_intent == Intent.SEATS and state.seat_segments:
        # "no thanks — just any free window seat" right after a wish for one flight.
        wished_for = [f for f in flights if str(f.get("segment_id")) in state.seat_segments]
    call = wish_call(booking, ctx, request, wished_for or flights)
    return [call] if call is not None else Reply(f"Booking {booking_id} has no flight to seat.")


def _meant(flights: list[dict[str, Any]], u: Understanding, ctx: Context) -> list[dict[str, Any]]:
    """The flights a wish is about (``flights_meant``), else all ("there and back")."""
    return flights_meant(flights, u, ctx) or flights


def flights_meant(
    flights: list[dict[str, Any]], u: Understanding, ctx: Context, *, strict: bool = False
) -> list[dict[str, Any]]:
    """The flights of a booking a message names: the one named by number ("22K on BA 19"),
    those on the day or weekday named ("on the 14th", "Monday's flight"), the leg named
    ("the flight home", "the way out": ``leg_named``, as a change finds it), every one for
    "both ways", else those from or to the place named ("my flight from London", "my
    London flight"); [] when it names none of them (``strict``: when what it names fits
    none of them either, rather than every flight)."""
    numbers = flight_numbers(u.text)
    named = [f for f in flights if str(f.get("flight") or "").replace(" ", "").upper() in numbers]
    if named or (strict and numbers):
        return named
    days, weekdays = _days_named(u)
    on_day = [f for f in flights if (days or weekdays) and _on_day(f.get("depart"), days, weekdays)]
    if on_day or (strict and (days or weekdays)):
        return on_day
    if leg_word(u.text) and len(flights) > 1:
        return [leg_named(flights, u, ctx)]
    if re.search(r"\bboth\b|\b(?:there|out) and back\b|\beach way\b", u.text.lower()):
        return flights
    leaving = [m.place for m in u.places if m.role == "origin" and m.place is not None]
    from_there = [f for f in flights if leaving and f.get("origin") in leaving[0].airports]
    if from_there:
        return from_there  # "my flight from London"
    place = u.destination.place if u.destination else None
    airports = set(place.airports) if place is not None else set()
    going = [f for f in flights if f.get("destination") in airports]
    if going or (strict and u.places):
        return going
    return []


def names_a_flight(u: Understanding) -> bool:
    """The message names one flight of a trip: by number, day, weekday or leg."""
    days, weekdays = _days_named(u)
    return bool(flight_numbers(u.text) or days or weekdays or leg_word(u.text))


def flight_numbers(text: str) -> set[str]:
    """The flight numbers a message names ("BA 19", "ba 19"), squeezed ("BA19")."""
    return lookup.flight_numbers(text)


def booked_flights(booking: dict[str, Any]) -> list[dict[str, Any]]:
    """The live flights of a booking (``get_booking`` / ``reserve`` output), in order."""
    return _flights(booking)


def trips_named(trips: list[dict[str, Any]], u: Understanding, ctx: Context) -> list[dict[str, Any]]:
    """The ``list_trips`` rows a message names, as a seat wish finds its trip: by places,
    traveller and flight numbers (``trip_matches``), by the day or weekday one of its
    flights leaves ("Monday's flight", "on the 18th"), and by the leg named ("the flight
    home": a trip with one); [] when none fits."""
    hint = Understanding(text=u.text, intent=u.intent, places=u.places, person=u.person)
    found = [t for t in trips if trip_matches(t, hint, ctx)]
    days, weekdays = _days_named(u)
    if days or weekdays:
        found = [t for t in found if _leaves_on(t, days, weekdays)]
    if len(found) > 1 and leg_word(u.text):
        rows = {t.booking_id: t for t in (typed(TripOut, r) for r in found) if t is not None}
        kept = {t.booking_id for t in with_flight_home(list(rows.values()), home_city(ctx))}
        found = [t for t in found if t.get("booking_id") in kept]
    return found


def wish_call(
    booking: dict[str, Any],
    ctx: Context,
    request: seat_words.SeatRequest,
    flights: list[dict[str, Any]] | None = None,
) -> Call | None:
    """``choose_seats`` for a wish on a booking: seat numbers for the speaker (several: the
    passengers in order) on the first flight meant, or a position for the speaker or
    everyone on each flight meant (default: all). None when there is nothing to seat."""
    people = list(booking.get("passengers") or [])
    flights = flights if flights is not None else _flights(booking)
    if not people or not flights or not (request.seats or request.position):
        return None
    booking_id = booking.get("booking_id")
    if request.seats:
        who = [_speaker(booking, ctx)] if len(request.seats) == 1 else people[: len(request.seats)]
        first = flights[0]
        assignments = [
            {"passenger_id": p["passenger_id"], "segment_id": first["segment_id"], "seat": seat}
            for p, seat in zip(who, request.seats, strict=False)
            if p is not None
        ]
    elif request.per_leg and len(flights) > 1:
        assignments = _per_leg(booking, ctx, request, flights)
    else:
        everywhere = len(flights) == len(_flights(booking))
        wished = _per_person(booking, ctx, request) or [
            (p, str(request.position))
            for p in (people if request.everyone else [_speaker(booking, ctx)])
        ]
        assignments = [
            {"passenger_id": p["passenger_id"], "position": position}
            | ({} if everywhere else {"segment_id": f["segment_id"]})
            for f in (flights[:1] if everywhere else flights)
            for p, position in wished
            if p is not None
        ]
    return Call("choose_seats", {"booking_id": booking_id, "assignments": assignments})


def _per_leg(
    booking: dict[str, Any],
    ctx: Context,
    request: seat_words.SeatRequest,
    flights: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """A position per leg ("window on the way out and an aisle on the way back"): on the
    flight out (the first) and the flight home (``leg_named``: the one into the home city,
    else the last) each its own, for the people the wish is for (those named, everyone, or
    the speaker); the other flights meant take the first position said."""
    people = list(booking.get("passengers") or [])
    named = [p for p, _ in _per_person(booking, ctx, request)]
    who = named or (people if request.everyone else [_speaker(booking, ctx)])
    chosen: dict[str, str] = {}
    for leg, position in request.per_leg:
        said = Understanding(text=f"the flight {leg}", intent=Intent.SEATS)
        flight = flights[0] if leg == "out" else leg_named(flights, said, ctx)
        chosen.setdefault(str(flight["segment_id"]), position)
    first = request.per_leg[0][1]
    return [
        {
            "passenger_id": p["passenger_id"],
            "segment_id": f["segment_id"],
            "position": chosen.get(str(f["segment_id"]), first),
        }
        for f in flights
        for p in who
        if p is not None
    ]


_ME = frozenset({"me", "i", "myself", "mine"})


def _person_named(people: list[dict[str, Any]], me: dict[str, Any] | None, who: str) -> Any:
    """The passenger a word or two said names: the speaker for "me", else the one one of
    whose names, given or family, is a word said ("Shah", "Tom", "Jo Bloggs")."""
    words = who.lower().split()
    if any(w in _ME for w in words):
        return me
    return next(
        (p for p in people if set(words) & set(str(p.get("name") or "").lower().split())),
        None,
    )


def _not_on_booking(
    booking: dict[str, Any], ctx: Context, request: seat_words.SeatRequest, text: str
) -> list[str]:
    """The names a per-person wish gives that are no passenger's ("seat Tom and Bob
    together" on a booking without a Bob): written with a capital, past the message's
    first word (a sentence's first word may be no name: "Preferably on the aisle")."""
    people = list(booking.get("passengers") or [])
    me = _speaker(booking, ctx)
    first = text.strip().split(" ", 1)[0] if text.strip() else ""
    return [
        who
        for who, _ in request.per_person
        if who[:1].isupper()
        and who != first
        and who.lower() not in _ME
        and _person_named(people, me, who) is None
    ]


def _per_person(
    booking: dict[str, Any], ctx: Context, request: seat_words.SeatRequest
) -> list[tuple[dict[str, Any] | None, str]]:
    """Each person's own position ("window for me and the aisle for Sam", "a window for
    Shah": a family name), or "any" for each of a few seated together ("seat Tom and Priya
    together": only they): the speaker for "me", else the passenger one of whose names is
    the word said; [] unless the wish names someone of the booking other than the speaker."""
    people = list(booking.get("passengers") or [])
    me = _speaker(booking, ctx)
    pairs: list[tuple[dict[str, Any] | None, str]] = []
    for who, position in request.per_person:
        person = _person_named(people, me, who)
        if person is not None and all(person is not p for p, _ in pairs):
            pairs.append((person, position))
    if not any(p is not me for p, _ in pairs):
        return []
    return pairs


def with_feature(
    booking: dict[str, Any],
    ctx: Context,
    request: seat_words.SeatRequest,
    seat_map: GetSeatMapOutput,
    only: set[str] | None,
    asked: str,
) -> Decision:
    """A seat with extra legroom (an exit row, a bulkhead): the first free one with a fee
    on each flight meant (the position wished for when one is, the party side by side) for
    the speaker or everyone. Asked for, the fee said to be fine ("I don't mind paying"):
    ``choose_seats`` with it, whose fee the core then puts to the traveller
    (``after_choice``, ``purchase_call``); otherwise (asked what it costs, or the fee not
    known yet): the map in words and that seat offered for a yes."""
    segments = [s for s in seat_map.segments if not only or s.segment_id in only]
    speaker = _speaker(booking, ctx)
    everyone = request.everyone or bool(request.per_person)
    who = [str(p.passenger_id) for p in (segments[0].passengers if segments else [])]
    if not everyone and speaker is not None:
        who = [str(speaker["passenger_id"])]
    assignments = []
    for segment in segments:
        seats = _paid_seats(segment, len(who), request.position, exit=request.feature == "exit")
        if seats is None or segment.segment_id is None:
            continue
        assignments += [
            {"passenger_id": pid, "segment_id": segment.segment_id, "seat": seat}
            for pid, seat in zip(who, seats, strict=True)
        ]
    if not assignments:
        confirmed = str(booking.get("status")) == "confirmed"
        text = after_map(seat_map, None, only, asked, paid_now=confirmed).text
        return Reply("There's no free seat with extra legroom left on that flight. " + text)
    call = {"booking_id": booking.get("booking_id"), "assignments": assignments}
    if request.pay_ok:
        # On a hold the fee agreed to joins the trip's price (paid when it is confirmed);
        # on a confirmed booking the core asks for the purchase (``purchase_call``).
        held = str(booking.get("status")) == "held"
        return [Call("choose_seats", {**call, "accept_fees": True} if held else call)]
    listed = ", ".join(a["seat"] for a in assignments)
    confirmed = str(booking.get("status")) == "confirmed"
    text = after_map(seat_map, None, only, "", paid_now=confirmed).text.split(" To choose,")[0]
    return Reply(
        f"{text} I can give you {listed} with extra legroom. Shall I add it? Say yes, or name "
        "a free seat instead.",
        Offer("seat_fee", {"call": {**call, "accept_fees": True}}),
    )


def _paid_seats(
    segment: SeatMapSegmentOut, n: int, position: str | None, *, exit: bool = False
) -> list[str] | None:
    """``n`` free seats with a fee side by side in one row (the first at the position
    wished for when a row has one; in an exit row when one is wished for and has them),
    front first; None when no row has them."""
    if exit and any(r.exit and r.fee is not None for r in segment.rows):
        exits = segment.model_copy(update={"rows": [r for r in segment.rows if r.exit]})
        found = _paid_seats(exits, n, position)
        if found is not None:
            return found
    columns = segment.columns.replace(" ", "")
    blocks = segment.columns.split(" ")
    sides = {
        "window": {columns[0], columns[-1]},
        "aisle": {b[-1] for b in blocks[:-1]} | {b[0] for b in blocks[1:]},
    }
    best: list[str] | None = None
    for row in segment.rows:
        if row.fee is None:
            continue
        free = [c for c in columns if c in row.free]
        for i in range(len(free) - n + 1):
            run = free[i : i + n]
            if "".join(run) not in segment.columns:
                continue  # not side by side (the aisle is a space)
            seats = [f"{row.row}{c}" for c in run]
            if position in sides and not (sides[position] & set(run)):
                best = best or seats
                continue
            return seats
    return best


def purchase_call(
    state: State, args: dict[str, Any] | None, error: dict[str, Any] | None
) -> Call | None:
    """Seat numbers with a fee on a confirmed booking: ``buy_seats``, which asks the
    traveller first (it charges the company card at once). None otherwise."""
    if error is None or str(error.get("code")) != "SEAT_REQUIRES_PAYMENT" or not args:
        return None
    booking = state.bookings.get(str(args.get("booking_id")))
    if booking is None or str(booking.get("status")) != "confirmed":
        return None
    wanted = [a for a in args.get("assignments") or [] if a.get("seat")]
    if not wanted:
        return None
    return Call(
        "buy_seats",
        {
            "booking_id": args["booking_id"],
            "assignments": [
                {k: a[k] for k in ("passenger_id", "segment_id", "seat") if a.get(k)}
                for a in wanted
            ],
        },
    )


def after_purchase(out: dict[str, Any] | None, error: dict[str, Any] | None) -> Reply:
    if error is not None:
        if str(error.get("code")) == "SEAT_TAKEN":
            return Reply(
                f"Sorry — {render.error_text(error)} Nothing was charged. Name another seat, "
                'or say "show me the seat map".'
            )
        return Reply(f"I couldn't buy that seat: {render.error_text(error)}")
    if out is None or out.get("declined"):
        return Reply("All right, your seat stays as it is and nothing was charged.")
    return Reply(f"Done: {out.get('message')} Tell me if you'd like different seats.")


def after_choice(
    out: dict[str, Any] | None,
    error: dict[str, Any] | None,
    args: dict[str, Any] | None = None,
) -> Reply:
    if error is not None:
        code = str(error.get("code"))
        base = render.error_text(error)
        if code == "SEAT_TAKEN":
            return Reply(f"Sorry — {base} Name another seat, or say \"show me the seat map\".")
        if code == "SEAT_REQUIRES_PAYMENT" and args and "accept_fees" in str(error.get("message")):
            # A held booking: the fee can join the trip's price, with the traveller's yes.
            fee = _fee_of(str(error.get("message")))
            return Reply(
                f"That seat has extra legroom for {fee}. Shall I add it? Say yes and the fee "
                "joins the trip's price, paid when you confirm — or name a free seat instead.",
                Offer("seat_fee", {"call": {**args, "accept_fees": True}}),
            )
        if code == "SEAT_REQUIRES_PAYMENT":
            return Reply(f"{base} Shall I find you a free one nearby? Say \"a window seat\" or \"an aisle seat\".")
        return Reply(f"I couldn't choose that seat: {base}")
    if out is None:
        return Reply("The seat choice didn't go through. Shall I try again?")
    names = {p.get("passenger_id"): p.get("name") for p in out.get("passengers") or []}
    flights = {s.get("segment_id"): s.get("flight") for s in out.get("segments") or []}
    parts = [
        f"{names.get(s.get('passenger_id'), 'you')} in {s.get('seat')}"
        + _kind_of(s, args)
        + (f" on {flights[s.get('segment_id')]}" if len(flights) > 1 else "")
        for s in out.get("seats") or []
    ]
    where = next(iter(flights.values()), None) if len(flights) == 1 else None
    reissued = [
        f"{p.get('passenger')} ({p.get('flight')}, seat {p.get('seat')}, {p.get('pass_id')})"
        for p in out.get("new_boarding_passes") or []
    ]
    passes = (
        " Your boarding pass was issued again with the new seat — the old one no longer "
        "works: " + "; ".join(reissued) + "."
        if reissued
        else ""
    )
    return Reply(
        "Done: " + ", ".join(parts) + (f" on {where}" if where else "") + "."
        + passes + _fee_added(out, args) + " Tell me if you'd like different seats."
    )


def _kind_of(seat: dict[str, Any], args: dict[str, Any] | None) -> str:
    """The kind of seat a position wish asked for (" (window)"), said beside the seat the
    core chose for it, so the reply shows the wish was met; nothing for a seat number."""
    for a in (args or {}).get("assignments") or []:
        if (
            a.get("position") in ("window", "aisle", "middle")
            and a.get("passenger_id") == seat.get("passenger_id")
            and a.get("segment_id") in (None, seat.get("segment_id"))
        ):
            return f" ({a['position']})"
    return ""


def _fee_added(out: dict[str, Any], args: dict[str, Any] | None) -> str:
    """The seat fees a choice agreed to on a hold (``accept_fees``): what they add to the
    trip's price, paid when it is confirmed; nothing otherwise."""
    if not (args or {}).get("accept_fees") or str(out.get("status")) != "held":
        return ""
    chosen = {str(s.get("segment_id")) for s in out.get("seats") or []}
    fees = [
        fee.get("amount")
        for segment in out.get("segments") or []
        if str(segment.get("segment_id")) in chosen
        for fee in (segment.get("fare") or {}).get("fees") or []
        if fee.get("code") == SEAT_FEE
    ]
    added = render.money_sum(fees)
    if not added:
        return ""
    return (
        f" The extra legroom adds {added} to the trip's price"
        f" ({render.money(out.get('total'))} in all), paid when you confirm."
    )


def _fee_of(message: str) -> str:
    found = re.search(r"for (\d[\d,]*\.\d\d [A-Z]{3})", message)
    return found.group(1) if found else "a fee"


def pay_fee(state: State, turn: Turn, ctx: Context, offer: Offer) -> Decision:
    """The traveller said yes to a seat's fee: choose it again, the fee agreed to (on a
    confirmed booking the core asks for the purchase instead: ``buy_seats``)."""
    bought = turn.last("buy_seats")
    if bought is not None and bought.done:
        return after_purchase(bought.output, bought.error)
    chosen = turn.last("choose_seats")
    if chosen is not None and chosen.done:
        purchase = purchase_call(state, chosen.args, chosen.error)
        if purchase is not None:
            return [purchase]
        return after_choice(chosen.output, chosen.error, chosen.args)
    return [Call("choose_seats", dict(offer.args["call"]))]


def _row_list(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows[:6]) + ("…" if len(rows) > 6 else "")


def _describe(segment: SeatMapSegmentOut, paid_now: bool = False) -> str:
    columns = segment.columns.replace(" ", "")
    windows = {columns[0], columns[-1]}
    blocks = segment.columns.split(" ")
    aisles = {b[-1] for b in blocks[:-1]} | {b[0] for b in blocks[1:]}
    free_rows = [r for r in segment.rows if r.free and r.fee is None]
    window_rows = [r.row for r in free_rows if windows & set(r.free)]
    aisle_rows = [r.row for r in free_rows if aisles & set(r.free)]
    paid = [r for r in segment.rows if r.fee is not None and r.free]
    mine = [f"{p.name} {p.seat}" for p in segment.passengers if p.seat]
    text = (
        f"{segment.flight} {segment.origin}→{segment.destination} ({segment.aircraft}, "
        f"{segment.cabin}, seats {segment.columns}): {segment.seats_free} free."
    )
    if mine:
        text += " Seated: " + ", ".join(mine) + "."
    if window_rows:
        text += f" Free windows in rows {_row_list(window_rows)}"
        text += f"; aisles in rows {_row_list(aisle_rows)}." if aisle_rows else "."
    if paid:
        text += (
            f" Extra legroom (rows {_row_list([r.row for r in paid])}) costs "
            f"{render.money(paid[0].fee.model_dump() if paid[0].fee else None)} a seat, "
            + (
                # a booked trip's seat fee is charged on its own, once the traveller says yes
                "charged to the company card once you say yes."
                if paid_now
                else "added to the trip's price before you confirm."
            )
        )
    return text


# "Which seat am I in?", "what's my seat", "what seat did I get": the seat one has.
_MY_SEAT = re.compile(
    r"\b(?:which|what)(?:'s| is)? (?:seats?|seat number) (?:am i|are we|do i|did i|have i|i'?m"
    r"|do we|did we|have we)\b"
    r"|\b(?:what|which)(?:'s| is| are)? (?:my|our) seats?\b|\bwhats my seat"
    r"|\b(?:do|did) (?:i|we) (?:have|get|already have) (?:a |my |our |any )?seats?\b"
)


def _seats_held(segments: list[SeatMapSegmentOut]) -> str:
    """Who sits where on the flights meant, and who has no seat yet."""
    lines = []
    for s in segments:
        seated = [f"{p.name} {p.seat}" for p in s.passengers if p.seat]
        unseated = [p.name for p in s.passengers if not p.seat]
        if seated:
            lines.append(f"On {s.flight}: " + ", ".join(seated) + ".")
        if unseated:
            lines.append(
                f"On {s.flight} no seat is chosen yet for {', '.join(unseated)} — pick one now, "
                "or the airline assigns one at check-in."
            )
    return " ".join(lines)


def after_map(
    out: GetSeatMapOutput | None,
    error: dict[str, Any] | None,
    only: set[str] | None = None,
    asked: str = "",
    paid_now: bool = False,
) -> Reply:
    """The seat map in words: the flights meant (``only``: their segment ids), else all;
    a question for one's seat ("which seat am I in on BA 19?") answered first.
    ``paid_now``: the booking is confirmed, so a seat's fee is charged on its own."""
    if error is not None or out is None:
        return Reply(f"I couldn't read the seat map: {render.error_text(error or {})}")
    segments = [s for s in out.segments if not only or s.segment_id in only] or out.segments
    low = asked.lower()
    if _MY_SEAT.search(low):
        text = _seats_held(segments)
        if re.search(r"\bgates?\b", low):
            text += (
                " I don't have gate information — it isn't in our flight data; the airline's "
                "app and the airport screens show the gate on the day."
            )
        return Reply(text + f" To choose a seat, {_HOW}.")
    lines = [_describe(s, paid_now) for s in segments]
    return Reply(" ".join(lines) + f" To choose, {_HOW}.")


HANDLERS = {Intent.SEATS: seats}
