"""Seat wishes: seat numbers ("12C", "12C and 12D"), positions ("an aisle seat", "window
seats for both of us"), and asking to see the seats ("show me the seat map").

The phrases are data (``data/seats.yaml``); what the concierge does with a wish is
``flows/seats.py``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from concierge.planner.nlu import datafiles


@dataclass(frozen=True)
class SeatRequest:
    seats: tuple[str, ...] = ()  # "12C", in the order written
    position: str | None = None  # window | aisle | middle | any
    everyone: bool = False  # for every passenger of the booking, not only the speaker
    show_map: bool = False
    feature: str | None = None  # legroom: a seat with a fee, chosen by its feature
    # A position for each person named ("window for me and the aisle for Sam"; "any" for
    # each of a few named together: "seat Tom and Priya together"): (who as written,
    # position); the flow matches "who" against the passengers' names.
    per_person: tuple[tuple[str, str], ...] = ()
    # A position for each leg of a round trip ("window on the way out and an aisle on the
    # way back"): ("out" | "home", position), two legs or more named, else ().
    per_leg: tuple[tuple[str, str], ...] = ()
    pay_ok: bool = False  # the fee is fine already ("I don't mind paying")

    @property
    def names_a_seat(self) -> bool:
        """It says which seat or what kind ("12C", "an aisle", "legroom", the map): "2
        seats" alone says how many fly, nothing about where they sit."""
        return bool(
            self.seats
            or self.position
            or self.show_map
            or self.feature
            or self.per_person
            or self.per_leg
        )


@dataclass(frozen=True)
class _Tables:
    seat_number: re.Pattern[str]
    seat_words: re.Pattern[str]
    filler: re.Pattern[str]
    positions: tuple[tuple[str, re.Pattern[str]], ...]
    everyone: re.Pattern[str]
    show_map: re.Pattern[str]
    avoid: re.Pattern[str]
    instead: tuple[str, ...]
    any_seat: re.Pattern[str]
    features: tuple[tuple[str, re.Pattern[str]], ...]
    per_person: tuple[re.Pattern[str], ...]
    not_who: frozenset[str]
    together_named: re.Pattern[str]
    legs: tuple[tuple[str, re.Pattern[str]], ...]
    pay_ok: re.Pattern[str]
    on_flight: re.Pattern[str]


def _join(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def _tables() -> _Tables:
    raw: dict[str, Any] = datafiles.load("seats")
    return _Tables(
        seat_number=re.compile(raw["seat_number"]),
        seat_words=_join(raw["seat_words"]),
        filler=re.compile(raw["filler"], re.IGNORECASE),
        positions=tuple((name, _join(p)) for name, p in raw["positions"].items()),
        everyone=_join(raw["everyone"]),
        show_map=_join(raw["show_map"]),
        avoid=re.compile(raw["avoid"], re.IGNORECASE),
        instead=tuple(raw["instead"]),
        any_seat=_join(raw["any_seat"]),
        features=tuple((name, _join(p)) for name, p in raw["features"].items()),
        per_person=tuple(re.compile(p, re.IGNORECASE) for p in raw["per_person"]),
        not_who=frozenset(str(w) for w in raw["not_who"]),
        together_named=re.compile(raw["together_named"], re.IGNORECASE),
        legs=tuple((name, _join(p)) for name, p in raw["legs"].items()),
        pay_ok=_join(raw["pay_ok"]),
        on_flight=_join(raw["on_flight"]),
    )


def _plain(text: str) -> str:
    return (text or "").replace("’", "'")


def seat_numbers(text: str) -> tuple[str, ...]:
    """The seat numbers a message names: written in capitals ("12C"), or in any case
    beside a word about seats ("seat 12c"); none when the message is about something
    else and merely holds a token like one."""
    t = _tables()
    plain = _plain(text)
    found = list(t.seat_number.finditer(plain))
    if not found:
        return ()
    rest = t.seat_number.sub(" ", plain)
    about_seats = bool(t.seat_words.search(plain)) or bool(t.filler.match(rest))
    if not about_seats:
        return ()
    capital = [m for m in found if m.group("letter").isupper()]
    chosen = found if t.seat_words.search(plain) else capital
    return tuple(dict.fromkeys(f"{m.group('row')}{m.group('letter').upper()}" for m in chosen))


def without_numbers(text: str) -> str:
    """``text`` with its seat numbers blanked out (same length), for the other readers."""
    return _tables().seat_number.sub(lambda m: " " * len(m.group(0)), text)


def on_flight_number(text: str) -> bool:
    """A seat asked for on a flight named by its number ("an extra legroom seat on BA 19"):
    that flight is where the seat goes (``data/seats.yaml`` ``on_flight``)."""
    return bool(_tables().on_flight.search(_plain(text)))


def read(text: str) -> SeatRequest:
    """What a message about seats asks for (it may ask for nothing but the seats' map)."""
    t = _tables()
    plain = _plain(text)
    numbers = seat_numbers(plain)
    # The position named first is the one asked for: "an aisle seat — window seats are
    # hard on overnight flights", "aisle, not a window"; one said to be avoided ("just not
    # a middle one") is not, and asks for another when no other is named.
    found = sorted(
        (m.start(), name, bool(t.avoid.search(plain[: m.start()])))
        for name, rx in t.positions
        for m in rx.finditer(plain)
    )
    avoided = {name for _, name, no in found if no}
    wanted = [name for _, name, no in found if not no and name not in avoided]
    position = next(iter(wanted), None)
    if position is None and avoided:
        position = next((p for p in t.instead if p not in avoided), None)
    if position is None and t.any_seat.search(plain):
        position = "any"
    feature = next((name for name, rx in t.features if rx.search(plain)), None)
    pairs = tuple(
        (m.group("who"), m.group("position").lower())
        for rx in t.per_person
        for m in rx.finditer(plain)
        if m.group("who").lower() not in t.not_who
        and not t.avoid.search(plain[: m.start("position")])  # "rather not be in the middle"
    )
    if not pairs:
        pairs = _together_named(plain)
    return SeatRequest(
        seats=numbers,
        position=None if numbers else position,
        everyone=bool(t.everyone.search(plain)),
        show_map=not numbers and not feature and bool(t.show_map.search(plain)),
        feature=None if numbers else feature,
        per_person=() if numbers else pairs,
        per_leg=() if numbers else _per_leg(plain),
        pay_ok=bool(t.pay_ok.search(plain)),
    )


def _together_named(plain: str) -> tuple[tuple[str, str], ...]:
    """A few people named, then sitting together ("seat Tom and Priya together"): each
    of them with position "any" (the core keeps them in one row); () when none is."""
    t = _tables()
    found = t.together_named.search(plain)
    if found is None:
        return ()
    items = [w.strip() for w in re.split(r"\s*(?:,|&|\band\b)\s*", found.group("who"))]
    named = [" ".join(w for w in item.split() if w.lower() not in t.not_who) for item in items]
    return tuple((who, "any") for who in named if who)


_CLAUSE = re.compile(r"[,;:]|\s[—–-]\s|\b(?:and|but|then|while|whereas)\b", re.IGNORECASE)


def _per_leg(plain: str) -> tuple[tuple[str, str], ...]:
    """Each leg named beside a position wished for ("window on the way out and an aisle
    on the way back"): a leg word takes the position said in its own clause (clauses end
    at commas, "and", "but"...), else the nearest one said (on a tie, the one before it);
    a leg beside a position avoided takes none. Only when two legs or more are named."""
    t = _tables()
    positions = sorted(
        (m.start(), m.end(), name, bool(t.avoid.search(plain[: m.start()])))
        for name, rx in t.positions
        for m in rx.finditer(plain)
    )
    legs = sorted((m.start(), m.end(), leg) for leg, rx in t.legs for m in rx.finditer(plain))
    if not positions or len({leg for *_, leg in legs}) < 2:
        return ()
    cuts = [0, *(m.start() for m in _CLAUSE.finditer(plain)), len(plain)]

    def clause(at: int) -> int:
        return max(i for i, cut in enumerate(cuts) if cut <= at)

    pairs: dict[str, str] = {}
    for start, end, leg in legs:

        def gap(p: tuple[int, int, str, bool], s: int = start, e: int = end) -> tuple[int, ...]:
            return (clause(p[0]) != clause(s), max(p[0] - e, s - p[1]), p[0] > s)

        _, _, name, avoided = min(positions, key=gap)
        if not avoided:
            pairs.setdefault(leg, name)
    return tuple(pairs.items()) if len(pairs) > 1 else ()
