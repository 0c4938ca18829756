"""Scale-out: several API processes on one PostgreSQL + Redis behave as one service.

Real ``concierge serve`` subprocesses (one of them with ``--workers 2``) on the
test database, with the real agent and offline planner: a client that drops its
chat stream on one process resumes it on another with ``Last-Event-ID``; a whole
booking conversation whose turns land on different processes ends confirmed;
the per-user rate limit is one budget across processes.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from httpx_sse import aconnect_sse

from core.runtime import Runtime
from core.seed import seed_demo
from tests.api.sse import chunks, parse_sse, types
from tests.conftest import PG_URL, REDIS_URL

pytestmark = pytest.mark.skipif(
    PG_URL is None or REDIS_URL is None,
    reason="needs CONCIERGE_TEST_DATABASE_URL and CONCIERGE_TEST_REDIS_URL",
)

ROOT = Path(__file__).resolve().parents[2]
AVA = {"Authorization": "Bearer demo-ava"}
HUBS = ("JFK", "LGA", "EWR", "BOS", "LHR", "LGW")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(port: int, *extra: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


#: A server starts on ~3.5 s of CPU (with ``--workers 2``, ~7 s for its processes).
STARTUP_CPU_SECONDS = 60.0
#: A server whose processes got no CPU at all for this long is stuck, not slow.
STALLED_SECONDS = 60.0
#: Without /proc (not Linux), wall-clock time is all there is to go by.
STARTUP_WALL_SECONDS = 180.0


def _cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by ``pid`` and its live children (uvicorn's workers), from
    /proc; None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            kids = [int(k) for k in children.read().split()]
    except (OSError, ValueError):
        return None
    # utime and stime (fields 14 and 15 of stat, counted after the command's ")").
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(kid) or 0.0 for kid in kids)


def _wait_healthy(servers: dict[str, subprocess.Popen[bytes]]) -> None:
    """Wait until every server answers ``/healthz``.

    Measured in the CPU time the servers spend starting, not in wall-clock time: on a
    loaded machine (CI beside other jobs) a start only takes longer. A server fails
    when it exits, when it has used ``STARTUP_CPU_SECONDS`` without answering, or when
    it got no CPU for ``STALLED_SECONDS`` (stuck).
    """
    started = time.monotonic()
    progress = {base: (started, 0.0) for base in servers}  # last time its CPU time grew
    while servers:
        for base, proc in list(servers.items()):
            if proc.poll() is not None:
                raise RuntimeError(
                    f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
                )
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    del servers[base]
                    continue
            except httpx.HTTPError:
                pass
            now, cpu = time.monotonic(), _cpu_seconds(proc.pid)
            if cpu is None:
                if now - started > STARTUP_WALL_SECONDS:
                    raise TimeoutError(f"{base} did not become healthy in {STARTUP_WALL_SECONDS:g} s")
                continue
            since, before = progress[base]
            if cpu > before:
                progress[base] = (now, cpu)
            elif now - since > STALLED_SECONDS:
                raise TimeoutError(f"{base} got no CPU for {STALLED_SECONDS:g} s while starting")
            if cpu > STARTUP_CPU_SECONDS:
                raise TimeoutError(f"{base} used {cpu:.0f} s of CPU and did not become healthy")
        time.sleep(0.2)


@pytest.fixture
async def demo(runtime: Runtime) -> Runtime:
    # The servers run on the real clock, so the catalogue starts today.
    async with runtime.db.uow() as session:
        await seed_demo(
            session, today=date.today(), days_ahead=30, hubs=HUBS, settings=runtime.settings
        )
    return runtime


@pytest.fixture(scope="module")
def processes() -> Iterator[tuple[str, str]]:
    """Process A (``--workers 2``) and process B, sharing the database and Redis.

    Started once for the module: they keep no state of their own, so each test's
    fresh database and Redis (the ``runtime`` fixture) is theirs too.
    """
    assert PG_URL is not None
    assert REDIS_URL is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONCIERGE_", "PYTEST"))} | {
        "CONCIERGE_ENV": "test",
        "CONCIERGE_DATABASE_URL": PG_URL,
        "CONCIERGE_REDIS_URL": REDIS_URL,
        "CONCIERGE_RUN_JOBS_IN_PROCESS": "false",
        "CONCIERGE_LOG_LEVEL": "WARNING",
        "CONCIERGE_CHAT_RATE_PER_MINUTE": "60",
        "CONCIERGE_CHAT_RATE_BURST": "8",
    }
    ports = (_free_port(), _free_port())
    procs = [_start(ports[0], "--workers", "2", env=env), _start(ports[1], env=env)]
    bases = tuple(f"http://127.0.0.1:{p}" for p in ports)
    try:
        _wait_healthy(dict(zip(bases, procs, strict=True)))
        yield bases[0], bases[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def servers(processes: tuple[str, str], demo: Runtime) -> tuple[str, str]:
    return processes


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as client:
        yield client


def _first_request() -> str:
    day = date.today() + timedelta(days=17)
    return f"I need a flight from New York to London on {day.isoformat()}, economy"


async def test_resume_on_another_process_with_last_event_id(
    servers: tuple[str, str], http: httpx.AsyncClient
) -> None:
    a, b = servers
    seen: list[tuple[str, dict]] = []
    async with aconnect_sse(
        http, "POST", f"{a}/v1/chat", json={"message": _first_request()}, headers=AVA
    ) as source:
        assert source.response.headers["x-vercel-ai-ui-message-stream"] == "v1"
        async for sse in source.aiter_sse():
            if not sse.data:
                continue  # a keep-alive comment (httpx-sse reports it as an empty event)
            seen.append((sse.id, sse.json()))
            if len(seen) == 2:
                break  # hang up on process A mid-stream
    thread_id = seen[0][1]["messageMetadata"]["thread_id"]

    rest = await http.get(
        f"{b}/v1/threads/{thread_id}/stream", headers={**AVA, "Last-Event-ID": seen[-1][0]}
    )
    full = await http.get(f"{b}/v1/threads/{thread_id}/stream", headers=AVA)

    replay = parse_sse(full.text)
    assert [d for _i, d in replay[:2]] == [d for _i, d in seen]
    assert parse_sse(rest.text) == replay[2:]
    assert types(chunks(rest))[-2:] == ["finish", "[DONE]"]


async def test_booking_conversation_across_processes(
    servers: tuple[str, str], http: httpx.AsyncClient
) -> None:
    a, b = servers
    first = chunks(await http.post(f"{a}/v1/chat", json={"message": _first_request()}, headers=AVA))
    thread_id = first[0]["messageMetadata"]["thread_id"]
    turns = [first]
    for base, say in ((b, "book option 1"), (a, "confirm it")):
        if any(c != "[DONE]" and c["type"] == "data-confirmation" for c in turns[-1]):
            break
        body = {"thread_id": thread_id, "message": say}
        turns.append(chunks(await http.post(f"{base}/v1/chat", json=body, headers=AVA)))
    pending = (await http.get(f"{b}/v1/threads/{thread_id}", headers=AVA)).json()
    assert pending["pending_confirmation"], [types(t) for t in turns]
    booking_id = pending["pending_confirmation"]["action"]["args"]["booking_id"]

    done = chunks(
        await http.post(
            f"{b}/v1/chat", json={"thread_id": thread_id, "message": "yes"}, headers=AVA
        )
    )

    assert types(done)[-2:] == ["finish", "[DONE]"]
    booking = (await http.get(f"{a}/v1/bookings/{booking_id}", headers=AVA)).json()
    assert booking["status"] == "confirmed"


async def test_rate_limit_is_shared_by_processes(
    servers: tuple[str, str], http: httpx.AsyncClient
) -> None:
    a, b = servers
    mia = {"Authorization": "Bearer demo-mia"}
    # Alternate processes; a malformed body is cheap but still draws a token.
    codes = await asyncio.gather(
        *(
            http.post(
                f"{base}/v1/chat", content=b"{", headers={**mia, "Content-Type": "application/json"}
            )
            for base in [a, b] * 6
        )
    )
    statuses = sorted(r.status_code for r in codes)
    assert statuses.count(400) == 8  # the burst, once — not once per process
    assert statuses.count(429) == 4
