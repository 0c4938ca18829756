"""Near-miss spellings of the words the readers key on ("decmber", "tomorow", "nigths").

One vocabulary for every reader (months, weekdays, relative days, units of
stay, people), matched with ``rapidfuzz`` instead of a list of known typos: a
word of five letters or more that is not itself in the vocabulary becomes the
closest vocabulary word when it keeps its first letter and scores at least
``CUTOFF`` (normalised Indel similarity, so one swapped or dropped letter in a
six-letter word passes and a different word does not).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz, process

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
    {"mouths", "nightly", "weekly", "augusta", "marching", "peoples"}
    | {"businesses", "businessman", "economic", "premiums"}
)
_WORD: Final = re.compile(r"[a-z]{5,}")


@lru_cache(maxsize=8192)
def correct(word: str) -> str:
    """The vocabulary word ``word`` misspells, or ``word`` itself."""
    if word in _KNOWN or word in _KEEP:
        return word
    hit = process.extractOne(word, VOCABULARY, scorer=fuzz.ratio, score_cutoff=CUTOFF)
    if hit is None or hit[0][0] != word[0]:
        return word
    return hit[0]


def fix(low: str) -> str:
    """``low`` (lower case) with misspelt vocabulary words corrected."""
    return _WORD.sub(lambda m: correct(m.group(0)), low)
