"""Tool fixtures: the booking world and contexts for its people."""

from __future__ import annotations

import itertools

import pytest

from core.identity import Caller
from core.runtime import Runtime
from tests.core.booking_world import AVA, GUS, MIA, World, build_world
from tools.base import ToolContext

_calls = itertools.count(1)


def ctx_for(
    rt: Runtime, caller: Caller, *, thread: str = "th-1", call: str | None = None
) -> ToolContext:
    """A tool call inside a conversation: a fresh call id unless one is given (a re-run)."""
    return ToolContext.for_call(
        rt, caller, thread_id=thread, tool_call_id=call or f"call-{next(_calls)}"
    )


@pytest.fixture
async def world(runtime: Runtime) -> World:
    return await build_world(runtime)


@pytest.fixture
def ava(runtime: Runtime) -> ToolContext:
    return ctx_for(runtime, AVA)


@pytest.fixture
def mia(runtime: Runtime) -> ToolContext:
    return ctx_for(runtime, MIA)


@pytest.fixture
def gus(runtime: Runtime) -> ToolContext:
    return ctx_for(runtime, GUS)
