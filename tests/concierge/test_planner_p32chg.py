"""Blind probe p32chg: changes to trips already booked.

Written from the user's side before reading the planner or its tests: moving a booked
flight to another day or time, hotel nights changed, cancelling one part or the whole
trip, adding a return or a hotel to a booked trip, the airline cancelling, refund and
fee questions, a manager (mia; victor two levels up) cancelling or changing a report's
trip, and refusals that must change nothing. World ``trips`` (ava's confirmed London
trip: BA 19 JFK→LHR Mon 14 Dec 22:30, Holiday Inn Express 15–18 Dec, BA 18 LHR→JFK Fri
18 Dec 08:45; her Boston→Paris DL 15 of Thu 3 Dec waiting for Mia) and bookings made in
earlier turns of world ``empty``.

Expectations checked against the real tools (not the planner): LHR→JFK Sat 19 Dec has
BA 20 17:20 (rebook: -285.30 USD fare, 200.00 USD change fee), Thu 17 Dec B6 20 13:00,
Fri 18 Dec DL 40 10:55, Sun 20 Dec BA 20 17:20; JFK→LHR Mon 14 Dec BA 17 16:45, Tue 15
Dec BA 19 22:30; cancelling London now is a full refund of 1,944.90 USD (booked within
24 hours); JFK→MIA Thu 10 Dec cheapest B6 1055, MIA→JFK Sun 13 Dec AA 1170 16:10;
JFK→ATL Tue 8 Dec DL 1020 05:50 and AA 1010 21:35; ORD→SFO Tue 15 Dec UA 1187 06:05,
SFO→ORD Fri 18 Dec UA 1190 21:45. Mia (ava's manager) and Victor (Mia's) may act on
ava's bookings; Gus is in another organization and may not see them.

First try 24/34 at 03:34 UTC (main 7473ffc), run once on the unfixed code; the ten
failures were all judged real gaps (none an invalid expectation).
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

UNCHANGED: dict[str, Any] = {
    "nothing_changed": True,
    "tools_exclude": ["cancel_booking", "rebook", "reserve", "confirm_booking"],
    "pending": None,
}

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------- move a booked flight
    (
        "date",
        dialogue(
            (
                "hey, my London meetings got extended - can you push my flight home back to "
                "Saturday the 19th?",
                {"calls": [flight_search("London", "New York", "2026-12-19")]},
            ),
            ("the 5:20pm BA", {"pending": "rebook", "pending_args": {"booking_id": "@london"}}),
            "yes",
            world="trips",
            tools_include=["rebook"],
            new_bookings=0,
            reply_contains="BA 20",
        ),
    ),
    (
        "date",
        dialogue(
            (
                "Could I come back from London a day early, on Thursday 17/12?",
                {"calls": [flight_search("London", "New York", "2026-12-17")]},
            ),
            (
                "The JetBlue one at 1pm, please.",
                {"pending": "rebook", "pending_args": {"booking_id": "@london"}},
            ),
            "Yes please.",
            world="trips",
            tools_include=["rebook"],
            new_bookings=0,
            reply_contains="B6 20",
        ),
    ),
    (
        "time",
        dialogue(
            (
                "8:45 on the 18th is way too early for my flight back, anything a bit later "
                "that morning?",
                {"calls": [flight_search("London", "New York", "2026-12-18")]},
            ),
            "DL 40 at 10:55",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            nothing_changed=True,
        ),
    ),
    (
        "date",
        dialogue(
            "i need to fly out to london a day later, tuesday the 15th instead of monday. "
            "same BA flight if possible",
            world="trips",
            calls=[flight_search("New York", "London", "2026-12-15")],
            tools_exclude=["cancel_booking", "reserve"],
            nothing_changed=True,
        ),
    ),
    (
        "time",
        dialogue(
            "can u move my flite to london to the afternoon, the 4:45 one same day",
            world="trips",
            calls=[flight_search("New York", "London", "2026-12-14")],
            pending="rebook",
            pending_args={"booking_id": "@london"},
            nothing_changed=True,
        ),
    ),
    (
        "decline",
        dialogue(
            (
                "move my flight home to the 20th pls",
                {"calls": [flight_search("London", "New York", "2026-12-20")]},
            ),
            ("BA 20", {"pending": "rebook"}),
            "hmm a $200 fee? nah forget it then",
            world="trips",
            **UNCHANGED,
        ),
    ),
    (
        "fee",
        dialogue(
            "How much would it cost me to change my flight home to Saturday the 19th? Just "
            "asking for now.",
            world="trips",
            calls=[flight_search("London", "New York", "2026-12-19")],
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------- cancel the whole trip
    (
        "cancel",
        dialogue(
            (
                "Trip's off. Please cancel everything for London - flights and hotel.",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@london"}},
            ),
            "confirm",
            world="trips",
            tools_include=["cancel_booking"],
            booking_status={"london": "cancelled", "paris": "pending_approval"},
        ),
    ),
    (
        "refund",
        dialogue(
            "if I cancel the london trip now do I get my money back?",
            world="trips",
            reply_contains_any=[["1,944.90", "1944.90", "full refund"]],
            **UNCHANGED,
        ),
    ),
    (
        "cancel",
        dialogue(
            (
                "pls cancle the paris one, not going anymore",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@paris"}},
            ),
            "yes",
            world="trips",
            booking_status={"paris": "cancelled", "london": "confirmed"},
        ),
    ),
    (
        "cancel",
        dialogue(
            ("Please cancel all my upcoming trips.", {"pending": "cancel_booking"}),
            "yes",
            "yes, that one too",
            world="trips",
            booking_status={"paris": "cancelled", "london": "cancelled"},
        ),
    ),
    (
        "decline",
        dialogue(
            ("cancel my london booking", {"pending": "cancel_booking"}),
            "wait, no. I still need it",
            world="trips",
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------- one part / hotel nights
    (
        "part",
        dialogue(
            "Don't cancel anything yet - what would I lose if I cancelled the London hotel?",
            world="trips",
            **UNCHANGED,
        ),
    ),
    (
        "part",
        dialogue(
            "cancel my flight out to london but keep the hotel and the flight back, I'm "
            "travelling over with a colleague on points",
            world="trips",
            **UNCHANGED,
        ),
    ),
    (
        "nights",
        dialogue(
            "I only need the London hotel until the 17th now, can you drop the last night?",
            world="trips",
            **UNCHANGED,
        ),
    ),
    (
        "nights",
        dialogue(
            "I'm staying on in London - add one more night at my hotel, the night of the "
            "18th. I'll sort the flight later.",
            world="trips",
            calls=[hotel_search("London", "2026-12-18", "2026-12-19")],
            tools_exclude=["cancel_booking", "rebook"],
            nothing_changed=True,
        ),
    ),
    (
        "hotel_swap",
        dialogue(
            "can you switch my london hotel to the hilton instead?",
            world="trips",
            tools_exclude=["cancel_booking", "rebook"],
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------- add to a booked trip
    (
        "add",
        dialogue(
            "I'll need a way back from Paris too - Tuesday 8th December to Boston please",
            world="trips",
            calls=[flight_search("Paris", "Boston", "2026-12-08")],
            tools_exclude=["cancel_booking", "rebook"],
            nothing_changed=True,
        ),
    ),
    (
        "add",
        dialogue(
            "and for the Paris trip I need a hotel from the 4th to the 7th",
            world="trips",
            calls=[hotel_search("Paris", "2026-12-04", "2026-12-07")],
            tools_exclude=["search_flights", "cancel_booking"],
            nothing_changed=True,
        ),
    ),
    (
        "add",
        dialogue(
            "jfk to miami thursday 10 dec",
            "the cheapest",
            ("yes", {"new_status": "confirmed"}),
            (
                "oh and I need to get back - sunday 13th in the afternoon please",
                {"calls": [flight_search("Miami", "New York", "2026-12-13")]},
            ),
            ("the 4:10 American", {"pending": "confirm_booking"}),
            "yes",
            segments=[
                {"flight": "B6 1055", "origin": "JFK", "destination": "MIA", "date": "2026-12-10"},
                {"flight": "AA 1170", "origin": "MIA", "destination": "JFK", "date": "2026-12-13"},
            ],
        ),
    ),
    (
        "add",
        dialogue(
            "ord to sfo tue 15th",
            "the united at 6:05",
            ("yep", {"new_status": "confirmed"}),
            (
                "can you add a return on friday the 18th, evening",
                {"calls": [flight_search("San Francisco", "Chicago", "2026-12-18")]},
            ),
            ("UA 1190", {"pending": "confirm_booking"}),
            "yes",
            user="gus",
            segments=[
                {"flight": "UA 1187", "origin": "ORD", "destination": "SFO", "date": "2026-12-15"},
                {"flight": "UA 1190", "origin": "SFO", "destination": "ORD", "date": "2026-12-18"},
            ],
        ),
    ),
    # ------------------------------------------------------------- same-thread changes
    (
        "time",
        dialogue(
            "JFK to Atlanta Tuesday 8th December",
            "the 5:50am delta",
            ("yes", {"new_status": "confirmed"}),
            (
                "ugh 5:50 is brutal, can you switch me to the evening flight that day?",
                {"tools_exclude": ["reserve", "cancel_booking"]},
            ),
            ("AA 1010", {"pending": "rebook"}),
            "ok",
            tools_include=["rebook"],
            reply_contains="AA 1010",
        ),
    ),
    (
        "date",
        dialogue(
            "ord to sfo tue 15th",
            "option 1",
            ("yes", {"new_status": "confirmed"}),
            "move it to wednesday",
            user="gus",
            calls=[flight_search("Chicago", "San Francisco", "2026-12-16")],
            tools_exclude=["reserve", "cancel_booking"],
        ),
    ),
    (
        "cancel",
        dialogue(
            "JFK to Boston Wed 16th",
            "option 1",
            ("yes", {"new_status": "confirmed"}),
            (
                "scrap that booking, the client is coming to us instead",
                {"pending": "cancel_booking"},
            ),
            "yes",
            new_status="cancelled",
        ),
    ),
    # ------------------------------------------------------------- a manager acting for a report
    (
        "manager",
        dialogue(
            (
                "Ava's London trip is off - please cancel her booking",
                {"pending": "cancel_booking", "pending_args": {"booking_id": "@london"}},
            ),
            "yes",
            user="mia",
            world="trips",
            booking_status={"london": "cancelled", "paris": "pending_approval"},
        ),
    ),
    (
        "manager",
        dialogue(
            (
                "can you move ava's flight home from london to the 19th? she's staying for an "
                "extra workshop",
                {"calls": [flight_search("London", "New York", "2026-12-19")]},
            ),
            "BA 20",
            user="mia",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            nothing_changed=True,
        ),
    ),
    (
        "manager",
        dialogue(
            "Ava asked what refund she'd get if she cancelled London. Don't cancel it, just "
            "tell me.",
            user="mia",
            world="trips",
            reply_contains_any=[["1,944.90", "1944.90", "full refund"]],
            **UNCHANGED,
        ),
    ),
    (
        "manager",
        dialogue(
            ("cancel Ava Patel's trip to London please", {"pending": "cancel_booking"}),
            "Yes.",
            user="victor",
            world="trips",
            booking_status={"london": "cancelled"},
        ),
    ),
    (
        "refuse",
        dialogue(
            "cancel ava patel's london trip",
            user="gus",
            world="trips",
            **UNCHANGED,
        ),
    ),
    (
        "refuse",
        dialogue(
            "cancel my trip to London",
            user="mia",
            world="trips",
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------- airline disruption
    (
        "disruption",
        dialogue(
            "BA just emailed that my flight home on the 18th is cancelled?? what are my options",
            world="trips",
            tools_exclude=["cancel_booking", "reserve", "rebook"],
            nothing_changed=True,
            reply_contains="BA 18",
        ),
    ),
    (
        "disruption",
        dialogue(
            "If the airline cancels my London flight, do I pay a change fee to get moved?",
            world="trips",
            reply_contains_any=[["fee", "waive"]],
            **UNCHANGED,
        ),
    ),
    # ------------------------------------------------------------- refusals
    (
        "refuse",
        dialogue("cancel my trip to Madrid", world="trips", **UNCHANGED),
    ),
    (
        "refuse",
        dialogue(
            "Can you move my Paris flight to Friday the 4th?",
            world="trips",
            tools_exclude=["cancel_booking", "rebook"],
            nothing_changed=True,
            reply_not_contains="didn't quite get",
        ),
    ),
]

# 18 ('for the Paris trip I need a hotel') passes since g34d: 'for the <place> trip' names a
# booked trip (intents.yaml for_booked_trip), and a reference only a booking has ('the hotel
# confirmation number for the London trip', b64_td_hotel_confirmation) stays a question.
GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p32chg(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
