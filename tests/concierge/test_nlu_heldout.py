"""Held-out batch for the planner's language readers (dates, counts, places).

Written from the traveller's side BEFORE the readers were rebuilt on dateparser,
text2num and rapidfuzz, without looking at the readers' patterns: US and UK date
forms, typos, word numbers, long and short, several clauses. Each row says what
``understand()`` must read from ONE message; only the fields named are checked.
The clock is Tue 2026-12-01 09:00 UTC. ``uk=True`` means a day-first traveller
(home airport outside North America), otherwise month-first.

First try, on the readers as they were (main at a745bdd): 57 / 74 passed (77 %).
After the rebuild (numbers on text2num, spelling and places on rapidfuzz, month
and week anchors, flexible windows, the traveller's date order): 74 / 74, plus
the rows marked as added after the first try. Rows failing are listed in
``NOT_YET`` (strict xfail, so a fix must remove them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from concierge.planner.nlu.dates import read_dates
from concierge.planner.nlu.intents import understand
from concierge.planner.nlu.places import find_places
from tests.concierge.planner_kit import NOW


def D(y: int, m: int, d: int) -> date:
    return date(y, m, d)


@dataclass(frozen=True)
class Want:
    depart: date | None = None
    ret: date | None = None
    nights: int | None = None  # the reading's nights, or ret - depart
    flexible: tuple[date, date] | None = None  # "sometime that week"
    pax: int | None = None
    rooms: int | None = None
    dest: str | None = None  # destination city
    origin: str | None = None  # origin city
    cities: frozenset[str] | None = None  # every served place read, and nothing else
    uk: bool = False


def W(**kw: object) -> Want:
    if "cities" in kw:
        kw["cities"] = frozenset(kw["cities"])  # type: ignore[arg-type]
    return Want(**kw)  # type: ignore[arg-type]


CASES: dict[str, tuple[str, Want]] = {
    # --- ranges written with month names, across the year end -----------------------
    "hotel-dash-year-end": (
        "hotel in London Dec 30 – Jan 3",
        W(depart=D(2026, 12, 30), ret=D(2027, 1, 3), cities={"London"}),
    ),
    "hotel-words-year-end": (
        "need a hotel in paris from december 29th to january 2nd",
        W(depart=D(2026, 12, 29), ret=D(2027, 1, 2), cities={"Paris"}),
    ),
    "hotel-uk-year-end": (
        "Room in Dublin 30th Dec to 3rd Jan please",
        W(depart=D(2026, 12, 30), ret=D(2027, 1, 3), dest="Dublin", uk=True),
    ),
    "fly-back-jan": (
        "fly to Tokyo Dec 28, back Jan 4",
        W(depart=D(2026, 12, 28), ret=D(2027, 1, 4), dest="Tokyo"),
    ),
    "hotel-ordinals-hyphen": (
        "Dec 30th - Jan 2nd hotel in Madrid pls",
        W(depart=D(2026, 12, 30), ret=D(2027, 1, 2), cities={"Madrid"}),
    ),
    "new-year-two-rooms": (
        "Dec 31st to Jan 2nd in Rome, 2 rooms",
        W(depart=D(2026, 12, 31), ret=D(2027, 1, 2), rooms=2, cities={"Rome"}),
    ),
    "jan-short-range": (
        "Jan 5 to 8 in Seoul",
        W(depart=D(2027, 1, 5), ret=D(2027, 1, 8), cities={"Seoul"}),
    ),
    # --- relative months and a bare day ----------------------------------------------
    "next-month-on-the": ("Chicago next month on the 5th", W(depart=D(2027, 1, 5), dest="Chicago")),
    "the-5th-of-next-month": (
        "the 5th of next month, NYC to Boston",
        W(depart=D(2027, 1, 5), origin="New York", dest="Boston"),
    ),
    "in-january-on-the": (
        "fly to Denver in January on the 12th",
        W(depart=D(2027, 1, 12), dest="Denver"),
    ),
    "next-month-range": (
        "from the 3rd to the 6th of next month, hotel in Paris",
        W(depart=D(2027, 1, 3), ret=D(2027, 1, 6), cities={"Paris"}),
    ),
    "next-month-and-back": (
        "next month on the 12th to Atlanta and back on the 15th",
        W(depart=D(2027, 1, 12), ret=D(2027, 1, 15), dest="Atlanta"),
    ),
    "first-of-next-month": (
        "ORD on the 1st of next month",
        W(depart=D(2027, 1, 1), dest="Chicago"),
    ),
    "out-jan-back-bare": (
        "flying to Zurich on the 4th of January and back on the 9th",
        W(depart=D(2027, 1, 4), ret=D(2027, 1, 9), dest="Zurich"),
    ),
    "jan-the-7th": ("Singapore, Jan the 7th", W(depart=D(2027, 1, 7), dest="Singapore")),
    "2nd-of-january": (
        "heading to HK on the 2nd of January",
        W(depart=D(2027, 1, 2), dest="Hong Kong"),
    ),
    # --- weekdays, spans, relative returns ---------------------------------------------
    "mon-through-thu": (
        "I'll be in Seattle Mon through Thu next week",
        W(depart=D(2026, 12, 7), ret=D(2026, 12, 10), dest="Seattle"),
    ),
    "hotel-mon-thu": (
        "hotel in London Mon through Thu",
        W(depart=D(2026, 12, 7), ret=D(2026, 12, 10), cities={"London"}),
    ),
    "wed-till-sat": (
        "Paris from Wednesday till Saturday",
        W(depart=D(2026, 12, 2), ret=D(2026, 12, 5), dest="Paris"),
    ),
    "next-tue-to-thu": (
        "next tuesday to thursday in Boston",
        W(depart=D(2026, 12, 8), ret=D(2026, 12, 10), dest="Boston"),
    ),
    "back-two-days-later": (
        "fly to Miami on the 9th, back two days later",
        W(depart=D(2026, 12, 9), ret=D(2026, 12, 11), dest="Miami"),
    ),
    "back-3-days-after": (
        "Dallas on the 14th, coming back 3 days after",
        W(depart=D(2026, 12, 14), ret=D(2026, 12, 17), dest="Dallas"),
    ),
    "check-in-out-days": (
        "hotel in amsterdam, checking in friday, checking out sunday",
        W(depart=D(2026, 12, 4), ret=D(2026, 12, 6), cities={"Amsterdam"}),
    ),
    "out-thu-back-sun": (
        "fly out Thursday and come back Sunday, seattle",
        W(depart=D(2026, 12, 3), ret=D(2026, 12, 6), dest="Seattle"),
    ),
    "home-on-the": (
        "Miami, fly out the 22nd, home on the 27th",
        W(depart=D(2026, 12, 22), ret=D(2026, 12, 27), dest="Miami"),
    ),
    "between-the": (
        "between the 21st and the 23rd in Frankfurt, need a room",
        W(depart=D(2026, 12, 21), ret=D(2026, 12, 23), cities={"Frankfurt"}),
    ),
    "weekend-after-next": (
        "weekend after next in Paris",
        W(depart=D(2026, 12, 12), ret=D(2026, 12, 13), dest="Paris"),
    ),
    "a-week-on-friday": (
        "Boston a week on Friday",
        W(depart=D(2026, 12, 11), dest="Boston", uk=True),
    ),
    "in-two-weeks-time": ("in two weeks' time to dubai", W(depart=D(2026, 12, 15), dest="Dubai")),
    "twenty-third": (
        "fly to Singapore on the twenty-third",
        W(depart=D(2026, 12, 23), dest="Singapore"),
    ),
    "thursday-next-week": (
        "heading to washington dc thursday next week",
        W(depart=D(2026, 12, 10), dest="Washington"),
    ),
    # --- flexible windows ----------------------------------------------------------------
    "week-of-the-14th": (
        "Atlanta the week of the 14th, whichever day is cheapest",
        W(flexible=(D(2026, 12, 14), D(2026, 12, 20)), dest="Atlanta"),
    ),
    "sometime-next-week": (
        "sometime next week to Dallas",
        W(flexible=(D(2026, 12, 7), D(2026, 12, 13)), dest="Dallas"),
    ),
    "sometime-that-week": (
        "I need to get to Rome the week of Jan 11th, sometime that week is fine",
        W(flexible=(D(2027, 1, 11), D(2027, 1, 17)), dest="Rome"),
    ),
    "any-day-next-week": (
        "any day next week works, Toronto",
        W(flexible=(D(2026, 12, 7), D(2026, 12, 13)), dest="Toronto"),
    ),
    # --- numeric dates: month-first for North America, day-first elsewhere --------------
    "us-slashes": (
        "flying to SF 12/18, returning 12/22",
        W(depart=D(2026, 12, 18), ret=D(2026, 12, 22), dest="San Francisco"),
    ),
    "uk-slashes": (
        "flying to Frankfurt 18/12, back 22/12",
        W(depart=D(2026, 12, 18), ret=D(2026, 12, 22), dest="Frankfurt", uk=True),
    ),
    "uk-ambiguous": (
        "London to Zurich on 5/1",
        W(depart=D(2027, 1, 5), origin="London", dest="Zurich", uk=True),
    ),
    # First try expected 1 May (month first) and failed. Kept the product's rule
    # instead (test_planner_nlu: "3/12" is the 3rd): the traveller's order wins
    # unless only the other reading lies inside the ~90-day schedule.
    "us-ambiguous": (
        "JFK to Boston on 5/1",
        W(depart=D(2027, 1, 5), origin="New York", dest="Boston"),
    ),
    # Added after the first try (not counted in it): both readings in the schedule.
    "uk-order-wins": ("Dublin on 1/2", W(depart=D(2027, 2, 1), dest="Dublin", uk=True)),
    "us-order-wins": ("Denver on 2/1", W(depart=D(2027, 2, 1), dest="Denver")),
    "uk-codes-range": (
        "LHR -> CDG 15/12 - 18/12",
        W(depart=D(2026, 12, 15), ret=D(2026, 12, 18), origin="London", dest="Paris", uk=True),
    ),
    "uk-day-month": (
        "two adults to London on 14 Dec",
        W(depart=D(2026, 12, 14), pax=2, dest="London", uk=True),
    ),
    # --- typos ---------------------------------------------------------------------------
    "typo-month": ("decmber 18 to chicago", W(depart=D(2026, 12, 18), dest="Chicago")),
    "typo-city-tomorrow": ("fly to chcago tomorow", W(depart=D(2026, 12, 2), dest="Chicago")),
    "typo-hotel-nights": (
        "hotel in Londn for 3 nigths from the 10th",
        W(depart=D(2026, 12, 10), nights=3, cities={"London"}),
    ),
    "typo-sf": ("San Fransisco on friday", W(depart=D(2026, 12, 4), dest="San Francisco")),
    "typo-frankfort": (
        "I have to be in Frankfort on the 8th",
        W(depart=D(2026, 12, 8), dest="Frankfurt"),
    ),
    "typo-amsterdamm": ("Amsterdamm tmrw morning", W(depart=D(2026, 12, 2), dest="Amsterdam")),
    "typo-zurick": ("to zurick on the 16th", W(depart=D(2026, 12, 16), dest="Zurich")),
    # --- months, weekdays and common words are not places ------------------------------
    "may-is-a-month": ("flight to Denver on May 4", W(depart=D(2027, 5, 4), cities={"Denver"})),
    "may-i": ("may I fly to Boston on march 3", W(depart=D(2027, 3, 3), cities={"Boston"})),
    "sunday-flight": ("Sunday flight to Paris", W(depart=D(2026, 12, 6), cities={"Paris"})),
    "nice-hotel": (
        "find me a nice hotel in Rome for the 5th to the 7th",
        W(depart=D(2026, 12, 5), ret=D(2026, 12, 7), cities={"Rome"}),
    ),
    "march-in-sydney": (
        "Sydney March 10-14 for the conference",
        W(depart=D(2027, 3, 10), ret=D(2027, 3, 14), cities={"Sydney"}),
    ),
    # --- passengers written as words -----------------------------------------------------
    "me-and-two": (
        "can you book me and two colleagues to Boston on Friday",
        W(depart=D(2026, 12, 4), pax=3, dest="Boston"),
    ),
    "party-of-three": (
        "a party of three to Rome on the 12th",
        W(depart=D(2026, 12, 12), pax=3, dest="Rome"),
    ),
    "four-people": (
        "flights for four people to Dubai next Friday",
        W(depart=D(2026, 12, 11), pax=4, dest="Dubai"),
    ),
    "3-of-us": (
        "3 of us flying to Madrid on the 8th",
        W(depart=D(2026, 12, 8), pax=3, dest="Madrid"),
    ),
    "me-and-my-boss": ("me and my boss to Tokyo on the 20th", W(pax=2, dest="Tokyo")),
    "myself-plus-2": (
        "myself plus 2 to Seattle tomorrow",
        W(depart=D(2026, 12, 2), pax=3, dest="Seattle"),
    ),
    "just-me": ("just me, Delhi on the 19th", W(depart=D(2026, 12, 19), pax=1, dest="Delhi")),
    "i-and-five": ("I and five teammates heading to Atlanta on the 3rd", W(pax=6, dest="Atlanta")),
    "team-of-five": (
        "booking for a team of five to Chicago on Jan 6",
        W(depart=D(2027, 1, 6), pax=5, dest="Chicago"),
    ),
    "me-and-3-others": (
        "flights to LA for me and 3 others on the 17th",
        W(depart=D(2026, 12, 17), pax=4, dest="Los Angeles"),
    ),
    "three-of-us-long": (
        "Three of us need to get to Chicago on Dec. 10th and come back on the 12th",
        W(depart=D(2026, 12, 10), ret=D(2026, 12, 12), pax=3, dest="Chicago"),
    ),
    "w-coworkers": (
        "traveling w/ 2 coworkers to DFW the 16th",
        W(depart=D(2026, 12, 16), pax=3, dest="Dallas"),
    ),
    "two-seats": (
        "Book two seats to Seoul on the 9th",
        W(depart=D(2026, 12, 9), pax=2, dest="Seoul"),
    ),
    "my-wife-and-i": (
        "my wife and I to Sydney on the 26th",
        W(depart=D(2026, 12, 26), pax=2, dest="Sydney"),
    ),
    # --- rooms and nights ----------------------------------------------------------------
    "two-rooms-three-nights": (
        "two rooms in Paris for three nights from the 10th",
        W(depart=D(2026, 12, 10), nights=3, rooms=2, cities={"Paris"}),
    ),
    "couple-of-rooms": (
        "a couple of rooms in Dublin Dec 14-16",
        W(depart=D(2026, 12, 14), ret=D(2026, 12, 16), rooms=2, cities={"Dublin"}),
    ),
    "one-room-four-nights": (
        "need one room, four nights, Sydney, from Jan 2",
        W(depart=D(2027, 1, 2), nights=4, rooms=1, cities={"Sydney"}),
    ),
    "fortnight": (
        "hotel in tokyo for a fortnight from the 1st of Jan",
        W(depart=D(2027, 1, 1), nights=14, cities={"Tokyo"}),
    ),
    "nights-starting": (
        "two nights in Toronto starting the 15th",
        W(depart=D(2026, 12, 15), nights=2, cities={"Toronto"}),
    ),
    "for-a-week": (
        "flying to Delhi on Jan 3rd for a week",
        W(depart=D(2027, 1, 3), nights=7, dest="Delhi"),
    ),
    "origin-dest-return": (
        "From London to New York on the 3rd of January returning the 10th",
        W(depart=D(2027, 1, 3), ret=D(2027, 1, 10), origin="London", dest="New York", uk=True),
    ),
}


# Batch 2: written after the rebuild's mechanisms landed (main at bc0cde8), without
# looking at the readers for it, to see whether they generalise. First try: 27 / 32
# (84 %); failed: "2 weeks from Friday", "a week today", "three of us plus our
# manager", "single room" (rooms), "for ten days" (length of stay).
CASES_2: dict[str, tuple[str, Want]] = {
    "b2-2nd-of-next-month": (
        "need to be in Boston the 2nd of next month",
        W(depart=D(2027, 1, 2), dest="Boston"),
    ),
    "b2-early-next-month": (
        "Tokyo, early next month, on the 4th",
        W(depart=D(2027, 1, 4), dest="Tokyo"),
    ),
    "b2-next-month-out-back": (
        "fly out next month on the 20th and come back on the 24th, Paris",
        W(depart=D(2027, 1, 20), ret=D(2027, 1, 24), dest="Paris"),
    ),
    "b2-range-of-january": (
        "hotel in Madrid from the 10th to the 12th of January",
        W(depart=D(2027, 1, 10), ret=D(2027, 1, 12), cities={"Madrid"}),
    ),
    "b2-through-new-year": (
        "Dec 29 through Jan 1, room in Zurich",
        W(depart=D(2026, 12, 29), ret=D(2027, 1, 1), cities={"Zurich"}),
    ),
    "b2-uk-until": (
        "from 28 December until 2 January in Sydney",
        W(depart=D(2026, 12, 28), ret=D(2027, 1, 2), dest="Sydney", uk=True),
    ),
    "b2-thu-sun-next-week": (
        "Seoul, Thursday to Sunday next week",
        W(depart=D(2026, 12, 10), ret=D(2026, 12, 13), dest="Seoul"),
    ),
    "b2-week-after-next-any": (
        "the week after next, any day, to Miami",
        W(flexible=(D(2026, 12, 14), D(2026, 12, 20)), dest="Miami"),
    ),
    "b2-whichever-next-week": (
        "whichever day is cheapest next week to Denver",
        W(flexible=(D(2026, 12, 7), D(2026, 12, 13)), dest="Denver"),
    ),
    "b2-during-week-of": (
        "some time during the week of Jan 4 to Toronto",
        W(flexible=(D(2027, 1, 4), D(2027, 1, 10)), dest="Toronto"),
    ),
    "b2-2-weeks-from-friday": (
        "Chicago 2 weeks from Friday",
        W(depart=D(2026, 12, 18), dest="Chicago"),
    ),
    "b2-a-week-today": ("London a week today", W(depart=D(2026, 12, 8), dest="London", uk=True)),
    "b2-three-plus-manager": (
        "three of us plus our manager to Dallas on the 5th",
        W(depart=D(2026, 12, 5), pax=4, dest="Dallas"),
    ),
    "b2-two-and-myself": (
        "two colleagues and myself to Atlanta on the 9th",
        W(depart=D(2026, 12, 9), pax=3, dest="Atlanta"),
    ),
    "b2-six-people": (
        "booking for 6 people to Rome on Jan 12",
        W(depart=D(2027, 1, 12), pax=6, dest="Rome"),
    ),
    "b2-going-with-two": (
        "I'm going with my two teammates to Seattle tomorrow",
        W(depart=D(2026, 12, 2), pax=3, dest="Seattle"),
    ),
    "b2-group-of-eight": (
        "a group of eight to Dublin on the 15th",
        W(depart=D(2026, 12, 15), pax=8, dest="Dublin"),
    ),
    "b2-three-rooms": (
        "need three rooms in Frankfurt for 2 nights from the 3rd",
        W(depart=D(2026, 12, 3), nights=2, rooms=3, cities={"Frankfurt"}),
    ),
    "b2-single-room": (
        "single room in Paris, five nights starting Jan 8",
        W(depart=D(2027, 1, 8), nights=5, rooms=1, cities={"Paris"}),
    ),
    "b2-couple-of-nights": (
        "hotel in Singapore for a couple of nights from Friday",
        W(depart=D(2026, 12, 4), nights=2, cities={"Singapore"}),
    ),
    "b2-typo-frnakfurt": (
        "flights to Frnakfurt on 12/20",
        W(depart=D(2026, 12, 20), dest="Frankfurt"),
    ),
    "b2-typo-amstredam": ("Amstredam on Weds", W(depart=D(2026, 12, 2), dest="Amsterdam")),
    "b2-typo-los-angelos": (
        "to Los Angelos on the 11th",
        W(depart=D(2026, 12, 11), dest="Los Angeles"),
    ),
    "b2-typo-sydny-xmas": ("Sydny for xmas", W(depart=D(2026, 12, 25), dest="Sydney")),
    "b2-typo-washingtn": (
        "flight to Washingtn DC next Thursday",
        W(depart=D(2026, 12, 10), dest="Washington"),
    ),
    "b2-march-not-place": ("Denver, March 2nd", W(depart=D(2027, 3, 2), cities={"Denver"})),
    "b2-sat-not-place": ("Sat flight to Boston", W(depart=D(2026, 12, 5), cities={"Boston"})),
    "b2-friday-the-11th": (
        "fly to Paris on Friday the 11th",
        W(depart=D(2026, 12, 11), dest="Paris"),
    ),
    "b2-uk-slashes": (
        "Flying to Rome on 4/12, back 7/12",
        W(depart=D(2026, 12, 4), ret=D(2026, 12, 7), dest="Rome", uk=True),
    ),
    "b2-us-codes-range": (
        "SFO to NYC 12/10 - 12/14",
        W(depart=D(2026, 12, 10), ret=D(2026, 12, 14), origin="San Francisco", dest="New York"),
    ),
    "b2-jan-ords-range": (
        "the 3rd of Jan to the 6th, Miami",
        W(depart=D(2027, 1, 3), ret=D(2027, 1, 6), dest="Miami"),
    ),
    "b2-ten-days": (
        "going to Dubai on the 18th for ten days",
        W(depart=D(2026, 12, 18), nights=10, dest="Dubai"),
    ),
}
CASES.update(CASES_2)
# Found while fixing batch 2 (regressions, not part of any first try).
CASES.update(
    {
        "r-length-from-day": (
            "hotel for 2 weeks from Monday in Paris",
            W(depart=D(2026, 12, 7), nights=14, cities={"Paris"}),
        ),
        "r-fortnight-on-monday": (
            "Paris a fortnight on Monday",
            W(depart=D(2026, 12, 21), dest="Paris"),
        ),
        "r-3-days-after-the-14th": (
            "Boston 3 days after the 14th",
            W(depart=D(2026, 12, 17), dest="Boston"),
        ),
    }
)

# First-try failures not fixed yet (strict: a row that starts passing must leave).
NOT_YET: frozenset[str] = frozenset()


def _check(text: str, want: Want) -> list[str]:
    u = understand(text, NOW, month_first=not want.uk)
    bad: list[str] = []

    def expect(name: str, got: object, wanted: object) -> None:
        if wanted is not None and got != wanted:
            bad.append(f"{name}: got {got!r}, want {wanted!r}")

    d = u.dates
    expect("depart", d.depart, want.depart)
    expect("ret", d.ret, want.ret)
    if want.nights is not None:
        n = (
            d.nights
            if d.nights is not None
            else (d.ret - d.depart).days
            if d.ret and d.depart
            else None
        )
        expect("nights", n, want.nights)
    expect("flexible", getattr(d, "flexible", None), want.flexible)
    expect("pax", u.passengers, want.pax)
    expect("rooms", u.rooms, want.rooms)
    expect(
        "dest",
        u.destination.place.city if u.destination and u.destination.place else None,
        want.dest,
    )
    expect("origin", u.origin.place.city if u.origin and u.origin.place else None, want.origin)
    if want.cities is not None:
        expect("cities", frozenset(p.place.city for p in u.places if p.place), want.cities)
    return bad


@pytest.mark.parametrize(
    ("text", "want"),
    [
        pytest.param(
            *row,
            id=key,
            marks=[pytest.mark.xfail(strict=True, reason="first-try failure")]
            if key in NOT_YET
            else [],
        )
        for key, row in CASES.items()
    ],
)
def test_heldout_reading(text: str, want: Want) -> None:
    bad = _check(text, want)
    assert not bad, f"{text!r}: " + "; ".join(bad)


@pytest.mark.parametrize(
    "text",
    [
        "hotel from December 30th through January 3rd",  # found while fixing: was an unknown city
        "from Decmber 3 until Jan 2",
        "leaving Thursday, back Sunday",
        "from Tmrw to Friday",
        "in March, from the 3rd",
    ],
)
def test_date_words_are_never_places(text: str) -> None:
    assert find_places(text) == []


@pytest.mark.parametrize(
    ("text", "depart", "question"),
    [
        # Forms dateparser's search misreads (it gives 1 Jan, 1 Dec 2027 or nothing).
        ("first monday in january", D(2027, 1, 4), None),
        ("the last friday of the month", D(2026, 12, 25), None),
        ("the 2nd Tuesday of next month", D(2027, 1, 12), None),
        ("third wednesday in march", D(2027, 3, 17), None),
        ("the twelfth of december", D(2026, 12, 12), None),
        # A month with no day is a question, however it is written; a part of one
        # ("mid-december", "late Jan") is days to compare, no question (explore23:
        # issue 10, flexible dates show the cheapest days).
        ("in december", None, "Which day in December?"),
        ("during jan", None, "Which day in January?"),
        ("mid-december", None, None),
        ("late Jan", None, None),
    ],
)
def test_thin_layer_forms(text: str, depart: date | None, question: str | None) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.question) == (depart, question)


@pytest.mark.parametrize(
    ("text", "pax", "delta"),
    [
        ("add two more people", None, 2),
        ("one less seat", None, -1),
        ("I'm bringing my two colleagues", 3, 2),  # 3 in all when it starts a trip
        ("make it 3 more passengers", None, 3),
        ("with another colleague", None, 1),
        ("me and 2 colleagues", 3, None),
    ],
)
def test_passenger_changes_in_words(text: str, pax: int | None, delta: int | None) -> None:
    u = understand(text, NOW)
    assert (u.passengers, u.passenger_delta) == (pax, delta)
