"""core.conversation: the one owner of threads and of the traveller profile."""

from __future__ import annotations

import asyncio

import pytest

from core.booking.access import has_confirmed_trips
from core.conversation.profile import find_traveller_profile, prompt_facts, traveller_profile
from core.conversation.threads import find_thread_for_key, open_thread, rekey, thread_for_key
from core.errors import NotFound
from core.identity import Caller
from core.orgchart import may_approve
from core.policy.rules import default_rules
from core.policy.service import get_rules, set_rules
from tests.factories import make_org, make_user

AVA = Caller(user_id="ava", org_id="acme", role="traveler", name="Ava")
MIA = Caller(user_id="mia", org_id="acme", role="manager", name="Mia")
GUS = Caller(user_id="gus", org_id="globex", role="traveler", name="Gus")


async def people(rt) -> None:
    async with rt.db.uow() as s:
        await make_org(s)
        await make_org(s, id="globex", name="Globex")
        await make_user(s, id="mia", role="manager")
        await make_user(s, id="ava", manager_id="mia", home_airport="JFK")
        await make_user(s, id="gus", org_id="globex")


async def test_a_thread_is_its_owners_alone(runtime, clock):
    await people(runtime)
    async with runtime.db.uow() as s:
        mine = await open_thread(s, AVA, thread_id=None, channel="web", external_key=None,
                                 title="London", now=clock.now())
    async with runtime.db.uow() as s:
        again = await open_thread(s, AVA, thread_id=mine.id, channel="web", external_key=None,
                                  title=None, now=clock.now())
        assert again.id == mine.id
        assert again.title == "London"
    for stranger in (MIA, GUS):
        with pytest.raises(NotFound):
            async with runtime.db.uow() as s:
                await open_thread(s, stranger, thread_id=mine.id, channel="web",
                                  external_key=None, title=None, now=clock.now())


async def test_a_channel_key_is_one_conversation_and_never_someone_elses(runtime, clock):
    await people(runtime)
    a, b = await asyncio.gather(
        thread_for_key(runtime, AVA, "slack", "C1:1.1"), thread_for_key(runtime, AVA, "slack", "C1:1.1")
    )
    assert a.id == b.id
    with pytest.raises(NotFound):
        async with runtime.db.uow() as s:
            await open_thread(s, MIA, thread_id=None, channel="slack", external_key="C1:1.1",
                              title=None, now=clock.now())
    assert await find_thread_for_key(runtime, "acme", "slack", "C1:1.1", user_id="mia") is None


async def test_rekey_leaves_a_taken_key_with_its_thread(runtime):
    await people(runtime)
    first = await thread_for_key(runtime, AVA, "openai", "k1")
    second = await thread_for_key(runtime, AVA, "openai", "k2")
    assert await rekey(runtime, AVA, second.id, channel="openai", key="k1") is False
    assert (await find_thread_for_key(runtime, "acme", "openai", "k1")).id == first.id
    assert await rekey(runtime, AVA, second.id, channel="openai", key="k3") is True
    assert (await find_thread_for_key(runtime, "acme", "openai", "k3")).id == second.id


async def test_the_profile_names_the_manager_and_the_reports(runtime):
    await people(runtime)
    async with runtime.db.uow(write=False) as s:
        ava = await traveller_profile(s, AVA)
        mia = await traveller_profile(s, MIA, reports=25)
        assert await find_traveller_profile(s, Caller(user_id="ava", org_id="globex",
                                                      role="traveler", name="x")) is None
    assert (ava.home_airport, ava.manager.user_id if ava.manager else None) == ("JFK", "mia")
    assert ava.can_book_for == []
    assert [p.user_id for p in mia.can_book_for] == ["ava"]
    assert mia.manager is None


async def test_the_prompts_facts_in_one_read_are_those_read_one_by_one(runtime, clock):
    """``prompt_facts`` (issue 15: one statement for the concierge's prompt) answers what
    the profile, the org chart, the policy and the bookings answer, each on its own."""
    await people(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="zed", manager_id="gus")  # a manager in another organization
        await set_rules(s, "acme", {**default_rules().to_document(), "advance_purchase_days": 3},
                        clock.now())
    zed = Caller(user_id="zed", org_id="acme", role="traveler", name="Zed")
    ghost = Caller(user_id="ghost", org_id="acme", role="traveler", name="Ghost")
    for caller in (AVA, MIA, GUS, zed, ghost):
        async with runtime.db.uow(write=False) as s:
            facts = await prompt_facts(s, caller, reports=25)
        async with runtime.db.uow(write=False) as s:
            approver = await may_approve(s, caller)
            assert facts.approver == approver
            assert facts.traveller == await find_traveller_profile(
                s, caller, reports=25 if approver else 0
            )
            assert facts.rules == await get_rules(s, caller.org_id)
            assert facts.confirmed_trips == await has_confirmed_trips(s, caller)
    async with runtime.db.uow(write=False) as s:
        assert (await prompt_facts(s, MIA, reports=25)).traveller.can_book_for[0].user_id == "ava"
        assert (await prompt_facts(s, AVA, reports=25)).rules.advance_purchase_days == 3
        assert (await prompt_facts(s, ghost, reports=25)).traveller is None
