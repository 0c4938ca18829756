"""The itinerary for people: HTML (the API's page, the e-mail's HTML part) and plain text
(the e-mail's text part, a calendar event's description).

HTML goes through a Jinja2 template with autoescaping on, so a hotel or a traveller named
``<script>`` is shown as text, never run. Every time is written on its place's clock with
the zone's abbreviation and its UTC offset (``Fri 18 Dec 2026, 22:00 EST (UTC-05:00)``).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import jinja2

from core.itinerary.views import ItineraryFlight, ItineraryStay, ItineraryView
from core.models import FlightStatus, SegmentStatus
from core.money import Money, money_text

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def offset_text(moment: dt.datetime) -> str:
    """``UTC-05:00``, ``UTC+05:30``: the offset the place's clock had at that moment."""
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def local_text(moment: dt.datetime) -> str:
    """``Fri 18 Dec 2026, 22:00 EST (UTC-05:00)`` (zones without a letter name, such as
    Dubai's ``+04``, show the offset alone)."""
    name = moment.tzname() or ""
    zone = f" {name}" if name and name[0] not in "+-" else ""
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}{zone} ({offset_text(moment)})"


def money(value: Money) -> str:
    return money_text(value.minor(), value.currency)


def status_note(entry: ItineraryFlight | ItineraryStay) -> str | None:
    """What a traveller must know about a segment that is not simply booked."""
    if entry.status in (SegmentStatus.CANCELLED, SegmentStatus.RELEASED):
        return "cancelled"
    if isinstance(entry, ItineraryFlight) and entry.flight_status == FlightStatus.CANCELLED:
        return "cancelled by the airline"
    if isinstance(entry, ItineraryFlight) and entry.flight_status == FlightStatus.DELAYED:
        return "delayed by the airline"
    if entry.status == SegmentStatus.HELD:
        return "on hold, not confirmed yet"
    return None


def location(entry: ItineraryFlight | ItineraryStay) -> str:
    """Where it starts: the departure airport, or the hotel and its address."""
    if isinstance(entry, ItineraryFlight):
        return f"{entry.origin.name} ({entry.origin.code}), {entry.origin.city}"
    return f"{entry.name}, {entry.address}"


def entry_lines(entry: ItineraryFlight | ItineraryStay) -> list[str]:
    """The details of one flight or stay, a line each (its title apart)."""
    lines: list[str] = []
    note = status_note(entry)
    if note:
        lines.append(f"Status: {note}")
    if isinstance(entry, ItineraryFlight):
        seats = f", {entry.quantity} seats" if entry.quantity != 1 else ""
        lines.append(f"{entry.carrier_name} {entry.number}, {entry.cabin or 'economy'}{seats}")
        lines.append(
            f"Departs {local_text(entry.start)}, {entry.origin.name} ({entry.origin.code})"
        )
        lines.append(
            f"Arrives {local_text(entry.end)}, {entry.destination.name} ({entry.destination.code})"
        )
        if entry.locator:
            lines.append(f"Record locator: {entry.locator}")
        for person in entry.passengers:
            extra = [f"seat {person.seat}"] if person.seat else []
            extra += [f"e-ticket {person.ticket}"] if person.ticket else []
            lines.append(f"Passenger: {person.name}" + (f" ({', '.join(extra)})" if extra else ""))
        return lines
    rooms = f", {entry.rooms} rooms" if entry.rooms != 1 else ""
    nights = f"{entry.nights} night{'s' if entry.nights != 1 else ''}"
    lines.append(f"{entry.address} · {nights}{rooms}")
    lines.append(f"Check-in from {local_text(entry.start)}")
    lines.append(f"Check-out by {local_text(entry.end)}")
    if entry.locator:
        lines.append(f"Confirmation: {entry.locator}")
    lines.extend(f"Guest: {person.name}" for person in entry.guests)
    return lines


def itinerary_text(
    view: ItineraryView, *, greeting: str | None = None, message: str | None = None
) -> str:
    """The itinerary as plain text (the e-mail's text part, after its greeting and message)."""
    out = [line for part in (greeting, message) if part for line in (part, "")]
    out.append(
        f"Itinerary {view.booking_id} for {view.traveler} "
        f"({view.status.replace('_', ' ')}), total {money(view.total)}"
    )
    for entry in view.entries:
        out += ["", entry.title, *(f"  {line}" for line in entry_lines(entry))]
    out += ["", "Times are local, with their offset from UTC.", "", "— Travel concierge", ""]
    return "\n".join(out)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,  # every value is text; markup comes from the template alone
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(local=local_text, money=money)
    env.globals.update(status_note=status_note, is_flight=lambda e: e.kind == "flight")
    return env


def itinerary_html(
    view: ItineraryView, *, greeting: str | None = None, message: str | None = None
) -> str:
    """The itinerary as one self-contained HTML page (no script, no outside resource);
    an e-mail puts its greeting and message above it."""
    template = _environment().get_template("itinerary.html")
    return template.render(it=view, greeting=greeting, message=message)
