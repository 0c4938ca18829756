"""A simulated traveller for instruction-only scenarios (a real model only).

tau-bench's user-simulator rules: the simulated user knows only its instruction,
reveals it a little at a time (one need per message, details when asked), never
invents facts it was not given (it says it does not know), answers a
confirmation question with a plain yes or no as the instruction says, and ends
the conversation with the stop token when its goal is met or cannot be. It is
never used with the offline planner: those scenarios are reported as skipped.
"""

from __future__ import annotations

from typing import Any

from openai import AsyncOpenAI

from core.config import Settings

STOP = "###STOP###"

RULES = f"""You are playing a business traveller talking to your company's travel concierge.
Your goal and everything you know are in the instruction below; nothing else is true for you.

Rules:
- Reveal what you want gradually: start with the main need, give details only when asked or when needed.
- Never invent information (dates, names, ids, preferences) that is not in the instruction; if asked
  for something you do not know, say you do not know.
- When the concierge asks you to confirm an action, answer "yes" or "no" as the instruction implies.
- Write short, natural messages, one at a time, as the traveller; never play the concierge.
- When your goal is done, or clearly cannot be done, reply with exactly {STOP}.

Instruction:
"""


class SimulatedUser:
    def __init__(self, client: Any, model: str, instruction: str) -> None:
        self.client = client
        self.model = model
        self.messages: list[dict[str, str]] = [{"role": "system", "content": RULES + instruction}]

    @classmethod
    def from_settings(cls, settings: Settings, instruction: str) -> SimulatedUser:
        client = AsyncOpenAI(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key or "unused",
            timeout=settings.openai_timeout_seconds,
            max_retries=settings.openai_max_retries,
        )
        return cls(client, settings.model, instruction)

    async def next_message(self, agent_reply: str) -> str | None:
        """The traveller's next message given the concierge's last reply; None = done.

        Roles are flipped for the simulator: the concierge speaks as "user", the
        simulated traveller answers as "assistant".
        """
        self.messages.append(
            {"role": "user", "content": agent_reply or "(The concierge is waiting for you.)"}
        )
        response = await self.client.chat.completions.create(
            model=self.model, messages=self.messages
        )
        text = (response.choices[0].message.content or "").strip()
        self.messages.append({"role": "assistant", "content": text})
        if not text or STOP in text:
            return None
        return text

    async def aclose(self) -> None:
        closer = getattr(self.client, "close", None)
        if closer is not None:
            await closer()
