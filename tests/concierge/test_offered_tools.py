"""Which tools the model is offered: the ones that can apply to the caller.

Approval tools only for people approval requests can wait on, ``rebook`` only once
the caller has a confirmed booking. Narrowing the offer saves prompt tokens; it is
never a permission (the core checks every call), and the offline planner still
answers a traveller who asks to approve her own trip."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from concierge.events import ConfirmationRequested, TextDelta
from concierge.models.base import ModelRequest, ModelResult, TextSink
from concierge.planner import OfflinePlanner
from concierge.service import Concierge, Confirm
from core.identity import Caller
from core.models import User
from core.runtime import Runtime
from core.seed import seed_demo
from tests.conftest import NOW

HUBS = ("JFK", "LGA", "EWR", "LHR", "LGW")


class RecordingPlanner(OfflinePlanner):
    def __init__(self) -> None:
        self.offered: list[set[str]] = []

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        self.offered.append({t["function"]["name"] for t in request.tools})
        return await super().generate(request, on_text)


@pytest.fixture
async def demo(runtime: Runtime) -> Runtime:
    async with runtime.db.uow() as session:
        await seed_demo(
            session, today=NOW.date(), days_ahead=30, hubs=HUBS, settings=runtime.settings, now=NOW
        )
    return runtime


@pytest.fixture
async def planner_and_concierge(demo: Runtime) -> AsyncIterator[tuple[RecordingPlanner, Concierge]]:
    model = RecordingPlanner()
    c = await Concierge.open(demo, model)
    yield model, c
    await c.aclose()


async def _caller(rt: Runtime, user_id: str) -> Caller:
    async with rt.db.uow(write=False) as session:
        user = await session.get(User, user_id)
        assert user is not None
        return Caller.of(user)


async def _turn(c: Concierge, who: Caller, thread: str | None, **kw: Any) -> tuple[str, list[Any]]:
    events = [e async for e in c.turn(who, thread_id=thread, **kw)]
    return events[0].thread_id, events


async def test_a_traveller_is_not_offered_decide_approval_and_is_told_who_decides(
    planner_and_concierge: tuple[RecordingPlanner, Concierge], demo: Runtime
) -> None:
    model, c = planner_and_concierge
    _, events = await _turn(c, await _caller(demo, "ava"), None, message="approve my London trip")
    assert model.offered
    # the list is offered to everyone (empty for her: "is anything waiting for my
    # approval?" is answered from it); deciding is not
    assert "decide_approval" not in model.offered[-1]
    assert "list_approvals" in model.offered[-1]
    assert "search_flights" in model.offered[-1]
    reply = "".join(e.delta for e in events if isinstance(e, TextDelta))
    assert "Mia Chen" in reply  # her manager decides
    assert "can't" in reply or "cannot" in reply


async def test_a_manager_is_offered_approval_tools(
    planner_and_concierge: tuple[RecordingPlanner, Concierge], demo: Runtime
) -> None:
    model, c = planner_and_concierge
    await _turn(c, await _caller(demo, "mia"), None, message="anything waiting for my approval?")
    assert {"list_approvals", "decide_approval"} <= model.offered[-1]


async def test_rebook_is_offered_once_the_caller_has_a_confirmed_booking(
    planner_and_concierge: tuple[RecordingPlanner, Concierge], demo: Runtime
) -> None:
    model, c = planner_and_concierge
    ava = await _caller(demo, "ava")
    thread, _ = await _turn(c, ava, None, message="fly me from New York to London on the 18th")
    assert "rebook" not in model.offered[-1]
    thread, events = await _turn(c, ava, thread, message="book the first one")
    asked = next(e for e in events if isinstance(e, ConfirmationRequested))
    await _turn(c, ava, thread, confirm=Confirm(asked.interrupt_id, True))
    await _turn(c, ava, thread, message="show my trips")
    assert "rebook" in model.offered[-1]


async def test_asking_to_change_a_flight_with_nothing_confirmed_gets_the_reason(
    planner_and_concierge: tuple[RecordingPlanner, Concierge], demo: Runtime
) -> None:
    model, c = planner_and_concierge
    ava = await _caller(demo, "ava")
    thread, _ = await _turn(c, ava, None, message="fly me from New York to London on the 18th")
    thread, events = await _turn(c, ava, thread, message="book the first one")
    asked = next(e for e in events if isinstance(e, ConfirmationRequested))
    await _turn(c, ava, thread, confirm=Confirm(asked.interrupt_id, False))  # stays held
    _, events = await _turn(
        c, ava, thread, message="actually can you move my london flight to the 19th?"
    )
    assert "rebook" not in model.offered[-1]
    reply = "".join(e.delta for e in events if isinstance(e, TextDelta))
    assert "Sorry, I can't" not in reply
    assert reply  # a real answer: the reason, or a new search for the 19th


async def test_check_in_is_offered_once_the_caller_has_a_confirmed_booking(
    planner_and_concierge: tuple[RecordingPlanner, Concierge], demo: Runtime
) -> None:
    model, c = planner_and_concierge
    ava = await _caller(demo, "ava")
    thread, events = await _turn(c, ava, None, message="check me in for my flight please")
    assert "check_in" not in model.offered[-1]
    reply = "".join(e.delta for e in events if isinstance(e, TextDelta))
    assert "confirmed flight" in reply
    assert "Sorry, I can't" not in reply
    thread, _ = await _turn(c, ava, thread, message="fly me from New York to London on the 18th")
    thread, events = await _turn(c, ava, thread, message="book the first one")
    asked = next(e for e in events if isinstance(e, ConfirmationRequested))
    await _turn(c, ava, thread, confirm=Confirm(asked.interrupt_id, True))
    await _turn(c, ava, thread, message="show my trips")
    assert "check_in" in model.offered[-1]
