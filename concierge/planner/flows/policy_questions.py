"""Policy questions flow: answer travel-policy questions from ``get_policy``."""

from __future__ import annotations

import math
import re

from concierge.planner import render
from concierge.planner.flows.base import Call, Context, Decision, Handler, Reply
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import State, Turn
from core.catalogue.hubs import METRO_BY_NAME, hubs
from core.catalogue.places import lookup_place


def _policy(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    step = turn.last("get_policy")
    if step is None:
        return [Call("get_policy", {"topic": u.topic or u.text})]
    if step.error or not step.output:
        return Reply(f"I couldn't read the travel policy: {render.error_text(step.error or {})}")
    return Reply(answer_policy(u, str(step.output.get("text") or ""), ctx))


def _flying_hours(origin: str | None, dest_city: str) -> float | None:
    if not origin:
        return None
    start = lookup_place(origin)
    end = METRO_BY_NAME.get(dest_city)
    if start is None or end is None:
        return None
    a, b = hubs()[start.airports[0]], hubs()[end.airports[0]]
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * 6371 * math.asin(math.sqrt(h))
    return km / 820 + 0.5  # cruise speed plus climb, descent and taxi


def answer_policy(u: Understanding, text: str, ctx: Context) -> str:
    low = u.text.lower()
    city = next((m.place.city for m in u.places if m.place is not None), None)
    caps = dict(re.findall(r"^\|\s*([^|]+?)\s*\|\s*([\d,.]+ [A-Z]{3})\s*\|$", text, re.M))
    if city and re.search(r"\bhotel|\bcap|\bnight|\broom|\bstay", low) and caps:
        cap = caps.get(city) or caps.get("Anywhere else")
        where = city if city in caps else f"{city} (the default cap)"
        return (
            f"The hotel cap in {where} is **{cap}** per room per night. A hotel above the cap isn't forbidden: "
            "it's flagged 🟠 amber and needs your manager's approval."
        )
    threshold = re.search(r"From (\d+(?:\.\d+)?) ?h of flying", text)
    if u.cabin == "first":
        return (
            "No — first class is 🔴 **not allowed** under the policy, whatever the flight length. Business class is allowed on long flights (see below).\n\n"
            + _section(text, "Flights")
        )
    if u.cabin in {"business", "premium"} and threshold:
        hours_needed = float(threshold.group(1))
        label = "business class" if u.cabin == "business" else "premium economy"
        said = re.search(r"(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:h\b|hours?|hrs?)", low)
        if said:
            hours_said = float(said.group(1))
            if hours_said >= hours_needed:
                return (
                    f"Yes — with {hours_said:g} h of flying, {label} is 🟢 within policy "
                    f"(allowed from {hours_needed:g} h)."
                )
            return (
                f"Not without approval — {label} is allowed from {hours_needed:g} h of flying; on a "
                f"{hours_said:g} h flight it's 🟠 amber: bookable, but your manager must approve it."
            )
        if city:
            hours = _flying_hours(str(ctx.profile.get("home_airport") or ""), city)
            home = ctx.profile.get("home_airport")
            if hours is not None:
                if hours >= hours_needed:
                    return (
                        f"Yes — {home} to {city} is roughly {hours:.0f} h of flying, and the policy allows {label} "
                        f"from {hours_needed:g} h, so it's 🟢 within policy. The exact verdict shows on each option when I search."
                    )
                return (
                    f"Not without approval — {home} to {city} is only about {hours:.0f} h of flying, and {label} is "
                    f"allowed from {hours_needed:g} h. Below that it's 🟠 amber: bookable, but your manager must approve it."
                )
        return (
            f"{label[:1].upper()}{label[1:]} is allowed on flights with at least {hours_needed:g} h of flying; on shorter "
            "flights it's 🟠 amber (needs your manager's approval).\n\n" + _section(text, "Flights")
        )
    for title, words in (
        ("Booking ahead", ("ahead", "advance", "last minute", "notice", "in advance")),
        ("Approvals", ("approv", "threshold", "manager", "vp", "over ")),
        (
            "Airlines and hotel chains",
            ("airline", "carrier", "blocked", "banned", "preferred", "chain", "vendor"),
        ),
        ("Hotels", ("hotel", "cap", "night", "room")),
        ("Flights", ("cabin", "class", "economy", "fly", "flight")),
    ):
        if any(w in low for w in words):
            section = _section(text, title)
            if section:
                return f"Here's what the travel policy says:\n\n{section}"
    return "Here's the travel policy:\n\n" + text.strip()


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1).strip() if match else ""


HANDLERS: dict[Intent, Handler] = {
    Intent.POLICY: _policy,
}
