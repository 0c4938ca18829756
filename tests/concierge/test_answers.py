"""The one answer classifier (concierge/planner/nlu/answers.py): every common way to say
yes or no at a confirmation, and a yes that changes something is not a yes — read the
same by the service (a message at a pending confirmation) and the planner."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from concierge.planner.nlu.answers import Answer, classify, vocabulary
from concierge.planner.nlu.intents import Intent, understand
from concierge.service import yes_or_no
from tests.concierge.planner_kit import NOW

_DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "answers.yaml").read_text("utf-8")
)
_MISSES = set(_DATA.pop("known_misses"))
_WANT: dict[str, Any] = {"yes": True, "no": False, "wait": None, "change": None, "other": None}
_ROWS = [
    pytest.param(
        kind,
        text,
        id=f"{batch}-{kind}-{text}",
        marks=[pytest.mark.xfail(strict=True, reason="known miss")] if text in _MISSES else [],
    )
    for batch, kinds in _DATA.items()
    for kind, texts in kinds.items()
    for text in texts
]


@pytest.mark.parametrize(("kind", "text"), _ROWS)
def test_the_service_reads_the_answer(kind: str, text: str) -> None:
    assert yes_or_no(text) is _WANT[kind]


@pytest.mark.parametrize(("kind", "text"), _ROWS)
def test_the_planner_reads_the_same_answer(kind: str, text: str) -> None:
    u = understand(text, NOW)
    if kind == "yes":
        assert u.answer == Answer.YES
        assert u.intent in {Intent.YES, Intent.THANKS}  # "perfect, thanks": see smalltalk
    elif kind == "no" and classify(text, cancelling=None).answer is None:
        assert u.intent == Intent.CANCEL  # "cancel that": the planner's cancel flow
    elif kind == "no":
        assert u.intent == Intent.NO
    elif kind == "wait":
        assert u.answer == Answer.WAIT
        assert u.intent == Intent.WAIT
    else:
        assert u.answer is None
        assert u.intent not in {Intent.YES, Intent.NO}


@pytest.mark.parametrize(
    "text", ["yes but business class", "ok but make it 2 people", "sure, for the 9th instead"]
)
def test_a_yes_that_changes_something_is_a_new_request(text: str) -> None:
    assert classify(text).answer is None
    assert understand(text, NOW).has_trip_details


def test_cancelling_words_depend_on_the_question() -> None:
    # "Cancel BK-1?" — "yes cancel it" agrees; "Shall I book it?" — "cancel" declines.
    assert yes_or_no("yes, cancel it", cancelling=True) is True
    assert yes_or_no("cancel it", cancelling=True) is True
    assert yes_or_no("cancel it") is False
    assert yes_or_no("no, don't cancel it", cancelling=True) is False
    # To the planner they are a request to cancel, handled by the cancel flow.
    assert classify("cancel it", cancelling=None).answer is None
    assert understand("actually, cancel it", NOW).intent == Intent.CANCEL


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("absolutly", "yes"),
        ("perfct", "yes"),
        ("confrim", "yes"),
        ("yse", "yes"),
        ("nevermnd", "no"),
    ],
)
def test_typos_are_forgiven(text: str, word: str) -> None:
    assert classify(text).answer == Answer(word)


@pytest.mark.parametrize("text", ["sore", "note", "want", "so", "on", "thinks", "grant", "wnat"])
def test_near_misses_that_are_other_words_are_not_answers(text: str) -> None:
    assert classify(text).answer is None


def test_emoji_and_chat_shortcodes() -> None:
    assert yes_or_no("👍🏽") is True
    assert yes_or_no(":+1:") is True
    assert yes_or_no("👎") is False
    assert yes_or_no(":thumbsdown:") is False
    assert yes_or_no("🎉") is None  # decoration alone answers nothing
    assert yes_or_no("👍 👎") is None  # both: not an answer


def test_thanks_is_noted() -> None:
    assert classify("perfect, thanks!").thanks
    assert not classify("perfect").thanks
    assert classify("thanks").answer is None


def test_the_vocabulary_ships_as_package_data() -> None:
    data = resources.files("concierge.planner.nlu").joinpath("data").joinpath("answers.yaml")
    assert data.is_file()
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8")
    assert '"concierge.planner.nlu" = ["data/*.yaml"]' in pyproject
    assert vocabulary().words


def test_the_intent_tables_ship_as_package_data() -> None:
    data = resources.files("concierge.planner.nlu").joinpath("data").joinpath("intents.yaml")
    tables = yaml.safe_load(data.read_text("utf-8"))
    assert {"intents", "trip", "not_names"} <= set(tables)  # choices: nlu/data/picks.yaml
    # YAML reads a bare Yes/No as a boolean: the name list must stay strings.
    assert all(isinstance(n, str) for n in tables["not_names"])
    assert understand("hello", NOW).intent == Intent.GREET
