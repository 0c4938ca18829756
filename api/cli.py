"""The ``concierge`` command: migrate, seed, serve, worker, and schema revisions.

``make run`` is ``concierge migrate && concierge seed --demo && concierge serve``.
Settings come from ``CONCIERGE_*`` variables (core.config), like the API's.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.process
import os
import signal
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table
from sqlalchemy.engine import make_url

from core import migrations
from core.clock import SystemClock
from core.config import Settings, get_settings
from core.db import Database
from core.errors import CoreError
from core.jobs import JobRunner, default_jobs, default_owner
from core.runtime import build_runtime
from core.seed import ensure_demo_allowed, seed_demo

app = typer.Typer(
    name="concierge",
    help="Corporate travel concierge: booking core, API and jobs.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Schema migrations (Alembic, configured in code).", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = Console()
log = logging.getLogger(__name__)
err_console = Console(stderr=True)


def _settings() -> Settings:
    return get_settings()


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(message)s",
        datefmt="[%X]",
        handlers=[RichHandler(console=err_console, rich_tracebacks=True, show_path=False)],
    )


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


# --------------------------------------------------------------------------- migrate


@app.command()
def migrate(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Upgrade the database schema (CONCIERGE_DATABASE_URL) to the newest revision."""
    settings = _settings()
    before = migrations.current(settings.database_url)
    try:
        migrations.upgrade(settings.database_url, revision)
    except Exception as exc:
        if before is None and "already exists" in str(exc).lower():
            raise _fail(
                "the database has tables but no migration history (made outside the "
                "migrations?). Start from an empty database, or adopt it with "
                "`concierge db stamp head` if it matches the models."
            ) from exc
        raise
    after = migrations.current(settings.database_url)
    where = _redacted(settings.database_url)
    if before == after:
        console.print(f"[green]✓[/] schema already at [bold]{after}[/] ({where})")
    else:
        console.print(f"[green]✓[/] migrated {before or '(empty)'} → [bold]{after}[/] ({where})")


# ------------------------------------------------------------------------------ seed


@app.command()
def seed(
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed the demo organizations, users and catalogue.")
    ] = False,
    days: Annotated[
        int | None,
        typer.Option(min=0, help="Catalogue days ahead (default CONCIERGE_CATALOGUE_DAYS_AHEAD)."),
    ] = None,
) -> None:
    """Seed data. Only the demo data set exists; run ``concierge migrate`` first."""
    if not demo:
        raise _fail("nothing to seed: pass --demo")
    settings = _settings()
    days_ahead = settings.catalogue_days_ahead if days is None else days
    started = time.perf_counter()
    try:
        summary = asyncio.run(_seed_demo(settings, days_ahead))
    except CoreError as exc:
        raise _fail(str(exc)) from exc
    except Exception as exc:
        if _looks_unmigrated(exc):
            raise _fail("the database has no schema yet: run `concierge migrate` first") from exc
        raise
    _print_seed_summary(summary, time.perf_counter() - started)


async def _seed_demo(settings: Settings, days_ahead: int) -> dict[str, Any]:
    ensure_demo_allowed(settings)  # before touching the database at all
    now = SystemClock().now()
    db = Database(settings.database_url)
    try:
        async with db.uow() as session:
            return await seed_demo(
                session, today=now.date(), days_ahead=days_ahead, settings=settings, now=now
            )
    finally:
        await db.dispose()


def _looks_unmigrated(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _print_seed_summary(summary: dict[str, Any], seconds: float) -> None:
    users = Table(title="Demo users (Authorization: Bearer <token>)", title_justify="left")
    for column in ("org", "user", "name", "role", "manager", "token"):
        users.add_column(column)
    for user in summary["users"]:
        users.add_row(
            user["org_id"],
            user["id"],
            user["name"],
            user["role"],
            user["manager_id"] or "",
            f"[bold]{user['token']}[/]",
        )
    console.print(users)

    catalogue = summary["catalogue"]
    added = Table(title="Catalogue rows added", title_justify="left")
    counts = {k: v for k, v in catalogue.items() if isinstance(v, int) and not isinstance(v, bool)}
    for name in counts:
        added.add_column(name.replace("_", " "), justify="right")
    added.add_row(*(f"{v:,}" for v in counts.values()))
    console.print(added)
    if "first_date" in catalogue:
        console.print(
            f"Flights and hotel nights from {catalogue['first_date']} to {catalogue['last_date']}"
        )
    policies = ", ".join(f"{org} v{v}" for org, v in summary["policy_versions"].items())
    console.print(f"Policies: {policies}")
    console.print(
        f"[green]✓[/] demo data ready in {seconds:.1f}s "
        f"({summary['orgs_created']} orgs and {summary['users_created']} users created)"
    )


# ----------------------------------------------------------------------------- serve


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (CONCIERGE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (CONCIERGE_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="API processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Run the HTTP API (uvicorn). Jobs run inside it when CONCIERGE_RUN_JOBS_IN_PROCESS is true."""
    import uvicorn  # loaded by the command that serves (pyproject: TID253)

    settings = _settings()
    _configure_logging(settings)  # so the in-process jobs' logs show next to uvicorn's
    host = host or settings.host
    port = port or settings.port
    jobs = "in-process" if settings.run_jobs_in_process else "in `concierge worker` processes"
    console.print(
        f"[bold]concierge[/] on [link]http://{host}:{port}[/link] · "
        f"database {_redacted(settings.database_url)} · redis {settings.redis_url or 'off'} · "
        f"model {settings.model} · payments {settings.payments_backend} · jobs {jobs}"
    )
    if workers > 1 and not reload and hasattr(socket, "SO_REUSEPORT"):
        _serve_processes(host, port, workers, settings.log_level.lower())
        return
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )


def _serve_processes(host: str, port: int, workers: int, log_level: str) -> None:
    """``workers`` API processes, each listening on a socket of its own bound to the same
    port (``SO_REUSEPORT``): the kernel spreads new connections over them (issue 15).

    uvicorn's own supervisor hands every process one shared socket, and the first process
    awake accepts every connection waiting: 40 chat users arriving at once all landed on
    one of two processes (then stayed there, on keep-alive connections), so a second
    process did not shorten the first events' wait. A process that dies is started again;
    SIGINT or SIGTERM stops them all (each shuts down as uvicorn does)."""
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    def start() -> multiprocessing.process.BaseProcess:
        process = spawn.Process(
            target=_serve_one, args=(host, port, log_level), name="concierge-api"
        )
        process.start()
        return process

    running = [start() for _ in range(workers)]
    while not stop.wait(0.5):
        for index, process in enumerate(running):
            if process.is_alive() or stop.is_set():
                continue
            if process.exitcode == _STARTUP_FAILURE:  # the same on every start: give up
                log.error("API process %s failed to start; stopping", process.pid)
                stop.set()
                break
            log.warning(
                "API process %s died (exit %s); starting another", process.pid, process.exitcode
            )
            running[index] = start()
    for process in running:  # a terminal's Ctrl+C reached them too: let them finish
        process.join(timeout=1.0)
    for process in running:
        if process.is_alive():
            process.terminate()
    for process in running:
        process.join()


#: uvicorn's exit code for a process that could not start (its socket, the app).
_STARTUP_FAILURE = 3


def _serve_one(host: str, port: int, log_level: str) -> None:
    """One API process of :func:`_serve_processes`, on its own ``SO_REUSEPORT`` socket."""
    import uvicorn  # loaded by the command that serves (pyproject: TID253)

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    config = uvicorn.Config(
        "api.app:create_app", factory=True, host=host, port=port, log_level=log_level,
        proxy_headers=True,
    )
    uvicorn.Server(config).run(sockets=[sock])


# ---------------------------------------------------------------------------- worker


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run one pass over the jobs and exit.")
    ] = False,
) -> None:
    """Run the periodic jobs (hold sweeper, saga completer, ...) until SIGINT/SIGTERM.

    Any number of workers (and API processes with in-process jobs) may run: each
    tick is leased in the database and runs once.
    """
    settings = _settings()
    _configure_logging(settings)
    outcomes = asyncio.run(_run_worker(settings, once=once))
    if once:
        table = Table(title="Job ticks", title_justify="left")
        for column in ("job", "ran", "handled", "error"):
            table.add_column(column)
        for outcome in outcomes:
            table.add_row(
                outcome.job,
                "yes" if outcome.ran else "no (leased elsewhere)",
                str(outcome.processed),
                outcome.error or "",
            )
        console.print(table)
        if any(o.error for o in outcomes):
            raise typer.Exit(code=1)


async def _run_worker(settings: Settings, *, once: bool) -> list[Any]:
    rt = build_runtime(settings)
    runner = JobRunner(rt, default_jobs(), owner=default_owner("worker"))
    try:
        if once:
            return await runner.run_once()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        console.print(f"[bold]worker[/] {runner.owner}: {', '.join(j.name for j in runner.jobs)}")
        await runner.run_forever(stop)
        return []
    finally:
        await rt.close()


# -------------------------------------------------------------------------------- db


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Upgrade to REVISION (default head); same as ``concierge migrate``."""
    migrate(revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. -1 or base")]) -> None:
    """Downgrade to REVISION."""
    settings = _settings()
    migrations.downgrade(settings.database_url, revision)
    console.print(f"[green]✓[/] now at {migrations.current(settings.database_url) or '(empty)'}")


@db_app.command("stamp")
def db_stamp(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Mark the database as being at REVISION without running migrations."""
    settings = _settings()
    migrations.stamp(settings.database_url, revision)
    console.print(f"[green]✓[/] stamped {migrations.current(settings.database_url)}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one in the code."""
    settings = _settings()
    current = migrations.current(settings.database_url)
    head = migrations.head_revision()
    state = "[green]up to date[/]" if current == head else "[yellow]needs `concierge migrate`[/]"
    console.print(f"database {current or '(empty)'} · code head {head or '(none)'} · {state}")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Option("-m", "--message", help="What the revision changes.")],
    empty: Annotated[
        bool, typer.Option("--empty", help="Write an empty revision (no autogenerate).")
    ] = False,
    against: Annotated[
        str | None,
        typer.Option(help="Database to diff the models against (default: a scratch SQLite file)."),
    ] = None,
) -> None:
    """Write a new revision in core/migrations/versions from the current models.

    By default a scratch SQLite database is migrated to head and diffed against
    the models, so your own database is never touched. Review the file: Alembic
    does not detect CHECK constraints added to existing tables.
    """
    if against is not None:
        paths = migrations.revision(against, message, autogenerate=not empty)
    else:
        with tempfile.TemporaryDirectory(prefix="concierge-rev-") as tmp:
            scratch = f"sqlite+aiosqlite:///{Path(tmp) / 'scratch.db'}"
            migrations.upgrade(scratch)
            paths = migrations.revision(scratch, message, autogenerate=not empty)
    for path in paths:
        console.print(f"[green]✓[/] wrote {path}")


# ------------------------------------------------------------------------------ eval


@app.command("eval")
def eval_(
    model: Annotated[
        str | None,
        typer.Option(help="`local` (offline planner) or a model name (default CONCIERGE_MODEL)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Trials per scenario (pass^1..pass^k).")] = 3,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            "--tags", help="Only scenarios with any of these tags (repeat or comma-separate)."
        ),
    ] = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", "-s", help="Only these scenario ids (prefix match)."),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1, help="Trials run at once, in worker processes (default: CPUs, at most 4)."
        ),
    ] = None,
    via: Annotated[
        str, typer.Option(help="`inprocess` (Concierge.turn) or `http` (POST /v1/chat, SSE).")
    ] = "inprocess",
    base_url: Annotated[
        str | None,
        typer.Option(help="With --via http: a running server instead of the app in process."),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="With --base-url: the server's database, for setup steps and the final state "
            "(default CONCIERGE_DATABASE_URL)."
        ),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Fail under this pass^1 (default: evals/thresholds.toml).")
    ] = None,
    scenarios_dir: Annotated[
        Path | None,
        typer.Option("--scenarios", help="Scenario file or directory (default evals/scenarios)."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Reports root (default var/evals).")] = None,
) -> None:
    """Run the scripted evaluation scenarios k times each and grade them.

    Each trial runs on a fresh copy of a seeded database with the scenario's frozen
    clock. Reports go to var/evals/<run-id>/ (results.jsonl, summary.md,
    report.html). Exits 1 when pass^1 is under the threshold.
    """
    # Loaded by the command that runs them (pyproject: TID253).
    from evals.loader import ScenarioError, load_scenarios
    from evals.report import threshold_for, write_reports
    from evals.runner import RunConfig, run

    if via not in ("inprocess", "http"):
        raise _fail("--via is `inprocess` or `http`")
    settings = _settings()
    model_name = model or settings.model
    wanted_tags = [t.strip() for item in tags or [] for t in item.split(",") if t.strip()]
    try:
        scenarios = load_scenarios(
            [scenarios_dir] if scenarios_dir else None,
            tags=wanted_tags,
            ids=scenario,
            # A running server keeps its own clock: dates count from its today.
            today=datetime.now(UTC).date() if base_url else None,
        )
    except ScenarioError as exc:
        raise _fail(str(exc)) from exc
    if not scenarios:
        raise _fail("no scenario matches")

    config = RunConfig(
        k=k,
        model=model_name,
        concurrency=concurrency or min(4, os.cpu_count() or 1),
        via=via,
        base_url=base_url,
        database_url=database_url,
        app_factory=_eval_app,
    )
    if out:
        config.out_root = out
    if model_name != "local":
        config.settings.update(
            openai_base_url=settings.openai_base_url, openai_api_key=settings.openai_api_key
        )
    # Supplier retries in fault scenarios log warnings by design; the report has them.
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(run(scenarios, config))
    floor = threshold if threshold is not None else threshold_for(model_name)
    summary = write_reports(result, floor)
    _print_eval_summary(summary, floor, result.out_dir)
    pass_1 = summary["overall"].get("pass^1")
    if pass_1 is None:
        err_console.print(
            "[yellow]no scenario was graded (all skipped): nothing to hold to a threshold[/]"
        )
        return
    if floor is not None and pass_1 + 1e-9 < floor:
        err_console.print(f"[bold red]pass^1 {pass_1:.3f} is under the threshold {floor:.3f}[/]")
        raise typer.Exit(code=1)


def _eval_app(rt: Any, agent: Any) -> Any:
    """The API on a trial's runtime and agent (module-level: worker processes pickle it)."""
    from api.app import create_app  # pyproject: TID253

    return create_app(runtime=rt, concierge=agent)


def _print_eval_summary(summary: dict[str, Any], floor: float | None, out_dir: Path) -> None:
    table = Table(
        title=f"Evaluation {summary['run_id']} ({summary['model']}, k={summary['k']})",
        title_justify="left",
    )
    table.add_column("scope")
    for i in range(1, summary["k"] + 1):
        table.add_column(f"pass^{i}", justify="right")

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v * 100:.1f}%"

    table.add_row(
        "overall", *(pct(summary["overall"][f"pass^{i}"]) for i in range(1, summary["k"] + 1))
    )
    for tag, row in summary["by_tag"].items():
        table.add_row(tag, *(pct(row[f"pass^{i}"]) for i in range(1, summary["k"] + 1)))
    console.print(table)
    failing = [
        row
        for row in summary["per_scenario"]
        if row["status"] == "graded" and row["passed"] < row["trials"]
    ]
    for row in failing:
        console.print(
            f"[yellow]✗ {row['id']}[/] {row['passed']}/{row['trials']}: "
            + "; ".join(row["failing"])
        )
    console.print(
        f"{summary['graded']} graded, {len(summary['skipped'])} skipped (need a real model), "
        f"{summary['trials']} trials in {summary['seconds']} s · threshold {pct(floor)} · reports in {out_dir}"
    )


def main() -> None:  # pragma: no cover - console script entry is ``app``
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
