"""Bad input across the API: whatever a client sends, the answer is a clear 4xx.

Malformed JSON on every JSON endpoint is a documented 400; signed endpoints
(airline feed, Stripe, Slack) refuse missing, wrong and replayed (stale)
signatures with 401; another organization's token sees nothing of a thread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.signed import flight_signed, signed_app, slack_signed, stripe_signed
from tests.api.sse import chunks


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return signed_app(runtime)


async def test_malformed_json_is_a_documented_400_everywhere(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    checked = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            url = re.sub(r"\{[^}]+\}", "X1", path)
            response = await client.request(
                method.upper(),
                url,
                content=b'{"not": "closed"',
                headers={
                    **World.auth("ava"),
                    "Content-Type": "application/json",
                    "Idempotency-Key": "bad-json",
                },
            )
            assert response.status_code == 400, (method, path, response.text)
            assert response.json()["code"] == "MALFORMED_JSON", (method, path)
            assert "400" in operation["responses"], (method, path)
            checked.append(path)
    assert "/v1/chat" in checked
    assert "/v1/chat/completions" in checked


def _signed(
    path: str, sign: Callable[..., dict[str, str]], signature: str, body: bytes, kind: str
) -> tuple[str, dict[str, str], bytes]:
    """``kind``: good, missing, wrong (zeros for the MAC) or stale (signed 10 minutes ago)."""
    if kind == "missing":
        return path, {}, body
    headers = sign(body, age=600 if kind == "stale" else 0)
    if kind == "wrong":
        headers[signature] = re.sub("[0-9a-f]{64}$", "0" * 64, headers[signature])
    return path, headers, body


def _flight(kind: str) -> tuple[str, dict[str, str], bytes]:
    body = json.dumps(
        {"carrier": "BA", "number": "117", "date": "2026-12-18", "status": "delayed"}
    ).encode()
    return _signed(
        "/v1/webhooks/flight-status", flight_signed, "X-Concierge-Signature", body, kind
    )


def _stripe(kind: str) -> tuple[str, dict[str, str], bytes]:
    body = json.dumps(
        {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}
    ).encode()
    return _signed("/v1/webhooks/stripe", stripe_signed, "Stripe-Signature", body, kind)


def _slack(kind: str) -> tuple[str, dict[str, str], bytes]:
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    return _signed("/slack/events", slack_signed, "X-Slack-Signature", body, kind)


SIGNED: dict[str, Callable[[str], tuple[str, dict[str, str], bytes]]] = {
    "flight-status": _flight,
    "stripe": _stripe,
    "slack": _slack,
}


@pytest.mark.parametrize("kind", ["missing", "wrong", "stale"])
@pytest.mark.parametrize("endpoint", sorted(SIGNED))
async def test_signed_endpoints_refuse_bad_signatures(
    client: httpx.AsyncClient, endpoint: str, kind: str
) -> None:
    path, headers, body = SIGNED[endpoint](kind)
    response = await client.post(
        path, content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 401, response.text


async def test_the_good_signatures_used_above_are_accepted(client: httpx.AsyncClient) -> None:
    """The 401s above are about the signature, not about a malformed request."""
    for endpoint, build in SIGNED.items():
        path, headers, body = build("good")
        response = await client.post(
            path, content=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code < 300, (endpoint, response.status_code, response.text)


async def test_another_organization_sees_nothing_of_a_thread(client: httpx.AsyncClient) -> None:
    started = chunks(
        await client.post("/v1/chat", json={"message": "book"}, headers=World.auth("ava"))
    )
    thread_id = started[0]["messageMetadata"]["thread_id"]
    last_id = "x"
    gus = World.auth("gus")

    answers = [
        await client.get(f"/v1/threads/{thread_id}", headers=gus),
        await client.get(f"/v1/threads/{thread_id}/stream", headers=gus),
        await client.get(
            f"/v1/threads/{thread_id}/stream", headers={**gus, "Last-Event-ID": f"{last_id}:1"}
        ),
        await client.post("/v1/chat", json={"thread_id": thread_id, "message": "yes"}, headers=gus),
        await client.post(
            "/v1/chat/completions",
            json={"model": "concierge", "messages": [{"role": "user", "content": "yes"}]},
            headers={**gus, "X-Concierge-Thread-Id": thread_id},
        ),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert all(a.json()["code"] == "NOT_FOUND" for a in answers)
    assert all(thread_id not in a.text for a in answers)
    # And Ava's pending confirmation is untouched by Gus's "yes".
    view = (await client.get(f"/v1/threads/{thread_id}", headers=World.auth("ava"))).json()
    assert view["pending_confirmation"] is not None
