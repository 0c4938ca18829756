"""An httpx client on the app in-process, for tests that build their own app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on ``app`` in-process (a 500 comes back as a response, as in
    production); on the way out, the chat turns still running in the background end."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test", timeout=60) as c:
        yield c
    if app.state.turns is not None:
        await app.state.turns.aclose()
