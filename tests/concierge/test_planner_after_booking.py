"""After booking, in words other than the held-out batch 24's: seats for the whole party or
each person, a position avoided, extra legroom by its feature (asked its price: offered
for a yes; asked for: bought), a no that also asks for something, check-in questions and
which trip and flight they mean, a trip named by a weekday or by its flight home, the
boarding group said honestly, and a seat number said with a day. Issue 10's seat cases:
the party together asked as a question, a position per person (the first implied by "I'll
take", family names, the middle), a position per leg, only the people named seated
together; and a flight's status asked, answered from the trip, never a disruption told."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Any

import pytest

from concierge.planner.answers import trip_answers
from concierge.planner.flows import changes, checkin
from concierge.planner.flows import seats as seat_flow
from concierge.planner.flows.base import Call, Reply
from concierge.planner.flows.trips import trip_ask
from concierge.planner.nlu.intents import Intent, understand
from concierge.planner.nlu.seats import read
from concierge.planner.state import State, Step, Turn
from concierge.service import Concierge
from core.runtime import Runtime
from tests.concierge import test_planner_e2e as e2e
from tests.concierge.test_planner_e2e import Chat, caller
from tests.concierge.test_planner_seats import _LONDON, _LONDON_FLIGHTS, _PARIS, seats_of
from tools.get_seat_map import GetSeatMapOutput, SeatMapSegmentOut
from tools.list_trips import TripOut

demo = e2e.demo
concierge = e2e.concierge
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_CTX = seat_flow.Context(now=NOW, profile={"home_airport": "JFK"})


# --------------------------------------------------------------------------- reading
@pytest.mark.parametrize(
    ("text", "position", "everyone", "feature", "per_person"),
    [
        # a position avoided asks for another
        ("avoid the middle please", "aisle", False, None, ()),
        ("I'd rather not be in the middle", "aisle", False, None, ()),
        ("anything except an aisle seat", "window", False, None, ()),
        # any free seat, the party together
        ("can the two of us be seated side by side?", "any", True, None, ()),
        ("put all three of us together", "any", True, None, ()),
        ("whatever seat is going", "any", False, None, ()),
        # one position per person
        ("aisle for Priya, window for me", "aisle", False, None,
         (("Priya", "aisle"), ("me", "window"))),
        ("me by the window and Tom on the aisle", "window", False, None,
         (("me", "window"), ("Tom", "aisle"))),
        # a seat with a fee, by its feature
        ("is there an exit row seat free?", None, False, "exit", ()),
        ("a bulkhead seat please", None, False, "legroom", ()),
        ("somewhere with extra legroom", None, False, "legroom", ()),
    ],
)
def test_seat_wishes_read_their_position_party_and_feature(
    text: str, position: str | None, everyone: bool, feature: str | None, per_person: tuple
) -> None:
    request = read(text)
    assert (request.position, request.everyone, request.feature) == (position, everyone, feature)
    assert tuple(p for p in request.per_person if p[0] != "not") == per_person


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # seats, whatever else the message counts or names
        ("can we all sit together on the flight?", Intent.SEATS),
        ("seats side by side for the four of us", Intent.SEATS),
        ("Anything but a middle seat on my flight back from London", Intent.SEATS),
        ("window seat on my New York to Miami flight on the 11th", Intent.SEATS),
        ("nope, not paying extra — an aisle seat will do", Intent.SEATS),
        ("could you seat us together please", Intent.SEATS),
        ("I need an aisle, I've got long legs", Intent.SEATS),
        ("can you sit me and Jo together", Intent.SEATS),
        # check-in asked about, no hotel named: the flight's
        ("am I able to check in now?", Intent.CHECK_IN),
        ("how soon can we check in?", Intent.CHECK_IN),
        ("is check-in open yet?", Intent.CHECK_IN),
        ("check us in for the Madrid flight on Friday", Intent.CHECK_IN),
        ("no thanks — just check me in", Intent.CHECK_IN),
        ("check in for tomorrow's flight", Intent.CHECK_IN),
        ("check-in opens when?", Intent.CHECK_IN),
        ("boarding pass for tuesday's flight to Chicago", Intent.BOARDING_PASS),
        ("am I checked in?", Intent.BOARDING_PASS),  # the passes say whether one is
        ("have we checked in for the flight yet?", Intent.BOARDING_PASS),
        ("do I have a seat yet on the monday flight?", Intent.SEATS),
        # what the airline decides at the airport: said honestly
        ("which zone do I board in on UA 27?", Intent.UNSUPPORTED),
        ("do I have priority boarding?", Intent.UNSUPPORTED),
        # a fee agreed to
        ("ok, add it", Intent.YES),
        ("go on, add that", Intent.YES),
        # still what they were
        ("find flights to Paris on Thursday, window seat please", Intent.SEARCH),
        ("I prefer window seats, can you find flights to Boston on Friday", Intent.SEARCH),
        ("no, not now", Intent.NO),
    ],
)
def test_after_booking_requests_in_other_words(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "what time can we check in to the room?",
        "can I check in at the hotel early?",
        "when does check-in open at the Marriott hotel?",
    ],
)
def test_a_hotel_check_in_question_is_no_flight_check_in(text: str) -> None:
    assert understand(text, NOW).intent != Intent.CHECK_IN


@pytest.mark.parametrize(
    ("text", "seat", "day"),
    [
        ("I'll take 21C on the 18th", "21C", dt.date(2026, 12, 18)),
        ("put me in 30K for friday's flight", "30K", dt.date(2026, 12, 4)),
        ("seat 9F on the 14/12 flight", "9F", dt.date(2026, 12, 14)),
        ("give me 31A on Dec 14, thanks", "31A", dt.date(2026, 12, 14)),
    ],
)
def test_a_seat_number_keeps_the_day_said_with_it(text: str, seat: str, day: dt.date) -> None:
    u = understand(text, NOW, month_first=False)
    assert u.intent == Intent.SEATS
    assert u.seat_request is not None
    assert u.seat_request.seats == (seat,)
    assert u.dates.depart == day


@pytest.mark.parametrize(
    ("text", "flight"),
    [("I'll take 21C on the 18th", "BA 18"), ("give me 31A on Dec 14, thanks", "BA 19")],
)
def test_the_day_said_with_a_seat_number_names_its_flight(text: str, flight: str) -> None:
    meant = seat_flow._meant(_LONDON_FLIGHTS, understand(text, NOW), _CTX)
    assert [f["flight"] for f in meant] == [flight]


# --------------------------------------------------------------------------- check-in
def _listed(extra: list[Step] | None = None) -> Turn:
    steps = [Step("t1", "list_trips", {}, {"trips": [_LONDON, _PARIS], "more": False}, done=True)]
    return Turn(understanding=None, steps=steps + (extra or []), index=1, ai_messages=0)


_BOOKING = {
    "booking_id": "BK-LONDON", "status": "confirmed", "passengers": [],
    "segments": [{**f, "status": "booked"} for f in _LONDON_FLIGHTS],
}


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("please check me in for BA 18", "s2"),
        ("check in for the way back on friday", "s2"),
        ("can you check me in for my return flight?", "s2"),
        ("check me in for the 14th's flight", "s1"),
        ("check me in for london", None),  # the trip only: the core takes its next flight
    ],
)
def test_check_in_goes_to_the_flight_named(text: str, segment: str | None) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.CHECK_IN
    turn = _listed([Step("t2", "get_booking", {}, _BOOKING, done=True)])
    calls = checkin.check_in(State(), turn, _CTX, u)
    assert isinstance(calls, list)
    assert calls[0].name == "check_in"
    assert calls[0].args.get("booking_id") == "BK-LONDON"
    assert calls[0].args.get("segment_id") == segment


@pytest.mark.parametrize(
    "text", ["check in for thursday's Paris flight please", "check us in for DL 15"]
)
def test_check_in_for_a_trip_not_confirmed_says_so(text: str) -> None:
    # The trip named is read (never swapped for another) for its own check-in window,
    # which the answer quotes (explore23; the reply itself: test_planner_explore_s23).
    said = checkin.check_in(State(), _listed(), _CTX, understand(text, NOW))
    assert isinstance(said, list), said
    assert [(c.name, c.args) for c in said] == [("get_booking", {"booking_id": "BK-PARIS"})]


# --------------------------------------------------------------------------- the booked trip
def _trips() -> list[TripOut]:
    return [t for t in (TripOut.model_validate(r) for r in (_LONDON, _PARIS))]


@pytest.mark.parametrize(
    ("text", "booking"),
    [
        ("when does my friday flight leave?", "BK-LONDON"),  # Fri 18 Dec, not Fri 4 Dec
        ("what time is my Thursday flight?", "BK-PARIS"),
        ("when does my return flight land back in New York?", "BK-LONDON"),
        ("what time does my flight back to NYC arrive?", "BK-LONDON"),
        ("what time do I land back in New York?", "BK-LONDON"),
    ],
)
def test_a_trip_named_by_a_weekday_or_its_flight_home(text: str, booking: str) -> None:
    ask = trip_ask(understand(text, NOW))
    found = trip_answers.matching(_trips(), ask, NOW.date())
    assert [t.booking_id for t in found][:1] == [booking]


# --------------------------------------------------------------------------- paid and party seats
def _segment(**kw: Any) -> SeatMapSegmentOut:
    base: dict[str, Any] = {
        "segment_id": "s1", "flight": "AA 1", "origin": "JFK", "destination": "BOS",
        "date": "2026-12-10", "aircraft": "737-800", "cabin": "economy", "columns": "ABC DEF",
        "seats_free": 100, "passengers": [], "rows": [],
    }
    return SeatMapSegmentOut.model_validate(base | kw)


_FEE = {"amount": "25.00", "currency": "USD"}


@pytest.mark.parametrize(
    ("rows", "n", "position", "exit", "seats"),
    [
        ([{"row": 5, "free": "ABCDEF", "fee": _FEE}], 1, None, False, ["5A"]),
        ([{"row": 5, "free": "ABCDEF", "fee": _FEE}], 1, "aisle", False, ["5C"]),
        # an exit row wished for, over a bulkhead in front of it
        ([{"row": 5, "free": "ABCDEF", "fee": _FEE},
          {"row": 16, "free": "DEF", "fee": _FEE, "exit": True}], 1, None, True, ["16D"]),
        # two side by side: never across the aisle
        ([{"row": 5, "free": "CD", "fee": _FEE}, {"row": 6, "free": "EF", "fee": _FEE}],
         2, None, False, ["6E", "6F"]),
        ([{"row": 7, "free": "ABC"}], 1, None, False, None),  # no fee, no legroom
    ],
)
def test_a_legroom_wish_finds_free_paid_seats(rows, n, position, exit, seats) -> None:
    assert seat_flow._paid_seats(_segment(rows=rows), n, position, exit=exit) == seats


_PARTY = {
    "booking_id": "BK-2", "status": "confirmed",
    "passengers": [
        {"passenger_id": "p1", "name": "Ava Patel", "traveler_id": "ava"},
        {"passenger_id": "p2", "name": "Priya Shah"},
        {"passenger_id": "p3", "name": "Tom Reed"},
    ],
    "segments": [{"segment_id": "s1", "kind": "flight", "status": "booked", "flight": "AA 1"}],
}


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("aisle for Priya, window for me", {"p2": "aisle", "p1": "window"}),
        ("me by the window and Tom on the aisle", {"p1": "window", "p3": "aisle"}),
        ("window seats for the three of us", {"p1": "window", "p2": "window", "p3": "window"}),
        ("can the three of us sit side by side?", {"p1": "any", "p2": "any", "p3": "any"}),
    ],
)
def test_party_seat_wishes_seat_each_person(text: str, wanted: dict[str, str]) -> None:
    ctx = seat_flow.Context(now=NOW, profile={"home_airport": "JFK"}, user_id="ava")
    call = seat_flow.wish_call(_PARTY, ctx, read(text))
    assert call is not None
    got = {a["passenger_id"]: a["position"] for a in call.args["assignments"]}
    assert got == wanted


def test_a_legroom_price_question_offers_the_seat_for_a_yes() -> None:
    segment = _segment(rows=[{"row": 16, "free": "ABC", "fee": _FEE, "exit": True}],
                       passengers=[{"passenger_id": "p1", "name": "Ava Patel"}])
    booking = {"booking_id": "BK-1", "status": "held",
               "passengers": [{"passenger_id": "p1", "name": "Ava Patel", "traveler_id": "ava"}]}
    ctx = seat_flow.Context(now=NOW, user_id="ava")
    seat_map = GetSeatMapOutput(booking_id="BK-1", segments=[segment])
    asked = seat_flow.with_feature(booking, ctx, read("exit row?"), seat_map, None,
                                   "what's the fee for an exit row?")
    assert isinstance(asked, seat_flow.Reply)
    assert "16A" in asked.text
    assert "25.00 USD" in asked.text
    assert asked.offer is not None
    assert asked.offer.kind == "seat_fee"
    assert asked.offer.args["call"]["accept_fees"] is True
    # asked for, the fee not named yet: offered the same way (nothing chosen unasked)
    offered = seat_flow.with_feature(booking, ctx, read("put me in an exit row please"),
                                     seat_map, None, "put me in an exit row please")
    assert isinstance(offered, seat_flow.Reply)
    assert offered.offer is not None
    # asked for, the fee said to be fine: chosen (the core then puts the fee to them)
    said = "an exit row please, happy to pay the fee"
    wanted = seat_flow.with_feature(booking, ctx, read(said), seat_map, None, said)
    assert isinstance(wanted, list)
    assert wanted[0].name == "choose_seats"
    assert wanted[0].args["assignments"][0]["seat"] == "16A"


# --------------------------------------------------------------------------- end to end
async def _held(chat: Chat, request: str) -> str:
    await chat.say(request)
    await chat.say("option 1")
    return str(chat.output("reserve")["booking_id"])


async def test_side_by_side_for_the_two_of_us_after_a_hold(
    concierge: Concierge, demo: Runtime
) -> None:
    admin = Chat(concierge, await caller(demo, "admin"))
    booking_id = await _held(admin, "book me and Erin on a flight from New York to Boston on Dec 17, direct")

    reply = await admin.say("could the two of us sit next to each other?")

    assert admin.tools() == ["choose_seats"], reply
    seats = await seats_of(demo, booking_id)
    assert None not in seats
    assert len(seats) == 2
    assert seats[0][:-1] == seats[1][:-1], "one row"


async def test_extra_legroom_priced_then_added_then_the_hold_confirmed(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    booking_id = await _held(ava, "New York to Boston on Dec 17, direct")

    quoted = await ava.say("how much would a seat with extra legroom be?")
    assert ava.tools() == ["get_seat_map"]
    assert "Shall I add it?" in quoted
    assert await seats_of(demo, booking_id) == [None]

    await ava.say("ok, add it")
    assert ava.tools() == ["choose_seats"]
    (seat,) = await seats_of(demo, booking_id)
    assert seat is not None
    asked = ava.confirmation  # the fee joined the price: the confirmation comes back
    assert asked is not None
    assert asked.action["tool"] == "confirm_booking"

    await ava.answer(True)
    assert await e2e.booking_status(demo, booking_id) == "confirmed"


async def test_a_no_to_a_paid_seat_that_asks_for_a_free_one_seats_it(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("New York to Boston on Dec 17, direct")
    await ava.say("book option 1")
    await ava.answer(True)
    booking_id = str(ava.output("confirm_booking")["booking_id"])
    await ava.say("show me the seat map")
    paid_row = next(r for r in ava.output("get_seat_map")["segments"][0]["rows"] if r.get("fee"))
    await ava.say(f"can I have {paid_row['row']}{paid_row['free'][0]}?")
    assert ava.confirmation is not None  # buy_seats asks first

    reply = await ava.say("nah, not worth it — an aisle seat is fine")

    assert "choose_seats" in ava.tools(), reply
    assert "buy_seats" not in ava.tools()
    (seat,) = await seats_of(demo, booking_id)
    assert seat is not None
    assert seat[-1] in "CD"


async def test_check_in_asked_after_booking_a_hotel_alone_is_the_hotels(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("a hotel in Boston from Dec 17 to Dec 19")
    await ava.say("option 1")
    await ava.answer(True)

    reply = await ava.say("when can I check in?")

    assert "check_in" not in ava.tools(), reply
    assert "check" in reply.lower()
    assert "17 Dec" in reply or "Dec 17" in reply, reply


# --------------------------------------------------------------------------- issue 10's seat cases
# A party of four (Sam Lee too) on a round trip, out (s1) and home (s2).
_FOUR = {
    "booking_id": "BK-4", "status": "confirmed",
    "passengers": [*_PARTY["passengers"], {"passenger_id": "p4", "name": "Sam Lee"}],
    "segments": [{**f, "status": "booked"} for f in _LONDON_FLIGHTS],
}
_AVA = seat_flow.Context(now=NOW, profile={"home_airport": "JFK"}, user_id="ava")


def _wished(booking: dict[str, Any], text: str) -> list[dict[str, Any]]:
    call = seat_flow.wish_call(booking, _AVA, read(text))
    assert call is not None, text
    return list(call.args["assignments"])


@pytest.mark.parametrize(
    "text",
    [
        "could the two of us sit side by side?",
        "would it be possible for us to be next to each other?",
        "can the four of us sit beside each other?",
        "is there any way Sam and I could sit in the same row?",
    ],
)
def test_a_party_together_asked_as_a_question_is_a_seat_wish(text: str) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.SEATS
    assert u.seat_request is not None
    assert u.seat_request.position == "any"


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        # the first person implied by the verb, the second's verb left out
        ("I'll take the aisle and Sam the window", {"p1": "aisle", "p4": "window"}),
        ("I'd go for the window and Priya an aisle", {"p1": "window", "p2": "aisle"}),
        ("Tom can have the window, I'll take the aisle", {"p3": "window", "p1": "aisle"}),
        # family names, and the middle as a position
        ("a window seat for Shah and the middle for Sam", {"p2": "window", "p4": "middle"}),
        ("middle for Reed, aisle for Lee please", {"p3": "middle", "p4": "aisle"}),
        ("Patel by the window and Shah in the middle", {"p1": "window", "p2": "middle"}),
        # only those named sit together, not the whole booking
        ("Seat Tom and Priya together", {"p3": "any", "p2": "any"}),
        ("can Sam and me sit side by side?", {"p4": "any", "p1": "any"}),
        ("put Priya, Tom and Sam next to each other please", {"p2": "any", "p3": "any", "p4": "any"}),
    ],
)
def test_each_person_named_gets_their_own_position(text: str, wanted: dict[str, str]) -> None:
    assert understand(text, NOW).intent == Intent.SEATS
    got = {a["passenger_id"]: a["position"] for a in _wished(_FOUR, text)}
    assert got == wanted


@pytest.mark.parametrize(
    ("text", "out", "home"),
    [
        ("window on the way out and an aisle on the way back", "window", "aisle"),
        ("aisle going out, window on the return", "aisle", "window"),
        ("on the outbound the middle is fine, but coming home a window", "middle", "window"),
        ("an aisle seat for the flight home and a window for the flight out", "window", "aisle"),
    ],
)
def test_a_position_per_leg_goes_on_that_flight(text: str, out: str, home: str) -> None:
    assert understand(text, NOW).intent == Intent.SEATS
    me = {**_FOUR, "passengers": _FOUR["passengers"][:1]}
    got = {a["segment_id"]: a["position"] for a in _wished(me, text)}
    assert got == {"s1": out, "s2": home}


# --------------------------------------------------------------------------- a flight's status asked
@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Is my flight on time?", True),
        ("will my flight home leave on time?", True),
        ("has BA 19 been delayed?", True),
        ("is the Paris flight still going ahead?", True),
        # a disruption told: its options, as before
        ("my flight was cancelled, what are my options?", False),
        ("the flight home is delayed", False),
        ("I missed my connection", False),
    ],
)
def test_a_flight_status_question_is_no_disruption_told(text: str, question: bool) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.DISRUPTION
    assert u.status_question is question


def _status_of(booking: dict[str, Any], text: str) -> Any:
    turn = Turn(
        understanding=None,
        steps=[Step("t1", "get_booking", {"booking_id": booking["booking_id"]}, booking, done=True)],
        index=1,
        ai_messages=0,
    )
    return changes.HANDLERS[Intent.DISRUPTION](State(), turn, _CTX, understand(text, NOW))


def _london(**seg: Any) -> dict[str, Any]:
    segments = [{**f, "status": "booked", "destination": f["destination"]} for f in _LONDON_FLIGHTS]
    segments[0] |= seg
    return {"booking_id": "BK-LONDON", "status": "confirmed", "segments": segments}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Is my flight on time?", "BA 19 JFK→LHR on Mon 14 Dec 22:30 (BK-LONDON) is on schedule"),
        ("is my flight home still on?", "BA 18 LHR→JFK on Fri 18 Dec 08:45 (BK-LONDON) is on schedule"),
        ("any idea if BA 19 is running on time?", "BA 19 JFK→LHR"),
    ],
)
def test_a_status_question_answers_the_flight_asked_from_the_trip(text: str, said: str) -> None:
    reply = _status_of(_london(), text)
    assert isinstance(reply, Reply)
    assert said in reply.text
    assert reply.offer is None  # nothing proposed, nothing changed


@pytest.mark.parametrize(
    ("seg", "disruption", "said"),
    [
        ({"flight_status": "delayed"}, {"kind": "delayed", "delay_minutes": 45}, "delayed by 45 minutes"),
        ({"flight_status": "cancelled"}, {"kind": "cancelled"}, "cancelled by the airline"),
    ],
)
def test_a_status_question_says_a_delay_or_cancellation_as_the_data_has_it(
    seg: dict[str, Any], disruption: dict[str, Any], said: str
) -> None:
    booking = _london(**seg) | {"disruption": disruption | {"segment_id": "s1"}}
    reply = _status_of(booking, "is my flight on time?")
    assert isinstance(reply, Reply)
    assert said in reply.text
    assert "BA 19" in reply.text


def test_a_status_question_looks_at_the_next_booked_flight() -> None:
    turn = _listed()
    state = State()
    state.trips = [_LONDON, _PARIS]
    calls = changes.HANDLERS[Intent.DISRUPTION](state, turn, _CTX, understand("is my flight on time?", NOW))
    assert calls == [Call("get_booking", {"booking_id": "BK-LONDON"})]  # Paris awaits approval


async def test_the_window_for_me_and_the_middle_for_a_colleague_after_a_hold(
    concierge: Concierge, demo: Runtime
) -> None:
    admin = Chat(concierge, await caller(demo, "admin"))
    booking_id = await _held(admin, "book me and Erin on a flight from New York to Boston on Dec 17, direct")

    reply = await admin.say("I'll have the window and Erin the middle")

    assert admin.tools() == ["choose_seats"], reply
    mine, erins = await seats_of(demo, booking_id)
    assert mine is not None
    assert erins is not None
    assert mine[-1] in "AF", mine  # a 3-3 row's window
    assert erins[-1] in "BE", erins  # and its middle
    assert mine[:-1] == erins[:-1], "one row"


@pytest.mark.parametrize(
    ("text", "stranger"),
    [
        ("Seat Tom and Bob together", "Bob"),
        ("a window seat for Shah and the middle for Kim", "Kim"),
        ("I'll take the aisle and Jo the window", "Jo"),
    ],
)
def test_a_name_no_passenger_has_is_asked_about_not_left_out(text: str, stranger: str) -> None:
    state = State()
    state.bookings = {"BK-4": _FOUR}
    state.current_booking = "BK-4"
    turn = Turn(understanding=None, steps=[], index=1, ai_messages=0)
    said = seat_flow.seats(state, turn, _AVA, understand(text, NOW))
    assert isinstance(said, Reply), said
    assert f"can't find {stranger}" in said.text
    assert "Sam Lee" in said.text
