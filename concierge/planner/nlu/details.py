"""Which details of one's own profile a question asks for ("who do I report to?", "what's
my frequent flyer number on file?"): the facets of ``data/profile.yaml``, in the order
that file lists them. Pure functions, no I/O."""

from __future__ import annotations

import re
from functools import cache

from concierge.planner.nlu import datafiles


@cache
def _facets() -> tuple[tuple[str, re.Pattern[str]], ...]:
    raw: dict[str, list[str]] = datafiles.load("profile")["facets"]
    return tuple((name, re.compile("|".join(alts), re.IGNORECASE)) for name, alts in raw.items())


def asked(text: str) -> list[str]:
    """The profile facets ``text`` names (empty: the whole profile is asked for)."""
    return [name for name, pattern in _facets() if pattern.search(text)]
