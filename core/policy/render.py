"""The policy in words, rendered from the rules so the text can never drift from them.

``render_policy`` feeds the agent's ``get_policy`` tool and its prompts;
``answer_facts`` gives the same content as data for policy questions.
"""

from __future__ import annotations

from typing import Any

from core.money import money_text
from core.policy.engine import hours_phrase
from core.policy.rules import CabinRule, PolicyRules, Vendor, cabin_label

ROLE_LABELS: dict[str, str] = {
    "manager": "the traveller's manager",
    "vp_finance": "the VP Finance",
    "executive": "an executive",
    "finance": "Finance",
    "admin": "an administrator",
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " "))


def _cabin_range(rule: CabinRule) -> str:
    if rule.min_minutes == 0 and rule.max_minutes is not None:
        return f"Under {hours_phrase(rule.max_minutes)} of flying"
    if rule.max_minutes is None:
        return f"From {hours_phrase(rule.min_minutes)} of flying"
    return (
        f"From {hours_phrase(rule.min_minutes)} to under {hours_phrase(rule.max_minutes)} of flying"
    )


def _cabins(rule: CabinRule) -> list[str]:
    return [cabin_label(c).lower() for c in rule.allowed_cabins]


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def _vendor_line(vendor: Vendor) -> str:
    return f"- {vendor.display}" + (f": {vendor.reason}" if vendor.reason else "")


def render_policy(rules: PolicyRules) -> str:
    """A markdown explanation of ``rules`` for people and for the model."""
    cur = rules.currency
    basis = (
        "total flying time (the legs, not the layovers)"
        if rules.cabin_basis == "flying_minutes"
        else "the longest leg of the journey"
    )
    lines: list[str] = [
        f"# {rules.name}",
        "",
        "Every option is tagged **green** (within policy), **amber** (allowed with "
        f"approval from {role_label(rules.amber_requires)}) or **red** (cannot be booked).",
        "",
        "## Flights",
        "",
        f"Cabin is judged by {basis}:",
        "",
    ]
    for rule in rules.cabin_rules:
        cabins = _cabins(rule)
        only = " only" if len(cabins) == 1 else ""
        lines.append(f"- {_cabin_range(rule)}: {_join(cabins, 'or')}{only}.")
    lines.append("- Any other cabin is **amber**.")
    if rules.red_cabins:
        red = _join([cabin_label(c) for c in rules.red_cabins], "and")
        lines.append(f"- {red} is **red**: never allowed, whatever the flight length.")
    lines += ["", "## Booking ahead", ""]
    if rules.advance_purchase_days > 0:
        lines.append(
            f"Book at least {rules.advance_purchase_days} days before departure (or check-in "
            "for hotel-only trips); anything later is **amber**."
        )
    else:
        lines.append("There is no advance-purchase rule.")

    if rules.paid_seats is not None:
        over = (
            "any seat with a fee"
            if rules.paid_seats.max_fee_minor == 0
            else f"a seat whose fee is over {money_text(rules.paid_seats.max_fee_minor, cur)}"
        )
        lines += ["", "## Seats", "", f"Seat fees count in the trip total; {over} is "
                  f"**{rules.paid_seats.severity}**."]
    lines += [
        "",
        "## Hotels",
        "",
        f"Nightly rate caps (per room, {cur}); a night over the cap is **amber**:",
        "",
        "| City | Nightly cap |",
        "|---|---|",
    ]
    for cap in rules.hotel_caps.cities:
        lines.append(f"| {cap.city} | {money_text(cap.nightly_cap_minor, cur)} |")
    lines.append(
        f"| Anywhere else | {money_text(rules.hotel_caps.default_nightly_cap_minor, cur)} |"
    )

    lines += ["", "## Airlines and hotel chains", ""]
    if rules.blocked_airlines:
        lines += ["Blocked airlines (**red**, cannot be booked):", ""]
        lines += [_vendor_line(v) for v in rules.blocked_airlines]
        lines.append("")
    if rules.blocked_hotel_chains:
        lines += ["Blocked hotel chains (**red**, cannot be booked):", ""]
        lines += [_vendor_line(v) for v in rules.blocked_hotel_chains]
        lines.append("")
    if rules.preferred_airlines or rules.preferred_hotel_chains:
        lines += ["Preferred vendors (recommended, never required):", ""]
        lines += [
            _vendor_line(v) for v in (*rules.preferred_airlines, *rules.preferred_hotel_chains)
        ]
        lines.append("")
    if not (
        rules.blocked_airlines
        or rules.blocked_hotel_chains
        or rules.preferred_airlines
        or rules.preferred_hotel_chains
    ):
        lines += ["No airline or hotel chain is blocked or preferred.", ""]

    lines += ["## Approvals", ""]
    for step in _approval_steps(rules):
        lines.append(f"- {step}")
    lines.append(
        "- Approvers are asked in this order: "
        + " → ".join(role_label(r) for r in rules.approval_chain)
        + "."
    )
    return "\n".join(lines).rstrip() + "\n"


def _approval_steps(rules: PolicyRules) -> list[str]:
    steps: list[str] = []
    for i, threshold in enumerate(sorted(rules.approval_thresholds, key=lambda t: t.over_minor)):
        also = "also " if i else ""
        steps.append(
            f"Trips over {money_text(threshold.over_minor, rules.currency)} {also}need "
            f"{role_label(threshold.role)}."
        )
    steps.append(f"Any amber item needs {role_label(rules.amber_requires)}.")
    return steps


def answer_facts(rules: PolicyRules) -> dict[str, Any]:
    """The key facts of the policy as JSON-ready data (for policy Q&A).

    Money appears both as minor units and as a display string so an answer can
    quote it without arithmetic.
    """
    cur = rules.currency

    def money(minor: int) -> dict[str, Any]:
        return {"minor": minor, "display": money_text(minor, cur)}

    return {
        "policy": rules.name,
        "currency": cur,
        "cabin_basis": rules.cabin_basis,
        "cabins": [
            {
                "min_minutes": r.min_minutes,
                "max_minutes": r.max_minutes,
                "applies_to": _cabin_range(r),
                "allowed": [str(c) for c in r.allowed_cabins],
            }
            for r in rules.cabin_rules
        ],
        "cabin_outside_rule": "amber",
        "red_cabins": [str(c) for c in rules.red_cabins],
        "advance_purchase_days": rules.advance_purchase_days,
        "advance_purchase_severity": "amber",
        "hotel_caps": {cap.city: money(cap.nightly_cap_minor) for cap in rules.hotel_caps.cities},
        "hotel_default_cap": money(rules.hotel_caps.default_nightly_cap_minor),
        "hotel_over_cap_severity": "amber",
        "blocked_airlines": [v.display for v in rules.blocked_airlines],
        "blocked_hotel_chains": [v.display for v in rules.blocked_hotel_chains],
        "preferred_airlines": [v.display for v in rules.preferred_airlines],
        "preferred_hotel_chains": [v.display for v in rules.preferred_hotel_chains],
        "approval_thresholds": [
            {"over": money(t.over_minor), "role": t.role}
            for t in sorted(rules.approval_thresholds, key=lambda t: t.over_minor)
        ],
        "amber_requires": rules.amber_requires,
        "approval_chain": list(rules.approval_chain),
    } | (
        {
            "paid_seats": {
                "max_fee": money(rules.paid_seats.max_fee_minor),
                "severity": rules.paid_seats.severity,
            }
        }
        if rules.paid_seats is not None
        else {}
    )
