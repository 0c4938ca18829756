"""Caps on holds (issue 14, item 1): no free seat hoarding.

One user of another organization held all 161 economy seats of a flight in 18
requests. Now a user may hold 20 places (seats or rooms) and 10 open bookings, an
organization 200 and 100; holds awaiting approval are counted on their own. Going
over is 429 ``HOLD_LIMIT_REACHED`` with a ``retry_after``. Expired, cancelled and
confirmed holds do not count.

The race pairs: concurrent holds by one user with the real cap check switched off
pass the cap; with it, never — on SQLite and PostgreSQL. On PostgreSQL a second
pair switches off the locks that serialize one user's and one organization's holds:
the check alone, reading before the others commit, lets them through.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from core.booking import quota
from core.booking.saga import confirm_booking
from core.booking.service import cancel_held_booking, hold_booking
from core.errors import HoldLimitReached
from core.identity import Caller
from core.models import Booking, BookingStatus, FareInventory
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.conftest import PG_URL
from tests.core.booking_world import AVA, MIA, build_world
from tests.factories import make_flight, make_user, named_item

NED = Caller(user_id="ned", org_id="acme", role="traveler", name="Ned")


async def big_flight(rt: Runtime, seats: int = 161) -> str:
    """A flight with ``seats`` economy seats (the probe's flight had 161)."""
    async with rt.db.uow() as s:
        _, inv = await make_flight(
            s, number="999", cabins={"economy": (seats, 61240)}, duration_minutes=300
        )
        return flight_offer_id(inv["economy"].id)


async def hold(rt: Runtime, caller: Caller, offer: str, quantity: int = 1) -> str:
    async with rt.db.uow() as s:
        return (await hold_booking(rt, s, caller, [named_item(offer, quantity)])).id


async def try_hold(rt: Runtime, caller: Caller, offer: str, quantity: int) -> bool:
    try:
        await hold(rt, caller, offer, quantity)
        return True
    except HoldLimitReached:
        return False


async def held_seats(rt: Runtime, offer: str) -> int:
    async with rt.db.uow(write=False) as s:
        inv = await s.get(FareInventory, int(offer.removeprefix("FL-")))
        assert inv is not None
        return inv.held


async def test_the_hoarding_probe_now_stops_at_twenty_places(runtime: Runtime) -> None:
    """The probe again: 18 requests of 9 seats on a 161-seat flight, one user."""
    await build_world(runtime)
    offer = await big_flight(runtime)
    outcomes = [await try_hold(runtime, AVA, offer, 9) for _ in range(18)]
    assert outcomes.count(True) == 2
    assert await held_seats(runtime, offer) == 18
    # Smaller bites reach the cap exactly, and no further.
    assert await try_hold(runtime, AVA, offer, 2)
    assert not await try_hold(runtime, AVA, offer, 1)
    assert await held_seats(runtime, offer) == 20
    print(f"\nhoarding probe: 18 requests of 9 -> {outcomes.count(True)} held, "
          f"{outcomes.count(False)} refused; {await held_seats(runtime, offer)} of 161 seats held")


async def test_the_refusal_names_the_cap_and_when_to_retry(runtime: Runtime, clock: Any) -> None:
    await build_world(runtime)
    offer = await big_flight(runtime)
    await hold(runtime, AVA, offer, 9)
    clock.advance(minutes=5)
    await hold(runtime, AVA, offer, 9)
    with pytest.raises(HoldLimitReached) as refused:
        await hold(runtime, AVA, offer, 9)
    error = refused.value
    assert (error.status, error.code) == (429, "HOLD_LIMIT_REACHED")
    assert error.extra["scope"] == "user"
    assert (error.extra["limit"], error.extra["held"], error.extra["requested"]) == (20, 18, 9)
    assert error.extra["retry_after"] == 10 * 60  # the first hold runs out in 10 minutes
    assert "18 seats or rooms on hold" in error.detail


async def test_open_bookings_are_capped_too(runtime: Runtime) -> None:
    await build_world(runtime)
    offer = await big_flight(runtime)
    for _ in range(10):
        await hold(runtime, AVA, offer, 1)
    with pytest.raises(HoldLimitReached, match="10 bookings on hold"):
        await hold(runtime, AVA, offer, 1)


async def test_the_organization_has_its_own_cap(runtime: Runtime) -> None:
    await build_world(runtime)
    runtime.settings = runtime.settings.model_copy(update={"hold_max_places_per_org": 30})
    async with runtime.db.uow() as s:
        await make_user(s, id="ned", manager_id="mia")
    offer = await big_flight(runtime)
    await hold(runtime, AVA, offer, 9)
    await hold(runtime, AVA, offer, 9)
    await hold(runtime, MIA, offer, 9)
    with pytest.raises(HoldLimitReached) as refused:
        await hold(runtime, NED, offer, 9)  # Ned holds nothing, but Acme holds 27
    assert refused.value.extra["scope"] == "organization"
    assert await try_hold(runtime, NED, offer, 3)


async def test_expired_cancelled_and_confirmed_holds_do_not_count(
    runtime: Runtime, clock: Any
) -> None:
    w = await build_world(runtime)
    offer = await big_flight(runtime)
    await hold(runtime, AVA, offer, 9)
    second = await hold(runtime, AVA, offer, 9)
    assert not await try_hold(runtime, AVA, offer, 9)
    # Cancelled: its places come back at once.
    async with runtime.db.uow() as s:
        await cancel_held_booking(runtime, s, AVA, second)
    third = await hold(runtime, AVA, offer, 9)
    # Confirmed: sold, no longer held.
    green = flight_offer_id(w.long_inv["economy"].id)
    async with runtime.db.uow() as s:
        await cancel_held_booking(runtime, s, AVA, third)
    sold = await hold(runtime, AVA, green, 2)
    assert (await confirm_booking(runtime, AVA, sold)).status == "confirmed"
    assert await try_hold(runtime, AVA, offer, 9)
    assert not await try_hold(runtime, AVA, offer, 9)
    # Expired (and not swept yet): nothing held any more.
    clock.advance(minutes=16)
    assert await try_hold(runtime, AVA, offer, 9)
    assert await try_hold(runtime, AVA, offer, 9)


async def test_holds_awaiting_approval_are_counted_on_their_own(runtime: Runtime) -> None:
    w = await build_world(runtime)
    runtime.settings = runtime.settings.model_copy(update={"approval_max_places_per_user": 4})
    amber = flight_offer_id(w.short_inv["business"].id)  # needs the manager
    offer = await big_flight(runtime)
    first = await hold(runtime, AVA, amber, 3)
    await hold(runtime, AVA, offer, 9)
    assert (await confirm_booking(runtime, AVA, first)).status == "pending_approval"
    # The 3 waiting for approval no longer count as held: 9 held, 11 more may be.
    nine = await hold(runtime, AVA, offer, 9)
    await hold(runtime, AVA, offer, 2)
    assert not await try_hold(runtime, AVA, offer, 1)
    # Only 4 places may wait for approval: a second request of 3 is refused at confirm
    # and stays held, to be confirmed once the first is decided.
    async with runtime.db.uow() as s:
        await cancel_held_booking(runtime, s, AVA, nine)
    second = await hold(runtime, AVA, amber, 3)
    with pytest.raises(HoldLimitReached) as refused:
        await confirm_booking(runtime, AVA, second)
    assert refused.value.extra["bucket"] == "pending_approval"
    assert "3 seats or rooms waiting for approval" in refused.value.detail
    async with runtime.db.uow(write=False) as s:
        booking = await s.get(Booking, second)
        assert booking is not None
        assert booking.status == BookingStatus.HELD
        assert booking.approval_id is None


# -- race pairs ---------------------------------------------------------------------------

CONTENDERS = 8  # eight holds of 9 seats at once by one user: 72 asked, 20 allowed


async def _rush(rt: Runtime, offer: str) -> list[bool]:
    outcomes = await asyncio.gather(
        *(try_hold(rt, AVA, offer, 9) for _ in range(CONTENDERS)), return_exceptions=True
    )
    assert all(isinstance(o, bool) for o in outcomes), outcomes
    return [bool(o) for o in outcomes]


async def _held_by_ava(rt: Runtime) -> int:
    async with rt.db.uow(write=False) as s:
        mine = await quota.usage(
            s, org_id="acme", bucket="held", now=rt.clock.now(), user_id="ava"
        )
        return mine.places


@pytest.mark.race
async def test_without_the_cap_check_one_user_passes_the_cap(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_world(runtime)
    offer = await big_flight(runtime)
    monkeypatch.setattr(quota, "over_cap", lambda *args, **kwargs: None)
    outcomes = await _rush(runtime, offer)
    assert all(outcomes)
    assert await _held_by_ava(runtime) == 72


@pytest.mark.race
async def test_with_the_cap_check_concurrent_holds_never_pass_the_cap(runtime: Runtime) -> None:
    await build_world(runtime)
    offer = await big_flight(runtime)
    outcomes = await _rush(runtime, offer)
    assert outcomes.count(True) == 2
    assert await _held_by_ava(runtime) == 18
    assert await held_seats(runtime, offer) == 18


def _slow_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every count waits a little before the hold goes on: the window a second hold by the
    same user would need to read "18 held" too, before the first commits."""
    real = quota.usages  # the user's and the organization's counts, one statement

    async def slow(*args: Any, **kwargs: Any) -> tuple[quota.Usage, quota.Usage]:
        found = await real(*args, **kwargs)
        await asyncio.sleep(0.2)
        return found

    monkeypatch.setattr(quota, "usages", slow)


@pytest.mark.race
@pytest.mark.skipif(PG_URL is None, reason="SQLite has one writer at a time: nothing to lock")
async def test_postgres_without_the_holder_locks_the_check_alone_is_not_enough(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_world(runtime)
    offer = await big_flight(runtime)
    _slow_count(monkeypatch)

    async def no_locks(*args: Any, **kwargs: Any) -> None:
        return None

    monkeypatch.setattr(quota, "lock_holders", no_locks)
    outcomes = await _rush(runtime, offer)
    assert outcomes.count(True) > 2
    assert await _held_by_ava(runtime) > 20


@pytest.mark.race
async def test_with_the_holder_locks_the_same_window_stays_within_the_cap(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_world(runtime)
    offer = await big_flight(runtime)
    _slow_count(monkeypatch)
    outcomes = await _rush(runtime, offer)
    assert outcomes.count(True) == 2
    assert await _held_by_ava(runtime) == 18


async def test_a_cap_refusal_rolls_the_whole_hold_back(runtime: Runtime) -> None:
    await build_world(runtime)
    offer = await big_flight(runtime)
    await hold(runtime, AVA, offer, 9)
    await hold(runtime, AVA, offer, 9)
    assert not await try_hold(runtime, AVA, offer, 9)
    async with runtime.db.uow(write=False) as s:
        assert await s.scalar(select(func.count()).select_from(Booking)) == 2
    assert await held_seats(runtime, offer) == 18
