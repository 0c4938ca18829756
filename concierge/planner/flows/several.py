"""Several requests in one message: each understood in the message's context, all the
questions answered in one reply, the actions carried out in order, each through its own
confirmation.

"When's my flight home from London, and what's the hotel called again?" is two questions;
"find me flights to paris on the 16th? also whats the hotel cap there" a search and a
question about the place it named; "cancel my paris trip and look at the 10th instead" an
action and a search for the trip it replaces. The message is cut at the clause markers of
``nlu/data/requests.yaml``; a piece that is not a request of its own ("Hi there!", "a
hotel there too" after a flight) stays with its neighbour, and a message with one request
left is read whole, as before.

Each request is decided by its own flow (``dispatch.decide``) on the state the earlier
ones left, with the tool calls made for it (their ids carry its number). Reads run at
once; an action that needs a yes (``needs_confirmation``: a cancellation, an approval, a
booking's confirmation) is asked last, with the answers of the reads in its question, and
the requests after it that change something wait for its yes or no: the graph resumes the
same turn with the answer, so they are taken up then, one confirmation at a time (the
reply says so: "After that I'll …"). Never two writes on one yes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from concierge.planner import render
from concierge.planner.flows import lookup, purpose
from concierge.planner.flows.base import Call, Context, Decision, Reply
from concierge.planner.flows.dispatch import decide
from concierge.planner.nlu import asks, requests
from concierge.planner.nlu.intents import (
    Intent,
    Understanding,
    flight_home_moved,
    policy_of_the_trip,
    understand,
)
from concierge.planner.state import Offer, State, Step, Turn, apply_result
from core.catalogue.places import lookup_place
from tools.base import Effect
from tools.registry import TOOLS

# A call the graph asks the traveller to confirm first, and the calls that change nothing.
_GATED = frozenset(name for name, tool in TOOLS.items() if tool.needs_confirmation)
_READS = frozenset(name for name, tool in TOOLS.items() if tool.effect is Effect.READ)

# The requests waiting for the yes or no of a question, carried on the message asking it.
WAITING_KEY = "concierge_waiting"

# A request's number rides on its calls' ids ("call_3_1_0_ab12cd_r2_ret").
_PART_ID = re.compile(r"_r(\d+)(?=_|$)")

# Requests about a booked trip a later "instead" search replaces ("cancel my paris trip and
# look at the 10th instead").
_REPLACED_BY_INSTEAD = frozenset({Intent.CANCEL, Intent.CHANGE})


# More clauses than a person puts requests in one message: a pasted or forwarded text,
# read whole (merging its clauses one by one would re-read it once per clause).
_MOST_CLAUSES = 12

# Requests whose places keep their roles when carried over (a route asked about).
_ROUTE_ASKED = frozenset({Intent.POLICY, Intent.SEARCH})


@dataclass
class Request:
    """One request of the message: its words and how they read in context."""

    text: str
    understanding: Understanding


def read(
    text: str, now: datetime, *, month_first: bool = True, after: Sequence[str] = ()
) -> list[Request] | None:
    """The message's requests, in order, when it holds more than one; None otherwise (the
    message is read whole, as a single request). ``after``: requests of an earlier message
    still waiting for the yes or no this message may be (``waiting_after``)."""
    if after:
        answer = understand(text, now, month_first=month_first)
        head = requests.head(text)
        if not requests.answers_a_question(answer.intent) and head != text:
            # "no, keep paris": the answer comes first, what follows only explains it.
            answer = understand(head, now, month_first=month_first)
            text = head
        if requests.answers_a_question(answer.intent):
            # "no, keep paris" to the first of "cancel paris and then london": the answer,
            # then the requests that waited for it.
            waited = [Request(t, understand(t, now, month_first=month_first)) for t in after]
            return [Request(text, answer), *waited]
    whole = understand(text, now, month_first=month_first)
    if whole.flight_home_too:
        # "I want to stay in London one more night and fly home Sat the 19th instead": the
        # nights searched from the booked check-out, and the booked flight home moved.
        return [Request(text, whole), Request(text, flight_home_moved(whole))]
    if purpose.stated(text) is not None:
        # "let Mia know the Paris trip is for the kickoff? She needs that to approve it":
        # a trip's purpose told, and what is said of it, one request.
        return None
    said, spans = requests.cut(text)
    if not 2 <= len(spans) <= _MOST_CLAUSES or requests.whole_wins(whole.intent):
        return None
    found: list[tuple[int, int, Understanding]] = []
    waiting_start: int | None = None  # a leading piece that is no request ("Hi there!")
    for start, end in spans:
        if waiting_start is not None:
            start, waiting_start = waiting_start, None
        u = understand(said[start:end], now, month_first=month_first)
        if found:
            _read_after(found[-1][2], u, said[start:end])
            _same_verb(found[-1][2], u)
            first, _, prev = found[-1]
            if not _stands_alone(prev, u, said[start:end]) or requests.kept_whole(
                prev.intent, u.intent
            ):
                # Not a request of its own, or the same trip said in two clauses ("flights
                # JFK to Miami on the 15th, hotel in Miami 15th-18th"): read together.
                found[-1] = (first, end, understand(said[first:end], now, month_first=month_first))
                continue
        elif not _stands_alone(None, u, said[start:end]):
            waiting_start = start
            continue
        found.append((start, end, u))
    if len(found) < 2:
        return None
    out = [Request(said[a:b], u) for a, b, u in found]
    asked = [r for r in out if r.understanding.intent == Intent.POLICY]
    if (
        whole.intent == Intent.POLICY
        and len(asked) == 1
        and asks.cabin_permission(asked[0].text)
        and all(r in asked or requests.own_day_told(r.text) for r in out)
    ):
        # "I fly to Paris on the 3rd. Am I allowed to go business on that one?": the trip
        # told is the question's route (its day says which flight), nothing to search
        return None
    for earlier, later in itertools.pairwise(out):
        _carry_places(earlier.understanding, later.understanding)
        _carry_cabin(earlier.understanding, later.understanding)
    return out


def _say_once(said: list[str], text: str) -> None:
    """``text`` added to the answers of a message of several questions, unless an answer
    already holds it: two questions answered alike ("is everything booked for london?
    flights AND hotel?", "I've got two trips right? which one's first?") are told once,
    the fuller answer kept."""
    lines = [line for line in text.splitlines() if line.strip()]
    for i, earlier in enumerate(said):
        if text in earlier:
            return
        if earlier in text:
            said[i] = text
            return
        told = {line for line in earlier.splitlines() if line.strip()}
        if len(lines) > 2 and len([line for line in lines if line not in told]) <= 1:
            return  # the same list again, under another first line
        lead, _, rest = text.partition(" — ")
        before, _, after = earlier.partition(" — ")
        if rest and rest == after and len(lead.split()) <= 3 and len(before.split()) <= 3:
            # the same answer under another short lead ("Not yet — …", "Not on you — …"):
            # told once, as led for the later question
            said[i] = text
            return
    said.append(text)


def _stands_alone(prev: Understanding | None, u: Understanding, text: str) -> bool:
    """Whether a clause is a request of its own, not the context or the detail of its
    neighbour: a search says when and what ("…, and find me a flight to Boston next
    Tuesday", not "my meeting got moved to the 17th" nor "tell her to fly out of JFK
    instead"), a pick names the option, a question is asked ("what's the cap there", not
    "Note: client meeting is confirmed")."""
    if not requests.is_request(u.intent):
        return False
    if u.intent == Intent.SEARCH:
        if (
            prev is not None
            and prev.intent == Intent.ASK_TRIP
            and not _names_a_place(u)
            and requests.own_day_told(text)
        ):
            return False  # "…chase mia about my paris approval? I fly thursday": its day
        if (
            prev is not None
            and prev.intent == Intent.CHANGE
            and prev.dates.depart is None
            and prev.dates.ret is None
            and not _names_a_place(u)
        ):
            # "a small change to my London trip: only the return leg. I'd like to fly back
            # on 17/12 in the evening instead.": the change told over two sentences, its
            # day (and time) said in the second: one change
            return False
        if requests.told(text) or requests.supposing(text) or requests.own_trip_named(text):
            # "the client wants me in London through the weekend", "if I book a flight for
            # this Thursday, …", "for my London trip on the 14th, …": context of the
            # request beside it
            return False
        when = u.dates.depart or u.dates.flexible or u.dates.ret
        what = u.flight_asked or u.want_flight or u.want_hotel or _names_a_place(u)
        if prev is not None and requests.conditional(text) and _names_a_place(prev):
            what = True  # "…JFK to Heathrow? if so find me something on the 16th": that route
        instead = (
            prev is not None
            and prev.intent in _REPLACED_BY_INSTEAD
            and requests.replacing(text) is not None
        )
        return bool(when and (what or instead))
    if u.intent == Intent.SELECT:
        return bool(u.options)
    if (
        u.intent == Intent.POLICY
        and prev is not None
        and prev.intent in (Intent.SEARCH, Intent.SELECT)
        and policy_of_the_trip(text)
    ):
        # "…London to New York on Friday 18th? Premium economy would be lovely if it's
        # allowed - is it?": the trip beside it asked about, searched as asked.
        return False
    if requests.is_question_kind(u.intent):
        return asks.is_question(text) or requests.asks(text)
    if prev is not None and prev.intent == u.intent and requests.elliptic(u.intent):
        # "Cancel London. Reason: project cancelled": the same action again only when it
        # names what it is for ("Then cancel the London trip too").
        return bool(_names_a_place(u) or u.booking_id or u.person or u.options)
    return True


def _read_after(prev: Understanding, u: Understanding, text: str) -> None:
    """A clause read with the one before it: a question after a question about a booked
    trip ("…, and when does it leave?", "what's the hotel called again?") asks about that
    trip too, unless it asks for something to be searched."""
    if (
        prev.intent == Intent.ASK_TRIP
        and (
            u.intent in {Intent.UNKNOWN, Intent.SEARCH}
            # "where is Ava's Paris request at? is it waiting on me?": that booking's step
            or (u.intent == Intent.APPROVALS and _IT.search(text) and not (u.person or u.places))
        )
        and u.dates.depart is None
        and asks.is_question(text)
        and not asks.is_request(text)
    ):
        u.intent = Intent.ASK_TRIP
        u.facets = asks.trip_facets(text)
        if not u.facets and prev.facets == {"status"}:
            u.facets = prev.facets
    if (
        prev.intent == u.intent == Intent.ASK_TRIP
        and u.facets
        and u.facets <= _OF_A_PART
        and prev.facets & _PART_FACETS
    ):
        # "which hotel am I at, and what's the confirmation number?": the reference of
        # the part of the trip just asked about.
        u.facets = u.facets | (prev.facets & _PART_FACETS)
    if prev.intent == u.intent == Intent.ASK_TRIP and not u.facets - _PART_FACETS:
        # "what did my flight home cost? And the one out?", "when do I land? and the
        # hotel?": a question naming only another part of the trip asks the same of it.
        u.facets = u.facets | (prev.facets - _PART_FACETS)


# A booking taken up by a pronoun ("is it waiting on me?").
_IT = re.compile(r"\b(?:it|that|this one)\b", re.IGNORECASE)


# Facets that belong to one part of a trip (its reference): asked after a question about a
# part, of that part.
_OF_A_PART = frozenset({"locator"})

# Facets that name a part of a trip (the flight home, the hotel), not what is asked of it.
_PART_FACETS = frozenset({"return", "hotel", "flight"})


def _same_verb(prev: Understanding, u: Understanding) -> None:
    """A clause with no verb of its own after an action ("cancel the london trip, and
    after that the paris one"): the same action, on what it names."""
    if not requests.elliptic(prev.intent) or u.intent not in {Intent.UNKNOWN, Intent.SEARCH}:
        return
    if u.dates.depart or u.dates.ret or u.flight_asked or u.want_hotel or u.want_flight:
        return  # a trip asked for ("and then a flight to Boston on the 16th")
    if not (_names_a_place(u) or u.booking_id or u.person or u.options):
        return
    u.intent = prev.intent
    u.decision = u.decision or prev.decision


def _names_a_place(u: Understanding) -> bool:
    return bool(u.places or u.origin or u.destination or u.legs)


def _carry_places(before: Understanding, u: Understanding) -> None:
    """A clause that names no place is about the places the one before it named: "the
    hotel cap there", "premium economy on that route", "what's the max per night?" after
    a hotel search, "when do I fly back?" after a question about the London trip."""
    if _names_a_place(u) or not _names_a_place(before):
        return
    if not (
        requests.refers_back(u.text)
        or requests.conditional(u.text)
        or u.intent in {Intent.POLICY, Intent.ASK_TRIP}
    ):
        return
    if before.intent == u.intent == Intent.ASK_TRIP:
        # "what time do I leave JFK and what's the hotel's check-out time?": the trip the
        # first question found (flows.trips follows it), not one at the airport it named
        return
    if before.intent in _REPLACED_BY_INSTEAD and u.intent == Intent.SEARCH:
        return  # the trip taken away: its route, read once it is found (_instead_of_booking)
    if u.intent in _ROUTE_ASKED:
        # "premium economy on that route": the route itself, each end in its role.
        u.places = list(before.places)
        u.origin, u.destination = before.origin, before.destination
    else:
        # "when do I fly back?" after "my flight out to London": the place, not its role.
        u.places = [replace(m, role=None) for m in before.places]


_NEGATED = re.compile(r"\bnot\b|n't\b|\b(?:otherwise|failing that|else|a no)\b", re.I)


def _carry_cabin(before: Understanding, u: Understanding) -> None:
    """ "is premium economy ok for Chicago to Madrid? if yes show me flights on the 15th":
    the cabin asked about is the one searched when the answer is yes ("if not, ..." asks
    for the flights without it)."""
    if u.cabin or not before.cabin or u.intent != Intent.SEARCH:
        return
    if requests.conditional(u.text) and not _NEGATED.search(requests.head(u.text)):
        u.cabin = before.cabin


def _part_of(step: Step) -> int:
    m = _PART_ID.search(step.id)
    return int(m.group(1)) if m else 0


def _tagged(calls: Sequence[Call], k: int, say: str = "") -> list[Call]:
    out = []
    for n, call in enumerate(calls):
        tag = f"r{k}" + (f"_{call.tag}" if call.tag else "")
        out.append(replace(call, tag=tag, say=say if n == 0 and say else call.say))
    return out


def _after_that(waiting: list[str]) -> str:
    if not waiting:
        return ""
    asked = "; then ".join(f"“{w.rstrip(' .!')}”" for w in waiting)
    return f"After that I'll go on with {asked}."


def run(
    state: State,
    parts: list[Request],
    steps: list[Step],
    index: int,
    ai_messages: int,
    ctx: Context,
    apply: Callable[[State, Understanding], None],
    effective: Callable[[State, Understanding], str | None],
    *,
    month_first: bool = True,
) -> tuple[Decision, Turn, list[str]]:
    """The next calls, or the one reply, for a message of several requests, and the
    requests that wait for the yes or no of the question those calls ask.

    ``apply`` merges a request's words into the state (``state.apply_user``), ``effective``
    gives the intent a follow-up reads with."""
    mine: dict[int, list[Step]] = {k: [] for k in range(len(parts))}
    for step in steps:
        mine.setdefault(min(_part_of(step), len(parts) - 1), []).append(step)
    position = {id(s): i for i, s in enumerate(steps)}
    # What was said already: the answers given with the last confirmation asked.
    asked_at = max((i for i, s in enumerate(steps) if s.name in _GATED), default=-1)
    said: list[str] = []
    offer: Offer | None = None
    waiting: tuple[int, list[Call]] | None = None
    queued: list[str] = []
    last = Turn(parts[-1].understanding, mine[len(parts) - 1], index, ai_messages)
    called: list[Step | Call] = []
    for k, part in enumerate(parts):
        u = part.understanding
        if k:
            state.offer = None  # the previous reply's offer is for the first request only
            _instead_of_booking(state, parts[k - 1], part, called, ctx.now, month_first)
            _stay_of_change(state, parts[k - 1], part, ctx.now, month_first)
            u = part.understanding
        prior = {
            "flights": state.flight_args,
            "returns": state.return_args,
            "hotels": state.hotel_args,
        }
        apply(state, u)
        for step in mine[k]:
            if step.done:
                apply_result(state, step)
        turn = Turn(u, mine[k], index, ai_messages, prior)
        decision = decide(state, turn, ctx)
        state.last_intent = effective(state, u)
        called = [*mine[k], *([] if isinstance(decision, Reply) else decision)]
        if isinstance(decision, Reply):
            ran = [position[id(s)] for s in mine[k]]
            if (max(ran) if ran else -1) >= asked_at:
                _say_once(said, decision.text)
            offer = decision.offer or offer
            last = turn
            continue
        if waiting is not None and any(c.name not in _READS for c in decision):
            queued.append(part.text)  # changes something: after the earlier one's yes or no
            continue
        if any(c.name in _GATED for c in decision):
            waiting = (k, list(decision))
            continue
        return _tagged(decision, k), turn, []
    if waiting is not None:
        k, calls = waiting
        say = "\n\n".join(t for t in [*said, _after_that(queued)] if t)
        turn = Turn(parts[k].understanding, mine[k], index, ai_messages)
        return _tagged(calls, k, say), turn, queued
    return Reply("\n\n".join(t for t in said if t), offer), last, []


def waiting_after(messages: Sequence[BaseMessage]) -> list[str]:
    """The requests that waited for the question a turn ended on, when the traveller's next
    message answered it with more than a yes or no ("no, keep paris"): the turn's last
    question, declined, carries them."""
    if not messages or not isinstance(messages[-1], ToolMessage):
        return []
    for message in reversed(messages):
        if isinstance(message, AIMessage) and message.tool_calls:
            said = (message.additional_kwargs or {}).get(WAITING_KEY)
            return [str(t) for t in said] if isinstance(said, list) else []
    return []


def _instead_of_booking(
    state: State,
    before: Request,
    part: Request,
    before_calls: Sequence[Step | Call],
    now: datetime,
    month_first: bool,
) -> None:
    """A search naming no place, after a request about a booked trip ("cancel my paris
    trip and look at the 10th instead"), is a new search on that trip's route (not a
    change of the trip the first request takes away)."""
    u = part.understanding
    rest = requests.replacing(part.text)
    if (
        u.intent != Intent.SEARCH
        or _names_a_place(u)
        or before.understanding.intent not in _REPLACED_BY_INSTEAD
        or rest is None
    ):
        return
    booking_id = next(
        (str(s.args["booking_id"]) for s in reversed(before_calls) if s.args.get("booking_id")),
        state.current_booking,
    )
    if not booking_id:
        return
    flight = next((p for p in lookup.booking_parts(state, booking_id) if p.kind == "flight"), None)
    if flight is None or not flight.origin or not flight.destination:
        return
    origin, destination = (_city(flight.origin), _city(flight.destination))
    said = f"{rest.rstrip(' ?.!')} from {origin} to {destination}"
    part.understanding = understand(said, now, month_first=month_first)


def _stay_of_change(
    state: State, before: Request, part: Request, now: datetime, month_first: bool
) -> None:
    """Hotel nights naming no place, after a booked flight's change ("move my flight home
    to Sun 20 Dec + hotel nights 18th and 19th"): a stay in the city of that trip — where
    the flight leaves from when the nights come before its new day, else where it lands."""
    u = part.understanding
    shown = state.shown.get("changes")
    if (
        before.understanding.intent != Intent.CHANGE
        or u.intent != Intent.SEARCH
        or not u.want_hotel
        or u.want_flight
        or _names_a_place(u)
        or shown is None
        or not shown.items
    ):
        return
    first = shown.items[0]
    day = render.day_of(first.get("depart"))
    check_in = u.dates.depart
    code = (
        first.get("origin")
        if day is not None and check_in is not None and check_in < day
        else first.get("destination")
    )
    if not code:
        return
    said = f"{part.text.rstrip(' ?.!')} in {_city(str(code))}"
    part.understanding = understand(said, now, month_first=month_first)


def _city(code: str) -> str:
    """An airport's city, as a traveller names it ("BOS" → "Boston")."""
    place = lookup_place(code, fuzzy=False)
    return place.city if place is not None and place.city else code
