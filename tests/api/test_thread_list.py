"""The caller's conversations: ``GET /v1/threads`` (newest activity first, keyset pages),
``PATCH`` (rename) and ``DELETE`` (soft) — and nobody else's (issue 12)."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select

from core.models import Thread
from core.runtime import Runtime
from tests.api.conftest import World
from tests.factories import T0

AVA = World.auth("ava")


async def _threads(runtime: Runtime, n: int, *, user: str = "ava", org: str = "acme") -> list[str]:
    """``n`` conversations of ``user``; the i-th was last active i minutes after T0
    (every tenth shares its minute with the one before: ties are ordered by id)."""
    rows: list[dict[str, Any]] = []
    for i in range(n):
        moment = T0 + timedelta(minutes=i - (1 if i % 10 == 9 else 0))
        rows.append(
            {
                "id": f"th_{user}_{i:06d}",
                "org_id": org,
                "user_id": user,
                "channel": "web",
                "title": f"Trip {i}",
                "created_at": moment,
                "updated_at": moment,
            }
        )
    async with runtime.db.uow() as session:
        for start in range(0, n, 2000):
            await session.execute(insert(Thread), rows[start : start + 2000])
    return [r["id"] for r in rows]


async def _walk(client: httpx.AsyncClient, limit: int) -> tuple[list[dict[str, Any]], list[float]]:
    """Every page, following ``next_cursor``; the items and each request's seconds."""
    items: list[dict[str, Any]] = []
    seconds: list[float] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        started = time.perf_counter()
        response = await client.get("/v1/threads", params=params, headers=AVA)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["threads"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items, seconds


async def test_the_list_is_the_callers_newest_activity_first(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ids = await _threads(runtime, 25)
    await _threads(runtime, 3, user="mia")
    await _threads(runtime, 2, user="gus", org="globex")

    items, _ = await _walk(client, limit=10)

    expected = sorted(
        ((T0 + timedelta(minutes=i - (1 if i % 10 == 9 else 0)), tid) for i, tid in enumerate(ids)),
        reverse=True,
    )
    assert [t["thread_id"] for t in items] == [tid for _, tid in expected]
    first = items[0]
    assert set(first) == {"thread_id", "title", "channel", "created_at", "last_activity_at"}
    assert first["last_activity_at"].endswith("Z")
    assert first["title"] == "Trip 24"


async def test_rename_and_delete(client: httpx.AsyncClient, runtime: Runtime) -> None:
    newest, older = reversed(await _threads(runtime, 2))

    renamed = await client.patch(
        f"/v1/threads/{older}", json={"title": "  Offsite\n in\tLondon \x07"}, headers=AVA
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["title"] == "Offsite in London"
    listed = (await client.get("/v1/threads", headers=AVA)).json()["threads"]
    # A rename is not activity: the order stays.
    assert [(t["thread_id"], t["title"]) for t in listed] == [
        (newest, "Trip 1"),
        (older, "Offsite in London"),
    ]

    assert (await client.delete(f"/v1/threads/{newest}", headers=AVA)).status_code == 204
    listed = (await client.get("/v1/threads", headers=AVA)).json()["threads"]
    assert [t["thread_id"] for t in listed] == [older]
    # Deleted is gone: read, rename, delete again, chat on it — all 404.
    for response in (
        await client.get(f"/v1/threads/{newest}", headers=AVA),
        await client.patch(f"/v1/threads/{newest}", json={"title": "x"}, headers=AVA),
        await client.delete(f"/v1/threads/{newest}", headers=AVA),
        await client.post("/v1/chat", json={"thread_id": newest, "message": "hi"}, headers=AVA),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "NOT_FOUND"
    async with runtime.db.uow(write=False) as session:
        row = await session.scalar(select(Thread).where(Thread.id == newest))
    assert row is not None
    assert row.deleted_at is not None  # soft: the row (and its checkpoint) stay


async def test_others_threads_are_not_found(client: httpx.AsyncClient, runtime: Runtime) -> None:
    (mine,) = await _threads(runtime, 1)
    for user in ("mia", "gus"):  # her manager, another organization
        auth = World.auth(user)
        assert (await client.get("/v1/threads", headers=auth)).json()["threads"] == []
        for response in (
            await client.get(f"/v1/threads/{mine}", headers=auth),
            await client.patch(f"/v1/threads/{mine}", json={"title": "mine now"}, headers=auth),
            await client.delete(f"/v1/threads/{mine}", headers=auth),
        ):
            assert response.status_code == 404, response.text
    listed = (await client.get("/v1/threads", headers=AVA)).json()["threads"]
    assert [(t["thread_id"], t["title"]) for t in listed] == [(mine, "Trip 0")]


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"cursor": "not-a-cursor!"}, None),
        ({"cursor": "bm9wZQ"}, None),  # base64 of "nope": no separator
        ({"limit": 0}, None),
        ({"limit": 101}, None),
        (None, {"title": "   "}),
        (None, {"title": "x" * 201}),
        (None, {"title": "ok", "channel": "slack"}),
        (None, {}),
    ],
)
async def test_bad_input_is_a_422(
    client: httpx.AsyncClient, runtime: Runtime, params: Any, body: Any
) -> None:
    (mine,) = await _threads(runtime, 1)
    if body is None:
        response = await client.get("/v1/threads", params=params, headers=AVA)
    else:
        response = await client.patch(f"/v1/threads/{mine}", json=body, headers=AVA)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_ten_thousand_threads_page_fast(client: httpx.AsyncClient, runtime: Runtime) -> None:
    """10,000 conversations of one user: every page of 100 is one index range scan, so
    the last page costs what the first does. Prints the figures (-s to see them)."""
    ids = await _threads(runtime, 10_000)

    items, seconds = await _walk(client, limit=100)

    assert len(items) == 10_000
    assert len({t["thread_id"] for t in items}) == 10_000
    assert {t["thread_id"] for t in items} == set(ids)
    first, deepest = seconds[0], max(seconds[-10:])
    median = statistics.median(seconds)
    print(
        f"\n10,000 threads, {len(seconds)} pages of 100 over HTTP (in-process):"
        f" median {median * 1000:.1f} ms, first {first * 1000:.1f} ms,"
        f" slowest of the last 10 {deepest * 1000:.1f} ms, walk {sum(seconds):.2f} s"
    )
    # Generous bounds for a shared 2-core machine; the figures above are the measurement.
    assert median < 0.25
    assert deepest < max(10 * median, 0.25)
