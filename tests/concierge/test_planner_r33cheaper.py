"""Guards r33: "anything cheaper?" after a list whose cheapest bookable option is already
shown says there is nothing cheaper (naming that option), instead of repeating the list
or searching again in silence. Written before reading the fix; world ``empty``.

Run once on the unfixed code (main fc6c3a7, 08:33 UTC): 0/3 — the flights are searched
again with the same arguments and listed again ("The cheapest you can book is option
1"), the hotels listed again; none says there is nothing cheaper. Fixed in
flows/search.py ``_cheapest_already_shown``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

NOTHING_CHEAPER: dict[str, Any] = {
    "nothing_changed": True,
    "reply_contains_any": [["nothing cheaper", "no cheaper", "already the cheapest"]],
}

CASES: list[tuple[str, Case]] = [
    (
        "cheapest_already_shown",
        dialogue(
            "JFK to Boston on 15 December",
            "anything cheaper?",
            reply_contains="AA 1040",  # the cheapest bookable, named
            **NOTHING_CHEAPER,
        ),
    ),
    (
        "cheapest_already_shown",
        dialogue(
            "flights from new york to boston dec 15",
            "is there a cheaper flight?",
            **NOTHING_CHEAPER,
        ),
    ),
    (
        "cheapest_already_shown",
        dialogue(
            "hotel in Boston 15 to 17 December",
            "any cheaper ones?",
            reply_contains="Novotel",
            **NOTHING_CHEAPER,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_r33cheaper(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
