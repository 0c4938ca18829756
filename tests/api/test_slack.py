"""The Slack bot end to end: signed requests into ``POST /slack/events``, the real
agent (offline planner) on demo data, and a fake Slack Web API that records what
the bot posts."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from api.app import create_app
from api.slack import blocks, streaming
from api.slack.threads import thread_for
from core.config import Settings
from core.identity import Caller
from core.models import Booking, SegmentPassenger
from core.models.conversation import Thread
from core.notify.relay import relay_outbox
from core.runtime import Runtime
from core.seed import seed_demo
from tests.conftest import NOW
from tests.fakes.slack_fake import TEAM_ID, SlackCall, SlackFake, sign

SECRET = "slack-signing-secret"
TOKEN = "xoxb-test-token"
# A small slice of the demo catalogue: enough for New York → London.
HUBS = ["JFK", "EWR", "LGA", "LHR", "LGW"]
FLIGHT_DAY = "2026-12-15"  # ≥ 7 days after the frozen clock: Acme's policy is green


@dataclass
class Slack:
    fake: SlackFake
    client: httpx.AsyncClient
    app: FastAPI
    runtime: Runtime
    _n: int = 0

    def next_ts(self) -> str:
        self._n += 1
        return f"{1_765_000_000 + self._n}.{self._n:06d}"

    async def send(
        self,
        payload: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        signed_with: str = SECRET,
        timestamp: int | None = None,
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        return await self.client.post(
            "/slack/events",
            content=body,
            headers={
                "Content-Type": "application/json",
                **sign(signed_with, body, timestamp=timestamp),
                **(headers or {}),
            },
        )

    async def message(
        self,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        channel: str | None = None,
        event_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[httpx.Response, str]:
        ts = self.next_ts()
        event: dict[str, Any] = {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel or f"D{user}",
            "team": TEAM_ID,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        envelope = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0CONCIERGE",
            "type": "event_callback",
            "event_id": event_id or f"Ev{ts.replace('.', '')}",
            "event_time": int(time.time()),
            "event": event,
        }
        return await self.send(envelope, headers=headers), ts

    async def click(self, user: str, posted: SlackCall, action_id: str) -> httpx.Response:
        """Click the button ``action_id`` on a message the bot posted."""
        # The same posted message always has the same ts, as in Slack.
        ts = f"{1_766_000_000 + self.fake.calls.index(posted)}.000001"
        message = {
            "type": "message",
            "ts": ts,
            "text": posted.params.get("text", ""),
            "blocks": posted.params.get("blocks", []),
        }
        if posted.params.get("thread_ts"):
            message["thread_ts"] = posted.params["thread_ts"]
        action = _find_action(posted.params.get("blocks", []), action_id)
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user},
            "api_app_id": "A0CONCIERGE",
            "token": "legacy",
            "trigger_id": "1.2.3",
            "channel": {"id": posted.params["channel"]},
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": posted.params["channel"],
            },
            "message": message,
            "actions": [
                {**action, "block_id": action.get("block_id", "b"), "action_ts": str(time.time())}
            ],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.client.post(
            "/slack/events",
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)},
        )

    async def idle(self) -> None:
        """Let the bot's background work (bolt's listener tasks, then ours) finish."""
        for _ in range(3):
            await asyncio.sleep(0.05)
            await self.app.state.slack.wait_idle()
            turns = getattr(self.app.state, "turns", None)
            if turns is not None:
                await turns.wait_idle()


def _find_action(blocks_: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks_:
        accessory = block.get("accessory")
        if accessory and accessory.get("action_id") == action_id:
            return accessory
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return {**element, "block_id": block.get("block_id")}
    raise AssertionError(f"no button {action_id} in {json.dumps(blocks_)[:500]}")


def _action_ids(call: SlackCall) -> list[str]:
    ids = []
    for block in call.params.get("blocks", []):
        if block.get("accessory"):
            ids.append(block["accessory"]["action_id"])
        ids.extend(e["action_id"] for e in block.get("elements", []) if "action_id" in e)
    return ids


def _all_text(call: SlackCall) -> str:
    parts = [str(call.params.get("text", ""))]
    for block in call.params.get("blocks", []):
        parts.append(str((block.get("text") or {}).get("text", "")))
        parts.extend(
            str(e.get("text", "")) for e in block.get("elements", []) if e.get("type") == "mrkdwn"
        )
    return "\n".join(parts)


@pytest.fixture
async def slack(
    runtime: Runtime, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Slack]:
    # These tests read each answer's one message: no edits while it streams (timing on a
    # busy machine would decide how many there are). Streaming: test_slack_streaming.py.
    monkeypatch.setattr(streaming, "UPDATE_SECONDS", 3600.0)
    fake = SlackFake(token=TOKEN).start()
    async with runtime.db.uow() as session:
        await seed_demo(
            session, today=NOW.date(), days_ahead=16, hubs=HUBS, settings=settings, now=NOW
        )
    app_settings = settings.model_copy(
        update={
            "slack_bot_token": TOKEN,
            "slack_signing_secret": SECRET,
            "slack_api_base_url": fake.base_url,
            "run_jobs_in_process": False,
        }
    )
    app = create_app(settings=app_settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        s = Slack(fake=fake, client=client, app=app, runtime=runtime)
        yield s
        await s.idle()
        turns = getattr(app.state, "turns", None)
        if turns is not None:
            await turns.aclose()
    fake.stop()


# ---------------------------------------------------------------- the door


async def test_url_verification_answers_the_challenge(slack: Slack) -> None:
    response = await slack.send({"type": "url_verification", "token": "t", "challenge": "c-123"})
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


@pytest.mark.parametrize(
    ("secret", "age_seconds"),
    [("wrong-secret", 0), (SECRET, 10 * 60)],
    ids=["bad-signature", "stale-timestamp"],
)
async def test_bad_or_stale_signatures_are_401_and_do_nothing(
    slack: Slack, secret: str, age_seconds: int
) -> None:
    response = await slack.send(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event_id": "Ev1",
            "event": {
                "type": "message",
                "channel_type": "im",
                "user": "U0AVA",
                "text": "hi",
                "ts": "1.1",
                "channel": "DU0AVA",
            },
        },
        signed_with=secret,
        timestamp=int(time.time()) - age_seconds,
    )
    assert response.status_code == 401
    await slack.idle()
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_unsigned_request_is_401(slack: Slack) -> None:
    response = await slack.client.post(
        "/slack/events", json={"type": "url_verification", "challenge": "x"}
    )
    assert response.status_code == 401


async def test_without_slack_settings_the_endpoint_is_a_404_problem(runtime: Runtime) -> None:
    app = create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/slack/events", content=b"{}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


# ---------------------------------------------------------------- people and threads


async def test_unknown_slack_user_gets_a_polite_not_linked_reply_in_the_thread(
    slack: Slack,
) -> None:
    response, ts = await slack.message("U0STRANGER", "Fly me to London")
    assert response.status_code == 200
    [reply] = await slack.fake.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == ts
    assert reply.params["channel"] == "DU0STRANGER"
    assert "isn't linked" in reply.params["text"]


async def test_a_retried_event_runs_once(slack: Slack) -> None:
    first, _ = await slack.message("U0STRANGER", "hello", event_id="EvSAME")
    retry, _ = await slack.message(
        "U0STRANGER",
        "hello",
        event_id="EvSAME",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert first.status_code == retry.status_code == 200
    await slack.fake.wait_for("chat.postMessage")
    await slack.idle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_the_answer_is_acknowledged_before_the_turn_runs(slack: Slack) -> None:
    # The HTTP answer comes back before any reply is posted: the turn runs afterwards.
    started = time.monotonic()
    response, _ = await slack.message("U0AVA", f"Fly me from New York to London on {FLIGHT_DAY}")
    assert response.status_code == 200
    assert time.monotonic() - started < 3.0
    await slack.fake.wait_for("chat.postMessage")


async def test_one_slack_thread_is_one_conversation(slack: Slack) -> None:
    ava = Caller(user_id="ava", org_id="acme", role="traveler", name="Ava Patel")
    a, b = await asyncio.gather(
        thread_for(slack.runtime, ava, "DU0AVA", "100.1"),
        thread_for(slack.runtime, ava, "DU0AVA", "100.1"),
    )
    other = await thread_for(slack.runtime, ava, "DU0AVA", "200.2")
    assert a.id == b.id
    assert other.id != a.id
    async with slack.runtime.db.uow(write=False) as session:
        count = await session.scalar(
            select(func.count()).select_from(Thread).where(Thread.channel == "slack")
        )
    assert count == 2


# ---------------------------------------------------------------- booking in Slack


async def _search(slack: Slack) -> tuple[SlackCall, str]:
    _, ts = await slack.message("U0AVA", f"Fly me from New York to London on {FLIGHT_DAY}")
    [reply] = await slack.fake.wait_for("chat.postMessage")
    return reply, ts


async def test_search_replies_in_the_thread_with_option_sections(slack: Slack) -> None:
    reply, ts = await _search(slack)
    assert reply.params["thread_ts"] == ts
    ids = _action_ids(reply)
    assert f"{blocks.ACTION_BOOK}:flight:1" in ids
    text = _all_text(reply)
    assert "JFK" in text or "EWR" in text or "LGA" in text
    assert "in policy" in text or "needs approval" in text
    # One rendering (issue 12): the options are the blocks; the words don't list them again.
    shown = re.findall(r"^\*\d+\. ([^*]+)\*", text, flags=re.MULTILINE)
    assert shown
    assert not any(flight in reply.params["text"] for flight in shown), reply.params["text"]


async def test_book_then_confirm_by_click_confirms_the_trip(slack: Slack) -> None:
    reply, ts = await _search(slack)
    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    posts = await slack.fake.wait_for("chat.postMessage", count=2)
    ask = posts[-1]
    assert ask.params["thread_ts"] == ts
    assert blocks.ACTION_CONFIRM in _action_ids(ask), _all_text(ask)

    await slack.click("U0AVA", ask, blocks.ACTION_CONFIRM)
    posts = await slack.fake.wait_for("chat.postMessage", count=3)
    await slack.idle()
    [update] = slack.fake.calls_to("chat.update")
    assert "Confirmed by <@U0AVA>" in json.dumps(update.params["blocks"])
    async with slack.runtime.db.uow(write=False) as session:
        statuses = list(
            await session.scalars(select(Booking.status).where(Booking.traveler_id == "ava"))
        )
    assert statuses == ["confirmed"]
    answer = _all_text(posts[-1])
    assert "confirmed" in answer
    assert "*BK-" in answer  # Markdown bold became Slack mrkdwn
    assert "**" not in answer


async def test_someone_else_cannot_click_confirm(slack: Slack) -> None:
    reply, _ = await _search(slack)
    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    ask = (await slack.fake.wait_for("chat.postMessage", count=2))[-1]

    await slack.click("U0MIA", ask, blocks.ACTION_CONFIRM)  # her manager, but not her trip's yes
    [warning] = await slack.fake.wait_for("chat.postEphemeral")
    await slack.idle()
    assert warning.params["user"] == "U0MIA"
    assert slack.fake.calls_to("chat.update") == []
    async with slack.runtime.db.uow(write=False) as session:
        statuses = list(
            await session.scalars(select(Booking.status).where(Booking.traveler_id == "ava"))
        )
    assert statuses == ["held"]


async def test_cancel_click_declines_and_nothing_is_paid(slack: Slack) -> None:
    reply, _ = await _search(slack)
    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    ask = (await slack.fake.wait_for("chat.postMessage", count=2))[-1]
    await slack.click("U0AVA", ask, blocks.ACTION_DECLINE)
    await slack.fake.wait_for("chat.postMessage", count=3)
    await slack.idle()
    [update] = slack.fake.calls_to("chat.update")
    assert "Cancelled by <@U0AVA>" in json.dumps(update.params["blocks"])
    async with slack.runtime.db.uow(write=False) as session:
        statuses = list(
            await session.scalars(select(Booking.status).where(Booking.traveler_id == "ava"))
        )
    assert "confirmed" not in statuses


# ---------------------------------------------------------------- manager approvals in Slack


async def _trip_needing_approval(slack: Slack) -> str:
    """Ava holds and confirms a flight 3 days out (amber: < 7 days ahead) → pending approval."""
    ava = {"Authorization": "Bearer demo-ava"}
    day = (NOW.date() + dt.timedelta(days=3)).isoformat()
    search = await slack.client.get(
        "/v1/flights/search",
        params={"origin": "JFK", "destination": "LHR", "date": day, "max_stops": 0},
        headers=ava,
    )
    offer = search.json()["offers"][0]["offer_id"]
    held = await slack.client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": offer, "quantity": 1}]},
        headers={**ava, "Idempotency-Key": "slack-test-hold"},
    )
    booking_id = held.json()["booking_id"]
    confirm = await slack.client.post(
        f"/v1/bookings/{booking_id}/confirm",
        headers={**ava, "Idempotency-Key": "slack-test-confirm"},
    )
    assert confirm.status_code == 202, confirm.text
    await relay_outbox(slack.runtime)
    return booking_id


async def test_manager_gets_a_dm_and_approves_with_a_click(slack: Slack) -> None:
    booking_id = await _trip_needing_approval(slack)
    opened = [c.params["users"] for c in slack.fake.calls_to("conversations.open")]
    assert "U0MIA" in opened
    [dm] = [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.params["channel"] == "D0MIA" and blocks.ACTION_APPROVE in _action_ids(c)
    ]

    # The click is a decide_approval action: the concierge asks for a yes in the DM's thread.
    before = len(slack.fake.calls_to("chat.postMessage"))
    await slack.click("U0MIA", dm, blocks.ACTION_APPROVE)
    ask = (await slack.fake.wait_for("chat.postMessage", count=before + 1))[-1]
    await slack.idle()
    assert ask.params["channel"] == "D0MIA"
    assert blocks.ACTION_CONFIRM in _action_ids(ask), _all_text(ask)
    async with slack.runtime.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.status == "pending_approval"  # nothing recorded before the yes

    await slack.click("U0MIA", ask, blocks.ACTION_CONFIRM)
    [update] = await slack.fake.wait_for("chat.update")
    await slack.idle()
    assert "Confirmed by <@U0MIA>" in json.dumps(update.params["blocks"])
    assert "Approved" in _all_text(slack.fake.calls_to("chat.postMessage")[-1])
    async with slack.runtime.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.status == "confirmed"


async def test_an_approval_click_is_checked_against_the_clickers_rights(slack: Slack) -> None:
    booking_id = await _trip_needing_approval(slack)
    [dm] = [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.params["channel"] == "D0MIA" and blocks.ACTION_APPROVE in _action_ids(c)
    ]

    # Ava forwards her manager's message and clicks Approve herself: refused.
    await slack.click("U0AVA", dm, blocks.ACTION_APPROVE)
    [refusal] = await slack.fake.wait_for("chat.postEphemeral")
    await slack.idle()
    assert refusal.params["user"] == "U0AVA"
    assert slack.fake.calls_to("chat.update") == []
    async with slack.runtime.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.status == "pending_approval"


async def test_round_trip_buttons_hold_both_directions_as_one_booking(slack: Slack) -> None:
    _, ts = await slack.message(
        "U0AVA", f"Fly me from New York to London on {FLIGHT_DAY}, returning 2026-12-17"
    )
    [reply] = await slack.fake.wait_for("chat.postMessage")
    ids = _action_ids(reply)
    assert f"{blocks.ACTION_BOOK}:flight:1" in ids
    assert f"{blocks.ACTION_BOOK}:return:1" in ids  # a separate group, its own buttons
    assert "Return flights" in _all_text(reply)

    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    waiting = (await slack.fake.wait_for("chat.postMessage", count=2))[-1]
    await slack.idle()
    assert "return flight" in _all_text(waiting)
    assert blocks.ACTION_CONFIRM not in _action_ids(waiting)  # nothing held yet
    async with slack.runtime.db.uow(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Booking)) == 0

    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:return:1")
    ask = (await slack.fake.wait_for("chat.postMessage", count=3))[-1]
    assert ask.params["thread_ts"] == ts
    assert blocks.ACTION_CONFIRM in _action_ids(ask), _all_text(ask)
    await slack.click("U0AVA", ask, blocks.ACTION_CONFIRM)
    await slack.fake.wait_for("chat.postMessage", count=4)
    await slack.idle()
    ava = {"Authorization": "Bearer demo-ava"}
    [booking] = (await slack.client.get("/v1/bookings", headers=ava)).json()["bookings"]
    assert booking["status"] == "confirmed"
    places = [(s["origin"], s["destination"]) for s in booking["segments"]]
    assert places[0][0] in {"JFK", "EWR", "LGA"}
    assert places[-1][1] in {"JFK", "EWR", "LGA"}  # the way home in the same booking


async def test_a_red_option_has_no_book_button(slack: Slack) -> None:
    await slack.message("U0AVA", f"Fly me from New York to London on {FLIGHT_DAY} in first class")
    [reply] = await slack.fake.wait_for("chat.postMessage")
    await slack.idle()
    assert "Can't be booked" in _all_text(reply)
    assert not [i for i in _action_ids(reply) if i.startswith(blocks.ACTION_BOOK)]


async def test_someone_else_cannot_click_book(slack: Slack) -> None:
    reply, _ = await _search(slack)
    await slack.click("U0MIA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    [warning] = await slack.fake.wait_for("chat.postEphemeral")
    await slack.idle()
    assert warning.params["user"] == "U0MIA"
    async with slack.runtime.db.uow(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Booking)) == 0
    # Mia's refused click did not use up the button: Ava's own click still holds.
    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    await slack.fake.wait_for("chat.postMessage", count=2)
    await slack.idle()
    async with slack.runtime.db.uow(write=False) as session:
        held = await session.scalar(
            select(func.count()).select_from(Booking).where(Booking.traveler_id == "ava")
        )
    assert held == 1


async def test_a_tampered_book_button_is_refused_privately(slack: Slack) -> None:
    reply, _ = await _search(slack)
    for block in reply.params["blocks"]:
        if block.get("accessory", {}).get("action_id") == f"{blocks.ACTION_BOOK}:flight:1":
            block["accessory"]["value"] = json.dumps({"offer_id": "FL-999999"})
    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    [refusal] = await slack.fake.wait_for("chat.postEphemeral")
    await slack.idle()
    assert refusal.params["user"] == "U0AVA"
    assert "not among the options" in refusal.params["text"]
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # nothing said in the thread
    async with slack.runtime.db.uow(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Booking)) == 0


async def test_a_channel_mention_starts_a_thread_and_follow_ups_need_no_mention(
    slack: Slack,
) -> None:
    ts = slack.next_ts()
    mention = {
        "type": "app_mention",
        "user": "U0AVA",
        "channel": "C0TRAVEL",
        "ts": ts,
        "team": TEAM_ID,
        "text": f"<@U0CONCIERGE> Fly me from New York to London on {FLIGHT_DAY}",
    }
    envelope = {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "event_id": "EvMENTION",
        "event_time": int(time.time()),
        "event": mention,
    }
    assert (await slack.send(envelope)).status_code == 200
    [reply] = await slack.fake.wait_for("chat.postMessage")
    assert (reply.params["channel"], reply.params["thread_ts"]) == ("C0TRAVEL", ts)

    # Chatter in the channel that is neither a mention nor in a conversation's thread: ignored.
    chatter = {
        "type": "message",
        "channel_type": "channel",
        "user": "U0AVA",
        "channel": "C0TRAVEL",
        "ts": slack.next_ts(),
        "text": "lunch?",
        "team": TEAM_ID,
    }
    await slack.send(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event_id": "EvLUNCH",
            "event_time": int(time.time()),
            "event": chatter,
        }
    )
    await slack.idle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    slack.fake.calls.clear()
    event = {
        "type": "message",
        "channel_type": "channel",
        "user": "U0AVA",
        "channel": "C0TRAVEL",
        "ts": slack.next_ts(),
        "thread_ts": ts,
        "text": "option 1 please",
        "team": TEAM_ID,
    }
    await slack.send(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event_id": "EvFOLLOW",
            "event_time": int(time.time()),
            "event": event,
        }
    )
    [answer] = await slack.fake.wait_for("chat.postMessage")
    await slack.idle()
    assert answer.params["thread_ts"] == ts
    assert blocks.ACTION_CONFIRM in _action_ids(answer)
    async with slack.runtime.db.uow(write=False) as session:
        conversations = await session.scalar(
            select(func.count()).select_from(Thread).where(Thread.channel == "slack")
        )
    assert conversations == 1


@pytest.mark.race
async def test_without_the_event_claim_a_retry_answers_twice(
    slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other half of the pair below: proves the duplicate is real when the claim is off.
    async def always_first(*_args: Any, **_kwargs: Any) -> bool:
        return True

    monkeypatch.setattr("api.slack.bot.claim_event", always_first)
    await asyncio.gather(
        slack.message("U0STRANGER", "hello", event_id="EvTWICE"),
        slack.message(
            "U0STRANGER", "hello", event_id="EvTWICE", headers={"X-Slack-Retry-Num": "1"}
        ),
    )
    await slack.fake.wait_for("chat.postMessage", count=2)


@pytest.mark.race
async def test_concurrent_deliveries_of_one_event_answer_once(slack: Slack) -> None:
    await asyncio.gather(
        *[
            slack.message(
                "U0STRANGER", "hello", event_id="EvRACE", headers={"X-Slack-Retry-Num": str(n)}
            )
            for n in range(4)
        ]
    )
    await slack.fake.wait_for("chat.postMessage")
    await slack.idle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_a_double_click_on_book_holds_once(slack: Slack) -> None:
    reply, _ = await _search(slack)
    await asyncio.gather(
        slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1"),
        slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1"),
    )
    await slack.fake.wait_for("chat.postMessage", count=2)
    await slack.idle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 2
    async with slack.runtime.db.uow(write=False) as session:
        held = await session.scalar(
            select(func.count()).select_from(Booking).where(Booking.traveler_id == "ava")
        )
    assert held == 1


async def test_seats_are_a_short_choice_and_a_click_chooses_one(slack: Slack) -> None:
    reply, ts = await _search(slack)
    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    await slack.fake.wait_for("chat.postMessage", count=2)
    await slack.idle()
    await slack.message("U0AVA", "show me the seat map", thread_ts=ts)
    posts = await slack.fake.wait_for("chat.postMessage", count=3)
    choice = posts[-1]
    seat_ids = [i for i in _action_ids(choice) if i.startswith(f"{blocks.ACTION_SEAT}:")]
    assert 1 <= len(seat_ids) <= blocks.SEAT_CHOICES  # a short choice, not the whole cabin
    button = _find_action(choice.params["blocks"], seat_ids[0])
    assert button["text"]["text"].startswith("Window ")
    seat = button["text"]["text"].split()[-1]

    await slack.click("U0MIA", choice, seat_ids[0])  # not Mia's conversation
    [warning] = await slack.fake.wait_for("chat.postEphemeral")
    assert warning.params["user"] == "U0MIA"
    await slack.click("U0AVA", choice, seat_ids[0])
    posts = await slack.fake.wait_for("chat.postMessage", count=4)
    await slack.idle()
    assert seat in _all_text(posts[-1])
    async with slack.runtime.db.uow(write=False) as session:
        seats = list(await session.scalars(select(SegmentPassenger.seat)))
    assert seats == [seat]


async def test_a_cancellation_is_asked_with_a_confirm_button_and_a_yes_naming_it_cancels(
    slack: Slack,
) -> None:
    """The cancel question renders as any confirmation (its line and the buttons), and
    carries what it cancels: "yes, cancel the London flight" agrees to it."""
    reply, ts = await _search(slack)
    await slack.click("U0AVA", reply, f"{blocks.ACTION_BOOK}:flight:1")
    ask = (await slack.fake.wait_for("chat.postMessage", count=2))[-1]
    await slack.click("U0AVA", ask, blocks.ACTION_CONFIRM)
    await slack.fake.wait_for("chat.postMessage", count=3)
    await slack.idle()

    await slack.message("U0AVA", "cancel my London trip", thread_ts=ts)
    cancel_ask = (await slack.fake.wait_for("chat.postMessage", count=4))[-1]
    assert blocks.ACTION_CONFIRM in _action_ids(cancel_ask), _all_text(cancel_ask)
    assert "Cancel BK-" in _all_text(cancel_ask)

    await slack.message("U0AVA", "yes, cancel the London flight", thread_ts=ts)
    await slack.fake.wait_for("chat.postMessage", count=5)
    await slack.idle()
    async with slack.runtime.db.uow(write=False) as session:
        statuses = list(
            await session.scalars(select(Booking.status).where(Booking.traveler_id == "ava"))
        )
    assert statuses == ["cancelled"]
