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
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from api.app import create_app
from concierge.service import Concierge
from core.models import Base
from core.notify.relay import relay_outbox
from core.runtime import Runtime
from core.seed import seed_demo
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


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test", timeout=60) as c:
        yield c
    if app.state.turns is not None:
        await app.state.turns.aclose()


@pytest.fixture
async def client(demo: Runtime, model: ScriptedModel) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a scripted model that records every request it is sent."""
    concierge = await Concierge.open(demo, model, tools=TOOLS)
    try:
        async for c in _client(create_app(runtime=demo, concierge=concierge)):
            yield c
    finally:
        await concierge.aclose()


@pytest.fixture
async def planner_client(demo: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The app as shipped: the offline planner behind the chat."""
    async for c in _client(create_app(runtime=demo)):
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
