"""Several requests in one message: where to cut it (``data/requests.yaml``).

"When's my flight home from London, and what's the hotel called again?" is two
questions; "cancel my paris trip and look at the 10th instead" an action and a search.
``cut`` splits a message at the clause markers of the table; whether each piece is a
request of its own (and what it refers back to) is the dialogue's to judge
(``flows/several.py``), from how each piece reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from concierge.planner.nlu import datafiles


@dataclass(frozen=True)
class _Tables:
    cut: re.Pattern[str]
    lead: re.Pattern[str]
    refer_back: re.Pattern[str]
    conditional: re.Pattern[str]
    instead: re.Pattern[str]
    requests: frozenset[str]
    kept_whole: frozenset[tuple[str, str]]
    elliptic: frozenset[str]
    answers: frozenset[str]
    whole_wins: frozenset[str]
    questions: frozenset[str]
    asking: re.Pattern[str]
    told: re.Pattern[str]
    own_day_told: re.Pattern[str]
    own_trip_named: re.Pattern[str]
    supposing: re.Pattern[str]


@cache
def tables() -> _Tables:
    raw = datafiles.load("requests")
    cuts = []
    for cut in raw["cuts"]:
        for slot in ("comma_opener", "opener", "joiners"):
            cut = str(cut).replace("{" + slot + "}", str(raw[slot]))
        cuts.append(cut)
    return _Tables(
        cut=re.compile("|".join(f"(?:{c})" for c in cuts), re.I),
        lead=re.compile(str(raw["lead"]), re.I),
        refer_back=re.compile(str(raw["refer_back"]), re.I),
        conditional=re.compile(str(raw["conditional"]), re.I),
        instead=re.compile(str(raw["instead"]), re.I),
        requests=frozenset(str(i) for i in raw["requests"]),
        kept_whole=frozenset((str(a), str(b)) for a, b in raw["kept_whole"]),
        elliptic=frozenset(str(i) for i in raw["elliptic"]),
        answers=frozenset(str(i) for i in raw["answers"]),
        whole_wins=frozenset(str(i) for i in raw["whole_wins"]),
        questions=frozenset(str(i) for i in raw["questions"]),
        asking=re.compile(str(raw["asking"]), re.I),
        told=re.compile(str(raw["told"]), re.I),
        own_day_told=re.compile(str(raw["own_day_told"]), re.I),
        own_trip_named=re.compile(str(raw["own_trip_named"]), re.I),
        supposing=re.compile(str(raw["supposing"]), re.I),
    )


def own_day_told(text: str) -> bool:
    """A clause telling when the traveller flies ("I fly thursday", "I'm leaving on the
    3rd"): after a question about a booked trip, that trip's day, told as context."""
    return tables().own_day_told.search(text or "") is not None


def own_trip_named(text: str) -> bool:
    """A clause that only names one of the traveller's own trips ("for my London trip on
    the 14th"): the subject of the request beside it, never a search of its own."""
    return tables().own_trip_named.search(text or "") is not None


def cut(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The message without its lead-in ("Two things: …") and the spans of its clauses in
    it, in order, markers left out; one span when it has no marker."""
    t = tables()
    said = t.lead.sub("", (text or "").strip())
    spans: list[tuple[int, int]] = []
    start = 0
    for m in [*t.cut.finditer(said), None]:
        end = m.start() if m is not None else len(said)
        piece = said[start:end]
        if re.search(r"\w", piece):
            lead = len(piece) - len(piece.lstrip(" ,;"))
            spans.append((start + lead, start + len(piece.rstrip(" ,;"))))
        if m is not None:
            start = m.end()
    return said, spans or [(0, len(said))]


def refers_back(text: str) -> bool:
    """The clause points at what an earlier one named ("the cap there", "that route")."""
    return tables().refer_back.search(text or "") is not None


def conditional(text: str) -> bool:
    """The clause starts on the answer to the one before it ("if so, ...", "if not, ...")."""
    return tables().conditional.match(text or "") is not None


def replacing(text: str) -> str | None:
    """The clause without its word of replacing ("look at the 10th instead" → "look at the
    10th"); None when it has none."""
    pattern = tables().instead
    if pattern.search(text or "") is None:
        return None
    return pattern.sub("", text).strip(" ,")


def is_request(intent: str) -> bool:
    return intent in tables().requests


def kept_whole(first: str, second: str) -> bool:
    """Two neighbouring clauses of these intents are one request (the trip read whole)."""
    return (str(first), str(second)) in tables().kept_whole


def elliptic(intent: str) -> bool:
    """A clause with no verb after one of these does the same ("…, and then the paris one")."""
    return intent in tables().elliptic


def answers_a_question(intent: str) -> bool:
    """A message of this intent answers the question asked: the requests waiting for it go on."""
    return intent in tables().answers


_HEAD = re.compile(r"\s*[,;:.!?—–-]+\s*")


def head(text: str) -> str:
    """The message up to its first punctuation ("no, keep paris" → "no")."""
    return _HEAD.split((text or "").strip(), maxsplit=1)[0]


def whole_wins(intent: str) -> bool:
    """A message reading whole as this is never cut (an instruction planted in it, a
    request the product can't do)."""
    return intent in tables().whole_wins


def is_question_kind(intent: str) -> bool:
    """A clause of this intent is a request of its own only when it asks something."""
    return intent in tables().questions


def asks(text: str) -> bool:
    """The clause starts the way a question does ("whats the hotel cap there")."""
    return tables().asking.match((text or "").strip()) is not None


def supposing(text: str) -> bool:
    """A clause supposing what the traveller might do ("if I book a flight for this
    Thursday, does it need approving?"): the case the question beside it asks about."""
    return tables().supposing.match(text or "") is not None


def told(text: str) -> bool:
    """A clause that tells what someone else wants of the traveller ("the client wants me
    in London through the weekend"): the context of the request beside it, not one."""
    return tables().told.search(text or "") is not None
