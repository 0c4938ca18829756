"""A question about the options on screen: "how long is option 2?", "does the 3rd one stop
anywhere?", "which one lands earliest?", "what's the difference between 1 and 2?", "do I
need approval for these?", "is the BA one refundable?".

Answered from the search's own output (``search_flights`` / ``search_hotels`` options:
times, duration, stops, price, the policy verdict), with no tool call: a question picks
nothing and searches nothing. An option the answer singles out ("which one lands
earliest?") is offered, so "book that one" or "yes" then takes it. A question that also
asks for something (a new date, a place, a booking verb) is left to the other flows.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from concierge.planner import render
from concierge.planner.flows.base import Context, Reply
from concierge.planner.flows.options import name_refs, pick
from concierge.planner.nlu import asks, conditions, datafiles, picks
from concierge.planner.nlu.intents import Intent, OptionRef, Understanding
from concierge.planner.state import Offer, State, Turn

# What a question about an option may read as on its own ("how long is option 2?" a pick,
# "is option 3 within policy?" a policy question, "which is quickest?" a search).
_MAY_BE = frozenset(
    {Intent.UNKNOWN, Intent.SELECT, Intent.POLICY, Intent.SEARCH, Intent.ASK_TRIP, Intent.PROFILE}
)

# The lists a question may be about, by the name their options go by in a pick.
_LISTS = {"flights": "flight", "returns": "return", "hotels": "hotel"}


def _one(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@cache
def _tables() -> tuple[
    dict[str, re.Pattern[str]], dict[str, re.Pattern[str]], re.Pattern[str], re.Pattern[str]
]:
    raw: dict[str, Any] = datafiles.load("option_questions")
    facts = {str(k): _one(v) for k, v in raw["facts"].items()}
    ranks = {str(k): _one([rf"\b(?:{w})\b" for w in v]) for k, v in raw["ranks"].items()}
    return facts, ranks, _one(raw["all_options"]), _one(raw["which"])


@cache
def _statuses() -> dict[str, re.Pattern[str]]:
    raw: dict[str, Any] = datafiles.load("option_questions")
    return {str(k): _one(v) for k, v in raw["statuses"].items()}


def asked_status(low: str) -> str | None:
    """The policy verdict a message asks about ("under the cap?" green), if one."""
    return _asked_status(low)


def _asked_status(low: str) -> str | None:
    """The policy verdict a question asks about ("over the cap?" amber, "red?" red)."""
    return next((s for s, pattern in _statuses().items() if pattern.search(low)), None)


def _books(low: str) -> bool:
    """The message asks for a booking: a booking verb outside what a policy question says
    of one ("which ones can't I book?", "am I allowed to book the BA one?" book nothing)."""
    policy = _tables()[0]["policy"]
    return bool(picks.tables().verbs.search(policy.sub(lambda m: " " * len(m.group(0)), low)))


def asked_facts(text: str) -> list[str]:
    """What the question asks of an option (duration, stops, arrive, ...), in table order."""
    low = asks.plain(text)
    return [name for name, pattern in _tables()[0].items() if pattern.search(low)]


def _rank(low: str) -> str | None:
    return next((name for name, pattern in _tables()[1].items() if pattern.search(low)), None)


def answer(state: State, turn: Turn, ctx: Context, u: Understanding) -> Reply | None:
    """The answer to a question about the options shown, or None when the message is no
    such question (a pick, a request, a new search, a question about something else)."""
    if turn.steps or state.last_shown not in _LISTS:
        return None
    # Options named by airline or hotel name ("how much is the Hilton for all three
    # nights?", "is the BA one refundable?"), besides those picks.read names.
    by_name = [n for n in name_refs(state, u) if not any(r.carrier for r in u.options)]
    if u.intent not in _MAY_BE and not (u.intent == Intent.CANCEL and by_name):
        # ("can I cancel the Novotel for free?" with nothing booked here asks of an
        # option shown, never cancels)
        return None
    if asks.fare_question(u.text):
        return None  # "how much of option 2 is taxes?": the fare's breakdown (flows.fares)
    lists = [
        (key, state.shown[key].items)
        for key in _LISTS
        if state.shown.get(key) is not None and state.shown[key].items
    ]
    if not lists:
        return None
    # whom the amber options wait on, as the searches resolved it for their traveller
    # (Mia asking of her report's options: not her own manager by rule, the tools' names)
    approvers = [
        str(n)
        for out in (state.flights, state.returns, state.hotels)
        for n in ((out or {}).get("approvers") or {}).values()
    ]
    if approvers:
        whom = " and ".join(dict.fromkeys(approvers))
        ctx = replace(ctx, profile={**ctx.profile, "approvers": whom})
    text = u.text
    low = asks.plain(text)
    if not (asks.is_question(text) or text.rstrip().endswith("?")):
        return None
    if conditions.read(text) is not None or _books(low):
        return None  # "... if so book it", "can you book option 2?": a request
    d = u.dates
    if (
        u.places
        or d.depart
        or d.ret
        or d.flexible
        or u.cabin
        or u.passengers
        or u.passenger_delta
        or u.time_shift
        # "those are mostly connections. what about a week later?": another day asked for
        or u.shift_days
        or d.return_days
        or u.other_option
        or u.more_options
        # ("is the holiday inn cancellable?": a hotel word in a shown hotel's name; "how
        # much is the cheapest hotel?": the kind of option named)
        or (u.want_hotel and not by_name and not any(r.kind == "hotel" for r in u.options))
        or u.booking_id
        or u.person
    ):
        return None  # "is there one on the 17th?", "any in business?": a search
    facts = asked_facts(text)
    rank = _rank(low)
    # "does the american nonstop get in before 10am?": a time asked of the one option
    # named, not a search narrowed
    definite = any(r.index is not None or r.carrier or r.clock for r in u.options) and not (
        _tables()[2].search(low)
    )
    if (d.depart_after or d.depart_before) and not (
        "difference" in facts or definite or any(r.index is not None for r in u.options)
    ):
        return None  # "any that leave after 5?": the search narrowed ("between 1 and 2" isn't)
    named = [r for r in u.options if r.index is not None or r.carrier or r.clock or r.window]
    named += [n for n in by_name if not any(r.kind in (None, n.kind) for r in named)]
    if rank and not named and _tables()[3].search(low):
        return _ranked(state, ctx, lists, rank, facts, low)
    if not facts:
        return None
    if rank and not by_name and not _tables()[2].search(low) and _by_measure(u.options):
        # "how much is the cheapest one?", "when does the fastest one land?": the option
        # the measure singles out, asked about — never picked
        return _best_asked(state, ctx, lists, rank, facts)
    if "difference" in facts and len(named) < 2:
        # "the difference between 1 and 2", "1 vs 3": the numbers compared
        numbers = [int(n) for n in _COMPARED.findall(low)]
        if len(numbers) >= 2:
            named = [OptionRef(index=n) for n in numbers[:2]]
    chosen = _named(state, lists, named)
    if chosen is None:
        return None
    if not chosen:
        status = _asked_status(low) if "policy" in facts else None
        # "which of these are over the cap?", "which hotels are red?": every option's verdict
        if not (_tables()[2].search(low) or (status and _tables()[3].search(low))):
            return None
        _, items = next(((k, i) for k, i in lists if k == state.last_shown), lists[0])
        return Reply(_about_all(items, facts, ctx, status, low))
    if "difference" in facts and len(chosen) >= 2:
        return Reply(_difference([o for _, o in chosen]))
    if len(facts) > 1 and "stops" in facts and any(r.direct for r in named):
        facts = [f for f in facts if f != "stops"]  # "the american nonstop": its name
    said = " ".join(_bounded(o, facts, d) + _about(o, facts, ctx) for _, o in chosen)
    far = _distance_unknown([o for _, o in chosen], facts, low)
    if far:
        said = f"{far} {said}"
    offer = Offer("select", {_LISTS[chosen[0][0]]: chosen[0][1]}) if len(chosen) == 1 else None
    return Reply(said, offer)


# Option numbers in a comparison: "between 1 and 2", "1 vs 3", "option 2 or option 4".
_COMPARED = re.compile(
    r"(?<![\d:.$£€])\b([1-9])\b(?![\d:.]|\s*(?:am|pm|h\b|hours?|nights?|stops?))"
)


def _named(
    state: State, lists: list[tuple[str, list[dict[str, Any]]]], refs: list[OptionRef]
) -> list[tuple[str, dict[str, Any]]] | None:
    """The options the question names, each with its list; None when a reference fits
    nothing shown (the other flows say so)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for ref in refs:
        keys = [k for k, _ in lists if _LISTS[k] == ref.kind] or [
            k for k, _ in sorted(lists, key=lambda kv: kv[0] != state.last_shown)
        ]
        hit = None
        for key in keys:
            got = pick(state.shown[key].items, ref)
            if isinstance(got, dict):
                hit = (key, got)
                break
        if hit is None:
            return None
        if hit not in found:
            found.append(hit)
    return found


def _number(option: dict[str, Any]) -> str:
    return f"Option {option.get('option')}"


def _label(option: dict[str, Any]) -> str:
    if option.get("name"):
        return f"{_number(option)} ({option.get('name')})"
    flights = " + ".join(option.get("flights") or [])
    return f"{_number(option)} ({flights}, {option.get('carrier')})"


def _next_day(option: dict[str, Any]) -> str:
    out, back = render.day_of(option.get("depart")), render.day_of(option.get("arrive"))
    if out and back and back > out:
        return " the next day" if (back - out).days == 1 else f" on {back:%a %d %b}"
    return ""


def _stops(option: dict[str, Any]) -> str:
    stops = int(option.get("stops") or 0)
    if not stops:
        return "nonstop"
    via = f", via {option['via']}" if option.get("via") else ""
    return f"{stops} stop{'s' if stops > 1 else ''}{via}"


def _policy(option: dict[str, Any], ctx: Context) -> str:
    verdict = option.get("policy") or {}
    why = "; ".join(verdict.get("violations") or [])
    status = verdict.get("status")
    if status == "green":
        return "is within policy, so no approval is needed"
    if status == "amber":
        manager = ctx.profile.get("manager")
        named = str(ctx.profile.get("approvers") or "")
        who = (
            named
            if named and named != manager
            else f"your manager{f' ({manager})' if manager else ''}"
        )
        return f"needs approval from {who} before it's confirmed" + (f" ({why})" if why else "")
    return "is not allowed under company policy" + (f" ({why})" if why else "")


def _fact(option: dict[str, Any], fact: str, ctx: Context) -> str | None:
    hotel = bool(option.get("name"))
    if fact == "duration" and not hotel:
        return f"takes {option.get('duration')} door to door ({_stops(option)})"
    if fact == "stops" and not hotel:
        if not option.get("stops"):
            return "is nonstop"
        return f"has {_stops(option)}"
    if fact == "arrive" and not hotel:
        return (
            f"lands at {option.get('destination')} at {render.clock(option.get('arrive'))}"
            + _next_day(option)
        )
    if fact == "depart" and not hotel:
        return f"leaves {option.get('origin')} at {render.clock(option.get('depart'))}"
    if fact == "price":
        if hotel:
            return (
                f"is {render.money(option.get('nightly'))} a night, "
                f"{render.money(option.get('total'))} in all"
            )
        return f"is {render.money(option.get('price'))} per person, taxes and fees included"
    if fact == "policy":
        return _policy(option, ctx)
    if fact == "airline" and not hotel:
        return f"is flown by {option.get('carrier')}"
    if fact == "seats_left" and option.get("seats_left") is not None:
        return f"has {option.get('seats_left')} seats left"
    if fact == "where" and hotel:
        city = str(option.get("city") or "")
        area = str(option.get("name")).partition(f" {city} ")[2] if city else ""
        return f"is in {area}, {city}" if area else f"is in {city}" if city else None
    if fact == "refundable" and option.get("refundable") is not None:
        return "is refundable" if option.get("refundable") else "is non-refundable"
    return None


def _about(option: dict[str, Any], facts: list[str], ctx: Context) -> str:
    said = [s for f in facts if f != "difference" and (s := _fact(option, f, ctx))]
    if not said:
        return _line(option) + "."
    return f"{_label(option)} " + ", and ".join(said) + "."


def _line(option: dict[str, Any]) -> str:
    if option.get("name"):
        return (
            f"{_label(option)}: {option.get('stars')}★, {render.money(option.get('nightly'))} a "
            f"night, {render.money(option.get('total'))} in all"
        )
    return (
        f"{_label(option)}: {option.get('origin')} {render.clock(option.get('depart'))} → "
        f"{option.get('destination')} {render.clock(option.get('arrive'))}{_next_day(option)}, "
        f"{_stops(option)}, {option.get('duration')}, {render.money(option.get('price'))}"
    )


def _difference(options: list[dict[str, Any]]) -> str:
    lines = [_line(o) for o in options]
    a, b = options[0], options[1]
    key = "nightly" if a.get("name") else "price"
    pa, pb = _amount(a.get(key)), _amount(b.get(key))
    notes = []
    if pa is not None and pb is not None and pa != pb:
        cheap, dear = (a, b) if pa < pb else (b, a)
        gap = abs(pa - pb)
        currency = str((a.get(key) or {}).get("currency") or "")
        notes.append(
            f"{_number(cheap)} is {gap:,.2f} {currency} cheaper"
            + (" a night" if key == "nightly" else "")
            + f" than {_number(dear).lower()}."
        )
    if not a.get("name") and bool(a.get("stops")) != bool(b.get("stops")):
        direct = a if not a.get("stops") else b
        notes.append(f"{_number(direct)} is the nonstop one.")
    return "\n".join(f"- {line}" for line in lines) + ("\n\n" + " ".join(notes) if notes else "")


def _amount(value: Any) -> float | None:
    if not isinstance(value, dict):
        return None
    try:
        return float(str(value.get("amount")))
    except ValueError:
        return None


def _bounded(option: dict[str, Any], facts: list[str], d: Any) -> str:
    """ "Yes — " / "No — " before the answer to a time asked against a limit ("does the
    american nonstop get in before 10am?", "does the BA one leave after 9pm?")."""
    if option.get("name"):
        return ""
    if "arrive" in facts:
        at, key = _arrive_key(option), "arrive"
        before = d.arrive_before or d.depart_before
        after = None if d.arrive_before else d.depart_after
    elif "depart" in facts:
        at, key = _depart_key(option), "depart"
        before, after = d.depart_before, d.depart_after
    else:
        return ""
    if not (before or after) or at == datetime.max.replace(tzinfo=UTC):
        return ""
    clock = render.clock(option.get(key))
    later_day = key == "arrive" and bool(_next_day(option))
    fits = (before is None or (not later_day and clock <= before)) and (
        after is None or later_day or clock >= after
    )
    return "Yes — " if fits else "No — "


# How a verdict's group is named when the question asks about it and none has it.
_NONE_OF = {
    "red": "is blocked by company policy",
    "amber": "goes over a policy limit or needs approval",
    "green": "is within policy",
}


def _numbers(group: list[dict[str, Any]]) -> str:
    """ "4 (Hyatt Regency London Kings Cross) and 5 (Sofitel London Canary Wharf)"."""
    named = [
        f"{o.get('option')} ({o.get('name') or ' + '.join(o.get('flights') or [])})" for o in group
    ]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def _about_all(
    items: list[dict[str, Any]],
    facts: list[str],
    ctx: Context,
    asked: str | None = None,
    asked_place: str = "",
) -> str:
    """A question about every option shown ("do I need approval for these?", "which of
    these are over the cap?": the group asked about first, each option named)."""
    if facts == ["policy"] or "policy" in facts:
        groups: dict[str, list[dict[str, Any]]] = {}
        for o in items:
            groups.setdefault(str((o.get("policy") or {}).get("status") or "green"), []).append(o)
        parts = []
        if asked and not groups.get(asked):
            parts.append(f"None of these {len(items)} options {_NONE_OF[asked]}.")
        order: tuple[str, ...] = ("green", "amber", "red")
        if asked in order:
            order = (asked, *(s for s in order if s != asked))
        for status in order:
            group = groups.get(status) or []
            if not group:
                continue
            whom = (
                f"All {len(group)} options"
                if len(group) == len(items) and len(group) > 1
                else f"Option {_numbers(group)}"
                if len(group) == 1
                else f"Options {_numbers(group)}"
            )
            verdict = _policy(group[0], ctx)
            if status != "green":
                # the reasons differ from option to option: said once for the group
                reasons = sorted(
                    {v for o in group for v in (o.get("policy") or {}).get("violations") or []}
                )
                verdict = _policy({"policy": {"status": status, "violations": reasons}}, ctx)
            verb = verdict if len(group) == 1 else _plural(verdict)
            parts.append(f"{whom} {verb}.")
        return " ".join(parts)
    listed = "\n".join(f"- {_about(o, facts, ctx)}" for o in items)
    unknown = _place_not_named(items, asked_place) if facts == ["where"] else None
    if unknown:
        # "which is closest to our Shoreditch office?": no distances are known — said so,
        # and where each one is, as its name gives it
        return (
            f"I don't have distances for these hotels, so I can't tell which is closest to "
            f"{unknown}. Here's where each one is:\n{listed}"
        )
    if facts == ["stops"] and items and not any(o.get("name") for o in items):
        # "any nonstop?", "are any of those direct?": the answer first, then each option.
        return f"{_nonstop_answer(items)}\n\n{listed}"
    return listed


def _place_not_named(items: list[dict[str, Any]], low: str) -> str | None:
    """The place a question measures the hotels shown from ("closest to our Shoreditch
    office": "Shoreditch"), when no hotel's name gives it; else None."""
    if not items or not all(o.get("name") for o in items):
        return None
    m = next((m for p in _near_place() if (m := p.search(low))), None)
    if m is None:
        return None
    place = m.group("place").strip()
    names = " ".join(str(o.get("name")).lower() for o in items)
    if not place or place in names:
        return None
    return place.title()


def _distance_unknown(options: list[dict[str, Any]], facts: list[str], low: str) -> str | None:
    """What the answer says first when a question measures a hotel named from a place its
    name doesn't give ("how far is the Marriott from the airport?"): no distances are known
    (the catalogue has none), so it says so, then where the hotel is."""
    if "where" not in facts:
        return None
    place = _place_not_named(options, low)
    if place is None:
        return None
    which, it = ("this hotel", "it is") if len(options) == 1 else ("these hotels", "they are")
    # "the airport", "the station": a common noun keeps its article; a name its capitals
    said = re.search(rf"\bthe {re.escape(place.lower())}\b", low)
    where = said.group(0) if said else place
    return f"I don't have distances for {which}, so I can't say how far {it} from {where}."


@cache
def _near_place() -> list[re.Pattern[str]]:
    """One pattern per way of asking (each names its own ``place`` group)."""
    raw: dict[str, Any] = datafiles.load("option_questions")
    return [re.compile(p) for p in raw["near_place"]]


def _nonstop_answer(items: list[dict[str, Any]]) -> str:
    """Which of the flights shown are nonstop, said before each option's stops."""
    direct = [o for o in items if not o.get("stops")]
    if not direct:
        return f"No, none of these {len(items)} options is nonstop:"
    if len(direct) == len(items):
        return f"Yes, all {len(items)} options are nonstop." if len(items) > 1 else "Yes."
    if len(direct) == 1:
        return f"Only {_label(direct[0])} is nonstop."
    numbers = ", ".join(str(o.get("option")) for o in direct[:-1])
    return f"Yes: options {numbers} and {direct[-1].get('option')} are nonstop."


def _plural(verdict: str) -> str:
    verdict = verdict.replace("before it's confirmed", "before they're confirmed")
    return re.sub(
        r"^(is|needs|has)\b",
        lambda m: {"is": "are", "needs": "need", "has": "have"}[m.group(1)],
        verdict,
    )


def _arrive_key(option: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(option.get("arrive")))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)


def _depart_key(option: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(option.get("depart")))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)


def _minutes(option: dict[str, Any]) -> int:
    m = re.match(r"(\d+)h(\d+)", str(option.get("duration") or ""))
    return int(m.group(1)) * 60 + int(m.group(2)) if m else 10**6


def _ranked(
    state: State,
    ctx: Context,
    lists: list[tuple[str, list[dict[str, Any]]]],
    rank: str,
    facts: list[str],
    low: str,
) -> Reply | None:
    """ "which one lands earliest?": the option best by the measure asked, offered."""
    key, items = next(((k, i) for k, i in lists if k == state.last_shown), lists[0])
    hotel = key == "hotels"
    rated = picks.stars_said(low) if hotel else None
    if rated is not None:
        # "what's the cheapest 4 star?": among the hotels of that rating
        items = [o for o in items if o.get("stars") == rated]
        if not items:
            return Reply(f"None of these hotels is {rated}-star.")
    measure: Any
    if rank in ("cheapest", "priciest") or (
        not hotel and "price" in facts and rank in ("earliest", "latest")
    ):
        if rank in ("earliest", "latest"):
            return None
        measure = lambda o: _amount(o.get("nightly" if hotel else "price")) or 0.0  # noqa: E731
        highest = rank == "priciest"
        fact = "price"
    elif hotel:
        return None
    elif rank in ("fastest", "longest"):
        measure, highest, fact = _minutes, rank == "longest", "duration"
    elif "arrive" in facts:
        measure, highest, fact = _arrive_key, rank == "latest", "arrive"
    elif "depart" in facts or rank in ("earliest", "latest"):
        # "what's the earliest one?" with nothing else asked: the one of those on screen
        # that leaves first, as "which one leaves earliest?" (the day is not searched
        # again: "book that" then takes the option named, from the list it was named in)
        measure, highest, fact = _depart_key, rank == "latest", "depart"
    else:
        return None
    bookable = [o for o in items if (o.get("policy") or {}).get("status") != "red"] or items
    best_value = (max if highest else min)(measure(o) for o in bookable)
    best = [o for o in bookable if measure(o) == best_value]
    said = " ".join(_about(o, [fact], ctx) for o in best)
    offer = Offer("select", {_LISTS[key]: best[0]}) if len(best) == 1 else None
    return Reply(said + (" Shall I book it?" if offer else ""), offer)


def _by_measure(refs: list[OptionRef]) -> bool:
    """The options the message names are named by a measure only ("the cheapest one",
    "the priciest one" — a superlative the pick reader may take for a name)."""
    return all(
        r.index is None and r.clock is None and (r.carrier is None or _rank(r.carrier.lower()))
        for r in refs
    )


# A measure's own order: (the fact it is read from, the highest wins).
_MEASURE_OF = {
    "cheapest": ("price", False),
    "priciest": ("price", True),
    "fastest": ("duration", False),
    "longest": ("duration", True),
    "earliest": ("depart", False),
    "latest": ("depart", True),
}


def _best_asked(
    state: State,
    ctx: Context,
    lists: list[tuple[str, list[dict[str, Any]]]],
    rank: str,
    facts: list[str],
) -> Reply | None:
    """The facts asked of the option a measure singles out ("how much is the cheapest
    one?": its price), offered; the cheapest one is a bookable one, as in a pick."""
    key, items = next(((k, i) for k, i in lists if k == state.last_shown), lists[0])
    fact, highest = _MEASURE_OF[rank]
    hotel = key == "hotels"
    if hotel and fact != "price":
        return None
    measure: Any = {
        "price": lambda o: _amount(o.get("nightly" if hotel else "price")) or 0.0,
        "duration": _minutes,
        "depart": _depart_key,
    }[fact]
    bookable = [o for o in items if (o.get("policy") or {}).get("status") != "red"] or items
    best = (max if highest else min)(bookable, key=measure)
    return Reply(_about(best, facts, ctx), Offer("select", {_LISTS[key]: best}))


def asks_of_named(text: str) -> bool:
    """The message asks something of an option ("is the 6am american ... within
    policy?", "how long is the BA one?"), and books nothing."""
    low = asks.plain(text)
    return bool(
        (asks.is_question(text) or text.rstrip().endswith("?"))
        and asked_facts(text)
        and conditions.read(text) is None
        and not _books(low)
    )


def about_option(state: State, ctx: Context, u: Understanding, ref: OptionRef) -> Reply | None:
    """The answer about the one option of the lists shown that ``ref`` names, offered."""
    lists = [(key, state.shown[key].items) for key in _LISTS if state.shown.get(key)]
    found = _named(state, [(k, i) for k, i in lists if i], [ref])
    if not found or len(found) != 1:
        return None
    key, option = found[0]
    facts = [f for f in asked_facts(u.text) if f != "difference"]
    if not facts:
        return None
    return Reply(_about(option, facts, ctx), Offer("select", {_LISTS[key]: option}))
