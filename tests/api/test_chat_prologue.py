"""A chat turn's `start` does not wait on the turns already running (issue 15).

What it used to wait on, measured at 40 users on one process: authentication's read,
the thread's checks, the checkpoint read behind every running turn's checkpoint writes
(one lock for the whole saver), and an event loop kept busy by the running turns. Here:
the caller remembered for a few seconds (revocation honoured when that lapses), a turn
that waits for the CPU gate leaving another's `start` alone, a remote model's wait
spent out of the gate, and the checkpointer's calls side by side.
"""

from __future__ import annotations

import asyncio
import gc
import time
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import update
from starlette.requests import Request

from api.auth import CallerCache, current_caller
from api.heap import FREEZE_AFTER_TURNS, HeapFreezer
from api.turns import TurnPrologues, TurnRunner
from concierge.checkpoint import PooledPostgresSaver, open_checkpointer
from concierge.cpu_gate import CpuGate, prologues_first, waiting_elsewhere
from core.identity import Caller, hash_token
from core.models import User
from core.runtime import Runtime
from tests.api.conftest import World
from tests.conftest import PG_URL
from tests.fakes.scripted_concierge import ScriptedConcierge
from tests.roundtrips import count_round_trips

AVA = Caller(user_id="ava", org_id="acme", role="traveler")


async def _types(runner: TurnRunner, turn_id: str) -> list[str]:
    return [data["type"] for _id, data in await runner.streams.read(turn_id)]


async def test_a_turn_waiting_for_the_cpu_gate_starts_at_once_and_runs_after(
    runtime: Runtime, seeded: World
) -> None:
    """Every computing place taken (a slow turn holds the only one): a new turn still
    gets its `start` at once — it has a slot, so it is not told it is queued — and runs
    only once the place is free."""
    runtime.settings = runtime.settings.model_copy(
        update={"chat_max_concurrent_turns": 4, "chat_max_computing_turns": 1}
    )
    agent = ScriptedConcierge()
    runner = TurnRunner(runtime, engine=agent)
    try:
        await runner.start_turn(AVA, message="slow")
        await asyncio.wait_for(agent.at_gate.wait(), 30)
        assert runner.cpu.free == 0
        second = await asyncio.wait_for(runner.start_turn(AVA, message="hi"), 30)
        await asyncio.sleep(0.05)  # room for it to run, were it allowed to
        assert await _types(runner, second.turn_id) == ["turn-start"]
        agent.gate.set()
        await runner.wait_idle()
        after = await _types(runner, second.turn_id)
        assert after[0] == "turn-start"
        assert "turn-queued" not in after
        assert after[-1] == "turn-finish"
        assert "text-start" in after
        assert runner.cpu.free == 1
    finally:
        agent.gate.set()
        await runner.aclose()


async def test_the_gate_lets_as_many_compute_as_it_has_places_and_no_more() -> None:
    gate = CpuGate(2)
    running = 0
    most = 0

    async def turn() -> None:
        nonlocal running, most
        async with gate.turn():
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(turn() for _ in range(7)))
    assert most == 2
    assert gate.free == 2


async def test_a_remote_models_wait_is_spent_out_of_the_gate() -> None:
    """While one turn waits on a model (``waiting_elsewhere``) another computes; the
    first takes a place again before it goes on, and gives it back once at the end."""
    gate = CpuGate(1)
    model_called = asyncio.Event()
    answer = asyncio.Event()
    order: list[str] = []

    async def waits_on_a_model() -> None:
        async with gate.turn():
            async with waiting_elsewhere():
                model_called.set()
                await answer.wait()
                order.append("model answered")
            assert gate.free == 0  # computing again, in its place
            order.append("first goes on")

    async def computes() -> None:
        await model_called.wait()
        async with gate.turn():
            order.append("second computed")
            answer.set()
            await asyncio.sleep(0)

    await asyncio.wait_for(asyncio.gather(waits_on_a_model(), computes()), 10)
    assert order == ["second computed", "model answered", "first goes on"]
    assert gate.free == 1


async def test_waiting_elsewhere_outside_a_gated_turn_is_a_no_op() -> None:
    async with waiting_elsewhere():
        pass  # evaluations and tests call the agent without a runner, hence no gate


async def _step_while_a_prologue_waits(gate: CpuGate, counted: bool) -> list[str]:
    """A turn in the gate reaches a step (``prologues_first``) while a request is on its
    way to its `start`, counted as a prologue or not: the order things happen in."""
    order: list[str] = []
    at_step = asyncio.Event()
    end = gate.prologue() if counted else None

    async def turn() -> None:
        async with gate.turn():
            at_step.set()
            await prologues_first()
            order.append("turn step")

    async def prologue() -> None:
        await at_step.wait()
        await asyncio.sleep(0.05)  # the request's round trips
        order.append("prologue start sent")
        if end is not None:
            end()

    await asyncio.wait_for(asyncio.gather(turn(), prologue()), 10)
    return order


async def test_a_turn_gives_way_to_a_requests_prologue_at_its_next_step() -> None:
    """The race pair of the prologues' priority (concierge.cpu_gate): counted, the
    request's `start` goes before the turn's next step, and the turn has its place back
    after; not counted (the guard off), the turn's step goes first."""
    gate = CpuGate(1)
    assert await _step_while_a_prologue_waits(gate, counted=True) == [
        "prologue start sent",
        "turn step",
    ]
    assert gate.free == 1
    assert gate.prologues == 0
    assert await _step_while_a_prologue_waits(CpuGate(1), counted=False) == [
        "turn step",
        "prologue start sent",
    ]


async def test_a_turn_gives_way_for_a_bounded_time_only() -> None:
    """A prologue that never ends (or a stream of them) slows the turns, never stops
    them: each step waits at most ``prologue_wait``."""
    gate = CpuGate(1, prologue_wait=0.05)
    end = gate.prologue()
    started = time.monotonic()
    async with gate.turn():  # waits at the door too
        await prologues_first()
        assert gate.free == 0
    assert 0.09 <= time.monotonic() - started < 5
    end()
    end()  # a second end is a no-op
    assert gate.prologues == 0
    assert gate.free == 1


async def test_a_chat_request_is_a_prologue_until_its_response_starts() -> None:
    """``TurnPrologues`` counts POST /v1/chat from its arrival to its first answer
    message (the `start` chunk's headers, or a problem), not the rest of the stream;
    other requests are not counted."""
    gate = CpuGate(1)
    state = type("State", (), {"turns": type("Runner", (), {"cpu": gate})()})()
    seen: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(gate.prologues)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        seen.append(gate.prologues)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def send(_message: Any) -> None:
        seen.append(gate.prologues)

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    middleware = TurnPrologues(app)
    for method, path in (("POST", "/v1/chat"), ("GET", "/v1/bookings")):
        seen.clear()
        scope = {
            "type": "http",
            "method": method,
            "path": path,
            "app": type("App", (), {"state": state})(),
        }
        await middleware(scope, receive, send)
        if path == "/v1/chat":
            assert seen == [1, 0, 0, 0], seen
        else:
            assert seen == [0, 0, 0, 0], seen
    assert gate.prologues == 0


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL's autocommit path")
async def test_a_new_threads_turn_reaches_start_in_one_round_trip(
    runtime: Runtime, seeded: World
) -> None:
    """On PostgreSQL a new conversation's turn sends `start` after one statement: its
    thread, born claimed, INSERTed in autocommit (no BEGIN, no COMMIT), and no contention
    lock on a thread nobody else knows yet. The turn itself waits at the CPU gate."""
    runtime.settings = runtime.settings.model_copy(update={"chat_max_computing_turns": 1})
    runner = TurnRunner(runtime)
    try:
        await runner.engine()
        async with runner.cpu.turn():  # the only place: the turn stops at the gate
            with count_round_trips(runtime.db.engine) as seen:
                handle = await runner.start_turn(AVA, message="hello")
            assert handle.thread_id
        assert seen.total == 1, str(seen)
        assert seen.statements[0].startswith("INSERT INTO threads"), str(seen)
        await runner.wait_idle()
    finally:
        await runner.aclose()


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL's autocommit path")
async def test_a_callers_token_is_read_in_one_round_trip(runtime: Runtime, seeded: World) -> None:
    app = type("App", (), {"state": type("State", (), {"runtime": runtime})()})()
    request = Request({"type": "http", "app": app, "headers": []})
    token = seeded.auth("ava")["Authorization"].removeprefix("Bearer ")
    with count_round_trips(runtime.db.engine) as seen:
        caller = await current_caller(
            request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
        )
    assert caller.user_id == "ava"
    assert seen.total == 1, str(seen)


# -- authentication ----------------------------------------------------------------


async def test_a_known_caller_is_not_read_again_within_the_cache_time(
    api_client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    assert (await api_client.get("/v1/bookings", headers=seeded.auth("ava"))).status_code == 200
    with count_round_trips(runtime.db.engine) as seen:
        again = await api_client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert again.status_code == 200
    assert not any("users" in s and "token_hash" in s for s in seen.statements), str(seen)


async def test_a_revoked_token_is_refused_once_the_cache_time_has_passed(
    api_client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    """A token is revoked by clearing (or replacing) its user's ``token_hash``: every
    process honours that within ``auth_cache_seconds``."""
    app = api_client._transport.app  # type: ignore[attr-defined]
    now = [1000.0]
    app.state.caller_cache = CallerCache(5.0, clock=lambda: now[0])
    assert (await api_client.get("/v1/bookings", headers=seeded.auth("ava"))).status_code == 200
    async with runtime.db.uow() as session:
        await session.execute(update(User).where(User.id == "ava").values(token_hash=None))

    now[0] += 4.9  # remembered a little longer
    assert (await api_client.get("/v1/bookings", headers=seeded.auth("ava"))).status_code == 200
    now[0] += 0.2  # then read again: revoked
    refused = await api_client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert refused.status_code == 401
    assert refused.json()["code"] == "UNAUTHORIZED"


async def test_unknown_tokens_are_not_remembered_and_a_new_token_works_at_once(
    api_client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    fresh = {"Authorization": "Bearer tok-ava-rotated"}
    assert (await api_client.get("/v1/bookings", headers=fresh)).status_code == 401
    async with runtime.db.uow() as session:
        await session.execute(
            update(User).where(User.id == "ava").values(token_hash=hash_token("tok-ava-rotated"))
        )
    assert (await api_client.get("/v1/bookings", headers=fresh)).status_code == 200


def test_the_cache_forgets_the_oldest_past_its_size_and_nothing_when_off() -> None:
    cache = CallerCache(10.0, max_entries=2, clock=lambda: 0.0)
    for n in range(3):
        cache.put(f"k{n}", Caller(user_id=f"u{n}", org_id="acme", role="traveler"))
    assert cache.get("k0") is None
    assert cache.get("k2") is not None
    off = CallerCache(0.0)
    off.put("k", AVA)
    assert off.get("k") is None


# -- the heap ----------------------------------------------------------------------


def test_the_heap_is_frozen_after_the_first_turns_then_ever_more_rarely(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen: list[int] = []
    heap = HeapFreezer()
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(heap.turns))
    for _ in range(1100):
        heap.turn_finished()
    assert frozen == sorted(FREEZE_AFTER_TURNS) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]


# -- the checkpointer ----------------------------------------------------------------


async def test_the_postgres_checkpointer_runs_its_calls_side_by_side(runtime: Runtime) -> None:
    """LangGraph's saver serializes every call behind one lock (langgraph#7259): a
    checkpoint read waited for every other call of the process. Ours reads while another
    call holds a connection."""
    if runtime.settings.is_sqlite:
        pytest.skip("PostgreSQL's checkpointer")
    async with AsyncExitStack() as stack:
        saver = await open_checkpointer(runtime.settings, stack)
        assert isinstance(saver, PooledPostgresSaver)
        busy = asyncio.Event()

        async def slow_call() -> None:
            async with saver._cursor() as cursor:
                busy.set()
                await cursor.execute("SELECT pg_sleep(2)")

        slow = asyncio.create_task(slow_call())
        await asyncio.wait_for(busy.wait(), 30)
        started = time.monotonic()
        found = await saver.aget_tuple({"configurable": {"thread_id": "th_side_by_side"}})
        assert found is None
        assert time.monotonic() - started < 1.5, "the read waited for the other call"
        await slow
