"""Fare questions: what a price is made of ("how much of option 2 is taxes?", "what's the
VAT on the hotel?", "what did I pay in taxes for the London trip?").

The answer is read from the breakdown the tools return with every option and booking
(``fare``: base + taxes by code + fees = total), for the option or booking the question
is about: an option named ("option 2", "the BA one", "the cheapest"), else a booking
named or one's own trip, else the option the last list recommended, else the booking
of this conversation. With none of those there is nothing to break down yet, and the
reply says how to get one.
"""

from __future__ import annotations

import re
from typing import Any

from concierge.planner import render
from concierge.planner.answers import fare_answers, trip_answers
from concierge.planner.flows.base import Context, Decision, Handler, Reply
from concierge.planner.flows.options import name_refs, pick
from concierge.planner.flows.trips import booked_trip, trip_ask
from concierge.planner.nlu import asks
from concierge.planner.nlu.intents import Intent, OptionRef, Understanding
from concierge.planner.state import State, Turn, typed
from core.catalogue.fares import FareBreakdown, FareOut, combine
from tools.get_booking import GetBookingOutput
from tools.views import BookingOut, SegmentOut

# Lists of offers a fare question can be about, and the kind of offer each holds.
_OFFER_LISTS = {"flights": "flight", "returns": "flight", "hotels": "hotel", "changes": "flight"}
_BOOKED = re.compile(r"\b(?:trips?|bookings?|reservations?|paid|pay|charged|booked|receipt)\b")
_HOTEL = re.compile(r"\b(?:hotels?|rooms?|stay|nights?)\b")
_FLIGHT = re.compile(r"\b(?:flights?|fares?|tickets?|airfares?|seats?)\b")


def _lists(state: State) -> list[str]:
    """The offer lists on the table, the one shown last first."""
    shown = [k for k in state.shown if _kind(k) and state.shown[k].items]
    return sorted(shown, key=lambda k: k != state.last_shown)


def _kind(list_name: str) -> str | None:
    return _OFFER_LISTS.get(list_name) or ("flight" if list_name.startswith("leg") else None)


def _refs(state: State, u: Understanding) -> list[OptionRef]:
    refs = list(u.options)
    named = {r.kind for r in refs}
    refs += [n for n in name_refs(state, u) if n.kind not in named or not refs]
    return refs


def _list_for(state: State, u: Understanding, ref: OptionRef | None) -> str | None:
    """Which list the question is about: the one its reference or words name, else the
    list shown last."""
    lists = _lists(state)
    if not lists:
        return None
    wanted = ref.kind if ref is not None and ref.kind else None
    if wanted is None:
        low = u.text.lower()
        if _HOTEL.search(low) and not _FLIGHT.search(low):
            wanted = "hotel"
        elif _FLIGHT.search(low) and not _HOTEL.search(low):
            wanted = "flight"
    if wanted == "return":
        return "returns" if "returns" in lists else None
    if wanted is not None:
        return next((k for k in lists if _kind(k) == wanted), None)
    return lists[0]


def _option(state: State, u: Understanding) -> tuple[str, dict[str, Any], bool] | str | None:
    """(list, option, whether the message named it) the question is about; a question
    back when the reference fits no option; None when no offer list is on the table."""
    refs = _refs(state, u)
    ref = refs[0] if refs else None
    name = _list_for(state, u, ref)
    if name is None:
        return None
    items = state.shown[name].items
    if ref is not None:
        found = pick(items, ref)
        if found is None:
            return "I don't see that one among the options I showed you — which option do you mean?"
        return found if isinstance(found, str) else (name, found, True)
    listing = {"flights": state.flights, "returns": state.returns, "hotels": state.hotels}.get(name)
    recommended = (listing or {}).get("recommended")
    chosen = next((o for o in items if o.get("option") == recommended), None) or items[0]
    return name, chosen, len(items) == 1


def _option_label(kind: str, option: dict[str, Any]) -> str:
    number = option.get("option")
    if kind == "hotel":
        nights, rooms = option.get("nights"), option.get("rooms") or 1
        stay = f", {nights} night{'s' if nights != 1 else ''}" if nights else ""
        stay += f", {rooms} rooms" if rooms != 1 else ""
        return f"Option {number} — {option.get('name')}{stay}"
    flights = " + ".join(option.get("flights") or [])
    route = f"{option.get('origin')}→{option.get('destination')}"
    return f"Option {number} — {flights} {route} {render.when(option.get('depart'))}".rstrip()


def _option_reply(state: State, name: str, option: dict[str, Any], named: bool) -> Reply:
    kind = _kind(name) or "flight"
    fare = typed(FareOut, option.get("fare"))
    label = _option_label(kind, option)
    if fare is None:
        return Reply(
            f"{label} costs {render.money(option.get('total'))} in all, taxes and fees "
            "included; I don't have its breakdown. Search again and ask me then."
        )
    people = ""
    if kind == "flight":
        listing = state.returns if name == "returns" else state.flights
        pax = int((listing or {}).get("passengers") or 1)
        people = f" for {pax} passengers" if pax > 1 else ""
    text = (
        f"{label}{people}: {fare_answers.taxes_share(fare)}.\n"
        + fare_answers.breakdown(fare, kind=kind)
    )
    if not named and len(state.shown[name].items) > 1:
        text += "\n\nAsk me about any other option and I'll break it down too."
    return Reply(text)


# -- bookings ---------------------------------------------------------------------------------


def _names_a_booking(u: Understanding) -> bool:
    """The question is about something booked: a reference, "my"/"our", "the trip", "paid"."""
    return bool(u.booking_id) or asks.is_own(u.text) or bool(_BOOKED.search(u.text.lower()))


def _segment_label(seg: SegmentOut) -> str:
    if seg.kind == "hotel":
        return f"🏨 {seg.hotel}"
    return f"✈ {seg.flight} {seg.origin}→{seg.destination}"


def _booking_reply(b: BookingOut) -> Reply:
    name = trip_answers.trip_name(b)
    priced = [s for s in b.segments if s.fare is not None]
    if not priced or len(priced) < len(b.segments):
        return Reply(
            f"{name[0].upper()}{name[1:]} costs {render.money(b.total.model_dump())} in all, "
            "taxes and fees included; I don't have its breakdown."
        )
    # The trip's split is its segments' added up (the same codes on one line).
    fare = combine([FareBreakdown.of(s.fare) for s in priced if s.fare is not None]).out()
    text = f"{name[0].upper()}{name[1:]}: {fare_answers.taxes_share(fare)}."
    if len(priced) == 1:
        return Reply(text + "\n" + fare_answers.breakdown(fare, kind=priced[0].kind))
    text += "\n" + fare_answers.breakdown(fare, kind="trip").split("\n", 1)[0]
    for seg in priced:
        assert seg.fare is not None
        lines = fare_answers.breakdown(seg.fare, kind=seg.kind).replace("\n- ", "\n  - ")
        text += f"\n\n{_segment_label(seg)}: {lines}"
    return Reply(text)


def _booking(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    ask = trip_ask(u)
    booking_id = u.booking_id
    named = ask.city is not None or ask.day is not None or ask.flight is not None
    if booking_id is None and not named and state.current_booking:
        booking_id = state.current_booking  # "what are the taxes on it?": this conversation's
    booking = booked_trip(turn, ctx, ask, booking_id, not_found_tail="\n\n" + asks.fare_reply())
    if not isinstance(booking, GetBookingOutput):
        return booking
    return _booking_reply(booking)


def _ask_fare(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    if turn.steps or (_names_a_booking(u) and not (u.options and _lists(state))):
        return _booking(state, turn, ctx, u)
    found = _option(state, u)
    if isinstance(found, str):
        return Reply(found)
    if found is not None:
        return _option_reply(state, *found)
    if state.current_booking:
        return _booking(state, turn, ctx, u)
    return Reply(asks.fare_reply())


HANDLERS: dict[Intent, Handler] = {Intent.ASK_FARE: _ask_fare}
