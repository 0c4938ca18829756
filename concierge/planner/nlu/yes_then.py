"""A yes with something more after it, at a pending confirmation: "yes, and add a hotel
there for two nights", "yep go ahead, also need a car?", "book it and then find me a hotel
near the office", "yes please — and what time does it land?".

The yes stands (the service answers the confirmation with it) and what follows goes on as
the traveller's next request, once the confirmed action has run. What follows must add
something, never change what the yes agrees to: "yes but in business", "yes — actually
the 6:20 one", "yes and for 2 people", "yes, on the 17th instead" are not a yes (the
message goes on as a new one, the confirmation declined). A question whose answer may
change the yes ("yes — is it refundable?", "ok, how much is it all in?") is answered
first, so it is none either. The words are data (``data/answers.yaml``: ``yes_then``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

from concierge.planner.nlu import answers, asks, datafiles, purposes
from concierge.planner.nlu.intents import Intent, understand

__all__ = ["YES_THEN_KEY", "yes_then"]

# The HumanMessage's additional_kwargs key under which the service leaves what follows
# the yes, for the planner to read as the request (the content stays what was typed).
YES_THEN_KEY: Final = "concierge_yes_then"

# Any day will do to read the rest: only what it asks for is looked at, not when.
_READ_AT: Final = datetime(2026, 1, 1, tzinfo=UTC)

# Where a yes may end: between words, or at a punctuation mark.
_WORD: Final = re.compile(r"[\w'’]+|[^\w\s]+")

# What the rest may be: a request or a question of its own, or one the product can't do.
_ADDS: Final = frozenset(
    {
        Intent.SEARCH,
        Intent.ASK_TRIP,
        Intent.OUT_OF_SCOPE,
        Intent.UNSUPPORTED,
        Intent.TRIPS,
        Intent.POLICY,
        Intent.UNKNOWN,
    }
)


@lru_cache(maxsize=1)
def _tables() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    raw = datafiles.load("answers")["yes_then"]
    joiner = re.compile(rf"^(?:{raw['joiners']})\b[\s,.;:!—–-]*", re.I)
    changes = re.compile(rf"^(?:{raw['changes']})\b", re.I)
    anywhere = re.compile(rf"\b(?:{raw['changes_anywhere']})\b", re.I)
    return joiner, changes, anywhere


@lru_cache(maxsize=1)
def _verb_with_object() -> re.Pattern[str]:
    """A yes ending on a verb, its object right after it with no break between."""
    raw = datafiles.load("answers")["yes_then"]
    return re.compile(rf"\b(?:{raw['takes_object']})$", re.I)


def _split(text: str, cancelling: bool | None, asked: answers.Asked | None) -> str | None:
    """What follows the longest opening that is wholly an answer, when that answer is a
    yes ("hmm, hold on, is that a good time?" opens with a pause, not with "hmm, hold");
    None otherwise."""
    marks = [m.end() for m in _WORD.finditer(text)]
    for end in reversed(marks[:-1]):
        head, rest = text[:end], text[end:]
        if not re.search(r"\w", rest):
            continue
        reading = answers.classify(head, cancelling=cancelling, asked=asked)
        if reading.answer is not None:
            if reading.answer != answers.Answer.YES:
                return None
            if _verb_with_object().search(head) and re.match(r"\s+\w", rest):
                # "can you add Tom Reed to that?": the verb's object follows, no request of
                # its own; a shorter yes may still open the message ("yes, and add a hotel").
                continue
            return rest
    return None


def yes_then(
    text: str, *, cancelling: bool | None = False, asked: answers.Asked | None = None
) -> str | None:
    """What follows a yes that adds a request ("find me a hotel there till friday"), or
    None when the message is not such a yes (a plain yes or no, a change, a question that
    may change the answer, no yes at all)."""
    if asked is not None and asked.rejecting:
        return None  # after "yes, reject it" comes the reason, not a request
    rest = _split(text or "", cancelling, asked)
    if rest is None:
        return None
    joiner, changes, anywhere = _tables()
    rest = rest.strip(" ,;:.!—–-")
    while True:
        cut = joiner.sub("", rest, count=1)
        if cut == rest:
            break
        rest = cut
    if not re.search(r"\w", rest) or changes.search(rest) or anywhere.search(rest):
        return None
    if answers.classify(rest, cancelling=cancelling).answer is not None:
        return None  # "yes ... no wait": an answer again, not a request
    if purposes.said_for(rest) is not None:
        # "yes — it's for the Q1 planning offsite", "sure, reason: vendor negotiation":
        # what the trip agreed to is for, noted on it once the yes has run
        return rest
    u = understand(rest, _READ_AT)
    if u.intent not in _ADDS:
        return None
    if u.intent == Intent.UNKNOWN and not (asks.is_question(rest) or rest.endswith("?")):
        return None  # "yes please, for me and tom": no request of its own
    if (
        u.cabin
        or u.passengers
        or u.passenger_delta
        or u.options
        or u.shift_days
        or u.dates.return_days
        or u.time_shift
        or u.other_option
        or u.price_cap
        or u.person
        or u.book_for
        or u.for_them
        or u.booking_id
    ):
        return None  # the trip asked about, changed ("yes and for 2 people")
    new_thing = bool(u.want_hotel or u.want_flight or u.flight_asked or u.places or u.legs)
    if (u.dates.depart or u.dates.ret or u.dates.depart_after or u.dates.depart_before) and (
        not new_thing
    ):
        return None  # "yes, on the 17th": the day of what is asked, changed
    if "refundable" in u.facets or "cost" in u.facets or asks.price_question(rest):
        return None  # "yes — is it refundable?": answered before anything is agreed
    return rest
