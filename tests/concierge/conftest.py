from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from concierge.service import Concierge
from core.runtime import Runtime
from tests.concierge.scripted import Counters, ScriptedModel, make_tools
from tests.core.booking_world import build_world


@pytest.fixture
async def world_rt(runtime: Runtime) -> Runtime:
    await build_world(runtime)
    return runtime


@pytest.fixture
def model() -> ScriptedModel:
    return ScriptedModel()


@pytest.fixture
def counters() -> Counters:
    return Counters()


@pytest.fixture
async def concierge(
    world_rt: Runtime, model: ScriptedModel, counters: Counters
) -> AsyncIterator[Concierge]:
    c = await Concierge.open(world_rt, model, tools=make_tools(counters))
    yield c
    await c.aclose()


async def collect(events: AsyncIterator[Any]) -> list[Any]:
    return [e async for e in events]
