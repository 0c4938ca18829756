"""Guards for the lead's stop-29 fixes (now = Tue 1 Dec 2026; Ava's home airport JFK).

- same_day_return: a way back given a part of the day and then "same day" ("back in the
  evening same day", "back late afternoon the same day") flies home on the day out; before
  the fix the part of the day stood between "back" and "same day", so the way back had no
  day and "Which day do you fly back?" was asked. Found by the lead probing gmisc's
  return_day question (stop 29): first try 0/3, all three below.
- window_word_end: a window with one end said as a word ("between 7am and noon", "between
  noon and 4") is that window; "between 7am and noon" was searched as 06:00–08:00 (around
  7). Found by rec29 probing batch 59; first try 0/2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

CASES: list[tuple[str, Case]] = [
    (
        "same_day_return",
        dialogue(
            "flight to boston on the 10th, out in the morning, back in the evening same day",
            calls=[
                flight_search("new york", "Boston", "2026-12-10", depart_before="12:00"),
                flight_search("Boston", "new york", "2026-12-10", depart_after="17:00"),
            ],
        ),
    ),
    (
        "same_day_return",
        dialogue(
            "jfk to boston 10 dec out early morning, back late afternoon the same day",
            calls=[
                flight_search("JFK", "Boston", "2026-12-10"),
                flight_search("Boston", "JFK", "2026-12-10"),
            ],
        ),
    ),
    (
        "same_day_return",
        dialogue(
            "JFK to Chicago on 9 Dec out in the morning back in the evening, same day pls",
            calls=[
                flight_search("JFK", "Chicago", "2026-12-09"),
                flight_search("Chicago", "JFK", "2026-12-09"),
            ],
        ),
    ),
    (
        "window_word_end",
        dialogue(
            "JFK to Boston on 10 Dec, leaving between 7am and noon",
            calls=[
                flight_search(
                    "JFK", "Boston", "2026-12-10", depart_after="07:00", depart_before="12:00"
                )
            ],
        ),
    ),
    (
        "window_word_end",
        dialogue(
            "need bos to chicago thu 3rd departing between noon and 4",
            calls=[
                flight_search(
                    "Boston", "Chicago", "2026-12-03", depart_after="12:00", depart_before="16:00"
                )
            ],
        ),
    ),
]
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_lead29(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
