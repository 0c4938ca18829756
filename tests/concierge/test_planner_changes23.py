"""Life after booking: changing and cancelling what is already booked (issue 10; changes23).

Written from the user's side BEFORE reading the planner, for the kinds where the last
blind batch (30) failed most, in the `trips` world (ava's confirmed London trip: BA 19
JFK→LHR Mon 14 Dec 22:30, hotel 15–18 Dec, BA 18 LHR→JFK Fri 18 Dec 08:45; her DL 15
BOS→CDG Thu 3 Dec waiting for Mia's approval; Mia manages Ava). Every flight named was
checked against the real search at the harness clock (Tue 2026-12-01 09:00 UTC).

Kinds: rebook_phrase (a change of a booked flight said without asking for a search),
which_leg (out vs home, a manager changing her report's trip), by_number (rebook to a
named flight, shown or not), cancel_reason (the reason goes to cancel_booking, a manager
cancelling), seats_then_yes (a yes after a seat choice on a held booking confirms),
hotel_for_trip (a hotel for a booked trip's city, from the arrival night to a named day).

First try (main 80a567d, before any fix, 2026-12-05 21:25 UTC, 35 phrasings):
**8/35 = 23 %**. By kind: rebook_phrase 2/8, which_leg 3/7, by_number 0/4,
cancel_reason 1/8 (the one giving no reason), seats_then_yes 0/3, hotel_for_trip 2/5.
No failure was an invalid expectation.

Fix 1 (cancel_reason, nlu/reasons.py + data/reasons.yaml): the reason a cancellation
gives goes to cancel_booking; a reason told after the request names no trip by its words
("..., the project was put on hold" is no status). cancel_reason 8/8.

Fix 2 (rebook_phrase, which_leg, by_number; flows/changes.py + data/changes.yaml): a
message that sounds like moving a flight one has (a word of replacing or a day corrected,
something naming a flight one has, and when to fly instead), whatever intent it first
reads as (search, policy question, question about a trip, "rebook" without a disruption),
is a change of the booked trip it fits (places, traveller, a flight home when home is
meant, the weekday corrected away, else the trip nearest the new day), or a request of its
own when none fits. The leg: "fly out", "leave for", "departure" name the flight out;
"pushed back a day" names no flight home; the home leg takes the day said of a return. A
flight named by its number (also in a question, also after a list that lacks it) is
searched over the cities' airports ("UA 28" into Newark for a flight booked into JFK).
rebook_phrase 8/8, which_leg 7/7, by_number 4/4.

Fix 3 (seats_then_yes, flows/seats.py + dispatch): seats chosen on a hold waiting for its
yes ask the confirmation again, so the next yes books it. seats_then_yes 3/3.

Fix 4 (hotel_for_trip, intents.yaml for_booked_trip/hotel_request, flows/search.py): "add
a hotel to my paris trip", "a room for that trip" are for a booked trip even put as a
question; a weekday the stay runs until is the one after one lands; "to Ava's paris trip"
names a person, never a place. hotel_for_trip 5/5.

GUARDS (16, written after the fixes): first run 14/16; the two failures ("get back to NYC
... rather than the 18th": where the trip starts named as where one returns; "push my
departure to london back a day": "back" after a verb of delaying) were fixed in the
mechanism (change_of_booked's trip fit, changes.yaml not_home). All 51 pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    dialogue,
    flight_search,
    runs_as_expected,
    worlds_fixture,
)

HOME = ("london", "new york")
OUT = ("new york", "london")
PENDING_REBOOK = {"pending": "rebook", "pending_args": {"booking_id": "@london"}}
REBOOKED = {"tools_include": ["rebook"], "booking_status": {"london": "confirmed"}}


def _cancel(label: str, reason: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"pending": "cancel_booking", "pending_args": {"booking_id": f"@{label}"}}
    if reason:
        out["pending_args_contains"] = {"reason": reason}
    return out


T = "trips"

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ rebook_phrase
    (
        "rebook_phrase",
        dialogue(
            (
                "can i fly back on wed the 16th instead of friday?",
                {"calls": [flight_search(*HOME, "2026-12-16")]},
            ),
            ("option 1", PENDING_REBOOK),
            "yes",
            world=T,
            **REBOOKED,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "Could you switch my flight home to Sunday?",
            world=T,
            calls=[flight_search(*HOME, "2026-12-20")],
            nothing_changed=True,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "need to come back from london earlier, on the 16th",
            world=T,
            calls=[flight_search(*HOME, "2026-12-16")],
            nothing_changed=True,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            (
                "I'd like to head home on Dec 19 rather than the 18th pls",
                {"calls": [flight_search(*HOME, "2026-12-19")]},
            ),
            ("BA 20", PENDING_REBOOK),
            "yep do it",
            world=T,
            **REBOOKED,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "Hi there! Quick one. My client in London asked me to stay through the weekend for "
            "a follow-up session on Saturday morning, which is great news but means my current "
            "flight back won't work. Could we do Sunday the 20th instead? Evening is fine.",
            world=T,
            calls=[flight_search(*HOME, "2026-12-20")],
            nothing_changed=True,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            (
                "any chance of an earlier flight out to london on the 14th? afternoon would be good",
                {"calls": [flight_search(*OUT, "2026-12-14")]},
            ),
            ("option 2", PENDING_REBOOK),
            "ok",
            world=T,
            **REBOOKED,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "My flight to Paris — can it be Saturday the 5th instead?",
            world=T,
            calls=[flight_search("boston", "paris", "2026-12-05")],
            nothing_changed=True,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "can u chnage my flight home to the 17th",
            world=T,
            calls=[flight_search(*HOME, "2026-12-17")],
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ which_leg
    (
        "which_leg",
        dialogue(
            (
                "I want to fly out on Sunday 13th instead of Monday",
                {"calls": [flight_search(*OUT, "2026-12-13")]},
            ),
            ("the BA 13", PENDING_REBOOK),
            "yes",
            world=T,
            **REBOOKED,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "Please move my outbound London flight to 15/12",
            world=T,
            calls=[flight_search(*OUT, "2026-12-15")],
            nothing_changed=True,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "Can I leave for London a day later?",
            world=T,
            calls=[flight_search(*OUT, "2026-12-15")],
            nothing_changed=True,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "push my return back a day",
            world=T,
            calls=[flight_search(*HOME, "2026-12-19")],
            nothing_changed=True,
        ),
    ),
    (
        "which_leg",
        dialogue(
            (
                "Ava needs to fly out to London on Tuesday the 15th instead, can you change it?",
                {"calls": [flight_search(*OUT, "2026-12-15")]},
            ),
            ("BA 19", PENDING_REBOOK),
            "yes",
            world=T,
            user="mia",
            **REBOOKED,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "change Ava's return to Wed 16 Dec",
            world=T,
            user="mia",
            calls=[flight_search(*HOME, "2026-12-16")],
            nothing_changed=True,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "the departure to London should be on Sunday, not Monday",
            world=T,
            calls=[flight_search(*OUT, "2026-12-13")],
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ by_number
    (
        "by_number",
        dialogue(
            "can you move my flight home to BA 14 on the 16th?",
            world=T,
            calls=[flight_search(*HOME, "2026-12-16")],
            **PENDING_REBOOK,
        ),
    ),
    (
        "by_number",
        dialogue(
            ("move my return to the 19th", {"calls": [flight_search(*HOME, "2026-12-19")]}),
            "actually put me on UA 28 on the 17th instead",
            world=T,
            calls=[flight_search(*HOME, "2026-12-17")],
            **PENDING_REBOOK,
        ),
    ),
    (
        "by_number",
        dialogue(
            "switch my outbound to BA 17 on 15 Dec",
            world=T,
            calls=[flight_search(*OUT, "2026-12-15")],
            **PENDING_REBOOK,
        ),
    ),
    (
        "by_number",
        dialogue(
            ("rebook me on AA 22 home on saturday", PENDING_REBOOK),
            "confirm",
            world=T,
            **REBOOKED,
        ),
    ),
    # ------------------------------------------------------------ cancel_reason
    (
        "cancel_reason",
        dialogue(
            (
                "cancel my paris flight — the conference got cancelled",
                _cancel("paris", "conference"),
            ),
            "yes",
            world=T,
            tools_include=["cancel_booking"],
            booking_status={"paris": "cancelled", "london": "confirmed"},
        ),
    ),
    (
        "cancel_reason",
        dialogue(
            "Please cancel the London trip. My manager said the budget was cut this quarter.",
            world=T,
            **_cancel("london", "budget"),
        ),
    ),
    (
        "cancel_reason",
        dialogue("i need to cancel paris because i'm sick", world=T, **_cancel("paris", "sick")),
    ),
    (
        "cancel_reason",
        dialogue(
            "We no longer need the Paris booking as the customer postponed until February, "
            "please cancel it",
            world=T,
            **_cancel("paris", "february"),
        ),
    ),
    (
        "cancel_reason",
        dialogue(
            "cancel london trip due to family emergency",
            world=T,
            **_cancel("london", "family emergency"),
        ),
    ),
    (
        "cancel_reason",
        dialogue(
            (
                "cancel Ava's London trip please, the project was put on hold",
                _cancel("london", "on hold"),
            ),
            "yes go ahead",
            world=T,
            user="mia",
            tools_include=["cancel_booking"],
            booking_status={"london": "cancelled", "paris": "pending_approval"},
        ),
    ),
    (
        "cancel_reason",
        dialogue("cancel my flight to Paris", world=T, **_cancel("paris", None)),
    ),
    (
        "cancel_reason",
        dialogue("Cancel DL 15, my passport expired", world=T, **_cancel("paris", "passport")),
    ),
    # ------------------------------------------------------------ seats_then_yes
    (
        "seats_then_yes",
        dialogue(
            "flights from New York to Boston on 10 Dec",
            "option 1",
            ("window seat please", {"tools_include": ["choose_seats"]}),
            "ok book it",
            new_status="confirmed",
        ),
    ),
    (
        "seats_then_yes",
        dialogue(
            "I need a flight NYC to Chicago on Dec 15, morning",
            "the first one",
            ("can I get an aisle seat?", {"tools_include": ["choose_seats"]}),
            "great, confirm it",
            new_status="confirmed",
        ),
    ),
    (
        "seats_then_yes",
        dialogue(
            "flights for me and Ava Patel from New York to Miami on 16 Dec",
            "the cheapest one",
            ("could we sit next to each other?", {"tools_include": ["choose_seats"]}),
            "perfect, go ahead and book",
            user="mia",
            world=T,
            new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ hotel_for_trip
    (
        "hotel_for_trip",
        dialogue(
            "add a hotel to my Paris trip until Sunday",
            world=T,
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-06"},
                }
            ],
        ),
    ),
    (
        "hotel_for_trip",
        dialogue(
            "I need a place to stay in Paris for that trip, until Tuesday morning",
            world=T,
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-08"},
                }
            ],
        ),
    ),
    (
        "hotel_for_trip",
        dialogue(
            "book me a hotel for my paris trip till the 6th",
            world=T,
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-06"},
                }
            ],
        ),
    ),
    (
        "hotel_for_trip",
        dialogue(
            "Could you find me a hotel for my Paris trip, 2 nights?",
            world=T,
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-06"},
                }
            ],
        ),
    ),
    (
        "hotel_for_trip",
        dialogue(
            (
                "add a hotel to Ava's paris trip until monday",
                {
                    "calls": [
                        {
                            "tool": "search_hotels",
                            "args": {
                                "city": "paris",
                                "check_in": "2026-12-04",
                                "check_out": "2026-12-07",
                            },
                        }
                    ]
                },
            ),
            "the first one",
            "yes",
            world=T,
            user="mia",
            segments=[
                {
                    "kind": "hotel",
                    "city": "paris",
                    "check_in": "2026-12-04",
                    "check_out": "2026-12-07",
                }
            ],
        ),
    ),
]


# Guards written AFTER the fixes (other phrasings of each kind, run once the mechanisms
# were in): they keep the fixes general.
GUARDS: list[tuple[str, Case]] = [
    (
        "rebook_phrase",
        dialogue(
            "Need to get back to NYC on the 17th rather than the 18th",
            world=T,
            calls=[flight_search(*HOME, "2026-12-17")],
            nothing_changed=True,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "hey can my return be thursday instead",
            world=T,
            calls=[flight_search(*HOME, "2026-12-17")],
            nothing_changed=True,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "I'd prefer to travel out to London on Sunday instead",
            world=T,
            calls=[flight_search(*OUT, "2026-12-13")],
            nothing_changed=True,
        ),
    ),
    (
        "rebook_phrase",
        dialogue(
            "could I fly home one day earlier?",
            world=T,
            calls=[flight_search(*HOME, "2026-12-17")],
            nothing_changed=True,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "Please move Ava's outbound to 15 December",
            world=T,
            user="mia",
            calls=[flight_search(*OUT, "2026-12-15")],
            nothing_changed=True,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "push my departure to london back a day",
            world=T,
            calls=[flight_search(*OUT, "2026-12-15")],
            nothing_changed=True,
        ),
    ),
    (
        "which_leg",
        dialogue(
            "She has to come home on Saturday instead, can you sort out Ava's flight?",
            world=T,
            user="mia",
            calls=[flight_search(*HOME, "2026-12-19")],
            nothing_changed=True,
        ),
    ),
    (
        "by_number",
        dialogue(
            ("move my return to BA 20 on the 19th", PENDING_REBOOK),
            "yes",
            world=T,
            **REBOOKED,
        ),
    ),
    (
        "by_number",
        dialogue(
            "can I switch to AA 22 on Sat 19 Dec for my flight home?",
            world=T,
            calls=[flight_search(*HOME, "2026-12-19")],
            **PENDING_REBOOK,
        ),
    ),
    (
        "cancel_reason",
        dialogue(
            "please cancel the paris trip, the customer called off the meeting",
            world=T,
            **_cancel("paris", "customer"),
        ),
    ),
    (
        "cancel_reason",
        dialogue(
            "cancel my london booking as my wife is having a baby that week",
            world=T,
            **_cancel("london", "wife"),
        ),
    ),
    (
        "cancel_reason",
        dialogue(
            "Cancel London. Reason: project cancelled", world=T, **_cancel("london", "project")
        ),
    ),
    (
        "cancel_reason",
        dialogue("cancel my trip to paris pls", world=T, **_cancel("paris", None)),
    ),
    (
        "seats_then_yes",
        dialogue(
            "flights from New York to Boston on 10 Dec",
            "option 2",
            ("aisle please", {"tools_include": ["choose_seats"]}),
            "yes",
            new_status="confirmed",
        ),
    ),
    (
        "hotel_for_trip",
        dialogue(
            "add a room to my Paris trip for 2 nights",
            world=T,
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-06"},
                }
            ],
        ),
    ),
    (
        "hotel_for_trip",
        dialogue(
            "could you get me a hotel for my london trip? till wednesday",
            world=T,
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "london", "check_in": "2026-12-15", "check_out": "2026-12-16"},
                }
            ],
        ),
    ),
]


# Cases still failing (strict xfail: a fix that makes one pass must drop it from here).
GAPS: set[int] = set()


worlds = worlds_fixture("empty", "trips")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=f"{kind}-{i:02d}",
            marks=[pytest.mark.xfail(strict=True, reason="gap")] if i in GAPS else [],
        )
        for i, (kind, c) in enumerate(CASES)
    ]
    + [pytest.param(c, id=f"guard-{kind}-{i:02d}") for i, (kind, c) in enumerate(GUARDS)],
)
async def test_a_change_after_booking_runs_as_meant(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
