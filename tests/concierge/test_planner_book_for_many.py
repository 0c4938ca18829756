"""Booking for someone late in a long list of people one may book for (issue 10): the
profile lists 25 of them and says it is partial; the planner asks about the one named
(``get_traveler_profile(named=…)``) instead of answering that they can't be booked for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from concierge.events import ConfirmationRequested, TextDelta, ToolStarted
from concierge.planner import OfflinePlanner
from concierge.service import Concierge
from core.identity import Caller
from core.models import Booking, User
from core.runtime import Runtime
from core.seed import seed_demo
from tests.conftest import NOW
from tests.factories import make_user

HUBS = ("JFK", "LGA", "EWR", "BOS")


@pytest.fixture
async def concierge(runtime: Runtime) -> AsyncIterator[Concierge]:
    async with runtime.db.uow() as session:
        await seed_demo(
            session, today=NOW.date(), days_ahead=30, hubs=HUBS, settings=runtime.settings, now=NOW
        )
        for n in range(30):  # "Aaron …" sorts before everyone of the demo data
            await make_user(session, id=f"aaron{n:02d}", manager_id="mia")
        await make_user(session, id="zoe", manager_id="mia")
    c = await Concierge.open(runtime, OfflinePlanner())
    yield c
    await c.aclose()


async def _turn(c: Concierge, who: Caller, thread: str | None, text: str) -> tuple[str, list]:
    events = [e async for e in c.turn(who, thread_id=thread, message=text)]
    return events[0].thread_id, events


@pytest.mark.parametrize("said", ["book option 1 for Zoe", "Hold the first one for Zoe please"])
async def test_someone_past_the_first_25_is_booked_for(
    concierge: Concierge, runtime: Runtime, said: str
) -> None:
    async with runtime.db.uow(write=False) as session:
        mia = await session.get(User, "mia")
        assert mia is not None
        who = Caller.of(mia)
    thread, _ = await _turn(concierge, who, None, "JFK to Boston on Dec 21")
    _, events = await _turn(concierge, who, thread, said)
    text = "".join(e.delta for e in events if isinstance(e, TextDelta))
    assert "can't book" not in text
    started = [e for e in events if isinstance(e, ToolStarted)]
    assert [e.name for e in started][-1] == "reserve"
    assert {"named": "Zoe"} in [e.args for e in started if e.name == "get_traveler_profile"]
    asked = [e for e in events if isinstance(e, ConfirmationRequested)][-1]
    async with runtime.db.uow(write=False) as session:
        booking = await session.get(Booking, asked.action["args"]["booking_id"])
        assert booking is not None
        assert booking.traveler_id == "zoe"
