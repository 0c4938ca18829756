"""Blind probe p31lists: what people say about a list of options just shown, and about their
trips (now = Tue 1 Dec 2026 09:00 UTC; every phrasing written before running anything, from
the tools' own answers only).

Lists the phrasings refer to (search_flights / search_hotels, cheapest first):
- New York → Boston Fri 11 Dec: AA 1046 LGA 18:05, AA 1044 LGA 09:15, B6 1030 LGA 21:35,
  AA 1038 JFK 05:40, DL 1052 EWR 16:15.
- New York → Chicago Wed 9 Dec: AA 1141 EWR 16:10→17:05, UA 1107 EWR 11:25→12:20, AA 1201
  LGA 05:55→06:55, UA 1171 LGA 21:30→22:30, UA 1169 LGA 12:20→13:20 (AA 1141 flies 10 Dec too).
- New York → Atlanta Mon 14 Dec: UA 1006 EWR 06:05, DL 1028 LGA 21:15, AA 1016 LGA 17:20,
  AA 1014 LGA 09:35, DL 1024 LGA 06:00.
- Boston → Atlanta Sat 12 Dec: DL 1002 13:45 direct … NK 1009 13:45 direct (red).
- New York → San Francisco Tue 8 Dec: UA 1151 13:50, UA 1115 05:50, UA 1173 LGA 21:35,
  B6 1061 09:45, AA 1145 EWR 21:35.
- Boston → Miami Fri 11 Dec: nonstops AA 1047 05:55 (248.70) and DL 1069 21:35 (259.70),
  three cheaper red connections.
- Boston → Chicago Wed 16 Dec: nonstops AA 1049 06:10 (143.60) and DL 1071 13:50 (156.50),
  three connections.
- Hotels London 15–18 Dec: Holiday Inn Express Tower Bridge 201, Novotel Paddington 226,
  Hilton Park Lane 310, Hyatt Regency Kings Cross 353, Sofitel Canary Wharf 487 (cap 350).
  Chicago 7–9 Dec: all amber (under 7 days ahead). Boston 14–16 Dec: cheapest 153/night.
- World ``trips``: ava's confirmed London trip and her Paris flight waiting for Mia.

First try (pytest -q -n 2 tests/concierge/test_planner_p31lists.py, main at 71a2657, 00:10 UTC):
22/34 — filter 5/6 (held UA 1107 for "the one that lands before 11am"), clock_pick 8/10 ("the
9:15pm one" held the 9:15 am; "9:35 one" with two 21:35s held the first), position 1/1,
day_later 1/2 ("same flight but the day after" left the 9 Dec hold), hotel_list 4/4,
hotel_cap 2/3 ("5 star in london under the cap? 15-18 december" searched flights), hotel_dates
0/2 ("2 nights checking out on the 9th": no search), trips 1/2 ("cancel the first one" after
"which of my trips are confirmed?" took the first of all trips), approve 0/1 (bare "approve"),
went_through 0/2 ("did that go through?" not understood), all_set 0/1 (a locator twice).
One expectation corrected after the first run: day_later ("same flight but the day after")
asked ``new_status: held``, but moving a hold releases the first one (its booking is
cancelled), so it asks what the person sees — the new day's flight held, awaiting a yes.

After the fixes (same command, 01:05 UTC): 37/38 — four guards added after the first try
(closest-to honest answer, "same flight but a day later", a landing bound with an airline,
an arrival wish in a request holding nothing). Then hotel_cap ("is there a 5 star in london
under the cap?": the answer — no, and why — before the list): 38/38.
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
    run_case,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"new_status": "held", "pending": "confirm_booking"}
# A hold moved to another day: the first hold is released (its booking cancelled), the new
# one awaits its yes — the live segments are the new day's only.
MOVED: dict[str, Any] = {"not_new_status": "confirmed", "pending": "confirm_booking"}
NOTHING: dict[str, Any] = {"nothing_changed": True, "tools_exclude": ["reserve"]}
NONE_FITS = (
    r"\b(no|none|nothing|not any|isn't any|aren't any|couldn't find|can't find|didn't find)\b"
)


def _flight(no: str, date: str) -> list[dict[str, Any]]:
    return [{"kind": "flight", "flight": no, "date": date}]


NYBOS = "new york to boston on friday 11th december"
NYCHI = "New York to Chicago on Dec 9"
NYATL = "nyc to atlanta 14/12 please"

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ questions about the list
    (
        "filter",
        dialogue(
            NYBOS,
            "which of these leave from LaGuardia?",
            reply_contains=["AA 1046", "AA 1044", "B6 1030"],
            reply_not_contains=["AA 1038", "DL 1052"],
            **NOTHING,
        ),
    ),
    (
        "filter",
        dialogue(
            NYCHI,
            "any of them land before 11?",
            reply_contains=["AA 1201"],
            reply_not_contains=["UA 1171", "UA 1107"],
            **NOTHING,
        ),
    ),
    (
        "filter",
        dialogue(
            NYCHI,
            "I'll take the one that lands before 11am",
            segments=_flight("AA 1201", "2026-12-09"),
            **HELD,
        ),
    ),
    (
        "filter",
        dialogue(
            NYCHI,
            "only the ones out of laguardia pls",
            "the 2nd one",
            segments=_flight("UA 1171", "2026-12-09"),
            **HELD,
        ),
    ),
    (
        "filter",
        dialogue(
            "Boston to Miami on the 11th",
            "I'll go with the cheaper of the two nonstops",
            segments=_flight("AA 1047", "2026-12-11"),
            **HELD,
        ),
    ),
    (
        "filter",
        dialogue(
            "boston -> chicago wed 16 dec",
            (
                "which ones are nonstop?",
                {"reply_contains": ["AA 1049", "DL 1071"], "tools_exclude": ["reserve"]},
            ),
            "ok book the cheaper of those two",
            segments=_flight("AA 1049", "2026-12-16"),
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ picks by clock time
    (
        "clock_pick",
        dialogue(NYBOS, "the 9:15", segments=_flight("AA 1044", "2026-12-11"), **HELD),
    ),
    (
        "clock_pick",
        dialogue(NYBOS, "9:35 please", segments=_flight("B6 1030", "2026-12-11"), **HELD),
    ),
    (
        # no 9:15 in the evening: nothing held
        "clock_pick",
        dialogue(NYBOS, "the 9:15pm one", **NOTHING),
    ),
    (
        "clock_pick",
        dialogue(NYATL, "the 9.35 am", segments=_flight("AA 1014", "2026-12-14"), **HELD),
    ),
    (
        "clock_pick",
        dialogue(
            NYATL, "the delta at 9:15 works", segments=_flight("DL 1028", "2026-12-14"), **HELD
        ),
    ),
    (
        "clock_pick",
        dialogue(NYATL, "5:20 one", segments=_flight("AA 1016", "2026-12-14"), **HELD),
    ),
    (
        "clock_pick",
        dialogue(
            "BOS to ATL on Saturday the 12th",
            "the delta 1:45 one",
            segments=_flight("DL 1002", "2026-12-12"),
            **HELD,
        ),
    ),
    (
        "clock_pick",
        dialogue(NYCHI, "united at 12:20", segments=_flight("UA 1169", "2026-12-09"), **HELD),
    ),
    (
        "clock_pick",
        dialogue(
            "new york to san francisco tuesday 8 dec",
            "the 9:45 please",
            segments=_flight("B6 1061", "2026-12-08"),
            **HELD,
        ),
    ),
    (
        # two options leave at 21:35: ask which, hold neither
        "clock_pick",
        dialogue(
            "new york to san francisco tuesday 8 dec",
            "9:35 one pls",
            reply_contains=["UA 1173", "AA 1145"],
            **NOTHING,
        ),
    ),
    # ------------------------------------------------------------ position in a re-sorted list
    (
        "position",
        dialogue(
            NYCHI,
            "can you sort those by departure time",
            "the second one",
            segments=_flight("UA 1107", "2026-12-09"),
            **HELD,
        ),
    ),
    # ------------------------------------------------------------ same but a day later
    (
        "day_later",
        dialogue(
            NYCHI,
            "same but a day later",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "new york", "destination": "chicago", "date": "2026-12-10"},
                }
            ],
            **NOTHING,
        ),
    ),
    (
        "day_later",
        dialogue(
            NYCHI,
            ("the 4:10 american", {"pending": "confirm_booking"}),
            "actually can I get the same flight but the day after?",
            segments=_flight("AA 1141", "2026-12-10"),
            **MOVED,
        ),
    ),
    # ------------------------------------------------------------ hotel lists
    (
        "hotel_list",
        dialogue(
            "hotel in London 15-18 Dec",
            "the hilton",
            segments=[{"kind": "hotel", "hotel": "Hilton London Park Lane"}],
            **HELD,
        ),
    ),
    (
        "hotel_list",
        dialogue(
            "Could you find me a hotel in London from the 15th to the 18th of December?",
            "The one at 226 a night, please.",
            segments=[{"kind": "hotel", "hotel": "Novotel London Paddington"}],
            **HELD,
        ),
    ),
    (
        "hotel_list",
        dialogue(
            "london hotel dec 15 to dec 18",
            "book the cheapest 4 star",
            segments=[{"kind": "hotel", "hotel": "Hilton London Park Lane"}],
            **HELD,
        ),
    ),
    (
        # the hotels carry no location: say so rather than pick one
        "hotel_list",
        dialogue(
            "hotel in London 15-18 Dec",
            "which of those is closest to our Shoreditch office?",
            **NOTHING,
        ),
    ),
    (
        "hotel_cap",
        dialogue(
            "any hotels in boston under $100 a night? 14th to 16th dec",
            reply_matches=NONE_FITS,
            **NOTHING,
        ),
    ),
    (
        "hotel_cap",
        dialogue(
            "I need a hotel in Chicago 7-9 Dec, has to be within policy",
            reply_matches=NONE_FITS,
            **NOTHING,
        ),
    ),
    (
        "hotel_cap",
        dialogue(
            "is there a 5 star in london under the cap? 15-18 december",
            reply_matches=NONE_FITS,
            **NOTHING,
        ),
    ),
    (
        "hotel_dates",
        dialogue(
            "Need a hotel in Paris, 2 nights checking out on the 9th",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-07", "check_out": "2026-12-09"},
                }
            ],
            **NOTHING,
        ),
    ),
    (
        "hotel_dates",
        dialogue(
            "Hi, could you look for a hotel in London for two nights please? "
            "I check out on Wednesday 9/12.",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "london", "check_in": "2026-12-07", "check_out": "2026-12-09"},
                }
            ],
            **NOTHING,
        ),
    ),
    # ------------------------------------------------------------ trips list, approvals
    (
        "trips",
        dialogue(
            "show me my trips",
            "cancel the second one",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            nothing_changed=True,
        ),
    ),
    (
        "trips",
        dialogue(
            "which of my trips are confirmed?",
            "cancel the first one",
            world="trips",
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            nothing_changed=True,
        ),
    ),
    (
        "approve",
        dialogue(
            "approve",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "approve"},
            nothing_changed=True,
        ),
    ),
    (
        "went_through",
        dialogue(
            "approve ava's paris flight",
            "yes",
            "did that go through?",
            user="mia",
            world="trips",
            booking_status={"paris": "confirmed"},
            reply_contains=["confirmed"],
            tools_exclude=["decide_approval"],
        ),
    ),
    (
        "went_through",
        dialogue(
            NYBOS,
            "the 9:15",
            "yes",
            "did it go through??",
            new_status="confirmed",
            reply_contains=["confirmed"],
            tools_exclude=["reserve", "confirm_booking"],
        ),
    ),
]

# Added after the first try, with the fixes (guards, not first-try figures).
CASES += [
    (
        # no distances known: said so, not a list of areas alone
        "hotel_list",
        dialogue(
            "hotel in London 15-18 Dec",
            "which of those is closest to our Shoreditch office?",
            reply_contains=["distances"],
            **NOTHING,
        ),
    ),
    (
        "day_later",
        dialogue(
            NYCHI,
            ("the 4:10 american", {"pending": "confirm_booking"}),
            "same flight but a day later please",
            segments=_flight("AA 1141", "2026-12-10"),
            **MOVED,
        ),
    ),
    (
        "filter",
        dialogue(
            NYCHI,
            "the united one that gets in before 1pm",
            segments=_flight("UA 1107", "2026-12-09"),
            **HELD,
        ),
    ),
    (
        # an arrival wish in a request narrows nothing picked: nothing held
        "filter",
        dialogue("NY to chicago dec 9, need to land before 11am", tools_exclude=["reserve"]),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p31lists(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


ALL_SET = dialogue("am I all set for London?", world="trips", reply_contains=["BA 19"], **NOTHING)


async def test_p31lists_all_set_once(worlds: dict[str, World], tmp_path: Path) -> None:
    """ "Am I all set for London?": answered once — the trip's reference (and each locator)
    shown no more than once."""
    outcome = await run_case(ALL_SET, worlds["trips"], tmp_path)
    assert not outcome.failures, "\n".join(outcome.failures)
    text = outcome.turns[-1].shown
    assert outcome.before is not None
    booking = outcome.before.bookings[outcome.labels["london"]]
    refs = [booking["booking_id"] if "booking_id" in booking else booking["id"]]
    refs += [s["locator"] for s in booking["segments"] if s.get("locator")]
    for ref in refs:
        assert text.count(ref) <= 1, f"{ref} shown {text.count(ref)} times: {text}"
