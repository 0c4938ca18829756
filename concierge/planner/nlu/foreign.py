"""A few words of another language mixed into an English request ("hola! necesito un
vuelo from Chicago to Madrid el 15 de diciembre, por favor"), put into English before any
other reader sees the message.

The words are data (``data/foreign.yaml``): whole words, case-insensitive. The little
words a date or a route is built with ("el 15 de diciembre", "del 9 al 12 de dic", "de
Nueva York a Madrid") are read only there, since "a" and "de" are English too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from concierge.planner.nlu import datafiles


def _alternation(keys: list[str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    raw = datafiles.load("foreign")
    months = {str(k).lower(): str(v) for k, v in raw["months"].items()}
    words = {str(k).lower(): str(v) for k, v in raw["words"].items()}
    table = {**words, **months}
    word = re.compile(rf"(?<![\w/])(?:{_alternation(list(table))})(?![\w/])", re.IGNORECASE)
    month = rf"(?:{_alternation(list(months))}|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)"
    # "el 15 de diciembre", "del 9 al 12 de diciembre", "15 de dic"
    dated = re.compile(
        rf"\b(?:(?P<on>el)\s+|(?P<from>del)\s+)?(?P<d>\d{{1,2}})"
        rf"(?:\s+al\s+(?P<d2>\d{{1,2}}))?\s+de\s+(?P<m>{month})\b",
        re.IGNORECASE,
    )
    # "de Nueva York a Madrid": a route between two names written with capitals
    route = re.compile(
        r"\bde\s+(?P<a>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)\s+a\s+(?=[A-Z])",
    )
    return table, word, dated, route


@lru_cache(maxsize=4096)
def in_english(text: str) -> str:
    """``text`` with the other language's words of ``data/foreign.yaml`` in English;
    English left as written."""
    table, word, dated, route = _tables()
    if not word.search(text) and not dated.search(text):
        return text

    def date(m: re.Match[str]) -> str:
        lead = "on " if m.group("on") else "from " if m.group("from") else ""
        if m.group("d2"):
            lead = lead or "from "
            return f"{lead}{m.group('d')} to {m.group('d2')} {m.group('m')}"
        return f"{lead}{m.group('d')} {m.group('m')}"

    out = word.sub(lambda m: table[m.group(0).lower()], text)
    out = dated.sub(date, out)
    # "del 9 al 12" with the month said elsewhere
    out = re.sub(r"\bdel\s+(\d{1,2})\s+al\s+(\d{1,2})\b", r"from \1 to \2", out, flags=re.I)
    out = re.sub(r"\bel\s+(?=\d{1,2}\b)", "on the ", out, flags=re.I)
    out = route.sub(lambda m: f"from {m.group('a')} to ", out)
    return out
