"""Search endpoints: shapes, money and policy per offer, and a 422 for every bad parameter."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from core.models import FareInventory
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_problems import assert_problem
from tests.conftest import REDIS_URL
from tests.fakes.cache import DictCache


def cents(money: dict[str, str]) -> int:
    assert money["currency"] == "USD"
    return round(float(money["amount"]) * 100)


async def test_flight_search_shape(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.get(
        "/v1/flights/search",
        params={
            "origin": "JFK",
            "destination": "London",
            "date": seeded.flight_date,
            "passengers": 2,
        },
        headers=seeded.auth("ava"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (1, 20, 0)
    [offer] = body["offers"]
    assert offer["offer_id"] == seeded.economy_offer
    assert offer["cabin"] == "economy"
    assert offer["price"] == {"amount": "612.40", "currency": "USD"}
    assert offer["total"] == {"amount": "1224.80", "currency": "USD"}
    assert offer["change_fee"] == {"amount": "150.00", "currency": "USD"}
    assert offer["seats_left"] == 150
    assert (offer["stops"], offer["duration_minutes"], offer["refundable"]) == (0, 415, False)
    assert offer["co2_kg"] > 0
    assert offer["policy"]["status"] == "green"
    assert offer["policy"]["violations"] == []
    # The total split: base fare + taxes by code + carrier fees, for both passengers.
    fare = offer["fare"]
    assert fare["total"] == offer["total"]
    assert (
        cents(fare["base"]) + sum(cents(c["amount"]) for c in fare["taxes"] + fare["fees"])
        == 122480
    )
    taxes = {t["code"]: t for t in fare["taxes"]}
    assert set(taxes) == {"US", "AY", "XF"}  # leaving the US
    assert taxes["AY"] == {
        "code": "AY",
        "name": "US September 11th security fee",
        "amount": {"amount": "11.20", "currency": "USD"},  # 5.60 each
    }
    assert {f["code"] for f in fare["fees"]} == {"YQ", "YR"}
    [leg] = offer["segments"]
    assert (leg["carrier"], leg["number"], leg["origin"], leg["destination"]) == (
        "BA",
        "117",
        "JFK",
        "LHR",
    )
    # Local times with their offsets: 09:00 UTC is 04:00 in New York.
    assert leg["depart_at"] == "2026-12-18T04:00:00-05:00"
    assert leg["arrive_at"] == "2026-12-18T15:55:00+00:00"


async def test_flight_policy_verdict_uses_the_callers_rules(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    verdicts = {}
    for cabin in ("business", "first"):
        response = await api_client.get(
            "/v1/flights/search",
            params={
                "origin": "JFK",
                "destination": "LHR",
                "date": seeded.flight_date,
                "cabin": cabin,
            },
            headers=seeded.auth("ava"),
        )
        [offer] = response.json()["offers"]
        verdicts[cabin] = offer["policy"]
    assert verdicts["business"]["status"] == "amber"
    assert verdicts["first"]["status"] == "red"
    assert verdicts["first"]["violations"][0]["severity"] == "red"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2026-13-45"}, "date"),
        ({"date": "tomorrow"}, "date"),
        ({"date": "2026-11-01"}, "date"),  # in the past
        ({"origin": "ZZQ"}, None),  # unknown airport
        ({"origin": "Qqxzv Wwkj"}, None),
        ({"origin": "J"}, "origin"),
        ({"destination": "x" * 65}, "destination"),
        ({"passengers": "0"}, "passengers"),
        ({"passengers": "10000"}, "passengers"),
        ({"passengers": "two"}, "passengers"),
        ({"cabin": "luxury"}, "cabin"),
        ({"max_stops": "3"}, "max_stops"),
        ({"depart_after": "25:00"}, "depart_after"),
        ({"depart_before": "9am"}, "depart_before"),
        ({"sort": "random"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"destination": None}, "destination"),
    ],
)
async def test_flight_search_validation_is_422(
    api_client: httpx.AsyncClient, seeded: World, params: dict[str, str | None], field: str | None
) -> None:
    query = {"origin": "JFK", "destination": "LHR", "date": seeded.flight_date, **params}
    query = {k: v for k, v in query.items() if v is not None}
    response = await api_client.get("/v1/flights/search", params=query, headers=seeded.auth("ava"))
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    if field is not None:
        assert body["field"] == field


async def test_depart_window_filters_by_local_time(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    base = {"origin": "JFK", "destination": "LHR", "date": seeded.flight_date}
    late = await api_client.get(
        "/v1/flights/search", params={**base, "depart_after": "06:00"}, headers=seeded.auth("ava")
    )
    early = await api_client.get(
        "/v1/flights/search", params={**base, "depart_before": "06:00"}, headers=seeded.auth("ava")
    )
    assert late.json()["total"] == 0
    assert early.json()["total"] == 1


async def test_hotel_search_shape(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.get(
        "/v1/hotels/search",
        params={"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-20", "rooms": 2},
        headers=seeded.auth("ava"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 1
    [offer] = body["offers"]
    assert offer["offer_id"] == seeded.hotel_offer
    assert offer["nightly"] == {"amount": "220.00", "currency": "USD"}
    assert offer["total"] == {"amount": "880.00", "currency": "USD"}
    assert (offer["nights"], offer["rooms"], offer["rooms_left"]) == (2, 2, 10)
    assert offer["policy"]["status"] == "green"
    # London: the room rate and 20 % VAT on it, nothing else.
    fare = offer["fare"]
    assert fare["total"] == offer["total"]
    [vat] = fare["taxes"]
    assert (vat["code"], vat["name"]) == ("VAT", "UK VAT")
    assert cents(fare["base"]) + cents(vat["amount"]) == 88000
    assert abs(cents(vat["amount"]) - cents(fare["base"]) * 0.2) <= 4
    assert fare["fees"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"check_in": "2026-02-30"}, "check_in"),
        ({"check_out": "2026-12-18"}, "check_out"),  # not after check-in
        ({"check_in": "2026-11-28", "check_out": "2026-11-30"}, "check_in"),  # past
        ({"rooms": "0"}, "rooms"),
        ({"rooms": "50"}, "rooms"),
        ({"city": "Q"}, "city"),
        ({"city": "Nowhereville"}, None),
        ({"sort": "cheapest"}, "sort"),
    ],
)
async def test_hotel_search_validation_is_422(
    api_client: httpx.AsyncClient, seeded: World, params: dict[str, str], field: str | None
) -> None:
    query = {"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-20", **params}
    response = await api_client.get("/v1/hotels/search", params=query, headers=seeded.auth("ava"))
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    if field is not None:
        assert body["field"] == field


async def test_seats_held_or_given_back_show_in_the_next_search(
    api_client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    """Issue 14 §7: a sold-out flight is never offered again from a cached search
    (Redis when configured, else an in-process cache standing in for it)."""
    if REDIS_URL is None:
        runtime.cache = DictCache()
    async with runtime.db.uow() as session:
        await session.execute(
            update(FareInventory)
            .where(FareInventory.id == int(seeded.economy_offer.removeprefix("FL-")))
            .values(capacity=3)
        )
    ava = seeded.auth("ava")
    params = {"origin": "JFK", "destination": "LHR", "date": seeded.flight_date}

    async def seats() -> int | None:
        response = await api_client.get("/v1/flights/search", params=params, headers=ava)
        assert response.status_code == 200, response.text
        offers = {o["offer_id"]: o["seats_left"] for o in response.json()["offers"]}
        return offers.get(seeded.economy_offer)

    assert await seats() == 3
    held = await api_client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer, "quantity": 3}]},
        headers={**ava, "Idempotency-Key": "sell-out"},
    )
    assert held.status_code == 201, held.text
    assert await seats() is None
    cancelled = await api_client.post(
        f"/v1/bookings/{held.json()['booking_id']}/cancel",
        headers={**ava, "Idempotency-Key": "give-back"},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert await seats() == 3
