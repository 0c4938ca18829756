"""Turns that come from a button (:mod:`concierge.actions`).

The user message of such a turn carries the action itself; the planner reads that
record — never the words, which are there for a remote model — and carries on as
it would after its own tool calls: after a hold it asks ``confirm_booking``, after a
change search it lists the new flights (a pick among them rebooks), after
a first pick of a round trip it asks for the other direction (remembering the
pick, so a typed "return 2" completes it as well as a second click does), after a
cancellation or an approval decision it says what happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from concierge.actions import DIRECTIONS, ActionRecord, Pick
from concierge.planner.flows import checkin, seats
from concierge.planner.flows.approvals import decide_approval
from concierge.planner.flows.base import Context, Decision, Reply
from concierge.planner.flows.booking import _after_error_offer, _booking_error, _confirm_flow
from concierge.planner.flows.changes import change_options, rebook_flow
from concierge.planner.flows.trips import cancel_flow
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import Offer, State, Turn
from tools.check_in import CheckInOutput
from tools.get_seat_map import GetSeatMapOutput

# The planner's names for the lists it shows (state.shown) and the choices it keeps.
_CHOICE = {"outbound": "flight", "return": "return", "hotel": "hotel"}
_SHOWN = {"outbound": "flights", "return": "returns", "hotel": "hotels"}


def decide_action(state: State, turn: Turn, ctx: Context, record: ActionRecord) -> Decision:
    if record.type == "cancel_booking":
        return cancel_flow(state, turn, ctx, str(record.booking_id))
    if record.type == "choose_seats":
        bought = turn.last("buy_seats")
        if bought is not None and bought.done:  # a seat with a fee, clicked on a paid trip
            return seats.after_purchase(bought.output, bought.error)
        seated = turn.last("choose_seats")
        purchase = seats.purchase_call(state, seated.args, seated.error) if seated else None
        if purchase is not None:
            return [purchase]
        return seats.after_choice(seated.output if seated else None, seated.error if seated else None)
    if record.type == "seat_map":
        shown = turn.last("get_seat_map")
        return seats.after_map(
            shown.typed(GetSeatMapOutput) if shown else None, shown.error if shown else None
        )
    if record.type == "check_in":
        done = turn.last("check_in")
        return checkin.after_check_in(
            done.typed(CheckInOutput) if done else None, done.error if done else None
        )
    if record.type == "change_flight":
        searched = turn.last("search_flights")
        args = searched.args if searched is not None else {}
        return change_options(
            state,
            ctx,
            searched,
            str(record.booking_id),
            str(record.segment_id),
            f"your {args.get('origin', '')} → {args.get('destination', '')} flight",
            dt.date.fromisoformat(str(args.get("date") or ctx.today.isoformat())),
        )
    if record.type == "decide_approval":
        understood = Understanding(
            text="", intent=Intent.DECIDE, decision=record.decision, note=record.note
        )
        return decide_approval(state, turn, ctx, understood)
    rebooked = turn.last("rebook")
    if record.booking_id and rebooked is not None:  # a pick among a booking's new flights
        return rebook_flow(state, turn, ctx, rebooked.args)
    if record.waiting_for:
        chosen = {_CHOICE[p.kind]: _option(state, p) for p in record.picks}
        picked = ", ".join(
            f"{p.kind + ' ' if p.kind in DIRECTIONS else ''}{p.label}" for p in record.picks
        )
        missing = " and ".join(f"{k} flight" for k in record.waiting_for)
        return Reply(f"Got it: {picked}. Which {missing} would you like?", Offer("select", chosen))
    reserve = turn.last("reserve")
    if reserve is None or not reserve.done:
        return Reply("I couldn't hold that option. Shall I try again?")
    if reserve.error:
        return Reply(_booking_error(reserve.error, {}, ctx), _after_error_offer(reserve.error))
    if reserve.output is None:
        return Reply("The hold didn't go through. Shall I try again?")
    return _confirm_flow(state, turn, ctx, str(reserve.output.get("booking_id")), reserve.output)


def _option(state: State, pick: Pick) -> dict[str, Any]:
    """The shown option a pick names (the planner's own list), else what the pick knows."""
    shown = state.shown.get(_SHOWN[pick.kind])
    for item in shown.items if shown else []:
        if item.get("offer_id") == pick.offer_id:
            return item
    return {"offer_id": pick.offer_id, "rooms": pick.quantity}
