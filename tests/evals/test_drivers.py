"""The driver's buttons: a click becomes the structured action the card carries."""

from __future__ import annotations

from typing import Any

import pytest

from evals.drivers import Driver
from evals.loader import parse_scenario
from evals.schema import ClickStep


def _options(*ids: str) -> list[dict[str, Any]]:
    return [{"option": n, "offer_id": offer_id} for n, offer_id in enumerate(ids, start=1)]


class Scripted(Driver):
    """Answers each turn with the next scripted events and keeps the bodies sent."""

    def __init__(self, *turns: list[dict[str, Any]]) -> None:
        super().__init__()
        self.replies = list(turns)
        self.bodies: list[dict[str, Any]] = []

    async def _turn(
        self, user: str, thread_id: str | None, body: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self.bodies.append(body)
        return self.replies.pop(0)


def _started(*events: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "turn-start", "thread_id": "TH-1"}, *events, {"type": "turn-finish"}]


def _search(
    call_id: str, name: str, options: list[dict[str, Any]], **args: Any
) -> list[dict[str, Any]]:
    return [
        {"type": "tool-start", "call_id": call_id, "name": name, "args": args},
        {"type": "tool-result", "call_id": call_id, "name": name, "output": {"options": options}},
    ]


def _card(interrupt_id: str) -> dict[str, Any]:
    return {"type": "confirmation", "interrupt_id": interrupt_id, "action": {}, "summary": "ok?"}


async def test_book_buttons_carry_the_offer_of_the_list_they_sit_on() -> None:
    driver = Scripted(
        _started(
            *_search("s1", "search_flights", _options("FL-OUT1", "FL-OUT2")),
            *_search("s2", "search_flights", _options("FL-RET1", "FL-RET2"), leg="return"),
            *_search("s3", "search_hotels", _options("HT-1")),
        ),
        _started(),
        _started(_card("cf_1")),
    )
    await driver.send("ava", message="round trip and a hotel")
    await driver.click("ava", ClickStep(book=2, of="return"), {})
    await driver.click("ava", ClickStep(book=1, of="hotel"), {})
    assert driver.bodies[1:] == [
        {"action": {"type": "select_offer", "offer_id": "FL-RET2"}},
        {"action": {"type": "select_offer", "offer_id": "HT-1"}},
    ]
    missing = await driver.click("ava", ClickStep(book=3, of="flight"), {})
    assert missing.harness_error
    assert len(driver.bodies) == 3


async def test_a_stale_card_sends_its_own_id_and_a_refusal_keeps_the_pending_one() -> None:
    driver = Scripted(
        _started(_card("cf_old")),
        _started(_card("cf_new")),
        [{"type": "error", "code": "CONFIRMATION_NOT_PENDING", "message": "not pending"}],
        _started(),
    )
    await driver.send("ava", message="option 1")
    await driver.send("ava", message="option 2")
    stale = await driver.click("ava", ClickStep(confirm=True, card=-2), {})
    assert driver.bodies[-1] == {
        "action": {"type": "confirm", "interrupt_id": "cf_old", "approved": True}
    }
    assert stale.refused
    assert stale.sent["confirm"] is True
    assert driver.pending["ava"]["interrupt_id"] == "cf_new"  # the refusal changed nothing
    await driver.send("ava", confirm=True)
    assert driver.bodies[-1] == {"confirm": {"interrupt_id": "cf_new", "approved": True}}


async def test_cancel_and_decide_fill_the_trial_refs() -> None:
    driver = Scripted(_started(), _started())
    refs = {"last_booking": "BK-AAAAAA", "last_approval": "AP-1"}
    await driver.click("ava", ClickStep(cancel="{last_booking}"), refs)
    await driver.click("mia", ClickStep(decide="reject", note="too dear"), refs)
    assert driver.bodies == [
        {"action": {"type": "cancel_booking", "booking_id": "BK-AAAAAA"}},
        {
            "action": {
                "type": "decide_approval",
                "approval_id": "AP-1",
                "decision": "reject",
                "note": "too dear",
            }
        },
    ]
    unseen = await driver.click("mia", ClickStep(decide="approve"), {"last_booking": "BK-A"})
    assert unseen.harness_error == "no approval seen to decide"


def test_a_click_presses_exactly_one_button() -> None:
    step = parse_scenario({"id": "x", "title": "t", "script": [{"click": {"book": 1}}]}).script[0]
    assert step.is_user_turn
    assert step.kind == "click"
    with pytest.raises(ValueError, match="exactly one button"):
        ClickStep(book=1, cancel="BK-A")
    with pytest.raises(ValueError, match="exactly one button"):
        ClickStep()
