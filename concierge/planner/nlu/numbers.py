"""Counts as people write them: digits, number words, "a couple", "me and two colleagues"."""

from __future__ import annotations

import itertools
import re
from typing import Final

WORDS: Final[dict[str, int]] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple": 2,
    "pair": 2,
    "both": 2,
    "a couple": 2,
    "a couple of": 2,
    "a pair of": 2,
    "dozen": 12,
    "solo": 1,
    "alone": 1,
}
ORDINALS: Final[dict[str, int]] = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
}
_NUM = (
    r"(\d{1,3}|a couple of|a couple|a pair of|couple of|couple|"
    + "|".join(
        sorted((w for w in WORDS if " " not in w and w not in {"a", "an"}), key=len, reverse=True)
    )
    + ")"
)
_PEOPLE = r"(?:people|persons?|passengers?|pax|travell?ers?|adults?|children|child|kids?|infants?|seats?|tickets?|tix|guests?|of us|employees|colleagues|coworkers|co-workers|teammates|engineers|folks|ppl)"
_COMPANIONS = r"(?:colleagues?|coworkers?|co-workers?|teammates?|friends?|others?|people|persons?|(?:members?|people) of my team|managers?|boss(?:es)?|reports?|engineers?|guests?|clients?|customers?|partners?|wife|husband|spouse|kids?|children|sons?|daughters?)"

_COUNT_PEOPLE = re.compile(rf"\b{_NUM}\s+(?:more\s+|other\s+|extra\s+)?{_PEOPLE}\b")
_COUNT_ANY = re.compile(rf"\b({_NUM[1:-1]}|a|an)\s+(?:more\s+|other\s+|extra\s+)?{_PEOPLE}\b")
_PARTY = re.compile(rf"\b(?:party|group|team) of\s+{_NUM}\b")
_FOR_N = re.compile(
    rf"\bfor\s+{_NUM}\b(?!\s*(?:nights?|days?|weeks?|hours?|h\b|pm|am|:|rooms?|stars?|usd|eur|gbp|\$|%))"
)
_ME_AND = re.compile(
    rf"\b(?:me|myself|i)\s+(?:and|\+|plus|with)\s+(?:my\s+)?(?:{_NUM}\s+)?(?P<who>{_COMPANIONS})\b"
)
_AND_ME = re.compile(
    rf"\b(?:my\s+)?(?:{_NUM}\s+)?(?P<who>{_COMPANIONS})\s+(?:and|\+|&)\s+(?:i|me|myself)\b"
)
_ME_AND_NAME = re.compile(r"\b(?:me|myself)\s+(?:and|\+|plus)\s+(?!my\b)[a-z]+\b")
_ROOMS = re.compile(rf"\b{_NUM}\s+(?:hotel\s+)?rooms?\b")
_NIGHTS = re.compile(rf"\b{_NUM}\s+nights?\b")
_JUST_ME = re.compile(r"\b(?:just me|only me|myself only|just myself|alone|solo|one person)\b")


def word_number(text: str) -> int | None:
    """``"two"`` → 2, ``"3"`` → 3, ``"a couple of"`` → 2; None if not a count."""
    key = " ".join(text.lower().split())
    if key.isdigit():
        return int(key)
    return WORDS.get(key) or WORDS.get(key.removesuffix(" of"))


def passengers(text: str) -> int | None:
    """How many travel, when the text says so.

    "for 2 people", "two passengers", "party of four", "me and 2 colleagues" (3),
    "me and my manager" (2), "just me" (1). ``text`` is lower-case.
    """
    match = _ME_AND.search(text) or _AND_ME.search(text)
    if match:
        extra = word_number(match.group(1)) if match.group(1) else None
        if extra is None:
            who = match.group("who")
            plural = who in {"children", "people", "kids"} or (
                who.endswith("s") and not who.endswith("ss")
            )
            extra = 2 if plural else 1
        return 1 + extra
    if _ME_AND_NAME.search(text):
        return 2
    groups = list(_COUNT_ANY.finditer(text))
    if len(groups) > 1 and all(
        re.fullmatch(r"\s*(?:,|and|&|\+|plus|,\s*and)\s*", text[a.end() : b.start()])
        for a, b in itertools.pairwise(groups)
    ):
        # "two adults and a child": the groups add up.
        return sum(word_number(g.group(1)) or 0 for g in groups) or None
    for pattern in (_COUNT_PEOPLE, _PARTY):
        match = pattern.search(text)
        if match:
            count = word_number(match.group(1))
            if count:
                more = re.search(r"\b(?:more|other|extra)\b", match.group(0))
                return count + 1 if more and re.search(r"\b(?:me|i)\b", text) else count
    if _JUST_ME.search(text):
        return 1
    match = _FOR_N.search(text)
    if match:
        count = word_number(match.group(1))
        if count and 1 <= count <= 99 and not re.search(r"\bfor\s+\d{1,2}(st|nd|rd|th)\b", text):
            return count
    return None


def rooms(text: str) -> int | None:
    match = _ROOMS.search(text)
    return word_number(match.group(1)) if match else None


def nights(text: str) -> int | None:
    match = _NIGHTS.search(text)
    if match:
        return word_number(match.group(1))
    if re.search(r"\bfor (?:a|one|1) week\b|\ba week(?:'s)? stay\b", text):
        return 7
    if re.search(r"\bfor (?:two|2) weeks\b|\bfor a fortnight\b", text):
        return 14
    if re.search(r"\b(?:overnight|one night|a night)\b", text):
        return 1
    return None
