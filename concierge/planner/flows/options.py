"""Options shown to the user: which one a reference ("option 2", "the cheapest", "the Hilton") points at."""

from __future__ import annotations

import json
import math
import re
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
        if ref.best == "cheapest":
            return min(items, key=lambda o: amount_of(o.get("total") or o.get("price")))
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
