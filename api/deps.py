"""Per-app state the routes depend on: the runtime and the Prometheus metrics.

Both live on ``app.state`` (not module globals) so several apps — one per test —
can exist in one process without sharing counters or databases.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.runtime import Runtime

IDEMPOTENCY_KEY_MAX = 255  # the idempotency_keys.key column


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:  # pragma: no cover - only if the lifespan did not run
        raise RuntimeError("the application runtime is not started")
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]

_KEY_HELP = (
    "Unique per intended operation (a UUID is fine). Retrying with the same key and "
    "body replays the first response; the same key with another body is refused (422)."
)
# Marks the header as required in the OpenAPI document (``document_required_headers``).
# The parameter stays optional in Python so that a request without it is answered by
# ``run_idempotent`` with the contract's 400 IDEMPOTENCY_KEY_MISSING, not FastAPI's 422.
_REQUIRED_MARK = "x-concierge-required"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Required (400 `IDEMPOTENCY_KEY_MISSING` without). " + _KEY_HELP,
        # Documented as present and not blank (blank is read as missing: 400).
        json_schema_extra={_REQUIRED_MARK: True, "minLength": 1, "pattern": r"\S"},
    ),
]
"""On every POST that creates or changes a booking (DESIGN §4)."""

WriteToolIdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Required for WRITE tools (400 `IDEMPOTENCY_KEY_MISSING` without); "
        "READ tools ignore it. " + _KEY_HELP,
    ),
]
"""``POST /v1/tools/{name}``: whether it is required depends on the tool named in the path."""


def document_required_headers(app: Any) -> None:
    """Declare ``required: true`` on the header parameters marked so (``IdempotencyKey``)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        spec: dict[str, Any] = build()
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter.get("schema", {}).pop(_REQUIRED_MARK, False):
                        parameter["required"] = True
                        # Required means present: the schema is the string's, without null.
                        schema = parameter["schema"]
                        for option in schema.pop("anyOf", []):
                            if option.get("type") != "null":
                                schema.update(option)
        return spec

    app.openapi = openapi


class ApiMetrics:
    """The app's Prometheus collectors, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "concierge_http_requests_total",
            "HTTP requests by route template, method and status.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "concierge_http_request_duration_seconds",
            "HTTP request latency by route template and method.",
            ("method", "route"),
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=self.registry,
        )
        self.holds = Counter(
            "concierge_holds_total",
            "Bookings held through the API (first responses, not replays).",
            registry=self.registry,
        )
        self.confirmations = Counter(
            "concierge_confirmations_total",
            "Booking confirmations through the API by resulting status.",
            ("status",),
            registry=self.registry,
        )


def get_metrics(request: Request) -> ApiMetrics:
    metrics: ApiMetrics = request.app.state.metrics
    return metrics


MetricsDep = Annotated[ApiMetrics, Depends(get_metrics)]


class MetricsMiddleware:
    """Counts and times every request under its route *template*.

    Labels use ``/v1/bookings/{booking_id}``, never the concrete path, so a
    client cannot blow up the series count; requests that matched no route are
    all ``unmatched``.
    """

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            route: BaseRoute | None = scope.get("route")
            template = getattr(route, "path", None) if route is not None else None
            label = template if isinstance(template, str) else "unmatched"
            method = str(scope.get("method", "GET"))
            self.metrics.requests.labels(method, label, str(status)).inc()
            self.metrics.latency.labels(method, label).observe(time.perf_counter() - started)
