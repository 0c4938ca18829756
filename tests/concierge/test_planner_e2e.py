"""Real conversations through ``Concierge`` with the offline planner, the real tools and
the booking core, on the demo data (a few hubs, a month of flights): the proof that
the planner drives the product end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from concierge.events import ConfirmationRequested, TextDelta, ToolFinished, ToolStarted, TurnError
from concierge.planner import OfflinePlanner
from concierge.service import Concierge, Confirm
from core.identity import Caller
from core.models import Booking, User
from core.runtime import Runtime
from core.seed import seed_demo
from tests.conftest import NOW

HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW", "CDG", "ORY")


@pytest.fixture
async def demo(runtime: Runtime) -> Runtime:
    async with runtime.db.uow() as session:
        await seed_demo(
            session, today=NOW.date(), days_ahead=30, hubs=HUBS, settings=runtime.settings, now=NOW
        )
    return runtime


@pytest.fixture
async def concierge(demo: Runtime) -> AsyncIterator[Concierge]:
    c = await Concierge.open(demo, OfflinePlanner())
    yield c
    await c.aclose()


async def caller(rt: Runtime, user_id: str) -> Caller:
    async with rt.db.uow(write=False) as session:
        user = await session.get(User, user_id)
        assert user is not None
        return Caller.of(user)


@dataclass
class Chat:
    concierge: Concierge
    who: Caller
    thread_id: str | None = None
    events: list[Any] = field(default_factory=list)

    async def _run(self, **kwargs: Any) -> str:
        self.events = [
            e async for e in self.concierge.turn(self.who, thread_id=self.thread_id, **kwargs)
        ]
        self.thread_id = self.events[0].thread_id
        assert not [e for e in self.events if isinstance(e, TurnError)], self.events
        return "".join(e.delta for e in self.events if isinstance(e, TextDelta))

    async def say(self, text: str) -> str:
        return await self._run(message=text)

    async def answer(self, approved: bool) -> str:
        asked = self.confirmation
        assert asked is not None, "no confirmation pending"
        return await self._run(confirm=Confirm(asked.interrupt_id, approved))

    @property
    def confirmation(self) -> ConfirmationRequested | None:
        found = [e for e in self.events if isinstance(e, ConfirmationRequested)]
        return found[-1] if found else None

    def tools(self) -> list[str]:
        return [e.name for e in self.events if isinstance(e, ToolStarted)]

    def output(self, name: str) -> dict[str, Any]:
        return next(
            e.output
            for e in reversed(self.events)
            if isinstance(e, ToolFinished) and e.name == name
        )


async def booking_status(rt: Runtime, booking_id: str) -> str:
    async with rt.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        return str(booking.status)


async def test_search_book_yes_confirmed_then_cancel(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    reply = await ava.say("hi, I need to fly to Lodnon on the 18th")
    assert ava.tools() == ["search_flights"]
    search = ava.output("search_flights")
    assert search["date"] == "2026-12-18"
    assert search["options"]
    assert "1. " in reply
    assert "Which option" in reply

    await ava.say("book option 1")
    assert ava.tools() == ["reserve"]
    asked = ava.confirmation
    assert asked is not None
    assert asked.action["tool"] == "confirm_booking"
    booking_id = asked.action["args"]["booking_id"]
    assert await booking_status(demo, booking_id) == "held"

    reply = await ava.answer(True)
    assert await booking_status(demo, booking_id) == "confirmed"
    assert booking_id in reply
    assert "Booked" in reply

    await ava.say("actually, cancel my London trip")
    asked = ava.confirmation
    assert asked is not None
    assert asked.action == {"tool": "cancel_booking", "args": {"booking_id": booking_id}}
    reply = await ava.answer(True)
    assert await booking_status(demo, booking_id) == "cancelled"
    assert "cancelled" in reply


async def test_amber_trip_goes_to_the_manager_who_approves_it_in_chat(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    # Fewer than 7 days ahead: amber, the manager must approve.
    await ava.say("flight from Boston to Paris the day after tomorrow")
    options = ava.output("search_flights")["options"]
    assert options
    assert options[0]["policy"]["status"] == "amber"
    reply = await ava.say("the first one")
    assert "approval" in reply or ava.confirmation is not None
    reply = await ava.answer(True)
    booking_id = ava.output("confirm_booking")["booking_id"]
    assert await booking_status(demo, booking_id) == "pending_approval"
    assert "Mia Chen" in reply

    mia = Chat(concierge, await caller(demo, "mia"))
    reply = await mia.say("what needs my approval?")
    assert "Ava" in reply
    assert booking_id in reply
    await mia.say("approve Ava's Paris trip")
    asked = mia.confirmation
    assert asked is not None
    assert asked.action["tool"] == "decide_approval"
    assert asked.action["args"]["decision"] == "approve"
    reply = await mia.answer(True)
    assert "Approved" in reply
    assert await booking_status(demo, booking_id) == "confirmed"


async def test_a_typed_yes_naming_the_rejection_rejects_and_names_nothing_else(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("flight from Boston to Paris the day after tomorrow")
    await ava.say("the first one")
    await ava.answer(True)
    booking_id = ava.output("confirm_booking")["booking_id"]
    assert await booking_status(demo, booking_id) == "pending_approval"

    mia = Chat(concierge, await caller(demo, "mia"))
    await mia.say("decline Ava's Paris trip, the fare is too high")
    assert mia.confirmation is not None
    assert mia.confirmation.action["args"]["decision"] == "reject"
    # The words of the pending action agree with it: typed, not clicked.
    await mia.say("yes, turn it down")
    assert mia.tools() == ["decide_approval"]
    assert await booking_status(demo, booking_id) == "cancelled"


async def test_rejecting_words_at_a_booking_confirmation_decline_it(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("JFK to LHR on Dec 20, direct only")
    await ava.say("the cheapest one")
    booking_id = ava.confirmation.action["args"]["booking_id"]  # type: ignore[union-attr]
    reply = await ava.say("no, reject it")
    assert "confirm_booking" not in ava.tools()
    assert await booking_status(demo, booking_id) == "held"
    assert "haven't booked it" in reply


async def test_declining_keeps_the_hold_and_yes_then_releases_it(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("JFK to LHR on Dec 20, two people, direct only")
    search = ava.output("search_flights")
    assert search["passengers"] == 2
    assert all(o["stops"] == 0 for o in search["options"])
    reply = await ava.say("the cheapest one")
    assert "who's flying" in reply  # two seats: whose names does the airline ticket?
    await ava.say("me and Jo Bloggs")
    booking_id = ava.confirmation.action["args"]["booking_id"]  # type: ignore[union-attr]
    reply = await ava.answer(False)
    assert "haven't booked it" in reply
    assert await booking_status(demo, booking_id) == "held"
    await ava.say("yes please")
    assert ava.confirmation is not None
    assert ava.confirmation.action == {"tool": "cancel_booking", "args": {"booking_id": booking_id}}
    await ava.answer(True)
    assert await booking_status(demo, booking_id) == "cancelled"


async def test_policy_question_and_out_of_scope(concierge: Concierge, demo: Runtime) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    reply = await ava.say("what's the hotel cap in London?")
    assert ava.tools() == ["get_policy"]
    assert "USD" in reply
    reply = await ava.say("can you book me a train to Boston?")
    assert "flights, hotels, trips, policy and approvals" in reply


async def test_airline_cancels_then_the_traveller_rebooks_in_chat(
    concierge: Concierge, demo: Runtime, clock: Any
) -> None:
    import json

    from core.disruption.feed import receive_flight_status, sign

    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("New York to London on Dec 18, direct please")
    await ava.say("option 1")
    await ava.answer(True)
    confirmed = ava.output("confirm_booking")
    booking_id = confirmed["booking_id"]
    assert confirmed["status"] == "confirmed"
    segment = confirmed["segments"][0]
    carrier, number = segment["flight"].split()
    body = json.dumps(
        {
            "carrier": carrier,
            "number": number,
            "date": segment["depart"][:10],
            "status": "cancelled",
        }
    ).encode()
    stamp = str(int(clock.now().timestamp()))
    signature = sign(demo.settings.flight_webhook_secret, stamp, body)
    outcome = await receive_flight_status(demo, body, timestamp=stamp, signature=signature)
    assert outcome.status_code < 300, outcome.body

    reply = await ava.say("my flight to London was cancelled, what are my options?")
    assert "cancelled" in reply
    assert "rebook" in reply
    await ava.say("the first one")
    asked = ava.confirmation
    assert asked is not None
    assert asked.action["tool"] == "rebook"
    assert asked.action["args"]["booking_id"] == booking_id
    reply = await ava.answer(True)
    change = ava.output("rebook")["change"]
    # The core decides: a free like-for-like swap is done at once; one that costs more
    # than the policy lets through waits for the manager, and the reply says which.
    if change["status"] == "pending_approval":
        assert "needs approval from Mia Chen" in reply
        assert change["approval_id"]
    else:
        assert change["status"] == "done"
        assert "Rebooked" in reply
        assert await booking_status(demo, booking_id) == "confirmed"


async def test_a_manager_books_for_a_report_by_name(concierge: Concierge, demo: Runtime) -> None:
    mia = Chat(concierge, await caller(demo, "mia"))
    await mia.say("JFK to Boston on Dec 21")
    await mia.say("book option 1 for Ava")
    assert mia.tools() == ["get_traveler_profile", "reserve"]
    asked = mia.confirmation
    assert asked is not None
    booking_id = asked.action["args"]["booking_id"]
    async with demo.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.traveler_id == "ava"


async def test_answers_at_a_pending_confirmation(concierge: Concierge, demo: Runtime) -> None:
    """Typed answers at the confirmation gate: an everyday yes confirms, a yes that
    changes something declines the hold and runs as a new request, and "cancel it"
    agrees to a pending cancellation."""
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("fly me to London on the 18th")
    await ava.say("option 1")
    asked = ava.confirmation
    assert asked is not None
    first = asked.action["args"]["booking_id"]

    await ava.say("yes but business class")
    assert await booking_status(demo, first) == "held"  # declined, not confirmed
    assert ava.tools() == ["search_flights"]
    assert ava.output("search_flights")["cabin"] == "business"

    await ava.say("fly me to Paris on the 20th")
    await ava.say("option 1")
    asked = ava.confirmation
    assert asked is not None
    second = asked.action["args"]["booking_id"]
    reply = await ava.say("sure thing 👍")
    assert await booking_status(demo, second) in {"confirmed", "pending_approval"}
    assert second in reply

    await ava.say(f"cancel {second}")
    asked = ava.confirmation
    assert asked is not None
    assert asked.action["tool"] == "cancel_booking"
    await ava.say("yes, cancel it")
    assert await booking_status(demo, second) == "cancelled"
