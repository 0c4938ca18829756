"""What every flow shares: the decision types (the tool calls to make next, or the reply
to send), the context of the call and the shape of a flow's handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from concierge.planner.nlu.intents import Understanding
from concierge.planner.state import Offer, State, Turn

INACTIVE = {"cancelled", "expired", "failed"}


def fit(model: type[BaseModel], name: str, text: str) -> str:
    """``text`` within the length a tool's input field allows, cut at a word: a long
    message quoted as a topic or a note must not make the call invalid."""
    limit = next(
        (
            int(m.max_length)
            for m in model.model_fields[name].metadata
            if getattr(m, "max_length", None)
        ),
        None,
    )
    if limit is None or len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")].rstrip(" ,;:-") if " " in cut else cut


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
    # The client draws search results as cards: replies name no option list again.
    cards: bool = False
    user_id: str = ""  # the authenticated caller's (never from the conversation)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def first_name(self) -> str:
        name = str(self.profile.get("name") or "").strip()
        return name.split()[0] if name else ""


# A flow's entry point for one intent: the next tool calls, or the reply.
Handler = Callable[[State, Turn, Context, Understanding], Decision]
