"""Evaluation tests run real trials: a seeded template database (cached under
var/evals/cache, built once) copied per trial, the real planner, tools and core."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.loader import load_scenarios
from evals.runner import RunConfig, RunResult, run
from evals.schema import Scenario


def scenarios(*ids: str) -> list[Scenario]:
    found = load_scenarios(ids=ids)
    exact = [s for s in found if s.id in ids]
    assert {s.id for s in exact} == set(ids), (
        f"unknown scenario ids: {set(ids) - {s.id for s in exact}}"
    )
    return exact


async def run_scenarios(tmp_path: Path, *ids: str, **config: object) -> RunResult:
    return await run(
        scenarios(*ids),
        RunConfig(k=1, concurrency=1, progress=False, out_root=tmp_path, **config),  # type: ignore[arg-type]
    )


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "evals"
