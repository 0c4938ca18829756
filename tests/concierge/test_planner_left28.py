"""Guards for the gaps left open this morning and closed by left28 (now = Tue 1 Dec 2026):

- day_before: a flight asked to land by a time ("there by 10am", a pasted invite's "in
  time") when no flight of that day lands by then (San Francisco or London to a 10am Boston
  start): the day before is searched and shown, and the reply says why
  (flows/search._day_before_in_time, state.lands_in_time / Draft.arrive_day);
- paste_month: a bare day of the month in the user's own words beside a paste whose event
  is in another month reads against the paste's month when that is nearer the event
  (nlu/pasted._days_of_its_month);
- quoted_option: a ">"-quoted line of the concierge's own options quoted back with the pick
  under it ("> 2. DL 1171 …\\nthat one") is no pasted text: the pick keeps its number
  (nlu/pasted.unquote_options, data/pasted.yaml own_options);
- pronoun_trip: "where's she staying in paris?" asks about the trip of whom the
  conversation last named, or of the caller's one report, not of someone called "Staying"
  (nlu/asks someone_pronouns, state._trip_person_meant);
- held_extend: "add another night" at a held stay's confirmation re-holds the same hotel
  for the longer stay (flows/search._held_stay_extended, flows/booking._stay_moved);
- approver: a search's "need approval from …" names the approver of the traveller's trip
  as the approval will resolve it (tools search_* traveler_id → approvers,
  core.approval.service.approvers_for), not the caller's own manager.

Every phrasing here is a guard, written after the fixes and before running them (the
gaps themselves were reproduced first with a probe of the brief's own sentences). First
try, run once (pytest -n 2 tests/concierge/test_planner_left28.py, 15:15 UTC): 13/15 —
day_before 3/3, paste_month 3/3, quoted_option 2/2, pronoun_trip 2/3, held_extend 1/2,
approver 2/2. Failed: "is she staying anywhere in paris?" (a hotel search: "staying
anywhere" was no hotel facet of a trip question — asks.yaml trip_facets hotel now takes
"is <someone> staying anywhere/somewhere"; the name form "is ava staying anywhere …" failed
the same way) and "actually make it two extra nights" at a held stay (no nights added were
read without a word naming the stay talked of: "make it" now is one, intents.yaml
extend_stay booked). Both fixed, 15/15. Second round (15:43 UTC): a question about an
option of a search for someone else ("does the sofitel need approval?" from an admin
searching for Ava) named the caller's manager; flows/option_questions now takes the
searches' approvers. One guard, written before running it: first try 1/1 (16/16 in all).
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"pending": "confirm_booking"}

CHICAGO_INVITE = (
    "Invitation: Chicago planning @ Wed Dec 16, 2026 9am - 11am (CST)\n"
    "When: Wednesday 16 December 2026 09:00 – 11:00 Central Time\n"
    "Where: 233 S Wacker Dr, Chicago\n"
    "Organizer: erin@acme.example\n"
    "\n"
)

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------ day_before
    (
        "day_before",
        dialogue(
            "London to Boston wed 16 dec please, I have to be there by 10am",
            calls=[flight_search("London", "boston", "2026-12-15")],
            reply_contains=["day before"],
        ),
    ),
    (
        "day_before",
        dialogue(
            CHICAGO_INVITE + "find me a flight from SFO that gets me there in time",
            calls=[flight_search("SFO", "chicago", "2026-12-15")],
            reply_contains=["day before"],
            nothing_changed=True,
        ),
    ),
    (
        "day_before",
        dialogue(
            "JFK to Boston on the 16th, I need to land by 10am",
            calls=[flight_search("JFK", "boston", "2026-12-16")],
            reply_not_contains=["day before"],
        ),
    ),
    # ------------------------------------------------ paste_month
    (
        "paste_month",
        dialogue(
            "From: Tom Reed <tom@acme.example>\n"
            "Sent: Monday, November 30, 2026 10:02 AM\n"
            "To: Ava Patel\n"
            "Subject: Madrid partner review\n"
            "\n"
            "The Madrid partner review is Tuesday 12 January to Thursday 14 January 2027.\n"
            "\n"
            "Tom\n"
            "\n"
            "hotel from the 11th to the 14th please",
            calls=[hotel_search("madrid", "2027-01-11", "2027-01-14")],
        ),
    ),
    (
        "paste_month",
        dialogue(
            "Tom Reed  10:42 AM\n"
            "Dublin workshop is Thursday 7 January, 9am start\n"
            "\n"
            "can you get me a flight there from London on the 6th?",
            calls=[flight_search("London", "dublin", "2027-01-06")],
        ),
    ),
    (
        "paste_month",
        dialogue(
            CHICAGO_INVITE + "flight from Boston on the 15th pls",
            calls=[flight_search("BOS", "chicago", "2026-12-15")],
        ),
    ),
    # ------------------------------------------------ quoted_option
    (
        "quoted_option",
        dialogue(
            "flights JFK to Atlanta on 17 Dec",
            "> 1. B6 1006 (JetBlue) · JFK 14:00 → ATL 16:00 · direct\n\nthis one please",
            segments=[flight_segment("B6 1006", "JFK", "ATL", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "quoted_option",
        dialogue(
            "hotel in Paris 15 to 17 Dec",
            "> 4. Hilton Paris Montparnasse · 4★ · 283.00 USD/night\nbook that",
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "Hilton Paris Montparnasse",
                    "check_in": "2026-12-15",
                    "check_out": "2026-12-17",
                }
            ],
            **HELD,
        ),
    ),
    # ------------------------------------------------ pronoun_trip
    (
        "pronoun_trip",
        dialogue(
            "what's ava got coming up?",
            "which hotel is she at in london?",
            world="trips",
            user="mia",
            reply_contains=["Holiday Inn Express London Tower Bridge"],
            nothing_changed=True,
        ),
    ),
    (
        "pronoun_trip",
        dialogue(
            "when does she fly back from london?",
            world="trips",
            user="mia",
            reply_contains=["18 Dec"],
            reply_not_contains=["She "],
            nothing_changed=True,
        ),
    ),
    (
        "pronoun_trip",
        dialogue(
            "is she staying anywhere in paris?",
            world="trips",
            user="mia",
            reply_contains=["no hotel"],
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------ held_extend
    (
        "held_extend",
        dialogue(
            "hotel in Dublin 9th to 11th December",
            "the first one",
            "can you add one more night",
            segments=[{"kind": "hotel", "check_in": "2026-12-09", "check_out": "2026-12-12"}],
            **HELD,
        ),
    ),
    (
        "held_extend",
        dialogue(
            "London hotel 14-16 Dec",
            "2",
            "actually make it two extra nights",
            segments=[{"kind": "hotel", "check_in": "2026-12-14", "check_out": "2026-12-18"}],
            **HELD,
        ),
    ),
    # ------------------------------------------------ approver
    (
        "approver",
        dialogue(
            "find Ava Patel a hotel in Paris 15-17 Dec",
            user="admin",
            reply_contains=["approval from Mia Chen"],
            nothing_changed=True,
        ),
    ),
    (
        "approver",
        dialogue(
            "hotel in Paris 15-17 Dec",
            user="mia",
            reply_contains=["approval from Victor Alvarez"],
            nothing_changed=True,
        ),
    ),
    # (second round, after the option answers took the searches' approvers too)
    (
        "approver",
        dialogue(
            "find Ava Patel a hotel in Paris 15-17 Dec",
            "does the sofitel need approval?",
            user="admin",
            reply_contains=["Mia Chen"],
            reply_not_contains=["your manager"],
            nothing_changed=True,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_left28(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
