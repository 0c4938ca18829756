"""The itinerary as an iCalendar file (RFC 5545), written by the ``icalendar`` package.

One VEVENT per flight (departure on the origin's clock to arrival on the destination's)
and per hotel stay (check-in to check-out on the hotel's clock), each time with its TZID
and a VTIMEZONE for every zone used, so a calendar shows the trip as the traveller lives
it wherever the reader is. An event's UID is its segment's, for good
(:func:`core.itinerary.views.event_uid`): importing the trip again after a change updates
the same events. The file depends only on the booking: ``DTSTAMP`` is the booking's last
change, so the same booking always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import icalendar

from core.itinerary.render import entry_lines, location
from core.itinerary.views import ItineraryFlight, ItineraryStay, ItineraryView
from core.models import FlightStatus, SegmentStatus

PRODID: Final = "-//Travel concierge//Itinerary//EN"
MEDIA_TYPE: Final = "text/calendar"
#: VTIMEZONE rules are written for the trip's dates with this much to spare either side.
_ZONE_MARGIN: Final = dt.timedelta(days=7)


def _status(entry: ItineraryFlight | ItineraryStay) -> str:
    if entry.status in (SegmentStatus.CANCELLED, SegmentStatus.RELEASED) or (
        isinstance(entry, ItineraryFlight) and entry.flight_status == FlightStatus.CANCELLED
    ):
        return "CANCELLED"
    return "CONFIRMED" if entry.status == SegmentStatus.BOOKED else "TENTATIVE"


def _event(view: ItineraryView, entry: ItineraryFlight | ItineraryStay) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", view.updated_at)
    event.add("last-modified", view.updated_at)
    event.add("dtstart", entry.start)
    event.add("dtend", entry.end)
    event.add("summary", entry.title)
    event.add("location", location(entry))
    event.add("description", "\n".join([*entry_lines(entry), f"Booking {view.booking_id}"]))
    event.add("status", _status(entry))
    # A flight fills the traveller's time; a hotel stay does not make them busy all along.
    event.add("transp", "OPAQUE" if isinstance(entry, ItineraryFlight) else "TRANSPARENT")
    return event


def itinerary_ics(view: ItineraryView) -> bytes:
    """The ``.ics`` file of an itinerary."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Trip {view.booking_id}")
    for entry in view.entries:
        calendar.add_component(_event(view, entry))
    if view.entries:
        calendar.add_missing_timezones(
            first_date=min(e.start for e in view.entries).date() - _ZONE_MARGIN,
            last_date=max(e.end for e in view.entries).date() + _ZONE_MARGIN,
        )
    ics: bytes = calendar.to_ical()
    return ics
