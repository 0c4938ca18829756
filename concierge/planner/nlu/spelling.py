"""Near-miss spellings of the words the readers key on ("decmber", "tomorow", "nigths").

One vocabulary for every reader (months, weekdays, relative days, units of
stay, people), matched with ``rapidfuzz`` instead of a list of known typos: a
word of five letters or more that is not itself in the vocabulary becomes the
closest vocabulary word when it keeps its first letter and scores at least
``CUTOFF`` (normalised Indel similarity, so one swapped or dropped letter in a
six-letter word passes and a different word does not).

The intent keywords ("hotel", "flight", "cancel", "approve"…) are data
(``data/intents.yaml`` keywords) and stricter: ``fix_keywords`` runs on every message
before any reader, so "hotle in atlanta" is a hotel request; a keyword is reached only
one typo away (optimal string alignment), never from an ordinary word in the data's
``keep`` list nor from a place's name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from text_to_num import alpha2digit

from concierge.planner.nlu import datafiles
from core.catalogue.hotels import hotel_brands
from core.catalogue.places import lookup_place, unserved_places

CUTOFF: Final = 80.0

VOCABULARY: Final[tuple[str, ...]] = (
    # months and weekdays (the short forms are too short to correct safely)
    "january", "february", "march", "april", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    # relative days and spans
    "tomorrow", "tonight", "weekend", "weekends", "fortnight", "night", "nights", "weeks", "month",
    "months", "returning",
    # people (singular and plural: neither may become the other)
    "people", "person", "persons", "passenger", "passengers", "traveller", "travellers", "traveler",
    "travelers", "colleague", "colleagues", "coworker", "coworkers", "teammate", "teammates",
    # cabins ("busines class", "premuim", "econmy"; "first" is too short to correct safely)
    "business", "economy", "premium",
)  # fmt: skip
_KNOWN: Final = frozenset(VOCABULARY)
# Words close to a vocabulary word that are words in their own right.
_KEEP: Final = frozenset(
    {"mouths", "nightly", "weekly", "augusta", "marching", "peoples", "tight", "tighter"}
    | {"businesses", "businessman", "economic", "premiums"}
)
_WORD: Final = re.compile(r"[a-z]{5,}")


@lru_cache(maxsize=8192)
def number_word(word: str) -> bool:
    """A number or an ordinal in words ("three", "fourth", "twentieth"), as ``text_to_num``
    reads them: never corrected into another word ("three" is no "there")."""
    low = word.lower()
    return low.isalpha() and alpha2digit(low, "en", threshold=0) != low


@lru_cache(maxsize=8192)
def correct(word: str) -> str:
    """The vocabulary word ``word`` misspells, or ``word`` itself."""
    if word in _KNOWN or word in _KEEP or number_word(word):
        return word
    hit = process.extractOne(word, VOCABULARY, scorer=fuzz.ratio, score_cutoff=CUTOFF)
    if hit is None or hit[0][0] != word[0]:
        return word
    return hit[0]


def fix(low: str) -> str:
    """``low`` (lower case) with misspelt vocabulary words corrected."""
    return _WORD.sub(lambda m: correct(m.group(0)), low)


def _brand_words() -> set[str]:
    """The word that names each hotel brand of the catalogue ("marriott", "novotel",
    "citizenm"): a keyword too, so "any Marriot in Chicago" asks for a stay."""
    return {b.split()[0].lower() for b in hotel_brands() if b.split()[0].isalpha()}


@lru_cache(maxsize=1)
def _keywords() -> tuple[tuple[str, ...], frozenset[str]]:
    """The intent keywords (``data/intents.yaml`` keywords and the catalogue's hotel
    brands) and the ordinary words kept."""
    raw: dict[str, Any] = datafiles.load("intents")["keywords"]
    words = [str(w) for w in raw["words"]]
    words += sorted(_brand_words() - set(words))
    return tuple(words), frozenset(str(w) for w in raw["keep"])


@lru_cache(maxsize=1)
def _from_four() -> tuple[str, ...]:
    """The keywords a four-letter word may misspell by a dropped letter ("hotl")."""
    raw: dict[str, Any] = datafiles.load("intents")["keywords"]
    return tuple(str(w) for w in raw.get("from_four") or ())


def _short_keyword(word: str) -> str:
    """The keyword a four-letter ``word`` misspells with one letter dropped ("hotl" →
    "hotel"), same first letter; or ``word`` itself."""
    if len(word) != 4 or not word.isalpha() or word in _keywords()[1]:
        return word
    for right in _from_four():
        if len(right) == 5 and right[0] == word[0] and OSA.distance(word, right) == 1:
            return word if lookup_place(word, fuzzy=False) is not None else right
    return word


@lru_cache(maxsize=8192)
def keyword(word: str) -> str:
    """The intent keyword ``word`` (lower case) misspells ("hotle" → "hotel", "fligth" →
    "flight"), or ``word`` itself: one typo from five letters, two from eleven (optimal
    string alignment: a swap is one), same first letter, and only one keyword that close
    (its forms count as one: "hotell" is "hotel")."""
    words, keep = _keywords()
    if len(word) == 4:
        return _short_keyword(word)
    if (
        len(word) < 5
        or word in keep
        or word in words
        or word in _KNOWN
        or not word.isalpha()
        or number_word(word)
    ):
        return word
    limit = 2 if len(word) >= 11 else 1
    hits = process.extract(word, words, scorer=OSA.distance, score_cutoff=limit, limit=5)
    hits = [h for h in hits if h[0][0] == word[0]]
    if not hits:
        return word
    best = min(h[1] for h in hits)
    closest = sorted({h[0] for h in hits if h[1] == best}, key=len)
    if not all(other.startswith(closest[0]) for other in closest):
        return word
    if lookup_place(word, fuzzy=False) is not None or unserved_places(word):
        return word  # "Brookings" is a town, not "bookings"
    return closest[0]  # "hotell": hotel or hotels, one keyword: its plain form


_ANY_WORD: Final = re.compile(r"[A-Za-z]{4,}")


def fix_keywords(text: str) -> str:
    """``text`` with misspelt intent keywords corrected, the rest as written (a capital
    first letter stays one)."""

    def fixed(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.isupper() and len(word) > 1 and not word.islower():
            return word  # "HOTLE" shouting is rare; codes and names are not keywords
        right = keyword(word.lower())
        if right == word.lower():
            return word
        return right[:1].upper() + right[1:] if word[0].isupper() else right

    return _ANY_WORD.sub(fixed, text)
