"""An organization's travel policy as data.

``PolicyRules`` is what ``policies.rules`` (JSON) holds, what the engine judges
against and what ``render_policy`` explains. It is immutable so one parsed
instance can be shared by every request of the same policy version.

All money in a policy is integer minor units of ``currency``; the engine refuses
items priced in another currency rather than comparing apples with yen.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator


class Cabin(StrEnum):
    ECONOMY = "economy"
    PREMIUM = "premium"
    BUSINESS = "business"
    FIRST = "first"


CABIN_LABELS: dict[str, str] = {
    Cabin.ECONOMY: "Economy",
    Cabin.PREMIUM: "Premium economy",
    Cabin.BUSINESS: "Business class",
    Cabin.FIRST: "First class",
}


def cabin_label(cabin: str) -> str:
    """``"business"`` → ``"Business class"``; unknown cabins are shown as given."""
    return CABIN_LABELS.get(cabin.lower(), cabin.title())


def normalize_name(text: str) -> str:
    """Case-, accent- and whitespace-insensitive key ("Zürich " == "zurich")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CabinRule(_Frozen):
    """Cabins allowed for flights whose flying time is in ``[min_minutes, max_minutes)``.

    ``max_minutes`` of ``None`` means "and longer". The rules of a policy tile the
    whole time line from 0 without gaps or overlaps (checked by ``PolicyRules``),
    so every flight falls under exactly one rule.
    """

    min_minutes: int = Field(0, ge=0)
    max_minutes: int | None = Field(None, gt=0)
    allowed_cabins: tuple[Cabin, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if self.max_minutes is not None and self.max_minutes <= self.min_minutes:
            raise ValueError("max_minutes must be greater than min_minutes")
        return self

    def covers(self, minutes: int) -> bool:
        return minutes >= self.min_minutes and (
            self.max_minutes is None or minutes < self.max_minutes
        )


class CityCap(_Frozen):
    """Nightly hotel cap for one city; ``aliases`` catch other spellings of it."""

    city: str = Field(min_length=1)
    nightly_cap_minor: int = Field(gt=0)
    aliases: tuple[str, ...] = ()


class HotelCaps(_Frozen):
    default_nightly_cap_minor: int = Field(gt=0)
    cities: tuple[CityCap, ...] = ()


class Vendor(_Frozen):
    """An airline (IATA ``code``) or a hotel chain (``code`` is the chain name as sold)."""

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    reason: str | None = None

    @property
    def display(self) -> str:
        """``"Ryanair (FR)"``; a chain whose code is its name shows once."""
        if normalize_name(self.code) == normalize_name(self.name):
            return self.name
        return f"{self.name} ({self.code})"


class ApprovalThreshold(_Frozen):
    """Trips whose total is strictly over ``over_minor`` need ``role``'s approval."""

    over_minor: int = Field(ge=0)
    role: str = Field(min_length=1)


class PaidSeatRule(_Frozen):
    """Seats with a fee (extra legroom): a seat whose fee is over ``max_fee_minor`` (0:
    any fee) is ``severity`` — amber needs ``amber_requires``'s approval, red is refused."""

    max_fee_minor: int = Field(0, ge=0)
    severity: str = Field("amber", pattern="^(amber|red)$")


class PolicyRules(_Frozen):
    name: str = "Travel policy"
    currency: str = Field("USD", min_length=3, max_length=3)
    # Which flying time the cabin rules look at. Acme says "6 h of flying": the sum
    # of the legs, layovers excluded. Some companies judge by the longest leg.
    cabin_basis: str = Field("flying_minutes", pattern="^(flying_minutes|longest_leg_minutes)$")
    cabin_rules: tuple[CabinRule, ...] = Field(min_length=1)
    red_cabins: tuple[Cabin, ...] = (Cabin.FIRST,)
    advance_purchase_days: int = Field(7, ge=0)
    hotel_caps: HotelCaps
    blocked_airlines: tuple[Vendor, ...] = ()
    # None: seat fees only count in the trip total, like any other price.
    paid_seats: PaidSeatRule | None = None
    blocked_hotel_chains: tuple[Vendor, ...] = ()
    preferred_airlines: tuple[Vendor, ...] = ()
    preferred_hotel_chains: tuple[Vendor, ...] = ()
    approval_thresholds: tuple[ApprovalThreshold, ...] = ()
    amber_requires: str = "manager"
    # Order in which approvers are asked; every role named above must appear here.
    approval_chain: tuple[str, ...] = ("manager", "vp_finance", "executive")

    # Lookups built once per parsed policy: the engine runs for every search offer.
    _city_caps: dict[str, CityCap] = PrivateAttr(default_factory=dict)
    _blocked_airlines: dict[str, Vendor] = PrivateAttr(default_factory=dict)
    _blocked_chains: dict[str, Vendor] = PrivateAttr(default_factory=dict)
    _preferred_airlines: dict[str, Vendor] = PrivateAttr(default_factory=dict)
    _preferred_chains: dict[str, Vendor] = PrivateAttr(default_factory=dict)

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @field_validator("cabin_rules")
    @classmethod
    def _tile_time_line(cls, rules: tuple[CabinRule, ...]) -> tuple[CabinRule, ...]:
        ordered = tuple(sorted(rules, key=lambda r: r.min_minutes))
        expected_start = 0
        for i, rule in enumerate(ordered):
            if rule.min_minutes != expected_start:
                raise ValueError(
                    f"cabin rules must cover every duration from 0 without gaps or overlaps "
                    f"(a rule should start at {expected_start} minutes, got {rule.min_minutes})"
                )
            if rule.max_minutes is None:
                if i != len(ordered) - 1:
                    raise ValueError("only the last cabin rule may be open-ended")
                return ordered
            expected_start = rule.max_minutes
        raise ValueError("the last cabin rule must be open-ended (max_minutes: null)")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        chain = set(self.approval_chain)
        if len(chain) != len(self.approval_chain):
            raise ValueError("approval_chain lists a role twice")
        for role in [self.amber_requires, *(t.role for t in self.approval_thresholds)]:
            if role not in chain:
                raise ValueError(f"role {role!r} is not in the approval_chain")
        seen: set[str] = set()
        for cap in self.hotel_caps.cities:
            for key in (cap.city, *cap.aliases):
                norm = normalize_name(key)
                if norm in seen:
                    raise ValueError(f"hotel cap city {key!r} is listed twice")
                seen.add(norm)
        return self

    def model_post_init(self, context: object, /) -> None:
        self._city_caps = {
            normalize_name(key): cap
            for cap in self.hotel_caps.cities
            for key in (cap.city, *cap.aliases)
        }
        self._blocked_airlines = {v.code.upper(): v for v in self.blocked_airlines}
        self._preferred_airlines = {v.code.upper(): v for v in self.preferred_airlines}
        self._blocked_chains = _chain_index(self.blocked_hotel_chains)
        self._preferred_chains = _chain_index(self.preferred_hotel_chains)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Copies with changes are re-validated (pydantic's plain copy skips validation
        and would keep lookups built for the old values)."""
        if not update:
            return super().model_copy(deep=deep)
        return self.model_validate({**self.model_dump(), **update})

    # -- lookups used by the engine and the renderer ---------------------------------

    def cabin_rule_for(self, minutes: int) -> CabinRule:
        for rule in self.cabin_rules:
            if rule.covers(minutes):
                return rule
        return self.cabin_rules[0]  # negative durations: treat as the shortest flights

    def hotel_cap_for(self, city: str) -> tuple[int, CityCap | None]:
        """The nightly cap for ``city`` and the city entry it came from (None = default)."""
        cap = self._city_caps.get(normalize_name(city))
        if cap is None:
            return self.hotel_caps.default_nightly_cap_minor, None
        return cap.nightly_cap_minor, cap

    def blocked_airline(self, code: str) -> Vendor | None:
        return self._blocked_airlines.get(code.upper())

    def preferred_airline(self, code: str) -> Vendor | None:
        return self._preferred_airlines.get(code.upper())

    def blocked_hotel_chain(self, chain: str) -> Vendor | None:
        return self._blocked_chains.get(normalize_name(chain))

    def preferred_hotel_chain(self, chain: str) -> Vendor | None:
        return self._preferred_chains.get(normalize_name(chain))

    def to_document(self) -> dict[str, object]:
        """The JSON form stored in ``policies.rules``."""
        return self.model_dump(mode="json")


def _chain_index(vendors: tuple[Vendor, ...]) -> dict[str, Vendor]:
    # Chains are matched by code or by name: suppliers are not consistent about which.
    index: dict[str, Vendor] = {}
    for vendor in vendors:
        index[normalize_name(vendor.name)] = vendor
        index[normalize_name(vendor.code)] = vendor
    return index


def _usd(major: int) -> int:
    return major * 100


def acme_default() -> PolicyRules:
    """Acme Corp's policy (DESIGN §7)."""
    return PolicyRules(
        name="Acme Corp travel policy",
        currency="USD",
        cabin_rules=(
            CabinRule(min_minutes=0, max_minutes=6 * 60, allowed_cabins=(Cabin.ECONOMY,)),
            CabinRule(
                min_minutes=6 * 60,
                max_minutes=None,
                allowed_cabins=(Cabin.ECONOMY, Cabin.PREMIUM, Cabin.BUSINESS),
            ),
        ),
        red_cabins=(Cabin.FIRST,),
        advance_purchase_days=7,
        hotel_caps=HotelCaps(
            default_nightly_cap_minor=_usd(250),
            cities=(
                CityCap(city="London", nightly_cap_minor=_usd(350)),
                CityCap(
                    city="New York",
                    nightly_cap_minor=_usd(325),
                    aliases=("New York City", "NYC", "Manhattan", "Newark"),
                ),
                CityCap(city="Zurich", nightly_cap_minor=_usd(350)),
                CityCap(city="Tokyo", nightly_cap_minor=_usd(300)),
                CityCap(city="San Francisco", nightly_cap_minor=_usd(300)),
                CityCap(city="Paris", nightly_cap_minor=_usd(300)),
                CityCap(city="Sydney", nightly_cap_minor=_usd(275)),
            ),
        ),
        blocked_airlines=(
            Vendor(code="NK", name="Spirit Airlines", reason="service reliability"),
            Vendor(code="FR", name="Ryanair", reason="no corporate fares or changes"),
        ),
        preferred_airlines=(
            Vendor(code="BA", name="British Airways", reason="corporate agreement"),
            Vendor(code="AA", name="American Airlines", reason="corporate agreement"),
        ),
        preferred_hotel_chains=(
            Vendor(code="Marriott", name="Marriott", reason="negotiated rates"),
            Vendor(code="Hilton", name="Hilton", reason="negotiated rates"),
        ),
        approval_thresholds=(
            ApprovalThreshold(over_minor=_usd(5_000), role="manager"),
            ApprovalThreshold(over_minor=_usd(10_000), role="vp_finance"),
            ApprovalThreshold(over_minor=_usd(15_000), role="executive"),
        ),
        amber_requires="manager",
    )


def default_rules() -> PolicyRules:
    """A sane policy for organizations that have not written their own (e.g. Globex).

    Same shape as Acme's, a little stricter on hotels and a little looser on long
    flights (premium economy from 6 h, business from 9 h).
    """
    return PolicyRules(
        name="Standard travel policy",
        currency="USD",
        cabin_rules=(
            CabinRule(min_minutes=0, max_minutes=6 * 60, allowed_cabins=(Cabin.ECONOMY,)),
            CabinRule(
                min_minutes=6 * 60,
                max_minutes=9 * 60,
                allowed_cabins=(Cabin.ECONOMY, Cabin.PREMIUM),
            ),
            CabinRule(
                min_minutes=9 * 60,
                max_minutes=None,
                allowed_cabins=(Cabin.ECONOMY, Cabin.PREMIUM, Cabin.BUSINESS),
            ),
        ),
        red_cabins=(Cabin.FIRST,),
        advance_purchase_days=7,
        hotel_caps=HotelCaps(
            default_nightly_cap_minor=_usd(225),
            cities=(
                CityCap(city="London", nightly_cap_minor=_usd(325)),
                CityCap(
                    city="New York",
                    nightly_cap_minor=_usd(300),
                    aliases=("New York City", "NYC", "Manhattan", "Newark"),
                ),
                CityCap(city="Zurich", nightly_cap_minor=_usd(325)),
                CityCap(city="Tokyo", nightly_cap_minor=_usd(275)),
                CityCap(city="San Francisco", nightly_cap_minor=_usd(275)),
                CityCap(city="Paris", nightly_cap_minor=_usd(275)),
                CityCap(city="Sydney", nightly_cap_minor=_usd(250)),
            ),
        ),
        blocked_airlines=(
            Vendor(code="NK", name="Spirit Airlines", reason="service reliability"),
            Vendor(code="FR", name="Ryanair", reason="no corporate fares or changes"),
        ),
        approval_thresholds=(
            ApprovalThreshold(over_minor=_usd(5_000), role="manager"),
            ApprovalThreshold(over_minor=_usd(10_000), role="vp_finance"),
            ApprovalThreshold(over_minor=_usd(20_000), role="executive"),
        ),
        amber_requires="manager",
    )
