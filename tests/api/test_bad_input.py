"""Bad input across the API: whatever a client sends, the answer is a clear 4xx.

Malformed JSON on every JSON endpoint is a documented 400; signed endpoints
(airline feed, Stripe, Slack) refuse missing, wrong and replayed (stale)
signatures with 401; another organization's token sees nothing of a thread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.sse import chunks
from tests.conftest import NOW
from tests.fakes.scripted_concierge import ScriptedConcierge

STRIPE_SECRET = "whsec_bad_input"
SLACK_SECRET = "slack-bad-input"
FLIGHT_SECRET = "flight-bad-input"


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    runtime.settings = runtime.settings.model_copy(
        update={
            "stripe_webhook_secret": STRIPE_SECRET,
            "slack_signing_secret": SLACK_SECRET,
            "slack_bot_token": "xoxb-bad-input",
            "slack_api_base_url": "http://127.0.0.1:9",  # never reached: nothing valid gets in
            "flight_webhook_secret": FLIGHT_SECRET,
        }
    )
    return create_app(runtime=runtime, concierge=ScriptedConcierge(runtime))


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


def _flight(kind: str) -> tuple[str, dict[str, str], bytes]:
    body = json.dumps(
        {"carrier": "BA", "number": "117", "date": "2026-12-18", "status": "delayed"}
    ).encode()
    ts = int(NOW.timestamp()) - (600 if kind == "stale" else 0)  # the feed uses our clock
    mac = hmac.new(FLIGHT_SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {"X-Concierge-Timestamp": str(ts), "X-Concierge-Signature": f"sha256={mac}"}
    if kind == "wrong":
        headers["X-Concierge-Signature"] = "sha256=" + "0" * 64
    if kind == "missing":
        headers = {}
    return "/v1/webhooks/flight-status", headers, body


def _stripe(kind: str) -> tuple[str, dict[str, str], bytes]:
    body = json.dumps(
        {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}
    ).encode()
    ts = int(time.time()) - (600 if kind == "stale" else 0)  # Stripe's library uses the wall clock
    mac = hmac.new(STRIPE_SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {"Stripe-Signature": f"t={ts},v1={mac if kind != 'wrong' else '0' * 64}"}
    return "/v1/webhooks/stripe", ({} if kind == "missing" else headers), body


def _slack(kind: str) -> tuple[str, dict[str, str], bytes]:
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    ts = int(time.time()) - (600 if kind == "stale" else 0)  # bolt uses the wall clock
    mac = hmac.new(SLACK_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": f"v0={mac if kind != 'wrong' else '0' * 64}",
    }
    return "/slack/events", ({} if kind == "missing" else headers), body


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
