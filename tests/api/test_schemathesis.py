"""Schemathesis against our own OpenAPI document, in-process over ASGI, every check on.

As ``schemathesis run --checks all``: for every operation it generates requests from
the schema (valid and invalid) as an authenticated user and checks no 5xx, only
documented statuses, content types, headers and bodies as documented (event streams
event by event), schema-valid data accepted and invalid data refused, required
headers enforced, auth not ignored. Small and derandomized so it stays fast and
repeatable; the agent behind the chat endpoints is the scripted one.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.python import asgi as schemathesis_asgi

from api.app import create_app
from core.config import Settings
from core.db import Database
from core.identity import hash_token
from core.models import Base
from tests.api.conftest import TOKENS
from tests.conftest import PG_URL
from tests.factories import make_airports, make_carrier, make_flight, make_org, make_user
from tests.fakes.scripted_concierge import ScriptedConcierge

MAX_EXAMPLES = 12

pytestmark = pytest.mark.skipif(
    PG_URL is not None, reason="runs on its own SQLite file (the app builds its runtime)"
)


async def _prepare(url: str) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with db.uow() as session:
            await make_org(session)
            await make_org(session, id="globex", name="Globex")
            await make_user(session, id="mia", role="manager", token_hash=hash_token(TOKENS["mia"]))
            await make_user(
                session, id="ava", manager_id="mia", token_hash=hash_token(TOKENS["ava"])
            )
            await make_user(
                session, id="gus", org_id="globex", token_hash=hash_token(TOKENS["gus"])
            )
            await make_airports(session)
            await make_carrier(session)
            await make_flight(session)
    finally:
        await db.dispose()


def test_no_server_errors_and_only_documented_statuses(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'schemathesis.db'}"
    asyncio.run(_prepare(url))
    app_settings = Settings(
        env="test",
        database_url=url,
        run_jobs_in_process=False,
        chat_rate_per_minute=0,  # limits are tested on their own; here they would hide routes
        bookings_rate_per_minute=0,
        # Signed endpoints configured, so unsigned requests meet the signature check (401).
        stripe_webhook_secret="whsec_schemathesis",
        slack_signing_secret="slack-schemathesis",
    )
    agent = ScriptedConcierge()
    agent.gate.set()  # a generated message may say "slow"; it must not wait for a test
    app = create_app(app_settings, concierge=agent)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.checks.update(included_check_names=["all"])  # as `--checks all`
    # Schema-valid is not always valid: a place we know, a date not in the past, a cursor
    # we issued, one chat shape of four cannot be said in OpenAPI. Those are 422
    # VALIDATION_ERROR by contract; any other 4xx for schema-valid data still fails.
    schema.config.checks.positive_data_acceptance.expected_statuses = [
        *schema.config.checks.positive_data_acceptance.expected_statuses,
        "422",
    ]
    auth = {"Authorization": f"Bearer {TOKENS['ava']}"}
    failures: list[str] = []
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 10
        for operation in operations:
            if operation.path == "/v1/events":
                continue  # endless by design (a live feed); tests/api/test_events.py covers it

            @given(case=operation.as_strategy())
            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                # A generous read timeout: on a loaded machine a streamed turn can take
                # longer than schemathesis' 10 s default, which is not what we test here.
                case.call_and_validate(headers=auth, timeout=60)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
                subs = getattr(exc, "exceptions", ())  # a flaky failure hides its cause in here
                causes = "".join(f"\n  - {sub!s:.1500}" for sub in subs)
                failures.append(f"{operation.label}: {str(exc)[:1500]}{causes}")
    finally:
        schemathesis_asgi.shutdown_lifespans()
    assert not failures, "\n\n".join(failures)
