"""Hotels and stays as ordinary employees ask for them (now = Tue 1 Dec 2026): hotel-only
requests with dates said every way, budgets, brands and named hotels, picks from a hotel
list, questions about the hotels shown, changing a stay's dates, a hotel after a flight,
a hotel for someone else and yes/no at the confirmation.

First try on main 3694d1a at 10:49 UTC (pytest -q -n 2 tests/concierge/test_planner_hotel27.py),
no expectation found wrong: dates 8/9, budget 1/2, brand 3/3, pick 5/6, question 2/4,
change_dates 1/3, after_flight 2/2, someone_else 3/3, confirm_yes 4/4, confirm_no 3/3 —
total 32/39 = 82 %. Failing (GAPS): "the week of the 14th" (no search), "something in Paris
... max 200 per night" (flights searched), "the one near Kings Cross" (no hold), "how much is
the Hilton for all three nights?" (held it), "Can I cancel the Novotel for free" (answered
with one's trips), "actually make it check out on the 18th" at a held stay (not changed),
"move my London hotel so I check in on the 14th" (the booking shown, no search).

Fixed (by mechanism): a question at a list naming a shown option by airline or hotel name
is answered from the list (flows/option_questions: name_refs; "can I cancel X for free" is
such a question even read as a cancellation, "cancel for free" / "cancellation policy" ask
whether it is refundable); a place said that is the area in a shown hotel's name ("the one
near Kings Cross") picks that hotel (flows/dispatch); a budget by the night is a hotel
request (nlu/intents). Then 36/39; left: "the week of the 14th", a held stay's check-out
moved, a booked stay's check-in moved. GUARDS (written after the fixes), first try 7/9 —
question 2/4 ("what does the Sofitel come to in total?" had no price word; "is the holiday
inn cancellable?" read as a hotel request by "inn"), pick 3/3, budget 2/2; both fixed, 9/9.
CASES 3 closed by stay27 (a hotel alone for a named week: its working days, out on Friday);
CASES 24 too (a held stay's dates moved: the same hotel held again in place of the hold);
CASES 26 too (a booked stay's check-in moved: its city searched for the new nights).
"""

from __future__ import annotations

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


def _stay(hotel: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": hotel, "check_in": check_in, "check_out": check_out}


HELD: dict[str, Any] = {"pending": "confirm_booking"}
LON = (
    "London, 14-17 Dec"  # Mon 14 → Thu 17: HIX Tower Bridge 201/night, Novotel Paddington 224, ...
)
LON_HIX = "Holiday Inn Express London Tower Bridge"
LON_NOV = "Novotel London Paddington"
LON_HIL = "Hilton London Park Lane"
LON_HYA = "Hyatt Regency London Kings Cross"
LON_SOF = "Sofitel London Canary Wharf"
LON_SEARCH = "need a hotel in London from the 14th to the 17th of December"
NO_CHANGE = {"not_new_status": "confirmed", "pending": None}

CASES: list[tuple[str, Case]] = [
    # ---------------------------------------------------------------- dates said every way
    (
        "dates",
        dialogue(
            "hotel in london, 3 nights from the 14th",
            calls=[hotel_search("London", "2026-12-14", "2026-12-17")],
        ),
    ),
    (
        "dates",
        dialogue(
            "Hi! Could you find me somewhere to stay in Chicago? Checking in thu, out sun.",
            calls=[hotel_search("Chicago", "2026-12-03", "2026-12-06")],
        ),
    ),
    (
        "dates",
        dialogue(
            "hotel paris 15/12-18/12 pls", calls=[hotel_search("Paris", "2026-12-15", "2026-12-18")]
        ),
    ),
    (
        "dates",
        dialogue(
            "I'll be in Madrid the week of the 14th, can you sort a hotel?",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {
                        "city": "Madrid",
                        "check_in": "2026-12-14",
                        "check_out": {"between": ["2026-12-18", "2026-12-21"]},
                    },
                }
            ],
        ),
    ),
    (
        "dates",
        dialogue(
            "Need a room in NYC Dec 15 through Dec 18.",
            calls=[hotel_search("New York", "2026-12-15", "2026-12-18")],
        ),
    ),
    (
        "dates",
        dialogue(
            "hotle in dublin for 2 nights starting wednesday 9 december",
            calls=[hotel_search("Dublin", "2026-12-09", "2026-12-11")],
        ),
    ),
    (
        "dates",
        dialogue(
            "Can you book accommodation in Miami? Arriving 18th Dec, leaving the 21st.",
            calls=[hotel_search("Miami", "2026-12-18", "2026-12-21")],
        ),
    ),
    (
        "dates",
        dialogue(
            "boston hotel, one night, monday the 7th",
            calls=[hotel_search("Boston", "2026-12-07", "2026-12-08")],
        ),
    ),
    (
        "dates",
        dialogue(
            "I need a hotel in London.",
            "the 14th to the 17th",
            calls=[hotel_search("London", "2026-12-14", "2026-12-17")],
        ),
    ),
    # ---------------------------------------------------------------- budgets
    (
        "budget",
        dialogue(
            "hotel in London 14-17 Dec, under $250 a night",
            calls=[hotel_search("London", "2026-12-14", "2026-12-17")],
            reply_contains=[LON_HIX],
            reply_not_contains=[LON_SOF, LON_HYA],
        ),
    ),
    (
        "budget",
        dialogue(
            "Looking for something in Paris 10-13 December, max 200 per night please",
            calls=[hotel_search("Paris", "2026-12-10", "2026-12-13")],
            reply_contains=["Holiday Inn Express Paris Gare de Lyon"],
            reply_not_contains=["Sofitel Paris Opera", "Hilton Paris"],
        ),
    ),
    # ---------------------------------------------------------------- brand / named hotel
    (
        "brand",
        dialogue(
            "Is there a Hilton in London I could stay at 14-17 Dec?",
            calls=[hotel_search("London", "2026-12-14", "2026-12-17")],
            reply_contains=[LON_HIL],
        ),
    ),
    (
        "brand",
        dialogue(
            "book me the Marriott Magnificent Mile in Chicago, 14th to 17th dec",
            segments=[_stay("Marriott Chicago Magnificent Mile", "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "brand",
        dialogue(
            "any Radisson in Dublin? 9th-11th Dec",
            "that one please",
            segments=[_stay("Radisson Blu Dublin St Stephen's Green", "2026-12-09", "2026-12-11")],
            **HELD,
        ),
    ),
    # ---------------------------------------------------------------- picks from a hotel list
    (
        "pick",
        dialogue(
            LON_SEARCH, "number 2", segments=[_stay(LON_NOV, "2026-12-14", "2026-12-17")], **HELD
        ),
    ),
    (
        "pick",
        dialogue(
            LON_SEARCH,
            "cheapest one is fine",
            segments=[_stay(LON_HIX, "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "pick",
        dialogue(
            LON_SEARCH,
            "the Hilton please",
            segments=[_stay(LON_HIL, "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "pick",
        dialogue(
            LON_SEARCH,
            "I'd prefer the one near Kings Cross",
            segments=[_stay(LON_HYA, "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "pick",
        dialogue(
            "Paris hotel, 10 to 13 Dec",
            "let's do the citizenM",
            segments=[_stay("citizenM Paris Saint-Germain", "2026-12-10", "2026-12-13")],
            **HELD,
        ),
    ),
    (
        "pick",
        dialogue(
            LON_SEARCH,
            "go with the Park Lane one",
            segments=[_stay(LON_HIL, "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    # ---------------------------------------------------------------- questions about the hotels shown
    (
        "question",
        dialogue(
            LON_SEARCH,
            "is that price per night or for the whole stay?",
            reply_contains_any=[["night"]],
            reply_matches=r"total|whole stay|all (3|three) nights|for the stay|585",
            nothing_changed=True,
        ),
    ),
    (
        "question",
        dialogue(
            LON_SEARCH,
            "Can I cancel the Novotel for free if plans change?",
            reply_contains_any=[["non-refundable", "not refundable", "nonrefundable", "no refund"]],
            nothing_changed=True,
        ),
    ),
    (
        "question",
        dialogue(
            LON_SEARCH,
            "is the Hyatt within policy?",
            reply_contains_any=[["approval", "approve", "over the", "above the", "cap"]],
            nothing_changed=True,
        ),
    ),
    (
        "question",
        dialogue(
            LON_SEARCH,
            "how much is the Hilton for all three nights?",
            reply_contains=["899"],
            nothing_changed=True,
        ),
    ),
    # ---------------------------------------------------------------- changing dates
    (
        "change_dates",
        dialogue(
            LON_SEARCH,
            "1",
            "actually make it check out on the 18th",
            segments=[_stay(LON_HIX, "2026-12-14", "2026-12-18")],
            **HELD,
        ),
    ),
    (
        "change_dates",
        dialogue(
            LON_SEARCH,
            "the cheapest",
            "sorry, wrong dates - should be 15th to 18th",
            calls=[hotel_search("London", "2026-12-15", "2026-12-18")],
        ),
    ),
    (
        "change_dates",
        dialogue(
            "Can I move my London hotel so I check in on the 14th instead? Same check-out.",
            world="trips",
            calls=[hotel_search("London", "2026-12-14", "2026-12-18")],
            booking_status={"london": "confirmed"},
        ),
    ),
    # ---------------------------------------------------------------- hotel after a flight
    (
        "after_flight",
        dialogue(
            "fly me from New York to Chicago on the 14th, back on the 17th",
            "cheapest both ways",
            "and a hotel for those nights",
            calls=[hotel_search("Chicago", "2026-12-14", "2026-12-17")],
        ),
    ),
    (
        "after_flight",
        dialogue(
            "I need a hotel in Paris for when my flight lands, till Monday",
            world="trips",
            calls=[hotel_search("Paris", "2026-12-04", "2026-12-07")],
        ),
    ),
    # ---------------------------------------------------------------- for someone else
    (
        "someone_else",
        dialogue(
            "Please book a hotel in London for Ava Patel, 14-17 Dec",
            "the cheapest",
            user="mia",
            segments=[_stay(LON_HIX, "2026-12-14", "2026-12-17")],
            reply_contains=["Ava"],
            **HELD,
        ),
    ),
    (
        "someone_else",
        dialogue(
            "can you get Mia a hotel in Paris 10-13 Dec?",
            user="ava",
            tools_exclude=["reserve"],
            nothing_changed=True,
            reply_contains_any=[["can't", "cannot", "not able", "only", "unable"]],
        ),
    ),
    (
        "someone_else",
        dialogue(
            "Mia needs a room in Boston from 7 to 9 December, can you look?",
            user="victor",
            calls=[hotel_search("Boston", "2026-12-07", "2026-12-09")],
        ),
    ),
    # ---------------------------------------------------------------- yes / no at the confirmation
    (
        "confirm_yes",
        dialogue(
            LON_SEARCH,
            "cheapest",
            "yep go ahead",
            segments=[_stay(LON_HIX, "2026-12-14", "2026-12-17")],
            new_status="confirmed",
        ),
    ),
    (
        "confirm_yes",
        dialogue(
            LON_SEARCH,
            "option 1",
            "Perfect, book it please!",
            segments=[_stay(LON_HIX, "2026-12-14", "2026-12-17")],
            new_status="confirmed",
        ),
    ),
    ("confirm_yes", dialogue(LON_SEARCH, "the first", "ok 👍", new_status="confirmed")),
    (
        "confirm_yes",
        dialogue(
            "hotel in chicago, 14th to 17th",
            "2",
            "sure thing",
            user="gus",
            segments=[_stay("Marriott Chicago Magnificent Mile", "2026-12-14", "2026-12-17")],
            new_status="confirmed",
        ),
    ),
    ("confirm_no", dialogue(LON_SEARCH, "cheapest", "no, hold off for now", **NO_CHANGE)),
    ("confirm_no", dialogue(LON_SEARCH, "1", "nah, leave it", **NO_CHANGE)),
    (
        "confirm_no",
        dialogue(
            LON_SEARCH, "the first one", "Actually I'm not sure yet, don't book it.", **NO_CHANGE
        ),
    ),
]

# Guards, written after the fixes (different words, same mechanisms): a question naming a
# shown hotel by its brand, a budget by the night as a hotel request, a pick by the area
# in a shown hotel's name.
GUARDS: list[tuple[str, Case]] = [
    (
        "question",
        dialogue(
            "London hotel Dec 14 to Dec 17",
            "what does the Sofitel come to in total?",
            reply_contains=["1,460"],
            nothing_changed=True,
        ),
    ),
    (
        "question",
        dialogue(
            "paris hotel 10th-13th dec",
            "is the holiday inn cancellable?",
            reply_contains_any=[["non-refundable", "not refundable"]],
            nothing_changed=True,
        ),
    ),
    (
        "question",
        dialogue(
            "London hotel Dec 14 to Dec 17",
            "does the Sofitel need approval?",
            reply_contains=["approval"],
            nothing_changed=True,
        ),
    ),
    (
        "question",
        dialogue(
            "paris hotel 10th-13th dec",
            "what's the cancellation policy on the citizenM?",
            reply_contains=["refundable"],
            reply_not_contains=["non-refundable"],
            nothing_changed=True,
        ),
    ),
    (
        "pick",
        dialogue(
            "hotel in new york dec 15-18",
            "I'll take the one in Chelsea",
            segments=[_stay("Holiday Inn Express New York Chelsea", "2026-12-15", "2026-12-18")],
            **HELD,
        ),
    ),
    (
        "pick",
        dialogue(
            "chicago hotel 14-17 december",
            "the one on the Magnificent Mile pls",
            segments=[_stay("Marriott Chicago Magnificent Mile", "2026-12-14", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "pick",
        dialogue(
            "paris hotel 10th-13th dec",
            "whichever is at La Defense",
            segments=[_stay("Hyatt Regency Paris La Defense", "2026-12-10", "2026-12-13")],
            **HELD,
        ),
    ),
    (
        "budget",
        dialogue(
            "somewhere in Madrid 16-18 Dec, no more than 150 a night",
            calls=[hotel_search("Madrid", "2026-12-16", "2026-12-18")],
            reply_contains=["Holiday Inn Express Madrid Chamartin"],
            reply_not_contains=["InterContinental Madrid"],
        ),
    ),
    (
        "budget",
        dialogue(
            "Dublin, 9 to 11 December, under 150 USD per night",
            calls=[hotel_search("Dublin", "2026-12-09", "2026-12-11")],
            reply_contains=["Novotel Dublin Ballsbridge"],
        ),
    ),
]
GUARD_GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(GUARDS, GUARD_GAPS))
async def test_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Any) -> None:
    await runs_as_expected(case, worlds, tmp_path)


GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_case(kind: str, case: Case, worlds: dict[str, World], tmp_path: Any) -> None:
    await runs_as_expected(case, worlds, tmp_path)
