"""The FastAPI application factory.

``uvicorn --factory api.app:create_app`` builds the runtime from the environment
in the lifespan; tests pass their own runtime (``create_app(runtime=rt)``), which
the app then uses as-is and does not close (its owner does).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.deps import ApiMetrics, MetricsMiddleware, document_required_headers
from api.heap import HeapFreezer, freeze_at_startup
from api.notices import ConversationNotifier
from api.problems import (
    BodySizeLimitMiddleware,
    UnhandledErrorMiddleware,
    install_problem_handlers,
)
from api.ratelimit import RateLimitMiddleware, document_rate_limits
from api.routes import (
    analytics,
    approvals,
    boarding_passes,
    bookings,
    changes,
    chat,
    events,
    finance,
    health,
    openai_compat,
    profiles,
    review,
    search,
    seats,
    threads,
    trips,
    webhooks_flight,
    webhooks_stripe,
)
from api.routes import tools as tool_routes
from api.routes.page import mount_page
from api.slack import mount_slack
from api.text_guard import BadTextGuard
from api.turns import TurnPrologues, turns_of
from core.config import Settings, get_settings
from core.jobs import start_in_process, stop_in_process
from core.notify import register_notifier
from core.runtime import Runtime, build_runtime

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


class _InProcessJobs:
    """The job loop started in the lifespan (embedded mode), and how to stop it."""

    def __init__(self, task: asyncio.Task[None]) -> None:
        self._task = task

    @classmethod
    def start(cls, runtime: Runtime) -> _InProcessJobs:
        return cls(start_in_process(runtime))

    async def stop(self) -> None:
        await stop_in_process(self._task)


async def _warm(app: FastAPI) -> None:
    """Connections and the agent opened before the first request (``Settings.warm_at_startup``,
    issue 15). A failure is logged: the process serves anyway and opens them on use."""
    try:
        await app.state.runtime.warm()
        await turns_of(app.state).warm()
    except Exception:
        log.warning("warming up at startup failed; opening on first use", exc_info=True)


def create_app(
    settings: Settings | None = None,
    runtime: Runtime | None = None,
    concierge: Any | None = None,
) -> FastAPI:
    """Build the API. With ``runtime`` given the app uses it and leaves closing it to the caller.

    ``concierge`` replaces the agent behind the chat endpoints (tests); by default
    ``concierge.service.Concierge`` is opened on the first turn.
    """
    settings = settings or (runtime.settings if runtime is not None else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned: Runtime | None = None
        if app.state.runtime is None:
            owned = build_runtime(settings)
            app.state.runtime = owned
            register_notifier(ConversationNotifier(app.state), rt=owned)
            # A serving process (not a test's app): keep full collections short (api.heap).
            app.state.heap = HeapFreezer()
            freeze_at_startup()
        # In the background: the process serves (its health checks answer) meanwhile, and a
        # first turn that comes sooner waits for the agent as it always did.
        warming = (
            asyncio.create_task(_warm(app), name="warm-up")
            if owned is not None and settings.warm_at_startup
            else None
        )
        jobs = _InProcessJobs.start(app.state.runtime) if settings.run_jobs_in_process else None
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
                await asyncio.gather(warming, return_exceptions=True)
            turns = getattr(app.state, "turns", None)
            if turns is not None:
                try:
                    await turns.aclose()
                except Exception:
                    log.exception("closing the chat turns failed")
                app.state.turns = None
            if jobs is not None:
                try:
                    await jobs.stop()
                except Exception:
                    log.exception("stopping in-process jobs failed")
            if owned is not None:
                await owned.close()
                app.state.runtime = None

    app = FastAPI(
        title="Travel concierge API",
        version="1.0.0",
        summary="Search, hold and confirm corporate travel under the company's policy.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.concierge = concierge
    if runtime is not None:
        # Decisions on a trip are told in the conversation it came from (api.notices).
        register_notifier(ConversationNotifier(app.state), rt=runtime)
    app.state.turns = None
    app.state.heap = None
    app.state.metrics = metrics = ApiMetrics()

    install_problem_handlers(app)
    # add_middleware wraps: the last added runs outermost. Metrics see every
    # answer, including 413s and the catch-all 500s produced inside them.
    app.add_middleware(BadTextGuard)  # inside the size limit: the bodies it reads are bounded
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    # Outermost: a chat turn's prologue counts from its arrival (concierge.cpu_gate).
    app.add_middleware(TurnPrologues)

    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(bookings.router)
    app.include_router(seats.router)
    app.include_router(boarding_passes.router)
    app.include_router(webhooks_stripe.router)
    app.include_router(finance.router)
    app.include_router(review.router)
    app.include_router(analytics.router)
    app.include_router(chat.router)
    app.include_router(threads.router)
    app.include_router(openai_compat.router)
    app.include_router(approvals.router)
    app.include_router(events.router)
    app.include_router(profiles.router)
    app.include_router(changes.router)
    app.include_router(trips.router)
    app.include_router(webhooks_flight.router)
    app.include_router(tool_routes.router)
    mount_page(app)
    document_rate_limits(app)
    document_required_headers(app)
    mount_slack(app, settings)
    return app
