"""Policy questions answered from the rules ``get_policy`` returns as data.

Never from the rendered markdown: the rules come back as ``RulesOut`` and turn into
the core's ``PolicyRules`` (``to_rules``), so a city's cap by any of its names, the
cabin rule of a flight length and who approves an amount are the core's own
lookups; the flying time to a place is the catalogue's (the tool's ``route``).
The markdown is only quoted, as a last resort, when no rule answers the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.catalogue import CARRIERS
from core.money import from_major, money_text
from core.policy.engine import approvals_for, hours_phrase
from core.policy.render import role_label
from core.policy.rules import Cabin, PolicyRules, Vendor, cabin_label, normalize_name
from tools.get_policy import GetPolicyOutput, RouteOut
from tools.views import spoken_day

BADGE = {"green": "🟢 within policy", "amber": "🟠 amber", "red": "🔴 not allowed"}


@dataclass(frozen=True)
class PolicyAsk:
    """What a policy question carries, as read from the message."""

    text: str
    cabin: str | None = None  # economy | premium | business | first
    city: str | None = None  # a place named (its city)
    cities: tuple[str, ...] = ()  # every city named, in order ("Paris and New York")
    minutes: int | None = None  # a flight length said ("a 7h flight")
    amount_major: float | None = None  # an amount of money said
    per_night: bool = False  # the amount is a nightly rate
    roles: tuple[str, ...] = ()  # approval roles named ("the VP Finance", "my boss")
    threshold: bool = False  # asks at what trip cost someone must approve
    above: bool = False  # the amount is a bound passed ("more than $10k")
    besides_me: bool = False  # "who has to sign it off apart from me?"
    caller_role: str | None = None  # the asker's role ("manager"): left out when besides_me
    outside: str | None = None  # something the policy doesn't rule on ("taxi", "meals")
    # The day a question about approval flies or checks in ("if I fly out this friday?"),
    # and today: the advance-booking rule is judged on it.
    day: date | None = None
    today: date | None = None
    # The caller's manager, by name (their profile's), and whether the question asks who
    # approves: "your manager" in the answer is then named.
    manager: str = ""
    approver_asked: bool = False


def _money(rules: PolicyRules, minor: int) -> str:
    """``5,000.00 USD``, as every other amount the concierge shows."""
    return money_text(minor, rules.currency)


def _minor(rules: PolicyRules, major: float) -> int:
    return from_major(major, rules.currency)


def _label(cabin: str) -> str:
    return cabin_label(cabin).lower()


def _who(role: str) -> str:
    """Roles as the traveller asking hears them ("your manager", "the VP Finance")."""
    return "your manager" if role == "manager" else role_label(role)


def _approver(rules: PolicyRules) -> str:
    return _who(rules.amber_requires)


def _roles(roles: tuple[str, ...] | list[str]) -> str:
    words = [_who(r) for r in roles]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def answer(ask: PolicyAsk, out: GetPolicyOutput) -> str:
    """The answer to one policy question, from the tool's typed output; asked who
    approves, the caller's manager is named when the rules answer "your manager"."""
    text = _answer(ask, out)
    if ask.approver_asked and ask.manager and "your manager" in text:
        text += f"\n\nYour manager is **{ask.manager}**."
    return text


def _answer(ask: PolicyAsk, out: GetPolicyOutput) -> str:
    rules = out.rules.to_rules()
    low = ask.text.lower().replace("’", "'")
    vendor = _named_vendor(rules, low)
    if vendor is not None:
        return vendor
    if ask.cabin is not None:
        return _cabin_answer(rules, ask, out.route)
    hotelish = bool(re.search(r"\bhotels?\b|\bnight(?:ly)?\b|\brooms?\b|\bstay\b|\blodging\b", low))
    if ask.per_night or (
        hotelish
        and (ask.city or re.search(r"\bcaps?\b|\blimit|\bmax|\bbudget|\bmost\b|\bspend", low))
    ):
        return _hotel_answer(rules, ask)
    if re.search(r"\bairlines?\b|\bcarriers?\b", low) and re.search(r"\bchains?\b", low):
        # "which airlines or hotel chains are we meant to use?": both lists.
        return _airlines_answer(rules, low) + "\n\n" + _chains_answer(rules)
    if re.search(r"\bairlines?\b|\bcarriers?\b", low) and re.search(
        r"\bblock|\bban|\bnot allowed|\bcan'?t|\bcannot|\bavoid|\bprefer|\bwhich\b", low
    ):
        return _airlines_answer(rules, low)
    airline = _airline_named(low)
    if airline is not None and _MAY_WE.search(low):
        # "can we book Delta?": an airline the policy neither blocks nor prefers
        return (
            f"Yes — {airline} isn't blocked by the travel policy, so its flights can be booked; "
            "the usual cabin, price and approval rules apply to them."
        )
    if re.search(r"\bchains?\b", low):
        return _chains_answer(rules)
    if ask.amount_major is not None:
        return _approval_answer(rules, ask)
    if ask.threshold:
        return _threshold_answer(rules, ask)
    if (
        ask.day is not None
        and ask.today is not None
        and ask.day >= ask.today
        and re.search(
            r"\bapprov|\bsign[- ]?off|\bsign off|\bok\b|\bokay\b|\bgo-ahead\b|\bpermission\b", low
        )
    ):
        # "do I need approval if I fly out this friday?": the advance-booking rule, that day.
        return _advance_for_day(rules, ask.day, ask.today)
    if re.search(
        r"\bahead\b|\badvance\b|\bnotice\b|\blast[- ]minute\b|\bweek out\b"
        r"|\b(?:days?|a week|weeks?) (?:before|out|early)\b|\bshort notice\b",
        low,
    ):
        # Booking late: the advance rule (which also says who approves it).
        return _advance_answer(rules)
    if re.search(r"\bapprov|\bsign[- ]?off|\bsign off|\bthreshold", low):
        return _approval_answer(rules, ask)
    if hotelish:
        return _hotel_answer(rules, ask)
    if re.search(r"\bcabin|\bclass\b|\bfly\b|\bflights?\b", low):
        return "Here's the flights part of the travel policy:\n\n" + _cabin_rules_text(rules)
    if ask.outside is not None:
        # "can I expense a taxi from the airport?": not something the policy rules on.
        return (
            f"The travel policy I work from covers flights and hotels only — cabins, hotel "
            f"caps, airlines, booking ahead and approvals — and says nothing about "
            f"{ask.outside}. Your finance team can tell you what can be expensed."
        )
    return "Here's the travel policy:\n\n" + out.text.strip()


# -- cabins ---------------------------------------------------------------------------------


def _first_minutes_allowing(rules: PolicyRules, cabin: str) -> int | None:
    allowed = [r.min_minutes for r in rules.cabin_rules if cabin in r.allowed_cabins]
    return min(allowed) if allowed else None


def _within(cabins: tuple[Cabin, ...]) -> str:
    """``"economy is what's within policy"`` / ``"economy or premium economy are within policy"``."""
    words = [_label(c) for c in cabins]
    if len(words) == 1:
        return f"{words[0]} is what's within policy"
    return f"{', '.join(words[:-1])} or {words[-1]} are within policy"


def _cabin_rules_text(rules: PolicyRules) -> str:
    lines = []
    for rule in rules.cabin_rules:
        cabins = ", ".join(_label(c) for c in rule.allowed_cabins)
        if rule.max_minutes is None:
            span = f"From {hours_phrase(rule.min_minutes)} of flying"
        elif rule.min_minutes == 0:
            span = f"Under {hours_phrase(rule.max_minutes)} of flying"
        else:
            span = (
                f"From {hours_phrase(rule.min_minutes)} to under {hours_phrase(rule.max_minutes)}"
            )
        lines.append(f"- {span}: {cabins}.")
    lines.append(f"- Any other cabin is 🟠 amber (bookable with {_approver(rules)}'s approval).")
    if rules.red_cabins:
        red = " and ".join(_label(c) for c in rules.red_cabins)
        lines.append(f"- {red[:1].upper()}{red[1:]} is 🔴 never allowed.")
    return "\n".join(lines)


def _cabin_answer(rules: PolicyRules, ask: PolicyAsk, route: RouteOut | None) -> str:
    cabin = str(ask.cabin)
    label = _label(cabin)
    if cabin in rules.red_cabins:
        better = [
            c
            for c in (Cabin.BUSINESS, Cabin.PREMIUM)
            if _first_minutes_allowing(rules, c) is not None
        ]
        alt = ""
        if better:
            start = _first_minutes_allowing(rules, better[0])
            alt = f" {cabin_label(better[0])} is allowed on flights from {hours_phrase(start or 0)} of flying."
        return f"No — {label} is 🔴 not allowed under the policy, whatever the flight length.{alt}"
    from_minutes = _first_minutes_allowing(rules, cabin)
    if route is not None:
        verdict = next((c for c in route.cabins if str(c.cabin) == cabin), None)
        where = f"{route.origin} to {route.destination}"
        flies = f"{where} flies {route.duration} ({route.airports})"
        # The catalogue's flying time decides, not a length the traveller guessed
        # ("it's nearly 6 hours"): said back when they differ.
        if ask.minutes is not None and ask.minutes != route.flying_minutes:
            flies += f", not {hours_phrase(ask.minutes)}"
        if verdict is not None and verdict.status == "green":
            return (
                f"Yes — {flies}, and {label} is {BADGE['green']} from "
                f"{hours_phrase(from_minutes or 0)} of flying. Each option shows its own verdict when I search."
            )
        if verdict is not None and verdict.status == "amber":
            need = (
                f"{label} is allowed from {hours_phrase(from_minutes)} of flying"
                if from_minutes is not None
                else f"{label} isn't one of the policy's cabins"
            )
            allowed = rules.cabin_rule_for(
                route.flying_minutes
                if rules.cabin_basis == "flying_minutes"
                else route.longest_leg_minutes
            ).allowed_cabins
            return (
                f"Not without approval — {flies}, and {need}: on this route "
                f"{_within(allowed)}, and {label} is 🟠 amber — bookable, but "
                f"{_approver(rules)} must approve it."
            )
    if ask.minutes is not None:
        rule = rules.cabin_rule_for(ask.minutes)
        length = hours_phrase(ask.minutes)
        if cabin in rule.allowed_cabins:
            return f"Yes — on a {length} flight, {label} is {BADGE['green']}."
        return (
            f"Not without approval — {label} is allowed from "
            f"{hours_phrase(from_minutes or 0)} of flying; on a {length} flight "
            f"{_within(rule.allowed_cabins)}, and {label} is 🟠 amber: bookable, but "
            f"{_approver(rules)} must approve it."
        )
    if from_minutes is None:
        return f"{label[:1].upper()}{label[1:]} is 🟠 amber on every flight (it needs {_approver(rules)}'s approval).\n\n{_cabin_rules_text(rules)}"
    if from_minutes == 0:
        return f"Yes — {label} is {BADGE['green']} on any flight."
    return (
        f"{label[:1].upper()}{label[1:]} is allowed on flights of {hours_phrase(from_minutes)} of flying "
        f"or more; on shorter flights it's 🟠 amber ({_approver(rules)} must approve). "
        f"Tell me where you're flying and I'll check that route.\n\n{_cabin_rules_text(rules)}"
    )


# -- hotels ---------------------------------------------------------------------------------


def _hotel_answer(rules: PolicyRules, ask: PolicyAsk) -> str:
    if ask.city is None:
        caps = "\n".join(
            f"- {c.city}: {_money(rules, c.nightly_cap_minor)}" for c in rules.hotel_caps.cities
        )
        default = _money(rules, rules.hotel_caps.default_nightly_cap_minor)
        return (
            f"Hotel caps per room per night:\n{caps}\n- Anywhere else: {default}\n\n"
            f"A night over the cap is 🟠 amber: bookable with {_approver(rules)}'s approval."
        )
    if len(ask.cities) > 1 and not (ask.amount_major is not None and ask.per_night):
        # "the hotel caps for Paris and for New York": each city's, in the order named.
        lines = []
        for city in ask.cities:
            cap, entry = rules.hotel_cap_for(city)
            own = "" if entry is not None else " (no cap of its own, so the default)"
            lines.append(f"- {city}: **{_money(rules, cap)}**{own}")
        return (
            "Hotel caps per room per night:\n" + "\n".join(lines) + "\n\nA hotel above the "
            f"cap isn't forbidden: it's 🟠 amber and needs {_approver(rules)}'s approval."
        )
    cap, entry = rules.hotel_cap_for(ask.city)
    where = ask.city if entry is not None else f"{ask.city} (no cap of its own, so the default)"
    if ask.amount_major is not None and ask.per_night:
        rate = _minor(rules, ask.amount_major)
        said = _money(rules, rate)
        if rate > cap:
            return (
                f"Not without approval — {said} a night is over the cap in {where} of "
                f"{_money(rules, cap)}: it's 🟠 amber, bookable with {_approver(rules)}'s approval."
            )
        return f"Yes — {said} a night is within the cap in {where} of {_money(rules, cap)}."
    return (
        f"The hotel cap in {where} is **{_money(rules, cap)}** per room per night. A hotel above "
        f"the cap isn't forbidden: it's 🟠 amber and needs {_approver(rules)}'s approval."
    )


# -- airlines and chains --------------------------------------------------------------------


def _mentions(vendor: Vendor, low: str) -> bool:
    name = normalize_name(vendor.name)
    words = [name] + ([vendor.code.lower()] if len(vendor.code) == 2 else [])
    first = name.split()[0]
    if len(first) >= 5:
        words.append(first)  # "Spirit", "Ryanair", "Marriott"
    return any(re.search(rf"\b{re.escape(w)}\b", normalize_name(low)) for w in words)


def _named_vendor(rules: PolicyRules, low: str) -> str | None:
    for vendor in rules.blocked_airlines:
        if _mentions(vendor, low):
            why = f" ({vendor.reason})" if vendor.reason else ""
            return (
                f"No — {vendor.display} is a blocked airline under the policy{why}: its flights "
                "are 🔴 red and can't be booked. I'll show you other airlines on the same route."
            )
    for vendor in rules.blocked_hotel_chains:
        if _mentions(vendor, low):
            why = f" ({vendor.reason})" if vendor.reason else ""
            return f"No — {vendor.display} is a blocked hotel chain{why}: its hotels are 🔴 red."
    for vendor in (*rules.preferred_airlines, *rules.preferred_hotel_chains):
        if _mentions(vendor, low):
            why = f" ({vendor.reason})" if vendor.reason else ""
            kind = "airline" if vendor in rules.preferred_airlines else "hotel chain"
            return (
                f"Yes — {vendor.display} is a preferred {kind}{why}. The usual cabin, cap and "
                "approval rules still apply."
            )
    return None


_MAY_WE = re.compile(
    r"\b(?:can|could|may|might)\b|\b(?:allowed|permitted|ok|okay|fine|acceptable|banned|blocked)\b"
)


def _airline_named(low: str) -> str | None:
    """The catalogue airline a question names, by its name or the first word of it."""
    said = normalize_name(low)
    for carrier in CARRIERS:
        name = normalize_name(carrier.name)
        first = name.split()[0]
        words = [name] + ([first] if len(first) >= 5 else [])
        if any(re.search(rf"\b{re.escape(w)}\b", said) for w in words):
            return carrier.name
    return None


def _vendor_lines(vendors: Any, *, reasons: bool = True) -> list[str]:
    return [f"- {v.display}" + (f": {v.reason}" if reasons and v.reason else "") for v in vendors]


def _vendors_answer(
    blocked: Any, preferred: Any, *, what: str, none: str, preferred_title: str, reasons: bool
) -> str:
    """Blocked vendors (or that none is), then the preferred ones."""
    lines = [f"Blocked {what} (🔴 can't be booked):", *_vendor_lines(blocked, reasons=reasons)]
    if not blocked:
        lines = [none]
    if preferred:
        lines += [f"\n{preferred_title}", *_vendor_lines(preferred)]
    return "\n".join(lines)


def _airlines_answer(rules: PolicyRules, low: str) -> str:
    return _vendors_answer(
        rules.blocked_airlines,
        rules.preferred_airlines,
        what="airlines",
        none="No airline is blocked.",
        preferred_title="Preferred airlines (recommended, never required):",
        reasons=True,
    )


def _chains_answer(rules: PolicyRules) -> str:
    return _vendors_answer(
        rules.blocked_hotel_chains,
        rules.preferred_hotel_chains,
        what="hotel chains",
        none="No hotel chain is blocked.",
        preferred_title="Preferred hotel chains:",
        reasons=False,  # blocked chains were listed without reasons; kept as it was
    )


# -- approvals and booking ahead ------------------------------------------------------------


def _thresholds_text(rules: PolicyRules) -> str:
    lines = []
    for i, t in enumerate(sorted(rules.approval_thresholds, key=lambda t: t.over_minor)):
        also = "also " if i else ""
        lines.append(f"- Trips over {_money(rules, t.over_minor)} {also}need {_who(t.role)}.")
    lines.append(f"- Any 🟠 amber item needs {_approver(rules)}.")
    return "\n".join(lines)


def _threshold_answer(rules: PolicyRules, ask: PolicyAsk) -> str:
    """At what trip cost someone must approve: the role named first ("the VP Finance
    signs off on trips over 10,000.00 USD"), then every step."""
    steps = "Approvals under the travel policy:\n" + _thresholds_text(rules)
    named = sorted(
        (t for t in rules.approval_thresholds if t.role in ask.roles), key=lambda t: t.over_minor
    )
    if not named:
        return steps
    first = named[0]
    who = _who(first.role)
    return (
        f"{who[:1].upper()}{who[1:]} must approve trips that cost over "
        f"{_money(rules, first.over_minor)} in total.\n\n{steps}"
    )


def _approval_answer(rules: PolicyRules, ask: PolicyAsk) -> str:
    if ask.amount_major is None:
        return "Approvals under the travel policy:\n" + _thresholds_text(rules)
    total = _minor(rules, ask.amount_major)
    said = _money(rules, total)
    # "more than $10k": any cost past it, so the 10k threshold is passed.
    roles = approvals_for(rules, total + 1 if ask.above else total, has_amber=False)
    if ask.besides_me and ask.caller_role in roles:
        others = [r for r in roles if r != ask.caller_role]
        trip = f"a trip over {said}" if ask.above else f"a {said} trip"
        you = "the traveller's manager" if ask.caller_role == "manager" else _who(ask.caller_role)
        if not others:
            return f"No one else — {trip} needs only {you}'s approval, and that's you."
        return f"Apart from you ({you}), {trip} also needs {_roles(others)} to approve it."
    if ask.above and roles:
        return f"A trip over {said} needs {_roles(roles)} to approve it (in that order)."
    if not roles:
        lowest = min((t.over_minor for t in rules.approval_thresholds), default=None)
        limit = f" (approval starts above {_money(rules, lowest)})" if lowest is not None else ""
        return (
            f"No — a {said} trip needs no approval{limit}, as long as everything in it is "
            f"🟢 within policy; any 🟠 amber item still needs {_approver(rules)}."
        )
    passed = [t for t in rules.approval_thresholds if total > t.over_minor]
    top = max(passed, key=lambda t: t.over_minor)
    return (
        f"Yes — a {said} trip is over {_money(rules, top.over_minor)}, so it needs "
        f"{_roles(roles)} to approve (in that order)."
    )


def _advance_answer(rules: PolicyRules) -> str:
    days = rules.advance_purchase_days
    if days <= 0:
        return "There's no advance-booking rule: you can book at any time."
    return (
        f"Book at least {days} days before departure (or check-in, for a hotel-only trip). "
        f"Booking later isn't forbidden: it's 🟠 amber and needs {_approver(rules)}'s approval."
    )


def _advance_for_day(rules: PolicyRules, day: date, today: date) -> str:
    """Whether travelling on ``day`` needs approval under the advance-booking rule (booked
    today), and what else would."""
    need = rules.advance_purchase_days
    days = (day - today).days
    away = "today" if days == 0 else f"{days} day{'' if days == 1 else 's'} away"
    lowest = min((t.over_minor for t in rules.approval_thresholds), default=None)
    besides = "any 🟠 amber item (a hotel over the cap, a cabin the rules don't allow)" + (
        f" or a trip over {_money(rules, lowest)}" if lowest is not None else ""
    )
    if need <= 0:
        return (
            f"Not for the date — there's no advance-booking rule. Approval is only needed for "
            f"{besides}."
        )
    if days < need:
        return (
            f"Yes — {spoken_day(day)} is {away}, and the policy asks for bookings at least "
            f"{need} days before departure (or check-in, for a hotel-only trip). Booking that "
            f"late isn't forbidden: the trip is 🟠 amber and needs {_approver(rules)}'s approval."
        )
    return (
        f"No — you don't need approval for the date: {spoken_day(day)} is {days} days away, "
        f"which meets the rule to book at least {need} days ahead. Approval would still be "
        f"needed for {besides}."
    )
