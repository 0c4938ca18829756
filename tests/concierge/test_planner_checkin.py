"""Check-in and boarding passes through the real concierge (offline planner, tools, core)
on the demo data: "check me in" before the window, in it, and "show my boarding pass";
and the reading of check-in requests in other words (hotel check-in stays a hotel's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from concierge.planner.nlu.intents import Intent, understand
from concierge.service import Concierge
from core.runtime import Runtime
from tests.concierge import test_planner_e2e as e2e
from tests.concierge.test_planner_e2e import Chat, caller

demo = e2e.demo
concierge = e2e.concierge
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _booked(chat: Chat, request: str) -> dict[str, object]:
    await chat.say(request)
    await chat.say("book option 1")
    assert chat.confirmation is not None
    await chat.answer(True)
    booked = chat.output("confirm_booking")
    assert booked["status"] == "confirmed"
    return booked


async def test_check_me_in_then_show_my_boarding_pass(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    booking = await _booked(ava, "New York to Boston on Dec 10, direct")
    [flight] = booking["segments"]  # type: ignore[misc]

    early = await ava.say("check me in")
    assert ava.tools() == ["check_in"]
    assert "can't check you in yet — check-in for B6" in early
    assert " at JFK (" in early
    assert "automatic check-in" in early

    depart = datetime.fromisoformat(str(flight["depart"]))
    demo.clock.set(depart.astimezone(UTC) - timedelta(hours=3))  # type: ignore[attr-defined]
    reply = await ava.say("can you check in for me on my Boston flight?")

    assert ava.tools() == ["check_in"]
    [bp] = ava.output("check_in")["boarding_passes"]
    assert bp["seat"]
    assert "You're checked in on" in reply
    assert f"seat {bp['seat']}" in reply
    assert ava.confirmation is None  # no money moves: no yes needed

    shown = await ava.say("show my boarding pass")

    assert ava.tools() == ["get_boarding_pass"]
    assert bp["pass_id"] in shown
    assert flight["flight"] in shown  # type: ignore[index]


async def test_a_fresh_conversation_finds_the_trip_and_no_pass_is_said_plainly(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await _booked(ava, "New York to Boston on Dec 10, direct")

    other = Chat(concierge, await caller(demo, "ava"))
    none = await other.say("where's my boarding pass?")
    # (then the trip's check-in window is read, to say when it opens: nothing written)
    assert other.tools()[0] == "get_boarding_pass"
    assert set(other.tools()) <= {"get_boarding_pass", "list_trips", "get_booking"}
    assert "no boarding pass yet" in none

    demo.clock.set(datetime(2026, 12, 9, 20, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    reply = await other.say("I'd like to check in for my flight")
    # (the trip was found when the boarding pass was asked for: it is checked in at once)
    assert "check_in" in other.tools()
    assert "You're checked in on" in reply or "can't check you in yet" in reply


@pytest.mark.parametrize(
    "text",
    [
        "check me in",
        "Check us in please",
        "can you do the check-in for me?",
        "online check-in for BK-7Q2M4X",
        "check in for my London flight",
        "I want to check in now",
    ],
)
def test_check_in_requests_in_other_words(text: str) -> None:
    assert understand(text, NOW).intent == Intent.CHECK_IN


@pytest.mark.parametrize(
    "text",
    ["show my boarding pass", "where is my boarding pass", "send me the boarding passes for BK-7Q2M4X"],
)
def test_boarding_pass_requests_in_other_words(text: str) -> None:
    assert understand(text, NOW).intent == Intent.BOARDING_PASS


@pytest.mark.parametrize(
    "text",
    [
        "a hotel in London, check in on the 8th and check out on the 10th",
        "what time can I check in at the hotel?",
    ],
)
def test_a_hotels_check_in_is_not_a_flight_check_in(text: str) -> None:
    assert understand(text, NOW).intent not in (Intent.CHECK_IN, Intent.BOARDING_PASS)


async def test_a_seat_changed_after_check_in_says_the_pass_was_issued_again(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    booking = await _booked(ava, "New York to Boston on Dec 10, direct")
    [flight] = booking["segments"]  # type: ignore[misc]
    depart = datetime.fromisoformat(str(flight["depart"]))
    demo.clock.set(depart.astimezone(UTC) - timedelta(hours=3))  # type: ignore[attr-defined]
    await ava.say("check me in")
    [old] = ava.output("check_in")["boarding_passes"]
    seat = "21C" if old["seat"] != "21C" else "21D"

    reply = await ava.say(f"{seat} please")

    assert ava.tools() == ["choose_seats"]
    [new] = ava.output("choose_seats")["new_boarding_passes"]
    assert new["seat"] == seat
    assert new["pass_id"] != old["pass_id"]
    assert "issued again with the new seat" in reply
    assert new["pass_id"] in reply
    assert ava.confirmation is None


async def test_when_check_in_opens_is_the_window_the_core_applies(
    concierge: Concierge, demo: Runtime
) -> None:
    """explore23: "when can I check in?" was answered from the settings' default (24 h);
    it reads the booking's window (``get_booking``'s ``check_in``), here set to 48 hours
    and closing 2 hours before departure."""
    ava = Chat(concierge, await caller(demo, "ava"))
    booking = await _booked(ava, "New York to Boston on Dec 10, direct")
    [flight] = booking["segments"]  # type: ignore[misc]
    depart = datetime.fromisoformat(str(flight["depart"]))
    demo.settings = demo.settings.model_copy(
        update={"checkin_opens_hours_before": 48, "checkin_closes_minutes_before": 120}
    )

    early = await ava.say("when can I check in for my boston flight?")
    assert "get_booking" in ava.tools()
    opens = depart - timedelta(hours=48)
    assert "2 days before" in early
    assert f"{opens:%a} {opens.day} {opens:%b} {opens:%H:%M}" in early
    assert "24 hours" not in early

    demo.clock.set(depart.astimezone(UTC) - timedelta(hours=30))  # type: ignore[attr-defined]
    now_open = await ava.say("can I check in yet?")
    closes = depart - timedelta(minutes=120)
    assert "open now" in now_open
    assert f"until {closes:%H:%M}" in now_open
