"""The conversation as the planner sees it, built from the messages.

There is no hidden memory: the state travels on each final reply (``snapshot.py``)
and what came after it is read from the checkpointed history
(``ModelRequest.history``: tool results in full, never the digests a language model
is shown) — what the user asked (merged into a trip *draft*), what the tools
answered (the last options shown, bookings, trips, approvals) — and the current
turn: the last user message and the tool calls made since. A thread without a
snapshot is read from its first message. A tool's result is read through that
tool's own output model (``Step.typed``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Final, TypeVar

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, ValidationError

from concierge.planner.nlu import asks, colleague_trip, picks, purposes
from concierge.planner.nlu.dates import DateReading, end_from
from concierge.planner.nlu.intents import (
    Intent,
    PriceCap,
    Understanding,
    asks_about_hotels,
    bookable_person,
    hotel_only_said,
    listed_status,
)
from concierge.planner.nlu.legs import LegReading
from concierge.planner.nlu.people import colleague, companions
from concierge.planner.nlu.places import PlaceMention, said_back_to
from core.catalogue.places import lookup_place
from tools.registry import TOOLS

M = TypeVar("M", bound=BaseModel)


@dataclass
class Leg:
    """A further flight of a multi-city trip (the first is the draft's own outbound)."""

    origin: str
    destination: str
    day: date
    origin_city: str | None = None
    destination_city: str | None = None


@dataclass
class Stay:
    """A further hotel stay of a trip with hotels in several cities (the first is the
    draft's own)."""

    city: str
    check_in: date
    check_out: date


#: The offer of "Which day do you fly back?": the day said next is the way back's.
RETURN_DAY = "return_day"


@dataclass(frozen=True)
class PolicyCap:
    """The travel policy's nightly hotel cap in one city (its rules' own figures)."""

    city: str
    nightly_minor: int
    currency: str


@dataclass
class Draft:
    """The trip being planned, slot by slot."""

    origin: str | None = None  # as passed to the tools (a city name or a code)
    origin_city: str | None = None
    # "austin to chicago": where the trip was said to start, a city we don't serve — told
    # so, never replaced by the home airport; the next place said alone starts the trip
    # ("sorry, I meant Boston (not Austin)").
    origin_unserved: str | None = None
    destination: str | None = None
    destination_city: str | None = None
    depart: date | None = None
    ret: date | None = None
    nights: int | None = None
    cabin: str = "economy"
    passengers: int = 1
    rooms: int | None = None
    max_stops: int = 1
    depart_after: str | None = None
    depart_before: str | None = None
    # "land before 2pm": the latest local arrival of the flight out (the tool filters only
    # departures, so the options landing later are left out of what is shown).
    arrive_before: str | None = None
    # ... on this day, when it is not the day of the flight (no flight of the event's day
    # lands in time: the day before's are searched, flows.search._day_before_in_time)
    arrive_day: date | None = None
    return_after: str | None = None
    return_before: str | None = None
    sort: str = "price"
    want_flight: bool = True
    want_hotel: bool = False
    one_way: bool = False
    round_trip: bool = False  # search the flight home too
    # ... shown in case it's wanted, but not asked for: "a flight and a hotel, Dec 21–23"
    # (the stay ends when one flies home, most likely); holding without it is fine.
    return_optional: bool = False
    started: bool = False  # the user asked for a trip at some point
    price_cap: PriceCap | None = None
    # An airline wished for with the request ("I'd like to stick to American if I can"):
    # a pick "of those" after it is among that airline's options (flows.booking.select).
    airline: str | None = None
    # Airlines asked for alone ("delta only") or ruled out ("anything but Spirit"), as
    # carrier codes: passed to every flight search of the trip (search_flights airlines /
    # exclude_airlines), so the flights of other airlines (or of those) are not listed.
    airlines_only: tuple[str, ...] = ()
    airlines_not: tuple[str, ...] = ()
    limit: int = 5  # options listed per search; "show me more": ten
    within_policy: bool = False  # "under the policy limit": say which options are in policy
    # The policy's nightly hotel cap in a city, read from get_policy's rules when a hotel is
    # asked for "within the company limit": the hotel search's max_nightly there
    # (flows.search).
    policy_cap: PolicyCap | None = None
    flex: tuple[date, date] | None = None  # any day in this window: compare the days
    flex_weekdays: bool = False  # ... its Mondays to Fridays only ("any weekday works")
    legs: list[Leg] = field(default_factory=list)  # multi-city: the flights after the first
    stays: list[Stay] = field(default_factory=list)  # hotels in more cities: after the first
    # Either airport will do ("LHR or Gatwick to Dublin"): each searched, compared in one list.
    origin_choices: list[str] = field(default_factory=list)
    destination_choices: list[str] = field(default_factory=list)
    # The hotel's own first night and check-out, when the request dates it apart from the
    # flights ("flying on the 15th, a hotel from the 16th until the 19th").
    stay: tuple[date, date] | None = None
    # (the outbound's day, the day the flights shown for it land) when they land a day or
    # more later (an overnight flight): a stay dated by the trip starts when one lands.
    # Read only while the outbound's day is still the first (a new day forgets it).
    landed: tuple[date, date] | None = None
    # Someone else the trip is for, as named ("book Ava on a flight"): the hold is theirs
    # if the profile lets the caller book for them (flows.booking), else a clear no.
    traveller: str | None = None
    # Colleagues flying too ("book me and Erin"), by the profile's names: named as
    # passengers of the hold with the traveller (flows.booking).
    companions: list[str] = field(default_factory=list)
    # Guests flying too, named in full with the request ("for me plus Tom Reed"): their
    # seats are held in those names (flows.passengers), as given, then family name.
    guests: list[str] = field(default_factory=list)
    # The caller flies too on the trip planned for someone else ("put me on it too"): a
    # seat in their name beside the traveller's (flows.passengers).
    with_self: bool = False
    # The booking this trip's flights were confirmed as, in this conversation: asking
    # for another flight of the same trip now ("move it to Friday", "an earlier one that
    # day") changes that booking (flows.changes.booked_in_thread), never books a second.
    # A new trip (a fresh draft) forgets it.
    booked: str | None = None
    # The flight home said to go home ("and the flight home on the 19th?") when the trip
    # left from the traveller's home airport: the return added to the outbound on hold
    # flies back there (any other way back, "the return", "get back", to the city left).
    back_home: str | None = None
    # What the trip is for, said with the request ("…, it's for a client mtg"): sent with
    # its hold's confirmation (confirm_booking's purpose), so the approver sees it.
    purpose: str | None = None

    @property
    def check_out(self) -> date | None:
        if self.ret is not None:
            return self.ret
        if self.depart is not None and self.nights:
            return self.depart + timedelta(days=self.nights)
        return None

    @property
    def hotel_dates(self) -> tuple[date | None, date | None]:
        """(check-in, check-out): the stay's own dates, else the trip's."""
        if self.stay is not None:
            return self.stay
        if self.landed is not None and self.landed[0] == self.depart:
            landing = self.landed[1]
            out = self.ret if self.ret is not None else landing + timedelta(days=self.nights or 0)
            if out > landing:
                return landing, out
        return self.depart, self.check_out

    @property
    def hotel_rooms(self) -> int:
        return self.rooms or self.passengers


@dataclass
class Step:
    """One tool call of the current turn and, once it ran, its outcome."""

    id: str
    name: str
    args: dict[str, Any]
    output: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    declined: bool = False
    done: bool = False

    def typed(self, model: type[M]) -> M | None:
        """The result read through its tool's output model (``tools/*.py``); None when the
        call failed, was declined, or answered in another shape."""
        return typed(model, self.output)


def typed(model: type[M], data: dict[str, Any] | None) -> M | None:
    """``data`` (a tool's JSON output) as ``model``, or None if it is not one."""
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


@dataclass
class Shown:
    """The numbered list the user last saw: what "option 2" refers to."""

    kind: str  # flights | returns | hotels | suggestions | changes | trips | approvals
    items: list[dict[str, Any]]
    booking_id: str | None = None  # suggestions / changes: the booking being rebooked
    segment_id: str | None = None
    # Flights: the options of the same trip (route, day, cabin, seats) shown before this
    # list narrowed it ("anything in the afternoon?"), not in it: "the 6:20 one then" may
    # name one of them. Never what a number or "the cheapest" points at.
    earlier: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Offer:
    """What the last reply proposed, so a bare "yes" or "no" has a meaning."""

    kind: str  # reserve | cancel | confirm | rebook
    args: dict[str, Any]


# What ``State.last_shown`` names when options were listed.
OPTION_LISTS = ("flights", "returns", "hotels")


@dataclass
class State:
    draft: Draft = field(default_factory=Draft)
    flights: dict[str, Any] | None = None  # last search_flights output (outbound)
    returns: dict[str, Any] | None = None
    hotels: dict[str, Any] | None = None
    flight_args: dict[str, Any] | None = None
    return_args: dict[str, Any] | None = None
    hotel_args: dict[str, Any] | None = None
    shown: dict[str, Shown] = field(default_factory=dict)
    last_shown: str | None = None
    bookings: dict[str, dict[str, Any]] = field(default_factory=dict)
    current_booking: str | None = None
    trips: list[dict[str, Any]] | None = None
    approvals: list[dict[str, Any]] | None = None
    profile: dict[str, Any] | None = None  # get_traveler_profile output
    offer: Offer | None = None
    last_intent: str | None = None  # the previous turn's intent (follow-up questions)
    policy_route: dict[str, Any] | None = None  # the last get_policy's destination/origin
    # The city the last policy question named, and whether it asked about hotels ("what's
    # the cap in Paris?"): "fine, find me one under that" next is a hotel there.
    policy_city: PlaceMention | None = None
    # the other end of a route a policy question named ("what cabin on Chicago to Madrid?")
    policy_origin: PlaceMention | None = None
    policy_hotel: bool = False
    # The cabin the last policy question asked about, kept while the policy allows it on the
    # route asked about ("am I allowed business to London?" → yes → "find me one on the
    # 10th then" is in business).
    policy_cabin: str | None = None
    picked: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> option last held
    held_from: dict[str, list[str]] = field(default_factory=dict)  # booking -> lists it came from
    decided: str | None = None  # the booking of the approval last decided in this conversation
    flex_days: dict[str, dict[str, Any]] = field(default_factory=dict)  # date -> that day's search
    flex_batch: str = ""  # which turn's day-by-day searches flex_days holds
    either_found: dict[str, dict[str, Any]] = field(default_factory=dict)  # route -> its search
    either_batch: str = ""  # which turn's airport-by-airport searches either_found holds
    used_up: set[str] = field(default_factory=set)  # lists a booking took, cleared next message
    # The hold whose confirmation the traveller answered with a change ("yes, but the later
    # flight", "make it two seats"): the next hold of this trip replaces it.
    changing: str | None = None
    # The approval whose rejection the approver answered, at its confirmation, with
    # something other than yes or no ("decline it", then "too pricey, she can fly out
    # friday instead"): that message is the reason, the rejection's note.
    rejecting: str | None = None
    # The confirmation (a cancellation, an approval decision, a rebooking) the traveller
    # answered with a question ("wait, do I get my money back?"): its call, {name, args},
    # for the answer to ask it again.
    declined: dict[str, Any] | None = None
    # The numeric date order the traveller showed ("28/12" → day first), which reads
    # their later dates ("09/12") before their home's habit does.
    month_first: bool | None = None
    # The flights the last seat wish was for (segment ids), chosen, refused or declined:
    # the next wish that names no flight ("no thanks — just any free window seat") is for
    # them too.
    seat_segments: list[str] = field(default_factory=list)
    # The flight (segment id) of ``current_booking`` the last question about a trip was
    # answered about ("what time's my flight home?"): the one "that same flight" names next.
    asked_flight: str | None = None
    # The days (first, last; ISO) one's own trips were asked for ("what have I got booked
    # the week of the 14th?"): the trips listed are those, what "the flight" names next.
    trips_days: list[str] | None = None
    trips_status: str | None = None  # "which of my trips are confirmed?": only those listed

    def only_options_shown(self) -> bool:
        """Options were listed and nothing is held or booked in this conversation: a "no"
        or "cancel that" now gives up a plan, not a booking."""
        return self.current_booking is None and self.last_shown in OPTION_LISTS


@dataclass
class Turn:
    """The last user message and what happened since."""

    understanding: Understanding | None
    steps: list[Step]
    index: int  # 1-based number of the user message
    ai_messages: int  # assistant messages since the user message
    prior: dict[str, Any] = field(default_factory=dict)  # search args before this turn

    def calls(self, name: str) -> list[Step]:
        return [s for s in self.steps if s.name == name]

    def last(self, name: str) -> Step | None:
        found = self.calls(name)
        return found[-1] if found else None


def parse_content(
    message: ToolMessage,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool]:
    """(output, error, declined) of a tool message."""
    raw = message.content if isinstance(message.content, str) else json.dumps(message.content)
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        data = {"text": raw}
    if not isinstance(data, dict):
        data = {"items": data}
    if data.get("declined"):
        return None, None, True
    error = data.get("error")
    if isinstance(error, dict):
        return None, error, False
    if getattr(message, "status", None) == "error":
        return None, {"code": "ERROR", "message": str(data.get("message") or raw)}, False
    return data, None, False


def text_of(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content]
    return " ".join(parts)


def bookable_names(profile: dict[str, Any]) -> list[str]:
    """The names of the people the caller may book for, when the profile lists them."""
    people = profile.get("can_book_for") or []
    return [str(p.get("name")) for p in people if isinstance(p, dict) and p.get("name")]


def unbookable_names(profile: dict[str, Any]) -> list[str]:
    """People the profile names whom the caller may not book for: their manager (the
    profile tool's). Named flying along with the speaker ("for me and my manager Mia"),
    they are companions, whose seat the hold then refuses (``flows.passengers``) — never
    a guest's seat with a first name to ask for."""
    manager = profile.get("manager")
    name = manager.get("name") if isinstance(manager, dict) else manager
    if not isinstance(name, str) or not name or name in bookable_names(profile):
        return []
    return [name]


def _in_month(day: date, month: int) -> date | None:
    """``day``'s day of the month in ``month``, the occurrence nearest to ``day``."""
    found = []
    for year in (day.year - 1, day.year, day.year + 1):
        try:
            found.append(date(year, month, day.day))
        except ValueError:
            continue
    return min(found, key=lambda d: abs((d - day).days)) if found else None


# Someone the caller manages, named by that alone ("my report", "my direct report").
_MY_REPORT = re.compile(r"\b(?:my|our) (?:direct )?report\b(?!s)", re.IGNORECASE)


def _person_meant(state: State, people: Sequence[str]) -> str | None:
    """Whom "her" or "him" in a request means: the traveller of the trip being planned,
    else the one traveller of the approval requests last listed, when the caller may
    book for them (their first name, as ``bookable_person`` gives it)."""
    if state.draft.traveller:
        return state.draft.traveller
    named = {str(a.get("traveler") or "").split(" ")[0] for a in state.approvals or []}
    named.discard("")
    if len(named) != 1:
        return None
    (first,) = named
    return first if any(p.split(" ")[0].lower() == first.lower() for p in people) else None


def _trip_person_meant(state: State, people: Sequence[str]) -> str | None:
    """Whom "she" or "he" in a question about a booked trip means: the one traveller the
    conversation last named among those the caller may book for — of the trip being
    planned, of the trips or approval requests listed, of the booking looked at — else
    the caller's one report (their name, as ``people`` gives it)."""

    def ours(names: Iterable[Any]) -> list[str]:
        firsts = {str(n or "").split(" ")[0].lower() for n in names} - {""}
        return [p for p in people if p.split(" ")[0].lower() in firsts]

    booking = state.bookings.get(state.current_booking or "") or {}
    for found in (
        ours([state.draft.traveller]),
        ours(t.get("traveler") for t in state.trips or []),
        ours(a.get("traveler") for a in state.approvals or []),
        ours([booking.get("traveler")]),
        list(people),
    ):
        if len(found) == 1:
            return found[0]
    return None


def _round_trip_shown(state: State) -> bool:
    """A round trip's lists are on screen, out and back, none of them booked yet."""
    return all(
        state.shown.get(k) is not None and state.shown[k].items for k in ("flights", "returns")
    )


def _day_shown(state: State, u: Understanding) -> str | None:
    """The list ("flight" | "return") whose day a request naming an option gives, and
    nothing else of a trip ("the united one on the 11th", "the delta one on friday" with
    Fri 11 Dec shown): None when the day is no list's shown, or the request says more."""
    d = u.dates
    if (
        u.intent != Intent.SEARCH
        or d.depart is None
        or d.ret is not None
        or len(d.mentions) != 1
        or not any(r.carrier or r.clock or r.index is not None or r.window for r in u.options)
        or u.places
        or u.cabin
        or u.passengers
        or u.passenger_delta
        or d.flexible
        or d.question
        or u.shift_days
        or asks.is_question(u.text)
    ):
        return None
    weekday = not re.search(r"\d", d.mentions[0].text)  # "on friday": that weekday shown
    found = []
    for kind, args, listed in (
        ("flight", state.flight_args, "flights"),
        ("return", state.return_args, "returns"),
    ):
        shown = state.shown.get(listed)
        if not args or shown is None or not shown.items:
            continue
        try:
            day = date.fromisoformat(str(args.get("date")))
        except ValueError:
            continue
        if day == d.depart or (
            weekday and day.weekday() == d.depart.weekday() and 0 <= (day - d.depart).days < 14
        ):
            found.append(kind)
    return found[0] if len(found) == 1 else None


# What a hold answered this turn may have become by the time its purpose is read: still
# held, sent for approval or booked on the yes before it.
_PURPOSE_OF = frozenset({"held", "pending_approval", "confirmed"})


def apply_user(
    state: State,
    u: Understanding,
    home: str | None,
    people: Sequence[str] = (),
    others: Sequence[str] = (),
) -> None:
    """Merge what a message says about the trip into the draft (``people``: whom the caller
    may book for, by name; a request naming one of them, in any words, is theirs;
    ``others``: people the profile names whom the caller may not book for, who fly along
    only as companions the hold refuses — ``unbookable_names``)."""
    held = state.bookings.get(state.changing or "")
    if u.purpose_said and held is not None and held.get("status") in _PURPOSE_OF:
        # "it's for a customer visit at Initech" at a hold's confirmation (or after the yes
        # that answered it, "yes — it's for the Q1 offsite"): what the trip on hold is for
        # (flows.dispatch records it), never a trip asked for.
        u.intent = Intent.UNKNOWN
        return
    if u.intent in {Intent.SEARCH, Intent.SELECT, Intent.UNKNOWN}:
        u.companions = companions(u.text, people, [(p.start, p.end) for p in u.places], others)
        # "add Ava on that too, she's coming with me": a colleague named joining the
        # speaker flies along, as one the caller may book for (a guest's name is no one's)
        joining = (colleague(name, people) for name in u.party)
        u.companions += [c for c in joining if c and c not in u.companions]
        if u.book_for is not None and any(
            c.split()[0].lower() == u.book_for.lower() for c in u.companions
        ):
            u.book_for = None  # "me and Erin": Erin flies along, the trip is the speaker's
    if u.intent in {Intent.SEARCH, Intent.SELECT, Intent.UNKNOWN} and u.listed and not u.companions:
        # "book Mia Chen and Ava Patel on the same flight": colleagues the caller may book
        # for, flying together — one hold, the first its traveller, the others named on it.
        found = [colleague(name, people) for name in u.listed]
        if all(found) and len(set(found)) == len(found):
            u.book_for = str(found[0]).split()[0]
            u.companions = [str(name) for name in found[1:]]
    if (
        u.intent in {Intent.SEARCH, Intent.SELECT, Intent.UNKNOWN}
        and u.book_for is None
        and not u.for_self
        and not u.companions
    ):
        u.book_for = bookable_person(u, people)
        if u.book_for is None and u.for_them:
            u.book_for = _person_meant(state, people)
        if u.book_for is None and len(people) == 1 and _MY_REPORT.search(u.text):
            # "get my report a hotel in London": the one person the caller may book for
            u.book_for = people[0].split(" ")[0]
        elif u.book_for is None and len(people) > 1 and _MY_REPORT.search(u.text):
            u.which_report = list(people)  # several: the search flow asks which of them
    if u.trip_of is not None and colleague_trip.is_pronoun(u.trip_of.who):
        # "put me on her flight": the trip of whom the conversation last named
        meant = _trip_person_meant(state, people)
        u.trip_of = replace(u.trip_of, who=meant.split()[0]) if meant else None
    if u.whose and u.whose.lower() in asks.tables().someone_pronouns:
        # "where's she staying in paris?": the trip of whom the conversation last named
        u.whose = _trip_person_meant(state, people) or u.whose
    state.trips_days = _trips_days(u) if u.intent == Intent.TRIPS else None
    state.trips_status = (
        listed_status(u.text) if u.intent == Intent.TRIPS and not (u.whose or u.team) else None
    )
    # Lists a booking took are done with once the traveller writes again: what is shown
    # next (a hotel for the same trip, say) is what "the cheapest" or "option 2" means.
    for kind in state.used_up:
        state.shown.pop(kind, None)
        if state.last_shown == kind:
            state.last_shown = next(iter(state.shown), None)
    state.used_up.clear()
    if u.intent == Intent.CANCEL and u.one_way and _round_trip_shown(state):
        # "Scrap the return please, one-way is fine" with a round trip's two lists shown
        # and nothing held from them: the return dropped from the trip, nothing cancelled.
        u.intent = Intent.SEARCH
    shown_day = _day_shown(state, u)
    if shown_day is not None:
        # "ok the united one on the 11th", "the delta one on friday" after that day's list:
        # an option of the list shown, named with its day, not that day searched again.
        u.intent, u.dates = Intent.SELECT, DateReading()
        u.options = [r if r.kind else replace(r, kind=shown_day) for r in u.options]
    if u.intent == Intent.SELECT and u.dates.depart is not None and picks.bare(u.text):
        # "1st", "the 2nd": an ordinal alone is an option when options are on the table
        # (never the 1st of the month), and a day of the month when none are.
        if any(shown.items for shown in state.shown.values()):
            u.dates = DateReading()
        else:
            u.intent, u.options = Intent.SEARCH, []
    if u.intent in {Intent.SEARCH, Intent.SELECT, Intent.UNKNOWN, Intent.YES}:
        if u.book_for:
            state.draft.traveller = u.book_for
        elif u.for_self:
            state.draft.traveller = None
    if u.intent == Intent.YES and state.offer is not None and state.offer.kind == "hotel":
        _hotel_draft(state, state.offer.args)
        return
    if u.intent == Intent.POLICY:
        route = (
            u.destination is not None
            and u.destination.place is not None
            and u.origin is not None
            and u.origin.place is not None
        )
        state.policy_city = (
            u.destination if route else next((m for m in u.places if m.place is not None), None)
        )
        state.policy_origin = u.origin if route else None
        state.policy_hotel = bool(state.policy_city and asks_about_hotels(u.text))
        state.policy_cabin = u.cabin
    if u.intent not in {Intent.SEARCH, Intent.SELECT, Intent.UNKNOWN}:
        return
    if u.intent == Intent.SEARCH and state.last_intent == Intent.POLICY and u.dates.depart is None:
        return  # a policy follow-up ("and business to Boston?"), not a trip
    if (
        u.intent == Intent.SEARCH
        and state.last_intent == Intent.POLICY
        and state.policy_city is not None
        and (not u.places or (u.destination is None and u.places == [u.origin]))
    ):
        # "what's the hotel cap in Paris?" → "fine, find me one under that for the 14th to
        # the 16th", "ok get me a room there": the city asked about, and (a cap asked of
        # hotels) a hotel there; "get me one from JFK on the 12th": from there to it.
        u.destination = replace(state.policy_city, role="destination")
        u.places = [*u.places, u.destination]
        if state.policy_origin is not None and not state.policy_hotel and u.origin is None:
            # "ok premium economy then, on the 14th" after the cabin on Chicago to Madrid
            u.origin = replace(state.policy_origin, role="origin")
            u.places = [u.origin, u.destination]
        if state.policy_hotel and u.want_flight is None and not u.flight_asked:
            u.want_hotel, u.want_flight = True, False
    if (
        u.intent == Intent.SEARCH
        and state.last_intent == Intent.POLICY
        and state.policy_cabin is not None
        and u.cabin is None
        and _same_city(state.policy_city, u.destination)
    ):
        # "great, find me one JFK to London on the 10th then" after "am I allowed business
        # class to London?" answered yes: the cabin asked about.
        u.cabin = state.policy_cabin
    if (
        state.offer is not None
        and state.offer.kind == RETURN_DAY
        and u.dates.depart is not None
        and u.dates.ret is None
        and not (u.places or u.legs)
    ):
        # "Which day do you fly back?" — "the 17th": the way back's day.
        u.dates = replace(u.dates, depart=None, ret=u.dates.depart, explicit_return=True)
    d = state.draft
    _home_first(u, home, d.origin_city)
    _home_as_destination(u, home)
    if u.homeward is not None and u.dates.ret is not None and home and state.draft.origin == home:
        state.draft.back_home = home
    dates = _way_back_day(d, u)
    if _way_back_with_stay(state, u, dates):
        # "coming back thu 17th, and I'll need a room in paris for the night" after the
        # way out's options: the flight home is asked with the night, not the room alone.
        u.want_flight = None
    stay = _hotel_beside_held_flight(state, u)
    if stay is not None:
        # "can you add a hotel too? 16th to the 18th" at a flight hold's confirmation: the
        # hotel alone, in the flight's city, for the nights said; the flight keeps its day
        # and its hold, which is not being changed (the hotel is held beside it).
        u.want_hotel, u.want_flight = True, False
        dates = replace(dates, depart=None, ret=None, nights=None, stay=stay)
        state.changing = None
    after_flight = _stay_after_flight(state, u)
    if after_flight and dates.depart is not None:
        # "til fri" read as a day to go: a stay can't start before the flight lands, so a
        # day before the landing is the last one.
        dates = replace(dates, depart=None, ret=dates.depart)
    if after_flight:
        # "I'll also need a hotel there for 3 nights", "somewhere to stay until Friday",
        # after "Also need a hotel in London from Thu 17 Dec?": the stay starts when the
        # flight lands (the offer's check-in), and the message only says when it ends.
        assert state.offer is not None
        _hotel_draft(state, state.offer.args)
        d = state.draft
        assert d.depart is not None
        if dates.ret is not None:
            d.ret = end_from(dates, d.depart)
        dates = replace(dates, depart=None, ret=None)
    new_trip = (
        u.destination is not None
        and u.destination.place is not None
        and dates.depart is not None
        and (
            d.destination_city is None
            or u.destination.place.city != d.destination_city
            or dates.depart != d.depart
        )
    )
    if new_trip or u.legs:
        # "and a flight back to Chicago on Friday" after Chicago → Atlanta: the way back
        # starts where the trip went (never from where it started, to the same place).
        back_from = (
            (d.destination, d.destination_city)
            if u.origin is None
            and not u.legs
            and u.destination is not None
            and u.destination.place is not None
            and d.destination_city
            and u.destination.place.city == d.origin_city != d.destination_city
            else None
        )
        # A fresh request: nothing from the last trip carries over but the traveller's habits,
        # and a hold awaiting its yes is no longer being changed (it stays as it is).
        d = state.draft = Draft()
        state.changing = None
        if back_from is not None:
            d.origin, d.origin_city = back_from
    with_request = purposes.said_with(u.text) if u.intent == Intent.SEARCH else None
    if with_request is not None:
        d.purpose = with_request
    gone = u.replaced_place.place if u.replaced_place is not None else None
    if (
        gone is not None
        and gone.city == d.origin_city
        and gone.city != d.destination_city
        and u.destination is not None
        and u.destination.role is None
        and u.origin is None
    ):
        # "Newark instead of JFK" when JFK is where the trip starts: the origin changes.
        u.origin, u.destination = u.destination, None
    if u.origin is not None and u.origin.place is None and u.origin.unserved:
        d.origin, d.origin_city, d.origin_unserved = None, None, u.origin.text
    lone = u.destination if u.origin is None and len(u.places) == 1 else None
    if (
        lone is not None
        and lone.role is None
        and lone.place is not None
        and d.destination is not None
        and d.origin is None
        and lone.place.city != d.destination_city
    ):
        # The answer to "Where will you be flying from?": a bare place is the origin.
        u.origin, u.destination = lone, None
    if (
        lone is not None
        and lone.role is None
        and lone.place is not None
        and d.origin is not None
        and lone.place.city == d.origin_city != d.destination_city
        and _tool_place(lone) != d.origin
    ):
        # "Newark" (after "wrong airport") when JFK is where the trip starts: another
        # airport of the origin's city, not the trip turned round.
        u.origin, u.destination = lone, None
    if u.origin is not None and u.origin.place is not None:
        d.origin, d.origin_city = _tool_place(u.origin), u.origin.place.city
        d.origin_unserved = None
    if u.destination is not None and u.destination.place is not None:
        if u.origin is None and d.origin_city == u.destination.place.city and d.destination_city:
            # "from Newark instead" sets the origin; "to Boston" when Boston was the
            # origin swaps the trip round.
            d.origin, d.origin_city = d.destination, d.destination_city
        d.destination, d.destination_city = _tool_place(u.destination), u.destination.place.city
    if (
        dates.corrected is not None
        and dates.depart is not None
        and dates.ret is None
        and d.ret == dates.corrected
        and d.depart != dates.corrected
    ):
        # "I meant the 14th, not the 12th" when the 12th is the way home: the return moves.
        dates = replace(dates, depart=None, ret=dates.depart)
    if (
        u.leaving
        and dates.depart is not None
        and dates.ret is None
        and not new_trip
        and d.want_hotel
        and not d.want_flight
        and not u.want_flight
        and d.depart is not None
        and dates.depart > d.depart
    ):
        # "wait, I'll be leaving on the 16th" at a stay with no flight: its check-out.
        dates = replace(dates, depart=None, ret=dates.depart)
    if dates.month_alone is not None and dates.depart is None and d.depart is not None:
        # "oops — January, not December": the same days in the month meant (the nearest).
        moved = _in_month(d.depart, dates.month_alone)
        if moved is not None:
            shift = moved - d.depart
            dates = replace(dates, depart=moved, ret=d.ret + shift if d.ret else None)
    if (
        dates.definite_weekday is not None
        and dates.depart is not None
        and not new_trip
        and d.depart is not None
        and u.destination is None
    ):
        # "actually make it the Friday" after Thursday the 10th: that week's Friday (unless
        # that one has passed: then the coming one, as read).
        week_day = d.depart + timedelta(days=dates.definite_weekday - d.depart.weekday())
        if week_day > dates.depart - timedelta(days=7):
            dates = replace(dates, depart=week_day)
    if (
        dates.return_weekday is not None
        and dates.depart is None
        and not new_trip
        and d.depart is not None
        and u.destination is None
    ):
        # "come back Thursday instead" after Mon 14 – Wed 16: that return's week's Thursday,
        # and never on or before the way out (then the first one after it).
        anchor = d.ret or d.depart
        week_day = anchor + timedelta(days=dates.return_weekday - anchor.weekday())
        if week_day <= d.depart:
            week_day = d.depart + timedelta(
                days=(dates.return_weekday - d.depart.weekday()) % 7 or 7
            )
        dates = replace(dates, ret=week_day)
    window = _flex_window(d, u)
    stay = _stay_in_window(window, u) if not dates.ret and not dates.nights else None
    if stay is not None:
        # "a hotel the week of the 14th": no day to compare for a stay, but the nights of
        # that week's working days (check-in on its first, out on its Friday).
        d.flex, window = None, None
        d.depart, d.ret, d.stay, d.nights = stay[0], stay[1], None, None
    if window is not None:
        # "sometime the week of the 14th", "cheapest day between the 14th and the 17th":
        # the window's ends are not a departure and a return.
        d.flex, d.flex_weekdays = window, u.dates.weekdays_only
        d.depart = window[0]
        if dates.ret == window[1] or (
            # "the 21st, 22nd or 23rd": the days named are the days compared
            dates.ret is not None
            and window[0] < dates.ret < window[1]
            and not dates.explicit_return
        ):
            dates = replace(dates, ret=None)
    elif dates.depart is not None:
        d.flex = None
    if dates.depart is not None and d.flex is None:
        d.depart = dates.depart
        if dates.ret is None and d.ret is not None and d.ret <= dates.depart:
            d.ret = None
    if dates.ret is not None:
        d.ret = dates.ret
        d.one_way = False
    if dates.nights and dates.stay is None:
        d.nights = dates.nights
        if dates.ret is None and d.depart is not None:
            d.ret = None
        elif (
            u.stay_between
            and dates.ret is not None
            and d.depart is not None
            and dates.ret - timedelta(days=d.nights) >= d.depart
        ):
            # "back on the 18th, and a hotel for the two nights in between": the nights
            # counted are the stay's, up to the flight home — not from the day the flight
            # there lands (Draft.landed), which an overnight flight puts a night later.
            dates = replace(dates, stay=(dates.ret - timedelta(days=d.nights), dates.ret))
        elif (
            dates.ret is not None
            and d.depart is not None
            and (dates.ret - d.depart).days != dates.nights
        ):
            if dates.explicit_return or u.round_trip:
                # "back on the 16th, and a hotel for 1 night": the flight home keeps its
                # day, the stay its own length.
                dates = replace(dates, stay=(d.depart, d.depart + timedelta(days=d.nights)))
            else:
                # "meetings on the 14th and 15th ... a hotel for two nights": the days
                # named are the days there, the night count is the stay (no flight home).
                d.ret = None
    if dates.stay is not None:
        d.stay = dates.stay
    elif dates.depart is not None and u.want_hotel and not u.want_flight:
        d.stay = None  # the stay dated anew, as the trip's own dates
    if u.shift_days and d.depart is not None and dates.depart is None:
        shift = timedelta(days=u.shift_days)
        d.depart += shift
        if d.ret is not None:
            d.ret += shift
        if d.stay is not None:
            d.stay = (d.stay[0] + shift, d.stay[1] + shift)
    d.limit = 10 if u.more_options else 5
    if u.price_cap:
        d.price_cap = u.price_cap
    if u.airline:
        d.airline = u.airline
    if u.airlines_only:
        d.airlines_only = u.airlines_only
        d.airlines_not = tuple(c for c in d.airlines_not if c not in u.airlines_only)
    if u.airlines_not:
        d.airlines_not = tuple(dict.fromkeys((*d.airlines_not, *u.airlines_not)))
        d.airlines_only = tuple(c for c in d.airlines_only if c not in u.airlines_not)
    if u.within_policy:
        d.within_policy = True
    if u.cabin:
        d.cabin = u.cabin
    if u.self_joins:
        # "put me on it too": the caller's seat beside the traveller's, once
        if d.traveller and not d.with_self:
            d.with_self = True
        elif u.passenger_delta == 1 and not u.passengers:
            u.passenger_delta = None  # their own trip, or on it already: no seat more
    if u.passengers and u.passengers <= 9:
        d.passengers = max(1, u.passengers)
    elif u.passenger_delta:
        d.passengers = max(1, min(d.passengers + u.passenger_delta, 9))
    if u.rooms:
        d.rooms = u.rooms
    if u.max_stops is not None:
        d.max_stops = u.max_stops
    if u.sort:
        d.sort = u.sort
    if u.clear_time:
        d.depart_after = d.depart_before = d.arrive_before = None
    if u.time_shift:
        _shift_time(state, u.time_shift)
        d.arrive_before = None
    if dates.depart_after or dates.depart_before:
        d.depart_after, d.depart_before = dates.depart_after, dates.depart_before
        d.arrive_before = dates.arrive_before
    if dates.return_after or dates.return_before:
        d.return_after, d.return_before = dates.return_after, dates.return_before
    if u.want_hotel is not None:
        d.want_hotel = u.want_hotel
    if u.want_flight is not None:
        d.want_flight = u.want_flight
    if u.no_hotel:
        d.want_hotel = False
    if u.one_way:
        d.one_way = True
        d.ret = None if not d.want_hotel else d.ret
    if dates.ret is not None or u.round_trip:
        # A date range with a hotel is the stay ("the 18–22 offsite, a flight and a
        # hotel"); without one, or with "returning"/"round trip", it is a flight home,
        # and so it is when the user asks for "flights" or names it a trip ("Atlanta
        # trip Jan 5–8: flights from LaGuardia + a hotel").
        asked = bool(
            u.round_trip
            or dates.explicit_return
            or (u.implied_return and dates.ret is not None and not dates.nights)
            or not d.want_hotel
        )
        if asked:
            d.round_trip, d.return_optional = True, False
        elif (
            not d.round_trip
            and d.want_flight
            and dates.ret is not None
            and not dates.nights
            and not d.one_way
        ):
            # "Need flight + hotel for Atlanta, Dec 21–23": the flight home on the stay's
            # last day is likely, so it is searched too, but held only if picked.
            d.round_trip = d.return_optional = True
    if u.has_trip_details or u.intent == Intent.SEARCH:
        d.started = True
    if u.book_for:
        d.traveller = u.book_for  # a fresh draft above: the new trip is still theirs
    if u.companions:
        d.companions = list(u.companions)
        d.passengers = max(d.passengers, 1 + len(u.companions))
    if u.party:
        # Named in full and no colleague: a guest ("Tom Reed"); a lone first name is a seat
        # whose name the concierge asks for before the booking — unless it is a guest named
        # in full before ("only me and Marco" after "Marco Rossi and Giulia Bianchi").
        colleagues = {c.split()[0].lower() for c in u.companions}
        known = {g.split()[0].lower(): g for g in d.guests}
        d.guests = [
            n if len(n.split()) >= 2 else known[n.lower()]
            for n in u.party
            if (len(n.split()) >= 2 or n.lower() in known)
            and n.split()[0].lower() not in colleagues
        ]
    if u.dropped:
        # "Fin can't make it": the one named is no longer on the trip's seats.
        out = {n.lower() for n in u.dropped if n}
        d.companions = [c for c in d.companions if c.split()[0].lower() not in out]
        d.guests = [g for g in d.guests if g.split()[0].lower() not in out]
    if u.legs and (home or not u.legs[0].from_home) and not _there_and_back(u.legs, home):
        # "JFK → London on the 14th, then London → Dublin on the 17th, ...": one flight per leg
        # ("London on the 14th, then ...": the first from home).
        first = u.legs[0]
        start = home if first.from_home and home else _tool_place(first.origin)
        d.origin, d.origin_city = start, None if first.from_home else _city(first.origin)
        d.destination, d.destination_city = _tool_place(first.destination), _city(first.destination)
        d.depart, d.ret, d.nights = first.day, None, None
        d.round_trip = d.one_way = False
        d.want_flight, d.want_hotel = True, bool(u.want_hotel)
        d.legs = [
            Leg(
                _tool_place(leg.origin),
                _tool_place(leg.destination) if not leg.to_home else home or start,
                leg.day,
                _city(leg.origin),
                _city(leg.destination) if not leg.to_home else (None if home else d.origin_city),
            )
            for leg in u.legs[1:]
        ]
    if u.origin_choices or u.destination_choices:
        d.origin_choices = list(u.origin_choices)
        d.destination_choices = list(u.destination_choices)
    elif u.origin is not None or u.destination is not None or u.legs:
        d.origin_choices, d.destination_choices = [], []
    if u.stays:
        # "Madrid 14–16 Dec, then Paris 16–18 Dec, a hotel in both": one search per city.
        d.stays = [Stay(s.city, s.check_in, s.check_out) for s in u.stays]
    if d.origin is None and home and d.destination is not None and d.origin_unserved is None:
        d.origin, d.origin_city = home, None


def _way_back_day(d: Draft, u: Understanding) -> DateReading:
    """The message's dates, its one day read as the way home's when it dates the way back
    of the trip in the draft: "and home the day after", "back two days later" (counted from
    the way out); "can the return be on the 12th instead?", "the 12th for the way back",
    "Return flight on the 18th" (the way home named); "and back to London on the 17th"
    after London → Paris (the route turned round, a return word said). The trip keeps its
    way out; only a day after it is the way home ("change the return to saturday": the
    first Saturday after the way out, as "come back Saturday")."""
    dates = u.dates
    if d.depart is None or not d.want_flight or u.legs or dates.ret is not None:
        return dates

    def city(m: PlaceMention | None) -> str | None:
        return m.place.city if m is not None and m.place is not None else None

    turned_round = (
        u.destination is not None
        and (dates.explicit_return or said_back_to(u.text, u.destination))
        and city(u.destination) == d.origin_city != d.destination_city
        and city(u.origin) in (None, d.destination_city)
    )
    if dates.return_days is not None and dates.depart is None:
        if turned_round or (u.origin is None and u.destination is None):
            u.origin = u.destination = None
            return replace(dates, ret=d.depart + timedelta(days=dates.return_days))
        return dates
    if dates.depart is None or len(dates.mentions) != 1 or dates.flexible is not None:
        return dates
    if not (dates.back_named and u.destination is None and u.origin is None) and not turned_round:
        return dates
    weekday = dates.mentions[0].weekday if dates.mentions[0].kind == "weekday" else None
    if weekday is None and dates.depart <= d.depart:
        return dates
    if turned_round:
        # the way back of the trip, not a new one from its end
        u.origin = u.destination = None
    if weekday is not None:
        return replace(dates, depart=None, definite_weekday=None, return_weekday=weekday)
    return replace(dates, depart=None, ret=dates.depart, explicit_return=True)


def _way_back_with_stay(state: State, u: Understanding, dates: DateReading) -> bool:
    """A way home said with a stay, right after the way out's options and nothing of the
    trip held yet: the flight home is asked too (never "just a room")."""
    d = state.draft
    return bool(
        u.want_flight is False
        and u.want_hotel
        and dates.explicit_return
        and dates.ret is not None
        and dates.depart is None
        and d.want_flight
        and d.depart is not None
        and d.ret is None
        and not d.legs
        and d.booked is None
        and "flights" in state.shown
        and not outbound_on_hold(state)
        and not hotel_only_said(u.text)
    )


def _there_and_back(legs: Sequence[LegReading], home: str | None) -> bool:
    """ "to chicago on the 9th and back to new york on the 11th", said by a New York
    traveller: two legs, the first from home and the second back to it, are a round trip
    (the legs reader cannot tell, as it does not know where home is)."""
    if len(legs) != 2 or not legs[0].from_home or not home:
        return False
    place = lookup_place(home, fuzzy=False)
    return place is not None and _city(legs[1].destination) == place.city


def _home_first(u: Understanding, home: str | None, origin_city: str | None) -> None:
    """ "flights between Paris and New York" from a New York traveller: a route named both
    ways goes out from home (else from where the trip being planned starts), then from
    the place named first."""
    a, b = u.origin, u.destination
    if not (a and b and a.between and b.between and a.place and b.place):
        return
    place = lookup_place(home, fuzzy=False) if home else None
    start = place.city if place is not None else origin_city
    if start is not None and b.place.city == start != a.place.city:
        u.origin = replace(b, role="origin")
        u.destination = replace(a, role="destination")


def _hotel_beside_held_flight(state: State, u: Understanding) -> tuple[date, date] | None:
    """The nights of a hotel asked for beside the flight on hold ("add a hotel too? 16th to
    the 18th", "and a room, the 15th for 2 nights") — no flight and no place said, a flight
    hold of this trip awaiting its yes — or None."""
    held = state.bookings.get(state.changing or "")
    d = state.draft
    if (
        held is None
        or held.get("status") != "held"
        or u.intent != Intent.SEARCH
        or not u.want_hotel
        or u.want_flight is False
        or u.flight_asked
        or u.places
        or u.legs
        or not d.want_flight
        or d.want_hotel
        or d.destination_city is None
    ):
        return None
    first = u.dates.depart
    if first is None:
        return None
    last = u.dates.ret or (first + timedelta(days=u.dates.nights) if u.dates.nights else None)
    return (first, last) if last is not None and last > first else None


def outbound_on_hold(state: State) -> bool:
    """The hold this conversation is answering took the flight out only and is still on
    hold: a flight home asked for now is added to it (searched alone, then held with it
    in its place)."""
    held = state.bookings.get(state.changing or "")
    return (
        held is not None
        and held.get("status") == "held"
        and state.held_from.get(state.changing or "") == ["flights"]
    )


def _home_as_destination(u: Understanding, home: str | None) -> None:
    """ "flights home from Paris on the 6th": with only where from named, the flight goes to
    the traveller's home airport."""
    if u.homeward is None or not home or u.destination is not None or u.legs:
        return
    if u.origin is None or u.origin.place is None:
        return
    place = lookup_place(home, fuzzy=False)
    if place is None or place.city == u.origin.place.city:
        return
    start, end = u.homeward
    u.destination = PlaceMention(start, end, "home", place, "destination")
    u.places = [*u.places, u.destination]


FLEX_DAYS = 7  # at most a week of days is compared


def _flex_window(d: Draft, u: Understanding) -> tuple[date, date] | None:
    """The days a message leaves open: the reader's window, or — "I'm flexible, any day
    that week" after a one-day search — the week (or the days around) the trip's date."""
    window = u.dates.flexible
    if window is None and u.dates.any_day and u.dates.depart is None and d.depart is not None:
        if re.search(r"\bweek\b", u.text.lower()):
            monday = d.depart - timedelta(days=d.depart.weekday())
            window = (monday, monday + timedelta(days=6))
        else:
            window = (d.depart - timedelta(days=3), d.depart + timedelta(days=3))
    if window is None:
        return None
    start, end = window
    if u.dates.weekdays_only:
        # "the week of the 14th, any weekday": from its first working day to its last
        while start < end and start.weekday() >= 5:
            start += timedelta(days=1)
        while end > start and end.weekday() >= 5:
            end -= timedelta(days=1)
    return start, min(end, start + timedelta(days=FLEX_DAYS - 1))


def _stay_in_window(window: tuple[date, date] | None, u: Understanding) -> tuple[date, date] | None:
    """A hotel alone asked for a week ("the week of the 14th", "sometime next week"): the
    stay of its working days, checking in on the window's first day and out on its Friday
    (its last day when the window starts on a Friday or later, or ends before one)."""
    if window is None or not u.want_hotel or u.want_flight:
        return None
    start, end = window
    friday = start + timedelta(days=4 - start.weekday())
    out = friday if start < friday <= end else end
    return (start, out) if out > start else None


def _stay_after_flight(state: State, u: Understanding) -> bool:
    """The message asks for the hotel a booked flight's offer proposed, naming no first night."""
    offer = state.offer
    if offer is None or offer.kind != "hotel" or u.intent != Intent.SEARCH:
        return False
    if not u.want_hotel or u.want_flight:
        return False
    landing = date.fromisoformat(str(offer.args.get("check_in")))
    if u.dates.depart is not None and (u.dates.depart >= landing or u.dates.ret is not None):
        return False  # "a hotel from the 17th to the 20th" names its own first night
    place = u.destination or (u.places[0] if len(u.places) == 1 else None)
    return place is None or place.place is None or place.place.city == offer.args.get("city")


def _hotel_draft(state: State, args: dict[str, Any]) -> None:
    """Yes to "Also need a hotel in London for 18–21 Dec?": that stay is the trip now."""
    d = state.draft
    city = str(args["city"])
    if d.destination_city != city:
        d.destination = city
    d.destination_city = city
    d.depart = date.fromisoformat(str(args["check_in"]))
    d.ret = date.fromisoformat(str(args["check_out"])) if args.get("check_out") else None
    d.nights, d.stay = None, None
    d.rooms = int(args.get("rooms") or 1)
    d.want_hotel, d.want_flight, d.round_trip = True, False, False
    d.started = True


def _shift_time(state: State, which: str) -> None:
    """ "earlier" / "later": move the window past the first departure shown."""
    d = state.draft
    shown = state.shown.get("flights")
    first = None
    if shown and shown.items:
        times = sorted(str(o.get("depart", ""))[11:16] for o in shown.items if o.get("depart"))
        first = (times[0], times[-1]) if times else None
    if which == "earlier":
        d.depart_after = None
        d.depart_before = first[0] if first else d.depart_after
        d.sort = "depart"
    else:
        d.depart_before = None
        d.depart_after = first[1] if first else "15:00"
        d.sort = "depart"


def _city(mention: PlaceMention) -> str | None:
    return mention.place.city if mention.place is not None else None


def _tool_place(mention: PlaceMention) -> str:
    place = mention.place
    assert place is not None
    # Metros by name, single airports by code: exactly what the user meant, and
    # spelled the way the tools resolve without guessing.
    return place.airports[0] if place.kind == "airport" else place.city


def apply_result(state: State, step: Step) -> None:
    """Fold one finished tool call into the state."""
    if step.name in {"choose_seats", "buy_seats"}:
        named = [str(a.get("segment_id")) for a in step.args.get("assignments") or []]
        state.seat_segments = list(dict.fromkeys(s for s in named if s != "None"))
    if step.output is None:
        return
    out = step.output
    name = step.name
    if name == "search_flights" and (step.id.endswith("_chg") or step.args.get("rebooking")):
        booking = state.bookings.get(state.current_booking or "") or {}
        segment = next(
            (
                seg.get("segment_id")
                for seg in booking.get("segments") or []
                if seg.get("kind") == "flight" and seg.get("origin") == step.args.get("origin")
            ),
            None,
        )
        state.shown["changes"] = Shown(
            "changes", list(out.get("options") or []), state.current_booking, segment
        )
        state.last_shown = "changes"
    elif name == "search_flights" and step.id.endswith("_flex"):
        _add_flex_day(state, step)
    elif name == "search_flights" and step.id.endswith("_either"):
        _add_either_airport(state, step)
    elif name == "search_flights" and re.search(r"_leg\d+$", step.id):
        kind = step.id.rsplit("_", 1)[-1]  # "leg2": a further leg of a multi-city trip
        _show(state, kind, out.get("options") or [])
    elif name == "search_flights":
        is_return = step.id.endswith("_ret") or step.args.get("leg") == "return"
        key = "returns" if is_return else "flights"
        if step.id.endswith("_early"):
            # none of the event day's flights lands in time: the day before's are the
            # flights out (flows.search._day_before_in_time), landing by then next day
            d = state.draft
            day = date.fromisoformat(str(step.args.get("date")))
            d.arrive_day, d.depart = day + timedelta(days=1), day
            d.depart_after = d.depart_before = None
        # "land before 2pm": only those (the tool filters airlines and prices itself)
        out, _ = as_asked(state.draft, out, outbound=not is_return)
        args_key = "return_args" if is_return else "flight_args"
        if not is_retry(getattr(state, args_key), getattr(state, key), dict(step.args)):
            # a search run again without the filters that left nothing stays the one asked
            setattr(state, args_key, dict(step.args))
        before, searched = state.shown.get(key), getattr(state, key)
        setattr(state, key, out)
        _show(state, key, out.get("options") or [])
        if before is not None and _same_trip(searched, out):
            state.shown[key].earlier = _earlier_options(before, state.shown[key].items)
        if not is_return:
            d = state.draft
            d.passengers = int(out.get("passengers") or step.args.get("passengers") or d.passengers)
    elif name == "search_hotels":
        if not is_retry(state.hotel_args, state.hotels, dict(step.args)):
            state.hotel_args = dict(step.args)
        state.hotels = out
        # Over the nightly budget asked for, a hotel is not shown: "the last one" or
        # "option 3" means one of those listed (numbers as the tool gave them).
        listed, _ = within_cap(state.draft.price_cap, out)
        _show(state, "hotels", listed.get("options") or [])
    elif name in {
        "reserve",
        "name_passengers",
        "confirm_booking",
        "get_booking",
        "cancel_booking",
        "rebook",
        "choose_seats",
    }:
        booking_id = out.get("booking_id")
        if booking_id:
            state.bookings[booking_id] = out
            state.current_booking = booking_id
        if name == "reserve" and booking_id:
            _remember_picks(state, str(booking_id), step.args)
            replaced = step.args.get("replaces")
            if replaced and replaced != booking_id and replaced in state.bookings:
                state.bookings[replaced] = {**state.bookings[replaced], "status": "cancelled"}
            if replaced == state.changing:
                state.changing = None
        if name == "confirm_booking" and str(out.get("status")) in BOOKED:
            lists = state.held_from.get(str(booking_id), [])
            state.used_up.update(lists)
            if {"flights", "returns"} & set(lists):
                state.draft.booked = str(booking_id)
        if name == "get_booking" and out.get("suggestions"):
            seg = _disrupted_segment(out)
            state.shown["suggestions"] = Shown(
                "suggestions", list(out["suggestions"]), booking_id, seg
            )
            state.last_shown = "suggestions"
    elif name == "list_trips":
        state.trips = within_status(
            within_days(list(out.get("trips") or []), state.trips_days), state.trips_status
        )
        _show(state, "trips", state.trips)
    elif name == "list_approvals":
        state.approvals = list(out.get("approvals") or [])
        _show(state, "approvals", state.approvals)
    elif name == "decide_approval":
        approval_id = out.get("approval_id") or step.args.get("approval_id")
        if out.get("booking_id"):
            state.decided = str(out["booking_id"])
        if state.approvals is not None:
            state.approvals = [a for a in state.approvals if a.get("approval_id") != approval_id]
    elif name == "get_traveler_profile":
        if step.args.get("named") and state.profile is not None:
            # Someone looked up by name joins the people already known (the list is partial).
            known = list(state.profile.get("can_book_for") or [])
            ids = {p.get("user_id") for p in known}
            more = [p for p in out.get("can_book_for") or [] if p.get("user_id") not in ids]
            state.profile = {**state.profile, "can_book_for": known + more}
        else:
            state.profile = out
    elif name == "get_policy" and step.args.get("destination"):
        # "and premium economy?" after "business to London?" is about the same route.
        state.policy_route = {
            k: step.args[k] for k in ("destination", "origin") if step.args.get(k)
        }
        route = out.get("route") or {}
        verdict = next(
            (c for c in route.get("cabins") or [] if c.get("cabin") == state.policy_cabin), None
        )
        if verdict is None or verdict.get("status") != "green":
            state.policy_cabin = None  # asked about a cabin the route doesn't allow as is
    elif name == "get_policy":
        state.policy_cabin = None  # no route: the answer is the rule, not a yes


def _same_city(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    """Both name the same served city."""
    return (
        a is not None
        and b is not None
        and a.place is not None
        and b.place is not None
        and a.place.city == b.place.city
    )


def _add_flex_day(state: State, step: Step) -> None:
    """One day of a flexible-date search: the outbound list becomes each day's best
    option, cheapest first (what "the cheapest" or "option 2" then points at)."""
    batch = step.id.split("_")[:3]
    if "_".join(batch) != state.flex_batch:
        state.flex_batch, state.flex_days = "_".join(batch), {}
    assert step.output is not None
    state.flex_days[str(step.args.get("date"))] = step.output
    merged = best_days(state.flex_days)
    state.flights = merged
    state.flight_args = {
        **{k: v for k, v in step.args.items() if k != "date"},
        "flex": [min(state.flex_days), max(state.flex_days)],
    }
    _show(state, "flights", merged["options"])
    d = state.draft
    d.passengers = int(merged.get("passengers") or d.passengers)


def _add_either_airport(state: State, step: Step) -> None:
    """One airport of "LHR or Gatwick": the outbound list becomes both searches' options in
    one list, bookable ones first, then by price (what "the cheapest" then points at)."""
    batch = "_".join(step.id.split("_")[:3])
    if batch != state.either_batch:
        state.either_batch, state.either_found = batch, {}
    assert step.output is not None
    route = f"{step.args.get('origin')}-{step.args.get('destination')}"
    state.either_found[route] = step.output
    merged = either_airport(state.either_found)
    state.flights = merged
    state.flight_args = dict(step.args)
    _show(state, "flights", merged["options"])


def either_airport(found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Searches of each airport said ("LHR or Gatwick") folded into one list: bookable
    options first, then by price; renumbered. Origin and destination name both airports."""
    options = [
        dict(o) for out in found.values() for o in out.get("options") or [] if isinstance(o, dict)
    ]
    options.sort(
        key=lambda o: (_RANK.get(str((o.get("policy") or {}).get("status")), 1), _price(o))
    )
    for n, option in enumerate(options, start=1):
        option["option"] = n
    outs = list(found.values())
    first = outs[0] if outs else {}

    def end(key: str) -> dict[str, Any]:
        names = list(dict.fromkeys(str((o.get(key) or {}).get("name") or "") for o in outs))
        airports = list(
            dict.fromkeys(a for o in outs for a in (o.get(key) or {}).get("airports") or [])
        )
        return {"name": " or ".join(n for n in names if n), "airports": airports}

    return {
        **first,
        "origin": end("origin"),
        "destination": end("destination"),
        "options": options,
        "matches": sum(int(o.get("matches") or 0) for o in outs),
        "recommended": options[0]["option"] if options else None,
    }


def _price(option: dict[str, Any]) -> float:
    try:
        return float(str((option.get("total") or option.get("price") or {}).get("amount")))
    except (TypeError, ValueError, AttributeError):
        return float("inf")


_RANK = {"green": 0, "amber": 1, "red": 2}


def best_days(days: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Day-by-day search results folded into one list: each day's recommended (else
    cheapest) option, bookable ones first, then by price; renumbered."""
    best: list[dict[str, Any]] = []
    for day, out in sorted(days.items()):
        options = [o for o in out.get("options") or [] if isinstance(o, dict)]
        if not options:
            continue
        wanted = out.get("recommended")
        top = next((o for o in options if o.get("option") == wanted), None) or min(
            options,
            key=lambda o: (_RANK.get(str((o.get("policy") or {}).get("status")), 1), _price(o)),
        )
        best.append({**top, "day": day})
    best.sort(key=lambda o: (_RANK.get(str((o.get("policy") or {}).get("status")), 1), _price(o)))
    for n, option in enumerate(best, start=1):
        option["option"] = n
    first = next(iter(days.values()), {})
    return {
        "origin": first.get("origin"),
        "destination": first.get("destination"),
        "date": min(days) if days else None,
        "last_date": max(days) if days else None,
        "cabin": first.get("cabin"),
        "passengers": first.get("passengers"),
        "days": sorted(days),
        "options": best,
        "recommended": 1
        if best and _RANK.get(str((best[0].get("policy") or {}).get("status")), 1) < 2
        else None,
    }


BOOKED = frozenset({"confirmed", "pending_approval", "confirming", "pending_confirmation"})
_PICK_KIND = {"flights": "flight", "returns": "return", "hotels": "hotel"}


def _remember_picks(state: State, booking_id: str, args: dict[str, Any]) -> None:
    """Which shown options a hold took: "same as before" and the lists it used up."""
    offers = {str(i.get("offer_id")) for i in args.get("items") or [] if isinstance(i, dict)}
    lists = []
    legs = {k: k for k in state.shown if k.startswith("leg")}
    for key, kind in {**_PICK_KIND, **legs}.items():
        shown = state.shown.get(key)
        for option in shown.items if shown else []:
            if str(option.get("offer_id")) in offers:
                state.picked[kind] = option
                lists.append(key)
                break
    state.held_from[booking_id] = lists


def within_cap(cap: PriceCap | None, out: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A hotel search as shown under a nightly budget ("under $250 a night"), and how many
    hotels over it were left out: the tool's own filter (``max_nightly``, its ``filtered``
    count). When none was within it, the search ran again without it (``unfiltered``):
    whole, the note says so."""
    filtered = out.get("filtered")
    if cap is None or cap.per == "person" or not isinstance(filtered, int):
        return out, 0
    return out, filtered


def lands_in_time(d: Draft, option: dict[str, Any]) -> bool:
    """The flight lands by the latest arrival asked for: on the day it leaves, or by then
    on the day after when the day before is searched for it (``Draft.arrive_day``)."""
    arrive, depart = str(option.get("arrive", "")), str(option.get("depart", ""))
    day = depart[:10]
    if d.depart is not None and d.arrive_day == d.depart + timedelta(days=1):
        day = d.arrive_day.isoformat()
    return arrive[:16] <= f"{day}T{d.arrive_before}" if d.arrive_before else True


def arriving_in_time(d: Draft, out: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A search for the flight out as shown under a latest arrival ("I need to land
    before 2pm"): only the flights landing by then on the day they leave, keeping their
    option numbers, and how many were left out. Whole when no arrival is asked for or
    none lands in time (the reply shows what there is)."""
    options = out.get("options") or []
    if d.arrive_before is None or not options:
        return out, 0
    fits = [o for o in options if lands_in_time(d, o)]
    if not fits or len(fits) == len(options):
        return out, 0
    return {**out, "options": fits}, len(options) - len(fits)


@dataclass(frozen=True)
class LeftOut:
    """How many flights the request's own limits left out of a search shown."""

    late: int = 0  # landing after the time asked for (the flight out)
    airline: int = 0  # of another airline than asked for, or of one ruled out (the tool's count)
    over: int = 0  # over the price asked for, per person (the tool's count)
    airline_none: bool = False  # none is of the airline asked for: the others are shown
    over_none: bool = False  # none is within the price: all are shown


# The search tools' own filters: search_flights' airlines asked for alone or ruled out
# and price ceiling, search_hotels' nightly one
FLIGHT_FILTERS: Final = ("airlines", "exclude_airlines", "max_price")
SEARCH_FILTERS: Final = (*FLIGHT_FILTERS, "max_nightly")


def unfiltered(args: dict[str, Any], out: dict[str, Any] | None) -> dict[str, Any] | None:
    """A search whose filters left nothing ("delta only" on a day Delta doesn't fly,
    "nothing over $30", "under $100 a night"): the same search without the filter that
    did, to show the nearest there is. For flights the price goes first (then the
    airline's flights exist, all over it), else the airlines. None when the search
    listed something or no filter left anything out."""
    filtered = (out or {}).get("filtered")
    if not out or out.get("options") or not filtered:
        return None
    drop: tuple[str, ...] = ()
    if isinstance(filtered, int):  # search_hotels: how many were over max_nightly
        drop = ("max_nightly",)
    elif isinstance(filtered, dict) and filtered.get("price"):
        drop = ("max_price",)
    elif isinstance(filtered, dict) and filtered.get("airline"):
        drop = ("airlines", "exclude_airlines")
    if not set(drop) & set(args):
        return None
    return {k: v for k, v in args.items() if k not in drop}


def is_retry(
    prior: dict[str, Any] | None, prior_out: dict[str, Any] | None, args: dict[str, Any]
) -> bool:
    """Whether ``args`` search again what ``prior`` found nothing for, with fewer filters
    (``unfiltered``, once or twice over): the search asked stays ``prior``."""
    if not prior or (prior_out or {}).get("options") or not (prior_out or {}).get("filtered"):
        return False
    gone = set(prior) - set(args)
    return (
        bool(gone)
        and gone <= set(SEARCH_FILTERS)
        and all(prior.get(k) == v for k, v in args.items())
    )


def as_asked(
    d: Draft, out: dict[str, Any], outbound: bool = True, dropped: Sequence[str] = ()
) -> tuple[dict[str, Any], LeftOut]:
    """A flight search as shown under what the request asked: the flights out landing by
    the time asked for (``arriving_in_time``: the tool filters departures only), and what
    the tool's own filters left out (the airlines asked for alone or ruled out, a price
    ceiling per person: its ``filtered`` counts). ``dropped``: the filters a search that
    found nothing was run again without (``unfiltered``): what is shown is the nearest."""
    found, late = arriving_in_time(d, out) if outbound else (out, 0)
    filtered = out.get("filtered")
    if not isinstance(filtered, dict):
        filtered = {}
    return found, LeftOut(
        late,
        int(filtered.get("airline") or 0),
        int(filtered.get("price") or 0),
        airline_none="airlines" in dropped or "exclude_airlines" in dropped,
        over_none="max_price" in dropped,
    )


def _amount(value: Any) -> float:
    try:
        return float((value or {}).get("amount") or "inf")
    except (TypeError, ValueError, AttributeError):
        return float("inf")


def _trips_days(u: Understanding) -> list[str] | None:
    """The days one's own trips are asked for ("the week of the 14th", "between the 10th
    and the 20th", "for the 3rd"), first and last; None when none are said (or the trips
    asked are someone else's, which the trips flow filters itself)."""
    if u.whose or u.team:
        return None
    d = u.dates
    if d.flexible is not None:
        return [d.flexible[0].isoformat(), d.flexible[1].isoformat()]
    if d.depart is not None:
        return [d.depart.isoformat(), (d.ret or d.depart).isoformat()]
    return None


def within_status(trips: list[dict[str, Any]], status: str | None) -> list[dict[str, Any]]:
    """The trips (list_trips' outputs) that stand at ``status``; all of them when no status
    is given or none does (the list then says so)."""
    found = [t for t in trips if t.get("status") == status] if status else []
    return found or trips


def within_days(
    trips: list[dict[str, Any]], days: list[str] | None, *, strict: bool = False
) -> list[dict[str, Any]]:
    """The trips (list_trips' outputs) that overlap ``days``; all of them when no days are
    given or (unless ``strict``) none overlap (the list then says so)."""
    if not days:
        return trips
    first, last = days
    found = [
        t
        for t in trips
        if t.get("start")
        and t.get("end")
        and str(t["start"]) <= last
        and str(t["end"]) >= first
        and t.get("status") not in {"cancelled", "expired", "failed"}
    ]
    return found if strict else found or trips


_TRIP_KEYS: Final = ("date", "cabin", "passengers")


def _same_trip(before: dict[str, Any] | None, now: dict[str, Any]) -> bool:
    """Two search_flights outputs are of one trip: the same places searched (their
    airports), day, cabin and seats — only the filters differ."""
    if not before:
        return False

    def airports(out: dict[str, Any], end: str) -> tuple[str, ...]:
        return tuple(sorted((out.get(end) or {}).get("airports") or []))

    return all(before.get(k) == now.get(k) for k in _TRIP_KEYS) and all(
        airports(before, end) == airports(now, end) and airports(now, end)
        for end in ("origin", "destination")
    )


def _earlier_options(before: Shown, now: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the list shown before held (and what it had itself narrowed), less the options
    shown now."""
    listed = {str(o.get("offer_id")) for o in now}
    out: list[dict[str, Any]] = []
    for option in [*before.items, *before.earlier]:
        offer = str(option.get("offer_id"))
        if offer not in listed:
            listed.add(offer)
            out.append(option)
    return out


def _show(state: State, kind: str, items: list[dict[str, Any]]) -> None:
    state.shown[kind] = Shown(kind, [i for i in items if isinstance(i, dict)])
    state.last_shown = kind


def _disrupted_segment(booking: dict[str, Any]) -> str | None:
    disruption = booking.get("disruption")
    if isinstance(disruption, dict) and disruption.get("segment_id"):
        return str(disruption["segment_id"])
    for seg in booking.get("segments") or []:
        if seg.get("flight_status") in {"cancelled", "delayed"}:
            return str(seg.get("segment_id"))
    for seg in booking.get("segments") or []:
        if seg.get("kind") == "flight":
            return str(seg.get("segment_id"))
    return None


def split_turns(messages: list[BaseMessage]) -> list[tuple[HumanMessage | None, list[BaseMessage]]]:
    """[(user message, what followed it)], the first with no user message if the history starts otherwise."""
    turns: list[tuple[HumanMessage | None, list[BaseMessage]]] = []
    current: tuple[HumanMessage | None, list[BaseMessage]] = (None, [])
    for message in messages:
        if isinstance(message, HumanMessage):
            if current[0] is not None or current[1]:
                turns.append(current)
            current = (message, [])
        else:
            current[1].append(message)
    turns.append(current)
    return turns


def interrupted_confirmation(messages: list[BaseMessage]) -> str | None:
    """The booking whose confirmation this turn asked for and the traveller's next
    message declined by saying something else ("yes, but the 21:50 instead"): the turn
    ends on the declined ``confirm_booking`` with no reply after it (a plain "no" gets one)."""
    if not messages or not isinstance(messages[-1], ToolMessage):
        return None
    steps, _ = steps_of(messages)
    last = steps[-1] if steps else None
    if last is None or last.name != "confirm_booking" or not last.declined:
        return None
    booking_id = last.args.get("booking_id")
    return str(booking_id) if booking_id else None


# The calls the graph asks the traveller to confirm first.
_GATED = frozenset(name for name, tool in TOOLS.items() if tool.needs_confirmation)


def answered_open(messages: list[BaseMessage]) -> bool:
    """Whether this turn ends on a confirmation the traveller's next message said yes to
    with a request after it ("yes, and add a hotel there"): the gated call ran on that yes
    (the service stopped before the reply), so no reply follows its result."""
    if not messages or not isinstance(messages[-1], ToolMessage):
        return False
    steps, _ = steps_of(messages)
    last = steps[-1] if steps else None
    return last is not None and last.done and not last.declined and last.name in _GATED


def interrupted_call(messages: list[BaseMessage]) -> dict[str, Any] | None:
    """The gated call (other than a booking's confirmation, see ``interrupted_confirmation``)
    this turn asked to confirm and the traveller's next message declined by saying
    something else: {name, args}; the turn ends on it, declined, with no reply after it."""
    if not messages or not isinstance(messages[-1], ToolMessage):
        return None
    steps, _ = steps_of(messages)
    last = steps[-1] if steps else None
    if last is None or not last.declined or last.name == "confirm_booking":
        return None
    return {"name": last.name, "args": dict(last.args)}


def interrupted_rejection(messages: list[BaseMessage]) -> str | None:
    """The approval whose rejection this turn asked to confirm and the approver's next
    message declined by saying something else (the reason, as often as not): the turn
    ends on the declined ``decide_approval`` of a rejection with no reply after it."""
    if not messages or not isinstance(messages[-1], ToolMessage):
        return None
    steps, _ = steps_of(messages)
    last = steps[-1] if steps else None
    if last is None or last.name != "decide_approval" or not last.declined:
        return None
    if not str(last.args.get("decision", "")).startswith("reject"):
        return None
    approval_id = last.args.get("approval_id")
    return str(approval_id) if approval_id else None


def steps_of(messages: list[BaseMessage]) -> tuple[list[Step], int]:
    """The tool calls in these messages with their results, and how many AI messages."""
    steps: dict[str, Step] = {}
    order: list[str] = []
    ai = 0
    for message in messages:
        if isinstance(message, AIMessage):
            ai += 1
            for call in message.tool_calls or []:
                call_id = str(call.get("id") or f"anon_{len(order)}")
                steps[call_id] = Step(call_id, str(call.get("name")), dict(call.get("args") or {}))
                order.append(call_id)
        elif isinstance(message, ToolMessage):
            step = steps.get(str(message.tool_call_id))
            if step is None:
                step = Step(str(message.tool_call_id), str(message.name or ""), {})
                steps[step.id] = step
                order.append(step.id)
            step.output, step.error, step.declined = parse_content(message)
            step.done = True
    return [steps[i] for i in order], ai
