"""What one message asks for: the intent and every detail ("slot") it mentions.

The reading is compositional — places, dates, counts, cabins and option
references are found independently, anywhere in the sentence — and the intent
comes from cue words ranked from the most specific (an approval decision, a
cancellation) to the most general (a search). ``understand`` never looks at the
conversation; the dialogue policy combines this reading with the state.

The phrase tables (intent cues, trip details, ways to point at an option, words
that are not names) are data, ``data/intents.yaml``; yes/no answers are read by
``answers.py`` from ``data/answers.yaml``.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Any, Final, TypeVar, cast

from concierge.planner.nlu import (
    answers,
    asks,
    colleague_trip,
    conditions,
    datafiles,
    foreign,
    numbers,
    picks,
    purposes,
    seats,
    shorthand,
)
from concierge.planner.nlu.dates import (
    ANY_INSTANT,
    DateReading,
    moved_to,
    read_dates,
    return_counted_on,
    return_days_later,
)
from concierge.planner.nlu.flight_numbers import flight_numbers
from concierge.planner.nlu.legs import LegReading, StayReading, read_legs, read_stays
from concierge.planner.nlu.numbers import word_number
from concierge.planner.nlu.picks import OptionRef as OptionRef  # re-exported: flows read it here
from concierge.planner.nlu.places import (
    STOP,
    WORDLIKE_CODES,
    PlaceMention,
    find_places,
    roles,
)
from concierge.planner.nlu.reasons import cancel_reason
from concierge.planner.nlu.restated import restated
from concierge.planner.nlu.spelling import VOCABULARY, fix_keywords
from concierge.planner.nlu.spelling import correct as correct_spelling
from concierge.planner.nlu.spelling import fix as fix_spelling
from core.catalogue import CARRIERS
from core.catalogue.hotels import hotel_brands
from core.catalogue.places import lookup_place


class Intent(StrEnum):
    GREET = "greet"
    THANKS = "thanks"
    HELP = "help"
    YES = "yes"
    NO = "no"
    WAIT = "wait"  # a pause at a question ("hang on a sec"): still asked
    SEARCH = "search"  # a new trip, or a change to the one being planned
    SELECT = "select"  # pick an option shown ("option 2", "the BA one")
    CANCEL = "cancel"
    DISRUPTION = "disruption"  # "my flight was cancelled, what are my options?"
    CHANGE = "change"  # change a booked trip (rebook)
    TRIPS = "trips"
    BOOKING = "booking"
    CONFIRM = "confirm"  # "confirm BK-…": confirm a held booking
    POLICY = "policy"
    APPROVALS = "approvals"
    DECIDE = "decide"  # approve / reject
    PROFILE = "profile"
    ASK_TRIP = "ask_trip"  # a question about one's own booked trip ("when do I land?")
    ASK_FARE = "ask_fare"  # what a price is made of: base fare, taxes, fees
    SEATS = "seats"  # seats on a booked flight: "12C", "an aisle seat", "the seat map"
    CHECK_IN = "check_in"  # "check me in", "check in for my London flight"
    BOARDING_PASS = "boarding_pass"  # "show my boarding pass"
    UNSUPPORTED = "unsupported"  # something that doesn't exist yet (seats, check-in, …)
    OUT_OF_SCOPE = "out_of_scope"
    UNKNOWN = "unknown"


#: Features the asks tables recognise that are done on one's own booked trip.
_OWN_FEATURES = {"check_in": Intent.CHECK_IN, "boarding_pass": Intent.BOARDING_PASS}


@dataclass(frozen=True)
class PriceCap:
    """The most the user wants to pay: per night (hotels), per person (flights) or either."""

    amount: int
    per: str | None = None  # night | person | None
    currency: str | None = None  # when the user wrote one ("£150", "300 euros")


@dataclass
class Understanding:
    text: str
    intent: Intent
    places: list[PlaceMention] = field(default_factory=list)
    origin: PlaceMention | None = None
    destination: PlaceMention | None = None
    dates: DateReading = field(default_factory=DateReading)
    shift_days: int | None = None  # "the day after" / "a day earlier"
    moved_to: date | None = None  # a change request: the day the booking moves to
    cabin: str | None = None
    passengers: int | None = None
    passenger_delta: int | None = None
    # Travellers said to no longer come ("Fin can't make it", "one of us dropped out"): a
    # name each (first name, as written) or "" for one not named; a seat fewer each unless
    # the new count is said, and those named are off the hold (state.apply_user).
    dropped: list[str] = field(default_factory=list)
    rooms: int | None = None
    max_stops: int | None = None
    sort: str | None = None
    want_flight: bool | None = None
    want_hotel: bool | None = None
    no_hotel: bool = False
    for_booked_trip: bool = False  # "a hotel for my trip", "from when I land"
    # "two more nights after that" of one's booked hotel: the nights added after it
    extend_nights: int | None = None
    extend_until: date | None = None  # "extend my hotel till the 20th": its new check-out
    # "one more night and fly home on the 19th instead": the booked flight home moves too
    # (to the day said, else by the nights added), beside the nights searched
    flight_home_too: bool = False
    # The day said is one of leaving ("I'll be leaving on the 16th"): at a stay being
    # planned with no flight, its check-out (state.apply_user), else a day to fly
    leaving: bool = False
    # Another hotel for one's booked hotel's nights ("anything cheaper than my current
    # London hotel for the same nights?"): "same", or "cheaper" (under its nightly price);
    # "same_nights": a hotel named for "the same nights" alone, the booked stay's unless a
    # trip is planned in the conversation; "moved": its nights moved to a day said
    booked_stay: str | None = None
    flight_asked: bool = False  # a flight asked for ("a flight to Paris"), not told of
    # What the trip at hand is for, said of it ("it's for a customer visit at Initech"):
    # at a hold's confirmation, its purpose (state.apply_user, flows.dispatch)
    purpose_said: str | None = None
    # Where "home" is said as where a flight goes ("flights home from Paris"): its span
    homeward: tuple[int, int] | None = None
    replaced_place: PlaceMention | None = None  # "New York instead of Boston": Boston
    one_way: bool = False
    round_trip: bool = False
    legs: list[LegReading] = field(default_factory=list)  # a multi-city trip, leg by leg
    # Hotels in several cities ("Madrid 14–16 Dec, then Paris 16–18 Dec"): the stays after
    # the first (which is read as the request's own place and dates).
    stays: list[StayReading] = field(default_factory=list)
    # Two airports of one city, either will do ("LHR or Gatwick to Dublin", "into CDG or
    # Orly"): each searched, the options compared (codes, in the order said).
    origin_choices: list[str] = field(default_factory=list)
    destination_choices: list[str] = field(default_factory=list)
    implied_return: bool = False  # "flights", "a trip": with a date range, a flight home too
    stay_between: bool = False  # "a hotel for the nights in between": from the landing day
    options: list[OptionRef] = field(default_factory=list)
    booking_id: str | None = None
    person: str | None = None  # "Ava's trip", "book this for Ava"
    # Whose booked trip a question is about when not the speaker's ("when does Ava fly
    # back?"), as written; ``team``: the travel of the caller's team ("anyone on my team").
    whose: str | None = None
    team: bool = False
    status: str | None = None  # a booking named by its status: "the trip awaiting approval"
    book_for: str | None = None  # someone else the trip is for: "book Ava on a flight"
    for_self: bool = False  # the trip is the caller's own: "for me", "book me on it"
    # someone else's, by a pronoun ("find her a hotel"): whom the conversation last named
    for_them: bool = False
    # "my report" when the caller may book for several: the people it may mean (state)
    which_report: list[str] = field(default_factory=list)
    # Colleagues flying with the speaker, by the profile's names: "book me and Erin"
    # (state.apply_user reads them: it knows whom the caller may book for).
    companions: list[str] = field(default_factory=list)
    # Everyone named flying with the speaker, as written ("for me plus Tom Reed and Priya
    # Shah"): each a seat; the ones not colleagues are guests (state.apply_user).
    party: list[str] = field(default_factory=list)
    # Two or more people named as flying together, the speaker not among them ("book Mia
    # Chen and Ava Patel on the same flight"), as written (state.apply_user: colleagues
    # the caller may book for make one hold, the first its traveller).
    listed: list[str] = field(default_factory=list)
    # The speaker joins the trip planned for someone else ("put me on it too, we're going
    # together", "add me too"): one more seat, theirs (state.apply_user).
    self_joins: bool = False
    # Someone's booked trip named as what to book ("put me on her flight out", "the same
    # hotel as Ava"): whose, which part (flows.colleague_trip; a pronoun: state.apply_user)
    trip_of: colleague_trip.TripOf | None = None
    decision: str | None = None  # approve | reject
    note: str | None = None
    insist: bool = False
    topic: str | None = None
    clear_time: bool = False
    time_shift: str | None = None  # "earlier" / "later" than the options shown
    other_option: bool = False  # asks for another option than those shown ("a later one")
    more_options: bool = False  # "show me more": the same search, more of its options
    cheaper: bool = False  # "anything cheaper?": the same search by price, its cheapest said
    # "anything cheaper than the Hyatt?": the option compared with, as said (no pick)
    cheaper_than: str | None = None
    price_cap: PriceCap | None = None  # "under 200 a night", "max $300"
    airline: str | None = None  # an airline wished for ("American if I can"): picks.airline_wished
    # airlines asked for alone ("delta only") and ruled out ("anything but Spirit"), as
    # carrier codes (picks.airlines_restricted): kept on the draft, a filter on its flights
    airlines_only: tuple[str, ...] = ()
    airlines_not: tuple[str, ...] = ()
    # options shown described to narrow them, none chosen ("any American ones?", "show me
    # the morning ones"): picks.narrowing
    narrowed: bool = False
    within_policy: bool = False  # "a hotel ... under the policy limit": a filter, not a question
    facets: frozenset[str] = frozenset()  # what a trip question asks (asks.yaml)
    unsupported: asks.Unsupported | None = None
    seat_request: seats.SeatRequest | None = None  # seats wished for (flows/seats.py)
    answer: answers.Answer | None = None  # the message answers a yes/no question
    thanks: bool = False  # ... and thanks too ("perfect, thanks")
    # A booking asked for on a condition ("if it's under $400 book it"): what the option
    # must meet before it is held (flows/conditional.py)
    condition: conditions.Condition | None = None
    # It names the booking just made ("what did I just book?", "my latest booking"): the
    # most recent of this conversation, else the caller's newest (flows/trips.py).
    just_booked: bool = False
    # A disruption intent that only asks how the flight stands ("is my flight on time?"):
    # answered from the trip, whatever its status, rather than taken as a disruption told.
    status_question: bool = False

    @property
    def has_trip_details(self) -> bool:
        d = self.dates
        return bool(
            self.places
            or d.depart
            or d.ret
            or d.nights
            or d.question
            or self.cabin
            or self.passengers
            or self.passenger_delta
            or self.rooms
            or self.max_stops is not None
            or self.shift_days
            or d.return_days
            or d.depart_after
            or d.depart_before
            or self.want_hotel
            or self.sort
            or self.clear_time
            or self.time_shift
            or self.more_options
            or self.cheaper
            or self.price_cap
            or self.airlines_only
            or self.airlines_not
            or d.flexible
            or d.any_day
            or d.month_alone
        )


def _tables() -> dict[str, Any]:
    """The phrase tables (``data/intents.yaml``)."""
    return datafiles.load("intents")


def _rx(section: str, name: str) -> re.Pattern[str]:
    return _join(_tables()[section][name])


def _join(alternatives: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(alternatives))


_CABINS: Final[list[tuple[str, re.Pattern[str]]]] = [
    (str(name), _join(alts)) for name, alts in _tables()["trip"]["cabins"].items()
]
_GREET: Final = _rx("intents", "greet")
_THANKS: Final = _rx("intents", "thanks")
_PLEASANTRY: Final = re.compile("|".join(_tables()["intents"]["pleasantry"]))
_HELLO: Final = re.compile(_tables()["intents"]["pleasantry"][0])  # the greeting comes first
_NO_DATA: Final = _rx("intents", "no_data")
_SPENT_ALREADY: Final = _rx("intents", "spent_already")  # a spend report, not upcoming trips
_LAUGHTER: Final = re.compile(str(_tables()["intents"]["laughter"]))
_PLEASANTRY_CLAUSE: Final = re.compile(r"[,;:.!?…]+|\s[-–—]+\s|[–—]+")
_HELP: Final = _rx("intents", "help")
_OUT_OF_SCOPE: Final = _rx("intents", "out_of_scope")
_DECIDE: Final = _rx("intents", "decide")
_APPROVALS: Final = _rx("intents", "approvals")
_APPROVALS_LISTING: Final = _rx("intents", "approvals_listing")
_HOW_TO_DECIDE: Final = _rx("intents", "decide_question")
_DECIDE_LATER: Final = _rx("intents", "decide_later")
_DECIDE_BY: Final = _rx("intents", "decide_by")
_CANCEL: Final = _rx("intents", "cancel")
_WITHDRAW: Final = _rx("intents", "withdraw_request")
_DISRUPTED: Final = _rx("intents", "disrupted")
_CANCEL_ASKED: Final = _rx("intents", "cancel_asked")
# Someone's trip named by their name ("Ava's Paris request"): not one's own.
_POSSESSIVE_NAME: Final = re.compile(r"\b[A-Z][a-z]+['’]s\b")
_OPTIONS_ASKED: Final = _rx("intents", "options_asked")
_GROUND_TRIP: Final = _rx("intents", "ground_trip")
_AIR_WORDS: Final = _rx("intents", "air_words")
_AIR_REFUSED: Final = _rx("intents", "air_refused")
_WHO_APPROVES_MINE: Final = _rx("intents", "who_approves_mine")
_MINE_WAITING: Final = _rx("intents", "mine_waiting")
_MINE_APPROVAL_STATUS: Final = _rx("intents", "mine_approval_status")
_BOOKING_NOW: Final = _rx("intents", "booking_now")
_CHASE_APPROVAL: Final = _rx("intents", "chase_approval")
_SOMEONE_AWAY: Final = _rx("intents", "someone_away")
# A wh-word just before "is <name> flying": the question asks a fact of the trip.
_WH_BEFORE: Final = re.compile(r"\b(?:when|where|what(?: time)?|which|how|why)\s*$")
_OWN_WORD: Final = re.compile(r"\b(?:my|mine|our|ours)\b")
# One's own booking named ("my paris trip", "our london booking"): not someone else's.
_OWN_THING: Final = re.compile(
    r"\b(?:my|our) (?:[\w-]+ ){0,2}?(?:trip|booking|flight|hotel|request)s?\b"
)
# Words that ask for something new to be found or booked (never "booked", said of what is).
_NEW_BOOKING_VERB: Final = re.compile(
    r"\b(?:book|find|search|reserve|hold|get (?:me|us|a|an|some)|look(?:ing)? for|need|want)\b"
)
# A flight named by its time ("the 6am american", "the 22:30 BA"), not a time said of
# something else ("a 2pm meeting").
_THE_TIMED_ONE: Final = re.compile(r"\bthe (?:\d{1,2}(?::\d\d)?\s*(?:am|pm)|\d{1,2}:\d\d)\b")
_START_OVER: Final = re.compile(_rx("intents", "start_over").pattern, re.IGNORECASE)
_STAY_WORD: Final = re.compile(r"\b(?:hotel|inn|room|stay|suites?|lodge|resort)\b")
# "a better rate than mine for the same nights": only a stay has nights and a rate
_NIGHTS_WORD: Final = re.compile(r"\b(?:nights?|nightly|(?:room )?rates?)\b")
_DISRUPTION_REPORT: Final = _rx("intents", "disruption_report")
_CHANGE: Final = _rx("intents", "change")
_TRIPS: Final = _rx("intents", "trips")
_OWN_TRIPS_REQUEST: Final = _rx("intents", "own_trips_request")
_PROFILE: Final = _rx("intents", "profile")
_POLICY: Final = _rx("intents", "policy")
_FLIGHT_WORDS: Final = _rx("trip", "flight_words")
_TRAVEL_WORDS: Final = _rx("trip", "travel_words")
_HOTEL_WORDS: Final = _rx("trip", "hotel_words")
_HOTEL_ONLY: Final = _rx("trip", "hotel_only")
_HOTEL_IN: Final = _rx("trip", "hotel_in")
_STAY_SOMEWHERE: Final = _rx("trip", "stay_somewhere")
_NIGHTS_IN_PLACE: Final = _rx("trip", "nights_in_place")
_BRANDS: Final = "|".join(re.escape(b.lower()) for b in hotel_brands())
_HOTEL_TOO: Final = re.compile(_rx("trip", "hotel_too").pattern.replace("{brand}", _BRANDS))
_BRAND_STAY: Final = re.compile(str(_tables()["trip"]["brand_stay"]).replace("{brand}", _BRANDS))
_BRAND_OPENS: Final = re.compile(rf"\s*(?:the\s+)?(?:{_BRANDS})\s+")
# A brand as people shorten it too: "the Holiday Inn" for Holiday Inn Express.
_BRAND_SAID: Final = sorted(
    {" ".join(b.lower().split()[:n]) for b in hotel_brands() for n in range(2, len(b.split()) + 1)}
    | {b.lower() for b in hotel_brands()},
    key=lambda n: (-len(n), n),
)
_OWN_HOTEL_NAMED: Final = re.compile(
    str(_tables()["trip"]["own_hotel_named"]).replace(
        "{brand}", "|".join(re.escape(b) for b in _BRAND_SAID)
    )
)
# A hotel named by its brand ("the Hilton", "the Holiday Inn"), as ``_BRAND_SAID`` has them.
_BRAND_NAMED: Final = re.compile(r"\b(?:" + "|".join(re.escape(b) for b in _BRAND_SAID) + r")\b")
# Said of the speaker: with a fact asked to be confirmed ("I fly home friday right?"), the
# trip is one's own.
_SPEAKER: Final = re.compile(r"\b(?:i|we|i'm|we're|im|my|our|me|us)\b")
_NO_HOTEL: Final = _rx("trip", "no_hotel")
_ONE_WAY: Final = _rx("trip", "one_way")
_HOMEWARD: Final = _rx("trip", "homeward")
_FOR_BOOKED_TRIP: Final = _rx("trip", "for_booked_trip")
_EXTEND_NIGHTS: Final = [re.compile(p) for p in _tables()["trip"]["extend_stay"]["nights"]]
_EXTEND_BOOKED: Final = _join(_tables()["trip"]["extend_stay"]["booked"])
_EXTEND_UNTIL: Final = _join(_tables()["trip"]["extend_stay"]["until"])
_LEAVING: Final = re.compile(str(_tables()["trip"]["leaving"]))
_EXTEND_FLIGHT_HOME: Final = re.compile(_tables()["trip"]["extend_stay"]["flight_home"])
_EXTEND_FLIGHT_TOLD: Final = re.compile(_tables()["trip"]["extend_stay"]["flight_told"])
_EXTEND_RETURN_SAID: Final = re.compile(_tables()["trip"]["extend_stay"]["return_said"])
_BOOKED_STAY: Final = _tables()["trip"]["booked_stay"]
_BOOKED_STAY_INSTEAD: Final = _join(_BOOKED_STAY["instead"])
_BOOKED_STAY_SAME: Final = _join(_BOOKED_STAY["same"])
_BOOKED_STAY_OWN: Final = _join(_BOOKED_STAY["own"])
_BOOKED_STAY_CHEAPER: Final = _join(_BOOKED_STAY["cheaper"])
_BOOKED_STAY_MOVED: Final = _join(_BOOKED_STAY["moved"])
_EXTEND_COUNTS: Final[dict[str, int]] = {
    str(k): int(v) for k, v in _tables()["trip"]["extend_counts"].items()
}
_HOTEL_REQUEST: Final = _rx("trip", "hotel_request")
_PART_OF_TRIP_TO: Final = _rx("trip", "part_of_trip_to")
_FLIGHT_ASKED: Final = _rx("trip", "flight_asked")
_FLIGHT_TOLD: Final = _rx("trip", "flight_told")
_APPROVAL_ASKED: Final = _rx("trip", "approval_asked")
_ROUND: Final = _rx("trip", "round_trip")
_DIRECT: Final = _rx("trip", "direct")
_IMPLIED_RETURN: Final = _rx("trip", "implied_return")
_STAY_BETWEEN: Final = _rx("trip", "stay_between")
_ALLOW_STOPS: Final = _rx("trip", "allow_stops")
_INSIST: Final = _rx("intents", "insist")
_COURTESY: Final = re.compile("|".join(_tables()["intents"]["courtesy"]), re.IGNORECASE)
_CONTEXT_WORDS: Final = re.compile("|".join(_tables()["intents"]["context_words"]), re.IGNORECASE)
_IN_THE_ROOM: Final = re.compile("|".join(_tables()["intents"]["in_the_room"]), re.IGNORECASE)
_EARLIER_LATER: Final = _rx("trip", "earlier_later")
_CLEAR_TIME: Final = _rx("trip", "clear_time")
_OTHER_OPTION: Final = _rx("trip", "other_option")
_MORE_OPTIONS: Final = _rx("trip", "more_options")
_CHEAPER: Final = _rx("trip", "cheaper")
_CHEAPER_THAN: Final = _rx("trip", "cheaper_than")
# Words that make a question about the rules whatever else it asks ("can I get a later
# one, or is that against policy?").
_POLICY_WORDS: Final = re.compile(
    r"\b(?:polic(?:y|ies)|allowed|permitted|approv\w*|in policy|out of policy|compliant|rules?)\b"
)
_WITHIN_POLICY: Final = _rx("trip", "within_policy")
_ALLOWED_KIND: Final = _rx("trip", "allowed_kind")
_POLICY_OF_THE_TRIP: Final = _rx("trip", "policy_of_the_trip")
_PASSENGER_DELTA: Final = _rx("trip", "passenger_delta")
_PASSENGER_LESS: Final = _rx("trip", "passenger_less")
_PASSENGER_TOTAL: Final = _rx("trip", "passenger_total")
_PASSENGER_OUT: Final = _rx("trip", "passenger_out")
_OUT_NOT_NAMES: Final = frozenset(str(w).lower() for w in _tables()["trip"]["out_not_names"])
_TOTAL_AFTER_OUT: Final = _rx("trip", "passenger_total_after_out")
_GENERIC_OUT: Final = re.compile(r"(?:1|one|my|our|the|a) ")
_ACCEPT: Final = _rx("intents", "accept")
_LISTED_STATUS: Final[list[tuple[str, re.Pattern[str]]]] = [
    (str(name), _join(alts)) for name, alts in _tables()["trip"]["listed_status"].items()
]
_LISTED_ALL: Final = _rx("trip", "listed_all")
_TRIP_STATUS: Final[list[tuple[str, re.Pattern[str]]]] = [
    (str(name), _join(alts)) for name, alts in _tables()["trip"]["trip_status"].items()
]
# "my trip", "the booking": a cancellation's object is one's own booking.
_OWN_BOOKING_OBJECT: Final = re.compile(
    r"\b(?:my|our|the|this|that)\s+(?:[\w-]+\s+){0,3}?(?:trip|booking|reservation|flight|hotel|request)\b"
)
_SORTS: Final[list[tuple[str, re.Pattern[str]]]] = [
    (str(name), _join(alts)) for name, alts in _tables()["trip"]["sorts"].items()
]
_SHIFT: Final = [(int(days), _join(alts)) for days, alts in _tables()["trip"]["shift"].items()]
_NOT_NAMES: Final = frozenset(_tables()["not_names"])
# "my flight to London on Monday": the place and date name a booking, not a new search.
_OWN_BOOKING: Final = re.compile(
    r"\b(?:my|our) (?:\w+ )?(?:flights?|bookings?|trips?|reservations?)\b"
)
_BOOKING_ID: Final = re.compile(r"\bBK-?(?P<code>[A-Z0-9]{4,10})\b", re.IGNORECASE)
_APPROVAL_ID: Final = re.compile(r"\bAPR?-[A-Z0-9]{1,12}\b", re.IGNORECASE)
# Who a trip is for (data/intents.yaml "traveller"): case-sensitive, the name capitalised.
# "{who}": who someone is to the speaker, before their name ("my VP Victor").
_WHO: Final = str(_tables()["traveller"]["who"])
_TRAVELLER_OTHER: Final = [
    re.compile(p.replace("{who}", _WHO)) for p in _tables()["traveller"]["other"]
]
_TRAVELLER_SELF: Final = _join(_tables()["traveller"]["self"])
_TRAVELLER_PRONOUN: Final = _join(_tables()["traveller"]["pronoun"])
# ... and in chat shorthand, the name in lower case ("can u book ava jfk-bos").
_TRAVELLER_CASUAL: Final = [
    re.compile(p.replace("{who}", _WHO)) for p in _tables()["traveller"]["casual"]
]
_CASUAL_NEXT: Final = re.compile(_tables()["traveller"]["casual_next"])
# A name said as the point of reference, not the traveller ("same as Ava").
_REFERENCE: Final = re.compile(_tables()["traveller"]["reference"])
_CASUAL_NOT_NAMES: Final = frozenset(
    [str(w).lower() for w in _tables()["traveller"]["casual_not_names"]]
    + [n.lower() for n in _tables()["not_names"]]
)
# Words of airline names ("book Delta to Boston" names no one): never a traveller.
_CARRIER_WORDS: Final = frozenset(w for c in CARRIERS for w in c.name.split())
_PERSON_POSSESSIVE: Final = re.compile(r"\b(?P<name>[A-Z][a-z]+)(?:'s|’s)\b")
# An approval note: a labelled one ("Note: client visit, fine by me", "note for her: ...",
# "message to Ava - ...") runs to the end
# of the message, every clause of it; otherwise the clause after "because", a dash or
# a comma, a colon or a semicolon ("reject it - too expensive", "Reject Ava's Paris trip: she
# should have booked a week ahead").
_NOTE_LABEL: Final = re.compile(
    r"\b(?:(?:note|reason|comment|message|remark)s?(?:\s+(?:for|to)\s+(?:the\s+)?[\w']+)?\s*(?::|-|–|—)"
    # ... or said out loud: "reject it the reason is she has to book a week before"
    r"|reason\s+(?:is|being|was|would be)(?:\s+that)?\b)\s*"
    r"(?P<note>\S.{3,})",
    re.IGNORECASE | re.DOTALL,
)
_NOTE: Final = re.compile(
    r"(?:\b(?:because|since|as)\b|\s-\s|—|–|,|(?<!\d)[:;](?!\d))\s*(?P<note>[^.?!]{4,})",
    re.IGNORECASE,
)
_NOTE_SIGN_OFF: Final = re.compile(
    r"(?:[.!,;]\s*|\s+)(?:thanks?|thank you|thx|cheers|ta|please|pls)(?: (?:so much|a lot))?[.!\s]*$",
    re.IGNORECASE,
)


_PRICE_CAP: Final = re.compile(
    r"\b(?:under|below|less than|no more than|not more than|max(?:imum)?|up to|at most|budget(?: of| is)?"
    r"|nothing (?:over|above|more than)|not over|cap(?:ped)? at|within)\s+(?:of\s+)?"
    r"(?P<cur>[$£€])?\s?(?P<amt>\d[\d,]*)(?![\d,])(?:\.\d\d)?"
    r"(?!\s*(?:hours?|hrs?|h\b|stops?|minutes?|mins?|am\b|pm\b|:|/\s*\d|people|passengers?|nights?|days?|rooms?|stars?))"
    r"(?:\s*(?P<word>usd|dollars|bucks|eur|euros?|gbp|pounds|quid)\b)?"
    r"(?P<per>\s*(?:a|per|/|each)\s*(?:night|nt|person|head|pp|ticket|seat|way)\b)?"
)


_CAP_CURRENCY: Final = {
    "$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
}


def _price_cap(low: str) -> tuple[PriceCap | None, str]:
    """ "under 200 a night", "max $300": the cap and the text with it blanked out, so its
    number is not read as a date or an option and "a night" not as a length of stay."""
    m = _PRICE_CAP.search(low)
    if not m:
        return None, low
    amount = int(m.group("amt").replace(",", ""))
    if amount < 20 and not m.group("cur"):
        return None, low
    per_text = (m.group("per") or "").strip()
    per = "night" if per_text.endswith(("night", "nt")) else "person" if per_text else None
    currency = _CAP_CURRENCY.get(m.group("cur") or m.group("word") or "")
    return PriceCap(amount, per, currency), low[: m.start()] + " " * (m.end() - m.start()) + low[
        m.end() :
    ]


def _rejects(verb: str) -> bool:
    """A decision verb that rejects: "decline", "say no to", "can't sign off on"."""
    return verb in _REJECTING or bool(_NEGATED_APPROVAL.match(verb))


# "can't approve", "won't sign off on", "not going to okay": an approval said not to be.
_NEGATED_APPROVAL: Final = re.compile(
    r"(?:don'?t|do not|can'?t|cannot|can not|won'?t|will not|couldn'?t|could not"
    r"|(?:am |are )?not going to|unable to|(?:(?:definitely|certainly|just|simply) )?not)\s"
)
_REJECTING: Final = frozenset(
    {
        "reject",
        "decline",
        "deny",
        "refuse",
        "turn down",
        "say no to",
        "don't approve",
        "dont approve",
        "do not approve",
        "rejecting",
        "declining",
        "denying",
        "refusing",
        "turning down",
    }
)


def _cabin(low: str) -> str | None:
    for name, pattern in _CABINS:
        if pattern.search(low):
            return name
    return None


_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+")
_RELAY: Final = _rx("approval_note", "relay")
_RELAY_ASK: Final = _rx("approval_note", "relay_ask")
_RELAY_JOINED: Final = _rx("approval_note", "relay_joined")
_NOT_NOTE: Final = _rx("approval_note", "not_note")
_REASON: Final = _rx("approval_note", "reason")
_CHECKIN_QUESTION: Final = _rx("intents", "checkin_question")
# What a rejection's reason may read as ("too pricey, she can fly out friday instead" a
# search, "way over the hotel cap" a policy question); a yes, another decision or any
# request of one's own is none.
_REASON_MAY_BE: Final = frozenset({Intent.UNKNOWN, Intent.SEARCH, Intent.POLICY, Intent.GREET})


_NO_REASON: Final = _rx("approval_note", "no_reason")


def no_reason(text: str) -> bool:
    """Asked why a request is rejected, the approver gives none ("no reason", "just
    reject it without a note", "doesn't matter")."""
    return bool(_NO_REASON.search(text.lower().replace("’", "'")))


def rejection_reason(u: Understanding) -> str | None:
    """At a rejection's confirmation ("decline it" → "Reject …?"), the reason a message
    gives for it, its note: what it says when it asks for nothing else ("too pricey, she
    can fly out friday instead"), names a place only as the traveller's alternative ("go
    via Boston instead"), or opens with a no only to find fault with the trip ("no, too
    pricey"). None for a yes, a plain no or a hesitation ("no, I need to talk to her
    first"), a booking named, or a request of its own ("flights to Boston friday")."""
    text = u.text.strip()
    low = text.lower().replace("’", "'")
    if u.booking_id:
        return None
    fault = answers.fault_found(text)
    if u.intent == Intent.NO or u.intent not in _REASON_MAY_BE:
        return fault if u.intent == Intent.NO else None
    if u.places and (asks.is_request(text) or not (_REASON.search(low) or fault)):
        return None
    return fault or text


def _note(text: str) -> str | None:
    """The note of a decision, from the text after its verb: a labelled note, else the
    clause after "because" / a dash / a comma, and the sentences after it that give the
    traveller a reason or a message ("... Please let her know the budget is spent")."""
    m = _NOTE_LABEL.search(text)
    if m:
        parts = [m.group("note")]
    else:
        head, *tail = _SENTENCE_END.split(text.strip())
        clause = _NOTE.search(head)
        joined = _RELAY_JOINED.search(head.lower())
        if clause:
            parts = [clause.group("note")]
        elif joined:
            # "... and tell her to rebook once it's final"
            parts = [head[joined.end() :].rstrip(" ?")]
        else:
            parts = []
        for sentence in tail:
            asked = _RELAY_ASK.match(sentence.lower())
            again = _RELAY_JOINED.search(sentence.lower())
            if asked:
                sentence = sentence[asked.end() :].rstrip(" ?")
            elif again and _DECIDE.search(sentence[: again.start()].lower().replace("’", "'")):
                # "I'll have to say no to Ava's trip. Can you reject it and tell her to book
                # with more notice?": the decision asked for again, with its message.
                sentence = sentence[again.end() :].rstrip(" ?")
            elif sentence.rstrip().endswith("?") or _NOT_NOTE.search(sentence.lower()):
                break
            relay = _RELAY.match(sentence.lower())
            parts.append(sentence[relay.end() :] if relay else sentence)
    parts = [p.strip(" .") for p in parts if p.strip(" .")]
    if not parts:
        return None
    parts = [p[:1].upper() + p[1:] for p in parts]
    note = _NOTE_SIGN_OFF.sub("", ". ".join(parts)).strip(" .")
    return note[:1].upper() + note[1:] if note else None


def _pleasantries(low: str) -> Intent | None:
    """GREET or THANKS when every clause of ``low`` is wholly a pleasantry (the data's
    ``pleasantry``: greetings, thanks, praise, sign-offs), emoji and emoticons aside."""
    clauses = []
    for part in _PLEASANTRY_CLAUSE.split(low.replace("'", "")):
        words = re.sub(r"[^a-z0-9 ]+", " ", part).split()
        laughing = bool(words) and _LAUGHTER.fullmatch(words[0]) is not None
        while words and _LAUGHTER.fullmatch(words[0]):
            words.pop(0)
        if words:
            clauses.append(" ".join(words))
        elif laughing:
            clauses.append("ok")  # "haha", "lol": a pleasantry on its own
    if not clauses or not all(_PLEASANTRY.fullmatch(c) for c in clauses):
        return None
    return Intent.GREET if _HELLO.fullmatch(clauses[0]) else Intent.THANKS


def _without_courtesy(text: str) -> str:
    """``text`` without courtesy that asks for nothing ("Thank you in advance.") or words
    saying what the answer is for ("need it for the taxi"), unless that is all it says."""
    kept = _COURTESY.sub(" ", _CONTEXT_WORDS.sub(" ", text.replace("’", "'")))
    if kept == text.replace("’", "'") or not re.search(r"\w", kept):
        return text
    return " ".join(re.sub(r"\s+([.!?,])", r"\1", kept).split()).strip(" ,")


def policy_of_the_trip(text: str) -> bool:
    """The words ask about the policy standing of the trip asked for beside them ("will I
    need approval for it?", "business if policy allows", "if it's allowed - is it?")."""
    return bool(_POLICY_OF_THE_TRIP.search(text.lower().replace("’", "'")))


def understand(text: str, now: datetime, *, month_first: bool = True) -> Understanding:
    """Read one user message (``now`` anchors relative dates).

    Every model call re-reads the whole conversation, so readings are cached; the
    caller gets its own copy because the dialogue may annotate it.
    """
    return own_copy(_understand(text, now, month_first))


_T = TypeVar("_T")
_SHARED = (str, int, float, bool, bytes, Enum, date, datetime, frozenset, re.Pattern)


def own_copy(value: _T) -> _T:
    """A copy of a reading that its holder may change, sharing what cannot change.

    As ``copy.deepcopy`` for what a reading holds: its plain dataclasses (the reading
    itself, its dates) and lists, dicts and sets are copied; values, enums, dates and
    frozen dataclasses are shared — the readings' frozen classes (places, legs, stays,
    options, conditions, seat requests) hold only values, tuples and other frozen
    readings. deepcopy rebuilt every one of them through ``__reduce_ex__``: it was the
    whole cost of a cached reading, ~8 % of a search turn's CPU (issue 15, perf33).
    Anything else is deep-copied as before."""
    return cast(_T, _own(value))


def _own(value: Any) -> Any:
    if value is None or isinstance(value, _SHARED):
        return value
    kind = type(value)
    if kind is list:
        return [_own(v) for v in value]
    if kind is tuple:
        items = tuple(_own(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if kind is dict:
        return {k: _own(v) for k, v in value.items()}
    if kind is set:
        return set(value)
    params = getattr(kind, "__dataclass_params__", None)
    if params is not None and params.frozen:
        return value
    if params is not None and not hasattr(kind, "__slots__"):
        copied = object.__new__(kind)
        copied.__dict__.update({k: _own(v) for k, v in value.__dict__.items()})
        return copied
    return copy.deepcopy(value)


@lru_cache(maxsize=2048)
def _understand(text: str, now: datetime, month_first: bool) -> Understanding:
    said = " ".join((text or "").split())  # the user's own words, for a note quoted back
    # "3 nts", "nxt wk", "2ppl": written out first, so every reader knows only full words;
    # "hotle in atlanta", "fligth to boston": misspelt keywords corrected likewise.
    # "necesito un vuelo ... el 15 de diciembre": a few words of another language in English.
    # "3 nights, no wait, 4 nights": the count or place corrected away is dropped.
    clean = _without_courtesy(fix_keywords(restated(shorthand.expand(foreign.in_english(said)))))
    # "they want everyone in the room first thing Thursday": being there, no hotel room.
    clean = _IN_THE_ROOM.sub("there", clean)
    # "scrap that, let's start over. NYC to Madrid on the 17th": a new request, the words
    # starting over no cancellation of anything.
    # "drop it, plans changed" is no new start: what follows only says why.
    fresh = _START_OVER.sub("", clean, count=1)
    clean = fresh if fresh and not answers.only_reasons(fresh) else clean
    # "if there's a nonstop before noon book it": what the condition asks of the option is
    # a test for it (flows/conditional.py), not part of the request: read without it.
    condition = conditions.read(clean)
    if condition is not None and condition.spans:
        clean = " ".join(conditions.masked(clean, condition).split())
    compared = _CHEAPER_THAN.search(clean.lower().replace("’", "'"))
    if compared is not None:
        # "anything cheaper than the Hyatt that's still decent?": the option compared with
        # is no pick nor place; the rest is "anything cheaper …?"
        clean = " ".join(f"{clean[: compared.end('head')]}{clean[compared.end('than') :]}".split())
    # "Fin can't make it, drop him", "scratch that, one of us can't come — 2 seats": who
    # no longer travels is read apart; the rest may say the new count.
    dropped, clean = _dropped_out(clean)
    low = clean.lower().replace("’", "'")
    bare = re.sub(r"[!?.,]+$", "", low).strip()
    u = Understanding(text=clean, intent=Intent.UNKNOWN, condition=condition)
    u.dropped = dropped
    u.cheaper_than = compared.group("than") if compared is not None else None
    u.just_booked = asks.just_booked(clean)
    if not bare and not dropped:
        u.intent = Intent.HELP
        return u

    # Cancelling words are a request here ("cancel it" → the cancel flow), not an answer.
    reading = answers.classify(clean, cancelling=None)
    u.answer, u.thanks = reading.answer, reading.thanks
    if reading.answer == answers.Answer.WAIT:
        u.intent = Intent.WAIT
        return u
    if reading.answer is not None and not (reading.thanks and _THANKS.match(bare)):
        u.intent = Intent.YES if reading.answer == answers.Answer.YES else Intent.NO
        u.insist = u.intent == Intent.YES and bool(_INSIST.search(low))
        if u.intent == Intent.YES:
            # "yes, book it for Ava" / "book it for me": whose the booking is.
            u.book_for = _traveller(clean, [])
            u.for_self = u.book_for is None and bool(_TRAVELLER_SELF.search(low))
            # "ok approve it", "yes approve": a yes at a confirmation, and after a list of
            # requests an approval of the one meant (flows.booking.yes decides which).
            if any(
                not (m.group("v") == "okay" or _rejects(m.group("v")))
                for m in _DECIDE.finditer(low)
            ):
                u.decision = "approve"
        elif any(_rejects(m.group("v")) for m in _DECIDE.finditer(low)):
            u.decision = "reject"  # "nope, decline it": likewise a rejection of the one meant
        return u
    if _GREET.match(bare):
        u.intent = Intent.GREET
        return u
    if _THANKS.match(bare):
        u.intent = Intent.THANKS
        return u
    pleasant = _pleasantries(low)
    if pleasant is not None:
        u.intent = pleasant
        return u
    if _NO_DATA.search(low) and not (
        asks.about_team(clean)
        and "cost" in asks.trip_facets(clean)
        and not _SPENT_ALREADY.search(low)
    ):
        # "will it rain in London while I'm there?", "what did Engineering spend on
        # travel?": nothing to look up — the honest answer, never a search or a list
        # ("how much is my team spending in december?" is what their trips come to).
        u.intent = Intent.OUT_OF_SCOPE
        return u

    if seats.seat_numbers(clean):
        # "12C", "put me in 14A", "12C and 12D please": seats on the booked flight; the
        # day, place or leg said with them ("22K on the 18th", "14A on my flight to
        # London") names that flight, so they are read too, the seat numbers left out.
        _slots(u, seats.without_numbers(clean), seats.without_numbers(low), now, month_first)
        u.intent = Intent.SEATS
        u.seat_request = seats.read(clean)
        return u

    u.price_cap, masked = _price_cap(low)
    u.airline = picks.airline_wished(clean)
    u.airlines_only, u.airlines_not = picks.airlines_restricted(clean)
    # "the one at $255 a night": a price said of an option shown picks it (picks.read); no
    # other reader sees it, so "a night" is no length of stay nor "255" a date.
    said_prices = picks.price_mentions(masked)
    picked = masked
    for start, end, *_ in said_prices:
        masked = masked[:start] + " " * (end - start) + masked[end:]
    if masked != low:
        # Same length, so positions in ``clean`` and ``low`` still line up.
        clean = "".join(
            c if m != " " or c == " " else " " for c, m in zip(clean, masked, strict=True)
        )
        _slots(u, clean, masked, now, month_first)
        if said_prices:
            u.options = picks.read(
                "".join(
                    c if m != " " or c == " " else " " for c, m in zip(u.text, picked, strict=True)
                )
            )
        clean = u.text
    else:
        _slots(u, clean, low, now, month_first)
    if not u.just_booked and not u.places and asks.went_through(clean):
        u.just_booked = True  # "did that go through?": what was just done, no trip told of

    booking = _BOOKING_ID.search(clean)
    # Only the prefix is normalised: a random code may itself hold "BK" (BK-AGBKVX).
    u.booking_id = f"BK-{booking.group('code').upper()}" if booking else None
    person = _PERSON_POSSESSIVE.search(clean)
    if person and person.group("name") not in _NOT_NAMES:
        u.person = person.group("name")
    u.book_for = _traveller(clean, u.places)
    if u.book_for and any(u.book_for.split()[0] == p.split()[0] for p in u.party):
        u.book_for = None  # "my colleague Tom Reed is coming too": Tom flies with the speaker
    u.trip_of = colleague_trip.read(clean, _NOT_NAMES)
    if u.trip_of is not None and u.book_for and u.book_for.split()[0] == u.trip_of.who:
        u.book_for = None  # "put me on Ava's flight": Ava's trip is the model, not the traveller
    # "put me on it too": the speaker flies along, the trip stays whose it is
    u.for_self = u.book_for is None and not u.self_joins and bool(_TRAVELLER_SELF.search(low))
    u.for_them = u.book_for is None and not u.for_self and bool(_TRAVELLER_PRONOUN.search(low))

    u.status = next((name for name, pattern in _TRIP_STATUS if pattern.search(low)), None)
    withdrawn = _WITHDRAW.search(low)
    if (
        (u.status == "pending_approval" and _CANCEL.search(low) and _OWN_BOOKING_OBJECT.search(low))
        or (withdrawn and "request" in withdrawn.group(0))
    ) and not _DECIDE.search(low):
        # "cancel my trip that's still waiting for Mia's approval", "withdraw my Paris
        # request": the trip, named by where it stands or as the request it is; the
        # approval words (and the approver's name) only describe it.
        if person and re.match(
            r"\s*(?:approval|sign[- ]?off|ok|okay|go[- ]ahead)\b", clean[person.end() :].lower()
        ):
            u.person = None
        u.intent = Intent.CANCEL
        return u
    u.insist = bool(_INSIST.search(low))
    shorter = asks.unsupported(clean)
    if shorter is not None and shorter.feature in _OF_A_BOOKED_STAY:
        # "I need to leave the hotel a day early": fewer nights at one's booked hotel,
        # which no tool changes; its day and place name the stay, nothing to search.
        u.intent, u.unsupported = Intent.UNSUPPORTED, shorter
        return u
    narrowed = picks.narrowing(clean)
    if narrowed is not None and not (u.booking_id or _CANCEL.search(low) or _DECIDE.search(low)):
        # "those early ones are way too early, nothing before 10am", "any American ones? we
        # get miles with them", "can you show me the morning ones?": the options shown
        # narrowed (by the hours, airline or stops said), searched again — nothing chosen.
        u.intent, u.narrowed, u.options = Intent.SEARCH, True, []
        if narrowed and not u.airlines_only:
            u.airlines_only = narrowed
        return u
    if _choosing(u, clean, low):
        # "the first", "the 1:40pm one — aisle if you can", "hold the cheapest one I'm
        # allowed to book": a choice among the options shown, whatever else it says.
        u.intent = Intent.SELECT
        u.unsupported = asks.unsupported(clean)
        if u.unsupported is not None and u.unsupported.feature == "seats":
            u.seat_request = seats.read(clean)
        return u
    reasons = answers.declines(clean)
    if reasons is not None and not any(
        _asks_for_a_trip(_understand(r, now, month_first))
        or _understand(r, now, month_first).intent in _ASKS_OF_ITS_OWN
        or _CANCEL.search(r.lower())
        for r in reasons
    ):
        # "not yet - I need to check the dates with the client first": a no and its
        # reasons, over several clauses; nothing in it asks for anything else.
        u.intent, u.answer = Intent.NO, answers.Answer.NO
        if any(_rejects(m.group("v")) for m in _DECIDE.finditer(low)):
            u.decision = "reject"  # "nope, decline it": a rejection of the one meant
        return u
    unsupported = asks.override(clean) or asks.unsupported(clean)
    if (
        unsupported is not None
        and unsupported.feature == "seats"
        and u.passengers
        and not seats.read(clean).names_a_seat
    ):
        # "can I get 2 seats on that instead": how many fly, no seat chosen on the flight.
        unsupported = None
    if unsupported is not None and unsupported.feature == "seats" and (u.passenger_delta or 0) > 0:
        # "my teammate will also need a seat on it": one more passenger on the flight, not a
        # seat chosen on it (the seat words are the count's, intents.yaml passenger_delta).
        unsupported = None
    if (
        asks.fare_question(clean)
        and (unsupported is None or unsupported.feature != "override")
        and (not (u.dates.depart and u.destination) or _OWN_BOOKING.search(low))
    ):
        # "how much of option 2 is taxes?", "what did the London trip cost in taxes?": the
        # breakdown of the option or booking in question, never a search for the place named.
        u.intent = Intent.ASK_FARE
        return u
    if (
        unsupported is not None
        and unsupported.feature != "override"
        and u.options
        and not (u.dates.depart or u.places)
        and not asks.is_question(clean)  # "how much of option 1 is bags?" asks, picks nothing
        # "check me in for BA 19": a flight named by its number is the booked one asked about
        and not all(picks.flight_number(r.carrier or "") for r in u.options)
    ):
        # "The 7:15 one, aisle if you can": a pick with a wish the concierge can't grant
        # yet — the pick stands (select below), the wish gets its answer alongside (seats:
        # chosen once the flight is held).
        u.unsupported = unsupported
        if unsupported.feature == "seats":
            u.seat_request = seats.read(clean)
    elif (
        unsupported is not None
        and (
            unsupported.feature == "override"
            or not (u.dates.depart and u.destination)
            or _OWN_BOOKING.search(low)
            or _on_own_trip(unsupported, clean, low)
            # "can you get me into the BA lounge at JFK on the 14th": one place, no flight
            # asked for: the wish itself, not a trip to the place
            or (u.origin is None and len(u.places) <= 1 and not _FLIGHT_WORDS.search(low))
            # "can I bring my dog on the flight to Boston on the 10th?": a yes/no question
            # about the feature asks nothing to be searched; its place and day are context
            # (asked in the question itself: "…? Just hand luggage." beside a trip asked
            # for is an aside, the trip is what is asked)
            or (
                _POLAR.match(low)
                and asks.is_question(clean)
                and not asks.is_request(clean)
                and _asked_in_question(clean, bool(u.dates.depart and u.destination))
            )
        )
        # "is my executive club number in my profile?": what is on file, the profile's
        and not (unsupported.feature != "override" and _PROFILE.search(low))
    ):
        if unsupported.feature == "seats":
            # "an aisle seat", "window seats for both of us", "show me the seat map".
            u.intent = Intent.SEATS
            u.seat_request = seats.read(clean)
            return u
        if unsupported.feature in _OWN_FEATURES:
            # "check me in", "show my boarding pass": done on one's own booked trip.
            u.intent = _OWN_FEATURES[unsupported.feature]
            # "can I check in yet?": whether (and when) it is open, asked; nothing done.
            u.status_question = u.intent == Intent.CHECK_IN and bool(_CHECKIN_QUESTION.search(low))
            return u
        rest = asks.other_clauses(clean, unsupported.feature)
        if rest and _asks_about_a_trip(u, rest):
            # "remind me which hotel I'm in for London, and is breakfast included?": the
            # booked trip's part asked is answered, and the honest answer beside it
            u.intent, u.unsupported = Intent.ASK_TRIP, unsupported
            return u
        # Check-in, bags…: an honest answer, not a search for the place named.
        u.intent = Intent.UNSUPPORTED
        u.unsupported = unsupported
        return u
    away = _SOMEONE_AWAY.search(low)
    asked = _sentence_at(clean, away.start()) if away else ""
    if (
        away
        and asks.is_question(asked)
        # "when is she flying?", "where is Ava going?": a fact of a trip, not whether
        and not _WH_BEFORE.search(low, 0, away.start())
        # "…? trying to find a day for a workshop": a request only in its own sentence
        and not asks.is_request(asked)
        and (whose := _whose(clean, u.places))
    ):
        # "is Ava travelling in the next couple of weeks?": that person's trips (those the
        # caller may see), within the days asked, not a search nor a booking for them.
        u.intent, u.whose = Intent.TRIPS, whose
        return u
    if _DECIDE_BY.search(low) and not _OWN_THING.search(low):
        # "by when do I have to decide on Ava's Paris trip?": the requests waiting on the
        # caller, each with when its decision is due (flows.approvals), not the flight's times.
        u.intent = Intent.APPROVALS
        return u
    if "hold_until" in asks.trip_facets(clean) and (
        asks.is_question(clean) or not asks.is_request(clean)
    ):
        # "until when is the seat held if mia doesn't get to it?", "how long will they hold
        # it if she doesn't approve?": how long a trip that isn't confirmed stays held (its
        # hold's end), not a decision, the approvals queue nor a search.
        u.intent, u.facets = Intent.ASK_TRIP, frozenset({"hold_until", "status"})
        u.whose = _whose(clean, u.places)
        return u
    if _CHASE_APPROVAL.search(low) and (u.places or u.booking_id or _OWN_WORD.search(low)):
        # "can you chase mia about my paris approval?": where that trip stands and whom it
        # waits on (trip_answers says no message is sent), not a decision nor a search.
        u.intent, u.facets = Intent.ASK_TRIP, frozenset({"status", "chase"})
        return u
    if _WHO_APPROVES_MINE.search(low) and (u.places or u.booking_id) and not asks.amount(clean):
        # "who needs to approve my paris trip?": where that booked trip stands, and who
        # it waits on, not the policy's thresholds.
        u.intent, u.facets = Intent.ASK_TRIP, frozenset({"status"})
        return u
    if (
        person
        and asks.is_question(clean)
        and "status" in asks.trip_facets(clean)
        and not _DECIDE.search(low)
        and not _HOW_TO_DECIDE.search(low)
        and _whose(clean, u.places)
    ):
        # "where is Ava's Paris request at? is it waiting on me?": where that person's
        # booking stands and whom it waits on (get_booking), not the caller's own queue.
        u.intent, u.facets = Intent.ASK_TRIP, frozenset({"status"})
        u.whose = _whose(clean, u.places)
        return u
    if (
        _MINE_APPROVAL_STATUS.search(low)
        and not _POSSESSIVE_NAME.search(clean)
        and not asks.amount(clean)
        and not asks.is_policy_question(clean)
        and not asks.is_threshold_question(clean)
    ):
        # "where's my approval at?", "has mia signed off on paris?": where one's own trips
        # stand and whom they wait on, not the caller's queue nor a decision.
        u.intent, u.facets = Intent.ASK_TRIP, frozenset({"status"})
        return u
    if _MINE_WAITING.search(low) and not asks.amount(clean):
        # "anything of mine still waiting for approval?": where one's own trips stand,
        # not a decision on them (nor the requests waiting on the caller).
        u.intent, u.facets = Intent.ASK_TRIP, frozenset({"status"})
        return u
    if asks.is_threshold_question(clean):
        # "At what trip cost does the VP Finance need to sign off?": the policy's
        # thresholds, not the requests waiting (nor a decision on one).
        u.intent = Intent.POLICY
        u.topic = clean
        return u
    if (
        _APPROVALS_LISTING.search(low)
        and not (u.person or u.booking_id or _APPROVAL_ID.search(clean))
        and not re.search(r"\b(?:my|our) (?:trip|booking|flight|hotel|request)", low)
    ):
        u.intent = Intent.APPROVALS
        return u
    allowed_kind = bool(_ALLOWED_KIND.search(low)) and bool(u.places and u.dates.depart)
    if allowed_kind or (
        _WITHIN_POLICY.search(low)
        and (u.places or u.dates.depart)
        and (asks.is_request(clean) or not asks.is_question(clean))
    ):
        # "Hotel in SF Dec 30 - Jan 2, something under the policy limit": the policy words
        # narrow the search; the rest of the message is read without them.
        u.within_policy = True
        low = _WITHIN_POLICY.sub(lambda m: " " * len(m.group(0)), low)
        low = _ALLOWED_KIND.sub(lambda m: " " * len(m.group(0)), low)
        clean = "".join(c if m != " " else " " for c, m in zip(clean, low, strict=True))
    policy_question = asks.is_policy_question(clean)
    if _HOW_TO_DECIDE.search(low) and not policy_question:
        # "why can't I approve Ava's trip?", "how do I reject the paris one?": a question
        # about deciding, answered with what waits on the caller, never a decision.
        u.intent = Intent.APPROVALS
        return u
    decide = _DECIDE.search(low)
    if (
        decide
        and not re.search(
            r"\b(?:need|needs|require|requires|get|without|before)\s+(?:an?\s+)?approv", low
        )
        and not _DECIDE_LATER.search(low)
        and (decide.group("v") not in {"okay", "accept"} or _APPROVALS.search(low) or u.person)
        and not re.search(r"\bwho (?:needs to|must|will|has to) approve\b", low)
        and not policy_question
    ):
        u.intent = Intent.DECIDE
        verb = decide.group("v")
        u.decision = "reject" if _rejects(verb) else "approve"
        # The note as written ("fine, client mtg"), shorthand and all.
        written = _DECIDE.search(said.lower().replace("’", "'"))
        u.note = _note(said[written.end() :] if written else clean[decide.end() :])
        return u
    if (
        _APPROVALS.search(low)
        and not _POLICY.search(low)
        and not policy_question
        # ("the cheapest biz class without needing approval, hold it": said of the option
        # booked, a condition of the hold — flows.conditional — not about approvals)
        and not (conditions.green_asked(low) and (u.places or u.dates.depart))
    ):
        u.intent = Intent.APPROVALS
        return u
    if (
        _DISRUPTED.search(low)
        and not _CANCEL_ASKED.search(low)
        and not _options_for_a_new_trip(u, low)
        and not _options_for_a_longer_stay(low)
    ):
        u.intent = Intent.DISRUPTION
        # "Is my flight on time?": a question for the flight's status, no disruption told.
        u.status_question = asks.is_question(clean) and not _DISRUPTION_REPORT.search(low)
        return u
    if _CANCEL.search(low) and not re.search(r"\bcancell?ation polic|\brefund polic", low):
        u.intent = Intent.CANCEL
        # "cancel the Paris flight, the client pushed the meeting to January": why, in
        # the traveller's own words (cancel_booking's reason).
        # ("the workshop got cancelled — can you cancel her trip?": the verb of the request)
        request = _CANCEL_ASKED.search(said.lower().replace("’", "'"))
        verb = _CANCEL.search(said.lower(), request.start() if request else 0)
        u.note = (
            cancel_reason(said, verb.end())
            if verb
            else cancel_reason(clean, _CANCEL.search(low).end())  # type: ignore[union-attr]
        )
        asked_low = _CANCEL_ASKED.search(low)
        verb_low = _CANCEL.search(low, asked_low.start() if asked_low else 0)
        at = low.find(u.note.lower().replace("’", "'")) if u.note else -1
        if u.note and verb_low is not None and at >= verb_low.end():
            # "cancel Ava's London trip, the project was put on hold": a reason told after
            # the request names no trip by its words (a status, or a place beside the
            # one the request names); context told before it may ("I don't need the
            # hotel in London anymore ... cancel just the hotel").
            span = (at, at + len(u.note))
            rest = low[: span[0]] + low[span[1] :]
            u.status = next((n for n, pattern in _TRIP_STATUS if pattern.search(rest)), None)
            outside = [m for m in u.places if not span[0] <= m.start < span[1]]
            u.places = outside or u.places
        return u
    more = extended_stay(low)
    until = (
        u.dates.ret
        if more is None and u.dates.ret and _EXTEND_UNTIL.search(low) and _EXTEND_BOOKED.search(low)
        else None
    )
    home = bool(u.want_flight and _EXTEND_FLIGHT_HOME.search(low)) or bool(
        _EXTEND_RETURN_SAID.search(low)
    )
    if (more is not None or until is not None) and (not u.want_flight or home):
        # "my London hotel ends on the 18th; I need two more nights after that", "extend my
        # london hotel till the 20th": a stay in the same city from the booked one's
        # check-out (flows.search), for the nights said or to the day said, not a new trip.
        # The flight home said beside it moves too ("one more night and fly home Sat the
        # 19th": flows/several.py), unless only told of ("I'm moving it anyway").
        u.intent, u.extend_nights, u.extend_until = Intent.SEARCH, more, until
        u.flight_home_too = home and not _EXTEND_FLIGHT_TOLD.search(low)
        u.want_hotel, u.want_flight, u.for_booked_trip = True, False, True
        return u
    same, cheaper = _BOOKED_STAY_SAME.search(low), _BOOKED_STAY_CHEAPER.search(low)
    if (u.want_hotel or _STAY_WORD.search(low) or _NIGHTS_WORD.search(low)) and (
        (_BOOKED_STAY_INSTEAD.search(low) and (same or cheaper))
        or (_BOOKED_STAY_OWN.search(low) and same and cheaper)
    ):
        # "anything cheaper than my current London hotel for the same nights?": other
        # hotels on the booked one's nights, in its city (flows.search), not a question
        # about the booked one.
        u.intent = Intent.SEARCH
        u.booked_stay = "cheaper" if cheaper else "same"
        u.want_hotel, u.want_flight, u.for_booked_trip = True, False, True
        u.facets = frozenset()
        return u
    if (
        same
        and _BRAND_NAMED.search(low)
        and not (u.dates.depart or u.dates.ret or u.dates.nights or u.want_flight)
    ):
        # "Is the Hilton free for the same nights? I'd rather stay there.": a hotel named
        # by its brand for nights said only as "the same" ones — the booked stay's, in its
        # city, when nothing is planned in the conversation (flows.search; else the
        # nights planned there).
        u.intent, u.booked_stay = Intent.SEARCH, "same_nights"
        u.want_hotel, u.want_flight, u.for_booked_trip = True, False, True
        u.facets = frozenset()
        return u
    if (
        _BOOKED_STAY_OWN.search(low)
        and _BOOKED_STAY_MOVED.search(low)
        and (u.dates.depart or u.dates.ret)
        and not u.want_flight
    ):
        # "move my London hotel so I check in on the 14th instead": the booked stay's
        # nights moved, its other end kept: its city searched for them (flows.search).
        u.intent, u.booked_stay = Intent.SEARCH, "moved"
        u.want_hotel, u.want_flight, u.for_booked_trip = True, False, True
        u.facets = frozenset()
        return u
    change = _CHANGE.search(low)
    if change and (
        u.booking_id
        or re.search(r"\bmy\b|\bbooked\b|\bbooking\b", low)
        # "Ava's flight home needs to move": a booked flight of someone one books for.
        or (u.person and re.search(r"\w's (?:flights?|trips?|return|outbound)\b", low))
    ):
        u.intent = Intent.CHANGE
        u.moved_to = moved_to(clean, u.dates, change.start())
        return u
    if _PROFILE.search(low) and not (policy_question and asks.amount(clean)):
        # ("who approves trips over 10 grand?" asks the policy's thresholds, not who one's
        # own approver is)
        u.intent = Intent.PROFILE
        return u
    if (
        _TRIPS.search(low)
        and _OWN_TRIPS_REQUEST.search(low)
        and not (policy_question or _POLICY_WORDS.search(low))
    ):
        # "an overview of my upcoming bookings, so I can plan ahead of time": one's own
        # trips asked for; a word of the policy's in passing asks nothing about it. Or
        # someone else's ("an overview of Ava Patel's upcoming travel"): all of theirs.
        u.intent = Intent.TRIPS
        u.whose = _whose(clean, u.places)
        return u
    if (
        u.dates.depart
        and u.destination
        and any(r.clock for r in u.options)
        and _THE_TIMED_ONE.search(low)
        and asks.is_question(clean)
        and not asks.is_request(clean)
        and not asks.is_own(clean)
        and not asks.amount(clean)
    ):
        # "is the 6am american from JFK to Chicago on the 10th within policy?": a question
        # about one flight of that day, answered once it is found (flows.booking).
        u.intent = Intent.SEARCH
        return u
    if (_POLICY.search(low) or policy_question) and u.book_for is None:
        # "can i book for ava", "am i allowed to book travel for mia?": the person asked
        # about, typed in lower case (even a word that is also an airport code).
        u.book_for = _asked_for_whom(low, u.places)
    if (
        (_POLICY.search(low) or policy_question)
        # ("book it anyway" insists on a request; "am I allowed first class? I'm a VP lol"
        # still only asks what the policy allows)
        and not (_INSIST.search(low) and (asks.is_request(clean) or not asks.is_question(clean)))
        # "can I book travel for Ben?", "am I allowed to book for Fin?": whom the caller may
        # book for is the org chart's (the profile's can_book_for), no rule of the policy's
        and not (
            u.book_for
            and _BOOK_FOR_ASKED.search(low)
            and not (u.places or u.dates.depart or u.cabin or u.price_cap)
        )
        # ("anything cheaper that's still allowed?": the policy words say which option)
        and not (u.other_option and not _POLICY_WORDS.search(picks.without_policy_fit(low)))
        # "Boston to Miami on the 14th, the cheapest fare I'm allowed to book": a trip
        # asked for, the policy words only saying which option is meant.
        and not (
            u.dates.depart
            and u.destination
            # ("Cheapest London hotel that's within policy, 15 to 18 December?": the
            # policy words say which option is meant of a best one asked for)
            and not re.search(
                r"\bpolicy\b",
                picks.without_policy_fit(low)
                if picks.modifiers(clean).best or picks.superlative_asked(clean)
                else low,
            )
            and not re.search(r"\ballowed\b", picks.without_policy_fit(low))
            # ("would I need sign-off if I flew to Boston tomorrow?" asks the rules)
            and not (_APPROVAL_ASKED.search(low) and asks.is_question(clean))
            # ("I'm flying to London on the 14th, could I go business?": the cabin's rule
            # for that route, its day only saying which trip; "… If so find me some
            # options" asks for the search, its options showing the verdict)
            and not (asks.cabin_permission(clean) and not asks.is_request(clean))
        )
        # "hold the 6:05 american JFK-Chicago on the 14th - will I need approval for it?",
        # "JFK to Madrid on the 18th, business if policy allows": the trip is searched, its
        # options' verdicts answer the question.
        and not (u.dates.depart and u.destination and _POLICY_OF_THE_TRIP.search(low))
        # "book the 6:10 and is that in policy?": the option booked, asked about
        and not (
            asks.is_request(clean)
            and any(o.clock or o.index is not None or o.carrier for o in u.options)
            and _POLICY_OF_THE_TRIP.search(low)
        )
        # "Cheapest one is fine for her.": an option named and nothing asked is a choice
        # ("fine for" says whom it suits), not a question about the policy.
        # "the cheapest compliant one": words saying the option meant is one the policy
        # allows describe it (picks.without_policy_fit); they ask nothing either.
        and not (
            u.options
            and not asks.is_question(clean)
            and not _POLICY_WORDS.search(picks.without_policy_fit(low))
        )
    ):
        u.intent = Intent.POLICY
        u.topic = clean
        return u
    if (
        asks.about_team(clean)
        and (asks.is_question(clean) or _OWN_TRIPS_REQUEST.search(low))
        and (
            not asks.is_request(clean)
            # "can u pull up what my team has booked": their bookings shown, nothing
            # searched or booked (no day for a new trip, no verb for one)
            or (
                _OWN_TRIPS_REQUEST.search(low)
                and not u.dates.depart
                and not _NEW_BOOKING_VERB.search(low)
            )
        )
    ):
        # "Is anyone on my team travelling to London this month?": the trips the caller
        # may see (list_trips), whoever takes them.
        u.intent, u.team = Intent.TRIPS, True
        return u
    if u.booking_id and re.search(r"\bconfirm\b", low):
        # "Confirm BK-…": the confirmation gate still asks the human first.
        u.intent = Intent.CONFIRM
        return u
    if u.booking_id:
        u.intent = Intent.ASK_TRIP if _asks_about_a_trip(u, clean) else Intent.BOOKING
        return u
    if _TRIPS.search(low):
        u.intent = Intent.TRIPS
        if asks.is_question(clean):
            u.whose = _whose(clean, u.places)  # "What trips does Ava have coming up?"
        return u
    if _asks_about_a_trip(u, clean):
        u.intent = Intent.ASK_TRIP
        return u
    if u.options and not (
        u.dates.depart
        or u.places
        or u.cabin
        or u.passengers
        or u.dates.question
        # "same flight but a day later": that option searched for on the other day
        or (u.shift_days and all(r.same for r in u.options))
    ):
        u.intent = Intent.SELECT
        return u
    flying = _AIR_REFUSED.sub(" ", low)  # flying said as what is not wanted isn't asked
    if _OUT_OF_SCOPE.search(low) and (
        not (u.places and _FLIGHT_WORDS.search(flying))
        or (_GROUND_TRIP.search(low) and not _AIR_WORDS.search(flying))
    ):
        u.intent = Intent.OUT_OF_SCOPE
        return u
    if _HELP.search(low):
        u.intent = Intent.HELP
        return u
    if (
        u.has_trip_details
        or _FLIGHT_WORDS.search(low)
        or _HOTEL_WORDS.search(low)
        # "can you book for Ben?", "I need to arrange travel for Ava": a trip for someone,
        # its details still to ask (and first whether the caller may book for them)
        or (u.book_for and _BOOKING_VERB.search(low))
        # "just the outbound for now": the trip asked again without its return
        or u.one_way
    ):
        u.intent = Intent.SEARCH
        return u
    if u.options:
        u.intent = Intent.SELECT
        return u
    accept = _ACCEPT.search(low)
    if accept and not _NEGATION.search(low[: accept.start()]):
        u.intent = Intent.YES
    return u


def flight_home_moved(u: Understanding) -> Understanding:
    """What a stay made longer asks of the booked flight home said beside it ("one more
    night and fly home Sat the 19th instead", "two more nights, and move my flight back to
    match"): a change of that flight, to the day said, else later by the nights added."""
    moved = own_copy(u)
    moved.intent = Intent.CHANGE
    moved.want_flight, moved.want_hotel, moved.for_booked_trip = True, False, False
    moved.extend_nights, moved.extend_until, moved.flight_home_too = None, None, False
    moved.moved_to = u.dates.ret or u.dates.depart or u.extend_until
    if moved.moved_to is None:
        moved.shift_days = u.extend_nights
    return moved


def extended_stay(low: str) -> int | None:
    """The nights added to one's booked hotel ("two more nights after that", "extend my
    hotel by one night"), or None when the message adds none."""
    if not _EXTEND_BOOKED.search(low):
        return None
    for pattern in _EXTEND_NIGHTS:
        m = pattern.search(low)
        if m is None:
            continue
        said = (m.group("n") or "").strip()
        if said.isdigit():
            return int(said) or None
        return _EXTEND_COUNTS.get(said, 1)
    return None


_BOOKING_VERB: Final = re.compile(
    r"\b(?:book|booking|arrange|organi[sz]e|sort out|reserve|travel|trip)\b"
)


def _asked_for_whom(low: str, places: list[PlaceMention]) -> str | None:
    """The one lower-case name ending "can i book (travel) for <name>", when the word
    is no other reader's (a code like "mia" counts: nothing routes after "for" here)."""
    m = _BOOK_FOR_ASKED.search(low)
    if m is None:
        return None
    word = m.group("whom")
    if len(word) < 3 or not word.isalpha():
        return None
    if any(p.start <= m.start("whom") < p.end for p in places) and word not in WORDLIKE_CODES:
        return None
    named = {p.text.lower() for p in places} - WORDLIKE_CODES
    if not (_casual_name(word, named) or word in WORDLIKE_CODES):
        return None
    return word.capitalize()


# ... asked as whom one may book for, nothing said of the trip ("can I book travel for
# Ben?", "am I allowed to arrange trips for Fin?"; not "book a 5-star hotel for Tom").
_BOOK_FOR_ASKED: Final = re.compile(
    r"\b(?:book|arrange|organi[sz]e|sort out|reserve)\s+(?:(?:travel|trips?|flights?|hotels?|"
    r"a (?:trip|flight|hotel)|anything|things)\s+)?(?:for|on behalf of)\s+(?P<whom>\w+)\W*$"
)


def _options_for_a_new_trip(u: Understanding, low: str) -> bool:
    """ "Flying to London on the 14th and home on the 18th — what are my options?": options
    asked for beside a new trip (a place and a day), with no disruption told and no booked
    flight named, are that trip's flights."""
    return bool(
        u.destination
        and u.dates.depart
        and _OPTIONS_ASKED.search(low)
        and not _DISRUPTED.search(_OPTIONS_ASKED.sub(" ", low))
        and not _OWN_BOOKING.search(low)
    )


def _options_for_a_longer_stay(low: str) -> bool:
    """ "One more night in London and fly home on the 19th — what are my options?": options
    asked beside nights added to one's booked stay, with no disruption told, are that
    stay's nights and the flight home's (extended_stay, below)."""
    return bool(
        _OPTIONS_ASKED.search(low)
        and extended_stay(low) is not None
        and not _DISRUPTED.search(_OPTIONS_ASKED.sub(" ", low))
    )


_PARTY: Final = _tables()["traveller"]["party"]
_PARTY_SELF: Final = re.compile(_PARTY["self"])
_PARTY_LIST: Final = re.compile(
    rf"(?:{_PARTY['self']}|{_PARTY['name']})"
    rf"(?:(?:{_PARTY['join']})(?:{_PARTY['self']}|(?:{_PARTY['lead']})?{_PARTY['name']}))+"
)
_PARTY_MEMBER: Final = re.compile(rf"{_PARTY['self']}|{_PARTY['name']}")
_PARTY_NAMES: Final = (
    rf"(?:{_PARTY['lead']})?(?P<list>{_PARTY['name']}"
    rf"(?:(?:{_PARTY['join']})(?:{_PARTY['lead']})?{_PARTY['name']})*)"
)
_PARTY_TITLES: Final = re.compile(_PARTY["titles"])
_PARTY_BRACKETED: Final = re.compile(_PARTY["bracketed"])
_PARTY_WITH: Final = re.compile(
    rf"{_PARTY['with']}(?:(?:{_PARTY['lead']})(?:{_PARTY['with_from']})?)?"
    rf"(?P<list>{_PARTY['name']}(?:(?:{_PARTY['join']})(?:{_PARTY['lead']})?{_PARTY['name']})*)"
)
_SELF_JOINS: Final = re.compile("|".join(f"(?:{p})" for p in _PARTY["self_joins"]))
_PARTY_JOINERS: Final = (
    re.compile(rf"{_PARTY_NAMES}(?={_PARTY['joins']})"),
    re.compile(rf"{_PARTY['adds'][0]}{_PARTY_NAMES}(?={_PARTY['adds'][1]})"),
    re.compile(rf"{_PARTY['puts'][0]}{_PARTY_NAMES}(?={_PARTY['puts'][1]})"),
)
# "the same for my colleague Priya Shah": a seat beside the speaker's only for a full name
_PARTY_SAME: Final = re.compile(rf"{_PARTY['same'][0]}{_PARTY_NAMES}{_PARTY['same'][1]}")


@dataclass(frozen=True)
class Party:
    """The people a message names as flying with the speaker. ``listed``: named in one list
    with the speaker ("me plus Tom Reed"), so the seats are a total; otherwise they join
    ("Priya's coming as well"): seats more than those already asked for."""

    people: list[str]
    listed: bool


def _listed_members(listed: str, places: set[str]) -> list[str]:
    """The members of a list of people with the speaker, as written. The list ends at a
    comma before what is no name ("me and my colleague Sam Lee, Boston to New York": the
    route follows the people, no one of them)."""
    members: list[str] = []
    end = 0
    for x in _PARTY_MEMBER.finditer(listed):
        word = x.group(0)
        if (
            members
            and "," in listed[end : x.start()]
            and not _PARTY_SELF.fullmatch(word)
            and not _a_name(word, places)
        ):
            break
        members.append(word)
        end = x.end()
    return members


def named_party(clean: str, places: list[PlaceMention]) -> Party:
    """The people a message names as flying with the speaker, in one list with them ("for
    me plus Tom Reed and Priya Shah", "Tom Reed, Priya Shah and I") or joining them ("my
    colleague Tom Reed is coming too"): their names as written, none when no such list. A
    place, an airline or a word in not_names is no one."""
    text = _PARTY_TITLES.sub("", clean.replace("’", "'"))
    # "my collegue Tom Reed": the word calling them a colleague, its typo fixed (only words
    # in lower case: a name as written stays as it is)
    text = re.sub(r"\b[a-z]{5,}\b", lambda m: correct_spelling(m.group(0)), text)
    text = _PARTY_BRACKETED.sub(lambda m: m.group("name"), text)
    named = {p.text.lower() for p in places}
    for m in _PARTY_WITH.finditer(text):
        # "I'm travelling with two guests, Lena Fischer and Tom Baker": them and the speaker
        people = [x for x in _listed_members(m.group("list"), named) if not _PARTY_SELF.fullmatch(x)]
        if people and all(_a_name(x, named) for x in people):
            return Party(people, listed=True)
    for m in _PARTY_LIST.finditer(text):
        members = _listed_members(m.group(0), named)
        if not any(_PARTY_SELF.fullmatch(x) for x in members):
            continue
        people = [x for x in members if not _PARTY_SELF.fullmatch(x)]
        if people and all(_a_name(x, named) for x in people):
            return Party(people, listed=True)
    for joiner in _PARTY_JOINERS:
        # "my colleague Tom Reed is coming too", "add Jo Blake to that": joining the speaker
        for m in joiner.finditer(text):
            people = [
                x.group(0)
                for x in _PARTY_MEMBER.finditer(m.group("list"))
                if not _PARTY_SELF.fullmatch(x.group(0))
            ]
            if people and all(_a_name(x, named) for x in people):
                return Party(people, listed=False)
    for m in _PARTY_SAME.finditer(text):
        people = [
            x.group(0)
            for x in _PARTY_MEMBER.finditer(m.group("list"))
            if not _PARTY_SELF.fullmatch(x.group(0))
        ]
        if people and all(_a_name(x, named) and len(x.split()) > 1 for x in people):
            return Party(people, listed=False)
    return Party([], listed=False)


_OTHERS: Final = _tables()["traveller"]["others"]
_OTHERS_LIST: Final = re.compile(
    rf"(?i:{_OTHERS['lead']})(?P<list>{_OTHERS['name']}(?:(?i:{_OTHERS['join']}){_OTHERS['name']})+)"
    rf"(?P<cue>(?=(?i:{_OTHERS['cue']})))?"
)
_OTHERS_JOIN: Final = re.compile(rf"(?i:{_OTHERS['join']})")
_KEYWORDS: Final = frozenset(
    [str(w).lower() for w in _tables()["keywords"]["words"]]
    + [str(w).lower() for w in _tables()["keywords"].get("keep", [])]
)


@dataclass(frozen=True)
class Listed:
    """The people a list opening a message names, and whether the speaker is one of them."""

    people: list[str]
    with_speaker: bool


def others_party(clean: str, places: list[PlaceMention]) -> Listed | None:
    """People named as flying together in a list that opens the message, in any case
    ("tom and priya together by the window", "Ana and Raj both need to be in Boston",
    "me, mia and erin to boston"): the names besides the speaker, capitalised, or None
    when the message opens with no such list (data/intents.yaml traveller.others). A
    place, an airline, a keyword or a word in not_names is no one."""
    text = clean.replace("’", "'")
    m = _OTHERS_LIST.match(text)
    if m is None:
        return None
    named = {p.text.lower() for p in places}
    members = [x.strip() for x in _OTHERS_JOIN.split(m.group("list")) if x.strip()]
    speaker = [x for x in members if x.lower() in {"me", "myself", "i"}]
    if len(speaker) > 1 or (not speaker and m.group("cue") is None and not m.group("lead_for")):
        return None
    people = [x[:1].upper() + x[1:] for x in members if x not in speaker]
    if len(people) < (1 if speaker else 2):
        return None
    if any(
        w.lower() in _KEYWORDS or w.lower() in _OTHERS["not_people"]
        for x in members
        for w in x.split()
    ):
        return None
    if not all(_a_name(x, named) for x in people):
        return None
    return Listed(people, bool(speaker))


def _a_name(words: str, places: set[str]) -> bool:
    return not (
        any(w in _NOT_NAMES or w in _CARRIER_WORDS for w in words.split())
        or words.lower() in places
        or any(w.lower() in places for w in words.split())
        or (lookup_place(words, fuzzy=False) is not None and not _written_as_name(words))
    )


def _written_as_name(words: str) -> bool:
    """ "Mia", "Del": an airport code written as a name is one, in a list of people with
    the speaker ("Mia and I", "me, Del Ross and Sam") when no reader took it for a place
    ("MIA", "to Mia" are the airport)."""
    return all(
        len(w) == 3 and w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words.split()
    )


def _traveller(clean: str, places: list[PlaceMention]) -> str | None:
    """The person someone else's trip is for, by name ("book Ava on a flight", "Ava needs
    a flight to Boston", "a hotel for Ava"); None when the message names no one. Whether
    the caller may book for them is the profile's to say (flows.booking)."""
    text = clean.replace("’", "'")
    named = {p.text.lower() for p in places}
    spans = [(p.start, p.end) for p in places]
    for pattern in _TRAVELLER_OTHER:
        for m in pattern.finditer(text):
            name = m.group("name")
            if (
                name in _NOT_NAMES
                or name in _CARRIER_WORDS
                or name.lower() in named
                or any(start <= m.start("name") < end for start, end in spans)
                or read_dates(name, ANY_INSTANT).depart is not None
            ):
                # "book San Francisco flights": a place's first word names no one, nor
                # does a day ("flights to Chicago for Mon 14 Dec").
                continue
            return name
    low = text.lower()
    starts = {p.start for p in places}
    for pattern in _TRAVELLER_CASUAL:
        for m in pattern.finditer(low):
            word = m.group("name")
            after = low[m.end("name") :]
            # "book mia chen on the same flights": a surname, typed in lower case too; with
            # one, even a word that is also an airport code ("mia", "sea") is a first name.
            surname = re.match(r"\s+(?P<w>[a-z]{2,})(?=\s)", after)
            has_surname = (
                "goes_on" in pattern.groupindex
                and surname is not None
                and _casual_name(surname.group("w"), named)
            )
            # After who they are ("my boss mia"), a word no reader but places owns is a name.
            led = "who" in pattern.groupindex and bool(m.group("who"))
            # "book mia on a flight to boston": a code the places reader left alone, with
            # the trip going on after it in words ("on", "a", ...), is a first name too.
            # Not "to"/"from": "book sea to sfo" is a route.
            goes_on_in_words = (
                "goes_on" in pattern.groupindex
                and bool(_CASUAL_NEXT.match(after))
                and not re.match(r"\s+(?:to|from|out|back|home)\b", after)
            )
            # "a flight for ava patel": a surname said after "for" (such patterns need one)
            surnamed = "surname" in pattern.groupindex and _casual_name(m.group("surname"), named)
            if "surname" in pattern.groupindex and not surnamed:
                continue  # "a flight for ava tomorrow": a name needs its surname here
            if not (
                _casual_name(word, named)
                or ((has_surname or led or goes_on_in_words or surnamed) and word in WORDLIKE_CODES)
            ):
                continue
            if any(start <= m.start("name") < end for start, end in spans):
                continue  # "book san francisco flights": a place's first word names no one
            if "goes_on" in pattern.groupindex:
                # "book ava jfk-bos", "get sam on the 8am": the trip goes on after the name.
                at = m.end("name")
                if has_surname and surname is not None:
                    # "book ava patel jfk to miami": the trip goes on after the surname
                    at += surname.end()
                    after = after[surname.end() :]
                at += len(after) - len(after.lstrip())
                if not (_CASUAL_NEXT.match(after) or at in starts):
                    continue
            return word.capitalize()
    return None


def _casual_name(word: str, places: set[str]) -> bool:
    """A lower-case word that no other reader owns, so it can be someone's name."""
    return not (
        word in _CASUAL_NOT_NAMES
        or word in STOP
        or word in places
        or word.capitalize() in _CARRIER_WORDS
        or word in VOCABULARY
        or _cabin(word) is not None
        or lookup_place(word, fuzzy=False) is not None
        or read_dates(word, ANY_INSTANT).depart is not None
        or numbers.normalize(word) != word
    )


def asks_about_hotels(text: str) -> bool:
    """A policy question about hotels: a hotel word, or a city's nightly cap."""
    low = text.lower()
    return bool(_HOTEL_WORDS.search(low) or _HOTEL_CAP.search(low))


_HOTEL_CAP: Final = re.compile(r"\b(?:caps?|nightly|per night|a night)\b")


def bookable_person(u: Understanding, people: Sequence[str]) -> str | None:
    """A person the caller may book for, named anywhere in a request and in any case
    ("can u book ava jfk-bos", "ava jfk-lhr fri", "jfk-bos for ava pls"): their name as
    the profile writes it (its first word). ``people`` are the profile's names
    (``can_book_for``); a word read as a place ("to mia") names no one."""
    if not people:
        return None
    taken = [(p.start, p.end) for p in u.places]
    for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*", u.text):
        word = m.group(0).removesuffix("'s").removesuffix("’s").lower()
        if any(start <= m.start() < end for start, end in taken):
            continue
        if _REFERENCE.search(u.text[: m.start()].lower()):
            # "put her in the Holiday Inn Express, same as Ava": the one compared with
            continue
        for name in people:
            first = name.split()[0] if name.split() else ""
            if first and word == first.lower():
                return first
    return None


def _choosing(u: Understanding, clean: str, low: str) -> bool:
    if not u.options or _DECIDE.search(low) or _CANCEL.search(low) or u.booking_id:
        return False
    if picks.bare(clean):
        return True  # only a choice: "the first" is option 1, not the 1st of the month
    if all(r.carrier and picks.flight_number(r.carrier) for r in u.options) and (
        seats.on_flight_number(clean)
    ):
        return False  # "I'd like an extra legroom seat on BA 19": a seat on that flight
    return picks.is_pick(clean, u.options) and not (
        u.dates.depart
        or u.places
        or u.cabin
        or u.dates.question
        or u.dates.flexible
        # "same flight but a day later": that option searched for on the other day
        or (u.shift_days and all(r.same for r in u.options))
    )


# What a clause after a no may ask for on its own ("no thanks, not paying for that — just
# any free window seat", "nah, just check me in"): the no declines what was proposed, and
# the request is acted on.
_ASKS_OF_ITS_OWN: Final = frozenset({Intent.SEATS, Intent.CHECK_IN, Intent.BOARDING_PASS})


# "rather not book it", "let's not go ahead", "please don't book this": not an accept.
_NEGATION: Final = re.compile(
    r"\b(?:not|never|dont|don't|do not|no need to|let's not|lets not)\s+(?:\w+\s+){0,2}$"
)


def _asks_for_a_trip(u: Understanding) -> bool:
    """The message names something to search or book (a sort word alone does not)."""
    d = u.dates
    return bool(
        u.places
        or d.depart
        or d.ret
        or d.nights
        or u.cabin
        or u.passengers
        or u.passenger_delta
        or u.rooms
        or u.max_stops is not None
        or u.price_cap
        or u.time_shift
        or u.more_options
        or u.cheaper
        or u.options
        or u.booking_id
        or u.person
        or u.book_for
    )


# "my Boston to Paris flight", "our London return flight": a booked one, named by its
# route, when nothing in the message asks for a new trip.
_OWN_BOOKING_NAMED: Final = re.compile(
    r"\b(?:my|our) (?:[\w-]+ ){1,4}?(?:flights?|bookings?|trips?|reservations?)\b"
)


# A yes/no question: "can I ...", "is there ...", "do they ...".
_POLAR: Final = re.compile(
    r"^\s*(?:\w+[,!]\s+)?(?:can|could|may|do|does|is|are|will|would|am|should)\s+(?:i|we|you|they|it|there|my|our|the|a|he|she)\b"
)


def _asked_in_question(clean: str, trip: bool) -> bool:
    """Whether a wish the concierge can't grant (asks.unsupported) is in the message's
    question ("can I bring my dog on the flight to Boston on the 10th?"), not in a
    sentence beside a trip asked for ("Could you do London to Madrid on 17/12? Just hand
    luggage, nothing fancy."): then it is an aside and the trip is what is asked."""
    if not trip:
        return True
    questions = [s for s in re.split(r"(?<=[.?!])\s+", clean) if s.rstrip().endswith("?")]
    return not questions or any(asks.unsupported(s) is not None for s in questions)


# Wishes only a booked stay can have ("check out of my hotel a day early").
_OF_A_BOOKED_STAY: Final = frozenset({"shorten_stay"})


def _on_own_trip(unsupported: asks.Unsupported, clean: str, low: str) -> bool:
    """A wish done on a booked flight ("check me in for Paris Thursday", "an aisle seat on
    my Boston to Paris flight on Thursday"): its place and day name that flight, not a new
    trip to search, unless the message asks for one ("find flights to Paris on Thursday
    with a window seat")."""
    if asks.is_request(clean) or (re.search(r"\bflights\b", low) and not _OWN_BOOKING.search(low)):
        return False
    if unsupported.feature in _OWN_FEATURES:
        return True  # check-in and boarding passes exist only for a booked flight
    return unsupported.feature == "seats" and bool(_OWN_BOOKING_NAMED.search(low))


_REPLACED: Final = re.compile(
    r"\b(?:not|instead of|rather than|in place of)\s+(?:(?:to|from|in|at)\s+)?$"
)




# What only a booking made has: asked for, it is asked of one's trip, question or not.
_MADE_ONLY: Final = frozenset({"locator", "ticket", "hotel_name"})


def _asks_about_a_trip(u: Understanding, clean: str) -> bool:
    """A question about a trip already booked ("what time is my flight to London?",
    "when do I land?", "is the Paris hotel refundable?"), not a request for a new one."""
    if asks.is_request(clean):
        return False
    # ("remind me what I just booked?": "booked" names that booking, asks no status)
    facets = asks.trip_facets(asks.without_just_booked(clean) if u.just_booked else clean)
    if not u.dates.mentions:
        facets -= {"on_day"}  # "anything booked?" names no day: the other facets say
    if _OWN_HOTEL_NAMED.search(clean.lower()):
        facets |= {"hotel"}  # "am I in the Holiday Inn?": the hotel of one's stay
    # A booking reference or a ticket number exists only for a booking made: "I need the
    # hotel reservation reference, the front desk is asking", "ticket number for my flight
    # home pls" ask for one's own, question mark or not.
    if (
        not asks.is_question(clean)
        and not facets & _MADE_ONLY
        and not ({"address", "hotel"} <= facets and not u.dates.mentions)
    ):
        # "hotel address in london pls": an address is only a booked hotel's to give
        return False
    if u.for_booked_trip and _HOTEL_REQUEST.search(clean.lower()) and not facets & _MADE_ONLY:
        # "can you add a hotel to my paris trip?": one asked for ("I need the hotel
        # confirmation number for the London trip" asks for what only a booking has)
        return False
    u.facets = facets
    if not u.facets:
        return False
    # ("the cheapest hotel within my policy": the policy is one's own, no trip of one's)
    if (
        asks.is_own(picks.without_policy_fit(clean.lower()))
        or u.booking_id
        or flight_numbers(clean)
    ):
        # a flight named by its number ("BA 19", "what time does ba 19 land?"): a
        # question about it is about a booking
        return True
    if "check" in u.facets and _SPEAKER.search(clean.lower()):
        return True  # "just checking - I fly home from london on friday right?"
    if "on_day" in u.facets and u.dates.mentions and not u.places:
        return True  # "what's on for me on 18/12?": one's bookings of that day
    if (
        u.facets & {"time", "depart", "arrive"}
        and u.dates.mentions
        and not (u.places or u.options)
        and _THE_FLIGHT.search(clean.lower())
    ):
        return True  # "what time is the flight on 14/12?": the flight one has that day
    if "order" in u.facets and _TRIP_WORD.search(clean.lower()):
        return True  # "which trip is first?": one's trips, in order
    if u.facets & {"locator", "hotel_name"} and not _whose(clean, u.places):
        return True
    if (
        u.facets & {"time", "depart", "arrive", "status", "airport"}
        and not (u.places or u.options or u.dates.mentions)
        and asks.is_question(clean)
        and _IT_ASKED.search(clean.lower())
    ):
        # "what time does it leave again?", "so is it booked or not??": the booking the
        # conversation is about, taken up by "it"
        return True
    if {"address", "hotel"} <= u.facets and not u.options and not _whose(clean, u.places):
        return True  # "hotel address in london?": the address of the hotel one booked
    if u.facets & {"check_in", "check_out"} and _STAY_WORD.search(clean.lower()):
        # "what time is check-in at the holiday inn?": the times of the stay one booked
        return True
    # "When does Ava fly back from London?": someone else's booked trip (a manager's
    # report's, say); list_trips shows the caller the trips they may see.
    u.whose = _whose(clean, u.places)
    if u.whose:
        return True
    # "where's she staying in paris?": someone else's trip, by a pronoun (whose it is the
    # state says: the person the conversation last named, state.apply_user)
    u.whose = asks.someone_pronoun(clean)
    if u.whose:
        return True
    # "the Paris hotel", "the London flight", "the boston to paris flight": a booking
    # named by its place or its route.
    # ... or without "the" and taken up by "it" ("paris flight thurs - what time does it
    # leave boston?"): a flight the question speaks of as one that exists.
    named = re.search(
        # ("the boston–paris booking": a route written with a dash; "the paris request":
        # the trip waiting for approval)
        r"\bthe (?:[\w–—-]+ ){1,2}(?:to [\w-]+ )?(?:hotel|flight|trip|booking|stay|request)\b",
        clean.lower(),
    )
    if named and any(p.search(named.group(0)) for _, p in picks.tables().best):
        # "what's the cheapest hotel in San Francisco for Dec 14-16?": the best of the
        # options there, to find — no booking named
        named = None
    return bool(
        u.places
        and (
            named
            or (_PLACE_NAMED_BOOKING.search(clean.lower()) and _IT_ASKED.search(clean.lower()))
            # "what's the hotel for london?": the part of the trip there, as one that exists
            or (not u.dates.mentions and _PART_OF_TRIP_TO.search(clean.lower()))
        )
    )


_TRIP_WORD: Final = re.compile(r"\b(?:trips?|bookings?)\b")
# "the flight on 14/12": a flight spoken of as one that exists
_THE_FLIGHT: Final = re.compile(r"\bthe (?:flight|plane)\b")


# "paris flight thurs", "boston-paris flight": a booking named by its place, at the start
# of the message or of a clause.
_PLACE_NAMED_BOOKING: Final = re.compile(
    r"(?:^|[-–—,.;:!?] )(?:[\w–—-]+ ){1,2}(?:to [\w-]+ )?(?:hotel|flight|trip|booking|stay)\b"
)
# "... does it leave", "when is it", "who's it waiting on": the question takes that
# booking up by "it".
_IT_ASKED: Final = re.compile(r"(?:\b(?:does|did|is|was|will|do)|['’]s) (?:it|that)\b")


def _whose(clean: str, places: list[PlaceMention]) -> str | None:
    """The person a question about a booked trip names as taking it ("does Ava fly",
    "Ava Patel's booking"), as written, with those named beside them ("what's fin and ava
    got coming up": "Fin and Ava"); None when it names no one: a place ("does London
    ..."), an airline, a word in not_names, or a brand after "the" ("the Hilton's room")."""
    found = _whose_first(clean, places)
    if found is None:
        return None
    start, name = found
    names = [name]
    spans = [(p.start, p.end) for p in places]
    rest = clean[start + len(name) :]
    while m := _ALSO_NAMED.match(rest):
        if not _casual_person(m.group(1), m.start(1) + len(clean) - len(rest), spans):
            break
        names.append(m.group(1).title())
        rest = rest[m.end() :]
    before = clean[:start]
    while m := _NAMED_BEFORE.search(before):
        if not _casual_person(m.group(1), m.start(1), spans):
            break
        names.insert(0, m.group(1).title())
        before = before[: m.start()]
    if len(names) == 1:
        return name
    return ", ".join(names[:-1]) + " and " + names[-1]


# Another name beside the one found: "Fin and Ava", "Ava, Tom and Leo".
_ALSO_NAMED: Final = re.compile(r"(?:\s*,\s*|\s+(?:and|&)\s+)([A-Za-z][a-z]+)\b")
_NAMED_BEFORE: Final = re.compile(r"\b([A-Za-z][a-z]+)(?:\s*,\s*|\s+(?:and|&)\s+)$")


def _casual_person(word: str, start: int, spans: list[tuple[int, int]]) -> bool:
    """A word beside a name read as another person: none of the words that never are."""
    return not (
        len(word) < 3
        or word.lower() in _CASUAL_NOT_NAMES
        or word.lower() in {"me", "myself", "and", "or", "but"}
        or word.title() in _CARRIER_WORDS
        or any(a <= start < b for a, b in spans)
        or read_dates(word, ANY_INSTANT).depart is not None
        # a code the places reader left alone, in a list of people ("fin, mia and ava"),
        # is a name; "jfk to mia" is a place (its span, above)
        or (lookup_place(word, fuzzy=False) is not None and word.lower() not in WORDLIKE_CODES)
    )


def _whose_first(clean: str, places: list[PlaceMention]) -> tuple[int, str] | None:
    spans = [(p.start, p.end) for p in places]
    for start, name in asks.someone(clean):
        words = name.split()
        if (
            words[0] in _NOT_NAMES
            or any(w in _CARRIER_WORDS for w in words)
            or any(a <= start < b for a, b in spans)
            or re.search(r"\bthe\s*$", clean[:start], re.IGNORECASE)
            or read_dates(words[0], ANY_INSTANT).depart is not None
            or (lookup_place(name, fuzzy=False) is not None and not _written_as_name(name))
        ):
            continue
        return start, name
    for start, word in asks.someone_casual(clean):
        # ... in chat lower case ("when does ava land?"): one word, checked the same way
        if (
            len(word) < 3
            or word.lower() in _CASUAL_NOT_NAMES
            or word.title() in _CARRIER_WORDS
            or any(a <= start < b for a, b in spans)
            or re.search(
                r"\b(?:the|my|our|your|his|her|their|a|an|this|that)\s*$", clean[:start], re.I
            )
            or read_dates(word, ANY_INSTANT).depart is not None
            or lookup_place(word, fuzzy=False) is not None
        ):
            continue
        return start, word.title()
    return None


# Sentences: after "?" or "!", or after a full stop that ends a word ("Dec. 14" goes on).
_SENTENCE: Final = re.compile(r"(?<=[!?])\s+|(?<=[a-z]{2}\.)\s+(?=[A-Za-z])|(?<=\d\.)\s+(?=[A-Z])")


def _sentence_at(clean: str, at: int) -> str:
    """The sentence of ``clean`` that holds position ``at``."""
    bounds = [0, *(m.end() for m in _SENTENCE.finditer(clean)), len(clean)]
    return next((clean[a:b] for a, b in itertools.pairwise(bounds) if a <= at < b), clean)


def _trip_dates(clean: str, low: str, now: datetime, month_first: bool) -> DateReading:
    """When the trip is: the days a message names, except those of a sentence that only
    tells of something else ("I'm presenting in San Francisco on the 10th.", "I need to
    be in London on the 22nd for a team dinner.") when another sentence asks for the
    flight or hotel on a day of its own ("Can you look at flights out of O'Hare on
    Wednesday the 9th?"): that day is the trip's, the event's is context."""
    for m in _BOOKING_NOW.finditer(low):
        # "if I book a flight for Monday the 7th today": the day of booking is no travel day
        a, b = m.span("day")
        clean, low = (t[:a] + " " * (b - a) + t[b:] for t in (clean, low))
    reading = read_dates(clean, now, month_first=month_first)
    booked = _booked_clauses(clean, low, now, month_first)
    if booked:
        # "I'm already booked in London 15–18 Dec. Can you look at London to Paris on
        # Wednesday the 16th?": the stay one has is the scene, the day asked the trip's
        # (read without it, "the 16th" no longer a label of the range it falls in).
        rest = read_dates(_blanked(clean, booked), now, month_first=month_first)
        if rest.mentions:
            return rest
    if len(reading.mentions) < 2 or reading.around_event is not None:
        return reading
    # A clause telling of what already happened ("I started at Globex on Monday", "my
    # manager only told me about the meeting today"): its day is never the trip's, when
    # another day is left to travel on.
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(clean)), len(clean)]
    past = [
        (a, b)
        for a, b in itertools.pairwise(cuts)
        if any(a <= m.start < b for m in reading.mentions)
        and _PAST.search(low[a:b])
        and not _TRIP_LEG.search(low[a:b])
        and not _FLIGHT_WORDS.search(_TRAVEL_WORDS.sub(" ", low[a:b]))
    ]
    if past and any(not any(a <= m.start < b for a, b in past) for m in reading.mentions):
        kept = list(clean)
        for a, b in past:
            kept[a:b] = " " * (b - a)
        clean = "".join(kept)
        low = clean.lower()
        reading = read_dates(clean, now, month_first=month_first)
        if len(reading.mentions) < 2:
            return reading
    bounds = [0, *(m.end() for m in _SENTENCE.finditer(clean)), len(clean)]
    sentences = [(a, b) for a, b in itertools.pairwise(bounds) if b > a]
    if len(sentences) < 2:
        return reading

    def dated(span: tuple[int, int]) -> bool:
        return any(span[0] <= m.start < span[1] for m in reading.mentions)

    def asks(span: tuple[int, int]) -> bool:
        text = low[span[0] : span[1]]
        return bool(
            _FLIGHT_WORDS.search(_TRAVEL_WORDS.sub(" ", text))
            or _HOTEL_WORDS.search(text)
            # "Could you see what's available from New York on the Monday evening?": a
            # question or a request is asked, never told as context
            or _REQUEST_SENTENCE.search(text)
        )

    context = [
        s for s in sentences if dated(s) and not asks(s) and not _TRIP_LEG.search(low[s[0] : s[1]])
    ]
    if not context or not any(dated(s) and asks(s) for s in sentences):
        return reading
    kept = list(clean)
    for a, b in context:
        kept[a:b] = " " * (b - a)
    # The event's day still says which "the Wednesday" is meant ("presenting on Thursday
    # 17th December. A flight out on the Wednesday").
    anchor = next(m.first for m in reading.mentions if any(a <= m.start < b for a, b in context))
    return read_dates("".join(kept), now, month_first=month_first, anchor=anchor)


_BOOKED_ALREADY: Final = _rx("trip", "booked_already")


@lru_cache(maxsize=256)
def _booked_clauses(
    clean: str, low: str, now: datetime, month_first: bool
) -> tuple[tuple[int, int], ...]:
    """The clauses of a message telling of a stay one has booked already, by its days
    (a range: "I'm already booked in London 15–18 Dec", "my London hotel is booked
    15–18 December"). Remembered: the dates and the places of a message both ask."""
    low = low.replace("’", "'")
    if not _BOOKED_ALREADY.search(low):
        return ()
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(clean)), len(clean)]
    found = []
    for a, b in itertools.pairwise(cuts):
        if not _BOOKED_ALREADY.search(low[a:b]):
            continue
        told = read_dates(clean[a:b], now, month_first=month_first)
        if told.stay is not None or any(m.last is not None for m in told.mentions):
            found.append((a, b))
    return tuple(found)


def _blanked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    kept = list(text)
    for a, b in spans:
        kept[a:b] = " " * (b - a)
    return "".join(kept)


# A sentence that asks: a question, or a request made of the concierge.
_REQUEST_SENTENCE: Final = re.compile(
    r"\?\s*$|\b(?:could|can|would|will) (?:you|u)\b|\b(?:please|pls|plz)\b"
)


# A sentence telling of what already happened ("I started at Globex on Monday", "we moved
# offices last week"): its day is never the trip's.
_PAST: Final = re.compile(
    r"\b(?:i|we|he|she|they)(?:'ve| have| had)?\s+(?:just\s+|only\s+)?"
    r"(?:started|joined|began|moved|transferred|switched|was|were|met|spoke|talked|heard)\b"
    # ... but what one was told to do is still ahead: "my manager just told me I have to
    # attend the onboarding in Chicago", "she asked me to go to Boston"
    r"|\b(?:told|informed|emailed|messaged|texted|called|warned|reminded) (?:me|us)\b"
    r"(?!\s+(?:that\s+)?(?:to\b|(?:i|we)(?:'ll|'m|'re| will| am| are| have to| need to| must| should| gotta)\b))"
)
# Clauses: sentences, and the parts a dash, a semicolon or a comma sets apart.
_CLAUSE: Final = re.compile(r"(?<=[.!?])\s+|\s+[—–-]\s+|[;,]\s*")


# Words of a sentence that dates a part of the trip even without a flight or hotel word
# ("Back on Friday.", "Leaving Monday.", "Home by the 20th."): never context.
_TRIP_LEG: Final = re.compile(
    r"\b(?:back|return\w*|home|leav\w*|depart\w*|outbound|arriv\w*|land\w*|until|till|til|through)\b"
)


def _without_context_names(clean: str, found: list[PlaceMention]) -> list[PlaceMention]:
    """The places of a message that are ends of the trip. A place in a clause telling of
    what already happened ("I've just moved over from the London team") is none, when
    the message names another. A name no reader knows as a place ("at Globex", "from
    Finance") is context when the message names a known place for the same end ("three
    of us from Finance going to Chicago ... flights from New York"), or when it is told in
    a sentence that asks for no flight nor hotel ("Hi, I'm Gus from Globex sales.") while
    another sentence names a known place. Alone, it stays: "flights to Globex" is asked
    about ("I don't recognise Globex"). A name no reader knows written as someone's ("add a
    hotel to Ava's paris trip") is a person's, never a place."""
    found = [
        m
        for m in found
        if not (
            m.place is None
            and not m.unserved
            and re.search(r"['’]s$", m.text)
            and re.match(r"\s+\w", clean[m.end :])
        )
    ]
    low = clean.lower()
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(clean)), len(clean)]

    def told(m: PlaceMention) -> bool:
        # "I've just moved over from the London team": where one was, not where one goes
        a, b = next((a, b) for a, b in itertools.pairwise(cuts) if a <= m.start < b)
        said = low[a:b]
        return bool(_PAST.search(said)) and not _FLIGHT_WORDS.search(_TRAVEL_WORDS.sub(" ", said))

    past = [m for m in found if told(m)]
    if past and len(past) < len(found):
        found = [m for m in found if m not in past]
    known = [m for m in found if m.place is not None or m.unserved]
    if not known or len(known) == len(found):
        return found
    bounds = [0, *(m.end() for m in _SENTENCE.finditer(clean)), len(clean)]

    def sentence(m: PlaceMention) -> tuple[int, int]:
        return next((a, b) for a, b in itertools.pairwise(bounds) if a <= m.start < b)

    kept = []
    for m in found:
        if m.place is None and not m.unserved:
            if m.role is not None and any(k.role == m.role and k.place for k in known):
                continue
            a, b = sentence(m)
            said = clean[a:b].lower()
            if not (_FLIGHT_WORDS.search(said) or _HOTEL_WORDS.search(said)) and not any(
                a <= k.start < b for k in known
            ):
                continue
        kept.append(m)
    return kept


# What joins two airports either of which will do: "LHR or Gatwick", "JFK/Newark".
_EITHER_AIRPORT: Final = re.compile(r"^\s*(?:,\s*)?(?:or|/)\s*(?:from\s+|to\s+|into\s+|in\s+)?$")


def _airport_choices(u: Understanding, low: str) -> None:
    """Two airports of one city joined by "or" ("LHR or Gatwick to Dublin", "London to
    Madrid, Heathrow or Gatwick", "into CDG or Orly"): that end of the trip is either, so
    both are searched (``u.origin_choices`` / ``u.destination_choices``); the route's
    other end is the place of another city."""
    found = u.places
    for a, b in itertools.pairwise(found):
        if (
            a.place is None
            or b.place is None
            or a.place.kind != "airport"
            or b.place.kind != "airport"
            or a.place.city != b.place.city
            or a.place.airports[0] == b.place.airports[0]
            or not _EITHER_AIRPORT.match(low[a.end : b.start])
        ):
            continue
        city = a.place.city
        others = [m for m in found if m.place is not None and m.place.city != city]
        if len(others) != 1:
            return
        other = others[0]
        same = [m for m in found if m.place is not None and m.place.city == city]
        choices = [a.place.airports[0], b.place.airports[0]]
        said_from = a.role == "origin" or b.role == "origin" or other.role == "destination"
        said_to = a.role == "destination" or b.role == "destination" or other.role == "origin"
        leaving = not said_to and (said_from or a.start < other.start)
        # One mention for the city's end (the first said), the other place the route's end.
        here = replace(a, role="origin" if leaving else "destination")
        there = replace(other, role="destination" if leaving else "origin")
        u.places = [m for m in found if m not in same or m is a]
        u.places = [here if m is a else there if m is other else m for m in u.places]
        if leaving:
            u.origin, u.destination, u.origin_choices = here, there, choices
        else:
            u.origin, u.destination, u.destination_choices = there, here, choices
        return


_SENTENCES: Final = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")


def _dropped_out(clean: str) -> tuple[list[str], str]:
    """Who the message says no longer travels ("Actually Fin can't make it, drop him",
    "one of us can't come", "bob dropped out") — a first name as written, or "" for one
    not named — and the message without those clauses (intents.yaml passenger_out)."""
    low = clean.lower().replace("’", "'")
    dropped: list[str] = []
    kept: list[tuple[int, int]] = []
    for m in _PASSENGER_OUT.finditer(low):
        who = m.group("who")
        if _GENERIC_OUT.match(who) and not who.startswith(("the ", "a ")):
            dropped.append("")
        else:
            words = [w for w in who.split() if w not in _OUT_NOT_NAMES]
            if not words or (who.startswith(("the ", "a ")) and words != who.split()[1:]):
                continue
            if who.startswith(("the ", "a ")):
                dropped.append("")  # "the other guest can't come"
            else:
                start = m.start("who") + who.index(words[0])
                dropped.append(clean[start : start + len(words[0])])
        kept.append(m.span())
    if not kept:
        return [], clean
    rest, end = [], 0
    for a, b in kept:
        rest.append(clean[end:a])
        end = b
    rest.append(clean[end:])
    return dropped, " ".join(" ".join(rest).split())


def _flights_told(clean: str) -> bool:
    """Every sentence with a word of flying tells of the traveller's own flights ("I land
    in Paris on Thursday and fly home Monday."), and another sentence asks for a hotel."""
    sentences = [s.lower().replace("’", "'") for s in _SENTENCES.split(clean) if s.strip()]
    flying = [s for s in sentences if _FLIGHT_WORDS.search(_TRAVEL_WORDS.sub(" ", s))]
    asked = [
        s
        for s in sentences
        if s not in flying
        and _HOTEL_WORDS.search(s)
        and (asks.is_request(s) or asks.is_question(s))
    ]
    return bool(flying and asked) and all(
        _FLIGHT_TOLD.search(s) and not asks.is_question(s) for s in flying
    )


def _read_stays(u: Understanding, clean: str, now: datetime, month_first: bool) -> None:
    """Hotels in two or more cities, each with its nights ("I'll be in Madrid 14–16 Dec and
    then Paris 16–18 Dec, need a hotel in both"): the first stay is the request's place and
    dates, the others ride along (``u.stays``); no flight, no route between the cities."""
    stays = read_stays(clean, now, month_first=month_first)
    if not stays:
        return
    first = replace(stays[0].place, role="destination")
    u.stays = stays[1:]
    u.places, u.origin, u.destination, u.legs = [first], None, first, []
    u.dates = DateReading(depart=stays[0].check_in, ret=stays[0].check_out)
    u.want_hotel, u.want_flight = True, False


def _slots(u: Understanding, clean: str, low: str, now: datetime, month_first: bool) -> None:
    u.places = _without_context_names(clean, find_places(clean))
    if _BOOKED_ALREADY.search(low.replace("’", "'")):
        # "I'm already booked in London 15–18 Dec. … London to Paris on the 16th": the
        # place of the stay one has is no end of the trip asked, when another is named.
        booked = _booked_clauses(clean, low, now, month_first)
        elsewhere = [m for m in u.places if not any(a <= m.start < b for a, b in booked)]
        staying = {m.place.city: m for m in u.places if m not in elsewhere and m.place}
        if booked and elsewhere and len(elsewhere) < len(u.places):
            u.places = elsewhere
            if (
                len(staying) == 1
                and not any(m.role == "origin" for m in elsewhere)
                and all(m.place is not None and m.place.city not in staying for m in elsewhere)
            ):
                # "My London hotel is booked 15–18 December. I need to pop over to Madrid
                # on the 16th": the side trip leaves from where one stays
                u.places = [replace(next(iter(staying.values())), role="origin"), *elsewhere]
    replaced = [m for m in u.places if _REPLACED.search(low[: m.start])]
    if replaced and len(replaced) < len(u.places):
        # "New York instead of Boston", "to Dublin, not London": the place corrected away
        # is no part of the trip; the dialogue uses it to tell which end changes.
        u.replaced_place = replaced[0]
        u.places = [m for m in u.places if m not in replaced]
    u.origin, u.destination = roles(u.places)
    _airport_choices(u, low)
    u.dates = _trip_dates(clean, low, now, month_first)
    u.leaving = bool(
        u.dates.mentions
        and u.dates.ret is None
        and _LEAVING.search(low[: u.dates.mentions[0].start])
    )
    if len(u.places) >= 2:
        u.legs = read_legs(clean, now, month_first=month_first)
    later = return_days_later(low) if not u.dates.mentions else None
    if later is not None and u.dates.depart is None and u.dates.ret is None:
        # "and home the day after", "back two days later": the way home counted from the
        # way out the dialogue has (state.apply_user), not the trip moved a day on
        u.dates.return_days, u.dates.explicit_return = later, True
    for delta, pattern in _SHIFT:
        if u.dates.relative_return or u.dates.return_days is not None or (
            not u.dates.mentions and _HOTEL_WORDS.search(low) and return_counted_on(low)
        ):
            # "back two days later" dates the return, it does not move the trip ("a hotel
            # for the one night, coming back the next day": the night is the first one)
            break
        if pattern.search(low) and not re.search(r"day after tomorrow", low):
            u.shift_days = delta
            break
    u.cabin = _cabin(fix_spelling(low))  # "busines class", "premuim economy"
    u.passengers = numbers.passengers(low)
    party = named_party(clean, u.places)
    u.party = party.people
    if u.party and party.listed and (u.passengers or 0) < 1 + len(u.party):
        u.passengers = 1 + len(u.party)  # "for me plus Tom Reed and Priya Shah": three
    elif u.party and not u.passengers:
        # "Priya's coming as well" after a search for two: three, a seat more each
        u.passenger_delta = len(u.party)
    u.self_joins = bool(_SELF_JOINS.search(low.replace("’", "'")))
    listed = None if u.party or u.passengers else others_party(clean, u.places)
    if listed is not None:
        # "tom and priya together": two, not the speaker; "me, mia and erin": three
        u.passengers = len(listed.people) + (1 if listed.with_speaker else 0)
        if not listed.with_speaker:
            u.listed = list(listed.people)
    counted = numbers.normalize(low)  # number words as digits: "add two" -> "add 2"
    total = _PASSENGER_TOTAL.search(counted)
    more = None if total else _PASSENGER_DELTA.search(counted)
    if total:
        u.passengers = int(total.group("n") or total.group("n2"))
    elif more and not re.search(r"\bme and\b", counted):
        raw = more.group("n") or more.group("n2")
        u.passenger_delta = 1 if raw in {"a", "an", "another"} else word_number(raw or "1")
        if u.passengers == u.passenger_delta:
            u.passengers = None  # "add two colleagues": two more, not two in all
    elif _PASSENGER_LESS.search(counted):
        u.passenger_delta = -1
    if u.dropped and not u.passengers:
        after = _TOTAL_AFTER_OUT.search(counted)
        if after:
            u.passengers = int(after.group("n") or after.group("n2"))  # "make it 2"
        elif not u.passenger_delta:
            u.passenger_delta = -len(u.dropped)  # "Fin can't make it": a seat fewer
    if u.self_joins and not u.passengers and not u.passenger_delta:
        u.passenger_delta = 1  # "add me too": the speaker's seat (none on their own trip)
    u.rooms = numbers.rooms(low)
    if _DIRECT.search(low):
        u.max_stops = 0
    elif _ALLOW_STOPS.search(low):
        u.max_stops = 1
    for name, pattern in _SORTS:
        if pattern.search(low):
            u.sort = name
            break
    # "a Hilton in London"; "Sofitel Paris, 14 to 16 December?": a brand opening the
    # request, the city right after it
    brand_stay = bool(_BRAND_STAY.search(low)) or any(
        m.place is not None and _BRAND_OPENS.fullmatch(low[: m.start]) for m in u.places
    )
    # ("a hotel in paris to go with my flight", "a hotel for the Paris trip": the flight or
    # trip named is one already booked, no journey asked for)
    told = _FOR_BOOKED_TRIP.sub(" ", low) if _HOTEL_WORDS.search(low) else low
    journey = bool(_FLIGHT_WORDS.search(_TRAVEL_WORDS.sub(" ", told)))
    # "somewhere in boston tmrw night, one night only": a place to be in, for nights
    # counted or a first and last day, with no word of getting there
    # "a couple of nights in Dublin from Thursday 10th": nights counted in a place named
    nights_in = any(
        m.place is not None and _NIGHTS_IN_PLACE.search(low[max(0, m.start - 40) : m.start])
        for m in u.places
    )
    stay_named = brand_stay or bool(
        not journey
        and (_STAY_SOMEWHERE.search(low) or nights_in)
        and (u.dates.ret is not None or u.dates.nights is not None)
    )
    hotel_words = bool(_HOTEL_WORDS.search(low)) or stay_named
    if _HOTEL_ONLY.search(low):
        u.want_hotel, u.want_flight = True, False
    elif _NO_HOTEL.search(low):
        u.no_hotel = True
        u.want_flight = True
    elif (
        (hotel_words and not re.search(r"\bnights?\b", low))
        or stay_named
        or re.search(r"\b(?:hotels?|rooms?|accommodation|somewhere to stay|place to stay)\b", low)
        # "something in Paris 10-13 Dec, max 200 per night": a budget by the night is a
        # room's (a fare is never priced by the night)
        or (u.price_cap is not None and u.price_cap.per == "night")
    ):
        u.want_hotel = True
    # "I'll be in Boston Dec 15-17, can you find a hotel?": being somewhere is no flight
    # asked for when a hotel is (below); a word for the flight itself still is one.
    if journey or u.cabin or u.max_stops is not None:
        u.want_flight = u.want_flight if u.want_flight is not None else True
    elif (
        u.want_hotel
        and not _HOTEL_TOO.search(low)
        # "Atlanta next Monday, hotel from the Tuesday to the Thursday": a day of its own
        # before the stay's is the day of getting there
        and not (
            u.dates.stay is not None
            and u.dates.depart is not None
            and u.dates.depart <= u.dates.stay[0]
        )
        and (
            _HOTEL_IN.search(low)
            or stay_named
            # "a hotel for her paris trip too": the trip named is the one booked, no new one
            or not (
                u.origin or len(u.places) > 1 or _IMPLIED_RETURN.search(_FOR_BOOKED_TRIP.sub(" ", low))
            )
        )
    ):
        # "a hotel in Paris for 3 nights", "need a hotel, Paris, Dec 10-12": only the
        # stay. Nothing says how to get there (no flight word, no origin, no trip), so
        # no flight is searched; "a Paris trip with a hotel" still gets both.
        u.want_flight = False
    elif _FLIGHT_WORDS.search(low):
        u.want_flight = u.want_flight if u.want_flight is not None else True
    if u.want_hotel and u.want_flight and _flights_told(clean):
        # "I'll be in Paris from Monday 14 December and I fly home on Thursday the 17th.
        # Could you find me a hotel for those nights?": the flights are told, the hotel asked.
        u.want_flight = False
    if (
        u.want_hotel
        and u.want_flight is not True
        and len(u.places) >= 2
        and not _FLIGHT_WORDS.search(_TRAVEL_WORDS.sub(" ", low))
    ):
        _read_stays(u, clean, now, month_first)
    u.one_way = bool(_ONE_WAY.search(low))
    u.purpose_said = purposes.said_for(clean)
    homeward = _HOMEWARD.search(low)
    u.homeward = (homeward.end() - 4, homeward.end()) if homeward else None
    u.for_booked_trip = bool(u.want_hotel and _FOR_BOOKED_TRIP.search(low))
    u.flight_asked = bool(_FLIGHT_ASKED.search(low))
    u.round_trip = bool(_ROUND.search(low))
    u.implied_return = bool(
        _IMPLIED_RETURN.search(_FOR_BOOKED_TRIP.sub(" ", low) if u.want_hotel else low)
    )
    u.stay_between = bool(u.want_hotel and _STAY_BETWEEN.search(low))
    event = u.dates.around_event
    if u.want_hotel and event is not None and u.dates.depart is not None:
        # "a conference 15–17 Dec, fly in the night before, and a hotel": the stay is the
        # event's, from the day the flight there lands (flows.search) to its last day
        # when no way home is said.
        u.stay_between = u.dates.ret is not None
        if u.dates.ret is None and u.dates.nights is None and event[1] > event[0]:
            u.dates.nights = (event[1] - u.dates.depart).days
    u.clear_time = bool(_CLEAR_TIME.search(low))
    shift = _EARLIER_LATER.search(low)
    other = _OTHER_OPTION.search(low)
    u.other_option = other is not None
    u.more_options = bool(_MORE_OPTIONS.search(low.strip()))
    if _CHEAPER.search(low.strip()):
        u.cheaper = u.other_option = True
        u.sort = "price"
    if shift and not u.dates.depart_after and not u.dates.depart_before and u.shift_days is None:
        u.time_shift = shift.group(1)
    elif (
        other is not None
        and (other.group("w") or other.group("w2"))
        and not u.dates.depart_after
        and not u.dates.depart_before
        and u.shift_days is None
    ):
        u.time_shift = other.group("w") or other.group("w2")  # "can I get a later one?"
    u.options = picks.read(clean)
    if u.party and all(replace(r, kind=None, same=False) == OptionRef() for r in u.options):
        # "add my colleague Tom Reyes on the same flight": the flight they join is the one
        # in view (held), named by who joins it — no option picked
        u.options = []
    if u.passengers == 2 and any(r.both for r in u.options) and not picks.both_people(clean):
        u.passengers = None  # "option 2 for both": both lists, not two people


def hotel_only_said(text: str) -> bool:
    """Whether the message says only a hotel is wanted ("just a room", "no flights")."""
    return _HOTEL_ONLY.search(text.lower().replace("’", "'")) is not None


def listed_status(text: str) -> str | None:
    """The status a trips list is asked for by ("which of my trips are confirmed?"), or None."""
    low = text.lower().replace("’", "'")
    if _LISTED_ALL.search(low):
        return None  # "which are confirmed and which aren't?": every trip, each said
    return next((name for name, pattern in _LISTED_STATUS if pattern.search(low)), None)
