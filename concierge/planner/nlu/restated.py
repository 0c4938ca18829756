"""A count, a place or an option said and corrected in the same breath ("a hotel for 3
nights, no wait, 4 nights", "2 nights - actually make that 3", "for 2 people, sorry, 3",
"flights from Boston, no, from Chicago, to Atlanta", "the 12:15 one... no wait, the 13:55
from Gatwick"): the one corrected away is dropped before
the readers see the message, so each reads only what the user meant.

What may stand between the two is data (``data/corrections.yaml``: ``restated_words``,
``restated_units``, ``restated_pick``); days corrected so are dates.py's (``between``).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from concierge.planner.nlu import datafiles
from concierge.planner.nlu.places import PlaceMention, find_places

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


_SMALL = r"(?:[1-9]|one|two|three|four|five|six|seven|eight|nine)"


@lru_cache(maxsize=1)
def _far_count() -> re.Pattern[str]:
    """A count with its unit and, later in the message, after a correction word, a bare
    count that replaces it ("3 seats London→Paris 15 Dec... actually make that 2", "4
    tickets to Boston on the 14th, no, make it 3, Tom can't come"): the later count ends its
    clause, one digit or a word (never a day: "make it the 15th" is dates.py's)."""
    raw = datafiles.load("corrections")
    words, unit = raw["restated_words"], raw["restated_units"]
    punct = r"[\s,;:.!…—–()-]"
    return re.compile(
        rf"\b(?P<n1>{_SMALL})\s+(?P<u1>{unit})\b(?P<mid>[^?\n]{{1,60}}?)"
        rf"(?P<gap>{punct}+(?:\b(?:{words})\b{punct}*)+)"
        rf"(?P<n2>{_SMALL})(?:\s+(?P<u2>{unit})\b)?(?=\s*(?:$|[,.;!…—–-]))",
        re.IGNORECASE,
    )


def _count_said_again(text: str) -> str:
    m = _far_count().search(text)
    if m is None:
        return text
    unit = datafiles.load("corrections")["restated_units"]
    if re.search(rf"\b{_SMALL}\s+{unit}", m.group("mid"), re.IGNORECASE):
        return text  # another count in between: which one is corrected is not said
    u2 = m.group("u2")
    if u2 and u2[:4].lower() != m.group("u1")[:4].lower():
        return text
    kept = text[m.end("n1") : m.start("gap")]
    return text[: m.start("n1")] + m.group("n2") + kept + text[m.end() :]


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

    return _place_said_again(
        option.sub(one_option, place.sub(one_place, _count_said_again(count.sub(one_count, text))))
    )


@lru_cache(maxsize=1)
def _correcting_gap() -> re.Pattern[str]:
    words = datafiles.load("corrections")["restated_words"]
    punct = r"[\s,;:.!…—–()-]"
    return re.compile(rf"{punct}*(?:\b(?:{words})\b{punct}*)+", re.IGNORECASE)


def _place_said_again(text: str) -> str:
    """A place corrected by another named right after correction words, with no "from" or
    "to" of its own ("a flight to Boston, sorry I mean Chicago", "LGA to Miami, actually
    make that Newark"): the new one stands where the place it corrects was said — the one
    of the same city when there is one (an airport swapped for another of its metro), else
    the place said just before the correction."""
    found = find_places(text)
    for prev, new in itertools.pairwise(found):
        gap = text[_end(prev) : new.start]
        head = _corrected_by(gap)
        if new.place is None or head is None or _ADDED.match(text[_end(new) :]):
            continue
        same = [
            m
            for m in found
            if m.start < new.start and m.place is not None and m.place.city == new.place.city
        ]
        old: PlaceMention = same[-1] if same else prev
        kept = text[_end(old) : _end(prev)]  # "to Miami" when the airport before it changed
        kept += gap[:head]  # " on the 8th of January" before ". Actually make that"
        if head and re.search(r"\w", text[_end(new) :]):
            # "on the 10th, no, Chicago on the 11th": the correction words stay for what
            # follows the new place (dates.py's day corrected so)
            kept += gap[head:].rstrip()
        return _place_said_again(
            text[: old.start] + text[new.start : _end(new)] + kept + text[_end(new) :]
        )
    return text


# A clause boundary in the words between two places: "London on the 8th of January.
# Actually make that Paris." corrects London as "London, actually Paris" does.
_CLAUSE_END = re.compile(r"[.;!?,—–]")
# ... unless the new place is added, not put in the old one's stead ("actually Paris too").
_ADDED = re.compile(r"\s*(?:too|as well|also)\b", re.IGNORECASE)


def _corrected_by(gap: str) -> int | None:
    """Where the correction starts in the words between two places when they correct the
    first by the second: only correction words (0), or any words then, after a clause's
    end, only correction words (that end); None when they don't."""
    for start in [0, *(m.start() for m in _CLAUSE_END.finditer(gap))]:
        tail = gap[start:]
        if _has_word(tail) and _correcting_gap().fullmatch(tail):
            return start
    return None


def _end(m: PlaceMention) -> int:
    """Where a place's own name ends: a mention read with what follows a comma ("Dublin,
    Ireland"; "Boston, sorry I mean ...") ends at the comma."""
    return m.start + m.text.index(",") if "," in m.text else m.end


@lru_cache(maxsize=1)
def _wrong() -> tuple[tuple[str, re.Pattern[str]], ...]:
    raw = datafiles.load("corrections")["wrong"]
    return tuple((str(part), re.compile(str(pattern))) for part, pattern in raw.items())


def wrong_part(text: str) -> str | None:
    """The part a message says is wrong ("wrong day!" → ``day``, "oops, wrong airport" →
    ``airport``), in table order (``data/corrections.yaml`` ``wrong``), or None."""
    low = " ".join(text.lower().replace("’", "'").split())
    return next((part for part, pattern in _wrong() if pattern.search(low)), None)
