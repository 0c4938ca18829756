"""CI's second pass (``CONCIERGE_TEST_BACKENDS_ONLY=1``) keeps exactly the tests that reach
PostgreSQL or Redis; without the switch nothing is left out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Both kinds of test, on the conftest's fixtures and on none, and nothing heavy to import
# (a module of the API's imports the agent: ~3x the CPU per collection).
MODULE = "tests/backends_only_sample.py"
# Plugins that play no part in collecting it, left out to make each collection cheaper.
UNUSED_PLUGINS = ("schemathesis", "langsmith_plugin", "hypothesispytest", "anyio", "xdist")
PG = "postgresql+psycopg://u@127.0.0.1:1/x"  # never connected to: collection only


def collect(**env: str) -> subprocess.Popen[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CONCIERGE_TEST_DATABASE_URL", "CONCIERGE_TEST_REDIS_URL",
                     "CONCIERGE_TEST_BACKENDS_ONLY", "PYTEST_XDIST_WORKER"}
    }
    no_plugins = [arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")]
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *no_plugins, MODULE],
        cwd=ROOT, env={**base, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )


def collected(proc: subprocess.Popen[str]) -> list[str]:
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    return [line for line in out.splitlines() if line.startswith(MODULE)]


def test_the_switch_keeps_the_database_tests_and_leaves_out_the_pure_ones() -> None:
    # The two collections at once: each is mostly a cold start of Python and pytest.
    both = collect(CONCIERGE_TEST_DATABASE_URL=PG)
    switched = collect(CONCIERGE_TEST_BACKENDS_ONLY="1", CONCIERGE_TEST_DATABASE_URL=PG)
    everything, kept = collected(both), collected(switched)

    pure = [n for n in everything if "test_pure" in n]
    assert len(pure) == 2
    assert len(everything) == 5
    assert kept == [n for n in everything if n not in pure]
