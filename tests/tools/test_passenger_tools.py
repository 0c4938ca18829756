"""Passengers through the tools: reserve names them, name_passengers names a hold's
seats, confirm_booking says what is missing when they are not."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.errors import InvalidName, NotFound, PassengerDetailsRequired, PassengerNotBookable
from core.idempotency import StoredProblem
from core.models import Passenger, Payment
from core.search.offers import flight_offer_id
from tests.core.booking_world import World
from tests.tools.conftest import ctx_for
from tools.base import ToolContext, error_payload
from tools.registry import get_tool

pytestmark = pytest.mark.usefixtures("world")

JO = {"given_name": "Jo", "family_name": "Bloggs"}


def economy(world: World) -> str:
    return flight_offer_id(world.long_inv["economy"].id)


async def run(ctx: ToolContext, tool: str, args: dict) -> dict:
    return await get_tool(tool).invoke(ctx, args)


async def count(rt, model) -> int:
    async with rt.db.uow(write=False) as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_reserve_names_the_passengers_and_confirm_tickets_them(runtime, mia, world) -> None:
    held = await run(
        mia,
        "reserve",
        {
            "items": [
                {
                    "offer_id": economy(world),
                    "passengers": [{"traveler_id": "mia"}, {"traveler_id": "ava"}, JO],
                }
            ]
        },
    )
    assert [p["name"] for p in held["passengers"]] == ["Mia Example", "Ava Example", "Jo Bloggs"]
    assert held["segments"][0]["passengers"] == 3
    assert "unnamed_seats" not in held

    done = await run(
        ctx_for(runtime, mia.caller), "confirm_booking", {"booking_id": held["booking_id"]}
    )

    tickets = done["segments"][0]["tickets"]
    assert list(tickets) == ["Mia Example", "Ava Example", "Jo Bloggs"]
    assert all(len(t) == 13 and t.isdigit() for t in tickets.values())


async def test_a_hold_with_unnamed_seats_says_to_name_them_first(runtime, ava, world) -> None:
    held = await run(ava, "reserve", {"items": [{"offer_id": economy(world), "quantity": 2}]})
    assert held["unnamed_seats"] == 2
    assert "name_passengers" in held["message"]

    with pytest.raises(PassengerDetailsRequired) as refused:
        await run(
            ctx_for(runtime, ava.caller), "confirm_booking", {"booking_id": held["booking_id"]}
        )
    assert "2 of 2 passengers unnamed on item 1" in refused.value.detail
    assert "name_passengers" in refused.value.detail
    assert refused.value.extra["missing"][0]["unnamed"] == 2
    assert await count(runtime, Payment) == 0

    named = await run(
        ctx_for(runtime, ava.caller),
        "name_passengers",
        {"booking_id": held["booking_id"], "passengers": [{"traveler_id": "ava"}, JO]},
    )
    assert [p["name"] for p in named["passengers"]] == ["Ava Example", "Jo Bloggs"]
    assert "confirm_booking" in named["message"]

    done = await run(
        ctx_for(runtime, ava.caller), "confirm_booking", {"booking_id": held["booking_id"]}
    )
    assert done["status"] == "confirmed"


async def test_name_passengers_refuses_bad_names_and_other_peoples_bookings(
    runtime, ava, gus, world
) -> None:
    held = await run(ava, "reserve", {"items": [{"offer_id": economy(world), "quantity": 2}]})
    with pytest.raises(InvalidName):
        await run(
            ctx_for(runtime, ava.caller),
            "name_passengers",
            {
                "booking_id": held["booking_id"],
                "passengers": [{"traveler_id": "ava"}, {"given_name": "J0", "family_name": "B"}],
            },
        )
    with pytest.raises(NotFound):
        await run(
            gus,
            "name_passengers",
            {"booking_id": held["booking_id"], "passengers": [{"traveler_id": "gus"}, JO]},
        )
    assert await count(runtime, Passenger) == 0


async def test_reserve_refuses_a_colleague_out_of_reach_named_as_a_guest(runtime, ava, world):
    """Ava names her manager by name as a guest: the core's booking-rights rule refuses it
    through the tool with a stable code and a message the model can act on, naming the
    field and not the person; a re-run of the call replays the same refusal."""
    args = {
        "items": [
            {
                "offer_id": economy(world),
                "passengers": [
                    {"traveler_id": "ava"},
                    {"given_name": "Mia", "family_name": "EXAMPLE"},
                ],
            }
        ]
    }
    with pytest.raises(PassengerNotBookable) as refused:
        await run(ava, "reserve", args)
    payload = error_payload(refused.value)
    assert payload["code"] == "PASSENGER_NOT_BOOKABLE"
    assert "colleague you may not book for" in payload["message"]
    assert payload["message"].startswith("Passenger 2 is")
    assert "example" not in payload["message"].casefold()
    with pytest.raises(StoredProblem) as replayed:
        await run(ava, "reserve", args)
    assert error_payload(replayed.value)["code"] == "PASSENGER_NOT_BOOKABLE"
    assert await count(runtime, Passenger) == 0

    held = await run(
        ctx_for(runtime, ava.caller),
        "reserve",
        {**args, "items": [{**args["items"][0], "passengers": [{"traveler_id": "ava"}, JO]}]},
    )
    assert [p["name"] for p in held["passengers"]] == ["Ava Example", "Jo Bloggs"]
