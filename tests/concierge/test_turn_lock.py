"""One turn at a time per thread: the race pair (lock off → overlap, lock on → none)."""

from __future__ import annotations

import asyncio

import pytest

from concierge.locks import TurnInProgress
from concierge.service import Concierge
from core.locks import NoLocks
from core.runtime import Runtime
from tests.concierge.conftest import collect
from tests.concierge.scripted import Counters, ScriptedModel, make_tools, say
from tests.core.booking_world import AVA

pytestmark = pytest.mark.race


async def _two_turns_at_once(rt: Runtime, model: ScriptedModel) -> list[object]:
    concierge = await Concierge.open(rt, model, tools=make_tools(Counters()))
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


async def test_without_the_lock_two_turns_run_at_once(world_rt: Runtime) -> None:
    world_rt.locks = NoLocks()
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model)
    assert all(isinstance(r, list) for r in results)
    assert model.max_in_flight == 2  # the race is real: both turns were inside the model


async def test_with_the_lock_the_second_turn_waits_its_turn(world_rt: Runtime) -> None:
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model)
    assert all(isinstance(r, list) for r in results)
    assert model.max_in_flight == 1
    # Both turns ran, one after the other, into one consistent history.
    thread_id = results[0][0].thread_id  # type: ignore[index]
    concierge = await Concierge.open(world_rt, ScriptedModel(), tools=make_tools(Counters()))
    try:
        view = await concierge.thread(AVA, thread_id)
    finally:
        await concierge.aclose()
    assert [m["role"] for m in view.messages] == ["user", "assistant"] * 3


async def test_a_turn_that_waits_too_long_is_refused(world_rt: Runtime) -> None:
    world_rt.settings.turn_lock_wait_ms = 50
    model = ScriptedModel()
    results = await _two_turns_at_once(world_rt, model)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1
    assert isinstance(refused[0], TurnInProgress)
    assert refused[0].code == "TURN_IN_PROGRESS"
    assert model.max_in_flight == 1
