"""Policy questions flow: answer travel-policy questions from ``get_policy``'s rules.

The tool returns the policy as data (``GetPolicyOutput.rules``) and, for a cabin
question about a route, the catalogue's flying time there with each cabin's verdict
(``route``); the answer is built from those (``answers.policy_answers``), never by
reading the markdown.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from concierge.planner import render
from concierge.planner.answers.policy_answers import PolicyAsk, answer
from concierge.planner.flows.base import Call, Context, Decision, Handler, Reply, fit
from concierge.planner.flows.trips import manager_name
from concierge.planner.nlu import asks
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.nlu.places import PlaceMention
from concierge.planner.state import State, Turn
from tools.get_policy import GetPolicyInput, GetPolicyOutput


def _tool_place(mention: PlaceMention | None) -> str | None:
    if mention is None or mention.place is None:
        return None
    place = mention.place
    return place.airports[0] if place.kind == "airport" else place.city


def _route_args(state: State, u: Understanding) -> dict[str, Any]:
    """Where a cabin question flies: the places it names, else (a follow-up such as
    "and premium economy?") the route of the previous policy question."""
    if u.cabin is None:
        return {}
    destination = _tool_place(u.destination) or next(
        (_tool_place(m) for m in u.places if m.place is not None and m is not u.origin), None
    )
    origin = _tool_place(u.origin)
    if destination is None:
        if origin is None and state.last_intent == Intent.POLICY and state.policy_route:
            return dict(state.policy_route)
        return {}
    return {"destination": destination, **({"origin": origin} if origin else {})}


def _named(u: Understanding) -> set[str]:
    """The places the message itself names, as the tool is given them."""
    return {p for m in (u.destination, u.origin, *u.places) if (p := _tool_place(m))}


def _ask(
    u: Understanding, role: object = None, today: date | None = None, manager: str = ""
) -> PolicyAsk:
    city = next(
        (m.place.city for m in (u.destination, *u.places) if m is not None and m.place is not None),
        None,
    )
    said = asks.amount(u.text)
    cities = (m.place.city for m in u.places if m.place is not None)
    return PolicyAsk(
        text=u.text,
        cabin=u.cabin,
        city=city,
        cities=tuple(dict.fromkeys(cities)),
        minutes=asks.flight_minutes(u.text),
        amount_major=said.major if said else None,
        per_night=bool(said and said.per_night),
        roles=asks.approver_roles(u.text),
        threshold=asks.is_threshold_question(u.text),
        above=bool(said and said.above),
        besides_me=asks.besides_me(u.text),
        caller_role=str(role) if role else None,
        outside=asks.outside_policy(u.text),
        day=u.dates.depart,
        today=today,
        manager=manager,
        approver_asked=asks.approver_asked(u.text),
    )


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")


def _topic(text: str) -> str:
    """What to ask ``get_policy`` about: the question itself, within the tool's limit
    ("Before I ask you to book anything: am I allowed to fly business…? I believe…"
    asks about its question sentence, not the whole message)."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    asked = [s for s in sentences if asks.is_policy_question(s)] or [
        s for s in sentences if s.endswith("?")
    ]
    return fit(GetPolicyInput, "topic", " ".join(asked) if asked else text.strip())


def _policy(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("get_policy")
    if step is None:
        args: dict[str, Any] = {"topic": _topic(u.topic or u.text)}
        # A route named is asked about even when a length is said too ("business to SF?
        # it's nearly 6 hours"): the catalogue's flying time is the one the policy uses.
        route = _route_args(state, u)
        if asks.flight_minutes(u.text) is None or route.get("destination") in _named(u):
            args.update(route)
        return [Call("get_policy", args)]
    out = step.typed(GetPolicyOutput)
    if out is None:
        return Reply(f"I couldn't read the travel policy: {render.error_text(step.error or {})}")
    return Reply(answer(_ask(u, ctx.profile.get("role"), ctx.today, manager_name(ctx)), out))


HANDLERS: dict[Intent, Handler] = {
    Intent.POLICY: _policy,
}
