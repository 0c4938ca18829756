"""Blind probe p33hotel: hotels as people ask for them, on their own and around flights.

Written from the user's side before reading the planner or its tests (harness.py, the
held-out README's top, DESIGN.md, core/catalogue/hotels.py, core/search/hotels.py and the
tools read for the facts): a stay by city and dates (US, UK, written out, ranges, "for 3
nights from …", across the year end, a misspelt "hotle"), by brand or name with typos
("Marriot", "citizen m"), near an area or an airport (the catalogue's hotels carry their
neighbourhood in the name: "… Kings Cross", "citizenM Chicago O'Hare"), a nightly price
limit, rooms for several people, picks (number, name, area, "the cheapest in policy"),
questions about a shown hotel (per night or total; breakfast and distance, which the data
does not hold, so the answer must say so; refundable, which it does), holding and
confirming with an everyday yes/no, changing the nights of a held stay and of ava's
booked London stay (trips world), cancelling only the hotel of a trip (the core cancels
whole bookings), and a hotel for a flight trip (booked in the conversation, or ava's
Boston→Paris flight of 3 Dec landing 4 Dec in the trips world).

Every date, option order, name, rate and total below was checked with the real tools at
the frozen clock (Tue 2026-12-01 09:00 UTC), outside the repo (/tmp/p33hotel/explore*.py
calling search_hotels / search_flights directly, never the planner): Boston 16–18 Dec 1st
Novotel Boston Downtown 158.00 a night, 315.00 in all, 2nd Hilton Boston Cambridge; Chicago
10–12 Dec citizenM Chicago O'Hare (non-refundable), Marriott Chicago Magnificent Mile;
New York 9–11 Dec under 250 a night: Novotel Upper West Side 204, Holiday Inn Express
Chelsea 238 (Hyatt Regency Midtown East 360 left out); Paris 14–17 Dec Holiday Inn Express
Gare de Lyon 197, citizenM Saint-Germain 202; London 16–18 Dec Hyatt Regency London Kings
Cross 353 (amber, over the 350 cap); London 15–18 Dec Novotel London Paddington
non-refundable; Madrid 12–15 Dec 2nd Radisson Blu Madrid Salamanca; Atlanta 11–14 Dec 1st
Novotel Atlanta Buckhead; San Francisco 17–19 Dec Hilton San Francisco SoMa; New York→London
8 Dec 1st BA 17 16:45 landing 9 Dec 05:10. Dates 7+ days ahead are green, so a yes confirms.

First try 29/35 at 07:23 UTC (main at ec38479, `python -m pytest -q -n 2 --dist loadfile
tests/concierge/test_planner_p33hotel.py`). Failed: brand_typo ("any Marriot in chicago …"
searched flights: the misspelt brand did not make it a hotel request), near_airport_book
("book the one by the airport" held nothing), per_night_or_total and distance (a question
naming a shown hotel — "is the 158 for the Novotel per night…", "how far is the Marriott
from the airport?" — held that hotel), breakfast, held_extend.

Two of those were invalid expectations, corrected after the first run (words of the
messages kept): breakfast was answered honestly ("… isn't in our hotel data"), a wording
the DONT_KNOW list lacked, so the list now has "isn't in our" / "not in our"; held_extend
moved the hold to 15–19 as asked, but the replaced hold shows as cancelled among the new
bookings, so the case checks the live segments and the pending yes, not that every new
booking is held. Corrected: 31/35, 4 real gaps.

Fixed by mechanism, all four (35/35): the catalogue's hotel brands are intent keywords
for the spelling mender (one typo from the brand: "Marriot", "Novotell", "Radison"; words
one letter from one — "holidays", "citizen", "accord" — kept in data/intents.yaml); a
question asking a shown hotel's rate against its total ("per night or for both nights")
or its distance ("how far … from …", "distance") is an option question (data/
option_questions.yaml), and a distance from a place the hotel's name doesn't give is
answered as unknown before where the hotel is; "airport" names the listed hotels whose
area is an airport of their city (the area resolves as a place there, or says "Airport").
Looking at the replies after that: "how far is the Marriott from the airport?" answered
of the airport hotel ("from the airport" measures, it names no option: fixed, and the
case now checks the hotel answered about), and "does the Hilton include breakfast?" got
the reply for a pick wanting breakfast (a question opening with does/is/… is not one).
EXTRA: four more wordings of the same mechanisms, written after the fixes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.flows.option_questions import asked_facts
from concierge.planner.flows.options import _at_airport
from concierge.planner.nlu import spelling
from core.catalogue.hotels import hotel_plans
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

HELD: dict[str, Any] = {"pending": "confirm_booking", "new_status": "held"}
NO_BOOK = ["reserve", "confirm_booking"]
NO_CHANGE = ["cancel_booking", "rebook", "confirm_booking", "reserve"]
# The catalogue has no breakfast, distance or amenity data: the answer must say so.
DONT_KNOW = [
    [
        "don't have",
        "do not have",
        "no information",
        "not listed",
        "can't tell",
        "cannot tell",
        "can't say",
        "doesn't say",
        "don't know",
        "not shown",
        "isn't something",
        "not something",
        "no details",
        "no data",
        "isn't in our",
        "not in our",
    ]
]


def _hotel(name: str, check_in: str, check_out: str, **more: Any) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": name, "check_in": check_in, "check_out": check_out, **more}


def _held(*segments: dict[str, Any]) -> dict[str, Any]:
    return {**HELD, "segments": list(segments)}


def _booked(*segments: dict[str, Any]) -> dict[str, Any]:
    return {"new_status": "confirmed", "pending": "none", "segments": list(segments)}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ city and dates
    (
        "us_dates",
        dialogue(
            "Need a hotel in Boston Dec 16 to Dec 18",
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "uk_dates",
        dialogue(
            "hotel in london 15/12 to 17/12 please",
            calls=[hotel_search("london", "2026-12-15", "2026-12-17")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "written_out",
        dialogue(
            "Could you find me a hotel in Madrid from the twelfth of December to the fifteenth?",
            calls=[hotel_search("madrid", "2026-12-12", "2026-12-15")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "n_nights_from",
        dialogue(
            "somewhere to stay in Chicago for 3 nights from Dec 10",
            calls=[hotel_search("chicago", "2026-12-10", "2026-12-13")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "nights_starting_weekday",
        dialogue(
            "I'll need a room in Miami for three nights starting Sunday the 20th",
            calls=[hotel_search("miami", "2026-12-20", "2026-12-23")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "terse_range",
        dialogue(
            "hotels paris 14-17 dec",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-17")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "year_end",
        dialogue(
            "Looking for a hotel in Dublin over new year, 31st Dec – 3rd Jan",
            calls=[hotel_search("dublin", "2026-12-31", "2027-01-03")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "typo_weekdays",
        dialogue(
            "hotle in san fransisco thursday 17th through saturday 19th pls",
            calls=[hotel_search("san francisco", "2026-12-17", "2026-12-19")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "week_mon_fri",
        dialogue(
            "I'm in London the week of 14 December, Monday to Friday. Can you sort a hotel?",
            calls=[hotel_search("london", "2026-12-14", "2026-12-18")],
            tools_exclude=NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ brand or name
    (
        "brand_question",
        dialogue(
            "is there a Hilton in Boston for Dec 16-18?",
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            reply_contains="Hilton Boston Cambridge",
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "brand_typo",
        dialogue(
            "any Marriot in chicago 10th to 12th dec?",
            calls=[hotel_search("chicago", "2026-12-10", "2026-12-12")],
            reply_contains="Marriott Chicago Magnificent Mile",
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "name_typo_pick",
        dialogue(
            "hotels in Paris 14-17 Dec",
            "the citizen m one please",
            **_held(_hotel("citizenM Paris Saint-Germain", "2026-12-14", "2026-12-17")),
        ),
    ),
    (
        "book_named_hotel",
        dialogue(
            "Book me the Holiday Inn Express in London, 9 to 11 December",
            calls=[hotel_search("london", "2026-12-09", "2026-12-11")],
            reply_contains="Holiday Inn Express London Tower Bridge",
            tools_exclude=["confirm_booking"],
        ),
    ),
    # ------------------------------------------------------------ area / airport
    (
        "pick_by_area",
        dialogue(
            "hotels in London Dec 16-18",
            "the one in Kings Cross",
            **_held(_hotel("Hyatt Regency London Kings Cross", "2026-12-16", "2026-12-18")),
        ),
    ),
    (
        "near_airport",
        dialogue(
            "I need a hotel close to O'Hare, Dec 10-12",
            calls=[hotel_search("chicago", "2026-12-10", "2026-12-12")],
            reply_contains="citizenM Chicago O'Hare",
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "near_airport_book",
        dialogue(
            "chicago hotel 10-12 december",
            "book the one by the airport",
            **_held(_hotel("citizenM Chicago O'Hare", "2026-12-10", "2026-12-12")),
        ),
    ),
    # ------------------------------------------------------------ price limits
    (
        "under_per_night",
        dialogue(
            "hotel in New York Dec 9 to 11, under $250 a night",
            calls=[hotel_search("new york", "2026-12-09", "2026-12-11")],
            reply_contains=["Novotel New York Upper West Side", "Holiday Inn Express New York"],
            reply_not_contains=["Hyatt Regency New York", "InterContinental New York"],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "max_per_night_uk",
        dialogue(
            "Paris, 14th to 17th of December, max 200 per night please - need a hotel",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-17")],
            reply_contains="Holiday Inn Express Paris Gare de Lyon",
            reply_not_contains=["citizenM", "Sofitel"],
            tools_exclude=NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ several people
    (
        "three_rooms",
        dialogue(
            "we need 3 rooms in New York Dec 9-11 for the team offsite",
            calls=[hotel_search("new york", "2026-12-09", "2026-12-11", rooms=3)],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "me_and_colleague",
        dialogue(
            "Hotel in Chicago 10-12 Dec for me and one colleague, separate rooms please",
            calls=[hotel_search("chicago", "2026-12-10", "2026-12-12", rooms=2)],
            tools_exclude=NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ picks
    (
        "pick_number",
        dialogue(
            "hotels in Madrid 12-15 Dec",
            "option 2",
            **_held(_hotel("Radisson Blu Madrid Salamanca", "2026-12-12", "2026-12-15")),
        ),
    ),
    (
        "cheapest_in_policy",
        dialogue(
            "London hotels 15-17 Dec",
            "whichever is the cheapest that's within policy",
            **_held(_hotel("Holiday Inn Express London Tower Bridge", "2026-12-15", "2026-12-17")),
        ),
    ),
    (
        "pick_brand",
        dialogue(
            "I need a hotel in SF, 17th to 19th December",
            "the hilton please",
            **_held(_hotel("Hilton San Francisco SoMa", "2026-12-17", "2026-12-19")),
        ),
    ),
    # ------------------------------------------------------------ questions on a shown hotel
    (
        "per_night_or_total",
        dialogue(
            "hotels in Boston 16-18 Dec",
            "is the 158 for the Novotel per night or for both nights?",
            reply_contains="315",
            tools_exclude=NO_BOOK,
            nothing_changed=True,
        ),
    ),
    (
        "breakfast",
        dialogue(
            "hotel in london 15-18 december",
            "does the Hilton include breakfast?",
            reply_contains_any=DONT_KNOW,
            tools_exclude=NO_BOOK,
            nothing_changed=True,
        ),
    ),
    (
        "distance",
        dialogue(
            "chicago hotels dec 10 to dec 12",
            "how far is the Marriott from the airport?",
            reply_contains_any=DONT_KNOW,
            reply_contains="Marriott Chicago Magnificent Mile",
            reply_not_contains="O'Hare, Chicago",
            tools_exclude=NO_BOOK,
            nothing_changed=True,
        ),
    ),
    (
        "refundable",
        dialogue(
            "hotel in london 15-18 december",
            "can I cancel the Novotel for free if plans change?",
            reply_contains_any=[["non-refundable", "not refundable", "isn't refundable"]],
            tools_exclude=NO_BOOK,
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ hold and confirm
    (
        "hold_then_yes",
        dialogue(
            "hotels in Atlanta Dec 11-14",
            ("go with the first", HELD),
            "yep, do it",
            **_booked(_hotel("Novotel Atlanta Buckhead", "2026-12-11", "2026-12-14")),
        ),
    ),
    (
        "hold_then_no",
        dialogue(
            "Dublin hotel 29 Dec to 2 Jan",
            ("number 2", HELD),
            "actually no, leave it for now",
            pending="none",
            not_new_status="confirmed",
            tools_exclude=["confirm_booking"],
        ),
    ),
    # ------------------------------------------------------------ changing nights
    (
        "held_extend",
        dialogue(
            "hotel in London 15-17 Dec",
            ("first one", HELD),
            "oh wait, make it until the 19th instead",
            pending="confirm_booking",
            segments=[
                _hotel("Holiday Inn Express London Tower Bridge", "2026-12-15", "2026-12-19")
            ],
        ),
    ),
    (
        "booked_extend",
        dialogue(
            "can I stay one more night at my London hotel?",
            world="trips",
            tools_exclude=["cancel_booking", "rebook", "confirm_booking"],
            booking_status={"london": "confirmed"},
            reply_contains_any=[["Holiday Inn Express", "Tower Bridge"]],
        ),
    ),
    # ------------------------------------------------------------ cancel the hotel only
    (
        "cancel_hotel_only",
        dialogue(
            "cancel just the hotel on my London trip, I'm staying with friends",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains_any=[["hotel"]],
        ),
    ),
    # ------------------------------------------------------------ around flights
    (
        "hotel_for_booked_flight",
        dialogue(
            "I need somewhere to stay in Paris when I land off my Boston flight, 3 nights",
            world="trips",
            calls=[hotel_search("paris", "2026-12-04", "2026-12-07")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "hotel_after_flight_in_chat",
        dialogue(
            "flights from New York to London on 8 December",
            ("the first one", HELD),
            "yes",
            "I need somewhere to stay for that London trip too, till the 11th",
            calls=[hotel_search("london", "2026-12-09", "2026-12-11")],
            tools_exclude=["confirm_booking"],
        ),
    ),
    (
        "flight_and_hotel",
        dialogue(
            "Fly me NY to Chicago Dec 10, back Dec 12, plus a hotel for those 2 nights",
            calls=[
                flight_search("new york", "chicago", "2026-12-10"),
                flight_search("chicago", "new york", "2026-12-12"),
                hotel_search("chicago", "2026-12-10", "2026-12-12"),
            ],
            tools_exclude=NO_BOOK,
        ),
    ),
]

GAPS: set[int] = set()

# Beside the probe (written after the fixes, not counted in its figures): other wordings
# of the same mechanisms.
EXTRA: list[tuple[str, Case]] = [
    (
        "airport_hotel_pick",
        dialogue(
            "hotels in Chicago 10-12 December",
            "I'll take the airport hotel",
            **_held(_hotel("citizenM Chicago O'Hare", "2026-12-10", "2026-12-12")),
        ),
    ),
    (
        "distance_to_place",
        dialogue(
            "london hotels 15-18 dec",
            "what's the distance from the Hilton to our Shoreditch office?",
            reply_contains_any=DONT_KNOW,
            reply_contains="Hilton London Park Lane",
            tools_exclude=NO_BOOK,
            nothing_changed=True,
        ),
    ),
    (
        "whole_stay_or_night",
        dialogue(
            "Paris hotels, 14 to 17 Dec",
            "is the citizenM price a night or for the whole stay?",
            reply_contains="585.00",
            tools_exclude=NO_BOOK,
            nothing_changed=True,
        ),
    ),
    (
        "brand_typo_uk",
        dialogue(
            "any Novotell in Boston from 16/12 to 18/12?",
            calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
            reply_contains="Novotel Boston Downtown",
            tools_exclude=NO_BOOK,
        ),
    ),
]


@pytest.mark.parametrize(("kind", "case"), case_params(CASES + EXTRA, GAPS))
async def test_p33hotel(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# The three mechanisms, on wordings of the same classes beside the conversations' own.
@pytest.mark.parametrize(
    ("said", "fixed"),
    [
        ("any Marriot in Boston?", "any Marriott in Boston?"),
        ("is there a novotell near the station", "is there a novotel near the station"),
        ("the Intercontinetal please", "the Intercontinental please"),
        ("radison blu in madrid", "radisson blu in madrid"),
        ("over the holidays", "over the holidays"),  # an everyday word, no brand
        ("I'm a citizen of Ireland", "I'm a citizen of Ireland"),
    ],
)
def test_brand_typos(said: str, fixed: str) -> None:
    assert spelling.fix_keywords(said) == fixed


@pytest.mark.parametrize(
    ("said", "fact"),
    [
        ("is that per night or for the whole stay?", "price"),
        ("is it 201 a night or for all three nights?", "price"),
        ("how far is the Hilton from the office?", "where"),
        ("what's the distance from the Novotel to the station?", "where"),
    ],
)
def test_hotel_facts_asked(said: str, fact: str) -> None:
    assert fact in asked_facts(said)


def test_hotels_at_an_airport() -> None:
    at = {p.name for p in hotel_plans() if _at_airport({"name": p.name, "city": p.city})}
    assert "citizenM Chicago O'Hare" in at  # the airport by its name
    assert any("Airport" in n for n in at)  # by the word
    assert not any(n.endswith(("Kings Cross", "Downtown", "Times Square")) for n in at)
