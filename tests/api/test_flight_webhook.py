"""The signed airline status feed over HTTP, and choosing a suggestion."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.disruption.feed import sign
from core.models import FeedEvent
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_changes import _confirmed, _flight, _h
from tests.api.test_problems import assert_problem

SECRET = "dev-flight-webhook-secret"


def _body(world: World, status: str = "cancelled", number: str = "117", delay: int = 0) -> bytes:
    return json.dumps(
        {
            "carrier": "BA",
            "number": number,
            "date": world.flight_date,
            "status": status,
            "delay_minutes": delay,
        }
    ).encode()


async def _post(
    client: httpx.AsyncClient,
    body: bytes,
    ts: int,
    secret: str = SECRET,
    signature: str | None = None,
) -> httpx.Response:
    return await client.post(
        "/v1/webhooks/flight-status",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Concierge-Timestamp": str(ts),
            "X-Concierge-Signature": signature or sign(secret, ts, body),
        },
    )


async def _events(runtime: Runtime) -> int:
    async with runtime.db.uow(write=False) as s:
        return await s.scalar(select(func.count()).select_from(FeedEvent))


async def test_bad_and_stale_signatures_are_401_and_store_nothing(
    api_client: httpx.AsyncClient, seeded: World, clock: FrozenClock, runtime: Runtime
) -> None:
    ts = int(clock.now().timestamp())
    body = _body(seeded)
    assert_problem(await _post(api_client, body, ts, secret="wrong"), 401, "UNAUTHORIZED")
    assert_problem(await _post(api_client, body, ts - 400), 401, "UNAUTHORIZED")
    assert_problem(await _post(api_client, body, ts, signature="sha256=abc"), 401, "UNAUTHORIZED")
    missing = await api_client.post("/v1/webhooks/flight-status", content=body)
    assert_problem(missing, 401, "UNAUTHORIZED")
    assert await _events(runtime) == 0


async def test_unknown_flight_is_202_and_replays_are_200(
    api_client: httpx.AsyncClient, seeded: World, clock: FrozenClock, runtime: Runtime
) -> None:
    ts = int(clock.now().timestamp())
    unknown = await _post(api_client, _body(seeded, number="999"), ts)
    assert unknown.status_code == 202
    assert unknown.json()["status"] == "ignored"
    first = await _post(api_client, _body(seeded), ts)
    assert first.status_code == 200
    assert first.json()["status"] == "processed"
    replay = await _post(api_client, _body(seeded), ts)
    assert replay.status_code == 200
    assert replay.json()["status"] == "duplicate"
    assert await _events(runtime) == 2
    garbage = await _post(api_client, b"not json", ts)
    assert_problem(garbage, 422, "VALIDATION_ERROR")


async def test_cancellation_to_suggestion_to_rebook(
    api_client: httpx.AsyncClient, seeded: World, clock: FrozenClock, runtime: Runtime
) -> None:
    bid = await _confirmed(api_client, seeded, seeded.economy_offer)
    cheaper = await _flight(runtime, "119", 40000)
    clock.advance(timedelta(hours=1))
    response = await _post(api_client, _body(seeded), int(clock.now().timestamp()))
    assert response.json()["affected_bookings"] == 1
    booking = (await api_client.get(f"/v1/bookings/{bid}", headers=_h(seeded))).json()
    assert booking["status"] == "requires_attention"
    assert booking["disruption"]["kind"] == "cancelled"
    assert booking["segments"][0]["flight_status"] == "cancelled"
    listed = (await api_client.get(f"/v1/bookings/{bid}/suggestions", headers=_h(seeded))).json()
    [choice] = listed["suggestions"]
    assert choice["offer_id"] == cheaper
    assert choice["needs_approval"] is False
    assert choice["policy"]["status"] == "green"
    done = await api_client.post(
        f"/v1/bookings/{bid}/rebook",
        json={"segment_id": choice["segment_id"], "offer_id": choice["offer_id"]},
        headers=_h(seeded, key="pick-1"),
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "confirmed"
    assert body["segments"][0]["number"] == "119"
    assert body["changes"][0]["change_fee"]["amount"] == "0.00"
    assert "disruption" not in body
