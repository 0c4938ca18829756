"""The passports an airline is given before check-in (APIS, issue 11): on a flight
between two countries each passenger's passport — a colleague's from their profile, a
guest's from their passenger — reaches the (simulated) airline in clear before the
boarding passes are issued, and nowhere else: not in our database (the airline's
reservation row keeps country, nationality and expiry, no number), a log line, an
answer or an error. A domestic flight sends nothing; an airline that refuses or cannot
be reached issues no pass. Runs on SQLite and, with CONCIERGE_TEST_DATABASE_URL, on
PostgreSQL."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.models import SupplierReservation
from core.runtime import Runtime
from core.supplier.faults import FaultMode
from core.supplier.resilience import ResilientSupplier
from core.supplier.simulated import SimulatedSupplier
from tests.api.conftest import World
from tests.api.test_check_in import DEPARTS, PASSPORT, auth, check_in, confirmed, give_passport
from tests.api.test_guest_documents import GUEST_PASSPORT, document, guest_id, party, url
from tests.api.test_problems import assert_problem
from tests.factories import make_flight


def airline(runtime: Runtime) -> SimulatedSupplier:
    supplier = runtime.supplier_for("flight")
    inner = supplier.inner if isinstance(supplier, ResilientSupplier) else supplier
    assert isinstance(inner, SimulatedSupplier)
    return inner


async def reservation(runtime: Runtime, locator: str) -> SupplierReservation:
    async with runtime.db.uow(write=False) as session:
        row = await session.scalar(
            select(SupplierReservation).where(SupplierReservation.locator == locator)
        )
    assert row is not None
    return row


async def test_each_passport_reaches_the_airline_before_the_passes_and_nowhere_else(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    await give_passport(runtime, "ava")
    booking = await party(client, seeded, "1")
    guest = guest_id(booking)
    ava = next(p["passenger_id"] for p in booking["passengers"] if p.get("traveler_id") == "ava")
    assert (await client.put(url(booking, guest), json=document(), headers=auth(seeded))).status_code == 200
    locator = booking["segments"][0]["locator"]
    sim = airline(runtime)
    assert sim.calls["send_apis"] == 0  # ticketing sent no document; check-in does

    clock.set(DEPARTS - timedelta(hours=3))
    done = await check_in(client, seeded, booking, key="a")

    assert done.status_code == 200, done.text
    assert sim.documents == {(locator, ava): PASSPORT, (locator, guest): GUEST_PASSPORT}
    assert sim.calls["send_apis"] == 1
    row = await reservation(runtime, locator)
    assert row.payload["apis"] == {
        ava: {"issuing_country": "US", "nationality": "US", "expires_on": "2031-06-30",
              "date_of_birth": None},
        guest: {"issuing_country": "GB", "nationality": "GB", "expires_on": "2030-03-31",
                "date_of_birth": "1988-04-02"},
    }
    [key] = row.payload["apis_keys"]
    assert key.startswith(f"booking:{booking['booking_id']}:segment:{booking['segments'][0]['segment_id']}:apis:")
    # Checked in again: the same passes, and nobody is left to send.
    again = await check_in(client, seeded, booking, key="b")
    assert again.json()["boarding_passes"] == done.json()["boarding_passes"]
    assert sim.calls["send_apis"] == 1

    stored = json.dumps(row.payload)
    logs = caplog.text + "\n".join(repr(r.args) for r in caplog.records)
    assert "APIS for 2 passengers" in logs, "the airline's log line is captured"
    for number in (PASSPORT, GUEST_PASSPORT):
        assert number not in stored
        assert number not in logs
        assert number not in done.text + again.text


async def test_a_domestic_flight_sends_no_passport(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    async with runtime.db.uow() as session:
        _, inv = await make_flight(session, number="2101", origin="JFK", destination="BOS",
                                   duration_minutes=75, cabins={"economy": (150, 12000)})
    booking = await confirmed(client, seeded, f"FL-{inv['economy'].id}", key="1")
    clock.set(DEPARTS - timedelta(hours=2))

    assert (await check_in(client, seeded, booking, key="a")).status_code == 200
    assert airline(runtime).calls["send_apis"] == 0
    assert airline(runtime).documents == {}


async def test_an_airline_that_refuses_or_cannot_be_reached_issues_no_pass(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")
    clock.set(DEPARTS - timedelta(hours=3))
    sim = airline(runtime)

    sim.faults.set(mode=FaultMode.REJECTED, reason="DOCS not accepted", operations={"send_apis"}, times=1)
    refused = assert_problem(await check_in(client, seeded, booking, key="a"), 409, "SUPPLIER_REJECTED")
    assert "DOCS not accepted" in str(refused["detail"])
    sim.faults.set(mode=FaultMode.SERVER_ERROR, operations={"send_apis"}, times=3)  # every retry
    assert_problem(await check_in(client, seeded, booking, key="b"), 503, "SUPPLIER_UNAVAILABLE")
    read = await client.get(f"/v1/bookings/{booking['booking_id']}", headers=auth(seeded))
    assert all("boarding_pass_id" not in p for p in read.json()["segments"][0]["passengers"])
    assert sim.documents == {}

    done = await check_in(client, seeded, booking, key="c")  # the airline is back

    assert done.status_code == 200, done.text
    assert len(done.json()["boarding_passes"]) == 1
    assert list(sim.documents.values()) == [PASSPORT]
