"""Profile flow: show the traveller's own profile, or the details of it a question asks
for ("who do I report to?", "which frequent flyer numbers have I got saved?"). Every
number is the profile tool's mask; the clear numbers never reach the planner."""

from __future__ import annotations

from typing import Any

from concierge.planner import render
from concierge.planner.flows.base import Call, Context, Decision, Handler, Reply
from concierge.planner.nlu import details
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import State, Turn


def _manager(p: dict[str, Any]) -> str:
    if p.get("manager"):
        return f"Your manager is **{p['manager'].get('name')}**."
    return "You have no manager on file."


def _approver(p: dict[str, Any]) -> str:
    if p.get("manager"):
        return (
            f"When a trip needs approval, it goes to your manager, **{p['manager'].get('name')}** "
            "(the travel policy says which trips need it, and which bigger ones need more "
            "approvers)."
        )
    return (
        "You have no manager on file, so a trip that needs approval goes to the approvers "
        "the travel policy names."
    )


def _book_for(p: dict[str, Any]) -> str:
    people = p.get("can_book_for") or []
    if not people:
        return "You can book travel for yourself only."
    more = " and others (ask for anyone by name)" if p.get("can_book_for_partial") else ""
    return (
        "Besides yourself, you can book travel for: "
        + ", ".join(str(x.get("name")) for x in people)
        + more
        + "."
    )


def _seat(p: dict[str, Any]) -> str:
    seat = p.get("seat_preference")
    if seat and seat != "none":
        return f"Seat preference: {seat}."
    return "You have no seat preference on file."


def _meal(p: dict[str, Any]) -> str:
    meal = (p.get("preferences") or {}).get("meal")
    if meal:
        return f"Meal preference: {meal}."
    return "You have no meal preference on file."


def _loyalty(p: dict[str, Any]) -> str:
    if p.get("loyalty"):
        return "Loyalty numbers on file: " + ", ".join(
            f"{a} {n}" for a, n in sorted(p["loyalty"].items())
        )
    return "You have no loyalty (frequent-flyer) numbers on file."


def _known_traveller(p: dict[str, Any]) -> str:
    if p.get("known_traveller_number"):
        return f"Known-traveller number on file: {p['known_traveller_number']}"
    return "You have no known-traveller number on file."


def _passports(p: dict[str, Any]) -> list[str]:
    docs = p.get("documents") or []
    if not docs:
        return ["You have no passport on file."]
    return [
        f"Passport ({doc.get('issuing_country')}): {doc.get('number')}, "
        f"valid until {doc.get('expires_on')}"
        for doc in docs
    ]


def _home(p: dict[str, Any]) -> str:
    if not p.get("home_airport"):
        return "You have no home airport on file."
    return f"Home airport: {p.get('home_airport')}" + (
        f" ({p.get('home_city')})" if p.get("home_city") else ""
    )


def _facet_lines(p: dict[str, Any], facets: list[str]) -> list[str]:
    lines: list[str] = []
    for facet in facets:
        if facet == "passport":
            lines += _passports(p)
        else:
            lines.append(_ONE[facet](p))
    return lines


_ONE = {
    "manager": _manager,
    "approver": _approver,
    "book_for": _book_for,
    "seat": _seat,
    "meal": _meal,
    "loyalty": _loyalty,
    "known_traveller": _known_traveller,
    "home": _home,
}


def _whole(p: dict[str, Any]) -> list[str]:
    lines = [
        f"**{p.get('name')}** — {p.get('title') or p.get('role')}"
        + (f", {p.get('department')}" if p.get("department") else "")
        + f" at {p.get('company')}"
    ]
    if p.get("home_airport"):
        lines.append(_home(p))
    if p.get("seat_preference") and p["seat_preference"] != "none":
        lines.append(f"Seat preference: {p['seat_preference']}")
    if (p.get("preferences") or {}).get("meal"):
        lines.append(f"Meal preference: {p['preferences']['meal']}")
    if p.get("loyalty"):
        lines.append(
            "Loyalty numbers: " + ", ".join(f"{a} {n}" for a, n in sorted(p["loyalty"].items()))
        )
    if p.get("known_traveller_number"):
        lines.append(f"Known-traveller number: {p['known_traveller_number']}")
    if p.get("documents"):
        lines += _passports(p)
    if p.get("manager"):
        lines.append(f"Manager (approves your trips when needed): {p['manager'].get('name')}")
    else:
        lines.append("Manager: none on file")
    if p.get("can_book_for"):
        more = " and others (ask for anyone by name)" if p.get("can_book_for_partial") else ""
        lines.append(
            "You can also book for: "
            + ", ".join(str(x.get("name")) for x in p["can_book_for"])
            + more
        )
    lines.append(f"Prices are in {p.get('currency')}.")
    return lines


def _profile(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("get_traveler_profile")
    if step is None:
        return [Call("get_traveler_profile", {})]
    if step.error or not step.output:
        return Reply(f"I couldn't load your profile: {render.error_text(step.error or {})}")
    facets = details.asked(u.text)
    lines = _facet_lines(step.output, facets) if facets else _whole(step.output)
    return Reply("\n".join(lines))


HANDLERS: dict[Intent, Handler] = {
    Intent.PROFILE: _profile,
}
