"""The planner passes an airline restriction and a price ceiling kept on the draft as the
search tools' own filters (search_flights airlines / exclude_airlines / max_price,
search_hotels max_nightly), so the cards a client draws from the tool's output are the
flights the reply lists; when a filter leaves nothing it searches again without it and
says so, showing the nearest (now = Tue 1 Dec 2026).

Written after probing these phrasings on tools28 (not a first-try figure): the replies
checked against the search tool's own options for those days.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import Case, World, build_worlds, dialogue, runs_as_expected


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    return build_worlds(tmp_path_factory.mktemp("tools28-worlds"), {"empty"})


def _fs(origin: str, dest: str, day: str, **more: Any) -> dict[str, Any]:
    return {
        "tool": "search_flights",
        "args": {"origin": origin, "destination": dest, "date": day, **more},
    }


CASES: list[Case] = [
    dialogue(
        "need LGA to Miami on the 16th, Delta only",
        calls=[_fs("LGA", "MIA", "2026-12-16", airlines=["DL"])],
        reply_contains=["DL 1169", "Only Delta Air Lines flights are listed"],
        reply_not_contains=["AA 1199", "NK 1003"],
    ),
    dialogue(
        # no Delta flies EWR-ORD that day: searched again without it, the nearest shown
        "EWR to ORD on the 11th, delta only please",
        calls=[_fs("EWR", "ORD", "2026-12-11", airlines=["DL"]), _fs("EWR", "ORD", "2026-12-11")],
        reply_contains=["UA 1109", "There are no Delta Air Lines flights on this search"],
    ),
    dialogue(
        "JFK to Boston on the 15th, delta only, nothing over $70",
        calls=[_fs("JFK", "BOS", "2026-12-15", airlines=["DL"], max_price=70)],
        reply_contains="DL 1060",
        reply_not_contains=["DL 1058", "AA 1040", "B6 1024"],
    ),
    dialogue(
        "BOS to Atlanta on the 14th, back on the 16th, no Spirit please",
        calls=[
            _fs("BOS", "ATL", "2026-12-14", exclude_airlines=["NK"]),
            _fs("ATL", "BOS", "2026-12-16", exclude_airlines=["NK"], leg="return"),
        ],
        reply_not_contains="NK ",
    ),
    dialogue(
        "hotel in Boston 15-17 Dec, under $90 a night",
        calls=[
            {"tool": "search_hotels", "args": {"city": "boston", "max_nightly": 90}},
        ],
        reply_contains="Novotel Boston Downtown",
        reply_matches=r"none of these hotels is within your \$90 a night budget",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_filters_passed_to_the_tools(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
