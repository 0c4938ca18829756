"""Passengers: who flies on a hold's flights (``reserve``'s ``passengers``,
``name_passengers``). The booking flow (``flows.booking``) calls these around the hold
and before ``confirm_booking``: the airline tickets every seat in a passenger's name.

* a request naming colleagues who fly along ("book me and Erin") holds their seats in
  their names: the traveller first, then each colleague the caller may book for;
* a hold with seats nobody is named on is not confirmed: the concierge asks who flies
  (colleagues by name, guests by their legal given and family names);
* the answer ("me and Jo Bloggs") names them, and on to the confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from concierge.planner import render
from concierge.planner.flows.base import Call, Context, Decision, Reply
from concierge.planner.nlu.people import PeopleAnswer
from concierge.planner.state import Offer, State, Turn

#: A colleague's user id ("" for the caller), the profile call that tells, or a no.
Resolver = Callable[[str], "str | Call | Reply"]


def self_id(ctx: Context, booking: dict[str, Any] | None = None) -> str | None:
    """The caller's user id: the authenticated caller's, else the profile's, else a
    booking's own traveller's when that is the caller (by name)."""
    if ctx.user_id:
        return ctx.user_id
    if ctx.profile.get("user_id"):
        return str(ctx.profile["user_id"])
    if booking and booking.get("traveler") and booking.get("traveler") == ctx.profile.get("name"):
        return str(booking.get("traveler_id"))
    return None


def _is(person: dict[str, Any], name: str) -> bool:
    """Whether a profile's person is the one ``name`` names (first or full name)."""
    full = str(person.get("name", "")).lower()
    return full.split()[:1] == [name.lower()] or full == name.lower()


_HELD: Final = ("so I haven't held anything", 'If the trip is yours, say "book it for me".')


def traveler_for(
    state: State,
    turn: Turn,
    name: str,
    again: Offer | None,
    *,
    said: tuple[str, str] = _HELD,
) -> str | Call | Reply:
    """The user id of ``name`` among the people the caller may book for ("" for the caller
    themself), the profile call that tells, or a clear no — never the caller instead.
    Whom the caller may book for is the booking core's rule (``core.orgchart``), as the
    profile's ``can_book_for`` lists it; ``said``: what a no says was not done, and how
    to go on."""
    done, hint = said
    if state.profile is None:
        if turn.last("get_traveler_profile") is None:
            return Call("get_traveler_profile", {})
        return Reply(f"I couldn't check whether you can book for {name}, {done}.", again)
    people = state.profile.get("can_book_for") or []
    for person in people:
        if _is(person, name):
            return str(person["user_id"])
    if _is({"name": state.profile.get("name", "")}, name):
        return ""
    partial = bool(state.profile.get("can_book_for_partial"))
    if partial and not any(
        str(s.args.get("named", "")).lower() == name.lower()
        for s in turn.calls("get_traveler_profile")
    ):
        # The list stops short (a long one is cut): ask about this person by name.
        return Call("get_traveler_profile", {"named": name})
    if partial:
        return Reply(
            f"I can't book for {name}: they aren't among the people you may book for, {done}. {hint}",
            again,
        )
    if people:
        allowed = "yourself and " + ", ".join(str(p.get("name")) for p in people)
    else:
        allowed = "yourself only"
    return Reply(f"I can't book for {name}: you can book for {allowed}, {done}. {hint}", again)


def may_book_for(state: State, turn: Turn, ctx: Context, name: str) -> Call | Reply | None:
    """Before searching for someone else's trip ("book Mia Chen on a flight to Boston"):
    None when the caller may book for them — the profile the prompt carries lists them,
    else the profile tool says so —, the profile call that tells, or the clear no to say
    up front, before the options (which the caller may still take as their own)."""
    if any(_is(p, name) for p in ctx.profile.get("can_book_for") or []):
        return None
    said = (
        "so nothing will be held in their name",
        'If the trip is yours, pick an option "for me" (e.g. "option 1 for me").',
    )
    who = traveler_for(state, turn, name, None, said=said)
    return who if isinstance(who, (Call, Reply)) else None


def party(
    state: State, ctx: Context, traveller: str, resolve: Resolver
) -> list[dict[str, str]] | Call | Reply:
    """Everyone a request names as flying, as ``reserve`` names passengers — the traveller
    (``""``: the caller), then the colleagues along by user id (and the caller, joining
    someone else's trip), then the guests named in full by given and family name — or the
    profile call / no that stands in the way.
    Empty when the request named no one along (or the caller's id is unknown)."""
    d = state.draft
    if not d.companions and not d.guests and not d.with_self:
        return []
    ids: list[str] = []
    for name in d.companions:
        who = resolve(name.split()[0])
        if isinstance(who, (Call, Reply)):
            return who
        ids.append(who)
    if d.with_self:
        ids.append("")  # "put me on it too": the caller, beside the traveller
    me = self_id(ctx)
    people = [traveller or me, *(i or me for i in ids)]
    if any(p is None for p in people):
        return []  # named after the hold, when the caller's id is on the booking
    named = [{"traveler_id": str(p)} for p in dict.fromkeys(str(p) for p in people)]
    for guest in d.guests:
        words = guest.split()
        named.append({"given_name": " ".join(words[:-1]), "family_name": words[-1]})
    return named


def with_passengers(
    items: list[dict[str, Any]], people: list[dict[str, str]]
) -> list[dict[str, Any]]:
    """The hold's flight items, named: each with as many seats as people."""
    named = []
    for item in items:
        if str(item.get("offer_id", "")).startswith("FL-") and item.get("quantity") == len(people):
            item = {**item, "passengers": [dict(p) for p in people]}
        named.append(item)
    return named


def seats_per_flight(booking: dict[str, Any]) -> int:
    flights = [s for s in booking.get("segments") or [] if s.get("kind") == "flight"]
    return max((int(s.get("passengers") or 1) for s in flights), default=1)


def ask_names(booking: dict[str, Any], ctx: Context) -> Reply:
    """A hold with seats nobody is named on: who flies?"""
    booking_id = str(booking.get("booking_id"))
    seats = seats_per_flight(booking)
    unnamed = int(booking.get("unnamed_seats") or seats)
    named = [str(p.get("name")) for p in booking.get("passengers") or [] if p.get("name")]
    summary = render.booking_summary(booking)
    until = render.hold_time(booking.get("hold_expires_at"))
    known = f" So far: {', '.join(named)}." if named else ""
    return Reply(
        f"I've put this on hold as **{booking_id}** until {until}:\n{summary}\n\n"
        f"Before I book it, who's flying? The airline needs a name on each of the {seats} "
        f"seats ({unnamed} still to name).{known} Tell me the colleagues by name and "
        'guests by their legal given and family names, as in the passport — e.g. "me and '
        'Jo Bloggs".',
        Offer("passengers", _offer_args(booking)),
    )


def _offer_args(booking: dict[str, Any]) -> dict[str, Any]:
    return {
        "booking_id": str(booking.get("booking_id")),
        "seats": seats_per_flight(booking),
        "traveler_id": booking.get("traveler_id"),
        "traveler": booking.get("traveler"),
    }


def naming_call(offer: Offer, answer: PeopleAnswer, ctx: Context, resolve: Resolver) -> Decision:
    """``name_passengers`` for the people an answer names (the traveller first when the
    answer names only the others), or what is still missing."""
    again = Offer("passengers", dict(offer.args))
    if answer.first_names_only:
        who = " and ".join(answer.first_names_only)
        return Reply(
            f"I need {who}'s family name too, as in the passport (or, for a colleague, "
            "their name as I know it). Who's flying?",
            again,
        )
    seats = int(offer.args.get("seats") or 1)
    traveller = str(offer.args.get("traveler_id") or "")
    me = self_id(ctx, {"traveler": offer.args.get("traveler"), "traveler_id": traveller})
    people: list[dict[str, str]] = []
    for person in answer.people:
        if person.kind == "self":
            if me is None:
                return Reply("I couldn't tell who you are here; name everyone in full.", again)
            people.append({"traveler_id": me})
        elif person.kind == "colleague":
            colleague = resolve(person.name.split()[0])
            if isinstance(colleague, Call):
                return [colleague]
            if isinstance(colleague, Reply):
                return Reply(colleague.text, again)
            people.append({"traveler_id": colleague or me or ""})
        else:
            people.append(
                {"given_name": str(person.given_name), "family_name": str(person.family_name)}
            )
    # Those named in earlier answers ("Priya Shah is one of them", then "the other is Tom
    # Becker, I'm the third"): the seats are named one answer at a time.
    before = [dict(p) for p in offer.args.get(NAMED_SO_FAR) or []]
    people = before + [p for p in people if p not in before]
    if len(people) == seats - 1 and traveller and {"traveler_id": traveller} not in people:
        people.insert(0, {"traveler_id": traveller})  # "Jo Bloggs": with the traveller
    if traveller and {"traveler_id": traveller} in people:
        people.remove({"traveler_id": traveller})
        people.insert(0, {"traveler_id": traveller})  # the traveller first
    if len(people) > seats:
        return Reply(
            f"That's {len(people)} names for {seats} seats. "
            'Who\'s flying? Name everyone, e.g. "me, Ava and Jo Bloggs".',
            Offer("passengers", {k: v for k, v in offer.args.items() if k != NAMED_SO_FAR}),
        )
    if len(people) < seats and answer.people:
        left = seats - len(people)
        return Reply(
            f"Got it — {_who_text(people, ctx, traveller, offer)} so far. {left} more seat"
            f"{'s' if left != 1 else ''} to name: who else is flying?",
            Offer("passengers", {**offer.args, NAMED_SO_FAR: people}),
        )
    if len(people) != seats:
        return Reply(
            f"That's {len(people)} name{'s' if len(people) != 1 else ''} for {seats} seats. "
            'Who\'s flying? Name everyone, e.g. "me, Ava and Jo Bloggs".',
            again,
        )
    return [
        Call("name_passengers", {"booking_id": str(offer.args["booking_id"]), "passengers": people})
    ]


#: The offer's key for the people named so far, when an answer named fewer than the seats.
NAMED_SO_FAR = "named"


def _who_text(people: list[dict[str, str]], ctx: Context, traveller: str, offer: Offer) -> str:
    """``you and Priya Shah``: the people named so far, as the reply says them."""
    me = self_id(ctx, {"traveler": offer.args.get("traveler"), "traveler_id": traveller})
    said = []
    for p in people:
        if "given_name" in p:
            said.append(f"{p['given_name']} {p['family_name']}")
        elif p.get("traveler_id") == me:
            said.append("you")
        else:
            said.append(str(p.get("traveler_id")))
    return " and ".join(said)


def named_so_far(booking: dict[str, Any], offer: Offer, ctx: Context) -> Reply:
    """ "who's on it so far?" while the hold's seats wait for names: who is named on it
    (on the booking, or in an earlier answer), how many seats are still to name, and
    the question asked again."""
    seats = int(offer.args.get("seats") or seats_per_flight(booking))
    traveller = str(offer.args.get("traveler_id") or "")
    on_it = [str(p.get("name")) for p in booking.get("passengers") or [] if p.get("name")]
    told = [dict(p) for p in offer.args.get(NAMED_SO_FAR) or []]
    named = on_it or ([_who_text(told, ctx, traveller, offer)] if told else [])
    left = seats - (len(on_it) or len(told))
    booking_id = str(offer.args.get("booking_id") or booking.get("booking_id"))
    seats_left = f"{left} seat{'s' if left != 1 else ''}"
    if not named:
        said = f"Nobody is named on **{booking_id}** yet — its {seats_left} still need names."
    else:
        said = f"So far {' and '.join(named)} on **{booking_id}**; {seats_left} still to name."
    return Reply(
        f"{said} Who's flying? Tell me the colleagues by name and guests by their legal given "
        'and family names, as in the passport — e.g. "me and Jo Bloggs".',
        Offer("passengers", dict(offer.args)),
    )


def naming_failed(turn: Turn, offer: Offer) -> Reply | None:
    """This turn's ``name_passengers`` was refused: say why, and ask again."""
    named = turn.last("name_passengers")
    if named is None or not named.error:
        return None
    return Reply(
        f"I couldn't name them: {render.error_text(named.error)} Who's flying?",
        Offer("passengers", dict(offer.args)),
    )


def details_missing(error: dict[str, Any], booking: dict[str, Any]) -> Reply:
    """``confirm_booking`` refused for names (PASSENGER_DETAILS_REQUIRED): what to fix."""
    message = str(error.get("message") or "").split(". Nothing was paid")[0]
    reason = message.split(": ", 1)[-1] if ": " in message else message
    return Reply(
        f"I can't book it yet — the airline needs every passenger's legal names: {reason}. "
        "Nothing was charged; the hold stays. Tell me who's flying (a colleague without "
        "names on file can add them to their profile), and I'll book it.",
        Offer("passengers", _offer_args(booking)),
    )
