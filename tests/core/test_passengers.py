"""Passengers and tickets: naming who flies, the checks before confirming, the airline's
record locator and e-tickets (core.booking.passengers, the saga, the simulated GDS)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.booking import passengers as passengers_service
from core.booking.passengers import ItemPassengers, PassengerSpec, name_passengers
from core.booking.rebook import rebook_booking
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.booking.views import BookingView, load_booking_view
from core.errors import (
    Forbidden,
    HoldExpired,
    InvalidName,
    InvalidTransition,
    NotFound,
    PassengerAmbiguous,
    PassengerCountMismatch,
    PassengerDetailsRequired,
    PassengerNotBookable,
    ValidationFailed,
)
from core.identity import Caller
from core.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Passenger,
    Payment,
    SegmentPassenger,
    SupplierReservation,
    TravellerDetails,
    User,
)
from core.runtime import Runtime
from core.search.offers import flight_offer_id, hotel_offer_id
from core.supplier.simulated import SimulatedSupplier
from core.travellers.service import ProfileChanges, apply_changes
from tests.conftest import PG_URL
from tests.core.booking_world import AVA, GUS, MIA, World, build_world
from tests.core.changes_world import add_flight
from tests.factories import T0, guests, make_flight, make_user

ADMIN = Caller(user_id="admin", org_id="acme", role="admin", name="Admin")
TICKET = re.compile(r"\d{13}")
LOCATOR = re.compile(r"[A-Z0-9]{6}")


def guest(given: str, family: str) -> PassengerSpec:
    return PassengerSpec(given_name=given, family_name=family)


def colleague(user_id: str) -> PassengerSpec:
    return PassengerSpec(traveler_id=user_id)


async def hold(
    rt: Runtime,
    caller: Caller,
    offer: str,
    quantity: int = 1,
    people: list[PassengerSpec] | None = None,
    traveler_id: str | None = None,
) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(
            rt, s, caller, [ItemRequest(offer, quantity, passengers=people)], traveler_id
        )
        return booking.id


async def name(
    rt: Runtime,
    caller: Caller,
    booking_id: str,
    people: list[PassengerSpec],
    offer_id: str | None = None,
) -> BookingView:
    async with rt.db.uow() as s:
        await name_passengers(
            s, caller, booking_id, [ItemPassengers(offer_id, people)], now=rt.clock.now()
        )
    return await load_booking_view(rt, booking_id)


async def view(rt: Runtime, booking_id: str) -> BookingView:
    return await load_booking_view(rt, booking_id)


def names(v: BookingView) -> list[tuple[str | None, str | None]]:
    return [(p.given_name, p.family_name) for p in v.passengers]


async def count(rt: Runtime, model: type) -> int:
    async with rt.db.uow(write=False) as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


def economy(w: World) -> str:
    return flight_offer_id(w.long_inv["economy"].id)


# ------------------------------------------------------------------------- holding


async def test_a_single_seat_is_the_travellers_and_confirming_tickets_them(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w))

    held = await view(runtime, bid)
    assert [(p.traveler_id, p.given_name, p.family_name) for p in held.passengers] == [
        ("ava", "Ava", "Example")
    ]
    assert [(sp.passenger_id, sp.ticket_number, sp.seat) for sp in held.segments[0].passengers] == [
        (held.passengers[0].passenger_id, None, None)
    ]

    done = await confirm_booking(runtime, AVA, bid)

    assert done.status == BookingStatus.CONFIRMED
    seg = done.segments[0]
    assert seg.locator is not None
    assert LOCATOR.fullmatch(seg.locator)
    [ticket] = seg.passengers
    assert ticket.ticket_number is not None
    assert TICKET.fullmatch(ticket.ticket_number)
    assert ticket.ticket_number.startswith("125")  # British Airways' accounting code
    assert ticket.seat is None
    # The JSON keeps the seat's place for the seat choice to come.
    assert done.model_dump(mode="json")["segments"][0]["passengers"][0]["seat"] is None


async def test_a_manager_books_for_a_report_and_the_seat_is_the_reports(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, MIA, economy(w), traveler_id="ava")
    assert [p.traveler_id for p in (await view(runtime, bid)).passengers] == ["ava"]


async def test_passengers_given_with_the_hold_fill_its_seats_in_order(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(
        runtime,
        MIA,
        economy(w),
        3,
        [colleague("mia"), colleague("ava"), guest("Jo", "Bloggs-Smith")],
    )

    v = await view(runtime, bid)

    assert [p.traveler_id for p in v.passengers] == ["mia", "ava", None]
    assert names(v) == [("Mia", "Example"), ("Ava", "Example"), ("Jo", "Bloggs-Smith")]
    assert [sp.passenger_id for sp in v.segments[0].passengers] == [
        p.passenger_id for p in v.passengers
    ]


async def test_several_seats_may_be_held_unnamed(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w), 2)
    v = await view(runtime, bid)
    assert (v.passengers, v.segments[0].passengers, v.segments[0].quantity) == ([], [], 2)


@pytest.mark.parametrize(
    ("people", "error", "field"),
    [
        ([guest("Ava2", "Patel")], InvalidName, "items[0].passengers[0].given_name"),
        ([guest("Ava", "P" * 200)], InvalidName, "items[0].passengers[0].family_name"),
        ([guest("  ", "Patel")], InvalidName, "items[0].passengers[0].given_name"),
        ([PassengerSpec(given_name="Jo")], InvalidName, "items[0].passengers[0].family_name"),
        ([PassengerSpec()], InvalidName, "items[0].passengers[0].given_name"),
        (
            [PassengerSpec(traveler_id="ava", given_name="Ava")],
            ValidationFailed,
            "items[0].passengers[0]",
        ),
        (
            [guest("Jo", "Bloggs"), guest("jo", "BLOGGS")],
            ValidationFailed,
            "items[0].passengers[1]",
        ),
        ([guest("Jo", "Bloggs")], PassengerCountMismatch, "items[0].passengers"),
    ],
    ids=[
        "digits",
        "200 characters",
        "empty",
        "no family name",
        "nothing",
        "both forms",
        "twice",
        "too few",
    ],
)
async def test_bad_passengers_refuse_the_hold_and_hold_nothing(runtime, people, error, field):
    w = await build_world(runtime)
    with pytest.raises(error) as refused:
        await hold(runtime, AVA, economy(w), 2 if error is not InvalidName else len(people), people)
    assert refused.value.code == error.code
    assert refused.value.extra["field"] == field
    assert (await count(runtime, Booking), await count(runtime, Passenger)) == (0, 0)


async def test_passengers_on_a_hotel_are_refused(runtime) -> None:
    w = await build_world(runtime)
    stay = hotel_offer_id(
        w.hotel.id, T0.date() + timedelta(days=17), T0.date() + timedelta(days=19)
    )
    with pytest.raises(ValidationFailed, match="hotel stay"):
        await hold(runtime, AVA, stay, 1, [guest("Jo", "Bloggs")])
    assert await count(runtime, Booking) == 0


async def test_who_may_be_named_follows_who_may_be_booked_for(runtime) -> None:
    """A traveller names themselves and guests; not their manager (out of their sight),
    nor anyone of another organization; an admin names anyone of theirs."""
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="admin", role="admin")
    with pytest.raises(NotFound):
        await hold(runtime, AVA, economy(w), 2, [colleague("ava"), colleague("mia")])
    with pytest.raises(NotFound):
        await hold(runtime, AVA, economy(w), 2, [colleague("ava"), colleague("gus")])
    with pytest.raises(NotFound):
        await hold(runtime, GUS, economy(w), 1, [colleague("ava")])
    assert await count(runtime, Booking) == 0

    bid = await hold(runtime, ADMIN, economy(w), 2, [colleague("mia"), colleague("victor")])
    assert [p.traveler_id for p in (await view(runtime, bid)).passengers] == ["mia", "victor"]


async def test_a_colleague_seen_but_not_bookable_is_forbidden(runtime) -> None:
    """Finance sees everyone's trips and books only its own."""
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance")
    fin = Caller(user_id="fin", org_id="acme", role="finance", name="Fin")
    with pytest.raises(Forbidden):
        await hold(runtime, fin, economy(w), 2, [colleague("fin"), colleague("ava")])


async def test_a_colleague_named_as_a_guest_is_that_colleague_under_the_same_rules(
    runtime,
) -> None:
    """Typing a colleague's legal names (or account name) instead of their id books them as
    the colleague they are: refused where their id would be, their profile where allowed."""
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance")
    fin = Caller(user_id="fin", org_id="acme", role="finance", name="Fin")
    for caller, people in (
        (AVA, [colleague("ava"), guest("Mia", "Example")]),  # her manager: out of her sight
        (AVA, [colleague("ava"), guest("mia", "EXAMPLE")]),
        (fin, [colleague("fin"), guest("Ava", "Example")]),  # seen, not bookable
    ):
        with pytest.raises(Forbidden, match="colleague you may not book for"):
            await hold(runtime, caller, economy(w), 2, people)
    assert await count(runtime, Booking) == 0

    bid = await hold(runtime, MIA, economy(w), 2, [colleague("mia"), guest("Ava", "Example")])
    assert [p.traveler_id for p in (await view(runtime, bid)).passengers] == ["mia", "ava"]
    other_org = await hold(runtime, GUS, economy(w), 2, [colleague("gus"), guest("Ava", "Example")])
    assert [p.traveler_id for p in (await view(runtime, other_org)).passengers] == ["gus", None]


async def _people_with_names(rt: Runtime) -> None:
    """Victor (out of Ava's sight) with an accented legal name and account name; Sean, who
    reports to Victor (also out of Ava's sight), with an apostrophe; two reports of Mia's
    who share a name."""
    async with rt.db.uow() as s:
        await s.execute(
            update(TravellerDetails)
            .where(TravellerDetails.user_id == "victor")
            .values(given_name="Élodie", family_name="Dupont")
        )
        await s.execute(update(User).where(User.id == "victor").values(name="Élodie Dupont"))
        await make_user(s, id="sean", manager_id="victor", legal_names=("Sean", "O'Brien"))
        await make_user(s, id="jo1", manager_id="mia", legal_names=("Jo", "Example"))
        await make_user(s, id="jo2", manager_id="mia", legal_names=("Jo", "Example"))


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("Mia", "Example"),  # as on her profile
        ("MIA", "EXAMPLE"),
        ("Example", "Mia"),  # family name first
        ("Mia Lin", "Example"),  # a middle name the profile does not have
        ("Élodie", "Dupont"),  # not ASCII: SQLite's lower() leaves É as it is
        ("ÉLODIE", "DUPONT"),
        ("Elodie", "Dupont"),  # the accent left out
        ("Sean", "O’Brien"),  # the typographic apostrophe
        ("Sean", "OBrien"),
        ("Jo", "Example"),  # two colleagues' name, neither Ava's to book for
    ],
)
async def test_a_colleague_named_as_a_guest_however_written_is_refused(
    runtime, given, family
) -> None:
    """The booking-rights rule holds for a colleague typed by name in any of the ways
    people write names: refused with ``PASSENGER_NOT_BOOKABLE``, naming the field and not
    the person; nothing held."""
    w = await build_world(runtime)
    await _people_with_names(runtime)
    with pytest.raises(PassengerNotBookable) as refused:
        await hold(runtime, AVA, economy(w), 2, [colleague("ava"), guest(given, family)])
    assert refused.value.code == "PASSENGER_NOT_BOOKABLE"
    assert refused.value.status == 403
    assert refused.value.extra["field"] == "items[0].passengers[1]"
    assert family.casefold() not in refused.value.detail.casefold()
    assert await count(runtime, Booking) == 0


async def test_a_colleague_named_however_written_is_that_colleague_where_allowed(
    runtime,
) -> None:
    """Where the caller may book for them, the name is the colleague, profile names and
    all (an admin books anyone of theirs)."""
    w = await build_world(runtime)
    await _people_with_names(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="admin", role="admin")
    bid = await hold(
        runtime, ADMIN, economy(w), 3, [guest("ELODIE", "DUPONT"), guest("Sean", "O’Brien"),
                                        guest("example", "ava")]
    )
    v = await view(runtime, bid)
    assert [p.traveler_id for p in v.passengers] == ["victor", "sean", "ava"]
    assert names(v) == [("Élodie", "Dupont"), ("Sean", "O'Brien"), ("Ava", "Example")]


async def test_real_guests_stay_guests(runtime) -> None:
    """A name that is nobody's in the organization is a guest, even one close to a
    colleague's (another family name, a double-barrelled one, another org's person)."""
    w = await build_world(runtime)
    await _people_with_names(runtime)
    people = [colleague("ava"), guest("Mia", "Exampleton"), guest("Mia", "Example-Smith"),
              guest("Gus", "Example")]
    bid = await hold(runtime, AVA, economy(w), 4, people)
    v = await view(runtime, bid)
    assert [p.traveler_id for p in v.passengers] == ["ava", None, None, None]
    assert names(v)[1:] == [("Mia", "Exampleton"), ("Mia", "Example-Smith"), ("Gus", "Example")]


async def test_a_name_of_several_bookable_colleagues_is_ambiguous(runtime) -> None:
    """Mia may book for both of her reports called Jo Example: which one is not guessed."""
    w = await build_world(runtime)
    await _people_with_names(runtime)
    with pytest.raises(PassengerAmbiguous) as refused:
        await hold(runtime, MIA, economy(w), 2, [colleague("mia"), guest("Jo", "Example")])
    assert refused.value.code == "PASSENGER_AMBIGUOUS"
    assert refused.value.extra["field"] == "items[0].passengers[1]"
    assert await count(runtime, Booking) == 0


async def test_naming_later_follows_the_same_rule(runtime) -> None:
    """``name_passengers`` on a held booking: the same guard as naming with the hold."""
    w = await build_world(runtime)
    await _people_with_names(runtime)
    bid = await hold(runtime, AVA, economy(w), 2)
    async with runtime.db.uow() as s:
        with pytest.raises(PassengerNotBookable):
            await name_passengers(
                s, AVA, bid, [ItemPassengers(None, [colleague("ava"), guest("Elodie", "Dupont")])],
                now=T0,
            )
    assert await count(runtime, Passenger) == 0


@pytest.mark.parametrize(
    ("typed", "known", "score"),
    [
        (("Mia", "Chen"), ("Mia", "Chen"), 2),
        (("Chen", "Mia"), ("Mia", "Chen"), 2),
        (("Mia Lin", "Chen"), ("Mia", "Chen"), 1),
        (("Zoë", "O'Brien-Lee"), ("ZOE", "O’BRIEN LEE"), 2),
        (("Mia", "Chen"), ("Mia", "Cheng"), 0),
        (("Mia", "Chen"), ("Mia Chen", None), 2),  # an account name, whole
        (("Mia", "Chen"), ("Mia", None), 0),
    ],
)
def test_name_match(typed, known, score) -> None:
    parts = passengers_service.name_parts
    assert passengers_service.name_match(parts(*typed), parts(*known)) == score


async def test_a_hold_replacing_another_keeps_its_passengers(runtime) -> None:
    """ "Yes, but the later flight": the same people fly it."""
    w = await build_world(runtime)
    later = await add_flight(runtime, number="119", fare=61240)
    first = await hold(runtime, MIA, economy(w), 2, [colleague("ava"), guest("Jo", "Bloggs")])
    async with runtime.db.uow() as s:
        second = await hold_booking(
            runtime, s, MIA, [ItemRequest(flight_offer_id(later), 2)], replaces=first
        )

    v = await view(runtime, second.id)

    assert [p.traveler_id for p in v.passengers] == ["ava", None]
    assert names(v) == [("Ava", "Example"), ("Jo", "Bloggs")]
    assert (await view(runtime, first)).status == BookingStatus.CANCELLED


# ------------------------------------------------------------------------- naming later


async def test_naming_later_is_idempotent_and_keeps_passenger_ids(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, MIA, economy(w), 2)
    people = [colleague("ava"), guest("Jo", "Bloggs")]

    first = await name(runtime, MIA, bid, people)
    again = await name(runtime, MIA, bid, people)

    assert first.passengers == again.passengers
    assert names(first) == [("Ava", "Example"), ("Jo", "Bloggs")]

    # One passenger changed: the other keeps their id; the one dropped is gone.
    changed = await name(runtime, MIA, bid, [colleague("ava"), guest("Kim", "Lee")])
    assert changed.passengers[0] == first.passengers[0]
    assert names(changed) == [("Ava", "Example"), ("Kim", "Lee")]
    assert await count(runtime, Passenger) == 2
    assert await count(runtime, SegmentPassenger) == 2
    async with runtime.db.uow(write=False) as s:
        actions = (await s.scalars(select(AuditEntry.action))).all()
    assert actions.count("booking.passengers_named") == 3


async def test_naming_refuses_what_the_hold_refuses_and_changes_nothing(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w), 2, guests(2))
    before = await view(runtime, bid)

    with pytest.raises(PassengerCountMismatch, match="Item 1 holds 2 seats"):
        await name(runtime, AVA, bid, [guest("Jo", "Bloggs")])
    with pytest.raises(InvalidName):
        await name(runtime, AVA, bid, [guest("Jo", "Bloggs"), guest("R2", "D2")])
    with pytest.raises(ValidationFailed, match="not on booking"):
        await name(
            runtime, AVA, bid, guests(2), offer_id=flight_offer_id(w.short_inv["economy"].id)
        )

    assert (await view(runtime, bid)).passengers == before.passengers


async def test_another_organizations_booking_is_not_found(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w))
    with pytest.raises(NotFound):
        await name(runtime, GUS, bid, [guest("Jo", "Bloggs")])


async def test_once_confirmed_the_names_are_the_airlines(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w))
    await confirm_booking(runtime, AVA, bid)
    with pytest.raises(InvalidTransition):
        await name(runtime, AVA, bid, [guest("Jo", "Bloggs")])


async def test_an_expired_hold_cannot_be_named(runtime, clock) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w))
    clock.advance(timedelta(hours=1))
    with pytest.raises(HoldExpired):
        await name(runtime, AVA, bid, [guest("Jo", "Bloggs")])


# ------------------------------------------------------------------------- confirming


async def test_confirming_needs_every_seat_named_and_changes_nothing_until_then(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w), 3)

    with pytest.raises(PassengerDetailsRequired) as refused:
        await confirm_booking(runtime, AVA, bid)

    assert refused.value.status == 422
    assert "3 of 3 passengers unnamed on item 1" in refused.value.detail
    assert refused.value.extra["missing"] == [
        {"item": 1, "offer_id": economy(w), "unnamed": 3, "quantity": 3}
    ]
    assert (await view(runtime, bid)).status == BookingStatus.HELD
    assert await count(runtime, Payment) == 0

    await name(runtime, AVA, bid, [colleague("ava"), *guests(2)])
    done = await confirm_booking(runtime, AVA, bid)

    assert done.status == BookingStatus.CONFIRMED
    tickets = [sp.ticket_number for sp in done.segments[0].passengers]
    assert len(tickets) == 3
    assert all(t is not None and TICKET.fullmatch(t) for t in tickets)
    assert len(set(tickets)) == 3


async def test_a_colleague_without_legal_names_is_named_in_the_refusal(runtime) -> None:
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="ben", manager_id="mia", legal_names=None)
        await make_user(s, id="cy", manager_id="mia", legal_names=("Cy", ""))
    bid = await hold(
        runtime,
        MIA,
        economy(w),
        4,
        [colleague("mia"), colleague("ben"), colleague("cy"), guest("Jo", "Bloggs")],
    )

    with pytest.raises(PassengerDetailsRequired) as refused:
        await confirm_booking(runtime, MIA, bid)

    detail = refused.value.detail
    assert "Ben (ben) has no legal names in their traveller profile" in detail
    assert "Cy (cy) has no legal family name in their traveller profile" in detail
    assert [(m["traveler_id"], m["fields"]) for m in refused.value.extra["missing"]] == [
        ("ben", ["given_name", "family_name"]),
        ("cy", ["family_name"]),
    ]
    assert (await view(runtime, bid)).status == BookingStatus.HELD


async def test_confirming_tickets_the_names_the_profile_has_then(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w))
    async with runtime.db.uow() as s:
        details = await s.get(TravellerDetails, "ava")
        assert details is not None
        details.given_name = "Avani"

    done = await confirm_booking(runtime, AVA, bid)

    assert names(done) == [("Avani", "Example")]
    async with runtime.db.uow(write=False) as s:
        reservation = await s.scalar(select(SupplierReservation))
    assert reservation is not None
    assert reservation.payload["passengers"] == [done.passengers[0].passenger_id]


async def test_ticketing_gives_the_airline_its_frequent_flyer_and_known_traveller_numbers(
    runtime, caplog: pytest.LogCaptureFixture
) -> None:
    """A colleague's frequent-flyer number with the flight's airline (BA here, not their
    B6 one) and their known-traveller number go to the airline with the ticketing request,
    decrypted for it alone: the reservation row lists who had one, never the number."""
    caplog.set_level(logging.DEBUG)
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        ava = await s.get(User, "ava")
        assert ava is not None
        await apply_changes(
            s, runtime.pii, ava,
            ProfileChanges(loyalty={"BA": "BA7712093", "B6": "B65550012"},
                           known_traveller_number="KTN449120"),
            now=runtime.clock.now(), actor_id="ava",
        )
    bid = await hold(runtime, AVA, economy(w), 2, [colleague("ava"), guest("Jo", "Bloggs")])

    done = await confirm_booking(runtime, AVA, bid)

    me, jo = (p.passenger_id for p in done.passengers)
    locator = done.segments[0].locator
    airline = runtime.supplier_for("flight")
    sim = getattr(airline, "inner", airline)
    assert isinstance(sim, SimulatedSupplier)
    assert sim.loyalty == {(locator, me): "BA7712093"}
    assert sim.known_travellers == {(locator, me): "KTN449120"}
    async with runtime.db.uow(write=False) as s:
        reservation = await s.scalar(select(SupplierReservation))
    assert reservation is not None
    assert reservation.payload["frequent_flyer"] == [me]
    assert reservation.payload["known_traveller"] == [me]
    assert jo in reservation.payload["passengers"]
    for number in ("BA7712093", "B65550012", "KTN449120"):
        assert number not in json.dumps(reservation.payload)
        assert number not in caplog.text
        assert number not in done.model_dump_json()


async def test_every_leg_of_a_connection_is_ticketed_for_every_passenger(runtime) -> None:
    w = await build_world(runtime)
    async with runtime.db.uow() as s:
        _, onward = await make_flight(
            s,
            carrier="BA",
            number="238",
            origin="BOS",
            destination="LHR",
            depart_at=w.short_haul.arrive_at + timedelta(hours=2),
        )
    offer = flight_offer_id(w.short_inv["economy"].id, onward["economy"].id)
    bid = await hold(runtime, AVA, offer, 2, [colleague("ava"), guest("Jo", "Bloggs")])

    done = await confirm_booking(runtime, AVA, bid)

    assert [s.carrier for s in done.segments] == ["B6", "BA"]
    tickets = {s.carrier: [p.ticket_number for p in s.passengers] for s in done.segments}
    assert all(len(t) == 2 for t in tickets.values())
    assert all(t.startswith("279") for t in tickets["B6"])  # JetBlue
    assert all(t.startswith("125") for t in tickets["BA"])  # British Airways
    assert len({t for ts in tickets.values() for t in ts}) == 4


async def test_tickets_are_unique_across_bookings_and_the_schema_says_so(runtime) -> None:
    w = await build_world(runtime)
    seen: list[str] = []
    for _ in range(4):
        bid = await hold(runtime, AVA, economy(w), 2, guests(2))
        done = await confirm_booking(runtime, AVA, bid)
        seen += [p.ticket_number for p in done.segments[0].passengers if p.ticket_number]
    assert len(seen) == len(set(seen)) == 8

    taken = seen[0]
    bid = await hold(runtime, AVA, economy(w), 1)
    async with runtime.db.uow() as s:
        link = await s.scalar(select(SegmentPassenger).where(SegmentPassenger.booking_id == bid))
        assert link is not None
        link.ticket_number = taken
        with pytest.raises(IntegrityError):
            await s.flush()
        await s.rollback()


async def test_a_replayed_supplier_call_answers_the_same_tickets(runtime) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, AVA, economy(w), 2, guests(2))
    done = await confirm_booking(runtime, AVA, bid)
    async with runtime.db.uow(write=False) as s:
        booking = await s.get(Booking, bid)
        assert booking is not None
        from_saga = await passengers_service.supplier_passengers(s, done.segments[0].segment_id)
    supplier = runtime.supplier_for("flight")
    first = {p.passenger_id: p.ticket_number for p in done.segments[0].passengers}
    key = f"booking:{bid}:segment:{done.segments[0].segment_id}:book"
    replay = await supplier.lookup(key)
    assert replay is not None
    assert replay.tickets == first
    assert [p.ref for p in from_saga] == list(first)


async def test_a_rebooked_flight_carries_its_passengers_with_new_tickets(runtime) -> None:
    w = await build_world(runtime)
    later = await add_flight(runtime, number="119", fare=61240)
    bid = await hold(runtime, AVA, economy(w), 2, [colleague("ava"), guest("Jo", "Bloggs")])
    done = await confirm_booking(runtime, AVA, bid)
    old = {p.passenger_id: p.ticket_number for p in done.segments[0].passengers}

    moved = await rebook_booking(
        runtime, AVA, bid, done.segments[0].segment_id, flight_offer_id(later)
    )

    assert moved.change.status == "done", moved.change
    [seg] = moved.segments
    assert seg.number == "119"
    new = {p.passenger_id: p.ticket_number for p in seg.passengers}
    assert list(new) == list(old)
    assert all(t and TICKET.fullmatch(t) for t in new.values())
    assert not set(new.values()) & set(old.values())


# ------------------------------------------------------------------------- the race pair


def _lists() -> list[list[PassengerSpec]]:
    return [[guest("Jo", "Bloggs"), guest("Kim", "Lee")], [guest("Al", "Ng"), guest("Bo", "Oz")]]


async def _race(runtime: Runtime, bid: str) -> list[BaseException | None]:
    async def put(people: list[PassengerSpec]) -> None:
        async with runtime.db.uow() as s:
            await name_passengers(
                s, MIA, bid, [ItemPassengers(None, people)], now=runtime.clock.now()
            )

    outcomes = await asyncio.gather(*(put(p) for p in _lists()), return_exceptions=True)
    return [o if isinstance(o, BaseException) else None for o in outcomes]


def _reads_then_waits(barrier: asyncio.Barrier | None):
    """The real naming path, which reads what is on file and then writes: with a barrier,
    it waits after reading for the other request to have read too; without, it waits a
    moment, so that a second request surely queues on the row lock meanwhile."""
    real = passengers_service._on_file

    async def on_file(session, booking_id):
        found = await real(session, booking_id)
        if barrier is not None:
            await barrier.wait()
        else:
            await asyncio.sleep(0.1)
        return found

    return on_file


def _without_the_row_lock():
    real = passengers_service.load_visible_booking

    async def load(session, caller, booking_id, *, for_update=False, to_act=False):
        return await real(session, caller, booking_id, for_update=False, to_act=to_act)

    return load


@pytest.mark.race
@pytest.mark.skipif(
    PG_URL is None,
    reason="SQLite writers are serialized by BEGIN IMMEDIATE "
    "whatever the guard does; the race needs PostgreSQL's concurrent writers",
)
async def test_without_the_row_lock_two_namings_leave_more_passengers_than_seats(
    runtime, monkeypatch
) -> None:
    """The booking's row lock switched off, both requests past their reads before either
    writes: each keeps the links it found (none) and adds its own two — four passengers
    on two seats, which no airline would ticket."""
    w = await build_world(runtime)
    bid = await hold(runtime, MIA, economy(w), 2)
    monkeypatch.setattr(passengers_service, "load_visible_booking", _without_the_row_lock())
    monkeypatch.setattr(passengers_service, "_on_file", _reads_then_waits(asyncio.Barrier(2)))

    assert await _race(runtime, bid) == [None, None]

    assert await count(runtime, SegmentPassenger) == 4


@pytest.mark.race
async def test_with_the_row_lock_one_naming_wins_whole(runtime, monkeypatch) -> None:
    w = await build_world(runtime)
    bid = await hold(runtime, MIA, economy(w), 2)
    monkeypatch.setattr(passengers_service, "_on_file", _reads_then_waits(None))

    assert await _race(runtime, bid) == [None, None]

    v = await view(runtime, bid)
    assert names(v) in ([(p.given_name, p.family_name) for p in people] for people in _lists())
    assert len(v.segments[0].passengers) == 2
    assert await count(runtime, SegmentPassenger) == 2
