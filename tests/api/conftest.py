"""API fixtures: a small seeded world and an httpx client against the app in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from core.identity import hash_token
from core.runtime import Runtime
from core.seed import seed_demo
from tests.api.inprocess import client_of
from tests.conftest import NOW
from tests.factories import (
    T0,
    make_airports,
    make_carrier,
    make_flight,
    make_hotel,
    make_org,
    make_user,
)

TOKENS = {"ava": "tok-ava", "mia": "tok-mia", "gus": "tok-gus"}


@dataclass(frozen=True)
class World:
    """Ids of what ``seeded`` created (the JFK→LHR flight is 17 days out)."""

    economy_offer: str
    business_offer: str
    first_offer: str
    hotel_offer: str
    flight_date: str

    @staticmethod
    def auth(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKENS[user]}"}


async def seed_world(runtime: Runtime) -> World:
    """The world most API tests run in: Acme (Mia manages Ava), Globex (Gus), a flight, a hotel."""
    async with runtime.db.uow() as session:
        await make_org(session)
        await make_org(session, id="globex", name="Globex")
        await make_user(session, id="mia", role="manager", token_hash=hash_token(TOKENS["mia"]))
        await make_user(session, id="ava", manager_id="mia", token_hash=hash_token(TOKENS["ava"]))
        await make_user(session, id="gus", org_id="globex", token_hash=hash_token(TOKENS["gus"]))
        await make_airports(session)
        await make_carrier(session)
        flight, inv = await make_flight(session, depart_at=T0 + timedelta(days=17))
        # Offer ids take hotel ids of [A-Z0-9] only (core.search.offers).
        await make_hotel(session, id="HTLLON1")
        economy, business, first = (inv["economy"].id, inv["business"].id, inv["first"].id)
        flight_date = flight.date.isoformat()
    return World(
        economy_offer=f"FL-{economy}",
        business_offer=f"FL-{business}",
        first_offer=f"FL-{first}",
        hotel_offer="HT-HTLLON1-20261218-20261220",
        flight_date=flight_date,
    )


@pytest.fixture
async def seeded(runtime: Runtime) -> World:
    return await seed_world(runtime)


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime=runtime)


@pytest.fixture
async def api_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: a 500 must come back as a response, as in production.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client
    if app.state.turns is not None:  # chat turns still running in the background
        await app.state.turns.aclose()


@pytest.fixture
async def client(api_client: httpx.AsyncClient, seeded: World) -> httpx.AsyncClient:
    """``api_client`` on the seeded world: what most API tests take (a module may
    override ``app`` to configure it)."""
    return api_client


# -- the demo data (the chat tests: the real planner needs real routes) ---------------

DEMO_HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW", "CDG", "ORD")


@pytest.fixture
def demo_hubs() -> tuple[str, ...]:
    """The airports ``demo`` seeds; a module overrides this fixture to seed fewer."""
    return DEMO_HUBS


@pytest.fixture
async def demo(runtime: Runtime, demo_hubs: tuple[str, ...]) -> Runtime:
    """``runtime`` with the demo data (``core.seed``): 30 days of flights between ``demo_hubs``."""
    async with runtime.db.uow() as session:
        await seed_demo(
            session, today=NOW.date(), days_ahead=30, hubs=demo_hubs, settings=runtime.settings, now=NOW
        )
    return runtime


@pytest.fixture
async def demo_client(demo: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app (real agent: Concierge + offline planner + tools) over ``demo``."""
    async with client_of(create_app(runtime=demo)) as c:
        yield c
