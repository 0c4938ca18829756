"""The catalogue's fare model: how a price splits into base fare, taxes and fees.

The catalogue publishes all-in prices — what a traveller is charged:
``fare_inventory.fare_minor`` per passenger and flight, ``room_inventory.rate_minor``
per room and night. This model splits such a price into

    base + taxes (by code: US, AY, XF, GB, UB…; VAT, city tax…) + fees (carrier
    surcharges, service charges) = total

in integer minor units. The split is derived *from* the total: every charge is
worked out first (fixed amounts from the tables below, percentages of the base),
and the base is what is left, so the parts add up to the total exactly and prices —
and the policy verdicts on them — are the ones the catalogue always had.

Amounts are approximate published levels, converted to US dollars at fixed rates
(the catalogue prices in USD): a simulation of a tariff, not a tariff. A fare in
another currency gets only the percentage charges (a fixed amount in dollars means
nothing in yen). Nothing here reads a database: the same inputs give the same split
in search, hold, confirmation, invoices and refunds, and a booking keeps the split it
was sold with (``segments.fare``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from core.catalogue.hubs import airport_info
from core.catalogue.network import CARRIER_BY_CODE, LONG_HAUL_KM, SHORT_HAUL_KM
from core.money import Money

TAX: Final = "tax"
FEE: Final = "fee"
VAT_CODE: Final = "VAT"  # value-added taxes (VAT, GST, consumption tax) on hotel rooms
# Codes of value-added taxes, which a company may reclaim: the hotels' and India's GST
# on air fares (K3).
VAT_CODES: Final = frozenset({VAT_CODE, "K3"})
# Fixed charges never take more than this share of a price: a cheap fare keeps a base.
MAX_FIXED_SHARE: Final = 0.45
FIXED_CURRENCY: Final = "USD"
_PPM: Final = 1_000_000


# -- the breakdown ------------------------------------------------------------------------


class Charge(BaseModel):
    """One tax or fee line: ``US`` "US transportation tax" 38.42."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    amount_minor: int = Field(ge=0)


class ChargeOut(BaseModel):
    """Wire form of a charge: ``{"code": "GB", "name": "UK air passenger duty", "amount": {…}}``."""

    code: str = Field(description="Tax or fee code (IATA ticket tax codes for flights).")
    name: str
    amount: Money


class FareOut(BaseModel):
    """Wire form of a breakdown: ``{base, taxes:[{code, name, amount}], fees:[…], total}``;
    base + taxes + fees = total, to the cent."""

    base: Money
    taxes: list[ChargeOut] = Field(default_factory=list)
    fees: list[ChargeOut] = Field(default_factory=list)
    total: Money


class FareBreakdown(BaseModel):
    """base + taxes + fees = total, in minor units of one currency."""

    model_config = ConfigDict(frozen=True)

    currency: str
    base_minor: int = Field(ge=0)
    taxes: tuple[Charge, ...] = ()
    fees: tuple[Charge, ...] = ()

    @property
    def taxes_minor(self) -> int:
        return sum(c.amount_minor for c in self.taxes)

    @property
    def fees_minor(self) -> int:
        return sum(c.amount_minor for c in self.fees)

    @property
    def total_minor(self) -> int:
        return self.base_minor + self.taxes_minor + self.fees_minor

    def times(self, n: int) -> FareBreakdown:
        """The same fare for ``n`` passengers (or rooms): every part times ``n``."""
        return FareBreakdown(
            currency=self.currency,
            base_minor=self.base_minor * n,
            taxes=tuple(
                c.model_copy(update={"amount_minor": c.amount_minor * n}) for c in self.taxes
            ),
            fees=tuple(
                c.model_copy(update={"amount_minor": c.amount_minor * n}) for c in self.fees
            ),
        )

    def scaled_to(self, total_minor: int) -> FareBreakdown:
        """The parts shrunk in proportion to add up to ``total_minor`` (≤ the total):
        what part of a price a partial amount — a refund capped by what was paid — is.
        Largest remainders round, so the parts still add up exactly."""
        whole = self.total_minor
        if total_minor >= whole:
            return self
        if whole == 0 or total_minor <= 0:
            return empty(self.currency)
        amounts = [self.base_minor, *(c.amount_minor for c in (*self.taxes, *self.fees))]
        exact = [a * total_minor for a in amounts]
        shares = [e // whole for e in exact]
        short = total_minor - sum(shares)
        for i in sorted(range(len(amounts)), key=lambda i: (-(exact[i] % whole), i))[:short]:
            shares[i] += 1
        base, rest = shares[0], shares[1:]
        n_taxes = len(self.taxes)
        return FareBreakdown(
            currency=self.currency,
            base_minor=base,
            taxes=_nonzero(
                c.model_copy(update={"amount_minor": a})
                for c, a in zip(self.taxes, rest[:n_taxes], strict=True)
            ),
            fees=_nonzero(
                c.model_copy(update={"amount_minor": a})
                for c, a in zip(self.fees, rest[n_taxes:], strict=True)
            ),
        )

    def out(self) -> FareOut:
        """The wire form (money as ``{amount, currency}``)."""
        return FareOut(
            base=Money.of(self.base_minor, self.currency),
            taxes=[_charge_out(c, self.currency) for c in self.taxes],
            fees=[_charge_out(c, self.currency) for c in self.fees],
            total=Money.of(self.total_minor, self.currency),
        )

    def as_json(self) -> dict[str, Any]:
        """``fare`` in any JSON answer: ``{base, taxes:[{code, name, amount}], fees, total}``."""
        return self.out().model_dump()

    def stored(self) -> dict[str, Any]:
        """The form kept in a JSON column (minor units)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> FareBreakdown:
        return cls.model_validate(data)

    @classmethod
    def of(cls, out: FareOut) -> FareBreakdown:
        """Back from the wire form (to add several up with :func:`combine`)."""

        def charges(items: list[ChargeOut]) -> tuple[Charge, ...]:
            return tuple(
                Charge(code=c.code, name=c.name, amount_minor=c.amount.minor()) for c in items
            )

        return cls(
            currency=out.total.currency,
            base_minor=out.base.minor(),
            taxes=charges(out.taxes),
            fees=charges(out.fees),
        )


def _charge_out(charge: Charge, currency: str) -> ChargeOut:
    return ChargeOut(
        code=charge.code, name=charge.name, amount=Money.of(charge.amount_minor, currency)
    )


def _nonzero(charges: Iterable[Charge]) -> tuple[Charge, ...]:
    return tuple(c for c in charges if c.amount_minor > 0)


def empty(currency: str) -> FareBreakdown:
    return FareBreakdown(currency=currency, base_minor=0)


def combine(fares: Iterable[FareBreakdown], currency: str | None = None) -> FareBreakdown:
    """Several fares as one: bases added, charges with the same code and name added,
    in the order they first appear (two legs' ``US`` taxes are one ``US`` line)."""
    items = list(fares)
    if not items:
        return empty(currency or FIXED_CURRENCY)
    money = {f.currency for f in items}
    if len(money) != 1:
        raise ValueError(f"cannot add fares in {sorted(money)}")

    def merged(lists: Iterable[tuple[Charge, ...]]) -> tuple[Charge, ...]:
        sums: dict[tuple[str, str], int] = {}
        for charges in lists:
            for c in charges:
                sums[(c.code, c.name)] = sums.get((c.code, c.name), 0) + c.amount_minor
        return _nonzero(Charge(code=k[0], name=k[1], amount_minor=v) for k, v in sums.items())

    return FareBreakdown(
        currency=items[0].currency,
        base_minor=sum(f.base_minor for f in items),
        taxes=merged(f.taxes for f in items),
        fees=merged(f.fees for f in items),
    )


# -- the split ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """One charge: a fixed amount (USD cents) and/or a share of the base."""

    kind: str  # TAX | FEE
    code: str
    name: str
    fixed_minor: int = 0
    rate: float = 0.0


def split(total_minor: int, currency: str, rules: Iterable[_Rule]) -> FareBreakdown:
    """``total_minor`` as base + the rules' charges, adding up exactly.

    Fixed amounts first (scaled down together when they would take more than
    ``MAX_FIXED_SHARE`` of the price); the base is what is left divided by
    (1 + the rates); each rate's charge is rounded down from the base, and the last
    rated charge takes the odd cents so nothing is lost.
    """
    total_minor = max(0, int(total_minor))
    fixed_ok = currency.upper() == FIXED_CURRENCY
    used = [r for r in rules if (r.fixed_minor and fixed_ok) or r.rate]
    fixed = [r.fixed_minor if fixed_ok else 0 for r in used]
    cap = int(total_minor * MAX_FIXED_SHARE)
    if sum(fixed) > cap:
        whole = sum(fixed)
        fixed = [f * cap // whole for f in fixed]
    rest = total_minor - sum(fixed)
    # Rates in parts per million: integer arithmetic, exact, the same on every machine.
    ppm = [round(r.rate * _PPM) for r in used]
    base = rest * _PPM // (_PPM + sum(ppm))
    amounts = [f + base * p // _PPM for f, p in zip(fixed, ppm, strict=True)]
    odd = total_minor - base - sum(amounts)  # >= 0: the floors above only ever round down
    rated = [i for i, p in enumerate(ppm) if p]
    if rated:
        amounts[rated[-1]] += odd
    else:
        base += odd
    charges = [
        (r, Charge(code=r.code, name=r.name, amount_minor=a))
        for r, a in zip(used, amounts, strict=True)
    ]
    return FareBreakdown(
        currency=currency,
        base_minor=base,
        taxes=_nonzero(c for r, c in charges if r.kind == TAX),
        fees=_nonzero(c for r, c in charges if r.kind == FEE),
    )


# -- flights ----------------------------------------------------------------------------------

_PREMIUM_CABINS: Final = frozenset({"premium", "business", "first"})
_UK_APD_BAND_A_KM: Final = 3219  # 2,000 miles from London
_UK_APD_BAND_B_KM: Final = 8851  # 5,500 miles
# UK air passenger duty (reduced rate: the lowest cabin; standard: any other), by band.
_UK_APD: Final = {"A": (1900, 4060), "B": (12950, 30990), "C": (13590, 32130)}
_UK_PSC: Final = {"LHR": 4650, "LGW": 2030}  # passenger service charge, per departure
_JP_PSFC: Final = {"NRT": 1450, "HND": 2000}


def _country(code: str) -> str | None:
    info = airport_info(code)
    return str(info["country"]) if info is not None else None


def _uk_apd(distance_km: int, cabin: str) -> int:
    band = (
        "A"
        if distance_km <= _UK_APD_BAND_A_KM
        else "B"
        if distance_km <= _UK_APD_BAND_B_KM
        else "C"
    )
    reduced, standard = _UK_APD[band]
    return standard if cabin in _PREMIUM_CABINS else reduced


# Countries whose departure taxes are the same fixed amounts on every flight.
_FLAT_DEPARTURE_TAXES: Final[dict[str, tuple[_Rule, ...]]] = {
    "NL": (
        _Rule(TAX, "CJ", "Netherlands security service charge", 1330),
        _Rule(TAX, "RN", "Netherlands passenger service charge", 2300),
    ),
    "ES": (_Rule(TAX, "JD", "Spain airport charge", 1500),),
    "IT": (
        _Rule(TAX, "HB", "Italy municipal surcharge", 710),
        _Rule(TAX, "IT", "Italy embarkation tax", 1200),
    ),
    "CH": (_Rule(TAX, "CH", "Switzerland airport charge", 3400),),
    "KR": (_Rule(TAX, "BP", "Korea departure tax", 750),),
    "SG": (_Rule(TAX, "SG", "Singapore passenger service and security fee", 5100),),
    "HK": (
        _Rule(TAX, "HK", "Hong Kong airport departure tax", 1540),
        _Rule(TAX, "G3", "Hong Kong passenger security charge", 710),
    ),
    "AU": (_Rule(TAX, "AU", "Australia passenger movement charge", 4600),),
    "AE": (
        _Rule(TAX, "AE", "UAE passenger service charge", 2040),
        _Rule(TAX, "F6", "UAE passenger facilities charge", 1230),
    ),
}


def _departure_taxes(
    origin: str, destination: str, here: str | None, there: str | None, cabin: str, distance_km: int
) -> list[_Rule]:
    """Taxes of the country the flight leaves (and the US's on arrival from abroad)."""
    domestic = here is not None and here == there
    rules: list[_Rule] = list(_FLAT_DEPARTURE_TAXES.get(here or "", ()))
    if here == "US":
        if domestic:
            rules.append(_Rule(TAX, "US", "US transportation tax", rate=0.075))
            rules.append(_Rule(TAX, "ZP", "US flight segment tax", 520))
        else:
            rules.append(_Rule(TAX, "US", "US international departure tax", 2290))
        rules.append(_Rule(TAX, "AY", "US September 11th security fee", 560))
        rules.append(_Rule(TAX, "XF", "US passenger facility charge", 450))
    elif here == "GB":
        rules.append(_Rule(TAX, "GB", "UK air passenger duty", _uk_apd(distance_km, cabin)))
        if origin in _UK_PSC:
            rules.append(_Rule(TAX, "UB", "UK passenger service charge", _UK_PSC[origin]))
    elif here == "CA":
        rules.append(
            _Rule(
                TAX, "CA", "Canada air travellers security charge", 1500 if there == "US" else 1900
            )
        )
        if origin == "YYZ":
            rules.append(_Rule(TAX, "SQ", "Toronto airport improvement fee", 2600))
    elif here == "FR":
        rules.append(
            _Rule(
                TAX, "FR", "France civil aviation tax", 500 if distance_km < SHORT_HAUL_KM else 800
            )
        )
        rules.append(_Rule(TAX, "QX", "France airport tax", 1500))
    elif here == "DE":
        air_tax = 1690 if distance_km <= SHORT_HAUL_KM else 4280 if distance_km <= 6000 else 7700
        rules.append(_Rule(TAX, "DE", "Germany aviation security charge", 1100))
        rules.append(_Rule(TAX, "RA", "Germany air transport tax", air_tax))
    elif here == "JP":
        if not domestic:
            rules.append(_Rule(TAX, "OI", "Japan international tourist tax", 700))
        if origin in _JP_PSFC:
            rules.append(
                _Rule(TAX, "SW", "Japan passenger service facility charge", _JP_PSFC[origin])
            )
    elif here == "IN":
        rules.append(_Rule(TAX, "IN", "India user development fee", 1000))
        rules.append(_Rule(TAX, "K3", "India GST", rate=0.12 if cabin in _PREMIUM_CABINS else 0.05))
    if there == "US" and here != "US":
        rules.append(_Rule(TAX, "US", "US international arrival tax", 2290))
        rules.append(_Rule(TAX, "YC", "US customs user fee", 657))
        rules.append(_Rule(TAX, "XY", "US immigration user fee", 700))
        rules.append(_Rule(TAX, "XA", "US animal and plant health inspection fee", 390))
    return rules


def _carrier_fees(carrier: str, cabin: str, distance_km: int) -> list[_Rule]:
    info = CARRIER_BY_CODE.get(carrier.upper())
    if info is not None and info.low_cost:
        return [_Rule(FEE, "YR", "Carrier booking fee", 1200)]
    fees = [_Rule(FEE, "YR", "Carrier service fee", 300)]
    if distance_km >= SHORT_HAUL_KM:
        long_haul = distance_km >= LONG_HAUL_KM
        surcharge = (
            (19000 if long_haul else 9000)
            if cabin in _PREMIUM_CABINS
            else (9500 if long_haul else 4500)
        )
        fees.append(_Rule(FEE, "YQ", "Carrier fuel surcharge", surcharge))
    return fees


@lru_cache(maxsize=8192)
def _flight_rules(
    origin: str, destination: str, carrier: str, cabin: str, distance_km: int
) -> tuple[_Rule, ...]:
    here, there = _country(origin), _country(destination)
    return (
        *_departure_taxes(origin.upper(), destination.upper(), here, there, cabin, distance_km),
        *_carrier_fees(carrier, cabin, distance_km),
    )


@lru_cache(maxsize=8192)
def flight_fare(
    total_minor: int,
    currency: str,
    *,
    origin: str,
    destination: str,
    carrier: str,
    cabin: str,
    distance_km: int,
) -> FareBreakdown:
    """One passenger's price for one flight, split: the taxes of the country it leaves
    (the US's also on arrival from abroad) and the carrier's fees."""
    rules = _flight_rules(origin, destination, carrier, cabin, distance_km)
    return split(total_minor, currency, rules)


# -- hotels -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CityTaxes:
    """A city's taxes on a hotel room: percentages of the room rate and a nightly amount."""

    vat: tuple[str, float] | None = None  # (name, rate): VAT / GST / consumption tax
    sales: tuple[str, float] | None = None  # (name, rate): a US or Canadian sales tax
    city: tuple[str, float] | None = None  # (name, rate): city / occupancy / tourist tax
    nightly: tuple[str, tuple[int, int, int]] | None = None  # (name, USD cents for 3/4/5 stars)
    service: float = 0.0  # a service charge the hotel adds (a fee, not a tax)


_HOTEL_TAXES: Final[dict[str, _CityTaxes]] = {
    "New York": _CityTaxes(
        sales=("New York sales tax", 0.08875),
        city=("New York City hotel occupancy tax", 0.05875),
        nightly=("New York hotel unit fee", (350, 350, 350)),
    ),
    "Boston": _CityTaxes(
        sales=("Massachusetts room occupancy excise", 0.057),
        city=("Boston room occupancy tax", 0.0925),
    ),
    "Washington": _CityTaxes(city=("DC transient accommodations tax", 0.1495)),
    "Chicago": _CityTaxes(
        sales=("Illinois hotel operators' occupation tax", 0.06),
        city=("Chicago hotel taxes", 0.1139),
    ),
    "Atlanta": _CityTaxes(
        sales=("Georgia sales tax", 0.089),
        city=("Atlanta hotel-motel tax", 0.08),
        nightly=("Georgia hotel-motel fee", (500, 500, 500)),
    ),
    "Miami": _CityTaxes(
        sales=("Florida sales tax", 0.07), city=("Miami-Dade tourist development tax", 0.06)
    ),
    "Dallas": _CityTaxes(
        sales=("Texas hotel occupancy tax", 0.06), city=("Dallas hotel occupancy tax", 0.07)
    ),
    "Denver": _CityTaxes(sales=("Colorado sales tax", 0.04), city=("Denver lodger's tax", 0.1075)),
    "Seattle": _CityTaxes(
        sales=("Washington sales tax", 0.1035), city=("Seattle lodging taxes", 0.0535)
    ),
    "San Francisco": _CityTaxes(city=("San Francisco transient occupancy tax", 0.14)),
    "Los Angeles": _CityTaxes(city=("Los Angeles transient occupancy tax", 0.14)),
    "Toronto": _CityTaxes(
        vat=("Ontario HST", 0.13), city=("Toronto municipal accommodation tax", 0.06)
    ),
    "London": _CityTaxes(vat=("UK VAT", 0.20)),
    "Paris": _CityTaxes(
        vat=("France VAT", 0.10), nightly=("Paris taxe de séjour", (570, 890, 890))
    ),
    "Frankfurt": _CityTaxes(
        vat=("Germany VAT", 0.07), nightly=("Frankfurt tourism contribution", (220, 220, 220))
    ),
    "Amsterdam": _CityTaxes(vat=("Netherlands VAT", 0.09), city=("Amsterdam tourist tax", 0.125)),
    "Madrid": _CityTaxes(vat=("Spain VAT", 0.10)),
    "Rome": _CityTaxes(vat=("Italy VAT", 0.10), nightly=("Rome tourist tax", (660, 830, 1100))),
    "Zurich": _CityTaxes(
        vat=("Switzerland VAT", 0.038), nightly=("Zurich city tax", (280, 280, 280))
    ),
    "Dublin": _CityTaxes(vat=("Ireland VAT", 0.135)),
    "Tokyo": _CityTaxes(
        vat=("Japan consumption tax", 0.10), nightly=("Tokyo accommodation tax", (100, 140, 140))
    ),
    "Seoul": _CityTaxes(vat=("Korea VAT", 0.10), service=0.10),
    "Singapore": _CityTaxes(vat=("Singapore GST", 0.09), service=0.10),
    "Hong Kong": _CityTaxes(city=("Hong Kong hotel accommodation tax", 0.03), service=0.10),
    "Sydney": _CityTaxes(vat=("Australia GST", 0.10)),
    "Dubai": _CityTaxes(
        vat=("UAE VAT", 0.05),
        city=("Dubai municipality fee", 0.07),
        nightly=("Dubai tourism dirham", (410, 540, 540)),
        service=0.10,
    ),
    "Delhi": _CityTaxes(vat=("India GST", 0.18)),
}


def _hotel_rules(city: str, stars: int) -> list[_Rule]:
    taxes = _HOTEL_TAXES.get(city)
    if taxes is None:
        return []
    rules: list[_Rule] = []
    if taxes.nightly is not None:
        name, by_stars = taxes.nightly
        rules.append(_Rule(TAX, "CITY", name, by_stars[min(max(stars, 3), 5) - 3]))
    if taxes.city is not None:
        rules.append(_Rule(TAX, "CITY", taxes.city[0], rate=taxes.city[1]))
    if taxes.sales is not None:
        rules.append(_Rule(TAX, "SALES", taxes.sales[0], rate=taxes.sales[1]))
    if taxes.service:
        rules.append(_Rule(FEE, "SVC", "Hotel service charge", rate=taxes.service))
    if taxes.vat is not None:
        rules.append(_Rule(TAX, VAT_CODE, taxes.vat[0], rate=taxes.vat[1]))  # last: the odd cents
    return rules


@lru_cache(maxsize=8192)
def room_night_fare(total_minor: int, currency: str, *, city: str, stars: int) -> FareBreakdown:
    """One room for one night, split: VAT (or sales tax), city taxes, service charge."""
    return split(total_minor, currency, _hotel_rules(city, stars))


def stay_fare(
    night_rates_minor: Iterable[int], rooms: int, currency: str, *, city: str, stars: int
) -> FareBreakdown:
    """A stay: each night's rate split, times the rooms, added up."""
    nights = [room_night_fare(rate, currency, city=city, stars=stars) for rate in night_rates_minor]
    return combine(nights, currency).times(rooms)


__all__ = [
    "VAT_CODE",
    "VAT_CODES",
    "Charge",
    "ChargeOut",
    "FareBreakdown",
    "FareOut",
    "combine",
    "empty",
    "flight_fare",
    "room_night_fare",
    "split",
    "stay_fare",
]
