"""Cancel, rebook and suggestions over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx

from core.clock import FrozenClock
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_problems import assert_problem
from tests.factories import T0, make_flight


def _h(world: World, user: str = "ava", key: str | None = None) -> dict[str, str]:
    headers = world.auth(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


async def _confirmed(client: httpx.AsyncClient, world: World, offer: str, tag: str = "1") -> str:
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": offer, "quantity": 1}]},
        headers=_h(world, key=f"hold-{tag}"),
    )
    assert held.status_code == 201, held.text
    bid = held.json()["booking_id"]
    done = await client.post(f"/v1/bookings/{bid}/confirm", headers=_h(world, key=f"confirm-{tag}"))
    assert done.status_code == 200, done.text
    return bid


async def _flight(runtime: Runtime, number: str, fare: int) -> str:
    async with runtime.db.uow() as s:
        _, inv = await make_flight(
            s,
            number=number,
            depart_at=T0 + timedelta(days=17, hours=3),
            cabins={"economy": (50, fare)},
        )
        return f"FL-{inv['economy'].id}"


async def test_cancel_refunds_within_24_hours_and_replays(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    bid = await _confirmed(api_client, seeded, seeded.economy_offer)
    first = await api_client.post(
        f"/v1/bookings/{bid}/cancel",
        json={"reason": "plans changed"},
        headers=_h(seeded, key="c-1"),
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["status"] == "cancelled"
    assert body["refund"]["amount"] == "612.40"
    assert body["refund"]["status"] == "refunded"
    assert body["changes"][0]["refund_rule"] == "within_24_hours"
    again = await api_client.post(
        f"/v1/bookings/{bid}/cancel",
        json={"reason": "plans changed"},
        headers=_h(seeded, key="c-1"),
    )
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == body
    read = await api_client.get(f"/v1/bookings/{bid}", headers=_h(seeded))
    assert read.json()["refund"]["amount"] == "612.40"


async def test_cancel_non_refundable_after_a_day_keeps_the_fare(
    api_client: httpx.AsyncClient, seeded: World, clock: FrozenClock
) -> None:
    bid = await _confirmed(api_client, seeded, seeded.economy_offer)
    clock.advance(days=2)
    response = await api_client.post(f"/v1/bookings/{bid}/cancel", headers=_h(seeded, key="c-2"))
    assert response.status_code == 200
    assert "refund" not in response.json()
    assert response.json()["changes"][0]["refund_rule"] == "non_refundable_kept"


async def test_cancel_needs_a_key_and_hides_other_orgs(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    bid = await _confirmed(api_client, seeded, seeded.economy_offer)
    missing = await api_client.post(f"/v1/bookings/{bid}/cancel", headers=_h(seeded))
    assert_problem(missing, 400, "IDEMPOTENCY_KEY_MISSING")
    other = await api_client.post(f"/v1/bookings/{bid}/cancel", headers=_h(seeded, "gus", "g-1"))
    assert_problem(other, 404, "NOT_FOUND")
    bad = await api_client.post(
        f"/v1/bookings/{bid}/cancel", json={"reason": 5, "x": 1}, headers=_h(seeded, key="c-3")
    )
    assert bad.status_code == 422


async def test_rebook_down_is_200_and_up_is_202(
    api_client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    bid = await _confirmed(api_client, seeded, seeded.economy_offer)
    seg = (await api_client.get(f"/v1/bookings/{bid}", headers=_h(seeded))).json()["segments"][0]
    cheaper = await _flight(runtime, "119", 40000)
    down = await api_client.post(
        f"/v1/bookings/{bid}/rebook",
        json={"segment_id": seg["segment_id"], "offer_id": cheaper},
        headers=_h(seeded, key="r-1"),
    )
    assert down.status_code == 200, down.text
    body = down.json()
    assert body["segments"][0]["number"] == "119"
    assert body["changes"][0]["refund"]["amount"] == "62.40"

    dearer = await _flight(runtime, "121", 90000)
    new_seg = body["segments"][0]["segment_id"]
    up = await api_client.post(
        f"/v1/bookings/{bid}/rebook",
        json={"segment_id": new_seg, "offer_id": dearer},
        headers=_h(seeded, key="r-2"),
    )
    assert up.status_code == 202, up.text
    assert up.json()["change"]["status"] == "pending_approval"
    assert up.json()["change"]["approval_id"]


async def test_rebook_errors_are_problems(api_client: httpx.AsyncClient, seeded: World) -> None:
    bid = await _confirmed(api_client, seeded, seeded.economy_offer)
    seg = (await api_client.get(f"/v1/bookings/{bid}", headers=_h(seeded))).json()["segments"][0]
    red = await api_client.post(
        f"/v1/bookings/{bid}/rebook",
        json={"segment_id": seg["segment_id"], "offer_id": seeded.first_offer},
        headers=_h(seeded, key="r-3"),
    )
    assert_problem(red, 403, "POLICY_BLOCKED")
    bad = await api_client.post(
        f"/v1/bookings/{bid}/rebook",
        json={"segment_id": seg["segment_id"], "offer_id": "nope"},
        headers=_h(seeded, key="r-4"),
    )
    assert_problem(bad, 422, "VALIDATION_ERROR")
    unknown = await api_client.post(
        f"/v1/bookings/{bid}/rebook",
        json={"segment_id": "SG_X", "offer_id": seeded.business_offer},
        headers=_h(seeded, key="r-5"),
    )
    assert_problem(unknown, 404, "NOT_FOUND")


async def test_suggestions_are_empty_without_a_disruption(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    bid = await _confirmed(api_client, seeded, seeded.economy_offer)
    response = await api_client.get(f"/v1/bookings/{bid}/suggestions", headers=_h(seeded))
    assert response.status_code == 200
    assert response.json() == {"booking_id": bid, "disruption": None, "suggestions": []}
    hidden = await api_client.get(f"/v1/bookings/{bid}/suggestions", headers=_h(seeded, "gus"))
    assert_problem(hidden, 404, "NOT_FOUND")
