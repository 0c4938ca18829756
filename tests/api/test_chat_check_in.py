"""The "Check in" button's structured action (``check_in``) on the real agent and demo
data: the check_in tool through the same path a model's call takes; a booking not
confirmed or not the caller's refused as a 4xx before anything runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from core.runtime import Runtime
from tests.api import test_chat_actions as chat
from tests.api.sse import chunks
from tests.api.test_chat_actions import AVA, GUS, Turn, act, problem

demo_hubs = chat.demo_hubs
client = chat.client


async def _booking(client: httpx.AsyncClient, *, confirm: bool, key: str) -> dict[str, Any]:
    found = await client.get(
        "/v1/flights/search",
        params={"origin": "JFK", "destination": "BOS", "date": "2026-12-10", "max_stops": 0},
        headers=AVA,
    )
    offer = next(o for o in found.json()["offers"] if o["policy"]["status"] == "green")
    held = await client.post(
        "/v1/bookings", json={"items": [{"offer_id": offer["offer_id"]}]},
        headers={**AVA, "Idempotency-Key": f"hold-{key}"},
    )
    assert held.status_code == 201, held.text
    if not confirm:
        return dict(held.json())
    done = await client.post(
        f"/v1/bookings/{held.json()['booking_id']}/confirm",
        headers={**AVA, "Idempotency-Key": f"confirm-{key}"},
    )
    assert done.status_code == 200, done.text
    return dict(done.json())


async def test_the_check_in_button_checks_in_and_the_booking_shows_the_pass(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    booking = await _booking(client, confirm=True, key="1")
    depart = datetime.fromisoformat(booking["segments"][0]["depart_at"].replace("Z", "+00:00"))
    demo.clock.set(depart.astimezone(UTC) - timedelta(hours=3))  # type: ignore[attr-defined]

    turn = Turn(chunks(await act(client, {"type": "check_in", "booking_id": booking["booking_id"]})))

    assert turn.tools() == ["check_in"]
    assert turn.confirmation is None
    [bp] = turn.outputs()[0]["boarding_passes"]
    assert "You're checked in on" in turn.text()
    read = (await client.get(f"/v1/bookings/{booking['booking_id']}", headers=AVA)).json()
    assert read["segments"][0]["passengers"][0]["boarding_pass_id"] == bp["pass_id"]
    pdf = await client.get(bp["pdf"], headers=AVA)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")


async def test_check_in_actions_on_bookings_not_confirmed_or_not_yours(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    held = await _booking(client, confirm=False, key="h")
    problem(await act(client, {"type": "check_in", "booking_id": held["booking_id"]}), 409, "INVALID_TRANSITION")
    problem(
        await act(client, {"type": "check_in", "booking_id": held["booking_id"]}, headers=GUS), 404, "NOT_FOUND"
    )
    problem(await act(client, {"type": "check_in", "booking_id": ""}), 422, "VALIDATION_ERROR")
