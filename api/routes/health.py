"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import MetricsDep, RuntimeDep
from api.problems import NotReady, problem_responses
from core.runtime import Runtime

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

# A readiness probe must answer quickly even when a dependency hangs.
CHECK_TIMEOUT_SECONDS = 2.0


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    """The process is up. Never touches a dependency, so it never flaps with one."""
    return {"status": "ok"}


async def _check_database(runtime: Runtime) -> None:
    async with runtime.db.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _check_redis(runtime: Runtime) -> None:
    if runtime.redis is not None:
        await runtime.redis.ping()


@router.get("/readyz", summary="Readiness", responses=problem_responses(503))
async def readyz(runtime: RuntimeDep) -> dict[str, Any]:
    """Ready to serve: the database answers, and Redis too when one is configured.

    Redis being down does not break correctness (the database is the truth), but
    a configured Redis that is unreachable means degraded contention handling, so
    the instance reports itself not ready and the balancer prefers healthy ones.
    """
    checks: dict[str, str] = {}
    probes = [("database", _check_database)]
    if runtime.redis is not None:
        probes.append(("redis", _check_redis))
    for name, probe in probes:
        try:
            await asyncio.wait_for(probe(runtime), timeout=CHECK_TIMEOUT_SECONDS)
            checks[name] = "ok"
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, exc)
            checks[name] = "down"
    down = [name for name, state in checks.items() if state != "ok"]
    if down:
        raise NotReady(f"Not ready: {', '.join(down)} unavailable.", checks=checks)
    return {"status": "ok", "checks": checks}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}
    },
)
async def metrics(metrics: MetricsDep) -> Response:
    """Request counts and latencies per route template and status, holds and confirmations."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
