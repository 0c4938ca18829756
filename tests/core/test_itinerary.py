"""The itinerary: a booking's flights and stays on local clocks, as a calendar file
(parsed back with ``icalendar``), as HTML (escaped) and as text."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import icalendar
import pytest

from core.booking.cancel import cancel_booking
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.booking.views import booking_view
from core.errors import NotFound
from core.itinerary import itinerary_html, itinerary_ics, itinerary_text, load_itinerary
from core.itinerary.views import ItineraryPassenger, ItineraryView, event_uid
from core.models import Booking, Hotel, User
from core.runtime import Runtime
from core.search.offers import flight_offer_id, hotel_offer_id
from tests.core.booking_world import AVA, GUS, build_world
from tests.factories import make_flight

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
# BA 178 leaves JFK at 22:00 on Friday 18 December, New York time (03:00 UTC on the
# 19th), and lands at Heathrow at 09:55 on Saturday the 19th, London time.
RED_EYE_DEPARTS = dt.datetime(2026, 12, 19, 3, 0, tzinfo=dt.UTC)
RED_EYE_MINUTES = 415


async def red_eye_and_hotel(rt: Runtime, *, confirm: bool = True) -> str:
    """Ava's trip: the overnight JFK→LHR flight and two nights in London (19–21 Dec)."""
    await build_world(rt)
    async with rt.db.uow() as s:
        _, inv = await make_flight(
            s, number="178", depart_at=RED_EYE_DEPARTS, duration_minutes=RED_EYE_MINUTES
        )
        booking = await hold_booking(
            rt,
            s,
            AVA,
            [
                ItemRequest(flight_offer_id(inv["economy"].id), 1),
                ItemRequest(
                    hotel_offer_id("LON01", dt.date(2026, 12, 19), dt.date(2026, 12, 21)), 1
                ),
            ],
        )
    if confirm:
        view = await confirm_booking(rt, AVA, booking.id)
        assert view.status == "confirmed"
    return booking.id


async def itinerary(rt: Runtime, booking_id: str) -> ItineraryView:
    async with rt.db.uow(write=False) as s:
        return await load_itinerary(s, AVA, booking_id)


def on_own_zone(cal: icalendar.Calendar, moment: dt.datetime, tzid: str) -> dt.datetime:
    """A wall-clock time read with the calendar's own VTIMEZONE for ``tzid`` (not the
    system's zone database): what a calendar that trusts the file computes."""
    [vtimezone] = [tz for tz in cal.timezones if tz.tz_name == tzid]
    return moment.replace(tzinfo=None).replace(tzinfo=vtimezone.to_tz(lookup_tzid=False))


async def test_the_calendar_has_the_flight_and_the_stay_on_their_local_clocks(runtime):
    booking_id = await red_eye_and_hotel(runtime)
    ics = itinerary_ics(await itinerary(runtime, booking_id))

    cal = icalendar.Calendar.from_ical(ics)
    flight, stay = cal.events
    # The flight: leaves on Friday in New York, lands on Saturday in London.
    assert str(flight["SUMMARY"]) == "BA 178 JFK → LHR"
    assert flight["DTSTART"].params["TZID"] == "America/New_York"
    assert flight["DTEND"].params["TZID"] == "Europe/London"
    assert flight.start == dt.datetime(2026, 12, 18, 22, 0, tzinfo=NEW_YORK)
    assert flight.end == dt.datetime(2026, 12, 19, 9, 55, tzinfo=LONDON)
    assert flight.start.date() != flight.end.date()
    # The file's own VTIMEZONEs put both ends at the right instants.
    assert on_own_zone(cal, flight.start, "America/New_York") == RED_EYE_DEPARTS
    assert on_own_zone(cal, flight.end, "Europe/London") == RED_EYE_DEPARTS + dt.timedelta(
        minutes=RED_EYE_MINUTES
    )
    assert "(JFK), New York" in str(flight["LOCATION"])
    assert str(flight["STATUS"]) == "CONFIRMED"
    # The stay: check-in from 15:00 on the 19th, check-out by 11:00 on the 21st, London time.
    assert str(stay["SUMMARY"]) == "London Grand, London"
    assert stay["DTSTART"].params["TZID"] == "Europe/London"
    assert stay.start == dt.datetime(2026, 12, 19, 15, 0, tzinfo=LONDON)
    assert stay.end == dt.datetime(2026, 12, 21, 11, 0, tzinfo=LONDON)
    assert on_own_zone(cal, stay.start, "Europe/London") == dt.datetime(
        2026, 12, 19, 15, 0, tzinfo=dt.UTC
    )
    assert str(stay["LOCATION"]) == "London Grand, 1 High St"
    assert {tz.tz_name for tz in cal.timezones} == {"America/New_York", "Europe/London"}


async def test_descriptions_carry_the_locators_and_the_traveller(runtime):
    booking_id = await red_eye_and_hotel(runtime)
    async with runtime.db.uow(write=False) as s:
        view = await booking_view(s, await s.get(Booking, booking_id))
    flight_locator, hotel_locator = (seg.locator for seg in view.segments)
    assert flight_locator
    assert hotel_locator

    flight, stay = icalendar.Calendar.from_ical(
        itinerary_ics(await itinerary(runtime, booking_id))
    ).events

    assert f"Record locator: {flight_locator}" in str(flight["DESCRIPTION"])
    assert "Passenger: Ava" in str(flight["DESCRIPTION"])
    assert "Departs Fri 18 Dec 2026, 22:00 EST (UTC-05:00)" in str(flight["DESCRIPTION"])
    assert f"Confirmation: {hotel_locator}" in str(stay["DESCRIPTION"])
    assert f"Booking {booking_id}" in str(stay["DESCRIPTION"])


async def test_seats_and_tickets_are_in_the_description_when_known(runtime):
    booking_id = await red_eye_and_hotel(runtime)
    trip = await itinerary(runtime, booking_id)
    flight = trip.entries[0]
    seated = flight.model_copy(
        update={"passengers": [ItineraryPassenger(name="Ava", seat="12A", ticket="1251234567890")]}
    )
    trip = trip.model_copy(update={"entries": [seated, *trip.entries[1:]]})

    [event, _] = icalendar.Calendar.from_ical(itinerary_ics(trip)).events

    assert "Passenger: Ava (seat 12A, e-ticket 1251234567890)" in str(event["DESCRIPTION"])


async def test_each_passenger_of_a_flight_is_listed_with_their_e_ticket(runtime):
    """The booking's own passengers and tickets (issue 11), not a copy made in the test."""
    booking_id = await red_eye_and_hotel(runtime)
    async with runtime.db.uow(write=False) as s:
        view = await booking_view(s, await s.get(Booking, booking_id))
    [person] = view.passengers
    [link] = view.segments[0].passengers
    assert link.ticket_number is not None

    [event, _] = icalendar.Calendar.from_ical(
        itinerary_ics(await itinerary(runtime, booking_id))
    ).events

    name = f"{person.given_name} {person.family_name}"
    assert f"Passenger: {name} (e-ticket {link.ticket_number})" in str(event["DESCRIPTION"])


async def test_each_event_keeps_its_uid_from_one_download_to_the_next(runtime, clock):
    booking_id = await red_eye_and_hotel(runtime)
    first = icalendar.Calendar.from_ical(itinerary_ics(await itinerary(runtime, booking_id)))
    clock.advance(hours=5)
    again = icalendar.Calendar.from_ical(itinerary_ics(await itinerary(runtime, booking_id)))

    uids = [str(e["UID"]) for e in first.events]
    assert uids == [str(e["UID"]) for e in again.events]
    async with runtime.db.uow(write=False) as s:
        view = await booking_view(s, await s.get(Booking, booking_id))
    assert sorted(uids) == sorted(event_uid(booking_id, seg.segment_id) for seg in view.segments)
    assert len(set(uids)) == 2


async def test_a_held_trip_is_tentative(runtime):
    booking_id = await red_eye_and_hotel(runtime, confirm=False)
    events = icalendar.Calendar.from_ical(
        itinerary_ics(await itinerary(runtime, booking_id))
    ).events
    assert [str(e["STATUS"]) for e in events] == ["TENTATIVE", "TENTATIVE"]


async def test_a_cancelled_trip_keeps_its_events_marked_cancelled(runtime):
    """A calendar that imported the trip learns, by the same UIDs, that it is off."""
    booking_id = await red_eye_and_hotel(runtime)
    before = icalendar.Calendar.from_ical(itinerary_ics(await itinerary(runtime, booking_id)))
    await cancel_booking(runtime, AVA, booking_id)

    after = icalendar.Calendar.from_ical(itinerary_ics(await itinerary(runtime, booking_id)))

    assert [str(e["UID"]) for e in after.events] == [str(e["UID"]) for e in before.events]
    assert [str(e["STATUS"]) for e in after.events] == ["CANCELLED", "CANCELLED"]


async def test_the_booking_view_shows_local_times_with_their_offsets(runtime):
    booking_id = await red_eye_and_hotel(runtime)
    async with runtime.db.uow(write=False) as s:
        view = (await booking_view(s, await s.get(Booking, booking_id))).model_dump(mode="json")
    flight, stay = view["segments"]
    assert flight["depart_at"] == "2026-12-19T03:00:00Z"
    assert flight["depart_local"] == "2026-12-18T22:00:00-05:00"
    assert flight["arrive_local"] == "2026-12-19T09:55:00+00:00"
    assert stay["check_in_from"] == "2026-12-19T15:00:00+00:00"
    assert stay["check_out_by"] == "2026-12-21T11:00:00+00:00"


async def test_the_stay_keeps_its_city_clock_across_a_change_of_offset(runtime):
    """A stay over the end of summer time checks out on the later offset."""
    booking_id = await red_eye_and_hotel(runtime)
    trip = await itinerary(runtime, booking_id)
    stay = trip.entries[1]
    october = stay.model_copy(
        update={
            "start": dt.datetime(2026, 10, 23, 15, 0, tzinfo=LONDON),
            "end": dt.datetime(2026, 10, 26, 11, 0, tzinfo=LONDON),
        }
    )
    cal = icalendar.Calendar.from_ical(
        itinerary_ics(trip.model_copy(update={"entries": [october]}))
    )
    [event] = cal.events
    assert on_own_zone(cal, event.start, "Europe/London") == dt.datetime(
        2026, 10, 23, 14, 0, tzinfo=dt.UTC
    )
    assert on_own_zone(cal, event.end, "Europe/London") == dt.datetime(
        2026, 10, 26, 11, 0, tzinfo=dt.UTC
    )


async def test_the_text_says_every_time_locally_with_its_offset(runtime):
    booking_id = await red_eye_and_hotel(runtime)
    text = itinerary_text(await itinerary(runtime, booking_id))
    assert "Departs Fri 18 Dec 2026, 22:00 EST (UTC-05:00)" in text
    assert "Arrives Sat 19 Dec 2026, 09:55 GMT (UTC+00:00)" in text
    assert "Check-in from Sat 19 Dec 2026, 15:00 GMT (UTC+00:00)" in text
    assert text.index("BA 178 JFK → LHR") < text.index("London Grand, London")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


HOSTILE_HOTEL = '<script>alert("hotel")</script> & Spa'
HOSTILE_NAME = 'Ava <img src=x onerror=alert(1)> "Patel"'


async def test_hostile_names_are_shown_as_text_never_as_markup(runtime):
    booking_id = await red_eye_and_hotel(runtime)
    async with runtime.db.uow() as s:
        (await s.get(Hotel, "LON01")).name = HOSTILE_HOTEL
        (await s.get(User, "ava")).name = HOSTILE_NAME

    page = itinerary_html(await itinerary(runtime, booking_id), message="<b>Booked</b>")

    parsed = Tags()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert "b" not in parsed.tags
    assert not any(name.startswith("on") for name in parsed.attributes)
    shown = "".join(parsed.text)
    assert HOSTILE_HOTEL in shown  # the reader sees the names as they are
    assert HOSTILE_NAME in shown
    assert "<b>Booked</b>" in shown
    assert "&lt;script&gt;" in page


async def test_another_organization_never_sees_the_itinerary(runtime):
    booking_id = await red_eye_and_hotel(runtime)
    async with runtime.db.uow(write=False) as s:
        with pytest.raises(NotFound):
            await load_itinerary(s, GUS, booking_id)
