"""A part of the search or the hold said to be wrong, without what it should be ("wrong
day!", "oops, wrong airport", "no, that's the wrong flight"): the right one is asked for,
nothing is searched, and a hold stays as it is, unconfirmed (the reply after the answer
searches again or picks, as any change does)."""

from __future__ import annotations

from concierge.planner import render
from concierge.planner.flows import booking
from concierge.planner.flows.base import Call, Context, Decision, Reply
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.nlu.restated import wrong_part
from concierge.planner.state import OPTION_LISTS, State, Turn

# What "wrong day!" may read as on its own ("no, wrong day" a no, "the wrong flight" a
# pick of an airline named "wrong").
_MAY_BE = frozenset({Intent.UNKNOWN, Intent.SELECT, Intent.NO})

_ASK = {
    "day": "Sorry about that — which day should it be?",
    "airport": "Sorry about that — which airport should it be?",
    "place": "Sorry about that — where should it be to (or from)?",
    "flight": "Sorry about that — which one did you mean? Tell me its time or its number.",
}


def ask(
    state: State, turn: Turn, ctx: Context, u: Understanding, intent: Intent
) -> Decision | None:
    """The question for the right part, or None when the message is no such correction
    (or already says what the part should be). At a hold's confirmation the confirmation
    is asked again with the question, so the answer changes that hold ("yes, but …")."""
    if intent not in _MAY_BE:
        return None
    part = wrong_part(u.text)
    if part is None:
        return None
    if turn.last("confirm_booking") is not None:
        return booking.wait(state, turn, ctx, u)  # asked again and answered: its outcome
    if turn.steps:
        return None
    d = u.dates
    if (
        u.places
        or d.depart
        or d.ret
        or d.flexible
        or d.depart_after
        or d.depart_before
        or u.cabin
        or u.passengers
        or u.time_shift
        or any(r.index is not None or r.clock or r.window for r in u.options)
    ):
        return None  # "wrong day! I need friday", "wrong one, the 11:10": said already
    held = booking.changed_hold(state)
    if held is None and state.last_shown not in OPTION_LISTS:
        return None
    said = _ASK[part]
    if held is None:
        return Reply(said + " I'll look again as soon as you tell me.", state.offer)
    expires = render.hold_time((state.bookings.get(held) or {}).get("hold_expires_at"))
    said += (
        f" {held} stays on hold until {expires} and nothing is booked — tell me and I'll look"
        " again."
    )
    return [Call("confirm_booking", {"booking_id": held}, say=said)]
