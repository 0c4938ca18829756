"""The agent graph: ``agent → confirmation gate → tools → agent``.

- ``agent`` calls the model with a budgeted view of the conversation
  (:mod:`concierge.context`) and streams its text as typed events.
- The router sends every tool call to its own ``tool`` task (``Send``). When a task
  pauses, its siblings' results are already saved as pending writes of the step,
  so resuming it never re-runs them.
- A gated tool (``needs_confirmation``) pauses with ``interrupt()`` *before* doing
  anything with effects, showing the exact action and a human summary. It runs
  only if the resume value is exactly ``{"interrupt_id": <this one>, "approved":
  True}``; the id is derived from the thread, the call and its canonical arguments,
  so an approval cannot be replayed onto other arguments.
- Tool errors are handled here, explicitly (LangGraph's ToolNode default re-raises):
  a ``CoreError`` goes back to the model as ``{"error": {code, message}}``; anything
  else is logged, reported to the user as a stream ``error`` and reaches the model
  only as a generic message — never a traceback.
- A stop (``TurnContext.stop``, the page's Stop button) is honoured between effects,
  never inside one: a model call in flight is abandoned (it has none), a tool already
  running finishes and is recorded, a tool not yet started is skipped with a
  ``{"stopped": true}`` reply, and the next ``agent`` step ends the turn with
  :data:`STOPPED_TEXT`. Every tool call of the checkpoint keeps its reply.

Streaming goes through LangGraph's custom stream (``runtime.stream_writer``): the
nodes write :mod:`concierge.events` objects, which the service passes on in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.runnables import Runnable, RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime as GraphRuntime
from langgraph.types import Checkpointer, Durability, Interrupt, Send, interrupt

from concierge.context import ContextBudget
from concierge.cpu_gate import prologues_first
from concierge.events import (
    TextDelta,
    TextEnd,
    TextStart,
    ToolFinished,
    ToolStarted,
    TurnError,
    text_part,
)
from concierge.models.base import ChatModel, ModelRequest
from concierge.state import AgentState, ToolTask, TurnContext, UsageReport
from concierge.tokens import content_text
from concierge.ui_messages import confirmation_record
from core.errors import CoreError
from tools.base import Effect, Question, ToolContext, ToolSpec, error_payload

log = logging.getLogger(__name__)

MODEL_FAILED_TEXT = (
    "Sorry, I couldn't reach the language model just now. Nothing was booked or "
    "changed; please try again in a moment."
)
STEP_LIMIT_TEXT = (
    "I've taken as many steps as I'm allowed for one message, so I stopped here. "
    "Tell me how you'd like to continue."
)
TOOL_FAILED_MESSAGE = (
    "The tool failed unexpectedly. Nothing more is known; tell the user and suggest trying again."
)
DECLINED_MESSAGE = "The traveller said no."
STOPPED_TEXT = "Stopped. Nothing more was done after you pressed stop."
STOPPED_MESSAGE = "The traveller pressed stop before this ran; it did not run."

#: How a run of the graph writes its checkpoints (issue 15): once, when the run ends —
#: finished, paused on a question, or failed — instead of after every step (LangGraph's
#: "async": 4-5 checkpoints and write batches a "book" turn, ~12 % of its CPU). What a
#: crash mid-run must not lose is the tool call whose effect was made: its id is the
#: effect's idempotency key (``thread:call``), and a model asked again names the call
#: anew. So a call with an effect never runs from a checkpoint that was not written: a
#: gated one runs on a "yes" to a pause that was, and any other first pauses to be made
#: durable (:data:`DURABLE_KEY`), which the service resumes at once. A crash elsewhere
#: loses what the run did since its last write: the turn is run again from there.
DURABILITY: Durability = "exit"

#: The value of a tool's pause that only makes its call durable (the service resumes it
#: at once; it asks nothing).
DURABLE_KEY = "durable_call"


def durable_pause(item: Any) -> str | None:
    """The id of a run's pause (an ``Interrupt``) when it is one of :data:`DURABLE_KEY`'s."""
    if isinstance(item, Interrupt) and isinstance(item.value, dict) and DURABLE_KEY in item.value:
        return item.id
    return None


def _stopped(ctx: TurnContext) -> bool:
    return ctx.stop is not None and ctx.stop.is_set()


async def _unless_stopped(ctx: TurnContext, work: Any) -> tuple[bool, Any]:
    """``(False, result)`` of ``work``, or ``(True, None)`` when the turn is stopped
    first (``work`` is then cancelled: only for calls without effects)."""
    if ctx.stop is None:
        return False, await work
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(ctx.stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if task.done():
        return False, task.result()
    task.cancel()
    with contextlib.suppress(BaseException):
        await task
    return True, None


def confirmation_id(thread_id: str, call_id: str, args: Mapping[str, Any]) -> str:
    """Deterministic (it is recomputed when the task resumes) and bound to the arguments."""
    canonical = json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(f"{thread_id}\n{call_id}\n{canonical}".encode()).hexdigest()
    return f"cf_{digest[:24]}"


def is_approval(answer: Any, interrupt_id: str) -> bool:
    """Only the exact shape approves; anything else (other id, extra keys such as
    edited arguments, a bare ``True``, ``"yes"``) is a no."""
    return (
        isinstance(answer, dict)
        and set(answer) == {"interrupt_id", "approved"}
        and answer["interrupt_id"] == interrupt_id
        and answer["approved"] is True
    )


def build_graph(
    model: ChatModel,
    tools: Mapping[str, ToolSpec[Any, Any]],
    budget: ContextBudget,
    *,
    checkpointer: Checkpointer = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    schemas = {name: spec.openai_schema() for name, spec in tools.items()}

    async def agent(state: AgentState, runtime: GraphRuntime[TurnContext]) -> dict[str, Any]:
        ctx = runtime.context
        await prologues_first()  # concierge.cpu_gate: requests' `start` before our CPU
        write = runtime.stream_writer
        if _stopped(ctx):
            return {"messages": [_say(write, STOPPED_TEXT)]}
        offered = ctx.offered_tools
        tool_schemas = [s for n, s in schemas.items() if offered is None or n in offered]
        prompt = budget.fit(ctx.system_prompt, state["messages"], tool_schemas)
        request = ModelRequest(
            messages=prompt.messages,
            tools=tool_schemas,
            now=ctx.now or ctx.rt.clock.now(),
            caller=ctx.caller,
            profile=ctx.profile,
            history=tuple(state["messages"]),
            cards=ctx.cards,
        )
        text_id = f"txt_{uuid.uuid4().hex[:12]}"
        streamed = False
        # A text said earlier in this turn (a word beside a tool call: "I can't book for
        # Victor…"): this part opens a new paragraph, so a client that joins the parts'
        # deltas never runs the two together.
        gap = "\n\n" if _said_this_turn(state["messages"]) else ""

        async def on_text(delta: str) -> None:
            nonlocal streamed
            if not delta:
                return
            if not streamed:
                write(TextStart(id=text_id))
                streamed = True
                if gap and not delta[:1].isspace():
                    write(TextDelta(id=text_id, delta=gap))
            write(TextDelta(id=text_id, delta=delta))

        try:
            # The model call has no effects: a stop abandons it at once.
            stopped, result = await _unless_stopped(ctx, model.generate(request, on_text=on_text))
        except Exception:
            log.exception("model call failed (thread %s)", ctx.thread_id)
            write(
                TurnError(
                    message="The language model is unavailable right now.", code="MODEL_ERROR"
                )
            )
            if streamed:
                write(TextEnd(id=text_id))
            return {"messages": [_say(write, MODEL_FAILED_TEXT)]}
        if stopped:
            if streamed:
                write(TextEnd(id=text_id))
            return {"messages": [_say(write, STOPPED_TEXT)]}

        usage = result.usage or {}
        write(
            UsageReport(
                prompt_tokens=int(usage.get("prompt_tokens", prompt.tokens)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
                counted_prompt_tokens=prompt.tokens,
            )
        )
        message = result.message
        text = message.content if isinstance(message.content, str) else ""
        if streamed:
            write(TextEnd(id=text_id))
        if message.tool_calls and state["remaining_steps"] < 3:
            # No room left for tools and another answer: end the turn politely
            # rather than letting LangGraph raise GraphRecursionError.
            return {"messages": [_say(write, STEP_LIMIT_TEXT)]}
        if not streamed and text:
            # A model that does not stream still shows up as one text part.
            said = gap + text if gap and not text[:1].isspace() else text
            for event in text_part(said, text_id):
                write(event)
        return {"messages": [_with_unique_call_ids(message, state)]}

    async def tool(task: ToolTask, runtime: GraphRuntime[TurnContext]) -> dict[str, Any]:
        ctx = runtime.context
        await prologues_first()
        write = runtime.stream_writer
        call = task["call"]
        call_id, name, args = call["id"] or "", call["name"], dict(call["args"])

        # On a gated call: what was asked and the answer, kept on the reply so that the
        # thread shows the confirmation and its outcome later (concierge.ui_messages).
        asked: dict[str, Any] | None = None

        def error(payload: dict[str, str]) -> dict[str, Any]:
            write(ToolFinished(call_id=call_id, name=name, output=None, error=payload))
            return _reply(call_id, name, {"error": payload}, status="error", artifact=asked)

        if _stopped(ctx):
            # Not started: skipped, with a reply so the checkpoint stays whole.
            return _reply(call_id, name, {"stopped": True, "message": STOPPED_MESSAGE})
        spec = tools.get(name)
        if spec is None:
            return error({"code": "UNKNOWN_TOOL", "message": f"There is no tool named {name!r}."})
        tool_ctx = ToolContext.for_call(
            ctx.rt, ctx.caller, thread_id=ctx.thread_id, tool_call_id=call_id,
            turn_memo=ctx.tool_memo,
        )

        if spec.needs_confirmation:
            interrupt_id = confirmation_id(ctx.thread_id, call_id, args)
            summary = ctx.asked.get(interrupt_id)
            if summary is not None:
                # Resuming: the question was phrased (and its arguments validated) when
                # the call paused, and the answer is bound to these exact arguments; the
                # tool checks everything again when it runs.
                question = Question(summary)
            else:
                try:
                    # READ-only: validates the arguments and phrases the question.
                    question = await spec.question(tool_ctx, args)
                except CoreError as exc:
                    return error(error_payload(exc))
            action = {"tool": name, "args": args}
            answer = interrupt(
                {
                    "interrupt_id": interrupt_id,
                    "action": action,
                    "summary": question.text,
                    # What a yes may restate and still agree ("yes, book it for her").
                    "about": {
                        "traveller": question.traveller,
                        "needs_approval": question.needs_approval,
                        "refundable": question.refundable,
                        "policy": question.policy,
                        "places": list(question.named.places),
                        "dates": list(question.named.dates),
                        "kinds": list(question.named.kinds),
                    },
                    "call_id": call_id,
                }
            )
            approved = is_approval(answer, interrupt_id)
            asked = confirmation_record(interrupt_id, action, question.text, approved=approved)
            if not approved:
                return _reply(
                    call_id, name, {"declined": True, "message": DECLINED_MESSAGE}, artifact=asked
                )
        elif spec.effect is Effect.WRITE:
            # Its effect is keyed by this call's id: the checkpoint that holds the call is
            # written before the effect is made (DURABILITY). Resumed, this returns.
            interrupt({DURABLE_KEY: call_id})

        write(ToolStarted(call_id=call_id, name=name, args=args))
        if spec.effect is Effect.WRITE:
            ctx.tool_memo.clear()  # what this call changes must not be recalled as it was
        try:
            output = await spec.invoke(tool_ctx, args)
        except CoreError as exc:
            return error(error_payload(exc))
        except Exception:
            log.exception("tool %s failed (thread %s, call %s)", name, ctx.thread_id, call_id)
            write(
                TurnError(message=f"Something went wrong while running {name}.", code="TOOL_FAILED")
            )
            return error({"code": "INTERNAL", "message": TOOL_FAILED_MESSAGE})
        write(ToolFinished(call_id=call_id, name=name, output=output))
        return _reply(call_id, name, output, artifact=asked)

    graph = StateGraph(AgentState, context_schema=TurnContext)
    graph.add_node("agent", agent)
    graph.add_node("tool", tool, input_schema=ToolTask)  # type: ignore[call-overload]  # Send input, not state
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", _ROUTE, ["tool", END])
    graph.add_edge("tool", "agent")
    return graph.compile(checkpointer=checkpointer, name="concierge")


def _route(state: AgentState) -> list[Send] | str:
    """After ``agent``: each tool call to its own ``tool`` task, else the end."""
    last = state["messages"][-1]
    if isinstance(last, AIMessage) and last.tool_calls:
        return [Send("tool", ToolTask(call=call)) for call in last.tool_calls]
    return END


class _Route(Runnable[AgentState, list[Send] | str]):
    """:func:`_route` as the graph's branch calls it (issue 15). LangGraph wraps a plain
    function given as a branch in a traced runnable and runs a sync one in the default
    thread pool: each ``agent`` step paid a thread hop (~0.16 ms of CPU) and the
    callbacks' start and end (each end a shielded task). A runnable of our own is used
    as it is: called in the loop, untraced. (``aupdate_state(as_node="agent")`` routes
    through it too.)"""

    name = "route"

    def invoke(
        self, input: AgentState, config: RunnableConfig | None = None, **kwargs: Any
    ) -> list[Send] | str:
        return _route(input)

    async def ainvoke(
        self, input: AgentState, config: RunnableConfig | None = None, **kwargs: Any
    ) -> list[Send] | str:
        return _route(input)


_ROUTE = _Route()


def _reply(
    call_id: str,
    name: str,
    body: dict[str, Any],
    *,
    status: str = "success",
    artifact: dict[str, Any] | None = None,
) -> dict[str, Any]:
    content = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
    # The artifact is ours (the thread's view), never sent to the model.
    reply = ToolMessage(
        content=content, tool_call_id=call_id, name=name, status=status, artifact=artifact
    )
    return {"messages": [reply]}


def _said_this_turn(messages: list[Any]) -> bool:
    """Whether an answer of this turn already said something: an AI message with text
    after the turn's message (the last one from the user)."""
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return False
        if isinstance(message, AIMessage) and content_text(message).strip():
            return True
    return False


def _say(write: Any, text: str) -> AIMessage:
    for event in text_part(text):
        write(event)
    return AIMessage(content=text)


def _with_unique_call_ids(message: AIMessage, state: AgentState) -> AIMessage:
    """Tool call ids key the idempotency of effects (``thread:call``): a model that
    repeats an id from an earlier turn (or sends none) gets a fresh one."""
    if not message.tool_calls:
        return message
    seen = {
        call["id"] for m in state["messages"] if isinstance(m, AIMessage) for call in m.tool_calls
    }
    calls = []
    changed = False
    for call in message.tool_calls:
        if not call.get("id") or call["id"] in seen:
            call = {**call, "id": f"call_{uuid.uuid4().hex[:16]}"}
            changed = True
        seen.add(call["id"])
        calls.append(call)
    return message.model_copy(update={"tool_calls": calls}) if changed else message
