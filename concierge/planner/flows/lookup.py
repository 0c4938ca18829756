"""Finding the user's own bookings from what they say ("cancel my Paris trip", "it")."""

from __future__ import annotations

import re
from typing import Any

from concierge.planner import render
from concierge.planner.flows.base import INACTIVE, Call, Context, Reply
from concierge.planner.flows.options import pick
from concierge.planner.nlu.intents import Understanding
from concierge.planner.state import State, Turn, typed
from tools.list_trips import TripOut


def trip_matches(trip: dict[str, Any], u: Understanding, ctx: Context) -> bool:
    """Whether a ``list_trips`` row is the trip the message names, by its fields: the
    cities it goes to (and, for a place named as where a flight leaves from, the one it
    starts from: "my Boston to Paris flight"), its days, its traveller and its flight
    numbers."""
    t = typed(TripOut, trip)
    if t is None:
        return False
    for mention in u.places:
        if mention.place is None:
            continue
        city = mention.place.city
        if city not in t.places and not (mention.role == "origin" and city == t.origin):
            return False
    if u.dates.depart is not None:
        if not (t.start and t.end and t.start <= u.dates.depart.isoformat() <= t.end):
            return False
    if u.person and u.person.lower() not in t.traveler.lower():
        return False
    if u.status and t.status != u.status:
        return False
    numbers = {f.replace(" ", "").upper() for f in t.flights}
    for code in re.findall(r"\b([A-Z]{2}|[A-Z]\d|\d[A-Z])\s?(\d{1,4})\b", u.text):
        if "".join(code).upper() not in numbers:
            return False
    return True


_IT = re.compile(
    r"\b(?:it|that|this|the hold|the booking|this booking|that booking|the reservation)\b"
)


def find_booking(
    state: State, turn: Turn, ctx: Context, u: Understanding, purpose: str
) -> str | Reply | list[Call]:
    if u.booking_id:
        return u.booking_id
    index_refs = [r for r in u.options if r.index is not None]
    if index_refs and state.trips and state.last_shown == "trips":
        # "cancel the second one" right after the trips list.
        picked = pick(state.trips, index_refs[0])
        if isinstance(picked, str):
            return Reply(picked)
        if picked is not None:
            return str(picked["booking_id"])
    current = state.bookings.get(state.current_booking or "") or {}
    # A status that is not the current booking's ("the one waiting for approval") names another.
    hinted = bool(u.places or u.dates.depart or u.person) or (
        u.status is not None and current.get("status") != u.status
    )
    if not hinted and state.current_booking and (_IT.search(u.text.lower()) or state.trips is None):
        if current.get("status") not in INACTIVE:
            return state.current_booking
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    if listing.error:
        return Reply(f"I couldn't load your trips: {render.error_text(listing.error)}")
    rows = [t for t in (state.trips or []) if t.get("status") not in INACTIVE]
    matches = [t for t in rows if trip_matches(t, u, ctx)]
    if len(matches) == 1:
        return str(matches[0]["booking_id"])
    where = ""
    if u.places and u.places[0].place is not None:
        where = f" to {u.places[0].place.city}"
    trips = [t for t in (typed(TripOut, r) for r in rows) if t is not None]
    if not matches:
        if not trips:
            return Reply("You don't have any active trips right now.")
        return Reply(
            f"I couldn't find an active trip{where}. Your trips:\n"
            + trip_lines(trips)
            + f"\n\nWhich one do you want to {purpose}?"
        )
    found = [t for t in (typed(TripOut, r) for r in matches) if t is not None]
    return Reply(
        f"You have {len(matches)} trips{where}:\n"
        + trip_lines(found)
        + f"\n\nWhich one do you want to {purpose}? (give me the booking reference)"
    )


def trip_lines(trips: list[TripOut]) -> str:
    lines = []
    for i, t in enumerate(trips, start=1):
        expiry = f", hold until {render.hold_time(t.hold_expires_at)}" if t.status == "held" else ""
        where = f"{' and '.join(t.places)}: " if t.places else ""
        lines.append(
            f"{i}. **{t.booking_id}** — {where}{t.summary} · {render.money(t.total.model_dump())} · "
            f"{render.status_text(t.status)}{expiry}"
        )
    return "\n".join(lines)
