"""Any OpenAI-compatible chat endpoint, through the official ``openai`` SDK.

Streaming with tool calls: the endpoint sends each tool call in pieces (id and
name first, then the JSON arguments in fragments, several calls interleaved by
``index``); we assemble them by index and parse the arguments once complete.
Retries on 429 / 5xx / timeouts are the SDK's (``max_retries``, exponential
backoff honouring ``Retry-After``), bounded; a failure mid-stream is not retried
(the text was already shown) and surfaces to the graph as an exception.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, convert_to_openai_messages
from openai import AsyncOpenAI

from concierge.cpu_gate import waiting_elsewhere
from concierge.models.base import ModelRequest, ModelResult, TextSink
from core.config import Settings

log = logging.getLogger(__name__)


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class OpenAIChatModel:
    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        # None leaves it to the endpoint (reasoning models refuse any other value).
        temperature: float | None = None,
        client: AsyncOpenAI | None = None,
    ) -> None:
        self.name = model
        self.temperature = temperature
        self.client = client or AsyncOpenAI(
            base_url=base_url,
            # The SDK refuses to start without a key; local endpoints ignore it.
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=max_retries,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIChatModel:
        return cls(
            settings.model,
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key,
            timeout=settings.openai_timeout_seconds,
            max_retries=settings.openai_max_retries,
        )

    async def aclose(self) -> None:
        await self.client.close()

    async def generate(self, request: ModelRequest, on_text: TextSink | None = None) -> ModelResult:
        # Seconds of waiting on the endpoint: out of the turns' CPU gate meanwhile.
        async with waiting_elsewhere():
            return await self._generate(request, on_text)

    async def _generate(self, request: ModelRequest, on_text: TextSink | None) -> ModelResult:
        params: dict[str, Any] = {
            "model": self.name,
            "messages": convert_to_openai_messages(request.messages),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.tools:
            params["tools"] = request.tools
            params["parallel_tool_calls"] = True
        if self.temperature is not None:
            params["temperature"] = self.temperature

        stream = await self.client.chat.completions.create(**params)
        text: list[str] = []
        calls: dict[int, _PartialCall] = {}
        usage: dict[str, int] = {}
        async for chunk in stream:
            if chunk.usage is not None:
                usage = {
                    "prompt_tokens": int(chunk.usage.prompt_tokens or 0),
                    "completion_tokens": int(chunk.usage.completion_tokens or 0),
                }
            for choice in chunk.choices:
                delta = choice.delta
                if delta is None:
                    continue
                if delta.content:
                    text.append(delta.content)
                    if on_text is not None:
                        await on_text(delta.content)
                for piece in delta.tool_calls or ():
                    partial = calls.setdefault(piece.index, _PartialCall())
                    if piece.id:
                        partial.id = piece.id
                    if piece.function is not None:
                        if piece.function.name:
                            partial.name += piece.function.name
                        if piece.function.arguments:
                            partial.arguments.append(piece.function.arguments)

        tool_calls = [_finish(calls[i], i) for i in sorted(calls)]
        message = AIMessage(content="".join(text), tool_calls=tool_calls)
        return ModelResult(message=message, usage=usage)


def _finish(partial: _PartialCall, index: int) -> dict[str, Any]:
    raw = "".join(partial.arguments).strip() or "{}"
    try:
        args = json.loads(raw)
    except ValueError:
        # Unparseable arguments become a validation error the model can read and fix.
        log.info("model sent invalid JSON arguments for %s: %.200s", partial.name, raw)
        args = {"_invalid_json": raw[:500]}
    if not isinstance(args, dict):
        args = {"_invalid_json": raw[:500]}
    return {
        "id": partial.id or f"call_{index}",
        "name": partial.name,
        "args": args,
        "type": "tool_call",
    }
