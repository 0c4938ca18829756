"""Holidays named as dates ("Christmas Eve", "Thanksgiving", "Easter Monday").

The names and their rules are data (``data/holidays.yaml``): a fixed day, a weekday
of a month ("4th thu nov"), or a day counted from Easter, each optionally shifted by a
few days. A table of our own rather than the ``holidays`` library: the library answers
"which days are public holidays in country X", while the reader needs "which day does
the traveller mean by this name" — names people say (Christmas Eve, Black Friday, Boxing
Day) that are not all public holidays, in one language, for any year — which is a
handful of rules; Easter is the Gregorian computus (Meeus/Jones/Butcher).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from concierge.planner.nlu import datafiles

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MONTHS = {
    m: n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_NTH = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": -1}
_RULE = re.compile(
    r"^(?:(?P<md>\d\d-\d\d)|(?P<nth>1st|2nd|3rd|4th|last) (?P<wd>[a-z]{3}) (?P<mon>[a-z]{3})"
    r"|(?P<easter>easter))\s*(?P<shift>[+-]\d+)?$"
)


def plain(name: str) -> str:
    """A name as the table keys it: lower case, no apostrophes, single spaces."""
    return " ".join(re.sub(r"['’]", "", name.lower()).split())


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """Holiday name (``plain``) → rule."""
    raw: dict[str, Any] = datafiles.load("holidays")
    rules = {plain(str(name)): str(rule) for name, rule in raw.items()}
    for rule in rules.values():
        if not _RULE.match(rule):
            raise ValueError(f"holidays.yaml: bad rule {rule!r}")
    return rules


def pattern() -> str:
    """A regular expression alternation of every name, longest first (apostrophes optional)."""
    names = sorted(table(), key=len, reverse=True)
    return "|".join(_spelled(n) for n in names)


def _spelled(name: str) -> str:
    # "new years eve" matches "new year's eve" and "new years eve"
    return r"\s+".join(re.sub(r"s$", r"['’]?s", re.escape(w)) for w in name.split())


def easter(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian calendar; the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def in_year(name: str, year: int) -> date | None:
    """The day ``name`` falls on in ``year``; None for a name not in the table."""
    rule = table().get(plain(name))
    if rule is None:
        return None
    m = _RULE.match(rule)
    assert m is not None
    if m.group("md"):
        month, day_n = (int(x) for x in m.group("md").split("-"))
        day = date(year, month, day_n)
    elif m.group("easter"):
        day = easter(year)
    else:
        month = _MONTHS[m.group("mon")]
        wd, nth = _WEEKDAYS[m.group("wd")], _NTH[m.group("nth")]
        if nth > 0:
            first = date(year, month, 1)
            day = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (nth - 1))
        else:
            last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            day = last - timedelta(days=(last.weekday() - wd) % 7)
    return day + timedelta(days=int(m.group("shift") or 0))


def next_on_or_after(name: str, today: date) -> tuple[date, bool] | None:
    """The next time ``name`` comes (``today`` included), and whether that is next year."""
    this_year = in_year(name, today.year)
    if this_year is None:
        return None
    if this_year >= today:
        return this_year, False
    later = in_year(name, today.year + 1)
    return (later, True) if later is not None else None
