"""Guards for the held-out gaps of batches 80/81 closed by g35e (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``).

Kinds: one traveller dropping out (or the seat count said again, lower) —
- ``drop_out_after_pick``: the hold already made is re-made for the travellers left (fewer seats,
  the one who dropped out no longer on it) and nothing is confirmed;
- ``drop_out_then_yes``: the same, and the "yes" that follows books the smaller party;
- ``drop_out_before_pick``: the search is run again for the smaller party and the pick holds that
  many seats.

Every phrasing was written before reading the planner code for these gaps.
First try (pytest -q -p no:cacheprovider -n 2 tests/concierge/test_planner_g35e.py, 16:02 UTC,
main at 318fc15): 4/14 — drop_out_after_pick 2/5, drop_out_then_yes 0/2, drop_out_before_pick 2/7.
Still open (strict xfails): a new count at a hold whose seats are still to be named ("make that
3 seats", "we lost one, only two seats needed now" after "4 seats …" / "for 3 of us") searches
again and leaves the hold as it was (that question is no confirmation, so the hold is not the
one being changed); a party said as "We are 3 person: me and from client company A B and C D"
names no one (a ``passengers`` gap); a bare new count with no one said to drop out ("make it 2",
"actually just 1") is not read as the head count.
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


def seg(
    origin: str, destination: str, date: str, passengers: int, **more: str
) -> dict[str, object]:
    return {
        "kind": "flight",
        "origin": origin,
        "destination": destination,
        "date": date,
        "passengers": passengers,
        **more,
    }


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ drop_out_after_pick
    (
        "drop_out_after_pick",
        dialogue(
            "me, Tom Baker and Lena Fischer JFK to Boston 10 Dec",
            "first one",
            "Tom's out, it's just Lena and me now",
            segments=[seg("JFK", "BOS", "2026-12-10", 2)],
            not_new_status="confirmed",
        ),
    ),
    (
        "drop_out_after_pick",
        dialogue(
            "4 seats JFK to O'Hare on the 9th",
            "1",
            "make that 3 seats",
            user="victor",
            segments=[seg("JFK", "ORD", "2026-12-09", 3)],
            not_new_status="confirmed",
        ),
    ),
    (
        "drop_out_after_pick",
        dialogue(
            "LGA to Atlanta 8 Dec for me and Ava",
            "the first",
            "Ava's not coming anymore",
            user="mia",
            segments=[seg("LGA", "ATL", "2026-12-08", 1)],
            not_new_status="confirmed",
        ),
    ),
    (
        "drop_out_after_pick",
        dialogue(
            "ORD to ATL 17th for 3 of us",
            "2",
            "we lost one, only two seats needed now",
            user="gus",
            segments=[seg("ORD", "ATL", "2026-12-17", 2)],
            not_new_status="confirmed",
        ),
    ),
    (
        "drop_out_after_pick",
        dialogue(
            "Boston to Chicago on the 10th for me and Tom Baker",
            "first one",
            "Tom can't travel any more, so only me",
            segments=[seg("BOS", "ORD", "2026-12-10", 1)],
            not_new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ drop_out_then_yes
    (
        "drop_out_then_yes",
        dialogue(
            "JFK to ORD Dec 9, me, Mia and Fin",
            "first one",
            "Mia dropped out, take her off",
            "yes",
            user="victor",
            segments=[seg("JFK", "ORD", "2026-12-09", 2, status="booked")],
        ),
    ),
    (
        "drop_out_then_yes",
        dialogue(
            "We are 3 person: me and from client company Anna Schmidt and Paolo Verdi. "
            "Flight Chicago to Atlanta 17 december",
            "the first",
            "Paolo he is not coming, we are 2 only",
            "yes please confirm",
            segments=[seg("ORD", "ATL", "2026-12-17", 2, status="booked")],
        ),
    ),
    # ------------------------------------------------------------ drop_out_before_pick
    (
        "drop_out_before_pick",
        dialogue(
            "flights for the 4 of us JFK to Miami 11 Dec",
            "one person dropped, 3 seats please",
            calls=[flight_search("JFK", "miami", "2026-12-11", passengers=3)],
        ),
    ),
    (
        "drop_out_before_pick",
        dialogue(
            "me and Tom Baker, Boston to Chicago on the 10th",
            "Tom can't come after all",
            calls=[flight_search("boston", "chicago", "2026-12-10", passengers=1)],
        ),
    ),
    (
        "drop_out_before_pick",
        dialogue(
            "LGA to ATL on the 21st for 3 of us",
            "make it 2",
            calls=[flight_search("LGA", "atlanta", "2026-12-21", passengers=2)],
        ),
    ),
    (
        "drop_out_before_pick",
        dialogue(
            "New York to Miami Friday 11 Dec, 3 people",
            "change of plan, just two of us",
            "first one",
            segments=[seg("new york", "MIA", "2026-12-11", 2)],
            new_status="held",
        ),
    ),
    (
        "drop_out_before_pick",
        dialogue(
            "Dublin to London on the 8th for two",
            "sorry, only me actually, my colleague dropped out",
            calls=[flight_search("dublin", "london", "2026-12-08", passengers=1)],
        ),
    ),
    (
        "drop_out_before_pick",
        dialogue(
            "2 seats ORD to ATL 17th",
            "actually just 1",
            user="gus",
            calls=[flight_search("ORD", "atlanta", "2026-12-17", passengers=1)],
        ),
    ),
    (
        "drop_out_before_pick",
        dialogue(
            "me, Mia and Fin JFK to ORD 9 Dec",
            "Fin's not coming",
            "first one",
            user="victor",
            segments=[seg("JFK", "ORD", "2026-12-09", 2)],
            new_status="held",
        ),
    ),
]

GAPS: set[int] = {1, 3, 6, 9, 12}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35e_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
