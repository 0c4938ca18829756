"""Every error is application/problem+json with a stable code, and nothing leaks."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.api.conftest import World

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "https://concierge.dev/problems/" + code.lower().replace("_", "-")
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


async def test_unknown_route_is_a_404_problem(api_client: httpx.AsyncClient) -> None:
    assert_problem(await api_client.get("/v1/nope"), 404, "NOT_FOUND")


async def test_wrong_method_is_a_405_problem_with_allow(api_client: httpx.AsyncClient) -> None:
    response = await api_client.delete("/healthz")
    assert_problem(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in response.headers["allow"]


async def test_malformed_json_is_400(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.post(
        "/v1/bookings",
        content=b'{"items": [',
        headers={**seeded.auth("ava"), "Content-Type": "application/json", "Idempotency-Key": "k1"},
    )
    assert_problem(response, 400, "MALFORMED_JSON")


async def test_validation_error_lists_fields_without_reprs(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    response = await api_client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": "FL-1", "quantity": 0}], "surprise": True},
        headers={**seeded.auth("ava"), "Idempotency-Key": "k1"},
    )
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    fields = {e["field"] for e in body["errors"]}  # type: ignore[attr-defined]
    assert fields == {"items.0.quantity", "surprise"}
    for error in body["errors"]:  # type: ignore[attr-defined]
        assert set(error) == {"field", "in", "message", "type"}


async def test_body_over_64kb_is_413(api_client: httpx.AsyncClient, seeded: World) -> None:
    big = {"items": [{"offer_id": "FL-1"}], "traveler_id": "x" * (65 * 1024)}
    response = await api_client.post(
        "/v1/bookings", json=big, headers={**seeded.auth("ava"), "Idempotency-Key": "k1"}
    )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")


async def test_chunked_body_over_64kb_is_413(api_client: httpx.AsyncClient, seeded: World) -> None:
    async def chunks():  # no Content-Length: the limit must still hold
        for _ in range(20):
            yield b" " * 4096

    response = await api_client.post(
        "/v1/bookings",
        content=chunks(),
        headers={**seeded.auth("ava"), "Idempotency-Key": "k1", "Content-Type": "application/json"},
    )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")


async def test_unexpected_exception_is_an_opaque_500(
    app: FastAPI, api_client: httpx.AsyncClient
) -> None:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("db password is hunter2")

    response = await api_client.get("/boom")
    assert_problem(response, 500, "INTERNAL_ERROR")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


async def test_body_that_is_not_text_is_malformed_json(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    response = await api_client.post(
        "/v1/bookings",
        content=b'\xff\xfe{"items": []}',
        headers={**seeded.auth("ava"), "Content-Type": "application/json", "Idempotency-Key": "k"},
    )
    assert_problem(response, 400, "MALFORMED_JSON")


async def test_overlong_idempotency_key_is_422(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    response = await api_client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer}]},
        headers={**seeded.auth("ava"), "Idempotency-Key": "k" * 256},
    )
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert body["field"] == "Idempotency-Key"


async def test_openapi_declares_problem_responses(api_client: httpx.AsyncClient) -> None:
    spec = (await api_client.get("/openapi.json")).json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)  # from the docstring
            if not path.startswith("/v1/"):
                continue
            for status in ("401", "422", "500"):
                content = operation["responses"][status]["content"]
                assert list(content) == [PROBLEM], (method, path, status)
                assert content[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
