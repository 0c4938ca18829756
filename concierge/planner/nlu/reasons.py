"""Why a traveller cancels, in their own words (``cancel_booking``'s ``reason``).

"Cancel the Boston to Paris flight please, the client pushed the meeting to January",
"cancel london trip due to family emergency", "Please cancel the London trip. My manager
said the budget was cut", "We no longer need the Paris booking as the customer postponed
until February, please cancel it": the clause a reason word opens ("because", "due to",
"as", a dash), else the clause after the cancel verb's comma, else a sentence of its own
beside the request. What is cancelled ("flights and hotel"), a courtesy or an apology is
no reason. Patterns are data (``data/reasons.yaml``).
"""

from __future__ import annotations

import re
from functools import cache

from concierge.planner.nlu import datafiles

_MAX = 200  # cancel_booking keeps 500; a reason is a clause, not the whole message
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z]")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(p) for name, p in datafiles.load("reasons").items()}


def _clean(clause: str) -> str | None:
    p = _patterns()
    clause = p["tail"].sub("", clause.strip()).strip(" ,;.!?-–—")
    if len(clause) < 4 or len(clause.split()) < 2 or p["not_reason"].match(clause.lower()):
        return None
    return clause[:1].upper() + clause[1:]


def cancel_reason(text: str, verb_end: int) -> str | None:
    """The reason a cancellation gives; ``verb_end``: where its cancel verb ends in
    ``text``. None when it gives none ("cancel my flight to Paris", "cancel my whole
    london trip, flights and hotel")."""
    p = _patterns()
    found: list[str] = []
    start = 0
    for sentence in _SENTENCES.split(text.strip()):
        at = text.find(sentence, start)
        start = at + len(sentence)
        low = sentence.lower()
        has_verb = at <= verb_end <= at + len(sentence)
        m = p["because"].search(low, max(0, verb_end - at) if has_verb else 0)
        if m is None and has_verb:
            m = p["because"].search(low)
        if m is not None:
            told_before = has_verb and m.end() <= verb_end - at and not _WORD.search(m.group(0))
            # "the workshop got cancelled — can you cancel her trip?": a dash between the
            # reason and the request ends the reason; elsewhere it opens one.
            reason = _clean(
                sentence[: m.start()] if told_before else sentence[m.end() :].split(".")[0]
            )
            if reason:
                found.append(reason)
                continue
        if has_verb:
            comma = sentence.find(",", max(0, verb_end - at))
            reason = _clean(sentence[comma + 1 :]) if comma >= 0 else None
            if reason:
                found.append(reason)
            continue
        if p["courtesy"].match(low.strip()) or sentence.rstrip().endswith("?"):
            continue
        reason = _clean(sentence)
        if reason:
            found.append(reason)
    note = ". ".join(found)
    return note[:_MAX] if note else None
