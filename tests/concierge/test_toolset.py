"""Approval tools are offered to people who approve, and only to them."""

from __future__ import annotations

from concierge.service import Concierge
from concierge.toolset import APPROVER_TOOLS, may_approve
from core.identity import Caller
from core.runtime import Runtime
from tests.concierge.conftest import collect
from tests.concierge.scripted import ScriptedModel
from tests.core.booking_world import AVA, GUS, MIA
from tests.factories import make_user
from tools.registry import TOOLS


def offered(model: ScriptedModel) -> set[str]:
    return {t["function"]["name"] for t in model.requests[-1].tools}


async def test_a_traveller_is_not_offered_the_approval_tools_a_manager_is(
    world_rt: Runtime,
) -> None:
    model = ScriptedModel()
    concierge = await Concierge.open(world_rt, model, tools=TOOLS)
    try:
        await collect(concierge.turn(AVA, message="anything to approve?"))
        assert offered(model) == set(TOOLS) - APPROVER_TOOLS
        await collect(concierge.turn(MIA, message="anything to approve?"))
        assert offered(model) == set(TOOLS)
    finally:
        await concierge.aclose()


async def test_who_may_approve(world_rt: Runtime) -> None:
    assert await may_approve(world_rt, MIA)  # a role above traveller
    assert await may_approve(world_rt, Caller("victor", "acme", "vp_finance"))
    assert not await may_approve(world_rt, AVA)
    assert not await may_approve(world_rt, GUS)
    # A traveller with a report can be routed a manager step by the org chart.
    async with world_rt.db.uow() as s:
        await make_user(s, id="intern", manager_id="ava")
    assert await may_approve(world_rt, AVA)
    # ...but a report in another organization does not count.
    async with world_rt.db.uow() as s:
        await make_user(s, id="gus-intern", org_id="acme", manager_id="gus")
    assert not await may_approve(world_rt, GUS)
