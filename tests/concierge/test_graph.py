"""The agent graph through the turn API, with a scripted model and counting tools."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from sqlalchemy import select

from concierge.events import (
    ConfirmationRequested,
    TextDelta,
    TextEnd,
    TextStart,
    ToolFinished,
    ToolStarted,
    TurnError,
    TurnFinished,
    TurnStarted,
)
from concierge.graph import STEP_LIMIT_TEXT, confirmation_id
from concierge.service import Concierge, Confirm, ConfirmationNotPending, yes_or_no
from core.errors import NotFound, ValidationFailed
from core.models import TurnUsage
from core.runtime import Runtime
from tests.concierge.conftest import collect
from tests.concierge.scripted import Counters, ScriptedModel, call, calls, make_tools, say
from tests.core.booking_world import AVA, GUS, MIA


def of(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


async def test_a_text_turn_streams_typed_events_in_order_and_records_usage(
    concierge: Concierge, model: ScriptedModel, world_rt: Runtime
) -> None:
    model.script = [say("Hello Ava, where to?")]
    events = await collect(concierge.turn(AVA, message="hi"))

    assert isinstance(events[0], TurnStarted)
    assert isinstance(events[-1], TurnFinished)
    assert [type(e) for e in events[1:-1]] == [TextStart, TextDelta, TextDelta, TextEnd]
    assert "".join(e.delta for e in of(events, TextDelta)) == "Hello Ava, where to?"
    finished = events[-1]
    assert finished.awaiting_confirmation is False
    assert finished.usage["prompt_tokens"] == 100  # the model's own figure wins
    assert finished.usage["completion_tokens"] == 10

    request = model.requests[0]
    system = request.messages[0].content
    assert "Tue 01 Dec 2026" in system  # today from the runtime clock
    assert "Home airport: JFK" in system
    assert "First class" in system  # Acme's rules, rendered
    assert "over 5,000 USD" in system
    assert request.caller == AVA
    assert {t["function"]["name"] for t in request.tools} == {"lookup", "pay"}

    async with world_rt.db.uow(write=False) as s:
        rows = (await s.scalars(select(TurnUsage))).all()
    assert [(r.thread_id, r.model_calls, r.prompt_tokens) for r in rows] == [
        (events[0].thread_id, 1, 100)
    ]
    assert rows[0].counted_prompt_tokens > 0

    view = await concierge.thread(AVA, events[0].thread_id)
    assert [m.role for m in view.messages] == ["user", "assistant"]
    assert view.pending_confirmation is None


async def test_read_tool_result_goes_back_to_the_model(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    model.script = [calls(call("lookup", {"query": "JFK-LHR"})), say("Found it.")]
    events = await collect(concierge.turn(AVA, message="find"))

    started, finished = of(events, ToolStarted), of(events, ToolFinished)
    assert [(s.name, s.args) for s in started] == [("lookup", {"query": "JFK-LHR"})]
    assert finished[0].output == {"ok": True, "query": "JFK-LHR", "caller": "ava"}
    assert counters.lookups == ["JFK-LHR"]
    tool_msg = model.last_tool_messages()[0]
    assert json.loads(tool_msg.content)["query"] == "JFK-LHR"


async def _pause_on_pay(
    concierge: Concierge, model: ScriptedModel
) -> tuple[str, ConfirmationRequested]:
    model.script = [calls(call("pay", {"booking_id": "BK-1"}, id="call_pay"))]
    events = await collect(concierge.turn(AVA, message="book it"))
    confirmation = of(events, ConfirmationRequested)
    assert len(confirmation) == 1
    assert events[-1].awaiting_confirmation is True
    return events[0].thread_id, confirmation[0]


async def test_gated_tool_pauses_before_any_effect_and_runs_once_on_yes(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    thread_id, asked = await _pause_on_pay(concierge, model)
    assert counters.payments == []  # nothing with effects ran before the interrupt
    assert asked.action == {"tool": "pay", "args": {"booking_id": "BK-1"}}
    assert asked.summary == "Pay 612.40 USD for BK-1 on the company card?"
    assert asked.interrupt_id == confirmation_id(thread_id, "call_pay", {"booking_id": "BK-1"})
    view = await concierge.thread(AVA, thread_id)
    assert view.pending_confirmation is not None
    assert view.pending_confirmation.model_dump() == {
        "interrupt_id": asked.interrupt_id,
        "action": asked.action,
        "summary": asked.summary,
    }
    # The thread shows the question where the call was made, waiting.
    parts = view.messages[-1].parts
    assert [(p.type, getattr(p, "data", None) and p.data.outcome) for p in parts][-1] == (
        "data-confirmation",
        "pending",
    )

    model.script = [say("Paid.")]
    events = await collect(
        concierge.turn(AVA, thread_id=thread_id, confirm=Confirm(asked.interrupt_id, True))
    )
    assert counters.payments == [("BK-1", f"{thread_id}:call_pay")]
    assert [e.name for e in of(events, ToolStarted)] == ["pay"]
    assert of(events, ToolFinished)[0].output["status"] == "confirmed"
    assert events[-1].awaiting_confirmation is False
    view = await concierge.thread(AVA, thread_id)
    assert view.pending_confirmation is None
    # … and later the answer, the tool's output and the reply: what the stream showed.
    parts = [p.model_dump(exclude_none=True) for p in view.messages[-1].parts]
    asked_part = next(p for p in parts if p["type"] == "data-confirmation")
    assert asked_part["data"] == {
        "interrupt_id": asked.interrupt_id,
        "action": asked.action,
        "summary": asked.summary,
        "outcome": "approved",
    }
    assert [p["type"] for p in parts[parts.index(asked_part) :]] == [
        "data-confirmation",
        "tool-pay",
        "text",
    ]
    assert parts[-2]["state"] == "output-available"
    assert parts[-2]["output"]["status"] == "confirmed"
    assert parts[-1]["text"] == "Paid."

    # A second yes has nothing to resume, and the effect never runs twice.
    with pytest.raises(ConfirmationNotPending):
        await collect(
            concierge.turn(AVA, thread_id=thread_id, confirm=Confirm(asked.interrupt_id, True))
        )
    assert len(counters.payments) == 1


async def test_a_resumed_call_keeps_its_question_as_asked_without_phrasing_it_again(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    """Issue 15: phrasing a question reads the database (confirm_booking: the booking
    and its view); the answer is bound to the call's arguments, so the resumed call takes
    the line it asked from the checkpoint."""
    thread_id, asked = await _pause_on_pay(concierge, model)
    assert counters.questions == ["BK-1"]
    model.script = [say("Paid.")]
    await collect(concierge.turn(AVA, thread_id=thread_id, message="yes"))
    assert counters.questions == ["BK-1"]  # not phrased again
    assert len(counters.payments) == 1
    parts = (await concierge.thread(AVA, thread_id)).messages[-1].parts
    record = next(p for p in parts if p.type == "data-confirmation")
    assert (record.data.summary, record.data.outcome) == (asked.summary, "approved")


async def test_a_call_still_waiting_asks_its_question_again(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    """Only the answered confirmation skips its question: the one still waiting is
    phrased anew (the facts may have moved since)."""
    model.script = [
        calls(
            call("pay", {"booking_id": "BK-A"}, id="a"), call("pay", {"booking_id": "BK-B"}, id="b")
        )
    ]
    events = await collect(concierge.turn(AVA, message="pay both"))
    first = of(events, ConfirmationRequested)[0]
    phrased = len(counters.questions)
    events = await collect(concierge.turn(AVA, thread_id=events[0].thread_id, message="yes"))
    (second,) = of(events, ConfirmationRequested)
    answered = first.action["args"]["booking_id"]
    waiting = second.action["args"]["booking_id"]
    assert {answered, waiting} == {"BK-A", "BK-B"}
    assert counters.questions[phrased:] == [waiting]


async def test_no_declines_and_the_model_is_told(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    thread_id, asked = await _pause_on_pay(concierge, model)
    model.script = [say("OK, I won't pay.")]
    events = await collect(
        concierge.turn(AVA, thread_id=thread_id, confirm=Confirm(asked.interrupt_id, False))
    )
    assert counters.payments == []
    assert of(events, ToolStarted) == []
    declined = model.last_tool_messages()[-1]
    assert json.loads(declined.content) == {"declined": True, "message": "The traveller said no."}


@pytest.mark.parametrize(
    ("word", "paid"), [("Yes!", 1), ("go ahead", 1), ("OK.", 1), ("Nope", 0), ("don't", 0)]
)
async def test_yes_and_no_words_resume_the_pending_confirmation(
    concierge: Concierge, model: ScriptedModel, counters: Counters, word: str, paid: int
) -> None:
    thread_id, _ = await _pause_on_pay(concierge, model)
    await collect(concierge.turn(AVA, thread_id=thread_id, message=word))
    assert len(counters.payments) == paid
    assert (await concierge.thread(AVA, thread_id)).pending_confirmation is None


async def test_changed_or_malformed_resume_values_never_run_the_tool(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    """The gate only accepts exactly {interrupt_id: this one, approved: true}."""
    from langgraph.types import Command

    thread_id, asked = await _pause_on_pay(concierge, model)
    config = {"configurable": {"thread_id": thread_id}}
    for bad in (
        {"interrupt_id": asked.interrupt_id, "approved": True, "args": {"booking_id": "BK-OTHER"}},
        {"interrupt_id": "cf_someone_else", "approved": True},
        {"interrupt_id": asked.interrupt_id, "approved": "yes"},
        True,
    ):
        state = await concierge.graph.aget_state(config)
        (pending,) = state.interrupts
        ctx = _ctx(concierge, thread_id)
        await concierge.graph.ainvoke(Command(resume={pending.id: bad}), config, context=ctx)
        assert counters.payments == []
        # Re-open the same question for the next bad value.
        model.script = [
            calls(call("pay", {"booking_id": "BK-1"}, id=f"call_{len(model.requests)}"))
        ]
        await concierge.graph.ainvoke({"messages": [HumanMessage("again")]}, config, context=ctx)

    # A Confirm naming another interrupt is refused before anything runs.
    with pytest.raises(ConfirmationNotPending):
        await collect(concierge.turn(AVA, thread_id=thread_id, confirm=Confirm("cf_forged", True)))
    assert counters.payments == []


def _ctx(concierge: Concierge, thread_id: str):
    from concierge.state import TurnContext

    return TurnContext(
        rt=concierge.rt, caller=AVA, thread_id=thread_id, turn_id="t", system_prompt="sys"
    )


async def test_sibling_read_runs_once_when_the_gated_call_resumes(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    model.script = [
        calls(
            call("lookup", {"query": "hotel"}, id="c1"),
            call("pay", {"booking_id": "BK-2"}, id="c2"),
        ),
    ]
    events = await collect(concierge.turn(AVA, message="pay and look up"))
    thread_id = events[0].thread_id
    assert counters.lookups == ["hotel"]
    assert counters.payments == []
    asked = of(events, ConfirmationRequested)[0]

    model.script = [say("All done.")]
    await collect(concierge.turn(AVA, thread_id=thread_id, message="yes"))
    assert counters.lookups == ["hotel"]  # the sibling was not re-run
    assert counters.payments == [("BK-2", f"{thread_id}:c2")]
    tool_msgs = model.last_tool_messages()
    assert sorted(m.tool_call_id for m in tool_msgs) == ["c1", "c2"]
    assert asked.action["args"] == {"booking_id": "BK-2"}


async def test_two_gated_calls_are_confirmed_one_at_a_time(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    model.script = [
        calls(
            call("pay", {"booking_id": "BK-A"}, id="a"), call("pay", {"booking_id": "BK-B"}, id="b")
        )
    ]
    events = await collect(concierge.turn(AVA, message="pay both"))
    thread_id = events[0].thread_id
    first = of(events, ConfirmationRequested)[0]
    events = await collect(concierge.turn(AVA, thread_id=thread_id, message="yes"))
    second = of(events, ConfirmationRequested)
    assert len(counters.payments) == 1
    assert events[-1].awaiting_confirmation
    assert second
    assert second[0].interrupt_id != first.interrupt_id
    model.script = [say("Both paid.")]
    await collect(concierge.turn(AVA, thread_id=thread_id, message="yes"))
    assert sorted(b for b, _ in counters.payments) == ["BK-A", "BK-B"]


async def test_another_message_declines_the_pending_action_and_carries_on(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    thread_id, _ = await _pause_on_pay(concierge, model)
    model.script = [say("Sure, let's look at hotels instead.")]
    events = await collect(
        concierge.turn(AVA, thread_id=thread_id, message="actually, find me a hotel")
    )
    assert counters.payments == []
    assert events[-1].awaiting_confirmation is False
    sent = model.requests[-1].messages
    assert isinstance(sent[-1], HumanMessage)
    assert sent[-1].content == "actually, find me a hotel"
    assert isinstance(sent[-2], ToolMessage)
    assert json.loads(sent[-2].content)["declined"] is True
    assert len(model.requests) == 2  # the decline itself cost no model call


async def test_a_conversation_survives_a_restart_between_interrupt_and_resume(
    world_rt: Runtime, counters: Counters
) -> None:
    first_model = ScriptedModel(script=[calls(call("pay", {"booking_id": "BK-9"}, id="c9"))])
    first = await Concierge.open(world_rt, first_model, tools=make_tools(counters))
    events = await collect(first.turn(AVA, message="pay"))
    await first.aclose()
    thread_id, asked = events[0].thread_id, of(events, ConfirmationRequested)[0]

    second_model = ScriptedModel(script=[say("Paid after the restart.")])
    second = await Concierge.open(world_rt, second_model, tools=make_tools(counters))
    try:
        events = await collect(
            second.turn(AVA, thread_id=thread_id, confirm=Confirm(asked.interrupt_id, True))
        )
    finally:
        await second.aclose()
    assert counters.payments == [("BK-9", f"{thread_id}:c9")]
    assert "".join(e.delta for e in of(events, TextDelta)) == "Paid after the restart."
    assert [m.type for m in second_model.requests[0].messages[1:]] == ["human", "ai", "tool"]


async def test_threads_belong_to_their_owner(concierge: Concierge, model: ScriptedModel) -> None:
    events = await collect(concierge.turn(AVA, message="hi"))
    thread_id = events[0].thread_id
    for stranger in (MIA, GUS):
        with pytest.raises(NotFound):
            await collect(concierge.turn(stranger, thread_id=thread_id, message="hi"))
        with pytest.raises(NotFound):
            await concierge.thread(stranger, thread_id)
    with pytest.raises(NotFound):
        await concierge.thread(AVA, "th_does_not_exist")


async def test_bad_turn_requests_are_refused_before_any_event(concierge: Concierge) -> None:
    with pytest.raises(ValidationFailed):
        await collect(concierge.turn(AVA))
    with pytest.raises(ValidationFailed):
        await collect(concierge.turn(AVA, message="hi", confirm=Confirm("x", True)))
    with pytest.raises(ValidationFailed):
        await collect(concierge.turn(AVA, message="   "))


async def test_business_errors_reach_the_model_and_crashes_do_not(
    concierge: Concierge, model: ScriptedModel
) -> None:
    model.script = [
        calls(
            call("lookup", {"query": "sold-out"}, id="s"),
            call("lookup", {"query": "crash"}, id="c"),
        ),
        say("Sorry."),
    ]
    events = await collect(concierge.turn(AVA, message="try"))
    results = {m.tool_call_id: json.loads(m.content) for m in model.last_tool_messages()}
    assert results["s"] == {
        "error": {"code": "SOLD_OUT", "message": "Only 0 seats left on that flight"}
    }
    assert results["c"]["error"]["code"] == "INTERNAL"
    assert "passwd" not in json.dumps(results)
    assert "Traceback" not in json.dumps(results)
    assert [e.code for e in of(events, TurnError)] == ["TOOL_FAILED"]
    assert {e.call_id: e.error["code"] for e in of(events, ToolFinished)} == {
        "s": "SOLD_OUT",
        "c": "INTERNAL",
    }
    assert isinstance(events[-1], TurnFinished)


async def test_invalid_arguments_and_unknown_tools_come_back_as_errors(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    model.script = [
        calls(
            call("pay", {"booking_id": "BK-1", "user_id": "mia"}, id="p"),
            call("teleport", {}, id="t"),
        ),
    ]
    events = await collect(concierge.turn(AVA, message="pay as mia"))
    results = {m.tool_call_id: json.loads(m.content) for m in model.last_tool_messages()}
    assert results["p"]["error"]["code"] == "VALIDATION_ERROR"  # no smuggled caller, no pause
    assert results["t"]["error"]["code"] == "UNKNOWN_TOOL"
    assert of(events, ConfirmationRequested) == []
    assert counters.payments == []


async def test_a_failing_model_ends_the_turn_gracefully(
    concierge: Concierge, model: ScriptedModel
) -> None:
    model.fail_with = ConnectionError("boom")
    events = await collect(concierge.turn(AVA, message="hi"))
    assert [e.code for e in of(events, TurnError)] == ["MODEL_ERROR"]
    assert "couldn't reach the language model" in "".join(e.delta for e in of(events, TextDelta))
    assert isinstance(events[-1], TurnFinished)
    model.fail_with = None
    model.script = [say("Back.")]
    events = await collect(concierge.turn(AVA, thread_id=events[0].thread_id, message="again"))
    assert "".join(e.delta for e in of(events, TextDelta)) == "Back."


async def test_the_recursion_limit_ends_with_a_graceful_message(
    concierge: Concierge, model: ScriptedModel, counters: Counters, world_rt: Runtime
) -> None:
    world_rt.settings.agent_recursion_limit = 7
    model.script = [
        lambda r, i=i: calls(call("lookup", {"query": f"q{i}"}, id=f"q{i}")) for i in range(50)
    ]
    events = await collect(concierge.turn(AVA, message="loop forever"))
    assert STEP_LIMIT_TEXT in "".join(e.delta for e in of(events, TextDelta))
    assert len(model.requests) <= 4
    assert len(counters.lookups) <= 3
    assert of(events, TurnError) == []
    assert isinstance(events[-1], TurnFinished)
    # The thread is still usable: no dangling tool calls.
    model.script = [say("ok")]
    events = await collect(concierge.turn(AVA, thread_id=events[0].thread_id, message="stop"))
    assert "".join(e.delta for e in of(events, TextDelta)) == "ok"


async def test_repeated_tool_call_ids_get_fresh_idempotency_keys(
    concierge: Concierge, model: ScriptedModel, counters: Counters
) -> None:
    model.script = [calls(call("pay", {"booking_id": "BK-1"}, id="call_1"))]
    events = await collect(concierge.turn(AVA, message="pay 1"))
    thread_id = events[0].thread_id
    await collect(concierge.turn(AVA, thread_id=thread_id, message="yes"))
    model.script = [calls(call("pay", {"booking_id": "BK-2"}, id="call_1"))]
    await collect(concierge.turn(AVA, thread_id=thread_id, message="pay 2"))
    await collect(concierge.turn(AVA, thread_id=thread_id, message="yes"))
    keys = [k for _, k in counters.payments]
    assert len(keys) == 2
    assert len(set(keys)) == 2


def test_yes_no_words() -> None:
    for word in ("yes", "Y", "yep.", "Sure!", "go ahead", "Confirm", "ok", "do it", "yes please"):
        assert yes_or_no(word) is True, word
    for word in ("no", "N", "nope", "Cancel.", "don't", "Don’t", "stop"):
        assert yes_or_no(word) is False, word
    for word in ("yes but in business", "book the hotel", "no idea, what do you suggest?"):
        assert yes_or_no(word) is None, word


class Crash(BaseException):
    """Stands in for the process dying mid-tool (not an error the graph may handle)."""


async def test_a_turn_that_died_mid_step_is_finished_before_the_next_message(
    world_rt: Runtime, counters: Counters
) -> None:
    tools = make_tools(counters)
    real_run = tools["lookup"].run
    crashes = {"left": 1}

    async def dying_run(ctx, data):  # type: ignore[no-untyped-def]
        if crashes["left"]:
            crashes["left"] -= 1
            raise Crash()
        return await real_run(ctx, data)

    import dataclasses

    tools["lookup"] = dataclasses.replace(tools["lookup"], run=dying_run)
    model = ScriptedModel(script=[calls(call("lookup", {"query": "q"}, id="c1"))])
    concierge = await Concierge.open(world_rt, model, tools=tools)
    try:
        turn = concierge.turn(AVA, message="look it up")
        started = await turn.__anext__()
        with pytest.raises(Crash):
            async for _ in turn:
                pass
        thread_id = started.thread_id
        state = await concierge.graph.aget_state({"configurable": {"thread_id": thread_id}})
        assert state.next == ("tool",)  # the step never finished

        model.script = [say("Here it is."), say("And hello.")]
        events = await collect(concierge.turn(AVA, thread_id=thread_id, message="hello?"))
        assert counters.lookups == ["q"]  # the interrupted call ran (once) before the new message
        assert [m.type for m in model.requests[-1].messages[1:]] == [
            "human",
            "ai",
            "tool",
            "ai",
            "human",
        ]
        assert isinstance(events[-1], TurnFinished)
    finally:
        await concierge.aclose()
