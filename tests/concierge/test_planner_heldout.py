"""Held-out requests: phrasings none of the planner's own scenarios use.

Each row is a short conversation in someone else's words (terse, chatty, typos,
lower case, emoji, British dates, nicknames, follow-ups changing one detail) and
what the planner must do with its LAST message: the tool-call arguments that
matter, or the question it must ask instead of guessing. The clock is Tue
2026-12-01 09:00 UTC; Ava's home airport is JFK, Bea's is LHR (day-first dates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.concierge.planner_kit import AVA, Dialogue

BEA = dict(AVA, name="Bea Brit", home_airport="LHR", currency="GBP")


@dataclass(frozen=True)
class Case:
    messages: tuple[str, ...]
    out: dict[str, Any] | None = None  # outbound search_flights args (subset)
    ret: dict[str, Any] | None = None  # return search_flights args (subset)
    hotel: dict[str, Any] | None = None  # search_hotels args (subset)
    no_flight: bool = False  # the last turn must not search flights
    no_calls: bool = False  # the last turn must call no tool at all
    says: tuple[str, ...] = ()  # substrings of the last reply (case-insensitive)
    profile: dict[str, Any] = field(default_factory=lambda: dict(AVA))
    known_gap: str | None = None  # still fails: why (kept visible as a strict xfail)


CASES: dict[str, Case] = {
    # --- relative returns -------------------------------------------------------------
    "back-next-evening": Case(
        ("Need to be in chicago for a meeting on the 9th, back the next evening. Economy's fine",),
        out={"destination": "Chicago", "date": "2026-12-09", "cabin": "economy"},
        ret={"origin": "Chicago", "date": "2026-12-10", "depart_after": "17:00"},
    ),
    "two-days-later": Case(
        ("fly to miami on dec 14, coming back two days later",),
        out={"destination": "Miami", "date": "2026-12-14"},
        ret={"date": "2026-12-16"},
    ),
    "return-sunday-night": Case(
        ("chicago next friday, return on sunday night",),
        out={"destination": "Chicago", "date": "2026-12-11"},
        ret={"date": "2026-12-13", "depart_after": "20:00"},
    ),
    "fly-home-friday": Case(
        ("heading to atlanta wednesday, fly home friday",),
        out={"destination": "Atlanta", "date": "2026-12-02"},
        ret={"origin": "Atlanta", "date": "2026-12-04"},
    ),
    "day-after-return": Case(
        ("denver on the 15th and back the day after",),
        out={"destination": "Denver", "date": "2026-12-15"},
        ret={"date": "2026-12-16"},
    ),
    "weekday-through-weekday": Case(
        (
            "Hi there! So my boss wants me at the Denver office the week of the 14th, "
            "probably Monday through Thursday. Can you find me flights?",
        ),
        out={"destination": "Denver", "date": "2026-12-14"},
        ret={"date": "2026-12-17"},
    ),
    # --- anaphora and caps ---------------------------------------------------------------
    "hotels-there-those-nights-cap": Case(
        (
            "flights sfo to seattle dec 8 returning dec 10",
            "what about hotels there for those nights, under 200 a night",
        ),
        hotel={"city": "Seattle", "check_in": "2026-12-08", "check_out": "2026-12-10"},
        no_flight=True,
        says=("$200",),
    ),
    "hotel-same-dates": Case(
        ("flight to denver dec 9 back dec 12", "and a hotel for the same dates"),
        hotel={"city": "Denver", "check_in": "2026-12-09", "check_out": "2026-12-12"},
        no_flight=True,
    ),
    "hotel-max-dollars": Case(
        ("hotel in london 12/14 to 12/17 max $300",),
        hotel={"city": "London", "check_in": "2026-12-14", "check_out": "2026-12-17"},
        no_flight=True,
        says=("$300",),
    ),
    "flight-cap-under": Case(
        ("flights to chicago on the 9th, nothing over $300",),
        out={"destination": "Chicago", "date": "2026-12-09"},
        says=("$300",),
    ),
    "same-dates-other-city": Case(
        ("flights to boston on dec 10", "same date but to washington"),
        out={"destination": "Washington", "date": "2026-12-10"},
    ),
    # --- cancelling what is only a draft ------------------------------------------------
    "cancel-that-nothing-booked": Case(
        ("flights to boston on the 10th", "cancel that, actually I don't need to go"),
        no_calls=True,
        says=("nothing was booked",),
    ),
    "never-mind-trip-off": Case(
        ("flights to boston dec 10 returning dec 12", "scrap that, the trip is off"),
        no_calls=True,
        says=("nothing was booked",),
    ),
    # --- dates ---------------------------------------------------------------------------
    "week-from-thursday": Case(
        ("flight to atlanta a week from thursday",),
        out={"destination": "Atlanta", "date": "2026-12-10"},
    ),
    "end-of-next-week": Case(
        ("need to get to dallas end of next week",),
        out={"destination": "Dallas", "date": "2026-12-11"},
    ),
    "the-3rd": Case(
        ("seattle on the 3rd pls",),
        out={"destination": "Seattle", "date": "2026-12-03"},
    ),
    "next-tues": Case(
        ("next tues to boston",),
        out={"destination": "Boston", "date": "2026-12-08"},
    ),
    "this-friday": Case(
        ("This Friday, NYC -> Toronto",),
        out={"origin": "New York", "destination": "Toronto", "date": "2026-12-04"},
    ),
    "jan-5th": Case(
        ("Flights to London Jan 5th",),
        out={"destination": "London", "date": "2027-01-05"},
    ),
    "in-two-weeks": Case(
        ("i need to be in miami in 2 weeks",),
        out={"destination": "Miami", "date": "2026-12-15"},
    ),
    "british-day-first": Case(
        ("flight to new york on 14/12, back 18/12",),
        out={"origin": "LHR", "destination": "New York", "date": "2026-12-14"},
        ret={"date": "2026-12-18"},
        profile=BEA,
    ),
    "british-words": Case(
        ("Paris on the 14th of December, returning the 18th",),
        out={"origin": "LHR", "destination": "Paris", "date": "2026-12-14"},
        ret={"date": "2026-12-18"},
        profile=BEA,
    ),
    "typo-month": Case(
        ("flight to chicgo on decmber 9",),
        out={"destination": "Chicago", "date": "2026-12-09"},
    ),
    # --- times of day --------------------------------------------------------------------
    "first-thing": Case(
        ("lax to sfo tmrw first thing in the morning",),
        out={"origin": "LAX", "destination": "SFO", "date": "2026-12-02", "depart_before": "09:00"},
    ),
    "red-eye": Case(
        ("red-eye from sfo to jfk on the 15th",),
        out={"origin": "SFO", "destination": "JFK", "date": "2026-12-15", "depart_after": "20:00"},
    ),
    "after-lunch": Case(
        ("flight to boston tomorrow after lunch",),
        out={"destination": "Boston", "date": "2026-12-02", "depart_after": "13:00"},
    ),
    "after-5pm-us-date": Case(
        ("fly to sf on 12/18 after 5pm",),
        out={"destination": "San Francisco", "date": "2026-12-18", "depart_after": "17:00"},
    ),
    # --- people --------------------------------------------------------------------------
    "two-adults": Case(
        ("flights to miami dec 20 for 2 adults",),
        out={"destination": "Miami", "date": "2026-12-20", "passengers": 2},
    ),
    "me-and-colleague": Case(
        ("me and my colleague need to fly to Boston on Thursday",),
        out={"destination": "Boston", "date": "2026-12-03", "passengers": 2},
    ),
    "followup-two-of-us": Case(
        ("flights to boston on dec 10", "there'll be 2 of us actually"),
        out={"destination": "Boston", "date": "2026-12-10", "passengers": 2},
    ),
    # --- places --------------------------------------------------------------------------
    "lowercase-codes": Case(
        ("ord to lga dec 11",),
        out={"origin": "ORD", "destination": "LGA", "date": "2026-12-11"},
    ),
    "big-apple": Case(
        ("from chicago to the big apple on friday",),
        out={"origin": "Chicago", "destination": "New York", "date": "2026-12-04"},
    ),
    "chi-town": Case(
        ("gotta be in chi-town on the 9th",),
        out={"destination": "Chicago", "date": "2026-12-09"},
    ),
    "emoji": Case(
        ("✈️ to LA on the 12th pls 🙏",),
        out={"destination": "Los Angeles", "date": "2026-12-12"},
    ),
    "typo-city": Case(
        ("flight to san fransico on dec 16",),
        out={"destination": "San Francisco", "date": "2026-12-16"},
    ),
    # --- cabins, stops, sort -------------------------------------------------------------
    "range-business-direct": Case(
        ("London Dec 14-18, business, direct",),
        out={"destination": "London", "date": "2026-12-14", "cabin": "business", "max_stops": 0},
        ret={"date": "2026-12-18"},
    ),
    "cheapest-saturday": Case(
        ("cheapest flight to toronto on saturday",),
        out={"destination": "Toronto", "date": "2026-12-05", "sort": "price"},
    ),
    "how-much-flight": Case(
        ("how much is a flight to london next monday?",),
        out={"destination": "London", "date": "2026-12-07"},
    ),
    # --- hotels --------------------------------------------------------------------------
    "room-the-3rd-2-nights": Case(
        ("need a room in paris the 3rd for 2 nights",),
        hotel={"city": "Paris", "check_in": "2026-12-03", "check_out": "2026-12-05"},
        no_flight=True,
    ),
    "already-there-hotel": Case(
        ("I'm already in chicago, just need a hotel tonight and tomorrow night",),
        hotel={"city": "Chicago", "check_in": "2026-12-01", "check_out": "2026-12-03"},
        no_flight=True,
    ),
    "how-much-hotel-tonight": Case(
        ("how much is a hotel in boston tonight?",),
        hotel={"city": "Boston", "check_in": "2026-12-01", "check_out": "2026-12-02"},
        no_flight=True,
    ),
    # --- follow-ups changing one detail --------------------------------------------------
    "followup-business": Case(
        ("flights to boston on dec 10", "make it business"),
        out={"destination": "Boston", "date": "2026-12-10", "cabin": "business"},
    ),
    "followup-actually-11th": Case(
        ("flights to boston on dec 10", "actually the 11th"),
        out={"destination": "Boston", "date": "2026-12-11"},
    ),
    "followup-evening-instead": Case(
        ("flights to boston on dec 10", "anything in the evening instead?"),
        out={"destination": "Boston", "date": "2026-12-10", "depart_after": "17:00"},
    ),
    # --- missing information: ask, do not guess -------------------------------------------
    "ask-where": Case(("I need a flight",), no_calls=True, says=("where",)),
    "ask-when": Case(("book me something to austin",), no_calls=True, says=("austin",)),
    "ask-hotel-city": Case(
        ("hotel for 3 nights from the 14th",), no_calls=True, says=("which city",)
    ),
    "ask-when-terse": Case(("dublin",), no_calls=True, says=("which date",)),
    # --- second batch, written after the fixes above and run before any further change ---
    "b-back-following-morning": Case(
        ("boston on dec 10, heading home the following morning",),
        out={"destination": "Boston", "date": "2026-12-10"},
        ret={"origin": "Boston", "date": "2026-12-11", "depart_before": "12:00"},
    ),
    "b-return-3-days-later": Case(
        ("Fly me to Toronto on the 16th; I'll return 3 days later.",),
        out={"destination": "Toronto", "date": "2026-12-16"},
        ret={"date": "2026-12-19"},
    ),
    "b-back-monday": Case(
        ("going to dallas this thursday, back monday",),
        out={"destination": "Dallas", "date": "2026-12-03"},
        ret={"date": "2026-12-07"},
    ),
    "b-hotel-budget-followup": Case(
        ("hotel in denver dec 9-12", "anything under $250?"),
        says=("$250",),
    ),
    "b-max-per-person": Case(
        ("flights to atlanta on the 18th, max 500 per person",),
        out={"destination": "Atlanta", "date": "2026-12-18"},
        says=("$500",),
    ),
    "b-hotel-for-trip": Case(
        ("miami dec 14 returning dec 17", "I'll also need somewhere to stay"),
        hotel={"city": "Miami", "check_in": "2026-12-14", "check_out": "2026-12-17"},
        no_flight=True,
    ),
    "b-forget-it-search": Case(
        ("hotels in paris dec 3 to dec 6", "forget the whole thing, plans changed"),
        no_calls=True,
        says=("nothing was booked",),
    ),
    "b-start-of-next-week": Case(
        ("need to fly to seattle start of next week",),
        out={"destination": "Seattle", "date": "2026-12-07"},
    ),
    "b-typo-weekday": Case(
        ("flight to miami on thrusday",),
        out={"destination": "Miami", "date": "2026-12-03"},
    ),
    "b-caps-codes": Case(
        ("JFK-LHR 12/20 biz",),
        out={"origin": "JFK", "destination": "LHR", "date": "2026-12-20", "cabin": "business"},
    ),
    "b-three-of-us": Case(
        ("3 of us need to get to chicago on the 11th",),
        out={"destination": "Chicago", "date": "2026-12-11", "passengers": 3},
    ),
    "b-morning-return-evening": Case(
        ("boston dec 9 morning, back dec 10 in the evening",),
        out={"destination": "Boston", "date": "2026-12-09", "depart_before": "12:00"},
        ret={"date": "2026-12-10", "depart_after": "17:00"},
    ),
    "b-uk-date-words": Case(
        ("Need to be in Frankfurt on Wednesday 9th December",),
        out={"origin": "LHR", "destination": "Frankfurt", "date": "2026-12-09"},
        profile=BEA,
    ),
    "b-nonstop-followup": Case(
        ("flights to denver on the 15th", "nonstop only please"),
        out={"destination": "Denver", "date": "2026-12-15", "max_stops": 0},
    ),
    "b-hotel-nights-followup": Case(
        ("hotel in boston from the 10th", "3 nights"),
        hotel={"city": "Boston", "check_in": "2026-12-10", "check_out": "2026-12-13"},
    ),
    "b-what-does-cost": Case(
        ("what does a business class ticket to tokyo cost on jan 10?",),
        out={"destination": "Tokyo", "date": "2027-01-10", "cabin": "business"},
    ),
    # --- third batch, written blind after batch B's fixes --------------------------------
    "c-back-next-afternoon": Case(
        ("sfo from jfk dec 11, back next afternoon",),
        out={"origin": "JFK", "destination": "SFO", "date": "2026-12-11"},
        ret={"date": "2026-12-12", "depart_after": "12:00"},
    ),
    "c-week-later": Case(
        ("london dec 5, return a week later",),
        out={"destination": "London", "date": "2026-12-05"},
        ret={"date": "2026-12-12"},
    ),
    "c-pounds-cap": Case(
        ("hotel in paris 10-12 dec, under £150 a night",),
        hotel={"city": "Paris", "check_in": "2026-12-10", "check_out": "2026-12-12"},
        says=("£150", "priced in USD"),
        profile=BEA,
    ),
    "c-duration-is-not-a-cap": Case(
        ("flights to boston dec 10 under 2 hours",),
        out={"destination": "Boston", "date": "2026-12-10"},
    ),
    "c-fly-in-day-before": Case(
        ("meeting in denver on the 10th, fly in the day before",),
        out={"destination": "Denver", "date": "2026-12-09"},
    ),
    "c-fortnight-hotel": Case(
        ("hotel in dubai from the 20th for a fortnight",),
        hotel={"city": "Dubai", "check_in": "2026-12-20", "check_out": "2027-01-03"},
        no_flight=True,
    ),
    "c-sat-to-tue": Case(
        ("amsterdam sat to tue",),
        out={"destination": "Amsterdam", "date": "2026-12-05"},
        ret={"date": "2026-12-08"},
    ),
    "c-colleague-and-i": Case(
        ("my colleague and I need flights to seattle on the 14th",),
        out={"destination": "Seattle", "date": "2026-12-14", "passengers": 2},
    ),
    "c-from-newark-instead": Case(
        ("flights to boston on dec 10", "from newark instead"),
        out={"origin": "EWR", "destination": "Boston", "date": "2026-12-10"},
    ),
    "c-two-rooms": Case(
        ("2 rooms in london dec 14-16",),
        hotel={"city": "London", "check_in": "2026-12-14", "check_out": "2026-12-16", "rooms": 2},
        no_flight=True,
    ),
    "c-heathrow-lowercase": Case(
        ("heathrow to jfk on the 20th",),
        out={"origin": "LHR", "destination": "JFK", "date": "2026-12-20"},
    ),
    "c-how-about-friday": Case(
        ("flights to boston on dec 10", "how about friday instead"),
        # Expectation corrected (stop 19, issue owner's decision): "friday instead" of
        # Thu 10 Dec is the Friday of that week, Fri 11 Dec, as batch 19's correction rule
        # (b19_corr_make_it_thursday) reads it; the earlier expectation, this week's
        # Fri 4 Dec, moved the trip back six days away from the date being corrected.
        out={"destination": "Boston", "date": "2026-12-11"},
    ),
    "c-how-much-return-trip": Case(
        ("how much would a return trip to chicago be, leaving the 9th and back on the 11th",),
        out={"destination": "Chicago", "date": "2026-12-09"},
        ret={"date": "2026-12-11"},
    ),
    "c-forget-that-business": Case(
        ("flights to boston on dec 10", "forget that, make it business"),
        out={"destination": "Boston", "date": "2026-12-10", "cabin": "business"},
    ),
    # --- fourth batch, written blind after batch C's fixes --------------------------------
    "d-chatty-return-friday-evening": Case(
        (
            "hey! could you sort me out with flights to atlanta on monday the 7th? "
            "i'd like to fly back friday evening if possible",
        ),
        out={"destination": "Atlanta", "date": "2026-12-07"},
        ret={"origin": "Atlanta", "date": "2026-12-11", "depart_after": "17:00"},
    ),
    "d-us-slash-range": Case(
        ("need flights nyc to sf 12/14-12/16",),
        out={"origin": "New York", "destination": "San Francisco", "date": "2026-12-14"},
        ret={"date": "2026-12-16"},
    ),
    "d-back-same-day": Case(
        ("day trip to boston on the 10th, back the same day",),
        out={"destination": "Boston", "date": "2026-12-10"},
        ret={"date": "2026-12-10"},
    ),
    "d-hotel-nights-cap-usd": Case(
        ("find me a hotel in seattle for 2 nights from dec 8, budget is $180/night",),
        hotel={"city": "Seattle", "check_in": "2026-12-08", "check_out": "2026-12-10"},
        no_flight=True,
        says=("$180",),
    ),
    "d-tomorrow-evening-2pax": Case(
        ("two seats to dc tomorrow evening",),
        out={
            "destination": "Washington",
            "date": "2026-12-02",
            "passengers": 2,
            "depart_after": "17:00",
        },
    ),
    "d-early-flight-lowercase": Case(
        ("early flight to denver on the 4th",),
        out={"destination": "Denver", "date": "2026-12-04", "depart_before": "09:00"},
    ),
    "d-hotel-followup-cheaper": Case(
        ("hotel in london dec 14-17", "anything under 250 a night?"),
        says=("$250",),
    ),
    "d-return-date-followup": Case(
        ("flights to miami on dec 14", "and back on the 18th"),
        ret={"origin": "Miami", "date": "2026-12-18"},
    ),
    "d-premium-followup": Case(
        ("london dec 14", "premium economy instead"),
        out={"destination": "London", "date": "2026-12-14", "cabin": "premium"},
    ),
    "d-coming-home-next-day": Case(
        ("toronto on dec 9, coming home the next day",),
        out={"destination": "Toronto", "date": "2026-12-09"},
        ret={"origin": "Toronto", "date": "2026-12-10"},
    ),
    "d-cancel-my-search": Case(
        ("flights to denver on dec 15", "never mind, cancel it"),
        no_calls=True,
        says=("nothing was booked",),
    ),
    "d-past-date-asks": Case(("flight to boston yesterday",), no_calls=True, says=("past",)),
    # --- fifth batch, written blind after batch D's fixes ---------------------------------
    "e-return-tue-after-lunch": Case(
        ("Frankfurt on Friday the 11th, home Tuesday after lunch",),
        out={"destination": "Frankfurt", "date": "2026-12-11"},
        ret={"date": "2026-12-15", "depart_after": "13:00"},
    ),
    "e-la-lowercase-nickname": Case(
        ("la to vegas dec 12",),
        no_calls=True,
        says=("vegas",),
        known_gap="an all-lower-case name we do not serve is not taken for a place, so the "
        "reply asks where to instead of saying Las Vegas is not served",
    ),
    "e-four-nights-from-date": Case(
        ("4 nights in tokyo starting jan 8, hotel only",),
        hotel={"city": "Tokyo", "check_in": "2027-01-08", "check_out": "2027-01-12"},
        no_flight=True,
    ),
    "e-cap-followup-flights": Case(
        ("flights to chicago on dec 9", "which ones are under 500?"),
        says=("$500",),
    ),
    "e-the-2nd-tomorrow": Case(
        # Written expecting 2 Jan; 2 Dec is tomorrow, so the planner was right.
        ("flight to madrid on the 2nd",),
        out={"destination": "Madrid", "date": "2026-12-02"},
    ),
    "e-colleagues-three": Case(
        ("me + 2 coworkers to boston on the 10th",),
        out={"destination": "Boston", "date": "2026-12-10", "passengers": 3},
    ),
    "e-back-in-two-days": Case(
        ("zurich dec 15, back in 2 days",),
        out={"destination": "Zurich", "date": "2026-12-15"},
        ret={"date": "2026-12-17"},
    ),
    "e-nevermind-hotel-search": Case(
        ("hotel in dublin dec 3-5", "cancel that search"),
        no_calls=True,
        says=("nothing was booked",),
    ),
}


async def test_cancel_that_with_a_hold_offers_to_cancel_the_hold() -> None:
    d = Dialogue()
    await d.say("flights to boston on dec 10")
    await d.say("book option 1")
    assert "reserve" in d.backend.names()
    reply = await d.say("cancel that, I don't need to go")
    assert reply == "<confirm cancel_booking>"
    assert d.pending is not None
    assert d.pending.tool_calls[0]["args"]["booking_id"]


def _subset(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: actual.get(k) for k in expected}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=c.known_gap, strict=True))
        if c.known_gap
        else n
        for n, c in CASES.items()
    ],
)
async def test_heldout(name: str) -> None:
    case = CASES[name]
    d = Dialogue(profile=dict(case.profile))
    for message in case.messages[:-1]:
        await d.say(message)
    before = len(d.backend.calls)
    reply = await d.say(case.messages[-1])
    calls = d.backend.calls[before:]
    flights = [a for n, a in calls if n == "search_flights"]
    hotels = [a for n, a in calls if n == "search_hotels"]
    if case.no_calls:
        assert calls == [], reply
    if case.no_flight:
        assert flights == [], reply
    if case.out is not None:
        assert flights, reply
        assert _subset(flights[0], case.out) == case.out
    if case.ret is not None:
        # The return is the second search, or the only one when just the return changed.
        assert len(flights) >= (1 if case.out is None else 2), (flights, reply)
        got = _subset(flights[-1], case.ret)
        if case.ret.get("depart_after", "") >= "17:00" and got.get("depart_after"):
            # Any evening window counts ("evening" 17:00, "night" a little later).
            assert got["depart_after"] >= "17:00"
            got["depart_after"] = case.ret["depart_after"]
        assert got == case.ret
    if case.hotel is not None:
        assert hotels, reply
        assert _subset(hotels[0], case.hotel) == case.hotel
    for text in case.says:
        assert text.lower() in reply.lower(), reply


@pytest.mark.parametrize(
    ("text", "cap"),
    [
        ("under 200 a night", (200, "night", None)),
        ("max $300", (300, None, "USD")),
        ("budget is £1,200 per person", (1200, "person", "GBP")),
        ("no more than 250 euros a night", (250, "night", "EUR")),
        ("$180/night", None),  # no cap word: a price mention, not a limit
        ("under 2 hours", None),
        ("max 1 stop", None),
        ("up to 3 nights", None),
        ("under 5", None),
    ],
)
def test_price_caps_are_read_and_nothing_else_is(
    text: str, cap: tuple[int, str | None, str | None] | None
) -> None:
    from concierge.planner.nlu.intents import understand
    from tests.concierge.planner_kit import NOW

    got = understand(f"hotel in boston dec 10-12 {text}", NOW).price_cap
    assert (None if got is None else (got.amount, got.per, got.currency)) == cap
