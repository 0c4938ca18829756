"""Hostile input (issue 14, items 8 and 9): whatever a client sends, a 4xx, never a 500.

NUL characters anywhere (PostgreSQL refuses them in text), ids whose numbers do
not fit a column, dates at the end of the calendar, a Slack timestamp that is not
a number, signed webhooks whose JSON is deep or not an object, counts sent as
strings or booleans. Nothing is lost on the way: a refused cancel leaves no
``Idempotency-Key`` in flight and the booking as it was. An open supplier circuit
is a 503 with ``Retry-After`` that keeps the hold.

These run on SQLite and, with ``CONCIERGE_TEST_DATABASE_URL`` set, on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from core.models import Booking, Hold, HoldStatus, Payment
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.signed import flight_signed, signed_app, stripe_signed

NUL = "\x00"


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return signed_app(runtime)


def ava(key: str | None = None) -> dict[str, str]:
    headers = World.auth("ava")
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def assert_4xx(response: httpx.Response, *, code: str | None = None) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    if code is not None:
        assert response.json()["code"] == code, response.text


async def hold(client: httpx.AsyncClient, world: World, key: str = "hold-1") -> str:
    held = await client.post(
        "/v1/bookings", json={"items": [{"offer_id": world.economy_offer}]}, headers=ava(key)
    )
    assert held.status_code == 201, held.text
    return str(held.json()["booking_id"])


# -- NUL characters -----------------------------------------------------------------------


def _nul_requests(world: World, booking_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, httpx kwargs): a NUL in a path id, a query, a body string, a note,
    a reason, a chat message, a tool's input."""
    return [
        ("GET", "/v1/bookings/BK-%001", {}),
        ("GET", "/v1/approvals/AP-%001", {}),
        ("GET", f"/v1/bookings/{booking_id}%00/suggestions", {}),
        ("POST", f"/v1/bookings/{booking_id}%00/confirm", {}),
        ("GET", "/v1/threads/TH-%001", {}),
        ("GET", "/v1/bookings", {"params": {"cursor": f"abc{NUL}"}}),
        ("GET", "/v1/flights/search", {"params": {
            "origin": f"JF{NUL}K", "destination": "LHR", "date": world.flight_date}}),
        ("GET", "/v1/hotels/search", {"params": {
            "city": f"Lon{NUL}don", "check_in": "2026-12-18", "check_out": "2026-12-20"}}),
        ("POST", "/v1/bookings", {"json": {
            "items": [{"offer_id": world.economy_offer}], "traveler_id": f"ava{NUL}"}}),
        ("POST", f"/v1/bookings/{booking_id}/cancel", {"json": {"reason": f"plans{NUL}changed"}}),
        ("POST", f"/v1/bookings/{booking_id}/rebook", {"json": {
            "segment_id": f"SG{NUL}", "offer_id": world.business_offer}}),
        ("POST", "/v1/approvals/AP-1/decision", {"json": {
            "decision": "reject", "note": f"no{NUL}"}}),
        ("POST", "/v1/chat", {"json": {"message": f"book{NUL} it"}}),
        ("POST", "/v1/chat", {"json": {"thread_id": f"TH{NUL}1", "message": "hi"}}),
        ("POST", "/v1/chat", {"json": {"action": {
            "type": "cancel_booking", "booking_id": f"{booking_id}{NUL}"}}}),
        ("POST", "/v1/chat/completions", {"json": {
            "model": "concierge", "messages": [{"role": "user", "content": f"hi{NUL}"}]}}),
        ("POST", "/v1/tools/search_flights", {"json": {
            "origin": f"New York{NUL}", "destination": "London", "date": world.flight_date}}),
        ("POST", "/v1/tools/get_booking", {"json": {"booking_id": f"BK{NUL}"}}),
        ("POST", "/v1/tools/cancel_booking", {"json": {
            "booking_id": booking_id, "reason": f"x{NUL}"}}),
    ]


async def test_a_nul_character_anywhere_is_a_422(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await hold(client, seeded)
    for n, (method, url, kwargs) in enumerate(_nul_requests(seeded, booking_id)):
        response = await client.request(method, url, headers=ava(f"nul-{n}"), **kwargs)
        assert response.status_code == 422, (method, url, kwargs, response.text)
        assert_4xx(response, code="VALIDATION_ERROR")
        assert "NUL" in response.json()["detail"], response.text
    # Nothing was changed by any of them.
    booking = await client.get(f"/v1/bookings/{booking_id}", headers=ava())
    assert booking.json()["status"] == "held"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/v1/chat", b'{"message": "hi \\ud800"}'),
        ("/v1/chat", b'{"id": "x", "messages": [{"role": "user", "parts": [{"type": "text", "text": "\\udfff"}]}]}'),
        ("/v1/chat/completions", b'{"messages": [{"role": "user", "content": "a\\ud83d"}]}'),
        ("/v1/tools/get_policy", b'{"question": "\\udc00 business?"}'),
    ],
)
async def test_an_unpaired_surrogate_is_a_422(
    client: httpx.AsyncClient, seeded: World, url: str, body: bytes
) -> None:
    """Valid JSON, not valid Unicode: no UTF-8 encoder (nor PostgreSQL) takes it."""
    response = await client.post(
        url, content=body, headers={**ava("surrogate"), "Content-Type": "application/json"}
    )
    assert_4xx(response, code="VALIDATION_ERROR")
    assert "surrogate" in response.json()["detail"], response.text


async def test_an_escaped_surrogate_pair_is_just_an_emoji(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/chat",
        content=b'{"message": "hello \\ud83d\\ude00"}',
        headers={**ava(), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


async def test_a_refused_cancel_leaves_no_key_in_flight(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    booking_id = await hold(client, seeded)
    refused = await client.post(
        f"/v1/bookings/{booking_id}/cancel",
        json={"reason": f"plans{NUL}changed"},
        headers=ava("cancel-1"),
    )
    assert_4xx(refused, code="VALIDATION_ERROR")
    async with runtime.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.status == "held"
        holds = (await session.scalars(select(Hold).where(Hold.booking_id == booking_id))).all()
        assert [h.status for h in holds] == [HoldStatus.ACTIVE]
    # The client corrects the reason and retries with the same key at once: no 409
    # IDEMPOTENCY_IN_PROGRESS for two minutes, no replayed 422.
    retried = await client.post(
        f"/v1/bookings/{booking_id}/cancel",
        json={"reason": "plans changed"},
        headers=ava("cancel-1"),
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "cancelled"


async def test_a_nul_in_the_idempotency_key_is_a_4xx(
    client: httpx.AsyncClient, seeded: World
) -> None:
    response = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer}]},
        headers={**ava(), "Idempotency-Key": "k%00"},
    )
    assert response.status_code == 201  # a literal "%00" is just text
    escaped = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer}]},
        headers=[(b"authorization", b"Bearer tok-ava"), (b"idempotency-key", b"k\x00")],
    )
    assert_4xx(escaped)


# -- numbers that do not fit, dates at the end of the calendar ---------------------------


@pytest.mark.parametrize(
    "offer_id", ["FL-2147483648", "FL-1-99999999999", "FL-999999999999", "FL-0"]
)
async def test_offer_ids_whose_numbers_overflow_are_refused(
    client: httpx.AsyncClient, seeded: World, offer_id: str
) -> None:
    held = await client.post(
        "/v1/bookings", json={"items": [{"offer_id": offer_id}]}, headers=ava("overflow")
    )
    assert_4xx(held)
    tool = await client.post(
        "/v1/tools/reserve", json={"items": [{"offer_id": offer_id}]}, headers=ava("overflow-t")
    )
    assert_4xx(tool)
    policy = await client.post(
        "/v1/tools/evaluate_policy", json={"offer_id": offer_id}, headers=ava()
    )
    assert_4xx(policy)


async def test_an_overflowing_offer_id_in_a_rebook_is_refused(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await hold(client, seeded)
    response = await client.post(
        f"/v1/bookings/{booking_id}/rebook",
        json={"segment_id": "SG1", "offer_id": "FL-2147483648"},
        headers=ava("rebook-overflow"),
    )
    assert_4xx(response)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/flights/search", {"origin": "JFK", "destination": "LHR", "date": "9999-12-31"}),
        ("/v1/flights/search", {"origin": "JFK", "destination": "LHR", "date": "0001-01-01"}),
        ("/v1/hotels/search", {"city": "London", "check_in": "9999-12-30", "check_out": "9999-12-31"}),
        ("/v1/hotels/search", {"city": "London", "check_in": "0001-01-01", "check_out": "0001-01-02"}),
    ],
)
async def test_dates_at_the_ends_of_the_calendar_are_a_4xx(
    client: httpx.AsyncClient, seeded: World, path: str, params: dict[str, str]
) -> None:
    response = await client.get(path, params=params, headers=ava())
    assert_4xx(response, code="VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("tool", "body"),
    [
        ("search_flights", {"origin": "JFK", "destination": "LHR", "date": "9999-12-31"}),
        ("search_hotels", {"city": "London", "check_in": "9999-12-30", "check_out": "9999-12-31"}),
    ],
)
async def test_tool_dates_at_the_end_of_the_calendar_are_a_4xx(
    client: httpx.AsyncClient, seeded: World, tool: str, body: dict[str, str]
) -> None:
    response = await client.post(f"/v1/tools/{tool}", json=body, headers=ava())
    assert_4xx(response)


async def test_a_hotel_offer_at_the_end_of_the_calendar_is_refused(
    client: httpx.AsyncClient, seeded: World
) -> None:
    response = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": "HT-HTLLON1-99991230-99991231"}]},
        headers=ava("far-hotel"),
    )
    assert_4xx(response)


# -- signed endpoints: odd headers and bodies ---------------------------------------------


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "-", "99999999999999999999999"])
async def test_a_slack_timestamp_that_is_not_a_number_is_a_401(
    client: httpx.AsyncClient, timestamp: str
) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    response = await client.post(
        "/slack/events",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert response.status_code == 401, response.text


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _deep_object(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


HOSTILE_BODIES = {
    "array": b'[{"carrier": "BA", "number": "117", "date": "2026-12-18", "status": "delayed"}]',
    "deep-array": _deep(20_000),
    "deep-object": _deep_object(10_000),
    "string": b'"hello"',
    "number": b"12",
    "null": b"null",
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize(
    ("url", "sign"),
    [("/v1/webhooks/flight-status", flight_signed), ("/v1/webhooks/stripe", stripe_signed)],
    ids=["flight-status", "stripe"],
)
async def test_a_signed_webhook_body_that_is_not_an_object_is_a_422(
    client: httpx.AsyncClient, url: str, sign: Callable[[bytes], dict[str, str]], shape: str
) -> None:
    body = HOSTILE_BODIES[shape]
    response = await client.post(
        url, content=body, headers={**sign(body), "Content-Type": "application/json"}
    )
    assert_4xx(response, code="VALIDATION_ERROR")


# -- strict counts ------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", ["1", True, 1.0, "one", None])
async def test_a_count_must_be_a_json_integer(
    client: httpx.AsyncClient, seeded: World, quantity: Any
) -> None:
    item = {"offer_id": seeded.economy_offer, "quantity": quantity}
    held = await client.post("/v1/bookings", json={"items": [item]}, headers=ava("strict"))
    assert_4xx(held, code="VALIDATION_ERROR")
    assert held.json()["field"] == "items.0.quantity"
    tool = await client.post("/v1/tools/reserve", json={"items": [item]}, headers=ava("strict-t"))
    assert_4xx(tool, code="VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("tool", "body"),
    [
        ("search_flights", {"passengers": "2"}),
        ("search_flights", {"limit": True}),
        ("search_hotels", {"rooms": "1"}),
        ("list_trips", {"limit": "3"}),
        ("list_approvals", {"limit": False}),
        ("evaluate_policy", {"quantity": "2"}),
    ],
)
async def test_tool_counts_must_be_json_integers(
    client: httpx.AsyncClient, seeded: World, tool: str, body: dict[str, Any]
) -> None:
    base: dict[str, dict[str, Any]] = {
        "search_flights": {"origin": "JFK", "destination": "LHR", "date": seeded.flight_date},
        "search_hotels": {"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-20"},
        "list_trips": {},
        "list_approvals": {},
        "evaluate_policy": {"offer_id": seeded.economy_offer},
    }
    response = await client.post(f"/v1/tools/{tool}", json={**base[tool], **body}, headers=ava())
    assert_4xx(response, code="VALIDATION_ERROR")


async def test_a_plain_integer_count_still_holds(client: httpx.AsyncClient, seeded: World) -> None:
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer, "quantity": 2}]},
        headers=ava("plain"),
    )
    assert held.status_code == 201, held.text


# -- an open circuit keeps the hold -------------------------------------------------------


async def test_an_open_circuit_is_a_503_with_retry_after_and_keeps_the_hold(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    booking_id = await hold(client, seeded)
    breaker = runtime.supplier_for("flight").breaker  # type: ignore[attr-defined]
    for _ in range(breaker.failure_threshold):
        breaker.record_failure(breaker.acquire())
    assert breaker.state == "open"

    refused = await client.post(f"/v1/bookings/{booking_id}/confirm", headers=ava("confirm-1"))
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "SUPPLIER_UNAVAILABLE"
    assert 1 <= int(refused.headers["Retry-After"]) <= breaker.reset_timeout + 1

    async with runtime.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.status == "held"
        holds = (await session.scalars(select(Hold).where(Hold.booking_id == booking_id))).all()
        assert [h.status for h in holds] == [HoldStatus.ACTIVE]
        payments = (
            await session.scalars(select(Payment).where(Payment.booking_id == booking_id))
        ).all()
        assert all(p.status in ("voided", "canceled") for p in payments)

    # The supplier is back: the same booking confirms (a new key; the 503 was not stored).
    breaker._opened_at -= breaker.reset_timeout + 1
    again = await client.post(f"/v1/bookings/{booking_id}/confirm", headers=ava("confirm-1"))
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "confirmed"


# -- the contract says so -----------------------------------------------------------------


async def test_idempotency_key_is_documented_as_required_where_it_is(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    required: dict[str, bool] = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "Idempotency-Key":
                    required[f"{method.upper()} {path}"] = parameter.get("required", False)
    assert required == {
        "POST /v1/bookings": True,
        "POST /v1/bookings/{booking_id}/confirm": True,
        "POST /v1/bookings/{booking_id}/cancel": True,
        "POST /v1/bookings/{booking_id}/rebook": True,
        "POST /v1/bookings/{booking_id}/check-in": True,
        "POST /v1/approvals/{approval_id}/decision": True,
        "POST /v1/tools/{name}": False,  # WRITE tools only: said in its description
    }
    hold = spec["paths"]["/v1/bookings"]["post"]
    [key] = [p for p in hold["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["schema"]["type"] == "string"
    # Documented and enforced: without it, the contract's 400.
    missing = await client.post("/v1/bookings", json={"items": [{"offer_id": "FL-1"}]},
                                headers=ava())
    assert_4xx(missing, code="IDEMPOTENCY_KEY_MISSING")
