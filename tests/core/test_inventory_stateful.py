"""Property test: random holds, confirms, expiries, cancels, seat choices and check-in
seating never break the books.

After every step: for every inventory row ``held + sold <= capacity``, ``held`` and
``sold`` equal what the hold rows say, every charge maps to exactly one booking, and
every confirmed booking has exactly one captured payment (its total, seat fees
included, and the seats bought after confirmation as payments of their own). Seats
agree with the places:
no seat is assigned twice on a flight, the seats assigned on a cabin never exceed its
``held + sold`` nor a segment's its places, a seat is in its segment's cabin, and a
segment whose places went back has no seats. Boarding passes agree with the seats: one
current pass per passenger per flight, printing the seat the passenger sits in (a seat
changed after check-in issued it again), sequence numbers unique per flight, and every
superseded pass points at the pass that replaced it.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from core.booking.saga import confirm_booking
from core.booking.seat_purchase import choose_or_buy_seats
from core.booking.seats import SeatChoice, assign_remaining_seats, flight_seat_plan
from core.booking.service import cancel_held_booking, hold_booking
from core.checkin.service import check_in_segment
from core.clock import FrozenClock
from core.config import Settings
from core.errors import CoreError
from core.inventory.holds import release_expired_holds
from core.models import (
    BoardingPass,
    Booking,
    FareInventory,
    Flight,
    GatewayIntent,
    Hold,
    Payment,
    Segment,
    SegmentPassenger,
    SegmentStatus,
)
from core.runtime import build_runtime
from core.search.offers import flight_offer_id
from tests.conftest import NOW, PG_URL, fresh_database
from tests.core.booking_world import AVA, MIA, build_world
from tests.factories import named_item


class BookingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory()
        self.bookings: list[str] = []

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    @initialize()
    def setup(self) -> None:
        async def go():
            db = await fresh_database(Path(self.tmp.name))
            self.clock = FrozenClock(NOW)
            self.rt = build_runtime(Settings(env="test", database_url=db.url, hold_ttl_seconds=600),
                                    clock=self.clock, db=db)
            w = await build_world(self.rt)
            self.offers = [flight_offer_id(w.tiny_inv["economy"].id),
                           flight_offer_id(w.short_inv["economy"].id),
                           flight_offer_id(w.long_inv["economy"].id)]
        self.run(go())

    def teardown(self) -> None:
        if hasattr(self, "rt"):
            self.run(self.rt.db.dispose())
        self.loop.close()
        self.tmp.cleanup()

    @rule(offer=st.integers(0, 2), qty=st.integers(1, 3), manager=st.booleans())
    def hold(self, offer: int, qty: int, manager: bool) -> None:
        async def go():
            try:
                async with self.rt.db.uow() as s:
                    b = await hold_booking(self.rt, s, MIA if manager else AVA,
                                           [named_item(self.offers[offer], qty)])
                self.bookings.append(b.id)
            except CoreError:
                pass
        self.run(go())

    @rule(offer=st.integers(0, 1), qty=st.integers(1, 2))
    def book_and_pay(self, offer: int, qty: int) -> None:
        """A domestic trip held and paid in one step (so check-in and the seats of paid
        trips get exercised, not only the rare confirm of a random hold)."""
        async def go():
            try:
                async with self.rt.db.uow() as s:
                    b = await hold_booking(self.rt, s, MIA, [named_item(self.offers[offer], qty)])
                self.bookings.append(b.id)
                await confirm_booking(self.rt, MIA, b.id)
            except CoreError:
                pass
        self.run(go())

    @rule(pick=st.integers(0, 50))
    def confirm(self, pick: int) -> None:
        if not self.bookings:
            return
        bid = self.bookings[pick % len(self.bookings)]
        async def go():
            try:
                await confirm_booking(self.rt, MIA, bid)
            except CoreError:
                pass
        self.run(go())

    @rule(pick=st.integers(0, 50))
    def cancel(self, pick: int) -> None:
        if not self.bookings:
            return
        bid = self.bookings[pick % len(self.bookings)]
        async def go():
            try:
                async with self.rt.db.uow() as s:
                    await cancel_held_booking(self.rt, s, MIA, bid)
            except CoreError:
                pass
        self.run(go())

    @rule(pick=st.integers(0, 50), seat=st.integers(0, 400), who=st.integers(0, 8),
          fees=st.booleans())
    def choose_seat(self, pick: int, seat: int, who: int, fees: bool) -> None:
        if not self.bookings:
            return
        bid = self.bookings[pick % len(self.bookings)]
        async def go():
            await self._choose(bid, seat, who, fees)
        self.run(go())

    @rule(pick=st.integers(0, 50), seat=st.integers(0, 400), who=st.integers(0, 8),
          fees=st.booleans())
    def change_a_paid_trips_seat(self, pick: int, seat: int, who: int, fees: bool) -> None:
        async def go():
            async with self.rt.db.uow(write=False) as s:
                paid = (await s.scalars(select(Booking.id).where(
                    Booking.status == "confirmed").order_by(Booking.id))).all()
            if paid:
                await self._choose(paid[pick % len(paid)], seat, who, fees)
        self.run(go())

    async def _choose(self, bid: str, seat: int, who: int, fees: bool) -> None:
        async with self.rt.db.uow(write=False) as s:
            links = (await s.scalars(select(SegmentPassenger).where(
                SegmentPassenger.booking_id == bid).order_by(SegmentPassenger.id))).all()
            if not links:
                return
            link = links[who % len(links)]
            segment = await s.get(Segment, link.segment_id)
            plan = await flight_seat_plan(s, await s.get(Flight, segment.flight_id))
            cabin = plan.cabin(segment.cabin)
            seats = [spec.seat for row in cabin.rows for spec in row]
        try:  # held: the fee joins the total; confirmed: bought as a payment of its own
            await choose_or_buy_seats(self.rt, MIA, bid, [SeatChoice(
                link.segment_id, link.passenger_id, seats[seat % len(seats)])], accept_fees=fees)
        except CoreError:
            pass

    @rule(pick=st.integers(0, 50), hours=st.integers(2, 20))
    def check_in(self, pick: int, hours: int) -> None:
        async def go():
            try:
                async with self.rt.db.uow() as s:
                    paid = (await s.scalars(select(Booking.id).where(
                        Booking.status == "confirmed").order_by(Booking.id))).all()
                    if not paid:
                        return
                    bid = paid[pick % len(paid)]
                    booking = await s.scalar(select(Booking).where(Booking.id == bid).with_for_update())
                    for seg in (await s.scalars(select(Segment).where(
                            Segment.booking_id == bid, Segment.status == "booked"))).all():
                        flight = await s.get(Flight, seg.flight_id)
                        # In the flight's check-in window, without moving the machine's clock.
                        await check_in_segment(s, booking, seg.id, now=flight.depart_at - timedelta(hours=hours),
                                               settings=self.rt.settings, actor="mia")
            except CoreError:
                pass
        self.run(go())

    @rule(pick=st.integers(0, 50))
    def seat_the_rest(self, pick: int) -> None:
        if not self.bookings:
            return
        bid = self.bookings[pick % len(self.bookings)]
        async def go():
            try:
                async with self.rt.db.uow() as s:
                    for seg_id in (await s.scalars(select(Segment.id).where(
                            Segment.booking_id == bid, Segment.status.in_(("held", "booked"))))).all():
                        await assign_remaining_seats(s, bid, seg_id, now=self.clock.now())
            except CoreError:
                pass
        self.run(go())

    @rule(minutes=st.integers(1, 15), sweep=st.booleans())
    def time_passes(self, minutes: int, sweep: bool) -> None:
        self.clock.advance(minutes=minutes)
        if sweep:
            async def go():
                async with self.rt.db.uow() as s:
                    await release_expired_holds(s, now=self.clock.now())
            self.run(go())

    @invariant()
    def books_balance(self) -> None:
        if not hasattr(self, "rt"):
            return
        async def go():
            async with self.rt.db.uow(write=False) as s:
                for inv in (await s.scalars(select(FareInventory))).all():
                    assert inv.held + inv.sold <= inv.capacity
                    active = await s.scalar(select(func.coalesce(func.sum(Hold.quantity), 0)).where(
                        Hold.fare_inventory_id == inv.id, Hold.status == "active"))
                    converted = await s.scalar(select(func.coalesce(func.sum(Hold.quantity), 0)).where(
                        Hold.fare_inventory_id == inv.id, Hold.status == "converted"))
                    assert inv.held == active
                    assert inv.sold == converted
                payments = (await s.scalars(select(Payment))).all()
                first = [p.booking_id for p in payments if p.purpose == "booking"]
                assert len(set(first)) == len(first)
                intents = await s.scalar(select(func.count()).select_from(GatewayIntent))
                assert intents == len([p for p in payments if p.provider_ref])
                await self._seats_agree_with_places(s)
                for b in (await s.scalars(select(Booking).where(Booking.status == "confirmed"))).all():
                    mine = [p for p in payments if p.booking_id == b.id]
                    assert len([p for p in mine if p.purpose == "booking" and p.status == "captured"]) == 1
                    assert sum(p.captured_minor - p.refunded_minor for p in mine) == b.total_minor
                await self._passes_agree_with_seats(s)
        self.run(go())

    async def _passes_agree_with_seats(self, s) -> None:
        passes = (await s.scalars(select(BoardingPass))).all()
        numbers = [(bp.flight_id, bp.sequence_number) for bp in passes]
        assert len(numbers) == len(set(numbers)), "a sequence number printed twice"
        ids = {bp.id for bp in passes}
        current: dict[int, BoardingPass] = {}
        for bp in passes:
            if bp.superseded_at is None:
                assert bp.segment_passenger_id not in current, "two current passes"
                current[bp.segment_passenger_id] = bp
            else:
                assert bp.superseded_by in ids
        for link_id, bp in current.items():
            link = await s.get(SegmentPassenger, link_id)
            segment = await s.get(Segment, link.segment_id)
            if segment.status == SegmentStatus.BOOKED:
                assert bp.seat == link.seat, "the pass prints another seat than the passenger's"
                assert bp.bcbp[48:52] == (link.seat or "").rjust(4, "0")


    async def _seats_agree_with_places(self, s) -> None:
        seated = (await s.execute(
            select(SegmentPassenger, Segment).join(Segment, Segment.id == SegmentPassenger.segment_id)
            .where(SegmentPassenger.seat.is_not(None)))).all()
        taken = [(link.flight_id, link.seat) for link, _ in seated]
        assert len(taken) == len(set(taken)), "a seat assigned twice"
        per_row: dict[int, int] = {}
        per_segment: dict[str, int] = {}
        for link, segment in seated:
            assert link.flight_id == segment.flight_id
            assert segment.status in (SegmentStatus.HELD, SegmentStatus.BOOKED), "a seat outlived its place"
            plan = await flight_seat_plan(s, await s.get(Flight, segment.flight_id))
            spec = plan.seat(link.seat)
            assert spec is not None
            assert spec.cabin == segment.cabin
            per_row[segment.fare_inventory_id] = per_row.get(segment.fare_inventory_id, 0) + 1
            per_segment[segment.id] = per_segment.get(segment.id, 0) + 1
        for inv_id, count in per_row.items():
            inv = await s.get(FareInventory, inv_id)
            assert count <= inv.held + inv.sold
        for seg_id, count in per_segment.items():
            assert count <= (await s.get(Segment, seg_id)).quantity


BookingMachine.TestCase.settings = settings(
    max_examples=8 if PG_URL else 15,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBookingMachine = BookingMachine.TestCase
