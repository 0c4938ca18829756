"""A local fake of the Slack Web API methods the bot calls, over real HTTP.

``slack_sdk.web.async_client.AsyncWebClient(base_url=fake.base_url)`` talks to it
exactly as it talks to ``https://slack.com/api/``: ``POST /api/<method>`` with a
``Bearer`` token and a JSON or form-encoded body, answered ``{"ok": true, ...}``
or ``{"ok": false, "error": "..."}`` with HTTP 200, as Slack does.

Methods: ``auth.test``, ``chat.postMessage``, ``chat.update``,
``chat.postEphemeral``, ``conversations.open``. Every call is recorded::

    fake = SlackFake(token="xoxb-test").start()
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    ...
    fake.calls_to("chat.postMessage")[-1].params["thread_ts"]
    await fake.wait_for("chat.postMessage", count=2)   # the bot answers in the background
    fake.stop()

Also signs requests the way Slack does (:func:`sign`), so tests can drive
``POST /slack/events`` with correct, wrong or stale signatures.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "U0CONCIERGE"
BOT_ID = "B0CONCIERGE"
TEAM_ID = "T0ACME"


@dataclass
class SlackCall:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)  # when it arrived (pacing tests)


@dataclass
class SlackFake:
    token: str = "xoxb-test-token"
    calls: list[SlackCall] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # ------------------------------------------------------------ lifecycle

    def start(self) -> SlackFake:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    params: dict[str, Any] = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw, keep_blank_values=True))
                    for key in ("blocks", "attachments"):  # the SDK JSON-encodes these in forms
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                auth = self.headers.get("Authorization", "")
                token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
                token = token or params.get("token")
                path, _, query = self.path.partition("?")
                method = path.rsplit("/", 1)[-1]
                params = {**dict(parse_qsl(query)), **params}
                body = fake._answer(method, params, token)
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/"

    # ------------------------------------------------------------ the methods

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        with self._lock:
            self.calls.append(SlackCall(method=method, params=params, token=token))
            if token != self.token:
                return {"ok": False, "error": "invalid_auth"}
            if method == "auth.test":
                return {
                    "ok": True,
                    "url": "https://acme.slack.com/",
                    "team": "Acme",
                    "user": "concierge",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                }
            if method == "chat.postMessage":
                if not params.get("channel"):
                    return {"ok": False, "error": "channel_not_found"}
                ts = f"{1_700_000_000 + next(self._ts)}.000100"
                message = {k: v for k, v in params.items() if k in ("text", "blocks", "thread_ts")}
                return {
                    "ok": True,
                    "channel": params["channel"],
                    "ts": ts,
                    "message": {"type": "message", "user": BOT_USER_ID, "ts": ts, **message},
                }
            if method == "chat.update":
                return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
            if method == "chat.postEphemeral":
                return {"ok": True, "message_ts": f"{1_700_000_000 + next(self._ts)}.000200"}
            if method == "conversations.open":
                users = str(params.get("users", ""))
                if not users:
                    return {"ok": False, "error": "users_list_not_supplied"}
                return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
            return {"ok": False, "error": "unknown_method"}

    # ------------------------------------------------------------ inspection

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, method: str, *, count: int = 1, within: float = 60.0
    ) -> list[SlackCall]:
        """Wait until ``method`` was called at least ``count`` times (the bot replies
        from a background task, after Slack's request was already answered). The
        deadline only bounds a failure: 20 s was once exceeded at a load average of ~25
        (PostgreSQL run, stop 29)."""
        deadline = time.monotonic() + within
        while True:
            calls = self.calls_to(method)
            if len(calls) >= count:
                return calls
            if time.monotonic() > deadline:
                seen = [(c.method, c.params.get("text")) for c in self.calls]
                raise AssertionError(
                    f"{method} called {len(calls)}x, wanted {count}; calls: {seen}"
                )
            await asyncio.sleep(0.05)


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signature headers: ``v0=`` HMAC-SHA256 of ``v0:<ts>:<body>``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
