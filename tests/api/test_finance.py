"""GET /v1/finance/exceptions and friends: finance only, own organization only."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.finance import reconcile
from core.identity import hash_token
from core.models import SupplierReservation, User
from core.runtime import Runtime
from tests.core.booking_world import AVA, build_world
from tests.factories import make_user


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer tok-{user}"}


@pytest.fixture
async def books(runtime: Runtime) -> dict[str, str]:
    """Two confirmed Acme bookings; one has a supplier charge that does not match."""
    world = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance", department="Finance")
        await make_user(s, id="gfin", org_id="globex", role="finance")
        for user in ("fin", "gfin", "ava", "mia", "victor"):
            await s.execute(
                update(User).where(User.id == user).values(token_hash=hash_token(f"tok-{user}"))
            )
    ids = {}
    for name in ("good", "bad"):
        async with runtime.db.uow() as s:
            booking = await hold_booking(
                runtime, s, AVA, [ItemRequest(f"FL-{world.short_inv['economy'].id}", 1)]
            )
        await confirm_booking(runtime, AVA, booking.id)
        ids[name] = booking.id
    async with runtime.db.uow() as s:
        await s.execute(
            update(SupplierReservation)
            .where(SupplierReservation.booking_ref == ids["bad"])
            .values(amount_minor=15500)
        )
    await reconcile(runtime)
    return ids


async def test_finance_lists_the_open_exceptions_with_money(api_client, books):
    response = await api_client.get("/v1/finance/exceptions", headers=auth("fin"))

    assert response.status_code == 200, response.text
    [exc] = response.json()["exceptions"]
    assert exc["kind"] == "amount_mismatch"
    assert exc["source"] == "supplier"
    assert exc["booking_id"] == books["bad"]
    assert exc["expected"] == {"amount": "150.00", "currency": "USD"}
    assert exc["actual"] == {"amount": "155.00", "currency": "USD"}
    assert exc["resolved_at"] is None
    # VP Finance may look too.
    assert (
        await api_client.get("/v1/finance/exceptions", headers=auth("victor"))
    ).status_code == 200


async def test_the_matched_booking_has_invoice_lines(api_client, books):
    response = await api_client.get("/v1/finance/invoice-lines", headers=auth("fin"))

    assert response.status_code == 200
    [line] = response.json()["lines"]
    assert line["booking_id"] == books["good"]
    assert line["amount"] == {"amount": "150.00", "currency": "USD"}
    # The split finance files VAT from: base + taxes + fees = amount, to the cent.
    fare = line["fare"]
    assert fare["total"] == line["amount"]
    assert _cents(fare["base"]) + sum(_cents(c["amount"]) for c in fare["taxes"] + fare["fees"]) == 15000
    assert {"US", "ZP", "AY", "XF"} <= {t["code"] for t in fare["taxes"]}  # JFK→BOS
    assert line["vat"] == {"amount": "0.00", "currency": "USD"}  # US flights carry no VAT


def _cents(money: dict[str, str]) -> int:
    return round(float(money["amount"]) * 100)


@pytest.mark.parametrize("user", ["ava", "mia"])
async def test_travellers_and_managers_are_refused(api_client, books, user):
    for path in ("/v1/finance/exceptions", "/v1/finance/invoice-lines"):
        response = await api_client.get(path, headers=auth(user))
        assert response.status_code == 403
        assert response.json()["code"] == "FORBIDDEN"


async def test_another_organization_sees_nothing_and_cannot_resolve(api_client, books):
    listing = await api_client.get("/v1/finance/exceptions?status=all", headers=auth("gfin"))
    assert listing.json() == {"exceptions": []}
    exc_id = (await api_client.get("/v1/finance/exceptions", headers=auth("fin"))).json()[
        "exceptions"
    ][0]["id"]

    response = await api_client.post(
        f"/v1/finance/exceptions/{exc_id}/resolve", headers=auth("gfin")
    )

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_resolving_moves_the_exception_out_of_the_open_list(api_client, books):
    exc_id = (await api_client.get("/v1/finance/exceptions", headers=auth("fin"))).json()[
        "exceptions"
    ][0]["id"]

    first = await api_client.post(f"/v1/finance/exceptions/{exc_id}/resolve", headers=auth("fin"))
    again = await api_client.post(f"/v1/finance/exceptions/{exc_id}/resolve", headers=auth("fin"))

    assert first.status_code == 200
    assert first.json()["resolved_at"] is not None
    assert again.json()["resolved_at"] == first.json()["resolved_at"]
    assert (await api_client.get("/v1/finance/exceptions", headers=auth("fin"))).json() == {
        "exceptions": []
    }
    resolved = await api_client.get("/v1/finance/exceptions?status=resolved", headers=auth("fin"))
    assert [e["id"] for e in resolved.json()["exceptions"]] == [exc_id]


@pytest.mark.parametrize("query", ["status=closed", "limit=0", "limit=abc", "kind=" + "x" * 31])
async def test_bad_queries_are_422(api_client, books, query):
    response = await api_client.get(f"/v1/finance/exceptions?{query}", headers=auth("fin"))
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_unknown_exception_ids_are_404_or_422(api_client, books):
    assert (
        await api_client.post("/v1/finance/exceptions/999999/resolve", headers=auth("fin"))
    ).status_code == 404
    assert (
        await api_client.post("/v1/finance/exceptions/0/resolve", headers=auth("fin"))
    ).status_code == 422
    assert (await api_client.get("/v1/finance/exceptions")).status_code == 401
