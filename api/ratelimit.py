"""Per-user rate limits on chat and bookings: a token bucket, in Redis when configured.

Each user (identified by their bearer token's hash, so the limit applies before
the database is asked who they are) has one bucket per family — ``chat`` for
``POST /v1/chat`` and ``POST /v1/chat/completions``, ``bookings`` for every
``POST /v1/bookings…`` — holding ``burst`` tokens and refilled at
``per_minute / 60`` a second. An empty bucket answers 429 ``RATE_LIMITED`` with
``Retry-After`` (whole seconds until a token is back).

With Redis the bucket is one hash updated by a Lua script (atomic, shared by all
API processes, timed by the Redis server's clock). Without Redis, or while Redis
is down (``core.redis_health``: logged once per outage, retried every few seconds),
each process keeps its own buckets: limits get looser, never wrong.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import problem, problem_responses
from core.redis_health import REDIS_DOWN, RedisHealth

log = logging.getLogger(__name__)

TOKEN_BUCKET_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
    tokens = tokens - 1
    allowed = 1
else
    wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""


@dataclass(frozen=True)
class Limit:
    per_minute: int
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0 and self.burst > 0

    @property
    def rate(self) -> float:
        return self.per_minute / 60.0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # whole seconds, ≥ 1 when refused


class LocalBuckets:
    """Token buckets in this process (embedded mode, and the fallback when Redis fails)."""

    def __init__(self, *, clock: Any = time.monotonic, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._max_keys = max_keys

    def take(self, key: str, limit: Limit) -> Decision:
        now = self._clock()
        tokens, ts = self._buckets.get(key, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + max(0.0, now - ts) * limit.rate)
        if tokens >= 1:
            self._store(key, tokens - 1, now)
            return Decision(True)
        self._store(key, tokens, now)
        return Decision(False, retry_after=_seconds((1 - tokens) / limit.rate))

    def _store(self, key: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= self._max_keys and key not in self._buckets:
            self._buckets.clear()  # a flood of distinct tokens must not grow memory forever
        self._buckets[key] = (tokens, now)


class RateLimiter:
    def __init__(
        self, limits: dict[str, Limit], redis: Any | None = None, health: RedisHealth | None = None
    ) -> None:
        self.limits = limits
        self.redis = redis
        self.health = health or RedisHealth()
        self.local = LocalBuckets()
        self._script = redis.register_script(TOKEN_BUCKET_SCRIPT) if redis is not None else None

    async def take(self, family: str, subject: str) -> Decision:
        limit = self.limits.get(family)
        if limit is None or not limit.enabled:
            return Decision(True)
        key = f"ratelimit:{family}:{subject}"
        if self._script is not None and self.health.should_try():
            try:
                allowed, wait = await self._script(keys=[key], args=[limit.rate, limit.burst])
            except REDIS_DOWN as exc:  # Redis down: fall back to this process's buckets.
                self.health.failed(exc)
            except Exception as exc:
                log.warning("redis rate limiter failed (%s); using local buckets", exc)
            else:
                self.health.succeeded()
                if int(allowed):
                    return Decision(True)
                return Decision(False, retry_after=_seconds(float(wait)))
        return self.local.take(key, limit)


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


def family_of(method: str, path: str) -> str | None:
    """Which bucket a request draws from, or ``None`` when it is not limited."""
    if method not in ("POST", "PUT"):
        return None
    if path in ("/v1/chat", "/v1/chat/completions"):
        return "chat"
    if path == "/v1/bookings" or path.startswith("/v1/bookings/"):
        return "bookings"
    return None


def limiter_from_settings(
    settings: Any, redis: Any | None, health: RedisHealth | None = None
) -> RateLimiter:
    return RateLimiter(
        {
            "chat": Limit(settings.chat_rate_per_minute, settings.chat_rate_burst),
            "bookings": Limit(settings.bookings_rate_per_minute, settings.bookings_rate_burst),
        },
        redis=redis,
        health=health,
    )


class RateLimitMiddleware:
    """Draws one token per limited request; answers 429 problem+json when the bucket is empty.

    Requests without a bearer token pass through untouched: authentication
    answers them (401) and they cost nothing downstream.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        family = family_of(str(scope.get("method", "")), str(scope.get("path", "")))
        token = _bearer(scope) if family is not None else None
        if family is None or token is None:
            await self.app(scope, receive, send)
            return
        limiter = _limiter(scope)
        if limiter is None:
            await self.app(scope, receive, send)
            return
        subject = hashlib.sha256(token.encode()).hexdigest()[:32]
        decision = await limiter.take(family, subject)
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        response = problem(
            429,
            "RATE_LIMITED",
            f"Too many {family} requests; try again in {decision.retry_after} s.",
            title="Too many requests",
            headers={"Retry-After": str(decision.retry_after)},
            retry_after=decision.retry_after,
        )
        await response(scope, receive, send)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            header: str = bytes(value).decode("latin-1")
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def _limiter(scope: Scope) -> RateLimiter | None:
    app = scope.get("app")
    state = getattr(app, "state", None)
    if state is None:
        return None
    limiter: RateLimiter | None = getattr(state, "ratelimiter", None)
    if limiter is None:
        runtime = getattr(state, "runtime", None)
        settings = getattr(state, "settings", None)
        if runtime is None or settings is None:
            return None
        limiter = limiter_from_settings(settings, runtime.redis, runtime.redis_health)
        state.ratelimiter = limiter
    return limiter


def document_rate_limits(app: Any) -> None:
    """Declare the 429 answer in OpenAPI on every operation the middleware limits."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        spec: dict[str, Any] = build()
        if spec.get("x-rate-limits-documented"):
            return spec
        declared = problem_responses(429)[429]
        for path, operations in spec.get("paths", {}).items():
            for method, operation in operations.items():
                if family_of(method.upper(), _template_prefix(path)) is not None:
                    operation.setdefault("responses", {}).setdefault(
                        "429",
                        {
                            "description": declared["description"],
                            "content": declared["content"],
                            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                        },
                    )
        spec["x-rate-limits-documented"] = True
        return spec

    app.openapi = openapi


def _template_prefix(path: str) -> str:
    # "/v1/bookings/{booking_id}/confirm" is limited like any concrete booking path.
    return path.replace("{", "").replace("}", "")
