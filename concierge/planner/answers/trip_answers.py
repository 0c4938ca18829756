"""Questions about one's own trips — or, for a manager, finance or the admin, about the
trips of someone they may see ("when does Ava fly back?") — answered from ``list_trips``
(which lists exactly the trips the booking core lets the caller see) and ``get_booking``.

A trip is matched by its structured ``places`` and days (never by searching the
summary text); the answer reads the booking's segments (``BookingOut``): times
are the local wall times the tools give, places their codes and cities.
Terminals and gates are not in the catalogue, and the answer says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from concierge.planner import render
from core.money import money_json
from core.policy.engine import format_duration
from core.policy.render import role_label
from tools.get_booking import GetBookingOutput
from tools.list_trips import TripOut, trip_places
from tools.views import BookingOut, SegmentOut, WaitingOnOut, city_of, day_range, spoken_day

INACTIVE = frozenset({"cancelled", "expired", "failed"})
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The order facets are answered in when a question carries several ("what terminal does
# my flight leave from" is about the terminal, "when do I land" about the landing).
_ORDER = (
    "order",
    "on_day",
    "have",
    "hold_until",
    "names",
    "ticket",
    "terminal",
    "locator",
    "purpose",
    "refundable",
    "charged",
    "cost",
    "status",
    "address",
    "check_out",
    "check_in",
    "nights",
    "hotel",
    "cabin",
    "airport",
    "duration",
    "arrive",
    "depart",
    "time",
    "return",
    "overview",
)
_HOTEL_FACETS = frozenset({"hotel", "address", "check_in", "check_out", "nights"})
# What a trip is while its rooms and seats are only held (a hold ends at hold_expires_at).
_HOLDING = frozenset({"held", "pending_approval"})


@dataclass(frozen=True)
class TripAsk:
    """What a question about one's trips carries, as read from the message."""

    text: str
    facets: frozenset[str]
    city: str | None = None
    day: dt.date | None = None
    cabin: str | None = None  # "am I flying economy?"
    kind: str | None = None  # flight | hotel, when the question names one
    flight: str | None = None  # a flight number named ("BA 19")
    whose: str | None = None  # someone else taking the trip, as named ("Ava", "Ava Patel")
    # A weekday said alone ("Monday's flight"): any such day of the trip, not only the
    # next one ("day" is then None).
    weekday: int | None = None
    into: bool = False  # the city is named as where a flight goes ("home into New York")
    # ... or as where a flight leaves ("which terminal does my flight leave from at JFK?")
    out_of: bool = False
    me: str = ""  # the caller's name: a trip someone else takes is told as theirs
    manager: str = ""  # the caller's manager's name: who "your manager" is


@dataclass(frozen=True)
class _Voice:
    """Who the answer talks about: "you", or the traveller named in the question."""

    name: str = ""  # "" for the caller

    @property
    def subject(self) -> str:  # "You fly out of", "Ava Patel flies out of"
        return self.name or "You"

    @property
    def be(self) -> str:  # "You're staying", "Ava Patel is staying"
        return f"{self.name} is" if self.name else "You're"

    @property
    def s(self) -> str:  # "You land" / "Ava Patel lands"
        return "s" if self.name else ""

    @property
    def possessive(self) -> str:
        return f"{self.name}'s" if self.name else "your"


def _voice(ask: TripAsk, b: BookingOut) -> _Voice:
    # ("what time does BA 19 land?" asked by a manager of her report's flight: "Ava
    # Patel lands", never "you land")
    theirs = bool(ask.me and b.traveler and b.traveler != ask.me)
    return _Voice(b.traveler if ask.whose or theirs else "")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_traveller(t: TripOut, name: str) -> bool:
    """Whether a trip is taken by the person a question names: their full name, or one
    of its words ("Ava", "Patel" for Ava Patel); of several named ("Fin and Ava"), any."""
    theirs = t.traveler.lower().split()
    for one in named(name):
        said = one.lower().split()
        if said == theirs or (len(said) == 1 and said[0] in theirs):
            return True
    return False


def named(name: str) -> list[str]:
    """The people a question names together ("Fin and Ava", "Ava, Tom and Leo"), each
    as written."""
    return [n.strip() for n in re.split(r",|\band\b|&", name) if n.strip()]


@dataclass(frozen=True)
class TripAnswer:
    text: str
    confirm: str | None = None  # a held booking the answer offers to confirm


def main_facet(ask: TripAsk) -> str | None:
    return next((f for f in _ORDER if f in ask.facets), None)


def matching(trips: list[TripOut], ask: TripAsk, today: dt.date) -> list[TripOut]:
    """The active trips the question can mean, soonest first (upcoming before past)."""
    active = [t for t in trips if t.status not in INACTIVE]
    found = active
    if ask.whose is not None:
        found = [t for t in found if is_traveller(t, ask.whose)]
    if ask.city is not None:
        # "my flight home into New York": the city a flight home goes to is where the
        # trip starts, not one of its places.
        # ... and a city named as where a flight leaves ("my flight out of JFK") is where
        # the trip starts, when no trip goes there.
        # ... and so is a city named beside a flight's number ("what time does BA 18 get
        # into JFK?": the flight home lands where the trip started).
        home_too = "return" in ask.facets or ask.flight is not None
        going = [t for t in found if ask.city in t.places or (home_too and ask.city == t.origin)]
        found = going or [t for t in found if ask.out_of and ask.city == t.origin]
    if ask.flight is not None:
        found = [t for t in found if _squeeze(ask.flight) in {_squeeze(f) for f in t.flights}]
    if ask.day is not None:
        found = [
            t
            for t in found
            if t.start is not None
            and t.end is not None
            and dt.date.fromisoformat(t.start) <= ask.day <= dt.date.fromisoformat(t.end)
        ]
    if ask.weekday is not None:
        # "my Friday flight": a trip with a flight (or a stay) starting on a Friday, else
        # one that spans a Friday.
        starting = [t for t in found if any(d.weekday() == ask.weekday for d in _starts(t, ask))]
        found = starting or [
            t for t in found if any(d.weekday() == ask.weekday for d in _days_of(t))
        ]

    # A question about the hotel (the flight) means a trip that has one, when it names none.
    kind = ask.kind or ("hotel" if ask.facets & _HOTEL_FACETS else None)

    # "until when is it held?": a trip that is held, or waiting for approval, when it names none
    held = "hold_until" in ask.facets

    def soon(t: TripOut) -> tuple[int, int, int, str]:
        ended = t.end is not None and dt.date.fromisoformat(t.end) < today
        lacks = kind is not None and not any(leg.kind == kind for leg in t.legs)
        settled = held and t.status not in _HOLDING
        return (1 if ended else 0, 1 if lacks else 0, 1 if settled else 0, t.start or "9999")

    return sorted(found, key=soon)


_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
_COUNT_SAID = re.compile(r"\b(two|three|four|both|[234]) (?:trips|bookings)\b", re.IGNORECASE)


def in_order(trips: list[TripOut], ask: TripAsk, today: dt.date) -> str:
    """Which of one's trips comes first ("which one's first?", "I've got two trips, right?"):
    the upcoming trips the question can mean, soonest first, the first one named; a count
    said is confirmed or corrected."""
    upcoming = [
        t
        for t in matching(trips, ask, today)
        if t.end is None or dt.date.fromisoformat(t.end) >= today
    ]
    whose = f"{ask.whose} has" if ask.whose else "You have"
    if not upcoming:
        return f"{whose} no upcoming trips."
    said = _COUNT_SAID.search(ask.text)
    n = len(upcoming)
    count = f"{n} upcoming trip{'s' if n > 1 else ''}"
    lead = (
        f"{'Yes' if _COUNTS[said.group(1).lower()] == n else 'Actually'} — {whose.lower()} {count}"
        if said
        else f"{whose} {count}"
    )
    first = upcoming[0]
    where = " and ".join(first.places) if first.places else first.booking_id
    head = f"{lead}; the first is **{where}**:" if n > 1 else f"{lead}, **{where}**:"
    lines = "\n".join(f"{i}. {trip_line(t)}" for i, t in enumerate(upcoming, start=1))
    return f"{_cap(head)}\n{lines}"


def _days_of(t: TripOut) -> list[dt.date]:
    """Every day a trip spans, first to last."""
    if t.start is None or t.end is None:
        return []
    first, last = dt.date.fromisoformat(t.start), dt.date.fromisoformat(t.end)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _starts(t: TripOut, ask: TripAsk) -> list[dt.date]:
    """The days a trip's flights leave (its stays begin, when the question is about a
    hotel)."""
    kind = "hotel" if ask.kind == "hotel" else "flight"
    days = [render.day_of(leg.starts) for leg in t.legs if leg.kind == kind]
    return [d for d in days if d is not None]


def _squeeze(flight: str) -> str:
    return flight.replace(" ", "").upper()


def not_found(ask: TripAsk, trips: list[TripOut]) -> str:
    where = f" on {ask.flight}" if ask.flight else f" to {ask.city}" if ask.city else ""
    when = (
        f" on {spoken_day(ask.day)}"
        if ask.day
        else f" on a {_WEEKDAYS[ask.weekday]}"
        if ask.weekday is not None
        else ""
    )
    active = [t for t in trips if t.status not in INACTIVE]
    if ask.whose is not None:
        theirs = [t for t in active if is_traveller(t, ask.whose)]
        if not theirs:
            return (
                f"I don't see any active trip for {ask.whose}{where}{when} among the trips "
                "you can see."
            )
        lines = "\n".join(f"- {trip_line(t)}" for t in theirs[:5])
        return f"I don't see a trip{where}{when} for {ask.whose}. Their trips:\n{lines}"
    if not active:
        return f"I don't see any trip{where}{when} — you have no trips booked, nothing coming up."
    lines = "\n".join(f"- {trip_line(t)}" for t in active[:5])
    return f"I don't see a trip{where}{when} in your bookings. Your trips:\n{lines}"


def trip_line(t: TripOut) -> str:
    where = " and ".join(t.places) if t.places else "trip"
    days = ""
    if t.start and t.end:
        start, end = dt.date.fromisoformat(t.start), dt.date.fromisoformat(t.end)
        days = f", {spoken_day(start)}" if start == end else f", {day_range(start, end)}"
    return f"**{t.booking_id}** — {where}{days}: {t.summary} · {render.status_text(t.status)}"


def trip_name(b: BookingOut, ask: TripAsk | None = None) -> str:
    places = trip_places(b)
    whose = _voice(ask, b).possessive if ask is not None else "your"
    return f"{whose} {' and '.join(places)} trip ({b.booking_id})" if places else b.booking_id


def _flights(b: BookingOut) -> list[SegmentOut]:
    return [s for s in b.segments if s.kind == "flight" and s.depart and s.origin]


def _hotels(b: BookingOut) -> list[SegmentOut]:
    return [s for s in b.segments if s.kind == "hotel"]


def flight_asked(ask: TripAsk, b: BookingOut, now: dt.datetime) -> SegmentOut | None:
    """The flight of ``b`` an answer to ``ask`` is about ("what time's my flight home?":
    the flight home), what "that flight" says next; None when the answer is about the
    hotel or the whole trip."""
    facet = main_facet(ask)
    if ask.kind == "hotel" or facet in _HOTEL_FACETS or facet in _WHOLE_TRIP:
        return None
    return _flight(b, ask, now)


def _flight(b: BookingOut, ask: TripAsk, now: dt.datetime) -> SegmentOut | None:
    flights = _flights(b)
    if not flights:
        return None
    if ask.flight is not None:
        named = [s for s in flights if _squeeze(s.flight or "") == _squeeze(ask.flight)]
        if named:
            return named[0]
    if ask.day is not None:
        # "what flight am I on 12/18?": the flight leaving that day, else one landing then
        leaving = [s for s in flights if render.day_of(s.depart) == ask.day]
        landing = [s for s in flights if render.day_of(s.arrive) == ask.day]
        if leaving or landing:
            return (leaving or landing)[0]
    if "return" in ask.facets:
        leaving = [s for s in flights if ask.city and city_of(s.origin or "") == ask.city]
        into = [s for s in flights if ask.city and city_of(s.destination or "") == ask.city]
        if ask.into and into:
            return into[-1]  # "my flight home into New York"
        return leaving[-1] if leaving else into[-1] if into else flights[-1]
    if ask.weekday is not None:
        on_day = [
            s for s in flights if (d := render.day_of(s.depart)) and d.weekday() == ask.weekday
        ]
        if on_day:
            return on_day[0]
    if ask.city is not None:
        going = [s for s in flights if city_of(s.destination or "") == ask.city]
        leaving = [s for s in flights if city_of(s.origin or "") == ask.city]
        if ask.out_of and leaving:
            return leaving[0]
        if going:
            return going[0]
    upcoming = [s for s in flights if s.depart and dt.datetime.fromisoformat(s.depart) >= now]
    return upcoming[0] if upcoming else flights[0]


def _leaves(s: SegmentOut) -> str:
    return f"{s.flight} leaves {s.origin} ({city_of(s.origin or '')}) at {render.when(s.depart)}"


def _lands(s: SegmentOut) -> str:
    return (
        f"{s.flight} lands at {s.destination} ({city_of(s.destination or '')}) at "
        f"{render.when(s.arrive)} local time"
    )


# When the flight leaves or lands: asked beside the hotel's hours or address ("what time
# does my flight land, and from what time can I check in at the hotel?"), both answered.
_FLIGHT_TIMES = frozenset({"arrive", "depart"})
_WHOLE_TRIP = frozenset(
    {"order", "on_day", "have", "status", "charged", "cost", "overview", "check"}
)


def answer(ask: TripAsk, b: BookingOut, now: dt.datetime) -> TripAnswer:
    hotel_part = ask.facets & (_HOTEL_FACETS - {"hotel"})
    if (
        hotel_part
        and ask.facets & _FLIGHT_TIMES
        and ("hotel" in ask.facets or ask.kind == "hotel")
        and not ask.facets & _WHOLE_TRIP
        and _flights(b)
        and _hotels(b)
    ):
        flight = _answer(replace(ask, facets=ask.facets - _HOTEL_FACETS, kind="flight"), b, now)
        stay = _answer(replace(ask, facets=ask.facets - _FLIGHT_TIMES, kind="hotel"), b, now)
        return TripAnswer(f"{flight.text}\n\n{stay.text}", flight.confirm or stay.confirm)
    return _answer(ask, b, now)


def _answer(ask: TripAsk, b: BookingOut, now: dt.datetime) -> TripAnswer:
    facet = main_facet(ask)
    v = _voice(ask, b)
    name = trip_name(b, ask)
    if facet == "on_day" and (ask.day is not None or ask.weekday is not None):
        return TripAnswer(_on_day(ask, b, name))
    if facet == "have":
        return _has(ask, b)
    if facet == "hold_until":
        return _held_until(b, ask)
    if facet == "status":
        stay = _stay_asked(ask, b)
        listed = "ready" in ask.facets and not stay and b.status not in INACTIVE
        # (the summary listed after it gives each segment's reference: said once)
        standing = _status(b, ask, refs=not listed)
        if listed:
            # "am I all set for London?": how it stands, and what is booked in it
            data = b.model_dump(mode="json", exclude_none=True)
            return replace(standing, text=f"{standing.text}\n{render.booking_summary(data)}")
        return replace(standing, text=f"{standing.text} {stay}") if stay else standing
    if facet == "purpose":
        # "what's the purpose on my paris trip?": what it is noted as being for
        if b.purpose:
            return TripAnswer(f"{_cap(name)} is noted as for “{b.purpose}”.")
        more = (
            " Tell me what it's for and I'll add it — the approver sees it."
            if b.status in ("held", "pending_approval")
            else ""
        )
        return TripAnswer(f"{_cap(name)} has no purpose noted.{more}")
    if facet == "overview":
        # "tell me about my London trip": the whole booking, as get_booking gives it.
        data = b.model_dump(mode="json", exclude_none=True)
        return TripAnswer(
            f"{_cap(name)} — {render.status_text(b.status)}, total "
            f"{render.money(data['total'])}:\n{render.booking_summary(data)}{_why_approval(b, ask)}"
        )
    if facet == "charged":
        return TripAnswer(_charged(ask, b, now))
    if facet == "cost":
        part = _part_cost(ask, b, now)
        if part is not None:
            return TripAnswer(part)
        # "how much is it and why does it need me?": the rule it broke, asked with the cost
        why = _why_approval(b, ask) if _WHY.search(ask.text) else ""
        return TripAnswer(
            f"{_cap(name)} costs {render.money(b.total.model_dump())} in total "
            f"({render.status_text(b.status)}).{why}"
        )
    if facet == "locator" and "every_ref" in ask.facets and ask.flight is None:
        # "the confirmation numbers for the london trip": each part's reference
        return TripAnswer(_references(b, name))
    hotel_first = ask.kind == "hotel" or (ask.kind is None and facet in _HOTEL_FACETS)
    if facet in _HOTEL_FACETS or (hotel_first and facet in {"refundable", "locator"}):
        return _hotel(ask, b, facet or "hotel")
    flight = _flight(b, ask, now)
    if flight is None:
        if _hotels(b):
            # a stay alone: "is it refundable?" is asked of it, as of a flight
            return _hotel(ask, b, facet if facet in {"refundable", "locator"} else "hotel")
        return TripAnswer(f"{_cap(name)} has no flight in it.")
    if facet == "names":
        return TripAnswer(_names(b, name, ask))
    if facet == "ticket":
        return TripAnswer(_tickets(b, ask, flight, name))
    if facet == "terminal":
        return TripAnswer(
            "I don't have terminal or gate information — it isn't in our flight data yet. "
            f"{_leaves(flight)}; the airline's app or website shows the terminal and gate "
            "closer to departure."
        )
    if facet == "locator":
        if flight.locator:
            return TripAnswer(
                f"The airline reference for {flight.flight} is **{flight.locator}** "
                f"({v.possessive} booking is {b.booking_id})."
            )
        return TripAnswer(
            f"There's no airline reference yet — {b.booking_id} is "
            f"{render.status_text(b.status)}; the airline gives one once it's confirmed."
        )
    if (
        facet == "refundable"
        and ask.flight is None
        and "return" not in ask.facets
        and (ask.kind != "flight" or _EVERY.search(ask.text))
    ):
        # "are my London flights refundable?": every flight of the trip (and its stay,
        # when the question names no kind), never the first one alone.
        every = [s for s in b.segments if ask.kind is None or s.kind == ask.kind]
        if len(every) > 1:
            return TripAnswer(_refundability(every, name))
    if facet == "refundable":
        return TripAnswer(
            f"Yes — the {flight.flight} fare is refundable."
            if flight.refundable
            else f"No — the {flight.flight} fare is non-refundable."
        )
    if facet == "cabin":
        cabin = flight.cabin or "economy"
        flying = f"{v.be} flying" if v.name else "you're flying"
        if ask.cabin is None or ask.cabin == cabin:
            said = f"Yes — {flying}" if ask.cabin else _cap(flying)
            return TripAnswer(
                f"{said} {cabin} on {flight.flight} ({flight.origin}→{flight.destination})."
            )
        return TripAnswer(f"No — {flying} {cabin} on {flight.flight}, not {ask.cabin}.")
    if facet == "duration":
        took = _flying(flight)
        return TripAnswer(
            f"{flight.flight} {flight.origin}→{flight.destination} "
            + (f"is **{took}** in the air: " if took else "")
            + f"it leaves at {render.when(flight.depart)} and lands at "
            f"{render.when(flight.arrive)} (local times)."
        )
    if facet == "airport" and _INTO.search(ask.text):
        # "which airport do I fly back into?": where the flight lands
        return TripAnswer(
            f"{v.subject} land{v.s} at **{flight.destination}** "
            f"({city_of(flight.destination or '')}): {_lands(flight)}."
        )
    if facet == "airport":
        return TripAnswer(
            f"{v.subject} fl{'ies' if v.name else 'y'} out of **{flight.origin}** "
            f"({city_of(flight.origin or '')}): {_leaves(flight)} "
            f"and lands at {flight.destination}."
        )
    if facet == "arrive":
        return TripAnswer(
            f"{v.subject} land{v.s} on {render.when(flight.arrive)}: {_lands(flight)}."
        )
    # time, depart, return or no facet at all: when the flight leaves (and lands).
    status = render.status_text(b.status)
    return TripAnswer(
        f"{_cap(v.possessive)} flight {flight.flight} leaves {flight.origin} at **{render.clock(flight.depart)}** "
        f"on {_day(flight.depart)} (local time) and lands at {flight.destination} at "
        f"{render.clock(flight.arrive)}{_next_day(flight)} — {status[:1].upper()}{status[1:]}, "
        f"booking {b.booking_id}."
    )


def _references(b: BookingOut, name: str) -> str:
    """Every reference of a trip: each flight's airline reference and each stay's hotel
    reference (a part not confirmed yet has none), and the booking's own."""
    lines = []
    for s in b.segments:
        if s.status in INACTIVE:
            continue
        if s.kind == "flight":
            part = f"{s.flight} {s.origin}→{s.destination} on {_day(s.depart)}"
            kind = "airline reference"
        else:
            part = f"{s.hotel}, {_day(s.check_in)}–{_day(s.check_out)}"
            kind = "hotel reference"
        ref = f"**{s.locator}**" if s.locator else "none yet"
        lines.append(f"- {part}: {kind} {ref}")
    if not lines:
        return f"{_cap(name)} has nothing booked in it now, so no references ({b.booking_id})."
    pending = (
        ""
        if all(s.locator for s in b.segments if s.status not in INACTIVE)
        else f"\n\nA reference comes once that part is confirmed ({render.status_text(b.status)})."
    )
    return f"The references for {name}:\n" + "\n".join(lines) + pending


# "my e-ticket numbers for the London trip", "all the tickets": every flight's
_EVERY_TICKET = re.compile(r"\b(?:tickets|numbers|all|every|each|both)\b", re.IGNORECASE)


# "can you add my middle initial to the name on the booking?": a change asked, not a question
_RENAME = re.compile(
    r"\b(?:add|change|correct|fix|update|amend|edit|alter|respell|put)\b", re.IGNORECASE
)


# "who's on the london booking?", "anyone else on it or just me?": who travels on it
_WHO_ON = re.compile(
    r"\b(?:who|whom|anyone|anybody|someone|somebody|just|only|passengers?|travell?ers)\b",
    re.IGNORECASE,
)


def _names(b: BookingOut, name: str, ask: TripAsk) -> str:
    """Whose names a booking's tickets carry (the passengers' legal names); a change of
    them is not something the concierge can make."""
    text = ask.text
    people = [p.name for p in b.passengers] or [b.traveler]
    said = " and ".join(f"**{p}**" for p in people)
    plural = "s" if len(people) > 1 else ""
    if _WHO_ON.search(text) and not _RENAME.search(text):
        # (a hold awaiting its yes is not booked yet: it is held for them)
        verb = "held" if b.status == "held" else "booked"
        if len(people) == 1 and not _voice(ask, b).name:
            return f"Just you — {name} is {verb} for {said} alone; no one else is on it."
        return f"{_cap(name)} is {verb} for {len(people)} traveller{plural}: {said}."
    if _RENAME.search(text):
        return (
            f"I can't change the name{plural} on a booking — {name} is booked in the "
            f"name{plural} of {said}. The airline (or your travel team) can correct a name "
            "on a ticket; your legal names for new bookings are in your profile."
        )
    return (
        f"{_cap(name)} is booked in the name{plural} of {said} — the name on a ticket "
        "must match the passport exactly."
    )


def _tickets(b: BookingOut, ask: TripAsk, flight: SegmentOut, name: str) -> str:
    """The e-ticket numbers: the flight asked about, or every flight of the trip when the
    question names none of them ("the e-tickets for my London trip")."""
    named = ask.flight is not None or bool(ask.facets & {"return", "depart", "arrive"})
    named = named or bool(_OUT.search(ask.text))
    flights = [flight] if named or not _EVERY_TICKET.search(ask.text) else _flights(b)
    lines = []
    for s in flights:
        route = f"{s.flight} {s.origin}→{s.destination} on {_day(s.depart)}"
        if s.tickets:
            numbers = ", ".join(
                f"**{t}**" + (f" ({who})" if len(s.tickets) > 1 else "")
                for who, t in s.tickets.items()
            )
            lines.append(f"{route}: e-ticket {numbers}")
        else:
            lines.append(f"{route}: no e-ticket issued yet ({render.status_text(b.status)})")
    if len(lines) == 1:
        return lines[0][:1].upper() + lines[0][1:] + "."
    return f"The e-tickets on {name}:\n" + "\n".join(f"- {line}" for line in lines)


# "the flight out to London", "my outbound": the first leg, not every flight
_OUT = re.compile(r"\b(?:out(?:bound)?|there|going)\b", re.IGNORECASE)


def _on_day(ask: TripAsk, b: BookingOut, name: str) -> str:
    """What a booking has on the day asked ("anything booked on 14/12?"): the flights
    leaving or landing that day and the stay that covers it, else the trip itself."""

    def on(iso: str | None) -> bool:
        d = render.day_of(iso) if iso else None
        return d is not None and (
            d == ask.day if ask.day is not None else d.weekday() == ask.weekday
        )

    lines = []
    for s in b.segments:
        if s.status in INACTIVE:
            continue
        if s.kind == "flight" and (on(s.depart) or on(s.arrive)):
            lines.append(
                f"{s.flight} {s.origin}→{s.destination}, leaving at "
                f"**{render.clock(s.depart)}** on {_day(s.depart)} and landing at "
                f"{render.clock(s.arrive)}{_next_day(s)} (local times)"
            )
        elif s.kind == "hotel" and s.check_in and s.check_out:
            first, last = dt.date.fromisoformat(s.check_in), dt.date.fromisoformat(s.check_out)
            days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
            if any(
                d == ask.day if ask.day is not None else d.weekday() == ask.weekday for d in days
            ):
                lines.append(f"{s.hotel}, {day_range(first, last)}")
    status = render.status_text(b.status)
    if not lines:
        data = b.model_dump(mode="json", exclude_none=True)
        return f"That day falls in {name} ({status}):\n{render.booking_summary(data)}"
    # ("which trip is on Dec 3rd?" is answered by naming it, not with a yes)
    lead = "That's" if _WHICH.match(ask.text) else "Yes —"
    return f"{lead} {name}, {status}:\n" + "\n".join(f"- {line}" for line in lines)


_WHICH = re.compile(r"\W*(?:which|what)\b", re.IGNORECASE)


def _refundability(segments: list[SegmentOut], name: str) -> str:
    """Whether each part of a trip is refundable, one line each."""
    lines = [
        f"- {s.flight or s.hotel}"
        + (f" ({s.origin}→{s.destination})" if s.kind == "flight" else "")
        + f": {'refundable' if s.refundable else 'non-refundable'}"
        for s in segments
    ]
    flags = {s.refundable for s in segments}
    lead = (
        "All refundable"
        if flags == {True}
        else "None of it is refundable"
        if flags == {False}
        else "Partly refundable"
    )
    return f"{lead} — {name}:\n" + "\n".join(lines)


# "my flights", "both flights", "the whole trip": every part asked about, not one flight
_EVERY = re.compile(r"\b(?:flights|both|all|each|every|trip|booking)\b", re.IGNORECASE)
_INTO = re.compile(r"\b(?:into|land|lands|landing|arrive|arrives|arriving|arrival)\b", re.I)


def _flying(s: SegmentOut) -> str | None:
    """How long a flight is in the air, from its local times with their offsets."""
    if not (s.depart and s.arrive):
        return None
    try:
        minutes = int(
            (
                dt.datetime.fromisoformat(s.arrive) - dt.datetime.fromisoformat(s.depart)
            ).total_seconds()
            // 60
        )
    except ValueError:
        return None
    return format_duration(minutes) if minutes > 0 else None


def _day(iso: str | None) -> str:
    day = render.day_of(iso)
    return spoken_day(day) if day else "?"


def _part_cost(ask: TripAsk, b: BookingOut, now: dt.datetime) -> str | None:
    """ "what's the London hotel costing for the 3 nights?", "how much was the flight
    alone?", "what did BA 19 cost?", "what did my flight home cost? and the one out?",
    "the nightly rate at my hotel?": the part of a booking the question names (the hotel,
    a flight by its leg, day or number, the flights), at the price each segment was sold
    for — each flight on its own line when several are asked, a stay also per night when
    asked so — with the whole trip's total beside it. None when no part is named or the
    part is the whole booking (its total answers)."""
    if _WHOLE.search(ask.text):
        return None  # "the whole trip, flights and hotel": its total
    nightly = ask.kind != "flight" and bool(_PER_NIGHT.search(ask.text))
    parts = _cost_parts(ask, b, now, nightly)
    currencies = {s.price.currency for s in parts}
    if not parts or len(currencies) != 1:
        return None
    currency = currencies.pop()
    if len(parts) == len(b.segments) and not nightly:
        return None
    whole = f"{render.money(b.total.model_dump())} in total ({render.status_text(b.status)})"
    of_trip = f"part of {trip_name(b, ask)}, which is {whole}"
    if len(parts) == len(b.segments):
        of_trip = f"{trip_name(b, ask)}, {render.status_text(b.status)}"
    if nightly:
        lines = []
        for h in parts:
            per = _per_night(h)
            lines.append(
                f"{_part_label(h)} is **{per} a night**, {render.money(h.price.model_dump())} "
                "for the stay"
                if per
                else f"{_part_label(h)} costs {render.money(h.price.model_dump())}"
            )
        return f"{'; '.join(lines)} — {of_trip}."
    cost = render.money(money_json(sum(s.price.minor() for s in parts), currency))
    if len(parts) > 1 and all(s.kind == "flight" for s in parts):
        # "what did each flight cost?", "my flight home? and the one out?": each its own
        each = "\n".join(
            f"- {_part_label(s)}: **{render.money(s.price.model_dump())}**" for s in parts
        )
        return (
            f"The flights of {trip_name(b, ask)}:\n{each}\n\n{cost} for the flights — {of_trip}."
        )
    what = "; ".join(_part_label(s) for s in parts)
    verb = "costs" if len(parts) == 1 else "cost"
    return f"{what} {verb} **{cost}** — {of_trip}."


# Whether a booking's money has been taken, by its status: the company card is charged
# when a booking is confirmed (after its approval, when it needs one), never before.
_CHARGED = frozenset({"confirmed", "pending_confirmation"})
_NOT_YET = {
    "held": "it's on hold, not booked yet; the {total} is charged to the company card when "
    "you confirm it",
    "pending_approval": "it's waiting for approval{by}; the {total} is charged to the "
    "company card once it's approved and confirmed",
    "confirming": "it's being confirmed with the airline or hotel right now, and the {total} "
    "is charged to the company card as that completes",
    "requires_attention": "it's with our travel team for review, and they'll be in touch "
    "about the {total}",
}


def _charged(ask: TripAsk, b: BookingOut, now: dt.datetime) -> str:
    """ "have I been charged for the Paris flight yet?", "did you bill me for the London
    hotel?": whether the company card has been charged, from the booking's status, and
    how much — the part named, with the trip's total beside it."""
    name = trip_name(b, ask)
    total = render.money(b.total.model_dump())
    parts = [] if _WHOLE.search(ask.text) else _cost_parts(ask, b, now, nightly=False)
    part = parts if 0 < len(parts) < len(b.segments) else []
    if b.status in _CHARGED:
        if part:
            cost = render.money(
                money_json(sum(s.price.minor() for s in part), part[0].price.currency)
            )
            what = "; ".join(_part_label(s) for s in part)
            return (
                f"Yes — {what[:1].lower()}{what[1:]} was charged to the company card: "
                f"**{cost}**, with the rest of {name} — {total} in all "
                f"({render.status_text(b.status)})."
            )
        return (
            f"Yes — {name} has been charged to the company card: **{total}** "
            f"({render.status_text(b.status)})."
        )
    if b.status in _NOT_YET:
        now_on = b.waiting_on if isinstance(b, GetBookingOutput) else None
        by = waiting_from(now_on, _voice(ask, b).name) if now_on is not None else ""
        why = _NOT_YET[b.status].format(total=total, by=by)
        return f"No — nothing has been charged for {name} yet: {why}."
    return (
        f"{_cap(name)} is {render.status_text(b.status)}; it came to {total}. "
        "Nothing more will be charged for it."
    )


def _cost_parts(ask: TripAsk, b: BookingOut, now: dt.datetime, nightly: bool) -> list[SegmentOut]:
    """The segments a cost question names: a flight by its number, the hotel (asked by
    name or per night), the flight home or out, the flights of a day, the flights."""
    flights = _flights(b)
    if ask.flight is not None:
        return [s for s in flights if _squeeze(s.flight or "") == _squeeze(ask.flight)]
    if ask.kind == "hotel" or nightly:
        hotels = _hotels(b)
        if ask.city is not None:
            hotels = [h for h in hotels if h.city == ask.city] or hotels
        return hotels
    home = "return" in ask.facets
    out = bool(_LEG_OUT.search(ask.text))
    if home != out:
        # "my flight home from London", "the one out": that leg alone
        if out:
            going = [s for s in flights if ask.city and city_of(s.destination or "") == ask.city]
            leg = going[0] if going else flights[0] if flights else None
        else:
            leg = _flight(b, ask, now)
        return [leg] if leg is not None else []
    if ask.kind == "flight" or (home and out):
        if ask.day is not None:
            that_day = [s for s in flights if render.day_of(s.depart) == ask.day]
            if that_day and len(that_day) < len(flights):
                return that_day
        return flights
    return []


def _per_night(h: SegmentOut) -> str | None:
    """A stay's price per night ("195.00 USD"), None when its nights aren't known."""
    if not (h.check_in and h.check_out):
        return None
    nights = (dt.date.fromisoformat(h.check_out) - dt.date.fromisoformat(h.check_in)).days
    if nights < 1:
        return None
    return render.money(money_json(round(h.price.minor() / nights), h.price.currency))


# "the whole trip", "everything": the booking's total, whatever parts the question names
_WHOLE = re.compile(r"\b(?:whole|entire|everything|altogether|all in|all together)\b", re.I)
# "the nightly rate", "per night", "a night", "the room rate": a stay's price for one night
_PER_NIGHT = re.compile(
    r"\b(?:nightly|per night|a night|each night|every night|by the night|(?:one|1) night"
    r"|rates?)\b"
    r"|/ ?(?:night|nt)\b",
    re.IGNORECASE,
)
# "the flight out", "the one out", "my outbound": the first leg of a trip
_LEG_OUT = re.compile(
    r"\b(?:outbound|outward|(?:flights?|legs?|way|one) (?:out|there))\b", re.IGNORECASE
)


def _part_label(s: SegmentOut) -> str:
    """ "The hotel, Holiday Inn … (3 nights, Tue 15 Dec – Fri 18 Dec)", "BA 19 JFK→LHR on
    Mon 14 Dec": a segment named as its cost is told."""
    if s.kind == "hotel":
        if not (s.check_in and s.check_out):
            return f"The hotel, {s.hotel},"
        ci, co = dt.date.fromisoformat(s.check_in), dt.date.fromisoformat(s.check_out)
        nights = (co - ci).days
        return (
            f"The hotel, {s.hotel} ({nights} night{'s' if nights != 1 else ''}, "
            f"{spoken_day(ci)} – {spoken_day(co)}),"
        )
    return f"{s.flight} {s.origin}→{s.destination} on {_day(s.depart)}"


def _has(ask: TripAsk, b: BookingOut) -> TripAnswer:
    """ "Do I have a hotel (a flight) booked in Paris?" """
    if ask.kind == "hotel" or (ask.kind is None and "hotel" in ask.facets):
        hotels = [h for h in _hotels(b) if ask.city is None or h.city == ask.city]
        if not hotels:
            return TripAnswer(f"No — there's no hotel in {trip_name(b, ask)}. Want me to find one?")
        return _hotel(ask, b, "hotel")
    flights = _flights(b)
    if not flights:
        return TripAnswer(f"No — there's no flight in {trip_name(b, ask)}. Want me to find one?")
    lines = "; ".join(
        f"{s.flight} {s.origin}→{s.destination} {render.when(s.depart)}" for s in flights
    )
    return TripAnswer(f"Yes — {trip_name(b, ask)} has {lines} ({render.status_text(b.status)}).")


def _next_day(s: SegmentOut) -> str:
    a, d = render.day_of(s.arrive), render.day_of(s.depart)
    if a and d and a > d:
        return f" on {spoken_day(a)}"
    return ""


def _at(iso: str | None) -> str:
    """ " by 11:00" / " from 15:00": a stay's time on the hotel's clock, when known."""
    return f"**{render.clock(iso)}**" if iso else ""


def _hotel(ask: TripAsk, b: BookingOut, facet: str) -> TripAnswer:
    hotels = _hotels(b)
    if ask.city is not None:
        hotels = [h for h in hotels if h.city == ask.city] or hotels
    if not hotels:
        return TripAnswer(f"There's no hotel in {trip_name(b, ask)}. Want me to find one?")
    v = _voice(ask, b)
    h = hotels[0]
    if not (h.check_in and h.check_out):
        return TripAnswer(f"{v.be} booked at {h.hotel} in {h.city}.")
    ci, co = dt.date.fromisoformat(h.check_in), dt.date.fromisoformat(h.check_out)
    # The hotel's own times (SegmentOut.check_in_from / check_out_by, its local clock).
    if facet == "check_out":
        by = f" by {_at(h.check_out_by)} (hotel time)" if h.check_out_by else ""
        return TripAnswer(
            f"{v.subject} check{v.s} out of {h.hotel} on **{spoken_day(co)}**{by} "
            f"(checked in {spoken_day(ci)})."
        )
    if facet == "check_in":
        since = f" from {_at(h.check_in_from)} (hotel time)" if h.check_in_from else ""
        until = f" by {render.clock(h.check_out_by)}" if h.check_out_by else ""
        return TripAnswer(
            f"{v.subject} check{v.s} in at {h.hotel} on **{spoken_day(ci)}**{since}, "
            f"and out on {spoken_day(co)}{until}."
        )
    if facet == "address":
        where = (
            f"**{h.address}**" if h.address else f"in {h.city} (I don't have its street address)"
        )
        staying = v.be if v.name else "you're"
        return TripAnswer(
            f"{h.hotel} is at {where} — {staying} staying there "
            f"{spoken_day(ci)}–{spoken_day(co)} (booking {b.booking_id})."
        )
    if facet == "refundable":
        return TripAnswer(
            f"Yes — the {h.hotel} stay is refundable."
            if h.refundable
            else f"No — the {h.hotel} stay is non-refundable."
        )
    if facet == "locator":
        if h.locator:
            return TripAnswer(
                f"The hotel's reference for {h.hotel} is **{h.locator}** (booking {b.booking_id})."
            )
        return TripAnswer(
            f"There's no hotel reference yet — {b.booking_id} is {render.status_text(b.status)}."
        )
    nights = (co - ci).days
    return TripAnswer(
        f"{v.be} staying at **{h.hotel}** in {h.city} from {spoken_day(ci)} to "
        f"{spoken_day(co)} ({nights} night{'s' if nights != 1 else ''}; "
        f"{render.status_text(b.status)}, booking {b.booking_id})."
    )


def _stay_asked(ask: TripAsk, b: BookingOut) -> str:
    """ "is ava's hotel booked?", "is my London hotel confirmed yet?": the status says how
    the booking stands; the hotel asked about is named with it, and its nights."""
    if not (ask.kind == "hotel" or "hotel" in ask.facets):
        return ""
    hotels = [h for h in _hotels(b) if h.status not in INACTIVE]
    if ask.city is not None:
        hotels = [h for h in hotels if h.city == ask.city] or hotels
    if not hotels:
        return f"There's no hotel in {trip_name(b, ask)}."
    h = hotels[0]
    nights = (
        f", {spoken_day(dt.date.fromisoformat(h.check_in))}–"
        f"{spoken_day(dt.date.fromisoformat(h.check_out))}"
        if h.check_in and h.check_out
        else ""
    )
    return f"The hotel is **{h.hotel}** in {h.city}{nights}."


def _who(role: str, ask: TripAsk, b: BookingOut) -> str:
    """Who a step waits on, as the asker hears it: the manager by name on one's own
    trip ("Mia Chen, your manager"), else the role."""
    if role != "manager":
        return role_label(role)
    if ask.manager and not _voice(ask, b).name:
        return f"{ask.manager}, your manager"
    return "your manager" if not _voice(ask, b).name else "their manager"


_WHO = re.compile(r"\W*who\b", re.IGNORECASE)
_ON_ME = re.compile(r"\b(?:waiting|sitting|stuck|pending) (?:on|with|for) me\b|\bon me\?", re.IGNORECASE)
# "why does my paris trip need approval?": the rule it broke comes first
_WHY = re.compile(r"\b(?:why|how come|reason)\b", re.IGNORECASE)


def _why_approval(b: BookingOut, ask: TripAsk) -> str:
    """ "\nIt needs approval because …, from you.": why a trip waiting for approval waits
    (the rules it broke) and on whom — what an approver reads the trip for; "" otherwise."""
    if b.status != "pending_approval" or not b.policy.violations:
        return ""
    rules = "; ".join(v[:1].lower() + v[1:] for v in b.policy.violations)
    now = b.waiting_on if isinstance(b, GetBookingOutput) else None
    by = waiting_from(now, _voice(ask, b).name) if now is not None else ""
    return f"\nIt needs approval{by} because it's outside the travel policy: {rules}."


def _status(b: BookingOut, ask: TripAsk, *, refs: bool = True) -> TripAnswer:
    standing = _standing(b, ask, refs=refs)
    if "chase" not in ask.facets:
        return standing
    # "can you chase Mia about my Paris approval?": no tool sends anyone a message, so
    # none is sent; where the trip stands (whom it waits on, till when it is held) is told.
    if b.status != "pending_approval":
        return replace(standing, text=f"No need to chase anyone: {standing.text}")
    now = b.waiting_on if isinstance(b, GetBookingOutput) else None
    who = now.name if now is not None and not now.you else "the approver"
    told = " They're notified when a trip is sent to them for approval." if now is not None else ""
    until = (
        f" If it isn't decided by {render.hold_time(b.hold_expires_at)}, the hold is released."
        if b.hold_expires_at
        else ""
    )
    return replace(
        standing,
        text=f"I can't send {who} a reminder from here — I have no way to message people.{told} "
        f"Where it stands: {standing.text[:1].lower()}{standing.text[1:]}{until}",
    )


# "what's happening with my paris flight?", "any news on my London trip?", "how's my
# booking looking?": an open question, answered with the trip's flights and where it
# stands, never with a bare "yes" or "not yet".
_OPEN_ASKED = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|hey|hi|hmm|um)\W+)*(?:what|how|any|got any|is there any)\b",
    re.IGNORECASE,
)
_FLIGHT_STATE = {"delayed": "delayed", "cancelled": "cancelled by the airline"}


def _held_until(b: BookingOut, ask: TripAsk) -> TripAnswer:
    """ "until when is the seat held?": till when a trip not yet confirmed keeps its seats
    and rooms (its hold's end), and what happens then; a confirmed trip holds nothing."""
    name = trip_name(b, ask)
    if b.status not in _HOLDING or not b.hold_expires_at:
        return TripAnswer(
            f"{_cap(name)} isn't on hold — it's {render.status_text(b.status)}, so there's "
            "no hold to run out."
        )
    until = render.hold_time(b.hold_expires_at)
    if b.status == "held":
        return TripAnswer(
            f"{_cap(name)} is held until {until}; if it isn't confirmed by then, the hold is "
            "released. Shall I confirm it?",
            confirm=b.booking_id,
        )
    now = b.waiting_on if isinstance(b, GetBookingOutput) else None
    by = waiting_from(now, _voice(ask, b).name) if now is not None else ""
    return TripAnswer(
        f"{_cap(name)} is held until {until} while it waits for approval{by}. If it isn't "
        "approved by then, the hold is released and nothing is charged."
    )


def _flights_now(b: BookingOut) -> str:
    """ "BA 19 JFK→LHR Mon 14 Dec 22:30 (on schedule)": a trip's flights, as asked after."""
    return "; ".join(
        f"{s.flight} {s.origin}→{s.destination} {render.when(s.depart)}"
        f" ({_FLIGHT_STATE.get(s.flight_status or '', 'on schedule')})"
        for s in _flights(b)
    )


def _standing(b: BookingOut, ask: TripAsk, *, refs: bool = True) -> TripAnswer:
    answer = _standing_said(b, ask, refs=refs)
    flights = _flights_now(b)
    if not _OPEN_ASKED.match(ask.text) or not flights:
        return answer
    text = re.sub(r"^(?:Yes|Not yet|No|Almost) — ", "", answer.text)
    return replace(answer, text=f"{flights}.\n\n{text[:1].upper()}{text[1:]}")


def _standing_said(b: BookingOut, ask: TripAsk, *, refs: bool = True) -> TripAnswer:
    name = trip_name(b, ask)
    status = b.status
    if status == "confirmed":
        locators = sorted({s.locator for s in b.segments if s.locator}) if refs else []
        ref = f" (references {', '.join(locators)})" if locators else ""
        # "who has to sign off my London booking?" when it needs no one any more
        lead = "No one — " if _WHO.match(ask.text) else "Yes — "
        return TripAnswer(f"{lead}{name} is confirmed{ref}.")
    if status == "pending_approval":
        who = b.policy.approvals_required
        by = f" from {' and '.join(_who(r, ask, b) for r in who)}" if who else ""
        now = b.waiting_on if isinstance(b, GetBookingOutput) else None
        if now is not None:
            # get_booking says whose decision it waits on now: that person, by name.
            by = waiting_from(now, _voice(ask, b).name)
        if _WHY.search(ask.text) and b.policy.violations:
            rules = "; ".join(v[:1].lower() + v[1:] for v in b.policy.violations)
            return TripAnswer(
                f"{_cap(name)} needs approval because it's outside the travel policy: "
                f"{rules}. It's waiting for approval{by}, and it's confirmed as soon as "
                "it's approved."
            )
        why = f" ({'; '.join(b.policy.violations)})" if b.policy.violations else ""
        # "is it waiting on me?" asked of a step that is someone else's: said first
        elsewhere = now is not None and not now.you and _ON_ME.search(ask.text)
        lead = "Not on you — " if elsewhere else "Not yet — "
        return TripAnswer(
            f"{lead}{name} is waiting for approval{by}{why}. It's confirmed as soon as it's approved."
        )
    if status == "held":
        until = render.hold_time(b.hold_expires_at)
        return TripAnswer(
            f"Not yet — {name} is on hold until {until}, not confirmed. Shall I confirm it?",
            confirm=b.booking_id,
        )
    if status in {"confirming", "pending_confirmation"}:
        return TripAnswer(
            f"Almost — {name} is being confirmed with the airline or hotel right now."
        )
    if status == "requires_attention":
        return TripAnswer(
            f"Not yet — {name} needs attention from our travel team; they'll be in touch."
        )
    return TripAnswer(f"No — {name} is {render.status_text(status)}.")


def waiting_from(now: WaitingOnOut, theirs: str = "") -> str:
    """ " from Mia Chen, your manager", " from you": whose decision a pending trip waits on
    now (get_booking's ``waiting_on``); ``theirs`` names the traveller when it isn't the
    caller ("Ava Patel's manager")."""
    if now.you:
        return " from you"
    role = (
        ("your manager" if not theirs else f"{theirs.split()[0]}'s manager")
        if now.role == "manager"
        else role_label(now.role)
    )
    return f" from {now.name}, {role}"


# What a trip that isn't settled waits on, by its status (a pending approval says whose).
_OPEN = {
    "held": "is on hold, not booked yet — say “confirm {id}” to book it",
    "confirming": "is being confirmed with the airline or hotel right now",
    "pending_confirmation": "is being confirmed with the airline or hotel right now",
    "requires_attention": "needs attention from our travel team; they'll be in touch",
}


def open_steps(
    trips: list[TripOut],
    read: dict[str, GetBookingOutput],
    me: str,
    today: dt.date,
    *,
    all_asked: bool = False,
) -> str:
    """ "Is anything on my trips still outstanding?": each upcoming trip that isn't settled
    and what it waits on — a pending approval on whom, by name (``read``: the trips'
    ``get_booking``), a hold on a yes — or that nothing is."""
    upcoming = [
        t
        for t in trips
        if t.status not in INACTIVE and (t.end is None or dt.date.fromisoformat(t.end) >= today)
    ]
    lines = []
    for t in upcoming:
        theirs = t.traveler if me and t.traveler and t.traveler != me else ""
        where = " and ".join(t.places) or "trip"
        name = f"{theirs + chr(39) + 's' if theirs else 'Your'} {where} trip (**{t.booking_id}**)"
        if t.status == "pending_approval":
            b = read.get(t.booking_id)
            by = waiting_from(b.waiting_on, theirs) if b is not None and b.waiting_on else ""
            why = (
                f" ({'; '.join(b.policy.violations)})"
                if b is not None and b.policy.violations
                else ""
            )
            lines.append(f"- {name} is waiting for approval{by}{why}.")
        elif t.status in _OPEN:
            lines.append(f"- {name} {_OPEN[t.status].format(id=t.booking_id)}.")
    if not lines:
        if all_asked:
            return "Yes — all your upcoming trips are confirmed; nothing is waiting on anyone."
        return "Nothing is outstanding — all your upcoming trips are confirmed."
    settled = len(upcoming) - len(lines)
    rest = "\nEverything else is confirmed." if settled else ""
    one = len(lines) == 1
    # "are both my trips approved?" is answered "not yet"; "anything outstanding?" "yes".
    head = (
        f"Not yet — {'one is' if one else f'{len(lines)} are'} still open:"
        if all_asked
        else f"Yes — {'one thing is' if one else f'{len(lines)} things are'} still open:"
    )
    return head + "\n" + "\n".join(lines) + rest


_RULES = {
    "within_24_hours": "it was booked less than 24 hours ago, so cancelling is free",
    "refundable_fare": "the fares are refundable",
    "refundable_hotel": "the hotel is refundable until check-in",
    "refundable": "everything in it is refundable",
    "airline_cancelled": "the airline cancelled the flight",
}


def if_cancelled_text(booking: GetBookingOutput) -> str:
    """What cancelling a booking now would give back, from get_booking's quote."""
    quote = booking.if_cancelled
    name = booking.booking_id
    if quote is None:
        return (
            f"{name} is {render.status_text(booking.status)}, so there's nothing to cancel "
            "or refund."
        )
    if quote.rule == "unpaid":
        return (
            f"Nothing has been paid for {name} yet ({render.status_text(booking.status)}), "
            "so cancelling it only releases it — you wouldn't lose anything."
        )
    refund = render.money(quote.refund.model_dump(mode="json"))
    kept = render.money(quote.kept.model_dump(mode="json"))
    why = _RULES.get(quote.rule)
    if quote.refund.minor() > 0 and quote.kept.minor() == 0:
        said = f"Yes — cancelling {name} now would refund all of it, {refund}"
        said += f" ({why})." if why else "."
    elif quote.refund.minor() > 0:
        said = (
            f"Partly — cancelling {name} now would refund {refund}; {kept} is kept under the "
            "fare rules (the non-refundable parts)."
        )
    else:
        said = f"No — {name} is non-refundable: cancelling now would refund nothing ({kept} kept)."
    return said + " I haven't cancelled anything."
