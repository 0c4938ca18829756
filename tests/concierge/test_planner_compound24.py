"""Trips that are more than one simple search (now = Tue 1 Dec 2026): multi-city flights
and hotels, "same hotel/flight as before", airport alternatives searched side by side,
day ranges, corrections inside a message, a few Spanish words mixed in, several named
travellers on one hold, and the cheapest fare a traveller is allowed.

Phrasings written from the user's side before reading the planner code for these kinds
(only the held-out batch headers were read, for the demo data), run once on main
2beee8b before any fix. First try, by kind: multi-city 3/5 (two hotel cities in one
message: one searched, or read as a flight), same as before 1/4 (the one pass only because
the hotel happened to be listed first), airport alternatives 0/4 (one airport or the whole
metro searched), day ranges 4/4, corrections inside a message 0/4 (the first number, or the
first origin, kept), Spanish mixed in 0/5 (no tool at all; "sí, por favor" not a yes),
named travellers 2/4 (guests named at a pick: a profile lookup; "book Fin and Mia": one seat
searched, nothing held), cheapest allowed 0/3 (answered, nothing held) — 10/33 = 30 %.
One expectation was invalid (the schedule ends 10 Jan: "same flight ... Jan 11" moved to
Jan 9 after the run).

After the fixes: 27/33 (GAPS below: "same flight again on the 23rd" after a booking is
read as moving that booking; guests named at a pick; "book Fin and Mia on the first
flight" with no cue of flying together; holding the cheapest allowed fare in the request
itself). Guards written after the fixes, first try: Spanish and in-message corrections
14/14; hotels in several cities, either airport, day ranges and the dialogues 15/17 (three
stays joined by a plain "and"; "Paris, CDG or ORY" is read as the Paris metro, which
searches both airports anyway — that guard was rewritten). Case 30 ("book Ava on the
cheapest flight she's actually allowed, ...") passes since g34b's picks.yaml policy_fit
("the cheapest one I'm allowed" describes the option) and stays as a regression case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from concierge.planner.nlu.answers import yes_or_no
from concierge.planner.nlu.intents import understand
from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flex_search,
    flight_search,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import NOW

worlds = worlds_fixture("empty", "trips")


NO_BOOK = ["reserve"]
HELD = {"pending": "confirm_booking", "new_bookings": 1, "new_status": "held"}
BOOKED = {"new_bookings": 1, "new_status": "confirmed", "pending": "none"}
TWO_SEATS = {"tool": "reserve", "args": {"items": [{"quantity": 2}]}}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ multi-city
    (
        "multi_city",
        dialogue(
            "Need a hotel in Madrid 9-11 Dec and then one in Paris 11-13 Dec",
            tools_exclude=NO_BOOK,
            calls=[
                hotel_search("madrid", "2026-12-09", "2026-12-11"),
                hotel_search("paris", "2026-12-11", "2026-12-13"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "hotels pls: dublin 14th-16th, london 16th-18th",
            tools_exclude=NO_BOOK,
            calls=[
                hotel_search("dublin", "2026-12-14", "2026-12-16"),
                hotel_search("london", "2026-12-16", "2026-12-18"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "JFK to Boston on the 14th, then Boston to Chicago on the 16th",
            ("first option on both", HELD),
            segments=[
                {"origin": "JFK", "destination": "BOS", "date": "2026-12-14"},
                {"origin": "BOS", "destination": "Chicago", "date": "2026-12-16"},
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "London to Paris on 10 Dec then Paris to Madrid 13 Dec",
            tools_exclude=NO_BOOK,
            calls=[
                flight_search("London", "Paris", "2026-12-10"),
                flight_search("Paris", "Madrid", "2026-12-13"),
            ],
        ),
    ),
    (
        "multi_city",
        dialogue(
            "NYC → Atlanta Dec 9, Atlanta → Miami Dec 11",
            ("the first one for each leg please", HELD),
            segments=[
                {"origin": "New York", "destination": "ATL", "date": "2026-12-09"},
                {"origin": "ATL", "destination": "MIA", "date": "2026-12-11"},
            ],
        ),
    ),
    # ------------------------------------------------------------ same as before
    (
        "same_as_before",
        dialogue(
            "can you get me the same hotel as last time in London, 8-10 January?",
            world="trips",
            calls=[hotel_search("london", "2027-01-08", "2027-01-10")],
            reply_contains=["Holiday Inn Express"],
        ),
    ),
    (
        "same_as_before",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            ("yes", BOOKED),
            "great - same flight again on the 23rd please",
            calls=[flight_search("JFK", "Boston", "2026-12-23")],
            pending="confirm_booking",
        ),
    ),
    (
        "same_as_before",
        dialogue(
            "hotel in Paris 9-11 Dec",
            ("second one", {"pending": "confirm_booking"}),
            ("no not yet", {"pending": "none"}),
            "ok, same hotel but 14th to 16th instead",
            calls=[hotel_search("paris", "2026-12-14", "2026-12-16")],
            pending="confirm_booking",
        ),
    ),
    (
        "same_as_before",
        dialogue(
            "book me on the same flight as my London one but on Jan 9",
            world="trips",
            calls=[flight_search("JFK", "London", "2027-01-09")],
            reply_contains=["BA 19"],
        ),
    ),
    # ------------------------------------------------------------ airport alternatives
    (
        "airport_alternatives",
        dialogue(
            "LHR or Gatwick to Dublin on the 10th, whichever is cheaper",
            tools_exclude=NO_BOOK,
            calls=[
                flight_search("LHR", "Dublin", "2026-12-10"),
                flight_search("LGW", "Dublin", "2026-12-10"),
            ],
        ),
    ),
    (
        "airport_alternatives",
        # "<route> - cheapest please" is the choice made politely (picks.yaml book_best
        # polite, since g35d and batch 78's "the cheapest one please"): both airports are
        # searched and the cheapest bookable of them is held, for a yes.
        dialogue(
            "JFK or Newark to Miami on the 15th - cheapest please",
            pending="confirm_booking",
            new_status="held",
            calls=[
                flight_search("JFK", "Miami", "2026-12-15"),
                flight_search("EWR", "Miami", "2026-12-15"),
            ],
        ),
    ),
    (
        "airport_alternatives",
        dialogue(
            "boston to paris dec 12, into CDG or Orly, don't mind which",
            tools_exclude=NO_BOOK,
            calls=[
                flight_search("Boston", "CDG", "2026-12-12"),
                flight_search("Boston", "ORY", "2026-12-12"),
            ],
        ),
    ),
    (
        "airport_alternatives",
        dialogue(
            "London to Madrid on the 18th, Heathrow or Gatwick, just the cheaper one",
            tools_exclude=NO_BOOK,
            calls=[
                flight_search("LHR", "Madrid", "2026-12-18"),
                flight_search("LGW", "Madrid", "2026-12-18"),
            ],
        ),
    ),
    # ------------------------------------------------------------ day ranges
    (
        "flexible_dates",
        dialogue(
            "any day from 15 to 18 December, NYC to London, cheapest",
            tools_exclude=NO_BOOK,
            calls=[flex_search("New York", "London", "2026-12-15", "2026-12-18", 4)],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "Boston → Miami sometime between Dec 9 and Dec 12",
            tools_exclude=NO_BOOK,
            calls=[flex_search("Boston", "Miami", "2026-12-09", "2026-12-12", 4)],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "London to Paris, any day 15-18 Dec, whichever's cheapest",
            tools_exclude=NO_BOOK,
            calls=[flex_search("London", "Paris", "2026-12-15", "2026-12-18", 4)],
        ),
    ),
    (
        "flexible_dates",
        dialogue(
            "Chicago to Atlanta, I can go any time 20th–22nd",
            user="gus",
            tools_exclude=NO_BOOK,
            calls=[flex_search("Chicago", "Atlanta", "2026-12-20", "2026-12-22", 3)],
        ),
    ),
    # ------------------------------------------------------------ corrections inside a message
    (
        "correction",
        dialogue(
            "hotel in Boston from the 9th for 3 nights, no wait, 4 nights",
            tools_exclude=NO_BOOK,
            calls=[hotel_search("boston", "2026-12-09", "2026-12-13")],
        ),
    ),
    (
        "correction",
        dialogue(
            "room in Paris check in 14 Dec, 2 nights - actually make that 3",
            tools_exclude=NO_BOOK,
            calls=[hotel_search("paris", "2026-12-14", "2026-12-17")],
        ),
    ),
    (
        "correction",
        dialogue(
            "JFK to Miami on the 15th for 2 people, sorry, 3",
            tools_exclude=NO_BOOK,
            calls=[flight_search("JFK", "Miami", "2026-12-15", passengers=3)],
        ),
    ),
    (
        "correction",
        dialogue(
            "flights from Boston, no, from Chicago, to Atlanta on the 10th",
            tools_exclude=NO_BOOK,
            calls=[flight_search("Chicago", "Atlanta", "2026-12-10")],
        ),
    ),
    # ------------------------------------------------------------ Spanish mixed in
    (
        "mixed_language",
        dialogue(
            "Necesito a flight from JFK to Madrid el 15 de diciembre",
            tools_exclude=NO_BOOK,
            calls=[flight_search("JFK", "Madrid", "2026-12-15")],
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "hotel in Madrid del 9 al 12 de diciembre por favor",
            tools_exclude=NO_BOOK,
            calls=[hotel_search("madrid", "2026-12-09", "2026-12-12")],
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "hola! Boston to Miami mañana please",
            tools_exclude=NO_BOOK,
            calls=[flight_search("Boston", "Miami", "2026-12-02")],
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "JFK to Boston on the 16th",
            ("first one", {"pending": "confirm_booking"}),
            "sí, por favor",
            **BOOKED,
        ),
    ),
    (
        "mixed_language",
        dialogue(
            "gracias! y un hotel en Miami 15-17 dic?",
            tools_exclude=NO_BOOK,
            nothing_changed=True,
            calls=[hotel_search("miami", "2026-12-15", "2026-12-17")],
        ),
    ),
    # ------------------------------------------------------------ several named travellers
    (
        "passenger_names",
        dialogue(
            "JFK to Atlanta on the 11th",
            "first one for Tom Baker and Priya Shah please",
            not_new_status="confirmed",
            any_call=[TWO_SEATS],
        ),
    ),
    (
        "passenger_names",
        dialogue(
            "book Fin and Mia on the first flight JFK to Chicago on the 10th",
            user="victor",
            not_new_status="confirmed",
            any_call=[TWO_SEATS],
        ),
    ),
    (
        "passenger_names",
        dialogue(
            "NYC to Boston on the 16th",
            "put Ava and me on the first one",
            user="mia",
            not_new_status="confirmed",
            any_call=[TWO_SEATS],
        ),
    ),
    (
        "passenger_names",
        dialogue(
            "3 seats JFK-ATL on the 11th for me, Sam Lee and Jo Park",
            tools_exclude=NO_BOOK,
            calls=[flight_search("JFK", "Atlanta", "2026-12-11", passengers=3)],
        ),
    ),
    # ------------------------------------------------------------ cheapest allowed
    (
        "cheapest_allowed",
        dialogue(
            "book Ava on the cheapest flight she's actually allowed, Boston to Atlanta on the 10th",
            user="mia",
            policy_not="red",
            **HELD,
        ),
    ),
    (
        "cheapest_allowed",
        dialogue(
            "cheapest flight I'm allowed to take from Boston to Atlanta on the 16th, hold it",
            policy_not="red",
            **HELD,
        ),
    ),
    (
        "cheapest_allowed",
        dialogue(
            "find Fin the cheapest in-policy flight LGA to Miami on the 18th and hold it",
            user="victor",
            policy_not="red",
            **HELD,
        ),
    ),
]


# Still failing (strict xfail: a fix that makes one pass must take its number out).
GAPS = {6, 26, 27, 32}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_compound24(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- guards (written after the fix)
# Other phrasings of the kinds fixed, written after the fixes as guards.


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        ("necesito un hotel en Madrid del 3 al 6 de enero", "2027-01-03", "2027-01-06"),
        ("vuelo JFK to Boston el 20 de diciembre porfa", "2026-12-20", None),
        ("buenos dias, London to Paris pasado mañana", "2026-12-03", None),
        ("quisiera una habitación in Miami 18-20 dic", "2026-12-18", "2026-12-20"),
    ],
)
def test_spanish_words_read_as_english(text: str, depart: str, ret: str | None) -> None:
    d = understand(text, NOW).dates
    assert (str(d.depart), str(d.ret) if d.ret else None) == (depart, ret)


@pytest.mark.parametrize("text", ["sí", "sí, gracias", "vale, perfecto", "sí por favor"])
def test_spanish_yes(text: str) -> None:
    assert yes_or_no(text) is True


@pytest.mark.parametrize(
    ("text", "nights", "passengers"),
    [
        ("hotel in Paris for 2 nights, sorry, 3 nights from the 14th", 3, None),
        ("room in London from the 9th, five nights - no, six", 6, None),
        ("JFK to Atlanta on the 11th, 3 passengers - make that 4", None, 4),
        ("flights to Miami on the 15th for 4 people, oops, 2 people", None, 2),
    ],
)
def test_a_count_corrected_as_it_is_said(
    text: str, nights: int | None, passengers: int | None
) -> None:
    u = understand(text, NOW)
    if nights is not None:
        assert u.dates.nights == nights or (u.dates.ret - u.dates.depart).days == nights  # type: ignore[operator]
    if passengers is not None:
        assert u.passengers == passengers


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("fly from Miami, no sorry, from Boston to Chicago on the 12th", "Boston", "Chicago"),
        ("JFK to Paris - wait, to London - on the 14th", "JFK", "London"),
    ],
)
def test_a_place_corrected_as_it_is_said(text: str, origin: str, destination: str) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.destination is not None
    assert origin.lower() in u.origin.text.lower()
    assert destination.lower() in u.destination.text.lower()


@pytest.mark.parametrize(
    ("text", "stays"),
    [
        (
            "rooms needed: Chicago 9th-11th Dec, then Boston 11th-14th Dec",
            [("Chicago", "2026-12-09", "2026-12-11"), ("Boston", "2026-12-11", "2026-12-14")],
        ),
        (
            "hotel in Paris 20-22 Dec and then London 22-24 Dec and Dublin 24-27 Dec",
            [
                ("Paris", "2026-12-20", "2026-12-22"),
                ("London", "2026-12-22", "2026-12-24"),
                ("Dublin", "2026-12-24", "2026-12-27"),
            ],
        ),
        (
            "I'm in Atlanta from the 8th to the 10th then Miami the 10th to the 12th, need "
            "somewhere to stay in each",
            [("Atlanta", "2026-12-08", "2026-12-10"), ("Miami", "2026-12-10", "2026-12-12")],
        ),
    ],
)
def test_hotels_in_several_cities_are_each_a_stay(
    text: str, stays: list[tuple[str, str, str]]
) -> None:
    u = understand(text, NOW)
    assert u.want_hotel
    assert not u.want_flight
    assert u.destination is not None
    got = [(u.destination.text, str(u.dates.depart), str(u.dates.ret))]
    got += [(s.place.text, str(s.check_in), str(s.check_out)) for s in u.stays]
    assert [(c.lower(), a, b) for c, a, b in got] == [(c.lower(), a, b) for c, a, b in stays]


@pytest.mark.parametrize(
    ("text", "origins", "destinations"),
    [
        ("Heathrow or Gatwick to Paris on the 12th, cheapest", ["LHR", "LGW"], []),
        ("Miami to JFK or LaGuardia on the 20th", [], ["JFK", "LGA"]),
        ("fly Newark or JFK to Atlanta Dec 9, whichever's cheaper", ["EWR", "JFK"], []),
        # First try also had "Chicago to Paris, CDG or ORY is fine": the places reader
        # takes "Paris, CDG or ORY" as the Paris metro, which searches both airports anyway.
        ("Boston to CDG or Orly on the 15th", [], ["CDG", "ORY"]),
    ],
)
def test_either_airport_is_searched(text: str, origins: list[str], destinations: list[str]) -> None:
    u = understand(text, NOW)
    assert (u.origin_choices, u.destination_choices) == (origins, destinations)


@pytest.mark.parametrize(
    "text",
    [
        "Boston to Chicago 12-15 Dec",
        "hotel in London 14th to 16th december",
        "JFK to LHR on the 14th",
        "Paris to London or Dublin on the 9th",
    ],
)
def test_one_place_each_end_is_no_choice_nor_several_stays(text: str) -> None:
    u = understand(text, NOW)
    assert (u.origin_choices, u.destination_choices, u.stays) == ([], [], [])


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        ("Boston to Miami, any day from 20 to 23 December", "2026-12-20", "2026-12-23"),
        ("NYC to Chicago from 9 to 11 Dec, whichever day is cheapest", "2026-12-09", "2026-12-11"),
    ],
)
def test_a_day_range_is_no_clock(text: str, depart: str, ret: str) -> None:
    d = understand(text, NOW).dates
    assert d.depart_after is None
    assert d.flexible is not None
    assert (str(d.flexible[0]), str(d.flexible[1])) == (depart, ret)


GUARD_DIALOGUES: list[Case] = [
    dialogue(
        "hotel in Boston Dec 9 to 11",
        ("the second one", {"pending": "confirm_booking"}),
        ("yes", BOOKED),
        "and Boston again 16th to 18th please, same hotel as before",
        pending="confirm_booking",
        calls=[hotel_search("boston", "2026-12-16", "2026-12-18")],
    ),
    dialogue(
        "Please book Fin Okafor and Ava Patel on the same flight to Boston on the 15th",
        ("the first one", {"pending": "confirm_booking"}),
        user="victor",
        segments=[{"kind": "flight", "destination": "BOS", "passengers": 2}],
    ),
    dialogue(
        "Heathrow or Gatwick to Paris on the 12th",
        "the cheapest please",
        user="ava",
        calls=[],
        **HELD,
    ),
    dialogue(
        "Fin needs to fly LGA to Miami on the 18th - find him the cheapest flight he's "
        "actually allowed to take",
        user="victor",
        tools_exclude=["get_policy"],
        calls=[flight_search("LGA", "Miami", "2026-12-18")],
    ),
]


@pytest.mark.parametrize("case", GUARD_DIALOGUES, ids=lambda c: c.turns[-1].say[:30])
async def test_guard_dialogues(case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
