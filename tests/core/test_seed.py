"""Demo data: the documented people, tokens and policies; idempotent; never in production."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.config import Settings
from core.identity import authenticate
from core.models import Flight, Organization, RoomInventory, User
from core.policy.rules import acme_default, default_rules
from core.policy.service import get_rules, get_rules_version
from core.seed import DemoModeRefused, seed_demo

TODAY = date(2026, 12, 1)
HUBS = ["JFK", "BOS", "LHR"]


async def seed(database, settings, **kwargs):
    async with database.uow() as session:
        return await seed_demo(
            session, today=TODAY, days_ahead=2, hubs=HUBS, settings=settings, **kwargs
        )


async def test_demo_people_tokens_and_policies(database, settings):
    summary = await seed(database, settings)
    assert summary["orgs_created"] == 2
    assert summary["users_created"] == 7
    assert summary["catalogue"]["flights"] > 0

    async with database.uow(write=False) as session:
        orgs = {o.id: (o.name, o.currency) for o in await session.scalars(select(Organization))}
        assert orgs == {"acme": ("Acme Corp", "USD"), "globex": ("Globex", "USD")}

        users = {u.id: u for u in await session.scalars(select(User))}
        assert set(users) == {"ava", "mia", "victor", "erin", "fin", "admin", "gus"}
        ava = users["ava"]
        assert (ava.org_id, ava.role, ava.department, ava.home_airport, ava.manager_id) == (
            "acme", "traveler", "Engineering", "JFK", "mia"
        )
        assert ava.name == "Ava Patel"
        assert (users["mia"].role, users["mia"].manager_id) == ("manager", "victor")
        assert (users["victor"].role, users["victor"].department) == ("vp_finance", "Finance")
        assert users["erin"].role == "executive"
        assert users["fin"].role == "finance"
        assert users["admin"].role == "admin"
        assert (users["gus"].org_id, users["gus"].home_airport) == ("globex", "ORD")

        # Each token authenticates as its user; the token itself is not stored.
        for user_id in users:
            caller = await authenticate(session, f"demo-{user_id}")
            assert (caller.user_id, caller.org_id) == (user_id, users[user_id].org_id)
            assert users[user_id].token_hash != f"demo-{user_id}"

        assert (await get_rules(session, "acme")).to_document() == acme_default().to_document()
        assert (await get_rules(session, "globex")).to_document() == default_rules().to_document()
        assert await session.scalar(select(func.count()).select_from(RoomInventory)) > 0


async def test_seeding_again_changes_nothing_and_restores_demo_values(database, settings):
    await seed(database, settings)
    async with database.uow(write=False) as session:
        flights_before = await session.scalar(select(func.count()).select_from(Flight))
    async with database.uow() as session:
        ava = await session.get(User, "ava")
        assert ava is not None
        ava.role = "admin"  # someone played with the demo
        ava.manager_id = None

    summary = await seed(database, settings)

    assert (summary["orgs_created"], summary["users_created"]) == (0, 0)
    assert summary["catalogue"]["flights"] == 0
    async with database.uow(write=False) as session:
        ava = await session.get(User, "ava")
        assert ava is not None
        assert (ava.role, ava.manager_id) == ("traveler", "mia")
        assert await session.scalar(select(func.count()).select_from(User)) == 7
        assert await session.scalar(select(func.count()).select_from(Flight)) == flights_before
        # The unchanged policy is not rewritten (no version churn).
        assert await get_rules_version(session, "acme") == 1


async def test_demo_mode_is_refused_in_production(database, settings):
    production = Settings(**{**settings.model_dump(), "env": "production"})
    with pytest.raises(DemoModeRefused, match="production"):
        await seed(database, production)
    async with database.uow(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
