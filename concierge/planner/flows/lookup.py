"""Finding the user's own bookings from what they say ("cancel my Paris trip", "it")."""

from __future__ import annotations

import json
import re
from typing import Any

from concierge.planner import render
from concierge.planner.flows.base import INACTIVE, Call, Context, Reply
from concierge.planner.flows.options import pick
from concierge.planner.nlu.intents import Understanding
from concierge.planner.state import State, Turn


def trip_matches(trip: dict[str, Any], u: Understanding, ctx: Context) -> bool:
    blob = json.dumps(trip, ensure_ascii=False).lower()
    for mention in u.places:
        if mention.place is None:
            continue
        codes = [a.lower() for a in mention.place.airports]
        if not (
            mention.place.city.lower() in blob or any(re.search(rf"\b{c}\b", blob) for c in codes)
        ):
            return False
    if u.dates.depart is not None:
        day = u.dates.depart
        if f"{day.day} {day:%b}".lower() not in blob and day.isoformat() not in blob:
            return False
    if u.person and u.person.lower() not in blob:
        return False
    squeezed = blob.replace(" ", "")
    for code in re.findall(r"\b([A-Z]{2}|[A-Z]\d|\d[A-Z])\s?(\d{1,4})\b", u.text):
        if "".join(code).lower() not in squeezed:
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
    hinted = bool(u.places or u.dates.depart or u.person)
    if not hinted and state.current_booking and (_IT.search(u.text.lower()) or state.trips is None):
        current = state.bookings.get(state.current_booking) or {}
        if current.get("status") not in INACTIVE:
            return state.current_booking
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    if listing.error:
        return Reply(f"I couldn't load your trips: {render.error_text(listing.error)}")
    trips = [t for t in (state.trips or []) if t.get("status") not in INACTIVE]
    matches = [t for t in trips if trip_matches(t, u, ctx)]
    if len(matches) == 1:
        return str(matches[0]["booking_id"])
    where = ""
    if u.places and u.places[0].place is not None:
        where = f" to {u.places[0].place.city}"
    if not matches:
        if not trips:
            return Reply("You don't have any active trips right now.")
        return Reply(
            f"I couldn't find an active trip{where}. Your trips:\n"
            + trip_lines(trips)
            + f"\n\nWhich one do you want to {purpose}?"
        )
    return Reply(
        f"You have {len(matches)} trips{where}:\n"
        + trip_lines(matches)
        + f"\n\nWhich one do you want to {purpose}? (give me the booking reference)"
    )


def trip_lines(trips: list[dict[str, Any]]) -> str:
    lines = []
    for i, t in enumerate(trips, start=1):
        expiry = (
            f", hold until {render.hold_time(t.get('hold_expires_at'))}"
            if t.get("status") == "held"
            else ""
        )
        lines.append(
            f"{i}. **{t.get('booking_id')}** — {t.get('summary')} · {render.money(t.get('total'))} · {render.status_text(t.get('status'))}{expiry}"
        )
    return "\n".join(lines)
