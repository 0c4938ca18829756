"""check_in and get_boarding_pass: the next flight checked in by default, typed passes,
the core's refusals as named errors, other people's passes out of sight."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.errors import BookingNotConfirmed, CheckinClosed, CheckinNotOpen, NotFound
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, GUS, World
from tests.tools.conftest import ctx_for
from tools.base import ToolContext
from tools.check_in import CheckInOutput
from tools.get_boarding_pass import GetBoardingPassOutput
from tools.registry import get_tool


async def confirmed(rt: Runtime, inventory_id: int) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, AVA, [ItemRequest(flight_offer_id(inventory_id), 1)])
    return (await confirm_booking(rt, AVA, booking.id)).booking_id


async def run(ctx: ToolContext, tool: str, args: dict) -> dict:
    return await get_tool(tool).invoke(ctx, args)


async def test_check_in_takes_the_next_flight_and_the_passes_are_listed(
    runtime: Runtime, world: World, ava: ToolContext, gus: ToolContext
) -> None:
    booking_id = await confirmed(runtime, world.short_inv["economy"].id)
    assert get_tool("check_in").needs_confirmation is False
    with pytest.raises(CheckinNotOpen):
        await run(ava, "check_in", {"booking_id": booking_id})

    runtime.clock.set(world.short_haul.depart_at - timedelta(hours=5))  # type: ignore[attr-defined]
    out = CheckInOutput.model_validate(
        await run(ctx_for(runtime, AVA), "check_in", {"booking_id": booking_id})
    )

    [bp] = out.boarding_passes
    assert (bp.passenger, bp.flight, bp.origin, bp.destination) == ("Ava Example", "B6 1001", "JFK", "BOS")
    assert bp.seat
    assert bp.sequence_number == 1
    assert bp.pdf == f"/v1/boarding-passes/{bp.pass_id}.pdf"
    listed = GetBoardingPassOutput.model_validate(await run(ctx_for(runtime, AVA), "get_boarding_pass", {}))
    assert [p.pass_id for p in listed.boarding_passes] == [bp.pass_id]
    shown = await run(ctx_for(runtime, AVA), "get_booking", {"booking_id": booking_id})
    assert shown["segments"][0]["checked_in"] == ["Ava Example"]

    assert (await run(gus, "get_boarding_pass", {}))["boarding_passes"] == []
    with pytest.raises(NotFound):
        await run(gus, "get_boarding_pass", {"booking_id": booking_id})
    with pytest.raises(NotFound):
        await run(ctx_for(runtime, GUS), "check_in", {"booking_id": booking_id})


async def test_a_closed_window_and_an_unconfirmed_booking_are_named_errors(
    runtime: Runtime, world: World, ava: ToolContext
) -> None:
    booking_id = await confirmed(runtime, world.short_inv["economy"].id)
    async with runtime.db.uow() as s:
        held = await hold_booking(runtime, s, AVA, [ItemRequest(flight_offer_id(world.short_inv["economy"].id), 1)])
    runtime.clock.set(world.short_haul.depart_at - timedelta(minutes=30))  # type: ignore[attr-defined]

    with pytest.raises(CheckinClosed):
        await run(ava, "check_in", {"booking_id": booking_id})
    with pytest.raises(BookingNotConfirmed):
        await run(ctx_for(runtime, AVA), "check_in", {"booking_id": held.id})
