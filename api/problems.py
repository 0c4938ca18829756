"""Every error leaves the API as ``application/problem+json`` (RFC 9457).

Shape: ``{type, title, status, detail, code}`` plus the error's extra fields
(``field``, ``errors``…). ``code`` is the stable, machine-readable part; clients
branch on it, never on ``title`` or ``detail``.

One handler maps the core's :class:`~core.errors.CoreError` tree; the others only
translate framework signals (validation, unknown route, wrong method) into the
same shape. Unexpected exceptions are turned into a bare 500 by
:class:`UnhandledErrorMiddleware`, which logs the traceback and tells the client
nothing about it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.db import is_lock_timeout, lock_timeout_error
from core.errors import CoreError
from core.idempotency import IdempotentResult, StoredProblem

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://concierge.dev/problems/"
REPLAYED_HEADER = "Idempotent-Replayed"
_RESERVED = frozenset({"type", "title", "status", "detail", "code"})

# Codes for statuses the framework itself produces (routing, methods, sizes).
_HTTP_CODES: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}


# What FastAPI raises (as a 400 HTTPException) when it cannot read a body at all.
_FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"


class PayloadTooLarge(CoreError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413
    title = "Request body too large"


class NotReady(CoreError):
    code = "NOT_READY"
    status = 503
    title = "A dependency is not ready"


class Problem(BaseModel):
    """An error response (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://concierge.dev/problems/sold-out"])
    title: str = Field(examples=["Not enough seats or rooms left"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["Only 1 seat left on BA117 economy"])
    code: str = Field(examples=["SOLD_OUT"])


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_type(code: str) -> str:
    """``SOLD_OUT`` → ``https://concierge.dev/problems/sold-out``."""
    return PROBLEM_TYPE_BASE + code.lower().replace("_", "-")


def problem_body(
    *, status: int, code: str, title: str, detail: str, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    for key, value in (extra or {}).items():
        if key not in _RESERVED and value is not None:
            body[key] = jsonable_encoder(value)
    return body


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    title = title or _phrase(status)
    body = problem_body(status=status, code=code, title=title, detail=detail, extra=extra)
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


def error_body(error: CoreError) -> dict[str, Any]:
    """The problem body of a core error (also what idempotent replays store)."""
    return problem_body(
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        extra=error.extra,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries declaring the problem+json errors of a route."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {
            "model": Problem,  # registers the schema in components
            "description": _phrase(status),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out


def install_problem_openapi(app: FastAPI) -> None:
    """Errors are documented as problem+json only.

    FastAPI also lists a ``model=`` response under ``application/json``; drop
    that duplicate wherever the problem media type is declared.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    if PROBLEM_MEDIA_TYPE in content:
                        content.pop("application/json", None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _www_authenticate(request: Request) -> str:
    # RFC 6750: say "invalid_token" only when a token was actually presented.
    if request.headers.get("authorization"):
        return 'Bearer realm="concierge", error="invalid_token"'
    return 'Bearer realm="concierge"'


async def core_error_handler(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, CoreError)
    headers: dict[str, str] = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = _www_authenticate(request)
    retry_after = exc.extra.get("retry_after")
    if exc.status in (429, 503) and isinstance(retry_after, int):
        headers["Retry-After"] = str(retry_after)
    if exc.status >= 500:
        log.warning(
            "%s %s → %s %s: %s", request.method, request.url.path, exc.status, exc.code, exc.detail
        )
    return ProblemResponse(error_body(exc), status_code=exc.status, headers=headers)


def idempotent_response(result: IdempotentResult) -> JSONResponse:
    """A successful answer of an ``Idempotency-Key`` endpoint, marked when replayed.

    Replayed *errors* never get here: ``run_idempotent`` raises them as
    :class:`StoredProblem`, which :func:`stored_problem_handler` renders with the same header.
    """
    headers = {REPLAYED_HEADER: "true"} if result.replayed else {}
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)


async def stored_problem_handler(request: Request, exc: Exception) -> ProblemResponse:
    """An error answer replayed for a repeated ``Idempotency-Key``: byte-for-byte the first one."""
    assert isinstance(exc, StoredProblem)
    return ProblemResponse(
        exc.body, status_code=exc.stored_status, headers={REPLAYED_HEADER: "true"}
    )


def _field_path(loc: Sequence[Any]) -> str:
    # loc[0] is where the value came from (body/query/path/header); the rest is the path.
    parts = [str(p) for p in loc[1:]] if len(loc) > 1 else [str(p) for p in loc]
    return ".".join(parts)


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Field errors without pydantic's ``input``/``ctx`` (they may hold reprs or secrets)."""
    out: list[dict[str, str]] = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        out.append(
            {
                "field": _field_path(loc),
                "in": str(loc[0]) if loc else "request",
                "message": str(err.get("msg", "invalid value")),
                "type": str(err.get("type", "value_error")),
            }
        )
    return out


async def request_validation_handler(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(err.get("type") == "json_invalid" for err in raw):
        return problem(
            400, "MALFORMED_JSON", "The request body is not valid JSON.", title="Malformed JSON"
        )
    errors = validation_errors(raw)
    first = errors[0] if errors else {"field": "request", "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem(
        422,
        "VALIDATION_ERROR",
        detail,
        title="Invalid request",
        field=first["field"],
        errors=errors,
    )


async def http_exception_handler(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status, f"HTTP_{status}")
    if status == 400 and exc.detail == _FASTAPI_BODY_PARSE_ERROR:
        # A body that is not even text (bad UTF-8) fails before JSON decoding does.
        return problem(
            400, "MALFORMED_JSON", "The request body is not valid JSON.", title="Malformed JSON"
        )
    if status == 404:
        detail = "No such resource."
    elif status == 405:
        detail = f"{request.method} is not allowed on this resource."
    elif isinstance(exc.detail, str) and exc.detail:
        detail = exc.detail
    else:
        detail = _phrase(status)
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", _www_authenticate(request))
    return problem(status, code, detail, headers=headers)


async def pool_timeout_handler(request: Request, exc: Exception) -> ProblemResponse:
    """No database connection came free in time: the service is overloaded, say so (503)."""
    log.warning("%s %s → 503: database pool exhausted", request.method, request.url.path)
    return problem(
        503,
        "SERVICE_BUSY",
        "The service is busy; please retry shortly.",
        title="Service busy",
        headers={"Retry-After": "2"},
    )


async def database_error_handler(request: Request, exc: Exception) -> ProblemResponse:
    """A pooled connection the database had closed (a restart, a failover): SQLAlchemy has
    invalidated the pool, so a retry gets a fresh connection (503, ``Retry-After``; no pool
    pre-ping, ``core.db``). A lock waited for past its timeout outside a unit of work
    (``Database.uow`` raises those as ``LockTimeout`` itself) is the same 503
    ``LOCK_TIMEOUT``. Any other database error is a bug: a 500, as before."""
    assert isinstance(exc, DBAPIError)
    if is_lock_timeout(exc):
        return await core_error_handler(request, lock_timeout_error())
    if not exc.connection_invalidated:
        raise exc
    log.warning("%s %s → 503: database connection lost", request.method, request.url.path)
    return problem(
        503,
        "DATABASE_UNAVAILABLE",
        "The database connection was lost; please retry.",
        title="Database unavailable",
        headers={"Retry-After": "1"},
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PoolTimeout, pool_timeout_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    app.add_exception_handler(CoreError, core_error_handler)
    app.add_exception_handler(StoredProblem, stored_problem_handler)
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)
    install_problem_openapi(app)


class UnhandledErrorMiddleware:
    """Last line: an unexpected exception becomes a 500 problem with no internals.

    It sits inside the user middleware stack (below metrics) rather than as an
    ``Exception`` handler, because Starlette re-raises after running that handler.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception:
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                # Too late for a clean answer; the server will cut the connection.
                raise
            response = problem(
                500,
                "INTERNAL_ERROR",
                "Something went wrong on our side. It has been logged.",
                title="Internal server error",
            )
            await response(scope, receive, send)


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with a 413 problem.

    A declared ``Content-Length`` is checked up front; a chunked body is read
    (at most ``max_bytes`` + one chunk) and then replayed to the app, so a client
    cannot get round the limit by not declaring the length.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = 64 * 1024) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await problem(400, "BAD_REQUEST", "Invalid Content-Length header.")(
                    scope, receive, send
                )
                return
            if length > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            # Trust-but-verify happens in the server (h11/httptools enforce the length).
            await self.app(scope, receive, send)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return

        buffered: list[Message] = []
        size = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            PayloadTooLarge.code,
            f"The request body is larger than {self.max_bytes // 1024} KB.",
            title=PayloadTooLarge.title,
        )
        await response(scope, receive, send)
