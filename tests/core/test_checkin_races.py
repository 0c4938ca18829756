"""Race pairs for check-in (STYLE: pretix's concurrency tests): each guard switched off
in the real code and seen to break, then seen to hold.

- The flight's check-in sequence: one conditional UPDATE of its counter row
  (``core.checkin.service.take_sequence``). Without it, check-ins on one flight read the
  same last number and print it twice — ``UNIQUE (flight_id, sequence_number)`` turns the
  second into a database error (a 500) instead of the next number.
- One booking checked in twice at once: the booking's row lock. Without it both find
  nobody checked in and both issue a pass — the second fails on
  the partial unique index ``boarding_pass_current`` (one current pass per passenger)
  instead of answering the same pass.
- A checked-in passenger's seat changed twice at once: re-issuing adds no lock of its
  own (it runs under the booking's row lock that ``choose_seats`` takes, and the seat
  write's row lock orders the two even without it); the test shows each change
  re-issues in turn and the one current pass carries the last seat.

The breaking halves need real concurrent transactions (PostgreSQL); SQLite serializes
every write transaction at BEGIN IMMEDIATE, so there nothing can interleave.
"""

from __future__ import annotations

import asyncio
import functools
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.booking import seats as seats_module
from core.booking.saga import confirm_booking
from core.booking.seats import SeatChoice, assign_remaining_seats, choose_seats
from core.booking.service import ItemRequest, hold_booking
from core.checkin import service as checkin_service
from core.checkin.flow import check_in_flight
from core.checkin.views import CheckInView
from core.models import BoardingPass, Passenger, Segment
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.conftest import requires_postgres
from tests.core.booking_world import AVA, build_world

pytestmark = pytest.mark.race

CONTENDERS = 6


async def _confirmed_bookings(rt: Runtime, n: int) -> list[str]:
    """``n`` confirmed one-seat bookings of Ava's on the JFK→BOS flight; the clock moved
    into its check-in window."""
    w = await build_world(rt)
    offer = flight_offer_id(w.short_inv["economy"].id)
    ids = []
    for _ in range(n):
        async with rt.db.uow() as s:
            booking = await hold_booking(rt, s, AVA, [ItemRequest(offer, 1)])
        view = await confirm_booking(rt, AVA, booking.id)
        ids.append(view.booking_id)
    rt.clock.set(w.short_haul.depart_at - timedelta(hours=2))  # type: ignore[attr-defined]
    return ids


async def _segment_of(rt: Runtime, booking_id: str) -> str:
    async with rt.db.uow(write=False) as s:
        return str(await s.scalar(select(Segment.id).where(Segment.booking_id == booking_id)))


async def _check_in(rt: Runtime, booking_id: str) -> CheckInView:
    return await check_in_flight(rt, AVA, booking_id, await _segment_of(rt, booking_id))


async def _seat_everyone(rt: Runtime, booking_ids: list[str]) -> None:
    """Seats given one booking after the other, before a race on something else (seat
    races are core.booking.seats's, and a spoiled transaction would hide this one's)."""
    for booking_id in booking_ids:
        segment_id = await _segment_of(rt, booking_id)
        async with rt.db.uow() as s:
            await assign_remaining_seats(s, booking_id, segment_id, now=rt.clock.now())


async def _passes(rt: Runtime) -> int:
    async with rt.db.uow(write=False) as s:
        return int(await s.scalar(select(func.count()).select_from(BoardingPass)) or 0)


@requires_postgres
async def test_without_the_conditional_update_two_check_ins_print_one_sequence_number(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _confirmed_bookings(runtime, CONTENDERS + 1)
    await _check_in(runtime, ids[0])  # the flight's counter row exists from here on
    await _seat_everyone(runtime, ids)
    real = functools.partial(checkin_service.take_sequence, guarded=False)
    everyone_read = asyncio.Barrier(CONTENDERS)

    async def unguarded(*args: Any, **kwargs: Any) -> int:
        await everyone_read.wait()  # all in their transactions before anyone writes
        return await real(*args, **kwargs)

    monkeypatch.setattr(checkin_service, "take_sequence", unguarded)

    outcomes = await asyncio.gather(*(_check_in(runtime, b) for b in ids[1:]), return_exceptions=True)

    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert failed, "without the guard, check-ins on one flight print the same number"
    assert all(isinstance(o, IntegrityError) for o in failed)
    assert all("boarding_pass_flight_sequence" in str(o) for o in failed)
    assert await _passes(runtime) == 1 + CONTENDERS - len(failed)


async def test_concurrent_check_ins_on_one_flight_number_their_passes_one_to_n(runtime: Runtime) -> None:
    ids = await _confirmed_bookings(runtime, CONTENDERS)

    outcomes = await asyncio.gather(*(_check_in(runtime, b) for b in ids))

    # Everyone also got a seat at check-in: the losers of a seat race tried again.
    assert len({o.boarding_passes[0].seat for o in outcomes}) == CONTENDERS
    numbers = sorted(o.boarding_passes[0].sequence_number for o in outcomes)
    assert numbers == list(range(1, CONTENDERS + 1))
    assert {o.boarding_passes[0].bcbp[52:57] for o in outcomes} == {
        f"{n:04d} " for n in range(1, CONTENDERS + 1)
    }


@requires_postgres
async def test_without_the_booking_lock_a_double_check_in_issues_two_passes(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    [booking_id] = await _confirmed_bookings(runtime, 1)
    await _seat_everyone(runtime, [booking_id])
    real_load = checkin_service.load_visible_booking
    real_take = checkin_service.take_sequence
    both_looked = asyncio.Barrier(2)

    async def unlocked(session: Any, caller: Any, bid: str, **kwargs: Any) -> Any:
        return await real_load(session, caller, bid, **{**kwargs, "for_update": False})

    async def after_both_looked(*args: Any, **kwargs: Any) -> int:
        # Both transactions have read "nobody on this flight has a pass" (the read that
        # decides whom to check in comes before the first write): neither has written
        # yet, so neither can see the other's pass whatever the scheduler does next.
        await asyncio.wait_for(both_looked.wait(), timeout=30)
        return await real_take(*args, **kwargs)

    monkeypatch.setattr(checkin_service, "load_visible_booking", unlocked)
    monkeypatch.setattr(checkin_service, "take_sequence", after_both_looked)

    outcomes = await asyncio.gather(
        _check_in(runtime, booking_id), _check_in(runtime, booking_id), return_exceptions=True
    )

    assert [type(o) for o in outcomes].count(IntegrityError) == 1, outcomes
    assert "boarding_pass_current" in str(next(o for o in outcomes if isinstance(o, IntegrityError)))
    assert await _passes(runtime) == 1


async def test_a_double_check_in_answers_the_same_pass_twice(runtime: Runtime) -> None:
    [booking_id] = await _confirmed_bookings(runtime, 1)

    first, second = await asyncio.gather(_check_in(runtime, booking_id), _check_in(runtime, booking_id))

    assert first == second
    assert await _passes(runtime) == 1


async def _change_seat(rt: Runtime, booking_id: str, seat: str) -> None:
    segment_id = await _segment_of(rt, booking_id)
    async with rt.db.uow() as s:
        passenger_id = str(
            await s.scalar(select(Passenger.id).where(Passenger.booking_id == booking_id))
        )
        await choose_seats(
            s, AVA, booking_id, [SeatChoice(segment_id, passenger_id, seat)], now=rt.clock.now()
        )


async def _two_free_seats(rt: Runtime, booking_id: str) -> tuple[str, str]:
    async with rt.db.uow(write=False) as s:
        seat_map = await seats_module.booking_seat_map(s, AVA, booking_id)
    free = [
        seat.seat
        for row in seat_map.segments[0].rows
        for seat in row.seats
        if seat.available and not seat.price.minor()
    ]
    return free[-1], free[-2]


async def _current_passes(rt: Runtime, booking_id: str) -> list[BoardingPass]:
    async with rt.db.uow(write=False) as s:
        return list(
            (
                await s.scalars(
                    select(BoardingPass).where(
                        BoardingPass.booking_id == booking_id, BoardingPass.superseded_at.is_(None)
                    )
                )
            ).all()
        )


async def test_two_seat_changes_at_once_reissue_in_turn_and_the_pass_shows_the_last_seat(
    runtime: Runtime,
) -> None:
    [booking_id] = await _confirmed_bookings(runtime, 1)
    first = (await _check_in(runtime, booking_id)).boarding_passes[0]
    one, other = await _two_free_seats(runtime, booking_id)

    await asyncio.gather(
        _change_seat(runtime, booking_id, one), _change_seat(runtime, booking_id, other)
    )

    [current] = await _current_passes(runtime, booking_id)
    async with runtime.db.uow(write=False) as s:
        seat = await s.scalar(
            select(BoardingPass.seat).where(BoardingPass.id == current.id)
        )
        link_seat = await s.scalar(
            select(seats_module.SegmentPassenger.seat).where(
                seats_module.SegmentPassenger.booking_id == booking_id
            )
        )
    assert seat == link_seat
    assert seat in (one, other)
    assert current.bcbp[48:52] == seat.rjust(4, "0")
    assert await _passes(runtime) == 3  # the first pass and one re-issue per change
    assert current.sequence_number == first.sequence_number + 2
