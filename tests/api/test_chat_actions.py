"""``POST /v1/chat`` with ``action``: buttons' structured actions on the REAL agent
(Concierge + offline planner + tools + core, demo data). Every action type, and every
refusal as a problem+json 4xx that holds and charges nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.models import Booking
from core.runtime import Runtime
from tests.api.sse import chunks

AVA = {"Authorization": "Bearer demo-ava"}
MIA = {"Authorization": "Bearer demo-mia"}
GUS = {"Authorization": "Bearer demo-gus"}
HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW", "CDG")
ROUND_TRIP = "Fly me from New York to London on 2026-12-18, returning 2026-12-22"
ONE_WAY = "Fly me from New York to London on 2026-12-18"


@pytest.fixture
def demo_hubs() -> tuple[str, ...]:
    return HUBS


@pytest.fixture
def client(demo_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return demo_client


class Turn:
    def __init__(self, data: list[Any]) -> None:
        self.data = [c for c in data if c != "[DONE]"]
        self.thread_id = str(self.data[0]["messageMetadata"]["thread_id"])

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [c for c in self.data if c["type"] == kind]

    def tools(self) -> list[str]:
        return [c["toolName"] for c in self.of("tool-input-available")]

    def outputs(self) -> list[dict[str, Any]]:
        return [c["output"] for c in self.of("tool-output-available")]

    @property
    def confirmation(self) -> dict[str, Any] | None:
        found = self.of("data-confirmation")
        return found[-1]["data"] if found else None

    def text(self) -> str:
        return "".join(c["delta"] for c in self.of("text-delta"))


async def say(client: httpx.AsyncClient, text: str, thread_id: str | None = None) -> Turn:
    body: dict[str, Any] = {"message": text}
    if thread_id:
        body["thread_id"] = thread_id
    return Turn(chunks(await client.post("/v1/chat", json=body, headers=AVA)))


async def act(
    client: httpx.AsyncClient,
    action: dict[str, Any],
    thread_id: str | None = None,
    headers: dict[str, str] = AVA,
) -> httpx.Response:
    body: dict[str, Any] = {"action": action}
    if thread_id:
        body["thread_id"] = thread_id
    return await client.post("/v1/chat", json=body, headers=headers)


def options(turn: Turn, leg: str = "outbound") -> list[dict[str, Any]]:
    for output in turn.outputs():
        if "options" in output and "hotel" not in leg and (output.get("leg") or "outbound") == leg:
            if "passengers" in output:
                return list(output["options"])
    raise AssertionError(f"no {leg} search in {turn.tools()}")


def bookable(turn: Turn, leg: str = "outbound") -> str:
    return next(o["offer_id"] for o in options(turn, leg) if o["policy"]["status"] != "red")


async def booking_count(rt: Runtime) -> int:
    async with rt.db.uow(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Booking)) or 0)


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


# ---------------------------------------------------------------- every action type


async def test_two_select_offer_clicks_hold_one_round_trip_then_confirm_action(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    search = await say(client, ROUND_TRIP)
    thread = search.thread_id

    first = Turn(
        chunks(await act(client, {"type": "select_offer", "offer_id": bookable(search)}, thread))
    )
    assert first.tools() == []
    assert first.confirmation is None
    assert "return flight" in first.text()
    assert await booking_count(demo) == 0

    home = bookable(search, "return")
    second = Turn(chunks(await act(client, {"type": "select_offer", "offer_id": home}, thread)))
    assert second.tools() == ["reserve"]
    asked = second.confirmation
    assert asked is not None
    assert asked["action"]["tool"] == "confirm_booking"
    booking_id = asked["action"]["args"]["booking_id"]

    yes = {"type": "confirm", "interrupt_id": asked["interrupt_id"], "approved": True}
    done = Turn(chunks(await act(client, yes, thread)))
    assert "confirm_booking" in done.tools()
    booking = (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()
    assert booking["status"] == "confirmed"
    flights = [s for s in booking["segments"] if s["kind"] == "flight"]
    assert flights[0]["origin"] in {"JFK", "EWR", "LGA"}
    assert flights[-1]["destination"] in {"JFK", "EWR", "LGA"}  # the way home, same booking
    assert await booking_count(demo) == 1
    # The thread view shows what each click was.
    view = (await client.get(f"/v1/threads/{thread}", headers=AVA)).json()
    clicked = [m["metadata"]["action"] for m in view["messages"] if m.get("metadata")]
    assert [a["type"] for a in clicked] == ["select_offer", "select_offer"]
    assert clicked[-1]["held"] is True


async def test_cancel_booking_action_asks_then_cancels(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    search = await say(client, ONE_WAY)
    held = Turn(
        chunks(
            await act(
                client, {"type": "select_offer", "offer_id": bookable(search)}, search.thread_id
            )
        )
    )
    booking_id = held.outputs()[0]["booking_id"]

    # From the trips panel: no thread needed, a new one starts.
    asked_turn = Turn(
        chunks(await act(client, {"type": "cancel_booking", "booking_id": booking_id}))
    )
    asked = asked_turn.confirmation
    assert asked == {
        **asked,
        "action": {"tool": "cancel_booking", "args": {"booking_id": booking_id}},
    }
    assert (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()["status"] == "held"
    yes = {"type": "confirm", "interrupt_id": asked["interrupt_id"], "approved": True}
    Turn(chunks(await act(client, yes, asked_turn.thread_id)))
    assert (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()[
        "status"
    ] == "cancelled"


async def test_decide_approval_action_by_the_manager(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    # Fewer than 7 days ahead is amber: her manager must approve.
    search = await say(client, "Fly me from Boston to Paris on 2026-12-03")
    held = Turn(
        chunks(
            await act(
                client, {"type": "select_offer", "offer_id": bookable(search)}, search.thread_id
            )
        )
    )
    asked = held.confirmation
    assert asked is not None
    yes = {"type": "confirm", "interrupt_id": asked["interrupt_id"], "approved": True}
    sent = Turn(chunks(await act(client, yes, search.thread_id)))
    confirmed = next(o for o in sent.outputs() if o.get("approval_id"))
    approval_id, booking_id = confirmed["approval_id"], confirmed["booking_id"]

    decide = {"type": "decide_approval", "approval_id": approval_id, "decision": "approve"}
    # The traveller may see her own approval but not decide it; another org: not found.
    problem(await act(client, decide, headers=AVA), 403, "FORBIDDEN")
    problem(await act(client, decide, headers=GUS), 404, "NOT_FOUND")
    problem(
        await act(client, {**decide, "decision": "reject"}, headers=MIA), 422, "REJECTION_NOTE_REQUIRED"
    )  # a rejection says why

    gate = Turn(chunks(await act(client, decide, headers=MIA)))
    asked = gate.confirmation
    assert asked is not None
    assert asked["action"]["tool"] == "decide_approval"
    assert (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()["status"] == (
        "pending_approval"
    )
    yes = {"type": "confirm", "interrupt_id": asked["interrupt_id"], "approved": True}
    chunks(await act(client, yes, gate.thread_id, headers=MIA))
    assert (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()["status"] == (
        "confirmed"
    )
    # Decided: a second click is refused before any turn.
    problem(await act(client, decide, headers=MIA), 409, "APPROVAL_CLOSED")


# ---------------------------------------------------------------- refusals


async def test_bad_select_offer_actions_are_refused_and_hold_nothing(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    search = await say(client, "Fly me from New York to London on 2026-12-18 in first class")
    thread = search.thread_id
    red = next(o for o in options(search) if o["policy"]["status"] == "red")

    blocked = problem(
        await act(client, {"type": "select_offer", "offer_id": red["offer_id"]}, thread),
        403,
        "POLICY_BLOCKED",
    )
    assert blocked["violations"] == red["policy"]["violations"]
    problem(
        await act(client, {"type": "select_offer", "offer_id": "FL-999999"}, thread),
        404,
        "NOT_FOUND",
    )
    # An offer from another conversation (a search this thread never showed).
    other = await say(client, "Fly me from New York to Boston on 2026-12-19")
    problem(
        await act(client, {"type": "select_offer", "offer_id": bookable(other)}, thread),
        404,
        "NOT_FOUND",
    )
    # Another user's thread.
    problem(
        await act(client, {"type": "select_offer", "offer_id": red["offer_id"]}, thread, GUS),
        404,
        "NOT_FOUND",
    )
    # Malformed: no thread for a pick, an unknown type, a missing field.
    problem(
        await act(client, {"type": "select_offer", "offer_id": "FL-1"}), 422, "VALIDATION_ERROR"
    )
    problem(
        await act(client, {"type": "book_it", "offer_id": "FL-1"}, thread), 422, "VALIDATION_ERROR"
    )
    problem(await act(client, {"type": "cancel_booking"}, thread), 422, "VALIDATION_ERROR")
    both = await client.post(
        "/v1/chat",
        json={
            "thread_id": thread,
            "message": "hi",
            "action": {"type": "cancel_booking", "booking_id": "BK-1"},
        },
        headers=AVA,
    )
    problem(both, 422, "VALIDATION_ERROR")
    assert await booking_count(demo) == 0


async def test_stale_and_foreign_interrupts_are_409(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    search = await say(client, ONE_WAY)
    thread = search.thread_id
    offers = [o["offer_id"] for o in options(search) if o["policy"]["status"] != "red"]
    first = Turn(chunks(await act(client, {"type": "select_offer", "offer_id": offers[0]}, thread)))
    old = first.confirmation
    assert old is not None
    # A newer hold supersedes the older card: its confirmation was declined.
    second = Turn(
        chunks(await act(client, {"type": "select_offer", "offer_id": offers[1]}, thread))
    )
    assert second.confirmation is not None
    assert second.confirmation["interrupt_id"] != old["interrupt_id"]
    stale = {"type": "confirm", "interrupt_id": old["interrupt_id"], "approved": True}
    problem(await act(client, stale, thread), 409, "CONFIRMATION_NOT_PENDING")

    # Another thread's pending confirmation is not this thread's to answer.
    elsewhere = await say(client, "Fly me from New York to Boston on 2026-12-19")
    foreign = {
        "type": "confirm",
        "interrupt_id": second.confirmation["interrupt_id"],
        "approved": True,
    }
    problem(await act(client, foreign, elsewhere.thread_id), 409, "CONFIRMATION_NOT_PENDING")
    problem(await act(client, foreign, thread, GUS), 404, "NOT_FOUND")

    old_booking = first.outputs()[0]["booking_id"]
    status = (await client.get(f"/v1/bookings/{old_booking}", headers=AVA)).json()["status"]
    assert status == "held"  # nothing confirmed or charged by the stale click


async def test_cancel_actions_on_bookings_not_yours_or_closed(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    search = await say(client, ONE_WAY)
    held = Turn(
        chunks(
            await act(
                client, {"type": "select_offer", "offer_id": bookable(search)}, search.thread_id
            )
        )
    )
    booking_id = held.outputs()[0]["booking_id"]
    cancel = {"type": "cancel_booking", "booking_id": booking_id}
    problem(await act(client, cancel, headers=GUS), 404, "NOT_FOUND")
    problem(
        await act(client, {"type": "cancel_booking", "booking_id": "BK-NOPE00"}), 404, "NOT_FOUND"
    )
    # Cancel it for real through the REST API, then the button is refused.
    cancelled = await client.post(
        f"/v1/bookings/{booking_id}/cancel", headers={**AVA, "Idempotency-Key": "t-cancel"}
    )
    assert cancelled.status_code == 200, cancelled.text
    problem(await act(client, cancel), 409, "INVALID_TRANSITION")


async def test_seat_map_and_seat_click_actions_choose_a_seat(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    search = await say(client, ONE_WAY)
    held = Turn(
        chunks(
            await act(
                client, {"type": "select_offer", "offer_id": bookable(search)}, search.thread_id
            )
        )
    )
    booking_id = held.outputs()[0]["booking_id"]

    shown = Turn(chunks(await act(client, {"type": "seat_map", "booking_id": booking_id})))
    assert shown.tools() == ["get_seat_map"]
    (segment,) = shown.outputs()[0]["segments"]
    free_row = next(r for r in segment["rows"] if "fee" not in r and r["free"])
    seat = f"{free_row['row']}{free_row['free'][0]}"
    (passenger,) = segment["passengers"]

    click = {
        "type": "choose_seats",
        "booking_id": booking_id,
        "assignments": [
            {"segment_id": segment["segment_id"], "passenger_id": passenger["passenger_id"], "seat": seat}
        ],
    }
    chosen = Turn(chunks(await act(client, click, shown.thread_id)))

    assert chosen.tools() == ["choose_seats"]
    assert chosen.confirmation is None  # a free seat moves no money
    assert seat in chosen.text()
    read = (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()
    assert read["segments"][0]["passengers"][0]["seat"] == seat
    # Another organization's booking, or none: 404 before anything runs.
    problem(await act(client, click, headers=GUS), 404, "NOT_FOUND")
    problem(await act(client, {"type": "seat_map", "booking_id": "BK-NOPE00"}), 404, "NOT_FOUND")


async def test_a_click_on_a_seat_with_a_fee_on_a_paid_trip_asks_then_buys_it(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    search = await say(client, ONE_WAY)
    held = Turn(
        chunks(await act(client, {"type": "select_offer", "offer_id": bookable(search)}, search.thread_id))
    )
    asked = held.confirmation
    assert asked is not None
    assert asked["action"]["tool"] == "confirm_booking"
    booking_id = asked["action"]["args"]["booking_id"]
    yes = {"type": "confirm", "interrupt_id": asked["interrupt_id"], "approved": True}
    Turn(chunks(await act(client, yes, search.thread_id)))
    before = (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()
    assert before["status"] == "confirmed"
    shown = Turn(chunks(await act(client, {"type": "seat_map", "booking_id": booking_id}, search.thread_id)))
    (segment,) = shown.outputs()[0]["segments"]
    paid_row = next(r for r in segment["rows"] if "fee" in r and r["free"])
    seat = f"{paid_row['row']}{paid_row['free'][0]}"
    (passenger,) = segment["passengers"]
    click = {
        "type": "choose_seats",
        "booking_id": booking_id,
        "assignments": [
            {"segment_id": segment["segment_id"], "passenger_id": passenger["passenger_id"], "seat": seat}
        ],
    }

    clicked = Turn(chunks(await act(client, click, shown.thread_id)))

    buy = clicked.confirmation
    assert buy is not None  # it charges the card: the gate asks first
    assert buy["action"]["tool"] == "buy_seats"
    assert "charged to the company card now?" in buy["summary"]
    bought = Turn(chunks(await act(
        client, {"type": "confirm", "interrupt_id": buy["interrupt_id"], "approved": True}, shown.thread_id
    )))
    assert "buy_seats" in bought.tools()
    after = (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()
    assert after["segments"][0]["passengers"][0]["seat"] == seat
    assert float(after["total"]["amount"]) == float(before["total"]["amount"]) + float(paid_row["fee"]["amount"])
    assert [c["kind"] for c in after["changes"]] == ["seats"]


async def test_a_cancel_question_renders_and_a_yes_naming_what_it_cancels_agrees(
    client: httpx.AsyncClient, demo: Runtime
) -> None:
    """The chat page's cancel card (``data-confirmation``, the thread's
    ``pending_confirmation``) reads as before; the question carries what it cancels, so
    "yes, cancel the London flight" is a yes to it."""
    search = await say(client, ONE_WAY)
    held = Turn(
        chunks(
            await act(
                client, {"type": "select_offer", "offer_id": bookable(search)}, search.thread_id
            )
        )
    )
    booking_id = held.outputs()[0]["booking_id"]
    asked_turn = Turn(
        chunks(await act(client, {"type": "cancel_booking", "booking_id": booking_id}))
    )
    asked = asked_turn.confirmation
    assert asked is not None
    assert asked["summary"].startswith(f"Cancel {booking_id} (")
    assert "London" in asked["summary"] or "LHR" in asked["summary"]
    thread = (await client.get(f"/v1/threads/{asked_turn.thread_id}", headers=AVA)).json()
    assert thread["pending_confirmation"] == {
        "interrupt_id": asked["interrupt_id"],
        "action": {"tool": "cancel_booking", "args": {"booking_id": booking_id}},
        "summary": asked["summary"],
    }

    await say(client, "yes, cancel the London flight", asked_turn.thread_id)
    assert (await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).json()[
        "status"
    ] == "cancelled"
