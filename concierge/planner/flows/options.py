"""Options shown to the user: which one a reference ("option 2", "the cheapest", "the Hilton") points at."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from concierge.planner import render
from concierge.planner.nlu.intents import OptionRef, Understanding
from concierge.planner.state import State


def name_refs(state: State, u: Understanding) -> list[OptionRef]:
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


def amount_of(value: Any) -> float:
    try:
        return float((value or {}).get("amount") or "inf")
    except (TypeError, ValueError, AttributeError):
        return math.inf


def _status(option: dict[str, Any]) -> str:
    return str((option.get("policy") or {}).get("status") or "green")


def _price(option: dict[str, Any]) -> float:
    return amount_of(option.get("total") or option.get("price"))


def _depart(option: dict[str, Any]) -> str:
    return str(option.get("depart", ""))


# Superlative -> (measure, highest wins).
_MEASURES: dict[str, tuple[Callable[[dict[str, Any]], Any], bool]] = {
    "cheapest": (_price, False),
    "fastest": (lambda o: _duration_minutes(o.get("duration")), False),
    "earliest": (_depart, False),
    "latest": (_depart, True),
}


def _best(options: list[dict[str, Any]], best: str) -> dict[str, Any]:
    key, highest = _MEASURES[best]
    return max(options, key=key) if highest else min(options, key=key)


def _pool(items: list[dict[str, Any]], ref: OptionRef) -> list[dict[str, Any]]:
    """The options a superlative ranks: direct ones only when the traveller said so."""
    return [o for o in items if not o.get("stops")] if ref.direct else list(items)


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


def pick(items: list[dict[str, Any]], ref: OptionRef) -> dict[str, Any] | str | None:
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
        if ref.best == "green":
            return next((o for o in items if _status(o) == "green"), None)
        pool = _pool(items, ref)
        if ref.best == "direct":
            return next((o for o in pool if not o.get("stops")), None)
        if ref.best not in _MEASURES or not pool:
            return None
        # The best one that can be booked: a blocked option is only ever the answer
        # when nothing else is left, and then the booking flow explains why not.
        bookable = [o for o in pool if _status(o) != "red"]
        return _best(bookable or pool, ref.best)
    if ref.carrier:
        word = ref.carrier.lower()
        for item in items:
            names = _option_names(item)
            blob = json.dumps({k: item.get(k) for k in ("flights", "carrier", "name")}).lower()
            if word in names or word.replace(" ", "") in names or (len(word) >= 4 and word in blob):
                return item
    return None


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
