"""The token budget: a 30-turn conversation stays under budget without losing the plot."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from sqlalchemy import select

from concierge.context import ContextBudget, digest, policy_brief, split_turns, tabulate
from concierge.service import Concierge
from concierge.tokens import TokenCounter
from core.models import TurnUsage
from core.policy.rules import acme_default, default_rules
from core.runtime import Runtime
from tests.concierge.conftest import collect
from tests.concierge.scripted import Counters, ScriptedModel, call, calls, make_tools, say
from tests.core.booking_world import AVA

SYSTEM = "You are the travel concierge. " * 20


def search_result(turn: int) -> str:
    offers = [
        {
            "option": i + 1,
            "offer_id": f"FL-{turn}{i}",
            "segments": [
                {
                    "carrier": "BA",
                    "number": f"{100 + i}",
                    "origin": "JFK",
                    "destination": "LHR",
                    "depart_at": "2026-12-18T08:05:00Z",
                    "arrive_at": "2026-12-18T20:00:00Z",
                    "aircraft": "Boeing 777-300ER with a long description of the cabin layout",
                }
            ],
            "cabin": "economy",
            "total": {"amount": f"{600 + i}.40", "currency": "USD"},
            "seats_left": 9,
            "co2_kg": 412,
            "policy": {"status": "green", "violations": []},
        }
        for i in range(5)
    ]
    return json.dumps({"offers": offers})


def as_sent(message):
    """What the model is sent for a message kept whole: tool results as tables."""
    if isinstance(message, ToolMessage):
        return message.model_copy(update={"content": tabulate(message.content)})
    return message


def conversation(turns: int) -> list:
    messages: list = []
    for t in range(turns):
        messages += [
            HumanMessage(f"Turn {t}: find me flights JFK to London on the 18th", id=f"h{t}"),
            AIMessage(
                "", tool_calls=[call("search_flights", {"origin": "JFK"}, id=f"c{t}")], id=f"a{t}"
            ),
            ToolMessage(search_result(t), tool_call_id=f"c{t}", name="search_flights", id=f"t{t}"),
            AIMessage(f"Option 1 is BA 100 at 600.40 USD (turn {t}).", id=f"r{t}"),
        ]
    messages.append(
        ToolMessage(
            json.dumps({"booking_id": "BK-7Q2M4X", "status": "held"}),
            tool_call_id="x",
            name="reserve",
        )
    )
    return messages


def test_thirty_turns_fit_the_budget_with_a_summary_and_the_recent_turns_whole() -> None:
    counter = TokenCounter()
    history = conversation(30)[:-1]
    full = counter.count_messages([SystemMessage(SYSTEM), *history])
    budget = ContextBudget(counter, budget_tokens=3000, keep_recent_turns=2)
    fitted = budget.fit(SYSTEM, history)

    assert full > 3 * 3000  # the raw history would blow the budget several times over
    assert fitted.tokens <= 3000
    assert fitted.tokens == counter.count_messages(fitted.messages)
    assert fitted.folded_turns > 0
    system, summary = fitted.messages[0], fitted.messages[1]
    assert system.content == SYSTEM
    assert "Earlier in this conversation" in summary.content
    assert "Turn 0: find me flights" in summary.content
    # The last two turns are sent whole (their tool results as tables).
    assert fitted.messages[-8:] == [as_sent(m) for m in history[-8:]]
    # Kept older turns carry digests, not full results, and still name the offers.
    kept_older = [m for m in fitted.messages[2:-8] if isinstance(m, ToolMessage)]
    assert kept_older
    for m in kept_older:
        assert len(m.content) < len(search_result(0)) / 2
        assert "FL-" in m.content


@pytest.mark.parametrize("keep", [1, 2])
def test_every_prefix_of_a_thirty_turn_conversation_stays_under_budget(keep: int) -> None:
    # keep=1 once went over by a few tokens: the summary's real size passed its cap.
    counter = TokenCounter()
    history = conversation(30)
    budget = ContextBudget(counter, budget_tokens=2500, keep_recent_turns=keep)
    folds = []
    for end in range(1, len(history) + 1):
        fitted = budget.fit(SYSTEM, history[:end])
        assert fitted.tokens <= 2500, end
        assert fitted.messages[-1] == as_sent(history[end - 1])  # the newest is always there
        folds.append(fitted.folded_turns)
    assert folds[0] == 0
    assert folds[-1] > 20


def test_a_small_conversation_is_sent_untouched() -> None:
    counter = TokenCounter()
    history = conversation(2)
    fitted = ContextBudget(counter, budget_tokens=6000, keep_recent_turns=2).fit(SYSTEM, history)
    assert len(split_turns(history)) == 2
    assert fitted.messages[1:] == [as_sent(m) for m in history]
    assert fitted.folded_turns == 0


def test_tool_results_reach_the_model_as_tables_with_every_fact_and_fewer_tokens() -> None:
    counter = TokenCounter()
    raw = search_result(4)
    table = json.loads(tabulate(raw))["offers"]
    assert counter.count_text(tabulate(raw)) < 0.75 * counter.count_text(raw)
    rows = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
    for row, offer in zip(rows, json.loads(raw)["offers"], strict=True):
        assert row["offer_id"] == offer["offer_id"]
        assert row["option"] == offer["option"]
        assert row["total"] == f"{offer['total']['amount']} USD"
        assert row["policy.status"] == offer["policy"]["status"]
        assert row["segments"][0]["depart_at"] == offer["segments"][0]["depart_at"]
        assert row["seats_left"] == offer["seats_left"]
    # Not JSON, or one record: passed on as it is.
    assert tabulate("plain words") == "plain words"
    assert json.loads(tabulate(json.dumps({"booking_id": "BK-1", "status": "held"}))) == {
        "booking_id": "BK-1",
        "status": "held",
    }


def test_the_summary_remembers_bookings() -> None:
    counter = TokenCounter()
    history = conversation(12)
    history.insert(
        6,
        ToolMessage(
            json.dumps({"booking_id": "BK-AAAAAA", "status": "confirmed"}),
            tool_call_id="c1",
            name="x",
        ),
    )
    fitted = ContextBudget(counter, budget_tokens=1500, keep_recent_turns=1).fit(SYSTEM, history)
    assert "BK-AAAAAA confirmed" in fitted.messages[1].content


def test_digest_keeps_ids_prices_and_policy_status() -> None:
    short = json.loads(digest(search_result(3)))
    first = short["offers"][0]
    assert first == {
        "option": 1,
        "offer_id": "FL-30",
        "brief": "BA 100 JFK→LHR 2026-12-18T08:05 economy 600.40 USD green",
    }
    assert [o["offer_id"] for o in short["offers"]] == [f"FL-3{i}" for i in range(5)]
    assert "aircraft" not in json.dumps(short)
    assert len(digest(search_result(3))) < len(search_result(3)) / 4
    many = json.loads(digest(json.dumps({"options": [{"offer_id": f"H-{i}"} for i in range(8)]})))
    assert many["options"][-1] == "+3 more"
    booking = json.loads(
        digest(
            json.dumps(
                {
                    "booking_id": "BK-1",
                    "status": "held",
                    "total": {"amount": "9.00", "currency": "USD"},
                }
            )
        )
    )
    assert booking == {"booking_id": "BK-1", "status": "held", "brief": "9.00 USD"}
    assert digest("not json at all") == "not json at all"


def test_policy_brief_is_rendered_from_the_rules() -> None:
    acme = policy_brief(acme_default())
    assert "First class" in acme
    assert "over 5,000 USD the traveller's manager" in acme
    assert "Hotel caps per night (USD): London 350," in acme
    assert "Ryanair" in acme
    other = policy_brief(default_rules())
    assert other != acme


async def test_a_thirty_turn_conversation_through_the_graph_respects_the_budget(
    world_rt: Runtime,
) -> None:
    world_rt.settings.agent_token_budget = 2500
    counter = TokenCounter()

    model = ScriptedModel()
    tools = make_tools(Counters())
    concierge = await Concierge.open(world_rt, model, tools=tools)
    schemas = [t.openai_schema() for t in tools.values()]
    try:
        thread_id = None
        for t in range(30):
            model.script = [
                calls(call("lookup", {"query": "x" * 400 + str(t)}, id=f"c{t}")),
                say(f"Answer {t}."),
            ]
            events = await collect(
                concierge.turn(AVA, thread_id=thread_id, message=f"turn {t} " + "please " * 20)
            )
            thread_id = events[0].thread_id
        assert len(model.requests) == 60
        sent = [
            counter.count_messages(r.messages) + counter.count_tools(schemas)
            for r in model.requests
        ]
        assert max(sent) <= 2500
        assert any(
            "Earlier in this conversation" in str(r.messages[1].content)
            for r in model.requests[-10:]
        )
        # The full history is still in the checkpoint: only the model's view was compacted.
        view = await concierge.thread(AVA, thread_id)
        assert len([m for m in view.messages if m.role == "user"]) == 30
        async with world_rt.db.uow(write=False) as s:
            rows = (
                await s.scalars(select(TurnUsage).where(TurnUsage.thread_id == thread_id))
            ).all()
        assert len(rows) == 30
        assert all(r.model_calls == 2 for r in rows)
        assert all(0 < r.counted_prompt_tokens <= 2 * 2500 for r in rows)
    finally:
        await concierge.aclose()


def test_prompts_are_loaded_by_name_and_placeholders_must_be_filled() -> None:
    import pytest

    import prompts

    assert "$policy" in prompts.load("system")
    with pytest.raises(KeyError):
        prompts.load("no-such-prompt")
    with pytest.raises(KeyError):
        prompts.render("policy", org_name="Acme")  # $rules missing
    assert prompts.render("policy", org_name="Acme", rules="- x").startswith(
        "## Acme travel policy"
    )
