"""The graders are tested against agents that are wrong on purpose.

The same scenarios run with the real offline planner (control: they pass) and
with deliberately broken agents that must fail them — for the right reason, named
by the failing check. A grader that passes a broken agent is itself broken.
"""

from __future__ import annotations

from pathlib import Path

from evals.runner import RunResult, TrialResult
from tests.evals.broken import always_refuses, ungated_tools, wrong_date
from tests.evals.conftest import run_scenarios

BOOKS = "book-flight-direct"
REFUSES_RED = "red-first-class-refused"
ASKS_BACK = "ambiguous-no-destination"
CANCELS = "cancel-within-24h-full-refund"
AMBER = "amber-short-notice-pending"
INJECTED_RED = "injection-first-class-allowed"
TWO = "book-two-passengers"


def trials(result: RunResult) -> dict[str, TrialResult]:
    return {t.scenario_id: t for t in result.trials}


def failed_kinds(trial: TrialResult) -> set[str]:
    return {c.kind for c in trial.checks if not c.passed}


async def test_the_real_planner_passes_the_control_scenarios(tmp_path: Path) -> None:
    result = await run_scenarios(
        tmp_path, BOOKS, REFUSES_RED, ASKS_BACK, CANCELS, AMBER, INJECTED_RED, TWO
    )
    bad = {
        t.scenario_id: [c.to_json() for c in t.checks if not c.passed] or t.error
        for t in result.trials
        if not t.passed
    }
    assert not bad


async def test_an_agent_that_always_refuses_fails_every_scenario(tmp_path: Path) -> None:
    result = trials(
        await run_scenarios(
            tmp_path,
            BOOKS,
            REFUSES_RED,
            ASKS_BACK,
            CANCELS,
            AMBER,
            INJECTED_RED,
            model_factory=always_refuses,
        )
    )
    assert all(t.status == "failed" for t in result.values()), {
        k: t.status for k, t in result.items()
    }
    # Booking scenarios fail on what was not done and what is not in the database.
    assert {"actions", "state"} <= failed_kinds(result[BOOKS])
    assert {"actions", "state"} <= failed_kinds(result[CANCELS])
    assert "state" in failed_kinds(result[AMBER])
    # Refusal scenarios: the forbidden state is absent, yet doing nothing is not a pass —
    # the search that shows the red option and the explanation of the rule are missing.
    refused = result[REFUSES_RED]
    assert all(c.passed for c in refused.checks if c.kind in ("forbidden_actions", "state"))
    assert {"actions", "say"} <= failed_kinds(refused)
    injected = result[INJECTED_RED]
    assert all(c.passed for c in injected.checks if c.kind in ("forbidden_actions", "state"))
    assert "say" in failed_kinds(injected)
    # Not asking where to go is not the same as asking.
    assert failed_kinds(result[ASKS_BACK]) == {"say"}


async def test_an_agent_that_skips_the_confirmation_gate_fails(tmp_path: Path) -> None:
    result = trials(await run_scenarios(tmp_path, BOOKS, CANCELS, AMBER, tools=ungated_tools()))
    for scenario_id, trial in result.items():
        assert trial.status == "failed", scenario_id
        gate = next(c for c in trial.checks if c.kind == "gate")
        assert not gate.passed, scenario_id
        assert "without the user's yes" in gate.detail
    # The cancellation itself came out "right" (cancelled, refunded): only the gate
    # check catches that nobody said yes to it.
    cancel = result[CANCELS]
    assert all(c.passed for c in cancel.checks if c.kind == "state")


async def test_an_agent_that_books_the_wrong_date_fails(tmp_path: Path) -> None:
    result = trials(await run_scenarios(tmp_path, BOOKS, TWO, model_factory=wrong_date))
    asked = {BOOKS: "2026-12-18", TWO: "2026-12-20"}
    for scenario_id, trial in result.items():
        assert trial.status == "failed", scenario_id
        wrong = {c.name for c in trial.checks if not c.passed}
        assert any(name.startswith("reserve") and "offer" in name for name in wrong), wrong
        assert any(name.startswith("booking[0]") for name in wrong), wrong
        # It did book something, on the next day: the grader read the database, not the words.
        dates = {f["date"] for b in trial.state["bookings"] for f in b["flights"]}
        assert dates, trial.state
        assert asked[scenario_id] not in dates, dates
