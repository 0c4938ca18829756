"""Aircraft and their seats: the cabin layout of every simulated flight.

A flight's aircraft type (``flights.aircraft``, chosen by the route network) says its
body: narrow (one aisle: economy 3-3, premium, business and first 2-2) or wide (two
aisles: economy 3-4-3, premium 2-3-2, business and first 1-2-1). The cabins sit front to
back (first, business, premium, economy), rows numbered from 1 without a 13th, as
airlines print them.

Each cabin has exactly as many seats as its fare inventory row has places
(``fare_inventory.capacity``): full rows, the last one shorter (windows and aisles kept,
middles dropped, as where a cabin narrows towards the tail). So the seat map and the
inventory count the same seats, and a flight's places can always all be seated.

Economy's first row (the bulkhead) and its exit rows have extra legroom and cost a fee
(``extra_legroom``, by the flight's length); every other seat is free. Everything here
is pure and deterministic: the same flight gives the same map.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Final

#: Two aisles. Every other type (A320neo, 737-800, 757-200…) has one.
WIDE_BODIES: Final = frozenset({
    "787-8", "787-9", "787-10", "777-200", "777-300ER", "A330-200", "A330-300",
    "A350-900", "A350-1000", "A380", "747-400", "767-300",
})
#: Front to back.
CABIN_ORDER: Final = ("first", "business", "premium", "economy")
#: Letters per cabin, blocks between aisles split by ``|`` (no I: it reads as a 1).
_LAYOUTS: Final = {
    ("narrow", "economy"): "ABC|DEF",
    ("narrow", "premium"): "AC|DF",
    ("narrow", "business"): "AC|DF",
    ("narrow", "first"): "AC|DF",
    ("wide", "economy"): "ABC|DEFG|HJK",
    ("wide", "premium"): "AC|DEF|HK",
    ("wide", "business"): "A|EF|K",
    ("wide", "first"): "A|EF|K",
}
#: Rows airlines leave out.
_SKIPPED_ROWS: Final = frozenset({13})
#: A cabin this short has no exit or extra-legroom rows to sell.
_MIN_ROWS_FOR_EXTRAS: Final = 5
SEAT_PATTERN: Final = re.compile(r"^([1-9][0-9]{0,2})([A-K])$")


class SeatPosition(StrEnum):
    WINDOW = "window"
    MIDDLE = "middle"
    AISLE = "aisle"


class SeatFeature(StrEnum):
    BULKHEAD = "bulkhead"
    EXIT = "exit"
    EXTRA_LEGROOM = "extra_legroom"


@dataclass(frozen=True)
class SeatSpec:
    """One seat of an aircraft: ``12C``, its cabin, where it sits and what it costs."""

    seat: str
    row: int
    letter: str
    cabin: str
    position: SeatPosition
    #: Which block between aisles (0 = left): seats of one block in one row sit together.
    block: int
    features: tuple[SeatFeature, ...]
    price_minor: int


@dataclass(frozen=True)
class CabinLayout:
    cabin: str
    #: ``ABC DEF``: the letters of a full row, a space for each aisle.
    columns: str
    rows: tuple[tuple[SeatSpec, ...], ...]


@dataclass(frozen=True)
class SeatPlan:
    """Every seat of one flight's aircraft, cabin by cabin."""

    aircraft: str
    body: str
    cabins: tuple[CabinLayout, ...]
    by_seat: dict[str, SeatSpec] = field(compare=False, hash=False, repr=False)

    def cabin(self, cabin: str) -> CabinLayout | None:
        return next((c for c in self.cabins if c.cabin == cabin), None)

    def seat(self, seat: str) -> SeatSpec | None:
        return self.by_seat.get(seat)


def body_of(aircraft: str) -> str:
    return "wide" if aircraft in WIDE_BODIES else "narrow"


def normalise_seat(text: str) -> str | None:
    """``12c`` / `` 12C `` → ``12C``; None for what cannot be a seat number at all."""
    seat = (text or "").strip().upper()
    return seat if SEAT_PATTERN.match(seat) else None


def extra_legroom_fee_minor(distance_km: int) -> int:
    """What an extra-legroom economy seat costs, by the flight's length."""
    if distance_km < 2500:
        return 2500
    if distance_km < 5000:
        return 4500
    return 8500


def _positions(layout: str) -> list[tuple[str, SeatPosition, int]]:
    blocks = layout.split("|")
    out: list[tuple[str, SeatPosition, int]] = []
    for b, block in enumerate(blocks):
        for i, letter in enumerate(block):
            edge = (b == 0 and i == 0) or (b == len(blocks) - 1 and i == len(block) - 1)
            beside_aisle = (b > 0 and i == 0) or (b < len(blocks) - 1 and i == len(block) - 1)
            position = (
                SeatPosition.WINDOW if edge
                else SeatPosition.AISLE if beside_aisle
                else SeatPosition.MIDDLE
            )
            out.append((letter, position, b))
    return out


_KEEP_FIRST: Final = {SeatPosition.WINDOW: 0, SeatPosition.AISLE: 1, SeatPosition.MIDDLE: 2}


def _row_numbers(start: int, count: int) -> list[int]:
    numbers: list[int] = []
    n = start
    while len(numbers) < count:
        if n not in _SKIPPED_ROWS:
            numbers.append(n)
        n += 1
    return numbers


def _extra_rows(cabin: str, body: str, rows: int) -> dict[int, tuple[SeatFeature, ...]]:
    """Features of a cabin's rows, by index from its front."""
    features: dict[int, tuple[SeatFeature, ...]] = {0: (SeatFeature.BULKHEAD,)}
    if cabin != "economy" or rows < _MIN_ROWS_FOR_EXTRAS:
        return features
    exit_legroom = (SeatFeature.EXIT, SeatFeature.EXTRA_LEGROOM)
    features[0] = (SeatFeature.BULKHEAD, SeatFeature.EXTRA_LEGROOM)
    if body == "narrow":  # the over-wing exits: two rows a little ahead of the middle
        first = int(rows * 0.4)
        features[first] = features[first + 1] = exit_legroom
    else:  # the middle doors
        features[rows // 2] = exit_legroom
    return features


def _cabin_layout(
    cabin: str, capacity: int, body: str, first_row: int, fee_minor: int
) -> CabinLayout:
    layout = _LAYOUTS[body, cabin]
    positions = _positions(layout)
    width = len(positions)
    count = -(-capacity // width)  # full rows, the last one maybe shorter
    numbers = _row_numbers(first_row, count)
    features = _extra_rows(cabin, body, count)
    last_row_keeps = capacity - width * (count - 1)
    kept_in_last = {
        letter
        for letter, _, _ in sorted(positions, key=lambda p: (_KEEP_FIRST[p[1]], p[0]))[
            :last_row_keeps
        ]
    }
    rows: list[tuple[SeatSpec, ...]] = []
    for index, number in enumerate(numbers):
        extras = features.get(index, ())
        price = fee_minor if SeatFeature.EXTRA_LEGROOM in extras else 0
        rows.append(
            tuple(
                SeatSpec(
                    seat=f"{number}{letter}",
                    row=number,
                    letter=letter,
                    cabin=cabin,
                    position=position,
                    block=block,
                    features=extras,
                    price_minor=price,
                )
                for letter, position, block in positions
                if index < count - 1 or letter in kept_in_last
            )
        )
    return CabinLayout(cabin=cabin, columns=layout.replace("|", " "), rows=tuple(rows))


@lru_cache(maxsize=4096)
def _plan(aircraft: str, cabins: tuple[tuple[str, int], ...], distance_km: int) -> SeatPlan:
    body = body_of(aircraft)
    fee = extra_legroom_fee_minor(distance_km)
    layouts: list[CabinLayout] = []
    next_row = 1
    for cabin, capacity in sorted(cabins, key=lambda c: CABIN_ORDER.index(c[0])):
        if capacity < 1:
            continue
        layout = _cabin_layout(cabin, capacity, body, next_row, fee)
        layouts.append(layout)
        next_row = layout.rows[-1][0].row + 1
    by_seat = {s.seat: s for c in layouts for row in c.rows for s in row}
    return SeatPlan(aircraft=aircraft, body=body, cabins=tuple(layouts), by_seat=by_seat)


def seat_plan(aircraft: str, cabins: Sequence[tuple[str, int]], distance_km: int) -> SeatPlan:
    """The seats of a flight flown by ``aircraft`` with these (cabin, capacity) rows."""
    known = tuple(sorted((c, n) for c, n in cabins if c in CABIN_ORDER))
    return _plan(aircraft, known, distance_km)
