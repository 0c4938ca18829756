"""The stay a booked flight implies: where the traveller sleeps, the day the flight there
lands and the day the next flight leaves.

Used to offer a hotel after flights are booked ("Also need a hotel in London for
17–20 Dec?") and to date a hotel asked for "for my trip" or "from when I land".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from concierge.planner import render
from tools.views import city_of

_STAY = timedelta(hours=12)  # a shorter wait between two flights is a connection


@dataclass(frozen=True)
class Stay:
    city: str
    check_in: date  # the day the flight there lands (local)
    check_out: date | None  # the day the next flight leaves (None: one way)
    rooms: int


def _moment(iso: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(iso))
    except ValueError:
        return None


def _departs_at(segment: dict[str, Any]) -> float:
    moment = _moment(segment.get("depart"))
    return moment.timestamp() if moment is not None and moment.tzinfo else float("inf")


def _legs(flights: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Where the traveller stays: the landing followed by the longest wait before the next
    flight (a connection is not a stay), and that next flight (None: one way)."""
    legs = sorted(flights, key=_departs_at)
    best: tuple[timedelta, dict[str, Any], dict[str, Any]] | None = None
    for landing, leaving in pairwise(legs):
        arrived, departs = _moment(landing.get("arrive")), _moment(leaving.get("depart"))
        if arrived is None or departs is None or departs - arrived < _STAY:
            continue
        if best is None or departs - arrived > best[0]:
            best = (departs - arrived, landing, leaving)
    if best is None:
        return legs[-1], None
    return best[1], best[2]


def stay_after(booking: dict[str, Any]) -> Stay | None:
    """The stay a booking's flights imply (``BookingOut`` JSON), or None without flights."""
    segments = [s for s in booking.get("segments") or [] if isinstance(s, dict)]
    flights = [
        s
        for s in segments
        if s.get("kind") == "flight" and s.get("status") not in ("cancelled", "released")
    ]
    if not flights:
        return None
    there, home = _legs(flights)
    city = city_of(str(there.get("destination") or ""))
    check_in = render.day_of(there.get("arrive"))
    if not city or check_in is None:
        return None
    check_out = render.day_of(home.get("depart")) if home else None
    if check_out is not None and check_out <= check_in:
        check_out = None
    return Stay(city, check_in, check_out, int(there.get("passengers") or 1))
