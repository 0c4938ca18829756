"""The trip view's "Change flight" button (``change_flight``) on the real agent and demo
data: a search for the booking's new flight on the day asked (same route, cabin,
passengers), whose option's Book click is a gated ``rebook`` — the same path as a typed
"move my flight" —; a booking not paid, not the caller's, or a day gone refused as a
4xx before anything runs."""

from __future__ import annotations

from typing import Any

import httpx

from core.runtime import Runtime
from tests.api import test_chat_actions as chat
from tests.api.sse import chunks
from tests.api.test_chat_actions import AVA, GUS, Turn, act, problem
from tests.api.test_chat_check_in import _booking

demo_hubs = chat.demo_hubs
client = chat.client


def _flight(booking: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in booking["segments"] if s["kind"] == "flight")


async def test_change_flight_searches_that_route_then_a_pick_rebooks_after_a_yes(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    booking = await _booking(client, confirm=True, key="chg")
    flight = _flight(booking)
    trip = (await client.get(f"/v1/trips/{booking['booking_id']}", headers=AVA)).json()
    offered = next(a for a in trip["actions"] if a["action"] == "change_flight")
    assert offered["segment_id"] == flight["segment_id"]

    searched = Turn(
        chunks(
            await act(
                client,
                {
                    "type": "change_flight",
                    "booking_id": booking["booking_id"],
                    "segment_id": flight["segment_id"],
                    "date": "2026-12-11",
                },
            )
        )
    )

    assert searched.tools() == ["search_flights"]
    [call] = searched.of("tool-input-available")
    assert call["input"]["rebooking"] == booking["booking_id"]
    assert (call["input"]["origin"], call["input"]["destination"]) == ("JFK", "BOS")
    assert call["input"]["date"] == "2026-12-11"
    assert searched.confirmation is None  # a search changes nothing
    assert "Which one should I switch you to?" in searched.text()
    new = next(
        o["offer_id"]
        for o in searched.outputs()[0]["options"]
        if o["policy"]["status"] != "red"
    )

    picked = Turn(
        chunks(
            await act(
                client, {"type": "select_offer", "offer_id": new}, thread_id=searched.thread_id
            )
        )
    )

    gate = picked.confirmation
    assert gate is not None  # the same gate: nothing moves before a yes
    assert gate["action"] == {
        "tool": "rebook",
        "args": {
            "booking_id": booking["booking_id"],
            "segment_id": flight["segment_id"],
            "offer_id": new,
        },
    }
    assert "change fee" in gate["summary"]
    unchanged = (await client.get(f"/v1/bookings/{booking['booking_id']}", headers=AVA)).json()
    assert _flight(unchanged)["segment_id"] == flight["segment_id"]

    done = Turn(
        chunks(
            await act(
                client,
                {"type": "confirm", "interrupt_id": gate["interrupt_id"], "approved": True},
                thread_id=searched.thread_id,
            )
        )
    )

    assert done.tools() == ["rebook"]
    # Ten days ahead the new flight needs Mia's approval: the trip says so, keeps its
    # flight meanwhile, and offers no second change while this one is open.
    [answer] = done.outputs()
    assert answer["change"]["status"] == "pending_approval"
    trip = (await client.get(f"/v1/trips/{booking['booking_id']}", headers=AVA)).json()
    assert trip["change"] == f"A flight change is waiting for approval ({answer['change']['approval_id']})"
    assert [e["segment_id"] for e in trip["entries"]] == [flight["segment_id"]]
    assert "change_flight" not in [a["action"] for a in trip["actions"]]
    assert "cancel" not in [a["action"] for a in trip["actions"]]


async def test_change_flight_refusals_change_nothing(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    held = await _booking(client, confirm=False, key="chg-held")
    confirmed = await _booking(client, confirm=True, key="chg-conf")

    def change(booking: dict[str, Any], **over: str) -> dict[str, str]:
        return {
            "type": "change_flight",
            "booking_id": booking["booking_id"],
            "segment_id": _flight(booking)["segment_id"],
            "date": "2026-12-11",
            **over,
        }

    problem(await act(client, change(held)), 409, "INVALID_TRANSITION")
    problem(await act(client, change(confirmed), headers=GUS), 404, "NOT_FOUND")
    problem(await act(client, change(confirmed, segment_id="SG_NOSUCH")), 404, "NOT_FOUND")
    problem(await act(client, change(confirmed, date="2026-11-01")), 422, "VALIDATION_ERROR")
    problem(await act(client, change(confirmed, date="11/12/2026")), 422, "VALIDATION_ERROR")
    problem(
        await act(client, {"type": "change_flight", "booking_id": confirmed["booking_id"]}),
        422,
        "VALIDATION_ERROR",
    )
    # No change was started.
    trip = (await client.get(f"/v1/trips/{confirmed['booking_id']}", headers=AVA)).json()
    assert "change" not in trip
