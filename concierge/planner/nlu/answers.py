"""Is this message a yes or a no to the question just asked? One classifier for the
service (a message at a pending confirmation) and the planner (a reply to its offer).

The vocabulary is data (``data/answers.yaml``). A message is an answer only when
all of it is made of answer phrases — yes or no words, politeness, emoji, a reason
for a no — so "yes but business class" or "ok, for the 9th instead" is not a yes:
it changes the request, and goes on as a new message. Misspellings are matched with
``rapidfuzz`` (optimal string alignment: one typo in a word of five letters or more,
two from eight, same first letter, never towards two words at once); shorter ones
only through the data's list of typos.

At a pending confirmation, a yes may also restate what it agrees to ("yes, send it for
approval", "yes, book it for her"): those details (``restates`` in the data) count only
when they are true of the question asked (:class:`Asked`), so they never turn a change
("yes, book it for Bob" when the trip is Ava's) into a yes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from concierge.planner.nlu import datafiles, foreign, spelling

__all__ = ["Answer", "Asked", "Reading", "classify", "declines", "defers", "yes_or_no"]


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    WAIT = "wait"  # a pause ("hang on a sec", "let me check with my boss"): still asked


@dataclass(frozen=True)
class Asked:
    """Facts of the question pending (the gated tool's ``Question``) that a yes may restate."""

    traveller: str | None = None  # whose trip it is, when not the caller's own
    needs_approval: bool = False  # saying yes sends it for approval first
    rejecting: bool = False  # the question is whether to reject an approval request
    # What the booking asked about is named by: its places (cities, airports) and the
    # kinds of its parts ("flight", "hotel") — "yes, book the Boston one" names it.
    places: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    answer: Answer | None  # None: not an answer (a question, a change, a new request)
    thanks: bool = False  # it also thanks ("perfect, thanks")


# Categories of the vocabulary, in the order a tie between phrases is broken.
_CATEGORIES: Final = (
    "no",
    "cancel",
    "wait",
    "yes",
    "soft_yes",
    "thanks",
    "decline_reasons",
    "give_up_reasons",
    "filler",
    "restates",
)
_EMOJI_TOKEN: Final = {"yes": "emojiyes", "no": "emojino", "thanks": "emojithanks"}
_MIN_FUZZY: Final = 5  # vocabulary words shorter than this are never matched by similarity


@dataclass(frozen=True)
class _Vocabulary:
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word → longest first
    words: frozenset[str]
    fuzzy_targets: tuple[str, ...]
    typos: dict[str, str]
    keep: frozenset[str]
    symbols: tuple[tuple[str, str], ...]  # emoji or shortcode → token, longest first
    slots: dict[str, list[str]]  # {action}, {object}: for the restating phrases
    restates: dict[str, tuple[str, ...]]  # fact → its patterns (data's ``restates``)
    kind_words: dict[str, tuple[str, ...]]  # a booking's part → the words naming it


def _expand(pattern: str, slots: dict[str, list[str]]) -> Iterator[str]:
    """Every phrase a pattern stands for: "(a|b)" one of, "[a|b]" optional, "{slot}"."""
    pattern = pattern.strip()
    if not pattern:
        yield ""
        return
    head = pattern[0]
    if head in "([":
        close = ")" if head == "(" else "]"
        end = _closing(pattern)
        if pattern[end] != close:
            raise ValueError(f"unbalanced {pattern!r}")
        inner, rest = pattern[1:end], pattern[end + 1 :]
        choices = _split_top(inner) + ([""] if head == "[" else [])
        for choice in choices:
            for first in _expand(choice, slots):
                for tail in _expand(rest, slots):
                    yield f"{first} {tail}".strip()
        return
    if head == "{":
        end = pattern.index("}")
        for value in slots[pattern[1:end]]:
            for tail in _expand(pattern[end + 1 :], slots):
                yield f"{value} {tail}".strip()
        return
    match = re.match(r"[^\s(\[{]+", pattern)
    assert match is not None
    for tail in _expand(pattern[match.end() :], slots):
        yield f"{match.group(0)} {tail}".strip()


def _closing(pattern: str) -> int:
    """Where the bracket opening ``pattern`` closes."""
    depth = 0
    for index, char in enumerate(pattern):
        depth += char in "(["
        depth -= char in ")]"
        if depth == 0:
            return index
    raise ValueError(f"unbalanced {pattern!r}")


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _plain(text: str) -> str:
    return text.lower().replace("'", "").replace("’", "").replace("‘", "")


@lru_cache(maxsize=1)
def vocabulary() -> _Vocabulary:
    raw: dict[str, Any] = datafiles.load("answers")
    slots: dict[str, list[str]] = {}
    for slot in ("action", "object"):
        slots[slot] = [_plain(p) for pattern in raw[slot] for p in _expand(pattern, slots) if p]
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    seen: set[tuple[tuple[str, ...], str]] = set()
    for category in _CATEGORIES[:-1]:  # "restates" only with a question's facts
        for pattern in raw[category]:
            for phrase in _expand(_plain(pattern), slots):
                tokens = tuple(phrase.split())
                if tokens and (tokens, category) not in seen:
                    seen.add((tokens, category))
                    by_first.setdefault(tokens[0], []).append((tokens, category))
    for kind, token in _EMOJI_TOKEN.items():
        category = {"yes": "yes", "no": "no", "thanks": "thanks"}[kind]
        by_first.setdefault(token, []).append(((token,), category))
    rank = {c: n for n, c in enumerate(_CATEGORIES)}
    phrases = {
        first: tuple(sorted(entries, key=lambda e: (-len(e[0]), rank[e[1]])))
        for first, entries in by_first.items()
    }
    words = frozenset(w for entries in phrases.values() for p, _ in entries for w in p)
    symbols = [
        (str(symbol), _EMOJI_TOKEN[kind])
        for table in ("emoji", "shortcodes")
        for kind, items in raw[table].items()
        for symbol in items
    ]
    return _Vocabulary(
        phrases=phrases,
        words=words,
        fuzzy_targets=tuple(sorted(w for w in words if len(w) >= _MIN_FUZZY and w.isalpha())),
        typos={_plain(str(k)): _plain(str(v)) for k, v in raw["typos"].items()},
        keep=frozenset(_plain(str(w)) for w in raw["keep"]),
        symbols=tuple(sorted(symbols, key=lambda s: -len(s[0]))),
        slots=slots,
        restates={
            str(fact): tuple(_plain(str(p)) for p in patterns)
            for fact, patterns in raw["restates"].items()
        },
        kind_words={
            str(kind): tuple(_plain(str(w)) for w in words)
            for kind, words in raw["kind_words"].items()
        },
    )


_RANK: Final = {c: n for n, c in enumerate(_CATEGORIES)}


_Phrases = dict[str, tuple[tuple[tuple[str, ...], str], ...]]


# The slots a question's facts fill: the traveller's name ({them}, {their}), the booking's
# places and the words for its parts ({held}, {held_kind}). A restating pattern is expanded
# once with a marker token standing for each, and the markers are filled per question.
_FILLED: Final = ("them", "their", "held", "held_kind")
_MARK: Final = "\x00"


@dataclass(frozen=True)
class _Template:
    """One phrase of a restating pattern: its tokens, a slot the question fills standing as
    ``_MARK + slot``; its own words; the slots it has."""

    tokens: tuple[str, ...]
    words: frozenset[str]
    slots: frozenset[str]


@lru_cache(maxsize=8)
def _templates(fact: str) -> tuple[_Template, ...]:
    vocab = vocabulary()
    slots = {**vocab.slots, **{slot: [_MARK + slot] for slot in _FILLED}}
    seen: set[tuple[str, ...]] = set()
    found: list[_Template] = []
    for pattern in vocab.restates[fact]:
        for phrase in _expand(pattern, slots):
            tokens = tuple(phrase.split())
            if tokens and tokens not in seen:
                seen.add(tokens)
                marks = [t for t in tokens if t.startswith(_MARK)]
                words = frozenset(t for t in tokens if not t.startswith(_MARK))
                found.append(_Template(tokens, words, frozenset(m[1:] for m in marks)))
    return tuple(found)


@dataclass(frozen=True)
class _Restating:
    """What a yes may restate at one question: the templates of the facts true of it, the
    values of the slots they have (each a tuple of words), and the words only those have
    (the traveller's name, the booking's places), never to be "mended" into another."""

    templates: tuple[_Template, ...]
    values: dict[str, tuple[tuple[str, ...], ...]]
    own: frozenset[str]


_NOTHING_RESTATED: Final = _Restating((), {}, frozenset())


@lru_cache(maxsize=64)
def _restating(asked: Asked | None) -> _Restating:
    if asked is None:
        return _NOTHING_RESTATED
    vocab = vocabulary()
    slots: dict[str, list[str]] = {}
    facts: list[str] = []
    if asked.needs_approval:
        facts.append("approval")
    if asked.traveller:
        name = _plain(asked.traveller).split()
        named = [name[0], " ".join(name)] if name else []
        slots["them"] = ["her", "him", "them", *named]
        slots["their"] = ["her", "his", "their", *(f"{n}s" for n in named)]
        facts.append("someone_else")
    held = [_NOT_WORD.sub(" ", _plain(p)).strip() for p in asked.places]
    called = [w for kind in asked.kinds for w in vocab.kind_words.get(kind, ())]
    if held and called:
        # "the boston one", "the flight to boston": only the words of the parts it has (a
        # flight on hold is never "the boston hotel", which asks for one more thing)
        slots["held"] = [" ".join(p.split()) for p in dict.fromkeys(held) if p]
        slots["held_kind"] = list(dict.fromkeys(called))
        facts.append("named")
    values = {slot: tuple(tuple(v.split()) for v in vs) for slot, vs in slots.items()}
    # a template whose slot has no value stands for no phrase
    templates = tuple(
        t for fact in facts for t in _templates(fact) if all(values.get(s) for s in t.slots)
    )
    words = {w for t in templates for w in t.words}
    for slot in {s for t in templates for s in t.slots}:
        words.update(w for value in values[slot] for w in value)
    return _Restating(templates, values, frozenset(words - vocab.words))


def _restated(restating: _Restating, tokens: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    """The restating phrases that can be read in ``tokens`` (every word of them is there),
    by first word: the few of the thousands the question's facts stand for that matter."""
    present = frozenset(tokens)
    fits = {slot: [v for v in vs if present.issuperset(v)] for slot, vs in restating.values.items()}
    found: dict[str, list[tuple[str, ...]]] = {}
    seen: set[tuple[str, ...]] = set()
    for template in restating.templates:
        if not template.words <= present or not all(fits[s] for s in template.slots):
            continue
        for phrase in _filled(template.tokens, fits):
            if phrase and phrase not in seen:
                seen.add(phrase)
                found.setdefault(phrase[0], []).append(phrase)
    return found


def _filled(
    tokens: tuple[str, ...], fits: dict[str, list[tuple[str, ...]]]
) -> Iterator[tuple[str, ...]]:
    """Every phrase of a template, each of its slots filled with each of its values."""
    for at, token in enumerate(tokens):
        if token.startswith(_MARK):
            for value in fits[token[1:]]:
                for rest in _filled(tokens[at + 1 :], fits):
                    yield (*tokens[:at], *value, *rest)
            return
    yield tokens


# Skin tones, variation selectors and joiners only decorate an emoji.
_DECORATION: Final = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d]")
_NOT_WORD: Final = re.compile(r"[^\w\s]+")


def _tokens(text: str, vocab: _Vocabulary) -> list[str]:
    low = _DECORATION.sub("", unicodedata.normalize("NFC", text).lower())
    for symbol, token in vocab.symbols:
        low = low.replace(symbol, f" {token} ")
    low = _plain(low)
    return _NOT_WORD.sub(" ", low).split()


@lru_cache(maxsize=4096)
def _canonical(token: str) -> str:
    """The vocabulary word a token is (typo or stretched word mended), or the token."""
    vocab = vocabulary()
    if token in vocab.words:
        return token
    if token in vocab.typos:
        return vocab.typos[token]
    for squeezed in (
        re.sub(r"(.)\1{2,}", r"\1", token),  # "yesss" → "yes"
        re.sub(r"(.)\1+", r"\1", token),  # "noo" → "no", "yess" → "yes"
        re.sub(r"(.)\1{2,}", r"\1\1", token),  # "gooood" → "good"
    ):
        if squeezed in vocab.words:
            return squeezed
        if squeezed in vocab.typos:
            return vocab.typos[squeezed]
    if (
        len(token) < _MIN_FUZZY - 1
        or token in vocab.keep
        or not token.isalpha()
        or spelling.number_word(token)
    ):
        return token  # ("three" is a count, never "there")
    limit = 2 if len(token) >= 8 else 1
    hits = process.extract(
        token, vocab.fuzzy_targets, scorer=OSA.distance, score_cutoff=limit, limit=3
    )
    hits = [h for h in hits if h[0][0] == token[0]]
    if not hits:
        return token
    best = min(h[1] for h in hits)
    closest = {h[0] for h in hits if h[1] == best}
    return closest.pop() if len(closest) == 1 else token


class _Index:
    """The vocabulary's phrases as :func:`_segmentations` reads them: a first word's phrases
    by length, longest first, each length's word tuples → their categories in rank order. A
    position is then matched by one lookup per length, not a scan of every phrase that
    opens with its word ("i" opens ~2,500); the same matches in the same order (the
    entries are sorted longest first, then by rank). Built per first word when first met.
    With ``base``, ``phrases`` holds only the first words it adds to (or changes of) it."""

    def __init__(self, phrases: _Phrases, base: _Index | None = None) -> None:
        self._phrases = phrases
        self._base = base
        self._built: dict[str, tuple[tuple[int, dict[tuple[str, ...], tuple[str, ...]]], ...]] = {}

    def get(self, first: str) -> tuple[tuple[int, dict[tuple[str, ...], tuple[str, ...]]], ...]:
        if self._base is not None and first not in self._phrases:
            return self._base.get(first)
        built = self._built.get(first)
        if built is None:
            by_length: dict[int, dict[tuple[str, ...], list[str]]] = {}
            for words, category in self._phrases.get(first, ()):
                by_length.setdefault(len(words), {}).setdefault(words, []).append(category)
            built = self._built[first] = tuple(
                (length, {words: tuple(cats) for words, cats in table.items()})
                for length, table in sorted(by_length.items(), reverse=True)
            )
        return built


@lru_cache(maxsize=1)
def _vocabulary_index() -> _Index:
    return _Index(vocabulary().phrases)


def _index(asked: Asked | None, tokens: tuple[str, ...] = ()) -> _Index:
    """The vocabulary's phrases, plus those restating what ``asked`` is true of that can be
    read in ``tokens`` ("restates", the last rank: after the vocabulary's own)."""
    base = _vocabulary_index()
    extra = _restated(_restating(asked), tokens) if asked is not None else {}
    if not extra:
        return base
    phrases = vocabulary().phrases
    return _Index(
        {
            first: (*phrases.get(first, ()), *((p, "restates") for p in found))
            for first, found in extra.items()
        },
        base,
    )


def _segmentations(tokens: tuple[str, ...], index: _Index) -> Iterator[list[str]]:
    """Ways to read all of the tokens as vocabulary phrases: their categories, in order."""
    dead: set[int] = set()  # positions from which the rest can't be read at all
    size = len(tokens)

    def walk(start: int) -> Iterator[list[str]]:
        if start == size:
            yield []
            return
        if start in dead:
            return
        found = False
        for length, table in index.get(tokens[start]):
            end = start + length
            if end > size:
                continue
            for category in table.get(tokens[start:end], ()):
                for rest in walk(end):
                    found = True
                    yield [category, *rest]
        if not found:
            dead.add(start)

    yield from walk(0)


def _verdict(categories: list[str], *, cancelling: bool | None) -> Answer | None:
    found = set(categories)
    if cancelling is None and "cancel" in found:
        return None
    yes = "yes" in found or (cancelling and "cancel" in found)
    no = "no" in found or (not cancelling and "cancel" in found)
    if yes and no:
        return None
    if "give_up_reasons" in found and not (no or (yes and cancelling)):
        # "I'll drive instead" says why the trip is not needed: beside a no, or beside the
        # yes to a cancellation; alone, or beside a yes to anything else, it is no answer.
        return None
    if no:
        return Answer.NO
    if "wait" in found:
        return Answer.WAIT  # "ok, one sec": nothing agreed yet
    if (yes or "soft_yes" in found) and "decline_reasons" not in found:
        return Answer.YES
    return None


@lru_cache(maxsize=4096)
def classify(text: str, *, cancelling: bool | None = False, asked: Asked | None = None) -> Reading:
    """Read a message as an answer to a yes/no question.

    ``cancelling``: True when the question is whether to cancel something ("cancel it"
    agrees), False when it is about anything else ("cancel" declines), None when
    cancelling words are a request of their own rather than an answer. ``asked``: what
    the question is about, which a yes may restate.
    """
    vocab = vocabulary()
    own = _restating(asked).own
    tokens = tuple(t if t in own else _canonical(t) for t in _tokens(text or "", vocab))
    if not tokens or len(tokens) > 24:
        return Reading(None)
    for categories in _segmentations(tokens, _index(asked, tokens)):
        answer = _verdict(categories, cancelling=cancelling)
        if answer is not None:
            return Reading(answer, thanks="thanks" in categories)
    steps = _yes_then_next_steps(text or "", cancelling=cancelling, asked=asked)
    if steps.answer is not None:
        return steps
    assured = _yes_with_assurance(text or "", cancelling=cancelling, asked=asked)
    if assured.answer is not None:
        return assured
    if _pausing(text or ""):
        return Reading(Answer.WAIT)
    reacted = _reaction_then_no(text or "", cancelling=cancelling)
    if reacted.answer is not None:
        return reacted
    return _pause(text or "", cancelling=cancelling)


# A sentence ends at its mark ("a $200 fee? nah forget it then").
_SENTENCE_END: Final = re.compile(r"(?<=[?!.…])\s+")
_REACTION_WORDS: Final = 8


def _reaction_then_no(text: str, *, cancelling: bool | None) -> Reading:
    """A short reaction, then a no in a sentence of its own ("hmm a $200 fee? nah forget it
    then", "that much?? no thanks", "pricey. nope"): the reaction is why, the last sentence
    the answer — a no only (a yes after a question waits for the question's answer). None
    when an earlier sentence is long or answers something itself."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if len(sentences) < 2:
        return Reading(None)
    last = classify(sentences[-1], cancelling=cancelling)
    if last.answer != Answer.NO:
        return Reading(None)
    for said in sentences[:-1]:
        if len(said.split()) > _REACTION_WORDS or classify(said, cancelling=cancelling).answer:
            return Reading(None)
    return last


def gives_up(text: str) -> bool:
    """A no that says what was asked is not wanted at all ("scrap that, I don't need it
    anymore", "no, release it"): wholly an answer, with cancelling words in it — at a
    hold's confirmation the hold is to go, not just wait unbooked."""
    vocab = vocabulary()
    tokens = tuple(_canonical(t) for t in _tokens(text or "", vocab))
    if not tokens or len(tokens) > 24:
        return False
    if set(tokens) & _rejecting():
        return False  # "no, reject it": the booking declined, the hold kept
    for categories in _segmentations(tokens, _giving_up_index()):
        if "cancel" in categories and _verdict(categories, cancelling=False) == Answer.NO:
            return True
    return False


@lru_cache(maxsize=1)
def _giving_up_index() -> _Index:
    """The vocabulary as :func:`gives_up` reads it: the cancelling phrases that only call off
    what was asked (the data's ``cancel_asked``: "cancel that", "no, cancel it") a plain no."""
    vocab = vocabulary()
    asked = {
        tuple(phrase.split())
        for pattern in datafiles.load("answers")["cancel_asked"]
        for phrase in _expand(_plain(str(pattern)), vocab.slots)
    }
    changed = {
        first: tuple(
            (words, "no" if category == "cancel" and words in asked else category)
            for words, category in vocab.phrases.get(first, ())
        )
        for first in {words[0] for words in asked if words}
    }
    return _Index(changed, _vocabulary_index())


def only_reasons(text: str) -> bool:
    """The text is wholly why the trip is not needed ("plans changed", "I'll drive
    instead"), the data's ``give_up_reasons`` with filler or thanks: no request of its own."""
    vocab = vocabulary()
    tokens = tuple(_canonical(t) for t in _tokens(text or "", vocab))
    if not tokens or len(tokens) > 24:
        return False
    for categories in _segmentations(tokens, _vocabulary_index()):
        found = set(categories)
        if "give_up_reasons" in found and found <= {"give_up_reasons", "filler", "thanks"}:
            return True
    return False


def books_after_all(text: str) -> bool:
    """A yes that says to book, with no cancelling word ("ok go ahead and book it now"):
    at the offer to release a hold, the booking agreed to after all."""
    low = _plain(text or "")
    if _cancel_verbs() & set(re.findall(r"[a-z]+", low)):
        return False
    return re.search(str(datafiles.load("answers")["books_after_all"]), low) is not None


@lru_cache(maxsize=1)
def _rejecting() -> frozenset[str]:
    return frozenset(_plain(str(w)) for w in datafiles.load("answers")["rejecting"])


def _praising(clause: str) -> bool:
    """The clause is wholly praise ("lovely", "nice one"), the data's ``praise``."""
    said = " ".join(_NOT_WORD.sub(" ", _plain(clause)).split())
    return re.fullmatch(str(datafiles.load("answers")["praise"]), said) is not None


def _pausing(clause: str) -> bool:
    """The clause is wholly one of the data's longer pauses ("let me check with my boss",
    "just checking my calendar"), after any filler opening it ("actually", "ok")."""
    words = _NOT_WORD.sub(" ", _plain(clause)).split()
    while words and words[0] in _LEADING_AGREEMENT | {"hmm", "um", "oh", "ah", "er"}:
        words = words[1:]
    said = " ".join(words)
    return len(words) > 1 and any(p.fullmatch(said) for p in _pauses())


@lru_cache(maxsize=1)
def _cancel_verbs() -> frozenset[str]:
    """The verbs of the data's ``cancel`` phrases ("cancel", "decline", "drop"), as
    listed beside them (``cancel_verbs``), read once."""
    return frozenset(_plain(str(w)) for w in datafiles.load("answers")["cancel_verbs"])


@lru_cache(maxsize=1)
def _pauses() -> tuple[re.Pattern[str], ...]:
    raw = datafiles.load("answers")
    who = str(raw["assurance_who"])
    lead = str(raw["pause_lead"])
    return tuple(
        re.compile(str(p).replace("{who}", who).replace("{lead}", lead))
        for p in raw.get("pauses") or ()
    )


@lru_cache(maxsize=1)
def _defers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    raw = datafiles.load("answers")
    who = str(raw["assurance_who"])
    return (
        re.compile("|".join(f"(?:{str(p).replace('{who}', who)})" for p in raw["defers"])),
        re.compile("|".join(f"(?:{p})" for p in raw["defers_not"])),
    )


def defers(text: str) -> bool:
    """A pause that puts the trip's details in question with someone else ("let me confirm
    the dates with my assistant first"), not only whether to go ahead ("let me check with
    Mia first") nor a moment's wait ("give me a sec to …"): the data's ``defers`` and
    ``defers_not``. Only meant for a message already read as a pause (``classify``'s WAIT)."""
    said = " ".join(_NOT_WORD.sub(" ", _plain(text or "")).split())
    consulted, brief = _defers()
    return consulted.search(said) is not None and brief.search(said) is None


def _pause(text: str, *, cancelling: bool | None) -> Reading:
    """ "thanks! hang on a sec, just checking my calendar", "great thanks, one moment -
    need to ask my manager": clauses that pause (``wait`` in the data) or only thank, and
    none that agrees or asks for anything in words, are a pause — a no with them ("not
    yet, I need to ask my boss first") a no."""
    clauses = [c for c in _CLAUSE.split(text) if c and c.strip()]
    if len(clauses) < 2:
        return Reading(None)
    vocab = vocabulary()
    paused = thanks = said_no = False
    for clause in clauses:
        reading = classify(clause, cancelling=cancelling)
        if reading.answer == Answer.WAIT:
            paused, thanks = True, thanks or reading.thanks
            continue
        if reading.answer == Answer.NO:
            said_no = True  # "not yet, I need to ask my boss first": a no, and why
            continue
        if reading.answer == Answer.YES and (reading.thanks or _praising(clause)):
            thanks = True  # "great, thanks", "lovely": courtesy, agreeing to nothing yet
            continue
        if reading.answer is not None:
            return Reading(None)
        tokens = tuple(_canonical(t) for t in _tokens(clause, vocab))
        if cancelling is None and _cancel_verbs() & set(tokens):
            # "oh wait, cancel that hotel please": cancelling words are a request of their
            # own here (``classify``'s None), never filler beside a pause.
            return Reading(None)
        if all(t in vocab.words for t in tokens):
            thanks = True  # only thanks and filler ("thanks!", "great thanks")
            continue
        return Reading(None)
    if said_no:
        return Reading(Answer.NO, thanks=thanks) if paused else Reading(None)
    return Reading(Answer.WAIT, thanks=thanks) if paused else Reading(None)


def _yes_with_assurance(text: str, *, cancelling: bool | None, asked: Asked | None) -> Reading:
    """ "ok go ahead, my manager knows about it", "yep, it's urgent, the client is waiting":
    clauses that say yes, and clauses that are each wholly an assurance (``assurances`` in
    the data: someone knows or approved, it is urgent) or a remark that changes nothing
    (``remarks``: thanks for the help, one's own expenses later), make a yes; any other clause (a
    change, a question) makes it none."""
    if text.rstrip().endswith("?"):
        return Reading(None)
    for split in (_CLAUSE, _PUNCTUATION):
        # "yes please, and thanks for being so quick!": the remark holds a "so" that the
        # clause splitter reads as a break; split at punctuation alone too.
        reading = _assured(split, text, cancelling=cancelling, asked=asked)
        if reading.answer is not None:
            return reading
    return Reading(None)


def _assured(
    split: re.Pattern[str], text: str, *, cancelling: bool | None, asked: Asked | None
) -> Reading:
    clauses = [c for c in split.split(text) if c and c.strip()]
    if len(clauses) < 2:
        return Reading(None)
    said_yes = agreed = assured = remarked = thanks = False
    for clause in clauses:
        words = _NOT_WORD.sub(" ", _plain(clause)).split()
        if words and words[0] in _LEADING_AGREEMENT and len(words) > 1:
            # "ok she's fine with it": the agreement word leads the assurance
            said_yes = said_yes or words[0] not in _LEADING_FILLER
            agreed = agreed or words[0] in _LEADING_YES
            words = words[1:]
        if any(p.fullmatch(" ".join(words)) for p in _assurances()):
            assured = True
            continue
        if any(p.fullmatch(" ".join(words)) for p in _remarks()):
            remarked = True
            continue
        reading = classify(clause, cancelling=cancelling, asked=asked)
        if reading.answer != Answer.YES:
            return Reading(None)
        said_yes, thanks = True, thanks or reading.thanks
        agreed = agreed or not _praising(clause)
    # A remark beside praise alone ("great, thanks so much for your help") thanks, and
    # agrees to nothing: only beside a yes in words ("yes please, and thanks ...").
    if said_yes and (assured or (remarked and agreed)):
        return Reading(Answer.YES, thanks=thanks)
    return Reading(None)


# Words that may open an assurance ("right, she's happy with it", "ok she's fine with it").
_LEADING_FILLER: Final = frozenset({"so", "and", "well", "actually", "oh"})
_LEADING_AGREEMENT: Final = _LEADING_FILLER | frozenset(
    {"ok", "okay", "right", "alright", "yes", "yeah", "yep", "great", "good", "cool", "perfect"}
)
# Those that agree in words, not as praise.
_LEADING_YES: Final = frozenset({"ok", "okay", "right", "alright", "yes", "yeah", "yep"})


@lru_cache(maxsize=1)
def _assurances() -> tuple[re.Pattern[str], ...]:
    raw = datafiles.load("answers")
    who = str(raw["assurance_who"])
    return tuple(re.compile(str(p).replace("{who}", who)) for p in raw.get("assurances") or ())


@lru_cache(maxsize=1)
def _remarks() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(str(p)) for p in datafiles.load("answers").get("remarks") or ())


def _yes_then_next_steps(text: str, *, cancelling: bool | None, asked: Asked | None) -> Reading:
    """ "Yes please — and do I need to do anything else after this?": a yes, then a
    question about what comes after it (``next_steps`` in the data) that asks for nothing
    in words, is a yes; any other question after a yes ("yes — is it refundable?") may
    be one to answer first, and is not."""
    clauses = [c for c in _CLAUSE.split(text) if c and c.strip()]
    if len(clauses) < 2 or not text.rstrip().endswith("?"):
        return Reading(None)
    first = classify(clauses[0], cancelling=cancelling, asked=asked)
    rest = " ".join(clauses[1:]).lower()
    vocab = vocabulary()
    if (
        first.answer != Answer.YES
        or not any(re.search(p, rest) for p in _next_steps())
        or _asks(tuple(_canonical(t) for t in _tokens(rest, vocab)))
        or re.search(r"\d", rest)
    ):
        return Reading(None)
    return first


@lru_cache(maxsize=1)
def _next_steps() -> tuple[str, ...]:
    return tuple(str(p) for p in datafiles.load("answers").get("next_steps") or ())


# Where one clause of a longer message ends: punctuation, a spaced dash, "so", "because".
_CLAUSE: Final = re.compile(r"\s*(?:[,;:.!?…]+|\s[-–—]+\s|[–—]+|\bso\b|\bbecause\b|\bas\b)\s*")
# The same at punctuation and dashes only.
_PUNCTUATION: Final = re.compile(r"\s*(?:[,;:.!?…]+|\s[-–—]+\s|[–—]+)\s*")
# Words that ask for something in a clause that is not an answer: such a clause is a
# request, never the reason for a no ("not this one, book option 2").
_ASKS_FOR: Final = frozenset(
    "book confirm reserve hold take pick choose select switch change make want prefer "
    "instead option options find search show cheaper cheapest earlier later other another "
    "different cancel release drop reject approve".split()
)


# Wishes that ask for something only when what is wished is ("I want option 2", "I'd
# prefer to change it"); "I want to run it past Mia first" wishes something else.
_WISHES: Final = frozenset({"want", "prefer"})


def _asks(tokens: tuple[str, ...]) -> bool:
    """The clause asks for something in words: a request word, except a wish to do
    something that is not one ("I want to check with my boss", "I'd prefer to wait")."""
    for i, token in enumerate(tokens):
        if token not in _ASKS_FOR:
            continue
        wished = tokens[i + 2] if i + 2 < len(tokens) else None
        if (
            token in _WISHES
            and tokens[i + 1 : i + 2] == ("to",)
            and wished is not None
            and wished not in _ASKS_FOR
        ):
            continue
        return True
    return False


def declines(text: str) -> list[str] | None:
    """A no followed by its reasons, over several clauses: "not yet - I need to double
    check the dates with the client first", "her plans have changed, so let's not go
    ahead with this one. Thanks anyway". One clause reads as a no, none as a yes, and
    the others ask for nothing in words; those others (the reasons) are returned, for
    the caller to check they name no trip details. None: not such a no."""
    clauses = [c for c in _CLAUSE.split(text or "") if c and c.strip()]
    if len(clauses) < 2:
        return None
    vocab = vocabulary()
    said_no = False
    reasons: list[str] = []
    for clause in clauses:
        answer = classify(clause, cancelling=None).answer
        if answer == Answer.YES:
            return None
        if answer == Answer.NO:
            said_no = True
            continue
        if answer == Answer.WAIT:
            continue  # "no - hang on, I need to ask my boss": the no decides
        if _asks(tuple(_canonical(t) for t in _tokens(clause, vocab))):
            return None
        reasons.append(clause)
    return reasons if said_no else None


@lru_cache(maxsize=1)
def _faults() -> re.Pattern[str]:
    raw: dict[str, Any] = datafiles.load("answers")
    return re.compile("|".join(f"(?:{p})" for p in raw["faults"]), re.IGNORECASE)


def fault_found(text: str) -> str | None:
    """A no whose reasons find fault with the trip ("no, too pricey", "nope - way over
    budget"): those reasons, as said; None for anything else (a hesitation, a plain no)."""
    reasons = declines(text)
    if not reasons or not _faults().search(" ".join(reasons)):
        return None
    return ", ".join(r.strip() for r in reasons)


def yes_or_no(
    text: str, *, cancelling: bool | None = False, asked: Asked | None = None
) -> bool | None:
    """True for yes, False for no, None when the message is something else — at a
    rejection's question, a no that finds fault with the trip is its reason."""
    text = foreign.in_english(text)  # "sí, por favor" as the planner reads it
    answer = classify(text, cancelling=cancelling, asked=asked).answer
    if answer == Answer.NO and asked is not None and asked.rejecting and fault_found(text):
        return None
    if answer is None or answer == Answer.WAIT:
        return None  # a pause goes on as a message: the planner asks again
    return answer == Answer.YES
