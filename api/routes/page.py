"""The chat page (``GET /``) and its static files.

The page is plain HTML, CSS and one ES module under ``api/static``: nothing to
build, nothing fetched from a CDN, so ``make run`` serves it as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from core.seed import DEMO_ORGS, DEMO_USERS

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)

# The page and its module change with every deploy; revalidating is cheap.
_NO_CACHE = {"Cache-Control": "no-cache"}


@router.get("/")
async def chat_page() -> FileResponse:
    """The chat page."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers=_NO_CACHE)


@router.get("/ui/demo-users")
async def demo_users(request: Request) -> JSONResponse:
    """The sign-in picker's users and their demo tokens.

    Demo tokens are public by design (DESIGN §7) and demo mode is refused in
    production, so production answers an empty list rather than advertising them.
    """
    if request.app.state.settings.env == "production":
        return JSONResponse({"users": []})
    org_names = {org.id: org.name for org in DEMO_ORGS}
    users: list[dict[str, Any]] = [
        {
            "id": user.id,
            "name": user.name,
            "role": str(user.role),
            "title": user.title,
            "org_name": org_names[user.org_id],
            "token": user.token,
        }
        for user in DEMO_USERS
    ]
    return JSONResponse({"users": users}, headers=_NO_CACHE)


def mount_page(app: FastAPI) -> None:
    """Serve ``GET /``, ``/ui/demo-users`` and ``/static/*`` on ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
