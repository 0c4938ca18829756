"""A local OpenAI-compatible chat completions server over real HTTP, streaming scripted chunks.

It answers ``POST /v1/chat/completions`` (and ``GET /v1/models``) the way the
official SDK expects: with ``stream: true`` a ``text/event-stream`` of
``chat.completion.chunk`` objects — the assistant role, the text in small pieces,
tool calls split across chunks (id and name first, then the JSON arguments in
fragments, parallel calls interleaved by ``index``), a chunk with
``finish_reason``, a usage chunk when ``stream_options.include_usage`` is set, then
``data: [DONE]``; without ``stream`` one ``chat.completion`` object.

Usage::

    fake = OpenAIFake().start()
    fake.reply(text="Hello", usage=(120, 8))
    fake.reply(tool_calls=[("call_1", "search_flights", {"origin": "JFK"})])
    fake.fail(429, times=2)                 # then the next scripted reply
    model = OpenAIChatModel("gpt-test", base_url=fake.url, api_key="sk-test")
    fake.requests[-1]["messages"]           # what the client sent
    fake.stop()

An empty script answers "OK.", or asks ``responder`` (the request body in, a
``Scripted`` out) when one is given: a bench drives whole conversations that way.
``latency`` (seconds) passes before each answer's first byte, as a remote model's
time to first token does; answers wait in parallel (one thread per request), so
the fake stands in for an endpoint with plenty of capacity and a fixed delay.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    text: str = ""
    tool_calls: list[tuple[str, str, dict[str, Any] | str]] = field(default_factory=list)
    usage: tuple[int, int] | None = (42, 7)
    status: int = 200
    chunk_chars: int = 4
    break_stream: bool = False  # drop the connection after the first chunk
    chunk_delay: float = 0.0  # seconds between text chunks, as a model's tokens come


Responder = Callable[[dict[str, Any]], Scripted]


class OpenAIFake:
    def __init__(self, *, latency: float = 0.0, responder: Responder | None = None) -> None:
        self.latency = latency
        self.responder = responder
        self.script: list[Scripted] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ----------------------------------------------------------------

    def reply(
        self,
        text: str = "",
        *,
        tool_calls: list[tuple[str, str, dict[str, Any] | str]] | None = None,
        usage: tuple[int, int] | None = (42, 7),
        chunk_chars: int = 4,
        break_stream: bool = False,
        chunk_delay: float = 0.0,
    ) -> OpenAIFake:
        self.script.append(
            Scripted(
                text, list(tool_calls or []), usage, 200, chunk_chars, break_stream, chunk_delay
            )
        )
        return self

    def fail(self, status: int, *, times: int = 1) -> OpenAIFake:
        for _ in range(times):
            self.script.append(Scripted(status=status))
        return self

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> OpenAIFake:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    fake._json(
                        self,
                        200,
                        {"object": "list", "data": [{"id": "gpt-test", "object": "model"}]},
                    )
                else:
                    fake._json(
                        self,
                        404,
                        {"error": {"message": "not found", "type": "invalid_request_error"}},
                    )

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                    scripted = fake.script.pop(0) if fake.script else None
                if scripted is not None:
                    step = scripted
                elif fake.responder is not None:
                    step = fake.responder(body)
                else:
                    step = Scripted(text="OK.")
                if fake.latency > 0:
                    time.sleep(fake.latency)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    fake._json(
                        self,
                        404,
                        {"error": {"message": "not found", "type": "invalid_request_error"}},
                    )
                    return
                if step.status != 200:
                    kind = "rate_limit_exceeded" if step.status == 429 else "server_error"
                    fake._json(
                        self,
                        step.status,
                        {
                            "error": {
                                "message": f"scripted {step.status}",
                                "type": kind,
                                "code": kind,
                            }
                        },
                        # Keeps the SDK's backoff short in tests (it honours retry-after-ms).
                        extra_headers={"retry-after-ms": "10"},
                    )
                    return
                if body.get("stream"):
                    fake._stream(self, body, step)
                else:
                    fake._json(self, 200, fake._completion(body, step))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- responses ----------------------------------------------------------------

    @staticmethod
    def _json(
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: dict[str, Any],
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(data)))
        for k, v in (extra_headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _args_text(args: dict[str, Any] | str) -> str:
        return args if isinstance(args, str) else json.dumps(args)

    def _completion(self, body: dict[str, Any], step: Scripted) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": step.text or None}
        if step.tool_calls:
            message["tool_calls"] = [
                {
                    "id": cid,
                    "type": "function",
                    "function": {"name": name, "arguments": self._args_text(args)},
                }
                for cid, name, args in step.tool_calls
            ]
        result: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "gpt-test"),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if step.tool_calls else "stop",
                }
            ],
        }
        if step.usage:
            result["usage"] = _usage(step.usage)
        return result

    def _stream(
        self, handler: BaseHTTPRequestHandler, body: dict[str, Any], step: Scripted
    ) -> None:
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream")
        handler.send_header("cache-control", "no-cache")
        handler.end_headers()
        model = body.get("model", "gpt-test")

        def chunk(
            delta: dict[str, Any],
            finish: str | None = None,
            usage: Any = None,
            choices: bool = True,
        ) -> None:
            payload: dict[str, Any] = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
                if choices
                else [],
            }
            if usage is not None:
                payload["usage"] = usage
            handler.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            handler.wfile.flush()

        n = step.chunk_chars
        chunk({"role": "assistant", "content": ""})
        if step.break_stream:
            handler.wfile.write(b'data: {"broken')
            handler.wfile.flush()
            handler.close_connection = True
            return
        for i in range(0, len(step.text), n):
            if i and step.chunk_delay:
                time.sleep(step.chunk_delay)
            chunk({"content": step.text[i : i + n]})
        # Tool calls: headers first (id + name), then argument fragments interleaved
        # across calls, as parallel tool calls arrive from real endpoints.
        fragments = []
        for index, (cid, name, args) in enumerate(step.tool_calls):
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": cid,
                            "type": "function",
                            "function": {"name": name, "arguments": ""},
                        }
                    ]
                }
            )
            text = self._args_text(args)
            fragments.append([(index, text[i : i + n]) for i in range(0, len(text), n)])
        while any(fragments):
            for parts in fragments:
                if parts:
                    index, piece = parts.pop(0)
                    chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        chunk({}, finish="tool_calls" if step.tool_calls else "stop")
        if step.usage and (body.get("stream_options") or {}).get("include_usage"):
            chunk({}, usage=_usage(step.usage), choices=False)
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()


def _usage(usage: tuple[int, int]) -> dict[str, int]:
    return {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
