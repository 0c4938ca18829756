"""Held-out conversations (README.md): every case of every ``batch_*.yaml``.

A case with ``gap:`` failed on its batch's first try; it runs as a strict xfail,
so the fix that makes it pass fails this suite until the ``gap:`` line goes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import Case, World, all_batches, load_batch, run_case


def _params() -> list[object]:
    params = []
    for path in all_batches():
        for case in load_batch(path):
            marks = []
            if case.gap:
                marks.append(
                    pytest.mark.xfail(
                        strict=True,
                        reason=f"known gap [{case.gap}] in {case.batch}.yaml; "
                        "if this now passes, delete the case's `gap:` line",
                    )
                )
            params.append(pytest.param(case, id=f"{case.batch}:{case.id}", marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
async def test_heldout(case: Case, heldout_worlds: dict[str, World], tmp_path: Path) -> None:
    outcome = await run_case(case, heldout_worlds[case.world], tmp_path)
    assert not outcome.failures, f"[{case.intent}] {case.id}:\n  " + "\n  ".join(outcome.failures)
