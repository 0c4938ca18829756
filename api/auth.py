"""Bearer-token authentication: the caller comes from the token, never from the body."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import get_runtime
from core.errors import Unauthorized
from core.identity import Caller, authenticate, hash_token

# Tokens are opaque; anything longer than this is not one of ours.
MAX_TOKEN_LENGTH = 512

# auto_error=False: a missing or non-Bearer header reaches us, so the answer is
# our 401 problem (with WWW-Authenticate), not FastAPI's default 403 body.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="BearerToken",
    description="The caller's API token: `Authorization: Bearer <token>`.",
)


class CallerCache:
    """Who a token is, remembered for ``seconds`` (``auth_cache_seconds``): the token's
    hash → the caller, in this process, at most ``max_entries`` (oldest dropped first).

    Reading the user on every request cost a pooled connection and three round trips
    before anything else, ``start`` of a chat turn included, each waiting its turn on a
    busy event loop (issue 15). A token is revoked by changing its user's row (its
    ``token_hash`` cleared or replaced, the user removed, the role changed): every
    process honours that within ``seconds``, as it no longer finds the token when the
    entry lapses. Unknown tokens are never remembered: a new token works at once, and
    a flood of wrong ones reads the database, as before, without growing this.
    """

    def __init__(
        self,
        seconds: float,
        *,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Caller]] = OrderedDict()

    def get(self, key: str) -> Caller | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: str, caller: Caller) -> None:
        if self.seconds <= 0:
            return
        self._entries[key] = (self._clock() + self.seconds, caller)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def caller_cache(request: Request) -> CallerCache:
    """The app's cache (one per app: tests' apps do not share what they authenticated)."""
    state = request.app.state
    cache: CallerCache | None = getattr(state, "caller_cache", None)
    if cache is None:
        cache = CallerCache(get_runtime(request).settings.auth_cache_seconds)
        state.caller_cache = cache
    return cache


async def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Caller:
    """Resolve the caller: from :class:`CallerCache`, else by one read of its own."""
    if credentials is None or not credentials.credentials.strip():
        raise Unauthorized("Missing bearer token")
    token = credentials.credentials.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise Unauthorized("Unknown or revoked token")
    cache = caller_cache(request)
    key = hash_token(token)
    caller = cache.get(key)
    if caller is not None:
        return caller
    runtime = get_runtime(request)
    # One statement: no transaction around it (core.db.Database.single).
    async with runtime.db.single(write=False) as session:
        caller = await authenticate(session, token)
    cache.put(key, caller)
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]
