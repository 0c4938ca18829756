"""When a flight's online check-in is open: from ``checkin_opens_hours_before`` to
``checkin_closes_minutes_before`` its departure (settings; 24 h and 60 min by default),
both counted from the departure as it stands, a delay included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.config import Settings
from core.errors import CheckinClosed, CheckinNotOpen
from core.models import Flight, FlightStatus
from core.views import iso_z


@dataclass(frozen=True)
class CheckinWindow:
    opens_at: datetime
    closes_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def departure(flight: Flight) -> datetime:
    """The departure as it stands: the timetable's, plus the delay the airline announced."""
    return flight.depart_at + timedelta(minutes=flight.delay_minutes or 0)


def checkin_window(flight: Flight, settings: Settings) -> CheckinWindow:
    return checkin_window_at(departure(flight), settings)


def checkin_window_at(leaves: datetime, settings: Settings) -> CheckinWindow:
    """The window of a flight leaving at ``leaves`` (its departure as it stands)."""
    return CheckinWindow(
        opens_at=leaves - timedelta(hours=settings.checkin_opens_hours_before),
        closes_at=leaves - timedelta(minutes=settings.checkin_closes_minutes_before),
    )


def require_open(
    flight: Flight, settings: Settings, now: datetime, *, zone: ZoneInfo | None = None
) -> CheckinWindow:
    """The window, if ``now`` is in it; else the named error saying when it opens or
    that it closed (a cancelled flight has no check-in at all), on the clock of the
    departure airport (``zone``) and in UTC."""
    name = f"{flight.carrier} {flight.number}"
    if flight.status == FlightStatus.CANCELLED:
        raise CheckinClosed(f"{name} on {flight.date.isoformat()} is cancelled by the airline")
    window = checkin_window(flight, settings)
    if now < window.opens_at:
        raise CheckinNotOpen(
            f"Check-in for {name} opens {_local(window.opens_at, flight, zone)}",
            opens_at=iso_z(window.opens_at),
        )
    if now >= window.closes_at:
        raise CheckinClosed(
            f"Check-in for {name} closed {_local(window.closes_at, flight, zone)}",
            closed_at=iso_z(window.closes_at),
        )
    return window


def _local(moment: datetime, flight: Flight, zone: ZoneInfo | None) -> str:
    """``on Wed 9 Dec at 18:20 at JFK (2026-12-09T23:20:00Z)``."""
    if zone is None:
        return f"at {iso_z(moment)}"
    here = moment.astimezone(zone)
    return f"on {here:%a} {here.day} {here:%b} at {here:%H:%M} at {flight.origin} ({iso_z(moment)})"
