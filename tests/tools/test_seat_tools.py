"""Seats through the tools: get_seat_map reads a booking's or an offer's cabin row by row,
choose_seats seats passengers by number or by position, all or none."""

from __future__ import annotations

import pytest

from core.catalogue.aircraft import SeatPosition, seat_plan
from core.errors import SeatRequiresPayment, SeatTaken, ValidationFailed
from core.search.offers import flight_offer_id
from tests.core.booking_world import World
from tests.tools.conftest import ctx_for
from tools.base import ToolContext
from tools.registry import get_tool

pytestmark = pytest.mark.usefixtures("world")

JO = {"given_name": "Jo", "family_name": "Bloggs"}


def short(world: World) -> str:
    return flight_offer_id(world.short_inv["economy"].id)


async def run(ctx: ToolContext, tool: str, args: dict) -> dict:
    return await get_tool(tool).invoke(ctx, args)


async def _held(ctx: ToolContext, world: World) -> dict:
    return await run(ctx, "reserve", {"items": [{"offer_id": short(world), "passengers": [{"traveler_id": "mia"}, JO]}]})


async def test_get_seat_map_of_an_offer_lists_free_letters_and_fees(runtime, mia, world) -> None:
    out = await run(mia, "get_seat_map", {"offer_id": short(world)})

    (segment,) = out["segments"]
    assert (segment["flight"], segment["cabin"], segment["columns"]) == ("B6 1001", "economy", "ABC DEF")
    assert segment["seats_free"] == 100
    assert segment["rows"][0] == {"row": 4, "free": "ABCDEF", "fee": {"amount": "85.00", "currency": "USD"}, "exit": False}
    assert segment["rows"][1] == {"row": 5, "free": "ABCDEF", "exit": False}
    assert any(r["exit"] for r in segment["rows"])
    assert segment["rows"][-1]["seats"] == segment["rows"][-1]["free"] == "ACDF"  # 100 = 16×6 + 4
    assert all("seats" not in r for r in segment["rows"][:-1])
    assert "passengers" not in segment or segment["passengers"] == []


async def test_choose_seats_by_number_then_the_map_and_booking_show_them(runtime, mia, world) -> None:
    held = await _held(mia, world)
    people = [p["passenger_id"] for p in held["passengers"]]

    out = await run(ctx_for(runtime, mia.caller), "choose_seats", {
        "booking_id": held["booking_id"],
        "assignments": [{"passenger_id": people[0], "seat": "15a"}, {"passenger_id": people[1], "seat": "15B"}],
    })

    assert [s["seat"] for s in out["seats"]] == ["15A", "15B"]
    assert out["segments"][0]["seats"] == {"Mia Example": "15A", "Jo Bloggs": "15B"}
    seat_map = await run(mia, "get_seat_map", {"booking_id": held["booking_id"]})
    segment = seat_map["segments"][0]
    assert [(p["name"], p["seat"]) for p in segment["passengers"]] == [("Mia Example", "15A"), ("Jo Bloggs", "15B")]
    assert next(r for r in segment["rows"] if r["row"] == 15)["free"] == "CDEF"


async def test_choose_seats_by_position_seats_the_party_by_the_windows(runtime, mia, world) -> None:
    held = await _held(mia, world)
    people = [p["passenger_id"] for p in held["passengers"]]

    out = await run(ctx_for(runtime, mia.caller), "choose_seats", {
        "booking_id": held["booking_id"],
        "assignments": [{"passenger_id": p, "position": "window"} for p in people],
    })

    plan = seat_plan("A320", [("economy", 100), ("business", 10)], 5540)
    specs = [plan.seat(s["seat"]) for s in out["seats"]]
    assert {s.position for s in specs} == {SeatPosition.WINDOW}
    assert specs[0].row == specs[1].row


async def test_choose_seats_refuses_taken_paid_and_mixed_calls(runtime, mia, ava, world) -> None:
    held = await _held(mia, world)
    people = [p["passenger_id"] for p in held["passengers"]]
    await run(ctx_for(runtime, mia.caller), "choose_seats", {
        "booking_id": held["booking_id"], "assignments": [{"passenger_id": people[0], "seat": "16C"}],
    })
    mine = await run(ava, "reserve", {"items": [{"offer_id": short(world)}]})
    ava_pid = mine["passengers"][0]["passenger_id"]

    with pytest.raises(SeatTaken, match="16C"):
        await run(ctx_for(runtime, ava.caller), "choose_seats", {
            "booking_id": mine["booking_id"], "assignments": [{"passenger_id": ava_pid, "seat": "16C"}],
        })
    with pytest.raises(SeatRequiresPayment):
        await run(ctx_for(runtime, ava.caller), "choose_seats", {
            "booking_id": mine["booking_id"], "assignments": [{"passenger_id": ava_pid, "seat": "4A"}],
        })
    with pytest.raises(ValidationFailed):
        await run(ctx_for(runtime, ava.caller), "choose_seats", {
            "booking_id": mine["booking_id"], "assignments": [{"passenger_id": ava_pid}],
        })


async def test_buy_seats_asks_with_the_fee_then_charges_a_confirmed_booking_once(runtime, mia, world) -> None:
    held = await _held(mia, world)
    people = [p["passenger_id"] for p in held["passengers"]]
    confirmed = await run(ctx_for(runtime, mia.caller), "confirm_booking", {"booking_id": held["booking_id"]})
    assert confirmed["status"] == "confirmed"
    args = {"booking_id": held["booking_id"], "assignments": [{"passenger_id": people[0], "seat": "4A"}]}

    with pytest.raises(SeatRequiresPayment):  # choose_seats never charges: buy_seats does
        await run(ctx_for(runtime, mia.caller), "choose_seats", {**args, "accept_fees": True})
    spec = get_tool("buy_seats")
    question = await spec.question(mia, args)
    assert question.text.startswith(f"Buy seat 4A on {held['booking_id']} (")
    assert "for 85.00 USD, charged to the company card now?" in question.text
    assert spec.needs_confirmation

    ctx = ctx_for(runtime, mia.caller)
    out = await run(ctx, "buy_seats", args)
    replay = await run(ctx, "buy_seats", args)  # the same call again: replayed, not charged

    assert out["charged"] == {"amount": "85.00", "currency": "USD"}
    assert out["segments"][0]["seats"]["Mia Example"] == "4A"
    assert replay == out
    assert float(out["total"]["amount"]) == float(confirmed["total"]["amount"]) + 85.0
