"""Guards for the held-out gaps of batch 65 closed by g31d (now = Tue 1 Dec 2026; world
``empty``).

Sibling phrasings, written before the planner code was read (the held-out cases themselves are
in tests/concierge/heldout/batch_65.yaml): a return date or a seat count corrected inside the
message (the last value said wins), travel days counted from an event ("the day before"), a
same-day there-and-back, a request with "does that need approval?" (search and answer), "the
cheapest one" after a time-window search, "the first flight and the <hotel>" then yes, and an
e-mail to the traveller with their own request under it.

First try (pytest -q -n 2 tests/concierge/test_planner_g31d.py, 01:57 UTC): 4/16 — passed: "the day before" an offsite on
one day, "first class … would that need approval?", "cheapest" after "land before noon" and
"must arrive by 3pm"; failed: the other twelve.
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

worlds = worlds_fixture("empty")


def _fl(origin: str, destination: str, date: str, **more: Any) -> dict[str, Any]:
    return {
        "tool": "search_flights",
        "args": {"origin": origin, "destination": destination, "date": date, **more},
    }


CASES: list[tuple[str, Case]] = [
    (
        "return_corrected",
        dialogue(
            "Boston to Chicago on 14 Dec, back the 18th -- no wait, back the 17th",
            calls=[_fl("boston", "chicago", "2026-12-14"), _fl("chicago", "boston", "2026-12-17")],
        ),
    ),
    (
        "return_corrected",
        dialogue(
            "new york to miami dec 9 return dec 12, sorry I mean return dec 11",
            calls=[_fl("new york", "miami", "2026-12-09"), _fl("miami", "new york", "2026-12-11")],
        ),
    ),
    (
        "count_corrected",
        dialogue(
            "2 seats NYC to Miami 9 Dec... no, make it 3",
            user="mia",
            calls=[_fl("new york", "miami", "2026-12-09", passengers=3)],
        ),
    ),
    (
        "count_corrected",
        dialogue(
            "4 tickets chicago to boston on the 14th, actually make that 3, Tom can't come",
            user="mia",
            calls=[_fl("chicago", "boston", "2026-12-14", passengers=3)],
        ),
    ),
    (
        "travel_day_from_event",
        dialogue(
            "Summit in Boston 14-16 Dec. I'd like to fly in from New York the evening before.",
            calls=[_fl("new york", "boston", "2026-12-13")],
        ),
    ),
    (
        "travel_day_from_event",
        dialogue(
            "offsite in Chicago on Friday 11 Dec, get me there from NYC the day before pls",
            calls=[_fl("new york", "chicago", "2026-12-10")],
        ),
    ),
    (
        # (added after the fix, with the first fix of this kind: a way home beside it)
        "travel_day_from_event",
        dialogue(
            "Training in Boston Thursday 10 Dec. I need a flight from New York the night before"
            " and home to New York on the Friday",
            calls=[
                _fl("new york", "boston", "2026-12-09"),
                _fl("boston", "new york", "2026-12-11"),
            ],
        ),
    ),
    (
        "same_day_return",
        dialogue(
            "Boston to New York and back on dec 9, early out and home late",
            calls=[
                _fl("boston", "new york", "2026-12-09"),
                _fl("new york", "boston", "2026-12-09"),
            ],
        ),
    ),
    (
        "same_day_return",
        dialogue(
            "NYC to Miami and back on the 14th, there in the morning and back in the evening",
            calls=[_fl("new york", "miami", "2026-12-14"), _fl("miami", "new york", "2026-12-14")],
        ),
    ),
    (
        "request_with_policy_question",
        dialogue(
            "business class NYC to London on the 14th - do I need approval for that?",
            calls=[_fl("new york", "london", "2026-12-14", cabin="business")],
            nothing_changed=True,
            reply_contains=["approval"],
        ),
    ),
    (
        "request_with_policy_question",
        dialogue(
            "first class to Miami from New York on dec 9, would that need approval?",
            calls=[_fl("new york", "miami", "2026-12-09", cabin="first")],
            nothing_changed=True,
            reply_contains=["approval"],
        ),
    ),
    (
        "pick_cheapest_filtered",
        dialogue(
            "Chicago to Boston Fri 11 Dec, I have to land before noon",
            "cheapest one please",
            new_status="held",
            pending="confirm_booking",
            segments=[{"kind": "flight", "date": "2026-12-11"}],
        ),
    ),
    (
        "pick_cheapest_filtered",
        dialogue(
            "New York to Miami on 9 Dec, must arrive by 3pm",
            "the cheapest",
            new_status="held",
            pending="confirm_booking",
            segments=[{"kind": "flight", "date": "2026-12-09"}],
        ),
    ),
    (
        "flight_and_hotel_pick",
        dialogue(
            "New York to Boston 12/15 and a Novotel for 2 nights",
            ("first flight and the Novotel", {"pending": "confirm_booking"}),
            "yes",
            new_status="confirmed",
            segments=[
                {"kind": "flight", "date": "2026-12-15"},
                {"kind": "hotel", "check_in": "2026-12-15", "check_out": "2026-12-17"},
            ],
        ),
    ),
    (
        "flight_and_hotel_pick",
        dialogue(
            "Miami from New York on 9 Dec plus a citizenM for the night",
            ("the first flight + the citizenM please", {"pending": "confirm_booking"}),
            "yep",
            new_status="confirmed",
            segments=[
                {"kind": "flight", "date": "2026-12-09"},
                {"kind": "hotel", "check_in": "2026-12-09", "check_out": "2026-12-10"},
            ],
        ),
    ),
    (
        "email_to_the_traveller",
        dialogue(
            "Hi Ava,\n\nGreat to have you at the Boston office on Tuesday 15 December, 9 to 5."
            "\n\nCheers,\nSam\n\n---\n^ get me there that morning and a hotel that night please",
            calls=[
                _fl("new york", "boston", "2026-12-15"),
                {
                    "tool": "search_hotels",
                    "args": {"city": "boston", "check_in": "2026-12-15", "check_out": "2026-12-16"},
                },
            ],
        ),
    ),
    (
        "email_to_the_traveller",
        dialogue(
            "Dear Ava,\n\nthe workshop in Miami is on Wednesday, December 9th, starting 11am.\n\n"
            "Kind regards,\nLee\n\n> can you fly me down that morning and book a hotel for the night?",
            calls=[
                _fl("new york", "miami", "2026-12-09"),
                {
                    "tool": "search_hotels",
                    "args": {"city": "miami", "check_in": "2026-12-09", "check_out": "2026-12-10"},
                },
            ],
        ),
    ),
]


# Left open: the "> can you fly me down that morning" e-mail (Miami). Closed by g32b: "<trip>
# - do I need approval for that?" (the search says none of the options needs approval), the
# way home "home to <place> on the <weekday>" beside "the night before", the Boston e-mail.
GAPS: set[int] = {
    i
    for i, (kind, case) in enumerate(CASES)
    if kind == "email_to_the_traveller" and case.turns[0].say.startswith("Dear Ava")
}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g31d_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
