"""A checkpoint's messages read back as AI SDK UIMessages (concierge.ui_messages)."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from concierge.ui_messages import confirmation_record, ui_messages

ASKED = {"tool": "confirm_booking", "args": {"booking_id": "BK-1"}}


def _dump(history: list, pending: list | None = None) -> list[dict]:
    return [
        m.model_dump(mode="json", exclude_none=True) for m in ui_messages(history, pending or [])
    ]


def test_a_turn_is_one_assistant_message_with_its_parts_in_order() -> None:
    history = [
        HumanMessage(content="to London", id="u1"),
        AIMessage(
            content="",
            id="a1",
            tool_calls=[
                {"id": "c1", "name": "search_flights", "args": {"leg": "outbound"}},
                {"id": "c2", "name": "search_flights", "args": {"leg": "return"}},
            ],
        ),
        # Results land in any order; the parts keep the order of the calls.
        ToolMessage(content=json.dumps({"options": [2]}), tool_call_id="c2", name="search_flights"),
        ToolMessage(content=json.dumps({"options": [1]}), tool_call_id="c1", name="search_flights"),
        AIMessage(content="Pick one.", id="a2"),
    ]
    [user, assistant] = _dump(history)
    assert user == {
        "id": "u1",
        "role": "user",
        "parts": [{"type": "text", "text": "to London", "state": "done"}],
    }
    assert assistant["id"] == "a1"
    assert [(p["type"], p.get("toolCallId"), p.get("output")) for p in assistant["parts"]] == [
        ("tool-search_flights", "c1", {"options": [1]}),
        ("tool-search_flights", "c2", {"options": [2]}),
        ("text", None, None),
    ]


def test_confirmations_pending_approved_and_declined() -> None:
    call = {"id": "c1", "name": "confirm_booking", "args": ASKED["args"]}
    asked = AIMessage(content="", id="a1", tool_calls=[call])
    waiting = {"interrupt_id": "cf_1", "action": ASKED, "summary": "Pay?", "call_id": "c1"}

    pending = _dump([HumanMessage(content="book", id="u1"), asked], [waiting])
    assert pending[-1]["parts"] == [
        {
            "type": "data-confirmation",
            "id": "cf_1",
            "data": {
                "interrupt_id": "cf_1",
                "action": ASKED,
                "summary": "Pay?",
                "outcome": "pending",
            },
        }
    ]

    for approved, reply, kinds in (
        (True, {"status": "confirmed"}, ["data-confirmation", "tool-confirm_booking"]),
        (False, {"declined": True}, ["data-confirmation"]),
    ):
        answered = ToolMessage(
            content=json.dumps(reply),
            tool_call_id="c1",
            name="confirm_booking",
            artifact=confirmation_record("cf_1", ASKED, "Pay?", approved=approved),
        )
        parts = _dump([HumanMessage(content="book", id="u1"), asked, answered])[-1]["parts"]
        assert [p["type"] for p in parts] == kinds
        assert parts[0]["data"]["outcome"] == ("approved" if approved else "declined")


def test_a_tool_error_is_an_output_error_part() -> None:
    history = [
        HumanMessage(content="hold it", id="u1"),
        AIMessage(content="", id="a1", tool_calls=[{"id": "c1", "name": "reserve", "args": {}}]),
        ToolMessage(
            content=json.dumps({"error": {"code": "SOLD_OUT", "message": "Sold out."}}),
            tool_call_id="c1",
            name="reserve",
            status="error",
        ),
    ]
    [part] = _dump(history)[-1]["parts"]
    assert part == {
        "type": "tool-reserve",
        "toolCallId": "c1",
        "state": "output-error",
        "input": {},
        "errorText": "Sold out.",
    }
