"""GET / PATCH /v1/me/profile and /v1/users/{id}/profile: the contract.

On SQLite and, with CONCIERGE_TEST_DATABASE_URL, on PostgreSQL (the runtime fixture).
Numbers are answered masked; bad input is a 422 with its own code and field, and
leaves the profile exactly as it was; admins manage their organization's people,
managers see names only, nobody sees across organizations.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy import delete, select

from api.app import create_app
from core.config import Settings
from core.identity import hash_token
from core.models import (
    AuditEntry,
    LoyaltyMembership,
    OutboxEvent,
    TravelDocument,
    TravellerDetails,
)
from core.runtime import Runtime
from core.travellers.crypto import PiiKeyMissing, new_key
from tests.api.conftest import World
from tests.factories import make_carrier, make_user

AVA = World.auth("ava")
MIA = World.auth("mia")
GUS = World.auth("gus")
ADMIN = {"Authorization": "Bearer tok-admin"}

PASSPORT = "547819302"
FULL = {
    "given_name": "Ava",
    "family_name": "Patel-Rao",
    "date_of_birth": "1992-04-27",
    "email": "ava.patel@acme.example",
    "phone": "+1 (212) 555-0105",
    "seat_preference": "aisle",
    "known_traveller_number": "TT4F2K9QX",
    "loyalty": {"BA": "4091 8263", "AA": "8JW2M71"},
    "documents": [
        {"issuing_country": "US", "number": PASSPORT, "nationality": "US", "expires_on": "2031-06-30"}
    ],
}


@pytest.fixture
async def client(api_client: httpx.AsyncClient, seeded: World, runtime: Runtime) -> httpx.AsyncClient:
    async with runtime.db.uow() as session:
        await make_user(session, id="admin", role="admin", token_hash=hash_token("tok-admin"))
        await make_carrier(session, code="AA", name="American Airlines")
        # These tests start from nothing on file (the seeded world gives legal names).
        await session.execute(delete(TravellerDetails))
    return api_client


async def _patch(client: httpx.AsyncClient, body: Any, *, who: dict[str, str] = AVA,
                 path: str = "/v1/me/profile") -> httpx.Response:
    return await client.patch(path, json=body, headers=who)


async def test_an_empty_profile_then_a_whole_one_read_back_masked(client: httpx.AsyncClient) -> None:
    empty = (await client.get("/v1/me/profile", headers=AVA)).json()
    assert empty["view"] == "full"
    assert (empty["given_name"], empty["seat_preference"], empty["documents"], empty["loyalty"]) == (
        None, "none", [], {}
    )

    response = await _patch(client, FULL)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body == (await client.get("/v1/me/profile", headers=AVA)).json()
    assert (body["given_name"], body["family_name"], body["date_of_birth"]) == (
        "Ava", "Patel-Rao", "1992-04-27"
    )
    assert body["phone"] == "+12125550105"
    assert body["seat_preference"] == "aisle"
    assert body["known_traveller_number"] == "•••••K9QX"
    assert body["loyalty"] == {"AA": "•••••M71", "BA": "•••••8263"}
    assert body["documents"] == [
        {"type": "passport", "number": "•••••9302", "issuing_country": "US",
         "nationality": "US", "expires_on": "2031-06-30"}
    ]
    for number in (PASSPORT, "TT4F2K9QX", "40918263", "8JW2M71"):
        assert number not in response.text


async def test_stored_numbers_are_ciphertext_and_masks(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await _patch(client, FULL)
    async with runtime.db.uow(write=False) as session:
        doc = await session.scalar(select(TravelDocument))
        details = await session.get(TravellerDetails, "ava")
        loyalty = (await session.scalars(select(LoyaltyMembership))).all()
    assert doc is not None
    assert details is not None
    stored = [doc.number_token, details.known_traveller_token, *(m.number_token for m in loyalty)]
    assert all(token and token.startswith("pii1.") for token in stored)
    for number in (PASSPORT, "TT4F2K9QX", "40918263", "8JW2M71"):
        assert not any(number in str(token) for token in stored)
    assert doc.number_masked == "•••••9302"


async def test_a_patch_changes_only_what_it_sends(client: httpx.AsyncClient) -> None:
    await _patch(client, FULL)

    body = (await _patch(client, {"seat_preference": "window", "phone": None,
                                  "loyalty": {"AA": None, "BA": "31847720"}})).json()

    assert body["seat_preference"] == "window"
    assert body["phone"] is None
    assert body["loyalty"] == {"BA": "•••••7720"}
    assert (body["given_name"], body["known_traveller_number"]) == ("Ava", "•••••K9QX")
    assert [d["number"] for d in body["documents"]] == ["•••••9302"]


async def test_documents_are_the_whole_list_and_a_kept_passport_keeps_its_number(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _patch(client, FULL)
    renewed = {"documents": [
        {"issuing_country": "US", "expires_on": "2033-01-31"},  # no number: keep it
        {"issuing_country": "GB", "number": "533817264", "nationality": "GB",
         "expires_on": "2030-05-01"},
    ]}

    first = (await _patch(client, renewed)).json()
    again = (await _patch(client, renewed)).json()

    assert [(d["issuing_country"], d["number"], d["expires_on"]) for d in first["documents"]] == [
        ("GB", "•••••7264", "2030-05-01"), ("US", "•••••9302", "2033-01-31")
    ]
    assert again["documents"] == first["documents"]
    dropped = (await _patch(client, {"documents": [renewed["documents"][1]]})).json()
    assert [d["issuing_country"] for d in dropped["documents"]] == ["GB"]
    assert (await _patch(client, {"documents": None})).json()["documents"] == []
    async with runtime.db.uow(write=False) as session:
        assert (await session.scalars(select(TravelDocument))).all() == []


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("digits in a name", {"given_name": "Ava2"}, "INVALID_NAME", "given_name"),
    ("a 200-character name", {"family_name": "P" * 200}, "INVALID_NAME", "family_name"),
    ("a symbol in a name", {"given_name": "Ava<script>"}, "INVALID_NAME", "given_name"),
    ("an empty name", {"given_name": "  "}, "INVALID_NAME", "given_name"),
    ("month 13", {"date_of_birth": "1990-13-45"}, "INVALID_DATE", "date_of_birth"),
    ("a US-style date", {"date_of_birth": "04/27/1992"}, "INVALID_DATE", "date_of_birth"),
    ("born in the future", {"date_of_birth": "2030-01-01"}, "INVALID_DATE", "date_of_birth"),
    ("a middle seat", {"seat_preference": "middle"}, "INVALID_SEAT_PREFERENCE", "seat_preference"),
    ("not an e-mail", {"email": "ava at acme"}, "INVALID_EMAIL", "email"),
    ("no e-mail at all", {"email": None}, "INVALID_EMAIL", "email"),
    ("a local phone number", {"phone": "555-0105"}, "INVALID_PHONE", "phone"),
    ("a short KTN", {"known_traveller_number": "12"}, "INVALID_KNOWN_TRAVELLER_NUMBER",
     "known_traveller_number"),
    ("an unknown airline", {"loyalty": {"ZZ": "12345678"}}, "UNKNOWN_AIRLINE", "loyalty.ZZ"),
    ("a short loyalty number", {"loyalty": {"BA": "12"}}, "INVALID_LOYALTY_NUMBER", "loyalty.BA"),
    ("an expired passport",
     {"documents": [{"issuing_country": "US", "number": "561204873", "nationality": "US",
                     "expires_on": "2026-11-30"}]}, "DOCUMENT_EXPIRED", "documents.0.expires_on"),
    ("30 February",
     {"documents": [{"issuing_country": "US", "number": "561204873", "nationality": "US",
                     "expires_on": "2031-02-30"}]}, "INVALID_DATE", "documents.0.expires_on"),
    ("an unknown country",
     {"documents": [{"issuing_country": "XX", "number": "561204873", "nationality": "US",
                     "expires_on": "2031-02-28"}]}, "INVALID_COUNTRY", "documents.0.issuing_country"),
    ("a new passport without its number",
     {"documents": [{"issuing_country": "GB", "nationality": "GB", "expires_on": "2031-02-28"}]},
     "INVALID_DOCUMENT", "documents.0.number"),
    ("a passport number with symbols",
     {"documents": [{"issuing_country": "GB", "number": "56!20#4873", "nationality": "GB",
                     "expires_on": "2031-02-28"}]}, "INVALID_DOCUMENT_NUMBER", "documents.0.number"),
    ("a visa",
     {"documents": [{"type": "visa", "issuing_country": "GB", "number": "561204873",
                     "nationality": "GB", "expires_on": "2031-02-28"}]},
     "INVALID_DOCUMENT", "documents.0.type"),
    ("two passports of one country",
     {"documents": [FULL["documents"][0], FULL["documents"][0]]}, "INVALID_DOCUMENT",
     "documents.1.issuing_country"),
    ("a field we do not know", {"passport_number": "561204873"}, "VALIDATION_ERROR",
     "passport_number"),
    ("a name that is a number", {"given_name": 12}, "VALIDATION_ERROR", "given_name"),
    ("good fields and one bad",
     {"given_name": "Ava", "seat_preference": "window",
      "documents": [{"issuing_country": "US", "number": "561204873", "nationality": "US",
                     "expires_on": "2020-01-01"}]}, "DOCUMENT_EXPIRED", "documents.0.expires_on"),
]


@pytest.mark.parametrize(("body", "code", "field"), [case[1:] for case in BAD],
                         ids=[case[0] for case in BAD])
async def test_bad_input_is_a_422_with_its_code_and_nothing_changes(
    client: httpx.AsyncClient, runtime: Runtime, body: dict[str, Any], code: str, field: str
) -> None:
    await _patch(client, {**FULL, "given_name": "Avani", "seat_preference": "aisle"})
    before = (await client.get("/v1/me/profile", headers=AVA)).json()
    async with runtime.db.uow(write=False) as session:
        tokens_before = sorted(
            (await session.scalars(select(TravelDocument.number_token))).all()
        )

    response = await _patch(client, body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert (problem["code"], problem["field"]) == (code, field)
    assert (await client.get("/v1/me/profile", headers=AVA)).json() == before
    async with runtime.db.uow(write=False) as session:
        assert sorted((await session.scalars(select(TravelDocument.number_token))).all()) == (
            tokens_before
        )
    # The refused value is never repeated back (it may be a document number).
    for value in ("561204873", "56!20#4873", "12345678"):
        assert value not in response.text


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.patch(
        "/v1/me/profile", content=b'{"given_name": ', headers={**AVA, "content-type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "MALFORMED_JSON")


async def test_an_admin_manages_profiles_in_their_organization(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    changed = await _patch(client, FULL, who=ADMIN, path="/v1/users/ava/profile")

    assert changed.status_code == 200, changed.text
    mine = (await client.get("/v1/me/profile", headers=AVA)).json()
    assert mine == changed.json()
    seen = (await client.get("/v1/users/ava/profile", headers=ADMIN)).json()
    assert seen["view"] == "full"
    assert seen["documents"][0]["number"] == "•••••9302"
    async with runtime.db.uow(write=False) as session:
        event = await session.scalar(select(OutboxEvent).where(OutboxEvent.topic == "profile.updated"))
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "profile.updated"))
    assert event is not None
    assert entry is not None
    assert event.payload["notify"] == ["ava"]
    assert event.payload["by"] == "admin"
    assert "travel documents" in event.payload["message"]
    assert set(entry.data["fields"]) >= {"documents", "loyalty", "known_traveller_number"}
    assert (entry.actor_id, entry.entity_id) == ("admin", "ava")
    for number in (PASSPORT, "TT4F2K9QX", "40918263", "8JW2M71"):
        assert number not in json.dumps(event.payload) + json.dumps(entry.data)


async def test_a_manager_sees_names_only_and_may_not_change_them(client: httpx.AsyncClient) -> None:
    await _patch(client, FULL)

    seen = await client.get("/v1/users/ava/profile", headers=MIA)
    refused = await _patch(client, {"seat_preference": "window"}, who=MIA, path="/v1/users/ava/profile")

    assert seen.status_code == 200
    assert seen.json() == {"view": "names", "user_id": "ava", "name": "Ava",
                           "given_name": "Ava", "family_name": "Patel-Rao"}
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    assert (await client.get("/v1/me/profile", headers=AVA)).json()["seat_preference"] == "aisle"


@pytest.mark.parametrize(
    ("who", "method", "user_id"),
    [
        (AVA, "GET", "mia"),  # a traveller does not see their manager's profile
        (AVA, "PATCH", "mia"),
        (GUS, "GET", "ava"),  # another organization
        (GUS, "PATCH", "ava"),
        (ADMIN, "GET", "gus"),  # an admin of another organization
        (ADMIN, "PATCH", "gus"),
        (ADMIN, "GET", "nobody"),
    ],
)
async def test_out_of_reach_is_404(client: httpx.AsyncClient, who: dict[str, str], method: str,
                                   user_id: str) -> None:
    response = await client.request(method, f"/v1/users/{user_id}/profile", headers=who,
                                    json={"seat_preference": "window"} if method == "PATCH" else None)
    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")


async def test_anonymous_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/me/profile")).status_code == 401
    assert (await client.patch("/v1/me/profile", json={})).status_code == 401


async def test_the_app_refuses_to_start_in_production_without_a_key(runtime: Runtime) -> None:
    production = Settings(env="production", database_url=runtime.settings.database_url,
                          run_jobs_in_process=False)
    with pytest.raises(PiiKeyMissing, match="CONCIERGE_PII_KEY"):
        async with LifespanManager(create_app(production)):
            pass

    keyed = production.model_copy(update={"pii_key": SecretStr(new_key())})
    app = create_app(keyed)
    async with LifespanManager(app):
        assert app.state.runtime is not None
