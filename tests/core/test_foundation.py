from __future__ import annotations

from sqlalchemy import select

from core.models import Organization
from tests.factories import make_org


async def test_unit_of_work_commits_and_rolls_back(database):
    async with database.uow() as session:
        await make_org(session)
    try:
        async with database.uow() as session:
            await make_org(session, id="globex", name="Globex")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with database.uow(write=False) as session:
        ids = (await session.scalars(select(Organization.id))).all()
    assert ids == ["acme"]


async def test_datetimes_come_back_timezone_aware(database):
    async with database.uow() as session:
        await make_org(session)
    async with database.uow(write=False) as session:
        org = await session.get(Organization, "acme")
        assert org is not None
        assert org.created_at.tzinfo is not None
