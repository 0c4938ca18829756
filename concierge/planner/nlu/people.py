"""Who flies: colleagues named as flying with the speaker ("book me and Erin", "Ava and I
need…"), and the answer to "who's flying?" ("me and Jo Bloggs", "Ava, Kim Lee").

Colleagues are the people the caller may book for (the profile's ``can_book_for``),
named by their first name or in full; a guest is named by their legal names, given
and family ("Jo Bloggs", "Mary Ann de Souza": the last word is the family name). Pure
functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final, Literal

from concierge.planner.nlu import datafiles

SELF_WORDS: Final = frozenset({"me", "myself", "i", "me too", "and me", "i am", "i'm"})
# Words joining the members of a list of people.
_JOIN: Final = r"(?:\s*,\s*(?:and\s+)?|\s+(?:and|&|\+|plus)\s+)"
_SELF: Final = r"(?:me|myself|i)"
# "flying with Erin", "together with Ava": the speaker goes too.
_WITH: Final = re.compile(r"\b(?:with|along with|together with|alongside)\s+$")
# What may open an answer to "who's flying?" before the names themselves.
_LEAD: Final = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|sure|yes|yeah|right)[,!.]?\s+)?"
    r"(?:(?:it(?:'s| is| will be)|that(?:'s| is)|the (?:passengers?|travell?ers?) (?:are|is|will be)"
    r"|passengers?:|travell?ers?:|flying:|they(?:'re| are)|we(?:'re| are)|just)\s+)?",
    re.IGNORECASE,
)
_SPLIT: Final = re.compile(r"\s*(?:,|;|\n|\band\b|&|\+|\bplus\b)\s*", re.IGNORECASE)
# A word of a name as typed: letters, and whatever a typo puts among them (digits: the
# core reads names and refuses those, INVALID_NAME, which the concierge then explains).
_NAME_WORD: Final = re.compile(r"[^\W_][\w'’.-]*")
# Not names: a chunk holding one of these is not an answer naming people.
_NOT_NAMES: Final = frozenset(
    """
    yes no ok okay sure cancel stop book confirm please thanks thank you hold flight flights
    hotel option seat seats the a an to from on in at for of my our is are be not don't do
    what who which why how when where can could would should will it that this them they
    colleague colleagues guest guests people passenger passengers traveller travellers
    """.split()
)


@cache
def _frames() -> tuple[re.Pattern[str], ...]:
    """How an answer frames a name ("Priya Shah is one of them": ``data/people.yaml``)."""
    raw: list[str] = datafiles.load("people")["frames"]
    return tuple(re.compile(p, re.IGNORECASE) for p in raw)


@cache
def _asides() -> tuple[re.Pattern[str], ...]:
    """Remarks about the people named, not names (``data/people.yaml`` ``asides``)."""
    raw: list[str] = datafiles.load("people")["asides"]
    return tuple(re.compile(p, re.IGNORECASE) for p in raw)


@cache
def _before_name() -> str:
    """What a request calls a colleague before their name (``data/people.yaml``)."""
    return str(datafiles.load("people")["before_name"])


@cache
def _labels() -> tuple[re.Pattern[str], ...]:
    """What an answer says a person is, before the name (``data/people.yaml`` ``labels``)."""
    raw: list[str] = datafiles.load("people")["labels"]
    return tuple(re.compile(p, re.IGNORECASE) for p in raw)


def _unlabelled(chunk: str) -> str:
    """A piece of an answer without what it says the person is ("two guests: Tom Baker"
    → "Tom Baker", "a guest" → "")."""
    for label in _labels():
        chunk = label.sub("", chunk, count=1)
    return chunk.strip(" .!:\"'")


def _unframed(chunk: str) -> str:
    """The name a piece of an answer gives, without the words framing it ("the other is
    Tom Becker" → "Tom Becker", "I'm the third" → "i"); the piece itself otherwise."""
    for frame in _frames():
        m = frame.match(chunk)
        if m is not None and m.group("who").strip():
            return m.group("who").strip(" .!:\"'")
    return chunk


@dataclass(frozen=True)
class Named:
    """One person of an answer: the speaker, a colleague (their profile's name) or a guest."""

    kind: Literal["self", "colleague", "guest"]
    name: str
    given_name: str | None = None
    family_name: str | None = None


@dataclass(frozen=True)
class PeopleAnswer:
    """The people an answer names, in order, and lone first names it gives without a
    family name (not colleagues: a guest needs both)."""

    people: list[Named] = field(default_factory=list)
    first_names_only: list[str] = field(default_factory=list)


def _colleague(words: str, people: Sequence[str]) -> str | None:
    """The profile's name of the colleague ``words`` names (first name or in full)."""
    low = words.lower()
    for name in people:
        parts = name.split()
        if parts and (low == name.lower() or low == parts[0].lower()):
            return name
    return None


def colleague(words: str, people: Sequence[str]) -> str | None:
    """The profile's name of the colleague ``words`` names (first name or in full), if any."""
    return _colleague(words, people)


def companions(
    text: str,
    people: Sequence[str],
    taken: Sequence[tuple[int, int]] = (),
    others: Sequence[str] = (),
) -> list[str]:
    """The colleagues a request names as flying with the speaker, by the profile's names:
    "book me and Erin", "Erin and I need…", "me, Ava and Erin", "fly with Ava".
    ``taken``: spans other readers own (places: "to mia" names no one). ``others``: people
    the profile names whom the caller may not book for (their manager), counted only when
    named beyond doubt — in full ("Mia Chen") or by what they are ("my manager Mia"): a
    first name alone may be a guest's."""
    if not people and not others:
        return []
    low = text.lower()
    marks: list[tuple[int, int, str]] = []
    for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*", text):
        if any(start <= m.start() < end for start, end in taken):
            continue
        word = m.group(0).removesuffix("'s").removesuffix("’s")
        colleague = _colleague(word, people)
        if colleague is None:
            other = _colleague(word, others)
            rest = " " + " ".join(other.split()[1:]).lower() if other else ""
            if other and (
                (rest.strip() and low[m.end() : m.end() + len(rest)] == rest)
                or re.search(rf"(?:{_before_name()})$", low[: m.start()])
            ):
                colleague = other
        if colleague:
            marks.append((m.start(), m.end(), colleague))
    if not marks:
        return []
    # Each colleague becomes a token, then a list holding the speaker and colleagues, or
    # "with <colleague>", marks them as companions.
    tokens = low
    for n, (start, end, _) in reversed(list(enumerate(marks))):
        tokens = tokens[:start] + f"@{n}@" + tokens[end:]
    # "me and my manager @0@": the words calling them a colleague are no part of the list
    tokens = re.sub(rf"(?:{_before_name()})(?=@\d+@)", "", tokens)
    member = rf"(?:\b{_SELF}\b|@\d+@)"
    found: list[str] = []
    # (dictated lists drop their commas: "for me mia and fin" — a bare space joins two
    # members when the list is joined properly somewhere: "and" or a comma)
    for lst in re.finditer(rf"{member}(?:(?:{_JOIN}|\s+){member})+", tokens):
        members = re.findall(rf"\b{_SELF}\b|@\d+@", lst.group(0))
        if not re.search(_JOIN, lst.group(0)):
            continue
        if any(not m.startswith("@") for m in members):
            found += [marks[int(m.strip("@"))][2] for m in members if m.startswith("@")]
    for n, (_, _, name) in enumerate(marks):
        at = tokens.find(f"@{n}@")
        if at >= 0 and _WITH.search(tokens[:at]):
            found.append(name)
    return list(dict.fromkeys(found))


def read_people(
    text: str, people: Sequence[str], own_name: str | None = None
) -> PeopleAnswer | None:
    """The people an answer to "who's flying?" names, or None when the text is not such
    an answer (a question, a request, anything but names). ``own_name``: the speaker's
    (the profile's), which names them as "me" does ("Ava Patel, plus two guests")."""
    body = text.strip()
    for aside in _asides():
        body = aside.sub(" ", body)
    body = _LEAD.sub("", body.strip()).strip().rstrip(".!")
    if not body or len(body) > 300 or "?" in body:
        return None
    answer = PeopleAnswer()
    for chunk in _SPLIT.split(body):
        chunk = _unlabelled(_unframed(chunk.strip(" .!:\"'")))
        if not chunk:
            continue
        low = chunk.lower()
        if low in SELF_WORDS or (own_name and _colleague(chunk, [own_name])):
            answer.people.append(Named("self", "me"))
            continue
        colleague = _colleague(chunk, people)
        if colleague is not None:
            answer.people.append(Named("colleague", colleague))
            continue
        words = chunk.split()
        if not words or len(words) > 5 or not all(_NAME_WORD.fullmatch(w) for w in words):
            return None
        if any(w.lower() in _NOT_NAMES for w in words):
            return None
        if chunk.islower():  # typed all in lower case: "jo bloggs" is Jo Bloggs
            words = [w[:1].upper() + w[1:] for w in words]
        if len(words) == 1:
            answer.first_names_only.append(words[0])
            continue
        given, family = " ".join(words[:-1]), words[-1]
        answer.people.append(Named("guest", f"{given} {family}", given, family))
    if not answer.people and not answer.first_names_only:
        return None
    return answer
