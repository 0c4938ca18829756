"""The planner's state travels on each final reply (concierge/planner/snapshot.py) and the
next call resumes from it instead of replaying every turn. planner_kit.Dialogue checks on
every call that the resumed state decides what a full replay decides."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

import concierge.planner as planner_module
from concierge.planner.nlu.intents import PriceCap
from concierge.planner.snapshot import STATE_KEY, dump, load
from concierge.planner.state import Draft, Offer, Shown, State
from tests.concierge.planner_kit import Dialogue


def test_a_state_round_trips_through_json() -> None:
    state = State(
        draft=Draft(
            origin="JFK",
            destination="London",
            depart=date(2026, 12, 18),
            ret=date(2026, 12, 22),
            passengers=2,
            price_cap=PriceCap(300, "person", "USD"),
        ),
        shown={"flights": Shown("flights", [{"option": 1, "offer_id": "FL-1"}])},
        last_shown="flights",
        offer=Offer("select", {"single": True}),
        last_intent="search",
    )
    state.flights = {"date": "2026-12-18", "options": [{"option": 1, "offer_id": "FL-1"}]}
    state.used_up = {"flights", "hotels"}
    data = json.loads(json.dumps(dump(state)))
    assert load(data) == state
    # The options shown are the search's own: stored once.
    assert data["state"]["shown"]["flights"]["items"] == "=flights"
    # Fields at their default are left out: the snapshot stays small.
    assert "cabin" not in data["state"]["draft"]
    assert "bookings" not in data["state"]


@pytest.mark.parametrize(
    "data",
    [None, "x", {"v": 999, "state": {}}, {"v": 1, "state": {"draft": {"depart": 5}}}],
)
def test_a_snapshot_it_cannot_read_is_a_miss(data: Any) -> None:
    assert load(data) is None


async def test_each_call_reads_only_the_new_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    d = Dialogue()
    await d.say("flight from JFK to London on Dec 18")
    await d.say("make it business")
    final = [m for m in d.messages if isinstance(m, AIMessage) and not m.tool_calls]
    assert all(STATE_KEY in m.additional_kwargs for m in final)

    read: list[str] = []
    understand = planner_module.understand

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        read.append(text)
        return understand(text, *args, **kwargs)

    monkeypatch.setattr(planner_module, "understand", counting)
    d.messages.append(HumanMessage(content="for 2 passengers"))
    message = planner_module.plan(d.request())
    assert read == ["for 2 passengers"]  # not the two earlier messages
    assert message.tool_calls[0]["args"]["cabin"] == "business"
    assert message.tool_calls[0]["args"]["passengers"] == 2


async def test_a_thread_without_snapshots_is_replayed() -> None:
    d = Dialogue()
    await d.say("flight from JFK to London on Dec 18")
    d.messages = [
        m.model_copy(update={"additional_kwargs": {}}) if isinstance(m, AIMessage) else m
        for m in d.messages
    ]
    await d.say("make it business")
    assert d.backend.last("search_flights")["cabin"] == "business"
    assert d.backend.last("search_flights")["destination"] == "London"


def test_a_state_json_cannot_carry_is_not_stored() -> None:
    state = State(profile={"when": object()})
    assert dump(state) is None  # the next call replays instead of failing this one
