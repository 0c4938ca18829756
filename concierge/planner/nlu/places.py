"""Find the places in a message and whether each is where from or where to.

Every run of one to four words is a candidate; exact names, aliases and codes
are tried first (``core.catalogue.places``), then near-miss spellings of words
in a place position ("to Lodnon", "from new yrok"). Short codes count when
written in capitals ("LHR", "SF") or right after "from"/"to", so "mia" the
manager and "sea" the noun do not become airports. Names of real cities we do
not serve ("Portland") are kept as unserved mentions so the reply can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final, Literal

from concierge.planner.nlu import datafiles
from concierge.planner.nlu.dates import ANY_INSTANT, MONTHS, WEEKDAYS, read_dates
from concierge.planner.nlu.spelling import VOCABULARY
from concierge.planner.nlu.spelling import correct as correct_spelling
from core.catalogue import CARRIERS
from core.catalogue.hotels import hotel_areas
from core.catalogue.places import Place, lookup_place, normalize, unserved_places

Role = Literal["origin", "destination"]

# Words that are never (part of) a place name on their own in a travel request.
STOP: Final = frozenset(
    """
a about above across after again against all am an and any anyway are as ask at away back be because been
before being below between book booked booking bookings both but buy by can cancel cancelled change cheap
cheapest class come coming could day days did do does doing down during each early either else evening
every few first flight flights fly flying for from further get give go going got had has have having he
hello help her here hers hi him his hold hotel hotels how i if in into is it its just last late later
leave leaving let like look looking make many may me meeting mine more morning most much must my need
next night nights no nonstop direct not now of off offsite on once one only option options or other our
out over own people per place please plus premium business economy first quick rather really return
returning round same see seat seats she should show so some something stay staying such than thanks thank
that the their them then there these they thing this those through to too trip trips two under until up
us very via want was way we week weekend well were what when where which while who why will with would
yes you your yours tomorrow today tonight afternoon night cabin approve approval approvals reject
policy trip travel travelling traveling conference visit visiting work client clients team meet
the a an am pm asap ok okay sure great thx ty hey instead actually also rooms room passenger passengers
nights stop stops flight's cost costs price budget under over max min i'm i'd i'll we're id
new old big day after earlier later sooner same any anywhere somewhere home office
""".split()
)
_BEFORE_DEST: Final = (
    "to",
    "into",
    "in",
    "visit",
    "visiting",
    "towards",
    "toward",
    "for",
    "at",
    "arrive",
    "arriving",
    "reach",
    "near",
)
# Destination words that also introduce a route ("for JFK to Chicago") or say where
# someone is ("in London"), not where they go.
_WEAK_DEST: Final = ("for", "in", "at", "near")
_STAYING: Final = ("in", "at", "in the", "at the", "at our", "at my", "at his", "at her")
# Where someone must be is where they go ("need to be in Miami", "I've got to be at
# LHR", "we have to be in Paris by ..."): a destination, never where they are.
_MUST_BE_AT: Final = re.compile(
    r"\b(?:need|needs|needed|have|has|had|got|gotta|must|should|supposed|meant|due|expected)"
    r"\s+(?:to\s+)?be\s+(?:back\s+)?(?:in|at)(?:\s+the)?$"
)
_BEFORE_ORIGIN: Final = ("from", "leaving", "departing", "depart", "ex", "out of", "flying out of")
_CODE_PREPS: Final = ("from", "to", "into", "via", "fly", "flying", "out of")
# Hub codes that are also everyday words or names: lower-case, they need a from/to.
_WORDLIKE_CODES: Final = frozenset(
    {"sea", "mad", "sin", "den", "mia", "del", "dub", "ams", "la", "ny", "sf", "dc", "hk"}
)
# ... also read by others ("book mia chen on ...": with a surname, a first name).
WORDLIKE_CODES: Final = _WORDLIKE_CODES
# City shorthand that is no everyday word ("sf", "la", "dc", "chi"): the place wherever a
# place can stand, in lower case too (data/places.yaml).
_SHORTHAND: Final = frozenset(str(w).lower() for w in datafiles.load("places")["city_shorthand"])
# Before a code then when, where to stay like "in"/"at": "hotel bos 9-11 dec", "2 rooms lhr fri".
_STAY_BEFORE_CODE: Final = (
    "in",
    "at",
    *(str(w).lower() for w in datafiles.load("places")["stay_words"]),
)
# Between a code opening a request and its day, what is asked for: "nyc hotel 15-17".
_KINDS_BEFORE_WHEN: Final = re.compile(
    r"^\s*,?\s*(?:"
    + "|".join(
        re.escape(str(w))
        for w in sorted(datafiles.load("places")["kinds_before_when"], key=len, reverse=True)
    )
    + r")\b",
    re.IGNORECASE,
)
# A city shorthand right before one of these names the trip's place: "my lon flight".
_TRIP_NOUN_AFTER: Final = re.compile(
    r"^\s+(?:"
    + "|".join(re.escape(str(w)) for w in datafiles.load("places")["trip_nouns"])
    + r")\b",
    re.IGNORECASE,
)
_DETERMINERS: Final = ("my", "the", "our", "your", "ur", "his", "her", "their", "this", "that")
# A code written just before, joined to this one by a hyphen or an arrow ("lhr-jfk").
_JOINED_CODE: Final = re.compile(
    r"(?<![\w-])(?P<code>[A-Za-z]{3})\s*(?:<-+>|<=+>|[⇄⇆↔⟷⟺]|-+>?|–|—|→|>)\s*$"
)
# Any place name written just before, joined by an arrow ("paris > nyc", "boston → sf").
_JOINED_NAME: Final = re.compile(
    r"(?P<name>[A-Za-zÀ-ÿ'’.]+(?:\s+[A-Za-zÀ-ÿ'’.]+){0,2})\s*(?:<-+>|<=+>|[⇄⇆↔⟷⟺]|-+>|→|>)\s*$"
)
# Two codes with only a space between them ("jfk lhr", "JFK LHR fri") are a route, origin
# first, when both are airport or metro codes and at least one is no everyday word
# ("mia", "sea", "par"...). A third code on either side, or a hyphen or arrow after the
# pair ("book mia jfk-bos"), makes it something else: a list, or a name beside a route.
_SPACED_WORDLIKE: Final = _WORDLIKE_CODES | frozenset({"par", "lax", "chi", "was", "lon", "fra"})
_CODE_BEFORE: Final = re.compile(r"(?<![\w'’-])(?P<code>[A-Za-z]{3})[ \t]+$")
_CODE_AFTER: Final = re.compile(r"^[ \t]+(?P<code>[A-Za-z]{3})(?![\w'’-])")
_JOINER_AFTER: Final = re.compile(
    r"^\s*(?:<-+>|<=+>|[⇄⇆↔⟷⟺]|-+>?|–|—|→|>|/|to\b|2\b)\s*(?P<next>[A-Za-z]+)"
)
_JOINER_BEFORE: Final = re.compile(r"(?:<-+>|<=+>|[⇄⇆↔⟷⟺]|-+>?|–|—|→|>|/|\bto)\s*$")
# What may come before a code that opens a request ("pls sfo fri", "ok lhr tmrw").
_OPENING: Final = re.compile(r"\s*(?:(?:ok|okay|pls|please|need|and|also|hi|hey|so)\W*\s*)*")
# Words that date a trip right after such a code ("sfo on the 4th", "lhr next tue").
_WHEN_WORDS: Final = frozenset(
    {"on", "next", "this", "nxt", "tmrw", "tmr", "tmw", "tomorrow", "today", "tonight", "the"}
    | {w[:3] for w in WEEKDAYS}
    | {"tues", "thur", "thurs", "weds"}
)
_NAME_LEADS: Final = frozenset({"new", "san", "los", "las", "hong", "the", "big"})
# A two-way arrow ("NYC ⇄ SF", "jfk <-> lhr") is a round trip's route, written out first.
# ... or "to" between hyphens ("my boston-to-paris booking")
_ARROW: Final = re.compile(r"^\s*(?:<-+>|<=+>|[⇄⇆↔⟷⟺]|-+>?|–|—|→|>|to|2|/|-to-)\s*$")
_WORD: Final = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’.]*|\d+")


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str
    place: Place | None  # None: a real city we do not serve, or a name we do not know
    role: Role | None
    unserved: tuple[str, ...] = ()
    fuzzy: bool = False
    # One end of a route named both ways ("between New York and Paris"): origin, then
    # destination, as written; the dialogue may turn it round (the speaker's home).
    between: bool = False


_READ_ELSEWHERE: Final = (
    frozenset(MONTHS)
    | frozenset(WEEKDAYS)
    | frozenset(VOCABULARY)
    | frozenset({"today", "tmrw", "tmr", "tmw", "tonite", "noon", "midday", "morning", "evening"})
)


@lru_cache(maxsize=8192)
def _read_elsewhere(token: str) -> bool:
    """A month, weekday or other word another reader owns ("December", "Decmber", "tmrw").
    Remembered: each word is asked about once for every span it is part of."""
    word = token.lower().strip(".,'’")
    return word in _READ_ELSEWHERE or (len(word) >= 5 and correct_spelling(word) != word)


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]


# How far before a word the readers below look (a few words: "flying out of", "boston ->"):
# never the whole text before it, which made a long message cost its length squared.
_LOOK_BACK: Final = 80


def _back(start: int) -> int:
    return max(0, start - _LOOK_BACK)


def _prev(text: str, start: int) -> str:
    return text[_back(start) : start].lower().rstrip()


def _preceded(text: str, start: int, words: tuple[str, ...]) -> bool:
    before = _prev(text, start)
    # a form's label ("From: New York / To: Chicago") is the word itself
    before = before[:-1].rstrip() if before.endswith(":") else before
    return any(before.endswith((" " + w, "\n" + w)) or before == w for w in words)


def _is_code_like(token: str) -> bool:
    return len(token) <= 3 and token.isalpha()


def _acceptable_short(text: str, start: int, token: str) -> bool:
    """Codes and two-letter aliases need capitals, a from/to in front or a "to" after."""
    if token.isupper() and token.lower() not in {"i", "a"}:
        return True
    if token.lower() in STOP:
        return False
    if _preceded(text, start, _CODE_PREPS):
        return True
    shorthand = _shorthand(token)
    if shorthand and _preceded(text, start, ("in", "at", "near")):
        return True  # "a hotel in sf", "room in dc for 3 nights": where to stay
    if (
        shorthand
        and _TRIP_NOUN_AFTER.match(text[start + len(token) :])
        and (_preceded(text, start, _DETERMINERS) or _prev(text, start).endswith(("'s", "’s")))
    ):
        return True  # "my lon flight", "the nyc trip", "ava's sf hotel": the trip's place
    joined = _JOINED_CODE.search(text, _back(start), start)
    if joined and lookup_place(joined.group("code"), fuzzy=False) is not None:
        return True  # "lhr-jfk", "sfo > ord": the second of two codes joined as a route
    if _place_before_arrow(text, start):
        return True  # "paris > nyc", "boston -> la": the end of a route drawn with an arrow
    if _spaced_pair(text, start, token) is not None:
        return True  # "jfk lhr": two codes side by side
    if _lone_code_first(text, start, token):
        return True  # "sfo fri, 2 of us": where to, from home
    if _code_in_then_when(text, start, token):
        return True  # "a hotel in nyc dec 15-17": where to stay, then when
    after = text[start + len(token) :]
    # "sfo to jfk", "jfk into lhr" and "sfo from jfk": a word on either side of a route names a place.
    arrow = re.match(r"^\s*(?:-+>?|–|—|→|>|to|into|from)\s*\w", after)
    return (shorthand or token.lower() not in _WORDLIKE_CODES) and arrow is not None


def _shorthand(token: str) -> bool:
    """A city's shorthand that is no everyday word ("sf", "la", "chi"), known to the catalogue."""
    return token.lower() in _SHORTHAND and lookup_place(token, fuzzy=False) is not None


def _lone_code_first(text: str, start: int, token: str) -> bool:
    """A code that opens the message, right before when ("sfo fri", "lhr tmrw pls", "ord
    on the 14th", "la fri"): where to fly, in shorthand. Never an everyday word ("sea",
    "mad")."""
    if not _shorthand(token) and (token.lower() in _SPACED_WORDLIKE or not _is_code(token)):
        return False
    if not _OPENING.fullmatch(text[:start]):
        return False
    rest = text[start + len(token) :]
    kind = _KINDS_BEFORE_WHEN.match(rest)  # "nyc hotel 15-17", "sfo round trip 14-17 dec"
    return _when_next(rest[kind.end() :] if kind else rest)


def _code_in_then_when(text: str, start: int, token: str) -> bool:
    """A code right after "in" or "at" (or a word for the stay: "hotel bos", "2 rooms lhr"),
    then when or nothing more ("a hotel in nyc dec 15-17", "room at sfo tonight", "hotel in
    nyc", "2 rooms bos 9-11 dec", "hotel sf 9-11"): where to stay. Never an everyday word
    ("in sea", "at par")."""
    if not _shorthand(token) and (token.lower() in _SPACED_WORDLIKE or not _is_code(token)):
        return False
    if not _preceded(text, start, _STAY_BEFORE_CODE):
        return False
    rest = text[start + len(token) :]
    if _preceded(text, start, ("in", "at")) and re.fullmatch(r"\s*[.!?]*\s*", rest):
        return True
    return _when_next(rest)


def _when_next(rest: str) -> bool:
    """The words right after a code say when: a number, a weekday or month, "on", "tmrw"
    ... or any day the date reader reads starting there ("bos day after tomorrow", "lhr a
    week today", "sfo in 2 days", "ord end of next week")."""
    nxt = re.match(r"\s*,?\s*(?P<w>[A-Za-z]+|\d)", rest)
    if nxt is None:
        return False
    word = nxt.group("w").lower()
    if word.isdigit() or word in _WHEN_WORDS or _read_elsewhere(word):
        return True
    return _a_day_at(rest, nxt.start("w"))


@lru_cache(maxsize=1024)
def _a_day_at(rest: str, at: int) -> bool:
    """``rest`` has a day the date reader reads starting at ``at`` (its first word)."""
    return any(m.start <= at for m in read_dates(rest, ANY_INSTANT).mentions)


def _is_code(word: str) -> bool:
    low = word.lower()
    # Every three-letter name the catalogue knows is a code ("jfk", "lon", "nyc").
    return (
        len(low) == 3
        and low.isalpha()
        and low not in STOP
        and not _read_elsewhere(low)
        and lookup_place(low, fuzzy=False) is not None
    )


def _spaced_pair(text: str, start: int, token: str) -> Literal["origin", "destination"] | None:
    """``token`` (at ``start``) is one of two codes written side by side as a route
    ("jfk lhr"): its role in it, or None."""
    if not _is_code(token):
        return None
    end = start + len(token)
    after = _CODE_AFTER.match(text[end:])
    if after is not None and _spaced_route(text, start, end, end + after.end()):
        return "origin"
    before = _CODE_BEFORE.search(text, _back(start), start)
    if before is not None and _spaced_route(text, before.start(), before.start() + 3, end):
        return "destination"
    return None


def _spaced_route(text: str, a_start: int, a_end: int, b_end: int) -> bool:
    """Codes at [a_start, a_end) and ending at b_end, a space apart, read as a route."""
    a, b = text[a_start:a_end], text[b_end - 3 : b_end]
    if not (_is_code(a) and _is_code(b)):
        return False
    if {a.lower(), b.lower()} <= _SPACED_WORDLIKE:
        return False  # "mad mia", "sea par": words as much as codes
    place_a, place_b = lookup_place(a, fuzzy=False), lookup_place(b, fuzzy=False)
    if place_a is None or place_b is None or place_a.city == place_b.city:
        return False
    rest = text[b_end:]
    joined = _JOINER_AFTER.match(rest)
    if (joined and lookup_place(joined.group("next"), fuzzy=False)) or _JOINER_BEFORE.search(
        text, _back(a_start), a_start
    ):
        return False  # "mia jfk-bos": the route is jfk-bos; "mia" is someone
    nxt, prev = _CODE_AFTER.match(rest), _CODE_BEFORE.search(text, _back(a_start), a_start)
    if nxt is not None and _is_code(nxt.group("code")):
        return False  # "jfk lhr cdg": a list of three, not one route
    if (
        prev is not None
        and _is_code(prev.group("code"))
        and prev.group("code").lower() not in _SPACED_WORDLIKE
    ):
        return False
    return True


def _place_before_arrow(text: str, end: int) -> bool:
    """The text before ``end`` ends with a place name (of one to three words) and an arrow."""
    joined = _JOINED_NAME.search(text, _back(end), end)
    if joined is None:
        return False
    words = joined.group("name").split()
    last = words[-1]
    if last.lower() in STOP and not last.isupper():
        return False  # "the meeting > mia", "me -> ..." are no route
    return any(
        lookup_place(" ".join(words[-n:]).rstrip(".'’"), fuzzy=False) is not None
        for n in range(1, len(words) + 1)
    )


def find_places(text: str) -> list[PlaceMention]:
    """Places named in ``text``, left to right, with a role when the wording gives one."""
    return list(_places_in(text))


@lru_cache(maxsize=2048)
def _places_in(text: str) -> tuple[PlaceMention, ...]:
    """:func:`find_places`, remembered (issue 15): a new message is read for places three
    or four times over — its whole text, its clauses for legs, its corrections — at ~1 ms
    each, half of its reading. A pure function of the text (the catalogue's places and
    areas are fixed); the mentions are frozen, the caller's list its own."""
    words = _words(text)
    found: list[PlaceMention] = []
    i = 0
    while i < len(words):
        hit = _exact_at(text, words, i)
        if hit is None and (area := _hotel_area_at(words, i)):
            i += area  # "near Times Square": where in a city to stay, no city itself
            continue
        if hit is None:
            hit = _fuzzy_at(text, words, i)
        if hit is None:
            i += 1
            continue
        mention, used = hit
        found.append(mention)
        i += used
    return tuple(_assign_roles(text, found))


@cache
def _areas() -> dict[tuple[str, ...], int]:
    """The hotel areas of the catalogue that are no place themselves ("Canary Wharf" is,
    "O'Hare" and "LAX" are airports), as their words, each with its word count."""
    out: dict[tuple[str, ...], int] = {}
    for area in hotel_areas():  # longest first
        key = tuple(w.lower() for w in _WORD.findall(area))
        if key and lookup_place(area, fuzzy=False) is None:
            out[key] = len(key)
    return out


def _hotel_area_at(words: list[tuple[int, int, str]], i: int) -> int:
    """How many words at ``i`` name a hotel area of two words or more ("Times Square",
    "Kings Cross", "Fisherman's Wharf"), 0 when none does. One-word areas ("Downtown",
    "Chelsea") are everyday words or names too, left to the other readers."""
    for n in (4, 3, 2):
        # (a word ends with the sentence's full stop: "I'd rather be near Kings Cross.")
        key = tuple(w.lower().rstrip(".") for _, _, w in words[i : i + n])
        if len(key) == n and _areas().get(key) == n:
            return n
    return 0


def _span(text: str, words: list[tuple[int, int, str]], i: int, n: int) -> tuple[int, int, str]:
    start, end = words[i][0], words[i + n - 1][1]
    return start, end, text[start:end]


def _exact_at(
    text: str, words: list[tuple[int, int, str]], i: int
) -> tuple[PlaceMention, int] | None:
    for n in (4, 3, 2, 1):
        if i + n > len(words):
            continue
        start, _end, chunk = _span(text, words, i, n)
        chunk = chunk.rstrip(".'’")
        tokens = chunk.split()
        if any(_read_elsewhere(t) and not t.isupper() for t in tokens):
            continue  # "Paris, December 30" is Paris and a date
        if n == 1:
            token = tokens[0].removesuffix("'s").removesuffix("’s")
            if token.lower() in STOP and not token.isupper():
                continue
            if token.isdigit():
                continue
            if _is_code_like(token) and not _acceptable_short(text, start, token):
                continue
            chunk = token
        elif tokens[0].lower() in STOP and tokens[0].lower() not in {
            "new",
            "the",
            "big",
            "san",
            "los",
            "hong",
        }:
            continue
        elif tokens[-1].lower() in STOP - {"apple", "city", "york", "area"}:
            continue
        if n > 1 and "," in chunk:
            # "Dublin, Ireland" is one place; "Dublin, not London" and "Paris, London"
            # are two mentions (the catalogue reads the part before a comma alone).
            before, after = chunk.split(",", 1)[0], chunk.split(",", 1)[1].split()
            if not after or after[0].lower() in STOP:
                continue
            other, own = (
                lookup_place(" ".join(after), fuzzy=False),
                lookup_place(before, fuzzy=False),
            )
            if other is not None and (own is None or other.city != own.city):
                continue
        place = lookup_place(chunk, fuzzy=False)
        if place is not None:
            return PlaceMention(start, start + len(chunk), chunk, place, None), n
    return None


_TO_NEXT: Final = re.compile(r"\s*(?:to|-|–|>|->|→)\s*$")


def _before_a_place(text: str, words: list[tuple[int, int, str]], i: int) -> bool:
    """ "atlnta to miami": a word right before "to" and a place we know is where the route
    starts, typed in lower case too."""
    if i + 2 >= len(words) or not _TO_NEXT.match(text[words[i][1] : words[i + 2][0]]):
        if i + 1 >= len(words) or not re.fullmatch(
            r"\s*(?:-|–|>|->|→)\s*", text[words[i][1] : words[i + 1][0]]
        ):
            return False
        nxt = i + 1
    else:
        nxt = i + 2
    return lookup_place(words[nxt][2], fuzzy=False) is not None


@cache
def _airline_words() -> frozenset[str]:
    """An airline's name, or its own first word (``CarrierInfo.short_name``: "Ryanair",
    "Spirit"): never a place, however it stands ("why can't I book Ryanair to Dublin?")."""
    return frozenset(
        name
        for carrier in CARRIERS
        for name in (carrier.name.lower(), carrier.short_name)
        if name is not None
    )


@cache
def _airline_names_of_words() -> tuple[str, ...]:
    """The airlines' names of more than one word ("aer lingus"), as a text may start with."""
    return tuple(name for name in _airline_words() if " " in name)


def _airline_at(text: str, token: str, start: int) -> bool:
    if token.lower() in _airline_words():
        return True
    low = text[start:].lower()
    return any(low.startswith(name) for name in _airline_names_of_words())


def _fuzzy_at(
    text: str, words: list[tuple[int, int, str]], i: int
) -> tuple[PlaceMention, int] | None:
    """Near-miss spellings, only where a place is expected: after from/to/in, or capitalised."""
    start = words[i][0]
    token = words[i][2]
    if _airline_at(text, token, start):
        return None
    lead = token.lower() in _NAME_LEADS
    if (
        (token.lower() in STOP and not lead)
        or _read_elsewhere(token)
        or token.isdigit()
        or (len(token) < 4 and not (token.isupper() or lead))
    ):
        return None
    # "for" introduces people as often as places ("booking for Victor"): it does
    # not make an unknown name a place.
    in_position = _preceded(
        text, start, tuple(w for w in _BEFORE_DEST if w != "for") + _BEFORE_ORIGIN
    )
    # "austin to chicago": the word before "to <a place we know>" is where the route
    # starts, lower case too — a city we don't serve there is said, not dropped (but a
    # name we can't place there is a person's: "my wife Ana Silva to Miami").
    route_start = not in_position and _before_a_place(text, words, i)
    if not in_position and not route_start and not token[:1].isupper():
        return None
    for n in (3, 2, 1):
        if i + n > len(words):
            continue
        s, e, chunk = _span(text, words, i, n)
        tokens = chunk.split()
        if any(
            (t.lower() in STOP and not (j == 0 and t.lower() in _NAME_LEADS)) or _read_elsewhere(t)
            for j, t in enumerate(tokens)
        ):
            continue
        if n == 1 and lead:
            continue
        if any(t.isdigit() for t in tokens):
            continue
        key = normalize(chunk)
        place = lookup_place(chunk, fuzzy=True)
        # A typo keeps its first letter ("Lodnon", "Frnakfurt"); this keeps
        # ordinary words from turning into cities. A near miss of a city we serve
        # wins over a namesake we do not ("Sidney" is Sydney, not Sidney, Montana).
        if place is not None and key[:1] in {normalize(place.city)[:1], normalize(place.name)[:1]}:
            return PlaceMention(s, e, chunk, place, None, fuzzy=True), n
        unserved = unserved_places(chunk) if in_position or route_start else ()
        if unserved:
            return PlaceMention(s, e, chunk, None, None, unserved), n
    if in_position and token[:1].isupper() and len(token) >= 4:
        # "to Gotham": a name in a place position that we cannot place at all.
        return PlaceMention(start, words[i][1], token, None, None), 1
    return None


# "between New York and Paris", "flights between BOS & ORD": a route with no direction.
_BETWEEN: Final = re.compile(r"\bbetween\s*$", re.IGNORECASE)
_BETWEEN_AND: Final = re.compile(r"^\s*(?:and|&|\+)\s*$", re.IGNORECASE)


def _assign_roles(text: str, found: list[PlaceMention]) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    staying: list[int] = []  # "in London", "at the Chicago office": where someone is
    pairs = {
        k
        for k in range(len(found) - 1)
        if _BETWEEN.search(text[: found[k].start])
        and _BETWEEN_AND.match(text[found[k].end : found[k + 1].start])
    }
    for k, m in enumerate(found):
        role: Role | None = None
        routed = k + 1 < len(found) and _ARROW.match(text[m.end : found[k + 1].start])
        if k in pairs or k - 1 in pairs:
            role = "origin" if k in pairs else "destination"
            out.append(
                PlaceMention(m.start, m.end, m.text, m.place, role, m.unserved, m.fuzzy, True)
            )
            continue
        if _preceded(text, m.start, _BEFORE_ORIGIN):
            role = "origin"
        elif _MUST_BE_AT.search(_prev(text, m.start)):
            role = "destination"  # "need to be in Miami": where they go, not where they are
            out.append(PlaceMention(m.start, m.end, m.text, m.place, role, m.unserved, m.fuzzy))
            continue
        elif _preceded(text, m.start, _WEAK_DEST) and routed:
            role = "origin"  # "works for JFK to Chicago": the route's first end
        elif _preceded(text, m.start, _BEFORE_DEST):
            role = "destination"
        elif routed:
            role = "origin"
        elif k > 0 and _ARROW.match(text[found[k - 1].end : m.start]):
            role = "destination"
        else:
            role = _spaced_pair(text, m.start, m.text)  # "jfk lhr": origin, then destination
        if role != "origin" and _preceded(text, m.start, _STAYING):
            staying.append(k)
        out.append(PlaceMention(m.start, m.end, m.text, m.place, role, m.unserved, m.fuzzy))
    return _from_where_staying(text, _back_to_the_start(text, out, staying), staying)


# "back to", "returning to", "flying home to": where the way back goes
_BACK_TO: Final = (
    "back to",
    "back into",
    "returning to",
    "return to",
    "home to",
    "coming back to",
    "flying back to",
)


def said_back_to(text: str, mention: PlaceMention) -> bool:
    """Whether the place is said as where the way back goes ("back to London", "return
    to New York")."""
    return _preceded(text.lower(), mention.start, _BACK_TO)


_THEN: Final = re.compile(r",|;|\.\s|\b(?:and|then)\b")
# A day named between two places ("on the 3rd", "mon", "dec 4", "tomorrow").
_A_DAY: Final = re.compile(
    r"\d|\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\b|\b(?:today|tonight|tomorrow|weekend)\b"
)
# "I've only got a one-way to Paris": the way there already held, said before a place
_BOOKED_BEFORE: Final = re.compile(str(datafiles.load("places")["booked_before"]))


def _back_to_the_start(
    text: str, found: list[PlaceMention], staying: list[int]
) -> list[PlaceMention]:
    """ "london on the 14th, returning to new york on the 18th": with no origin named, the
    place the way back goes to is where the trip starts, and the place named before it,
    where the traveller goes (not someone *in* that place: "I'm in London and need to get
    back to Boston" is one flight to Boston; "Dublin back to New York" is a route)."""
    if any(m.role == "origin" for m in found):
        return found
    for k, m in enumerate(found):
        if m.place is None or not _preceded(text, m.start, _BACK_TO):
            continue
        going = [
            j
            for j, g in enumerate(found[:k])
            if j not in staying
            and g.place is not None
            and not _same_city(g, m)
            # "Dublin back to New York", "Miami back to JFK on Wednesday": a route from
            # the place before, not a way back said after the way there
            and _THEN.search(text[g.end : m.start])
        ]
        if not going:
            return found
        out = list(found)
        g = found[going[0]]
        # "I've only got a one-way to Paris — a flight back to Boston": the way there is
        # held already, so the one asked for leaves from it, back to the place said after.
        # (a day said of the way there, "my flight to paris is on the 3rd, back on the
        # 7th", leaves the two days to be read as a trip there and back)
        held = bool(_BOOKED_BEFORE.search(text[: g.start].lower())) and not _A_DAY.search(
            text[g.end : m.start].lower()
        )
        out[k] = PlaceMention(
            m.start, m.end, m.text, m.place, "destination" if held else "origin", m.unserved, m.fuzzy
        )
        out[going[0]] = PlaceMention(
            g.start, g.end, g.text, g.place, "origin" if held else "destination", g.unserved, g.fuzzy
        )
        return out
    return found


# The speaker says where they are now: "I'm in the London office this week", "we're
# currently in Paris", "based in Chicago at the moment".
_SPEAKER_IS: Final = re.compile(
    r"\b(?:i'?m|i am|we'?re|we are|currently|based|stuck|working|sitting)\b[^,.;!?]{0,25}$"
)


def _from_where_staying(
    text: str, found: list[PlaceMention], staying: list[int]
) -> list[PlaceMention]:
    """ "spending the holidays in London and need to get back to Boston", "after his
    meetings in Chicago he needs to get to New York": with no origin named, the place
    someone is *in* is where the flight leaves from when another place is where they
    go *to* — or, when the speaker says they are there now ("boston 11/12 please, I'm
    in the London office this week"), any other place named."""
    if not staying:
        return found
    origin = next((m for m in found if m.role == "origin"), None)
    if origin is not None:
        return _staying_at_origin(found, staying, origin)
    here = any(_SPEAKER_IS.search(text[: found[k].start].lower()) for k in staying)
    going = [
        m
        for k, m in enumerate(found)
        if k not in staying
        and (m.role == "destination" or (here and m.role is None))
        and m.place is not None
    ]
    if not going:
        return found
    out = list(found)
    for k in staying:
        m = found[k]
        if m.place is not None and all(g.place.city != m.place.city for g in going if g.place):
            out[k] = PlaceMention(m.start, m.end, m.text, m.place, "origin", m.unserved, m.fuzzy)
            for g in going:  # "boston 11/12, I'm in London": the other place is where to
                if g.role is None:
                    j = found.index(g)
                    out[j] = PlaceMention(
                        g.start, g.end, g.text, g.place, "destination", g.unserved, g.fuzzy
                    )
            break
    return out


def _staying_at_origin(
    found: list[PlaceMention], staying: list[int], origin: PlaceMention
) -> list[PlaceMention]:
    """ "I'm at a conference in SF — flights from SFO back to New York": the place someone
    is *in*, in the city the flight leaves from, is that origin told again, not where they
    go, when another place is where they go *to*."""
    going = [
        m
        for k, m in enumerate(found)
        if k not in staying and m.role == "destination" and not _same_city(m, origin)
    ]
    if not going:
        return found
    out = list(found)
    for k in staying:
        m = found[k]
        if m.role == "destination" and _same_city(m, origin):
            out[k] = PlaceMention(m.start, m.end, m.text, m.place, None, m.unserved, m.fuzzy)
    return out


def roles(found: list[PlaceMention]) -> tuple[PlaceMention | None, PlaceMention | None]:
    """(origin, destination): explicit roles first, then the rest fill destination, then origin."""
    origin = next((m for m in found if m.role == "origin"), None)
    dest = next((m for m in found if m.role == "destination"), None)
    for m in found:
        if m is origin or m is dest:
            continue
        if dest is None:
            dest = m
        elif origin is None and not _same_city(m, dest):
            origin = m  # "a hotel in Paris and a flight to Paris": one place, named twice
    return origin, dest


def _same_city(a: PlaceMention, b: PlaceMention) -> bool:
    return a.place is not None and b.place is not None and a.place.city == b.place.city
