"""A count, a place or an option said and corrected in the same breath ("a hotel for 3
nights, no wait, 4 nights", "2 nights - actually make that 3", "for 2 people, sorry, 3",
"flights from Boston, no, from Chicago, to Atlanta", "the 12:15 one... no wait, the 13:55
from Gatwick"): the one corrected away is dropped before
the readers see the message, so each reads only what the user meant.

What may stand between the two is data (``data/corrections.yaml``: ``restated_words``,
``restated_units``, ``restated_pick``); days corrected so are dates.py's (``between``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from concierge.planner.nlu import datafiles

_NUMBER = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    raw = datafiles.load("corrections")
    words, unit = raw["restated_words"], raw["restated_units"]
    punct = r"[\s,;:.!…—–()-]"
    gap = rf"{punct}*(?:{words}{punct}*)+"
    picked = raw["restated_pick"]
    # (whole words only: "these are over the cap" corrects nothing)
    spoken = rf"{punct}*(?:\b(?:{words})\b{punct}*)+"
    option = re.compile(
        rf"\b(?P<a>{picked['first']})\b(?P<gap>{spoken})(?={picked['then']})", re.IGNORECASE
    )
    count = re.compile(
        rf"\b(?P<n1>{_NUMBER})(?:\s+(?P<u1>{unit}))?(?P<gap>{gap})"
        rf"(?P<n2>{_NUMBER})(?:\s+(?P<u2>{unit}))?\b",
        re.IGNORECASE,
    )
    place = re.compile(
        rf"\b(?P<prep>from|to)\s+(?P<a>[A-Za-z][\w'.]*(?:\s+[A-Za-z][\w'.]*){{0,2}}?)"
        rf"(?P<gap>{gap})(?P=prep)\s+",
        re.IGNORECASE,
    )
    return count, place, option


def _has_word(gap: str) -> bool:
    return bool(re.search(r"[a-z]", gap, re.IGNORECASE))


@lru_cache(maxsize=4096)
def restated(text: str) -> str:
    """``text`` with a count, place or option corrected in the same message said once, as
    meant."""
    count, place, option = _patterns()

    def one_count(m: re.Match[str]) -> str:
        unit = m.group("u2") or m.group("u1")
        if unit is None or not _has_word(m.group("gap")):
            return m.group(0)
        if (
            m.group("u1")
            and m.group("u2")
            and m.group("u1")[:4].lower() != m.group("u2")[:4].lower()
        ):
            return m.group(0)  # "2 rooms, no, 3 nights": two different things
        return f"{m.group('n2')} {unit}"

    def one_place(m: re.Match[str]) -> str:
        if not _has_word(m.group("gap")):
            return m.group(0)
        return f"{m.group('prep')} "

    def one_option(m: re.Match[str]) -> str:
        return "" if _has_word(m.group("gap")) else m.group(0)

    return option.sub(one_option, place.sub(one_place, count.sub(one_count, text)))


@lru_cache(maxsize=1)
def _wrong() -> tuple[tuple[str, re.Pattern[str]], ...]:
    raw = datafiles.load("corrections")["wrong"]
    return tuple((str(part), re.compile(str(pattern))) for part, pattern in raw.items())


def wrong_part(text: str) -> str | None:
    """The part a message says is wrong ("wrong day!" → ``day``, "oops, wrong airport" →
    ``airport``), in table order (``data/corrections.yaml`` ``wrong``), or None."""
    low = " ".join(text.lower().replace("’", "'").split())
    return next((part for part, pattern in _wrong() if pattern.search(low)), None)
