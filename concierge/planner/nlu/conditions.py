"""A booking asked for on a condition: "if it's under $400 book it", "if there's a nonstop
before noon grab it, otherwise show me what's there", "book the cheapest if it's under
400", "anything under 200? if so grab it", "is the evening one within policy? if so book
it" (phrases: data/conditions.yaml).

``read`` finds the condition and what it asks of the option: a price it must be under,
a time it must leave before or after, nonstop, within policy. Those words are a test for
the option, not a filter of the search: ``spans`` are where they stand in the message,
so the request can be read without them (nlu.intents) and the day searched as asked;
flows/conditional.py then holds an option only when one meets the condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from concierge.planner.nlu import datafiles


@dataclass(frozen=True)
class Condition:
    clause: str  # the condition's words, as written
    under: float | None = None  # per person (flights) or per night (hotels), major units
    before: str | None = None  # HH:MM: it leaves at or before
    after: str | None = None  # HH:MM: it leaves at or after
    direct: bool = False
    green: bool = False  # within policy
    lands: bool = False  # the times are the landing's ("if it lands before 5")
    refundable: bool = False  # the fare can be refunded
    spans: tuple[tuple[int, int], ...] = ()  # the constraint words, in the message

    @property
    def tests(self) -> bool:
        """It asks something of the option besides being there."""
        return bool(
            self.under is not None
            or self.before
            or self.after
            or self.direct
            or self.green
            or self.refundable
        )


@cache
def _tables() -> dict[str, Any]:
    raw: dict[str, Any] = datafiles.load("conditions")

    def one(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in patterns))

    verbs = "|".join(raw["verbs"])
    objects = "|".join(raw["objects"])
    fillers = "|".join(raw["fillers"])
    back = "|".join(raw["refers_back"])
    book = rf"(?:(?:{fillers})\s+)*(?:{verbs})\s+(?:{objects})\b"
    return {
        # "if <clause>, (then) (just) book it"
        "if_then": re.compile(rf"\bif\b(?P<cond>[^.!?;]*?)[\s,:-]*{book}"),
        # "book it / the cheapest if <clause>"
        "then_if": re.compile(
            rf"\b(?:{verbs})\s+(?:it|that(?: one)?|them|the\s+[\w'-]+(?:\s+one)?)\s+(?:only\s+)?if\b(?P<cond>[^.!?;]*)"
        ),
        "back": re.compile(rf"^\s*(?:{back})\s*$"),
        "under": one(raw["under"]),
        "before": [re.compile(p) for p in raw["before"]],
        "after": [re.compile(p) for p in raw["after"]],
        "direct": one(raw["direct"]),
        "green": one(raw["green"]),
        "green_request": one(raw["green_request"]),
        "lands": one(raw["lands"]),
        "refundable": one(raw["refundable"]),
        "yes_if": re.compile(
            rf"^\W*(?:{raw['yes_if']['opens']})\b[\s,.!:;—–-]*(?:{raw['yes_if']['joins']})"
            r"(?P<cond>[^.!?;]+)[.!?\s]*$"
        ),
    }


_SENTENCE_END = re.compile(r"[.!?]+\s*")


def read(text: str) -> Condition | None:
    """The condition a booking request is made on, or None when it books (or asks)
    without one."""
    low = (text or "").lower().replace("’", "'")
    t = _tables()
    m = t["if_then"].search(low) or t["then_if"].search(low)
    if m is None:
        return None
    start, end = m.span("cond")
    if t["back"].match(low[start:end]):
        # "anything under 200? if so grab it": the question before is the condition
        before = low[: m.start()].rstrip()
        sentences = [s for s in _SENTENCE_END.split(before) if s.strip()]
        if not sentences:
            return None
        last = sentences[-1]
        start = before.rfind(last)
        end = start + len(last)
    return _constraints(text, low, start, end)


def green_asked(text: str) -> bool:
    """The request asks for an option within policy, said of the option it books ("the
    cheapest biz class that doesn't need approval", "the cheapest 4-star within our
    limit"): being green is then a condition of the hold."""
    low = " ".join((text or "").lower().replace("’", "'").split())
    return _tables()["green_request"].search(low) is not None


def yes_if(text: str) -> Condition | None:
    """A yes on a condition ("yes but only if it's refundable", "ok as long as it's in
    policy"), or None: a plain yes, a yes with something else, no yes."""
    low = (text or "").lower().replace("’", "'")
    m = _tables()["yes_if"].match(low)
    if m is None:
        return None
    cond = _constraints(text, low, *m.span("cond"))
    return cond if cond.tests else None


def _constraints(text: str, low: str, start: int, end: int) -> Condition:
    """What the condition in ``low[start:end]`` asks of the option."""
    t = _tables()
    clause = low[start:end]
    spans: list[tuple[int, int]] = []
    under = None
    found = t["under"].search(clause)
    if found:
        amount = float(found.group("amount").replace(",", ""))
        under = amount * 1000 if found.group("k") else amount
        spans.append((start + found.start(), start + found.end()))
    before_at = after_at = None
    for key in ("before", "after"):
        hit = next((h for p in t[key] if (h := p.search(clause))), None)
        if hit:
            at = _clock(hit.group("at"))
            if at is not None:
                spans.append((start + hit.start(), start + hit.end()))
                if key == "before":
                    before_at = at
                else:
                    after_at = at
    direct = t["direct"].search(clause)
    if direct:
        spans.append((start + direct.start(), start + direct.end()))
    green = bool(t["green"].search(clause))
    lands = bool(t["lands"].search(clause))
    refundable = bool(t["refundable"].search(clause))
    if lands and before_at and int(before_at[:2]) < 7 and not re.search(r"\d\s*am\b", clause):
        before_at = f"{int(before_at[:2]) + 12:02d}{before_at[2:]}"  # "lands before 5": 17:00
    return Condition(
        clause=text[start:end].strip(" ,"),
        under=under,
        before=before_at,
        after=after_at,
        direct=bool(direct),
        green=green,
        lands=lands,
        refundable=refundable,
        spans=tuple(spans),
    )


def _clock(said: str) -> str | None:
    said = said.strip().replace(".", "")
    if said in ("noon", "midday"):
        return "12:00"
    m = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s*(am|pm)?", said)
    if m is None:
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def masked(text: str, cond: Condition) -> str:
    """``text`` without the condition's constraint words (same length)."""
    out = list(text)
    for a, b in cond.spans:
        out[a:b] = " " * (b - a)
    return "".join(out)


def met_on_hold(cond: Condition, about: dict[str, Any]) -> bool | None:
    """Whether what a confirmation asks about (its ``about``: ``refundable``, ``policy``)
    meets a yes's condition; None when the condition asks what it does not tell (a price,
    a time: the planner answers those)."""
    if cond.under is not None or cond.before or cond.after or cond.direct:
        return None
    checks: list[bool] = []
    if cond.refundable:
        if about.get("refundable") is None:
            return None
        checks.append(bool(about["refundable"]))
    if cond.green:
        if about.get("policy") is None:
            return None
        checks.append(about["policy"] == "green")
    return all(checks) if checks else None
