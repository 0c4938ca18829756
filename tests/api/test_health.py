"""Liveness, readiness, metrics and the app lifespan."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from api.app import create_app
from core.config import Settings
from core.models import Base
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_problems import assert_problem


async def test_healthz(api_client: httpx.AsyncClient) -> None:
    response = await api_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(api_client: httpx.AsyncClient, runtime: Runtime) -> None:
    response = await api_client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert ("redis" in checks) == (runtime.redis is not None)


async def test_readyz_is_503_when_the_database_is_down(
    api_client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    class DeadEngine:
        def connect(self) -> Any:
            raise ConnectionRefusedError("database down")

    monkeypatch.setattr(runtime.db, "engine", DeadEngine())
    body = assert_problem(await api_client.get("/readyz"), 503, "NOT_READY")
    assert body["checks"]["database"] == "down"  # type: ignore[index]


async def test_readyz_is_503_when_configured_redis_is_down(
    api_client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    class DeadRedis:
        async def ping(self) -> bool:
            raise ConnectionError("redis down")

    monkeypatch.setattr(runtime, "redis", DeadRedis())
    body = assert_problem(await api_client.get("/readyz"), 503, "NOT_READY")
    assert body["checks"] == {"database": "ok", "redis": "down"}


async def test_metrics_label_requests_by_route_template(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    await api_client.get("/v1/bookings/BK-ZZZZZZ", headers=seeded.auth("ava"))
    await api_client.get("/v1/no-such-thing")
    response = await api_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'concierge_http_requests_total{method="GET",route="/v1/bookings/{booking_id}",status="404"} 1.0'
        in text
    )
    assert 'route="unmatched",status="404"' in text
    assert "BK-ZZZZZZ" not in text
    assert "concierge_http_request_duration_seconds_bucket" in text
    assert "concierge_holds_total" in text


async def test_lifespan_builds_and_closes_its_own_runtime(tmp_path: Path) -> None:
    settings = Settings(
        env="test",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'life.db'}",
        run_jobs_in_process=False,
    )
    app: FastAPI = create_app(settings)
    async with LifespanManager(app):
        runtime: Runtime = app.state.runtime
        assert runtime is not None
        async with runtime.db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/readyz")).status_code == 200
    assert app.state.runtime is None


async def test_injected_runtime_is_used_and_left_to_its_owner(runtime: Runtime) -> None:
    quiet = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"run_jobs_in_process": False})
    )
    app = create_app(runtime=quiet)
    async with LifespanManager(app):
        assert app.state.runtime is quiet
    assert app.state.runtime is quiet  # not closed, not dropped: the caller owns it
