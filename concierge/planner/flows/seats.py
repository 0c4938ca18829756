"""Seats on a held or booked flight: "12C", "an aisle seat", "window seats for both of us",
"show me the seat map" (``get_seat_map``, ``choose_seats``).

The booking is the one named (``BK-…``) or the one this conversation last held or read.
A seat number is the speaker's (several numbers: the passengers in the booking's order);
a position is the speaker's, or everyone's when the wish says so ("for both of us",
"window seats"). The core picks the free seats that fit and keeps the party in one row.
"""

from __future__ import annotations

import re
from typing import Any

from concierge.planner import render
from concierge.planner.flows.base import Call, Context, Decision, Reply
from concierge.planner.flows.passengers import self_id
from concierge.planner.nlu import seats as seat_words
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import Offer, State, Turn
from tools.get_seat_map import GetSeatMapOutput, SeatMapSegmentOut

#: Bookings whose seats may be chosen (core.booking.seats.CHOOSABLE).
SEATABLE = frozenset({"held", "pending_approval", "confirmed"})
_HOW = 'say a seat number like 12C, "an aisle seat" or "window seats for both of us"'


def _from_trips(state: State, turn: Turn, u: Understanding) -> str | Decision:
    """No booking in this conversation yet: the traveller's trips say which one ("my
    London flight"; the only one that can be seated) — or the question which."""
    listed = turn.last("list_trips")
    if listed is None:
        return [Call("list_trips", {})]
    trips = [
        t
        for t in (listed.output or {}).get("trips") or []
        if str(t.get("status")) in SEATABLE and t.get("flights")
    ]
    city = u.destination.place.city if u.destination and u.destination.place else None
    if city:
        trips = [t for t in trips if city in (t.get("places") or [])] or trips
    if len(trips) == 1:
        return str(trips[0]["booking_id"])
    if not trips:
        return Reply(
            "You have no flight held or booked to choose seats on. Book one first, then "
            f"{_HOW}."
        )
    listing = "; ".join(f"{t['booking_id']} ({t.get('summary')})" for t in trips[:5])
    return Reply(f"Which trip are the seats for? {listing}. Say its reference (BK-…) and the seat.")


def _flights(booking: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in booking.get("segments") or []
        if s.get("kind") == "flight" and s.get("status", "held") in ("held", "booked")
    ]


def _speaker(booking: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    """The speaker's own place on the booking (else its first passenger)."""
    people = list(booking.get("passengers") or [])
    me = self_id(ctx, booking)
    return next((p for p in people if me and p.get("traveler_id") == me), people[0] if people else None)


def seats(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    request = u.seat_request or seat_words.read(u.text)
    chosen = turn.last("choose_seats")
    if chosen is not None and chosen.done:
        return after_choice(chosen.output, chosen.error, chosen.args)
    shown = turn.last("get_seat_map")
    if shown is not None and shown.done:
        return after_map(shown.typed(GetSeatMapOutput), shown.error)
    if u.booking_id and u.booking_id not in state.bookings:
        fetched = turn.last("get_booking")
        if fetched is None:
            return [Call("get_booking", {"booking_id": u.booking_id})]
        if fetched.error:
            return Reply(f"I couldn't find that booking: {render.error_text(fetched.error)}")
    booking_id = u.booking_id or state.current_booking
    booking = state.bookings.get(booking_id or "")
    if booking is None or str(booking.get("status")) not in SEATABLE:
        found = _from_trips(state, turn, u)
        if not isinstance(found, str):
            return found
        booking_id, booking = found, state.bookings.get(found)
        if booking is None:
            return [Call("get_booking", {"booking_id": found})]
    flights = _flights(booking)
    if not flights:
        return Reply(f"Booking {booking_id} has no flight to choose seats on.")
    people = list(booking.get("passengers") or [])
    if request.show_map or not (request.seats or request.position):
        return [Call("get_seat_map", {"booking_id": booking_id})]
    if not people:
        return Reply(
            "First tell me who flies on it (names for every seat); then I can choose their seats."
        )
    if request.seats:
        if len(request.seats) > len(people):
            return Reply(
                f"You named {len(request.seats)} seats but {len(people)} "
                f"{'person flies' if len(people) == 1 else 'people fly'} on {booking_id}: "
                "one seat each, please."
            )
        who = [_speaker(booking, ctx)] if len(request.seats) == 1 else people[: len(request.seats)]
        first = flights[0]
        assignments = [
            {"passenger_id": p["passenger_id"], "segment_id": first["segment_id"], "seat": seat}
            for p, seat in zip(who, request.seats, strict=True)
            if p is not None
        ]
        return [Call("choose_seats", {"booking_id": booking_id, "assignments": assignments})]
    who = people if request.everyone else [_speaker(booking, ctx)]
    assignments = [
        {"passenger_id": p["passenger_id"], "position": request.position}
        for p in who
        if p is not None
    ]
    return [Call("choose_seats", {"booking_id": booking_id, "assignments": assignments})]


def after_choice(
    out: dict[str, Any] | None,
    error: dict[str, Any] | None,
    args: dict[str, Any] | None = None,
) -> Reply:
    if error is not None:
        code = str(error.get("code"))
        base = render.error_text(error)
        if code == "SEAT_TAKEN":
            return Reply(f"Sorry — {base} Name another seat, or say \"show me the seat map\".")
        if code == "SEAT_REQUIRES_PAYMENT" and args and "accept_fees" in str(error.get("message")):
            # A held booking: the fee can join the trip's price, with the traveller's yes.
            fee = _fee_of(str(error.get("message")))
            return Reply(
                f"That seat has extra legroom for {fee}. Shall I add it? Say yes and the fee "
                "joins the trip's price, paid when you confirm — or name a free seat instead.",
                Offer("seat_fee", {"call": {**args, "accept_fees": True}}),
            )
        if code == "SEAT_REQUIRES_PAYMENT":
            return Reply(f"{base} Shall I find you a free one nearby? Say \"a window seat\" or \"an aisle seat\".")
        return Reply(f"I couldn't choose that seat: {base}")
    if out is None:
        return Reply("The seat choice didn't go through. Shall I try again?")
    names = {p.get("passenger_id"): p.get("name") for p in out.get("passengers") or []}
    flights = {s.get("segment_id"): s.get("flight") for s in out.get("segments") or []}
    parts = [
        f"{names.get(s.get('passenger_id'), 'you')} in {s.get('seat')}"
        + (f" on {flights[s.get('segment_id')]}" if len(flights) > 1 else "")
        for s in out.get("seats") or []
    ]
    where = next(iter(flights.values()), None) if len(flights) == 1 else None
    return Reply(
        "Done: " + ", ".join(parts) + (f" on {where}" if where else "") + ". "
        "Tell me if you'd like different seats."
    )


def _fee_of(message: str) -> str:
    found = re.search(r"for (\d[\d,]*\.\d\d [A-Z]{3})", message)
    return found.group(1) if found else "a fee"


def pay_fee(state: State, turn: Turn, ctx: Context, offer: Offer) -> Decision:
    """The traveller said yes to a seat's fee: choose it again, the fee agreed to."""
    chosen = turn.last("choose_seats")
    if chosen is not None and chosen.done:
        return after_choice(chosen.output, chosen.error)
    return [Call("choose_seats", dict(offer.args["call"]))]


def _row_list(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows[:6]) + ("…" if len(rows) > 6 else "")


def _describe(segment: SeatMapSegmentOut) -> str:
    columns = segment.columns.replace(" ", "")
    windows = {columns[0], columns[-1]}
    blocks = segment.columns.split(" ")
    aisles = {b[-1] for b in blocks[:-1]} | {b[0] for b in blocks[1:]}
    free_rows = [r for r in segment.rows if r.free and r.fee is None]
    window_rows = [r.row for r in free_rows if windows & set(r.free)]
    aisle_rows = [r.row for r in free_rows if aisles & set(r.free)]
    paid = [r for r in segment.rows if r.fee is not None and r.free]
    mine = [f"{p.name} {p.seat}" for p in segment.passengers if p.seat]
    text = (
        f"{segment.flight} {segment.origin}→{segment.destination} ({segment.aircraft}, "
        f"{segment.cabin}, seats {segment.columns}): {segment.seats_free} free."
    )
    if mine:
        text += " Seated: " + ", ".join(mine) + "."
    if window_rows:
        text += f" Free windows in rows {_row_list(window_rows)}"
        text += f"; aisles in rows {_row_list(aisle_rows)}." if aisle_rows else "."
    if paid:
        text += (
            f" Extra legroom (rows {_row_list([r.row for r in paid])}) costs "
            f"{render.money(paid[0].fee.model_dump() if paid[0].fee else None)} a seat, "
            "added to the trip's price before you confirm."
        )
    return text


def after_map(out: GetSeatMapOutput | None, error: dict[str, Any] | None) -> Reply:
    if error is not None or out is None:
        return Reply(f"I couldn't read the seat map: {render.error_text(error or {})}")
    lines = [_describe(s) for s in out.segments]
    return Reply(" ".join(lines) + f" To choose, {_HOW}.")


HANDLERS = {Intent.SEATS: seats}
