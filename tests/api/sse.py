"""Reading SSE bodies in tests: ``[(id, data)]`` with JSON data decoded ("[DONE]" kept)."""

from __future__ import annotations

import json
from typing import Any

import httpx


def parse_sse(text: str) -> list[tuple[str | None, Any]]:
    events: list[tuple[str | None, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        event_id: str | None = None
        data: list[str] = []
        for line in block.split("\n"):
            if line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
        if not data:
            continue  # comments (pings) and blank blocks
        raw = "\n".join(data)
        events.append((event_id, raw if raw == "[DONE]" else json.loads(raw)))
    return events


def chunks(response: httpx.Response) -> list[Any]:
    """The data of every event of a finished SSE response."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return [data for _id, data in parse_sse(response.text)]


def types(items: list[Any]) -> list[str]:
    return [c if c == "[DONE]" else c["type"] for c in items]
