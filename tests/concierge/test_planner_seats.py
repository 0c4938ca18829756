"""Seats through the real concierge (offline planner, tools, core) on the demo data: a seat
number, a position for the speaker, positions for the whole party, the seat map, and the
core's refusals explained; and the reading of seat wishes in other words."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from concierge.planner.nlu.intents import Intent, understand
from concierge.planner.nlu.seats import read
from concierge.service import Concierge
from core.models import SegmentPassenger
from core.runtime import Runtime
from tests.concierge import test_planner_e2e as e2e
from tests.concierge.test_planner_e2e import Chat, caller

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
    assert ava.confirmation is None  # a free seat moves no money: no yes needed


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
    assert ava.confirmation is None  # paying is confirm_booking's, behind its own yes


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
