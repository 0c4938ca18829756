"""Approvals flow: list pending approvals and record an approver's decision."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from concierge.planner import render
from concierge.planner.answers.trip_answers import is_traveller
from concierge.planner.flows.base import Call, Context, Decision, Handler, Reply, fit
from concierge.planner.flows.options import pick
from concierge.planner.nlu.intents import Intent, Understanding, no_reason, rejection_reason
from concierge.planner.state import Offer, State, Turn
from core.policy.render import role_label
from tools.decide_approval import DecideApprovalInput
from tools.get_booking import GetBookingOutput
from tools.list_trips import MAX_TRIPS, ListTripsOutput


def _approval_lines(items: list[dict[str, Any]]) -> str:
    lines = []
    for i, a in enumerate(items, start=1):
        who = a.get("traveler") or a.get("traveller") or a.get("requester") or ""
        summary = a.get("trip") or a.get("summary") or ""
        if a.get("hotels"):
            summary += " + " + ", ".join(str(h) for h in a["hotels"])
        if a.get("what") == "rebook":
            summary = "change: " + summary
        money = a.get("amount") or a.get("total")
        total = render.money(money) if money else ""
        reasons = (
            a.get("reasons")
            or a.get("violations")
            or (a.get("policy") or {}).get("violations")
            or []
        )
        why = f" · why: {'; '.join(str(r) for r in reasons)}" if reasons else ""
        # when the decision is due ("when do I have to decide by?"): list_approvals' due_at
        due = f" · decide by {render.when(a['due_at'])} UTC" if a.get("due_at") else ""
        lines.append(
            f"{i}. **{who}** — {summary} · {total}{why}{due} ({a.get('approval_id')}, "
            f"booking {a.get('booking_id')})"
        )
    return "\n".join(lines)


_NONE_FOR_YOU = (
    "No approvals wait on you: trips are approved by travellers' managers. "
    'To see where your own trip stands, ask "show my trips".'
)


def _approves(ctx: Context) -> bool:
    """Whether approval requests can wait on the caller: ``decide_approval`` is offered
    only to them (``list_approvals`` to everyone: "is anything waiting for my approval?"
    is answered from the list, empty for a traveller)."""
    return not ctx.tools or "decide_approval" in ctx.tools


def _not_an_approver(ctx: Context, u: Understanding) -> Reply | None:
    """Someone approvals can't wait on, deciding or asking about their own trip, is told
    who decides instead of being told the tool is missing."""
    if _approves(ctx):
        return None
    if u.intent == Intent.DECIDE or _asks_about_own_trip(u.text):
        return Reply(_own_trip_approval_text(ctx))
    if "list_approvals" in ctx.tools:
        return None  # the list answers it (empty: _NONE_FOR_YOU)
    return Reply(_NONE_FOR_YOU)


def _approvals(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    if (refusal := _not_an_approver(ctx, u)) is not None:
        return refusal
    step = turn.last("list_approvals")
    if step is None:
        return [Call("list_approvals", {"status": "pending"})]
    if step.error:
        return Reply(f"I couldn't load approvals: {render.error_text(step.error)}")
    items = (step.output or {}).get("approvals") or []
    if _ORG_VIEW.search(u.text):
        # "what's stuck in approval across my org, and who is it waiting on?": the
        # requests of the people the caller may see, each with whose decision it waits on.
        org = _org_view(turn, ctx, items)
        if org is not None:
            return org
    if not items:
        if not _approves(ctx):
            return Reply(_NONE_FOR_YOU)
        return Reply("Nothing is waiting for your approval right now. 🎉")
    if u.person or u.places or u.booking_id:
        # "by when do I have to decide on Ava's Paris trip?": the request named, when it
        # is among those waiting (each line says when its decision is due).
        named = [a for a in items if _approval_matches(a, u)]
        if u.booking_id:
            named = [a for a in items if str(a.get("booking_id", "")).upper() == u.booking_id]
        items = named or items
    return Reply(
        f"{len(items)} request{'s' if len(items) != 1 else ''} waiting for your approval:\n"
        + _approval_lines(items)
        + '\n\nSay e.g. "approve 1" or "reject Ava\'s trip, too expensive".'
    )


# A question about the approvals of one's whole team or org, or whom they wait on.
_ORG_VIEW = re.compile(
    r"\b(?:across|in|for|of|throughout)\s+(?:my|our|the)\s+(?:whole\s+|entire\s+)?"
    r"(?:org|organi[sz]ation|team|department|dept|reports|division|people)\b"
    r"|\bwho(?:'s|\s+is|\s+are|m)?\s+(?:it|they|those|these|that|each(?:\s+one)?)?\s*"
    r"(?:waiting|pending|sitting|stuck)\s+(?:on|with)\b"
    r"|\bwaiting\s+on\s+whom\b|\bwho(?:'s|\s+is)\s+holding\s+(?:up|things)\b"
    r"|\bwhose\s+(?:desk|court|queue|inbox|plate)\b",
    re.IGNORECASE,
)


def _org_view(turn: Turn, ctx: Context, mine: list[dict[str, Any]]) -> Decision | None:
    """The requests waiting for approval among the trips the caller may see (their own
    queue and their reports'), each with whose decision it waits on now (``get_booking``'s
    ``waiting_on``). None when the caller sees no one else's pending trip."""
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": MAX_TRIPS})]
    trips = listing.typed(ListTripsOutput)
    if trips is None:
        return None
    me = str(ctx.profile.get("name") or "")
    pending = [t for t in trips.trips if t.status == "pending_approval" and t.traveler != me]
    if not pending:
        return None
    read: dict[str, GetBookingOutput] = {}
    for step in turn.calls("get_booking"):
        booking = step.typed(GetBookingOutput)
        if booking is not None:
            read[booking.booking_id] = booking
    for trip in pending:
        if trip.booking_id not in read and not any(
            s.args.get("booking_id") == trip.booking_id for s in turn.calls("get_booking")
        ):
            return [Call("get_booking", {"booking_id": trip.booking_id})]
    lines = []
    for i, trip in enumerate(pending, start=1):
        booking = read.get(trip.booking_id)
        who = None if booking is None else booking.waiting_on
        first = trip.traveler.split()[0] if trip.traveler else "the traveller"
        if who is None:
            waits = "whose step I couldn't read"
        elif who.you:
            waits = "waiting on **you**"
        else:
            role = f"{first}'s manager" if who.role == "manager" else role_label(who.role)
            waits = f"waiting on **{who.name}** ({role})"
        where = " and ".join(trip.places) or trip.summary
        why = ""
        if booking is not None and booking.policy.violations:
            why = f" · why: {'; '.join(booking.policy.violations)}"
        lines.append(
            f"{i}. **{trip.traveler}** — {where}: {trip.summary} · "
            f"{render.money(trip.total.model_dump())} · {waits}{why} ({trip.booking_id})"
        )
    n = len(pending)
    head = f"{n} trip{'s' if n != 1 else ''} waiting for approval among the people you can see:"
    tail = "" if mine else "\n\nNone of them is waiting on you."
    return Reply(head + "\n" + "\n".join(lines) + tail)


def _approval_matches(a: dict[str, Any], u: Understanding) -> bool:
    blob = json.dumps(a, ensure_ascii=False).lower()
    if u.person and u.person.lower() not in blob:
        return False
    # A place in the decision's note ("... tell her to fly out of JFK instead") is advice
    # to the traveller, not the trip decided on.
    note_at = u.text.lower().find(u.note.lower()) if u.note else -1
    for mention in u.places:
        if mention.place is None or 0 <= note_at <= mention.start:
            continue
        codes = [c.lower() for c in mention.place.airports]
        if mention.place.city.lower() not in blob and not any(
            re.search(rf"\b{c}\b", blob) for c in codes
        ):
            return False
    return True


# One's own trip ("approve my Paris trip", "sign off mine"), never one's own approval queue
# or desk ("anything in my approvals queue?", "waiting on my approval"): "my" / "our" before
# what is booked, or "mine".
_OWN_TRIP = re.compile(
    r"\b(?:my|our)\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:trips?|bookings?|flights?|hotels?|travel|stays?|reservations?|tickets?)\b"
    r"|\b(?:mine|my own|myself)\b",
    re.I,
)


def _asks_about_own_trip(text: str) -> bool:
    """Whether the speaker wants their own trip approved ("approve my Paris trip")."""
    return bool(_OWN_TRIP.search(text))


def _own_trip_approval_text(ctx: Context) -> str:
    # Nobody approves a trip they take (the core refuses it too); say who does.
    manager = ctx.profile.get("manager")
    who = manager if isinstance(manager, str) and manager else "your manager"
    if isinstance(manager, dict) and manager.get("name"):
        who = str(manager["name"])
    return (
        "You can't approve your own trip: travel approvals are decided by "
        f"{who}{' (your manager)' if who != 'your manager' else ''}. "
        "It stays pending until they decide, and I'll let you know the outcome."
    )


def decide_approval(
    state: State,
    turn: Turn,
    ctx: Context,
    u: Understanding,
    approval_id: str | None = None,
    *,
    ask_why: bool = True,
) -> Decision:
    decision = u.decision or "approve"
    decided = turn.last("decide_approval")
    if decided is None and (refusal := _not_an_approver(ctx, u)) is not None:
        return refusal
    if decided is not None:
        if decided.declined:
            return Reply("OK, I haven't recorded a decision.")
        if decided.error:
            return Reply(f"I couldn't record the decision: {render.error_text(decided.error)}")
        out = decided.output or {}
        approved = str(decided.args.get("decision", decision)).startswith("approv")
        verb = "Approved" if approved else "Rejected"
        whose = f"{out['traveler']}'s " if out.get("traveler") else ""
        text = f"{'✅' if approved else '❌'} {verb} {whose}request {out.get('approval_id', decided.args.get('approval_id'))}"
        # The tool's own line says the decision again ("Rejected. Ava Patel is told;
        # booking BK-… is cancelled."): only what it adds, each thing said once.
        said = _DECIDED.sub("", str(out.get("message") or "")).strip()
        booking_id = str(out.get("booking_id") or "")
        if booking_id and booking_id not in said:
            text += f" (booking {booking_id})"
        text += "."
        if out.get("status") == "pending" and out.get("next_approver_role"):
            text += f" It now goes to the {out['next_approver_role']} for the next approval."
        else:
            if said:
                text += f" {said[:1].upper()}{said[1:]}"
            status = render.status_text(out.get("booking_status")) if out.get("booking_status") else ""
            if status and status not in said:
                # The booking's state is said once, whether or not the tool's line says it.
                text += f" The booking is now {status}."
        return Reply(text)
    listing = turn.last("list_approvals")
    m = None if approval_id else re.search(r"\bAPR?-[A-Z0-9]{1,12}\b", u.text, re.I)
    if m:
        approval_id = m.group(0).upper()
    if approval_id is None:
        if listing is None:
            return [Call("list_approvals", {"status": "pending"})]
        if listing.error:
            return Reply(f"I couldn't load approvals: {render.error_text(listing.error)}")
        items = list(state.approvals or [])
        if not any(_approval_matches(a, u) for a in items) and not u.options:
            # "Approve Ava Patel's Paris trip." from a VP whose turn it isn't: the request
            # named waits on someone else, and the answer names them.
            elsewhere = _waits_on_another(turn, ctx, u)
            if elsewhere is not None:
                return elsewhere
        if not items:
            if _asks_about_own_trip(u.text):
                return Reply(_own_trip_approval_text(ctx))
            return Reply("There's nothing waiting for your approval right now.")
        chosen: dict[str, Any] | None = None
        index_refs = [r for r in u.options if r.index is not None]
        if index_refs:
            picked = pick(items, index_refs[0])
            if isinstance(picked, str):
                return Reply(picked)
            chosen = picked
        else:
            matches = [a for a in items if _approval_matches(a, u)]
            if u.booking_id:
                matches = [a for a in items if str(a.get("booking_id", "")).upper() == u.booking_id]
            if len(matches) == 1:
                chosen = matches[0]
            elif not matches:
                return Reply(
                    "I couldn't find that request among the pending approvals:\n"
                    + _approval_lines(items)
                    + "\n\nWhich one do you mean?"
                )
            else:
                return Reply("Which request do you mean?\n" + _approval_lines(matches))
        if chosen is None:
            return Reply("Which request do you mean?\n" + _approval_lines(items))
        approval_id = str(chosen.get("approval_id"))
        if decision == "reject" and not u.note and ask_why:
            return _ask_why(approval_id, chosen)
    elif decision == "reject" and not u.note and ask_why:
        known = next(
            (a for a in state.approvals or [] if a.get("approval_id") == approval_id), None
        )
        return _ask_why(approval_id, known)
    note = fit(
        DecideApprovalInput,
        "note",
        u.note or ("Approved" if decision == "approve" else "Rejected") + " via the concierge",
    )
    return [
        Call("decide_approval", {"approval_id": approval_id, "decision": decision, "note": note})
    ]


# How decide_approval's line opens: the decision, said already by the reply.
_DECIDED = re.compile(r"^(?:Approved|Rejected)(?: your step)?\s*[.;:]\s*")


def _waits_on_another(turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """A decision asked on a trip named (by its traveller, place or booking) that waits for
    approval on someone other than the caller: found among the trips the caller may see
    (``list_trips``), its open step's approver read from ``get_booking`` (``waiting_on``),
    and said — nothing is decided. None when no such trip is named."""
    if not (u.person or u.places or u.booking_id) or _asks_about_own_trip(u.text):
        return None
    listing = turn.last("list_trips")
    if listing is None:
        return [Call("list_trips", {"limit": MAX_TRIPS})]
    trips = listing.typed(ListTripsOutput)
    if trips is None:
        return None
    cities = {m.place.city for m in u.places if m.place is not None}
    me = str(ctx.profile.get("name") or "")
    pending = [
        t
        for t in trips.trips
        if t.status == "pending_approval"
        and t.traveler != me
        and (u.booking_id is None or t.booking_id == u.booking_id)
        and (not u.person or is_traveller(t, u.person))
        and (not cities or cities & set(t.places))
    ]
    if len(pending) != 1:
        return None
    trip = pending[0]
    step = turn.last("get_booking")
    if step is None:
        return [Call("get_booking", {"booking_id": trip.booking_id})]
    booking = step.typed(GetBookingOutput)
    if booking is None or booking.waiting_on is None or booking.waiting_on.you:
        return None
    who = booking.waiting_on
    first = trip.traveler.split()[0] if trip.traveler else "the traveller"
    role = f"{first}'s manager" if who.role == "manager" else role_label(who.role)
    where = " and ".join(trip.places)
    return Reply(
        f"{trip.traveler}'s {where} trip ({trip.booking_id}) isn't waiting on you: its "
        f"approval is with **{who.name}** ({role}), so only {who.name.split()[0]} can approve "
        "or reject it now. I haven't decided anything; if it comes to you, it will show up "
        "in your approvals."
    )


def _ask_why(approval_id: str, item: dict[str, Any] | None) -> Reply:
    """A rejection with no reason ("reject it"): the traveller is told why, so the
    approver is asked for it first; nothing is decided yet."""
    who = str((item or {}).get("traveler") or (item or {}).get("traveller") or "")
    trip = str((item or {}).get("trip") or (item or {}).get("summary") or "")
    what = f"{who}'s request" if who else "this request"
    if trip:
        what += f" ({trip})"
    return Reply(
        f"Why are you rejecting {what}? Your reason goes to "
        f"{who.split()[0] if who else 'the traveller'} as the note with the rejection — "
        'or say "reject it without a note".',
        Offer("reject_reason", {"approval_id": approval_id}),
    )


def why_again(state: State, approval_id: str) -> Reply:
    """The question why the approver rejects ``approval_id``, asked again (after answering
    a question of theirs about the request)."""
    item = next((a for a in state.approvals or [] if a.get("approval_id") == approval_id), None)
    return _ask_why(approval_id, item)


def reason_given(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """The answer to "why are you rejecting it?": the reason (the rejection's note), a
    yes or "just reject it" (rejected with no reason of the approver's), or a no (nothing
    decided). None when the message is about something else."""
    offer = state.offer
    if offer is None or offer.kind != "reject_reason":
        return None
    approval_id = str(offer.args.get("approval_id") or "")
    if not approval_id or u.booking_id:
        return None
    if u.decision == "approve" and u.intent in {Intent.YES, Intent.DECIDE}:
        # "actually, approve it": the same request, approved after all.
        return decide_approval(
            state, turn, ctx, replace(u, intent=Intent.DECIDE), approval_id=approval_id
        )
    rejected = replace(u, intent=Intent.DECIDE, decision="reject", note=None)
    if (
        u.intent == Intent.YES
        or (u.intent == Intent.DECIDE and u.decision == "reject")
        or no_reason(u.text)
    ):
        return decide_approval(state, turn, ctx, rejected, approval_id=approval_id, ask_why=False)
    reason = rejection_reason(u)
    if reason is None:
        if u.intent == Intent.NO:
            return Reply("OK — I haven't rejected it; it's still waiting for your decision.")
        return None
    return decide_approval(
        state,
        turn,
        ctx,
        replace(rejected, note=fit(DecideApprovalInput, "note", reason)),
        approval_id=approval_id,
    )


def reject_with_reason(
    state: State, turn: Turn, ctx: Context, u: Understanding, reason: str
) -> Decision:
    """The reason for the rejection the approver was asked to confirm ("decline it", then
    "too pricey, she can fly out friday instead"): the same rejection, with it as its note."""
    return decide_approval(
        state,
        turn,
        ctx,
        replace(u, intent=Intent.DECIDE, decision="reject", note=reason),
        approval_id=state.rejecting,
    )


HANDLERS: dict[Intent, Handler] = {
    Intent.APPROVALS: _approvals,
    Intent.DECIDE: decide_approval,
}
