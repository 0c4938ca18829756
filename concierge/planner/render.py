"""Reply texts: what a careful human travel agent would write, from tool outputs."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from core.money import money_text, read_money
from tools.views import spoken_day

BADGE = {"green": "🟢 in policy", "amber": "🟠 needs approval", "red": "🔴 not allowed"}
RECOMMENDED = " · ⭐ recommended"


def money(value: Any) -> str:
    """``{"amount": "6120.00", "currency": "USD"}`` → ``6,120.00 USD``, as the tools write it."""
    if not isinstance(value, dict):
        return str(value)
    found = read_money(value)
    if found is None:  # not a tool's money: show it as it came
        return f"{value.get('amount', '')} {value.get('currency', '')}".strip()
    return money_text(found.minor(), found.currency).strip()


def money_sum(values: list[Any]) -> str:
    """What tool amounts come to in all, each currency apart (``2,677.00 USD``, or
    ``1,944.90 USD + 300.00 EUR``); amounts that are no tool's money are left out."""
    totals: dict[str, int] = {}
    for value in values:
        found = read_money(value)
        if found is not None:
            totals[found.currency] = totals.get(found.currency, 0) + found.minor()
    return " + ".join(money_text(n, c).strip() for c, n in totals.items())


def clock(iso: str | None) -> str:
    """Local ``HH:MM`` from an ISO time with offset."""
    if not iso:
        return "?"
    match = re.search(r"T(\d\d:\d\d)", iso)
    return match.group(1) if match else iso


def day_of(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).date()
    except ValueError:
        try:
            return date.fromisoformat(iso[:10])
        except ValueError:
            return None


def when(iso: str | None) -> str:
    day = day_of(iso)
    return f"{spoken_day(day)} {clock(iso)}" if day else clock(iso)


def badge(policy: dict[str, Any] | None) -> str:
    policy = policy or {}
    status = str(policy.get("status", "green"))
    text = BADGE.get(status, status)
    reasons = [str(v) for v in policy.get("violations") or []]
    return f"{text} ({'; '.join(reasons)})" if reasons and status != "green" else text


def flight_line(option: dict[str, Any], passengers: int) -> str:
    flights = " + ".join(option.get("flights") or [])
    stops = option.get("stops", 0)
    route = f"{option.get('origin')} {clock(option.get('depart'))} → {option.get('destination')} {clock(option.get('arrive'))}"
    arrive_day = day_of(option.get("arrive"))
    depart_day = day_of(option.get("depart"))
    if arrive_day and depart_day and arrive_day > depart_day:
        route += f" (+{(arrive_day - depart_day).days})"
    stop_text = (
        "direct"
        if not stops
        else f"{stops} stop" + (f" via {option['via']}" if option.get("via") else "")
    )
    price = money(option.get("price"))
    if passengers > 1:
        price = f"{price} pp, {money(option.get('total'))} total"
    seats = option.get("seats_left")
    scarce = f" · only {seats} left" if isinstance(seats, int) and seats <= 3 else ""
    return (
        f"{option.get('option')}. {flights} ({option.get('carrier')}) · {route} · {stop_text} · "
        f"{option.get('duration')} · {price} · {badge(option.get('policy'))}{scarce}"
    )


def option_label(option: dict[str, Any]) -> str:
    """ "BA 101 at 07:05, 450.00 USD" / "Hilton London, 1,040.00 USD": an option in a sentence."""
    if option.get("name"):
        return f"{option.get('name')}, {money(option.get('total'))}"
    flights = " + ".join(option.get("flights") or [])
    return f"{flights} at {clock(option.get('depart'))}, {money(option.get('total'))}"


def hotel_line(option: dict[str, Any]) -> str:
    stars = option.get("stars")
    star_text = f"{stars}★ · " if stars else ""
    rooms = option.get("rooms") or 1
    room_text = f", {rooms} rooms" if rooms > 1 else ""
    return (
        f"{option.get('option')}. {option.get('name')} · {star_text}{money(option.get('nightly'))}/night · "
        f"{money(option.get('total'))} for {option.get('nights')} night{'s' if option.get('nights') != 1 else ''}"
        f"{room_text} · {badge(option.get('policy'))}"
    )


def _name(value: Any) -> str:
    """A place as the tools give it (``{"name": …}``) or as a digest left it (a string)."""
    if isinstance(value, dict):
        return str(value.get("name", ""))
    return str(value or "")


def flights_block(out: dict[str, Any], title: str) -> str:
    options = out.get("options") or []
    passengers = int(out.get("passengers") or 1)
    day = day_of(out.get("date"))
    origin = _name(out.get("origin"))
    dest = _name(out.get("destination"))
    pax = f", {passengers} passengers" if passengers > 1 else ""
    cabin = out.get("cabin") or "economy"
    head = f"**{title}: {origin} → {dest}, {spoken_day(day) if day else out.get('date')} ({cabin}{pax})**"
    if not options:
        return head + "\n" + (out.get("note") or "No flights match.")
    lines = [flight_line(o, passengers) + _star(out, o) for o in options]
    return head + "\n" + "\n".join(lines)


def _star(out: dict[str, Any], option: dict[str, Any]) -> str:
    """The search's one recommended option (the tools choose it) is marked."""
    wanted = out.get("recommended")
    return RECOMMENDED if wanted is not None and option.get("option") == wanted else ""


def days_block(out: dict[str, Any]) -> str:
    """Flexible dates: the best flight of each day searched, cheapest (bookable) first."""
    options = out.get("options") or []
    passengers = int(out.get("passengers") or 1)
    first, last = day_of(out.get("date")), day_of(out.get("last_date"))
    span = f"{spoken_day(first)} – {spoken_day(last)}" if first and last else ""
    pax = f", {passengers} passengers" if passengers > 1 else ""
    head = (
        f"**Cheapest days: {_name(out.get('origin'))} → {_name(out.get('destination'))}, "
        f"{span} ({out.get('cabin') or 'economy'}{pax})**"
    )
    if not options:
        return head + "\nNo flights on any of those days."
    lines = []
    for option in options:
        day = day_of(option.get("day"))
        line = flight_line(option, passengers).split(". ", 1)[1]
        lines.append(
            f"{option.get('option')}. {spoken_day(day) if day else ''}: {line}" + _star(out, option)
        )
    searched = len(out.get("days") or [])
    note = f"The best flight of each of the {searched} days, cheapest first."
    return head + "\n" + "\n".join(lines) + "\n" + note


def hotels_block(out: dict[str, Any], asked: dict[int, str] | None = None) -> str:
    """The hotels found; ``asked``: the options the request named by brand or area
    (option number → those words), each marked as asked for."""
    options = out.get("options") or []
    ci, co = day_of(out.get("check_in")), day_of(out.get("check_out"))
    stay = f"{spoken_day(ci)} – {spoken_day(co)}" if ci and co else ""
    head = f"**Hotels in {out.get('city')}, {stay}**"
    if not options:
        return head + "\n" + (out.get("note") or "No hotel has rooms free on every night.")
    asked = asked or {}
    return (
        head
        + "\n"
        + "\n".join(
            hotel_line(o)
            + _star(out, o)
            + (f" · 👉 as you asked ({asked[o['option']]})" if o.get("option") in asked else "")
            for o in options
        )
    )


def booking_summary(b: dict[str, Any]) -> str:
    parts = []
    for seg in b.get("segments") or []:
        if seg.get("kind") == "flight":
            status = f" — {seg['flight_status'].upper()}" if seg.get("flight_status") else ""
            locator = f" (ref {seg['locator']})" if seg.get("locator") else ""
            parts.append(
                f"✈ {seg.get('flight')} {seg.get('origin')}→{seg.get('destination')} {when(seg.get('depart'))}, "
                f"{seg.get('cabin')}, {seg.get('passengers') or 1} pax{locator}{status}"
            )
            tickets = seg.get("tickets") or {}
            if tickets:
                parts.append(
                    "🎫 e-tickets: " + " · ".join(f"{name} {number}" for name, number in tickets.items())
                )
        else:
            ci, co = day_of(seg.get("check_in")), day_of(seg.get("check_out"))
            stay = f"{spoken_day(ci)} – {spoken_day(co)}" if ci and co else ""
            locator = f" (ref {seg['locator']})" if seg.get("locator") else ""
            rooms = seg.get("rooms") or 1
            parts.append(
                f"🏨 {seg.get('hotel')}, {seg.get('city')} {stay}, {rooms} room{'s' if rooms > 1 else ''}{locator}"
            )
    people = [str(p.get("name")) for p in b.get("passengers") or [] if p.get("name")]
    ticketed = any((seg.get("tickets") or {}) for seg in b.get("segments") or [])
    if len(people) > 1 and not ticketed:
        parts.append("👤 " + ", ".join(people))
    return "\n".join(f"- {p}" for p in parts)


STATUS_WORDS = {
    "held": "on hold",
    "pending_approval": "waiting for approval",
    "confirming": "being confirmed",
    "confirmed": "confirmed",
    "pending_confirmation": "paid, waiting for the airline/hotel to confirm",
    "requires_attention": "with our travel team for review",
    "cancelled": "cancelled",
    "expired": "expired (the hold ran out)",
    "failed": "failed",
}


def status_text(status: str | None) -> str:
    return STATUS_WORDS.get(str(status), str(status))


def hold_time(iso: str | None) -> str:
    if not iso:
        return "soon"
    day = day_of(iso)
    return f"{clock(iso)} UTC" + (f" on {spoken_day(day)}" if day else "")


ERROR_TEXT = {
    "SOLD_OUT": "that option has just sold out",
    "HOLD_EXPIRED": "the hold has expired, so the seats/rooms were released",
    "POLICY_BLOCKED": "company travel policy does not allow it",
    "PAYMENT_DECLINED": "the company card payment was declined",
    "NOT_FOUND": "I couldn't find it",
    "INVALID_TRANSITION": "it can't be changed in its current state",
    "SUPPLIER_UNAVAILABLE": "the airline/hotel system is not answering right now",
    "VALIDATION_ERROR": "some details weren't valid",
    "FORBIDDEN": "you're not allowed to do that",
    "RATE_LIMITED": "too many requests right now",
    "CONCURRENT_UPDATE": "someone else changed it at the same moment",
}


def error_text(error: dict[str, Any]) -> str:
    code = str(error.get("code", ""))
    message = str(error.get("message", "")).strip()
    plain = ERROR_TEXT.get(code)
    if plain and message:
        return f"{plain[:1].upper()}{plain[1:]}: {message.rstrip('.')}."
    return (message or plain or "Something went wrong").rstrip(".") + "."


def schedule_closed(error: dict[str, Any], today: date) -> str | None:
    """A search refused for a day the flight schedule doesn't reach yet, said plainly: how
    far ahead flights can be booked and that the day asked isn't open (from the error's
    ``reason``, ``bookable_until`` and ``asked``, never its message). None for any other error."""
    if error.get("reason") != "beyond_schedule":
        return None
    try:
        last = date.fromisoformat(str(error.get("bookable_until")))
        asked = date.fromisoformat(str(error.get("asked")))
    except ValueError:
        return None
    ahead = (last - today).days
    year = f" {asked.year}" if asked.year != last.year else ""
    return (
        f"Flights can only be booked up to {spoken_day(last)} {last.year}"
        + (f" ({ahead} days ahead)" if ahead > 0 else "")
        + f", so {spoken_day(asked)}{year} isn't open for booking yet."
    )


THANKS_TEXT = (
    "You're welcome! Anything else I can help with — another trip, a hotel, or a policy question?"
)

HELP_TEXT = (
    "I can help with flights, hotels, trips, policy and approvals: search and book flights and "
    'hotels ("a flight to London next Friday and a hotel for 3 nights"), show or cancel your trips, '
    "rebook a disrupted flight, answer travel-policy questions, and handle approvals if you're a manager."
)


def pasted_note(asks: tuple[str, ...]) -> str:
    """What a pasted or forwarded text asks, quoted back: never done from the paste."""
    quoted = " and ".join(f"“{a}”" for a in asks)
    return (
        f"The pasted message asks to {quoted}. I don't act on instructions inside pasted or "
        "forwarded text — if you want something done, tell me yourself."
    )


def pasted_summary(
    subject: str | None,
    place: str | None,
    start: date | None,
    end: date | None,
    time: str | None,
    asks: tuple[str, ...],
) -> str:
    """The reply to a pasted text with no ask of the user's own ("thoughts?"): what it tells
    and asks, and what the concierge can do for it."""
    about = f" about “{subject}”" if subject else ""
    lines = [f"That looks like a forwarded or pasted message{about}."]
    if start is not None:
        days = spoken_day(start)
        if end is not None and end != start:
            days = f"{days} – {spoken_day(end)}"
        at = f" from {time}" if time else ""
        lines.append(f"It's {'in ' + place + ', ' if place else ''}{days}{at}.")
    if asks:
        lines.append(pasted_note(asks))
    if start is not None:
        lines.append(
            "Want me to look for travel for it? For example “a flight there the day before” "
            "or “a hotel for these dates”."
        )
    else:
        lines.append(
            "Tell me what you'd like me to do with it — search flights or hotels, check your "
            "trips or approvals, or answer a policy question."
        )
    return " ".join(lines)
