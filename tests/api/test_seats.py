"""Seat maps and seat choice over HTTP (the contract): `GET /v1/offers/{id}/seatmap`,
`GET /v1/bookings/{id}/seatmap`, `PUT /v1/bookings/{id}/seats`. Both databases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from core.models import AuditEntry, Payment, SegmentPassenger
from core.runtime import Runtime
from tests.api.conftest import World
from tests.api.test_problems import assert_problem

JO = {"given_name": "Jo", "family_name": "Bloggs"}


async def hold(
    client: httpx.AsyncClient, world: World, passengers: list[dict[str, Any]], *,
    user: str = "ava", key: str = "hold-1", offer: str | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": offer or world.economy_offer, "passengers": passengers}]},
        headers={**world.auth(user), "Idempotency-Key": key},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def put_seats(
    client: httpx.AsyncClient, world: World, booking_id: str, assignments: list[dict[str, str]],
    *, user: str = "ava",
) -> httpx.Response:
    return await client.put(
        f"/v1/bookings/{booking_id}/seats", json={"assignments": assignments},
        headers=world.auth(user),
    )


def assignments(booking: dict[str, Any], *seats: str) -> list[dict[str, str]]:
    segment = booking["segments"][0]
    return [
        {"segment_id": segment["segment_id"], "passenger_id": p["passenger_id"], "seat": seat}
        for p, seat in zip(segment["passengers"], seats, strict=True)
    ]


def seat_of(seatmap: dict[str, Any], seat: str) -> dict[str, Any]:
    return next(s for row in seatmap["rows"] for s in row["seats"] if s["seat"] == seat)


async def test_an_offer_seat_map_is_its_cabin_row_by_row(
    client: httpx.AsyncClient, seeded: World
) -> None:
    response = await client.get(f"/v1/offers/{seeded.economy_offer}/seatmap", headers=seeded.auth("ava"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["offer_id"] == seeded.economy_offer
    assert "booking_id" not in body
    (segment,) = body["segments"]
    assert "segment_id" not in segment
    assert "passengers" not in segment
    assert (segment["carrier"], segment["number"], segment["origin"], segment["destination"]) == (
        "BA", "117", "JFK", "LHR"
    )
    assert (segment["aircraft"], segment["cabin"], segment["columns"]) == ("A320", "economy", "ABC DEF")
    seats = [s for row in segment["rows"] for s in row["seats"]]
    assert len(seats) == segment["seats_free"] == 150  # the cabin's capacity, every seat free
    assert len({s["seat"] for s in seats}) == 150
    assert 13 not in [row["row"] for row in segment["rows"]]
    first_row = segment["rows"][0]
    assert first_row["row"] == 8  # first (2 rows) and business (5) sit in front
    assert seat_of(segment, "8A") == {
        "seat": "8A",
        "available": True,
        "position": "window",
        "features": ["bulkhead", "extra_legroom"],
        "price": {"amount": "85.00", "currency": "USD"},
    }
    assert seat_of(segment, "9B")["position"] == "middle"
    assert seat_of(segment, "9C")["position"] == "aisle"
    assert seat_of(segment, "9C")["price"] == {"amount": "0.00", "currency": "USD"}
    assert any("exit" in s["features"] for s in seats)

    business = (await client.get(f"/v1/offers/{seeded.business_offer}/seatmap", headers=seeded.auth("ava"))).json()
    assert business["segments"][0]["columns"] == "AC DF"
    assert business["segments"][0]["rows"][0]["row"] == 3


async def test_bad_offers_have_no_seat_map(client: httpx.AsyncClient, seeded: World) -> None:
    auth = seeded.auth("ava")
    assert_problem(await client.get("/v1/offers/FL-999999/seatmap", headers=auth), 404, "NOT_FOUND")
    assert_problem(await client.get("/v1/offers/nonsense/seatmap", headers=auth), 422, "VALIDATION_ERROR")
    assert_problem(
        await client.get(f"/v1/offers/{seeded.hotel_offer}/seatmap", headers=auth), 422, "VALIDATION_ERROR"
    )
    assert (await client.get(f"/v1/offers/{seeded.economy_offer}/seatmap")).status_code == 401


async def test_choosing_seats_for_a_party_shows_on_the_booking_and_both_maps(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    booking = await hold(client, seeded, [{"traveler_id": "ava"}, JO])

    chosen = await put_seats(client, seeded, booking["booking_id"], assignments(booking, "21a", "21B"))

    assert chosen.status_code == 200, chosen.text
    passengers = chosen.json()["segments"][0]["passengers"]
    assert [p["seat"] for p in passengers] == ["21A", "21B"]
    read = (await client.get(f"/v1/bookings/{booking['booking_id']}", headers=seeded.auth("ava"))).json()
    assert read["segments"][0]["passengers"] == passengers
    mine = (await client.get(f"/v1/bookings/{booking['booking_id']}/seatmap", headers=seeded.auth("ava"))).json()
    assert mine["booking_id"] == booking["booking_id"]
    (segment,) = mine["segments"]
    assert segment["segment_id"] == booking["segments"][0]["segment_id"]
    assert segment["passengers"] == passengers
    assert seat_of(segment, "21A")["available"] is False
    assert seat_of(segment, "21A")["passenger_id"] == passengers[0]["passenger_id"]
    assert segment["seats_free"] == 148
    offer_map = (await client.get(f"/v1/offers/{seeded.economy_offer}/seatmap", headers=seeded.auth("mia"))).json()
    assert seat_of(offer_map["segments"][0], "21A") == {
        "seat": "21A", "available": False, "position": "window", "features": [],
        "price": {"amount": "0.00", "currency": "USD"},
    }  # another traveller sees it taken, never by whom

    # The same body again changes nothing; a swap inside the party is one request.
    again = await put_seats(client, seeded, booking["booking_id"], assignments(booking, "21A", "21B"))
    assert again.status_code == 200
    swapped = await put_seats(client, seeded, booking["booking_id"], assignments(booking, "21B", "21A"))
    assert [p["seat"] for p in swapped.json()["segments"][0]["passengers"]] == ["21B", "21A"]
    async with runtime.db.uow(write=False) as session:
        assert await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "booking.seats_chosen")
        ) == 3


async def test_a_taken_seat_is_409_naming_it_and_nothing_changes(
    client: httpx.AsyncClient, seeded: World
) -> None:
    mia = await hold(client, seeded, [{"traveler_id": "mia"}], user="mia", key="hold-mia")
    assert (await put_seats(client, seeded, mia["booking_id"], assignments(mia, "22C"), user="mia")).status_code == 200
    ava = await hold(client, seeded, [{"traveler_id": "ava"}, JO])

    refused = assert_problem(
        await put_seats(client, seeded, ava["booking_id"], assignments(ava, "22B", "22C")), 409, "SEAT_TAKEN"
    )

    assert "22C" in str(refused["detail"])
    assert refused["seats"] == ["22C"]
    read = (await client.get(f"/v1/bookings/{ava['booking_id']}", headers=seeded.auth("ava"))).json()
    assert [p["seat"] for p in read["segments"][0]["passengers"]] == [None, None]  # not even 22B


async def test_bad_seat_choices_are_4xx_with_their_code_and_change_nothing(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    booking = await hold(client, seeded, [{"traveler_id": "ava"}])
    bid = booking["booking_id"]
    (one,) = assignments(booking, "24A")
    other = await hold(client, seeded, [JO], user="mia", key="hold-mia")

    cases = [
        ({**one, "seat": "99Z"}, 422, "UNKNOWN_SEAT"),
        ({**one, "seat": "99A"}, 422, "UNKNOWN_SEAT"),
        ({**one, "seat": "banana"}, 422, "UNKNOWN_SEAT"),
        ({**one, "seat": "1A"}, 422, "SEAT_NOT_IN_CABIN"),  # first class
        ({**one, "seat": "8A"}, 409, "SEAT_REQUIRES_PAYMENT"),  # extra legroom
        ({**one, "passenger_id": other["passengers"][0]["passenger_id"]}, 422, "PASSENGER_NOT_ON_SEGMENT"),
        ({**one, "segment_id": other["segments"][0]["segment_id"]}, 422, "VALIDATION_ERROR"),
    ]
    for assignment, status, code in cases:
        assert_problem(await put_seats(client, seeded, bid, [assignment]), status, code)
    assert_problem(await put_seats(client, seeded, bid, [one, one]), 422, "VALIDATION_ERROR")
    assert_problem(
        await put_seats(client, seeded, bid, [one, {**one, "seat": "24B"}]), 422, "VALIDATION_ERROR"
    )
    bad_bodies: list[Any] = [{}, {"assignments": []}, {"assignments": [{**one, "extra": 1}]}, [one]]
    for body in bad_bodies:
        response = await client.put(f"/v1/bookings/{bid}/seats", json=body, headers=seeded.auth("ava"))
        assert_problem(response, 422, "VALIDATION_ERROR")
    # Another organization's booking, or one that does not exist: 404, never a hint.
    assert_problem(await put_seats(client, seeded, bid, [one], user="gus"), 404, "NOT_FOUND")
    assert_problem(await client.get(f"/v1/bookings/{bid}/seatmap", headers=seeded.auth("gus")), 404, "NOT_FOUND")
    assert_problem(await put_seats(client, seeded, "BK-NOPE00", [one]), 404, "NOT_FOUND")

    async with runtime.db.uow(write=False) as session:
        assert await session.scalar(
            select(func.count()).select_from(SegmentPassenger).where(SegmentPassenger.seat.is_not(None))
        ) == 0


async def test_seats_on_a_cancelled_booking_are_refused_and_given_back(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking = await hold(client, seeded, [{"traveler_id": "ava"}])
    bid = booking["booking_id"]
    assert (await put_seats(client, seeded, bid, assignments(booking, "25F"))).status_code == 200
    cancelled = await client.post(
        f"/v1/bookings/{bid}/cancel", headers={**seeded.auth("ava"), "Idempotency-Key": "c-1"}
    )
    assert cancelled.status_code == 200, cancelled.text

    assert_problem(await put_seats(client, seeded, bid, assignments(booking, "25E")), 409, "INVALID_TRANSITION")
    offer_map = (await client.get(f"/v1/offers/{seeded.economy_offer}/seatmap", headers=seeded.auth("ava"))).json()
    assert seat_of(offer_map["segments"][0], "25F")["available"] is True
    other = await hold(client, seeded, [{"traveler_id": "mia"}], user="mia", key="hold-mia")
    assert (await put_seats(client, seeded, other["booking_id"], assignments(other, "25F"), user="mia")).status_code == 200


async def test_seats_are_chosen_on_a_confirmed_booking(client: httpx.AsyncClient, seeded: World) -> None:
    booking = await hold(client, seeded, [{"traveler_id": "ava"}])
    bid = booking["booking_id"]
    done = await client.post(f"/v1/bookings/{bid}/confirm", headers={**seeded.auth("ava"), "Idempotency-Key": "k-1"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "confirmed"

    chosen = await put_seats(client, seeded, bid, assignments(booking, "30D"))

    assert chosen.status_code == 200, chosen.text
    passenger = chosen.json()["segments"][0]["passengers"][0]
    assert passenger["seat"] == "30D"
    assert passenger["ticket_number"]  # the ticket stays


async def test_a_seat_with_a_fee_joins_a_held_bookings_total_and_is_paid_on_confirming(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    booking = await hold(client, seeded, [{"traveler_id": "ava"}])
    bid = booking["booking_id"]
    before = Decimal(booking["total"]["amount"])

    chosen = await client.put(
        f"/v1/bookings/{bid}/seats",
        json={"assignments": assignments(booking, "8A"), "accept_fees": True},
        headers=seeded.auth("ava"),
    )

    assert chosen.status_code == 200, chosen.text
    body = chosen.json()
    assert body["segments"][0]["passengers"][0]["seat"] == "8A"
    assert Decimal(body["total"]["amount"]) == before + Decimal("85.00")
    seat_fees = [f for f in body["segments"][0]["fare"]["fees"] if f["code"] == "SEAT"]
    assert seat_fees == [
        {"code": "SEAT", "name": "Seat 8A (extra legroom)", "amount": {"amount": "85.00", "currency": "USD"}}
    ]
    assert body["fare"]["total"] == body["total"]
    # Moving to a free seat drops the fee again; back to 8A adds it once.
    moved = (await put_seats(client, seeded, bid, assignments(booking, "22A"))).json()
    assert Decimal(moved["total"]["amount"]) == before
    assert not [f for f in moved["segments"][0]["fare"]["fees"] if f["code"] == "SEAT"]
    again = await client.put(
        f"/v1/bookings/{bid}/seats",
        json={"assignments": assignments(booking, "8A"), "accept_fees": True},
        headers=seeded.auth("ava"),
    )
    assert Decimal(again.json()["total"]["amount"]) == before + Decimal("85.00")

    done = await client.post(
        f"/v1/bookings/{bid}/confirm", headers={**seeded.auth("ava"), "Idempotency-Key": "k-1"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["total"] == again.json()["total"]
    async with runtime.db.uow(write=False) as session:
        captured = await session.scalar(select(Payment.captured_minor).where(Payment.booking_id == bid))
    assert captured == int((before + Decimal("85.00")) * 100)
    # Once confirmed, a seat with a fee is a payment of its own: never without the yes.
    refused = assert_problem(
        await client.put(
            f"/v1/bookings/{bid}/seats",
            json={"assignments": assignments(booking, "8B")},
            headers=seeded.auth("ava"),
        ),
        409,
        "SEAT_REQUIRES_PAYMENT",
    )
    assert refused["seats"] == ["8B"]


async def test_a_seat_with_a_fee_on_a_confirmed_booking_is_a_payment_of_its_own(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    booking = await hold(client, seeded, [{"traveler_id": "ava"}])
    bid = booking["booking_id"]
    done = await client.post(
        f"/v1/bookings/{bid}/confirm", headers={**seeded.auth("ava"), "Idempotency-Key": "k-1"}
    )
    assert done.status_code == 200, done.text
    before = Decimal(done.json()["total"]["amount"])
    body = {"assignments": assignments(booking, "8A"), "accept_fees": True}

    bought = await client.put(f"/v1/bookings/{bid}/seats", json=body, headers=seeded.auth("ava"))
    again = await client.put(f"/v1/bookings/{bid}/seats", json=body, headers=seeded.auth("ava"))

    assert bought.status_code == again.status_code == 200, bought.text
    out = bought.json()
    assert out["status"] == "confirmed"
    assert out["segments"][0]["passengers"][0]["seat"] == "8A"
    assert Decimal(out["total"]["amount"]) == before + Decimal("85.00")
    assert [f["amount"]["amount"] for f in out["segments"][0]["fare"]["fees"] if f["code"] == "SEAT"] == ["85.00"]
    [change] = out["changes"]
    assert (change["kind"], change["status"], change["charge"]["amount"]) == ("seats", "done", "85.00")
    assert change["seats"] == ["8A"]
    assert again.json()["total"] == out["total"]  # the retry charged nothing
    async with runtime.db.uow(write=False) as session:
        rows = (
            await session.execute(
                select(Payment.purpose, Payment.captured_minor).where(Payment.booking_id == bid)
            )
        ).all()
    assert sorted(rows) == sorted([("booking", int(before * 100)), ("seat", 8500)])
