"""What a trip is for, as people say it: the words the purpose readers share.

The flows (``flows/purpose.py``) record what these read: the answer to "what's the trip
for?", a purpose told of a named trip, and one told of the trip at hand at its hold's
confirmation (``said_for``: "it's for a customer visit at Initech", "purpose: the Q4
review"), which the dialogue state reads too, so such a message is never a trip asked for.
"""

from __future__ import annotations

import re
from typing import Final

# A message that asks to travel is a new request, not what a trip is for.
TRAVEL_ASK: Final = re.compile(
    r"\b(fly|flights?|book|hotels?|search|find|get me|need to be|return|one[- ]way)\b", re.I
)
# What a purpose is called: "the purpose", "the reason", "what it's for"
WHY: Final = r"(?:purpose|reason|business reason|justification)"
# What ends the purpose: the sentence, or what is said of it after a comma ("..., please
# add that for Mia", "... so she can ok it").
WHAT_ENDS: Final = re.compile(
    r"[.?!;]|,\s*(?:please|pls|so|she|he|they|can|could|would|and|thanks|thank)\b"
    r"|\s+(?:so|because)\s+(?:she|he|they|my|our|the|it|\w+)\s+(?:can|could|will|needs?|has)\b"
    # chat asides after it: "... offsite fyi", "... kickoff btw"
    r"|\s+(?:fyi|btw|fwiw|thx|ty)\b",
    re.IGNORECASE,
)
# ... and is never a purpose when it is a count, a person, a day or a trip asked for
NOT_WHAT: Final = re.compile(
    r"^(?:me|us|him|her|them|you|my|\d|one|two|three|four|five|a (?:week|night|day|few)|"
    r"(?:this|next|last|the) (?:week|weekend|month|day)|today|tomorrow|tonight|now|later|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|how|what|when|which|who)\b",
    re.IGNORECASE,
)

# ... nor a question about the trip ("so is it booked or not??", "wait, am I confirmed?",
# "did it go through?"): a question word or an inverted verb first, a question mark last.
A_QUESTION: Final = re.compile(
    r"^(?:(?:so|ok|okay|wait|hmm+|um+|and|but|sorry|hang on|hold on)[,\s]+)*"
    r"(?:is|isn'?t|are|aren'?t|am|was|were|did|didn'?t|does|do|has|hasn'?t|have|will|can|"
    r"could|should|what|when|where|who|whose|why|how|which)\b.*\?\s*$",
    re.IGNORECASE | re.DOTALL,
)

# What a trip is for, told at its hold's confirmation ("it's for a customer visit at
# Initech", "the trip's for the Q4 review", "purpose: a client workshop"): the trip is the
# one on hold, so only what it is for is said.
_AT_HOLD: Final = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:(?:oh|and|also|btw|fyi|fwiw|just so you know|ps)[,\s]+)*"
        r"(?:it'?s|it is|it'?ll be|this is|this'?s|that'?s|that is|(?:(?:the|this)\s+)?trip'?s"
        r"|(?:(?:the|this)\s+)?trip is|(?:the\s+)?(?:flight|booking|hotel)(?:'s|\s+is))\s+"
        r"(?:(?:actually|really|all|mainly|mostly|just)\s+)?for\s+(?P<what>.+)",
    )
)
# ... or labelled ("Purpose: board meeting with the investors", "reason for travel -
# quarterly review", "cost centre: ENG-204"): the label says it is a purpose, whatever
# its first word.
_LABELLED: Final = re.compile(
    rf"^(?:the\s+)?(?:trip\s+|travel\s+|business\s+)?(?:{WHY}|cost\s+cent(?:re|er))"
    r"(?:\s+(?:for|of)\s+(?:the\s+|this\s+)?(?:travel|trip|travell?ing|flight|booking))?"
    r"(?:\s+is|\s*:|\s*=|\s+-|\s+—|\s+–)\s*(?P<what>.+)",
    re.IGNORECASE,
)
# ... a purpose says what is done there: "a/an/the/our <what>", or a doing ("meeting the
# Initech team"); never a day ("the 15th"), nor the people going ("the whole team").
_WHAT_AT_HOLD: Final = re.compile(r"^(?:(?:a|an|the|our|some)\s+(?!\d)\w|\w+ing\b)", re.IGNORECASE)
_WHO_GOES: Final = re.compile(
    r"^(?:(?:the|our|my)\s+)?(?:whole\s+|entire\s+)?"
    r"(?:team|group|people|persons?|everyone|everybody|colleagues?|us|both|all of us)$",
    re.IGNORECASE,
)


def said_for(text: str) -> str | None:
    """What the trip is for, when the message says so of the trip at hand ("it's for a
    customer visit at Initech"); None otherwise."""
    for pattern in _AT_HOLD:
        m = pattern.search(text.strip())
        if m is None:
            continue
        what = WHAT_ENDS.split(m.group("what"), maxsplit=1)[0].strip(" ,:-—–\"'")
        if (
            len(what) < 4
            or NOT_WHAT.match(what)
            or TRAVEL_ASK.search(what)
            or not _WHAT_AT_HOLD.match(what)
            or _WHO_GOES.search(what)
        ):
            continue
        return what
    m = _LABELLED.search(text.strip())
    if m is not None:
        what = WHAT_ENDS.split(m.group("what"), maxsplit=1)[0].strip(" ,:-—–\"'")
        if len(what) >= 3 and not NOT_WHAT.match(what) and not TRAVEL_ASK.search(what):
            return what
    return None


# The clauses of a request after its first ("nyc → bos dec 14, its for a client mtg",
# "flights to boston on the 14th - it's for the vendor summit").
_CLAUSE: Final = re.compile(r"\s*(?:[,;]|\s[-—–]\s|[—–])\s*")


def said_with(text: str) -> str | None:
    """What the trip is for, said with the request in a clause of its own after the trip
    asked for ("…, it's for a client meeting"); None otherwise."""
    for clause in _CLAUSE.split(text.strip())[1:]:
        what = said_for(clause)
        if what is not None:
            return what
    return None
