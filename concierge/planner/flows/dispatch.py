"""The dispatcher: the flow that owns the turn's intent decides what happens next.

``decide`` is a pure function of the reconstructed conversation, so the planner
is deterministic and can be re-run over past turns (that is how a bare "yes"
finds what the previous reply offered). Each intent has one flow (a module of
``concierge.planner.flows``); a flow looks at the tool calls already made this
turn and either makes the next one or answers. The booking core decides
everything that matters (inventory, policy, approvals): a red option is warned
about, and if the user insists the core is asked anyway and its refusal explained.
"""

from __future__ import annotations

import re
from dataclasses import replace

from concierge.planner import render
from concierge.planner.flows import (
    approvals,
    booking,
    changes,
    checkin,
    colleague_trip,
    corrected,
    fares,
    hold_questions,
    option_questions,
    passengers,
    policy_questions,
    profile,
    purpose,
    search,
    seats,
    smalltalk,
    switched,
    trips,
)
from concierge.planner.flows.base import Context, Decision, Handler, Reply
from concierge.planner.flows.options import asked_hotels, plain_name
from concierge.planner.nlu import answers, asks
from concierge.planner.nlu.intents import Intent, Understanding, rejection_reason, understand
from concierge.planner.nlu.people import read_people
from concierge.planner.state import State, Turn, bookable_names

_HANDLERS: dict[Intent, Handler] = {
    **smalltalk.HANDLERS,
    **search.HANDLERS,
    **booking.HANDLERS,
    **trips.HANDLERS,
    **fares.HANDLERS,
    **changes.HANDLERS,
    **policy_questions.HANDLERS,
    **profile.HANDLERS,
    **approvals.HANDLERS,
    **seats.HANDLERS,
    **checkin.HANDLERS,
}


def decide(state: State, turn: Turn, ctx: Context) -> Decision:
    u = turn.understanding
    if u is None:
        return Reply(render.HELP_TEXT)
    intent = u.intent
    if (
        intent in (Intent.UNKNOWN, Intent.YES)
        and (on_condition := booking.yes_on_condition(state, u)) is not None
    ):
        # "yes but only if it's refundable" at a hold's confirmation, not taken as a yes
        return on_condition
    if state.offer is not None and state.offer.kind == "cancel" and intent not in _ANSWERS:
        # "Want me to release the hold now?" — "yes, release it", "drop it", "I don't need
        # it anymore": cancelling words agree to the release offered (a request of their
        # own anywhere else), as at a cancellation's confirmation.
        agreed = answers.classify(u.text, cancelling=True).answer
        if agreed in (answers.Answer.YES, answers.Answer.NO):
            intent = u.intent = Intent.YES if agreed == answers.Answer.YES else Intent.NO
    if colleague_trip.applies(u, intent) and state.offer is None:
        # "put me on her flight out on the 14th", "the same hotel as Ava": the colleague's
        # booked flight or hotel (as the caller may see it), searched and held.
        joined = colleague_trip.decide(state, turn, ctx, u)
        if joined is not None:
            return joined
    if u.just_booked and (
        intent in {Intent.TRIPS, Intent.ASK_TRIP, Intent.UNKNOWN}
        or (intent == Intent.SEARCH and not u.has_trip_details)
    ):
        # "remind me what I just booked?", "what time does the flight I just booked
        # leave?": a question about the booking just made (flows.trips), never a list of
        # every trip nor a search.
        intent = u.intent = Intent.ASK_TRIP
    if (
        intent == Intent.SEARCH
        and state.last_intent == Intent.POLICY
        and u.dates.depart is None
        and (u.cabin or re.match(r"^(?:and|what about|how about|also)\b", u.text.lower()))
    ):
        # "and business to Boston?" right after a policy answer is another policy question.
        intent = Intent.POLICY
        u.topic = u.text
    if (
        intent == Intent.SEARCH
        and u.facets
        and state.current_booking is not None
        and state.last_intent in trips.FOLLOWS_A_TRIP
        and (_THAT_TRIP.search(u.text) or _AND_THEN.match(u.text))
        and not (u.places or u.dates.depart or u.dates.ret or u.options)
        and asks.is_question(u.text)
        and not asks.is_request(u.text)
    ):
        # "and how much is her flight?" right after a question about Ava's trip: that
        # trip, the person named before ("her") — nothing to search.
        intent = Intent.ASK_TRIP
    if (
        intent == Intent.UNKNOWN
        and u.facets
        and state.current_booking is not None
        and state.last_intent in trips.FOLLOWS_A_TRIP
        and asks.is_question(u.text)
        and not asks.is_request(u.text)
    ):
        # "and is that approved already?", "what's the total on it?" right after a question
        # about one booked trip: the same trip, asked about again.
        intent = Intent.ASK_TRIP
    if (
        state.offer is not None
        and state.offer.kind == "whom"
        and u.book_for
        and intent in {Intent.UNKNOWN, Intent.SEARCH, Intent.SELECT}
    ):
        # The answer to "which of them is it for?" ("fin"): the trip asked for, theirs.
        intent = Intent.SEARCH
    if state.offer is not None and state.offer.kind == "passengers" and intent in _NAMES_MAY_BE:
        # The answer to "who's flying?": names, whatever else they may read as.
        own = ctx.profile.get("name")
        answer = read_people(u.text, bookable_names(ctx.profile), str(own) if own else None)
        if answer is not None:
            return booking.name_passengers(state, turn, ctx, u, answer)
    if (
        state.offer is not None
        and state.offer.kind == "passengers"
        and intent in _NAMES_MAY_BE | {Intent.ASK_TRIP}
        and "names" in asks.trip_facets(u.text)
        and (asks.is_question(u.text) or u.text.strip().endswith("?"))
    ):
        # "who's on it so far?" while the hold's seats wait for names: who is named yet,
        # and the question asked again
        waiting = state.bookings.get(str(state.offer.args.get("booking_id"))) or {}
        return passengers.named_so_far(waiting, state.offer, ctx)
    if intent in _WHICH_TRIP_MAY_BE and _places_are_hotel_areas(state, u):
        # "I'd prefer the one near Kings Cross", "the one in Canary Wharf" at a hotel list:
        # the area in a shown hotel's name says which hotel, it is no place to go to.
        u.places, u.origin, u.destination = [], None, None
        intent = u.intent = Intent.SELECT
    trip = purpose.asked_for(state.offer)
    if trip is not None:
        # The answer to "what's the trip for?", when it reads as one.
        said = purpose.answer_of(u)
        if said is not None:
            return purpose.record(turn, ctx, trip, said)
    told = purpose.stated(u.text) if state.offer is None else None
    if told is not None and booking.changed_hold(state) is None:
        # "let Mia know the Paris trip is for the Renault kickoff": that trip's purpose.
        noted = purpose.record_stated(turn, ctx, u, told)
        if noted is not None:
            return noted
    noted_first = turn.last("set_trip_purpose")
    held = booking.changed_hold(state) or (
        # (the confirmation asked again this turn, once answered, tells what became of it)
        str(noted_first.args.get("booking_id"))
        if noted_first is not None and turn.last("confirm_booking") is not None
        else None
    )
    if held is not None and u.purpose_said is not None:
        # "it's for a customer visit at Initech" at a hold's confirmation: what the trip
        # on hold is for, noted on it (the approver sees it); the question stays open.
        purpose_noted = purpose.record_at_hold(turn, held, u.purpose_said)
        if isinstance(purpose_noted, str):
            return booking.wait(state, turn, ctx, u, aside=purpose_noted)
        return purpose_noted
    made = trips.just_booked(state)
    if (
        u.purpose_said is not None
        and held is None
        and made is not None
        and (state.bookings.get(made) or {}).get("status") == "confirmed"
    ):
        # "yes, it's for a client visit" at a trip that needed no approval: booked on the
        # yes, so no request waits for what it is for.
        return Reply(
            f"**{made}** needed no approval, so it's booked as it is — there's no request "
            f"to add “{u.purpose_said}” to."
        )
    if (
        state.offer is not None
        and state.offer.kind == "reject_reason"
        and intent not in _ANSWERS
        and hold_questions.a_question(u)
    ):
        # "reject it" → "why?" → "which flight is it?": not the reason — answered, and
        # the reason asked for again.
        approval_id = str(state.offer.args.get("approval_id") or "")
        booking_id = hold_questions.approval_booking(state, approval_id)
        about = hold_questions.about_booking(turn, ctx, u, booking_id) if booking_id else None
        if isinstance(about, str):
            again = approvals.why_again(state, approval_id)
            return Reply(f"{about}\n\n{again.text}", again.offer)
        if about is not None:
            return about
    said_why = approvals.reason_given(state, turn, ctx, replace(u, intent=intent))
    if said_why is not None:
        # "reject it" → "why?" → "too expensive for a one-day visit": that rejection's note.
        return said_why
    reason = rejection_reason(replace(u, intent=intent)) if state.rejecting is not None else None
    if reason is not None:
        # "decline it", then at its confirmation "too pricey, she can fly out friday
        # instead", "go via Boston instead", "no, too pricey": the reason for that
        # rejection, not a new request.
        return approvals.reject_with_reason(state, turn, ctx, u, reason)
    switch = switched.decide(state, turn, ctx, u)
    if switch is not None:
        # "actually, the Marriott instead - we have a negotiated rate there right?" at a
        # hold's confirmation: that option held in its place, and the question answered.
        return switch
    other = switched.after_no(state, turn, ctx, replace(u, intent=intent))
    if other is not None:
        # "no, I'd rather have the citizenM" at a hotel's confirmation: the no, and the
        # hotel named picked from the list shown in place of the one on hold.
        return other
    asked = hold_questions.at_confirmation(state, turn, ctx, u)
    if asked is not None:
        # "wait, do I get my money back?" at a cancellation's confirmation, "how much is
        # it?" at an approval's: answered, and the same confirmation asked again.
        return asked
    if intent in _REFUND_ASKED_MAY_BE and asks.cancel_refund_question(u.text):
        # "would I get a refund if I cancelled the London trip?": a question about a trip,
        # answered from what cancelling it would give back — nothing is cancelled.
        intent = Intent.ASK_TRIP
    named_trip = _NAMED_TRIP.search(u.text.lower())
    if (
        state.last_intent == Intent.CANCEL
        and state.last_shown == "trips"
        and intent in _WHICH_TRIP_MAY_BE
        and (
            u.options
            or named_trip
            or (u.places and re.search(r"\b(?:trip|booking|one)\b", u.text.lower()))
        )
        and not u.booking_id
        # ("the 2nd one" is the list's second, whatever day the 2nd is)
        and (
            (named_trip and not any(r.index is not None for r in u.options))
            or not (u.dates.depart or u.dates.ret)
        )
    ):
        # "cancel my trip" → "which one?" → "the london one", "the Paris trip", "the second
        # one", "the december 14 one", "the one on the 3rd": the trip meant, named by where
        # it goes, its day or its place in the list.
        intent = Intent.CANCEL
        day = _DAY_ONE.search(u.text.lower())
        if day and not u.dates.depart and not any(r.index is not None for r in u.options):
            # "the 18th one": an ordinal read as no place in the list is a day of the month.
            u.dates = understand(f"the {day.group(1)}{day.group(2)}", ctx.now).dates
    if (
        state.last_shown == "trips"
        and state.last_intent == Intent.TRIPS
        and intent in _WHICH_TRIP_MAY_BE
        and u.facets
        and (u.places or u.dates.depart)
        and _LISTED_TRIP.search(u.text.lower())
        and asks.is_question(u.text)
        and not asks.is_request(u.text)
    ):
        # "show my trips" → "who's the paris one waiting on?", "is the london trip
        # confirmed?", "what time does the december 3 one leave?": a question about a trip
        # of the list, named by its place or day — nothing to search.
        intent = Intent.ASK_TRIP
    if (
        state.last_shown == "trips"
        and state.last_intent == Intent.TRIPS
        and intent in _WHICH_TRIP_MAY_BE
        and u.facets
        and not (u.places or u.dates.depart or u.dates.ret or u.options or u.booking_id)
        and _THE_PART.search(u.text)
        and asks.is_question(u.text)
        and not asks.is_request(u.text)
    ):
        # "what have I got booked the week of the 14th?" → "what time does the flight get
        # in?": the flight (the hotel) of the trip listed — of the one trip shown; of
        # several, the one trip that has such a part, else which is asked; nothing to search.
        intent = u.intent = Intent.ASK_TRIP
        listed = [t for t in state.trips or [] if t.get("status") not in _ENDED]
        flying = [t for t in listed if t.get("flights")]
        if len(listed) > 1 and len(flying) > 1 and _A_FLIGHT.search(u.text):
            # "what trips do I have?" → "when does the flight leave?": whose flight?
            u.intent = Intent.TRIPS  # the list stays what "the London one" is read against
            lines = "\n".join(
                f"- **{t.get('booking_id')}** — {' / '.join(t.get('places') or [])}: "
                f"{t.get('summary')}"
                for t in flying[:5]
            )
            return Reply(f"Which trip's flight do you mean?\n{lines}")
        if len(listed) == 1:
            u.booking_id = str(listed[0].get("booking_id"))
    # (the confirmation asked again this turn, once answered, tells what became of it)
    at_hold = booking.changed_hold(state) is not None or turn.last("confirm_booking") is not None
    if intent in _SMALL_TALK and at_hold:
        # "thanks!", "morning!" at a hold's confirmation: a pause, the question stays open.
        return booking.wait(state, turn, ctx, u)
    if (
        at_hold
        and intent in _PRICE_AT_HOLD
        and not (u.has_trip_details or u.booking_id or asks.fare_question(u.text))
        and asks.price_question(u.text)
    ):
        # "how much is that all in?" at a hold's confirmation: its total, and the
        # question stays open (once answered, wait tells what became of it).
        held = booking.changed_hold(state) or ""
        total = (state.bookings.get(held) or {}).get("total")
        if total or turn.last("confirm_booking") is not None:
            price = (
                f"{held} comes to {render.money(total)} in all, taxes and fees included."
                if total
                else ""
            )
            return booking.wait(state, turn, ctx, u, aside=price)
    asked_again = turn.last("confirm_booking")
    on_hold = booking.changed_hold(state) or (
        str(asked_again.args.get("booking_id")) if asked_again is not None else None
    )
    if on_hold is not None:
        # "is it refundable?", "what time does it land?", "how many seats are left" at a
        # hold's confirmation: answered from the hold, and the question stays open (once
        # answered, wait tells what became of it).
        answered = hold_questions.answer(state, ctx, u, on_hold, intent)
        if answered is not None:
            return booking.wait(state, turn, ctx, u, aside=answered)
    if intent == Intent.ASK_TRIP and at_hold and not asks.is_request(u.text):
        # "before I confirm - when do I fly back from London?" at a hold's confirmation: a
        # question about another of one's trips, answered from it, and the question about
        # the hold stays open (a "yes" next still books it).
        about = _HANDLERS[intent](state, turn, ctx, u)
        if not isinstance(about, Reply):
            return about
        return booking.wait(state, turn, ctx, u, aside=about.text.removesuffix(_MORE))
    if intent in _ASIDES and at_hold and not u.has_trip_details:
        # "what's the weather like there?", "can you email me the itinerary?" at a hold's
        # confirmation: answered, and the question stays open.
        aside = _HANDLERS[intent](state, turn, ctx, u)
        if isinstance(aside, Reply):
            return booking.wait(state, turn, ctx, u, aside=aside.text.removesuffix(_MORE))
    wrong = corrected.ask(state, turn, ctx, u, intent)
    if wrong is not None:
        # "wrong day!", "oops, wrong airport": which it should be, asked; a hold stays.
        return wrong
    if not at_hold and on_hold is None:
        # "how long is option 2?", "which one lands earliest?", "do I need approval for
        # these?": answered from the options shown; nothing picked, nothing searched.
        about = option_questions.answer(state, turn, ctx, u)
        if about is not None:
            return about
    moved = changes.same_flight_asked(state, turn, ctx, replace(u, intent=intent))
    if moved is not None:
        return moved
    moved = changes.other_day_of_change(state, turn, ctx, u)
    if moved is not None:
        return moved
    if changes.booked_in_thread(state, turn, u) is not None:
        # Another flight for the trip this conversation booked: a change of that booking.
        return changes.change_booked(state, turn, ctx, u)
    if changes.changes_booked_leg(state, turn, u):
        # "a later flight home on the 18th?" with no trip planned here: one's booked trip.
        intent = Intent.CHANGE
    if (
        (intent == Intent.CHANGE and not u.booking_id)
        or changes.sounds_like_change(state, turn, replace(u, intent=intent))
        or changes.shifts_booked_trip(state, turn, replace(u, intent=intent))
    ):
        # "can i come home on saturday the 19th instead of friday?": a booked flight moved,
        # in the booked trip it fits (else a request of its own, or the change flow's
        # question which trip).
        moving = changes.change_of_booked(state, turn, ctx, u)
        if moving is not None:
            return moving
    if intent == Intent.SEATS and turn.last("confirm_booking") is not None:
        # Seats chosen on a hold, its confirmation asked again and answered: what became
        # of the booking is the booking flow's to tell.
        intent = Intent.CONFIRM
    handler = _HANDLERS.get(intent, _HANDLERS[Intent.UNKNOWN])
    return handler(state, turn, ctx, u)


def _places_are_hotel_areas(state: State, u: Understanding) -> bool:
    """Every place the message names is (part of) the area of a hotel on the list shown
    last, and the message says nothing else of a trip (no day, no other place)."""
    shown = state.shown.get("hotels")
    if state.last_shown != "hotels" or shown is None or not shown.items or not u.places:
        return False
    if u.dates.depart or u.dates.ret or u.dates.nights or u.booking_id:
        return False
    named = asked_hotels(u.text, shown.items)
    said = [f" {plain_name(w)} " for words in named.values() for w in words.split(", ")]
    return bool(said) and all(any(f" {plain_name(p.text)} " in w for w in said) for p in u.places)


# A part of a trip said as one already known ("the flight", "the hotel", "it").
# ... that part a flight ("the flight", "the plane", "the return")
_A_FLIGHT = re.compile(
    r"\b(?:the|that|this) (?:flight|plane|return|outbound)\b|\b(?:take off|land|leave|depart)",
    re.IGNORECASE,
)
_THE_PART = re.compile(
    r"\b(?:the|that|this) (?:flight|plane|hotel|room|stay|trip|booking|return|outbound)\b"
    r"|\b(?:does|is|did|will) it\b",
    re.IGNORECASE,
)
_ENDED = frozenset({"cancelled", "expired", "failed"})


# Words that point back at the trip or the person just talked of.
_THAT_TRIP = re.compile(r"\b(?:her|his|their|that|this|the same)\b", re.IGNORECASE)


# A question that goes on from the one before ("and check out?", "what about check-out?").
_AND_THEN = re.compile(r"\s*(?:and|what about|how about|also)\b", re.IGNORECASE)


# Small talk at a confirmation: neither a yes nor a no.
_SMALL_TALK = frozenset({Intent.THANKS, Intent.GREET})


# Questions in passing at a confirmation: answered without touching what is asked.
_ASIDES = frozenset({Intent.OUT_OF_SCOPE, Intent.UNSUPPORTED, Intent.HELP})
_MORE = " Anything else I can help with?"
# What a price question at a hold may read as on its own ("how much is it?" nothing,
# "what does it cost in total?" a question about one's trips, "how much will that be in
# total" a search with nothing to search for).
_PRICE_AT_HOLD = frozenset({Intent.UNKNOWN, Intent.ASK_TRIP, Intent.SEARCH})


# Answers to a question, never a question of their own.
_ANSWERS = frozenset({Intent.YES, Intent.NO, Intent.DECIDE})
# What a question about what cancelling gives back may read as ("if i cancel paris do i
# lose anything" a cancellation).
_REFUND_ASKED_MAY_BE = frozenset({Intent.CANCEL, Intent.UNKNOWN, Intent.ASK_TRIP, Intent.SEARCH})


# A trip named by what sets it apart, as a person answers "which one?": "the december 14
# one", "the one on the 3rd", "that trip on Monday" (a day said so names a listed trip,
# not a new search).
_NAMED_TRIP = re.compile(
    r"^\W*(?:(?:the|that)\s+(?:[\w/.-]+\s+){0,3}?(?:one|trip|booking)"
    r"|(?:the|that)\s+(?:one|trip|booking)\s+(?:on|for|from|of|leaving|starting|in)\b)"
)


# A trip of a list named inside a question: "who's the paris one waiting on?", "is the
# london trip confirmed?"
_LISTED_TRIP = re.compile(r"\b(?:the|that)\s+(?:[\w/.-]+\s+){1,3}?(?:one|trip|booking)\b")


# "the 18th one": an ordinal that may be a place in the list or a day.
_DAY_ONE = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\s+(?:one|trip|booking)\b")


# What naming one of the trips listed may read as ("the london one" a search).
_WHICH_TRIP_MAY_BE = frozenset({Intent.UNKNOWN, Intent.SEARCH, Intent.SELECT})


# What a list of names may read as to the other readers ("Jo Bloggs" a search for a
# place, "me and Ava" a trip for Ava, "yes, me and Ava" a yes); a cancellation, a
# question about trips or policy is never an answer naming people.
_NAMES_MAY_BE = frozenset(
    {Intent.UNKNOWN, Intent.SEARCH, Intent.SELECT, Intent.YES, Intent.BOOKING, Intent.GREET}
)
