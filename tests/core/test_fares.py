"""The catalogue's fare model: base + taxes + fees = total, for every demo price."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.catalogue.fares import (
    MAX_FIXED_SHARE,
    Charge,
    FareBreakdown,
    combine,
    flight_fare,
    room_night_fare,
    stay_fare,
)
from core.catalogue.hotels import hotel_plans, nightly_rate_minor
from core.catalogue.hubs import HUB_CODES, METROS
from core.catalogue.network import CABINS, CARRIERS, schedule
from core.catalogue.seed import cabin_fare, seed_catalogue
from core.search.flights import search_flights
from core.search.hotels import search_hotels


def _adds_up(fare: FareBreakdown, total: int) -> None:
    assert fare.base_minor + sum(t.amount_minor for t in fare.taxes) + sum(
        f.amount_minor for f in fare.fees
    ) == total
    assert fare.total_minor == total
    assert fare.base_minor >= 0
    assert all(c.amount_minor > 0 for c in (*fare.taxes, *fare.fees))  # no empty lines


def _codes(fare: FareBreakdown) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in (*fare.taxes, *fare.fees):
        out[c.code] = out.get(c.code, 0) + c.amount_minor
    return out


# -- every demo price ---------------------------------------------------------------


def test_every_demo_flight_fare_adds_up() -> None:
    """Every scheduled flight, every cabin, on days with and without the peak surcharge
    and at low to high demand: the parts add up and the base stays the bulk."""
    flights = schedule()
    checked = 0
    for flight in flights:
        for plan in flight.cabins:
            for day_no, demand in ((0, 0.0), (1, 0.5), (3, 1.0)):  # Mon, Tue, Thu
                day = date(2026, 12, 7) + timedelta(days=day_no)
                total, _, _ = cabin_fare(plan, flight, day, demand, 0.5)
                fare = flight_fare(
                    total, "USD", origin=flight.origin, destination=flight.destination,
                    carrier=flight.carrier, cabin=plan.cabin, distance_km=flight.distance_km,
                )
                _adds_up(fare, total)
                assert fare.base_minor >= total * (1 - MAX_FIXED_SHARE) / 1.2
                checked += 1
    assert checked > 5_000


def test_every_demo_hotel_night_adds_up() -> None:
    plans = hotel_plans()
    assert {p.city for p in plans} == {m.name for m in METROS}
    for plan in plans:
        for k in range(14):
            night = date(2026, 12, 1) + timedelta(days=k)
            rate = nightly_rate_minor(plan, night)
            fare = room_night_fare(rate, "USD", city=plan.city, stars=plan.stars)
            _adds_up(fare, rate)
            assert fare.taxes, plan.city  # every demo city taxes a hotel room


# -- properties ---------------------------------------------------------------------

cabins = st.sampled_from(CABINS)
airports = st.sampled_from(HUB_CODES)
carriers = st.sampled_from([c.code for c in CARRIERS] + ["ZZ"])
amounts = st.integers(min_value=0, max_value=5_000_000)


@settings(max_examples=400, deadline=None)
@given(
    total=amounts, origin=airports, destination=airports, carrier=carriers, cabin=cabins,
    distance=st.integers(min_value=50, max_value=17_000),
    currency=st.sampled_from(["USD", "USD", "EUR", "JPY"]),
)
def test_any_flight_fare_adds_up(
    total: int, origin: str, destination: str, carrier: str, cabin: str, distance: int,
    currency: str,
) -> None:
    fare = flight_fare(
        total, currency, origin=origin, destination=destination, carrier=carrier, cabin=cabin,
        distance_km=distance,
    )
    _adds_up(fare, total)
    assert fare.currency == currency
    if currency != "USD":  # fixed amounts are dollars: other currencies get rates only
        assert all(c.code in {"US", "K3"} for c in fare.taxes)
        assert not fare.fees


@settings(max_examples=300, deadline=None)
@given(
    rates=st.lists(st.integers(min_value=0, max_value=300_000), min_size=1, max_size=30),
    rooms=st.integers(min_value=1, max_value=9),
    city=st.sampled_from([m.name for m in METROS] + ["Atlantis"]),
    stars=st.integers(min_value=1, max_value=5),
)
def test_any_stay_adds_up(rates: list[int], rooms: int, city: str, stars: int) -> None:
    fare = stay_fare(rates, rooms, "USD", city=city, stars=stars)
    _adds_up(fare, sum(rates) * rooms)


@settings(max_examples=300, deadline=None)
@given(total=amounts, share=st.integers(min_value=0, max_value=6_000_000), n=st.integers(1, 9))
def test_times_and_scaled_to_keep_adding_up(total: int, share: int, n: int) -> None:
    fare = flight_fare(
        total, "USD", origin="JFK", destination="LHR", carrier="BA", cabin="economy",
        distance_km=5540,
    )
    _adds_up(fare.times(n), total * n)
    part = fare.scaled_to(share)
    _adds_up(part, min(share, total))
    # A part never has more of any line than the whole.
    whole = _codes(fare)
    assert all(amount <= whole[code] for code, amount in _codes(part).items())
    assert part.base_minor <= fare.base_minor


def test_combine_adds_the_same_code_once() -> None:
    out = flight_fare(
        61240, "USD", origin="JFK", destination="LHR", carrier="BA", cabin="economy",
        distance_km=5540,
    )
    back = flight_fare(
        58000, "USD", origin="LHR", destination="JFK", carrier="BA", cabin="economy",
        distance_km=5540,
    )
    both = combine([out, back])
    _adds_up(both, 61240 + 58000)
    # The departure tax and the arrival tax are both "US" but different taxes: two lines.
    us = [t for t in both.taxes if t.code == "US"]
    assert {t.name for t in us} == {"US international departure tax", "US international arrival tax"}
    assert _codes(both)["YQ"] == _codes(out)["YQ"] + _codes(back)["YQ"]
    with pytest.raises(ValueError, match="cannot add"):
        combine([out, out.model_copy(update={"currency": "EUR"})])


# -- what the taxes are ---------------------------------------------------------------


def test_us_departure_taxes() -> None:
    fare = flight_fare(
        61240, "USD", origin="JFK", destination="LHR", carrier="BA", cabin="economy",
        distance_km=5540,
    )
    codes = _codes(fare)
    assert codes["US"] == 2290
    assert codes["AY"] == 560
    assert codes["XF"] == 450
    assert "GB" not in codes  # UK duty is charged leaving the UK
    assert codes["YQ"] == 9500
    assert codes["YR"] == 300
    assert {f.code for f in fare.fees} == {"YQ", "YR"}


def test_us_domestic_transportation_tax_is_seven_and_a_half_percent_of_the_base() -> None:
    fare = flight_fare(
        15000, "USD", origin="JFK", destination="BOS", carrier="B6", cabin="economy",
        distance_km=300,
    )
    codes = _codes(fare)
    assert abs(codes["US"] - fare.base_minor * 0.075) < 2
    assert codes["ZP"] == 520
    assert "YQ" not in codes  # no fuel surcharge on a short hop


def test_uk_departure_duty_by_band_and_cabin() -> None:
    def gb(cabin: str, km: int) -> int:
        return _codes(
            flight_fare(
                400_000, "USD", origin="LHR", destination="JFK", carrier="BA", cabin=cabin,
                distance_km=km,
            )
        )["GB"]

    assert gb("economy", 5540) < gb("business", 5540)  # reduced vs standard rate
    assert gb("economy", 900) < gb("economy", 5540) < gb("economy", 10_800)  # bands A, B, C
    lhr = _codes(
        flight_fare(
            90000, "USD", origin="LHR", destination="JFK", carrier="BA", cabin="economy",
            distance_km=5540,
        )
    )
    assert lhr["UB"] == 4650  # Heathrow's passenger service charge
    assert {"US", "XY", "YC", "XA"} <= set(lhr)  # the US's charges on arrival


def test_low_cost_carriers_charge_a_booking_fee_and_no_fuel_surcharge() -> None:
    fare = flight_fare(
        9000, "USD", origin="EWR", destination="MIA", carrier="NK", cabin="economy",
        distance_km=1750,
    )
    assert [f.code for f in fare.fees] == ["YR"]


def test_a_cheap_fare_keeps_a_base() -> None:
    fare = flight_fare(
        3000, "USD", origin="LHR", destination="JFK", carrier="BA", cabin="first",
        distance_km=5540,
    )
    _adds_up(fare, 3000)
    assert fare.base_minor >= 3000 * (1 - MAX_FIXED_SHARE)


def test_hotel_vat_and_city_tax() -> None:
    london = room_night_fare(22000, "USD", city="London", stars=4)
    assert [t.code for t in london.taxes] == ["VAT"]
    assert abs(london.taxes[0].amount_minor - london.base_minor * 0.20) < 2
    paris = room_night_fare(27000, "USD", city="Paris", stars=4)
    assert {t.code for t in paris.taxes} == {"VAT", "CITY"}
    new_york = room_night_fare(33000, "USD", city="New York", stars=4)
    assert "VAT" not in {t.code for t in new_york.taxes}  # US cities: sales and city taxes
    assert {"SALES", "CITY"} <= {t.code for t in new_york.taxes}
    singapore = room_night_fare(30000, "USD", city="Singapore", stars=4)
    assert [f.code for f in singapore.fees] == ["SVC"]  # a service charge is the hotel's fee


def test_stored_form_round_trips() -> None:
    fare = stay_fare([22000, 21000], 2, "USD", city="London", stars=4)
    assert FareBreakdown.from_stored(fare.stored()) == fare
    wire = fare.as_json()
    assert wire["total"] == {"amount": "860.00", "currency": "USD"}
    assert wire["taxes"][0] == {
        "code": "VAT", "name": "UK VAT", "amount": {"amount": wire["taxes"][0]["amount"]["amount"],
                                                    "currency": "USD"},
    }
    assert Charge(code="X", name="x", amount_minor=1).amount_minor == 1


# -- offers carry it --------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 12, 3)


@pytest.fixture
async def db(database: Any) -> Any:
    async with database.uow() as session:
        await seed_catalogue(
            session, today=NOW.date(), days_ahead=3, hubs=("JFK", "BOS", "LHR", "ORD", "CDG")
        )
    return database


async def test_flight_offers_carry_the_split_of_their_total(db: Any) -> None:
    async with db.uow(write=False) as session:
        result = await search_flights(
            session, origin="BOS", destination="CDG", date=DAY, now=NOW, passengers=3, limit=100,
        )
    assert any(o.stops for o in result.offers)
    for offer in result.offers:
        _adds_up(offer.fare, offer.total_minor)
        # the offer's split is its legs' split, for each of the 3 travellers, code by code
        assert offer.fare.base_minor == 3 * sum(s.fare.base_minor for s in offer.segments)
        per_code: dict[str, int] = {}
        for leg in offer.segments:
            for code, amount in _codes(leg.fare).items():
                per_code[code] = per_code.get(code, 0) + 3 * amount
        assert _codes(offer.fare) == per_code
        for leg in offer.segments:
            _adds_up(leg.fare, leg.fare_minor)


async def test_hotel_offers_carry_the_split_of_their_total(db: Any) -> None:
    async with db.uow(write=False) as session:
        result = await search_hotels(
            session, city="London", check_in=DAY - timedelta(days=1), check_out=DAY + timedelta(days=1),
            now=NOW,
            rooms=2,
        )
    assert result.offers
    for offer in result.offers:
        _adds_up(offer.fare, offer.total_minor)
        assert "VAT" in {t.code for t in offer.fare.taxes}
