"""Counts as people write them: digits, number words, "a couple", "me and two colleagues".

Number words become digits through ``text2num`` (``alpha2digit``: "twenty-two"
→ 22, "a party of three" → "a party of 3") after near-miss spellings are fixed
(``spelling``), so the patterns below only know digits and the few quantifiers
that are not numerals ("a couple of", "a pair of", "a dozen", "both").
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Final

from text_to_num import alpha2digit, text2num

from concierge.planner.nlu.datafiles import load
from concierge.planner.nlu.spelling import fix as fix_spelling

# Quantifiers that are not numerals (text2num leaves them alone).
WORDS: Final[dict[str, int]] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "solo": 1,
    "alone": 1,
    "couple": 2,
    "a couple": 2,
    "pair": 2,
    "a pair": 2,
    "both": 2,
    "dozen": 12,
    "a dozen": 12,
}
ORDINALS: Final[dict[str, int]] = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
}
_NUM = r"(\d{1,3}|(?:a\s+)?(?:couple|pair|dozen)(?:\s+of)?|both)"
_PEOPLE = (
    r"(?:people|persons?|passengers?|pax|travell?ers?|adults?|children|child|kids?|infants?|seats?"
    r"|tickets?|tix|guests?|of us|employees|colleagues|coworkers|co-workers|teammates|engineers|folks|ppl)"
)
_COMPANIONS = (
    r"(?:colleagues?|coworkers?|co-workers?|teammates?|friends?|others?|people|persons?"
    r"|(?:members?|people) of my team|managers?|boss(?:es)?|reports?|engineers?|guests?|clients?"
    r"|customers?|partners?|wife|husband|spouse|kids?|children|sons?|daughters?|family)"
)
_WITH = r"(?:and|\+|&|plus|with|w/|along with|together with)"

_COUNT_PEOPLE = re.compile(rf"\b{_NUM}\s+(?:more\s+|other\s+|extra\s+)?{_PEOPLE}\b")
_COUNT_ANY = re.compile(rf"\b({_NUM[1:-1]}|a|an)\s+(?:more\s+|other\s+|extra\s+)?{_PEOPLE}\b")
_PARTY = re.compile(rf"\b(?:party|group|team|family) of\s+{_NUM}\b")
_FOR_N = re.compile(
    # ("for a couple of days" is a stay, "a couple" read without its "of": of a unit too)
    rf"\bfor\s+{_NUM}\b(?!\s*(?:of\s+)?(?:nights?|days?|weeks?|months?|hours?|h\b|pm|am|:|rooms?|stars?|usd|eur|gbp|\$|%|st|nd|rd|th))"
    # ... never a day: "a hotel for 14-16 dec", "for 12 Dec", "for 9 of December", "for 3/1"
    r"(?!\s*(?:[-–/.]|to\b)\s*\d|\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)"
    # ... nor a length said as a choice of two: "for 3 or 4 days"
    r"(?!\s+or\s+\d+\s+(?:nights?|days?|weeks?|months?|hours?)\b)"
)
# "me and 2 colleagues", "myself plus 2", "I and five teammates", "me + my boss".
_ME_AND = re.compile(
    rf"\b(?:me|myself|i)\s+{_WITH}\s+(?:my\s+)?(?:(?P<n>{_NUM[1:-1]})\s*(?P<who>{_COMPANIONS})?|(?P<who2>{_COMPANIONS}))\b"
)
_AND_ME = re.compile(
    rf"\b(?:my\s+)?(?:(?P<n>{_NUM[1:-1]})\s+)?(?P<who>{_COMPANIONS})\s+(?:and|\+|&)\s+(?:i|me|myself)\b"
)
# "travelling with 2 coworkers", "flying w/ my boss": the speaker goes too.
_GOING_WITH = re.compile(
    rf"\b(?:with|w/|along with|together with|accompanied by|bringing|taking)\s+(?:my\s+)?(?:(?P<n>{_NUM[1:-1]})\s+)?(?P<who>{_COMPANIONS})\b"
)
# "double-check the timing with my manager", "talk it over with my boss": someone
# consulted, not someone travelling (the verb shortly before, in the same clause).
_CONSULTED = re.compile(
    r"\b(?:(?:double[- ])?check\w*|confirm\w*|clear\w*|discuss\w*|talk\w*|speak\w*|ask\w*"
    r"|verify\w*|sync\w*|chat\w*|consult\w*|meet\w*|agree\w*|run\s+\w+\s+by|sort\w*\s+\w+\s+out)"
    r"\b[^,.;!?]{0,30}$"
)
# "me and tom", "i and tom" (typed in a hurry), "tom and i need ...": two seats.
_ME_AND_NAME = re.compile(
    r"\b(?:me|myself|i)\s+(?:and|\+|plus|&)\s+(?!my\b|i\b|me\b)[a-z]+\b"
    # (an interjection opening the clause is no one: "oh and I need to get back …")
    r"|(?:^|[,.;:!?]\s*)(?!(?:both|you|he|she|they|we|who|which|and|or|so|flights?|hotels?"
    r"|oh|ah|um|hmm|ok|okay|yes|yeah|yep|well|right|also|now|then|but|hi|hey|wait|sorry"
    r"|actually|oops|great|cool|thanks)\b)"
    r"[a-z]+\s+(?:and|&)\s+"
    r"(?:i|me|myself)\s+(?:need|want|are|will|would|have|must|fly|flying|travel\w*|go|going)\b"
)
_ROOMS = re.compile(
    rf"\b({_NUM[1:-1]}|an?|single)\s+(?:hotel\s+|double\s+|single\s+|twin\s+|king\s+|queen\s+)?rooms?\b"
)
# ("2 hotel nights", "one room night": the nights of a stay, named by its noun)
_NIGHTS = re.compile(rf"\b{_NUM}\s+(?:hotel\s+|room\s+)?nights?\b")
_DAYS = re.compile(rf"\bfor\s+{_NUM}\s+days?\b")
# "3 of us plus our manager": companions added after a count.
_PLUS_COMPANIONS = re.compile(
    rf"^\s*(?:,\s*)?(?:and|\+|&|plus|with|along with)\s+(?:(?:my|our|the)\s+)?(?:(?P<n>{_NUM[1:-1]})\s+)?(?P<who>{_COMPANIONS})\b"
)
_WEEKS = re.compile(
    rf"\bfor\s+(a|{_NUM[1:-1]})\s+weeks?\b|\b(a|{_NUM[1:-1]})[- ]weeks?(?:'s)?\s+stay\b"
)
# "we are two", "we're 3", "we will be 4": how many fly, said of the group ("we are 2
# weeks away" is no count: a unit follows).
_WE_ARE = re.compile(
    r"\bwe(?:'re| are| will be|'ll be| would be|'d be)\s+(\d{1,2})\b"
    r"(?!\s*(?:[-–/.:]\s*\d|of\b(?! us)|nights?|days?|weeks?|months?|hours?|minutes?|mins?|h\b"
    r"|pm|am|usd|eur|gbp|\$|%|st|nd|rd|th|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
)
_JUST_ME = re.compile(r"\b(?:just me|only me|myself only|just myself|alone|solo|1 person)\b")


def word_number(text: str) -> int | None:
    """``"two"`` → 2, ``"3"`` → 3, ``"twenty one"`` → 21, ``"a couple of"`` → 2; None if not a count."""
    key = " ".join(text.lower().split()).removesuffix(" of")
    if key.isdigit():
        return int(key)
    if key in WORDS:
        return WORDS[key]
    try:
        value = text2num(key.replace("-", " "), "en")
    except ValueError:
        return None
    return int(value) if value > 0 else None


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lower case, spelling fixed, number words as digits ("a party of three" → "a party of 3")."""
    return str(alpha2digit(fix_spelling(text.lower()), "en", threshold=0))


# "spending the holidays with family", "staying with friends", "a meeting with my boss":
# the people one stays, celebrates or meets with, not the people one flies with.
_NOT_TRAVELLING_WITH: Final = re.compile(
    r"\b(?:stay(?:s|ing|ed)?|spend(?:s|ing)?|spent|liv(?:e|es|ing)|celebrat\w*|meet(?:s|ing)?"
    r"|dinner|lunch|catch(?:ing)? up)\b[^.,;!?]*$"
)
# Companions whose number the word does not say ("with family"): no count.
_UNCOUNTED: Final = frozenset({"family"})


def _travels_with(text: str, match: re.Match[str]) -> bool:
    """ "flying with 2 colleagues" counts them; "spending Christmas with family in London",
    "with family" (how many?) and "double-check the timing with my manager" count nobody."""
    if not match.group("n") and match.group("who") in _UNCOUNTED:
        return False
    before = text[: match.start()]
    return _NOT_TRAVELLING_WITH.search(before) is None and _CONSULTED.search(before) is None


def _plural(who: str) -> bool:
    return who in {"children", "people", "kids", "family"} or (
        who.endswith("s") and not who.endswith("ss")
    )


def _companions(match: re.Match[str]) -> int:
    """How many people besides the speaker a "me and …" phrase names."""
    raw = match.group("n")
    if raw:
        return word_number(raw) or 1
    who = match.groupdict().get("who") or match.groupdict().get("who2") or ""
    return 2 if _plural(who) else 1


def passengers(text: str) -> int | None:
    """How many travel, when the text says so.

    "for 2 people", "two passengers", "party of four", "me and 2 colleagues" (3),
    "myself plus 2" (3), "travelling with 2 coworkers" (3), "me and my manager" (2),
    "just me" (1).
    """
    text = normalize(text)
    match = _ME_AND.search(text) or _AND_ME.search(text)
    if match:
        return 1 + _companions(match)
    if _ME_AND_NAME.search(text):
        return 2
    groups = list(_COUNT_ANY.finditer(text))
    if len(groups) > 1 and all(
        re.fullmatch(r"\s*(?:,|and|&|\+|plus|,\s*and)\s*", text[a.end() : b.start()])
        for a, b in itertools.pairwise(groups)
    ):
        # "two adults and a child": the groups add up.
        return sum(word_number(g.group(1)) or 0 for g in groups) or None
    for match in _GOING_WITH.finditer(text):
        if _travels_with(text, match):
            return 1 + _companions(match)
    for pattern in (_COUNT_PEOPLE, _PARTY):
        match = pattern.search(text)
        if match:
            count = word_number(match.group(1))
            if count:
                more = re.search(r"\b(?:more|other|extra)\b", match.group(0))
                if more and re.search(r"\b(?:me|i)\b", text):
                    count += 1
                plus = _PLUS_COMPANIONS.match(text[match.end() :])
                return count + _companions(plus) if plus else count
    match = _WE_ARE.search(text)
    if match:
        count = word_number(match.group(1))
        if count and 1 <= count <= 99:
            return count
    if _JUST_ME.search(text):
        return 1
    match = _FOR_N.search(text)
    if match:
        count = word_number(match.group(1))
        if count and 1 <= count <= 99:
            return count
    return None


def rooms(text: str) -> int | None:
    """How many rooms the text asks for; None when it says none, or a count per person
    ("a room each for me and my colleague": as many rooms as people, counted elsewhere)."""
    text = normalize(text)
    match = _ROOMS.search(text)
    if match is None:
        return None
    if re.match(load("people")["rooms_per_person"], text[match.end() :]):
        return None
    return 1 if match.group(1) == "single" else word_number(match.group(1))


def nights(text: str) -> int | None:
    text = normalize(text)
    match = _NIGHTS.search(text)
    if match:
        return word_number(match.group(1))
    match = _DAYS.search(text)
    if match:
        return word_number(match.group(1))  # "for ten days": the stay, counted in nights
    match = _WEEKS.search(text)
    if match:
        raw = next((g for g in match.groups() if g), "a")
        return 7 * (word_number(raw) or 1)
    if re.search(r"\bfor a fortnight\b|\ba fortnight'?s? stay\b", text):
        return 14
    # "a hotel for the night", "… for that night": the one night there (not "the night
    # before / of the 9th")
    if re.search(
        r"\b(?:1 (?:hotel |room )?night|an? (?:hotel |room )?night|for (?:the|that) night\b(?! (?:before|after|of|flight)))\b", text
    ) or (re.search(r"\bovernight\b", text) and not _OVERNIGHT_FLIGHT.search(text)):
        return 1
    return None


# "fly out on Monday, overnight if possible", "an overnight flight": how the flight goes,
# not a night's stay.
_OVERNIGHT_FLIGHT = re.compile(
    r"\b(?:fly|flying|flights?|depart\w*|leav(?:e|ing)|red[- ]?eye)\b[^.!?]{0,60}\bovernight\b"
    r"|\bovernight (?:flights?|ones?|red[- ]?eyes?)\b"
)


# Clock times said in words ("half past six in the evening", "quarter to two", "five fifty
# five", "eleven oh five"): an hour word, then its minutes in words or a fraction before it.
# A final "one" after the tens is the pronoun ("the four forty one": the 4:40 one) unless
# another word names the option after it ("the four forty one one").
_HOUR_WORDS: Final = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_UNIT_WORDS: Final = r"two|three|four|five|six|seven|eight|nine|one(?=\s+(?:one|flight|option)\b)"
MINUTE_WORDS: Final = (
    rf"(?:o[h']?[- ](?:{_UNIT_WORDS}|one)|(?:twenty|thirty|forty|fifty)(?:[- ](?:{_UNIT_WORDS}))?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_SPOKEN_TIME: Final = re.compile(
    rf"\b(?:(?P<frac>half past|half|quarter past|quarter to|a quarter past|a quarter to)\s+"
    rf"(?P<h1>{_HOUR_WORDS}|1[0-2]|[1-9])(?![\d:./])"
    rf"|(?P<h2>{_HOUR_WORDS})\s+(?P<mins>{MINUTE_WORDS}))\b"
    r"(?:\s+(?P<part>in the (?:morning|afternoon|evening)|at night|tonight))?",
    re.IGNORECASE,
)


def minute_number(words: str) -> int | None:
    """``"fifty five"`` → 55, ``"oh five"`` → 5, ``"fifteen"`` → 15."""
    key = re.sub(r"^o[h']?[- ]", "", words.lower()).replace("-", " ")
    value = word_number(key)
    return value if value is not None and 0 <= value < 60 else None


def _spoken_time(m: re.Match[str]) -> str:
    hour = word_number(m.group("h1") or m.group("h2")) or 0
    frac = (m.group("frac") or "").lower().removeprefix("a ")
    minute = 30 if frac.startswith("half") else 15 if frac == "quarter past" else 0
    if frac == "quarter to":
        hour, minute = (12 if hour == 1 else hour - 1), 45
    if m.group("mins"):
        minute = minute_number(m.group("mins")) or 0
    part = (m.group("part") or "").lower()
    suffix = "am" if part == "in the morning" else "pm" if part else ""
    if part == "at night" and hour < 6:
        suffix = "am"
    return f"{hour}:{minute:02d}{suffix}"


def spoken_times(text: str, *, fractions: bool = True) -> str:
    """``text`` with clock times said in words written as a clock: "after half past six in
    the evening" → "after 6:30pm", "the five fifty five" → "the 5:55", "quarter to two" →
    "1:45" (without a part of the day its half stays open, as "5:55" does). ``fractions``:
    False leaves "half past six", "quarter to two" as said (only an hour and its minutes
    become a clock)."""
    return _SPOKEN_TIME.sub(
        lambda m: _spoken_time(m) if fractions or m.group("mins") else m.group(0), text
    )
