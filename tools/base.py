"""What every tool is made of (docs/agent-contract.md): a context, a spec, an effect tag.

A tool is declared once and used by the LangGraph agent, ``POST /v1/tools/{name}``
and the Slack bot. The caller always comes from :class:`ToolContext` (that is, from
authentication), never from the model's arguments: no input model has a user or
organization field, and ``extra="forbid"`` refuses one smuggled in.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import CoreError, ValidationFailed
from core.idempotency import IdempotencyContext, StoredProblem, run_idempotent
from core.identity import Caller
from core.policy.rules import PolicyRules
from core.policy.service import get_rules
from core.runtime import Runtime

I = TypeVar("I", bound=BaseModel)  # noqa: E741 - the contract's names
O = TypeVar("O", bound=BaseModel)  # noqa: E741


# Whether the last run_once in this task replayed a stored answer (for the HTTP edge's
# Idempotent-Replayed header; tool outputs stay identical either way).
_replayed: ContextVar[bool] = ContextVar("tool_replayed", default=False)


def last_run_replayed() -> bool:
    """True when the latest WRITE tool run in this task answered from its idempotency record."""
    return _replayed.get()


class Effect(StrEnum):
    READ = "read"
    WRITE = "write"


class Offer(StrEnum):
    """When the agent offers a tool to the model. Narrowing the offer saves prompt
    tokens on every call; it is never a permission: whoever calls a tool, the core
    checks it."""

    ALWAYS = "always"
    TO_APPROVERS = "to_approvers"  # people approval requests can wait on
    # callers with a confirmed booking to change, or who book for others (theirs, maybe)
    WITH_CONFIRMED_TRIPS = "with_confirmed_trips"


@dataclass(frozen=True)
class ToolContext:
    """Who runs the tool and where: never part of the model's arguments."""

    rt: Runtime
    caller: Caller
    thread_id: str | None = None
    tool_call_id: str | None = None
    # f"{thread_id}:{tool_call_id}" from the graph, the Idempotency-Key header from
    # POST /v1/tools/{name}: a re-run of the same call replays instead of repeating.
    idempotency_key: str | None = None
    # What the calls of one chat turn built, for a later call of the same turn (the graph
    # hands each of them the turn's dict; None elsewhere): the booking reserve just held
    # and answered, which confirm_booking's question would otherwise read again. The
    # graph empties it before every WRITE call, so nothing recalled predates a change
    # made in this turn.
    turn_memo: dict[str, BaseModel] | None = None

    @classmethod
    def for_call(
        cls,
        rt: Runtime,
        caller: Caller,
        *,
        thread_id: str,
        tool_call_id: str,
        turn_memo: dict[str, BaseModel] | None = None,
    ) -> ToolContext:
        """The context of one tool call inside a conversation (key = thread + call id)."""
        return cls(
            rt=rt,
            caller=caller,
            thread_id=thread_id,
            tool_call_id=tool_call_id,
            idempotency_key=f"{thread_id}:{tool_call_id}",
            turn_memo=turn_memo,
        )

    def remember(self, key: str, value: BaseModel) -> None:
        if self.turn_memo is not None:
            self.turn_memo[key] = value

    def recall(self, key: str, kind: type[O]) -> O | None:
        value = None if self.turn_memo is None else self.turn_memo.get(key)
        return value if isinstance(value, kind) else None

    async def policy_rules(self, session: AsyncSession) -> PolicyRules:
        """The caller's organization's policy: as the turn read it with the prompt's facts
        (:data:`POLICY_MEMO`, put in the turn's memo by the concierge; gone after a write
        of the turn like all it holds), else read in ``session`` (issue 15: a search turn
        read the policy twice, once for the prompt and once for the verdicts)."""
        return self.recall(POLICY_MEMO, PolicyRules) or await get_rules(
            session, self.caller.org_id
        )


#: The turn memo's key for the caller's organization's policy (``ToolContext.policy_rules``).
POLICY_MEMO = "policy_rules"


@dataclass(frozen=True)
class Named:
    """What a booking's parts may be named by: their places (airports and their cities,
    hotels' cities), their dates (ISO: a flight's local day of departure, a stay's first
    and last day) and their kinds (flight, hotel), each once, in the booking's order."""

    places: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A gated call's question to the human: the line shown, and facts about it that an
    answer may restate without changing what it agrees to ("yes, book it for her" when
    the trip is hers; "yes, send it for approval" when confirming asks for one)."""

    text: str
    traveller: str | None = None  # whose trip it is, when not the caller's own
    needs_approval: bool = False  # saying yes sends it for approval first
    # What a yes may be given on ("yes but only if it's refundable", "ok as long as it's
    # in policy"): every part of it refundable; its policy colour. None: not told.
    refundable: bool | None = None
    policy: str | None = None
    # What a yes may name it by ("ok great, yes book the Boston one", "confirm the Madrid
    # hotel", "yes, cancel the Boston flight"): ``tools.views.named_by`` of the parts it
    # confirms, cancels or moves.
    named: Named = Named()


@dataclass(frozen=True)
class ToolSpec(Generic[I, O]):
    name: str
    description: str  # written for a model
    input_model: type[I]  # its field descriptions are the model's contract
    output_model: type[O]
    effect: Effect
    needs_confirmation: bool  # confirm_booking, cancel_booking, rebook, decide_approval
    run: Callable[[ToolContext, I], Awaitable[O]]
    # Human one-line summary shown before a gated tool runs (with the facts an answer
    # may restate, when it declares them); READ-only.
    describe: Callable[[ToolContext, I], Awaitable[str | Question]] | None = None
    offer: Offer = Offer.ALWAYS

    def input_schema(self) -> dict[str, Any]:
        schema = _json_schema(self.input_model)
        schema.pop("title", None)
        return schema

    def openai_schema(self) -> dict[str, Any]:
        """``{"type": "function", "function": {name, description, parameters}}``.

        The parameters are :func:`model_facing` (the input schema without what only
        validation needs): they travel with every model call.
        """
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": model_facing(_json_schema(self.input_model)),
            },
        }

    def parse(self, args: Mapping[str, Any] | BaseModel | None) -> I:
        """Validate raw arguments; a mistake becomes a readable ``ValidationFailed``."""
        if isinstance(args, self.input_model):
            return args
        raw = args.model_dump() if isinstance(args, BaseModel) else dict(args or {})
        try:
            return self.input_model.model_validate(raw)
        except ValidationError as exc:
            raise validation_failed(self.name, exc) from None

    async def invoke(
        self, ctx: ToolContext, args: Mapping[str, Any] | BaseModel | None
    ) -> dict[str, Any]:
        """Parse, run, and return the output as JSON-ready data."""
        data = self.parse(args)
        output = await self.run(ctx, data)
        return output.model_dump(mode="json", exclude_none=True)

    async def summary(self, ctx: ToolContext, args: Mapping[str, Any] | BaseModel | None) -> str:
        """The confirmation line for a gated call (a generic one when none is declared)."""
        return (await self.question(ctx, args)).text

    async def question(
        self, ctx: ToolContext, args: Mapping[str, Any] | BaseModel | None
    ) -> Question:
        """The question a gated call asks: its line and the facts it is about."""
        data = self.parse(args)
        if self.describe is None:
            return Question(f"Run {self.name} with {data.model_dump_json(exclude_none=True)}?")
        asked = await self.describe(ctx, data)
        return asked if isinstance(asked, Question) else Question(asked)


# Keywords that only validation needs: the input model still enforces them (a model
# that sends a 300-character city gets a ValidationFailed it can read), but they
# cost prompt tokens on every call without helping a model choose arguments.
_VALIDATION_ONLY = frozenset(
    {"title", "minLength", "maxLength", "pattern", "format", "minItems", "maxItems"}
)


@cache
def _model_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model.model_json_schema()``, built once per model class, a copy per caller.

    pydantic builds it anew on every call (about 5 ms a tool); every graph, so every
    evaluation trial and test conversation, asked for all of them.
    """
    return copy.deepcopy(_model_schema(model))


def model_facing(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema as a model needs it.

    ``$ref`` is inlined (no ``$defs``), ``anyOf [X, null]`` becomes ``X`` (optional
    arguments are simply not ``required``), ``default: null`` and the validation-only
    keywords go, and the model's docstring (repeated by the tool's description)
    is dropped at the top. Types, enums, numeric bounds, real defaults, field
    descriptions, ``required`` and ``additionalProperties`` stay.
    """
    defs = schema.get("$defs", {})

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            merged = {**defs[ref.removeprefix("#/$defs/")], **node}
            merged.pop("$ref")
            return clean(merged)
        variants = node.get("anyOf")
        if isinstance(variants, list):
            concrete = [v for v in variants if v != {"type": "null"}]
            if len(concrete) == 1:
                rest = {k: v for k, v in node.items() if k != "anyOf"}
                return clean({**concrete[0], **rest})
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _VALIDATION_ONLY or key == "$defs":
                continue
            if key == "default" and value is None:
                continue
            if key == "properties" and isinstance(value, dict):
                # Property names are data here, not keywords: keep each, clean its schema.
                out[key] = {name: clean(prop) for name, prop in value.items()}
            else:
                out[key] = clean(value)
        return out

    cleaned: dict[str, Any] = clean(schema)
    cleaned.pop("description", None)
    return cleaned


def validation_failed(tool: str, exc: ValidationError) -> ValidationFailed:
    """One sentence per problem, named by field, as a model (or person) can fix it."""
    problems: list[dict[str, str]] = []
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        where = ".".join(str(p) for p in err["loc"]) or "input"
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "is not an argument of this tool"
        problems.append({"field": where, "message": message, "type": err["type"]})
    return ValidationFailed(
        f"Invalid arguments for {tool}: "
        + "; ".join(f"{p['field']}: {p['message']}" for p in problems),
        field=problems[0]["field"] if problems else "input",
        errors=problems,
    )


def error_payload(exc: CoreError) -> dict[str, str]:
    """``{code, message}`` for the model, and the extras the error shares (``CoreError.shared``:
    ``{reason, bookable_until, asked}`` for a day beyond the schedule); a replayed stored
    error keeps its first code."""
    if isinstance(exc, StoredProblem):
        return {"code": str(exc.body.get("code", exc.code)), "message": exc.detail}
    shared = {k: str(exc.extra[k]) for k in exc.shared if exc.extra.get(k) is not None}
    return {"code": exc.code, "message": exc.detail, **shared}


async def run_once(
    ctx: ToolContext,
    name: str,
    data: BaseModel,
    output_model: type[O],
    handler: Callable[[IdempotencyContext], Awaitable[O]],
) -> O:
    """Run a WRITE tool's effect at most once per idempotency key, replaying after.

    The scope is the tool's name and the payload its validated input, so the same
    key with other arguments is refused (``IDEMPOTENCY_KEY_REUSED``) instead of
    silently answering for a different request.
    """

    async def wrapped(idem: IdempotencyContext) -> tuple[int, dict[str, Any]]:
        output = await handler(idem)
        return 200, output.model_dump(mode="json")

    result = await run_idempotent(
        ctx.rt,
        ctx.caller,
        scope=f"tool:{name}",
        key=ctx.idempotency_key,
        payload=data.model_dump(mode="json"),
        handler=wrapped,
    )
    _replayed.set(result.replayed)
    return output_model.model_validate(result.body)
