"""Options shown to the user: which one a reference ("option 2", "the cheapest", "the Hilton") points at."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from concierge.planner import render
from concierge.planner.answers.trip_answers import INACTIVE
from concierge.planner.nlu import picks
from concierge.planner.nlu.intents import OptionRef, Understanding
from concierge.planner.nlu.picks import flight_number
from concierge.planner.state import State
from core.catalogue.places import lookup_place
from tools.list_trips import TripOut

_REPLACED = re.compile(
    r"\b(?:instead of|rather than|in place of|other than)\b[^,.;:!?]*"
    # "American back, not JetBlue", "the 9pm — not the Delta one": a clause opening "not"
    r"|(?:^|[,;–—]|\s-\s|\bbut\b)\s*not\s+(?!(?:too|so|that|this|as|really|very)\b)(?:(?!\s-\s)[^,.;:!?–—])*",
    re.IGNORECASE,
)


def without_replaced(text: str) -> str:
    """``text`` without what it says is replaced ("the Hilton on Park Lane instead of the
    Holiday Inn": the Holiday Inn names no option wanted), blanked to the same length."""
    return _REPLACED.sub(lambda m: " " * len(m.group(0)), text)


def without_hotels(text: str, hotels: list[tuple[str, str]]) -> str:
    """``text`` without the words of these hotels' names ((name, city) pairs; the city,
    in every hotel's name there, left): the hotel one has booked, said beside another
    asked for its nights ("swap my Holiday Inn for the Hyatt"), names no option wanted.
    Blanked to the same length."""
    words: set[str] = set()
    for name, city in hotels:
        words |= set(_plain(name).split()) - set(_plain(city).split())
    words -= _STOP
    if not words:
        return text
    said = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    return said.sub(lambda m: " " * len(m.group(0)), text)


def name_refs(state: State, u: Understanding) -> list[OptionRef]:
    """Options named by carrier or hotel name ("the Hilton", "BA") without "the X one".
    A name said in a clause with a direction ("the 9:30pm delta back") is looked for in
    that list only."""
    refs: list[OptionRef] = []
    text = " ".join(u.text.replace("’", "'").split())  # the offsets of picks.plain
    text = without_replaced(text)
    direction_at = picks.directions(text)
    words = [
        (m.group(0).lower(), direction_at(m.start()))
        for m in re.finditer(r"[A-Za-z][A-Za-z&'-]+|\b[A-Z0-9]{2}\b", text)
        if len(m.group(0)) >= 2
    ]
    for kind in ("flights", "returns", "hotels"):
        shown = state.shown.get(kind)
        if shown is None:
            continue
        listed = _LIST_KIND[kind]
        lowered = {w for w, direction in words if direction in (None, listed)}
        stop = _stop_words(kind, text)
        for option in shown.items:
            names = _option_names(option)
            if names & (lowered - stop):
                refs.append(
                    OptionRef(
                        carrier=next(iter(sorted(names & (lowered - stop)))),
                        kind=listed,
                    )
                )
                break
    return refs


def names_of_named(state: State, refs: list[OptionRef]) -> set[str]:
    """Every word of the names of the shown options ``refs`` name by a word of theirs."""
    names: set[str] = set()
    for ref in refs:
        shown = state.shown.get(next((k for k, v in _LIST_KIND.items() if v == ref.kind), ""))
        for option in shown.items if shown is not None and ref.carrier else []:
            found = _option_names(option)
            if str(ref.carrier).lower() in found:
                names |= found
    return names


_STOP = {
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


_LIST_KIND = {"flights": "flight", "returns": "return", "hotels": "hotel"}


def _plain(text: str) -> str:
    """Lower case, apostrophes dropped, hyphens and slashes as spaces: "King's Cross",
    "kings cross" and "Saint-Germain" / "saint germain" compare alike."""
    low = re.sub(r"['’`]", "", text.lower())
    return " ".join(re.sub(r"[-/,.]", " ", low).split())


plain_name = _plain  # as the dialogue compares a place said with a hotel's name


# A brand's first word stands for it ("a Hyatt", "the Radisson"), unless it is an everyday
# word ("over the holidays").
_NOT_A_BRAND_WORD = frozenset({"holiday"})


def asked_hotels(text: str, options: list[dict[str, Any]]) -> dict[int, str]:
    """The listed hotels the request named by brand or area ("a Marriott near the
    Magnificent Mile", "somewhere in Canary Wharf"): option number → the words that named
    it, as the hotel's name spells them. A hotel's name is its brand, its city and its area
    ("Marriott Chicago Magnificent Mile")."""
    low = f" {_plain(text)} "
    found: dict[int, str] = {}
    for option in options:
        name, city = str(option.get("name") or ""), str(option.get("city") or "")
        brand, sep, area = name.partition(f" {city}")
        if not sep or not isinstance(option.get("option"), int):
            continue
        words = [area.strip(), brand.strip()]
        first = brand.split()[0] if brand.split() else ""
        if len(brand.split()) > 1 and len(first) >= 5 and first.lower() not in _NOT_A_BRAND_WORD:
            words.append(first)
        said = [w for w in words if w and f" {_plain(w)} " in low]
        if said:
            # the brand first, its first word only when the whole brand wasn't said
            said = [w for w in said if not any(w != o and w in o for o in said)]
            found[int(option["option"])] = ", ".join(reversed(said))
    return found


def names_said(state: State, text: str) -> list[OptionRef]:
    """The options of each list shown that ``text`` names by airline, flight number or
    hotel name wherever it says it (a request said before the list existed has no
    clauses of its own for it): one reference per list, by the word that names it. A
    word in every option of a list (the city in each hotel's name) names none."""
    said = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z&'-]+|\b[A-Z0-9]{2}\b", text)}
    refs: list[OptionRef] = []
    for kind, listed in _LIST_KIND.items():
        shown = state.shown.get(kind)
        if shown is None or not shown.items:
            continue
        words = said - _stop_words(kind, text)
        every = set.intersection(*(_option_names(o) for o in shown.items))
        common = every if len(shown.items) > 1 else set()
        for option in shown.items:
            hit = sorted((_option_names(option) - common) & words)
            if hit:
                refs.append(OptionRef(carrier=hit[0], kind=listed))
                break
    return refs


def _stop_words(kind: str, text: str = "") -> set[str]:
    """The words that name no option of the list ``kind``: "airport" names a hotel at one
    ("the one by the airport"), never a flight, nor a hotel measured from the airport
    ("how far is the Marriott from the airport?")."""
    if kind != "hotels" or _FROM_THE_AIRPORT.search(text):
        return _STOP
    return _STOP - {"airport"}


# The airport as where a distance or a ride is measured from or to.
_FROM_THE_AIRPORT = re.compile(
    r"\bfrom\s+(?:the\s+|\w+\s+)?airport\b"
    r"|\b(?:far|distance|drive|ride|taxi|transfer)\b[^.?!]*\bto\s+(?:the\s+)?airport\b",
    re.IGNORECASE,
)


def _at_airport(option: dict[str, Any]) -> bool:
    return _area_at_airport(str(option.get("name") or ""), str(option.get("city") or ""))


@lru_cache(maxsize=1024)
def _area_at_airport(name: str, city: str) -> bool:
    """The hotel's area (its name after the city: "citizenM Chicago O'Hare") is an airport
    of its city, by the place it names ("O'Hare", "LAX", "Schiphol") or by the word."""
    area = name.partition(f" {city} ")[2].strip() if city else ""
    if not area:
        return False
    if "airport" in area.lower().split():
        return True
    place = lookup_place(area, fuzzy=False)
    return place is not None and place.city == city and _plain(area) != _plain(city)


def option_names(option: dict[str, Any]) -> set[str]:
    """The words that name a shown option: its airlines, flight numbers, hotel name's words."""
    return _option_names(option)


def _option_names(option: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    if option.get("name") and _at_airport(option):
        names.add("airport")
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


def amount_of(value: Any) -> float:
    try:
        return float((value or {}).get("amount") or "inf")
    except (TypeError, ValueError, AttributeError):
        return math.inf


def _status(option: dict[str, Any]) -> str:
    return str((option.get("policy") or {}).get("status") or "green")


def price_of(option: dict[str, Any]) -> float:
    """An option's total (its price when it has no total); infinity when unreadable."""
    return amount_of(option.get("total") or option.get("price"))


def _depart(option: dict[str, Any]) -> str:
    return str(option.get("depart", ""))


# Superlative -> (measure, highest wins).
_MEASURES: dict[str, tuple[Callable[[dict[str, Any]], Any], bool]] = {
    "cheapest": (price_of, False),
    "fastest": (lambda o: _duration_minutes(o.get("duration")), False),
    "earliest": (_depart, False),
    "latest": (_depart, True),
}


def _best(options: list[dict[str, Any]], best: str, rank: int = 1) -> dict[str, Any]:
    """The best option by the measure, or the ``rank``-th best ("the second cheapest"; the
    last one when fewer are shown)."""
    key, highest = _MEASURES[best]
    if rank > 1:
        ranked = sorted(options, key=key, reverse=highest)
        return ranked[min(rank, len(ranked)) - 1]
    return max(options, key=key) if highest else min(options, key=key)


def _pool(items: list[dict[str, Any]], ref: OptionRef) -> list[dict[str, Any]]:
    """The options a superlative ranks: direct ones only when the traveller said so, and
    within the budget asked for when one was."""
    pool = [o for o in items if not o.get("stops")] if ref.direct else list(items)
    if ref.stars is not None:  # "the cheapest 4 star": among the four-star hotels
        pool = [o for o in pool if o.get("stars") == ref.stars]
    if ref.stops:
        pool = [o for o in pool if o.get("stops")]
    return [o for o in pool if _within(o, ref)] if ref.under is not None else pool


def _within(option: dict[str, Any], ref: OptionRef) -> bool:
    """The option's price fits the budget (per night for a hotel, per person for a
    flight); priced in another currency than the one said, it is not compared."""
    hotel = "nightly" in option
    if (ref.under_per == "night" and not hotel) or (ref.under_per == "person" and hotel):
        return True
    price = option.get("nightly" if hotel else "price")
    if not isinstance(price, dict):
        return True
    currency = price.get("currency")
    if ref.under_currency and currency and ref.under_currency != currency:
        return True
    return amount_of(price) <= float(ref.under or 0)


def skipped(
    items: list[dict[str, Any]], ref: OptionRef, chosen: dict[str, Any]
) -> list[dict[str, Any]]:
    """Blocked options that would have won "the cheapest" (or fastest, …) over ``chosen``."""
    measure = _MEASURES.get(ref.best or "")
    if measure is None or _status(chosen) == "red":
        return []
    key, highest = measure
    return [
        o
        for o in _pool(items, ref)
        if _status(o) == "red" and (key(o) > key(chosen) if highest else key(o) < key(chosen))
    ]


def _carrier_fits(item: dict[str, Any], carrier: str) -> bool:
    word = carrier.lower()
    if flight_number(word):
        # "BA 20": that flight exactly, never BA 201
        return word.replace(" ", "") in {
            str(f).lower().replace(" ", "") for f in item.get("flights") or []
        }
    names = _option_names(item)
    blob = json.dumps({k: item.get(k) for k in ("flights", "carrier", "name")}).lower()
    return word in names or word.replace(" ", "") in names or (len(word) >= 4 and word in blob)


def _flown_by(item: dict[str, Any], carrier: str) -> bool:
    """Every flight of the option is the named airline's ("American" of AA 21, not of AA
    1040 + B6 7); a hotel, or a flight named by its number, is its own."""
    flights = [str(f) for f in item.get("flights") or []]
    if not flights or flight_number(carrier.lower()):
        return True
    return all(_carrier_fits({"flights": [f], "carrier": name}, carrier) for f, name in _legs(item))


def _legs(item: dict[str, Any]) -> list[tuple[str, str]]:
    """Each flight of an option with its airline's name ("AA 1040", "American Airlines");
    the name left out when the option's carriers can't be told apart by leg."""
    flights = [str(f) for f in item.get("flights") or []]
    names = [n.strip() for n in str(item.get("carrier") or "").split("/")]
    if len(names) == len(flights):
        return list(zip(flights, names, strict=True))
    if len(names) == 1:
        return [(f, names[0]) for f in flights]
    return [(f, "") for f in flights]


def _at_clock(items: list[dict[str, Any]], ref: OptionRef) -> list[dict[str, Any]]:
    """The options leaving at the time named: that minute (either half of the day when the
    user named none, "half ten"), else the nearest within three quarters of an hour
    ("the 1pm one" for a 13:05 departure)."""
    assert ref.clock is not None
    wanted = [ref.clock]
    if ref.either_half:
        wanted.append(f"{int(ref.clock[:2]) + 12:02d}{ref.clock[2:]}")
    for clock in wanted:
        exact = [i for i in items if render.clock(i.get("depart")) == clock]
        if exact:
            return exact
    near = sorted(
        (min(abs(_minutes(render.clock(i.get("depart"))) - _minutes(c)) for c in wanted), n)
        for n, i in enumerate(items)
    )
    close = [items[n] for d, n in near if d <= 45 and d == near[0][0]]
    if close and not ref.either_half:
        # "the 9:15pm" beside a 9:15 in the morning and a 9:35 at night: the half of the day
        # or the minutes are misremembered — both are candidates (the pick asks which).
        other = f"{(int(ref.clock[:2]) + 12) % 24:02d}{ref.clock[2:]}"
        close += [i for i in items if render.clock(i.get("depart")) == other and i not in close]
    return [i for i in items if i in close]  # in list order


def at_exact_clock(item: dict[str, Any], ref: OptionRef) -> bool:
    """It leaves at the very minute named (either half of the day when none was said),
    not only near it."""
    if ref.clock is None:
        return False
    wanted = {ref.clock}
    if ref.either_half:
        wanted.add(f"{int(ref.clock[:2]) + 12:02d}{ref.clock[2:]}")
    return render.clock(item.get("depart")) in wanted


def fits_airports(item: dict[str, Any], airports: tuple[str, ...], end: str | None) -> bool:
    """The option leaves from (``end`` "origin") or lands at ("destination") one of
    ``airports``; either, when the user said neither ("the Gatwick one")."""
    ends = [end] if end else ["origin", "destination"]
    return any(str(item.get(e) or "") in airports for e in ends)


def _in_window(item: dict[str, Any], ref: OptionRef) -> bool:
    """It leaves in the part of the day named (bounds as a search applies them), and lands
    within the bounds said of its landing."""
    return _leaves_within(item, ref.after, ref.before) and _lands_within(
        item, ref.lands_after, ref.lands_before
    )


def _lands_within(item: dict[str, Any], after: str | None, before: str | None) -> bool:
    if after is None and before is None:
        return True
    if not item.get("arrive"):
        return False  # a hotel lands nowhere
    at = render.clock(item.get("arrive"))
    if render.day_of(item.get("arrive")) != render.day_of(item.get("depart")):
        at = "24:00"  # landing the next day: after any hour of the day it leaves
    return (after is None or at >= after) and (before is None or at < before)


def _leaves_within(item: dict[str, Any], after: str | None, before: str | None) -> bool:
    at = render.clock(item.get("depart"))
    return (after is None or at >= after) and (before is None or at <= before)


def _not_avoided(item: dict[str, Any], ref: OptionRef) -> bool:
    """It leaves in none of the parts of the day turned away ("not at the crack of dawn");
    a hotel has no such hour."""
    if not item.get("depart"):
        return True
    return not any(_leaves_within(item, a, b) for a, b in ref.avoid)


# Which of an option's prices a price said of it may be: per night (hotels), per person
# (flights), or any, the total included.
_PRICES = {"night": ("nightly",), "person": ("price",), None: ("nightly", "price", "total")}


def _at_price(item: dict[str, Any], ref: OptionRef, *, exact: bool = False) -> bool:
    """It is shown at the price named ("the one at $255 a night"), as people round it: to
    the unit (``exact``), or within 1 %."""
    assert ref.price is not None
    within = 1.0 if exact else max(1.0, ref.price / 100)
    return any(
        abs(amount_of(item.get(key)) - ref.price) <= within
        for key in _PRICES.get(ref.per, _PRICES[None])
        if isinstance(item.get(key), dict)
    )


def _described(item: dict[str, Any], ref: OptionRef) -> bool:
    """It fits what a description says of it besides names and numbers: the part of the
    day, the airports, the price."""
    return (
        (not ref.window or _in_window(item, ref))
        and (not ref.avoids or _not_avoided(item, ref))
        and (not ref.airports or fits_airports(item, ref.airports, ref.end))
        and (ref.price is None or _at_price(item, ref))
        and (ref.stars is None or item.get("stars") == ref.stars)
    )


def _descriptive(ref: OptionRef) -> bool:
    """The reference only describes ("the evening one", "the nonstop", "the one into
    Heathrow", "the one at $255 a night"): it names no number, time, airline or ranking
    that would choose one."""
    return (
        ref.index is None
        and ref.carrier is None
        and ref.clock is None
        and ref.best in (None, "direct")
        and (
            ref.window
            or ref.avoids
            or bool(ref.airports)
            or ref.best == "direct"
            or ref.price is not None
            or ref.stars is not None
        )
    )


def _which(fits: list[dict[str, Any]]) -> str:
    """A description that fits several options shown: ask which, naming them."""
    listed = ", ".join(
        f"{i.get('option') or n + 1}. {' + '.join(i.get('flights') or []) or i.get('name')}"
        + (
            f" {i.get('origin')} {render.clock(i.get('depart'))} → {i.get('destination')}"
            if i.get("depart")
            else ""
        )
        for n, i in enumerate(fits)
    )
    return f"{len(fits)} of the options fit that ({listed}) — which one would you like?"


def _details(ref: OptionRef) -> str:
    """The details a reference names, as the user would say them back."""
    parts = []
    if ref.best:
        parts.append("direct" if ref.best == "direct" else f"the {ref.best}")
    elif ref.direct or ref.stops:
        parts.append("direct" if ref.direct else "one-stop")
    if ref.carrier:
        parts.append(ref.carrier)
    parts.append("option")
    if ref.airports:
        where = "/".join(ref.airports)
        parts.append(
            f"from {where}"
            if ref.end == "origin"
            else f"into {where}"
            if ref.end == "destination"
            else f"at {where}"
        )
    if ref.price_said:
        parts.append(f"at {ref.price_said}")  # the price as the user wrote it
    if ref.window:
        parts.append(
            f"leaving between {ref.after} and {ref.before}"
            if ref.after and ref.before
            else f"leaving after {ref.after}"
            if ref.after
            else f"leaving before {ref.before}"
        )
    for a, b in ref.avoid:
        parts.append(
            f"not leaving between {a} and {b}"
            if a and b
            else f"not leaving after {a}"
            if a
            else f"not leaving before {b}"
        )
    if ref.clock:
        later = f"{int(ref.clock[:2]) + 12:02d}{ref.clock[2:]}"
        parts.append(f"at {ref.clock}" + (f" or {later}" if ref.either_half else ""))
    if ref.index is not None:
        parts.append(f"(number {ref.index})" if ref.index > 0 else "(the last one)")
    return " ".join(parts)


def not_shown(items: list[dict[str, Any]], ref: OptionRef) -> str:
    """A flight named by airline or time that no option of its list is ("the 6:05 United
    flight and the Novotel" when no United leaves at 6:05): say so and ask."""
    return _ask(items, ref)


def _ask(items: list[dict[str, Any]], ref: OptionRef) -> str:
    """A pick whose details fit no single option: say so and ask, never pick another."""
    close = [i for i in items if ref.carrier and _carrier_fits(i, ref.carrier)] or items
    listed = ", ".join(
        f"{i.get('option') or n + 1}. {' + '.join(i.get('flights') or []) or i.get('name')}"
        + (f" at {render.clock(i.get('depart'))}" if i.get("depart") else "")
        for n, i in enumerate(close[:5])
    )
    return (
        f"I don't see one {_details(ref)} among the options I showed you"
        + (f" ({listed})" if listed else "")
        + " — which one would you like?"
    )


def pick(items: list[dict[str, Any]], ref: OptionRef) -> dict[str, Any] | str | None:
    """The option a reference points at, None if nothing fits, or an error text.

    Every detail the reference names must fit: "the 22:30 British Airways one" is the
    British Airways option at 22:30, never another British Airways flight. When the
    details each fit some option but no option fits them all, the answer is a question.
    """
    if not items:
        return None
    if ref.index is not None and ref.among:
        # "the first direct one", "the second United flight": the nth of those described
        fits = fitting(items, replace(ref, index=None, among=False))
        index = len(fits) if ref.index == -1 else ref.index
        return fits[index - 1] if 1 <= index <= len(fits) else _ask(items, ref)
    details = sum(x is not None for x in (ref.index, ref.carrier, ref.clock, ref.best))
    details += ref.window + ref.avoids + bool(ref.airports) + (ref.price is not None)
    if ref.index is not None:
        index = len(items) if ref.index == -1 else ref.index
        if not 1 <= index <= len(items):
            return f"There {'is only one option' if len(items) == 1 else f'are only {len(items)} options'} — which one would you like?"
        item = items[index - 1]
        if ref.carrier and not _carrier_fits(item, ref.carrier):
            return _ask(items, ref)
        if ref.clock and item not in _at_clock(items, ref):
            return _ask(items, ref)
        if not _described(item, ref):
            return _ask(items, ref)
        return item
    pool = [i for i in items if _described(i, ref)]
    if not pool:
        # "the evening one" when none leaves in the evening: say so and ask.
        return _ask(items, ref)
    if ref.price is not None:
        # "the $530 one" beside 527.80 and 529.10: the one it rounds from, when one does.
        pool = [i for i in pool if _at_price(i, ref, exact=True)] or pool
    if _descriptive(ref):
        # A description picks the one option it fits; fitting several, it asks which.
        if ref.best == "direct" or ref.direct or ref.stops:
            pool = [o for o in pool if bool(o.get("stops")) == ref.stops]
            if not pool:
                return _ask(items, ref)
        # "the afternoon one" beside a blocked afternoon option: the one that can be booked
        # (as "the cheapest" is the cheapest bookable one).
        bookable = [o for o in pool if _status(o) != "red"]
        if len(pool) > 1 and len(bookable) == 1:
            return bookable[0]
        # (fitting several, the question names those that can be booked)
        return pool[0] if len(pool) == 1 else _which(bookable or pool)
    stops_said = (ref.direct or ref.stops) and not ref.best
    if stops_said and not ref.clock:
        # "the Iberia nonstop": the name among the direct options only.
        pool = [i for i in pool if bool(i.get("stops")) == ref.stops] or pool
    if ref.carrier:
        pool = [i for i in pool if _carrier_fits(i, ref.carrier)]
        if not pool:
            return _ask(items, ref) if details > 1 and _fits_alone(items, ref) else None
    if ref.clock:
        pool = _at_clock(pool, ref)
        if not pool:
            return _ask(items, ref) if details > 1 and _fits_alone(items, ref) else None
        if stops_said:
            # "the 6am nonstop", "the 6:05 one-stop": of those at that time, the one
            # without (with) a stop — the time said first, so a stops word said of another
            # list's option ("the 7:40pm out, Delta nonstop back") moves nothing.
            pool = [i for i in pool if bool(i.get("stops")) == ref.stops] or pool
        if not ref.best and len(pool) > 1:
            # a nonstop and a connection at the time said: the nonstop ("the 9:45pm
            # united" beside a one-stop United at 21:45); two different flights alike
            # ("the 9:35" when two nonstops leave at 21:35): which, asked — never the
            # first of them
            nonstop = [i for i in pool if not i.get("stops")]
            if len(nonstop) == 1:
                pool = nonstop
            elif len({_first_leg(i) for i in nonstop or pool}) > 1:
                return _which(nonstop or pool)
    if ref.best:
        if ref.best == "green":
            return next((o for o in pool if _status(o) == "green"), None)
        pool = _pool(pool, ref)
        if ref.best == "direct":
            return next((o for o in pool if not o.get("stops")), None)
        if ref.best not in _MEASURES or not pool:
            return None
        # The best one that can be booked: a blocked option is only ever the answer
        # when nothing else is left, and then the booking flow explains why not.
        bookable = [o for o in pool if _status(o) != "red"]
        return _best(bookable or pool, ref.best, ref.rank)
    # "the American nonstop": its flights without stops only (with a time said, the stops
    # word only preferred above: "the 4:10pm out and the United nonstop back")
    pool = _pool(pool, replace(ref, direct=False, stops=False) if ref.clock else ref)
    if ref.carrier:
        # "the american one": the airline's own flights before a connection it shares
        pool = [i for i in pool if _flown_by(i, ref.carrier)] or pool
    return pool[0] if pool else None  # "the BA one": the first BA option listed


def _first_leg(item: dict[str, Any]) -> tuple[str, str]:
    """The flight an option starts with and when it leaves (connections sharing it are
    one choice of time)."""
    return str((item.get("flights") or [""])[0]), render.clock(item.get("depart"))


def fitting(items: list[dict[str, Any]], ref: OptionRef) -> list[dict[str, Any]]:
    """Every option shown that fits all a reference names but a number or a ranking (its
    carrier, time, stops, part of the day, airports, price), in list order."""
    pool = [i for i in items if _described(i, ref)]
    if ref.best == "direct" or ref.direct:
        pool = [o for o in pool if not o.get("stops")]
    if ref.stops:
        pool = [o for o in pool if o.get("stops")]
    if ref.carrier:
        pool = [i for i in pool if _carrier_fits(i, ref.carrier)]
    if ref.clock:
        pool = _at_clock(pool, ref) if pool else []
    return pool


def _fits_alone(items: list[dict[str, Any]], ref: OptionRef) -> bool:
    """Some option fits the carrier and some fits the time: the list is the right one,
    only the combination is missing (so ask rather than look in another list)."""
    carrier_ok = not ref.carrier or any(_carrier_fits(i, ref.carrier) for i in items)
    clock_ok = not ref.clock or bool(_at_clock(items, ref))
    return carrier_ok and (clock_ok or bool(ref.carrier))


def same_as_before(state: State, kind: str) -> dict[str, Any] | None:
    """The option in the list shown now that is the one held last time ("same as before"):
    the same flights (or hotel), else the same airline at the same time."""
    before = state.picked.get(kind)
    shown = state.shown.get({"flight": "flights", "return": "returns", "hotel": "hotels"}[kind])
    if before is None or shown is None:
        return None
    for option in shown.items:
        if kind == "hotel" and option.get("name") == before.get("name"):
            return option
        if kind != "hotel" and option.get("flights") == before.get("flights"):
            return option
    for option in shown.items:
        if kind != "hotel" and (
            option.get("carrier") == before.get("carrier")
            and render.clock(option.get("depart")) == render.clock(before.get("depart"))
        ):
            return option
    return None


def booked_option(state: State, kind: str, trips: list[TripOut]) -> dict[str, Any] | None:
    """The option in the list shown now that one of one's active trips already holds
    ("same hotel as I'm in already"): a hotel by its name, a flight by its numbers."""
    shown = state.shown.get({"flight": "flights", "return": "returns", "hotel": "hotels"}[kind])
    if shown is None:
        return None
    legs = [
        leg.what
        for t in trips
        if t.status not in INACTIVE
        for leg in t.legs
        if leg.kind == ("hotel" if kind == "hotel" else "flight")
    ]
    for option in shown.items:
        if kind == "hotel":
            name = str(option.get("name") or "")
            if name and any(what == name or what.startswith(f"{name},") for what in legs):
                return option
        else:
            numbers = [str(n) for n in option.get("flights") or []]
            if numbers and all(any(what.startswith(f"{n} ") for what in legs) for n in numbers):
                return option
    return None
