"""Shorthand as people type it in a hurry ("3 nts", "2 ppl", "nxt wk", "tmrw"), written
out in full before any reader sees the message.

The table is data (``data/shorthand.yaml``): whole words only, case-insensitive, and
units of a count may be glued to their number ("3nts" → "3 nights"). Every reader
(dates, counts, stays, intents) then only knows the full words, so a new shorthand is a
line of data, not a pattern in each reader.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from concierge.planner.nlu import datafiles


@lru_cache(maxsize=1)
def _glued_dates() -> re.Pattern[str]:
    months = "|".join(str(m) for m in datafiles.load("shorthand")["glued_date_months"])
    return re.compile(
        rf"(?<![\w/])(?:(?P<d>\d{{1,2}})(?P<m>{months})(?P<y>\d{{2}})?|(?P<m2>{months})(?P<d2>\d{{1,2}}))"
        r"(?![\w/:])",
        re.IGNORECASE,
    )


def _glued(m: re.Match[str]) -> str:
    if m.group("m2"):
        return f"{m.group('m2')} {m.group('d2')}"
    year = f" 20{m.group('y')}" if m.group("y") else ""
    return f"{m.group('d')} {m.group('m')}{year}"


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], re.Pattern[str]]:
    raw: dict[str, Any] = datafiles.load("shorthand")
    words = {str(k).lower(): str(v) for k, v in (raw.get("words") or {}).items()}
    units = {str(k).lower(): str(v) for k, v in (raw.get("units") or {}).items()}
    table = {**words, **units}

    def alternation(keys: dict[str, str]) -> str:
        return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))

    pattern = re.compile(
        # any shorthand as a word of its own, or a unit glued to its count ("3nts"): the
        # word first, so a word that starts with a digit is itself ("2nite" is "tonight",
        # never "2 night")
        rf"(?<![\w/])(?:(?P<word>{alternation(table)})|(?P<n>\d+)(?P<unit>{alternation(units)}))"
        r"(?![\w/])",
        re.IGNORECASE,
    )
    return table, pattern


@lru_cache(maxsize=4096)
def expand(text: str) -> str:
    """``text`` with its shorthand written out ("london sometime nxt wk" → "london
    sometime next week", "3nts" → "3 nights", "14DEC" → "14 DEC"); everything else
    unchanged."""
    table, pattern = _table()

    def full(m: re.Match[str]) -> str:
        if m.group("n"):
            return f"{m.group('n')} {table[m.group('unit').lower()]}"
        return table[m.group("word").lower()]

    return _glued_dates().sub(_glued, pattern.sub(full, text))


@lru_cache(maxsize=1)
def _list_marker() -> re.Pattern[str]:
    return re.compile(str(datafiles.load("shorthand")["list_marker"]), re.MULTILINE)


@lru_cache(maxsize=1024)
def unlisted(text: str) -> str:
    """``text`` written as a list ("1. fly to Chicago Wed 6 Jan\\n2. hotel 3 nights"), its
    items' markers dropped and each item ended as a clause ("fly to Chicago Wed 6 Jan,\\n
    hotel 3 nights"), so a marker's number is never read as part of the request; any other
    text unchanged (a list needs two items: a lone "1." is a pick)."""
    marker = _list_marker()
    lines = text.split("\n")
    items = [i for i, line in enumerate(lines) if marker.match(line)]
    if len(items) < 2:
        return text
    for i in items:
        item = marker.sub("", lines[i], count=1).rstrip()
        following = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        if following is not None and following in items and item and item[-1] not in ".,;:!?":
            item += ","
        lines[i] = item
    return "\n".join(lines)
