"""Passengers and tickets over HTTP: named with the hold or with `PUT …/passengers`,
required before confirming, ticketed with the airline's locator (the contract)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from core.models import User
from core.runtime import Runtime
from core.travellers.service import DocumentChange, ProfileChanges, apply_changes
from tests.api.conftest import World
from tests.api.test_problems import assert_problem

JO = {"given_name": "Jo", "family_name": "Bloggs"}
KIM = {"given_name": "Kim", "family_name": "Lee"}
PASSPORT = "547819302"


def headers(world: World, user: str = "ava", key: str | None = None) -> dict[str, str]:
    out = world.auth(user)
    if key is not None:
        out["Idempotency-Key"] = key
    return out


async def hold(
    client: httpx.AsyncClient,
    world: World,
    item: dict[str, Any],
    *,
    user: str = "ava",
    key: str = "hold-1",
) -> httpx.Response:
    return await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": world.economy_offer, **item}]},
        headers=headers(world, user, key),
    )


async def put(
    client: httpx.AsyncClient, world: World, booking_id: str, body: Any, *, user: str = "ava"
) -> httpx.Response:
    return await client.put(
        f"/v1/bookings/{booking_id}/passengers", json=body, headers=headers(world, user)
    )


async def confirm(
    client: httpx.AsyncClient, world: World, booking_id: str, key: str
) -> httpx.Response:
    return await client.post(
        f"/v1/bookings/{booking_id}/confirm", headers=headers(world, "ava", key)
    )


async def test_passengers_with_the_hold_set_the_count_and_confirming_tickets_them(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    async with runtime.db.uow() as session:  # a passport on file: never in the booking
        ava = await session.get(User, "ava")
        assert ava is not None
        await apply_changes(
            session,
            runtime.pii,
            ava,
            ProfileChanges(
                documents=[
                    DocumentChange(
                        issuing_country="US",
                        number=PASSPORT,
                        nationality="US",
                        expires_on="2031-06-30",
                    )
                ]
            ),
            now=runtime.clock.now(),
            actor_id="ava",
        )

    held = await hold(client, seeded, {"passengers": [{"traveler_id": "ava"}, JO]})

    assert held.status_code == 201, held.text
    body = held.json()
    assert body["segments"][0]["quantity"] == 2
    assert [
        (p.get("traveler_id"), p["given_name"], p["family_name"]) for p in body["passengers"]
    ] == [("ava", "Ava", "Example"), (None, "Jo", "Bloggs")]
    assert "traveler_id" not in body["passengers"][1]
    assert "unnamed_seats" not in body
    assert body["segments"][0]["passengers"] == [
        {"passenger_id": p["passenger_id"], "ticket_number": None, "seat": None}
        for p in body["passengers"]
    ]

    done = await confirm(client, seeded, body["booking_id"], "confirm-1")

    assert done.status_code == 200, done.text
    segment = done.json()["segments"][0]
    assert re.fullmatch(r"[A-Z0-9]{6}", segment["locator"])
    tickets = [p["ticket_number"] for p in segment["passengers"]]
    assert all(re.fullmatch(r"125\d{10}", t) for t in tickets)  # British Airways' code
    assert len(set(tickets)) == 2
    assert [p["seat"] for p in segment["passengers"]] == [None, None]
    read = await client.get(f"/v1/bookings/{body['booking_id']}", headers=seeded.auth("ava"))
    assert read.json()["segments"][0]["passengers"] == segment["passengers"]
    for text in (held.text, done.text, read.text):
        assert PASSPORT not in text
        assert "9302" not in text


async def test_confirming_unnamed_seats_is_a_422_naming_them_then_put_names_them(
    client: httpx.AsyncClient, seeded: World
) -> None:
    held = (await hold(client, seeded, {"quantity": 3})).json()
    booking_id = held["booking_id"]
    assert held["unnamed_seats"] == 3

    refused = assert_problem(
        await confirm(client, seeded, booking_id, "confirm-1"), 422, "PASSENGER_DETAILS_REQUIRED"
    )
    assert "3 of 3 passengers unnamed on item 1" in str(refused["detail"])
    assert refused["missing"] == [
        {"item": 1, "offer_id": seeded.economy_offer, "unnamed": 3, "quantity": 3}
    ]
    read = (await client.get(f"/v1/bookings/{booking_id}", headers=seeded.auth("ava"))).json()
    assert read["status"] == "held"

    named = await put(client, seeded, booking_id, {"passengers": [{"traveler_id": "ava"}, JO, KIM]})
    again = await put(
        client,
        seeded,
        booking_id,
        {
            "items": [
                {"offer_id": seeded.economy_offer, "passengers": [{"traveler_id": "ava"}, JO, KIM]}
            ]
        },
    )

    assert named.status_code == 200, named.text
    assert again.json()["passengers"] == named.json()["passengers"]  # the same ids
    assert "unnamed_seats" not in named.json()
    done = await confirm(client, seeded, booking_id, "confirm-2")
    assert done.status_code == 200, done.text
    # Once confirmed, the names are the airline's.
    assert_problem(
        await put(
            client,
            seeded,
            booking_id,
            {"passengers": [JO, KIM, {"given_name": "Al", "family_name": "Ng"}]},
        ),
        409,
        "INVALID_TRANSITION",
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"passengers": [{"traveler_id": "ava"}, {"given_name": "Jo2", "family_name": "B"}]},
            422,
            "INVALID_NAME",
        ),
        (
            {
                "passengers": [
                    {"traveler_id": "ava"},
                    {"given_name": "Jo", "family_name": "B" * 200},
                ]
            },
            422,
            "INVALID_NAME",
        ),
        ({"passengers": [{"traveler_id": "ava"}, {"given_name": "Jo"}]}, 422, "INVALID_NAME"),
        (
            {"passengers": [{"traveler_id": "ava"}, {"given_name": " ", "family_name": "Ng"}]},
            422,
            "INVALID_NAME",
        ),
        ({"passengers": [JO]}, 422, "PASSENGER_COUNT_MISMATCH"),
        ({"passengers": [JO, JO]}, 422, "VALIDATION_ERROR"),
        ({"passengers": [{"traveler_id": "ava", **JO}, KIM]}, 422, "VALIDATION_ERROR"),
        ({}, 422, "VALIDATION_ERROR"),
        ({"passengers": [JO, KIM], "items": []}, 422, "VALIDATION_ERROR"),
        ({"items": [{"offer_id": "FL-999", "passengers": [JO, KIM]}]}, 422, "VALIDATION_ERROR"),
        ({"passengers": [{"traveler_id": "gus"}, JO]}, 404, "NOT_FOUND"),
        ({"passengers": [{"traveler_id": "mia"}, JO]}, 404, "NOT_FOUND"),
        (
            {
                "passengers": [
                    {"traveler_id": "ava"},
                    {"given_name": "Example", "family_name": "Mia"},
                ]
            },
            403,
            "PASSENGER_NOT_BOOKABLE",
        ),
        ({"passengers": [JO, KIM], "role": "admin"}, 422, "VALIDATION_ERROR"),
    ],
    ids=[
        "digits",
        "200 characters",
        "no family name",
        "blank",
        "too few",
        "twice",
        "both forms",
        "empty",
        "both keys",
        "another offer",
        "another organization",
        "out of reach",
        "out of reach by name",
        "smuggled field",
    ],
)
async def test_bad_passengers_are_refused_and_change_nothing(
    client: httpx.AsyncClient, seeded: World, body: Any, status: int, code: str
) -> None:
    held = (await hold(client, seeded, {"passengers": [{"traveler_id": "ava"}, KIM]})).json()

    assert_problem(await put(client, seeded, held["booking_id"], body), status, code)

    read = (
        await client.get(f"/v1/bookings/{held['booking_id']}", headers=seeded.auth("ava"))
    ).json()
    assert read["passengers"] == held["passengers"]
    assert read["segments"][0]["passengers"] == held["segments"][0]["passengers"]


async def test_bad_passengers_refuse_the_hold(client: httpx.AsyncClient, seeded: World) -> None:
    response = await hold(
        client, seeded, {"passengers": [{"given_name": "R2", "family_name": "D2"}]}
    )
    body = assert_problem(response, 422, "INVALID_NAME")
    assert body["field"] == "items[0].passengers[0].given_name"
    assert_problem(
        await hold(client, seeded, {"quantity": 2, "passengers": [JO]}, key="hold-2"),
        422,
        "PASSENGER_COUNT_MISMATCH",
    )
    listed = await client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert listed.json()["bookings"] == []


async def test_a_colleague_out_of_reach_named_as_a_guest_refuses_the_hold(
    client: httpx.AsyncClient, seeded: World
) -> None:
    """Ava types her manager's legal names as a guest's: 403 ``PASSENGER_NOT_BOOKABLE`` as
    problem+json, naming the field and not the person; nothing held. Her manager may book
    Ava the same way: the name is Ava, the colleague."""
    response = await hold(
        client,
        seeded,
        {"passengers": [{"traveler_id": "ava"}, {"given_name": "MIA", "family_name": "Example"}]},
    )
    body = assert_problem(response, 403, "PASSENGER_NOT_BOOKABLE")
    assert body["field"] == "items[0].passengers[1]"
    assert "example" not in body["detail"].casefold()
    listed = await client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert listed.json()["bookings"] == []

    booked = await hold(
        client,
        seeded,
        {"passengers": [{"traveler_id": "mia"}, {"given_name": "ava", "family_name": "EXAMPLE"}]},
        user="mia",
        key="hold-mia",
    )
    assert booked.status_code == 201, booked.text
    assert [p["traveler_id"] for p in booked.json()["passengers"]] == ["mia", "ava"]


async def test_another_organizations_booking_is_not_found(
    client: httpx.AsyncClient, seeded: World
) -> None:
    held = (await hold(client, seeded, {"quantity": 2})).json()
    assert_problem(
        await put(client, seeded, held["booking_id"], {"passengers": [JO, KIM]}, user="gus"),
        404,
        "NOT_FOUND",
    )


async def test_a_manager_names_a_report(client: httpx.AsyncClient, seeded: World) -> None:
    held = (await hold(client, seeded, {"quantity": 2}, user="mia")).json()
    named = await put(
        client,
        seeded,
        held["booking_id"],
        {"passengers": [{"traveler_id": "mia"}, {"traveler_id": "ava"}]},
        user="mia",
    )
    assert named.status_code == 200, named.text
    assert [p["traveler_id"] for p in named.json()["passengers"]] == ["mia", "ava"]


async def test_the_endpoint_is_in_the_openapi_document(
    client: httpx.AsyncClient, seeded: World
) -> None:
    spec = (await client.get("/openapi.json")).json()
    operation = spec["paths"]["/v1/bookings/{booking_id}/passengers"]["put"]
    assert {"200", "404", "409", "422"} <= set(operation["responses"])
    assert "PassengersPut" in str(operation["requestBody"])
