"""Spend analytics: sums, compliance, destinations, CO2, scoping and the cache."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from core.analytics import cached_spend_summary, spend_summary
from core.booking.saga import confirm_booking
from core.booking.service import hold_booking
from core.cache import NullCache, RedisCache
from core.errors import Forbidden, ValidationFailed
from core.identity import Caller
from core.models import Booking
from core.runtime import Runtime
from tests.conftest import requires_redis
from tests.core.booking_world import AVA, GUS, MIA, World, build_world
from tests.factories import as_json, named_item

FIN = Caller(user_id="fin", org_id="acme", role="finance")
VICTOR = Caller(user_id="victor", org_id="acme", role="vp_finance")


async def confirmed(rt: Runtime, caller: Caller, items: list[tuple[str, int]]) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, caller, [named_item(o, q) for o, q in items])
    view = await confirm_booking(rt, caller, booking.id)
    assert view.status == "confirmed", view
    return booking.id


@pytest.fixture
async def trips(runtime: Runtime) -> dict[str, str]:
    """Ava: JFK→BOS + a London hotel, and a 2-seat JFK→BOS; Mia: JFK→BOS; Gus (Globex) too."""
    world: World = await build_world(runtime)
    economy = f"FL-{world.short_inv['economy'].id}"
    ids = {
        "ava_trip": await confirmed(
            runtime, AVA, [(economy, 1), ("HT-LON01-20261218-20261220", 1)]
        ),
        "ava_pair": await confirmed(runtime, AVA, [(economy, 2)]),
        "mia_trip": await confirmed(runtime, MIA, [(economy, 1)]),
        "gus_trip": await confirmed(runtime, GUS, [(economy, 1)]),
    }
    # One of Ava's trips was amber (approved by her manager in real life).
    async with runtime.db.uow() as s:
        await s.execute(
            update(Booking).where(Booking.id == ids["ava_pair"]).values(policy_status="amber")
        )
    return ids


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


async def summary(rt: Runtime, caller: Caller, period: str = "30d") -> dict[str, Any]:
    async with rt.db.uow(write=False) as s:
        return as_json(await spend_summary(s, caller, period=period, now=rt.clock.now()))


async def test_finance_sees_the_whole_organization(runtime, trips):
    result = await summary(runtime, FIN)

    assert result["scope"] == "organization"
    assert result["bookings"] == 3  # Gus is Globex
    # 150 + 2×220 hotel, 2×150, 150
    assert result["total_spend"] == money("1040.00")
    assert result["spend_by_department"] == [
        {"department": "Engineering", "spend": money("1040.00"), "trips": 3}
    ]
    assert [(t["traveler_id"], t["spend"], t["trips"]) for t in result["spend_by_traveler"]] == [
        ("ava", money("890.00"), 2),
        ("mia", money("150.00"), 1),
    ]
    assert result["policy_compliance"] == {"green": 2, "total": 3, "rate": round(2 / 3, 4)}
    assert result["top_destinations"] == [
        {"city": "Boston", "trips": 3},
        {"city": "London", "trips": 1},
    ]
    # The factories' flights are 5,540 km; 4 economy seats at 0.09 kg/km.
    assert result["co2_kg_by_cabin"] == {"economy": round(5540 * 0.09 * 4)}


async def test_a_manager_sees_themselves_and_their_reports_only(runtime, trips):
    result = await summary(runtime, MIA)
    assert result["scope"] == "reports"
    assert {t["traveler_id"] for t in result["spend_by_traveler"]} == {"ava", "mia"}

    # Victor (VP Finance) is org-wide; Ava, a traveller, may not look.
    assert (await summary(runtime, VICTOR))["total_spend"] == money("1040.00")
    with pytest.raises(Forbidden):
        await summary(runtime, AVA)


async def test_the_period_is_a_window_ending_now(runtime, clock, trips):
    clock.advance(days=8)
    assert (await summary(runtime, FIN, "7d"))["bookings"] == 0
    assert (await summary(runtime, FIN, "30d"))["bookings"] == 3
    clock.advance(days=30)
    assert (await summary(runtime, FIN, "30d"))["bookings"] == 0
    assert (await summary(runtime, FIN, "90d"))["bookings"] == 3
    with pytest.raises(ValidationFailed):
        await summary(runtime, FIN, "1y")


async def test_an_empty_period_has_no_compliance_rate(runtime):
    await build_world(runtime)
    result = await summary(runtime, FIN, "7d")
    assert result["bookings"] == 0
    assert result["policy_compliance"] == {"green": 0, "total": 0, "rate": None}
    assert result["top_destinations"] == []


class DictCache:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.ttls: list[int] = []

    async def get(self, key: str) -> Any | None:
        return self.data.get(key)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        self.data[key] = value
        self.ttls.append(ttl_seconds)

    async def delete_prefix(self, prefix: str) -> None:
        return None


async def test_answers_are_cached_per_scope_and_minute(runtime, clock, trips):
    cache = DictCache()
    rt = dataclasses.replace(runtime, cache=cache)

    first = as_json(await cached_spend_summary(rt, FIN, period="30d"))
    async with rt.db.uow() as s:
        await s.execute(
            update(Booking).where(Booking.id == trips["mia_trip"]).values(total_minor=1)
        )
    # Same minute, same scope: the cached answer (finance and VP Finance share it).
    assert as_json(await cached_spend_summary(rt, VICTOR, period="30d")) == first
    assert cache.ttls == [rt.settings.analytics_cache_ttl_seconds]
    # A manager's view is cached on its own.
    assert as_json(await cached_spend_summary(rt, MIA, period="30d"))["total_spend"] == money("890.01")
    # Next minute: fresh.
    clock.advance(timedelta(minutes=1))
    assert as_json(await cached_spend_summary(rt, FIN, period="30d"))["total_spend"] == money("890.01")


async def test_without_a_cache_every_answer_is_fresh(runtime, trips):
    rt = dataclasses.replace(runtime, cache=NullCache())
    await cached_spend_summary(rt, FIN, period="30d")
    async with rt.db.uow() as s:
        await s.execute(
            update(Booking).where(Booking.id == trips["mia_trip"]).values(total_minor=1)
        )
    assert as_json(await cached_spend_summary(rt, FIN, period="30d"))["total_spend"] == money("890.01")


@requires_redis
async def test_redis_caches_the_summary(runtime, trips):
    assert isinstance(runtime.cache, RedisCache)
    first = as_json(await cached_spend_summary(runtime, FIN, period="30d"))
    async with runtime.db.uow() as s:
        await s.execute(
            update(Booking).where(Booking.id == trips["mia_trip"]).values(total_minor=1)
        )
    assert as_json(await cached_spend_summary(runtime, FIN, period="30d")) == first
    ttl = await runtime.redis.ttl(
        f"cache:analytics:summary:acme:org:30d:{runtime.clock.now():%Y%m%d%H%M}"
    )
    assert 0 < ttl <= runtime.settings.analytics_cache_ttl_seconds
