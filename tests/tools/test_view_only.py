"""``view_only`` on the booking tools' outputs: whether the caller may see a booking but
not cancel, move or change it, by the booking core's rule (core.booking.access), the one
its writes are guarded by. Finance sees everyone's trips and acts on its own only; the
traveller, their managers up the chart, the one who booked and an admin act on it; a
colleague who is none of these does not see it at all."""

from __future__ import annotations

import pytest

from core.booking.access import load_visible_booking
from core.booking.service import ItemRequest, hold_booking
from core.errors import Forbidden, NotFound
from core.identity import Caller
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, MIA, World
from tests.factories import make_user
from tests.tools.conftest import ctx_for
from tools.registry import get_tool

FIN = Caller(user_id="fin", org_id="acme", role="finance", name="Fin")
ADMIN = Caller(user_id="root", org_id="acme", role="admin", name="Root")
VICTOR = Caller(user_id="victor", org_id="acme", role="vp_finance", name="Victor")
# Ava's peer: reports to Mia too, sees neither Ava's trips nor Mia's.
TOM = Caller(user_id="tom", org_id="acme", role="traveler", name="Tom")


@pytest.fixture
async def people(runtime: Runtime, world: World) -> World:
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance", department="Finance")
        await make_user(s, id="root", role="admin", department="IT")
        await make_user(s, id="tom", manager_id="mia")
    return world


async def call(rt: Runtime, caller: Caller, name: str, **args):
    return await get_tool(name).invoke(ctx_for(rt, caller), args)


async def hold(rt: Runtime, caller: Caller, offer: str) -> str:
    async with rt.db.uow() as s:
        return (await hold_booking(rt, s, caller, [ItemRequest(offer)], None)).id


def _row(trips: dict, booking_id: str) -> dict:
    [row] = [t for t in trips["trips"] if t["booking_id"] == booking_id]
    return row


async def _core_lets_act(rt: Runtime, caller: Caller, booking_id: str) -> bool:
    """The write's guard (every cancel, rebook, confirm and change loads through it)."""
    async with rt.db.uow(write=False) as s:
        try:
            await load_visible_booking(s, caller, booking_id, to_act=True)
        except Forbidden:
            return False
    return True


async def test_finance_sees_a_colleagues_trip_as_view_only(runtime, people):
    booking_id = await hold(runtime, AVA, flight_offer_id(people.long_inv["economy"].id))
    assert _row(await call(runtime, FIN, "list_trips"), booking_id)["view_only"] is True
    got = await call(runtime, FIN, "get_booking", booking_id=booking_id)
    assert got["view_only"] is True
    with pytest.raises(Forbidden):
        await call(runtime, FIN, "cancel_booking", booking_id=booking_id)


async def test_finances_own_trip_is_theirs_to_change(runtime, people):
    booking_id = await hold(runtime, FIN, flight_offer_id(people.long_inv["economy"].id))
    assert "view_only" not in _row(await call(runtime, FIN, "list_trips"), booking_id)
    assert "view_only" not in await call(runtime, FIN, "get_booking", booking_id=booking_id)


@pytest.mark.parametrize("caller", [AVA, MIA, VICTOR, ADMIN], ids=lambda c: c.role)
async def test_the_traveller_their_managers_and_an_admin_may_change_it(runtime, people, caller):
    booking_id = await hold(runtime, AVA, flight_offer_id(people.long_inv["economy"].id))
    assert "view_only" not in _row(await call(runtime, caller, "list_trips"), booking_id)
    assert "view_only" not in await call(runtime, caller, "get_booking", booking_id=booking_id)


async def test_a_peer_does_not_see_it_at_all(runtime, people):
    booking_id = await hold(runtime, AVA, flight_offer_id(people.long_inv["economy"].id))
    assert booking_id not in {
        t["booking_id"] for t in (await call(runtime, TOM, "list_trips"))["trips"]
    }
    with pytest.raises(NotFound):
        await call(runtime, TOM, "get_booking", booking_id=booking_id)


async def test_view_only_after_list_trips_in_the_same_turn(runtime, people):
    """get_booking answers from list_trips' memo in the same turn: still view-only."""
    booking_id = await hold(runtime, AVA, flight_offer_id(people.long_inv["economy"].id))
    ctx = ctx_for(runtime, FIN)
    await get_tool("list_trips").invoke(ctx, {})
    got = await get_tool("get_booking").invoke(ctx, {"booking_id": booking_id})
    assert got["view_only"] is True


async def test_view_only_is_exactly_what_the_write_guard_refuses(runtime, people):
    """One rule: for every caller who sees a booking, the tools say view-only exactly when
    the core refuses to act on it."""
    offer = flight_offer_id(people.long_inv["economy"].id)
    bookings = [await hold(runtime, who, offer) for who in (AVA, MIA, FIN)]
    seen = 0
    for caller in (AVA, MIA, VICTOR, FIN, ADMIN, TOM):
        for row in (await call(runtime, caller, "list_trips"))["trips"]:
            if row["booking_id"] not in bookings:
                continue
            seen += 1
            may = await _core_lets_act(runtime, caller, row["booking_id"])
            assert row.get("view_only", False) is (not may), (caller.user_id, row)
    assert seen >= 9  # ava 1, mia 2, victor 2, fin 3, admin 3 (tom none)
