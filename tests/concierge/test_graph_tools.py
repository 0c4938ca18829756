"""The graph with the real tool registry: hold, confirm behind the gate, pay exactly once."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from sqlalchemy import func, select

from concierge.events import ConfirmationRequested, ToolFinished
from concierge.models.base import ModelRequest
from concierge.service import Concierge, ConfirmationNotPending
from core.models import Booking, Payment
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.concierge.conftest import collect
from tests.concierge.scripted import ScriptedModel, call, calls, say
from tests.core.booking_world import AVA, build_world
from tools.registry import TOOLS


def confirm_what_was_held(request: ModelRequest) -> AIMessage:
    held = next(m for m in reversed(request.messages) if isinstance(m, ToolMessage))
    booking_id = json.loads(held.content)["booking_id"]
    return calls(call("confirm_booking", {"booking_id": booking_id}, id="call_confirm"))


async def test_hold_then_confirm_pays_once_after_the_yes(runtime: Runtime) -> None:
    world = await build_world(runtime)
    offer = flight_offer_id(world.long_inv["economy"].id)
    model = ScriptedModel(
        script=[
            calls(call("reserve", {"items": [{"offer_id": offer, "quantity": 1}]}, id="call_hold")),
            confirm_what_was_held,
        ]
    )
    concierge = await Concierge.open(runtime, model, tools=TOOLS)
    try:
        events = await collect(concierge.turn(AVA, message="book BA 117 on the 18th"))
        thread_id = events[0].thread_id
        (asked,) = [e for e in events if isinstance(e, ConfirmationRequested)]
        assert asked.action["tool"] == "confirm_booking"
        assert "BA 117" in asked.summary
        assert "612.40 USD on the company card?" in asked.summary
        booking_id = asked.action["args"]["booking_id"]
        async with runtime.db.uow(write=False) as s:
            assert (await s.get(Booking, booking_id)).status == "held"
            assert await s.scalar(select(func.count()).select_from(Payment)) == 0

        model.script = [say("Booked.")]
        events = await collect(concierge.turn(AVA, thread_id=thread_id, message="yes"))
        done = [e for e in events if isinstance(e, ToolFinished)]
        assert done[0].output["status"] == "confirmed"
        with pytest.raises(ConfirmationNotPending):
            await collect(
                concierge.turn(AVA, thread_id=thread_id, confirm=_confirm(asked.interrupt_id))
            )
        async with runtime.db.uow(write=False) as s:
            assert (await s.get(Booking, booking_id)).status == "confirmed"
            assert await s.scalar(select(func.count()).select_from(Payment)) == 1
    finally:
        await concierge.aclose()


def _confirm(interrupt_id: str):
    from concierge.service import Confirm

    return Confirm(interrupt_id, True)


async def _questions_that_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import tools.confirm_booking as confirm_tool

    read: list[str] = []
    original = confirm_tool.get_booking

    async def counted(session, caller, booking_id):  # type: ignore[no-untyped-def]
        read.append(booking_id)
        return await original(session, caller, booking_id)

    monkeypatch.setattr(confirm_tool, "get_booking", counted)
    return read


async def test_the_question_after_a_hold_uses_the_hold_s_answer(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: reserve answered with the booking a moment ago, in this turn; the
    question reads it from the turn's memo, not from the database again."""
    world = await build_world(runtime)
    offer = flight_offer_id(world.long_inv["economy"].id)
    read = await _questions_that_read(monkeypatch)
    model = ScriptedModel(
        script=[
            calls(call("reserve", {"items": [{"offer_id": offer, "quantity": 1}]}, id="call_hold")),
            confirm_what_was_held,
        ]
    )
    concierge = await Concierge.open(runtime, model, tools=TOOLS)
    try:
        events = await collect(concierge.turn(AVA, message="book BA 117 on the 18th"))
        (asked,) = [e for e in events if isinstance(e, ConfirmationRequested)]
        assert "BA 117" in asked.summary
        assert "612.40 USD on the company card?" in asked.summary
        assert read == []
    finally:
        await concierge.aclose()


async def test_a_write_between_the_hold_and_the_question_makes_it_read_again(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any WRITE call empties the turn's memo: here a second hold replaces the first,
    and confirming the first phrases its question from the database (it is released)."""
    world = await build_world(runtime)
    economy = flight_offer_id(world.long_inv["economy"].id)
    business = flight_offer_id(world.long_inv["business"].id)
    read = await _questions_that_read(monkeypatch)

    def replace_then_confirm_the_first(request: ModelRequest) -> AIMessage:
        held = next(m for m in reversed(request.messages) if isinstance(m, ToolMessage))
        first = json.loads(held.content)["booking_id"]
        model.script.insert(
            0, calls(call("confirm_booking", {"booking_id": first}, id="call_confirm"))
        )
        items = [{"offer_id": business, "quantity": 1}]
        return calls(call("reserve", {"items": items, "replaces": first}, id="call_hold_2"))

    model = ScriptedModel(
        script=[
            calls(call("reserve", {"items": [{"offer_id": economy, "quantity": 1}]}, id="call_hold")),
            replace_then_confirm_the_first,
        ]
    )
    concierge = await Concierge.open(runtime, model, tools=TOOLS)
    try:
        await collect(concierge.turn(AVA, message="book BA 117, then business instead"))
        assert len(read) == 1
    finally:
        await concierge.aclose()
