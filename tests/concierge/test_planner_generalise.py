"""The mechanisms behind closed held-out gaps, on OTHER phrasings of the same kind.

Each held-out case (tests/concierge/heldout/) that a fix closed stays there as a
regression case; these tests show the fix is a reading of a kind of phrase, not of
one sentence (now = Tue 1 Dec 2026 09:00 UTC).
"""

from __future__ import annotations

from datetime import date

import pytest

from concierge.planner.nlu.intents import understand
from tests.concierge.planner_kit import NOW

D = date


# ---------------------------------------------------------------- typo_tolerance


@pytest.mark.parametrize(
    ("text", "cabin"),
    [
        ("bussiness class to London tomorrow", "business"),
        ("buisness please", "business"),
        ("econmy is fine, Boston to Miami on the 9th", "economy"),
        ("premuim economy to Paris on Friday", "premium"),
        # real words near a cabin word stay what they are
        ("an economic summit in Paris on the 9th", None),
        ("a businessman's trip to London", None),
    ],
)
def test_misspelt_cabins_are_read(text: str, cabin: str | None) -> None:
    assert understand(text, NOW).cabin == cabin
