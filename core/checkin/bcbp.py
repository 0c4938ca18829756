"""IATA Bar Coded Boarding Pass (Resolution 792), format ``M``: the mandatory items of
one leg, with no conditional items. Pure functions: the same fields give the same
60 characters.

The layout, item by item (length, and how a value fills it):

====  ============================  ======  =========================================
 #    item                          length  filled
====  ============================  ======  =========================================
  1   format code                        1  ``M``
  5   number of legs encoded             1  ``1``
 11   passenger name                    20  ``SURNAME/GIVEN``, upper-case ASCII, padded
253   electronic ticket indicator        1  ``E``
  7   operating carrier PNR code         7  the segment's locator, padded
 26   from city airport code             3
 38   to city airport code               3
 42   operating carrier designator       3  ``BA `` (padded)
 43   flight number                      5  four digits and a suffix letter or space
 46   date of flight (Julian)            3  day of the year, ``001``–``366``
 71   compartment code                   1  ``F`` first, ``J`` business, ``W`` premium,
                                            ``Y`` economy
104   seat number                        4  ``012C``; blank when allocated at the gate
107   check-in sequence number           5  four digits and a space
113   passenger status                   1  ``1``: checked in
  6   field size of variable size        2  hexadecimal, ``00``: nothing follows
====  ============================  ======  =========================================
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

FORMAT_CODE = "M"
E_TICKET = "E"
CHECKED_IN = "1"

#: (field, length) in the order they are printed.
LAYOUT: tuple[tuple[str, int], ...] = (
    ("format_code", 1),
    ("legs", 1),
    ("passenger_name", 20),
    ("electronic_ticket", 1),
    ("pnr", 7),
    ("from_airport", 3),
    ("to_airport", 3),
    ("carrier", 3),
    ("flight_number", 5),
    ("julian_date", 3),
    ("compartment", 1),
    ("seat", 4),
    ("sequence", 5),
    ("passenger_status", 1),
    ("conditional_size", 2),
)
LENGTH = sum(n for _, n in LAYOUT)

COMPARTMENTS = {"first": "F", "business": "J", "premium": "W", "economy": "Y"}

_SEAT = re.compile(r"(\d{1,3})([A-Z])")
_FLIGHT = re.compile(r"(\d{1,4})([A-Z]?)")


@dataclass(frozen=True)
class Leg:
    """What one boarding pass prints, as the booking knows it."""

    family_name: str
    given_name: str
    pnr: str
    origin: str
    destination: str
    carrier: str
    flight_number: str
    flight_date: date
    cabin: str
    seat: str | None
    sequence: int


def ascii_upper(text: str) -> str:
    """Letters and spaces only, upper case, accents dropped (``Zoë O'Brien`` → ``ZOE OBRIEN``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    letters = "".join(c for c in plain.upper() if "A" <= c <= "Z" or c == " ")
    return " ".join(letters.split())


def passenger_name(family_name: str, given_name: str) -> str:
    """``SURNAME/GIVEN`` in 20 characters: the given name is cut first, then the surname."""
    family, given = ascii_upper(family_name), ascii_upper(given_name)
    name = f"{family}/{given}" if given else family
    return name[:20].ljust(20)


def seat_field(seat: str | None) -> str:
    """``12C`` → ``012C``; no seat (allocated at the gate) → four blanks."""
    if seat is None:
        return "    "
    match = _SEAT.fullmatch(seat.strip().upper())
    if match is None:
        raise ValueError(f"not a seat: {seat!r}")
    row, letter = match.groups()
    return f"{int(row):03d}{letter}"


def flight_number_field(number: str) -> str:
    """``117`` → ``0117 ``; ``12A`` → ``0012A``."""
    match = _FLIGHT.fullmatch(number.strip().upper())
    if match is None:
        raise ValueError(f"not a flight number: {number!r}")
    digits, suffix = match.groups()
    return f"{int(digits):04d}{suffix or ' '}"


def encode(leg: Leg) -> str:
    """The 60-character BCBP of one leg (format ``M``, mandatory items only)."""
    if not 0 < leg.sequence <= 9999:
        raise ValueError(f"check-in sequence out of range: {leg.sequence}")
    values = {
        "format_code": FORMAT_CODE,
        "legs": "1",
        "passenger_name": passenger_name(leg.family_name, leg.given_name),
        "electronic_ticket": E_TICKET,
        "pnr": leg.pnr.upper().ljust(7),
        "from_airport": leg.origin.upper(),
        "to_airport": leg.destination.upper(),
        "carrier": leg.carrier.upper().ljust(3),
        "flight_number": flight_number_field(leg.flight_number),
        "julian_date": f"{leg.flight_date.timetuple().tm_yday:03d}",
        "compartment": COMPARTMENTS.get(leg.cabin, "Y"),
        "seat": seat_field(leg.seat),
        "sequence": f"{leg.sequence:04d} ",
        "passenger_status": CHECKED_IN,
        "conditional_size": "00",
    }
    out = ""
    for field, length in LAYOUT:
        value = values[field]
        if len(value) != length:
            raise ValueError(f"BCBP {field} must be {length} characters, got {value!r}")
        out += value
    assert len(out) == LENGTH
    return out


def decode(text: str) -> dict[str, str]:
    """The items of a one-leg format ``M`` string, by name, as printed (padding kept)."""
    if len(text) < LENGTH or text[0] != FORMAT_CODE:
        raise ValueError("not a format M boarding pass")
    out: dict[str, str] = {}
    at = 0
    for field, length in LAYOUT:
        out[field] = text[at : at + length]
        at += length
    return out
