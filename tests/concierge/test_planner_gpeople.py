"""Guards for the held-out people gaps of batches 56 and 57 (now = Tue 1 Dec 2026; users
ava — Acme traveller, home JFK, manager mia —, mia — Acme manager, may book for ava,
reports to victor — and victor — may book for ava, fin and mia; world ``trips``: Ava's
confirmed London trip, BA 19 JFK→LHR Mon 14 Dec 22:30, Holiday Inn Express London Tower
Bridge 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45; her DL 15 BOS→CDG Thu 3 Dec waiting for
Mia's approval).

Kinds (sibling phrasings of the gaps, never the held-out sentences):
- add_traveller: the caller joining the trip being planned for a report ("add me too",
  "I'll come along") and a guest added before the pick with who they are ("she's on my
  team"): the pick holds a seat each.
- pick_in_request: a colleague's (or one's own) flight named in the first message by its
  number, or by time and carrier, is held at once from the search.
- colleague_trip_reference: a report's booked flight or hotel, seen through list_trips
  (the core's visibility rules), read as the flight or the hotel and nights to book.
- reject_phrase: a rejection said as "not approving / not signing off on …", the reason in
  the next sentence.

First try (pytest -q tests/concierge/test_planner_gpeople.py -n 2, 17:11 UTC, main at
fa31af4, before any fix): 0/15 — every guard failed (no second seat; the list shown and
nothing held; nothing held; no rejection asked).
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

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"pending": "confirm_booking"}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ add_traveller
    (
        "add_traveller",
        dialogue(
            "book Ava on a flight JFK to Chicago Dec 14",
            "add me too, I'm going with her",
            "the first one",
            user="mia",
            segments=[{"kind": "flight", "origin": "JFK", "destination": "ORD", "passengers": 2}],
            new_status="held",
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "find Ava a flight from JFK to Boston on the 10th",
            "I'll come along as well, book us both",
            "option 1",
            user="mia",
            segments=[{"kind": "flight", "origin": "JFK", "destination": "BOS", "passengers": 2}],
            new_status="held",
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "JFK to Boston on the 10th",
            "also add Tom Reed, he's on my team",
            "option 1",
            segments=[{"kind": "flight", "origin": "JFK", "destination": "BOS", "passengers": 2}],
            **HELD,
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "Chicago from JFK 12/14",
            "oh can you add Dana Cole - she's in my team",
            "the first one",
            segments=[{"kind": "flight", "origin": "JFK", "destination": "ORD", "passengers": 2}],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ pick_in_request
    (
        "pick_in_request",
        dialogue(
            "Put Fin on UA 27 from Newark to London on 8 January.",
            user="victor",
            segments=[
                {
                    "kind": "flight",
                    "flight": "UA 27",
                    "origin": "EWR",
                    "destination": "LHR",
                    "date": "2027-01-08",
                }
            ],
            reply_contains="Fin",
            **HELD,
        ),
    ),
    (
        "pick_in_request",
        dialogue(
            "book me on BA 13 Newark to London, 8 Jan",
            segments=[
                {
                    "kind": "flight",
                    "flight": "BA 13",
                    "origin": "EWR",
                    "destination": "LHR",
                    "date": "2027-01-08",
                }
            ],
            **HELD,
        ),
    ),
    (
        "pick_in_request",
        dialogue(
            "Could you get Ava Patel on the 5:40am American JFK to BOS on Thursday 3 Dec?",
            user="mia",
            segments=[
                {
                    "kind": "flight",
                    "flight": "AA 1038",
                    "origin": "JFK",
                    "destination": "BOS",
                    "date": "2026-12-03",
                }
            ],
            **HELD,
        ),
    ),
    (
        "pick_in_request",
        dialogue(
            "Put Ava on the 6:20pm JetBlue from JFK→Boston on Dec 3",
            user="mia",
            segments=[
                {
                    "kind": "flight",
                    "flight": "B6 1024",
                    "origin": "JFK",
                    "destination": "BOS",
                    "date": "2026-12-03",
                }
            ],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ colleague_trip_reference
    (
        "colleague_trip_reference",
        dialogue(
            "put me on Ava's flight to London on the 14th",
            user="mia",
            world="trips",
            segments=[
                {
                    "kind": "flight",
                    "flight": "BA 19",
                    "origin": "JFK",
                    "destination": "LHR",
                    "date": "2026-12-14",
                    "passengers": 1,
                }
            ],
            **HELD,
        ),
    ),
    (
        "colleague_trip_reference",
        dialogue(
            "I'm going to London with Ava - book me on the same flight as her",
            user="mia",
            world="trips",
            segments=[
                {
                    "kind": "flight",
                    "flight": "BA 19",
                    "origin": "JFK",
                    "destination": "LHR",
                    "date": "2026-12-14",
                }
            ],
            **HELD,
        ),
    ),
    (
        "colleague_trip_reference",
        dialogue(
            "book me on Ava's flight home from London",
            user="mia",
            world="trips",
            segments=[
                {
                    "kind": "flight",
                    "flight": "BA 18",
                    "origin": "LHR",
                    "destination": "JFK",
                    "date": "2026-12-18",
                }
            ],
            **HELD,
        ),
    ),
    (
        "colleague_trip_reference",
        dialogue(
            "get me a room at Ava's hotel in London for the same nights",
            user="mia",
            world="trips",
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "Holiday Inn Express London Tower Bridge",
                    "check_in": "2026-12-15",
                    "check_out": "2026-12-18",
                }
            ],
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ reject_phrase
    (
        "reject_phrase",
        dialogue(
            "Not signing off on Ava's Paris trip. The budget is spent for this quarter.",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "budget"},
            nothing_changed=True,
        ),
    ),
    (
        "reject_phrase",
        dialogue(
            "I'm not approving Ava's Boston to Paris flight - she should have booked earlier.",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "booked earlier"},
            nothing_changed=True,
        ),
    ),
    (
        "reject_phrase",
        dialogue(
            "Won't be approving the Paris flight. The workshop moved online.",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "online"},
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_people(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
