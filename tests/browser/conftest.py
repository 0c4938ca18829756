"""Browser tests: a live ``concierge serve`` on a free port, a freshly migrated and
demo-seeded SQLite database, and Debian's chromium driven by Playwright.

The server is started exactly as ``make run`` starts it (``concierge migrate``,
``concierge seed --demo``, ``concierge serve``), with the real agent (offline
planner) and the system clock. Chromium comes from Debian (``apt-get install
chromium``), never from ``playwright install``; if it is missing and cannot be
installed, the browser tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CONCIERGE = Path(sys.executable).parent / "concierge"
# The catalogue window the live server gets: enough for the trips the tests ask for.
DAYS_AHEAD = 21


def ensure_chromium() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt, "update", "-q"], check=False, env=env, capture_output=True)
        subprocess.run(
            [apt, "install", "-y", "-q", "chromium"], check=False, env=env, capture_output=True
        )
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            "chromium is not installed and could not be installed (run `make browser-deps` as root)"
        )
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running server with the demo data (the same commands as ``make run``)."""
    work = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {
        **os.environ,
        "CONCIERGE_ENV": "development",
        "CONCIERGE_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'concierge.db'}",
        "CONCIERGE_PORT": str(port),
        "CONCIERGE_HOST": "127.0.0.1",
        "CONCIERGE_MODEL": "local",
        # The seed and the in-process catalogue extender must agree on the window, or the
        # extender's first tick writes the missing days while the test waits on the lock.
        "CONCIERGE_CATALOGUE_DAYS_AHEAD": str(DAYS_AHEAD),
        "CONCIERGE_LOG_LEVEL": "INFO",
        # Every test of the module talks as Ava within a minute or so: the per-user chat
        # budget (burst 10) is for people, not for a whole module of scripted tests.
        "CONCIERGE_CHAT_RATE_PER_MINUTE": "600",
        "CONCIERGE_CHAT_RATE_BURST": "200",
        "TIKTOKEN_CACHE_DIR": os.environ.get("TIKTOKEN_CACHE_DIR", str(ROOT / "var" / "tiktoken")),
        # The code under test: the package may be installed (editable) from another checkout.
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    for key in ("CONCIERGE_REDIS_URL", "CONCIERGE_SLACK_BOT_TOKEN", "CONCIERGE_STRIPE_API_KEY"):
        env.pop(key, None)
    subprocess.run([str(CONCIERGE), "migrate"], check=True, env=env, cwd=work, capture_output=True)
    subprocess.run(
        [str(CONCIERGE), "seed", "--demo"],
        check=True,
        env=env,
        cwd=work,
        capture_output=True,
    )
    log_path = work / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [str(CONCIERGE), "serve"], env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(
                    f"the server exited: {(work / 'server.log').read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not become healthy within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        # Kept under var/ next to the screenshots: the first thing to read when a step fails.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log_path, SCREENSHOTS / "server.log")


# Module scope, not session: sync Playwright keeps an event loop running in this
# thread until it exits, and every async test after it would find that loop.
@pytest.fixture(scope="module")
def browser_instance() -> Iterator[object]:
    executable = ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def shoot() -> object:
    """``shoot(page, "01-search")`` → var/screenshots/01-search.png (kept as CI artefacts)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page: object, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]

    return _shoot
