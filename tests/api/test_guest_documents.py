"""A guest passenger's passport over HTTP (issue 11): stored on the booking's passenger,
encrypted as a profile's, masked on every read, and what lets an international flight
check the guest in online. Runs on SQLite and, with CONCIERGE_TEST_DATABASE_URL, on
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.booking.guest_documents import clear_guest_number
from core.clock import FrozenClock
from core.identity import hash_token
from core.models import AuditEntry, BoardingPass, OutboxEvent, Passenger
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_check_in import DEPARTS, auth, check_in, confirmed, give_passport
from tests.api.test_problems import assert_problem
from tests.factories import make_user

GUEST_PASSPORT = "GB4471930"
MASKED = "•••••1930"
JO = {"given_name": "Jo", "family_name": "Bloggs"}
ADMIN = {"Authorization": "Bearer tok-adm"}


def document(**changes: Any) -> dict[str, Any]:
    return {
        "number": GUEST_PASSPORT, "issuing_country": "GB", "nationality": "GB",
        "expires_on": "2030-03-31", "date_of_birth": "1988-04-02", **changes,
    }


def url(booking: dict[str, Any], passenger_id: str) -> str:
    return f"/v1/bookings/{booking['booking_id']}/passengers/{passenger_id}/documents"


def guest_id(booking: dict[str, Any]) -> str:
    [guest] = [p for p in booking["passengers"] if "traveler_id" not in p]
    return str(guest["passenger_id"])


async def party(client: httpx.AsyncClient, world: World, key: str) -> dict[str, Any]:
    """Ava and a guest, confirmed on the seeded BA 117 JFK→LHR (a border)."""
    return await confirmed(
        client, world, world.economy_offer, key=key,
        body={"passengers": [{"traveler_id": "ava"}, JO]},
    )


async def count(runtime: Runtime, model: Any) -> int:
    async with runtime.db.uow(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_guest_with_a_passport_on_file_checks_in_and_every_read_is_masked(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await party(client, seeded, "1")
    guest = guest_id(booking)
    clock.set(DEPARTS - timedelta(hours=3))

    # Without one the guest is named, with the reason, and nothing is checked in.
    refused = assert_problem(await check_in(client, seeded, booking, key="a"), 422, "DOCUMENTS_REQUIRED")
    assert refused["missing"] == [{"passenger_id": guest, "name": "Jo Bloggs", "reason": "guest"}]
    assert "Jo Bloggs" in str(refused["detail"])
    assert await count(runtime, BoardingPass) == 0

    stored = await client.put(url(booking, guest), json=document(), headers=auth(seeded))

    assert stored.status_code == 200, stored.text
    assert GUEST_PASSPORT not in stored.text
    [on_file] = [p for p in stored.json()["passengers"] if p["passenger_id"] == guest]
    assert on_file["document"] == {
        "type": "passport", "number": MASKED, "issuing_country": "GB", "nationality": "GB",
        "expires_on": "2030-03-31",
    }
    ava = next(p for p in stored.json()["passengers"] if p.get("traveler_id") == "ava")
    assert "document" not in ava  # a colleague's passports are on their profile
    read = await client.get(f"/v1/bookings/{booking['booking_id']}", headers=auth(seeded))
    assert read.status_code == 200
    assert MASKED in read.text
    assert GUEST_PASSPORT not in read.text
    # At rest: a token only this passenger's row opens, and its mask; never the number.
    async with runtime.db.uow(write=False) as session:
        row = await session.get(Passenger, guest)
        assert row is not None
        assert row.passport_token is not None
        assert row.passport_token.startswith("pii1.")
        assert GUEST_PASSPORT not in row.passport_token
        assert row.passport_masked == MASKED
        assert clear_guest_number(runtime.pii, row) == GUEST_PASSPORT
        assert str(row.date_of_birth) == "1988-04-02"
        audit = (await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "passenger.document_set"))).one()
        assert audit.entity_id == guest
        assert GUEST_PASSPORT not in repr(audit.data)

    done = await check_in(client, seeded, booking, key="b")

    assert done.status_code == 200, done.text
    passes = done.json()["boarding_passes"]
    assert [p["passenger_id"] for p in passes] == [p["passenger_id"] for p in booking["passengers"]]
    assert GUEST_PASSPORT not in done.text


async def test_the_same_passport_twice_is_the_same_and_a_deleted_one_is_asked_for_again(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await party(client, seeded, "1")
    guest = guest_id(booking)

    first = await client.put(url(booking, guest), json=document(), headers=auth(seeded))
    again = await client.put(url(booking, guest), json=document(), headers=auth(seeded))

    assert first.status_code == again.status_code == 200, again.text
    assert first.json()["passengers"] == again.json()["passengers"]

    for _ in range(2):  # deleting twice is deleting once
        gone = await client.delete(url(booking, guest), headers=auth(seeded))
        assert gone.status_code == 200, gone.text
        assert all("document" not in p for p in gone.json()["passengers"])
    clock.set(DEPARTS - timedelta(hours=3))
    refused = assert_problem(await check_in(client, seeded, booking, key="a"), 422, "DOCUMENTS_REQUIRED")
    assert [m["reason"] for m in refused["missing"]] == ["guest"]


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"expires_on": "2026-12-17"}, "DOCUMENT_EXPIRED", "expires_on"),  # the day before it lands
        ({"expires_on": "2020-01-31"}, "DOCUMENT_EXPIRED", "expires_on"),
        ({"issuing_country": "XX"}, "INVALID_COUNTRY", "issuing_country"),
        ({"nationality": "Britain"}, "INVALID_COUNTRY", "nationality"),
        ({"number": "12"}, "INVALID_DOCUMENT_NUMBER", "number"),
        ({"number": f"{GUEST_PASSPORT}!"}, "INVALID_DOCUMENT_NUMBER", "number"),
        ({"expires_on": "31/03/2030"}, "INVALID_DATE", "expires_on"),
        ({"date_of_birth": "2099-01-01"}, "INVALID_DATE", "date_of_birth"),
        ({"type": "visa"}, "INVALID_DOCUMENT", "type"),
    ],
)
async def test_bad_documents_are_refused_without_repeating_the_number_and_nothing_changes(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime,
    changes: dict[str, str], code: str, field: str,
) -> None:
    booking = await party(client, seeded, "1")

    refused = await client.put(url(booking, guest_id(booking)), json=document(**changes), headers=auth(seeded))

    body = assert_problem(refused, 422, code)
    assert body["field"] == field
    assert GUEST_PASSPORT not in refused.text
    read = await client.get(f"/v1/bookings/{booking['booking_id']}", headers=auth(seeded))
    assert all("document" not in p for p in read.json()["passengers"])
    async with runtime.db.uow(write=False) as session:
        row = await session.get(Passenger, guest_id(booking))
        assert row is not None
        assert row.passport_token is None
        assert row.date_of_birth is None
        assert await session.scalar(
            select(func.count()).where(AuditEntry.action == "passenger.document_set")
        ) == 0


async def test_only_the_booker_the_traveller_or_an_admin_may_and_others_get_404(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    async with runtime.db.uow() as session:
        await make_user(session, id="adm", role="admin", token_hash=hash_token("tok-adm"))
    booking = await party(client, seeded, "1")
    guest = guest_id(booking)
    ava = next(p["passenger_id"] for p in booking["passengers"] if p.get("traveler_id") == "ava")
    events = await count(runtime, OutboxEvent)

    other_org = await client.put(url(booking, guest), json=document(), headers=auth(seeded, "gus"))
    assert_problem(other_org, 404, "NOT_FOUND")
    manager = await client.put(url(booking, guest), json=document(), headers=auth(seeded, "mia"))
    assert_problem(manager, 404, "NOT_FOUND")  # may see the trip, not the guest's passport
    assert_problem(await client.delete(url(booking, guest), headers=auth(seeded, "gus")), 404, "NOT_FOUND")
    nobody = await client.put(url(booking, "PX_NOPE"), json=document(), headers=auth(seeded))
    assert_problem(nobody, 404, "NOT_FOUND")
    colleague = await client.put(url(booking, ava), json=document(), headers=auth(seeded))
    assert assert_problem(colleague, 422, "INVALID_DOCUMENT")["field"] == "passenger_id"
    for response in (other_org, manager, nobody, colleague):
        assert GUEST_PASSPORT not in response.text

    by_admin = await client.put(url(booking, guest), json=document(), headers=ADMIN)
    assert by_admin.status_code == 200, by_admin.text
    assert await count(runtime, OutboxEvent) == events  # no event carries it


async def test_the_trip_says_which_guest_needs_a_passport_and_shows_only_its_mask(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    await give_passport(runtime, "ava")
    booking = await party(client, seeded, "1")
    guest = guest_id(booking)
    trip_url = f"/v1/trips/{booking['booking_id']}"

    before = await client.get(trip_url, headers=auth(seeded))

    assert before.status_code == 200, before.text
    # Only the guest: Ava's passport is on her profile, never on the trip.
    assert before.json()["guests"] == [
        {"passenger_id": guest, "name": "Jo Bloggs", "passport_needed": True, "may_edit": True}
    ]
    # Her manager sees the trip but may not write a guest's passport (the PUT is 404 to her).
    [as_manager] = (await client.get(trip_url, headers=auth(seeded, "mia"))).json()["guests"]
    assert as_manager["passport_needed"] is True
    assert as_manager["may_edit"] is False

    stored = await client.put(url(booking, guest), json=document(), headers=auth(seeded))
    assert stored.status_code == 200, stored.text
    after = await client.get(trip_url, headers=auth(seeded))

    [on_file] = after.json()["guests"]
    assert on_file["passport_needed"] is False
    assert on_file["passport"] == {
        "type": "passport", "number": MASKED, "issuing_country": "GB", "nationality": "GB",
        "expires_on": "2030-03-31",
    }
    assert GUEST_PASSPORT not in after.text
    listed = await client.get("/v1/trips", headers=auth(seeded))
    assert MASKED in listed.text
    assert GUEST_PASSPORT not in listed.text

    # Cancelled: nobody flies, so nothing is needed and nothing may be written.
    gone = await client.post(
        f"/v1/bookings/{booking['booking_id']}/cancel", headers=auth(seeded, key="cancel-1")
    )
    assert gone.status_code == 200, gone.text
    [cancelled] = (await client.get(trip_url, headers=auth(seeded))).json()["guests"]
    assert cancelled["passport_needed"] is False
    assert cancelled["may_edit"] is False
