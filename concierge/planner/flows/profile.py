"""Profile flow: show the traveller's own profile."""

from __future__ import annotations

from concierge.planner import render
from concierge.planner.flows.base import Call, Context, Decision, Handler, Reply
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import State, Turn


def _profile(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("get_traveler_profile")
    if step is None:
        return [Call("get_traveler_profile", {})]
    if step.error or not step.output:
        return Reply(f"I couldn't load your profile: {render.error_text(step.error or {})}")
    p = step.output
    lines = [
        f"**{p.get('name')}** — {p.get('title') or p.get('role')}"
        + (f", {p.get('department')}" if p.get("department") else "")
        + f" at {p.get('company')}"
    ]
    if p.get("home_airport"):
        lines.append(
            f"Home airport: {p.get('home_airport')}"
            + (f" ({p.get('home_city')})" if p.get("home_city") else "")
        )
    if p.get("seat_preference") and p["seat_preference"] != "none":
        lines.append(f"Seat preference: {p['seat_preference']}")
    if p.get("loyalty"):
        lines.append(
            "Loyalty numbers: " + ", ".join(f"{a} {n}" for a, n in sorted(p["loyalty"].items()))
        )
    if p.get("known_traveller_number"):
        lines.append(f"Known-traveller number: {p['known_traveller_number']}")
    for doc in p.get("documents") or []:
        lines.append(
            f"Passport ({doc.get('issuing_country')}): {doc.get('number')}, "
            f"valid until {doc.get('expires_on')}"
        )
    if p.get("manager"):
        lines.append(f"Manager (approves your trips when needed): {p['manager'].get('name')}")
    if p.get("can_book_for"):
        more = " and others (ask for anyone by name)" if p.get("can_book_for_partial") else ""
        lines.append(
            "You can also book for: "
            + ", ".join(str(x.get("name")) for x in p["can_book_for"])
            + more
        )
    lines.append(f"Prices are in {p.get('currency')}.")
    return Reply("\n".join(lines))


HANDLERS: dict[Intent, Handler] = {
    Intent.PROFILE: _profile,
}
