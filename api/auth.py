"""Bearer-token authentication: the caller comes from the token, never from the body."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import get_runtime
from core.errors import Unauthorized
from core.identity import Caller, authenticate

# Tokens are opaque; anything longer than this is not one of ours.
MAX_TOKEN_LENGTH = 512

# auto_error=False: a missing or non-Bearer header reaches us, so the answer is
# our 401 problem (with WWW-Authenticate), not FastAPI's default 403 body.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="BearerToken",
    description="The caller's API token: `Authorization: Bearer <token>`.",
)


async def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Caller:
    """Resolve the caller in a read-only unit of work of its own."""
    if credentials is None or not credentials.credentials.strip():
        raise Unauthorized("Missing bearer token")
    token = credentials.credentials.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise Unauthorized("Unknown or revoked token")
    runtime = get_runtime(request)
    async with runtime.db.uow(write=False) as session:
        return await authenticate(session, token)


CallerDep = Annotated[Caller, Depends(current_caller)]
