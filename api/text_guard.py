"""Text no database can store is refused wherever a client hides it: 422, before any route.

PostgreSQL cannot store U+0000 in text, and no UTF-8 encoder can write an unpaired
surrogate (``"\\ud800"`` is valid JSON, but not valid Unicode). Either one reaching a
query was a 500 there — mid-request, one that could leave an ``Idempotency-Key`` in
flight — while SQLite stored it and showed it back later. No field of ours has a use
for them, so one guard at the edge answers every such request the same way, on every
database: ``422 VALIDATION_ERROR`` naming where the bad text was, with nothing started.

Where it looks: the decoded path (path ids), the query string (``%00``), header values
(``Idempotency-Key``…), and the body — a JSON ``\\u0000`` or lone ``\\udXXX`` escape in
any string or key (a raw NUL is not JSON at all and is already a 400), or a ``%00`` in a
form body (Slack interactivity). A body is parsed only when its raw bytes hold such an
escape, and is replayed to the app unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

NUL = "\x00"
_SUSPECT_JSON = re.compile(rb"\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_PERCENT_NUL = b"%00"
NUL_MESSAGE = "must not contain NUL characters (U+0000)"
SURROGATE_MESSAGE = "must be valid Unicode (it holds an unpaired surrogate)"


def _flaw(text: str) -> str | None:
    """What is wrong with ``text`` for a database, or ``None``."""
    if NUL in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _printable(field: str) -> str:
    return field.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace").replace(
        NUL, "\\u0000"
    )


def _json_flaw(value: Any) -> tuple[str, str] | None:
    """(dotted path, message) of the first bad string or key (iterative: bodies may be deep)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            flaw = _flaw(node)
            if flaw is not None:
                return path or "body", flaw
        elif isinstance(node, dict):
            for key, child in node.items():
                where = f"{path}.{key}" if path else str(key)
                flaw = _flaw(key)
                if flaw is not None:
                    return where, flaw
                stack.append((where, child))
        elif isinstance(node, list):
            stack.extend((f"{path}.{i}" if path else str(i), child) for i, child in enumerate(node))
    return None


def _parsed_json_flaw(text: str | bytes) -> tuple[str, str] | None:
    try:
        return _json_flaw(json.loads(text))
    except (ValueError, RecursionError):
        return None  # not JSON: the route answers that (400 MALFORMED_JSON)


def _body_flaw(body: bytes, content_type: str) -> tuple[str, str] | None:
    if "form" in content_type:
        if _PERCENT_NUL not in body and not _SUSPECT_JSON.search(body):
            return None
        for key, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if NUL in key or NUL in value:
                return key or "body", NUL_MESSAGE
            if _SUSPECT_JSON.search(value.encode("latin-1")):  # Slack's `payload=` is JSON
                found = _parsed_json_flaw(value)
                if found is not None:
                    return f"{key}.{found[0]}", found[1]
        return None
    if not _SUSPECT_JSON.search(body):
        return None
    return _parsed_json_flaw(body)


def _scope_flaw(scope: Scope) -> tuple[str, str, str] | None:
    """(``in``, field, message) of a NUL in the path, query or headers."""
    if NUL in str(scope.get("path", "")):
        return "path", "path", NUL_MESSAGE
    query: bytes = scope.get("query_string") or b""
    if b"\x00" in query or _PERCENT_NUL in query:
        for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if NUL in key or NUL in value:
                return "query", key, NUL_MESSAGE
        if b"\x00" in unquote_to_bytes(query):
            return "query", "query", NUL_MESSAGE
    for name, value in scope.get("headers") or []:
        if b"\x00" in value or b"\x00" in name:
            return "header", name.decode("latin-1"), NUL_MESSAGE
    return None


class BadTextGuard:
    """Answers 422 ``VALIDATION_ERROR`` to a request carrying a NUL or an unpaired surrogate."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = _scope_flaw(scope)
        if found is not None:
            await self._refuse(scope, receive, send, *found)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return

        # The body is bounded by BodySizeLimitMiddleware, which runs outside this guard.
        buffered: list[Message] = []
        body = b""
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        flaw = _body_flaw(body, content_type)
        if flaw is not None:
            await self._refuse(scope, receive, send, "body", *flaw)
            return

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, where: str, field: str, message: str
    ) -> None:
        field = _printable(field)
        kind = "nul_character" if message == NUL_MESSAGE else "unpaired_surrogate"
        response = problem(
            422,
            "VALIDATION_ERROR",
            f"{field}: {message}",
            title="Invalid request",
            field=field,
            errors=[{"field": field, "in": where, "message": message, "type": kind}],
        )
        await response(scope, receive, send)
