"""Run one tool directly: the same declarations the agent uses, over HTTP (DESIGN §5-6).

The HTTP caller is the human, so the gated tools (confirm_booking, cancel_booking,
rebook, decide_approval) run here without the agent's confirmation pause; what
protects money is the same as everywhere: the core's rules and ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse

from api.auth import CallerDep
from api.deps import RuntimeDep, WriteToolIdempotencyKey
from api.problems import REPLAYED_HEADER, problem_responses
from core.errors import IdempotencyKeyMissing
from tools.base import Effect, ToolContext, last_run_replayed
from tools.registry import TOOLS, get_tool

router = APIRouter(prefix="/v1/tools", tags=["tools"], responses=problem_responses(401, 422, 500))

ToolName = Annotated[
    str, Path(min_length=1, max_length=64, description="A tool name from `GET /v1/tools`.")
]


@router.get("", summary="List the tools")
async def list_tools(caller: CallerDep) -> dict[str, Any]:
    """Every tool with its description, effect (`read` / `write`), whether the agent asks
    for a yes first, and its input JSON schema."""
    return {
        "tools": [
            {
                "name": tool.name,
                "description": tool.description,
                "effect": str(tool.effect),
                "needs_confirmation": tool.needs_confirmation,
                "input_schema": tool.input_schema(),
            }
            for tool in TOOLS.values()
        ]
    }


@router.post(
    "/{name}",
    summary="Run one tool",
    responses=problem_responses(400, 402, 403, 404, 409, 410, 429, 503),
)
async def run_tool(
    name: ToolName,
    runtime: RuntimeDep,
    caller: CallerDep,
    body: Annotated[
        dict[str, Any] | None,
        Body(
            description="The tool's input, as in its `input_schema`.",
            examples=[{"booking_id": "BK-7Q2M4X"}],
        ),
    ] = None,
    idempotency_key: WriteToolIdempotencyKey = None,
) -> JSONResponse:
    """Run the tool as the authenticated caller and answer `{tool, output}`.

    READ tools run directly. WRITE tools need `Idempotency-Key` (400
    `IDEMPOTENCY_KEY_MISSING` without): a retry with the same key and input replays
    the first answer — errors included — instead of holding or paying twice, with
    `Idempotent-Replayed: true`.
    Unknown tool → 404; invalid input → 422 `VALIDATION_ERROR` naming the fields.
    """
    tool = get_tool(name)
    key = (idempotency_key or "").strip() or None
    if tool.effect is Effect.WRITE and key is None:
        raise IdempotencyKeyMissing(
            f"{tool.name} changes bookings: send an Idempotency-Key header (e.g. a UUID)"
        )
    ctx = ToolContext(rt=runtime, caller=caller, idempotency_key=key)
    output = await tool.invoke(ctx, body or {})
    replayed = tool.effect is Effect.WRITE and last_run_replayed()
    return JSONResponse(
        {"tool": tool.name, "output": output},
        headers={REPLAYED_HEADER: "true"} if replayed else {},
    )
