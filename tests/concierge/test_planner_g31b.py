"""Guards for the held-out gaps of batches 62–63 taken by g31b (now = Tue 1 Dec 2026; world
``empty``: JFK→ATL 11 Dec AA 1010 21:35, B6 1006 14:00, DL 1020 05:50; ATL→New York 12 Dec AA
1013 LGA 09:40, DL 1027 21:15, AA 1009 21:45, DL 1011 EWR 11:20, DL 1019 05:50; 13 Dec DL 1023
06:10, B6 1005 13:50, DL 1027 21:15, UA 1007 16:35, UA 1005 06:10; BOS→ORD 10 Dec DL 1071 13:50,
UA 1027 21:30, AA 1049 06:10; ORD→BOS 13 Dec DL 1072 13:50, AA 1050 06:05; New York→London 12
Dec AA 21, UA 27, BA 13; LHR→New York 17 Dec UA 28 17:10, BA 20 LHR→JFK 17:20; New York→Paris
15 Dec DL 26, AA 6, UA 8 EWR. World ``trips``: ava's BA 19 JFK→LHR 14 Dec 7h25, DL 15 BOS→CDG
3 Dec 7h25. Acme allows business from 6 h, Globex (gus) from 9 h, premium from 6 h).

Gaps:
- ``add_return``: adding the flight home to a held outbound with a day, a time of day and/or
  the option wanted in the same message searches the return with those constraints and holds
  it when exactly one option fits.
- ``pick_from_answer``: "that / that one / it" after an answer that named one option is that
  option.
- ``policy_for_booked_trip``: whether one could / may / is allowed to fly a cabin is a policy
  question (the structured cabin rules, for the route or duration), booked trip or not; with
  no duration it starts no search.

Every phrasing here was written before the planner was read (the held-out cases themselves
are in tests/concierge/heldout/batch_62.yaml and batch_63.yaml). First try (pytest -q
tests/concierge/test_planner_g31b.py -n 2, 00:07 UTC): 5/13 — add_return 1/4 (the return's
day, time of day and option said together were lost: no return held, a morning search showed
21:35; "the BA nonstop" said of the return replaced the held outbound with BA 13),
pick_from_answer 3/4 ("I'll take it" after "which one goes from Newark?" held nothing),
policy_for_booked_trip 1/5 (four searched flights). After the fixes (01:04 UTC): 12/13 — the
Newark question (7) stays a known gap: it narrows the search to Newark, so "it" then names
none of the five options shown.
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
    flight_search,
    flight_segment,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
JOINED: dict[str, Any] = {"not_new_status": "confirmed", "pending": "confirm_booking"}
ASKED: dict[str, Any] = {"pending": "confirm_booking"}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------------ add_return
    (
        "add_return",
        dialogue(
            "JFK to ATL dec 11",
            ("the 9:35pm american", ASKED),
            "coming home sat 12/12, the american at 9:40am",
            segments=[
                flight_segment("AA 1010", "JFK", "ATL", "2026-12-11"),
                flight_segment("AA 1013", "ATL", "LGA", "2026-12-12"),
            ],
            **JOINED,
        ),
    ),
    (
        "add_return",
        dialogue(
            "JFK to ATL dec 11",
            ("the 2pm jetblue", ASKED),
            (
                "can you add the flight back on sunday morning",
                {
                    "calls": [flight_search("atlanta", "new york", "2026-12-13")],
                    "options": {"depart_before": "12:00"},
                },
            ),
            "the 6:10 delta",
            segments=[
                flight_segment("B6 1006", "JFK", "ATL", "2026-12-11"),
                flight_segment("DL 1023", "ATL", "LGA", "2026-12-13"),
            ],
            **JOINED,
        ),
    ),
    (
        "add_return",
        dialogue(
            "New York to London on the 12th",
            ("the american one", ASKED),
            "Return Thursday 17/12 in the evening - the BA nonstop please",
            user="victor",
            segments=[
                flight_segment("AA 21", "JFK", "LHR", "2026-12-12"),
                flight_segment("BA 20", "LHR", "JFK", "2026-12-17"),
            ],
            **JOINED,
        ),
    ),
    (
        "add_return",
        dialogue(
            "BOS to Chicago dec 10",
            ("the 1:50 delta", ASKED),
            (
                "and back on the 13th in the afternoon",
                {
                    "calls": [flight_search("chicago", "boston", "2026-12-13")],
                    "options": {"depart_after": "12:00"},
                },
            ),
            "the nonstop",
            user="gus",
            segments=[
                flight_segment("DL 1071", "BOS", "ORD", "2026-12-10"),
                flight_segment("DL 1072", "ORD", "BOS", "2026-12-13"),
            ],
            **JOINED,
        ),
    ),
    # ------------------------------------------------------------------ pick_from_answer
    (
        "pick_from_answer",
        dialogue(
            "JFK to ATL Dec 11",
            (
                "which is the earliest one?",
                {"nothing_changed": True, "reply_contains_any": [["DL 1020", "5:50"]]},
            ),
            "ok book that one",
            segments=[flight_segment("DL 1020", "JFK", "ATL", "2026-12-11")],
            **HELD,
        ),
    ),
    (
        "pick_from_answer",
        dialogue(
            "BOS to Chicago dec 10",
            (
                "which one leaves latest?",
                {"nothing_changed": True, "reply_contains_any": [["UA 1027", "9:30", "21:30"]]},
            ),
            "great, hold it",
            user="gus",
            segments=[flight_segment("UA 1027", "BOS", "ORD", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "pick_from_answer",
        dialogue(
            "london to new york 17/12",
            (
                "which BA flight is direct?",
                {"nothing_changed": True, "reply_contains": "BA 20"},
            ),
            "book that please",
            user="mia",
            segments=[flight_segment("BA 20", "LHR", "JFK", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "pick_from_answer",
        dialogue(
            "New York to Paris on the 15th",
            (
                "which one goes from Newark?",
                {"nothing_changed": True, "reply_contains": "UA 8"},
            ),
            "I'll take it",
            segments=[flight_segment("UA 8", "EWR", "CDG", "2026-12-15")],
            **HELD,
        ),
    ),
]

# ---------------------------------------------------------------------- policy_for_booked_trip
NO_SEARCH: dict[str, Any] = {
    "nothing_changed": True,
    "pending": "none",
    "tools_exclude": ["search_flights", "reserve"],
}
YES = ["yes", "allowed", "within policy", "in policy", "green"]
CASES += [
    (
        "policy_for_booked_trip",
        dialogue(
            "I fly to Paris on the 3rd. Am I allowed to go business class on that one?",
            world="trips",
            reply_contains="business",
            reply_contains_any=[YES],
            **NO_SEARCH,
        ),
    ),
    (
        "policy_for_booked_trip",
        dialogue(
            "heading to london dec 14 - may i fly business? its about 7 and a half hours",
            world="trips",
            reply_contains="business",
            reply_contains_any=[YES],
            **NO_SEARCH,
        ),
    ),
    (
        # no trip, no duration: the rule itself, and no search
        "policy_for_booked_trip",
        dialogue(
            "flying to atlanta on the 11th, could I go business?",
            reply_contains="business",
            reply_contains_any=[["6 h", "6h", "6 hours", "six hours"]],
            **NO_SEARCH,
        ),
    ),
    (
        # Globex: business from 9 h, so a 7-hour flight is premium economy at most
        "policy_for_booked_trip",
        dialogue(
            "Im flying to London on the 12th, could I go business? about 7 hours",
            user="gus",
            reply_contains="business",
            reply_contains_any=[["premium", "9 h", "9h", "9 hours", "nine hours"]],
            **NO_SEARCH,
        ),
    ),
    (
        "policy_for_booked_trip",
        dialogue(
            "Ava's flying to London on the 14th — is she allowed to go business?",
            world="trips",
            user="mia",
            reply_contains="business",
            reply_contains_any=[YES],
            **NO_SEARCH,
        ),
    ),
]


# 7: "which one goes from Newark?" narrows the search to Newark (five options shown), so
# "it" names none — a question naming an airport of one option shown is not yet answered
# from the list.
GAPS: set[int] = {7}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g31b_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
