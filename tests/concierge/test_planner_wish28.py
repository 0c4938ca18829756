"""Guards for the held-out gaps closed by wish28 (now = Tue 1 Dec 2026): an airline asked
for alone or ruled out and a price ceiling kept on the draft, filtering the flights shown
and the next searches of the trip (batch_49 carrier_constraint, batch_50 airline_wish and
budget); a wish the concierge can't grant said beside a trip asked for ("Just hand
luggage") is an aside, the search runs (batch_50 aside_takes_over); an ordinal's typo
("the frist one") is the ordinal (batch_50 pick_typo); "scrap that, I don't need it
anymore" at a hold's confirmation asks its release (cancelling is confirmed like any), and
the yes to that releases it (batch_48 cancel_phrase); "what I just booked" is the booking
this conversation made last (batch_48 what_booked).

Every phrasing here is a guard, written after the fix and before running it, with other
words than the held-out cases (flights and prices checked against the search tool's own
options for those days). First try (pytest -q tests/concierge/test_planner_wish28.py, run
once at 14:26 UTC on wish28 before landing): 14/14 — constraint 5/5, aside 2/2, pick_typo
2/2, cancel_phrase 2/2, what_booked 3/3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    build_worlds,
    case_params,
    dialogue,
    runs_as_expected,
)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    return build_worlds(tmp_path_factory.mktemp("wish28-worlds"), {"empty", "trips"})


def _fl(flight: str, origin: str, dest: str, day: str) -> dict[str, Any]:
    return {"kind": "flight", "flight": flight, "origin": origin, "destination": dest, "date": day}


def _fs(origin: str, dest: str, day: str) -> dict[str, Any]:
    return {"tool": "search_flights", "args": {"origin": origin, "destination": dest, "date": day}}


ASKED_ONLY = {"tools_exclude": ["reserve", "search_flights", "cancel_booking", "confirm_booking"]}

CASES: list[tuple[str, Case]] = [
    # ---------------------------------------------------------------- constraint
    (
        "constraint",
        dialogue(
            "need LGA to Miami on the 16th, American only please",
            calls=[_fs("LGA", "MIA", "2026-12-16")],
            reply_contains="AA 1199",
            reply_not_contains=["DL 1169", "NK 1003"],
        ),
    ),
    (
        "constraint",
        dialogue(
            (
                "I'd like flights from JFK to Chicago on 14 Dec, only on United",
                {"reply_contains": "UA 1149", "reply_not_contains": ["B6 1057", "AA 1171"]},
            ),
            "what about the 15th?",
            calls=[_fs("JFK", "chicago", "2026-12-15")],
            reply_contains="UA 1149",
            reply_not_contains=["B6 1057", "AA 1171", "DL 1143"],
        ),
    ),
    (
        "constraint",
        dialogue(
            "EWR to ORD on the 11th, max $200 per person",
            calls=[_fs("EWR", "ORD", "2026-12-11")],
            reply_contains=["UA 1109", "AA 1139"],
            reply_not_contains=["UA 1107", "AA 1141"],
        ),
    ),
    (
        "constraint",
        dialogue(
            "JFK to Boston on the 15th, nothing above $30",
            calls=[_fs("JFK", "BOS", "2026-12-15")],
            reply_contains="AA 1040",
            reply_matches=r"none of these flights is within your \$30 budget",
        ),
    ),
    (
        "constraint",
        dialogue(
            "ORD to SFO on the 18th — no United, thanks",
            calls=[_fs("ORD", "SFO", "2026-12-18")],
            reply_contains="AA 1225",
            reply_not_contains=["UA 1189", "UA 1187"],
        ),
    ),
    # ---------------------------------------------------------------- aside
    (
        "aside",
        dialogue(
            "Hi there, can you sort me out with a return from Boston to Atlanta, out 12/14 "
            "back 12/16? Carry-on only.",
            calls=[_fs("BOS", "ATL", "2026-12-14"), _fs("ATL", "BOS", "2026-12-16")],
        ),
    ),
    (
        "aside",
        dialogue(
            "Evening! Could you get me Newark to Chicago on 11 Dec? No checked bags, just a "
            "backpack.",
            calls=[_fs("EWR", "chicago", "2026-12-11")],
        ),
    ),
    # ---------------------------------------------------------------- pick_typo
    (
        "pick_typo",
        dialogue(
            "EWR to ORD 12/11",
            ("the secnd one", {"pending": "confirm_booking"}),
            segments=[_fl("AA 1139", "EWR", "ORD", "2026-12-11")],
        ),
    ),
    (
        "pick_typo",
        dialogue(
            "JFK to Atlanta on the 22nd",
            "thrid option pls",
            segments=[_fl("DL 1020", "JFK", "ATL", "2026-12-22")],
            pending="confirm_booking",
        ),
    ),
    # ---------------------------------------------------------------- cancel_phrase
    (
        "cancel_phrase",
        dialogue(
            "EWR to ORD 12/11",
            ("option 1", {"pending": "confirm_booking"}),
            ("nah, I no longer need it", {"pending": "cancel_booking"}),
            "yes",
            not_new_status="confirmed",
            pending="none",
            segments=[],
        ),
    ),
    (
        "cancel_phrase",
        dialogue(
            "Boston to Miami Dec 11",
            ("option 1", {"pending": "confirm_booking"}),
            ("not right now", {"pending": "none"}),
            ("ok yes, release it", {"pending": "cancel_booking"}),
            "yes",
            not_new_status="confirmed",
            pending="none",
            segments=[],
        ),
    ),
    # ---------------------------------------------------------------- what_booked
    (
        "what_booked",
        dialogue(
            "BOS to Miami on the 11th",
            ("option 1", {"pending": "confirm_booking"}),
            ("yes", {"new_status": "confirmed"}),
            "what was the booking I just made?",
            world="trips",
            reply_contains="AA 1047",
            reply_not_contains=["BA 19", "Holiday Inn"],
            **ASKED_ONLY,
        ),
    ),
    (
        "what_booked",
        dialogue(
            "EWR to SFO 16 Dec",
            ("AA 1145 please", {"pending": "confirm_booking"}),
            ("yes", {"new_status": "confirmed"}),
            "what time does the flight I just booked leave?",
            reply_contains="AA 1145",
            reply_contains_any=[["21:35", "9:35"]],
            **ASKED_ONLY,
        ),
    ),
    (
        "what_booked",
        dialogue(
            "JFK to Atlanta Dec 22",
            ("the cheapest", {"pending": "confirm_booking"}),
            ("yes", {"new_status": "confirmed"}),
            "is my latest booking confirmed?",
            world="trips",
            reply_contains="Atlanta",
            reply_not_contains=["Paris", "BA 19"],
            **ASKED_ONLY,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_wish28_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
