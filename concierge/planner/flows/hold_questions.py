"""A question about what is on hold, asked at its confirmation: "is it refundable?",
"money back if I cancel?", "what time does it land?", "which terminal?", "how many seats
are left", "what airline is that again?", "is that the direct one?".

Neither a yes nor a no: answered from the hold (the ``reserve`` output: its segments, their
times and refundability) and from the option it was taken from (the ``search_flights``
output: carrier, stops, seats left), and the confirmation is asked again, so a "yes" after
the answer still books (``booking.wait``). What the catalogue doesn't know (a terminal, a
gate) is said plainly. A question that names other trip details ("is there one on the
17th?") is a request, and is not answered here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from concierge.planner.answers import trip_answers
from concierge.planner.flows import approvals, changes, trips
from concierge.planner.flows.base import Call, Context, Decision
from concierge.planner.nlu import asks, datafiles
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import State, Turn
from tools.get_booking import GetBookingOutput
from tools.views import BookingOut

# The facets of a trip question a hold answers (asks.yaml trip_facets; "names": who is on
# it, "who's on this booking?").
_TRIP_FACETS = frozenset(
    {"refundable", "arrive", "depart", "time", "terminal", "duration", "airport", "cabin", "names"}
)
# What a question at a hold may read as on its own ("what time does it land?" nothing,
# "how many seats are left" a search, "is that the direct one?" a pick, "money back if I
# cancel?" a cancellation).
_MAY_BE = frozenset({Intent.UNKNOWN, Intent.ASK_TRIP, Intent.SEARCH, Intent.SELECT, Intent.CANCEL})


@lru_cache(maxsize=1)
def _facts() -> dict[str, re.Pattern[str]]:
    raw: dict[str, Any] = datafiles.load("asks")["hold_facts"]
    return {str(k): re.compile("|".join(f"(?:{p})" for p in v), re.I) for k, v in raw.items()}


def _asked_facts(text: str) -> list[str]:
    low = asks.plain(text)
    return [name for name, pattern in _facts().items() if pattern.search(low)]


def answer(state: State, ctx: Context, u: Understanding, held: str, intent: Intent) -> str | None:
    """The answer to a question about the hold ``held``, or None when the message is no
    such question (a request, a change, another question)."""
    booking = state.bookings.get(held) or {}
    text = u.text.strip()
    facts = _asked_facts(text)
    # ("who am I flying with?" reads as a question about one's profile, "is this within
    # policy?" as one about the policy)
    if not (intent in _MAY_BE or (intent in (Intent.PROFILE, Intent.POLICY) and facts)):
        return None
    if not booking.get("segments"):
        return None
    if not (asks.is_question(text) or text.endswith("?")):
        return None
    if asks.is_request(text):
        return None  # "could you find me something in the evening instead?": a request
    d = u.dates
    if (
        u.places
        or d.depart_after
        or d.depart_before
        or u.time_shift
        or u.other_option
        or d.depart
        or d.ret
        or d.flexible
        or u.passengers
        or u.passenger_delta
        or u.shift_days
        or d.return_days
        or u.price_cap
        or u.booking_id
        or u.person
        or u.want_hotel
        or any(o.index is not None or o.clock for o in u.options)
    ):
        return None  # "is there one on the 17th?", "what about the 2nd?": a request
    facets = (u.facets or asks.trip_facets(text)) & _TRIP_FACETS
    if u.cabin and "cabin" not in facets:
        return None  # "in business?": a change asked for, not a question about the hold
    try:
        out = BookingOut.model_validate(booking)
    except ValueError:
        return None
    if facts:
        said = _fact(state, out, facts[0])
        if said is not None:
            return said
    if not facets:
        return None
    ask = replace(trips.trip_ask(u), facets=facets, me=str(ctx.profile.get("name") or ""))
    return trip_answers.answer(ask, out, ctx.now).text


def _options(state: State, out: BookingOut) -> list[dict[str, Any]]:
    """The options shown that the hold's flights were taken from."""
    flights = [s.flight for s in out.segments if s.kind == "flight" and s.flight]
    found = []
    for listed in (state.flights, state.returns):
        for option in (listed or {}).get("options") or []:
            labels = option.get("flights") or []
            if labels and all(f in flights for f in labels) and option not in found:
                found.append(option)
    return found


def policy_asked(text: str, booking: dict[str, Any]) -> str | None:
    """The hold's policy verdict when the request that made it also asked about it ("hold
    the 6:05 american ... - will I need approval for it?", "book the 7am and is that in
    policy?"), else None."""
    if "policy" not in _asked_facts(text) or not (asks.is_question(text) or "?" in text):
        return None
    try:
        return _policy_verdict(BookingOut.model_validate(booking))
    except ValueError:
        return None


def _policy_verdict(out: BookingOut) -> str:
    """The hold's own policy verdict, said plainly ("is this within policy?")."""
    names = [
        str(s.flight) if s.kind == "flight" and s.flight else str(s.hotel or "the hotel")
        for s in out.segments
    ]
    # "the whole trip (DL 1171, AA 1140 and citizenM Chicago O'Hare) is within policy": one
    # verdict for all that is held, its reasons naming the part at fault
    what = (
        f"the whole trip ({', '.join(names[:-1])} and {names[-1]})"
        if len(names) > 1
        else "".join(names) or out.booking_id
    )
    why = "; ".join(out.policy.violations)
    if out.policy.status == "green":
        return f"Yes — {what} is within policy, so no approval is needed."
    if out.policy.status == "amber":
        roles = out.policy.approvals_required
        who = " and ".join(f"your {r}" if r == "manager" else r for r in roles) or "an approver"
        return (
            f"Not quite — {what} is outside policy"
            + (f" ({why})" if why else "")
            + f": it can be booked, but needs approval from {who} before it's confirmed."
        )
    return f"No — {what} is not allowed under company policy" + (f" ({why})." if why else ".")


def _fact(state: State, out: BookingOut, fact: str) -> str | None:
    if fact == "policy":
        return _policy_verdict(out)
    flights = [s for s in out.segments if s.kind == "flight"]
    if not flights:
        return None
    options = _options(state, out)
    if fact == "seats_left":
        if not options:
            return None
        return (
            " ".join(
                f"{' / '.join(o['flights'])} has {o['seats_left']} seats left in "
                f"{o.get('cabin') or 'economy'} (yours is held)."
                for o in options
                if o.get("seats_left") is not None
            )
            or None
        )
    if fact == "airline":
        if options:
            return (
                " ".join(
                    f"{' / '.join(o['flights'])} is {o['carrier']}."
                    for o in options
                    if o.get("carrier")
                )
                or None
            )
        return f"It's {', '.join(str(s.flight) for s in flights)}."
    if fact == "direct":
        legs = options or []
        if legs:
            return " ".join(
                f"{' / '.join(o['flights'])} is nonstop."
                if not o.get("stops")
                else f"{' / '.join(o['flights'])} has {o['stops']} stop"
                f"{'s' if o['stops'] > 1 else ''}"
                + (f", via {o['via']}" if o.get("via") else "")
                + "."
                for o in legs
            )
        if len(flights) == 1:
            return f"Yes — {flights[0].flight} is nonstop."
        return None
    return None


# The confirmations a question may be asked at (besides a booking's): asked again after
# the answer, and once answered, told by their own flow.
_OTHERS = frozenset({"cancel_booking", "decide_approval", "rebook"})
# What a question about a booking may be about, answered from get_booking.
_ANSWERED = _TRIP_FACETS | {"cost", "status", "hotel", "check_in", "check_out", "nights"}


def a_question(u: Understanding) -> bool:
    text = u.text.strip()
    if not (asks.is_question(text) or text.endswith("?")):
        return False
    d = u.dates
    return not (u.places and (d.depart or d.ret)) and not (
        u.passengers
        or u.passenger_delta
        or u.shift_days
        or d.return_days
        or u.price_cap
        or u.want_hotel
    )


def at_confirmation(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """A question at a cancellation's, an approval decision's or a rebooking's
    confirmation ("wait, do I get my money back?", "how much is it?", "which flight is
    it?"): answered from the booking, and the same confirmation asked again; once
    answered, what became of it. None when the message is no such question."""
    asked = state.declined
    if asked is None or asked.get("name") not in _OTHERS:
        return None
    name, args = str(asked["name"]), dict(asked.get("args") or {})
    again = turn.last(name)
    if again is not None and again.args == args:
        return _outcome(state, turn, ctx, u, name, args)
    if not a_question(u):
        return None
    if name == "rebook":
        if not ("cost" in _facets(u) or asks.price_question(u.text) or _FEE.search(u.text)):
            return None
        return [Call(name, args, say=_REBOOK_COST)]
    booking_id = args.get("booking_id") or approval_booking(state, args.get("approval_id"))
    if not booking_id:
        return None
    said = about_booking(turn, ctx, u, str(booking_id), refund=name == "cancel_booking")
    if said is None or not isinstance(said, str):
        return said
    return [Call(name, args, say=said)]


_FEE = re.compile(r"\b(?:fee|fees|charge|charged|extra|more|cost|costs|pay|difference)\b", re.I)
_REBOOK_COST = (
    "What the change costs — the fare difference and any change fee — is in the question "
    "below; nothing changes until you say yes."
)


def _facets(u: Understanding) -> frozenset[str]:
    return u.facets or asks.trip_facets(u.text)


def approval_booking(state: State, approval_id: object) -> str | None:
    item = next((a for a in state.approvals or [] if a.get("approval_id") == approval_id), None)
    return str(item["booking_id"]) if item and item.get("booking_id") else None


def about_booking(
    turn: Turn, ctx: Context, u: Understanding, booking_id: str, *, refund: bool = False
) -> Decision | str | None:
    """The answer to a question about ``booking_id`` (its flight, times, cost, or what
    cancelling it would give back): the ``get_booking`` call first, then the text. None
    when the question is about nothing a booking answers."""
    facets = _facets(u) & _ANSWERED
    refund_asked = asks.cancel_refund_question(u.text) or (refund and "refundable" in facets)
    if not facets and not refund_asked:
        if not (asks.price_question(u.text) or _WHICH.search(u.text)):
            return None
        facets = frozenset({"cost"}) if asks.price_question(u.text) else frozenset({"time"})
    step = turn.last("get_booking")
    if step is None or step.args.get("booking_id") != booking_id:
        args: dict[str, Any] = {"booking_id": booking_id}
        if refund_asked:
            args["quote_cancel"] = True
        return [Call("get_booking", args)]
    booking = step.typed(GetBookingOutput)
    if booking is None:
        return None
    if refund_asked:
        return trip_answers.if_cancelled_text(booking)
    ask = replace(trips.trip_ask(u), facets=facets, me=str(ctx.profile.get("name") or ""))
    return trip_answers.answer(ask, booking, ctx.now).text


# "which flight is it?", "what's the trip?": the trip itself, its flight and times.
_WHICH = re.compile(r"\b(?:which|what) (?:flight|trip|one|booking)\b", re.I)


def _outcome(
    state: State, turn: Turn, ctx: Context, u: Understanding, name: str, args: dict[str, Any]
) -> Decision | None:
    if name == "cancel_booking":
        return trips.cancel_flow(state, turn, ctx, str(args.get("booking_id")))
    if name == "decide_approval":
        decided = replace(u, intent=Intent.DECIDE, decision=str(args.get("decision") or ""))
        return approvals.decide_approval(
            state, turn, ctx, decided, approval_id=str(args.get("approval_id"))
        )
    return changes.rebook_flow(state, turn, ctx, args)
