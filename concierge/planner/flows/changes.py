"""Changes flow: date changes, disruptions and rebooking (suggestions or a change search, then ``rebook``)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from functools import cache
from typing import Any, Final

from concierge.planner import render
from concierge.planner.flows.base import INACTIVE, Call, Context, Decision, Handler, Reply
from concierge.planner.flows.lookup import (
    find_booking,
    home_city,
    not_theirs_to_change,
    trip_matches,
    with_flight_home,
)
from concierge.planner.flows.options import amount_of, pick
from concierge.planner.flows.stays import stay_after
from concierge.planner.nlu import datafiles
from concierge.planner.nlu.flight_numbers import flight_numbers, mentions
from concierge.planner.nlu.intents import Intent, OptionRef, Understanding
from concierge.planner.nlu.picks import airlines_asked, flight_number, one_option
from concierge.planner.state import Offer, Shown, State, Step, Turn, typed
from core.catalogue.places import lookup_place
from tools.list_trips import TripOut
from tools.search_flights import MAX_OPTIONS
from tools.views import day_range, spoken_day


def _suggestion_line(i: int, s: dict[str, Any]) -> str:
    """A rebooking alternative (tools.get_booking.SuggestionOut, or a search option)."""
    if s.get("summary"):
        what = str(s["summary"])
    else:
        flights = " + ".join(s.get("flights") or []) or str(s.get("flight") or "")
        what = (
            f"{flights} · {s.get('origin', '')} {render.when(s.get('depart'))} → "
            f"{s.get('destination', '')} {render.clock(s.get('arrive'))}"
        )
    diff = s.get("fare_difference")
    if isinstance(diff, dict):
        value = amount_of(diff)
        price_text = (
            " · no fare difference" if value == 0 else f" · fare difference {render.money(diff)}"
        )
    else:
        price_text = (
            f" · {render.money(s.get('total') or s.get('price'))}"
            if s.get("total") or s.get("price")
            else ""
        )
    stops = s.get("stops")
    stop_text = "" if stops is None else (" · direct" if not stops else f" · {stops} stop")
    return f"{s.get('option', i)}. {what}{stop_text}{price_text} · {render.badge(s.get('policy'))}"


def suggestions_text(b: dict[str, Any]) -> str:
    lines = [_suggestion_line(i, s) for i, s in enumerate(b.get("suggestions") or [], start=1)]
    return (
        "Here are the alternatives I can rebook you on:\n"
        + "\n".join(lines)
        + "\n\nWhich one should I rebook you on?"
    )


def _disruption(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    looked = turn.calls("get_booking")
    if not looked:
        found = _find_disrupted(state, turn, ctx, u)
        return found
    outputs = [s.output for s in looked if s.output]
    disrupted = [b for b in outputs if b.get("disruption")] + [
        b
        for b in outputs
        if b.get("suggestions") or any(seg.get("flight_status") for seg in b.get("segments") or [])
    ]
    if not disrupted:
        if outputs and u.status_question:
            return _on_schedule(outputs, u, ctx)
        told = _flight_told_about(outputs, u, ctx)
        if told is not None:
            return told
        if outputs:
            return _none_reported(outputs, ctx)
        errors = [render.error_text(s.error) for s in looked if s.error]
        return Reply("I couldn't check that booking: " + " ".join(errors))
    b = disrupted[0]
    seg_id = _seg_id(b)
    seg: dict[str, Any] = next(
        (
            s
            for s in b.get("segments") or []
            if s.get("segment_id") == seg_id or s.get("flight_status")
        ),
        {},
    )
    disruption = b.get("disruption") or {}
    status = str(disruption.get("kind") or seg.get("flight_status") or "disrupted")
    if status == "delayed" and disruption.get("delay_minutes"):
        status = f"delayed by {disruption['delay_minutes']} minutes"
    verb = (
        "has been **cancelled by the airline**"
        if status == "cancelled"
        else f"has been **{status}**"
    )
    head = f"{seg.get('flight', 'Your flight')} on {render.when(seg.get('depart'))} ({b.get('booking_id')}) {verb}."
    if not b.get("suggestions"):
        return Reply(
            head
            + " I don't have alternative flights for it yet; our travel team has been alerted. Want me to search other flights on that route?"
        )
    options = b.get("suggestions") or []
    offer = None
    if len(options) == 1:
        offer = Offer(
            "rebook",
            {
                "booking_id": b.get("booking_id"),
                "segment_id": _seg_id(b),
                "offer_id": options[0].get("offer_id"),
            },
        )
    return Reply(head + "\n\n" + suggestions_text(b), offer)


def _first_flight_after(legs: list[dict[str, Any]], now: dt.datetime) -> dt.datetime | None:
    starts = []
    for leg in legs:
        try:
            start = dt.datetime.fromisoformat(str(leg.get("starts") or leg.get("depart") or ""))
        except ValueError:
            continue
        if leg.get("kind", "flight") == "flight" and start.tzinfo is not None and start >= now:
            starts.append(start)
    return min(starts, default=None)


def _next_flying(trips: list[dict[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """The trips with a flight still to leave, the next to leave first (booked trips
    before those still waiting)."""
    timed = [(t, _first_flight_after(list(t.get("legs") or []), now)) for t in trips]
    ahead = [(t, at) for t, at in timed if at is not None]
    ahead.sort(key=lambda pair: (pair[0].get("status") != "confirmed", pair[1]))
    return [t for t, _ in ahead] or trips


def _flight_told_about(
    outputs: list[dict[str, Any]], u: Understanding, ctx: Context
) -> Reply | None:
    """A disruption told of one flight ("BA emailed that my flight home on the 18th is
    cancelled", "BA cancelled my flight to London", "BA19 was cancelled") that the airline
    has reported nothing of: that flight — by its number, its day, else the leg or the
    place named of the one booking read — said to be still scheduled as booked, and what
    can be done. None when the message names no one flight of those read."""
    booked = _booked_flights(outputs)
    said = flight_numbers(u.text)
    named = [
        (b, s) for b, s in booked if str(s.get("flight") or "").replace(" ", "").upper() in said
    ]
    day = u.dates.depart or u.dates.ret
    if not named:
        named = [(b, s) for b, s in booked if day and str(s.get("depart") or "")[:10] == str(day)]
    if not named and len(outputs) == 1 and (leg_word(u.text) or _by_place(booked, u)):
        flights = [s for _, s in booked]
        named = [(outputs[0], leg_named(flights, u, ctx))] if flights else []
    if len(named) != 1:
        return None
    b, flight = named[0]
    return Reply(
        f"{_flight_text(flight)} ({b.get('booking_id')}) is still scheduled as booked: the "
        "airline hasn't reported a cancellation or delay of it to us. " + _WHAT_CAN_BE_DONE
    )


# What a traveller told of a disruption the airline hasn't reported can do.
_WHAT_CAN_BE_DONE = (
    "If the airline has told you otherwise, its report hasn't reached us yet — once it "
    "does, you'll be told and offered alternatives with no change fee. Or I can move it to "
    "another flight now (the fare rules' change fee applies): just tell me the day or time."
)


def _booked_flights(outputs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The flights still booked (or held) of the bookings read, each with its booking."""
    return [
        (b, s)
        for b in outputs
        for s in b.get("segments") or []
        if s.get("kind") == "flight" and s.get("status") in ("held", "booked")
    ]


def _by_place(booked: list[tuple[dict[str, Any], dict[str, Any]]], u: Understanding) -> bool:
    """The message names a place one of the flights leaves from or goes to ("my flight to
    London"), so ``leg_named`` finds the flight by it."""
    cities = {m.place.city for m in u.places if m.place is not None}
    return any(
        _in_city(s.get(end), city)
        for _, s in booked
        for end in ("origin", "destination")
        for city in cities
    )


def _flight_text(flight: dict[str, Any]) -> str:
    """ "BA 19 JFK→LHR on Mon 14 Dec 22:30"."""
    return (
        f"{flight.get('flight', 'Your flight')} {flight.get('origin')}→"
        f"{flight.get('destination')} on {render.when(flight.get('depart'))}"
    )


def _none_reported(outputs: list[dict[str, Any]], ctx: Context) -> Reply:
    """A disruption told of no one flight of the bookings read, the airline having
    reported nothing: the flights still to leave named, each still scheduled, and what
    can be done."""
    booked = _booked_flights(outputs)
    ahead = [(b, s) for b, s in booked if _first_flight_after([s], ctx.now) is not None] or booked
    if not ahead:
        refs = ", ".join(str(b.get("booking_id")) for b in outputs)
        return Reply(f"I checked {refs}: there is no flight still booked on it to check.")
    lines = "\n".join(f"- {_flight_text(s)} ({b.get('booking_id')})" for b, s in ahead)
    return Reply(
        "The airline hasn't reported a cancellation or delay of any of your flights to us; "
        f"they are all still scheduled as booked:\n{lines}\n\n" + _WHAT_CAN_BE_DONE
    )


def _on_schedule(outputs: list[dict[str, Any]], u: Understanding, ctx: Context) -> Reply:
    """A question how a flight stands, the airline having reported nothing: the flight
    asked about (the leg named, else the next to leave) said to be on schedule, as
    ``get_booking`` has it. Nothing is changed."""
    b = outputs[0]
    flights = [
        s
        for s in b.get("segments") or []
        if s.get("kind") == "flight" and s.get("status") in ("held", "booked")
    ]
    if not flights:
        return Reply(f"{b.get('booking_id')} has no flight still booked to check.")
    ahead = [s for s in flights if _first_flight_after([s], ctx.now) is not None] or flights
    flight = leg_named(ahead, u, ctx) if leg_word(u.text) else ahead[0]
    status = str(b.get("status") or "")
    waiting = f" (the trip itself is {render.status_text(status)})" if status != "confirmed" else ""
    return Reply(
        f"{flight.get('flight', 'Your flight')} {flight.get('origin')}→"
        f"{flight.get('destination')} on {render.when(flight.get('depart'))} "
        f"({b.get('booking_id')}) is on schedule{waiting}: the airline has reported no delay "
        "or cancellation for it."
    )


def _seg_id(b: dict[str, Any]) -> str | None:
    disruption = b.get("disruption")
    if isinstance(disruption, dict) and disruption.get("segment_id"):
        return str(disruption["segment_id"])
    for seg in b.get("segments") or []:
        if seg.get("flight_status") in {"cancelled", "delayed"}:
            return str(seg.get("segment_id"))
    return None


def _find_disrupted(
    state: State, turn: Turn, ctx: Context, u: Understanding
) -> Decision | list[Call]:
    if u.booking_id:
        return [Call("get_booking", {"booking_id": u.booking_id})]
    listing = turn.last("list_trips")
    if listing is None:
        if state.current_booking and not (u.places or u.dates.depart):
            return [Call("get_booking", {"booking_id": state.current_booking})]
        return [Call("list_trips", {"limit": 20})]
    trips = [t for t in (state.trips or []) if t.get("status") not in INACTIVE]
    matches = [t for t in trips if trip_matches(t, u, ctx)] or trips
    flagged = [t for t in matches if re.search(r"cancel|delay|disrupt", json.dumps(t).lower())]
    picks = (flagged or matches)[:3]
    if u.status_question and not flagged:
        # "Is my flight on time?": the trip of the next flight asked about, a booked one
        # before one still waiting (for approval, payment).
        picks = _next_flying(matches, ctx.now)[:1]
    if not picks:
        return Reply("I can't find an active trip to check. What's the booking reference?")
    return [Call("get_booking", {"booking_id": str(t["booking_id"])}) for t in picks]


def select_rebook(
    state: State, turn: Turn, ctx: Context, u: Understanding, refs: list[OptionRef], shown: Shown
) -> Decision:
    # One list: what the message says in several clauses describes one option ("the same
    # BA flight as now, the 22:30").
    ref = one_option(refs)
    asked = state.offer.args.get("asked") if state.offer and state.offer.kind == "select" else None
    picked = (
        pick(shown.items, ref)
        if ref
        # "switch me to that one": the option the question before was about
        else shown.items[asked - 1]
        if isinstance(asked, int) and 1 <= asked <= len(shown.items)
        else (shown.items[0] if len(shown.items) == 1 else None)
    )
    if isinstance(picked, str):
        return Reply(picked)
    if picked is None:
        return Reply(f"Which one? Tell me a number from 1 to {len(shown.items)}.")
    args = {
        "booking_id": shown.booking_id,
        "segment_id": shown.segment_id,
        "offer_id": picked.get("offer_id"),
    }
    return rebook_flow(state, turn, ctx, args)


def rebook_flow(state: State, turn: Turn, ctx: Context, args: dict[str, Any]) -> Decision:
    step = turn.last("rebook")
    if step is None:
        return [Call("rebook", {k: v for k, v in args.items() if v is not None})]
    if step.declined:
        return Reply("OK, I haven't changed anything. Your booking stays as it is.")
    if step.error:
        return Reply(f"I couldn't rebook: {render.error_text(step.error)}")
    out = step.output or {}
    booking_id = out.get("booking_id", args.get("booking_id"))
    raw_change = out.get("change")
    change: dict[str, Any] = raw_change if isinstance(raw_change, dict) else {}
    status = str(change.get("status") or "done")
    money: list[str] = []
    for key, label in (("charge", "charge"), ("refund", "refund"), ("change_fee", "change fee")):
        value = change.get(key) if change else out.get(key)
        if isinstance(value, dict) and amount_of(value) not in (0.0, math.inf):
            money.append(f"{label} {render.money(value)}")
    cost = f" ({', '.join(money)})" if money else " (no extra cost)"
    if status == "pending_approval":
        manager = ctx.profile.get("manager")
        moved = _moved_to_text(state, args.get("offer_id"))
        text = (
            f"📨 The change to **{booking_id}**{moved}{cost} needs approval"
            + (f" from {manager}" if manager else "")
            + " before it takes effect; your current booking stays as it is meanwhile."
        )
    elif status in {"failed", "rejected"}:
        reason = (
            change.get("failure_reason") or out.get("failure_reason") or "the airline refused it"
        )
        text = f"Sorry, the change to **{booking_id}** didn't go through: {reason}."
    elif status == "running":
        text = f"⏳ Rebooking **{booking_id}**{cost} — waiting for the airline to confirm."
    else:
        text = f"✅ Rebooked — **{booking_id}** is {render.status_text(out.get('status'))}{cost}."
        lines = render.booking_summary(out)
        if lines:
            text += "\n" + lines
        stale = _stay_out_of_step(out)
        if stale is not None:
            return Reply(text + "\n\n" + stale[0], stale[1])
    return Reply(text)


def _moved_to_text(state: State, offer_id: Any) -> str:
    """The flight a change waiting for approval moves to (" — onto BA 19 JFK→LHR Sun 13
    Dec 22:30"), from the options shown for it; "" when not among them."""
    for shown in state.shown.values():
        for o in shown.items:
            if offer_id and isinstance(o, dict) and o.get("offer_id") == offer_id:
                flights = " + ".join(o.get("flights") or []) or str(o.get("flight") or "")
                if flights and o.get("depart"):
                    return (
                        f" — onto {flights} {o.get('origin', '')}→{o.get('destination', '')} "
                        f"{render.when(o.get('depart'))}"
                    )
    return ""


def _stay_out_of_step(booking: dict[str, Any]) -> tuple[str, Offer | None] | None:
    """After a flight moved to another day: the booking's hotel, when its nights no longer
    match the flights (one now lands after its first night, or before it; flies home before
    its last morning, or after it). Said plainly: nights no longer needed stay booked and
    paid for (a part of a booking is never changed nor cancelled alone), and a room for the
    nights the stay now lacks is offered."""
    live = [
        s
        for s in booking.get("segments") or []
        if isinstance(s, dict) and s.get("status") not in ("cancelled", "released")
    ]
    hotel = next(
        (s for s in live if s.get("kind") == "hotel" and s.get("check_in") and s.get("check_out")),
        None,
    )
    stay = stay_after({"segments": live})
    if hotel is None or stay is None:
        return None
    booked_in = dt.date.fromisoformat(str(hotel["check_in"]))
    booked_out = dt.date.fromisoformat(str(hotel["check_out"]))
    wanted_in, wanted_out = stay.check_in, stay.check_out or booked_out
    if (wanted_in, wanted_out) == (booked_in, booked_out) or wanted_out <= wanted_in:
        return None
    name = hotel.get("hotel") or "the hotel"
    text = (
        f"Heads-up: your hotel, {name}, is booked for {day_range(booked_in, booked_out)}, "
        f"and with the new flight you're there {day_range(wanted_in, wanted_out)}."
    )
    unused = [
        booked_in + dt.timedelta(days=i)
        for i in range((booked_out - booked_in).days)
        if not wanted_in <= booked_in + dt.timedelta(days=i) < wanted_out
    ]
    if unused:
        text += (
            f" T{_nights_text(unused)[1:]} {'is' if len(unused) == 1 else 'are'} no "
            "longer needed, but I can't change a hotel on its own inside a booking, so the "
            "stay remains booked and paid for as it is."
        )
    missing = (
        (wanted_in, min(booked_in, wanted_out))
        if wanted_in < booked_in
        else (max(booked_out, wanted_in), wanted_out)
        if wanted_out > booked_out
        else None
    )
    if missing is None or missing[1] <= missing[0]:
        return text, None
    nights = [missing[0] + dt.timedelta(days=i) for i in range((missing[1] - missing[0]).days)]
    city = str(hotel.get("city") or stay.city)
    text += (
        f" You have no room for {_nights_text(nights)}: shall I find one in {city} for "
        f"{day_range(*missing)}? Just say yes."
    )
    args = {
        "city": city,
        "check_in": missing[0].isoformat(),
        "check_out": missing[1].isoformat(),
        "rooms": int(hotel.get("rooms") or 1),
    }
    return text, Offer("hotel", args)


def _nights_text(nights: list[dt.date]) -> str:
    """ "the night of 15 Dec", "the nights of 15–16 Dec"."""
    if len(nights) == 1:
        return f"the night of {nights[0].day} {nights[0]:%b}"
    return f"the nights of {day_range(nights[0], nights[-1])}"


# The flight back of a trip: "my return", "the flight home", "my way back", "inbound".
_HOMEWARD = re.compile(r"\b(?:return(?:ing)?|back|home(?:ward|bound)?|inbound)\b")
_OUTWARD = re.compile(r"\b(?:outbound|outward|(?:flight|leg|way) (?:out|there)\b(?! of))")


def leg_word(text: str) -> str | None:
    """The leg a message names by word: "home" ("my flight home", "the return", "the way
    back"), "out" ("the flight out", "outbound"), else None; "there and back" names both."""
    low = text.lower()
    home, out = _HOMEWARD.search(low), _OUTWARD.search(low)
    if home and (out or re.search(r"\b(?:there|out) and back\b|\bboth ways\b|\beach way\b", low)):
        return None
    return "home" if home else "out" if out else None


def leg_named(flights: list[dict[str, Any]], u: Understanding, ctx: Context) -> dict[str, Any]:
    """The flight of a booking a change request names: the one home ("my flight home",
    "the return", "my way back": the last, or the one into the home airport's city), the
    one out, or the one from or to a place named ("my flight from London"); else the first."""
    if len(flights) == 1:
        return flights[0]
    # "switch me from BA 18 to DL 40": the booked flight named by its number
    said = flight_numbers(u.text)
    numbered = [s for s in flights if str(s.get("flight") or "").replace(" ", "").upper() in said]
    if numbered:
        return numbered[0]
    home = lookup_place(str(ctx.profile.get("home_airport") or ""), fuzzy=False)
    homeward, outward = legs_said(u.text)
    if homeward:
        into_home = [s for s in flights if home and _in_city(s.get("destination"), home.city)]
        return into_home[-1] if into_home else flights[-1]
    if outward:
        return flights[0]
    clocks = {r.clock for r in u.options if r.clock}
    timed = [s for s in flights if render.clock(s.get("depart")) in clocks]
    if timed:
        return timed[0]  # "the 10:30pm gets me in too late": the flight leaving then
    if u.dates.corrected is not None:
        # "on the 15th instead of the 14th": the flight that leaves on the day moved from;
        # "instead of Monday": the one flight leaving on a Monday.
        leaving = [s for s in flights if render.day_of(s.get("depart")) == u.dates.corrected]
        weekday = u.dates.corrected.weekday()
        that_weekday = [
            s
            for s in flights
            if (day := render.day_of(s.get("depart"))) is not None and day.weekday() == weekday
        ]
        if leaving or len(that_weekday) == 1:
            return (leaving or that_weekday)[0]
    for mention in u.places:
        if mention.place is None:
            continue
        # A place said with no direction, "my London flight", "Ava's Paris flight", names
        # the flight by where it goes, so the flight there before the one back from it.
        ends = ("origin",) if mention.role == "origin" else ("destination",) if mention.role else ()
        for end in ends or ("destination", "origin"):
            found = [s for s in flights if _in_city(s.get(end), mention.place.city)]
            if found:
                return found[0]
    return flights[0]


def _city_of(code: Any) -> Any:
    """The city of an airport ("EWR" → "New York"), for a search over all its airports."""
    place = lookup_place(str(code or ""), fuzzy=False)
    return place.city if place is not None else code


def _in_city(code: Any, city: str) -> bool:
    place = lookup_place(str(code or ""), fuzzy=False)
    return place is not None and place.city == city


def booked_in_thread(state: State, turn: Turn, u: Understanding) -> str | None:
    """The booking a request for another flight of the trip changes, when this
    conversation has already booked that trip's flights: "can I move it to Friday the
    18th?", "an earlier flight that same day?", "switch me to the 4:40pm United instead"
    right after the yes are changes of that booking (``rebook``), never a second one
    paid for beside it. A new trip (another place, another day named with its place)
    started a fresh draft, which knows no booking; a hotel asked for, a flight home the
    booking has no leg for, or a list still on the table to choose from keep their own
    flows."""
    if u.intent not in {Intent.SEARCH, Intent.SELECT}:
        return None
    booking_id = state.draft.booked
    booking = state.bookings.get(booking_id or "") or {}
    if booking_id is None or booking.get("status") != "confirmed":
        return None
    if any(s.id.endswith("_chg") for s in turn.calls("search_flights")):
        return booking_id  # this turn's change, under way
    if u.want_hotel or any(
        shown.items
        for kind, shown in state.shown.items()
        if kind in {"flights", "returns", "changes", "suggestions"} or kind.startswith("leg")
    ):
        return None
    flights = [s for s in booking.get("segments") or [] if s.get("kind") == "flight"]
    cities = {
        place.city
        for seg in flights
        for end in ("origin", "destination")
        if (place := lookup_place(str(seg.get(end) or ""), fuzzy=False)) is not None
    }
    if any(m.place is not None and m.place.city not in cities for m in u.places):
        return None  # another place: another trip
    if (u.round_trip or u.dates.ret is not None or _HOMEWARD.search(u.text.lower())) and not any(
        _in_city(s.get("destination"), state.draft.origin_city or "")
        or s.get("destination") == state.draft.origin
        for s in flights
    ):
        return None  # "and a flight back on Friday" after a one-way: the flight home, anew
    low = u.text.lower()
    if _ONE_MORE.search(low) or (_ANOTHER.search(low) and not _INSTEAD.search(low)):
        # "I also need a flight on the 22nd", "I need another flight next week": one more
        # booking, asked as such ("another flight instead, a later one" is still a change)
        return None
    wants_other_flight = (
        u.dates.depart is not None
        or u.shift_days
        or u.time_shift
        or u.other_option
        or u.dates.depart_after
        or u.dates.depart_before
        or _named_flight(u)
    )
    return booking_id if wants_other_flight else None


# A flight asked for on top of the one booked, not instead of it.
_ONE_MORE = re.compile(
    r"\b(?:also|additional|extra|second|one more)\b|\b(?:too|as well)\s*(?:[.!?,]|$)"
)
# "another flight", "another trip to Boston": one more too, unless the words ask for it in
# place of the booked one ("another flight instead", "switch me to another one, later").
_ANOTHER = re.compile(r"\banother\s+(?:[\w-]+\s+)?(?:flights?|trips?|tickets?|bookings?|one)\b")
_INSTEAD = re.compile(
    r"\b(?:instead|rather|in place|switch|swap|change|move|rebook|earlier|later|sooner"
    r"|same day|that day|that morning|that evening)\b"
)


def changes_booked_leg(state: State, turn: Turn, u: Understanding) -> bool:
    """Whether a request for another flight names a leg of a booked trip while no trip
    is being planned here: "can I get a later flight home on the 18th?" compares with a
    flight one has ("later", "earlier", "another"), and with no draft nor options in this
    conversation that is a booked one — a change of it, not a new search."""
    compares = bool(u.time_shift or u.other_option) or names_own_flight(u) or switches(u)
    # "Could I fly out on Tuesday the 15th instead of Monday the 14th?": a day of one's
    # trip moved (the day corrected away is the booked flight's).
    moves = u.dates.corrected is not None and u.dates.depart is not None
    if u.intent not in {Intent.SEARCH, Intent.SELECT} or not (compares or moves):
        return False
    if _more_nights(u):
        return False
    if any(s.id.endswith("_chg") for s in turn.calls("search_flights")):
        return True  # this turn's change, under way
    offers = (s for kind, s in state.shown.items() if kind not in {"trips", "approvals"})
    # Nothing searched here yet (the draft may hold this very message's places and days).
    if state.flight_args or state.hotel_args or any(s.items for s in offers):
        return False
    low = u.text.lower()
    return bool(
        _HOMEWARD.search(low)
        or _OUTWARD.search(low)
        or (moves and u.want_flight)
        or names_own_flight(u)
        or switches(u)
    )


def switches(u: Understanding) -> bool:
    """A flight named by its number with words of replacing ("switch me from BA 18 to DL
    40", "swap my BA 18 for the DL 40", "put me on DL 40 instead"): with no list shown to
    pick from, a booked flight moved onto that one."""
    low = u.text.lower().replace("’", "'")
    words = {m.group(0) for m in _table()["change"].finditer(low)} - _BARE_COMPARE
    numbered = any(flight_number(r.carrier or "") for r in u.options) or any(
        f.airline for f in mentions(u.text)
    )
    return bool(words and numbered)


def names_own_flight(u: Understanding) -> bool:
    """A flight said by its time with other hours asked for ("the 10:30pm on the 14th
    gets me in too late — anything that leaves in the afternoon that day?"): with no list
    shown to pick from, that flight is one the traveller has, and the hours are its change."""
    clocks = {r.clock for r in u.options if r.clock and not r.carrier and r.index is None}
    window = {u.dates.depart_after, u.dates.depart_before} - {None}
    return bool(clocks and window and not clocks & window and u.dates.depart and not u.places)


def _named_flight(u: Understanding) -> list[OptionRef]:
    """The flight a message names by its time or airline ("the 4:40pm United"): in a
    change request, the one to switch to once that day's flights are found."""
    return [r for r in u.options if r.clock or r.carrier]


def change_booked(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    """A change of the booking this conversation made (``booked_in_thread``)."""
    return _change_booking(state, turn, ctx, u, state.draft.booked)


def _change(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    return _change_booking(state, turn, ctx, u, None)


def same_flight_asked(
    state: State, turn: Turn, ctx: Context, u: Understanding
) -> Decision | None:
    """Right after a question about a booked flight ("what time's my flight home?"), "put
    me on that same flight the day after instead", "can I move that one to the 20th?":
    that flight of that booking moved to the day said (the same flight number proposed
    on it when it flies then, else that day's options). None when the message names
    another trip, asks nothing of the kind, or no flight was just talked of."""
    booking_id, segment_id = state.current_booking, state.asked_flight
    if (
        booking_id is None
        or segment_id is None
        or state.last_intent not in {Intent.ASK_TRIP, Intent.BOOKING}
        or u.booking_id
        or u.places
        or u.intent not in _MOVES_THAT_FLIGHT
        or not (u.moved_to or u.dates.depart or u.dates.ret or u.shift_days)
    ):
        return None
    low = u.text.lower().replace("’", "'")
    if not ((_THAT_FLIGHT.search(low) and _table()["change"].search(low)) or _PUT_ON.search(low)):
        return None
    return _change_booking(
        state, turn, ctx, u, booking_id, segment_id=segment_id, same_number=bool(_ONTO.search(low))
    )


# "switch to that flight on the 19th", "put me on that one the day after": the flight just
# talked of is the one to fly, on the new day
_ONTO = re.compile(r"\b(?:on|onto|on to|to) (?:that|this|the same) (?:same )?(?:flight|one|plane)\b")
# What a move of the flight just talked of may read as ("put me on that same flight the
# day after" a pick of "the same" option).
_MOVES_THAT_FLIGHT = frozenset(
    {Intent.SELECT, Intent.SEARCH, Intent.CHANGE, Intent.UNKNOWN, Intent.BOOKING}
)
# "that flight", "that same flight", "the same one", "that one", "it"
_THAT_FLIGHT = re.compile(
    r"\b(?:(?:that|this|the) (?:same )?(?:flight|one|plane)|same (?:flight|one|plane)|it)\b"
)
# "put me on that same flight the day after", "get me on the same one on the 20th"
_PUT_ON = re.compile(
    r"\b(?:put|get|book|rebook|switch|move) (?:me|us|her|him|them) (?:on|onto|to) "
    r"(?:that|this|the) (?:same )?(?:flight|one|plane)\b"
)


def other_day_of_change(
    state: State, turn: Turn, ctx: Context, u: Understanding
) -> Decision | None:
    """Another day said right after the options to move a booked flight ("actually make it
    Saturday", "the 19th instead", "put me on UA 28 on the 17th instead"): the same flight
    of the same booking, moved to that day instead (a new change search), not a new trip;
    a flight named by its number that the options shown lack ("the BA 13", leaving from
    another airport of the city): that day's flights searched again for it. None when the
    message is anything else."""
    shown = state.shown.get("changes")
    if state.last_shown != "changes" or shown is None or not shown.booking_id or u.places:
        return None
    if u.want_hotel and not u.want_flight:
        return None  # "… + hotel nights 18th and 19th": a stay asked, not the flight's day
    numbers = [r for r in u.options if r.carrier and flight_number(r.carrier)]
    if len(numbers) != len(u.options):
        return None  # "option 2", "the 8pm one": a pick among those shown
    day = u.moved_to or u.dates.depart or u.dates.ret
    if day is not None and u.intent in {Intent.SEARCH, Intent.CHANGE, Intent.SELECT}:
        return _change_booking(state, turn, ctx, u, shown.booking_id, segment_id=shown.segment_id)
    if day is None and numbers and not any(isinstance(pick(shown.items, r), dict) for r in numbers):
        listed = render.day_of(shown.items[0].get("depart")) if shown.items else None
        return _change_booking(
            state, turn, ctx, u, shown.booking_id, segment_id=shown.segment_id, day=listed
        )
    return None


# What says a flight number after it is one a change moves to ("to BA 20", "onto the UA
# 1187"), not one of the trip's.
_SWITCHED_TO = re.compile(r"\b(?:to|onto|on to|for)\s+(?:the\s+)?$", re.IGNORECASE)


def _without_switched_to(text: str) -> str:
    """``text`` less the flight numbers a change moves to ("switch my return to BA 20")."""
    for f in reversed(mentions(text)):
        if _SWITCHED_TO.search(text[: f.start]):
            text = text[: f.start] + " " + text[f.end :]
    return text


def _half_in(ref: OptionRef, after: str | None, before: str | None) -> str:
    """The time a flight is named by: "the 4:45" said with no am or pm is 16:45 when the
    hours said beside it are the afternoon's ("to the afternoon, the 4:45 one")."""
    clock = str(ref.clock)
    if not (ref.either_half and (after or before)) or int(clock[:2]) >= 12:
        return clock
    later = f"{int(clock[:2]) + 12:02d}{clock[2:]}"

    def fits(at: str) -> bool:
        return (after is None or at >= after) and (before is None or at <= before)

    return later if fits(later) and not fits(clock) else clock


def _clock_plus(clock: str, minutes: int) -> str:
    hours, mins = divmod(
        max(0, min(23 * 60 + 59, int(clock[:2]) * 60 + int(clock[3:5]) + minutes)), 60
    )
    return f"{hours:02d}:{mins:02d}"


def _change_booking(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    booking_id: str | None,
    *,
    segment_id: str | None = None,
    day: dt.date | None = None,
    same_number: bool = False,
) -> Decision:
    """``day``: the day to search when the message says none (that of the options shown);
    ``same_number``: the message asks for the booked flight itself on the new day."""
    looked = turn.last("get_booking")
    if looked is None:
        if booking_id is None:
            hint = Understanding(
                # "switch my return to BA 20": the flight switched to names no booked one.
                text=_without_switched_to(u.text),
                intent=u.intent,
                places=u.places,
                booking_id=u.booking_id,
                person=u.person,
            )
            if names_own_flight(u):
                hint.dates = u.dates  # "the 10:30pm on the 14th": the trip flying that day
            homeward = bool(_HOMEWARD.search(u.text.lower())) and not _OUTWARD.search(
                u.text.lower()
            )
            found = find_booking(state, turn, ctx, hint, "change", homeward=homeward)
            if not isinstance(found, str):
                return found
            booking_id = found
        return [Call("get_booking", {"booking_id": booking_id})]
    if looked.error or not looked.output:
        return Reply(f"I couldn't load that booking: {render.error_text(looked.error or {})}")
    b = looked.output
    refused = not_theirs_to_change(state, str(b.get("booking_id")), "change", b)
    if refused is not None:
        return refused
    flights = [s for s in b.get("segments") or [] if s.get("kind") == "flight"]
    if not flights:
        return Reply(
            f"{b.get('booking_id')} has no flight to change. For a hotel change I'd cancel and rebook it — shall I search new hotel dates?"
        )
    every = _every_flight_shifted(flights, u)
    if every:
        return _shift_every_flight(state, turn, ctx, u, b, every)
    seg = next((s for s in flights if segment_id and s.get("segment_id") == segment_id), None)
    seg = seg or leg_named(flights, u, ctx)
    old = render.day_of(seg.get("depart"))
    home_leg = len(flights) > 1 and seg is flights[-1]
    new_day = (
        u.moved_to
        if u.intent == Intent.CHANGE
        # "come home on Saturday the 19th": the flight home's day is the one said of a return.
        else u.moved_to or u.dates.ret or u.dates.depart
        if home_leg
        else u.moved_to or u.dates.depart or u.dates.ret
    )
    if (
        new_day is not None
        and old is not None
        and u.dates.definite_weekday is not None
        and new_day.weekday() == u.dates.definite_weekday
    ):
        # "move my flight home to Thursday": a weekday alone names a day of the trip, the
        # one nearest the flight it moves (the Thursday before Friday's flight home), not
        # the next Thursday from today.
        ahead = (u.dates.definite_weekday - old.weekday()) % 7
        new_day = old + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)
    if new_day is None and day is not None:
        new_day = day
    if new_day is None and u.shift_days and old is not None:
        new_day = old.fromordinal(old.toordinal() + u.shift_days)
    # A window said of the flight ("something after 5pm", of a flight home read as the
    # return's): the hours to search; its clock names no flight.
    after = u.dates.depart_after or u.dates.return_after
    before = u.dates.depart_before or u.dates.return_before
    leaves = render.clock(seg.get("depart"))
    # "8:45 is way too early", "the 10:30pm gets me in too late": the booked flight, said
    # by its time, is the one moved away from, never the one to switch to.
    named = [
        r
        for r in _named_flight(u)
        if r.carrier or (r.clock not in {after, before} and r.clock != leaves)
    ]
    own_numbers = {str(s.get("flight") or "").replace(" ", "").upper() for s in flights}
    others = [
        r
        for r in named
        if flight_number(r.carrier or "")
        and (r.carrier or "").replace(" ", "").upper() not in own_numbers
    ]
    if others:
        # "change me onto DL 40 instead of BA 18": the booked one is what is left
        named = [r for r in named if (r.carrier or "").replace(" ", "").upper() not in own_numbers]
    if not any(r.carrier for r in named):
        # "can you move my flight home to BA 14 on the 16th?": a flight number asked in a
        # question is still the one to switch to (one of the booking's is not).
        own = {str(s.get("flight") or "").replace(" ", "").upper() for s in flights}
        for f in mentions(u.text):
            if f.squeezed not in own and f.airline:
                named.append(OptionRef(carrier=f.spaced))
    if (
        not any(r.carrier for r in named)
        and (same_number or _same_flight(u.text))
        and seg.get("flight")
    ):
        # "move it to the next day, same flight if there is one": the booked flight's
        # number on the new day, once found (else the day's options are shown).
        named.append(OptionRef(carrier=str(seg.get("flight"))))
    if after and before and after >= before:
        # "a session on Saturday morning ... Sunday the 20th instead? Evening is fine":
        # hours that contradict each other say no window for the flight.
        after = before = None
    shift = compared(u)
    if shift == "earlier" and before is None and re.fullmatch(r"\d\d:\d\d", leaves):
        before = _clock_plus(leaves, -1)  # "an earlier flight": earlier than the one booked
    elif shift == "later" and after is None and re.fullmatch(r"\d\d:\d\d", leaves):
        after = _clock_plus(leaves, 1)
    clocks = [_half_in(r, after, before) for r in named if r.clock]
    if clocks:
        # "switch me to the 4:40pm": that day's flights leaving about then.
        after, before = _clock_plus(clocks[0], -30), _clock_plus(clocks[0], 30)
    if new_day is None and (after or before or named) and old is not None:
        new_day = old  # another time, or another flight, the same day
    if new_day is None:
        return Reply(
            f"Which date would you like to move {seg.get('flight')} ({seg.get('origin')}→{seg.get('destination')}) to?"
        )
    search = [s for s in turn.calls("search_flights") if s.id.endswith("_chg")]
    if not search:
        # (the booked flight itself, "same flight, BA 19", leaves from the same airports)
        by_number = any(
            flight_number(r.carrier or "")
            and (r.carrier or "").replace(" ", "").upper()
            != str(seg.get("flight") or "").replace(" ", "").upper()
            for r in named
        )
        args: dict[str, Any] = {
            # A flight named by its number may leave from or land at another airport of
            # the same cities ("UA 28" into Newark for a flight booked into JFK).
            "origin": _city_of(seg.get("origin")) if by_number else seg.get("origin"),
            "destination": (
                _city_of(seg.get("destination")) if by_number else seg.get("destination")
            ),
            "date": new_day.isoformat(),
            "cabin": seg.get("cabin") or "economy",
            "passengers": int(seg.get("passengers") or 1),
            # A flight named by its number ("same flight, BA 19"): enough options to hold it.
            "limit": MAX_OPTIONS if any(flight_number(r.carrier or "") for r in named) else 5,
            "rebooking": b.get("booking_id"),  # a Book click on an option rebooks, not holds anew
        }
        if u.max_stops is not None:
            args["max_stops"] = u.max_stops
        elif any(flight_number(r.carrier or "") for r in named):
            # One flight number is one nonstop flight: the connections only crowd it out
            # of the options ("switch me from BA 18 to DL 40", "same flight, a day later").
            args["max_stops"] = 0
        if after:
            args["depart_after"] = after
        if before:
            args["depart_before"] = before
        return [Call("search_flights", args, tag="chg")]
    step = search[-1]
    options = [] if step.error else (step.output or {}).get("options") or []
    if named and isinstance(pick(options, named[-1]), dict):
        # The flight to switch to was named with the request: that one, once found.
        shown = Shown("changes", options, str(b.get("booking_id")), str(seg.get("segment_id")))
        state.shown["changes"] = shown
        state.last_shown = "changes"
        return select_rebook(state, turn, ctx, u, named[-1:], shown)
    return change_options(
        state,
        ctx,
        step,
        str(b.get("booking_id")),
        str(seg.get("segment_id")),
        str(seg.get("flight")),
        new_day,
        stay_note=_stay_stays(b, seg, new_day),
        asked=_airline_asked(u.text, options, flights),
    )


def _every_flight_shifted(flights: list[dict[str, Any]], u: Understanding) -> list[dict[str, Any]]:
    """The booking's live flights, when the message moves all of them by a number of days
    ("flights one day later in both directions", "a day earlier each way"); else none."""
    live = [s for s in flights if s.get("status") in ("held", "booked")]
    if not u.shift_days or len(live) < 2 or not every_leg(u.text):
        return []
    return live


def every_leg(text: str) -> bool:
    """The message speaks of every flight of a trip ("both directions", "each way", "go
    out and come back", "the whole trip")."""
    return bool(_table()["every_leg"].search(text.lower().replace("’", "'")))


def shifts_booked_trip(state: State, turn: Turn, u: Understanding) -> bool:
    """Flights asked for a number of days from what one has booked ("find me flights one
    day later in both directions than what I have booked", "2 days later each way vs my
    London trip"), with no trip planned here: the booked trip's flights searched on their
    shifted days (``change_of_booked``), whatever else the message reads as."""
    if any(s.id.endswith("_chg") for s in turn.calls("search_flights")):
        return True  # this turn's change, under way
    if not u.shift_days or u.booking_id or u.intent not in _MAY_BE_SHIFT:
        return False
    low = u.text.lower().replace("’", "'")
    if not re.search(r"\bflights?\b", low) or not _table()["than_booked"].search(low):
        return False
    offers = (s for kind, s in state.shown.items() if kind not in {"trips", "approvals"})
    return not (state.flight_args or state.hotel_args or any(s.items for s in offers))


# What a search relative to one's booked trip may read as besides ("... than what I have
# booked" reads as a question about one's trips).
_MAY_BE_SHIFT = frozenset({Intent.SEARCH, Intent.TRIPS, Intent.ASK_TRIP, Intent.UNKNOWN})


def _shift_every_flight(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    b: dict[str, Any],
    flights: list[dict[str, Any]],
) -> Decision:
    """Each flight of a booking searched ``u.shift_days`` days from its own day, as a
    change search of that flight (an option picked, or a Book click, rebooks it). The
    first flight's options are the list a number then picks from (its search runs last,
    so that the state keeps it); the others are shown for the next move."""
    shift = int(u.shift_days or 0)
    days = [render.day_of(s.get("depart")) for s in flights]
    if any(d is None for d in days):
        return Reply("I couldn't read the days of the flights booked on that trip.")
    new_days = [d + dt.timedelta(days=shift) for d in days if d is not None]
    searches = [s for s in turn.calls("search_flights") if s.args.get("rebooking")]
    if not searches:
        calls = [
            Call(
                "search_flights",
                {
                    "origin": seg.get("origin"),
                    "destination": seg.get("destination"),
                    "date": day.isoformat(),
                    "cabin": seg.get("cabin") or "economy",
                    "passengers": int(seg.get("passengers") or 1),
                    "limit": 5,
                    "rebooking": b.get("booking_id"),
                    **({"max_stops": u.max_stops} if u.max_stops is not None else {}),
                },
                tag="chg" if i == 0 else f"chg{i + 1}",
            )
            for i, (seg, day) in enumerate(zip(flights, new_days, strict=True))
        ]
        return calls[1:] + calls[:1]
    by_origin = {(s.args.get("origin"), s.args.get("date")): s for s in searches}
    blocks: list[str] = []
    for seg, day in zip(flights, new_days, strict=True):
        step = by_origin.get((seg.get("origin"), day.isoformat()))
        if step is None or step.error or not step.output:
            why = render.error_text(step.error) if step is not None and step.error else "no answer"
            blocks.append(f"I couldn't search flights instead of {seg.get('flight')}: {why}")
            continue
        block = render.flights_block(step.output, f"Instead of {seg.get('flight')}")
        # (the client draws the options as cards: the list's heading only)
        blocks.append(block.split("\n", 1)[0] if ctx.cards else block)
    first = flights[0]
    step = by_origin.get((first.get("origin"), new_days[0].isoformat()))
    options = [] if step is None or step.error else (step.output or {}).get("options") or []
    state.shown["changes"] = Shown(
        "changes", options, str(b.get("booking_id")), str(first.get("segment_id"))
    )
    state.last_shown = "changes"
    days_text = "a day" if abs(shift) == 1 else f"{abs(shift)} days"
    how_far = f"{days_text} {'later' if shift > 0 else 'earlier'}"
    booked = ", ".join(
        f"{s.get('flight')} {s.get('origin')}→{s.get('destination')} {render.when(s.get('depart'))}"
        for s in flights
    )
    hotel = _stay_stays(b, first, new_days[0])
    return Reply(
        f"Flights {how_far} than those booked on {b.get('booking_id')} ({booked}); nothing "
        "is changed yet:\n\n"
        + "\n\n".join(blocks)
        + hotel
        + f"\n\nWhich one should I switch {first.get('flight')} to? Then I'll move "
        + ", ".join(str(s.get("flight")) for s in flights[1:])
        + " the same way. Any fare difference and change fee follow the fare rules."
    )


def _airline_asked(
    text: str, options: list[dict[str, Any]], flights: list[dict[str, Any]]
) -> int | None:
    """The option a change's question asks about by its airline ("is there an American
    Airlines one on Saturday?"): its number, when one airline other than the booked
    flights' is asked about and one option is on it, so that "switch me to that one"
    means it."""
    booked = {str(s.get("flight") or "")[:2].upper() for s in flights}
    codes = [c for c in airlines_asked(text) if c not in booked] or list(airlines_asked(text))
    if len(codes) != 1:
        return None
    on_it = [
        n
        for n, o in enumerate(options, 1)
        if all(str(f)[:2].upper() == codes[0] for f in o.get("flights") or ["?"])
    ]
    return on_it[0] if len(on_it) == 1 else None


# "same flight", "same one", "same time": the booked flight, another day
_SAME_FLIGHT = re.compile(
    r"\bsame\s+(?:(?:flight|plane|one|service|departure|time)\b"
    # "same BA flight, just a day later": the airline said before it
    r"|(?!(?:day|date|week|night|time|hotel|room)\b)(?:[a-z]{2,12}\s+){1,2}(?:flight|plane|service)\b)",
    re.IGNORECASE,
)
# ... or its number after "same" ("the same BA 19", "same ba 19")
_SAME: Final = re.compile(r"\bsame\s+$", re.IGNORECASE)


def _same_flight(text: str) -> bool:
    """The booked flight asked for again on another day ("same flight", "the same BA 19")."""
    return bool(_SAME_FLIGHT.search(text)) or any(
        _SAME.search(text[: f.start]) for f in mentions(text)
    )


def _stay_stays(booking: dict[str, Any], seg: dict[str, Any], new_day: dt.date) -> str:
    """Said before a flight of a booking with a hotel moves to another day: the hotel does
    not move with it (what that leaves unused or uncovered is said once it has moved)."""
    was = render.day_of(seg.get("depart"))
    hotel = next(
        (
            s
            for s in booking.get("segments") or []
            if isinstance(s, dict)
            and s.get("kind") == "hotel"
            and s.get("status") not in ("cancelled", "released")
            and s.get("check_in")
            and s.get("check_out")
        ),
        None,
    )
    if hotel is None or was is None or was == new_day:
        return ""
    nights = day_range(
        dt.date.fromisoformat(str(hotel["check_in"])),
        dt.date.fromisoformat(str(hotel["check_out"])),
    )
    return (
        f"\n\nYour hotel, {hotel.get('hotel') or 'the hotel'}, stays booked for {nights}: "
        "it doesn't move with the flight."
    )


def change_options(
    state: State,
    ctx: Context,
    step: Step | None,
    booking_id: str,
    segment_id: str,
    flight: str,
    new_day: dt.date,
    *,
    stay_note: str = "",
    asked: int | None = None,
) -> Decision:
    """The new flights a change search found for one flight of a booking: remembered as
    the "changes" list (so "option 2" or a Book click rebooks that flight), then shown
    (``stay_note``: what becomes of the booking's hotel; ``asked``: the option the request
    asked about, which "that one" then means)."""
    if step is None or step.error:
        why = render.error_text(step.error) if step is not None and step.error else "no answer"
        return Reply(f"I couldn't search new flights: {why}")
    out = step.output or {}
    options = out.get("options") or []
    state.shown["changes"] = Shown("changes", options, booking_id, segment_id)
    state.last_shown = "changes"
    if not options:
        return Reply(out.get("note") or f"No flights on {spoken_day(new_day)} — try another date?")
    listed = "" if ctx.cards else "\n" + render.flights_block(out, "New flights").split("\n", 1)[1]
    named = ""
    if asked is not None and 1 <= asked <= len(options):
        flights = " + ".join(str(f) for f in options[asked - 1].get("flights") or [])
        leaves = render.clock(options[asked - 1].get("depart"))
        named = f"\n\nYes — option {asked}, {flights} at {leaves}, is the one you asked about."
    return Reply(
        f"Options to move {flight} to {spoken_day(new_day)} ({booking_id}):"
        + listed
        + stay_note
        + named
        + "\n\nWhich one should I switch you to? Any fare difference and change fee follow the fare rules.",
        Offer("select", {"asked": asked}) if named else None,
    )


HANDLERS: dict[Intent, Handler] = {
    Intent.DISRUPTION: _disruption,
    Intent.CHANGE: _change,
}


# ------------------------------------------------------------------ a booked flight moved


@cache
def _table() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(p) for name, p in datafiles.load("changes").items()}


def legs_said(text: str) -> tuple[bool, bool]:
    """Whether a message names the flight home, and the flight out ("fly out Tuesday the
    15th instead of Monday", "come home on Saturday"); "my meetings got pushed back a
    day" names no flight home."""
    low = _table()["not_home"].sub(" ", text.lower().replace("’", "'"))
    return bool(_table()["home"].search(low)), bool(_table()["out"].search(low))


def compared(u: Understanding) -> str | None:
    """ "earlier" / "later": the flight asked for, compared with the one booked ("an
    earlier flight to London on Monday the 14th, an afternoon departure")."""
    if u.time_shift:
        return u.time_shift
    m = _table()["compare"].search(u.text.lower())
    return m.group("w").replace("sooner", "earlier") if m else None


# What a change of a booked flight may read as to the other readers: a search ("can i
# come home on saturday the 19th instead of friday?"), a policy question ("can i fly back
# on wed the 16th instead?"), a question about one's trip, a rebooking ("rebook me on AA
# 22 home on saturday", no disruption told).
_MAY_BE_CHANGE = frozenset(
    {Intent.SEARCH, Intent.POLICY, Intent.ASK_TRIP, Intent.DISRUPTION, Intent.UNKNOWN}
)
_BARE_COMPARE = frozenset({"earlier", "later", "sooner"})


def sounds_like_change(state: State, turn: Turn, u: Understanding) -> bool:
    """Whether a message asks to move a flight one has to another day or time, with no
    trip planned here: a word of replacing ("instead", "rather than", "not Monday",
    "move", "an earlier flight") or a day corrected, something naming a flight one has
    (the flight home or out, "my flight", "her flight", a place, a person), and when to
    fly instead. Whether a booked trip fits is ``change_of_booked``'s to say."""
    if any(s.id.endswith("_chg") for s in turn.calls("search_flights")):
        return True  # this turn's change, under way
    if u.intent not in _MAY_BE_CHANGE or u.booking_id or _more_nights(u):
        return False
    low = u.text.lower().replace("’", "'")
    table = _table()
    homeward, outward = legs_said(low)
    if u.want_hotel and not (homeward or outward or re.search(r"\bflights?\b", low)):
        return False  # "a hotel in London instead"
    if u.intent == Intent.DISRUPTION and table["disrupted"].search(low):
        return False
    offers = (s for kind, s in state.shown.items() if kind not in {"trips", "approvals"})
    if state.flight_args or state.hotel_args or any(s.items for s in offers):
        return False
    window = (
        u.dates.depart_after or u.dates.depart_before or u.dates.return_after
    ) or u.dates.return_before
    numbered = any(flight_number(r.carrier or "") for r in u.options) or switches(u)
    if not (u.dates.depart or u.dates.ret or u.shift_days or window or numbered or compared(u)):
        return False
    own = bool(table["own"].search(low)) or u.person is not None
    words = {m.group(0) for m in table["change"].finditer(low)}
    strong = (
        bool(words - _BARE_COMPARE)
        or u.dates.corrected is not None
        or bool(table["compare"].search(low))
    )
    if not (strong or (words and (homeward or outward or own))):
        return False
    return homeward or outward or own or bool(u.places) or switches(u)


def _more_nights(u: Understanding) -> bool:
    """More nights at one's booked hotel asked for ("add another night at the holiday inn,
    I'm moving my flight home anyway"): the stay's search (flows.search), whatever is said
    of the flight home (moved too, it is a request of its own: flows/several.py)."""
    return u.intent == Intent.SEARCH and bool(u.extend_nights or u.extend_until)


def _new_day_hint(u: Understanding) -> dt.date | None:
    return u.moved_to or u.dates.ret or u.dates.depart


def change_of_booked(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """A booked flight moved, said as a request for flights ("can i come home on saturday
    the 19th instead of friday?"): the trip it fits among one's active trips (by its
    places, traveller, a flight home when the flight home is meant, else the one whose
    days are nearest the new day), then a change search for that flight. None when no
    booked trip fits: the message is then a request of its own (a new search)."""
    if u.booking_id:
        return None  # the booking named: the change flow's
    listing = turn.last("list_trips")
    if listing is None:
        if turn.last("get_booking") is not None:
            return _change_booking(state, turn, ctx, u, None)
        return [Call("list_trips", {"limit": 20})]
    rows = [
        t
        for t in (typed(TripOut, r) for r in state.trips or [])
        if t is not None and t.status not in INACTIVE and t.flights
    ]
    if not rows:
        return None
    booked = {f.replace(" ", "").upper() for t in rows for f in t.flights}
    # A flight number that is none of the trips' is the one to switch to ("rebook me on
    # AA 22"), not a flight the trip is named by.
    text = u.text
    for f in reversed(mentions(text)):
        if f.squeezed not in booked:
            text = text[: f.start] + " " + text[f.end :]

    def fits(t: TripOut) -> bool:
        # "get back to NYC on the 17th": where the trip starts is a place of it too.
        places = [m for m in u.places if m.place is None or m.place.city != t.origin]
        hint = Understanding(text=text, intent=u.intent, places=places, person=u.person)
        return trip_matches(t.model_dump(mode="json"), hint, ctx)

    matches = [t for t in rows if fits(t)]
    if u.shift_days and every_leg(u.text):
        # "a day later both ways": a trip with a flight each way
        matches = [t for t in matches if len(t.flights) > 1] or matches
    homeward, outward = legs_said(u.text)
    if homeward and not outward and len(matches) > 1:
        matches = with_flight_home(matches, home_city(ctx)) or matches
    if not matches:
        return None
    if len(matches) > 1 and u.dates.corrected is not None:
        # "instead of Monday": the trip with a flight on that weekday.
        weekday = u.dates.corrected.weekday()
        on_it = [t for t in matches if _flies_on_weekday(t, weekday)]
        matches = on_it or matches
    day = _new_day_hint(u)
    if len(matches) > 1 and day is not None:
        # The trip whose days are nearest the new one ("fly out on Sunday 13th").
        gaps = [(_gap(t, day), t) for t in matches]
        least = min(g for g, _ in gaps)
        nearest = [t for g, t in gaps if g == least]
        matches = nearest if len(nearest) == 1 else matches
    if len(matches) > 1:
        return _change_booking(state, turn, ctx, u, None)
    return _change_booking(state, turn, ctx, u, matches[0].booking_id)


def _flies_on_weekday(trip: TripOut, weekday: int) -> bool:
    for leg in trip.legs:
        try:
            start = dt.datetime.fromisoformat(str(leg.starts))
        except (TypeError, ValueError):
            continue
        if leg.kind == "flight" and start.weekday() == weekday:
            return True
    return False


def _gap(trip: TripOut, day: dt.date) -> int:
    try:
        start = dt.date.fromisoformat(str(trip.start)[:10])
        end = dt.date.fromisoformat(str(trip.end)[:10])
    except ValueError:
        return 10_000
    if start <= day <= end:
        return 0
    return min(abs((day - start).days), abs((day - end).days))
