"""A turn's checkpoints are written when its run ends (``concierge.graph.DURABILITY``),
and a crash still never repeats an effect: the call an effect is keyed by is written
before the effect is made.

A crash here is a process that dies: the tool raises a ``BaseException`` and from then
on the checkpointer writes nothing (the run's own exit would otherwise still save its
state, which a killed process never does). Both checkpointers: SQLite by default,
PostgreSQL with ``CONCIERGE_TEST_DATABASE_URL``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from concierge.events import ConfirmationRequested, ToolFinished, TurnError, TurnFinished
from concierge.models.base import ModelRequest
from concierge.service import Concierge, Confirm
from core.runtime import Runtime
from tests.concierge.conftest import collect
from tests.concierge.scripted import (
    Counters,
    PayIn,
    Result,
    ScriptedModel,
    call,
    calls,
    make_tools,
    say,
)
from tests.core.booking_world import AVA
from tools.base import Effect, ToolContext, ToolSpec


class Crash(BaseException):
    """The process dies here (not an error the graph may handle)."""


@dataclasses.dataclass
class World:
    counters: Counters
    holds: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    crashes: dict[str, int] = dataclasses.field(default_factory=dict)  # tool → crashes left
    dead: bool = False
    writes: list[str] = dataclasses.field(default_factory=list)  # "checkpoint" / "writes"


def tools_of(world: World) -> dict[str, ToolSpec[Any, Any]]:
    """The scripted tools plus ``hold``: an effect without a question (like ``reserve``);
    ``hold`` and ``pay`` die after their effect while ``world.crashes`` says so."""
    tools = make_tools(world.counters)

    def dying(name: str, run: Any) -> Any:
        async def dying_run(ctx: ToolContext, data: Any) -> Any:
            result = await run(ctx, data)  # the effect is made (and committed)…
            if world.crashes.get(name):
                world.crashes[name] -= 1
                world.dead = True  # …and the process dies before anything else
                raise Crash()
            return result

        return dying_run

    async def hold(ctx: ToolContext, data: PayIn) -> Result:
        world.holds.append((data.booking_id, ctx.idempotency_key))
        return Result(booking_id=data.booking_id, status="held", key=ctx.idempotency_key)

    tools["hold"] = ToolSpec(
        name="hold",
        description="Hold seats (an effect, asked about by nobody).",
        input_model=PayIn,
        output_model=Result,
        effect=Effect.WRITE,
        needs_confirmation=False,
        run=hold,
    )
    for name in ("hold", "pay"):
        tools[name] = dataclasses.replace(tools[name], run=dying(name, tools[name].run))
    return tools


async def open_process(rt: Runtime, world: World, model: ScriptedModel) -> Concierge:
    """A fresh "process": its own concierge and checkpointer, writing nothing once dead."""
    concierge = await Concierge.open(rt, model, tools=tools_of(world))
    world.dead = False
    saver = concierge.graph.checkpointer
    aput, aput_writes = saver.aput, saver.aput_writes

    async def put(*args: Any, **kwargs: Any) -> Any:
        if world.dead:
            raise Crash()
        world.writes.append("checkpoint")
        return await aput(*args, **kwargs)

    async def put_writes(*args: Any, **kwargs: Any) -> Any:
        if world.dead:
            raise Crash()
        world.writes.append("writes")
        return await aput_writes(*args, **kwargs)

    saver.aput, saver.aput_writes = put, put_writes
    return concierge


def holding(process: str) -> Any:
    """A remote model: asked to hold, it holds — under a call id it makes up, a new one
    in every process — unless the conversation already has the hold's result."""

    def answer(request: ModelRequest) -> AIMessage:
        if any(isinstance(m, ToolMessage) and m.name == "hold" for m in request.history):
            return say("Held.")
        return calls(call("hold", {"booking_id": "BK-7"}, id=f"{process}_{len(request.history)}"))

    return answer


@pytest.fixture
def world(counters: Counters) -> World:
    return World(counters=counters)


@pytest.mark.parametrize("retry", ["hold BK-7", "hello?", "hold the seats on BK-7 please"])
async def test_a_crash_after_an_effect_never_makes_it_again_under_another_key(
    world_rt: Runtime, world: World, retry: str
) -> None:
    world.crashes["hold"] = 1
    first = await open_process(world_rt, world, ScriptedModel(script=[holding("p1")]))
    turn = first.turn(AVA, message="hold BK-7")
    thread_id = (await turn.__anext__()).thread_id
    with pytest.raises(Crash):
        async for _ in turn:
            pass
    await first.aclose()
    assert len(world.holds) == 1

    # After the restart the traveller writes again (the same words, or others): the
    # call that was cut short is finished first, under its own key; the model, which
    # would hold again under a new call id, sees it held.
    second = await open_process(world_rt, world, ScriptedModel(script=[holding("p2")] * 3))
    try:
        events = await collect(second.turn(AVA, thread_id=thread_id, message=retry))
    finally:
        await second.aclose()
    # Made again (a replay: the real tools answer it from their idempotency record),
    # never under another key.
    assert len(world.holds) == 2
    assert len({key for _, key in world.holds}) == 1, world.holds
    assert isinstance(events[-1], TurnFinished)
    assert not of(events, TurnError)


async def test_a_crash_after_a_confirmed_effect_replays_it_on_the_same_yes(
    world_rt: Runtime, world: World
) -> None:
    model = ScriptedModel(script=[calls(call("pay", {"booking_id": "BK-9"}, id="c9"))])
    first = await open_process(world_rt, world, model)
    events = await collect(first.turn(AVA, message="pay"))
    thread_id, asked = events[0].thread_id, of(events, ConfirmationRequested)[0]
    world.crashes["pay"] = 1
    with pytest.raises(Crash):
        await collect(
            first.turn(AVA, thread_id=thread_id, confirm=Confirm(asked.interrupt_id, True))
        )
    await first.aclose()

    # Restarted: the question is still pending (the paused run was written), and the
    # same yes makes the same payment, under the same key.
    second = await open_process(world_rt, world, ScriptedModel(script=[say("Paid.")]))
    try:
        view = await second.thread(AVA, thread_id)
        assert view.pending_confirmation is not None
        assert view.pending_confirmation.interrupt_id == asked.interrupt_id
        events = await collect(
            second.turn(AVA, thread_id=thread_id, confirm=Confirm(asked.interrupt_id, True))
        )
    finally:
        await second.aclose()
    assert world.counters.payments == [("BK-9", f"{thread_id}:c9")] * 2
    assert isinstance(events[-1], TurnFinished)
    assert not events[-1].awaiting_confirmation


async def test_a_turn_writes_its_checkpoint_once_and_once_more_before_an_effect(
    world_rt: Runtime, world: World
) -> None:
    model = ScriptedModel(
        script=[calls(call("lookup", {"query": "q"}, id="l1")), say("Found."), holding("p1")]
    )
    concierge = await open_process(world_rt, world, model)
    try:
        events = await collect(concierge.turn(AVA, message="look it up"))
        assert world.writes == ["checkpoint"]  # the run's end; no write batches
        thread_id = events[0].thread_id
        world.writes.clear()
        events = await collect(concierge.turn(AVA, thread_id=thread_id, message="hold BK-7"))
        # Paused before the hold (the call and the pause written), then the run's end.
        assert world.writes.count("checkpoint") == 2
        # The pause is nobody's question: no confirmation, the hold ran once.
        assert not of(events, ConfirmationRequested)
        assert [e.name for e in of(events, ToolFinished)] == ["hold"]
        assert not events[-1].awaiting_confirmation
        assert len(world.holds) == 1
        view = await concierge.thread(AVA, thread_id)
        assert view.pending_confirmation is None
        state = await concierge.graph.aget_state({"configurable": {"thread_id": thread_id}})
        assert not state.next
        assert not state.interrupts
    finally:
        await concierge.aclose()


async def test_a_model_that_keeps_making_effects_meets_the_step_limit(
    world_rt: Runtime, world: World
) -> None:
    def hold_again(request: ModelRequest) -> AIMessage:
        return calls(call("hold", {"booking_id": "BK-7"}, id=f"h{len(request.history)}"))

    concierge = await open_process(world_rt, world, ScriptedModel(script=[hold_again] * 100))
    try:
        events = await collect(concierge.turn(AVA, message="hold BK-7"))
    finally:
        await concierge.aclose()
    assert [e.code for e in of(events, TurnError)] == ["STEP_LIMIT"]
    assert isinstance(events[-1], TurnFinished)
    assert len(world.holds) <= world_rt.settings.agent_recursion_limit // 2


def of(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]
