"""get_policy: the caller's company travel policy, as structured rules beside its text.

``rules`` is the policy as data (cabins by flying time, booking ahead, hotel caps per
city, blocked and preferred vendors, approval thresholds): what a program (the
offline planner) answers policy questions from, never by reading the markdown.
``to_rules()`` turns it back into the core's ``PolicyRules`` so every lookup (a
city's cap by any of its names, the cabin rule of a flight length, who approves
an amount) is the core's own. Given a destination, ``route`` says how long the
catalogue's quickest flight there takes and how each cabin fares on it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from core.catalogue.network import quickest_route
from core.catalogue.places import resolve_place
from core.errors import ValidationFailed
from core.models import User
from core.money import Money
from core.policy.engine import evaluate_offer, format_duration
from core.policy.items import FlightItem
from core.policy.render import render_policy
from core.policy.rules import (
    ApprovalThreshold,
    Cabin,
    CabinRule,
    CityCap,
    HotelCaps,
    PolicyRules,
    Vendor,
)
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import MoneyOut, city_of

# Words people use → the policy section that answers them.
_TOPICS: dict[str, tuple[str, ...]] = {
    "flights": (
        "flight",
        "fly",
        "cabin",
        "class",
        "economy",
        "business",
        "premium",
        "first",
        "seat",
    ),
    "booking ahead": ("ahead", "advance", "notice", "days", "last minute", "late"),
    "hotels": ("hotel", "room", "night", "stay", "cap", "lodging", "accommodation"),
    "airlines and hotel chains": (
        "airline",
        "carrier",
        "chain",
        "vendor",
        "preferred",
        "blocked",
        "brand",
    ),
    "approvals": ("approv", "manager", "vp", "executive", "threshold", "sign off", "over"),
}


class GetPolicyInput(BaseModel):
    """Read the travel policy (optionally only the part about a topic, or for a route)."""

    model_config = ConfigDict(extra="forbid")

    topic: str | None = Field(
        default=None,
        max_length=200,
        description="E.g. 'business class', 'hotel caps', 'approvals'. Omit for all.",
    )
    destination: str | None = Field(
        default=None,
        max_length=80,
        description="A city or airport: adds the flying time there and each cabin's verdict.",
    )
    origin: str | None = Field(
        default=None,
        max_length=80,
        description="Where the flight starts (default: the caller's home airport).",
    )


class CabinRuleOut(BaseModel):
    min_minutes: int = Field(description="Flying time from (inclusive).")
    max_minutes: int | None = Field(default=None, description="Up to (exclusive); none: longer.")
    allowed: list[Cabin]


class CityCapOut(BaseModel):
    city: str
    aliases: list[str] = Field(default_factory=list)
    nightly_cap: MoneyOut


class VendorOut(BaseModel):
    code: str
    name: str
    reason: str | None = None


class ThresholdOut(BaseModel):
    over: MoneyOut = Field(description="Trips over this total need the role's approval.")
    role: str


class RulesOut(BaseModel):
    """The policy as data; every cabin outside its rule is amber, a red cabin never allowed."""

    currency: str
    cabin_basis: str = Field(
        description="flying_minutes (the legs' sum) or longest_leg_minutes: what cabins judge."
    )
    cabin_rules: list[CabinRuleOut]
    red_cabins: list[Cabin]
    advance_purchase_days: int = Field(description="Booked fewer days ahead: amber (0: no rule).")
    hotel_caps: list[CityCapOut] = Field(description="Nightly cap per room; over it: amber.")
    default_hotel_cap: MoneyOut
    blocked_airlines: list[VendorOut] = Field(default_factory=list)
    blocked_hotel_chains: list[VendorOut] = Field(default_factory=list)
    preferred_airlines: list[VendorOut] = Field(default_factory=list)
    preferred_hotel_chains: list[VendorOut] = Field(default_factory=list)
    approval_thresholds: list[ThresholdOut]
    amber_requires: str = Field(description="Who approves any amber item.")
    approval_chain: list[str] = Field(description="Order approvers are asked in.")

    @classmethod
    def of(cls, rules: PolicyRules) -> RulesOut:
        cur = rules.currency

        def money(minor: int) -> Money:
            return Money.of(minor, cur)

        def vendors(items: tuple[Vendor, ...]) -> list[VendorOut]:
            return [VendorOut(code=v.code, name=v.name, reason=v.reason) for v in items]

        return cls(
            currency=cur,
            cabin_basis=rules.cabin_basis,
            cabin_rules=[
                CabinRuleOut(
                    min_minutes=r.min_minutes,
                    max_minutes=r.max_minutes,
                    allowed=list(r.allowed_cabins),
                )
                for r in rules.cabin_rules
            ],
            red_cabins=list(rules.red_cabins),
            advance_purchase_days=rules.advance_purchase_days,
            hotel_caps=[
                CityCapOut(
                    city=c.city, aliases=list(c.aliases), nightly_cap=money(c.nightly_cap_minor)
                )
                for c in rules.hotel_caps.cities
            ],
            default_hotel_cap=money(rules.hotel_caps.default_nightly_cap_minor),
            blocked_airlines=vendors(rules.blocked_airlines),
            blocked_hotel_chains=vendors(rules.blocked_hotel_chains),
            preferred_airlines=vendors(rules.preferred_airlines),
            preferred_hotel_chains=vendors(rules.preferred_hotel_chains),
            approval_thresholds=[
                ThresholdOut(over=money(t.over_minor), role=t.role)
                for t in sorted(rules.approval_thresholds, key=lambda t: t.over_minor)
            ],
            amber_requires=rules.amber_requires,
            approval_chain=list(rules.approval_chain),
        )

    def to_rules(self) -> PolicyRules:
        """The core's rules again (name aside), for the core's own lookups and engine."""

        def vendors(items: list[VendorOut]) -> tuple[Vendor, ...]:
            return tuple(Vendor(code=v.code, name=v.name, reason=v.reason) for v in items)

        return PolicyRules(
            currency=self.currency,
            cabin_basis=self.cabin_basis,
            cabin_rules=tuple(
                CabinRule(
                    min_minutes=r.min_minutes,
                    max_minutes=r.max_minutes,
                    allowed_cabins=tuple(r.allowed),
                )
                for r in self.cabin_rules
            ),
            red_cabins=tuple(self.red_cabins),
            advance_purchase_days=self.advance_purchase_days,
            hotel_caps=HotelCaps(
                default_nightly_cap_minor=self.default_hotel_cap.minor(),
                cities=tuple(
                    CityCap(
                        city=c.city,
                        nightly_cap_minor=c.nightly_cap.minor(),
                        aliases=tuple(c.aliases),
                    )
                    for c in self.hotel_caps
                ),
            ),
            blocked_airlines=vendors(self.blocked_airlines),
            blocked_hotel_chains=vendors(self.blocked_hotel_chains),
            preferred_airlines=vendors(self.preferred_airlines),
            preferred_hotel_chains=vendors(self.preferred_hotel_chains),
            approval_thresholds=tuple(
                ApprovalThreshold(over_minor=t.over.minor(), role=t.role)
                for t in self.approval_thresholds
            ),
            amber_requires=self.amber_requires,
            approval_chain=tuple(self.approval_chain),
        )


class CabinVerdictOut(BaseModel):
    cabin: Cabin
    status: str = Field(description="green, amber (needs approval) or red (not allowed).")
    reason: str | None = None


class RouteOut(BaseModel):
    origin: str = Field(description="City the flight starts from.")
    destination: str
    airports: str = Field(description="The quickest scheduled routing, e.g. JFK→LHR.")
    flying_minutes: int = Field(description="Flying time of that routing (legs, not layovers).")
    longest_leg_minutes: int = Field(description="Its longest leg (some policies judge by it).")
    duration: str = Field(description="The same, e.g. 7h25.")
    cabins: list[CabinVerdictOut] = Field(description="Each cabin's verdict on this flight length.")


class GetPolicyOutput(BaseModel):
    policy: str = Field(description="The policy's name.")
    text: str = Field(description="The policy (or the sections about the topic), in markdown.")
    rules: RulesOut
    route: RouteOut | None = Field(default=None, description="Only when a destination is given.")


def _sections(text: str) -> tuple[str, dict[str, str]]:
    parts = re.split(r"(?m)^## ", text)
    head = parts[0]
    sections = {}
    for part in parts[1:]:
        title, _, _body = part.partition("\n")
        sections[title.strip().lower()] = "## " + part.rstrip() + "\n"
    return head, sections


def for_topic(text: str, topic: str | None) -> str:
    if not topic:
        return text
    wanted = topic.lower()
    head, sections = _sections(text)
    picked = [
        body
        for title, body in sections.items()
        if any(word in wanted for word in _TOPICS.get(title, ())) or title in wanted
    ]
    if not picked:
        return text  # an unfamiliar topic: the whole (short) policy beats a wrong excerpt
    return head.split("\n", 1)[0] + "\n\n" + "\n".join(picked)


def route_verdicts(
    rules: PolicyRules, origin: str, destination: str, *, now: datetime
) -> RouteOut | None:
    """The catalogue's quickest flight from ``origin`` to ``destination`` and how the
    policy engine judges each cabin on it (booked well ahead, at no cost: only the
    cabin rule speaks). None when the catalogue flies no such route."""
    start, end = resolve_place(origin), resolve_place(destination)
    found = quickest_route(start.airports, end.airports)
    if found is None:
        return None
    legs = (
        f"{found.origin}→{found.via}→{found.destination}"
        if found.via
        else (f"{found.origin}→{found.destination}")
    )
    verdicts: list[CabinVerdictOut] = []
    for cabin in Cabin:
        verdict = evaluate_offer(
            rules,
            FlightItem(
                carriers=(),
                cabin=cabin.value,
                flying_minutes=found.flying_minutes,
                longest_leg_minutes=found.longest_leg_minutes,
                depart_at=now + timedelta(days=rules.advance_purchase_days + 30),
                origin=found.origin,
                destination=found.destination,
                amount_minor=0,
                currency=rules.currency,
            ),
            now=now,
        )
        reasons = [v.message for v in verdict.violations]
        verdicts.append(
            CabinVerdictOut(
                cabin=cabin, status=str(verdict.status), reason="; ".join(reasons) or None
            )
        )
    return RouteOut(
        origin=start.city if start.kind == "metro" else city_of(found.origin),
        destination=end.city if end.kind == "metro" else city_of(found.destination),
        airports=legs,
        flying_minutes=found.flying_minutes,
        longest_leg_minutes=found.longest_leg_minutes,
        duration=format_duration(found.flying_minutes),
        cabins=verdicts,
    )


async def run(ctx: ToolContext, data: GetPolicyInput) -> GetPolicyOutput:
    async with ctx.rt.db.uow(write=False) as session:
        rules = await ctx.policy_rules(session)
        origin = data.origin
        if data.destination and not origin:
            user = await session.get(User, ctx.caller.user_id)
            origin = user.home_airport if user is not None else None
    route = None
    if data.destination:
        if not origin:
            raise ValidationFailed(
                "Where does the flight start? No origin was given and no home airport is set",
                field="origin",
            )
        route = route_verdicts(rules, origin, data.destination, now=ctx.rt.clock.now())
    return GetPolicyOutput(
        policy=rules.name,
        text=for_topic(render_policy(rules), data.topic),
        rules=RulesOut.of(rules),
        route=route,
    )


TOOL: ToolSpec[GetPolicyInput, GetPolicyOutput] = ToolSpec(
    name="get_policy",
    description=(
        "The travel policy as rules and text, to quote rather than guess; with a "
        "destination, also the flying time there and which cabins are allowed."
    ),
    input_model=GetPolicyInput,
    output_model=GetPolicyOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
