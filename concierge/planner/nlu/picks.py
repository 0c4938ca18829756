"""Reading a choice among the options shown: which options, from which list.

A pick names options by number ("option 2", "1 and 3", "the third one"), by time ("the
7am", "the 10:05"), by a superlative ("the cheapest"), by name ("the BA one") or as the
last choice again ("same as before"); it may name several lists at once ("1 and return
2", "the 8am out and the 5pm back", "option 2 for both"). The message is cut into
clauses; the direction word of a clause ("out", "back", "return", "hotel") says which
list the options named in it come from, wherever it stands in the clause. Unlabelled
choices are left for the dialogue to place in the order the lists were shown.

The phrase tables are data (``picks.yaml``); this module compiles them and finds the
references. ``read`` never looks at the conversation.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final

from concierge.planner.nlu import datafiles
from concierge.planner.nlu.dates import NOT_A_PART, day_part
from concierge.planner.nlu.flight_numbers import PATTERN as FLIGHT_NUMBER
from concierge.planner.nlu.flight_numbers import is_flight_number, mentions
from concierge.planner.nlu.numbers import ORDINALS, spoken_times, word_number
from core.catalogue import CARRIERS


@dataclass(frozen=True)
class OptionRef:
    """Which shown option the user means."""

    index: int | None = None  # 1-based; -1 = the last one
    carrier: str | None = None  # "BA", or an airline/hotel name word
    clock: str | None = None  # "08:05"
    either_half: bool = False  # the clock names no half of the day ("half ten"): 10:30 or 22:30
    best: str | None = None  # cheapest | fastest | earliest | latest | direct | green
    kind: str | None = None  # flight | hotel | return (when the user said which list)
    both: str | None = None  # the same choice in several lists: "ways" (out and back) | "all"
    same: bool = False  # the option chosen last time ("same as before")
    direct: bool = False  # among direct flights only ("the cheapest direct one")
    stops: bool = False  # among flights with a stop only ("the 6am one-stop")
    # ``index`` counts among the options the rest describes, in list order ("the first
    # direct one", "the second United one"), not among all of them.
    among: bool = False
    # The part of the day it leaves in ("the evening one back"): HH:MM bounds, either open.
    after: str | None = None
    before: str | None = None
    # Parts of the day it must not leave in ("the cheapest nonstop that isn't at the crack
    # of dawn", "not a red-eye"): HH:MM bounds as ``after``/``before``, each either open.
    avoid: tuple[tuple[str | None, str | None], ...] = ()
    # Airports it leaves from or lands at ("the 3pm into Heathrow", "the Gatwick one"):
    # set by the dialogue from the places the message names (nlu.places reads them), with
    # ``end`` the end of the flight they are ("origin" | "destination"; None: either).
    airports: tuple[str, ...] = ()
    end: str | None = None
    # The price it is shown at ("the one at $255 a night", "the $530 one"), in major
    # units; ``per`` the price it is ("night" | "person"; None: any price shown of it).
    price: float | None = None
    per: str | None = None
    price_said: str | None = None  # ... as the user wrote it ("$255 a night")
    # A budget the option must fit ("nonstop, under $250. book the earliest one that
    # fits"): the most it may cost, in major units, per night | person | None (either),
    # and the currency said (an option priced in another is not compared).
    under: float | None = None
    under_per: str | None = None
    under_currency: str | None = None
    # Which of the best by ``best``'s measure: "the second cheapest", "the next earliest" (2).
    rank: int = 1
    # Within the budget said before ("the earliest one that's under budget"): the dialogue
    # fills ``under`` from it.
    in_budget: bool = False
    # The option one already has booked ("same hotel as I'm in already"): the dialogue
    # finds it among one's trips.
    booked: bool = False
    # The hotel's star rating said of it ("the 4 star one", "the cheapest four-star"):
    # among the hotels of that rating only.
    stars: int | None = None
    # When it lands ("the one that lands before 11am"): HH:MM bounds, either open; a
    # landing on a later day than it leaves is after every bound.
    lands_after: str | None = None
    lands_before: str | None = None

    @property
    def window(self) -> bool:
        return (
            self.after is not None
            or self.before is not None
            or self.lands_after is not None
            or self.lands_before is not None
        )

    @property
    def avoids(self) -> bool:
        return bool(self.avoid)

    @property
    def only_avoids(self) -> bool:
        """It says nothing but the parts of the day it must not leave in."""
        return self.avoids and replace(self, avoid=(), kind=None) == OptionRef()


@dataclass(frozen=True)
class _Tables:
    directions: tuple[tuple[str, re.Pattern[str]], ...]
    flight_word: re.Pattern[str]
    both: tuple[tuple[str, re.Pattern[str]], ...]
    same: re.Pattern[str]
    booked: re.Pattern[str]
    airline_wish: tuple[re.Pattern[str], ...]
    airline_only: tuple[re.Pattern[str], ...]
    airline_named: tuple[re.Pattern[str], ...]
    airline_not: tuple[re.Pattern[str], ...]
    of_those: re.Pattern[str]
    best: tuple[tuple[str, re.Pattern[str]], ...]
    comparatives: tuple[tuple[str, re.Pattern[str]], ...]
    direct: re.Pattern[str]
    whichever_direct: re.Pattern[str]
    with_stops: re.Pattern[str]
    fillers: re.Pattern[str]
    verbs: re.Pattern[str]
    policy_fit: re.Pattern[str]
    in_budget: re.Pattern[str]
    deferred: re.Pattern[str]
    said_why: re.Pattern[str]
    remarks: re.Pattern[str]
    parts_of_day: str  # an alternation, for the patterns below
    narrowing: re.Pattern[str]
    not_describing: re.Pattern[str]
    lands: tuple[tuple[str, re.Pattern[str]], ...]


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(rf"\b(?:{p})\b" for p in patterns))


# What makes a comparative name an option shown (picks.yaml ``comparatives``): "the" before
# it and a noun, "of", a direction word or the end after it ("the cheaper one", "the
# earlier Delta flight", "the quicker of the two", "the later one back", "the cheaper
# please", "the later trip" among one's trips, "the cheaper 4 star"), or "whichever" / "the one that's" before it ("whichever is cheaper", "the
# one that leaves earlier").
_COMPARED_NOUN: Final = (
    r"(?:\s+[\w&'-]+){0,2}?\s+(?:ones?|flights?|options?|hotels?|fares?|deals?|departures?"
    r"|rooms?|itinerar(?:y|ies)|non-?stops?|directs?|trips?|bookings?"
    r"|of\b|out\b|back\b|there\b|home\b|return\b"
    # ("the cheaper 4 star", "the pricier five-star": a rating names a hotel as a noun does)
    r"|(?:[1-5]|one|two|three|four|five)[- ]?(?:stars?\b|\*|★))"
    r"|\s*(?:please|pls|plz|thanks|thx|[.!,;]|$)"
)


def _comparative(words: list[str]) -> re.Pattern[str]:
    said = "|".join(f"(?:{w})" for w in words)
    return re.compile(
        rf"\bthe\s+(?:(?!and\b|or\b)[\w&'-]+\s+){{0,2}}?(?P<c1>{said})\b(?={_COMPARED_NOUN})"
        rf"|\b(?:which ?ever|whatever)(?:\s+(?:one|flight|option|hotel))?\s*(?:'s|is|was|are)\s+(?P<c2>{said})\b"
        rf"|\bthe\s+(?:one|ones|flight|option|hotel)\s+(?:that|which)(?:'s|\s+is|\s+(?:leaves|departs|goes|gets in|lands|arrives|costs))?\s+(?P<c3>{said})\b"
    )


@lru_cache(maxsize=1)
def tables() -> _Tables:
    raw: dict[str, Any] = datafiles.load("picks")
    return _Tables(
        directions=tuple((kind, _any(cues)) for kind, cues in raw["directions"].items()),
        flight_word=_any(raw["flight_word"]),
        both=tuple((scope, _any(cues)) for scope, cues in raw["both"].items()),
        same=_any(raw["same"]),
        booked=_any(raw["booked"]),
        airline_wish=tuple(re.compile(rf"\b(?:{p})\b") for p in raw["airline_wish"]),
        airline_only=_with_airlines(raw["airline_only"]),
        airline_named=_with_airlines(raw["airline_named"]),
        airline_not=_with_airlines(raw["airline_not"]),
        of_those=_any(raw["of_those"]),
        best=tuple((name, _any(cues)) for name, cues in raw["best"].items()),
        comparatives=tuple(
            (name, _comparative(cues)) for name, cues in raw["comparatives"].items()
        ),
        direct=_any(raw["direct"]),
        whichever_direct=re.compile(
            rf"\b(?:{'|'.join(raw['whichever'])})\s+(?:{'|'.join(raw['direct'])})\b"
        ),
        with_stops=_any(raw["with_stops"]),
        fillers=_any(raw["fillers"]),
        verbs=_any(raw["verbs"]),
        policy_fit=_any(raw["policy_fit"]),
        in_budget=_any(raw["in_budget"]),
        deferred=_any(raw["deferred"]),
        remarks=_any(raw["remarks"]),
        said_why=re.compile(
            rf"{_any(raw['said_why']['anywhere']).pattern}"
            rf"|(?:[,;.!?]|\s[-–—]+)\s*(?:{_any(raw['said_why']['clause_start']).pattern})"
        ),
        parts_of_day="|".join(f"(?:{p})" for p in raw["parts_of_day"]),
        narrowing=re.compile(rf"\b(?:{raw['narrowing']['phrase']})\b"),
        not_describing=re.compile(rf"\b(?:{raw['narrowing']['not_describing']})\b"),
        lands=tuple(
            (side, re.compile(rf"\b(?:{cue})\s+(?:about\s+|around\s+)?{_LANDING_CLOCK}"))
            for side, cue in raw["lands"].items()
        ),
    )


# The clock after a landing cue: "11", "11am", "10:30", "10.30pm", "noon", "midday".
_LANDING_CLOCK: Final = (
    r"(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ap>am|pm|a\.m\.?|p\.m\.?)?"
    r"|(?P<noon>noon|midday|lunchtime))\b"
)


def _landing_clock(m: re.Match[str]) -> str:
    """HH:MM of a landing bound; an hour with no half of the day said is the morning's
    from 7 to 11, else the afternoon's ("before 5": 17:00)."""
    if m.group("noon"):
        return "12:00"
    hour, ap = int(m.group("h")), (m.group("ap") or "")[:1]
    if ap == "p" and hour < 12:
        hour += 12
    elif ap == "a" and hour == 12:
        hour = 0
    elif not ap and 1 <= hour <= 6:
        hour += 12
    return f"{hour:02d}:{m.group('m') or '00'}"


@lru_cache(maxsize=1)
def _part_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ "the evening one", "the morning flight back", "early morning flight out" (before
    the noun) and "the one in the afternoon", "the flight that leaves at night", "the one
    into Orly around lunchtime" (after it)."""
    parts = tables().parts_of_day
    before_noun = re.compile(
        rf"\b(?P<the>the\s+(?:[\w-]+\s+){{0,2}}?)?(?P<p>{parts})\s+(?:[\w-]+\s+)?"
        r"(?:(?:one|ones|flight|option|departure)\b|(?:directs?|non-?stops?)(?![\w-]))"
    )
    after_noun = re.compile(
        r"\b(?P<the>the\s+(?:[\w-]+\s+)?)?(?:one|flight|option|non-?stop|direct)\s+"
        r"(?:(?:that|which)\s+(?:leaves|departs|goes)\s+)?"
        # where it goes or leaves from may stand before the time ("the one into Orly
        # around lunchtime", "the flight out of Gatwick in the evening")
        r"(?:(?:into|to|from|out of|via)\s+[\w-]+(?:\s+[\w-]+)?\s+)?"
        rf"(?:in the|at|this|around|about|near|close to)\s+(?P<p>{parts})\b"
    )
    return before_noun, after_noun


_NUMBER_WORD: Final = r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten"
# What a number before it counts ("2 rooms pls", "3 nights", "hotel 2 night"): no option's number.
_COUNT_UNITS: Final = (
    r"nights?|nites?|rooms?|people|persons?|passengers?|pax|adults?|guests?|seats?"
    r"|tickets?|days?|weeks?|of us"
)
_LABELLED: Final = re.compile(
    r"\b(?P<label>option|opt|choice|number|no\.?|#|flight|hotel|result|return|outbound|inbound)"
    rf"\s*#?\s*(?P<n>{_NUMBER_WORD})\b(?![:./]\d)"
    # "and hotel 2 night please", "flight 2 people", "hotel 4 stars": a count, no option's number
    rf"(?!\s*(?:{_COUNT_UNITS}|stars?)\b)"
)
_COUNTED: Final = re.compile(rf"\s*(?:{_COUNT_UNITS})\b")
_VERB_NUMBER: Final = re.compile(
    r"\b(?:take|book|choose|pick|want|select|prefer|go with|like|do|reserve|hold|get)\s+(?:the\s+)?"
    r"#?(?P<n>\d{1,2})(?![\d:/.+]|\s*(?:people|passengers?|nights?|rooms?|pm|am|h\b|days?|weeks?"
    r"|stars?|st|nd|rd|th|seats?|adults?|of us|travell?ers?))\b"
)
_ORDINAL: Final = re.compile(
    r"\b(?:the\s+)?(?P<o>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th|last|top)"
    r"(?:\s+(?P<k>one|ones|option|flight|hotel|choice|result|return(?: flight)?|outbound|itinerary|offer|of (?:those|them|these)))"
    r"|\b(?P<o2>first|second|third|last|top)\s+(?:one|option)\b"
    # "the first direct one", "the 2nd united flight", "the third morning option": the nth
    # of the options the words between describe (``OptionRef.among``)
    r"|\b(?:the\s+)?(?P<o3>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+"
    r"(?P<w>(?:[\w&'-]+\s+){1,2}?)(?:one|option|flight)\b"
)
# Words between an ordinal and "one" that make it no nth of a described few: a cabin ("the
# first class one"), a ranking ("the second cheapest one": ``_RANKED``), a count or a link.
_NOT_DESCRIBING: Final = frozenset(
    {"class", "of", "and", "or", "to", "in", "on", "for", "at", "the", "a", "one", "time"}
)
# ... nor a month or a weekday ("the 3rd dec flight", "the first monday one": a day).
_CALENDAR_WORD: Final = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*$"
)


def _ranks(word: str) -> bool:
    """A word that ranks the options ("cheapest", "earlier", "next"), not one that
    describes some of them."""
    t = tables()
    return word in ("next", "most", "least", "best") or any(
        p.fullmatch(word) for _, p in (*t.best, *t.comparatives)
    )


# An ordinal alone ("the first", "2nd", "the 3rd one"): with options shown it picks one
# (a day of the month otherwise: the dialogue decides, state.apply_user).
_BARE_ORDINAL: Final = re.compile(
    r"^\W*(?:the\s+)?(?P<o>first|second|third|fourth|fifth|last|top|1st|2nd|3rd|[4-9]th)\W*$"
)
_CLOCK: Final = re.compile(
    r"\b(?:the\s+)?(?P<h>[01]?\d|2[0-3])[:.h](?P<m>[0-5]\d)(?!\d)(?:\s*(?P<ap>am|pm)\b)?"
)
_CLOCK_AP: Final = re.compile(r"\b(?P<the>the\s+)?(?P<h>1[0-2]|[1-9])\s*(?P<ap>am|pm)\b")
# Spoken times of a pick: "half ten", "quarter past nine", "ten at night", "seven in the
# morning", "eleven o'clock". Hour words are read by ``word_number`` (text2num).
_HOUR: Final = r"(?:1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PART: Final = r"(?P<part>at night|tonight|in the (?:evening|morning|afternoon)|a\.?m\.?|p\.?m\.?)"
_SPOKEN_CLOCK: Final = re.compile(
    rf"\b(?:(?P<frac>half(?: past)?|quarter past|quarter to)\s+(?P<h1>{_HOUR})"
    # (a day's number is no hour: "Thursday 17/12 in the evening")
    rf"|(?<![/.-])(?P<h2>{_HOUR})(?![/.-]\d)(?:\s+(?P<mins>thirty|fifteen|forty[- ]five))?(?P<oclock>\s+o'?clock)?)"
    rf"(?:\s+{_PART})?\b"
)
# "at one in the morning": the hour; "the direct one in the morning": the pronoun.
_AT_HOUR: Final = re.compile(r"\b(?:at|around|about|by|before|after|until|till|til)\s+$")
# A clause that names an option: "the BA one", "the one that leaves …", "the flight at …".
_NAMES_AN_OPTION: Final = re.compile(
    r"\bthe\s+(?:[\w&'-]+\s+){0,3}?(?:one|ones|flight|option)\b|\b(?:one|flight) (?:that|which)\b"
)
# "the BA one", "the Hilton hotel", and a carrier with a direct-only wish: "the American
# nonstop", "the direct United one" (that carrier's flight without stops).
_THE_X_ONE: Final = re.compile(
    r"\bthe\s+(?P<w>(?:[\w&':.-]+\s+){1,5}?)"
    r"(?:one|ones|flights?|options?|hotel|(?P<d>directs?|non-?stops?)(?![\w-]))\b",
    re.I,
)
# An amount of money said of an option ("the one at $255 a night", "the $530 one", "the
# one for 189 dollars", "the 310-a-night hotel"): a currency or a "per" is what makes the
# number a price (not a time, a day or an option number).
_CURRENCY_WORDS: Final = r"usd|dollars?|bucks|eur|euros?|gbp|pounds?|quid"
_PRICE: Final = re.compile(
    r"(?:(?P<cur>[$£€])\s?(?P<n>\d[\d,]*(?:\.\d\d)?)(?![\d,])"
    rf"(?:\s*(?:{_CURRENCY_WORDS})\b)?"
    rf"|(?<![\w$£€.:/-])(?P<n2>\d[\d,]*(?:\.\d\d)?)(?![\d,:])(?:\s*(?P<word>{_CURRENCY_WORDS})\b)?)"
    r"(?P<per>[\s-]*(?:a|per|/|each|an)[\s-]*(?:night|nt|person|head|pp|ticket|seat)\b|\s*pp\b)?"
)
# ... said of an option: "the one at …", "the hotel for …", "the one that's …" before the
# amount, or "the … one" around it.
_PRICE_BEFORE: Final = re.compile(
    r"\b(?:the\s+)?(?:one|ones|option|hotel|flight|room|fare|deal)\s+"
    r"(?:at|for|costing|priced at|that(?:'s| is| costs?| comes to)|which (?:is|costs?))\s+(?:about\s+|around\s+)?$"
)
# ... and a bare amount after words that only ever price an option ("the one for 226",
# "the hotel costing 310"; never "at", which times do too).
_PRICE_FOR: Final = re.compile(
    r"\b(?:one|option|hotel|flight|room|fare|deal)\s+(?:for|costing|priced at|that(?:'s| is"
    r"| costs?| comes to)|which (?:is|costs?))\s+(?:about\s+|around\s+)?$"
)
_PRICE_AFTER: Final = re.compile(r"^[\s-]*(?:one|ones|option|hotel|flight|room|fare|deal)\b")
_THE_BEFORE: Final = re.compile(r"\bthe\s+(?:[\w-]+\s+){0,2}?$")


def price_mentions(low: str) -> list[tuple[int, int, float, str | None]]:
    """The prices a message says of an option, as (start, end, amount, per): "the one at
    $255 a night" → 255.0 per night. ``low`` is lower case (as ``plain`` gives it)."""
    found: list[tuple[int, int, float, str | None]] = []
    for m in _PRICE.finditer(low):
        number = m.group("n") or m.group("n2")
        if (
            m.group("n2")
            and not (m.group("word") or m.group("per"))
            and not _PRICE_FOR.search(low[: m.start()])
        ):
            continue  # a bare number: an option, a day or a time, never a price
        amount = float(number.replace(",", ""))
        if amount < 20 and not m.group("cur"):
            continue
        before, after = low[: m.start()], low[m.end() :]
        if not (
            _PRICE_BEFORE.search(before)
            or (_THE_BEFORE.search(before) and _PRICE_AFTER.match(after))
        ):
            continue
        per_text = (m.group("per") or "").strip()
        per = "night" if per_text.endswith(("night", "nt")) else "person" if per_text else None
        found.append((m.start(), m.end(), amount, per))
    return found


def airline_wished(text: str) -> str | None:
    """The airline a request wishes for without asking for it alone ("I'd like to stick to
    American if I can", "Delta if possible"), as written in lower case; None when none."""
    low = " ".join((text or "").lower().replace("’", "'").split())
    for pattern in tables().airline_wish:
        for m in pattern.finditer(low):
            said = m.group("a")
            for name in (said, said.split()[0]):
                if name in _AIRLINE_WORDS and name not in _NOT_AIRLINES:
                    return name
    return None


def airlines_restricted(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The airlines a request asks for alone ("delta only", "only on United") and those it
    rules out ("anything but Spirit", "no United please"), as carrier codes; a wish
    ("Delta if possible") is neither (``airline_wished``)."""
    low = " ".join((text or "").lower().replace("’", "'").split())
    only = _airlines_said(tables().airline_only, low)
    ruled_out = _airlines_said(tables().airline_not, low)
    # "Delta from New York to Atlanta", "United flights nyc to chicago": the airline a
    # request is for, unless the message rules it out too ("no more United flights")
    named = (c for c in _airlines_said(tables().airline_named, low) if c not in ruled_out)
    only = tuple(dict.fromkeys((*only, *named)))
    return only, tuple(c for c in ruled_out if c not in only)


def _airlines_said(patterns: tuple[re.Pattern[str], ...], low: str) -> tuple[str, ...]:
    found = [
        (m.start("a") + n.start(), _AIRLINE_CODE[n.group()])
        for p in patterns
        for m in p.finditer(low)
        for n in _ONE_AIRLINE.finditer(m.group("a"))
    ]
    return tuple(dict.fromkeys(code for _, code in sorted(found)))


def airlines_asked(text: str) -> tuple[str, ...]:
    """The airlines a question asks about ("is there an American Airlines one on the
    19th?", "does Delta fly home that day?"), as carrier codes in the order said; none
    when the message asks nothing."""
    low = " ".join((text or "").lower().replace("’", "'").split())
    if "?" not in low and not _QUESTION_START.match(low):
        return ()
    said = [_AIRLINE_CODE[m.group()] for m in _ONE_AIRLINE.finditer(low)]
    return tuple(dict.fromkeys(said))


_QUESTION_START: Final = re.compile(r"^(?:\W*\w+\W+){0,8}?(?:is there|are there|does|do|any)\b")


def narrowing(text: str) -> tuple[str, ...] | None:
    """A narrowing said of the options shown ("those early ones are too early, nothing
    before 10am", "any American ones?", "show me the morning ones"): several of them
    described, never one chosen — the airlines its description names (carrier codes, maybe
    none); None when the message chooses (a superlative, a number, a time, "the same ones",
    a pick verb, a choice in each list) or describes no options so."""
    low = plain(text)
    t = tables()
    found = [m for m in t.narrowing.finditer(low) if not t.not_describing.search(m.group("w"))]
    if not found or t.verbs.search(low) or any(p.search(low) for _, p in t.both):
        return None
    said = [_AIRLINE_CODE[n.group()] for m in found for n in _ONE_AIRLINE.finditer(m.group("w"))]
    return tuple(dict.fromkeys(said))


def of_those(text: str) -> bool:
    """A pick says it chooses among the options just talked of ("the cheaper of those")."""
    return bool(tables().of_those.search(" ".join((text or "").lower().split())))


# Airline words that are everyday words too ("stick to the plan", "if I can")
_NOT_AIRLINES: Final = frozenset({"the", "it", "that", "this", "a", "an", "my", "our"})


def flight_number(word: str) -> bool:
    """ "ba 20", "ua1187": a flight's number, as ``read`` gives it in ``OptionRef.carrier``."""
    return is_flight_number(word)


# Each airline by its name, the name's first word and its code ("delta air lines", "delta",
# "dl"), for the airline_only / airline_not tables; codes that are everyday words too left out.
_AIRLINE_CODE: Final = {
    said: c.code
    for c in CARRIERS
    for said in (c.code.lower(), c.name.lower(), c.name.split()[0].lower())
    if said not in {"air", "ai", "ac", "fr", "ke"}
}
_AIRLINE_NAMES: Final = sorted(_AIRLINE_CODE, key=len, reverse=True)
_ONE_AIRLINE: Final = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in _AIRLINE_NAMES) + r")(?![\w&])"
)


def _with_airlines(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    # one airline or a list of them ("delta or united only", "avoid spirit and frontier")
    one = "(?:" + "|".join(re.escape(n) for n in _AIRLINE_NAMES) + r")(?:'s)?(?![\w&])"
    airline = rf"(?P<a>{one}(?:(?:,|,? and|,? or|,? nor| ?/ ?| ?& ?) ?{one})*)"
    return tuple(re.compile(rf"\b(?:{p.replace('{airline}', airline)})") for p in patterns)


_DIRECT_WORD: Final = re.compile(r"^(?:directs?|non-?stops?)$")
# An airline's name or code alone beside a direct-only wish, without "the": "delta
# nonstop", "nonstop united pls" (a whole message; only real airlines, since any other
# word beside "nonstop" may describe a search instead).
_AIRLINE_WORDS: Final = frozenset(
    {c.code.lower() for c in CARRIERS}
    | {c.name.lower() for c in CARRIERS}
    | {c.name.split()[0].lower() for c in CARRIERS if c.name.split()[0].lower() != "air"}
)
_THE_TIME_AIRLINE: Final = re.compile(
    r"\bthe\s+(?:\d{1,2}(?:[:.]\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)?)\s+(?P<name>[a-z][\w&'-]*)"
    r"(?=\s*(?:$|[,.;!?]|\s-|\s+(?:please|pls|plz|thanks|thx|if|for|on)\b))"
)
_BARE_AIRLINE_DIRECT: Final = re.compile(
    r"^\W*(?:(?:ok|okay|yes|yeah|ya|hmm|um|then|just)\W+)*(?:"
    r"(?P<a>[a-z][\w&'.]*(?: [a-z][\w&'.]*){0,3}?)(?: one)? (?:directs?|non-?stops?)"
    r"|(?:directs?|non-?stops?) (?P<b>[a-z][\w&'.]*(?: [a-z][\w&'.]*){0,3}?)(?: one| flight)?"
    r")(?: flight| one)?(?:\W+(?:please|pls|plz|thanks|ta))?\W*$"
)
# Words of "the … one" that describe an option without naming it: times and clock words.
_TIME_WORD: Final = re.compile(
    r"^(?:\d{1,2}(?:[:.h]\d\d)?(?:am|pm)?|am|pm|a\.m\.|p\.m\.|o'?clock|half|quarter|past|to|at"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirty|fifteen|forty-five)$"
)
_NOT_NAMES: Final = frozenset(
    {
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "last",
        "top",
        "other",
        "same",
        "next",
        "cheapest",
        "cheaper",
        "fastest",
        "quickest",
        "earliest",
        "latest",
        "direct",
        "nonstop",
        "shortest",
        "lowest",
        "amber",
        "red",
        "best",
        "only",
        "new",
        "whole",
        "return",
        "outbound",
        "morning",
        "evening",
        "afternoon",
        "night",
        "early",
        "late",
        "later",
        "earlier",
        "recommended",
        "suggested",
        "nonstops",
        "directs",
    }
)
# Words no airline or hotel name has: a description holding one ("the later of the two
# nonstops", "the way back the flight", "the taxes on the first one") names none.
_FUNCTION_WORDS: Final = frozenset(
    {"of", "the", "those", "these", "them", "on", "and", "or", "for", "at", "to", "with", "than"}
)
# An ordinal before a superlative ranks by its measure: "the second cheapest", "2nd
# earliest", "the next cheapest one".
_RANKED: Final = re.compile(r"\b(?P<o>second|2nd|third|3rd|fourth|4th|next)(?:[- ]|\s+most\s+)$")
# A clause boundary: commas, semicolons, a dash with spaces around it ("united both ways
# please - the earliest ones") and the words that join two choices.
_SEPARATOR: Final = re.compile(r"[,;+]|\s[-–—]+\s|\b(?:and|&|plus|then|with|but)\b")
_QUESTION: Final = re.compile(r"^(?:what|which|how|is|are|do|does|can|could|any)\b.*\?\s*$")


def plain(text: str) -> str:
    return " ".join((text or "").lower().replace("’", "'").split())


def without_policy_fit(low: str) -> str:
    """``low`` with the words that say an option is one the policy allows blanked out
    ("the cheapest compliant one", "cheapest one that's within policy"): the choice is
    made among the bookable options anyway, so they describe it and name no airline."""
    return tables().policy_fit.sub(lambda m: " " * len(m.group(0)), low)


def without_deferred(low: str) -> str:
    """``low`` with the words that put a list off for later blanked out ("I'll sort the
    return later", "the hotel can wait"): they name no option and no list to choose from."""
    return tables().deferred.sub(lambda m: " " * len(m.group(0)), low)


_ORDINAL_OR_NUMBER: Final = (
    r"(?:first|second|third|fourth|fifth|last|top|1st|2nd|3rd|[4-9]th|[1-9])(?![\w:.])"
)


@lru_cache(maxsize=1)
def _paired() -> re.Pattern[str]:
    """ "1st out 1st back", "2 there 3 back": a choice and its list, then the next, with
    nothing between them: a clause ends after each list's word."""
    lists = "|".join(f"(?:{pattern.pattern})" for _, pattern in tables().directions)
    return re.compile(
        rf"\b(?:the\s+)?{_ORDINAL_OR_NUMBER}\s+(?:{lists})(?=\s+(?:the\s+)?{_ORDINAL_OR_NUMBER})"
    )


def _clauses(low: str) -> list[tuple[int, int]]:
    cuts = [m.span() for m in _SEPARATOR.finditer(low)]
    cuts += [(m.end(), m.end()) for m in _paired().finditer(low)]
    spans: list[tuple[int, int]] = []
    start = 0
    for a, b in sorted(cuts):
        if a < start:
            continue
        spans.append((start, a))
        start = b
    spans.append((start, len(low)))
    return spans


def _clause_kind(low: str, span: tuple[int, int], taken: list[tuple[int, int]]) -> str | None:
    """The list a clause is about: the direction word in it that no option number owns."""
    text = low[span[0] : span[1]]
    found: list[tuple[int, str]] = []
    for kind, pattern in tables().directions:
        for m in pattern.finditer(text):
            at = span[0] + m.start()
            if any(a <= at < b for a, b in taken):
                continue  # "return 2": the label of a number, read with it
            found.append((m.start(), kind))
    if found:
        return min(found)[1]
    if any(scope == "ways" and pattern.search(text) for scope, pattern in tables().both):
        return None  # "the 1:50pm flight both ways": a flight in each direction, not the outbound
    return "flight" if tables().flight_word.search(text) else None


def direction_at(text: str, at: int) -> str | None:
    """The list ("flight", "return", "hotel") the direction word of the clause around
    offset ``at`` of ``plain(text)`` names ("the 9:30pm delta back": the return), or None
    when the clause has none."""
    return directions(text)(at)


def directions(text: str) -> Callable[[int], str | None]:
    """``direction_at`` for many offsets of one text: the text is cut into clauses once and
    each clause read once (a word-by-word reading of a long message stays linear)."""
    low = plain(text)
    spans = _clauses(low)
    starts = [s for s, _ in spans]
    read: dict[tuple[int, int], str | None] = {}

    def at(offset: int) -> str | None:
        i = bisect.bisect_right(starts, offset) - 1
        span = spans[i] if i >= 0 and offset <= spans[i][1] else (0, len(low))
        if span not in read:
            clause = low[span[0] : span[1]]
            found = [
                (m.start(), kind)
                for kind, pattern in tables().directions
                for m in pattern.finditer(clause)
            ]
            read[span] = min(found)[1] if found else None
        return read[span]

    return at


def _labelled_kind(label: str) -> str | None:
    return {
        "hotel": "hotel",
        "flight": "flight",
        "outbound": "flight",
        "return": "return",
        "inbound": "return",
    }.get(label)


def _bare_number(low: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """A clause that is one option number and nothing else but fillers, a direction and
    a "both ways" ("1 both ways", "2 for both legs": the same number in every list)."""
    text = low[span[0] : span[1]]
    numbers = list(re.finditer(rf"(?<![\w:./-])(?:#\s*)?(?P<n>{_NUMBER_WORD})(?![\w:./-])", text))
    if len(numbers) != 1:
        return None
    m = numbers[0]
    if _COUNTED.match(text, m.end()):
        return None  # "2 rooms pls" after a hotel list: how many, not which
    rest = text[: m.start()] + " " + text[m.end() :]
    t = tables()
    for _, pattern in (*t.both, *t.directions):
        rest = pattern.sub(" ", rest)
    rest = t.fillers.sub(" ", rest)
    if re.sub(r"[\s.!?#:]+", "", rest):
        return None
    n = word_number(m.group("n"))
    if n is None or not 1 <= n <= 9 or m.group("n") == "one":
        return None
    return n, span[0] + m.start()


def _undirected(clause: str) -> str:
    """``clause`` without its direction words and the preposition before them ("2nd
    coming back" → "2nd", "first for going" → "first")."""
    for _, pattern in tables().directions:
        clause = pattern.sub("\0", clause)
    return _DIRECTION_GONE.sub(" ", clause)


# A direction word taken out of a clause, with "for" / "on" (the) before it.
_DIRECTION_GONE: Final = re.compile(r"(?:\b(?:for|on)\s+(?:the\s+)?)?\0")


def _ordinal_then_direction(clause: str) -> str:
    """``clause`` without the direction words after its first word ("2nd coming back" →
    "2nd"); one before it stays ("back the 3rd" is a day of the month)."""
    head = re.match(r"\W*(?:the\s+)?\w+", clause)
    if head is None:
        return clause
    return clause[: head.end()] + _undirected(clause[head.end() :])


def part_window(part: str) -> tuple[str | None, str | None]:
    """The hours a part of the day said of an option names ("evening", "the night one",
    "the crack of dawn"): as a search reads it, a bare "night" as "at night"."""
    found = day_part(part)
    return found if found != (None, None) else day_part(f"at {part}")


@lru_cache(maxsize=1)
def _avoided_parts() -> re.Pattern[str]:
    """A part of the day turned away in a pick ("that isn't at the crack of dawn", "but
    not in the morning", "nothing that leaves at night", "not too early")."""
    return re.compile(rf"(?:\s+too)?\s+(?P<p>{tables().parts_of_day}|early)\b")


def _avoided(low: str) -> list[tuple[int, int, tuple[str | None, str | None]]]:
    """Where ``low`` turns a part of the day away: (start, end of the part, its hours)."""
    found = []
    for m in _avoided_parts().finditer(low):
        said = NOT_A_PART.search(low[: m.start()] + " ")
        if said is None:
            continue
        hours = part_window(m.group("p"))
        if hours != (None, None):
            found.append((said.start(), m.end(), hours))
    return found


@lru_cache(maxsize=1)
def _part_word() -> re.Pattern[str]:
    return re.compile(rf"^(?:{tables().parts_of_day})$")


def _airline_clause(clause: str, labelled: bool) -> tuple[str, str | None, str | None] | None:
    """A clause that names an airline with nothing else but a direction, a "both ways",
    fillers and a part of the day ("BA out", "Air France back", "American both ways", "the
    evening aer lingus out"): the airline as said, and the part of the day's bounds. Only
    when the clause says which list (``labelled``): a bare "delta" may be a search."""
    if not labelled:
        return None
    t = tables()
    rest = _undirected(clause)
    for _, pattern in t.both:
        rest = pattern.sub(" ", rest)
    rest = t.fillers.sub(" ", rest)
    words = re.sub(r"[^\w&'\s-]+", " ", rest).split()
    after = before = None
    if words and _part_word().match(words[0]):
        after, before = part_window(words[0])
        words = words[1:]
    name = " ".join(words)
    if not name or name not in _AIRLINE_WORDS:
        return None
    return name, after, before


def without_reasons(text: str) -> str:
    """``text`` with the clauses that say why an option is picked blanked out, each to the
    end of its sentence ("the Spirit one please, it's the cheapest", "option 3 since it's
    direct": picks.yaml ``said_why``); same offsets as ``text``."""
    text = (text or "").replace("’", "'")
    low = text.lower()
    out = text
    for m in tables().said_why.finditer(low):
        end = re.search(r"[.!?](?:\s|$)", low[m.end() :])
        stop = m.end() + end.start() if end else len(low)
        out = out[: m.start()] + " " * (stop - m.start()) + out[stop:]
    return out


# Where a remark about an option ends (picks.yaml ``remarks``): a comma, a semicolon, a dash,
# "but" / "so", an ellipsis or a sentence's end (not the dot of "10.30").
_REMARK_END: Final = re.compile(r"[,;]|\.{2,}|…|[.!?](?=\s|$)|\s[-–—]+\s|\b(?:but|so)\b")


def without_remarks(text: str) -> str:
    """``text`` with the clauses that remark on an option before another is picked blanked
    out ("lol that first one is late. the second one pls", "the 5:40 is way too early for
    me, the third one": picks.yaml ``remarks``); the last clause is never blanked, and a
    clause only when a later one names an option. Same offsets as ``text``."""
    text = (text or "").replace("’", "'")
    low = text.lower()
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _REMARK_END.finditer(low):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(low)))
    out = text
    for i, (a, b) in enumerate(spans[:-1]):
        if not tables().remarks.search(low[a:b]):
            continue
        if not _read(" ".join(low[c:d] for c, d in spans[i + 1 :])):
            continue
        out = out[:a] + " " * (b - a) + out[b:]
    return out


def read(text: str) -> list[OptionRef]:
    """The options a message names, in the order it names them. A reason said after a
    pick ("the Spirit one please, it's the cheapest") names no option of its own: the
    options named before it are the pick; a message naming none before its reason ("book
    it since it's the cheapest") is read whole. A remark about one option before the pick
    of another ("that first one is late. the second one pls") names no pick either."""
    remarked = without_remarks(text)
    if remarked.strip() != (text or "").replace("’", "'").strip():
        refs = read(remarked)
        if refs:
            return refs
    shorn = without_reasons(text)
    if shorn.strip() != (text or "").strip():
        refs = _read(shorn)
        if refs:
            return refs
    return _read(text)


def _read(text: str) -> list[OptionRef]:
    # "the five fifty five one", "eleven oh five": an hour and its minutes said in words
    # are that clock ("the 5:55 one"); "half ten", "quarter to two" are read below
    text = spoken_times(text, fractions=False)
    low = without_deferred(without_policy_fit(plain(text)))
    fit = [m.span() for m in tables().policy_fit.finditer(plain(text))]
    t = tables()
    found: list[tuple[int, OptionRef]] = []
    owned: list[tuple[int, int]] = []  # label + number spans: "return 2" is not a direction

    def clause_of(at: int) -> tuple[int, int]:
        return next((s for s in spans if s[0] <= at <= s[1]), (0, len(low)))

    spans = _clauses(low)
    explicit: dict[int, str | None] = {}
    for m in _LABELLED.finditer(low):
        n = word_number(m.group("n"))
        if not n:
            continue
        label = m.group("label")
        owned.append((m.start(), m.end()))
        explicit[m.start()] = _labelled_kind(label)
        found.append((m.start(), OptionRef(index=n)))
    for m in _VERB_NUMBER.finditer(low):
        if not any(a <= m.start("n") < b for a, b in owned):
            owned.append((m.start("n"), m.end("n")))
            found.append((m.start("n"), OptionRef(index=int(m.group("n")))))
    for span in spans:
        bare = _bare_number(low, span)
        if bare and not any(a <= bare[1] < b for a, b in owned):
            owned.append((bare[1], bare[1] + 1))
            found.append((bare[1], OptionRef(index=bare[0])))
    for span in spans:
        # "the first", "second please": an ordinal alone in its clause is an option, its
        # direction word beside it ("2nd coming back", "the first going") saying whose.
        lone = _ordinal_then_direction(low[span[0] : span[1]])
        for _, cue in t.both:  # "the first of each", "2nd both ways": in every list
            lone = cue.sub(" ", lone)
        ordinal = _BARE_ORDINAL.match(t.fillers.sub(" ", lone))
        if ordinal and not _ORDINAL.search(low[span[0] : span[1]]):
            word = ordinal.group("o")
            index = -1 if word == "last" else (1 if word == "top" else ORDINALS.get(word))
            if index:
                found.append((span[0] + low[span[0] : span[1]].find(word), OptionRef(index=index)))
    for m in _ORDINAL.finditer(low):
        word = m.group("o") or m.group("o2") or m.group("o3")
        index = -1 if word == "last" else (1 if word == "top" else ORDINALS.get(word))
        if not index:
            continue
        if m.group("o3"):
            between = m.group("w").split()
            if any(
                w in _NOT_DESCRIBING
                or re.search(r"\d", w)
                or _CALENDAR_WORD.match(w)
                or _ranks(w)
                or word_number(w) is not None
                for w in between
            ):
                continue
            found.append((m.start(), OptionRef(index=index, among=True)))
            continue
        kind_word = (m.group("k") or "") if m.group("o") else ""
        if word == "last" and kind_word == "flight":
            continue  # "the last flight back": the latest one (picks.yaml best), no index
        kind = (
            "hotel"
            if "hotel" in kind_word
            else "return"
            if "return" in kind_word
            else "flight"
            if "flight" in kind_word or "outbound" in kind_word
            else None
        )
        if kind == "flight" and any(
            scope == "ways" and pattern.search(low[slice(*clause_of(m.start()))])
            for scope, pattern in t.both
        ):
            kind = None  # "first flight each way": a flight in each direction, not the outbound
        if kind:
            explicit[m.start()] = kind
            owned.append((m.start(), m.end()))
        found.append((m.start(), OptionRef(index=index)))
    # "the 6am nonstop", "the 6:05 one-stop": the stops said narrow a time, a part of the
    # day or a ranking alike
    direct = bool(t.direct.search(low))
    stops = not direct and bool(t.with_stops.search(low))
    clocks: list[tuple[int, int]] = []
    for side, cue in t.lands:
        # "the one that lands before 11am": a bound on the landing, the clock no departure
        for m in cue.finditer(low):
            clause = clause_of(m.start())
            if not _NAMES_AN_OPTION.search(low[clause[0] : m.start()]) and not re.search(
                r"\b(?:which ?ever|whatever|any)\s+(?:\w+\s+)?$", low[clause[0] : m.start()]
            ):
                continue  # "I need to land before 11am" narrows a search; it names no option
            clocks.append((m.start(), m.end()))
            hhmm = _landing_clock(m)
            found.append(
                (
                    m.start(),
                    OptionRef(
                        direct=direct,
                        stops=stops,
                        lands_after=hhmm if side == "after" else None,
                        lands_before=hhmm if side == "before" else None,
                    ),
                )
            )
    landing = list(clocks)
    for m in _CLOCK.finditer(low):
        if any(a <= m.start() < b for a, b in landing):
            continue
        hour = int(m.group("h"))
        if m.group("ap") == "pm" and hour < 12:
            hour += 12
        if m.group("ap") == "am" and hour == 12:
            hour = 0
        clocks.append((m.start(), m.end()))
        either = m.group("ap") is None and 1 <= hour <= 11
        found.append(
            (
                m.start(),
                OptionRef(
                    clock=f"{hour:02d}:{m.group('m')}",
                    either_half=either,
                    direct=direct,
                    stops=stops,
                ),
            )
        )

    def names_an_option(at: int, the: bool, after: str) -> bool:
        clause = clause_of(at)
        return bool(
            the
            or _clause_kind(low, clause, owned) is not None
            or re.match(r"\s*(?:one|flight)\b", after)
            or _NAMES_AN_OPTION.search(low[clause[0] : clause[1]])
        )

    for m in _CLOCK_AP.finditer(low):
        if any(a <= m.start() < b for a, b in clocks):
            continue
        if not names_an_option(m.start(), bool(m.group("the")), low[m.end() :]):
            continue  # "leaving after 5pm" narrows a search; it names no option
        hour = int(m.group("h")) % 12 + (12 if m.group("ap") == "pm" else 0)
        clocks.append((m.start(), m.end()))
        found.append((m.start(), OptionRef(clock=f"{hour:02d}:00", direct=direct, stops=stops)))
    for m in _SPOKEN_CLOCK.finditer(low):
        if any(a <= m.start() < b for a, b in clocks) or any(a <= m.start() < b for a, b in owned):
            continue
        if (
            m.group("h2") == "one"
            and not m.group("oclock")
            and not _AT_HOUR.search(low[: m.start()])
        ):
            continue  # "the direct one in the morning": the pronoun, not 1 am
        spoken = _spoken_clock(m)
        if spoken is None:
            continue
        the = low[: m.start()].endswith("the ")
        if not names_an_option(m.start(), the, low[m.end() :]):
            continue
        found.append(
            (
                m.start(),
                OptionRef(clock=spoken[0], either_half=spoken[1], direct=direct, stops=stops),
            )
        )
    avoided = _avoided(low)
    for start, _end, hours in avoided:
        # "the cheapest nonstop that isn't at the crack of dawn": not leaving then
        found.append((start, OptionRef(avoid=(hours,))))
    for pattern in _part_patterns():
        for m in pattern.finditer(low):
            if any(a <= m.start("p") < b for a, b, _ in avoided):
                continue  # "not the evening one": turned away, not named
            clause = clause_of(m.start())
            labelled = any(p.search(low[clause[0] : clause[1]]) for _, p in t.directions)
            if not (m.group("the") or labelled):
                continue  # "an evening flight" asks for one; "the evening one" names it
            after, before = part_window(m.group("p"))
            if after or before:
                # "the evening non-stop": that part of the day, without stops
                found.append(
                    (
                        m.start(),
                        OptionRef(after=after, before=before, direct=direct, stops=stops),
                    )
                )
    question = bool(_QUESTION.match(low))
    # "the less expensive one", "the lowest priced option": a measure names no airline
    compared: list[tuple[int, int]] = []
    for name, pattern in t.best:
        for m in pattern.finditer(low):
            compared.append(m.span())
            ranked = _RANKED.search(low[: m.start()])
            rank = 1
            if ranked is not None:
                compared.append(ranked.span())
                rank = 2 if ranked.group("o") == "next" else ORDINALS.get(ranked.group("o"), 1)
            if not question:
                found.append(
                    (m.start(), OptionRef(best=name, direct=direct, stops=stops, rank=rank))
                )
    for name, pattern in t.comparatives:
        for m in pattern.finditer(low):
            compared += [m.span(g) for g in ("c1", "c2", "c3") if m.group(g)]
            if not question:
                found.append((m.start(), OptionRef(best=name, direct=direct, stops=stops)))
    if direct and not any(r.best for _, r in found):
        alone = re.search(
            r"\b(?:the\s+)?(?:direct|non-?stop)\s+(?:one|option|flight|fare)\b"
            # "the nonstop", "the direct please": the option without stops, named alone
            r"|\bthe\s+(?:directs?|non-?stops?)\b(?!\s*(?:-|flights|ones|options|fares|to|from"
            r"|between|on|in|into|out of|with|via|[a-z]+ (?:ones?|flights?|options?))\b)",
            low,
        )
        alone = alone or t.whichever_direct.search(low)
        if alone:
            found.append((alone.start(), OptionRef(best="direct")))
    if direct:
        found = _direct_by_clause(low, spans, found)
    booked = t.booked.search(low)
    same = t.same.search(low)
    if booked:
        found.append((booked.start(), OptionRef(booked=True)))
    elif same:
        found.append((same.start(), OptionRef(same=True)))
    for f in mentions(low if not low.rstrip().endswith("?") else ""):
        # (a question naming a flight, "is BA 117 delayed?", asks about it: no pick)
        if f.airline:
            found.append((f.start, OptionRef(carrier=f.spaced)))
    for start, end, amount, per in price_mentions(low):
        found.append((start, OptionRef(price=amount, per=per, price_said=low[start:end].strip())))
    cased = " ".join((text or "").replace("’", "'").split())  # same offsets as ``low``
    for a, b in compared + fit:
        cased = cased[:a] + " " * (b - a) + cased[b:]
    for m in _THE_X_ONE.finditer(cased):
        words = m.group("w").split()
        first = words[0].lower()
        if first == "green":
            found.append((m.start(), OptionRef(best="green")))
            continue
        if t.same.search(m.group("w").lower()):
            continue
        if first in _NOT_NAMES and len(words) == 1:
            continue
        # "the 22:30 British Airways one", "the cheapest BA one": the name among the details.
        kept = [
            w
            for w in words
            if w.lower() not in _NOT_NAMES
            and not _TIME_WORD.match(w.lower())
            and not _part_word().match(w.lower())  # "the late-morning one"
        ]
        if not kept or len(kept) > 2 or any(not w[0].isalpha() for w in kept):
            continue
        if any(w.lower() in _FUNCTION_WORDS for w in kept):
            continue
        hotel = m.group(0).lower().endswith("hotel")
        if hotel:
            explicit[m.start()] = "hotel"
        nonstop = bool(m.group("d")) or any(_DIRECT_WORD.match(w.lower()) for w in words)
        found.append((m.start(), OptionRef(carrier=" ".join(kept), direct=nonstop)))

    for m in _THE_TIME_AIRLINE.finditer(low):
        # "…dec 14, the 4:25 jetblue": an airline said last, after the time (no "one").
        if m.group("name") in _AIRLINE_WORDS and not any(
            r.carrier and at <= m.start("name") <= at + 40 for at, r in found
        ):
            found.append((m.start(), OptionRef(carrier=m.group("name"))))
    bare_direct = _BARE_AIRLINE_DIRECT.match(low)
    if bare_direct and (bare_direct.group("a") or bare_direct.group("b")) in _AIRLINE_WORDS:
        if not any(r.carrier for _, r in found):
            name = bare_direct.group("a") or bare_direct.group("b")
            found.append((bare_direct.start(), OptionRef(carrier=name, direct=True)))
    for span in spans:
        if not any(span[0] <= at <= span[1] and r.carrier for at, r in found):
            piece = low[span[0] : span[1]]
            labelled = any(p.search(piece) for _, p in (*t.directions, *t.both))
            named = _airline_clause(piece, labelled)
            if named is not None:
                start = span[0] + len(piece) - len(piece.lstrip())
                found = [(at, r) for at, r in found if not (span[0] <= at <= span[1] and r.window)]
                found.append((start, OptionRef(carrier=named[0], after=named[1], before=named[2])))
    found = _not_turned_down(low, found)
    rated = stars_said(low)
    if rated is not None:
        # "the cheapest 4 star", "the 4-star one under the cap": that rating, with the rest
        rated_one = _THE_RATED_ONE.search(low)
        if rated_one and not any(r.best or r.carrier or r.index for _, r in found):
            found.append((rated_one.start(), OptionRef()))
        found = [(at, replace(r, stars=rated)) for at, r in found]
        if fit and len(found) == 1 and found[0][1].best is None and found[0][1].index is None:
            # "the 4 star one that's in policy": of that rating, the one within policy
            found = [(found[0][0], replace(found[0][1], best="green"))]
    if t.in_budget.search(low):
        found = [(at, replace(r, in_budget=True)) for at, r in found]
    both = next((scope for scope, pattern in t.both if pattern.search(low)), None)
    # "there and back", "out and back": the direction words of a "both" phrase name no list.
    owned += [m.span() for _, pattern in t.both for m in pattern.finditer(low)]

    def _led(at: int) -> str | None:
        """The direction of the clause just before, when it names a list and no option
        ("just the outbound for now — the JetBlue nonstop": the outbound's)."""
        i = spans.index(clause_of(at)) if clause_of(at) in spans else 0
        if i == 0 or any(spans[i - 1][0] <= a <= spans[i - 1][1] for a, _ in found):
            return None
        return _clause_kind(low, spans[i - 1], owned)

    refs: list[OptionRef] = []
    last_clause: tuple[int, int] | None = None
    for at, ref in sorted(found, key=lambda f: f[0]):
        kind = explicit.get(at) or _clause_kind(low, clause_of(at), owned) or _led(at)
        scope = None if kind else both
        ref = OptionRef(**{**ref.__dict__, "kind": kind, "both": scope})
        clause = clause_of(at)
        if refs and (clause == last_clause or (scope and refs[-1].both == scope)):
            # ... or in two clauses of one choice for each list ("American both ways, the
            # cheapest ones").
            # "the 22:30 British Airways one": one option described by several details.
            merged = _merge(refs[-1], ref)
            if merged is not None:
                refs[-1] = merged
                continue
        last_clause = clause
        # "1 and 1" (round trip): a number said again in its own clause is the next list's
        if ref not in refs or (ref.index is not None and ref.kind is None and ref.both is None):
            refs.append(ref)
    return _avoids_joined(refs)


def _direct_by_clause(
    low: str, spans: list[tuple[int, int]], found: list[tuple[int, OptionRef]]
) -> list[tuple[int, OptionRef]]:
    """ "the earliest out and the nonstop back", "cheapest going, nonstop coming back": a
    direct word in a clause of its own naming a list is that list's choice (the direct
    one), and says nothing of the other lists' choices."""
    t = tables()
    listed = [
        span
        for span in spans
        if t.direct.search(low[span[0] : span[1]])
        and any(p.search(low[span[0] : span[1]]) for _, p in t.directions)
    ]
    others = [
        span
        for span in spans
        if span not in listed and any(p.search(low[span[0] : span[1]]) for _, p in t.directions)
    ]
    if not listed or not others:
        return found
    inside = [span for span in spans if t.direct.search(low[span[0] : span[1]])]
    kept = [
        (at, replace(r, direct=False) if not any(a <= at <= b for a, b in inside) else r)
        for at, r in found
    ]
    for span in listed:
        if not any(span[0] <= at <= span[1] for at, _ in kept):
            m = t.direct.search(low[span[0] : span[1]])
            assert m is not None
            kept.append((span[0] + m.start(), OptionRef(best="direct")))
    return kept


def _avoids_joined(refs: list[OptionRef]) -> list[OptionRef]:
    """A part of the day turned away in a clause of its own ("the cheapest direct one, but
    not in the morning", "not at the crack of dawn — the cheapest nonstop") says it of the
    option named beside it: the one before, else the one after."""
    out: list[OptionRef] = []
    pending: list[OptionRef] = []
    for ref in refs:
        if ref.only_avoids and out:
            merged = _merge(out[-1], ref)
            if merged is not None:
                out[-1] = merged
                continue
        if ref.only_avoids:
            pending.append(ref)
            continue
        for early in pending:
            ref = _merge(ref, early) or ref
        pending = []
        out.append(ref)
    return out + pending


# An option given up for another ("not the 5:50, the 2pm instead", "instead of the Delta
# one ...", "option 1 doesn't work for me, make it option 3"): right after a word that
# turns it away, or in a clause that says it does not suit.
_TURNED_AWAY: Final = re.compile(
    r"\b(?:not|instead of|rather than|in place of|other than|scrap|drop|forget)\s+"
    r"(?:(?:the|that|this)\s+)?$"
)
_DOES_NOT_SUIT: Final = re.compile(
    r"\btoo (?:early|late|expensive|pricey|dear|long|short|tight)\b"
    r"|\b(?:does ?n[o']?t|do ?n[o']?t|won'?t|will not|would ?n'?t|can'?t|cannot) (?:work|suit|do)\b"
    r"|\b(?:no good|not (?:good|great|ideal|ok|okay)|(?:i )?(?:can'?t|cannot) make (?:it|that))\b"
)
_SUIT_CLAUSE: Final = re.compile(r"[,;.!?]+|\s[-–—]+\s|\bbut\b")


def _not_turned_down(low: str, found: list[tuple[int, OptionRef]]) -> list[tuple[int, OptionRef]]:
    """``found`` without the options the message turns down, when it names another."""
    cuts = [0, *(m.end() for m in _SUIT_CLAUSE.finditer(low)), len(low) + 1]

    def turned_down(at: int) -> bool:
        if _TURNED_AWAY.search(low[:at]):
            return True
        a, b = next((a, b) for a, b in itertools.pairwise(cuts) if a <= at < b)
        return bool(_DOES_NOT_SUIT.search(low[a:b]))

    # (a part of the day turned away, "not too early", is what is said of the one wanted)
    kept = [(at, ref) for at, ref in found if ref.only_avoids or not turned_down(at)]
    return kept if kept and len(kept) < len(found) else found


_DETAILS: Final = ("index", "carrier", "clock", "best", "after", "before", "price")


_STARS: Final = re.compile(
    r"\b(?P<n>[1-5]|one|two|three|four|five)(?:\s*-\s*|\s*)(?:stars?|\*|★)(?:\s*-?\s*(?:rated|hotel))?"
)
# "the 4 star one", "the four-star hotel", "the 5* please": a hotel named by its rating.
_THE_RATED_ONE: Final = re.compile(
    r"\bthe\s+(?:[1-5]|one|two|three|four|five)(?:\s*-\s*|\s*)(?:stars?|\*|★)(?:\s*-?\s*rated)?"
    r"(?:\s+(?:one|hotel|option|place))?\b"
)


def stars_said(low: str) -> int | None:
    """The star rating a message names ("4 star", "four-star", "5*"), if one."""
    m = _STARS.search(low)
    return word_number(m.group("n")) if m else None


def _merge(a: OptionRef, b: OptionRef) -> OptionRef | None:
    """One reference naming every detail of ``a`` and ``b``, or None when they name
    different options (two numbers, two times) or different lists."""
    if a.same or b.same or (a.kind and b.kind and a.kind != b.kind):
        return None
    if any(getattr(a, d) is not None and getattr(b, d) is not None for d in _DETAILS):
        return None
    fields = {**a.__dict__}
    for name, value in b.__dict__.items():
        if value not in (None, False):
            fields[name] = value
    fields["rank"] = max(a.rank, b.rank)
    fields["avoid"] = a.avoid + tuple(h for h in b.avoid if h not in a.avoid)
    return OptionRef(**fields)


def one_option(refs: list[OptionRef]) -> OptionRef | None:
    """The one option of a single list that several references describe together ("the
    same BA flight as now, the 22:30": British Airways at 22:30, not the first BA one):
    every detail said, merged while they agree; a detail that disagrees is dropped for
    the most precise one said (a number or a time before an airline)."""
    if not refs:
        return None
    whole = refs[0]
    for ref in refs[1:]:
        merged = _merge(whole, ref)
        if merged is None:
            return max(refs, key=_precision)
        whole = merged
    return whole


def _precision(ref: OptionRef) -> int:
    """How closely a reference names one option: a number or a flight number, then a
    time, then anything else."""
    if ref.index is not None or flight_number(ref.carrier or ""):
        return 3
    return 2 if ref.clock else 1


def _spoken_clock(m: re.Match[str]) -> tuple[str, bool] | None:
    """ "half ten" -> ("10:30", either half of the day); "ten at night" -> ("22:00", False)."""
    word = m.group("h1") or m.group("h2")
    hour = word_number(word) if not word.isdigit() else int(word)
    if hour is None or not 1 <= hour <= 12:
        return None
    frac, mins, part = m.group("frac"), m.group("mins"), (m.group("part") or "").replace(".", "")
    if not (frac or part or m.group("oclock")):
        return None  # a bare number ("two of us") is no time
    if m.group("h2") and m.group("h2").isdigit() and not (part or m.group("oclock")):
        return None
    minute = 0
    if frac:
        minute = 15 if frac.startswith("quarter past") else 45 if frac == "quarter to" else 30
        if frac == "quarter to":
            hour = 12 if hour == 1 else hour - 1
    elif mins:
        minute = {"thirty": 30, "fifteen": 15}.get(mins, 45)
    if part in ("at night", "tonight", "in the evening", "in the afternoon", "pm"):
        hour = hour % 12 + 12 if not (part == "at night" and hour == 12) else 0
        return f"{hour:02d}:{minute:02d}", False
    if part in ("in the morning", "am"):
        return f"{hour % 12:02d}:{minute:02d}", False
    return f"{hour % 12 if hour == 12 else hour:02d}:{minute:02d}", hour != 12


@dataclass(frozen=True)
class Modifiers:
    """What a message says about the option wanted wherever it says it: it narrows a
    choice made by name ("the Iberia nonstop each way", "I'll take the American nonstop")."""

    direct: bool = False
    best: str | None = None


def modifiers(text: str) -> Modifiers:
    low = without_deferred(plain(text))
    t = tables()
    best = None
    if not _QUESTION.match(low):
        best = next((name for name, pattern in t.best if pattern.search(low)), None)
    return Modifiers(direct=bool(t.direct.search(low)), best=best)


def superlative_asked(text: str) -> str | None:
    """The measure a question asks the best of ("how much is the cheapest JFK to Chicago
    on the 10th?", "which is the earliest?"): answered with the search, and "do that one"
    then means it. A statement's superlative is ``modifiers``'s."""
    low = plain(text)
    if not _QUESTION.match(low):
        return None
    return next((name for name, pattern in tables().best if pattern.search(low)), None)


# What may open a request before the option it wants ("and the cheapest hotel ...",
# "ok, the Hilton in London ..."): fillers, each followed by a space or a comma.
_OPENING: Final = r"(?:(?:and|also|plus|then|ok|okay|oh|so|great|perfect|thanks)[\s,]+){0,2}(?:just\s+)?"


@lru_cache(maxsize=1)
def _book_best() -> tuple[
    re.Pattern[str],
    tuple[tuple[str, re.Pattern[str]], ...],
    re.Pattern[str],
    re.Pattern[str],
    re.Pattern[str],
]:
    raw: dict[str, Any] = datafiles.load("picks")["book_best"]
    # "grab the cheapest both ways", "book the first each way": the round trip's two lists
    # (picks.yaml both.ways) stand where the option's noun would
    ways = "|".join(f"(?:{w})" for w in datafiles.load("picks")["both"]["ways"])
    measures = tuple(
        (str(name), re.compile(rf"\b(?:{'|'.join(words)})\b"))
        for name, words in raw["superlatives"].items()
    )
    every = "|".join(w for words in raw["superlatives"].values() for w in words)
    request = re.compile(
        rf"\b(?:{'|'.join(raw['verbs'])})\b(?:\s+[\w'-]+){{0,3}}?\s+the\s+(?:very\s+)?"
        rf"(?P<best>{every})\s+(?:[\w-]+\s+){{0,3}}?(?:{'|'.join(raw['nouns'])}|{ways})\b"
        # "and the cheapest hotel in Atlanta till the 10th": the request opening with the
        # option it wants, no verb before it (a question never: see best_in_request)
        rf"|^(?:{_OPENING})the\s+(?:very\s+)?(?P<opening>{every})\s+(?:[\w-]+\s+){{0,3}}?"
        rf"(?:{'|'.join(raw['nouns'])})\b"
        # "I want the earlier of the 2 nonstops from Boston to London on the 15th, book it"
        rf"|\bthe\s+(?:very\s+)?(?P<then>{every})\s+(?:[\w-]+\s+){{0,3}}?"
        rf"(?:{'|'.join(raw['nouns'])})\b[^.?!;]*?(?:[,.;!]|\s[-\u2013\u2014])\s*"
        rf"(?:(?:and|then|so|pls|please|just|ok|okay)\s+)*(?:{'|'.join(raw['then_book'])})\b"
        # "cheapest EWR-MIA on 12/15, hold it", "lowest fare, put it on hold": the measure
        # said bare, the booking verb in a later clause
        rf"|\b(?P<bare>{every})\b[^.?!;]*?(?:[,.;!]|\s[-\u2013\u2014])\s*"
        rf"(?:(?:and|then|so|pls|please|just|ok|okay)\s+)*(?:{'|'.join(raw['then_book'])})\b"
        # "just get me the cheapest", "book me the earliest.": the measure ends the clause
        rf"|\b(?:{'|'.join(raw['verbs'])})\b(?:\s+[\w'-]+){{0,3}}?\s+the\s+(?:very\s+)?"
        rf"(?P<alone>{every})\s*(?=[.!;,]|$)"
    )
    nouns = r"(?:\s+(?:one|option|flight|hotel|fare|room|non-?stop|direct)s?)?"
    # ("the first is fine" may be an option shown: only a measure's own words here)
    said = "|".join(
        w for words in raw["superlatives"].values() for w in words if w[:4] not in ("firs", "last")
    )
    settled = re.compile(
        rf"(?:^|[.!?;,:]\s*|\b(?:just|the)\s+)(?:the\s+)?"
        rf"(?:{said}){nouns}(?:\s+(?:{ways}))?,?\s+(?:{'|'.join(raw['settled'])})\b(?!\s*\?)"
        rf"|\b(?:{'|'.join(raw['settled_before'])})\s+(?:the\s+)?(?:{said}){nouns}(?:[.!;,]|$)"
        # "the cheapest one please", "BOS-ATL 12/10 cheapest pls": one option, politely
        rf"|\b(?:{said})(?:\s+(?:one|option|flight|hotel|fare|room))?,?\s+"
        rf"(?:{'|'.join(raw['polite'])})\b(?!\s*\?)"
    )
    fits = "|".join(raw["any_fits"])
    verbs = "|".join(raw["verbs"])
    any_fits = re.compile(
        rf"\b(?:{verbs})\b(?:\s+[\w'-]+){{0,2}}?\s+(?:{fits})\b"
        rf"|\b(?:{fits})\b\s*(?:,\s*)?(?:and|then|&)\s+(?:just\s+)?(?:{verbs})\s+(?:it|that)\b"
    )
    listing = re.compile(rf"\b(?:{'|'.join(raw['listing'])})\b")
    return request, measures, any_fits, settled, listing


def best_in_request(text: str) -> OptionRef | None:
    """The option a request books by a superlative before any is shown ("book me on the
    earliest direct flight to Boston on the 16th"): its measure, direct only when said;
    None when the request names none, or several measures ("the first flight out and the
    last one back": one pick per list, left to the traveller)."""
    low = plain(text)
    request, measures, any_fits, settled, listing = _book_best()
    asked = request.search(low)
    if asked is not None and asked.group("opening") and low.rstrip().endswith("?"):
        asked = None  # "the cheapest hotel in Atlanta for those nights?": asked, not chosen
    if asked is None and not _settled_ahead(settled, listing, low):
        # "just book whatever fits": of the options meeting what was asked, the cheapest
        return (
            OptionRef(best="cheapest", direct=bool(tables().direct.search(low)))
            if any_fits.search(low)
            else None
        )
    named = {name for name, pattern in measures if pattern.search(low)}
    if len(named) != 1:
        return None
    # "book the cheapest United nonstop ...": the best of that airline's options
    airlines = {r.carrier for r in read(text) if (r.carrier or "").lower() in _AIRLINE_WORDS}
    return OptionRef(
        best=named.pop(),
        direct=bool(tables().direct.search(low)),
        carrier=airlines.pop() if len(airlines) == 1 else None,
    )


def each_way(text: str) -> bool:
    """The request says its choice is made in both lists of a round trip ("the first option
    both ways", "cheapest out and back"): picks.yaml ``both.ways``."""
    low = plain(text)
    return any(scope == "ways" and p.search(low) for scope, p in tables().both)


def _settled_ahead(settled: re.Pattern[str], listing: re.Pattern[str], low: str) -> bool:
    """ "Cheapest is fine." said in the request: the choice made ahead, unless the sentence
    that says it asks ("is the cheapest ok?", "would the cheapest do"), or the request asks
    to be shown what there is ("can you find me a flight …? cheapest is fine": a preference
    for the list, picks.yaml ``book_best.listing``). A polite request around it ("Could you
    sort out a hotel in Paris ... Cheapest is fine.") still counts: only the phrase's own
    sentence is read."""
    hit = settled.search(low)
    if hit is None or listing.search(low, 0, hit.start()):
        return False
    start = max(low.rfind(mark, 0, hit.start() + 1) for mark in ".!?;") + 1
    ends = [i for i in (low.find(mark, hit.end() - 1) for mark in ".!?;") if i >= 0]
    end = min(ends) if ends else len(low)
    sentence = low[start : end + 1].lstrip(" ,:")
    return not (
        sentence.endswith("?")
        or _QUESTION.match(sentence)
        or re.match(r"\W*(?:is|are|would|will|do|does)\b", sentence)
    )


@lru_cache(maxsize=1)
def _book_listed() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    raw: dict[str, Any] = datafiles.load("picks")
    best, listed = raw["book_best"], raw["book_listed"]
    place = "|".join(listed["place"])
    settled = re.compile(
        rf"(?:^|[\s,;:.!\u2014\u2013-])(?:{place})\s+(?:{'|'.join(best['settled'])})\b(?!\s*\?)"
        rf"|[,;:\u2014\u2013-]\s*(?:{place})\s+(?:{'|'.join(listed['polite'])})\W*$"
        rf"|\b(?:{'|'.join(best['settled_before'])}|{'|'.join(listed['takes'])})\s+(?:{place})\b"
    )
    verbs = re.compile(rf"\b(?:{'|'.join(best['verbs'])})\b")
    listing = re.compile(rf"\b(?:{'|'.join(best['listing'])})\b")
    taken = re.compile(rf"\b(?:{'|'.join(listed['takes'])})\s+(?:{place})\b")
    return settled, verbs, listing, taken


def listed_in_request(text: str) -> OptionRef | None:
    """The option a request books by its place in the list its search is about to show,
    the choice left to the list's order ("book me JFK to Boston on the 4th — the first
    option is fine", "..., I'll take the first one": picks.yaml ``book_listed``); None
    when the message names no single place that way, asks rather than books, or asks to
    be shown the list."""
    low = plain(text)
    refs = read(text)
    if len(refs) != 1 or low.rstrip().endswith("?"):
        return None
    ref = refs[0]
    if ref.index is None or ref.best or ref.carrier or ref.clock or ref.same:
        return None
    settled, verbs, listing, taken = _book_listed()
    if not (verbs.search(low) or taken.search(low)) or listing.search(low) or not settled.search(low):
        return None
    return OptionRef(index=ref.index)


@lru_cache(maxsize=1)
def _book_named() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], frozenset[str]]:
    raw: dict[str, Any] = datafiles.load("picks")
    named = raw["book_named"]
    verbs = "|".join([*raw["book_best"]["verbs"], *named["verbs"]])
    # "book me on the 6:05 American", and "put Mia on BA 13 ...": a flight named by its
    # number needs no "the" before it
    request = re.compile(
        rf"\b(?:{verbs})\b(?P<between>(?:\s+[\w'-]+){{0,4}}?)\s+"
        rf"(?:the\b|(?={FLIGHT_NUMBER}))"
    )
    wish = re.compile(
        rf"\bthe\s+[\w'-]+(?:\s+[\w'-]+){{0,3}}?,?\s+(?:{'|'.join(named['if_there'])})\b"
        # "the Holiday Inn Express in Paris, 9 to 11 December please": the request opening
        # with the option it wants and where, no verb before it ("I'd like the Sofitel in
        # London …": a wish of book_named's ``wanting`` before it)
        rf"|^(?:{_OPENING})(?:(?:{'|'.join(named.get('wanting') or ())})\s+)?"
        rf"the\s+[\w'&.-]+(?:\s+[\w'&.-]+){{0,4}}?\s+(?:in|at|near)\s"
        # "ORD to Miami dec 16, the 5:55 nonstop": the option wanted said last, on its own
        + "".join(f"|{t}" for t in named.get("trailing") or [])
    )
    permission = re.compile(rf"\b(?:{'|'.join(named['permission'])})\b")
    return request, wish, permission, frozenset(str(w) for w in named["between"])


def names_in_request(text: str, whom: str | None = None) -> bool:
    """The request books the option it names, before any is shown ("book me on the 6:05
    American", "put me on the BA one at 18:30", "..., the Hilton if there is one"); the
    flow holds it when exactly one option shown fits what is named. Asking whether one
    may book ("can I book the BA one?") is no request, nor is booking someone not read
    as the traveller (``whom``, the name the request was read to be for), nor a message
    with a question of its own besides ("... What's the rate?": answered first)."""
    low = plain(text)
    request, wish, permission, between = _book_named()
    if permission.search(low):
        return False
    if any(
        part.rstrip().endswith("?") and not (request.search(part) or wish.search(part))
        for part in re.split(r"(?<=[.?!])\s+", low)
    ):
        return False  # "... the Hilton on Park Lane, Dec 15-17. What's the rate?": asked first
    whose = set(plain(whom or "").split())
    if whose:
        # the people it books, named in full, count as one word between ("book me and Tom
        # Baker on the 6:20pm JetBlue")
        names = "|".join(re.escape(w) for w in sorted(whose, key=len, reverse=True))
        low = re.sub(rf"\b(?:{names})(?:\s+(?:{names}))*\b", "them", low)
    allowed = between | whose | {"them"}
    for m in request.finditer(low):
        if set(m.group("between").split()) <= allowed:
            return True
    return bool(wish.search(low)) and not any(
        not set(m.group("between").split()) <= allowed for m in request.finditer(low)
    )


def asks_to_book(text: str) -> bool:
    """The message asks for something to be booked, in a question too ("Can you book
    it?", "go ahead and reserve it"), not only whether it is free ("Is the Hilton free for
    the same nights? I'd rather stay there.")."""
    return bool(tables().verbs.search(plain(text)))


def is_pick(text: str, refs: list[OptionRef]) -> bool:
    """The message chooses among the options shown (not a question): it names one by
    number, time or "same as before", or with a booking verb."""
    low = plain(text)
    if not refs or low.rstrip().endswith("?"):
        return False
    explicit = any(r.index is not None or r.clock or r.same for r in refs)
    return explicit or bool(tables().verbs.search(low))


def name_alone(text: str, names: set[str]) -> bool:
    """The message is nothing but an option's name and fillers ("holiday inn pls",
    "hilton 👍", "delta thx"): a choice, as "the Hilton" is. ``names``: the lower-case
    words of the options it names."""
    rest = tables().fillers.sub(" ", plain(text))
    words = re.findall(r"[a-z0-9&'-]+", rest)
    return bool(words) and all(w in names for w in words)


def bare(text: str) -> bool:
    """The message is nothing but a choice ("the first", "2", "option 3 please")."""
    if not read(text):
        return False
    t = tables()
    rest = t.fillers.sub(" ", plain(text))
    for _, pattern in t.directions:
        rest = pattern.sub(" ", rest)
    rest = re.sub(
        rf"\b(?:{_NUMBER_WORD}|first|second|third|fourth|fifth|last|top|ones?|1st|2nd|3rd|[4-9]th)\b|[\W_]+",
        " ",
        rest,
    )
    return not rest.strip()


def both_people(text: str) -> bool:
    """ "both of us": a head count, not the same choice twice."""
    return bool(re.search(r"\bboth of (?:us|them|you)\b|\bus both\b|\bwe both\b", plain(text)))
