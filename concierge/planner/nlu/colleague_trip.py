"""A colleague's booked trip named as what to book: "put me on her flight out on the
14th", "the same hotel as Ava in London, same nights as her", "book me on Ava's flight
home". Whose trip (a name as written, or a pronoun with whom it means when the message
names them), which part (a flight or a hotel) and, for a flight, which one (out or back).
Phrase tables: ``data/colleague_trip.yaml``. Pure functions, no I/O; which trips the
caller may see is the core's rule (flows.colleague_trip reads them through list_trips).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal

from concierge.planner.nlu import datafiles


@dataclass(frozen=True)
class TripOf:
    """Someone's booked trip, the part of it to book the same as."""

    who: str  # a first name as written ("Ava"), or a pronoun ("her") still to resolve
    part: Literal["flight", "hotel"]
    direction: Literal["out", "back"] | None = None


@dataclass(frozen=True)
class _Tables:
    patterns: tuple[re.Pattern[str], ...]
    request: re.Pattern[str]
    directions: dict[str, str]
    pronouns: frozenset[str]
    named_before: re.Pattern[str]
    not_after: re.Pattern[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    raw: dict[str, Any] = datafiles.load("colleague_trip")
    return _Tables(
        patterns=tuple(re.compile(p) for p in raw["patterns"]),
        request=re.compile(raw["request"], re.IGNORECASE),
        directions={str(w): side for side, words in raw["directions"].items() for w in words},
        pronouns=frozenset(str(p) for p in raw["pronouns"]),
        named_before=re.compile(raw["named_before"]),
        not_after=re.compile(raw["not_after"], re.IGNORECASE),
    )


_HOTEL_WORDS: Final = frozenset({"hotel", "place", "room", "stay", "accommodation"})


def read(text: str, not_names: frozenset[str] = frozenset()) -> TripOf | None:
    """The colleague's trip a request books the same as, or None (``not_names``:
    capitalised words that name no one)."""
    t = _tables()
    said = text.replace("’", "'")
    if not t.request.search(said):
        return None
    for pattern in t.patterns:
        for m in pattern.finditer(said):
            who = m.group("who")
            if who in not_names or t.not_after.search(said[: m.start()]):
                continue
            low = who.lower()
            if not who:  # "the same flight out": of whom the message names before it
                named = [n.group("who") for n in t.named_before.finditer(said[: m.start()])]
                named = [n for n in named if n not in not_names]
                if not named:
                    continue
                who = named[-1]
            elif low in t.pronouns:
                named = [n.group("who") for n in t.named_before.finditer(said[: m.start()])]
                named = [n for n in named if n not in not_names]
                who = named[-1] if named else low
            part: Literal["flight", "hotel"] = (
                "hotel" if m.group("part").lower() in _HOTEL_WORDS else "flight"
            )
            words = [m.groupdict().get("dir"), m.groupdict().get("dir2")]
            side = next(
                (t.directions[w.lower()] for w in words if w and w.lower() in t.directions), None
            )
            direction = side if side in ("out", "back") and part == "flight" else None
            return TripOf(who, part, direction)  # type: ignore[arg-type]
    return None


def is_pronoun(who: str) -> bool:
    return who.lower() in _tables().pronouns
