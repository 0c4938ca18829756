"""A yes restating the question's facts (answers.yaml ``restates``) is read from the few
phrases that can be in the message, not from every phrase the facts stand for (issue 15:
"named" alone stands for ~40,000 at a flight's question, and building them all took
seconds of CPU at every new question). Guard: the segmentations and the words kept from
mending are the same as those of the whole table, built here the way it used to be."""

from __future__ import annotations

import random

import pytest

from concierge.planner.nlu import answers
from concierge.planner.nlu.answers import Answer, Asked, classify

_QUESTIONS = [
    Asked(places=("LGA", "New York", "BOS", "Boston"), kinds=("flight",)),
    Asked(places=("Madrid", "São Paulo"), kinds=("flight", "hotel")),
    Asked(traveller="Ava Traveller", needs_approval=True),
    Asked(traveller="Leo Park", places=("JFK", "London"), kinds=("hotel",)),
]


def _whole_table(asked: Asked) -> tuple[answers._Index, frozenset[str]]:
    """Every restating phrase of ``asked``, expanded: the table ``classify`` read before."""
    vocab = answers.vocabulary()
    slots = dict(vocab.slots)
    restating = answers._restating(asked)
    for slot, values in restating.values.items():
        slots[slot] = [" ".join(v) for v in values]
    facts = [
        fact
        for fact, on in (
            ("approval", asked.needs_approval),
            ("someone_else", bool(asked.traveller)),
            ("named", "held" in slots),
        )
        if on
    ]
    by_first = {first: list(entries) for first, entries in vocab.phrases.items()}
    seen: set[tuple[str, ...]] = set()
    for fact in facts:
        for pattern in vocab.restates[fact]:
            for phrase in answers._expand(pattern, slots):
                tokens = tuple(phrase.split())
                if tokens and tokens not in seen:
                    seen.add(tokens)
                    by_first.setdefault(tokens[0], []).append((tokens, "restates"))
    own = {w for phrase in seen for w in phrase} - vocab.words
    return answers._Index({k: tuple(v) for k, v in by_first.items()}), frozenset(own)


def _messages(asked: Asked, index: answers._Index, count: int) -> list[tuple[str, ...]]:
    """Messages made of the question's restating phrases and answer words, some whole,
    some with a word dropped or swapped: ones that read, and near misses that must not."""
    rng = random.Random(str(asked))
    restating = sorted(
        words
        for first in sorted(index._phrases)
        for words, category in index._phrases[first]
        if category == "restates"
    )
    plain = ["yes", "ok", "great", "please", "thanks", "sure", "the", "book", "chicago", "hotel"]
    made = []
    for _ in range(count):
        tokens = list(rng.choice(restating))
        if rng.random() < 0.5:
            tokens = [rng.choice(plain), *tokens]
        if rng.random() < 0.4:
            tokens = [*tokens, rng.choice(plain)]
        if rng.random() < 0.3 and len(tokens) > 1:
            tokens[rng.randrange(len(tokens))] = rng.choice(plain)
        if rng.random() < 0.2:
            tokens.pop(rng.randrange(len(tokens)))
        made.append(tuple(tokens))
    return made


@pytest.mark.parametrize("asked", _QUESTIONS, ids=str)
def test_restated_phrases_read_as_the_whole_table(asked: Asked) -> None:
    whole, own = _whole_table(asked)
    assert answers._restating(asked).own == own
    for tokens in _messages(asked, whole, 400):
        assert list(answers._segmentations(tokens, answers._index(asked, tokens))) == list(
            answers._segmentations(tokens, whole)
        ), tokens


def test_a_yes_naming_the_hold_still_reads() -> None:
    asked = _QUESTIONS[0]
    assert classify("ok great, yes book the boston one", asked=asked).answer == Answer.YES
    assert classify("confirm the flight to new york please", asked=asked).answer == Answer.YES
    assert classify("yes book the chicago one", asked=asked).answer != Answer.YES
    assert classify("yes book the boston hotel", asked=asked).answer != Answer.YES


def test_a_new_question_builds_few_phrases() -> None:
    """The table's size, not a clock: the phrases built for one message are those whose
    words are all in it (the whole table of this question holds ~70,000)."""
    asked = Asked(places=("ORD", "Chicago", "SFO", "San Francisco"), kinds=("flight",))
    tokens = ("yes", "book", "the", "chicago", "one")
    extra = answers._restated(answers._restating(asked), tokens)
    assert 0 < sum(len(found) for found in extra.values()) <= 20
