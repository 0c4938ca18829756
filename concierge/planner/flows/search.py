"""Search flow: fill the trip draft, ask for what is missing, search flights and hotels, present the options."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Final

from concierge.planner import render
from concierge.planner.flows import option_questions, passengers
from concierge.planner.flows.base import INACTIVE, Call, Context, Decision, Handler, Reply
from concierge.planner.flows.options import (
    amount_of,
    asked_hotels,
    name_refs,
    pick,
    price_of,
    skipped,
)
from concierge.planner.flows.stays import stay_after
from concierge.planner.nlu.intents import (
    Intent,
    OptionRef,
    PriceCap,
    Understanding,
    policy_of_the_trip,
)
from concierge.planner.nlu.picks import modifiers, stars_said, superlative_asked
from concierge.planner.nlu.picks import read as read_picks
from concierge.planner.state import (
    RETURN_DAY,
    SEARCH_FILTERS,
    Draft,
    LeftOut,
    Offer,
    PolicyCap,
    State,
    Step,
    Turn,
    as_asked,
    lands_in_time,
    outbound_on_hold,
    unfiltered,
    within_cap,
)
from core.catalogue import CARRIERS
from core.catalogue.fares import FIXED_CURRENCY
from core.catalogue.hotels import hotel_areas, hotel_brands, hotel_plans
from core.catalogue.places import lookup_place, resolve_place, served_cities
from core.errors import ValidationFailed
from core.money import from_major, money_text, to_major_str
from tools.get_policy import GetPolicyOutput
from tools.list_trips import ListTripsOutput
from tools.views import BookingOut, city_of, spoken_day


def _place_problem(u: Understanding) -> str | None:
    for mention in u.places:
        if mention.place is not None:
            continue
        if mention.unserved:
            regions = list(
                dict.fromkeys(w.split(", ")[1] for w in mention.unserved if w.count(", ") == 2)
            )
            regions = [r for r in regions if r.lower() != mention.text.lower()][:3]
            which = f" ({' or '.join(regions)})" if len(mention.unserved) > 1 and regions else ""
            if mention.role == "origin":
                return (
                    f"Sorry, I can't book travel from {mention.text}{which} — it isn't one of the "
                    f"cities we serve. I can book flights and hotels in: {', '.join(served_cities())}. "
                    "Where will you be flying from instead?"
                )
            return (
                f"Sorry, I can't book travel to {mention.text}{which} — it isn't one of the cities we serve. "
                f"I can book flights and hotels in: {', '.join(served_cities())}. Where would you like to go instead?"
            )
        try:
            resolve_place(mention.text)
        except ValidationFailed as exc:
            message = str(exc)
            hint = message.split(". ", 1)[1] if ". " in message else ""
            return f'I don\'t recognise "{mention.text}" as a city or airport. {hint}'.strip()
    return None


def _flight_args(state: State) -> dict[str, Any]:
    d = state.draft
    args: dict[str, Any] = {
        "origin": d.origin,
        "destination": d.destination,
        "date": d.depart.isoformat() if d.depart else None,
        "cabin": d.cabin,
        "passengers": d.passengers,
        "max_stops": d.max_stops,
        "sort": d.sort,
        "limit": d.limit,
    }
    if d.depart_after:
        args["depart_after"] = d.depart_after
    if d.depart_before:
        args["depart_before"] = d.depart_before
    if d.arrive_before:
        # the tool filters departures only: more options, those landing later left out
        # (state.as_asked)
        args["limit"] = max(d.limit, 10)
    # "delta only", "anything but Spirit", "nothing over $70": the tool's own filters
    if d.airlines_only:
        args["airlines"] = list(d.airlines_only)
    if d.airlines_not:
        args["exclude_airlines"] = list(d.airlines_not)
    cap = d.price_cap
    if cap is not None and _cap_applies(cap, "night"):
        args["max_price"] = cap.amount  # per passenger
    return args


def _return_args(state: State) -> dict[str, Any]:
    d = state.draft
    args = _flight_args(state)
    args.update(
        origin=d.destination,
        destination=d.origin,
        date=d.ret.isoformat() if d.ret else None,
        leg="return",  # the flight home: a Book click on it waits for, or joins, the outbound
    )
    if outbound_on_hold(state) and d.origin_city:
        # back to the city the held flight left, any of its airports ("add the return"),
        # or home ("the flight home", when the flight left from there)
        args["destination"] = d.back_home or d.origin_city
    args.pop("depart_after", None)
    args.pop("depart_before", None)
    if d.return_after:
        args["depart_after"] = d.return_after
    if d.return_before:
        args["depart_before"] = d.return_before
    return args


def _landing_day(state: State, turn: Turn) -> None:
    """ "a hotel for the nights in between", "… for 3 nights from when I land": searched
    once the flights there are, from the day the first of them (the one recommended)
    lands, when that is after it leaves (and before the flight home)."""
    d = state.draft
    out = next(
        (
            s.output
            for s in turn.calls("search_flights")
            if not (s.id.endswith(("_ret", "_chg")) or leg_of(s.id)) and s.output
        ),
        None,
    )
    options = (out or {}).get("options") or []
    if not options or d.depart is None:
        return
    try:
        lands = date.fromisoformat(str(options[0].get("arrive", ""))[:10])
    except ValueError:
        return
    if d.depart < lands and (d.ret is None or lands < d.ret):
        d.landed = (d.depart, lands)


def _hotel_args(state: State) -> dict[str, Any]:
    d = state.draft
    check_in, check_out = d.hotel_dates
    args: dict[str, Any] = {
        "city": d.destination_city or d.destination,
        "check_in": check_in.isoformat() if check_in else None,
        "check_out": check_out.isoformat() if check_out else None,
        "rooms": d.hotel_rooms,
        "limit": d.limit,
    }
    cap = d.price_cap
    if cap is not None and _cap_applies(cap, "person"):
        args["max_nightly"] = cap.amount  # "under $200 a night"
    elif d.within_policy and d.policy_cap is not None and d.policy_cap.city == args["city"]:
        # "within the company limit": the city's cap (the rates are in the policy's currency)
        cap_of = d.policy_cap
        args["max_nightly"] = float(to_major_str(cap_of.nightly_minor, cap_of.currency))
    return args


def _policy_cap(state: State, turn: Turn) -> list[Call] | None:
    """ "a hotel … within the company limit": the city's nightly cap, read from the
    policy's rules (``get_policy``), bounds the hotel search, so only the hotels within
    it are listed (the rest are counted in a note)."""
    d = state.draft
    city = d.destination_city or d.destination
    if not (d.within_policy and d.want_hotel and city) or d.price_cap is not None:
        return None
    if d.policy_cap is not None and d.policy_cap.city == city:
        return None
    step = turn.last("get_policy")
    if step is None:
        return [Call("get_policy", {"topic": "hotel caps"})]
    out = step.typed(GetPolicyOutput)
    if out is not None:
        rules = out.rules.to_rules()
        minor, _ = rules.hotel_cap_for(city)
        d.policy_cap = PolicyCap(city, minor, rules.currency)
    return None


def _area_city(text: str) -> str | None:
    """The city of the one hotel area ``text`` names ("near Times Square": New York), when
    that area is in one city only ("Downtown" is in several)."""
    low = _spaced_words(text)
    for area, cities in hotel_areas().items():
        if len(cities) == 1 and _spaced_words(area) in low:
            return cities[0]
    return None


def _spaced_words(text: str) -> str:
    return " " + " ".join(_AREA_WORD.findall(text.lower())) + " "


_AREA_WORD: Final = re.compile(r"[a-z0-9']+")


def _cap_applies(cap: PriceCap, other: str) -> bool:
    """Whether a price ceiling is one the search can filter by: not one per ``other``
    (a nightly one on flights, one per person on hotels), in the catalogue's currency."""
    return cap.per != other and cap.currency in (None, FIXED_CURRENCY)


def _dest_name(state: State) -> str:
    d = state.draft
    return d.destination_city or d.destination or "there"


_SEARCHES: Final = frozenset({"search_flights", "search_hotels"})


def search(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    d = state.draft
    problem = _place_problem(u)
    if problem and not turn.steps:
        return Reply(problem)
    if u.which_report and not d.traveller and not turn.steps:
        # "find my report a flight" when the caller may book for several: ask whom
        *some, last = u.which_report
        return Reply(
            f"Which of the people you book for is it for — {', '.join(some)} or {last}? "
            "Nothing is searched or held until you say.",
            Offer("whom", {"people": list(u.which_report)}),
        )
    if not d.traveller:
        return _search(state, turn, ctx, u)
    # Someone else's trip: whether the caller may book for them is the core's to say, and
    # a no is said first, before any option; the trip is still searched (options for the
    # caller, who may take one "for me"), and nothing is ever held in that name.
    refused = passengers.may_book_for(state, turn, ctx, d.traveller)
    if isinstance(refused, Call):
        return [refused]
    decision = _search(state, turn, ctx, u)
    person = next(
        (
            p
            for p in ctx.profile.get("can_book_for") or []
            if str(p.get("name") or "").lower().split()[:1] == d.traveller.lower().split()[:1]
        ),
        None,
    )
    full = str(person.get("name")) if person else d.traveller
    if refused is None and person and isinstance(decision, list):
        # the options' approvers are the traveller's (the tool resolves them for that id)
        whose = {"traveler_id": str(person.get("user_id"))}
        decision = [
            replace(c, args={**c.args, **whose})
            if isinstance(c, Call) and c.name in _SEARCHES
            else c
            for c in decision
        ]
    searched = bool(turn.last("search_flights") or turn.last("search_hotels"))
    if (
        refused is None
        and isinstance(decision, Reply)
        and u.book_for
        and not u.has_trip_details
        and not searched
    ):
        # "can you book for Fin?": yes, said, and what the trip is asked for
        return Reply(f"Yes — you can book for {full}. {decision.text}", decision.offer)
    if searched:
        return decision  # said already with this turn's first search
    if refused is None:
        # allowed: the options say whom they are for ("get my report a hotel in London")
        if isinstance(decision, list) and decision and decision[0].name in _SEARCHES:
            first, *rest = decision
            said = "\n\n".join(p for p in (f"For {full}:", first.say) if p)
            return [replace(first, say=said), *rest]
        return decision
    if isinstance(decision, Reply):
        return Reply(f"{refused.text}\n\n{decision.text}", decision.offer)
    first, *rest = decision
    return [replace(first, say="\n\n".join(p for p in (refused.text, first.say) if p)), *rest]


def _plain(step_id: str) -> bool:
    """The flight out's own search (no tag: not a return, a leg, a day of a window)."""
    return len(step_id.split("_")) == 5


def _day_before_in_time(state: State, turn: Turn) -> Call | None:
    """ "Get me there in time for a 10am meeting" when no flight of that day lands by then
    (San Francisco to a 10am Boston start): the day before's flights, any of which lands
    in time; the reply says why (``Draft.arrive_day`` keeps the day it is for)."""
    d = state.draft
    if not (d.want_flight and d.arrive_before and d.depart) or d.legs:
        return None
    steps = turn.calls("search_flights")
    if any(s.id.endswith("_early") for s in steps):
        return None
    out = next((s for s in reversed(steps) if _plain(s.id) and s.output and not s.error), None)
    if out is None or out.args.get("date") != d.depart.isoformat():
        return None
    options = (out.output or {}).get("options") or []
    if not options or any(lands_in_time(d, o) for o in options):
        return None
    args = {**_flight_args(state), "date": (d.depart - timedelta(days=1)).isoformat()}
    for key in ("depart_after", "depart_before"):
        args.pop(key, None)
    return Call("search_flights", args, tag="early")


def _search(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    cheaper_than = _cheaper_than_named(state, turn, u)
    if cheaper_than is not None:
        return cheaper_than
    nothing_cheaper = _cheapest_already_shown(state, turn, u)
    if nothing_cheaper is not None:
        return nothing_cheaper
    d = state.draft
    dated_by_trip = False
    if (u.extend_nights or u.extend_until) and _held_stay_extended(
        state, u.extend_nights, u.extend_until
    ):
        # "add another night" at a held stay's confirmation: the stay searched to its new
        # check-out; the same hotel is then held again in place of the hold (flows.booking
        # _stay_moved), as for new dates said.
        dated_by_trip = True
    elif (u.extend_nights or u.extend_until) and not turn.prior.get("hotels"):
        # "two more nights after that", "till the 20th": from the booked hotel's
        # check-out, in its city.
        extended = _stay_extended(
            state, turn, ctx, u.extend_nights, u.extend_until, u.dates.return_weekday
        )
        if isinstance(extended, list):
            return extended
        dated_by_trip = extended
    planned_here = bool(turn.prior.get("flights") or state.shown.get("flights"))
    if (
        u.booked_stay
        and not dated_by_trip
        and not turn.prior.get("hotels")
        # "the Hilton for the same nights" after flights searched here: the trip's nights
        and not (u.booked_stay == "same_nights" and planned_here)
    ):
        # "anything cheaper than my current London hotel for the same nights?"
        moved = (u.dates.depart, u.dates.ret) if u.booked_stay == "moved" else None
        booked = _stay_of_booked_hotel(
            state, turn, ctx, cheaper=u.booked_stay == "cheaper", moved=moved
        )
        if isinstance(booked, list):
            return booked
        dated_by_trip = booked
    if not dated_by_trip and u.want_hotel and not turn.prior.get("hotels"):
        # "I'm heading up to Boston the day before my Paris flight — a hotel there for that
        # one night": dated by the booked flight, in the city it leaves from
        beside = _stay_beside_booked_flight(state, turn, ctx, u)
        if isinstance(beside, list):
            return beside
        dated_by_trip = beside
    if (
        not dated_by_trip
        and u.for_booked_trip
        and d.want_hotel
        and (not d.want_flight or not u.flight_asked)
        and (d.depart is None or d.ret is None)
    ):
        # "a hotel from when I land", and "I'm flying to Paris on Thursday — a hotel from
        # when I arrive": the flight told about is the one booked (that day, if named).
        found = _stay_for_booked_trip(state, turn, ctx)
        if isinstance(found, list):
            return found
        dated_by_trip = found
    shifted = bool(u.shift_days and d.depart is not None and u.dates.depart is None)
    if u.dates.question and not turn.steps and not dated_by_trip and not shifted:
        # ("and the same the following week?" moves the trip's day a week on: the week
        # is the trip's, no day of it to ask)
        return Reply(u.dates.question)
    if u.dates.overnight_out and d.depart is not None and u.dates.stay is None:
        # "flying out Monday, overnight": one lands on Tuesday, when a stay dated by the
        # trip starts (Draft.landed)
        d.landed = (d.depart, d.depart + timedelta(days=1))
    if u.passengers and u.passengers > 9 and not turn.steps:
        return Reply(
            f"I can book at most 9 travellers in one booking, and you asked for {u.passengers}. "
            "How many should I book now? (A bigger group is best split into several bookings.)"
        )
    if not d.want_flight and not d.want_hotel:
        d.want_flight = True
    hotel_only = not d.want_flight or (u.want_hotel and u.want_flight is None)
    if d.destination is None and hotel_only and (city := _area_city(u.text)):
        d.destination = d.destination_city = city  # "a hotel near Canary Wharf": London
    if d.destination is None:
        if hotel_only:
            return Reply("Which city do you need a hotel in, and for which dates?")
        if d.depart is not None:
            return Reply(f"Where would you like to fly on {spoken_day(d.depart)}?")
        return Reply("Where would you like to go, and when?")
    if d.want_flight and d.origin is None:
        return Reply(f"Where will you be flying to {_dest_name(state)} from?")
    if (
        d.want_flight
        and d.origin_city
        and d.origin_city == d.destination_city
        and d.origin == d.destination
    ):
        return Reply(
            f"You'd be flying from {d.origin_city} to {d.destination_city}. Where are you flying to?"
        )
    if d.want_flight and _same_metro(d.origin, d.destination):
        return Reply(
            f"{d.origin} and {d.destination} are in the same city. Where are you flying to?"
        )
    dest = _dest_name(state)
    if d.depart is None:
        if not d.want_flight:
            return Reply(
                f'Which dates do you need a hotel in {dest}? (e.g. "Dec 18–22" or "from the 18th for 3 nights")'
            )
        return Reply(f"Which date do you want to fly to {dest}?")
    if d.flex is not None and d.flex[1] >= ctx.today > d.depart:
        d.depart = ctx.today  # "any day this week": the days still ahead
    if d.depart < ctx.today:
        return Reply(
            f"{spoken_day(d.depart)} has already passed. Which date do you want to travel?"
        )
    if d.ret is not None and (
        d.ret < d.depart or (d.ret == d.depart and (d.want_hotel or not d.round_trip))
    ):
        # A same-day return is a day trip; a stay needs at least one night.
        return Reply(
            f"The return date ({spoken_day(d.ret)}) is not after departure ({spoken_day(d.depart)}). When do you come back?"
        )
    if d.want_hotel and d.hotel_dates[1] is None:
        return Reply(f"How many nights will you stay in {dest} (or what's your check-out date)?")
    if (
        d.want_flight
        and d.ret is None
        and not (d.one_way or d.legs or d.want_hotel or d.traveller)
        and (d.return_after or d.return_before)
        and _same_metro(str(ctx.profile.get("home_airport") or ""), d.destination)
    ):
        # "Atlanta to Chicago Wed 16 Dec, I need to be back by 6pm" from someone whose home
        # is Chicago: the flight is the way home and "back" its own time: landing by a
        # latest time said alone, leaving in a window ("back in the evening").
        if d.return_before and not d.return_after:
            d.arrive_before = d.arrive_before or d.return_before
        else:
            d.depart_after = d.depart_after or d.return_after
            d.depart_before = d.depart_before or d.return_before
        d.return_after = d.return_before = None
    if (
        d.want_flight
        and d.ret is None
        and not (d.one_way or d.legs or d.want_hotel)
        and (d.return_after or d.return_before)
        and not turn.steps
    ):
        # "out in the morning, back in the evening" with no day for the way back: which.
        return Reply(f"Which day do you fly back from {dest}?", Offer(RETURN_DAY, {}))

    capped = _policy_cap(state, turn)
    if capped is not None:
        return capped
    calls: list[Call] = []
    searched = {
        s.id.rsplit("_", 1)[-1] if s.id.endswith(("_ret", "_chg")) or leg_of(s.id) else "out"
        for s in turn.calls("search_flights")
    }
    # "add the return flight" asks for the flight home only; "and a hotel" for the hotel only.
    # So does a flight back asked for once the way there is booked in this conversation
    # ("Now I need to get back on Thursday the 10th"): the outbound is not searched again.
    # So is the flight home added to an outbound on hold ("add the return sunday evening"):
    # it is held with it, in place of that hold, the outbound as held (flows.booking).
    return_only = (
        u.round_trip
        or ((d.booked is not None or outbound_on_hold(state)) and u.dates.ret is not None)
    ) and not (
        u.places or u.dates.depart or u.cabin or u.passengers or u.passenger_delta or u.want_hotel
    )
    fresh_flight_request = (u.want_flight is True or not u.want_hotel) and not return_only
    # (the outbound on hold is not searched again: what is said of the way back, "the
    # direct BA", "in the evening", is the return's)
    home_only = return_only and outbound_on_hold(state)
    days = _flex_days(state, ctx)
    if days:
        # Any day in a window: one search per day, then the cheapest days side by side.
        if "out" not in searched and (
            _flex_args(state, days) != turn.prior.get("flights") or fresh_flight_request
        ):
            calls += [
                Call("search_flights", {**_flight_args(state), "date": day}, tag="flex")
                for day in days
            ]
    elif (d.origin_choices or d.destination_choices) and d.want_flight and not d.legs:
        # "LHR or Gatwick to Dublin": one search per airport, then compared in one list.
        if "out" not in searched and "either" not in searched:
            args = _flight_args(state)
            calls += [
                Call("search_flights", {**args, "origin": o, "destination": t}, tag="either")
                for o in d.origin_choices or [args["origin"]]
                for t in d.destination_choices or [args["destination"]]
            ]
    elif (
        d.want_flight
        and "out" not in searched
        and not home_only
        and (_flight_args(state) != turn.prior.get("flights") or fresh_flight_request)
    ):
        calls.append(Call("search_flights", _flight_args(state)))
    early = _day_before_in_time(state, turn)
    if early is not None:
        calls.append(early)
    need_return = d.want_flight and d.ret is not None and not d.one_way and d.round_trip
    if (
        need_return
        and "ret" not in searched
        and (_return_args(state) != turn.prior.get("returns") or calls)
    ):
        calls.append(Call("search_flights", _return_args(state), tag="ret"))
    if d.want_flight and any(c.tag == "" and c.name == "search_flights" for c in calls):
        # A multi-city trip: one search per further leg, beside the first.
        calls += [
            Call("search_flights", _leg_args(state, i), tag=f"leg{n}")
            for i, n in enumerate(range(2, len(d.legs) + 2))
            if f"leg{n}" not in searched
        ]
    # "a hotel for the nights in between", "a flight … and a hotel for 3 nights from when I
    # land": the stay starts the day the flight there lands, so it is searched after it.
    between = (
        d.want_flight
        and d.stay is None
        and (
            (u.stay_between and d.ret is not None)
            or (u.for_booked_trip and u.flight_asked and d.depart is not None)
        )
    )
    if between and "out" in searched:
        _landing_day(state, turn)
    if (
        d.want_hotel
        and not turn.calls("search_hotels")
        and not (between and any(c.tag == "" and c.name == "search_flights" for c in calls))
        and (
            _hotel_args(state) != turn.prior.get("hotels")
            or u.want_hotel
            or (calls and not return_only and turn.prior.get("hotels") is None)
        )
    ):
        calls.append(Call("search_hotels", _hotel_args(state)))
        # Hotels in more cities: one search per further stay, beside the first.
        calls += [
            Call(
                "search_hotels",
                {
                    **_hotel_args(state),
                    "city": stay.city,
                    "check_in": stay.check_in.isoformat(),
                    "check_out": stay.check_out.isoformat(),
                },
                tag=f"stay{n}",
            )
            for n, stay in enumerate(d.stays, start=2)
        ]
    if calls:
        return calls
    nearest = _unfiltered_calls(turn)
    if nearest:
        # a filter left nothing ("delta only", "nothing over $30"): the nearest there is
        return nearest
    asked = modifiers(u.text).best or superlative_asked(u.text)
    # "anything cheaper?": the cheapest that can be booked, and any cheaper one blocked
    return _present_search(state, turn, ctx, asked or ("cheapest" if u.cheaper else None))


_TAG: Final = re.compile(r"_(ret|early|leg\d+|stay\d+)$")


def _tag_of(step_id: str) -> str:
    """The tag a search was called with ("ret", "leg2", "stay2"; "" for the first)."""
    m = _TAG.search(step_id)
    return m.group(1) if m else ""


def _searches_shown(turn: Turn) -> list[Step]:
    """The searches of a trip made this turn (flights out, back and further legs; hotels)."""
    return [
        s
        for s in turn.calls("search_flights") + turn.calls("search_hotels")
        if not s.id.endswith(("_flex", "_either", "_chg")) and not s.args.get("rebooking")
    ]


def _unfiltered_calls(turn: Turn) -> list[Call]:
    """Each search whose filters left nothing, again without the one that did
    (state.unfiltered), once."""
    steps = _searches_shown(turn)
    made = [(s.name, s.args) for s in steps]
    calls: list[Call] = []
    for step in steps:
        again = unfiltered(step.args, step.output)
        if again is not None and (step.name, again) not in made:
            calls.append(Call(step.name, again, tag=_tag_of(step.id)))
            made.append((step.name, again))
    return calls


def _superseded(turn: Turn) -> tuple[set[str], dict[str, tuple[str, ...]]]:
    """The searches run again without a filter (not shown), and for each search that
    ran again, the filters it was run without."""
    steps = _searches_shown(turn)
    hidden: set[str] = set()
    dropped: dict[str, tuple[str, ...]] = {}
    for step in steps:
        again = unfiltered(step.args, step.output)
        retry = next(
            (s for s in steps if again is not None and (s.name, s.args) == (step.name, again)),
            None,
        )
        if retry is not None and again is not None:
            hidden.add(step.id)
            gone = tuple(k for k in SEARCH_FILTERS if k in step.args and k not in again)
            dropped[retry.id] = (*dropped.get(step.id, ()), *gone)
    return hidden, dropped


_LEG_ID = re.compile(r"_leg(\d+)$")


def leg_of(step_id: str) -> int | None:
    """Which leg of a multi-city trip a search was for (2, 3, ...), from its call id."""
    m = _LEG_ID.search(step_id)
    return int(m.group(1)) if m else None


def _leg_args(state: State, index: int) -> dict[str, Any]:
    leg = state.draft.legs[index]
    args = _flight_args(state)
    args.update(origin=leg.origin, destination=leg.destination, date=leg.day.isoformat())
    args.pop("depart_after", None)
    args.pop("depart_before", None)
    return args


def _flex_days(state: State, ctx: Context) -> list[str]:
    """The days to compare when the traveller left the day open (none from the past)."""
    d = state.draft
    if not d.want_flight or d.flex is None:
        return []
    start, end = max(d.flex[0], ctx.today), d.flex[1]
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    if d.flex_weekdays:
        days = [day for day in days if day.weekday() < 5] or days  # "any weekday works"
    return [day.isoformat() for day in days]


def _flex_args(state: State, days: list[str]) -> dict[str, Any]:
    """What a day-by-day search is of, as ``state.flight_args`` records it."""
    args = {k: v for k, v in _flight_args(state).items() if k != "date"}
    return {**args, "flex": [days[0], days[-1]]}


# A day told by a booked flight or trip: "the day before my Paris flight", "the night
# before our Boston trip", "two days after my flight to London" (group "what": the words
# naming it, its place among them).
_BESIDE_BOOKED: Final = re.compile(
    r"\b(?:the\s+)?(?P<n>day|night|evening|two days|2 days|three days|3 days)\s+"
    r"(?P<dir>before|after)\s+(?P<what>(?:my|our)\s+(?:[\w-]+\s+){0,3}?(?:flight|trip|departure)"
    r"(?:\s+(?:to|from|out of)\s+[\w-]+(?:\s+[\w-]+)?)?)",
    re.IGNORECASE,
)
_DAYS_SAID: Final = {"day": 1, "night": 1, "evening": 1, "two": 2, "2": 2, "three": 3, "3": 3}


def _stay_beside_booked_flight(
    state: State, turn: Turn, ctx: Context, u: Understanding
) -> list[Call] | bool:
    """A hotel dated by a booked flight ("I'm heading up to Boston the day before my Paris
    flight — a hotel there for that one night"): the flight's day (``list_trips``, the trip
    going to the place named with it, else the next one), the day said before or after it,
    and the nights asked (one when none is said); in the other place the message names,
    else where that flight leaves from (before it) or lands (after it). No flight is
    searched. False when the message says no such day or no booked trip fits."""
    m = _BESIDE_BOOKED.search(u.text)
    if m is None:
        return False
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    trips = listing.typed(ListTripsOutput)
    if trips is None:
        return False
    inside = [p for p in u.places if p.place is not None and m.start("what") <= p.start < m.end()]
    outside = [p for p in u.places if p.place is not None and p not in inside]
    named = {p.place.city for p in inside if p.place is not None}
    today = ctx.today.isoformat()
    d = state.draft
    rows = sorted(
        (
            t
            for t in trips.trips
            if t.status not in INACTIVE
            and t.flights
            and (t.start or today) >= today
            and (not named or named & {*t.places, t.origin or ""})
            and (not d.traveller or t.traveler.split()[:1] == [d.traveller.split()[0]])
        ),
        key=lambda t: t.start or "",
    )
    legs = [leg for leg in rows[0].legs if leg.kind == "flight"] if rows else []
    if not legs:
        return False
    before = m.group("dir").lower() == "before"
    leg = legs[0] if before else legs[-1]
    day = render.day_of(leg.starts if before else leg.ends)
    if day is None:
        return False
    shift = _DAYS_SAID.get(m.group("n").split()[0].lower(), 1)
    check_in = day - timedelta(days=shift) if before else day + timedelta(days=shift - 1)
    nights = u.dates.nights or 1
    codes = re.findall(r"\b([A-Z]{3})\b", leg.what)
    city = (
        outside[0].place.city
        if outside and outside[0].place is not None
        else city_of(codes[0] if before else codes[-1])
        if codes
        else None
    )
    if not city:
        return False
    d.destination = d.destination if d.destination_city == city else city
    d.destination_city = city
    d.depart, d.ret, d.nights, d.stay = check_in, check_in + timedelta(days=nights), None, None
    d.want_hotel, d.want_flight, d.round_trip = True, False, False
    return True


def _stay_for_booked_trip(state: State, turn: Turn, ctx: Context) -> list[Call] | bool:
    """ "A hotel in Paris for my trip this week, 2 nights": the stay starts the day the
    traveller's booked flight there lands (``list_trips``, then that booking's segments)
    and ends after the nights asked for, or when the flight home leaves. False when no
    upcoming trip goes there: the usual questions follow."""
    d = state.draft
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    trips = listing.typed(ListTripsOutput)
    if trips is None:
        return False
    today = ctx.today.isoformat()
    city = d.destination_city
    # A day named ("flying on Thursday", "when I get in on Friday") is one of the trip's.
    day = d.depart.isoformat() if d.depart is not None else None
    rows = sorted(
        (
            t
            for t in trips.trips
            if t.status not in INACTIVE
            and (city is None or city in t.places)
            and (t.end or t.start or today) >= today
            and (day is None or (t.start or day) <= day <= (t.end or t.start or day))
            # Someone else's trip ("Ava needs a hotel for her trip"): theirs, by first name.
            and (not d.traveller or t.traveler.split()[:1] == [d.traveller.split()[0]])
        ),
        key=lambda t: t.start or "",
    )
    if not rows:
        return False
    step = turn.last("get_booking")
    if step is None:
        return [Call("get_booking", {"booking_id": rows[0].booking_id})]
    stay = stay_after(step.output) if step.output else None
    if stay is None or (city is not None and stay.city != city):
        return False
    if day is not None and not (rows[0].start or day) <= day <= stay.check_in.isoformat():
        return False  # the day named is later in that trip: not its flight there
    if d.destination is None:
        d.destination = stay.city
    d.destination_city = stay.city
    d.depart, d.stay = stay.check_in, None
    said = turn.understanding
    if d.nights is None and d.ret is None:
        d.ret = stay.check_out
    elif (
        d.ret is not None
        and d.ret <= stay.check_in
        and said is not None
        and said.dates.definite_weekday is not None
    ):
        # "until monday morning" of a trip weeks away: the Monday after one lands there.
        d.ret += timedelta(days=7 * ((stay.check_in - d.ret).days // 7 + 1))
    d.rooms = d.rooms or stay.rooms
    d.want_hotel, d.want_flight, d.round_trip = True, False, False
    return True


def _booked_hotel_booking(
    state: State, turn: Turn, ctx: Context, *, hotel: bool
) -> list[Call] | BookingOut | None:
    """The upcoming booking (``list_trips``, then ``get_booking``) of the traveller named
    (or the caller) in the city named, with a hotel when ``hotel``; None when none."""
    d = state.draft
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    trips = listing.typed(ListTripsOutput)
    if trips is None:
        return None
    today = ctx.today.isoformat()
    city = d.destination_city
    rows = sorted(
        (
            t
            for t in trips.trips
            if t.status not in INACTIVE
            and (not hotel or any(leg.kind == "hotel" for leg in t.legs))
            and (city is None or city in t.places)
            and (t.end or t.start or today) >= today
            and (not d.traveller or t.traveler.split()[:1] == [d.traveller.split()[0]])
        ),
        key=lambda t: t.start or "",
    )
    if not rows:
        return None
    step = turn.last("get_booking")
    if step is None:
        return [Call("get_booking", {"booking_id": rows[0].booking_id})]
    return step.typed(BookingOut)


def _stay_of_booked_hotel(
    state: State,
    turn: Turn,
    ctx: Context,
    *,
    cheaper: bool,
    moved: tuple[date | None, date | None] | None = None,
) -> list[Call] | bool:
    """Other hotels for the nights of one's booked hotel ("anything cheaper than my current
    London hotel for the same nights?"): its city, check-in and check-out, and when a
    cheaper one is asked for, under its nightly price (the segment's price over its nights
    and rooms). False when no booked hotel fits: the usual questions follow."""
    d = state.draft
    booking = _booked_hotel_booking(state, turn, ctx, hotel=True)
    if isinstance(booking, list):
        return booking
    city = d.destination_city
    stays = [
        s
        for s in (booking.segments if booking is not None else [])
        if s.kind == "hotel"
        and s.status not in ("cancelled", "released")
        and s.check_in
        and s.check_out
        and (city is None or s.city == city)
    ]
    if not stays:
        return False
    first = min(stays, key=lambda s: str(s.check_in))
    check_in = date.fromisoformat(str(first.check_in))
    check_out = date.fromisoformat(str(first.check_out))
    if moved is not None:
        # "move my London hotel so I check in on the 14th": the end said moved, the other kept
        check_in, check_out = moved[0] or check_in, moved[1] or check_out
    if check_out <= check_in:
        return False
    d.destination = d.destination or first.city
    d.destination_city = first.city or city
    d.depart, d.ret, d.nights = check_in, check_out, None
    d.stay = (check_in, check_out)
    d.rooms = d.rooms or first.rooms
    d.want_hotel, d.want_flight, d.round_trip = True, False, False
    if cheaper and d.price_cap is None:
        nights, rooms = (check_out - check_in).days, first.rooms or 1
        try:
            nightly = float(first.price.amount) / nights / rooms
        except (TypeError, ValueError, ZeroDivisionError):
            return True
        # under its price: the booked rate, to the whole unit below
        d.price_cap = PriceCap(max(1, int(nightly - 0.01)), "night", first.price.currency)
    return True


def _extra_nights_note(turn: Turn, searched: dict[str, Any]) -> str | None:
    """ "extend my London hotel by one night": no tool changes a booked stay's dates, so the
    nights searched from its check-out (``_stay_extended``) are a booking of their own —
    said before the list, with the booked stay left as it is. None for any other search
    (a held stay made longer is held again in place of its hold, flows.booking)."""
    u = turn.understanding
    step = turn.last("get_booking")
    if u is None or not (u.extend_nights or u.extend_until) or step is None:
        return None
    booking = step.typed(BookingOut)
    check_in = str(searched.get("check_in") or "")
    stay = next(
        (
            s
            for s in (booking.segments if booking is not None else [])
            if s.kind == "hotel" and str(s.check_out)[:10] == check_in[:10]
        ),
        None,
    )
    if stay is None or not searched.get("check_out"):
        return None
    start = date.fromisoformat(check_in[:10])
    nights = (date.fromisoformat(str(searched["check_out"])[:10]) - start).days
    extra = "night" if nights == 1 else f"{nights} nights"
    return (
        f"I can't extend a booked stay — the dates of your {stay.hotel or 'hotel'} booking "
        f"can't be changed — but the extra {extra}, from its check-out on "
        f"{spoken_day(start)}, can be a new booking of its own:"
    )


def _held_stay_extended(state: State, nights: int | None, until: date | None) -> bool:
    """More nights for the stay held and awaiting its yes (the hold being changed, a
    hotel alone): the draft's stay runs from its check-in to the check-out moved on by
    ``nights`` or to ``until``. False when no such hold, or the day said is not after
    its check-out."""
    booking = state.bookings.get(state.changing or "") or {}
    if booking.get("status") != "held" or state.held_from.get(state.changing or "") != ["hotels"]:
        return False
    stays = [s for s in booking.get("segments") or [] if s.get("kind") == "hotel"]
    if len(stays) != 1 or not stays[0].get("check_in") or not stays[0].get("check_out"):
        return False
    check_in = date.fromisoformat(str(stays[0]["check_in"])[:10])
    out = date.fromisoformat(str(stays[0]["check_out"])[:10])
    new_out = until if not nights else out + timedelta(days=nights)
    if new_out is None or new_out <= out:
        return False
    d = state.draft
    d.depart, d.ret, d.nights = check_in, new_out, None
    d.stay = (check_in, new_out)
    d.want_hotel, d.want_flight, d.round_trip = True, False, False
    return True


def _stay_extended(
    state: State,
    turn: Turn,
    ctx: Context,
    nights: int | None,
    until: date | None = None,
    weekday: int | None = None,
) -> list[Call] | bool:
    """More nights after a hotel one has booked ("my London hotel ends on the 18th; I need
    two more nights after that"): the upcoming trip with a hotel in the city named
    (``list_trips``), its last stay there (``get_booking``), and a stay searched from that
    check-out for the nights asked, or to the day ``until`` said ("till Saturday": a
    ``weekday`` alone is the first one after the check-out). False when no booked hotel
    fits, or the day said is not after its check-out: the usual questions follow."""
    d = state.draft
    booking = _booked_hotel_booking(state, turn, ctx, hotel=True)
    if isinstance(booking, list):
        return booking
    city = d.destination_city
    stays = [
        s
        for s in (booking.segments if booking is not None else [])
        if s.kind == "hotel"
        and s.status not in ("cancelled", "released")
        and s.check_out
        and (city is None or s.city == city)
    ]
    if not stays:
        return False
    last = max(stays, key=lambda s: str(s.check_out))
    out = date.fromisoformat(str(last.check_out))
    if not nights:
        if until is not None and until <= out and weekday is not None:
            until = out + timedelta(days=(weekday - out.weekday() - 1) % 7 + 1)
        if until is None or until <= out:
            return False
        nights = (until - out).days
    d.destination = d.destination or last.city
    d.destination_city = last.city or city
    d.depart, d.ret, d.nights = out, out + timedelta(days=nights), None
    d.stay = (d.depart, d.ret)
    d.rooms = d.rooms or last.rooms
    d.want_hotel, d.want_flight, d.round_trip = True, False, False
    return True


def _same_metro(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    pa, pb = lookup_place(a), lookup_place(b)
    return pa is not None and pb is not None and pa.city == pb.city


def shown_text(state: State, turn: Turn, ctx: Context, asked: str | None) -> str:
    """What the search of this turn found, in words, and the ``asked`` superlative's
    answer, without asking which option: the words said with a hold of that option."""
    return _present_search(state, turn, ctx, asked, ask_which=False).text


def _present_search(
    state: State, turn: Turn, ctx: Context, asked: str | None = None, *, ask_which: bool = True
) -> Reply:
    blocks: list[str] = []
    problems: list[str] = []
    searches = turn.calls("search_flights") + turn.calls("search_hotels")
    if not searches:
        # Nothing new to search: show what is on the table again.
        searches = []
    shown_lists: list[tuple[str, list[dict[str, Any]]]] = []
    hidden = 0  # hotels left out for being over the nightly budget asked for
    over_policy = 0  # hotels left out for being over the policy's cap ("within the limit")
    left = list[tuple[str, LeftOut]]()  # flights left out by the limits asked (as_asked)
    asked_for: dict[int, str] = {}  # hotels the request named by brand or area
    brands_wanted: list[str] = []  # brands the request named that no listed hotel is
    answers_first: list[str] = []  # the answer to a question the request asks of the list
    superseded, dropped = _superseded(turn)
    closed: list[str] = []  # days the flight schedule doesn't reach yet, said plainly
    for step in searches:
        if step.error:
            said = render.schedule_closed(step.error, ctx.today)
            if said is None:
                problems.append(render.error_text(step.error))
            elif said not in closed:
                closed.append(said)
            continue
        if step.output is None or step.id in superseded:
            continue
        if step.name == "search_hotels":
            listed, over = within_cap(state.draft.price_cap, step.output)
            hidden += over
            if state.draft.price_cap is None and "max_nightly" in step.args:
                over_policy += step.output.get("filtered") or 0
            said = turn.understanding.text if turn.understanding is not None else ""
            named = asked_hotels(said, listed.get("options") or [])
            asked_for.update(named)
            brands_wanted += _brands_named(said) if not named else []
            rated_note = _rated_within_cap(said, listed.get("options") or [])
            if rated_note:
                answers_first.append(rated_note)
            extra = _extra_nights_note(turn, step.args)
            if extra:
                answers_first.append(extra)
            blocks.append(render.hotels_block(listed, named))
            shown_lists.append(("hotel", listed.get("options") or []))
        elif step.id.endswith("_either"):
            if not any(k == "flight" for k, _ in shown_lists) and state.flights is not None:
                blocks.append(render.flights_block(state.flights, "Flights"))
                shown_lists.append(("flight", state.flights.get("options") or []))
        elif step.id.endswith("_flex"):
            if not any(k == "flight" for k, _ in shown_lists) and state.flights is not None:
                blocks.append(render.days_block(state.flights))
                shown_lists.append(("flight", state.flights.get("options") or []))
        elif leg_of(step.id):
            n = leg_of(step.id)
            found, out_of = as_asked(
                state.draft, step.output, outbound=False, dropped=dropped.get(step.id, ())
            )
            left.append((f"leg{n}", out_of))
            blocks.append(render.flights_block(found, f"Leg {n} flights"))
            shown_lists.append((f"leg{n}", found.get("options") or []))
        else:
            is_return = step.id.endswith("_ret")
            if not is_return and _plain(step.id) and any(s.id.endswith("_early") for s in searches):
                continue  # none of that day's lands in time: the day before's are shown
            title = "Leg 1 flights" if state.draft.legs else "Flights"
            found, out_of = as_asked(
                state.draft,
                step.output,
                outbound=not is_return,
                dropped=dropped.get(step.id, ()),
            )
            left.append(("return" if is_return else "flight", out_of))
            blocks.append(render.flights_block(found, "Return flights" if is_return else title))
            shown_lists.append(("return" if is_return else "flight", found.get("options") or []))
    if not searches:
        for kind, out in (
            ("flight", state.flights),
            ("return", state.returns),
            ("hotel", state.hotels),
        ):
            if out is None:
                continue
            if kind == "hotel":
                shown, over = within_cap(state.draft.price_cap, out)
                hidden += over
                blocks.append(render.hotels_block(shown))
                shown_lists.append((kind, shown.get("options") or []))
                continue
            if out.get("days"):
                blocks.append(render.days_block(out))
            else:
                blocks.append(
                    render.flights_block(out, "Return flights" if kind == "return" else "Flights")
                )
            shown_lists.append((kind, out.get("options") or []))
    # A client that draws the results as cards shows them right under this reply: the
    # lists in words would show every option twice.
    text = "\n\n".join(answers_first + ([] if ctx.cards else blocks))
    if closed:
        text = (text + "\n\n" if text else "") + " ".join(closed)
    if problems:
        text = (
            (text + "\n\n" if text else "") + "I couldn't search everything: " + " ".join(problems)
        )
    non_empty = [(k, opts) for k, opts in shown_lists if opts]
    if not non_empty:
        return Reply(text + "\n\nWould you like to try another date, time or cabin?")
    statuses = [str((o.get("policy") or {}).get("status")) for _, opts in non_empty for o in opts]
    closing = _closing(non_empty) if ask_which else ""
    notes = []
    d = state.draft
    u = turn.understanding
    if u is not None and u.dates.read_as and searches:
        # "09/12/2026" reads two ways: say which day was searched, and the other.
        notes.append(
            "I read "
            + " and ".join(
                f"{text} as {spoken_day(day)}"
                + (
                    f" ({other:%-d %b} has passed)"
                    if other < ctx.now.date()
                    else f", not {spoken_day(other)} — just say if you meant that"
                )
                for text, day, other in u.dates.read_as
            )
            + "."
        )
    if d.want_flight and d.want_hotel and d.ret and not d.round_trip and not d.one_way:
        notes.append(
            f'Need a flight back on {spoken_day(d.ret)} too? Just say "add the return flight".'
        )
    if d.return_optional and d.ret and any(k == "return" for k, _ in non_empty):
        notes.append(
            f"The return flights on {spoken_day(d.ret)} are there in case you fly home then; "
            "leave them out to book just the way there."
        )
    check_in = d.hotel_dates[0]
    landing = check_in if d.stay is None and d.depart and check_in != d.depart else None
    if landing is not None and searches and any(k == "hotel" for k, _ in non_empty):
        notes.append(
            f"The hotel starts on {spoken_day(landing)}, the day the flight there lands "
            "(it flies overnight); say if you need the night before too."
        )
    if d.price_cap is not None:
        priced_out = {kind: n.over for kind, n in left if n.over}
        notes.extend(_cap_notes(d.price_cap, non_empty, priced_out))
    landing_late = sum(n.late for _, n in left)
    if d.arrive_day and d.depart and any(s.id.endswith("_early") for s in searches):
        notes.append(
            f"No flight on {spoken_day(d.arrive_day)} lands by {d.arrive_before}, so these "
            f"leave the day before, {spoken_day(d.depart)}."
        )
    elif landing_late and d.arrive_before:
        notes.append(
            f"Only flights landing by {d.arrive_before} are listed ({landing_late} more land later)."
        )
    notes.extend(_airline_notes(d, left))
    if hidden:
        notes.append(
            f"{hidden} more {'hotel is' if hidden == 1 else 'hotels are'} over it, so not listed."
        )
    if d.within_policy:
        notes.extend(_policy_notes(non_empty))
    if over_policy and d.policy_cap is not None:
        notes.append(
            f"{over_policy} more {'hotel is' if over_policy == 1 else 'hotels are'} over the "
            f"{d.policy_cap.city} cap of "
            f"{money_text(d.policy_cap.nightly_minor, d.policy_cap.currency)} a night, so not listed."
        )
    if "red" in statuses:
        notes.append("Options marked 🔴 can't be booked under company policy.")
    if u is not None and searches and "amber" not in statuses and policy_of_the_trip(u.text):
        # "business to Boston on the 15th — does that need approval?": the options'
        # verdicts answer it, in words when none waits for approval (🟠 is said below)
        if set(statuses) == {"green"}:
            notes.append("All of these are within policy, so none needs approval.")
        elif "green" in statuses:
            notes.append("Options marked 🟢 need no approval.")
        else:
            notes.append("None of these can be booked under company policy, even with approval.")
    if "amber" in statuses:
        # whom the search named for the traveller's trip (the tool resolves it as the
        # approval will: Mia booking for her report goes up to Victor, an admin's to Mia)
        approvers = [
            str(n)
            for s in searches
            if s.output and not s.error
            for n in (s.output.get("approvers") or {}).values()
        ]
        whom = " and ".join(dict.fromkeys(approvers))
        notes.append(
            f"Options marked 🟠 can be booked but need approval{f' from {whom}' if whom else ''} first."
        )
    if brands_wanted:
        notes.append(f"None of these is a {' or '.join(brands_wanted)}, so here is what there is.")
    offer = None
    if all(len(opts) == 1 for _, opts in non_empty):
        offer = Offer("select", {"single": True})
    elif len(asked_for) == 1 and [k for k, _ in non_empty] == ["hotel"]:
        # "is there a Marriott near ...?" then "book it": the hotel asked for.
        ((number, words),) = asked_for.items()
        notes.append(f"Option {number} is the one you asked for ({words}).")
        offer = Offer("select", {"asked": number})
    answer = _superlative_answer(asked, non_empty)
    if answer:
        # "…, what's the cheapest?": answered, and "book that one" then means it.
        notes.append(answer)
        offer = offer or Offer("select", {"best": asked})
    return Reply("\n\n".join(p for p in [text, " ".join(notes), closing] if p), offer)


# Brands a hotel's name starts with ("Marriott", "Hyatt"); a group alone ("IHG", "Accor")
# is in no hotel's name, so it is not looked for among the names listed.
_BRAND_NAMES = tuple(
    (b, re.compile(rf"\b{re.escape(b.lower())}s?\b"))
    for b in hotel_brands()
    if any(p.name.startswith(b) for p in hotel_plans())
)


def _rated_within_cap(said: str, options: list[dict[str, Any]]) -> str | None:
    """ "is there a 5 star in london under the cap?": when no hotel of that rating shown is
    within policy, the answer first — no, and why — rather than the list alone."""
    low = said.lower()
    stars = stars_said(low)
    if not stars or option_questions.asked_status(low) != "green":
        return None
    rated = [o for o in options if o.get("stars") == stars]
    if any((o.get("policy") or {}).get("status") == "green" for o in rated):
        return None
    if not rated:
        return f"No — none of the hotels found is {stars}★."
    why = "; ".join(
        f"{o.get('name')} is {render.money(o.get('nightly'))} a night"
        + (f" ({'; '.join(v)})" if (v := (o.get("policy") or {}).get("violations")) else "")
        for o in rated
    )
    return f"No — no {stars}★ hotel is within policy: {why}."


def _brands_named(text: str) -> list[str]:
    """The hotel brands or chains a request names ("a Marriott", "any Hiltons"), longest
    first, none inside another ("Hyatt Regency", not also "Hyatt")."""
    low, found = text.lower(), list[str]()
    for brand, pattern in _BRAND_NAMES:
        if pattern.search(low) and not any(brand.lower() in f.lower() for f in found):
            found.append(brand)
    return found


_SUPERLATIVES = ("cheapest", "fastest", "earliest", "latest")


def _superlative_answer(asked: str | None, lists: list[tuple[str, list[dict[str, Any]]]]) -> str:
    """The answer to "which is the cheapest?" over the first list: the best one that can
    be booked, and any blocked one that would have been better."""
    if asked not in _SUPERLATIVES or not lists:
        return ""
    options = lists[0][1]
    ref = OptionRef(best=asked)
    found = pick(options, ref)
    if not isinstance(found, dict):
        return ""
    label = render.option_label(found)
    if (found.get("policy") or {}).get("status") == "red":
        return (
            f"The {asked} is option {found.get('option')} ({label}), but none of these can be "
            "booked under company policy."
        )
    passed = skipped(options, ref, found)
    blocked = ", ".join(f"option {o.get('option')} ({render.option_label(o)})" for o in passed)
    verb = "is" if len(passed) == 1 else "are"
    but = f" ({blocked} {verb} not allowed under company policy)" if passed else ""
    return f"The {asked} you can book is option {found.get('option')} ({label}){but}."


_LIST_OF: Final = {"flights": "flight", "returns": "return", "hotels": "hotel"}


def _cheaper_than_named(state: State, turn: Turn, u: Understanding) -> Reply | None:
    """ "anything cheaper than the Hyatt that's still decent?", "something less expensive
    than option 3?" at a list shown: the options of that list cheaper than the one named
    that can be booked, cheapest first, with their stars and verdicts (nothing picked,
    nothing searched); None when the words name no option shown (then it is searched)."""
    kind = state.last_shown
    if not u.cheaper_than or turn.steps or kind not in _LIST_OF:
        return None
    shown = state.shown.get(kind)
    if shown is None or not shown.items:
        return None
    said = replace(u, text=u.cheaper_than, options=read_picks(u.cheaper_than))
    refs = [r for r in said.options if r.index is not None or r.carrier or r.clock]
    refs += name_refs(state, said)
    named = next((o for r in refs if isinstance(o := pick(shown.items, r), dict)), None)
    if named is None:
        return None

    cheaper = sorted(
        (
            o
            for o in shown.items
            if price_of(o) < price_of(named) and (o.get("policy") or {}).get("status") != "red"
        ),
        key=price_of,
    )
    label = f"option {named.get('option')} ({render.option_label(named)})"
    if not cheaper:
        return Reply(
            f"Nothing on this list that you can book is cheaper than {label}. Say which "
            "option you'd like, or change the day, time or cabin."
        )
    lines = "\n".join(
        f"- option {o.get('option')}: {render.option_label(o)}"
        + (f" · {o.get('stars')}★" if o.get("stars") else "")
        + f" · {render.badge(o.get('policy'))}"
        for o in cheaper
    )
    one = len(cheaper) == 1
    offer = Offer("select", {_LIST_OF[kind]: cheaper[0]}) if one else None
    ask = "Want me to book it?" if one else "Which one would you like?"
    return Reply(f"Cheaper than {label}, and bookable:\n{lines}\n\n{ask}", offer)


def _cheapest_already_shown(state: State, turn: Turn, u: Understanding) -> Reply | None:
    """ "anything cheaper?" right after a list its search gave cheapest first, whose
    cheapest bookable option is in it: there is nothing cheaper for that search, said so
    with that option (never the same list again, nor the same search run again). None
    when the list was ordered otherwise or none of it can be booked: then it is searched."""
    kind = state.last_shown
    if not u.cheaper or turn.steps or kind not in _LIST_OF:
        return None
    shown = state.shown.get(kind)
    args = turn.prior.get(kind) or {}
    if shown is None or not shown.items or not args or args.get("sort", "price") != "price":
        return None
    ref = OptionRef(best="cheapest")
    found = pick(shown.items, ref)
    if not isinstance(found, dict) or (found.get("policy") or {}).get("status") == "red":
        return None
    passed = skipped(shown.items, ref, found)
    blocked = ", ".join(f"option {o.get('option')} ({render.option_label(o)})" for o in passed)
    verb = "is" if len(passed) == 1 else "are"
    but = f" ({blocked} {verb} cheaper but not allowed under company policy)" if passed else ""
    return Reply(
        f"There's nothing cheaper for that search: option {found.get('option')} "
        f"({render.option_label(found)}) is already the cheapest you can book{but}. "
        "Say which option you'd like, or change the day, time or cabin."
    )


_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def _cap_notes(
    cap: PriceCap, lists: list[tuple[str, list[dict[str, Any]]]], over: dict[str, int]
) -> list[str]:
    """Which options fit the user's price cap ("under 200 a night", "max $300").

    The options keep the numbers the tools gave them, so "option 3" still means what
    the user sees; flights over the cap are left out (``over``: how many, by list) and
    hotels over a nightly one (``within_cap``), unless none fits: then all are shown and
    the note says so, with the cheapest.
    """
    amount, per = cap.amount, cap.per
    notes: list[str] = []
    for kind, options in lists:
        if (per == "night" and kind != "hotel") or (per == "person" and kind == "hotel"):
            continue
        key = "nightly" if kind == "hotel" else "price"
        priced: list[tuple[int, dict[str, Any]]] = [
            (int(o.get("option") or i), o[key])
            for i, o in enumerate(options, 1)
            if isinstance(o.get(key), dict)
        ]
        if not priced:
            continue
        currency = str(priced[0][1].get("currency") or "")
        if cap.currency and currency and cap.currency != currency:
            # No exchange rates here: comparing £150 with dollar prices would mislead.
            shown = f"{_SYMBOLS.get(cap.currency, '')}{amount}"
            notes.append(
                f"These {'hotels' if kind == 'hotel' else 'fares'} are priced in {currency}, "
                f"so I can't check them against your {shown} budget exactly."
            )
            continue
        label = f"{_SYMBOLS.get(currency, '')}{amount}" + (
            "" if currency in _SYMBOLS else f" {currency}"
        )
        label += " a night" if kind == "hotel" else ""
        noun = _noun(kind)
        fits = [n for n, p in priced if amount_of(p) <= amount]
        hidden = over.get(kind, 0)
        more = (
            f"; {hidden} more {'is' if hidden == 1 else 'are'} over it, so not listed"
            if hidden
            else ""
        )
        if not fits:
            cheapest = min(amount_of(p) for _, p in priced)
            notes.append(
                f"None of these {noun} is within your {label} budget "
                f"(the cheapest is {money_text(from_major(cheapest, currency), currency)})."
            )
        elif len(fits) < len(priced):
            listed = ", ".join(str(n) for n in fits)
            notes.append(f"Within your {label} budget: {noun} {listed}; the others are over it.")
        elif hidden:
            listed = ", ".join(str(n) for n in fits)
            notes.append(f"Within your {label} budget: {noun} {listed}{more}.")
        else:
            notes.append(f"All of these {noun} are within your {label} budget.")
    return notes


def _airline_notes(d: Draft, left: list[tuple[str, LeftOut]]) -> list[str]:
    """What the airlines asked for alone or ruled out left out of the flights listed, or
    that a list has none of them (then it is shown whole: the nearest there is)."""
    if not (d.airlines_only or d.airlines_not):
        return []
    only = " or ".join(_airline_name(c) for c in d.airlines_only)
    ruled_out = " or ".join(_airline_name(c) for c in d.airlines_not)
    notes: list[str] = []
    for kind, n in left:
        if not n.airline_none:
            continue
        if d.airlines_only:
            notes.append(
                f"There are no {only} {_noun(kind)} on this search, so these are the other "
                "airlines' — the nearest I have; say if you'd rather try another day or time."
            )
        else:
            notes.append(
                f"All of these {_noun(kind)} are on {ruled_out}, so here they are anyway; say "
                "if you'd rather try another day or time."
            )
    if any(n.airline for _, n in left):
        notes.insert(
            0,
            f"Only {only} flights are listed, as you asked."
            if d.airlines_only
            else f"No {ruled_out} flights are listed, as you asked.",
        )
    return notes


def _noun(kind: str) -> str:
    """What a list shown is called in a note: "flights", "return flights", "leg 2 flights"."""
    if kind.startswith("leg"):
        return f"leg {kind[3:]} flights"
    return {"hotel": "hotels", "return": "return flights"}.get(kind, "flights")


def _airline_name(code: str) -> str:
    return next((c.name for c in CARRIERS if c.code == code), code)


def _policy_notes(lists: list[tuple[str, list[dict[str, Any]]]]) -> list[str]:
    """Which options are within policy, when the request asked for those ("a hotel under
    the policy limit"). Like a price cap, the lists stay whole and numbered as shown."""
    notes: list[str] = []
    for kind, options in lists:
        noun = {"hotel": "hotels", "return": "return flights"}.get(kind, "flights")
        fits = [
            str(o.get("option") or i)
            for i, o in enumerate(options, 1)
            if (o.get("policy") or {}).get("status") == "green"
        ]
        if not fits:
            notes.append(f"None of these {noun} is within policy without approval.")
        elif len(fits) < len(options):
            notes.append(f"Within policy: {noun} {', '.join(fits)}.")
        else:
            notes.append(f"All of these {noun} are within policy.")
    return notes


def _closing(lists: list[tuple[str, list[dict[str, Any]]]]) -> str:
    kinds = [k for k, _ in lists]
    if any(k.startswith("leg") for k in kinds):
        return (
            "Which flight would you like on each leg? Give one option number per leg, in order "
            '(e.g. "1, 2 and 1").'
        )
    if kinds == ["hotel"]:
        return "Which hotel would you like me to book?"
    if "hotel" in kinds and "return" in kinds:
        return 'Which ones shall I book? Say e.g. "flight 1, return 2 and hotel 1".'
    if "hotel" in kinds:
        return 'Which flight and hotel shall I book? Say e.g. "flight 1 and hotel 2".'
    if kinds == ["return"]:
        return "Which return flight would you like to book?"
    if "return" in kinds:
        return 'Which outbound and return flights shall I book? Say e.g. "1 and return 2".'
    return "Which option would you like to book?"


HANDLERS: dict[Intent, Handler] = {
    Intent.SEARCH: search,
}
