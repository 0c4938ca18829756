"""Flight numbers as people type them ("BA 19", "UA1187", "ba 19", "dl15", "B6 1001"): the
one reading of them every part of the planner uses (picks, intents, trips, changes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from core.catalogue.network import CARRIER_BY_CODE

# An airline's two-character code and one to four digits. Never part of a longer word,
# a time or a decimal ("12:30", "1.5"), nor a count ("ba 2 nights", "AA 10am").
_NUMBER: Final = re.compile(
    r"(?<![\w:./-])(?P<code>[a-z][a-z0-9]|[0-9][a-z])\s?(?P<n>\d{1,4})(?![\w:.,]\d|\w)"
    r"(?!\s*(?:am|pm|people|passengers?|nights?|rooms?|seats?|days?|h|hours?)\b)",
    re.IGNORECASE,
)

#: The pattern alone, to look ahead for a number inside another pattern of lower-cased
#: text (any two characters: :func:`mentions` is the one that checks the code).
PATTERN: Final = _NUMBER.pattern


@dataclass(frozen=True)
class FlightNumber:
    """A flight number said, where it is in the text."""

    code: str  # upper case: "BA"
    digits: str  # "19"
    start: int
    end: int

    @property
    def squeezed(self) -> str:
        """``BA19``: as a booked flight's number compares."""
        return self.code + self.digits

    @property
    def spaced(self) -> str:
        """``BA 19``: as the tools write it."""
        return f"{self.code} {self.digits}"

    @property
    def airline(self) -> bool:
        """The code is an airline's the catalogue knows."""
        return self.code in CARRIER_BY_CODE


def mentions(text: str) -> list[FlightNumber]:
    """The flight numbers ``text`` names, in order: a code typed in capitals as written
    ("BA 19", "ZZ 12"); in lower or mixed case only when it is an airline's ("ba 19",
    "Dl15"), so that words before a number ("on 14", "at 9") are never read as one."""
    found = []
    for m in _NUMBER.finditer(text or ""):
        code = m.group("code")
        if code.isupper() or code.upper() in CARRIER_BY_CODE:
            found.append(FlightNumber(code.upper(), m.group("n"), m.start(), m.end()))
    return found


def flight_numbers(text: str) -> set[str]:
    """The flight numbers a message names, squeezed (``{"BA19", "UA1187"}``)."""
    return {f.squeezed for f in mentions(text)}


def is_flight_number(word: str) -> bool:
    """Whether ``word`` is one airline's flight number and nothing else ("ba 20",
    "UA1187"), as a pick's ``OptionRef.carrier`` holds it."""
    found = mentions(word.strip())
    return (
        len(found) == 1 and found[0].airline and found[0].end - found[0].start == len(word.strip())
    )
