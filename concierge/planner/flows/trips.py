"""Trips flow: list the user's trips, show one booking, answer questions about one
("what time is my flight to London?", "which hotel am I in?"), cancel one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from concierge.planner import render
from concierge.planner.answers import trip_answers
from concierge.planner.answers.trip_answers import TripAsk
from concierge.planner.flows.base import INACTIVE, Call, Context, Decision, Handler, Reply
from concierge.planner.flows.changes import suggestions_text
from concierge.planner.flows.lookup import (
    booking_parts,
    find_booking,
    home_city,
    is_me,
    parts_named,
    trip_lines,
    with_flight_home,
)
from concierge.planner.flows.options import pick
from concierge.planner.nlu import asks
from concierge.planner.nlu.dates import MONTHS
from concierge.planner.nlu.flight_numbers import mentions
from concierge.planner.nlu.intents import Intent, OptionRef, Understanding
from concierge.planner.nlu.parts import TripPart, read_part
from concierge.planner.state import Offer, State, Turn, within_days
from tools.cancel_booking import CancelBookingOutput
from tools.get_booking import GetBookingOutput
from tools.list_trips import MAX_TRIPS, ListTripsOutput
from tools.views import RefundOut, spoken_day

# "cancel all my trips", "cancel both bookings", "cancel every trip I have": each of one's
# active trips, one confirmation at a time.
_ALL_TRIPS = re.compile(
    r"\b(?:all|every|each|both)(?: (?:of )?(?:my|our|the|these|those|them))?"
    r"(?: (?:upcoming|current|active|booked|remaining|future|other))?"
    r" (?:trips?|bookings?|reservations?)\b"
    r"|\b(?:all|both) of them\b|\beverything (?:i have|i've got|i'?ve booked|booked)\b"
)


def _cancel_all(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """ "Please cancel all my upcoming trips": every active trip of the caller's own, each
    through its own confirmation, one after the other in the same turn (a no to one keeps
    it and stops there). None when the message names no such whole."""
    if (
        u.booking_id
        or u.places
        or u.dates.depart
        or u.person
        or not _ALL_TRIPS.search(u.text.lower())
    ):
        return None
    if turn.last("list_trips") is None:
        return [Call("list_trips", {"limit": MAX_TRIPS})]
    me = str(ctx.profile.get("name") or "")
    targets = [
        str(t["booking_id"])
        for t in state.trips or []
        if t.get("status") not in INACTIVE and is_me(str(t.get("traveler") or ""), me)
    ]
    asked = turn.calls("cancel_booking")
    said = []
    for step in asked:
        booking_id = str(step.args.get("booking_id"))
        done = cancel_flow(state, replace(turn, steps=[step]), ctx, booking_id)
        if isinstance(done, Reply):
            said.append(done.text)
        if step.declined:
            return Reply("\n".join(said) + "\nI've left the other trips as they are.")
    left = [b for b in targets if b not in {str(s.args.get("booking_id")) for s in asked}]
    if not asked and not left:
        return Reply("You don't have any active trips of your own to cancel.")
    if left:
        head = "\n".join(said)
        lead = (
            f"{head}\n\nNext:"
            if head
            else f"{len(left)} trips to cancel, one at a time:"
            if len(left) > 1
            else ""
        )
        return [Call("cancel_booking", {"booking_id": left[0]}, say=lead)]
    return Reply("\n".join(said))


def _cancel(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    every = _cancel_all(state, turn, ctx, u)
    if every is not None:
        return every
    if (
        state.only_options_shown()
        and not (u.booking_id or u.places or u.dates.depart or u.person)
        and re.search(
            r"\b(?:that|this|it|everything|all|the (?:search|trip|whole thing))\b|\bdon'?t need\b",
            u.text.lower(),
        )
        and not turn.steps
    ):
        # "cancel that" right after a search means the plan being drafted: nothing is held
        # or booked in this conversation, so there is nothing to cancel anywhere.
        return Reply(
            "No problem — nothing was booked, so there's nothing to cancel. "
            "If you meant a trip you booked earlier, tell me which one."
        )
    part = read_part(u.text)
    # "cancel the paris flight but keep london as is": a place said to be kept names a
    # trip that stays, not the one to cancel.
    u.places = [m for m in u.places if not part.in_kept(m.start)]
    declined = state.declined or {}
    ran = turn.last("cancel_booking")
    if ran is not None and ran.args.get("booking_id"):
        # The cancellation asked and answered in this turn: its booking, which is no
        # longer active, so looking it up among the active trips would not find it.
        found: Decision | str = str(ran.args["booking_id"])
    elif (
        declined.get("name") == "cancel_booking"
        and (declined.get("args") or {}).get("booking_id")
        and (part.kind or part.leg)
        and not (u.booking_id or u.places or u.dates.depart or u.person)
    ):
        # "cancel my london trip" → "no — cancel the hotel only": the trip whose
        # cancellation that message declined.
        found = str(declined["args"]["booking_id"])
    else:
        found = find_booking(state, turn, ctx, u, "cancel", homeward=part.leg == "home")
    if not isinstance(found, str):
        return found
    if turn.last("cancel_booking") is None:
        kept = _part_kept(state, ctx, found, part)
        if kept is not None:
            return kept
    return cancel_flow(state, turn, ctx, found, reason=u.note)


def _count(n: int, one: str, many: str) -> str:
    return "" if n == 0 else one if n == 1 else f"{n} {many}"


_PART_NAMES = {"hotel": "the hotel", "home": "the flight home", "out": "the flight out"}


def _part_kept(state: State, ctx: Context, booking_id: str, part: TripPart) -> Reply | None:
    """The answer when a cancellation names part of a booking that holds more ("just the
    hotel, keep the flights", "just the return leg"): ``cancel_booking`` cancels a
    booking as a whole, so nothing is cancelled and the traveller hears what can be done.
    None when the part is the whole booking (a booking of that hotel alone) or when no
    part is named."""
    parts = booking_parts(state, booking_id)
    named = parts_named(parts, part, home_city(ctx))
    if named is None or not parts:
        return None
    what = _PART_NAMES.get(part.leg or part.kind or "", "the flights")
    if not named:
        return Reply(
            f"**{booking_id}** has no {what.removeprefix('the ')} to cancel; it stays as it is."
        )
    if len(named) == len(parts):
        return None
    flights = sum(p.kind == "flight" for p in parts)
    hotels = len(parts) - flights
    holds = " and ".join(
        x
        for x in (
            _count(flights, "a flight", "flights"),
            _count(hotels, "a hotel stay", "hotel stays"),
        )
        if x
    )
    instead = (
        " or move that flight to another day" if part.kind == "flight" and len(named) == 1 else ""
    )
    said = [p.what for p in named if p.what]
    if said and len(said) == len(named):
        what = f"{what} ({', '.join(said)})"
    return Reply(
        f"**{booking_id}** holds {holds} in one booking, and I can only cancel a booking as a "
        f"whole — not {what} on its own. So I haven't cancelled anything: your trip stays as "
        f"it is. If you'd like, I can cancel the whole booking{instead}."
    )


def cancel_flow(
    state: State, turn: Turn, ctx: Context, booking_id: str, reason: str | None = None
) -> Decision:
    step = turn.last("cancel_booking")
    if step is None:
        args: dict[str, Any] = {"booking_id": booking_id}
        if reason:
            args["reason"] = reason
        # "scrap that, I don't need it anymore" at the hold's own confirmation: not booked,
        # and its release asked (the confirmation's no, said first)
        unbooked = "OK, I haven't booked it." if state.changing == booking_id else ""
        return [Call("cancel_booking", args, say=unbooked)]
    if step.declined:
        return Reply(f"OK, I haven't cancelled {booking_id}; it stays as it is.")
    if step.error:
        return Reply(f"I couldn't cancel {booking_id}: {render.error_text(step.error)}")
    out = step.typed(CancelBookingOutput)
    if out is None:
        return Reply(f"I couldn't read what happened to {booking_id}; ask me for it again.")
    text = f"🗑 **{out.booking_id}** is {render.status_text(out.status)}."
    # Our own words from the numbers; the tool's message may be written for another case.
    text += _refund_text(out.refund)
    return Reply(text)


def _refund_text(refund: RefundOut | None) -> str:
    if refund is None:
        return ""
    if refund.due.minor() == 0:
        return " This fare is non-refundable, so there is no refund."
    state = (
        "already refunded" if refund.status == "refunded" else "on its way back to the company card"
    )
    return f" Refund: {render.money(refund.due.model_dump())} ({state})."


def _trips(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("list_trips")
    if step is None:
        # Someone's or the team's trips are picked out of all the caller may see.
        return [Call("list_trips", {"limit": MAX_TRIPS if u.whose or u.team else 10})]
    if step.error:
        return Reply(f"I couldn't load your trips: {render.error_text(step.error)}")
    listing = step.typed(ListTripsOutput)
    if listing is None:
        return Reply("I couldn't read your trips; ask me again in a moment.")
    if u.whose or u.team:
        return Reply(_others_trips(listing, ctx, u))
    if not listing.trips:
        return Reply("You have no trips yet. Where would you like to go?")
    me = str(ctx.profile.get("name") or "")
    if (
        me
        and asks.self_asked(u.text)
        and not any(is_me(t.traveler, me) for t in listing.trips)
        and (asks.self_subject(u.text) or all(t.view_only for t in listing.trips))
    ):
        # "do I have anything booked?" from someone who sees others' trips but has none, or
        # "show me my bookings" from someone who may only look at them (finance): their
        # own answer, never the others' flights and hotels in its place. A manager's "show
        # me my trips" lists their people's trips, which they may act on.
        others = len(listing.trips)
        return Reply(
            "You have nothing booked yourself — no trips of your own. "
            f"I can also see {others} trip{'s' if others != 1 else ''} of other people; ask "
            "for someone's trips by name if you need them. Where would you like to go?"
        )
    lead = ""
    shown = listing.trips
    if state.trips_days:
        # "what have I got booked the week of the 14th?": the trips of those days (as
        # state.trips, which "the flight" and "the 2nd" then name), else all, said so
        first, last = (dt.date.fromisoformat(d) for d in state.trips_days)
        when = (
            f"on {spoken_day(first)}"
            if first == last
            else f"between {spoken_day(first)} and {spoken_day(last)}"
        )
        ids = {str(t.get("booking_id")) for t in state.trips or []}
        within = [t for t in listing.trips if t.booking_id in ids]
        if within and len(within) < len(listing.trips):
            shown, lead = within, f"Booked {when}:\n"
        elif not within_days(
            [t.model_dump() for t in listing.trips], state.trips_days, strict=True
        ):
            lead = f"Nothing is booked {when}. "
    if state.trips_status:
        # "which of my trips are confirmed?": those (as state.trips, which "the first one"
        # then names), else all, said so
        status = render.status_text(state.trips_status)
        ids = {str(t.get("booking_id")) for t in state.trips or []}
        standing = [t for t in shown if t.booking_id in ids and t.status == state.trips_status]
        if standing and len(standing) < len(shown):
            shown, lead = standing, f"{lead}{status[:1].upper()}{status[1:]}:\n"
        elif not standing:
            lead = f"{lead}None of your trips is {status}. "
    settled_asked = asks.all_settled(u.text)
    if settled_asked or asks.open_steps(u.text):
        # "is anything on my trips still outstanding?", "are both my trips approved and
        # booked?": whom each pending trip waits on
        read = _pending_read(turn, listing)
        if not isinstance(read, dict):
            return read
        me = str(ctx.profile.get("name") or "")
        lead = (
            trip_answers.open_steps(listing.trips, read, me, ctx.today, all_asked=settled_asked)
            + "\n\n"
        )
    more = (
        "\n\n(There are older bookings too — ask me for a booking reference to see it.)"
        if listing.more
        else ""
    )
    me = str(ctx.profile.get("name") or "")
    theirs = {t.traveler for t in shown if me and t.traveler != me}
    # A manager sees their reports' trips too: those are never called "your trips".
    head = (
        ""
        if shown is not listing.trips
        else "Your trips:\n"
        if not theirs
        else "Trips you can see (yours and " + ", ".join(sorted(theirs)) + "'s):\n"
        if any(t.traveler == me for t in shown)
        else "You have no trips of your own. Trips of people you can see:\n"
    )
    return Reply(
        lead
        + head
        + trip_lines(shown, me)
        + more
        + "\n\nWant details on one, or to change or cancel it?"
    )


def _pending_read(turn: Turn, listing: ListTripsOutput) -> Decision | dict[str, GetBookingOutput]:
    """The ``get_booking`` of each listed trip waiting for approval (whose decision it
    waits on is only there): the next call, or what was read."""
    read: dict[str, GetBookingOutput] = {}
    for step in turn.calls("get_booking"):
        booking = step.typed(GetBookingOutput)
        if booking is not None:
            read[booking.booking_id] = booking
    asked = {str(s.args.get("booking_id")) for s in turn.calls("get_booking")}
    for t in listing.trips:
        if t.status == "pending_approval" and t.booking_id not in asked:
            return [Call("get_booking", {"booking_id": t.booking_id})]
    return read


# "in December", "for january": a month named (never "may" alone: "may I")
_IN_MONTH = re.compile(
    r"\b(?:in|for|during|of|through(?:out)?)\s+("
    + "|".join(sorted((m for m in MONTHS if m != "may"), key=len, reverse=True))
    + r"|may(?=\s*[?.!,]|\s*$))\b"
)


# "the next couple of weeks", "the next 3 weeks", "the next fortnight": weeks from today
_WEEK_COUNTS = {"couple of": 2, "two": 2, "2": 2, "few": 3, "three": 3, "3": 3, "four": 4, "4": 4}
_WEEKS_AHEAD = re.compile(
    r"\b(?:the )?(?:next|coming) (?:(couple of|two|2|few|three|3|four|4) weeks|fortnight)\b"
)


def _window(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days "this month", "next month", "this week", "next week" or a month named
    ("in December": the next one from today, this one included) span."""
    low = text.lower()
    named = _IN_MONTH.search(low)
    if named is not None:
        month = MONTHS[named.group(1)]
        year = today.year + (month < today.month)
        first = dt.date(year, month, 1)
        return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    ahead = _WEEKS_AHEAD.search(low)
    if ahead is not None:
        # "in the next couple of weeks", "over the next fortnight": from today on
        weeks = _WEEK_COUNTS.get(ahead.group(1) or "", 2)
        return today, today + dt.timedelta(days=7 * weeks)
    m = re.search(r"\b(this|next) (month|week)\b", low)
    if m is None:
        return None
    if m.group(2) == "week":
        monday = today - dt.timedelta(days=today.weekday())
        if m.group(1) == "next":
            monday += dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=6)
    first = today.replace(day=1)
    if m.group(1) == "next":
        first = (first + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _others_trips(listing: ListTripsOutput, ctx: Context, u: Understanding) -> str:
    """Someone's trips ("What trips does Ava have coming up?") or the team's ("Is anyone on
    my team travelling to London this month?"): the upcoming ones among those list_trips
    shows the caller (the core's org chart decides whose), by traveller, filtered by the
    place and the days the question names."""
    today = ctx.today
    trips = [
        t
        for t in listing.trips
        if t.status not in trip_answers.INACTIVE
        and (t.end is None or dt.date.fromisoformat(t.end) >= today)
    ]
    me = str(ctx.profile.get("name") or "")
    if u.whose:
        trips = [t for t in trips if trip_answers.is_traveller(t, u.whose)]
    elif me:
        trips = [t for t in trips if t.traveler != me]  # the team: everyone but the caller
    cities = [m.place.city for m in u.places if m.place is not None]
    if cities:
        trips = [t for t in trips if any(c in t.places for c in cities)]
    days = _window(u.text, today)
    if days is None and u.dates.depart is not None:
        days = (u.dates.depart, u.dates.ret or u.dates.depart)
    if days is not None:
        trips = [
            t
            for t in trips
            if t.start
            and t.end
            and dt.date.fromisoformat(t.start) <= days[1]
            and dt.date.fromisoformat(t.end) >= days[0]
        ]
    where = f" to {' or '.join(cities)}" if cities else ""
    when = f" between {spoken_day(days[0])} and {spoken_day(days[1])}" if days else ""
    if not trips:
        # Said plainly, and no more than the caller's view shows: a person whose trips
        # the caller may not see is no person with nothing booked.
        if u.whose:
            return (
                f"I see no upcoming trips booked for {u.whose}{where}{when} — I only see "
                "the trips you're allowed to see."
            )
        return (
            f"No one on your team has an upcoming trip booked{where}{when} "
            "(among the trips you can see)."
        )
    # "how much has my team got booked for december?": each trip's total, and the sum
    costs = "cost" in asks.trip_facets(u.text)
    lines = "\n".join(
        f"- {t.traveler}: {trip_answers.trip_line(t)}"
        + (f" · {render.money(t.total.model_dump())}" if costs else "")
        for t in trips
    )
    if costs:
        lines += f"\n\nIn all: {render.money_sum([t.total.model_dump() for t in trips])}."
    several = trip_answers.named(u.whose) if u.whose else []
    head = (
        f"Upcoming trips for {u.whose}"
        if len(several) > 1
        else f"{u.whose}'s upcoming trips"
        if u.whose
        else "Your team's upcoming trips"
    )
    # Of several people named, those with nothing upcoming are said too.
    idle = [n for n in several if not any(trip_answers.is_traveller(t, n) for t in trips)]
    none = f"\n\nNothing upcoming{where}{when} for {' or '.join(idle)}." if idle else ""
    return f"{head}{where}{when}:\n{lines}{none}"


def select_trip(
    state: State, turn: Turn, ctx: Context, u: Understanding, refs: list[OptionRef]
) -> Decision:
    trips = state.trips or []
    picked = pick(trips, refs[0]) if refs else None
    if isinstance(picked, str):
        return Reply(picked)
    if picked is None:
        return Reply("Which trip? Give me its number or booking reference.")
    return _show_booking(state, turn, ctx, str(picked["booking_id"]))


def _booking(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    return _show_booking(state, turn, ctx, str(u.booking_id))


def _show_booking(state: State, turn: Turn, ctx: Context, booking_id: str) -> Decision:
    step = turn.last("get_booking")
    if step is None:
        return [Call("get_booking", {"booking_id": booking_id})]
    if step.error:
        return Reply(f"I couldn't find {booking_id}: {render.error_text(step.error)}")
    b = step.typed(GetBookingOutput)
    if b is None:
        return Reply(f"I couldn't read {booking_id}; ask me for it again.")
    data = b.model_dump(mode="json", exclude_none=True)
    text = (
        f"**{b.booking_id}** for {b.traveler} — {render.status_text(b.status)}, "
        f"total {render.money(data['total'])}.\n"
    )
    text += render.booking_summary(data)
    if b.status == "held":
        text += f"\n\nIt's on hold until {render.hold_time(b.hold_expires_at)}. Shall I confirm it?"
        return Reply(text, Offer("confirm", {"booking_id": b.booking_id}))
    if b.suggestions:
        return Reply(text + "\n\n" + suggestions_text(data))
    return Reply(text)


def trip_ask(u: Understanding) -> TripAsk:
    city = next(
        (m.place.city for m in (u.destination, *u.places) if m is not None and m.place is not None),
        None,
    )
    low = u.text.lower()
    kind = (
        "hotel"
        if re.search(r"\bhotels?\b|\bstay\b|\broom\b", low)
        else "flight"
        if re.search(r"\bflights?\b|\bfare\b", low)
        # a question carried over from one about the hotel ("…, and what's the
        # confirmation number?": flows/several.py) asks of the hotel
        else "hotel"
        if u.facets == {"hotel", "locator"}
        else None
    )
    named = mentions(u.text)  # "BA 19", or "ba 19" when "ba" is an airline's code
    flight = named[0].spaced if named else None
    into = bool(u.destination and u.destination.place and u.destination.place.city == city)
    # "leave from at JFK", "my flight out of Heathrow": the city is where a flight leaves.
    said = next(
        (m for m in (u.origin, u.destination, *u.places) if m and m.place and m.place.city == city),
        None,
    )
    out_of = bool(
        said is not None and (said is u.origin or _LEAVES_FROM.search(u.text[: said.start].lower()))
    )
    if out_of:
        into = False
    # "Monday's flight": a weekday said alone is any Monday of the trip, not only the next.
    weekdays = {m.first.weekday() for m in u.dates.mentions if m.kind == "weekday"}
    bare = len(weekdays) == 1 and all(m.kind == "weekday" for m in u.dates.mentions)
    if bare and not re.search(r"\b(?:this|next|coming|last)\s+\w+day\b", low):
        return TripAsk(
            u.text,
            u.facets,
            city,
            None,
            u.cabin,
            kind,
            flight,
            u.whose,
            weekdays.pop(),
            into,
            out_of,
        )
    # "my flight home on the 18th": a day said with "home"/"back" reads as a return date;
    # a question about one's trip asks about that day all the same.
    day = u.dates.depart or (u.dates.ret if len(u.dates.mentions) == 1 else None)
    if (
        asks.cancel_refund_question(u.text)
        and u.dates.mentions
        and all(
            m.kind == "rel" and not _POSSESSIVE.match(u.text[m.end :]) for m in u.dates.mentions
        )
    ):
        # "if I cancelled the london booking today would I get my money back?": the day
        # one would cancel, not the trip's (never "tomorrow's flight")
        day = None
    if u.dates.mentions and all(
        m.kind == "rel" and _BY_THEN.search(u.text[: m.start].lower()) for m in u.dates.mentions
    ):
        # "where's the paris approval? need to know by tonight": when the answer is
        # needed, not the trip's day
        day = None
    return TripAsk(
        u.text,
        u.facets,
        city,
        day,
        u.cabin,
        kind,
        flight,
        u.whose,
        into=into,
        out_of=out_of,
    )


_POSSESSIVE = re.compile(r"['’]s\b")
# A day said as a deadline for the answer ("need to know by tonight", "before tomorrow").
_BY_THEN = re.compile(r"\b(?:by|before)\s*$")


# Words before a place that make it where a flight leaves ("leave from at JFK", "fly out
# of Heathrow", "departing Boston").
_LEAVES_FROM = re.compile(
    r"\b(?:from|out of|leaves?|leaving|departs?|departing)\b(?:\s+(?:at|the|in))?\s*$"
)


# "my outbound flight", "the flight out", "the way out": a leg said of a round trip
_OUTBOUND = re.compile(r"\b(?:outbound|out ?bound|(?:flight|leg|way) out|outward)\b", re.IGNORECASE)


def booked_trip(
    turn: Turn,
    ctx: Context,
    ask: TripAsk,
    booking_id: str | None,
    *,
    not_found_tail: str = "",
    quote_cancel: bool = False,
) -> Decision | GetBookingOutput:
    """The booking a question is about: ``booking_id`` if known, else the trip of
    ``list_trips`` whose places and days ``ask`` names; its details from ``get_booking``.
    Returns the next call, a reply when it can't be found, or the booking."""
    if booking_id is None:
        trips = _listed(turn)
        if not isinstance(trips, ListTripsOutput):
            return trips
        found = trip_answers.matching(trips.trips, ask, ctx.today)
        if "return" in ask.facets and ask.city is None and ask.flight is None:
            found = with_flight_home(found, home_city(ctx))  # "my flight home": a trip with one
        elif _OUTBOUND.search(ask.text) and ask.city is None and ask.flight is None:
            # "my outbound flight": the way out of a trip with a way back, when one has
            found = with_flight_home(found, home_city(ctx))
        if not found:
            return Reply(trip_answers.not_found(ask, trips.trips) + not_found_tail)
        booking_id = found[0].booking_id
    step = turn.last("get_booking")
    if step is None:
        args: dict[str, Any] = {"booking_id": booking_id}
        if quote_cancel:
            args["quote_cancel"] = True  # what cancelling it would give back, asked
        return [Call("get_booking", args)]
    booking = step.typed(GetBookingOutput)
    if booking is None:
        return Reply(f"I couldn't open {booking_id}: {render.error_text(step.error or {})}")
    return booking


def manager_name(ctx: Context) -> str:
    """The caller's manager's name, from their profile ("" when none is on file)."""
    manager = ctx.profile.get("manager")
    if isinstance(manager, dict):
        manager = manager.get("name")
    return str(manager).strip() if isinstance(manager, str) else ""


def _ask_trip(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    """A question about a booked trip: the trip from ``list_trips`` (matched by its places
    and days), its details from ``get_booking``, the answer from those outputs."""
    ask = replace(trip_ask(u), me=str(ctx.profile.get("name") or ""), manager=manager_name(ctx))
    if ask.whose and ask.whose.lower() in asks.tables().someone_pronouns and not turn.steps:
        # "when does he fly back?" with no one named before it: ask whom, look up nothing
        return Reply(f'Whose trip do you mean by "{ask.whose}"? Tell me their name and I\'ll look.')
    booking_id = u.booking_id
    lead = ""
    named = (
        ask.city is not None
        or ask.day is not None
        or ask.weekday is not None
        or ask.flight is not None
        or bool(ask.whose)
    )
    if booking_id is None and u.just_booked:
        # "remind me what I just booked?": the most recent booking of this conversation,
        # else the caller's newest (list_trips lists newest first) — never another trip
        # the words happen to fit
        # (an approver's "did that go through?": the booking just decided on)
        booking_id = just_booked(state) or state.decided
        if booking_id is None:
            newest = _newest_own(turn, ctx)
            if not isinstance(newest, str):
                return newest
            booking_id = newest
            lead = "Nothing has been booked in this conversation; your most recent booking:\n\n"
        if not ask.facets:
            ask = replace(ask, facets=frozenset({"overview"}))
    if (
        booking_id is None
        and not named
        and "hold_until" in ask.facets
        and state.offer is not None
        and state.offer.kind == "confirm"
        and state.offer.args.get("booking_id")
    ):
        # "how long will you hold it?" at a hold's confirmation: that hold
        booking_id = str(state.offer.args["booking_id"])
    if booking_id is None and not named and state.last_intent in FOLLOWS_A_TRIP:
        # "and when do I land?" right after a question about a trip: the same trip.
        booking_id = state.current_booking
    if booking_id is None and not named and _REFUND_ASKED.search(u.text):
        # "how much am I getting back?" after a cancellation in this conversation: what
        # that cancellation gives back, not the cost of another trip
        done = state.bookings.get(state.current_booking or "") or {}
        if str(done.get("status")) == "cancelled" and isinstance(done.get("refund"), dict):
            given = RefundOut.model_validate(done["refund"])
            text = _refund_text(given).strip() or "There is no refund."
            return Reply(f"**{state.current_booking}** is cancelled. {text}")
    if "order" in ask.facets and booking_id is None and ask.flight is None:
        # "which one's first?", "I've got two trips booked right?": the trips in order,
        # from the list, never one booking's details alone
        trips = _listed(turn)
        if not isinstance(trips, ListTripsOutput):
            return trips
        return Reply(lead + trip_answers.in_order(trips.trips, ask, ctx.today))
    # "would I get a refund if I cancelled the London trip?": what cancelling now would
    # give back, from the core's own quote; nothing is cancelled.
    refund = asks.cancel_refund_question(u.text)
    booking = booked_trip(turn, ctx, ask, booking_id, quote_cancel=refund)
    if not isinstance(booking, GetBookingOutput):
        return booking
    if refund:
        return Reply(trip_answers.if_cancelled_text(booking))
    said = trip_answers.answer(ask, booking, ctx.now)
    flight = trip_answers.flight_asked(ask, booking, ctx.now)
    state.asked_flight = flight.segment_id if flight is not None else None
    offer = Offer("confirm", {"booking_id": said.confirm}) if said.confirm else None
    # "…, and is breakfast included?": the other part of a two-part question, its honest
    # answer (asks.yaml) after the trip's
    beside = f"\n\n{u.unsupported.reply}" if u.unsupported is not None else ""
    return Reply(lead + said.text + beside, offer)


def just_booked(state: State) -> str | None:
    """The booking this conversation made last (held, confirmed or waiting: not one
    cancelled since), or None when it made none."""
    made = [
        b
        for b in state.held_from
        if str((state.bookings.get(b) or {}).get("status")) not in {"cancelled", "expired"}
    ]
    return made[-1] if made else None


def _newest_own(turn: Turn, ctx: Context) -> str | Decision:
    """The caller's own newest booking, from ``list_trips`` (newest first)."""
    trips = _listed(turn)
    if not isinstance(trips, ListTripsOutput):
        return trips
    me = str(ctx.profile.get("name") or "")
    own = [t for t in trips.trips if not me or t.traveler == me] or trips.trips
    if not own:
        return Reply("You have no bookings yet. Where would you like to go?")
    return own[0].booking_id


# "how much am I getting back?", "when's the refund coming?": what a cancellation gives back
_REFUND_ASKED = re.compile(r"\b(?:refund\w*|money back|how much\b.{0,30}\bback)\b", re.IGNORECASE)

# After these, a question naming no trip is about the one just talked of.
FOLLOWS_A_TRIP = frozenset({Intent.ASK_TRIP, Intent.BOOKING})


HANDLERS: dict[Intent, Handler] = {
    Intent.ASK_TRIP: _ask_trip,
    Intent.CANCEL: _cancel,
    Intent.TRIPS: _trips,
    Intent.BOOKING: _booking,
}


def _listed(turn: Turn) -> ListTripsOutput | Decision:
    """The caller's trips as this turn's ``list_trips`` gave them; else that call to make,
    or the reply saying they could not be loaded."""
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    trips = listing.typed(ListTripsOutput)
    if trips is None:
        return Reply(f"I couldn't load your trips: {render.error_text(listing.error or {})}")
    return trips
