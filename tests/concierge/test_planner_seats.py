"""Seats through the real concierge (offline planner, tools, core) on the demo data: a seat
number, a position for the speaker, positions for the whole party, the seat map, and the
core's refusals explained; and the reading of seat wishes in other words."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from concierge.planner.flows import seats as seat_flow
from concierge.planner.nlu.intents import Intent, understand
from concierge.planner.nlu.seats import read
from concierge.planner.state import State, Step, Turn
from concierge.service import Concierge
from core.models import SegmentPassenger
from core.runtime import Runtime
from tests.concierge import test_planner_e2e as e2e
from tests.concierge.test_planner_e2e import Chat, caller
from tools.get_seat_map import GetSeatMapOutput, SeatMapSegmentOut

demo = e2e.demo
concierge = e2e.concierge
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def seats_of(rt: Runtime, booking_id: str) -> list[str | None]:
    async with rt.db.uow(write=False) as session:
        return list(
            (
                await session.scalars(
                    select(SegmentPassenger.seat)
                    .where(SegmentPassenger.booking_id == booking_id)
                    .order_by(SegmentPassenger.id)
                )
            ).all()
        )


async def _held(chat: Chat, request: str) -> str:
    await chat.say(request)
    await chat.say("option 1")
    return str(chat.output("reserve")["booking_id"])


async def test_a_seat_number_after_a_hold_seats_the_speaker(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    booking_id = await _held(ava, "New York to Boston on Dec 17, direct")

    reply = await ava.say("21C please")

    assert ava.tools() == ["choose_seats"]
    assert await seats_of(demo, booking_id) == ["21C"]
    assert "21C" in reply
    # A free seat moves no money: choosing it needs no yes (it ran above). The hold's own
    # confirmation is asked again, so that the next yes books the trip.
    assert ava.confirmation is not None
    assert ava.confirmation.action["tool"] == "confirm_booking"


async def test_an_aisle_seat_then_window_seats_for_both_of_us(concierge: Concierge, demo: Runtime) -> None:
    admin = Chat(concierge, await caller(demo, "admin"))
    booking_id = await _held(admin, "book me and Erin on a flight from New York to Boston on Dec 17, direct")

    await admin.say("I'd like an aisle seat")
    chosen = admin.output("choose_seats")
    assert len(chosen["seats"]) == 1
    assert (await seats_of(demo, booking_id)).count(None) == 1

    reply = await admin.say("window seats for both of us")

    both = admin.output("choose_seats")["seats"]
    assert len(both) == 2
    seats = await seats_of(demo, booking_id)
    assert None not in seats
    assert {s[-1] for s in seats} <= {"A", "F", "K"}  # the windows of a 3-3 or 3-4-3 row
    assert seats[0][:-1] == seats[1][:-1], "side by side in one row"
    assert "Erin Walsh" in reply


async def test_the_seat_map_is_summed_up_and_a_taken_seat_explained(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await _held(ava, "New York to Boston on Dec 17, direct")
    await ava.say("seat 22C")
    mia = Chat(concierge, await caller(demo, "mia"))
    await _held(mia, "New York to Boston on Dec 17, direct")

    reply = await mia.say("what seats are free?")
    assert mia.tools() == ["get_seat_map"]
    assert re.search(r"costs \d+\.\d\d USD a seat", reply), reply  # extra legroom's fee
    assert "free" in reply
    assert "window" in reply.lower()

    refused = await mia.say("I'll take 22C")
    assert "22C" in refused
    assert "taken" in refused.lower()


async def test_seats_without_a_booking_say_how(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    reply = await ava.say("can I get an aisle seat?")
    assert set(ava.tools()) <= {"list_trips", "get_booking"}  # nothing chosen without a trip
    assert "seat" in reply


@pytest.mark.parametrize(
    ("text", "seats", "position", "everyone", "show_map"),
    [
        ("12C", ("12C",), None, False, False),
        ("14A and 14B please", ("14A", "14B"), None, False, False),
        ("move me to seat 3c", ("3C",), None, False, False),
        ("could I have 21F instead?", ("21F",), None, False, False),
        ("an aisle seat please", (), "aisle", False, False),
        ("aisle if possible", (), "aisle", False, False),
        ("can we sit together by the window", (), "window", True, False),
        ("window seats for both of us", (), "window", True, False),
        ("aisle seats for everyone", (), "aisle", True, False),
        ("show me the seat map", (), None, False, True),
        ("which seats are still available?", (), None, False, True),
        ("where am I sitting?", (), None, False, True),
    ],
)
def test_seat_wishes_in_other_words(text, seats, position, everyone, show_map) -> None:
    request = read(text)
    assert (request.seats, request.position, request.everyone, request.show_map) == (
        seats, position, everyone, show_map,
    )


@pytest.mark.parametrize(
    "text",
    ["12C", "put me in 14A", "an aisle seat please", "window seats for both of us",
     "show me the seat map", "what seat am I in?"],
)
def test_seat_wishes_are_the_seats_intent(text: str) -> None:
    assert understand(text, NOW).intent == Intent.SEATS


@pytest.mark.parametrize(
    "text",
    ["flight to Boston on Dec 12", "3 nights in London from the 12th", "B6 1001 on 2026-12-17",
     "hotel in Paris for 2 people"],
)
def test_trip_requests_with_numbers_are_not_seats(text: str) -> None:
    assert understand(text, NOW).intent != Intent.SEATS



async def test_a_seat_with_a_fee_is_added_to_the_hold_after_a_yes(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    booking_id = await _held(ava, "New York to Boston on Dec 17, direct")
    total = ava.output("reserve")["total"]
    await ava.say("show me the seat map")
    paid_row = next(r for r in ava.output("get_seat_map")["segments"][0]["rows"] if r.get("fee"))
    seat = f"{paid_row['row']}{paid_row['free'][0]}"

    asked = await ava.say(f"{seat} please")
    assert "extra legroom" in asked
    assert "Shall I add it?" in asked
    assert await seats_of(demo, booking_id) == [None]

    done = await ava.say("yes")

    assert ava.tools() == ["choose_seats"]
    assert await seats_of(demo, booking_id) == [seat]
    assert seat in done
    after = ava.output("choose_seats")["total"]
    fee = float(paid_row["fee"]["amount"])
    assert float(after["amount"]) == pytest.approx(float(total["amount"]) + fee)
    # Paying is confirm_booking's, behind its own yes: the hold's confirmation, put aside
    # for the seat, is asked again with the new total.
    asked = ava.confirmation
    assert asked is not None
    assert asked.action["tool"] == "confirm_booking"
    assert await seats_of(demo, booking_id) == [seat]


async def test_a_pick_with_an_aisle_wish_is_held_seated_then_put_for_a_yes(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("New York to Boston on Dec 17, direct")
    said = await ava.say("option 1, and an aisle seat if you can")

    assert ava.tools() == ["reserve", "choose_seats"], said  # then confirm_booking waits for a yes
    booking_id = ava.output("reserve")["booking_id"]
    (seat,) = await seats_of(demo, booking_id)
    assert seat is not None
    assert seat[-1] in "CD"  # the aisles of a 3-3 row
    assert seat in said
    asked = ava.confirmation
    assert asked is not None
    assert asked.action["tool"] == "confirm_booking"


async def test_a_seat_with_a_fee_on_a_confirmed_booking_is_bought_after_a_yes(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("New York to Boston on Dec 17, direct")
    await ava.say("book option 1")
    await ava.answer(True)
    booked = ava.output("confirm_booking")
    assert booked["status"] == "confirmed"
    booking_id = str(booked["booking_id"])
    await ava.say("show me the seat map")
    paid_row = next(r for r in ava.output("get_seat_map")["segments"][0]["rows"] if r.get("fee"))
    seat = f"{paid_row['row']}{paid_row['free'][0]}"

    await ava.say(f"{seat} please")

    assert ava.tools() == ["choose_seats"]
    assert ava.confirmation is not None  # it charges the card: the gate asks first
    assert "charged to the company card now?" in ava.confirmation.summary
    assert await seats_of(demo, booking_id) != [seat]

    done = await ava.answer(True)

    assert "buy_seats" in ava.tools()
    assert await seats_of(demo, booking_id) == [seat]
    assert "was charged to the company card" in done
    fee = float(paid_row["fee"]["amount"])
    assert float(ava.output("buy_seats")["charged"]["amount"]) == pytest.approx(fee)


# --------------------------------------------------------------------------- which trip
# Two trips, as ``list_trips`` gives them: London out and back (BA 19 Mon 14 Dec, BA 18
# Fri 18 Dec home to New York) and a one-way Boston→Paris (DL 15 Thu 3 Dec).
_LONDON = {
    "booking_id": "BK-LONDON", "status": "confirmed", "traveler": "Ava Patel",
    "summary": "BA 19 JFK→LHR; BA 18 LHR→JFK", "origin": "New York", "places": ["London"],
    "flights": ["BA 19", "BA 18"], "start": "2026-12-14", "end": "2026-12-18",
    "total": {"amount": "1000.00", "currency": "USD"},
    "legs": [
        {"kind": "flight", "what": "BA 19 JFK→LHR", "starts": "2026-12-14T22:30:00-05:00",
         "ends": "2026-12-15T10:55:00+00:00"},
        {"kind": "flight", "what": "BA 18 LHR→JFK", "starts": "2026-12-18T08:45:00+00:00",
         "ends": "2026-12-18T11:10:00-05:00"},
    ],
}
_PARIS = {
    "booking_id": "BK-PARIS", "status": "pending_approval", "traveler": "Ava Patel",
    "summary": "DL 15 BOS→CDG", "origin": "Boston", "places": ["Paris"], "flights": ["DL 15"],
    "start": "2026-12-03", "end": "2026-12-04", "total": {"amount": "700.00", "currency": "USD"},
    "legs": [
        {"kind": "flight", "what": "DL 15 BOS→CDG", "starts": "2026-12-03T22:10:00-05:00",
         "ends": "2026-12-04T11:35:00+01:00"},
    ],
}
_LONDON_FLIGHTS = [
    {"segment_id": "s1", "kind": "flight", "flight": "BA 19", "origin": "JFK",
     "destination": "LHR", "depart": "2026-12-14T22:30:00-05:00"},
    {"segment_id": "s2", "kind": "flight", "flight": "BA 18", "origin": "LHR",
     "destination": "JFK", "depart": "2026-12-18T08:45:00+00:00"},
]
_CTX = seat_flow.Context(now=NOW, profile={"home_airport": "JFK"})


def _trip_for(text: str) -> object:
    turn = Turn(
        understanding=None,
        steps=[Step("t1", "list_trips", {}, {"trips": [_LONDON, _PARIS], "more": False}, done=True)],
        index=1,
        ai_messages=0,
    )
    return seat_flow._from_trips(State(), turn, _CTX, understand(text, NOW))


@pytest.mark.parametrize(
    ("text", "booking", "flight"),
    [
        ("window seat on DL 15 please", "BK-PARIS", None),  # by flight number
        ("put me by the aisle on BA18", "BK-LONDON", "BA 18"),
        ("aisle on the return leg please", "BK-LONDON", "BA 18"),  # by leg: a trip with one home
        ("a window for my homeward flight", "BK-LONDON", "BA 18"),
        ("aisle on the outbound, thanks", "BK-LONDON", "BA 19"),
        ("window on friday's flight", "BK-LONDON", "BA 18"),  # by weekday
        ("an aisle on the thursday flight", "BK-PARIS", None),
        ("a window seat on the 18th", "BK-LONDON", "BA 18"),  # by day
        ("aisle on my flight from London", "BK-LONDON", "BA 18"),  # by place (the origin)
    ],
)
def test_a_seat_wish_names_its_trip_and_flight(text: str, booking: str, flight: str | None) -> None:
    assert _trip_for(text) == booking
    if flight is not None:
        meant = seat_flow._meant(_LONDON_FLIGHTS, understand(text, NOW), _CTX)
        assert [f["flight"] for f in meant] == [flight]


def test_a_seat_wish_naming_neither_trip_still_asks_which() -> None:
    said = _trip_for("an aisle seat please")
    assert isinstance(said, seat_flow.Reply)
    assert "Which trip" in said.text


@pytest.mark.parametrize(
    "text", ["aisle seats on my London flights, out and back", "window both ways to London"]
)
def test_both_legs_named_seat_both_flights(text: str) -> None:
    assert _trip_for(text) == "BK-LONDON"
    meant = seat_flow._meant(_LONDON_FLIGHTS, understand(text, NOW), _CTX)
    assert [f["flight"] for f in meant] == ["BA 19", "BA 18"]


def test_what_seat_one_has_is_answered_not_the_map() -> None:
    segment = SeatMapSegmentOut(
        segment_id="s2", flight="BA 18", origin="LHR", destination="JFK", date="2026-12-18",
        aircraft="787-9", cabin="economy", columns="ABC DEFG HJK", seats_free=100,
        passengers=[{"passenger_id": "p1", "name": "Ava Patel", "seat": None}],
        rows=[{"row": 14, "free": "ACK"}],
    )
    out = GetSeatMapOutput(booking_id="BK-LONDON", segments=[segment])
    said = seat_flow.after_map(out, None, None, "what's my seat number and gate on BA 18?")
    assert "no seat is chosen yet" in said.text
    assert "gate" in said.text
    assert "free" not in said.text.split("To choose")[0]  # not the map's free rows
    seated = segment.model_copy(
        update={"passengers": [segment.passengers[0].model_copy(update={"seat": "14K"})]}
    )
    said = seat_flow.after_map(
        GetSeatMapOutput(segments=[seated]), None, None, "which seat did I get on the way home?"
    )
    assert "Ava Patel 14K" in said.text
    # Not a question for one's seat: the map in words.
    assert "free" in seat_flow.after_map(out, None, None, "show me the seat map").text
