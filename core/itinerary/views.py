"""The itinerary: a booking's flights and hotel stays, in time order, each on its own
place's clock.

Built from :class:`core.booking.views.BookingView` (the one view of a booking every
audience reads) plus what a traveller needs on paper that the booking does not repeat:
airport and carrier names, the hotel's address, the place's time zone. Session services;
they only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.access import load_visible_booking
from core.booking.views import BookingView, FlightSegmentView, HotelSegmentView, booking_view
from core.identity import Caller
from core.models import Airport, Booking, BookingStatus, Carrier, FlightStatus, SegmentStatus, User
from core.money import Money
from core.views import LocalTime, UtcTime, View, shown_when_set

#: The domain part of every event's UID: ours, and reserved so it can name nobody else's.
UID_DOMAIN = "concierge.invalid"


class ItineraryPlace(View):
    """An airport as a traveller reads it on a ticket."""

    code: str = Field(examples=["JFK"])
    name: str = Field(examples=["John F Kennedy International Airport"])
    city: str = Field(examples=["New York"])
    tz: str = Field(description="IANA time zone.", examples=["America/New_York"])


class ItineraryPassenger(View):
    """Who travels on a segment and, once chosen or issued, their seat and e-ticket."""

    name: str
    seat: str | None = shown_when_set()
    ticket: str | None = shown_when_set()


class ItineraryFlight(View):
    kind: Literal["flight"] = "flight"
    segment_id: str
    uid: str = Field(description="The calendar event's UID: the same for this segment every time.")
    status: SegmentStatus
    title: str = Field(examples=["BA 178 JFK → LHR"])
    carrier: str
    carrier_name: str
    number: str
    origin: ItineraryPlace
    destination: ItineraryPlace
    start: LocalTime = Field(description="Departure on the origin's clock.")
    end: LocalTime = Field(description="Arrival on the destination's clock.")
    cabin: str | None
    quantity: int = Field(description="Seats.")
    flight_status: FlightStatus
    locator: str | None = Field(description="The airline's record locator, once booked.")
    passengers: list[ItineraryPassenger]


class ItineraryStay(View):
    kind: Literal["hotel"] = "hotel"
    segment_id: str
    uid: str
    status: SegmentStatus
    title: str = Field(examples=["London Grand, London"])
    hotel_id: str
    name: str
    address: str
    city: str
    tz: str = Field(description="The hotel's IANA time zone.")
    start: LocalTime = Field(description="Check-in from, on the hotel's clock.")
    end: LocalTime = Field(description="Check-out by, on the hotel's clock.")
    nights: int
    rooms: int
    locator: str | None = Field(description="The hotel's confirmation number, once booked.")
    guests: list[ItineraryPassenger]


ItineraryEntry = Annotated[ItineraryFlight | ItineraryStay, Field(discriminator="kind")]


class ItineraryView(View):
    """A booking's flights and stays in the order they happen, in local times."""

    booking_id: str
    status: BookingStatus
    traveler_id: str
    traveler: str = Field(description="The traveller's name.")
    total: Money
    updated_at: UtcTime = Field(description="The booking's last change (the calendar's DTSTAMP).")
    entries: list[ItineraryEntry]


def event_uid(booking_id: str, segment_id: str) -> str:
    """One UID per segment, for good: a calendar that imports the trip again updates the
    same events instead of adding copies."""
    return f"{booking_id}.{segment_id}@{UID_DOMAIN}"


def _travellers(
    view: BookingView, segment: FlightSegmentView | HotelSegmentView, traveler: str
) -> list[ItineraryPassenger]:
    """Who is on a segment, with their seat and e-ticket: the one place where the
    booking's passengers, seats and tickets enter the itinerary. A flight lists the
    passengers named on it (legal names; a seat or ticket once there is one); a stay,
    or a flight nobody is named on yet, lists the booking's traveller."""
    if not isinstance(segment, FlightSegmentView) or not segment.passengers:
        return [ItineraryPassenger(name=traveler)]
    named = {p.passenger_id: p for p in view.passengers}
    out = []
    for link in segment.passengers:
        person = named.get(link.passenger_id)
        parts = (person.given_name, person.family_name) if person is not None else ()
        legal = " ".join(part for part in parts if part)
        out.append(
            ItineraryPassenger(name=legal or traveler, seat=link.seat, ticket=link.ticket_number)
        )
    return out


async def _place(session: AsyncSession, code: str) -> ItineraryPlace:
    airport = await session.get(Airport, code)
    if airport is None:
        return ItineraryPlace(code=code, name=code, city=code, tz="UTC")
    return ItineraryPlace(code=code, name=airport.name, city=airport.city, tz=airport.tz)


async def _carrier_name(session: AsyncSession, code: str) -> str:
    carrier = await session.get(Carrier, code)
    return carrier.name if carrier is not None else code


async def itinerary_of(session: AsyncSession, view: BookingView) -> ItineraryView:
    """The itinerary of a booking already read as its view."""
    traveler_name = await session.scalar(select(User.name).where(User.id == view.traveler_id))
    traveler = traveler_name or view.traveler_id
    entries: list[ItineraryFlight | ItineraryStay] = []
    for seg in view.segments:
        uid = event_uid(view.booking_id, seg.segment_id)
        if isinstance(seg, FlightSegmentView):
            entries.append(
                ItineraryFlight(
                    segment_id=seg.segment_id,
                    uid=uid,
                    status=seg.status,
                    title=f"{seg.carrier} {seg.number} {seg.origin} → {seg.destination}",
                    carrier=seg.carrier,
                    carrier_name=await _carrier_name(session, seg.carrier),
                    number=seg.number,
                    origin=await _place(session, seg.origin),
                    destination=await _place(session, seg.destination),
                    start=seg.depart_local,
                    end=seg.arrive_local,
                    cabin=seg.cabin,
                    quantity=seg.quantity,
                    flight_status=seg.flight_status,
                    locator=seg.locator,
                    passengers=_travellers(view, seg, traveler),
                )
            )
        else:
            entries.append(
                ItineraryStay(
                    segment_id=seg.segment_id,
                    uid=uid,
                    status=seg.status,
                    title=f"{seg.name}, {seg.city}",
                    hotel_id=seg.hotel_id,
                    name=seg.name,
                    address=seg.address,
                    city=seg.city,
                    tz=str(seg.check_in_from.tzinfo),
                    start=seg.check_in_from,
                    end=seg.check_out_by,
                    nights=(seg.check_out - seg.check_in).days,
                    rooms=seg.rooms,
                    locator=seg.locator,
                    guests=_travellers(view, seg, traveler),
                )
            )
    # In the order they happen; a flight landing as a stay starts comes first.
    entries.sort(key=lambda e: (e.start.astimezone(dt.UTC), e.kind != "flight"))
    return ItineraryView(
        booking_id=view.booking_id,
        status=view.status,
        traveler_id=view.traveler_id,
        traveler=traveler,
        total=view.total,
        updated_at=view.updated_at,
        entries=entries,
    )


async def itinerary_view(session: AsyncSession, booking: Booking) -> ItineraryView:
    return await itinerary_of(session, await booking_view(session, booking))


async def load_itinerary(session: AsyncSession, caller: Caller, booking_id: str) -> ItineraryView:
    """The itinerary of a booking the caller may see (anyone else: ``NotFound``, as for
    the booking itself)."""
    return await itinerary_view(session, await load_visible_booking(session, caller, booking_id))


async def org_itinerary(
    session: AsyncSession, org_id: str, booking_id: str
) -> ItineraryView | None:
    """The itinerary of one of the organization's bookings, for a message the core sends
    its own people (a confirmation e-mail); None when there is no such booking."""
    booking = await session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.org_id == org_id)
    )
    return None if booking is None else await itinerary_view(session, booking)
