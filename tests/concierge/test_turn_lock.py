"""One turn at a time per thread: race pairs for the database claim and the contention lock.

The claim (a conditional UPDATE on ``threads``) is the truth; the lock (in-process or
Redis) only saves polling. Switching both off lets two turns run at once; either
one alone prevents it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from concierge.locks import TurnInProgress, claim_in, claim_turn, thread_turn
from concierge.service import Concierge
from core.locks import NoLocks
from core.models import Thread
from core.runtime import Runtime
from tests.concierge.conftest import collect
from tests.concierge.scripted import Counters, ScriptedModel, make_tools, say
from tests.core.booking_world import AVA

pytestmark = pytest.mark.race


async def _two_turns_at_once(
    rt: Runtime, model: ScriptedModel, *, claims: bool = True
) -> list[object]:
    concierge = await Concierge.open(rt, model, tools=make_tools(Counters()))
    concierge.turn_claims = claims
    try:
        events = await collect(concierge.turn(AVA, message="first"))
        thread_id = events[0].thread_id
        model.delay = 0.2  # long enough for the two turns to meet inside the model call
        model.script = [say("a"), say("b")]
        return await asyncio.gather(
            collect(concierge.turn(AVA, thread_id=thread_id, message="double")),
            collect(concierge.turn(AVA, thread_id=thread_id, message="click")),
            return_exceptions=True,
        )
    finally:
        await concierge.aclose()


async def test_without_lock_and_claim_two_turns_run_at_once(world_rt: Runtime) -> None:
    world_rt.locks = NoLocks()
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model, claims=False)
    assert all(isinstance(r, list) for r in results)
    assert model.max_in_flight == 2  # the race is real: both turns were inside the model


async def test_the_database_claim_alone_serialises_turns(world_rt: Runtime) -> None:
    """What two API processes without Redis rely on: no shared lock, only the row."""
    world_rt.locks = NoLocks()
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model)
    assert all(isinstance(r, list) for r in results)
    assert model.max_in_flight == 1


async def test_the_contention_lock_alone_serialises_turns(world_rt: Runtime) -> None:
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model, claims=False)
    assert all(isinstance(r, list) for r in results)
    assert model.max_in_flight == 1


async def test_with_both_the_second_turn_waits_and_the_history_is_consistent(
    world_rt: Runtime,
) -> None:
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model)
    assert all(isinstance(r, list) for r in results)
    assert model.max_in_flight == 1
    thread_id = results[0][0].thread_id  # type: ignore[index]
    concierge = await Concierge.open(world_rt, ScriptedModel(), tools=make_tools(Counters()))
    try:
        view = await concierge.thread(AVA, thread_id)
    finally:
        await concierge.aclose()
    assert [m.role for m in view.messages] == ["user", "assistant"] * 3
    async with world_rt.db.uow(write=False) as s:
        row = await s.scalar(select(Thread).where(Thread.id == thread_id))
    assert row.turn_id is None  # released after the turns


@pytest.mark.parametrize("no_lock", [False, True])
async def test_a_turn_that_waits_too_long_is_refused(world_rt: Runtime, no_lock: bool) -> None:
    world_rt.settings.turn_lock_wait_ms = 50
    if no_lock:
        world_rt.locks = NoLocks()
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1
    assert isinstance(refused[0], TurnInProgress)
    assert refused[0].code == "TURN_IN_PROGRESS"
    assert model.max_in_flight == 1


async def test_a_claim_left_by_a_dead_process_lapses_after_its_lease(
    world_rt: Runtime, concierge: Concierge, clock
) -> None:
    events = await collect(concierge.turn(AVA, message="hi"))
    thread_id = events[0].thread_id
    assert await claim_turn(world_rt, thread_id, "turn_dead", lease_ms=60_000)
    world_rt.settings.turn_lock_wait_ms = 50
    with pytest.raises(TurnInProgress):
        await collect(concierge.turn(AVA, thread_id=thread_id, message="anyone?"))
    clock.advance(timedelta(seconds=61))
    events = await collect(concierge.turn(AVA, thread_id=thread_id, message="now?"))
    assert events[-1].type == "turn-finish"


async def test_a_turn_claimed_with_its_thread_does_not_wait_on_a_lock_its_rival_holds(
    world_rt: Runtime, concierge: Concierge
) -> None:
    """The claim is taken in the transaction that reads the thread (issue 15), the lock
    after it. A rival that lost the claim may hold the lock meanwhile, waiting for that
    claim: the claimed turn then goes on without the lock (the claim is the truth) instead
    of waiting for a turn that waits for it; the rival gets the thread after it."""
    events = await collect(concierge.turn(AVA, message="hi"))
    thread_id = events[0].thread_id
    world_rt.settings.turn_lock_wait_ms = 2_000
    async with world_rt.db.uow() as s:
        assert await claim_in(s, thread_id, "turn_first", lease_ms=60_000, now=world_rt.clock.now())

    async def rival() -> str:
        async with thread_turn(world_rt, thread_id, "turn_rival", lease_ms=60_000, wait_ms=2_000):
            return "rival ran"

    waiting = asyncio.create_task(rival())  # takes the lock, then polls the claim
    await asyncio.sleep(0.05)
    started = asyncio.get_running_loop().time()
    async with thread_turn(
        world_rt, thread_id, "turn_first", lease_ms=60_000, wait_ms=2_000, claimed=True
    ):
        assert asyncio.get_running_loop().time() - started < 1.0
        assert not waiting.done()
    assert await asyncio.wait_for(waiting, 5) == "rival ran"
    async with world_rt.db.uow(write=False) as s:
        assert (await s.scalar(select(Thread).where(Thread.id == thread_id))).turn_id is None
