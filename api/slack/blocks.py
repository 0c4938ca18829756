"""Block Kit for the concierge's answers: text, options with Book buttons,
Confirm / Cancel for a paused action, Approve / Reject for a manager, a short choice
of seats.

Every button carries what it means (DESIGN §6.1), never a sentence to re-parse: Book
holds the option's ``offer_id``, Confirm / Cancel the ``interrupt_id``, Approve /
Reject the ``approval_id``; the bot turns each click into the same structured action
the web page sends. Outbound and return options are separate, labelled groups, and a
red option has no Book button.

Slack limits: a section's text ≤ 3000 characters, 50 blocks a message, and
``action_id``s unique within a message (hence the group and option number in each
Book id).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from core.approval.views import ApprovalView
from core.checkin.links import signed_barcode_path
from core.config import Settings
from core.money import money_text, read_money

SECTION_LIMIT = 3000
MAX_BLOCKS = 50

ACTION_BOOK = "book_option"  # prefix; the full id is book_option:<flight|return|hotel>:<n>
ACTION_CONFIRM = "confirm_action"
ACTION_DECLINE = "decline_action"
ACTION_APPROVE = "approval_approve"
ACTION_REJECT = "approval_reject"
# prefix; the full id is choose_seat:<flight n>:<passenger n>:<choice n>
ACTION_SEAT = "choose_seat"
#: A seat map in Slack is a short choice: this many seats per passenger.
SEAT_CHOICES = 4

_BADGE = {
    "green": ":large_green_circle: in policy",
    "amber": ":large_orange_circle: needs approval",
    "red": ":red_circle: out of policy",
}


def escape(text: str) -> str:
    """Slack mrkdwn treats ``&``, ``<`` and ``>`` as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> dict[str, Any]:
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def money(value: Any) -> str:
    """``6,120.00 USD``: a tool's money as people read it (the chat replies write it so too)."""
    found = read_money(value)
    if found is not None:
        return money_text(found.minor(), found.currency)
    if isinstance(value, dict):
        return f"{value.get('amount', '')} {value.get('currency', '')}".strip()
    return str(value or "")


def _clock(iso: str | None) -> str:
    """``2026-12-18T08:05-05:00`` → ``Fri 18 Dec 08:05`` (the airport's wall clock)."""
    if not iso or "T" not in iso:
        return iso or ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def policy_line(policy: dict[str, Any] | None) -> str:
    policy = policy or {}
    status = str(policy.get("status", ""))
    line = _BADGE.get(status, "policy unknown")
    reasons = [
        str(v.get("message", v)) if isinstance(v, dict) else str(v)
        for v in policy.get("violations", [])
    ]
    if reasons:
        line += " — " + escape("; ".join(reasons))
    return line


def book_button(kind: str, option: int, offer_id: str) -> dict[str, Any]:
    """Book *this* offer: the value is the offer id (a ``select_offer`` action)."""
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": f"Book option {option}"},
        "action_id": f"{ACTION_BOOK}:{kind}:{option}",
        "value": json.dumps({"offer_id": offer_id}),
    }


def offer_of(value: str | None) -> str | None:
    """The offer id a Book button carries (None for anything else)."""
    try:
        data = json.loads(value or "")
    except ValueError:
        return None
    offer_id = data.get("offer_id") if isinstance(data, dict) else None
    return offer_id if isinstance(offer_id, str) and 0 < len(offer_id) <= 80 else None


def _bookable(block: dict[str, Any], kind: str, n: int, option: dict[str, Any]) -> None:
    """A Book button, unless the option is red: then the section says why not."""
    if (option.get("policy") or {}).get("status") == "red":
        block["text"]["text"] += "\n:no_entry: Can't be booked: outside company travel policy."
    elif option.get("offer_id"):
        block["accessory"] = book_button(kind, n, str(option["offer_id"]))


def _place(value: Any) -> str:
    return str(value.get("name", "")) if isinstance(value, dict) else str(value or "")


def flight_options(output: dict[str, Any]) -> list[dict[str, Any]]:
    kind = "return" if output.get("leg") == "return" else "flight"
    route = " → ".join(
        p for p in (_place(output.get("origin")), _place(output.get("destination"))) if p
    )
    title = "Return flights" if kind == "return" else "Flights"
    blocks: list[dict[str, Any]] = [
        section(
            f"*{title}*"
            + escape(f" · {route}" if route else "")
            + escape(f" · {output.get('date', '')}" if output.get("date") else "")
        )
    ]
    for i, o in enumerate(output.get("options", []), start=1):
        n = int(o.get("option", i))
        flights = " + ".join(o.get("flights", [])) or str(o.get("carrier", ""))
        stops = int(o.get("stops", 0))
        route = " → ".join(x for x in (o.get("origin"), o.get("via"), o.get("destination")) if x)
        text = (
            f"*{n}. {escape(flights)}* · {escape(str(o.get('carrier', '')))}\n"
            f"{route} · {_clock(o.get('depart'))} → {_clock(o.get('arrive'))} · "
            f"{'direct' if stops == 0 else f'{stops} stop'} · {o.get('duration', '')} · {o.get('cabin', '')}\n"
            f"*{money(o.get('total') or o.get('price'))}* · {o.get('co2_kg', '?')} kg CO₂ · "
            f"{o.get('seats_left', '?')} seats left\n{policy_line(o.get('policy'))}"
        )
        block = section(text)
        _bookable(block, kind, n, o)
        blocks.append(block)
    if len(blocks) == 1:
        blocks.append(section(escape(str(output.get("note") or "No flights match."))))
    return blocks


def hotel_options(output: dict[str, Any]) -> list[dict[str, Any]]:
    city = escape(f" in {output['city']}") if output.get("city") else ""
    blocks: list[dict[str, Any]] = [section(f"*Hotels*{city}")]
    for i, o in enumerate(output.get("options", []), start=1):
        n = int(o.get("option", i))
        text = (
            f"*{n}. {escape(str(o.get('name', '')))}* {'★' * int(o.get('stars', 0))}\n"
            f"{escape(str(o.get('city', '')))} · {output.get('check_in', '')} → "
            f"{output.get('check_out', '')} · {o.get('nights', '?')} nights · "
            f"{money(o.get('nightly'))} a night\n"
            f"*{money(o.get('total'))}* · {o.get('rooms_left', '?')} rooms left\n"
            f"{policy_line(o.get('policy'))}"
        )
        block = section(text)
        _bookable(block, "hotel", n, o)
        blocks.append(block)
    if len(blocks) == 1:
        blocks.append(section(escape(str(output.get("note") or "No hotels match."))))
    return blocks


def confirmation(interrupt_id: str, summary: str) -> list[dict[str, Any]]:
    """The paused action; a click on Confirm *is* the yes (bound to ``interrupt_id``)."""
    return [
        section(f":raised_hand: {escape(summary)}"),
        {
            "type": "actions",
            "block_id": "confirmation",
            "elements": [
                {
                    "type": "button",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Confirm"},
                    "action_id": ACTION_CONFIRM,
                    "value": interrupt_id,
                },
                {
                    "type": "button",
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "action_id": ACTION_DECLINE,
                    "value": interrupt_id,
                },
            ],
        },
    ]


def approval_facts(view: ApprovalView) -> list[dict[str, Any]]:
    """The facts an approver judges with, as the web page's approval card shows them:
    traveller, route, dates, cabin, total, every policy reason and the stated purpose."""
    trip = view.booking
    dates = ""
    if trip.start_date is not None:
        dates = f"{trip.start_date:%a %d %b %Y}"
        if trip.end_date is not None and trip.end_date != trip.start_date:
            dates += f" → {trip.end_date:%a %d %b %Y}"
    fields = [
        ("Traveller", trip.traveler.name or trip.traveler.id),
        ("Trip", f"{trip.route} · {trip.booking_id}" if trip.route else trip.booking_id),
        ("Dates", dates),
        ("Cabin", (trip.cabin or "").replace("_", " ")),
        ("Total", trip.total_text or money_text(view.amount.minor(), view.amount.currency)),
    ]
    out: list[dict[str, Any]] = [
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{label}*\n{escape(value)}"}
                for label, value in fields
                if value
            ],
        }
    ]
    purpose = trip.purpose or "_not given_"
    out.append(section(f"*Purpose*\n{escape(purpose) if trip.purpose else purpose}"))
    if view.reasons:
        out.append(
            section("*Why it needs approval*\n" + "\n".join(f"• {escape(r)}" for r in view.reasons))
        )
    return out


def approval_request(
    approval_id: str, message: str, view: ApprovalView | None = None
) -> list[dict[str, Any]]:
    """The request with Approve / Reject; with the workflow's ``view``, its facts too."""
    return [
        section(f":inbox_tray: {escape(message)}"),
        *(approval_facts(view) if view is not None else []),
        {
            "type": "actions",
            "block_id": "approval",
            "elements": [
                {
                    "type": "button",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Approve"},
                    "action_id": ACTION_APPROVE,
                    "value": approval_id,
                },
                {
                    "type": "button",
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Reject"},
                    "action_id": ACTION_REJECT,
                    "value": approval_id,
                },
            ],
        },
    ]


def decided(message_text: str, outcome: str) -> list[dict[str, Any]]:
    """What a clicked message becomes: its text, without buttons, plus who did what."""
    return [
        section(escape(message_text)),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": outcome}]},
    ]


def _short_choice(segment: dict[str, Any]) -> list[tuple[str, str]]:
    """A few free seats without a fee, nearest the front: two windows and two aisles
    (``("Window", "6A")``…), from the tool's rows (free letters per row)."""
    columns = str(segment.get("columns") or "")
    letters = columns.replace(" ", "")
    if not letters:
        return []
    blocks_ = columns.split(" ")
    windows = {letters[0], letters[-1]}
    aisles = {b[-1] for b in blocks_[:-1]} | {b[0] for b in blocks_[1:]}
    found: dict[str, list[str]] = {"Window": [], "Aisle": []}
    for row in segment.get("rows") or []:
        if row.get("fee"):
            continue
        for letter in str(row.get("free") or ""):
            kind = "Window" if letter in windows else "Aisle" if letter in aisles else None
            if kind and len(found[kind]) < SEAT_CHOICES // 2:
                found[kind].append(f"{row.get('row')}{letter}")
    return [(kind, seat) for kind in ("Window", "Aisle") for seat in found[kind]]


def seat_choices(output: dict[str, Any]) -> list[dict[str, Any]]:
    """A booking's seat map (``get_seat_map``) as a short choice: per passenger (three at
    most) a few seat buttons, each carrying the seat itself (a ``choose_seats`` action)."""
    booking_id = output.get("booking_id")
    if not booking_id:
        return []
    out: list[dict[str, Any]] = []
    for si, segment in enumerate(output.get("segments") or []):
        picks = _short_choice(segment)
        if not segment.get("segment_id") or not picks:
            continue
        for pi, person in enumerate((segment.get("passengers") or [])[:3]):
            now = f" (now {person['seat']})" if person.get("seat") else ""
            out.append(section(
                f"Seat for *{escape(str(person.get('name') or ''))}* on "
                f"{escape(str(segment.get('flight') or ''))}{now}:"
            ))
            out.append({
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": f"{kind} {seat}"},
                        "action_id": f"{ACTION_SEAT}:{si}:{pi}:{n}",
                        "value": json.dumps({
                            "booking_id": booking_id,
                            "segment_id": segment["segment_id"],
                            "passenger_id": person.get("passenger_id"),
                            "seat": seat,
                        }),
                    }
                    for n, (kind, seat) in enumerate(picks)
                ],
            })
    return out


def seat_of(value: str | None) -> dict[str, str] | None:
    """What a seat button carries: booking, segment, passenger and seat (None for
    anything else)."""
    try:
        data = json.loads(value or "")
    except ValueError:
        return None
    keys = ("booking_id", "segment_id", "passenger_id", "seat")
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) and 0 < len(data[k]) <= 40 for k in keys
    ):
        return None
    return {k: data[k] for k in keys}


#: A pass id → the absolute signed URL of its barcode image, or None (not configured).
BarcodeUrl = Callable[[str], str | None]


def barcode_url(settings: Settings, now: dt.datetime) -> BarcodeUrl:
    """Signed links to passes' barcodes (``core.checkin.links``) as Slack fetches them:
    absolute, on ``CONCIERGE_PUBLIC_BASE_URL``; None for every pass when that or
    ``CONCIERGE_SIGNED_URL_SECRET`` is not set (the card then shows the pass in words)."""
    base, secret = settings.public_base_url, settings.signed_url_secret

    def url(pass_id: str) -> str | None:
        if not base or secret is None or not pass_id:
            return None
        return base.rstrip("/") + signed_barcode_path(
            pass_id, secret=secret.get_secret_value(), now=now
        )

    return url


def barcode_image(url: str, flight: str, seat: str | None) -> dict[str, Any]:
    """The pass's PDF417 barcode as an image block a gate scanner can read off the phone."""
    return {
        "type": "image",
        "image_url": url,
        "alt_text": "Boarding pass barcode"
        + (f", {flight}" if flight else "")
        + (f", seat {seat}" if seat else ""),
    }


def boarding_passes(
    output: dict[str, Any], barcode: BarcodeUrl | None = None
) -> list[dict[str, Any]]:
    """Boarding passes (``check_in``, ``get_boarding_pass``) as one card each: flight,
    passenger, seat, sequence number and the pass's id, then its barcode image when
    ``barcode`` makes a signed link for it (the printable pass and the barcode are also at
    ``/v1/boarding-passes/{id}.pdf`` / ``.png``, behind the caller's token)."""
    blocks: list[dict[str, Any]] = []
    for p in output.get("boarding_passes") or []:
        route = f"{p.get('origin', '')} → {p.get('destination', '')}"
        seat = f"seat {p['seat']}" if p.get("seat") else "seat at the gate"
        blocks.append(
            section(
                f"*🎫 {escape(str(p.get('flight', '')))}* · {escape(route)} · "
                f"{_clock(p.get('depart'))}\n{escape(str(p.get('passenger', '')))} · "
                f"{escape(seat)} · sequence {int(p.get('sequence_number') or 0)} · "
                f"`{escape(str(p.get('pass_id', '')))}`"
            )
        )
        url = barcode(str(p.get("pass_id") or "")) if barcode is not None else None
        if url:
            blocks.append(barcode_image(url, str(p.get("flight", "")), p.get("seat")))
    return blocks


def tool_blocks(
    name: str, output: dict[str, Any] | None, *, barcode: BarcodeUrl | None = None
) -> list[dict[str, Any]]:
    if not output:
        return []
    if name == "search_flights":
        return flight_options(output)
    if name == "search_hotels":
        return hotel_options(output)
    if name == "get_seat_map":
        return seat_choices(output)
    if name in ("check_in", "get_boarding_pass"):
        return boarding_passes(output, barcode)
    return []


def limit(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep within Slack's block cap, dropping from the middle's end (options), never
    the last blocks (the confirmation buttons come last)."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return blocks[: MAX_BLOCKS - 3] + blocks[-3:]


# ------------------------------------------------------------------------ trips

# Tools whose output names a booking that changed: the answer shows its trip card.
TRIP_TOOLS = frozenset(
    {"reserve", "confirm_booking", "cancel_booking", "rebook", "check_in", "choose_seats"}
)
MAX_TRIP_CARDS = 3


def _people(people: list[dict[str, Any]]) -> str:
    said = []
    for p in people:
        bits = [escape(str(p.get("name", "")))]
        if p.get("seat"):
            bits.append(f"seat {escape(str(p['seat']))}")
        if p.get("ticket"):
            bits.append(f"e-ticket {escape(str(p['ticket']))}")
        said.append(" · ".join(bits))
    return "; ".join(said)


def _entry_line(e: dict[str, Any]) -> str:
    ref = f" · Ref `{escape(str(e['locator']))}`" if e.get("locator") else ""
    if e.get("kind") == "hotel":
        nights = int(e.get("nights") or 0)
        line = (
            f":hotel: *{escape(str(e.get('title', '')))}*{ref}\n"
            f"{_clock(e.get('start'))} → {_clock(e.get('end'))} · "
            f"{nights} night{'s' if nights != 1 else ''}"
        )
        people = _people(e.get("guests") or [])
    else:
        origin, destination = e.get("origin") or {}, e.get("destination") or {}
        marker = f" {e['day_marker']}" if e.get("day_marker") else ""
        end = str(e.get("end") or "")
        arrive = end[11:16] if "T" in end else end
        cabin = str(e.get("cabin") or "").capitalize()
        status = e.get("flight_status")
        extra = [str(e.get("carrier_name") or ""), cabin]
        if status and status != "scheduled":
            extra.append(f"flight {status}")
        cancelled = e.get("status") == "cancelled" or status == "cancelled"
        title = escape(str(e.get("title", "")))
        line = (
            f":airplane: {'~' + title + '~' if cancelled else '*' + title + '*'}{ref}\n"
            f"{_clock(e.get('start'))} {escape(str(origin.get('city', '')))} → "
            f"{arrive}{marker} {escape(str(destination.get('city', '')))}"
            f" · {' · '.join(x for x in extra if x)}"
        )
        people = _people(e.get("passengers") or [])
    return line + (f"\n{people}" if people else "")


def trip_card(trip: dict[str, Any]) -> list[dict[str, Any]]:
    """One booking as the page's trip view shows it (``GET /v1/trips``' ``TripView``):
    title and status, the booking id and total, every flight and stay in local times
    with the ``+1`` day marker, locators, passengers and seats, the policy verdict, the
    hold in words, the payment, any change still under way, and how an approval ended it."""
    head = (
        f"*{escape(str(trip.get('title', '')))}* — {escape(str(trip.get('status_text', '')))}\n"
        f"`{escape(str(trip.get('booking_id', '')))}` · {escape(str(trip.get('total_text', '')))}"
    )
    if trip.get("whose") != "mine" and trip.get("traveler"):
        head += f" · for {escape(str(trip['traveler'].get('name', '')))}"
    out: list[dict[str, Any]] = [{"type": "divider"}, section(head)]
    out.extend(section(_entry_line(e)) for e in trip.get("entries") or [])
    policy = trip.get("policy") or {}
    facts = [f"{_BADGE.get(str(policy.get('status')), 'policy unknown').split(' ', 1)[0]} "
             f"{escape(str(policy.get('label', '')))}"]
    facts += [escape(str(r)) for r in policy.get("reasons") or []]
    if trip.get("hold"):
        facts.append(escape(str(trip["hold"].get("text", ""))))
    facts.append(escape(str((trip.get("payment") or {}).get("text", ""))))
    if trip.get("change"):
        facts.append(escape(str(trip["change"])))
    if trip.get("outcome"):
        facts.append(escape(str(trip["outcome"])))
    if trip.get("disrupted"):
        facts.append("The airline changed a flight of this trip: ask me for alternatives.")
    out.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f[:SECTION_LIMIT]} for f in facts if f][:10],
        }
    )
    return out
