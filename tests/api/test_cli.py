"""The ``concierge`` command as ``make run`` uses it: migrate, seed, worker, serve."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api import cli
from core import migrations
from core.config import get_settings

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the CLI at a fresh SQLite file through the environment, as a user would."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CONCIERGE_DATABASE_URL", url)
    monkeypatch.setenv("CONCIERGE_ENV", "development")
    monkeypatch.setenv("CONCIERGE_CATALOGUE_DAYS_AHEAD", "1")
    monkeypatch.delenv("CONCIERGE_REDIS_URL", raising=False)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str) -> Any:
    return runner.invoke(cli.app, list(args))


def words(result: Any) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def test_migrate_then_seed_demo_then_worker_once(db_url: str) -> None:
    first = invoke("migrate")
    assert first.exit_code == 0, first.output
    assert "migrated" in first.output
    assert migrations.current(db_url) == migrations.head_revision()
    again = invoke("migrate")
    assert again.exit_code == 0
    assert "already at" in again.output

    seeded = invoke("seed", "--demo", "--days", "0")
    assert seeded.exit_code == 0, seeded.output
    for token in ("demo-ava", "demo-mia", "demo-victor", "demo-erin", "demo-fin", "demo-admin", "demo-gus"):
        assert token in seeded.output
    assert "demo data ready" in seeded.output

    reseeded = invoke("seed", "--demo", "--days", "0")
    assert reseeded.exit_code == 0, reseeded.output
    assert "0 orgs and 0 users created" in words(reseeded)

    worked = invoke("worker", "--once")
    assert worked.exit_code == 0, worked.output
    for job in ("hold_sweeper", "saga_completer", "idempotency_reaper", "catalogue_extender"):
        assert job in worked.output

    current = invoke("db", "current")
    assert "up to date" in words(current)


def test_seed_needs_the_schema_first(db_url: str) -> None:
    result = invoke("seed", "--demo", "--days", "0")
    assert result.exit_code == 1
    assert "concierge migrate" in words(result)


def test_seed_demo_is_refused_in_production(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("migrate").exit_code == 0
    monkeypatch.setenv("CONCIERGE_ENV", "production")
    get_settings.cache_clear()
    result = invoke("seed", "--demo")
    assert result.exit_code == 1
    assert "production" in result.output


def test_seed_without_a_data_set_is_an_error(db_url: str) -> None:
    result = invoke("seed")
    assert result.exit_code == 1
    assert "--demo" in result.output


def test_serve_runs_the_app_factory(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))

    result = invoke("serve", "--port", "9123")

    assert result.exit_code == 0, result.output
    [(target, kwargs)] = calls
    assert target == "api.app:create_app"
    assert kwargs["factory"] is True
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("127.0.0.1", 9123, 1)
    assert "http://127.0.0.1:9123" in result.output


def test_serve_with_workers_gives_each_process_its_own_socket(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--workers N``: N processes on SO_REUSEPORT sockets of their own (issue 15), not
    uvicorn's one shared socket. The processes themselves: test_chat_multiprocess."""
    import uvicorn

    from api import cli

    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: pytest.fail("one shared socket"))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cli, "_serve_processes", lambda *args: calls.append(args))

    result = invoke("serve", "--port", "9123", "--workers", "3")

    assert result.exit_code == 0, result.output
    [(host, port, workers, _)] = calls
    assert (host, port, workers) == ("127.0.0.1", 9123, 3)


def test_db_revision_diffs_a_scratch_database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_revision(url: str, message: str, *, autogenerate: bool = True) -> list[str]:
        # The scratch database is already at head when autogenerate compares it.
        seen.update(url=url, message=message, autogenerate=autogenerate,
                    current=migrations.current(url))
        return ["core/migrations/versions/0002_add_things.py"]

    monkeypatch.setattr(migrations, "revision", fake_revision)
    result = invoke("db", "revision", "-m", "add things")

    assert result.exit_code == 0, result.output
    assert seen["message"] == "add things"
    assert seen["autogenerate"] is True
    assert seen["url"] != db_url  # never the user's database
    assert seen["current"] == migrations.head_revision()
    assert "0002_add_things.py" in result.output


def test_migrate_explains_a_schema_made_outside_the_migrations(db_url: str) -> None:
    import asyncio

    from core.db import Database
    from core.models import Base

    async def create_all() -> None:
        db = Database(db_url)
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        await db.dispose()

    asyncio.run(create_all())
    result = invoke("migrate")
    assert result.exit_code == 1
    assert "db stamp head" in words(result)

    assert invoke("db", "stamp", "head").exit_code == 0
    assert "up to date" in words(invoke("db", "current"))
    assert invoke("migrate").exit_code == 0
