"""GET /v1/analytics/summary over HTTP: shape, roles, periods."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.identity import hash_token
from core.models import User
from core.runtime import Runtime
from tests.core.booking_world import AVA, GUS, build_world
from tests.factories import make_user


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer tok-{user}"}


@pytest.fixture
async def spent(runtime: Runtime) -> None:
    world = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance", department="Finance")
        for user in ("fin", "ava", "mia", "gus"):
            await s.execute(
                update(User).where(User.id == user).values(token_hash=hash_token(f"tok-{user}"))
            )
    for caller in (AVA, GUS):
        async with runtime.db.uow() as s:
            booking = await hold_booking(
                runtime, s, caller, [ItemRequest(f"FL-{world.short_inv['economy'].id}", 1)]
            )
        await confirm_booking(runtime, caller, booking.id)


async def test_finance_gets_the_summary(api_client, spent):
    response = await api_client.get("/v1/analytics/summary?period=30d", headers=auth("fin"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == "30d"
    assert body["bookings"] == 1
    assert body["total_spend"] == {"amount": "150.00", "currency": "USD"}
    assert body["spend_by_department"][0]["department"] == "Engineering"
    assert body["spend_by_traveler"][0]["traveler_id"] == "ava"
    assert body["policy_compliance"]["rate"] == 1.0
    assert body["top_destinations"] == [{"city": "Boston", "trips": 1}]
    assert set(body["co2_kg_by_cabin"]) == {"economy"}


async def test_the_default_period_is_30_days_and_managers_see_their_reports(api_client, spent):
    response = await api_client.get("/v1/analytics/summary", headers=auth("mia"))

    assert response.status_code == 200
    assert response.json()["period"] == "30d"
    assert response.json()["scope"] == "reports"
    assert response.json()["bookings"] == 1


@pytest.mark.parametrize("user", ["ava", "gus"])
async def test_travellers_are_refused(api_client, spent, user):
    response = await api_client.get("/v1/analytics/summary", headers=auth(user))
    assert response.status_code == 403


@pytest.mark.parametrize("period", ["1y", "30", "", "7D"])
async def test_a_bad_period_is_422(api_client, spent, period):
    response = await api_client.get(f"/v1/analytics/summary?period={period}", headers=auth("fin"))
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
