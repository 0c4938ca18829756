"""Which part of a booked trip a request is about, and what it keeps.

"cancel just the hotel in London, keep the flights", "could you cancel just the return
leg?", "cancel the paris flight but keep london as is": the part (a hotel, the flight
home, the flight out, the flights), whether the rest is to stay ("just", "only", or
something kept), and where the message says what it keeps — a place named there
("keep london") is a trip kept, never the one asked about. Patterns are data
(``data/parts.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from concierge.planner.nlu import datafiles


@dataclass(frozen=True)
class TripPart:
    kind: str | None = None  # hotel | flight: the part asked about, outside what is kept
    leg: str | None = None  # home | out: which flight of the trip
    only: bool = False  # "just", "only": the rest of the trip stays
    kept: tuple[tuple[int, int], ...] = ()  # where the message says what it keeps
    kept_kinds: frozenset[str] = frozenset()  # hotel | flight, said to be kept

    @property
    def rest_stays(self) -> bool:
        """The message says the rest of the trip stays (or names a part to keep)."""
        return self.only or bool(self.kept_kinds)

    def in_kept(self, start: int) -> bool:
        return any(a <= start < b for a, b in self.kept)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(p) for name, p in datafiles.load("parts").items()}


_KINDS: Final = ("hotel", "flight")


def read_part(text: str) -> TripPart:
    """The part of a trip ``text`` names (case-insensitive; positions are ``text``'s)."""
    low = text.lower().replace("’", "'")
    rx = _patterns()
    kept = tuple(
        m.span("what")
        for name in ("keep", "stays")
        for m in rx[name].finditer(low)
        if m.group("what").strip()
    )
    kept_text = " ".join(low[a:b] for a, b in kept)
    rest = "".join(" " if any(a <= i < b for a, b in kept) else c for i, c in enumerate(low))
    kept_kinds = frozenset(k for k in _KINDS if rx[k].search(kept_text))
    if rx["whole"].search(rest):
        return TripPart(kept=kept, kept_kinds=kept_kinds)
    leg = "home" if rx["home"].search(rest) else "out" if rx["out"].search(rest) else None
    kinds = [k for k in _KINDS if rx[k].search(rest)]
    if leg is None and len(kinds) > 1:
        return TripPart(kept=kept, kept_kinds=kept_kinds)  # "hotel and flights": all of it
    kind = "flight" if leg is not None else next(iter(kinds), None)
    return TripPart(kind, leg, bool(rx["only"].search(rest)), kept, kept_kinds)
