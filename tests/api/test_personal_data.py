"""A planted passport (and loyalty and known-traveller) number goes in through the API
and never comes out: not in a log line (SQL statements and their parameters included),
not in a model's prompt, a tool's output, a chat stream, an outbox event, a
notification, an audit row, an error message — and not in clear anywhere in the
database files.

The positive controls make each search able to fail: the legal name planted next to
the numbers *is* found in the database, the SQL *is* in the logs, the masked passport
*does* reach the model.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from api.app import create_app
from concierge.service import Concierge
from core.models import Base, FareInventory, Flight
from core.notify.relay import relay_outbox
from core.runtime import Runtime
from core.seed import seed_demo
from tests.api.inprocess import client_of
from tests.api.sse import chunks
from tests.concierge.scripted import ScriptedModel, call, calls, say
from tests.conftest import NOW, PG_URL
from tools.registry import TOOLS

PASSPORT = "X73920416"
LOYALTY = "PL4NT3D99"
KTN = "KT9P1ANT7"
SECRETS = (PASSPORT, LOYALTY, KTN)
LEGAL_NAME = "Zanzibarina"  # stored in clear on purpose: the database search can find things

AVA = {"Authorization": "Bearer demo-ava"}
ADMIN = {"Authorization": "Bearer demo-admin"}
HUBS = ("JFK", "BOS", "LHR")


@pytest.fixture
async def demo(runtime: Runtime) -> Runtime:
    async with runtime.db.uow() as session:
        await seed_demo(session, today=NOW.date(), days_ahead=3, hubs=HUBS,
                        settings=runtime.settings, now=NOW)
    return runtime


@pytest.fixture
def model() -> ScriptedModel:
    return ScriptedModel()


@pytest.fixture
async def client(demo: Runtime, model: ScriptedModel) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a scripted model that records every request it is sent."""
    concierge = await Concierge.open(demo, model, tools=TOOLS)
    try:
        async with client_of(create_app(runtime=demo, concierge=concierge)) as c:
            yield c
    finally:
        await concierge.aclose()


@pytest.fixture
async def planner_client(demo: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The app as shipped: the offline planner behind the chat."""
    async with client_of(create_app(runtime=demo)) as c:
        yield c


async def _database_text(rt: Runtime) -> str:
    """Everything stored: the raw files on SQLite (checkpoints too), every row of every
    table as text on PostgreSQL (the checkpointer's tables too)."""
    if PG_URL is None:
        db_file = Path(rt.settings.database_url.split(":///", 1)[1])
        files = sorted(db_file.parent.glob(f"{db_file.stem}*"))
        assert any(f.name.endswith(".checkpoints.sqlite") for f in files), files
        return "".join(f.read_bytes().decode("utf-8", "replace") for f in files)
    parts: list[str] = []
    async with rt.db.uow(write=False) as session:
        tables = (await session.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))).scalars().all()
        assert "checkpoint_blobs" in tables
        assert "travel_documents" in tables
        for table in tables:
            rows = await session.execute(text(f'SELECT t::text FROM "{table}" t'))
            parts.extend(rows.scalars().all())
    return "\n".join(parts)


def _prompts(model: ScriptedModel) -> str:
    return "\n".join(
        repr((r.messages, r.tools, r.profile, list(r.history))) for r in model.requests
    )


async def test_a_planted_passport_number_is_found_nowhere(
    client: httpx.AsyncClient, planner_client: httpx.AsyncClient, demo: Runtime,
    model: ScriptedModel, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy keeps its own loggers at WARNING: ask for every statement and its parameters.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    answers: list[str] = []

    planted = await client.patch("/v1/me/profile", headers=AVA, json={
        "given_name": LEGAL_NAME,
        "known_traveller_number": KTN,
        "loyalty": {"BA": LOYALTY},
        "documents": [{"issuing_country": "US", "number": PASSPORT, "nationality": "US",
                       "expires_on": "2032-01-31"}],
    })
    assert planted.status_code == 200, planted.text
    answers.append(planted.text)
    # Bad input carrying the numbers: refused without repeating them.
    bad: list[dict[str, Any]] = [
        {"documents": [{"issuing_country": "US", "number": PASSPORT, "nationality": "US",
                        "expires_on": "2020-01-31"}]},
        {"known_traveller_number": f"{KTN}!"},
        {"given_name": f"Ava {PASSPORT}"},
        {"passport_number": PASSPORT},
        {"loyalty": {"ZZ": LOYALTY}},
        {"loyalty": {"BA": LOYALTY * 3}},
    ]
    for body in bad:
        refused = await client.patch("/v1/me/profile", headers=AVA, json=body)
        assert refused.status_code == 422, refused.text
        answers.append(refused.text)
    # An admin's change: audited, and Ava is told (the relay's log notifier runs below).
    changed = await client.patch("/v1/users/ava/profile", headers=ADMIN,
                                 json={"seat_preference": "window", "loyalty": {"BA": LOYALTY}})
    assert changed.status_code == 200, changed.text
    answers += [changed.text,
                (await client.get("/v1/me/profile", headers=AVA)).text,
                (await client.get("/v1/users/ava/profile", headers=ADMIN)).text]

    # The tool, directly and through a chat turn on a model that records its prompts.
    tool = await client.post("/v1/tools/get_traveler_profile", headers=AVA, json={})
    assert tool.status_code == 200, tool.text
    answers.append(tool.text)
    model.script = [calls(call("get_traveler_profile", {}, id="call_profile")),
                    say("Your passport and loyalty numbers are on file.")]
    turn = await client.post("/v1/chat", headers=AVA, json={"message": "what is on my profile?"})
    assert turn.status_code == 200, turn.text
    answers.append(turn.text)
    thread_id = json.loads(turn.text.split("data: ", 2)[1].split("\n", 1)[0])["messageMetadata"]["thread_id"]
    answers.append((await client.get(f"/v1/threads/{thread_id}", headers=AVA)).text)
    # The same question to the offline planner, which renders the profile itself.
    planner = await planner_client.post("/v1/chat", headers=AVA, json={"message": "show my profile"})
    assert planner.status_code == 200, planner.text
    answers.append(planner.text)

    await relay_outbox(demo, guarded=False)

    logs = caplog.text + "\n".join(repr(r.args) for r in caplog.records)
    prompts = _prompts(model)
    stored = await _database_text(demo)

    # Positive controls: each search can find what is there.
    assert "UPDATE travel_documents SET number_token" in logs, "the SQL is in the captured logs"
    assert "•••••0416" in logs, "with their parameters"
    assert "•••••0416" in prompts, "the masked passport reached the model"
    assert "•••••0416" in tool.text
    said = "".join(c.get("delta", "") for c in chunks(planner) if isinstance(c, dict))
    assert "Passport (US): •••••0416" in said, f"the planner shows the profile: {said}"
    assert LEGAL_NAME in stored, "the database search reads the profile tables"
    assert "profile.updated" in logs, "the notification was delivered to the log"

    for secret in SECRETS:
        assert secret not in logs, f"{secret} in the logs"
        assert secret not in prompts, f"{secret} in a model prompt"
        for answer in answers:
            assert secret not in answer, f"{secret} in an answer: {answer[:300]}"
        assert secret not in stored, f"{secret} in clear in the database"
    assert Base.metadata.tables["outbox"] is not None  # events are in `stored` (outbox rows)


GUEST_PASSPORT = "G58213377"
GUEST_NAME = "Quixotina"  # the guest's given name, stored in clear on purpose


async def _international_offer(rt: Runtime) -> str:
    async with rt.db.uow(write=False) as session:
        inventory_id = await session.scalar(
            select(FareInventory.id)
            .join(Flight, Flight.id == FareInventory.flight_id)
            .where(Flight.origin == "JFK", Flight.destination == "LHR", FareInventory.cabin == "economy",
                   Flight.depart_at > NOW + timedelta(days=1))
            .order_by(Flight.depart_at)
            .limit(1)
        )
    assert inventory_id is not None
    return f"FL-{inventory_id}"


async def test_a_planted_guest_passport_number_is_found_nowhere(
    client: httpx.AsyncClient, demo: Runtime, model: ScriptedModel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same search for a guest's passport, kept on the booking's passenger."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    answers: list[str] = []
    held = await client.post(
        "/v1/bookings", headers={**AVA, "Idempotency-Key": "guest-hold"},
        json={"items": [{"offer_id": await _international_offer(demo), "passengers": [
            {"traveler_id": "ava"}, {"given_name": GUEST_NAME, "family_name": "Bloggs"}]}]},
    )
    assert held.status_code == 201, held.text
    booking_id = held.json()["booking_id"]
    [guest] = [p["passenger_id"] for p in held.json()["passengers"] if "traveler_id" not in p]
    url = f"/v1/bookings/{booking_id}/passengers/{guest}/documents"
    good = {"number": GUEST_PASSPORT, "issuing_country": "GB", "nationality": "GB",
            "expires_on": "2032-01-31", "date_of_birth": "1990-02-03"}

    planted = await client.put(url, headers=AVA, json=good)
    assert planted.status_code == 200, planted.text
    answers.append(planted.text)
    for bad in ({"expires_on": "2020-01-31"}, {"issuing_country": "QQ"},
                {"number": f"{GUEST_PASSPORT}#"}, {"number": GUEST_PASSPORT * 3}):
        refused = await client.put(url, headers=AVA, json={**good, **bad})
        assert refused.status_code == 422, refused.text
        answers.append(refused.text)
    refused = await client.put(url, headers=AVA, json={**good, "passport_number": GUEST_PASSPORT})
    assert refused.status_code == 422, refused.text
    answers.append(refused.text)
    answers.append((await client.get(f"/v1/bookings/{booking_id}", headers=AVA)).text)
    answers.append((await client.get(f"/v1/bookings/{booking_id}", headers=ADMIN)).text)
    # The booking through a tool, directly and in a chat turn on a recording model.
    tool = await client.post("/v1/tools/get_booking", headers=AVA, json={"booking_id": booking_id})
    assert tool.status_code == 200, tool.text
    answers.append(tool.text)
    model.script = [calls(call("get_booking", {"booking_id": booking_id}, id="call_booking")),
                    say("Your guest is on the booking.")]
    turn = await client.post("/v1/chat", headers=AVA, json={"message": f"show {booking_id}"})
    assert turn.status_code == 200, turn.text
    answers.append(turn.text)

    await relay_outbox(demo, guarded=False)

    logs = caplog.text + "\n".join(repr(r.args) for r in caplog.records)
    prompts = _prompts(model)
    stored = await _database_text(demo)

    # Positive controls: each search can find what is there.
    assert "UPDATE passengers SET passport_token" in logs, "the SQL is in the captured logs"
    assert "•••••3377" in logs, "with their parameters"
    assert "•••••3377" in planted.text
    assert GUEST_NAME in prompts, "the booking reached the model"
    assert GUEST_NAME in stored, "the database search reads the passengers table"

    assert GUEST_PASSPORT not in logs, "in the logs"
    assert GUEST_PASSPORT not in prompts, "in a model prompt"
    for answer in answers:
        assert GUEST_PASSPORT not in answer, f"in an answer: {answer[:300]}"
    assert GUEST_PASSPORT not in stored, "in clear in the database"
