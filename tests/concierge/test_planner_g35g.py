"""Guards for the held-out gaps of batch 79 closed by g35g (now = Tue 1 Dec 2026 09:00 UTC;
world ``empty``).

Kinds: a named hotel (brand) + city + dates in a first message is a hotel request, held at once
when the hotel is singled out ("the citizenM in Paris ..."), searched when asked about
("Novotel in Atlanta, Dec 15 to 17?"), never a flight search; a pick from a hotel list by brand
or by "the cheaper <n> star"; a misspelt "hotel" ("hotl", "hotle"); "a room each" for a group
counts the people; "yes, send it for approval" at an over-cap confirmation is a yes; "a hotel
for just the one night" after a booked flight checks in on the arrival day.

Every phrasing was written before reading the planner code for these gaps.
First try on main 318fc15 (16:02 UTC): 6/20 — hotel_named 0/5, hotel_pick 2/4, typo_tolerance 2/3,
rooms 0/3, hotel_policy 1/3, hotel_after_flight 1/2.
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")


def held(hotel: str, check_in: str, check_out: str, **more: Any) -> dict[str, Any]:
    return {
        "segments": [
            {"kind": "hotel", "hotel": hotel, "check_in": check_in, "check_out": check_out, **more}
        ],
        "new_status": "held",
        "pending": "confirm_booking",
    }


def sent(hotel: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {
        "segments": [{"kind": "hotel", "hotel": hotel, "check_in": check_in, "check_out": check_out}],
        "new_status": "pending_approval",
    }


PICKED = {"pending": "confirm_booking"}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ hotel_named
    (
        "hotel_named",
        dialogue(
            "the Hilton in Chicago 14th to 16th please",
            **held("Hilton Chicago River North", "2026-12-14", "2026-12-16"),
        ),
    ),
    (
        "hotel_named",
        dialogue(
            "the citizenM in Miami, 10th-12th Dec",
            user="fin",
            **held("citizenM Miami Downtown", "2026-12-10", "2026-12-12"),
        ),
    ),
    (
        "hotel_named",
        dialogue(
            "Novotel in Boston, Dec 9 to 11?",
            calls=[hotel_search("boston", "2026-12-09", "2026-12-11")],
            reply_contains="Novotel Boston Downtown",
        ),
    ),
    (
        "hotel_named",
        dialogue(
            "Radisson in Dublin 16-18 Dec?",
            user="gus",
            calls=[hotel_search("dublin", "2026-12-16", "2026-12-18")],
            reply_contains="Radisson Blu Dublin",
        ),
    ),
    (
        "hotel_named",
        dialogue(
            "Sofitel Paris, 14 to 16 December?",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-16")],
            reply_contains="Sofitel Paris Opera",
        ),
    ),
    # ------------------------------------------------------------ hotel_pick
    (
        "hotel_pick",
        dialogue(
            "four star hotel in London 15-18 Dec",
            "the cheaper of the 4 stars",
            **held("Hilton London Park Lane", "2026-12-15", "2026-12-18"),
        ),
    ),
    (
        "hotel_pick",
        dialogue(
            "5 star in atlanta 9-11 dec",
            "ok book the intercontinental",
            **held("InterContinental Atlanta Midtown", "2026-12-09", "2026-12-11"),
        ),
    ),
    (
        "hotel_pick",
        dialogue(
            "hotels in madrid 16th-19th",
            "go with the radisson",
            **held("Radisson Blu Madrid Salamanca", "2026-12-16", "2026-12-19"),
        ),
    ),
    (
        "hotel_pick",
        dialogue(
            "London hotel 15-18 Dec",
            "the cheaper 3 star please",
            **held("Holiday Inn Express London Tower Bridge", "2026-12-15", "2026-12-18"),
        ),
    ),
    # ------------------------------------------------------------ typo_tolerance
    (
        "typo_tolerance",
        dialogue(
            "hotl in boston 9-11 dec",
            calls=[hotel_search("boston", "2026-12-09", "2026-12-11")],
        ),
    ),
    (
        "typo_tolerance",
        dialogue(
            "need a hotle in miami 14th to 16th december",
            calls=[hotel_search("miami", "2026-12-14", "2026-12-16")],
        ),
    ),
    (
        "typo_tolerance",
        dialogue(
            "hotell in dublin 10-12 dec pls",
            calls=[hotel_search("dublin", "2026-12-10", "2026-12-12")],
        ),
    ),
    # ------------------------------------------------------------ rooms
    (
        "rooms",
        dialogue(
            "hotel in london 14 to 16 dec, one room each for me and my two colleagues",
            calls=[hotel_search("london", "2026-12-14", "2026-12-16", rooms=3)],
        ),
    ),
    (
        "rooms",
        dialogue(
            "Madrid hotel 9-11 Dec, a room each for me and my manager",
            calls=[hotel_search("madrid", "2026-12-09", "2026-12-11", rooms=2)],
        ),
    ),
    (
        "rooms",
        dialogue(
            "a room each for the two of us, Boston 15-17 Dec",
            calls=[hotel_search("boston", "2026-12-15", "2026-12-17", rooms=2)],
        ),
    ),
    # ------------------------------------------------------------ hotel_policy
    (
        "hotel_policy",
        dialogue(
            "book the Sofitel in Paris 14-16 Dec, I know it's over the limit",
            "yes, send it for approval",
            **sent("Sofitel Paris Opera", "2026-12-14", "2026-12-16"),
        ),
    ),
    (
        "hotel_policy",
        dialogue(
            "the InterContinental in New York 14-16 dec please",
            "yes please submit it for approval",
            **sent("InterContinental New York Times Square", "2026-12-14", "2026-12-16"),
        ),
    ),
    (
        "hotel_policy",
        dialogue(
            "I want the Sofitel in London 9-11 Dec, over the cap I know",
            "fine, send it to my manager",
            **sent("Sofitel London Canary Wharf", "2026-12-09", "2026-12-11"),
        ),
    ),
    # ------------------------------------------------------------ hotel_after_flight
    (
        "hotel_after_flight",
        dialogue(
            "BOS to ORD on Thursday 10 Dec",
            ("the first one", PICKED),
            "yes",
            "and a hotel for just one night please",
            user="fin",
            calls=[hotel_search("chicago", "2026-12-10", "2026-12-11")],
        ),
    ),
    (
        "hotel_after_flight",
        dialogue(
            "fly JFK to ATL 9 Dec",
            ("option 1", PICKED),
            "go ahead",
            "need a hotel for one night only, flying back the day after",
            calls=[hotel_search("atlanta", "2026-12-09", "2026-12-10")],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g35g_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
