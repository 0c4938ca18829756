"""A change of pick at a hold's confirmation with a question after it: "actually, the
Marriott instead - we have a negotiated rate there right?", "on second thought, the citizenM
instead - is it refundable?".

The option named in the clause that says "instead" is held in place of the one on hold
(``reserve(replaces=…)``, through the booking flow's pick), and the question after it is
answered of the option switched to — from the new hold (``hold_questions``) or, when it asks
about the option's chain or airline as a vendor (``picks.yaml`` ``switched``), from the
travel policy — said with the confirmation asked again. A change with no question after it
is the booking flow's alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from concierge.planner.flows import booking, hold_questions, policy_questions
from concierge.planner.flows.base import Context, Decision, Reply
from concierge.planner.flows.options import name_refs, option_names
from concierge.planner.nlu import asks, datafiles, picks, requests
from concierge.planner.nlu.intents import Intent, Understanding, understand
from concierge.planner.state import State, Turn

# Where a message's clauses part: a dash, a sentence's end, a comma.
_CLAUSES = re.compile(r"\s+[-–—]+\s+|(?<=[.!?;])\s+|,\s+")

_LISTS = {"flight": "flights", "return": "returns", "hotel": "hotels"}


@lru_cache(maxsize=1)
def _policy_asked() -> re.Pattern[str]:
    raw: dict[str, Any] = datafiles.load("picks")
    return re.compile(str(raw["switched"]["policy_asked"]))


def parts(text: str) -> tuple[str, str] | None:
    """(the clauses up to the one saying "instead", the question after them), or None when
    no question follows a clause of replacing."""
    pieces = [p for p in _CLAUSES.split(text) if p.strip()]
    for i, piece in enumerate(pieces):
        if requests.replacing(piece) is None:
            continue
        rest = " ".join(pieces[i + 1 :]).strip()
        if rest and (asks.is_question(rest) or rest.endswith("?")):
            return " ".join(pieces[: i + 1]), rest
        return None
    return None


def decide(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """The switch and the answer, or None when the message is no such change of pick."""
    split = parts(u.text)
    if split is None:
        return None
    said, question = split
    done = turn.last("reserve")
    pick = replace(u, text=said, intent=Intent.SELECT, options=picks.read(said))
    if done is None:
        held = booking.changed_hold(state)
        if held is None:
            return None
        lists = state.held_from.get(held) or []
        named = [r for r in name_refs(state, pick) if _LISTS.get(r.kind or "") in lists]
        if not (named or pick.options):
            return None
        return booking.select(state, turn, ctx, pick)
    if not done.args.get("replaces"):
        return None
    held_now = str((done.output or {}).get("booking_id") or "")
    asked = understand(question, ctx.now)
    answer = hold_questions.answer(state, ctx, asked, held_now, asked.intent) if held_now else None
    if answer is None and _policy_asked().search(asks.plain(question)):
        # "we have a negotiated rate there right?": "there" is the option switched to
        name = _held_name(state, held_now)
        about = understand(f"{question} ({name})" if name else question, ctx.now)
        about.intent, about.topic = Intent.POLICY, about.text
        policy = policy_questions.HANDLERS[Intent.POLICY](state, turn, ctx, about)
        if not isinstance(policy, Reply):
            return policy  # the policy read first
        answer = policy.text
    decision = booking.select(state, turn, ctx, pick)
    if not answer or isinstance(decision, Reply) or not decision:
        return decision
    first = decision[0]
    return [replace(first, say=f"{first.say}\n\n{answer}" if first.say else answer), *decision[1:]]


def _held_name(state: State, booking_id: str) -> str:
    """The hotel's name, or the flight's (its airline's code), of the hold just made."""
    segments = (state.bookings.get(booking_id) or {}).get("segments") or []
    for segment in segments:
        if isinstance(segment, dict):
            name = segment.get("hotel") or segment.get("flight")
            if name:
                return str(name)
    return ""


def after_no(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision | None:
    """ "no, I'd rather have the citizenM", "nah, let's go with the Holiday Inn Express" at a
    hold's confirmation: a no whose other clauses name another option of the lists that hold
    took — a pick of it, held in the declined one's place (``reserve(replaces=…)``). None
    for any other no (its clauses naming nothing, or only the option on hold: "no, the
    Hilton is too pricey")."""
    if u.intent != Intent.NO:
        return None
    pick = replace(u, intent=Intent.SELECT, options=picks.read(u.text))
    done = turn.last("reserve")
    if done is not None:
        return booking.select(state, turn, ctx, pick) if done.args.get("replaces") else None
    held = booking.changed_hold(state)
    if held is None:
        return None
    lists = state.held_from.get(held) or []
    kept = booking.changed_hold_picks(state).values()
    named = [
        r
        for r in name_refs(state, pick)
        if _LISTS.get(r.kind or "") in lists
        and not any(str(r.carrier) in option_names(o) for o in kept)
    ]
    if not named:
        return None
    return booking.select(state, turn, ctx, pick)
