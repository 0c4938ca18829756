"""What every flow shares: the decision types (the tool calls to make next, or the reply
to send), the context of the call and the shape of a flow's handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from concierge.planner.nlu.intents import Understanding
from concierge.planner.state import Offer, State, Turn

INACTIVE = {"cancelled", "expired", "failed"}


@dataclass(frozen=True)
class Call:
    name: str
    args: dict[str, Any]
    tag: str = ""  # "ret" marks the return-leg search, "chg" a change search
    say: str = ""  # a word to the traveller alongside the call ("the cheaper ones are blocked")


@dataclass
class Reply:
    text: str
    offer: Offer | None = None


Decision = Reply | list[Call]


@dataclass
class Context:
    now: datetime
    profile: dict[str, Any] = field(default_factory=dict)
    tools: frozenset[str] = frozenset()

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def first_name(self) -> str:
        name = str(self.profile.get("name") or "").strip()
        return name.split()[0] if name else ""


# A flow's entry point for one intent: the next tool calls, or the reply.
Handler = Callable[[State, Turn, Context, Understanding], Decision]
