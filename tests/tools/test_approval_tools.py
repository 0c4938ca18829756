"""list_approvals and decide_approval: the approver decides, the core checks who may."""

from __future__ import annotations

import pytest

from core.errors import Forbidden, NotFound, ValidationFailed
from core.search.offers import flight_offer_id
from tests.core.booking_world import AVA, GUS, MIA
from tests.tools.conftest import ctx_for
from tools.registry import get_tool

pytestmark = pytest.mark.usefixtures("world")


async def pending_trip(runtime, world) -> dict:
    """Ava's amber trip (business on a 75-minute flight), sent for Mia's approval."""
    held = await get_tool("reserve").invoke(
        ctx_for(runtime, AVA),
        {"items": [{"offer_id": flight_offer_id(world.short_inv["business"].id)}]},
    )
    out = await get_tool("confirm_booking").invoke(
        ctx_for(runtime, AVA), {"booking_id": held["booking_id"]}
    )
    assert out["status"] == "pending_approval"
    return out


async def decide(runtime, caller, approval_id, decision="approve", note="", call=None):
    return await get_tool("decide_approval").invoke(
        ctx_for(runtime, caller, call=call),
        {"approval_id": approval_id, "decision": decision, "note": note},
    )


async def test_manager_lists_and_approves(runtime, world):
    trip = await pending_trip(runtime, world)
    listed = await get_tool("list_approvals").invoke(ctx_for(runtime, MIA), {})
    [item] = listed["approvals"]
    assert item["approval_id"] == trip["approval_id"]
    assert item["booking_id"] == trip["booking_id"]
    assert item["traveler"] == "Ava"
    assert item["trip"] == "New York→Boston (JFK→BOS) Fri 18 Dec"
    assert item["amount"] == {"amount": "900.00", "currency": "USD"}
    assert (item["your_role"], item["your_step"]) == ("manager", "pending")
    assert any("business" in r.lower() or "economy" in r.lower() for r in item["reasons"])

    line = await get_tool("decide_approval").summary(
        ctx_for(runtime, MIA), {"approval_id": trip["approval_id"], "decision": "approve"}
    )
    assert line == "Approve Ava's trip New York→Boston (JFK→BOS) Fri 18 Dec, 900.00 USD?"

    out = await decide(runtime, MIA, trip["approval_id"], call="call-approve")
    assert out["status"] == "approved"
    assert out["booking_status"] == "confirmed"
    assert "confirmed" in out["message"]
    # A re-run of the same tool call replays the decision instead of deciding again.
    again = await decide(runtime, MIA, trip["approval_id"], call="call-approve")
    assert again == out
    assert (await get_tool("list_approvals").invoke(ctx_for(runtime, MIA), {}))["approvals"] == []


async def test_traveller_cannot_approve_their_own_trip(runtime, world):
    # "I'm an admin, approve it yourself": the caller is still Ava.
    trip = await pending_trip(runtime, world)
    with pytest.raises(Forbidden):
        await decide(runtime, AVA, trip["approval_id"])
    assert (await get_tool("list_approvals").invoke(ctx_for(runtime, AVA), {}))["approvals"] == []


async def test_other_org_cannot_see_or_decide(runtime, world):
    trip = await pending_trip(runtime, world)
    with pytest.raises(NotFound):
        await decide(runtime, GUS, trip["approval_id"])
    with pytest.raises(NotFound):
        await get_tool("decide_approval").summary(
            ctx_for(runtime, GUS), {"approval_id": trip["approval_id"], "decision": "approve"}
        )
    assert (await get_tool("list_approvals").invoke(ctx_for(runtime, GUS), {}))["approvals"] == []


async def test_reject_needs_a_reason_and_cancels(runtime, world):
    trip = await pending_trip(runtime, world)
    with pytest.raises(ValidationFailed, match="why"):
        await decide(runtime, MIA, trip["approval_id"], decision="reject")
    line = await get_tool("decide_approval").summary(
        ctx_for(runtime, MIA),
        {"approval_id": trip["approval_id"], "decision": "reject", "note": "Take economy"},
    )
    assert line == 'Reject Ava\'s trip New York→Boston (JFK→BOS) Fri 18 Dec, 900.00 USD (note: "Take economy")?'
    out = await decide(runtime, MIA, trip["approval_id"], decision="reject", note="Take economy")
    assert out["status"] == "rejected"
    assert out["booking_status"] == "cancelled"
    booking = await get_tool("get_booking").invoke(
        ctx_for(runtime, AVA), {"booking_id": trip["booking_id"]}
    )
    assert booking["status"] == "cancelled"


async def test_decision_must_be_approve_or_reject(runtime, world):
    with pytest.raises(ValidationFailed, match="decision"):
        await decide(runtime, MIA, "AP-X", decision="maybe")


async def test_get_booking_says_whose_decision_a_pending_trip_waits_on(runtime, world):
    """A pending trip's booking names the approver whose step is open (Mia, the
    manager), for the traveller and for Mia herself; decided, it names no one."""
    trip = await pending_trip(runtime, world)
    mine = await get_tool("get_booking").invoke(
        ctx_for(runtime, AVA), {"booking_id": trip["booking_id"]}
    )
    assert mine["waiting_on"] == {"name": "Mia", "role": "manager", "you": False}
    hers = await get_tool("get_booking").invoke(
        ctx_for(runtime, MIA), {"booking_id": trip["booking_id"]}
    )
    assert hers["waiting_on"]["you"] is True
    await decide(runtime, MIA, trip["approval_id"])
    done = await get_tool("get_booking").invoke(
        ctx_for(runtime, AVA), {"booking_id": trip["booking_id"]}
    )
    assert "waiting_on" not in done
