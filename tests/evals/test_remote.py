"""`concierge eval --via http --base-url`: a real server on a socket, its own clock
and database; the runner reaches the database only for setup and the final state,
and judges only the bookings its own trials made."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app
from core import migrations
from core.config import Settings, get_settings
from core.db import Database
from core.seed import seed_demo

HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW", "CDG", "ORY")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed(url: str) -> None:
    await migrations.upgrade_async(url)
    db = Database(url)
    try:
        async with db.uow() as session:
            now = datetime.now(UTC)
            await seed_demo(
                session,
                today=now.date(),
                days_ahead=25,
                hubs=HUBS,
                settings=Settings(env="test", database_url=url),
                now=now,
            )
    finally:
        await db.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'server.db'}"
    asyncio.run(seed(url))
    settings = Settings(
        env="test", database_url=url, run_jobs_in_process=False, chat_rate_per_minute=0
    )
    port = free_port()
    uv = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base, url
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def runner_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The runner reads its own settings (``get_settings``): the same environment as the
    server's, so both seal and open personal data with the same key (ticketing opens the
    travellers' loyalty numbers)."""
    monkeypatch.setenv("CONCIERGE_ENV", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_eval_against_a_running_server(
    server: tuple[str, str], tmp_path: Path, runner_env: None
) -> None:
    base, db_url = server
    args = [
        "eval", "--via", "http", "--base-url", base, "--database-url", db_url,
        "-s", "book-flight-direct", "-s", "other-org-booking-details", "-s", "cancel-nonrefundable-after-24h",
        "--k", "2", "--concurrency", "1", "--threshold", "1.0", "--out", str(tmp_path),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    lines = [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines()]
    status = {(r["scenario"], r["trial"]): r["status"] for r in lines}
    assert status[("book-flight-direct", 0)] == status[("book-flight-direct", 1)] == "passed"
    assert status[("other-org-booking-details", 0)] == "passed"
    # It needs the runner's clock (30 hours later): a server cannot be asked to skip ahead.
    skipped = next(r for r in lines if r["scenario"].startswith("cancel-nonrefundable"))
    assert skipped["status"] == "skipped"
    assert "clock" in skipped["reason"]
    # The second booking trial ran on the same database as the first, yet was judged on
    # its own booking only ("count: 1" held).
    booked = [r for r in lines if r["scenario"] == "book-flight-direct"]
    ids = [r["final_state"]["bookings"][0]["booking_id"] for r in booked]
    assert len(set(ids)) == 2
    assert all(len(r["final_state"]["bookings"]) == 1 for r in booked)
