"""POST /v1/tools/{name} and GET /v1/tools: the agent's tools, run directly over HTTP."""

from __future__ import annotations

import json

import httpx

from tests.api.conftest import World
from tests.api.test_problems import assert_problem
from tests.factories import guests_json


def _headers(world: World, user: str = "ava", key: str | None = None) -> dict[str, str]:
    headers = world.auth(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


async def test_list_tools_describes_each_tool(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.get("/v1/tools", headers=seeded.auth("ava"))
    assert response.status_code == 200
    tools = {t["name"]: t for t in response.json()["tools"]}
    assert tools["search_flights"]["effect"] == "read"
    assert tools["reserve"]["effect"] == "write"
    assert tools["reserve"]["needs_confirmation"] is False
    assert tools["confirm_booking"]["needs_confirmation"] is True
    schema = tools["search_flights"]["input_schema"]
    assert {"origin", "destination", "date"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


async def test_tools_need_authentication(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.post("/v1/tools/get_traveler_profile", json={})
    assert_problem(response, 401, "UNAUTHORIZED")


async def test_read_tool_runs_without_a_key(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.post(
        "/v1/tools/search_flights",
        json={"origin": "New York", "destination": "London", "date": seeded.flight_date},
        headers=_headers(seeded),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tool"] == "search_flights"
    offers = [o["offer_id"] for o in body["output"]["options"]]
    assert seeded.economy_offer in offers


async def test_no_body_is_no_arguments(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.post("/v1/tools/get_traveler_profile", headers=_headers(seeded))
    assert response.status_code == 200, response.text
    assert response.json()["output"]["user_id"] == "ava"


async def test_unknown_tool_is_404(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.post("/v1/tools/launch_rocket", json={}, headers=_headers(seeded))
    assert_problem(response, 404, "NOT_FOUND")


async def test_invalid_input_is_422_naming_the_field(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    response = await api_client.post(
        "/v1/tools/search_flights",
        json={"origin": "JFK", "destination": "LHR", "date": "next friday", "org_id": "globex"},
        headers=_headers(seeded),
    )
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert body["field"] == "date"
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"date", "org_id"}


async def test_business_error_keeps_its_status(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    response = await api_client.post(
        "/v1/tools/get_booking", json={"booking_id": "BK-NOPE00"}, headers=_headers(seeded)
    )
    assert_problem(response, 404, "NOT_FOUND")


async def test_write_tool_needs_an_idempotency_key(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    response = await api_client.post(
        "/v1/tools/reserve",
        json={"items": [{"offer_id": seeded.economy_offer}]},
        headers=_headers(seeded),
    )
    assert_problem(response, 400, "IDEMPOTENCY_KEY_MISSING")


async def test_reserve_then_confirm_with_replays(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    hold_body = {"items": [{"offer_id": seeded.economy_offer}]}
    first = await api_client.post(
        "/v1/tools/reserve", json=hold_body, headers=_headers(seeded, key="k-hold")
    )
    assert first.status_code == 200, first.text
    held = first.json()["output"]
    assert held["status"] == "held"
    again = await api_client.post(
        "/v1/tools/reserve", json=hold_body, headers=_headers(seeded, key="k-hold")
    )
    assert again.json() == first.json()
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"

    listed = await api_client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert len(listed.json()["bookings"]) == 1

    confirm = {"booking_id": held["booking_id"]}
    done = await api_client.post(
        "/v1/tools/confirm_booking", json=confirm, headers=_headers(seeded, key="k-confirm")
    )
    assert done.status_code == 200, done.text
    assert done.json()["output"]["status"] == "confirmed"
    replay = await api_client.post(
        "/v1/tools/confirm_booking", json=confirm, headers=_headers(seeded, key="k-confirm")
    )
    assert replay.json() == done.json()

    reused = await api_client.post(
        "/v1/tools/confirm_booking",
        json={"booking_id": "BK-OTHER1"},
        headers=_headers(seeded, key="k-confirm"),
    )
    assert_problem(reused, 422, "IDEMPOTENCY_KEY_REUSED")


async def test_first_class_is_refused_and_the_refusal_replayed(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    body = {"items": [{"offer_id": seeded.first_offer}]}
    refused = await api_client.post(
        "/v1/tools/reserve", json=body, headers=_headers(seeded, key="k-first")
    )
    assert_problem(refused, 403, "POLICY_BLOCKED")
    replayed = await api_client.post(
        "/v1/tools/reserve", json=body, headers=_headers(seeded, key="k-first")
    )
    assert_problem(replayed, 403, "POLICY_BLOCKED")
    assert replayed.headers["idempotent-replayed"] == "true"


async def test_other_org_cannot_read_or_confirm(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    held = await api_client.post(
        "/v1/tools/reserve",
        json={"items": [{"offer_id": seeded.economy_offer}]},
        headers=_headers(seeded, key="k-1"),
    )
    booking_id = held.json()["output"]["booking_id"]
    read = await api_client.post(
        "/v1/tools/get_booking", json={"booking_id": booking_id}, headers=_headers(seeded, "gus")
    )
    assert_problem(read, 404, "NOT_FOUND")
    confirm = await api_client.post(
        "/v1/tools/confirm_booking",
        json={"booking_id": booking_id},
        headers=_headers(seeded, "gus", key="k-2"),
    )
    assert_problem(confirm, 404, "NOT_FOUND")
    trips = await api_client.post("/v1/tools/list_trips", json={}, headers=_headers(seeded, "gus"))
    assert trips.json()["output"]["trips"] == []
    assert booking_id not in json.dumps(trips.json())


async def test_malformed_json_is_400(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.post(
        "/v1/tools/list_trips",
        content=b"{not json",
        headers={**_headers(seeded), "Content-Type": "application/json"},
    )
    assert_problem(response, 400, "MALFORMED_JSON")


async def test_gated_tools_run_directly_for_the_human_caller(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    # Two business seats (8,400 USD) go over Acme's 5,000 USD threshold: Mia must approve.
    held = await api_client.post(
        "/v1/tools/reserve",
        json={"items": [{"offer_id": seeded.business_offer, "passengers": guests_json(2)}]},
        headers=_headers(seeded, key="k-hold"),
    )
    booking_id = held.json()["output"]["booking_id"]
    pending = await api_client.post(
        "/v1/tools/confirm_booking",
        json={"booking_id": booking_id},
        headers=_headers(seeded, key="k-confirm"),
    )
    assert pending.status_code == 200, pending.text
    approval_id = pending.json()["output"]["approval_id"]
    assert pending.json()["output"]["status"] == "pending_approval"

    decision = {"approval_id": approval_id, "decision": "approve", "note": "offsite"}
    own = await api_client.post(
        "/v1/tools/decide_approval", json=decision, headers=_headers(seeded, key="k-self")
    )
    assert_problem(own, 403, "FORBIDDEN")
    stranger = await api_client.post(
        "/v1/tools/decide_approval", json=decision, headers=_headers(seeded, "gus", key="k-gus")
    )
    assert_problem(stranger, 404, "NOT_FOUND")

    waiting = await api_client.post(
        "/v1/tools/list_approvals", json={}, headers=_headers(seeded, "mia")
    )
    assert [a["approval_id"] for a in waiting.json()["output"]["approvals"]] == [approval_id]
    approved = await api_client.post(
        "/v1/tools/decide_approval", json=decision, headers=_headers(seeded, "mia", key="k-mia")
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["output"]["booking_status"] == "confirmed"

    cancelled = await api_client.post(
        "/v1/tools/cancel_booking",
        json={"booking_id": booking_id, "reason": "offsite moved"},
        headers=_headers(seeded, key="k-cancel"),
    )
    assert cancelled.status_code == 200, cancelled.text
    out = cancelled.json()["output"]
    assert out["status"] == "cancelled"
    assert out["refund"]["due"] == {"amount": "8400.00", "currency": "USD"}  # within 24 h
