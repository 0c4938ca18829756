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
from concierge.planner.nlu.purposes import A_QUESTION, NOT_WHAT, TRAVEL_ASK, WHAT_ENDS, WHY
from concierge.planner.state import Offer, Turn
from tools.list_trips import ListTripsOutput
from tools.set_trip_purpose import SetTripPurposeInput

KIND = "purpose"


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


# The question as ``question`` puts it, up to the end of its line.
_ASKED = re.compile(r"\n\nWhat's the trip for\? Tell me in a few words[^\n]*")


def answered_with(text: str, turn: Turn | None, decision: Decision) -> str:
    """A reply that asked what the trip is for, without the question when this turn
    records the answer ("yes — it's for the Q1 offsite": the trip sent for approval, then
    its purpose noted)."""
    noting = isinstance(decision, list) and any(
        isinstance(c, Call) and c.name == "set_trip_purpose" for c in decision
    )
    if not noting and (turn is None or turn.last("set_trip_purpose") is None):
        return text
    return _ASKED.sub("", text)


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
    if u.purpose_said is not None:
        # "Purpose: board meeting with the Boston investors", "it's for the Q1 offsite"
        return u.purpose_said
    if u.intent == Intent.UNKNOWN:
        # "so is it booked or not??": a question about the trip, not what it is for
        return None if A_QUESTION.match(text) else text
    if (
        u.intent == Intent.SEARCH
        and u.places
        and u.dates.depart is None
        and u.dates.ret is None
        and u.dates.nights is None
        and not u.dates.flexible
        and not u.cabin
        and not TRAVEL_ASK.search(text)
    ):
        return text  # "a customer workshop in London": a place, but no trip asked
    return None


def record(turn: Turn, ctx: Context, booking_id: str, text: str) -> Decision:
    """``set_trip_purpose`` with the answer, then say what became of it."""
    done = turn.last("set_trip_purpose")
    if done is None:
        purpose = fit(SetTripPurposeInput, "purpose", text)
        return [Call("set_trip_purpose", {"booking_id": booking_id, "purpose": purpose})]
    if done.error and str(done.error.get("code")) == "INVALID_TRANSITION":
        # "the london trip is for the client review" of a trip booked (or cancelled)
        # already: no request waits for it, so there is nothing to add it to
        return Reply(
            f"**{booking_id}** is no longer on hold or waiting for approval, so there's no "
            "request to add that to — a trip's purpose is noted only until it's booked."
        )
    if done.error:
        return Reply(f"I couldn't add that to the request: {render.error_text(done.error)}")
    out = done.output or {}
    if out.get("status") == "pending_approval":
        return Reply(f"Thanks — I've added “{out.get('purpose')}” to the approval request for **{booking_id}**.")
    return Reply(f"Noted “{out.get('purpose')}” on **{booking_id}**.")


# A trip's purpose told unasked ("Can you let Mia know the Paris trip is for the Renault
# kickoff?", "the purpose of my Boston flight: a customer visit", "add to my Paris trip that
# it's for the Q4 review"): the trip named (group "trip") and what it is for ("what").
# In chat the article goes ("london trip is for the offsite"), and a trip is "the <place> one".
_TRIP = (
    r"(?P<trip>(?:(?:the|my|our)\s+|^)(?:[\w-]+\s+){0,3}?(?:trip|flight|booking|travel|request|approval)"
    r"|(?:the|my|our)\s+(?:[\w-]+\s+){1,3}?one\b)"
)
# "purpose for the paris trip = client mtg": "=" labels as ":" does, in chat shorthand
_STATED = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b{_TRIP}\s+(?:is|was|'s)\s+(?:(?:actually|really|all|mainly|mostly)\s+)?for\s+(?P<what>.+)",
        rf"\bpurpose\s+(?:of|for|on)\s+{_TRIP}\s*(?:is|:|=|-|—|–)\s*(?P<what>.+)",
        rf"\b(?:add|note|put)\s+(?:on|to)\s+{_TRIP}\s+that\s+(?:it|this)(?:'s|\s+is)\s+for\s+(?P<what>.+)",
        # "For the Paris approval: the reason is the Renault kickoff", "re my Boston trip -
        # the purpose is a client visit": the trip named first, then what it is for
        rf"\b(?:for|on|about|re|regarding)\s+{_TRIP}\s*(?::|,|-|—|–)\s*(?:the\s+)?{WHY}\s*"
        rf"(?:is|:|=|-|—|–)\s*(?P<what>.+)",
        # "For my Paris flight: it's for the Q1 planning offsite", "re the Boston trip - this
        # is for a client visit": the trip named first, then what it is for
        rf"\b(?:for|on|about|re|regarding)\s+{_TRIP}\s*(?::|,|-|—|–)\s*(?:it|this|that)(?:'s|\s+is|\s+was)\s+"
        rf"(?:(?:actually|really|all|mainly|mostly)\s+)?for\s+(?P<what>.+)",
        # "the reason for my Paris trip is the Renault kickoff"
        rf"\b{WHY}\s+(?:for|of|behind)\s+{_TRIP}\s*(?:is|:|=|-|—|–)\s*(?P<what>.+)",
        # "please note on my Paris booking: cost centre ENG-204", "add a note to my Boston
        # trip - the partner summit": the trip named, then what to note on it
        # "pls add purpose to the paris one: a customer workshop" (the label bare, a
        # filler before the colon)
        rf"\b(?:note|add|put|record|write|log)\s+(?:(?:(?:a|an|this|the)\s+)?(?:note|comment|{WHY})\s+)?"
        rf"(?:on|to|in|against)\s+{_TRIP}(?:\s+(?:pls|please|plz))?\s*(?::|-|—|–)\s*(?P<what>.+)",
        # "on the Paris trip please record cost centre FIN-881": a cost centre noted on it
        rf"\b(?:on|for|to)\s+{_TRIP}\s*,?\s*(?:(?:please|pls|can you|could you|would you)\s+)*"
        rf"(?:note|record|add|put|log)\s+(?P<what>(?:the\s+|a\s+|our\s+)?(?:cost\s+cent(?:re|er)|{WHY})\b.+)",
        # "pls add cost centre ENG-204 to my paris booking", "put the business reason
        # 'client visit' on the Boston trip": the labelled note, then the trip it goes on
        rf"\b(?:add|put|note|record|log|attach|write)\s+(?P<what>(?:the\s+|a\s+|our\s+)?"
        rf"(?:cost\s+cent(?:re|er)|{WHY})\b[^.?!;]+?)\s+(?:to|on|onto|against|in)\s+{_TRIP}",
        # "add 'UK team onsite' as the purpose of my London trip"
        rf"\b(?:add|put|note|record|set|use)\s+['\"“‘]?(?P<what>[^'\"”’]+?)['\"”’]?\s+as\s+(?:the\s+)?"
        rf"{WHY}\s+(?:of|for|on)\s+{_TRIP}",
        # "set the purpose of my London trip to client workshop"
        rf"\b(?:set|change|make)\s+(?:the\s+)?{WHY}\s+(?:of|for|on)\s+{_TRIP}\s+(?:to|as)\s+(?P<what>.+)",
    )
)


# Quotation marks around words of a purpose (never an apostrophe inside a word: "it's").
_QUOTE_MARKS = re.compile(r"(?:(?<=\s)|^)[\"“‘']|[\"”’'](?=\s|$)")


def record_at_hold(turn: Turn, booking_id: str, text: str) -> Decision | str:
    """``set_trip_purpose`` on the hold being confirmed; then what to say of it before the
    confirmation is asked again (a string), or a reply when it could not be recorded."""
    done = turn.last("set_trip_purpose")
    if done is None:
        purpose = fit(SetTripPurposeInput, "purpose", text)
        return [Call("set_trip_purpose", {"booking_id": booking_id, "purpose": purpose})]
    if done.error:
        return Reply(f"I couldn't note that on the trip: {render.error_text(done.error)}")
    said = (done.output or {}).get("purpose") or text
    return f"Noted — “{said}” is what the trip is for; whoever approves it sees that."


def stated(text: str) -> tuple[int, str] | None:
    """A trip's purpose told unasked: where the trip is named, and the purpose; None when
    the message tells none."""
    for pattern in _STATED:
        m = pattern.search(text)
        if m is None:
            continue
        what = WHAT_ENDS.split(m.group("what"), maxsplit=1)[0].strip(" ,:-—–\"'")
        what = _QUOTE_MARKS.sub("", what)  # "the business reason 'client visit'": no quotes
        if len(what) < 4 or NOT_WHAT.match(what) or TRAVEL_ASK.search(what):
            continue
        return m.start("trip"), what
    return None


def record_stated(
    turn: Turn, ctx: Context, u: Understanding, said: tuple[int, str]
) -> Decision | None:
    """The purpose told of one of the caller's own trips (the one its place names, one
    waiting for approval first), recorded with ``set_trip_purpose``. None when the
    caller has no such trip (the message goes on as it would have)."""
    at, what = said
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": 20})]
    trips = listing.typed(ListTripsOutput)
    if trips is None:
        return None
    me = str(ctx.profile.get("name") or "")
    cities = {m.place.city for m in u.places if m.place is not None and m.start <= at + 60}
    cities &= {c for t in trips.trips for c in (*t.places, t.origin or "")}
    own = [
        t
        for t in trips.trips
        if t.status in {"pending_approval", "held", "confirmed"}
        and (not me or t.traveler == me)
        and (not cities or cities & {*t.places, t.origin or ""})
    ]
    waiting = [t for t in own if t.status == "pending_approval"]
    meant = waiting if len(waiting) == 1 or (waiting and not cities) else own
    if not meant:
        return None
    if len(meant) > 1:
        lines = "\n".join(f"- **{t.booking_id}** — {t.summary}" for t in meant[:5])
        return Reply(f"Which trip is “{what}” for?\n{lines}")
    return record(turn, ctx, meant[0].booking_id, what)
