"""One fare from search to refund: the split a traveller is quoted is the one held,
confirmed, put on the receipt and the invoice, and given back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.booking.cancel import cancel_booking
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.booking.views import booking_view
from core.catalogue.fares import FareBreakdown, combine
from core.finance import invoice_line_views, reconcile
from core.models import BookingChange, OutboxEvent, Segment
from core.search.flights import load_flight_offer
from core.search.hotels import load_hotel_offer
from core.search.offers import FlightOfferRef, HotelOfferRef, flight_offer_id, hotel_offer_id
from tests.core.booking_world import AVA, build_world
from tests.factories import named_item


async def test_the_same_split_from_search_to_refund(runtime, clock):
    w = await build_world(runtime)
    flight_id = flight_offer_id(w.long_inv["economy"].id)
    hotel_id = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20))

    # Search: the offers as listed, each with its split.
    async with runtime.db.uow(write=False) as s:
        flight = await load_flight_offer(s, FlightOfferRef((w.long_inv["economy"].id,)), 2)
        hotel = await load_hotel_offer(
            s, HotelOfferRef("LON01", date(2026, 12, 18), date(2026, 12, 20)), 1
        )
    quoted = combine([flight.fare, hotel.fare])
    assert quoted.total_minor == flight.total_minor + hotel.total_minor
    assert {"US", "AY", "XF"} <= {t.code for t in quoted.taxes}
    assert "VAT" in {t.code for t in quoted.taxes}

    # Hold: each segment keeps its part of it, and the booking's JSON shows it.
    async with runtime.db.uow() as s:
        booking = await hold_booking(
            runtime, s, AVA, [named_item(flight_id, 2), ItemRequest(hotel_id, 1)]
        )
        bid = booking.id
        hold_view = (await booking_view(s, booking)).model_dump(mode="json")
    assert hold_view["fare"] == quoted.as_json()
    assert hold_view["fare"]["total"] == hold_view["total"]
    assert [seg["fare"] for seg in hold_view["segments"]] == [
        flight.fare.as_json(),
        hotel.fare.as_json(),
    ]
    assert [seg["fare"]["total"] for seg in hold_view["segments"]] == [
        seg["price"] for seg in hold_view["segments"]
    ]
    async with runtime.db.uow(write=False) as s:
        segments = (
            await s.scalars(
                select(Segment).where(Segment.booking_id == bid).order_by(Segment.position)
            )
        ).all()
        held = [FareBreakdown.from_stored(seg.fare) for seg in segments]
    assert held == [flight.fare, hotel.fare]
    assert combine(held) == quoted
    assert [f.total_minor for f in held] == [seg.amount_minor for seg in segments]

    # Confirmation: the receipt shows that split.
    view = (await confirm_booking(runtime, AVA, bid)).model_dump(mode="json")
    assert view["status"] == "confirmed"
    assert view["fare"] == hold_view["fare"]
    assert [seg["fare"] for seg in view["segments"]] == [
        seg["fare"] for seg in hold_view["segments"]
    ]
    async with runtime.db.uow(write=False) as s:
        event = await s.scalar(select(OutboxEvent).where(OutboxEvent.topic == "booking.confirmed"))
    assert event.payload["fare"] == quoted.as_json()
    base = quoted.as_json()["base"]["amount"]
    assert (
        f"is confirmed and paid: {float(quoted.total_minor) / 100:,.2f} USD"
        in event.payload["message"]
    )
    assert f"base fare {float(base):,.2f} USD" in event.payload["message"]

    # Invoice: one line per segment, each with the segment's split.
    await reconcile(runtime)
    async with runtime.db.uow(write=False) as s:
        lines = sorted(await invoice_line_views(s, "acme"), key=lambda v: v.kind)
    assert [v.fare for v in lines] == [f.out() for f in held]

    # Refund (within 24 hours: everything back): the same parts.
    clock.advance(hours=3)
    cancelled_view = (await cancel_booking(runtime, AVA, bid)).model_dump(mode="json")
    [change_json] = cancelled_view["changes"]
    assert change_json["refund_fare"] == quoted.as_json()
    assert change_json["refund_fare"]["total"] == change_json["refund"]
    async with runtime.db.uow(write=False) as s:
        change = await s.scalar(select(BookingChange).where(BookingChange.booking_id == bid))
        cancelled = await s.scalar(
            select(OutboxEvent).where(OutboxEvent.topic == "booking.cancelled")
        )
    assert FareBreakdown.from_stored(change.refund_fare) == quoted
    assert cancelled.payload["refund_fare"] == quoted.as_json()
