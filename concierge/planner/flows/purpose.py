"""A trip's purpose: asked when a trip goes for approval, recorded from the answer.

The approver judges a trip better knowing what it is for, so when ``confirm_booking``
sends one for approval the reply asks ("What's the trip for?"), offering ``purpose``;
the next message, when it reads as an answer (a few words that are not a new search,
a yes/no or a question), is recorded with ``set_trip_purpose`` and the approver sees it
with the request. Anything else goes on as it would have: the question asks, it
never blocks.
"""

from __future__ import annotations

import re
from typing import Any

from concierge.planner import render
from concierge.planner.flows.base import Call, Context, Decision, Reply, fit
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import Offer, Turn
from tools.set_trip_purpose import SetTripPurposeInput

KIND = "purpose"

# A message that asks to travel is a new request, not what a trip is for.
_TRAVEL_ASK = re.compile(
    r"\b(fly|flights?|book|hotels?|search|find|get me|need to be|return|one[- ]way)\b", re.I
)


def question(booking: dict[str, Any], approver: str) -> tuple[str, Offer | None]:
    """The line added to "I've sent it for approval", and its offer; none when the trip
    already says what it is for."""
    if booking.get("purpose") or booking.get("status") != "pending_approval":
        return "", None
    return (
        f"\n\nWhat's the trip for? Tell me in a few words and I'll add it to the request — "
        f"{approver} sees it when deciding.",
        Offer(KIND, {"booking_id": str(booking.get("booking_id"))}),
    )


#: The key of an offer's args naming the trip whose purpose the reply also asked
#: (the hotel offer that follows a trip sent for approval carries it).
ASKED_FOR = "purpose_for"


def asked_for(offer: Offer | None) -> str | None:
    """The booking whose purpose the last reply asked, if it did."""
    if offer is None:
        return None
    if offer.kind == KIND:
        return str(offer.args.get("booking_id") or "") or None
    return str(offer.args.get(ASKED_FOR) or "") or None


def also_asking(offer: Offer | None, booking_id: str) -> Offer | None:
    """Another offer of the same reply (a hotel for the trip), also waiting for the purpose."""
    if offer is None:
        return None
    return Offer(offer.kind, {**offer.args, ASKED_FOR: booking_id})


def answer_of(u: Understanding) -> str | None:
    """The message as a purpose, or None when it reads as something else."""
    text = u.text.strip()
    if not text or len(text) > 300:
        return None
    if u.intent == Intent.UNKNOWN:
        return text
    if (
        u.intent == Intent.SEARCH
        and u.places
        and u.dates.depart is None
        and u.dates.ret is None
        and u.dates.nights is None
        and not u.dates.flexible
        and not u.cabin
        and not _TRAVEL_ASK.search(text)
    ):
        return text  # "a customer workshop in London": a place, but no trip asked
    return None


def record(turn: Turn, ctx: Context, booking_id: str, text: str) -> Decision:
    """``set_trip_purpose`` with the answer, then say what became of it."""
    done = turn.last("set_trip_purpose")
    if done is None:
        purpose = fit(SetTripPurposeInput, "purpose", text)
        return [Call("set_trip_purpose", {"booking_id": booking_id, "purpose": purpose})]
    if done.error:
        return Reply(f"I couldn't add that to the request: {render.error_text(done.error)}")
    out = done.output or {}
    if out.get("status") == "pending_approval":
        return Reply(f"Thanks — I've added “{out.get('purpose')}” to the approval request for **{booking_id}**.")
    return Reply(f"Noted “{out.get('purpose')}” on **{booking_id}**.")
