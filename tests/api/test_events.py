"""GET /v1/events: the caller's own changes, live, from any API process.

The stream is served by a real uvicorn socket (httpx's ASGI transport buffers whole
responses). "Another process" is a second runtime with its own database engine and
its own app, as a second API process has: its commits wake no stream of the first
one directly, so what reaches the first stream came through the database poll (no
Redis) or through Redis pub/sub.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from httpx_sse import aconnect_sse
from sqlalchemy import select

from api.app import create_app
from core import outbox
from core.clock import FrozenClock
from core.config import Settings
from core.db import Database
from core.identity import hash_token
from core.jobs.builtin import sweep_expired_holds
from core.models import OutboxEvent
from core.notify.messages import recipients
from core.runtime import Runtime, build_runtime
from tests.api.conftest import TOKENS, World
from tests.api.test_changes import _confirmed, _flight
from tests.api.test_flight_webhook import _body, _post
from tests.api.test_problems import assert_problem
from tests.conftest import REDIS_URL, requires_postgres
from tests.factories import guests_json, make_user

NED = "tok-ned"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Without Redis a stream reads the outbox every 0.2 s here (1 s by default).
    return settings.model_copy(update={"events_poll_seconds": 0.2})


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime=runtime)


@pytest.fixture
async def live(app: FastAPI, seeded: World, runtime: Runtime) -> AsyncIterator[str]:
    async with runtime.db.uow() as s:
        await make_user(s, id="ned", manager_id="mia", token_hash=hash_token(NED))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@contextlib.asynccontextmanager
async def other_process(
    settings: Settings, clock: FrozenClock, **changes: Any
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    """A second API process on the same database (and the same Redis, if any)."""
    rt = build_runtime(
        settings.model_copy(update=changes), clock=clock, db=Database(settings.database_url)
    )
    transport = httpx.ASGITransport(app=create_app(runtime=rt), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield rt, client
    await rt.close()


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {NED if user == 'ned' else TOKENS[user]}"}


class Stream:
    """One open ``GET /v1/events``: its events land in a queue as they arrive."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.opened = asyncio.Event()

    async def next(self, within: float = 2.0) -> tuple[str, dict[str, Any]]:
        return await asyncio.wait_for(self.events.get(), within)

    async def nothing_within(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            got = await asyncio.wait_for(self.events.get(), seconds)
            raise AssertionError(f"unexpected event {got}")


@contextlib.asynccontextmanager
async def stream(base: str, user: str, **headers: str) -> AsyncIterator[Stream]:
    out = Stream()

    async def read() -> None:
        async with (
            httpx.AsyncClient(base_url=base, timeout=None) as client,
            aconnect_sse(client, "GET", "/v1/events", headers={**auth(user), **headers}) as sse,
        ):
            assert sse.response.status_code == 200
            out.opened.set()
            async for event in sse.aiter_sse():
                if not event.data:
                    # the 15 s keep-alive comment, which httpx-sse reports as an empty event
                    # once an id has been seen (a slow run reaches it: CI's PostgreSQL pass)
                    continue
                await out.events.put((event.id, json.loads(event.data)))

    task = asyncio.create_task(read())
    await asyncio.wait_for(out.opened.wait(), 5)
    await asyncio.sleep(0.1)  # past the opening read of "where the feed is now"
    try:
        yield out
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def send_for_approval(client: httpx.AsyncClient, world: World, key: str) -> tuple[str, str]:
    """Ava holds one business seat (amber: her manager Mia approves) and confirms it."""
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": world.business_offer, "passengers": guests_json(1)}]},
        headers={**auth("ava"), "Idempotency-Key": f"hold-{key}"},
    )
    assert held.status_code == 201, held.text
    booking_id = held.json()["booking_id"]
    sent = await client.post(
        f"/v1/bookings/{booking_id}/confirm",
        headers={**auth("ava"), "Idempotency-Key": f"confirm-{key}"},
    )
    assert sent.status_code == 202, sent.text
    return booking_id, sent.json()["approval_id"]


async def decide(
    client: httpx.AsyncClient, approval_id: str, decision: str, note: str = ""
) -> httpx.Response:
    return await client.post(
        f"/v1/approvals/{approval_id}/decision",
        json={"decision": decision, "note": note},
        headers={**auth("mia"), "Idempotency-Key": f"decide-{approval_id}-{decision}-{len(note)}"},
    )


@pytest.mark.skipif(REDIS_URL is not None, reason="the database-polling backend (no Redis)")
async def test_events_from_another_process_arrive_by_polling_the_database(
    live: str, seeded: World, settings: Settings, clock: FrozenClock
) -> None:
    async with (
        other_process(settings, clock) as (_rt, other),
        stream(live, "ava") as ava,
        stream(live, "mia") as mia,
    ):
        booking_id, approval_id = await send_for_approval(other, seeded, "poll")
        _id, asked = await mia.next()
        assert (asked["topic"], asked["approval_id"], asked["booking_id"]) == (
            "approval.requested", approval_id, booking_id
        )
        assert "needs your approval" in asked["message"]

        _id, held = await ava.next()
        assert (held["topic"], held["booking_id"]) == ("booking.held", booking_id)
        # Her trip's move to "waiting for approval": watched (she asked for it herself).
        _id, parked = await ava.next()
        assert (parked["topic"], parked["status"], parked["watching"]) == (
            "booking.pending_approval", "pending_approval", True
        )

        decided = await decide(other, approval_id, "approve", "Offsite budget")
        assert decided.status_code == 200, decided.text
        seen = [await ava.next() for _ in range(2)]
        topics = [(e["topic"], e["status"]) for _id, e in seen]
        assert topics == [("approval.decided", "approved"), ("booking.confirmed", "confirmed")]
        assert seen[0][1]["note"] == "Offsite budget"
        assert "was approved by" in seen[0][1]["message"]
        # Ids only grow: they are the places to resume from.
        assert int(seen[0][0]) < int(seen[1][0])
        # Mia's inbox changed (she watches the decision) and nothing else of Ava's reaches her.
        _id, watched = await mia.next()
        assert (watched["topic"], watched["watching"]) == ("approval.decided", True)
        assert seen[0][1]["watching"] is False
        await mia.nothing_within(0.5)


@pytest.mark.skipif(REDIS_URL is None, reason="needs CONCIERGE_TEST_REDIS_URL")
async def test_events_from_another_process_arrive_through_redis(
    runtime: Runtime, seeded: World, settings: Settings, clock: FrozenClock
) -> None:
    """Polls an hour apart on both processes: only Redis pub/sub can carry it within 2 s."""
    slow = {"events_poll_seconds": 3600.0, "events_redis_poll_seconds": 3600.0}
    served = build_runtime(settings.model_copy(update=slow), clock=clock, db=runtime.db)
    app = create_app(runtime=served)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        async with other_process(settings, clock, **slow) as (other_rt, other):
            async with stream(base, "mia") as mia:
                assert served.events is not None
                # The stream's watch starts the subscription; on a busy machine it may take
                # longer than the stream's opening read (CI's PostgreSQL pass saw it).
                async with asyncio.timeout(5):
                    while not served.events.subscribed:  # noqa: ASYNC110
                        await asyncio.sleep(0.01)
                _booking_id, approval_id = await send_for_approval(other, seeded, "redis")
                _id, asked = await mia.next(within=2.0)
                assert asked["approval_id"] == approval_id

                # The same move with the other process's publishing off: nothing comes.
                assert other_rt.events is not None
                other_rt.events.publish_enabled = False
                await send_for_approval(other, seeded, "redis-muted")
                await mia.nothing_within(2.0)
    finally:
        server.should_exit = True
        await task
        if served.redis is not None:
            await served.redis.aclose()


async def test_nobody_gets_another_persons_events(
    live: str, seeded: World, api_client: httpx.AsyncClient
) -> None:
    async with (
        stream(live, "ava") as ava,
        stream(live, "ned") as ned,  # Ava's colleague, same manager
        stream(live, "gus") as gus,  # another organization
    ):
        _booking_id, approval_id = await send_for_approval(api_client, seeded, "mine")
        rejected = await decide(api_client, approval_id, "reject", "Take economy")
        assert rejected.status_code == 200, rejected.text
        # Ava's: her hold, the decision and the trip leaving "pending" — not the request
        # that waited on Mia.
        seen = [(await ava.next())[1] for _ in range(4)]
        assert [(e["topic"], e["status"]) for e in seen] == [
            ("booking.held", "held"),
            ("booking.pending_approval", "pending_approval"),
            ("approval.decided", "rejected"),
            ("booking.cancelled", "cancelled"),
        ]
        assert seen[2]["note"] == "Take economy"
        await ned.nothing_within(1.0)
        await gus.nothing_within(0.1)


async def test_a_rejection_moves_the_trip_out_of_pending_at_once(
    live: str, seeded: World, api_client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The rejection's own transaction cancels the booking, and says so: a
    ``booking.cancelled`` right after the decision, which Ava (told already by the
    decision) and the booker watch; the relay tells nobody a second time."""
    async with stream(live, "ava") as ava, stream(live, "mia") as mia:
        booking_id, approval_id = await send_for_approval(api_client, seeded, "rejected")
        assert (await ava.next())[1]["topic"] == "booking.held"
        assert (await ava.next())[1]["topic"] == "booking.pending_approval"
        assert (await mia.next())[1]["topic"] == "approval.requested"
        rejected = await decide(api_client, approval_id, "reject", "Take economy")
        assert rejected.status_code == 200, rejected.text
        (decided_id, decided), (cancelled_id, cancelled) = [await ava.next() for _ in range(2)]
        assert (decided["topic"], decided["watching"]) == ("approval.decided", False)
        assert int(decided_id) < int(cancelled_id)
        assert {k: cancelled[k] for k in ("topic", "booking_id", "status", "watching")} == {
            "topic": "booking.cancelled", "booking_id": booking_id, "status": "cancelled",
            "watching": True,
        }
        # Mia, who decided, watches the decision only; the trip is not hers.
        assert (await mia.next())[1]["topic"] == "approval.decided"
        await mia.nothing_within(0.5)
    trip = await api_client.get(f"/v1/bookings/{booking_id}", headers=auth("ava"))
    assert trip.json()["status"] == "cancelled"
    async with runtime.db.uow(write=False) as session:
        row = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.key == f"booking:{booking_id}:cancelled")
        )
        assert row is not None
        assert await recipients(session, row) == []  # told once, by the decision


async def test_last_event_id_resumes_exactly_after_it(
    live: str, seeded: World, api_client: httpx.AsyncClient
) -> None:
    async with stream(live, "ava") as ava:
        _b, approval_id = await send_for_approval(api_client, seeded, "resume")
        assert (await decide(api_client, approval_id, "approve")).status_code == 200
        seen = [await ava.next() for _ in range(4)]
    assert [e["topic"] for _id, e in seen] == [
        "booking.held", "booking.pending_approval", "approval.decided", "booking.confirmed"
    ]
    async with stream(live, "ava", **{"Last-Event-ID": seen[2][0]}) as resumed:
        assert await resumed.next() == seen[3]
        await resumed.nothing_within(0.5)
    async with stream(live, "ava", **{"Last-Event-ID": "0"}) as replay:
        # Ava's own only: the request that waited on Mia is not among them.
        assert [await replay.next() for _ in range(4)] == seen
        await replay.nothing_within(0.3)


@pytest.mark.parametrize("bad", ["abc", "-3", "1.5"])
async def test_a_malformed_last_event_id_is_a_problem(
    client: httpx.AsyncClient, bad: str
) -> None:
    response = await client.get("/v1/events", headers={**auth("ava"), "Last-Event-ID": bad})
    assert_problem(response, 422, "VALIDATION_ERROR")


async def test_events_need_a_caller(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/events")
    assert response.status_code == 401


async def test_rejecting_without_a_note_is_a_named_problem(
    client: httpx.AsyncClient, seeded: World
) -> None:
    _booking_id, approval_id = await send_for_approval(client, seeded, "note")
    for note in ("", "   "):
        response = await decide(client, approval_id, "reject", note)
        assert_problem(response, 422, "REJECTION_NOTE_REQUIRED")
    # Nothing was decided: the approval still waits on Mia.
    listing = await client.get("/v1/approvals?status=pending", headers=auth("mia"))
    assert [a["approval_id"] for a in listing.json()["approvals"]] == [approval_id]



async def test_a_hold_that_runs_out_is_told_live(
    live: str, seeded: World, api_client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    held = await api_client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer, "quantity": 1}]},
        headers={**auth("ava"), "Idempotency-Key": "hold-expiring"},
    )
    assert held.status_code == 201, held.text
    async with stream(live, "ava") as ava:
        clock.advance(timedelta(seconds=runtime.settings.hold_ttl_seconds + 1))
        assert await sweep_expired_holds(runtime) == 1
        _id, event = await ava.next()
        assert (event["topic"], event["status"], event["booking_id"]) == (
            "booking.expired", "expired", held.json()["booking_id"]
        )
        assert "ran out" in event["message"]


# ------------------------------------------------ ids that commit out of order (PostgreSQL)


def _event_for_ava(session: Any, runtime: Runtime, name: str) -> None:
    outbox.emit(
        session, org_id="acme", topic="booking.held", key=f"test:{name}",
        payload={"booking_id": f"BK-{name.upper()}", "notify": ["ava"]},
        at=runtime.clock.now(),
    )


async def _id_of(session: Any, name: str) -> int:
    await session.flush()
    found = await session.scalar(select(OutboxEvent.id).where(OutboxEvent.key == f"test:{name}"))
    assert found is not None
    return int(found)


@requires_postgres
async def test_an_id_that_commits_after_a_higher_one_is_not_skipped(
    live: str, runtime: Runtime
) -> None:
    """Two real transactions: T1 takes id n, T2 takes n+1 and commits first. The stream
    holds n+1 back while n may still come, then sends n, n+1 in order; resuming after n
    gives n+1 only."""
    async with stream(live, "ava") as ava:
        async with runtime.db.uow() as first:
            _event_for_ava(first, runtime, "first")
            low = await _id_of(first, "first")
            async with runtime.db.uow() as second:
                _event_for_ava(second, runtime, "second")
                high = await _id_of(second, "second")
            assert high > low  # committed: visible, and its commit woke the stream
            await ava.nothing_within(1.0)  # held back: `low` is still in flight
        got = [await ava.next() for _ in range(2)]
        assert [int(i) for i, _e in got] == [low, high]
        assert [e["booking_id"] for _i, e in got] == ["BK-FIRST", "BK-SECOND"]
        await ava.nothing_within(0.3)
    async with stream(live, "ava", **{"Last-Event-ID": str(low)}) as resumed:
        assert int((await resumed.next())[0]) == high
        await resumed.nothing_within(0.3)


@requires_postgres
async def test_a_stream_opened_while_an_id_is_in_flight_gets_it_when_it_commits(
    live: str, runtime: Runtime
) -> None:
    """Opened without Last-Event-ID: what committed before is not news, the id still in
    flight then is."""
    in_flight = runtime.db.uow()
    first = await in_flight.__aenter__()
    _event_for_ava(first, runtime, "inflight")
    low = await _id_of(first, "inflight")
    async with runtime.db.uow() as second:
        _event_for_ava(second, runtime, "before")
        await _id_of(second, "before")
    async with stream(live, "ava") as ava:
        await ava.nothing_within(0.5)
        await in_flight.__aexit__(None, None, None)  # commits, with the stream open
        event_id, event = await ava.next()
        assert (int(event_id), event["booking_id"]) == (low, "BK-INFLIGHT")
        await ava.nothing_within(0.5)


@requires_postgres
async def test_an_id_rolled_back_holds_nothing_for_long(live: str, runtime: Runtime) -> None:
    """A gap left by a rollback (or a failed insert) is settled once every transaction
    that may own it has ended — 0.5–0.7 s measured here; at most ``grace`` seconds when a
    transaction open elsewhere on the server keeps that from being known."""
    settings_grace = 4.0
    assert runtime.events is not None
    runtime.events.horizon.grace_seconds = settings_grace
    async with stream(live, "ava") as ava:
        with contextlib.suppress(RuntimeError):
            async with runtime.db.uow() as doomed:
                _event_for_ava(doomed, runtime, "doomed")
                await _id_of(doomed, "doomed")
                raise RuntimeError("rolled back")
        async with runtime.db.uow() as after:
            _event_for_ava(after, runtime, "after")
        started = asyncio.get_running_loop().time()
        _id, event = await ava.next(within=settings_grace + 2)
        assert event["booking_id"] == "BK-AFTER"
        assert asyncio.get_running_loop().time() - started < settings_grace + 1


async def test_a_cancelled_flight_reaches_the_travellers_open_page(
    live: str, seeded: World, api_client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    """Issue 12: "your flight was cancelled — here are alternatives", live: the airline's
    signed feed cancels Ava's flight and her open stream says so, with the booking."""
    booking_id = await _confirmed(api_client, seeded, seeded.economy_offer)
    await _flight(runtime, "119", 40000)  # an alternative to suggest
    async with stream(live, "ava") as ava, stream(live, "gus") as gus:
        clock.advance(timedelta(hours=1))
        fed = await _post(api_client, _body(seeded), int(clock.now().timestamp()))
        assert fed.json()["affected_bookings"] == 1
        seen: list[dict[str, Any]] = []
        while not any(e["topic"] == "disruption.detected" for e in seen):
            seen.append((await ava.next(within=3.0))[1])
        (told,) = [e for e in seen if e["topic"] == "disruption.detected"]
        assert (told["booking_id"], told["status"], told["watching"]) == (
            booking_id, "cancelled", False
        )
        # The alternatives come with it: the feed's sentence lists them.
        assert "is cancelled" in told["message"]
        assert "Options to rebook" in told["message"]
        assert "BA 119" in told["message"]
        await gus.nothing_within(0.3)  # another organization hears nothing of it
