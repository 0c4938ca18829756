"""The policy engine: items in, a verdict out. Pure functions, no I/O.

One engine judges search offers, holds and confirmations, so what the traveller
was shown at search time is what the booking core enforces later.

* red   — cannot be held (callers raise ``core.errors.PolicyBlocked``);
* amber — may be booked with approval (``rules.amber_requires``);
* green — within policy; approvals may still be needed for the trip total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from core.errors import ValidationFailed
from core.money import format_money
from core.policy.items import FlightItem, HotelItem, PolicyItem, SeatFeesItem
from core.policy.rules import CabinRule, PolicyRules, cabin_label


class PolicyStatus(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Severity(StrEnum):
    AMBER = "amber"
    RED = "red"


class ViolationCode(StrEnum):
    CABIN_NOT_ALLOWED = "CABIN_NOT_ALLOWED"
    CABIN_FORBIDDEN = "CABIN_FORBIDDEN"
    ADVANCE_PURCHASE = "ADVANCE_PURCHASE"
    HOTEL_OVER_CAP = "HOTEL_OVER_CAP"
    BLOCKED_AIRLINE = "BLOCKED_AIRLINE"
    BLOCKED_HOTEL_CHAIN = "BLOCKED_HOTEL_CHAIN"
    PAID_SEAT = "PAID_SEAT"


NOTE_PREFERRED_VENDOR = "PREFERRED_VENDOR"

_RANK = {PolicyStatus.GREEN: 0, PolicyStatus.AMBER: 1, PolicyStatus.RED: 2}


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    severity: Severity
    message: str
    item: int  # index into the evaluated items

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "item": self.item,
        }


@dataclass(frozen=True, slots=True)
class Note:
    """Information for the traveller that is never a violation (preferred vendors)."""

    code: str
    message: str
    item: int

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "item": self.item}


@dataclass(frozen=True, slots=True)
class Verdict:
    status: PolicyStatus
    violations: tuple[Violation, ...] = ()
    approvals_required: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    total_minor: int = 0
    currency: str = "USD"

    @property
    def is_blocked(self) -> bool:
        return self.status is PolicyStatus.RED

    @property
    def needs_approval(self) -> bool:
        return bool(self.approvals_required)

    def red_messages(self) -> list[str]:
        return [v.message for v in self.violations if v.severity is Severity.RED]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored on bookings and sent to clients."""
        return {
            "status": str(self.status),
            "violations": [v.to_dict() for v in self.violations],
            "approvals_required": list(self.approvals_required),
            "notes": [n.to_dict() for n in self.notes],
            "total_minor": self.total_minor,
            "currency": self.currency,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """Inverse of :meth:`to_dict` (a verdict stored on a booking read back)."""
        return cls(
            status=PolicyStatus(data["status"]),
            violations=tuple(
                Violation(
                    code=str(v["code"]),
                    severity=Severity(v["severity"]),
                    message=str(v["message"]),
                    item=int(v["item"]),
                )
                for v in data.get("violations", ())
            ),
            approvals_required=tuple(str(r) for r in data.get("approvals_required", ())),
            notes=tuple(
                Note(code=str(n["code"]), message=str(n["message"]), item=int(n["item"]))
                for n in data.get("notes", ())
            ),
            total_minor=int(data.get("total_minor", 0)),
            currency=str(data.get("currency", "USD")),
        )


def evaluate(rules: PolicyRules, items: Sequence[PolicyItem], *, now: datetime) -> Verdict:
    """Judge a whole trip (every item being bought together) against ``rules``.

    The status is the worst severity among the violations. Approvals come from the
    trip total (thresholds are strictly "over") plus ``rules.amber_requires`` when
    anything is amber, listed once each in ``rules.approval_chain`` order.
    """
    if now.tzinfo is None:
        raise ValueError("evaluate() needs a timezone-aware 'now'")
    violations: list[Violation] = []
    notes: list[Note] = []
    total = 0
    for index, item in enumerate(items):
        if item.currency.upper() != rules.currency:
            raise ValidationFailed(
                f"Item {index} is priced in {item.currency} but the travel policy is in {rules.currency}",
                field="currency",
            )
        total += item.amount_minor
        if isinstance(item, FlightItem):
            _check_flight(rules, item, index, violations, notes)
        elif isinstance(item, HotelItem):
            _check_hotel(rules, item, index, violations, notes)
        else:
            _check_seats(rules, item, index, violations)
    advance = _check_advance_purchase(rules, items, now)
    if advance is not None:
        violations.append(advance)

    status = PolicyStatus.GREEN
    for violation in violations:
        severity = PolicyStatus(violation.severity.value)
        if _RANK[severity] > _RANK[status]:
            status = severity

    return Verdict(
        status=status,
        violations=tuple(violations),
        approvals_required=approvals_for(
            rules, total, has_amber=any(v.severity is Severity.AMBER for v in violations)
        ),
        notes=tuple(notes),
        total_minor=total,
        currency=rules.currency,
    )


def evaluate_offer(rules: PolicyRules, item: PolicyItem, *, now: datetime) -> Verdict:
    """Verdict for one search offer on its own.

    Its approvals reflect that offer alone: a 3,000 USD flight plus a 2,500 USD
    hotel are each under a 5,000 threshold, but the trip holding both is not.
    Re-evaluate the whole trip with :func:`evaluate` when it is held.
    """
    return evaluate(rules, (item,), now=now)


# -- checks -----------------------------------------------------------------------------


def _check_flight(
    rules: PolicyRules, item: FlightItem, index: int, violations: list[Violation], notes: list[Note]
) -> None:
    cabin = item.cabin.lower()
    minutes = (
        item.flying_minutes if rules.cabin_basis == "flying_minutes" else item.longest_leg_minutes
    )
    if cabin in rules.red_cabins:
        violations.append(
            Violation(
                ViolationCode.CABIN_FORBIDDEN,
                Severity.RED,
                f"{cabin_label(cabin)} is not allowed by the travel policy on any flight",
                index,
            )
        )
    else:
        rule = rules.cabin_rule_for(minutes)
        if cabin not in rule.allowed_cabins:
            violations.append(
                Violation(
                    ViolationCode.CABIN_NOT_ALLOWED,
                    Severity.AMBER,
                    f"{cabin_label(cabin)} on a {format_duration(minutes)} flight: "
                    f"{_allowed_phrase(rule)} {_range_phrase(rule)} of flying",
                    index,
                )
            )

    seen: set[str] = set()
    for code in item.carriers:
        key = code.upper()
        if key in seen:  # one finding per airline, not per leg it flies
            continue
        seen.add(key)
        blocked = rules.blocked_airline(key)
        if blocked is not None:
            violations.append(
                Violation(
                    ViolationCode.BLOCKED_AIRLINE,
                    Severity.RED,
                    f"{blocked.display} is a blocked airline",
                    index,
                )
            )
            continue
        preferred = rules.preferred_airline(key)
        if preferred is not None:
            notes.append(
                Note(NOTE_PREFERRED_VENDOR, f"{preferred.display} is a preferred airline", index)
            )


def _check_hotel(
    rules: PolicyRules, item: HotelItem, index: int, violations: list[Violation], notes: list[Note]
) -> None:
    blocked = rules.blocked_hotel_chain(item.chain)
    if blocked is not None:
        violations.append(
            Violation(
                ViolationCode.BLOCKED_HOTEL_CHAIN,
                Severity.RED,
                f"{blocked.display} is a blocked hotel chain",
                index,
            )
        )
    else:
        preferred = rules.preferred_hotel_chain(item.chain)
        if preferred is not None:
            notes.append(
                Note(
                    NOTE_PREFERRED_VENDOR, f"{preferred.display} is a preferred hotel chain", index
                )
            )

    cap, city_cap = rules.hotel_cap_for(item.city)
    if item.nightly_rate_minor > cap:
        where = (
            f"the {city_cap.city} cap"
            if city_cap is not None
            else f"the default cap for {item.city}"
        )
        violations.append(
            Violation(
                ViolationCode.HOTEL_OVER_CAP,
                Severity.AMBER,
                f"Hotel at {format_money(item.nightly_rate_minor, rules.currency)}/night is over "
                f"{where} of {format_money(cap, rules.currency)}",
                index,
            )
        )


def _check_seats(
    rules: PolicyRules, item: SeatFeesItem, index: int, violations: list[Violation]
) -> None:
    """Seat fees always count in the trip total; a paid-seat rule may also judge them."""
    rule = rules.paid_seats
    if rule is None or item.highest_fee_minor <= rule.max_fee_minor:
        return
    fees = f"{item.seats} seat{'s' if item.seats > 1 else ''} with a fee, " + format_money(
        item.amount_minor, rules.currency
    )
    limit = (
        "the travel policy does not pay for seat fees"
        if rule.max_fee_minor == 0
        else f"the travel policy pays up to {format_money(rule.max_fee_minor, rules.currency)} a seat"
    )
    violations.append(
        Violation(ViolationCode.PAID_SEAT, Severity(rule.severity), f"Paid seats ({fees}): {limit}", index)
    )


def _check_advance_purchase(
    rules: PolicyRules, items: Sequence[PolicyItem], now: datetime
) -> Violation | None:
    """One finding per trip, measured to its first departure.

    Flights: whole days from ``now`` to the earliest departure (6 days 23 hours is
    6 days). Hotel-only trips: calendar days from today (UTC) to the earliest
    check-in, since a check-in is a date, not an instant.
    """
    if rules.advance_purchase_days <= 0 or not items:
        return None
    flights = [(i, it) for i, it in enumerate(items) if isinstance(it, FlightItem)]
    if flights:
        index, first = min(flights, key=lambda pair: pair[1].depart_at)
        days = (first.depart_at - now).days
    else:
        hotels = [(i, it) for i, it in enumerate(items) if isinstance(it, HotelItem)]
        if not hotels:  # seat fees judged on their own (a seat bought after confirmation)
            return None
        index, first_hotel = min(hotels, key=lambda pair: pair[1].check_in)
        days = (first_hotel.check_in - now.date()).days
    if days >= rules.advance_purchase_days:
        return None
    shown = max(days, 0)
    unit = "day" if shown == 1 else "days"
    return Violation(
        ViolationCode.ADVANCE_PURCHASE,
        Severity.AMBER,
        f"Booked {shown} {unit} ahead; policy asks for {rules.advance_purchase_days} days",
        index,
    )


def approvals_for(rules: PolicyRules, total_minor: int, *, has_amber: bool) -> tuple[str, ...]:
    """The roles that must approve a trip of ``total_minor``, in the order they are asked."""
    roles = {t.role for t in rules.approval_thresholds if total_minor > t.over_minor}
    if has_amber:
        roles.add(rules.amber_requires)
    return tuple(role for role in rules.approval_chain if role in roles)


# -- wording ----------------------------------------------------------------------------


def format_duration(minutes: int) -> str:
    """``75`` → ``"1h15"``; ``420`` → ``"7h00"``."""
    hours, rest = divmod(max(minutes, 0), 60)
    return f"{hours}h{rest:02d}"


def hours_phrase(minutes: int) -> str:
    """``360`` → ``"6 h"``; ``330`` → ``"5h30"``."""
    return f"{minutes // 60} h" if minutes % 60 == 0 else format_duration(minutes)


def _range_phrase(rule: CabinRule) -> str:
    if rule.min_minutes == 0 and rule.max_minutes is not None:
        return f"under {hours_phrase(rule.max_minutes)}"
    if rule.max_minutes is None:
        return f"from {hours_phrase(rule.min_minutes)}"
    return f"from {hours_phrase(rule.min_minutes)} to under {hours_phrase(rule.max_minutes)}"


def _allowed_phrase(rule: CabinRule) -> str:
    labels = [cabin_label(c).lower() for c in rule.allowed_cabins]
    if len(labels) == 1:
        return f"{labels[0]} is the rule"
    return f"{', '.join(labels[:-1])} or {labels[-1]} are allowed"
