"""Hotels end to end, as ordinary employees ask for them (helper p29hotel; now = Tue 1 Dec
2026 09:00 UTC). Hotel-only requests in many date forms (nights from a day, weekday ranges,
"checking out the 18th", UK and US numeric dates, across the year end), rooms, a place or
area, a brand, price words, picks by name / area / price / number, changes after the hold,
a hotel after a flight, questions about the options, and the everyday yes/no.

Demo hotels checked against search_hotels itself (Acme caps: London 350, New York 325, Paris
300, else 250; under 7 days ahead is amber):
London 15–18 Dec: 1 Holiday Inn Express Tower Bridge 201, 2 Novotel Paddington 226
(non-refundable), 3 Hilton Park Lane 310, 4 Hyatt Regency Kings Cross 353 amber, 5 Sofitel
Canary Wharf 487 amber. New York 14–17 Dec: Novotel Upper West Side 204, Holiday Inn Express
Chelsea 234, Hyatt Regency Midtown East 360 amber, Radisson Blu Financial District 372
amber, InterContinental Times Square 506 amber. Paris 30 Dec–2 Jan: Holiday Inn Express Gare
de Lyon 195, citizenM Saint-Germain 202, Hilton Montparnasse 276, Hyatt Regency La Defense
281, Sofitel Opera 447 amber. Chicago (gus): citizenM O'Hare 149, Marriott Magnificent Mile
204, Hilton River North 209, Sofitel The Loop 321 amber.

Every phrasing here was written before it was run and before reading the planner.
First try (pytest -q tests/concierge/test_planner_p29hotel.py -n 2, main at fa31af4,
17:27 UTC): 32/38 = 84 %. Failed: "somewhere in boston tmrw night, one night only" searched
flights; "somewhere near Times Square, nyc" took "Times" for a city; "which one is closest to
Canary Wharf?" after hotel options likewise; "something cheap in NYC for the 14th-17th" asked
where to fly; "hotel within policy" listed the amber hotels too; "and a hotel until the 18th
too" after holding an overnight flight searched the return flight and a hotel from the
departure day.
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

worlds = worlds_fixture("empty", "trips")

NO_BOOK: dict[str, Any] = {"nothing_changed": True, "tools_exclude": ["reserve"]}
LON = "2026-12-15", "2026-12-18"
LON_ASK = "hotel in London 15-18 Dec please"


def _hotel(name: str, check_in: str, check_out: str, **more: Any) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": name, "check_in": check_in, "check_out": check_out, **more}


HIE_LON = "Holiday Inn Express London Tower Bridge"

CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ dates (hotel only)
    (
        "dates_nights_from",
        dialogue(
            "need a hotel in London for 3 nights from the 15th",
            calls=[hotel_search("London", *LON)],
            **NO_BOOK,
        ),
    ),
    (
        "dates_weekday_range",
        dialogue(
            "hotel in paris mon-thu next week pls",
            calls=[hotel_search("Paris", "2026-12-07", "2026-12-10")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_in_out",
        dialogue(
            "Can you find me a hotel in Chicago, checking in on the 8th and checking out the 10th?",
            user="gus",
            calls=[hotel_search("Chicago", "2026-12-08", "2026-12-10")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_out_first",
        dialogue(
            "Somewhere to stay in NYC - checking out the 18th, arriving the 14th",
            calls=[hotel_search("New York", "2026-12-14", "2026-12-18")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_uk_numeric",
        dialogue(
            "Hotel in London 15/12 to 18/12 please",
            calls=[hotel_search("London", *LON)],
            **NO_BOOK,
        ),
    ),
    (
        "dates_us_numeric",
        dialogue(
            "I need a room in Boston 12/9-12/11",
            calls=[hotel_search("Boston", "2026-12-09", "2026-12-11")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_year_end",
        dialogue(
            "looking for a hotel in Paris over new year, 30 Dec to 2 Jan",
            calls=[hotel_search("Paris", "2026-12-30", "2027-01-02")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_year_end_uk_numeric",
        dialogue(
            "need a hotel in madrid 29/12 – 03/01",
            calls=[hotel_search("Madrid", "2026-12-29", "2027-01-03")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_nights_from_weekday",
        dialogue(
            "Could you look for a hotel in Dublin from Monday the 14th for four nights?",
            calls=[hotel_search("Dublin", "2026-12-14", "2026-12-18")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_tomorrow_one_night",
        dialogue(
            "just need somewhere in boston tmrw night, one night only",
            calls=[hotel_search("Boston", "2026-12-02", "2026-12-03")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_week_of",
        dialogue(
            "I'm in San Francisco the week of the 7th, Monday through Friday - need a hotel",
            calls=[hotel_search("San Francisco", "2026-12-07", "2026-12-11")],
            **NO_BOOK,
        ),
    ),
    (
        "dates_next_year_us",
        dialogue(
            "Staying in Atlanta Jan 4-6, can you find a hotel?",
            calls=[hotel_search("Atlanta", "2027-01-04", "2027-01-06")],
            **NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ rooms and guests
    (
        "rooms",
        dialogue(
            "2 rooms in Miami from Dec 18 to Dec 20 - me and a colleague",
            calls=[hotel_search("Miami", "2026-12-18", "2026-12-20", rooms=2)],
            **NO_BOOK,
        ),
    ),
    (
        "rooms",
        dialogue(
            "we need hotel rooms for 3 of us in London 15th-17th Dec, separate rooms",
            calls=[hotel_search("London", "2026-12-15", "2026-12-17", rooms=3)],
            **NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ place / area
    (
        "area",
        dialogue(
            "a hotel near Kings Cross in London, 15th to 18th",
            calls=[hotel_search("London", *LON)],
            reply_contains=["Kings Cross"],
            **NO_BOOK,
        ),
    ),
    (
        "area",
        dialogue(
            "somewhere near Times Square, nyc, dec 14-17",
            calls=[hotel_search("New York", "2026-12-14", "2026-12-17")],
            reply_contains=["Times Square"],
            **NO_BOOK,
        ),
    ),
    (
        "area_question",
        dialogue(
            (LON_ASK, {"calls": [hotel_search("London", *LON)]}),
            "which one is closest to Canary Wharf?",
            reply_contains=["Sofitel London Canary Wharf"],
            **NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ brand / chain
    (
        "brand",
        dialogue(
            "Any Hilton in Chicago for the 8th-10th?",
            user="gus",
            calls=[hotel_search("Chicago", "2026-12-08", "2026-12-10")],
            reply_contains=["Hilton Chicago River North"],
            **NO_BOOK,
        ),
    ),
    (
        "brand",
        dialogue(
            "I'd like to stay at a Marriott in San Francisco from 7 to 9 December",
            calls=[hotel_search("San Francisco", "2026-12-07", "2026-12-09")],
            reply_contains=["Marriott San Francisco Embarcadero"],
            **NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ price words
    (
        "price",
        dialogue(
            "something cheap in NYC for the 14th-17th",
            calls=[hotel_search("New York", "2026-12-14", "2026-12-17")],
            reply_contains=["Novotel New York Upper West Side"],
            **NO_BOOK,
        ),
    ),
    (
        "price",
        dialogue(
            "Hotel in New York under 250 a night, 14 to 17 Dec",
            calls=[hotel_search("New York", "2026-12-14", "2026-12-17")],
            reply_contains=["Novotel New York Upper West Side"],
            reply_not_contains=["InterContinental", "Hyatt Regency"],
            **NO_BOOK,
        ),
    ),
    (
        "price",
        dialogue(
            "london 15-18 dec, hotel within policy please",
            calls=[hotel_search("London", *LON)],
            reply_not_contains=["Sofitel London Canary Wharf"],
            **NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ picks
    (
        "pick_cheapest",
        dialogue(
            LON_ASK,
            "book the cheapest one",
            pending="confirm_booking",
            segments=[_hotel(HIE_LON, *LON)],
        ),
    ),
    (
        "pick_number",
        dialogue(
            "hotel in Paris 30/12 - 2/1",
            "option 2 pls",
            pending="confirm_booking",
            segments=[_hotel("citizenM Paris Saint-Germain", "2026-12-30", "2027-01-02")],
        ),
    ),
    (
        "pick_area",
        dialogue(
            "hotel in new york 14th to 17th december",
            "the chelsea one",
            pending="confirm_booking",
            segments=[_hotel("Holiday Inn Express New York Chelsea", "2026-12-14", "2026-12-17")],
        ),
    ),
    (
        "pick_brand",
        dialogue(
            LON_ASK,
            "the Hilton please",
            pending="confirm_booking",
            segments=[_hotel("Hilton London Park Lane", *LON)],
        ),
    ),
    (
        "pick_name_amber_yes",
        dialogue(
            LON_ASK,
            "let's do the Hyatt",
            "yes",
            new_status="pending_approval",
            segments=[_hotel("Hyatt Regency London Kings Cross", *LON)],
        ),
    ),
    (
        "pick_yes",
        dialogue(
            LON_ASK,
            "1",
            "yep go for it",
            new_status="confirmed",
            segments=[_hotel(HIE_LON, *LON)],
        ),
    ),
    (
        "pick_no",
        dialogue(
            LON_ASK,
            "first one",
            "no, hold off for now",
            not_new_status="confirmed",
            tools_exclude=["confirm_booking"],
        ),
    ),
    (
        "pick_yes_mia",
        dialogue(
            "I need a hotel in Chicago 8-10 Dec",
            "the Marriott",
            "sounds good, book it",
            user="mia",
            new_status="confirmed",
            segments=[_hotel("Marriott Chicago Magnificent Mile", "2026-12-08", "2026-12-10")],
        ),
    ),
    # ------------------------------------------------------------ changes after the hold
    (
        "change_nights",
        dialogue(
            LON_ASK,
            "option 1",
            "actually make it 4 nights",
            pending="confirm_booking",
            segments=[_hotel(HIE_LON, "2026-12-15", "2026-12-19")],
        ),
    ),
    (
        "change_checkout",
        dialogue(
            LON_ASK,
            "the holiday inn",
            "can I check out on the 17th instead?",
            pending="confirm_booking",
            segments=[_hotel(HIE_LON, "2026-12-15", "2026-12-17")],
        ),
    ),
    (
        "change_hotel",
        dialogue(
            LON_ASK,
            "option 1",
            "hmm, can I switch to the Hilton instead?",
            pending="confirm_booking",
            segments=[_hotel("Hilton London Park Lane", *LON)],
        ),
    ),
    # ------------------------------------------------------------ questions on the options
    (
        "question_cheapest",
        dialogue(
            LON_ASK,
            "which is the cheapest?",
            reply_contains=[HIE_LON],
            **NO_BOOK,
        ),
    ),
    (
        "question_amber",
        dialogue(
            LON_ASK,
            "why is the Sofitel amber?",
            reply_contains_any=[["350", "cap", "limit"]],
            **NO_BOOK,
        ),
    ),
    (
        "question_refundable",
        dialogue(
            LON_ASK,
            "is the Novotel refundable?",
            reply_contains_any=[["non-refundable", "not refundable", "isn't refundable"]],
            **NO_BOOK,
        ),
    ),
    # ------------------------------------------------------------ hotel after a flight
    (
        "after_booked_flight",
        dialogue(
            "can you get me a hotel in Paris for my Boston-Paris trip, 3 nights",
            world="trips",
            calls=[hotel_search("Paris", "2026-12-04", "2026-12-07")],
            **NO_BOOK,
        ),
    ),
    (
        "after_held_flight",
        dialogue(
            "flight from JFK to London on Monday the 14th",
            "the 22:30 one",
            "and a hotel until the 18th too",
            calls=[hotel_search("London", *LON)],
        ),
    ),
]

# Guards written after the fixes (siblings of the gaps closed), never part of the first try.
GUARDS: list[tuple[str, Case]] = [
    (
        "area_no_city",
        dialogue(
            "anything near Canary Wharf for 2 nights from the 15th?",
            calls=[hotel_search("London", "2026-12-15", "2026-12-17")],
            reply_contains=["Sofitel London Canary Wharf"],
            **NO_BOOK,
        ),
    ),
    (
        "area_no_city",
        dialogue(
            "need a place near Union Square, 7-9 Dec",
            calls=[hotel_search("San Francisco", "2026-12-07", "2026-12-09")],
            **NO_BOOK,
        ),
    ),
    (
        "area_pick",
        dialogue(
            "need a hotel near Kings Cross 15-18 Dec",
            "the one in kings cross",
            "yes",
            new_status="pending_approval",
            segments=[_hotel("Hyatt Regency London Kings Cross", *LON)],
        ),
    ),
    (
        "area_question",
        dialogue(
            LON_ASK,
            "is the Hilton near Park Lane?",
            reply_contains=["Hilton London Park Lane", "Park Lane"],
            **NO_BOOK,
        ),
    ),
    (
        "area_question",
        dialogue(
            LON_ASK,
            "where is the Novotel?",
            "ok book that one",
            pending="confirm_booking",
            segments=[_hotel("Novotel London Paddington", *LON)],
        ),
    ),
    (
        "stay_somewhere",
        dialogue(
            "somewhere to crash in Dublin, 2 nights from the 14th",
            calls=[hotel_search("Dublin", "2026-12-14", "2026-12-16")],
            tools_exclude=["search_flights", "reserve"],
            nothing_changed=True,
        ),
    ),
    (
        "stay_somewhere_not_flight",
        dialogue(
            "get me to boston tmrw night",
            tools_include=["search_flights"],
            tools_exclude=["search_hotels"],
            nothing_changed=True,
        ),
    ),
    (
        "stay_somewhere_not_flight",
        dialogue(
            "something in Paris on the 14th",
            tools_include=["search_flights"],
            tools_exclude=["search_hotels"],
            nothing_changed=True,
        ),
    ),
]

GUARDS += [
    (
        "stars_question",
        dialogue(
            LON_ASK,
            "whats the cheapest 4 star?",
            reply_contains=["Hilton London Park Lane"],
            reply_not_contains=[HIE_LON],
            **NO_BOOK,
        ),
    ),
    (
        "stars_pick",
        dialogue(
            LON_ASK,
            "book the cheapest four-star",
            pending="confirm_booking",
            segments=[_hotel("Hilton London Park Lane", *LON)],
        ),
    ),
    (
        "stars_pick",
        dialogue(
            LON_ASK,
            "the 5 star please",
            tools_exclude=["search_hotels"],
            pending="confirm_booking",
            segments=[_hotel("Sofitel London Canary Wharf", *LON)],
        ),
    ),
    (
        "stars_pick",
        dialogue(
            LON_ASK,
            "the compliant four-star please",
            pending="confirm_booking",
            segments=[_hotel("Hilton London Park Lane", *LON)],
        ),
    ),
    (
        "price_pick",
        dialogue(
            LON_ASK,
            "the one for 226",
            pending="confirm_booking",
            segments=[_hotel("Novotel London Paddington", *LON)],
        ),
    ),
]

# 21 ("hotel within policy"): closed by g30c (the city's cap from the policy bounds the search)
GAPS: set[int] = {37}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES + GUARDS, GAPS))
async def test_p29hotel(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
