"""CI's second pass (``CONCIERGE_TEST_BACKENDS_ONLY=1``) keeps exactly the tests that reach
PostgreSQL or Redis; without the switch nothing is left out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# tests/api/test_trips.py has both kinds: HTTP tests on the runtime fixture, and a
# parametrized pure function test (test_spans_are_said_in_words).
MODULE = "tests/api/test_trips.py"


def collected(**env: str) -> list[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CONCIERGE_TEST_DATABASE_URL", "CONCIERGE_TEST_REDIS_URL",
                     "CONCIERGE_TEST_BACKENDS_ONLY", "PYTEST_XDIST_WORKER"}
    }
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "no:xdist", MODULE],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return [line for line in out.stdout.splitlines() if line.startswith(MODULE)]


def test_the_switch_keeps_the_database_tests_and_leaves_out_the_pure_ones() -> None:
    everything = collected(CONCIERGE_TEST_DATABASE_URL="postgresql+psycopg://u@127.0.0.1:1/x")
    kept = collected(
        CONCIERGE_TEST_BACKENDS_ONLY="1",
        CONCIERGE_TEST_DATABASE_URL="postgresql+psycopg://u@127.0.0.1:1/x",
    )
    pure = [n for n in everything if "test_spans_are_said_in_words" in n]
    assert pure
    assert kept
    assert kept == [n for n in everything if n not in pure]
