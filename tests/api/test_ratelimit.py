"""Per-user rate limits: token-bucket math, 429 + Retry-After, and sharing through Redis."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.ratelimit import Limit, LocalBuckets, RateLimiter, family_of, limiter_from_settings
from core.runtime import Runtime
from tests.api.conftest import World
from tests.conftest import REDIS_URL, requires_redis
from tests.fakes.scripted_concierge import ScriptedConcierge


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_burst_then_refills_at_rate() -> None:
    clock = Ticker()
    buckets = LocalBuckets(clock=clock)
    limit = Limit(per_minute=6, burst=3)  # one token every 10 s

    assert [buckets.take("k", limit).allowed for _ in range(4)] == [True, True, True, False]
    refused = buckets.take("k", limit)
    assert refused.retry_after == 10

    clock.now += 9.5
    assert not buckets.take("k", limit).allowed
    clock.now += 0.5
    assert buckets.take("k", limit).allowed
    assert buckets.take("other", limit).allowed  # buckets are per key


def test_only_chat_and_booking_posts_are_limited() -> None:
    assert family_of("POST", "/v1/chat") == "chat"
    assert family_of("POST", "/v1/chat/completions") == "chat"
    assert family_of("POST", "/v1/bookings") == "bookings"
    assert family_of("POST", "/v1/bookings/BK-1/confirm") == "bookings"
    assert family_of("GET", "/v1/bookings") is None
    assert family_of("GET", "/v1/threads/x") is None
    assert family_of("POST", "/v1/bookingsx") is None


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    runtime.settings = runtime.settings.model_copy(
        update={"chat_rate_per_minute": 60, "chat_rate_burst": 3}
    )
    app = create_app(runtime=runtime, concierge=ScriptedConcierge())
    # Frozen time and this process's buckets: on a busy machine the four posts can
    # take over a second, and a refilled token would let the fourth through.
    # (Sharing a bucket through Redis has its own test below.)
    limiter = limiter_from_settings(runtime.settings, None)
    limiter.local = LocalBuckets(clock=lambda: 0.0)
    app.state.ratelimiter = limiter
    return app


async def test_chat_over_the_limit_is_429_with_retry_after(client: httpx.AsyncClient) -> None:
    statuses = []
    for _ in range(4):
        r = await client.post("/v1/chat", json={"message": "hi"}, headers=World.auth("ava"))
        statuses.append(r.status_code)
    assert statuses == [200, 200, 200, 429]

    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "RATE_LIMITED"
    assert r.headers["Retry-After"] == "1"
    # Another user has their own bucket; reads are not limited.
    other = await client.post("/v1/chat", json={"message": "hi"}, headers=World.auth("mia"))
    assert other.status_code == 200
    assert (await client.get("/v1/bookings", headers=World.auth("ava"))).status_code == 200


async def test_booking_posts_share_one_bucket(runtime: Runtime, seeded: World) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={"bookings_rate_per_minute": 60, "bookings_rate_burst": 2}
    )
    app = create_app(runtime=runtime)
    # Frozen local buckets, as above: with Redis in real time a slow second let a token
    # refill and the third post through (404 for BK-NOPE instead of 429).
    limiter = limiter_from_settings(runtime.settings, None)
    limiter.local = LocalBuckets(clock=lambda: 0.0)
    app.state.ratelimiter = limiter
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        codes = []
        for n in range(3):
            r = await client.post(
                "/v1/bookings" if n < 2 else "/v1/bookings/BK-NOPE/confirm",
                json={"items": [{"offer_id": seeded.economy_offer, "quantity": 1}]},
                headers={**World.auth("ava"), "Idempotency-Key": f"rl-{n}"},
            )
            codes.append(r.status_code)
    assert codes == [201, 201, 429]


@requires_redis
async def test_redis_bucket_is_shared_by_processes() -> None:
    """Two limiters on one Redis behave as one: the burst is shared, not doubled."""
    import redis.asyncio as aioredis

    assert REDIS_URL is not None
    one = aioredis.from_url(REDIS_URL, decode_responses=True)
    two = aioredis.from_url(REDIS_URL, decode_responses=True)
    limits = {"chat": Limit(per_minute=60, burst=4)}
    try:
        await one.delete("ratelimit:chat:shared-user")
        a, b = RateLimiter(limits, one), RateLimiter(limits, two)
        decisions = await asyncio.gather(*(lim.take("chat", "shared-user") for lim in [a, b] * 4))
        assert sum(d.allowed for d in decisions) == 4
        refused = [d for d in decisions if not d.allowed]
        assert all(d.retry_after == 1 for d in refused)
    finally:
        await one.aclose()
        await two.aclose()


async def test_redis_down_falls_back_to_local_buckets() -> None:
    import redis.asyncio as aioredis

    dead = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RateLimiter({"chat": Limit(per_minute=60, burst=2)}, dead)
    try:
        allowed = [(await limiter.take("chat", "u")).allowed for _ in range(3)]
    finally:
        await dead.aclose()
    assert allowed == [True, True, False]
