"""Hold, idempotent replay, confirm, read and list bookings over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.clock import FrozenClock
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_problems import assert_problem
from tests.factories import guests_json


def _headers(world: World, user: str = "ava", key: str | None = "key-1") -> dict[str, str]:
    headers = world.auth(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


async def _hold(
    client: httpx.AsyncClient,
    world: World,
    offer: str,
    *,
    quantity: int = 1,
    user: str = "ava",
    key: str = "key-1",
    passengers: list[dict[str, str]] | None = None,
) -> httpx.Response:
    item: dict[str, Any] = {"offer_id": offer, "quantity": quantity}
    if passengers is not None:
        item["passengers"] = passengers
    return await client.post(
        "/v1/bookings", json={"items": [item]}, headers=_headers(world, user, key)
    )


async def test_hold_answers_201_with_the_booking(
    api_client: httpx.AsyncClient, seeded: World, clock: FrozenClock
) -> None:
    response = await _hold(api_client, seeded, seeded.economy_offer, quantity=2)
    assert response.status_code == 201, response.text
    assert "idempotent-replayed" not in response.headers
    body = response.json()
    assert body["booking_id"].startswith("BK-")
    assert body["status"] == "held"
    assert body["traveler_id"] == "ava"
    assert body["total"] == {"amount": "1224.80", "currency": "USD"}
    assert body["policy"]["status"] == "green"
    assert body["hold_expires_at"].startswith("2026-12-01T09:15:00")
    [segment] = body["segments"]
    assert segment["kind"] == "flight"
    assert (segment["carrier"], segment["number"], segment["quantity"]) == ("BA", "117", 2)


async def test_same_key_same_body_replays_the_first_answer(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    first = await _hold(api_client, seeded, seeded.economy_offer)
    second = await _hold(api_client, seeded, seeded.economy_offer)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    listing = await api_client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert len(listing.json()["bookings"]) == 1  # held once


async def test_same_key_other_body_is_422(api_client: httpx.AsyncClient, seeded: World) -> None:
    assert (await _hold(api_client, seeded, seeded.economy_offer)).status_code == 201
    response = await _hold(api_client, seeded, seeded.economy_offer, quantity=3)
    assert_problem(response, 422, "IDEMPOTENCY_KEY_REUSED")


async def test_missing_idempotency_key_is_400(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer}]},
        headers=_headers(seeded, key=None),
    )
    assert_problem(response, 400, "IDEMPOTENCY_KEY_MISSING")


@pytest.mark.parametrize(
    "offer_id", ["FL-", "XX-12", "HT-lower-20261218-20261220", "FL-" + "1" * 90]
)
async def test_malformed_offer_id_is_422(
    api_client: httpx.AsyncClient, seeded: World, offer_id: str
) -> None:
    body = assert_problem(await _hold(api_client, seeded, offer_id), 422, "VALIDATION_ERROR")
    assert body["field"] == "items.0.offer_id"


@pytest.mark.parametrize(
    "payload",
    [
        {"items": []},
        {"items": [{"offer_id": f"FL-{i}"} for i in range(11)]},
        {"items": [{"offer_id": "FL-1", "quantity": 10}]},
        {"items": [{"offer_id": "FL-1"}], "traveler_id": "x" * 41},
        {},
    ],
)
async def test_request_bounds_are_422(
    api_client: httpx.AsyncClient, seeded: World, payload: dict[str, object]
) -> None:
    response = await api_client.post("/v1/bookings", json=payload, headers=_headers(seeded))
    assert_problem(response, 422, "VALIDATION_ERROR")


async def test_red_policy_hold_is_403_and_the_error_is_replayed(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    first = await _hold(api_client, seeded, seeded.first_offer)
    body = assert_problem(first, 403, "POLICY_BLOCKED")
    again = await _hold(api_client, seeded, seeded.first_offer)
    assert again.headers["idempotent-replayed"] == "true"
    assert assert_problem(again, 403, "POLICY_BLOCKED") == body


async def test_sold_out_is_409(
    api_client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    # One user sells the flight out: the caps on holds (tests/core/test_hold_caps.py) are off.
    runtime.settings = runtime.settings.model_copy(
        update={"hold_max_places_per_user": 0, "hold_max_open_per_user": 0}
    )
    response = await _hold(api_client, seeded, seeded.economy_offer, quantity=9, key="a")
    assert response.status_code == 201
    for n in range(15):  # 150 economy seats
        await _hold(api_client, seeded, seeded.economy_offer, quantity=9, key=f"b{n}")
    response = await _hold(api_client, seeded, seeded.economy_offer, quantity=9, key="last")
    body = assert_problem(response, 409, "SOLD_OUT")
    # The refusal is the key's answer (on PostgreSQL stored in the hold's own transaction,
    # core.booking.one_statement.refused_before_writing): the same key replays it.
    again = await _hold(api_client, seeded, seeded.economy_offer, quantity=9, key="last")
    assert again.headers["idempotent-replayed"] == "true"
    assert assert_problem(again, 409, "SOLD_OUT") == body


async def test_confirm_answers_200_confirmed(api_client: httpx.AsyncClient, seeded: World) -> None:
    held = (await _hold(api_client, seeded, seeded.economy_offer)).json()
    path = f"/v1/bookings/{held['booking_id']}/confirm"
    response = await api_client.post(path, headers=_headers(seeded, key="confirm-1"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "confirmed"
    assert all(seg["locator"] for seg in body["segments"])
    replay = await api_client.post(path, headers=_headers(seeded, key="confirm-1"))
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == body
    read = await api_client.get(f"/v1/bookings/{held['booking_id']}", headers=seeded.auth("ava"))
    assert read.json()["status"] == "confirmed"


async def test_confirm_amber_booking_is_202_pending_approval(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    held = (await _hold(api_client, seeded, seeded.business_offer)).json()
    assert held["policy"]["status"] == "amber"
    response = await api_client.post(
        f"/v1/bookings/{held['booking_id']}/confirm", headers=_headers(seeded, key="c")
    )
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending_approval"


async def test_confirm_needs_an_idempotency_key(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    held = (await _hold(api_client, seeded, seeded.economy_offer)).json()
    response = await api_client.post(
        f"/v1/bookings/{held['booking_id']}/confirm", headers=_headers(seeded, key=None)
    )
    assert_problem(response, 400, "IDEMPOTENCY_KEY_MISSING")


async def test_confirm_key_reused_for_another_booking_is_422(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    one = (await _hold(api_client, seeded, seeded.economy_offer, key="h1")).json()
    two = (await _hold(api_client, seeded, seeded.hotel_offer, key="h2")).json()
    ok = await api_client.post(
        f"/v1/bookings/{one['booking_id']}/confirm", headers=_headers(seeded, key="c")
    )
    assert ok.status_code == 200
    response = await api_client.post(
        f"/v1/bookings/{two['booking_id']}/confirm", headers=_headers(seeded, key="c")
    )
    assert_problem(response, 422, "IDEMPOTENCY_KEY_REUSED")


async def test_another_orgs_booking_is_404(api_client: httpx.AsyncClient, seeded: World) -> None:
    held = (await _hold(api_client, seeded, seeded.economy_offer)).json()
    path = f"/v1/bookings/{held['booking_id']}"
    assert_problem(await api_client.get(path, headers=seeded.auth("gus")), 404, "NOT_FOUND")
    response = await api_client.post(
        path + "/confirm", headers=_headers(seeded, user="gus", key="g")
    )
    assert_problem(response, 404, "NOT_FOUND")
    # The manager of the traveller does see it.
    assert (await api_client.get(path, headers=seeded.auth("mia"))).status_code == 200


async def test_expired_hold_cannot_be_confirmed(
    api_client: httpx.AsyncClient, seeded: World, clock: FrozenClock
) -> None:
    held = (await _hold(api_client, seeded, seeded.economy_offer)).json()
    clock.advance(minutes=16)
    response = await api_client.post(
        f"/v1/bookings/{held['booking_id']}/confirm", headers=_headers(seeded, key="late")
    )
    assert_problem(response, 410, "HOLD_EXPIRED")


async def test_list_is_newest_first_and_paginated(
    api_client: httpx.AsyncClient, seeded: World, clock: FrozenClock
) -> None:
    ids = []
    for n in range(3):
        ids.append(
            (await _hold(api_client, seeded, seeded.economy_offer, key=f"k{n}")).json()[
                "booking_id"
            ]
        )
        clock.advance(seconds=1)
    first = (await api_client.get("/v1/bookings?limit=2", headers=seeded.auth("ava"))).json()
    assert [b["booking_id"] for b in first["bookings"]] == ids[::-1][:2]
    assert first["next_cursor"]
    second = (
        await api_client.get(
            "/v1/bookings",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=seeded.auth("ava"),
        )
    ).json()
    assert [b["booking_id"] for b in second["bookings"]] == [ids[0]]
    assert second["next_cursor"] is None
    others = (await api_client.get("/v1/bookings", headers=seeded.auth("gus"))).json()
    assert others["bookings"] == []


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "status=bogus", "cursor=%25%25%25", "limit=abc"]
)
async def test_list_query_validation_is_422(
    api_client: httpx.AsyncClient, seeded: World, query: str
) -> None:
    response = await api_client.get(f"/v1/bookings?{query}", headers=seeded.auth("ava"))
    assert_problem(response, 422, "VALIDATION_ERROR")


async def test_holds_are_counted_in_metrics(api_client: httpx.AsyncClient, seeded: World) -> None:
    await _hold(api_client, seeded, seeded.economy_offer)
    await _hold(api_client, seeded, seeded.economy_offer)  # replay: not a second hold
    text = (await api_client.get("/metrics")).text
    assert "concierge_holds_total 1.0" in text


async def test_the_hoarding_probe_over_http_gets_two_holds_then_429(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    """Issue 14's probe, under the default rate limits: 18 holds of 9 economy seats by
    one user. Two are held (18 seats); the rest are 429 HOLD_LIMIT_REACHED with Retry-After."""
    answers = []
    for n in range(18):
        answers.append(
            await api_client.post(
                "/v1/bookings",
                json={"items": [{"offer_id": seeded.economy_offer, "quantity": 9}]},
                headers={**World.auth("ava"), "Idempotency-Key": f"hoard-{n}"},
            )
        )
    assert [a.status_code for a in answers].count(201) == 2
    refused = [a for a in answers if a.status_code != 201]
    assert {a.status_code for a in refused} == {429}
    assert_problem(refused[0], 429, "HOLD_LIMIT_REACHED")
    assert refused[0].headers["Retry-After"] == "900"  # the first hold runs out in 15 min
    assert refused[0].json()["scope"] == "user"
    # Gus, of another organization, is not held back by Ava's holds.
    other = await api_client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer, "quantity": 9}]},
        headers={**World.auth("gus"), "Idempotency-Key": "gus-1"},
    )
    assert other.status_code == 201, other.text


async def test_the_fare_split_is_the_same_in_search_hold_confirm_and_read(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    """The contract's `fare` (base + taxes + fees = total) on the offer, the held booking
    and each segment, the confirmed booking and the booking read back: one split."""
    search = await api_client.get(
        "/v1/flights/search",
        params={"origin": "JFK", "destination": "LHR", "date": seeded.flight_date, "passengers": 2},
        headers=seeded.auth("ava"),
    )
    [offer] = search.json()["offers"]
    held = (
        await _hold(api_client, seeded, seeded.economy_offer, quantity=2, passengers=guests_json(2))
    ).json()
    assert held["fare"] == offer["fare"]
    assert held["fare"]["total"] == held["total"] == offer["total"]
    [segment] = held["segments"]
    assert segment["fare"] == offer["fare"]
    assert segment["fare"]["total"] == segment["price"]
    fare = held["fare"]
    parts = [fare["base"]] + [c["amount"] for c in fare["taxes"] + fare["fees"]]
    assert sum(round(float(p["amount"]) * 100) for p in parts) == 122480

    confirmed = await api_client.post(
        f"/v1/bookings/{held['booking_id']}/confirm", headers=_headers(seeded, key="confirm-1")
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["fare"] == offer["fare"]
    read = await api_client.get(f"/v1/bookings/{held['booking_id']}", headers=seeded.auth("ava"))
    assert read.json()["fare"] == offer["fare"]
    assert read.json()["segments"][0]["fare"] == offer["fare"]
    listing = await api_client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert listing.json()["bookings"][0]["fare"] == offer["fare"]
