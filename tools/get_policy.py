"""get_policy: the caller's company travel policy, as text, to answer policy questions."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from core.policy.render import render_policy
from core.policy.service import get_rules
from tools.base import Effect, ToolContext, ToolSpec

# Words people use → the policy section that answers them.
_TOPICS: dict[str, tuple[str, ...]] = {
    "flights": (
        "flight",
        "fly",
        "cabin",
        "class",
        "economy",
        "business",
        "premium",
        "first",
        "seat",
    ),
    "booking ahead": ("ahead", "advance", "notice", "days", "last minute", "late"),
    "hotels": ("hotel", "room", "night", "stay", "cap", "lodging", "accommodation"),
    "airlines and hotel chains": (
        "airline",
        "carrier",
        "chain",
        "vendor",
        "preferred",
        "blocked",
        "brand",
    ),
    "approvals": ("approv", "manager", "vp", "executive", "threshold", "sign off", "over"),
}


class GetPolicyInput(BaseModel):
    """Read the travel policy (optionally only the part about a topic)."""

    model_config = ConfigDict(extra="forbid")

    topic: str | None = Field(
        default=None,
        max_length=200,
        description="E.g. 'business class', 'hotel caps', 'approvals'. Omit for all.",
    )


class GetPolicyOutput(BaseModel):
    policy: str = Field(description="The policy's name.")
    text: str = Field(description="The policy (or the sections about the topic), in markdown.")


def _sections(text: str) -> tuple[str, dict[str, str]]:
    parts = re.split(r"(?m)^## ", text)
    head = parts[0]
    sections = {}
    for part in parts[1:]:
        title, _, _body = part.partition("\n")
        sections[title.strip().lower()] = "## " + part.rstrip() + "\n"
    return head, sections


def _for_topic(text: str, topic: str | None) -> str:
    if not topic:
        return text
    wanted = topic.lower()
    head, sections = _sections(text)
    picked = [
        body
        for title, body in sections.items()
        if any(word in wanted for word in _TOPICS.get(title, ())) or title in wanted
    ]
    if not picked:
        return text  # an unfamiliar topic: the whole (short) policy beats a wrong excerpt
    return head.split("\n", 1)[0] + "\n\n" + "\n".join(picked)


async def run(ctx: ToolContext, data: GetPolicyInput) -> GetPolicyOutput:
    async with ctx.rt.db.uow(write=False) as session:
        rules = await get_rules(session, ctx.caller.org_id)
    return GetPolicyOutput(policy=rules.name, text=_for_topic(render_policy(rules), data.topic))


TOOL: ToolSpec[GetPolicyInput, GetPolicyOutput] = ToolSpec(
    name="get_policy",
    description="The travel policy's text, to quote rather than guess.",
    input_model=GetPolicyInput,
    output_model=GetPolicyOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
