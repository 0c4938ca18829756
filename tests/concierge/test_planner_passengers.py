"""Who flies, through the real concierge (offline planner, tools, core) on the demo data:
colleagues named with the request, the names asked for when seats are unnamed, the
answer read, and the core's refusal explained."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from concierge.planner.nlu.people import companions, read_people
from concierge.service import Concierge
from core.models import Booking, Passenger, SegmentPassenger, TravellerDetails
from core.runtime import Runtime
from tests.concierge import test_planner_e2e as e2e
from tests.concierge.test_planner_e2e import Chat, booking_status, caller

# The demo world and the offline concierge over it: the e2e module's fixtures.
demo = e2e.demo
concierge = e2e.concierge

PEOPLE = ["Ava Patel", "Erin Walsh", "Mia Chen"]


async def passengers_of(rt: Runtime, booking_id: str) -> list[tuple[str | None, str, str]]:
    async with rt.db.uow(write=False) as session:
        rows = (
            await session.scalars(
                select(Passenger)
                .where(Passenger.booking_id == booking_id)
                .order_by(Passenger.position)
            )
        ).all()
        return [(p.user_id, p.given_name or "", p.family_name or "") for p in rows]


async def tickets_of(rt: Runtime, booking_id: str) -> list[str | None]:
    async with rt.db.uow(write=False) as session:
        return list(
            (
                await session.scalars(
                    select(SegmentPassenger.ticket_number).where(
                        SegmentPassenger.booking_id == booking_id
                    )
                )
            ).all()
        )


# ------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("book a flight for me and Erin to Boston", ["Erin Walsh"]),
        ("Erin and I need to fly to London on the 18th", ["Erin Walsh"]),
        ("me, Ava and erin to Paris", ["Ava Patel", "Erin Walsh"]),
        ("fly me to Boston with Ava", ["Ava Patel"]),
        ("book Erin on a flight to Boston", []),  # Erin's trip, not Erin along
        ("hi and thanks", []),
    ],
)
def test_colleagues_named_as_flying_along(text: str, expected: list[str]) -> None:
    assert companions(text, PEOPLE) == expected


@pytest.mark.parametrize(
    ("text", "kinds", "names"),
    [
        ("me and Jo Bloggs", ["self", "guest"], ["me", "Jo Bloggs"]),
        (
            "it's me, Ava and Mary Ann de Souza",
            ["self", "colleague", "guest"],
            ["me", "Ava Patel", "Mary Ann de Souza"],
        ),
        ("jo bloggs & kim lee", ["guest", "guest"], ["Jo Bloggs", "Kim Lee"]),
    ],
)
def test_an_answer_naming_people(text: str, kinds: list[str], names: list[str]) -> None:
    answer = read_people(text, PEOPLE)
    assert answer is not None
    assert [p.kind for p in answer.people] == kinds
    assert [p.name for p in answer.people] == names


def test_a_guests_family_name_is_the_last_word() -> None:
    answer = read_people("Mary Ann de Souza", PEOPLE)
    assert answer is not None
    [guest] = answer.people
    assert (guest.given_name, guest.family_name) == ("Mary Ann de", "Souza")


@pytest.mark.parametrize(
    "text", ["yes", "cancel it", "show my trips", "what?", "option 2", "the 8:05 one", ""]
)
def test_other_messages_name_nobody(text: str) -> None:
    assert read_people(text, PEOPLE) is None


def test_a_lone_first_name_is_not_a_guest() -> None:
    answer = read_people("me and Bob", PEOPLE)
    assert answer is not None
    assert answer.first_names_only == ["Bob"]


# ------------------------------------------------------------------------- conversations


async def test_book_me_and_a_colleague_names_both_from_their_profiles(
    concierge: Concierge, demo: Runtime
) -> None:
    admin = Chat(concierge, await caller(demo, "admin"))
    await admin.say("book me and Erin on a flight from New York to Boston on Dec 17, direct")
    held = admin.output("search_flights")
    assert held["passengers"] == 2

    await admin.say("option 1")
    reserve = admin.output("reserve")
    assert [p["name"] for p in reserve["passengers"]] == ["Sam Rivera", "Erin Walsh"]
    asked = admin.confirmation
    assert asked is not None
    assert "Sam Rivera, Erin Walsh" in asked.summary
    booking_id = asked.action["args"]["booking_id"]

    reply = await admin.answer(True)

    assert await booking_status(demo, booking_id) == "confirmed"
    assert await passengers_of(demo, booking_id) == [
        ("admin", "Sam", "Rivera"),
        ("erin", "Erin", "Walsh"),
    ]
    tickets = await tickets_of(demo, booking_id)
    assert len(tickets) == 2
    assert all(t and len(t) == 13 for t in tickets)
    assert "e-tickets" in reply
    assert "Erin Walsh" in reply


async def test_unnamed_seats_are_asked_for_and_the_answer_names_them(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("New York to Boston on Dec 17 for two people, direct")
    reply = await ava.say("option 1")

    assert ava.confirmation is None  # nothing to confirm while a seat has no name
    assert "who's flying" in reply.lower()
    booking_id = ava.output("reserve")["booking_id"]

    reply = await ava.say("Bob")
    assert "family name" in reply
    assert ava.tools() == []

    await ava.say("Jo Bloggs")  # the traveller and Jo: the other seat is Ava's
    assert ava.tools() == ["name_passengers"]
    asked = ava.confirmation
    assert asked is not None
    assert "Ava Patel, Jo Bloggs" in asked.summary
    assert await passengers_of(demo, booking_id) == [
        ("ava", "Ava", "Patel"),
        (None, "Jo", "Bloggs"),
    ]
    await ava.answer(True)
    assert await booking_status(demo, booking_id) == "confirmed"


async def test_a_name_with_digits_is_refused_and_asked_again(
    concierge: Concierge, demo: Runtime
) -> None:
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("New York to Boston on Dec 17 for two people, direct")
    await ava.say("option 1")
    booking_id = ava.output("reserve")["booking_id"]

    reply = await ava.say("me and Jo Bloggs3")

    assert ava.tools() == ["name_passengers"]  # the core reads names, and refuses this one
    assert "couldn't name them" in reply
    assert "no digits" in reply
    assert ava.confirmation is None
    assert await passengers_of(demo, booking_id) == []
    assert await booking_status(demo, booking_id) == "held"


async def test_a_colleague_without_legal_names_is_explained(
    concierge: Concierge, demo: Runtime
) -> None:
    async with demo.db.uow() as session:
        details = await session.get(TravellerDetails, "ava")
        assert details is not None
        details.family_name = None
    mia = Chat(concierge, await caller(demo, "mia"))
    await mia.say("book me and Ava on a flight from New York to Boston on Dec 17, direct")
    await mia.say("option 1")
    booking_id = mia.output("reserve")["booking_id"]

    reply = await mia.answer(True)

    assert "Ava Patel (ava) has no legal family name" in reply
    assert "Nothing was charged" in reply
    async with demo.db.uow(write=False) as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        assert booking.status == "held"


async def test_a_traveller_cannot_name_a_colleague_out_of_reach(
    concierge: Concierge, demo: Runtime
) -> None:
    """Ava books for herself only: Erin is no colleague of hers to name, and Ava is asked
    for a guest's full legal names instead."""
    ava = Chat(concierge, await caller(demo, "ava"))
    await ava.say("book me and Erin on a flight from New York to Boston on Dec 17, direct")
    await ava.say("option 1")
    assert ava.output("reserve")["unnamed_seats"] == 2

    reply = await ava.say("me and Erin")

    assert "Erin's family name" in reply
