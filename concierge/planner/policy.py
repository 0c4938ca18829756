"""Dialogue decisions: given the state and the current turn, the next tool calls or the reply.

``decide`` is a pure function of the reconstructed conversation, so the planner
is deterministic and can be re-run over past turns (that is how a bare "yes"
finds what the previous reply offered). Each intent has one flow; a flow looks
at the tool calls already made this turn and either makes the next one or
answers. The booking core decides everything that matters (inventory, policy,
approvals): a red option is warned about, and if the user insists the core is
asked anyway and its refusal explained.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from concierge.planner import render
from concierge.planner.nlu.intents import Intent, OptionRef, PriceCap, Understanding
from concierge.planner.state import Offer, Shown, State, Turn
from core.catalogue.hubs import METRO_BY_NAME, hubs
from core.catalogue.places import lookup_place, resolve_place, served_cities
from core.errors import ValidationFailed
from tools.views import spoken_day

INACTIVE = {"cancelled", "expired", "failed"}


@dataclass(frozen=True)
class Call:
    name: str
    args: dict[str, Any]
    tag: str = ""  # "ret" marks the return-leg search, "chg" a change search


@dataclass
class Reply:
    text: str
    offer: Offer | None = None


Decision = Reply | list[Call]


@dataclass
class Context:
    now: datetime
    profile: dict[str, Any] = field(default_factory=dict)
    tools: frozenset[str] = frozenset()

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def first_name(self) -> str:
        name = str(self.profile.get("name") or "").strip()
        return name.split()[0] if name else ""


def decide(state: State, turn: Turn, ctx: Context) -> Decision:
    u = turn.understanding
    if u is None:
        return Reply(render.HELP_TEXT)
    intent = u.intent
    if (
        intent == Intent.SEARCH
        and state.last_intent == Intent.POLICY
        and u.dates.depart is None
        and (u.cabin or re.match(r"^(?:and|what about|how about|also)\b", u.text.lower()))
    ):
        # "and business to Boston?" right after a policy answer is another policy question.
        intent = Intent.POLICY
        u.topic = u.text
    handler = _HANDLERS.get(intent, _unknown)
    return handler(state, turn, ctx, u)


# ---- small talk -----------------------------------------------------------------------


def _greet(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    name = f" {ctx.first_name}" if ctx.first_name else ""
    return Reply(
        f"Hi{name}! I'm your travel concierge. I can find and book flights and hotels, show or cancel "
        "your trips, rebook disrupted flights, answer travel-policy questions and handle approvals. "
        "Where are you headed?"
    )


def _thanks(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    return Reply(
        "You're welcome! Anything else I can help with — another trip, a hotel, or a policy question?"
    )


def _help(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    return Reply(render.HELP_TEXT)


def _out_of_scope(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    low = u.text.lower()
    what = "that"
    for word, label in (
        ("weather", "weather forecasts"),
        ("car", "car rentals"),
        ("rent", "car rentals"),
        ("train", "train tickets"),
        ("rail", "train tickets"),
        ("taxi", "taxis"),
        ("uber", "rides"),
        ("visa", "visas"),
        ("passport", "passports"),
        ("restaurant", "restaurants"),
        ("dinner", "restaurants"),
        ("expense", "expense reports"),
        ("reimburs", "expense reports"),
        ("bus", "bus tickets"),
        ("ferry", "ferries"),
        ("cruise", "cruises"),
    ):
        if word in low:
            what = label
            break
    return Reply(
        f"Sorry, I can't help with {what}. I can help with flights, hotels, trips, policy and approvals — "
        'for example "find me a flight to Paris next Tuesday" or "what\'s the hotel cap in London?"'
    )


def _unknown(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    if _name_refs(state, u):
        return _select(state, turn, ctx, u)
    if state.draft.started and u.has_trip_details:
        return _search(state, turn, ctx, u)
    return Reply(
        "Sorry, I didn't quite get that. I can help with flights, hotels, trips, policy and approvals — "
        'try something like "a flight from Boston to Chicago on Dec 10" or "show my trips".'
    )


# ---- search ---------------------------------------------------------------------------


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
        "limit": 5,
    }
    if d.depart_after:
        args["depart_after"] = d.depart_after
    if d.depart_before:
        args["depart_before"] = d.depart_before
    return args


def _return_args(state: State) -> dict[str, Any]:
    d = state.draft
    args = _flight_args(state)
    args.update(
        origin=d.destination, destination=d.origin, date=d.ret.isoformat() if d.ret else None
    )
    args.pop("depart_after", None)
    args.pop("depart_before", None)
    if d.return_after:
        args["depart_after"] = d.return_after
    if d.return_before:
        args["depart_before"] = d.return_before
    return args


def _hotel_args(state: State) -> dict[str, Any]:
    d = state.draft
    check_out = d.check_out
    return {
        "city": d.destination_city or d.destination,
        "check_in": d.depart.isoformat() if d.depart else None,
        "check_out": check_out.isoformat() if check_out else None,
        "rooms": d.hotel_rooms,
        "limit": 5,
    }


def _dest_name(state: State) -> str:
    d = state.draft
    return d.destination_city or d.destination or "there"


def _search(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    d = state.draft
    problem = _place_problem(u)
    if problem and not turn.steps:
        return Reply(problem)
    if u.dates.question and not turn.steps:
        return Reply(u.dates.question)
    if u.passengers and u.passengers > 9 and not turn.steps:
        return Reply(
            f"I can book at most 9 travellers in one booking, and you asked for {u.passengers}. "
            "How many should I book now? (A bigger group is best split into several bookings.)"
        )
    if not d.want_flight and not d.want_hotel:
        d.want_flight = True
    if d.destination is None:
        if not d.want_flight or (u.want_hotel and u.want_flight is None):
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
    if d.want_hotel and d.check_out is None:
        return Reply(f"How many nights will you stay in {dest} (or what's your check-out date)?")

    calls: list[Call] = []
    searched = {
        s.id.rsplit("_", 1)[-1] if s.id.endswith(("_ret", "_chg")) else "out"
        for s in turn.calls("search_flights")
    }
    # "add the return flight" asks for the flight home only; "and a hotel" for the hotel only.
    return_only = u.round_trip and not (
        u.places or u.dates.depart or u.cabin or u.passengers or u.passenger_delta or u.want_hotel
    )
    fresh_flight_request = (u.want_flight is True or not u.want_hotel) and not return_only
    if (
        d.want_flight
        and "out" not in searched
        and (_flight_args(state) != turn.prior.get("flights") or fresh_flight_request)
    ):
        calls.append(Call("search_flights", _flight_args(state)))
    need_return = d.want_flight and d.ret is not None and not d.one_way and d.round_trip
    if (
        need_return
        and "ret" not in searched
        and (_return_args(state) != turn.prior.get("returns") or calls)
    ):
        calls.append(Call("search_flights", _return_args(state), tag="ret"))
    if (
        d.want_hotel
        and not turn.calls("search_hotels")
        and (
            _hotel_args(state) != turn.prior.get("hotels")
            or u.want_hotel
            or (calls and not return_only and turn.prior.get("hotels") is None)
        )
    ):
        calls.append(Call("search_hotels", _hotel_args(state)))
    if calls:
        return calls
    return _present_search(state, turn, ctx)


def _same_metro(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    pa, pb = lookup_place(a), lookup_place(b)
    return pa is not None and pb is not None and pa.city == pb.city


def _present_search(state: State, turn: Turn, ctx: Context) -> Reply:
    blocks: list[str] = []
    problems: list[str] = []
    searches = turn.calls("search_flights") + turn.calls("search_hotels")
    if not searches:
        # Nothing new to search: show what is on the table again.
        searches = []
    shown_lists: list[tuple[str, list[dict[str, Any]]]] = []
    for step in searches:
        if step.error:
            problems.append(render.error_text(step.error))
            continue
        if step.output is None:
            continue
        if step.name == "search_hotels":
            blocks.append(render.hotels_block(step.output))
            shown_lists.append(("hotel", step.output.get("options") or []))
        else:
            is_return = step.id.endswith("_ret")
            blocks.append(
                render.flights_block(step.output, "Return flights" if is_return else "Flights")
            )
            shown_lists.append(
                ("return" if is_return else "flight", step.output.get("options") or [])
            )
    if not searches:
        for kind, out in (
            ("flight", state.flights),
            ("return", state.returns),
            ("hotel", state.hotels),
        ):
            if out is None:
                continue
            if kind == "hotel":
                blocks.append(render.hotels_block(out))
            else:
                blocks.append(
                    render.flights_block(out, "Return flights" if kind == "return" else "Flights")
                )
            shown_lists.append((kind, out.get("options") or []))
    text = "\n\n".join(blocks)
    if problems:
        text = (
            (text + "\n\n" if text else "") + "I couldn't search everything: " + " ".join(problems)
        )
    non_empty = [(k, opts) for k, opts in shown_lists if opts]
    if not non_empty:
        return Reply(text + "\n\nWould you like to try another date, time or cabin?")
    statuses = [str((o.get("policy") or {}).get("status")) for _, opts in non_empty for o in opts]
    closing = _closing(non_empty)
    notes = []
    d = state.draft
    if d.want_flight and d.want_hotel and d.ret and not d.round_trip and not d.one_way:
        notes.append(
            f'Need a flight back on {spoken_day(d.ret)} too? Just say "add the return flight".'
        )
    if d.price_cap is not None:
        notes.extend(_cap_notes(d.price_cap, non_empty))
    if "red" in statuses:
        notes.append("Options marked 🔴 can't be booked under company policy.")
    if "amber" in statuses:
        manager = ctx.profile.get("manager")
        notes.append(
            f"Options marked 🟠 can be booked but need approval{f' from {manager}' if manager else ''} first."
        )
    offer = None
    if all(len(opts) == 1 for _, opts in non_empty):
        offer = Offer("select", {"single": True})
    return Reply("\n\n".join(p for p in [text, " ".join(notes), closing] if p), offer)


_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def _cap_notes(cap: PriceCap, lists: list[tuple[str, list[dict[str, Any]]]]) -> list[str]:
    """Which options fit the user's price cap ("under 200 a night", "max $300").

    The lists stay whole and numbered as the tools returned them, so "option 3"
    still means what the user sees; the note says which ones fit.
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
        noun = {"hotel": "hotels", "return": "return flights"}.get(kind, "flights")
        fits = [n for n, p in priced if _amount(p) <= amount]
        if not fits:
            cheapest = min(_amount(p) for _, p in priced)
            notes.append(
                f"None of these {noun} is within your {label} budget "
                f"(the cheapest is {render.money({'amount': f'{cheapest:.2f}', 'currency': currency})})."
            )
        elif len(fits) < len(priced):
            listed = ", ".join(str(n) for n in fits)
            notes.append(f"Within your {label} budget: {noun} {listed}; the others are over it.")
        else:
            notes.append(f"All of these {noun} are within your {label} budget.")
    return notes


def _closing(lists: list[tuple[str, list[dict[str, Any]]]]) -> str:
    kinds = [k for k, _ in lists]
    if kinds == ["hotel"]:
        return "Which hotel would you like me to book?"
    if "hotel" in kinds and "return" in kinds:
        return 'Which ones shall I book? Say e.g. "flight 1, return 2 and hotel 1".'
    if "hotel" in kinds:
        return 'Which flight and hotel shall I book? Say e.g. "flight 1 and hotel 2".'
    if "return" in kinds:
        return 'Which outbound and return flights shall I book? Say e.g. "1 and return 2".'
    return "Which option would you like to book?"


# ---- choosing an option and booking -------------------------------------------------------


def _name_refs(state: State, u: Understanding) -> list[OptionRef]:
    """Options named by carrier or hotel name ("the Hilton", "BA") without "the X one"."""
    refs: list[OptionRef] = []
    words = re.findall(r"[A-Za-z][A-Za-z&'-]+|\b[A-Z0-9]{2}\b", u.text)
    lowered = {w.lower() for w in words if len(w) >= 2}
    stop = {
        "the",
        "one",
        "book",
        "please",
        "and",
        "hotel",
        "flight",
        "option",
        "take",
        "with",
        "for",
        "me",
        "it",
        "a",
        "an",
        "in",
        "of",
        "to",
        "on",
        "at",
        "i",
        "ll",
        "want",
        "yes",
        "that",
        "this",
        "grand",
        "city",
        "airport",
        "airlines",
        "air",
        "international",
    }
    for kind in ("flights", "returns", "hotels"):
        shown = state.shown.get(kind)
        if shown is None:
            continue
        for option in shown.items:
            names = _option_names(option)
            if names & (lowered - stop):
                refs.append(
                    OptionRef(
                        carrier=next(iter(sorted(names & (lowered - stop)))),
                        kind=kind.rstrip("s") if kind != "returns" else "return",
                    )
                )
                break
    return refs


def _option_names(option: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for flight in option.get("flights") or []:
        code = str(flight).split()[0]
        names.add(code.lower())
        names.add(str(flight).lower().replace(" ", ""))
    for part in re.split(
        r"[\s/]+", str(option.get("carrier") or "") + " " + str(option.get("name") or "")
    ):
        if len(part) >= 3:
            names.add(part.lower().strip(",."))
    return names


def _minutes(clock: str) -> int:
    m = re.match(r"(\d\d):(\d\d)", clock or "")
    return int(m.group(1)) * 60 + int(m.group(2)) if m else 10**6


def _duration_minutes(text: Any) -> int:
    m = re.match(r"(\d+)h(\d+)", str(text or ""))
    return int(m.group(1)) * 60 + int(m.group(2)) if m else 10**6


def _amount(value: Any) -> float:
    try:
        return float((value or {}).get("amount") or "inf")
    except (TypeError, ValueError, AttributeError):
        return math.inf


def _pick(items: list[dict[str, Any]], ref: OptionRef) -> dict[str, Any] | str | None:
    """The option a reference points at, None if nothing fits, or an error text."""
    if not items:
        return None
    if ref.index is not None:
        index = len(items) if ref.index == -1 else ref.index
        if 1 <= index <= len(items):
            return items[index - 1]
        return f"There {'is only one option' if len(items) == 1 else f'are only {len(items)} options'} — which one would you like?"
    if ref.clock:
        for item in items:
            if render.clock(item.get("depart")) == ref.clock:
                return item
        # "the 1pm one" for a 13:05 departure: the nearest within three quarters of an hour.
        wanted = _minutes(ref.clock)
        near = sorted(
            (abs(_minutes(render.clock(i.get("depart"))) - wanted), n) for n, i in enumerate(items)
        )
        return items[near[0][1]] if near and near[0][0] <= 45 else None
    if ref.best:
        if ref.best == "cheapest":
            return min(items, key=lambda o: _amount(o.get("total") or o.get("price")))
        if ref.best == "fastest":
            return min(items, key=lambda o: _duration_minutes(o.get("duration")))
        if ref.best == "earliest":
            return min(items, key=lambda o: str(o.get("depart", "")))
        if ref.best == "latest":
            return max(items, key=lambda o: str(o.get("depart", "")))
        if ref.best == "direct":
            return next((o for o in items if not o.get("stops")), None)
        if ref.best == "green":
            return next(
                (o for o in items if (o.get("policy") or {}).get("status") == "green"), None
            )
    if ref.carrier:
        word = ref.carrier.lower()
        for item in items:
            names = _option_names(item)
            blob = json.dumps({k: item.get(k) for k in ("flights", "carrier", "name")}).lower()
            if word in names or word.replace(" ", "") in names or (len(word) >= 4 and word in blob):
                return item
    return None


_KIND_LIST = {"flight": "flights", "return": "returns", "hotel": "hotels"}


def _select(
    state: State, turn: Turn, ctx: Context, u: Understanding, extra: dict[str, Any] | None = None
) -> Decision:
    rebooking = turn.last("rebook")
    if rebooking is not None:
        return _rebook_flow(state, turn, ctx, rebooking.args)
    refs = list(u.options)
    named = {r.kind for r in refs}
    refs += [r for r in _name_refs(state, u) if r.kind not in named]
    last = state.last_shown
    if last in {"suggestions", "changes"} and state.shown.get(last):
        return _select_rebook(state, turn, ctx, u, refs, state.shown[last])
    if (
        last == "trips"
        and state.trips
        and refs
        and not any(k in state.shown for k in ("flights", "hotels"))
    ):
        return _select_trip(state, turn, ctx, u, refs)
    if last == "approvals" and state.approvals and refs:
        if u.decision is None:
            # Never guess between approve and reject.
            return Reply(
                'Do you want to approve or reject it? (e.g. "approve 1" or "reject 2, too expensive")'
            )
        return _decide(state, turn, ctx, u)
    chosen: dict[str, dict[str, Any]] = {}
    if state.offer is not None and state.offer.kind == "select":
        chosen.update({k: v for k, v in state.offer.args.items() if isinstance(v, dict)})
    if extra:
        chosen.update(extra)
    available = [
        k
        for k in ("flight", "return", "hotel")
        if state.shown.get(_KIND_LIST[k]) and state.shown[_KIND_LIST[k]].items
    ]
    if not available:
        if u.has_trip_details or u.intent == Intent.SEARCH:
            return _search(state, turn, ctx, u)
        return Reply(
            "I haven't shown you any options yet. Where and when would you like to travel?"
        )
    for ref in refs:
        kinds = [ref.kind] if ref.kind in available else []
        if not kinds:
            # No list named: the outbound flights first, else whatever was shown.
            kinds = [
                k for k in ("flight", "hotel", "return") if k in available and k not in chosen
            ] or available
        picked: dict[str, Any] | str | None = None
        for kind in kinds:
            picked = _pick(state.shown[_KIND_LIST[kind]].items, ref)
            if isinstance(picked, str):
                return Reply(picked)
            if picked is not None:
                chosen[kind] = picked
                break
    if not chosen:
        if (
            state.offer is not None
            and state.offer.kind == "select"
            and state.offer.args.get("single")
        ):
            for kind in available:
                chosen[kind] = state.shown[_KIND_LIST[kind]].items[0]
        else:
            n = len(state.shown[_KIND_LIST[available[0]]].items)
            return Reply(
                f'Which option would you like? Tell me a number from 1 to {n}, or e.g. "the cheapest".'
            )
    d = state.draft
    missing = []
    if "return" in available and ("flight" in chosen) and "return" not in chosen and not d.one_way:
        missing.append("return")
    if (
        "hotel" in available
        and ("flight" in chosen or "return" in chosen)
        and "hotel" not in chosen
        and d.want_hotel
        and not u.no_hotel
    ):
        missing.append("hotel")
    if missing:
        what = " and ".join("return flight" if m == "return" else "hotel" for m in missing)
        picked_text = ", ".join(_choice_label(k, v) for k, v in chosen.items())
        return Reply(
            f"Got it: {picked_text}. Which {what} would you like"
            + (' (or say "no hotel")' if "hotel" in missing else "")
            + "?",
            Offer("select", dict(chosen)),
        )
    red = [(k, v) for k, v in chosen.items() if (v.get("policy") or {}).get("status") == "red"]
    items = _items(state, chosen)
    if red and not u.insist:
        reasons = (
            "; ".join(
                str(r) for _, v in red for r in (v.get("policy") or {}).get("violations") or []
            )
            or "company policy"
        )
        kind = red[0][0]
        greens = [
            str(o.get("option"))
            for o in state.shown[_KIND_LIST[kind]].items
            if (o.get("policy") or {}).get("status") == "green"
        ]
        instead = (
            f" Option{'s' if len(greens) > 1 else ''} {', '.join(greens)} {'are' if len(greens) > 1 else 'is'} within policy."
            if greens
            else ""
        )
        return Reply(
            f"{_choice_label(*red[0])} is not allowed under company policy ({reasons}), so the booking "
            f'would be refused.{instead} Pick another option, or say "yes" and I\'ll submit it anyway '
            "for the company's check.",
            Offer("reserve", {"items": items, "chosen": chosen}),
        )
    return _book(state, turn, ctx, u, items, chosen)


def _choice_label(kind: str, option: dict[str, Any]) -> str:
    if kind == "hotel":
        return f"{option.get('name')}"
    flights = " + ".join(option.get("flights") or [])
    return (
        f"{'return ' if kind == 'return' else ''}{flights} at {render.clock(option.get('depart'))}"
    )


def _items(state: State, chosen: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for kind in ("flight", "return", "hotel"):
        option = chosen.get(kind)
        if option is None:
            continue
        if kind == "hotel":
            quantity = int(option.get("rooms") or 1)
        else:
            out = state.returns if kind == "return" else state.flights
            quantity = int((out or {}).get("passengers") or state.draft.passengers or 1)
        items.append({"offer_id": option["offer_id"], "quantity": quantity})
    return items


def _traveler_for(state: State, turn: Turn, name: str) -> str | Call | Reply:
    if state.profile is None:
        if turn.last("get_traveler_profile") is None:
            return Call("get_traveler_profile", {})
        return Reply(f"I couldn't check whether you can book for {name}.")
    people = state.profile.get("can_book_for") or []
    for person in people:
        if (
            str(person.get("name", "")).lower().split()[:1] == [name.lower()]
            or str(person.get("name", "")).lower() == name.lower()
        ):
            return str(person["user_id"])
    if str(state.profile.get("name", "")).lower().split()[:1] == [name.lower()]:
        return ""
    allowed = ", ".join(str(p.get("name")) for p in people) or "only yourself"
    return Reply(f"I can't book for {name}: you can book for {allowed}.")


def _book(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    items: list[dict[str, Any]],
    chosen: dict[str, Any],
) -> Decision:
    reserve = turn.last("reserve")
    if reserve is None:
        args: dict[str, Any] = {"items": items}
        if u.book_for:
            who = _traveler_for(state, turn, u.book_for)
            if isinstance(who, Call):
                return [who]
            if isinstance(who, Reply):
                return who
            if who:
                args["traveler_id"] = who
        return [Call("reserve", args)]
    if reserve.error:
        return Reply(_booking_error(reserve.error, chosen, ctx), _after_error_offer(reserve.error))
    if reserve.output is None:
        return Reply("The hold didn't go through. Shall I try again?")
    booking_id = str(reserve.output.get("booking_id"))
    return _confirm_flow(state, turn, ctx, booking_id, reserve.output)


def _confirm_flow(
    state: State, turn: Turn, ctx: Context, booking_id: str, held: dict[str, Any] | None
) -> Decision:
    confirm = turn.last("confirm_booking")
    if confirm is None:
        return [Call("confirm_booking", {"booking_id": booking_id})]
    booking = state.bookings.get(booking_id) or held or {}
    if confirm.declined:
        return Reply(
            f"OK, I haven't booked it. {booking_id} stays on hold until {render.hold_time(booking.get('hold_expires_at'))}, "
            "then it is released automatically. Want me to release the hold now instead?",
            Offer("cancel", {"booking_id": booking_id}),
        )
    if confirm.error:
        return Reply(_booking_error(confirm.error, {}, ctx), _after_error_offer(confirm.error))
    return Reply(_confirmed_text(confirm.output or {}, ctx))


def _confirmed_text(b: dict[str, Any], ctx: Context) -> str:
    status = str(b.get("status"))
    ref = b.get("booking_id")
    lines = render.booking_summary(b)
    total = render.money(b.get("total"))
    if status == "confirmed":
        head = f"✅ Booked! Your booking reference is **{ref}** — confirmed, {total} charged to the company card."
    elif status == "pending_approval":
        policy = b.get("policy") or {}
        roles = policy.get("approvals_required") or []
        manager = ctx.profile.get("manager")
        who = (
            manager
            if manager and (not roles or roles[0] in {"manager", "traveller's manager"})
            else None
        )
        whom = who or (", ".join(str(r) for r in roles) if roles else "your approver")
        reasons = "; ".join(policy.get("violations") or [])
        why = f" ({reasons})" if reasons else ""
        head = (
            f"📨 I've sent **{ref}** to {whom} for approval{why}. Nothing is paid yet; the seats/rooms stay held "
            f"until {render.hold_time(b.get('hold_expires_at'))}. Total {total}. I'll confirm it as soon as it's approved."
        )
    elif status in {"pending_confirmation", "confirming"}:
        head = f"⏳ **{ref}** is paid ({total}) and waiting for the airline/hotel to confirm; it will update shortly."
    else:
        head = f"**{ref}** is {render.status_text(status)}." + (
            f" {b.get('failure_reason')}" if b.get("failure_reason") else ""
        )
    return head + ("\n" + lines if lines else "")


def _booking_error(error: dict[str, Any], chosen: dict[str, Any], ctx: Context) -> str:
    code = str(error.get("code"))
    base = render.error_text(error)
    if code == "SOLD_OUT":
        return f"Sorry — {base} Shall I search again for the latest availability?"
    if code == "HOLD_EXPIRED":
        return f"Sorry — {base} Shall I search again so you can pick a fresh option?"
    if code == "POLICY_BLOCKED":
        return (
            f"I couldn't book that: {base} I can't override the travel policy, even on request. "
            "I can look for an option within policy instead — just say the word."
        )
    if code == "PAYMENT_DECLINED":
        return f"{base} Nothing was charged. Please check with finance, then ask me to try again."
    if code == "SUPPLIER_UNAVAILABLE":
        return f"{base} Nothing was charged. Try again in a few minutes?"
    return f"I couldn't complete that: {base}"


def _after_error_offer(error: dict[str, Any]) -> Offer | None:
    if str(error.get("code")) in {"SOLD_OUT", "HOLD_EXPIRED"}:
        return Offer("search", {})
    return None


# ---- yes / no ---------------------------------------------------------------------------


def _yes(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    offer = state.offer
    if offer is not None:
        if offer.kind == "reserve":
            insisting = Understanding(
                text=u.text, intent=Intent.SELECT, insist=True, book_for=u.book_for
            )
            return _book(
                state,
                turn,
                ctx,
                insisting,
                list(offer.args["items"]),
                dict(offer.args.get("chosen") or {}),
            )
        if offer.kind == "cancel":
            return _cancel_flow(state, turn, ctx, str(offer.args["booking_id"]))
        if offer.kind == "confirm":
            return _confirm_flow(state, turn, ctx, str(offer.args["booking_id"]), None)
        if offer.kind == "rebook":
            return _rebook_flow(state, turn, ctx, offer.args)
        if offer.kind == "search":
            return _search(
                state, turn, ctx, Understanding(text=u.text, intent=Intent.SEARCH, want_flight=None)
            )
        if offer.kind == "select":
            return _select(
                state,
                turn,
                ctx,
                Understanding(
                    text=u.text, intent=Intent.SELECT, book_for=u.book_for, insist=u.insist
                ),
            )
    current = state.bookings.get(state.current_booking or "")
    if current and current.get("status") == "held":
        return _confirm_flow(state, turn, ctx, str(current["booking_id"]), current)
    if any(state.shown.get(k) for k in ("flights", "hotels", "returns")):
        return _select(
            state,
            turn,
            ctx,
            Understanding(text=u.text, intent=Intent.SELECT, book_for=u.book_for, insist=u.insist),
        )
    return Reply(
        "Happy to help — what would you like me to do? For example, search a flight or show your trips."
    )


def _no(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    offer = state.offer
    if offer is not None and offer.kind == "cancel":
        booking = state.bookings.get(str(offer.args["booking_id"])) or {}
        return Reply(
            f"OK, I'll leave {offer.args['booking_id']} on hold until {render.hold_time(booking.get('hold_expires_at'))}. "
            'Just say "confirm it" if you change your mind.'
        )
    if offer is not None and offer.kind == "reserve":
        return Reply("OK, I won't book that. Would you like to pick another option?")
    return Reply("OK, no problem. Anything else I can help with?")


# ---- bookings: find, cancel, show, change, disruptions --------------------------------------


def _trip_matches(trip: dict[str, Any], u: Understanding, ctx: Context) -> bool:
    blob = json.dumps(trip, ensure_ascii=False).lower()
    for mention in u.places:
        if mention.place is None:
            continue
        codes = [a.lower() for a in mention.place.airports]
        if not (
            mention.place.city.lower() in blob or any(re.search(rf"\b{c}\b", blob) for c in codes)
        ):
            return False
    if u.dates.depart is not None:
        day = u.dates.depart
        if f"{day.day} {day:%b}".lower() not in blob and day.isoformat() not in blob:
            return False
    if u.person and u.person.lower() not in blob:
        return False
    squeezed = blob.replace(" ", "")
    for code in re.findall(r"\b([A-Z]{2}|[A-Z]\d|\d[A-Z])\s?(\d{1,4})\b", u.text):
        if "".join(code).lower() not in squeezed:
            return False
    return True


_IT = re.compile(
    r"\b(?:it|that|this|the hold|the booking|this booking|that booking|the reservation)\b"
)


def _find_booking(
    state: State, turn: Turn, ctx: Context, u: Understanding, purpose: str
) -> str | Reply | list[Call]:
    if u.booking_id:
        return u.booking_id
    index_refs = [r for r in u.options if r.index is not None]
    if index_refs and state.trips and state.last_shown == "trips":
        # "cancel the second one" right after the trips list.
        picked = _pick(state.trips, index_refs[0])
        if isinstance(picked, str):
            return Reply(picked)
        if picked is not None:
            return str(picked["booking_id"])
    hinted = bool(u.places or u.dates.depart or u.person)
    if not hinted and state.current_booking and (_IT.search(u.text.lower()) or state.trips is None):
        current = state.bookings.get(state.current_booking) or {}
        if current.get("status") not in INACTIVE:
            return state.current_booking
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    if listing.error:
        return Reply(f"I couldn't load your trips: {render.error_text(listing.error)}")
    trips = [t for t in (state.trips or []) if t.get("status") not in INACTIVE]
    matches = [t for t in trips if _trip_matches(t, u, ctx)]
    if len(matches) == 1:
        return str(matches[0]["booking_id"])
    where = ""
    if u.places and u.places[0].place is not None:
        where = f" to {u.places[0].place.city}"
    if not matches:
        if not trips:
            return Reply("You don't have any active trips right now.")
        return Reply(
            f"I couldn't find an active trip{where}. Your trips:\n"
            + _trip_lines(trips)
            + f"\n\nWhich one do you want to {purpose}?"
        )
    return Reply(
        f"You have {len(matches)} trips{where}:\n"
        + _trip_lines(matches)
        + f"\n\nWhich one do you want to {purpose}? (give me the booking reference)"
    )


def _trip_lines(trips: list[dict[str, Any]]) -> str:
    lines = []
    for i, t in enumerate(trips, start=1):
        expiry = (
            f", hold until {render.hold_time(t.get('hold_expires_at'))}"
            if t.get("status") == "held"
            else ""
        )
        lines.append(
            f"{i}. **{t.get('booking_id')}** — {t.get('summary')} · {render.money(t.get('total'))} · {render.status_text(t.get('status'))}{expiry}"
        )
    return "\n".join(lines)


def _cancel(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    if (
        state.current_booking is None
        and not (u.booking_id or u.places or u.dates.depart or u.person)
        and state.last_shown in {"flights", "returns", "hotels"}
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
    found = _find_booking(state, turn, ctx, u, "cancel")
    if not isinstance(found, str):
        return found
    return _cancel_flow(state, turn, ctx, found, reason=None)


def _cancel_flow(
    state: State, turn: Turn, ctx: Context, booking_id: str, reason: str | None = None
) -> Decision:
    step = turn.last("cancel_booking")
    if step is None:
        args: dict[str, Any] = {"booking_id": booking_id}
        if reason:
            args["reason"] = reason
        return [Call("cancel_booking", args)]
    if step.declined:
        return Reply(f"OK, I haven't cancelled {booking_id}; it stays as it is.")
    if step.error:
        return Reply(f"I couldn't cancel {booking_id}: {render.error_text(step.error)}")
    out = step.output or {}
    text = f"🗑 **{out.get('booking_id', booking_id)}** is {render.status_text(out.get('status', 'cancelled'))}."
    # Our own words from the numbers; the tool's message may be written for another case.
    text += _refund_text(out.get("refund"))
    return Reply(text)


def _refund_text(refund: Any) -> str:
    """``refund`` is ``{refunded, due, status}`` (tools.views.RefundOut) or plain money."""
    if not isinstance(refund, dict):
        return ""
    if isinstance(refund.get("due"), dict):
        due = refund["due"]
        if _amount(due) == 0:
            return " This fare is non-refundable, so there is no refund."
        state = (
            "already refunded"
            if refund.get("status") == "refunded"
            else "on its way back to the company card"
        )
        return f" Refund: {render.money(due)} ({state})."
    if refund.get("amount") is not None:
        return f" Refund: {render.money(refund)}."
    return ""


def _trips(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("list_trips")
    if step is None:
        return [Call("list_trips", {"limit": 10})]
    if step.error:
        return Reply(f"I couldn't load your trips: {render.error_text(step.error)}")
    trips = (step.output or {}).get("trips") or []
    if not trips:
        return Reply("You have no trips yet. Where would you like to go?")
    more = (
        "\n\n(There are older bookings too — ask me for a booking reference to see it.)"
        if (step.output or {}).get("more")
        else ""
    )
    return Reply(
        "Your trips:\n"
        + _trip_lines(trips)
        + more
        + "\n\nWant details on one, or to change or cancel it?"
    )


def _select_trip(
    state: State, turn: Turn, ctx: Context, u: Understanding, refs: list[OptionRef]
) -> Decision:
    trips = state.trips or []
    picked = _pick(trips, refs[0]) if refs else None
    if isinstance(picked, str):
        return Reply(picked)
    if picked is None:
        return Reply("Which trip? Give me its number or booking reference.")
    return _show_booking(state, turn, ctx, str(picked["booking_id"]))


def _confirm(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    booking_id = u.booking_id or state.current_booking
    if not booking_id:
        return Reply("Which booking should I confirm? Give me its reference (BK-…).")
    return _confirm_flow(state, turn, ctx, booking_id, state.bookings.get(booking_id))


def _booking(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    return _show_booking(state, turn, ctx, str(u.booking_id))


def _show_booking(state: State, turn: Turn, ctx: Context, booking_id: str) -> Decision:
    step = turn.last("get_booking")
    if step is None:
        return [Call("get_booking", {"booking_id": booking_id})]
    if step.error:
        return Reply(f"I couldn't find {booking_id}: {render.error_text(step.error)}")
    b = step.output or {}
    text = f"**{b.get('booking_id')}** for {b.get('traveler', 'you')} — {render.status_text(b.get('status'))}, total {render.money(b.get('total'))}.\n"
    text += render.booking_summary(b)
    if b.get("status") == "held":
        text += f"\n\nIt's on hold until {render.hold_time(b.get('hold_expires_at'))}. Shall I confirm it?"
        return Reply(text, Offer("confirm", {"booking_id": b.get("booking_id")}))
    if b.get("suggestions"):
        return Reply(text + "\n\n" + _suggestions_text(b))
    return Reply(text)


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
        value = _amount(diff)
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


def _suggestions_text(b: dict[str, Any]) -> str:
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
        if outputs:
            refs = ", ".join(str(b.get("booking_id")) for b in outputs)
            return Reply(
                f"I checked {refs}: all flights are on schedule, nothing needs rebooking. If the airline told you otherwise, give me the booking reference and I'll look again."
            )
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
    return Reply(head + "\n\n" + _suggestions_text(b), offer)


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
    matches = [t for t in trips if _trip_matches(t, u, ctx)] or trips
    flagged = [t for t in matches if re.search(r"cancel|delay|disrupt", json.dumps(t).lower())]
    picks = (flagged or matches)[:3]
    if not picks:
        return Reply("I can't find an active trip to check. What's the booking reference?")
    return [Call("get_booking", {"booking_id": str(t["booking_id"])}) for t in picks]


def _select_rebook(
    state: State, turn: Turn, ctx: Context, u: Understanding, refs: list[OptionRef], shown: Shown
) -> Decision:
    picked = (
        _pick(shown.items, refs[0]) if refs else (shown.items[0] if len(shown.items) == 1 else None)
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
    return _rebook_flow(state, turn, ctx, args)


def _rebook_flow(state: State, turn: Turn, ctx: Context, args: dict[str, Any]) -> Decision:
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
        if isinstance(value, dict) and _amount(value) not in (0.0, math.inf):
            money.append(f"{label} {render.money(value)}")
    cost = f" ({', '.join(money)})" if money else " (no extra cost)"
    if status == "pending_approval":
        manager = ctx.profile.get("manager")
        text = (
            f"📨 The change to **{booking_id}**{cost} needs approval"
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
    return Reply(text)


def _change(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    looked = turn.last("get_booking")
    if looked is None:
        hint = Understanding(
            text=u.text, intent=u.intent, places=u.places, booking_id=u.booking_id, person=u.person
        )
        found = _find_booking(state, turn, ctx, hint, "change")
        if not isinstance(found, str):
            return found
        return [Call("get_booking", {"booking_id": found})]
    if looked.error or not looked.output:
        return Reply(f"I couldn't load that booking: {render.error_text(looked.error or {})}")
    b = looked.output
    flights = [s for s in b.get("segments") or [] if s.get("kind") == "flight"]
    if not flights:
        return Reply(
            f"{b.get('booking_id')} has no flight to change. For a hotel change I'd cancel and rebook it — shall I search new hotel dates?"
        )
    seg = (
        flights[-1]
        if re.search(r"\breturn|\bback\b", u.text.lower()) and len(flights) > 1
        else flights[0]
    )
    new_day = u.dates.depart
    if new_day is None and u.shift_days:
        old = render.day_of(seg.get("depart"))
        new_day = old and old.fromordinal(old.toordinal() + u.shift_days)
    if new_day is None:
        return Reply(
            f"Which date would you like to move {seg.get('flight')} ({seg.get('origin')}→{seg.get('destination')}) to?"
        )
    search = [s for s in turn.calls("search_flights") if s.id.endswith("_chg")]
    if not search:
        args: dict[str, Any] = {
            "origin": seg.get("origin"),
            "destination": seg.get("destination"),
            "date": new_day.isoformat(),
            "cabin": seg.get("cabin") or "economy",
            "passengers": int(seg.get("passengers") or 1),
            "limit": 5,
        }
        if u.dates.depart_after:
            args["depart_after"] = u.dates.depart_after
        if u.dates.depart_before:
            args["depart_before"] = u.dates.depart_before
        return [Call("search_flights", args, tag="chg")]
    step = search[-1]
    if step.error:
        return Reply(f"I couldn't search new flights: {render.error_text(step.error)}")
    out = step.output or {}
    options = out.get("options") or []
    state.shown["changes"] = Shown(
        "changes", options, str(b.get("booking_id")), str(seg.get("segment_id"))
    )
    state.last_shown = "changes"
    if not options:
        return Reply(out.get("note") or f"No flights on {spoken_day(new_day)} — try another date?")
    return Reply(
        f"Options to move {seg.get('flight')} to {spoken_day(new_day)} ({b.get('booking_id')}):\n"
        + render.flights_block(out, "New flights").split("\n", 1)[1]
        + "\n\nWhich one should I switch you to? Any fare difference and change fee follow the fare rules."
    )


# ---- policy, profile, approvals ---------------------------------------------------------


def _policy(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("get_policy")
    if step is None:
        return [Call("get_policy", {"topic": u.topic or u.text})]
    if step.error or not step.output:
        return Reply(f"I couldn't read the travel policy: {render.error_text(step.error or {})}")
    return Reply(answer_policy(u, str(step.output.get("text") or ""), ctx))


def _flying_hours(origin: str | None, dest_city: str) -> float | None:
    if not origin:
        return None
    start = lookup_place(origin)
    end = METRO_BY_NAME.get(dest_city)
    if start is None or end is None:
        return None
    a, b = hubs()[start.airports[0]], hubs()[end.airports[0]]
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * 6371 * math.asin(math.sqrt(h))
    return km / 820 + 0.5  # cruise speed plus climb, descent and taxi


def answer_policy(u: Understanding, text: str, ctx: Context) -> str:
    low = u.text.lower()
    city = next((m.place.city for m in u.places if m.place is not None), None)
    caps = dict(re.findall(r"^\|\s*([^|]+?)\s*\|\s*([\d,.]+ [A-Z]{3})\s*\|$", text, re.M))
    if city and re.search(r"\bhotel|\bcap|\bnight|\broom|\bstay", low) and caps:
        cap = caps.get(city) or caps.get("Anywhere else")
        where = city if city in caps else f"{city} (the default cap)"
        return (
            f"The hotel cap in {where} is **{cap}** per room per night. A hotel above the cap isn't forbidden: "
            "it's flagged 🟠 amber and needs your manager's approval."
        )
    threshold = re.search(r"From (\d+(?:\.\d+)?) ?h of flying", text)
    if u.cabin == "first":
        return (
            "No — first class is 🔴 **not allowed** under the policy, whatever the flight length. Business class is allowed on long flights (see below).\n\n"
            + _section(text, "Flights")
        )
    if u.cabin in {"business", "premium"} and threshold:
        hours_needed = float(threshold.group(1))
        label = "business class" if u.cabin == "business" else "premium economy"
        said = re.search(r"(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:h\b|hours?|hrs?)", low)
        if said:
            hours_said = float(said.group(1))
            if hours_said >= hours_needed:
                return (
                    f"Yes — with {hours_said:g} h of flying, {label} is 🟢 within policy "
                    f"(allowed from {hours_needed:g} h)."
                )
            return (
                f"Not without approval — {label} is allowed from {hours_needed:g} h of flying; on a "
                f"{hours_said:g} h flight it's 🟠 amber: bookable, but your manager must approve it."
            )
        if city:
            hours = _flying_hours(str(ctx.profile.get("home_airport") or ""), city)
            home = ctx.profile.get("home_airport")
            if hours is not None:
                if hours >= hours_needed:
                    return (
                        f"Yes — {home} to {city} is roughly {hours:.0f} h of flying, and the policy allows {label} "
                        f"from {hours_needed:g} h, so it's 🟢 within policy. The exact verdict shows on each option when I search."
                    )
                return (
                    f"Not without approval — {home} to {city} is only about {hours:.0f} h of flying, and {label} is "
                    f"allowed from {hours_needed:g} h. Below that it's 🟠 amber: bookable, but your manager must approve it."
                )
        return (
            f"{label[:1].upper()}{label[1:]} is allowed on flights with at least {hours_needed:g} h of flying; on shorter "
            "flights it's 🟠 amber (needs your manager's approval).\n\n" + _section(text, "Flights")
        )
    for title, words in (
        ("Booking ahead", ("ahead", "advance", "last minute", "notice", "in advance")),
        ("Approvals", ("approv", "threshold", "manager", "vp", "over ")),
        (
            "Airlines and hotel chains",
            ("airline", "carrier", "blocked", "banned", "preferred", "chain", "vendor"),
        ),
        ("Hotels", ("hotel", "cap", "night", "room")),
        ("Flights", ("cabin", "class", "economy", "fly", "flight")),
    ):
        if any(w in low for w in words):
            section = _section(text, title)
            if section:
                return f"Here's what the travel policy says:\n\n{section}"
    return "Here's the travel policy:\n\n" + text.strip()


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1).strip() if match else ""


def _profile(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("get_traveler_profile")
    if step is None:
        return [Call("get_traveler_profile", {})]
    if step.error or not step.output:
        return Reply(f"I couldn't load your profile: {render.error_text(step.error or {})}")
    p = step.output
    lines = [
        f"**{p.get('name')}** — {p.get('title') or p.get('role')}"
        + (f", {p.get('department')}" if p.get("department") else "")
        + f" at {p.get('company')}"
    ]
    if p.get("home_airport"):
        lines.append(
            f"Home airport: {p.get('home_airport')}"
            + (f" ({p.get('home_city')})" if p.get("home_city") else "")
        )
    if p.get("manager"):
        lines.append(f"Manager (approves your trips when needed): {p['manager'].get('name')}")
    if p.get("can_book_for"):
        lines.append(
            "You can also book for: " + ", ".join(str(x.get("name")) for x in p["can_book_for"])
        )
    lines.append(f"Prices are in {p.get('currency')}.")
    return Reply("\n".join(lines))


def _approval_lines(items: list[dict[str, Any]]) -> str:
    lines = []
    for i, a in enumerate(items, start=1):
        who = a.get("traveler") or a.get("traveller") or a.get("requester") or ""
        summary = a.get("trip") or a.get("summary") or ""
        if a.get("hotels"):
            summary += " + " + ", ".join(str(h) for h in a["hotels"])
        if a.get("what") == "rebook":
            summary = "change: " + summary
        money = a.get("amount") or a.get("total")
        total = render.money(money) if money else ""
        reasons = (
            a.get("reasons")
            or a.get("violations")
            or (a.get("policy") or {}).get("violations")
            or []
        )
        why = f" · why: {'; '.join(str(r) for r in reasons)}" if reasons else ""
        lines.append(
            f"{i}. **{who}** — {summary} · {total}{why} ({a.get('approval_id')}, booking {a.get('booking_id')})"
        )
    return "\n".join(lines)


def _approvals(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("list_approvals")
    if step is None:
        return [Call("list_approvals", {"status": "pending"})]
    if step.error:
        return Reply(f"I couldn't load approvals: {render.error_text(step.error)}")
    items = (step.output or {}).get("approvals") or []
    if not items:
        return Reply("Nothing is waiting for your approval right now. 🎉")
    return Reply(
        f"{len(items)} request{'s' if len(items) != 1 else ''} waiting for your approval:\n"
        + _approval_lines(items)
        + '\n\nSay e.g. "approve 1" or "reject Ava\'s trip, too expensive".'
    )


def _approval_matches(a: dict[str, Any], u: Understanding) -> bool:
    blob = json.dumps(a, ensure_ascii=False).lower()
    if u.person and u.person.lower() not in blob:
        return False
    for mention in u.places:
        if mention.place is None:
            continue
        codes = [c.lower() for c in mention.place.airports]
        if mention.place.city.lower() not in blob and not any(
            re.search(rf"\b{c}\b", blob) for c in codes
        ):
            return False
    return True


_OWN_TRIP = re.compile(r"\b(my|mine|my own|our)\b", re.I)


def _asks_about_own_trip(text: str) -> bool:
    """Whether the speaker wants their own trip approved ("approve my Paris trip")."""
    return bool(_OWN_TRIP.search(text))


def _own_trip_approval_text(ctx: Context) -> str:
    # Nobody approves a trip they take (the core refuses it too); say who does.
    manager = ctx.profile.get("manager")
    who = manager if isinstance(manager, str) and manager else "your manager"
    if isinstance(manager, dict) and manager.get("name"):
        who = str(manager["name"])
    return (
        "You can't approve your own trip: travel approvals are decided by "
        f"{who}{' (your manager)' if who != 'your manager' else ''}. "
        "It stays pending until they decide, and I'll let you know the outcome."
    )


def _decide(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    decision = u.decision or "approve"
    decided = turn.last("decide_approval")
    if decided is not None:
        if decided.declined:
            return Reply("OK, I haven't recorded a decision.")
        if decided.error:
            return Reply(f"I couldn't record the decision: {render.error_text(decided.error)}")
        out = decided.output or {}
        approved = str(decided.args.get("decision", decision)).startswith("approv")
        verb = "Approved" if approved else "Rejected"
        whose = f"{out['traveler']}'s " if out.get("traveler") else ""
        text = f"{'✅' if approved else '❌'} {verb} {whose}request {out.get('approval_id', decided.args.get('approval_id'))}"
        if out.get("booking_id"):
            text += f" (booking {out['booking_id']})"
        text += "."
        if out.get("status") == "pending" and out.get("next_approver_role"):
            text += f" It now goes to the {out['next_approver_role']} for the next approval."
        elif out.get("booking_status"):
            text += f" The booking is now {render.status_text(out['booking_status'])}."
        if out.get("message"):
            text += f" {out['message']}"
        return Reply(text)
    listing = turn.last("list_approvals")
    approval_id = None
    m = re.search(r"\bAPR?-[A-Z0-9]{1,12}\b", u.text, re.I)
    if m:
        approval_id = m.group(0).upper()
    if approval_id is None:
        if listing is None:
            return [Call("list_approvals", {"status": "pending"})]
        if listing.error:
            return Reply(f"I couldn't load approvals: {render.error_text(listing.error)}")
        items = list(state.approvals or [])
        if not items:
            if _asks_about_own_trip(u.text):
                return Reply(_own_trip_approval_text(ctx))
            return Reply("There's nothing waiting for your approval right now.")
        chosen: dict[str, Any] | None = None
        index_refs = [r for r in u.options if r.index is not None]
        if index_refs:
            picked = _pick(items, index_refs[0])
            if isinstance(picked, str):
                return Reply(picked)
            chosen = picked
        else:
            matches = [a for a in items if _approval_matches(a, u)]
            if u.booking_id:
                matches = [a for a in items if str(a.get("booking_id", "")).upper() == u.booking_id]
            if len(matches) == 1:
                chosen = matches[0]
            elif not matches:
                return Reply(
                    "I couldn't find that request among the pending approvals:\n"
                    + _approval_lines(items)
                    + "\n\nWhich one do you mean?"
                )
            else:
                return Reply("Which request do you mean?\n" + _approval_lines(matches))
        if chosen is None:
            return Reply("Which request do you mean?\n" + _approval_lines(items))
        approval_id = str(chosen.get("approval_id"))
    note = u.note or ("Approved" if decision == "approve" else "Rejected") + " via the concierge"
    return [
        Call("decide_approval", {"approval_id": approval_id, "decision": decision, "note": note})
    ]


_HANDLERS = {
    Intent.GREET: _greet,
    Intent.THANKS: _thanks,
    Intent.HELP: _help,
    Intent.OUT_OF_SCOPE: _out_of_scope,
    Intent.UNKNOWN: _unknown,
    Intent.SEARCH: _search,
    Intent.SELECT: _select,
    Intent.YES: _yes,
    Intent.NO: _no,
    Intent.CANCEL: _cancel,
    Intent.TRIPS: _trips,
    Intent.BOOKING: _booking,
    Intent.CONFIRM: _confirm,
    Intent.DISRUPTION: _disruption,
    Intent.CHANGE: _change,
    Intent.POLICY: _policy,
    Intent.PROFILE: _profile,
    Intent.APPROVALS: _approvals,
    Intent.DECIDE: _decide,
}
