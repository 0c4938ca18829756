"""The chat page is served without a build step and without third-party hosts."""

from __future__ import annotations

import re

import httpx

from core.config import Settings
from core.runtime import Runtime


async def test_root_serves_the_page_with_its_module(api_client: httpx.AsyncClient) -> None:
    page = await api_client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/app.js">' in page.text
    script = await api_client.get("/static/app.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    css = await api_client.get("/static/app.css")
    assert css.status_code == 200


async def test_page_loads_nothing_from_other_hosts(api_client: httpx.AsyncClient) -> None:
    # No CDN: the page must work with no network beyond this server.
    for path in (
        "/",
        "/static/app.js",
        "/static/trips.js",
        "/static/dom.js",
        "/static/turns.js",
        "/static/theme.js",
        "/static/app.css",
        "/static/theme.css",
    ):
        body = (await api_client.get(path)).text
        assert not re.search(r"""(src|href)=["']https?://""", body), path
        assert not re.search(r"""(import|fetch)\(?\s*["']https?://""", body), path


async def test_the_stream_reader_speaks_the_ai_sdk_parts(api_client: httpx.AsyncClient) -> None:
    # The page's module and the stream reader it imports (turns.js).
    script = (await api_client.get("/static/app.js")).text
    script += (await api_client.get("/static/turns.js")).text
    for part in (
        "text-delta",
        "tool-input-available",
        "tool-output-available",
        "data-confirmation",
        '"[DONE]"',
    ):
        assert part in script, part


async def test_demo_users_list_the_demo_tokens(api_client: httpx.AsyncClient) -> None:
    users = (await api_client.get("/ui/demo-users")).json()["users"]
    by_id = {u["id"]: u for u in users}
    assert by_id["ava"]["token"] == "demo-ava"
    assert by_id["mia"]["role"] == "manager"
    assert by_id["gus"]["org_name"] == "Globex"


async def test_production_does_not_advertise_demo_tokens(runtime: Runtime) -> None:
    from api.app import create_app

    app = create_app(
        settings=Settings(env="production", database_url=runtime.settings.database_url),
        runtime=runtime,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/ui/demo-users")).json() == {"users": []}
