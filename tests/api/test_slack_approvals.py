"""Approvals in Slack (issue 12): the manager's request carries the same facts as the
web page's card, and the decision is posted back into the Slack thread the traveller
sent the trip from — against the local fake Slack Web API."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from api.slack import blocks
from core.models import Booking
from core.notify.relay import relay_outbox
from tests.api.test_slack import Slack, _action_ids, _all_text, slack  # noqa: F401 - fixture
from tests.conftest import NOW

MIA = {"Authorization": "Bearer demo-mia"}


async def _sent_for_approval_in_slack(slack: Slack) -> tuple[str, str]:  # noqa: F811
    """Ava, in a Slack DM thread, books a flight 3 days out (amber: < 7 days ahead) and
    says yes: it goes to Mia. Returns (booking id, Ava's thread ts)."""
    day = (NOW.date() + dt.timedelta(days=3)).isoformat()
    _, ts = await slack.message("U0AVA", f"Fly me from New York to London on {day}")
    [options] = await slack.fake.wait_for("chat.postMessage")
    await slack.click("U0AVA", options, f"{blocks.ACTION_BOOK}:flight:1")
    ask = (await slack.fake.wait_for("chat.postMessage", count=2))[-1]
    assert blocks.ACTION_CONFIRM in _action_ids(ask), _all_text(ask)
    await slack.click("U0AVA", ask, blocks.ACTION_CONFIRM)
    await slack.fake.wait_for("chat.postMessage", count=3)
    await slack.idle()
    async with slack.runtime.db.uow(write=False) as session:
        booking = await session.scalar(select(Booking).where(Booking.traveler_id == "ava"))
    assert booking is not None
    assert booking.status == "pending_approval"
    assert booking.thread_id is not None  # the conversation it was confirmed from
    return booking.id, ts


async def test_the_request_carries_the_facts_and_the_decision_lands_in_the_thread(
    slack: Slack,  # noqa: F811
) -> None:
    booking_id, ts = await _sent_for_approval_in_slack(slack)
    approval = (await slack.client.get("/v1/approvals?status=pending", headers=MIA)).json()
    [item] = approval["approvals"]
    approval_id = item["approval_id"]
    trip = item["booking"]
    # The purpose is the traveller's to give (here over the API, as the page would).
    said = await slack.client.post(
        "/v1/tools/set_trip_purpose",
        json={"booking_id": booking_id, "purpose": "Customer workshop in London"},
        headers={"Authorization": "Bearer demo-ava", "Idempotency-Key": "purpose-1"},
    )
    assert said.status_code == 200, said.text

    await relay_outbox(slack.runtime)
    requests = [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.params["channel"] == "D0MIA" and blocks.ACTION_APPROVE in _action_ids(c)
    ]
    assert requests, [c.params for c in slack.fake.calls_to("chat.postMessage")]
    card = json.dumps(requests[-1].params["blocks"], ensure_ascii=False)
    # Traveller, route, dates, cabin, total (as money), every reason, the purpose.
    for fact in (
        "Ava Patel",
        trip["route"],
        f"{dt.date.fromisoformat(trip['start_date']):%a %d %b %Y}",
        trip["cabin"],
        trip["total_text"],
        *item["reasons"],
        "Customer workshop in London",
    ):
        assert fact in card, (fact, card)
    assert "," in trip["total_text"] or float(trip["total"]["amount"]) < 1000

    decided = await slack.client.post(
        f"/v1/approvals/{approval_id}/decision",
        json={"decision": "approve", "note": "Good luck with the workshop"},
        headers={**MIA, "Idempotency-Key": "slack-decide-1"},
    )
    assert decided.status_code == 200, decided.text
    before = len(slack.fake.calls_to("chat.postMessage"))
    await relay_outbox(slack.runtime)
    await slack.idle()
    posted = slack.fake.calls_to("chat.postMessage")[before:]
    in_thread = [c for c in posted if c.params.get("thread_ts") == ts]
    assert len(in_thread) == 1, [c.params for c in posted]
    told = _all_text(in_thread[0])
    assert "approved by Mia Chen" in told
    assert "Good luck with the workshop" in told
    assert in_thread[0].params["channel"] == "DU0AVA"
    # In the thread, not as a DM besides: Ava hears it once.
    assert not [
        c for c in posted if c.params["channel"] == "D0AVA" and "approved" in _all_text(c)
    ]

    # The conversation's history has it too (a reload, another device).
    async with slack.runtime.db.uow(write=False) as session:
        thread_id = await session.scalar(select(Booking.thread_id).where(Booking.id == booking_id))
    history = await slack.client.get(
        f"/v1/threads/{thread_id}", headers={"Authorization": "Bearer demo-ava"}
    )
    texts = [
        p.get("text", "")
        for m in history.json()["messages"]
        if m["role"] == "assistant"
        for p in m["parts"]
        if p.get("type") == "text"
    ]
    assert any("approved by Mia Chen" in t and "Good luck" in t for t in texts), texts
