"""The offline planner: the embedded default "model" (``CONCIERGE_MODEL=local``).

It reads the conversation and the tools' results and emits the tool calls and
replies an LLM concierge would, deterministically, so the product works end to
end with no model at all. Language handling lives in ``nlu/`` (dates, places,
counts, intents), the conversation state (``state.py``) travels on each final
reply as JSON (``snapshot.py``) and is resumed from there on the next call — only
threads without it replay every turn — the dialogue decisions are in ``flows/`` (one module per
conversation flow, ``flows/dispatch.py`` picks one) and the reply texts in
``render.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import replace
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from concierge.actions import record_of
from concierge.models.base import ModelRequest, ModelResult, TextSink
from concierge.planner.actions import decide_action
from concierge.planner.flows import purpose, several
from concierge.planner.flows.base import Call, Context, Decision, Reply
from concierge.planner.flows.dispatch import decide
from concierge.planner.nlu import pasted as pasted_text
from concierge.planner.nlu import shorthand
from concierge.planner.nlu.intents import Intent, understand
from concierge.planner.nlu.yes_then import YES_THEN_KEY
from concierge.planner.render import pasted_note, pasted_summary
from concierge.planner.snapshot import STATE_KEY, dump, load
from concierge.planner.state import (
    Offer,
    State,
    Turn,
    answered_open,
    apply_result,
    apply_user,
    bookable_names,
    interrupted_call,
    interrupted_confirmation,
    interrupted_rejection,
    split_turns,
    steps_of,
    text_of,
    unbookable_names,
)
from core.catalogue.places import lookup_place

__all__ = ["OfflinePlanner", "plan"]

log = logging.getLogger(__name__)

_CANT = {
    "rebook": "rebook flights",
    "cancel_booking": "cancel bookings",
    "decide_approval": "record approval decisions",
    "list_approvals": "list approvals",
    "get_policy": "read the travel policy",
    "check_in": "check you in",
    "get_boarding_pass": "show boarding passes",
}

# Tools offered only when they can apply to the caller (tools.base.Offer).
_NOT_OFFERED = {
    "rebook": (
        "I can only change a confirmed flight, and you don't have one booked yet. "
        'A trip on hold can be released and booked again — say "show my trips" to see it.'
    ),
    "check_in": (
        "Check-in opens only for a confirmed flight, and you don't have one booked yet. "
        'Once a trip is confirmed I can check you in — say "show my trips" to see yours.'
    ),
}


class OfflinePlanner:
    """Deterministic rule-based concierge model (same input → same output)."""

    name = "local"

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        message = plan(request)
        text = message.content if isinstance(message.content, str) else ""
        if text and on_text is not None:
            for chunk in _chunks(text):
                await on_text(chunk)
        prompt_chars = sum(len(text_of(m)) for m in request.messages)
        return ModelResult(
            message=message,
            usage={"prompt_tokens": prompt_chars // 4 + 1, "completion_tokens": len(text) // 4 + 1},
        )


def _chunks(text: str) -> list[str]:
    """A few deltas, split at line or sentence ends, so the reply streams like a model's."""
    parts = re.split(r"(?<=\n)|(?<=[.!?] )", text)
    chunks: list[str] = []
    for part in parts:
        if chunks and len(chunks[-1]) < 80:
            chunks[-1] += part
        else:
            chunks.append(part)
    return [c for c in chunks if c]


def _tool_names(tools: list[dict[str, Any]]) -> frozenset[str]:
    names = set()
    for tool in tools:
        fn = tool.get("function") if isinstance(tool, dict) else None
        name = (fn or tool).get("name") if isinstance(tool, dict) else None
        if name:
            names.add(str(name))
    return frozenset(names)


# Where dates are written month first (3/12 = March 12); everywhere else day first.
_MONTH_FIRST_COUNTRIES = frozenset({"US", "CA", "PH", "PR", "GU", "FM", "MH", "PW", "AS", "VI"})


def _month_first(profile: dict[str, Any]) -> bool:
    """The traveller's habit for numeric dates, from the country of their home airport
    (month first when unknown: the default organization is American)."""
    home = profile.get("home_airport")
    place = lookup_place(str(home), fuzzy=False) if home else None
    return place is None or place.country in _MONTH_FIRST_COUNTRIES


def plan(request: ModelRequest) -> AIMessage:
    """The next assistant message for this conversation."""
    profile = dict(request.profile or {})
    ctx = Context(
        now=request.now,
        profile=profile,
        tools=_tool_names(request.tools),
        cards=request.cards,
        user_id=request.caller.user_id,
    )
    home = profile.get("home_airport") or None
    people, others = bookable_names(profile), unbookable_names(profile)
    home_order = _month_first(profile)
    # The whole checkpointed conversation when the graph gives it (tool results in full);
    # the messages themselves otherwise (a direct caller, already complete).
    messages = list(request.history) or list(request.messages)
    turns = split_turns(messages)
    # Resume from the state the last final reply carried; replay only what came after.
    start, restored = _restore(turns)
    state = restored or State()
    decision: Decision = Reply("")
    current: Turn | None = None
    action = None
    interrupted: str | None = None
    rejection: str | None = None
    declined: dict[str, Any] | None = None
    queued: list[str] = []  # requests waiting for the yes or no of the last turn's question
    # What the confirmation the last turn ended on came to, when this message said yes to
    # it and asked for more ("yes, and add a hotel there"): said before the rest's answer.
    outcome: str | None = None
    came_to: str | None = None
    waiting: list[str] = []  # ... and those waiting now, carried on this turn's question
    for index, (human, rest) in enumerate(turns[start:], start=start + 1):
        if interrupted is not None:
            state.changing = interrupted  # this message answered that confirmation
        state.rejecting = rejection  # ... or that rejection's, with its reason
        state.declined = declined  # ... or that other confirmation, with a question
        interrupted = interrupted_confirmation(rest)
        rejection = interrupted_rejection(rest)
        declined = interrupted_call(rest)
        later = queued
        queued = several.waiting_after(rest)
        action = record_of(human)  # a button's turn: its action, never its words
        outcome, came_to = came_to, None
        # A yes with a request after it: the yes answered the confirmation (the service
        # ran it), the request is what follows the yes.
        then = _yes_then_of(human)
        if then is None:
            outcome = None
        said = then if then is not None else (text_of(human) if human is not None else "")
        # Numeric dates: the order the traveller already showed, else their home's.
        month_first = home_order if state.month_first is None else state.month_first
        # A forwarded e-mail, an invite or a colleague's message pasted with the ask above
        # or under it: only the user's own words are read, the paste's days and place
        # filling what they leave open; what the paste itself asks is never done.
        if human is not None and action is None:
            said = pasted_text.unquote_options(said)  # "> 2. DL 1171 …" quoted back to pick it
            # "1. fly to Chicago Wed 6 Jan / 2. hotel 3 nights": a list's markers are no numbers
            said = shorthand.unlisted(said)
        pasted = (
            pasted_text.read(said, request.now, month_first=month_first)
            if human is not None and action is None
            else None
        )
        if pasted is not None:
            said = pasted.said
        elif human is not None and action is None:
            said = pasted_text.without_signoff(said)  # "…go ahead.\n\nKind regards,\nAva"
        understanding = (
            understand(said, request.now, month_first=month_first)
            if human is not None and action is None
            else None
        )
        if understanding is not None and understanding.dates.month_first is not None:
            state.month_first = understanding.dates.month_first
        # Several requests in one message ("cancel my paris trip and look at the 10th
        # instead"): each read, applied and decided in turn (flows/several.py).
        parts = (
            several.read(said, request.now, month_first=month_first, after=later)
            if understanding is not None and human is not None
            else None
        )
        last = index == len(turns)
        steps, ai_count = steps_of(rest)
        if parts is not None and last:
            decision, current, waiting = several.run(
                state,
                parts,
                steps,
                index,
                ai_count,
                ctx,
                lambda s, u: apply_user(s, u, home, people, others),
                _effective_intent,
                month_first=month_first,
            )
            if pasted is not None and ai_count == 0:
                decision = _about_paste(pasted, understanding, decision)
            if outcome and ai_count == 0:
                decision = _said_first(purpose.answered_with(outcome, current, decision), decision)
            break
        prior = {
            "flights": state.flight_args,
            "returns": state.return_args,
            "hotels": state.hotel_args,
        }
        for part in parts or []:
            apply_user(state, part.understanding, home, people, others)
        if understanding is not None and parts is None:
            apply_user(state, understanding, home, people, others)
        for step in steps:
            if step.done:
                apply_result(state, step)
        current = Turn(understanding, steps, index, ai_count, prior)
        if human is None and not last:
            continue
        if last:
            decision = (
                decide_action(state, current, ctx, action)
                if action
                else decide(state, current, ctx)
            )
            if pasted is not None and ai_count == 0:
                decision = _about_paste(pasted, understanding, decision)
            if outcome and ai_count == 0:
                decision = _said_first(purpose.answered_with(outcome, current, decision), decision)
            break
        # What that turn's reply offered gives the next "yes"/"no" its meaning: carried
        # on the reply itself, else re-derived (best effort: it never fails the current
        # turn).
        state.offer = _said_offer(rest)
        if state.offer is None:
            try:
                past = decide(state, current, ctx)
            except Exception:  # pragma: no cover - defensive, logged
                log.debug("could not re-derive the offer of turn %s", index, exc_info=True)
                past = None
            state.offer = past.offer if isinstance(past, Reply) else None
            if isinstance(past, Reply) and answered_open(rest):
                # The next message said yes to this turn's question and more: what the
                # confirmed action came to is told first, and a question after it ("what
                # time does it land?") is about what was just booked.
                came_to = past.text
                if past.offer is not None and past.offer.kind == "hotel" and "\n\n" in came_to:
                    # its "Also need a hotel …?": the request after the yes says what's next
                    came_to = came_to.rsplit("\n\n", 1)[0]
        state.last_intent = _effective_intent(state, understanding)
        if came_to is not None:
            state.last_intent = str(Intent.BOOKING)
    if current is None or (current.understanding is None and not current.steps and not action):
        decision = decide(state, Turn(None, [], 0, 0), ctx)
    message = _to_message(decision, messages, current, ctx)
    if waiting and message.tool_calls:
        # The requests after the one asked about wait for its yes or no, with the question.
        message.additional_kwargs[several.WAITING_KEY] = waiting
    if not message.tool_calls:
        # What the replay would know after this turn: its offer and its intent.
        after = replace(
            state,
            offer=decision.offer if isinstance(decision, Reply) else None,
            last_intent=_effective_intent(state, current.understanding if current else None),
        )
        snapshot = dump(after)
        if snapshot is not None:
            message.additional_kwargs[STATE_KEY] = snapshot
    return message


def _yes_then_of(human: HumanMessage | None) -> str | None:
    """What followed the yes of a message that answered a confirmation with a yes and a
    request ("yes, and add a hotel there"), as the service marked it; None otherwise."""
    if human is None:
        return None
    then = (human.additional_kwargs or {}).get(YES_THEN_KEY)
    return str(then) if isinstance(then, str) and then.strip() else None


# The user's own words beside a paste that ask nothing of their own ("thoughts?", "can you
# handle this", "hi"): the reply tells what the paste says and asks, and does nothing.
_NOTHING_ASKED = frozenset({Intent.UNKNOWN, Intent.HELP, Intent.GREET, Intent.THANKS})


def _about_paste(pasted: pasted_text.Pasted, understanding: Any, decision: Decision) -> Decision:
    """``decision`` for a message with pasted text: what the paste asks is said, never done
    (the decision came from the user's own words only)."""
    if understanding is None or not pasted.own or understanding.intent in _NOTHING_ASKED:
        return Reply(
            pasted_summary(
                pasted.subject, pasted.place, pasted.start, pasted.end, pasted.time, pasted.asks
            )
        )
    if pasted.asks and understanding.intent != Intent.SEARCH:
        return _said_first(pasted_note(pasted.asks), decision)
    return decision


def _said_first(text: str, decision: Decision) -> Decision:
    """``decision`` with ``text`` said before it (its reply, or beside its first call)."""
    if isinstance(decision, Reply):
        return replace(decision, text=f"{text}\n\n{decision.text}" if decision.text else text)
    if not decision:
        return Reply(text)
    first = decision[0]
    said = f"{text}\n\n{first.say}" if first.say else text
    return [replace(first, say=said), *decision[1:]]


def _restore(
    turns: list[tuple[HumanMessage | None, list[BaseMessage]]],
) -> tuple[int, State | None]:
    """(index of the first turn still to read, the state before it) from the latest past
    turn whose final reply carries a snapshot; (0, None) when none does."""
    for j in range(len(turns) - 2, -1, -1):
        rest = turns[j][1]
        final = rest[-1] if rest else None
        if isinstance(final, AIMessage) and not final.tool_calls:
            state = load((final.additional_kwargs or {}).get(STATE_KEY))
            if state is not None:
                return j + 1, state
    return 0, None


def _effective_intent(state: State, understanding: Any) -> str | None:
    if understanding is None:
        return state.last_intent
    intent = str(understanding.intent)
    if intent == "search" and state.last_intent == "policy" and understanding.topic:
        return "policy"
    return intent


OFFER_KEY = "concierge_offer"


def _said_offer(messages: list[BaseMessage]) -> Offer | None:
    """The offer the turn's final reply carried, if it came from this planner."""
    for message in reversed(messages):
        if isinstance(message, AIMessage) and not message.tool_calls:
            data = (message.additional_kwargs or {}).get(OFFER_KEY)
            if isinstance(data, dict) and isinstance(data.get("args"), dict):
                return Offer(str(data.get("kind")), dict(data["args"]))
            return None
    return None


def _digest(messages: list[BaseMessage]) -> str:
    h = hashlib.sha1()
    for m in messages:
        h.update(type(m).__name__.encode())
        h.update(text_of(m).encode("utf-8", "replace"))
        if isinstance(m, AIMessage):
            h.update(json.dumps([c.get("id") for c in m.tool_calls or []]).encode())
        if isinstance(m, ToolMessage):
            h.update(str(m.tool_call_id).encode())
        if isinstance(m, HumanMessage):
            h.update(b"|")
    return h.hexdigest()[:10]


def _to_message(
    decision: Decision, messages: list[BaseMessage], turn: Turn | None, ctx: Context
) -> AIMessage:
    if isinstance(decision, Reply):
        if decision.offer is None:
            return AIMessage(content=decision.text)
        # The offer rides along with the reply, so the next "yes" means the same thing
        # without re-deriving it.
        offer = {"kind": decision.offer.kind, "args": decision.offer.args}
        return AIMessage(content=decision.text, additional_kwargs={OFFER_KEY: offer})
    calls: list[Call] = decision
    if ctx.tools:
        missing = [c for c in calls if c.name not in ctx.tools]
        if missing and missing[0].name in _NOT_OFFERED:
            # Offered only when it can apply (tools.base.Offer): say why it can't.
            return AIMessage(content=_NOT_OFFERED[missing[0].name])
        if missing:
            what = _CANT.get(missing[0].name, f"use {missing[0].name}")
            return AIMessage(
                content=f"Sorry, I can't {what} here right now. Anything else I can help with?"
            )
    digest = _digest(messages)
    index = turn.index if turn else 0
    step = turn.ai_messages if turn else 0
    tool_calls = []
    for n, call in enumerate(calls):
        call_id = f"call_{index}_{step}_{n}_{digest}" + (f"_{call.tag}" if call.tag else "")
        tool_calls.append(
            {"id": call_id, "name": call.name, "args": call.args, "type": "tool_call"}
        )
    said = "\n\n".join(c.say for c in calls if c.say)
    return AIMessage(content=said, tool_calls=tool_calls)
