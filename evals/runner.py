"""Run scenarios k times each, grade every trial, compute pass^k, write the reports.

A trial: copy the template database, freeze the clock at the scenario's time,
build a runtime and the concierge on it, play the setup and the script (or let a
simulated user talk, when a real model is configured), snapshot the final state,
grade. Trials are independent, so ``concurrency`` of them run at once.

pass^k follows tau-bench: a scenario with n trials of which c passed contributes
C(c, k) / C(n, k) — the chance that k trials drawn from its n all pass — and the
run's pass^k is the mean over scenarios. pass^1 is the plain success rate;
pass^3 punishes an agent that only sometimes gets it right.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from math import comb
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from concierge.models import ChatModel
from concierge.models.factory import build_model
from concierge.service import Concierge
from core.config import Settings, get_settings
from core.runtime import Runtime, build_runtime
from evals.drivers import Driver, HttpDriver, InProcessDriver, TurnRecord
from evals.graders import Check, grade, tool_calls
from evals.schema import Scenario
from evals.simuser import SimulatedUser
from evals.state import resolve_offers, snapshot
from evals.steps import StepLog, render_refs, run_step
from evals.world import REPO_ROOT, World
from tools.base import ToolSpec

log = logging.getLogger(__name__)

ModelFactory = Callable[[Settings], ChatModel]
# (runtime, concierge) -> an ASGI app: the CLI passes api.app.create_app (evals may
# not import the api layer).
AppFactory = Callable[[Runtime, Concierge], Any]

TRIAL_TIMEOUT_SECONDS = 180.0


@dataclass
class RunConfig:
    k: int = 3
    model: str = "local"
    tags: Sequence[str] = ()
    ids: Sequence[str] = ()
    concurrency: int = 1  # > 1: trials in that many worker processes
    via: str = "inprocess"  # or "http"
    base_url: str | None = None  # --via http against a running server
    # With base_url: the server's database, for setup steps and the final state.
    database_url: str | None = None
    out_root: Path = REPO_ROOT / "var" / "evals"
    run_id: str | None = None
    model_factory: ModelFactory | None = None  # tests: a deliberately broken agent
    tools: Mapping[str, ToolSpec[Any, Any]] | None = None
    app_factory: AppFactory | None = None
    # (settings, instruction) -> a simulated user; default: evals.simuser on the model endpoint.
    user_factory: Callable[[Settings, str], Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # extra Settings for every trial
    progress: bool = True


@dataclass
class TrialResult:
    scenario_id: str
    trial: int
    tags: list[str]
    status: str  # passed | failed | error | skipped
    checks: list[Check] = field(default_factory=list)
    turns: list[TurnRecord] = field(default_factory=list)
    steps: list[StepLog] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    reason: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def tokens(self) -> dict[str, int]:
        total = {"prompt_tokens": 0, "completion_tokens": 0, "model_calls": 0}
        for turn in self.turns:
            for key, value in turn.usage.items():
                total[key] = total.get(key, 0) + int(value)
        return total

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "trial": self.trial,
            "tags": self.tags,
            "status": self.status,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "tokens": self.tokens,
            "latency_ms": [round(t.latency_ms, 1) for t in self.turns],
            "error": self.error,
            "reason": self.reason,
            "checks": [c.to_json() for c in self.checks],
            "tool_calls": [c.to_json() for c in tool_calls(self.turns)],
            "transcript": [t.to_json() for t in self.turns],
            "steps": [s.to_json() for s in self.steps],
            "final_state": self.state,
        }


@dataclass
class RunResult:
    run_id: str
    config: RunConfig
    scenarios: list[Scenario]
    trials: list[TrialResult]
    started_at: datetime
    seconds: float
    out_dir: Path

    def by_scenario(self) -> dict[str, list[TrialResult]]:
        out: dict[str, list[TrialResult]] = {s.id: [] for s in self.scenarios}
        for trial in self.trials:
            out[trial.scenario_id].append(trial)
        return out

    def graded(self) -> dict[str, list[TrialResult]]:
        return {
            sid: ts
            for sid, ts in self.by_scenario().items()
            if ts and all(t.status != "skipped" for t in ts)
        }

    def skipped(self) -> list[str]:
        return [
            sid
            for sid, ts in self.by_scenario().items()
            if ts and all(t.status == "skipped" for t in ts)
        ]

    def pass_hat(self, k: int, scenario_ids: Sequence[str] | None = None) -> float | None:
        graded = self.graded()
        ids = [sid for sid in graded if scenario_ids is None or sid in scenario_ids]
        return pass_hat_k([(len(graded[s]), sum(t.passed for t in graded[s])) for s in ids], k)


def pass_hat_k(counts: Sequence[tuple[int, int]], k: int) -> float | None:
    """tau-bench's pass^k: mean over scenarios of C(c, k) / C(n, k) (n trials, c passed)."""
    usable = [(n, c) for n, c in counts if n >= k]
    if not usable:
        return None
    return sum(comb(c, k) / comb(n, k) for n, c in usable) / len(usable)


# ------------------------------------------------------------------------ a trial


def trial_booking_ids(result: TrialResult) -> list[str]:
    """Bookings this trial created (setup ``book`` steps, then ``reserve`` calls), in order.

    Taken from the trial's own record, not the database: under a frozen clock every
    booking has the same ``created_at``, and a shared server database has others'.
    """
    seen: list[str] = [s.detail["booking_id"] for s in result.steps if s.kind == "book"]
    for turn in result.turns:
        for event in turn.events:
            output = event.get("output") if event["type"] == "tool-result" else None
            if (
                isinstance(output, dict)
                and event.get("name") == "reserve"
                and output.get("booking_id")
            ):
                seen.append(output["booking_id"])
    return seen


def trial_approval_ids(result: TrialResult) -> list[str]:
    """Approvals the trial has seen named (decision steps, tool results), in order."""
    seen: list[str] = [s.detail["approval_id"] for s in result.steps if s.kind == "decide"]
    for turn in result.turns:
        for event in turn.events:
            output = event.get("output") if event["type"] == "tool-result" else None
            if not isinstance(output, dict):
                continue
            for item in [output, *(output.get("approvals") or [])]:
                if isinstance(item, dict) and isinstance(item.get("approval_id"), str):
                    seen.append(item["approval_id"])
    return seen


def trial_refs(result: TrialResult) -> dict[str, str]:
    """``{last_booking}``: the newest booking this trial created; ``{last_approval}``:
    the newest approval it saw named (absent until one is)."""
    seen = trial_booking_ids(result)
    refs = {"last_booking": seen[-1] if seen else "BK-NONE00"}
    approvals = trial_approval_ids(result)
    if approvals:
        refs["last_approval"] = approvals[-1]
    return refs


async def _setup(scenario: Scenario, rt: Runtime, result: TrialResult) -> None:
    for counter, step in enumerate(scenario.setup):
        result.steps.append(await run_step(rt, step, counter=counter, refs=trial_refs(result)))


async def _converse(scenario: Scenario, rt: Runtime, driver: Driver, result: TrialResult) -> None:
    await _setup(scenario, rt, result)
    for counter, step in enumerate(scenario.script, start=len(scenario.setup)):
        user = step.as_ or scenario.user
        refs = trial_refs(result)
        if step.say is not None:
            result.turns.append(await driver.send(user, message=render_refs(step.say, refs)))
        elif step.confirm is not None:
            result.turns.append(await driver.send(user, confirm=step.confirm))
        elif step.click is not None:
            result.turns.append(await driver.click(user, step.click, refs))
        else:
            result.steps.append(await run_step(rt, step, counter=counter, refs=refs))


async def _simulate(
    scenario: Scenario, rt: Runtime, driver: Driver, result: TrialResult, config: RunConfig
) -> None:
    await _setup(scenario, rt, result)
    make_user = config.user_factory or SimulatedUser.from_settings
    user = make_user(rt.settings, scenario.instruction or "")
    try:
        limit = scenario.expect.max_turns or 10
        reply = ""
        for _ in range(limit):
            message = await user.next_message(reply)
            if message is None:
                break
            turn = await driver.send(scenario.user, message=message)
            result.turns.append(turn)
            reply = turn.text
    finally:
        await user.aclose()


# Steps a running server cannot follow: it keeps its own clock, jobs and suppliers.
REMOTE_UNSUPPORTED = frozenset({"advance", "jobs", "supplier_fault"})


def skip_reason(scenario: Scenario, config: RunConfig) -> str | None:
    if not scenario.scripted and config.model == "local" and config.user_factory is None:
        # The simulated user is a model too: the offline planner cannot play it.
        return "instruction-only: needs a simulated user and a real model (--model NAME)"
    if config.base_url:
        kinds = {step.kind for step in [*scenario.setup, *scenario.script]}
        if kinds & REMOTE_UNSUPPORTED:
            return f"a running server keeps its own clock, jobs and suppliers ({', '.join(sorted(kinds & REMOTE_UNSUPPORTED))})"
    return None


def remote_runtime(config: RunConfig) -> Runtime:
    """The runner's own handle on a running server's database (setup, final state)."""
    base = get_settings()
    settings = base.model_copy(
        update={"database_url": config.database_url or base.database_url, "redis_url": None}
    )
    return build_runtime(settings)


async def run_trial(scenario: Scenario, index: int, world: World, config: RunConfig) -> TrialResult:
    result = TrialResult(scenario.id, index, list(scenario.tags), status="failed")
    reason = skip_reason(scenario, config)
    if reason is not None:
        result.status = "skipped"
        result.reason = reason
        return result
    started = time.perf_counter()
    name = f"{scenario.id}.{index}"
    remote = config.via == "http" and config.base_url is not None
    rt = remote_runtime(config) if remote else world.trial_runtime(scenario, name)
    concierge: Concierge | None = None
    driver: Driver | None = None
    client: Any = None
    try:
        if not remote:  # a running server brings its own agent
            model = (
                config.model_factory(rt.settings)
                if config.model_factory
                else build_model(rt.settings)
            )
            concierge = await Concierge.open(rt, model, tools=config.tools)
        if config.via == "http":
            if config.base_url:
                client = httpx.AsyncClient(base_url=config.base_url, timeout=120)
            else:
                if config.app_factory is None or concierge is None:
                    raise RuntimeError(
                        "--via http in process needs the API app (run through `concierge eval`)"
                    )
                app = config.app_factory(rt, concierge)
                transport = httpx.ASGITransport(app=app)
                client = httpx.AsyncClient(
                    transport=transport, base_url="http://eval.local", timeout=120
                )
            driver = HttpDriver(client)
        else:
            assert concierge is not None
            driver = InProcessDriver(concierge, rt)
        if scenario.scripted:
            await asyncio.wait_for(_converse(scenario, rt, driver, result), TRIAL_TIMEOUT_SECONDS)
        else:
            await asyncio.wait_for(
                _simulate(scenario, rt, driver, result, config), TRIAL_TIMEOUT_SECONDS
            )
        # A shared server database holds other runs' bookings: judge only this trial's.
        result.state = await snapshot(rt, only=trial_booking_ids(result) if remote else None)
        calls = tool_calls(result.turns)
        offer_ids = [
            i
            for c in calls
            for i in [
                *(x.get("offer_id") for x in c.args.get("items") or [] if isinstance(x, dict)),
                c.args.get("offer_id"),
            ]
            if isinstance(i, str)
        ]
        offers = await resolve_offers(rt, offer_ids)
        result.checks = grade(scenario, result.turns, result.state, offers, trial_refs(result))
        result.status = "passed" if all(c.passed for c in result.checks) else "failed"
    except Exception as exc:  # a broken trial is a failed trial, with its reason on record
        result.status = "error"
        result.error = f"{type(exc).__name__}: {exc}"
        log.debug("trial %s failed:\n%s", name, traceback.format_exc())
    finally:
        if client is not None:
            await client.aclose()
        if concierge is not None:
            await concierge.aclose()
        await rt.close()
        if not remote:
            world.discard(name)
        result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------- a run


def _trial_in_child(scenario: Scenario, index: int, world: World, config: RunConfig) -> TrialResult:
    """One trial in a worker process, on that process's own event loop."""
    logging.getLogger().setLevel(logging.ERROR)  # supplier retry warnings would drown the bar
    return asyncio.run(run_trial(scenario, index, world, config))


async def _in_processes(
    jobs: Sequence[tuple[Scenario, int]],
    world: World,
    config: RunConfig,
    done: Callable[[TrialResult], TrialResult],
) -> list[TrialResult]:
    """Trials spread over worker processes: a trial is CPU-bound Python (the planner,
    the ORM), so asyncio alone would interleave them without running any faster.
    Workers are spawned (not forked) so no thread or connection of this process leaks
    into them; everything handed over must pickle (factories as module-level functions).
    """
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=config.concurrency, mp_context=context) as pool:
        futures = [
            loop.run_in_executor(pool, _trial_in_child, s, i, world, config) for s, i in jobs
        ]
        return [done(await future) for future in asyncio.as_completed(futures)]


def _progress(enabled: bool) -> Any:
    return Progress(
        TextColumn("[bold]eval[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "{task.fields[passed]} passed · {task.fields[failed]} failed · {task.fields[skipped]} skipped"
        ),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        disable=not enabled,
        transient=False,
    )


async def run(
    scenarios: Sequence[Scenario], config: RunConfig, *, world: World | None = None
) -> RunResult:
    run_id = (
        config.run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    )
    out_dir = config.out_root / run_id
    out_dir.mkdir(parents=True, exist_ok=True)
    world = world or World(
        workdir=out_dir / "trials", base_settings={"model": config.model, **config.settings}
    )
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    if not config.base_url:
        await world.prepare()
    jobs = [(s, i) for s in scenarios for i in range(config.k)]
    results: list[TrialResult] = []
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    with _progress(config.progress) as progress:
        task = progress.add_task("", total=len(jobs), **counts)

        def done(trial: TrialResult) -> TrialResult:
            key = trial.status if trial.status in counts else "failed"
            counts[key] += 1
            progress.update(
                task, advance=1, description=f"{trial.scenario_id} #{trial.trial + 1}", **counts
            )
            return trial

        if config.concurrency > 1:
            results = await _in_processes(jobs, world, config, done)
        else:
            for scenario, index in jobs:
                results.append(done(await run_trial(scenario, index, world, config)))
    results.sort(key=lambda t: (t.scenario_id, t.trial))
    try:
        world.workdir.rmdir()
    except OSError:
        pass
    return RunResult(
        run_id=run_id,
        config=config,
        scenarios=list(scenarios),
        trials=results,
        started_at=started_at,
        seconds=time.perf_counter() - t0,
        out_dir=out_dir,
    )
