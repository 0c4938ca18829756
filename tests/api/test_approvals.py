"""Approvals over HTTP: what waits on me, deciding under Idempotency-Key, named errors."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from core.identity import hash_token
from core.models import User
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_problems import assert_problem
from tests.factories import guests_json, make_user

TOKENS = {"victor": "tok-victor", "admin": "tok-admin", "ned": "tok-ned"}


def auth(user: str) -> dict[str, str]:
    if user in TOKENS:
        return {"Authorization": f"Bearer {TOKENS[user]}"}
    return World.auth(user)


def post_headers(user: str, key: str | None) -> dict[str, str]:
    headers = auth(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


@pytest.fixture
async def org(runtime: Runtime, seeded: World) -> World:
    """The API world plus Victor (VP Finance, Mia's manager), an admin and Ned (a colleague).
    Globex's default policy: business is amber under 9 h, 12,600 USD needs manager + VP Finance."""
    async with runtime.db.uow() as s:
        await make_user(s, id="victor", role="vp_finance", token_hash=hash_token(TOKENS["victor"]))
        await make_user(s, id="admin", role="admin", token_hash=hash_token(TOKENS["admin"]))
        await make_user(s, id="ned", manager_id="victor", token_hash=hash_token(TOKENS["ned"]))
        await s.execute(update(User).where(User.id == "mia").values(manager_id="victor"))
    return seeded


async def pending(client: httpx.AsyncClient, world: World, seats: int) -> tuple[str, str]:
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": world.business_offer, "passengers": guests_json(seats)}]},
        headers=post_headers("ava", f"hold-{seats}"),
    )
    assert held.status_code == 201, held.text
    booking_id = held.json()["booking_id"]
    confirmed = await client.post(
        f"/v1/bookings/{booking_id}/confirm", headers=post_headers("ava", f"confirm-{seats}")
    )
    assert confirmed.status_code == 202, confirmed.text
    body = confirmed.json()
    assert body["status"] == "pending_approval"
    return booking_id, body["approval_id"]


async def decide(
    client: httpx.AsyncClient, approval_id: str, user: str, key: str | None, **body: str
) -> httpx.Response:
    return await client.post(
        f"/v1/approvals/{approval_id}/decision", json=body, headers=post_headers(user, key)
    )


async def test_two_step_chain_over_http(api_client: httpx.AsyncClient, org: World) -> None:
    booking_id, approval_id = await pending(api_client, org, 3)  # 12,600 USD

    listing = await api_client.get("/v1/approvals?status=pending", headers=auth("mia"))
    assert listing.status_code == 200, listing.text
    [item] = listing.json()["approvals"]
    assert item["approval_id"] == approval_id
    assert item["step"]["role"] == "manager"
    assert item["due_at"] == "2026-12-02T09:00:00Z"
    trip = item["booking"]
    assert (trip["booking_id"], trip["traveler"]["name"], trip["route"]) == (
        booking_id,
        "Ava",
        "JFK→LHR",
    )
    assert trip["start_date"] == org.flight_date
    assert trip["total"] == {"amount": "12600.00", "currency": "USD"}
    assert any("Business" in reason for reason in item["reasons"])
    assert (await api_client.get("/v1/approvals", headers=auth("victor"))).json() == {
        "approvals": []
    }

    assert_problem(
        await decide(api_client, approval_id, "victor", "v1", decision="approve"),
        409,
        "APPROVAL_STEP_NOT_REACHED",
    )
    first = await decide(api_client, approval_id, "mia", "m1", decision="approve", note="ok")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "pending"
    assert [s["status"] for s in first.json()["steps"]] == ["approved", "pending"]
    replay = await decide(api_client, approval_id, "mia", "m1", decision="approve", note="ok")
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    assert_problem(
        await decide(api_client, approval_id, "mia", "m2", decision="approve"),
        409,
        "APPROVAL_ALREADY_DECIDED",
    )
    assert (await api_client.get("/v1/approvals", headers=auth("mia"))).json() == {"approvals": []}
    mine = await api_client.get("/v1/approvals?status=all", headers=auth("mia"))
    assert [i["step"]["status"] for i in mine.json()["approvals"]] == ["approved"]

    [victors] = (await api_client.get("/v1/approvals", headers=auth("victor"))).json()["approvals"]
    assert victors["step"]["role"] == "vp_finance"
    last = await decide(api_client, approval_id, "victor", "v2", decision="approve")
    assert last.status_code == 200, last.text
    assert (last.json()["status"], last.json()["booking"]["status"]) == ("approved", "confirmed")

    booking = (await api_client.get(f"/v1/bookings/{booking_id}", headers=auth("ava"))).json()
    assert (booking["status"], booking["approval_id"]) == ("confirmed", approval_id)
    assert all(s["locator"] for s in booking["segments"])
    workflow = await api_client.get(f"/v1/approvals/{approval_id}", headers=auth("ava"))
    assert [s["decided_by"] for s in workflow.json()["steps"]] == ["mia", "victor"]


async def test_reject_needs_a_note_and_cancels(api_client: httpx.AsyncClient, org: World) -> None:
    booking_id, approval_id = await pending(api_client, org, 1)  # amber: manager only
    assert_problem(
        await decide(api_client, approval_id, "mia", "r0", decision="reject"),
        422,
        "REJECTION_NOTE_REQUIRED",
    )
    assert_problem(
        await decide(api_client, approval_id, "mia", "r1", decision="maybe"),
        422,
        "VALIDATION_ERROR",
    )
    response = await decide(
        api_client, approval_id, "mia", "r2", decision="reject", note="Economy is fine for this"
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["booking"]["status"]) == (
        "rejected",
        "cancelled",
    )
    booking = (await api_client.get(f"/v1/bookings/{booking_id}", headers=auth("ava"))).json()
    assert booking["status"] == "cancelled"
    assert "Economy is fine for this" in booking["failure_reason"]
    workflow = (await api_client.get(f"/v1/approvals/{approval_id}", headers=auth("ava"))).json()
    assert workflow["note"] == "Economy is fine for this"
    assert_problem(
        await decide(api_client, approval_id, "admin", "a1", decision="approve"),
        409,
        "APPROVAL_CLOSED",
    )


async def test_who_may_decide(api_client: httpx.AsyncClient, org: World) -> None:
    _, approval_id = await pending(api_client, org, 1)
    assert_problem(
        await decide(api_client, approval_id, "gus", "g1", decision="approve"), 404, "NOT_FOUND"
    )
    assert_problem(
        await api_client.get(f"/v1/approvals/{approval_id}", headers=auth("gus")), 404, "NOT_FOUND"
    )
    assert_problem(
        await decide(api_client, approval_id, "ned", "n1", decision="approve"), 403, "FORBIDDEN"
    )
    assert_problem(
        await decide(api_client, approval_id, "ava", "a1", decision="approve"), 403, "FORBIDDEN"
    )
    assert_problem(
        await decide(api_client, approval_id, "mia", None, decision="approve"),
        400,
        "IDEMPOTENCY_KEY_MISSING",
    )
    assert_problem(
        await api_client.get("/v1/approvals?status=maybe", headers=auth("mia")),
        422,
        "VALIDATION_ERROR",
    )
    assert_problem(
        await api_client.get("/v1/approvals/AP-NOPE", headers=auth("mia")), 404, "NOT_FOUND"
    )
    assert_problem(
        await decide(api_client, "AP-NOPE", "mia", "x", decision="approve"), 404, "NOT_FOUND"
    )
    response = await decide(
        api_client, approval_id, "admin", "adm", decision="approve", note="covering"
    )
    assert response.status_code == 200, response.text
    assert response.json()["booking"]["status"] == "confirmed"
