"""Booking flow: choose options, hold them (``reserve``), confirm, and the yes / no that answers an offer."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from concierge.planner import render
from concierge.planner.flows import (
    checkin,
    conditional,
    hold_questions,
    option_questions,
    passengers,
    purpose,
    seats,
)
from concierge.planner.flows.approvals import decide_approval
from concierge.planner.flows.base import Call, Context, Decision, Handler, Reply, fit
from concierge.planner.flows.changes import rebook_flow, select_rebook
from concierge.planner.flows.lookup import home_city
from concierge.planner.flows.options import (
    amount_of,
    asked_hotels,
    at_exact_clock,
    booked_option,
    fits_airports,
    name_refs,
    names_of_named,
    names_said,
    not_shown,
    pick,
    same_as_before,
    skipped,
    without_hotels,
    without_replaced,
)
from concierge.planner.flows.search import search, shown_text
from concierge.planner.flows.stays import stay_after
from concierge.planner.flows.trips import cancel_flow, select_trip
from concierge.planner.nlu import answers
from concierge.planner.nlu.conditions import Condition, green_asked, yes_if
from concierge.planner.nlu.intents import Intent, OptionRef, Understanding
from concierge.planner.nlu.people import PeopleAnswer
from concierge.planner.nlu.picks import (
    asks_to_book,
    best_in_request,
    direction_at,
    each_way,
    flight_number,
    is_pick,
    listed_in_request,
    modifiers,
    name_alone,
    names_in_request,
)
from concierge.planner.nlu.picks import (
    of_those as picks_of_those,
)
from concierge.planner.state import BOOKED, Offer, State, Turn, outbound_on_hold
from tools.confirm_booking import ConfirmBookingInput
from tools.list_trips import ListTripsOutput
from tools.views import BookingOut, day_range, spoken_day

_KIND_LIST = {"flight": "flights", "return": "returns", "hotel": "hotels"}


def _list_of(kind: str) -> str:
    """The shown list a kind of choice is made from ("leg2" is its own list)."""
    return _KIND_LIST.get(kind, kind)


def _kinds(state: State) -> list[str]:
    """The kinds of choice on the table, in the order shown: the (first) flight, the
    return, the further legs of a multi-city trip, the hotel."""
    legs = sorted((k for k in state.shown if k.startswith("leg")), key=lambda k: int(k[3:]))
    return ["flight", "return", *legs, "hotel"]


_COMPARED = {"cheapest": "cheaper", "fastest": "faster", "earliest": "earlier", "latest": "later"}


def select(
    state: State, turn: Turn, ctx: Context, u: Understanding, extra: dict[str, Any] | None = None
) -> Decision:
    rebooking = turn.last("rebook")
    if rebooking is not None:
        return rebook_flow(state, turn, ctx, rebooking.args)
    replacing = _replaced_this_turn(state, turn, ctx, u)
    if replacing is not None:
        return replacing
    if _home_day_new(state, turn, u):
        # "Coming back Wednesday 16/12 — the direct BA, please": the flight home of the
        # outbound on hold searched first; the one it names is then held with it
        return search_or_pick(state, turn, ctx, replace(u, intent=Intent.SEARCH))
    said = modifiers(u.text)
    names = [replace(n, direct=said.direct) for n in name_refs(state, u)]
    home_added = _return_to_held(state)
    if home_added:
        # the flight home searched for an outbound on hold: the airline or time named is
        # the return's ("the 9:15pm delta"), the outbound stays as held
        names = [n for n in names if n.kind != "flight"]
    refs = _with_names(list(u.options), names)
    if home_added:
        refs = [replace(r, kind="return") if r.kind in (None, "flight") else r for r in refs]
    cap = state.draft.price_cap
    if cap is not None:
        # "the earliest one that's under budget": within the budget said with the search
        refs = [
            replace(r, under=cap.amount, under_per=cap.per, under_currency=cap.currency)
            if r.in_budget and r.under is None
            else r
            for r in refs
        ]
    wished = state.draft.airline
    if wished and picks_of_those(u.text):
        # "stick to American if I can, what do they have?" → "the cheaper of those": the
        # best by that measure among that airline's options
        refs = [
            replace(r, carrier=wished)
            if r.best and r.carrier is None and r.index is None and r.clock is None
            else r
            for r in refs
        ]
    last = state.last_shown
    hotels = state.shown.get("hotels")
    if (
        last in {"suggestions", "changes"}
        and state.shown.get(last)
        # "book the holiday inn express" after a stay's nights and its flight home's new
        # options shown together: the hotel list's, not a flight to switch to
        and not (hotels is not None and hotels.items and asked_hotels(u.text, hotels.items))
    ):
        return select_rebook(state, turn, ctx, u, refs, state.shown[last])
    if (
        last == "trips"
        and state.trips
        and refs
        and not any(k in state.shown for k in ("flights", "hotels"))
    ):
        return select_trip(state, turn, ctx, u, refs)
    if last == "approvals" and state.approvals and refs:
        if u.decision is None:
            # Never guess between approve and reject.
            return Reply(
                'Do you want to approve or reject it? (e.g. "approve 1" or "reject 2, too expensive")'
            )
        return decide_approval(state, turn, ctx, u)
    chosen: dict[str, dict[str, Any]] = {}
    if state.offer is not None and state.offer.kind == "select":
        chosen.update({k: v for k, v in state.offer.args.items() if isinstance(v, dict)})
    kept = changed_hold_picks(state)
    if kept and not chosen:
        # "Yes, but the later flight" of a flight + hotel hold: what it is not asked to
        # change stays as it was (the new pick below replaces the flight).
        chosen.update(kept)
    if extra:
        chosen.update(extra)
    order = _kinds(state)
    available = [
        k for k in order if state.shown.get(_list_of(k)) and state.shown[_list_of(k)].items
    ]
    booked = booked_again(state) if not available and u.book_for else {}
    if booked and any(r.same for r in refs):
        # "can you book the same flight for Ava as well?" after one's own booking: what
        # that booking took, held again in that person's name (whether the caller may book
        # for them is the core's rule: a clear no otherwise, nothing held).
        items = [
            {"offer_id": o["offer_id"], "quantity": int(o.get("rooms") or 1) if k == "hotel" else 1}
            for k, o in booked.items()
        ]
        return _book(state, turn, ctx, u, items, booked)
    if not available:
        if u.has_trip_details or u.intent == Intent.SEARCH:
            return search(state, turn, ctx, u)
        return Reply(
            "I haven't shown you any options yet. Where and when would you like to travel?"
        )
    notes: list[str] = []
    if not refs and u.condition is not None:
        # "if anything's under 200 book it" of the options shown: the cheapest that fits
        fits = conditional.choose(state, u, None)
        if isinstance(fits, str):
            return Reply(fits)
        refs = [fits] if fits is not None else refs
    if not refs and state.offer is not None and state.offer.kind == "select":
        # "ok book that one" after "what's the cheapest?": the option the reply named.
        best = state.offer.args.get("best")
        refs = [OptionRef(best=str(best))] if best else []
    now: dict[str, dict[str, Any]] = {}  # what this message chose, list by list
    unfound: list[OptionRef] = []  # flights it named from a list where none fits
    question: str | None = None  # asked of an option it named that fits no single one
    for ref in refs:
        if ref.booked:
            # "same hotel as I'm in already": the option of a list shown that one's trips
            # already hold (list_trips first)
            listing = turn.last("list_trips")
            if listing is None:
                return [Call("list_trips", {"limit": 20})]
            trips = listing.typed(ListTripsOutput)
            kinds = [k for k in available if ref.kind in (None, k)]
            for kind in kinds:
                again = booked_option(state, kind, trips.trips if trips is not None else [])
                if again is not None:
                    chosen[kind] = again
                    break
            else:
                return Reply(
                    "I couldn't find the one you have booked among these options — "
                    "which one would you like? Tell me its number."
                )
            continue
        if ref.same:
            for kind in available:
                again = same_as_before(state, kind)
                if again is not None:
                    chosen[kind] = again
            continue
        if ref.both:
            # "option 2 for both", "the cheapest both ways": the same choice in each list.
            kinds = [k for k in available if ref.both == "all" or k != "hotel"]
            if ref.both == "all" and state.draft.return_optional:
                # "the cheapest of both": the flight and the hotel asked for, not the
                # return shown only in case (named, "both ways" or "return 2", it counts).
                kinds = [k for k in kinds if k != "return"]
            every = True
        else:
            kinds = [ref.kind] if ref.kind in available else []
            every = False
        if not kinds:
            # No list named: the next list not chosen yet, in the order they were shown.
            kinds = [k for k in order if k in available and k not in chosen] or available
        for kind in kinds:
            items = state.shown[_list_of(kind)].items
            picked = pick(items, _recommended(state, kind, ref))
            earlier = state.shown[_list_of(kind)].earlier
            if earlier and (picked is None or isinstance(picked, dict)) and _names_a_flight(ref):
                # "the 6:20 one then" after "anything in the afternoon?" left it out: the
                # one option of the same trip shown before that it names — also over one
                # shown now only near the time said ("the 9:15" beside a 21:35).
                before = pick(earlier, ref)
                if isinstance(before, dict) and (
                    picked is None
                    or (at_exact_clock(before, ref) and not at_exact_clock(picked, ref))
                ):
                    picked = before
            if isinstance(picked, str):
                # The question about this list keeps what the message chose in the others
                # ("the 8:50 out and the evening one back", two evening ones back; "the
                # 7:30 delta and the Novotel" with no Delta at 7:30: the hotel kept too).
                question = question or picked
                break
            if picked is None:
                continue
            if kind in now and now[kind] is not picked and not every:
                # Two descriptions of one list that point at different options: ask.
                return Reply(
                    f"You've named two different options ({_choice_label(kind, now[kind])} and "
                    f"{_choice_label(kind, picked)}) — which one would you like?"
                )
            now[kind] = picked
            chosen[kind] = picked
            passed = skipped(items, ref, picked) if picked in items else []
            if passed:
                notes.append(_skipped_text(kind, ref, picked, passed))
            if not every:
                break
        if (
            ref.kind in ("flight", "return")
            and kinds == [ref.kind]
            and (ref.carrier or ref.clock)
            and ref.kind not in now
        ):
            unfound.append(ref)
    if question is not None:
        return Reply(question, Offer("select", dict(chosen)) if chosen else None)
    if unfound and now:
        # "the 6:05 United flight and the Novotel" when no such flight is shown: said and
        # asked, never the rest held without it (what the message chose is kept)
        ref = unfound[0]
        listed = state.shown[_list_of(str(ref.kind))].items
        return Reply(not_shown(listed, ref), Offer("select", dict(chosen)))
    unmet = conditional.unmet_picks(now, u.condition)
    if unmet is not None:
        # "if option 3 is under 150 book it, if not leave it": it isn't, so nothing held
        return Reply(unmet)
    if chosen and u.unsupported is not None and not _seats_wished(u):
        notes.append(u.unsupported.reply)  # the wish that came with the pick ("aisle if you can")
    if not chosen:
        if (
            state.offer is not None
            and state.offer.kind == "select"
            and state.offer.args.get("single")
        ):
            for kind in available:
                chosen[kind] = state.shown[_list_of(kind)].items[0]
        elif (
            state.offer is not None
            and state.offer.kind == "select"
            and state.offer.args.get("asked")
            and available == ["hotel"]
            and (asked := _numbered(state, "hotel", state.offer.args["asked"])) is not None
        ):
            chosen["hotel"] = asked  # "is there a Marriott ...?" "book it": that hotel
        else:
            n = len(state.shown[_list_of(available[0])].items)
            return Reply(
                f'Which option would you like? Tell me a number from 1 to {n}, or e.g. "the cheapest".'
            )
    d = state.draft
    missing = []
    if (
        "return" in available
        and "flight" in chosen
        and "return" not in chosen
        and not d.one_way
        and not d.return_optional
    ):
        missing.append("return")
    if (
        "hotel" in available
        and ("flight" in chosen or "return" in chosen)
        and "hotel" not in chosen
        and d.want_hotel
        and not u.no_hotel
    ):
        missing.append("hotel")
    if "flight" in chosen:
        missing += [k for k in available if k.startswith("leg") and k not in chosen]
    if missing:
        what = " and ".join(
            "return flight"
            if m == "return"
            else f"flight for leg {m[3:]}"
            if m.startswith("leg")
            else "hotel"
            for m in missing
        )
        picked_text = ", ".join(_choice_label(k, v) for k, v in chosen.items())
        return Reply(
            "".join(n + " " for n in notes)
            + f"Got it: {picked_text}. Which {what} would you like"
            + (' (or say "no hotel")' if "hotel" in missing else "")
            + "?",
            Offer("select", dict(chosen)),
        )
    red = [(k, v) for k, v in chosen.items() if (v.get("policy") or {}).get("status") == "red"]
    items = _items(state, chosen, u.passengers)
    if u.unsupported is not None and not _seats_wished(u) and u.unsupported.reply not in notes:
        notes.append(u.unsupported.reply)  # "…bags included?": held, and honest about the rest
    if red and not u.insist:
        reasons = (
            "; ".join(
                str(r) for _, v in red for r in (v.get("policy") or {}).get("violations") or []
            )
            or "company policy"
        )
        kind = red[0][0]
        greens = [
            str(o.get("option"))
            for o in state.shown[_list_of(kind)].items
            if (o.get("policy") or {}).get("status") == "green"
        ]
        instead = (
            f" Option{'s' if len(greens) > 1 else ''} {', '.join(greens)} {'are' if len(greens) > 1 else 'is'} within policy."
            if greens
            else ""
        )
        return Reply(
            f"{_choice_label(*red[0])} is not allowed under company policy ({reasons}), so the booking "
            f'would be refused.{instead} Pick another option, or say "yes" and I\'ll submit it anyway '
            "for the company's check.",
            Offer("reserve", {"items": items, "chosen": chosen}),
        )
    return _book(state, turn, ctx, u, items, chosen, " ".join(notes))


def _names_a_flight(ref: OptionRef) -> bool:
    """The reference names a flight by what it is (its time, airline or price), never by
    its place in a list or a ranking ("option 4", "the cheapest")."""
    return (
        ref.index is None
        and ref.best is None
        and not (ref.same or ref.booked or ref.both)
        and (ref.clock is not None or ref.carrier is not None or ref.price is not None)
    )


def _numbered(state: State, kind: str, number: Any) -> dict[str, Any] | None:
    """The shown option of ``kind`` with that number, if it is still shown."""
    items = state.shown[_list_of(kind)].items if state.shown.get(_list_of(kind)) else []
    return next((o for o in items if o.get("option") == number), None)


def booked_again(state: State) -> dict[str, dict[str, Any]]:
    """The options the last hold of this conversation took, by kind, once their lists are
    done with: what "the same for Ava" holds again (a hold of them again took no list)."""
    lists = next((x for x in reversed(state.held_from.values()) if x), [])
    kinds = [{"flights": "flight", "returns": "return", "hotels": "hotel"}.get(x, x) for x in lists]
    return {k: state.picked[k] for k in _kinds(state) if k in kinds and k in state.picked}


def _with_names(refs: list[OptionRef], names: list[OptionRef]) -> list[OptionRef]:
    """The references read from the message plus the options named by carrier or hotel
    name alone ("BA", "the Hilton"). A name describing the one time or superlative the
    message gives for a flight list ("BA at 22:30") joins it: the pick must fit both."""
    named = {r.kind for r in refs}
    said = list(refs)  # what the message itself tied to a list, before names join it
    joined: set[str] = set()  # carriers joined to a time: the same words name no other list
    numbered = {
        r.carrier.lower().split()[0][:2] for r in refs if r.carrier and flight_number(r.carrier)
    }
    for name in names:
        if name.carrier and name.carrier in joined:
            continue  # "the 3:05 American": that flight, not also an American one back
        if name.carrier and name.carrier.lower() in numbered:
            continue  # "BA 13": that flight's airline names no other option
        if name.carrier and any(
            r.carrier
            and r.carrier.lower() == name.carrier.lower()
            and r.kind not in (None, name.kind)
            for r in said
        ):
            continue  # "the outbound — the JetBlue nonstop": that list's, not also one back
        if any(
            r.carrier
            and r.kind in (None, name.kind)
            and (r.clock or r.best or r.index or r.window or r.avoids or r.price is not None)
            for r in refs
        ):
            # the message already names that carrier with more details ("the delta one in
            # the afternoon": that one, not also any Delta flight of the list)
            continue
        if any(r.carrier and r.kind in (None, name.kind) for r in refs):
            if name.kind not in named:
                refs.append(name)
            continue
        joinable = [
            n
            for n, r in enumerate(refs)
            if r.kind in (None, name.kind)
            and name.kind in ("flight", "return")
            and r.index is None
            and not (r.same or r.both)
            and (r.clock or r.best)
        ]
        if len(joinable) == 1:
            r = refs[joinable[0]]
            refs[joinable[0]] = replace(r, carrier=name.carrier, kind=r.kind or name.kind)
            if name.carrier:
                joined.add(name.carrier)
        elif name.kind not in named:
            refs.append(name)
    return refs


def _skipped_text(
    kind: str, ref: OptionRef, chosen: dict[str, Any], passed: list[dict[str, Any]]
) -> str:
    """Why "the cheapest" is not the cheapest listed: the cheaper ones are blocked."""
    names = ", ".join(f"{_option_name(kind, o)} ({render.money(o.get('total'))})" for o in passed)
    reasons = "; ".join(
        dict.fromkeys(
            str(r) for o in passed for r in (o.get("policy") or {}).get("violations") or []
        )
    )
    verb = "is" if len(passed) == 1 else "are"
    word = _COMPARED.get(str(ref.best), "better")
    why = f" ({reasons})" if reasons else ""
    return (
        f"{names} {verb} {word} but not allowed under company policy{why}, so I've picked "
        f"{_option_name(kind, chosen)} ({render.money(chosen.get('total'))}), the {ref.best} "
        "one you can book."
    )


def _option_name(kind: str, option: dict[str, Any]) -> str:
    if kind == "hotel":
        return str(option.get("name"))
    return " + ".join(option.get("flights") or []) or str(option.get("offer_id"))


def _choice_label(kind: str, option: dict[str, Any]) -> str:
    if kind == "hotel":
        return f"{option.get('name')}"
    flights = " + ".join(option.get("flights") or [])
    label = "return " if kind == "return" else f"leg {kind[3:]} " if kind.startswith("leg") else ""
    return f"{label}{flights} at {render.clock(option.get('depart'))}"


def _recommended(state: State, kind: str, ref: OptionRef) -> OptionRef:
    """ "the ones you recommended": the option each search marked, by its number."""
    if ref.best != "recommended":
        return ref
    out = {"flight": state.flights, "return": state.returns, "hotel": state.hotels}.get(kind)
    wanted = (out or {}).get("recommended")
    if not wanted:
        return replace(ref, best="cheapest")  # what the tools recommend anyway
    return replace(ref, best=None, index=int(wanted))


def _items(
    state: State, chosen: dict[str, dict[str, Any]], passengers: int | None = None
) -> list[dict[str, Any]]:
    items = []
    for kind in _kinds(state):
        option = chosen.get(kind)
        if option is None:
            continue
        if kind == "hotel":
            quantity = int(option.get("rooms") or 1)
        else:
            out = state.returns if kind == "return" else state.flights
            # "option 1 for the two of us": a head count said with the choice is the hold's.
            quantity = passengers or int(
                (out or {}).get("passengers") or state.draft.passengers or 1
            )
        items.append({"offer_id": option["offer_id"], "quantity": quantity})
    return items


# A no to naming someone on a hold's seats.
_NAMING = ("so I can't name them", 'If the trip is yours, say "book it for me".')


def _again(chosen: dict[str, Any]) -> Offer:
    return Offer("select", dict(chosen))  # "book it for me" then holds the same choice


def _book(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    items: list[dict[str, Any]],
    chosen: dict[str, Any],
    note: str = "",
) -> Decision:
    reserve = turn.last("reserve")
    if reserve is None:
        args: dict[str, Any] = {"items": items}
        replaced = changed_hold(state) or declined_hold(state, chosen)
        if replaced is not None and _already_held(state, replaced, items, u):
            # "go with the cheapest" at the confirmation of the cheapest, held this turn
            # before: the hold stands and its confirmation is asked again (never released
            # and held anew)
            again = _confirm_flow(state, turn, ctx, replaced, None)
            if isinstance(again, list) and again and again[0].name == "confirm_booking":
                said = " ".join(p for p in (note, "That's the one already on hold.") if p)
                return [replace(again[0], say=said), *again[1:]]
            return again
        if replaced is not None:
            args["replaces"] = replaced  # the change is made by replacing that hold
        # Named with the pick ("book option 1 for Ava"), else with the request ("book Ava
        # on a flight to Boston"); "for me" makes it the caller's own.
        name = u.book_for or (None if u.for_self else state.draft.traveller)
        who: str | Call | Reply = ""
        if name:
            who = passengers.traveler_for(state, turn, name, _again(chosen))
            if isinstance(who, Call):
                return [who]
            if isinstance(who, Reply):
                return who
            if who:
                args["traveler_id"] = who
        # "Book me and Erin": the seats in their names (each one the caller may book for).
        people = passengers.party(
            state,
            ctx,
            who if isinstance(who, str) else "",
            lambda n: passengers.traveler_for(state, turn, n, _again(chosen)),
        )
        if isinstance(people, Call):
            return [people]
        if isinstance(people, Reply):
            return people
        if people:
            args["items"] = passengers.with_passengers(items, people)
        return [Call("reserve", args, say=note)]
    if reserve.error:
        return Reply(_booking_error(reserve.error, chosen, ctx), _after_error_offer(reserve.error))
    if reserve.output is None:
        return Reply("The hold didn't go through. Shall I try again?")
    booking_id = str(reserve.output.get("booking_id"))
    return _confirm_flow(state, turn, ctx, booking_id, reserve.output)


def _already_held(
    state: State, booking_id: str, items: list[dict[str, Any]], u: Understanding
) -> bool:
    """The pick is what hold ``booking_id`` took already (the same offers, nobody added or
    named): nothing to change."""
    if (
        u.passengers
        or u.passenger_delta
        or u.book_for
        or u.companions
        or u.party
        or u.listed
        or u.self_joins
    ):
        return False
    held = _held_picks(state, booking_id)
    return len(held) == len(items) and {str(o.get("offer_id")) for o in held.values()} == {
        str(i["offer_id"]) for i in items
    }


def changed_hold(state: State) -> str | None:
    """The hold the traveller is changing ("yes, but …" at its confirmation), if it is
    still on hold: a new hold of the trip takes its place (``reserve(replaces=…)``)."""
    booking = state.bookings.get(state.changing or "")
    return state.changing if booking and booking.get("status") == "held" else None


def _home_day_new(state: State, turn: Turn, u: Understanding) -> bool:
    """The message gives the day of a flight home for the outbound on hold that no list
    shown flies (none shown, or another day's): that day is searched before any pick."""
    if (
        u.dates.ret is None
        or u.dates.depart is not None
        or turn.calls("search_flights")
        or not outbound_on_hold(state)
    ):
        return False
    day = state.draft.ret or u.dates.ret
    returns = state.shown.get("returns")
    shown_day = (state.return_args or {}).get("date")
    return not (returns and returns.items and shown_day == day.isoformat())


def _return_to_held(state: State) -> bool:
    """A flight home is shown for the outbound on hold, none picked yet: a choice now is
    of the return, held with that outbound in place of its hold."""
    returns = state.shown.get("returns")
    return (
        outbound_on_hold(state)
        and returns is not None
        and bool(returns.items)
        and "flight" in changed_hold_picks(state)
    )


def declined_hold(state: State, chosen: dict[str, Any]) -> str | None:
    """The hold whose confirmation the traveller said no to (the reply offered to release
    it), when what is picked now is another option of the very lists it took, still shown
    ("no" — "the second one then"): the new hold takes its place, as a changed pick before
    the yes does. None for a pick of another kind (a hotel beside a declined flight) or
    from a list searched again since."""
    offer = state.offer
    if offer is None or offer.kind != "cancel":
        return None
    booking_id = str(offer.args.get("booking_id") or "")
    if (state.bookings.get(booking_id) or {}).get("status") != "held":
        return None
    lists = state.held_from.get(booking_id) or []
    if not lists or len(_held_picks(state, booking_id)) < len(lists):
        return None
    return booking_id if {_list_of(k) for k in chosen} == set(lists) else None


def changed_hold_picks(state: State) -> dict[str, dict[str, Any]]:
    """The options the hold being changed took, by kind, from the lists still shown (a
    list searched again since then has no pick to keep)."""
    booking_id = changed_hold(state)
    if booking_id is None:
        return {}
    return _held_picks(state, booking_id)


def _held_picks(state: State, booking_id: str) -> dict[str, dict[str, Any]]:
    """The options hold ``booking_id`` took, by kind, from the lists still shown."""
    kept: dict[str, dict[str, Any]] = {}
    for listed in state.held_from.get(booking_id, []):
        kind = next((k for k in _kinds(state) if _list_of(k) == listed), None)
        option = state.picked.get(kind or "")
        shown = state.shown.get(listed)
        if (
            kind
            and option
            and shown
            and any(o.get("offer_id") == option.get("offer_id") for o in shown.items)
        ):
            kept[kind] = option
    return kept


def _replaced_this_turn(
    state: State, turn: Turn, ctx: Context, u: Understanding
) -> Decision | None:
    """After this turn's hold replaced the one being changed: on to its confirmation (the
    picks are not read again: the changed hold's are no longer on the table)."""
    done = turn.last("reserve")
    if done is None or not done.args.get("replaces"):
        return None
    return _book(state, turn, ctx, u, list(done.args["items"]), {})


def change_head_count(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """ "Yes, but make it 2 seats" at a hold's confirmation: the same options held again
    for the new head count, in place of that hold; None when the message changes more
    than the count, or the hold's options are no longer on the table."""
    if not (u.passengers or u.passenger_delta) or turn.calls("search_flights"):
        return None
    replacing = _replaced_this_turn(state, turn, ctx, u)
    if replacing is not None:
        return replacing
    if (
        u.places
        or u.dates.depart
        or u.dates.ret
        or u.dates.flexible
        or u.dates.nights
        or u.cabin
        or u.shift_days
        or u.dates.return_days
        or u.price_cap
        or u.max_stops is not None
        or u.time_shift
        or u.dates.depart_after
        or u.dates.depart_before
        or u.options
    ):
        return None
    kept = changed_hold_picks(state)
    booking_id = changed_hold(state)
    if not kept or booking_id is None or len(kept) < len(state.held_from.get(booking_id, [])):
        return None
    passengers = state.draft.passengers  # the message's count, merged (state.apply_user)
    return _book(state, turn, ctx, u, _items(state, kept, passengers), kept)


def _confirm_flow(
    state: State, turn: Turn, ctx: Context, booking_id: str, held: dict[str, Any] | None
) -> Decision:
    confirm = turn.last("confirm_booking")
    current = state.bookings.get(booking_id) or held or {}
    if confirm is None and current.get("status") == "held" and current.get("unnamed_seats"):
        return passengers.ask_names(current, ctx)  # the airline tickets names, not seats
    if confirm is None:
        # "the 10:05, and a window seat would be great": the seat is chosen on the hold
        # first, then the confirmation (its total then includes nothing unasked for: a
        # wish picks free seats only).
        wish = turn.understanding.seat_request if turn.understanding else None
        seated = turn.last("choose_seats")
        offered = not ctx.tools or "choose_seats" in ctx.tools
        if wish is not None and seated is None and offered and current.get("status") == "held":
            call = seats.wish_call(current, ctx, wish)
            if call is not None and not wish.seats:
                return [call]
        replaced = turn.last("reserve")
        was = replaced.args.get("replaces") if replaced is not None else None
        say = f"I've released {was} and put this on hold instead." if was else ""
        if seated is not None and seated.done:
            say = (
                f"{say} {seats.after_choice(seated.output, seated.error, seated.args).text}".strip()
            )
        asked = turn.understanding.text if turn.understanding and replaced else ""
        verdict = hold_questions.policy_asked(asked, current) if asked else None
        if verdict:  # "hold the 6:05 ... - will I need approval for it?"
            say = f"{say} {verdict}".strip()
        why = state.draft.purpose if current.get("status") == "held" else None
        return [
            Call(
                "confirm_booking",
                {"booking_id": booking_id}
                | ({"purpose": fit(ConfirmBookingInput, "purpose", why)} if why else {}),
                say=say,
            )
        ]
    booking = state.bookings.get(booking_id) or held or {}
    if confirm.declined:
        return Reply(
            f"OK, I haven't booked it. {booking_id} stays on hold until {render.hold_time(booking.get('hold_expires_at'))}, "
            "then it is released automatically. Want me to release the hold now instead?",
            Offer("cancel", {"booking_id": booking_id}),
        )
    if confirm.error:
        if confirm.error.get("code") == "PASSENGER_DETAILS_REQUIRED":
            return passengers.details_missing(confirm.error, booking)
        return Reply(_booking_error(confirm.error, {}, ctx), _after_error_offer(confirm.error))
    text = _confirmed_text(confirm.output or {}, ctx)
    # Sent for approval: what is it for? (the approver sees the answer).
    ask, offer = purpose.question(confirm.output or {}, _approver(confirm.output or {}, ctx))
    hotel = hotel_after_flight(state, confirm.output or {}, home_city(ctx))
    if hotel is not None:
        if offer is not None:
            return Reply(
                text + ask + "\n\n" + hotel.text,
                purpose.also_asking(hotel.offer, str(offer.args["booking_id"])),
            )
        return Reply(text + "\n\n" + hotel.text, hotel.offer)
    return Reply(text + ask, offer)


def _seats_wished(u: Understanding) -> bool:
    """A pick that asks for a window or an aisle: chosen on the hold (``_confirm_flow``)."""
    return u.seat_request is not None and u.seat_request.position is not None


def hotel_after_flight(
    state: State, booking: dict[str, Any], home: str | None = None
) -> Reply | None:
    """Flights booked without a hotel: offer one in the destination for the nights between
    landing and flying home ("Also need a hotel in London for 18–21 Dec?"). The flight home
    booked apart from the way there ("now I need to get back on the 10th") dates the stay
    with it, where the trip went; a stay is never offered in ``home``, the traveller's own
    city."""
    if str(booking.get("status")) not in BOOKED:
        return None
    segments = [s for s in booking.get("segments") or [] if isinstance(s, dict)]
    flights = [s for s in segments if s.get("kind") == "flight"]
    if not flights or any(s.get("kind") == "hotel" for s in segments):
        return None
    if state.shown.get("hotels"):
        return None  # hotels were on the table for this trip and none was chosen
    stay = stay_after(booking)
    if stay is not None and home is not None and stay.city == home:
        # the flight home: the trip's stay is where the flights booked here before it went
        earlier = [
            s
            for b in state.bookings.values()
            if b.get("booking_id") != booking.get("booking_id") and str(b.get("status")) in BOOKED
            for s in b.get("segments") or []
            if isinstance(s, dict)
        ]
        if any(s.get("kind") == "hotel" for s in earlier):
            return None
        stay = stay_after({"segments": earlier + segments})
        if stay is not None and (stay.city == home or stay.check_out is None):
            stay = None
    if stay is None:
        return None
    city, check_in, check_out = stay.city, stay.check_in, stay.check_out
    args: dict[str, Any] = {
        "city": city,
        "check_in": check_in.isoformat(),
        "rooms": state.draft.rooms or stay.rooms,
    }
    if check_out is None:
        text = (
            f"Also need a hotel in {city} from {spoken_day(check_in)}? "
            "Tell me how many nights and I'll find one."
        )
    else:
        args["check_out"] = check_out.isoformat()
        text = f"Also need a hotel in {city} for {day_range(check_in, check_out)}? Just say yes."
    return Reply(text, Offer("hotel", args))


def _confirmed_text(b: dict[str, Any], ctx: Context) -> str:
    status = str(b.get("status"))
    ref = b.get("booking_id")
    lines = render.booking_summary(b)
    total = render.money(b.get("total"))
    # Booked for someone else ("book Ava on a flight"): say whose trip it is. Who the
    # caller is is their user id (two people may share a name); by name only when the
    # booking or the context lacks it.
    traveller = str(b.get("traveler") or "")
    traveller_id = str(b.get("traveler_id") or "")
    if traveller_id and ctx.user_id:
        for_other = bool(traveller) and traveller_id != ctx.user_id
    else:
        for_other = bool(traveller) and traveller != str(ctx.profile.get("name") or traveller)
    if status == "confirmed":
        head = (
            f"✅ Booked for {traveller}! The booking reference is **{ref}**"
            if for_other
            else f"✅ Booked! Your booking reference is **{ref}**"
        ) + f" — confirmed, {total} charged to the company card."
    elif status == "pending_approval":
        policy = b.get("policy") or {}
        whom = _approver(b, ctx)
        reasons = "; ".join(policy.get("violations") or [])
        why = f" ({reasons})" if reasons else ""
        head = (
            f"📨 I've sent **{ref}**{f' ({traveller}’s trip)' if for_other else ''} to {whom} for approval{why}. Nothing is paid yet; the seats/rooms stay held "
            f"until {render.hold_time(b.get('hold_expires_at'))}. Total {total}. I'll confirm it as soon as it's approved."
        )
    elif status in {"pending_confirmation", "confirming"}:
        head = f"⏳ **{ref}** is paid ({total}) and waiting for the airline/hotel to confirm; it will update shortly."
    else:
        head = f"**{ref}** is {render.status_text(status)}." + (
            f" {b.get('failure_reason')}" if b.get("failure_reason") else ""
        )
    return head + ("\n" + lines if lines else "")


def _approver(b: dict[str, Any], ctx: Context) -> str:
    """Who the trip waits on, by name: the approver the workflow resolved (confirm_booking's
    ``waiting_on``), else the caller's manager when the first step is a manager's."""
    now = b.get("waiting_on") or {}
    if now.get("name"):
        return "you" if now.get("you") else str(now["name"])
    roles = (b.get("policy") or {}).get("approvals_required") or []
    manager = ctx.profile.get("manager")
    if manager and (not roles or roles[0] in {"manager", "traveller's manager"}):
        return str(manager)
    return ", ".join(str(r) for r in roles) if roles else "your approver"


def _booking_error(error: dict[str, Any], chosen: dict[str, Any], ctx: Context) -> str:
    code = str(error.get("code"))
    base = render.error_text(error)
    if code == "SOLD_OUT":
        return f"Sorry — {base} Shall I search again for the latest availability?"
    if code == "HOLD_EXPIRED":
        return f"Sorry — {base} Shall I search again so you can pick a fresh option?"
    if code == "POLICY_BLOCKED":
        return (
            f"I couldn't book that: {base} I can't override the travel policy, even on request. "
            "I can look for an option within policy instead — just say the word."
        )
    if code == "PAYMENT_DECLINED":
        return f"{base} Nothing was charged. Please check with finance, then ask me to try again."
    if code == "SUPPLIER_UNAVAILABLE":
        return f"{base} Nothing was charged. Try again in a few minutes?"
    return f"I couldn't complete that: {base}"


def _after_error_offer(error: dict[str, Any]) -> Offer | None:
    if str(error.get("code")) in {"SOLD_OUT", "HOLD_EXPIRED"}:
        return Offer("search", {})
    return None


def _as_pick(u: Understanding, *, insist: bool | None = None) -> Understanding:
    """A yes read as the pick it agrees to: who it is for, and whether it insists."""
    return Understanding(
        text=u.text,
        intent=Intent.SELECT,
        book_for=u.book_for,
        for_self=u.for_self,
        insist=u.insist if insist is None else insist,
    )


def yes(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    offer = state.offer
    if u.decision and offer is None and state.last_shown == "approvals":
        # "ok approve it", "yes approve" right after the list of requests: a decision on
        # the one meant (the only one listed, else the flow asks which).
        return decide_approval(state, turn, ctx, u)
    if offer is not None:
        if offer.kind == "reserve":
            return _book(
                state,
                turn,
                ctx,
                _as_pick(u, insist=True),
                list(offer.args["items"]),
                dict(offer.args.get("chosen") or {}),
            )
        if offer.kind == "cancel":
            held = state.bookings.get(str(offer.args["booking_id"])) or {}
            if held.get("status") == "held" and answers.books_after_all(u.text):
                # "Want me to release the hold now?" — "ok go ahead and book it now": the
                # booking agreed to after all, never the release.
                return _confirm_flow(state, turn, ctx, str(held["booking_id"]), held)
            return cancel_flow(state, turn, ctx, str(offer.args["booking_id"]))
        if offer.kind == "confirm":
            return _confirm_flow(state, turn, ctx, str(offer.args["booking_id"]), None)
        if offer.kind == "rebook":
            return rebook_flow(state, turn, ctx, offer.args)
        if offer.kind == "seat_fee":
            paid = seats.pay_fee(state, turn, ctx, offer)
            seated = turn.last("choose_seats")
            held = (seated.output or {}) if seated is not None and seated.done else {}
            if isinstance(paid, Reply) and held.get("status") == "held" and seated is not None:
                # The fee joined the hold's price: its confirmation, put aside for the
                # seat, is asked again with the new total.
                return _confirm_flow(state, turn, ctx, str(held["booking_id"]), held)
            return paid
        if offer.kind == "check_in":
            return checkin.check_in_offered(turn, offer.args)
        if offer.kind == "search":
            return search(
                state, turn, ctx, Understanding(text=u.text, intent=Intent.SEARCH, want_flight=None)
            )
        if offer.kind == "hotel":
            # The offer's city and nights are in the draft already (state.apply_user).
            return search(
                state,
                turn,
                ctx,
                Understanding(
                    text=u.text, intent=Intent.SEARCH, want_hotel=True, want_flight=False
                ),
            )
        if offer.kind == "select":
            return select(state, turn, ctx, _as_pick(u))
    if u.thanks:
        # "perfect, thanks" with nothing on offer closes the exchange; it picks nothing.
        return Reply(render.THANKS_TEXT)
    current = state.bookings.get(state.current_booking or "")
    if current and current.get("status") == "held":
        return _confirm_flow(state, turn, ctx, str(current["booking_id"]), current)
    if any(state.shown.get(k) for k in ("flights", "hotels", "returns")):
        return select(state, turn, ctx, _as_pick(u))
    if u.decision:
        # A bare "approve" / "approve it" with nothing on offer, held or shown: a decision
        # on what waits on the caller (the only request, else the flow asks which).
        return decide_approval(state, turn, ctx, u)
    return Reply(
        "Happy to help — what would you like me to do? For example, search a flight or show your trips."
    )


def name_passengers(
    state: State, turn: Turn, ctx: Context, u: Understanding, answer: PeopleAnswer
) -> Decision:
    """The answer to "who's flying?": name them on the hold, then on to its confirmation."""
    offer = state.offer
    assert offer is not None
    booking_id = str(offer.args["booking_id"])
    named = turn.last("name_passengers")
    if named is None:
        return passengers.naming_call(
            offer,
            answer,
            ctx,
            lambda n: passengers.traveler_for(state, turn, n, _again({}), said=_NAMING),
        )
    failed = passengers.naming_failed(turn, offer)
    if failed is not None:
        return failed
    return _confirm_flow(state, turn, ctx, booking_id, named.output)


def _no(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    offer = state.offer
    if u.decision and offer is None and state.last_shown == "approvals":
        return decide_approval(state, turn, ctx, u)  # "nope, decline it" after the list
    if offer is not None and offer.kind == "cancel":
        booking = state.bookings.get(str(offer.args["booking_id"])) or {}
        return Reply(
            f"OK, I'll leave {offer.args['booking_id']} on hold until {render.hold_time(booking.get('hold_expires_at'))}. "
            'Just say "confirm it" if you change your mind.'
        )
    if offer is not None and offer.kind == "reserve":
        return Reply("OK, I won't book that. Would you like to pick another option?")
    if u.decision and offer is None and state.current_booking is None and not state.last_shown:
        return decide_approval(state, turn, ctx, u)  # a bare "reject it": likewise
    if offer is None and state.only_options_shown():
        # "scrap that, the trip is off" after a search: only options were shown, so say
        # plainly that nothing is held or booked.
        return Reply("OK, no problem — nothing was booked. Anything else I can help with?")
    return Reply("OK, no problem. Anything else I can help with?")


def wait(state: State, turn: Turn, ctx: Context, u: Understanding, aside: str = "") -> Decision:
    """A pause at a question ("thanks! hang on a sec", "let me check with my boss"): not a
    yes, not a no. At a hold's confirmation the same confirmation is asked again, so it
    stays pending — unless the pause puts the trip's details in question with someone
    else ("let me confirm the dates with my assistant first", ``answers.defers``): the hold
    stays and the question is closed. Anything else on offer stays offered. ``aside``: the
    answer to a question asked in passing ("what's the weather like there?"), said first."""
    asked = turn.last("confirm_booking")
    if asked is not None:  # answered since: its outcome
        answered = str(asked.args.get("booking_id"))
        return _confirm_flow(state, turn, ctx, answered, state.bookings.get(answered))
    booking_id = changed_hold(state)
    if booking_id is None:
        return Reply(_PAUSE_TEXT + " Just let me know when you're ready.", state.offer)
    booking = state.bookings.get(booking_id) or {}
    until = render.hold_time(booking.get("hold_expires_at"))
    if not aside and answers.defers(u.text):
        # "let me confirm the dates with my assistant first": what is held may change, so
        # the question is closed; the hold stays, and the reply says how to go on then
        return Reply(
            f"Of course — check with them first. {booking_id} stays on hold until {until}, "
            'and nothing is booked yet. When you\'re ready, just say "book it" (or '
            '"release it" if the plans change).'
        )
    say = (
        f"{aside + chr(10) * 2 if aside else _PAUSE_TEXT + ' '}{booking_id} stays on hold until "
        f"{until} and nothing is booked yet — "
        "say yes when you're ready to book it, or no to leave it."
    )
    return [Call("confirm_booking", {"booking_id": booking_id}, say=say)]


_PAUSE_TEXT = "No rush, take your time."


def yes_on_condition(state: State, u: Understanding) -> Decision | None:
    """A yes on a condition at a hold's confirmation ("yes but only if it's refundable",
    "ok as long as it's under 300") that the service could not take as a yes: what on
    hold does not meet it, nothing booked; met (a price, a time the question did not
    tell), the confirmation asked again with that said. None: no such yes."""
    cond = yes_if(u.text)
    booking_id = changed_hold(state)
    if cond is None or booking_id is None:
        return None
    booking = state.bookings.get(booking_id) or {}
    why = conditional.unmet(_as_option(booking), cond)
    if why:
        until = render.hold_time(booking.get("hold_expires_at"))
        return Reply(
            f"I haven't booked it: {'; '.join(why)}. {booking_id} stays on hold until "
            f'{until} — say "book it" if you want it anyway, or tell me what to look for '
            "instead."
        )
    say = f"It's {conditional.described(cond)}."
    return [Call("confirm_booking", {"booking_id": booking_id}, say=say)]


def _as_option(booking: dict[str, Any]) -> dict[str, Any]:
    """A hold read as the option a condition tests: its price per person (flights only),
    first departure and landing, stops, refundability and policy verdict."""
    segments = [s for s in booking.get("segments") or [] if s.get("status") != "released"]
    flights = [s for s in segments if s.get("kind") == "flight"]
    option: dict[str, Any] = {
        "refundable": bool(segments) and all(s.get("refundable") for s in segments),
        "policy": booking.get("policy") or {},
    }
    if flights and len(flights) == len(segments):
        seats = int(flights[0].get("passengers") or 1)
        total = amount_of(booking.get("total"))
        option["price"] = {**(booking.get("total") or {}), "amount": f"{total / seats:.2f}"}
        option["depart"] = flights[0].get("depart")
        out = [flights[0]]  # the way out: flights joined where the last one landed
        for f in flights[1:]:
            if f.get("origin") != out[-1].get("destination"):
                break
            out.append(f)
        option["arrive"], option["stops"] = out[-1].get("arrive"), len(out) - 1
    return option


def _confirm(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    booking_id = u.booking_id or state.current_booking
    if not booking_id:
        return Reply("Which booking should I confirm? Give me its reference (BK-…).")
    return _confirm_flow(state, turn, ctx, booking_id, state.bookings.get(booking_id))


_DEFINITE = re.compile(r"\bthe\b[^.?!]*\b(?:one|ones|flights?|options?|fares?|hotel)\b")


# "the one into Heathrow", "the 3pm flight out of Newark": one option, singular.
_ONE_DESCRIBED = re.compile(r"\bthe\b[^.?!]*?\b(?:one|flight|option)\b(?!s)")
_ASKS_AGAIN = re.compile(r"\b(?:what|how) about\b|\b(?:any|anything|instead|rather)\b")


def _described_by_airport(state: State, u: Understanding) -> list[OptionRef] | None:
    """The option a message describes by an airport of the flights shown ("the 3pm into
    Heathrow", "the one out of Newark", "the Gatwick one"): the reference with that
    airport, or None when the message asks for something new (another day, a place no
    option shown uses, "what about from Newark?", "the flights from Newark")."""
    if len(u.options) > 1 and u.places:
        return _described_each(state, u)
    if (
        len(u.places) != 1
        or len(u.options) > 1
        or u.dates.depart
        or u.dates.flexible
        or u.dates.question
        or u.cabin
        or u.passengers
        or u.passenger_delta
        or u.price_cap
        or u.shift_days
        or u.dates.return_days
        or u.text.rstrip().endswith("?")
        # ("I'd rather take the 3:35 into JFK", "the 12:15 from Heathrow instead": an option
        # shown, named by its time — "Newark instead" asks for a new search)
        or (_ASKS_AGAIN.search(u.text.lower()) and not _timed_pick(u))
    ):
        return None
    ref = u.options[0] if u.options else OptionRef()
    if not (_ONE_DESCRIBED.search(u.text.lower()) or ref.clock or ref.best or ref.window):
        return None
    place = u.places[0]
    if place.place is None:
        return None
    airports, end = tuple(place.place.airports), place.role
    lists = [
        kind
        for kind in ("flight", "return")
        if state.shown.get(_list_of(kind))
        and any(fits_airports(i, airports, end) for i in state.shown[_list_of(kind)].items)
    ]
    if not lists or (ref.kind and ref.kind not in lists):
        return None
    carrier = ref.carrier
    if carrier and carrier.lower() in place.text.lower():
        carrier = None  # "the Gatwick one": the airport, not an airline
    kind = ref.kind or (lists[0] if len(lists) == 1 else None)
    return [replace(ref, airports=airports, end=end, kind=kind, carrier=carrier)]


def _timed_pick(u: Understanding) -> bool:
    """The message chooses one option by its time or number ("I'd rather take the 3:35")."""
    return any(r.clock or r.index is not None for r in u.options) and is_pick(u.text, u.options)


def _described_each(state: State, u: Understanding) -> list[OptionRef] | None:
    """A pick in each list of a round trip, one described by an airport of its flights
    ("the afternoon one from Heathrow going out, and the 10am BA coming back"): each
    place joins the reference of its clause's direction, when an option of that list
    uses that airport. None when the message asks for something new."""
    if (
        u.dates.depart
        or u.dates.ret
        or u.dates.flexible
        or u.dates.question
        or u.cabin
        or u.passengers
        or u.passenger_delta
        or u.price_cap
        or u.shift_days
        or u.dates.return_days
        or u.text.rstrip().endswith("?")
        or _ASKS_AGAIN.search(u.text.lower())
        or len({r.kind for r in u.options}) != len(u.options)
        or not all(r.kind in ("flight", "return") for r in u.options)
    ):
        return None
    refs = list(u.options)
    text = " ".join(u.text.replace("’", "'").split())
    for place in u.places:
        if place.place is None:
            return None
        m = re.search(rf"\b{re.escape(place.text)}\b", text, re.IGNORECASE)
        kind = direction_at(text, m.start()) if m else None
        n = next((i for i, r in enumerate(refs) if r.kind == kind), None)
        shown = state.shown.get(_list_of(kind or ""))
        if n is None or shown is None:
            return None
        airports = tuple(place.place.airports)
        end = (
            place.role if any(fits_airports(i, airports, place.role) for i in shown.items) else None
        )
        if not any(fits_airports(i, airports, end) for i in shown.items):
            return None
        refs[n] = replace(refs[n], airports=airports, end=end)
    return refs


def search_or_pick(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    """ "the direct United flight", "I'll take the American nonstop", "the Iberia nonstop
    each way": words that would also narrow a search (direct), said of an airline or
    hotel on the list shown, choose from it; anything new about the trip searches again."""
    shown = any(state.shown.get(k) for k in _KIND_LIST.values())
    new_trip = (
        u.places
        or u.dates.depart
        or u.dates.flexible
        or u.dates.question
        or u.cabin
        or u.passengers
        or u.passenger_delta
        or u.price_cap
        or u.shift_days
        or _home_day_new(state, turn, u)
    )
    changed = change_head_count(state, turn, ctx, u)
    if changed is not None:
        return changed
    if shown and not turn.calls("search_flights"):
        described = _described_by_airport(state, u)
        if described is not None:
            # "the 3pm into Heathrow", "the one out of Newark": an option shown, not a
            # new search narrowed to that airport.
            return select(state, turn, ctx, replace(u, intent=Intent.SELECT, options=described))
    # Another hotel searched this turn for one's booked stay's nights ("is the Hilton free
    # for the same nights?"): the booked one said beside it names no option, and the one
    # named is held only when the message asks for it to be booked ("... can you book
    # it?"); else the list shows it.
    other_stay = u.booked_stay in _OTHER_STAY and bool(turn.calls("search_hotels"))
    if other_stay:
        u = replace(u, text=without_hotels(u.text, _booked_hotels(turn)))
    if shown and not new_trip and not turn.calls("search_flights"):
        named = name_refs(state, u)
        if other_stay and not asks_to_book(u.text):
            named = []
        low = u.text.lower()
        definite = _DEFINITE.search(low) or any(
            re.search(rf"\bthe\s+(?:[\w-]+\s+){{0,2}}{re.escape(r.carrier.lower())}\b", low)
            for r in named
            if r.carrier
        )
        if named and (
            is_pick(u.text, named)
            # "holiday inn pls": an option's name and nothing else
            or name_alone(u.text, names_of_named(state, named))
            # ("does the american nonstop get in before 10am?" asks of it: no pick)
            or (definite and not option_questions.asks_of_named(u.text))
        ):
            return select(state, turn, ctx, u)
    found = search(state, turn, ctx, u)
    if isinstance(found, Reply):
        return (
            _replaced_this_turn(state, turn, ctx, u)
            or _hold_the_best_asked(state, turn, ctx, u)
            or _named_option_asked(state, turn, ctx, u)
            or found
        )
    return found


# The readings of a stay booked that ask for another hotel on its nights (not "moved":
# the same hotel on other nights).
_OTHER_STAY = frozenset({"same", "cheaper", "same_nights"})


def _booked_hotels(turn: Turn) -> list[tuple[str, str]]:
    """The hotels (name, city) of the booking this turn looked up for its stay."""
    step = turn.last("get_booking")
    if step is None:
        return []
    booking = step.typed(BookingOut)
    if booking is None:
        return []
    return [(s.hotel, s.city or "") for s in booking.segments if s.kind == "hotel" and s.hotel]


def _stay_moved(state: State, turn: Turn, u: Understanding) -> bool:
    """The message moves the dates of the stay held and awaiting its yes, and nothing
    else: this turn searched the hotels again, the held hotel is among them."""
    booking_id = changed_hold(state)
    if booking_id is None or state.held_from.get(booking_id) != ["hotels"]:
        return False
    if not turn.calls("search_hotels") or turn.calls("search_flights"):
        return False
    dated = (
        u.dates.depart
        or u.dates.ret
        or u.dates.nights
        or u.shift_days
        or u.extend_nights
        or u.extend_until
    )
    other = u.options or u.price_cap or u.rooms or u.want_flight
    if not dated or other:
        return False
    return same_as_before(state, "hotel") is not None


def _hold_the_best_asked(
    state: State, turn: Turn, ctx: Context, u: Understanding
) -> Decision | None:
    """ "Book me on the earliest direct flight to Boston on the 16th": once this turn's
    search is shown, the option the request named by a superlative is held and its
    confirmation asked — one yes books it, not a pick and then a yes. None when the
    request names no such option, or the search found nothing to hold."""
    ref = best_in_request(u.text)
    if ref is None and any(r.same for r in u.options) and state.picked:
        # "boston again the 21st to the 23rd, same hotel as before": the option held last
        # time, found again in this turn's search, is held.
        ref = OptionRef(same=True)
    if ref is None and _stay_moved(state, turn, u):
        # "actually make it check out on the 18th" at a held stay: the same hotel, found
        # again for the new nights, is held in place of the old hold (and confirmed anew).
        ref = OptionRef(same=True)
    if ref is None:
        # "book me JFK to Boston on the 4th — the first option is fine": the option at
        # that place of the list this turn's search shows.
        ref = listed_in_request(u.text)
    searched = turn.calls("search_flights") + turn.calls("search_hotels")
    if not searched or state.draft.flex or state.draft.legs:
        return None
    lists = [k for k in _KIND_LIST.values() if state.shown.get(k) and state.shown[k].items]
    if not lists:
        return None
    if state.draft.traveller and passengers.may_book_for(state, turn, ctx, state.draft.traveller):
        return None  # someone the caller may not book for: the options only, said so
    if (ref is not None or u.condition is not None) and (green_asked(u.text) or u.within_policy):
        # "book the cheapest biz class … that doesn't need approval", "the cheapest 4-star
        # within our limit, book it if there is one": being within policy is a condition
        # of the hold (an option needing approval is not taken), beside any other said
        green = Condition(clause="") if u.condition is None else u.condition
        u = replace(u, condition=replace(green, green=True))
    if u.condition is not None:
        # "if there's anything under $200 book it": held only if an option meets it
        fits = conditional.choose(state, u, ref)
        if isinstance(fits, str):
            listed = shown_text(state, turn, ctx, None)
            return Reply("\n\n".join(p for p in (listed, fits) if p))
        if fits is not None:
            return hold_named(
                state, turn, ctx, u, [fits], conditional.passed_over(state, u, ref, fits)
            )
    if ref is None:
        named = _named_in_request(state, u, ctx)
        if not named:
            return None
        return hold_named(state, turn, ctx, u, named)
    if len(lists) > 1:
        # "grab the cheapest both ways", "the first option each way": each flight list
        ways = each_way(u.text)
        if ref.index is not None and not ways:
            return None  # the first of which list? both shown, the traveller picks
        ref = replace(ref, both="ways" if ways else "all")  # "the cheapest flights and hotel"
    cap = state.draft.price_cap
    if cap is not None:
        # "nonstop, under $250. book the earliest one that fits": within the budget
        ref = replace(ref, under=cap.amount, under_per=cap.per, under_currency=cap.currency)
    if state.draft.max_stops == 0:
        ref = replace(ref, direct=True)
    pick_it = Understanding(
        text="", intent=Intent.SELECT, options=[ref], book_for=u.book_for, for_self=u.for_self
    )
    decided = select(state, turn, ctx, pick_it)
    if turn.last("reserve") is not None:
        return decided  # held already: on to its confirmation
    if isinstance(decided, list) and decided[0].name != "reserve":
        return decided  # who the traveller is first: the words go with the hold
    listed = shown_text(state, turn, ctx, ref.best)
    if isinstance(decided, Reply):
        return Reply("\n\n".join(p for p in (listed, decided.text) if p), decided.offer)
    return [
        replace(call, say="\n\n".join(p for p in (listed, call.say) if p)) if n == 0 else call
        for n, call in enumerate(decided)
    ]


def _named_option_asked(state: State, turn: Turn, ctx: Context, u: Understanding) -> Reply | None:
    """ "is the 6am american from JFK to Chicago on the 10th within policy?": once this
    turn's search is shown, the question is answered of the one option it names (and that
    option offered, so "great, book it" takes it). None when the message asks nothing of
    an option, or what it names fits several options or none."""
    if not (turn.calls("search_flights") or turn.calls("search_hotels")):
        return None
    if not option_questions.asks_of_named(u.text):
        return None
    text = u.text
    for mention in u.places:
        text = re.sub(rf"\b{re.escape(mention.text)}\b", " ", text, flags=re.IGNORECASE)
    refs = _with_names([r for r in u.options if r.carrier or r.clock], names_said(state, text))
    if len(refs) != 1:
        return None
    said = option_questions.about_option(state, ctx, u, refs[0])
    if said is None:
        return None
    listed = shown_text(state, turn, ctx, None)
    return Reply("\n\n".join(p for p in (listed, said.text) if p), said.offer)


def _named_in_request(state: State, u: Understanding, ctx: Context) -> list[OptionRef]:
    """The options a request books by name before any was shown ("book me on the 6:05
    American", "the Hilton if there is one"), one per list, each fitting exactly one
    option of this turn's search; none when the request names no airline, time or hotel,
    or what it names fits several options or none (the list is shown, nothing held)."""
    # whom the request books: the colleague it is for, or the people named flying together
    # ("book Ava and me on the 6:20pm JetBlue")
    whom = " ".join(
        n for n in (_full_name(state, ctx, u.book_for), *u.companions, *u.party, *u.listed) if n
    )
    if not names_in_request(u.text, whom):
        return []
    text = u.text
    for mention in u.places:
        # "from JFK to Chicago": places, never names of an option
        text = re.sub(rf"\b{re.escape(mention.text)}\b", " ", text, flags=re.IGNORECASE)
    # "the Hilton on Park Lane instead of the Holiday Inn": what is replaced is not booked
    text = without_replaced(text)
    names = names_said(state, text)
    said = [r for r in u.options if r.carrier or r.clock]
    if _return_to_held(state):
        # the flight home added to the outbound on hold: what is named is the return's
        names = [n for n in names if n.kind != "flight"]
        said = [replace(r, kind="return") if r.kind in (None, "flight") else r for r in said]
    refs = _with_names(said, names)
    chosen: list[OptionRef] = []
    for ref in refs:
        if not (ref.carrier or ref.clock) or ref.index is not None or ref.best:
            return []
        kinds = [ref.kind] if ref.kind else [k for k in _KIND_LIST if k != "return"]
        fits = [
            k
            for k in kinds
            if state.shown.get(_list_of(k))
            and isinstance(pick(state.shown[_list_of(k)].items, ref), dict)
        ]
        if len(fits) != 1:
            return []
        chosen.append(replace(ref, kind=fits[0]))
    if len({r.kind for r in chosen}) != len(chosen):
        return []
    return chosen


def _full_name(state: State, ctx: Context, first: str | None) -> str | None:
    """The full name of the colleague a request was read to be for ("Ava" in "get Ava
    Patel on the 9:15am"), as the profile lists the people the caller may book for."""
    if not first:
        return first
    people = (state.profile or {}).get("can_book_for") or ctx.profile.get("can_book_for") or []
    for person in people:
        name = str(person.get("name") or "")
        if name.split()[:1] and name.split()[0].lower() == first.lower():
            return name
    return first


def hold_named(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    named: list[OptionRef],
    note: str = "",
) -> Decision:
    """The options a request named held at once, with the list they came from (and
    ``note``: why the one held is not the cheapest listed)."""
    pick_it = Understanding(
        text="", intent=Intent.SELECT, options=named, book_for=u.book_for, for_self=u.for_self
    )
    decided = select(state, turn, ctx, pick_it)
    if turn.last("reserve") is not None:
        return decided
    if isinstance(decided, list) and decided[0].name != "reserve":
        return decided
    listed = "\n\n".join(p for p in (shown_text(state, turn, ctx, None), note) if p)
    if isinstance(decided, Reply):
        return Reply("\n\n".join(p for p in (listed, decided.text) if p), decided.offer)
    return [
        replace(call, say="\n\n".join(p for p in (listed, call.say) if p)) if n == 0 else call
        for n, call in enumerate(decided)
    ]


HANDLERS: dict[Intent, Handler] = {
    # Overrides search's own SEARCH handler (dispatch merges this module's after it).
    Intent.SEARCH: search_or_pick,
    Intent.SELECT: select,
    Intent.YES: yes,
    Intent.NO: _no,
    Intent.WAIT: wait,
    Intent.CONFIRM: _confirm,
}
