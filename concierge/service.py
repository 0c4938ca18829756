"""The turn API (docs/agent-contract.md): what the channels and evaluations call.

A turn: check who owns the thread (another user's thread is a 404), take the
thread's turn lock, decide what the message means given the checkpoint (a new
message, a yes/no to a pending confirmation, or a new message that declines it),
run the graph while passing its typed events through, then report a pending
confirmation and the turn's token usage. The database transactions here are
short and never span the graph run (which calls the model and the tools, each
tool opening its own transaction).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import AsyncExitStack, aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.errors import GraphRecursionError
from langgraph.types import Command
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table

import prompts
from concierge.actions import Action, ActionTurn, title_of
from concierge.actions import prepare as prepare_action
from concierge.checkpoint import TurnRead, open_checkpointer, warm_checkpointer, with_turn_read
from concierge.context import ContextBudget, system_prompt
from concierge.events import (
    AgentEvent,
    ConfirmationRequested,
    TurnError,
    TurnFinished,
    TurnStarted,
    text_part,
)
from concierge.graph import DURABILITY, STEP_LIMIT_TEXT, build_graph, durable_pause
from concierge.locks import TurnClaim, claim_in, claim_own_in, thread_turn
from concierge.models import ChatModel
from concierge.models.factory import build_model
from concierge.planner.nlu.answers import Asked, gives_up, yes_or_no
from concierge.planner.nlu.conditions import met_on_hold, yes_if
from concierge.planner.nlu.pasted import own_words
from concierge.planner.nlu.yes_then import YES_THEN_KEY, yes_then
from concierge.state import TurnContext, UsageReport
from concierge.tokens import TokenCounter, encoding_for_model
from concierge.ui_messages import UIMessage, ui_messages
from core.conversation.profile import prompt_facts
from core.conversation.threads import create_thread, open_thread, own_thread
from core.conversation.views import ThreadSummary
from core.errors import CoreError, NotFound, ValidationFailed
from core.identity import Caller
from core.models import TurnUsage
from core.runtime import Runtime
from core.views import UtcTime
from tools.base import POLICY_MEMO, Offer, ToolSpec
from tools.get_traveler_profile import MAX_REPORTS
from tools.registry import TOOLS

log = logging.getLogger(__name__)


class ConfirmationNotPending(CoreError):
    code = "CONFIRMATION_NOT_PENDING"
    status = 409
    title = "That confirmation is not pending any more"


@dataclass(frozen=True)
class Confirm:
    interrupt_id: str
    approved: bool


class PendingConfirmation(BaseModel):
    """The confirmation a thread waits for: answer it with its ``interrupt_id``."""

    model_config = ConfigDict(frozen=True)

    interrupt_id: str
    action: dict[str, Any]
    summary: str


class ThreadView(BaseModel):
    """One conversation as its owner saw it (``GET /v1/threads/{id}``)."""

    model_config = ConfigDict(frozen=True)

    thread_id: str
    title: str | None = None
    channel: str = "web"
    created_at: UtcTime | None = None
    last_activity_at: UtcTime | None = None
    messages: list[UIMessage]
    pending_confirmation: PendingConfirmation | None = None


@dataclass
class _Pending:
    graph_id: str  # LangGraph's interrupt id (the resume map key)
    value: dict[str, Any]  # our payload: interrupt_id, action, summary


@dataclass
class _Usage:
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    counted_prompt_tokens: int = 0

    def add(self, report: UsageReport) -> None:
        self.model_calls += 1
        self.prompt_tokens += report.prompt_tokens
        self.completion_tokens += report.completion_tokens
        self.counted_prompt_tokens += report.counted_prompt_tokens


@dataclass
class _Runs:
    """What a turn's graph runs told (``Concierge._run``): their usage, whether one paused
    for an answer, the last run's pauses as its stream told them (a gated call's
    interrupt() comes with its Interrupt, an interrupt_before with none: None here;
    ``None`` for the list: read what is pending back), and how many runs resumed calls
    paused only to be written."""

    usage: _Usage
    paused: bool = False
    told: list[Any] | None = None
    resumes: int = 0


class Concierge:
    def __init__(
        self,
        rt: Runtime,
        model: ChatModel,
        tools: Mapping[str, ToolSpec[Any, Any]],
        stack: AsyncExitStack,
        graph: Any,
    ) -> None:
        self.rt = rt
        self.model = model
        self.tools = tools
        self._stack = stack
        self.graph = graph
        # The database claim on the thread (concierge.locks); off only in race tests.
        self.turn_claims = True

    @classmethod
    async def open(
        cls,
        rt: Runtime,
        model: ChatModel | None = None,
        *,
        tools: Mapping[str, ToolSpec[Any, Any]] | None = None,
    ) -> Concierge:
        """Build the model (``CONCIERGE_MODEL``), the checkpointer and the graph."""
        if tools is None:
            tools = TOOLS
        model = model or build_model(rt.settings)
        stack = AsyncExitStack()
        try:
            saver = await open_checkpointer(rt.settings, stack)
            closer = getattr(model, "aclose", None)
            if closer is not None:
                stack.push_async_callback(closer)
            budget = ContextBudget(
                TokenCounter(encoding_for_model(model.name)),
                budget_tokens=rt.settings.agent_token_budget,
                keep_recent_turns=rt.settings.agent_keep_recent_turns,
            )
            graph = build_graph(model, tools, budget, checkpointer=saver)
        except BaseException:
            await stack.aclose()
            raise
        return cls(rt, model, tools, stack, graph)

    async def warm(self) -> None:
        """Open the checkpointer's connections now (a serving process at startup)."""
        await warm_checkpointer(getattr(self.graph, "checkpointer", None))

    async def aclose(self) -> None:
        await self._stack.aclose()

    # -- the turn -------------------------------------------------------------------

    async def turn(
        self,
        caller: Caller,
        *,
        thread_id: str | None = None,
        message: str | None = None,
        confirm: Confirm | None = None,
        action: Action | None = None,
        channel: str = "web",
        external_key: str | None = None,
        cards: bool = False,
        stop: asyncio.Event | None = None,
    ) -> AsyncIterator[AgentEvent]:
        """Run one turn and yield its events: first ``TurnStarted``, last ``TurnFinished``.

        Exactly one of ``message`` / ``confirm`` / ``action`` (a button's structured
        action, :mod:`concierge.actions`). ``cards``: the client draws search results
        as cards, so the reply does not list them again in text. ``stop``: set it to stop
        the turn between effects (``concierge.graph``); it then ends ``stopped``.
        ``thread_id=None`` starts a thread (or,
        with ``external_key``, reuses the caller's thread for that channel key).
        Problems a client can cause (another user's thread, a stale confirmation,
        a turn already running, an action the thread or the core refuses) raise
        ``CoreError`` before the first event.
        """
        if sum(x is not None for x in (message, confirm, action)) != 1:
            raise ValidationFailed("Send one of a message, a confirmation or an action.")
        if message is not None and not message.strip():
            raise ValidationFailed("The message is empty.")
        prepared: ActionTurn | None = None
        if action is not None and thread_id is None and external_key is None:
            # A new thread has no history to check against: refuse before creating it.
            prepared = await prepare_action(self.rt, caller, [], action)
        title = message if action is None else title_of(action)
        settings = self.rt.settings
        turn_id = f"turn_{uuid.uuid4().hex[:20]}"
        thread_id, claimed, created = await self._own_thread(
            caller, thread_id, title, channel, external_key, claim_for=turn_id
        )
        async with thread_turn(
            self.rt,
            thread_id,
            turn_id,
            lease_ms=settings.turn_lock_lease_ms,
            wait_ms=settings.turn_lock_wait_ms,
            claims=self.turn_claims,
            claimed=claimed,
            # A new thread's id is told nobody before `start` (a channel's key is known).
            created=created and claimed and external_key is None,
        ) as claim:
            # The checkpoint read before `start` is the one the graph's run begins from
            # (concierge.checkpoint.TurnRead): one read and decoding a turn, not two.
            config: dict[str, Any] = with_turn_read(
                {
                    "configurable": {"thread_id": thread_id},
                    "recursion_limit": settings.agent_recursion_limit,
                },
                TurnRead(),
            )
            # A thread created now has no checkpoint yet: nothing to read before `start`.
            snapshot = _NO_CHECKPOINT if created else await self.graph.aget_state(config)
            pending = _pending(snapshot)
            if action is not None and prepared is None:
                history = (snapshot.values or {}).get("messages", [])
                prepared = await prepare_action(self.rt, caller, history, action)
            steps = self._plan(snapshot, pending, message, confirm, prepared)
            # Everything above is the prologue (docs/agent-contract.md): the checks, the
            # thread and its claim. The API sends `start` as soon as it ends and runs the
            # rest in a turn slot, so the prompt's facts are read after it.
            yield TurnStarted(thread_id=thread_id, turn_id=turn_id)
            now = self.rt.clock.now()  # the turn's instant (TurnContext.now)
            parts = await self._context_parts(caller, now)
            if cards:
                parts["system_prompt"] += "\n\n" + prompts.load("cards")
            ctx = TurnContext(
                rt=self.rt,
                caller=caller,
                thread_id=thread_id,
                turn_id=turn_id,
                cards=cards,
                stop=stop,
                asked=_answered(pending, steps),
                now=now,
                **parts,
            )
            usage = _Usage()
            runs = _Runs(usage)
            try:
                for graph_input, options in steps:
                    runs.told = None
                    if options.get("as_node"):
                        await self.graph.aupdate_state(
                            config, graph_input, as_node=options["as_node"]
                        )
                        continue
                    run = self._run(graph_input, options, config, ctx, runs)
                    async with aclosing(run):
                        async for event in run:
                            yield event
            except GraphRecursionError:
                runs.paused, runs.told = True, None  # whatever is pending, read it back
                log.warning("thread %s hit the recursion limit", thread_id)
                yield TurnError(message=STEP_LIMIT_TEXT, code="STEP_LIMIT")
            except Exception:
                runs.paused, runs.told = True, None
                log.exception("turn %s failed (thread %s)", turn_id, thread_id)
                yield TurnError(
                    message="Something went wrong on our side; please try again.", code="INTERNAL"
                )
                for part in text_part("Sorry, something went wrong on our side. Please try again."):
                    yield part

            # The graph reports every pause on the stream; without one nothing waits for
            # an answer, and the checkpoint is not read back (issue 15: a checkpoint read
            # and its decoding a turn). A turn whose last run paused on one question, and
            # on nothing else, has it from the stream (perf28: a "book option 1" turn
            # read its checkpoint back for it); any other pause reads what is pending.
            single = _told_once(runs.told)
            if not runs.paused:
                after = []
            elif single is not None:
                after = _pending(single)
            else:
                after = _pending(await self.graph.aget_state(config))
            if after:
                first = after[0].value
                yield ConfirmationRequested(
                    interrupt_id=first["interrupt_id"],
                    action=first["action"],
                    summary=first["summary"],
                )
            # The usage row and the thread given back in one transaction: nothing of the
            # turn is written after it.
            await self._record(caller, thread_id, turn_id, usage, claim)
            yield TurnFinished(
                thread_id=thread_id,
                turn_id=turn_id,
                usage={
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "model_calls": usage.model_calls,
                },
                awaiting_confirmation=bool(after),
                stopped=stop is not None and stop.is_set(),
            )

    async def _run(
        self,
        graph_input: Any,
        options: dict[str, Any],
        config: dict[str, Any],
        ctx: TurnContext,
        runs: _Runs,
    ) -> AsyncGenerator[AgentEvent, None]:
        """One step of a turn's plan: a run of the graph from ``graph_input``, then a run
        resuming the calls it paused only to have them written before their effect
        (``concierge.graph.DURABILITY``), at once, until a run pauses on none. Yields the
        runs' events; counts their usage and tells their pauses in ``runs``."""
        while True:
            runs.told = []
            durable: list[str] = []
            async for mode, event in self.graph.astream(
                graph_input,
                config,
                context=ctx,
                stream_mode=["custom", "updates"],
                interrupt_before=options.get("interrupt_before"),
                durability=DURABILITY,
            ):
                if mode == "updates":
                    # A pause (a gated call's interrupt(), or interrupt_before).
                    if isinstance(event, dict) and "__interrupt__" in event:
                        for item in event["__interrupt__"] or (None,):
                            if (pause := durable_pause(item)) is not None:
                                durable.append(pause)
                            else:
                                runs.paused = True
                                runs.told.append(item)
                    continue
                if isinstance(event, UsageReport):
                    runs.usage.add(event)
                else:
                    yield event
            if not durable:
                return
            # Each run counts its steps afresh: the turn's limit bounds the resumes too
            # (a call with an effect takes 2 steps at least).
            runs.resumes += 1
            if 2 * runs.resumes > self.rt.settings.agent_recursion_limit:
                raise GraphRecursionError("too many calls with effects in a turn")
            graph_input = Command(resume=dict.fromkeys(durable, True))

    def _plan(
        self,
        snapshot: Any,
        pending: list[_Pending],
        message: str | None,
        confirm: Confirm | None,
        action: ActionTurn | None = None,
    ) -> list[tuple[Any, dict[str, Any]]]:
        """What to feed the graph, in order: ``(input, options)`` pairs."""
        steps: list[tuple[Any, dict[str, Any]]] = []
        if snapshot.next and not pending:
            # A turn that died mid-step (crash, deploy): finish it first. Tool calls
            # carry idempotency keys, so a re-run replays effects instead of repeating.
            steps.append((None, {}))
        if confirm is not None:
            match = next(
                (p for p in pending if p.value.get("interrupt_id") == confirm.interrupt_id), None
            )
            if match is None:
                raise ConfirmationNotPending()
            answer = {"interrupt_id": confirm.interrupt_id, "approved": bool(confirm.approved)}
            steps.append((Command(resume={match.graph_id: answer}), {}))
            return steps
        if action is not None:
            return steps + _action_steps(pending, action)
        assert message is not None
        if pending:
            # One reading of yes/no for the service and the planner; a yes that
            # changes something ("yes but business class") is not a yes.
            first = pending[0]
            # A cancellation or a rejection waits: "yes, cancel it" / "yes, reject it" agree.
            asked = first.value.get("action") or {}
            rejecting = (
                asked.get("tool") == "decide_approval"
                and (asked.get("args") or {}).get("decision") == "reject"
            )
            cancelling = asked.get("tool") == "cancel_booking" or rejecting
            asked_tool = asked.get("tool")
            # What the question is about: a yes may restate it ("yes, book it for her");
            # a no that finds fault with the trip rejected is the rejection's reason.
            about = first.value.get("about") or {}
            asked = Asked(
                traveller=about.get("traveller") or None,
                needs_approval=bool(about.get("needs_approval")),
                rejecting=rejecting,
                places=tuple(about.get("places") or ()),
                kinds=tuple(about.get("kinds") or ()),
            )
            # A yes or no inside pasted or forwarded text answers nothing: only the user's
            # own words do ("> yes, confirm it" quoted under "hm?" is no yes).
            own = own_words(message)
            verdict = yes_or_no(own, cancelling=cancelling, asked=asked)
            if verdict is False and not cancelling and gives_up(own):
                # "scrap that, I don't need it anymore" at "Book it?": declined, and the
                # words go on as a message (below) — a request to let the hold go, which
                # the planner asks to confirm like any cancellation.
                verdict = None
            if verdict is None and asked_tool == "confirm_booking" and len(pending) == 1:
                # "yes but only if it's refundable", "ok as long as it's in policy": a yes
                # when what is on hold meets it; else the message goes on (declined), and
                # the planner says why.
                condition = yes_if(own)
                if condition is not None and met_on_hold(condition, about):
                    verdict = True
            if verdict is not None:
                answer = {"interrupt_id": first.value["interrupt_id"], "approved": verdict}
                steps.append((Command(resume={first.graph_id: answer}), {}))
                return steps
            then = (
                yes_then(own, cancelling=cancelling, asked=asked) if len(pending) == 1 else None
            )
            if then is not None:
                # A yes with a request after it ("yes, and add a hotel there for two
                # nights"): the action runs on the yes (stopping before the model), then the
                # message goes on as the next request, what follows the yes marked for the
                # planner; the model answers both at once.
                answer = {"interrupt_id": first.value["interrupt_id"], "approved": True}
                steps.append(
                    (Command(resume={first.graph_id: answer}), {"interrupt_before": ["agent"]})
                )
                said = HumanMessage(content=message, additional_kwargs={YES_THEN_KEY: then})
                steps.append(({"messages": [said]}, {"as_node": "tool"}))
                steps.append((None, {}))
                return steps
            # Something else: every pending action is declined, the declines are
            # recorded (stopping before the model), then the new message goes on.
            steps.append((_declines(pending), {"interrupt_before": ["agent"]}))
            steps.append(({"messages": [HumanMessage(content=message)]}, {"as_node": "tool"}))
            steps.append((None, {}))
            return steps
        steps.append(({"messages": [HumanMessage(content=message)]}, {}))
        return steps

    async def _own_thread(
        self,
        caller: Caller,
        thread_id: str | None,
        message: str | None,
        channel: str,
        external_key: str | None,
        *,
        claim_for: str,
    ) -> tuple[str, bool, bool]:
        """The caller's thread (``NotFound`` for anyone else's), or a new one: its id;
        whether it
        was claimed for the turn ``claim_for`` in the same transaction (issue 15: one
        transaction fewer a turn; ``concierge.locks.thread_turn`` takes it from there),
        and whether it was created now."""
        now = self.rt.clock.now()
        lease_ms = self.rt.settings.turn_lock_lease_ms
        if self.turn_claims and (thread_id is not None or external_key is None):
            # One statement each, so no transaction around it (core.db.Database.single):
            # a new thread born claimed, one INSERT and no ORM object (issue 15: the first
            # burst of new conversations is what is left of TTFE's p99); or the caller's
            # thread touched and claimed.
            async with self.rt.db.single() as session:
                if thread_id is None:
                    created_id = await create_thread(
                        session, caller, channel=channel, title=_title(message), now=now,
                        turn_id=claim_for, lease_until=now + timedelta(milliseconds=lease_ms),
                    )
                    return created_id, True, True
                claimed = await claim_own_in(
                    session, caller, thread_id, claim_for, lease_ms=lease_ms, now=now
                )
            if claimed is None:
                raise NotFound("Conversation not found")
            return thread_id, claimed, False
        async with self.rt.db.uow() as session:
            thread = await open_thread(
                session,
                caller,
                thread_id=thread_id,
                channel=channel,
                external_key=external_key,
                title=_title(message),
                now=now,
            )
            created = thread in session.new
            if not self.turn_claims:
                return thread.id, False, created
            if created:  # it is born claimed
                thread.turn_id = claim_for
                thread.turn_lease_until = now + timedelta(milliseconds=lease_ms)
                return thread.id, True, True
            claimed = await claim_in(session, thread.id, claim_for, lease_ms=lease_ms, now=now)
        return thread.id, claimed, False

    async def _context_parts(self, caller: Caller, now: datetime) -> dict[str, Any]:
        """The prompt's facts about the caller: profile, policy, the tools offered."""
        async with self.rt.db.uow(write=False) as session:
            # One statement (issue 15). A manager's reports by name: the planner tells a
            # trip asked for one of them ("can u book ava jfk-bos") from the manager's own,
            # without a tool call.
            facts = await prompt_facts(session, caller, reports=MAX_REPORTS)
        traveller, approver, rules = facts.traveller, facts.approver, facts.rules
        confirmed_trips = facts.confirmed_trips
        profile: dict[str, Any] = {
            "user_id": caller.user_id,  # the planner names the caller as a passenger by it
            "name": traveller.name if traveller else caller.name,
            "role": caller.role,
            "department": traveller.department if traveller else None,
            "home_airport": traveller.home_airport if traveller else None,
            "manager": traveller.manager.name if traveller and traveller.manager else None,
            "currency": traveller.currency if traveller else rules.currency,
            "approves_trips": approver,
        }
        if traveller and traveller.can_book_for:
            profile["can_book_for"] = [
                {"user_id": p.user_id, "name": p.name} for p in traveller.can_book_for
            ]
            if traveller.can_book_for_partial:
                # more than the list holds: get_traveler_profile(named=…) tells about anyone
                profile["can_book_for_partial"] = True
        org_name = traveller.company if traveller else caller.org_id
        prompt = system_prompt(org_name=org_name, now=now, profile=profile, rules=rules)
        # Tools that can't apply to this caller are not offered (~380 prompt tokens a
        # call for a traveller with nothing booked); the core still checks every call.
        applies = {
            Offer.ALWAYS: True,
            Offer.TO_APPROVERS: approver,
            # Someone who books for others may change their confirmed trips too ("Ava's
            # flight home needs to move"): the core says whose.
            Offer.WITH_CONFIRMED_TRIPS: confirmed_trips
            or caller.is_admin
            or bool(traveller and traveller.can_book_for),
        }
        offered = frozenset(name for name, spec in self.tools.items() if applies[spec.offer])
        return {
            "system_prompt": prompt,
            "profile": profile,
            "offered_tools": offered,
            # The policy read with the facts, for the turn's tools (ToolContext.policy_rules):
            # a search judges its offers by it instead of reading it again (issue 15).
            "tool_memo": {POLICY_MEMO: rules},
        }

    async def _record(
        self, caller: Caller, thread_id: str, turn_id: str, usage: _Usage, claim: TurnClaim
    ) -> None:
        # A Core INSERT: the ORM's unit of work cost more CPU than the round trip.
        row = {
            "org_id": caller.org_id,
            "thread_id": thread_id,
            "turn_id": turn_id,
            "model": self.model.name[:100],
            "model_calls": usage.model_calls,
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "counted_prompt_tokens": usage.counted_prompt_tokens,
            "created_at": self.rt.clock.now(),
        }
        try:
            await claim.release_with(self.rt, _USAGE, row)
        except Exception:  # accounting must not cost the user their answer
            log.exception("could not record usage of turn %s", turn_id)

    # -- reading a thread -----------------------------------------------------------

    async def tell(self, thread_id: str, text: str, *, message_id: str) -> bool:
        """Add the concierge's own line to a conversation between turns — an approver's
        decision, a disruption — so that a reload or another device shows it where it
        happened. Once per ``message_id`` (the relay delivers at least once).

        False, and nothing written, when the thread waits on a confirmation or stopped
        mid-step (a line there would stand between a question and its answer) or has no
        history; the live event and the notification still carry it. A turn running
        now is waited for as another turn would be (``TurnInProgress`` after the wait:
        the relay tries again later).
        """
        settings = self.rt.settings
        async with thread_turn(
            self.rt,
            thread_id,
            f"tell_{uuid.uuid4().hex[:20]}",
            lease_ms=settings.turn_lock_lease_ms,
            wait_ms=settings.turn_lock_wait_ms,
            claims=self.turn_claims,
        ):
            config: dict[str, Any] = {"configurable": {"thread_id": thread_id}}
            snapshot = await self.graph.aget_state(config)
            messages = (snapshot.values or {}).get("messages", [])
            if not messages or snapshot.next or _pending(snapshot):
                return False
            if any(getattr(m, "id", None) == message_id for m in messages):
                return True
            # It carries the notes of the reply before it (the offline planner's offer and
            # state), so the conversation reads on as it did: the line tells, it asks nothing.
            last = messages[-1]
            notes = (
                dict(last.additional_kwargs or {})
                if isinstance(last, AIMessage) and not last.tool_calls
                else {}
            )
            line = AIMessage(content=text, id=message_id, additional_kwargs=notes)
            # As the agent's own reply: the graph routes it to its end, nothing runs.
            await self.graph.aupdate_state(config, {"messages": [line]}, as_node="agent")
            return True

    async def thread(self, caller: Caller, thread_id: str) -> ThreadView:
        """The conversation as the caller saw it (every part: text, tools, confirmations
        and their outcome, :mod:`concierge.ui_messages`), and the confirmation it waits for."""
        async with self.rt.db.uow(write=False) as session:
            row = await own_thread(session, caller, thread_id)
            summary = ThreadSummary.of(row)
        snapshot = await self.graph.aget_state({"configurable": {"thread_id": thread_id}})
        pending = _pending(snapshot)
        messages = ui_messages(
            (snapshot.values or {}).get("messages", []), [p.value for p in pending]
        )
        confirmation = None
        if pending:
            confirmation = PendingConfirmation.model_validate(
                {k: pending[0].value[k] for k in ("interrupt_id", "action", "summary")}
            )
        return ThreadView(
            thread_id=thread_id,
            title=summary.title,
            channel=summary.channel,
            created_at=summary.created_at,
            last_activity_at=summary.last_activity_at,
            messages=messages,
            pending_confirmation=confirmation,
        )


def _declines(pending: list[_Pending]) -> Command[Any]:
    return Command(
        resume={
            p.graph_id: {"interrupt_id": p.value["interrupt_id"], "approved": False}
            for p in pending
        }
    )


def _action_steps(pending: list[_Pending], action: ActionTurn) -> list[tuple[Any, dict[str, Any]]]:
    """A button's action: its user message, then its tool calls as if the agent had made
    them, so the graph runs them (gated ones pause) and the model carries on after.

    Like a new message, it first declines what is pending: a click elsewhere is not a yes.
    """
    steps: list[tuple[Any, dict[str, Any]]] = []
    if pending:
        steps.append((_declines(pending), {"interrupt_before": ["agent"]}))
    if action.calls:
        called = AIMessage(content="", tool_calls=action.calls)
        steps.append(({"messages": [action.message, called]}, {"as_node": "agent"}))
        steps.append((None, {}))
    elif pending:
        steps.append(({"messages": [action.message]}, {"as_node": "tool"}))
        steps.append((None, {}))
    else:
        steps.append(({"messages": [action.message]}, {}))
    return steps


def _answered(pending: list[_Pending], steps: list[tuple[Any, dict[str, Any]]]) -> dict[str, str]:
    """The line each confirmation this turn answers was asked with, by interrupt id."""
    resumed: set[str] = set()
    for graph_input, _options in steps:
        if isinstance(graph_input, Command) and isinstance(graph_input.resume, dict):
            resumed.update(graph_input.resume)
    return {
        p.value["interrupt_id"]: str(p.value["summary"])
        for p in pending
        if p.graph_id in resumed and isinstance(p.value.get("summary"), str)
    }


_USAGE = cast(Table, TurnUsage.__table__)


@dataclass(frozen=True)
class _NoCheckpoint:
    """What ``aget_state`` answers for a thread never run: no values, nothing next."""

    values: dict[str, Any] = field(default_factory=dict)
    next: tuple[str, ...] = ()
    interrupts: tuple[Any, ...] = ()


_NO_CHECKPOINT = _NoCheckpoint()


@dataclass(frozen=True)
class _Told:
    """A run's one pause as its stream told it, read like a snapshot's ``interrupts``."""

    interrupts: tuple[Any, ...]


def _told_once(told: list[Any] | None) -> _Told | None:
    """The last run's pause when it was one interrupt() (told once or more), else None:
    an interrupt_before (None), several questions or an error are read back."""
    if not told or any(item is None or getattr(item, "id", None) is None for item in told):
        return None
    if len({item.id for item in told}) != 1:
        return None
    return _Told(interrupts=(told[0],))


def _pending(snapshot: Any) -> list[_Pending]:
    found: list[_Pending] = []
    for item in getattr(snapshot, "interrupts", ()) or ():
        value = item.value
        if isinstance(value, dict) and "interrupt_id" in value:
            found.append(_Pending(graph_id=item.id, value=value))
    return found


def _title(message: str | None) -> str | None:
    if not message:
        return None
    text = " ".join(message.split())
    return text if len(text) <= 80 else text[:79] + "…"
