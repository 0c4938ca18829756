"""Blind probe p30fu (issue 10): follow-ups after the first answer, 2–5 turns.

Refining the list just shown (time of day, day, airport, airline, cabin, stops, price),
asking about the options shown, picking by number, time, airline, price or description,
changing one's mind before and after a hold, adding things (another night, a room, a
traveller, the hotel, the flight home), asking what one holds, cancelling a hold, and the
everyday yes / no / not-yet at the confirmation. Users ava, mia, victor, fin, gus; worlds
``empty`` and ``trips`` (now = Tue 1 Dec 2026 09:00 UTC).

Written blind (before reading concierge/planner/ or any planner test); every flight, time,
price and option order named below was checked against the real search tools on a copy of
the empty world (/tmp/p30fu/probe.py): JFK→BOS 9 Dec: 1 B6 1022 09:15 $59.90, 2 AA 1040
15:05, 3 AA 1038 05:40, 4 B6 1024 18:20, 5 DL 1058 12:05; after 12:00: AA 1040, B6 1024,
DL 1058, DL 1060 21:50, …; NYC→BOS 9 Dec: 1 B6 1016 EWR 05:50 $56.80, 2 B6 1022 $59.90, …;
NYC→ORD 10 Dec: 3 UA 1171 LGA 21:30; NYC→MIA 14 Dec: 3 UA 1105 EWR 06:05; ORD→ATL 16 Dec:
1 DL 1034, 2 AA 1026, 4 UA 1016 (United only: UA 1016 and two United connections); ORD→BOS
17 Dec: 1 UA 1028, 5 AA 1050 $247.10; JFK→LHR 15 Dec: 1 BA 17 16:45 landing 16 Dec 05:10,
connections among the five, nonstops BA 17, BA 19, DL 39, AA 21, B6 19; JFK→LHR 8 Jan
business: 1 DL 39, 2 BA 17 (7h25 of flying: business within Acme policy); Boston hotels
9–11 Dec: Novotel 164/night, Hilton 242, Radisson 286, Sofitel 394.

First try (``pytest -q -n 2 tests/concierge/test_planner_p30fu.py``, 20:55 UTC, main at
53dfafe): 27/30. One failure was an invalid expectation (a changed pick replaces the first
hold with a second booking and cancels the first; the case expected a single new booking)
and was corrected: 28 pass, 2 known gaps — a pick by time from a list refined to the
afternoon held nothing ("the 6:20 one then"); dropping a hold after a "not yet" ("actually
just drop it, I'll drive instead" → "yes") left it held.

After the fixes (p30fu): 30/30, and nine guards for the same mechanisms in other words,
written with the fixes (a yes or no with why the trip is not needed; a pick of a flight of
the same trip shown before a narrowing search, also over one shown now only near the time
said; "ok go ahead and book it now" at the offer to release a hold; "can you add my return
on the 18th?"; "can I get 2 seats on that instead"; "keep it on hold and I'll confirm
later"; "how long is the flight on option 1?").
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

LOOKED: dict[str, Any] = {"tools_exclude": ["reserve", "confirm_booking"], "nothing_changed": True}
ANSWERED: dict[str, Any] = {
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "confirm_booking"],
    "nothing_changed": True,
}


def held(*segments: dict[str, Any]) -> dict[str, Any]:
    return {
        "new_bookings": 1,
        "new_status": "held",
        "segments": list(segments),
    }


def picked(*segments: dict[str, Any]) -> dict[str, Any]:
    """Held, and the yes/no asked."""
    return {**held(*segments), "pending": "confirm_booking"}


def booked(*segments: dict[str, Any]) -> dict[str, Any]:
    return {"new_bookings": 1, "new_status": "confirmed", "segments": list(segments)}


AA1040 = flight_segment("AA 1040", "JFK", "BOS", "2026-12-09")
B61022 = flight_segment("B6 1022", "JFK", "BOS", "2026-12-09")

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ refining the list shown
    (
        "refine_time",
        dialogue(
            "JFK to Boston on the 9th",
            (
                "anything in the afternoon?",
                {
                    "calls": [flight_search("JFK", "boston", "2026-12-09")],
                    "options": {"depart_after": "12:00"},
                    **LOOKED,
                },
            ),
            "the 6:20 one then",
            **picked(flight_segment("B6 1024", "JFK", "BOS", "2026-12-09")),
        ),
    ),
    (
        "refine_day",
        dialogue(
            "Flights New York to Miami on Monday 14 December please",
            "hmm, what about the day after?",
            user="mia",
            calls=[flight_search("new york", "miami", "2026-12-15")],
            **LOOKED,
        ),
    ),
    (
        "refine_airport",
        dialogue(
            "NYC to Chicago, 10 Dec",
            "can you just show the ones out of LaGuardia",
            user="fin",
            calls=[flight_search("LGA", "chicago", "2026-12-10")],
            **LOOKED,
        ),
    ),
    (
        "refine_airline",
        dialogue(
            "Chicago to Atlanta on the 16th",
            "only United please, I've got status with them",
            user="gus",
            calls=[flight_search("chicago", "atlanta", "2026-12-16")],
            reply_contains=["UA 1016"],
            reply_not_contains=["DL 1034", "AA 1026"],
            **LOOKED,
        ),
    ),
    (
        "refine_cabin",
        dialogue(
            "JFK to London on 8 January please",
            "can you show me business class instead?",
            user="victor",
            calls=[flight_search("JFK", "london", "2027-01-08", cabin="business")],
            reply_contains=["DL 39"],
            **LOOKED,
        ),
    ),
    (
        "refine_stops",
        dialogue(
            "jfk to london 15/12",
            "nonstop only please, I hate connections",
            calls=[flight_search("JFK", "london", "2026-12-15", max_stops=0)],
            **LOOKED,
        ),
    ),
    (
        "refine_price",
        dialogue(
            "I need a hotel in Boston from the 9th to the 11th of December",
            "anything under $200 a night?",
            user="mia",
            calls=[hotel_search("boston", "2026-12-09", "2026-12-11")],
            reply_contains=["Novotel"],
            reply_not_contains=["Sofitel", "Radisson"],
            **LOOKED,
        ),
    ),
    # ------------------------------------------------------------ asking about the options
    (
        "ask_option",
        dialogue(
            "JFK to Boston dec 9",
            "is the 2nd one a direct flight?",
            reply_contains_any=[["direct", "nonstop", "non-stop"]],
            **ANSWERED,
        ),
    ),
    (
        "ask_option",
        dialogue(
            "Can you find me flights from JFK to London on the 15th of December?",
            "what time does the first one get in?",
            user="fin",
            world="trips",
            reply_contains_any=[["05:10", "5:10"]],
            **ANSWERED,
        ),
    ),
    (
        "ask_option",
        dialogue(
            "Chicago to Boston Dec 17",
            "how much is the last option?",
            user="gus",
            reply_contains=["247.10"],
            **ANSWERED,
        ),
    ),
    # ------------------------------------------------------------ picking
    (
        "pick_time",
        dialogue("JFK to Boston on Dec 9", "I'll take the 3:05", **picked(AA1040)),
    ),
    (
        "pick_airline_airport",
        dialogue(
            "New York to Chicago on the 10th",
            "the United one from LaGuardia in the evening",
            user="mia",
            **picked(flight_segment("UA 1171", "LGA", "ORD", "2026-12-10")),
        ),
    ),
    (
        "pick_airline",
        dialogue(
            "JFK to London on 8 January, business class",
            "the BA nonstop please",
            user="victor",
            **picked(flight_segment("BA 17", "JFK", "LHR", "2027-01-08", cabin="business")),
        ),
    ),
    (
        "pick_description",
        dialogue(
            "NYC to Miami 14 Dec",
            "the early morning United flight",
            user="fin",
            **picked(flight_segment("UA 1105", "EWR", "MIA", "2026-12-14")),
        ),
    ),
    (
        "pick_number_yes",
        dialogue(
            "Chicago to Atlanta on the 16th",
            "number 2",
            "yep",
            user="gus",
            **booked(flight_segment("AA 1026", "ORD", "ATL", "2026-12-16")),
        ),
    ),
    (
        "pick_price",
        dialogue("New York to Boston 9 Dec", "the $59.90 one", **picked(B61022)),
    ),
    # ------------------------------------------------------------ changing one's mind
    (
        "change_pick",
        dialogue(
            "JFK to Boston dec 9",
            "option 1",
            "actually, make that the 3pm American one instead",
            # Corrected after the first try: a changed pick replaces the first hold (a
            # second booking, the first one cancelled), so "one new booking" was wrong.
            segments=[AA1040],
            pending="confirm_booking",
            not_new_status="confirmed",
        ),
    ),
    (
        "change_to_search",
        dialogue(
            "JFK to Boston Dec 9",
            "the 9:15 please",
            "no wait, show me the afternoon flights instead",
            user="mia",
            calls=[flight_search("JFK", "boston", "2026-12-09")],
            options={"depart_after": "12:00"},
            tools_exclude=["confirm_booking"],
            not_new_status="confirmed",
        ),
    ),
    (
        "change_date_after_hold",
        dialogue(
            "JFK to Boston on 9 December",
            "first one",
            "sorry, my mistake, I need the 10th not the 9th",
            user="fin",
            calls=[flight_search("JFK", "boston", "2026-12-10")],
            tools_exclude=["confirm_booking"],
            not_new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ adding things
    (
        "add_hotel",
        dialogue(
            "JFK to London Tuesday 15 December",
            "the first one",
            "and can you find me a hotel there for 3 nights from when I land?",
            calls=[hotel_search("london", "2026-12-16", "2026-12-19")],
            tools_exclude=["confirm_booking"],
            new_status="held",
        ),
    ),
    (
        "add_night",
        dialogue(
            "Hotel in London from the 15th to the 18th of December please",
            "first one",
            "oh actually I'll need one more night, checking out on the 19th",
            user="mia",
            world="trips",
            calls=[hotel_search("london", "2026-12-15", "2026-12-19")],
            tools_exclude=["confirm_booking"],
            not_new_status="confirmed",
        ),
    ),
    (
        "add_room",
        dialogue(
            "hotel in Boston 9-11 Dec",
            "make it 2 rooms, my colleague is coming",
            user="fin",
            calls=[hotel_search("boston", "2026-12-09", "2026-12-11", rooms=2)],
            **LOOKED,
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "JFK to Boston Dec 9",
            "my colleague is coming too, so I need 2 seats",
            any_call=[
                flight_search("JFK", "boston", "2026-12-09", passengers=2),
                {"tool": "reserve", "args": {"items": [{"quantity": 2}]}},
            ],
            tools_exclude=["confirm_booking"],
        ),
    ),
    (
        "add_flight_home",
        dialogue(
            "Chicago to Boston on the 17th",
            "1",
            "and the flight home on Saturday the 19th please",
            user="gus",
            calls=[flight_search("boston", "chicago", "2026-12-19")],
            tools_exclude=["confirm_booking"],
            new_status="held",
        ),
    ),
    # ------------------------------------------------------------ what one holds
    (
        "what_held",
        dialogue(
            "JFK to London on 8 January, business class",
            "option 2",
            "just to double check, which flight am I holding?",
            user="victor",
            world="trips",
            reply_contains=["BA 17"],
            tools_exclude=["search_flights", "reserve", "confirm_booking"],
            new_bookings=1,
            new_status="held",
        ),
    ),
    # ------------------------------------------------------------ cancelling
    (
        "cancel_hold",
        dialogue(
            "JFK to Boston dec 9",
            "2",
            ("not yet", {"pending": "none", "new_status": "held"}),
            "actually just drop it, I'll drive instead",
            "yes",
            segments=[],
            not_new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ yes / no / not yet
    (
        "confirm_yes",
        dialogue(
            "New York to Boston on the 9th",
            "option 2",
            "yeah go on then",
            user="mia",
            **booked(B61022),
        ),
    ),
    (
        "confirm_not_yet",
        dialogue(
            "JFK to Boston 9 Dec",
            "the AA one at 3pm",
            "hold off for now, I need to check with Victor first",
            user="fin",
            pending="none",
            **held(AA1040),
        ),
    ),
    (
        "confirm_no",
        dialogue(
            "JFK to Boston dec 9",
            "the 9:15",
            "nah, leave it for now thanks",
            world="trips",
            pending="none",
            booking_status={"london": "confirmed"},
            **held(B61022),
        ),
    ),
    (
        "confirm_yes",
        dialogue(
            "I need a flight JFK to Boston on 9 Dec",
            "the 9:15",
            "Yes please, lovely",
            world="trips",
            booking_status={"london": "confirmed", "paris": "pending_approval"},
            **booked(B61022),
        ),
    ),
]

# Guards written with the fix (not part of the first try): the same mechanisms in other words.
CASES += [
    (
        "reason_with_answer",
        dialogue(
            "cancel my london trip",
            "yes cancel it, the meeting moved",
            world="trips",
            tools_include=["cancel_booking"],
            booking_status={"london": "cancelled", "paris": "pending_approval"},
        ),
    ),
    (
        "reason_with_answer",
        dialogue(
            "JFK to Boston dec 9",
            "2",
            "no, I'll drive instead",
            pending="none",
            reply_contains_any=[["haven't booked", "not booked", "on hold"]],
            **held(AA1040),
        ),
    ),
    (
        "reason_with_answer",
        dialogue(
            "JFK to Boston dec 9",
            "the 9:15",
            ("drop it, plans changed", {"pending": "cancel_booking"}),
            "yes",
            user="fin",
            segments=[],
            not_new_status="confirmed",
        ),
    ),
    (
        "pick_from_earlier_list",
        dialogue(
            "JFK to Boston Dec 9",
            "what's there in the evening?",
            "hmm, actually the 9:15 JetBlue after all",
            user="mia",
            **picked(B61022),
        ),
    ),
]
CASES += [
    (
        "book_after_all",
        dialogue(
            "JFK to Boston dec 9",
            "2",
            "not yet",
            "ok go ahead and book it now",
            user="fin",
            **picked(AA1040),
        ),
    ),
    (
        "add_flight_home",
        dialogue(
            "JFK to London 15 Dec",
            "1",
            "can you add my return on the 18th?",
            calls=[flight_search("london", "new york", "2026-12-18")],
            tools_exclude=["confirm_booking", "list_trips"],
            new_status="held",
        ),
    ),
    (
        "add_traveller",
        dialogue(
            "JFK to Boston dec 9",
            "2",
            "can I get 2 seats on that instead",
            tools_exclude=["get_seat_map", "get_policy", "confirm_booking"],
            segments=[flight_segment("AA 1040", "JFK", "BOS", "2026-12-09", passengers=2)],
        ),
    ),
]
CASES += [
    (
        "confirm_not_yet",
        dialogue(
            "JFK to Boston dec 9",
            "option 2",
            "hmm, can you just keep it on hold and I'll confirm later?",
            user="victor",
            pending="none",
            reply_not_contains=["didn't quite get"],
            **held(AA1040),
        ),
    ),
    (
        "ask_option",
        dialogue(
            "JFK to London 15 Dec",
            "how long is the flight on option 1?",
            reply_contains=["7h25"],
            **ANSWERED,
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p30fu(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
