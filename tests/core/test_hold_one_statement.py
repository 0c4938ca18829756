"""The hold in one statement (core.booking.one_statement) and what its guard catches.

On PostgreSQL the common hold (one direct flight, for the caller) is one statement on
statics remembered from earlier holds; each remembered thing is checked by the write.
On SQLite every hold goes row by row: the tests that are not about the remembered
statics run on both and must answer the same.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.booking.service import ItemRequest, hold_booking
from core.booking.views import booking_view, load_booking_view
from core.errors import OfferChanged, PolicyBlocked, SoldOut, ValidationFailed
from core.models import AuditEntry, Booking, FareInventory, Flight, Hold, OutboxEvent, Passenger
from core.models.passenger import SegmentPassenger
from core.outbox import EMITTED_FOR
from core.policy.rules import Vendor, acme_default
from core.policy.service import set_rules
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.conftest import requires_postgres
from tests.core.booking_world import AVA, MIA, World, build_world
from tests.factories import T0
from tests.roundtrips import count_round_trips

NO_CAPS = {
    "hold_max_places_per_user": 0,
    "hold_max_places_per_org": 0,
    "hold_max_open_per_user": 0,
    "hold_max_open_per_org": 0,
}


@pytest.fixture
async def world(runtime: Runtime) -> World:
    runtime.settings = runtime.settings.model_copy(update=NO_CAPS)
    return await build_world(runtime)


async def _hold(runtime: Runtime, offer: str, quantity: int = 1, caller=AVA) -> Booking:
    async with runtime.db.uow() as s:
        return await hold_booking(runtime, s, caller, [ItemRequest(offer, quantity)])


async def _count(runtime: Runtime, model) -> int:
    async with runtime.db.uow(write=False) as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_hold_writes_every_row_the_row_by_row_path_writes(runtime, world) -> None:
    offer = flight_offer_id(world.short_inv["economy"].id)
    booking = await _hold(runtime, offer)
    two = await _hold(runtime, offer, 2, caller=MIA)

    async with runtime.db.uow(write=False) as s:
        inv = await s.get(FareInventory, world.short_inv["economy"].id)
        assert (inv.held, inv.sold) == (3, 0)
        stored = await s.get(Booking, booking.id)
        assert (stored.status, stored.total_minor, stored.currency) == ("held", 15000, "USD")
        assert stored.hold_expires_at == T0 + timedelta(seconds=runtime.settings.hold_ttl_seconds)
        hold = (await s.scalars(select(Hold).where(Hold.booking_id == booking.id))).one()
        assert (hold.quantity, hold.status, hold.fare_inventory_id) == (1, "active", inv.id)
        # One seat with no name is the traveller's, with the legal names on file.
        (passenger,) = (
            await s.scalars(select(Passenger).where(Passenger.booking_id == booking.id))
        ).all()
        assert (passenger.user_id, passenger.position) == ("ava", 1)
        assert passenger.given_name
        assert passenger.family_name
        assert await s.scalar(
            select(func.count()).where(SegmentPassenger.passenger_id == passenger.id)
        ) == 1
        # Two seats with no names stay unnamed until someone names them.
        assert not (
            await s.scalars(select(Passenger).where(Passenger.booking_id == two.id))
        ).all()
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.entity_id == booking.id))
        assert audit.action == "booking.held"
        assert await s.scalar(
            select(OutboxEvent.topic).where(OutboxEvent.key == f"booking:{booking.id}:held")
        ) == "booking.held"


async def test_sold_out_writes_nothing_and_says_so(runtime, world) -> None:
    offer = flight_offer_id(world.tiny_inv["economy"].id)  # 2 seats
    await _hold(runtime, offer, 2)
    before = await _count(runtime, Booking), await _count(runtime, AuditEntry)
    with pytest.raises(SoldOut, match="Not enough seats left for 1"):
        await _hold(runtime, offer, caller=MIA)
    assert (await _count(runtime, Booking), await _count(runtime, AuditEntry)) == before


async def test_expired_holds_on_a_full_flight_are_given_back_and_the_hold_goes_through(
    runtime, world, clock
) -> None:
    offer = flight_offer_id(world.tiny_inv["economy"].id)
    first = await _hold(runtime, offer, 2)
    clock.advance(seconds=runtime.settings.hold_ttl_seconds + 1)

    again = await _hold(runtime, offer, caller=MIA)

    async with runtime.db.uow(write=False) as s:
        assert (await s.get(Booking, first.id)).status == "expired"
        assert (await s.get(Booking, again.id)).status == "held"
        inv = await s.get(FareInventory, world.tiny_inv["economy"].id)
        assert inv.held == 1


async def test_a_policy_changed_since_the_last_hold_judges_the_next(runtime, world) -> None:
    offer = flight_offer_id(world.short_inv["economy"].id)
    await _hold(runtime, offer)  # remembers the rules (PostgreSQL)
    rules = acme_default().model_copy(
        update={"blocked_airlines": (Vendor(code="B6", name="JetBlue"),)}
    )
    async with runtime.db.uow() as s:
        await set_rules(s, "acme", rules, now=T0)

    with pytest.raises(PolicyBlocked):
        await _hold(runtime, offer)
    assert await _count(runtime, Booking) == 1


async def test_a_flight_cancelled_since_the_last_hold_is_refused(runtime, world) -> None:
    offer = flight_offer_id(world.short_inv["economy"].id)
    await _hold(runtime, offer)
    async with runtime.db.uow() as s:
        await s.execute(
            update(Flight).where(Flight.id == world.short_haul.id).values(status="cancelled")
        )
    with pytest.raises(ValidationFailed, match="cancelled"):
        await _hold(runtime, offer)
    assert await _count(runtime, Booking) == 1


@requires_postgres
async def test_a_fare_changed_since_it_was_read_is_offer_changed_with_the_new_price(
    runtime, world
) -> None:
    """The price remembered from an earlier hold is checked by the write: a stale one is
    409 OFFER_CHANGED with the new price, nothing held; asked again, it holds at it."""
    offer = flight_offer_id(world.short_inv["economy"].id)
    await _hold(runtime, offer)
    async with runtime.db.uow() as s:
        await s.execute(
            update(FareInventory)
            .where(FareInventory.id == world.short_inv["economy"].id)
            .values(fare_minor=17500)
        )

    with pytest.raises(OfferChanged) as changed:
        await _hold(runtime, offer, 2)
    assert changed.value.status == 409
    assert changed.value.extra["price"] == {"amount": "175.00", "currency": "USD"}
    assert changed.value.extra["total"] == {"amount": "350.00", "currency": "USD"}
    assert await _count(runtime, Booking) == 1

    again = await _hold(runtime, offer, 2)
    assert again.total_minor == 35000


@requires_postgres
async def test_a_warm_hold_is_one_statement(runtime, world) -> None:
    """The issue's goal: with the statics remembered and the caps off, a hold is BEGIN,
    one statement, COMMIT."""
    offer = flight_offer_id(world.short_inv["economy"].id)
    await _hold(runtime, offer)
    with count_round_trips(runtime.db.engine) as seen:
        await _hold(runtime, offer, caller=MIA)
    assert seen.kinds["statement"] == 1, str(seen)
    assert seen.total == 3, str(seen)


@requires_postgres
async def test_the_row_by_row_path_still_holds_when_switched_to(runtime, world) -> None:
    runtime.settings = runtime.settings.model_copy(update={"hold_one_statement": False})
    offer = flight_offer_id(world.short_inv["economy"].id)
    with count_round_trips(runtime.db.engine) as seen:
        await _hold(runtime, offer)
    assert seen.kinds["statement"] > 5


@requires_postgres
async def test_a_sold_out_answer_is_the_same_one_statement(runtime, world) -> None:
    """The statement also reads the row as it stood when it began: a flight sold out
    before then needs no second read to say so."""
    offer = flight_offer_id(world.tiny_inv["economy"].id)
    await _hold(runtime, offer, 2)
    with count_round_trips(runtime.db.engine) as seen, pytest.raises(SoldOut):
        await _hold(runtime, offer, caller=MIA)
    assert seen.kinds["statement"] == 1, str(seen)


async def test_a_hold_wakes_its_organizations_event_streams(runtime, world) -> None:
    """The hold's outbox row is written by the statement itself, not by ``emit``: it is
    noted all the same, so the open pages of the organization hear of it at once rather
    than at their next poll."""
    woken: list[set[str]] = []

    async def listener(info) -> None:
        woken.append(set(info.get(EMITTED_FOR) or ()))

    offer = flight_offer_id(world.short_inv["economy"].id)
    await _hold(runtime, offer)  # the statics remembered: the next hold is one statement
    runtime.db.commit_listeners.append(listener)
    try:
        await _hold(runtime, offer)
    finally:
        runtime.db.commit_listeners.remove(listener)
    assert woken == [{"acme"}]


@requires_postgres
@pytest.mark.parametrize("quantity", [1, 2])
async def test_the_answer_is_built_from_the_statement_and_equals_the_view_read_back(
    runtime, world, quantity
) -> None:
    """The hold's answer takes its passenger, the link and the flight from the statement's
    row (issue 15: three reads fewer): nothing is read after the statement, and the view is
    the one a later read builds."""
    offer = flight_offer_id(world.short_inv["economy"].id)
    async with runtime.db.uow() as s:  # the statics and the airports' zones remembered
        await booking_view(s, await hold_booking(runtime, s, AVA, [ItemRequest(offer, 1)]))
    with count_round_trips(runtime.db.engine) as seen:
        async with runtime.db.uow() as s:
            booking = await hold_booking(runtime, s, MIA, [ItemRequest(offer, quantity)])
            fresh = await booking_view(s, booking, fresh=True)
    assert seen.kinds["statement"] == 1, str(seen)
    again = await load_booking_view(runtime, booking.id)
    assert fresh.model_dump(mode="json") == again.model_dump(mode="json")
    names = [(p.given_name, p.family_name) for p in fresh.passengers]
    assert len(names) == (1 if quantity == 1 else 0)
    assert all(given and family for given, family in names)
